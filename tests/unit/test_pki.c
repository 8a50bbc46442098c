/*
 * test_pki.c - the PKI of src/crypto checked by OpenSSL's own command
 * line, as an outside party would: keys sealed as PKCS#8 that `openssl
 * pkey` opens with the passphrase only; a root, an issuing CA and the
 * certificates under them that `openssl verify` accepts; a CRL that
 * `openssl crl` verifies and that makes `openssl verify -crl_check` say
 * "revoked"; detached CMS signatures that `openssl cms -verify` accepts,
 * and refuses once the data is changed; time stamps that `openssl ts
 * -verify` accepts, answered to `openssl ts -query` and embedded in the
 * signatures; EnvelopedData that `openssl cms -decrypt` opens with a
 * named recipient's key and not with another's.  And the verdicts of
 * mc_cms_verify: intact or not, the certificate good, expired, revoked
 * (before or after the signing time) or not chained to the root.
 */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "shell.h"

#include "core/err.h"
#include "crypto/cms.h"
#include "crypto/crypto.h"
#include "crypto/pki.h"
#include "crypto/xmldsig.h"

#include <openssl/cms.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DAY  86400
#define PASS "mật-khẩu 2026"

static char dir[64];
static int64_t now;

struct party {
	struct mc_key *key;
	struct mc_cert *cert;
};

static struct party root, ca, tsa, official, org, enc1, enc2, stranger_root, stranger;

static void issue(struct party *p, enum mc_cert_kind kind, const char *cn, const struct party *by, int64_t from,
		  int64_t to)
{
	struct mc_cert_subject s = {.cn = cn, .o = "UBND Thành phố Hồ Chí Minh", .l = "Thành phố Hồ Chí Minh"};
	assert_int_equal(mc_key_generate(&p->key), 0);
	assert_int_equal(mc_cert_issue(kind, &s, p->key, by ? by->cert : NULL, by ? by->key : NULL, from, to,
				       "http://127.0.0.1:8080/pki/ca.crl", &p->cert),
			 0);
}

static void write_cert(const char *name, const struct mc_cert *c)
{
	struct mc_buf b = MC_BUF_INIT(1 << 20);
	assert_int_equal(mc_cert_pem(c, &b), 0);
	mc_test_write(dir, name, b.data, b.len);
	mc_buf_release(&b);
}

static void write_key(const char *name, const struct mc_key *k)
{
	struct mc_buf b = MC_BUF_INIT(1 << 20);
	assert_int_equal(mc_key_seal(k, PASS, &b), 0);
	mc_test_write(dir, name, b.data, b.len);
	mc_buf_release(&b);
}

static int setup(void **state)
{
	(void)state;
	if (mc_crypto_init())
		return -1;
	if (mc_test_scratch(dir, sizeof(dir), "pki"))
		return -1;
	now = (int64_t)time(NULL);
	issue(&root, MC_CERT_ROOT, "motcua Root CA", NULL, now - 30 * DAY, now + 3650 * DAY);
	issue(&ca, MC_CERT_CA, "motcua Issuing CA", &root, now - 30 * DAY, now + 1825 * DAY);
	issue(&tsa, MC_CERT_TSA, "motcua TSA", &ca, now - 30 * DAY, now + 1825 * DAY);
	issue(&official, MC_CERT_SIGN, "Nguyễn Văn Giám Đốc", &ca, now - DAY, now + 730 * DAY);
	issue(&org, MC_CERT_ORG, "Sở Tư pháp", &ca, now - DAY, now + 730 * DAY);
	issue(&enc1, MC_CERT_ENCRYPT, "Sở Nội vụ", &ca, now - DAY, now + 730 * DAY);
	issue(&enc2, MC_CERT_ENCRYPT, "UBND phường Sài Gòn", &ca, now - DAY, now + 730 * DAY);
	issue(&stranger_root, MC_CERT_ROOT, "Someone else's root", NULL, now - DAY, now + 3650 * DAY);
	issue(&stranger, MC_CERT_SIGN, "Mallory", &stranger_root, now - DAY, now + 730 * DAY);
	write_cert("root.pem", root.cert);
	write_cert("ca.pem", ca.cert);
	if (mc_test_sh(dir, "cat root.pem ca.pem > chain.pem"))
		return -1;
	return 0;
}

