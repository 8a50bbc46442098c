/*
 * test_auth.c - logging in and out against a real server: the session
 * cookie's attributes, CSRF on cookie sessions, bearer tokens, logout,
 * identical answers for an unknown user and a wrong password, throttling
 * per account and per address, citizen sign-up, changing one's password,
 * and a server log that never holds a password, a token or a citizen's ID.
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

#include "core/timeutil.h"
#include "crypto/crypto.h"
#include "db/db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PW       "motcua2026"
#define MAX_USER 3

static struct mc_test_server srv;
static char db_url[512];

/* Everything that must never appear in the server log. */
static char secrets[64][200];
static int nsecrets;

static void keep_secret(const char *s)
{
	assert_true(s && *s);
	assert_true(nsecrets < (int)(sizeof(secrets) / sizeof(secrets[0])));
	snprintf(secrets[nsecrets++], sizeof(secrets[0]), "%s", s);
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 1, NULL, 1);
	static const char *const env[] = {"MOTCUA_LOGIN_MAX_USER=3", NULL};
	mc_test_server_start(&srv, db_url, env);
	keep_secret(PW);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, NULL);
	return 0;
}

/* ---- helpers ---- */

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void assert_problem(struct mc_http_res *r, long status, const char *code)
{
	if (r->status != status || !r->json || !jstr(r->json, "code") || strcmp(jstr(r->json, "code"), code) != 0)
		fprintf(stderr, "expected %ld %s, got %ld: %s\n", status, code, r->status, r->body);
	assert_int_equal(r->status, status);
	assert_non_null(strstr(mc_http_header(r, "Content-Type"), "application/problem+json"));
	assert_non_null(r->json);
	assert_string_equal(jstr(r->json, "code"), code);
	assert_int_equal(json_integer_value(json_object_get(r->json, "status")), status);
}

/* Does a problem carry a field error for field (with reason, if given)? */
static int field_error(json_t *problem, const char *field, const char *reason)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(problem, "errors"), i, e)
		if (strcmp(jstr(e, "field"), field) == 0 && (!reason || strcmp(jstr(e, "reason"), reason) == 0))
			return 1;
	return 0;
}

/* POST /api/v1/auth/login with extra headers (may be NULL); returns the status. */
static long login_raw(const char *base, const char *user, const char *pw, int bearer, const char *const *hdrs,
		      struct mc_http_res *r)
{
	struct mc_http_session s;
	char body[512];
	mc_http_session_init(&s, base);
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\",\"token\":%s}", user, pw,
		 bearer ? "true" : "false");
	return mc_http_do(&s, "POST", "/api/v1/auth/login", body, hdrs, r) ? -1 : r->status;
}

/* Log in on s and remember the session's secrets. */
static void login_ok(struct mc_http_session *s, const char *user, const char *pw, int bearer)
{
	mc_http_session_init(s, srv.base);
	assert_int_equal(mc_http_login(s, user, pw, bearer), 200);
	if (bearer) {
		keep_secret(s->token);
	} else {
		assert_true(strncmp(s->cookie, "motcua_session=", 15) == 0);
		keep_secret(s->cookie + 15);
	}
	keep_secret(s->csrf);
}

static long me_status(struct mc_http_session *s)
{
	struct mc_http_res r;
	long st = mc_http_get(s, "/api/v1/me", &r);
	mc_http_res_free(&r);
	return st;
}

/* ---- tests ---- */

static void cookie_login(void **state)
{
	(void)state;
	struct mc_http_res r;
	assert_int_equal(login_raw(srv.base, "tiepnhan", PW, 0, NULL, &r), 200);
	/* the cookie: HttpOnly, SameSite=Lax, whole site, lives as long as the session; no Secure without TLS */
	const char *sc = mc_http_header(&r, "Set-Cookie");
	assert_true(strncmp(sc, "motcua_session=", 15) == 0);
	size_t tl = strcspn(sc + 15, ";");
	assert_true(tl >= 40);
	assert_int_equal(strspn(sc + 15, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), tl);
	assert_non_null(strstr(sc, "; HttpOnly"));
	assert_non_null(strstr(sc, "; SameSite=Lax"));
	assert_non_null(strstr(sc, "; Path=/;"));
	const char *ma = strstr(sc, "Max-Age=");
	assert_non_null(ma);
	assert_true(atol(ma + 8) > 0);
	assert_null(strstr(sc, "Secure"));
	char token[160];
	snprintf(token, sizeof(token), "%.*s", (int)tl, sc + 15);
	keep_secret(token);
	/* the body: the user and a CSRF token, never the session token */
	char csrf[64];
	assert_non_null(jstr(r.json, "csrf_token"));
	snprintf(csrf, sizeof(csrf), "%s", jstr(r.json, "csrf_token"));
	assert_int_equal(strlen(csrf), 32);
	assert_int_equal(strspn(csrf, "0123456789abcdef"), 32);
	keep_secret(csrf);
	assert_null(json_object_get(r.json, "token"));
	assert_null(strstr(r.body, token));
	assert_string_equal(jstr(json_object_get(r.json, "user"), "username"), "tiepnhan");
	assert_non_null(jstr(r.json, "expires_at"));
	mc_http_res_free(&r);

	/* the cookie alone identifies the caller on a GET */
	struct mc_http_session s;
	mc_http_session_init(&s, srv.base);
	snprintf(s.cookie, sizeof(s.cookie), "motcua_session=%.128s", token);
	assert_int_equal(mc_http_get(&s, "/api/v1/me", &r), 200);
	assert_string_equal(jstr(r.json, "username"), "tiepnhan");
	assert_string_equal(jstr(r.json, "kind"), "official");
	assert_string_equal(jstr(r.json, "csrf_token"), csrf);
	mc_http_res_free(&r);
}

