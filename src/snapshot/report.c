/*
 * report.c - the daily report of a body for its leaders: the figures of a
 * day and of the week ending that day, read from the snapshots (the hour
 * ending each day holds the day's totals and what was overdue as it
 * ended), rendered as a PDF (mc_pdf_daily_report), stored in
 * snapshot_reports and queued in the outbox for each active leader of the
 * body.  Made once: (agency_id, day) is unique, and the row and its outbox
 * rows are written in one transaction by the one server whose insert took.
 */
#include "snapshot.h"

#include "../core/buf.h"
#include "../core/err.h"
#include "../core/timeutil.h"
#include "../org/org.h"
#include "../render/pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* The figures printed, in their order. */
static const char *const shown[] = {"received",           "resolved",           "on_time_rate", "overdue_dossiers",
				    "overdue_directions", "overdue_directives", "polls_waiting"};
#define NSHOWN 7

/* The day's value of each figure and the week's rows (null when the hour
 * ending a day was not taken). */
static int figures(struct mc_conn *c, int64_t body, const char *day, json_t **week)
{
	int y, m, d;
	if (sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return MC_E_INVAL;
	int64_t end = mc_vn_day_start(mc_days_from_civil(y, m, d) + 1);
	*week = json_array();
	for (int k = 6; k >= 0; k--) {
		int yy, mm, dd;
		char label[11];
		mc_civil_from_days(mc_days_from_civil(y, m, d) - k, &yy, &mm, &dd);
		snprintf(label, sizeof(label), "%04d-%02d-%02d", yy, mm, dd);
		json_array_append_new(*week, json_pack("{s:s}", "day", label));
	}
	for (int i = 0; i < NSHOWN; i++) {
		json_t *series = NULL, *p;
		size_t j;
		int rc =
			mc_snapshot_series(c, body, mc_snapshot_metric(shown[i]), end - 6 * MC_DAY_MS, end, 1, &series);
		if (rc)
			return rc;
		/* each point ends a day of the week: its row */
		json_array_foreach(json_object_get(series, "points"), j, p) {
			int64_t at;
			if (!mc_time_parse(json_string_value(json_object_get(p, "at")), &at))
				json_object_set(json_array_get(*week, (size_t)(6 - (end - at) / MC_DAY_MS)), shown[i],
						json_object_get(p, "value"));
		}
		json_decref(series);
	}
	return 0;
}

/* The bodies with an active leader and no report of day yet. */
static int bodies_due(struct mc_conn *c, const char *day, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT a.id, a.code, a.name FROM agencies a WHERE a.internal = 0 AND EXISTS (SELECT 1 FROM"
			  " users u JOIN user_roles r ON r.user_id = u.id AND r.role_code = 'leader'"
			  " WHERE u.agency_id = a.id AND u.status = 'active') AND NOT EXISTS (SELECT 1 FROM"
			  " snapshot_reports p WHERE p.agency_id = a.id AND p.day = ?) ORDER BY a.id",
			  "t", day);
	if (rc)
		return rc;
	*out = json_array();
	while ((rc = mc_step(s)) == MC_DB_ROW)
		json_array_append_new(*out, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)mc_col_int64(s, 0), "code",
						      mc_col_text(s, 1), "name", mc_col_text(s, 2)));
	mc_stmt_done(s);
	return rc < 0 ? rc : 0;
}

