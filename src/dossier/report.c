/*
 * report.c - the periodic report on the handling of administrative
 * procedures, the way the provinces send it up (see docs/statistics.md):
 * for a period and an agency subtree, per competent agency or per
 * procedure,
 *   received    = carried over from the previous period + new (online,
 *                 at a counter, by post);
 *   resolved    = early + on time + late (scored against the legal
 *                 deadline, an apology notwithstanding);
 *   in progress = within time + past time, at the end of the period;
 *   withdrawn, stopped, refused (during the period);
 * so that received = resolved + in progress + withdrawn + stopped + refused,
 * and the on-time rate = (early + on time) / resolved.  Online dossiers
 * waiting for reception at the end of the period are counted apart, with
 * those waiting more than one working day.
 *
 * The figures come from the dossiers themselves (when each was received,
 * when and how it ended, its legal deadline), in one pass over the ones
 * open during the period; the tests check them against a count of the
 * transition events.
 */
#include "dossier.h"
#include "internal.h"

#include "../core/timeutil.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

/* The report's figures, in the order of the query's columns. */
static const char *const figures[] = {
	"carried_over",
	"new_online",
	"new_counter",
	"new_post",
	"resolved_early",
	"resolved_on_time",
	"resolved_late",
	"withdrawn",
	"stopped",
	"refused",
	"in_progress_within",
	"in_progress_past",
	"awaiting_reception",
	"awaiting_reception_past",
	"late_with_apology",
};
#define NFIG (sizeof(figures) / sizeof(figures[0]))

static int64_t fig(json_t *row, const char *k)
{
	return json_integer_value(json_object_get(row, k));
}

/* The sums every row and the total carry. */
static void sums(json_t *row)
{
	int64_t fresh = fig(row, "new_online") + fig(row, "new_counter") + fig(row, "new_post");
	int64_t e = fig(row, "resolved_early"), o = fig(row, "resolved_on_time"), l = fig(row, "resolved_late");
	json_object_set_new(row, "new", json_integer(fresh));
	json_object_set_new(row, "received", json_integer(fig(row, "carried_over") + fresh));
	json_object_set_new(row, "resolved", json_integer(e + o + l));
	json_object_set_new(row, "in_progress",
			    json_integer(fig(row, "in_progress_within") + fig(row, "in_progress_past")));
	json_object_set_new(row, "on_time_rate", mc__on_time_rate(e, o, l));
}

json_t *mc__on_time_rate(int64_t early, int64_t on_time, int64_t late)
{
	int64_t resolved = early + on_time + late;
	return resolved ? json_real((double)(early + on_time) / (double)resolved) : json_null();
}

/* A row of the report's query: the key (agency or procedure), then one
 * column per figure, in the order of figures[]. */
enum { ROW_KEY, ROW_FIGURES };

struct report_row {
	const char *key; /* valid until the next step */
	int64_t v[NFIG];
};

static void fill_row(struct mc_stmt *s, struct report_row *r)
{
	r->key = mc_col_text(s, ROW_KEY) ? mc_col_text(s, ROW_KEY) : "";
	for (size_t k = 0; k < NFIG; k++)
		r->v[k] = mc_col_int64(s, ROW_FIGURES + (int)k);
}

static json_t *zero_figures(void)
{
	json_t *row = json_object();
	for (size_t k = 0; k < NFIG; k++)
		json_object_set_new(row, figures[k], json_integer(0));
	return row;
}

/* Add each row of the query to its key's row in rows and to total: 0 at
 * the end of the rows, else the error that ended them. */
static int add_rows(struct mc_stmt *s, json_t *rows, json_t *total)
{
	int rc;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		struct report_row r;
		fill_row(s, &r);
		json_t *row = json_object_get(rows, r.key);
		if (!row) {
			row = zero_figures();
			json_object_set_new(rows, r.key, row);
		}
		for (size_t k = 0; k < NFIG; k++) {
			json_object_set_new(row, figures[k], json_integer(fig(row, figures[k]) + r.v[k]));
			json_object_set_new(total, figures[k], json_integer(fig(total, figures[k]) + r.v[k]));
		}
	}
	return rc < 0 ? rc : 0;
}