static void csrf_and_logout(void **state)
{
	(void)state;
	struct mc_http_session s, other;
	struct mc_http_res r;
	login_ok(&s, "tiepnhan.tt2", PW, 0);
	login_ok(&other, "tiepnhan.tt2", PW, 0);
	char csrf[64];
	snprintf(csrf, sizeof(csrf), "%s", s.csrf);

	/* without the header: refused, and the session is untouched */
	s.csrf[0] = '\0';
	mc_http_post(&s, "/api/v1/auth/logout", NULL, &r);
	assert_problem(&r, 403, "csrf_failed");
	mc_http_res_free(&r);
	assert_int_equal(me_status(&s), 200); /* safe methods need no CSRF token */
	/* a wrong token, and another session's token, are refused too */
	snprintf(s.csrf, sizeof(s.csrf), "%s", "00000000000000000000000000000000");
	mc_http_post(&s, "/api/v1/auth/logout", NULL, &r);
	assert_problem(&r, 403, "csrf_failed");
	mc_http_res_free(&r);
	snprintf(s.csrf, sizeof(s.csrf), "%s", other.csrf);
	mc_http_post(&s, "/api/v1/auth/logout", NULL, &r);
	assert_problem(&r, 403, "csrf_failed");
	mc_http_res_free(&r);
	snprintf(s.csrf, sizeof(s.csrf), "%.31s", csrf); /* a prefix of the right one */
	mc_http_post(&s, "/api/v1/auth/logout", NULL, &r);
	assert_problem(&r, 403, "csrf_failed");
	mc_http_res_free(&r);
	assert_int_equal(me_status(&s), 200);

	/* with the right token: logged out, cookie cleared */
	snprintf(s.csrf, sizeof(s.csrf), "%s", csrf);
	assert_int_equal(mc_http_post(&s, "/api/v1/auth/logout", NULL, &r), 204);
	const char *sc = mc_http_header(&r, "Set-Cookie");
	assert_true(strncmp(sc, "motcua_session=;", 16) == 0);
	assert_non_null(strstr(sc, "Max-Age=0"));
	assert_non_null(strstr(sc, "Path=/"));
	mc_http_res_free(&r);
	/* the same cookie no longer works; the other session does */
	mc_http_get(&s, "/api/v1/me", &r);
	assert_problem(&r, 401, "unauthenticated");
	mc_http_res_free(&r);
	/* the pages' session probe: nobody is not an error */
	assert_int_equal(mc_http_get(&s, "/api/v1/session", &r), 204);
	assert_int_equal(r.len, 0);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&other, "/api/v1/session", &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "username")), "tiepnhan.tt2");
	assert_string_equal(json_string_value(json_object_get(r.json, "csrf_token")), other.csrf);
	assert_true(json_array_size(json_object_get(r.json, "permissions")) > 0);
	mc_http_res_free(&r);
	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	assert_int_equal(mc_http_get(&anon, "/api/v1/session", &r), 204);
	mc_http_res_free(&r);
	mc_http_post(&s, "/api/v1/auth/logout", NULL, &r);
	assert_problem(&r, 401, "unauthenticated");
	mc_http_res_free(&r);
	assert_int_equal(me_status(&other), 200);
}

