/* auth.c - login, sessions, throttling; see auth.h. */
#include "auth.h"
#include "auth_int.h"

#include "../audit/audit.h"
#include "../core/log.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"

#include <ctype.h>
#include <pthread.h>
#include <strings.h>
#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

/* A valid argon2id hash of a random password, verified against when the
 * user does not exist so that both answers cost the same. */
static char dummy_hash[MC_PWHASH_LEN];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	char pw[33];
	mc_random_hex(pw, 16);
	if (mc_password_hash(pw, dummy_hash))
		dummy_hash[0] = '\0';
}

int mc_principal_has(const struct mc_principal *w, const char *perm)
{
	for (int i = 0; i < w->nperms; i++)
		if (strcmp(w->perms[i], perm) == 0)
			return 1;
	return 0;
}

int mc_principal_has_role(const struct mc_principal *w, const char *role)
{
	for (int i = 0; i < w->nroles; i++)
		if (strcmp(w->roles[i], role) == 0)
			return 1;
	return 0;
}

int mc_auth_load_perms(struct mc_conn *c, struct mc_principal *w)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT ur.role_code, rp.perm_code FROM user_roles ur LEFT JOIN role_permissions rp"
			  " ON rp.role_code = ur.role_code WHERE ur.user_id = ? ORDER BY rp.perm_code",
			  "i", w->user_id);
	if (rc)
		return rc;
	w->nperms = w->nroles = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		const char *role = mc_col_text(s, 0), *perm = mc_col_text(s, 1);
		if (role && !mc_principal_has_role(w, role) && w->nroles < 8)
			snprintf(w->roles[w->nroles++], sizeof(w->roles[0]), "%s", role);
		if (perm && !mc_principal_has(w, perm) && w->nperms < MC_MAX_PERMS)
			snprintf(w->perms[w->nperms++], sizeof(w->perms[0]), "%s", perm);
	}
	mc_stmt_done(s);
	return rc < 0 ? rc : 0;
}

int mc_password_acceptable(const char *pw, const char *username, struct mc_error *e)
{
	return mc_password_acceptable_field("password", pw, username, e);
}

int mc_password_acceptable_field(const char *field, const char *pw, const char *username, struct mc_error *e)
{
	size_t n = strlen(pw);
	if (n < 8 || n > 256) {
		mc_bad_field(e, field, MC_M_PASSWORD_LENGTH);
		return e->code = MC_E_VALIDATION;
	}
	if (strspn(pw, "0123456789") == n) {
		mc_bad_field(e, field, MC_M_PASSWORD_DIGITS_ONLY);
		return e->code = MC_E_VALIDATION;
	}
	if (username && strcasecmp(pw, username) == 0) {
		mc_bad_field(e, field, MC_M_PASSWORD_IS_USERNAME);
		return e->code = MC_E_VALIDATION;
	}
	return 0;
}

/* ---- throttling ----
 *
 * Failed logins are counted per account and address ('p:' keys), not per
 * account: whoever knows a citizen's ID number can slow down their own
 * guesses, not lock the owner out from another place.  After max_user free
 * failures, each further one doubles the wait before the next try from that
 * address (1 s, 2 s, 4 s ... up to the window).  An address that fails
 * max_addr times in a window, on any accounts, waits for the window's end
 * ('a:' keys).  Refused tries are not counted: waiting is enough. */

/* Seconds until key may try again, 0 if it may now.  After `free`
 * failures: with backoff, 2^(failures - free) seconds from the last one
 * (at most the window); without, until the window ends. */
static int throttled(struct mc_conn *c, const char *key, int free, int backoff, int window, int64_t now)
{
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s, "SELECT window_start, count, COALESCE(last_at, window_start) FROM login_failures WHERE key = ?",
		"t", key);
	if (rc)
		return rc;
	int64_t until = 0;
	if ((rc = mc_step(s)) == MC_DB_ROW) {
		int64_t start = mc_col_int64(s, 0), count = mc_col_int64(s, 1), last = mc_col_int64(s, 2);
		int64_t end = start + (int64_t)window * 1000;
		if (count >= free && end > now) {
			if (backoff) {
				int64_t over = count - free;
				int64_t wait = over >= 20 ? (int64_t)window * 1000 : 1000LL << over;
				if (wait > (int64_t)window * 1000)
					wait = (int64_t)window * 1000;
				until = last + wait;
			} else {
				until = end;
			}
		}
	}
	mc_stmt_done(s);
	if (rc < 0)
		return rc;
	return until > now ? (int)((until - now + 999) / 1000) : 0;
}

