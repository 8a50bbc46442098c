/*
 * reset_api.c - a forgotten password, reset at the counter.
 *
 * Until codes can be sent by SMS or e-mail, the holder of a citizen's or a
 * business's account comes to any reception counter with the ID card.  An
 * official holding account.reset checks the card, names the account (ID
 * number or tax code) and gets a one-time code, shown once, to hand over;
 * the holder then sets a new password with it (POST
 * /api/v1/auth/password-reset, from the page /quen-mat-khau).  Both acts are
 * audited; the new password ends every session of the account.  Officials'
 * passwords are reset by their administrators (users_api.c), not here.
 */
#include "api.h"

#include "../core/timeutil.h"
#include "../crypto/crypto.h"
#include "../org/org.h"

#include <string.h>

#include "../core/banned.h"

#define RESET_TTL_S (30 * 60)

/* An account named by a 12-digit citizen ID number or a tax code. */
static const char *account_field(struct mc_req *r, json_t *b)
{
	const char *a = mc_api_str(r, b, "account", 14, 1);
	if (a && !(strlen(a) == 12 && strspn(a, "0123456789") == 12) && !mc_tax_code_check(a)) {
		mc_bad_field(&r->err, "account", MC_M_ID_OR_TAX_CODE_FORMAT);
		return NULL;
	}
	return a;
}

static int reset_issue(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	const char *account = account_field(r, b);
	if (!mc_api_bool(r, b, "identity_checked", 0))
		mc_bad_field(&r->err, "identity_checked", MC_M_CHECK_REQUESTER_ID);
	struct mc_conn *c;
	int rc = mc_api_check_db(r, &c);
	if (rc)
		return rc;
	int64_t uid = 0;
	json_t *holder = NULL;
	rc = mc_account_holder(c, account, &uid, &holder);
	if (rc == MC_E_NOT_FOUND) {
		mc_bad_field(&r->err, "account", MC_M_UNKNOWN_ACCOUNT);
		return mc_api_check(r);
	}
	if (rc)
		return mc_api_db_fail(r, rc);
	mc_req_keep(r, holder);
	char code[MC_RESET_CODE_LEN];
	int64_t expires = 0;
	if ((rc = mc_tx_begin(c, 1)))
		return mc_api_db_fail(r, rc);
	rc = mc_auth_reset_issue(c, uid, r->who->user_id, RESET_TTL_S, code, &expires);
	if (!rc)
		rc = mc_api_audit(r, c, "user.password_reset_code_issued", "user", uid,
				  json_pack("{s:b}", "identity_checked", 1));
	if (!rc)
		rc = mc_tx_commit(c);
	if (rc) {
		if (mc_in_tx(c))
			mc_tx_rollback(c);
		memset(code, 0, sizeof(code));
		return mc_api_db_fail(r, rc);
	}
	char exp[40];
	mc_time_format_vn(expires, exp, sizeof(exp));
	json_t *out = json_pack("{s:s, s:s, s:i, s:O}", "code", code, "expires_at", exp, "valid_minutes",
				RESET_TTL_S / 60, "account", holder);
	memset(code, 0, sizeof(code));
	mc_res_header(r, "Cache-Control", "no-store");
	return mc_res_json(r, 201, out);
}

/* Unknown account, no code, a wrong, used or expired one: one answer, so
 * that nobody learns which. */
static int bad_code(struct mc_req *r)
{
	mc_bad_field(&r->err, "code", MC_M_RESET_CODE_INVALID);
	return mc_api_check(r);
}

static int reset_redeem(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	const char *account = account_field(r, b);
	const char *code = mc_api_str(r, b, "code", 32, 1);
	const char *pw = mc_api_new_password(r, b, "new_password", account);
	struct mc_conn *c;
	int rc = mc_api_check_db(r, &c);
	if (rc)
		return rc;
	struct mc_auth_policy p = mc_api_policy(r);
	struct mc_reset_ticket t;
	rc = mc_auth_reset_check(c, &p, account, code, r->addr, &t);
	if (rc == MC_E_RATE_LIMITED) {
		r->err.retry_after = t.retry_after;
		return mc_fail(r, rc, NULL);
	}
	if (rc == MC_E_BAD_CREDENTIALS)
		return bad_code(r);
	if (rc)
		return mc_api_db_fail(r, rc);
	char hash[MC_PWHASH_LEN];
	if (mc_password_hash(pw, hash))
		return mc_fail(r, MC_E_NOMEM, NULL);
	if ((rc = mc_tx_begin(c, 1)))
		return mc_api_db_fail(r, rc);
	rc = mc_auth_reset_use(c, &t, hash);
	if (!rc) /* the holder acts, signed in or not */
		rc = mc_auth_audit(c, t.user_id, "user.password_reset_by_code", r->addr, NULL);
	if (!rc)
		rc = mc_tx_commit(c);
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	if (rc == MC_E_BAD_CREDENTIALS)
		return bad_code(r);
	if (rc)
		return mc_api_db_fail(r, rc);
	return mc_res_empty(r, 204);
}

const struct mc_route mc_api_reset_routes[] = {
	{"POST", "/api/v1/password-resets", reset_issue, MC_AUTH_REQUIRED, "account.reset", 0},
	{"POST", "/api/v1/auth/password-reset", reset_redeem, MC_AUTH_NONE, NULL, MC_RF_NO_CSRF | MC_RF_NO_IDEM},
	{0},
};
