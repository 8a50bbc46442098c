/*
 * test_polls.c - opinion polls of committee members over HTTP: the city
 * office (vanthu.vp, role committee_office) opens a poll on a proposal
 * with its papers, the members asked and a deadline; bad fields are
 * answered 422 naming each field; only the office, the members asked and
 * the chairman see a poll (404 for anyone else), only the members asked
 * answer (403 for the chairman who was not); an answer is signed (CMS)
 * with the member's certificate and PIN (409 without a certificate), and
 * openssl accepts the signature over the text the poll shows; a
 * changed answer is a new row and the last one counts; at the deadline
 * (servers restarted with the clock three hours on) an answer is refused
 * 409 in both languages, the housekeeping closes the poll (or the first
 * reading does), the result - computed once - counts the members' last
 * answers and the silent ones as the poll's rule says, both rules; the
 * PDF summary says the counts; only the chairman concludes; the
 * reminders before the deadline are queued once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "doctext.h"
#include "http.h"
#include "only.h"
#include "pdf.h"
#include "server.h"
#include "shell.h"
#include "testdb.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct mc_test_server srv;
static char db_url[512], dir[64], secret_env[128];
static struct mc_db *db;
static int64_t lanhdao, uyvien, phochutich, chutich;
static char paper1[65], paper2[65];

#define PIN "135790"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_int_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static int64_t user_id(const char *username)
{
	return mc_test_db_int(db, "SELECT id FROM users WHERE username = ?", username);
}

/* An SQL count with one integer parameter written into it. */
static int64_t count(const char *sql_fmt, long long v)
{
	char sql[512];
	snprintf(sql, sizeof(sql), sql_fmt, v);
	return mc_test_db_int(db, sql, NULL);
}

