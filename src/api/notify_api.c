/*
 * notify_api.c - what the notifications give people and operators: the
 * in-app inbox (/api/v1/my/inbox), the language one's messages are
 * written in, a password reset code sent by SMS or e-mail, and the
 * operator's view of the deliveries (/api/v1/notifications: what waits,
 * the dead letters, a retry).
 */
#include "api.h"
#include "queue.h"

#include "../core/timeutil.h"
#include "../notify/notify.h"
#include "../org/org.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static int inbox_list(struct mc_req *r)
{
	int64_t before, limit;
	if (mc_api_query_int(r, "before", 1, INT64_MAX, 0, &before) || mc_api_query_int(r, "limit", 1, 100, 20, &limit))
		return r->err.code;
	struct mc_conn *c;
	json_t *out = NULL;
	int rc = mc_req_db(r, &c);
	if (rc || (rc = mc_inbox_list(c, r->who->user_id, before, (int)limit, &out)))
		return mc_api_db_fail(r, rc);
	mc_res_header(r, "Cache-Control", "no-store");
	return mc_res_json(r, 200, out);
}

static int inbox_read(struct mc_req *r)
{
	int64_t id = 0;
	int rc = mc_req_param(r, "id") ? mc_api_id_param(r, "id", &id) : 0;
	struct mc_conn *c;
	if (rc || (rc = mc_req_db(r, &c)))
		return rc ? rc : mc_api_db_fail(r, rc);
	rc = mc_inbox_read(c, r->who->user_id, id, mc_time_now_ms());
	if (rc == MC_E_NOT_FOUND)
		return mc_fail(r, rc, NULL);
	return rc ? mc_api_db_fail(r, rc) : mc_res_empty(r, 204);
}

static int set_language(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	const char *lang = mc_api_str(r, b, "lang", 2, 1);
	if (lang && strcmp(lang, "vi") != 0 && strcmp(lang, "en") != 0)
		mc_bad_field(&r->err, "lang", MC_M_NOTIFY_LANG_ENUM);
	struct mc_conn *c;
	int rc = mc_api_check_db(r, &c);
	if (rc)
		return rc;
	if ((rc = mc_tx_begin(c, 1)))
		return mc_api_db_fail(r, rc);
	int64_t k = mc_exec(c, "UPDATE users SET lang = ? WHERE id = ?", "ti", lang, r->who->user_id);
	if (k >= 0) /* GET /api/v1/me on every server answers the new language */
		k = mc_auth_changed(c);
	rc = k < 0 ? (int)k
		   : mc_api_audit(r, c, "user.language", "user", r->who->user_id, json_pack("{s:s}", "lang", lang));
	if (rc || (rc = mc_tx_commit(c))) {
		if (mc_in_tx(c))
			mc_tx_rollback(c);
		return mc_api_db_fail(r, rc);
	}
	mc_api_me_forget(r->who->user_id);
	return mc_res_json(r, 200, json_pack("{s:s}", "lang", lang));
}

/* ---- a reset code sent to the account's phone and e-mail ---- */

#define RESET_TTL_S        (30 * 60)
#define RESET_PER_HOUR     3
#define RESET_MIN_PAUSE_MS 60000

/* Whether another code may go to user now (three an hour, a minute apart). */
static int reset_allowed(struct mc_conn *c, int64_t user, int64_t now, int *ok)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT COUNT(*), COALESCE(MAX(at), 0) FROM outbox WHERE topic = 'users' AND topic_id = ?"
			  " AND event = 'password_reset' AND at > ?",
			  "ii", user, now - 3600000);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0)
		*ok = mc_col_int64(s, 0) < RESET_PER_HOUR && mc_col_int64(s, 1) < now - RESET_MIN_PAUSE_MS;
	mc_stmt_done(s);
	return rc;
}

static int reset_send(struct mc_conn *c, int64_t user, int64_t now)
{
	struct mc_stmt *s;
	json_t *to = NULL;
	int rc = mc_query(c, &s, "SELECT full_name, phone, email, lang FROM users WHERE id = ?", "i", user);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0 && (mc_col_text(s, 1) || mc_col_text(s, 2)))
		to = json_pack("{s:I, s:s, s:s?, s:s?, s:s}", "user_id", (json_int_t)user, "full_name",
			       mc_col_text(s, 0), "phone", mc_col_text(s, 1), "email", mc_col_text(s, 2), "lang",
			       mc_col_text(s, 3));
	mc_stmt_done(s);
	if (rc || !to) /* no phone, no e-mail: the counter issues codes */
		return rc;
	char code[MC_RESET_CODE_LEN];
	int64_t expires = 0;
	if (!(rc = mc_auth_reset_issue(c, user, user, RESET_TTL_S, code, &expires))) {
		json_t *p = json_pack("{s:s, s:i, s:s}", "code", code, "valid_minutes", RESET_TTL_S / 60, "link",
				      "/quen-mat-khau");
		char *pj = json_dumps(p, JSON_COMPACT), *tj = json_dumps(to, JSON_COMPACT);
		int64_t k = mc_exec(c,
				    "INSERT INTO outbox (at, topic, topic_id, event, recipient, payload)"
				    " VALUES (?, 'users', ?, 'password_reset', ?, ?)",
				    "iitt", now, user, tj, pj);
		rc = k < 0 ? (int)k : 0;
		memset(pj, 0, strlen(pj));
		free(pj);
		free(tj);
		json_decref(p);
	}
	memset(code, 0, sizeof(code));
	json_decref(to);
	return rc;
}

