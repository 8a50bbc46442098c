/*
 * test_dossier_actions.c - every workflow transition of a dossier over
 * HTTP, allowed and refused: receive, request_supplement, supplement,
 * refuse, assign, forward, return, withdraw, stop, extend.  Each allowed
 * action answers 200 with the new status, version + 1 and an event (from,
 * to, actor); each refusal (409 wrong state, 403 wrong role, 404 not
 * visible, 422 bad input, 428 no If-Match, 412 stale) changes nothing.
 * The outbox (read from the database) gets exactly one complete event per
 * transition that concerns the applicant and none for views or assignments.
 * Also: idempotent submission, work queues (receive, all, mine, due_soon,
 * overdue) and statistics equal to a recount.  Servers run on chosen dates
 * (MOTCUA_TEST_NOW): S1 Tue 2027-03-02 09:00, S2 Fri 2027-03-05 10:00 and
 * S3 Tue 2027-03-09 09:00, all on the same database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "only.h"
#include "pdf.h"
#include "server.h"
#include "testdb.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mc_test_server srv;
static char db_url[512];
static struct mc_db *db;

static char S1_NOW[] = "MOTCUA_TEST_NOW=2027-03-02T09:00:00+07:00"; /* Tuesday */
static char S2_NOW[] = "MOTCUA_TEST_NOW=2027-03-05T10:00:00+07:00"; /* Friday, deadline day */
static char S3_NOW[] = "MOTCUA_TEST_NOW=2027-03-09T09:00:00+07:00"; /* next Tuesday */

/* the citizen Nguyễn Văn An, ward 26740: competent is UBND Phường Sài Gòn */
#define SHA0 "0000000000000000000000000000000000000000000000000000000000000000"
static const char *CIT = "079203001234", *CIT_PHONE = "0816861711", *CIT_EMAIL = "annguyenvan03@gmail.com";
static const char *BODY3 =
	"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\","
	"\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"Kết "
	"hôn\"}}";
/* 2.000635: the same working day ("trả kết quả trong ngày") */
static const char *BODY8 = "{\"procedure_code\":\"2.000635\",\"form\":{\"subject_full_name\":\"Nguyễn Văn "
			   "An\",\"subject_birth_date\":\"2003-05-14\","
			   "\"record_kind\":\"birth\",\"registration_unit\":\"26740\",\"copies\":2}}";

/* BODY3 taken in at a counter, with all its papers: An's own ID links it to
 * his account, the clerk takes his phone down */
static const char *COUNTER3 =
	"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn "
	"An\",\"id_number\":\"079203001234\","
	"\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":"
	"\"Kết hôn\"},"
	"\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],\"applicant\":{\"full_name\":\"Nguyễn Văn An\","
	"\"id_number\":\"079203001234\",\"phone\":\"0912345678\",\"ward_code\":\"26740\"}}";

/* S2 / S3 while a test runs (stopped by stop_later even when it fails) */
static struct mc_test_server later;

/* sessions on S1, logged in by the group set-up */
static struct mc_http_session cit, cit2, clerk, spec, lead, oclerk, ospec, olead, bclerk, city;

/* what the statistics must count (received in 2027, competent ward), as
 * the tests that ran so far made it */
static int n_online, n_counter, n_refused, n_withdrawn, n_stopped, n_resolved, n_late;

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	const char *env[] = {S1_NOW, NULL};
	mc_test_server_start(&srv, db_url, env);
	mc_http_login_as(&cit, srv.base, CIT);
	mc_http_login_as(&cit2, srv.base, "079185176822");     /* another citizen */
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740"); /* UBND Phường Sài Gòn */
	mc_http_login_as(&spec, srv.base, "chuyenvien.p26740");
	mc_http_login_as(&lead, srv.base, "chutich.p26740");
	mc_http_login_as(&oclerk, srv.base, "tiepnhan.p26743"); /* UBND Phường Bến Thành */
	mc_http_login_as(&ospec, srv.base, "chuyenvien.p26743");
	mc_http_login_as(&olead, srv.base, "phochutich.p26743");
	mc_http_login_as(&bclerk, srv.base, "tiepnhan.cn1"); /* branch of the service centre */
	mc_http_login_as(&city, srv.base, "lanhdao");        /* city leader: reads everything */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (later.pid > 0)
		mc_test_server_stop(&later);
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, db);
	return 0;
}

