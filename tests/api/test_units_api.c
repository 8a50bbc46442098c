/*
 * test_units_api.c - the public reference data over HTTP: administrative
 * units in both eras (34 provinces and 3,321 wards since July 2025; 63
 * provinces, districts and wards before) with search and the old -> new
 * ward mapping, the demo agencies with their counters, and the counters.
 */
#define _GNU_SOURCE /* strcasestr */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "only.h"
#include "server.h"
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct mc_test_server srv;
static char db_url[512];
static struct mc_http_session anon;

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}
static json_int_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void assert_problem(struct mc_http_res *r, long status, const char *code)
{
	if (r->status != status || !r->json || !jstr(r->json, "code") || strcmp(jstr(r->json, "code"), code) != 0)
		fprintf(stderr, "expected %ld %s, got %ld: %s\n", status, code, r->status, r->body);
	assert_int_equal(r->status, status);
	assert_non_null(strstr(mc_http_header(r, "Content-Type"), "application/problem+json"));
	assert_string_equal(jstr(r->json, "code"), code);
}

static int field_error(json_t *problem, const char *field)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(problem, "errors"), i, e)
		if (strcmp(jstr(e, "field"), field) == 0)
			return 1;
	return 0;
}

/* GET path; 200 expected; returns the "items" (a new reference). */
static json_t *items(const char *path)
{
	struct mc_http_res r;
	long st = mc_http_get(&anon, path, &r);
	if (st != 200)
		fprintf(stderr, "GET %s: %ld %s\n", path, st, r.body);
	assert_int_equal(st, 200);
	json_t *it = json_incref(json_object_get(r.json, "items"));
	assert_true(json_is_array(it));
	mc_http_res_free(&r);
	return it;
}

static json_t *find(json_t *arr, const char *key, const char *value)
{
	size_t i;
	json_t *x;
	json_array_foreach(arr, i, x)
		if (jstr(x, key) && strcmp(jstr(x, key), value) == 0)
			return x;
	return NULL;
}

static json_int_t agency_id(const char *code)
{
	json_t *a = items("/api/v1/agencies");
	json_t *x = find(a, "code", code);
	assert_non_null(x);
	json_int_t id = jint(x, "id");
	json_decref(a);
	return id;
}

static void expect_422(const char *path, const char *field)
{
	struct mc_http_res r;
	mc_http_get(&anon, path, &r);
	assert_problem(&r, 422, "validation_failed");
	assert_true(field_error(r.json, field));
	mc_http_res_free(&r);
}

static void expect_404(const char *path)
{
	struct mc_http_res r;
	mc_http_get(&anon, path, &r);
	assert_problem(&r, 404, "not_found");
	mc_http_res_free(&r);
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 1, NULL, 1);
	mc_test_server_start(&srv, db_url, NULL);
	mc_http_session_init(&anon, srv.base);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, NULL);
	return 0;
}

static void provinces(void **state)
{
	(void)state;
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&anon, "/api/v1/units", &r), 200);
	assert_string_equal(jstr(r.json, "era"), "current");
	assert_string_equal(mc_http_header(&r, "Cache-Control"), "public, max-age=3600");
	json_t *p = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(p), 34);
	size_t i;
	json_t *u;
	const char *prev = "";
	json_array_foreach(p, i, u) {
		assert_string_equal(jstr(u, "level"), "province");
		assert_true(json_is_null(json_object_get(u, "parent_code")));
		assert_true(strcmp(jstr(u, "code"), prev) > 0); /* by code */
		prev = jstr(u, "code");
	}
	json_t *hcm = find(p, "code", "79");
	assert_non_null(hcm);
	assert_string_equal(jstr(hcm, "full_name"), "Thành phố Hồ Chí Minh");
	assert_string_equal(jstr(hcm, "name_en"), "Ho Chi Minh");
	assert_non_null(find(p, "code", "01"));
	assert_null(find(p, "code", "77")); /* Bà Rịa - Vũng Tàu joined Hồ Chí Minh City */
	mc_http_res_free(&r);
	/* before the reform: 63 */
	json_t *old = items("/api/v1/units?era=2025-03");
	assert_int_equal(json_array_size(old), 63);
	assert_non_null(find(old, "code", "77"));
	json_decref(old);
	old = items("/api/v1/units?era=current");
	assert_int_equal(json_array_size(old), 34);
	json_decref(old);
}