/* Local date "YYYY-MM-DD" -> the UTC instant (ms) its day starts at. */
int64_t mc__day_start(const char *day, int plus)
{
	int y = 0, m = 0, d = 0;
	sscanf(day, "%4d-%2d-%2d", &y, &m, &d);
	return mc_vn_day_start(mc_days_from_civil(y, m, d) + plus);
}

/* The columns of the name of a row's key. */
enum { NAME_VI, NAME_EN, NAME_CODE };

/* Names of the rows' keys: agencies or procedures. */
static int add_names(struct mc_conn *c, const char *group, json_t *items)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		const char *key = json_string_value(json_object_get(it, "key"));
		struct mc_stmt *s;
		int rc =
			strcmp(group, "agency") == 0
				? mc_query(c, &s, "SELECT name, name_en, code FROM agencies WHERE CAST(id AS TEXT) = ?",
					   "t", key)
				: mc_query(c, &s,
					   "SELECT name, name_en, code FROM procedures WHERE code = ? AND is_current = "
					   "1",
					   "t", key);
		if (rc)
			return rc;
		if ((rc = mc_step(s)) == MC_DB_ROW)
			json_object_set_new(it, "name",
					    json_pack("{s:s, s:s, s:s}", "vi", mc_col_text(s, NAME_VI), "en",
						      mc_col_text(s, NAME_EN), "code", mc_col_text(s, NAME_CODE)));
		mc_stmt_done(s);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The query, with the rows' key (KEY) in its two SELECTs: each dossier
 * open at some time in [lo, hi): received before hi and not ended before
 * lo, or online and waiting for reception.  In progress at the end: within
 * or past its legal deadline, one waiting for the applicant's papers
 * having its clock stopped.  The last figure: late although the applicant
 * was given a new date (form 04).  The dossiers are found by when they
 * ended (dossiers_completed), the agency checked on each ("+": not the
 * index on the agency, which would visit every dossier of the city).  The
 * second SELECT: online, still waiting for reception at the end. */
#define REPORT_SQL(KEY)                                                                                                \
	"SELECT " KEY ","                                                                                              \
	" SUM(CASE WHEN d.received_at < ? AND (d.completed_at IS NULL OR d.completed_at >= ?) THEN 1 ELSE 0 END),"     \
	" SUM(CASE WHEN d.received_at >= ? AND d.received_at < ? AND d.channel = 'online' THEN 1 ELSE 0 END),"         \
	" SUM(CASE WHEN d.received_at >= ? AND d.received_at < ? AND d.channel = 'counter' THEN 1 ELSE 0 END),"        \
	" SUM(CASE WHEN d.received_at >= ? AND d.received_at < ? AND d.channel = 'post' THEN 1 ELSE 0 END),"           \
	" SUM(CASE WHEN d.completed_at >= ? AND d.completed_at < ? AND d.result_status = 'early' THEN 1 ELSE 0 END),"  \
	" SUM(CASE WHEN d.completed_at >= ? AND d.completed_at < ? AND d.result_status = 'on_time' THEN 1 ELSE 0 "     \
	"END),"                                                                                                        \
	" SUM(CASE WHEN d.completed_at >= ? AND d.completed_at < ? AND d.result_status = 'late' THEN 1 ELSE 0 END),"   \
	" SUM(CASE WHEN d.completed_at >= ? AND d.completed_at < ? AND d.status = 'withdrawn' THEN 1 ELSE 0 END),"     \
	" SUM(CASE WHEN d.completed_at >= ? AND d.completed_at < ? AND d.status = 'stopped' THEN 1 ELSE 0 END),"       \
	" SUM(CASE WHEN d.completed_at >= ? AND d.completed_at < ? AND d.status = 'refused' THEN 1 ELSE 0 END),"       \
	" SUM(CASE WHEN (d.completed_at IS NULL OR d.completed_at >= ?) AND (d.due_at >= ?"                            \
	" OR (d.completed_at IS NULL AND d.status = 'supplement_requested')) THEN 1 ELSE 0 END),"                      \
	" SUM(CASE WHEN (d.completed_at IS NULL OR d.completed_at >= ?) AND d.due_at < ?"                              \
	" AND NOT (d.completed_at IS NULL AND d.status = 'supplement_requested') THEN 1 ELSE 0 END),"                  \
	" 0, 0,"                                                                                                       \
	" SUM(CASE WHEN d.completed_at >= ? AND d.completed_at < ? AND d.result_status = 'late' AND d.extended = 1"    \
	" THEN 1 ELSE 0 END)"                                                                                          \
	" FROM dossiers d WHERE (d.completed_at IS NULL OR d.completed_at >= ?) AND d.received_at < ?"                 \
	" AND +d.competent_agency_id IN (SELECT descendant_id FROM agency_tree WHERE ancestor_id = ?)"                 \
	" GROUP BY 1"                                                                                                  \
	" UNION ALL SELECT " KEY ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, COUNT(*),"                                     \
	" SUM(CASE WHEN d.submitted_at < ? THEN 1 ELSE 0 END), 0"                                                      \
	" FROM dossiers d WHERE (d.completed_at IS NULL OR d.completed_at >= ?) AND d.channel = 'online'"              \
	" AND d.submitted_at < ? AND (d.received_at IS NULL OR d.received_at >= ?)"                                    \
	" AND +d.competent_agency_id IN (SELECT descendant_id FROM agency_tree WHERE ancestor_id = ?)"                 \
	" GROUP BY 1"

