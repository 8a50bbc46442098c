/*
 * dashboard_api.c - the leader's dashboard over HTTP: today's received and
 * resolved dossiers, the on-time rate, the dossiers past their deadline now
 * and the agencies holding the most of them, the directed tasks past their
 * deadline and the committee members' polls waiting for answers, over the
 * caller's agency subtree (or a part of it).  The page asks again every half minute, so the
 * answer comes from the running statistics and one grouped count.
 */
#include "api.h"

#include "../core/timeutil.h"
#include "../directive/directive.h"
#include "../document/document.h"
#include "../dossier/dossier.h"
#include "../poll/poll.h"
#include "../org/org.h"

#include <stdio.h>
#include <string.h>

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
	int64_t now = mc_time_now_ms(), directives = 0, polls = 0;
	if ((rc = mc_dossier_dashboard(c, root, now, DASHBOARD_TOP, &out)))
		return mc_api_db_fail(r, rc);
	/* the leadership tools' figures at the same instant */
	rc = mc_directive_count_overdue(c, root, now, &directives);
	if (!rc)
		rc = mc_poll_count_open(c, root, now, &polls);
	if (rc) {
		json_decref(out);
		return mc_api_db_fail(r, rc);
	}
	json_object_set_new(out, "overdue_directives", json_integer(directives));
	json_object_set_new(out, "polls_waiting", json_integer(polls));
	return mc_res_json(r, 200, out);
}

/* The official documents' figures: from the first of the month to today
 * unless said. */
static int documents(struct mc_req *r)
{
	int64_t agency;
	if (mc_api_query_int(r, "agency_id", 1, INT64_MAX, 0, &agency))
		return r->err.code;
	int64_t now = mc_time_now_ms();
	int y, m, d;
	mc_vn_date(now, &y, &m, &d);
	char first[11], today[11], from[11], to[11];
	snprintf(first, sizeof(first), "%04d-%02d-01", y, m);
	snprintf(today, sizeof(today), "%04d-%02d-%02d", y, m, d);
	/* both days checked: a problem with each is said */
	mc_api_day_query(r, "from", first, from);
	mc_api_day_query(r, "to", today, to);
	if (!r->err.nfields && strcmp(from, to) > 0)
		mc_bad_field(&r->err, "to", MC_M_DOC_DATE_RANGE);
	if (r->err.nfields)
		return mc_fail(r, MC_E_VALIDATION, NULL);
	struct mc_conn *c;
	int64_t root;
	int rc = mc_api_agency_root(r, agency, &c, &root);
	if (rc)
		return rc;
	json_t *out = NULL;
	if ((rc = mc_document_figures(c, root, from, to, now, DASHBOARD_TOP, &out)))
		return mc_api_db_fail(r, rc);
	return mc_res_json(r, 200, out);
}

const struct mc_route mc_api_dashboard_routes[] = {
	{"GET", "/api/v1/dashboard", dashboard, MC_AUTH_REQUIRED, "stats.read", MC_RF_REPLICA},
	{"GET", "/api/v1/dashboard/documents", documents, MC_AUTH_REQUIRED, "document.read", MC_RF_REPLICA},
	{0},
};
