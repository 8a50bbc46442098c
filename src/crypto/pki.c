/* pki.c - keys, certificates, trust and CRLs with OpenSSL 3 (see pki.h). */
#include "pki.h"

#include "crypto.h"
#include "internal.h"

#include "../core/err.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

struct mc_key {
	EVP_PKEY *k;
};

struct mc_cert {
	X509 *x;
};

struct mc_trust {
	X509_STORE *store;
	STACK_OF(X509) * cas;
	STACK_OF(X509_CRL) * crls;
};

EVP_PKEY *mc__key_pkey(const struct mc_key *k)
{
	return k->k;
}

X509 *mc__cert_x509(const struct mc_cert *c)
{
	return c->x;
}

struct mc_cert *mc__cert_wrap(X509 *x)
{
	struct mc_cert *c = OPENSSL_zalloc(sizeof(*c));
	if (!c) {
		X509_free(x);
		return NULL;
	}
	c->x = x;
	return c;
}

int mc_key_generate(struct mc_key **out)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	if (!k)
		return MC_E_INTERNAL;
	if (!(*out = OPENSSL_zalloc(sizeof(**out)))) {
		EVP_PKEY_free(k);
		return MC_E_NOMEM;
	}
	(*out)->k = k;
	return 0;
}

void mc_key_free(struct mc_key *k)
{
	if (k) {
		EVP_PKEY_free(k->k);
		OPENSSL_free(k);
	}
}

struct mc_key *mc_key_dup(const struct mc_key *k)
{
	struct mc_key *d = OPENSSL_zalloc(sizeof(*d));
	if (d && EVP_PKEY_up_ref(k->k))
		d->k = k->k;
	else {
		OPENSSL_free(d);
		d = NULL;
	}
	return d;
}

int mc__bio_to_buf(BIO *b, struct mc_buf *out)
{
	char *p = NULL;
	long n = BIO_get_mem_data(b, &p);
	int rc = n >= 0 ? mc_buf_add(out, p, (size_t)n) : MC_E_INTERNAL;
	BIO_free(b);
	return rc;
}

int mc_key_seal(const struct mc_key *k, const char *pass, struct mc_buf *pem)
{
	BIO *b = BIO_new(BIO_s_mem());
	if (!b)
		return MC_E_NOMEM;
	if (!PEM_write_bio_PKCS8PrivateKey(b, k->k, EVP_aes_256_cbc(), NULL, 0, NULL, (void *)pass)) {
		BIO_free(b);
		return MC_E_INTERNAL;
	}
	return mc__bio_to_buf(b, pem);
}

int mc_key_open(const char *pem, size_t n, const char *pass, struct mc_key **out)
{
	if (n > INT32_MAX)
		return MC_E_INVAL;
	BIO *b = BIO_new_mem_buf(pem, (int)n);
	if (!b)
		return MC_E_NOMEM;
	/* an unencrypted key is not taken: what is stored is always sealed */
	if (!strstr(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
		BIO_free(b);
		return MC_E_INVAL;
	}
	EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, (void *)pass);
	BIO_free(b);
	ERR_clear_error();
	if (!k)
		return MC_E_BAD_CREDENTIALS;
	if (!(*out = OPENSSL_zalloc(sizeof(**out)))) {
		EVP_PKEY_free(k);
		return MC_E_NOMEM;
	}
	(*out)->k = k;
	return 0;
}

int mc_key_from_csr(const char *pem, size_t n, struct mc_key **out)
{
	*out = NULL;
	if (n > 64 * 1024)
		return MC_E_INVAL;
	BIO *b = BIO_new_mem_buf(pem, (int)n);
	if (!b)
		return MC_E_NOMEM;
	X509_REQ *req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
	BIO_free(b);
	EVP_PKEY *k = req ? X509_REQ_get_pubkey(req) : NULL;
	int ok = k && X509_REQ_verify(req, k) == 1;
	if (ok && EVP_PKEY_is_a(k, "EC")) {
		char group[64] = "";
		size_t gl = 0;
		ok = EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof(group), &gl) &&
		     (strcmp(group, "prime256v1") == 0 || strcmp(group, "secp384r1") == 0);
	} else if (ok) {
		ok = EVP_PKEY_is_a(k, "RSA") && EVP_PKEY_get_bits(k) >= 2048;
	}
	X509_REQ_free(req);
	ERR_clear_error();
	if (!ok) {
		EVP_PKEY_free(k);
		return MC_E_INVAL;
	}
	if (!(*out = OPENSSL_zalloc(sizeof(**out)))) {
		EVP_PKEY_free(k);
		return MC_E_NOMEM;
	}
	(*out)->k = k;
	return 0;
}

