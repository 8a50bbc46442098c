/*
 * receiptpdf.c - the e-receipt of a fee paid (biên lai thu phí, lệ phí
 * điện tử, Decree 123/2020/NĐ-CP): the collecting agency, the receipt's
 * form, symbol and number, the payer, the fee, the amount in figures and
 * in words, how it was paid, and the refund when there was one.  Drawn
 * with the layout engine of pdf.c (pdfdoc.h) on the A4 page of the
 * official documents.
 */
#include "pdf.h"
#include "pdfdoc.h"

#include "fmt.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

/* 20000 as "20.000". */
static const char *money(struct doc *d, long long v)
{
	char digits[32], out[48];
	int n = snprintf(digits, sizeof(digits), "%lld", v < 0 ? 0 : v), k = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[k++] = '.';
		out[k++] = digits[i];
	}
	out[k] = '\0';
	return mc_sprintf(d->a, "%s", out);
}

/* One "label: value" line (value escaped, bold). */
static void line(struct doc *d, const char *label, const char *value)
{
	mc__pdf_para(d, mc_sprintf(d->a, "%s: <b>%s</b>", label, mc__pdf_esc(d, value ? value : "")), 0, 0, 5);
}

static void receipt(struct doc *d, json_t *j)
{
	const char *agency = mc__jtext(d->a, j, "agency");
	mc__pdf_para(d, mc_sprintf(d->a, "<b>%s</b>", mc__pdf_esc(d, mc__pdf_upper(d, agency ? agency : ""))), 0, 0, 2);
	mc__pdf_para(d,
		     mc_sprintf(d->a, "Mẫu số: 01BLP0-001    Ký hiệu: <b>%s</b>    Số: <b>%s</b>",
				mc__pdf_esc(d, mc__jtext(d->a, j, "symbol")),
				mc__pdf_esc(d, mc__jtext(d->a, j, "number"))),
		     F_RIGHT, 0, 14);
	mc__pdf_para(d, "<b>BIÊN LAI THU PHÍ, LỆ PHÍ</b>", F_CENTER, 0, 2);
	mc__pdf_para(d, "<i>(Biên lai điện tử)</i>", F_CENTER, 0, 2);
	mc__pdf_para(d, mc_sprintf(d->a, "<i>%s</i>", mc__pdf_esc(d, mc__jtime(d->a, j, "date", MC__T_DATE_LONG))),
		     F_CENTER, 0, 16);
	line(d, "Tên đơn vị thu", agency);
	line(d, "Người nộp", mc__jtext(d->a, j, "payer"));
	line(d, "Địa chỉ", mc__jtext(d->a, j, "address"));
	line(d, "Mã hồ sơ", mc__jtext(d->a, j, "code"));
	line(d, "Tên loại phí, lệ phí", mc__jtext(d->a, j, "fee"));
	line(d, "Số tiền", mc_sprintf(d->a, "%s đồng", money(d, mc__jint(j, "amount", 0))));
	line(d, "Số tiền bằng chữ", mc__jtext(d->a, j, "amount_words"));
	line(d, "Hình thức thanh toán", mc__jtext(d->a, j, "method"));
	if (mc__jtext(d->a, j, "reference"))
		line(d, "Mã giao dịch", mc__jtext(d->a, j, "reference"));
	line(d, "Người thu tiền", mc__jtext(d->a, j, "collector"));
	if (mc__jtext(d->a, j, "refunded_at")) {
		d->y += 8;
		mc__pdf_para(d,
			     mc_sprintf(d->a, "<b>ĐÃ HOÀN TRẢ PHÍ, LỆ PHÍ</b> %s",
					mc__pdf_esc(d, mc__jtime(d->a, j, "refunded_at", MC__T_DATE_LONG))),
			     0, 0, 5);
	}
	d->y += 12;
	mc__pdf_para(d,
		     "<i>Biên lai điện tử do hệ thống một cửa điện tử lập khi khoản phí, lệ phí được thanh toán; "
		     "tra cứu bằng mã hồ sơ.</i>",
		     0, 0, 0);
}

int mc_pdf_receipt(json_t *r, struct mc_buf *out, struct mc_error *e)
{
	if (!json_is_object(r))
		return mc_error_set(e, MC_E_INVAL, "Biên lai phải là một đối tượng JSON");
	return mc__pdf_render_document(r, receipt, NULL, out, e);
}