static void wards_of_a_province(void **state)
{
	(void)state;
	json_t *w = items("/api/v1/units?parent=79&limit=500");
	assert_int_equal(json_array_size(w), 168);
	size_t i;
	json_t *u;
	const char *prev = "";
	json_array_foreach(w, i, u) {
		assert_string_equal(jstr(u, "level"), "ward");
		assert_string_equal(jstr(u, "parent_code"), "79");
		assert_string_equal(jstr(u, "province_code"), "79");
		assert_int_equal(strlen(jstr(u, "code")), 5);
		assert_true(strcmp(jstr(u, "code"), prev) > 0);
		prev = jstr(u, "code");
	}
	json_t *bt = find(w, "code", "26743");
	assert_non_null(bt);
	assert_string_equal(jstr(bt, "name"), "Bến Thành");
	assert_string_equal(jstr(bt, "kind"), "Phường");
	json_decref(w);
	/* the default limit, a smaller one */
	w = items("/api/v1/units?parent=79");
	assert_int_equal(json_array_size(w), 100);
	json_decref(w);
	w = items("/api/v1/units?parent=79&limit=7");
	assert_int_equal(json_array_size(w), 7);
	json_decref(w);
	/* a province with no such code: nothing */
	w = items("/api/v1/units?parent=99");
	assert_int_equal(json_array_size(w), 0);
	json_decref(w);
	/* the former three levels: districts of the city, wards of District 1 */
	w = items("/api/v1/units?era=2025-03&parent=79&limit=500");
	assert_int_equal(json_array_size(w), 22);
	json_array_foreach(w, i, u)
		assert_string_equal(jstr(u, "level"), "district");
	assert_string_equal(jstr(find(w, "code", "760"), "full_name"), "Quận 1");
	json_decref(w);
	w = items("/api/v1/units?era=2025-03&parent=760");
	assert_int_equal(json_array_size(w), 10);
	json_array_foreach(w, i, u) {
		assert_string_equal(jstr(u, "level"), "ward");
		assert_string_equal(jstr(u, "province_code"), "79");
	}
	json_decref(w);
	/* bad parameters */
	expect_422("/api/v1/units?parent=79&limit=501", "limit");
	expect_422("/api/v1/units?limit=0", "limit");
	expect_422("/api/v1/units?limit=ten", "limit");
	expect_422("/api/v1/units?parent=7a", "parent");
	expect_422("/api/v1/units?parent=123456", "parent");
}

static void search(void **state)
{
	(void)state;
	/* without diacritics, with them, in capitals: the same one ward */
	static const char *const qs[] = {"/api/v1/units?q=ben%20thanh", "/api/v1/units?q=B%E1%BA%BFn%20Th%C3%A0nh",
					 "/api/v1/units?q=BEN%20THANH", "/api/v1/units?q=%20ben%20%20thanh%20"};
	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		json_t *w = items(qs[k]);
		if (json_array_size(w) != 1)
			fprintf(stderr, "%s: %zu results\n", qs[k], json_array_size(w));
		assert_int_equal(json_array_size(w), 1);
		json_t *u = json_array_get(w, 0);
		assert_string_equal(jstr(u, "code"), "26743");
		assert_string_equal(jstr(u, "full_name"), "Phường Bến Thành");
		assert_string_equal(jstr(u, "province_code"), "79");
		json_decref(w);
	}
	/* the search also reaches provinces */
	json_t *w = items("/api/v1/units?q=ho%20chi%20minh");
	assert_non_null(find(w, "code", "79"));
	json_decref(w);
	/* inside one province */
	w = items("/api/v1/units?parent=79&q=thanh&limit=500");
	assert_non_null(find(w, "code", "26743"));
	assert_true(json_array_size(w) > 1 && json_array_size(w) < 168);
	size_t i;
	json_t *u;
	json_array_foreach(w, i, u) {
		assert_string_equal(jstr(u, "province_code"), "79");
		assert_non_null(strcasestr(jstr(u, "name_en"), "thanh"));
	}
	json_decref(w);
	/* the former era has its own Bến Thành */
	w = items("/api/v1/units?era=2025-03&q=ben%20thanh");
	assert_int_equal(json_array_size(w), 1);
	assert_string_equal(jstr(json_array_get(w, 0), "parent_code"), "760");
	json_decref(w);
	/* nothing found is an empty list */
	w = items("/api/v1/units?q=khong%20co%20dau%20ca");
	assert_int_equal(json_array_size(w), 0);
	json_decref(w);
	char longq[160] = "/api/v1/units?q=";
	memset(longq + strlen(longq), 'a', 101);
	expect_422(longq, "q");
}

