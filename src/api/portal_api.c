/*
 * portal_api.c - the operators' report of the synchronisation with the
 * national public-service portal (src/portal): the queue by state with the
 * dossier's code and the reason a row failed, the counts, and a failed row
 * sent again.  Permission notify.admin (the operators who watch the
 * notifications watch this outbound queue too).
 */
#include "api.h"
#include "queue.h"

#include "../core/timeutil.h"
#include "../portal/portal.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static int portal_page(struct mc_req *r, struct mc_conn *c, const struct mc_api_queue_page *p, json_t **out)
{
	(void)r;
	return mc_portal_list(c, p->state, p->before, p->limit, out);
}

static int portal_retry(struct mc_req *r, struct mc_conn *c, int64_t id)
{
	(void)r;
	return mc_portal_retry(c, id, mc_time_now_ms());
}

static const char *const STATES[] = {"pending", "sending", "accepted", "failed", NULL};

static const struct mc_api_queue SYNC = {
	.states = STATES,
	.state_enum = MC_M_PORTAL_STATE_ENUM,
	.dflt_state = "failed",
	.list = portal_page,
	.retry = portal_retry,
	.audit_action = "portal.retry",
	.audit_type = "portal_sync",
	.not_retryable = MC_M_PORTAL_NOT_FAILED,
};

static int list(struct mc_req *r)
{
	return mc_api_queue_list(r, &SYNC);
}

static int summary(struct mc_req *r)
{
	struct mc_conn *c;
	json_t *out = NULL;
	int rc = mc_req_db(r, &c);
	if (rc || (rc = mc_portal_summary(c, mc_time_now_ms(), &out)))
		return mc_api_db_fail(r, rc);
	mc_res_header(r, "Cache-Control", "no-store");
	return mc_res_json(r, 200, out);
}

static int retry(struct mc_req *r)
{
	return mc_api_queue_retry(r, &SYNC);
}

const struct mc_route mc_api_portal_routes[] = {
	{"GET", "/api/v1/portal/sync", list, MC_AUTH_REQUIRED, "notify.admin", 0},
	{"GET", "/api/v1/portal/summary", summary, MC_AUTH_REQUIRED, "notify.admin", 0},
	{"POST", "/api/v1/portal/sync/{id}/retry", retry, MC_AUTH_REQUIRED, "notify.admin", 0},
	{0},
};
