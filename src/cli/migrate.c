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
	struct mc_cli_db s;
	int rc = mc_cli_usage(argc, argv, usage, 0);
	if (rc >= 0 || (rc = mc_cli_connect(argc, argv, &s)))
		return rc;
	int applied = 0, version = 0;
	if (!mc_cli_flag(argc, argv, "status"))
		rc = mc_migrate(s.c, &applied);
	if (!rc)
		rc = mc_migrate_version(s.c, &version);
	if (rc)
		fprintf(stderr, "motcua: migrate failed: %s\n", mc_conn_errmsg(s.c));
	else
		printf("database %s: schema version %d (latest %d), %d migration(s) applied\n", mc_db_kind_name(s.db),
		       version, mc_migrate_latest(s.db), applied);
	mc_cli_disconnect(&s);
	return rc ? 1 : 0;
}
