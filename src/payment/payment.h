/*
 * payment.h - the fees of procedures, paid (thanh toán phí, lệ phí).
 *
 * A dossier whose procedure has a published fee above zero for its
 * channel (the catalogue's "fees": channel, amount, published, paid_at)
 * gets one payment request when it is filed, to the competent agency
 * (the collecting agency).  The applicant pays it by VNPAY (the gateway's
 * payment page, its return URL and its server-to-server notification, the
 * IPN), or by a bank transfer to the agency's collection account through
 * the VietQR code on the dossier's page and on form 01 (recorded by the
 * agency's accountant when the bank statement shows it), or in cash at the
 * counter (recorded by the clerk).  States: requested -> paid | failed
 * (the last VNPAY attempt failed; still owed, another may be made),
 * paid -> refunded.  Each change is an event and an audit entry, and the
 * applicant is told through the outbox (topic 'payments': payment_due,
 * payment_received, payment_refunded).  A paid request has its e-receipt
 * (biên lai điện tử) numbered in the agency's series for the year.
 *
 * The fee gates the dossier: paid_at "receipt" - the dossier is not
 * received or forwarded before it is paid; "return" - the result is not
 * handed over before.  A dossier refused (at any stage), or stopped with
 * "refund": true, has its fee returned: through the gateway for VNPAY,
 * recorded by the accountant otherwise.
 */
#ifndef MC_PAYMENT_H
#define MC_PAYMENT_H

#include "../auth/auth.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../db/db.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------- VietQR (vietqr.c): NAPAS EMVCo payload ---------------- */

/* CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of n bytes. */
unsigned mc_crc16_ccitt(const void *p, size_t n);
/* The dynamic VietQR payload of a transfer of amount đồng (0: the payer
 * types it; the field is left out) to account at the bank of bin, bill
 * number bill and purpose (ASCII, may be NULL), CRC appended, into out.
 * MC_E_INVAL when a field is empty, too long (over 99 bytes in its TLV) or
 * not the digits it must be; MC_E_TOO_BIG when out is short. */
int mc_vietqr_payload(const char *bin, const char *account, int64_t amount, const char *bill, const char *purpose,
		      char *out, size_t n);

/* ---------------- VNPAY (vnpay.c): the protocol ---------------- */

struct mc_vnp_param {
	const char *key, *value;
};
/* The parameters of a request as the gateway sends them, copied into a
 * (mc_vnp_params_take is the callback of mc_req_query_each: 1, which
 * stops the walk, past MC_VNP_MAX_PARAMS). */
#define MC_VNP_MAX_PARAMS 40
struct mc_vnp_params {
	struct mc_arena *a;
	struct mc_vnp_param v[MC_VNP_MAX_PARAMS];
	size_t n;
};
int mc_vnp_params_take(void *ud, const char *key, const char *value);
/* s URL-encoded as VNPAY's reference code does (alphanumerics and "-_."
 * kept, a space as "+", any other byte %XX), appended to out. */
int mc_vnpay_encode(const char *s, struct mc_buf *out);
/* The text signed: the parameters but vnp_SecureHash and
 * vnp_SecureHashType, empty values dropped, sorted by key, each
 * key=value encoded, joined by "&"; appended to out. */
int mc_vnpay_canonical(const struct mc_vnp_param *p, size_t n, struct mc_buf *out);
/* HMAC-SHA512 (hex) of the canonical text of p under secret. */
int mc_vnpay_sign(const char *secret, const struct mc_vnp_param *p, size_t n, char out[129]);
/* Split a query string ("a=1&b=x%20y") into at most max decoded pairs in
 * the arena; MC_E_INVAL when it is malformed or too long. */
int mc_vnpay_parse(struct mc_arena *a, const char *query, struct mc_vnp_param *p, size_t max, size_t *n);
/* The value of key, or NULL. */
const char *mc_vnpay_get(const struct mc_vnp_param *p, size_t n, const char *key);
/* 1 when vnp_SecureHash is the signature of the others under secret (case
 * of the hex ignored), 0 when not. */
int mc_vnpay_verify(const char *secret, const struct mc_vnp_param *p, size_t n);
/* An instant as VNPAY writes it: yyyyMMddHHmmss in Vietnam (UTC+7). */
void mc_vnpay_time(int64_t ms, char out[15]);
/* The refund request's signed text (pipe-joined, the gateway's order) and
 * the answer's. */
int mc_vnpay_refund_text(json_t *rq, struct mc_buf *out);
int mc_vnpay_refund_answer_text(json_t *rs, struct mc_buf *out);

/* ---------------- amounts in words (words.c) ---------------- */

/* "Hai mươi nghìn đồng" of 20000 (up to 999 999 999 999 999), into out. */
int mc_vnd_words(int64_t amount, char *out, size_t n);

/* ---------------- the domain ---------------- */

/* What the deployment says about the gateway (src/core/config.c). */
struct mc_pay_config {
	const char *tmn;        /* vnp_TmnCode */
	const char *secret;     /* the shared secret: never logged */
	const char *pay_url;    /* the gateway's payment page */
	const char *api_url;    /* the gateway's transaction API (refunds) */
	const char *return_url; /* where the gateway sends the browser back */
};

/* A call to the gateway's API (refunds), made by the layer above: POST the
 * JSON text body to url; *answer the answer's JSON (new reference). */
