/*
 * receipt.c - the e-receipt (biên lai điện tử) of a paid payment as PDF:
 * what it says read from the payment, its dossier, the agency and who
 * collected it, drawn by the renderer (render/pdf.h, mc_pdf_receipt).
 */
#include "internal.h"

#include "../render/pdf.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static const char *method_vi(const char *m)
{
	return !strcmp(m, "vnpay")    ? "Thanh toán trực tuyến qua VNPAY"
	       : !strcmp(m, "vietqr") ? "Chuyển khoản (mã VietQR)"
				      : "Tiền mặt";
}

/* The receipt's data for the renderer. */
static int receipt_json(struct mc_pay_ctx *x, const struct mc__pay *p, json_t **out)
{
	struct mc_stmt *s;
	char words[256], number[16];
	int rc = mc_query(x->c, &s,
			  "SELECT a.name, d.applicant, pr.name, u.full_name FROM payments p JOIN dossiers d ON d.id ="
			  " p.dossier_id JOIN agencies a ON a.id = p.agency_id JOIN procedures pr ON pr.id ="
			  " d.procedure_id LEFT JOIN users u ON u.id = p.collected_by WHERE p.id = ?",
			  "i", p->id);
	if (rc || (rc = mc_step_row(s)))
		return rc;
	json_error_t je;
	json_t *ap = json_loads(mc_col_text(s, 1), 0, &je);
	mc_vnd_words(p->amount, words, sizeof(words));
	snprintf(number, sizeof(number), "%07lld", (long long)p->receipt_no);
	*out = json_pack("{s:s, s:s, s:s, s:o, s:s?, s:s?, s:s, s:s, s:I, s:s, s:s, s:s?, s:s, s:o}", "agency",
			 mc_col_text(s, 0), "symbol", p->symbol, "number", number, "date", mc__pay_time(p->paid_at),
			 "payer", json_string_value(json_object_get(ap, "full_name")), "address",
			 json_string_value(json_object_get(ap, "address")), "code", p->code, "fee",
			 mc_sprintf(x->arena, "Phí, lệ phí thủ tục %s", mc_col_text(s, 2)), "amount",
			 (json_int_t)p->amount, "amount_words", words, "method", method_vi(p->method), "reference",
			 p->reference[0] ? p->reference : NULL, "collector",
			 mc_col_text(s, 3) ? mc_col_text(s, 3) : "Thu qua cổng thanh toán", "refunded_at",
			 mc__pay_time(p->refunded_at));
	mc_stmt_done(s);
	json_decref(ap);
	return *out ? 0 : MC_E_NOMEM;
}

int mc_payment_receipt(struct mc_pay_ctx *x, int64_t id, struct mc_buf *out, char name[64])
{
	struct mc__pay p;
	json_t *j = NULL;
	int rc = mc__pay_load_seen(x, id, &p);
	if (rc)
		return rc;
	if (!p.receipt_no)
		return mc_error_set(x->e, MC_E_NOT_FOUND, "no receipt: the fee is not paid");
	if ((rc = receipt_json(x, &p, &j)))
		return rc;
	rc = mc_pdf_receipt(j, out, x->e);
	json_decref(j);
	snprintf(name, 64, "bien-lai-%s-%07lld.pdf", p.symbol, (long long)p.receipt_no);
	return rc;
}
