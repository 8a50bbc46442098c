/* migrate.c - `motcua migrate`: apply pending schema migrations. */
#include "cli.h"

#include "../db/migrate.h"

#include <stdio.h>

#include "../core/banned.h"

static const char usage[] = "usage: motcua migrate [--config FILE] [--status]\n"
			    "\n"
			    "Apply the schema migrations this motcua carries that the database\n"
			    "(MOTCUA_DB) has not had yet, each in its own transaction.  Running it\n"
			    "again changes nothing.\n"
			    "  --status  only print the current and the latest version\n";

int mc_cmd_migrate(int argc, char **argv)
{
	if (mc_cli_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	struct mc_config cfg;
	struct mc_db *db;
	int rc = mc_cli_open(argc, argv, &cfg, &db, 1);
	if (rc)
		return rc;
	struct mc_conn *c;
	int applied = 0, version = 0;
	rc = mc_db_acquire(db, &c);
	if (!rc && !mc_cli_flag(argc, argv, "status"))
		rc = mc_migrate(c, &applied);
	if (!rc)
		rc = mc_migrate_version(c, &version);
	if (rc)
		fprintf(stderr, "motcua: migrate failed: %s\n", c ? mc_conn_errmsg(c) : "no connection");
	else
		printf("database %s: schema version %d (latest %d), %d migration(s) applied\n", mc_db_kind_name(db),
		       version, mc_migrate_latest(db), applied);
	mc_db_release(c);
	mc_db_close(db);
	return rc ? 1 : 0;
}
