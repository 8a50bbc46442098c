/*
 * signing_api.c - the PKI over HTTP: what relying parties fetch (the CA
 * chain, the CRL, RFC 3161 time stamps), certificates, remote signing
 * with a PIN, and the verification of a signed file.
 */
#include "api.h"

#include "../core/timeutil.h"
#include "../crypto/crypto.h"
#include "../document/document.h"
#include "../dossier/dossier.h"
#include "../signing/signing.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static int signing_ctx(struct mc_req *r, struct mc_signing_ctx *x)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	x->c = c;
	x->arena = r->arena;
	x->who = r->who;
	x->addr = r->addr;
	x->e = &r->err;
	x->public_url = mc_server_config(r->srv)->public_url;
	return 0;
}

static int fail(struct mc_req *r, int rc)
{
	if (rc == MC_E_DB || rc == MC_E_DB_BUSY || rc == MC_E_INTERNAL || rc == MC_E_NOMEM)
		return mc_api_db_fail(r, rc);
	if (rc == MC_E_NOT_FOUND && !r->err.detail[0])
		return mc_fail(r, rc, NULL);
	r->err.code = rc;
	return rc;
}

/* Bytes answered as they are, with a type and a file name. */
static int send_bytes(struct mc_req *r, const char *type, struct mc_buf *b, const char *disposition)
{
	int rc = mc_res_text(r, 200, type, b->data, b->len);
	mc_buf_release(b);
	if (!rc && disposition)
		mc_res_header(r, "Content-Disposition", disposition);
	return rc;
}

/* ---- for relying parties: public ---- */

static int no_pki(struct mc_req *r, int rc)
{
	if (rc == MC_E_NOT_FOUND)
		return mc_fail(r, MC_E_NOT_FOUND, "the PKI is not set up: run motcua pki init");
	return fail(r, rc);
}

static int ca_chain(struct mc_req *r)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	struct mc_buf pem = MC_BUF_INIT(1 << 20);
	if ((rc = mc_pki_chain(c, &pem))) {
		mc_buf_release(&pem);
		return no_pki(r, rc);
	}
	return send_bytes(r, "application/x-pem-file", &pem, "inline; filename=\"motcua-ca.pem\"");
}

static int ca_crl(struct mc_req *r)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	struct mc_buf der = MC_BUF_INIT(64 << 20);
	if ((rc = mc_pki_crl(c, mc_time_now_ms() / 1000, &der))) {
		mc_buf_release(&der);
		return no_pki(r, rc);
	}
	rc = send_bytes(r, "application/pkix-crl", &der, "attachment; filename=\"motcua-ca.crl\"");
	if (!rc)
		mc_res_header(r, "Cache-Control", "public, max-age=300");
	return rc;
}

static int timestamp(struct mc_req *r)
{
	const char *ct = mc_req_header(r, "Content-Type");
	if (!ct || strncmp(ct, "application/timestamp-query", 27) != 0)
		return mc_fail(r, MC_E_MEDIA_TYPE, "application/timestamp-query");
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	struct mc_buf resp = MC_BUF_INIT(1 << 20);
	rc = mc_pki_timestamp(c, r->body.data, r->body.len, mc_time_now_ms(), &resp);
	if (rc) {
		mc_buf_release(&resp);
		return rc == MC_E_INVAL ? mc_fail(r, MC_E_INVAL, "not an RFC 3161 time-stamp request") : no_pki(r, rc);
	}
	return send_bytes(r, "application/timestamp-reply", &resp, NULL);
}

static int ocsp(struct mc_req *r)
{
	const char *ct = mc_req_header(r, "Content-Type");
	if (!ct || strncmp(ct, "application/ocsp-request", 24) != 0)
		return mc_fail(r, MC_E_MEDIA_TYPE, "application/ocsp-request");
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	struct mc_buf resp = MC_BUF_INIT(1 << 20);
	if ((rc = mc_pki_ocsp(c, r->body.data, r->body.len, mc_time_now_ms() / 1000, &resp))) {
		mc_buf_release(&resp);
		return no_pki(r, rc);
	}
	return send_bytes(r, "application/ocsp-response", &resp, NULL);
}

