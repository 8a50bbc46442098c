/*
 * test_documents.c - official documents over HTTP (Decree 30/2020): the
 * registers of incoming and outgoing documents, their numbers and
 * symbols (01/QĐ-STP, 01/UBND-VHXH, a secret series apart, 01 again on 1
 * January, gap-free under 40 concurrent registrations), the date rule of
 * issuing, who may register and read, confidential documents, the first
 * opening recorded, and search without diacritics.  Servers start on
 * chosen dates (MOTCUA_TEST_NOW), all on one database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "only.h"
#include "pdf.h"
#include "server.h"
#include "testdb.h"

#include "db/db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_url[512];
static struct mc_db *db;
static struct mc_test_server srv;

static char T_2027_0302[] = "MOTCUA_TEST_NOW=2027-03-02T09:00:00+07:00"; /* Tuesday */
static char T_2028_1229[] = "MOTCUA_TEST_NOW=2028-12-29T10:00:00+07:00"; /* Friday */
static char T_2029_0102[] = "MOTCUA_TEST_NOW=2029-01-02T09:00:00+07:00"; /* Tuesday after New Year's Day */
static char T_2030_0604[] = "MOTCUA_TEST_NOW=2030-06-04T09:00:00+07:00"; /* Tuesday */

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (srv.pid > 0)
		mc_test_server_stop(&srv);
	mc_test_db_drop(db_url, db);
	return 0;
}