static void one_unit(void **state)
{
	(void)state;
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&anon, "/api/v1/units/26743", &r), 200);
	assert_string_equal(jstr(r.json, "era"), "current");
	assert_string_equal(jstr(r.json, "level"), "ward");
	assert_string_equal(jstr(r.json, "name"), "Bến Thành");
	assert_string_equal(jstr(r.json, "full_name_en"), "Ben Thanh Ward");
	assert_string_equal(jstr(r.json, "province_code"), "79");
	assert_null(json_object_get(r.json, "became")); /* only former units have successors */
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&anon, "/api/v1/units/79", &r), 200);
	assert_string_equal(jstr(r.json, "level"), "province");
	mc_http_res_free(&r);

	/* a former ward and what it became on 1 July 2025 */
	assert_int_equal(mc_http_get(&anon, "/api/v1/units/26734?era=2025-03", &r), 200);
	assert_string_equal(jstr(r.json, "era"), "2025-03");
	assert_string_equal(jstr(r.json, "full_name"), "Phường Tân Định");
	assert_string_equal(jstr(r.json, "parent_code"), "760");
	json_t *became = json_object_get(r.json, "became");
	assert_int_equal(json_array_size(became), 1);
	assert_string_equal(jstr(json_array_get(became, 0), "code"), "26737");
	assert_string_equal(jstr(json_array_get(became, 0), "full_name"), "Phường Tân Định");
	mc_http_res_free(&r);
	/* a former ward split between two new ones */
	assert_int_equal(mc_http_get(&anon, "/api/v1/units/26737?era=2025-03", &r), 200);
	assert_string_equal(jstr(r.json, "full_name"), "Phường Đa Kao");
	became = json_object_get(r.json, "became");
	assert_int_equal(json_array_size(became), 2);
	assert_string_equal(jstr(json_array_get(became, 0), "code"), "26737");
	assert_string_equal(jstr(json_array_get(became, 1), "code"), "26740");
	assert_string_equal(jstr(json_array_get(became, 1), "full_name"), "Phường Sài Gòn");
	mc_http_res_free(&r);
	/* 26734 exists only in the former era */
	expect_404("/api/v1/units/26734");
	expect_404("/api/v1/units/99999");
	expect_404("/api/v1/units/abc");
	expect_404("/api/v1/units/123456");
	/* eras are current or 2025-03 */
	expect_422("/api/v1/units/26743?era=2024", "era");
	expect_422("/api/v1/units?era=2025-07", "era");
	expect_422("/api/v1/units?era=", "era");
}

