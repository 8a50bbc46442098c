/*
 * snapshot_api.c - the dashboard's hourly snapshots over HTTP: a metric's
 * series over the caller's agency subtree (or a part of it: agency_id), by
 * the hour or by the day, for the day or the week up to now or between two
 * instants; and the leaders' daily reports (the list, a PDF).
 */
#include "api.h"

#include "../core/timeutil.h"
#include "../snapshot/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* The longest period a series covers. */
#define SERIES_MAX_MS (31 * MC_DAY_MS)

/* An instant of the query (dflt when absent); a field error when bad. */
static int64_t instant(struct mc_req *r, const char *name, int64_t dflt)
{
	const char *v = mc_req_query(r, name);
	int64_t t = dflt;
	if (v && mc_time_parse(v, &t))
		mc_bad_field(&r->err, name, MC_M_TIME_FORMAT);
	return t;
}

/* view: day (the 24 hours to now) or week (the 7 days to now), by the hour
 * or (step=day) by the day; from and to instead, when given. */
static void period(struct mc_req *r, int64_t *from, int64_t *to, int *daily)
{
	const char *view = mc_req_query(r, "view"), *step = mc_req_query(r, "step");
	int week = view && strcmp(view, "week") == 0;
	if (view && !week && strcmp(view, "day") != 0)
		mc_bad_field(&r->err, "view", MC_M_SNAPSHOT_VIEW_ENUM);
	*daily = step && strcmp(step, "day") == 0;
	if (step && !*daily && strcmp(step, "hour") != 0)
		mc_bad_field(&r->err, "step", MC_M_SNAPSHOT_STEP_ENUM);
	int64_t end = mc_snapshot_hour(mc_time_now_ms());
	*to = instant(r, "to", end);
	*from = instant(r, "from", *to - (week ? 7 * MC_DAY_MS : MC_DAY_MS) + MC_HOUR_MS);
	if (!r->err.nfields && (*from > *to || *to - *from > SERIES_MAX_MS))
		mc_bad_field(&r->err, "to", MC_M_SNAPSHOT_RANGE);
}

static int series(struct mc_req *r)
{
	int64_t agency, from, to;
	int daily;
	const char *name = mc_req_query(r, "metric");
	const struct mc_snapshot_metric *m = mc_snapshot_metric(name);
	if (!m)
		mc_bad_field(&r->err, "metric", MC_M_SNAPSHOT_METRIC_ENUM);
	mc_api_query_int(r, "agency_id", 1, INT64_MAX, 0, &agency);
	period(r, &from, &to, &daily);
	if (r->err.nfields)
		return mc_fail(r, MC_E_VALIDATION, NULL);
	struct mc_conn *c;
	int64_t root;
	int rc = mc_api_agency_root(r, agency, &c, &root);
	if (rc)
		return rc;
	json_t *out = NULL;
	if ((rc = mc_snapshot_series(c, root, m, from, to, daily, &out)))
		return mc_api_db_fail(r, rc);
	return mc_res_json(r, 200, out);
}

static int report_list(struct mc_req *r)
{
	int64_t agency;
	if (mc_api_query_int(r, "agency_id", 1, INT64_MAX, 0, &agency))
		return r->err.code;
	struct mc_conn *c;
	int64_t root;
	int rc = mc_api_agency_root(r, agency, &c, &root);
	if (rc)
		return rc;
	json_t *items = NULL;
	if ((rc = mc_snapshot_report_list(c, root, &items)))
		return mc_api_db_fail(r, rc);
	return mc_res_json(r, 200, json_pack("{s:o}", "items", items));
}

/* A report of the caller's subtree; another answers 404. */
static int report_pdf(struct mc_req *r)
{
	int64_t id, root;
	struct mc_conn *c;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	if ((rc = mc_api_agency_root(r, 0, &c, &root)))
		return rc;
	char day[11];
	void *pdf = NULL;
	size_t n = 0;
	rc = mc_snapshot_report_pdf(c, root, id, day, &pdf, &n);
	if (rc == MC_E_NOT_FOUND)
		return mc_fail(r, rc, NULL);
	if (rc)
		return mc_api_db_fail(r, rc);
	struct mc_buf buf = {pdf, n, n, n};
	return mc_api_send_doc(r, &buf, 1, mc_sprintf(r->arena, "bao-cao-%s.pdf", day));
}

const struct mc_route mc_api_snapshot_routes[] = {
	{"GET", "/api/v1/dashboard/series", series, MC_AUTH_REQUIRED, "stats.read", MC_RF_REPLICA},
	{"GET", "/api/v1/dashboard/reports", report_list, MC_AUTH_REQUIRED, "stats.read", MC_RF_REPLICA},
	{"GET", "/api/v1/dashboard/reports/{id}", report_pdf, MC_AUTH_REQUIRED, "stats.read", MC_RF_REPLICA},
	{0},
};
