/* queue.c - officials' work queues, applicants' lists and statistics. */
#include "dossier.h"
#include "internal.h"

#include "../core/timeutil.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static json_t *summary(struct mc_stmt *s)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:I, s:s?, s:s?, s:s?}", "id",
			      (json_int_t)mc_col_int64(s, 0), "code", mc_col_text(s, 1), "status", mc_col_text(s, 2),
			      "procedure_code", mc_col_text(s, 3), "channel", mc_col_text(s, 4), "submitted_at",
			      mc__time_or_null(mc_col_int64(s, 5)), "received_at", mc__time_or_null(mc_col_int64(s, 6)),
			      "due_at", mc__time_or_null(mc_col_int64(s, 7)), "current_step",
			      (json_int_t)mc_col_int64(s, 8), "current_role", mc_col_text(s, 9), "procedure_name",
			      mc_col_text(s, 11), "procedure_name_en", mc_col_text(s, 12));
	/* the applicant's name, for lists that officials scan by person */
	json_error_t je;
	json_t *ap = mc_col_text(s, 10) ? json_loads(mc_col_text(s, 10), 0, &je) : NULL;
	json_t *name = json_object_get(ap, "full_name");
	json_object_set_new(j, "applicant_name", json_is_string(name) ? json_copy(name) : json_null());
	json_decref(ap);
	/* early / on time / late once the result is ready, so that a list
	 * needs no request per finished dossier */
	json_object_set_new(j, "result_status", mc_col_text(s, 13) ? json_string(mc_col_text(s, 13)) : json_null());
	json_object_set_new(j, "completed_at", mc__time_or_null(mc_col_int64(s, 14)));
	return j;
}

#define SUMMARY_COLS                                                                                                   \
	"d.id, d.code, d.status, d.procedure_code, d.channel, d.submitted_at, COALESCE(d.received_at, 0),"             \
	" COALESCE(d.due_at, 0), d.current_step, d.step_role, d.applicant, p.name, p.name_en, d.result_status,"        \
	" COALESCE(d.completed_at, 0)"

/* One query for every queue: which rows differ by a few flags, all of them
 * bound, so the statement is prepared once per join.  The work queues
 * (what the caller is to act on) join the agencies the caller acts for:
 * the caller's own and those it is an internal unit of, as the actions
 * check (mc_agency_acts_for).  The supervision queues join the caller's
 * whole agency subtree. */
#define QUEUE_SQL(JOIN)                                                                                                \
	"SELECT " SUMMARY_COLS " FROM dossiers d JOIN procedures p ON p.id = d.procedure_id " JOIN                     \
	" WHERE (CAST(? AS BIGINT) = 0 OR d.step_role IN (SELECT role_code FROM user_roles WHERE user_id = ?))"        \
	" AND (CAST(? AS TEXT) IS NULL OR d.status = ?)"                                                               \
	" AND (CAST(? AS BIGINT) = 0 OR d.assignee_id = ?)"                                                            \
	" AND ((CAST(? AS BIGINT) = 0 AND CAST(? AS BIGINT) = 0)"                                                      \
	"  OR (d.status = 'in_progress' AND d.due_at <= ?)"                                                            \
	"  OR (d.status = 'submitted' AND d.channel = 'online' AND d.submitted_at < ?))"                               \
	" AND (CAST(? AS BIGINT) = 0 OR d.due_at > ?)"                                                                 \
	" AND (CAST(? AS TEXT) IS NULL OR d.procedure_code = ?)"                                                       \
	" AND (CAST(? AS BIGINT) = 0 OR d.competent_agency_id = ? OR d.received_agency_id = ?)"                        \
	" AND (CAST(? AS BIGINT) = 0 OR d.received_at >= ?)"                                                           \
	" AND (CAST(? AS BIGINT) = 0 OR d.received_at < ?)"                                                            \
	" AND (CAST(? AS BIGINT) = 0 OR d.id < ?)"                                                                     \
	" AND (CAST(? AS TEXT) IS NULL OR d.code LIKE ?)"                                                              \
	" ORDER BY d.id DESC LIMIT ?"
static const char work_sql[] = QUEUE_SQL(
	"JOIN agency_tree t ON t.ancestor_id = d.current_agency_id AND t.descendant_id = ? AND t.same_body = 1");
