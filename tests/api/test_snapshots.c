/*
 * test_snapshots.c - the dashboard's hourly snapshots (issue 15), over one
 * database and servers started on chosen dates (MOTCUA_TEST_NOW):
 *   - `motcua snapshot --at` writes the hour once: a second run of the same
 *     hour writes nothing and changes nothing;
 *   - every body's subtree summed from the snapshot equals a recount with
 *     the live dashboard's functions (mc_dossier_dashboard,
 *     mc_document_figures) at the hour's end, for every stored metric;
 *   - GET /api/v1/dashboard/series: the ward leader sees the ward, the
 *     city leader the ward and its police summed, an agency outside the
 *     caller's subtree 403, a citizen and a clerk 403; the hour's increase
 *     of a day-so-far figure; the on-time rate of the sums; bad parameters
 *     422;
 *   - the daily report: made once for each body with leaders, queued for
 *     each leader, its PDF saying the day's figures; another body's 404.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "doctext.h"
#include "http.h"
#include "only.h"
#include "server.h"
#include "testdb.h"

#include "core/timeutil.h"
#include "core/testhooks.h"
#include "db/db.h"
#include "document/document.h"
#include "dossier/dossier.h"
#include "snapshot/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char db_url[512];
static struct mc_db *db;
static struct mc_test_server srv;

/* 1.003197 (5 working days), at the ward police's desk */
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

static char T_0301_0900[] = "MOTCUA_TEST_NOW=2027-03-01T09:00:00+07:00";
static char T_0305_1000[] = "MOTCUA_TEST_NOW=2027-03-05T10:00:00+07:00";
static char T_0311_0900[] = "MOTCUA_TEST_NOW=2027-03-11T09:00:00+07:00";

static const char *CITY = "000.00.00.H29";
static const char *WARD = "000.01.31.H29";
static const char *POLICE = "000.01.40.H29";

/* After every instant the tests take: an hour not yet ended is refused. */
#define CLI_NOW "2027-03-20T12:00:00+07:00"

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 2);
	/* this process's own calls of the library run on that clock too */
	int64_t later = 0;
	mc_time_parse(CLI_NOW, &later);
	mc_test_hooks.clock_offset_ms = later - mc_time_now_ms();
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

static void stop(void)
{
	assert_int_equal(mc_test_server_stop(&srv), 0);
}

static int64_t agency_id(const char *code)
{
	return mc_test_db_int(db, "SELECT id FROM agencies WHERE code = ?", code);
}

static int64_t count(const char *sql)
{
	return mc_test_db_int(db, sql, NULL);
}

static int64_t instant(const char *iso)
{
	int64_t t = 0;
	assert_int_equal(mc_time_parse(iso, &t), 0);
	return t;
}

/* `motcua snapshot ARGS`: what it printed.  Its clock is CLI_NOW. */
static void cli(const char *args, const char *want)
{
	char out[512];
	setenv("MOTCUA_TEST_NOW", CLI_NOW, 1);
	int st = mc_test_run_cli(db_url, args, out, sizeof(out));
	unsetenv("MOTCUA_TEST_NOW");
	if (st != 0 || !strstr(out, want))
		fail_msg("motcua snapshot %s: exit %d, printed '%s', wanted '%s'", args, st, out, want);
}

static void intake(struct mc_http_session *clerk, const char *counter, const char *body, char code[80])
{
	char path[100];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers",
		 (long long)mc_test_db_int(db, "SELECT id FROM counters WHERE code = ?", counter));
	if (mc_http_post(clerk, path, body, &r) != 201)
		fail_msg("intake at %s: %ld %s", counter, r.status, r.body);
	snprintf(code, 80, "%s", json_string_value(json_object_get(r.json, "code")));
	mc_http_res_free(&r);
}

/* The ward's specialist, then its chairman, forward the dossier to its result. */
static void finish(const char *code)
{
	const char *who[] = {"chuyenvien.p26740", "chutich.p26740"};
	for (int i = 0; i < 2; i++) {
		struct mc_http_session s;
		struct mc_http_res r;
		mc_http_login_as(&s, srv.base, who[i]);
		if (mc_http_act(&s, code, "forward", NULL, &r) != 200)
			fail_msg("forward %s as %s: %ld %s", code, who[i], r.status, r.body);
		mc_http_res_free(&r);
	}
}

static int64_t jpath(json_t *o, const char *part, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(json_object_get(o, part), key));
}

