/* notify.c - the notification worker: the server's thread, and
 * `motcua notify` (one pass by hand, or until nothing is left).  No
 * database connection is held while a message travels. */
#include "cli.h"

#include "../core/log.h"
#include "../core/testhooks.h"
#include "../core/timeutil.h"
#include "../http/mail.h"
#include "../notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static const char usage[] = "usage: motcua notify [--drain] [--config FILE]\n"
			    "\n"
			    "Deliver the outbox's notifications once: write each new message to its\n"
			    "recipient's in-app inbox, then send what is due by e-mail (smtp_url) and\n"
			    "SMS (sms_url).  With --drain, go on until nothing is due now.  Prints what\n"
			    "was planned, sent, put off and given up.  `motcua serve` does the same\n"
			    "every notify_interval_ms.\n";

void mc_cli_notifier_init(struct mc_notifier *n, struct mc_db *db, const struct mc_config *cfg)
{
	memset(n, 0, sizeof(*n));
	n->db = db;
	n->cfg = cfg;
	n->ch.email = cfg->smtp_url[0] != '\0';
	n->ch.sms = cfg->sms_url[0] != '\0';
	n->ch.public_url = cfg->public_url;
	char err[300];
	if (mc_notify_templates_load(cfg->share_dir, err, sizeof(err)))
		mc_log_json(MC_LOG_ERROR, "notify_templates", json_pack("{s:s}", "error", err));
}

void mc_cli_notifier_done(struct mc_notifier *n)
{
	mc_smtp_close(n->smtp);
	n->smtp = NULL;
}

/* The test build's crash points ("sent": the message left, nothing
 * recorded; "recorded": recorded, its outbox row not acknowledged). */
static void point(const char *where)
{
	if (mc_test_hooks.notify_point)
		mc_test_hooks.notify_point(where);
}

static enum mc_send_result send_one(struct mc_notifier *n, const struct mc_notify_msg *m, char *err, size_t len)
{
	if (strcmp(m->channel, "sms") == 0) {
		char id[32];
		snprintf(id, sizeof(id), "%lld", (long long)m->id);
		return mc_sms_send(n->cfg->sms_url, n->cfg->sms_token, m->address, m->text, id, err, len);
	}
	if (!n->smtp)
		n->smtp = mc_smtp_open(n->cfg->smtp_url, n->cfg->smtp_user, n->cfg->smtp_password);
	if (!n->smtp) {
		snprintf(err, len, "cannot set up SMTP");
		return MC_SEND_RETRY;
	}
	struct mc_mail mail = {n->cfg->smtp_from, n->cfg->smtp_from_name, m->address, m->recipient, m->subject,
			       m->text,           m->message_id};
	enum mc_send_result r = mc_smtp_send(n->smtp, &mail, err, len);
	if (r != MC_SEND_OK) { /* a fresh connection for the next one */
		mc_smtp_close(n->smtp);
		n->smtp = NULL;
	}
	return r;
}

int mc_cli_notify_round(struct mc_notifier *n, struct mc_notify_counts *k)
{
	struct mc_conn *c;
	int rc = mc_db_acquire(n->db, &c);
	if (rc)
		return rc;
	/* what is new first (its inbox messages appear at once), a bounded
	 * share of a backlog each round */
	int planned = 0;
	for (int b = 0; b < 32 && !rc && (b == 0 || planned == MC_NOTIFY_BATCH); b++) {
		rc = mc_notify_plan(c, &n->ch, mc_time_now_ms(), &planned);
		k->planned += rc ? 0 : planned;
	}
	struct mc_notify_msg msgs[MC_NOTIFY_BATCH];
	int got = 0;
	if (!rc && (n->ch.email || n->ch.sms))
		rc = mc_notify_claim(c, &n->ch, mc_time_now_ms(), msgs, MC_NOTIFY_BATCH, &got);
	mc_db_release(c);
	for (int i = 0; i < got; i++) {
		char err[300] = "";
		enum mc_send_result r = send_one(n, &msgs[i], err, sizeof(err));
		if (r == MC_SEND_OK)
			point("sent");
		enum mc_notify_outcome o = r == MC_SEND_OK        ? MC_NOTIFY_SENT
					   : r == MC_SEND_REFUSED ? MC_NOTIFY_REFUSED
								  : MC_NOTIFY_RETRY;
		if (r == MC_SEND_OK)
			k->sent++;
		else
			mc_log_json(MC_LOG_INFO, "notify_try_failed",
				    json_pack("{s:I, s:s, s:s}", "delivery", (json_int_t)msgs[i].id, "channel",
					      msgs[i].channel, "error", err));
		if (mc_db_acquire(n->db, &c) == 0) {
			int64_t now = mc_time_now_ms();
			int x = mc_notify_record(c, msgs[i].id, o, err[0] ? err : NULL, now);
			if (!x) {
				point("recorded");
				x = mc_notify_ack(c, msgs[i].outbox_id, now);
			}
			mc_db_release(c);
			if (!x && r == MC_SEND_RETRY)
				k->retried++;
			else if (!x && r == MC_SEND_REFUSED)
				k->refused++;
		}
	}
	k->claimed += got;
	mc_notify_msgs_free(msgs, got);
	if (!rc && (rc = mc_db_acquire(n->db, &c)) == 0) { /* what a crash left unacknowledged */
		rc = mc_notify_ack(c, 0, mc_time_now_ms());
		mc_db_release(c);
	}
	return rc;
}

int mc_cmd_notify(int argc, char **argv)
{
	int rc = mc_cli_usage(argc, argv, usage, 0);
	if (rc >= 0)
		return rc;
	struct mc_cli_db s;
	if ((rc = mc_cli_connect(argc, argv, &s)))
		return rc;
	mc_db_release(s.c); /* the rounds borrow it themselves */
	s.c = NULL;
	struct mc_notifier n;
	mc_cli_notifier_init(&n, s.db, &s.cfg);
	struct mc_notify_counts k = {0};
	int drain = mc_cli_flag(argc, argv, "drain");
	for (int i = 0; i < 100000; i++) {
		int64_t before = k.planned + k.claimed;
		if ((rc = mc_cli_notify_round(&n, &k)) || !drain || k.planned + k.claimed == before)
			break;
	}
	mc_cli_notifier_done(&n);
	mc_db_close(s.db);
	s.db = NULL;
	if (rc) {
		fprintf(stderr, "motcua: notify failed (%d)\n", rc);
		return 1;
	}
	printf("planned %lld, sent %lld, put off %lld, given up %lld\n", (long long)k.planned, (long long)k.sent,
	       (long long)k.retried, (long long)k.refused);
	return 0;
}
