/*
 * test_drafts.c - outgoing documents before their number, over HTTP: a
 * specialist of the Department of Justice drafts a plan, submits it up the
 * approval chain (head of division, head of the office, the director),
 * has it returned with a comment, revises it (both revisions kept) and
 * submits it again to the step that returned it; the director's approval
 * is the signing act; the clerical officer numbers it (01/KH-STP) and
 * issues it, and it arrives in the incoming register of the ward named
 * among its recipients.  Who may read and act at each step, stale
 * versions, bad input; the chain trimmed for a drafter who holds a step's
 * role, a leader's own draft signed on submission, and an agency's own
 * chain for a type.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "doctext.h"
#include "http.h"
#include "only.h"
#include "server.h"
#include "testdb.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_url[512];
static struct mc_db *db;
static struct mc_test_server srv;

static char T_2027_0302[] = "MOTCUA_TEST_NOW=2027-03-02T09:00:00+07:00"; /* Tuesday */

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	const char *env[] = {T_2027_0302, NULL};
	mc_test_server_start(&srv, db_url, env);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0); /* a leak or a crash shows here */
	mc_test_db_drop(db_url, db);
	return 0;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_int_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static json_int_t user_id(const char *username)
{
	return mc_test_db_int(db, "SELECT id FROM users WHERE username = ?", username);
}

static json_int_t agency_id(const char *code)
{
	return mc_test_db_int(db, "SELECT id FROM agencies WHERE code = ?", code);
}

/* What s may do on draft id now, joined by commas into out. */
static const char *actions_of(struct mc_http_session *s, json_int_t id, char *out, size_t n)
{
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/drafts/%lld", (long long)id);
	struct mc_http_res r;
	long st = mc_http_get(s, path, &r);
	out[0] = '\0';
	size_t i, len = 0;
	json_t *v;
	if (st != 200)
		snprintf(out, n, "%ld", st);
	else
		json_array_foreach(json_object_get(r.json, "actions"), i, v)
			len += (size_t)snprintf(out + len, n - len, "%s%s", i ? "," : "", json_string_value(v));
	mc_http_res_free(&r);
	return out;
}

/* POST an action on draft id at version v (< 0: no If-Match) as s. */
static long act(struct mc_http_session *s, json_int_t id, const char *action, json_int_t v, const char *body,
		struct mc_http_res *r)
{
	char path[120], etag[40];
	snprintf(path, sizeof(path), "/api/v1/drafts/%lld/actions/%s", (long long)id, action);
	snprintf(etag, sizeof(etag), "If-Match: \"v%lld\"", (long long)v);
	const char *h[] = {etag, NULL};
	mc_http_do(s, "POST", path, body, v >= 0 ? h : NULL, r);
	return r->status;
}

/* The ids of the addressees of draft id for action as s, ",1,2," into out;
 * the status. */
static long addressees_of(struct mc_http_session *s, json_int_t id, const char *action, char *out, size_t n)
{
	char path[120];
	snprintf(path, sizeof(path), "/api/v1/drafts/%lld/addressees?action=%s", (long long)id, action);
	struct mc_http_res r;
	long st = mc_http_get(s, path, &r);
	size_t i, len = (size_t)snprintf(out, n, ",");
	json_t *v;
	json_array_foreach(json_object_get(r.json, "items"), i, v)
		len += (size_t)snprintf(out + len, n - len, "%lld,", (long long)jint(v, "id"));
	mc_http_res_free(&r);
	return st;
}

static int listed(const char *ids, json_int_t id)
{
	char k[32];
	snprintf(k, sizeof(k), ",%lld,", (long long)id);
	return strstr(ids, k) != NULL;
}

static size_t my_drafts(struct mc_http_session *s, const char *state, long *status)
{
	char path[100];
	snprintf(path, sizeof(path), "/api/v1/my/drafts?state=%s", state);
	struct mc_http_res r;
	*status = mc_http_get(s, path, &r);
	size_t n = json_array_size(json_object_get(r.json, "items"));
	mc_http_res_free(&r);
	return n;
}

static const char *PLAN =
	"{\"type_code\":\"ke_hoach\",\"summary\":\"Kế hoạch phổ biến, giáo dục pháp luật năm 2027\","
	"\"content\":\"I. MỤC ĐÍCH, YÊU CẦU\\n1. Nâng cao nhận thức pháp luật của cán bộ và nhân dân.\","
	"\"recipients\":[\"Như trên\",\"Lưu: VT, PBGDPL\"],\"internal_recipient_ids\":[%lld]}";