struct mc_pay_gateway {
	void *arg;
	int (*call)(void *arg, const char *url, const char *body, json_t **answer);
};

struct mc_pay_ctx {
	struct mc_conn *c;
	struct mc_arena *arena;
	const struct mc_principal *who; /* NULL: anonymous */
	const char *addr;               /* client address: audit, vnp_IpAddr */
	struct mc_error *e;
	const struct mc_pay_config *cfg;
	const struct mc_pay_gateway *gw; /* NULL: refunds through the gateway fail */
	const char *lang;                /* "vi" | "en": the gateway's page */
};

/* What the dossier engine tells of a dossier being filed or changed
 * (inside its transaction): action "submit" / "intake" when filed, else
 * the transition's name; to the status it goes to. */
struct mc_pay_dossier {
	int64_t id, competent, received_agency, actor;
	const char *code, *action, *channel, *to, *addr;
	int received; /* it had been received (before this change) */
	json_t *fees; /* the procedure version's "fees" (borrowed) */
	json_t *in;   /* the transition's input (borrowed; may be NULL) */
};
/* Filed: the payment request when a fee is owed (and a payment_due
 * notice).  A transition: MC_E_CONFLICT (e: field "payment" in both
 * languages) when the fee gates it and is not paid; refused, or stopped
 * with "refund": true, marks a paid fee to be refunded. */
int mc_payment_on_dossier(struct mc_conn *c, struct mc_error *e, const struct mc_pay_dossier *d, int64_t now);

/* The payment of the dossier of that code, as the caller sees it (the
 * applicant, an official of an agency whose subtree holds the dossier's
 * competent or receiving agency): MC_E_NOT_FOUND when there is none or
 * they may not see it. */
int mc_payment_of_dossier(struct mc_pay_ctx *x, const char *code, json_t **out);
/* The payment id as shown (same rule). */
int mc_payment_get(struct mc_pay_ctx *x, int64_t id, json_t **out);
/* The VietQR payload of payment id (the caller may see it); *text in the
 * arena.  MC_E_NOT_FOUND without a collection account. */
int mc_payment_vietqr(struct mc_pay_ctx *x, int64_t id, const char **text);
/* What form 01 prints of dossier id's fee (no check: the caller read the
 * dossier): {amount, status, vietqr} or *out NULL when no fee. */
int mc_payment_for_form(struct mc_conn *c, struct mc_arena *a, int64_t dossier, json_t **out);
/* The applicant starts paying id by VNPAY: a new order, *out {url, txn_ref}. */
int mc_payment_vnpay_start(struct mc_pay_ctx *x, int64_t id, json_t **out);
/* The gateway's notification (the IPN's query arguments, decoded): *rsp the RspCode
 * (00 confirmed, 01 order not found, 02 already confirmed, 04 invalid
 * amount, 97 bad checksum, 99 unknown error); a replayed or forged one
 * changes nothing. */
int mc_payment_ipn(struct mc_pay_ctx *x, const struct mc_vnp_param *v, size_t n, const char **rsp, const char **msg);
/* The browser back from the gateway (its query arguments): verified, nothing
 * changed (the IPN does); *out {valid, success, response_code, code,
 * payment}. */
int mc_payment_return(struct mc_pay_ctx *x, const struct mc_vnp_param *v, size_t n, json_t **out);
/* Record a payment by hand, at version: {method: cash (the clerk, with
 * payment.collect, of the receiving or collecting agency) | vietqr (the
 * accountant, payment.manage, of the collecting agency), reference}. */
int mc_payment_record(struct mc_pay_ctx *x, int64_t id, int64_t version, json_t *in, json_t **out);
/* Refund a paid fee (payment.manage), at version, {reason}: through the
 * gateway for VNPAY, recorded otherwise. */
int mc_payment_refund(struct mc_pay_ctx *x, int64_t id, int64_t version, json_t *in, json_t **out);
/* After a dossier's refusal: its VNPAY payment marked to refund is
 * refunded through the gateway now (0 also when none is due). */
int mc_payment_refund_due(struct mc_pay_ctx *x, const char *code);
/* The housekeeping: the VNPAY refunds due since before `before` that did
 * not go through (the gateway was down), tried again, 50 at most a run;
 * *done how many went through. */
int mc_payment_refund_retry(struct mc_pay_ctx *x, int64_t before, int64_t *done);
/* The e-receipt of a paid (or refunded) payment as PDF, appended to out. */
int mc_payment_receipt(struct mc_pay_ctx *x, int64_t id, struct mc_buf *out, char name[64]);
/* The daily reconciliation of agency (payment.manage, within the caller's
 * subtree) for local day "YYYY-MM-DD": per method (vnpay, vietqr, cash)
 * the count and total received, refunds, and what does not match. */
int mc_payment_reconcile(struct mc_pay_ctx *x, int64_t agency, const char *day, json_t **out);
/* The collection accounts the caller keeps (payment.accounts: their
 * subtree's agencies, with or without one). */
int mc_payment_accounts(struct mc_pay_ctx *x, json_t **out);
/* Set agency's account {bank_bin, bank_name, account_no, account_name}. */
int mc_payment_account_put(struct mc_pay_ctx *x, int64_t agency, json_t *in, json_t **out);
/* Demo data (seed): agency_code's account, inside the caller's transaction. */
int mc_payment_account_seed(struct mc_conn *c, const char *agency_code, const char *bin, const char *bank,
			    const char *account, const char *name);

#endif