static const char supervise_sql[] =
	QUEUE_SQL("JOIN agency_tree t ON t.descendant_id = d.current_agency_id AND t.ancestor_id = ?");

struct qspec {
	int work; /* a work queue (steps the caller acts on), else supervision */
	int by_role;
	const char *status;
	int mine;
	int64_t due_before, due_after;
	int64_t received_late; /* submitted online before this and not received: late */
};

/* The latest submission instant that had a working day (8 working hours)
 * to be received by now: an online dossier submitted before it and still
 * not received waits too long (the statistics' report uses the same). */
static int reception_cut(struct mc_conn *c, int64_t now, int64_t *cut)
{
	struct mc_calendar cal;
	int rc = mc_holidays_calendar(c, &cal);
	if (rc)
		return rc;
	*cut = mc_cal_working_before(&cal, now, 8 * 60);
	mc_cal_release(&cal);
	return 0;
}

static int spec_of(struct mc_dossier_ctx *x, const char *queue, struct qspec *q)
{
	memset(q, 0, sizeof(*q));
	int64_t now = mc_time_now_ms();
	if (strcmp(queue, "receive") == 0) {
		q->by_role = 1;
		q->status = "submitted";
	} else if (strcmp(queue, "mine") == 0) {
		q->mine = 1;
	} else if (strcmp(queue, "due_soon") == 0) {
		struct mc_calendar cal;
		int rc = mc_holidays_calendar(x->c, &cal);
		if (rc)
			return rc;
		mc_cal_add_working_minutes(&cal, now, 8 * 60, &q->due_before);
		mc_cal_release(&cal);
		q->by_role = 1;
		q->status = "in_progress";
		q->due_after = now;
	} else if (strcmp(queue, "overdue") == 0) {
		/* past the legal deadline, or (the clerks') not received in time */
		q->by_role = 1;
		q->due_before = now;
		int rc = reception_cut(x->c, now, &q->received_late);
		if (rc)
			return rc;
	} else if (strcmp(queue, "process") == 0) {
		q->by_role = 1;
		q->status = "in_progress";
	} else if (strcmp(queue, "return") == 0) {
		q->by_role = 1;
		q->status = "result_ready";
	} else if (strcmp(queue, "supplement") == 0) {
		q->status = "supplement_requested";
		return 0;
	} else if (strcmp(queue, "all") == 0) {
		q->by_role = 0;
		return 0;
	} else {
		return MC_E_NOT_FOUND;
	}
	q->work = 1;
	return 0;
}

static int run_queue(struct mc_dossier_ctx *x, const struct qspec *q, const struct mc_queue_filter *f, int limit,
		     json_t **out, int64_t *next_before, int64_t *count)
{
	const struct mc_principal *w = x->who;
	const char *status = f && f->status ? f->status : q->status;
	int64_t uid = w->user_id, mine = q->mine ? uid : 0;
	int64_t due_before = q->due_before, received_late = q->received_late;
	if (f && f->late) {
		/* the list behind a figure of lateness: only the late ones */
		int64_t now = mc_time_now_ms(), cut = 0;
		int rc = (f->late & MC_LATE_RECEPTION) ? reception_cut(x->c, now, &cut) : 0;
		if (rc)
			return rc;
		due_before = (f->late & MC_LATE_DEADLINE) ? now : -1;
		received_late = (f->late & MC_LATE_RECEPTION) ? cut : -1;
	}
	int64_t ag = f ? f->agency_id : 0, from = f ? f->from : 0, to = f ? f->to : 0, before = f ? f->before_id : 0;
	const char *proc = f ? f->procedure_code : NULL;
	/* part of a code: the caller checked its characters (no LIKE wildcards) */
	const char *like = f && f->code_part ? mc_sprintf(x->arena, "%%%s%%", f->code_part) : NULL;
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s, q->work ? work_sql : supervise_sql,
			  "iiittiiiiiiiitt"
			  "iiiiiiiii"
			  "ttd",
			  w->agency_id, (int64_t)q->by_role, uid, status, status, mine, mine, due_before, received_late,
			  due_before, received_late, q->due_after, q->due_after, proc, proc, ag, ag, ag, from, from, to,
			  to, before, before, like, like, limit + 1);
	if (rc)
		return rc;
	json_t *arr = out ? json_array() : NULL;
	int n = 0;
	if (next_before)
		*next_before = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		if (n == limit) {
			if (next_before)
				*next_before = mc_col_int64(s, 0) + 1; /* strictly below the last shown */
			continue;
		}
		if (arr)
			json_array_append_new(arr, summary(s));
		n++;
	}
	mc_stmt_done(s);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	if (next_before && *next_before && arr)
		*next_before = json_integer_value(json_object_get(json_array_get(arr, json_array_size(arr) - 1), "id"));
	if (count)
		*count = n;
	if (out)
		*out = arr;
	return 0;
}

