/* internal.h - shared by the dossier engine's files (not a public API). */
#ifndef MC_DOSSIER_INTERNAL_H
#define MC_DOSSIER_INTERNAL_H

#include "dossier.h"
#include "model.h"

/* The columns the workflow needs, loaded by mc__load. */
struct mc__dossier {
	int64_t id, procedure_id, applicant_id, received_agency_id, competent_agency_id, current_agency_id;
	int64_t counter_id, assignee_id, received_at, due_at, paused_at, submitted_at, version;
	int64_t appointment_at; /* the date given to the applicant; 0: due_at (the legal deadline) */
	int current_step, extended;
	char code[80], status[24], step_role[24], channel[12], procedure_code[20], field_code[64];
};

const char *mc__jstr(json_t *o, const char *k);
/* A paper received, as the dossier keeps it: its code in the procedure's
 * version, kind and count, the note when there is one.  Its number and name
 * come from that version when the dossier is shown (rows written before
 * 0021's release keep them too). */
json_t *mc__paper_kept(const char *code, const char *kind, int count, const char *note);
void mc__local_day(int64_t ms, char out[11]);
json_t *mc__time_or_null(int64_t ms);
/* Add the field problem m to e and return MC_E_VALIDATION (set in e). */
int mc__fail_msg(struct mc_error *e, const char *field, enum mc_msg m);
/* The legal deadline of a dossier of procedure p received at from. */
int mc__due(const struct mc_calendar *cal, const struct mc_procedure *p, int64_t from, int64_t *due);
const char *mc__score_name(enum mc_cal_score s);
/* Local date "YYYY-MM-DD" (checked by the caller) -> the UTC instant (ms)
 * its day starts at, or the day plus days after it. */
int64_t mc__day_start(const char *day, int plus);
/* The on-time rate of the statistics: (early + on time) / resolved, null
 * when nothing was resolved. */
json_t *mc__on_time_rate(int64_t early, int64_t on_time, int64_t late);

/* Check form data against the procedure's schema (def): unknown fields,
 * required ones, types and limits, attachments.  An attachment is the
 * SHA-256 of a file that caller (a user id) uploaded, or the value the
 * same field has in before (the form the dossier already has, NULL at
 * submission); any other value, another user's file included, is refused
 * as not uploaded.  Field errors go to e with the field named
 * "form.<name>"; the arena holds their names.  Used at submission and on
 * a supplement. */
/* The uploads that form's attachment fields name, uploaded by user, are
 * attached from now on (no longer pending, never purged). */
int mc__uploads_attach(struct mc_conn *c, json_t *def, json_t *form, int64_t user, int64_t now);
void mc__check_form(struct mc_conn *c, struct mc_arena *a, json_t *def, json_t *form, int64_t caller, json_t *before,
		    struct mc_error *e);

/* A counter clerk's checklist of the papers in hand (codes or {code, count,
 * note}) checked against the procedure, every mandatory paper there, and
 * saved as the dossier's papers; field errors in x->e. */
int mc__counter_papers(struct mc_dossier_ctx *x, json_t *def, json_t *given, int64_t id);

int mc__load(struct mc_conn *c, const char *code, struct mc__dossier *d);
/* Append an event (inside the transaction); a change (to set, not a view
 * or an assignment) also queues the dossier for the national portal
 * (portal_sync, src/portal). */
int mc__event(struct mc_dossier_ctx *x, int64_t id, const char *action, const char *from, const char *to, int step,
	      int64_t agency, int64_t counter, const char *detail);
int mc__audit(struct mc_dossier_ctx *x, const char *action, int64_t id, const char *code);
/* Add an applicant notification to the outbox, addressed as the dossier
 * stands (read from its row). */
int mc__notify(struct mc_conn *c, int64_t id, const char *event, const char *detail_json);
/* What a notification tells of its dossier, as it stands after the change. */
struct mc__addressee {
	const char *code, *status;
	int64_t applicant_id, due_at; /* 0: none */
	json_t *applicant;            /* {full_name, phone, email}, borrowed */
};
/* mc__notify for a caller that has the dossier in hand (no read). */
int mc__notify_to(struct mc_conn *c, int64_t id, const char *event, const char *detail_json,
		  const struct mc__addressee *to);
/* Count one event in the statistics (column among a fixed set). */
int mc__stats_add(struct mc_conn *c, int64_t agency, const char *procedure, const char *field, int64_t at,
		  const char *column);
/* Give the dossier its entry number in the receiving agency's register (form 07). */
int mc__register_entry(struct mc_conn *c, int64_t id, int64_t agency, int64_t at);
/* The next entry number of agency's register for the year of at (inside
 * the transaction that stores it). */
int mc__register_next(struct mc_conn *c, int64_t agency, int64_t at, int64_t *entry);
/* The full representation (officials see events and who has not yet
 * viewed / processed the current step). */
int mc__represent(struct mc_dossier_ctx *x, int64_t id, int full, json_t **out);
/* Render the public tracking answer into dossiers.track_gz, gzipped (inside the
 * transition's transaction). */
