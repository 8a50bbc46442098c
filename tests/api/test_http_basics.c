/*
 * test_http_basics.c - the server's contract for every request: health
 * probes, metrics, and the problem+json answers to bad requests (404, 405,
 * 415, 400, 413, 401), in Vietnamese by default and English on request,
 * and the access-log line each request leaves.
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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct mc_test_server srv;
static char db_url[512];

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 1, NULL, 1);
	/* one server thread: access_log_lines needs every request on it */
	static const char *const env[] = {"MOTCUA_BODY_LIMIT=4096", "MOTCUA_THREADS=1", NULL};
	mc_test_server_start(&srv, db_url, env);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, NULL);
	return 0;
}

/* Assert a problem+json answer with the given status and code. */
static void assert_problem(struct mc_http_res *r, long status, const char *code)
{
	assert_int_equal(r->status, status);
	assert_non_null(strstr(mc_http_header(r, "Content-Type"), "application/problem+json"));
	assert_non_null(r->json);
	assert_string_equal(json_string_value(json_object_get(r->json, "code")), code);
	assert_int_equal(json_integer_value(json_object_get(r->json, "status")), status);
	assert_non_null(json_string_value(json_object_get(r->json, "title_vi")));
	assert_non_null(json_string_value(json_object_get(r->json, "title_en")));
}

static void health_and_ready(void **state)
{
	(void)state;
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	assert_int_equal(mc_http_get(&s, "/healthz", &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&s, "/readyz", &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "database")),
			    strcmp(mc_test_backend(), "pg") == 0 ? "postgresql" : "sqlite");
	mc_http_res_free(&r);
}

/* A counter's value in the /metrics text (-1 when it is not there). */
static long long metric(const char *body, const char *name)
{
	char want[128];
	snprintf(want, sizeof(want), "\n%s ", name);
	const char *p = strstr(body, want);
	return p ? atoll(p + strlen(want)) : -1;
}

/* What the database did, counted: a read runs statements and commits
 * nothing; a log-in (a session written) commits. */
static void metrics_count_database_work(void **state)
{
	(void)state;
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	assert_int_equal(mc_http_get(&s, "/metrics", &r), 200);
	long long st0 = metric(r.body, "motcua_db_statements_total"), co0 = metric(r.body, "motcua_db_commits_total");
	mc_http_res_free(&r);
	assert_true(st0 >= 0);
	assert_true(co0 >= 0);
	assert_int_equal(mc_http_get(&s, "/api/v1/procedures?limit=1", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&s, "/metrics", &r), 200);
	long long st1 = metric(r.body, "motcua_db_statements_total"), co1 = metric(r.body, "motcua_db_commits_total");
	mc_http_res_free(&r);
	assert_true(st1 > st0);
	assert_int_equal(co1, co0);
	assert_int_equal(mc_http_login(&s, "admin", "motcua2026", 1), 200);
	assert_int_equal(mc_http_get(&s, "/metrics", &r), 200);
	assert_true(metric(r.body, "motcua_db_commits_total") > co1);
	mc_http_res_free(&r);
}

static void metrics_count_requests(void **state)
{
	(void)state;
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	mc_http_get(&s, "/api/v1/agencies", &r);
	mc_http_res_free(&r);
	/* A request is counted when it completes, just after its answer is sent:
	 * poll briefly instead of racing it. */
	const char *line = "motcua_http_requests_total{method=\"GET\",route=\"/api/v1/agencies\",code=\"2xx\"}";
	for (int i = 0; i < 3000; i++) { /* a minute at most */
		assert_int_equal(mc_http_get(&s, "/metrics", &r), 200);
		if (strstr(r.body, line))
			break;
		mc_http_res_free(&r);
		usleep(20000);
	}
	assert_non_null(strstr(r.body, line));
	assert_non_null(strstr(
		r.body,
		"motcua_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/agencies\",le=\"+Inf\"}"));
	assert_non_null(strstr(r.body, "motcua_db_pool_connections"));
	mc_http_res_free(&r);
}

static void unknown_route_404(void **state)
{
	(void)state;
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	mc_http_get(&s, "/api/v1/nothing-here", &r);
	assert_problem(&r, 404, "no_route");
	/* Vietnamese by default */
	assert_string_equal(json_string_value(json_object_get(r.json, "title")), "Không có đường dẫn này");
	mc_http_res_free(&r);
	/* English on request */
	strcpy(s.lang, "en-US");
	mc_http_get(&s, "/api/v1/nothing-here", &r);
	assert_string_equal(json_string_value(json_object_get(r.json, "title")), "No such route");
	mc_http_res_free(&r);
}

static void wrong_method_405(void **state)
{
	(void)state;
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	mc_http_do(&s, "DELETE", "/api/v1/agencies", NULL, NULL, &r);
	assert_problem(&r, 405, "method_not_allowed");
	assert_string_equal(mc_http_header(&r, "Allow"), "GET, POST");
	mc_http_res_free(&r);
}

static void wrong_type_415(void **state)
{
	(void)state;
	struct mc_http_res r;
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/auth/login", srv.base);
	static const char *const h[] = {"Content-Type: text/plain", NULL};
	mc_http_raw("POST", url, "username=admin", h, &r);
	assert_problem(&r, 415, "unsupported_media_type");
	mc_http_res_free(&r);
}

