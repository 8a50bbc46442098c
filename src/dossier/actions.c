/* actions.c - the transitions of a dossier; see workflow.c for the rules. */
#include "dossier.h"
#include "internal.h"

#include "../catalog/catalog.h"
#include "../crypto/crypto.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

struct act {
	struct mc_dossier_ctx *x;
	struct mc__dossier d;
	json_t *in, *extra;
	struct mc_procedure proc; /* the dossier's version; proc.def its raw definition */
	struct mc_calendar cal;
	int64_t now;
};

static int forbid(struct act *a, const char *why)
{
	return mc_error_set(a->x->e, MC_E_FORBIDDEN, "%s", why);
}

static int wrong_state(struct act *a)
{
	return mc_error_set(a->x->e, MC_E_CONFLICT, "not allowed while the dossier is %s", a->d.status);
}

static int is(struct act *a, const char *status)
{
	return strcmp(a->d.status, status) == 0;
}

/* The caller holds role and acts for agency. */
static int holds(struct act *a, const char *role, int64_t agency)
{
	const struct mc_principal *w = a->x->who;
	if (!w || !w->agency_id || !mc_principal_has_role(w, role) || !mc_principal_has(w, "dossier.process"))
		return 0;
	/* the step's agency or one of its internal units: an official higher
	 * up does not take over other agencies' steps, nor does a subordinate
	 * body (a ward, a ward police) act on its superior's */
	return mc_agency_acts_for(a->x->c, w->agency_id, agency) == 1;
}

static int at_current_step(struct act *a)
{
	return holds(a, a->d.step_role, a->d.current_agency_id);
}

static int is_applicant(struct act *a)
{
	return a->x->who && a->d.applicant_id && a->x->who->user_id == a->d.applicant_id;
}

/* Save the row with the version check; 0 rows changed = someone was first. */
static int save(struct act *a, const char *status)
{
	char *extra = json_dumps(a->extra, JSON_COMPACT);
	/* 0 means "none": NULL, which the foreign keys accept */
	int64_t n =
		mc_exec(a->x->c,
			"UPDATE dossiers SET status = ?, current_step = ?, current_agency_id = NULLIF(CAST(? AS "
			"BIGINT), 0), step_role = ?,"
			" assignee_id = NULLIF(CAST(? AS BIGINT), 0), received_at = NULLIF(CAST(? AS BIGINT), 0), "
			"due_at = NULLIF(CAST(? AS BIGINT), 0), paused_at = NULLIF(CAST(? AS BIGINT), 0),"
			" appointment_at = NULLIF(CAST(? AS BIGINT), 0),"
			" extended = ?, extra = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			"tditiiiiidtiii", status, a->d.current_step, a->d.current_agency_id, a->d.step_role,
			a->d.assignee_id, a->d.received_at, a->d.due_at, a->d.paused_at, a->d.appointment_at,
			a->d.extended, extra, a->now, a->d.id, a->d.version);
	free(extra);
	if (n < 0)
		return (int)n;
	return n == 0 ? MC_E_PRECONDITION : 0;
}

/* The steps module's view of this transition: who, when, which dossier. */
static struct mc__step_at step_at(struct act *a)
{
	return (struct mc__step_at){
		.c = a->x->c,
		.cal = &a->cal,
		.dossier = a->d.id,
		.now = a->now,
		.by = a->x->who ? a->x->who->user_id : 0,
	};
}

static int finish_step(struct act *a, int seq)
{
	struct mc__step_at t = step_at(a);
	return mc__step_finish(&t, seq, mc__jstr(a->in, "note"));
}

/* Start step seq: the dossier's current step, agency and role follow it. */
static int start_step(struct act *a, int seq)
{
	struct mc__step_at t = step_at(a);
	int64_t agency = 0;
	int rc = mc__step_start(&t, seq, &agency, a->d.step_role, sizeof(a->d.step_role));
	if (rc)
		return rc;
	a->d.current_step = seq;
	a->d.current_agency_id = agency;
	a->d.assignee_id = 0;
	return 0;
}

static int nsteps(struct act *a)
{
	return (int)a->proc.nsteps;
}

static json_t *string_list(struct act *a, const char *field, int required)
{
	json_t *v = json_object_get(a->in, field);
	if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > 50) {
		if (required || v)
			mc_bad_field(a->x->e, field, MC_M_ITEMS_REQUIRED);
		return NULL;
	}
	size_t i;
	json_t *s;
	json_array_foreach(v, i, s) {
		if (!json_is_string(s) || !*json_string_value(s) || !mc_text_valid_chars(json_string_value(s), 1000)) {
			mc_bad_field(a->x->e, field, MC_M_NOTICE_ITEM_FORMAT);
			return NULL;
		}
	}
	return v;
}

static const char *text_field(struct act *a, const char *field, int required)
{
	const char *s = mc__jstr(a->in, field);
	if (!s || !*s || !mc_text_valid_chars(s, 2000)) {
		if (required || s)
			mc_bad_field(a->x->e, field, MC_M_REASON_REQUIRED);
		return NULL;
	}
	return s;
}

static json_t *who_ref(struct act *a)
{
	return json_pack("{s:I}", "id", (json_int_t)(a->x->who ? a->x->who->user_id : 0));
}

static json_t *now_json(struct act *a)
{
	return mc__time_or_null(a->now);
}

/* No step is in hand any more. */
static void leave_steps(struct act *a)
{
	a->d.current_agency_id = 0;
	a->d.step_role[0] = '\0';
}

/* Refused, withdrawn or stopped: the dossier ends without a result; once it
 * had been received it counts in the statistics under `column`. */
