/*
 * test_external.c - an agency handled by its own system (issue 17): the
 * Sai Gon ward police made external (`motcua exchange external`), its
 * system played by tests/exchange/handoff_sink.py.  A dossier filed
 * online for the police (1.003197) is handed over by `motcua exchange
 * deliver`: the package POSTed with the bearer token, its code, procedure,
 * agency, form and the links to answer; delivered once, never again.  The
 * system, signed in with an account of the police, acknowledges (the
 * dossier received, the same answer twice), gives the result (the
 * dossier's steps taken, the applicant told) and refuses another; an
 * official of an agency handled in motcua may not use that API.  An
 * outage (503) is tried again after its pause (test clock), a refusal
 * (400) fails for good, is listed for the operator and tried again on
 * their word (204, then 409); a refused dossier takes no result (409).
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

#include "db/db.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOKEN  "police-system-token-5b1e"
#define POLICE "000.01.40.H29"
#define PUBLIC "https://dichvucong.example.vn"

static struct mc_test_server srv;
static char db_url[512], dir[64], sink_url[64], sink_log[128];
static struct mc_db *db;
static pid_t sink;
static struct mc_http_session cit, sys, clerk, admin;

static char NOW[] = "MOTCUA_TEST_NOW=2027-03-02T09:00:00+07:00"; /* a Tuesday */

/* 1.003197 (removal of permanent residence): the commune police's */
static const char *BODY = "{\"procedure_code\":\"1.003197\",\"form\":{\"subject_full_name\":\"Nguyễn Văn "
			  "Bình\",\"subject_id_number\":\"079185176822\",\"reason\":\"abroad\",\"residence_unit\":"
			  "\"26740\"}}";

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t sql_int(const char *sql, const char *arg)
{
	return mc_test_db_int(db, sql, arg);
}

static void sink_start(void)
{
	int port = mc_test_free_port();
	char p[8], script[600];
	snprintf(sink_log, sizeof(sink_log), "%s/handoffs.jsonl", dir);
	snprintf(p, sizeof(p), "%d", port);
	snprintf(sink_url, sizeof(sink_url), "http://127.0.0.1:%d", port);
	snprintf(script, sizeof(script), "%s/tests/exchange/handoff_sink.py", mc_test_share());
	const char *argv[] = {script, p, sink_log, NULL};
	sink = mc_test_python_start(dir, argv);
}

/* `motcua ARGS`, asserting it exits 0; its output in out. */
static void cli(const char *args, char *out, size_t n)
{
	int st = mc_test_run_cli(db_url, args, out, n);
	if (st != 0)
		fail_msg("motcua %s: exit %d: %s", args, st, out);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(mc_test_scratch(dir, sizeof(dir), "external"), 0);
	sink_start();
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 2);
	/* the server's courier waits ten minutes: the tests deliver with the
	 * command, at the times they choose */
	const char *env[] = {NOW, "MOTCUA_EXCHANGE_INTERVAL_MS=600000", "MOTCUA_PUBLIC_URL=" PUBLIC, NULL};
	mc_test_server_start(&srv, db_url, env);
	setenv("MOTCUA_PUBLIC_URL", PUBLIC, 1); /* the command's links too */
	/* the police's system: an account of the police holding its steps' roles */
	char pw[128], tok[128], args[512], out[512];
	snprintf(pw, sizeof(pw), "%s/pw", dir);
	snprintf(tok, sizeof(tok), "%s/token", dir);
	write_file(pw, MC_HTTP_DEMO_PASSWORD "\n");
	write_file(tok, TOKEN "\n");
	snprintf(args, sizeof(args),
		 "user add --username hethong.ca26740 --name 'Hệ thống cư trú' --agency " POLICE
		 " --role clerk,specialist,leader --password-stdin < '%s'",
		 pw);
	cli(args, out, sizeof(out));
	snprintf(args, sizeof(args), "exchange external --agency " POLICE " --url %s/in --token-file '%s'", sink_url,
		 tok);
	cli(args, out, sizeof(out));
	assert_non_null(strstr(out, "external"));
	mc_http_login_as(&cit, srv.base, "079203001234");
	mc_http_login_as(&sys, srv.base, "hethong.ca26740");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&admin, srv.base, "admin");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, db);
	kill(sink, SIGTERM);
	waitpid(sink, NULL, 0);
	mc_test_scratch_rm(dir);
	return 0;
}

