/*
 * cli.h - the motcua subcommands.  Each takes argc/argv after the
 * subcommand name, prints its own --help, and returns the process exit code.
 */
#ifndef MC_CLI_H
#define MC_CLI_H

#include "../core/config.h"
#include "../db/db.h"
#include "../notify/notify.h"

#include <jansson.h>

int mc_cmd_serve(int argc, char **argv);
int mc_cmd_migrate(int argc, char **argv);
int mc_cmd_seed(int argc, char **argv);
int mc_cmd_user(int argc, char **argv);
int mc_cmd_audit(int argc, char **argv);
int mc_cmd_agency(int argc, char **argv);
int mc_cmd_calendar(int argc, char **argv);
int mc_cmd_housekeeping(int argc, char **argv);
int mc_cmd_pki(int argc, char **argv);
int mc_cmd_exchange(int argc, char **argv);
/* One round of hand-overs to external agencies' systems (exchange.c):
 * the number tried (delivered and failed counted), or an error < 0. */
int mc_cli_handoff_round(struct mc_db *db, const char *public_url, int *delivered, int *failed);
int mc_cmd_snapshot(int argc, char **argv);
int mc_cmd_notify(int argc, char **argv);
int mc_cmd_portal(int argc, char **argv);
int mc_cmd_backup(int argc, char **argv);
int mc_cmd_restore(int argc, char **argv);

/* One round of housekeeping (housekeeping.c): the rows removed in all, or
 * an MC_E_* code; *uploads tells how many were unattached uploads,
 * *reminders how many reminders it queued in the outbox. */
int64_t mc_cli_housekeeping(struct mc_conn *c, const struct mc_config *cfg, int64_t *uploads, int64_t *reminders);

/* The notification worker (notify.c): the server's thread runs rounds
 * every notify_interval_ms, `motcua notify` one or until nothing is due. */
struct mc_notifier {
	struct mc_db *db;
	const struct mc_config *cfg;
	struct mc_smtp *smtp; /* kept open across messages */
	struct mc_notify_channels ch;
};
struct mc_notify_counts {
	int64_t planned, claimed, sent, retried, refused;
};
void mc_cli_notifier_init(struct mc_notifier *n, struct mc_db *db, const struct mc_config *cfg);
void mc_cli_notifier_done(struct mc_notifier *n);
/* Plan what is new, send what is due, record and acknowledge; counts
 * added to k.  0 or the error that stopped the round. */
int mc_cli_notify_round(struct mc_notifier *n, struct mc_notify_counts *k);

/* The national portal's worker (portal.c): one round sends what is due
 * (nothing when portal_url is not set); counts added to k. */
struct mc_portal_counts {
	int64_t claimed, accepted, retried, refused;
};
int mc_cli_portal_round(struct mc_db *db, const struct mc_config *cfg, struct mc_portal_counts *k);

/* Shared start-up: load configuration (--config FILE may be in argv),
 * initialise crypto and logging, open the database with pool connections.
 * Prints an error and returns non-zero on failure. */
int mc_cli_open(int argc, char **argv, struct mc_config *cfg, struct mc_db **db, int pool);

/* What a subcommand that works on the database holds: its configuration,
 * a pool of one connection, and that connection, borrowed. */
struct mc_cli_db {
	struct mc_config cfg;
	struct mc_db *db;
	struct mc_conn *c;
};

/* mc_cli_open() with a pool of one, then borrow its connection.  Prints an
 * error and returns the exit code (non-zero) on failure, leaving nothing
 * open. */
int mc_cli_connect(int argc, char **argv, struct mc_cli_db *s);
/* Give the connection back and close the pool. */
void mc_cli_disconnect(struct mc_cli_db *s);

/* Append the audit entry of a change made from the command line, inside
 * the caller's write transaction: no actor, source "cli", object id as a
 * number, detail d (its reference is taken; NULL: none) with "via": "cli"
 * added after what it holds. */
int mc_cli_audit(struct mc_conn *c, const char *action, const char *object_type, int64_t object_id, json_t *d);
/* Check the audit log's hash chain and print the outcome: 0 when intact,
 * 3 when broken (the first bad entry printed), 1 when it cannot be read. */
int mc_cli_audit_verify(struct mc_conn *c);

/* 1 if argv has --help or -h. */
int mc_cli_wants_help(int argc, char **argv);
/* The usage text of a subcommand: on stdout with exit code 0 when argv asks
 * for help, else on stderr with exit code 2 when bad (the arguments are
 * wrong).  Returns that exit code, or -1 when the command goes on. */
int mc_cli_usage(int argc, char **argv, const char *usage, int bad);
/* Value of --name VALUE or --name=VALUE, or NULL. */
const char *mc_cli_opt(int argc, char **argv, const char *name);
int mc_cli_flag(int argc, char **argv, const char *name);

#endif
