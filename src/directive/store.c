/*
 * store.c - the SQL of the directives tables: a task loaded for the rules,
 * tasks and directives as shown, the trail and the audit entry.
 */
#include "internal.h"

#include "../audit/audit.h"
#include "../db/rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* The positions of MC__DIR_TASK_COLS. */
enum {
	C_ID,
	C_DIRECTIVE,
	C_AGENCY,
	C_AGENCY_NAME,
	C_AGENCY_NAME_EN,
	C_CONTENT,
	C_DEADLINE,
	C_ORIGINAL,
	C_STATE,
	C_PERCENT,
	C_REPORTED_AT,
	C_DONE_AT,
	C_DONE_ON,
	C_RESULT_DOC,
	C_RESULT_TEXT,
	C_VERSION,
	C_D_CONTENT,
	C_LEADER,
	C_LEADER_NAME,
	C_SOURCE,
	C_GIVEN_ON,
	C_BODY,
	C_X_ID,
	C_X_DEADLINE,
	C_X_REASON,
	C_X_AT,
	C_D_DOCUMENT,
};

static json_t *col_id(struct mc_stmt *s, int col)
{
	return mc_col_is_null(s, col) ? json_null() : json_integer(mc_col_int64(s, col));
}

json_t *mc__dir_task_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	json_t *ext = json_null();
	if (!mc_col_is_null(s, C_X_ID))
		ext = json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)mc_col_int64(s, C_X_ID), "new_deadline",
				mc_col_text(s, C_X_DEADLINE), "reason", mc_col_text(s, C_X_REASON), "asked_at",
				mc_col_json_time(s, C_X_AT));
	json_t *j =
		json_pack("{s:I, s:I, s:{s:I, s:s, s:s}, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:I}", "id",
			  (json_int_t)mc_col_int64(s, C_ID), "directive_id", (json_int_t)mc_col_int64(s, C_DIRECTIVE),
			  "agency", "id", (json_int_t)mc_col_int64(s, C_AGENCY), "name", mc_col_text(s, C_AGENCY_NAME),
			  "name_en", mc_col_text(s, C_AGENCY_NAME_EN), "content", mc_col_json_text(s, C_CONTENT),
			  "deadline", mc_col_text(s, C_DEADLINE), "original_deadline", mc_col_text(s, C_ORIGINAL),
			  "state", mc_col_text(s, C_STATE), "percent", col_id(s, C_PERCENT), "reported_at",
			  mc_col_json_time(s, C_REPORTED_AT), "done_at", mc_col_json_time(s, C_DONE_AT), "done_on",
			  mc_col_json_text(s, C_DONE_ON), "result_document_id", col_id(s, C_RESULT_DOC), "result_text",
			  mc_col_json_text(s, C_RESULT_TEXT), "version", (json_int_t)mc_col_int64(s, C_VERSION));
	json_object_set_new(j, "extension", ext);
	json_object_set_new(j, "directive",
			    json_pack("{s:I, s:s, s:{s:I, s:s}, s:s, s:s, s:I, s:o}", "id",
				      (json_int_t)mc_col_int64(s, C_DIRECTIVE), "content", mc_col_text(s, C_D_CONTENT),
				      "leader", "id", (json_int_t)mc_col_int64(s, C_LEADER), "full_name",
				      mc_col_text(s, C_LEADER_NAME), "source_kind", mc_col_text(s, C_SOURCE),
				      "given_on", mc_col_text(s, C_GIVEN_ON), "body_id",
				      (json_int_t)mc_col_int64(s, C_BODY), "document_id", col_id(s, C_D_DOCUMENT)));
	return j;
}