static int end_without_result(struct act *a, const char *status, const char *column, const char **to,
			      const char **notify)
{
	int64_t n = mc_exec(a->x->c, "UPDATE dossiers SET completed_at = ? WHERE id = ?", "ii", a->now, a->d.id);
	if (n < 0)
		return (int)n;
	if (column && a->d.received_at) {
		int rc = mc__stats_add(a->x->c, a->d.competent_agency_id, a->d.procedure_code, a->d.field_code, a->now,
				       column);
		if (rc)
			return rc;
	}
	leave_steps(a);
	*to = *notify = status;
	return 0;
}

/* ---------------- the actions ---------------- */

static int receive_now(struct act *a, const char **to, const char **notify);

static int do_receive(struct act *a, const char **to, const char **notify)
{
	if (!is(a, "submitted"))
		return wrong_state(a);
	if (!holds(a, "clerk", a->d.received_agency_id))
		return forbid(a, "only a reception clerk of the receiving agency may receive it");
	return receive_now(a, to, notify);
}

/* Received now: the legal time starts, the reception step is done and the
 * next begins, the register and the statistics count it. */
static int receive_now(struct act *a, const char **to, const char **notify)
{
	int rc = mc__due(&a->cal, &a->proc, a->now, &a->d.due_at);
	if (rc)
		return rc;
	a->d.received_at = a->now;
	if ((rc = finish_step(a, 1)) || (rc = start_step(a, 2)))
		return rc;
	int64_t n =
		mc_exec(a->x->c, "UPDATE dossiers SET received_by = ? WHERE id = ?", "ii", a->x->who->user_id, a->d.id);
	if (n < 0)
		return (int)n;
	if ((rc = mc__register_entry(a->x->c, a->d.id, a->d.received_agency_id, a->now)))
		return rc;
	if ((rc = mc__stats_add(a->x->c, a->d.competent_agency_id, a->d.procedure_code, a->d.field_code, a->now,
				strcmp(a->d.channel, "counter") == 0 ? "received_counter" : "received_online")))
		return rc;
	*to = "in_progress";
	*notify = "received";
	return 0;
}

/* The supplement notices (form 02) issued so far, every one kept in
 * extra.supplements (oldest first); extra.supplement is the latest.  A
 * dossier from before they were kept has its one notice in
 * extra.supplement only. */
static json_t *notices(struct act *a)
{
	json_t *all = json_object_get(a->extra, "supplements");
	if (!json_is_array(all)) {
		all = json_array();
		json_t *old = json_object_get(a->extra, "supplement");
		if (json_is_object(old))
			json_array_append(all, old);
		json_object_set_new(a->extra, "supplements", all);
	}
	return all;
}

/* The latest notice, the one an answer or a check is about; afterwards
 * extra.supplement and the last of extra.supplements are the same object,
 * so that a change shows in both.  NULL: none was issued. */
static json_t *open_notice(struct act *a)
{
	json_t *all = notices(a), *last = json_array_get(all, json_array_size(all) - 1);
	if (json_is_object(last))
		json_object_set(a->extra, "supplement", last);
	return json_is_object(last) ? last : NULL;
}

/* The state of item k (from 0) of a notice: requested, answered (the
 * applicant sent something for it), received (the official found it
 * complete) or missing (the official found it still missing). */
static const char *item_state(json_t *notice, size_t k)
{
	const char *s = json_string_value(json_array_get(json_object_get(notice, "item_states"), k));
	return s ? s : "requested";
}

static void set_item_state(json_t *notice, size_t k, const char *state)
{
	size_t n = json_array_size(json_object_get(notice, "items"));
	json_t *st = json_object_get(notice, "item_states");
	if (!json_is_array(st)) {
		st = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(st, json_string("requested"));
		json_object_set_new(notice, "item_states", st);
	}
	if (k < json_array_size(st))
		json_array_set_new(st, k, json_string(state));
}

/* Issue form 02 listing items: kept with the others, the dossier waits for
 * the papers.  The official guides the applicant once per stage, in
 * writing, listing everything missing (Decree 118/2025; Circular 03/2025
 * form 02): a second notice at the same stage is refused. */
static int issue_notice(struct act *a, json_t *items, const char *reason, const char **to, const char **notify)
{
	const char *stage = a->d.received_at ? "processing" : "reception";
	json_t *all = notices(a), *n;
	size_t i;
	json_array_foreach(all, i, n) {
		const char *st = mc__jstr(n, "stage");
		if (st && strcmp(st, stage) == 0) {
			mc_bad_field(a->x->e, "items", MC_M_SUPPLEMENT_ONCE);
			return mc_error_set(a->x->e, MC_E_CONFLICT, "a supplement was already requested at this stage");
		}
	}
	json_t *notice =
		json_pack("{s:I, s:s, s:o, s:o, s:O, s:s?}", "no", (json_int_t)json_array_size(all) + 1, "stage", stage,
			  "requested_at", now_json(a), "requested_by", who_ref(a), "items", items, "reason", reason);
	/* under the "pause" rule, remember the working time that was left */
	const char *rule = a->proc.supplement_rule;
	if (rule && strcmp(rule, "pause") == 0 && a->d.due_at > a->now) {
		int64_t left = 0; /* the fewest m with now + m working minutes >= due */
		int rc = mc_cal_working_minutes_between(&a->cal, a->now, a->d.due_at, &left);
		if (rc) {
			json_decref(notice);
			return rc;
		}
		json_object_set_new(notice, "remaining_minutes", json_integer(left));
	}
	json_array_append(all, notice);
	json_object_set_new(a->extra, "supplement", notice);
	a->d.paused_at = a->now;
	*to = "supplement_requested";
	*notify = "supplement_requested";
	return 0;
}

