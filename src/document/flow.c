/*
 * flow.c - what happens to an incoming document after its registration:
 * the clerical officer sends it to a leader of the body (send_to_leader);
 * the leader writes the direction (direct: who leads its handling, who
 * coordinates, who is informed, the deadline, a note); the lead hands it
 * to an official of their agency (assign) or handles it; whoever leads,
 * handles or coordinates reports what was done (complete); the informed
 * acknowledge.  Each action checks the caller's task, the document's
 * version (If-Match), and records the tasks, an event and an audit entry
 * in one transaction.
 */
#include "internal.h"

#include "../audit/audit.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define MAX_ADDRESSEES 50

struct act {
	struct mc_document_ctx *x;
	struct mc__document d;
	json_t *in;
	int64_t now;
	char today[11];
	int rank; /* the document's urgency as the inbox orders it */
};

static int urgency_rank(const char *urgency)
{
	return !strcmp(urgency, "hoa_toc") ? 3 : !strcmp(urgency, "thuong_khan") ? 2 : !strcmp(urgency, "khan") ? 1 : 0;
}

static int addressee_ok(struct act *a, int64_t user)
{
	return mc__document_official_of(a->x->c, user, a->d.agency, NULL);
}

/* A user id field (0 when absent; a problem in e when not an id). */
static int64_t id_field(struct act *a, const char *name, int required)
{
	json_t *v = json_object_get(a->in, name);
	if (!v || json_is_null(v)) {
		if (required)
			mc_bad_field(a->x->e, name, MC_M_REQUIRED);
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		mc_bad_field(a->x->e, name, MC_M_DOC_ADDRESSEE);
		return 0;
	}
	return json_integer_value(v);
}

/* A text field of at most max characters, NULL when absent. */
static const char *text_field(struct act *a, const char *name, long max, int required)
{
	json_t *v = json_object_get(a->in, name);
	const char *s = json_string_value(v);
	if (!s || !*s) {
		if (required || (v && !json_is_null(v) && !s))
			mc_bad_field(a->x->e, name, s || !v || json_is_null(v) ? MC_M_REQUIRED : MC_M_NOT_STRING);
		return NULL;
	}
	if (strlen(s) > (size_t)max * 8 + 16 || !mc_text_valid(s, SIZE_MAX)) {
		mc_bad_field(a->x->e, name, MC_M_BAD_CHARACTERS);
		return NULL;
	}
	if (mc_text_chars(s) > max) {
		mc_bad_fieldn(a->x->e, name, MC_M_TOO_LONG, max);
		return NULL;
	}
	return mc_text_nfc(a->x->arena, s);
}

/* The event, the audit entry and the document's new version, after an
 * action's own writes. */
static int recorded(struct act *a, const char *action, const char *status, json_t *detail)
{
	int rc = mc__document_touch(a->x->c, a->d.id, a->d.version, status, a->now);
	if (!rc)
		rc = mc__document_event(a->x->c, a->d.id, a->x->who->user_id, action, detail);
	if (!rc) {
		char what[48];
		snprintf(what, sizeof(what), "document.%s", action);
		rc = mc__doc_audit(a->x, what, "document", a->d.id, json_incref(detail));
	}
	json_decref(detail);
	return rc;
}

/* A task for user; on a confidential document, naming them makes them one
 * of its readers (who is sent it must be able to open it). */
static int task(struct act *a, const char *kind, int64_t user, int64_t parent, const char *due, const char *note)
{
	struct mc__task_new t = {a->d.id, user, a->x->who->user_id, parent, kind, due, note, a->rank};
	int64_t id;
	int rc = mc__task_insert(a->x->c, &t, a->now, &id);
	if (!rc && strcmp(a->d.secrecy, "none") != 0)
		rc = mc__document_add_reader(a->x->c, a->d.id, user);
	return rc;
}

/* The clerical officer of the body sends a registered incoming document to
 * one of its leaders. */