/* now + seconds as RFC 3339 (UTC). */
static void instant(long seconds, char *out, size_t n)
{
	time_t t = time(NULL) + seconds;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* (Re)start the server with its clock seconds on (0: the real time). */
static void start(long seconds)
{
	if (srv.pid > 0)
		assert_int_equal(mc_test_server_stop(&srv), 0);
	static char now[80];
	char at[40];
	instant(seconds, at, sizeof(at));
	snprintf(now, sizeof(now), "MOTCUA_TEST_NOW=%s", at);
	const char *env[] = {now, NULL};
	mc_test_server_start(&srv, db_url, seconds ? env : NULL);
}

/* `motcua housekeeping` with the clock seconds on; its output in out. */
static void housekeeping(long seconds, char *out, size_t n)
{
	char at[40], cmd[1400];
	instant(seconds, at, sizeof(at));
	snprintf(cmd, sizeof(cmd), "MOTCUA_DB='%s' MOTCUA_TEST_NOW=%s '%s' housekeeping > %s/hk.txt 2>&1", db_url, at,
		 getenv("MOTCUA_BIN"), dir);
	assert_int_equal(system(cmd), 0);
	char path[128];
	snprintf(path, sizeof(path), "%s/hk.txt", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t k = fread(out, 1, n - 1, f);
	out[k] = '\0';
	fclose(f);
}

static void issue_certificate(const char *who)
{
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_login_as(&s, srv.base, who);
	assert_int_equal(mc_http_post(&s, "/api/v1/certificates",
				      "{\"kind\": \"personal\", \"pin\": \"" PIN "\", \"password\": \"motcua2026\"}",
				      &r),
			 201);
	mc_http_res_free(&r);
}

static int setup(void **state)
{
	(void)state;
	if (mc_test_scratch(dir, sizeof(dir), "poll"))
		return -1;
	snprintf(secret_env, sizeof(secret_env), "%s/secret", dir);
	setenv("MOTCUA_PKI_SECRET", secret_env, 1);
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	char out[2048], args[256];
	snprintf(args, sizeof(args), "pki init --root-key %s/root-key.pem", dir);
	if (mc_test_run_cli(db_url, args, out, sizeof(out)) != 0)
		return -1;
	start(0);
	lanhdao = user_id("lanhdao");
	uyvien = user_id("uyvien.ubnd");
	phochutich = user_id("phochutich.ubnd");
	chutich = user_id("chutich");
	/* the members who answer hold a certificate; phochutich.ubnd does not */
	issue_certificate("lanhdao");
	issue_certificate("uyvien.ubnd");
	struct mc_http_session vp;
	mc_http_login_as(&vp, srv.base, "vanthu.vp");
	if (mc_http_upload(&vp, MC_TEST_PDF("to trinh 1"), paper1) != 201 ||
	    mc_http_upload(&vp, MC_TEST_PDF("to trinh 2"), paper2) != 201)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	/* the last server rendered PDFs: it ends cleanly (a leak checker's
	 * finding would make its status non-zero) */
	int st = srv.pid > 0 ? mc_test_server_stop(&srv) : 0;
	if (st)
		fprintf(stderr, "the server ended with status %d\n", st);
	mc_test_db_drop(db_url, db);
	return mc_test_scratch_rm(dir) || st ? -1 : 0;
}

/* A poll's body: deadline seconds from now, silence ("" for the default). */
static char *poll_body(long seconds, const char *silence)
{
	static char body[1024];
	char dl[40];
	instant(seconds, dl, sizeof(dl));
	snprintf(body, sizeof(body),
		 "{\"title\": \"Tờ trình số 123/TTr-SXD về điều chỉnh quy hoạch khu đô thị\", \"summary\": \"Đề nghị"
		 " các thành viên UBND cho ý kiến\", \"papers\": [\"%s\", \"%s\"], \"member_ids\": [%lld, %lld, %lld],"
		 " \"deadline\": \"%s\"%s%s%s}",
		 paper1, paper2, (long long)lanhdao, (long long)uyvien, (long long)phochutich, dl,
		 *silence ? ", \"silence\": \"" : "", silence, *silence ? "\"" : "");
	return body;
}

/* Open a poll as the office; its id. */
static json_int_t open_poll(long seconds, const char *silence)
{
	struct mc_http_session vp;
	struct mc_http_res r;
	mc_http_login_as(&vp, srv.base, "vanthu.vp");
	long st = mc_http_post(&vp, "/api/v1/polls", poll_body(seconds, silence), &r);
	if (st != 201)
		fail_msg("open: %ld %s", st, r.body);
	json_int_t id = jint(r.json, "id");
	assert_string_equal(jstr(r.json, "status"), "open");
	assert_int_equal(json_array_size(json_object_get(r.json, "papers")), 2);
	assert_int_equal(json_array_size(json_object_get(r.json, "members")), 3);
	mc_http_res_free(&r);
	return id;
}

/* The field names of a 422 (or 409) answer, ",a,b," into out. */
static void fields_of(json_t *problem, char *out, size_t n)
{
	size_t i, k = 0;
	json_t *e;
	out[k++] = ',';
	json_array_foreach(json_object_get(problem, "errors"), i, e)
		k += (size_t)snprintf(out + k, n - k, "%s,", jstr(e, "field"));
	out[k] = '\0';
}

/* POST an answer as who; the status, the answer in r. */
static long answer(const char *who, json_int_t id, const char *body, struct mc_http_res *r)
{
	struct mc_http_session s;
	char path[64];
	mc_http_login_as(&s, srv.base, who);
	snprintf(path, sizeof(path), "/api/v1/polls/%lld/answers", (long long)id);
	return mc_http_post(&s, path, body, r);
}

static long get_poll(const char *who, json_int_t id, struct mc_http_res *r)
{
	struct mc_http_session s;
	char path[64];
	mc_http_login_as(&s, srv.base, who);
	snprintf(path, sizeof(path), "/api/v1/polls/%lld", (long long)id);
	return mc_http_get(&s, path, r);
}

static void opening_validated_and_authorised(void **state)
{
	(void)state;
	struct mc_http_session vp, stp, ct;
	struct mc_http_res r;
	char f[256], body[1024];
	mc_http_login_as(&vp, srv.base, "vanthu.vp");
	mc_http_login_as(&stp, srv.base, "vanthu.stp");
	mc_http_login_as(&ct, srv.base, "chutich");
	/* every field wrong at once: each named */
	assert_int_equal(mc_http_post(&vp, "/api/v1/polls",
				      "{\"title\": \"\", \"papers\": [\"00\"], \"member_ids\": [], \"deadline\":"
				      " \"2020-01-01T00:00:00Z\", \"silence\": \"maybe\"}",
				      &r),
			 422);
	fields_of(r.json, f, sizeof(f));
	mc_http_res_free(&r);
	assert_non_null(strstr(f, ",title,"));
	assert_non_null(strstr(f, ",summary,"));
	assert_non_null(strstr(f, ",deadline,"));
	assert_non_null(strstr(f, ",silence,"));
	assert_non_null(strstr(f, ",papers,"));
	/* a member who is not one of the committee's (the Department of
	 * Justice's clerical officer), a paper another user uploaded */
	char dl[40];
	instant(7200, dl, sizeof(dl));
	snprintf(body, sizeof(body),
		 "{\"title\": \"T\", \"summary\": \"S\", \"papers\": [\"%s\"], \"member_ids\": [%lld], \"deadline\":"
		 " \"%s\"}",
		 paper1, (long long)user_id("vanthu.stp"), dl);
	assert_int_equal(mc_http_post(&vp, "/api/v1/polls", body, &r), 422);
	fields_of(r.json, f, sizeof(f));
	assert_string_equal(f, ",member_ids,");
	mc_http_res_free(&r);
	snprintf(body, sizeof(body),
		 "{\"title\": \"T\", \"summary\": \"S\", \"papers\": [\"%s\"], \"member_ids\": [%lld], \"deadline\":"
		 " \"%s\"}",
		 "0000000000000000000000000000000000000000000000000000000000000000", (long long)lanhdao, dl);
	assert_int_equal(mc_http_post(&vp, "/api/v1/polls", body, &r), 422);
	fields_of(r.json, f, sizeof(f));
	assert_string_equal(f, ",papers,");
	mc_http_res_free(&r);
	/* a deadline more than 90 days away */
	instant(91L * 86400, dl, sizeof(dl));
	snprintf(body, sizeof(body),
		 "{\"title\": \"T\", \"summary\": \"S\", \"papers\": [\"%s\"], \"member_ids\": [%lld], \"deadline\":"
		 " \"%s\"}",
		 paper1, (long long)lanhdao, dl);
	assert_int_equal(mc_http_post(&vp, "/api/v1/polls", body, &r), 422);
	fields_of(r.json, f, sizeof(f));
	assert_string_equal(f, ",deadline,");
	mc_http_res_free(&r);
	/* who may not open: another agency's clerical officer, the chairman */
	assert_int_equal(mc_http_post(&stp, "/api/v1/polls", poll_body(7200, ""), &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&ct, "/api/v1/polls", poll_body(7200, ""), &r), 403);
	mc_http_res_free(&r);
	/* the committee's members the office may ask */
	assert_int_equal(mc_http_get(&vp, "/api/v1/poll-members", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 4);
	mc_http_res_free(&r);
	/* opened: the default rule counts silence as agreement */
	json_int_t id = open_poll(7200, "");
	assert_int_equal(get_poll("vanthu.vp", id, &r), 200);
	assert_string_equal(jstr(r.json, "silence"), "agree");
	assert_string_equal(jstr(json_object_get(r.json, "committee"), "name"), "UBND Thành phố Hồ Chí Minh");
	mc_http_res_free(&r);
	/* the papers are read by who sees the poll */
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/polls/%lld/papers/2", (long long)id);
	assert_int_equal(mc_http_get(&vp, path, &r), 200);
	assert_memory_equal(r.body, "%PDF", 4);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&stp, path, &r), 404);
	mc_http_res_free(&r);
	/* the opening's notices: one per member, in the outbox */
	assert_int_equal(
		count("SELECT COUNT(*) FROM outbox WHERE topic = 'polls' AND topic_id = %lld AND event = 'poll_opened'",
		      id),
		3);
}

static void who_sees_and_answers(void **state)
{
	(void)state;
	json_int_t id = open_poll(7200, "");
	struct mc_http_res r;
	/* seen by the office, the members asked and the chairman; not by others */
	assert_int_equal(get_poll("chanhvanphong", id, &r), 200);
	assert_true(json_is_true(json_object_get(json_object_get(r.json, "my"), "manages")));
	mc_http_res_free(&r);
	assert_int_equal(get_poll("uyvien.ubnd", id, &r), 200);
	assert_true(json_is_true(json_object_get(json_object_get(r.json, "my"), "may_answer")));
	mc_http_res_free(&r);
	assert_int_equal(get_poll("chutich", id, &r), 200);
	assert_true(json_is_false(json_object_get(json_object_get(r.json, "my"), "may_answer")));
	mc_http_res_free(&r);
	assert_int_equal(get_poll("giamdoc.stp", id, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(get_poll("chuyenvien.vp", id, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(get_poll("079203001234", id, &r), 404);
	mc_http_res_free(&r);
	/* who answers: the members asked only */
	const char *agree = "{\"choice\": \"agree\", \"pin\": \"" PIN "\"}";
	assert_int_equal(answer("chutich", id, agree, &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(answer("giamdoc.stp", id, agree, &r), 404);
	mc_http_res_free(&r);
	/* a disagreement needs a comment; a bad choice is named */
	char f[128];
	assert_int_equal(answer("uyvien.ubnd", id, "{\"choice\": \"disagree\", \"pin\": \"" PIN "\"}", &r), 422);
	fields_of(r.json, f, sizeof(f));
	assert_string_equal(f, ",comment,");
	mc_http_res_free(&r);
	assert_int_equal(answer("uyvien.ubnd", id, "{\"choice\": \"yes\", \"pin\": \"" PIN "\"}", &r), 422);
	fields_of(r.json, f, sizeof(f));
	assert_string_equal(f, ",choice,");
	mc_http_res_free(&r);
	/* a member without a certificate is told so */
	assert_int_equal(answer("phochutich.ubnd", id, agree, &r), 409);
	fields_of(r.json, f, sizeof(f));
	assert_string_equal(f, ",pin,");
	assert_non_null(strstr(r.body, "chứng thư số"));
	mc_http_res_free(&r);
	/* a wrong PIN signs nothing */
	assert_int_equal(answer("uyvien.ubnd", id, "{\"choice\": \"agree\", \"pin\": \"000000\"}", &r), 422);
	mc_http_res_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM poll_answers WHERE poll_id = %lld", id), 0);
	/* waiting for the member, then answered */
	struct mc_http_session uv;
	mc_http_login_as(&uv, srv.base, "uyvien.ubnd");
	assert_int_equal(mc_http_get(&uv, "/api/v1/my/polls?state=waiting", &r), 200);
	size_t i;
	json_t *p;
	int waiting = 0;
	json_array_foreach(json_object_get(r.json, "items"), i, p)
		waiting += jint(p, "id") == id;
	assert_int_equal(waiting, 1);
	mc_http_res_free(&r);
	/* an answer, then a changed one: both kept, the last counts, signed */
	assert_int_equal(answer("uyvien.ubnd", id, agree, &r), 201);
	mc_http_res_free(&r);
	assert_int_equal(
		answer("uyvien.ubnd", id,
		       "{\"choice\": \"other\", \"comment\": \"Đề nghị bổ sung đánh giá tác động\", \"pin\": \"" PIN
		       "\"}",
		       &r),
		201);
	json_t *m;
	json_array_foreach(json_object_get(r.json, "members"), i, m) {
		if (jint(m, "id") != uyvien)
			continue;
		json_t *a = json_object_get(m, "answer");
		assert_string_equal(jstr(a, "choice"), "other");
		json_t *sig = json_object_get(a, "signature");
		assert_true(jint(sig, "id") > 0);
		assert_string_equal(jstr(sig, "signer"), "Lê Thị Thu Hà");
	}
	assert_int_equal(json_array_size(json_object_get(r.json, "answers")), 2);
	/* the signature holds over the text shown, as openssl checks it */
	json_t *last = json_array_get(json_object_get(r.json, "answers"), 1);
	const char *text = jstr(last, "signed_text");
	assert_non_null(strstr(text, "\"choice\":\"other\""));
	assert_non_null(strstr(text, "\"member\":\"Lê Thị Thu Hà\""));
	mc_test_write(dir, "answer.json", text, strlen(text));
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/signatures/%lld/p7s",
		 (long long)jint(json_object_get(last, "signature"), "id"));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&uv, path, &r), 200);
	mc_test_write(dir, "answer.p7s", r.body, r.len);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&uv, "/pki/ca.pem", &r), 200);
	mc_test_write(dir, "chain.pem", r.body, r.len);
	mc_http_res_free(&r);
	assert_int_equal(mc_test_sh(dir, "openssl cms -verify -binary -inform DER -in answer.p7s -content answer.json"
					 " -CAfile chain.pem -purpose any -out /dev/null"),
			 0);
	assert_int_equal(
		count("SELECT COUNT(*) FROM poll_answers WHERE poll_id = %lld AND signature_id IS NOT NULL", id), 2);
	/* each signature is the member's, over the canonical text of the answer */
	assert_int_equal(count("SELECT COUNT(*) FROM poll_answers a JOIN signatures g ON g.id = a.signature_id JOIN"
			       " blobs b ON b.sha256 = g.file_sha256 WHERE a.poll_id = %lld AND g.user_id = a.user_id"
			       " AND g.format = 'cms'",
			       id),
			 2);
	assert_int_equal(mc_http_get(&uv, "/api/v1/my/polls?state=waiting", &r), 200);
	waiting = 0;
	json_array_foreach(json_object_get(r.json, "items"), i, p)
		waiting += jint(p, "id") == id;
	assert_int_equal(waiting, 0);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&uv, "/api/v1/my/polls?state=later", &r), 422);
	mc_http_res_free(&r);
	/* the result's PDF comes at the deadline */
	snprintf(path, sizeof(path), "/api/v1/polls/%lld/pdf", (long long)id);
	assert_int_equal(mc_http_get(&uv, path, &r), 409);
	mc_http_res_free(&r);
}