static int record_failure(struct mc_conn *c, const char *key, int window, int64_t now)
{
	int64_t n = mc_exec(
		c,
		"INSERT INTO login_failures (key, window_start, count, last_at) VALUES (?, ?, 1, ?)"
		" ON CONFLICT (key) DO UPDATE SET"
		" count = CASE WHEN login_failures.window_start < ? THEN 1 ELSE login_failures.count + 1 END,"
		" window_start = CASE WHEN login_failures.window_start < ? THEN ? ELSE login_failures.window_start END,"
		" last_at = ?",
		"tiiiiii", key, now, now, now - (int64_t)window * 1000, now - (int64_t)window * 1000, now, now);
	return n < 0 ? (int)n : 0;
}

/* A failure of this account from this address: both counters, stamped when
 * the failure is known (after the slow hash), so that a loaded server does
 * not shorten the wait that follows. */
static int record_failures(struct mc_conn *c, const char *pkey, const char *akey, int window)
{
	int64_t failed_at = mc_time_now_ms();
	int rc = record_failure(c, pkey, window, failed_at);
	return rc ? rc : record_failure(c, akey, window, failed_at);
}

int mc_auth_audit(struct mc_conn *c, int64_t user_id, const char *action, const char *addr, json_t *detail)
{
	char oid[24];
	snprintf(oid, sizeof(oid), "%lld", (long long)user_id);
	struct mc_audit_entry e = {user_id, action, "user", oid, addr, NULL};
	return mc_audit_append_json(c, &e, detail);
}

int mc__auth_failed(struct mc_conn *c, const struct mc_auth_policy *p, const char *pkey, const char *akey,
		    int64_t user_id, const char *action, const char *addr, int (*also)(struct mc_conn *, int64_t),
		    int64_t arg)
{
	int rc = mc_tx_begin(c, 1);
	if (rc)
		return rc;
	rc = record_failures(c, pkey, akey, p->window);
	if (!rc && also)
		rc = also(c, arg);
	if (!rc)
		rc = mc_auth_audit(c, user_id, action, addr, NULL);
	if (rc) {
		mc_tx_rollback(c);
		return rc;
	}
	rc = mc_tx_commit(c);
	return rc ? rc : MC_E_BAD_CREDENTIALS;
}

/* 'p:' and the SHA-256 of the lower-cased account name and the address. */
void mc__auth_pair_key(const char *username, const char *addr, char out[3 + MC_SHA256_HEX])
{
	char both[256];
	size_t n = 0;
	for (const char *p = username; *p && n < 128; p++)
		both[n++] = (char)tolower((unsigned char)*p);
	int k = snprintf(both + n, sizeof(both) - n, "\n%s", addr);
	n += k > 0 ? (size_t)k : 0;
	if (n >= sizeof(both))
		n = sizeof(both) - 1;
	out[0] = 'p';
	out[1] = ':';
	mc_sha256_hex(both, n, out + 2);
}

/* Failures key may still make in the window before the waits begin (0 when
 * they have), or MC_E_*. */
static int failures_left(struct mc_conn *c, const char *key, int free, int window, int64_t now)
{
	int64_t count = 0;
	int rc = mc_query_int64(c, &count, "SELECT count FROM login_failures WHERE key = ? AND window_start >= ?", "ti",
				key, now - (int64_t)window * 1000);
	if (rc == MC_E_NOT_FOUND)
		count = 0;
	else if (rc)
		return rc;
	return count >= free ? 0 : (int)(free - count);
}

/* The wait for this account from this address, 0 if none (or MC_E_*). */
int mc__auth_wait(struct mc_conn *c, const struct mc_auth_policy *p, const char *pkey, const char *akey, int64_t now)
{
	int wp = throttled(c, pkey, p->max_user, 1, p->window, now);
	int wa = wp < 0 ? wp : throttled(c, akey, p->max_addr, 0, p->window, now);
	if (wp < 0 || wa < 0)
		return wp < 0 ? wp : wa;
	return wp > wa ? wp : wa;
}

