/*
 * signing.h - the deployment's PKI and the signatures made with it.
 *
 * The deployment owns a root CA (its key sealed in a file the operator
 * keeps offline), an issuing CA and a time-stamping authority; the issuing
 * CA gives certificates to officials and citizens (personal: their
 * signature) and to agencies (organisation: their seal; encryption: the
 * key confidential documents are encrypted to).  Private keys are stored
 * only as encrypted PKCS#8: a person's under a passphrase derived from
 * their PIN, an agency's and the CAs' under one derived from the server's
 * PKI secret, a file of 32 random bytes that the database never holds
 * (so that a copy of the database alone opens no key, and a PIN cannot be
 * guessed offline from it).  A wrong PIN counts; five in a row lock the
 * key for fifteen minutes.
 *
 * Every format is one an outside tool checks: certificates and the CRL
 * (openssl verify / crl), detached CMS signatures with an RFC 3161 time
 * stamp (openssl cms -verify, openssl ts -verify).
 */
#ifndef MC_SIGNING_H
#define MC_SIGNING_H

#include "../auth/auth.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../db/db.h"

#include <jansson.h>
#include <stdint.h>

/* Wrong PINs in a row that lock a key, and for how long. */
#define MC_PIN_TRIES   5
#define MC_PIN_LOCK_MS (15 * 60 * 1000)

/* Read the PKI secret (64 hex digits) from path; with create, write a new
 * one (mode 0600) when there is none.  Call once at start-up, before any
 * thread; 0 or MC_E_CONFIG (the message in err). */
int mc_signing_load_secret(const char *path, int create, char *err, size_t errlen);
/* At a server's start: the secret loaded (made only when the database has
 * no PKI yet) and checked against the issuing CA's sealed key; 0, or an
 * MC_E_* code with the message in err. */
int mc_signing_start(struct mc_conn *c, const char *path, char *err, size_t errlen);

struct mc_signing_ctx {
	struct mc_conn *c;
	struct mc_arena *arena;
	const struct mc_principal *who; /* NULL: the command line */
	const char *addr;               /* client address, for the audit log */
	struct mc_error *e;             /* field errors and public detail */
	const char *public_url;         /* written into certificates: where the CRL is */
};

/* ---- the authorities (authority.c) ---- */
struct mc_pki_init {
	const char *organisation; /* the deployment: "UBND Thành phố Hồ Chí Minh" */
	const char *root_key;     /* where the root's sealed key is written */
	const char *root_pass;    /* its passphrase; NULL: derived from the secret (demonstrations) */
	int64_t now;              /* Unix seconds */
};
/* Create the root, the issuing CA and the TSA (MC_E_CONFLICT when they
 * exist).  *out: their serials and subjects. */
int mc_pki_init(struct mc_signing_ctx *x, const struct mc_pki_init *in, json_t **out);
/* The root's and the issuing CA's certificates (PEM), for relying
 * parties; MC_E_NOT_FOUND before mc_pki_init. */
int mc_pki_chain(struct mc_conn *c, struct mc_buf *pem);
/* The issuing CA's CRL (DER) at now (Unix seconds). */
int mc_pki_crl(struct mc_conn *c, int64_t now, struct mc_buf *der);
/* Answer an RFC 3161 query (DER); MC_E_INVAL when it is none. */
int mc_pki_timestamp(struct mc_conn *c, const void *query, size_t n, int64_t now_ms, struct mc_buf *resp);
/* The OCSP response (DER) to a DER request about certificates of the
 * issuing CA: good, revoked (when, why) or unknown, signed by the CA,
 * valid an hour; junk is answered malformedRequest. */
int mc_pki_ocsp(struct mc_conn *c, const void *req, size_t n, int64_t now, struct mc_buf *resp);

/* ---- certificates (certificate.c) ---- */
/* Issue a certificate from in: {"kind": "personal", "pin"} for the caller
 * (an official or a citizen; "user_id" for another official, by a user
 * administrator), or {"kind": "organisation" | "encryption",
 * "agency_id"} by an administrator of that agency.  A personal one
 * replaces the holder's earlier ones (revoked, superseded). */
int mc_certificate_issue(struct mc_signing_ctx *x, json_t *in, json_t **out);
/* The caller's certificates, or (agency_id > 0) an agency's for its
 * administrators. */
int mc_certificate_list(struct mc_signing_ctx *x, int64_t agency_id, json_t **out);
/* A certificate the caller may see: theirs, their agency's, or any for an
 * administrator; pem (NULL: not wanted) gets its PEM. */
