/*
 * test_password_reset.c - a forgotten password, reset at the counter
 * (issue 10).  A reception clerk (account.reset) issues a one-time code for
 * a citizen's or a business's account after checking the ID card; the code
 * is kept only as a hash; the holder sets a new password with it, which
 * ends every session of the account; both acts are audited.  A citizen or
 * a specialist cannot issue codes; a wrong, used, superseded or expired
 * code is refused with one answer; wrong tries are throttled like logins,
 * and a code dies after five of them.
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
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PW     MC_HTTP_DEMO_PASSWORD
#define NEW_PW "Quen-Mat-Khau-2026"

static struct mc_test_server srv;
static char db_url[512];
static struct mc_db *db;
static struct mc_http_session clerk;

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t sql_int(const char *sql, const char *types, const char *t, int64_t i)
{
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int64_t v = -1;
	int rc = !*types                   ? mc_query_int64(c, &v, sql, "")
		 : strcmp(types, "t") == 0 ? mc_query_int64(c, &v, sql, "t", t)
		 : strcmp(types, "i") == 0 ? mc_query_int64(c, &v, sql, "i", i)
					   : mc_query_int64(c, &v, sql, "ti", t, i);
	mc_db_release(c);
	assert_int_equal(rc, 0);
	return v;
}

static int64_t user_id(const char *username)
{
	return sql_int("SELECT id FROM users WHERE username = ?", "t", username, 0);
}

/* Audit entries of action by actor on user object. */
static int64_t audited(const char *action, int64_t actor, int64_t object)
{
	int64_t n = -1;
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int rc = mc_query_int64(
		c, &n,
		"SELECT COUNT(*) FROM audit_log WHERE action = ? AND actor_id = ? AND object_id = CAST(? AS TEXT)",
		"tii", action, actor, object);
	mc_db_release(c);
	assert_int_equal(rc, 0);
	return n;
}

/* Issue a code for account as s; the status, the code copied into code. */
static long issue(struct mc_http_session *s, const char *account, int checked, char code[32], struct mc_http_res *r)
{
	char body[200];
	snprintf(body, sizeof(body), "{\"account\":\"%s\",\"identity_checked\":%s}", account,
		 checked ? "true" : "false");
	long st = mc_http_post(s, "/api/v1/password-resets", body, r);
	if (code)
		snprintf(code, 32, "%s", st == 201 && r->json ? jstr(r->json, "code") : "");
	return st;
}

static long issue_ok(const char *account, char code[32])
{
	struct mc_http_res r;
	long st = issue(&clerk, account, 1, code, &r);
	if (st != 201)
		fail_msg("issue for %s: %ld %s", account, st, r.body);
	mc_http_res_free(&r);
	return st;
}

/* Redeem anonymously; the status; res kept when given. */
static long redeem(const char *account, const char *code, const char *pw, struct mc_http_res *res)
{
	struct mc_http_session s;
	struct mc_http_res local;
	struct mc_http_res *r = res ? res : &local;
	char body[300];
	mc_http_session_init(&s, srv.base);
	snprintf(body, sizeof(body), "{\"account\":\"%s\",\"code\":\"%s\",\"new_password\":\"%s\"}", account, code, pw);
	long st = mc_http_post(&s, "/api/v1/auth/password-reset", body, r);
	if (!res)
		mc_http_res_free(r);
	return st;
}

/* A refusal of the code: 422 with a field error on code, one wording. */
static void assert_code_refused(const char *account, const char *code, const char *pw)
{
	struct mc_http_res r;
	long st = redeem(account, code, pw, &r);
	if (st != 422 || !strstr(r.body, "\"field\":\"code\"") || !strstr(r.body, "\"reason\":\"invalid\""))
		fail_msg("expected the code refused, got %ld: %s", st, r.body);
	mc_http_res_free(&r);
}

