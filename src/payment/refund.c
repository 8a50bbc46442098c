/*
 * refund.c - a paid fee returned: by the gateway's refund call for a VNPAY
 * payment (vnp_Command "refund", the full amount, signed; the answer's
 * signature checked), recorded by the accountant for cash and transfers;
 * and the refunds a dossier's refusal made due, run after its transaction.
 */
#include "internal.h"

#include "../dossier/dossier.h"
#include "../core/field.h"
#include "../core/log.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define RETRY_MAX 50

/* The request of a full refund of p's paid order. */
static int refund_request(struct mc_pay_ctx *x, const struct mc__pay *p, json_t **out)
{
	struct mc_stmt *s;
	char id[33], now[15], amount[32], info[160];
	int rc = mc_query(
		x->c, &s,
		"SELECT txn_ref, COALESCE(pay_date, ''), transaction_no FROM payment_orders WHERE payment_id = ?"
		" AND status = 'paid' AND unmatched = 0 ORDER BY confirmed_at LIMIT 1",
		"i", p->id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)))
		return rc;
	mc_random_hex(id, 16);
	mc_vnpay_time(mc_time_now_ms(), now);
	snprintf(amount, sizeof(amount), "%lld", (long long)p->amount * 100);
	snprintf(info, sizeof(info), "Hoan le phi ho so %s", p->code);
	*out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:s, s:s, s:s}", "vnp_RequestId", id,
			 "vnp_Version", "2.1.0", "vnp_Command", "refund", "vnp_TmnCode", x->cfg->tmn,
			 "vnp_TransactionType", "02", "vnp_TxnRef", mc_col_text(s, 0), "vnp_Amount", amount,
			 "vnp_TransactionNo", mc_col_text(s, 2), "vnp_TransactionDate", mc_col_text(s, 1),
			 "vnp_CreateBy", x->who && x->who->user_id ? "motcua-accountant" : "motcua", "vnp_CreateDate",
			 now, "vnp_IpAddr", x->addr && *x->addr ? x->addr : "127.0.0.1", "vnp_OrderInfo", info);
	mc_stmt_done(s);
	struct mc_buf b = MC_BUF_INIT(4096);
	if (!(rc = mc_vnpay_refund_text(*out, &b))) {
		char hash[129];
		mc_hmac_sha512_hex(x->cfg->secret, strlen(x->cfg->secret), b.data ? b.data : "", b.len, hash);
		json_object_set_new(*out, "vnp_SecureHash", json_string(hash));
	}
	mc_buf_release(&b);
	return rc;
}

/* The gateway's answer: signed by it and "00". */
static int answer_ok(struct mc_pay_ctx *x, json_t *ans, const char **code)
{
	const char *got = json_string_value(json_object_get(ans, "vnp_SecureHash"));
	*code = json_string_value(json_object_get(ans, "vnp_ResponseCode"));
	char want[129];
	struct mc_buf b = MC_BUF_INIT(4096);
	int ok = !mc_vnpay_refund_answer_text(ans, &b);
	if (ok)
		mc_hmac_sha512_hex(x->cfg->secret, strlen(x->cfg->secret), b.data ? b.data : "", b.len, want);
	mc_buf_release(&b);
	ok = ok && got && strlen(got) == 128 && mc_ct_streq(got, want);
	if (!ok)
		*code = "97";
	return ok && *code && strcmp(*code, "00") == 0;
}

/* Refund p's VNPAY order through the gateway, outside any transaction. */
static int through_gateway(struct mc_pay_ctx *x, const struct mc__pay *p, json_t **detail)
{
	json_t *rq = NULL, *ans = NULL;
	const char *code = "99";
	if (!x->gw || !x->cfg || !x->cfg->api_url || !*x->cfg->api_url)
		return mc_error_set(x->e, MC_E_UNAVAILABLE, "the gateway's API is not configured");
	int rc = refund_request(x, p, &rq);
	if (rc == MC_E_NOT_FOUND)
		return mc_error_set(x->e, MC_E_CONFLICT, "no confirmed VNPAY order to refund");
	char *body = rc ? NULL : json_dumps(rq, JSON_COMPACT);
	if (!rc && !(rc = x->gw->call(x->gw->arg, x->cfg->api_url, body, &ans)) && !answer_ok(x, ans, &code)) {
		mc_bad_field1(x->e, "gateway", MC_M_PAYMENT_GATEWAY, code ? code : "99");
		rc = mc_error_set(x->e, MC_E_UNAVAILABLE, "the gateway answered %s", code ? code : "nothing");
	}
	if (!rc)
		*detail = json_pack("{s:s, s:O?}", "via", "vnpay", "request_id", json_object_get(rq, "vnp_RequestId"));
	free(body);
	json_decref(rq);
	json_decref(ans);
	return rc;
}

