/*
 * internal.h - what the OpenSSL files of src/crypto share: the objects
 * behind the opaque handles of pki.h, and small conversions.
 */
#ifndef MC_CRYPTO_INTERNAL_H
#define MC_CRYPTO_INTERNAL_H

#include "pki.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>

EVP_PKEY *mc__key_pkey(const struct mc_key *k);
X509 *mc__cert_x509(const struct mc_cert *c);
/* Takes x (freed on failure); NULL when out of memory. */
struct mc_cert *mc__cert_wrap(X509 *x);
X509_STORE *mc__trust_store(const struct mc_trust *t);
STACK_OF(X509) * mc__trust_intermediates(const struct mc_trust *t);
/* Append a memory BIO's bytes to out and free the BIO. */
int mc__bio_to_buf(BIO *b, struct mc_buf *out);
int64_t mc__asn1_time(const ASN1_TIME *t);
void mc__name_cn(const X509_NAME *n, char *out, size_t len);
void mc__serial_hex(const ASN1_INTEGER *s, char *out, size_t len);

#endif
