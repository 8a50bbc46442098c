/*
 * auth_api.c - log in, log out, who am I (or nobody: the session probe), sign
 * up as a citizen, change one's own password.
 */
#include "api.h"

#include "../core/text.h"
#include "../core/timeutil.h"
#include "../org/org.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static void set_cookie(struct mc_req *r, const char *value, int max_age)
{
	struct mc_config *cfg = mc_server_config(r->srv);
	mc_res_header(r, "Set-Cookie",
		      mc_sprintf(r->arena, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s", MC_SESSION_COOKIE,
				 value, max_age, cfg->cookie_secure ? "; Secure" : ""));
}

/* "Wait N seconds before trying again" in the caller's language. */
static const char *wait_text(struct mc_req *r, int secs)
{
	int en = strcmp(r->lang, "en") == 0;
	if (secs < 120)
		return mc_sprintf(r->arena, en ? "Wait %d s before trying again" : "Vui lòng chờ %d giây rồi thử lại",
				  secs);
	return mc_sprintf(r->arena, en ? "Wait %d min before trying again" : "Vui lòng chờ %d phút rồi thử lại",
			  (secs + 59) / 60);
}

static int login(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	const char *user = mc_api_str(r, b, "username", 64, 1);
	json_t *pw = json_object_get(b, "password");
	if (!json_is_string(pw) || json_string_length(pw) == 0)
		mc_bad_field(&r->err, "password", MC_M_REQUIRED);
	else if (json_string_length(pw) > 256 || strlen(json_string_value(pw)) != json_string_length(pw))
		mc_bad_field(&r->err, "password", MC_M_PASSWORD_TOO_LONG);
	int want_token = mc_api_bool(r, b, "token", 0);
	struct mc_conn *c;
	int rc = mc_api_check_db(r, &c);
	if (rc)
		return rc;
	struct mc_auth_policy p = mc_api_policy(r);
	struct mc_login_result res;
	rc = mc_auth_login(c, &p, user, json_string_value(pw), want_token ? "bearer" : "cookie", r->addr, &res);
	if (rc == MC_E_RATE_LIMITED) {
		r->err.retry_after = res.retry_after;
		return mc_fail(r, rc, "%s", wait_text(r, res.retry_after));
	}
	if (rc == MC_E_BAD_CREDENTIALS) {
		/* say how near the waits are (the page warns from 2 left) */
		if (res.attempts_left >= 0) {
			r->err.attempts_left = res.attempts_left;
			r->err.has_attempts_left = 1;
			r->err.retry_after = res.retry_after;
		}
		return res.attempts_left == 0 && res.retry_after > 0
			       ? mc_fail(r, rc, "%s", wait_text(r, res.retry_after))
			       : mc_fail(r, rc, NULL);
	}
	if (rc)
		return mc_api_db_fail(r, rc);
	json_t *profile = NULL;
	rc = mc_user_get(c, res.user_id, &profile);
	if (rc)
		return mc_api_db_fail(r, rc);
	char exp[40];
	mc_time_format_vn(res.expires_at, exp, sizeof(exp));
	json_t *out = json_pack("{s:o, s:s, s:s}", "user", profile, "csrf_token", res.csrf, "expires_at", exp);
	if (want_token)
		json_object_set_new(out, "token", json_string(res.token));
	else
		set_cookie(r, res.token, mc_server_config(r->srv)->session_ttl);
	memset(res.token, 0, sizeof(res.token));
	return mc_res_json(r, 200, out);
}

static int logout(struct mc_req *r)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	if ((rc = mc_tx_begin(c, 1)))
		return mc_api_db_fail(r, rc);
	rc = mc_auth_revoke(c, r->who->session_id);
	if (!rc)
		rc = mc_api_audit(r, c, "auth.logout", "user", r->who->user_id, NULL);
	if (!rc)
		rc = mc_tx_commit(c);
	if (rc)
		return mc_api_db_fail(r, rc);
	if (r->via_cookie)
		set_cookie(r, "", 0);
	return mc_res_empty(r, 204);
}

/*
 * GET /api/v1/me answers, kept per session as the session cache keeps the
 * session (session_cache_ms): every page asks it at start, and the
 * account changes far less often.  A change made through this process
 * (PATCH /api/v1/users/{id}) drops the user's answers at once; every change
 * of an account also moves the revocation counter (mc_auth_changed), and
 * an answer serves only under the counter it was read under, so that
 * another server sharing the database answers the change from the next
 * request on, as it refuses a revoked session.
 */