static int stop_later(void **state)
{
	(void)state;
	if (later.pid > 0)
		assert_int_equal(mc_test_server_stop(&later), 0);
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

/* ---- the database, read straight ---- */

static int64_t sql_int(const char *sql, const char *a1)
{
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int64_t v = -1;
	int rc = mc_query_int64(c, &v, sql, "t", a1);
	mc_db_release(c);
	assert_int_equal(rc, 0);
	return v;
}

static int64_t user_id(const char *name)
{
	struct mc_conn *c;
	int64_t v = 0;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int rc = mc_query_int64(c, &v, "SELECT id FROM users WHERE username = ? OR id_number = ?", "tt", name, name);
	mc_db_release(c);
	assert_int_equal(rc, 0);
	return v;
}

static int64_t outbox_total(const char *code)
{
	return sql_int("SELECT COUNT(*) FROM outbox o JOIN dossiers d ON d.id = o.dossier_id WHERE d.code = ?", code);
}

/* The dossiers' own notifications (a fee's are the payments' topic). */
static int64_t outbox_all(void)
{
	return sql_int("SELECT COUNT(*) FROM outbox WHERE dossier_id IS NOT NULL AND CAST(? AS TEXT) IS NOT NULL", "x");
}

static int64_t events_total(const char *code)
{
	return sql_int("SELECT COUNT(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id"
		       " WHERE d.code = ? AND e.action <> 'view'",
		       code);
}

/* The newest outbox row of the dossier: its event, the dossier code and
 * status in the payload, the applicant's contact in the recipient. */
static void check_last_outbox(const char *code, const char *event, const char *status, const char *phone,
			      const char *email)
{
	struct mc_conn *c;
	struct mc_stmt *s;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(
		mc_query(c, &s,
			 "SELECT o.event, o.recipient, o.payload FROM outbox o JOIN dossiers d ON d.id = o.dossier_id"
			 " WHERE d.code = ? ORDER BY o.id DESC LIMIT 1",
			 "t", code),
		0);
	assert_int_equal(mc_step(s), MC_DB_ROW);
	json_error_t je;
	char ev[40];
	snprintf(ev, sizeof(ev), "%s", mc_col_text(s, 0));
	json_t *rec = json_loads(mc_col_text(s, 1), 0, &je), *pay = json_loads(mc_col_text(s, 2), 0, &je);
	mc_stmt_done(s);
	mc_db_release(c);
	assert_non_null(rec);
	assert_non_null(pay);
	assert_string_equal(ev, event);
	assert_string_equal(jstr(pay, "event"), event);
	assert_string_equal(jstr(pay, "code"), code);
	assert_string_equal(jstr(pay, "status"), status);
	assert_non_null(json_object_get(pay, "due_at"));
	if (phone)
		assert_string_equal(jstr(rec, "phone"), phone);
	if (email)
		assert_string_equal(jstr(rec, "email"), email);
	assert_non_null(jstr(rec, "full_name"));
	json_decref(rec);
	json_decref(pay);
}

/* ---- HTTP helpers ---- */

/* Version and status as the applicant sees them (no view event). */
static void state_of(const char *code, long *version, char status[32])
{
	char path[200];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	assert_int_equal(mc_http_get(&cit, path, &r), 200);
	*version = jint(r.json, "version");
	snprintf(status, 32, "%s", jstr(r.json, "status"));
	char tag[40];
	snprintf(tag, sizeof(tag), "\"v%ld\"", *version);
	assert_string_equal(mc_http_header(&r, "ETag"), tag);
	mc_http_res_free(&r);
}

static long version_now(const char *code)
{
	long v;
	char st[32];
	state_of(code, &v, st);
	return v;
}

/* A refused action: the expected status, a problem+json body, and nothing
 * changed (version, status, events, outbox). */
static void deny_v(struct mc_http_session *s, const char *code, const char *action, long version, const char *body,
		   long want)
{
	long v0, v1;
	char st0[32], st1[32];
	state_of(code, &v0, st0);
	int64_t ob = outbox_total(code), ev = events_total(code);
	struct mc_http_res r;
	long got = mc_http_act_v(s, code, action, version, body, &r);
	if (got != want)
		fail_msg("%s on %s (%s, v%ld): want %ld, got %ld: %s", action, code, st0, version, want, got, r.body);
	assert_non_null(strstr(mc_http_header(&r, "Content-Type"), "problem+json"));
	mc_http_res_free(&r);
	state_of(code, &v1, st1);
	assert_int_equal(v1, v0);
	assert_string_equal(st1, st0);
	assert_int_equal(outbox_total(code), ob);
	assert_int_equal(events_total(code), ev);
}

/* Refused with the current version. */
static void deny(struct mc_http_session *s, const char *code, const char *action, const char *body, long want)
{
	deny_v(s, code, action, version_now(code), body, want);
}

/* An allowed action by actor: 200, the status, version + 1, an event with
 * from / to / actor, and exactly one outbox event (notify) or none.  The
 * response stays in *out when out is not NULL. */
static void allow(struct mc_http_session *s, const char *actor, const char *code, const char *action, const char *body,
		  const char *to, const char *notify, struct mc_http_res *out)
{
	long v0;
	char st0[32];
	state_of(code, &v0, st0);
	int64_t ob = outbox_total(code), all = outbox_all();
	struct mc_http_res r;
	long got = mc_http_act_v(s, code, action, v0, body, &r);
	if (got != 200)
		fail_msg("%s on %s (%s): want 200, got %ld: %s", action, code, st0, got, r.body);
	assert_string_equal(jstr(r.json, "status"), to);
	assert_int_equal(jint(r.json, "version"), v0 + 1);
	char tag[40];
	snprintf(tag, sizeof(tag), "\"v%ld\"", v0 + 1);
	assert_string_equal(mc_http_header(&r, "ETag"), tag);
	/* the event: from the response, or as an official reads it */
	json_t *events = json_object_get(r.json, "events");
	struct mc_http_res g = {0};
	if (!events) {
		char path[200];
		snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
		assert_int_equal(mc_http_get(&city, path, &g), 200);
		events = json_object_get(g.json, "events");
	}
	json_t *last = NULL, *e;
	size_t i;
	json_array_foreach(events, i, e)
		if (strcmp(jstr(e, "action"), "view") != 0)
			last = e;
	assert_non_null(last);
	assert_string_equal(jstr(last, "action"), action);
	assert_string_equal(jstr(last, "from_status"), st0);
	assert_string_equal(jstr(last, "to_status"), to);
	assert_int_equal(jint(last, "actor_id"), user_id(actor));
	assert_non_null(jstr(last, "at"));
	mc_http_res_free(&g);
	/* the outbox */
	assert_int_equal(outbox_total(code), ob + (notify ? 1 : 0));
	assert_int_equal(outbox_all(), all + (notify ? 1 : 0));
	if (notify) {
		/* every dossier here is An's: online with his account's contact,
		 * at a counter with the phone the clerk took down */
		check_last_outbox(code, notify, to, NULL, NULL);
		struct mc_conn *c;
		struct mc_stmt *q;
		assert_int_equal(mc_db_acquire(db, &c), 0);
		assert_int_equal(
			mc_query(c, &q,
				 "SELECT o.recipient, d.channel FROM outbox o JOIN dossiers d ON d.id = o.dossier_id"
				 " WHERE d.code = ? ORDER BY o.id DESC LIMIT 1",
				 "t", code),
			0);
		assert_int_equal(mc_step(q), MC_DB_ROW);
		json_error_t je;
		json_t *rec = json_loads(mc_col_text(q, 0), 0, &je);
		int online = strcmp(mc_col_text(q, 1), "online") == 0;
		mc_stmt_done(q);
		mc_db_release(c);
		assert_int_equal(json_integer_value(json_object_get(rec, "user_id")), user_id(CIT));
		assert_string_equal(jstr(rec, "phone"), online ? CIT_PHONE : "0912345678");
		if (online)
			assert_string_equal(jstr(rec, "email"), CIT_EMAIL);
		json_decref(rec);
	}
	if (out)
		*out = r;
	else
		mc_http_res_free(&r);
}

/* Online submission by the citizen An: 201, one "submitted" notification. */
static void submit(const char *body, char code[80])
{
	struct mc_http_res r;
	int64_t all = outbox_all();
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", body, &r), 201);
	assert_string_equal(jstr(r.json, "status"), "submitted");
	assert_int_equal(jint(r.json, "version"), 1);
	snprintf(code, 80, "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
	assert_int_equal(outbox_total(code), 1);
	assert_int_equal(outbox_all(), all + 1);
	check_last_outbox(code, "submitted", "submitted", CIT_PHONE, CIT_EMAIL);
}

static void receive(const char *code)
{
	allow(&clerk, "tiepnhan.p26740", code, "receive", NULL, "in_progress", "received", NULL);
	n_online++;
}

/* ---- dossiers in a given state, made on S1 (Tue 2027-03-02 09:00) ---- */

/* Submitted online by An and received: in the specialist's step, due Fri
 * 17:00 (BODY3) or Tue 17:00 (BODY8). */
static void received(const char *body, char code[80])
{
	submit(body, code);
	receive(code);
}

/* Received, then asked for papers by the specialist. */
static void asked_for_papers(char code[80])
{
	received(BODY3, code);
	allow(&spec, "chuyenvien.p26740", code, "request_supplement", "{\"items\":[\"Bản sao giấy tờ ly hôn\"]}",
	      "supplement_requested", "supplement_requested", NULL);
}

/* Received, and its appointment moved to Wed 2027-03-10 17:00 (asked by
 * the specialist, approved by the chairman); the legal deadline stays Fri. */
static void extended(char code[80])
{
	received(BODY3, code);
	allow(&spec, "chuyenvien.p26740", code, "extend",
	      "{\"reason\":\"Cần xác minh tại nơi cư trú trước\",\"new_due_at\":\"2027-03-10T17:00:00+07:00\"}",
	      "in_progress", NULL, NULL);
	allow(&lead, "chutich.p26740", code, "approve_extension", NULL, "in_progress", "extended", NULL);
}

static const char *due_of(const char *code, char out[40])
{
	char path[200];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	assert_int_equal(mc_http_get(&cit, path, &r), 200);
	snprintf(out, 40, "%s", jstr(r.json, "due_at") ? jstr(r.json, "due_at") : "null");
	mc_http_res_free(&r);
	return out;
}

/* Is code in the queue of s?  The count in /queues must equal the list. */
static int in_queue(struct mc_http_session *s, const char *queue, const char *code)
{
	char path[100];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/queues/%s?limit=200", queue);
	assert_int_equal(mc_http_get(s, path, &r), 200);
	int found = 0;
	size_t i;
	json_t *it;
	json_t *items = json_object_get(r.json, "items");
	json_array_foreach(items, i, it)
		found |= strcmp(jstr(it, "code"), code) == 0;
	long n = (long)json_array_size(items);
	mc_http_res_free(&r);
	/* the count agrees with the list (every queue holds < 200 here) */
	if (strcmp(queue, "all") != 0) {
		assert_int_equal(mc_http_get(s, "/api/v1/queues", &r), 200);
		assert_int_equal(jint(r.json, queue), n);
		mc_http_res_free(&r);
	}
	return found;
}

/* Is code in the list at /api/v1/queues/<query> (a queue with its filters)? */
static int in_list(struct mc_http_session *s, const char *query, const char *code)
{
	char path[160];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/queues/%s&limit=200", query);
	assert_int_equal(mc_http_get(s, path, &r), 200);
	int found = 0;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(r.json, "items"), i, it)
		found |= strcmp(jstr(it, "code"), code) == 0;
	mc_http_res_free(&r);
	return found;
}

/* ---------------- the tests ---------------- */

static void receive_rules(void **state)
{
	(void)state;
	char A[80];
	submit(BODY3, A);
	/* If-Match: required, and current */
	deny_v(&clerk, A, "receive", -1, NULL, 428);
	deny_v(&clerk, A, "receive", 7, NULL, 412);
	deny_v(&clerk, A, "receive", 0, NULL, 412);
	/* wrong role in the agency; the applicant; officials who cannot see it */
	deny(&spec, A, "receive", NULL, 403);
	deny(&lead, A, "receive", NULL, 403);
	deny(&cit, A, "receive", NULL, 403);
	deny(&oclerk, A, "receive", NULL, 404);
	deny(&bclerk, A, "receive", NULL, 404);
	deny(&cit2, A, "receive", NULL, 404);
	/* not allowed while submitted */
	deny(&spec, A, "forward", NULL, 409);
	deny(&lead, A, "assign", "{\"assignee_id\":1}", 409);
	deny(&clerk, A, "return", NULL, 409);
	deny(&lead, A, "stop", "{\"reason\":\"x\"}", 409);
	deny(&spec, A, "extend", "{\"reason\":\"x\",\"new_due_at\":\"2027-04-01T17:00:00+07:00\"}", 409);
	deny(&cit, A, "supplement", NULL, 409);
	/* an unknown action */
	deny(&clerk, A, "approve", NULL, 404);
	receive(A);
	char due[40];
	/* 3 working days from Tue 09:00: Wed, Thu, Fri -> Fri 17:00 */
	assert_string_equal(due_of(A, due), "2027-03-05T17:00:00+07:00");
	/* once only; and a stale click after it */
	deny(&clerk, A, "receive", NULL, 409);
	deny_v(&clerk, A, "receive", 1, NULL, 412);
}

static void assign_rules(void **state)
{
	(void)state;
	int64_t sid = user_id("chuyenvien.p26740"), cid = user_id("tiepnhan.p26740"),
		oid = user_id("chuyenvien.p26743");
	char body[80], A[80];
	received(BODY3, A);
	assert_false(in_queue(&spec, "mine", A));
	assert_true(in_queue(&spec, "all", A));
	/* only a department head or leader of the current unit (the ward has no
	 * dept_head: its leader assigns) */
	snprintf(body, sizeof(body), "{\"assignee_id\":%lld}", (long long)sid);
	deny(&spec, A, "assign", body, 403);
	deny(&clerk, A, "assign", body, 403);
	deny(&cit, A, "assign", body, 403);
	deny(&olead, A, "assign", body, 404);
	/* to someone holding the step's role (specialist) there */
	deny(&lead, A, "assign", "{}", 422);
	deny(&lead, A, "assign", "{\"assignee_id\":\"x\"}", 422);
	snprintf(body, sizeof(body), "{\"assignee_id\":%lld}", (long long)cid);
	deny(&lead, A, "assign", body, 422);
	snprintf(body, sizeof(body), "{\"assignee_id\":%lld}", (long long)oid);
	deny(&lead, A, "assign", body, 422);
	/* allowed: no notification; views add none either */
	int64_t all = outbox_all();
	struct mc_http_res r;
	snprintf(body, sizeof(body), "{\"assignee_id\":%lld}", (long long)sid);
	allow(&lead, "chutich.p26740", A, "assign", body, "in_progress", NULL, &r);
	assert_int_equal(jint(json_object_get(r.json, "assignee"), "id"), sid);
	assert_int_equal(jint(r.json, "current_step"), 2);
	mc_http_res_free(&r);
	char path[200];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", A);
	assert_int_equal(mc_http_get(&spec, path, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&lead, path, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(outbox_all(), all);
	/* "mine" is what is assigned to me */
	assert_true(in_queue(&spec, "mine", A));
	assert_false(in_queue(&lead, "mine", A));
}

static void forward_and_return(void **state)
{
	(void)state;
	char C[80];
	submit(BODY3, C);
	receive(C);
	/* the specialist's step: not the clerk's, nobody's of another ward */
	deny(&clerk, C, "forward", NULL, 403);
	deny(&lead, C, "forward", NULL, 403);
	deny(&ospec, C, "forward", NULL, 404);
	deny(&cit, C, "forward", NULL, 403);
	deny(&clerk, C, "return", NULL, 409);
	deny_v(&spec, C, "forward", -1, NULL, 428);
	deny_v(&spec, C, "forward", version_now(C) - 1, NULL, 412);
	deny_v(&spec, C, "forward", version_now(C) + 1, NULL, 412);
	struct mc_http_res r;
	allow(&spec, "chuyenvien.p26740", C, "forward", "{\"note\":\"Hồ sơ hợp lệ\"}", "in_progress", NULL, &r);
	assert_string_equal(jstr(r.json, "current_role"), "leader");
	assert_int_equal(jint(r.json, "current_step"), 3);
	mc_http_res_free(&r);
	/* the leader's step now */
	deny(&spec, C, "forward", NULL, 403);
	deny(&olead, C, "forward", NULL, 404);
	allow(&lead, "chutich.p26740", C, "forward", NULL, "result_ready", "result_ready", &r);
	/* finished on Tuesday, due on Friday: early */
	assert_string_equal(jstr(r.json, "result_status"), "early");
	assert_string_equal(jstr(r.json, "current_role"), "clerk");
	mc_http_res_free(&r);
	n_resolved++;
	deny(&lead, C, "forward", NULL, 409);
	deny(&spec, C, "return", NULL, 403);
	deny(&lead, C, "return", NULL, 403);
	deny(&oclerk, C, "return", NULL, 404);
	deny(&cit, C, "withdraw", NULL, 409);
	deny(&lead, C, "stop", "{\"reason\":\"x\"}", 409);
	deny(&spec, C, "refuse", "{\"reasons\":[\"x\"]}", 409);
	allow(&clerk, "tiepnhan.p26740", C, "return", NULL, "returned", "returned", &r);
	assert_non_null(jstr(r.json, "returned_at"));
	mc_http_res_free(&r);
	/* nothing more */
	const char *all[] = {"receive", "request_supplement", "supplement", "refuse", "assign",           "forward",
			     "return",  "withdraw",           "stop",       "extend", "approve_extension"};
	for (int i = 0; i < 11; i++)
		deny(strcmp(all[i], "withdraw") == 0 || strcmp(all[i], "supplement") == 0 ? &cit : &clerk, C, all[i],
		     "{\"reasons\":[\"x\"],\"items\":[\"x\"],\"reason\":\"x\"}", 409);
	/* the applicant's notifications, in order */
	struct mc_conn *c;
	struct mc_stmt *s;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_query(c, &s,
				  "SELECT o.event FROM outbox o JOIN dossiers d ON d.id = o.dossier_id WHERE d.code = "
				  "? ORDER BY o.id",
				  "t", C),
			 0);
	const char *want[] = {"submitted", "received", "result_ready", "returned"};
	int n = 0;
	while (mc_step(s) == MC_DB_ROW) {
		assert_true(n < 4);
		assert_string_equal(mc_col_text(s, 0), want[n]);
		n++;
	}
	mc_stmt_done(s);
	mc_db_release(c);
	assert_int_equal(n, 4);
}

static void supplement_rules(void **state)
{
	(void)state;
	/* at intake: the clerk asks for papers, in one list of 1-50 items */
	char D[80];
	submit(BODY3, D);
	deny(&clerk, D, "request_supplement", "{}", 422);
	deny(&clerk, D, "request_supplement", "{\"items\":[]}", 422);
	deny(&clerk, D, "request_supplement", "{\"items\":\"Tờ khai\"}", 422);
	deny(&clerk, D, "request_supplement", "{\"items\":[1]}", 422);
	deny(&clerk, D, "request_supplement", "{\"items\":[\"\"]}", 422);
	char many[1200];
	size_t k = (size_t)snprintf(many, sizeof(many), "{\"items\":[");
	for (int i = 0; i < 51; i++)
		k += (size_t)snprintf(many + k, sizeof(many) - k, "%s\"giấy %d\"", i ? "," : "", i);
	snprintf(many + k, sizeof(many) - k, "]}");
	deny(&clerk, D, "request_supplement", many, 422);
	deny(&spec, D, "request_supplement", "{\"items\":[\"Tờ khai\"]}", 403);
	deny(&cit, D, "request_supplement", "{\"items\":[\"Tờ khai\"]}", 403);
	deny(&oclerk, D, "request_supplement", "{\"items\":[\"Tờ khai\"]}", 404);
	struct mc_http_res r;
	allow(&clerk, "tiepnhan.p26740", D, "request_supplement",
	      "{\"items\":[\"Tờ khai có chữ ký\",\"Bản sao giấy tờ ly hôn\"],\"reason\":\"Thiếu giấy tờ\"}",
	      "supplement_requested", "supplement_requested", &r);
	json_t *sup = json_object_get(r.json, "supplement");
	assert_int_equal(json_array_size(json_object_get(sup, "items")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(sup, "items"), 0)), "Tờ khai có chữ ký");
	assert_non_null(jstr(sup, "requested_at"));
	mc_http_res_free(&r);
	/* while waiting: no processing */
	deny(&clerk, D, "receive", NULL, 409);
	deny(&clerk, D, "request_supplement", "{\"items\":[\"x\"]}", 409);
	/* only the applicant (or a clerk) hands the papers in */
	deny(&spec, D, "supplement", NULL, 403);
	deny(&cit2, D, "supplement", NULL, 404);
	deny(&cit, D, "supplement", "{\"form\":[1]}", 422);
	/* an answer hands in something: a file for an item, or a note */
	deny(&cit, D, "supplement", NULL, 422);
	deny(&cit, D, "supplement", "{\"files\":[{\"item\":3,\"sha256\":\"" SHA0 "\"}]}", 422);
	deny(&cit, D, "supplement", "{\"files\":[{\"item\":1,\"sha256\":\"" SHA0 "\"}]}", 422);
	/* the applicant's answer waits for the clerk's check, item by item */
	allow(&cit, CIT, D, "supplement", "{\"note\":\"Tôi sẽ mang bản chính đến quầy\"}", "supplement_requested",
	      "supplement_answered", NULL);
	deny(&cit, D, "check_supplement", "{\"items\":[{\"no\":1,\"received\":true}]}", 403);
	deny(&spec, D, "check_supplement", "{\"items\":[{\"no\":1,\"received\":true}]}", 403);
	deny(&clerk, D, "check_supplement", "{}", 422);
	deny(&clerk, D, "check_supplement", "{\"items\":[{\"no\":3,\"received\":true}]}", 422);
	deny(&clerk, D, "check_supplement", "{\"items\":[{\"no\":1,\"received\":1}]}", 422);
	deny(&clerk, D, "check_supplement", "{\"items\":[{\"no\":1,\"received\":true},{\"no\":1,\"received\":true}]}",
	     422);
	/* one of two in hand: still waiting, the applicant is told */
	allow(&clerk, "tiepnhan.p26740", D, "check_supplement",
	      "{\"items\":[{\"no\":1,\"received\":true},{\"no\":2,\"received\":false}]}", "supplement_requested",
	      "supplement_incomplete", &r);
	sup = json_object_get(r.json, "supplement");
	assert_string_equal(json_string_value(json_array_get(json_object_get(sup, "item_states"), 0)), "received");
	assert_string_equal(json_string_value(json_array_get(json_object_get(sup, "item_states"), 1)), "missing");
	assert_null(json_object_get(sup, "supplied_at"));
	mc_http_res_free(&r);
	/* not yet received: back to submitted once all is in hand, no deadline yet */
	allow(&clerk, "tiepnhan.p26740", D, "check_supplement", "{\"items\":[{\"no\":2,\"received\":true}]}",
	      "submitted", "supplemented", NULL);
	char due[40];
	assert_string_equal(due_of(D, due), "null");

	/* during processing: the officer of the current step, within 3 working
	 * days of intake */
	char E[80];
	submit(BODY3, E);
	receive(E);
	assert_string_equal(due_of(E, due), "2027-03-05T17:00:00+07:00");
	deny(&clerk, E, "request_supplement", "{\"items\":[\"x\"]}", 403);
	deny(&olead, E, "request_supplement", "{\"items\":[\"x\"]}", 404);
	allow(&spec, "chuyenvien.p26740", E, "request_supplement", "{\"items\":[\"Bản sao giấy tờ ly hôn\"]}",
	      "supplement_requested", "supplement_requested", NULL);
	deny(&spec, E, "forward", NULL, 409);
	deny(&lead, E, "stop", "{\"reason\":\"x\"}", 409);
	deny(&spec, E, "extend", "{\"reason\":\"x\",\"new_due_at\":\"2027-04-01T17:00:00+07:00\"}", 409);
}

static void refuse_rules(void **state)
{
	(void)state;
	char G[80], G2[80];
	submit(BODY3, G);
	deny(&clerk, G, "refuse", "{}", 422);
	deny(&clerk, G, "refuse", "{\"reasons\":\"Không thuộc thẩm quyền\"}", 422);
	deny(&clerk, G, "refuse", "{\"reasons\":[]}", 422);
	deny(&spec, G, "refuse", "{\"reasons\":[\"x\"]}", 403);
	deny(&cit, G, "refuse", "{\"reasons\":[\"x\"]}", 403);
	deny(&oclerk, G, "refuse", "{\"reasons\":[\"x\"]}", 404);
	struct mc_http_res r;
	allow(&clerk, "tiepnhan.p26740", G, "refuse", "{\"reasons\":[\"Người yêu cầu không cư trú tại phường\"]}",
	      "refused", "refused", &r);
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(json_object_get(r.json, "refusal"), "reasons"), 0)),
		"Người yêu cầu không cư trú tại phường");
	mc_http_res_free(&r);
	deny(&clerk, G, "refuse", "{\"reasons\":[\"x\"]}", 409);
	deny(&clerk, G, "receive", NULL, 409);
	deny(&cit, G, "withdraw", NULL, 409);
	/* during processing: the officer of the current step */
	submit(BODY3, G2);
	receive(G2);
	deny(&clerk, G2, "refuse", "{\"reasons\":[\"x\"]}", 403);
	deny(&lead, G2, "refuse", "{\"reasons\":[\"x\"]}", 403);
	deny(&spec, G2, "refuse", "{\"reasons\":[{\"a\":1}]}", 422);
	allow(&spec, "chuyenvien.p26740", G2, "refuse", "{\"reasons\":[\"Giấy tờ giả mạo\"]}", "refused", "refused",
	      NULL);
	n_refused++;
}