static void party_free(struct party *p)
{
	mc_key_free(p->key);
	mc_cert_free(p->cert);
}

static int teardown(void **state)
{
	(void)state;
	struct party *all[] = {&root, &ca, &tsa, &official, &org, &enc1, &enc2, &stranger_root, &stranger};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		party_free(all[i]);
	return mc_test_scratch_rm(dir);
}

static struct mc_trust *trust(void)
{
	struct mc_trust *t = mc_trust_new();
	assert_non_null(t);
	assert_int_equal(mc_trust_add_ca(t, root.cert), 0);
	assert_int_equal(mc_trust_add_ca(t, ca.cert), 0);
	return t;
}

static void keys_sealed(void **state)
{
	(void)state;
	struct mc_buf pem = MC_BUF_INIT(1 << 20);
	assert_int_equal(mc_key_seal(official.key, PASS, &pem), 0);
	assert_non_null(strstr(pem.data, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
	mc_test_write(dir, "official.key", pem.data, pem.len);
	write_cert("official.pem", official.cert);
	/* openssl opens it with the passphrase, and the key is the certificate's */
	assert_int_equal(mc_test_sh(dir, "openssl pkey -in official.key -passin 'pass:%s' -pubout -out k.pub", PASS),
			 0);
	assert_int_equal(mc_test_sh(dir, "openssl x509 -in official.pem -pubkey -noout > c.pub && cmp k.pub c.pub"), 0);
	assert_int_not_equal(mc_test_sh(dir, "openssl pkey -in official.key -passin pass:wrong -noout"), 0);
	struct mc_key *k = NULL;
	assert_int_equal(mc_key_open(pem.data, pem.len, "wrong", &k), MC_E_BAD_CREDENTIALS);
	assert_null(k);
	assert_int_equal(mc_key_open(pem.data, pem.len, PASS, &k), 0);
	assert_true(mc_key_matches(k, official.cert));
	assert_false(mc_key_matches(k, org.cert));
	mc_key_free(k);
	/* an unencrypted key is not taken */
	assert_int_equal(mc_test_sh(dir, "openssl pkey -in official.key -passin 'pass:%s' -out plain.key", PASS), 0);
	char path[128], plain[4096];
	snprintf(path, sizeof(path), "%s/plain.key", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(plain, 1, sizeof(plain) - 1, f);
	fclose(f);
	plain[n] = '\0';
	assert_int_equal(mc_key_open(plain, n, PASS, &k), MC_E_INVAL);
	mc_buf_release(&pem);
}

static void chain_verifies(void **state)
{
	(void)state;
	write_cert("official.pem", official.cert);
	write_cert("org.pem", org.cert);
	write_cert("tsa.pem", tsa.cert);
	write_cert("stranger.pem", stranger.cert);
	assert_int_equal(
		mc_test_sh(dir, "openssl verify -CAfile root.pem -untrusted ca.pem official.pem org.pem tsa.pem"), 0);
	assert_int_not_equal(mc_test_sh(dir, "openssl verify -CAfile root.pem -untrusted ca.pem stranger.pem"), 0);
	/* the Vietnamese name kept, the usages of its kind */
	assert_int_equal(mc_test_sh(dir,
				    "openssl x509 -in official.pem -noout -subject -nameopt utf8,sep_comma_plus -ext "
				    "keyUsage,basicConstraints,crlDistributionPoints"),
			 0);
	assert_true(mc_test_said(dir, "CN=Nguyễn Văn Giám Đốc"));
	assert_true(mc_test_said(dir, "Digital Signature, Non Repudiation"));
	assert_true(mc_test_said(dir, "CA:FALSE"));
	assert_true(mc_test_said(dir, "http://127.0.0.1:8080/pki/ca.crl"));
	struct mc_cert_info i;
	assert_int_equal(mc_cert_info(official.cert, &i), 0);
	assert_string_equal(i.subject_cn, "Nguyễn Văn Giám Đốc");
	assert_string_equal(i.issuer_cn, "motcua Issuing CA");
	assert_int_equal(strlen(i.serial), 32);
	assert_int_equal(i.not_after - i.not_before, 731 * DAY);
	assert_int_equal(
		mc_test_sh(dir, "openssl x509 -in official.pem -noout -serial | grep -qx 'serial=%s'", i.serial), 0);

	struct mc_trust *t = trust();
	assert_int_equal(mc_trust_check(t, official.cert, NULL, 0, now, NULL), MC_CERT_GOOD);
	assert_int_equal(mc_trust_check(t, stranger.cert, NULL, 0, now, NULL), MC_CERT_UNTRUSTED);
	assert_int_equal(mc_trust_check(t, official.cert, NULL, 0, now + 800 * DAY, NULL), MC_CERT_EXPIRED);
	assert_int_equal(mc_trust_check(t, official.cert, NULL, 0, now - 2 * DAY, NULL), MC_CERT_EXPIRED);
	mc_trust_free(t);
}

/* An email with a comma would add names of the holder's choosing to the
 * certificate: it is left out. */
static void email_is_not_text(void **state)
{
	(void)state;
	struct party p;
	struct mc_cert_subject sub = {.cn = "Nguyễn Văn An",
				      .email = "me@x.vn,email:giamdoc@hcm.gov.vn,DNS:hcm.gov.vn"};
	assert_int_equal(mc_key_generate(&p.key), 0);
	assert_int_equal(mc_cert_issue(MC_CERT_SIGN, &sub, p.key, ca.cert, ca.key, now, now + DAY, NULL, &p.cert), 0);
	write_cert("inject.pem", p.cert);
	assert_int_equal(mc_test_sh(dir, "openssl x509 -in inject.pem -noout -text"), 0);
	assert_false((strstr(mc_test_output(dir), "giamdoc@hcm.gov.vn") != NULL));
	party_free(&p);
	sub.email = "an.nguyen@gmail.com";
	assert_int_equal(mc_key_generate(&p.key), 0);
	assert_int_equal(mc_cert_issue(MC_CERT_SIGN, &sub, p.key, ca.cert, ca.key, now, now + DAY, NULL, &p.cert), 0);
	write_cert("mail.pem", p.cert);
	assert_int_equal(mc_test_sh(dir, "openssl x509 -in mail.pem -noout -ext subjectAltName"), 0);
	assert_true(mc_test_said(dir, "email:an.nguyen@gmail.com"));
	party_free(&p);
}

static void sign_and_verify(void **state)
{
	(void)state;
	const char data[] = "Quyết định số 15/QĐ-UBND về việc phê duyệt\n";
	struct mc_cert *chain[] = {ca.cert};
	struct mc_signer s = {official.cert, official.key, chain, 1};
	struct mc_signer ts = {tsa.cert, tsa.key, chain, 1};
	struct mc_buf sig = MC_BUF_INIT(1 << 20);
	assert_int_equal(mc_cms_sign(data, strlen(data), &s, &ts, now, 0, &sig), 0);
	mc_test_write(dir, "data.txt", data, strlen(data));
	mc_test_write(dir, "data.p7s", sig.data, sig.len);
	assert_int_equal(
		mc_test_sh(dir,
			   "openssl cms -verify -binary -inform DER -in data.p7s -content data.txt -CAfile root.pem "
			   "-purpose any -out /dev/null"),
		0);
	assert_true(mc_test_said(dir, "Verification successful"));
	/* one letter changed: refused */
	mc_test_write(dir, "data2.txt", "Quyết định số 16/QĐ-UBND về việc phê duyệt\n", strlen(data));
	assert_int_not_equal(
		mc_test_sh(dir, "openssl cms -verify -binary -inform DER -in data.p7s -content data2.txt -CAfile "
				"root.pem -purpose any -out /dev/null"),
		0);
	/* the embedded time stamp, taken out and checked by openssl ts */
	const unsigned char *p = (const unsigned char *)sig.data;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)sig.len);
	assert_non_null(cms);
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	int ai = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
	assert_true(ai >= 0);
	ASN1_TYPE *tv = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, ai), 0);
	mc_test_write(dir, "token.der", tv->value.sequence->data, (size_t)tv->value.sequence->length);
	ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
	char digest[65];
	mc_sha256_hex(ASN1_STRING_get0_data(sv), (size_t)ASN1_STRING_length(sv), digest);
	CMS_ContentInfo_free(cms);
	assert_int_equal(
		mc_test_sh(dir,
			   "openssl ts -verify -digest %s -token_in -in token.der -CAfile root.pem -untrusted ca.pem",
			   digest),
		0);
	assert_true(mc_test_said(dir, "Verification: OK"));

	struct mc_trust *t = trust();
	struct mc_sig_report r;
	assert_int_equal(mc_cms_verify(sig.data, sig.len, data, strlen(data), t, now + 100, &r), 0);
	assert_true(r.intact);
	assert_int_equal(r.cert_status, MC_CERT_GOOD);
	assert_int_equal(r.timestamp_state, 1);
	assert_int_equal(r.timestamp, now);
	assert_int_equal(r.signing_time, now);
	assert_int_equal(r.at, now);
	assert_string_equal(r.cert.subject_cn, "Nguyễn Văn Giám Đốc");
	assert_string_equal(r.tsa_cn, "motcua TSA");
	assert_int_equal(mc_cms_verify(sig.data, sig.len, "x", 1, t, now, &r), 0);
	assert_false(r.intact);
	/* not a signature at all */
	assert_int_equal(mc_cms_verify("not a signature", 15, data, strlen(data), t, now, &r), MC_E_INVAL);
	/* a signature value changed: not intact, and its time stamp no longer matches it */
	char *bad = malloc(sig.len);
	memcpy(bad, sig.data, sig.len);
	p = (const unsigned char *)bad;
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)sig.len);
	sv = CMS_SignerInfo_get0_signature(sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0));
	size_t off = (size_t)((const char *)memmem(bad, sig.len, ASN1_STRING_get0_data(sv), 8) - bad);
	CMS_ContentInfo_free(cms);
	bad[off + 20] ^= 1;
	assert_int_equal(mc_cms_verify(bad, sig.len, data, strlen(data), t, now, &r), 0);
	assert_false(r.intact);
	assert_int_equal(r.timestamp_state, -1);
	free(bad);
	mc_trust_free(t);

	/* the TSA's key or the issuing CA's signs no document, however chained */
	struct mc_signer by_tsa = {tsa.cert, tsa.key, chain, 1}, by_ca = {ca.cert, ca.key, NULL, 0};
	t = trust();
	mc_buf_reset(&sig);
	assert_int_equal(mc_cms_sign(data, strlen(data), &by_tsa, NULL, now, 0, &sig), 0);
	assert_int_equal(mc_cms_verify(sig.data, sig.len, data, strlen(data), t, now, &r), 0);
	assert_true(r.intact);
	assert_int_equal(r.cert_status, MC_CERT_UNTRUSTED);
	mc_buf_reset(&sig);
	assert_int_equal(mc_cms_sign(data, strlen(data), &by_ca, NULL, now, 0, &sig), 0);
	assert_int_equal(mc_cms_verify(sig.data, sig.len, data, strlen(data), t, now, &r), 0);
	assert_int_equal(r.cert_status, MC_CERT_UNTRUSTED);
	mc_trust_free(t);
	/* a stranger's signature: intact, but not by anyone the root vouches for */
	struct mc_signer m = {stranger.cert, stranger.key, NULL, 0};
	mc_buf_reset(&sig);
	assert_int_equal(mc_cms_sign(data, strlen(data), &m, NULL, now, 0, &sig), 0);
	t = trust();
	assert_int_equal(mc_cms_verify(sig.data, sig.len, data, strlen(data), t, now, &r), 0);
	assert_true(r.intact);
	assert_int_equal(r.cert_status, MC_CERT_UNTRUSTED);
	assert_int_equal(r.timestamp_state, 0);
	mc_test_write(dir, "stranger.p7s", sig.data, sig.len);
	assert_int_not_equal(
		mc_test_sh(dir, "openssl cms -verify -binary -inform DER -in stranger.p7s -content data.txt -CAfile "
				"root.pem -purpose any -out /dev/null"),
		0);
	mc_trust_free(t);
	mc_buf_release(&sig);
}