static int do_request_supplement(struct act *a, const char **to, const char **notify)
{
	if (is(a, "submitted")) {
		if (!holds(a, "clerk", a->d.received_agency_id))
			return forbid(a, "only a reception clerk of the receiving agency may ask for papers");
	} else if (is(a, "in_progress")) {
		if (!at_current_step(a))
			return forbid(a, "only the officer of the current step may ask for papers");
		int64_t limit = 0;
		int rc = mc_cal_add_working_days(&a->cal, a->d.received_at, 3, &limit);
		if (rc)
			return rc;
		if (a->now > limit)
			return mc_error_set(a->x->e, MC_E_CONFLICT,
					    "more than 3 working days after intake: refuse or extend instead");
	} else {
		return wrong_state(a);
	}
	json_t *items = string_list(a, "items", 1);
	const char *reason = text_field(a, "reason", 0);
	if (!items)
		return a->x->e->code = MC_E_VALIDATION;
	return issue_notice(a, items, reason, to, notify);
}

/* The procedure's attachment field called name, or NULL. */
static json_t *attachment_field(struct act *a, const char *name)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(a->proc.def, "form"), i, f) {
		const char *n = mc__jstr(f, "name"), *type = mc__jstr(f, "type");
		if (n && strcmp(n, name) == 0)
			return type && strcmp(type, "attachment") == 0 ? f : NULL;
	}
	return NULL;
}

/* Papers only: every key of a supplement's form an attachment field of
 * the procedure, set to a file; the declaration stays as it was submitted
 * (the applicant's name, ID number, ... are not the supplement's to
 * change). */
static int papers_only(struct act *a, json_t *form)
{
	struct mc_error *e = a->x->e;
	const char *key;
	json_t *val;
	json_object_foreach(form, key, val) {
		json_t *f = attachment_field(a, key);
		const char *fname = mc_sprintf(a->x->arena, "form.%.60s", key);
		if (!f)
			mc_bad_field(e, fname, MC_M_SUPPLEMENT_PAPERS_ONLY);
		else if (json_is_null(val) || (json_is_string(val) && !*json_string_value(val)))
			mc_bad_field(e, fname, MC_M_SUPPLEMENT_FILE_REQUIRED);
	}
	return e->nfields ? (e->code = MC_E_VALIDATION) : 0;
}

/* A JSON column of the dossier, read by sql (one column, the dossier's id
 * its parameter): {} when it holds no object. */
static int json_column(struct act *a, const char *sql, json_t **out)
{
	struct mc_stmt *s = NULL;
	json_error_t je;
	*out = NULL;
	int rc = mc_query(a->x->c, &s, sql, "i", a->d.id);
	if (rc)
		goto out;
	if ((rc = mc_step(s)) == MC_DB_ROW)
		*out = json_loads(mc_col_text(s, 0), 0, &je);
	rc = rc < 0 ? rc : 0;
out:
	mc_stmt_done(s);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = rc ? NULL : json_object();
	}
	return rc;
}

/* The papers of a supplement (form: the procedure's attachment fields,
 * each set to a file) merged into the dossier's form, checked as at
 * submission; field errors in the context's error, nothing changed.  The
 * file a field held before is kept in extra.earlier_files: officials still
 * see what was first sent. */
static int supplement_form(struct act *a, json_t *form, json_int_t notice_no)
{
	struct mc_error *e = a->x->e;
	json_t *before = NULL, *merged = NULL;
	char *text = NULL;
	int rc = papers_only(a, form);
	if (rc || (rc = json_column(a, "SELECT form_data FROM dossiers WHERE id = ?", &before)))
		goto out;
	/* merged into the form, the result must pass the submission's
	 * checks (a file the caller uploaded, or the one the field already
	 * names), else nothing changes */
	merged = json_deep_copy(before);
	json_object_update(merged, form);
	mc__check_form(a->x->c, a->x->arena, a->proc.def, merged, a->x->who->user_id, before, e);
	if (e->nfields) {
		rc = e->code = MC_E_VALIDATION;
		goto out;
	}
	json_t *earlier = json_object_get(a->extra, "earlier_files");
	if (!json_is_array(earlier)) {
		earlier = json_array();
		json_object_set_new(a->extra, "earlier_files", earlier);
	}
	const char *key;
	json_t *val;
	json_object_foreach(form, key, val) {
		const char *old = mc__jstr(before, key);
		if (old && *old && strcmp(old, json_string_value(val)) != 0)
			json_array_append_new(earlier, json_pack("{s:s, s:s, s:o, s:o, s:I}", "field", key, "sha256",
								 old, "replaced_at", now_json(a), "replaced_by",
								 who_ref(a), "supplement", notice_no));
	}
	if ((rc = mc__uploads_attach(a->x->c, a->proc.def, form, a->x->who->user_id, a->now)))
		goto out;
	text = json_dumps(merged, JSON_COMPACT);
	int64_t n = mc_exec(a->x->c, "UPDATE dossiers SET form_data = ? WHERE id = ?", "ti", text, a->d.id);
	rc = n < 0 ? (int)n : 0;
out:
	free(text);
	json_decref(before);
	json_decref(merged);
	return rc;
}

/* The files an answer hands in for the notice's items: [{item, sha256,
 * field?}], items numbered from 1.  A file for an item with an attachment
 * field of the procedure also goes into that field (set in form); any
 * other item (asked for in the official's own words) keeps its file with
 * the answer.  Each file must be the caller's upload.  Field errors in the
 * context's error; NULL on one. */