int mc_key_matches(const struct mc_key *k, const struct mc_cert *c)
{
	return X509_check_private_key(c->x, k->k) == 1;
}

static int name_add(X509_NAME *n, const char *field, const char *v)
{
	if (!v || !*v)
		return 1;
	return X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8, (const unsigned char *)v, -1, -1, 0);
}

static int ext_add(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	if (!e)
		return 0;
	int ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

static int serial_random(X509 *x)
{
	unsigned char b[16];
	mc_random(b, sizeof(b));
	b[0] &= 0x7f; /* positive */
	b[0] |= 0x40; /* sixteen bytes long */
	BIGNUM *bn = BN_bin2bn(b, sizeof(b), NULL);
	int ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok;
}

/* The extensions of kind, added in order. */
static int kind_extensions(X509 *x, X509V3_CTX *ctx, enum mc_cert_kind kind)
{
	int ok = 1;
	switch (kind) {
	case MC_CERT_ROOT:
		ok = ext_add(x, ctx, NID_basic_constraints, "critical,CA:TRUE") &&
		     ext_add(x, ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
		break;
	case MC_CERT_CA:
		ok = ext_add(x, ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
		     ext_add(x, ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
		break;
	case MC_CERT_TSA:
		ok = ext_add(x, ctx, NID_basic_constraints, "critical,CA:FALSE") &&
		     ext_add(x, ctx, NID_key_usage, "critical,digitalSignature,nonRepudiation") &&
		     ext_add(x, ctx, NID_ext_key_usage, "critical,timeStamping");
		break;
	case MC_CERT_SIGN:
	case MC_CERT_ORG:
		ok = ext_add(x, ctx, NID_basic_constraints, "critical,CA:FALSE") &&
		     ext_add(x, ctx, NID_key_usage, "critical,digitalSignature,nonRepudiation") &&
		     ext_add(x, ctx, NID_ext_key_usage, "emailProtection,1.3.6.1.4.1.311.10.3.12");
		break;
	case MC_CERT_ENCRYPT:
		ok = ext_add(x, ctx, NID_basic_constraints, "critical,CA:FALSE") &&
		     ext_add(x, ctx, NID_key_usage, "critical,keyAgreement") &&
		     ext_add(x, ctx, NID_ext_key_usage, "emailProtection");
		break;
	}
	return ok;
}

/* s holds letters, digits and the characters of allowed only (and is
 * short): safe in an extension's text form. */
static int plain(const char *s, const char *allowed)
{
	size_t n = 0;
	for (; *s; s++, n++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr(allowed, *s)))
			return 0;
	return n > 0 && n < 250;
}

int mc_cert_issue(enum mc_cert_kind kind, const struct mc_cert_subject *s, const struct mc_key *key,
		  const struct mc_cert *issuer, const struct mc_key *issuer_key, int64_t not_before, int64_t not_after,
		  const char *crl_url, struct mc_cert **out)
{
	if ((kind == MC_CERT_ROOT) != (issuer == NULL) || !s->cn || not_after <= not_before)
		return MC_E_INVAL;
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	int ok = x && n && X509_set_version(x, X509_VERSION_3) && serial_random(x);
	ok = ok && name_add(n, "C", "VN") && name_add(n, "ST", s->l) && name_add(n, "O", s->o) &&
	     name_add(n, "OU", s->ou) && name_add(n, "title", s->title) && name_add(n, "UID", s->uid) &&
	     name_add(n, "CN", s->cn);
	ok = ok && X509_set_subject_name(x, n) &&
	     X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->x) : n) &&
	     ASN1_TIME_set(X509_getm_notBefore(x), (time_t)not_before) &&
	     ASN1_TIME_set(X509_getm_notAfter(x), (time_t)not_after) && X509_set_pubkey(x, key->k);
	X509V3_CTX ctx;
	if (ok) {
		X509V3_set_ctx(&ctx, issuer ? issuer->x : x, x, NULL, NULL, 0);
		ok = kind_extensions(x, &ctx, kind) && ext_add(x, &ctx, NID_subject_key_identifier, "hash") &&
		     (kind == MC_CERT_ROOT || ext_add(x, &ctx, NID_authority_key_identifier, "keyid:always"));
	}
	/* the email and the URL go into an extension's text form: a comma
	 * there would add names of the holder's choosing */
	if (ok && s->email && *s->email && plain(s->email, "@.-_+")) {
		char v[300];
		snprintf(v, sizeof(v), "email:%s", s->email);
		ok = ext_add(x, &ctx, NID_subject_alt_name, v);
	}
	if (ok && crl_url && *crl_url && kind != MC_CERT_ROOT && plain(crl_url, ":/.-_~%[]")) {
		char v[600];
		snprintf(v, sizeof(v), "URI:%s", crl_url);
		ok = ext_add(x, &ctx, NID_crl_distribution_points, v);
	}
	ok = ok && X509_sign(x, issuer_key ? issuer_key->k : key->k, EVP_sha256()) > 0;
	X509_NAME_free(n);
	if (!ok) {
		X509_free(x);
		ERR_clear_error();
		return MC_E_INTERNAL;
	}
	return (*out = mc__cert_wrap(x)) ? 0 : MC_E_NOMEM;
}

void mc_cert_free(struct mc_cert *c)
{
	if (c) {
		X509_free(c->x);
		OPENSSL_free(c);
	}
}

struct mc_cert *mc_cert_dup(const struct mc_cert *c)
{
	X509_up_ref(c->x);
	return mc__cert_wrap(c->x);
}

int mc_cert_from_pem(const char *pem, size_t n, struct mc_cert **out)
{
	if (n > INT32_MAX)
		return MC_E_INVAL;
	BIO *b = BIO_new_mem_buf(pem, (int)n);
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	ERR_clear_error();
	if (!x)
		return MC_E_INVAL;
	return (*out = mc__cert_wrap(x)) ? 0 : MC_E_NOMEM;
}

int mc_cert_from_der(const void *der, size_t n, struct mc_cert **out)
{
	const unsigned char *p = der;
	X509 *x = n < INT32_MAX ? d2i_X509(NULL, &p, (long)n) : NULL;
	ERR_clear_error();
	if (!x)
		return MC_E_INVAL;
	return (*out = mc__cert_wrap(x)) ? 0 : MC_E_NOMEM;
}

int mc_cert_pem(const struct mc_cert *c, struct mc_buf *pem)
{
	BIO *b = BIO_new(BIO_s_mem());
	if (!b || !PEM_write_bio_X509(b, c->x)) {
		BIO_free(b);
		return MC_E_NOMEM;
	}
	return mc__bio_to_buf(b, pem);
}

int mc_cert_der(const struct mc_cert *c, struct mc_buf *der)
{
	unsigned char *p = NULL;
	int n = i2d_X509(c->x, &p);
	if (n <= 0)
		return MC_E_INTERNAL;
	int rc = mc_buf_add(der, p, (size_t)n);
	OPENSSL_free(p);
	return rc;
}

int64_t mc__asn1_time(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

static void name_text(const X509_NAME *n, char *out, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	out[0] = '\0';
	if (!b)
		return;
	if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		char *p = NULL;
		long k = BIO_get_mem_data(b, &p);
		snprintf(out, len, "%.*s", (int)(k > 0 ? k : 0), p ? p : "");
	}
	BIO_free(b);
}

/* The one entry nid of a name (UTF-8); "" when it has none or more than one. */
static void name_entry(const X509_NAME *n, int nid, char *out, size_t len)
{
	out[0] = '\0';
	int i = X509_NAME_get_index_by_NID(n, nid, -1);
	if (i < 0 || X509_NAME_get_index_by_NID(n, nid, i) >= 0)
		return;
	unsigned char *u = NULL;
	int k = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i)));
	if (k >= 0 && (size_t)k < len)
		snprintf(out, len, "%.*s", k, (const char *)u);
	OPENSSL_free(u);
}

