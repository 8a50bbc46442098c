/*
 * test_db_faults.c - a real `motcua serve` when its database misbehaves
 * (issue 8, section 6).
 *
 * PostgreSQL, through a TCP proxy (tests/common/proxy.h) so that the shared
 * test server is left alone: while the database hangs, /healthz answers at
 * once and database-bound requests answer 503 within the configured limits,
 * then at once while the database is held down; when it is back, requests
 * succeed again without a restart of motcua.  After a restart (every
 * connection cut) no request fails, and the log says what happened.
 *
 * SQLite, on a small file system filled to the last byte (as root only,
 * tests/common/smallfs.h): writes answer 507 storage_full; reading, public
 * tracking and existing sessions go on; a login (it writes a session)
 * answers 507 too; once there is room again everything works.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "only.h"
#include "proxy.h"
#include "server.h"
#include "smallfs.h"
#include "testdb.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char db_url[512], proxy_url[512], small_dir[128], small_db[700];
static struct mc_test_proxy *proxy;
static int small_ok; /* SQLite: the small file system could be mounted */
static struct mc_test_server srv;

static int is_pg(void)
{
	return strcmp(mc_test_backend(), "pg") == 0;
}
static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return calloc(1, 1);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = calloc(1, (size_t)n + 1);
	if (fread(s, 1, (size_t)n, f) != (size_t)n)
		s[0] = '\0';
	fclose(f);
	return s;
}

static int setup(void **state)
{
	(void)state;
	/* several threads use libcurl: a reset connection must not kill us */
	signal(SIGPIPE, SIG_IGN);
	/* before any thread: the mount namespace is per process */
	if (!is_pg())
		small_ok = mc_test_smallfs_mount(small_dir, sizeof(small_dir), 64u << 20) == 0;
	mc_test_db_setup(db_url, sizeof(db_url), 2, NULL, 1);
	if (is_pg())
		proxy = mc_test_proxy_start(db_url, proxy_url, sizeof(proxy_url));
	else if (small_ok)
		mc_test_smallfs_copy(db_url, small_dir, "motcua.db", small_db, sizeof(small_db));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_test_proxy_stop(proxy);
	if (small_ok)
		mc_test_smallfs_release(small_dir);
	mc_test_db_drop(db_url, NULL);
	return 0;
}

/* After each test: the database answers again and the server stops. */
static int after(void **state)
{
	(void)state;
	if (proxy)
		mc_test_proxy_stall(proxy, 0);
	if (small_ok)
		mc_test_smallfs_unfill(small_dir);
	if (srv.pid > 0)
		mc_test_server_stop(&srv);
	return 0;
}

/* One request as a bearer-token client, at most limit_s long; the status
 * (-1: no answer in time) and how long it took. */
static long timed(const char *method, const char *path, const char *token, const char *body, double limit_s,
		  double *took, struct mc_http_res *res)
{
	char url[300], auth[200];
	snprintf(url, sizeof(url), "%s%s", srv.base, path);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token ? token : "");
	const char *h[3];
	int n = 0;
	if (body)
		h[n++] = "Content-Type: application/json";
	if (token)
		h[n++] = auth;
	h[n] = NULL;
	double t0 = now_s();
	int rc = mc_http_raw_within(method, url, body, h, (long)(limit_s * 1000), res);
	*took = now_s() - t0;
	return rc ? -1 : res->status;
}

static void assert_problem(struct mc_http_res *r, long status, const char *code)
{
	if (r->status != status || !r->json || !jstr(r->json, "code") || strcmp(jstr(r->json, "code"), code) != 0)
		fail_msg("want %ld %s, got %ld: %s", status, code, r->status, r->body ? r->body : "");
	assert_string_equal(mc_http_header(r, "Content-Type"), "application/problem+json; charset=utf-8");
}

/* ---------- PostgreSQL: a database that hangs ---------- */

struct caller {
	pthread_t th;
	const char *token;
	long status;
	double took;
	char code[40];
	atomic_int done;
};

