/*
 * test_idempotency.c - Idempotency-Key on POST: a retried request gets the
 * first answer again (marked Idempotent-Replayed) and never creates a
 * second record; a key reused for another request is refused; keys are
 * checked for shape, kept per caller (anonymous callers share one space),
 * and remember failures as well as successes.  Requests refused before
 * they run (401, 403 CSRF) do not use up the key; log-ins ignore keys.
 * While a request runs, its duplicate gets 409 idempotency_in_progress;
 * a reservation whose request is gone (as a failover leaves it) is taken
 * over at once.
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

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PW "motcua2026"

static struct mc_test_server srv;
static char db_url[512];
static struct mc_db *db;
static struct mc_http_session quantri, branch_admin;
static long long ag_centre, ag_branch1, ag_stp;

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void assert_problem(struct mc_http_res *r, long status, const char *code)
{
	if (r->status != status || !r->json || !jstr(r->json, "code") || strcmp(jstr(r->json, "code"), code) != 0)
		fprintf(stderr, "expected %ld %s, got %ld: %s\n", status, code, r->status, r->body);
	assert_int_equal(r->status, status);
	assert_non_null(r->json);
	assert_string_equal(jstr(r->json, "code"), code);
}

/* Compare a header of two responses (mc_http_header's buffer is shared). */
static int same_header(struct mc_http_res *a, struct mc_http_res *b, const char *name)
{
	char x[1024];
	snprintf(x, sizeof(x), "%s", mc_http_header(a, name));
	return strcmp(x, mc_http_header(b, name)) == 0;
}

static int replayed(struct mc_http_res *r)
{
	return strcmp(mc_http_header(r, "Idempotent-Replayed"), "true") == 0;
}

/* POST with an Idempotency-Key (NULL: none; "": an empty header). */
static long post_key(struct mc_http_session *s, const char *path, const char *body, const char *key,
		     struct mc_http_res *r)
{
	char h[400];
	if (key && *key)
		snprintf(h, sizeof(h), "Idempotency-Key: %s", key);
	else
		snprintf(h, sizeof(h), "Idempotency-Key;"); /* libcurl: send the header empty */
	const char *const hs[] = {h, NULL};
	return mc_http_do(s, "POST", path, body, key ? hs : NULL, r) ? -1 : r->status;
}

static void official_body(char *out, size_t n, const char *username, long long agency, const char *name)
{
	snprintf(out, n,
		 "{\"username\":\"%s\",\"full_name\":\"%s\",\"password\":\"MatKhau-2026\",\"agency_id\":%lld,"
		 "\"roles\":[\"clerk\"]}",
		 username, name, agency);
}

/* How many officials of agency carry this user name (as seen by quantri). */
static int count_username(long long agency, const char *username)
{
	char path[96];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/users?agency_id=%lld&limit=200", agency);
	assert_int_equal(mc_http_get(&quantri, path, &r), 200);
	int n = 0;
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(r.json, "items"), i, u)
		n += strcmp(jstr(u, "username"), username) == 0;
	mc_http_res_free(&r);
	return n;
}

static long long agency_id(const char *code)
{
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	assert_int_equal(mc_http_get(&s, "/api/v1/agencies", &r), 200);
	long long id = 0;
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(r.json, "items"), i, a)
		if (strcmp(jstr(a, "code"), code) == 0)
			id = json_integer_value(json_object_get(a, "id"));
	mc_http_res_free(&r);
	assert_true(id > 0);
	return id;
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 1, &db, 1);
	mc_test_server_start(&srv, db_url, NULL);
	mc_http_login_as(&quantri, srv.base, "quantri");
	mc_http_login_as(&branch_admin, srv.base, "truongcn.cn1");
	ag_centre = agency_id("000.00.30.H29");
	ag_branch1 = agency_id("000.01.30.H29");
	ag_stp = agency_id("000.00.02.H29");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, db);
	return 0;
}

/* quantri posts body with key once: the answer (201) that the key then
 * remembers, for a test of what a later request with it gets. */