static void reminders_queued_once(void **state)
{
	(void)state;
	json_int_t id = open_poll(7200, "none");
	struct mc_http_res r;
	assert_int_equal(answer("lanhdao", id, "{\"choice\": \"agree\", \"pin\": \"" PIN "\"}", &r), 201);
	mc_http_res_free(&r);
	char out[512];
	/* two hours before the deadline: the two members who have not answered */
	housekeeping(0, out, sizeof(out));
	assert_int_equal(count("SELECT COUNT(*) FROM outbox WHERE topic = 'polls' AND topic_id = %lld AND event = "
			       "'poll_reminder'",
			       id),
			 2);
	assert_int_equal(
		count("SELECT COUNT(*) FROM poll_reminders WHERE poll_id = %lld AND kind = 'due_soon' AND"
		      " user_id IN (SELECT id FROM users WHERE username IN ('uyvien.ubnd', 'phochutich.ubnd'))",
		      id),
		2);
	/* once */
	housekeeping(600, out, sizeof(out));
	assert_int_equal(count("SELECT COUNT(*) FROM outbox WHERE topic = 'polls' AND topic_id = %lld AND event = "
			       "'poll_reminder'",
			       id),
			 2);
}

/* The members' entries of a closed poll's result: counted_as of user. */
static const char *counted_as(json_t *result, int64_t user)
{
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(result, "members"), i, m)
		if (jint(m, "user_id") == user)
			return json_is_null(json_object_get(m, "counted_as")) ? "null" : jstr(m, "counted_as");
	return "absent";
}