static void withdraw_rules(void **state)
{
	(void)state;
	char W[80], W2[80];
	submit(BODY3, W);
	receive(W);
	deny(&clerk, W, "withdraw", NULL, 403);
	deny(&lead, W, "withdraw", NULL, 403);
	deny(&spec, W, "withdraw", NULL, 403);
	deny(&cit2, W, "withdraw", NULL, 404);
	allow(&cit, CIT, W, "withdraw", "{\"reason\":\"Không còn nhu cầu\"}", "withdrawn", "withdrawn", NULL);
	n_withdrawn++;
	deny(&cit, W, "withdraw", NULL, 409);
	deny(&spec, W, "forward", NULL, 409);
	/* before receipt too (not counted in the statistics) */
	submit(BODY3, W2);
	allow(&cit, CIT, W2, "withdraw", NULL, "withdrawn", "withdrawn", NULL);
	check_last_outbox(W2, "withdrawn", "withdrawn", CIT_PHONE, CIT_EMAIL);
}

static void stop_rules(void **state)
{
	(void)state;
	char S[80], S0[80];
	submit(BODY3, S0);
	deny(&lead, S0, "stop", "{\"reason\":\"x\"}", 409); /* not in processing */
	submit(BODY3, S);
	receive(S);
	deny(&spec, S, "stop", "{\"reason\":\"Có tranh chấp\"}", 403);
	deny(&clerk, S, "stop", "{\"reason\":\"Có tranh chấp\"}", 403);
	deny(&cit, S, "stop", "{\"reason\":\"Có tranh chấp\"}", 403);
	deny(&olead, S, "stop", "{\"reason\":\"Có tranh chấp\"}", 404);
	deny(&lead, S, "stop", "{}", 422);
	deny(&lead, S, "stop", "{\"reason\":\"\"}", 422);
	deny(&lead, S, "stop", "{\"reason\":42}", 422);
	struct mc_http_res r;
	allow(&lead, "chutich.p26740", S, "stop", "{\"reason\":\"Có tranh chấp, chờ quyết định của Tòa án\"}",
	      "stopped", "stopped", &r);
	n_stopped++;
	assert_string_equal(jstr(json_object_get(r.json, "stop"), "reason"),
			    "Có tranh chấp, chờ quyết định của Tòa án");
	mc_http_res_free(&r);
	deny(&lead, S, "stop", "{\"reason\":\"x\"}", 409);
	deny(&cit, S, "withdraw", NULL, 409);
}

