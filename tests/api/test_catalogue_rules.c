/*
 * test_catalogue_rules.c - what the catalogue tells the public, and the
 * office hours deadlines run in:
 *   - 2.000986 has been repealed: the Decree 63/2024 groups are 3.000722
 *     (birth, permanent residence, health-insurance card for a child under
 *     6) and 2.002913 (death, residence removal, allowances).  A repealed
 *     procedure is out of the list, says what replaces it, takes no new
 *     dossier (online or at a counter: 422), and its old dossiers stay
 *     readable;
 *   - a fee not verified is not published: amount null, published false,
 *     the procedure not payable - never a 0 that reads "free";
 *   - the editors' notes ("CHƯA XÁC MINH", "UNVERIFIED", remarks on motcua
 *     or its demo data) never reach the public, in any procedure; the
 *     editors see them;
 *   - every procedure names its legal basis and the date its data was last
 *     checked, and a definition without them is refused;
 *   - the configured office hours apply (this server closes at 16:00), and
 *     an agency may have its own (PUT /api/v1/agencies/{id}/office-hours).
 * The server runs on Tue 2027-03-02 09:00.
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mc_test_server srv;
static char db_url[512];
static struct mc_db *db;
static char NOW[] = "MOTCUA_TEST_NOW=2027-03-02T09:00:00+07:00";
static char HOURS[] = "MOTCUA_OFFICE_HOURS=07:30-11:30,13:00-16:00";

static const char *BIRTH = "{\"procedure_code\":\"%s\",\"form\":{\"child_full_name\":\"Nguyễn Minh "
			   "Khang\",\"child_birth_date\":\"2027-02-20\","
			   "\"child_sex\":\"M\",\"birth_place\":\"26740\",\"mother_id_number\":\"079185176822\","
			   "\"father_id_number\":\"079203001234\",\"permanent_residence_unit\":\"26740\",\"health_"
			   "facility\":\"Trạm y tế phường\","
			   "\"birth_certificate_scan\":\"%s\"}}";
static const char PDF_BIRTH[] = MC_TEST_PDF("the birth certificate");
/* 1.004873 (3 working days) at the ward's counter */
static const char *COUNTER =
	"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\","
	"\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"Kết "
	"hôn\"},"
	"\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],\"applicant\":{\"full_name\":\"Nguyễn Văn An\","
	"\"id_number\":\"079203001234\",\"phone\":\"0912345678\",\"ward_code\":\"26740\"}}";

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	const char *env[] = {NOW, HOURS, NULL};
	mc_test_server_start(&srv, db_url, env);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, db);
	return 0;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t id_of(const char *sql, const char *code)
{
	struct mc_conn *c;
	int64_t v = 0;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int rc = mc_query_int64(c, &v, sql, "t", code);
	mc_db_release(c);
	assert_int_equal(rc, 0);
	return v;
}

/* PUT a procedure's definition (def, with If-Match its version). */
static long put_def(struct mc_http_session *s, json_t *def, struct mc_http_res *r)
{
	char path[80], im[40];
	snprintf(path, sizeof(path), "/api/v1/procedures/%s", jstr(def, "code"));
	snprintf(im, sizeof(im), "If-Match: \"v%lld\"", (long long)json_integer_value(json_object_get(def, "version")));
	const char *h[] = {im, NULL};
	char *body = json_dumps(def, JSON_COMPACT);
	mc_http_do(s, "PUT", path, body, h, r);
	free(body);
	return r->status;
}

static json_t *get_def(struct mc_http_session *s, const char *code)
{
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/procedures/%s", code);
	struct mc_http_res r;
	assert_int_equal(mc_http_get(s, path, &r), 200);
	json_t *d = json_incref(r.json);
	mc_http_res_free(&r);
	return d;
}

static int listed(struct mc_http_session *s, const char *q, const char *code)
{
	char path[160];
	snprintf(path, sizeof(path), "/api/v1/procedures?q=%s&limit=200", q);
	struct mc_http_res r;
	assert_int_equal(mc_http_get(s, path, &r), 200);
	int found = 0;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(r.json, "items"), i, p)
		found |= strcmp(jstr(p, "code"), code) == 0;
	mc_http_res_free(&r);
	return found;
}

