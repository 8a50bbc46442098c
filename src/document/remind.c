/*
 * remind.c - reminders of what waits on officials, through the outbox
 * (run with the housekeeping: `motcua serve` every ten minutes, `motcua
 * housekeeping` once).
 *
 * A pending task gets at most one reminder of each kind:
 *   - unopened: not yet opened an hour after it arrived for a hỏa tốc
 *     document, four hours for a thượng khẩn one, a day for the others;
 *   - due_soon: its deadline within three days (as the inbox's tab);
 *   - overdue: its deadline past.
 * Each is an outbox row (event "document_reminder", the official's
 * contact, what waits: the document, its summary and number, the task,
 * the deadline; not the summary of a confidential one) and a
 * document_reminders row that keeps it from being
 * sent again.  At most MAX_PER_RUN a run: the next run takes the rest.
 */
#include "document.h"
#include "internal.h"

#include "../core/timeutil.h"
#include "../db/rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define MAX_PER_RUN 1000
#define HOUR_MS     3600000LL

/* The tasks owed a reminder of kind (its condition on t and d, bound to
 * today and soon or to the arrival limits), with what the message says. */
static const char *const cond[] = {
	/* unopened: by urgency rank 3, 2, the others */
	"t.viewed_at IS NULL AND t.arrived_at < (CASE t.urgency_rank WHEN 3 THEN CAST(? AS BIGINT) WHEN 2 THEN CAST(? "
	"AS BIGINT)"
	" ELSE CAST(? AS BIGINT) END)",
	"t.due_date IS NOT NULL AND t.due_date >= ? AND t.due_date <= ?",
	"t.due_date IS NOT NULL AND t.due_date < ?",
};
static const char *const kinds[] = {"unopened", "due_soon", "overdue"};

static int remind_kind(struct mc_conn *c, int k, int64_t now, const char *today, const char *soon, int64_t *queued)
{
	char sql[1600];
	snprintf(sql, sizeof(sql),
		 "SELECT t.id, t.kind, t.due_date, t.user_id, u.full_name, u.phone, u.email, d.id, d.summary,"
		 " d.direction, d.number, d.symbol, d.urgency, d.secrecy FROM document_tasks t JOIN users u ON u.id = "
		 "t.user_id"
		 " JOIN documents d ON d.id = t.document_id WHERE t.status = 'pending' AND %s"
		 " AND NOT EXISTS (SELECT 1 FROM document_reminders r WHERE r.task_id = t.id AND r.kind = ?)"
		 " ORDER BY t.id LIMIT ?",
		 cond[k]);
	struct mc_stmt *s;
	int rc;
	int64_t limit = MAX_PER_RUN - *queued;
	if (limit <= 0)
		return 0;
	if (k == 0)
		rc = mc_query(c, &s, sql, "iiiti", now - HOUR_MS, now - 4 * HOUR_MS, now - 24 * HOUR_MS, kinds[k],
			      limit);
	else if (k == 1)
		rc = mc_query(c, &s, sql, "ttti", today, soon, kinds[k], limit);
	else
		rc = mc_query(c, &s, sql, "tti", today, kinds[k], limit);
	if (rc)
		return rc;
	/* read them all first: one statement at a time on the connection */
	json_t *rows = json_array();
	int step;
	while ((step = mc_step(s)) == MC_DB_ROW) {
		/* a confidential document's summary does not leave by SMS or e-mail */
		int secret = strcmp(mc_col_text(s, 13), "none") != 0;
		char number[128];
		if (strcmp(mc_col_text(s, 9), "out") == 0)
			snprintf(number, sizeof(number), "%02lld/%s", (long long)mc_col_int64(s, 10),
				 mc_col_text(s, 11));
		else
			snprintf(number, sizeof(number), "%lld", (long long)mc_col_int64(s, 10));
		json_array_append_new(
			rows, json_pack("{s:I, s:{s:I, s:s?, s:s?, s:s?}, s:{s:s, s:s, s:I, s:s?, s:s, s:s, s:o, s:s}}",
					"task", (json_int_t)mc_col_int64(s, 0), "to", "user_id",
					(json_int_t)mc_col_int64(s, 3), "full_name", mc_col_text(s, 4), "phone",
					mc_col_text(s, 5), "email", mc_col_text(s, 6), "payload", "event",
					"document_reminder", "reminder", kinds[k], "document_id",
					(json_int_t)mc_col_int64(s, 7), "summary", secret ? NULL : mc_col_text(s, 8),
					"number_text", number, "task_kind", mc_col_text(s, 1), "due_date",
					mc_col_json_text(s, 2), "urgency", mc_col_text(s, 12)));
	}
	mc_stmt_done(s);
	rc = step == MC_DB_DONE ? 0 : step;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		if (rc)
			break;
		json_t *payload = json_object_get(r, "payload");
		char *to = json_dumps(json_object_get(r, "to"), JSON_COMPACT), *p = json_dumps(payload, JSON_COMPACT);
		int64_t n = mc_exec(
			c, "INSERT INTO outbox (at, document_id, event, recipient, payload) VALUES (?, ?, ?, ?, ?)",
			"iitt"
			"t",
			now, (int64_t)json_integer_value(json_object_get(payload, "document_id")), "document_reminder",
			to, p);
		if (n >= 0)
			n = mc_exec(c, "INSERT INTO document_reminders (task_id, kind, at) VALUES (?, ?, ?)", "iti",
				    (int64_t)json_integer_value(json_object_get(r, "task")), kinds[k], now);
		free(to);
		free(p);
		if (n < 0)
			rc = (int)n;
		else
			(*queued)++;
	}
	json_decref(rows);
	return rc;
}

int mc_document_remind(struct mc_conn *c, int64_t now, int64_t *queued)
{
	*queued = 0;
	char today[11], soon[11];
	int y, m, d;
	mc_vn_date(now, &y, &m, &d);
	snprintf(today, sizeof(today), "%04d-%02d-%02d", y, m, d);
	mc_vn_date(now + 3 * MC_DAY_MS, &y, &m, &d); /* as the inbox's "due soon" */
	snprintf(soon, sizeof(soon), "%04d-%02d-%02d", y, m, d);
	int rc = mc_tx_begin(c, 1);
	for (int k = 0; !rc && k < 3; k++)
		rc = remind_kind(c, k, now, today, soon, queued);
	rc = rc ? rc : mc_tx_commit(c);
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	return rc;
}
