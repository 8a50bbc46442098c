/*
 * settle.c - a payment read, recorded by hand (cash at the counter by the
 * clerk, a VietQR transfer seen on the bank statement by the accountant)
 * and refunded (through the gateway for VNPAY, recorded otherwise).
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

int mc_payment_get(struct mc_pay_ctx *x, int64_t id, json_t **out)
{
	struct mc__pay p;
	int rc = mc__pay_load_seen(x, id, &p);
	return rc ? rc : mc__pay_json(x, &p, out);
}

int mc_payment_of_dossier(struct mc_pay_ctx *x, const char *code, json_t **out)
{
	int64_t id = 0, lo, hi;
	mc_dossier_code_ids(code, &lo, &hi);
	int rc = mc_query_int64(
		x->c, &id,
		"SELECT p.id FROM payments p JOIN dossiers d ON d.id = p.dossier_id WHERE " MC_DOSSIER_BY_CODE_AS("d"),
		"tii", code, lo, hi);
	return rc ? rc : mc_payment_get(x, id, out);
}

int mc_payment_vietqr(struct mc_pay_ctx *x, int64_t id, const char **text)
{
	struct mc__pay p;
	json_t *acct = NULL;
	char purpose[128], qr[512];
	int rc = mc__pay_load_seen(x, id, &p);
	if (rc || (rc = mc__pay_account(x->c, p.agency, &acct)))
		return rc;
	mc__pay_purpose(&p, purpose, sizeof(purpose));
	rc = mc_vietqr_payload(json_string_value(json_object_get(acct, "bank_bin")),
			       json_string_value(json_object_get(acct, "account_no")), p.amount, p.code, purpose, qr,
			       sizeof(qr));
	json_decref(acct);
	if (!rc)
		*text = mc_strdup(x->arena, qr);
	return rc;
}

int mc_payment_for_form(struct mc_conn *c, struct mc_arena *a, int64_t dossier, json_t **out)
{
	struct mc__pay p;
	json_t *acct = NULL;
	char purpose[128], qr[512] = "", words[256];
	*out = NULL;
	int rc = mc__pay_load_dossier(c, dossier, &p);
	if (rc)
		return rc == MC_E_NOT_FOUND ? 0 : rc;
	rc = mc__pay_account(c, p.agency, &acct);
	if (rc && rc != MC_E_NOT_FOUND)
		return rc;
	mc__pay_purpose(&p, purpose, sizeof(purpose));
	if (acct && mc_vietqr_payload(json_string_value(json_object_get(acct, "bank_bin")),
				      json_string_value(json_object_get(acct, "account_no")), p.amount, p.code, purpose,
				      qr, sizeof(qr)))
		qr[0] = '\0';
	mc_vnd_words(p.amount, words, sizeof(words));
	(void)a;
	*out = json_pack("{s:I, s:s, s:s, s:s, s:s?, s:o}", "amount", (json_int_t)p.amount, "amount_words", words,
			 "status", p.status, "stage", p.stage, "vietqr", qr[0] ? qr : NULL, "account",
			 acct ? acct : json_null());
	return *out ? 0 : MC_E_NOMEM;
}

/* ---- by hand ---- */

/* The method the caller records, checked against their powers. */
static int may_record(struct mc_pay_ctx *x, const struct mc__pay *p, const char *method)
{
	int rc;
	if (strcmp(method, "cash") == 0) {
		rc = mc__pay_holds(x, "payment.collect", p->received_agency, 0);
		if (rc == 0)
			rc = mc__pay_holds(x, "payment.collect", p->agency, 0);
	} else {
		rc = mc__pay_holds(x, "payment.manage", p->agency, 1);
	}
	if (rc < 0)
		return rc;
	return rc ? 0
		  : mc_error_set(x->e, MC_E_FORBIDDEN,
				 strcmp(method, "cash") == 0
					 ? "only a counter clerk of the receiving or collecting agency takes cash"
					 : "only an accountant of the collecting agency records a transfer");
}

/* p reloaded inside the transaction, still at version and in a state in
 * open (1: requested or failed; 0: paid). */
static int still(struct mc_pay_ctx *x, struct mc__pay *p, int64_t version, int open)
{
	int rc = mc__pay_load(x->c, p->id, p);
	if (rc)
		return rc;
	if (p->version != version)
		return MC_E_PRECONDITION;
	int is_open = mc__pay_owed(p);
	if (open ? is_open : strcmp(p->status, "paid") == 0)
		return 0;
	mc_bad_field(x->e, "status", open ? MC_M_PAYMENT_NOT_OPEN : MC_M_PAYMENT_NOT_PAID);
	return mc_error_set(x->e, MC_E_CONFLICT, "the payment is %s", p->status);
}

int mc_payment_record(struct mc_pay_ctx *x, int64_t id, int64_t version, json_t *in, json_t **out)
{
	static const char *const methods[] = {"cash", "vietqr", NULL};
	struct mc__pay p;
	int rc = mc__pay_load_seen(x, id, &p);
	if (rc)
		return rc;
	const char *method = mc_field_enum(x->e, in, "method", methods, NULL, MC_M_PAYMENT_METHOD);
	if (!method && !x->e->nfields)
		mc_bad_field(x->e, "method", MC_M_PAYMENT_METHOD);
	const char *ref = mc_field_str(x->arena, x->e, in, "reference", 60, 0);
	if (method && strcmp(method, "vietqr") == 0 && !ref && !x->e->nfields)
		mc_bad_field(x->e, "reference", MC_M_PAYMENT_REFERENCE);
	if (x->e->nfields)
		return x->e->code = MC_E_VALIDATION;
	if ((rc = may_record(x, &p, method)) || (rc = mc_tx_begin(x->c, 1)))
		return rc;
	if (!(rc = still(x, &p, version, 1)) &&
	    !(rc = mc__pay_settle(x->c, &p, method, ref, x->who->user_id, x->addr, mc_time_now_ms())))
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc ? rc : mc_payment_get(x, id, out);
}

/* ---- refunds ---- */

int mc__pay_refunded(struct mc_pay_ctx *x, struct mc__pay *p, const char *reason, json_t *detail)
{
	int64_t now = mc_time_now_ms(), actor = x->who ? x->who->user_id : 0;
	int rc = mc_tx_begin(x->c, 1);
	if (rc) {
		json_decref(detail);
		return rc;
	}
	int64_t k = mc_exec(x->c,
			    "UPDATE payments SET status = 'refunded', refunded_at = ?, refunded_by = NULLIF(?, 0),"
			    " refund_reason = COALESCE(refund_reason, ?), version = version + 1 WHERE id = ? AND status"
			    " = 'paid'",
			    "iiti", now, actor, reason, p->id);
	rc = k < 0 ? (int)k : k == 0 ? MC_E_PRECONDITION : 0;
	if (rc) {
		json_decref(detail);
		goto out;
	}
	json_object_set_new(detail, "reason", json_string(reason));
	json_object_set_new(detail, "amount", json_integer(p->amount));
	if ((rc = mc__pay_record(x->c, p->id, actor, x->addr, "refunded", detail, now)) ||
	    (rc = mc__pay_notice(x->c, p, "payment_refunded", json_pack("{s:s}", "reason", reason), now)))
		goto out;
	rc = mc_tx_commit(x->c);
out:
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc;
}
