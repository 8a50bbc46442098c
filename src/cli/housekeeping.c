/* housekeeping.c - `motcua housekeeping`: remove what has served its time,
 * once (the server does the same every ten minutes). */
#include "cli.h"

#include "../auth/auth.h"
#include "../core/log.h"
#include "../dossier/dossier.h"

#include <stdio.h>

#include "../core/banned.h"

static const char usage[] = "usage: motcua housekeeping [--config FILE]\n"
			    "\n"
			    "Remove what has served its time: idempotency records older than a day,\n"
			    "failed-login counters past their window, sessions ended more than 30 days\n"
			    "ago, and uploaded files that no dossier named within upload_keep_hours.\n"
			    "`motcua serve` does this every ten minutes; this runs it once (e.g. after\n"
			    "a long stop).  Prints what was removed.\n";

int64_t mc_cli_housekeeping(struct mc_conn *c, const struct mc_config *cfg, int64_t *uploads)
{
	struct mc_auth_policy p = {cfg->session_ttl,    cfg->session_idle, cfg->login_max_user,
				   cfg->login_max_addr, cfg->login_window, cfg->session_cache_ms};
	int64_t n = mc_auth_housekeeping(c, &p);
	if (n < 0)
		return n;
	*uploads = mc_blob_purge(c, (int64_t)cfg->upload_keep_hours * 3600000);
	return *uploads < 0 ? *uploads : n + *uploads;
}

int mc_cmd_housekeeping(int argc, char **argv)
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
	int64_t uploads = 0, n = MC_E_DB;
	if (mc_db_acquire(db, &c) == 0) {
		n = mc_cli_housekeeping(c, &cfg, &uploads);
		if (n < 0)
			fprintf(stderr, "motcua: housekeeping failed: %s\n", mc_conn_errmsg(c));
		mc_db_release(c);
	}
	mc_db_close(db);
	if (n < 0)
		return 1;
	printf("removed %lld rows, %lld of them unattached uploads\n", (long long)n, (long long)uploads);
	return 0;
}
