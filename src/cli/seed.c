/* seed.c - `motcua seed`: administrative units and demo data. */
#include "cli.h"

#include "../core/err.h"
#include "../db/migrate.h"
#include "../seed/seed.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static const char usage[] =
	"usage: motcua seed [--config FILE] [--units-only] [--password PW]\n"
	"\n"
	"Load the administrative units of Vietnam (GSO codes, current and\n"
	"pre-July-2025, with the old->new ward mapping) and the Ho Chi Minh City\n"
	"demo data: agencies, reception counters, officials and citizens, all with\n"
	"the demo password (default motcua2026).  Applies pending migrations first.\n"
	"Does nothing for data already there.\n"
	"  --units-only   load the units, not the demo people and agencies\n"
	"  --password PW  the demo accounts' password\n";

int mc_cmd_seed(int argc, char **argv)
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
	const char *pw = mc_cli_opt(argc, argv, "password");
	if (!pw)
		pw = "motcua2026";
	struct mc_conn *c;
	int applied = 0;
	char err[512] = "";
	struct mc_seed_counts n = {0};
	rc = mc_db_acquire(db, &c);
	if (!rc)
		rc = mc_migrate(c, &applied);
	if (!rc)
		rc = mc_seed_units(c, cfg.share_dir, &n, err, sizeof(err));
	if (!rc)
		rc = mc_seed_procedures(c, cfg.share_dir, &n, err, sizeof(err));
	int demo_there = 0;
	if (!rc && !mc_cli_flag(argc, argv, "units-only")) {
		rc = mc_seed_demo(c, cfg.share_dir, pw, &n, err, sizeof(err));
		if (rc == MC_E_CONFLICT) {
			demo_there = 1;
			rc = 0;
		}
	}
	if (rc) {
		fprintf(stderr, "motcua: seed failed: %s\n", err[0] ? err : mc_conn_errmsg(c));
	} else {
		printf("units: %ld loaded (%ld old->new ward links)\n", n.units, n.unit_changes);
		printf("procedures: %ld added to the catalog\n", n.procedures);
		if (demo_there)
			printf("demo data: already there, left as it was\n");
		else if (!mc_cli_flag(argc, argv, "units-only"))
			printf("demo data: %ld agencies, %ld counters, %ld officials, %ld citizens\n", n.agencies,
			       n.counters, n.officials, n.citizens);
	}
	mc_db_release(c);
	mc_db_close(db);
	return rc ? 1 : 0;
}