/* From the draft to the document in two registers. */
static void drafted_returned_signed_issued(void **state)
{
	(void)state;
	struct mc_http_session cv, tp, cvp, gd, vt, sxd, ward, pgd;
	mc_http_login_as(&cv, srv.base, "chuyenvien.stp");
	mc_http_login_as(&tp, srv.base, "truongphong.stp");
	mc_http_login_as(&cvp, srv.base, "chanhvanphong.stp");
	mc_http_login_as(&gd, srv.base, "giamdoc.stp");
	mc_http_login_as(&vt, srv.base, "vanthu.stp");
	mc_http_login_as(&sxd, srv.base, "phogiamdoc.sxd");
	mc_http_login_as(&ward, srv.base, "vanthu.p26740");
	mc_http_login_as(&pgd, srv.base, "phogiamdoc.stp");
	json_int_t TP = user_id("truongphong.stp"), CVP = user_id("chanhvanphong.stp"), GD = user_id("giamdoc.stp"),
		   PGD = user_id("phogiamdoc.stp"), WARD = agency_id("000.01.31.H29"), STP = agency_id("000.00.02.H29");
	char body[1200], acts[200], ids[2000], path[80];
	struct mc_http_res r;

	/* bad input: nothing kept */
	assert_int_equal(mc_http_post(&cv, "/api/v1/drafts", "{\"type_code\":\"ke_hoach\"}", &r), 422);
	assert_non_null(strstr(r.body, "summary"));
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), PLAN, (long long)STP); /* to itself */
	assert_int_equal(mc_http_post(&cv, "/api/v1/drafts", body, &r), 422);
	assert_non_null(strstr(r.body, "internal_recipient_ids"));
	mc_http_res_free(&r);
	assert_int_equal(
		mc_http_post(&cv, "/api/v1/drafts", "{\"type_code\":\"cong_van\",\"summary\":\"Về việc x\"}", &r),
		422); /* a công văn names its drafting unit: none here */
	assert_non_null(strstr(r.body, "type_code"));
	mc_http_res_free(&r);
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM document_drafts WHERE summary <> ?", ""), 0);

	/* drafted */
	snprintf(body, sizeof(body), PLAN, (long long)WARD);
	assert_int_equal(mc_http_post(&cv, "/api/v1/drafts", body, &r), 201);
	json_int_t id = jint(r.json, "id");
	assert_string_equal(jstr(r.json, "status"), "drafting");
	assert_int_equal(jint(r.json, "revision"), 1);
	assert_string_equal(jstr(json_array_get(json_object_get(r.json, "internal_recipients"), 0), "name"),
			    "UBND Phường Sài Gòn");
	mc_http_res_free(&r);
	assert_string_equal(actions_of(&cv, id, acts, sizeof(acts)), "revise,submit");
	assert_string_equal(actions_of(&tp, id, acts, sizeof(acts)), "404"); /* not sent to anyone yet */
	assert_string_equal(actions_of(&vt, id, acts, sizeof(acts)), "404");

	/* printed before its number: marked a draft, the number blank, the symbol written */
	snprintf(path, sizeof(path), "/api/v1/drafts/%lld/pdf", (long long)id);
	assert_int_equal(mc_http_get(&cv, path, &r), 200);
	char *draft_text = mc_test_pdf_text(&r);
	mc_test_expect_text(draft_text, "DỰ THẢO");
	mc_test_expect_text(draft_text, "Số: /KH-STP");
	mc_test_expect_text(draft_text, "Nâng cao nhận thức pháp luật của cán bộ và nhân dân.");
	free(draft_text);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&tp, path, &r), 404);
	mc_http_res_free(&r);
	/* submitted to the head of division: the first step of the default chain */
	assert_int_equal(addressees_of(&cv, id, "submit", ids, sizeof(ids)), 200);
	assert_true(listed(ids, TP));
	assert_false(listed(ids, GD) || listed(ids, CVP));
	snprintf(body, sizeof(body), "{\"approver_id\":%lld}", (long long)GD);
	assert_int_equal(act(&cv, id, "submit", 1, body, &r), 422); /* the director is not the first step */
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"approver_id\":%lld,\"note\":\"Kính trình anh chị xem xét\"}", (long long)TP);
	assert_int_equal(act(&tp, id, "submit", 1, body, &r), 404); /* not theirs to see */
	mc_http_res_free(&r);
	assert_int_equal(act(&cv, id, "submit", 1, body, &r), 200);
	assert_string_equal(jstr(r.json, "status"), "reviewing");
	assert_int_equal(jint(r.json, "step"), 1);
	json_t *chain = json_object_get(r.json, "chain");
	assert_int_equal(json_array_size(chain), 3);
	assert_string_equal(json_string_value(json_array_get(chain, 1)), "office_head");
	mc_http_res_free(&r);
	assert_int_equal(act(&cv, id, "submit", 2, body, &r), 409); /* with the reviewer now */
	mc_http_res_free(&r);
	assert_string_equal(actions_of(&cv, id, acts, sizeof(acts)), "");
	assert_string_equal(actions_of(&tp, id, acts, sizeof(acts)), "approve,return");
	long st;
	assert_int_equal(my_drafts(&tp, "to_review", &st), 1);
	assert_int_equal(my_drafts(&cv, "mine", &st), 1);
	/* the opening recorded */
	snprintf(path, sizeof(path), "/api/v1/drafts/%lld", (long long)id);
	assert_int_equal(mc_http_get(&tp, path, &r), 200);
	assert_false(json_is_null(json_object_get(json_array_get(json_object_get(r.json, "reviews"), 0), "viewed_at")));
	mc_http_res_free(&r);

	/* returned with a comment (required) */
	assert_int_equal(act(&tp, id, "return", 2, "{}", &r), 422);
	mc_http_res_free(&r);
	assert_int_equal(act(&tp, id, "return", 1, "{\"comment\":\"x\"}", &r), 412); /* a stale version */
	mc_http_res_free(&r);
	assert_int_equal(act(&gd, id, "return", 2, "{\"comment\":\"x\"}", &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(act(&tp, id, "return", 2, "{\"comment\":\"Bổ sung chỉ tiêu cụ thể cho từng quý\"}", &r), 200);
	assert_string_equal(jstr(r.json, "status"), "returned");
	mc_http_res_free(&r);
	assert_string_equal(actions_of(&tp, id, acts, sizeof(acts)), "");

	/* revised: both revisions kept */
	const char *h[] = {"If-Match: \"v3\"", NULL};
	mc_http_do(&cv, "PUT", path,
		   "{\"type_code\":\"ke_hoach\",\"summary\":\"Kế hoạch phổ biến, giáo dục pháp luật năm 2027\","
		   "\"content\":\"I. MỤC ĐÍCH\\nII. CHỈ TIÊU TỪNG QUÝ\",\"recipients\":[\"Như trên\",\"Lưu: VT\"],"
		   "\"internal_recipient_ids\":[5000000],\"note\":\"Đã bổ sung chỉ tiêu\"}",
		   h, &r);
	assert_int_equal(r.status, 422); /* no such agency */
	mc_http_res_free(&r);
	snprintf(body, sizeof(body),
		 "{\"type_code\":\"ke_hoach\",\"summary\":\"Kế hoạch phổ biến, giáo dục pháp luật năm 2027\","
		 "\"content\":\"I. MỤC ĐÍCH\\nII. CHỈ TIÊU TỪNG QUÝ\",\"recipients\":[\"Như trên\",\"Lưu: VT\"],"
		 "\"internal_recipient_ids\":[%lld],\"note\":\"Đã bổ sung chỉ tiêu\"}",
		 (long long)WARD);
	mc_http_do(&cv, "PUT", path, body, h, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(jint(r.json, "revision"), 2);
	json_t *revs = json_object_get(r.json, "revisions");
	assert_int_equal(json_array_size(revs), 2);
	assert_non_null(strstr(jstr(json_array_get(revs, 0), "content"), "Nâng cao nhận thức"));
	assert_string_equal(jstr(json_array_get(revs, 1), "note"), "Đã bổ sung chỉ tiêu");
	mc_http_res_free(&r);

	/* submitted again: to the step that returned it */
	snprintf(body, sizeof(body), "{\"approver_id\":%lld}", (long long)TP);
	assert_int_equal(act(&cv, id, "submit", 4, body, &r), 200);
	assert_int_equal(jint(r.json, "step"), 1);
	mc_http_res_free(&r);
	/* approved on: the next step's role only */
	assert_int_equal(addressees_of(&tp, id, "approve", ids, sizeof(ids)), 200);
	assert_true(listed(ids, CVP));
	assert_false(listed(ids, GD) || listed(ids, TP));
	snprintf(body, sizeof(body), "{\"next_approver_id\":%lld}", (long long)GD);
	assert_int_equal(act(&tp, id, "approve", 5, body, &r), 422);
	mc_http_res_free(&r);
	assert_int_equal(act(&tp, id, "approve", 5, "{}", &r), 422); /* whom next */
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"next_approver_id\":%lld,\"comment\":\"Đồng ý\"}", (long long)CVP);
	assert_int_equal(act(&tp, id, "approve", 5, body, &r), 200);
	assert_int_equal(jint(r.json, "step"), 2);
	mc_http_res_free(&r);
	assert_int_equal(my_drafts(&tp, "reviewed", &st), 1);
	assert_int_equal(my_drafts(&tp, "to_review", &st), 0);
	/* the office to a leader: the director or the deputy */
	assert_int_equal(addressees_of(&cvp, id, "approve", ids, sizeof(ids)), 200);
	assert_true(listed(ids, GD) && listed(ids, PGD));
	snprintf(body, sizeof(body), "{\"next_approver_id\":%lld}", (long long)GD);
	assert_int_equal(act(&cvp, id, "approve", 6, body, &r), 200);
	mc_http_res_free(&r);
	assert_string_equal(actions_of(&vt, id, acts, sizeof(acts)), "404"); /* not signed yet */
	assert_int_equal(my_drafts(&vt, "to_issue", &st), 0);
	assert_int_equal(st, 200);
	/* the director's approval is the signing act */
	assert_int_equal(act(&gd, id, "approve", 7, "{\"comment\":\"Ký ban hành\"}", &r), 200);
	assert_string_equal(jstr(r.json, "status"), "signed");
	json_t *signer = json_object_get(r.json, "signer");
	assert_string_equal(jstr(signer, "name"), "Dương Văn Hải");
	assert_string_equal(jstr(signer, "position"), "Giám đốc");
	mc_http_res_free(&r);

	/* issued by the clerical officer */
	assert_int_equal(my_drafts(&cv, "to_issue", &st), 0);
	assert_int_equal(st, 403);
	assert_int_equal(my_drafts(&vt, "to_issue", &st), 1);
	assert_string_equal(actions_of(&vt, id, acts, sizeof(acts)), "issue");
	assert_string_equal(actions_of(&sxd, id, acts, sizeof(acts)), "404");
	assert_int_equal(act(&cv, id, "issue", 8, "{}", &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(act(&vt, id, "issue", 8, "{}", &r), 200);
	assert_string_equal(jstr(r.json, "status"), "issued");
	json_t *doc = json_object_get(r.json, "document");
	assert_string_equal(jstr(doc, "number_text"), "01/KH-STP");
	json_int_t doc_id = jint(doc, "id");
	mc_http_res_free(&r);
	assert_int_equal(act(&vt, id, "issue", 9, "{}", &r), 409); /* once */
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/documents/%lld", (long long)doc_id);
	assert_int_equal(mc_http_get(&vt, path, &r), 200);
	assert_string_equal(jstr(r.json, "direction"), "out");
	assert_string_equal(jstr(r.json, "doc_date"), "2027-03-02");
	assert_string_equal(jstr(json_object_get(r.json, "signer"), "name"), "Dương Văn Hải");
	json_t *rcp = json_object_get(r.json, "recipients");
	assert_int_equal(json_array_size(rcp), 3); /* Như trên, Lưu: VT, and the ward named */
	assert_string_equal(json_string_value(json_array_get(rcp, 2)), "UBND Phường Sài Gòn");
	mc_http_res_free(&r);
	/* delivered into the ward's incoming register */
	assert_int_equal(mc_http_get(&ward, "/api/v1/documents?direction=in&q=01%2FKH-STP", &r), 200);
	json_t *in = json_array_get(json_object_get(r.json, "items"), 0);
	assert_non_null(in);
	assert_string_equal(jstr(in, "sender"), "Sở Tư pháp");
	assert_string_equal(jstr(in, "sender_ref"), "01/KH-STP");
	assert_string_equal(jstr(in, "status"), "registered");
	mc_http_res_free(&r);
	/* the document as printed (Decree 30): its number, date, signer and recipients */
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/pdf", (long long)doc_id);
	assert_int_equal(mc_http_get(&vt, path, &r), 200);
	assert_non_null(strstr(r.headers, "application/pdf"));
	char *text = mc_test_pdf_text(&r);
	const char *want[] = {"UBND THÀNH PHỐ HỒ CHÍ MINH", /* the superior, as the agency is named */
			      "SỞ TƯ PHÁP",
			      "Số: 01/KH-STP",
			      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
			      "Độc lập - Tự do - Hạnh phúc",
			      "Thành phố Hồ Chí Minh, ngày 02 tháng 3 năm 2027",
			      "KẾ HOẠCH Kế hoạch phổ biến, giáo dục pháp luật năm 2027",
			      "II. CHỈ TIÊU TỪNG QUÝ",
			      "Nơi nhận: - Như trên; - Lưu: VT; - UBND Phường Sài Gòn.",
			      "GIÁM ĐỐC",
			      "Dương Văn Hải"};
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++)
		mc_test_expect_text(text, want[k]);
	assert_null(strstr(text, "DỰ THẢO"));
	free(text);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&sxd, path, &r), 404);
	mc_http_res_free(&r);
	/* the draft, issued, prints as the document it became */
	snprintf(path, sizeof(path), "/api/v1/drafts/%lld/pdf", (long long)id);
	assert_int_equal(mc_http_get(&cv, path, &r), 200);
	text = mc_test_pdf_text(&r);
	mc_test_expect_text(text, "Số: 01/KH-STP");
	assert_null(strstr(text, "DỰ THẢO"));
	free(text);
	mc_http_res_free(&r);
	/* the trail: every move, by whom */
	snprintf(path, sizeof(path), "/api/v1/drafts/%lld", (long long)id);
	assert_int_equal(mc_http_get(&cv, path, &r), 200);
	const char *trail[] = {"create", "submit", "return", "revise", "submit", "approve", "approve", "sign", "issue"};
	json_t *events = json_object_get(r.json, "events");
	assert_int_equal(json_array_size(events), 9);
	for (size_t k = 0; k < 9; k++)
		assert_string_equal(jstr(json_array_get(events, k), "action"), trail[k]);
	assert_int_equal(json_array_size(json_object_get(r.json, "reviews")), 4);
	mc_http_res_free(&r);
}

