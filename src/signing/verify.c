/*
 * verify.c - what a signed file says, for anyone who received one: each
 * signature of a PDF (PAdES) or a file's detached CMS signature, whether
 * the bytes are those signed, who signed with which certificate, when
 * (by the time stamp when there is one), and whether the certificate
 * chained to the deployment's root and was neither expired nor revoked
 * then.
 */
#include "internal.h"

#include "../core/timeutil.h"
#include "../render/pdfsign.h"

#include <string.h>

#include "../core/banned.h"

static json_t *report_json(const struct mc_sig_report *r, const char *format)
{
	int valid = r->intact && r->cert_status == MC_CERT_GOOD && r->timestamp_state >= 0;
	json_t *j = json_pack("{s:s, s:b, s:b, s:s, s:I, s:{s:s, s:s, s:s, s:s, s:s, s:I, s:I}}", "format", format,
			      "valid", valid, "intact", r->intact, "certificate_status",
			      mc_cert_status_code(r->cert_status), "checked_at", (json_int_t)r->at, "signer", "name",
			      r->cert.subject_cn, "subject", r->cert.subject, "serial", r->cert.serial, "issuer",
			      r->cert.issuer_cn, "sha256", r->cert.sha256, "not_before", (json_int_t)r->cert.not_before,
			      "not_after", (json_int_t)r->cert.not_after);
	if (!j)
		return NULL;
	json_object_set_new(j, "signing_time", r->signing_time ? json_integer(r->signing_time) : json_null());
	json_object_set_new(j, "timestamp",
			    r->timestamp_state == 1
				    ? json_pack("{s:I, s:s}", "at", (json_int_t)r->timestamp, "tsa", r->tsa_cn)
			    : r->timestamp_state < 0 ? json_pack("{s:b}", "valid", 0)
						     : json_null());
	json_object_set_new(j, "revoked_at", r->revoked_at ? json_integer(r->revoked_at) : json_null());
	return j;
}

static int verify_pdf(struct mc_signing_ctx *x, const struct mc_trust *t, const void *file, size_t n, json_t *list)
{
	struct mc_pdf_sig *sigs = NULL;
	int count = 0;
	int rc = mc_pdf_signatures(file, n, &sigs, &count);
	if (rc)
		return rc;
	int64_t now = mc_time_now_ms() / 1000;
	for (int i = 0; !rc && i < count; i++) {
		struct mc_sig_report r;
		int k = mc_cms_verify(sigs[i].cms, sigs[i].cms_len, sigs[i].signed_bytes, sigs[i].signed_len, t,
				      sigs[i].m ? sigs[i].m : now, &r);
		if (k == MC_E_INVAL) { /* a /Contents that is no CMS: a broken signature */
			json_array_append_new(list, json_pack("{s:s, s:b, s:b, s:s}", "format", "pades", "valid", 0,
							      "intact", 0, "field", sigs[i].field));
			continue;
		}
		if (k) {
			rc = k;
			break;
		}
		if (!r.signing_time && sigs[i].m)
			r.signing_time = sigs[i].m;
		json_t *j = report_json(&r, "pades");
		json_object_set_new(j, "field", json_string(sigs[i].field));
		json_object_set_new(j, "covers_whole_file", json_boolean(sigs[i].whole));
		if (sigs[i].reason[0])
			json_object_set_new(j, "reason", json_string(sigs[i].reason));
		json_array_append_new(list, j);
	}
	mc_pdf_signatures_free(sigs, count);
	(void)x;
	return rc;
}

int mc_signature_verify(struct mc_signing_ctx *x, const void *file, size_t n, const void *p7s, size_t pn, json_t **out)
{
	struct mc_trust *t = NULL;
	int rc = mc__trust(x->c, mc_time_now_ms() / 1000, &t);
	if (rc == MC_E_NOT_FOUND)
		return mc_error_set(x->e, MC_E_UNAVAILABLE, "the PKI is not set up: run motcua pki init");
	if (rc)
		return rc;
	json_t *list = json_array();
	if (p7s) {
		struct mc_sig_report r;
		rc = mc_cms_verify(p7s, pn, file, n, t, mc_time_now_ms() / 1000, &r);
		if (!rc)
			json_array_append_new(list, report_json(&r, "cms"));
	} else {
		rc = verify_pdf(x, t, file, n, list);
	}
	mc_trust_free(t);
	if (!rc && json_array_size(list) == 0)
		rc = MC_E_INVAL;
	if (rc == MC_E_INVAL) {
		mc_bad_field(x->e, p7s ? "signature" : "file", MC_M_SIG_UNREADABLE);
		rc = MC_E_VALIDATION;
	}
	if (rc) {
		json_decref(list);
		return rc;
	}
	int all = 1;
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
		all = all && json_is_true(json_object_get(v, "valid"));
	/* a PDF changed after its last signature is not what anyone signed,
	 * however intact each signature is */
	json_t *last = json_array_get(list, json_array_size(list) - 1);
	int changed_after = !p7s && !json_is_true(json_object_get(last, "covers_whole_file"));
	*out = json_pack("{s:b, s:b, s:o}", "valid", all && !changed_after, "changed_after_last_signature",
			 changed_after, "signatures", list);
	return *out ? 0 : MC_E_NOMEM;
}