static void start(char *now)
{
	if (srv.pid > 0)
		assert_int_equal(mc_test_server_stop(&srv), 0);
	const char *env[] = {now, NULL};
	mc_test_server_start(&srv, db_url, env);
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_int_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static int64_t user_id(const char *username)
{
	return mc_test_db_int(db, "SELECT id FROM users WHERE username = ?", username);
}

static int64_t agency_id(const char *code)
{
	return mc_test_db_int(db, "SELECT id FROM agencies WHERE code = ?", code);
}

/* POST body to path as s; the status, r kept for the caller. */
static long post(struct mc_http_session *s, const char *path, const char *body, struct mc_http_res *r)
{
	return mc_http_post(s, path, body, r);
}

static const char *INCOMING =
	"{\"type_code\":\"cong_van\",\"summary\":\"Về việc góp ý dự thảo Quy định quản lý kiến trúc đô thị\","
	"\"doc_date\":\"2027-03-01\",\"sender\":\"Sở Xây dựng Thành phố Hồ Chí Minh\",\"sender_ref\":\"512/SXD-PC\","
	"\"urgency\":\"khan\",\"pages\":3}";

/* Register an incoming document as the Department of Justice's clerical
 * officer; its number. */
static json_int_t register_in(struct mc_http_session *s, const char *body, json_t **doc)
{
	struct mc_http_res r;
	assert_int_equal(post(s, "/api/v1/documents/incoming", body, &r), 201);
	json_int_t n = jint(r.json, "number");
	if (doc)
		*doc = json_incref(r.json);
	mc_http_res_free(&r);
	return n;
}

/* The number_text of an outgoing document registered with body (expect
 * 201) into out. */
static void register_out(struct mc_http_session *s, const char *body, char *out, size_t n)
{
	struct mc_http_res r;
	long st = post(s, "/api/v1/documents/outgoing", body, &r);
	if (st != 201)
		fail_msg("outgoing %s: %ld %s", body, st, r.body);
	snprintf(out, n, "%s", jstr(r.json, "number_text"));
	mc_http_res_free(&r);
}

/* The items of GET path as s (expect 200). */
static size_t list_count(struct mc_http_session *s, const char *path)
{
	struct mc_http_res r;
	assert_int_equal(mc_http_get(s, path, &r), 200);
	size_t n = json_array_size(json_object_get(r.json, "items"));
	mc_http_res_free(&r);
	return n;
}

static void incoming_register_read_search(void **state)
{
	(void)state;
	start(T_2027_0302);
	struct mc_http_session vt, tp, gd, cv, sxd, city, citizen;
	mc_http_login_as(&vt, srv.base, "vanthu.stp");
	mc_http_login_as(&tp, srv.base, "truongphong.stp");
	mc_http_login_as(&gd, srv.base, "giamdoc.stp");
	mc_http_login_as(&cv, srv.base, "chuyenvien.stp");
	mc_http_login_as(&sxd, srv.base, "phogiamdoc.sxd");
	mc_http_login_as(&city, srv.base, "lanhdao");
	mc_http_login_as(&citizen, srv.base, "079203001234");

	json_t *doc = NULL;
	assert_int_equal(register_in(&vt, INCOMING, &doc), 1);
	assert_string_equal(jstr(doc, "direction"), "in");
	assert_string_equal(jstr(doc, "series"), "in");
	assert_int_equal(jint(doc, "year"), 2027);
	assert_string_equal(jstr(doc, "number_text"), "1");
	assert_string_equal(jstr(json_object_get(doc, "type"), "name"), "Công văn");
	assert_string_equal(jstr(json_object_get(doc, "agency"), "code"), "000.00.02.H29");
	assert_string_equal(jstr(doc, "urgency"), "khan");
	assert_string_equal(jstr(doc, "sender_ref"), "512/SXD-PC");
	assert_int_equal(jint(doc, "pages"), 3);
	/* the server's clock starts at 09:00:00 and runs: on a busy machine
	 * the registering may come a few seconds later */
	assert_int_equal(strncmp(jstr(doc, "arrived_at"), "2027-03-02T09:0", 15), 0);
	assert_string_equal(jstr(json_array_get(json_object_get(doc, "events"), 0), "action"), "register");
	json_int_t first = jint(doc, "id");
	json_decref(doc);
	assert_int_equal(
		register_in(&vt,
			    "{\"type_code\":\"bao_cao\",\"summary\":\"Báo cáo tình hình cải cách hành chính quý I\","
			    "\"doc_date\":\"2027-02-28\",\"sender\":\"UBND Phường Sài Gòn\"}",
			    NULL),
		2);
	/* a confidential one: its own series, its readers named */
	char body[800];
	snprintf(body, sizeof(body),
		 "{\"type_code\":\"quyet_dinh\",\"summary\":\"Quyết định về công tác bảo vệ bí mật nhà nước\","
		 "\"doc_date\":\"2027-03-01\",\"sender\":\"Công an Thành phố Hồ Chí Minh\",\"secrecy\":\"mat\","
		 "\"readers\":[%lld]}",
		 (long long)user_id("giamdoc.stp"));
	assert_int_equal(register_in(&vt, body, &doc), 1);
	assert_string_equal(jstr(doc, "series"), "in_secret");
	json_int_t secret = jint(doc, "id");
	assert_int_equal(json_array_size(json_object_get(doc, "readers")), 1);
	json_decref(doc);

	/* the register: the confidential one only for its registrar and reader */
	assert_int_equal(list_count(&vt, "/api/v1/documents?direction=in"), 3);
	assert_int_equal(list_count(&gd, "/api/v1/documents?direction=in"), 3);
	assert_int_equal(list_count(&tp, "/api/v1/documents?direction=in"), 2);
	assert_int_equal(list_count(&tp, "/api/v1/documents?direction=out"), 0);
	/* search ignores diacritics and case; numbers and symbols too */
	assert_int_equal(list_count(&tp, "/api/v1/documents?q=gop%20y%20du%20thao"), 1);
	assert_int_equal(list_count(&tp, "/api/v1/documents?q=gop%20y%20kien%20truc"), 1); /* words apart */
	assert_int_equal(list_count(&tp, "/api/v1/documents?q=kien%20truc%20gop%20y"), 0); /* in their order */
	assert_int_equal(list_count(&tp, "/api/v1/documents?q=G%C3%93P%20%C3%9D"), 1);
	assert_int_equal(list_count(&tp, "/api/v1/documents?q=512%2FSXD"), 1);
	assert_int_equal(list_count(&tp, "/api/v1/documents?q=bao%20ve%20bi%20mat"), 0);
	assert_int_equal(list_count(&gd, "/api/v1/documents?q=bao%20ve%20bi%20mat"), 1);
	assert_int_equal(list_count(&tp, "/api/v1/documents?type=bao_cao"), 1);
	/* by the document's date and by state */
	assert_int_equal(list_count(&vt, "/api/v1/documents?from=2027-03-01"), 2);
	assert_int_equal(list_count(&vt, "/api/v1/documents?to=2027-02-28"), 1);
	assert_int_equal(list_count(&vt, "/api/v1/documents?from=2027-02-28&to=2027-02-28&direction=in"), 1);
	assert_int_equal(list_count(&vt, "/api/v1/documents?status=registered"), 3);
	assert_int_equal(list_count(&vt, "/api/v1/documents?status=handled"), 0);
	/* the city's leader reads the department's register (their subtree) */
	char path[120];
	snprintf(path, sizeof(path), "/api/v1/documents?agency_id=%lld", (long long)agency_id("000.00.02.H29"));
	assert_int_equal(list_count(&city, path), 2);
	struct mc_http_res r;
	/* another department's leader does not */
	assert_int_equal(mc_http_get(&sxd, path, &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&citizen, "/api/v1/documents", &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&tp, "/api/v1/documents?direction=sideways", &r), 422);
	assert_non_null(strstr(r.body, "direction"));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&tp, "/api/v1/documents?status=lost&from=1-3-2027", &r), 422);
	assert_non_null(strstr(r.body, "\"status\""));
	assert_non_null(strstr(r.body, "\"from\""));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&tp, "/api/v1/documents?from=2027-03-02&to=2027-03-01", &r), 422);
	assert_non_null(strstr(r.body, "\"to\""));
	mc_http_res_free(&r);

	/* reading: the first opening recorded once per official */
	snprintf(path, sizeof(path), "/api/v1/documents/%lld", (long long)first);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(mc_http_get(&tp, path, &r), 200);
		mc_http_res_free(&r);
	}
	assert_int_equal(mc_http_get(&tp, path, &r), 200);
	size_t i, views = 0;
	json_t *e;
	json_array_foreach(json_object_get(r.json, "events"), i, e)
		if (strcmp(jstr(e, "action"), "view") == 0) {
			views++;
			assert_string_equal(jstr(json_object_get(e, "actor"), "full_name"),
					    "Phan Thị Hồng Nhung" /* truongphong.stp */);
		}
	assert_int_equal(views, 1);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&city, path, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&sxd, path, &r), 404);
	mc_http_res_free(&r);
	/* the confidential one: not even said to exist to others; its reading audited */
	snprintf(path, sizeof(path), "/api/v1/documents/%lld", (long long)secret);
	assert_int_equal(mc_http_get(&tp, path, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&city, path, &r), 404);
	mc_http_res_free(&r);
	char oid[24];
	snprintf(oid, sizeof(oid), "%lld", (long long)secret);
	int64_t audited = mc_test_db_int(
		db, "SELECT COUNT(*) FROM audit_log WHERE action = 'document.read' AND object_id = ?", oid);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(mc_http_get(&gd, path, &r), 200);
		mc_http_res_free(&r);
	}
	assert_int_equal(
		mc_test_db_int(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'document.read' AND object_id = ?",
			       oid),
		audited + 2);

	/* who may register: the clerical officer, for the body they work for */
	assert_int_equal(post(&cv, "/api/v1/documents/incoming", INCOMING, &r), 403);
	mc_http_res_free(&r);
	snprintf(body, sizeof(body),
		 "{\"agency_id\":%lld,\"type_code\":\"cong_van\",\"summary\":\"X\",\"doc_date\":\"2027-03-01\","
		 "\"sender\":\"Y\"}",
		 (long long)agency_id("000.00.03.H29"));
	assert_int_equal(post(&vt, "/api/v1/documents/incoming", body, &r), 422);
	assert_non_null(strstr(r.body, "agency_id"));
	mc_http_res_free(&r);
	/* bad input: every field named, nothing registered */
	int64_t before = mc_test_db_int(db, "SELECT COUNT(*) FROM documents", NULL);
	assert_int_equal(post(&vt, "/api/v1/documents/incoming",
			      "{\"type_code\":\"sac_lenh\",\"doc_date\":\"2027-13-01\",\"sender\":\"Y\","
			      "\"urgency\":\"rat_gap\",\"secrecy\":\"none\",\"readers\":[1],\"pages\":0,"
			      "\"arrived_at\":\"2027-03-09T09:00:00+07:00\",\"file_sha256\":\"abc\"}",
			      &r),
			 422);
	const char *fields[] = {"summary", "doc_date",   "urgency",     "readers",
				"pages",   "arrived_at", "file_sha256", "type_code"};
	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
		if (!strstr(r.body, fields[k]))
			fail_msg("%s not named in %s", fields[k], r.body);
	mc_http_res_free(&r);
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM documents", NULL), before);
	assert_int_equal(
		post(&vt, "/api/v1/documents/incoming",
		     "{\"type_code\":\"cong_van\",\"summary\":\"X\",\"doc_date\":\"2027-03-05\",\"sender\":\"Y\"}", &r),
		422);
	assert_non_null(strstr(r.body, "doc_date"));
	mc_http_res_free(&r);
}

static const char *QD = "{\"type_code\":\"quyet_dinh\",\"summary\":\"Quyết định ban hành Kế hoạch kiểm tra công tác "
			"hộ tịch năm 2027\",\"signer_name\":\"Dương Văn Hải\",\"signer_position\":\"Giám đốc\","
			"\"recipients\":[\"Như Điều 3\",\"Lưu: VT, HCTP\"]}";

