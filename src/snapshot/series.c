/*
 * series.c - a metric's series over an agency's subtree: for every hour
 * taken in the period, the sum of the rows of the bodies in the subtree
 * (one indexed range of dashboard_snapshots per body and hour, summed in
 * SQL); a ratio is the quotient of its two sums.
 */
#include "snapshot.h"

#include "../core/err.h"
#include "../core/timeutil.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

/* Per hour taken in [from, to] (daily: the hours ending a day), the sums
 * of two metrics over the bodies of a subtree: one range of the primary
 * key (agency_id, metric, at) per body and metric, grouped by the hour. */
static const char series_sql[] =
	"SELECT h.at, COALESCE(g.n, 0), COALESCE(g.d, 0) FROM snapshot_hours h LEFT JOIN"
	" (SELECT s.at AS at, SUM(CASE WHEN s.metric = ? THEN s.value ELSE 0 END) AS n,"
	" SUM(CASE WHEN s.metric = ? THEN s.value ELSE 0 END) AS d FROM agency_tree t JOIN dashboard_snapshots s"
	" ON s.agency_id = t.descendant_id AND s.metric IN (?, ?) AND s.at >= ? AND s.at <= ?"
	" WHERE t.ancestor_id = ? AND (? = 0 OR (s.at + 25200000) % 86400000 = 0) GROUP BY s.at) g ON g.at = h.at"
	" WHERE h.at >= ? AND h.at <= ? AND (? = 0 OR (h.at + 25200000) % 86400000 = 0) ORDER BY h.at";

static json_t *point(const struct mc_snapshot_metric *m, int64_t at, int64_t num, int64_t den)
{
	char iso[40], day[11];
	int y, mo, d;
	mc_time_format_vn(at, iso, sizeof(iso));
	mc_vn_date(at - 1, &y, &mo, &d); /* the day the hour belongs to */
	snprintf(day, sizeof(day), "%04d-%02d-%02d", y, mo, d);
	json_t *value = m->count ? json_integer(num) : den ? json_real((double)num / (double)den) : json_null();
	return json_pack("{s:s, s:s, s:o}", "at", iso, "day", day, "value", value);
}

/* A cumulative metric's increase over the hour: the value less the hour
 * before's when that one was taken and is of the same day; the value
 * itself in the day's first hour. */
static void hour_increase(int64_t at, int64_t v, int64_t prev_at, int64_t prev_v, json_t *p)
{
	int64_t day = mc_vn_day(at - 1);
	json_t *inc = json_null();
	if (mc_vn_day(at - 1 - MC_HOUR_MS) != day)
		inc = json_integer(v);
	else if (prev_at == at - MC_HOUR_MS && mc_vn_day(prev_at - 1) == day)
		inc = json_integer(v - prev_v);
	json_object_set_new(p, "hour", inc);
}

int mc_snapshot_series(struct mc_conn *c, int64_t root, const struct mc_snapshot_metric *m, int64_t from, int64_t to,
		       int daily, json_t **out)
{
	const char *num = m->count ? m->name : m->num, *den = m->count ? m->name : m->den;
	struct mc_stmt *s;
	/* a Vietnamese day ends at 17:00 UTC */
	int rc = mc_query(c, &s, series_sql, "ttttiiidiid", num, den, num, den, from, to, root, daily, from, to, daily);
	if (rc)
		return rc;
	json_t *points = json_array();
	int64_t prev_at = 0, prev_v = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		int64_t at = mc_col_int64(s, 0), v = mc_col_int64(s, 1), d = mc_col_int64(s, 2);
		json_t *p = point(m, at, v, d);
		if (m->cumulative && !daily)
			hour_increase(at, v, prev_at, prev_v, p);
		json_array_append_new(points, p);
		prev_at = at;
		prev_v = v;
	}
	mc_stmt_done(s);
	if (rc < 0) {
		json_decref(points);
		return rc;
	}
	char f[40], t[40];
	mc_time_format_vn(from, f, sizeof(f));
	mc_time_format_vn(to, t, sizeof(t));
	*out = json_pack("{s:s, s:I, s:s, s:s, s:s, s:o}", "metric", m->name, "agency_id", (json_int_t)root, "from", f,
			 "to", t, "step", daily ? "day" : "hour", "points", points);
	return *out ? 0 : MC_E_NOMEM;
}