int mc__dir_task_load(struct mc_conn *c, int64_t id, struct mc__dir_task *t)
{
	struct mc_stmt *s;
	int rc =
		mc_query(c, &s,
			 "SELECT k.id, k.directive_id, k.agency_id, d.body_id, d.leader_id, k.version, k.status,"
			 " k.deadline, x.id, x.new_deadline FROM directive_tasks k JOIN directives d ON d.id ="
			 " k.directive_id LEFT JOIN directive_extensions x ON x.task_id = k.id AND x.status = 'pending'"
			 " WHERE k.id = ?",
			 "i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		*t = (struct mc__dir_task){.id = mc_col_int64(s, 0),
					   .directive = mc_col_int64(s, 1),
					   .agency = mc_col_int64(s, 2),
					   .body = mc_col_int64(s, 3),
					   .leader = mc_col_int64(s, 4),
					   .version = mc_col_int64(s, 5),
					   .pending = mc_col_is_null(s, 8) ? 0 : mc_col_int64(s, 8)};
		snprintf(t->status, sizeof(t->status), "%s", mc_col_text(s, 6));
		snprintf(t->deadline, sizeof(t->deadline), "%s", mc_col_text(s, 7));
		snprintf(t->pending_deadline, sizeof(t->pending_deadline), "%s",
			 mc_col_is_null(s, 9) ? "" : mc_col_text(s, 9));
	}
	mc_stmt_done(s);
	return rc;
}

int mc__dir_task_visible(struct mc_conn *c, const struct mc__dir_caller *w, int64_t id)
{
	int64_t v;
	int rc = mc_query_int64(c, &v,
				"SELECT 1 FROM directive_tasks k JOIN directives d ON d.id = k.directive_id"
				" WHERE k.id = ? AND " MC__DIR_VISIBLE,
				"iiii", id, w->body, w->office_of, w->body);
	return rc == MC_E_NOT_FOUND ? 0 : rc < 0 ? rc : 1;
}

int mc__dir_tasks_json(struct mc_conn *c, const struct mc__dir_caller *w, int64_t directive, int64_t task, json_t **out)
{
	struct mc_stmt *s;
	char sql[2048];
	snprintf(sql, sizeof(sql),
		 "SELECT " MC__DIR_TASK_COLS MC__DIR_TASK_FROM " WHERE %s = ? AND " MC__DIR_VISIBLE " ORDER BY k.id",
		 task ? "k.id" : "k.directive_id");
	int rc = mc_query(c, &s, sql, "tiiii", w->today, task ? task : directive, w->body, w->office_of, w->body);
	return rc ? rc : mc_rows_json(s, mc__dir_task_row, NULL, out);
}

int mc__dir_directive_json(struct mc_conn *c, int64_t id, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"SELECT d.id, d.body_id, b.name, b.name_en, d.leader_id, l.full_name, l.position,"
		" d.source_kind, d.document_id, d.content, d.given_on, d.created_by, u.full_name, d.created_at,"
		" d.version FROM directives d JOIN agencies b ON b.id = d.body_id JOIN users l ON l.id ="
		" d.leader_id JOIN users u ON u.id = d.created_by WHERE d.id = ?",
		"i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0)
		*out = json_pack("{s:I, s:{s:I, s:s, s:s}, s:{s:I, s:s, s:o}, s:s, s:o, s:s, s:s, s:{s:I, s:s}, s:o,"
				 " s:I}",
				 "id", (json_int_t)mc_col_int64(s, 0), "body", "id", (json_int_t)mc_col_int64(s, 1),
				 "name", mc_col_text(s, 2), "name_en", mc_col_text(s, 3), "leader", "id",
				 (json_int_t)mc_col_int64(s, 4), "full_name", mc_col_text(s, 5), "position",
				 mc_col_json_text(s, 6), "source_kind", mc_col_text(s, 7), "document_id", col_id(s, 8),
				 "content", mc_col_text(s, 9), "given_on", mc_col_text(s, 10), "created_by", "id",
				 (json_int_t)mc_col_int64(s, 11), "full_name", mc_col_text(s, 12), "created_at",
				 mc_col_json_time(s, 13), "version", (json_int_t)mc_col_int64(s, 14));
	mc_stmt_done(s);
	return rc;
}