int mc__auth_gate(struct mc_conn *c, const struct mc_auth_policy *p, const char *name, const char *addr, int64_t now,
		  char pkey[3 + MC_SHA256_HEX], char akey[80], int *retry_after)
{
	mc__auth_pair_key(name, addr, pkey);
	snprintf(akey, 80, "a:%s", addr);
	int wait = mc__auth_wait(c, p, pkey, akey, now);
	if (wait <= 0)
		return wait;
	*retry_after = wait;
	return MC_E_RATE_LIMITED;
}

int mc_auth_login(struct mc_conn *c, const struct mc_auth_policy *p, const char *username, const char *password,
		  const char *kind, const char *addr, struct mc_login_result *out)
{
	memset(out, 0, sizeof(*out));
	out->attempts_left = -1;
	pthread_once(&dummy_once, make_dummy);
	int64_t now = mc_time_now_ms();
	char pkey[3 + MC_SHA256_HEX], akey[80];
	int gate = mc__auth_gate(c, p, username, addr, now, pkey, akey, &out->retry_after);
	if (gate)
		return gate;

	/* Look the user up by user name, or by citizen ID / tax code. */
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"SELECT id, password_hash, status FROM users WHERE username = ? OR id_number = ? OR tax_code = ?",
		"ttt", username, username, username);
	if (rc)
		return rc;
	char hash[MC_PWHASH_LEN] = "", status[16] = "";
	int64_t uid = 0;
	if ((rc = mc_step(s)) == MC_DB_ROW) {
		uid = mc_col_int64(s, 0);
		snprintf(hash, sizeof(hash), "%s", mc_col_text(s, 1));
		snprintf(status, sizeof(status), "%s", mc_col_text(s, 2));
	}
	mc_stmt_done(s);
	if (rc < 0)
		return rc;

	int ok = mc_password_verify(uid ? hash : dummy_hash, password) == 0 && uid != 0;
	if (ok && strcmp(status, "active") != 0)
		ok = 0; /* a disabled account answers like a wrong password */

	if (!ok) {
		rc = mc__auth_failed(c, p, pkey, akey, uid, "auth.login_failed", addr, NULL, 0);
		if (rc != MC_E_BAD_CREDENTIALS)
			return rc;
		/* how near the waits are, for the page to warn (both counters:
		 * the address's own limit may come first) */
		int64_t later = mc_time_now_ms();
		int lp = failures_left(c, pkey, p->max_user, p->window, later);
		int la = lp < 0 ? lp : failures_left(c, akey, p->max_addr, p->window, later);
		int w = la < 0 ? la : mc__auth_wait(c, p, pkey, akey, later);
		if (lp >= 0 && la >= 0 && w >= 0) {
			out->attempts_left = lp < la ? lp : la;
			out->retry_after = w;
		}
		return MC_E_BAD_CREDENTIALS;
	}

	if ((rc = mc_tx_begin(c, 1)))
		return rc;
	char token_hash[MC_SHA256_HEX];
	mc_random_token(out->token, sizeof(out->token), 32);
	mc_random_hex(out->csrf, 16);
	mc_sha256_hex(out->token, strlen(out->token), token_hash);
	out->user_id = uid;
	out->expires_at = now + (int64_t)p->session_ttl * 1000;
	int64_t n = mc_exec(c, "DELETE FROM login_failures WHERE key = ?", "t", pkey);
	if (n >= 0)
		n = mc_exec(c,
			    "INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, last_seen_at, "
			    "expires_at)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?)",
			    "tittiii", token_hash, uid, kind, out->csrf, now, now, out->expires_at);
	rc = n < 0 ? (int)n : 0;
	if (!rc)
		rc = mc_auth_audit(c, uid, "auth.login", addr, json_pack("{s:s}", "session", kind));
	if (rc) {
		mc_tx_rollback(c);
		memset(out->token, 0, sizeof(out->token));
		return rc;
	}
	return mc_tx_commit(c);
}

