/*
 * portal_api.c - the operators' report of the synchronisation with the
 * national public-service portal (src/portal): the queue by state with the
 * dossier's code and the reason a row failed, the counts, and a failed row
 * sent again.  Permission notify.admin (the operators who watch the
 * notifications watch this outbound queue too).
 */
#include "api.h"

#include "../core/timeutil.h"
#include "../portal/portal.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static int list(struct mc_req *r)
{
	static const char *const states[] = {"pending", "sending", "accepted", "failed"};
	const char *state = mc_req_query(r, "state");
	int known = 0;
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		known |= state && strcmp(state, states[i]) == 0;
	if (state && !known)
		mc_bad_field(&r->err, "state", MC_M_PORTAL_STATE_ENUM);
	int64_t before, limit;
	if (mc_api_query_int(r, "before", 1, INT64_MAX, 0, &before) ||
	    mc_api_query_int(r, "limit", 1, 200, 50, &limit) || r->err.nfields)
		return r->err.nfields ? mc_fail(r, MC_E_VALIDATION, NULL) : r->err.code;
	struct mc_conn *c;
	json_t *out = NULL;
	int rc = mc_req_db(r, &c);
	if (rc || (rc = mc_portal_list(c, state ? state : "failed", before, (int)limit, &out)))
		return mc_api_db_fail(r, rc);
	mc_res_header(r, "Cache-Control", "no-store");
	return mc_res_json(r, 200, out);
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
	int64_t id;
	struct mc_conn *c;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	if ((rc = mc_req_db(r, &c)))
		return mc_api_db_fail(r, rc);
	rc = mc_portal_retry(c, id, r->who->user_id, r->addr, mc_time_now_ms());
	if (rc == MC_E_NOT_FOUND)
		return mc_fail(r, rc, NULL);
	if (rc == MC_E_CONFLICT) {
		mc_bad_field(&r->err, "state", MC_M_PORTAL_NOT_FAILED);
		return mc_fail(r, rc, NULL);
	}
	return rc ? mc_api_db_fail(r, rc) : mc_res_empty(r, 204);
}

const struct mc_route mc_api_portal_routes[] = {
	{"GET", "/api/v1/portal/sync", list, MC_AUTH_REQUIRED, "notify.admin", 0},
	{"GET", "/api/v1/portal/summary", summary, MC_AUTH_REQUIRED, "notify.admin", 0},
	{"POST", "/api/v1/portal/sync/{id}/retry", retry, MC_AUTH_REQUIRED, "notify.admin", 0},
	{0},
};
