/*
 * snapshot.h - the hourly snapshots of the leader's dashboard (issue 15):
 * every hour, per body (an agency with agencies.internal = 0), the figures
 * its leaders read, kept as a long time series
 * dashboard_snapshots(agency_id, metric, at, value); the series of a
 * subtree is the sum of its bodies' rows; and the daily PDF report of each
 * body with leaders, queued in the outbox for them.
 *
 * The snapshot labelled `at` (a whole hour) is the dashboard as it stood at
 * the hour's last millisecond, at - 1: its day-so-far figures are those of
 * the Vietnamese day that hour belongs to (the snapshot at 00:00 holds the
 * whole previous day), its "now" figures those at that instant.
 */
#ifndef MC_SNAPSHOT_H
#define MC_SNAPSHOT_H

#include "../db/db.h"

#include <jansson.h>
#include <stdint.h>

#define MC_HOUR_MS 3600000LL

/* What a metric's count reads: the connection, the instant, and the live
 * dashboard's answers for the body being counted (made on first use). */
struct mc_snapshot_eval {
	struct mc_conn *c;
	int64_t now;     /* the instant counted at: the hour's end - 1 ms */
	int64_t agency;  /* the body whose answers are kept below */
	json_t *dossier; /* mc_dossier_dashboard(agency, now) */
	json_t *docs;    /* mc_document_figures(agency, the day of now) */
};

/*
 * One row of the metric table (metrics.c).  A stored metric has count: the
 * figure over the whole subtree of a body at x->now, as the live dashboard
 * counts it (the snapshot keeps each body's own share: its count less its
 * child bodies' counts).  A derived metric has none and is num / den of two
 * stored ones, summed first.  cumulative: a day-so-far figure, whose
 * points also tell the hour's increase.
 */
struct mc_snapshot_metric {
	const char *name;
	int (*count)(struct mc_snapshot_eval *x, int64_t agency, int64_t *v);
	const char *num, *den;
	int cumulative;
};

extern const struct mc_snapshot_metric mc_snapshot_metrics[];
extern const int mc_snapshot_nmetrics;
/* The metric named name, or NULL. */
const struct mc_snapshot_metric *mc_snapshot_metric(const char *name);
/* Drop the answers kept in x (before counting another body, and at the end). */
void mc_snapshot_eval_clear(struct mc_snapshot_eval *x);

/* Take the snapshot of the hour ending at `at` (a whole hour, else
 * MC_E_INVAL) unless it was taken: *rows is the rows written (0 when the
 * hour was already taken, by this or another server). */
int mc_snapshot_take(struct mc_conn *c, int64_t at, int64_t *rows);
/* The hour ending last at or before now. */
int64_t mc_snapshot_hour(int64_t now);

/* The series of metric m over the bodies of root's subtree (an internal
 * unit with no body under it: zeros - its figures are its body's), hours taken with at in [from, to] (daily: only the
 * hours ending a Vietnamese day, each the day's figure): {"metric",
 * "agency_id", "from", "to", "step", "points": [{"at", "day", "value",
 * "hour"?}]}; value is null for a ratio without a denominator, "hour" (a
 * cumulative metric's increase over the hour before, hourly only) null
 * when the hour before is not among the points. */
int mc_snapshot_series(struct mc_conn *c, int64_t root, const struct mc_snapshot_metric *m, int64_t from, int64_t to,
		       int daily, json_t **out);

/* The daily reports of `day` (YYYY-MM-DD): one for each body with an
 * active leader that has none yet, its figures from the snapshots (the
 * day's, and the week ending that day), rendered as a PDF, stored and
 * queued in the outbox for each leader of the body.  *made: how many. */
int mc_snapshot_reports(struct mc_conn *c, const char *day, int64_t now, int64_t *made);
/* From 07:00 in Vietnam: the reports of yesterday (mc_snapshot_reports). */
int mc_snapshot_reports_due(struct mc_conn *c, int64_t now, int64_t *made);
/* A report's body and PDF (*pdf malloc'd) when it is one of root's subtree. */
int mc_snapshot_report_pdf(struct mc_conn *c, int64_t root, int64_t id, char day[11], void **pdf, size_t *n);
/* The reports of the bodies in root's subtree, the newest first (at most 60). */
int mc_snapshot_report_list(struct mc_conn *c, int64_t root, json_t **out);

#endif
