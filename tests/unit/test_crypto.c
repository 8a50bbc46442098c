/*
 * test_crypto.c - SHA-256 against the FIPS 180-2 vectors (one-shot and
 * incremental), hex encoding, random bytes and tokens (length, alphabet,
 * uniqueness), argon2id password hashes, constant-time comparisons.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "crypto/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
	(void)state;
	/* cheap argon2id costs unless the caller chose others */
	setenv("MOTCUA_ARGON2_OPS", "1", 0);
	setenv("MOTCUA_ARGON2_MEM_KIB", "8192", 0);
	return mc_crypto_init();
}

#define ABC_SHA256       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define EMPTY_SHA256     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ABC448           "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define ABC448_SHA256    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
#define MILLION_A_SHA256 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static void sha256_vectors(void **state)
{
	(void)state;
	char hex[MC_SHA256_HEX];
	mc_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, ABC_SHA256);
	mc_sha256_hex("", 0, hex);
	assert_string_equal(hex, EMPTY_SHA256);
	mc_sha256_hex(ABC448, strlen(ABC448), hex);
	assert_string_equal(hex, ABC448_SHA256);

	unsigned char raw[MC_SHA256_LEN];
	mc_sha256("abc", 3, raw);
	assert_int_equal(raw[0], 0xba);
	assert_int_equal(raw[31], 0xad);
	char hex2[MC_SHA256_HEX];
	mc_hex(raw, sizeof(raw), hex2);
	assert_string_equal(hex2, ABC_SHA256);
	assert_int_equal(strlen(hex2), 64);
}

/* RFC 4231, test case 2; and base64 with line breaks, and refused junk */
static void hmac_and_base64(void **state)
{
	(void)state;
	char hex[MC_SHA256_HEX];
	const char *msg = "what do ya want for nothing?";
	mc_hmac_sha256_hex("Jefe", 4, msg, strlen(msg), hex);
	assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	struct mc_buf b = MC_BUF_INIT(1024);
	const char *b64 = "SGVsbG8s\nIHdvcmxk\r\nIQ==";
	assert_int_equal(mc_base64_decode(b64, strlen(b64), &b), 0);
	assert_string_equal(b.data, "Hello, world!");
	mc_buf_reset(&b);
	assert_int_equal(mc_base64_decode("SGVsbG8*", 8, &b), MC_E_INVAL);
	mc_buf_release(&b);
}

static void sha256_incremental(void **state)
{
	(void)state;
	char hex[MC_SHA256_HEX];
	/* "abc" in pieces, including an empty piece */
	struct mc_sha256_ctx *c = mc_sha256_begin();
	mc_sha256_add(c, "a", 1);
	mc_sha256_add(c, "", 0);
	mc_sha256_add(c, "bc", 2);
	mc_sha256_end_hex(c, hex);
	assert_string_equal(hex, ABC_SHA256);

	/* nothing added */
	c = mc_sha256_begin();
	mc_sha256_end_hex(c, hex);
	assert_string_equal(hex, EMPTY_SHA256);

	/* one million 'a' in uneven chunks: the FIPS long vector */
	char chunk[1000];
	memset(chunk, 'a', sizeof(chunk));
	c = mc_sha256_begin();
	size_t left = 1000000, step = 1;
	while (left) {
		size_t n = step < left ? step : left;
		mc_sha256_add(c, chunk, n);
		left -= n;
		step = step % 987 + 13; /* 13..999: never past the chunk */
	}
	mc_sha256_end_hex(c, hex);
	assert_string_equal(hex, MILLION_A_SHA256);

	/* incremental equals one-shot on arbitrary bytes */
	unsigned char data[4096];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 31 + 7);
	char one[MC_SHA256_HEX];
	mc_sha256_hex(data, sizeof(data), one);
	c = mc_sha256_begin();
	for (size_t off = 0; off < sizeof(data); off += 100)
		mc_sha256_add(c, data + off, off + 100 <= sizeof(data) ? 100 : sizeof(data) - off);
	mc_sha256_end_hex(c, hex);
	assert_string_equal(hex, one);
	/* and differs when one bit differs */
	data[2048] ^= 1;
	mc_sha256_hex(data, sizeof(data), hex);
	assert_string_not_equal(hex, one);
}

static void hex_encoding(void **state)
{
	(void)state;
	const unsigned char b[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
	char out[13];
	mc_hex(b, sizeof(b), out);
	assert_string_equal(out, "00017f80abff");
	mc_hex(b, 0, out);
	assert_string_equal(out, "");
}

static void random_bytes(void **state)
{
	(void)state;
	unsigned char a[32], b[32], zero[32] = {0};
	mc_random(a, sizeof(a));
	mc_random(b, sizeof(b));
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, zero, sizeof(a));

	char h1[65], h2[65];
	mc_random_hex(h1, 32);
	mc_random_hex(h2, 32);
	assert_int_equal(strlen(h1), 64);
	assert_int_equal(strspn(h1, "0123456789abcdef"), 64);
	assert_string_not_equal(h1, h2);
	char h3[3];
	mc_random_hex(h3, 1);
	assert_int_equal(strlen(h3), 2);
}

