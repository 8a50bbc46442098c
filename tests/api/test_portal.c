/*
 * test_portal.c - dossiers synchronised with the national public-service
 * portal (issue 17), sent to its local stand-in (scripts/portal-standin.py)
 * by `motcua portal --drain` and by the server's own worker:
 *   - a dossier received at a counter, handled, its result returned: the
 *     portal gets each status in order (2, 4, 9, 10) with the mapped fields
 *     (code, national procedure code, agency code, dates yyyyMMddHHmmss in
 *     Vietnam's time, isUpdating after the first); looks and assignments
 *     queue nothing; all recorded accepted with the portal's answer;
 *     nothing sent twice;
 *   - a refusal: failed with the portal's message, listed in the report,
 *     the dossier's later change held back behind it; retried by an
 *     operator (audited, 409 when not failed), then both accepted in order;
 *   - an outage (HTTP 503, then a connection closed, then a bad token):
 *     put off 30 s, then 60 s... (the test clock), accepted once the portal
 *     is back; a row cut off while sending (past the lease) sent again;
 *   - the report is not for a citizen or a clerk (403);
 *   - the server's own worker sends without any command.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "only.h"
#include "server.h"
#include "shell.h"
#include "testdb.h"

#include "core/timeutil.h"
#include "db/db.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char db_url[512];
static struct mc_db *db;
static struct mc_test_server srv;
static char dir[256];
static pid_t standin;
static char portal[80];

#define TOKEN "portal-test-token"

static void standin_start(void)
{
	int port = mc_test_free_port();
	char p[8], script[600];
	snprintf(p, sizeof(p), "%d", port);
	snprintf(script, sizeof(script), "%s/scripts/portal-standin.py", mc_test_share());
	const char *argv[] = {script, p, TOKEN, NULL};
	standin = mc_test_python_start(dir, argv);
	snprintf(portal, sizeof(portal), "http://127.0.0.1:%d", port);
	char url[120];
	snprintf(url, sizeof(url), "%s/dongbo", portal);
	setenv("MOTCUA_PORTAL_URL", url, 1);
	setenv("MOTCUA_PORTAL_TOKEN", TOKEN, 1);
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(mc_test_scratch(dir, sizeof(dir), "portal"), 0);
	standin_start();
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 2);
	/* the server queues; the tests send with `motcua portal` */
	const char *env[] = {"MOTCUA_PORTAL=0", "MOTCUA_NOTIFY=0", NULL};
	mc_test_server_start(&srv, db_url, env);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, db);
	kill(standin, SIGTERM);
	waitpid(standin, NULL, 0);
	mc_test_scratch_rm(dir);
	return 0;
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int64_t sql_int(const char *sql, const char *arg)
{
	return mc_test_db_int(db, sql, arg);
}

/* `motcua portal --drain`, the test clock at now + ahead_s when ahead_s is
 * not 0, another token when token is not NULL; its exit status. */
static int drain(int ahead_s, const char *token)
{
	char out[512], t[40];
	if (ahead_s) {
		mc_time_format_vn(mc_time_now_ms() + (int64_t)ahead_s * 1000, t, sizeof(t));
		setenv("MOTCUA_TEST_NOW", t, 1);
	}
	if (token)
		setenv("MOTCUA_PORTAL_TOKEN", token, 1);
	int st = mc_test_run_cli(db_url, "portal --drain", out, sizeof(out));
	unsetenv("MOTCUA_TEST_NOW");
	setenv("MOTCUA_PORTAL_TOKEN", TOKEN, 1);
	return st;
}

/* A GET or POST to the stand-in; its answer parsed (NULL for a 404). */
static json_t *standin_call(const char *method, const char *path, const char *body)
{
	char url[200];
	snprintf(url, sizeof(url), "%s%s", portal, path);
	struct mc_http_res r;
	assert_int_equal(mc_http_raw(method, url, body, NULL, &r), 0);
	json_t *j = r.status == 200 ? json_incref(r.json) : NULL;
	mc_http_res_free(&r);
	return j;
}

