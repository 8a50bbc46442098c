/*
 * test_notify.c - notifications that reach people (issue 16), delivered to
 * a real SMTP server and an SMS gateway stand-in on loopback
 * (tests/notify/mailsink.py, aiosmtpd):
 *   - a dossier received at a counter: the applicant's e-mail read back
 *     from the SMTP server (UTF-8 headers, the Vietnamese subject intact
 *     after RFC 2047 decoding, the tracking link, Message-ID, base64 body)
 *     and the SMS without diacritics; the citizen's online dossier in
 *     their in-app inbox, in English once they chose English; marking read;
 *     another's message 404;
 *   - a passing refusal (451) put off with a growing pause and given up
 *     after 8 tries; a refusal for good (550) given up at once; the dead
 *     letters listed for the operator and retried; not for a citizen;
 *   - a crash right after a message left: never sent again, listed as
 *     "outcome unknown"; a crash after it was recorded: acknowledged by
 *     the next round, not sent again;
 *   - a reset code sent to the account's e-mail and phone redeems; the
 *     code is not kept once sent; one answer for an unknown account;
 *   - the server's own worker delivers without any command.
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
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char db_url[512];
static struct mc_db *db;
static struct mc_test_server srv;
static char dir[256];
static pid_t sink;
static char smtp_env[80], sms_env[80];

#define SMS_TOKEN "sms-secret-token"

static void sink_start(void)
{
	int smtp = mc_test_free_port(), sms = mc_test_free_port();
	char sp[8], mp[8], script[600];
	snprintf(sp, sizeof(sp), "%d", smtp);
	snprintf(mp, sizeof(mp), "%d", sms);
	snprintf(script, sizeof(script), "%s/tests/notify/mailsink.py", mc_test_share());
	const char *argv[] = {script, dir, sp, mp, SMS_TOKEN, NULL};
	sink = mc_test_python_start(dir, argv);
	snprintf(smtp_env, sizeof(smtp_env), "MOTCUA_SMTP_URL=smtp://127.0.0.1:%d", smtp);
	snprintf(sms_env, sizeof(sms_env), "MOTCUA_SMS_URL=http://127.0.0.1:%d/sms", sms);
	putenv(smtp_env);
	putenv(sms_env);
	setenv("MOTCUA_SMS_TOKEN", SMS_TOKEN, 1);
	setenv("MOTCUA_PUBLIC_URL", "https://dichvucong.example.vn", 1);
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(mc_test_scratch(dir, sizeof(dir), "notify"), 0);
	sink_start();
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 2);
	/* the server queues; the tests deliver with `motcua notify` */
	const char *env[] = {"MOTCUA_NOTIFY=0", NULL};
	mc_test_server_start(&srv, db_url, env);
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

/* `motcua notify --drain` with more environment ("K=V K=V", may be
 * NULL); its exit status. */
static int notify(const char *extra)
{
	char out[512], copy[300], *vars[4] = {0};
	snprintf(copy, sizeof(copy), "%s", extra ? extra : "");
	int k = 0;
	for (char *tok = strtok(copy, " "); tok && k < 4; tok = strtok(NULL, " "))
		vars[k++] = tok;
	for (int i = 0; i < k; i++) {
		char *eq = strchr(vars[i], '=');
		*eq = '\0';
		setenv(vars[i], eq + 1, 1);
	}
	int st = mc_test_run_cli(db_url, "notify --drain", out, sizeof(out));
	for (int i = 0; i < k; i++)
		unsetenv(vars[i]);
	return st;
}

/* How many messages the SMTP server took for address. */
static int mails_to(const char *address)
{
	assert_int_equal(mc_test_sh(dir, "cat mail-*.env 2>/dev/null | grep -o '\"%s\"' | wc -l", address), 0);
	return atoi(mc_test_output(dir));
}

/* The last message to address, decoded by Python's e-mail parser: one
 * JSON object {subject, from, to, message_id, content_type, cte, body}. */
