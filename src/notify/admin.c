/* admin.c - the operator's view of the deliveries: what waits, what was
 * given up (the dead letters), and a dead letter sent again (see notify.h). */
#include "notify.h"

#include "../db/rows.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static json_t *delivery_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:s}", "id",
			 (json_int_t)mc_col_int64(s, 0), "outbox_id", (json_int_t)mc_col_int64(s, 1), "channel",
			 mc_col_text(s, 2), "address", mc_col_text(s, 3), "state", mc_col_text(s, 4), "event",
			 mc_col_text(s, 5), "attempts", (json_int_t)mc_col_int64(s, 6), "next_at",
			 mc_col_json_time(s, 7), "sent_at", mc_col_json_time(s, 8), "last_error",
			 mc_col_json_text(s, 9), "created_at", mc_col_json_time(s, 10), "subject",
			 mc_col_json_text(s, 11), "lang", mc_col_text(s, 12));
}

int64_t mc_notify_housekeeping(struct mc_conn *c, int64_t now)
{
	int rc = mc_tx_begin(c, 1);
	if (rc)
		return rc;
	int64_t n = mc_exec(c, "DELETE FROM deliveries WHERE state = 'sent' AND sent_at < ?", "i",
			    now - (int64_t)MC_NOTIFY_KEEP_DAYS * 86400000);
	if (n < 0 || (rc = mc_tx_commit(c))) {
		mc_tx_rollback(c);
		return n < 0 ? n : rc;
	}
	return n;
}

int mc_notify_list(struct mc_conn *c, const char *state, int64_t before, int limit, json_t **out)
{
	*out = NULL;
	if (limit < 1 || limit > 200)
		limit = 50;
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT d.id, d.outbox_id, d.channel, d.address, d.state, o.event, d.attempts, d.next_at,"
			  " d.sent_at, d.last_error, d.created_at, d.subject, d.lang FROM deliveries d JOIN outbox o"
			  " ON o.id = d.outbox_id WHERE d.state = ? AND (? = 0 OR d.id < ?) ORDER BY d.id DESC"
			  " LIMIT ?",
			  "tiid", state, before, before, limit + 1);
	int more = 0;
	json_t *items = NULL;
	if (!rc)
		rc = mc_rows_json_page(s, delivery_row, NULL, (size_t)limit, &items, &more);
	if (!rc)
		*out = json_pack("{s:o, s:b}", "items", items, "more", more);
	return rc;
}

int mc_notify_summary(struct mc_conn *c, int64_t now, json_t **out)
{
	struct mc_stmt *s;
	*out = NULL;
	int rc = mc_query(c, &s,
			  "SELECT channel, state, COUNT(*), MIN(CASE WHEN state = 'pending' THEN created_at END)"
			  " FROM deliveries WHERE state <> 'sent' GROUP BY channel, state ORDER BY channel, state",
			  "");
	if (rc)
		return rc;
	json_t *rows = json_array();
	int64_t oldest = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		json_array_append_new(rows, json_pack("{s:s, s:s, s:I}", "channel", mc_col_text(s, 0), "state",
						      mc_col_text(s, 1), "count", (json_int_t)mc_col_int64(s, 2)));
		int64_t o = mc_col_is_null(s, 3) ? 0 : mc_col_int64(s, 3);
		if (o && (!oldest || o < oldest))
			oldest = o;
	}
	mc_stmt_done(s);
	int64_t unplanned = 0;
	if (rc == MC_DB_DONE)
		rc = mc_query_int64(c, &unplanned,
				    "SELECT COUNT(*) FROM outbox WHERE planned_at IS NULL AND exchange_id IS NULL", "");
	if (rc) {
		json_decref(rows);
		return rc;
	}
	*out = json_pack("{s:o, s:I, s:I}", "counts", rows, "unplanned", (json_int_t)unplanned, "oldest_pending_s",
			 (json_int_t)(oldest ? (now - oldest) / 1000 : 0));
	return 0;
}

int mc_notify_retry(struct mc_conn *c, int64_t delivery, int64_t now)
{
	char state[16] = "";
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT state FROM deliveries WHERE id = ?", "i", delivery);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0)
		snprintf(state, sizeof(state), "%s", mc_col_text(s, 0));
	mc_stmt_done(s);
	if (rc)
		return rc;
	if (strcmp(state, "dead") != 0)
		return MC_E_CONFLICT;
	int64_t k = mc_exec(c,
			    "UPDATE deliveries SET state = 'pending', attempts = 0, next_at = ?, last_error = NULL"
			    " WHERE id = ? AND state = 'dead'",
			    "ii", now, delivery);
	/* its outbox row waits again */
	if (k >= 0)
		k = mc_exec(c,
			    "UPDATE outbox SET delivered_at = NULL WHERE id = (SELECT outbox_id FROM deliveries WHERE"
			    " id = ?)",
			    "i", delivery);
	return k < 0 ? (int)k : 0;
}