/* ---- certificates ---- */

static int certificates_list(struct mc_req *r)
{
	int64_t agency = 0;
	int rc = mc_api_query_int(r, "agency_id", 1, INT64_MAX, 0, &agency);
	struct mc_signing_ctx x;
	if (rc || (rc = signing_ctx(r, &x)))
		return rc;
	json_t *out = NULL;
	if ((rc = mc_certificate_list(&x, agency, &out)))
		return fail(r, rc);
	return mc_res_json(r, 200, out);
}

static int certificate_issue(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	struct mc_signing_ctx x;
	int rc = signing_ctx(r, &x);
	if (rc)
		return rc;
	/* a signing key in one's name: the password again, not the session
	 * alone (a stolen session could otherwise make one, PIN and all) */
	const char *kind = json_string_value(json_object_get(b, "kind"));
	if (kind && strcmp(kind, "personal") == 0) {
		const char *pw = json_string_value(json_object_get(b, "password"));
		struct mc_auth_policy p = mc_api_policy(r);
		int retry = 0;
		rc = pw && strlen(pw) <= 256 ? mc_auth_check_password(x.c, &p, r->who->user_id, pw, r->addr, &retry)
					     : MC_E_BAD_CREDENTIALS;
		if (rc == MC_E_RATE_LIMITED) {
			r->err.retry_after = retry;
			return mc_fail(r, rc, NULL);
		}
		if (rc == MC_E_BAD_CREDENTIALS) {
			mc_bad_field(&r->err, "password", MC_M_CERT_PASSWORD);
			return mc_fail(r, MC_E_VALIDATION, NULL);
		}
		if (rc)
			return fail(r, rc);
	}
	json_t *out = NULL;
	if ((rc = mc_certificate_issue(&x, b, &out)))
		return fail(r, rc);
	return mc_res_json(r, 201, out);
}

static int certificate_get(struct mc_req *r)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	const char *format = mc_req_query(r, "format");
	if (!rc && format && strcmp(format, "pem") && strcmp(format, "json"))
		return mc_fail(r, MC_E_INVAL, "format is pem or json");
	int pem_wanted = format && strcmp(format, "pem") == 0;
	struct mc_signing_ctx x;
	if (rc || (rc = signing_ctx(r, &x)))
		return rc;
	json_t *out = NULL;
	struct mc_buf pem = MC_BUF_INIT(1 << 20);
	if ((rc = mc_certificate_get(&x, id, &out, pem_wanted ? &pem : NULL))) {
		mc_buf_release(&pem);
		return fail(r, rc);
	}
	if (!pem_wanted)
		return mc_res_json(r, 200, out);
	const char *serial = json_string_value(json_object_get(out, "serial"));
	char disp[96];
	snprintf(disp, sizeof(disp), "attachment; filename=\"%.40s.pem\"", serial ? serial : "certificate");
	json_decref(out);
	return send_bytes(r, "application/x-pem-file", &pem, disp);
}

static int by_id_body(struct mc_req *r, int (*fn)(struct mc_signing_ctx *, int64_t, json_t *, json_t **))
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	json_t *b = r->json ? mc_api_body(r) : mc_req_keep(r, json_object());
	if (!b)
		return r->err.code;
	struct mc_signing_ctx x;
	if ((rc = signing_ctx(r, &x)))
		return rc;
	json_t *out = NULL;
	if ((rc = fn(&x, id, b, &out)))
		return fail(r, rc);
	return mc_res_json(r, 200, out);
}

static int certificate_revoke(struct mc_req *r)
{
	return by_id_body(r, mc_certificate_revoke);
}

static int certificate_pin(struct mc_req *r)
{
	return by_id_body(r, mc_certificate_change_pin);
}

/* ---- signatures ---- */

static int signature_make(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	struct mc_signing_ctx x;
	int rc = signing_ctx(r, &x);
	if (rc)
		return rc;
	json_t *out = NULL;
	if ((rc = mc_signature_sign_file(&x, b, &out)))
		return fail(r, rc);
	return mc_res_json(r, 201, out);
}

