/*
 * ocsp.h - an OCSP responder (RFC 6960) for the deployment's issuing CA,
 * with OpenSSL: what `openssl ocsp -url .../pki/ocsp` asks, answered
 * good, revoked (when and why) or unknown, signed by the CA itself.
 */
#ifndef MC_OCSP_H
#define MC_OCSP_H

#include "pki.h"

struct mc_ocsp_status {
	int state;          /* 0 good, 1 revoked, 2 unknown (not one of the CA's) */
	int64_t revoked_at; /* Unix seconds, when revoked */
	int reason;         /* RFC 5280 CRLReason, when revoked */
};

/* What the CA knows of the certificate with serial (upper-case hex, as
 * mc_cert_info writes it); 0 or an MC_E_* code (the answer is then
 * internalError). */
typedef int mc_ocsp_lookup(void *arg, const char *serial, struct mc_ocsp_status *st);

/* The DER OCSP response to the DER request req, signed with ca_key at
 * now (Unix seconds; each answer valid for next_s more): malformedRequest
 * for junk, a certificate of another issuer unknown.  0, or MC_E_NOMEM /
 * MC_E_INTERNAL (then nothing is answered). */
int mc_ocsp_respond(const void *req, size_t n, const struct mc_cert *ca, const struct mc_key *ca_key, int64_t now,
		    int64_t next_s, mc_ocsp_lookup *lookup, void *arg, struct mc_buf *out);

#endif
