/*
 * test_shutdown.c - graceful shutdown: on SIGTERM (or SIGINT) the server
 * closes new connections unanswered, answers a request that arrives on a
 * kept-alive connection with "Connection: close", lets the requests in
 * flight finish with their full answers, and exits 0.  Every wait is on a
 * condition (the log, /metrics, the socket), never a fixed delay.  A
 * server notes itself in `servers` when it starts and when it stops, and
 * serves on a schema newer than it knows (a rolling upgrade), saying so.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "only.h"
#include "server.h"
#include "testdb.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char db_url[512];

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
	char log[256];
	snprintf(log, sizeof(log), "%s", srv.log);
	assert_int_equal(kill(srv.pid, SIGINT), 0);
	assert_int_equal(mc_test_server_wait(&srv, 60), 0);
	unlink(log);
}

/* ---- a kept-alive connection driven by hand ---- */

static int raw_connect(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {
		.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Read into buf (up to n - 1 bytes) until want bytes are there or the peer
 * closes; 60 s at most.  Returns the bytes read. */
static size_t read_some(int fd, char *buf, size_t have, size_t n, size_t want)
{
	double until = now_s() + 60;
	while (have < want && have + 1 < n && now_s() < until) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 1000) <= 0)
			continue;
		ssize_t k = read(fd, buf + have, n - 1 - have);
		if (k <= 0)
			break;
		have += (size_t)k;
		buf[have] = '\0';
	}
	return have;
}

/* GET path on the open connection: the status, the head in head. */
static int raw_get(int fd, const char *path, char *head, size_t n)
{
	char req[256];
	int len = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", path);
	if (write(fd, req, (size_t)len) != len)
		return -1;
	char buf[8192] = "";
	size_t have = 0;
	char *end = NULL;
	while (!end) {
		size_t before = have;
		have = read_some(fd, buf, have, sizeof(buf), have + 1);
		if (have == before)
			return -1;
		end = strstr(buf, "\r\n\r\n");
	}
	const char *cl = strcasestr(buf, "\r\nContent-Length:");
	size_t body = cl ? (size_t)atol(cl + 17) : 0;
	read_some(fd, buf, have, sizeof(buf), (size_t)(end + 4 - buf) + body);
	snprintf(head, n, "%.*s", (int)(end - buf), buf);
	return atoi(buf + 9);
}

/* The peer closed the connection (read gives 0) within 60 s. */
static int closed_by_peer(int fd)
{
	char c;
	double until = now_s() + 60;
	while (now_s() < until) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 1000) > 0)
			return read(fd, &c, 1) == 0;
	}
	return 0;
}

/* Wait for text in the server's log (60 s at most). */
static int log_says(const char *path, const char *text)
{
	double until = now_s() + 60;
	while (now_s() < until) {
		char *log = read_file(path);
		int found = strstr(log, text) != NULL;
		free(log);
		if (found)
			return 1;
		sleep_ms(10);
	}
	return 0;
}

/* A request that the server holds until it has stopped accepting and one
 * more request has come (motcua-test's stall-until-stop): surely in flight
 * when the signal comes, and still when the kept-alive client asks again. */
struct slow {
	const char *base;
	long status;
	double done;
};

static void *slow_signup(void *p)
{
	struct slow *w = p;
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, w->base);
	const char *h[] = {"X-Motcua-Test-Fault: stall-until-stop", NULL};
	if (mc_http_do(&s, "POST", "/api/v1/auth/signup",
		       "{\"id_number\":\"079204777777\",\"full_name\":\"Lý Chờ Lâu\",\"phone\":\"0912777777\","
		       "\"password\":\"ChoLau-2026\"}",
		       h, &r) == 0)
		w->status = r.status;
	w->done = now_s();
	mc_http_res_free(&r);
	return NULL;
}

static void request_in_flight_finishes(void **state)
{
	(void)state;
	struct mc_test_server srv;
	mc_test_server_start(&srv, db_url, NULL);

	struct slow w = {srv.base, 0, 0};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, slow_signup, &w), 0);
	assert_true(log_says(srv.log, "\"msg\":\"test_stalled\""));

	/* a client that keeps its connection open between requests (its
	 * connection goes to a worker other than the one holding the sign-up) */
	int keep = raw_connect(srv.port);
	assert_true(keep >= 0);
	char head[4096];
	assert_int_equal(raw_get(keep, "/healthz", head, sizeof(head)), 200);
	assert_null(strcasestr(head, "Connection: close"));

	double t_kill = now_s();
	assert_int_equal(kill(srv.pid, SIGTERM), 0);
	assert_true(log_says(srv.log, "\"msg\":\"stopping\""));

	/* a new connection is closed unanswered, at once */
	int late = raw_connect(srv.port);
	if (late >= 0) {
		assert_int_equal(raw_get(late, "/healthz", head, sizeof(head)), -1);
		close(late);
	}
	/* a request on a kept-alive connection is answered, and the connection
	 * then closed: a busy client cannot hold the server past its signal */
	assert_int_equal(raw_get(keep, "/healthz", head, sizeof(head)), 200);
	assert_non_null(strcasestr(head, "Connection: close"));
	assert_true(closed_by_peer(keep));
	close(keep);

	/* the request in flight got its whole answer, after the signal */
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(w.status, 201);
	assert_true(w.done > t_kill);
	/* and the server saw it in flight when the signal came */
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

/* The rolling upgrade's old server: the schema has a migration it does not
 * carry (a later release migrated first).  It starts, serves, logs
 * schema_newer, and notes itself in `servers` (pid, the schema it knows),
 * with stopped_at once it stopped.  The same database then serves a
 * server of this release again once the later migration is gone. */
static void newer_schema_serves_and_servers_row(void **state)
{
	(void)state;
	struct mc_db *db;
	char err[256] = "";
	if (mc_db_open(db_url, 1, &db, err, sizeof(err)))
		fail_msg("open: %s", err);
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int64_t known = 0;
	assert_int_equal(mc_query_int64(c, &known, "SELECT MAX(version) FROM schema_migrations", ""), 0);
	assert_true(mc_exec(c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", "iti",
			    known + 1, "a later release", (int64_t)1) == 1);
	mc_db_release(c);

	struct mc_test_server srv;
	mc_test_server_start(&srv, db_url, NULL);
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	assert_int_equal(mc_http_get(&s, "/readyz", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_login(&s, "admin", "motcua2026", 1), 200);
	char *log = read_file(srv.log);
	assert_non_null(strstr(log, "\"msg\":\"schema_newer\""));
	free(log);
	char pid[24];
	snprintf(pid, sizeof(pid), "%d", (int)srv.pid);
	assert_int_equal(mc_test_db_int(db,
					"SELECT COUNT(*) FROM servers WHERE pid = CAST(? AS BIGINT) AND stopped_at IS "
					"NULL AND schema_known = (SELECT MAX(version) - 1 FROM schema_migrations)",
					pid),
			 1);
	assert_int_equal(mc_test_server_stop(&srv), 0);
	assert_int_equal(
		mc_test_db_int(db,
			       "SELECT COUNT(*) FROM servers WHERE pid = CAST(? AS BIGINT) AND stopped_at IS NOT "
			       "NULL",
			       pid),
		1);

	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_true(mc_exec(c, "DELETE FROM schema_migrations WHERE version = ?", "i", known + 1) == 1);
	mc_db_release(c);
	mc_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(newer_schema_serves_and_servers_row),
		cmocka_unit_test(sigterm_exits_0),
		cmocka_unit_test(sigint_exits_0),
		cmocka_unit_test(request_in_flight_finishes),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
