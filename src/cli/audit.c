/* audit.c - `motcua audit verify`: check the audit log's hash chain. */
#include "cli.h"

#include "../audit/audit.h"
#include "../core/err.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static const char usage[] = "usage: motcua audit verify [--config FILE]\n"
			    "\n"
			    "Walk the audit log from its first entry and check every link of the hash\n"
			    "chain.  Exits 0 when the log is intact; otherwise prints the first bad\n"
			    "entry and why, and exits 3 (1 on other errors).\n";

int mc_cmd_audit(int argc, char **argv)
{
	if (argc < 2 || mc_cli_wants_help(argc, argv) || strcmp(argv[1], "verify") != 0) {
		fputs(usage, argc < 2 || !mc_cli_wants_help(argc, argv) ? stderr : stdout);
		return mc_cli_wants_help(argc, argv) ? 0 : 2;
	}
	struct mc_config cfg;
	struct mc_db *db;
	int rc = mc_cli_open(argc, argv, &cfg, &db, 1);
	if (rc)
		return rc;
	struct mc_conn *c;
	struct mc_audit_report rep;
	rc = mc_db_acquire(db, &c);
	if (!rc)
		rc = mc_audit_verify(c, &rep);
	int code = 0;
	if (rc == 0) {
		printf("audit log intact: %lld entries checked\n", (long long)rep.checked);
	} else if (rc == MC_E_AUDIT_BROKEN) {
		printf("audit log BROKEN at entry %lld: %s (%lld entries read)\n", (long long)rep.bad_id, rep.reason,
		       (long long)rep.checked);
		code = 3;
	} else {
		fprintf(stderr, "motcua: cannot read the audit log: %s\n", c ? mc_conn_errmsg(c) : "no connection");
		code = 1;
	}
	mc_db_release(c);
	mc_db_close(db);
	return code;
}
