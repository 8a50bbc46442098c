/* queue.c - officials' work queues, applicants' lists and statistics. */
#include "dossier.h"
#include "internal.h"

#include "../core/buf.h"
#include "../core/timeutil.h"
#include "../db/qb.h"
#include "../db/rows.h"
#include "../org/org.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* The columns of a dossier in a list, and their positions: named once. */
#define SUMMARY_COLS                                                                                                   \
	"d.id, d.code, d.status, d.procedure_code, d.channel, d.submitted_at, COALESCE(d.received_at, 0),"             \
	" COALESCE(d.due_at, 0), d.current_step, d.step_role, d.applicant, p.name, p.name_en, d.result_status,"        \
	" COALESCE(d.completed_at, 0), (SELECT a.code FROM dossiers a WHERE a.id = d.parent_id)"
enum {
	SUM_ID,
	SUM_CODE,
	SUM_STATUS,
	SUM_PROCEDURE_CODE,
	SUM_CHANNEL,
	SUM_SUBMITTED_AT,
	SUM_RECEIVED_AT,
	SUM_DUE_AT,
	SUM_CURRENT_STEP,
	SUM_STEP_ROLE,
	SUM_APPLICANT,
	SUM_PROCEDURE_NAME,
	SUM_PROCEDURE_NAME_EN,
	SUM_RESULT_STATUS,
	SUM_COMPLETED_AT,
	SUM_PARENT_CODE,
};

/* One row of SUMMARY_COLS as the list item the API answers. */
static json_t *fill_summary(struct mc_stmt *s)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:I, s:s?, s:s?, s:s?}", "id",
			      (json_int_t)mc_col_int64(s, SUM_ID), "code", mc_col_text(s, SUM_CODE), "status",
			      mc_col_text(s, SUM_STATUS), "procedure_code", mc_col_text(s, SUM_PROCEDURE_CODE),
			      "channel", mc_col_text(s, SUM_CHANNEL), "submitted_at",
			      mc__time_or_null(mc_col_int64(s, SUM_SUBMITTED_AT)), "received_at",
			      mc__time_or_null(mc_col_int64(s, SUM_RECEIVED_AT)), "due_at",
			      mc__time_or_null(mc_col_int64(s, SUM_DUE_AT)), "current_step",
			      (json_int_t)mc_col_int64(s, SUM_CURRENT_STEP), "current_role",
			      mc_col_text(s, SUM_STEP_ROLE), "procedure_name", mc_col_text(s, SUM_PROCEDURE_NAME),
			      "procedure_name_en", mc_col_text(s, SUM_PROCEDURE_NAME_EN));
	/* the applicant's name, for lists that officials scan by person */
	const char *applicant = mc_col_text(s, SUM_APPLICANT);
	json_error_t je;
	json_t *ap = applicant ? json_loads(applicant, 0, &je) : NULL;
	json_t *name = json_object_get(ap, "full_name");
	json_object_set_new(j, "applicant_name", json_is_string(name) ? json_copy(name) : json_null());
	json_decref(ap);
	/* early / on time / late once the result is ready, so that a list
	 * needs no request per finished dossier */
	const char *result = mc_col_text(s, SUM_RESULT_STATUS);
	json_object_set_new(j, "result_status", result ? json_string(result) : json_null());
	json_object_set_new(j, "completed_at", mc__time_or_null(mc_col_int64(s, SUM_COMPLETED_AT)));
	/* a part of a linked application (src/linked): the application's code */
	if (mc_col_text(s, SUM_PARENT_CODE))
		json_object_set_new(j, "linked_application", json_string(mc_col_text(s, SUM_PARENT_CODE)));
	return j;
}

static json_t *summary_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return fill_summary(s);
}

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

/* What a queue shows once its own rules and the caller's filters are
 * merged; 0 or NULL: no such condition. */
struct qwhere {
	int work;          /* a work queue (joins the agencies the caller acts for), else supervision */
	int64_t agency;    /* the caller's agency */
	int64_t role_user; /* at a step whose role this user holds */
	const char *status;
	int64_t assignee;
	int64_t due_before;    /* in progress, due by then ... */
	int64_t received_late; /* ... or submitted online before then and not received (-1: not asked) */
	int64_t due_after;
	const char *procedure;
	int64_t any_agency; /* competent or receiving */
	int64_t from, to;   /* received in [from, to) */
	int64_t before_id;  /* keyset pagination: ids below this one */
	const char *like;   /* code LIKE */
};

