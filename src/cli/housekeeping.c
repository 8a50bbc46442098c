/* housekeeping.c - `motcua housekeeping`: remove what has served its time,
 * once (the server does the same every ten minutes). */
#include "cli.h"

#include "../portal/portal.h"

#include "../api/api.h"
#include "../auth/auth.h"
#include "../core/log.h"
#include "../core/timeutil.h"
#include "../directive/directive.h"
#include "../document/document.h"
#include "../dossier/dossier.h"
#include "../feedback/feedback.h"
#include "../poll/poll.h"
#include "../render/pdf.h"

#include <stdio.h>

#include "../core/banned.h"

static const char usage[] = "usage: motcua housekeeping [--config FILE]\n"
			    "\n"
			    "Remove what has served its time: idempotency records older than a day,\n"
			    "failed-login counters past their window, sessions ended more than 30 days\n"
			    "ago, and uploaded files that no dossier named within upload_keep_hours;\n"
			    "then queue the reminders owed to officials (official documents not opened,\n"
			    "due soon, overdue; directed tasks due soon, overdue: each once) in the\n"
			    "outbox; close the committee members' polls whose deadline has passed (the\n"
			    "result and its PDF computed once) and remind the members who have not\n"
			    "answered a day before the deadline (once, counted with the reminders);\n"
			    "tell the agencies of citizens' reports past their due time (once).\n"
			    "try again the VNPAY refunds that did not go through (vnpay_api_url).\n"
			    "`motcua serve` does this every ten minutes; this runs it once (e.g. after a\n"
			    "long stop).  Prints what was removed and queued.\n";

int64_t mc_cli_housekeeping(struct mc_conn *c, const struct mc_config *cfg, int64_t *uploads, int64_t *reminders)
{
	struct mc_auth_policy p = {cfg->session_ttl,    cfg->session_idle, cfg->login_max_user,
				   cfg->login_max_addr, cfg->login_window, cfg->session_cache_ms};
	int64_t n = mc_auth_housekeeping(c, &p);
	if (n < 0)
		return n;
	*uploads = mc_blob_purge(c, (int64_t)cfg->upload_keep_hours * 3600000);
	if (*uploads < 0)
		return *uploads;
	int64_t now = mc_time_now_ms(), closed = 0, polls = 0, directed = 0, feedback = 0;
	/* PostgreSQL: the partitions of this month and the next three (0045) */
	int64_t months = mc_dossier_partitions(c, now, now + 100 * INT64_C(86400000));
	if (months < 0)
		return months;
	if (months)
		mc_log_json(MC_LOG_INFO, "dossier.partitions_created",
			    json_pack("{s:I}", "tables", (json_int_t)months));
	int rc = mc_document_remind(c, now, reminders);
	if (!rc)
		rc = mc_poll_close_due(c, now, &closed);
	if (!rc)
		rc = mc_poll_remind(c, now, &polls);
	if (!rc)
		rc = mc_directive_remind(c, now, &directed);
	if (!rc)
		rc = mc_feedback_remind(c, now, &feedback);
	*reminders += polls + directed + feedback;
	int64_t refunded = 0;
	if (!rc && (rc = mc_api_payment_refunds(c, cfg, now, &refunded)) == 0 && refunded)
		mc_log_json(MC_LOG_INFO, "payment.refunds_retried",
			    json_pack("{s:I}", "refunded", (json_int_t)refunded));
	int64_t sent = rc ? 0 : mc_notify_housekeeping(c, now);
	if (sent < 0)
		rc = (int)sent;
	int64_t synced = rc ? 0 : mc_portal_housekeeping(c, now);
	if (synced < 0)
		rc = (int)synced;
	return rc ? rc : n + *uploads + sent + synced;
}

int mc_cmd_housekeeping(int argc, char **argv)
{
	struct mc_cli_db s;
	int rc = mc_cli_usage(argc, argv, usage, 0);
	if (rc >= 0 || (rc = mc_cli_connect(argc, argv, &s)))
		return rc;
	int64_t uploads = 0, reminders = 0, n = mc_cli_housekeeping(s.c, &s.cfg, &uploads, &reminders);
	if (n < 0)
		fprintf(stderr, "motcua: housekeeping failed: %s\n", mc_conn_errmsg(s.c));
	mc_cli_disconnect(&s);
	/* a poll closed here rendered its PDF: the font caches go with the process */
	mc_pdf_release_caches();
	if (n < 0)
		return 1;
	printf("removed %lld rows, %lld of them unattached uploads; queued %lld reminders\n", (long long)n,
	       (long long)uploads, (long long)reminders);
	return 0;
}