static json_t *answer_files(struct act *a, json_t *notice, json_t *form)
{
	struct mc_error *e = a->x->e;
	json_t *in = json_object_get(a->in, "files");
	if (!in)
		return json_array();
	if (!json_is_array(in) || json_array_size(in) > 50) {
		mc_bad_field(e, "files", MC_M_FILES_FORMAT);
		return NULL;
	}
	size_t nitems = json_array_size(json_object_get(notice, "items")), i;
	json_t *out = json_array(), *f;
	json_array_foreach(in, i, f) {
		const char *at = mc_sprintf(a->x->arena, "files.%zu", i);
		json_t *item = json_object_get(f, "item");
		const char *sha = mc__jstr(f, "sha256"), *field = mc__jstr(f, "field");
		json_int_t no = json_is_integer(item) ? json_integer_value(item) : 0;
		int64_t mine = 0;
		if (no < 1 || (size_t)no > nitems) {
			mc_bad_field(e, at, MC_M_NOT_A_NOTICE_ITEM);
			continue;
		}
		if (!sha || !mc_is_sha256_hex(sha) ||
		    mc_query_int64(a->x->c, &mine, "SELECT COUNT(*) FROM uploads WHERE sha256 = ? AND user_id = ?",
				   "ti", sha, a->x->who->user_id) ||
		    !mine) {
			mc_bad_field(e, at, MC_M_NOT_UPLOADED);
			continue;
		}
		if (field && !attachment_field(a, field)) {
			mc_bad_field(e, at, MC_M_NOT_AN_ATTACHMENT_FIELD);
			continue;
		}
		if (field)
			json_object_set_new(form, field, json_string(sha));
		json_array_append_new(out, json_pack("{s:I, s:s, s:s?}", "item", no, "sha256", sha, "field", field));
	}
	if (e->nfields) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* Every requested item is in hand: the dossier goes on.  The clerk who
 * took a walk-in dossier receives it now; an online one not yet received
 * goes back to reception; a received one has its legal time (and the
 * current step's) start again from now, and the applicant a new
 * appointment. */
static int supplement_complete(struct act *a, json_t *notice, const char **to, const char **notify)
{
	json_object_set_new(notice, "supplied_at", now_json(a));
	a->d.paused_at = 0;
	int counter = strcmp(a->d.channel, "counter") == 0;
	*notify = "supplemented";
	if (!a->d.received_at && counter && holds(a, "clerk", a->d.received_agency_id)) {
		/* the walk-in applicant came back with the papers: received now */
		int rc = receive_now(a, to, notify);
		*notify = "received";
		return rc;
	}
	if (!a->d.received_at) {
		/* back to reception, which has a working day again */
		int64_t by = 0;
		if (!mc_cal_add_working_minutes(&a->cal, a->now, 8 * 60, &by))
			json_object_set_new(a->extra, "receive_by", mc__time_or_null(by));
		*to = "submitted";
		return 0;
	}
	/* the legal time restarts from the complete dossier (Decree 118/2025); a
	 * procedure with "pause" gets back the time it had left */
	json_t *left = json_object_get(notice, "remaining_minutes");
	int rc = json_is_integer(left)
			 ? mc_cal_add_working_minutes(&a->cal, a->now, json_integer_value(left), &a->d.due_at)
			 : mc__due(&a->cal, &a->proc, a->now, &a->d.due_at);
	struct mc__step_at t = step_at(a);
	if (rc || (rc = mc__step_restart(&t, a->d.current_step, a->d.due_at)))
		return rc;
	a->d.appointment_at = 0; /* a new term: the appointment is its deadline again */
	json_object_set_new(notice, "new_due_at", mc__time_or_null(a->d.due_at));
	*to = "in_progress";
	return 0;
}

/* The applicant (or a reception clerk for them) hands in papers for the
 * latest notice: files for its items, and a note.  The applicant's answer
 * waits for an official to check it item by item (check_supplement): the
 * clock stays stopped until every item is in hand.  A reception clerk has
 * the papers in front of them: their answer completes the notice. */
static int do_supplement(struct act *a, const char **to, const char **notify)
{
	if (!is(a, "supplement_requested"))
		return wrong_state(a);
	int clerk = holds(a, "clerk", a->d.received_agency_id);
	if (!is_applicant(a) && !clerk)
		return forbid(a, "only the applicant or a reception clerk may hand in the papers");
	json_t *notice = open_notice(a);
	if (!notice)
		return wrong_state(a);
	json_t *form = json_object_get(a->in, "form");
	if (form && !json_is_object(form))
		return mc__fail_msg(a->x->e, "form", MC_M_FORM_NOT_OBJECT);
	json_t *fields = form ? json_deep_copy(form) : json_object();
	json_t *files = answer_files(a, notice, fields);
	const char *note = text_field(a, "note", 0);
	int rc = files ? 0 : MC_E_VALIDATION;
	if (!rc && a->x->e->nfields)
		rc = a->x->e->code = MC_E_VALIDATION;
	json_t *given = json_object_get(a->in, "papers");
	if (!rc && !clerk && !json_array_size(files) && !json_object_size(fields) && !note)
		rc = mc__fail_msg(a->x->e, "files", MC_M_SUPPLEMENT_EMPTY);
	json_int_t no = json_integer_value(json_object_get(notice, "no"));
	if (!rc && json_object_size(fields))
		rc = supplement_form(a, fields, no ? no : 1);
	json_decref(fields);
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f) {
		if (rc)
			break;
		int64_t n = mc_exec(
			a->x->c,
			"UPDATE uploads SET attached_at = ? WHERE sha256 = ? AND user_id = ? AND attached_at IS NULL",
			"iti", a->now, mc__jstr(f, "sha256"), a->x->who->user_id);
		rc = n < 0 ? (int)n : 0;
	}
	if (!rc && given) {
		/* the clerk's checklist of a walk-in dossier: every paper now in hand */
		if (strcmp(a->d.channel, "counter") != 0 || !clerk)
			rc = mc__fail_msg(a->x->e, "papers", MC_M_CHECKLIST_COUNTER_ONLY);
		else
			rc = mc__counter_papers(a->x, a->proc.def, given, a->d.id);
	}
	if (rc) {
		json_decref(files);
		return rc;
	}
	json_t *answers = json_object_get(notice, "answers");
	if (!json_is_array(answers)) {
		answers = json_array();
		json_object_set_new(notice, "answers", answers);
	}
	json_array_foreach(files, i, f) {
		size_t k = (size_t)json_integer_value(json_object_get(f, "item")) - 1;
		if (strcmp(item_state(notice, k), "received") != 0)
			set_item_state(notice, k, "answered");
	}
	json_array_append_new(answers,
			      json_pack("{s:I, s:o, s:o, s:o, s:s?}", "no", (json_int_t)json_array_size(answers) + 1,
					"at", now_json(a), "by", who_ref(a), "files", files, "note", note));
	json_object_set_new(notice, "answered_at", now_json(a));
	if (clerk) {
		/* the clerk has the papers in hand: every item is received */
		for (size_t k = 0; k < json_array_size(json_object_get(notice, "items")); k++)
			set_item_state(notice, k, "received");
		return supplement_complete(a, notice, to, notify);
	}
	*to = "supplement_requested";
	*notify = "supplement_answered";
	return 0;
}

/* An official checks the applicant's answer item by item: items:
 * [{no, received}].  When every item of the notice is in hand the dossier
 * goes on (supplement_complete); else it keeps waiting and the applicant
 * is told what is still missing. */
static int do_check_supplement(struct act *a, const char **to, const char **notify)
{
	if (!is(a, "supplement_requested"))
		return wrong_state(a);
	int clerk = holds(a, "clerk", a->d.received_agency_id);
	if (a->d.received_at ? !clerk && !at_current_step(a) : !clerk)
		return forbid(a,
			      a->d.received_at
				      ? "only the officer of the current step or a reception clerk may check the papers"
				      : "only a reception clerk of the receiving agency may check the papers");
	json_t *notice = open_notice(a);
	if (!notice)
		return wrong_state(a);
	json_t *in = json_object_get(a->in, "items"), *v;
	size_t nitems = json_array_size(json_object_get(notice, "items")), i;
	if (!json_is_array(in) || !json_array_size(in) || json_array_size(in) > nitems)
		return mc__fail_msg(a->x->e, "items", MC_M_CHECK_EACH_ITEM);
	unsigned char seen[50] = {0};
	json_array_foreach(in, i, v) {
		json_int_t no = json_integer_value(json_object_get(v, "no"));
		json_t *ok = json_object_get(v, "received");
		if (no < 1 || (size_t)no > nitems || !json_is_boolean(ok) || seen[no - 1]++)
			mc_bad_field(a->x->e, mc_sprintf(a->x->arena, "items.%zu", i), MC_M_CHECK_ITEM_FORMAT);
	}
	if (a->x->e->nfields)
		return a->x->e->code = MC_E_VALIDATION;
	json_array_foreach(in, i, v) {
		size_t k = (size_t)json_integer_value(json_object_get(v, "no")) - 1;
		set_item_state(notice, k, json_is_true(json_object_get(v, "received")) ? "received" : "missing");
	}
	json_t *checks = json_object_get(notice, "checks");
	if (!json_is_array(checks)) {
		checks = json_array();
		json_object_set_new(notice, "checks", checks);
	}
	const char *note = text_field(a, "note", 0);
	json_array_append_new(checks, json_pack("{s:o, s:o, s:O, s:s?}", "at", now_json(a), "by", who_ref(a), "items",
						in, "note", note));
	size_t have = 0;
	for (size_t k = 0; k < nitems; k++)
		have += strcmp(item_state(notice, k), "received") == 0;
	if (have == nitems)
		return supplement_complete(a, notice, to, notify);
	*to = "supplement_requested";
	*notify = "supplement_incomplete";
	return 0;
}

static int do_refuse(struct act *a, const char **to, const char **notify)
{
	if (is(a, "submitted")) {
		if (!holds(a, "clerk", a->d.received_agency_id))
			return forbid(a, "only a reception clerk of the receiving agency may refuse it");
	} else if (is(a, "in_progress")) {
		if (!at_current_step(a))
			return forbid(a, "only the officer of the current step may refuse it");
	} else {
		return wrong_state(a);
	}
	json_t *reasons = string_list(a, "reasons", 1);
	if (!reasons)
		return a->x->e->code = MC_E_VALIDATION;
	/* at reception the receiving clerk signs form 03; during processing the
	 * processing official, with their position */
	json_object_set_new(a->extra, "refusal",
			    json_pack("{s:o, s:o, s:O, s:s}", "at", now_json(a), "by", who_ref(a), "reasons", reasons,
				      "stage", a->d.received_at ? "processing" : "reception"));
	return end_without_result(a, "refused", "refused", to, notify);
}

static int do_assign(struct act *a, const char **to, const char **notify)
{
	(void)notify;
	if (!is(a, "in_progress"))
		return wrong_state(a);
	if (!holds(a, "dept_head", a->d.current_agency_id) && !holds(a, "leader", a->d.current_agency_id))
		return forbid(a, "only a department head or leader of the current unit may assign");
	json_t *aid = json_object_get(a->in, "assignee_id");
	if (!json_is_integer(aid))
		return mc__fail_msg(a->x->e, "assignee_id", MC_M_ASSIGNEE_ID_REQUIRED);
	int64_t n = 0;
	int rc = mc_query_int64(
		a->x->c, &n,
		"SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role_code = ?"
		" JOIN agency_tree t ON t.descendant_id = u.agency_id AND t.ancestor_id = ? AND t.same_body = 1"
		" WHERE u.id = ? AND u.status = 'active'",
		"tii", a->d.step_role, a->d.current_agency_id, (int64_t)json_integer_value(aid));
	if (rc)
		return rc;
	if (!n)
		return mc__fail_msg(a->x->e, "assignee_id", MC_M_ASSIGNEE_ROLE);
	a->d.assignee_id = json_integer_value(aid);
	*to = a->d.status;
	return 0;
}

/* The type of document a result is: result_type_code if given, else what
 * the procedure's result says it is ("Quyết định ...", "Giấy phép ...",
 * "Giấy chứng nhận ..."); NULL for the results numbered in books of their
 * own (civil status extracts, certified copies, residence updates). */
static const char *result_type(struct act *a)
{
	json_t *v = json_object_get(a->in, "result_type_code");
	if (v && !json_is_null(v))
		return json_is_string(v) ? json_string_value(v) : "";
	static const char *const by_name[][2] = {
		{"Quyết định", "quyet_dinh"}, {"Giấy phép", "giay_phep"}, {"Giấy chứng nhận", "giay_chung_nhan"}};
	const char *r = json_string_value(json_object_get(a->proc.def, "result"));
	for (size_t i = 0; r && i < sizeof(by_name) / sizeof(*by_name); i++)
		if (strncmp(r, by_name[i][0], strlen(by_name[i][0])) == 0)
			return by_name[i][1];
	return NULL;
}

/* The result numbered in the competent agency's register of outgoing
 * documents (by the documents domain, when plugged in): its number goes
 * into res as document {id, number_text}. */
static int result_numbered(struct act *a, const char *sha, json_t *res)
{
	const char *type = result_type(a);
	if (!type || !a->x->register_result)
		return 0;
	if (!*type)
		return mc__fail_msg(a->x->e, "result_type_code", MC_M_DOC_TYPE_UNKNOWN);
	json_t *applicant = NULL;
	struct mc_stmt *s;
	int rc = mc_query(a->x->c, &s, "SELECT applicant FROM dossiers WHERE id = ?", "i", a->d.id);
	if (!rc && !(rc = mc_step_row(s)) && mc_col_text(s, 0))
		applicant = json_loads(mc_col_text(s, 0), 0, NULL);
	mc_stmt_done(s);
	if (rc) {
		json_decref(applicant);
		return rc;
	}
	const char *name = json_string_value(json_object_get(a->proc.def, "name"));
	struct mc_dossier_result r = {
		.dossier_id = a->d.id,
		.code = a->d.code,
		.type_code = type,
		.summary = mc_sprintf(a->x->arena, "%s (hồ sơ %s)", name ? name : a->d.procedure_code, a->d.code),
		.applicant = mc_strdup(a->x->arena, json_string_value(json_object_get(applicant, "full_name"))),
		.file_sha256 = sha,
	};
	json_decref(applicant);
	json_t *doc = NULL;
	if ((rc = a->x->register_result(a->x, &r, &doc)))
		return rc;
	/* signed digitally on the way: the applicant gets the signed PDF */
	const char *signed_sha = json_string_value(json_object_get(doc, "file_sha256"));
	if (signed_sha && strcmp(signed_sha, sha) != 0) {
		json_object_set_new(res, "uploaded_sha256", json_string(sha));
		json_object_set_new(res, "sha256", json_string(signed_sha));
	}
	json_object_del(doc, "file_sha256");
	json_object_set_new(res, "document", doc);
	return 0;
}

/* The result document the approving official attaches (result_file: the
 * SHA-256 of a PDF they uploaded), kept as extra.result for the applicant
 * to download and the register to record.  Absent: the result is on paper
 * only. */
static int result_document(struct act *a)
{
	json_t *v = json_object_get(a->in, "result_file");
	if (!v || json_is_null(v))
		return 0;
	const char *sha = json_string_value(v);
	int64_t mine = 0, pdf = 0;
	if (sha && mc_is_sha256_hex(sha)) {
		int rc = mc_query_int64(a->x->c, &mine, "SELECT COUNT(*) FROM uploads WHERE sha256 = ? AND user_id = ?",
					"ti", sha, a->x->who->user_id);
		if (!rc && mine)
			rc = mc_query_int64(a->x->c, &pdf,
					    "SELECT COUNT(*) FROM blobs WHERE sha256 = ? AND mime = 'application/pdf'",
					    "t", sha);
		if (rc)
			return rc;
	}
	if (!mine)
		return mc__fail_msg(a->x->e, "result_file", MC_M_RESULT_NOT_UPLOADED);
	if (!pdf)
		return mc__fail_msg(a->x->e, "result_file", MC_M_RESULT_NOT_PDF);
	int64_t n = mc_exec(
		a->x->c, "UPDATE uploads SET attached_at = ? WHERE sha256 = ? AND user_id = ? AND attached_at IS NULL",
		"iti", a->now, sha, a->x->who->user_id);
	if (n < 0)
		return (int)n;
	json_t *res = json_pack("{s:s, s:o, s:o}", "sha256", sha, "at", now_json(a), "by", who_ref(a));
	json_object_set_new(a->extra, "result", res);
	return result_numbered(a, sha, res);
}

static int do_forward(struct act *a, const char **to, const char **notify)
{
	if (!is(a, "in_progress"))
		return wrong_state(a);
	if (!at_current_step(a))
		return forbid(a, "only the officer of the current step may complete it");
	int n = nsteps(a), done = a->d.current_step;
	if (done >= n) /* the last step ends with "return" */
		return wrong_state(a);
	int rc;
	if ((rc = finish_step(a, done)) || (rc = start_step(a, done + 1)))
		return rc;
	if (done + 1 == n) {
		/* the last step is the return at the counter: the result is ready,
		 * with its document when the approving official attaches it */
		if ((rc = result_document(a)))
			return rc;
		/* an issued paper goes into the applicant's personal store */
		if ((rc = mc__personal_issue(a->x->c, a->proc.def, &a->d, json_object_get(a->extra, "result"), a->now)))
			return rc;
		const char *score = mc__score_name(mc_cal_classify(a->now, a->d.due_at));
		int64_t k = mc_exec(a->x->c, "UPDATE dossiers SET completed_at = ?, result_status = ? WHERE id = ?",
				    "iti", a->now, score, a->d.id);
		if (k < 0)
			return (int)k;
		char col[32];
		snprintf(col, sizeof(col), "resolved_%s", score);
		if ((rc = mc__stats_add(a->x->c, a->d.competent_agency_id, a->d.procedure_code, a->d.field_code, a->now,
					col)))
			return rc;
		*to = "result_ready";
		*notify = "result_ready";
	} else {
		*to = "in_progress";
	}
	return 0;
}

static int do_return(struct act *a, const char **to, const char **notify)
{
	if (!is(a, "result_ready"))
		return wrong_state(a);
	if (!holds(a, "clerk", a->d.received_agency_id))
		return forbid(a, "only a reception clerk of the receiving agency may return the result");
	int rc = finish_step(a, a->d.current_step);
	if (rc)
		return rc;
	int64_t n = mc_exec(a->x->c, "UPDATE dossiers SET returned_at = ? WHERE id = ?", "ii", a->now, a->d.id);
	if (n < 0)
		return (int)n;
	leave_steps(a);
	*to = "returned";
	*notify = "returned";
	return 0;
}

static int do_withdraw(struct act *a, const char **to, const char **notify)
{
	if (!is(a, "submitted") && !is(a, "supplement_requested") && !is(a, "in_progress"))
		return wrong_state(a);
	if (!is_applicant(a))
		return forbid(a, "only the applicant may withdraw the dossier");
	return end_without_result(a, "withdrawn", "withdrawn", to, notify);
}

static int do_stop(struct act *a, const char **to, const char **notify)
{
	if (!is(a, "in_progress"))
		return wrong_state(a);
	if (!holds(a, "leader", a->d.competent_agency_id))
		return forbid(a, "only a leader of the competent agency may stop the processing");
	const char *reason = text_field(a, "reason", 1);
	if (!reason)
		return a->x->e->code = MC_E_VALIDATION;
	json_object_set_new(a->extra, "stop",
			    json_pack("{s:o, s:o, s:s}", "at", now_json(a), "by", who_ref(a), "reason", reason));
	return end_without_result(a, "stopped", "stopped", to, notify);
}

/* Form 04 goes out at least one working day before the legal deadline. */
static int day_before_deadline(struct act *a)
{
	int64_t one_day = 0;
	int rc = mc_cal_add_working_days(&a->cal, a->now, 1, &one_day);
	if (rc)
		return rc;
	if (one_day > a->d.due_at)
		return mc_error_set(a->x->e, MC_E_CONFLICT, "less than one working day before the deadline");
	return 0;
}

/* The head (or a deputy) of the competent agency approves the apology and
 * its new date (form 04 is theirs to sign): the appointment moves now. */
static void approve(struct act *a, json_t *ext, const char **notify)
{
	json_object_set_new(ext, "approved", json_true());
	json_object_set_new(ext, "approved_by", who_ref(a));
	json_object_set_new(ext, "approved_at", now_json(a));
	int64_t nd = 0;
	mc_time_parse(mc__jstr(ext, "new_due_at"), &nd);
	a->d.appointment_at = nd;
	a->d.extended = 1; /* the apology is given: late now is "late, with apology" */
	*notify = "extended";
}

static int do_extend(struct act *a, const char **to, const char **notify)
{
	if (!is(a, "in_progress"))
		return wrong_state(a);
	int head = holds(a, "leader", a->d.competent_agency_id);
	if (!at_current_step(a) && !head)
		return forbid(a, "only the officer of the current step or a leader may ask for more time");
	if (a->d.extended || json_object_get(a->extra, "extension"))
		return mc_error_set(a->x->e, MC_E_CONFLICT, "the appointment may be moved only once");
	int rc = day_before_deadline(a);
	if (rc)
		return rc;
	const char *reason = text_field(a, "reason", 1);
	const char *nd = mc__jstr(a->in, "new_due_at");
	int64_t new_due = 0, old = a->d.appointment_at ? a->d.appointment_at : a->d.due_at;
	if (!nd || mc_time_parse(nd, &new_due) || new_due <= old) {
		mc_bad_field(a->x->e, "new_due_at", MC_M_APPOINTMENT_NOT_LATER);
	} else {
		/* the new date is a working day (13/12/2026, a Sunday, was taken) */
		int y, m, dd;
		mc_vn_date(new_due, &y, &m, &dd);
		if (mc_cal_is_working_day(&a->cal, y, m, dd) != 1)
			mc_bad_field(a->x->e, "new_due_at", MC_M_APPOINTMENT_NOT_WORKING_DAY);
	}
	if (!reason || a->x->e->nfields)
		return a->x->e->code = MC_E_VALIDATION;
	/* the apology moves the appointment, never the legal deadline: the
	 * dossier is still scored against due_at */
	json_t *ext = json_pack("{s:o, s:o, s:s, s:o, s:o, s:o, s:b}", "at", now_json(a), "by", who_ref(a), "reason",
				reason, "old_due_at", mc__time_or_null(old), "new_due_at", mc__time_or_null(new_due),
				"legal_due_at", mc__time_or_null(a->d.due_at), "approved", 0);
	json_object_set_new(a->extra, "extension", ext);
	/* asked by a leader of the competent agency: approved at once; else it
	 * waits for one (approve_extension) and the applicant hears nothing yet */
	if (head)
		approve(a, ext, notify);
	*to = "in_progress";
	return 0;
}

static int do_approve_extension(struct act *a, const char **to, const char **notify)
{
	if (!is(a, "in_progress"))
		return wrong_state(a);
	json_t *ext = json_object_get(a->extra, "extension");
	if (!json_is_object(ext) || !json_is_false(json_object_get(ext, "approved")))
		return mc_error_set(a->x->e, MC_E_CONFLICT, "no extension is waiting for approval");
	if (!holds(a, "leader", a->d.competent_agency_id))
		return forbid(a, "only the head of the competent agency or a deputy may approve an extension");
	int rc = day_before_deadline(a);
	if (rc)
		return rc;
	approve(a, ext, notify);
	*to = "in_progress";
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct act *, const char **, const char **);
} actions[] = {
	{"receive", do_receive},       {"request_supplement", do_request_supplement},
	{"supplement", do_supplement}, {"check_supplement", do_check_supplement},
	{"refuse", do_refuse},         {"assign", do_assign},
	{"forward", do_forward},       {"return", do_return},
	{"withdraw", do_withdraw},     {"stop", do_stop},
	{"extend", do_extend},         {"approve_extension", do_approve_extension},
};

