/*
 * vnpay_flow.c - paying by VNPAY: the applicant's order (a signed payment
 * URL to the gateway's page), the gateway's notification (IPN: verified,
 * taken once, the amount checked, the payment settled or marked failed)
 * and the browser's return (verified, shown, nothing changed).
 */
#include "internal.h"

#include "../core/log.h"
#include "../core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define ORDER_TTL_MS (15LL * 60 * 1000) /* vnp_ExpireDate: the gateway's page closes after it */

static int open_status(const struct mc__pay *p)
{
	return strcmp(p->status, "requested") == 0 || strcmp(p->status, "failed") == 0;
}

static int configured(struct mc_pay_ctx *x)
{
	const struct mc_pay_config *g = x->cfg;
	if (g && g->tmn && *g->tmn && g->secret && *g->secret && g->pay_url && *g->pay_url)
		return 1;
	return 0;
}

/* A new order of p in its own transaction: *ref its vnp_TxnRef. */
static int new_order(struct mc_pay_ctx *x, const struct mc__pay *p, int64_t now, char ref[40])
{
	int64_t n = 0;
	int rc = mc_tx_begin(x->c, 1);
	if (rc)
		return rc;
	if ((rc = mc_query_int64(x->c, &n, "SELECT COUNT(*) FROM payment_orders WHERE payment_id = ?", "i", p->id)))
		goto out;
	snprintf(ref, 40, "%lld-%lld", (long long)p->id, (long long)n + 1);
	int64_t k = mc_exec(x->c,
			    "INSERT INTO payment_orders (txn_ref, payment_id, amount, created_at) VALUES (?, ?, ?, ?)",
			    "tiii", ref, p->id, p->amount, now);
	if (k < 0) {
		rc = (int)k;
		goto out;
	}
	if ((rc = mc__pay_record(x->c, p->id, x->who->user_id, x->addr, "vnpay_order",
				 json_pack("{s:s, s:I}", "txn_ref", ref, "amount", (json_int_t)p->amount), now)))
		goto out;
	rc = mc_tx_commit(x->c);
out:
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc;
}

/* The signed payment URL of order ref. */
static int pay_url(struct mc_pay_ctx *x, const struct mc__pay *p, const char *ref, int64_t now, char **url)
{
	char amount[32], created[15], expires[15], info[128];
	snprintf(amount, sizeof(amount), "%lld", (long long)p->amount * 100);
	mc_vnpay_time(now, created);
	mc_vnpay_time(now + ORDER_TTL_MS, expires);
	mc__pay_order_info(p, info, sizeof(info));
	struct mc_vnp_param v[] = {
		{"vnp_Version", "2.1.0"},
		{"vnp_Command", "pay"},
		{"vnp_TmnCode", x->cfg->tmn},
		{"vnp_Amount", amount},
		{"vnp_CurrCode", "VND"},
		{"vnp_TxnRef", ref},
		{"vnp_OrderInfo", info},
		{"vnp_OrderType", "billpayment"},
		{"vnp_Locale", x->lang && strcmp(x->lang, "en") == 0 ? "en" : "vn"},
		{"vnp_ReturnUrl", x->cfg->return_url},
		{"vnp_IpAddr", x->addr && *x->addr ? x->addr : "127.0.0.1"},
		{"vnp_CreateDate", created},
		{"vnp_ExpireDate", expires},
	};
	size_t n = sizeof(v) / sizeof(v[0]);
	char hash[129];
	struct mc_buf b = MC_BUF_INIT(8192);
	int rc = mc_vnpay_sign(x->cfg->secret, v, n, hash);
	if (!rc && !(rc = mc_buf_printf(&b, "%s?", x->cfg->pay_url)) && !(rc = mc_vnpay_canonical(v, n, &b)) &&
	    !(rc = mc_buf_printf(&b, "&vnp_SecureHash=%s", hash)))
		*url = mc_strdup(x->arena, mc_buf_str(&b));
	mc_buf_release(&b);
	return rc;
}

int mc_payment_vnpay_start(struct mc_pay_ctx *x, int64_t id, json_t **out)
{
	struct mc__pay p;
	char ref[40], *url = NULL;
	int64_t now = mc_time_now_ms();
	int rc = mc__pay_load_seen(x, id, &p);
	if (rc)
		return rc;
	if (!x->who || p.applicant_id != x->who->user_id)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "only the applicant pays by VNPAY");
	if (!mc__pay_owed(&p)) {
		mc_bad_field(x->e, "status", MC_M_PAYMENT_NOT_OPEN);
		return mc_error_set(x->e, MC_E_CONFLICT, "the payment is %s", p.status);
	}
	if (!configured(x))
		return mc_error_set(x->e, MC_E_UNAVAILABLE, "the VNPAY gateway is not configured");
	if ((rc = new_order(x, &p, now, ref)) || (rc = pay_url(x, &p, ref, now, &url)))
		return rc;
	*out = json_pack("{s:s, s:s}", "url", url, "txn_ref", ref);
	return 0;
}

/* ---- the notification (IPN) ---- */

struct order {
	int64_t payment, amount;
	char status[12];
};

static int load_order(struct mc_conn *c, const char *ref, struct order *o)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT payment_id, amount, status FROM payment_orders WHERE txn_ref = ?", "t", ref);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		o->payment = mc_col_int64(s, 0);
		o->amount = mc_col_int64(s, 1);
		snprintf(o->status, sizeof(o->status), "%s", mc_col_text(s, 2));
	}
	mc_stmt_done(s);
	return rc;
}

/* Take the notification of order ref (pending until now) in the open
 * transaction: MC_E_CONFLICT when it was taken already. */