/* The live dashboard's answer for the figure of stored metric m over
 * body's subtree at now, read from the answers themselves (a metric this
 * test does not know: its own count). */
static int64_t recount(struct mc_conn *c, const struct mc_snapshot_metric *m, int64_t body, int64_t now)
{
	json_t *dash = NULL, *docs = NULL;
	int y, mo, d;
	char day[11];
	mc_vn_date(now, &y, &mo, &d);
	snprintf(day, sizeof(day), "%04d-%02d-%02d", y, mo, d);
	assert_int_equal(mc_dossier_dashboard(c, body, now, 5, &dash), 0);
	assert_int_equal(mc_document_figures(c, body, day, day, now, 5, &docs), 0);
	int64_t v = -1;
	if (strcmp(m->name, "received") == 0 || strcmp(m->name, "resolved") == 0)
		v = jpath(dash, "today", m->name);
	else if (strcmp(m->name, "resolved_in_time") == 0)
		v = jpath(dash, "today", "resolved_early") + jpath(dash, "today", "resolved_on_time");
	else if (strcmp(m->name, "overdue_dossiers") == 0)
		v = jpath(dash, "in_progress", "past_deadline");
	else if (strcmp(m->name, "overdue_directions") == 0)
		v = (int64_t)json_integer_value(json_object_get(docs, "overdue_directions"));
	else {
		struct mc_snapshot_eval x = {c, now, 0, NULL, NULL};
		assert_int_equal(m->count(&x, body, &v), 0);
		mc_snapshot_eval_clear(&x);
	}
	json_decref(dash);
	json_decref(docs);
	return v;
}

/* Every body's subtree, every stored metric: the snapshot's sum equals
 * the dashboard's functions called afresh at the hour's end. */
static void assert_equals_recount(int64_t at)
{
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	struct mc_stmt *s;
	assert_int_equal(mc_query(c, &s, "SELECT id FROM agencies WHERE internal = 0 ORDER BY id", ""), 0);
	int64_t ids[512];
	int n = 0;
	while (mc_step(s) == MC_DB_ROW && n < 512)
		ids[n++] = mc_col_int64(s, 0);
	mc_stmt_done(s);
	int nonzero = 0;
	for (int i = 0; i < n; i++)
		for (int k = 0; k < mc_snapshot_nmetrics; k++) {
			const struct mc_snapshot_metric *m = &mc_snapshot_metrics[k];
			if (!m->count)
				continue;
			int64_t sum = -1, want = recount(c, m, ids[i], at - 1);
			assert_int_equal(mc_query_int64(c, &sum,
							"SELECT COALESCE(SUM(s.value), 0) FROM agency_tree t JOIN"
							" dashboard_snapshots s ON s.agency_id = t.descendant_id"
							" WHERE t.ancestor_id = ? AND s.metric = ? AND s.at = ?",
							"iti", ids[i], m->name, at),
					 0);
			if (sum != want)
				fail_msg("agency %lld, %s at %lld: snapshot %lld, recount %lld", (long long)ids[i],
					 m->name, (long long)at, (long long)sum, (long long)want);
			nonzero += want != 0;
		}
	mc_db_release(c);
	assert_true(nonzero > 0);
}

/* The points of a series (freed by the caller), or NULL when not 200. */
static json_t *series(struct mc_http_session *s, const char *query, long want)
{
	char path[400];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/dashboard/series?%s", query);
	long st = mc_http_get(s, path, &r);
	if (st != want)
		fail_msg("GET %s: %ld, wanted %ld: %s", path, st, want, r.body);
	json_t *p = st == 200 ? json_incref(json_object_get(r.json, "points")) : NULL;
	mc_http_res_free(&r);
	return p;
}

static long point_int(json_t *points, size_t i, const char *key)
{
	return (long)json_integer_value(json_object_get(json_array_get(points, i), key));
}

#define AT_0305_1000 "2027-03-05T10:00:00+07:00"
#define AT_0305_1100 "2027-03-05T11:00:00+07:00"
#define AT_0306_0000 "2027-03-06T00:00:00+07:00"
#define AT_0311_0900 "2027-03-11T09:00:00+07:00"

/* Mon 1/3 the ward police take in a 5-day dossier (due Mon 8/3); the hour
 * ending 10:00 on Fri 5/3 is taken; then the ward takes in three 3-day
 * dossiers (due Wed 10/3) and finishes one; the hours ending 11:00 (asked
 * as 11:30), midnight and Thu 11/3 09:00 are taken; each equals a
 * recount, and a second run of an hour writes nothing. */