static void control(const char *body)
{
	json_decref(standin_call("POST", "/control", body));
}

/* What the stand-in accepted for code (NULL: nothing). */
static json_t *accepted(const char *code)
{
	char path[120];
	snprintf(path, sizeof(path), "/dossiers/%s", code);
	return standin_call("GET", path, NULL);
}

static int64_t requests(void)
{
	json_t *d = standin_call("GET", "/dump", NULL);
	int64_t n = json_integer_value(json_object_get(d, "requests"));
	json_decref(d);
	return n;
}

/* A dossier received at the ward's counter; its code into code. */
static void intake(const char *name, char code[80])
{
	struct mc_http_session clerk;
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	char path[100], body[1200];
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers",
		 (long long)sql_int("SELECT id FROM counters WHERE code = ?", "Q-P26740-01"));
	snprintf(body, sizeof(body),
		 "{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"%s\",\"id_number\":"
		 "\"079185176822\",\"birth_date\":\"1985-11-02\",\"residence_unit\":\"26740\",\"marital_status\":"
		 "\"single\",\"purpose\":\"Kết hôn\"},\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],\"applicant\":{"
		 "\"full_name\":\"%s\",\"id_number\":\"079185176822\",\"phone\":\"0912345678\",\"email\":"
		 "\"hong.le@example.vn\",\"address\":\"12 Lê Lợi\",\"ward_code\":\"26740\"}}",
		 name, name);
	struct mc_http_res r;
	if (mc_http_post(&clerk, path, body, &r) != 201)
		fail_msg("intake: %ld %s", r.status, r.body);
	snprintf(code, 80, "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
}

static void act(const char *user, const char *code, const char *action, const char *body)
{
	struct mc_http_session s;
	mc_http_login_as(&s, srv.base, user);
	struct mc_http_res r;
	if (mc_http_act(&s, code, action, body, &r) != 200)
		fail_msg("%s %s: %ld %s", user, action, r.status, r.body);
	mc_http_res_free(&r);
}

/* ms written as the portal writes times: yyyyMMddHHmmss at UTC+7. */
static void portal_time(int64_t ms, char out[15])
{
	int y, m, d;
	int64_t s = ms / 1000 + 7 * 3600;
	mc_civil_from_days(s / 86400, &y, &m, &d);
	int sec = (int)(s % 86400);
	char t[64];
	snprintf(t, sizeof(t), "%04d%02d%02d%02d%02d%02d", y, m, d, sec / 3600, sec / 60 % 60, sec % 60);
	snprintf(out, 15, "%.14s", t);
}

static int64_t rows_in(const char *code, const char *state)
{
	char sql[300];
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM portal_sync p JOIN dossiers d ON d.id = p.dossier_id WHERE d.code = ? AND"
		 " p.state = '%s'",
		 state);
	return sql_int(sql, code);
}