static void first_answer(const char *body, const char *key)
{
	struct mc_http_res r;
	assert_int_equal(post_key(&quantri, "/api/v1/users", body, key, &r), 201);
	assert_false(replayed(&r));
	mc_http_res_free(&r);
}

static void retry_creates_once(void **state)
{
	(void)state;
	char body[400];
	official_body(body, sizeof(body), "tiepnhan.idem1", ag_branch1, "Nguyễn Văn Một");
	struct mc_http_res a, b, c;
	assert_int_equal(post_key(&quantri, "/api/v1/users", body, "K-idem-1", &a), 201);
	assert_false(replayed(&a));
	assert_int_equal(post_key(&quantri, "/api/v1/users", body, "K-idem-1", &b), 201);
	assert_true(replayed(&b));
	/* the same answer, byte for byte */
	assert_int_equal(a.len, b.len);
	assert_string_equal(a.body, b.body);
	assert_true(strncmp(mc_http_header(&a, "Location"), "/api/v1/users/", 14) == 0);
	assert_true(same_header(&a, &b, "Location"));
	assert_true(strncmp(mc_http_header(&b, "Content-Type"), "application/json", 16) == 0);
	assert_false(same_header(&a, &b, "X-Request-Id"));
	/* and again: still the first answer */
	assert_int_equal(post_key(&quantri, "/api/v1/users", body, "K-idem-1", &c), 201);
	assert_true(replayed(&c));
	assert_string_equal(a.body, c.body);
	mc_http_res_free(&b);
	mc_http_res_free(&c);
	assert_int_equal(count_username(ag_branch1, "tiepnhan.idem1"), 1);

	/* a new key with the same body is a new request: the name is taken */
	post_key(&quantri, "/api/v1/users", body, "K-idem-1b", &b);
	assert_problem(&b, 409, "conflict");
	assert_false(replayed(&b));
	/* that answer is remembered too */
	post_key(&quantri, "/api/v1/users", body, "K-idem-1b", &c);
	assert_problem(&c, 409, "conflict");
	assert_true(replayed(&c));
	assert_string_equal(b.body, c.body);
	mc_http_res_free(&b);
	mc_http_res_free(&c);
	assert_int_equal(count_username(ag_branch1, "tiepnhan.idem1"), 1);

	/* the one account works */
	struct mc_http_session s;
	mc_http_session_init(&s, srv.base);
	assert_int_equal(mc_http_login(&s, "tiepnhan.idem1", "MatKhau-2026", 1), 200);
	assert_int_equal(mc_http_get(&s, "/api/v1/me", &b), 200);
	assert_int_equal(json_integer_value(json_object_get(b.json, "id")),
			 json_integer_value(json_object_get(a.json, "id")));
	mc_http_res_free(&b);
	mc_http_res_free(&a);
}

static void key_reused_for_another_request(void **state)
{
	(void)state;
	char body[400], other[400];
	official_body(body, sizeof(body), "tiepnhan.idem3", ag_branch1, "Nguyễn Văn Một");
	official_body(other, sizeof(other), "tiepnhan.idem3", ag_branch1, "Nguyễn Văn Khác");
	struct mc_http_res r;
	first_answer(body, "K-idem-3");
	/* another body */
	post_key(&quantri, "/api/v1/users", other, "K-idem-3", &r);
	assert_problem(&r, 422, "idempotency_key_reused");
	assert_false(replayed(&r));
	mc_http_res_free(&r);
	/* the same body on another route */
	post_key(&quantri, "/api/v1/agencies", body, "K-idem-3", &r);
	assert_problem(&r, 422, "idempotency_key_reused");
	mc_http_res_free(&r);
	/* the same JSON but for white space is the same request: replayed */
	char spaced[420];
	snprintf(spaced, sizeof(spaced), " %s", body);
	assert_int_equal(post_key(&quantri, "/api/v1/users", spaced, "K-idem-3", &r), 201);
	assert_true(replayed(&r));
	mc_http_res_free(&r);
	/* the refusals did not replace the stored answer */
	assert_int_equal(post_key(&quantri, "/api/v1/users", body, "K-idem-3", &r), 201);
	assert_true(replayed(&r));
	assert_string_equal(jstr(r.json, "full_name"), "Nguyễn Văn Một");
	mc_http_res_free(&r);
}

