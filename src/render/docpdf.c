/*
 * docpdf.c - an official document as Decree 30/2020/NĐ-CP (Annex I) lays it
 * out on A4: the issuing body (under its superior, a rule beneath) with the
 * number and symbol under it, the national name and motto (a rule beneath)
 * with the place and date; the type and the summary (trích yếu) in the
 * middle, or for a công văn the "V/v" line under its number; the content,
 * justified, each paragraph indented; then the recipients (nơi nhận) on the
 * left and the signer block on the right: the form of signing ("KT. GIÁM
 * ĐỐC"), the signer's position, the space for the signature and the name.
 * Drawn with the layout engine of pdf.c (pdfdoc.h).
 *
 * mc_pdf_document_marked also tells where the number line, the date line
 * and the space for the signature were drawn: a document is signed by the
 * leader with its number and day left blank, and the clerical officer
 * stamps them over those lines and seals the signature (pdfsign.h).
 */
#include "pdf.h"
#include "pdfdoc.h"

#include "fmt.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

#define GAP_SIGN 56.0 /* the space left for the signature and the seal */

/* Record a box drawn at (x, y_top) on the current page, w x h, in PDF's
 * coordinates (from the page's bottom-left, y upwards) as the stamps and
 * signature fields of pdfsign.h want them, not cairo's. */
static void mark(const struct doc *d, struct mc_pdf_box *b, double x, double y_top, double w, double h)
{
	*b = (struct mc_pdf_box){d->page, x, d->ph - y_top - h, w, h};
}

/* "Thành phố Hồ Chí Minh, ngày 05 tháng 3 năm 2027": days below 10 and the
 * months January and February with a leading zero (Decree 30, Annex I);
 * without a date (a draft) the day and month are left blank. */
static const char *place_date(struct doc *d, const char *place, const char *date)
{
	int y, m, dd;
	if (date && sscanf(date, "%4d-%2d-%2d", &y, &m, &dd) == 3)
		return mc_sprintf(d->a, "%s, ngày %02d tháng %s%d năm %d", place, dd, m < 3 ? "0" : "", m, y);
	return mc_sprintf(d->a, "%s, ngày    tháng    năm %s", place,
			  date && strlen(date) >= 4 ? mc_sprintf(d->a, "%.4s", date) : "    ");
}

static int is_letter(const char *type_code)
{
	return type_code && (strcmp(type_code, "cong_van") == 0 || strcmp(type_code, "thu_cong") == 0);
}

