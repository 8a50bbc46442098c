/* internal.h - shared by the exchange domain's files (not a public API). */
#ifndef MC_EXCHANGE_INTERNAL_H
#define MC_EXCHANGE_INTERNAL_H

#include "edxml.h"
#include "exchange.h"

/* "YYYY/MM/DD hh:mm:ss", Vietnam time, as edXML writes time stamps. */
void mc__edxml_time(int64_t ms, char out[20]);

/* The body (not an internal unit) that the caller works for, and 1 when
 * the caller is one of its clerical officers (document.register). */
int mc__exchange_clerk(struct mc_exchange_ctx *x, int64_t *body);

/* What a package row says. */
struct mc__package {
	int64_t id, agency, peer, document;
	char direction[4], state[16], status_code[4];
	char package_id[80], code[128], promulgated[16];
	char organ[64], agency_organ[64], agency_name[256], peer_url[512];
};
int mc__package_load(struct mc_conn *c, int64_t id, struct mc__package *p);
/* The package as signed (*xml in the caller's arena). */
int mc__package_xml(struct mc_exchange_ctx *x, int64_t id, const char **xml);

/* Sign and keep a status message about package p from our agency (code,
 * description, staff may be NULL), and queue it to the peer; in the
 * caller's transaction. */
int mc__status_send(struct mc_exchange_ctx *x, const struct mc__package *p, const char *code, const char *description,
		    const char *staff);

/* Queue the package (event edxml_package) or its status message
 * status_id (edxml_status) for its peer: an outbox row about package. */
int mc__outbox_queue(struct mc_conn *c, int64_t package, const char *event, int64_t status_id, int64_t now);

/* An audit entry of the caller's (NULL caller: the peer's) on a package. */
int mc__exchange_audit(struct mc_exchange_ctx *x, const char *action, int64_t package, json_t *detail);

/* What one try's outcome means for a message or a hand-over on its
 * attempts-th try: *ok delivered (HTTP 2xx); *give_up when it failed for
 * good (a 4xx but 408 and 429, or the max_tries-th failure); else tried
 * again after *pause ms (2 s, 4 s, 8 s ... an hour at most). */
void mc__exchange_try_outcome(long http_status, int64_t attempts, int64_t max_tries, int *ok, int *give_up,
			      int64_t *pause);

#endif