/* The query for a grouping (none, "agency", "procedure"); NULL for any
 * other. */
static const char *report_sql(const char *group)
{
	if (!group)
		return REPORT_SQL("''");
	if (strcmp(group, "agency") == 0)
		return REPORT_SQL("CAST(d.competent_agency_id AS TEXT)");
	if (strcmp(group, "procedure") == 0)
		return REPORT_SQL("d.procedure_code");
	return NULL;
}

/* The rows with their sums and keys, as a list. */
static json_t *report_items(json_t *rows)
{
	json_t *items = json_array(), *row;
	const char *key;
	json_object_foreach(rows, key, row) {
		sums(row);
		json_object_set_new(row, "key", json_string(key));
		json_array_append(items, row);
	}
	return items;
}

int mc_dossier_report(struct mc_conn *c, int64_t root, const char *from_day, const char *to_day, const char *group,
		      json_t **out)
{
	const char *sql = report_sql(group);
	if (!sql)
		return MC_E_VALIDATION;
	int64_t lo = mc__day_start(from_day, 0), hi = mc__day_start(to_day, 1);
	struct mc_calendar cal;
	int rc = mc_holidays_calendar(c, &cal);
	if (rc)
		return rc;
	int64_t cut = mc_cal_working_before(&cal, hi, 8 * 60);
	mc_cal_release(&cal);
	json_t *rows = json_object(), *total = zero_figures(), *items = NULL;
	struct mc_stmt *s;
	rc = mc_query(c, &s, sql, "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii", lo, lo, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi,
		      lo, hi, lo, hi, lo, hi, lo, hi, hi, hi, hi, hi, lo, hi, lo, hi, root, cut, hi, hi, hi, root);
	if (rc)
		goto out;
	rc = add_rows(s, rows, total);
	mc_stmt_done(s);
	if (rc)
		goto out;
	items = report_items(rows);
	sums(total);
	if (group && (rc = add_names(c, group, items)))
		goto out;
	*out = json_pack("{s:s, s:s, s:s?, s:O, s:o}", "from", from_day, "to", to_day, "group", group, "total", total,
			 "items", group ? json_incref(items) : json_array());
out:
	json_decref(rows);
	json_decref(total);
	json_decref(items);
	return rc;
}
