/* crypto.c - OpenSSL (hashing) and libsodium (randomness, argon2id). */
#include "crypto.h"

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/err.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static unsigned long long ops_limit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
static size_t mem_limit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

int mc_crypto_init(void)
{
	if (sodium_init() < 0)
		return -1;
	const char *ops = getenv("MOTCUA_ARGON2_OPS"), *mem = getenv("MOTCUA_ARGON2_MEM_KIB");
	if (ops && atoi(ops) >= (int)crypto_pwhash_OPSLIMIT_MIN)
		ops_limit = (unsigned long long)atoi(ops);
	if (mem && atol(mem) >= 8)
		mem_limit = (size_t)atol(mem) * 1024;
	return 0;
}

void mc_sha256(const void *p, size_t n, unsigned char out[MC_SHA256_LEN])
{
	unsigned int len = 0;
	if (!EVP_Digest(p, n, out, &len, EVP_sha256(), NULL))
		mc_fatal("sha256 failed");
}

void mc_hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

void mc_sha256_hex(const void *p, size_t n, char out[MC_SHA256_HEX])
{
	unsigned char d[MC_SHA256_LEN];
	mc_sha256(p, n, d);
	mc_hex(d, sizeof(d), out);
}

int mc_is_sha256_hex(const char *s)
{
	if (!s || strlen(s) != MC_SHA256_HEX - 1)
		return 0;
	return strspn(s, "0123456789abcdef") == MC_SHA256_HEX - 1;
}

void mc_hmac_sha256_hex(const void *key, size_t klen, const void *msg, size_t mlen, char out[MC_SHA256_HEX])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	if (!HMAC(EVP_sha256(), key, (int)klen, msg, mlen, d, &len))
		mc_fatal("hmac failed");
	mc_hex(d, len, out);
}

void mc_hmac_sha512_hex(const void *key, size_t klen, const void *msg, size_t mlen, char out[MC_SHA512_HEX])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	if (!HMAC(EVP_sha512(), key, (int)klen, msg, mlen, d, &len))
		mc_fatal("hmac failed");
	mc_hex(d, len, out);
}

struct mc_sha256_ctx {
	EVP_MD_CTX *md;
};

struct mc_sha256_ctx *mc_sha256_begin(void)
{
	struct mc_sha256_ctx *c = mc_xmalloc(sizeof(*c));
	c->md = EVP_MD_CTX_new();
	if (!c->md || !EVP_DigestInit_ex(c->md, EVP_sha256(), NULL))
		mc_fatal("sha256 init failed");
	return c;
}

void mc_sha256_add(struct mc_sha256_ctx *c, const void *p, size_t n)
{
	if (!EVP_DigestUpdate(c->md, p, n))
		mc_fatal("sha256 update failed");
}

void mc_sha256_end_hex(struct mc_sha256_ctx *c, char out[MC_SHA256_HEX])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	if (!EVP_DigestFinal_ex(c->md, d, &len))
		mc_fatal("sha256 final failed");
	EVP_MD_CTX_free(c->md);
	free(c);
	mc_hex(d, len, out);
}

void mc_random(void *p, size_t n)
{
	randombytes_buf(p, n);
}

void mc_random_hex(char *out, size_t nbytes)
{
	unsigned char b[64];
	if (nbytes > sizeof(b))
		mc_fatal("mc_random_hex: too many bytes");
	randombytes_buf(b, nbytes);
	mc_hex(b, nbytes, out);
}

void mc_random_token(char *out, size_t outlen, size_t nbytes)
{
	unsigned char b[64];
	if (nbytes > sizeof(b) || outlen < sodium_base64_ENCODED_LEN(nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		mc_fatal("mc_random_token: bad sizes");
	randombytes_buf(b, nbytes);
	sodium_bin2base64(out, outlen, b, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int mc_base64_decode(const char *s, size_t n, struct mc_buf *out)
{
	size_t cap = n / 4 * 3 + 3, len = 0;
	unsigned char *b = mc_xmalloc(cap);
	const char *end = NULL;
	int rc = sodium_base642bin(b, cap, s, n, " \r\n\t", &len, &end, sodium_base64_VARIANT_ORIGINAL);
	rc = rc == 0 && end == s + n ? mc_buf_add(out, b, len) : MC_E_INVAL;
	free(b);
	return rc;
}

char *mc_base64_encode(const void *p, size_t n)
{
	size_t len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *out = mc_xmalloc(len);
	sodium_bin2base64(out, len, p, n, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

void mc_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}

int mc_ct_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

int mc_ct_streq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

int mc_password_hash(const char *password, char out[MC_PWHASH_LEN])
{
	_Static_assert(MC_PWHASH_LEN >= crypto_pwhash_STRBYTES, "hash buffer too small");
	return crypto_pwhash_str_alg(out, password, strlen(password), ops_limit, mem_limit,
				     crypto_pwhash_ALG_ARGON2ID13) == 0
		       ? 0
		       : -1;
}

int mc_password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 0 : -1;
}