/* Apply fn, save the dossier and record the event, the audit entry, the
 * notification and the tracking answer: one transaction, all or nothing. */
static int transition(struct act *a, const char *action, int (*fn)(struct act *, const char **, const char **))
{
	struct mc_dossier_ctx *x = a->x;
	const char *from = mc_strdup(x->arena, a->d.status), *to = NULL, *notify = NULL;
	int step = a->d.current_step;
	int64_t agency = a->d.current_agency_id;
	const char *detail = "{}"; /* the event's: fixed texts */
	char act_name[48];
	int rc = mc_tx_begin(x->c, 1);
	if (rc)
		return rc;
	struct mc_dossier_fee fee = {a->d.id,
				     a->d.competent_agency_id,
				     a->d.received_agency_id,
				     a->d.code,
				     action,
				     a->d.channel,
				     NULL,
				     a->d.received_at != 0,
				     json_object_get(a->proc.def, "fees"),
				     a->in};
	if ((rc = fn(a, &to, &notify)))
		goto out;
	fee.to = to;
	if ((x->fee && (rc = x->fee(x, &fee))) || (rc = save(a, to)))
		goto out;
	struct mc_dossier_change ch = {a->d.id,     a->d.code, a->d.procedure_code, action, from, to, a->d.received_at,
				       a->d.due_at, a->now,    a->proc.def,         a->in};
	if (x->linked && (rc = x->linked(x, &ch)))
		goto out;
	/* moved on to another agency's step: handed to it if it is external */
	if (x->handoff && a->d.current_agency_id && a->d.current_agency_id != agency &&
	    (rc = x->handoff(x, a->d.id, a->d.current_agency_id)))
		goto out;
	if (strcmp(action, "forward") == 0 && step == nsteps(a) - 1)
		detail = "{\"approved\":true}";
	snprintf(act_name, sizeof(act_name), "dossier.%s", action);
	if ((rc = mc__event(x, a->d.id, action, from, to, step, agency ? agency : a->d.received_agency_id, 0,
			    detail)) ||
	    (notify && (rc = mc__notify(x->c, a->d.id, notify, NULL))) || (rc = mc__track_refresh(x->c, a->d.id)) ||
	    (rc = mc__audit(x, act_name, a->d.id, a->d.code))) /* last: see mc__audit */
		goto out;
	rc = mc_tx_commit(x->c);
out:
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc;
}