int mc_dossier_queue(struct mc_dossier_ctx *x, const char *queue, const struct mc_queue_filter *f, json_t **out,
		     int64_t *next_before)
{
	struct qspec q;
	int rc = spec_of(x, queue, &q);
	if (rc)
		return rc;
	return run_queue(x, &q, f, f && f->limit ? f->limit : 50, out, next_before, NULL);
}

int mc_dossier_queue_counts(struct mc_dossier_ctx *x, json_t **out)
{
	static const char *const names[] = {"receive",  "process", "return",    "mine",
					    "due_soon", "overdue", "supplement"};
	json_t *j = json_object();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct qspec q;
		int64_t n = 0;
		int rc = spec_of(x, names[i], &q);
		if (!rc)
			rc = run_queue(x, &q, NULL, 10000, NULL, NULL, &n);
		if (rc) {
			json_decref(j);
			return rc;
		}
		json_object_set_new(j, names[i], json_integer(n));
	}
	*out = j;
	return 0;
}

int mc_dossier_mine(struct mc_dossier_ctx *x, int64_t before_id, int limit, json_t **out, int64_t *next_before)
{
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s,
			  "SELECT " SUMMARY_COLS " FROM dossiers d JOIN procedures p ON p.id = d.procedure_id WHERE "
			  "d.applicant_id = ? AND (CAST(? AS BIGINT) = 0 OR d.id < ?)"
			  " ORDER BY d.id DESC LIMIT ?",
			  "iiid", x->who->user_id, before_id, before_id, limit + 1);
	if (rc)
		return rc;
	json_t *arr = json_array();
	int n = 0;
	*next_before = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		if (n++ == limit) {
			*next_before = json_integer_value(
				json_object_get(json_array_get(arr, json_array_size(arr) - 1), "id"));
			continue;
		}
		json_array_append_new(arr, summary(s));
	}
	mc_stmt_done(s);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

/* ---------------- statistics ---------------- */

static const char *const counters[] = {"received_online", "received_counter", "resolved_early", "resolved_on_time",
				       "resolved_late",   "refused",          "withdrawn",      "stopped"};
#define NCOUNTERS 8

static void add_rate(json_t *row)
{
	int64_t e = json_integer_value(json_object_get(row, "resolved_early")),
		o = json_integer_value(json_object_get(row, "resolved_on_time")),
		l = json_integer_value(json_object_get(row, "resolved_late"));
	json_object_set_new(row, "resolved", json_integer(e + o + l));
	json_object_set_new(row, "received",
			    json_integer(json_integer_value(json_object_get(row, "received_online")) +
					 json_integer_value(json_object_get(row, "received_counter"))));
	json_object_set_new(row, "on_time_rate", mc__on_time_rate(e, o, l));
}

/* The fewest period rows covering [from, to]: whole years, then whole
 * months, then days. */
static void periods(const char *from, const char *to, json_t *list)
{
	int y, m, d, ty, tm, td;
	sscanf(from, "%d-%d-%d", &y, &m, &d);
	sscanf(to, "%d-%d-%d", &ty, &tm, &td);
	int64_t day = mc_days_from_civil(y, m, d), end = mc_days_from_civil(ty, tm, td);
	while (day <= end) {
		mc_civil_from_days(day, &y, &m, &d);
		int64_t year_end = mc_days_from_civil(y, 12, 31);
		int nm = m == 12 ? 1 : m + 1, ny = m == 12 ? y + 1 : y;
		int64_t month_end = mc_days_from_civil(ny, nm, 1) - 1;
		if (m == 1 && d == 1 && year_end <= end) {
			json_array_append_new(list, json_sprintf("Y%04d", y));
			day = year_end + 1;
		} else if (d == 1 && month_end <= end) {
			json_array_append_new(list, json_sprintf("M%04d-%02d", y, m));
			day = month_end + 1;
		} else {
			json_array_append_new(list, json_sprintf("D%04d-%02d-%02d", y, m, d));
			day++;
		}
	}
}