static void snapshot_equals_recount_once(void **state)
{
	(void)state;
	struct mc_http_session clerk;
	char code[4][80];
	start(T_0301_0900);
	mc_http_login_as(&clerk, srv.base, "clerk.ca.p26740");
	intake(&clerk, "Q-CA-26740-01", BODY5, code[3]);
	stop();
	cli("snapshot --at " AT_0305_1000, "hour ending " AT_0305_1000);
	start(T_0305_1000);
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	for (int i = 0; i < 3; i++)
		intake(&clerk, "Q-P26740-01", BODY3, code[i]);
	finish(code[0]);
	stop();
	cli("snapshot --at 2027-03-05T11:30:00+07:00", "hour ending " AT_0305_1100);
	assert_equals_recount(instant(AT_0305_1100));
	int64_t rows = count("SELECT COUNT(*) FROM dashboard_snapshots"),
		sum = count("SELECT SUM(value) FROM dashboard_snapshots");
	assert_true(rows > 0);
	/* the same hour again: nothing written, nothing changed */
	cli("snapshot --at " AT_0305_1100, ": 0 rows");
	assert_int_equal(count("SELECT COUNT(*) FROM dashboard_snapshots"), rows);
	assert_int_equal(count("SELECT SUM(value) FROM dashboard_snapshots"), sum);
	assert_int_equal(count("SELECT COUNT(*) FROM snapshot_hours"), 2);
	/* in the library too: the hour is claimed */
	struct mc_conn *c;
	int64_t n = -1;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_snapshot_take(c, instant(AT_0305_1100), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(mc_snapshot_take(c, instant(AT_0305_1100) + 1, &n), MC_E_INVAL);
	/* an hour not yet ended: refused, its claim would keep out the real one */
	assert_int_equal(mc_snapshot_take(c, instant("2027-03-20T13:00:00+07:00"), &n), MC_E_INVAL);
	assert_int_equal(count("SELECT COUNT(*) FROM snapshot_hours"), 2);
	mc_db_release(c);
	cli("snapshot --at " AT_0306_0000, "rows");
	assert_equals_recount(instant(AT_0306_0000));
	cli("snapshot --at " AT_0311_0900, "rows");
	assert_equals_recount(instant(AT_0311_0900));
	assert_int_equal(count("SELECT COUNT(*) FROM snapshot_hours"), 4);
}

/* Who reads which series, summed over which subtree. */
static void series_jurisdiction(void **state)
{
	(void)state;
	start(T_0311_0900);
	struct mc_http_session anon, cit, clerk, ward, city, dept;
	const char *q = "metric=overdue_dossiers&from=2027-03-11T09:00:00%2B07:00&to=2027-03-11T09:00:00%2B07:00";
	char qa[300];
	mc_http_session_init(&anon, srv.base);
	series(&anon, q, 401);
	mc_http_login_as(&cit, srv.base, "079203001234");
	series(&cit, q, 403);
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	series(&clerk, q, 403);
	/* the ward's leader: the ward's two dossiers past 10/3 */
	mc_http_login_as(&ward, srv.base, "chutich.p26740");
	json_t *p = series(&ward, q, 200);
	assert_int_equal(json_array_size(p), 1);
	assert_int_equal(point_int(p, 0, "value"), 2);
	json_decref(p);
	snprintf(qa, sizeof(qa), "%s&agency_id=%lld", q, (long long)agency_id(POLICE));
	series(&ward, qa, 403);
	snprintf(qa, sizeof(qa), "%s&agency_id=%lld", q, (long long)agency_id(CITY));
	series(&ward, qa, 403);
	/* the city's leader: the ward's and its police's, summed */
	mc_http_login_as(&city, srv.base, "lanhdao");
	p = series(&city, q, 200);
	assert_int_equal(point_int(p, 0, "value"), 3);
	json_decref(p);
	snprintf(qa, sizeof(qa), "%s&agency_id=%lld", q, (long long)agency_id(POLICE));
	p = series(&city, qa, 200);
	assert_int_equal(point_int(p, 0, "value"), 1);
	json_decref(p);
	snprintf(qa, sizeof(qa), "%s&agency_id=%lld", q, (long long)agency_id(WARD));
	p = series(&city, qa, 200);
	assert_int_equal(point_int(p, 0, "value"), 2);
	json_decref(p);
	/* a department's director: none of it */
	mc_http_login_as(&dept, srv.base, "giamdoc.stp");
	p = series(&dept, q, 200);
	assert_int_equal(json_array_size(p), 1);
	assert_int_equal(point_int(p, 0, "value"), 0);
	json_decref(p);
	stop();
}

/* The hours of 5/3: received 0 then 3 (3 in the hour); the day's on-time
 * rate; the daily step keeps the hour ending the day. */
static void series_points(void **state)
{
	(void)state;
	start(T_0311_0900);
	struct mc_http_session ward;
	mc_http_login_as(&ward, srv.base, "chutich.p26740");
	json_t *p =
		series(&ward, "metric=received&from=2027-03-05T10:00:00%2B07:00&to=2027-03-05T11:00:00%2B07:00", 200);
	assert_int_equal(json_array_size(p), 2);
	assert_int_equal(point_int(p, 0, "value"), 0);
	assert_int_equal(point_int(p, 1, "value"), 3);
	assert_int_equal(point_int(p, 1, "hour"), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(p, 1), "at")), AT_0305_1100);
	json_decref(p);
	p = series(&ward,
		   "metric=on_time_rate&step=day&from=2027-03-05T00:00:00%2B07:00&to=2027-03-07T00:00:00%2B07:00", 200);
	assert_int_equal(json_array_size(p), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(p, 0), "day")), "2027-03-05");
	assert_true(json_real_value(json_object_get(json_array_get(p, 0), "value")) > 0.999);
	json_decref(p);
	/* the week to now: the hours taken in it */
	p = series(&ward, "metric=overdue_dossiers&view=week", 200);
	assert_int_equal(json_array_size(p), 4);
	assert_int_equal(point_int(p, 3, "value"), 2);
	json_decref(p);
	const char *bad[] = {"",
			     "metric=nope",
			     "metric=received&from=yesterday",
			     "metric=received&view=month",
			     "metric=received&step=minute",
			     "metric=received&agency_id=abc",
			     "metric=received&from=2027-03-06T00:00:00%2B07:00&to=2027-03-05T00:00:00%2B07:00",
			     "metric=received&from=2027-01-01T00:00:00%2B07:00&to=2027-03-05T00:00:00%2B07:00"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		series(&ward, bad[i], 422);
	stop();
}