static void in_order(void **state)
{
	(void)state;
	char code[80];
	intake("Lê Thị Hồng", code);
	/* a look by an official and an assignment queue nothing */
	struct mc_http_session spec;
	mc_http_login_as(&spec, srv.base, "chuyenvien.p26740");
	struct mc_http_res r;
	char path[120];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	assert_int_equal(mc_http_get(&spec, path, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(rows_in(code, "pending"), 1);
	act("chuyenvien.p26740", code, "forward", "{\"note\":\"Hợp lệ\"}");
	act("chutich.p26740", code, "forward", NULL);
	act("tiepnhan.p26740", code, "return", NULL);
	assert_int_equal(rows_in(code, "pending"), 4);
	assert_int_equal(drain(0, NULL), 0);
	assert_int_equal(rows_in(code, "accepted"), 4);
	json_t *got = accepted(code);
	assert_non_null(got);
	assert_int_equal(json_array_size(got), 4);
	static const char *const want[] = {"2", "4", "9", "10"};
	for (size_t i = 0; i < 4; i++) {
		json_t *it = json_array_get(got, i);
		assert_string_equal(jstr(it, "TrangThaiHoSo"), want[i]);
		assert_string_equal(jstr(it, "MaHoSo"), code);
		assert_string_equal(jstr(it, "MaTTHC"), "1.004873");
		assert_string_equal(jstr(it, "KenhThucHien"), "1");
		assert_string_equal(jstr(it, "ChuHoSo"), "Lê Thị Hồng");
		assert_string_equal(jstr(it, "MaDoiTuong"), "079185176822");
		/* what the portal does not need stays here */
		char *text = json_dumps(it, JSON_COMPACT);
		assert_null(strstr(text, "Lê Lợi"));
		assert_null(strstr(text, "1985"));
		free(text);
	}
	json_t *last = json_array_get(got, 3);
	/* the agency: the competent agency's national code */
	char agency[40], q[240];
	snprintf(agency, sizeof(agency), "%s", jstr(last, "MaDonVi"));
	assert_int_equal(strlen(agency), 13);
	assert_int_equal(strspn(agency, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ."), 13);
	snprintf(q, sizeof(q),
		 "SELECT COUNT(*) FROM agencies a JOIN dossiers d ON d.competent_agency_id = a.id WHERE a.code = '%s'"
		 " AND d.code = ?",
		 agency);
	assert_int_equal(sql_int(q, code), 1);
	/* dates: yyyyMMddHHmmss in Vietnam's time */
	char t[15];
	portal_time(sql_int("SELECT received_at FROM dossiers WHERE code = ?", code), t);
	assert_string_equal(jstr(last, "NgayTiepNhan"), t);
	portal_time(sql_int("SELECT returned_at FROM dossiers WHERE code = ?", code), t);
	assert_string_equal(jstr(last, "NgayTra"), t);
	portal_time(sql_int("SELECT submitted_at FROM dossiers WHERE code = ?", code), t);
	assert_string_equal(jstr(last, "NgayNopHoSo"), t);
	assert_int_equal(strlen(jstr(last, "NgayHenTra")), 14);
	assert_string_equal(jstr(json_array_get(got, 0), "NgayTra"), "");
	json_decref(got);
	/* the first was new to the portal, the later ones updates */
	assert_int_equal(sql_int("SELECT COUNT(*) FROM portal_sync p JOIN dossiers d ON d.id = p.dossier_id WHERE"
				 " d.code = ? AND p.payload LIKE '%\"isUpdating\":true%'",
				 code),
			 3);
	/* the portal's answer kept */
	assert_int_equal(sql_int("SELECT COUNT(*) FROM portal_sync p JOIN dossiers d ON d.id = p.dossier_id WHERE"
				 " d.code = ? AND p.answer LIKE '%\"error_code\": \"0\"%'",
				 code),
			 4);
	/* nothing sent twice */
	int64_t before = requests();
	assert_int_equal(drain(0, NULL), 0);
	assert_int_equal(drain(3600, NULL), 0);
	assert_int_equal(requests(), before);
}

static int64_t row_of(const char *code, int nth)
{
	char sql[200];
	snprintf(sql, sizeof(sql),
		 "SELECT p.id FROM portal_sync p JOIN dossiers d ON d.id = p.dossier_id WHERE d.code = ? ORDER BY p.id"
		 " LIMIT 1 OFFSET %d",
		 nth);
	return sql_int(sql, code);
}

static void refusal(void **state)
{
	(void)state;
	char code[80], body[300];
	intake("Trần Văn Bình", code);
	snprintf(body, sizeof(body), "{\"refuse_codes\":[\"%s\"],\"message\":\"Thủ tục chưa được công bố trên Cổng\"}",
		 code);
	control(body);
	assert_int_equal(drain(0, NULL), 0);
	assert_int_equal(rows_in(code, "failed"), 1);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM portal_sync p JOIN dossiers d ON d.id = p.dossier_id WHERE"
				 " d.code = ? AND p.last_error LIKE '%Thủ tục chưa được công bố trên Cổng%'",
				 code),
			 1);
	/* its later change waits behind it */
	act("chuyenvien.p26740", code, "forward", "{\"note\":\"Hợp lệ\"}");
	control("{\"refuse_codes\":[]}");
	assert_int_equal(drain(0, NULL), 0);
	assert_null(accepted(code));
	assert_int_equal(rows_in(code, "pending"), 1);
	/* in the operator's report, with the dossier's code and the reason */
	struct mc_http_session admin;
	mc_http_login_as(&admin, srv.base, "admin");
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&admin, "/api/v1/portal/sync?state=failed", &r), 200);
	json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(jstr(first, "dossier_code"), code);
	assert_non_null(strstr(jstr(first, "last_error"), "chưa được công bố"));
	assert_int_equal(json_integer_value(json_object_get(first, "portal_status")), 2);
	int64_t id = json_integer_value(json_object_get(first, "id"));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&admin, "/api/v1/portal/sync?state=nonsense", &r), 422);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&admin, "/api/v1/portal/summary", &r), 200);
	assert_true(json_integer_value(json_object_get(json_object_get(r.json, "counts"), "failed")) >= 1);
	mc_http_res_free(&r);
	/* retried once the cause is fixed: then both, in order */
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/portal/sync/%lld/retry", (long long)id);
	assert_int_equal(mc_http_post(&admin, path, "{}", &r), 204);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&admin, path, "{}", &r), 409);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&admin, "/api/v1/portal/sync/999999999/retry", "{}", &r), 404);
	mc_http_res_free(&r);
	char oid[24];
	snprintf(oid, sizeof(oid), "%lld", (long long)id);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM audit_log WHERE action = 'portal.retry' AND object_id = ?", oid),
			 1);
	assert_int_equal(drain(0, NULL), 0);
	json_t *got = accepted(code);
	assert_int_equal(json_array_size(got), 2);
	assert_string_equal(jstr(json_array_get(got, 0), "TrangThaiHoSo"), "2");
	assert_string_equal(jstr(json_array_get(got, 1), "TrangThaiHoSo"), "4");
	json_decref(got);
	assert_int_equal(rows_in(code, "accepted"), 2);
}