/* Late ones: past the legal deadline, or (the clerks') not received in
 * time; a kind asked for with no instant (-1) matches nothing. */
static void where_late(struct mc_qb *b, int64_t due_before, int64_t received_late)
{
	static const char due[] = "d.status = 'in_progress' AND d.due_at <= ?";
	static const char unreceived[] = "d.status = 'submitted' AND d.channel = 'online' AND d.submitted_at < ?";
	if (due_before > 0 && received_late > 0)
		mc_qb_and(b,
			  "((d.status = 'in_progress' AND d.due_at <= ?)"
			  " OR (d.status = 'submitted' AND d.channel = 'online' AND d.submitted_at < ?))",
			  "ii", due_before, received_late);
	else if (due_before > 0)
		mc_qb_and(b, due, "i", due_before);
	else if (received_late > 0)
		mc_qb_and(b, unreceived, "i", received_late);
	else if (due_before || received_late)
		mc_qb_and(b, "1 = 0", "");
}

/* The ids of the dossiers that match w, newest first: only the columns of
 * the queue indexes where no filter asks for more, so that a wide queue
 * (a leader's city) is read from the index, not row by row. */
static void compose_ids(struct mc_qb *b, const struct qwhere *w, int limit)
{
	mc_qb_add(b, "SELECT d.id FROM dossiers d", "");
	/* the work queues (what the caller is to act on) join the agencies
	 * the caller acts for: its own and those it is an internal unit of,
	 * as the actions check (mc_agency_acts_for); the supervision queues
	 * join the caller's whole agency subtree */
	if (w->work)
		mc_qb_add(b,
			  " JOIN agency_tree t ON t.ancestor_id = d.current_agency_id AND t.descendant_id = ?"
			  " AND t.same_body = 1",
			  "i", w->agency);
	else
		mc_qb_add(b, " JOIN agency_tree t ON t.descendant_id = d.current_agency_id AND t.ancestor_id = ?", "i",
			  w->agency);
	/* implied by the join; said so that PostgreSQL may walk the open
	 * dossiers (dossiers_open) instead of every dossier ever filed */
	mc_qb_and(b, "d.current_agency_id IS NOT NULL", "");
	if (w->role_user)
		mc_qb_and(b, "d.step_role IN (SELECT role_code FROM user_roles WHERE user_id = ?)", "i", w->role_user);
	if (w->status)
		mc_qb_and(b, "d.status = ?", "t", w->status);
	if (w->assignee)
		mc_qb_and(b, "d.assignee_id = ?", "i", w->assignee);
	where_late(b, w->due_before, w->received_late);
	if (w->due_after)
		mc_qb_and(b, "d.due_at > ?", "i", w->due_after);
	if (w->procedure)
		mc_qb_and(b, "d.procedure_code = ?", "t", w->procedure);
	/* checked on the rows the queue finds ("+": not through the indexes on
	 * these agencies, which hold every dossier they ever had) */
	if (w->any_agency)
		mc_qb_and(b, "(+d.competent_agency_id = ? OR +d.received_agency_id = ?)", "ii", w->any_agency,
			  w->any_agency);
	if (w->from)
		mc_qb_and(b, "d.received_at >= ?", "i", w->from);
	if (w->to)
		mc_qb_and(b, "d.received_at < ?", "i", w->to);
	if (w->before_id)
		mc_qb_and(b, "d.id < ?", "i", w->before_id);
	if (w->like)
		mc_qb_and(b, "d.code LIKE ?", "t", w->like);
	mc_qb_add(b, " ORDER BY d.id DESC LIMIT ?", "i", (int64_t)limit);
}

/* The query of a queue: cols of the dossiers that match w, newest first
 * (NULL: only their ids).  The page's ids are found first, then only
 * those rows are read. */
static void compose(struct mc_qb *b, const char *cols, const struct qwhere *w, int limit)
{
	if (!cols) {
		compose_ids(b, w, limit);
		return;
	}
	mc_qb_add(b, "SELECT ", "");
	mc_qb_add(b, cols, "");
	mc_qb_add(b, " FROM dossiers d JOIN procedures p ON p.id = d.procedure_id WHERE d.id IN (", "");
	compose_ids(b, w, limit);
	mc_qb_add(b, ") ORDER BY d.id DESC", "");
}