void mc__name_cn(const X509_NAME *n, char *out, size_t len)
{
	out[0] = '\0';
	int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
	if (i < 0)
		return;
	unsigned char *u = NULL;
	int k = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i)));
	if (k >= 0)
		snprintf(out, len, "%.*s", k, (const char *)u);
	OPENSSL_free(u);
}

void mc__serial_hex(const ASN1_INTEGER *s, char *out, size_t len)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(s, NULL);
	char *h = bn ? BN_bn2hex(bn) : NULL;
	snprintf(out, len, "%s", h ? h : "");
	OPENSSL_free(h);
	BN_free(bn);
}

int mc_cert_info(const struct mc_cert *c, struct mc_cert_info *i)
{
	memset(i, 0, sizeof(*i));
	mc__serial_hex(X509_get0_serialNumber(c->x), i->serial, sizeof(i->serial));
	mc__name_cn(X509_get_subject_name(c->x), i->subject_cn, sizeof(i->subject_cn));
	mc__name_cn(X509_get_issuer_name(c->x), i->issuer_cn, sizeof(i->issuer_cn));
	name_text(X509_get_subject_name(c->x), i->subject, sizeof(i->subject));
	name_entry(X509_get_subject_name(c->x), NID_userId, i->uid, sizeof(i->uid));
	i->not_before = mc__asn1_time(X509_get0_notBefore(c->x));
	i->not_after = mc__asn1_time(X509_get0_notAfter(c->x));
	unsigned char *der = NULL;
	int n = i2d_X509(c->x, &der);
	if (n <= 0)
		return MC_E_INTERNAL;
	mc_sha256_hex(der, (size_t)n, i->sha256);
	OPENSSL_free(der);
	return 0;
}