/* A leader of the body told of report id. */
static int queue(struct mc_conn *c, int64_t body, int64_t id, const char *day, int64_t now)
{
	struct mc_stmt *s;
	int rc =
		mc_query(c, &s,
			 "SELECT u.id, u.full_name, u.phone, u.email FROM users u JOIN user_roles r ON r.user_id = u.id"
			 " AND r.role_code = 'leader' WHERE u.agency_id = ? AND u.status = 'active' ORDER BY u.id",
			 "i", body);
	if (rc)
		return rc;
	json_t *to = json_array();
	while ((rc = mc_step(s)) == MC_DB_ROW)
		json_array_append_new(to, json_pack("{s:I, s:s, s:s?, s:s?}", "user_id", (json_int_t)mc_col_int64(s, 0),
						    "name", mc_col_text(s, 1), "phone", mc_col_text(s, 2), "email",
						    mc_col_text(s, 3)));
	mc_stmt_done(s);
	size_t i;
	json_t *r;
	char url[80];
	snprintf(url, sizeof(url), "/api/v1/dashboard/reports/%lld", (long long)id);
	json_array_foreach(to, i, r) {
		if (rc < 0)
			break;
		char *who = json_dumps(r, JSON_COMPACT), *what = NULL;
		json_t *p = json_pack("{s:s, s:I, s:s}", "day", day, "report_id", (json_int_t)id, "url", url);
		what = json_dumps(p, JSON_COMPACT);
		json_decref(p);
		int64_t k = who && what ? mc_exec(c,
						  "INSERT INTO outbox (at, topic, topic_id, event, recipient, payload)"
						  " VALUES (?, 'snapshot_reports', ?, 'daily_report', ?, ?)",
						  "iitt", now, id, who, what)
					: MC_E_NOMEM;
		free(who);
		free(what);
		rc = k < 0 ? (int)k : 0;
	}
	json_decref(to);
	return rc < 0 ? rc : 0;
}

/* Store one body's report and queue it, unless another server did. */
static int store(struct mc_conn *c, int64_t body, const char *day, json_t *fig, struct mc_buf *pdf, int64_t now,
		 int64_t *made)
{
	char *text = json_dumps(fig, JSON_COMPACT);
	if (!text)
		return MC_E_NOMEM;
	int rc = mc_tx_begin(c, 1);
	struct mc_stmt *s = NULL;
	int64_t id = 0;
	if (!rc)
		rc = mc_query(
			c, &s,
			"INSERT INTO snapshot_reports (agency_id, day, created_at, figures, pdf) VALUES (?, ?, ?, ?, ?)"
			" ON CONFLICT DO NOTHING RETURNING id",
			"ititb", body, day, now, text, (const void *)pdf->data, pdf->len);
	free(text);
	if (!rc) {
		int step = mc_step(s);
		if (step == MC_DB_ROW)
			id = mc_col_int64(s, 0);
		else if (step < 0)
			rc = step;
		mc_stmt_done(s);
	}
	if (!rc && id)
		rc = queue(c, body, id, day, now);
	if (rc) {
		if (mc_in_tx(c))
			mc_tx_rollback(c);
		return rc;
	}
	rc = mc_tx_commit(c);
	if (!rc && id)
		(*made)++;
	return rc;
}

int mc_snapshot_reports(struct mc_conn *c, const char *day, int64_t now, int64_t *made)
{
	*made = 0;
	json_t *due = NULL, *b;
	size_t i;
	int y, m, d, first = 0;
	if (!day || !mc_date_check(day) || sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    mc_days_from_civil(y, m, d) >= mc_vn_day(now))
		return MC_E_INVAL; /* a day gone by: its figures are all there */
	int rc = bodies_due(c, day, &due);
	json_array_foreach(due, i, b) {
		if (rc)
			break;
		json_t *week = NULL;
		int64_t body = json_integer_value(json_object_get(b, "id"));
		int r = figures(c, body, day, &week);
		if (r) { /* this body's report fails: the others are still made */
			json_decref(week);
			first = first ? first : r;
			continue;
		}
		json_t *fig =
			json_pack("{s:s, s:s, s:s, s:O, s:o}", "agency", json_string_value(json_object_get(b, "name")),
				  "code", json_string_value(json_object_get(b, "code")), "day", day, "figures",
				  json_array_get(week, 6), "week", week);
		struct mc_buf pdf = MC_BUF_INIT(16u << 20);
		struct mc_error e;
		mc_error_init(&e);
		r = mc_pdf_daily_report(fig, &pdf, &e);
		if (!r)
			r = store(c, body, day, fig, &pdf, now, made);
		first = first ? first : r;
		mc_buf_release(&pdf);
		json_decref(fig);
	}
	json_decref(due);
	return rc ? rc : first;
}

int mc_snapshot_reports_due(struct mc_conn *c, int64_t now, int64_t *made)
{
	*made = 0;
	int64_t today = mc_vn_day(now);
	if (now - mc_vn_day_start(today) < 7 * MC_HOUR_MS)
		return 0;
	int y, m, d;
	char day[11];
	mc_civil_from_days(today - 1, &y, &m, &d);
	snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m, d);
	return mc_snapshot_reports(c, day, now, made);
}