static int signature_p7s(struct mc_req *r)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	struct mc_signing_ctx x;
	if (rc || (rc = signing_ctx(r, &x)))
		return rc;
	struct mc_buf der = MC_BUF_INIT(1 << 20);
	char name[80], disp[128];
	if ((rc = mc_signature_p7s(&x, id, &der, name))) {
		mc_buf_release(&der);
		return fail(r, rc);
	}
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", name);
	return send_bytes(r, "application/pkcs7-signature", &der, disp);
}

/* POST /api/v1/verify: a signed PDF as the body (application/pdf), or
 * {"file": base64, "signature": base64 of its .p7s} (application/json). */
static int verify(struct mc_req *r)
{
	const char *ct = mc_req_header(r, "Content-Type");
	struct mc_buf file = MC_BUF_INIT(r->body.len + 16), sig = MC_BUF_INIT(1 << 20);
	int pdf = ct && strncmp(ct, "application/pdf", 15) == 0, rc = 0;
	if (!pdf && !(ct && strncmp(ct, "application/json", 16) == 0))
		return mc_fail(r, MC_E_MEDIA_TYPE, "application/pdf, or application/json with file and signature");
	if (!pdf) {
		json_t *b = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, NULL);
		const char *f = json_string_value(json_object_get(b, "file"));
		const char *s = json_string_value(json_object_get(b, "signature"));
		if (!f || mc_base64_decode(f, strlen(f), &file))
			mc_bad_field(&r->err, "file", f ? MC_M_INVALID : MC_M_REQUIRED);
		if (!s || mc_base64_decode(s, strlen(s), &sig))
			mc_bad_field(&r->err, "signature", s ? MC_M_INVALID : MC_M_REQUIRED);
		json_decref(b);
		if (r->err.nfields)
			rc = mc_fail(r, MC_E_VALIDATION, NULL);
	}
	struct mc_signing_ctx x;
	if (!rc)
		rc = signing_ctx(r, &x);
	json_t *out = NULL;
	if (!rc) {
		rc = pdf ? mc_signature_verify(&x, r->body.data, r->body.len, NULL, 0, &out)
			 : mc_signature_verify(&x, file.data, file.len, sig.data, sig.len, &out);
		if (rc)
			rc = fail(r, rc);
	}
	mc_buf_release(&file);
	mc_buf_release(&sig);
	return rc ? rc : mc_res_json(r, 200, out);
}

/* ---- documents' signatures: the signing domain behind the document's
 * hook ---- */

struct bridge {
	struct mc_signing_ctx sx;
	struct mc_signing_key *key;
};

static void bridge_free(void *p)
{
	struct bridge *b = p;
	mc_signing_key_free(b->key);
}

static int bridge_sign(void *arg, int64_t seal, const void *pdf, size_t n, int page, const double box[4],
		       const char *reason, const char *const *lines, int nlines, int64_t draft, int64_t document,
		       char sha[65])
{
	struct bridge *b = arg;
	struct mc_signing_pdf in = {pdf,    n,      page,  box[0], box[1], box[2],
				    box[3], reason, lines, nlines, draft,  document};
	if (seal)
		return mc_signing_pdf_seal(&b->sx, seal, &in, sha);
	return b->key ? mc_signing_pdf_person(&b->sx, b->key, &in, sha) : MC_E_INVAL;
}

static int bridge_encrypt(void *arg, const int64_t *agencies, int n, const void *data, size_t len, char sha[65])
{
	struct bridge *b = arg;
	return mc_signing_encrypt(&b->sx, agencies, n, data, len, sha);
}

static int bridge_decrypt(void *arg, int64_t agency, const void *env, size_t len, void **out, size_t *out_len)
{
	struct bridge *b = arg;
	struct mc_buf plain = MC_BUF_INIT(len + 16);
	int rc = mc_signing_decrypt(&b->sx, agency, env, len, &plain);
	if (rc) {
		mc_buf_release(&plain);
		return rc;
	}
	*out = mc_buf_detach(&plain, out_len);
	return 0;
}

int mc_api_pki_ready(struct mc_req *r)
{
	struct mc_conn *c;
	if (mc_req_db(r, &c))
		return 0;
	struct mc_buf pem = MC_BUF_INIT(1 << 20);
	int rc = mc_pki_chain(c, &pem);
	mc_buf_release(&pem);
	return rc == 0;
}

