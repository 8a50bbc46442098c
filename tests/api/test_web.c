/*
 * test_web.c - the web UI's static files: pages with the security headers
 * (CSP without inline scripts, frame-ancestors 'none'), ETags and 304,
 * client-side page routes served the index, no escape from web/, and the
 * API still answering problem+json beside them.
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

#include <stdio.h>
#include <string.h>

static struct mc_test_server srv;
static char db_url[512];

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 0, NULL, 1);
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

static long get(const char *path, const char *const *headers, struct mc_http_res *r)
{
	char url[512];
	snprintf(url, sizeof(url), "%s%s", srv.base, path);
	assert_int_equal(mc_http_raw("GET", url, NULL, headers, r), 0);
	return r->status;
}

static void pages_carry_security_headers(void **state)
{
	(void)state;
	struct mc_http_res r;
	assert_int_equal(get("/", NULL, &r), 200);
	assert_non_null(strstr(mc_http_header(&r, "Content-Type"), "text/html"));
	const char *csp = mc_http_header(&r, "Content-Security-Policy");
	assert_non_null(strstr(csp, "script-src 'self'"));
	assert_non_null(strstr(csp, "frame-ancestors 'none'"));
	assert_null(strstr(csp, "unsafe-inline"));
	assert_string_equal(mc_http_header(&r, "X-Content-Type-Options"), "nosniff");
	assert_non_null(strstr(r.body, "<html lang=\"vi\">"));
	/* no inline script: every <script> has a src */
	for (const char *p = strstr(r.body, "<script"); p; p = strstr(p + 1, "<script"))
		assert_non_null(strstr(p, "src=") && strstr(p, "src=") < strchr(p, '>') ? p : NULL);
	mc_http_res_free(&r);
}

static void etag_and_304(void **state)
{
	(void)state;
	struct mc_http_res r;
	assert_int_equal(get("/js/app.js", NULL, &r), 200);
	assert_non_null(strstr(mc_http_header(&r, "Content-Type"), "text/javascript"));
	char etag[64], inm[100];
	snprintf(etag, sizeof(etag), "%s", mc_http_header(&r, "ETag"));
	assert_true(strlen(etag) > 4);
	mc_http_res_free(&r);
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	const char *h[] = {inm, NULL};
	assert_int_equal(get("/js/app.js", h, &r), 304);
	assert_int_equal(r.len, 0);
	mc_http_res_free(&r);
	const char *stale[] = {"If-None-Match: \"0000\"", NULL};
	assert_int_equal(get("/js/app.js", stale, &r), 200);
	/* scripts are revalidated on each use, so a release never mixes
	 * with cached modules of the previous one */
	assert_string_equal(mc_http_header(&r, "Cache-Control"), "no-cache");
	mc_http_res_free(&r);
	/* both languages are there */
	assert_int_equal(get("/i18n/vi/common.json", NULL, &r), 200);
	assert_non_null(strstr(r.body, "Tra cứu hồ sơ"));
	mc_http_res_free(&r);
	assert_int_equal(get("/i18n/en/common.json", NULL, &r), 200);
	assert_non_null(strstr(r.body, "Track a dossier"));
	mc_http_res_free(&r);
}

static void page_routes_and_limits(void **state)
{
	(void)state;
	struct mc_http_res r;
	/* where the QR code on form 01 lands */
	assert_int_equal(get("/tra-cuu?ma=X&s=Y", NULL, &r), 200);
	assert_non_null(strstr(r.body, "/js/app.js"));
	mc_http_res_free(&r);
	assert_int_equal(get("/thu-tuc/1.004873", NULL, &r), 200);
	assert_non_null(strstr(r.body, "<link rel=\"icon\" href=\"/favicon.svg\""));
	mc_http_res_free(&r);
	/* the icon the pages name */
	assert_int_equal(get("/favicon.svg", NULL, &r), 200);
	assert_string_equal(mc_http_header(&r, "Content-Type"), "image/svg+xml");
	mc_http_res_free(&r);
	/* no way out of web/, and unknown files are not pages */
	assert_int_equal(get("/../CMakeLists.txt", NULL, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(get("/js/nothing.js", NULL, &r), 404);
	mc_http_res_free(&r);
	/* the API beside it still answers problem+json */
	assert_int_equal(get("/api/v1/nothing", NULL, &r), 404);
	assert_non_null(strstr(mc_http_header(&r, "Content-Type"), "application/problem+json"));
	mc_http_res_free(&r);
	/* only GET and HEAD reach files */
	char url[256];
	snprintf(url, sizeof(url), "%s/index.html", srv.base);
	assert_int_equal(mc_http_raw("POST", url, "{}", NULL, &r), 0);
	assert_int_equal(r.status, 404);
	mc_http_res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pages_carry_security_headers),
		cmocka_unit_test(etag_and_304),
		cmocka_unit_test(page_routes_and_limits),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