static void extend_rules(void **state)
{
	(void)state;
	char X[80], H[80];
	submit(BODY3, X);
	receive(X);
	const char *ok =
		"{\"reason\":\"Cần xác minh tại nơi cư trú trước\",\"new_due_at\":\"2027-03-10T17:00:00+07:00\"}";
	deny(&clerk, X, "extend", ok, 403);
	deny(&cit, X, "extend", ok, 403);
	deny(&olead, X, "extend", ok, 404);
	/* a reason and a new date after the old one (Fri 2027-03-05 17:00) */
	deny(&spec, X, "extend", "{}", 422);
	deny(&spec, X, "extend", "{\"new_due_at\":\"2027-03-10T17:00:00+07:00\"}", 422);
	deny(&spec, X, "extend", "{\"reason\":\"x\"}", 422);
	deny(&spec, X, "extend", "{\"reason\":\"x\",\"new_due_at\":\"2027-03-04T17:00:00+07:00\"}", 422);
	deny(&spec, X, "extend", "{\"reason\":\"x\",\"new_due_at\":\"2027-03-05T17:00:00+07:00\"}", 422);
	deny(&spec, X, "extend", "{\"reason\":\"x\",\"new_due_at\":\"tuần sau\"}", 422);
	/* a working day: Sunday 7/3 is not */
	deny(&spec, X, "extend", "{\"reason\":\"x\",\"new_due_at\":\"2027-03-07T17:00:00+07:00\"}", 422);
	struct mc_http_res r;
	/* the specialist asks: nothing moves, and the applicant hears nothing,
	 * until the head of the agency (or a deputy) approves and signs form 04 */
	deny(&spec, X, "approve_extension", NULL, 409);
	allow(&spec, "chuyenvien.p26740", X, "extend", ok, "in_progress", NULL, &r);
	assert_string_equal(jstr(r.json, "appointment_at"), "2027-03-05T17:00:00+07:00");
	assert_false(json_is_true(json_object_get(r.json, "extended")));
	assert_true(json_is_false(json_object_get(json_object_get(r.json, "extension"), "approved")));
	mc_http_res_free(&r);
	char f4[160];
	snprintf(f4, sizeof(f4), "/api/v1/dossiers/%s/forms/04.json", X);
	assert_int_equal(mc_http_get(&spec, f4, &r), 409);
	assert_non_null(strstr(jstr(r.json, "detail"), "not approved"));
	mc_http_res_free(&r);
	deny(&spec, X, "extend", ok, 409);
	deny(&spec, X, "approve_extension", NULL, 403);
	deny(&clerk, X, "approve_extension", NULL, 403);
	deny(&olead, X, "approve_extension", NULL, 404);
	allow(&lead, "chutich.p26740", X, "approve_extension", NULL, "in_progress", "extended", &r);
	assert_int_equal(jint(json_object_get(json_object_get(r.json, "extension"), "approved_by"), "id"),
			 user_id("chutich.p26740"));
	/* the appointment moves; the legal deadline, which scores it, does not */
	assert_string_equal(jstr(r.json, "appointment_at"), "2027-03-10T17:00:00+07:00");
	assert_string_equal(jstr(r.json, "due_at"), "2027-03-05T17:00:00+07:00");
	assert_true(json_is_true(json_object_get(r.json, "extended")));
	json_t *ext = json_object_get(r.json, "extension");
	assert_string_equal(jstr(ext, "old_due_at"), "2027-03-05T17:00:00+07:00");
	assert_string_equal(jstr(ext, "new_due_at"), "2027-03-10T17:00:00+07:00");
	assert_string_equal(jstr(ext, "legal_due_at"), "2027-03-05T17:00:00+07:00");
	mc_http_res_free(&r);
	deny(&lead, X, "approve_extension", NULL, 409);
	/* form 04 now: signed by the chairman who approved it */
	assert_int_equal(mc_http_get(&spec, f4, &r), 200);
	assert_string_equal(jstr(json_object_get(json_object_get(r.json, "extension"), "approved_by"), "full_name"),
			    "Phạm Thị Lệ Hằng");
	mc_http_res_free(&r);
	/* once only, whoever asks */
	deny(&spec, X, "extend", "{\"reason\":\"x\",\"new_due_at\":\"2027-03-20T17:00:00+07:00\"}", 409);
	deny(&lead, X, "extend", "{\"reason\":\"x\",\"new_due_at\":\"2027-03-20T17:00:00+07:00\"}", 409);

	/* a same-day procedure received Tue 09:00: due Tue 17:00 (before
	 * 15:00: the same working day), less than one working day away at
	 * once -> too late to move the date */
	submit(BODY8, H);
	receive(H);
	char path[200];
	struct mc_http_res g;
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", H);
	assert_int_equal(mc_http_get(&cit, path, &g), 200);
	assert_int_equal(strncmp(jstr(g.json, "received_at"), "2027-03-02T09:0", 15), 0);
	assert_string_equal(jstr(g.json, "due_at"), "2027-03-02T17:00:00+07:00");
	mc_http_res_free(&g);
	deny(&spec, H, "extend", "{\"reason\":\"x\",\"new_due_at\":\"2027-03-10T17:00:00+07:00\"}", 409);
}