static void revocation(void **state)
{
	(void)state;
	struct party victim;
	issue(&victim, MC_CERT_SIGN, "Lê Thị Bị Thu Hồi", &ca, now - 10 * DAY, now + 700 * DAY);
	struct mc_cert_info vi;
	assert_int_equal(mc_cert_info(victim.cert, &vi), 0);
	struct mc_revoked rv = {vi.serial, now - DAY, 1};
	struct mc_buf crl = MC_BUF_INIT(1 << 20);
	assert_int_equal(mc_crl_build(ca.cert, ca.key, &rv, 1, 7, now - 3600, now + 7 * DAY, &crl), 0);
	mc_test_write(dir, "ca.crl", crl.data, crl.len);
	write_cert("victim.pem", victim.cert);
	assert_int_equal(mc_test_sh(dir, "openssl crl -inform DER -in ca.crl -noout -CAfile chain.pem -text"), 0);
	assert_true(mc_test_said(dir, "verify OK"));
	assert_true(mc_test_said(dir, "Key Compromise"));
	assert_int_equal(mc_test_sh(dir, "openssl crl -inform DER -in ca.crl -noout -crlnumber"), 0);
	assert_true(mc_test_said(dir, "crlNumber=0x07"));
	assert_int_equal(mc_test_sh(dir,
				    "openssl crl -inform DER -in ca.crl -out ca-crl.pem && cat chain.pem ca-crl.pem > "
				    "chain-crl.pem && openssl verify -crl_check -CAfile chain-crl.pem victim.pem"),
			 2);
	assert_true(mc_test_said(dir, "certificate revoked"));

	struct mc_trust *t = trust();
	assert_int_equal(mc_trust_add_crl(t, crl.data, crl.len), 0);
	int64_t when = 0;
	assert_int_equal(mc_trust_check(t, victim.cert, NULL, 0, now, &when), MC_CERT_REVOKED);
	assert_int_equal(when, now - DAY);
	/* signed before the revocation, as its time stamp proves: good then */
	struct mc_cert *chain[] = {ca.cert};
	struct mc_signer s = {victim.cert, victim.key, chain, 1}, ts = {tsa.cert, tsa.key, chain, 1};
	struct mc_buf sig = MC_BUF_INIT(1 << 20);
	assert_int_equal(mc_cms_sign("abc", 3, &s, &ts, now - 2 * DAY, 0, &sig), 0);
	struct mc_sig_report r;
	assert_int_equal(mc_cms_verify(sig.data, sig.len, "abc", 3, t, now, &r), 0);
	assert_true(r.intact);
	assert_int_equal(r.cert_status, MC_CERT_GOOD);
	assert_int_equal(r.revoked_at, now - DAY);
	/* without a time stamp, a signing time the signer claims before the
	 * revocation does not make it good: checked now, it is revoked */
	mc_buf_reset(&sig);
	assert_int_equal(mc_cms_sign("abc", 3, &s, NULL, now - 2 * DAY, 0, &sig), 0);
	assert_int_equal(mc_cms_verify(sig.data, sig.len, "abc", 3, t, now, &r), 0);
	assert_int_equal(r.signing_time, now - 2 * DAY);
	assert_int_equal(r.at, now);
	assert_int_equal(r.cert_status, MC_CERT_REVOKED);
	/* signed after it */
	mc_buf_reset(&sig);
	assert_int_equal(mc_cms_sign("abc", 3, &s, &ts, now, 0, &sig), 0);
	assert_int_equal(mc_cms_verify(sig.data, sig.len, "abc", 3, t, now, &r), 0);
	assert_int_equal(r.cert_status, MC_CERT_REVOKED);
	/* a CRL not signed by one of the CAs is refused */
	struct mc_buf forged = MC_BUF_INIT(1 << 20);
	assert_int_equal(mc_crl_build(ca.cert, stranger.key, &rv, 1, 8, now, now + DAY, &forged), 0);
	assert_int_equal(mc_trust_add_crl(t, forged.data, forged.len), MC_E_INVAL);
	assert_int_equal(mc_trust_add_crl(t, "junk", 4), MC_E_INVAL);
	mc_buf_release(&forged);
	mc_buf_release(&sig);
	mc_buf_release(&crl);
	mc_trust_free(t);
	party_free(&victim);
}