static long login_status(const char *user, const char *pw)
{
	struct mc_http_session s;
	mc_http_session_init(&s, srv.base);
	return mc_http_login(&s, user, pw, 1);
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 1, &db, 1);
	static const char *const env[] = {"MOTCUA_LOGIN_MAX_USER=3", NULL};
	mc_test_server_start(&srv, db_url, env);
	mc_http_login_as(&clerk, srv.base, "tiepnhan");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, db);
	db = NULL;
	return 0;
}

static void clerk_issues_citizen_resets(void **state)
{
	(void)state;
	const char *id = "079203001234";
	int64_t uid = user_id(id), clerk_id = user_id("tiepnhan");
	struct mc_http_session old;
	mc_http_login_as(&old, srv.base, id);
	struct mc_http_res r;
	char code[32];
	assert_int_equal(issue(&clerk, id, 1, code, &r), 201);
	/* the holder, to check against the card; the code shown once */
	json_t *acc = json_object_get(r.json, "account");
	assert_string_equal(jstr(acc, "full_name"), "Nguyễn Văn An");
	assert_string_equal(jstr(acc, "birth_date"), "2003-05-14");
	assert_string_equal(jstr(acc, "kind"), "citizen");
	assert_int_equal(strlen(code), 14);
	assert_true(code[4] == '-' && code[9] == '-');
	assert_non_null(strstr(mc_http_header(&r, "Cache-Control"), "no-store"));
	mc_http_res_free(&r);
	/* stored as a hash only */
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM password_resets WHERE user_id = ? AND used_at IS NULL", "i", NULL, uid),
		1);
	char plain[16];
	snprintf(plain, sizeof(plain), "%.4s%.4s%.4s", code, code + 5, code + 10);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM password_resets WHERE code_hash = ?", "t", code, 0), 0);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM password_resets WHERE code_hash = ?", "t", plain, 0), 0);
	assert_int_equal(audited("user.password_reset_code_issued", clerk_id, uid), 1);

	/* the password rules of sign-up hold: too short, the ID number itself */
	assert_int_equal(redeem(id, code, "short", NULL), 422);
	assert_int_equal(redeem(id, code, id, NULL), 422);
	/* typed in lower case, without dashes: accepted */
	char typed[16];
	for (int i = 0; plain[i]; i++)
		typed[i] = (char)(plain[i] >= 'A' && plain[i] <= 'Z' ? plain[i] + 32 : plain[i]);
	typed[12] = '\0';
	assert_int_equal(redeem(id, typed, NEW_PW, NULL), 204);
	assert_int_equal(audited("user.password_reset_by_code", uid, uid), 1);
	/* every session ended; the new password opens one, the old does not */
	struct mc_http_res me;
	assert_int_equal(mc_http_get(&old, "/api/v1/me", &me), 401);
	mc_http_res_free(&me);
	assert_int_equal(login_status(id, NEW_PW), 200);
	assert_int_equal(login_status(id, PW), 401);
	/* used once only */
	assert_code_refused(id, code, "Lan-Thu-Hai-2026");
	assert_int_equal(login_status(id, NEW_PW), 200);
}

static void business_resets_by_tax_code(void **state)
{
	(void)state;
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	assert_int_equal(
		mc_http_post(&s, "/api/v1/auth/signup/business",
			     "{\"tax_code\":\"0312345678\",\"name\":\"Công ty TNHH Ánh Dương\",\"representative\":"
			     "\"Phạm Minh Tuấn\",\"phone\":\"0901234567\",\"email\":\"lienhe@anhduong.vn\","
			     "\"password\":\"Anh-Duong-2026\"}",
			     &r),
		201);
	mc_http_res_free(&r);
	char code[32];
	assert_int_equal(issue(&clerk, "0312345678", 1, code, &r), 201);
	assert_string_equal(jstr(json_object_get(r.json, "account"), "kind"), "business");
	assert_string_equal(jstr(json_object_get(r.json, "account"), "representative"), "Phạm Minh Tuấn");
	mc_http_res_free(&r);
	assert_int_equal(redeem("0312345678", code, NEW_PW, NULL), 204);
	assert_int_equal(login_status("0312345678", NEW_PW), 200);
}