static void outage(void **state)
{
	(void)state;
	char code[80], id[24];
	intake("Phạm Thị Cúc", code);
	snprintf(id, sizeof(id), "%lld", (long long)row_of(code, 0));
	control("{\"outage\":1,\"close\":1}");
	/* 503: put off 30 s */
	assert_int_equal(drain(0, NULL), 0);
	assert_int_equal(
		sql_int("SELECT attempts FROM portal_sync WHERE id = CAST(? AS INTEGER) AND state = 'pending'", id), 1);
	assert_int_equal(
		sql_int("SELECT (next_at - sending_at) / 1000 FROM portal_sync WHERE id = CAST(? AS INTEGER)", id), 30);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM portal_sync WHERE id = CAST(? AS INTEGER) AND last_error LIKE"
				 " '%503%'",
				 id),
			 1);
	int64_t before = requests();
	assert_int_equal(drain(0, NULL), 0); /* not due yet */
	assert_int_equal(requests(), before);
	/* the connection closed without an answer: put off 60 s */
	assert_int_equal(drain(31, NULL), 0);
	assert_int_equal(
		sql_int("SELECT attempts FROM portal_sync WHERE id = CAST(? AS INTEGER) AND state = 'pending'", id), 2);
	assert_int_equal(
		sql_int("SELECT (next_at - sending_at) / 1000 FROM portal_sync WHERE id = CAST(? AS INTEGER)", id), 60);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM portal_sync WHERE id = CAST(? AS INTEGER) AND last_error LIKE"
				 " 'no answer%'",
				 id),
			 1);
	/* this server's token wrong: put off too, not failed */
	assert_int_equal(drain(100, "not-the-token"), 0);
	assert_int_equal(sql_int("SELECT attempts FROM portal_sync WHERE id = CAST(? AS INTEGER) AND state = 'pending'"
				 " AND last_error = 'HTTP 401'",
				 id),
			 3);
	assert_null(accepted(code));
	/* back: accepted */
	assert_int_equal(drain(400, NULL), 0);
	assert_int_equal(rows_in(code, "accepted"), 1);
	json_t *got = accepted(code);
	assert_int_equal(json_array_size(got), 1);
	json_decref(got);
	/* cut off while sending, past the lease: sent again (an update by
	 * MaHoSo: the portal keeps one dossier) */
	act("chuyenvien.p26740", code, "forward", "{\"note\":\"Hợp lệ\"}");
	snprintf(id, sizeof(id), "%lld", (long long)row_of(code, 1));
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_tx_begin(c, 1), 0);
	assert_int_equal(mc_exec(c,
				 "UPDATE portal_sync SET state = 'sending', attempts = 1, sending_at = ? WHERE id ="
				 " CAST(? AS INTEGER)",
				 "it", mc_time_now_ms() - 6 * 60 * 1000, id),
			 1);
	assert_int_equal(mc_tx_commit(c), 0);
	mc_db_release(c);
	assert_int_equal(drain(0, NULL), 0);
	assert_int_equal(rows_in(code, "accepted"), 2);
	got = accepted(code);
	assert_int_equal(json_array_size(got), 2);
	assert_string_equal(jstr(json_array_get(got, 1), "TrangThaiHoSo"), "4");
	json_decref(got);
}