static void *caller_main(void *arg)
{
	struct caller *k = arg;
	struct mc_http_res r;
	k->status = timed("GET", "/api/v1/agencies", k->token, NULL, 30.0, &k->took, &r);
	snprintf(k->code, sizeof(k->code), "%s", r.json && jstr(r.json, "code") ? jstr(r.json, "code") : "");
	mc_http_res_free(&r);
	atomic_store(&k->done, 1);
	return NULL;
}

#define CALLERS 4

static void hung_database_healthz_answers_requests_fail_fast(void **state)
{
	(void)state;
	if (!is_pg())
		skip();
	/* One HTTP thread: a request waiting on the database holds it, and
	 * /healthz must wait its turn - the worst case, made certain.
	 * Statements may take 2 s (+1 s grace), a hang is found within 1 s
	 * (the watch's SELECT 1 gets half of it: enough on a loaded machine);
	 * every request resolves its session in the database.  The bounds
	 * below are generous (a sanitizer build on a busy machine) and still
	 * far from the 10 s and more that requests waited before. */
	const char *env[] = {"MOTCUA_THREADS=1",
			     "MOTCUA_DB_POOL=3",
			     "MOTCUA_DB_STATEMENT_TIMEOUT_MS=2000",
			     "MOTCUA_DB_HANG_TIMEOUT_MS=1000",
			     "MOTCUA_SESSION_CACHE_MS=0",
			     NULL};
	mc_test_server_start(&srv, proxy_url, env);
	struct mc_http_session admin;
	mc_http_login_as(&admin, srv.base, "admin");
	struct mc_http_res r;
	double took;
	assert_int_equal(timed("GET", "/api/v1/agencies", admin.token, NULL, 10, &took, &r), 200);
	mc_http_res_free(&r);

	mc_test_proxy_stall(proxy, 1);
	/* more database-bound requests than HTTP threads */
	struct caller k[CALLERS];
	memset(k, 0, sizeof(k));
	for (int i = 0; i < CALLERS; i++) {
		k[i].token = admin.token;
		assert_int_equal(pthread_create(&k[i].th, NULL, caller_main, &k[i]), 0);
	}
	double t_start = now_s();
	/* /healthz once the HTTP thread waits on the database (it sent a
	 * query the "server" did not get): the moment it froze before */
	while (mc_test_proxy_waiting(proxy) < 1 && now_s() - t_start < 10.0)
		nap_ms(5);
	double stuck = now_s() - t_start;
	long hz;
	double hz_took;
	struct mc_http_res h;
	hz = timed("GET", "/healthz", NULL, NULL, 5.0, &hz_took, &h);
	mc_http_res_free(&h);

	/* the requests come back within their limits - or, on a server that
	 * hangs with its database, once the test lets the database go */
	int all_done = 0;
	while (!all_done && now_s() - t_start < 10.0) {
		all_done = 1;
		for (int i = 0; i < CALLERS; i++)
			all_done &= atomic_load(&k[i].done);
		if (!all_done)
			nap_ms(20);
	}
	int released_early = 0;
	if (!all_done) {
		released_early = 1;
		mc_test_proxy_stall(proxy, 0);
	}
	for (int i = 0; i < CALLERS; i++)
		pthread_join(k[i].th, NULL);
	print_message("the HTTP thread waits on the database after %.3f s\n", stuck);
	print_message("healthz while the database hangs: %ld in %.3f s\n", hz, hz_took);
	for (int i = 0; i < CALLERS; i++)
		print_message("database-bound request %d: %ld %s in %.3f s\n", i, k[i].status, k[i].code, k[i].took);
	if (released_early)
		fail_msg("requests were still waiting on the hung database after 10 s");
	if (hz != 200 || hz_took > 3.0)
		fail_msg("/healthz answered %ld after %.2f s while the database hangs", hz, hz_took);
	for (int i = 0; i < CALLERS; i++) {
		if (k[i].status != 503 || strcmp(k[i].code, "database_unavailable") != 0)
			fail_msg("request %d: want 503 database_unavailable, got %ld %s", i, k[i].status, k[i].code);
		/* 0.5 s without an answer + 0.5 s for the watch's check;
		 * the statement limit (3 s) is the backstop */
		if (k[i].took > 5.0)
			fail_msg("request %d answered after %.2f s", i, k[i].took);
	}

	/* held down: refused at once, probes too, and said so */
	assert_int_equal(timed("GET", "/api/v1/agencies", admin.token, NULL, 5, &took, &r), 503);
	assert_problem(&r, 503, "database_unavailable");
	assert_string_equal(mc_http_header(&r, "Retry-After"), "1");
	mc_http_res_free(&r);
	print_message("database-bound request while held down: %.3f s\n", took);
	assert_true(took < 2.0);
	assert_int_equal(timed("GET", "/healthz", NULL, NULL, 5, &took, &r), 200);
	mc_http_res_free(&r);
	assert_true(took < 2.0);
	assert_int_equal(timed("GET", "/readyz", NULL, NULL, 5, &took, &r), 503);
	assert_problem(&r, 503, "unavailable");
	mc_http_res_free(&r);
	assert_true(took < 2.0);
	assert_int_equal(timed("GET", "/metrics", NULL, NULL, 5, &took, &r), 200);
	assert_non_null(strstr(r.body, "\nmotcua_db_down 1\n"));
	mc_http_res_free(&r);

	/* the database is back: motcua finds out by itself */
	mc_test_proxy_stall(proxy, 0);
	double t0 = now_s();
	long st = -1;
	while (st != 200 && now_s() - t0 < 15.0) {
		st = timed("GET", "/api/v1/agencies", admin.token, NULL, 10, &took, &r);
		mc_http_res_free(&r);
		if (st != 200)
			nap_ms(50);
	}
	print_message("back after %.3f s\n", now_s() - t0);
	assert_int_equal(st, 200);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(timed("GET", "/api/v1/agencies", admin.token, NULL, 10, &took, &r), 200);
		mc_http_res_free(&r);
	}
	assert_int_equal(timed("GET", "/readyz", NULL, NULL, 5, &took, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_test_server_stop(&srv), 0);
}

