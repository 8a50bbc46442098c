/*
 * pki.h - X.509 keys, certificates and revocation lists (OpenSSL 3).
 *
 * Keys are ECDSA P-256.  A private key leaves memory only as encrypted
 * PKCS#8 (PEM, AES-256-CBC under PBKDF2), which `openssl pkey` reads with
 * the same passphrase.  Certificates carry the usages their kind calls
 * for, a random 128-bit serial, the key identifiers and, when given, the
 * address of their issuer's CRL.  Nothing here knows about databases or
 * users: the pki domain decides who holds what.
 */
#ifndef MC_PKI_H
#define MC_PKI_H

#include "../core/buf.h"

#include <stddef.h>
#include <stdint.h>

struct mc_key;  /* a private key */
struct mc_cert; /* a certificate */

enum mc_cert_kind {
	MC_CERT_ROOT = 1, /* self-signed root CA */
	MC_CERT_CA,       /* issuing CA under the root (path length 0) */
	MC_CERT_TSA,      /* time-stamping authority (RFC 3161) */
	MC_CERT_SIGN,     /* a person's signature: digitalSignature, nonRepudiation */
	MC_CERT_ORG,      /* an organisation's signature (its seal) */
	MC_CERT_ENCRYPT,  /* an organisation's encryption key: keyAgreement (CMS EnvelopedData) */
};

/* What a certificate names.  Strings are UTF-8 (Vietnamese names keep
 * their letters); NULL leaves a part out. */
struct mc_cert_subject {
	const char *cn;    /* commonName: the person or the organisation */
	const char *title; /* title: the position */
	const char *ou;    /* organisationalUnit */
	const char *o;     /* organisation */
	const char *l;     /* locality: the province */
	const char *uid;   /* UID: "CCCD:079203001234", "MST:0301234567" */
	const char *email; /* subjectAltName email */
};

/* ---- keys ---- */
int mc_key_generate(struct mc_key **out);
void mc_key_free(struct mc_key *k);
/* Another handle on the same key (shared, read-only: threads may sign with
 * it at once). */
struct mc_key *mc_key_dup(const struct mc_key *k);
/* The key as encrypted PKCS#8 PEM (appended to pem). */
int mc_key_seal(const struct mc_key *k, const char *pass, struct mc_buf *pem);
/* The key of encrypted PKCS#8 PEM; MC_E_BAD_CREDENTIALS when pass is not
 * its passphrase, MC_E_INVAL when pem is no key. */
int mc_key_open(const char *pem, size_t n, const char *pass, struct mc_key **out);
/* 1 when the key is the certificate's. */
int mc_key_matches(const struct mc_key *k, const struct mc_cert *c);
/* The public key of a PKCS#10 request (PEM) whose own signature holds
 * (the requester has the private key): EC P-256 or P-384, or RSA of
 * 2048 bits or more; MC_E_INVAL otherwise.  Only certificates are issued
 * for it (a key on the holder's token). */
int mc_key_from_csr(const char *pem, size_t n, struct mc_key **out);

/* ---- certificates ---- */
/* Issue a certificate of kind for key's public half, valid from
 * not_before to not_after (Unix seconds), signed by issuer_key under
 * issuer (NULL with kind MC_CERT_ROOT: self-signed).  crl_url: the
 * issuer's CRL, written as the distribution point (NULL: none). */
int mc_cert_issue(enum mc_cert_kind kind, const struct mc_cert_subject *s, const struct mc_key *key,
		  const struct mc_cert *issuer, const struct mc_key *issuer_key, int64_t not_before, int64_t not_after,
		  const char *crl_url, struct mc_cert **out);
void mc_cert_free(struct mc_cert *c);
/* MC_E_INVAL when pem holds no certificate. */
int mc_cert_from_pem(const char *pem, size_t n, struct mc_cert **out);
int mc_cert_from_der(const void *der, size_t n, struct mc_cert **out);
int mc_cert_pem(const struct mc_cert *c, struct mc_buf *pem);
int mc_cert_der(const struct mc_cert *c, struct mc_buf *der);
struct mc_cert *mc_cert_dup(const struct mc_cert *c);

struct mc_cert_info {
	char serial[48];      /* upper-case hex, as `openssl x509 -serial` */
	char subject_cn[256]; /* UTF-8 */
	char subject[512];    /* the whole name, RFC 2253, UTF-8 */
	char uid[128];        /* the subject's one UID ("MDDD:000.00.02.H29"); "" when none, or several */
	char issuer_cn[256];
	char sha256[65]; /* fingerprint of the DER */
	int64_t not_before, not_after;
};
int mc_cert_info(const struct mc_cert *c, struct mc_cert_info *i);

/* ---- trust: CA certificates and their revocation lists ---- */
struct mc_trust;
struct mc_trust *mc_trust_new(void);
void mc_trust_free(struct mc_trust *t);
/* A CA certificate trusted as an anchor (the root) or an intermediate. */
int mc_trust_add_ca(struct mc_trust *t, const struct mc_cert *ca);
/* A CRL (DER) of one of the CAs; its signature is checked. */
int mc_trust_add_crl(struct mc_trust *t, const void *der, size_t n);

enum mc_cert_status {
	MC_CERT_GOOD = 0,
	MC_CERT_UNTRUSTED, /* no chain to a trusted root, or a bad signature in it */
	MC_CERT_EXPIRED,   /* not valid at that time (expired or not yet valid) */
	MC_CERT_REVOKED,   /* revoked at or before that time */
};
/* Whether c chained to the trusted root and was valid at time `at`
 * (Unix seconds), revocation included: a certificate revoked after `at`
 * was good then, and *revoked_at tells when (0: not revoked; may be
 * NULL).  untrusted: more certificates to build the chain from (NULL). */
enum mc_cert_status mc_trust_check(const struct mc_trust *t, const struct mc_cert *c, struct mc_cert *const *untrusted,
				   int n_untrusted, int64_t at, int64_t *revoked_at);
const char *mc_cert_status_code(enum mc_cert_status s); /* "good", "untrusted", "expired", "revoked" */
/* 1 when c is for signing documents: not a CA, its key usage allowing
 * signatures, not a time-stamping authority's. */
int mc_cert_can_sign(const struct mc_cert *c);

/* ---- revocation lists ---- */
struct mc_revoked {
	const char *serial; /* hex */
	int64_t at;         /* Unix seconds */
	int reason; /* RFC 5280 CRLReason: 0 unspecified, 1 keyCompromise, 4 superseded, 5 cessationOfOperation */
};
/* A CRL of ca (DER) listing n revoked serials, numbered crl_number,
 * issued at this_update and due again at next_update. */
int mc_crl_build(const struct mc_cert *ca, const struct mc_key *ca_key, const struct mc_revoked *r, size_t n,
		 int64_t crl_number, int64_t this_update, int64_t next_update, struct mc_buf *der);

#endif