static void tsa_answers_queries(void **state)
{
	(void)state;
	mc_test_write(dir, "scan.pdf", "%PDF-1.4 not really\n", 20);
	write_cert("tsa.pem", tsa.cert);
	assert_int_equal(mc_test_sh(dir, "openssl ts -query -data scan.pdf -sha256 -cert -out q.tsq"), 0);
	char path[128];
	unsigned char q[4096];
	snprintf(path, sizeof(path), "%s/q.tsq", dir);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(q, 1, sizeof(q), f);
	fclose(f);
	struct mc_cert *chain[] = {ca.cert};
	struct mc_signer ts = {tsa.cert, tsa.key, chain, 1};
	struct mc_buf resp = MC_BUF_INIT(1 << 20);
	assert_int_equal(mc_tsa_respond(&ts, q, n, now * 1000 + 250, &resp), 0);
	mc_test_write(dir, "r.tsr", resp.data, resp.len);
	assert_int_equal(
		mc_test_sh(dir, "openssl ts -verify -data scan.pdf -in r.tsr -CAfile root.pem -untrusted ca.pem"), 0);
	assert_true(mc_test_said(dir, "Verification: OK"));
	assert_int_equal(mc_test_sh(dir, "openssl ts -reply -in r.tsr -text"), 0);
	assert_true(mc_test_said(dir, "Status: Granted"));
	assert_true(mc_test_said(dir, "2.25.175180330917618214367117361062883917362"));
	/* another file: the stamp is not for it */
	mc_test_write(dir, "other.pdf", "%PDF-1.4 something else\n", 24);
	assert_int_not_equal(
		mc_test_sh(dir, "openssl ts -verify -data other.pdf -in r.tsr -CAfile root.pem -untrusted ca.pem"), 0);
	mc_buf_reset(&resp);
	assert_int_equal(mc_tsa_respond(&ts, "garbage", 7, now * 1000, &resp), MC_E_INVAL);
	mc_buf_release(&resp);
}

