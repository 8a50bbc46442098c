/* portal.c - the worker that sends the dossiers' changes to the national
 * public-service portal (src/portal): the server's thread when portal = 1,
 * and `motcua portal` (one round by hand, or until nothing is due).  No
 * database connection is held while a request travels. */
#include "cli.h"

#include "../core/buf.h"
#include "../core/log.h"
#include "../core/timeutil.h"
#include "../http/client.h"
#include "../portal/portal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static const char usage[] = "usage: motcua portal [--drain] [--config FILE]\n"
			    "\n"
			    "Send the dossiers' changes that are due to the national public-service\n"
			    "portal's synchronisation API (portal_url, bearer portal_token), each\n"
			    "dossier's in order.  With --drain, go on until nothing is due now.  Prints\n"
			    "what was accepted, put off and failed.  `motcua serve` does the same every\n"
			    "portal_interval_ms when portal = 1.\n";

/* Send one claimed row; its outcome, the portal's answer into answer. */
static enum mc_portal_outcome send_one(const struct mc_config *cfg, const struct mc_portal_job *j,
				       struct mc_buf *answer, char *err, size_t len)
{
	if (!j->body) {
		snprintf(err, len, "%s", j->error);
		return MC_PORTAL_REFUSED;
	}
	char auth[300] = "";
	if (cfg->portal_token[0])
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", cfg->portal_token);
	long status = 0;
	char cerr[200] = "";
	mc_http_client_call_with("POST", cfg->portal_url, "application/json; charset=utf-8", auth[0] ? auth : NULL,
				 j->body, strlen(j->body), MC_PORTAL_TIMEOUT_S, &status, answer, cerr, sizeof(cerr));
	enum mc_portal_outcome o = mc_portal_answer(status, answer->data, err, len);
	if (status == 0 && cerr[0])
		snprintf(err, len, "no answer from the portal: %s", cerr);
	return o;
}

int mc_cli_portal_round(struct mc_db *db, const struct mc_config *cfg, struct mc_portal_counts *k)
{
	if (!cfg->portal_url[0])
		return 0;
	struct mc_conn *c;
	int rc = mc_db_acquire(db, &c);
	if (rc)
		return rc;
	struct mc_portal_job jobs[MC_PORTAL_BATCH];
	int got = 0;
	rc = mc_portal_claim(c, mc_time_now_ms(), jobs, MC_PORTAL_BATCH, &got);
	mc_db_release(c);
	for (int i = 0; i < got; i++) {
		struct mc_buf answer;
		mc_buf_init(&answer, 16384);
		char err[300] = "";
		enum mc_portal_outcome o = send_one(cfg, &jobs[i], &answer, err, sizeof(err));
		if (o == MC_PORTAL_ACCEPTED)
			k->accepted++;
		else
			mc_log_json(MC_LOG_INFO, "portal_try_failed",
				    json_pack("{s:I, s:s, s:s}", "row", (json_int_t)jobs[i].id, "dossier", jobs[i].code,
					      "error", err));
		if (mc_db_acquire(db, &c) == 0) {
			int x = mc_portal_record(c, &jobs[i], o, answer.len ? answer.data : NULL, err[0] ? err : NULL,
						 mc_time_now_ms());
			mc_db_release(c);
			if (!x && o == MC_PORTAL_RETRY)
				k->retried++;
			else if (!x && o == MC_PORTAL_REFUSED)
				k->refused++;
		}
		mc_buf_release(&answer);
	}
	k->claimed += got;
	mc_portal_jobs_free(jobs, got);
	return rc;
}

int mc_cmd_portal(int argc, char **argv)
{
	int rc = mc_cli_usage(argc, argv, usage, 0);
	if (rc >= 0)
		return rc;
	struct mc_cli_db s;
	if ((rc = mc_cli_connect(argc, argv, &s)))
		return rc;
	mc_db_release(s.c); /* the rounds borrow it themselves */
	s.c = NULL;
	if (!s.cfg.portal_url[0]) {
		fprintf(stderr, "motcua: portal_url is not set (MOTCUA_PORTAL_URL)\n");
		mc_db_close(s.db);
		return 2;
	}
	struct mc_portal_counts k = {0};
	int drain = mc_cli_flag(argc, argv, "drain");
	for (int i = 0; i < 100000; i++) {
		int64_t before = k.claimed;
		if ((rc = mc_cli_portal_round(s.db, &s.cfg, &k)) || !drain || k.claimed == before)
			break;
	}
	mc_db_close(s.db);
	s.db = NULL;
	if (rc) {
		fprintf(stderr, "motcua: portal failed (%d)\n", rc);
		return 1;
	}
	printf("accepted %lld, put off %lld, failed %lld\n", (long long)k.accepted, (long long)k.retried,
	       (long long)k.refused);
	return 0;
}
