/*
 * calendar_api.c - the working-time calendar over HTTP: the days off of a
 * year (public), one-off exceptions, and each year's official schedule
 * (the Government's decision), which replaces the Labor Code rules for its
 * year.  Changes need calendar.manage and are audited.
 */
#include "api.h"

#include "../core/calendar.h"
#include "../core/lunar.h"
#include "../core/timeutil.h"
#include "../dossier/holidays.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static int holidays(struct mc_req *r)
{
	int64_t year;
	if (mc_api_query_int(r, "year", 1901, 2099, 0, &year))
		return r->err.code;
	if (!year) {
		int y, m, d;
		mc_vn_date(mc_time_now_ms(), &y, &m, &d);
		year = y;
	}
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	struct mc_calendar cal;
	if ((rc = mc_holidays_calendar(c, &cal)))
		return mc_api_db_fail(r, rc);
	struct mc_cal_holiday h[64];
	size_t n = 0;
	rc = mc_cal_holidays(&cal, (int)year, h, 64, &n);
	json_t *arr = json_array();
	for (size_t i = 0; !rc && i < n; i++)
		json_array_append_new(arr, json_pack("{s:o, s:s}", "date",
						     json_sprintf("%04d-%02d-%02d", h[i].y, h[i].m, h[i].d), "name",
						     h[i].name ? h[i].name : ""));
	mc_cal_release(&cal);
	if (rc) {
		json_decref(arr);
		return mc_fail(r, rc, NULL);
	}
	return mc_res_json(r, 200, json_pack("{s:I, s:o}", "year", (json_int_t)year, "days_off", arr));
}

static int add_exception(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	const char *day = mc_api_str(r, b, "day", 10, 1);
	const char *name = mc_api_str(r, b, "name", 120, 1);
	int working = mc_api_bool(r, b, "working", 0);
	if (day && !mc_date_check(day))
		mc_bad_field(&r->err, "day", MC_M_DATE_FORMAT);
	struct mc_conn *c;
	int rc = mc_api_check_db(r, &c);
	if (rc)
		return rc;
	if ((rc = mc_tx_begin(c, 1)))
		return mc_api_db_fail(r, rc);
	int64_t n = mc_exec(
		c,
		"INSERT INTO calendar_exceptions (day, working, name, created_at, created_by) VALUES (?, ?, ?, ?, ?)"
		" ON CONFLICT (day) DO UPDATE SET working = excluded.working, name = excluded.name",
		"tdtii", day, working, name, mc_time_now_ms(), r->who->user_id);
	rc = n < 0 ? (int)n : 0;
	if (!rc)
		rc = mc_api_audit(r, c, "calendar.exception", "calendar", 0,
				  json_pack("{s:s, s:i}", "day", day, "working", working));
	if (!rc)
		rc = mc_tx_commit(c);
	if (rc)
		return mc_api_db_fail(r, rc);
	return mc_res_json(r, 201, json_pack("{s:s, s:b, s:s}", "day", day, "working", working, "name", name));
}

/* The {year} of the path: 1900..2100, else 404 (no such resource). */
static int year_param(struct mc_req *r, int *year)
{
	const char *p = mc_req_param(r, "year");
	int n = 0, y = 0;
	if (!p || strlen(p) != 4 || sscanf(p, "%4d%n", &y, &n) != 1 || n != 4 || y < MC_LUNAR_MIN_YEAR ||
	    y > MC_LUNAR_MAX_YEAR)
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	*year = y;
	return 0;
}

/* Answer with the year in effect (after a change: read after the commit). */
static int year_answer(struct mc_req *r, struct mc_conn *c, int year)
{
	json_t *out;
	int rc = mc_holidays_year(c, year, &out);
	if (rc)
		return mc_api_db_fail(r, rc);
	return mc_res_json(r, 200, out);
}

static int year_get(struct mc_req *r)
{
	int year = 0, rc;
	struct mc_conn *c;
	if ((rc = year_param(r, &year)) || (rc = mc_req_db(r, &c)))
		return rc;
	return year_answer(r, c, year);
}

/* Record (in != NULL) or drop the schedule of the path's year, audited, in
 * one transaction; then the year in effect. */
static int year_change(struct mc_req *r, json_t *in)
{
	int year = 0, rc;
	if ((rc = year_param(r, &year)))
		return rc;
	if (in && mc_holidays_check(in, year, r->arena, &r->err))
		return r->err.code;
	struct mc_conn *c;
	if ((rc = mc_req_db(r, &c)))
		return rc;
	if ((rc = mc_tx_begin(c, 1)))
		return mc_api_db_fail(r, rc);
	rc = in ? mc_holidays_put(c, year, in, r->who->user_id, mc_time_now_ms()) : mc_holidays_delete(c, year);
	if (!rc)
		rc = mc_api_audit(r, c, in ? "calendar.year_set" : "calendar.year_clear", "calendar", year,
				  json_pack("{s:i, s:I, s:I}", "year", year, "days_off",
					    (json_int_t)json_array_size(json_object_get(in, "days_off")),
					    "working_days",
					    (json_int_t)json_array_size(json_object_get(in, "working_days"))));
	if (!rc)
		rc = mc_tx_commit(c);
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	if (rc == MC_E_NOT_FOUND)
		return mc_fail(r, rc, "%d has no official schedule", year);
	if (rc)
		return mc_api_db_fail(r, rc);
	return year_answer(r, c, year);
}

static int year_put(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	return b ? year_change(r, b) : r->err.code;
}

static int year_delete(struct mc_req *r)
{
	return year_change(r, NULL);
}

const struct mc_route mc_api_calendar_routes[] = {
	{"GET", "/api/v1/calendar/holidays", holidays, MC_AUTH_NONE, NULL, 0},
	{"POST", "/api/v1/calendar/exceptions", add_exception, MC_AUTH_REQUIRED, "calendar.manage", 0},
	{"GET", "/api/v1/calendar/years/{year}", year_get, MC_AUTH_NONE, NULL, 0},
	{"PUT", "/api/v1/calendar/years/{year}", year_put, MC_AUTH_REQUIRED, "calendar.manage", 0},
	{"DELETE", "/api/v1/calendar/years/{year}", year_delete, MC_AUTH_REQUIRED, "calendar.manage", 0},
	{0},
};