static void bearer_login(void **state)
{
	(void)state;
	struct mc_http_res r;
	assert_int_equal(login_raw(srv.base, "chuyenvien", PW, 1, NULL, &r), 200);
	assert_string_equal(mc_http_header(&r, "Set-Cookie"), "");
	const char *tok = jstr(r.json, "token");
	assert_non_null(tok);
	assert_true(strlen(tok) >= 40);
	assert_non_null(jstr(r.json, "csrf_token"));
	struct mc_http_session s;
	mc_http_session_init(&s, srv.base);
	snprintf(s.token, sizeof(s.token), "%s", tok);
	keep_secret(tok);
	mc_http_res_free(&r);

	assert_int_equal(mc_http_get(&s, "/api/v1/me", &r), 200);
	assert_string_equal(jstr(r.json, "username"), "chuyenvien");
	mc_http_res_free(&r);
	/* a bearer token needs no CSRF token (mc_http_do sends none for it) */
	assert_int_equal(mc_http_post(&s, "/api/v1/auth/logout", NULL, &r), 204);
	assert_string_equal(mc_http_header(&r, "Set-Cookie"), "");
	mc_http_res_free(&r);
	mc_http_get(&s, "/api/v1/me", &r);
	assert_problem(&r, 401, "unauthenticated");
	mc_http_res_free(&r);

	/* the token is not a cookie value either once revoked */
	struct mc_http_session c;
	mc_http_session_init(&c, srv.base);
	snprintf(c.cookie, sizeof(c.cookie), "motcua_session=%.128s", s.token);
	assert_int_equal(me_status(&c), 401);
}

/* Unknown user and wrong password: the same answer, byte for byte, except
 * the request id and the instance. */
static void failures_look_alike(void **state)
{
	(void)state;
	struct mc_http_res a, b;
	login_raw(srv.base, "khong.ton.tai", "SaiMatKhau-123", 0, NULL, &a);
	login_raw(srv.base, "chuyenvien.stp", "SaiMatKhau-123", 0, NULL, &b);
	assert_problem(&a, 401, "invalid_credentials");
	assert_problem(&b, 401, "invalid_credentials");
	assert_string_equal(mc_http_header(&a, "Set-Cookie"), "");
	assert_string_equal(mc_http_header(&b, "Set-Cookie"), "");
	static const char *const keys[] = {"type",   "code",     "title",    "status",
					   "detail", "title_vi", "title_en", "errors"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *x = json_object_get(a.json, keys[i]), *y = json_object_get(b.json, keys[i]);
		assert_true((x == NULL) == (y == NULL));
		if (x)
			assert_true(json_equal(x, y));
	}
	assert_null(json_object_get(a.json, "errors"));
	/* nothing else differs: drop the per-request members and compare all */
	assert_string_not_equal(jstr(a.json, "request_id"), jstr(b.json, "request_id"));
	json_object_del(a.json, "request_id");
	json_object_del(b.json, "request_id");
	json_object_del(a.json, "instance");
	json_object_del(b.json, "instance");
	assert_true(json_equal(a.json, b.json));
	assert_int_equal(a.len, b.len);
	mc_http_res_free(&a);
	mc_http_res_free(&b);
	/* one failure does not lock the real user out */
	struct mc_http_session s;
	login_ok(&s, "chuyenvien.stp", PW, 1);
}

/* As if the last failure of user from addr (lower-case) had just happened:
 * before a check of the exact wait, so that the time a loaded machine
 * spends between the failure and the check does not shorten it. */
static void just_failed(const char *user, const char *addr)
{
	char both[200], key[3 + MC_SHA256_HEX] = "p:", err[256];
	int n = snprintf(both, sizeof(both), "%s\n%s", user, addr);
	mc_sha256_hex(both, (size_t)n, key + 2);
	struct mc_db *db;
	struct mc_conn *c;
	if (mc_db_open(db_url, 1, &db, err, sizeof(err)))
		fail_msg("open %s: %s", db_url, err);
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_exec(c, "UPDATE login_failures SET last_at = ? WHERE key = ?", "it", mc_time_now_ms(), key),
			 1);
	mc_db_release(c);
	mc_db_close(db);
}

/* Failures count per account and address: the attacker who knows a name
 * waits longer and longer, the owner logs in from elsewhere at once.  A
 * second server on the same database takes the client's address from
 * X-Forwarded-For, so that the test has addresses of its own. */
static void throttle_per_account_and_address(void **state)
{
	(void)state;
	struct mc_test_server s2;
	static const char *const env[] = {"MOTCUA_LOGIN_MAX_USER=3", "MOTCUA_LOGIN_MAX_ADDR=50", "MOTCUA_TRUST_PROXY=1",
					  NULL};
	mc_test_server_start(&s2, db_url, env);
	static const char *const attacker[] = {"X-Forwarded-For: 198.51.100.20", NULL};
	static const char *const owner[] = {"X-Forwarded-For: 203.0.113.20", NULL};
	struct mc_http_res r;
	for (int i = 0; i < MAX_USER; i++) {
		login_raw(s2.base, "giamdoc.stp", "SaiMatKhau-123", 0, attacker, &r);
		assert_problem(&r, 401, "invalid_credentials");
		mc_http_res_free(&r);
	}
	/* from there even the right password waits, and is told how long */
	just_failed("giamdoc.stp", "198.51.100.20");
	login_raw(s2.base, "giamdoc.stp", PW, 0, attacker, &r);
	assert_problem(&r, 429, "too_many_requests");
	assert_string_equal(mc_http_header(&r, "Retry-After"), "1");
	assert_int_equal(json_integer_value(json_object_get(r.json, "retry_after")), 1);
	assert_string_equal(mc_http_header(&r, "Set-Cookie"), "");
	assert_null(json_object_get(r.json, "token"));
	mc_http_res_free(&r);
	/* the user name's case does not open a way around it */
	just_failed("giamdoc.stp", "198.51.100.20");
	login_raw(s2.base, "GiamDoc.STP", PW, 1, attacker, &r);
	assert_problem(&r, 429, "too_many_requests");
	assert_null(json_object_get(r.json, "token"));
	mc_http_res_free(&r);
	/* the owner, elsewhere, is not locked out */
	assert_int_equal(login_raw(s2.base, "giamdoc.stp", PW, 1, owner, &r), 200);
	keep_secret(jstr(r.json, "token"));
	mc_http_res_free(&r);
	/* and others at the attacker's address still log in */
	assert_int_equal(login_raw(s2.base, "vanthu.stp", PW, 1, attacker, &r), 200);
	keep_secret(jstr(r.json, "token"));
	mc_http_res_free(&r);
	assert_int_equal(mc_test_server_stop(&s2), 0);
}