/* Merge a queue's rules and the caller's filters (f may be NULL). */
static int where_of(struct mc_dossier_ctx *x, const struct qspec *q, const struct mc_queue_filter *f, struct qwhere *w)
{
	*w = (struct qwhere){
		.work = q->work,
		.agency = x->who->agency_id,
		.role_user = q->by_role ? x->who->user_id : 0,
		.status = f && f->status ? f->status : q->status,
		.assignee = q->mine ? x->who->user_id : 0,
		.due_before = q->due_before,
		.received_late = q->received_late,
		.due_after = q->due_after,
	};
	if (!f)
		return 0;
	if (f->late) {
		/* the list behind a figure of lateness: only the late ones */
		int64_t now = mc_time_now_ms(), cut = 0;
		int rc = (f->late & MC_LATE_RECEPTION) ? reception_cut(x->c, now, &cut) : 0;
		if (rc)
			return rc;
		w->due_before = (f->late & MC_LATE_DEADLINE) ? now : -1;
		w->received_late = (f->late & MC_LATE_RECEPTION) ? cut : -1;
	}
	w->procedure = f->procedure_code;
	w->any_agency = f->agency_id;
	w->from = f->from;
	w->to = f->to;
	w->before_id = f->before_id;
	/* part of a code: the caller checked its characters (no LIKE wildcards) */
	w->like = f->code_part ? mc_sprintf(x->arena, "%%%s%%", f->code_part) : NULL;
	return 0;
}

/* Run a queue: up to limit items into *out (NULL: only count them into
 * *count), and the id to continue below when there are more. */
static int run_queue(struct mc_dossier_ctx *x, const struct qspec *q, const struct mc_queue_filter *f, int limit,
		     json_t **out, int64_t *next_before, int64_t *count)
{
	struct qwhere w;
	int rc = where_of(x, q, f, &w);
	if (rc)
		return rc;
	struct mc_qb b = {.sql = MC_BUF_INIT(4096)};
	compose(&b, out ? SUMMARY_COLS : NULL, &w, limit + 1);
	struct mc_stmt *s;
	rc = mc_qb_query(x->c, &b, &s);
	mc_buf_release(&b.sql);
	if (rc)
		return rc;
	json_t *arr = out ? json_array() : NULL;
	int n = 0, more = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		if (n == limit)
			more = 1; /* the one row past the page */
		else if (arr)
			json_array_append_new(arr, fill_summary(s));
		n += n < limit;
	}
	mc_stmt_done(s);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	if (next_before)
		*next_before = more && arr ? json_integer_value(json_object_get(
						     json_array_get(arr, json_array_size(arr) - 1), "id"))
					   : 0;
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

int mc__queue_explain(struct mc_dossier_ctx *x, const char *queue, const struct mc_queue_filter *f, const char *explain,
		      struct mc_stmt **out)
{
	struct qspec q;
	struct qwhere w;
	int rc = spec_of(x, queue, &q);
	if (!rc)
		rc = where_of(x, &q, f, &w);
	if (rc)
		return rc;
	struct mc_qb b = {.sql = MC_BUF_INIT(4096)};
	mc_qb_add(&b, explain, "");
	compose(&b, SUMMARY_COLS, &w, (f && f->limit ? f->limit : 50) + 1);
	rc = mc_qb_query(x->c, &b, out);
	mc_buf_release(&b.sql);
	return rc;
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
	struct mc_qb b = {.sql = MC_BUF_INIT(1024)};
	mc_qb_add(&b, "SELECT " SUMMARY_COLS " FROM dossiers d JOIN procedures p ON p.id = d.procedure_id", "");
	mc_qb_and(&b, "d.applicant_id = ?", "i", x->who->user_id);
	if (before_id)
		mc_qb_and(&b, "d.id < ?", "i", before_id);
	mc_qb_add(&b, " ORDER BY d.id DESC LIMIT ?", "i", (int64_t)limit + 1);
	struct mc_stmt *s;
	int rc = mc_qb_query(x->c, &b, &s);
	mc_buf_release(&b.sql);
	if (rc)
		return rc;
	int more;
	if ((rc = mc_rows_json_page(s, summary_row, NULL, (size_t)limit, out, &more)))
		return rc;
	*next_before = more ? mc_rows_last_id(*out) : 0;
	return 0;
}