int mc__dir_record(struct mc_directive_ctx *x, int64_t directive, int64_t task, const char *action, json_t *detail,
		   int64_t now)
{
	char *d = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	/* task NULL: an event of the directive itself */
	int64_t n = task ? mc_exec(x->c,
				   "INSERT INTO directive_events (directive_id, task_id, at, actor_id, action, detail)"
				   " VALUES (?, ?, ?, ?, ?, ?)",
				   "iiiitt", directive, task, now, x->who->user_id, action, d)
			 : mc_exec(x->c,
				   "INSERT INTO directive_events (directive_id, at, actor_id, action, detail)"
				   " VALUES (?, ?, ?, ?, ?)",
				   "iiitt", directive, now, x->who->user_id, action, d);
	free(d);
	if (n < 0)
		return (int)n;
	char what[48], oid[24];
	snprintf(what, sizeof(what), "directive.%s", action);
	snprintf(oid, sizeof(oid), "%lld", (long long)(task ? task : directive));
	struct mc_audit_entry ae = {x->who->user_id,         what, task ? "directive_task" : "directive", oid,
				    x->addr ? x->addr : "-", NULL};
	return mc_audit_append_json(x->c, &ae, detail ? json_incref(detail) : NULL);
}

static json_t *event_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	json_error_t je;
	json_t *detail = mc_col_is_null(s, 4) ? json_null() : json_loads(mc_col_text(s, 4), 0, &je);
	/* the tasks as recorded are shown by the tasks the caller sees */
	if (json_is_object(detail))
		json_object_del(detail, "tasks");
	return json_pack("{s:o, s:{s:I, s:s}, s:s, s:o, s:o}", "at", mc_col_json_time(s, 0), "actor", "id",
			 (json_int_t)mc_col_int64(s, 1), "full_name", mc_col_text(s, 2), "action", mc_col_text(s, 3),
			 "task_id", col_id(s, 5), "detail", detail ? detail : json_null());
}

int mc__dir_events(struct mc_conn *c, const struct mc__dir_caller *w, int64_t directive, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT e.at, e.actor_id, u.full_name, e.action, e.detail, e.task_id FROM directive_events e"
			  " JOIN users u ON u.id = e.actor_id JOIN directives d ON d.id = e.directive_id"
			  " LEFT JOIN directive_tasks k ON k.id = e.task_id"
			  " WHERE e.directive_id = ? AND (e.task_id IS NULL OR " MC__DIR_VISIBLE ") ORDER BY e.id",
			  "iiii", directive, w->body, w->office_of, w->body);
	return rc ? rc : mc_rows_json(s, event_row, NULL, out);
}

int mc__dir_notify(struct mc_conn *c, int64_t directive, int64_t user, json_t *payload, int64_t now)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT id, full_name, phone, email FROM users WHERE id = ? AND status = 'active'",
			  "i", user);
	if (rc)
		return rc;
	json_t *to = NULL;
	if ((rc = mc_step_row(s)) == 0)
		to = json_pack("{s:I, s:s?, s:s?, s:s?}", "user_id", (json_int_t)mc_col_int64(s, 0), "full_name",
			       mc_col_text(s, 1), "phone", mc_col_text(s, 2), "email", mc_col_text(s, 3));
	mc_stmt_done(s);
	if (rc)
		return rc == MC_E_NOT_FOUND ? 0 : rc; /* no longer active: nobody to tell */
	char *r = json_dumps(to, JSON_COMPACT), *p = json_dumps(payload, JSON_COMPACT);
	int64_t n = mc_exec(c,
			    "INSERT INTO outbox (at, topic, topic_id, event, recipient, payload) VALUES (?, "
			    "'directives', ?, ?, ?, ?)",
			    "iitt"
			    "t",
			    now, directive, json_string_value(json_object_get(payload, "event")), r, p);
	free(r);
	free(p);
	json_decref(to);
	return n < 0 ? (int)n : 0;
}
