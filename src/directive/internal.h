/* internal.h - shared by the directive domain's files (not a public API). */
#ifndef MC_DIRECTIVE_INTERNAL_H
#define MC_DIRECTIVE_INTERNAL_H

#include "directive.h"

/* Limits of what people type. */
#define MC__DIR_CONTENT_MAX 4000
#define MC__DIR_TEXT_MAX    2000
#define MC__DIR_TASKS_MAX   50
/* An older directive may be recorded up to a year after it was given. */
#define MC__DIR_PAST_DAYS  366
#define MC__DIR_AHEAD_DAYS 1827 /* a deadline at most five years ahead */

/* Where the caller stands (rules.c): their agency and body, the body whose
 * directives they keep as its office (0: none), Vietnam's today. */
struct mc__dir_caller {
	int64_t agency, body, office_of;
	int manage; /* holds directive.manage */
	char today[11];
};
int mc__dir_caller(struct mc_directive_ctx *x, int64_t now, struct mc__dir_caller *w);
/* The body an official of agency works for (itself, or the body its
 * internal units belong to). */
int mc__dir_body_of(struct mc_conn *c, int64_t agency, int64_t *body);
/* 1 when the caller keeps body's directives (directive.manage in body, or
 * in its office). */
int mc__dir_manages(const struct mc__dir_caller *w, int64_t body);
/* "YYYY-MM-DD" of Vietnam's day of ms, and days later. */
void mc__dir_day(int64_t ms, int days, char out[11]);

/* Fields of a request (rules.c): a text of at most max characters (NFC,
 * in the arena; NULL when absent or empty), a date YYYY-MM-DD, a positive
 * id (0 when absent); a problem goes to x->e. */
const char *mc__dir_text(struct mc_directive_ctx *x, json_t *in, const char *name, long max, int required);
const char *mc__dir_date(struct mc_directive_ctx *x, json_t *in, const char *name, int required);
int64_t mc__dir_id(struct mc_directive_ctx *x, json_t *in, const char *name, int required);

/* What the rules need of a stored task. */
struct mc__dir_task {
	int64_t id, directive, agency, body, leader, version, pending; /* pending: the extension asked, 0 none */
	char status[16], deadline[11], pending_deadline[11];
};

/* store.c */
/* The SQL condition "the caller sees task k of directive d", binding
 * (body, office_of, body) ("iii"). */
#define MC__DIR_VISIBLE_OF(k)                                                                                          \
	"(d.body_id IN (SELECT descendant_id FROM agency_tree WHERE ancestor_id = ?) OR d.body_id = ?"                 \
	" OR " k ".agency_id IN (SELECT descendant_id FROM agency_tree WHERE ancestor_id = ?))"
#define MC__DIR_VISIBLE MC__DIR_VISIBLE_OF("k")
int mc__dir_task_load(struct mc_conn *c, int64_t id, struct mc__dir_task *t);
/* 1 when the caller w sees task id. */
int mc__dir_task_visible(struct mc_conn *c, const struct mc__dir_caller *w, int64_t id);
/* The tasks (one: task > 0; those of directive otherwise) the caller sees,
 * shown with their state on today and their pending extension. */
int mc__dir_tasks_json(struct mc_conn *c, const struct mc__dir_caller *w, int64_t directive, int64_t task,
		       json_t **out);
/* A directive's own fields (leader, body, source, content). */
int mc__dir_directive_json(struct mc_conn *c, int64_t id, json_t **out);
/* An event of the trail (detail may be NULL; kept by the caller) and the
 * caller's audit entry, in the caller's transaction. */
int mc__dir_record(struct mc_directive_ctx *x, int64_t directive, int64_t task, const char *action, json_t *detail,
		   int64_t now);
/* An outbox row about directive for user (when still active): payload
 * (kept by the caller) with its "event". */
int mc__dir_notify(struct mc_conn *c, int64_t directive, int64_t user, json_t *payload, int64_t now);
/* A directive's trail: the events of the directive and of the tasks w sees. */
int mc__dir_events(struct mc_conn *c, const struct mc__dir_caller *w, int64_t directive, json_t **out);

/* store.c: a task row of MC__DIR_TASK_COLS (its first '?': today) as shown. */
json_t *mc__dir_task_row(struct mc_stmt *s, void *ud);
#define MC__DIR_TASK_COLS                                                                                              \
	"k.id, k.directive_id, k.agency_id, a.name, a.name_en, k.content, k.deadline, k.original_deadline,"            \
	" CASE WHEN k.done_at IS NULL AND k.deadline < ? THEN 'overdue' ELSE k.status END, k.percent,"                 \
	" k.reported_at, k.done_at, k.done_on, k.result_document_id, k.result_text, k.version, d.content,"             \
	" d.leader_id, l.full_name, d.source_kind, d.given_on, d.body_id, x.id, x.new_deadline, x.reason, x.asked_at," \
	" d.document_id"
#define MC__DIR_TASK_FROM                                                                                              \
	" FROM directive_tasks k JOIN directives d ON d.id = k.directive_id JOIN agencies a ON a.id = k.agency_id"     \
	" JOIN users l ON l.id = d.leader_id"                                                                          \
	" LEFT JOIN directive_extensions x ON x.task_id = k.id AND x.status = 'pending'"

#endif
