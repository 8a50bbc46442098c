/*
 * dashboard.c - the leader's dashboard: today's and this month's figures
 * (from the running statistics kept in every transition, one indexed read
 * per period) and the dossiers in progress past their deadline now, with
 * the agencies that hold the most of them.  Cheap enough to be asked every
 * half minute by every leader's phone.
 */
#include "dossier.h"
#include "internal.h"

#include "../core/timeutil.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static const char *const counters[] = {"received_online", "received_counter", "resolved_early", "resolved_on_time",
				       "resolved_late",   "refused",          "withdrawn"};
#define NCOUNTERS 7

/* The counters of one period row ("D2026-11-26", "M2026-11") summed over
 * the subtree of root, with the derived totals and on-time rate. */
static int period_figures(struct mc_conn *c, int64_t root, const char *period, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"SELECT COALESCE(SUM(s.received_online), 0), COALESCE(SUM(s.received_counter), 0),"
		" COALESCE(SUM(s.resolved_early), 0), COALESCE(SUM(s.resolved_on_time), 0),"
		" COALESCE(SUM(s.resolved_late), 0), COALESCE(SUM(s.refused), 0), COALESCE(SUM(s.withdrawn), 0)"
		" FROM dossier_stats s JOIN agency_tree t ON t.descendant_id = s.agency_id AND t.ancestor_id = ?"
		" WHERE s.period = ?",
		"it", root, period);
	if (rc)
		return rc;
	int64_t v[NCOUNTERS] = {0};
	while ((rc = mc_step(s)) == MC_DB_ROW)
		for (int k = 0; k < NCOUNTERS; k++)
			v[k] = mc_col_int64(s, k);
	mc_stmt_done(s);
	if (rc < 0)
		return rc;
	json_t *row = json_object();
	for (int k = 0; k < NCOUNTERS; k++)
		json_object_set_new(row, counters[k], json_integer(v[k]));
	int64_t resolved = v[2] + v[3] + v[4];
	json_object_set_new(row, "received", json_integer(v[0] + v[1]));
	json_object_set_new(row, "resolved", json_integer(resolved));
	json_object_set_new(row, "on_time_rate",
			    resolved ? json_real((double)(v[2] + v[3]) / (double)resolved) : json_null());
	*out = row;
	return 0;
}

/* In progress (or waiting for a supplement) per competent agency: how many,
 * and how many past their deadline at `now` (one waiting for the
 * applicant's papers is not late: its clock is stopped); the most overdue
 * first.  The
 * totals go to *in_progress, the first `top` agencies with any overdue
 * dossier to *worst. */
static int overdue(struct mc_conn *c, int64_t root, int64_t now, int top, json_t **in_progress, json_t **worst)
{
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"SELECT a.id, a.code, a.name, a.name_en, COUNT(*),"
		" SUM(CASE WHEN d.status = 'in_progress' AND d.due_at < ? THEN 1 ELSE 0 END)"
		" FROM dossiers d JOIN agency_tree t ON t.descendant_id = d.competent_agency_id AND t.ancestor_id = ?"
		" JOIN agencies a ON a.id = d.competent_agency_id"
		" WHERE d.status IN ('in_progress', 'supplement_requested')"
		" GROUP BY a.id, a.code, a.name, a.name_en ORDER BY 6 DESC, a.code",
		"ii", now, root);
	if (rc)
		return rc;
	int64_t total = 0, past = 0;
	json_t *list = json_array();
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		int64_t n = mc_col_int64(s, 4), late = mc_col_int64(s, 5);
		total += n;
		past += late;
		if (late > 0 && (int)json_array_size(list) < top)
			json_array_append_new(list,
					      json_pack("{s:I, s:s, s:s, s:s, s:I, s:I}", "id",
							(json_int_t)mc_col_int64(s, 0), "code", mc_col_text(s, 1),
							"name", mc_col_text(s, 2), "name_en", mc_col_text(s, 3),
							"overdue", (json_int_t)late, "in_progress", (json_int_t)n));
	}
	mc_stmt_done(s);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*in_progress = json_pack("{s:I, s:I, s:I}", "total", (json_int_t)total, "within_deadline",
				 (json_int_t)(total - past), "past_deadline", (json_int_t)past);
	*worst = list;
	return 0;
}

/* Submitted online to the subtree of root and not received within a
 * working day: overdue at reception. */
static int reception_late(struct mc_conn *c, int64_t root, int64_t now, int64_t *n)
{
	struct mc_calendar cal;
	int rc = mc_holidays_calendar(c, &cal);
	if (rc)
		return rc;
	int64_t cut = mc_cal_working_before(&cal, now, 8 * 60);
	mc_cal_release(&cal);
	return mc_query_int64(
		c, n,
		"SELECT COUNT(*) FROM dossiers d JOIN agency_tree t ON t.descendant_id = d.competent_agency_id"
		" AND t.ancestor_id = ? WHERE d.status = 'submitted' AND d.channel = 'online' AND d.submitted_at < ?",
		"ii", root, cut);
}

int mc_dossier_dashboard(struct mc_conn *c, int64_t root, int64_t now, int top, json_t **out)
{
	char day[11], period[16], at[40];
	json_t *today = NULL, *month = NULL, *progress = NULL, *worst = NULL;
	mc__local_day(now, day);
	snprintf(period, sizeof(period), "D%s", day);
	int rc = period_figures(c, root, period, &today);
	if (!rc) {
		snprintf(period, sizeof(period), "M%.7s", day);
		rc = period_figures(c, root, period, &month);
	}
	if (!rc)
		rc = overdue(c, root, now, top, &progress, &worst);
	int64_t waiting = 0;
	if (!rc)
		rc = reception_late(c, root, now, &waiting);
	if (!rc)
		json_object_set_new(progress, "reception_late", json_integer(waiting));
	if (rc) {
		json_decref(today);
		json_decref(month);
		return rc;
	}
	mc_time_format_vn(now, at, sizeof(at));
	*out = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o}", "agency_id", (json_int_t)root, "day", day, "at", at,
			 "today", today, "month", month, "in_progress", progress, "top_overdue", worst);
	return 0;
}
