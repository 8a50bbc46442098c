/*
 * queue.h - the operators' outbound queues, read and retried one way: the
 * notifications' deliveries (notify_api.c), the synchronisation with the
 * national portal (portal_api.c) and the dossiers handed to external
 * agencies' systems (handoff_api.c).
 *
 * Each queue is a table of rows, each in one state of a short list; an
 * operator lists them by state, newest first, a page at a time (query
 * parameters state, before, limit), and puts a row that was given up back
 * in the queue, due now (POST .../{id}/retry: 204, 404 when there is no
 * such row for the caller, 409 naming "state" when the row is not one a
 * retry takes), audited in the transaction that moved it.  A queue is
 * described once, as data; its API file's handlers call these two.
 *
 * What stays each queue's own: its states and messages, the domain's
 * reading of a page (the rows' shape and the page's end: "more" for the
 * deliveries and the portal, "next_before" for the hand-overs, as their
 * routes have answered since they were made) and of a retry (what else
 * moves with the row; whose rows the caller may touch).
 */
#ifndef MC_API_QUEUE_H
#define MC_API_QUEUE_H

#include "api.h"

/* The page asked for: a state of the queue's (NULL: every state), the rows
 * before the id before (0: from the newest), at most limit (1..200). */
struct mc_api_queue_page {
	const char *state;
	int64_t before;
	int limit;
};

struct mc_api_queue {
	const char *const *states; /* the states a row may be in, NULL-terminated */
	enum mc_msg state_enum;    /* the field error of another state asked for */
	const char *dflt_state;    /* listed when the query names none (NULL: every state) */
	/* A page of the rows the caller may see, as the route answers it
	 * ({"items": [...], ...}, new); a database error. */
	int (*list)(struct mc_req *r, struct mc_conn *c, const struct mc_api_queue_page *p, json_t **out);
	/* Row id back in the queue, due now, in the caller's transaction:
	 * MC_E_NOT_FOUND when the caller has no such row, MC_E_CONFLICT when
	 * it is not in the state a retry takes, or a database error. */
	int (*retry)(struct mc_req *r, struct mc_conn *c, int64_t id);
	const char *audit_action;  /* the retry's audit entry: action on ... */
	const char *audit_type;    /* ... the object type, the row's id */
	enum mc_msg not_retryable; /* the field error "state" of the 409 */
};

/* GET: the page the query asks for (state checked against q->states, all
 * field errors at once: 422), answered 200 with q->list's page. */
int mc_api_queue_list(struct mc_req *r, const struct mc_api_queue *q);
/* POST .../{id}/retry: in one write transaction q->retry and the audit
 * entry; 204, 404, 409 or the database error. */
int mc_api_queue_retry(struct mc_req *r, const struct mc_api_queue *q);

#endif
