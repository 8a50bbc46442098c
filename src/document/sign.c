/*
 * sign.c - the digital signatures of an outgoing document (Decree 30,
 * Art. 15 and Annex I): the signer signs the document as it reads at the
 * signing act, its number still blank (PAdES, their signature's stamp in
 * the space of the signer block); the clerical officer, issuing it, shows
 * its number and date over the blank lines (stamps added as an update, so
 * that the signer's signature stays valid) and seals it with the
 * organisation's signature, whose red stamp covers the left third of the
 * signer's.  The sealed PDF is the document's file.  The signatures
 * themselves are made by the signing domain (x->pades).
 */
#include "internal.h"

#include "../core/timeutil.h"
#include "../dossier/dossier.h"
#include "../render/pdf.h"
#include "../render/pdfsign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* The draft as printed now, and where its lines and signer block are. */
static int render(struct mc_document_ctx *x, int64_t draft, struct mc_buf *pdf, struct mc_pdf_marks *marks,
		  json_t **layout)
{
	int rc = mc_draft_layout(x, draft, layout);
	if (!rc)
		rc = mc_pdf_document_marked(*layout, pdf, marks, x->e);
	return rc;
}

int mc__draft_sign_pdf(struct mc_document_ctx *x, int64_t draft)
{
	if (!x->pades || !x->pades->person)
		return 0; /* signed without a digital signature (none asked, or no PKI) */
	char file[65] = "";
	int rc = mc__draft_file(x->c, draft, file);
	if (rc)
		return rc;
	struct mc_buf pdf = MC_BUF_INIT(64u << 20);
	struct mc_pdf_marks marks = {0};
	json_t *layout = NULL;
	double box[4] = {0, 0, 0, 0};
	int page = 1;
	if (file[0]) { /* the drafter's own PDF: signed as it is, without a stamp */
		void *data = NULL;
		size_t n = 0;
		char mime[32];
		rc = mc_blob_get(x->c, file, &data, &n, mime);
		if (!rc && strcmp(mime, "application/pdf") != 0) {
			mc_bad_field(x->e, "pin", MC_M_DOC_SIGN_PDF_ONLY);
			rc = x->e->code = MC_E_VALIDATION;
		}
		if (!rc)
			rc = mc_buf_add(&pdf, data, n);
		free(data);
	} else if ((rc = render(x, draft, &pdf, &marks, &layout)) == 0 && marks.signature.page) {
		page = marks.signature.page;
		box[0] = marks.signature.x;
		box[1] = marks.signature.y;
		box[2] = marks.signature.w;
		box[3] = marks.signature.h;
	}
	char sha[65];
	if (!rc)
		rc = x->pades->sign(x->pades->arg, 0, pdf.data, pdf.len, page, box, "Ký ban hành văn bản", NULL, 0,
				    draft, 0, sha);
	if (!rc) {
		int64_t k = mc_exec(x->c, "UPDATE document_drafts SET signed_file = ? WHERE id = ?", "ti", sha, draft);
		rc = k < 0 ? (int)k : 0;
	}
	json_decref(layout);
	mc_buf_release(&pdf);
	return rc;
}

