/*
 * test_dashboard.c - GET /api/v1/dashboard, the leader's dashboard: who may
 * read it (401 anonymous, 403 for a citizen, a clerk, or an agency outside
 * the caller's subtree), and its figures checked against dossiers made in
 * the test with servers started on chosen dates (MOTCUA_TEST_NOW) over one
 * database: today's received and resolved (early, late) dossiers, the
 * month's, the dossiers past their deadline and the agencies with the most
 * of them - the ward leader seeing only the ward, the city leader all.
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

static char db_url[512];
static struct mc_db *db;

/* 1.003197 (5 working days), taken in at the ward police's desk */
static const char *BODY5 =
	"{\"procedure_code\":\"1.003197\",\"form\":{\"subject_full_name\":\"Nguyễn Văn "
	"An\",\"subject_id_number\":\"079203001234\","
	"\"reason\":\"abroad\",\"residence_unit\":\"26740\"},\"papers\":[\"to_khai_ct01\"],"
	"\"applicant\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\",\"phone\":\"0816861711\"}}";
/* 1.004873 (3 working days), at the ward's counter */
static const char *BODY3 =
	"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\","
	"\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"Kết "
	"hôn\"},"
	"\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],\"applicant\":{\"full_name\":\"Nguyễn Văn An\","
	"\"id_number\":\"079203001234\",\"phone\":\"0816861711\",\"ward_code\":\"26740\"}}";

static char T_0301_0900[] = "MOTCUA_TEST_NOW=2027-03-01T09:00:00+07:00"; /* Monday */
static char T_0305_1000[] = "MOTCUA_TEST_NOW=2027-03-05T10:00:00+07:00"; /* Friday */
static char T_0308_0900[] = "MOTCUA_TEST_NOW=2027-03-08T09:00:00+07:00"; /* Monday */
static char T_0311_0900[] = "MOTCUA_TEST_NOW=2027-03-11T09:00:00+07:00"; /* Thursday after the due day */

static const char *WARD = "000.01.31.H29";   /* UBND Phường Sài Gòn */
static const char *POLICE = "000.01.40.H29"; /* Công an phường Sài Gòn */

static struct mc_test_server srv;

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (srv.pid > 0)
		mc_test_server_stop(&srv);
	mc_test_db_drop(db_url, db);
	return 0;
}

static void start(char *now)
{
	const char *env[] = {now, NULL};
	mc_test_server_start(&srv, db_url, now ? env : NULL);
}

static int stop_server(void **state)
{
	(void)state;
	if (srv.pid > 0)
		assert_int_equal(mc_test_server_stop(&srv), 0);
	return 0;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}
static long jint(json_t *o, const char *k)
{
	return (long)json_integer_value(json_object_get(o, k));
}

static int64_t counter_id(const char *code)
{
	struct mc_conn *c;
	int64_t v = 0;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int rc = mc_query_int64(c, &v, "SELECT id FROM counters WHERE code = ?", "t", code);
	mc_db_release(c);
	assert_int_equal(rc, 0);
	return v;
}

static int64_t agency_id(const char *code)
{
	struct mc_conn *c;
	int64_t v = 0;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int rc = mc_query_int64(c, &v, "SELECT id FROM agencies WHERE code = ?", "t", code);
	mc_db_release(c);
	assert_int_equal(rc, 0);
	return v;
}

/* Counter intake; the new dossier's code and due date. */
static void intake(struct mc_http_session *clerk, const char *counter, const char *body, char code[80], char due[40])
{
	char path[100];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers", (long long)counter_id(counter));
	if (mc_http_post(clerk, path, body, &r) != 201)
		fail_msg("intake at %s: %ld %s", counter, r.status, r.body);
	snprintf(code, 80, "%s", jstr(r.json, "code"));
	snprintf(due, 40, "%s", jstr(r.json, "due_at"));
	mc_http_res_free(&r);
}

/* The ward's specialist, then its chairman, forward the dossier to its
 * result, scored want_score. */
static void finish(const char *code, const char *want_score)
{
	const char *who[] = {"chuyenvien.p26740", "chutich.p26740"};
	for (int i = 0; i < 2; i++) {
		struct mc_http_session s;
		struct mc_http_res r;
		mc_http_login_as(&s, srv.base, who[i]);
		if (mc_http_act(&s, code, "forward", NULL, &r) != 200)
			fail_msg("forward %s as %s: %ld %s", code, who[i], r.status, r.body);
		if (i == 1)
			assert_string_equal(jstr(r.json, "result_status"), want_score);
		mc_http_res_free(&r);
	}
}

/* The ward's specialist asks for the declaration form again. */
static void request_supplement(const char *code)
{
	struct mc_http_session sp;
	struct mc_http_res r;
	mc_http_login_as(&sp, srv.base, "chuyenvien.p26740");
	const char *ask = "{\"items\":[\"to_khai\"],\"reason\":\"Tờ khai thiếu chữ ký\"}";
	if (mc_http_act(&sp, code, "request_supplement", ask, &r) != 200)
		fail_msg("request_supplement %s: %ld %s", code, r.status, r.body);
	assert_string_equal(jstr(r.json, "status"), "supplement_requested");
	mc_http_res_free(&r);
}