static json_t *last_mail(const char *address)
{
	int st = mc_test_sh(
		dir,
		"f=$(grep -l '\"%s\"' mail-*.env | sort | tail -1) && /usr/bin/python3 -c '"
		"import email, email.policy, json, sys\n"
		"m = email.message_from_binary_file(open(sys.argv[1], \"rb\"), policy=email.policy.default)\n"
		"print(json.dumps({\"subject\": str(m[\"subject\"]), \"to\": str(m[\"to\"]), \"from\": "
		"str(m[\"from\"]),"
		" \"message_id\": str(m[\"message-id\"]), \"content_type\": m.get_content_type(),"
		" \"charset\": m.get_content_charset(), \"cte\": str(m[\"content-transfer-encoding\"]),"
		" \"raw_subject\": open(sys.argv[1], \"rb\").read().decode(\"ascii\").split(\"Subject: \")[1]"
		".split(\"\\r\\nMessage-ID\")[0], \"body\": m.get_content()}))' \"${f%%.env}.eml\"",
		address);
	if (st != 0)
		fail_msg("no mail to %s: %s", address, mc_test_output(dir));
	json_error_t je;
	json_t *j = json_loads(mc_test_output(dir), 0, &je);
	assert_non_null(j);
	return j;
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

/* A dossier received at the ward's counter for an applicant reached at
 * email and phone; its code into code. */
static void intake(const char *email, const char *phone, char code[80])
{
	struct mc_http_session clerk;
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	char path[100], body[1200];
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers",
		 (long long)sql_int("SELECT id FROM counters WHERE code = ?", "Q-P26740-01"));
	snprintf(body, sizeof(body),
		 "{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Lê Thị Hồng\",\"id_number\":"
		 "\"079185176822\",\"birth_date\":\"1985-11-02\",\"residence_unit\":\"26740\",\"marital_status\":"
		 "\"single\",\"purpose\":\"Kết hôn\"},\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],\"applicant\":{"
		 "\"full_name\":\"Lê Thị Hồng\",\"id_number\":\"079185176822\",\"phone\":\"%s\",\"email\":\"%s\","
		 "\"ward_code\":\"26740\"}}",
		 phone, email);
	struct mc_http_res r;
	if (mc_http_post(&clerk, path, body, &r) != 201)
		fail_msg("intake: %ld %s", r.status, r.body);
	snprintf(code, 80, "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
}

static void email_and_sms(void **state)
{
	(void)state;
	char code[80];
	intake("hong.le@example.vn", "0912345678", code);
	assert_int_equal(notify(NULL), 0);
	assert_int_equal(mails_to("hong.le@example.vn"), 1);
	json_t *m = last_mail("hong.le@example.vn");
	char want[200];
	snprintf(want, sizeof(want), "Hồ sơ %s đã được tiếp nhận", code);
	assert_string_equal(jstr(m, "subject"), want);
	/* on the wire: encoded words, no raw 8-bit byte in a header */
	assert_non_null(strstr(jstr(m, "raw_subject"), "=?UTF-8?B?"));
	assert_string_equal(jstr(m, "to"), "Lê Thị Hồng <hong.le@example.vn>");
	assert_string_equal(jstr(m, "content_type"), "text/plain");
	assert_string_equal(jstr(m, "charset"), "utf-8");
	assert_string_equal(jstr(m, "cte"), "base64");
	assert_non_null(strstr(jstr(m, "message_id"), "@motcua>"));
	snprintf(want, sizeof(want), "https://dichvucong.example.vn/tra-cuu?ma=%s&s=", code);
	assert_non_null(strstr(jstr(m, "body"), want));
	assert_non_null(strstr(jstr(m, "body"), "Kính gửi Lê Thị Hồng"));
	json_decref(m);
	/* the SMS: its text without diacritics, the bearer token sent */
	assert_int_equal(mc_test_sh(dir, "cat $(grep -l '0912345678' sms-*.json | tail -1)"), 0);
	json_error_t je;
	json_t *sms = json_loads(mc_test_output(dir), 0, &je);
	assert_non_null(sms);
	snprintf(want, sizeof(want), "Ho so %s da duoc tiep nhan", code);
	assert_non_null(strstr(jstr(sms, "text"), want));
	for (const char *p = jstr(sms, "text"); *p; p++)
		assert_true((unsigned char)*p < 0x80);
	json_decref(sms);
	/* both recorded as sent; the outbox row acknowledged; a second round
	 * sends nothing again */
	assert_int_equal(sql_int("SELECT COUNT(*) FROM deliveries d JOIN outbox o ON o.id = d.outbox_id JOIN dossiers"
				 " x ON x.id = o.dossier_id WHERE x.code = ? AND d.state = 'sent'",
				 code),
			 2);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM outbox o JOIN dossiers x ON x.id = o.dossier_id WHERE"
				 " x.code = ? AND o.delivered_at IS NULL",
				 code),
			 0);
	assert_int_equal(notify(NULL), 0);
	assert_int_equal(mails_to("hong.le@example.vn"), 1);
}

