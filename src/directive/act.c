/*
 * act.c - a directive and its tasks as the caller sees them, and what
 * happens to a task: its agency reports progress (report), finishes it
 * with a result (finish: on time when Vietnam's today is not after the
 * deadline in force, late otherwise) or asks for an extension (extend, one
 * pending at a time); the leader who gave the directive, or who keeps the
 * body's directives, approves the extension (the deadline in force
 * changes, the original is kept) or refuses it.  Each action checks the
 * task's version and writes an event and an audit entry in its
 * transaction.
 */
#include "internal.h"

#include "../core/timeutil.h"
#include "../org/org.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

struct act {
	struct mc_directive_ctx *x;
	struct mc__dir_caller w;
	struct mc__dir_task t;
	json_t *in;
	int64_t now;
	json_t *doc; /* finish: the result document as the caller may read it (read before the transaction) */
	int doc_rc;
};

/* 1 when the caller acts for the task's agency. */
static int acts_for(struct act *a)
{
	return mc_agency_acts_for(a->x->c, a->w.agency, a->t.agency);
}

/* 1 when the caller decides on extensions: the leader, or a manager who
 * does not act for the task's agency (acts: whether they do) - nobody
 * approves their own agency's request. */
static int decides(const struct mc_directive_ctx *x, const struct mc__dir_caller *w, int64_t leader, int64_t body,
		   int acts)
{
	return x->who->user_id == leader || (!acts && mc__dir_manages(w, body));
}

/* What the caller may do on a task shown as j. */
static int task_actions(struct mc_directive_ctx *x, const struct mc__dir_caller *w, json_t *j)
{
	json_t *d = json_object_get(j, "directive");
	int64_t agency = json_integer_value(json_object_get(json_object_get(j, "agency"), "id"));
	int done = strncmp(json_string_value(json_object_get(j, "state")), "done", 4) == 0;
	int pending = !json_is_null(json_object_get(j, "extension"));
	int acts = done ? 0 : mc_agency_acts_for(x->c, w->agency, agency);
	if (acts < 0)
		return acts;
	json_t *list = json_array();
	if (acts) {
		json_array_append_new(list, json_string("report"));
		json_array_append_new(list, json_string("finish"));
		if (!pending)
			json_array_append_new(list, json_string("extend"));
	}
	if (!done && pending &&
	    decides(x, w, json_integer_value(json_object_get(json_object_get(d, "leader"), "id")),
		    json_integer_value(json_object_get(d, "body_id")), acts)) {
		json_array_append_new(list, json_string("approve"));
		json_array_append_new(list, json_string("refuse"));
	}
	json_object_set_new(j, "actions", list);
	return 0;
}

