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

int mc_cli_audit_verify(struct mc_conn *c)
{
	struct mc_audit_report rep;
	int rc = mc_audit_verify(c, &rep);
	if (rc == 0) {
		printf("audit log intact: %lld entries checked\n", (long long)rep.checked);
		return 0;
	}
	if (rc == MC_E_AUDIT_BROKEN) {
		printf("audit log BROKEN at entry %lld: %s (%lld entries read)\n", (long long)rep.bad_id, rep.reason,
		       (long long)rep.checked);
		return 3;
	}
	fprintf(stderr, "motcua: cannot read the audit log: %s\n", mc_conn_errmsg(c));
	return 1;
}

int mc_cmd_audit(int argc, char **argv)
{
	struct mc_cli_db s;
	int rc = mc_cli_usage(argc, argv, usage, argc < 2 || strcmp(argv[1], "verify") != 0);
	if (rc >= 0 || (rc = mc_cli_connect(argc, argv, &s)))
		return rc;
	int code = mc_cli_audit_verify(s.c);
	mc_cli_disconnect(&s);
	return code;
}
