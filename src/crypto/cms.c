/* cms.c - CMS signatures, time stamps and enveloped data (see cms.h). */
#include "cms.h"

#include "crypto.h"
#include "internal.h"

#include "../core/err.h"

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <string.h>

#include "../core/banned.h"

/* The TSA's policy: an OID under 2.25 (ITU-T X.667, from a UUID), which
 * needs no registration. */
#define TSA_POLICY "2.25.175180330917618214367117361062883917362"

static STACK_OF(X509) * chain_of(const struct mc_signer *s)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	for (int i = 0; sk && i < s->nchain; i++)
		if (!sk_X509_push(sk, mc__cert_x509(s->chain[i]))) {
			sk_X509_free(sk);
			return NULL;
		}
	return sk;
}

/* ---- time stamps ---- */

struct tsa_clock {
	int64_t now_ms;
};

static int tsa_time(TS_RESP_CTX *ctx, void *data, long *sec, long *usec)
{
	(void)ctx;
	const struct tsa_clock *c = data;
	*sec = (long)(c->now_ms / 1000);
	*usec = (long)(c->now_ms % 1000) * 1000;
	return 1;
}

static ASN1_INTEGER *tsa_serial(TS_RESP_CTX *ctx, void *data)
{
	(void)ctx;
	(void)data;
	unsigned char b[16];
	mc_random(b, sizeof(b));
	b[0] &= 0x7f;
	BIGNUM *bn = BN_bin2bn(b, sizeof(b), NULL);
	ASN1_INTEGER *i = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
	BN_free(bn);
	return i;
}

static TS_RESP *tsa_response(const struct mc_signer *tsa, BIO *query, int64_t now_ms)
{
	TS_RESP_CTX *ctx = TS_RESP_CTX_new();
	STACK_OF(X509) *chain = chain_of(tsa);
	ASN1_OBJECT *policy = OBJ_txt2obj(TSA_POLICY, 1);
	struct tsa_clock clock = {now_ms};
	TS_RESP *resp = NULL;
	if (ctx && chain && policy && TS_RESP_CTX_set_signer_cert(ctx, mc__cert_x509(tsa->cert)) &&
	    TS_RESP_CTX_set_signer_key(ctx, mc__key_pkey(tsa->key)) && TS_RESP_CTX_set_certs(ctx, chain) &&
	    TS_RESP_CTX_set_def_policy(ctx, policy) && TS_RESP_CTX_add_md(ctx, EVP_sha256()) &&
	    TS_RESP_CTX_add_md(ctx, EVP_sha384()) && TS_RESP_CTX_add_md(ctx, EVP_sha512()) &&
	    TS_RESP_CTX_set_ess_cert_id_digest(ctx, EVP_sha256()) && TS_RESP_CTX_set_accuracy(ctx, 1, 0, 0)) {
		TS_RESP_CTX_set_time_cb(ctx, tsa_time, &clock);
		TS_RESP_CTX_set_serial_cb(ctx, tsa_serial, NULL);
		TS_RESP_CTX_add_flags(ctx, TS_ESS_CERT_ID_CHAIN);
		resp = TS_RESP_create_response(ctx, query);
	}
	ASN1_OBJECT_free(policy);
	sk_X509_free(chain);
	TS_RESP_CTX_free(ctx);
	return resp;
}

int mc_tsa_respond(const struct mc_signer *tsa, const void *query, size_t n, int64_t now_ms, struct mc_buf *out)
{
	/* a query that is no TS_REQ is refused here, not answered "rejected" */
	const unsigned char *p = query;
	TS_REQ *req = n < 65536 ? d2i_TS_REQ(NULL, &p, (long)n) : NULL;
	TS_REQ_free(req);
	if (!req) {
		ERR_clear_error();
		return MC_E_INVAL;
	}
	BIO *in = BIO_new_mem_buf(query, (int)n);
	TS_RESP *resp = in ? tsa_response(tsa, in, now_ms) : NULL;
	BIO_free(in);
	unsigned char *der = NULL;
	int len = resp ? i2d_TS_RESP(resp, &der) : -1;
	int rc = len > 0 ? mc_buf_add(out, der, (size_t)len) : MC_E_INTERNAL;
	OPENSSL_free(der);
	TS_RESP_free(resp);
	ERR_clear_error();
	return rc;
}