static void queues(void **state)
{
	(void)state;
	char Q[80], H[80], E[80], R[80];
	received(BODY8, H);
	asked_for_papers(E);
	submit(BODY3, Q);
	/* to receive: the ward's clerk, not the specialist, not another ward */
	assert_true(in_queue(&clerk, "receive", Q));
	assert_false(in_queue(&spec, "receive", Q));
	assert_false(in_queue(&oclerk, "receive", Q));
	assert_false(in_queue(&oclerk, "all", Q));
	receive(Q);
	assert_false(in_queue(&clerk, "receive", Q));
	assert_true(in_queue(&spec, "all", Q));
	assert_false(in_queue(&spec, "mine", Q));
	/* due Friday: neither overdue nor due within a working day; H (due
	 * tomorrow 09:00) is due soon */
	assert_false(in_queue(&spec, "overdue", Q));
	assert_false(in_queue(&spec, "due_soon", Q));
	assert_true(in_queue(&spec, "due_soon", H));
	assert_false(in_queue(&spec, "overdue", H));
	/* waiting for papers */
	assert_true(in_queue(&spec, "supplement", E));
	assert_false(in_queue(&spec, "supplement", Q));
	/* R, just submitted online: to receive, not yet late (see week_later) */
	submit(BODY3, R);
	assert_true(in_queue(&clerk, "receive", R));
	assert_false(in_queue(&clerk, "overdue", R));
	/* queues are for officials */
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&cit, "/api/v1/queues/receive", &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&spec, "/api/v1/queues/nope", &r), 404);
	mc_http_res_free(&r);
}

