/*
 * test_payment.c - the pure parts of the payments domain: the VietQR
 * payload (NAPAS EMVCo) against the worked example of DOMAIN.md (CRC 2E2E)
 * and further vectors made by an independent implementation, the CRC's
 * check value; VNPAY's canonical text (sorted, empty values dropped,
 * encoded) and its HMAC-SHA512 computed here with OpenSSL directly, the
 * verification (a changed value, a changed hash refused), the query
 * parser; the refund's pipe-joined text; amounts in Vietnamese words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "crypto/crypto.h"
#include "payment/payment.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

#define EXAMPLE                                                                                                        \
	"00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS6" \
	"8690819thanh toan don hang63042E2E"

static void crc_check_value(void **state)
{
	(void)state;
	/* CRC-16/CCITT-FALSE's catalogued check value */
	assert_int_equal(mc_crc16_ccitt("123456789", 9), 0x29B1);
	/* the example's CRC covers everything up to and including "6304" */
	assert_int_equal(mc_crc16_ccitt(EXAMPLE, strlen(EXAMPLE) - 4), 0x2E2E);
}

static void vietqr_vectors(void **state)
{
	(void)state;
	char out[512];
	/* NAPAS spec 6.1.3, as DOMAIN.md gives it */
	assert_int_equal(mc_vietqr_payload("970403", "0011012345678", 180000, "NPS6869", "thanh toan don hang", out,
					   sizeof(out)),
			 0);
	assert_string_equal(out, EXAMPLE);
	/* a dossier's fee to a ward's Vietcombank account */
	assert_int_equal(mc_vietqr_payload("970436", "0071000579261", 20000, "000.01.31.H29-261207-0001",
					   "LP 0000131H29-261207-0001", out, sizeof(out)),
			 0);
	assert_string_equal(out, "00020101021238570010A00000072701270006970436011300710005792610208QRIBFTTA530370454"
				 "05200005802VN62580125000.01.31.H29-261207-00010825LP 0000131H29-261207-000163047E9D");
	/* no amount (the payer types it), no additional data */
	assert_int_equal(mc_vietqr_payload("970415", "113000084527", 0, NULL, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "00020101021238560010A0000007270126000697041501121130000845270208QRIBFTTA530370458"
				 "02VN6304BCF7");
	/* refused: a BIN that is not 6 digits, no account, non-ASCII, a field
	 * over 99 bytes, a buffer too small */
	assert_int_equal(mc_vietqr_payload("97043", "1", 1, NULL, NULL, out, sizeof(out)), MC_E_INVAL);
	assert_int_equal(mc_vietqr_payload("970436", "", 1, NULL, NULL, out, sizeof(out)), MC_E_INVAL);
	assert_int_equal(mc_vietqr_payload("970436", "1", 1, NULL, "lệ phí", out, sizeof(out)), MC_E_INVAL);
	char big[120];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(mc_vietqr_payload("970436", "1", 1, big, NULL, out, sizeof(out)), MC_E_INVAL);
	assert_int_equal(mc_vietqr_payload("970436", "0071000579261", 1, NULL, NULL, out, 40), MC_E_TOO_BIG);
}

/* HMAC-SHA512 hex of text under key, by OpenSSL here. */
static void hmac512(const char *key, const char *text, char hex[129])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	HMAC(EVP_sha512(), key, (int)strlen(key), (const unsigned char *)text, strlen(text), d, &n);
	for (unsigned i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static void hmac_sha512_rfc4231(void **state)
{
	(void)state;
	char hex[129];
	mc_hmac_sha512_hex("Jefe", 4, "what do ya want for nothing?", 28, hex);
	assert_string_equal(hex, "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d03"
				 "4f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

static void vnpay_signature(void **state)
{
	(void)state;
	struct mc_vnp_param v[] = {
		{"vnp_Version", "2.1.0"},
		{"vnp_TxnRef", "12-1"},
		{"vnp_OrderInfo", "Le phi ho so 000.01.31.H29-261207-0001"},
		{"vnp_BankCode", ""}, /* empty: left out */
		{"vnp_ReturnUrl", "https://motcua.example/thanh-toan/ket-qua?x=1&y=~"},
		{"vnp_Amount", "2000000"},
		{"vnp_SecureHashType", "HmacSHA512"}, /* never signed */
	};
	size_t n = sizeof(v) / sizeof(v[0]);
	struct mc_buf b = MC_BUF_INIT(4096);
	assert_int_equal(mc_vnpay_canonical(v, n, &b), 0);
	const char *want = "vnp_Amount=2000000&vnp_OrderInfo=Le+phi+ho+so+000.01.31.H29-261207-0001&vnp_ReturnUrl="
			   "https%3A%2F%2Fmotcua.example%2Fthanh-toan%2Fket-qua%3Fx%3D1%26y%3D%7E&vnp_TxnRef=12-1&"
			   "vnp_Version=2.1.0";
	assert_string_equal(mc_buf_str(&b), want);
	mc_buf_release(&b);
	char mine[129], theirs[129];
	assert_int_equal(mc_vnpay_sign("SECRET123", v, n, mine), 0);
	hmac512("SECRET123", want, theirs);
	assert_string_equal(mine, theirs);

	/* verified with the hash in either case, refused when anything changed */
	struct mc_vnp_param w[9];
	memcpy(w, v, sizeof(v));
	w[n] = (struct mc_vnp_param){"vnp_SecureHash", theirs};
	assert_int_equal(mc_vnpay_verify("SECRET123", w, n + 1), 1);
	assert_int_equal(mc_vnpay_verify("SECRET124", w, n + 1), 0);
	w[5].value = "2000100";
	assert_int_equal(mc_vnpay_verify("SECRET123", w, n + 1), 0);
	w[5].value = "2000000";
	theirs[5] ^= 1;
	assert_int_equal(mc_vnpay_verify("SECRET123", w, n + 1), 0);
	assert_int_equal(mc_vnpay_verify("SECRET123", v, n), 0); /* no hash at all */
}

static void vnpay_parse(void **state)
{
	(void)state;
	struct mc_arena *a = mc_arena_new(4096);
	struct mc_vnp_param p[8];
	size_t n = 0;
	assert_int_equal(mc_vnpay_parse(a, "vnp_OrderInfo=Le+phi%20ho+so&vnp_Amount=800000&&x=", p, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(mc_vnpay_get(p, n, "vnp_OrderInfo"), "Le phi ho so");
	assert_string_equal(mc_vnpay_get(p, n, "vnp_Amount"), "800000");
	assert_string_equal(mc_vnpay_get(p, n, "x"), "");
	assert_null(mc_vnpay_get(p, n, "y"));
	assert_int_equal(mc_vnpay_parse(a, "a=%zz", p, 8, &n), MC_E_INVAL);
	assert_int_equal(mc_vnpay_parse(a, "a=%00", p, 8, &n), MC_E_INVAL);
	assert_int_equal(mc_vnpay_parse(a, "novalue", p, 8, &n), MC_E_INVAL);
	assert_int_equal(mc_vnpay_parse(a, "a=1&b=2&c=3", p, 2, &n), MC_E_INVAL);
	char t[15];
	mc_vnpay_time(1796637428399LL, t); /* 2026-12-07T09:57:08.399Z */
	assert_string_equal(t, "20261207165708");
	mc_arena_free(a);
}

static void vnpay_refund_text(void **state)
{
	(void)state;
	json_t *rq = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "vnp_RequestId",
			       "r1", "vnp_Version", "2.1.0", "vnp_Command", "refund", "vnp_TmnCode", "MOTCUA01",
			       "vnp_TransactionType", "02", "vnp_TxnRef", "12-1", "vnp_Amount", "2000000",
			       "vnp_TransactionNo", "14226112", "vnp_TransactionDate", "20261207165708", "vnp_CreateBy",
			       "motcua", "vnp_CreateDate", "20261207170000", "vnp_IpAddr", "127.0.0.1", "vnp_OrderInfo",
			       "Hoan le phi");
	struct mc_buf b = MC_BUF_INIT(4096);
	assert_int_equal(mc_vnpay_refund_text(rq, &b), 0);
	assert_string_equal(mc_buf_str(&b), "r1|2.1.0|refund|MOTCUA01|02|12-1|2000000|14226112|20261207165708|motcua|"
					    "20261207170000|127.0.0.1|Hoan le phi");
	mc_buf_release(&b);
	json_decref(rq);
}

static void amounts_in_words(void **state)
{
	(void)state;
	static const struct {
		int64_t v;
		const char *w;
	} cases[] = {
		{0, "Không đồng"},
		{8000, "Tám nghìn đồng"},
		{15000, "Mười lăm nghìn đồng"},
		{20000, "Hai mươi nghìn đồng"},
		{21000, "Hai mươi mốt nghìn đồng"},
		{45, "Bốn mươi lăm đồng"},
		{105000, "Một trăm linh năm nghìn đồng"},
		{200000, "Hai trăm nghìn đồng"},
		{1005000, "Một triệu không trăm linh năm nghìn đồng"},
		{1250000, "Một triệu hai trăm năm mươi nghìn đồng"},
		{2000015, "Hai triệu không trăm mười lăm đồng"},
		{1000000000, "Một tỷ đồng"},
		{3000000001LL, "Ba tỷ không trăm linh một đồng"},
	};
	char out[256];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(mc_vnd_words(cases[i].v, out, sizeof(out)), 0);
		assert_string_equal(out, cases[i].w);
	}
	assert_int_equal(mc_vnd_words(-1, out, sizeof(out)), MC_E_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc_check_value),     cmocka_unit_test(vietqr_vectors),
		cmocka_unit_test(hmac_sha512_rfc4231), cmocka_unit_test(vnpay_signature),
		cmocka_unit_test(vnpay_parse),         cmocka_unit_test(vnpay_refund_text),
		cmocka_unit_test(amounts_in_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