static void random_tokens(void **state)
{
	(void)state;
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	/* 32 bytes: 43 URL-safe characters, no padding */
	enum { N = 64 };
	char tokens[N][4 * 32 / 3 + 2];
	for (int i = 0; i < N; i++) {
		mc_random_token(tokens[i], sizeof(tokens[i]), 32);
		assert_int_equal(strlen(tokens[i]), 43);
		assert_int_equal(strspn(tokens[i], alphabet), 43);
		for (int k = 0; k < i; k++)
			assert_string_not_equal(tokens[i], tokens[k]);
	}
	/* other sizes: ceil(4n/3) characters */
	char t[64];
	mc_random_token(t, sizeof(t), 16);
	assert_int_equal(strlen(t), 22);
	mc_random_token(t, sizeof(t), 18);
	assert_int_equal(strlen(t), 24);
	mc_random_token(t, sizeof(t), 1);
	assert_int_equal(strlen(t), 2);
	/* the documented buffer size is enough */
	char exact[4 * 24 / 3 + 2];
	mc_random_token(exact, sizeof(exact), 24);
	assert_int_equal(strlen(exact), 32);
	assert_int_equal(strspn(exact, alphabet), 32);
}

static void passwords(void **state)
{
	(void)state;
	char h1[MC_PWHASH_LEN], h2[MC_PWHASH_LEN];
	assert_int_equal(mc_password_hash("Mật-khẩu đúng 123", h1), 0);
	assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
	assert_true(strlen(h1) < MC_PWHASH_LEN);
	assert_int_equal(mc_password_verify(h1, "Mật-khẩu đúng 123"), 0);
	assert_int_equal(mc_password_verify(h1, "Mật-khẩu đúng 124"), -1);
	assert_int_equal(mc_password_verify(h1, "mật-khẩu đúng 123"), -1);
	assert_int_equal(mc_password_verify(h1, ""), -1);
	assert_int_equal(mc_password_verify(h1, "Mật-khẩu đúng 123 "), -1);

	/* a fresh salt every time: same password, different strings, both verify */
	assert_int_equal(mc_password_hash("Mật-khẩu đúng 123", h2), 0);
	assert_string_not_equal(h1, h2);
	assert_int_equal(mc_password_verify(h2, "Mật-khẩu đúng 123"), 0);

	/* the configured costs are in the string */
	char costs[64];
	snprintf(costs, sizeof(costs), "$m=%s,t=%s,", getenv("MOTCUA_ARGON2_MEM_KIB"), getenv("MOTCUA_ARGON2_OPS"));
	if (!strstr(h1, costs))
		fail_msg("hash %s does not carry the costs %s", h1, costs);

	/* garbage and tampered hashes never verify */
	assert_int_equal(mc_password_verify("", "x"), -1);
	assert_int_equal(mc_password_verify("not a hash", "not a hash"), -1);
	char t[MC_PWHASH_LEN];
	memcpy(t, h1, sizeof(t));
	size_t n = strlen(t);
	t[n - 10] = t[n - 10] == 'A' ? 'B' : 'A'; /* inside the hash, not its padding bits */
	assert_int_equal(mc_password_verify(t, "Mật-khẩu đúng 123"), -1);

	/* the empty password hashes and verifies like any other */
	assert_int_equal(mc_password_hash("", h2), 0);
	assert_int_equal(mc_password_verify(h2, ""), 0);
	assert_int_equal(mc_password_verify(h2, " "), -1);
}

static void constant_time_compare(void **state)
{
	(void)state;
	assert_true(mc_ct_streq("", ""));
	assert_true(mc_ct_streq("token-abc", "token-abc"));
	assert_false(mc_ct_streq("token-abc", "token-abd"));
	assert_false(mc_ct_streq("token-abc", "token-ab"));
	assert_false(mc_ct_streq("token-ab", "token-abc"));
	assert_false(mc_ct_streq("", "a"));
	assert_false(mc_ct_streq("Token-abc", "token-abc"));
	assert_true(mc_ct_equal("abc\0x", "abc\0x", 5));
	assert_false(mc_ct_equal("abc\0x", "abc\0y", 5));
	assert_true(mc_ct_equal("abc", "abd", 2));
	assert_true(mc_ct_equal("a", "b", 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha256_vectors),  cmocka_unit_test(sha256_incremental),
		cmocka_unit_test(hmac_and_base64), cmocka_unit_test(hex_encoding),
		cmocka_unit_test(random_bytes),    cmocka_unit_test(random_tokens),
		cmocka_unit_test(passwords),       cmocka_unit_test(constant_time_compare),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