/* The two columns at the top. */
static void header(struct doc *d, json_t *j)
{
	double w = mc__pdf_cw(d), lw = w * 0.40, rw = w - lw, xr = d->ml + lw, y0 = d->y, fs = d->fs - 1;
	const char *superior = mc__jtext(d->a, j, "superior"), *issuer = mc__jtext(d->a, j, "issuer");
	const char *number = mc__jtext(d->a, j, "number_text"), *type = mc__jtext(d->a, j, "type_code");
	/* the issuer, under its superior (on one line when smaller type allows) */
	double y = y0;
	if (superior) {
		const char *sup = mc__pdf_esc(d, mc__pdf_upper(d, superior));
		double ss = mc__pdf_fit_size(d, sup, 0, fs, fs - 3, lw - 8);
		y += mc__pdf_put(d, mc__pdf_lay(d, sup, lw - 8, ss, F_CENTER), d->ml, y);
	}
	const char *iss = mc_sprintf(d->a, "<b>%s</b>", mc__pdf_esc(d, mc__pdf_upper(d, issuer)));
	double is = mc__pdf_fit_size(d, iss, 0, fs, fs - 3, lw - 8);
	y += mc__pdf_put(d, mc__pdf_lay(d, iss, lw - 8, is, F_CENTER), d->ml, y);
	mc__pdf_hline(d, d->ml + lw * 0.33, d->ml + lw * 0.67, y + 2, 0.6);
	y += 8;
	/* the number and symbol; a draft's number is left for the clerical officer */
	const char *num = mc__pdf_esc(d, number ? number : "");
	double nh = mc__pdf_put(d, mc__pdf_lay(d, mc_sprintf(d->a, "Số: %s", num), lw - 8, d->fs, F_CENTER), d->ml, y);
	if (d->marks) /* the officer's number is stamped over the whole line */
		mark(d, &d->marks->number, d->ml, y, lw - 8, nh);
	y += nh;
	if (is_letter(type)) /* a công văn's summary goes under its number */
		y += mc__pdf_put(d,
				 mc__pdf_lay(d,
					     mc_sprintf(d->a, "V/v %s", mc__pdf_esc(d, mc__jtext(d->a, j, "summary"))),
					     lw - 8, d->fs - 1, F_CENTER),
				 d->ml, y + 2);
	/* the national name and motto, the place and date */
	const char *n1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", *n2 = "Độc lập - Tự do - Hạnh phúc";
	double ns = mc__pdf_fit_size(d, n1, F_BOLD, fs, fs - 3, rw);
	double yr = y0 + mc__pdf_put(d, mc__pdf_lay(d, n1, rw, ns, F_BOLD | F_CENTER), xr, y0);
	PangoLayout *l = mc__pdf_lay(d, n2, rw, ns + 1, F_BOLD | F_CENTER);
	struct lx e = mc__pdf_lines_of(l)->v[0];
	yr += mc__pdf_put(d, l, xr, yr);
	mc__pdf_hline(d, xr + e.x, xr + e.x + e.w, yr + 1.5, 0.6);
	yr += 10;
	const char *when = place_date(d, mc__jtext(d->a, j, "place"), mc__jtext(d->a, j, "date"));
	double wh = mc__pdf_put(
		d, mc__pdf_lay(d, mc_sprintf(d->a, "<i>%s</i>", mc__pdf_esc(d, when)), rw, d->fs, F_CENTER), xr, yr);
	if (d->marks)
		mark(d, &d->marks->date, xr, yr, rw, wh);
	yr += wh;
	d->y = (y > yr ? y : yr) + 18;
}

/* The type in capitals and the summary under it, a short rule beneath. */
static void title(struct doc *d, json_t *j)
{
	if (is_letter(mc__jtext(d->a, j, "type_code")))
		return;
	double w = mc__pdf_cw(d), fs = d->fs + 1;
	const char *m = mc_sprintf(d->a, "<b>%s</b>\n<b>%s</b>",
				   mc__pdf_esc(d, mc__pdf_upper(d, mc__jtext(d->a, j, "type_name"))),
				   mc__pdf_esc(d, mc__jtext(d->a, j, "summary")));
	PangoLayout *l = mc__pdf_lay(d, m, w * 0.85, fs, F_CENTER);
	mc__pdf_need(d, mc__pdf_layout_h(l) + 10);
	d->y += mc__pdf_put(d, l, d->ml + w * 0.075, d->y);
	mc__pdf_hline(d, d->ml + w * 0.4, d->ml + w * 0.6, d->y + 5, 0.6);
	d->y += 18;
}

/* The content: one paragraph per line, justified, the first line
 * indented 1 cm. */
static void content(struct doc *d, json_t *j)
{
	const char *text = mc__jtext(d->a, j, "content");
	if (!text)
		return;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = mc_alloc(d->a, n + 1);
		memcpy(line, p, n);
		line[n] = '\0';
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		if (*line) {
			PangoLayout *l = mc__pdf_lay(d, mc__pdf_esc(d, line), mc__pdf_cw(d), d->fs, 0);
			pango_layout_set_justify(l, TRUE);
			pango_layout_set_indent(l, (int)(10 * PT_PER_MM * PANGO_SCALE));
			mc__pdf_flow(d, l, d->ml);
			d->y += 4;
		}
		p += n + (nl ? 1 : 0);
	}
	d->y += 8;
}

/* "Nơi nhận:" and "- X;" lines (the last ending with a full stop) on the
 * left, the signer block on the right, kept on one page. */