static void idempotent_submit(void **state)
{
	(void)state;
	const char *h[] = {"Idempotency-Key: actions-test-0001", NULL};
	int64_t before = sql_int("SELECT COUNT(*) FROM dossiers WHERE procedure_code = ?", "1.004873");
	struct mc_http_res a, b;
	assert_int_equal(mc_http_do(&cit, "POST", "/api/v1/dossiers", BODY3, h, &a), 0);
	assert_int_equal(a.status, 201);
	assert_string_equal(mc_http_header(&a, "Idempotent-Replayed"), "");
	assert_int_equal(mc_http_do(&cit, "POST", "/api/v1/dossiers", BODY3, h, &b), 0);
	assert_int_equal(b.status, 201);
	assert_string_equal(mc_http_header(&b, "Idempotent-Replayed"), "true");
	assert_string_equal(jstr(a.json, "code"), jstr(b.json, "code"));
	assert_int_equal(sql_int("SELECT COUNT(*) FROM dossiers WHERE procedure_code = ?", "1.004873"), before + 1);
	/* one dossier, one notification */
	assert_int_equal(outbox_total(jstr(a.json, "code")), 1);
	mc_http_res_free(&a);
	mc_http_res_free(&b);
	/* the same key for another request is refused */
	assert_int_equal(mc_http_do(&cit, "POST", "/api/v1/dossiers", BODY8, h, &a), 0);
	assert_int_equal(a.status, 422);
	mc_http_res_free(&a);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM dossiers WHERE procedure_code = ?", "1.004873"), before + 1);
}

static int64_t counter_id(const char *code)
{
	return sql_int("SELECT id FROM counters WHERE code = ?", code);
}