static void repealed_procedure(void **state)
{
	(void)state;
	struct mc_http_session anon, admin, mother, clerk;
	mc_http_session_init(&anon, srv.base);
	mc_http_login_as(&admin, srv.base, "admin");
	mc_http_login_as(&mother, srv.base, "079185176822");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	/* a dossier filed while 2.000986 was in force (put back for a moment) */
	json_t *def = get_def(&admin, "2.000986");
	assert_string_equal(jstr(def, "status"), "repealed");
	json_object_set_new(def, "status", json_string("in_force"));
	struct mc_http_res r;
	assert_int_equal(put_def(&admin, def, &r), 200);
	mc_http_res_free(&r);
	json_decref(def);
	char url[200], auth[200], sha[65];
	snprintf(url, sizeof(url), "%s/api/v1/files", srv.base);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", mother.token);
	const char *h[] = {auth, "Content-Type: application/octet-stream", NULL};
	assert_int_equal(mc_http_raw("POST", url, PDF_BIRTH, h, &r), 0);
	assert_int_equal(r.status, 201);
	snprintf(sha, sizeof(sha), "%s", jstr(r.json, "sha256"));
	mc_http_res_free(&r);
	char body[1200], old[80];
	snprintf(body, sizeof(body), BIRTH, "2.000986", sha);
	if (mc_http_post(&mother, "/api/v1/dossiers", body, &r) != 201)
		fail_msg("submission: %ld %s", r.status, r.body);
	snprintf(old, sizeof(old), "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
	def = get_def(&admin, "2.000986");
	json_object_set_new(def, "status", json_string("repealed"));
	assert_int_equal(put_def(&admin, def, &r), 200);
	mc_http_res_free(&r);
	json_decref(def);

	/* repealed: said so, with what replaces it; out of the list */
	def = get_def(&anon, "2.000986");
	assert_string_equal(jstr(def, "status"), "repealed");
	assert_string_equal(json_string_value(json_array_get(json_object_get(def, "replaced_by"), 0)), "3.000722");
	json_decref(def);
	assert_false(listed(&anon, "khai+sinh", "2.000986"));
	assert_true(listed(&anon, "khai+sinh", "3.000722"));
	assert_true(listed(&anon, "khai+tu", "2.002913"));
	/* no new dossier, online or at a counter */
	assert_int_equal(mc_http_post(&mother, "/api/v1/dossiers", body, &r), 422);
	assert_non_null(strstr(r.body, "\"repealed\""));
	assert_non_null(strstr(r.body, "3.000722"));
	mc_http_res_free(&r);
	char path[100];
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers",
		 (long long)id_of("SELECT id FROM counters WHERE code = ?", "Q-P26740-01"));
	assert_int_equal(mc_http_post(&clerk, path, body, &r), 422);
	mc_http_res_free(&r);
	/* the old dossier is still there; the successor takes new ones */
	char dp[160];
	snprintf(dp, sizeof(dp), "/api/v1/dossiers/%s", old);
	assert_int_equal(mc_http_get(&mother, dp, &r), 200);
	assert_string_equal(jstr(json_object_get(r.json, "procedure"), "code"), "2.000986");
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), BIRTH, "3.000722", sha);
	if (mc_http_post(&mother, "/api/v1/dossiers", body, &r) != 201)
		fail_msg("submission: %ld %s", r.status, r.body);
	mc_http_res_free(&r);
}

static void what_the_public_sees(void **state)
{
	(void)state;
	struct mc_http_session anon, admin;
	mc_http_session_init(&anon, srv.base);
	mc_http_login_as(&admin, srv.base, "admin");
	/* every procedure, repealed ones included */
	struct mc_conn *c;
	struct mc_stmt *s;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_query(c, &s, "SELECT code FROM procedures WHERE is_current = 1 ORDER BY code", ""), 0);
	char codes[64][16];
	int n = 0;
	while (mc_step(s) == MC_DB_ROW && n < 64)
		snprintf(codes[n++], sizeof(codes[0]), "%s", mc_col_text(s, 0));
	mc_stmt_done(s);
	mc_db_release(c);
	assert_true(n >= 29);
	static const char *const internal[] = {"CHƯA XÁC MINH", "UNVERIFIED",  "motcua",   "demo",    "internal_note",
					       "placeholder",   "giá trị tạm", "ước tính", "estimate"};
	int unpublished = 0;
	for (int i = 0; i < n; i++) {
		char path[80];
		snprintf(path, sizeof(path), "/api/v1/procedures/%.15s", codes[i]);
		struct mc_http_res r;
		assert_int_equal(mc_http_get(&anon, path, &r), 200);
		for (size_t k = 0; k < sizeof(internal) / sizeof(internal[0]); k++)
			if (strstr(r.body, internal[k]))
				fail_msg("%s shows \"%s\" to the public: %s", codes[i], internal[k], r.body);
		/* its legal basis and when it was last checked */
		assert_true(json_array_size(json_object_get(r.json, "legal_basis")) > 0);
		if (!jstr(r.json, "verified_on") || strlen(jstr(r.json, "verified_on")) != 10)
			fail_msg("%s: no verified_on: %.300s", codes[i], r.body);
		/* a fee not published is no 0, and the procedure is not payable */
		size_t j;
		json_t *f;
		int open = 1;
		json_array_foreach(json_object_get(r.json, "fees"), j, f) {
			if (json_is_false(json_object_get(f, "published"))) {
				assert_true(json_is_null(json_object_get(f, "amount")));
				open = 0;
			} else {
				assert_true(json_is_integer(json_object_get(f, "amount")));
			}
		}
		assert_int_equal(json_is_true(json_object_get(r.json, "payable")), open);
		unpublished += !open;
		mc_http_res_free(&r);
	}
	assert_true(unpublished >= 10);
	/* the marital-status certificate's rate is not published */
	json_t *def = get_def(&anon, "1.004873");
	assert_true(json_is_false(json_object_get(def, "payable")));
	json_decref(def);
	/* the editors see their notes */
	def = get_def(&admin, "1.004873");
	assert_non_null(strstr(jstr(def, "internal_note"), "CHƯA XÁC MINH"));
	/* and cannot save a fee of 0 that stands for "unknown", nor drop the
	 * legal basis or the date of the last check */
	json_t *bad = json_deep_copy(def);
	json_object_set_new(json_array_get(json_object_get(bad, "fees"), 0), "amount", json_null());
	json_object_del(json_array_get(json_object_get(bad, "fees"), 0), "published");
	struct mc_http_res r;
	assert_int_equal(put_def(&admin, bad, &r), 422);
	assert_non_null(strstr(r.body, "\"fees\""));
	mc_http_res_free(&r);
	json_decref(bad);
	bad = json_deep_copy(def);
	json_object_del(bad, "verified_on");
	json_object_set_new(bad, "legal_basis", json_array());
	assert_int_equal(put_def(&admin, bad, &r), 422);
	assert_non_null(strstr(r.body, "\"verified_on\""));
	assert_non_null(strstr(r.body, "\"legal_basis\""));
	mc_http_res_free(&r);
	json_decref(bad);
	json_decref(def);
}