static void closing(struct doc *d, json_t *j)
{
	double w = mc__pdf_cw(d), half = w / 2;
	json_t *r = mc__jget(j, "recipients"), *v;
	size_t i, n = json_array_size(r);
	const char *list = "<b><i>Nơi nhận:</i></b>";
	json_array_foreach(r, i, v) {
		const char *s = json_string_value(v);
		if (!s)
			continue;
		size_t k = strlen(s);
		while (k && (s[k - 1] == ';' || s[k - 1] == '.' || s[k - 1] == ' '))
			k--;
		char *item = mc_alloc(d->a, k + 1);
		memcpy(item, s, k);
		item[k] = '\0';
		list = mc_sprintf(d->a, "%s\n- %s%s", list, mc__pdf_esc(d, item), i + 1 == n ? "." : ";");
	}
	PangoLayout *left = n ? mc__pdf_lay(d, list, half - 8, d->fs - 2, 0) : NULL;
	json_t *sg = mc__jget(j, "signer");
	PangoLayout *top = NULL, *name = NULL;
	if (json_is_object(sg)) {
		const char *form = mc__jtext(d->a, sg, "form"), *for_title = mc__jtext(d->a, sg, "for_title");
		const char *position = mc__jtext(d->a, sg, "position");
		const char *m = form && for_title
					? mc_sprintf(d->a, "<b>%s %s\n%s</b>", mc__pdf_esc(d, form),
						     mc__pdf_esc(d, mc__pdf_upper(d, for_title)),
						     mc__pdf_esc(d, mc__pdf_upper(d, position ? position : "")))
					: mc_sprintf(d->a, "<b>%s</b>",
						     mc__pdf_esc(d, mc__pdf_upper(d, position ? position : "")));
		top = mc__pdf_lay(d, m, half - 8, d->fs, F_CENTER);
		name = mc__pdf_lay(d, mc_sprintf(d->a, "<b>%s</b>", mc__pdf_esc(d, mc__jtext(d->a, sg, "name"))),
				   half - 8, d->fs, F_CENTER);
	}
	double lh = left ? mc__pdf_layout_h(left) : 0;
	double rh = top ? mc__pdf_layout_h(top) + GAP_SIGN + mc__pdf_layout_h(name) : 0;
	mc__pdf_need(d, lh > rh ? lh : rh);
	double y = d->y;
	if (left)
		mc__pdf_put(d, left, d->ml, y);
	if (top) {
		double th = mc__pdf_put(d, top, d->ml + half + 4, y);
		mc__pdf_put(d, name, d->ml + half + 4, y + th + GAP_SIGN);
		/* after mc__pdf_need: d->page is the page the block landed on */
		if (d->marks)
			mark(d, &d->marks->signature, d->ml + half + 4, y + th, half - 8, GAP_SIGN);
	}
	d->y = y + (lh > rh ? lh : rh) + 8;
}

static void official(struct doc *d, json_t *j)
{
	json_t *draft = mc__jget(j, "draft");
	if (json_is_true(draft)) {
		/* a draft says so, above everything */
		PangoLayout *l = mc__pdf_lay(d, "<b>DỰ THẢO</b>", mc__pdf_cw(d), d->fs - 2, F_RIGHT);
		d->y += mc__pdf_put(d, l, d->ml, d->y - 12);
	}
	header(d, j);
	title(d, j);
	content(d, j);
	closing(d, j);
}

int mc_pdf_document(json_t *document, struct mc_buf *out, struct mc_error *e)
{
	return mc_pdf_document_marked(document, out, NULL, e);
}

int mc_pdf_document_marked(json_t *document, struct mc_buf *out, struct mc_pdf_marks *marks, struct mc_error *e)
{
	if (marks)
		memset(marks, 0, sizeof(*marks));
	if (!json_is_object(document))
		return mc_error_set(e, MC_E_INVAL, "Văn bản phải là một đối tượng JSON");
	size_t before = e->nfields;
	struct mc_arena *a = mc_arena_new(4096);
	mc__need_text(e, a, document, "issuer");
	mc__need_text(e, a, document, "type_name");
	mc__need_text(e, a, document, "summary");
	mc__need_text(e, a, document, "place");
	mc_arena_free(a);
	int rc = mc__validation_done(e, before, "Văn bản");
	return rc ? rc : mc__pdf_render_document(document, official, marks, out, e);
}