static int tasks_shown(struct mc_directive_ctx *x, const struct mc__dir_caller *w, int64_t directive, int64_t task,
		       json_t **out)
{
	int rc = mc__dir_tasks_json(x->c, w, directive, task, out);
	size_t i;
	json_t *j;
	if (!rc && !json_array_size(*out))
		rc = MC_E_NOT_FOUND; /* not even said to exist */
	json_array_foreach(*out, i, j)
		if (!rc)
			rc = task_actions(x, w, j);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int mc_directive_get(struct mc_directive_ctx *x, int64_t id, json_t **out)
{
	struct mc__dir_caller w;
	json_t *tasks = NULL, *events = NULL;
	int rc = mc__dir_caller(x, mc_time_now_ms(), &w);
	if (rc || (rc = tasks_shown(x, &w, id, 0, &tasks)))
		return rc;
	if ((rc = mc__dir_directive_json(x->c, id, out)) == 0 && (rc = mc__dir_events(x->c, &w, id, &events))) {
		json_decref(*out);
		*out = NULL;
	}
	if (rc) {
		json_decref(tasks);
		return rc;
	}
	json_object_set_new(*out, "tasks", tasks);
	json_object_set_new(*out, "events", events);
	json_object_set_new(
		*out, "may_decide",
		json_boolean(decides(x, &w, json_integer_value(json_object_get(json_object_get(*out, "leader"), "id")),
				     json_integer_value(json_object_get(json_object_get(*out, "body"), "id")), 0)));
	return 0;
}

int mc_directive_task_get(struct mc_directive_ctx *x, int64_t task, json_t **out)
{
	struct mc__dir_caller w;
	json_t *tasks = NULL;
	int rc = mc__dir_caller(x, mc_time_now_ms(), &w);
	if (rc || (rc = tasks_shown(x, &w, 0, task, &tasks)))
		return rc;
	*out = json_incref(json_array_get(tasks, 0));
	json_decref(tasks);
	return 0;
}

/* An update of the task that also gives it a new version (n its changes):
 * MC_E_PRECONDITION when it moved since it was read. */
static int moved(int64_t n)
{
	return n < 0 ? (int)n : n == 0 ? MC_E_PRECONDITION : 0;
}

static int open_for_agency(struct act *a)
{
	int rc = acts_for(a);
	if (rc < 0)
		return rc;
	if (!rc)
		return mc_error_set(a->x->e, MC_E_FORBIDDEN, "only the task's agency reports on it");
	if (strncmp(a->t.status, "done", 4) == 0)
		return mc_error_set(a->x->e, MC_E_CONFLICT, "the task is finished");
	return 0;
}

static int do_report(struct act *a)
{
	int rc = open_for_agency(a);
	if (rc)
		return rc;
	const char *text = mc__dir_text(a->x, a->in, "text", MC__DIR_TEXT_MAX, 1);
	json_t *p = json_object_get(a->in, "percent");
	int64_t percent = -1;
	if (p && !json_is_null(p)) {
		if (!json_is_integer(p) || json_integer_value(p) < 0 || json_integer_value(p) > 100)
			mc_bad_fieldn2(a->x->e, "percent", MC_M_RANGE, 0, 100);
		else
			percent = json_integer_value(p);
	}
	if (a->x->e->nfields)
		return a->x->e->code = MC_E_VALIDATION;
	rc = moved(
		mc_exec(a->x->c,
			"UPDATE directive_tasks SET status = 'in_progress', percent = CASE WHEN CAST(? AS INTEGER) < 0"
			" THEN percent ELSE CAST(? AS INTEGER) END, reported_at = ?, version = version + 1"
			" WHERE id = ? AND version = ?",
			"iiiii", percent, percent, a->now, a->t.id, a->t.version));
	if (rc)
		return rc;
	json_t *detail =
		json_pack("{s:s, s:o}", "text", text, "percent", percent < 0 ? json_null() : json_integer(percent));
	rc = mc__dir_record(a->x, a->t.directive, a->t.id, "report", detail, a->now);
	json_decref(detail);
	return rc;
}

/* The result document: one the caller may read, of the register of the
 * body the task's agency works for.  0, a field problem, or an error. */
static int result_document(struct act *a)
{
	json_t *doc = a->doc;
	int rc = a->doc_rc;
	if (rc == MC_E_NOT_FOUND) {
		mc_bad_field(a->x->e, "result_document_id", MC_M_DIRECTIVE_DOCUMENT);
		return 0;
	}
	int64_t body = 0;
	if (!rc)
		rc = mc__dir_body_of(a->x->c, a->t.agency, &body);
	if (!rc && json_integer_value(json_object_get(json_object_get(doc, "agency"), "id")) != body)
		mc_bad_field(a->x->e, "result_document_id", MC_M_DIRECTIVE_RESULT_DOC);
	return rc;
}

static int do_finish(struct act *a)
{
	int rc = open_for_agency(a);
	if (rc)
		return rc;
	int64_t doc = mc__dir_id(a->x, a->in, "result_document_id", 0);
	const char *text = mc__dir_text(a->x, a->in, "result_text", MC__DIR_TEXT_MAX, 0);
	if (!doc && !text && !a->x->e->nfields)
		mc_bad_field(a->x->e, "result_text", MC_M_DIRECTIVE_RESULT);
	if (doc && (rc = result_document(a)))
		return rc;
	if (a->x->e->nfields)
		return a->x->e->code = MC_E_VALIDATION;
	/* on time when finished on or before the deadline in force */
	const char *status = strcmp(a->w.today, a->t.deadline) <= 0 ? "done_on_time" : "done_late";
	rc = moved(mc_exec(a->x->c,
			   "UPDATE directive_tasks SET status = ?, done_at = ?, done_on = ?, done_by = ?,"
			   " result_document_id = CASE WHEN CAST(? AS BIGINT) > 0 THEN CAST(? AS BIGINT) END,"
			   " result_text = ?, version = version + 1 WHERE id = ? AND version = ?",
			   "titiiitii", status, a->now, a->w.today, a->x->who->user_id, doc, doc, text, a->t.id,
			   a->t.version));
	/* an extension still asked for is moot */
	int64_t n = rc ? 0
		       : mc_exec(a->x->c,
				 "UPDATE directive_extensions SET status = 'withdrawn', decided_at = ?"
				 " WHERE task_id = ? AND status = 'pending'",
				 "ii", a->now, a->t.id);
	if (rc || (rc = n < 0 ? (int)n : 0))
		return rc;
	json_t *detail = json_pack("{s:s, s:s, s:o, s:s?}", "status", status, "deadline", a->t.deadline,
				   "result_document_id", doc ? json_integer(doc) : json_null(), "result_text", text);
	rc = mc__dir_record(a->x, a->t.directive, a->t.id, "finish", detail, a->now);
	json_decref(detail);
	return rc;
}

static int do_extend(struct act *a)
{
	int rc = open_for_agency(a);
	if (rc)
		return rc;
	if (a->t.pending)
		return mc_error_set(a->x->e, MC_E_CONFLICT, "an extension is asked for already");
	const char *date = mc__dir_date(a->x, a->in, "new_deadline", 1);
	const char *reason = mc__dir_text(a->x, a->in, "reason", MC__DIR_TEXT_MAX, 1);
	char last[11];
	mc__dir_day(a->now, MC__DIR_AHEAD_DAYS, last);
	if (date && (strcmp(date, a->t.deadline) <= 0 || strcmp(date, last) > 0))
		mc_bad_field(a->x->e, "new_deadline", MC_M_DIRECTIVE_EXTEND_DATE);
	if (a->x->e->nfields)
		return a->x->e->code = MC_E_VALIDATION;
	int64_t n = mc_exec(a->x->c,
			    "INSERT INTO directive_extensions (task_id, asked_by, asked_at, old_deadline, new_deadline,"
			    " reason) VALUES (?, ?, ?, ?, ?, ?)",
			    "iiittt", a->t.id, a->x->who->user_id, a->now, a->t.deadline, date, reason);
	if (n < 0)
		return (int)n; /* a second one at the same time: the unique index, 409 */
	if ((rc = moved(mc_exec(a->x->c,
				"UPDATE directive_tasks SET version = version + 1 WHERE id = ? AND version = ?", "ii",
				a->t.id, a->t.version))))
		return rc;
	json_t *detail =
		json_pack("{s:s, s:s, s:s}", "deadline", a->t.deadline, "new_deadline", date, "reason", reason);
	rc = mc__dir_record(a->x, a->t.directive, a->t.id, "extension_ask", detail, a->now);
	if (!rc) { /* the leader is told: they decide */
		json_object_set_new(detail, "event", json_string("directive_extension_asked"));
		json_object_set_new(detail, "task_id", json_integer(a->t.id));
		json_object_set_new(detail, "directive_id", json_integer(a->t.directive));
		rc = mc__dir_notify(a->x->c, a->t.directive, a->t.leader, detail, a->now);
	}
	json_decref(detail);
	return rc;
}

/* The leader or a manager approves (the deadline in force becomes the one
 * asked for) or refuses (with a reason) the pending extension. */
static int do_decide(struct act *a, int approve)
{
	int acts = acts_for(a);
	if (acts < 0)
		return acts;
	if (!decides(a->x, &a->w, a->t.leader, a->t.body, acts))
		return mc_error_set(a->x->e, MC_E_FORBIDDEN, "only the leader who gave the directive decides");
	if (!a->t.pending || strncmp(a->t.status, "done", 4) == 0)
		return mc_error_set(a->x->e, MC_E_CONFLICT, "no extension is asked for");
	const char *reason = mc__dir_text(a->x, a->in, "reason", MC__DIR_TEXT_MAX, !approve);
	if (a->x->e->nfields)
		return a->x->e->code = MC_E_VALIDATION;
	int64_t n =
		mc_exec(a->x->c,
			"UPDATE directive_extensions SET status = ?, decided_by = ?, decided_at = ?, note = ?"
			" WHERE id = ? AND status = 'pending'",
			"tiiti", approve ? "approved" : "refused", a->x->who->user_id, a->now, reason, a->t.pending);
	int rc = moved(n);
	if (!rc)
		rc = moved(approve ? mc_exec(a->x->c,
					     "UPDATE directive_tasks SET deadline = ?, version = version + 1"
					     " WHERE id = ? AND version = ?",
					     "tii", a->t.pending_deadline, a->t.id, a->t.version)
				   : mc_exec(a->x->c,
					     "UPDATE directive_tasks SET version = version + 1 WHERE id = ? AND "
					     "version = ?",
					     "ii", a->t.id, a->t.version));
	if (rc)
		return rc;
	json_t *detail = json_pack("{s:I, s:s, s:s, s:s?}", "extension_id", (json_int_t)a->t.pending, "deadline",
				   a->t.deadline, "new_deadline", a->t.pending_deadline, "reason", reason);
	rc = mc__dir_record(a->x, a->t.directive, a->t.id, approve ? "extension_approve" : "extension_refuse", detail,
			    a->now);
	if (!rc && approve) { /* the reminders are owed again before the new deadline */
		int64_t k = mc_exec(a->x->c, "DELETE FROM directive_reminders WHERE task_id = ?", "i", a->t.id);
		rc = k < 0 ? (int)k : 0;
	}
	int64_t asker = 0;
	if (!rc)
		rc = mc_query_int64(a->x->c, &asker, "SELECT asked_by FROM directive_extensions WHERE id = ?", "i",
				    a->t.pending);
	if (!rc) { /* who asked is told */
		json_object_set_new(
			detail, "event",
			json_string(approve ? "directive_extension_approved" : "directive_extension_refused"));
		json_object_set_new(detail, "task_id", json_integer(a->t.id));
		json_object_set_new(detail, "directive_id", json_integer(a->t.directive));
		rc = mc__dir_notify(a->x->c, a->t.directive, asker, detail, a->now);
	}
	json_decref(detail);
	return rc;
}

static int dispatch(struct act *a, const char *action)
{
	if (strcmp(action, "report") == 0)
		return do_report(a);
	if (strcmp(action, "finish") == 0)
		return do_finish(a);
	if (strcmp(action, "extend") == 0)
		return do_extend(a);
	if (strcmp(action, "approve") == 0)
		return do_decide(a, 1);
	if (strcmp(action, "refuse") == 0)
		return do_decide(a, 0);
	return mc_error_set(a->x->e, MC_E_NOT_FOUND, "no such action");
}

int mc_directive_task_act(struct mc_directive_ctx *x, int64_t task, const char *action, int64_t version, json_t *in,
			  json_t **out)
{
	struct act a = {.x = x, .in = in, .now = mc_time_now_ms()};
	int rc = mc__dir_caller(x, a.now, &a.w);
	if (rc)
		return rc;
	if ((rc = mc__dir_task_visible(x->c, &a.w, task)) <= 0)
		return rc ? rc : MC_E_NOT_FOUND;
	/* reading a document may record its first opening: before ours */
	json_t *d = json_object_get(in, "result_document_id");
	a.doc_rc = MC_E_NOT_FOUND;
	if (strcmp(action, "finish") == 0 && json_is_integer(d) && json_integer_value(d) > 0 && x->document)
		a.doc_rc = x->document(x->document_arg, json_integer_value(d), &a.doc);
	if (a.doc_rc && a.doc_rc != MC_E_NOT_FOUND)
		return a.doc_rc;
	if ((rc = mc_tx_begin(x->c, 1))) {
		json_decref(a.doc);
		return rc;
	}
	if ((rc = mc__dir_task_load(x->c, task, &a.t)) == 0)
		rc = version >= 0 && version != a.t.version ? MC_E_PRECONDITION : dispatch(&a, action);
	if (!rc)
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	json_decref(a.doc);
	return rc ? rc : mc_directive_task_get(x, task, out);
}
