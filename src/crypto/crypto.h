/*
 * crypto.h - hashing, randomness and password storage.
 * The only module that includes OpenSSL or libsodium.
 */
#ifndef MC_CRYPTO_H
#define MC_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define MC_SHA256_LEN 32
#define MC_SHA256_HEX (MC_SHA256_LEN * 2 + 1)
#define MC_PWHASH_LEN 128

/* Call once at start-up; returns 0 or -1. */
int mc_crypto_init(void);

void mc_sha256(const void *p, size_t n, unsigned char out[MC_SHA256_LEN]);
void mc_sha256_hex(const void *p, size_t n, char out[MC_SHA256_HEX]);
/* Is s a SHA-256 as mc_sha256_hex writes it (64 lower-case hex digits)? */
int mc_is_sha256_hex(const char *s);

/* HMAC-SHA-256 of msg under key, as lower-case hex. */
void mc_hmac_sha256_hex(const void *key, size_t klen, const void *msg, size_t mlen, char out[MC_SHA256_HEX]);
/* HMAC-SHA-512 of msg under key, as lower-case hex (VNPAY's vnp_SecureHash). */
#define MC_SHA512_HEX 129
void mc_hmac_sha512_hex(const void *key, size_t klen, const void *msg, size_t mlen, char out[MC_SHA512_HEX]);

/* Incremental SHA-256. */
struct mc_sha256_ctx;
struct mc_sha256_ctx *mc_sha256_begin(void);
void mc_sha256_add(struct mc_sha256_ctx *c, const void *p, size_t n);
void mc_sha256_end_hex(struct mc_sha256_ctx *c, char out[MC_SHA256_HEX]); /* frees c */

void mc_random(void *p, size_t n);
/* n random bytes as lower-case hex (out holds 2n+1). */
void mc_random_hex(char *out, size_t nbytes);
/* n random bytes as URL-safe base64 without padding (out holds 4n/3+2). */
void mc_random_token(char *out, size_t outlen, size_t nbytes);

void mc_hex(const unsigned char *p, size_t n, char *out);

/* Zero n bytes of a secret in a way the compiler keeps. */
void mc_wipe(void *p, size_t n);

/* Standard base64 (padding and line breaks allowed) decoded and appended
 * to out; MC_E_INVAL when s is not base64. */
struct mc_buf;
int mc_base64_decode(const char *s, size_t n, struct mc_buf *out);
/* n bytes as standard base64 (padded, one line), malloc'd. */
char *mc_base64_encode(const void *p, size_t n);

/* Constant-time comparison of two equal-length buffers; 1 if equal. */
int mc_ct_equal(const void *a, const void *b, size_t n);
/* Constant-time comparison of two NUL-terminated strings. */
int mc_ct_streq(const char *a, const char *b);

/* argon2id.  Costs come from the environment for tests
 * (MOTCUA_ARGON2_OPS, MOTCUA_ARGON2_MEM_KIB); defaults are libsodium's
 * "interactive" limits. */
int mc_password_hash(const char *password, char out[MC_PWHASH_LEN]);
/* 0 when the password matches. */
int mc_password_verify(const char *hash, const char *password);

#endif