int mc_auth_check_password(struct mc_conn *c, const struct mc_auth_policy *p, int64_t user_id, const char *password,
			   const char *addr, int *retry_after)
{
	*retry_after = 0;
	int64_t now = mc_time_now_ms();
	char name[160] = "", hash[MC_PWHASH_LEN] = "", pkey[3 + MC_SHA256_HEX], akey[80];
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT username, password_hash FROM users WHERE id = ?", "i", user_id);
	if (rc)
		return rc;
	if ((rc = mc_step(s)) == MC_DB_ROW) {
		snprintf(name, sizeof(name), "%s", mc_col_text(s, 0));
		snprintf(hash, sizeof(hash), "%s", mc_col_text(s, 1));
	}
	mc_stmt_done(s);
	if (rc != MC_DB_ROW)
		return rc < 0 ? rc : MC_E_BAD_CREDENTIALS;
	if ((rc = mc__auth_gate(c, p, name, addr, now, pkey, akey, retry_after)))
		return rc;
	if (mc_password_verify(hash, password) == 0)
		return 0;
	return mc__auth_failed(c, p, pkey, akey, user_id, "auth.password_check_failed", addr, NULL, 0);
}

/* ---- session cache: direct-mapped, keyed by the token hash ---- */

#define CACHE_SLOTS 1024

struct cache_slot {
	char th[MC_SHA256_HEX];
	int64_t cached_at, expires_at, last_seen;
	struct mc_principal who; /* who.epoch: the counter when it was read */
};

static struct cache_slot cache[CACHE_SLOTS];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static struct cache_slot *slot_of(const char *th)
{
	unsigned v = 0;
	for (int i = 0; i < 8; i++)
		v = v * 16 + (unsigned)(th[i] <= '9' ? th[i] - '0' : th[i] - 'a' + 10);
	return &cache[v % CACHE_SLOTS];
}

static int cache_get(const char *th, int64_t now, int64_t epoch, const struct mc_auth_policy *p,
		     struct mc_principal *who)
{
	int hit = 0;
	pthread_mutex_lock(&cache_lock);
	struct cache_slot *s = slot_of(th);
	if (s->th[0] && strcmp(s->th, th) == 0 && s->who.epoch == epoch && now - s->cached_at < p->cache_ms &&
	    now < s->expires_at && now - s->last_seen < (int64_t)p->session_idle * 1000) {
		*who = s->who;
		hit = 1;
	}
	pthread_mutex_unlock(&cache_lock);
	return hit;
}

static void cache_put(const char *th, int64_t now, int64_t expires, int64_t seen, const struct mc_principal *who)
{
	pthread_mutex_lock(&cache_lock);
	struct cache_slot *s = slot_of(th);
	snprintf(s->th, sizeof(s->th), "%s", th);
	s->cached_at = now;
	s->expires_at = expires;
	s->last_seen = seen;
	s->who = *who;
	pthread_mutex_unlock(&cache_lock);
}

static void cache_forget(int64_t session_id, int64_t user_id)
{
	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (cache[i].th[0] && (cache[i].who.session_id == session_id || cache[i].who.user_id == user_id))
			cache[i].th[0] = '\0';
	pthread_mutex_unlock(&cache_lock);
}

static void forget_user(int64_t user_id)
{
	cache_forget(-1, user_id);
}

int mc_auth_epoch(struct mc_conn *c, int64_t *epoch)
{
	return mc_query_int64(c, epoch, "SELECT n FROM auth_epoch WHERE id = 1", "");
}

int mc_auth_changed(struct mc_conn *c)
{
	int64_t n = mc_exec(c, "UPDATE auth_epoch SET n = n + 1 WHERE id = 1", "");
	return n < 0 ? (int)n : 0;
}

