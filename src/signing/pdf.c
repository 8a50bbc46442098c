/*
 * pdf.c - PAdES signatures made on the server: a person's, with their key
 * unlocked by the PIN for one act, and an agency's seal, each
 * time-stamped by the deployment's TSA and shown by a stamp (the signer's
 * name and the time in blue; the seal in red, as Decree 30 Annex I has
 * the organisation's signature image over the left third of the
 * signer's).  The signed PDF is kept as a blob and the signature
 * recorded.
 */
#include "internal.h"

#include "../crypto/xmldsig.h"

#include "../core/timeutil.h"
#include "../render/pdfsign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define INK_PERSON 0x0B3D91u /* blue */
#define INK_SEAL   0xC8102Eu /* red */

struct mc_signing_key {
	struct mc__unlocked u;
	int64_t user;
};

int mc_signing_unlock(struct mc_signing_ctx *x, int64_t cert_id, const char *pin, struct mc_signing_key **out)
{
	struct mc_signing_key *k = mc_xmalloc(sizeof(*k));
	memset(k, 0, sizeof(*k));
	int rc = mc__cert_unlock(x, cert_id, pin, mc_time_now_ms(), &k->u);
	if (rc) {
		free(k);
		return rc;
	}
	k->user = x->who->user_id;
	*out = k;
	return 0;
}

void mc_signing_key_free(struct mc_signing_key *k)
{
	if (k) {
		mc__unlocked_free(&k->u);
		free(k);
	}
}

/* "07/12/2026 09:15:04 +07:00" */
static void vn_time(int64_t ms, char *out, size_t n)
{
	char iso[40];
	mc_time_format_vn(ms, iso, sizeof(iso)); /* 2026-12-07T09:15:04+07:00 */
	snprintf(out, n, "%.2s/%.2s/%.4s %.8s %.6s", iso + 8, iso + 5, iso, iso + 11, iso + 19);
}

static int store(struct mc_signing_ctx *x, const struct mc_buf *pdf, char sha[65], int64_t now_ms)
{
	mc_sha256_hex(pdf->data, pdf->len, sha);
	int64_t k = mc_exec(x->c,
			    "INSERT INTO blobs (sha256, size, mime, data, created_at, kept) VALUES (?, ?, ?, ?, ?, 1)"
			    " ON CONFLICT DO NOTHING",
			    "titbi", sha, (int64_t)pdf->len, "application/pdf", pdf->data, pdf->len, now_ms);
	return k < 0 ? (int)k : 0;
}

/* Sign in with cert and key, the stamp in colour ink; store and record. */
static int sign(struct mc_signing_ctx *x, const struct mc_cert *cert, const struct mc_key *key, int64_t cert_id,
		const char *who, unsigned ink, const struct mc_signing_pdf *in, char sha[65])
{
	int64_t now_ms = mc_time_now_ms();
	char when[48], by[320], at[80];
	vn_time(now_ms, when, sizeof(when));
	snprintf(by, sizeof(by), "Ký bởi: %s", who);
	snprintf(at, sizeof(at), "Thời gian ký: %s", when);
	unsigned char *rgb = NULL, *alpha = NULL;
	int w = 0, h = 0, rc = 0;
	if (in->w > 0 && in->h > 0) {
		const char *dflt[] = {by, at};
		rc = mc_pdf_stamp_image(in->lines ? in->lines : dflt, in->lines ? in->nlines : 2, ink, in->w, in->h, 3,
					&rgb, &alpha, &w, &h);
	}
	struct mc_pdf_sigfield f = {.page = in->page ? in->page : 1,
				    .x = in->x,
				    .y = in->y,
				    .w = in->w,
				    .h = in->h,
				    .name = who,
				    .reason = in->reason,
				    .location = "Việt Nam",
				    .signed_at = now_ms / 1000,
				    .rgb = rgb,
				    .alpha = alpha,
				    .img_w = w,
				    .img_h = h};
	struct mc_buf out = MC_BUF_INIT((size_t)in->n + (64u << 20)), tbs = MC_BUF_INIT((size_t)in->n + (64u << 20)),
		      der = MC_BUF_INIT(1 << 20);
	size_t range[4];
	struct mc__stamping st;
	int have_st = 0;
	if (!rc)
		rc = mc_pdf_sign_prepare(in->pdf, in->n, &f, &out, range);
	if (!rc)
		rc = mc_buf_add(&tbs, out.data + range[0], range[1]);
	if (!rc)
		rc = mc_buf_add(&tbs, out.data + range[2], range[3]);
	if (!rc && (rc = mc__stamping_load(x->c, &st)) == 0)
		have_st = 1;
	if (!rc) {
		struct mc_signer s = {cert, key, st.chain, 1};
		rc = mc_cms_sign(tbs.data, tbs.len, &s, &st.tsa_signer, now_ms / 1000, MC_CMS_PADES, &der);
	}
	if (!rc)
		rc = mc_pdf_sign_finish(&out, range, der.data, der.len);
	if (!rc)
		rc = store(x, &out, sha, now_ms);
	if (!rc) {
		char before[65];
		mc_sha256_hex(in->pdf, in->n, before);
		int64_t k =
			mc_exec(x->c,
				"INSERT INTO signatures (format, file_sha256, result_sha256, certificate_id, user_id,"
				" draft_id, document_id, signed_at, stamped_at)"
				" VALUES ('pades', ?, ?, ?, NULLIF(?, CAST(0 AS BIGINT)), NULLIF(?, CAST(0 AS BIGINT)),"
				" NULLIF(?, CAST(0 AS BIGINT)), ?, ?)",
				"ttiiiiii", before, sha, cert_id, x->who ? x->who->user_id : 0, in->draft_id,
				in->document_id, now_ms, now_ms / 1000);
		rc = k < 0 ? (int)k : 0;
	}
	if (have_st)
		mc__stamping_free(&st);
	mc_buf_release(&out);
	mc_buf_release(&tbs);
	mc_buf_release(&der);
	free(rgb);
	free(alpha);
	return rc;
}

