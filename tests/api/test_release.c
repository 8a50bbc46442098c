/*
 * test_release.c - what the test build can do, motcua cannot: its clock
 * does not move with MOTCUA_TEST_NOW and the fault header of the tests is
 * an ordinary header to it.  The same requests to motcua-test show that the
 * test would see the difference.
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
#include <time.h>

static char db_url[512];
static char NOW[] = "MOTCUA_TEST_NOW=2031-06-02T09:00:00+07:00";

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 1, NULL, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_test_db_drop(db_url, NULL);
	return 0;
}

/* The year the server believes it is (the holidays of "this year"). */
static long server_year(struct mc_test_server *s)
{
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/calendar/holidays", s->base);
	struct mc_http_res r;
	assert_int_equal(mc_http_raw("GET", url, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	long y = (long)json_integer_value(json_object_get(r.json, "year"));
	mc_http_res_free(&r);
	return y;
}

static long real_year(void)
{
	time_t t = time(NULL) + 7 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

static void clock_does_not_move(void **state)
{
	(void)state;
	const char *env[] = {NOW, NULL};
	struct mc_test_server s;
	mc_test_server_start_bin(&s, getenv("MOTCUA_RELEASE_BIN"), db_url, env);
	long y = server_year(&s);
	assert_int_equal(mc_test_server_stop(&s), 0);
	assert_int_equal(y, real_year());

	mc_test_server_start(&s, db_url, env); /* motcua-test */
	y = server_year(&s);
	assert_int_equal(mc_test_server_stop(&s), 0);
	assert_int_equal(y, 2031);
}

static void fault_header_is_ignored(void **state)
{
	(void)state;
	struct mc_test_server s;
	mc_test_server_start_bin(&s, getenv("MOTCUA_RELEASE_BIN"), db_url, NULL);
	struct mc_http_session a;
	mc_http_session_init(&a, s.base);
	/* a log-in commits a session */
	const char *h[] = {"X-Motcua-Test-Fault: crash-after-commit", "Content-Type: application/json", NULL};
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/auth/login", s.base);
	struct mc_http_res r;
	assert_int_equal(
		mc_http_raw("POST", url, "{\"username\":\"admin\",\"password\":\"" MC_HTTP_DEMO_PASSWORD "\"}", h, &r),
		0);
	assert_int_equal(r.status, 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_test_server_wait(&s, 1), -1); /* still running */
	assert_int_equal(mc_test_server_stop(&s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clock_does_not_move),
		cmocka_unit_test(fault_header_is_ignored),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