/* The token (DER ContentInfo) stamping a SHA-256 digest; NULL on failure. */
static PKCS7 *tsa_token(const struct mc_signer *tsa, const unsigned char *digest, int64_t now_ms)
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	BIO *q = BIO_new(BIO_s_mem());
	PKCS7 *token = NULL;
	int ok = req && mi && alg && q && TS_REQ_set_version(req, 1) &&
		 X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL) && TS_MSG_IMPRINT_set_algo(mi, alg) &&
		 TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)digest, 32) && TS_REQ_set_msg_imprint(req, mi) &&
		 TS_REQ_set_cert_req(req, 1) && i2d_TS_REQ_bio(q, req);
	TS_RESP *resp = ok ? tsa_response(tsa, q, now_ms) : NULL;
	if (resp && ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp))) == TS_STATUS_GRANTED)
		token = PKCS7_dup(TS_RESP_get_token(resp));
	TS_RESP_free(resp);
	BIO_free(q);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	return token;
}

/* The time of a token over digest when it verifies against t, else 0. */
static int64_t tsa_check(const unsigned char *token, int len, const unsigned char *digest, const struct mc_trust *t,
			 char *tsa_cn, size_t cnlen)
{
	const unsigned char *p = token;
	PKCS7 *tok = d2i_PKCS7(NULL, &p, len);
	TS_VERIFY_CTX *ctx = TS_VERIFY_CTX_new();
	int64_t at = 0;
	if (tok && ctx) {
		unsigned char *imprint = OPENSSL_memdup(digest, 32);
		X509_STORE *store = mc__trust_store(t);
		X509_STORE_up_ref(store);
		TS_VERIFY_CTX_set_store(ctx, store);
		TS_VERIFY_CTX_set_certs(ctx, X509_chain_up_ref(mc__trust_intermediates(t)));
		TS_VERIFY_CTX_set_imprint(ctx, imprint, 32);
		TS_VERIFY_CTX_set_flags(ctx, TS_VFY_VERSION | TS_VFY_SIGNER | TS_VFY_SIGNATURE | TS_VFY_IMPRINT);
		TS_TST_INFO *info = PKCS7_to_TS_TST_INFO(tok);
		if (info && TS_RESP_verify_token(ctx, tok) == 1) {
			at = mc__asn1_time(TS_TST_INFO_get_time(info));
			STACK_OF(X509) *signers = PKCS7_get0_signers(tok, NULL, 0);
			if (signers && sk_X509_num(signers) > 0)
				mc__name_cn(X509_get_subject_name(sk_X509_value(signers, 0)), tsa_cn, cnlen);
			sk_X509_free(signers);
		}
		TS_TST_INFO_free(info);
	}
	TS_VERIFY_CTX_free(ctx);
	PKCS7_free(tok);
	ERR_clear_error();
	return at;
}

static void sig_digest(CMS_SignerInfo *si, unsigned char out[32])
{
	ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
	mc_sha256(ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig), out);
}

/* ---- signatures ---- */

int mc_cms_sign(const void *data, size_t n, const struct mc_signer *s, const struct mc_signer *tsa, int64_t now,
		int flags, struct mc_buf *der)
{
	if (n > INT32_MAX)
		return MC_E_TOO_BIG;
	const unsigned int f = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_CADES | CMS_NOSMIMECAP;
	STACK_OF(X509) *chain = chain_of(s);
	CMS_ContentInfo *cms = chain ? CMS_sign(NULL, NULL, chain, NULL, f) : NULL;
	CMS_SignerInfo *si =
		cms ? CMS_add1_signer(cms, mc__cert_x509(s->cert), mc__key_pkey(s->key), EVP_sha256(), f) : NULL;
	int ok = si != NULL;
	if (ok && !(flags & MC_CMS_PADES)) {
		ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)now);
		ok = t && CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t, -1);
		ASN1_TIME_free(t);
	}
	BIO *in = ok ? BIO_new_mem_buf(data, (int)n) : NULL;
	ok = in && CMS_final(cms, in, NULL, f);
	BIO_free(in);
	if (ok && tsa) {
		unsigned char d[32];
		sig_digest(si, d);
		PKCS7 *token = tsa_token(tsa, d, now * 1000);
		unsigned char *tder = NULL;
		int tlen = token ? i2d_PKCS7(token, &tder) : -1;
		ok = tlen > 0 &&
		     CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, tder, tlen);
		OPENSSL_free(tder);
		PKCS7_free(token);
	}
	unsigned char *out = NULL;
	int len = ok ? i2d_CMS_ContentInfo(cms, &out) : -1;
	int rc = len > 0 ? mc_buf_add(der, out, (size_t)len) : MC_E_INTERNAL;
	OPENSSL_free(out);
	CMS_ContentInfo_free(cms);
	sk_X509_free(chain);
	ERR_clear_error();
	return rc;
}

