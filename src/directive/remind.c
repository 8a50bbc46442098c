/*
 * remind.c - reminders of directed tasks through the outbox (run with the
 * housekeeping, as the documents' reminders, src/document/remind.c).
 *
 * An open task gets at most one reminder of each kind: due_soon (its
 * deadline in force within three days) and overdue (its deadline past).
 * Each goes to the leaders of the task's agency (the officials with the
 * role leader who act for it) as an outbox row (event
 * "directive_reminder": the task, the directive, the deadline), and a
 * directive_reminders row keeps it from being sent again.  At most
 * MAX_PER_RUN tasks a run: the next run takes the rest.
 */
#include "internal.h"

#include "../core/timeutil.h"
#include "../db/rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define MAX_PER_RUN 1000

static const char *const kinds[] = {"due_soon", "overdue"};

static json_t *owed_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:I, s:I, s:s, s:s, s:s?}", "task_id", (json_int_t)mc_col_int64(s, 0), "directive_id",
			 (json_int_t)mc_col_int64(s, 1), "agency_id", (json_int_t)mc_col_int64(s, 2), "deadline",
			 mc_col_text(s, 3), "content", mc_col_text(s, 4), "task_content", mc_col_text(s, 5));
}

static json_t *to_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s?, s:s?, s:s?}", "user_id", (json_int_t)mc_col_int64(s, 0), "full_name",
			 mc_col_text(s, 1), "phone", mc_col_text(s, 2), "email", mc_col_text(s, 3));
}

/* The outbox rows of one task's reminder, then the row that marks it sent. */
static int remind_task(struct mc_conn *c, const char *kind, json_t *task, int64_t now)
{
	int64_t id = json_integer_value(json_object_get(task, "task_id"));
	struct mc_stmt *s;
	json_t *to = NULL;
	int rc = mc_query(
		c, &s,
		"SELECT u.id, u.full_name, u.phone, u.email FROM users u JOIN user_roles r ON r.user_id = u.id"
		" AND r.role_code = 'leader' WHERE u.status = 'active' AND u.agency_id IN (SELECT descendant_id"
		" FROM agency_tree WHERE ancestor_id = ? AND same_body = 1) ORDER BY u.id",
		"i", (int64_t)json_integer_value(json_object_get(task, "agency_id")));
	if (rc || (rc = mc_rows_json(s, to_row, NULL, &to)))
		return rc;
	json_object_set_new(task, "event", json_string("directive_reminder"));
	json_object_set_new(task, "reminder", json_string(kind));
	char *p = json_dumps(task, JSON_COMPACT);
	size_t i;
	json_t *u;
	json_array_foreach(to, i, u) {
		char *r = json_dumps(u, JSON_COMPACT);
		int64_t n =
			rc ? 0
			   : mc_exec(c,
				     "INSERT INTO outbox (at, topic, topic_id, event, recipient, payload)"
				     " VALUES (?, 'directives', ?, ?, ?, ?)",
				     "iittt", now, (int64_t)json_integer_value(json_object_get(task, "directive_id")),
				     "directive_reminder", r, p);
		free(r);
		rc = n < 0 ? (int)n : rc;
	}
	free(p);
	json_decref(to);
	if (rc)
		return rc;
	int64_t n = mc_exec(c, "INSERT INTO directive_reminders (task_id, kind, at) VALUES (?, ?, ?)", "iti", id, kind,
			    now);
	return n < 0 ? (int)n : 0;
}

static int remind_kind(struct mc_conn *c, int k, int64_t now, const char *today, const char *soon, int64_t *queued)
{
	static const char *const cond[] = {
		"k.deadline >= ? AND k.deadline <= ?",
		"k.deadline < ?",
	};
	int64_t limit = MAX_PER_RUN - *queued;
	if (limit <= 0)
		return 0;
	char sql[768];
	snprintf(sql, sizeof(sql),
		 "SELECT k.id, k.directive_id, k.agency_id, k.deadline, d.content, k.content FROM directive_tasks k"
		 " JOIN directives d ON d.id = k.directive_id WHERE k.done_at IS NULL AND %s AND NOT EXISTS (SELECT 1"
		 " FROM directive_reminders r WHERE r.task_id = k.id AND r.kind = ?) ORDER BY k.id LIMIT ?",
		 cond[k]);
	struct mc_stmt *s;
	json_t *owed = NULL;
	int rc = k == 0 ? mc_query(c, &s, sql, "ttti", today, soon, kinds[k], limit)
			: mc_query(c, &s, sql, "tti", today, kinds[k], limit);
	/* read them all first: one statement at a time on the connection */
	if (rc || (rc = mc_rows_json(s, owed_row, NULL, &owed)))
		return rc;
	size_t i;
	json_t *t;
	json_array_foreach(owed, i, t) {
		if (rc)
			break;
		if (!(rc = remind_task(c, kinds[k], t, now)))
			(*queued)++;
	}
	json_decref(owed);
	return rc;
}

int mc_directive_remind(struct mc_conn *c, int64_t now, int64_t *queued)
{
	*queued = 0;
	char today[11], soon[11];
	mc__dir_day(now, 0, today);
	mc__dir_day(now, 3, soon);
	int rc = mc_tx_begin(c, 1);
	for (int k = 0; !rc && k < 2; k++)
		rc = remind_kind(c, k, now, today, soon, queued);
	rc = rc ? rc : mc_tx_commit(c);
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	return rc;
}