/* "Thành phố Hồ Chí Minh, ngày 07 tháng 12 năm 2026" of the layout. */
static const char *date_line(struct mc_document_ctx *x, json_t *layout, const char *day)
{
	int y, m, d;
	const char *place = json_string_value(json_object_get(layout, "place"));
	if (!day || sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return NULL;
	/* days below 10 and January and February with a leading zero (Annex I) */
	return mc_sprintf(x->arena, "%s, ngày %02d tháng %s%d năm %d", place ? place : "", d, m < 3 ? "0" : "", m, y);
}

/* s as pango markup between before and after (arena memory). */
static const char *escaped(struct mc_document_ctx *x, const char *before, const char *s, const char *after)
{
	size_t n = strlen(before) + strlen(after) + 1;
	for (const char *p = s; *p; p++)
		n += *p == '&' ? 5 : *p == '<' || *p == '>' ? 4 : 1;
	char *out = mc_alloc(x->arena, n), *o = out;
	o += snprintf(o, n, "%s", before);
	for (const char *p = s; *p; p++) {
		const char *e = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : NULL;
		if (e) {
			memcpy(o, e, strlen(e));
			o += strlen(e);
		} else {
			*o++ = *p;
		}
	}
	snprintf(o, n - (size_t)(o - out), "%s", after);
	return out;
}

/* An image of markup over box b, as a stamp of what it says. */
static int text_stamp(const char *markup, const char *text, const struct mc_pdf_box *b, struct mc_pdf_stamp *s)
{
	memset(s, 0, sizeof(*s));
	unsigned char *rgb = NULL;
	int w = 0, h = 0;
	int rc = mc_pdf_text_image(markup, 13, b->w, b->h, 3, &rgb, &w, &h);
	if (rc)
		return rc;
	*s = (struct mc_pdf_stamp){b->page, b->x, b->y, b->w, b->h, rgb, NULL, w, h, text};
	return 0;
}

int mc__draft_seal_pdf(struct mc_document_ctx *x, int64_t draft, int64_t agency, int64_t document,
		       const char *number_text, const char *day, char sha[65])
{
	sha[0] = '\0';
	if (!x->pades)
		return 0;
	char signed_file[65] = "";
	int rc = mc__draft_signed_file(x->c, draft, signed_file);
	if (rc || !signed_file[0])
		return rc; /* signed without a digital signature: nothing to seal */
	void *data = NULL;
	size_t n = 0;
	char mime[32];
	struct mc_buf fresh = MC_BUF_INIT(64u << 20), stamped = MC_BUF_INIT(128u << 20);
	struct mc_pdf_marks marks = {0};
	json_t *layout = NULL;
	struct mc_pdf_stamp st[2];
	int nst = 0;
	rc = mc_blob_get(x->c, signed_file, &data, &n, mime);
	/* the marks of the PDF the signer signed: it is printed the same way
	 * again (the draft has not changed since) */
	char own[65] = "";
	int drawn = !rc && (rc = mc__draft_file(x->c, draft, own)) == 0 && !own[0];
	if (drawn)
		rc = render(x, draft, &fresh, &marks, &layout);
	const char *number = mc_sprintf(x->arena, "Số: %s", number_text);
	const char *date = drawn && !rc ? date_line(x, layout, day) : NULL;
	if (drawn && !rc && marks.number.page)
		rc = text_stamp(escaped(x, "", number, ""), number, &marks.number, &st[nst++]);
	if (drawn && !rc && date && marks.date.page)
		rc = text_stamp(escaped(x, "<i>", date, "</i>"), date, &marks.date, &st[nst++]);
	const void *to_seal = data;
	size_t seal_n = n;
	if (!rc && nst) {
		rc = mc_pdf_add_stamps(data, n, st, nst, &stamped);
		to_seal = stamped.data;
		seal_n = stamped.len;
	}
	/* the seal over the left third of the signer's signature */
	double box[4] = {0, 0, 0, 0};
	int page = 1;
	if (marks.signature.page) {
		page = marks.signature.page;
		box[0] = marks.signature.x - 12;
		box[1] = marks.signature.y - 4;
		box[2] = marks.signature.w / 2;
		box[3] = marks.signature.h + 8;
	}
	if (!rc) {
		const char *agency_name = json_string_value(json_object_get(layout, "issuer"));
		char when[40];
		mc_time_format_vn(mc_time_now_ms(), when, sizeof(when));
		const char *lines[] = {agency_name ? agency_name : "", number,
				       mc_sprintf(x->arena, "%.10s %.8s", when, when + 11)};
		rc = x->pades->sign(x->pades->arg, agency, to_seal, seal_n, page, box, "Ban hành văn bản", lines, 3,
				    draft, document, sha);
	}
	for (int i = 0; i < nst; i++)
		free((void *)st[i].rgb);
	free(data);
	json_decref(layout);
	mc_buf_release(&fresh);
	mc_buf_release(&stamped);
	return rc;
}

int mc__draft_encrypt(struct mc_document_ctx *x, int64_t draft, int64_t agency, json_t *recipient_ids, char sha[65])
{
	if (!x->pades || !x->pades->encrypt)
		return 0;
	int64_t to[257];
	int n = 0;
	to[n++] = agency; /* its own officials read what it issued */
	size_t i;
	json_t *v;
	json_array_foreach(recipient_ids, i, v) {
		if (n < 257 && json_is_integer(v))
			to[n++] = json_integer_value(v);
	}
	void *data = NULL;
	size_t len = 0;
	char mime[32], env[65], signed_file[65] = "";
	int rc = mc_blob_get(x->c, sha, &data, &len, mime);
	if (!rc)
		rc = x->pades->encrypt(x->pades->arg, to, n, data, len, env);
	free(data);
	/* stored encrypted only: the plain PDFs, the signer's and the sealed
	 * one, are removed (their hashes stay in the signatures' records) */
	if (!rc)
		rc = mc__draft_signed_file(x->c, draft, signed_file);
	if (!rc) {
		int64_t k = mc_exec(x->c, "UPDATE document_drafts SET signed_file = NULL WHERE id = ?", "i", draft);
		if (k >= 0)
			k = mc_exec(
				x->c,
				"DELETE FROM blobs WHERE sha256 IN (?, ?) AND kept = 1 AND NOT EXISTS (SELECT 1 FROM"
				" uploads u WHERE u.sha256 = blobs.sha256)",
				"tt", sha, signed_file);
		rc = k < 0 ? (int)k : 0;
	}
	if (!rc)
		snprintf(sha, 65, "%s", env);
	return rc;
}