static void throttle_per_address(void **state)
{
	(void)state;
	/* A second server on the same database that takes the client address
	 * from X-Forwarded-For, so this test has addresses of its own. */
	struct mc_test_server s2;
	static const char *const env[] = {"MOTCUA_LOGIN_MAX_USER=3", "MOTCUA_LOGIN_MAX_ADDR=4", "MOTCUA_TRUST_PROXY=1",
					  NULL};
	mc_test_server_start(&s2, db_url, env);
	static const char *const from_a[] = {"X-Forwarded-For: 198.51.100.7", NULL};
	static const char *const from_b[] = {"X-Forwarded-For: 198.51.100.8", NULL};
	struct mc_http_res r;
	/* four failures, each on a different account (none reaches its own limit) */
	for (int i = 0; i < 4; i++) {
		char user[32];
		snprintf(user, sizeof(user), "khong.co.%d", i);
		login_raw(s2.base, user, "SaiMatKhau-123", 0, from_a, &r);
		assert_problem(&r, 401, "invalid_credentials");
		mc_http_res_free(&r);
	}
	/* the address is blocked, even for a good account with its password */
	login_raw(s2.base, "tiepnhan.cn2", PW, 1, from_a, &r);
	assert_problem(&r, 429, "too_many_requests");
	assert_true(atoi(mc_http_header(&r, "Retry-After")) > 0);
	assert_null(json_object_get(r.json, "token"));
	mc_http_res_free(&r);
	/* another address is not */
	assert_int_equal(login_raw(s2.base, "tiepnhan.cn2", PW, 1, from_b, &r), 200);
	keep_secret(jstr(r.json, "token"));
	mc_http_res_free(&r);
	/* the server that does not trust the header ignores it */
	assert_int_equal(login_raw(srv.base, "tiepnhan.cn3", PW, 1, from_a, &r), 200);
	keep_secret(jstr(r.json, "token"));
	mc_http_res_free(&r);
	assert_int_equal(mc_test_server_stop(&s2), 0);

	/* The same with the real peer address (127.0.0.1), on a database of its
	 * own so that the failures counted above do not matter. */
	char url3[512];
	struct mc_test_server s3;
	mc_test_db_setup(url3, sizeof(url3), 1, NULL, 1);
	static const char *const env3[] = {"MOTCUA_LOGIN_MAX_USER=3", "MOTCUA_LOGIN_MAX_ADDR=4", NULL};
	mc_test_server_start(&s3, url3, env3);
	for (int i = 0; i < 4; i++) {
		char user[32];
		snprintf(user, sizeof(user), "khong.co.%d", i);
		login_raw(s3.base, user, "SaiMatKhau-123", 0, NULL, &r);
		assert_problem(&r, 401, "invalid_credentials");
		mc_http_res_free(&r);
	}
	login_raw(s3.base, "tiepnhan.cn4", PW, 1, NULL, &r);
	assert_problem(&r, 429, "too_many_requests");
	assert_true(atoi(mc_http_header(&r, "Retry-After")) > 0);
	mc_http_res_free(&r);
	/* a forged X-Forwarded-For does not help when the proxy is not trusted */
	login_raw(s3.base, "tiepnhan.cn4", PW, 1, from_b, &r);
	assert_problem(&r, 429, "too_many_requests");
	mc_http_res_free(&r);
	assert_int_equal(mc_test_server_stop(&s3), 0);
	mc_test_db_drop(url3, NULL);
}

#define NEW_ID    "079204123456"
#define NEW_PHONE "0912345678"
/* the citizen who changes a password */
#define PW_ID    "079204123458"
#define PW_PHONE "0912345679"
/* the citizen who signs up in log_keeps_secrets */
#define LOG_ID    "079204123459"
#define LOG_PHONE "0912345680"