int mc_api_pades(struct mc_req *r, json_t *body, struct mc_document_pades *p)
{
	struct bridge *b = mc_zalloc(r->arena, sizeof(*b));
	int rc = signing_ctx(r, &b->sx);
	if (rc)
		return rc;
	*p = (struct mc_document_pades){b, 0, bridge_sign, bridge_encrypt, bridge_decrypt};
	json_t *pin = json_object_get(body, "pin");
	if (!pin)
		return 0;
	json_t *cj = json_object_get(body, "certificate_id");
	if (!json_is_string(pin) || (cj && !json_is_integer(cj))) {
		mc_bad_field(&r->err, json_is_string(pin) ? "certificate_id" : "pin", MC_M_INVALID);
		return mc_fail(r, MC_E_VALIDATION, NULL);
	}
	if ((rc = mc_signing_unlock(&b->sx, cj ? json_integer_value(cj) : 0, json_string_value(pin), &b->key)))
		return fail(r, rc);
	mc_arena_cleanup(r->arena, bridge_free, b);
	p->person = 1;
	return 0;
}

static int sign_application(const struct mc_dossier_ctx *x, const void *bytes, size_t n, int64_t *id, json_t **out)
{
	struct bridge *b = x->sign_arg;
	return mc_signing_sign_bytes(&b->sx, b->key, bytes, n, id, out);
}

int mc_api_application_signer(struct mc_req *r, json_t *sig, struct mc_dossier_ctx *x)
{
	json_t *pin = json_object_get(sig, "pin"), *cj = json_object_get(sig, "certificate_id");
	if (!json_is_object(sig) || !json_is_string(pin) || (cj && !json_is_integer(cj))) {
		mc_bad_field(&r->err,
			     !json_is_object(sig)   ? "signature"
			     : !json_is_string(pin) ? "signature.pin"
						    : "signature.certificate_id",
			     MC_M_INVALID);
		return mc_fail(r, MC_E_VALIDATION, NULL);
	}
	struct bridge *b = mc_zalloc(r->arena, sizeof(*b));
	int rc = signing_ctx(r, &b->sx);
	if (rc)
		return rc;
	if ((rc = mc_signing_unlock(&b->sx, cj ? json_integer_value(cj) : 0, json_string_value(pin), &b->key)))
		return fail(r, rc);
	mc_arena_cleanup(r->arena, bridge_free, b);
	x->sign_application = sign_application;
	x->sign_arg = b;
	return 0;
}

const struct mc_route mc_api_signing_routes[] = {
	{"GET", "/pki/ca.pem", ca_chain, MC_AUTH_NONE, NULL, 0},
	{"GET", "/pki/ca.crl", ca_crl, MC_AUTH_NONE, NULL, 0},
	{"POST", "/pki/tsa", timestamp, MC_AUTH_NONE, NULL, MC_RF_RAW_BODY | MC_RF_NO_CSRF | MC_RF_NO_IDEM},
	{"POST", "/pki/ocsp", ocsp, MC_AUTH_NONE, NULL, MC_RF_RAW_BODY | MC_RF_NO_CSRF | MC_RF_NO_IDEM},
	{"GET", "/api/v1/certificates", certificates_list, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/certificates", certificate_issue, MC_AUTH_REQUIRED, NULL, MC_RF_NO_IDEM},
	{"GET", "/api/v1/certificates/{id}", certificate_get, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/certificates/{id}/revoke", certificate_revoke, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/certificates/{id}/pin", certificate_pin, MC_AUTH_REQUIRED, NULL, MC_RF_NO_IDEM},
	{"POST", "/api/v1/signatures", signature_make, MC_AUTH_REQUIRED, NULL, MC_RF_NO_IDEM},
	{"GET", "/api/v1/signatures/{id}/p7s", signature_p7s, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/verify", verify, MC_AUTH_NONE, NULL, MC_RF_RAW_BODY | MC_RF_UPLOAD | MC_RF_NO_CSRF},
	{NULL, NULL, NULL, 0, NULL, 0},
};