static void closing_counts_rules_pdf_conclusion(void **state)
{
	(void)state;
	start(0);
	json_int_t a = open_poll(3600, "agree"), b = open_poll(3600, "none");
	struct mc_http_res r;
	const json_int_t polls[] = {a, b};
	for (int i = 0; i < 2; i++) {
		assert_int_equal(answer("lanhdao", polls[i], "{\"choice\": \"agree\", \"pin\": \"" PIN "\"}", &r), 201);
		mc_http_res_free(&r);
		assert_int_equal(answer("uyvien.ubnd", polls[i], "{\"choice\": \"agree\", \"pin\": \"" PIN "\"}", &r),
				 201);
		mc_http_res_free(&r);
		assert_int_equal(
			answer("uyvien.ubnd", polls[i],
			       "{\"choice\": \"disagree\", \"comment\": \"Chưa đủ cơ sở pháp lý\", \"pin\": \"" PIN
			       "\"}",
			       &r),
			201);
		mc_http_res_free(&r);
	}
	/* three hours on: the deadline has passed */
	start(3 * 3600);
	assert_int_equal(
		answer("lanhdao", a, "{\"choice\": \"disagree\", \"comment\": \"Muộn\", \"pin\": \"" PIN "\"}", &r),
		409);
	json_t *e = json_array_get(json_object_get(r.json, "errors"), 0);
	assert_string_equal(jstr(e, "field"), "deadline");
	assert_non_null(strstr(jstr(e, "message_vi"), "hết thời hạn"));
	assert_non_null(strstr(jstr(e, "message_en"), "deadline has passed"));
	mc_http_res_free(&r);
	/* read after the deadline, before any housekeeping: closed by the
	 * reading, silence not counted */
	assert_int_equal(get_poll("chutich", b, &r), 200);
	assert_string_equal(jstr(r.json, "status"), "closed");
	json_t *res = json_object_get(r.json, "result");
	assert_string_equal(jstr(res, "rule"), "none");
	json_t *cn = json_object_get(res, "counted");
	assert_int_equal(jint(cn, "agree"), 1);
	assert_int_equal(jint(cn, "disagree"), 1);
	assert_int_equal(jint(cn, "not_counted"), 1);
	assert_string_equal(counted_as(res, phochutich), "null");
	mc_http_res_free(&r);
	/* the housekeeping closes the other one; the first stays as it was closed */
	char out[512];
	housekeeping(3 * 3600, out, sizeof(out));
	assert_int_equal(count("SELECT COUNT(*) FROM polls WHERE id = %lld AND status = 'closed'", a), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM poll_events WHERE poll_id = %lld AND action = 'close'", a), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM poll_events WHERE poll_id = %lld AND action = 'close'", b), 1);
	/* the result told once to who opened the poll and to the chairman */
	assert_int_equal(count("SELECT COUNT(*) FROM outbox WHERE topic = 'polls' AND topic_id = %lld AND event = "
			       "'poll_closed' AND"
			       " recipient LIKE '%%\"full_name\":\"Trần Quốc Thịnh\"%%'",
			       a),
			 1);
	assert_int_equal(
		count("SELECT COUNT(*) FROM outbox WHERE topic = 'polls' AND topic_id = %lld AND event = 'poll_closed'",
		      a),
		2);
	/* silence counted as agreement */
	assert_int_equal(get_poll("vanthu.vp", a, &r), 200);
	res = json_object_get(r.json, "result");
	assert_string_equal(jstr(res, "rule"), "agree");
	json_t *k = json_object_get(res, "counts");
	cn = json_object_get(res, "counted");
	assert_int_equal(jint(k, "agree"), 1);
	assert_int_equal(jint(k, "disagree"), 1);
	assert_int_equal(jint(k, "other"), 0);
	assert_int_equal(jint(k, "silent"), 1);
	assert_int_equal(jint(cn, "agree"), 2);
	assert_int_equal(jint(cn, "not_counted"), 0);
	assert_string_equal(counted_as(res, phochutich), "agree");
	assert_string_equal(counted_as(res, uyvien), "disagree");
	/* the counts are the members' last answers as stored */
	assert_int_equal(
		jint(k, "disagree"),
		count("SELECT COUNT(*) FROM poll_answers a WHERE a.poll_id = %lld AND a.choice = 'disagree' AND"
		      " a.id = (SELECT MAX(b.id) FROM poll_answers b WHERE b.poll_id = a.poll_id AND b.user_id ="
		      " a.user_id)",
		      a));
	assert_int_equal(
		jint(k, "agree"),
		count("SELECT COUNT(*) FROM poll_answers a WHERE a.poll_id = %lld AND a.choice = 'agree' AND"
		      " a.id = (SELECT MAX(b.id) FROM poll_answers b WHERE b.poll_id = a.poll_id AND b.user_id ="
		      " a.user_id)",
		      a));
	json_int_t version = jint(r.json, "version");
	mc_http_res_free(&r);
	/* the PDF summary says the counts and the rule */
	struct mc_http_session ct, ld, vp;
	mc_http_login_as(&ct, srv.base, "chutich");
	mc_http_login_as(&ld, srv.base, "lanhdao");
	mc_http_login_as(&vp, srv.base, "vanthu.vp");
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/polls/%lld/pdf", (long long)a);
	assert_int_equal(mc_http_get(&ld, path, &r), 200);
	assert_memory_equal(r.body, "%PDF", 4);
	char *text = mc_test_pdf_text(&r);
	mc_test_expect_text(text, "Đồng ý: 1; Không đồng ý: 1; Ý kiến khác: 0; Không trả lời: 1");
	mc_test_expect_text(text, "tính là đồng ý");
	mc_test_expect_text(text, "Đồng ý: 2;");
	mc_test_expect_text(text, "Chưa đủ cơ sở pháp lý");
	free(text);
	mc_http_res_free(&r);
	/* the chairman concludes, once; nobody else */
	snprintf(path, sizeof(path), "/api/v1/polls/%lld/conclusion", (long long)a);
	const char *body = "{\"conclusion\": \"Thống nhất thông qua tờ trình\"}";
	char etag[40];
	snprintf(etag, sizeof(etag), "If-Match: \"v%lld\"", (long long)version);
	const char *h[] = {etag, NULL};
	assert_int_equal(mc_http_do(&ld, "POST", path, body, h, &r), 0);
	assert_int_equal(r.status, 403);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_do(&vp, "POST", path, body, h, &r), 0);
	assert_int_equal(r.status, 403);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_do(&ct, "POST", path, body, NULL, &r), 0);
	assert_int_equal(r.status, 428);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_do(&ct, "POST", path, body, h, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(jstr(json_object_get(r.json, "conclusion"), "text"), "Thống nhất thông qua tờ trình");
	mc_http_res_free(&r);
	assert_int_equal(mc_http_do(&ct, "POST", path, body, h, &r), 0);
	assert_int_equal(r.status, 409);
	mc_http_res_free(&r);
	/* the result was computed once: reading again changes nothing */
	assert_int_equal(count("SELECT COUNT(*) FROM poll_events WHERE poll_id = %lld AND action = 'close'", b), 1);
	assert_int_equal(
		count("SELECT COUNT(*) FROM audit_log WHERE action = 'poll.conclude' AND object_id = '%lld'", a), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(opening_validated_and_authorised),
		cmocka_unit_test(who_sees_and_answers),
		cmocka_unit_test(reminders_queued_once),
		cmocka_unit_test(closing_counts_rules_pdf_conclusion),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
