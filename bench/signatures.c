/*
 * signatures.c - how many signatures a second one core makes and checks
 * with src/crypto and src/render/pdfsign (run by bench/signatures.sh,
 * which prints `openssl speed ecdsap256` beside it: the raw ECDSA P-256
 * signatures a core makes, the ceiling of everything here).
 *
 * Measured, each for about BENCH_SECONDS (default 2) seconds, one thread:
 *   ecdsa      one CMS signature of a 32-byte text without a time stamp
 *              (an ECDSA signature, the certificate chain encoded)
 *   cms+ts     a detached CMS signature of a 100 KB file with an RFC 3161
 *              time stamp (two ECDSA signatures), as POST /api/v1/signatures
 *   unseal     opening a PKCS#8-sealed key (PBKDF2): what a PIN costs
 *   pades      a two-page document rendered, signed (PAdES with a time
 *              stamp, the stamp image) and finished, as at a signing act
 *   verify     mc_cms_verify of a time-stamped signature (chain, CRL-less)
 *   edxml      an edXML package (QCVN 102:2016) with that 100 KB file
 *              attached written and sealed with an agency's XML signature,
 *              as at POST /api/v1/documents/{id}/exchange
 *   edxml-v    that package's signature checked, as at POST /edxml
 */
#include "crypto/cms.h"
#include "crypto/crypto.h"
#include "crypto/pki.h"
#include "crypto/xmldsig.h"
#include "exchange/edxml.h"
#include "render/pdf.h"
#include "render/pdfsign.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct party {
	struct mc_key *key;
	struct mc_cert *cert;
};

static void issue(struct party *p, enum mc_cert_kind kind, const char *cn, const struct party *by)
{
	int64_t t = (int64_t)time(NULL);
	struct mc_cert_subject s = {.cn = cn, .o = "UBND Thành phố Hồ Chí Minh"};
	if (mc_key_generate(&p->key) ||
	    mc_cert_issue(kind, &s, p->key, by ? by->cert : NULL, by ? by->key : NULL, t - 86400, t + 86400 * 365,
			  "http://127.0.0.1:8080/pki/ca.crl", &p->cert)) {
		fprintf(stderr, "signatures: cannot make the certificates\n");
		exit(1);
	}
}

static double budget(void)
{
	const char *s = getenv("BENCH_SECONDS");
	double v = s ? atof(s) : 2.0;
	return v > 0 ? v : 2.0;
}

#define RUN(label, what, ...)                                                                                          \
	do {                                                                                                           \
		long n_ = 0;                                                                                           \
		double t0_ = now_s(), t_;                                                                              \
		do {                                                                                                   \
			__VA_ARGS__;                                                                                   \
			n_++;                                                                                          \
		} while ((t_ = now_s() - t0_) < budget());                                                             \
		printf("  %-8s %10.0f /s  %8.3f ms each   %s\n", label, (double)n_ / t_, 1000.0 * t_ / (double)n_,     \
		       what);                                                                                          \
	} while (0)

static json_t *document(void)
{
	json_t *content = json_string("");
	char para[4096] = "";
	for (int i = 0; i < 12; i++)
		snprintf(para + strlen(para), sizeof(para) - strlen(para),
			 "Điều %d. Giao Sở Tư pháp chủ trì, phối hợp với các sở, ngành và Ủy ban nhân dân các phường, "
			 "xã tổ chức triển khai thực hiện Quyết định này; báo cáo kết quả trước ngày 31 tháng 12.\n",
			 i + 1);
	json_string_set(content, para);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:[s,s], s:{s:s, s:s}}", "superior",
			      "UBND Thành phố Hồ Chí Minh", "issuer", "Sở Tư pháp", "number_text", "      /QĐ-STP",
			      "type_code", "quyet_dinh", "type_name", "Quyết định", "summary",
			      "Về việc ban hành Kế hoạch chuyển đổi số năm 2027", "place", "Thành phố Hồ Chí Minh",
			      "date", "2026", "content", content, "recipients", "Như Điều 3", "Lưu: VT", "signer",
			      "position", "Giám đốc", "name", "Nguyễn Văn Giám Đốc");
	return j;
}

