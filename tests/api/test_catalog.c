/*
 * test_catalog.c - the procedure catalogue over HTTP: search without
 * diacritics, reading, versioned edits by a catalogue administrator with
 * If-Match, validation of definitions, and a dossier keeping the version
 * it began with.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "only.h"
#include "server.h"
#include "testdb.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mc_test_server srv;
static char db_url[512];

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, NULL, 1);
	mc_test_server_start(&srv, db_url, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, NULL);
	return 0;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void search_ignores_diacritics(void **state)
{
	(void)state;
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	const char *queries[] = {"/api/v1/procedures?q=xac%20nhan%20tinh%20trang%20hon%20nhan",
				 "/api/v1/procedures?q=X%C3%81C%20NH%E1%BA%ACN%20T%C3%8CNH%20TR%E1%BA%A0NG",
				 "/api/v1/procedures?q=1.004873"};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(mc_http_get(&s, queries[i], &r), 200);
		json_t *items = json_object_get(r.json, "items");
		assert_true(json_array_size(items) >= 1);
		assert_string_equal(jstr(json_array_get(items, 0), "code"), "1.004873");
		mc_http_res_free(&r);
	}
	/* a query with no letter or digit (an emoji, punctuation, spaces)
	 * matches nothing - not the whole catalogue */
	const char *nothing[] = {"/api/v1/procedures?q=%F0%9F%98%80", "/api/v1/procedures?q=.",
				 "/api/v1/procedures?q=%20%20", "/api/v1/procedures?q=%E2%80%94%21%3F"};
	for (size_t i = 0; i < sizeof(nothing) / sizeof(nothing[0]); i++) {
		assert_int_equal(mc_http_get(&s, nothing[i], &r), 200);
		assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
		assert_null(json_object_get(r.json, "next_after"));
		mc_http_res_free(&r);
	}
	/* all 30 in force (the repealed 2.000986 is not listed), paged */
	size_t total = 0;
	char path[128] = "/api/v1/procedures?limit=10";
	for (;;) {
		assert_int_equal(mc_http_get(&s, path, &r), 200);
		total += json_array_size(json_object_get(r.json, "items"));
		const char *next = jstr(r.json, "next_after");
		if (!next) {
			mc_http_res_free(&r);
			break;
		}
		snprintf(path, sizeof(path), "/api/v1/procedures?limit=10&after=%s", next);
		mc_http_res_free(&r);
	}
	assert_int_equal(total, 30);
	assert_int_equal(mc_http_get(&s, "/api/v1/procedures?level=nope", &r), 422);
	mc_http_res_free(&r);
	/* a cursor is a procedure code (d.dddddd), as the catalogue's own rule */
	const char *bad_after[] = {"1.2", "1.0012345", "12.00123", "1.00a123"};
	for (size_t i = 0; i < sizeof(bad_after) / sizeof(bad_after[0]); i++) {
		snprintf(path, sizeof(path), "/api/v1/procedures?after=%s", bad_after[i]);
		assert_int_equal(mc_http_get(&s, path, &r), 422);
		json_t *e = json_array_get(json_object_get(r.json, "errors"), 0);
		assert_string_equal(jstr(e, "field"), "after");
		mc_http_res_free(&r);
	}
	assert_int_equal(mc_http_get(&s, "/api/v1/procedures/9.999999", &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&s, "/api/v1/procedures/1.2", &r), 404);
	mc_http_res_free(&r);
}

static long put(struct mc_http_session *s, const char *code, const char *etag, const char *body, struct mc_http_res *r)
{
	char path[100], im[60] = "";
	snprintf(path, sizeof(path), "/api/v1/procedures/%s", code);
	if (etag)
		snprintf(im, sizeof(im), "If-Match: %s", etag);
	const char *h[] = {im, NULL};
	mc_http_do(s, "PUT", path, body, etag ? h : NULL, r);
	return r->status;
}

