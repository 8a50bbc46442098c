/*
 * test_auth_store.c - login, sessions and throttling (src/auth) on a seeded
 * database, on SQLite and PostgreSQL: demo logins, one answer for unknown
 * user / wrong password / disabled account, per-account and per-address
 * limits, expiry, idleness, revocation, and tokens stored only as hashes.
 * Tests use distinct users and addresses so that their failure counters
 * do not interfere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "only.h"
#include "testdb.h"

#include "auth/auth.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "crypto/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PASSWORD "motcua2026"

static char db_url[512];
static struct mc_db *db;
static struct mc_conn *conn;

static const struct mc_auth_policy policy = {
	.session_ttl = 3600,
	.session_idle = 1800,
	.max_user = 3,
	.max_addr = 5,
	.window = 600,
};

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 1, &db, 1);
	assert_int_equal(mc_db_acquire(db, &conn), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_db_release(conn);
	conn = NULL;
	mc_test_db_drop(db_url, db);
	db = NULL;
	return 0;
}

/* The policy of login(): tests of one account from one address lift the
 * address limit, so that it does not stop them first. */
static const struct mc_auth_policy *use = &policy;
static const struct mc_auth_policy roomy = {
	.session_ttl = 3600,
	.session_idle = 1800,
	.max_user = 3,
	.max_addr = 1000,
	.window = 600,
};

static int login(const char *user, const char *pw, const char *addr, struct mc_login_result *r)
{
	int rc = mc_auth_login(conn, use, user, pw, "cookie", addr, r);
	assert_int_equal(mc_in_tx(conn), 0);
	return rc;
}

static int64_t user_id(const char *username)
{
	int64_t id = 0;
	assert_int_equal(mc_query_int64(conn, &id, "SELECT id FROM users WHERE username = ?", "t", username), 0);
	return id;
}

static int64_t sessions_of(int64_t uid)
{
	int64_t n = -1;
	assert_int_equal(mc_query_int64(conn, &n, "SELECT COUNT(*) FROM sessions WHERE user_id = ?", "i", uid), 0);
	return n;
}

static int64_t audit_count(const char *action, int64_t actor)
{
	int64_t n = -1;
	assert_int_equal(mc_query_int64(conn, &n, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND actor_id = ?",
					"ti", action, actor),
			 0);
	return n;
}

/* Log in as user and return its session id (via a resolved principal). */
static int64_t session_for(const char *user, const char *addr, struct mc_login_result *r)
{
	assert_int_equal(login(user, PASSWORD, addr, r), 0);
	struct mc_principal who;
	assert_int_equal(mc_auth_session(conn, &policy, r->token, &who), 0);
	assert_true(who.session_id > 0);
	return who.session_id;
}