static void key_shape(void **state)
{
	(void)state;
	char body[400];
	official_body(body, sizeof(body), "tiepnhan.idem2", ag_centre, "Trần Văn Hai");
	char k129[130], k128[129];
	memset(k129, 'k', 129);
	k129[129] = '\0';
	memset(k128, 'k', 128);
	k128[128] = '\0';
	static const char *const bad[] = {"", "a b", "khóa-1", "a/b", "a;b", "{key}", "a\"b", NULL};
	struct mc_http_res r;
	for (int i = 0; bad[i]; i++) {
		post_key(&quantri, "/api/v1/users", body, bad[i], &r);
		assert_problem(&r, 422, "validation_failed");
		json_t *e = json_array_get(json_object_get(r.json, "errors"), 0);
		assert_string_equal(jstr(e, "field"), "Idempotency-Key");
		assert_string_equal(jstr(e, "reason"), "format");
		mc_http_res_free(&r);
	}
	post_key(&quantri, "/api/v1/users", body, k129, &r);
	assert_problem(&r, 422, "validation_failed");
	mc_http_res_free(&r);
	/* none of those ran */
	assert_int_equal(count_username(ag_centre, "tiepnhan.idem2"), 0);
	/* 128 characters of every allowed kind are fine */
	memcpy(k128, "AZaz09-_.:", 10);
	assert_int_equal(post_key(&quantri, "/api/v1/users", body, k128, &r), 201);
	assert_false(replayed(&r));
	mc_http_res_free(&r);
	assert_int_equal(post_key(&quantri, "/api/v1/users", body, k128, &r), 201);
	assert_true(replayed(&r));
	mc_http_res_free(&r);
	assert_int_equal(count_username(ag_centre, "tiepnhan.idem2"), 1);
	/* keys matter on POST only: a GET with a bad key is just a GET */
	static const char *const h[] = {"Idempotency-Key: a b", NULL};
	assert_int_equal(mc_http_do(&quantri, "GET", "/api/v1/agencies", NULL, h, &r), 0);
	assert_int_equal(r.status, 200);
	mc_http_res_free(&r);
}

static void keys_are_per_caller(void **state)
{
	(void)state;
	char body[400], theirs[400];
	official_body(theirs, sizeof(theirs), "tiepnhan.idem8", ag_branch1, "Nguyễn Văn Tám");
	first_answer(theirs, "K-idem-8");
	/* the branch's admin uses quantri's key for a request of its own: it runs */
	official_body(body, sizeof(body), "tiepnhan.idem4", ag_branch1, "Lê Thị Bốn");
	struct mc_http_res r;
	assert_int_equal(post_key(&branch_admin, "/api/v1/users", body, "K-idem-8", &r), 201);
	assert_false(replayed(&r));
	assert_string_equal(jstr(r.json, "username"), "tiepnhan.idem4");
	mc_http_res_free(&r);
	/* from now on the branch admin's K-idem-8 is bound to that request */
	post_key(&branch_admin, "/api/v1/users", theirs, "K-idem-8", &r);
	assert_problem(&r, 422, "idempotency_key_reused");
	mc_http_res_free(&r);
	/* quantri's key still answers quantri with quantri's first answer */
	assert_int_equal(post_key(&quantri, "/api/v1/users", theirs, "K-idem-8", &r), 201);
	assert_true(replayed(&r));
	mc_http_res_free(&r);
	assert_int_equal(count_username(ag_branch1, "tiepnhan.idem4"), 1);
}