/* ---------------- statistics ---------------- */

static const char *const counters[] = {"received_online", "received_counter", "resolved_early", "resolved_on_time",
				       "resolved_late",   "refused",          "withdrawn",      "stopped"};
#define NCOUNTERS 8

/* A row of a statistics query: the group's key, then one column per
 * counter, in the order of counters[]. */
enum { COUNT_KEY, COUNT_FIRST };

struct count_row {
	const char *key; /* valid until the next step */
	int64_t v[NCOUNTERS];
	int any; /* a counter is not 0 */
};

static void fill_counts(struct mc_stmt *s, struct count_row *r)
{
	r->key = mc_col_text(s, COUNT_KEY) ? mc_col_text(s, COUNT_KEY) : "";
	r->any = 0;
	for (int k = 0; k < NCOUNTERS; k++) {
		r->v[k] = mc_col_int64(s, COUNT_FIRST + k);
		r->any |= r->v[k] != 0;
	}
}

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

/*
 * The period rows (dossier_stats.period: "Y2026", "M2026-03",
 * "D2026-03-14") whose signed sum is the range [from, to], each written as
 * "+<period>" or "-<period>".  A part of a month is its days, or the month
 * less the days outside it, whichever reads fewer rows; a part of a year
 * likewise its months, or the year less the rest.  A year to today from
 * the same day last year: 14 rows, not 43 (most of them days, the rows
 * most costly to sum for their span).
 */
static void period_add(json_t *list, int sign, char kind, int y, int m, int d)
{
	char p[16];
	if (kind == 'Y')
		snprintf(p, sizeof(p), "%cY%04d", sign > 0 ? '+' : '-', y);
	else if (kind == 'M')
		snprintf(p, sizeof(p), "%cM%04d-%02d", sign > 0 ? '+' : '-', y, m);
	else
		snprintf(p, sizeof(p), "%cD%04d-%02d-%02d", sign > 0 ? '+' : '-', y, m, d);
	json_array_append_new(list, json_string(p));
}

static int64_t month_first(int y, int m)
{
	return mc_days_from_civil(y, m, 1);
}

static int64_t month_last(int y, int m)
{
	return m == 12 ? mc_days_from_civil(y + 1, 1, 1) - 1 : mc_days_from_civil(y, m + 1, 1) - 1;
}

static void days_add(json_t *list, int sign, int64_t a, int64_t b)
{
	for (int64_t day = a; day <= b; day++) {
		int y, m, d;
		mc_civil_from_days(day, &y, &m, &d);
		period_add(list, sign, 'D', y, m, d);
	}
}

/* [a, b], days of month y-m, counted with sign. */
static void month_part(json_t *list, int sign, int y, int m, int64_t a, int64_t b)
{
	int64_t first = month_first(y, m), last = month_last(y, m);
	int64_t inside = b - a + 1, outside = (last - first + 1) - inside;
	if (outside == 0) {
		period_add(list, sign, 'M', y, m, 0);
	} else if (1 + outside < inside) {
		period_add(list, sign, 'M', y, m, 0);
		days_add(list, -sign, first, a - 1);
		days_add(list, -sign, b + 1, last);
	} else {
		days_add(list, sign, a, b);
	}
}

/* [a, b], days of year y. */
static void year_part(json_t *list, int y, int64_t a, int64_t b)
{
	int ya, ma, da, yb, mb, db;
	mc_civil_from_days(a, &ya, &ma, &da);
	mc_civil_from_days(b, &yb, &mb, &db);
	json_t *each = json_array(), *rest = json_array();
	for (int m = ma; m <= mb; m++) {
		int64_t lo = month_first(y, m), hi = month_last(y, m);
		month_part(each, 1, y, m, a > lo ? a : lo, b < hi ? b : hi);
	}
	period_add(rest, 1, 'Y', y, 0, 0);
	for (int m = 1; m <= 12; m++)
		if (m < ma || m > mb)
			period_add(rest, -1, 'M', y, m, 0);
	if (a > month_first(y, ma))
		month_part(rest, -1, y, ma, month_first(y, ma), a - 1);
	if (b < month_last(y, mb))
		month_part(rest, -1, y, mb, b + 1, month_last(y, mb));
	json_array_extend(list, json_array_size(rest) < json_array_size(each) ? rest : each);
	json_decref(each);
	json_decref(rest);
}