int mc_auth_session(struct mc_conn *c, const struct mc_auth_policy *p, const char *token, struct mc_principal *who)
{
	memset(who, 0, sizeof(*who));
	size_t n = strlen(token);
	if (n < 20 || n > 128)
		return MC_E_UNAUTHENTICATED;
	char th[MC_SHA256_HEX];
	mc_sha256_hex(token, n, th);
	/* The revocation counter first: a session read after it and found
	 * valid is kept under it, so that a revocation committed between the
	 * two (which moved the counter) is seen by the next request. */
	int64_t epoch = 0;
	int rc;
	if (p->cache_ms > 0) {
		if ((rc = mc_auth_epoch(c, &epoch)))
			return rc;
		if (cache_get(th, mc_time_now_ms(), epoch, p, who))
			return 0;
	}
	struct mc_stmt *s;
	rc = mc_query(
		c, &s,
		"SELECT s.id, s.user_id, s.csrf_token, s.expires_at, s.last_seen_at, u.kind, u.agency_id, u.status"
		" FROM sessions s JOIN users u ON u.id = s.user_id"
		" WHERE s.token_hash = ? AND s.revoked_at IS NULL",
		"t", th);
	if (rc)
		return rc;
	int64_t now = mc_time_now_ms(), expires = 0, seen = 0;
	int found = 0, active = 0;
	if ((rc = mc_step(s)) == MC_DB_ROW) {
		found = 1;
		who->session_id = mc_col_int64(s, 0);
		who->user_id = mc_col_int64(s, 1);
		snprintf(who->csrf, sizeof(who->csrf), "%s", mc_col_text(s, 2));
		expires = mc_col_int64(s, 3);
		seen = mc_col_int64(s, 4);
		snprintf(who->kind, sizeof(who->kind), "%s", mc_col_text(s, 5));
		who->agency_id = mc_col_int64(s, 6);
		active = strcmp(mc_col_text(s, 7), "active") == 0;
	}
	mc_stmt_done(s);
	if (rc < 0)
		return rc;
	if (!found || !active || now >= expires || now - seen >= (int64_t)p->session_idle * 1000) {
		memset(who, 0, sizeof(*who));
		return MC_E_UNAUTHENTICATED;
	}
	/* Touch at most once a minute: a write per request would serialise
	 * reads.  The touch may fail on a busy database or a full disk: the
	 * session is still valid, and reading must go on working. */
	if (now - seen > 60000) {
		int64_t k = mc_exec(c, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", "ii", now, who->session_id);
		if (k < 0 && k != MC_E_DB_BUSY && k != MC_E_STORAGE_FULL)
			return (int)k;
		seen = now;
	}
	who->epoch = epoch;
	int rc2 = mc_auth_load_perms(c, who);
	if (!rc2 && p->cache_ms > 0)
		cache_put(th, now, expires, seen, who);
	return rc2;
}

static void forget_session(int64_t session_id)
{
	cache_forget(session_id, -1);
}

/* The cache is cleared now and again once the revocation is committed: a
 * request that read the session in between (still valid until the commit)
 * may have put it back. */
int mc_auth_revoke(struct mc_conn *c, int64_t session_id)
{
	cache_forget(session_id, -1);
	int64_t n = mc_exec(c, "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", "ii",
			    mc_time_now_ms(), session_id);
	if (n >= 0)
		n = mc_auth_changed(c);
	if (n >= 0)
		mc_tx_on_commit(c, forget_session, session_id);
	return n < 0 ? (int)n : 0;
}

int mc_auth_revoke_user(struct mc_conn *c, int64_t user_id)
{
	cache_forget(-1, user_id);
	int64_t n = mc_exec(c, "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", "ii",
			    mc_time_now_ms(), user_id);
	if (n >= 0)
		n = mc_auth_changed(c);
	if (n >= 0)
		mc_tx_on_commit(c, forget_user, user_id);
	return n < 0 ? (int)n : 0;
}

int64_t mc_auth_housekeeping(struct mc_conn *c, const struct mc_auth_policy *p)
{
	int64_t now = mc_time_now_ms(), total = 0, n;
	n = mc_exec(c, "DELETE FROM idempotency WHERE created_at < ?", "i", now - 86400000);
	if (n < 0)
		return n;
	total += n;
	n = mc_exec(c, "DELETE FROM login_failures WHERE window_start < ?", "i", now - (int64_t)p->window * 1000);
	if (n < 0)
		return n;
	total += n;
	/* the tracking allowance's shares of minutes gone by */
	n = mc_exec(c, "DELETE FROM rate_quota WHERE minute < ?", "i", now / 60000 - 1);
	if (n < 0)
		return n;
	total += n;
	int64_t month = now - 30LL * 86400000;
	n = mc_exec(c, "DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ?", "ii", month, month);
	if (n < 0)
		return n;
	return total + n;
}

int mc_auth_set_password(struct mc_conn *c, int64_t user_id, const char *hash, int64_t keep_session)
{
	int64_t now = mc_time_now_ms();
	int64_t n = mc_exec(c, "UPDATE users SET password_hash = ?, version = version + 1, updated_at = ? WHERE id = ?",
			    "tii", hash, now, user_id);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return MC_E_NOT_FOUND;
	n = mc_exec(c, "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id <> ? AND revoked_at IS NULL", "iii",
		    now, user_id, keep_session);
	if (n >= 0)
		n = mc_auth_changed(c);
	cache_forget(-1, user_id);
	if (n >= 0)
		mc_tx_on_commit(c, forget_user, user_id);
	return n < 0 ? (int)n : 0;
}
