/*
 * read.c - reading reports: one report as the caller may see it, the
 * public list (approved, answered publicly; words without diacritics,
 * category, ward and agency), the agency's work list, the moderator's
 * queue, the categories and the figures per agency.
 */
#include "internal.h"

#include "../core/text.h"
#include "../core/timeutil.h"
#include "../db/qb.h"
#include "../db/rows.h"

#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static json_t *category_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:s, s:s, s:s, s:I}", "code", mc_col_text(s, 0), "name", mc_col_text(s, 1), "name_en",
			 mc_col_text(s, 2), "sla_days", (json_int_t)mc_col_int64(s, 3));
}

int mc_feedback_categories(struct mc_conn *c, json_t **items)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT code, name, name_en, sla_days FROM feedback_categories ORDER BY position", "");
	return rc ? rc : mc_rows_json(s, category_row, NULL, items);
}

int mc_feedback_get(struct mc_feedback_ctx *x, const char *code, const char *secret, json_t **out)
{
	struct mc__fb r;
	unsigned bits;
	int rc = mc__fb_load(x->c, code, &r);
	if (rc || (rc = mc__fb_standing(x, &r, secret, &bits)))
		return rc;
	if (!bits && !mc__fb_public(&r))
		return MC_E_NOT_FOUND;
	return mc__fb_json(x, &r, bits, out);
}

static json_t *public_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return mc__fb_row(s, 0);
}

static json_t *whole_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return mc__fb_row(s, 1);
}

/* The filters common to the lists, then the page. */
static int page(struct mc_feedback_ctx *x, struct mc_qb *q, const struct mc_feedback_filter *f, int whole, json_t **out)
{
	char *like = mc_text_like_key(f->q);
	if (like)
		mc_qb_and(q, "r.search_key LIKE ?", "t", like);
	if (f->category)
		mc_qb_and(q, "r.category = ?", "t", f->category);
	if (f->ward)
		mc_qb_and(q, "r.ward_code = ?", "t", f->ward);
	if (f->agency)
		mc_qb_and(q, "r.agency_id = ?", "i", f->agency);
	if (f->before)
		mc_qb_and(q, "r.id < ?", "i", f->before);
	mc_qb_add(q, " ORDER BY r.id DESC LIMIT ?", "i", (int64_t)MC_FEEDBACK_PAGE + 1);
	struct mc_stmt *s;
	json_t *items = NULL;
	int more = 0, rc = mc_qb_query(x->c, q, &s);
	if (!rc)
		rc = mc_rows_json_page(s, whole ? whole_row : public_row, NULL, MC_FEEDBACK_PAGE, &items, &more);
	free(like);
	mc_buf_release(&q->sql);
	if (rc)
		return rc;
	*out = json_pack("{s:o, s:o}", "items", items, "next_before",
			 more ? json_integer(mc_rows_last_id(items)) : json_null());
	return 0;
}

int mc_feedback_public(struct mc_feedback_ctx *x, const struct mc_feedback_filter *f, json_t **out)
{
	struct mc_qb q = {.sql = MC_BUF_INIT(4096)};
	mc_qb_add(&q, "SELECT " MC__FB_COLS MC__FB_FROM, "");
	mc_qb_and(&q,
		  "r.status = 'answered' AND r.text_state = 'approved' AND r.answer_public = 1 AND"
		  " r.answer_state = 'approved'",
		  "");
	return page(x, &q, f, 0, out);
}

