/*
 * test_shutdown.c - graceful shutdown: on SIGTERM (or SIGINT) the server
 * stops accepting connections, lets the requests in flight finish with
 * their full answers, and exits 0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "server.h"
#include "testdb.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char db_url[512];

static const char *jstr(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

static int setup(void **state)
{
	(void)state;
	/* Two threads use libcurl here: a connection the server resets must
	 * not kill the test with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	mc_test_db_setup(db_url, sizeof(db_url), 1, NULL, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_test_db_drop(db_url, NULL);
	return 0;
}

static void sigterm_exits_0(void **state)
{
	(void)state;
	struct mc_test_server srv;
	mc_test_server_start(&srv, db_url, NULL);
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	assert_int_equal(mc_http_get(&s, "/api/v1/agencies", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_login(&s, "admin", "motcua2026", 1), 200);
	assert_int_equal(mc_test_server_stop(&srv), 0);
	/* nobody answers any more */
	char url[128];
	snprintf(url, sizeof(url), "%s/healthz", srv.base);
	assert_int_equal(mc_http_raw("GET", url, NULL, NULL, &r), -1);
	mc_http_res_free(&r);
}

static void sigint_exits_0(void **state)
{
	(void)state;
	struct mc_test_server srv;
	mc_test_server_start(&srv, db_url, NULL);
	assert_int_equal(kill(srv.pid, SIGINT), 0);
	int st = -1;
	for (int i = 0; i < 300; i++) {
		if (waitpid(srv.pid, &st, WNOHANG) == srv.pid)
			break;
		st = -1;
		sleep_ms(100);
	}
	if (st == -1)
		mc_test_server_stop(&srv);
	assert_true(st != -1);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	unlink(srv.log);
}

/* A slow request on its own thread: a log-in whose password hash was made
 * with the expensive argon2id settings. */
struct slow {
	const char *base;
	long status;
	char token[160];
	char id_number[16];
	double done;
	atomic_int answered;
};

static void *slow_login(void *p)
{
	struct slow *w = p;
	struct mc_http_session s;
	mc_http_session_init(&s, w->base);
	w->status = mc_http_login(&s, "079204777777", "ChoLau-2026", 1);
	w->done = now_s();
	snprintf(w->token, sizeof(w->token), "%s", s.token);
	atomic_store(&w->answered, 1);
	/* A new request once the answer is in: the server is shutting down,
	 * so this one must not be served (id_number stays empty). */
	struct mc_http_res r;
	if (w->status == 200) {
		if (mc_http_get(&s, "/api/v1/me", &r) == 200)
			snprintf(w->id_number, sizeof(w->id_number), "%s", jstr(r.json, "id_number"));
		mc_http_res_free(&r);
	}
	return NULL;
}

static void request_in_flight_finishes(void **state)
{
	(void)state;
	struct mc_test_server srv;
	/* costly argon2id settings, not the cheap ones the tests run with */
	static const char *const env[] = {"MOTCUA_ARGON2_OPS=4", "MOTCUA_ARGON2_MEM_KIB=262144", NULL};
	mc_test_server_start(&srv, db_url, env);
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	double t0 = now_s();
	assert_int_equal(mc_http_post(&s, "/api/v1/auth/signup",
				      "{\"id_number\":\"079204777777\",\"full_name\":\"Lý Chờ Lâu\",\"phone\":\"0912777777\","
				      "\"password\":\"ChoLau-2026\"}",
				      &r),
			 201);
	mc_http_res_free(&r);
	/* hashing the password took about as long as checking it will */
	double cost = now_s() - t0;
	fprintf(stderr, "one argon2id hash takes %.3f s\n", cost);
	assert_true(cost > 0.15); /* slow enough for a signal to land in the middle */

	/* Send the log-in from a thread, and wait until the server has it in
	 * hand: /metrics counts itself, so 2 requests in flight means the log-in
	 * is one of them.  A poll accepted together with the log-in by the same
	 * worker waits behind it and sees it too late; then try again. */
	struct slow w;
	pthread_t th;
	int busy = 0;
	for (int attempt = 0; attempt < 3 && !busy; attempt++) {
		memset(&w, 0, sizeof(w));
		w.base = srv.base;
		atomic_store(&w.answered, 0);
		assert_int_equal(pthread_create(&th, NULL, slow_login, &w), 0);
		sleep_ms(30); /* let the log-in's connection be accepted alone */
		while (!busy && !atomic_load(&w.answered)) {
			assert_int_equal(mc_http_get(&s, "/metrics", &r), 200);
			const char *g = strstr(r.body, "\nmotcua_http_in_flight ");
			assert_non_null(g);
			busy = atoi(g + 23) >= 2;
			mc_http_res_free(&r);
			if (!busy)
				sleep_ms(5);
		}
		if (!busy) {
			assert_int_equal(pthread_join(th, NULL), 0);
			fprintf(stderr, "the log-in was not seen in flight; trying again\n");
		}
	}
	assert_true(busy);
	sleep_ms(50); /* well into the password check */
	double t_kill = now_s();
	assert_int_equal(kill(srv.pid, SIGTERM), 0);
	/* new connections are no longer served */
	sleep_ms(30);
	char url[128];
	snprintf(url, sizeof(url), "%s/healthz", srv.base);
	int rc = mc_http_raw("GET", url, NULL, NULL, &r);
	if (rc == 0)
		fprintf(stderr, "served after SIGTERM: %ld\n", r.status);
	assert_int_equal(rc, -1);
	mc_http_res_free(&r);
	assert_int_equal(pthread_join(th, NULL), 0);

	/* the request in flight got its whole answer, after the signal */
	assert_int_equal(w.status, 200);
	assert_true(strlen(w.token) >= 40);
	assert_true(w.done > t_kill);
	assert_string_equal(w.id_number, "");
	/* the server saw it in flight when the signal came */
	char *log = read_file(srv.log);
	const char *stopping = strstr(log, "\"msg\":\"stopping\"");
	assert_non_null(stopping);
	const char *eol = strchr(stopping, '\n');
	assert_non_null(eol);
	const char *inf = strstr(stopping, "\"in_flight\":");
	assert_true(inf && inf < eol);
	assert_true(atoi(inf + 12) >= 1);
	free(log);
	assert_int_equal(mc_test_server_stop(&srv), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sigterm_exits_0),
		cmocka_unit_test(sigint_exits_0),
		cmocka_unit_test(request_in_flight_finishes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