static int do_send_to_leader(struct act *a)
{
	int rc = mc__clerk_of(a->x, a->d.agency);
	if (rc < 0)
		return rc;
	if (!rc)
		return mc_error_set(a->x->e, MC_E_FORBIDDEN, "only a clerical officer of the agency sends it on");
	if (strcmp(a->d.direction, "in") != 0 || strcmp(a->d.status, "registered") != 0)
		return mc_error_set(a->x->e, MC_E_CONFLICT, "not allowed while the document is %s", a->d.status);
	int64_t leader = id_field(a, "leader_id", 1);
	const char *note = text_field(a, "note", 2000, 0);
	if (leader) {
		int ok = mc__document_official_of(a->x->c, leader, a->d.agency, "leader");
		if (ok < 0)
			return ok;
		if (!ok)
			mc_bad_field(a->x->e, "leader_id", MC_M_DOC_LEADER);
	}
	if (a->x->e->nfields)
		return a->x->e->code = MC_E_VALIDATION;
	if ((rc = task(a, "direct", leader, 0, NULL, note)))
		return rc;
	return recorded(a, "send_to_leader", "sent", json_pack("{s:I}", "leader_id", (json_int_t)leader));
}

/* The ids of a list of addressees (at most 50, each once, each an active
 * official of the body who reads documents); NULL (and a problem) when
 * bad. */
static json_t *addressees(struct act *a, const char *name)
{
	json_t *v = json_object_get(a->in, name);
	if (!v || json_is_null(v))
		return json_array();
	size_t i, k;
	json_t *u, *w;
	int ok = json_is_array(v) && json_array_size(v) <= MAX_ADDRESSEES;
	json_array_foreach(v, i, u) {
		ok &= json_is_integer(u) && json_integer_value(u) > 0;
		json_array_foreach(v, k, w)
			if (k < i && json_equal(u, w))
				ok = 0;
	}
	if (!ok) {
		mc_bad_field(a->x->e, name, MC_M_DOC_ADDRESSEES);
		return NULL;
	}
	json_array_foreach(v, i, u) {
		int rc = addressee_ok(a, json_integer_value(u));
		if (rc < 0) {
			mc_error_set(a->x->e, rc, NULL);
			return NULL;
		}
		if (!rc) {
			mc_bad_field(a->x->e, name, MC_M_DOC_ADDRESSEE);
			return NULL;
		}
	}
	return json_incref(v);
}

/* The leader's direction (bút phê): the lead, the coordinating and the
 * informed officials, the deadline, a note. */
static int do_direct(struct act *a)
{
	static const char *const kinds[] = {"direct", NULL};
	int64_t mine, parent;
	char kind[16];
	int rc = mc__task_pending(a->x->c, a->d.id, a->x->who->user_id, kinds, &mine, kind, sizeof(kind), &parent);
	if (rc == MC_E_NOT_FOUND)
		return mc_error_set(a->x->e, MC_E_FORBIDDEN, "only the leader it was sent to directs it");
	if (rc)
		return rc;
	int64_t lead = id_field(a, "lead_user_id", 1);
	const char *due = text_field(a, "due_date", 10, 1), *note = text_field(a, "note", 2000, 0);
	if (due && !mc_date_check(due))
		mc_bad_field(a->x->e, "due_date", MC_M_DATE_FORMAT);
	else if (due && strcmp(due, a->today) < 0)
		mc_bad_field(a->x->e, "due_date", MC_M_DOC_DUE_PAST);
	int ok = lead ? addressee_ok(a, lead) : 1;
	if (ok < 0)
		return ok;
	if (!ok)
		mc_bad_field(a->x->e, "lead_user_id", MC_M_DOC_ADDRESSEE);
	json_t *coordinate = addressees(a, "coordinate_user_ids"), *inform = addressees(a, "inform_user_ids");
	if (!a->x->e->nfields && a->x->e->code)
		rc = a->x->e->code;
	else if (a->x->e->nfields)
		rc = a->x->e->code = MC_E_VALIDATION;
	size_t i;
	json_t *u;
	if (!rc)
		rc = mc__task_done(a->x->c, mine, note, a->now);
	if (!rc)
		rc = task(a, "lead", lead, 0, due, note);
	json_array_foreach(coordinate, i, u)
		if (!rc)
			rc = task(a, "coordinate", json_integer_value(u), 0, due, note);
	json_array_foreach(inform, i, u)
		if (!rc)
			rc = task(a, "inform", json_integer_value(u), 0, NULL, note);
	if (!rc)
		rc = recorded(a, "direct", "directed",
			      json_pack("{s:I, s:O, s:O, s:s}", "lead_user_id", (json_int_t)lead, "coordinate_user_ids",
					coordinate, "inform_user_ids", inform, "due_date", due));
	json_decref(coordinate);
	json_decref(inform);
	return rc;
}

