/* deliver.c - deliveries claimed, recorded, and their outbox rows
 * acknowledged (see notify.h for why in that order). */
#include "notify.h"

#include "../core/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* The pause before try n + 1: 30 s, 1 min, 2 min ... an hour at most. */
static int64_t pause_after(int64_t tries)
{
	int64_t ms = 30000;
	for (int64_t i = 1; i < tries && ms < 3600000; i++)
		ms *= 2;
	return ms < 3600000 ? ms : 3600000;
}

static void msg_fill(struct mc_notify_msg *m, struct mc_stmt *s)
{
	m->id = mc_col_int64(s, 0);
	m->outbox_id = mc_col_int64(s, 1);
	snprintf(m->channel, sizeof(m->channel), "%s", mc_col_text(s, 2));
	snprintf(m->address, sizeof(m->address), "%s", mc_col_text(s, 3));
	snprintf(m->lang, sizeof(m->lang), "%s", mc_col_text(s, 4));
	m->recipient = mc_xstrdup(mc_col_text(s, 5));
	m->subject = mc_col_text(s, 6) ? mc_xstrdup(mc_col_text(s, 6)) : NULL;
	m->text = mc_xstrdup(mc_col_text(s, 7));
	snprintf(m->message_id, sizeof(m->message_id), "<%lld.%lld@motcua>", (long long)m->id, (long long)m->outbox_id);
}

int mc_notify_claim(struct mc_conn *c, const struct mc_notify_channels *ch, int64_t now, struct mc_notify_msg *msgs,
		    int max, int *n)
{
	*n = 0;
	if (max > MC_NOTIFY_BATCH)
		max = MC_NOTIFY_BATCH;
	int64_t any = 0; /* a look first: an idle worker takes no write lock */
	int rc = mc_query_int64(c, &any, "SELECT id FROM deliveries WHERE state = 'pending' AND next_at <= ? LIMIT 1",
				"i", now);
	if (rc)
		return rc == MC_E_NOT_FOUND ? 0 : rc;
	if ((rc = mc_tx_begin(c, 1)))
		return rc;
	struct mc_stmt *s;
	/* only the channels this server sends by: a row queued for SMS waits
	 * on a server without the gateway for one that has it */
	rc = mc_query(c, &s,
		      "SELECT id, outbox_id, channel, address, lang, name, subject, body, attempts FROM deliveries"
		      " WHERE state = 'pending' AND next_at <= ? AND (channel = 'email' AND ? = 1 OR channel = 'sms'"
		      " AND ? = 1) ORDER BY next_at, id LIMIT ?",
		      "iddd", now, ch->email, ch->sms, max);
	int step = MC_DB_DONE;
	while (!rc && *n < max && (step = mc_step(s)) == MC_DB_ROW)
		msg_fill(&msgs[(*n)++], s);
	if (!rc) {
		mc_stmt_done(s);
		rc = step == MC_DB_DONE || step == MC_DB_ROW ? 0 : step;
	}
	/* each one marked before it leaves; one that another server took
	 * meanwhile (state no longer pending) is left to it */
	int kept = 0;
	for (int i = 0; i < *n; i++) {
		int64_t k =
			rc ? 0
			   : mc_exec(c,
				     "UPDATE deliveries SET state = 'sending', sending_at = ?, attempts = attempts + 1"
				     " WHERE id = ? AND state = 'pending'",
				     "ii", now, msgs[i].id);
		if (k < 0)
			rc = (int)k;
		if (k == 1)
			msgs[kept++] = msgs[i];
		else
			mc_notify_msgs_free(&msgs[i], 1);
	}
	*n = kept;
	if (rc || (rc = mc_tx_commit(c))) {
		mc_tx_rollback(c);
		mc_notify_msgs_free(msgs, *n);
		*n = 0;
	}
	return rc;
}

void mc_notify_msgs_free(struct mc_notify_msg *msgs, int n)
{
	for (int i = 0; i < n; i++) {
		free(msgs[i].subject);
		free(msgs[i].text);
		free(msgs[i].recipient);
		msgs[i].subject = msgs[i].text = msgs[i].recipient = NULL;
	}
}