static void counter_dossiers(void **state)
{
	(void)state;
	/* at the ward's own counter, and at a branch of the service centre for
	 * the ward: An's own ID links them to his account */
	char path[100], K1[80], K2[80];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers", (long long)counter_id("Q-P26740-01"));
	assert_int_equal(mc_http_post(&clerk, path, COUNTER3, &r), 201);
	snprintf(K1, sizeof(K1), "%s", jstr(r.json, "code"));
	assert_string_equal(jstr(r.json, "status"), "in_progress");
	assert_string_equal(jstr(r.json, "due_at"), "2027-03-05T17:00:00+07:00");
	mc_http_res_free(&r);
	n_counter++;
	/* received at once: one "received" notification to the phone given */
	assert_int_equal(outbox_total(K1), 1);
	check_last_outbox(K1, "received", "in_progress", "0912345678", NULL);
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers", (long long)counter_id("Q-CN1-01"));
	assert_int_equal(mc_http_post(&bclerk, path, COUNTER3, &r), 201);
	snprintf(K2, sizeof(K2), "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
	n_counter++;
	/* the branch clerk received it but the ward processes it */
	deny(&bclerk, K2, "forward", NULL, 403);
	allow(&spec, "chuyenvien.p26740", K2, "forward", NULL, "in_progress", NULL, NULL);
	allow(&lead, "chutich.p26740", K2, "forward", NULL, "result_ready", "result_ready", NULL);
	n_resolved++;
	/* the result goes back where it was received */
	deny(&clerk, K2, "return", NULL, 403);
	allow(&bclerk, "tiepnhan.cn1", K2, "return", NULL, "returned", "returned", NULL);
	/* the applicant withdraws the other */
	allow(&cit, CIT, K1, "withdraw", NULL, "withdrawn", "withdrawn", NULL);
	n_withdrawn++;
}

/* A walk-in applicant without all the papers: the clerk issues form 02 at
 * the counter (recorded, with a code to bring back), once; the papers
 * brought back, the dossier is received then. */
static void walk_in_incomplete(void **state)
{
	(void)state;
	const char *head = "{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn "
			   "An\",\"id_number\":\"079203001234\","
			   "\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\","
			   "\"purpose\":\"Kết hôn\"},"
			   "\"applicant\":{\"full_name\":\"Nguyễn Văn "
			   "An\",\"id_number\":\"079203001234\",\"phone\":\"0912345678\","
			   "\"ward_code\":\"26740\"},";
	char path[100], body[1400], W[80];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers", (long long)counter_id("Q-P26740-01"));
	/* without a notice: refused as before, nothing recorded */
	snprintf(body, sizeof(body), "%s\"papers\":[\"to_khai\"]}", head);
	assert_int_equal(mc_http_post(&clerk, path, body, &r), 422);
	assert_non_null(strstr(r.body, "papers.giay_to_tuy_than"));
	mc_http_res_free(&r);
	/* nothing missing: take it in, no notice */
	snprintf(body, sizeof(body), "%s\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],\"incomplete\":{}}", head);
	assert_int_equal(mc_http_post(&clerk, path, body, &r), 422);
	assert_non_null(strstr(r.body, "\"complete\""));
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "%s\"papers\":[\"to_khai\"],\"incomplete\":{\"items\":[1]}}", head);
	assert_int_equal(mc_http_post(&clerk, path, body, &r), 422);
	mc_http_res_free(&r);
	/* with the notice: recorded, not received, the missing paper listed first */
	snprintf(body, sizeof(body),
		 "%s\"papers\":[\"to_khai\"],\"incomplete\":{\"items\":[\"Bản sao sổ hộ khẩu cũ (nếu có)\"],"
		 "\"reason\":\"Thiếu giấy tờ tùy thân\"}}",
		 head);
	assert_int_equal(mc_http_post(&clerk, path, body, &r), 201);
	snprintf(W, sizeof(W), "%s", jstr(r.json, "code"));
	assert_string_equal(jstr(r.json, "status"), "supplement_requested");
	assert_string_equal(jstr(r.json, "channel"), "counter");
	assert_true(json_is_null(json_object_get(r.json, "received_at")));
	assert_true(json_is_null(json_object_get(r.json, "due_at")));
	json_t *sup = json_object_get(r.json, "supplement"), *items = json_object_get(sup, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_non_null(strstr(json_string_value(json_array_get(items, 0)), "giấy tờ tùy thân có ảnh"));
	assert_string_equal(json_string_value(json_array_get(items, 1)), "Bản sao sổ hộ khẩu cũ (nếu có)");
	assert_string_equal(jstr(sup, "stage"), "reception");
	assert_string_equal(jstr(sup, "reason"), "Thiếu giấy tờ tùy thân");
	assert_int_equal(json_array_size(json_object_get(r.json, "supplements")), 1);
	mc_http_res_free(&r);
	check_last_outbox(W, "supplement_requested", "supplement_requested", "0912345678", NULL);
	/* form 02 prints, with the clerk's name; form 01 does not apply yet */
	char fp[160];
	snprintf(fp, sizeof(fp), "/api/v1/dossiers/%s/forms/02.json", W);
	assert_int_equal(mc_http_get(&clerk, fp, &r), 200);
	assert_non_null(jstr(json_object_get(json_object_get(r.json, "supplement"), "requested_by"), "full_name"));
	mc_http_res_free(&r);
	snprintf(fp, sizeof(fp), "/api/v1/dossiers/%s/forms/02.json?n=2", W);
	assert_int_equal(mc_http_get(&clerk, fp, &r), 404);
	mc_http_res_free(&r);
	snprintf(fp, sizeof(fp), "/api/v1/dossiers/%s/forms/01.json", W);
	assert_int_equal(mc_http_get(&clerk, fp, &r), 409);
	mc_http_res_free(&r);
	/* once: no second notice at reception */
	deny(&clerk, W, "request_supplement", "{\"items\":[\"x\"]}", 409);
	/* the checklist is the clerk's, and complete */
	deny(&cit, W, "supplement", "{\"papers\":[\"to_khai\",\"giay_to_tuy_than\"]}", 422);
	deny(&clerk, W, "supplement", "{\"papers\":[\"to_khai\"]}", 422);
	/* brought back: received now, the legal time starts */
	allow(&clerk, "tiepnhan.p26740", W, "supplement", "{\"papers\":[\"to_khai\",\"giay_to_tuy_than\"]}",
	      "in_progress", "received", &r);
	assert_string_equal(jstr(r.json, "due_at"), "2027-03-05T17:00:00+07:00");
	assert_non_null(jstr(r.json, "received_at"));
	assert_int_equal(json_array_size(json_object_get(r.json, "papers")), 2);
	assert_non_null(jstr(json_object_get(r.json, "supplement"), "supplied_at"));
	mc_http_res_free(&r);
	n_counter++;
	snprintf(fp, sizeof(fp), "/api/v1/dossiers/%s/forms/01.json", W);
	assert_int_equal(mc_http_get(&clerk, fp, &r), 200);
	mc_http_res_free(&r);
	allow(&cit, CIT, W, "withdraw", NULL, "withdrawn", "withdrawn", NULL);
	n_withdrawn++;
}

/* S2, Friday 10:00: Y, received on Tuesday, is due today at 17:00 */
static void deadline_day(void **state)
{
	(void)state;
	char Y[80], H[80];
	received(BODY3, Y);
	received(BODY8, H);
	const char *env[] = {S2_NOW, NULL};
	mc_test_server_start(&later, db_url, env);
	struct mc_test_server *s2 = &later;
	struct mc_http_session sp, cl;
	mc_http_login_as(&sp, s2->base, "chuyenvien.p26740");
	mc_http_login_as(&cl, s2->base, "tiepnhan.p26740");
	assert_true(in_queue(&sp, "due_soon", Y));
	assert_false(in_queue(&sp, "overdue", Y));
	/* H was due Wednesday */
	assert_true(in_queue(&sp, "overdue", H));
	/* less than one working day before the deadline: no new date */
	deny(&sp, Y, "extend", "{\"reason\":\"x\",\"new_due_at\":\"2027-03-12T17:00:00+07:00\"}", 409);
}

/* S3, a week after intake */
static void week_later(void **state)
{
	(void)state;
	/* made on S1: Y received, X's appointment moved, E waiting for papers,
	 * F received, R submitted and never received */
	char Y[80], X[80], E[80], F[80], R[80];
	received(BODY3, Y);
	extended(X);
	asked_for_papers(E);
	received(BODY3, F);
	submit(BODY3, R);
	const char *env[] = {S3_NOW, NULL};
	mc_test_server_start(&later, db_url, env);
	struct mc_test_server *s3 = &later;
	struct mc_http_session sp, ci;
	mc_http_login_as(&sp, s3->base, "chuyenvien.p26740");
	mc_http_login_as(&ci, s3->base, CIT);
	/* Y (due Fri) is overdue now; so is X, whose apology moved only the
	 * applicant's appointment (to Wed 10), not its legal deadline (Fri) */
	assert_true(in_queue(&sp, "overdue", Y));
	assert_true(in_queue(&sp, "overdue", X));
	assert_false(in_queue(&sp, "overdue", E));
	/* more than 3 working days after intake: no supplement request */
	deny(&sp, F, "request_supplement", "{\"items\":[\"x\"]}", 409);
	/* R, submitted a week ago and never received: late at reception, in
	 * the clerk's overdue queue, in the lists behind the dashboard */
	struct mc_http_session ck, chair;
	mc_http_login_as(&ck, s3->base, "tiepnhan.p26740");
	mc_http_login_as(&chair, s3->base, "chutich.p26740");
	assert_true(in_queue(&ck, "overdue", R));
	assert_true(in_list(&chair, "all?late=reception", R));
	assert_false(in_list(&chair, "all?late=reception", Y));
	assert_true(in_list(&chair, "all?late=deadline", Y));
	assert_false(in_list(&chair, "all?late=deadline", R));
	assert_true(in_list(&chair, "all?late=all", R));
	assert_true(in_list(&chair, "all?late=all", Y));
	{
		struct mc_http_res g;
		assert_int_equal(mc_http_get(&chair, "/api/v1/queues/all?late=soon", &g), 422);
		mc_http_res_free(&g);
		char path[200];
		snprintf(path, sizeof(path), "/api/v1/dossiers/%s", R);
		assert_int_equal(mc_http_get(&ci, path, &g), 200);
		/* a working day from Tue 09:00: Wed 09:00 */
		assert_int_equal(strncmp(jstr(g.json, "overdue_at"), "2027-03-03T09:00", 16), 0);
		mc_http_res_free(&g);
		assert_int_equal(mc_http_get(&chair, "/api/v1/dashboard", &g), 200);
		assert_true(jint(json_object_get(g.json, "in_progress"), "reception_late") >= 1);
		mc_http_res_free(&g);
	}
	/* E's papers arrive (a scan An uploads): processing restarts from
	 * today, Tue 9 -> Fri 12 */
	struct mc_http_res r;
	static const char scan[] = MC_TEST_PDF("the divorce decision");
	char url[400], auth[200], sha[65], body[200];
	snprintf(url, sizeof(url), "%s/api/v1/files", s3->base);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", ci.token);
	const char *h[] = {auth, "Content-Type: application/octet-stream", NULL};
	assert_int_equal(mc_http_raw("POST", url, scan, h, &r), 0);
	assert_int_equal(r.status, 201);
	snprintf(sha, sizeof(sha), "%s", jstr(r.json, "sha256"));
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"form\":{\"divorce_scan\":\"%s\"}}", sha);
	allow(&ci, CIT, E, "supplement", body, "supplement_requested", "supplement_answered", &r);
	mc_http_res_free(&r);
	allow(&sp, "chuyenvien.p26740", E, "check_supplement", "{\"items\":[{\"no\":1,\"received\":true}]}",
	      "in_progress", "supplemented", &r);
	assert_string_equal(jstr(json_object_get(r.json, "supplement"), "new_due_at"), "2027-03-12T17:00:00+07:00");
	mc_http_res_free(&r);
	char due[40];
	assert_string_equal(due_of(E, due), "2027-03-12T17:00:00+07:00");
	char path[200];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", E);
	assert_int_equal(mc_http_get(&cit, path, &r), 200);
	assert_string_equal(jstr(json_object_get(r.json, "form"), "divorce_scan"), sha);
	assert_string_equal(jstr(json_object_get(r.json, "form"), "purpose"), "Kết hôn");
	assert_string_equal(jstr(json_object_get(r.json, "form"), "full_name"), "Nguyễn Văn An");
	assert_non_null(jstr(json_object_get(r.json, "supplement"), "supplied_at"));
	mc_http_res_free(&r);
	assert_false(in_queue(&sp, "overdue", E));
	assert_true(in_queue(&sp, "all", E));
	/* Y finishes late */
	allow(&sp, "chuyenvien.p26740", Y, "forward", NULL, "in_progress", NULL, NULL);
	struct mc_http_session ld;
	mc_http_login_as(&ld, s3->base, "chutich.p26740");
	/* the approval carries the signed result: a PDF the chairman uploaded;
	 * not a PDF, or someone else's file: 422, nothing changed */
	static const char signed_pdf[] = MC_TEST_PDF("the signed certificate");
	char doc[65], png_sha[65], bad[200];
	const char *hl[] = {auth, "Content-Type: application/octet-stream", NULL};
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", ld.token);
	assert_int_equal(mc_http_raw("POST", url, signed_pdf, hl, &r), 0);
	assert_int_equal(r.status, 201);
	snprintf(doc, sizeof(doc), "%s", jstr(r.json, "sha256"));
	mc_http_res_free(&r);
	static const char png[] = "\x89PNG\r\n\x1a\n0000IHDR a picture, not a PDF";
	assert_int_equal(mc_http_raw("POST", url, png, hl, &r), 0);
	assert_int_equal(r.status, 201);
	snprintf(png_sha, sizeof(png_sha), "%s", jstr(r.json, "sha256"));
	mc_http_res_free(&r);
	snprintf(bad, sizeof(bad), "{\"result_file\":\"%s\"}", png_sha);
	deny(&ld, Y, "forward", bad, 422);
	snprintf(bad, sizeof(bad), "{\"result_file\":\"%s\"}", sha); /* An's scan */
	deny(&ld, Y, "forward", bad, 422);
	/* a type that does not exist: 422, nothing numbered */
	snprintf(bad, sizeof(bad), "{\"result_file\":\"%s\",\"result_type_code\":\"giay_khen\"}", doc);
	deny(&ld, Y, "forward", bad, 422);
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM documents WHERE dossier_id IS NOT NULL", NULL), 0);
	/* the certificate numbered in the ward's register of outgoing
	 * documents, the chairman its signer (a marital status confirmation is
	 * not numbered by default: its type is said) */
	snprintf(bad, sizeof(bad), "{\"result_file\":\"%s\",\"result_type_code\":\"giay_chung_nhan\"}", doc);
	allow(&ld, "chutich.p26740", Y, "forward", bad, "result_ready", "result_ready", &r);
	assert_string_equal(jstr(r.json, "result_status"), "late");
	json_t *result = json_object_get(r.json, "result");
	assert_string_equal(jstr(result, "sha256"), doc);
	assert_string_equal(jstr(json_object_get(result, "document"), "number_text"), "01/GCN-UBND");
	json_int_t result_doc = jint(json_object_get(result, "document"), "id");
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/documents/%lld", (long long)result_doc);
	assert_int_equal(mc_http_get(&ld, path, &r), 200);
	assert_string_equal(jstr(json_object_get(r.json, "dossier"), "code"), Y);
	assert_string_equal(jstr(r.json, "file_sha256"), doc);
	assert_string_equal(jstr(json_object_get(r.json, "signer"), "name"), "Phạm Thị Lệ Hằng");
	assert_string_equal(jstr(json_object_get(r.json, "signer"), "position"), "Chủ tịch UBND phường");
	assert_string_equal(json_string_value(json_array_get(json_object_get(r.json, "recipients"), 0)),
			    "Nguyễn Văn An");
	assert_non_null(strstr(jstr(r.json, "summary"), Y));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&ci, path, &r), 403); /* the applicant downloads the file, not the register */
	mc_http_res_free(&r);
	n_resolved++;
	n_late++;
	/* the applicant downloads it; the register's row records it */
	char fpath[300];
	snprintf(fpath, sizeof(fpath), "/api/v1/dossiers/%s/files/%s", Y, doc);
	assert_int_equal(mc_http_get(&ci, fpath, &r), 200);
	assert_int_equal(r.len, sizeof(signed_pdf) - 1);
	mc_http_res_free(&r);
	snprintf(fpath, sizeof(fpath), "/api/v1/dossiers/%s", Y);
	assert_int_equal(mc_http_get(&ci, fpath, &r), 200);
	snprintf(fpath, sizeof(fpath), "/api/v1/agencies/%ld/register.json?from=2027-03-01&to=2027-03-31",
		 jint(json_object_get(r.json, "received_agency"), "id"));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&ck, fpath, &r), 200);
	int seen = 0;
	size_t k;
	json_t *row;
	json_array_foreach(json_object_get(r.json, "items"), k, row) {
		if (strcmp(jstr(row, "code"), Y) == 0) {
			assert_string_equal(jstr(json_object_get(row, "result_document"), "sha256"), doc);
			seen = 1;
		} else if (strcmp(jstr(row, "code"), X) == 0) {
			assert_true(json_is_null(json_object_get(row, "result_document")));
		}
	}
	assert_true(seen);
	mc_http_res_free(&r);
}

