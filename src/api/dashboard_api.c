/*
 * dashboard_api.c - the leader's dashboard over HTTP: today's received and
 * resolved dossiers, the on-time rate, the dossiers past their deadline now
 * and the agencies holding the most of them, over the caller's agency
 * subtree (or a part of it).  The page asks again every half minute, so the
 * answer comes from the running statistics and one grouped count.
 */
#include "api.h"

#include "../core/timeutil.h"
#include "../dossier/dossier.h"
#include "../org/org.h"

#include "../core/banned.h"

/* Agencies listed in top_overdue. */
#define DASHBOARD_TOP 5

static int dashboard(struct mc_req *r)
{
	int64_t agency;
	if (mc_api_query_int(r, "agency_id", 1, INT64_MAX, 0, &agency))
		return r->err.code;
	struct mc_conn *c;
	int64_t root;
	int rc = mc_api_agency_root(r, agency, &c, &root);
	if (rc)
		return rc;
	json_t *out = NULL;
	if ((rc = mc_dossier_dashboard(c, root, mc_time_now_ms(), DASHBOARD_TOP, &out)))
		return mc_api_db_fail(r, rc);
	return mc_res_json(r, 200, out);
}

const struct mc_route mc_api_dashboard_routes[] = {
	{"GET", "/api/v1/dashboard", dashboard, MC_AUTH_REQUIRED, "stats.read", 0},
	{0},
};