int mc_notify_record(struct mc_conn *c, int64_t delivery, enum mc_notify_outcome o, const char *error, int64_t now)
{
	int rc = mc_tx_begin(c, 1);
	if (rc)
		return rc;
	int64_t tries = 0, k;
	rc = mc_query_int64(c, &tries, "SELECT attempts FROM deliveries WHERE id = ? AND state = 'sending'", "i",
			    delivery);
	if (rc == MC_E_NOT_FOUND) { /* moved on meanwhile (an operator, the lease) */
		mc_tx_rollback(c);
		return 0;
	}
	if (rc)
		goto out;
	if (o == MC_NOTIFY_SENT) /* a one-time code leaves no copy behind */
		k = mc_exec(c,
			    "UPDATE deliveries SET state = 'sent', sent_at = ?, last_error = NULL, body = CASE WHEN"
			    " outbox_id IN (SELECT id FROM outbox WHERE event = 'password_reset') THEN '' ELSE body END"
			    " WHERE id = ?",
			    "ii", now, delivery);
	else if (o == MC_NOTIFY_REFUSED || tries >= MC_NOTIFY_TRIES)
		k = mc_exec(c, "UPDATE deliveries SET state = 'dead', last_error = ? WHERE id = ?", "ti", error,
			    delivery);
	else
		k = mc_exec(c, "UPDATE deliveries SET state = 'pending', next_at = ?, last_error = ? WHERE id = ?",
			    "iti", now + pause_after(tries), error, delivery);
	rc = k < 0 ? (int)k : 0;
out:
	if (rc || (rc = mc_tx_commit(c)))
		mc_tx_rollback(c);
	return rc;
}

/* Whether the sweep (mc_notify_ack of all) has anything to do. */
static int sweep_needed(struct mc_conn *c, int64_t now, int *yes)
{
	int64_t any = 0;
	int rc = mc_query_int64(c, &any, "SELECT id FROM deliveries WHERE state = 'sending' AND sending_at < ? LIMIT 1",
				"i", now - MC_NOTIFY_LEASE_MS);
	if (rc == MC_E_NOT_FOUND)
		rc = mc_query_int64(c, &any,
				    "SELECT id FROM outbox WHERE delivered_at IS NULL AND planned_at IS NOT NULL AND"
				    " exchange_id IS NULL AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.outbox_id"
				    " = outbox.id AND d.state IN ('pending', 'sending')) LIMIT 1",
				    "");
	*yes = rc == 0;
	return rc == MC_E_NOT_FOUND ? 0 : rc;
}

int mc_notify_ack(struct mc_conn *c, int64_t outbox_id, int64_t now)
{
	int yes = 1, rc = outbox_id ? 0 : sweep_needed(c, now, &yes);
	if (rc || !yes)
		return rc;
	if ((rc = mc_tx_begin(c, 1)))
		return rc;
	/* cut off while sending: it may have left, so it is not sent again */
	int64_t k = mc_exec(c,
			    "UPDATE deliveries SET state = 'dead', last_error = 'outcome unknown: the sender stopped"
			    " while sending; not sent again by itself' WHERE state = 'sending' AND sending_at < ?",
			    "i", now - MC_NOTIFY_LEASE_MS);
	/* done: planned, and none of its deliveries left to send */
	if (k >= 0 && outbox_id)
		k = mc_exec(c,
			    "UPDATE outbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL AND planned_at IS"
			    " NOT NULL AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.outbox_id = outbox.id AND"
			    " d.state IN ('pending', 'sending'))",
			    "ii", now, outbox_id);
	else if (k >= 0)
		k = mc_exec(c,
			    "UPDATE outbox SET delivered_at = ? WHERE delivered_at IS NULL AND planned_at IS NOT NULL"
			    " AND exchange_id IS NULL AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.outbox_id ="
			    " outbox.id AND d.state IN ('pending', 'sending'))",
			    "i", now);
	rc = k < 0 ? (int)k : 0;
	if (rc || (rc = mc_tx_commit(c)))
		mc_tx_rollback(c);
	return rc;
}