static void agencies(void **state)
{
	(void)state;
	json_t *a = items("/api/v1/agencies");
	assert_int_equal(json_array_size(a), 36);
	/* the city committee first, the root of the tree */
	json_t *root = json_array_get(a, 0);
	assert_string_equal(jstr(root, "code"), "000.00.00.H29");
	assert_string_equal(jstr(root, "kind"), "city_committee");
	assert_true(json_is_null(json_object_get(root, "parent_id")));
	int dept = 0, office = 0, centre = 0, branch = 0, ward = 0, city = 0, insurance = 0;
	size_t i;
	json_t *x;
	json_array_foreach(a, i, x) {
		const char *k = jstr(x, "kind");
		dept += strcmp(k, "department") == 0;
		office += strcmp(k, "office") == 0;
		centre += strcmp(k, "service_centre") == 0;
		branch += strcmp(k, "branch") == 0;
		ward += strcmp(k, "ward_committee") == 0;
		city += strcmp(k, "city_committee") == 0;
		insurance += strcmp(k, "provincial_social_insurance") == 0 || strcmp(k, "social_insurance") == 0;
		assert_string_equal(jstr(x, "province_code"), "79");
		assert_true(json_is_true(json_object_get(x, "active")));
		assert_non_null(jstr(x, "name"));
		assert_non_null(jstr(x, "name_en"));
		if (i > 0) { /* every other agency hangs off one in the list */
			json_int_t parent = jint(x, "parent_id");
			int found = 0;
			size_t j;
			json_t *y;
			json_array_foreach(a, j, y)
				found |= jint(y, "id") == parent;
			assert_true(found);
		}
	}
	assert_int_equal(dept, 12);
	assert_int_equal(office, 1); /* the City People's Committee's */
	assert_int_equal(centre, 1);
	assert_int_equal(branch, 5);
	assert_int_equal(ward, 10);
	assert_int_equal(city, 1);
	assert_int_equal(insurance, 2); /* the city's Social Insurance and Sai Gon ward's */
	json_decref(a);

	/* one agency, with its counters */
	struct mc_http_res r;
	char path[64];
	json_int_t c_id = agency_id("000.00.30.H29");
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld", (long long)c_id);
	assert_int_equal(mc_http_get(&anon, path, &r), 200);
	assert_string_equal(jstr(r.json, "code"), "000.00.30.H29");
	assert_string_equal(jstr(r.json, "kind"), "service_centre");
	json_t *counters = json_object_get(r.json, "counters");
	assert_int_equal(json_array_size(counters), 2);
	assert_string_equal(jstr(json_array_get(counters, 0), "code"), "Q-TT-01");
	assert_string_equal(jstr(json_array_get(counters, 1), "code"), "Q-TT-02");
	assert_string_equal(jstr(json_array_get(counters, 0), "name"), "Quầy số 1");
	json_array_foreach(counters, i, x)
		assert_int_equal(jint(x, "agency_id"), c_id);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld", (long long)agency_id("000.02.30.H29"));
	assert_int_equal(mc_http_get(&anon, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "counters")), 3);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld", (long long)agency_id("000.00.02.H29"));
	assert_int_equal(mc_http_get(&anon, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "counters")), 0);
	mc_http_res_free(&r);
	expect_404("/api/v1/agencies/999999");
	expect_404("/api/v1/agencies/0");
	expect_404("/api/v1/agencies/abc");
	expect_404("/api/v1/agencies/-1");
}

static void counters(void **state)
{
	(void)state;
	json_t *all = items("/api/v1/counters");
	assert_int_equal(json_array_size(all), 28);
	json_decref(all);
	json_int_t b1 = agency_id("000.01.30.H29");
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/counters?agency_id=%lld", (long long)b1);
	json_t *c = items(path);
	assert_int_equal(json_array_size(c), 3);
	size_t i;
	json_t *x;
	json_array_foreach(c, i, x) {
		assert_int_equal(jint(x, "agency_id"), b1);
		assert_true(json_is_true(json_object_get(x, "active")));
	}
	assert_string_equal(jstr(json_array_get(c, 0), "code"), "Q-CN1-01");
	assert_string_equal(jstr(json_array_get(c, 2), "code"), "Q-CN1-03");
	json_decref(c);
	snprintf(path, sizeof(path), "/api/v1/counters?agency_id=%lld", (long long)agency_id("000.01.31.H29"));
	c = items(path);
	assert_int_equal(json_array_size(c), 1);
	json_decref(c);
	snprintf(path, sizeof(path), "/api/v1/counters?agency_id=%lld", (long long)agency_id("000.00.00.H29"));
	c = items(path);
	assert_int_equal(json_array_size(c), 0);
	json_decref(c);
	c = items("/api/v1/counters?agency_id=999999");
	assert_int_equal(json_array_size(c), 0);
	json_decref(c);
	expect_422("/api/v1/counters?agency_id=0", "agency_id");
	expect_422("/api/v1/counters?agency_id=abc", "agency_id");
	expect_422("/api/v1/counters?agency_id=", "agency_id");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(provinces), cmocka_unit_test(wards_of_a_province),
		cmocka_unit_test(search),    cmocka_unit_test(one_unit),
		cmocka_unit_test(agencies),  cmocka_unit_test(counters),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