/* ---- trust ---- */

struct mc_trust *mc_trust_new(void)
{
	struct mc_trust *t = OPENSSL_zalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->store = X509_STORE_new();
	t->cas = sk_X509_new_null();
	t->crls = sk_X509_CRL_new_null();
	if (!t->store || !t->cas || !t->crls) {
		mc_trust_free(t);
		return NULL;
	}
	return t;
}

void mc_trust_free(struct mc_trust *t)
{
	if (!t)
		return;
	X509_STORE_free(t->store);
	sk_X509_pop_free(t->cas, X509_free);
	sk_X509_CRL_pop_free(t->crls, X509_CRL_free);
	OPENSSL_free(t);
}

X509_STORE *mc__trust_store(const struct mc_trust *t)
{
	return t->store;
}

int mc_trust_add_ca(struct mc_trust *t, const struct mc_cert *ca)
{
	/* the self-signed ones are anchors; the others are given to each
	 * verification as intermediates (the store would trust them alone) */
	if (X509_check_issued(ca->x, ca->x) == X509_V_OK)
		return X509_STORE_add_cert(t->store, ca->x) ? 0 : MC_E_INTERNAL;
	X509_up_ref(ca->x);
	if (!sk_X509_push(t->cas, ca->x)) {
		X509_free(ca->x);
		return MC_E_NOMEM;
	}
	return 0;
}

STACK_OF(X509) * mc__trust_intermediates(const struct mc_trust *t)
{
	return t->cas;
}

int mc_trust_add_crl(struct mc_trust *t, const void *der, size_t n)
{
	const unsigned char *p = der;
	X509_CRL *crl = n < INT32_MAX ? d2i_X509_CRL(NULL, &p, (long)n) : NULL;
	if (!crl)
		return MC_E_INVAL;
	/* its issuer must be one of the CAs, and the signature theirs */
	int ok = 0;
	for (int i = 0; i < sk_X509_num(t->cas) && !ok; i++) {
		X509 *ca = sk_X509_value(t->cas, i);
		ok = X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca)) == 0 &&
		     X509_CRL_verify(crl, X509_get0_pubkey(ca)) == 1;
	}
	if (!ok || !sk_X509_CRL_push(t->crls, crl)) {
		X509_CRL_free(crl);
		ERR_clear_error();
		return MC_E_INVAL;
	}
	return 0;
}

/* When c is on one of the CRLs, the time of its revocation; else 0. */
static int64_t revoked_at(const struct mc_trust *t, X509 *c)
{
	for (int i = 0; i < sk_X509_CRL_num(t->crls); i++) {
		X509_CRL *crl = sk_X509_CRL_value(t->crls, i);
		X509_REVOKED *r = NULL;
		if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(c)) == 0 &&
		    X509_CRL_get0_by_serial(crl, &r, X509_get0_serialNumber(c)) == 1 && r) {
			int64_t at = mc__asn1_time(X509_REVOKED_get0_revocationDate(r));
			return at > 0 ? at : 1;
		}
	}
	return 0;
}