static CMS_ContentInfo *cms_read(const void *der, size_t n, int nid)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = n < INT32_MAX ? d2i_CMS_ContentInfo(NULL, &p, (long)n) : NULL;
	if (cms && OBJ_obj2nid(CMS_get0_type(cms)) != nid) {
		CMS_ContentInfo_free(cms);
		cms = NULL;
	}
	ERR_clear_error();
	return cms;
}

static int64_t attr_time(CMS_SignerInfo *si)
{
	int i = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
	if (i < 0)
		return 0;
	ASN1_TYPE *v = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, i), 0);
	if (!v || (v->type != V_ASN1_UTCTIME && v->type != V_ASN1_GENERALIZEDTIME))
		return 0;
	return mc__asn1_time((const ASN1_TIME *)v->value.asn1_string);
}

/* The time stamp on si, checked: its time, 0 when none verifies; *state
 * 0 none, 1 good, -1 bad. */
static int64_t stamp_of(CMS_SignerInfo *si, const struct mc_trust *t, int *state, char *tsa_cn, size_t cnlen)
{
	*state = 0;
	int i = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
	if (i < 0)
		return 0;
	ASN1_TYPE *v = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, i), 0);
	*state = -1;
	if (!v || v->type != V_ASN1_SEQUENCE)
		return 0;
	unsigned char d[32];
	sig_digest(si, d);
	int64_t at = tsa_check(v->value.sequence->data, v->value.sequence->length, d, t, tsa_cn, cnlen);
	if (at)
		*state = 1;
	return at;
}

int mc_cms_verify(const void *sig, size_t sn, const void *data, size_t n, const struct mc_trust *t, int64_t now,
		  struct mc_sig_report *r)
{
	memset(r, 0, sizeof(*r));
	r->cert_status = MC_CERT_UNTRUSTED;
	if (n > INT32_MAX)
		return MC_E_TOO_BIG;
	CMS_ContentInfo *cms = cms_read(sig, sn, NID_pkcs7_signed);
	if (!cms)
		return MC_E_INVAL;
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	CMS_SignerInfo *si = sk_CMS_SignerInfo_num(sis) == 1 ? sk_CMS_SignerInfo_value(sis, 0) : NULL;
	X509 *signer = NULL;
	for (int i = 0; si && i < sk_X509_num(certs) && !signer; i++)
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)) == 0)
			signer = sk_X509_value(certs, i);
	if (!signer) { /* not one signer whose certificate it carries */
		sk_X509_pop_free(certs, X509_free);
		CMS_ContentInfo_free(cms);
		return MC_E_INVAL;
	}
	BIO *in = BIO_new_mem_buf(data, (int)n);
	r->intact = in && CMS_verify(cms, NULL, NULL, in, NULL, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) == 1;
	BIO_free(in);
	ERR_clear_error();
	r->signing_time = attr_time(si);
	r->timestamp = stamp_of(si, t, &r->timestamp_state, r->tsa_cn, sizeof(r->tsa_cn));
	/* the time a time stamp proves, else now: a time the signer claims
	 * could be set before a revocation or an expiry */
	r->at = r->timestamp ? r->timestamp : now;
	struct mc_cert *c = mc__cert_wrap(X509_dup(signer));
	int rc = c ? 0 : MC_E_NOMEM;
	if (c) {
		/* the other certificates it carries may complete the chain */
		struct mc_cert *more[8];
		int nmore = 0;
		for (int i = 0; i < sk_X509_num(certs) && nmore < 8; i++)
			if (sk_X509_value(certs, i) != signer)
				more[nmore++] = mc__cert_wrap(X509_dup(sk_X509_value(certs, i)));
		int complete = 1;
		for (int i = 0; i < nmore; i++)
			complete = complete && more[i];
		if (complete)
			r->cert_status = mc_trust_check(t, c, more, nmore, r->at, &r->revoked_at);
		/* a certificate that is not for signing signs nothing: a CA's,
		 * a key-agreement one, the TSA's */
		if (!mc_cert_can_sign(c))
			r->cert_status = MC_CERT_UNTRUSTED;
		for (int i = 0; i < nmore; i++)
			mc_cert_free(more[i]);
		rc = mc_cert_info(c, &r->cert);
		mc_cert_free(c);
	}
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	return rc;
}

