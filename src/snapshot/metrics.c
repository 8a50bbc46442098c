/*
 * metrics.c - the table of the metrics kept every hour: one row each, a
 * name and the function that counts it over a body's subtree at an instant
 * with the live dashboard's own functions (mc_dossier_dashboard,
 * mc_document_figures, mc_directive_count_overdue, mc_poll_count_open), so
 * that a snapshot equals a recount.  Adding a
 * metric is adding a row (and its count function, when the figure is not
 * one of those answers).
 */
#include "snapshot.h"

#include "../core/timeutil.h"
#include "../directive/directive.h"
#include "../document/document.h"
#include "../dossier/dossier.h"
#include "../poll/poll.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

void mc_snapshot_eval_clear(struct mc_snapshot_eval *x)
{
	json_decref(x->dossier);
	json_decref(x->docs);
	x->dossier = x->docs = NULL;
	x->agency = 0;
}

/* Keep the answers for this body only. */
static void eval_for(struct mc_snapshot_eval *x, int64_t agency)
{
	if (x->agency != agency) {
		mc_snapshot_eval_clear(x);
		x->agency = agency;
	}
}

/* The member key of object part of the dossiers' dashboard. */
static int dossier_figure(struct mc_snapshot_eval *x, int64_t agency, const char *part, const char *key, int64_t *v)
{
	eval_for(x, agency);
	if (!x->dossier) {
		int rc = mc_dossier_dashboard(x->c, agency, x->now, 0, &x->dossier);
		if (rc)
			return rc;
	}
	*v = json_integer_value(json_object_get(json_object_get(x->dossier, part), key));
	return 0;
}

static int received(struct mc_snapshot_eval *x, int64_t agency, int64_t *v)
{
	return dossier_figure(x, agency, "today", "received", v);
}

static int resolved(struct mc_snapshot_eval *x, int64_t agency, int64_t *v)
{
	return dossier_figure(x, agency, "today", "resolved", v);
}

/* Resolved early or on time: the numerator of the on-time rate. */
static int resolved_in_time(struct mc_snapshot_eval *x, int64_t agency, int64_t *v)
{
	int64_t early, on_time;
	int rc = dossier_figure(x, agency, "today", "resolved_early", &early);
	if (!rc)
		rc = dossier_figure(x, agency, "today", "resolved_on_time", &on_time);
	*v = rc ? 0 : early + on_time;
	return rc;
}

static int overdue_dossiers(struct mc_snapshot_eval *x, int64_t agency, int64_t *v)
{
	return dossier_figure(x, agency, "in_progress", "past_deadline", v);
}

/* The directions past their deadline (the documents' figures of the day). */
static int overdue_directions(struct mc_snapshot_eval *x, int64_t agency, int64_t *v)
{
	eval_for(x, agency);
	if (!x->docs) {
		int y, m, d;
		char day[11];
		mc_vn_date(x->now, &y, &m, &d);
		snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m, d);
		int rc = mc_document_figures(x->c, agency, day, day, x->now, 0, &x->docs);
		if (rc)
			return rc;
	}
	*v = json_integer_value(json_object_get(x->docs, "overdue_directions"));
	return 0;
}

/* The directive tasks past their deadline, not done (directive tracking). */
static int overdue_directives(struct mc_snapshot_eval *x, int64_t agency, int64_t *v)
{
	return mc_directive_count_overdue(x->c, agency, x->now, v);
}

/* The committee members' polls still waiting for answers. */
static int polls_waiting(struct mc_snapshot_eval *x, int64_t agency, int64_t *v)
{
	return mc_poll_count_open(x->c, agency, x->now, v);
}

const struct mc_snapshot_metric mc_snapshot_metrics[] = {
	{"received", received, NULL, NULL, 1},
	{"resolved", resolved, NULL, NULL, 1},
	{"resolved_in_time", resolved_in_time, NULL, NULL, 1},
	{"overdue_dossiers", overdue_dossiers, NULL, NULL, 0},
	{"overdue_directions", overdue_directions, NULL, NULL, 0},
	{"overdue_directives", overdue_directives, NULL, NULL, 0},
	{"polls_waiting", polls_waiting, NULL, NULL, 0},
	{"on_time_rate", NULL, "resolved_in_time", "resolved", 0},
};
const int mc_snapshot_nmetrics = (int)(sizeof(mc_snapshot_metrics) / sizeof(mc_snapshot_metrics[0]));

const struct mc_snapshot_metric *mc_snapshot_metric(const char *name)
{
	for (int i = 0; name && i < mc_snapshot_nmetrics; i++)
		if (strcmp(mc_snapshot_metrics[i].name, name) == 0)
			return &mc_snapshot_metrics[i];
	return NULL;
}
