/* internal.h - shared by the poll domain's files (not a public API). */
#ifndef MC_POLL_INTERNAL_H
#define MC_POLL_INTERNAL_H

#include "poll.h"

/* What the rules need of a stored poll. */
struct mc__poll {
	int64_t id, committee, office, deadline, version, concluded_at;
	char status[8], silence[8];
};
/* MC_E_NOT_FOUND when there is none. */
int mc__poll_load(struct mc_conn *c, int64_t id, struct mc__poll *p);
/* How the caller stands to p: bits of MC__SEE_* (0: they may not see it). */
#define MC__SEE_OFFICE 1u /* manages polls for the office that opened it */
#define MC__SEE_MEMBER 2u /* asked */
#define MC__SEE_CHAIR  4u /* the committee's chairman */
int mc__poll_standing(struct mc_poll_ctx *x, const struct mc__poll *p, unsigned *bits);
/* The poll as shown (its representation, the caller's standing in "my"). */
int mc__poll_json(struct mc_poll_ctx *x, const struct mc__poll *p, unsigned bits, json_t **out);
/* An event of the trail and (actor not 0, or always for the system) its
 * audit entry, in the caller's transaction; detail taken (may be NULL). */
int mc__poll_record(struct mc_conn *c, int64_t poll, int64_t actor, const char *addr, const char *action,
		    json_t *detail, int64_t now);
/* Close p (open, its deadline past) in one transaction: the result and
 * its PDF stored; 0 also when someone else closed it meanwhile. */
int mc__poll_close(struct mc_conn *c, int64_t id, int64_t now);
/* An outbox row to user about poll: event, payload (taken). */
int mc__poll_notice(struct mc_conn *c, int64_t poll, int64_t user, const char *event, const char *kind, json_t *payload,
		    int64_t now);

#endif
