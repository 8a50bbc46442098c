/*
 * close.c - a poll closes at its deadline, once: the first of the
 * housekeeping and a reading after the deadline to take the poll's row
 * (status 'open' -> 'closed') computes the result in that transaction -
 * each member's last answer before the deadline, the counts, the silent
 * members counted as the poll's rule says - and stores it with its PDF
 * summary (an official report's layout, Decree 30, drawn by the renderer
 * documents use).  Anyone else finds it closed and reads what is stored.
 */
#include "internal.h"

#include "../core/timeutil.h"
#include "../crypto/crypto.h"
#include "../db/rows.h"
#include "../render/pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define CLOSE_PER_RUN 200

static const char *choice_vi(const char *c)
{
	return !c                       ? "Không trả lời"
	       : !strcmp(c, "agree")    ? "Đồng ý"
	       : !strcmp(c, "disagree") ? "Không đồng ý"
					: "Ý kiến khác";
}

static json_t *member_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:s?, s:s?, s:s?, s:o, s:o}", "user_id", (json_int_t)mc_col_int64(s, 0),
			 "full_name", mc_col_text(s, 1), "position", mc_col_text(s, 2), "choice", mc_col_text(s, 3),
			 "comment", mc_col_text(s, 4), "answered_at", mc_col_json_time(s, 5), "signature_id",
			 mc_col_is_null(s, 6) ? json_null() : json_integer(mc_col_int64(s, 6)));
}

/* Each member's last answer before the deadline, counted under the rule. */
static int result_of(struct mc_conn *c, int64_t id, int64_t deadline, const char *silence, int64_t now, json_t **out)
{
	struct mc_stmt *s;
	json_t *members = NULL;
	int rc = mc_query(c, &s,
			  "SELECT u.id, u.full_name, u.position, a.choice, a.comment, a.answered_at, a.signature_id"
			  " FROM poll_members m JOIN users u ON u.id = m.user_id LEFT JOIN poll_answers a ON a.id ="
			  " (SELECT MAX(b.id) FROM poll_answers b WHERE b.poll_id = m.poll_id AND b.user_id = m.user_id"
			  " AND b.answered_at < ?) WHERE m.poll_id = ? ORDER BY u.id",
			  "ii", deadline, id);
	if (rc || (rc = mc_rows_json(s, member_row, NULL, &members)))
		return rc;
	json_int_t n[4] = {0, 0, 0, 0}; /* agree, disagree, other, silent */
	int silent_agrees = strcmp(silence, "agree") == 0;
	size_t i;
	json_t *m;
	json_array_foreach(members, i, m) {
		const char *ch = json_string_value(json_object_get(m, "choice"));
		int k = !ch ? 3 : !strcmp(ch, "agree") ? 0 : !strcmp(ch, "disagree") ? 1 : 2;
		n[k]++;
		json_object_set_new(m, "counted_as",
				    ch              ? json_string(ch)
				    : silent_agrees ? json_string("agree")
						    : json_null());
	}
	char at[40];
	mc_time_format_vn(now, at, sizeof(at));
	*out = json_pack("{s:s, s:I, s:I, s:{s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:I, s:I}, s:o, s:s}", "rule", silence,
			 "asked", (json_int_t)json_array_size(members), "answered", n[0] + n[1] + n[2], "counts",
			 "agree", n[0], "disagree", n[1], "other", n[2], "silent", n[3], "counted", "agree",
			 n[0] + (silent_agrees ? n[3] : 0), "disagree", n[1], "other", n[2], "not_counted",
			 silent_agrees ? 0 : n[3], "members", members, "computed_at", at);
	return *out ? 0 : MC_E_NOMEM;
}

/* "dd/mm/yyyy HH:MM" in Vietnam (arena). */
static const char *vn_when(struct mc_arena *a, int64_t ms)
{
	char iso[40];
	mc_time_format_vn(ms, iso, sizeof(iso));
	return mc_sprintf(a, "%.2s/%.2s/%.4s %.5s", iso + 8, iso + 5, iso, iso + 11);
}

/* An ISO instant as written by the result ("2026-12-07T13:59:57+07:00")
 * as "07/12/2026 13:59" (arena). */
static const char *iso_vn(struct mc_arena *a, json_t *at)
{
	const char *s = json_string_value(at);
	if (!s || strlen(s) < 16)
		return s ? s : "";
	return mc_sprintf(a, "%.2s/%.2s/%.4s %.5s", s + 8, s + 5, s, s + 11);
}