static void bad_json_400(void **state)
{
	(void)state;
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	mc_http_post(&s, "/api/v1/auth/login", "{\"username\": \"admin\",", &r);
	assert_problem(&r, 400, "bad_json");
	assert_non_null(json_string_value(json_object_get(r.json, "detail")));
	mc_http_res_free(&r);
	/* duplicate keys are refused too */
	mc_http_post(&s, "/api/v1/auth/login", "{\"username\":\"a\",\"username\":\"b\",\"password\":\"x\"}", &r);
	assert_problem(&r, 400, "bad_json");
	mc_http_res_free(&r);
	/* an array where an object is expected */
	mc_http_post(&s, "/api/v1/auth/login", "[1,2]", &r);
	assert_problem(&r, 400, "bad_json");
	mc_http_res_free(&r);
}

static void too_big_413(void **state)
{
	(void)state;
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	size_t n = 10000; /* the server runs with MOTCUA_BODY_LIMIT=4096 */
	char *body = malloc(n + 32);
	strcpy(body, "{\"username\":\"");
	memset(body + 13, 'a', n);
	strcpy(body + 13 + n, "\"}");
	mc_http_post(&s, "/api/v1/auth/login", body, &r);
	assert_problem(&r, 413, "payload_too_large");
	mc_http_res_free(&r);
	free(body);
}

static void wrong_types_422(void **state)
{
	(void)state;
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	mc_http_post(&s, "/api/v1/auth/login", "{\"username\": 42, \"password\": \"x\"}", &r);
	assert_problem(&r, 422, "validation_failed");
	json_t *errs = json_object_get(r.json, "errors");
	assert_int_equal(json_array_size(errs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(errs, 0), "field")), "username");
	assert_string_equal(json_string_value(json_object_get(json_array_get(errs, 0), "reason")), "type");
	mc_http_res_free(&r);
}

static void unauthenticated_401(void **state)
{
	(void)state;
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	mc_http_get(&s, "/api/v1/me", &r);
	assert_problem(&r, 401, "unauthenticated");
	mc_http_res_free(&r);
	strcpy(s.token, "not-a-real-token-not-a-real-token");
	mc_http_get(&s, "/api/v1/me", &r);
	assert_problem(&r, 401, "unauthenticated");
	mc_http_res_free(&r);
}

/* The id of the last answer, from its X-Request-Id header. */
static void request_id(const struct mc_http_res *r, char *out, size_t n)
{
	const char *id = mc_http_header(r, "X-Request-Id");
	assert_non_null(id);
	assert_true(strlen(id) < n);
	strcpy(out, id);
}

/* The server's access-log line of request id, parsed (NULL if none). */
static json_t *access_line(const char *id)
{
	FILE *f = fopen(srv.log, "r");
	assert_non_null(f);
	char line[4096], want[64];
	snprintf(want, sizeof(want), "\"id\":\"%s\"", id);
	json_t *found = NULL;
	while (!found && fgets(line, sizeof(line), f))
		if (strstr(line, "\"msg\":\"request\"") && strstr(line, want))
			found = json_loads(line, 0, NULL);
	fclose(f);
	return found;
}

/* Every request is one access-log line: its members in a fixed order, and
 * "error" only on the requests that failed - alternate failures and
 * successes on the server's one thread, so that a failure's member cannot
 * stay on the next line. */
static void access_log_lines(void **state)
{
	(void)state;
	static const char *const members[] = {"ts",    "level",  "msg", "id",    "method",
					      "route", "status", "ms",  "bytes", "user"};
	struct mc_http_session s;
	struct mc_http_res r;
	char ids[8][40];
	mc_http_session_init(&s, srv.base);
	for (int i = 0; i < 8; i++) {
		mc_http_get(&s, i % 2 ? "/api/v1/procedures?limit=1" : "/api/v1/me", &r);
		assert_int_equal(r.status, i % 2 ? 200 : 401);
		request_id(&r, ids[i], sizeof(ids[i]));
		mc_http_res_free(&r);
	}
	/* the line is written once the answer is sent: wait for the last */
	json_t *last = NULL;
	for (int t = 0; t < 100 && !(last = access_line(ids[7])); t++)
		usleep(20000);
	assert_non_null(last);
	json_decref(last);
	for (int i = 0; i < 8; i++) {
		json_t *l = access_line(ids[i]);
		assert_non_null(l);
		const char *key;
		json_t *v;
		size_t k = 0;
		json_object_foreach(l, key, v) {
			if (k < sizeof(members) / sizeof(members[0]))
				assert_string_equal(key, members[k]);
			else
				assert_string_equal(key, "error");
			k++;
		}
		assert_int_equal(k, i % 2 ? 10 : 11);
		assert_string_equal(json_string_value(json_object_get(l, "method")), "GET");
		assert_string_equal(json_string_value(json_object_get(l, "route")),
				    i % 2 ? "/api/v1/procedures" : "/api/v1/me");
		assert_int_equal(json_integer_value(json_object_get(l, "status")), i % 2 ? 200 : 401);
		assert_true(json_is_real(json_object_get(l, "ms")));
		assert_true(json_integer_value(json_object_get(l, "bytes")) > 0);
		if (!(i % 2))
			assert_string_equal(json_string_value(json_object_get(l, "error")), "unauthenticated");
		json_decref(l);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(health_and_ready),
		cmocka_unit_test(metrics_count_requests),
		cmocka_unit_test(metrics_count_database_work),
		cmocka_unit_test(unknown_route_404),
		cmocka_unit_test(wrong_method_405),
		cmocka_unit_test(wrong_type_415),
		cmocka_unit_test(bad_json_400),
		cmocka_unit_test(too_big_413),
		cmocka_unit_test(wrong_types_422),
		cmocka_unit_test(unauthenticated_401),
		cmocka_unit_test(access_log_lines),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
