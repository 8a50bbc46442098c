/*
 * cms.h - CMS signatures (CAdES), RFC 3161 time stamps and CMS
 * EnvelopedData with OpenSSL 3.
 *
 * A signature is detached DER that `openssl cms -verify -binary -inform DER
 * -content FILE -CAfile CHAIN` accepts; it carries the signer's
 * certificate and its chain, the ESS signing-certificate-v2 attribute of
 * CAdES and, when a TSA is given, a time-stamp token over the signature
 * value (id-aa-signatureTimeStampToken).  Encrypted data is
 * EnvelopedData for each recipient's certificate, which `openssl cms
 * -decrypt -inform DER -recip CERT -inkey KEY` opens.
 */
#ifndef MC_CMS_H
#define MC_CMS_H

#include "pki.h"

/* Who signs: the certificate, its key and the CAs above it. */
struct mc_signer {
	const struct mc_cert *cert;
	const struct mc_key *key;
	struct mc_cert *const *chain;
	int nchain;
};

/* flags of mc_cms_sign */
enum {
	MC_CMS_PADES = 1, /* for a PDF: no signingTime attribute (the time is the signature dictionary's /M) */
};

/* Sign n bytes of data at now (Unix seconds), stamped by tsa (NULL: no
 * time stamp); the DER is appended to der. */
int mc_cms_sign(const void *data, size_t n, const struct mc_signer *s, const struct mc_signer *tsa, int64_t now,
		int flags, struct mc_buf *der);

/* What a signature says of itself and of the data. */
struct mc_sig_report {
	int intact;                      /* the data is what was signed, and the signature the certificate's */
	enum mc_cert_status cert_status; /* of the signer's certificate at `at` */
	int64_t at;                      /* the time the certificate was checked at: the time stamp's, else
					    now (never a time the signer claims) */
	int64_t signing_time;            /* claimed by the signer (signingTime), 0: none */
	int64_t timestamp;               /* of a time-stamp token that verified, 0: none */
	int timestamp_state;             /* 0 none, 1 good, -1 present but bad */
	int64_t revoked_at;              /* when the certificate was revoked, 0: not */
	struct mc_cert_info cert;        /* the signer's certificate */
	char tsa_cn[256];                /* the time-stamping authority */
};

/* Verify a detached signature (DER) over n bytes of data against trust t,
 * at now when nothing better tells the signing time.  MC_E_INVAL when sig
 * is no CMS signature; else 0 and the report (intact 0 when the data or
 * the signature was changed). */
int mc_cms_verify(const void *sig, size_t sn, const void *data, size_t n, const struct mc_trust *t, int64_t now,
		  struct mc_sig_report *r);

/* Encrypt n bytes for the recipients' certificates (AES-256-CBC content
 * key, ECDH key agreement per recipient); DER appended to der. */
int mc_cms_encrypt(const void *data, size_t n, struct mc_cert *const *recipients, int nr, struct mc_buf *der);
/* Decrypt EnvelopedData with a recipient's certificate and key:
 * MC_E_INVAL when der is no EnvelopedData, MC_E_FORBIDDEN when the key is
 * not one of its recipients'. */
int mc_cms_decrypt(const void *der, size_t n, const struct mc_cert *cert, const struct mc_key *key, struct mc_buf *out);
/* 1 when cert is one of the recipients of EnvelopedData der. */
int mc_cms_is_recipient(const void *der, size_t n, const struct mc_cert *cert);

/* ---- RFC 3161 ---- */
/* The time-stamp response (DER) of a query (DER) at now_ms (Unix
 * milliseconds); MC_E_INVAL when query is not a time-stamp request. */
int mc_tsa_respond(const struct mc_signer *tsa, const void *query, size_t n, int64_t now_ms, struct mc_buf *resp);

#endif