static void outgoing_numbers_symbols_and_dates(void **state)
{
	(void)state;
	start(T_2027_0302);
	struct mc_http_session vt, ward;
	mc_http_login_as(&vt, srv.base, "vanthu.stp");
	mc_http_login_as(&ward, srv.base, "vanthu.p26740");
	char num[64], body[900];
	register_out(&vt, QD, num, sizeof(num));
	assert_string_equal(num, "01/QĐ-STP");
	register_out(
		&vt,
		"{\"type_code\":\"ke_hoach\",\"summary\":\"Kế hoạch tuyên truyền pháp luật\",\"signer_name\":\"Dương "
		"Văn Hải\",\"signer_position\":\"Giám đốc\",\"recipients\":[\"Các phòng\"]}",
		num, sizeof(num));
	assert_string_equal(num, "02/KH-STP");
	/* a secret one: a series of its own */
	snprintf(body, sizeof(body), "%.*s,\"secrecy\":\"mat\"}", (int)strlen(QD) - 1, QD);
	register_out(&vt, body, num, sizeof(num));
	assert_string_equal(num, "01/QĐ-STP");
	register_out(&vt, QD, num, sizeof(num));
	assert_string_equal(num, "03/QĐ-STP");
	struct mc_http_res r;
	/* a công văn names its drafting unit */
	const char *cv =
		"{\"type_code\":\"cong_van\",\"summary\":\"V/v rà soát hồ sơ đăng ký hộ tịch\","
		"\"signer_name\":\"Trần Văn Bình\",\"signer_position\":\"Chủ tịch\",\"recipients\":[\"Như trên\"]";
	snprintf(body, sizeof(body), "%s}", cv);
	assert_int_equal(post(&ward, "/api/v1/documents/outgoing", body, &r), 422);
	assert_non_null(strstr(r.body, "drafting_unit_id"));
	mc_http_res_free(&r);
	snprintf(body, sizeof(body),
		 "{\"code\":\"000.01.31.H29.01\",\"kind\":\"division\",\"name\":\"Phòng Văn hóa - Xã hội\","
		 "\"name_en\":\"Culture and Society Division\",\"unit_code\":\"26740\",\"parent_id\":%lld,"
		 "\"abbr\":\"VHXH\"}",
		 (long long)agency_id("000.01.31.H29"));
	assert_int_equal(post(&ward, "/api/v1/agencies", body, &r), 201);
	json_int_t division = jint(r.json, "id");
	assert_string_equal(jstr(r.json, "abbr"), "VHXH");
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "%s,\"drafting_unit_id\":%lld}", cv, (long long)division);
	register_out(&ward, body, num, sizeof(num));
	assert_string_equal(num, "01/UBND-VHXH");
	/* a unit of another agency is no drafting unit of this one */
	snprintf(body, sizeof(body), "%s,\"drafting_unit_id\":%lld}", cv, (long long)agency_id("000.00.03.H29"));
	assert_int_equal(post(&ward, "/api/v1/documents/outgoing", body, &r), 422);
	assert_non_null(strstr(r.body, "drafting_unit_id"));
	mc_http_res_free(&r);
	/* issued the day it is signed or the next working day: signed on
	 * Monday 1 March, issued on Tuesday; Friday 26 February is too old */
	snprintf(body, sizeof(body), "%.*s,\"doc_date\":\"2027-03-01\"}", (int)strlen(QD) - 1, QD);
	register_out(&vt, body, num, sizeof(num));
	assert_string_equal(num, "04/QĐ-STP");
	snprintf(body, sizeof(body), "%.*s,\"doc_date\":\"2027-02-26\"}", (int)strlen(QD) - 1, QD);
	assert_int_equal(post(&vt, "/api/v1/documents/outgoing", body, &r), 422);
	assert_non_null(strstr(r.body, "doc_date"));
	assert_non_null(strstr(r.body, "ngày làm việc"));
	mc_http_res_free(&r);
	/* an agency without an abbreviation cannot number yet */
	char apath[80];
	snprintf(apath, sizeof(apath), "/api/v1/agencies/%lld/abbr", (long long)agency_id("000.01.31.H29"));
	mc_http_do(&ward, "PUT", apath, "{\"abbr\":\"U B\"}", NULL, &r);
	assert_int_equal(r.status, 422);
	mc_http_res_free(&r);
	mc_http_do(&ward, "PUT", apath, "{\"abbr\":null}", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(json_is_null(json_object_get(r.json, "abbr")));
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "%s,\"drafting_unit_id\":%lld}", cv, (long long)division);
	assert_int_equal(post(&ward, "/api/v1/documents/outgoing", body, &r), 422);
	assert_non_null(strstr(r.body, "agency_id"));
	mc_http_res_free(&r);
	mc_http_do(&ward, "PUT", apath, "{\"abbr\":\"UBND\"}", NULL, &r);
	assert_int_equal(r.status, 200);
	mc_http_res_free(&r);
	register_out(&ward, body, num, sizeof(num));
	assert_string_equal(num, "02/UBND-VHXH");
	/* what the outgoing register shows */
	assert_int_equal(list_count(&vt, "/api/v1/documents?direction=out&year=2027"), 5);
	assert_int_equal(list_count(&vt, "/api/v1/documents?direction=out&year=2026"), 0);
	assert_int_equal(list_count(&vt, "/api/v1/documents?q=04%2FQ%C4%90-STP"), 1);
}

static void numbers_start_again_on_1_january(void **state)
{
	(void)state;
	start(T_2028_1229);
	struct mc_http_session vt;
	mc_http_login_as(&vt, srv.base, "vanthu.stp");
	char num[64];
	register_out(&vt, QD, num, sizeof(num));
	assert_string_equal(num, "01/QĐ-STP");
	register_out(&vt, QD, num, sizeof(num));
	assert_string_equal(num, "02/QĐ-STP");
	assert_int_equal(register_in(&vt, INCOMING, NULL), 1);
	start(T_2029_0102);
	mc_http_login_as(&vt, srv.base, "vanthu.stp");
	register_out(&vt, QD, num, sizeof(num));
	assert_string_equal(num, "01/QĐ-STP");
	/* the first working day after New Year's Day: a document signed on
	 * Friday 29 December is still issued in time */
	char body[900];
	snprintf(body, sizeof(body), "%.*s,\"doc_date\":\"2028-12-29\"}", (int)strlen(QD) - 1, QD);
	register_out(&vt, body, num, sizeof(num));
	assert_string_equal(num, "03/QĐ-STP"); /* numbered in its year's register */
	const char *in2029 = "{\"type_code\":\"cong_van\",\"summary\":\"Góp ý\",\"doc_date\":\"2028-12-28\","
			     "\"sender\":\"Sở Xây dựng\"}";
	json_t *doc = NULL;
	assert_int_equal(register_in(&vt, in2029, &doc), 1);
	assert_int_equal(jint(doc, "year"), 2029);
	json_decref(doc);
}