static void demo_admin_login(void **state)
{
	(void)state;
	struct mc_login_result r;
	int64_t before = mc_time_now_ms();
	assert_int_equal(login("admin", PASSWORD, "192.0.2.1", &r), 0);
	int64_t admin = user_id("admin");
	assert_true(r.user_id == admin);
	assert_int_equal(strlen(r.token), 43); /* 32 random bytes, base64url */
	assert_int_equal(strspn(r.token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	assert_int_equal(strlen(r.csrf), 32);
	assert_int_equal(strspn(r.csrf, "0123456789abcdef"), 32);
	assert_true(r.expires_at >= before + 3600 * 1000LL);
	assert_true(r.expires_at <= mc_time_now_ms() + 3600 * 1000LL);
	assert_int_equal(r.retry_after, 0);

	struct mc_principal who;
	assert_int_equal(mc_auth_session(conn, &policy, r.token, &who), 0);
	assert_true(who.user_id == admin);
	assert_string_equal(who.kind, "official");
	assert_string_equal(who.csrf, r.csrf);
	int64_t city = 0;
	assert_int_equal(mc_query_int64(conn, &city, "SELECT id FROM agencies WHERE code = '000.00.00.H29'", ""), 0);
	assert_true(who.agency_id == city);
	assert_true(mc_principal_has(&who, "audit.read"));
	assert_true(mc_principal_has(&who, "user.manage"));
	assert_true(mc_principal_has(&who, "directory.read"));
	assert_false(mc_principal_has(&who, "no.such.permission"));
	assert_true(mc_principal_has(&who, "account.reset"));
	/* 0002_roles: 6, 0004_catalog: 2, 0005_dossiers: dossier.read, stats.read, 0016: account.reset,
	 * 0036: notify.admin, 0037: payment.manage, payment.accounts */
	assert_int_equal(who.nperms, 14);
	assert_int_equal(audit_count("auth.login", admin), 1);

	/* a second login is a second, different session */
	struct mc_login_result r2;
	assert_int_equal(login("admin", PASSWORD, "192.0.2.1", &r2), 0);
	assert_string_not_equal(r.token, r2.token);
	assert_string_not_equal(r.csrf, r2.csrf);
	struct mc_principal who2;
	assert_int_equal(mc_auth_session(conn, &policy, r2.token, &who2), 0);
	assert_true(who2.session_id != who.session_id);
	assert_int_equal(sessions_of(admin), 2);

	/* a specialist has the directory but not the audit log */
	assert_int_equal(login("chuyenvien", PASSWORD, "192.0.2.1", &r), 0);
	assert_int_equal(mc_auth_session(conn, &policy, r.token, &who), 0);
	assert_true(mc_principal_has(&who, "directory.read"));
	assert_false(mc_principal_has(&who, "audit.read"));
	assert_false(mc_principal_has(&who, "user.manage"));

	/* a citizen logs in with the citizen ID; no agency, no directory */
	assert_int_equal(login("079203001234", PASSWORD, "192.0.2.1", &r), 0);
	assert_int_equal(mc_auth_session(conn, &policy, r.token, &who), 0);
	assert_string_equal(who.kind, "citizen");
	assert_int_equal(who.agency_id, 0);
	assert_false(mc_principal_has(&who, "directory.read"));
}

static void bad_credentials_look_alike(void **state)
{
	(void)state;
	struct mc_login_result r;
	int64_t lanhdao = user_id("lanhdao");
	int64_t failed0 = audit_count("auth.login_failed", lanhdao);
	assert_int_equal(login("lanhdao", "wrong-password", "192.0.2.10", &r), MC_E_BAD_CREDENTIALS);
	assert_int_equal(r.token[0], '\0');
	assert_int_equal(r.user_id, 0);
	assert_int_equal(r.retry_after, 0);
	assert_int_equal(login("khongtontai", PASSWORD, "192.0.2.11", &r), MC_E_BAD_CREDENTIALS);
	assert_int_equal(r.token[0], '\0');
	assert_int_equal(r.user_id, 0);
	/* an empty password, or the right one in the wrong case, is no better */
	assert_int_equal(login("lanhdao", "", "192.0.2.13", &r), MC_E_BAD_CREDENTIALS);
	assert_int_equal(login("uyvien.ubnd", "MOTCUA2026", "192.0.2.12", &r), MC_E_BAD_CREDENTIALS);
	/* nor is the right password for someone else's account name */
	assert_int_equal(login("Admin", PASSWORD, "192.0.2.15", &r), MC_E_BAD_CREDENTIALS);
	assert_int_equal(sessions_of(lanhdao), 0);
	/* failures are audited against the account when it exists */
	assert_int_equal(audit_count("auth.login_failed", lanhdao), failed0 + 2);
	/* a bogus or malformed token resolves to nobody */
	struct mc_principal who;
	assert_int_equal(mc_auth_session(conn, &policy, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &who),
			 MC_E_UNAUTHENTICATED);
	assert_int_equal(mc_auth_session(conn, &policy, "short", &who), MC_E_UNAUTHENTICATED);
	assert_int_equal(mc_auth_session(conn, &policy, "", &who), MC_E_UNAUTHENTICATED);
	assert_int_equal(who.user_id, 0);
	/* the right password still works: 2 failures are under the limit of 3 */
	assert_int_equal(login("lanhdao", PASSWORD, "192.0.2.14", &r), 0);
}

/* Move the last failure of every account-and-address pair back by ms: as
 * if that much time had passed. */
static void time_passes(int64_t ms)
{
	assert_true(mc_exec(conn, "UPDATE login_failures SET last_at = last_at - ? WHERE key LIKE 'p:%'", "i", ms) >=
		    1);
}

/* As if the last failure of every account-and-address pair had just
 * happened: before a check of the exact wait, so that the time a loaded
 * machine spends between the failure and the check does not shorten it. */
static void just_failed(void)
{
	assert_true(mc_exec(conn, "UPDATE login_failures SET last_at = ? WHERE key LIKE 'p:%'", "i",
			    mc_time_now_ms()) >= 1);
}

static void attacker_cannot_lock_the_owner_out(void **state)
{
	(void)state;
	struct mc_login_result r;
	const char *user = "chuyenvien.stp", *attacker = "198.51.100.7";
	int64_t uid = user_id(user);
	use = &roomy;
	/* max_user free failures from the attacker's address ... */
	for (int i = 0; i < policy.max_user; i++)
		assert_int_equal(login(user, "sai-mat-khau", attacker, &r), MC_E_BAD_CREDENTIALS);
	/* ... then the attacker waits before each next try: 1 s */
	just_failed();
	assert_int_equal(login(user, "sai-mat-khau", attacker, &r), MC_E_RATE_LIMITED);
	assert_int_equal(r.retry_after, 1);
	assert_int_equal(r.token[0], '\0');
	/* the account's name in other letters is the same account */
	just_failed();
	assert_int_equal(login("CHUYENVIEN.STP", PASSWORD, attacker, &r), MC_E_RATE_LIMITED);
	assert_int_equal(sessions_of(uid), 0);
	/* the owner, from elsewhere, is not locked out */
	assert_int_equal(login(user, PASSWORD, "192.0.2.50", &r), 0);
	assert_int_equal(sessions_of(uid), 1);

	/* each further failure doubles the attacker's wait: 2 s, 4 s, 8 s */
	for (int wait = 2; wait <= 8; wait *= 2) {
		time_passes(wait * 1000);
		assert_int_equal(login(user, "sai-mat-khau", attacker, &r), MC_E_BAD_CREDENTIALS);
		just_failed();
		assert_int_equal(login(user, "sai-mat-khau", attacker, &r), MC_E_RATE_LIMITED);
		assert_int_equal(r.retry_after, wait);
		/* a refused try is not counted: the wait does not grow with it */
		just_failed();
		assert_int_equal(login(user, "sai-mat-khau", attacker, &r), MC_E_RATE_LIMITED);
		assert_int_equal(r.retry_after, wait);
	}
	/* the waits end at the window */
	for (int i = 0; i < 12; i++) {
		time_passes((int64_t)policy.window * 1000);
		assert_int_equal(login(user, "sai-mat-khau", attacker, &r), MC_E_BAD_CREDENTIALS);
	}
	assert_int_equal(login(user, "sai-mat-khau", attacker, &r), MC_E_RATE_LIMITED);
	assert_true(r.retry_after <= policy.window);
	/* the right password from that address, once the wait is over, works and
	 * clears the count: max_user free failures again */
	time_passes((int64_t)policy.window * 1000);
	assert_int_equal(login(user, PASSWORD, attacker, &r), 0);
	for (int i = 0; i < policy.max_user; i++)
		assert_int_equal(login(user, "sai-mat-khau", attacker, &r), MC_E_BAD_CREDENTIALS);
	just_failed();
	assert_int_equal(login(user, "sai-mat-khau", attacker, &r), MC_E_RATE_LIMITED);
	use = &policy;
}

static void success_clears_the_failures(void **state)
{
	(void)state;
	struct mc_login_result r;
	const char *user = "chuyenvien.snnmt", *addr = "198.51.100.60";
	use = &roomy;
	/* within one window: 2 failures, a success, 2 failures, a success */
	for (int round = 0; round < 2; round++) {
		assert_int_equal(login(user, "sai-mat-khau", addr, &r), MC_E_BAD_CREDENTIALS);
		assert_int_equal(login(user, "sai-mat-khau", addr, &r), MC_E_BAD_CREDENTIALS);
		assert_int_equal(login(user, PASSWORD, addr, &r), 0);
	}
	/* without the reset these would be the 5th and 6th failures */
	assert_int_equal(login(user, "sai-mat-khau", addr, &r), MC_E_BAD_CREDENTIALS);
	assert_int_equal(login(user, PASSWORD, addr, &r), 0);
	use = &policy;
}

static void per_address_limit(void **state)
{
	(void)state;
	struct mc_login_result r;
	const char *addr = "203.0.113.9";
	const char *users[] = {"giamdoc.stp", "vanthu.stp", "khongco1", "khongco2", "truongphong.sxd"};
	for (int i = 0; i < policy.max_addr; i++)
		assert_int_equal(login(users[i], "sai-mat-khau", addr, &r), MC_E_BAD_CREDENTIALS);
	/* from that address, any account is refused, even with its password */
	assert_int_equal(login("admin", PASSWORD, addr, &r), MC_E_RATE_LIMITED);
	assert_true(r.retry_after > 0 && r.retry_after <= policy.window);
	assert_int_equal(login("chuyenvien.sxd", PASSWORD, addr, &r), MC_E_RATE_LIMITED);
	/* ...while from another address the same accounts log in */
	assert_int_equal(login("chuyenvien.sxd", PASSWORD, "203.0.113.10", &r), 0);
	assert_int_equal(login("giamdoc.stp", PASSWORD, "203.0.113.10", &r), 0);
}

static void expired_session_refused(void **state)
{
	(void)state;
	struct mc_login_result r;
	int64_t sid = session_for("chuyenvien.vp", "192.0.2.30", &r);
	char th[MC_SHA256_HEX];
	mc_sha256_hex(r.token, strlen(r.token), th);
	assert_int_equal(mc_exec(conn, "UPDATE sessions SET expires_at = ? WHERE token_hash = ?", "it",
				 mc_time_now_ms() - 1, th),
			 1);
	struct mc_principal who;
	assert_int_equal(mc_auth_session(conn, &policy, r.token, &who), MC_E_UNAUTHENTICATED);
	assert_int_equal(who.user_id, 0);
	assert_int_equal(who.nperms, 0);
	/* just before expiry it was fine */
	assert_int_equal(
		mc_exec(conn, "UPDATE sessions SET expires_at = ? WHERE id = ?", "ii", mc_time_now_ms() + 60000, sid),
		1);
	assert_int_equal(mc_auth_session(conn, &policy, r.token, &who), 0);

	/* a short policy lifetime: the session ends on its own (a minute: a
	 * loaded machine may spend seconds between the login and the check) */
	struct mc_auth_policy brief = policy;
	brief.session_ttl = 60;
	assert_int_equal(mc_auth_login(conn, &brief, "chuyenvien.vp", PASSWORD, "bearer", "192.0.2.30", &r), 0);
	assert_int_equal(mc_auth_session(conn, &brief, r.token, &who), 0);
	int64_t ttl = 0;
	mc_sha256_hex(r.token, strlen(r.token), th);
	assert_int_equal(mc_query_int64(conn, &ttl, "SELECT expires_at - created_at FROM sessions WHERE token_hash = ?",
					"t", th),
			 0);
	assert_int_equal(ttl, 60000);
	/* a minute and more later (moved, not waited for) */
	assert_int_equal(
		mc_exec(conn, "UPDATE sessions SET expires_at = expires_at - 61000 WHERE token_hash = ?", "t", th), 1);
	assert_int_equal(mc_auth_session(conn, &brief, r.token, &who), MC_E_UNAUTHENTICATED);
}

static void idle_session_refused(void **state)
{
	(void)state;
	struct mc_login_result r;
	int64_t sid = session_for("truongphong.vp", "192.0.2.31", &r);
	struct mc_principal who;
	/* seen 10 minutes ago: still valid, and the visit is recorded */
	int64_t now = mc_time_now_ms();
	assert_int_equal(mc_exec(conn, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", "ii", now - 600000, sid),
			 1);
	assert_int_equal(mc_auth_session(conn, &policy, r.token, &who), 0);
	int64_t seen = 0;
	assert_int_equal(mc_query_int64(conn, &seen, "SELECT last_seen_at FROM sessions WHERE id = ?", "i", sid), 0);
	assert_true(seen >= now);
	/* seen longer ago than the idle limit: refused */
	assert_int_equal(mc_exec(conn, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", "ii",
				 mc_time_now_ms() - (int64_t)policy.session_idle * 1000 - 1000, sid),
			 1);
	assert_int_equal(mc_auth_session(conn, &policy, r.token, &who), MC_E_UNAUTHENTICATED);
	/* and stays refused: a refused call does not refresh it */
	assert_int_equal(mc_auth_session(conn, &policy, r.token, &who), MC_E_UNAUTHENTICATED);
}

static void revoke_sessions(void **state)
{
	(void)state;
	struct mc_login_result a, b, c;
	int64_t sa = session_for("vanthu.vp", "192.0.2.40", &a);
	int64_t sb = session_for("vanthu.vp", "192.0.2.41", &b);
	(void)sb;
	int64_t sc = session_for("quantri.vp", "192.0.2.42", &c);
	(void)sc;
	struct mc_principal who;
	assert_int_equal(mc_auth_revoke(conn, sa), 0);
	assert_int_equal(mc_auth_session(conn, &policy, a.token, &who), MC_E_UNAUTHENTICATED);
	/* the user's other session is untouched */
	assert_int_equal(mc_auth_session(conn, &policy, b.token, &who), 0);
	/* revoking twice is harmless */
	assert_int_equal(mc_auth_revoke(conn, sa), 0);
	/* revoke all of a user's sessions (password reset) */
	assert_int_equal(mc_auth_session(conn, &policy, b.token, &who), 0);
	assert_int_equal(mc_auth_revoke_user(conn, who.user_id), 0);
	assert_int_equal(mc_auth_session(conn, &policy, b.token, &who), MC_E_UNAUTHENTICATED);
	/* another user's session is untouched */
	assert_int_equal(mc_auth_session(conn, &policy, c.token, &who), 0);
	int64_t n = 0;
	assert_int_equal(mc_query_int64(conn, &n,
					"SELECT COUNT(*) FROM sessions WHERE user_id = ? AND revoked_at IS NOT NULL",
					"i", user_id("vanthu.vp")),
			 0);
	assert_int_equal(n, 2);
}

static void disabled_user_refused(void **state)
{
	(void)state;
	struct mc_login_result r, old;
	int64_t uid = user_id("vanthu.stp");
	session_for("vanthu.stp", "192.0.2.50", &old);
	assert_int_equal(mc_exec(conn, "UPDATE users SET status = 'disabled' WHERE id = ?", "i", uid), 1);
	/* the right password answers exactly like a wrong one */
	assert_int_equal(login("vanthu.stp", PASSWORD, "192.0.2.51", &r), MC_E_BAD_CREDENTIALS);
	assert_int_equal(r.token[0], '\0');
	assert_int_equal(r.user_id, 0);
	assert_int_equal(sessions_of(uid), 1);
	/* a session opened before the account was disabled stops working */
	struct mc_principal who;
	assert_int_equal(mc_auth_session(conn, &policy, old.token, &who), MC_E_UNAUTHENTICATED);
	/* enabled again, both work */
	assert_int_equal(mc_exec(conn, "UPDATE users SET status = 'active' WHERE id = ?", "i", uid), 1);
	assert_int_equal(mc_auth_session(conn, &policy, old.token, &who), 0);
	assert_int_equal(login("vanthu.stp", PASSWORD, "192.0.2.52", &r), 0);
}

/* 1 if the text column col of any row of sql (one int parameter) contains needle. */
static int any_column_contains(const char *sql, int64_t id, const char *needle)
{
	struct mc_stmt *s;
	assert_int_equal(mc_query(conn, &s, sql, "i", id), 0);
	int found = 0, rc;
	while ((rc = mc_step(s)) == MC_DB_ROW)
		for (int col = 0; col < mc_col_count(s); col++) {
			const char *v = mc_col_text(s, col);
			if (v && strstr(v, needle))
				found = 1;
		}
	assert_int_equal(rc, MC_DB_DONE);
	mc_stmt_done(s);
	return found;
}

static void token_never_stored(void **state)
{
	(void)state;
	struct mc_login_result r;
	int64_t sid = session_for("chanhvanphong", "192.0.2.60", &r);
	char want[MC_SHA256_HEX];
	mc_sha256_hex(r.token, strlen(r.token), want);
	struct mc_stmt *s;
	assert_int_equal(mc_query(conn, &s, "SELECT token_hash, csrf_token, kind FROM sessions WHERE id = ?", "i", sid),
			 0);
	assert_int_equal(mc_step(s), MC_DB_ROW);
	assert_string_not_equal(mc_col_text(s, 0), r.token);
	assert_string_equal(mc_col_text(s, 0), want);
	assert_string_equal(mc_col_text(s, 1), r.csrf);
	assert_string_equal(mc_col_text(s, 2), "cookie");
	mc_stmt_done(s);
	/* not in any column of the session row, nor of any audit entry */
	const char *sess = "SELECT CAST(id AS TEXT), token_hash, CAST(user_id AS TEXT), kind, csrf_token,"
			   " CAST(created_at AS TEXT), CAST(last_seen_at AS TEXT), CAST(expires_at AS TEXT),"
			   " CAST(revoked_at AS TEXT) FROM sessions WHERE id = ?";
	assert_int_equal(any_column_contains(sess, sid, r.token), 0);
	assert_int_equal(any_column_contains(sess, sid, want), 1); /* the scan itself works */
	const char *audit =
		"SELECT CAST(actor_id AS TEXT), action, object_type, object_id, source, detail, prev_hash, hash"
		" FROM audit_log WHERE id > ?";
	assert_int_equal(any_column_contains(audit, 0, r.token), 0);
	/* a prefix of it neither (no truncated copies) */
	char prefix[17];
	memcpy(prefix, r.token, 16);
	prefix[16] = '\0';
	assert_int_equal(any_column_contains(sess, sid, prefix), 0);
	assert_int_equal(any_column_contains(audit, 0, prefix), 0);
	/* the hash of the password neither leaks into the audit log */
	assert_int_equal(any_column_contains(audit, 0, "$argon2id$"), 0);
	assert_int_equal(any_column_contains(audit, 0, PASSWORD), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(demo_admin_login),
		cmocka_unit_test(bad_credentials_look_alike),
		cmocka_unit_test(attacker_cannot_lock_the_owner_out),
		cmocka_unit_test(success_clears_the_failures),
		cmocka_unit_test(per_address_limit),
		cmocka_unit_test(expired_session_refused),
		cmocka_unit_test(idle_session_refused),
		cmocka_unit_test(revoke_sessions),
		cmocka_unit_test(disabled_user_refused),
		cmocka_unit_test(token_never_stored),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests_name(mc_test_backend(), tests, setup, teardown);
}
