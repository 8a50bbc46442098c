/*
 * list.c - the lists of directives and tasks (by leader, by agency, by
 * state; jurisdiction and filters in SQL, pages by id), the share of tasks
 * done on time per agency over a period, and the dashboard's count of
 * overdue tasks.
 */
#include "internal.h"

#include "../core/timeutil.h"
#include "../db/qb.h"
#include "../db/rows.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

/* The tasks of an agency's subtree. */
#define IN_SUBTREE(col) col " IN (SELECT descendant_id FROM agency_tree WHERE ancestor_id = ?)"

/* The condition of a state on task k (its values bound), or -1 when the
 * state is unknown. */
static int state_cond(struct mc_qb *q, const char *state, const char *today)
{
	if (strcmp(state, "overdue") == 0)
		mc_qb_and(q, "k.done_at IS NULL AND k.deadline < ?", "t", today);
	else if (strcmp(state, "not_started") == 0 || strcmp(state, "in_progress") == 0)
		mc_qb_and(q, "k.status = ? AND k.deadline >= ?", "tt", state, today);
	else if (strcmp(state, "done_on_time") == 0 || strcmp(state, "done_late") == 0)
		mc_qb_and(q, "k.status = ?", "t", state);
	else if (strcmp(state, "open") == 0)
		mc_qb_and(q, "k.done_at IS NULL", "");
	else if (strcmp(state, "done") == 0)
		mc_qb_and(q, "k.done_at IS NOT NULL", "");
	else if (strcmp(state, "extension") == 0) /* an extension waits for the leader */
		mc_qb_and(q,
			  "k.done_at IS NULL AND EXISTS (SELECT 1 FROM directive_extensions e WHERE e.task_id = k.id"
			  " AND e.status = 'pending')",
			  "");
	else
		return -1;
	return 0;
}

/* The filters on k and d common to both lists, the caller's reach first. */
static int filters(struct mc_directive_ctx *x, struct mc_qb *q, const struct mc__dir_caller *w,
		   const struct mc_directive_filter *f)
{
	mc_qb_and(q, MC__DIR_VISIBLE, "iii", w->body, w->office_of, w->body);
	if (f->leader_id)
		mc_qb_and(q, "d.leader_id = ?", "i", f->leader_id);
	if (f->agency_id)
		mc_qb_and(q, IN_SUBTREE("k.agency_id"), "i", f->agency_id);
	if (f->state && state_cond(q, f->state, w->today) < 0) {
		mc_bad_field(x->e, "state", MC_M_DIRECTIVE_STATE_ENUM);
		return x->e->code = MC_E_VALIDATION;
	}
	return 0;
}

static int page(struct mc_conn *c, struct mc_qb *q, mc_row_json_fn *row, int limit, json_t **items, int64_t *next)
{
	struct mc_stmt *s;
	int rc = mc_qb_query(c, q, &s);
	mc_buf_release(&q->sql);
	if (rc)
		return rc;
	int more = 0;
	if ((rc = mc_rows_json_page(s, row, NULL, (size_t)limit, items, &more)))
		return rc;
	*next = more ? mc_rows_last_id(*items) : 0;
	return 0;
}

int mc_directive_tasks(struct mc_directive_ctx *x, const struct mc_directive_filter *f, json_t **items, int64_t *next)
{
	struct mc__dir_caller w;
	int rc = mc__dir_caller(x, mc_time_now_ms(), &w);
	if (rc)
		return rc;
	struct mc_qb q = {.sql = MC_BUF_INIT(4096)};
	mc_qb_add(&q, "SELECT " MC__DIR_TASK_COLS MC__DIR_TASK_FROM, "t", w.today);
	if ((rc = filters(x, &q, &w, f))) {
		mc_buf_release(&q.sql);
		return rc;
	}
	if (f->before_id)
		mc_qb_and(&q, "k.id < ?", "i", f->before_id);
	mc_qb_add(&q, " ORDER BY k.id DESC LIMIT ?", "i", (int64_t)f->limit + 1);
	return page(x->c, &q, mc__dir_task_row, f->limit, items, next);
}

static json_t *directive_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:{s:I, s:s}, s:s, s:s, s:{s:I, s:s, s:s}, s:{s:I, s:I, s:I, s:I, s:I}}", "id",
			 (json_int_t)mc_col_int64(s, 0), "content", mc_col_text(s, 1), "leader", "id",
			 (json_int_t)mc_col_int64(s, 2), "full_name", mc_col_text(s, 3), "source_kind",
			 mc_col_text(s, 4), "given_on", mc_col_text(s, 5), "body", "id", (json_int_t)mc_col_int64(s, 6),
			 "name", mc_col_text(s, 7), "name_en", mc_col_text(s, 8), "tasks", "total",
			 (json_int_t)mc_col_int64(s, 9), "overdue", (json_int_t)mc_col_int64(s, 10), "done_on_time",
			 (json_int_t)mc_col_int64(s, 11), "done_late", (json_int_t)mc_col_int64(s, 12), "open",
			 (json_int_t)mc_col_int64(s, 13));
}