static int take(struct mc_pay_ctx *x, const struct mc_vnp_param *v, size_t n, const char *ref, int64_t now)
{
	const char *code = mc_vnpay_get(v, n, "vnp_ResponseCode"), *st = mc_vnpay_get(v, n, "vnp_TransactionStatus");
	const char *txno = mc_vnpay_get(v, n, "vnp_TransactionNo");
	int ok = code && st && strcmp(code, "00") == 0 && strcmp(st, "00") == 0;
	int64_t k = mc_exec(x->c,
			    "UPDATE payment_orders SET status = ?, response = ?, transaction_no = ?, bank_code = ?,"
			    " pay_date = ?, confirmed_at = ? WHERE txn_ref = ? AND status = 'pending'",
			    "tttttit", ok ? "paid" : "failed", code, txno, mc_vnpay_get(v, n, "vnp_BankCode"),
			    mc_vnpay_get(v, n, "vnp_PayDate"), now, ref);
	if (k <= 0)
		return k < 0 ? (int)k : MC_E_CONFLICT;
	struct mc__pay p;
	struct order o;
	int rc = load_order(x->c, ref, &o);
	if (rc || (rc = mc__pay_load(x->c, o.payment, &p)))
		return rc;
	if (ok && open_status(&p)) {
		int rc2 = mc__pay_settle(x->c, &p, "vnpay", txno, 0, x->addr, now);
		if (rc2 != MC_E_PRECONDITION)
			return rc2;
		/* settled meanwhile, by another order or at the counter */
	}
	if (ok) {
		/* paid twice (at the counter meanwhile): the reconciliation shows
		 * it and the accountant returns it */
		if ((k = mc_exec(x->c, "UPDATE payment_orders SET unmatched = 1 WHERE txn_ref = ?", "t", ref)) < 0)
			return (int)k;
		return mc__pay_record(x->c, p.id, 0, x->addr, "paid_twice",
				      json_pack("{s:s, s:s?}", "txn_ref", ref, "transaction_no", txno), now);
	}
	if (strcmp(p.status, "requested") == 0 &&
	    (k = mc_exec(x->c, "UPDATE payments SET status = 'failed', version = version + 1 WHERE id = ?", "i",
			 p.id)) < 0)
		return (int)k;
	return mc__pay_record(x->c, p.id, 0, x->addr, "failed",
			      json_pack("{s:s, s:s?}", "txn_ref", ref, "response", code), now);
}

int mc_payment_ipn(struct mc_pay_ctx *x, const struct mc_vnp_param *v, size_t n, const char **rsp, const char **msg)
{
	struct order o;
	*rsp = "99";
	*msg = "Unknow error";
	if (!x->cfg || !mc_vnpay_verify(x->cfg->secret, v, n)) {
		*rsp = "97", *msg = "Invalid signature";
		mc_log_json(MC_LOG_WARN, "payment.ipn_bad_signature",
			    json_pack("{s:s}", "addr", x->addr ? x->addr : "-"));
		return 0;
	}
	const char *ref = mc_vnpay_get(v, n, "vnp_TxnRef"), *amount = mc_vnpay_get(v, n, "vnp_Amount");
	int rc = ref ? load_order(x->c, ref, &o) : MC_E_NOT_FOUND;
	if (rc) {
		if (rc == MC_E_NOT_FOUND)
			*rsp = "01", *msg = "Order not found";
		return rc == MC_E_NOT_FOUND ? 0 : rc;
	}
	char want[32];
	snprintf(want, sizeof(want), "%lld", (long long)o.amount * 100);
	if (!amount || strcmp(amount, want) != 0) {
		*rsp = "04", *msg = "Invalid amount";
		return 0;
	}
	if (strcmp(o.status, "pending") != 0) {
		*rsp = "02", *msg = "Order already confirmed";
		return 0;
	}
	if ((rc = mc_tx_begin(x->c, 1)))
		return rc;
	rc = take(x, v, n, ref, mc_time_now_ms());
	if (!rc)
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	if (rc == MC_E_CONFLICT) /* a replay racing the first */
		*rsp = "02", *msg = "Order already confirmed";
	else if (!rc)
		*rsp = "00", *msg = "Confirm Success";
	return rc == MC_E_CONFLICT ? 0 : rc;
}

int mc_payment_return(struct mc_pay_ctx *x, const struct mc_vnp_param *v, size_t n, json_t **out)
{
	int valid = x->cfg && mc_vnpay_verify(x->cfg->secret, v, n);
	const char *code = valid ? mc_vnpay_get(v, n, "vnp_ResponseCode") : NULL;
	const char *st = valid ? mc_vnpay_get(v, n, "vnp_TransactionStatus") : NULL;
	int ok = code && st && strcmp(code, "00") == 0 && strcmp(st, "00") == 0;
	struct order o;
	struct mc__pay p;
	const char *ref = valid ? mc_vnpay_get(v, n, "vnp_TxnRef") : NULL;
	int rc = ref ? load_order(x->c, ref, &o) : MC_E_NOT_FOUND;
	if (!rc)
		rc = mc__pay_load(x->c, o.payment, &p);
	if (rc && rc != MC_E_NOT_FOUND)
		return rc;
	*out = json_pack("{s:b, s:b, s:s?, s:s?, s:s?, s:s?, s:o}", "valid", valid, "success", valid && ok,
			 "response_code", code, "txn_ref", ref, "code", rc ? NULL : p.code, "status",
			 rc ? NULL : p.status, "payment_id", rc ? json_null() : json_integer(p.id));
	return 0;
}