/* The lead hands the handling to an official of their own agency. */
static int do_assign(struct act *a)
{
	static const char *const kinds[] = {"lead", NULL};
	int64_t mine, parent;
	char kind[16];
	int rc = mc__task_pending(a->x->c, a->d.id, a->x->who->user_id, kinds, &mine, kind, sizeof(kind), &parent);
	if (rc == MC_E_NOT_FOUND)
		return mc_error_set(a->x->e, MC_E_FORBIDDEN, "only the official who leads its handling assigns it");
	if (rc)
		return rc;
	int64_t user = id_field(a, "user_id", 1), agency = 0, my_body = 0, body = 0;
	const char *note = text_field(a, "note", 2000, 0);
	if (user) {
		if ((rc = mc__official_agency(a->x->c, user, &agency)) ||
		    (rc = mc__document_body_of(a->x->c, a->x->who->agency_id, &my_body)) ||
		    (agency && (rc = mc__document_body_of(a->x->c, agency, &body))))
			return rc;
		if (!agency || body != my_body || user == a->x->who->user_id)
			mc_bad_field(a->x->e, "user_id", MC_M_DOC_ASSIGN_BODY);
	}
	if (user && !a->x->e->nfields && (rc = addressee_ok(a, user)) <= 0) {
		if (rc < 0)
			return rc;
		mc_bad_field(a->x->e, "user_id", MC_M_DOC_ASSIGN_BODY);
	}
	if (a->x->e->nfields)
		return a->x->e->code = MC_E_VALIDATION;
	int64_t handling = 0;
	if ((rc = mc_query_int64(a->x->c, &handling,
				 "SELECT COUNT(*) FROM document_tasks WHERE parent_id = ? AND status = 'pending'", "i",
				 mine)))
		return rc;
	if (handling)
		return mc_error_set(a->x->e, MC_E_CONFLICT, "an official is handling it already");
	char due[11] = "";
	struct mc_stmt *s;
	if ((rc = mc_query(a->x->c, &s, "SELECT due_date FROM document_tasks WHERE id = ?", "i", mine)))
		return rc;
	if ((rc = mc_step_row(s)) == 0 && mc_col_text(s, 0))
		snprintf(due, sizeof(due), "%s", mc_col_text(s, 0));
	mc_stmt_done(s);
	if (rc)
		return rc;
	if ((rc = task(a, "handle", user, mine, due[0] ? due : NULL, note)))
		return rc;
	return recorded(a, "assign", "assigned", json_pack("{s:I}", "user_id", (json_int_t)user));
}

/* Who leads, handles or coordinates reports what was done; the informed
 * acknowledge.  The handling done, its lead's task is done too, and the
 * document is handled. */
static int do_complete(struct act *a, int acknowledge)
{
	static const char *const work[] = {"handle", "lead", "coordinate", NULL};
	static const char *const info[] = {"inform", NULL};
	int64_t mine, parent;
	char kind[16];
	int rc = mc__task_pending(a->x->c, a->d.id, a->x->who->user_id, acknowledge ? info : work, &mine, kind,
				  sizeof(kind), &parent);
	if (rc == MC_E_NOT_FOUND)
		return mc_error_set(a->x->e, MC_E_FORBIDDEN, "the caller has no such task on this document");
	if (rc)
		return rc;
	const char *result = acknowledge ? NULL : text_field(a, "result", 2000, 1);
	if (a->x->e->nfields)
		return a->x->e->code = MC_E_VALIDATION;
	if ((rc = mc__task_done(a->x->c, mine, result, a->now)))
		return rc;
	const char *status = NULL;
	if (strcmp(kind, "handle") == 0 || strcmp(kind, "lead") == 0) {
		status = "handled";
		if (parent && (rc = mc__task_done(a->x->c, parent, result, a->now)) && rc != MC_E_CONFLICT)
			return rc;
		/* the lead reports it done: a handling they assigned ends with it */
		int64_t n = mc_exec(a->x->c,
				    "UPDATE document_tasks SET status = 'done', done_at = ?, result = ?"
				    " WHERE parent_id = ? AND status = 'pending'",
				    "iti", a->now, result, mine);
		if (n < 0)
			return (int)n;
	}
	return recorded(a, acknowledge ? "acknowledge" : "complete", status,
			json_pack("{s:s, s:I}", "task", kind, "task_id", (json_int_t)mine));
}