/* ---------- PostgreSQL: a restart ---------- */

struct burst {
	pthread_t th;
	const char *token;
	long status;
};

static void *burst_main(void *arg)
{
	struct burst *b = arg;
	struct mc_http_res r;
	double took;
	b->status = timed("GET", "/api/v1/agencies", b->token, NULL, 30.0, &took, &r);
	mc_http_res_free(&r);
	return NULL;
}

static void restart_costs_no_failed_request(void **state)
{
	(void)state;
	if (!is_pg())
		skip();
	const char *env[] = {"MOTCUA_THREADS=2", "MOTCUA_DB_POOL=3", "MOTCUA_SESSION_CACHE_MS=0", NULL};
	mc_test_server_start(&srv, proxy_url, env);
	struct mc_http_session admin;
	mc_http_login_as(&admin, srv.base, "admin");
	struct mc_http_res r;
	double took;
	assert_int_equal(timed("GET", "/api/v1/agencies", admin.token, NULL, 10, &took, &r), 200);
	mc_http_res_free(&r);

	/* the database restarts: every connection goes */
	mc_test_proxy_cut(proxy);
	int failed = 0;
	for (int i = 0; i < 10; i++) {
		long st = timed("GET", "/api/v1/agencies", admin.token, NULL, 10, &took, &r);
		if (st != 200) {
			print_message("request %d after the restart: %ld %s\n", i, st, r.body ? r.body : "");
			failed++;
		}
		mc_http_res_free(&r);
	}
	/* and in parallel, so that every pooled connection is used */
	for (int round = 0; round < 3; round++) {
		struct burst b[4];
		for (int i = 0; i < 4; i++) {
			b[i].token = admin.token;
			assert_int_equal(pthread_create(&b[i].th, NULL, burst_main, &b[i]), 0);
		}
		for (int i = 0; i < 4; i++) {
			pthread_join(b[i].th, NULL);
			failed += b[i].status != 200;
		}
	}
	assert_int_equal(failed, 0);
	assert_int_equal(mc_test_server_stop(&srv), 0);
}