static void compare_stats(struct mc_http_session *s, const char *range, const char *group)
{
	char p1[200], p2[220];
	snprintf(p1, sizeof(p1), "/api/v1/stats?%s&group=%s", range, group);
	snprintf(p2, sizeof(p2), "%s&recount=1", p1);
	struct mc_http_res a, b;
	assert_int_equal(mc_http_get(s, p1, &a), 200);
	assert_int_equal(mc_http_get(s, p2, &b), 200);
	const char *keys[] = {"received_online", "received_counter", "resolved_early", "resolved_on_time",
			      "resolved_late",   "refused",          "withdrawn",      "stopped",
			      "received",        "resolved"};
	json_t *ta = json_object_get(a.json, "total"), *tb = json_object_get(b.json, "total");
	for (int k = 0; k < 10; k++)
		if (jint(ta, keys[k]) != jint(tb, keys[k]))
			fail_msg("%s %s total %s: kept %ld, recount %ld", range, group, keys[k], jint(ta, keys[k]),
				 jint(tb, keys[k]));
	json_t *ia = json_object_get(a.json, "items"), *ib = json_object_get(b.json, "items");
	assert_int_equal(json_array_size(ia), json_array_size(ib));
	size_t i, j;
	json_t *x, *y;
	json_array_foreach(ia, i, x) {
		json_t *match = NULL;
		json_array_foreach(ib, j, y)
			if (strcmp(jstr(x, group), jstr(y, group)) == 0)
				match = y;
		if (!match)
			fail_msg("%s: no recount row for %s", group, jstr(x, group));
		for (int k = 0; k < 10; k++)
			if (jint(x, keys[k]) != jint(match, keys[k]))
				fail_msg("%s %s=%s %s: kept %ld, recount %ld", range, group, jstr(x, group), keys[k],
					 jint(x, keys[k]), jint(match, keys[k]));
	}
	mc_http_res_free(&a);
	mc_http_res_free(&b);
}

/* Figures of its own for the statistics, whatever ran before: a dossier
 * taken in at the counter, and online ones resolved early, refused,
 * withdrawn and stopped during processing. */
static void stats_figures(void)
{
	char a[80], b[80], c[80], d[80], path[100];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers", (long long)counter_id("Q-P26740-01"));
	assert_int_equal(mc_http_post(&clerk, path, COUNTER3, &r), 201);
	mc_http_res_free(&r);
	n_counter++;
	received(BODY3, a);
	allow(&spec, "chuyenvien.p26740", a, "forward", NULL, "in_progress", NULL, NULL);
	allow(&lead, "chutich.p26740", a, "forward", NULL, "result_ready", "result_ready", NULL);
	n_resolved++;
	received(BODY3, b);
	allow(&spec, "chuyenvien.p26740", b, "refuse", "{\"reasons\":[\"Giấy tờ giả mạo\"]}", "refused", "refused",
	      NULL);
	n_refused++;
	received(BODY3, c);
	allow(&cit, CIT, c, "withdraw", NULL, "withdrawn", "withdrawn", NULL);
	n_withdrawn++;
	received(BODY3, d);
	allow(&lead, "chutich.p26740", d, "stop", "{\"reason\":\"Có tranh chấp\"}", "stopped", "stopped", NULL);
	n_stopped++;
}

static void stats_match_recount(void **state)
{
	(void)state;
	stats_figures();
	/* the figures this test and those before it produced */
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&lead, "/api/v1/stats?from=2027-01-01&to=2027-12-31&group=procedure", &r), 200);
	json_t *t = json_object_get(r.json, "total");
	assert_int_equal(jint(t, "received_online"), n_online);
	assert_int_equal(jint(t, "received_counter"), n_counter);
	assert_int_equal(jint(t, "refused"), n_refused);
	assert_int_equal(jint(t, "withdrawn"), n_withdrawn);
	assert_int_equal(jint(t, "stopped"), n_stopped);
	assert_int_equal(jint(t, "resolved"), n_resolved);
	assert_int_equal(jint(t, "resolved_late"), n_late); /* week_later's Y */
	assert_int_equal(jint(t, "resolved_early"), n_resolved - n_late);
	mc_http_res_free(&r);
	const char *groups[] = {"procedure", "agency", "field"};
	const char *ranges[] = {"from=2027-01-01&to=2027-12-31", "from=2027-03-02&to=2027-03-02",
				"from=2027-03-01&to=2027-03-31", "from=2027-03-03&to=2027-03-09"};
	for (int g = 0; g < 3; g++)
		for (int k = 0; k < 4; k++) {
			compare_stats(&lead, ranges[k], groups[g]);
			compare_stats(&city, ranges[k], groups[g]);
		}
	/* another ward sees none of it */
	assert_int_equal(mc_http_get(&olead, "/api/v1/stats?from=2027-01-01&to=2027-12-31", &r), 200);
	assert_int_equal(jint(json_object_get(r.json, "total"), "received"), 0);
	mc_http_res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(receive_rules),
		cmocka_unit_test(assign_rules),
		cmocka_unit_test(forward_and_return),
		cmocka_unit_test(supplement_rules),
		cmocka_unit_test(refuse_rules),
		cmocka_unit_test(withdraw_rules),
		cmocka_unit_test(stop_rules),
		cmocka_unit_test(extend_rules),
		cmocka_unit_test(queues),
		cmocka_unit_test(idempotent_submit),
		cmocka_unit_test(counter_dossiers),
		cmocka_unit_test(walk_in_incomplete),
		cmocka_unit_test_teardown(deadline_day, stop_later),
		cmocka_unit_test_teardown(week_later, stop_later),
		cmocka_unit_test(stats_match_recount),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