static void signup_citizen(void **state)
{
	(void)state;
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	keep_secret(NEW_ID);
	keep_secret(NEW_PHONE);
	keep_secret("DangKy-Moi-2026");
	static const char body[] =
		"{\"id_number\":\"" NEW_ID "\",\"full_name\":\"Trần Minh Khang\",\"birth_date\":\"2004-02-29\","
		"\"sex\":\"M\",\"phone\":\"" NEW_PHONE "\",\"email\":\"khang.tm04@example.vn\",\"ward_code\":\"26743\","
		"\"address\":\"9 Lê Lai\",\"password\":\"DangKy-Moi-2026\"}";
	assert_int_equal(mc_http_post(&s, "/api/v1/auth/signup", body, &r), 201);
	json_int_t id = json_integer_value(json_object_get(r.json, "id"));
	assert_true(id > 0);
	char loc[64];
	snprintf(loc, sizeof(loc), "/api/v1/users/%lld", (long long)id);
	assert_string_equal(mc_http_header(&r, "Location"), loc);
	assert_string_equal(jstr(r.json, "kind"), "citizen");
	assert_string_equal(jstr(r.json, "username"), NEW_ID);
	assert_string_equal(jstr(r.json, "id_number"), NEW_ID);
	assert_string_equal(jstr(r.json, "full_name"), "Trần Minh Khang");
	assert_string_equal(jstr(r.json, "status"), "active");
	assert_string_equal(json_string_value(json_array_get(json_object_get(r.json, "roles"), 0)), "citizen");
	assert_int_equal(json_array_size(json_object_get(r.json, "roles")), 1);
	assert_null(json_object_get(r.json, "password_hash"));
	assert_string_equal(mc_http_header(&r, "Set-Cookie"), ""); /* signing up does not log in */
	mc_http_res_free(&r);

	/* the ID number is taken now */
	mc_http_post(&s, "/api/v1/auth/signup", body, &r);
	assert_problem(&r, 409, "conflict");
	mc_http_res_free(&r);

	/* invalid input: 422 naming the fields */
	static const struct {
		const char *id, *birth, *phone, *pw, *field, *reason;
	} bad[] = {
		{"07920412345", "2004-02-29", NEW_PHONE, "DangKy-Moi-2026", "id_number", "format"},  /* 11 digits */
		{"07920412345A", "2004-02-29", NEW_PHONE, "DangKy-Moi-2026", "id_number", "format"}, /* a letter */
		{"0792041234567", "2004-02-29", NEW_PHONE, "DangKy-Moi-2026", "id_number", NULL},    /* 13 digits */
		{"079204123457", "1990-01-01", NEW_PHONE, "DangKy-Moi-2026", "id_number", "birth_year"},
		{"079204123457", "2004-02-30", NEW_PHONE, "DangKy-Moi-2026", "birth_date", "format"},
		{"079204123457", "2004-02-29", "12345", "DangKy-Moi-2026", "phone", "format"},
		{"079204123457", "2004-02-29", "00912345678", "DangKy-Moi-2026", "phone", NULL},
		{"079204123457", "2004-02-29", NEW_PHONE, "12345678901", "password", "weak"}, /* digits only */
		{"079204123457", "2004-02-29", NEW_PHONE, "Ngan-1", "password", "length"},
		{"079204123457", "2004-02-29", NEW_PHONE, "079204123457", "password", NULL}, /* digits, = ID */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char b[600];
		snprintf(b, sizeof(b),
			 "{\"id_number\":\"%s\",\"full_name\":\"Lê Văn Thử\",\"birth_date\":\"%s\",\"sex\":\"M\","
			 "\"phone\":\"%s\",\"password\":\"%s\"}",
			 bad[i].id, bad[i].birth, bad[i].phone, bad[i].pw);
		mc_http_post(&s, "/api/v1/auth/signup", b, &r);
		assert_problem(&r, 422, "validation_failed");
		if (!field_error(r.json, bad[i].field, bad[i].reason))
			fprintf(stderr, "case %zu: %s\n", i, r.body);
		assert_true(field_error(r.json, bad[i].field, bad[i].reason));
		mc_http_res_free(&r);
	}
	/* several mistakes at once are all reported */
	mc_http_post(&s, "/api/v1/auth/signup",
		     "{\"id_number\":\"12AB\",\"full_name\":\"Lê Văn Thử\",\"phone\":\"0812\",\"password\":\"ngan\","
		     "\"ward_code\":\"26743\"}",
		     &r);
	assert_problem(&r, 422, "validation_failed");
	assert_true(field_error(r.json, "id_number", NULL));
	assert_true(field_error(r.json, "phone", NULL));
	assert_true(field_error(r.json, "password", NULL));
	assert_int_equal(json_array_size(json_object_get(r.json, "errors")), 3);
	mc_http_res_free(&r);
	/* missing fields and a ward that does not exist */
	mc_http_post(&s, "/api/v1/auth/signup", "{}", &r);
	assert_problem(&r, 422, "validation_failed");
	assert_true(field_error(r.json, "id_number", "required"));
	assert_true(field_error(r.json, "full_name", "required"));
	assert_true(field_error(r.json, "phone", "required"));
	assert_true(field_error(r.json, "password", "required"));
	mc_http_res_free(&r);
	mc_http_post(&s, "/api/v1/auth/signup",
		     "{\"id_number\":\"079204123457\",\"full_name\":\"Lê Văn Thử\",\"phone\":\"" NEW_PHONE
		     "\",\"password\":\"DangKy-Moi-2026\",\"ward_code\":\"99999\"}",
		     &r);
	assert_problem(&r, 422, "validation_failed");
	assert_true(field_error(r.json, "ward_code", "unknown"));
	mc_http_res_free(&r);

	/* the new citizen logs in with the ID number */
	struct mc_http_session c;
	login_ok(&c, NEW_ID, "DangKy-Moi-2026", 0);
	assert_int_equal(mc_http_get(&c, "/api/v1/me", &r), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "id")), id);
	assert_string_equal(jstr(r.json, "kind"), "citizen");
	assert_string_equal(jstr(r.json, "phone"), NEW_PHONE);
	mc_http_res_free(&r);
	/* and may read their own record */
	assert_int_equal(mc_http_get(&c, loc, &r), 200);
	mc_http_res_free(&r);
}

