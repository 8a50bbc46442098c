/* common.c - start-up shared by the subcommands. */
#include "cli.h"

#include "../audit/audit.h"
#include "../core/log.h"
#include "../crypto/crypto.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/banned.h"

int mc_cli_wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

int mc_cli_usage(int argc, char **argv, const char *usage, int bad)
{
	if (mc_cli_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	if (bad) {
		fputs(usage, stderr);
		return 2;
	}
	return -1;
}

const char *mc_cli_opt(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0 || strncmp(argv[i] + 2, name, n) != 0)
			continue;
		if (argv[i][2 + n] == '=')
			return argv[i] + 3 + n;
		if (argv[i][2 + n] == '\0' && i + 1 < argc)
			return argv[i + 1];
	}
	return NULL;
}

int mc_cli_flag(int argc, char **argv, const char *name)
{
	for (int i = 0; i < argc; i++)
		if (strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i] + 2, name) == 0)
			return 1;
	return 0;
}

int mc_cli_open(int argc, char **argv, struct mc_config *cfg, struct mc_db **db, int pool)
{
	char err[512] = "";
	if (mc_config_load(cfg, mc_cli_opt(argc, argv, "config"), err, sizeof(err))) {
		fprintf(stderr, "motcua: %s\n", err);
		return 2;
	}
	enum mc_log_level lvl;
	if (mc_log_parse_level(cfg->log_level, &lvl) == 0)
		mc_log_set_level(lvl);
	if (mc_crypto_init()) {
		fprintf(stderr, "motcua: cannot initialise libsodium\n");
		return 1;
	}
	if (!db)
		return 0;
	if (!mc_config_is_pg(cfg->db)) {
		/* Create the folder of the SQLite file (var/ by default). */
		char dir[512];
		snprintf(dir, sizeof(dir), "%s", cfg->db);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			if (mkdir(dir, 0750) && errno != EEXIST) {
				fprintf(stderr, "motcua: cannot create %s: %s\n", dir, strerror(errno));
				return 1;
			}
		}
	}
	struct mc_db_limits lim = {.connect_ms = cfg->db_connect_timeout_ms};
	if (mc_db_open_limits(cfg->db, pool ? pool : cfg->db_pool, &lim, db, err, sizeof(err))) {
		fprintf(stderr, "motcua: cannot open the database: %s\n", err);
		return 1;
	}
	return 0;
}

int mc_cli_connect(int argc, char **argv, struct mc_cli_db *s)
{
	s->c = NULL;
	int rc = mc_cli_open(argc, argv, &s->cfg, &s->db, 1);
	if (rc)
		return rc;
	/* The pool is this process's own and keeps no hang watch: the one
	 * connection is free, so this fails only if something is very wrong. */
	if (mc_db_acquire(s->db, &s->c)) {
		fputs("motcua: database unavailable\n", stderr);
		mc_db_close(s->db);
		return 1;
	}
	return 0;
}

void mc_cli_disconnect(struct mc_cli_db *s)
{
	mc_db_release(s->c);
	mc_db_close(s->db);
}

int mc_cli_audit(struct mc_conn *c, const char *action, const char *object_type, int64_t object_id, json_t *d)
{
	char oid[24];
	snprintf(oid, sizeof(oid), "%lld", (long long)object_id);
	struct mc_audit_entry e = {0, action, object_type, oid, "cli", NULL};
	if (!d)
		d = json_object();
	json_object_set_new(d, "via", json_string("cli"));
	return mc_audit_append_json(c, &e, d);
}