static void periods(const char *from, const char *to, json_t *list)
{
	int y, m, d, ty, tm, td;
	sscanf(from, "%d-%d-%d", &y, &m, &d);
	sscanf(to, "%d-%d-%d", &ty, &tm, &td);
	int64_t a = mc_days_from_civil(y, m, d), b = mc_days_from_civil(ty, tm, td);
	for (int year = y; year <= ty; year++) {
		int64_t lo = mc_days_from_civil(year, 1, 1), hi = mc_days_from_civil(year, 12, 31);
		if ((a > lo ? a : lo) <= (b < hi ? b : hi))
			year_part(list, year, a > lo ? a : lo, b < hi ? b : hi);
	}
}

/* The statistics' SQL for a grouping: complete statements, the key
 * column written in by the preprocessor (no SQL is assembled at run time). */
#define STATS_SQL(key)                                                                                                 \
	"SELECT " key ", SUM(s.received_online), SUM(s.received_counter), SUM(s.resolved_early),"                      \
	" SUM(s.resolved_on_time), SUM(s.resolved_late), SUM(s.refused), SUM(s.withdrawn), SUM(s.stopped)"             \
	" FROM dossier_stats s JOIN agency_tree t ON t.descendant_id = s.agency_id AND t.ancestor_id = ?"              \
	" WHERE s.period = ? GROUP BY 1"
#define RECOUNT_SUM(cond) " SUM(CASE WHEN " cond " AND d.completed_at >= ? AND d.completed_at < ? THEN 1 ELSE 0 END)"
#define RECOUNT_SQL(key)                                                                                                                                                                                                                                                                        \
	"SELECT " key ","                                                                                                                                                                                                                                                                       \
	" SUM(CASE WHEN d.channel = 'online' AND d.received_at >= ? AND d.received_at < ? THEN 1 ELSE 0 END),"                                                                                                                                                                                  \
	" SUM(CASE WHEN d.channel = 'counter' AND d.received_at >= ? AND d.received_at < ? THEN 1 ELSE 0 "                                                                                                                                                                                      \
	"END)," RECOUNT_SUM("d.result_status = 'early'") "," RECOUNT_SUM("d.result_status = 'on_time'") "," RECOUNT_SUM("d.result_status = 'late'") "," RECOUNT_SUM(                                                                                                                            \
		"d.status = 'refused' AND d.received_at IS NOT NULL") "," RECOUNT_SUM("d.status = 'withdrawn' AND "                                                                                                                                                                             \
										      "d.received_at IS NOT NULL") "," RECOUNT_SUM("d.status = 'stopped' AND d.received_at IS NOT NULL") " FROM dossiers d JOIN agency_tree t ON t.descendant_id = d.competent_agency_id AND t.ancestor_id = ?" \
																							 " GROUP BY 1"

/* SQLite's in-progress figures: three ranges of an agency's open dossiers. */
#define OPEN_IN_SUBTREE                                                                                                \
	" FROM dossiers d JOIN agency_tree t ON t.descendant_id = d.competent_agency_id AND t.ancestor_id = ?"
static const char open_counts_sqlite[] =
	"SELECT (SELECT COUNT(*)" OPEN_IN_SUBTREE " WHERE d.status = 'supplement_requested')"
	" + (SELECT COUNT(*)" OPEN_IN_SUBTREE " WHERE d.status = 'in_progress' AND d.due_at >= ?),"
	" (SELECT COUNT(*)" OPEN_IN_SUBTREE " WHERE d.status = 'in_progress' AND d.due_at < ?)";

struct stats_group {
	const char *name; /* NULL: the whole subtree in one row */
	const char *counters_sql, *recount_sql;
};