static void envelopes(void **state)
{
	(void)state;
	const char secret[] = "Văn bản MẬT: kế hoạch diễn tập phòng thủ khu vực năm 2027";
	struct mc_cert *to[] = {enc1.cert, enc2.cert};
	struct mc_buf env = MC_BUF_INIT(1 << 20), out = MC_BUF_INIT(1 << 20);
	assert_int_equal(mc_cms_encrypt(secret, strlen(secret), to, 2, &env), 0);
	assert_null(memmem(env.data, env.len, "diễn tập", strlen("diễn tập")));
	mc_test_write(dir, "secret.p7m", env.data, env.len);
	write_cert("enc1.pem", enc1.cert);
	write_key("enc1.key", enc1.key);
	write_cert("enc2.pem", enc2.cert);
	write_key("enc2.key", enc2.key);
	write_cert("org.pem", org.cert);
	write_key("org.key", org.key);
	mc_test_write(dir, "secret.txt", secret, strlen(secret));
	for (int i = 1; i <= 2; i++)
		assert_int_equal(
			mc_test_sh(dir,
				   "openssl cms -decrypt -binary -inform DER -in secret.p7m -recip enc%d.pem -inkey "
				   "enc%d.key -passin 'pass:%s' -out plain%d.txt && cmp plain%d.txt secret.txt",
				   i, i, PASS, i, i),
			0);
	/* not named: openssl cannot open it, nor can we */
	assert_int_not_equal(
		mc_test_sh(dir,
			   "openssl cms -decrypt -binary -inform DER -in secret.p7m -recip org.pem -inkey org.key "
			   "-passin 'pass:%s' -out plain3.txt",
			   PASS),
		0);
	assert_true(mc_cms_is_recipient(env.data, env.len, enc2.cert));
	assert_false(mc_cms_is_recipient(env.data, env.len, org.cert));
	assert_int_equal(mc_cms_decrypt(env.data, env.len, org.cert, org.key, &out), MC_E_FORBIDDEN);
	assert_int_equal(mc_cms_decrypt(env.data, env.len, enc2.cert, enc2.key, &out), 0);
	assert_int_equal(out.len, strlen(secret));
	assert_memory_equal(out.data, secret, out.len);
	/* the key of another certificate under a named certificate: refused */
	mc_buf_reset(&out);
	assert_int_equal(mc_cms_decrypt(env.data, env.len, enc1.cert, enc2.key, &out), MC_E_FORBIDDEN);
	assert_int_equal(mc_cms_decrypt("junk", 4, enc1.cert, enc1.key, &out), MC_E_INVAL);
	mc_buf_release(&env);
	mc_buf_release(&out);
}