#define ME_SLOTS 512

static struct me_slot {
	int64_t session_id, user_id, at, epoch;
	char *body;
	size_t len;
} me_cache[ME_SLOTS];
static uint64_t me_generation; /* one more at each forget */
static pthread_mutex_t me_lock = PTHREAD_MUTEX_INITIALIZER;

/* 0: answered from the cache; else *gen is the generation to keep an
 * answer read from now on under. */
static int me_cached(struct mc_req *r, int64_t now, int64_t ttl, uint64_t *gen)
{
	const struct mc_principal *w = r->who;
	int rc = -1;
	pthread_mutex_lock(&me_lock);
	*gen = me_generation;
	struct me_slot *e = &me_cache[(uint64_t)w->session_id % ME_SLOTS];
	if (e->body && e->session_id == w->session_id && e->user_id == w->user_id && e->epoch == w->epoch &&
	    now - e->at < ttl)
		rc = mc_res_text(r, 200, "application/json; charset=utf-8", e->body, e->len);
	pthread_mutex_unlock(&me_lock);
	return rc;
}

/* Keep body unless an account changed since it was read (gen): it may
 * hold what the change replaced. */
static void me_keep(const struct mc_principal *w, int64_t now, uint64_t gen, const struct mc_buf *body)
{
	char *copy = mc_xmalloc(body->len);
	memcpy(copy, body->data, body->len);
	pthread_mutex_lock(&me_lock);
	if (gen == me_generation) {
		struct me_slot *e = &me_cache[(uint64_t)w->session_id % ME_SLOTS];
		free(e->body);
		*e = (struct me_slot){w->session_id, w->user_id, now, w->epoch, copy, body->len};
		copy = NULL;
	}
	pthread_mutex_unlock(&me_lock);
	free(copy);
}

void mc_api_me_forget(int64_t user_id)
{
	pthread_mutex_lock(&me_lock);
	me_generation++;
	for (int i = 0; i < ME_SLOTS; i++)
		if (me_cache[i].body && me_cache[i].user_id == user_id) {
			free(me_cache[i].body);
			me_cache[i].body = NULL;
		}
	pthread_mutex_unlock(&me_lock);
}

static int me(struct mc_req *r)
{
	int64_t now = mc_time_now_ms(), ttl = mc_server_config(r->srv)->session_cache_ms;
	uint64_t gen = 0;
	if (ttl > 0 && me_cached(r, now, ttl, &gen) == 0)
		return 0;
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	json_t *u;
	rc = mc_user_get_basic(c, r->who->user_id, &u);
	if (rc)
		return mc_api_db_fail(r, rc);
	/* the permissions were loaded with the session */
	json_t *perms = json_array();
	for (int i = 0; i < r->who->nperms; i++)
		json_array_append_new(perms, json_string(r->who->perms[i]));
	json_object_set_new(u, "permissions", perms);
	json_object_set_new(u, "csrf_token", json_string(r->who->csrf));
	if ((rc = mc_res_json(r, 200, u)))
		return rc;
	if (ttl > 0)
		me_keep(r->who, now, gen, &r->out);
	return 0;
}

/* Who is signed in, asked by the pages at every start: the account as
 * GET /api/v1/me gives it, or 204 for nobody - not a 401, which a browser
 * logs as an error on every page an anonymous visitor opens. */
static int session(struct mc_req *r)
{
	if (!r->who)
		return mc_res_empty(r, 204);
	return me(r);
}