int mc_document_addressees(struct mc_document_ctx *x, int64_t id, const char *action, json_t **out)
{
	static const char *const choosing[] = {"send_to_leader", "direct", "assign", NULL};
	int known = 0;
	for (int i = 0; choosing[i]; i++)
		known |= action && strcmp(action, choosing[i]) == 0;
	if (!known)
		return mc_bad_field(x->e, "action", MC_M_DOC_CHOOSING_ENUM), x->e->code = MC_E_VALIDATION;
	struct mc__document d;
	json_t *j = NULL, *acts = NULL;
	int rc = mc__document_load(x->c, id, &d, &j);
	json_decref(j);
	if (!rc && (rc = mc__document_may_read(x, &d)) == 0)
		rc = MC_E_NOT_FOUND; /* not even said to exist */
	if (rc < 0 || (rc = mc__document_actions(x, &d, &acts)))
		return rc;
	int may = 0;
	size_t i;
	json_t *v;
	json_array_foreach(acts, i, v)
		may |= strcmp(json_string_value(v), action) == 0;
	json_decref(acts);
	if (!may)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "the caller cannot %s this document now", action);
	if ((rc = mc__document_officials(x->c, d.agency, strcmp(action, "send_to_leader") == 0 ? "leader" : NULL, out)))
		return rc;
	if (strcmp(action, "send_to_leader") == 0 && (rc = mc__document_propose_leader(x->c, id, *out)))
		return rc;
	if (strcmp(action, "assign") == 0) /* the lead hands it to someone else */
		for (i = json_array_size(*out); i-- > 0;)
			if (json_integer_value(json_object_get(json_array_get(*out, i), "id")) == x->who->user_id)
				json_array_remove(*out, i);
	return 0;
}

static int dispatch(struct act *a, const char *action)
{
	if (strcmp(action, "send_to_leader") == 0)
		return do_send_to_leader(a);
	if (strcmp(action, "direct") == 0)
		return do_direct(a);
	if (strcmp(action, "assign") == 0)
		return do_assign(a);
	if (strcmp(action, "complete") == 0)
		return do_complete(a, 0);
	if (strcmp(action, "acknowledge") == 0)
		return do_complete(a, 1);
	return mc_error_set(a->x->e, MC_E_NOT_FOUND, "no such action");
}

int mc_document_act(struct mc_document_ctx *x, int64_t id, const char *action, int64_t version, json_t *in,
		    json_t **out)
{
	struct act a = {.x = x, .in = in, .now = mc_time_now_ms()};
	int y, m, d;
	mc_vn_date(a.now, &y, &m, &d);
	snprintf(a.today, sizeof(a.today), "%04d-%02d-%02d", y, m, d);
	json_t *seen = NULL;
	int rc = mc_document_get(x, id, &seen); /* who may read it may act, per action's rule */
	json_decref(seen);
	if (rc)
		return rc;
	if ((rc = mc_tx_begin(x->c, 1)))
		return rc;
	if ((rc = mc__document_load(x->c, id, &a.d, &seen)) == 0) {
		json_decref(seen);
		a.rank = urgency_rank(a.d.urgency);
		if (version >= 0 && version != a.d.version)
			rc = MC_E_PRECONDITION;
		else
			rc = dispatch(&a, action);
	}
	if (!rc)
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	if (rc)
		return rc;
	return mc__document_shown(x, id, &a.d, out);
}

int mc_document_inbox(struct mc_document_ctx *x, const char *which, int64_t offset, int limit, json_t **items,
		      int64_t *next)
{
	static const char *const names[] = {
		[MC_INBOX_PENDING] = "pending",   [MC_INBOX_UNOPENED] = "unopened", [MC_INBOX_OVERDUE] = "overdue",
		[MC_INBOX_DUE_SOON] = "due_soon", [MC_INBOX_DONE] = "done",
	};
	int k = -1;
	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (strcmp(names[i], which ? which : "pending") == 0)
			k = i;
	if (k < 0)
		return mc_bad_field(x->e, "state", MC_M_DOC_INBOX_ENUM), x->e->code = MC_E_VALIDATION;
	int64_t now = mc_time_now_ms();
	char today[11], soon[11];
	int y, m, d;
	mc_vn_date(now, &y, &m, &d);
	snprintf(today, sizeof(today), "%04d-%02d-%02d", y, m, d);
	mc_vn_date(now + 3 * MC_DAY_MS, &y, &m, &d); /* due within three days */
	snprintf(soon, sizeof(soon), "%04d-%02d-%02d", y, m, d);
	return mc__task_page(x->c, x->who->user_id, x->who->agency_id, (enum mc__inbox)k, today, soon, offset, limit,
			     items, next);
}