/* The chain is trimmed for a drafter who holds a step's role; a leader's
 * own draft is signed when submitted; an agency sets its own chain. */
static void chains_trimmed_and_set(void **state)
{
	(void)state;
	struct mc_http_session tp, gd, admin, cv, cvp;
	mc_http_login_as(&tp, srv.base, "truongphong.stp");
	mc_http_login_as(&gd, srv.base, "giamdoc.stp");
	mc_http_login_as(&admin, srv.base, "admin");
	mc_http_login_as(&cv, srv.base, "chuyenvien.stp");
	mc_http_login_as(&cvp, srv.base, "chanhvanphong.stp");
	json_int_t STP = agency_id("000.00.02.H29"), CVP = user_id("chanhvanphong.stp"),
		   TP = user_id("truongphong.stp");
	const char *report = "{\"type_code\":\"bao_cao\",\"summary\":\"Báo cáo kết quả công tác quý I năm 2027\","
			     "\"content\":\"Kết quả\",\"recipients\":[\"UBND Thành phố\",\"Lưu: VT\"]}";
	struct mc_http_res r;
	char body[200], ids[2000];
	/* a head of division's draft starts at the office */
	assert_int_equal(mc_http_post(&tp, "/api/v1/drafts", report, &r), 201);
	json_int_t a = jint(r.json, "id");
	mc_http_res_free(&r);
	assert_int_equal(addressees_of(&tp, a, "submit", ids, sizeof(ids)), 200);
	assert_true(listed(ids, CVP));
	snprintf(body, sizeof(body), "{\"approver_id\":%lld}", (long long)CVP);
	assert_int_equal(act(&tp, a, "submit", 1, body, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "chain")), 2);
	mc_http_res_free(&r);
	/* a leader's own draft: submitted is signed */
	assert_int_equal(mc_http_post(&gd, "/api/v1/drafts", report, &r), 201);
	json_int_t b = jint(r.json, "id");
	mc_http_res_free(&r);
	assert_int_equal(act(&gd, b, "submit", 1, "{}", &r), 200);
	assert_string_equal(jstr(r.json, "status"), "signed");
	assert_string_equal(jstr(json_object_get(r.json, "signer"), "name"), "Dương Văn Hải");
	mc_http_res_free(&r);
	/* the agency's chains: bad ones refused, a good one kept, then undone */
	char path[120];
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld/document-chains/bao_cao", (long long)STP);
	const char *bad[] = {"{\"steps\":[]}", "{\"steps\":[\"leader\",\"dept_head\"]}",
			     "{\"steps\":[\"dept_head\",\"dept_head\",\"leader\"]}",
			     "{\"steps\":[\"clerk\",\"leader\"]}", "{\"steps\":\"leader\"}"};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		mc_http_do(&admin, "PUT", path, bad[k], NULL, &r);
		if (r.status != 422)
			fail_msg("%s: %ld", bad[k], r.status);
		mc_http_res_free(&r);
	}
	mc_http_do(&tp, "PUT", path, "{\"steps\":[\"dept_head\",\"leader\"]}", NULL, &r);
	assert_int_equal(r.status, 403); /* not an administrator */
	mc_http_res_free(&r);
	mc_http_do(&admin, "PUT", path, "{\"steps\":[\"dept_head\",\"leader\"]}", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(json_is_true(json_object_get(r.json, "custom")));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&cv, "/api/v1/drafts", report, &r), 201);
	json_int_t c = jint(r.json, "id");
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"approver_id\":%lld}", (long long)TP);
	assert_int_equal(act(&cv, c, "submit", 1, body, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "chain")), 2);
	mc_http_res_free(&r);
	/* the head of division's approval goes straight to a leader */
	assert_int_equal(addressees_of(&tp, c, "approve", ids, sizeof(ids)), 200);
	assert_false(listed(ids, CVP));
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld/document-chains", (long long)STP);
	assert_int_equal(mc_http_get(&cv, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")),
			 31); /* one per type: the 29 of Decree 30, a permit, a certificate */
	mc_http_res_free(&r);
	struct mc_http_session citizen;
	mc_http_login_as(&citizen, srv.base, "079203001234");
	assert_int_equal(mc_http_get(&citizen, path, &r), 403);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld/document-chains/bao_cao", (long long)STP);
	mc_http_do(&admin, "PUT", path, "{\"steps\":null}", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(json_is_false(json_object_get(r.json, "custom")));
	assert_int_equal(json_array_size(json_object_get(r.json, "steps")), 3);
	mc_http_res_free(&r);
	(void)cvp;
}

/* A draft of type by chuyenvien.stp, taken up the default chain to the
 * office: the draft's id and version after (it waits on the head of the
 * office). */
static json_int_t to_the_office_in(struct mc_http_session *cv, struct mc_http_session *tp, const char *type,
				   const char *field, json_int_t *version)
{
	char body[600];
	struct mc_http_res r;
	snprintf(body, sizeof(body),
		 "{\"type_code\":\"%s\",\"summary\":\"Văn bản %s ký theo ủy quyền\",\"content\":\"Nội dung\","
		 "\"recipients\":[\"Lưu: VT\"]%s%s%s}",
		 type, type, field ? ",\"field_code\":\"" : "", field ? field : "", field ? "\"" : "");
	assert_int_equal(mc_http_post(cv, "/api/v1/drafts", body, &r), 201);
	json_int_t id = jint(r.json, "id");
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"approver_id\":%lld}", (long long)user_id("truongphong.stp"));
	assert_int_equal(act(cv, id, "submit", 1, body, &r), 200);
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"next_approver_id\":%lld}", (long long)user_id("chanhvanphong.stp"));
	assert_int_equal(act(tp, id, "approve", 2, body, &r), 200);
	mc_http_res_free(&r);
	*version = 3;
	return id;
}