int mc_signing_pdf_person(struct mc_signing_ctx *x, const struct mc_signing_key *k, const struct mc_signing_pdf *in,
			  char sha[65])
{
	return sign(x, k->u.cert, k->u.key, k->u.id, k->u.subject, INK_PERSON, in, sha);
}

/* A new seal for the agency, in the caller's transaction or, outside one,
 * in a transaction of its own (a seal made for an edXML package is made
 * outside the transaction that stores it). */
static int issue_seal(struct mc_signing_ctx *x, int64_t agency)
{
	int own = !mc_in_tx(x->c), rc = own ? mc_tx_begin(x->c, 1) : 0;
	if (rc)
		return rc;
	struct mc_cert_subject sub = {0};
	int64_t id;
	if (!(rc = mc__agency_subject(x, agency, &sub)))
		rc = mc__cert_make(x, "organisation", &sub, 0, agency, NULL, &id);
	if (own) {
		rc = rc ? rc : mc_tx_commit(x->c);
		if (rc && mc_in_tx(x->c))
			mc_tx_rollback(x->c);
	}
	return rc;
}

/* The agency's valid organisation certificate with its key, issued now
 * when there is none. */
static int seal_of(struct mc_signing_ctx *x, int64_t agency, struct mc__unlocked *u)
{
	memset(u, 0, sizeof(*u));
	int64_t now = mc_time_now_ms() / 1000;
	for (int round = 0; round < 2; round++) {
		struct mc_stmt *s;
		int rc = mc_query(
			x->c, &s,
			"SELECT id, serial, subject, cert_pem, key_pem FROM certificates WHERE agency_id = ? AND"
			" kind = 'organisation' AND revoked_at IS NULL AND not_before <= ? AND not_after > ?"
			" AND key_pem IS NOT NULL ORDER BY id DESC LIMIT 1",
			"iii", agency, now, now);
		if (rc)
			return rc;
		if ((rc = mc_step_row(s)) == 0) {
			char pass[65];
			const char *pem = mc_col_text(s, 3), *key = mc_col_text(s, 4);
			u->id = mc_col_int64(s, 0);
			snprintf(u->subject, sizeof(u->subject), "%s", mc_col_text(s, 2));
			mc__seal_pass("agency", mc_col_text(s, 1), NULL, pass);
			rc = mc_cert_from_pem(pem, strlen(pem), &u->cert);
			if (!rc && mc_key_open(key, strlen(key), pass, &u->key))
				rc = MC_E_CONFIG; /* the wrong secret file */
		}
		mc_stmt_done(s);
		if (rc != MC_E_NOT_FOUND || round)
			return rc;
		if ((rc = issue_seal(x, agency)))
			return rc;
	}
	return MC_E_NOT_FOUND;
}