static void only_the_power_issues(void **state)
{
	(void)state;
	struct mc_http_session citizen, specialist, anon;
	struct mc_http_res r;
	char code[32];
	mc_http_login_as(&citizen, srv.base, "079185176822");
	mc_http_login_as(&specialist, srv.base, "chuyenvien");
	mc_http_session_init(&anon, srv.base);
	/* a citizen, even for their own account; an official without the power */
	assert_int_equal(issue(&citizen, "079185176822", 1, code, &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(issue(&citizen, "079092114732", 1, code, &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(issue(&specialist, "079092114732", 1, code, &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(issue(&anon, "079092114732", 1, code, &r), 401);
	mc_http_res_free(&r);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM password_resets WHERE user_id = ?", "i", NULL, user_id("079092114732")),
		0);
	/* the card must have been checked; an unknown number; an official's
	 * account is not reset here */
	assert_int_equal(issue(&clerk, "079092114732", 0, code, &r), 422);
	assert_non_null(strstr(r.body, "identity_checked"));
	mc_http_res_free(&r);
	assert_int_equal(issue(&clerk, "079999999999", 1, code, &r), 422);
	assert_non_null(strstr(r.body, "\"field\":\"account\""));
	mc_http_res_free(&r);
	assert_int_equal(issue(&clerk, "tiepnhan", 1, code, &r), 422);
	mc_http_res_free(&r);
}

static void expired_and_superseded_codes_refused(void **state)
{
	(void)state;
	const char *id = "079178985647";
	char first[32], second[32];
	issue_ok(id, first);
	issue_ok(id, second);
	/* the newer code supersedes the older */
	assert_code_refused(id, first, NEW_PW);
	/* 30 minutes later */
	int64_t uid = user_id(id);
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_true(mc_exec(c, "UPDATE password_resets SET expires_at = ? WHERE user_id = ?", "ii",
			    mc_time_now_ms() - 1, uid) >= 1);
	mc_db_release(c);
	assert_code_refused(id, second, NEW_PW);
	/* an unknown account answers the same */
	assert_code_refused("079999999999", second, NEW_PW);
	assert_int_equal(login_status(id, PW), 200);
}

static void wrong_tries_are_throttled_and_kill_the_code(void **state)
{
	(void)state;
	const char *id = "079060847194";
	char code[32];
	issue_ok(id, code);
	const char *wrong = "AAAA-BBBB-CCCC";
	for (int i = 0; i < 3; i++)
		assert_code_refused(id, wrong, NEW_PW);
	/* the fourth try at once waits (1 s, then doubling) */
	struct mc_http_res r;
	assert_int_equal(redeem(id, code, NEW_PW, &r), 429);
	assert_true(atoi(mc_http_header(&r, "Retry-After")) >= 1);
	mc_http_res_free(&r);
	usleep(1100 * 1000);
	assert_code_refused(id, wrong, NEW_PW);
	usleep(2100 * 1000);
	assert_code_refused(id, wrong, NEW_PW); /* the fifth wrong try: the code is dead */
	usleep(4100 * 1000);
	assert_code_refused(id, code, NEW_PW);
	assert_int_equal(login_status(id, PW), 200);
	assert_int_equal(audited("auth.password_reset_failed", user_id(id), user_id(id)), 6);
	/* a new code from the counter works */
	issue_ok(id, code);
	usleep(8100 * 1000);
	assert_int_equal(redeem(id, code, NEW_PW, NULL), 204);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clerk_issues_citizen_resets),
		cmocka_unit_test(business_resets_by_tax_code),
		cmocka_unit_test(only_the_power_issues),
		cmocka_unit_test(expired_and_superseded_codes_refused),
		cmocka_unit_test(wrong_tries_are_throttled_and_kill_the_code),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