static json_int_t to_the_office(struct mc_http_session *cv, struct mc_http_session *tp, const char *type,
				json_int_t *version)
{
	return to_the_office_in(cv, tp, type, NULL, version);
}

/* The printed text of draft id as s. */
static char *printed(struct mc_http_session *s, json_int_t id)
{
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/drafts/%lld/pdf", (long long)id);
	struct mc_http_res r;
	assert_int_equal(mc_http_get(s, path, &r), 200);
	char *text = mc_test_pdf_text(&r);
	mc_http_res_free(&r);
	return text;
}

/* KT. for a deputy, TL. for the head of the office, each by type and
 * period; the form printed and recorded; revoked, no more. */
static void delegations_scope_period_and_form(void **state)
{
	(void)state;
	struct mc_http_session cv, tp, cvp, gd, pgd, vt;
	mc_http_login_as(&cv, srv.base, "chuyenvien.stp");
	mc_http_login_as(&tp, srv.base, "truongphong.stp");
	mc_http_login_as(&cvp, srv.base, "chanhvanphong.stp");
	mc_http_login_as(&gd, srv.base, "giamdoc.stp");
	mc_http_login_as(&pgd, srv.base, "phogiamdoc.stp");
	mc_http_login_as(&vt, srv.base, "vanthu.stp");
	json_int_t PGD = user_id("phogiamdoc.stp"), CVP = user_id("chanhvanphong.stp");
	char body[400], acts[200];
	struct mc_http_res r;
	/* granted by a leader only, to whom the form allows, for a real period and types */
	snprintf(body, sizeof(body),
		 "{\"form\":\"KT\",\"delegate_id\":%lld,\"type_codes\":[\"ke_hoach\"],\"valid_from\":\"2027-03-01\","
		 "\"valid_to\":\"2027-03-31\",\"note\":\"Giám đốc đi công tác\"}",
		 (long long)PGD);
	assert_int_equal(mc_http_post(&tp, "/api/v1/delegations", body, &r), 403);
	mc_http_res_free(&r);
	const char *bad[] = {
		"{\"form\":\"KT\",\"delegate_id\":%lld,\"valid_from\":\"2027-03-01\",\"valid_to\":\"2027-03-31\"}",
		"{\"form\":\"XX\",\"delegate_id\":%lld,\"valid_from\":\"2027-03-01\",\"valid_to\":\"2027-03-31\"}",
		"{\"form\":\"TL\",\"delegate_id\":%lld,\"valid_from\":\"2027-03-10\",\"valid_to\":\"2027-03-01\"}",
		"{\"form\":\"TL\",\"delegate_id\":%lld,\"valid_from\":\"2027-03-01\",\"valid_to\":\"2028-06-01\"}",
		"{\"form\":\"TL\",\"delegate_id\":%lld,\"valid_from\":\"2027-01-01\",\"valid_to\":\"2027-02-01\"}",
		"{\"form\":\"TL\",\"delegate_id\":%lld,\"type_codes\":[\"thu_tinh\"],\"valid_from\":\"2027-03-01\","
		"\"valid_to\":\"2027-03-31\"}",
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		snprintf(body, sizeof(body), bad[k], (long long)CVP); /* the first: KT to a non-leader */
		if (mc_http_post(&gd, "/api/v1/delegations", body, &r) != 422)
			fail_msg("%s: %ld %s", body, r.status, r.body);
		mc_http_res_free(&r);
	}
	snprintf(body, sizeof(body),
		 "{\"form\":\"KT\",\"delegate_id\":%lld,\"type_codes\":[\"ke_hoach\"],\"valid_from\":\"2027-03-01\","
		 "\"valid_to\":\"2027-03-31\",\"note\":\"Giám đốc đi công tác\"}",
		 (long long)PGD);
	assert_int_equal(mc_http_post(&gd, "/api/v1/delegations", body, &r), 201);
	json_int_t kt = jint(r.json, "id");
	assert_true(json_is_true(json_object_get(r.json, "active")));
	mc_http_res_free(&r);
	snprintf(body, sizeof(body),
		 "{\"form\":\"TL\",\"delegate_id\":%lld,\"type_codes\":[\"giay_moi\"],\"valid_from\":\"2027-03-02\","
		 "\"valid_to\":\"2027-12-31\"}",
		 (long long)CVP);
	assert_int_equal(mc_http_post(&gd, "/api/v1/delegations", body, &r), 201);
	mc_http_res_free(&r);
	/* notices by order too, in the field of justice only */
	snprintf(body, sizeof(body),
		 "{\"form\":\"TL\",\"delegate_id\":%lld,\"type_codes\":[\"thong_bao\"],\"field_codes\":[\"tu_phap\"],"
		 "\"valid_from\":\"2027-03-02\",\"valid_to\":\"2027-12-31\"}",
		 (long long)CVP);
	assert_int_equal(mc_http_post(&gd, "/api/v1/delegations", body, &r), 201);
	assert_string_equal(json_string_value(json_array_get(json_object_get(r.json, "field_codes"), 0)), "tu_phap");
	mc_http_res_free(&r);
	snprintf(body, sizeof(body),
		 "{\"form\":\"TL\",\"delegate_id\":%lld,\"field_codes\":[\"thien_van\"],"
		 "\"valid_from\":\"2027-03-02\",\"valid_to\":\"2027-12-31\"}",
		 (long long)CVP);
	assert_int_equal(mc_http_post(&gd, "/api/v1/delegations", body, &r), 422);
	assert_non_null(strstr(r.body, "field_codes"));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&vt, "/api/v1/delegations", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 3);
	mc_http_res_free(&r);
	json_int_t vn, n1 = to_the_office_in(&cv, &tp, "thong_bao", "xay_dung", &vn);
	assert_string_equal(actions_of(&cvp, n1, acts, sizeof(acts)), "approve,return"); /* another field */
	json_int_t n2 = to_the_office_in(&cv, &tp, "thong_bao", "tu_phap", &vn);
	assert_string_equal(actions_of(&cvp, n2, acts, sizeof(acts)), "approve,return,sign");
	json_int_t n3 = to_the_office(&cv, &tp, "thong_bao", &vn);
	assert_string_equal(actions_of(&cvp, n3, acts, sizeof(acts)), "approve,return"); /* no field said */

	/* a plan the deputy signs: KT. GIÁM ĐỐC */
	json_int_t v, a = to_the_office(&cv, &tp, "ke_hoach", &v);
	assert_string_equal(actions_of(&cvp, a, acts, sizeof(acts)), "approve,return"); /* TL covers invitations */
	snprintf(body, sizeof(body), "{\"next_approver_id\":%lld}", (long long)PGD);
	assert_int_equal(act(&cvp, a, "sign", v, "{}", &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(act(&cvp, a, "approve", v, body, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(act(&pgd, a, "approve", v + 1, "{}", &r), 200);
	json_t *signer = json_object_get(r.json, "signer");
	assert_string_equal(jstr(signer, "form"), "KT.");
	assert_string_equal(jstr(signer, "for_title"), "Giám đốc");
	assert_int_equal(jint(signer, "delegation_id"), kt);
	mc_http_res_free(&r);
	char *text = printed(&cv, a);
	mc_test_expect_text(text, "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC");
	mc_test_expect_text(text, "Võ Thành Đạt");
	free(text);
	/* a report is not in its scope: signed in the deputy's own name */
	json_int_t b = to_the_office(&cv, &tp, "bao_cao", &v);
	assert_int_equal(act(&cvp, b, "approve", v, body, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(act(&pgd, b, "approve", v + 1, "{}", &r), 200);
	assert_true(json_is_null(json_object_get(json_object_get(r.json, "signer"), "form")));
	mc_http_res_free(&r);
	text = printed(&cv, b);
	mc_test_expect_text(text, "PHÓ GIÁM ĐỐC Võ Thành Đạt");
	assert_null(strstr(text, "KT."));
	free(text);
	/* an invitation the head of the office signs by order: TL. */
	json_int_t c = to_the_office(&cv, &tp, "giay_moi", &v);
	assert_string_equal(actions_of(&cvp, c, acts, sizeof(acts)), "approve,return,sign");
	assert_int_equal(act(&cvp, c, "sign", v, "{\"comment\":\"Ký thừa lệnh\"}", &r), 200);
	assert_string_equal(jstr(r.json, "status"), "signed");
	assert_string_equal(jstr(json_object_get(r.json, "signer"), "form"), "TL.");
	mc_http_res_free(&r);
	text = printed(&cv, c);
	mc_test_expect_text(text, "TL. GIÁM ĐỐC CHÁNH VĂN PHÒNG");
	free(text);
	/* revoked: the deputy signs in their own name again */
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/delegations/%lld/revoke", (long long)kt);
	assert_int_equal(mc_http_post(&pgd, path, "{}", &r), 200); /* another leader of the agency */
	assert_true(json_is_false(json_object_get(r.json, "active")));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&gd, path, "{}", &r), 409);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&tp, path, "{}", &r), 403);
	mc_http_res_free(&r);
	json_int_t d = to_the_office(&cv, &tp, "ke_hoach", &v);
	assert_int_equal(act(&cvp, d, "approve", v, body, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(act(&pgd, d, "approve", v + 1, "{}", &r), 200);
	assert_true(json_is_null(json_object_get(json_object_get(r.json, "signer"), "form")));
	mc_http_res_free(&r);
}

/* PATCH the position of the user (If-Match their current version) as s. */
static long patch_position(struct mc_http_session *s, const char *username, const char *position, struct mc_http_res *r)
{
	char path[80], etag[40], body[200];
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)user_id(username));
	snprintf(etag, sizeof(etag), "If-Match: \"v%lld\"",
		 (long long)mc_test_db_int(db, "SELECT version FROM users WHERE username = ?", username));
	snprintf(body, sizeof(body), "{\"position\":%s}", position);
	const char *h[] = {etag, NULL};
	return mc_http_do(s, "PATCH", path, body, h, r) ? -1 : r->status;
}

/* A confidential draft issued: its drafter, reviewers and signer read the
 * document, no one else of the agency; a signer whose record has no
 * position (the line the signer block prints) is refused before signing. */
static void confidential_issued_and_signer_position(void **state)
{
	(void)state;
	struct mc_http_session tp, gd, admin, cv, cvp, vt;
	mc_http_login_as(&tp, srv.base, "truongphong.stp");
	mc_http_login_as(&gd, srv.base, "giamdoc.stp");
	mc_http_login_as(&admin, srv.base, "admin");
	mc_http_login_as(&cv, srv.base, "chuyenvien.stp");
	mc_http_login_as(&cvp, srv.base, "chanhvanphong.stp");
	mc_http_login_as(&vt, srv.base, "vanthu.stp");
	json_int_t CVP = user_id("chanhvanphong.stp"), GD = user_id("giamdoc.stp");
	struct mc_http_res r;
	char body[300], path[80];
	assert_int_equal(mc_http_post(&tp, "/api/v1/drafts",
				      "{\"type_code\":\"bao_cao\",\"summary\":\"Báo cáo tình hình an ninh nội bộ\","
				      "\"content\":\"Nội dung mật\",\"secrecy\":\"mat\",\"recipients\":[\"Lưu: VT\"]}",
				      &r),
			 201);
	json_int_t id = jint(r.json, "id");
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"approver_id\":%lld}", (long long)CVP);
	assert_int_equal(act(&tp, id, "submit", 1, body, &r), 200);
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"next_approver_id\":%lld}", (long long)GD);
	assert_int_equal(act(&cvp, id, "approve", 2, body, &r), 200);
	mc_http_res_free(&r);
	/* the director's record loses its position: no signing, nothing changed */
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)GD);
	assert_int_equal(patch_position(&admin, "giamdoc.stp", "\"\"", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(act(&gd, id, "approve", 3, "{}", &r), 422);
	assert_non_null(strstr(r.body, "\"signer\""));
	assert_non_null(strstr(r.body, "chức vụ"));
	mc_http_res_free(&r);
	assert_int_equal(patch_position(&admin, "giamdoc.stp", "\"Giám đốc\"", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(act(&gd, id, "approve", 3, "{}", &r), 200);
	assert_string_equal(jstr(r.json, "status"), "signed");
	mc_http_res_free(&r);
	assert_int_equal(act(&vt, id, "issue", 4, "{}", &r), 200);
	json_int_t doc = jint(json_object_get(r.json, "document"), "id");
	assert_true(doc > 0);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/documents/%lld", (long long)doc);
	struct mc_http_session *readers[] = {&vt, &tp, &cvp, &gd};
	for (size_t i = 0; i < sizeof(readers) / sizeof(*readers); i++) {
		assert_int_equal(mc_http_get(readers[i], path, &r), 200);
		mc_http_res_free(&r);
	}
	assert_int_equal(mc_http_get(&cv, path, &r), 404); /* of the agency, not named */
	mc_http_res_free(&r);
	/* each reading of it audited: four readers */
	char oid[24];
	snprintf(oid, sizeof(oid), "%lld", (long long)doc);
	assert_int_equal(mc_test_db_int(db,
					"SELECT COUNT(*) FROM audit_log WHERE action = 'document.read'"
					" AND object_id = ?",
					oid),
			 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(drafted_returned_signed_issued),
		cmocka_unit_test(chains_trimmed_and_set),
		cmocka_unit_test(delegations_scope_period_and_form),
		cmocka_unit_test(confidential_issued_and_signer_position),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