/* GET a report's PDF as s: the status; its text in *text when 200. */
static long report_pdf(struct mc_http_session *s, int64_t id, char **text)
{
	char path[80];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/dashboard/reports/%lld", (long long)id);
	long st = mc_http_get(s, path, &r);
	if (text)
		*text = st == 200 ? mc_test_pdf_text(&r) : NULL;
	mc_http_res_free(&r);
	return st;
}

/* The reports of 5/3: one for each body with an active leader, once; the
 * ward's queued for each of its leaders, its PDF with the day's figures. */
static void daily_report_once(void **state)
{
	(void)state;
	int64_t bodies = count("SELECT COUNT(*) FROM agencies a WHERE a.internal = 0 AND EXISTS (SELECT 1 FROM users u"
			       " JOIN user_roles r ON r.user_id = u.id AND r.role_code = 'leader'"
			       " WHERE u.agency_id = a.id AND u.status = 'active')");
	char want[80];
	snprintf(want, sizeof(want), "made %lld daily reports of 2027-03-05", (long long)bodies);
	assert_true(bodies > 2);
	cli("snapshot --report 2027-03-05", want);
	cli("snapshot --report 2027-03-05", "made 0 daily reports");
	assert_int_equal(count("SELECT COUNT(*) FROM snapshot_reports"), bodies);
	char sql[300];
	snprintf(sql, sizeof(sql), "SELECT id FROM snapshot_reports WHERE day = '2027-03-05' AND agency_id = %lld",
		 (long long)agency_id(WARD));
	int64_t ward_report = count(sql);
	snprintf(sql, sizeof(sql), "SELECT id FROM snapshot_reports WHERE agency_id = %lld",
		 (long long)agency_id(CITY));
	int64_t city_report = count(sql);
	/* queued once for each of the ward's leaders */
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM outbox WHERE event = 'daily_report' AND topic = 'snapshot_reports' AND topic_id "
		 "= %lld",
		 (long long)ward_report);
	int64_t queued = count(sql);
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role_code = 'leader'"
		 " WHERE u.agency_id = %lld AND u.status = 'active'",
		 (long long)agency_id(WARD));
	assert_int_equal(queued, count(sql));
	assert_true(queued >= 1);
	start(T_0311_0900);
	struct mc_http_session ward, city;
	mc_http_login_as(&ward, srv.base, "chutich.p26740");
	char *text = NULL;
	assert_int_equal(report_pdf(&ward, ward_report, &text), 200);
	mc_test_expect_text(text, "UBND PHƯỜNG SÀI GÒN");
	mc_test_expect_text(text, "Ngày 05/03/2027");
	mc_test_expect_text(text, "Hồ sơ tiếp nhận 3");
	mc_test_expect_text(text, "Hồ sơ giải quyết 1");
	mc_test_expect_text(text, "Tỷ lệ đúng hạn 100.0%");
	mc_test_expect_text(text, "Hồ sơ quá hạn 0");
	mc_test_expect_text(text, "05/03/2027 3 1 100.0% 0 0");
	free(text);
	/* the ward's leader lists the ward's, not the city's; cannot open it */
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&ward, "/api/v1/dashboard/reports", &r), 200);
	json_t *items = json_object_get(r.json, "items"), *it;
	size_t i;
	int seen = 0;
	json_array_foreach(items, i, it) {
		assert_int_not_equal(json_integer_value(json_object_get(it, "id")), city_report);
		seen += json_integer_value(json_object_get(it, "id")) == ward_report;
	}
	assert_int_equal(seen, 1);
	mc_http_res_free(&r);
	assert_int_equal(report_pdf(&ward, city_report, NULL), 404);
	assert_int_equal(report_pdf(&ward, 999999, NULL), 404);
	mc_http_login_as(&city, srv.base, "lanhdao");
	assert_int_equal(report_pdf(&city, ward_report, NULL), 200);
	stop();
}