static void inbox(void **state)
{
	(void)state;
	struct mc_http_session cit, other;
	mc_http_login_as(&cit, srv.base, "079203001234");
	mc_http_login_as(&other, srv.base, "079185176822");
	struct mc_http_res r;
	const char *body = "{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":"
			   "\"079203001234\",\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\","
			   "\"marital_status\":\"single\",\"purpose\":\"Kết hôn\"}}";
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", body, &r), 201);
	char code[80];
	snprintf(code, sizeof(code), "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&cit, "/api/v1/my/inbox", &r), 200);
	size_t before = json_array_size(json_object_get(r.json, "items"));
	mc_http_res_free(&r);
	assert_int_equal(notify(NULL), 0);
	assert_int_equal(mc_http_get(&cit, "/api/v1/my/inbox", &r), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), before + 1);
	json_t *first = json_array_get(items, 0);
	char want[200];
	snprintf(want, sizeof(want), "Hồ sơ %s đã được gửi trực tuyến", code);
	assert_string_equal(jstr(first, "subject"), want);
	assert_true(json_is_null(json_object_get(first, "read_at")));
	assert_non_null(strstr(jstr(first, "link"), "/tra-cuu?ma="));
	assert_true(json_integer_value(json_object_get(r.json, "unread")) >= 1);
	int64_t id = json_integer_value(json_object_get(first, "id"));
	mc_http_res_free(&r);
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/my/inbox/%lld/read", (long long)id);
	assert_int_equal(mc_http_post(&other, path, "{}", &r), 404); /* not theirs */
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&cit, path, "{}", &r), 204);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&cit, "/api/v1/my/inbox/read", "{}", &r), 204);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&cit, "/api/v1/my/inbox", &r), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "unread")), 0);
	mc_http_res_free(&r);
	/* in English once they choose it; a language not offered 422 */
	assert_int_equal(mc_http_do(&cit, "PUT", "/api/v1/my/language", "{\"lang\":\"fr\"}", NULL, &r), 0);
	assert_int_equal(r.status, 422);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_do(&cit, "PUT", "/api/v1/my/language", "{\"lang\":\"en\"}", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", body, &r), 201);
	snprintf(code, sizeof(code), "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
	assert_int_equal(notify(NULL), 0);
	assert_int_equal(mc_http_get(&cit, "/api/v1/my/inbox?limit=1", &r), 200);
	snprintf(want, sizeof(want), "Dossier %s has been submitted online", code);
	assert_string_equal(jstr(json_array_get(json_object_get(r.json, "items"), 0), "subject"), want);
	assert_true(json_is_true(json_object_get(r.json, "more")));
	mc_http_res_free(&r);
	json_t *m = last_mail("annguyenvan03@gmail.com");
	assert_string_equal(jstr(m, "subject"), want);
	json_decref(m);
	assert_int_equal(mc_http_do(&cit, "PUT", "/api/v1/my/language", "{\"lang\":\"vi\"}", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	mc_http_res_free(&r);
}

/* The law asks that an early result and a delay be announced: the apology
 * with its new date, then the result ready before its date. */
static void apology_and_early_result(void **state)
{
	(void)state;
	char code[80], path[120];
	intake("an.tran@example.vn", "0987654321", code);
	struct mc_http_session spec, lead;
	mc_http_login_as(&spec, srv.base, "chuyenvien.p26740");
	mc_http_login_as(&lead, srv.base, "chutich.p26740");
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	assert_int_equal(mc_http_get(&lead, path, &r), 200);
	int64_t due = 0;
	const char *d = jstr(r.json, "appointment_at");
	assert_int_equal(mc_time_parse(*d ? d : jstr(r.json, "due_at"), &due), 0);
	mc_http_res_free(&r);
	/* a week later, on a working day (no holiday falls in the test's weeks
	 * but weekends) */
	int64_t nd = due + 7 * MC_DAY_MS;
	for (int y, m, dd, k = 0; k < 7; k++, nd += MC_DAY_MS) {
		mc_vn_date(nd, &y, &m, &dd);
		int64_t days = mc_days_from_civil(y, m, dd);
		int wd = (int)((days + 3) % 7); /* 0 = Monday (1970-01-01 was a Thursday) */
		if (wd < 5)
			break;
	}
	char when[40], body[300];
	mc_time_format_vn(nd, when, sizeof(when));
	snprintf(body, sizeof(body), "{\"reason\":\"Cần xác minh thêm tại nơi cư trú\",\"new_due_at\":\"%s\"}", when);
	if (mc_http_act(&lead, code, "extend", body, &r) != 200)
		fail_msg("extend: %ld %s", r.status, r.body);
	mc_http_res_free(&r);
	assert_int_equal(notify(NULL), 0);
	json_t *m = last_mail("an.tran@example.vn");
	char want[200], date[40];
	snprintf(want, sizeof(want), "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ %s", code);
	assert_string_equal(jstr(m, "subject"), want);
	snprintf(date, sizeof(date), "%.2s/%.2s/%.4s", when + 8, when + 5, when);
	assert_non_null(strstr(jstr(m, "body"), date));
	assert_non_null(strstr(jstr(m, "body"), "xin lỗi"));
	json_decref(m);
	assert_int_equal(mc_test_sh(dir, "cat $(grep -l '0987654321' sms-*.json | tail -1)"), 0);
	assert_non_null(strstr(mc_test_output(dir), "Xin loi Ong/Ba"));
	assert_non_null(strstr(mc_test_output(dir), date));
	/* the result, days before its date */
	assert_int_equal(mc_http_act(&spec, code, "forward", "{\"note\":\"Hợp lệ\"}", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_act(&lead, code, "forward", NULL, &r), 200);
	assert_string_equal(jstr(r.json, "status"), "result_ready");
	mc_http_res_free(&r);
	assert_int_equal(notify(NULL), 0);
	m = last_mail("an.tran@example.vn");
	snprintf(want, sizeof(want), "Hồ sơ %s đã có kết quả trước hẹn", code);
	assert_string_equal(jstr(m, "subject"), want);
	json_decref(m);
	/* the applicant has an account: the same in their inbox */
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM inbox_messages WHERE event = 'result_ready_early' AND subject = ?", want),
		1);
}

static int64_t delivery_of(const char *address)
{
	return sql_int("SELECT MAX(id) FROM deliveries WHERE address = ?", address);
}

static void retries_and_dead_letters(void **state)
{
	(void)state;
	char code[80], clock[80];
	intake("later@example.vn", "0912000451", code);
	assert_int_equal(notify(NULL), 0);
	int64_t mail = delivery_of("later@example.vn"), sms = delivery_of("0912000451");
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)mail);
	assert_int_equal(
		sql_int("SELECT attempts FROM deliveries WHERE id = CAST(? AS INTEGER) AND state = 'pending'", id), 1);
	/* put off 30 s, then a pause that doubles */
	assert_int_equal(
		sql_int("SELECT (next_at - sending_at) / 1000 FROM deliveries WHERE id = CAST(? AS INTEGER)", id), 30);
	for (int i = 1; i <= 8; i++) {
		char t[40];
		mc_time_format_vn(mc_time_now_ms() + (int64_t)i * 3600 * 1000, t, sizeof(t));
		snprintf(clock, sizeof(clock), "MOTCUA_TEST_NOW=%s", t);
		assert_int_equal(notify(clock), 0);
	}
	assert_int_equal(
		sql_int("SELECT attempts FROM deliveries WHERE id = CAST(? AS INTEGER) AND state = 'dead'", id), 8);
	snprintf(id, sizeof(id), "%lld", (long long)sms);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM deliveries WHERE id = CAST(? AS INTEGER) AND state = 'dead' AND"
				 " last_error LIKE '%503%'",
				 id),
			 1);
	assert_int_equal(mails_to("later@example.vn"), 0);
	/* refused for good: given up at once */
	intake("refuse@example.vn", "0912000400", code);
	assert_int_equal(notify(NULL), 0);
	snprintf(id, sizeof(id), "%lld", (long long)delivery_of("refuse@example.vn"));
	assert_int_equal(sql_int("SELECT attempts FROM deliveries WHERE id = CAST(? AS INTEGER) AND state = 'dead' AND"
				 " last_error LIKE '%550%'",
				 id),
			 1);
	snprintf(id, sizeof(id), "%lld", (long long)delivery_of("0912000400"));
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM deliveries WHERE id = CAST(? AS INTEGER) AND state = 'dead'", id), 1);
	/* the operator's list and retry */
	struct mc_http_session admin, cit;
	mc_http_login_as(&admin, srv.base, "admin");
	mc_http_login_as(&cit, srv.base, "079203001234");
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&admin, "/api/v1/notifications/deliveries?state=dead", &r), 200);
	int found = 0;
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(r.json, "items"), i, d)
		found += strcmp(jstr(d, "address"), "refuse@example.vn") == 0 &&
			 json_integer_value(json_object_get(d, "id")) == delivery_of("refuse@example.vn");
	assert_int_equal(found, 1);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&admin, "/api/v1/notifications/deliveries?state=lost", &r), 422);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&cit, "/api/v1/notifications/deliveries", &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&admin, "/api/v1/notifications/summary", &r), 200);
	assert_non_null(json_object_get(r.json, "counts"));
	mc_http_res_free(&r);
	char path[100];
	snprintf(path, sizeof(path), "/api/v1/notifications/deliveries/%lld/retry",
		 (long long)delivery_of("refuse@example.vn"));
	assert_int_equal(mc_http_post(&cit, path, "{}", &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&admin, path, "{}", &r), 204);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&admin, path, "{}", &r), 409); /* pending now, not dead */
	mc_http_res_free(&r);
	snprintf(id, sizeof(id), "%lld", (long long)delivery_of("refuse@example.vn"));
	assert_int_equal(
		sql_int("SELECT attempts FROM deliveries WHERE id = CAST(? AS INTEGER) AND state = 'pending'", id), 0);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM audit_log WHERE action = 'notify.retry' AND object_id = ?", id),
			 1);
}