static void xml_signatures(void **state)
{
	(void)state;
	const char doc[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<edXML:edXML xmlns:edXML=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\"><edXML:edXMLEnvelope>"
		"<edXML:edXMLHeader><edXML:MessageHeader><edXML:Subject>Về việc chuyển đổi số</edXML:Subject>"
		"</edXML:MessageHeader></edXML:edXMLHeader><edXML:edXMLBody/></edXML:edXMLEnvelope>"
		"</edXML:edXML>\n";
	struct mc_cert *chain[] = {ca.cert};
	struct mc_buf out = MC_BUF_INIT(1 << 20);
	assert_int_equal(mc_xml_sign(doc, strlen(doc), "edXMLHeader", org.cert, org.key, chain, 1, &out), 0);
	mc_test_write(dir, "signed.xml", out.data, out.len);
	write_cert("root.pem", root.cert);
	write_cert("ca.pem", ca.cert);
	assert_int_equal(mc_test_sh(dir, "xmlsec1 --verify --trusted-pem root.pem --untrusted-pem ca.pem signed.xml"),
			 0);
	assert_true(mc_test_said(dir, "OK"));
	assert_int_equal(mc_test_sh(dir, "xmllint --noout signed.xml"), 0);
	struct mc_trust *t = trust();
	struct mc_xml_report r;
	assert_int_equal(mc_xml_verify(out.data, out.len, "edXMLHeader", t, now, &r), 0);
	assert_true(r.valid);
	assert_int_equal(r.cert_status, MC_CERT_GOOD);
	assert_string_equal(r.cert.subject_cn, "Sở Tư pháp");
	/* a word changed: neither xmlsec1 nor we accept it */
	char *bad = malloc(out.len + 1);
	memcpy(bad, out.data, out.len);
	bad[out.len] = '\0';
	char *w = strstr(bad, "chuyển đổi");
	assert_non_null(w);
	memcpy(w, "CHUY", 4);
	mc_test_write(dir, "bad.xml", bad, out.len);
	assert_int_not_equal(mc_test_sh(dir, "xmlsec1 --verify --trusted-pem root.pem --untrusted-pem ca.pem bad.xml"),
			     0);
	assert_int_equal(mc_xml_verify(bad, out.len, "edXMLHeader", t, now, &r), 0);
	assert_false(r.valid);
	free(bad);
	/* the signature moved into a field, an Object added to it, a key to be
	 * fetched: none of them is a signature of ours, and nothing is fetched */
	char *text = malloc(out.len + 256), *moved = malloc(out.len + 256);
	memcpy(text, out.data, out.len);
	text[out.len] = '\0';
	const char *sb = strstr(text, "<Signature"), *se = strstr(text, "</Signature>");
	assert_non_null(sb);
	assert_non_null(se);
	se += strlen("</Signature>");
	const char *subj = strstr(text, "<edXML:Subject>");
	assert_non_null(subj);
	subj += strlen("<edXML:Subject>");
	int m = snprintf(moved, out.len + 256, "%.*s%.*s%.*s%s", (int)(subj - text), text, (int)(se - sb), sb,
			 (int)(sb - subj), subj, se);
	assert_int_equal(mc_xml_verify(moved, (size_t)m, "edXMLHeader", t, now, &r), MC_E_INVAL);
	m = snprintf(moved, out.len + 256, "%.*s<Object>Về việc khác</Object>%s", (int)(se - text - 12), text, se - 12);
	assert_int_equal(mc_xml_verify(moved, (size_t)m, "edXMLHeader", t, now, &r), MC_E_INVAL);
	const char *ki = strstr(text, "<KeyInfo>");
	assert_non_null(ki);
	ki += strlen("<KeyInfo>");
	m = snprintf(moved, out.len + 256, "%.*s<RetrievalMethod URI=\"file:///dev/zero\"/>%s", (int)(ki - text), text,
		     ki);
	assert_int_equal(mc_xml_verify(moved, (size_t)m, "edXMLHeader", t, now, &r), MC_E_INVAL);
	/* where it was made, and nowhere else */
	assert_int_equal(mc_xml_verify(out.data, out.len, NULL, t, now, &r), MC_E_INVAL);
	free(text);
	free(moved);
	/* signed by someone the root does not vouch for: intact, untrusted */
	mc_buf_reset(&out);
	assert_int_equal(mc_xml_sign(doc, strlen(doc), NULL, stranger.cert, stranger.key, NULL, 0, &out), 0);
	assert_int_equal(mc_xml_verify(out.data, out.len, NULL, t, now, &r), 0);
	assert_true(r.valid);
	assert_int_equal(r.cert_status, MC_CERT_UNTRUSTED);
	/* no signature, a DTD with an entity, junk: not signed documents */
	assert_int_equal(mc_xml_verify(doc, strlen(doc), NULL, t, now, &r), MC_E_INVAL);
	const char *dtd = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>";
	assert_int_equal(mc_xml_verify(dtd, strlen(dtd), NULL, t, now, &r), MC_E_INVAL);
	assert_int_equal(mc_xml_sign(dtd, strlen(dtd), NULL, org.cert, org.key, NULL, 0, &out), MC_E_INVAL);
	assert_int_equal(mc_xml_verify("<a", 2, NULL, t, now, &r), MC_E_INVAL);
	assert_int_equal(mc_xml_sign(doc, strlen(doc), "NoSuchElement", org.cert, org.key, NULL, 0, &out), MC_E_INVAL);
	mc_trust_free(t);
	mc_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_sealed),     cmocka_unit_test(chain_verifies),
		cmocka_unit_test(sign_and_verify), cmocka_unit_test(email_is_not_text),
		cmocka_unit_test(revocation),      cmocka_unit_test(tsa_answers_queries),
		cmocka_unit_test(envelopes),       cmocka_unit_test(xml_signatures),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