static const char *group_col(const char *group)
{
	if (!group)
		return "''";
	if (strcmp(group, "agency") == 0)
		return "CAST(s.agency_id AS TEXT)";
	if (strcmp(group, "procedure") == 0)
		return "s.procedure_code";
	if (strcmp(group, "field") == 0)
		return "s.field_code";
	return NULL;
}

static json_t *find_or_add(json_t *rows, const char *key)
{
	json_t *r = json_object_get(rows, key);
	if (!r) {
		r = json_object();
		for (int i = 0; i < NCOUNTERS; i++)
			json_object_set_new(r, counters[i], json_integer(0));
		json_object_set_new(rows, key, r);
	}
	return r;
}

static json_t *finish(json_t *rows, const char *group)
{
	json_t *items = json_array();
	const char *k;
	json_t *v;
	json_t *total = json_object();
	for (int i = 0; i < NCOUNTERS; i++)
		json_object_set_new(total, counters[i], json_integer(0));
	json_object_foreach(rows, k, v) {
		for (int i = 0; i < NCOUNTERS; i++)
			json_object_set_new(total, counters[i],
					    json_integer(json_integer_value(json_object_get(total, counters[i])) +
							 json_integer_value(json_object_get(v, counters[i]))));
		add_rate(v);
		if (group)
			json_object_set_new(v, group, json_string(k));
		json_array_append(items, v);
	}
	add_rate(total);
	return json_pack("{s:o, s:o}", "total", total, "items", items);
}

int mc_dossier_stats(struct mc_conn *c, int64_t root, const char *from_day, const char *to_day, const char *group,
		     json_t **out)
{
	const char *gc = group_col(group);
	if (!gc)
		return MC_E_VALIDATION;
	json_t *list = json_array();
	periods(from_day, to_day, list);
	json_t *rows = json_object();
	char sql[800];
	snprintf(sql, sizeof(sql),
		 "SELECT %s, SUM(s.received_online), SUM(s.received_counter), SUM(s.resolved_early), "
		 "SUM(s.resolved_on_time),"
		 " SUM(s.resolved_late), SUM(s.refused), SUM(s.withdrawn), SUM(s.stopped) FROM dossier_stats s"
		 " JOIN agency_tree t ON t.descendant_id = s.agency_id AND t.ancestor_id = ?"
		 " WHERE s.period = ? GROUP BY 1",
		 gc);
	size_t i;
	json_t *p;
	int rc = 0;
	json_array_foreach(list, i, p) {
		struct mc_stmt *s;
		if ((rc = mc_query(c, &s, sql, "it", root, json_string_value(p))))
			break;
		while ((rc = mc_step(s)) == MC_DB_ROW) {
			json_t *r = find_or_add(rows, mc_col_text(s, 0) ? mc_col_text(s, 0) : "");
			for (int k = 0; k < NCOUNTERS; k++)
				json_object_set_new(r, counters[k],
						    json_integer(json_integer_value(json_object_get(r, counters[k])) +
								 mc_col_int64(s, k + 1)));
		}
		mc_stmt_done(s);
		if (rc < 0)
			break;
		rc = 0;
	}
	json_decref(list);
	if (rc) {
		json_decref(rows);
		return rc;
	}
	json_t *res = finish(rows, group);
	json_decref(rows);
	/* in progress now: within and past the deadline (from the dossiers); one
	 * waiting for the applicant's papers is not late, its clock is stopped
	 * until they arrive */
	int64_t now = mc_time_now_ms(), within = 0, past = 0;
	rc = mc_query_int64(
		c, &within,
		"SELECT COUNT(*) FROM dossiers d JOIN agency_tree t ON t.descendant_id = d.competent_agency_id"
		" AND t.ancestor_id = ? WHERE (d.status = 'supplement_requested'"
		" OR (d.status = 'in_progress' AND d.due_at >= ?))",
		"ii", root, now);
	if (!rc)
		rc = mc_query_int64(
			c, &past,
			"SELECT COUNT(*) FROM dossiers d JOIN agency_tree t ON t.descendant_id = d.competent_agency_id"
			" AND t.ancestor_id = ? WHERE d.status = 'in_progress' AND d.due_at < ?",
			"ii", root, now);
	if (rc) {
		json_decref(res);
		return rc;
	}
	json_object_set_new(
		res, "in_progress",
		json_pack("{s:I, s:I}", "within_deadline", (json_int_t)within, "past_deadline", (json_int_t)past));
	json_object_set_new(res, "from", json_string(from_day));
	json_object_set_new(res, "to", json_string(to_day));
	*out = res;
	return 0;
}