/* A citizen signs up (201): ID number id, phone, password pw, born in
 * 2004; the three are kept as secrets. */
static void sign_up(const char *id, const char *phone, const char *pw)
{
	struct mc_http_session s;
	struct mc_http_res r;
	char body[400];
	keep_secret(id);
	keep_secret(phone);
	keep_secret(pw);
	snprintf(body, sizeof(body),
		 "{\"id_number\":\"%s\",\"full_name\":\"Trần Minh Khôi\",\"birth_date\":\"2004-03-01\","
		 "\"sex\":\"M\",\"phone\":\"%s\",\"ward_code\":\"26743\",\"password\":\"%s\"}",
		 id, phone, pw);
	mc_http_session_init(&s, srv.base);
	assert_int_equal(mc_http_post(&s, "/api/v1/auth/signup", body, &r), 201);
	mc_http_res_free(&r);
}

static void change_password(void **state)
{
	(void)state;
	struct mc_http_session s, other;
	struct mc_http_res r;
	sign_up(PW_ID, PW_PHONE, "DangKy-Moi-2026");
	login_ok(&s, PW_ID, "DangKy-Moi-2026", 0); /* a cookie session: the CSRF token goes along */
	login_ok(&other, PW_ID, "DangKy-Moi-2026", 1);
	keep_secret("MatKhau-Moi-2026");

	/* wrong current password */
	mc_http_post(&s, "/api/v1/me/password",
		     "{\"current_password\":\"SaiMatKhau-123\",\"new_password\":\"MatKhau-Moi-2026\"}", &r);
	assert_problem(&r, 401, "invalid_credentials");
	mc_http_res_free(&r);
	/* a weak new password */
	mc_http_post(&s, "/api/v1/me/password", "{\"current_password\":\"DangKy-Moi-2026\",\"new_password\":\"1234\"}",
		     &r);
	assert_problem(&r, 422, "validation_failed");
	mc_http_res_free(&r);
	/* missing fields */
	mc_http_post(&s, "/api/v1/me/password", "{}", &r);
	assert_problem(&r, 422, "validation_failed");
	assert_true(field_error(r.json, "current_password", "required"));
	assert_true(field_error(r.json, "new_password", "required"));
	mc_http_res_free(&r);
	/* the CSRF token is required on this route too */
	char csrf[64];
	snprintf(csrf, sizeof(csrf), "%s", s.csrf);
	s.csrf[0] = '\0';
	mc_http_post(&s, "/api/v1/me/password",
		     "{\"current_password\":\"DangKy-Moi-2026\",\"new_password\":\"MatKhau-Moi-2026\"}", &r);
	assert_problem(&r, 403, "csrf_failed");
	mc_http_res_free(&r);
	snprintf(s.csrf, sizeof(s.csrf), "%s", csrf);
	assert_int_equal(login_raw(srv.base, PW_ID, "DangKy-Moi-2026", 1, NULL, &r), 200); /* unchanged so far */
	keep_secret(jstr(r.json, "token"));
	mc_http_res_free(&r);

	/* the account's version, as GET /api/v1/me gives (and keeps) it */
	assert_int_equal(mc_http_get(&s, "/api/v1/me", &r), 200);
	json_int_t version = json_integer_value(json_object_get(r.json, "version"));
	mc_http_res_free(&r);
	assert_int_equal(
		mc_http_post(&s, "/api/v1/me/password",
			     "{\"current_password\":\"DangKy-Moi-2026\",\"new_password\":\"MatKhau-Moi-2026\"}", &r),
		204);
	mc_http_res_free(&r);
	/* the change shows at once, not when the kept answer expires */
	assert_int_equal(mc_http_get(&s, "/api/v1/me", &r), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "version")), version + 1);
	mc_http_res_free(&r);
	/* this session goes on, the others end */
	assert_int_equal(me_status(&s), 200);
	assert_int_equal(me_status(&other), 401);
	/* the old password fails, the new one works */
	login_raw(srv.base, PW_ID, "DangKy-Moi-2026", 0, NULL, &r);
	assert_problem(&r, 401, "invalid_credentials");
	mc_http_res_free(&r);
	struct mc_http_session n;
	login_ok(&n, PW_ID, "MatKhau-Moi-2026", 1);
	assert_int_equal(me_status(&n), 200);
	/* anonymous callers cannot change anything */
	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	mc_http_post(&anon, "/api/v1/me/password",
		     "{\"current_password\":\"MatKhau-Moi-2026\",\"new_password\":\"KhacNua-2026\"}", &r);
	assert_problem(&r, 401, "unauthenticated");
	mc_http_res_free(&r);
}

