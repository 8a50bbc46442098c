/* ocsp.c - the OCSP responder (see ocsp.h). */
#include "ocsp.h"

#include "internal.h"

#include "../core/err.h"

#include <openssl/ocsp.h>
#include <string.h>

#include "../core/banned.h"

static int answer(OCSP_RESPONSE *resp, struct mc_buf *out)
{
	unsigned char *der = NULL;
	int len = resp ? i2d_OCSP_RESPONSE(resp, &der) : -1;
	int rc = len > 0 ? mc_buf_add(out, der, (size_t)len) : MC_E_INTERNAL;
	OPENSSL_free(der);
	OCSP_RESPONSE_free(resp);
	return rc;
}

static int refuse(int status, struct mc_buf *out)
{
	return answer(OCSP_response_create(status, NULL), out);
}

int mc_ocsp_respond(const void *req_der, size_t n, const struct mc_cert *ca, const struct mc_key *ca_key, int64_t now,
		    int64_t next_s, mc_ocsp_lookup *lookup, void *arg, struct mc_buf *out)
{
	const unsigned char *p = req_der;
	OCSP_REQUEST *req = n > 0 && n < 65536 ? d2i_OCSP_REQUEST(NULL, &p, (long)n) : NULL;
	int count = req ? OCSP_request_onereq_count(req) : 0;
	if (!req || count < 1 || count > 16 || p != (const unsigned char *)req_der + n) {
		OCSP_REQUEST_free(req);
		ERR_clear_error();
		return refuse(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST, out);
	}
	X509 *cax = mc__cert_x509(ca);
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	ASN1_TIME *this_update = ASN1_TIME_set(NULL, (time_t)now);
	ASN1_TIME *next_update = ASN1_TIME_set(NULL, (time_t)(now + next_s));
	int ok = bs && this_update && next_update, failed = 0;
	for (int i = 0; ok && i < count; i++) {
		OCSP_CERTID *cid = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req, i));
		ASN1_OBJECT *md_obj = NULL;
		ASN1_INTEGER *serial = NULL;
		OCSP_id_get0_info(NULL, &md_obj, NULL, &serial, cid);
		const EVP_MD *md = md_obj ? EVP_get_digestbyobj(md_obj) : NULL;
		/* ours when its issuer's name and key hash are the CA's */
		OCSP_CERTID *mine = md && serial ? OCSP_cert_id_new(md, X509_get_subject_name(cax),
								    X509_get0_pubkey_bitstr(cax), serial)
						 : NULL;
		struct mc_ocsp_status st = {2, 0, 0};
		if (mine && OCSP_id_issuer_cmp(mine, cid) == 0) {
			char hex[80];
			mc__serial_hex(serial, hex, sizeof(hex));
			if (lookup(arg, hex, &st))
				failed = 1;
		}
		ASN1_TIME *rev = st.state == 1 ? ASN1_TIME_set(NULL, (time_t)st.revoked_at) : NULL;
		int v = st.state == 0   ? V_OCSP_CERTSTATUS_GOOD
			: st.state == 1 ? V_OCSP_CERTSTATUS_REVOKED
					: V_OCSP_CERTSTATUS_UNKNOWN;
		ok = !failed && (st.state != 1 || rev) &&
		     OCSP_basic_add1_status(bs, cid, v, st.reason, rev, this_update, next_update) != NULL;
		ASN1_TIME_free(rev);
		OCSP_CERTID_free(mine);
	}
	/* the nonce sent back, as asked */
	ok = ok && OCSP_copy_nonce(bs, req) >= 0;
	ok = ok && OCSP_basic_sign(bs, cax, mc__key_pkey(ca_key), EVP_sha256(), NULL, 0) == 1;
	OCSP_RESPONSE *resp = ok ? OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs) : NULL;
	ASN1_TIME_free(this_update);
	ASN1_TIME_free(next_update);
	OCSP_BASICRESP_free(bs);
	OCSP_REQUEST_free(req);
	ERR_clear_error();
	if (failed)
		return refuse(OCSP_RESPONSE_STATUS_INTERNALERROR, out);
	return resp ? answer(resp, out) : MC_E_INTERNAL;
}