static void versioned_edit(void **state)
{
	(void)state;
	struct mc_http_session admin, clerk, cit;
	mc_http_login_as(&admin, srv.base, "admin");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&cit, srv.base, "079203001234");
	struct mc_http_res r;

	/* a dossier begun under version 1 */
	const char *dossier =
		"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":"
		"\"079203001234\",\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":"
		"\"single\",\"purpose\":\"Kết hôn\"}}";
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", dossier, &r), 201);
	char code1[80];
	snprintf(code1, sizeof(code1), "%s", jstr(r.json, "code"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "procedure"), "version")), 1);
	mc_http_res_free(&r);

	assert_int_equal(mc_http_get(&admin, "/api/v1/procedures/1.004873", &r), 200);
	assert_string_equal(mc_http_header(&r, "ETag"), "\"v1\"");
	/* the English texts of the catalogue come back with the definition */
	json_t *paper = json_array_get(json_object_get(r.json, "papers"), 1);
	assert_string_equal(jstr(paper, "code"), "giay_to_ly_hon");
	const char *cond_en = jstr(paper, "condition_en"), *time_en = jstr(r.json, "processing_note_en"),
		   *fee_en = jstr(json_array_get(json_object_get(r.json, "fees"), 0), "note_en");
	assert_non_null(jstr(paper, "condition"));
	assert_true(cond_en && strstr(cond_en, "divorced"));
	assert_true(time_en && strstr(time_en, "03 working days"));
	assert_true(fee_en && strstr(fee_en, "City People's Council"));
	/* the rate is not published: no amount (never a 0 that reads free) */
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(r.json, "fees"), 0), "amount")));
	json_t *def = json_deep_copy(r.json);
	mc_http_res_free(&r);
	json_object_set_new(def, "name", json_string("Cấp Giấy xác nhận tình trạng hôn nhân (sửa đổi)"));
	char *body = json_dumps(def, JSON_COMPACT);

	/* who may edit, and how */
	assert_int_equal(put(&clerk, "1.004873", "\"v1\"", body, &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(put(&admin, "1.004873", NULL, body, &r), 428);
	mc_http_res_free(&r);
	assert_int_equal(put(&admin, "1.004873", "\"v7\"", body, &r), 412);
	mc_http_res_free(&r);
	assert_int_equal(put(&admin, "1.004884", "\"v1\"", body, &r), 422); /* code differs from the path */
	mc_http_res_free(&r);
	/* steps that do not add up to the legal time */
	json_t *bad = json_deep_copy(def);
	json_object_set_new(json_array_get(json_object_get(bad, "steps"), 1), "hours", json_integer(1));
	char *bad_body = json_dumps(bad, JSON_COMPACT);
	assert_int_equal(put(&admin, "1.004873", "\"v1\"", bad_body, &r), 422);
	assert_non_null(strstr(r.body, "\"steps\""));
	mc_http_res_free(&r);
	free(bad_body);
	json_decref(bad);

	assert_int_equal(put(&admin, "1.004873", "\"v1\"", body, &r), 200);
	assert_string_equal(mc_http_header(&r, "ETag"), "\"v2\"");
	assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 2);
	mc_http_res_free(&r);
	/* the old version stays readable */
	assert_int_equal(mc_http_get(&admin, "/api/v1/procedures/1.004873?version=1", &r), 200);
	assert_string_equal(jstr(r.json, "name"), "Cấp Giấy xác nhận tình trạng hôn nhân");
	assert_false(json_is_true(json_object_get(r.json, "is_current")));
	mc_http_res_free(&r);
	/* the first dossier keeps version 1, a new one gets version 2 */
	char path[160];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code1);
	assert_int_equal(mc_http_get(&cit, path, &r), 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "procedure"), "version")), 1);
	assert_string_equal(jstr(json_object_get(r.json, "procedure"), "name"),
			    "Cấp Giấy xác nhận tình trạng hôn nhân");
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", dossier, &r), 201);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "procedure"), "version")), 2);
	mc_http_res_free(&r);
	free(body);
	json_decref(def);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(search_ignores_diacritics),
		cmocka_unit_test(versioned_edit),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