static void anonymous_signup(void **state)
{
	(void)state;
	static const char body[] = "{\"id_number\":\"079305987654\",\"full_name\":\"Phan Thị "
				   "Thu\",\"birth_date\":\"2005-10-10\",\"sex\":\"F\","
				   "\"phone\":\"0987654321\",\"password\":\"DangKy-2026\"}";
	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	struct mc_http_res a, b;
	assert_int_equal(post_key(&anon, "/api/v1/auth/signup", body, "signup-1", &a), 201);
	assert_false(replayed(&a));
	assert_int_equal(post_key(&anon, "/api/v1/auth/signup", body, "signup-1", &b), 201);
	assert_true(replayed(&b));
	assert_string_equal(a.body, b.body);
	assert_true(strncmp(mc_http_header(&a, "Location"), "/api/v1/users/", 14) == 0);
	assert_true(same_header(&a, &b, "Location"));
	mc_http_res_free(&b);
	/* one account: a new key runs the request, and the ID is taken */
	post_key(&anon, "/api/v1/auth/signup", body, "signup-2", &b);
	assert_problem(&b, 409, "conflict");
	mc_http_res_free(&b);
	/* the key with another body */
	static const char other[] = "{\"id_number\":\"079305987655\",\"full_name\":\"Phan Thị "
				    "Thu\",\"birth_date\":\"2005-10-10\",\"sex\":\"F\","
				    "\"phone\":\"0987654321\",\"password\":\"DangKy-2026\"}";
	post_key(&anon, "/api/v1/auth/signup", other, "signup-1", &b);
	assert_problem(&b, 422, "idempotency_key_reused");
	mc_http_res_free(&b);
	mc_http_res_free(&a);
	struct mc_http_session c;
	mc_http_session_init(&c, srv.base);
	assert_int_equal(mc_http_login(&c, "079305987654", "DangKy-2026", 1), 200);
}

/* A request that fails is remembered like one that succeeds: the retry
 * gets the same failure, and the key stays bound to that request. */
static void failures_are_remembered(void **state)
{
	(void)state;
	char bad[400], good[400];
	official_body(bad, sizeof(bad), "AB", ag_centre, "Đỗ Văn Năm");
	official_body(good, sizeof(good), "tiepnhan.idem5", ag_centre, "Đỗ Văn Năm");
	struct mc_http_res a, b;
	post_key(&quantri, "/api/v1/users", bad, "bad-1", &a);
	assert_problem(&a, 422, "validation_failed");
	assert_false(replayed(&a));
	post_key(&quantri, "/api/v1/users", bad, "bad-1", &b);
	assert_problem(&b, 422, "validation_failed");
	assert_true(replayed(&b));
	assert_string_equal(a.body, b.body);
	assert_non_null(strstr(mc_http_header(&b, "Content-Type"), "application/problem+json"));
	mc_http_res_free(&a);
	mc_http_res_free(&b);
	/* the corrected request needs a new key */
	post_key(&quantri, "/api/v1/users", good, "bad-1", &a);
	assert_problem(&a, 422, "idempotency_key_reused");
	mc_http_res_free(&a);
	assert_int_equal(post_key(&quantri, "/api/v1/users", good, "bad-2", &a), 201);
	mc_http_res_free(&a);
	/* a forbidden request is remembered as well */
	official_body(bad, sizeof(bad), "tiepnhan.idem6", ag_stp, "Đỗ Văn Sáu");
	post_key(&quantri, "/api/v1/users", bad, "bad-3", &a);
	assert_problem(&a, 403, "forbidden");
	post_key(&quantri, "/api/v1/users", bad, "bad-3", &b);
	assert_problem(&b, 403, "forbidden");
	assert_true(replayed(&b));
	assert_string_equal(a.body, b.body);
	mc_http_res_free(&a);
	mc_http_res_free(&b);
}