int mc_feedback_work(struct mc_feedback_ctx *x, const struct mc_feedback_filter *f, json_t **out)
{
	struct mc_qb q = {.sql = MC_BUF_INIT(4096)};
	mc_qb_add(&q, "SELECT " MC__FB_COLS MC__FB_FROM, "");
	mc_qb_and(&q,
		  "EXISTS (SELECT 1 FROM agency_tree t WHERE t.ancestor_id = r.agency_id AND t.descendant_id = ?"
		  " AND t.same_body = 1)",
		  "i", x->who->agency_id);
	if (f->state && strcmp(f->state, "open") == 0)
		mc_qb_and(&q, "r.status = 'received'", "");
	else if (f->state && strcmp(f->state, "overdue") == 0)
		mc_qb_and(&q, "r.status = 'received' AND r.due_at < ?", "i", mc_time_now_ms());
	else if (f->state)
		mc_qb_and(&q, "r.status = 'answered'", "");
	return page(x, &q, f, 1, out);
}

int mc_feedback_mine(struct mc_feedback_ctx *x, const struct mc_feedback_filter *f, json_t **out)
{
	struct mc_qb q = {.sql = MC_BUF_INIT(4096)};
	struct mc_feedback_filter page_only = {.before = f->before};
	mc_qb_add(&q, "SELECT " MC__FB_COLS MC__FB_FROM, "");
	mc_qb_and(&q, "r.author_id = ?", "i", x->who->user_id);
	return page(x, &q, &page_only, 1, out);
}

int mc_feedback_queue(struct mc_feedback_ctx *x, json_t **out)
{
	struct mc_qb q = {.sql = MC_BUF_INIT(4096)};
	struct mc_feedback_filter none = {0};
	mc_qb_add(&q, "SELECT " MC__FB_COLS MC__FB_FROM, "");
	mc_qb_and(&q,
		  "r.agency_id IN (SELECT t.descendant_id FROM agency_tree t JOIN agencies o ON t.ancestor_id ="
		  " COALESCE(o.parent_id, o.id) WHERE o.id = ?)",
		  "i", x->who->agency_id);
	mc_qb_and(&q, "((r.text_state = 'pending' AND r.status <> 'merged') OR r.answer_state = 'pending')", "");
	return page(x, &q, &none, 1, out);
}

static json_t *figure_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	int64_t received = mc_col_int64(s, 3), answered = mc_col_int64(s, 4), on_time = mc_col_int64(s, 5),
		rated = mc_col_int64(s, 6), stars = mc_col_int64(s, 7);
	return json_pack(
		"{s:{s:I, s:s, s:s}, s:I, s:I, s:I, s:o, s:I, s:o}", "agency", "id", (json_int_t)mc_col_int64(s, 0),
		"name", mc_col_text(s, 1), "name_en", mc_col_text(s, 2), "received", (json_int_t)received, "answered",
		(json_int_t)answered, "answered_on_time", (json_int_t)on_time, "on_time_rate",
		answered ? json_real((double)on_time / (double)answered) : json_null(), "rated", (json_int_t)rated,
		"rating_mean", rated ? json_real((double)stars / (double)rated) : json_null());
}

int mc_feedback_figures(struct mc_feedback_ctx *x, int64_t from, int64_t to, int64_t agency, json_t **out)
{
	struct mc_qb q = {.sql = MC_BUF_INIT(2048)};
	mc_qb_add(&q,
		  "SELECT a.id, a.name, a.name_en, COUNT(*), COUNT(r.answered_at),"
		  " COUNT(CASE WHEN r.answered_at <= r.due_at THEN 1 END), COUNT(r.rating),"
		  " CAST(COALESCE(SUM(r.rating), 0) AS BIGINT) FROM feedback_reports r JOIN agencies a ON"
		  " a.id = r.agency_id",
		  "");
	mc_qb_and(&q, "r.status <> 'merged' AND r.received_at >= ? AND r.received_at < ?", "ii", from, to);
	if (agency)
		mc_qb_and(&q, "r.agency_id = ?", "i", agency);
	mc_qb_add(&q, " GROUP BY a.id, a.name, a.name_en ORDER BY a.id", "");
	struct mc_stmt *s;
	int rc = mc_qb_query(x->c, &q, &s);
	if (!rc)
		rc = mc_rows_json(s, figure_row, NULL, out);
	mc_buf_release(&q.sql);
	return rc;
}