static void restart_is_logged_with_a_message(void **state)
{
	(void)state;
	if (!is_pg())
		skip();
	const char *env[] = {"MOTCUA_THREADS=2", "MOTCUA_DB_POOL=3", "MOTCUA_SESSION_CACHE_MS=0", NULL};
	mc_test_server_start(&srv, proxy_url, env);
	struct mc_http_session admin;
	mc_http_login_as(&admin, srv.base, "admin");
	struct mc_http_res r;
	double took;
	mc_test_proxy_cut(proxy);
	assert_int_equal(timed("GET", "/api/v1/agencies", admin.token, NULL, 10, &took, &r), 200);
	mc_http_res_free(&r);
	/* the log is read before the server stops (a clean stop removes it) */
	char *log = read_file(srv.log);
	int has = strstr(log, "\"msg\":\"database_connection_lost\",\"detail\":\"server closed the connection") != NULL;
	int empty = strstr(log, "postgresql -: ") != NULL || strstr(log, "\"detail\":\"\"") != NULL;
	if (!has || empty)
		fail_msg("the log should say why a connection was opened again:\n%s", log);
	free(log);
	assert_int_equal(mc_test_server_stop(&srv), 0);
}

/* ---------- SQLite: a full disk ---------- */

static void full_disk_answers_507_and_reads_go_on(void **state)
{
	(void)state;
	if (is_pg() || !small_ok)
		skip();
	mc_test_server_start(&srv, small_db, NULL);
	struct mc_http_session admin, cit;
	mc_http_login_as(&admin, srv.base, "admin");
	mc_http_login_as(&cit, srv.base, "079203001234");
	struct mc_http_res r;
	const char *dossier =
		"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":"
		"\"079203001234\",\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":"
		"\"single\",\"purpose\":\"Kết hôn\"}}";
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", dossier, &r), 201);
	char track[200];
	snprintf(track, sizeof(track), "/api/v1/track/%s?s=%s", jstr(r.json, "code"), jstr(r.json, "secret"));
	mc_http_res_free(&r);

	mc_test_smallfs_fill(small_dir);
	/* writing: 507 with a clear message, in both languages */
	struct mc_http_session again;
	mc_http_session_init(&again, srv.base);
	assert_int_equal(mc_http_login(&again, "admin", MC_HTTP_DEMO_PASSWORD, 1), 507);
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", dossier, &r), 507);
	assert_problem(&r, 507, "storage_full");
	assert_string_equal(jstr(r.json, "title_en"),
			    "Storage is full: nothing new can be saved until an administrator frees space");
	assert_non_null(strstr(jstr(r.json, "title_vi"), "đầy"));
	assert_string_equal(mc_http_header(&r, "Retry-After"), "");
	mc_http_res_free(&r);
	/* reading, tracking, sessions that exist, probes: as before */
	assert_int_equal(mc_http_get(&admin, "/api/v1/agencies", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&cit, "/api/v1/my/dossiers", &r), 200);
	mc_http_res_free(&r);
	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	assert_int_equal(mc_http_get(&anon, track, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&anon, "/healthz", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&anon, "/readyz", &r), 200);
	mc_http_res_free(&r);

	/* room again: no restart needed */
	mc_test_smallfs_unfill(small_dir);
	assert_int_equal(mc_http_login(&again, "admin", MC_HTTP_DEMO_PASSWORD, 1), 200);
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", dossier, &r), 201);
	mc_http_res_free(&r);
	assert_int_equal(mc_test_server_stop(&srv), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(hung_database_healthz_answers_requests_fail_fast, after),
		cmocka_unit_test_teardown(restart_costs_no_failed_request, after),
		cmocka_unit_test_teardown(restart_is_logged_with_a_message, after),
		cmocka_unit_test_teardown(full_disk_answers_507_and_reads_go_on, after),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests_name(mc_test_backend(), tests, setup, teardown);
}