/* Two servers on the database, their clocks just before 08:00 on Fri
 * 12/3 with their hourly work on: at 08:00 the hour is taken once, and the
 * reports of 11/3 made once - each leader's outbox row once. */
static void two_servers_one_hour(void **state)
{
	(void)state;
	static char early[] = "MOTCUA_TEST_NOW=2027-03-12T07:59:50+07:00";
	static char on[] = "MOTCUA_SNAPSHOTS=1";
	const char *env[] = {early, on, NULL};
	struct mc_test_server other = {0};
	mc_test_server_start(&srv, db_url, env);
	mc_test_server_start(&other, db_url, env);
	const char *hour_sql = "SELECT COUNT(*) FROM snapshot_hours WHERE at = ?";
	char at[32];
	snprintf(at, sizeof(at), "%lld", (long long)instant("2027-03-12T08:00:00+07:00"));
	int64_t bodies = count("SELECT COUNT(*) FROM snapshot_reports WHERE day = '2027-03-05'");
	int done = 0;
	for (int i = 0; i < 600 && !done; i++) {
		done = mc_test_db_int(db, hour_sql, at) == 1 &&
		       count("SELECT COUNT(*) FROM snapshot_reports WHERE day = '2027-03-11'") == bodies;
		if (!done)
			usleep(100000);
	}
	assert_true(done);
	sleep(2); /* the slower server has done its round too */
	assert_int_equal(mc_test_server_stop(&other), 0);
	stop();
	assert_int_equal(count("SELECT COUNT(*) FROM snapshot_reports WHERE day = '2027-03-11'"), bodies);
	int64_t leaders =
		count("SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role_code ="
		      " 'leader' JOIN agencies a ON a.id = u.agency_id AND a.internal = 0 WHERE u.status = 'active'");
	assert_int_equal(count("SELECT COUNT(*) FROM outbox o JOIN snapshot_reports p ON o.topic = 'snapshot_reports' "
			       "AND p.id = o.topic_id"
			       " WHERE p.day = '2027-03-11'"),
			 leaders);
	assert_int_equal(mc_test_db_int(db, "SELECT rows FROM snapshot_hours WHERE at = ?", at),
			 mc_test_db_int(db, "SELECT COUNT(*) FROM dashboard_snapshots WHERE at = ?", at));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snapshot_equals_recount_once),
		cmocka_unit_test(series_jurisdiction),
		cmocka_unit_test(series_points),
		cmocka_unit_test(daily_report_once),
		cmocka_unit_test(two_servers_one_hour),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