/* The report's text: the proposal, the counts, the rule, each member. */
static const char *report_text(struct mc_arena *a, const char *title, int64_t deadline, json_t *r)
{
	json_t *k = json_object_get(r, "counts"), *cn = json_object_get(r, "counted");
	int silent_agrees = strcmp(json_string_value(json_object_get(r, "rule")), "agree") == 0;
#define N(o, f) ((long long)json_integer_value(json_object_get(o, f)))
	const char *t = mc_sprintf(
		a,
		"Văn phòng đã lấy ý kiến các thành viên Ủy ban nhân dân về tờ trình: %s.\n"
		"Thời hạn trả lời: %s. Số thành viên được lấy ý kiến: %lld; số thành viên đã trả lời: %lld.\n"
		"Kết quả trả lời: Đồng ý: %lld; Không đồng ý: %lld; Ý kiến khác: %lld; Không trả lời: %lld.\n"
		"Quy tắc áp dụng với thành viên không trả lời: %s.\n"
		"Kết quả tính theo quy tắc: Đồng ý: %lld; Không đồng ý: %lld; Ý kiến khác: %lld; Không tính: %lld.\n"
		"Ý kiến của từng thành viên (ý kiến cuối cùng trước thời hạn, có chữ ký số):",
		title, vn_when(a, deadline), N(r, "asked"), N(r, "answered"), N(k, "agree"), N(k, "disagree"),
		N(k, "other"), N(k, "silent"), silent_agrees ? "tính là đồng ý" : "không tính vào kết quả",
		N(cn, "agree"), N(cn, "disagree"), N(cn, "other"), N(cn, "not_counted"));
#undef N
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(r, "members"), i, m) {
		const char *ch = json_string_value(json_object_get(m, "choice"));
		const char *pos = json_string_value(json_object_get(m, "position"));
		const char *cm = json_string_value(json_object_get(m, "comment"));
		t = mc_sprintf(a, "%s\n%zu. %s%s%s%s: %s%s%s%s", t, i + 1,
			       json_string_value(json_object_get(m, "full_name")), pos ? " (" : "", pos ? pos : "",
			       pos ? ")" : "", choice_vi(ch),
			       ch ? mc_sprintf(a, " (ký số lúc %s)", iso_vn(a, json_object_get(m, "answered_at"))) : "",
			       cm ? ". Ý kiến: " : "", cm ? cm : "");
	}
	return t;
}

/* The PDF summary of result r, stored as a kept blob: *sha. */
static int summary_pdf(struct mc_conn *c, struct mc_arena *a, int64_t id, int64_t now, json_t *r, char sha[65])
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT p.title, p.deadline, o.name, cm.name, (SELECT u.full_name FROM units u WHERE u.era ="
			  " 'current' AND u.code = cm.province_code) FROM polls p JOIN agencies o ON o.id = p.office_id"
			  " JOIN agencies cm ON cm.id = p.committee_id WHERE p.id = ?",
			  "i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s))) {
		mc_stmt_done(s);
		return rc;
	}
	int y, m, d;
	mc_vn_date(now, &y, &m, &d);
	const char *title = mc_strdup(a, mc_col_text(s, 0));
	json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s, s, s]}", "superior", mc_col_text(s, 3),
				"issuer", mc_col_text(s, 2), "number_text", "", "type_name", "Báo cáo", "summary",
				mc_sprintf(a, "Kết quả lấy ý kiến thành viên Ủy ban nhân dân về: %s", title), "place",
				mc_col_text(s, 4) ? mc_col_text(s, 4) : "Thành phố Hồ Chí Minh", "date",
				mc_sprintf(a, "%04d-%02d-%02d", y, m, d), "content",
				report_text(a, title, mc_col_int64(s, 1), r), "recipients", "Chủ tịch Ủy ban nhân dân",
				"Các thành viên Ủy ban nhân dân", "Lưu: VT");
	mc_stmt_done(s);
	struct mc_buf pdf = MC_BUF_INIT(16u << 20);
	struct mc_error e;
	memset(&e, 0, sizeof(e));
	rc = doc ? mc_pdf_document(doc, &pdf, &e) : MC_E_NOMEM;
	json_decref(doc);
	if (!rc) {
		mc_sha256_hex(pdf.data, pdf.len, sha);
		int64_t k = mc_exec(c,
				    "INSERT INTO blobs (sha256, size, mime, data, created_at, kept) VALUES (?, ?, ?, ?,"
				    " ?, 1) ON CONFLICT DO NOTHING",
				    "titbi", sha, (int64_t)pdf.len, "application/pdf", pdf.data, pdf.len, now);
		rc = k < 0 ? (int)k : 0;
	}
	mc_buf_release(&pdf);
	return rc;
}