enum mc_cert_status mc_trust_check(const struct mc_trust *t, const struct mc_cert *c, struct mc_cert *const *untrusted,
				   int n_untrusted, int64_t at, int64_t *when_revoked)
{
	if (when_revoked)
		*when_revoked = 0;
	STACK_OF(X509) *chain = sk_X509_dup(t->cas);
	for (int i = 0; chain && i < n_untrusted; i++)
		sk_X509_push(chain, untrusted[i]->x);
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	enum mc_cert_status st = MC_CERT_UNTRUSTED;
	if (chain && ctx && X509_STORE_CTX_init(ctx, t->store, c->x, chain)) {
		X509_VERIFY_PARAM *p = X509_STORE_CTX_get0_param(ctx);
		X509_VERIFY_PARAM_set_time(p, (time_t)at);
		X509_VERIFY_PARAM_set_purpose(p, X509_PURPOSE_ANY);
		if (X509_verify_cert(ctx) == 1) {
			st = MC_CERT_GOOD;
		} else {
			int e = X509_STORE_CTX_get_error(ctx);
			if (e == X509_V_ERR_CERT_HAS_EXPIRED || e == X509_V_ERR_CERT_NOT_YET_VALID)
				st = MC_CERT_EXPIRED;
		}
	}
	X509_STORE_CTX_free(ctx);
	sk_X509_free(chain);
	ERR_clear_error();
	if (st == MC_CERT_GOOD) {
		int64_t r = revoked_at(t, c->x);
		if (when_revoked)
			*when_revoked = r;
		if (r && r <= at)
			st = MC_CERT_REVOKED;
	}
	return st;
}

int mc_cert_can_sign(const struct mc_cert *c)
{
	X509 *x = c->x;
	uint32_t ku = X509_get_key_usage(x), flags = X509_get_extension_flags(x);
	if (X509_check_ca(x))
		return 0;
	if ((flags & EXFLAG_KUSAGE) && !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
		return 0;
	/* a time-stamping authority's key stamps times, it does not sign documents */
	if ((flags & EXFLAG_XKUSAGE) && X509_get_extended_key_usage(x) == XKU_TIMESTAMP)
		return 0;
	return 1;
}

const char *mc_cert_status_code(enum mc_cert_status s)
{
	switch (s) {
	case MC_CERT_GOOD:
		return "good";
	case MC_CERT_EXPIRED:
		return "expired";
	case MC_CERT_REVOKED:
		return "revoked";
	case MC_CERT_UNTRUSTED:
		break;
	}
	return "untrusted";
}

/* ---- CRLs ---- */

int mc_crl_build(const struct mc_cert *ca, const struct mc_key *ca_key, const struct mc_revoked *r, size_t n,
		 int64_t crl_number, int64_t this_update, int64_t next_update, struct mc_buf *der)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *tu = ASN1_TIME_set(NULL, (time_t)this_update), *nu = ASN1_TIME_set(NULL, (time_t)next_update);
	int ok = crl && tu && nu && X509_CRL_set_version(crl, X509_CRL_VERSION_2) &&
		 X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca->x)) && X509_CRL_set1_lastUpdate(crl, tu) &&
		 X509_CRL_set1_nextUpdate(crl, nu);
	for (size_t i = 0; ok && i < n; i++) {
		X509_REVOKED *rv = X509_REVOKED_new();
		BIGNUM *bn = NULL;
		ASN1_INTEGER *serial = NULL;
		ASN1_TIME *at = ASN1_TIME_set(NULL, (time_t)r[i].at);
		ASN1_ENUMERATED *reason = ASN1_ENUMERATED_new();
		ok = rv && at && reason && BN_hex2bn(&bn, r[i].serial) && (serial = BN_to_ASN1_INTEGER(bn, NULL)) &&
		     X509_REVOKED_set_serialNumber(rv, serial) && X509_REVOKED_set_revocationDate(rv, at) &&
		     ASN1_ENUMERATED_set(reason, r[i].reason) &&
		     X509_REVOKED_add1_ext_i2d(rv, NID_crl_reason, reason, 0, 0) && X509_CRL_add0_revoked(crl, rv);
		if (!ok)
			X509_REVOKED_free(rv);
		BN_free(bn);
		ASN1_INTEGER_free(serial);
		ASN1_TIME_free(at);
		ASN1_ENUMERATED_free(reason);
	}
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	ok = ok && num && ASN1_INTEGER_set_int64(num, crl_number) &&
	     X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0);
	ASN1_INTEGER_free(num);
	if (ok) {
		X509V3_CTX ctx;
		X509V3_set_ctx(&ctx, ca->x, NULL, NULL, crl, 0);
		X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
		ok = e && X509_CRL_add_ext(crl, e, -1);
		X509_EXTENSION_free(e);
	}
	ok = ok && X509_CRL_sort(crl) && X509_CRL_sign(crl, ca_key->k, EVP_sha256()) > 0;
	unsigned char *p = NULL;
	int len = ok ? i2d_X509_CRL(crl, &p) : -1;
	int rc = len > 0 ? mc_buf_add(der, p, (size_t)len) : MC_E_INTERNAL;
	OPENSSL_free(p);
	X509_CRL_free(crl);
	ASN1_TIME_free(tu);
	ASN1_TIME_free(nu);
	ERR_clear_error();
	return rc;
}