/* GET the dashboard (query may be ""); the status; the body in *out (to be
 * freed by the caller) when 200. */
static long dashboard(struct mc_http_session *s, const char *query, json_t **out)
{
	char path[200];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/dashboard%s", query);
	long st = mc_http_get(s, path, &r);
	if (out)
		*out = st == 200 ? json_incref(r.json) : NULL;
	mc_http_res_free(&r);
	return st;
}

static void assert_rate(json_t *row, double want)
{
	json_t *v = json_object_get(row, "on_time_rate");
	assert_true(json_is_real(v));
	assert_true(json_real_value(v) > want - 1e-9 && json_real_value(v) < want + 1e-9);
}

/* Anonymous 401; a citizen and a clerk (no stats.read) 403; a leader 200,
 * but not for an agency outside its subtree; a malformed agency 422. */
static void who_may_read(void **state)
{
	(void)state;
	start(NULL);
	struct mc_http_session anon, cit, clerk, ward, city;
	mc_http_session_init(&anon, srv.base);
	assert_int_equal(dashboard(&anon, "", NULL), 401);
	mc_http_login_as(&cit, srv.base, "079203001234");
	assert_int_equal(dashboard(&cit, "", NULL), 403);
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	assert_int_equal(dashboard(&clerk, "", NULL), 403);
	mc_http_login_as(&ward, srv.base, "chutich.p26740");
	json_t *j;
	assert_int_equal(dashboard(&ward, "", &j), 200);
	assert_int_equal(jint(j, "agency_id"), agency_id(WARD));
	assert_non_null(jstr(j, "day"));
	assert_non_null(jstr(j, "at"));
	assert_true(json_is_null(json_object_get(json_object_get(j, "today"), "on_time_rate")));
	assert_int_equal(json_array_size(json_object_get(j, "top_overdue")), 0);
	json_decref(j);
	char q[80];
	snprintf(q, sizeof(q), "?agency_id=%lld", (long long)agency_id("000.00.00.H29"));
	assert_int_equal(dashboard(&ward, q, NULL), 403);
	snprintf(q, sizeof(q), "?agency_id=%lld", (long long)agency_id(POLICE));
	assert_int_equal(dashboard(&ward, q, NULL), 403);
	assert_int_equal(dashboard(&ward, "?agency_id=abc", NULL), 422);
	mc_http_login_as(&city, srv.base, "lanhdao");
	assert_int_equal(dashboard(&city, q, &j), 200);
	assert_int_equal(jint(j, "agency_id"), agency_id(POLICE));
	json_decref(j);
	assert_int_equal(mc_test_server_stop(&srv), 0);
}

/* Mon 1/3: the ward police take in a 5-day dossier (due Mon 8/3).  Fri 5/3:
 * the ward takes in four 3-day dossiers (due Wed 10/3) and finishes one at
 * once (early).  Thu 11/3: it finishes a second one (late); two stay past
 * their deadline, and the police's one too. */