/* Requests refused before they run do not use up the key. */
static void refusals_keep_the_key(void **state)
{
	(void)state;
	char body[400];
	official_body(body, sizeof(body), "tiepnhan.idem7", ag_centre, "Vũ Thị Bảy");
	struct mc_http_session cookie;
	mc_http_session_init(&cookie, srv.base);
	assert_int_equal(mc_http_login(&cookie, "quantri", PW, 0), 200);
	char csrf[64];
	snprintf(csrf, sizeof(csrf), "%s", cookie.csrf);
	cookie.csrf[0] = '\0';
	struct mc_http_res r;
	post_key(&cookie, "/api/v1/users", body, "csrf-1", &r);
	assert_problem(&r, 403, "csrf_failed");
	mc_http_res_free(&r);
	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	post_key(&anon, "/api/v1/users", body, "csrf-1", &r);
	assert_problem(&r, 401, "unauthenticated");
	mc_http_res_free(&r);
	snprintf(cookie.csrf, sizeof(cookie.csrf), "%s", csrf);
	assert_int_equal(post_key(&cookie, "/api/v1/users", body, "csrf-1", &r), 201);
	assert_false(replayed(&r));
	mc_http_res_free(&r);
	/* a cookie session and a bearer session of the same user share the key space */
	assert_int_equal(post_key(&quantri, "/api/v1/users", body, "csrf-1", &r), 201);
	assert_true(replayed(&r));
	mc_http_res_free(&r);
}

/* A log-in answer holds a secret; it is never stored or replayed. */
static void login_ignores_the_key(void **state)
{
	(void)state;
	static const char body[] = "{\"username\":\"tiepnhan\",\"password\":\"" PW "\",\"token\":true}";
	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	struct mc_http_res a, b;
	assert_int_equal(post_key(&anon, "/api/v1/auth/login", body, "login-1", &a), 200);
	assert_int_equal(post_key(&anon, "/api/v1/auth/login", body, "login-1", &b), 200);
	assert_false(replayed(&b));
	assert_non_null(jstr(a.json, "token"));
	assert_non_null(jstr(b.json, "token"));
	assert_string_not_equal(jstr(a.json, "token"), jstr(b.json, "token"));
	mc_http_res_free(&a);
	mc_http_res_free(&b);
	/* a browser log-in retried with a key still gets its cookie */
	static const char cbody[] = "{\"username\":\"tiepnhan\",\"password\":\"" PW "\"}";
	assert_int_equal(post_key(&anon, "/api/v1/auth/login", cbody, "login-2", &a), 200);
	assert_int_equal(post_key(&anon, "/api/v1/auth/login", cbody, "login-2", &b), 200);
	assert_false(replayed(&b));
	assert_true(strncmp(mc_http_header(&b, "Set-Cookie"), "motcua_session=", 15) == 0);
	assert_string_not_equal(jstr(a.json, "csrf_token"), jstr(b.json, "csrf_token"));
	mc_http_res_free(&a);
	mc_http_res_free(&b);
}

/* ---- a request still running, a request gone ---- */

/* Lines of the server's log that hold text. */
static int log_count(const char *text)
{
	return mc_test_log_count(srv.log, text);
}

/* Wait (a minute at most) until the log holds more than `before` lines
 * with text. */