/* The log holds one JSON object per line and none of the secrets. */
static void log_keeps_secrets(void **state)
{
	(void)state;
	/* secrets of its own in the log: sessions of both kinds, a sign-up */
	static const char *const users[] = {"lanhdao", "quantri", "tiepnhan.p26740", "chuyenvien.p26740",
					    "chutich.p26740"};
	struct mc_http_session s;
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		login_ok(&s, users[i], PW, 0);
		login_ok(&s, users[i], PW, 1);
	}
	sign_up(LOG_ID, LOG_PHONE, "DangKy-Nhat-Ky-2026");
	/* one more login, then wait until its request line is written */
	struct mc_http_res r;
	assert_int_equal(login_raw(srv.base, "lanhdao", PW, 1, NULL, &r), 200);
	keep_secret(jstr(r.json, "token"));
	char rid[40];
	snprintf(rid, sizeof(rid), "\"id\":\"%s\"", mc_http_header(&r, "X-Request-Id"));
	assert_int_equal(strlen(rid), 6 + 16 + 1);
	mc_http_res_free(&r);

	char *log = NULL;
	for (int tries = 0; tries < 3000; tries++) { /* a minute at most */
		FILE *f = fopen(srv.log, "r");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		long n = ftell(f);
		fseek(f, 0, SEEK_SET);
		free(log);
		log = calloc(1, (size_t)n + 1);
		assert_int_equal(fread(log, 1, (size_t)n, f), (size_t)n);
		fclose(f);
		if (strstr(log, rid))
			break;
		struct timespec ts = {0, 20000000};
		nanosleep(&ts, NULL);
	}
	assert_non_null(strstr(log, rid));
	assert_true(nsecrets > 10);
	for (int i = 0; i < nsecrets; i++) {
		if (strstr(log, secrets[i]))
			fprintf(stderr, "the server log contains a secret: %s\n", secrets[i]);
		assert_null(strstr(log, secrets[i]));
	}
	/* each line is a JSON object; the login requests are logged by route */
	int logins = 0;
	for (char *line = log, *eol; *line; line = eol + 1) {
		eol = strchr(line, '\n');
		assert_non_null(eol);
		*eol = '\0';
		json_error_t je;
		json_t *j = json_loads(line, 0, &je);
		if (!j)
			fprintf(stderr, "not JSON: %s\n", line);
		assert_true(json_is_object(j));
		const char *route = jstr(j, "route");
		if (route && strcmp(route, "/api/v1/auth/login") == 0)
			logins++;
		json_decref(j);
	}
	assert_true(logins >= 10);
	free(log);
}

/* A revocation and the session cache: the cache may be filled again from
 * the database while the revoking transaction has not committed; it must
 * be cleared once more after the commit.  The server holds the revoking
 * request just before its COMMIT (motcua-test's stall-before-commit). */
struct patch_job {
	const char *base, *token, *etag, *body;
	long long uid;
	long status;
};

/* PATCH /api/v1/users/{uid} with body, held just before its COMMIT. */
static void *patch_user(void *arg)
{
	struct patch_job *j = arg;
	char url[200], auth[200], im[64];
	snprintf(url, sizeof(url), "%s/api/v1/users/%lld", j->base, j->uid);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", j->token);
	snprintf(im, sizeof(im), "If-Match: %s", j->etag);
	const char *h[] = {auth, im, "Content-Type: application/json", "X-Motcua-Test-Fault: stall-before-commit",
			   NULL};
	struct mc_http_res r;
	if (mc_http_raw("PATCH", url, j->body, h, &r) == 0)
		j->status = r.status;
	mc_http_res_free(&r);
	return NULL;
}