static void figures_and_jurisdiction(void **state)
{
	(void)state;
	struct mc_http_session wclerk, pclerk, ward, city;
	char police1[80], d[4][80], due[40];
	json_t *j, *t;

	start(T_0301_0900);
	mc_http_login_as(&pclerk, srv.base, "clerk.ca.p26740");
	intake(&pclerk, "Q-CA-26740-01", BODY5, police1, due);
	assert_string_equal(due, "2027-03-08T17:00:00+07:00");
	assert_int_equal(mc_test_server_stop(&srv), 0);

	start(T_0305_1000);
	mc_http_login_as(&wclerk, srv.base, "tiepnhan.p26740");
	for (int i = 0; i < 4; i++) {
		intake(&wclerk, "Q-P26740-01", BODY3, d[i], due);
		assert_string_equal(due, "2027-03-10T17:00:00+07:00");
	}
	finish(d[0], "early");
	mc_http_login_as(&ward, srv.base, "chutich.p26740");
	assert_int_equal(dashboard(&ward, "", &j), 200);
	assert_string_equal(jstr(j, "day"), "2027-03-05");
	assert_int_equal(strncmp(jstr(j, "at"), "2027-03-05T10:", 14), 0);
	t = json_object_get(j, "today");
	assert_int_equal(jint(t, "received"), 4);
	assert_int_equal(jint(t, "received_counter"), 4);
	assert_int_equal(jint(t, "received_online"), 0);
	assert_int_equal(jint(t, "resolved"), 1);
	assert_int_equal(jint(t, "resolved_early"), 1);
	assert_rate(t, 1.0);
	t = json_object_get(j, "in_progress");
	assert_int_equal(jint(t, "total"), 3);
	assert_int_equal(jint(t, "within_deadline"), 3);
	assert_int_equal(jint(t, "past_deadline"), 0);
	assert_int_equal(json_array_size(json_object_get(j, "top_overdue")), 0);
	json_decref(j);
	/* the city sees the police's dossier too, on time still */
	mc_http_login_as(&city, srv.base, "lanhdao");
	assert_int_equal(dashboard(&city, "", &j), 200);
	assert_int_equal(jint(json_object_get(j, "today"), "received"), 4);
	assert_int_equal(jint(json_object_get(j, "month"), "received"), 5);
	assert_int_equal(jint(json_object_get(j, "in_progress"), "total"), 4);
	assert_int_equal(jint(json_object_get(j, "in_progress"), "past_deadline"), 0);
	json_decref(j);
	assert_int_equal(mc_test_server_stop(&srv), 0);

	/* the specialist asks for a paper of d[3]: waiting for the applicant,
	 * its clock stops, so it will not count as late */
	start(T_0308_0900);
	request_supplement(d[3]);
	assert_int_equal(mc_test_server_stop(&srv), 0);

	start(T_0311_0900);
	finish(d[1], "late");
	mc_http_login_as(&ward, srv.base, "chutich.p26740");
	assert_int_equal(dashboard(&ward, "", &j), 200);
	assert_string_equal(jstr(j, "day"), "2027-03-11");
	t = json_object_get(j, "today");
	assert_int_equal(jint(t, "received"), 0);
	assert_int_equal(jint(t, "resolved"), 1);
	assert_int_equal(jint(t, "resolved_late"), 1);
	assert_rate(t, 0.0);
	t = json_object_get(j, "month");
	assert_int_equal(jint(t, "received"), 4);
	assert_int_equal(jint(t, "resolved"), 2);
	assert_rate(t, 0.5);
	t = json_object_get(j, "in_progress");
	assert_int_equal(jint(t, "total"), 2);
	assert_int_equal(jint(t, "past_deadline"), 1); /* d[3] waits for papers */
	assert_int_equal(jint(t, "within_deadline"), 1);
	/* the ward leader sees only the ward */
	json_t *top = json_object_get(j, "top_overdue");
	assert_int_equal(json_array_size(top), 1);
	assert_string_equal(jstr(json_array_get(top, 0), "code"), WARD);
	assert_string_equal(jstr(json_array_get(top, 0), "name"), "UBND Phường Sài Gòn");
	assert_int_equal(jint(json_array_get(top, 0), "overdue"), 1);
	assert_int_equal(jint(json_array_get(top, 0), "in_progress"), 2);
	json_decref(j);
	/* the statistics page says the same of the ward */
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&ward, "/api/v1/stats?from=2027-03-01&to=2027-03-31", &r), 200);
	t = json_object_get(r.json, "in_progress");
	assert_int_equal(jint(t, "past_deadline"), 1);
	assert_int_equal(jint(t, "within_deadline"), 1);
	mc_http_res_free(&r);
	/* the city: the ward and the police, one overdue each (ties by code) */
	mc_http_login_as(&city, srv.base, "lanhdao");
	assert_int_equal(dashboard(&city, "", &j), 200);
	assert_int_equal(jint(json_object_get(j, "in_progress"), "total"), 3);
	assert_int_equal(jint(json_object_get(j, "in_progress"), "past_deadline"), 2);
	top = json_object_get(j, "top_overdue");
	assert_int_equal(json_array_size(top), 2);
	const char *first = jstr(json_array_get(top, 0), "code"), *second = jstr(json_array_get(top, 1), "code");
	assert_true(strcmp(first, second) < 0);
	assert_true((strcmp(first, WARD) == 0 && strcmp(second, POLICE) == 0) ||
		    (strcmp(first, POLICE) == 0 && strcmp(second, WARD) == 0));
	assert_int_equal(jint(json_array_get(top, 0), "overdue"), 1);
	assert_int_equal(jint(json_array_get(top, 1), "overdue"), 1);
	/* the month equals a recount from the dossiers themselves */
	assert_int_equal(mc_http_get(&city, "/api/v1/stats?from=2027-03-01&to=2027-03-31&recount=1", &r), 200);
	json_t *m = json_object_get(j, "month"), *rc = json_object_get(r.json, "total");
	const char *keys[] = {"received_online", "received_counter", "resolved_early", "resolved_on_time",
			      "resolved_late",   "received",         "resolved"};
	for (int k = 0; k < 7; k++)
		assert_int_equal(jint(m, keys[k]), jint(rc, keys[k]));
	assert_int_equal(jint(m, "received"), 5);
	mc_http_res_free(&r);
	json_decref(j);
	/* the city leader looking at the ward alone sees what its leader sees */
	char q[80];
	snprintf(q, sizeof(q), "?agency_id=%lld", (long long)agency_id(WARD));
	assert_int_equal(dashboard(&city, q, &j), 200);
	assert_int_equal(jint(json_object_get(j, "in_progress"), "past_deadline"), 1);
	assert_int_equal(json_array_size(json_object_get(j, "top_overdue")), 1);
	json_decref(j);
	assert_int_equal(mc_test_server_stop(&srv), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(who_may_read, stop_server),
		cmocka_unit_test_teardown(figures_and_jurisdiction, stop_server),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