/* ---- enveloped data ---- */

int mc_cms_encrypt(const void *data, size_t n, struct mc_cert *const *recipients, int nr, struct mc_buf *der)
{
	if (n > INT32_MAX)
		return MC_E_TOO_BIG;
	if (nr <= 0)
		return MC_E_INVAL;
	STACK_OF(X509) *sk = sk_X509_new_null();
	for (int i = 0; sk && i < nr; i++)
		if (!sk_X509_push(sk, mc__cert_x509(recipients[i]))) {
			sk_X509_free(sk);
			sk = NULL;
		}
	BIO *in = BIO_new_mem_buf(data, (int)n);
	CMS_ContentInfo *cms = sk && in ? CMS_encrypt(sk, in, EVP_aes_256_cbc(), CMS_BINARY) : NULL;
	unsigned char *out = NULL;
	int len = cms ? i2d_CMS_ContentInfo(cms, &out) : -1;
	int rc = len > 0 ? mc_buf_add(der, out, (size_t)len) : MC_E_INTERNAL;
	OPENSSL_free(out);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	sk_X509_free(sk);
	ERR_clear_error();
	return rc;
}

static int find_recipient(CMS_ContentInfo *cms, X509 *cert)
{
	STACK_OF(CMS_RecipientInfo) *ris = CMS_get0_RecipientInfos(cms);
	for (int i = 0; i < sk_CMS_RecipientInfo_num(ris); i++) {
		CMS_RecipientInfo *ri = sk_CMS_RecipientInfo_value(ris, i);
		int type = CMS_RecipientInfo_type(ri);
		if (type == CMS_RECIPINFO_TRANS && CMS_RecipientInfo_ktri_cert_cmp(ri, cert) == 0)
			return 1;
		if (type == CMS_RECIPINFO_AGREE) {
			STACK_OF(CMS_RecipientEncryptedKey) *reks = CMS_RecipientInfo_kari_get0_reks(ri);
			for (int j = 0; j < sk_CMS_RecipientEncryptedKey_num(reks); j++)
				if (CMS_RecipientEncryptedKey_cert_cmp(sk_CMS_RecipientEncryptedKey_value(reks, j),
								       cert) == 0)
					return 1;
		}
	}
	return 0;
}

int mc_cms_is_recipient(const void *der, size_t n, const struct mc_cert *cert)
{
	CMS_ContentInfo *cms = cms_read(der, n, NID_pkcs7_enveloped);
	int yes = cms && find_recipient(cms, mc__cert_x509(cert));
	CMS_ContentInfo_free(cms);
	return yes;
}

int mc_cms_decrypt(const void *der, size_t n, const struct mc_cert *cert, const struct mc_key *key, struct mc_buf *out)
{
	CMS_ContentInfo *cms = cms_read(der, n, NID_pkcs7_enveloped);
	if (!cms)
		return MC_E_INVAL;
	if (!find_recipient(cms, mc__cert_x509(cert))) {
		CMS_ContentInfo_free(cms);
		return MC_E_FORBIDDEN;
	}
	BIO *b = BIO_new(BIO_s_mem());
	int ok = b && CMS_decrypt(cms, mc__key_pkey(key), mc__cert_x509(cert), NULL, b, CMS_BINARY) == 1;
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	if (!ok) {
		BIO_free(b);
		return MC_E_FORBIDDEN;
	}
	return mc__bio_to_buf(b, out);
}