/* `motcua exchange deliver --drain` with the clock at `at` (Vietnam
 * time on the test day, "09:10:00"); its "delivered D, failed F". */
static void deliver(const char *at, int delivered, int failed)
{
	char now[64], out[256], want[64];
	snprintf(now, sizeof(now), "2027-03-02T%s+07:00", at);
	setenv("MOTCUA_TEST_NOW", now, 1);
	cli("exchange deliver --drain", out, sizeof(out));
	unsetenv("MOTCUA_TEST_NOW");
	snprintf(want, sizeof(want), "delivered %d, failed %d", delivered, failed);
	if (!strstr(out, want))
		fail_msg("exchange deliver at %s: %s (wanted %s)", at, out, want);
}

static void submit(char code[80])
{
	struct mc_http_res r;
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", BODY, &r), 201);
	snprintf(code, 80, "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
}

static void sink_control(const char *body)
{
	char url[96];
	snprintf(url, sizeof(url), "%s/control", sink_url);
	struct mc_http_res r;
	assert_int_equal(mc_http_raw("POST", url, body, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	mc_http_res_free(&r);
}

/* The package the system got for code (a new reference), NULL if none;
 * *count how many it got for it. */
static json_t *received(const char *code, int *count)
{
	FILE *f = fopen(sink_log, "r");
	json_t *found = NULL;
	*count = 0;
	char line[65536];
	while (f && fgets(line, sizeof(line), f)) {
		json_error_t je;
		json_t *j = json_loads(line, 0, &je);
		assert_non_null(j);
		const char *c = jstr(json_object_get(j, "body"), "code");
		if (c && strcmp(c, code) == 0) {
			(*count)++;
			json_decref(found);
			found = j;
		} else {
			json_decref(j);
		}
	}
	if (f)
		fclose(f);
	return found;
}

static const char *handoff_state(const char *code)
{
	static char st[16];
	struct mc_stmt *s;
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(
		mc_query(c, &s,
			 "SELECT h.state FROM handoffs h JOIN dossiers d ON d.id = h.dossier_id WHERE d.code = ?", "t",
			 code),
		0);
	snprintf(st, sizeof(st), "%s", mc_step_row(s) == 0 ? mc_col_text(s, 0) : "none");
	mc_stmt_done(s);
	mc_db_release(c);
	return st;
}

/* POST /api/v1/exchange/dossiers/{code}/{what} as s; the status, the
 * answer in r. */
static long answer(struct mc_http_session *s, const char *code, const char *what, const char *body,
		   struct mc_http_res *r)
{
	char path[160];
	snprintf(path, sizeof(path), "/api/v1/exchange/dossiers/%s/%s", code, what);
	return mc_http_post(s, path, body, r);
}

static void handed_over_and_answered(void **state)
{
	(void)state;
	char code[80];
	submit(code);
	assert_string_equal(handoff_state(code), "pending");
	deliver("09:10:00", 1, 0);
	assert_string_equal(handoff_state(code), "delivered");
	int count = 0;
	json_t *got = received(code, &count);
	assert_non_null(got);
	assert_int_equal(count, 1);
	assert_string_equal(jstr(got, "auth"), "Bearer " TOKEN);
	json_t *p = json_object_get(got, "body");
	assert_string_equal(jstr(p, "type"), "motcua.dossier");
	assert_string_equal(jstr(json_object_get(p, "procedure"), "code"), "1.003197");
	assert_string_equal(jstr(p, "agency"), POLICE);
	assert_string_equal(jstr(p, "status"), "submitted");
	assert_string_equal(jstr(json_object_get(p, "form"), "subject_full_name"), "Nguyễn Văn Bình");
	char link[256];
	snprintf(link, sizeof(link), PUBLIC "/api/v1/exchange/dossiers/%s/acknowledge", code);
	assert_string_equal(jstr(json_object_get(p, "links"), "acknowledge"), link);
	json_decref(got);

	/* an agency handled in motcua takes its steps in its pages */
	struct mc_http_res r;
	assert_int_equal(answer(&clerk, code, "acknowledge", NULL, &r), 403);
	assert_non_null(strstr(r.body, "\"agency\""));
	mc_http_res_free(&r);

	/* acknowledged: received by the police; the same answer twice */
	assert_int_equal(answer(&sys, code, "acknowledge", NULL, &r), 200);
	assert_string_equal(jstr(r.json, "status"), "in_progress");
	char etag[64];
	snprintf(etag, sizeof(etag), "%s", mc_http_header(&r, "ETag"));
	mc_http_res_free(&r);
	assert_int_equal(answer(&sys, code, "acknowledge", NULL, &r), 200);
	assert_string_equal(mc_http_header(&r, "ETag"), etag);
	mc_http_res_free(&r);

	/* the result: the police's steps taken, the applicant told */
	assert_int_equal(answer(&sys, code, "result", "{\"note\":\"Đã xóa đăng ký thường trú\"}", &r), 200);
	assert_string_equal(jstr(r.json, "status"), "result_ready");
	mc_http_res_free(&r);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM outbox o JOIN dossiers d ON d.id = o.dossier_id"
				 " WHERE d.code = ? AND o.event = 'result_ready'",
				 code),
			 1);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id"
			" JOIN users u ON u.id = e.actor_id WHERE d.code = ? AND u.username = 'hethong.ca26740'"
			" AND e.action IN ('receive', 'forward')",
			code),
		3);
	/* too late to refuse; a result given twice changes nothing */
	assert_int_equal(answer(&sys, code, "refuse", "{\"reasons\":[\"Không thuộc thẩm quyền\"]}", &r), 409);
	mc_http_res_free(&r);
	assert_int_equal(answer(&sys, code, "result", NULL, &r), 200);
	assert_string_equal(jstr(r.json, "status"), "result_ready");
	mc_http_res_free(&r);

	/* handed over once: nothing is sent again */
	deliver("09:30:00", 0, 0);
	got = received(code, &count);
	assert_int_equal(count, 1);
	json_decref(got);
}

