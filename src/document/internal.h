/* internal.h - shared by the document domain's files (not a public API). */
#ifndef MC_DOCUMENT_INTERNAL_H
#define MC_DOCUMENT_INTERNAL_H

#include "document.h"
#include "model.h"

/* store.c: the SQL of the documents tables */

/* The next number of a register's series (agency, year, series), given in
 * the caller's write transaction. */
int mc__document_next_number(struct mc_conn *c, int64_t agency, int year, const char *series, int64_t *number);
int mc__document_insert(struct mc_conn *c, const struct mc_document_new *n, int64_t now, int64_t *id);
int mc__document_add_reader(struct mc_conn *c, int64_t id, int64_t user);
/* An event of the trail; "view" is kept once per official. */
int mc__document_event(struct mc_conn *c, int64_t id, int64_t actor, const char *action, json_t *detail);

/* What the rules need of a stored document. */
struct mc__document {
	int64_t id, agency, registered_by, version;
	char secrecy[16], urgency[16], direction[4], status[16];
};
/* The document's representation (*out) and what the rules need (d). */
int mc__document_load(struct mc_conn *c, int64_t id, struct mc__document *d, json_t **out);
/* read.c: 1 when the caller may read d (its register's agency in reach
 * and, for a confidential one, registered by or shown to the caller). */
int mc__document_may_read(struct mc_document_ctx *x, const struct mc__document *d);
/* flow.c: what the caller may do now on d, the names of POST
 * /api/v1/documents/{id}/actions/{action} (*out a new array). */
int mc__document_actions(struct mc_document_ctx *x, const struct mc__document *d, json_t **out);
/* flow.c: the document as the caller is shown it, what they may do now
 * included (d filled as by mc__document_load). */
int mc__document_shown(struct mc_document_ctx *x, int64_t id, struct mc__document *d, json_t **out);
/* A page of body's register as the caller (a user id) may see it, like:
 * the LIKE pattern of the words asked for, or NULL. */
int mc__document_page(struct mc_conn *c, const struct mc_document_filter *f, int64_t body, int64_t caller,
		      const char *like, json_t **items, int64_t *next);
/* 1 when user is named among a confidential document's readers. */
int mc__document_is_reader(struct mc_conn *c, int64_t id, int64_t user);

/* ---- tasks (store.c): one per person a document is addressed to ---- */

struct mc__task_new {
	int64_t document, user, from, parent; /* parent 0: none */
	const char *kind, *due_date, *note;   /* due_date, note: NULL for none */
	int urgency_rank;
};
int mc__task_insert(struct mc_conn *c, const struct mc__task_new *t, int64_t now, int64_t *id);
/* The caller's oldest pending task of one of kinds (a NULL-terminated list)
 * on a document: its id and kind, MC_E_NOT_FOUND when none. */
int mc__task_pending(struct mc_conn *c, int64_t document, int64_t user, const char *const *kinds, int64_t *id,
		     char *kind, size_t kn, int64_t *parent);
/* The kinds of the user's pending tasks on a document, as bits in the
 * order direct, lead, handle, coordinate, inform; MC__TASK_LEAD_HANDLED
 * when a pending lead has handed its handling on to a pending one. */
#define MC__TASK_LEAD_HANDLED (1u << 8)
int mc__task_kinds(struct mc_conn *c, int64_t document, int64_t user, unsigned *mask);
int mc__task_done(struct mc_conn *c, int64_t id, const char *result, int64_t now);
/* The user's first opening of their tasks on a document (those not opened
 * yet get now); the number marked. */
int mc__tasks_opened(struct mc_conn *c, int64_t document, int64_t user, int64_t now, int64_t *marked);
/* A new version and status (NULL: unchanged) of a document read at
 * version (MC_E_PRECONDITION when it moved since). */
int mc__document_touch(struct mc_conn *c, int64_t id, int64_t version, const char *status, int64_t now);

enum mc__inbox { MC_INBOX_PENDING, MC_INBOX_UNOPENED, MC_INBOX_OVERDUE, MC_INBOX_DUE_SOON, MC_INBOX_DONE };
/* A page of the user's tasks from offset, on documents they may still read
 * from agency (a task outlives a move to another agency, its summary does
 * not): the most urgent first, then the newest; today and soon ("YYYY-MM-DD") bound the overdue and due-soon
 * lists; *next the offset of the next page, 0 when none. */
int mc__task_page(struct mc_conn *c, int64_t user, int64_t agency, enum mc__inbox which, const char *today,
		  const char *soon, int64_t offset, int limit, json_t **items, int64_t *next);

/* The body an official of agency works for: the agency itself, or the
 * body its internal units belong to. */
int mc__document_body_of(struct mc_conn *c, int64_t agency, int64_t *body);
/* The active officials who read documents and act for body (its own and
 * its internal units'), leaders first: [{id, full_name, position,
 * position_en, agency: {id, name, name_en}, leader}]; leaders_only keeps
 * the leaders.  At most MC__OFFICIALS_MAX. */
#define MC__OFFICIALS_MAX 500
int mc__document_officials(struct mc_conn *c, int64_t body, int leaders_only, json_t **out);
/* 1 when officials of agency member may read body's registers: body is in
 * member's subtree, or member acts for body (one of its internal units). */
int mc__document_may_read_register(struct mc_conn *c, int64_t member, int64_t body);

#endif