static void crashes(void **state)
{
	(void)state;
	char code[80];
	/* the message left, then the worker died before recording it */
	intake("crash.sent@example.vn", "", code);
	assert_int_equal(notify("MOTCUA_TEST_NOTIFY_CRASH=sent"), 70);
	assert_int_equal(mails_to("crash.sent@example.vn"), 1);
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)delivery_of("crash.sent@example.vn"));
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM deliveries WHERE id = CAST(? AS INTEGER) AND state = 'sending'", id), 1);
	assert_int_equal(notify(NULL), 0); /* within the lease: left alone */
	char clock[80], t[40];
	mc_time_format_vn(mc_time_now_ms() + 10 * 60 * 1000, t, sizeof(t));
	snprintf(clock, sizeof(clock), "MOTCUA_TEST_NOW=%s", t);
	assert_int_equal(notify(clock), 0); /* past it: a dead letter, not sent again */
	assert_int_equal(mails_to("crash.sent@example.vn"), 1);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM deliveries WHERE id = CAST(? AS INTEGER) AND state = 'dead' AND"
				 " last_error LIKE 'outcome unknown%'",
				 id),
			 1);
	/* recorded, then the worker died before acknowledging the outbox row */
	intake("crash.recorded@example.vn", "", code);
	assert_int_equal(notify("MOTCUA_TEST_NOTIFY_CRASH=recorded"), 70);
	assert_int_equal(mails_to("crash.recorded@example.vn"), 1);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM outbox o JOIN dossiers x ON x.id = o.dossier_id WHERE x.code = ?"
				 " AND o.delivered_at IS NULL",
				 code),
			 1);
	assert_int_equal(notify(NULL), 0);
	assert_int_equal(mails_to("crash.recorded@example.vn"), 1);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM outbox o JOIN dossiers x ON x.id = o.dossier_id WHERE x.code = ?"
				 " AND o.delivered_at IS NULL",
				 code),
			 0);
}