static int log_grows(const char *text, int before)
{
	for (int i = 0; i < 6000; i++) {
		if (log_count(text) > before)
			return 1;
		struct timespec ts = {0, 10000000};
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* quantri's POST of body with key, in a thread, held by the server just
 * before its COMMIT (motcua-test's stall-before-commit). */
struct held_post {
	struct mc_http_session s;
	const char *body, *key;
	pthread_t th;
	long status;
	int replayed;
};

static void *held_post_run(void *arg)
{
	struct held_post *h = arg;
	char k[200];
	snprintf(k, sizeof(k), "Idempotency-Key: %s", h->key);
	const char *const hs[] = {k, "X-Motcua-Test-Fault: stall-before-commit", NULL};
	struct mc_http_res r;
	h->status = mc_http_do(&h->s, "POST", "/api/v1/users", h->body, hs, &r) ? -1 : r.status;
	h->replayed = h->status > 0 && replayed(&r);
	mc_http_res_free(&r);
	return NULL;
}

/* Two requests with one key at once: the second is refused with 409 while
 * the first runs (it is not run a second time, nor waits for the first),
 * and gets the first one's answer afterwards. */
static void duplicate_while_running(void **state)
{
	(void)state;
	char body[400];
	official_body(body, sizeof(body), "tiepnhan.idem10", ag_centre, "Võ Văn Mười");
	struct held_post h = {.s = quantri, .body = body, .key = "K-idem-10"};
	int stalls = log_count("\"msg\":\"test_commit_stalled\"");
	assert_int_equal(pthread_create(&h.th, NULL, held_post_run, &h), 0);
	assert_true(log_grows("\"msg\":\"test_commit_stalled\"", stalls));

	struct mc_http_res r;
	post_key(&quantri, "/api/v1/users", body, "K-idem-10", &r);
	assert_problem(&r, 409, "idempotency_in_progress");
	assert_string_equal(mc_http_header(&r, "Retry-After"), "1");
	assert_false(replayed(&r));
	mc_http_res_free(&r);

	const char *release[] = {"X-Motcua-Test-Fault: release-commit", NULL};
	assert_int_equal(mc_http_do(&quantri, "GET", "/api/v1/me", NULL, release, &r), 0);
	mc_http_res_free(&r);
	assert_int_equal(pthread_join(h.th, NULL), 0);
	assert_int_equal(h.status, 201);
	assert_false(h.replayed);
	assert_int_equal(post_key(&quantri, "/api/v1/users", body, "K-idem-10", &r), 201);
	assert_true(replayed(&r));
	mc_http_res_free(&r);
	assert_int_equal(count_username(ag_centre, "tiepnhan.idem10"), 1);
}

/* A reservation as a request leaves it when its database connection dies
 * under it (a failover: the server lives on, the row could not be
 * deleted): by quantri, for key, made now, by owner. */
static void leave_reservation(const char *key, const char *owner)
{
	int64_t uid = mc_test_db_int(db, "SELECT id FROM users WHERE username = ?", "quantri");
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int64_t now = (int64_t)time(NULL) * 1000;
	assert_int_equal(
		mc_exec(c,
			"INSERT INTO idempotency (user_id, key, method, path, request_hash, status, created_at,"
			" owner) VALUES (?, ?, 'POST', '/api/v1/users', 'a request that died', 0, ?, ?)",
			"itit", uid, key, now, owner),
		1);
	mc_db_release(c);
}

static void reservation_of_a_request_gone(void **state)
{
	(void)state;
	char body[400];
	official_body(body, sizeof(body), "tiepnhan.idem11", ag_centre, "Võ Văn Mười Một");
	leave_reservation("K-idem-11", "2f1c0d9e8b7a65432f1c0d9e8b7a6543");
	/* nobody holds its claim: the retry runs at once */
	struct mc_http_res r;
	assert_int_equal(post_key(&quantri, "/api/v1/users", body, "K-idem-11", &r), 201);
	assert_false(replayed(&r));
	mc_http_res_free(&r);
	assert_int_equal(post_key(&quantri, "/api/v1/users", body, "K-idem-11", &r), 201);
	assert_true(replayed(&r));
	mc_http_res_free(&r);
	assert_int_equal(count_username(ag_centre, "tiepnhan.idem11"), 1);

	/* one made by a release without claims cannot tell whether its
	 * request lives: 409 for 5 minutes, as that release answers (the row
	 * made so from an answered request, for its fingerprint) */
	official_body(body, sizeof(body), "tiepnhan.idem12", ag_centre, "Võ Văn Mười Hai");
	first_answer(body, "K-idem-12");
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_exec(c, "UPDATE idempotency SET status = 0, body = NULL, owner = NULL WHERE key = ?", "t",
				 "K-idem-12"),
			 1);
	mc_db_release(c);
	post_key(&quantri, "/api/v1/users", body, "K-idem-12", &r);
	assert_problem(&r, 409, "idempotency_in_progress");
	mc_http_res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(retry_creates_once),
		cmocka_unit_test(key_reused_for_another_request),
		cmocka_unit_test(key_shape),
		cmocka_unit_test(keys_are_per_caller),
		cmocka_unit_test(anonymous_signup),
		cmocka_unit_test(failures_are_remembered),
		cmocka_unit_test(refusals_keep_the_key),
		cmocka_unit_test(login_ignores_the_key),
		cmocka_unit_test(duplicate_while_running),
		cmocka_unit_test(reservation_of_a_request_gone),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
