/*
 * reset.c - a forgotten password, reset with a one-time code issued at a
 * reception counter; see auth.h.
 *
 * The code is 12 characters of Crockford's base32 (60 random bits), shown
 * once to the official who hands it over.  The database keeps only the
 * SHA-256 of the account's id and the code, so that a copy of the table
 * gives nobody a usable code.  60 bits against at most MC_RESET_MAX_TRIES
 * guesses per code, each throttled like a login, leave a guess no chance.
 */
#include "auth.h"
#include "auth_int.h"

#include "../core/timeutil.h"
#include "../crypto/crypto.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

/* Crockford's base32: no I, L, O, U, so nothing is misread aloud. */
static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* The code as typed into its 12 characters: case, spaces and dashes
 * ignored, the letters people take for digits read as those digits.
 * 0, or -1 when it cannot be a code. */
static int normalize(const char *in, char out[MC_RESET_CODE_CHARS + 1])
{
	size_t n = 0;
	for (const char *p = in; *p; p++) {
		int ch = toupper((unsigned char)*p);
		if (ch == ' ' || ch == '-')
			continue;
		if (ch == 'O')
			ch = '0';
		else if (ch == 'I' || ch == 'L')
			ch = '1';
		if (!strchr(alphabet, ch) || ch == '\0' || n == MC_RESET_CODE_CHARS)
			return -1;
		out[n++] = (char)ch;
	}
	out[n] = '\0';
	return n == MC_RESET_CODE_CHARS ? 0 : -1;
}

static void code_hash(int64_t user_id, const char *code, char out[MC_SHA256_HEX])
{
	char both[64];
	int n = snprintf(both, sizeof(both), "%lld:%s", (long long)user_id, code);
	mc_sha256_hex(both, (size_t)n, out);
}

int mc_auth_reset_issue(struct mc_conn *c, int64_t user_id, int64_t issued_by, int ttl_s, char code[MC_RESET_CODE_LEN],
			int64_t *expires_at)
{
	unsigned char raw[MC_RESET_CODE_CHARS];
	char plain[MC_RESET_CODE_CHARS + 1], hash[MC_SHA256_HEX];
	mc_random(raw, sizeof(raw));
	for (int i = 0; i < MC_RESET_CODE_CHARS; i++)
		plain[i] = alphabet[raw[i] & 31]; /* 256 is a multiple of 32: no bias */
	plain[MC_RESET_CODE_CHARS] = '\0';
	memset(raw, 0, sizeof(raw));
	/* shown in groups of four: XXXX-XXXX-XXXX */
	snprintf(code, MC_RESET_CODE_LEN, "%.4s-%.4s-%.4s", plain, plain + 4, plain + 8);
	code_hash(user_id, plain, hash);
	memset(plain, 0, sizeof(plain));
	int64_t now = mc_time_now_ms();
	*expires_at = now + (int64_t)ttl_s * 1000;
	/* one live code per account: the newest */
	int64_t n = mc_exec(c,
			    "UPDATE password_resets SET revoked_at = ? WHERE user_id = ? AND used_at IS NULL AND "
			    "revoked_at IS NULL",
			    "ii", now, user_id);
	if (n >= 0)
		n = mc_exec(
			c,
			"INSERT INTO password_resets (user_id, code_hash, issued_by, created_at, expires_at, attempts)"
			" VALUES (?, ?, ?, ?, ?, 0)",
			"itiii", user_id, hash, issued_by, now, *expires_at);
	if (n < 0)
		memset(code, 0, MC_RESET_CODE_LEN);
	return n < 0 ? (int)n : 0;
}

/* One more wrong try on live reset code reset_id, which dies after
 * MC_RESET_MAX_TRIES. */
static int count_try(struct mc_conn *c, int64_t reset_id)
{
	int64_t n = mc_exec(c,
			    "UPDATE password_resets SET attempts = attempts + 1,"
			    " revoked_at = CASE WHEN attempts + 1 >= ? THEN ? ELSE revoked_at END WHERE id = ?",
			    "iii", (int64_t)MC_RESET_MAX_TRIES, mc_time_now_ms(), reset_id);
	return n < 0 ? (int)n : 0;
}

int mc_auth_reset_check(struct mc_conn *c, const struct mc_auth_policy *p, const char *account, const char *code,
			const char *addr, struct mc_reset_ticket *out)
{
	memset(out, 0, sizeof(*out));
	int64_t now = mc_time_now_ms();
	/* throttled apart from logins of the same account: a citizen who
	 * forgot the password has usually failed to log in a few times */
	char who[160], pkey[3 + MC_SHA256_HEX], akey[80];
	snprintf(who, sizeof(who), "reset:%s", account);
	int gate = mc__auth_gate(c, p, who, addr, now, pkey, akey, &out->retry_after);
	if (gate)
		return gate;
	/* citizens by ID number, businesses by tax code; never officials,
	 * whose passwords their administrators reset */
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"SELECT u.id, u.status, r.id, r.code_hash FROM users u"
		" LEFT JOIN password_resets r ON r.user_id = u.id AND r.used_at IS NULL AND r.revoked_at IS NULL"
		" AND r.expires_at > ?"
		" WHERE (u.id_number = ? OR u.tax_code = ?) AND u.kind IN ('citizen', 'business')"
		" ORDER BY r.id DESC LIMIT 1",
		"itt", now, account, account);
	if (rc)
		return rc;
	int64_t uid = 0, rid = 0;
	int active = 0;
	char stored[MC_SHA256_HEX] = "";
	if ((rc = mc_step(s)) == MC_DB_ROW) {
		uid = mc_col_int64(s, 0);
		active = strcmp(mc_col_text(s, 1), "active") == 0;
		if (!mc_col_is_null(s, 2)) {
			rid = mc_col_int64(s, 2);
			snprintf(stored, sizeof(stored), "%s", mc_col_text(s, 3));
		}
	}
	mc_stmt_done(s);
	if (rc < 0)
		return rc;
	char plain[MC_RESET_CODE_CHARS + 1];
	int ok = normalize(code, plain) == 0 && rid != 0 && active;
	if (ok) {
		char hash[MC_SHA256_HEX];
		code_hash(uid, plain, hash);
		ok = mc_ct_streq(hash, stored);
	}
	memset(plain, 0, sizeof(plain));
	if (!ok)
		/* counted as a failed login is, and against the live code */
		return mc__auth_failed(c, p, pkey, akey, uid, "auth.password_reset_failed", addr,
				       rid ? count_try : NULL, rid);
	out->user_id = uid;
	out->reset_id = rid;
	snprintf(out->pkey, sizeof(out->pkey), "%s", pkey);
	return 0;
}

int mc_auth_reset_use(struct mc_conn *c, const struct mc_reset_ticket *t, const char *hash)
{
	int64_t now = mc_time_now_ms();
	/* the code may have been used, superseded or expired since it was
	 * checked: only one request gets through */
	int64_t n =
		mc_exec(c,
			"UPDATE password_resets SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL"
			" AND expires_at > ?",
			"iii", now, t->reset_id, now);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return MC_E_BAD_CREDENTIALS;
	n = mc_exec(c, "DELETE FROM login_failures WHERE key = ?", "t", t->pkey);
	if (n < 0)
		return (int)n;
	return mc_auth_set_password(c, t->user_id, hash, 0);
}