int mc_signing_pdf_seal(struct mc_signing_ctx *x, int64_t agency, const struct mc_signing_pdf *in, char sha[65])
{
	if (!mc__secret_ready())
		return mc_error_set(x->e, MC_E_UNAVAILABLE, "no PKI secret on this server");
	struct mc__unlocked u;
	int rc = seal_of(x, agency, &u);
	if (!rc)
		rc = sign(x, u.cert, u.key, u.id, u.subject, INK_SEAL, in, sha);
	mc__unlocked_free(&u);
	return rc;
}

int mc_signing_xml_seal(struct mc_signing_ctx *x, int64_t agency, const void *xml, size_t n, struct mc_buf *out)
{
	if (!mc__secret_ready())
		return mc_error_set(x->e, MC_E_UNAVAILABLE, "no PKI secret on this server");
	struct mc__unlocked u;
	struct mc_cert_info ci;
	int rc = seal_of(x, agency, &u);
	/* a seal made before seals named their agency's code: a new one */
	if (!rc && (rc = mc_cert_info(u.cert, &ci)) == 0 && !strstr(ci.subject, "MDDD:")) {
		mc__unlocked_free(&u);
		if (!(rc = issue_seal(x, agency)))
			rc = seal_of(x, agency, &u);
	}
	struct mc__stamping st;
	if (!rc && !(rc = mc__stamping_load(x->c, &st))) {
		rc = mc_xml_sign(xml, n, "edXMLHeader", u.cert, u.key, st.chain, 1, out);
		mc__stamping_free(&st);
	}
	mc__unlocked_free(&u);
	return rc;
}

int mc_signing_sign_bytes(struct mc_signing_ctx *x, const struct mc_signing_key *k, const void *data, size_t n,
			  int64_t *id, json_t **out)
{
	int64_t now_ms = mc_time_now_ms();
	struct mc__stamping st;
	int rc = mc__stamping_load(x->c, &st);
	if (rc)
		return rc;
	struct mc_buf p7s = MC_BUF_INIT(1 << 20);
	struct mc_signer s = {k->u.cert, k->u.key, st.chain, 1};
	char sha[65];
	mc_sha256_hex(data, n, sha);
	rc = mc_cms_sign(data, n, &s, &st.tsa_signer, now_ms / 1000, 0, &p7s);
	/* checked as anyone would check it, and the verdict kept */
	struct mc_trust *t = NULL;
	struct mc_sig_report r;
	if (!rc)
		rc = mc__trust(x->c, now_ms / 1000, &t);
	if (!rc)
		rc = mc_cms_verify(p7s.data, p7s.len, data, n, t, now_ms / 1000, &r);
	mc_trust_free(t);
	if (!rc) {
		int64_t b = mc_exec(
			x->c,
			"INSERT INTO blobs (sha256, size, mime, data, created_at, kept) VALUES (?, ?, ?, ?, ?, 1)"
			" ON CONFLICT DO NOTHING",
			"titbi", sha, (int64_t)n, "application/json", data, n, now_ms);
		rc = b < 0 ? (int)b : 0;
	}
	if (!rc) {
		struct mc_stmt *q;
		rc = mc_query(x->c, &q,
			      "INSERT INTO signatures (format, file_sha256, p7s, certificate_id, user_id, signed_at,"
			      " stamped_at) VALUES ('cms', ?, ?, ?, ?, ?, ?) RETURNING id",
			      "tbiiii", sha, p7s.data, p7s.len, k->u.id, k->user, now_ms,
			      r.timestamp ? r.timestamp : (int64_t)0);
		if (!rc)
			rc = mc_step_returning(q, id);
	}
	if (!rc) {
		*out = json_pack("{s:I, s:s, s:s, s:s, s:b, s:I, s:s}", "signature_id", (json_int_t)*id, "signer",
				 r.cert.subject_cn, "serial", r.cert.serial, "certificate_status",
				 mc_cert_status_code(r.cert_status), "intact", r.intact, "stamped_at",
				 (json_int_t)r.timestamp, "sha256", sha);
		if (!*out)
			rc = MC_E_NOMEM;
	}
	mc__stamping_free(&st);
	mc_buf_release(&p7s);
	return rc;
}