static void reset_code(void **state)
{
	(void)state;
	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	struct mc_http_res r;
	const char *acct = "{\"account\":\"079185176822\"}";
	assert_int_equal(mc_http_post(&anon, "/api/v1/auth/password-reset-code", acct, &r), 202);
	char same[256];
	snprintf(same, sizeof(same), "%s", r.body);
	mc_http_res_free(&r);
	/* an unknown account: the same answer */
	assert_int_equal(mc_http_post(&anon, "/api/v1/auth/password-reset-code", "{\"account\":\"079199999999\"}", &r),
			 202);
	assert_string_equal(r.body, same);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&anon, "/api/v1/auth/password-reset-code", "{\"account\":\"12\"}", &r), 422);
	mc_http_res_free(&r);
	/* a second ask within the minute sends nothing more */
	assert_int_equal(mc_http_post(&anon, "/api/v1/auth/password-reset-code", acct, &r), 202);
	mc_http_res_free(&r);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM outbox WHERE event = 'password_reset' AND topic_id = (SELECT id"
				 " FROM users WHERE username = ?)",
				 "079185176822"),
			 1);
	assert_int_equal(notify(NULL), 0);
	json_t *m = last_mail("binhtranthi85@gmail.com");
	assert_string_equal(jstr(m, "subject"), "Mã đặt lại mật khẩu");
	const char *p = strstr(jstr(m, "body"), "là: ");
	assert_non_null(p);
	char code[32] = "";
	assert_int_equal(sscanf(p + strlen("là: "), "%31[^\r\n]", code), 1);
	json_decref(m);
	/* the code is in the messages only, and not kept once they are out */
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM outbox WHERE event = 'password_reset' AND payload <> '{}' AND ? <> ''",
			"x"),
		0);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM deliveries d JOIN outbox o ON o.id = d.outbox_id WHERE"
				 " o.event = 'password_reset' AND (d.state <> 'sent' OR d.body <> '') AND ? <> ''",
				 "x"),
			 0);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM inbox_messages WHERE event = 'password_reset' AND ? <> ''", "x"),
			 0);
	char body[200];
	snprintf(body, sizeof(body),
		 "{\"account\":\"079185176822\",\"code\":\"%s\",\"new_password\":\"Quen-Mat-Khau-16\"}", code);
	if (mc_http_post(&anon, "/api/v1/auth/password-reset", body, &r) != 204)
		fprintf(stderr, "redeem [%s]: %ld %s\n", code, r.status, r.body), fail();
	mc_http_res_free(&r);
	struct mc_http_session again;
	mc_http_session_init(&again, srv.base);
	assert_int_equal(mc_http_login(&again, "079185176822", "Quen-Mat-Khau-16", 1), 200);
}

/* The server's own worker, every 100 ms. */
static void server_worker(void **state)
{
	(void)state;
	struct mc_test_server own;
	const char *env[] = {"MOTCUA_NOTIFY=1", "MOTCUA_NOTIFY_INTERVAL_MS=100", NULL};
	mc_test_server_start(&own, db_url, env);
	struct mc_test_server keep = srv;
	srv = own;
	char code[80];
	intake("worker@example.vn", "", code);
	int n = 0;
	for (int i = 0; i < 100 && !(n = mails_to("worker@example.vn")); i++)
		usleep(100000);
	srv = keep;
	assert_int_equal(n, 1);
	assert_int_equal(mc_test_server_stop(&own), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(email_and_sms),
		cmocka_unit_test(inbox),
		cmocka_unit_test(apology_and_early_result),
		cmocka_unit_test(retries_and_dead_letters),
		cmocka_unit_test(crashes),
		cmocka_unit_test(reset_code),
		cmocka_unit_test(server_worker),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