static char T_2027_0304[] = "MOTCUA_TEST_NOW=2027-03-04T09:00:00+07:00"; /* Thursday */

/* POST an action on document id at version v as s; the status, r kept. */
static long act(struct mc_http_session *s, json_int_t id, const char *action, json_int_t v, const char *body,
		struct mc_http_res *r)
{
	char path[120], etag[40];
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/actions/%s", (long long)id, action);
	snprintf(etag, sizeof(etag), "If-Match: \"v%lld\"", (long long)v);
	const char *h[] = {etag, NULL};
	mc_http_do(s, "POST", path, body, h, r);
	return r->status;
}

/* The task of kind addressed to user on document j (NULL if none). */
static json_t *task_of(json_t *j, const char *kind, json_int_t user)
{
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(j, "tasks"), i, t)
		if (strcmp(jstr(t, "kind"), kind) == 0 && jint(json_object_get(t, "to"), "id") == user)
			return t;
	return NULL;
}

/* Move an official to the agency of code (as an administrator would). */
static void move(const char *username, const char *code)
{
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(
		mc_exec(c, "UPDATE users SET agency_id = (SELECT id FROM agencies WHERE code = ?) WHERE username = ?",
			"tt", code, username),
		1);
	mc_db_release(c);
}

static size_t inbox(struct mc_http_session *s, const char *state, json_t **first_doc)
{
	char path[100];
	snprintf(path, sizeof(path), "/api/v1/my/document-tasks?state=%s", state);
	struct mc_http_res r;
	assert_int_equal(mc_http_get(s, path, &r), 200);
	json_t *items = json_object_get(r.json, "items");
	size_t n = json_array_size(items);
	if (first_doc)
		*first_doc = n ? json_incref(json_object_get(json_array_get(items, 0), "document")) : NULL;
	mc_http_res_free(&r);
	return n;
}

/* What s may do on document id now, the names joined by commas into out. */
static const char *actions_of(struct mc_http_session *s, json_int_t id, char *out, size_t n)
{
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/documents/%lld", (long long)id);
	struct mc_http_res r;
	assert_int_equal(mc_http_get(s, path, &r), 200);
	out[0] = '\0';
	size_t i, len = 0;
	json_t *v;
	json_array_foreach(json_object_get(r.json, "actions"), i, v)
		len += (size_t)snprintf(out + len, n - len, "%s%s", i ? "," : "", json_string_value(v));
	mc_http_res_free(&r);
	return out;
}

/* GET the addressees of id for action as s: the status; the ids joined by
 * commas into out on a 200. */
static long addressees_of(struct mc_http_session *s, json_int_t id, const char *action, char *out, size_t n)
{
	char path[120];
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/addressees?action=%s", (long long)id, action);
	struct mc_http_res r;
	long st = mc_http_get(s, path, &r);
	out[0] = '\0';
	size_t i, len = 0;
	json_t *v;
	json_array_foreach(json_object_get(r.json, "items"), i, v)
		len += (size_t)snprintf(out + len, n - len, ",%lld,", (long long)jint(v, "id"));
	mc_http_res_free(&r);
	return st;
}

static int listed(const char *ids, json_int_t id)
{
	char k[32];
	snprintf(k, sizeof(k), ",%lld,", (long long)id);
	return strstr(ids, k) != NULL;
}

/* Each one sees what they may do on a document at each step, and whom
 * they may address: the leaders of its agency to send it to, its officials
 * to direct and assign it to. */
static void actions_and_addressees(void **state)
{
	(void)state;
	start(T_2027_0302);
	struct mc_http_session vt, gd, tp, cvs, sxd;
	mc_http_login_as(&vt, srv.base, "vanthu.stp");
	mc_http_login_as(&gd, srv.base, "giamdoc.stp");
	mc_http_login_as(&tp, srv.base, "truongphong.stp");
	mc_http_login_as(&cvs, srv.base, "chuyenvien.stp");
	mc_http_login_as(&sxd, srv.base, "phogiamdoc.sxd");
	json_int_t GD = user_id("giamdoc.stp"), TP = user_id("truongphong.stp"), CVS = user_id("chuyenvien.stp"),
		   VT = user_id("vanthu.stp"), SXD = user_id("phogiamdoc.sxd");
	json_t *doc;
	register_in(&vt,
		    "{\"type_code\":\"cong_van\",\"summary\":\"Đề nghị phối hợp rà soát văn bản quy phạm\","
		    "\"doc_date\":\"2027-03-01\",\"sender\":\"Sở Nội vụ\"}",
		    &doc);
	json_int_t a = jint(doc, "id");
	assert_int_equal(json_array_size(json_object_get(doc, "actions")), 1);
	json_decref(doc);
	char acts[200], ids[2000], body[200];
	struct mc_http_res r;
	assert_string_equal(actions_of(&vt, a, acts, sizeof(acts)), "send_to_leader");
	assert_string_equal(actions_of(&gd, a, acts, sizeof(acts)), "");
	/* sending it on: the leaders of the agency only */
	assert_int_equal(addressees_of(&vt, a, "send_to_leader", ids, sizeof(ids)), 200);
	assert_true(listed(ids, GD));
	assert_false(listed(ids, TP) || listed(ids, VT) || listed(ids, SXD));
	assert_int_equal(addressees_of(&tp, a, "send_to_leader", ids, sizeof(ids)), 403);
	assert_int_equal(addressees_of(&vt, a, "direct", ids, sizeof(ids)), 403);
	assert_int_equal(addressees_of(&vt, a, "sideways", ids, sizeof(ids)), 422);
	assert_int_equal(addressees_of(&vt, a, "", ids, sizeof(ids)), 422);
	assert_int_equal(addressees_of(&sxd, a, "send_to_leader", ids, sizeof(ids)), 404);
	assert_int_equal(addressees_of(&vt, a + 1000, "send_to_leader", ids, sizeof(ids)), 404);
	snprintf(body, sizeof(body), "{\"leader_id\":%lld}", (long long)GD);
	assert_int_equal(act(&vt, a, "send_to_leader", 1, body, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "actions")),
			 0); /* sent: nothing left to the officer */
	mc_http_res_free(&r);
	assert_string_equal(actions_of(&vt, a, acts, sizeof(acts)), "");
	assert_string_equal(actions_of(&gd, a, acts, sizeof(acts)), "direct");
	/* the direction: any official of the agency who reads documents */
	assert_int_equal(addressees_of(&gd, a, "direct", ids, sizeof(ids)), 200);
	assert_true(listed(ids, GD) && listed(ids, TP) && listed(ids, CVS) && listed(ids, VT));
	assert_false(listed(ids, SXD));
	assert_int_equal(addressees_of(&gd, a, "assign", ids, sizeof(ids)), 403);
	snprintf(body, sizeof(body), "{\"lead_user_id\":%lld,\"inform_user_ids\":[%lld],\"due_date\":\"2027-03-12\"}",
		 (long long)TP, (long long)VT);
	assert_int_equal(act(&gd, a, "direct", 2, body, &r), 200);
	mc_http_res_free(&r);
	assert_string_equal(actions_of(&gd, a, acts, sizeof(acts)), "");
	assert_string_equal(actions_of(&tp, a, acts, sizeof(acts)), "assign,complete");
	assert_string_equal(actions_of(&vt, a, acts, sizeof(acts)), "acknowledge");
	/* assigning: someone else than the lead */
	assert_int_equal(addressees_of(&tp, a, "assign", ids, sizeof(ids)), 200);
	assert_true(listed(ids, CVS));
	assert_false(listed(ids, TP));
	snprintf(body, sizeof(body), "{\"user_id\":%lld}", (long long)CVS);
	assert_int_equal(act(&tp, a, "assign", 3, body, &r), 200);
	mc_http_res_free(&r);
	/* one handling at a time: the lead may still report it done, not assign it again */
	assert_string_equal(actions_of(&tp, a, acts, sizeof(acts)), "complete");
	assert_int_equal(addressees_of(&tp, a, "assign", ids, sizeof(ids)), 403);
	assert_string_equal(actions_of(&cvs, a, acts, sizeof(acts)), "complete");
	assert_int_equal(act(&cvs, a, "complete", 4, "{\"result\":\"Đã rà soát, có văn bản trả lời\"}", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "actions")), 0);
	mc_http_res_free(&r);
	assert_string_equal(actions_of(&tp, a, acts, sizeof(acts)), "");
	assert_string_equal(actions_of(&vt, a, acts, sizeof(acts)), "acknowledge");
}