int mc_dossier_act(struct mc_dossier_ctx *x, const char *code, const char *action, int64_t version, json_t *in,
		   json_t **out)
{
	int (*fn)(struct act *, const char **, const char **) = NULL;
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(actions[i].name, action) == 0)
			fn = actions[i].fn;
	if (!fn)
		return MC_E_NOT_FOUND;
	struct act a = {.x = x, .in = in, .now = mc_time_now_ms()};
	int cal_ready = 0;
	int rc = mc__load_readable(x, code, &a.d);
	if (rc)
		goto out;
	if (version != a.d.version) {
		rc = MC_E_PRECONDITION;
		goto out;
	}
	if ((rc = mc_procedure_load(x->c, a.d.procedure_id, x->arena, &a.proc, x->e)) ||
	    (rc = mc_holidays_calendar_for(x->c, a.d.competent_agency_id, &a.cal)))
		goto out;
	cal_ready = 1;
	if ((rc = json_column(&a, "SELECT extra FROM dossiers WHERE id = ?", &a.extra)) ||
	    (rc = transition(&a, action, fn)))
		goto out;
	rc = mc__represent(x, a.d.id, 1, out);
out:
	if (cal_ready)
		mc_cal_release(&a.cal);
	mc_procedure_release(&a.proc);
	json_decref(a.extra);
	return rc;
}