/* One answer whatever the account: nobody learns who has one, or where
 * its code went. */
static int reset_request(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	const char *account = mc_api_str(r, b, "account", 14, 1);
	if (account && !(strlen(account) == 12 && strspn(account, "0123456789") == 12) && !mc_tax_code_check(account))
		mc_bad_field(&r->err, "account", MC_M_ID_OR_TAX_CODE_FORMAT);
	struct mc_conn *c;
	int rc = mc_api_check_db(r, &c);
	if (rc)
		return rc;
	int64_t uid = 0, now = mc_time_now_ms();
	json_t *holder = NULL;
	rc = mc_account_holder(c, account, &uid, &holder);
	json_decref(holder);
	int ok = 0;
	if (!rc && !(rc = mc_tx_begin(c, 1))) {
		rc = reset_allowed(c, uid, now, &ok);
		if (!rc && ok)
			rc = reset_send(c, uid, now);
		if (!rc && ok)
			rc = mc_api_audit(r, c, "user.password_reset_code_sent", "user", uid, NULL);
		if (rc || (rc = mc_tx_commit(c)))
			mc_tx_rollback(c);
	}
	if (rc && rc != MC_E_NOT_FOUND)
		return mc_api_db_fail(r, rc);
	return mc_res_json(r, 202, json_pack("{s:i}", "valid_minutes", RESET_TTL_S / 60));
}

/* ---- the operator's view ---- */

static int delivery_page(struct mc_req *r, struct mc_conn *c, const struct mc_api_queue_page *p, json_t **out)
{
	(void)r;
	return mc_notify_list(c, p->state, p->before, p->limit, out);
}

static int delivery_retry(struct mc_req *r, struct mc_conn *c, int64_t id)
{
	(void)r;
	return mc_notify_retry(c, id, mc_time_now_ms());
}

static const char *const STATES[] = {"pending", "sending", "sent", "dead", NULL};

static const struct mc_api_queue DELIVERIES = {
	.states = STATES,
	.state_enum = MC_M_NOTIFY_STATE_ENUM,
	.dflt_state = "dead",
	.list = delivery_page,
	.retry = delivery_retry,
	.audit_action = "notify.retry",
	.audit_type = "delivery",
	.not_retryable = MC_M_NOTIFY_NOT_DEAD,
};

static int deliveries(struct mc_req *r)
{
	return mc_api_queue_list(r, &DELIVERIES);
}

static int summary(struct mc_req *r)
{
	struct mc_conn *c;
	json_t *out = NULL;
	int rc = mc_req_db(r, &c);
	if (rc || (rc = mc_notify_summary(c, mc_time_now_ms(), &out)))
		return mc_api_db_fail(r, rc);
	return mc_res_json(r, 200, out);
}

static int retry(struct mc_req *r)
{
	return mc_api_queue_retry(r, &DELIVERIES);
}

const struct mc_route mc_api_notify_routes[] = {
	{"GET", "/api/v1/my/inbox", inbox_list, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/my/inbox/read", inbox_read, MC_AUTH_REQUIRED, NULL, MC_RF_NO_IDEM},
	{"POST", "/api/v1/my/inbox/{id}/read", inbox_read, MC_AUTH_REQUIRED, NULL, MC_RF_NO_IDEM},
	{"PUT", "/api/v1/my/language", set_language, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/auth/password-reset-code", reset_request, MC_AUTH_NONE, NULL, MC_RF_NO_CSRF | MC_RF_NO_IDEM},
	{"GET", "/api/v1/notifications/deliveries", deliveries, MC_AUTH_REQUIRED, "notify.admin", 0},
	{"GET", "/api/v1/notifications/summary", summary, MC_AUTH_REQUIRED, "notify.admin", 0},
	{"POST", "/api/v1/notifications/deliveries/{id}/retry", retry, MC_AUTH_REQUIRED, "notify.admin", 0},
	{0},
};