/* The id of the addressee of send_to_leader marked proposed for document
 * id, as s; 0 when none. */
static json_int_t proposed(struct mc_http_session *s, json_int_t id)
{
	char path[120];
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/addressees?action=send_to_leader", (long long)id);
	struct mc_http_res r;
	assert_int_equal(mc_http_get(s, path, &r), 200);
	json_int_t who = 0;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(r.json, "items"), i, v)
		if (json_is_true(json_object_get(v, "proposed")))
			who = who ? -1 : jint(v, "id"); /* one only */
	mc_http_res_free(&r);
	return who;
}

/* A document's field; the agency's rule names the leader who directs the
 * field's documents, proposed to the clerical officer (the head when no
 * rule); who may set the rules. */
static void fields_and_the_proposed_leader(void **state)
{
	(void)state;
	start(T_2027_0302);
	struct mc_http_session vt, tp, admin, citizen;
	mc_http_login_as(&vt, srv.base, "vanthu.stp");
	mc_http_login_as(&tp, srv.base, "truongphong.stp");
	mc_http_login_as(&admin, srv.base, "admin");
	mc_http_login_as(&citizen, srv.base, "079203001234");
	json_int_t GD = user_id("giamdoc.stp"), PGD = user_id("phogiamdoc.stp"), TP = user_id("truongphong.stp"),
		   STP = agency_id("000.00.02.H29");
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&vt, "/api/v1/document-fields", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 12);
	assert_string_equal(jstr(json_array_get(json_object_get(r.json, "items"), 2), "name"), "Tư pháp");
	mc_http_res_free(&r);
	/* the deputy directs justice matters */
	char path[120], body[200];
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld/document-leaders/tu_phap", (long long)STP);
	snprintf(body, sizeof(body), "{\"leader_id\":%lld}", (long long)TP);
	assert_int_equal(mc_http_do(&admin, "PUT", path, body, NULL, &r), 0);
	assert_int_equal(r.status, 422); /* a head of division is no leader */
	assert_non_null(strstr(r.body, "leader_id"));
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"leader_id\":%lld}", (long long)PGD);
	assert_int_equal(mc_http_do(&tp, "PUT", path, body, NULL, &r), 0);
	assert_int_equal(r.status, 403); /* not an administrator */
	mc_http_res_free(&r);
	assert_int_equal(mc_http_do(&admin, "PUT", path, body, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(jint(json_object_get(r.json, "leader"), "id"), PGD);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld/document-leaders", (long long)STP);
	assert_int_equal(mc_http_get(&vt, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 12);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&citizen, path, &r), 403);
	mc_http_res_free(&r);
	/* registered with its field: the rule's leader proposed */
	json_t *doc;
	register_in(&vt,
		    "{\"type_code\":\"cong_van\",\"summary\":\"Đề nghị góp ý dự thảo nghị quyết về trợ giúp pháp lý\","
		    "\"doc_date\":\"2027-03-01\",\"sender\":\"Sở Nội vụ\",\"field_code\":\"tu_phap\"}",
		    &doc);
	json_int_t a = jint(doc, "id");
	assert_string_equal(jstr(json_object_get(doc, "field"), "name"), "Tư pháp");
	json_decref(doc);
	assert_int_equal(proposed(&vt, a), PGD);
	/* another field, or none: the head */
	register_in(&vt,
		    "{\"type_code\":\"cong_van\",\"summary\":\"Về việc quyết toán kinh phí\","
		    "\"doc_date\":\"2027-03-01\",\"sender\":\"Sở Tài chính\",\"field_code\":\"tai_chinh\"}",
		    &doc);
	json_int_t b = jint(doc, "id");
	json_decref(doc);
	assert_int_equal(proposed(&vt, b), GD);
	/* an unknown field: nothing registered */
	assert_int_equal(post(&vt, "/api/v1/documents/incoming",
			      "{\"type_code\":\"cong_van\",\"summary\":\"X\",\"doc_date\":\"2027-03-01\","
			      "\"sender\":\"Sở Nội vụ\",\"field_code\":\"thien_van\"}",
			      &r),
			 422);
	assert_non_null(strstr(r.body, "field_code"));
	mc_http_res_free(&r);
	/* the rule dropped: the head again */
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld/document-leaders/tu_phap", (long long)STP);
	assert_int_equal(mc_http_do(&admin, "PUT", path, "{\"leader_id\":null}", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_true(json_is_null(json_object_get(r.json, "leader")));
	mc_http_res_free(&r);
	assert_int_equal(proposed(&vt, a), GD);
}

/* The scan registered with an incoming document is the document's: kept
 * past the time an unclaimed upload is, read by who may read the document
 * (a confidential one's reading audited), by nobody else. */
static void registered_file_kept_and_read(void **state)
{
	(void)state;
	start(T_2027_0302);
	struct mc_http_session vt, tp, sxd;
	mc_http_login_as(&vt, srv.base, "vanthu.stp");
	mc_http_login_as(&tp, srv.base, "truongphong.stp");
	mc_http_login_as(&sxd, srv.base, "phogiamdoc.sxd");
	static const char scan[] = MC_TEST_PDF("the scan of 145/UBND-KT");
	char sha[65], body[600], path[80];
	assert_int_equal(mc_http_upload(&vt, scan, sha), 201);
	snprintf(body, sizeof(body),
		 "{\"type_code\":\"cong_van\",\"summary\":\"Về việc báo cáo tình hình thi hành án\","
		 "\"doc_date\":\"2027-03-01\",\"sender\":\"UBND Phường Sài Gòn\",\"sender_ref\":\"145/UBND-KT\","
		 "\"medium\":\"electronic\",\"file_sha256\":\"%s\"}",
		 sha);
	json_t *doc;
	register_in(&vt, body, &doc);
	json_int_t a = jint(doc, "id");
	assert_string_equal(jstr(doc, "file_sha256"), sha);
	json_decref(doc);
	/* the upload is claimed: housekeeping keeps it */
	assert_int_equal(
		mc_test_db_int(db, "SELECT COUNT(*) FROM uploads WHERE sha256 = ? AND attached_at IS NOT NULL", sha),
		1);
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/file", (long long)a);
	assert_int_equal(mc_http_get(&tp, path, &r), 200);
	assert_int_equal(r.len, strlen(scan));
	assert_memory_equal(r.body, scan, strlen(scan));
	assert_non_null(strstr(r.headers, "application/pdf"));
	assert_non_null(strstr(r.headers, "sandbox"));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&sxd, path, &r), 404); /* another department's */
	mc_http_res_free(&r);
	/* a document without a file */
	register_in(&vt, INCOMING, &doc);
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/file", (long long)jint(doc, "id"));
	json_decref(doc);
	assert_int_equal(mc_http_get(&tp, path, &r), 404);
	mc_http_res_free(&r);
	/* a confidential one: its reader's reading audited, the department head refused */
	static const char secret_scan[] = MC_TEST_PDF("a confidential scan");
	assert_int_equal(mc_http_upload(&vt, secret_scan, sha), 201);
	snprintf(body, sizeof(body),
		 "{\"type_code\":\"bao_cao\",\"summary\":\"Báo cáo công tác bảo vệ bí mật nhà nước\","
		 "\"doc_date\":\"2027-03-01\",\"sender\":\"Công an Thành phố\",\"secrecy\":\"mat\","
		 "\"file_sha256\":\"%s\"}",
		 sha);
	register_in(&vt, body, &doc);
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/file", (long long)jint(doc, "id"));
	json_decref(doc);
	assert_int_equal(mc_http_get(&tp, path, &r), 404);
	mc_http_res_free(&r);
	int64_t before = mc_test_db_int(db, "SELECT COUNT(*) FROM audit_log WHERE action = ?", "document.file");
	assert_int_equal(mc_http_get(&vt, path, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM audit_log WHERE action = ?", "document.file"),
			 before + 1);
}

/* An incoming document from registration to its handling: sent to the
 * director, directed (lead, coordination, information, deadline), assigned,
 * handled, acknowledged; each one's inbox, opening and trail. */
static void incoming_directed_assigned_handled(void **state)
{
	(void)state;
	start(T_2027_0302);
	struct mc_http_session vt, gd, tp, cv, cvs, sxd;
	mc_http_login_as(&vt, srv.base, "vanthu.stp");
	mc_http_login_as(&gd, srv.base, "giamdoc.stp");
	mc_http_login_as(&tp, srv.base, "truongphong.stp");
	mc_http_login_as(&cv, srv.base, "chuyenvien");
	mc_http_login_as(&cvs, srv.base, "chuyenvien.stp");
	mc_http_login_as(&sxd, srv.base, "phogiamdoc.sxd");
	json_int_t GD = user_id("giamdoc.stp"), TP = user_id("truongphong.stp"), CV = user_id("chuyenvien"),
		   CVS = user_id("chuyenvien.stp"), SXD = user_id("phogiamdoc.sxd");
	json_t *doc;
	register_in(&vt,
		    "{\"type_code\":\"cong_van\",\"summary\":\"Đề nghị cung cấp thông tin đăng ký khai sinh\","
		    "\"doc_date\":\"2027-03-01\",\"sender\":\"Tòa án nhân dân Thành phố\"}",
		    &doc);
	json_int_t a = jint(doc, "id");
	json_decref(doc);
	register_in(&vt,
		    "{\"type_code\":\"cong_dien\",\"summary\":\"Công điện về ứng phó bão số 3\","
		    "\"doc_date\":\"2027-03-02\",\"sender\":\"UBND Thành phố\",\"urgency\":\"hoa_toc\"}",
		    &doc);
	json_int_t b = jint(doc, "id");
	json_decref(doc);
	char body[400];
	struct mc_http_res r;
	/* sent on by the clerical officer, to a leader of the agency */
	snprintf(body, sizeof(body), "{\"leader_id\":%lld}", (long long)TP);
	assert_int_equal(act(&vt, a, "send_to_leader", 1, body, &r), 422); /* a department head is no leader */
	assert_non_null(strstr(r.body, "leader_id"));
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"leader_id\":%lld}", (long long)GD);
	/* the hỏa tốc one sent first: the inbox's order is not the order of sending */
	assert_int_equal(act(&vt, b, "send_to_leader", 1, body, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(act(&tp, a, "send_to_leader", 1, body, &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(act(&vt, a, "send_to_leader", 1, body, &r), 200);
	assert_string_equal(jstr(r.json, "status"), "sent");
	assert_int_equal(jint(r.json, "version"), 2);
	json_t *t = task_of(r.json, "direct", GD);
	assert_non_null(t);
	assert_true(json_is_null(json_object_get(t, "viewed_at")));
	mc_http_res_free(&r);
	assert_int_equal(act(&vt, a, "send_to_leader", 2, body, &r), 409); /* already sent */
	mc_http_res_free(&r);
	/* the director's inbox: the hỏa tốc one first; opening it is recorded */
	assert_int_equal(inbox(&gd, "unopened", &doc), 2);
	assert_true(b > a); /* b was registered after a, sent before it */
	assert_int_equal(jint(doc, "id"), b);
	assert_string_equal(jstr(doc, "urgency"), "hoa_toc");
	json_decref(doc);
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/documents/%lld", (long long)a);
	assert_int_equal(mc_http_get(&gd, path, &r), 200);
	assert_false(json_is_null(json_object_get(task_of(r.json, "direct", GD), "viewed_at")));
	mc_http_res_free(&r);
	assert_int_equal(inbox(&gd, "unopened", NULL), 1);
	assert_int_equal(inbox(&gd, "pending", NULL), 2);
	/* the direction: bad input, the wrong person, a stale version */
	snprintf(body, sizeof(body),
		 "{\"lead_user_id\":%lld,\"coordinate_user_ids\":[%lld,%lld],\"inform_user_ids\":[%lld],"
		 "\"due_date\":\"2027-03-01\"}",
		 (long long)TP, (long long)CV, (long long)CV, (long long)SXD);
	assert_int_equal(act(&gd, a, "direct", 2, body, &r), 422);
	const char *fields[] = {"due_date", "coordinate_user_ids", "inform_user_ids"};
	for (size_t k = 0; k < 3; k++)
		if (!strstr(r.body, fields[k]))
			fail_msg("%s not named in %s", fields[k], r.body);
	mc_http_res_free(&r);
	snprintf(body, sizeof(body),
		 "{\"lead_user_id\":%lld,\"coordinate_user_ids\":[%lld],\"inform_user_ids\":[%lld],"
		 "\"due_date\":\"2027-03-09\",\"note\":\"Giao Phòng Hộ tịch chủ trì, trả lời trước ngày 9/3\"}",
		 (long long)TP, (long long)CV, (long long)CVS);
	assert_int_equal(act(&tp, a, "direct", 2, body, &r), 403);
	mc_http_res_free(&r);
	/* an official of a body below the department could not open it */
	char below[200];
	snprintf(below, sizeof(below), "{\"lead_user_id\":%lld,\"due_date\":\"2027-03-09\"}",
		 (long long)user_id("leader.thcs.minhduc"));
	assert_int_equal(act(&gd, a, "direct", 2, below, &r), 422);
	assert_non_null(strstr(r.body, "lead_user_id"));
	mc_http_res_free(&r);
	assert_int_equal(act(&gd, a, "direct", 1, body, &r), 412);
	mc_http_res_free(&r);
	assert_int_equal(act(&gd, a, "direct", 2, body, &r), 200);
	assert_string_equal(jstr(r.json, "status"), "directed");
	assert_string_equal(jstr(task_of(r.json, "direct", GD), "status"), "done");
	assert_string_equal(jstr(task_of(r.json, "lead", TP), "due_date"), "2027-03-09");
	assert_non_null(task_of(r.json, "coordinate", CV));
	assert_non_null(task_of(r.json, "inform", CVS));
	json_int_t v = jint(r.json, "version");
	mc_http_res_free(&r);
	/* the other one: due tomorrow */
	snprintf(body, sizeof(body), "{\"lead_user_id\":%lld,\"due_date\":\"2027-03-03\"}", (long long)TP);
	assert_int_equal(act(&gd, b, "direct", 2, body, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(inbox(&gd, "pending", NULL), 0);
	assert_int_equal(inbox(&tp, "pending", &doc), 2);
	assert_int_equal(jint(doc, "id"), b);
	json_decref(doc);
	assert_int_equal(inbox(&tp, "due_soon", &doc), 1);
	assert_int_equal(jint(doc, "id"), b);
	json_decref(doc);
	assert_int_equal(inbox(&tp, "overdue", NULL), 0);
	/* assigned within the lead's agency, handled, acknowledged */
	snprintf(body, sizeof(body), "{\"user_id\":%lld}", (long long)SXD);
	assert_int_equal(act(&tp, a, "assign", v, body, &r), 422);
	assert_non_null(strstr(r.body, "user_id"));
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"user_id\":%lld,\"note\":\"Đồng chí Nhân xử lý\"}", (long long)CVS);
	assert_int_equal(act(&cvs, a, "assign", v, body, &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(act(&tp, a, "assign", v, body, &r), 200);
	assert_string_equal(jstr(r.json, "status"), "assigned");
	t = task_of(r.json, "handle", CVS);
	assert_non_null(t);
	assert_string_equal(jstr(t, "due_date"), "2027-03-09");
	v = jint(r.json, "version");
	mc_http_res_free(&r);
	assert_int_equal(act(&cvs, a, "complete", v, "{}", &r), 422);
	assert_non_null(strstr(r.body, "result"));
	mc_http_res_free(&r);
	assert_int_equal(act(&cvs, a, "complete", v, "{\"result\":\"Đã có Công văn trả lời số 05/STP-HT\"}", &r), 200);
	assert_string_equal(jstr(r.json, "status"), "handled");
	assert_string_equal(jstr(task_of(r.json, "handle", CVS), "status"), "done");
	assert_string_equal(jstr(task_of(r.json, "lead", TP), "status"), "done");
	v = jint(r.json, "version");
	mc_http_res_free(&r);
	assert_int_equal(act(&cv, a, "complete", v, "{\"result\":\"Đã phối hợp cung cấp số liệu\"}", &r), 200);
	v = jint(r.json, "version");
	mc_http_res_free(&r);
	assert_int_equal(act(&cvs, a, "acknowledge", v, NULL, &r), 200);
	v = jint(r.json, "version");
	size_t i;
	json_t *e;
	const char *trail[] = {"register", "send_to_leader", "view",     "direct",
			       "assign",   "complete",       "complete", "acknowledge"};
	size_t n = 0;
	json_array_foreach(json_object_get(r.json, "events"), i, e) {
		if (strcmp(jstr(e, "action"), "view") == 0 && n != 2)
			continue; /* the others' openings */
		if (n < 8)
			assert_string_equal(jstr(e, "action"), trail[n]);
		n++;
	}
	assert_int_equal(n, 8);
	mc_http_res_free(&r);
	assert_int_equal(act(&cvs, a, "acknowledge", v, NULL, &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(inbox(&tp, "pending", NULL), 1);
	assert_int_equal(inbox(&cvs, "done", NULL), 2);
	assert_true(mc_test_db_int(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'document.direct'", NULL) >= 2);
	/* moved to another agency, an official's inbox no longer shows the
	 * department's documents */
	move("chuyenvien.stp", "000.00.03.H29");
	mc_http_login_as(&cvs, srv.base, "chuyenvien.stp");
	assert_int_equal(inbox(&cvs, "done", NULL), 0);
	move("chuyenvien.stp", "000.00.02.H29");
	mc_http_login_as(&cvs, srv.base, "chuyenvien.stp");
	assert_int_equal(inbox(&cvs, "done", NULL), 2);
	/* a confidential one: whoever it is sent to becomes one of its readers */
	register_in(&vt,
		    "{\"type_code\":\"chi_thi\",\"summary\":\"Chỉ thị về bảo vệ bí mật nhà nước\","
		    "\"doc_date\":\"2027-03-02\",\"sender\":\"UBND Thành phố\",\"secrecy\":\"toi_mat\"}",
		    &doc);
	json_int_t c = jint(doc, "id");
	json_decref(doc);
	snprintf(path, sizeof(path), "/api/v1/documents/%lld", (long long)c);
	assert_int_equal(mc_http_get(&gd, path, &r), 404);
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"leader_id\":%lld}", (long long)GD);
	assert_int_equal(act(&vt, c, "send_to_leader", 1, body, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&gd, path, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&tp, path, &r), 404);
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"lead_user_id\":%lld,\"due_date\":\"2027-03-05\"}", (long long)TP);
	assert_int_equal(act(&gd, c, "direct", 2, body, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&tp, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "readers")), 2);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&cvs, path, &r), 404);
	mc_http_res_free(&r);
	/* two days on, the one due yesterday is overdue */
	start(T_2027_0304);
	mc_http_login_as(&tp, srv.base, "truongphong.stp");
	assert_int_equal(inbox(&tp, "overdue", &doc), 1);
	assert_int_equal(jint(doc, "id"), b);
	json_decref(doc);
	assert_int_equal(mc_http_get(&tp, "/api/v1/my/document-tasks?state=late", &r), 422);
	mc_http_res_free(&r);
	/* the dashboard's figures of the month so far: as the registers say */
	mc_http_login_as(&gd, srv.base, "giamdoc.stp");
	assert_int_equal(mc_http_get(&gd, "/api/v1/dashboard/documents", &r), 200);
	assert_string_equal(jstr(r.json, "from"), "2027-03-01");
	assert_string_equal(jstr(r.json, "to"), "2027-03-04");
	const char *stp_month =
		"SELECT COUNT(*) FROM documents d JOIN agencies a ON a.id = d.agency_id WHERE a.code = ?"
		" AND d.doc_date >= '2027-03-01' AND d.doc_date <= '2027-03-04'";
	char q[400];
	snprintf(q, sizeof(q), "%s AND d.direction = 'in'", stp_month);
	int64_t in = mc_test_db_int(db, q, "000.00.02.H29");
	assert_true(in >= 3);
	assert_int_equal(jint(r.json, "received"), in);
	snprintf(q, sizeof(q), "%s AND d.direction = 'out'", stp_month);
	assert_int_equal(jint(r.json, "issued"), mc_test_db_int(db, q, "000.00.02.H29"));
	snprintf(q, sizeof(q), "%s AND d.direction = 'in' AND d.medium = 'electronic'", stp_month);
	assert_int_equal(jint(r.json, "received_electronic"), mc_test_db_int(db, q, "000.00.02.H29"));
	int64_t late = mc_test_db_int(db,
				      "SELECT COUNT(*) FROM document_tasks t JOIN documents d ON d.id = t.document_id"
				      " JOIN agencies a ON a.id = d.agency_id WHERE a.code = ? AND t.kind = 'lead'"
				      " AND t.status = 'pending' AND t.due_date < '2027-03-04'",
				      "000.00.02.H29");
	assert_true(late >= 1); /* b's */
	assert_int_equal(jint(r.json, "overdue_directions"), late);
	json_t *unit = json_array_get(json_object_get(r.json, "overdue_by_unit"), 0);
	assert_int_equal(jint(unit, "id"), agency_id("000.00.02.H29")); /* the head of division's */
	assert_int_equal(jint(unit, "overdue"), late);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&gd, "/api/v1/dashboard/documents?from=2027-03-05&to=2027-03-04", &r), 422);
	assert_non_null(strstr(r.body, "\"to\""));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&gd, "/api/v1/dashboard/documents?from=2027-03-02&to=2027-03-02", &r), 200);
	assert_true(jint(r.json, "received") < in);
	mc_http_res_free(&r);
	/* another department's leader does not read these figures */
	mc_http_login_as(&sxd, srv.base, "phogiamdoc.sxd");
	snprintf(path, sizeof(path), "/api/v1/dashboard/documents?agency_id=%lld",
		 (long long)agency_id("000.00.02.H29"));
	assert_int_equal(mc_http_get(&sxd, path, &r), 403);
	mc_http_res_free(&r);
}

struct issuer {
	const char *base;
	int ok;
	char numbers[80];
};

static void *issue(void *arg)
{
	struct issuer *w = arg;
	struct mc_http_session s;
	/* not mc_http_login_as, which exits: on a thread a failed log-in shows as a number missing */
	mc_http_session_init(&s, w->base);
	if (mc_http_login(&s, "vanthu.stp", MC_HTTP_DEMO_PASSWORD, 1) != 200)
		return NULL;
	struct mc_http_res r;
	if (mc_http_post(
		    &s, "/api/v1/documents/outgoing",
		    "{\"type_code\":\"thong_bao\",\"summary\":\"Thông báo lịch tiếp công dân\",\"signer_name\":\"Dương "
		    "Văn Hải\",\"signer_position\":\"Giám đốc\",\"recipients\":[\"Các phòng\"]}",
		    &r) == 201) {
		w->ok = 1;
		snprintf(w->numbers, sizeof(w->numbers), "%s", jstr(r.json, "number_text"));
	}
	mc_http_res_free(&r);
	return NULL;
}

static void forty_issuers_no_gap_no_twin(void **state)
{
	(void)state;
	start(T_2030_0604);
	enum { N = 40 };
	struct issuer w[N];
	pthread_t t[N];
	for (int i = 0; i < N; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].base = srv.base;
		assert_int_equal(pthread_create(&t[i], NULL, issue, &w[i]), 0);
	}
	int seen[N + 1] = {0};
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		assert_true(w[i].ok);
		int n = atoi(w[i].numbers);
		assert_true(n >= 1 && n <= N);
		assert_non_null(strstr(w[i].numbers, "/TB-STP"));
		seen[n]++;
	}
	for (int n = 1; n <= N; n++)
		assert_int_equal(seen[n], 1);
	assert_int_equal(mc_test_db_int(db,
					"SELECT last FROM document_sequences WHERE year = 2030 AND series = 'out'"
					" AND agency_id = (SELECT id FROM agencies WHERE code = ?)",
					"000.00.02.H29"),
			 N);
}

