/*
 * main.c - motcua: the digital one-stop administration platform.
 * One binary; the first argument picks the subcommand from this table.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

#ifndef MC_VERSION
#define MC_VERSION "dev"
#endif

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} commands[] = {
	{"serve", mc_cmd_serve, "serve the HTTP API and the web UI"},
	{"migrate", mc_cmd_migrate, "apply database schema migrations"},
	{"seed", mc_cmd_seed, "load administrative units and demo data"},
	{"agency", mc_cmd_agency, "add the first agencies, list the agency tree"},
	{"user", mc_cmd_user, "add an official or admin, reset a password"},
	{"audit", mc_cmd_audit, "verify the audit log's hash chain"},
	{"calendar", mc_cmd_calendar, "working days, deadlines and the lunar calendar"},
	{"housekeeping", mc_cmd_housekeeping,
	 "remove expired sessions, records and unattached uploads; queue reminders"},
	{"pki", mc_cmd_pki, "create the certification authorities, print the CA chain and the CRL"},
	{"exchange", mc_cmd_exchange,
	 "documents exchanged with agencies elsewhere; agencies handled by their own systems"},
	{"notify", mc_cmd_notify, "deliver the notifications: in-app inbox, e-mail, SMS"},
	{"snapshot", mc_cmd_snapshot, "take the dashboard's hourly snapshot, or make the leaders' daily reports"},
	{"portal", mc_cmd_portal, "send the dossiers' changes to the national public-service portal"},
	{"backup", mc_cmd_backup, "copy the SQLite database and the PKI secret while motcua serves"},
	{"restore", mc_cmd_restore, "put a backup back in place, with motcua stopped"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: motcua COMMAND [OPTIONS]   (motcua COMMAND --help for more)\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "  %-12s %s\n", "version", "print the version");
	fprintf(f,
		"\nConfiguration comes from MOTCUA_* environment variables and an optional\n"
		"config file (--config FILE or MOTCUA_CONFIG); see the README.  This build's\n"
		"defaults: share_dir %s, data_dir %s.\n",
		mc_config_default_share_dir(), mc_config_default_data_dir());
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("motcua %s\n", MC_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "motcua: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