static const struct stats_group stats_groups[] = {
	{NULL, STATS_SQL("''"), RECOUNT_SQL("''")},
	{"agency", STATS_SQL("CAST(s.agency_id AS TEXT)"), RECOUNT_SQL("CAST(d.competent_agency_id AS TEXT)")},
	{"procedure", STATS_SQL("s.procedure_code"), RECOUNT_SQL("d.procedure_code")},
	{"field", STATS_SQL("s.field_code"), RECOUNT_SQL("d.field_code")},
};

static const struct stats_group *group_of(const char *group)
{
	for (size_t i = 0; i < sizeof(stats_groups) / sizeof(stats_groups[0]); i++)
		if (!group ? !stats_groups[i].name : stats_groups[i].name && strcmp(group, stats_groups[i].name) == 0)
			return &stats_groups[i];
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
		int any = 0;
		for (int i = 0; i < NCOUNTERS; i++)
			any |= json_integer_value(json_object_get(v, counters[i])) != 0;
		if (!any) /* its rows cancel out: a day taken off its month */
			continue;
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
	const struct stats_group *g = group_of(group);
	if (!g)
		return MC_E_VALIDATION;
	json_t *list = json_array();
	periods(from_day, to_day, list);
	json_t *rows = json_object();
	size_t i;
	json_t *p;
	int rc = 0;
	json_array_foreach(list, i, p) {
		struct mc_stmt *s;
		const char *period = json_string_value(p);
		int64_t sign = period[0] == '-' ? -1 : 1;
		if ((rc = mc_query(c, &s, g->counters_sql, "it", root, period + 1)))
			break;
		while ((rc = mc_step(s)) == MC_DB_ROW) {
			struct count_row row;
			fill_counts(s, &row);
			json_t *r = find_or_add(rows, row.key);
			for (int k = 0; k < NCOUNTERS; k++)
				json_object_set_new(r, counters[k],
						    json_integer(json_integer_value(json_object_get(r, counters[k])) +
								 sign * row.v[k]));
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
	 * until they arrive.  Each agency's range of (competent agency,
	 * status[, due_at]) in an index of the open dossiers, never an OR of
	 * conditions: that made both back-ends read every dossier of every
	 * agency (12.8 -> 84 ms at a million).  PostgreSQL: one pass over the
	 * subtree's open dossiers in dossiers_pending (an old month's partition
	 * holds none; a range per month of dossiers_competent made 27 of a
	 * province's 47 ms at a million).  SQLite: three ranges of
	 * dossiers_competent per agency, 0.45 ms for the city at a million
	 * where the one pass takes 1.45 (its IN list is not a join). */
	int64_t now = mc_time_now_ms(), within = 0, past = 0;
	struct mc_stmt *s = NULL;
	if (mc_db_kind(mc_conn_db(c)) == MC_DB_PG)
		rc = mc_query(
			c, &s,
			"SELECT COUNT(CASE WHEN d.status = 'supplement_requested' OR d.due_at >= ? THEN 1 END),"
			" COUNT(CASE WHEN d.status = 'in_progress' AND d.due_at < ? THEN 1 END)"
			" FROM dossiers d WHERE d.status IN ('in_progress', 'supplement_requested')"
			" AND d.competent_agency_id IN (SELECT descendant_id FROM agency_tree WHERE ancestor_id = ?)",
			"iii", now, now, root);
	else
		rc = mc_query(c, &s, open_counts_sqlite, "iiiii", root, root, now, root, now);
	if (!rc && (rc = mc_step_row(s)) == 0) {
		within = mc_col_int64(s, 0);
		past = mc_col_int64(s, 1);
	}
	mc_stmt_done(s);
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
	const struct stats_group *g = group_of(group);
	if (!g)
		return MC_E_VALIDATION;
	/* local dates -> UTC bounds */
	int64_t lo = mc__day_start(from_day, 0), hi = mc__day_start(to_day, 1);
	struct mc_stmt *s;
	int rc = mc_query(c, &s, g->recount_sql, "iiiiiiiiiiiiiiiii", lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi,
			  lo, hi, lo, hi, root);
	if (rc)
		return rc;
	json_t *rows = json_object();
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		struct count_row row;
		fill_counts(s, &row);
		if (!row.any)
			continue;
		json_t *r = find_or_add(rows, row.key);
		for (int k = 0; k < NCOUNTERS; k++)
			json_object_set_new(r, counters[k], json_integer(row.v[k]));
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