static int signup(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	const char *id = mc_api_str(r, b, "id_number", 12, 1);
	const char *name = mc_api_str(r, b, "full_name", 100, 1);
	const char *birth = mc_api_str(r, b, "birth_date", 10, 0);
	const char *sex = mc_api_str(r, b, "sex", 1, 0);
	const char *phone = mc_api_str(r, b, "phone", 20, 1);
	const char *email = mc_api_str(r, b, "email", 254, 0);
	const char *address = mc_api_str(r, b, "address", 200, 0);
	const char *ward = mc_api_str(r, b, "ward_code", 5, 0);
	const char *pw = mc_api_new_password(r, b, "password", id);
	int unknown = 0;
	if (id)
		mc_cccd_check(id, birth, sex, &r->err, &unknown);
	if (name && !mc_text_person_name(name))
		mc_bad_field(&r->err, "full_name", MC_M_PERSON_NAME);
	mc_api_check_contact(r, &phone, email, 1);
	struct mc_conn *c;
	int rc = mc_api_check_db(r, &c);
	if (rc)
		return rc;
	if (ward && *ward) {
		json_t *u = NULL;
		rc = mc_unit_get(c, "current", ward, &u);
		json_decref(u);
		if (rc == MC_E_NOT_FOUND) {
			mc_bad_field(&r->err, "ward_code", MC_M_UNKNOWN_WARD);
			return mc_api_check(r);
		}
		if (rc)
			return mc_api_db_fail(r, rc);
	}
	static const char *const roles[] = {"citizen", NULL};
	struct mc_user_new u = {.kind = "citizen",
				.username = id,
				.full_name = name,
				.id_number = id,
				.birth_date = birth,
				.sex = sex,
				.phone = phone,
				.email = email && *email ? email : NULL,
				.address = address,
				.ward_code = ward,
				.roles = roles};
	/* A taken ID says only that: the account owner can log in. */
	return mc_api_create_user(r, c, &u, pw, "user.signup",
				  unknown ? json_pack("{s:s}", "id_prefix", "unknown") : NULL, "id_number", NULL);
}

/* A business account: identified by its tax code (10 digits, or 13 with a
 * branch suffix), represented by the person who signs up. */
static int signup_business(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	const char *tax = mc_api_str(r, b, "tax_code", 14, 1);
	const char *name = mc_api_str(r, b, "name", 200, 1);
	const char *rep = mc_api_str(r, b, "representative", 100, 1);
	const char *phone = mc_api_str(r, b, "phone", 20, 1);
	const char *email = mc_api_str(r, b, "email", 254, 1);
	const char *address = mc_api_str(r, b, "address", 200, 0);
	const char *pw = mc_api_new_password(r, b, "password", tax);
	if (tax && !mc_tax_code_check(tax))
		mc_bad_field(&r->err, "tax_code", MC_M_TAX_CODE_FORMAT);
	if (rep && !mc_text_person_name(rep))
		mc_bad_field(&r->err, "representative", MC_M_PERSON_NAME);
	mc_api_check_contact(r, &phone, email, 0);
	struct mc_conn *c;
	int rc = mc_api_check_db(r, &c);
	if (rc)
		return rc;
	static const char *const roles[] = {"business", NULL};
	/* full_name is the business's name; the representative goes to position. */
	struct mc_user_new u = {.kind = "business",
				.username = tax,
				.full_name = name,
				.tax_code = tax,
				.phone = phone,
				.email = email,
				.address = address,
				.position = rep,
				.roles = roles};
	return mc_api_create_user(r, c, &u, pw, "user.signup", json_pack("{s:s}", "kind", "business"), "tax_code",
				  NULL);
}

static int change_password(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	json_t *oj = json_object_get(b, "current_password");
	if (!json_is_string(oj))
		mc_bad_field(&r->err, "current_password", MC_M_REQUIRED);
	const char *npw = mc_api_new_password(r, b, "new_password", NULL);
	struct mc_conn *c;
	int rc = mc_api_check_db(r, &c);
	if (rc)
		return rc;
	struct mc_auth_policy p = mc_api_policy(r);
	int retry = 0;
	rc = mc_auth_check_password(c, &p, r->who->user_id, json_string_value(oj), r->addr, &retry);
	if (rc == MC_E_BAD_CREDENTIALS || rc == MC_E_RATE_LIMITED) {
		r->err.retry_after = retry;
		return mc_fail(r, rc, NULL);
	}
	if (rc)
		return mc_api_db_fail(r, rc);
	/* every other session ends, this one stays */
	return mc_api_set_password(r, c, r->who->user_id, npw, r->who->session_id, "user.password_change");
}

const struct mc_route mc_api_auth_routes[] = {
	{"POST", "/api/v1/auth/login", login, MC_AUTH_NONE, NULL, MC_RF_NO_CSRF | MC_RF_NO_IDEM},
	{"POST", "/api/v1/auth/logout", logout, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/auth/signup", signup, MC_AUTH_NONE, NULL, MC_RF_NO_CSRF},
	{"POST", "/api/v1/auth/signup/business", signup_business, MC_AUTH_NONE, NULL, MC_RF_NO_CSRF},
	{"GET", "/api/v1/me", me, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/session", session, MC_AUTH_OPTIONAL, NULL, 0},
	{"POST", "/api/v1/me/password", change_password, MC_AUTH_REQUIRED, NULL, 0},
	{0},
};