/* An outage that lasts: put off with pauses up to an hour, then failed
 * after 10 tries, saying so. */
static void out_of_tries(void **state)
{
	(void)state;
	char code[80], id[24];
	intake("Đặng Văn Em", code);
	snprintf(id, sizeof(id), "%lld", (long long)row_of(code, 0));
	control("{\"outage\":100}");
	for (int i = 0; i < 10; i++) /* an hour and a bit each time: the test clock is set to the second */
		assert_int_equal(drain(i * 3605, NULL), 0);
	control("{\"outage\":0}");
	assert_int_equal(
		sql_int("SELECT attempts FROM portal_sync WHERE id = CAST(? AS INTEGER) AND state = 'failed'", id), 10);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM portal_sync WHERE id = CAST(? AS INTEGER) AND last_error ="
				 " 'HTTP 503 (given up after 10 tries)'",
				 id),
			 1);
	assert_null(accepted(code));
}

/* The report is for the operators only. */
static void not_for_citizens(void **state)
{
	(void)state;
	struct mc_http_session cit, clerk;
	mc_http_login_as(&cit, srv.base, "079203001234");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&cit, "/api/v1/portal/sync", &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&cit, "/api/v1/portal/summary", &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&clerk, "/api/v1/portal/sync?state=failed", &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&clerk, "/api/v1/portal/sync/1/retry", "{}", &r), 403);
	mc_http_res_free(&r);
	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	assert_int_equal(mc_http_get(&anon, "/api/v1/portal/summary", &r), 401);
	mc_http_res_free(&r);
}

/* The server's own worker, every 100 ms. */
static void server_worker(void **state)
{
	(void)state;
	struct mc_test_server own;
	const char *env[] = {"MOTCUA_PORTAL=1", "MOTCUA_PORTAL_INTERVAL_MS=100", "MOTCUA_NOTIFY=0", NULL};
	mc_test_server_start(&own, db_url, env);
	struct mc_test_server keep = srv;
	srv = own;
	char code[80];
	intake("Võ Minh Đức", code);
	json_t *got = NULL;
	for (int i = 0; i < 100 && !(got = accepted(code)); i++)
		usleep(100000);
	srv = keep;
	assert_non_null(got);
	json_decref(got);
	assert_int_equal(mc_test_server_stop(&own), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_order),     cmocka_unit_test(refusal),          cmocka_unit_test(outage),
		cmocka_unit_test(out_of_tries), cmocka_unit_test(not_for_citizens), cmocka_unit_test(server_worker),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