int mc_certificate_get(struct mc_signing_ctx *x, int64_t id, json_t **out, struct mc_buf *pem);
/* Revoke: the holder, or an administrator; in: {"reason": 0|1|4|5}. */
int mc_certificate_revoke(struct mc_signing_ctx *x, int64_t id, json_t *in, json_t **out);
/* Change a personal key's PIN: {"pin", "new_pin"}. */
int mc_certificate_change_pin(struct mc_signing_ctx *x, int64_t id, json_t *in, json_t **out);

/* ---- signatures (sign.c) ---- */
/* Sign a stored file with the caller's personal certificate, unlocked by
 * the PIN: in {"file": sha256, "pin", "certificate_id"?}; a detached CMS
 * signature, time-stamped.  *out: the signature's record. */
int mc_signature_sign_file(struct mc_signing_ctx *x, json_t *in, json_t **out);
/* The .p7s of a CMS signature the caller made or may read. */
int mc_signature_p7s(struct mc_signing_ctx *x, int64_t id, struct mc_buf *der, char name[80]);

/* ---- PDF signatures (pdf.c) ---- */
/* A person's key, unlocked by their PIN for the request that holds it:
 * the PIN is checked (and a wrong one counted) in a transaction of its
 * own, before the act it signs. */
struct mc_signing_key;
int mc_signing_unlock(struct mc_signing_ctx *x, int64_t cert_id, const char *pin, struct mc_signing_key **out);
void mc_signing_key_free(struct mc_signing_key *k);

/* A PDF to sign and how its signature shows. */
struct mc_signing_pdf {
	const void *pdf;
	size_t n;
	int page; /* the stamp's page (1-based) and box in PDF points; w 0: invisible */
	double x, y, w, h;
	const char *reason;       /* /Reason */
	const char *const *lines; /* the stamp's words (NULL: the signer and the time) */
	int nlines;
	int64_t draft_id, document_id; /* what it is the PDF of (0: none) */
};
/* Sign in->pdf with an unlocked key (PAdES, time-stamped), inside the
 * caller's transaction: the signed PDF stored (a kept blob, *sha its
 * SHA-256) and recorded as a signature of the key's holder. */
int mc_signing_pdf_person(struct mc_signing_ctx *x, const struct mc_signing_key *k, const struct mc_signing_pdf *in,
			  char sha[65]);
/* The same with agency's organisation certificate (its seal), issued
 * then when the agency has none valid; the signature is recorded as made
 * by the caller for the agency. */
int mc_signing_pdf_seal(struct mc_signing_ctx *x, int64_t agency, const struct mc_signing_pdf *in, char sha[65]);

/* An edXML package or status message signed with the agency's seal
 * (XML signature in edXMLHeader; a seal without the agency's code in its
 * subject is replaced first), into out. */
int mc_signing_xml_seal(struct mc_signing_ctx *x, int64_t agency, const void *xml, size_t n, struct mc_buf *out);

/* Sign n bytes with an unlocked key (detached CMS, time-stamped) inside
 * the caller's transaction: the bytes kept (a blob), the signature
 * recorded (*id) and checked at once; *out {signature_id, signer, serial,
 * certificate_status, intact, stamped_at, sha256}. */
int mc_signing_sign_bytes(struct mc_signing_ctx *x, const struct mc_signing_key *k, const void *data, size_t n,
			  int64_t *id, json_t **out);

/* ---- confidential documents (envelope.c) ---- */
/* Encrypt data to the encryption certificates of n agencies (issued then
 * for those that have none valid), inside the caller's transaction: CMS
 * EnvelopedData (AES-256, ECDH per recipient) stored as a kept blob of
 * type application/pkcs7-mime, *sha its SHA-256. */
int mc_signing_encrypt(struct mc_signing_ctx *x, const int64_t *agencies, int n, const void *data, size_t len,
		       char sha[65]);
/* Open an envelope with agency's encryption key (out gets the data):
 * MC_E_FORBIDDEN when none of the agency's keys is a recipient's. */
int mc_signing_decrypt(struct mc_signing_ctx *x, int64_t agency, const void *env, size_t len, struct mc_buf *out);

/* ---- verification (verify.c) ---- */
/* What a signed file says: a PDF's signatures (p7s NULL), or a file and
 * its detached signature.  MC_E_VALIDATION with a field error when
 * neither is readable; else *out {"signatures": [...]} each with the
 * signer, the certificate, when, and the verdicts. */
int mc_signature_verify(struct mc_signing_ctx *x, const void *file, size_t n, const void *p7s, size_t pn, json_t **out);

#endif
