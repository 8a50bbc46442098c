/*
 * directive.h - directive tracking (theo dõi chỉ đạo điều hành).
 *
 * A leader's directive (from a conclusion notice, a meeting or a document
 * with SteeringType 2) is recorded by the leader or by whoever keeps the
 * directives of the leader's body (directive.manage: its clerical officers
 * and leaders, and those of its office, the agency abbreviated VP directly
 * under it).  It becomes tasks, each for one agency of the body's subtree
 * with a deadline.  The task's agency (its officials, mc_agency_acts_for)
 * reports progress, finishes it with a result (a document of its register
 * or a report) and may ask for an extension, which the leader or a
 * manager approves (the deadline in force changes, the original is kept)
 * or refuses.
 *
 * States: not_started, in_progress, done_on_time, done_late (stored) and
 * overdue (derived: not done, deadline before Vietnam's today).  Every
 * transition checks the task's version and writes an event and an audit
 * entry in its transaction.
 *
 * Who sees a directive: the officials of its body's subtree's ancestors
 * (the body included), its managers, and the officials of an agency above
 * or acting for one of its tasks' agencies.  Anyone else gets 404.
 */
#ifndef MC_DIRECTIVE_H
#define MC_DIRECTIVE_H

#include "../auth/auth.h"
#include "../core/arena.h"
#include "../core/err.h"
#include "../db/db.h"

#include <jansson.h>
#include <stdint.h>

struct mc_directive_ctx {
	struct mc_conn *c;
	struct mc_arena *arena;         /* the request's: error texts live here */
	const struct mc_principal *who; /* an official */
	const char *addr;               /* client address, for the audit log */
	struct mc_error *e;             /* field errors and public detail */
	/* The documents domain's view of document id as the caller may read
	 * it (*doc new: agency.id, direction, type.code, number_text, summary),
	 * MC_E_NOT_FOUND when they may not: the API joins the two domains. */
	int (*document)(void *arg, int64_t id, json_t **doc);
	void *document_arg;
};

/* Record a directive from in: source_kind (notice, meeting, document),
 * document_id, leader_id, content, given_on (YYYY-MM-DD, default today;
 * not after today: an older directive may be recorded, with deadlines
 * from its day), tasks [{agency_id, deadline, content}] (1 to 50).  *out
 * is the directive with its tasks. */
int mc_directive_create(struct mc_directive_ctx *x, json_t *in, json_t **out);

/* What the caller may record (the form's choices): leaders [{id,
 * full_name, position, position_en, body_id}] of the bodies whose
 * directives they keep (a leader who keeps none: themself), and the
 * agencies of those bodies' subtrees [{id, code, name, name_en, body_id}]. */
int mc_directive_choices(struct mc_directive_ctx *x, json_t **out);

/* A directive the caller may see, with its tasks, each with its state,
 * its extensions and what the caller may do on it (MC_E_NOT_FOUND
 * otherwise). */
int mc_directive_get(struct mc_directive_ctx *x, int64_t id, json_t **out);

/* Act on a task (POST /api/v1/directive-tasks/{id}/actions/{action}):
 * report (text, percent), finish (result_document_id or result_text),
 * extend (new_deadline, reason), approve (note), refuse (note).  version
 * is the task's If-Match value; a stale one gives MC_E_PRECONDITION.
 * *out is the task after. */
int mc_directive_task_act(struct mc_directive_ctx *x, int64_t task, const char *action, int64_t version, json_t *in,
			  json_t **out);
/* A task the caller may see (as in its directive). */
int mc_directive_task_get(struct mc_directive_ctx *x, int64_t task, json_t **out);

struct mc_directive_filter {
	int64_t leader_id; /* 0: any */
	int64_t agency_id; /* tasks of this agency's subtree; 0: any the caller sees */
	const char *state; /* not_started, in_progress, done_on_time, done_late, overdue, open, done; NULL any */
	int64_t before_id; /* paging: ids below this one; 0: from the newest */
	int limit;
};
/* A page of the tasks the caller may see, newest first, each with its
 * directive (content, leader, source); *next the id to ask before for the
 * next page, 0 when none. */
int mc_directive_tasks(struct mc_directive_ctx *x, const struct mc_directive_filter *f, json_t **items, int64_t *next);
/* A page of the directives the caller may see, newest first, with their
 * tasks counted by state (filters as above: a directive is listed when
 * one of its tasks matches). */
int mc_directive_list(struct mc_directive_ctx *x, const struct mc_directive_filter *f, json_t **items, int64_t *next);

/* The share of tasks done on time per agency of root's subtree, over
 * the tasks whose deadline in force falls within [from, to]: on_time /
 * (done + overdue), by one grouped query (*out {from, to, items:
 * [{agency, on_time, late, overdue, open, share}], total}). */
int mc_directive_on_time(struct mc_conn *c, int64_t root, const char *from, const char *to, int64_t now, json_t **out);

/* The directive tasks overdue at now (not done, deadline before Vietnam's
 * day of now) of the agencies in root's subtree: the dashboard's figure. */
int mc_directive_count_overdue(struct mc_conn *c, int64_t root, int64_t now, int64_t *n);

/* Queue the reminders owed (housekeeping): a task due within three days
 * (due_soon) and one past its deadline (overdue), each once, to the
 * leaders of the task's agency (active officials with the role leader who
 * act for it), through the outbox.  *queued the tasks reminded. */
int mc_directive_remind(struct mc_conn *c, int64_t now, int64_t *queued);

#endif