int mc__track_refresh(struct mc_conn *c, int64_t id);
/* The public tracking answer (mc_dossier_track, the stored track_gz),
 * built from values, so that the generator's COPY writer makes the same
 * bytes as a transition (mc__track_refresh) without reading them back. */
struct mc__track_head {
	const char *code, *status, *procedure_code, *name, *name_en, *result;
	const char *extra; /* the row's extra (JSON text) or NULL */
	int64_t submitted, received, due, completed, returned;
	int64_t appointment; /* COALESCE(appointment_at, due_at, 0) */
	int extended;
};
/* The answer without its "steps" (the caller sets them). */
json_t *mc__track_head_json(const struct mc__track_head *t);
/* One step as the tracking answer (and the dossier's view) shows it;
 * def_step: the step of the procedure's version (its name_en), or NULL. */
struct mc__step_view {
	int64_t seq, agency_id, hours, started, due, finished;
	const char *name, *role, *agency_code, *agency_name, *agency_name_en, *result;
};
json_t *mc__step_view_json(const struct mc__step_view *v, json_t *def_step);
/* j's compact JSON, gzipped into gz (as track_gz keeps it). */
struct mc_buf;
int mc__track_gzip(json_t *j, struct mc_buf *gz);

/* May the caller see this dossier?  1 yes, 0 no, < 0 error. */
int mc__may_read(struct mc_dossier_ctx *x, const struct mc__dossier *d);
/* mc__load for the caller: MC_E_NOT_FOUND as well when they may not see
 * it (a dossier of someone else does not exist for them). */
int mc__load_readable(struct mc_dossier_ctx *x, const char *code, struct mc__dossier *d);
/* The plan of a queue's query (bench/queue_plans.c): the query that
 * mc_dossier_queue would run, prefixed with explain ("EXPLAIN QUERY PLAN "
 * or "EXPLAIN "), ready to step. */
int mc__queue_explain(struct mc_dossier_ctx *x, const char *queue, const struct mc_queue_filter *f, const char *explain,
		      struct mc_stmt **out);

/* ---------------- store.c: the dossiers table ---------------- */

/* The next code of a dossier received by agency at now (see store.c). */
int mc__dossier_next_code(struct mc_conn *c, int64_t agency, int64_t now, char *out, size_t n);
/* Insert the dossier n describes (inside the caller's transaction). */
int mc__dossier_insert(struct mc_conn *c, const struct mc_dossier_new *n, int64_t *id);

/* ---------------- steps.c: a dossier's steps ---------------- */

/* Who changes a dossier's steps, and when (by: the acting user, 0: none). */
struct mc__step_at {
	struct mc_conn *c;
	const struct mc_calendar *cal;
	int64_t dossier, now, by;
};
/* How a new dossier's steps stand when it is filed. */
enum mc__steps_start {
	MC__STEPS_WAIT,  /* none started (submitted online) */
	MC__STEPS_OPEN,  /* the reception is in hand from now, without a deadline (waiting for papers) */
	MC__STEPS_TAKEN, /* the reception starts and ends now, on time, and the second step starts (the counter) */
};
/* The steps of procedure p for dossier t->dossier, at the agency each unit
 * names, written as start says (one INSERT each, nothing updated after). */
int mc__steps_create(const struct mc__step_at *t, const struct mc_procedure *p, int64_t receiving, int64_t competent,
		     enum mc__steps_start start);
/* Step seq ends now, scored against its deadline; note (may be NULL) is
 * kept with it. */
int mc__step_finish(const struct mc__step_at *t, int seq, const char *note);
/* Step seq starts now and is due within hours working hours. */
int mc__step_begin(const struct mc__step_at *t, int seq, int64_t hours);
/* Step seq starts now (mc__step_begin with its own hours): *agency and
 * role receive the unit and role that hold it. */
int mc__step_start(const struct mc__step_at *t, int seq, int64_t *agency, char *role, size_t rolelen);
/* Step seq's time starts again from now, due no later than cap. */
int mc__step_restart(const struct mc__step_at *t, int seq, int64_t cap);

/* ---------------- personal.c: the personal document store ---------------- */

/* Keep the result (extra.result: {sha256, document?}) of dossier d in its
 * applicant's personal document store when def declares a result_paper
 * and the applicant has an account (inside the transaction that attached
 * the result); nothing otherwise. */
int mc__personal_issue(struct mc_conn *c, json_t *def, const struct mc__dossier *d, json_t *result, int64_t now);
/* The attachment fields of *form that name a stored paper of owner
 * ({"reuse": id}) get its SHA-256 (*form becomes a copy; the caller's
 * object is not changed); *before names them as already held (for
 * mc__check_form) and *reused describes each ({field, paper,
 * personal_paper_id, paper_code, title, issuer, dossier_code,
 * number_text, document_id, sha256, issued_at, source "issued"}); both
 * NULL when nothing is reused.  A paper that is not owner's, or not valid,
 * is MC_E_NOT_FOUND; a malformed value or a paper of another kind than the
 * field's paper accepts ("reusable") is a field error in x->e. */
int mc__personal_reuse(struct mc_dossier_ctx *x, json_t *def, int64_t owner, json_t **form, json_t **before,
		       json_t **reused);

#endif