/* Counter intake of 1.004873 now: its deadline. */
static void due_now(struct mc_http_session *clerk, char due[40])
{
	char path[100];
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers",
		 (long long)id_of("SELECT id FROM counters WHERE code = ?", "Q-P26740-01"));
	struct mc_http_res r;
	assert_int_equal(mc_http_post(clerk, path, COUNTER, &r), 201);
	snprintf(due, 40, "%s", jstr(r.json, "due_at"));
	mc_http_res_free(&r);
}

static long put_hours(struct mc_http_session *s, int64_t agency, const char *body, struct mc_http_res *r)
{
	char path[100];
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld/office-hours", (long long)agency);
	mc_http_do(s, "PUT", path, body, NULL, r);
	return r->status;
}

static void office_hours(void **state)
{
	(void)state;
	struct mc_http_session admin, clerk, other;
	mc_http_login_as(&admin, srv.base, "admin");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&other, srv.base, "quantri");
	char due[40];
	/* received Tue 09:00, 3 working days: Fri, at the configured close */
	due_now(&clerk, due);
	assert_string_equal(due, "2027-03-05T16:00:00+07:00");
	/* the ward keeps its own hours */
	int64_t ward = id_of("SELECT id FROM agencies WHERE code = ?", "000.01.31.H29");
	struct mc_http_res r;
	const char *bad[] = {"{\"office_hours\":\"25:00-26:00\"}",
			     "{\"office_hours\":\"13:00-17:00,07:30-11:30\"}",
			     "{\"office_hours\":\"7:30-11:30\"}",
			     "{\"office_hours\":\"\"}",
			     "{\"office_hours\":5}",
			     "{}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(put_hours(&admin, ward, bad[i], &r), 422);
		assert_non_null(strstr(r.body, "office_hours"));
		mc_http_res_free(&r);
	}
	assert_int_equal(put_hours(&clerk, ward, "{\"office_hours\":\"07:00-11:00,13:00-16:30\"}", &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(put_hours(&other, ward, "{\"office_hours\":\"07:00-11:00,13:00-16:30\"}", &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(put_hours(&admin, ward, "{\"office_hours\":\"07:00-11:00,13:00-16:30\"}", &r), 200);
	assert_string_equal(jstr(r.json, "office_hours"), "07:00-11:00,13:00-16:30");
	mc_http_res_free(&r);
	due_now(&clerk, due);
	assert_string_equal(due, "2027-03-05T16:30:00+07:00");
	/* back to the configured hours */
	assert_int_equal(put_hours(&admin, ward, "{\"office_hours\":null}", &r), 200);
	assert_true(json_is_null(json_object_get(r.json, "office_hours")));
	mc_http_res_free(&r);
	due_now(&clerk, due);
	assert_string_equal(due, "2027-03-05T16:00:00+07:00");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(repealed_procedure),
		cmocka_unit_test(what_the_public_sees),
		cmocka_unit_test(office_hours),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