int main(void)
{
	if (mc_crypto_init())
		return 1;
	struct party root, ca, tsa, official;
	issue(&root, MC_CERT_ROOT, "Root CA", NULL);
	issue(&ca, MC_CERT_CA, "Issuing CA", &root);
	issue(&tsa, MC_CERT_TSA, "TSA", &ca);
	issue(&official, MC_CERT_SIGN, "Nguyễn Văn Giám Đốc", &ca);
	struct mc_cert *chain[] = {ca.cert};
	struct mc_signer s = {official.cert, official.key, chain, 1}, ts = {tsa.cert, tsa.key, chain, 1};
	int64_t t = (int64_t)time(NULL);
	struct mc_buf der = MC_BUF_INIT(1 << 20);
	size_t big = 100 * 1024;
	char *file = malloc(big);
	for (size_t i = 0; i < big; i++)
		file[i] = (char)('a' + i % 26);

	printf("one thread, ECDSA P-256, SHA-256 (this build's OpenSSL)\n");
	RUN("ecdsa", "CMS signature of 32 bytes, no time stamp", {
		mc_buf_reset(&der);
		if (mc_cms_sign("0123456789abcdef0123456789abcdef", 32, &s, NULL, t, 0, &der))
			return 1;
	});
	RUN("cms+ts", "detached CMS of a 100 KB file with an RFC 3161 time stamp", {
		mc_buf_reset(&der);
		if (mc_cms_sign(file, big, &s, &ts, t, 0, &der))
			return 1;
	});
	struct mc_buf sealed = MC_BUF_INIT(1 << 20);
	if (mc_key_seal(official.key, "0123456789abcdef0123456789abcdef", &sealed))
		return 1;
	RUN("unseal", "a PKCS#8 key opened (PBKDF2, AES-256-CBC): a PIN's cost", {
		struct mc_key *k = NULL;
		if (mc_key_open(sealed.data, sealed.len, "0123456789abcdef0123456789abcdef", &k))
			return 1;
		mc_key_free(k);
	});
	json_t *doc = document();
	struct mc_error e;
	mc_error_init(&e);
	RUN("pades", "a two-page document rendered and signed (PAdES, time stamp, stamp image)", {
		struct mc_buf pdf = MC_BUF_INIT(64u << 20), out = MC_BUF_INIT(64u << 20), tbs = MC_BUF_INIT(64u << 20);
		unsigned char *rgb = NULL, *alpha = NULL;
		int w = 0, h = 0;
		const char *lines[] = {"Ký bởi: Nguyễn Văn Giám Đốc", "Thời gian ký: 07/12/2026 09:15:00 +07:00"};
		size_t range[4];
		if (mc_pdf_document(doc, &pdf, &e) ||
		    mc_pdf_stamp_image(lines, 2, 0x0B3D91, 180, 56, 3, &rgb, &alpha, &w, &h))
			return 1;
		struct mc_pdf_sigfield f = {.page = 1,
					    .x = 320,
					    .y = 200,
					    .w = 180,
					    .h = 56,
					    .name = "Nguyễn Văn Giám Đốc",
					    .signed_at = t,
					    .rgb = rgb,
					    .alpha = alpha,
					    .img_w = w,
					    .img_h = h};
		mc_buf_reset(&der);
		if (mc_pdf_sign_prepare(pdf.data, pdf.len, &f, &out, range) ||
		    mc_buf_add(&tbs, out.data + range[0], range[1]) ||
		    mc_buf_add(&tbs, out.data + range[2], range[3]) ||
		    mc_cms_sign(tbs.data, tbs.len, &s, &ts, t, MC_CMS_PADES, &der) ||
		    mc_pdf_sign_finish(&out, range, der.data, der.len))
			return 1;
		free(rgb);
		free(alpha);
		mc_buf_release(&pdf);
		mc_buf_release(&out);
		mc_buf_release(&tbs);
	});
	struct mc_trust *tr = mc_trust_new();
	mc_trust_add_ca(tr, root.cert);
	mc_trust_add_ca(tr, ca.cert);
	mc_buf_reset(&der);
	if (mc_cms_sign(file, big, &s, &ts, t, 0, &der))
		return 1;
	RUN("verify", "a time-stamped CMS signature of 100 KB checked (signature, stamp, chain)", {
		struct mc_sig_report r;
		if (mc_cms_verify(der.data, der.len, file, big, tr, t, &r) || !r.intact ||
		    r.cert_status != MC_CERT_GOOD)
			return 1;
	});
	/* an edXML package (QCVN 102:2016) with the 100 KB file attached,
	 * sealed by its agency and checked as a peer checks it */
	struct party org;
	issue(&org, MC_CERT_ORG, "Sở Tư pháp", &ca);
	struct mc_edxml_doc ed = {
		.from = {"000.00.02.H29", "Sở Tư pháp"},
		.nto = 1,
		.code_number = "15",
		.code_notation = "QĐ-STP",
		.date = "2026/12/07",
		.type = "quyet_dinh",
		.type_name = "Quyết định",
		.subject = "Về việc ban hành Kế hoạch chuyển đổi số năm 2027",
		.signer = "Nguyễn Văn Giám Đốc",
		.document_id = "0123456789abcdef0123456789abcdef",
		.trace_time = "2026/12/07 09:15:00",
		.nfiles = 1,
	};
	ed.to[0] = (struct mc_edxml_organ){"000.00.00.G01", "Bộ Tư pháp"};
	ed.files[0] = (struct mc_edxml_file){"document@motcua", "15-QD-STP.pdf", "application/pdf", file, big};
	struct mc_buf xml = MC_BUF_INIT(64u << 20), sx = MC_BUF_INIT(64u << 20);
	RUN("edxml", "an edXML package with the 100 KB file written and sealed (XML signature, xmlsec1)", {
		mc_buf_reset(&xml);
		mc_buf_reset(&sx);
		if (mc_edxml_write_doc(&ed, &xml) ||
		    mc_xml_sign(xml.data, xml.len, "edXMLHeader", org.cert, org.key, chain, 1, &sx))
			return 1;
	});
	RUN("edxml-v", "that package's seal checked (whole-document reference, chain)", {
		struct mc_xml_report r;
		if (mc_xml_verify(sx.data, sx.len, "edXMLHeader", tr, t, &r) || !r.valid ||
		    r.cert_status != MC_CERT_GOOD)
			return 1;
	});
	mc_buf_release(&xml);
	mc_buf_release(&sx);
	mc_key_free(org.key);
	mc_cert_free(org.cert);
	mc_trust_free(tr);
	json_decref(doc);
	mc_buf_release(&der);
	mc_buf_release(&sealed);
	free(file);
	struct party *all[] = {&root, &ca, &tsa, &official};
	for (int i = 0; i < 4; i++) {
		mc_key_free(all[i]->key);
		mc_cert_free(all[i]->cert);
	}
	return 0;
}