static void outage_and_refusal(void **state)
{
	(void)state;
	/* an outage: tried again after its pause */
	char code[80];
	submit(code);
	sink_control("{\"status\": 503, \"count\": 1}");
	deliver("09:10:00", 0, 1);
	assert_string_equal(handoff_state(code), "pending");
	assert_int_equal(sql_int("SELECT h.attempts FROM handoffs h JOIN dossiers d ON d.id = h.dossier_id"
				 " WHERE d.code = ?",
				 code),
			 1);
	deliver("09:10:01", 0, 0); /* the pause is 2 s */
	deliver("09:11:00", 1, 0);
	assert_string_equal(handoff_state(code), "delivered");

	/* a refusal: failed for good, listed, tried again on the operator's word */
	char other[80];
	submit(other);
	sink_control("{\"status\": 400, \"count\": 1}");
	deliver("09:12:00", 0, 1);
	assert_string_equal(handoff_state(other), "failed");
	deliver("10:12:00", 0, 0);
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&admin, "/api/v1/exchange/handoffs?state=failed", &r), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	json_t *h = json_array_get(items, 0);
	assert_string_equal(jstr(json_object_get(h, "dossier"), "code"), other);
	assert_string_equal(jstr(json_object_get(h, "agency"), "code"), POLICE);
	assert_string_equal(jstr(h, "last_error"), "HTTP 400");
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/exchange/handoffs/%lld/retry",
		 (long long)json_integer_value(json_object_get(h, "id")));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&cit, "/api/v1/exchange/handoffs", &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&admin, "/api/v1/exchange/handoffs?state=lost", &r), 422);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&admin, path, NULL, &r), 204);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&admin, path, NULL, &r), 409);
	mc_http_res_free(&r);
	deliver("10:13:00", 1, 0);
	assert_string_equal(handoff_state(other), "delivered");
	assert_int_equal(sql_int("SELECT COUNT(*) FROM audit_log WHERE action = ?", "handoff.retry"), 1);

	/* the system refuses it, with its reasons */
	assert_int_equal(answer(&sys, other, "refuse", "{}", &r), 422);
	mc_http_res_free(&r);
	assert_int_equal(answer(&sys, other, "refuse", "{\"reasons\":[\"Người đề nghị không cư trú tại phường\"]}", &r),
			 200);
	assert_string_equal(jstr(r.json, "status"), "refused");
	mc_http_res_free(&r);
	assert_int_equal(answer(&sys, other, "result", NULL, &r), 409);
	mc_http_res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(handed_over_and_answered),
		cmocka_unit_test(outage_and_refusal),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