int mc_payment_refund(struct mc_pay_ctx *x, int64_t id, int64_t version, json_t *in, json_t **out)
{
	struct mc__pay p;
	json_t *detail = NULL;
	int rc = mc__pay_load_seen(x, id, &p);
	if (rc)
		return rc;
	const char *reason = mc_field_str(x->arena, x->e, in, "reason", 500, 0);
	if (x->e->nfields)
		return x->e->code = MC_E_VALIDATION;
	if ((rc = mc__pay_holds(x, "payment.manage", p.agency, 1)) <= 0)
		return rc < 0 ? rc
			      : mc_error_set(x->e, MC_E_FORBIDDEN,
					     "only an accountant of the collecting agency refunds");
	rc = 0;
	if (p.version != version)
		return MC_E_PRECONDITION;
	if (strcmp(p.status, "paid") != 0) {
		mc_bad_field(x->e, "status", MC_M_PAYMENT_NOT_PAID);
		return mc_error_set(x->e, MC_E_CONFLICT, "the payment is %s", p.status);
	}
	if (strcmp(p.method, "vnpay") == 0)
		rc = through_gateway(x, &p, &detail);
	else
		detail = json_pack("{s:s}", "via", p.method);
	if (!rc)
		rc = mc__pay_refunded(x, &p, reason ? reason : "refund", detail);
	return rc ? rc : mc_payment_get(x, id, out);
}

int mc_payment_refund_due(struct mc_pay_ctx *x, const char *code)
{
	int64_t id = 0, lo, hi;
	mc_dossier_code_ids(code, &lo, &hi);
	int rc = mc_query_int64(
		x->c, &id,
		"SELECT p.id FROM payments p JOIN dossiers d ON d.id = p.dossier_id WHERE " MC_DOSSIER_BY_CODE_AS(
			"d") " AND p.status = 'paid' AND p.method = 'vnpay' AND p.refund_due_at IS NOT NULL",
		"tii", code, lo, hi);
	if (rc)
		return rc == MC_E_NOT_FOUND ? 0 : rc;
	struct mc__pay p;
	json_t *detail = NULL;
	struct mc_error quiet; /* the dossier's change is done: a refund that fails waits for the accountant */
	mc_error_init(&quiet);
	struct mc_error *e = x->e;
	x->e = &quiet;
	if (!(rc = mc__pay_load(x->c, id, &p)) && !(rc = through_gateway(x, &p, &detail)))
		rc = mc__pay_refunded(x, &p, "refused", detail);
	x->e = e;
	if (rc)
		mc_log_json(MC_LOG_WARN, "payment.refund_failed",
			    json_pack("{s:I, s:i, s:s}", "payment", (json_int_t)id, "rc", rc, "detail", quiet.detail));
	return 0;
}

int mc_payment_refund_retry(struct mc_pay_ctx *x, int64_t before, int64_t *done)
{
	struct mc_stmt *s;
	int64_t ids[RETRY_MAX];
	int n = 0,
	    rc = mc_query(x->c, &s,
			  "SELECT id FROM payments WHERE status = 'paid' AND method = 'vnpay' AND refund_due_at IS NOT"
			  " NULL AND refund_due_at < ? ORDER BY id LIMIT 50",
			  "i", before);
	*done = 0;
	if (rc)
		return rc;
	while (n < RETRY_MAX && (rc = mc_step(s)) == MC_DB_ROW)
		ids[n++] = mc_col_int64(s, 0);
	mc_stmt_done(s);
	if (rc != MC_DB_DONE && rc != MC_DB_ROW)
		return rc;
	for (int i = 0; i < n; i++) {
		struct mc__pay p;
		json_t *detail = NULL;
		if ((rc = mc__pay_load(x->c, ids[i], &p)))
			return rc;
		mc_error_init(x->e);
		if ((rc = through_gateway(x, &p, &detail)) == 0 &&
		    (rc = mc__pay_refunded(x, &p, "refused", detail)) == 0)
			(*done)++;
		else
			mc_log_json(MC_LOG_WARN, "payment.refund_failed",
				    json_pack("{s:I, s:i, s:s}", "payment", (json_int_t)ids[i], "rc", rc, "detail",
					      x->e->detail));
	}
	return 0;
}
