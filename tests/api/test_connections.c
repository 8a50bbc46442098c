/*
 * test_connections.c - the server's connections cannot be exhausted: one
 * client address holds at most conn_per_addr of them (others are still
 * served), idle connections do not run the process out of descriptors
 * (motcua raises its open-files limit), and a client that sends its
 * request head too slowly (slowloris), or not at all, is cut after
 * header_timeout.  Clients use 127.0.0.x addresses of their own, so that
 * the test's own requests (from 127.0.0.1) show that others are served.
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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char db_url[512];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int setup(void **state)
{
	(void)state;
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

/* A connection from 127.0.0.<host> to the server; -1 if refused. */
static int connect_from(int host, int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in me = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)host)};
	struct sockaddr_in to = {
		.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) || connect(fd, (struct sockaddr *)&to, sizeof(to))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Does the server answer a request on fd within timeout_s?  1 yes; 0 when
 * it closed the connection or said nothing. */
static int answers(int fd, double timeout_s)
{
	const char req[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	if (write(fd, req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1)
		return 0;
	char buf[512];
	double until = now_s() + timeout_s;
	while (now_s() < until) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 200) <= 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		if (n <= 0)
			return 0;
		buf[n] = '\0';
		return strncmp(buf, "HTTP/1.1 200", 12) == 0;
	}
	return 0;
}

/* The server closed fd (EOF or reset) within timeout_s. */
static int closed_within(int fd, double timeout_s)
{
	char c;
	double until = now_s() + timeout_s;
	while (now_s() < until) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 200) > 0)
			return read(fd, &c, 1) <= 0;
	}
	return 0;
}

static long healthz(struct mc_test_server *s)
{
	char url[128];
	snprintf(url, sizeof(url), "%s/healthz", s->base);
	struct mc_http_res r;
	long st = mc_http_raw("GET", url, NULL, NULL, &r) == 0 ? r.status : -1;
	mc_http_res_free(&r);
	return st;
}

static long long metric(struct mc_test_server *s, const char *name)
{
	char url[128], key[128];
	snprintf(url, sizeof(url), "%s/metrics", s->base);
	snprintf(key, sizeof(key), "\n%s ", name);
	struct mc_http_res r;
	assert_int_equal(mc_http_raw("GET", url, NULL, NULL, &r), 0);
	const char *p = strstr(r.body, key);
	long long v = p ? atoll(p + strlen(key)) : -1;
	mc_http_res_free(&r);
	return v;
}

static void per_address_limit(void **state)
{
	(void)state;
	static char lim[] = "MOTCUA_CONN_PER_ADDR=8";
	const char *env[] = {lim, NULL};
	struct mc_test_server s;
	mc_test_server_start(&s, db_url, env);
	int fds[8];
	for (int i = 0; i < 8; i++) {
		fds[i] = connect_from(2, s.port);
		assert_true(fds[i] >= 0);
		assert_true(answers(fds[i], 30)); /* kept alive afterwards */
	}
	/* the ninth from the same address is closed unanswered */
	int extra = connect_from(2, s.port);
	if (extra >= 0) {
		assert_false(answers(extra, 10));
		close(extra);
	}
	assert_true(metric(&s, "motcua_http_connections_refused_total") >= 1);
	/* everybody else is served */
	int other = connect_from(3, s.port);
	assert_true(other >= 0);
	assert_true(answers(other, 30));
	close(other);
	assert_int_equal(healthz(&s), 200);
	/* a slot given back can be taken again */
	close(fds[0]);
	double until = now_s() + 30;
	while (metric(&s, "motcua_http_connections") > 8 && now_s() < until)
		;
	fds[0] = connect_from(2, s.port);
	assert_true(fds[0] >= 0 && answers(fds[0], 30));
	for (int i = 0; i < 8; i++)
		close(fds[i]);
	assert_int_equal(mc_test_server_stop(&s), 0);
}

/* 1,100 idle connections from 11 addresses (100 each), with the server
 * started under a soft open-files limit of 1,024 (a shell's default). */
static void idle_connections_do_not_exhaust(void **state)
{
	(void)state;
	struct rlimit rl;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 2400) {
		fprintf(stderr, "open-files hard limit %llu: too low to open 1,100 connections, part skipped\n",
			(unsigned long long)rl.rlim_max);
		return;
	}
	struct rlimit low = {1024, rl.rlim_max};
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	struct mc_test_server s;
	mc_test_server_start(&s, db_url, NULL); /* inherits 1,024 */
	struct rlimit mine = {rl.rlim_max == RLIM_INFINITY ? 4096 : rl.rlim_max, rl.rlim_max};
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &mine), 0);

	enum { N = 1100 };
	static int fds[N];
	for (int i = 0; i < N; i++) {
		fds[i] = connect_from(10 + i / 100, s.port);
		assert_true(fds[i] >= 0);
	}
	double until = now_s() + 60;
	while (metric(&s, "motcua_http_connections") < N && now_s() < until)
		;
	assert_true(metric(&s, "motcua_http_connections") >= N);
	assert_int_equal(healthz(&s), 200);
	struct mc_http_session a;
	mc_http_session_init(&a, s.base);
	assert_int_equal(mc_http_login(&a, "admin", MC_HTTP_DEMO_PASSWORD, 1), 200);
	for (int i = 0; i < N; i++)
		close(fds[i]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_equal(mc_test_server_stop(&s), 0);
}

static void slow_heads_are_cut(void **state)
{
	(void)state;
	static char t[] = "MOTCUA_HEADER_TIMEOUT=2";
	const char *env[] = {t, NULL};
	struct mc_test_server s;
	mc_test_server_start(&s, db_url, env);

	/* says nothing at all */
	int silent = connect_from(4, s.port);
	assert_true(silent >= 0);
	/* sends its head a byte at a time, every 200 ms (the 60 s idle timeout
	 * never fires: the connection is never idle that long) */
	int slow = connect_from(5, s.port);
	assert_true(slow >= 0);
	const char head[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
			    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			    "aaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
	int cut = 0;
	double start = now_s();
	for (size_t i = 0; i < sizeof(head) - 1 && !cut; i++) {
		if (write(slow, head + i, 1) != 1) {
			cut = 1;
			break;
		}
		cut = closed_within(slow, 0.2);
	}
	double took = now_s() - start;
	fprintf(stderr, "the slow head was cut after %.1f s\n", took);
	assert_true(cut);
	assert_true(took < 20);
	assert_true(closed_within(silent, 20));
	assert_true(metric(&s, "motcua_http_connections_cut_total") >= 2);
	/* a client that sends its head at once is served */
	assert_int_equal(healthz(&s), 200);
	close(slow);
	close(silent);
	assert_int_equal(mc_test_server_stop(&s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(per_address_limit),
		cmocka_unit_test(idle_connections_do_not_exhaust),
		cmocka_unit_test(slow_heads_are_cut),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