int mc_dossier_stats_recount(struct mc_conn *c, int64_t root, const char *from_day, const char *to_day,
			     const char *group, json_t **out)
{
	const char *gc = group_col(group);
	if (!gc)
		return MC_E_VALIDATION;
	/* local dates -> UTC bounds */
	int y, m, d;
	sscanf(from_day, "%d-%d-%d", &y, &m, &d);
	int64_t lo = mc_days_from_civil(y, m, d) * 86400000 - (int64_t)MC_VN_OFFSET_MIN * 60000;
	sscanf(to_day, "%d-%d-%d", &y, &m, &d);
	int64_t hi = (mc_days_from_civil(y, m, d) + 1) * 86400000 - (int64_t)MC_VN_OFFSET_MIN * 60000;
	const char *g = strcmp(gc, "''") == 0     ? "''"
			: strstr(gc, "agency")    ? "CAST(d.competent_agency_id AS TEXT)"
			: strstr(gc, "procedure") ? "d.procedure_code"
						  : "d.field_code";
	char sql[1600];
	snprintf(sql, sizeof(sql),
		 "SELECT %s,"
		 " SUM(CASE WHEN d.channel = 'online' AND d.received_at >= ? AND d.received_at < ? THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN d.channel = 'counter' AND d.received_at >= ? AND d.received_at < ? THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN d.result_status = 'early' AND d.completed_at >= ? AND d.completed_at < ? THEN 1 ELSE "
		 "0 END),"
		 " SUM(CASE WHEN d.result_status = 'on_time' AND d.completed_at >= ? AND d.completed_at < ? THEN 1 "
		 "ELSE 0 END),"
		 " SUM(CASE WHEN d.result_status = 'late' AND d.completed_at >= ? AND d.completed_at < ? THEN 1 ELSE 0 "
		 "END),"
		 " SUM(CASE WHEN d.status = 'refused' AND d.received_at IS NOT NULL AND d.completed_at >= ? AND "
		 "d.completed_at < ? THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN d.status = 'withdrawn' AND d.received_at IS NOT NULL AND d.completed_at >= ? AND "
		 "d.completed_at < ? THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN d.status = 'stopped' AND d.received_at IS NOT NULL AND d.completed_at >= ? AND "
		 "d.completed_at < ? THEN 1 ELSE 0 END)"
		 " FROM dossiers d JOIN agency_tree t ON t.descendant_id = d.competent_agency_id AND t.ancestor_id = ?"
		 " GROUP BY 1",
		 g);
	struct mc_stmt *s;
	int rc = mc_query(c, &s, sql, "iiiiiiiiiiiiiiiii", lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo,
			  hi, root);
	if (rc)
		return rc;
	json_t *rows = json_object();
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		int any = 0;
		for (int k = 0; k < NCOUNTERS; k++)
			any |= mc_col_int64(s, k + 1) != 0;
		if (!any)
			continue;
		json_t *r = find_or_add(rows, mc_col_text(s, 0) ? mc_col_text(s, 0) : "");
		for (int k = 0; k < NCOUNTERS; k++)
			json_object_set_new(r, counters[k], json_integer(mc_col_int64(s, k + 1)));
	}
	mc_stmt_done(s);
	if (rc < 0) {
		json_decref(rows);
		return rc;
	}
	json_t *res = finish(rows, group);
	json_decref(rows);
	*out = res;
	return 0;
}