/* The result told to who opened the poll and to the committee's
 * chairman, who concludes it (each once). */
static int tell_closed(struct mc_conn *c, int64_t id, json_t *r, int64_t now)
{
	struct mc_stmt *s;
	int64_t to[16];
	int n = 0, step;
	int rc = mc_query(
		c, &s,
		"SELECT p.opened_by FROM polls p WHERE p.id = ? UNION SELECT u.id FROM polls p JOIN"
		" agency_tree t ON t.ancestor_id = p.committee_id AND t.same_body = 1 JOIN users u ON"
		" u.agency_id = t.descendant_id AND u.status = 'active' JOIN user_roles ur ON ur.user_id = u.id"
		" AND ur.role_code = 'chairman' WHERE p.id = ?",
		"ii", id, id);
	if (rc)
		return rc;
	while ((step = mc_step(s)) == MC_DB_ROW && n < 16)
		to[n++] = mc_col_int64(s, 0);
	mc_stmt_done(s);
	if (step != MC_DB_DONE && step != MC_DB_ROW)
		return step;
	for (int i = 0; !rc && i < n; i++)
		rc = mc__poll_notice(c, id, to[i], "poll_closed", "closed",
				     json_pack("{s:s, s:I, s:O, s:O}", "event", "poll_closed", "poll_id",
					       (json_int_t)id, "counts", json_object_get(r, "counts"), "counted",
					       json_object_get(r, "counted")),
				     now);
	return rc;
}

/* Inside the transaction that took the row: the result and its PDF. */
static int settle(struct mc_conn *c, struct mc_arena *a, const struct mc__poll *p, int64_t now)
{
	json_t *r = NULL;
	char sha[65];
	int rc = result_of(c, p->id, p->deadline, p->silence, now, &r);
	if (!rc)
		rc = summary_pdf(c, a, p->id, now, r, sha);
	char *text = rc ? NULL : json_dumps(r, JSON_COMPACT);
	if (!rc) {
		int64_t k = mc_exec(c, "UPDATE polls SET result = ?, result_sha256 = ? WHERE id = ?", "tti", text, sha,
				    p->id);
		rc = k < 0 ? (int)k : 0;
	}
	if (!rc)
		rc = tell_closed(c, p->id, r, now);
	if (!rc)
		rc = mc__poll_record(
			c, p->id, 0, "-", "close",
			json_pack("{s:s, s:O}", "rule", p->silence, "counts", json_object_get(r, "counts")), now);
	free(text);
	json_decref(r);
	return rc;
}

int mc__poll_close(struct mc_conn *c, int64_t id, int64_t now)
{
	struct mc__poll p;
	struct mc_arena *a = mc_arena_new(8192);
	int rc = mc_tx_begin(c, 1);
	int64_t k = 0;
	if (!rc)
		rc = mc__poll_load(c, id, &p);
	if (!rc) {
		k = mc_exec(c,
			    "UPDATE polls SET status = 'closed', closed_at = ?, version = version + 1 WHERE id = ? AND"
			    " status = 'open' AND deadline <= ?",
			    "iii", now, id, now);
		rc = k < 0 ? (int)k : 0;
	}
	if (!rc && k == 1)
		rc = settle(c, a, &p, now);
	if (!rc)
		rc = k == 1 ? mc_tx_commit(c) : mc_tx_rollback(c); /* k 0: closed by someone else */
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	mc_arena_free(a);
	return rc;
}

int mc_poll_close_due(struct mc_conn *c, int64_t now, int64_t *closed)
{
	*closed = 0;
	struct mc_stmt *s;
	int64_t ids[CLOSE_PER_RUN];
	int n = 0, step;
	int rc = mc_query(c, &s,
			  "SELECT id FROM polls WHERE status = 'open' AND deadline <= ? ORDER BY deadline LIMIT ?",
			  "ii", now, (int64_t)CLOSE_PER_RUN);
	if (rc)
		return rc;
	/* read them all first: one statement at a time on the connection */
	while ((step = mc_step(s)) == MC_DB_ROW && n < CLOSE_PER_RUN)
		ids[n++] = mc_col_int64(s, 0);
	mc_stmt_done(s);
	if (step != MC_DB_DONE && step != MC_DB_ROW)
		return step;
	/* a poll that fails to close does not hold back the others */
	for (int i = 0; i < n; i++) {
		int r = mc__poll_close(c, ids[i], now);
		if (!r)
			(*closed)++;
		rc = rc ? rc : r;
	}
	return rc;
}