static int log_has(const char *path, const char *text)
{
	for (int i = 0; i < 6000; i++) { /* a minute at most */
		FILE *f = fopen(path, "r");
		char line[2048];
		int found = 0;
		while (f && !found && fgets(line, sizeof(line), f))
			found = strstr(line, text) != NULL;
		if (f)
			fclose(f);
		if (found)
			return 1;
		struct timespec ts = {0, 10000000};
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* A server keeping sessions (and GET /api/v1/me answers) for a minute,
 * a user and the admin signed in, the user's answer kept, and a change of
 * the user's account held just before its COMMIT. */
struct held_change {
	struct mc_test_server srv;
	struct mc_http_session user, admin;
	struct patch_job job;
	pthread_t th;
	char etag[32], before[128]; /* before: the user's name as first read */
	long long uid;
};

static void held_start(struct held_change *h, const char *username)
{
	static const char *const env[] = {"MOTCUA_SESSION_CACHE_MS=60000", NULL};
	mc_test_server_start(&h->srv, db_url, env);
	mc_http_login_as(&h->user, h->srv.base, username);
	mc_http_login_as(&h->admin, h->srv.base, "admin");
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&h->user, "/api/v1/me", &r), 200); /* kept now */
	h->uid = (long long)json_integer_value(json_object_get(r.json, "id"));
	snprintf(h->before, sizeof(h->before), "%s", json_string_value(json_object_get(r.json, "full_name")));
	mc_http_res_free(&r);
}

/* PATCH the user with body, held before its COMMIT. */
static void held_patch(struct held_change *h, const char *body)
{
	char path[64];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/users/%lld", h->uid);
	assert_int_equal(mc_http_get(&h->admin, path, &r), 200);
	snprintf(h->etag, sizeof(h->etag), "%s", mc_http_header(&r, "ETag"));
	mc_http_res_free(&r);
	h->job = (struct patch_job){h->srv.base, h->admin.token, h->etag, body, h->uid, 0};
	assert_int_equal(pthread_create(&h->th, NULL, patch_user, &h->job), 0);
	assert_true(log_has(h->srv.log, "\"msg\":\"test_commit_stalled\""));
}

/* Let the change commit; it succeeds. */
static void held_release(struct held_change *h)
{
	struct mc_http_res r;
	const char *release[] = {"X-Motcua-Test-Fault: release-commit", NULL};
	assert_int_equal(mc_http_do(&h->admin, "GET", "/api/v1/me", NULL, release, &r), 0);
	mc_http_res_free(&r);
	assert_int_equal(pthread_join(h->th, NULL), 0);
	assert_int_equal(h->job.status, 200);
}

/* The user's name in GET /api/v1/me (status 200 asserted). */
static void me_name_is(struct held_change *h, const char *name)
{
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&h->user, "/api/v1/me", &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "full_name")), name);
	mc_http_res_free(&r);
}

static void revocation_clears_the_cache_after_commit(void **state)
{
	(void)state;
	struct held_change h;
	held_start(&h, "chuyenvien.sxd");
	held_patch(&h, "{\"status\":\"disabled\"}");
	/* not committed yet: the session is still good, and read (and cached)
	 * again from the database */
	me_name_is(&h, h.before);
	held_release(&h);
	/* committed: the session is over at once, not when the cache expires */
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&h.user, "/api/v1/me", &r), 401);
	mc_http_res_free(&r);
	assert_int_equal(mc_test_server_stop(&h.srv), 0);
}

/* GET /api/v1/me is kept per session like the session; a change of the
 * account shows at once, however long the cache keeps answers, and even
 * when the old account was read again (and kept) while the change waited
 * for its COMMIT. */
static void account_change_shows_at_once(void **state)
{
	(void)state;
	struct held_change h;
	held_start(&h, "chuyenvien.stp");
	me_name_is(&h, h.before); /* from the copy */
	held_patch(&h, "{\"full_name\":\"Trần Thị Đổi Tên\"}");
	me_name_is(&h, h.before); /* not committed: the old name, read and kept again */
	held_release(&h);
	me_name_is(&h, "Trần Thị Đổi Tên"); /* committed: the new name at once */
	assert_int_equal(mc_test_server_stop(&h.srv), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cookie_login),
		cmocka_unit_test(csrf_and_logout),
		cmocka_unit_test(bearer_login),
		cmocka_unit_test(failures_look_alike),
		cmocka_unit_test(throttle_per_account_and_address),
		cmocka_unit_test(throttle_per_address),
		cmocka_unit_test(signup_citizen),
		cmocka_unit_test(change_password),
		cmocka_unit_test(log_keeps_secrets),
		cmocka_unit_test(revocation_clears_the_cache_after_commit),
		cmocka_unit_test(account_change_shows_at_once),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