static void types_of_decree_30(void **state)
{
	(void)state;
	start(T_2027_0302);
	struct mc_http_session s;
	mc_http_login_as(&s, srv.base, "truongphong.stp");
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&s, "/api/v1/document-types", &r), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 31);
	size_t i;
	json_t *t;
	int qd = 0, cv = 0, decree30 = 0;
	json_array_foreach(items, i, t) {
		decree30 += json_is_false(json_object_get(t, "specialised"));
		if (strcmp(jstr(t, "code"), "quyet_dinh") == 0)
			qd = strcmp(jstr(t, "abbr"), "QĐ") == 0 && strcmp(jstr(t, "name"), "Quyết định") == 0;
		if (strcmp(jstr(t, "code"), "cong_van") == 0)
			cv = json_is_null(json_object_get(t, "abbr"));
	}
	assert_true(qd && cv);
	assert_int_equal(decree30, 29); /* and the permit and the certificate, dossiers' results */
	mc_http_res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(types_of_decree_30),
		cmocka_unit_test(incoming_register_read_search),
		cmocka_unit_test(outgoing_numbers_symbols_and_dates),
		cmocka_unit_test(incoming_directed_assigned_handled),
		cmocka_unit_test(actions_and_addressees),
		cmocka_unit_test(registered_file_kept_and_read),
		cmocka_unit_test(numbers_start_again_on_1_january),
		cmocka_unit_test(forty_issuers_no_gap_no_twin),
		cmocka_unit_test(fields_and_the_proposed_leader),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