int mc_directive_list(struct mc_directive_ctx *x, const struct mc_directive_filter *f, json_t **items, int64_t *next)
{
	struct mc__dir_caller w;
	int rc = mc__dir_caller(x, mc_time_now_ms(), &w);
	if (rc)
		return rc;
	/* the tasks counted are those the caller sees (v) */
	struct mc_qb q = {.sql = MC_BUF_INIT(4096)};
	mc_qb_add(&q,
		  "SELECT d.id, d.content, d.leader_id, l.full_name, d.source_kind, d.given_on, d.body_id, b.name,"
		  " b.name_en, COUNT(v.id), COUNT(CASE WHEN v.done_at IS NULL AND v.deadline < ? THEN 1 END),"
		  " COUNT(CASE WHEN v.status = 'done_on_time' THEN 1 END), COUNT(CASE WHEN v.status = 'done_late'"
		  " THEN 1 END), COUNT(CASE WHEN v.done_at IS NULL THEN 1 END) FROM directives d JOIN directive_tasks v"
		  " ON v.directive_id = d.id JOIN users l ON l.id = d.leader_id JOIN agencies b ON b.id = d.body_id",
		  "t", w.today);
	mc_qb_and(&q, MC__DIR_VISIBLE_OF("v"), "iii", w.body, w.office_of, w.body);
	if (f->before_id)
		mc_qb_and(&q, "d.id < ?", "i", f->before_id);
	/* listed when one of its tasks the caller sees matches the filters */
	mc_qb_add(&q, " AND EXISTS (SELECT 1 FROM directive_tasks k", "");
	q.nwhere = 0;
	mc_qb_and(&q, "k.directive_id = d.id", "");
	if ((rc = filters(x, &q, &w, f))) {
		mc_buf_release(&q.sql);
		return rc;
	}
	mc_qb_add(&q,
		  ") GROUP BY d.id, d.content, d.leader_id, l.full_name, d.source_kind, d.given_on, d.body_id, b.name,"
		  " b.name_en ORDER BY d.id DESC LIMIT ?",
		  "i", (int64_t)f->limit + 1);
	return page(x->c, &q, directive_row, f->limit, items, next);
}

static json_t *share_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	int64_t on_time = mc_col_int64(s, 3), late = mc_col_int64(s, 4), overdue = mc_col_int64(s, 5);
	int64_t counted = on_time + late + overdue;
	return json_pack("{s:{s:I, s:s, s:s}, s:I, s:I, s:I, s:I, s:o}", "agency", "id", (json_int_t)mc_col_int64(s, 0),
			 "name", mc_col_text(s, 1), "name_en", mc_col_text(s, 2), "on_time", (json_int_t)on_time,
			 "late", (json_int_t)late, "overdue", (json_int_t)overdue, "open",
			 (json_int_t)mc_col_int64(s, 6), "share",
			 counted ? json_real((double)on_time / (double)counted) : json_null());
}

int mc_directive_on_time(struct mc_conn *c, int64_t root, const char *from, const char *to, int64_t now, json_t **out)
{
	char today[11];
	mc__dir_day(now, 0, today);
	struct mc_stmt *s;
	json_t *items = NULL;
	int rc = mc_query(c, &s,
			  "SELECT a.id, a.name, a.name_en, COUNT(CASE WHEN k.status = 'done_on_time' THEN 1 END),"
			  " COUNT(CASE WHEN k.status = 'done_late' THEN 1 END),"
			  " COUNT(CASE WHEN k.done_at IS NULL AND k.deadline < ? THEN 1 END),"
			  " COUNT(CASE WHEN k.done_at IS NULL AND k.deadline >= ? THEN 1 END)"
			  " FROM directive_tasks k JOIN agencies a ON a.id = k.agency_id WHERE " IN_SUBTREE(
				  "k.agency_id") " AND k.deadline >= ? AND k.deadline <= ? GROUP BY a.id, a.name, "
						 "a.name_en ORDER BY a.id",
			  "ttitt", today, today, root, from, to);
	if (rc || (rc = mc_rows_json(s, share_row, NULL, &items)))
		return rc;
	int64_t on_time = 0, counted = 0;
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v) {
		on_time += json_integer_value(json_object_get(v, "on_time"));
		counted += json_integer_value(json_object_get(v, "on_time")) +
			   json_integer_value(json_object_get(v, "late")) +
			   json_integer_value(json_object_get(v, "overdue"));
	}
	*out = json_pack("{s:s, s:s, s:I, s:o, s:{s:I, s:I, s:o}}", "from", from, "to", to, "agency_id",
			 (json_int_t)root, "items", items, "total", "on_time", (json_int_t)on_time, "counted",
			 (json_int_t)counted, "share",
			 counted ? json_real((double)on_time / (double)counted) : json_null());
	return *out ? 0 : MC_E_NOMEM;
}

int mc_directive_count_overdue(struct mc_conn *c, int64_t root, int64_t now, int64_t *n)
{
	char today[11];
	mc__dir_day(now, 0, today);
	return mc_query_int64(
		c, n,
		"SELECT COUNT(*) FROM directive_tasks k WHERE k.done_at IS NULL AND k.deadline < ? AND " IN_SUBTREE(
			"k.agency_id"),
		"ti", today, root);
}
