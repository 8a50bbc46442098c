/*
 * test_pdfsign.c - PAdES signatures in PDFs (src/render/pdfsign.h) checked
 * by poppler and qpdf, as the receiving office would check them: an
 * official document rendered by mc_pdf_document, signed by the official
 * with a visible stamp, then sealed by the organisation in a second
 * incremental update.  `pdfsig` finds both signatures valid, the first
 * covering the file as it was ("Not total document signed") and the last
 * the whole file; qpdf finds no error in it; pdftotext still reads the
 * Vietnamese text and pdftoppm draws the page.  One byte changed in the
 * signed content and pdfsig reports a digest mismatch.  mc_pdf_signatures
 * reads the signatures back, and mc_cms_verify (src/crypto/cms.h) finds
 * them intact, by certificates that chain to the root, or not when the
 * file was changed.  And the inputs refused: not a PDF, no such page, a
 * field name taken, a CMS larger than its reserve.
 *
 * Then the way an outgoing document is issued: the leader signs it with
 * its number and day left blank, the clerical officer stamps the number
 * and the date over the blank lines (mc_pdf_document_marked says where)
 * in an update of their own and seals it; both signatures stay valid and
 * page 1 shows the number where the blank line was.
 *
 * pdfsig has no NSS database here, so its "Certificate Validation" line
 * says the issuer is not trusted: that line is not looked at.
 */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "shell.h"

#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "crypto/cms.h"
#include "crypto/crypto.h"
#include "crypto/pki.h"
#include "render/pdf.h"
#include "render/pdfsign.h"

#include <cairo.h>
#include <jansson.h>
#include <math.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DAY   86400
#define LIMIT (64u << 20)

static char dir[64];
static int64_t now;

struct party {
	struct mc_key *key;
	struct mc_cert *cert;
};

static struct party root, ca, tsa, official, org;

/* the document, signed once by the official, then sealed by the organisation */
static struct mc_buf doc = MC_BUF_INIT(LIMIT), once = MC_BUF_INIT(LIMIT), twice = MC_BUF_INIT(LIMIT);

/* An official document with the diacritics of real Vietnamese text. */
static const char document_json[] =
	"{\"superior\": \"UBND Thành phố Hồ Chí Minh\", \"issuer\": \"Sở Tư pháp\", \"number_text\": \"15/KH-STP\","
	" \"type_code\": \"ke_hoach\", \"type_name\": \"Kế hoạch\","
	" \"summary\": \"Triển khai chứng thực điện tử năm 2027\", \"place\": \"Thành phố Hồ Chí Minh\","
	" \"date\": \"2026-12-07\","
	" \"content\": \"Thực hiện Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn "
	"thư, Sở Tư pháp ban hành kế hoạch triển khai chứng thực bản sao điện tử từ bản chính như sau.\\nCác phòng, "
	"đơn vị trực thuộc và Ủy ban nhân dân các phường, xã, đặc khu tổ chức thực hiện nghiêm túc kế hoạch "
	"này.\","
	" \"signer\": {\"form\": \"KT.\", \"for_title\": \"Giám đốc\", \"position\": \"Phó Giám đốc\","
	"  \"name\": \"Nguyễn Văn Giám Đốc\"},"
	" \"recipients\": [\"UBND Thành phố\", \"Các phường, xã, đặc khu\", \"Lưu: VT, HCTP\"]}";

static void issue(struct party *p, enum mc_cert_kind kind, const char *cn, const struct party *by, int64_t from,
		  int64_t to)
{
	struct mc_cert_subject s = {.cn = cn, .o = "UBND Thành phố Hồ Chí Minh", .l = "Thành phố Hồ Chí Minh"};
	assert_int_equal(mc_key_generate(&p->key), 0);
	assert_int_equal(
		mc_cert_issue(kind, &s, p->key, by ? by->cert : NULL, by ? by->key : NULL, from, to, NULL, &p->cert),
		0);
}

static void party_free(struct party *p)
{
	mc_key_free(p->key);
	mc_cert_free(p->cert);
}

/* The stamp of a signer: who, for whom, when (Vietnam time). */
static void stamp(const char *who, const char *unit, unsigned color, double w, double h, unsigned char **rgb,
		  unsigned char **alpha, int *pw, int *ph)
{
	char l1[160], l3[96];
	int y, m, d;
	int64_t vn = now + MC_VN_OFFSET_MIN * 60;
	mc_civil_from_days(vn / DAY, &y, &m, &d);
	snprintf(l1, sizeof(l1), "Ký bởi: %s", who);
	snprintf(l3, sizeof(l3), "Thời gian: %02d/%02d/%04d %02d:%02d:%02d +07:00", d, m, y, (int)(vn % DAY / 3600),
		 (int)(vn % 3600 / 60), (int)(vn % 60));
	const char *lines[] = {l1, unit, l3};
	assert_int_equal(mc_pdf_stamp_image(lines, 3, color, w, h, 3, rgb, alpha, pw, ph), 0);
}

/* pdf signed by p into out: prepare, a CMS over the byte range stamped by
 * the TSA, finish.  The original bytes stay as they were. */
static void sign(const struct mc_buf *pdf, const struct mc_pdf_sigfield *f, const struct party *p, struct mc_buf *out)
{
	size_t r[4];
	assert_int_equal(mc_pdf_sign_prepare(pdf->data, pdf->len, f, out, r), 0);
	assert_true(out->len > pdf->len);
	assert_memory_equal(out->data, pdf->data, pdf->len);
	assert_int_equal(r[0], 0);
	assert_int_equal(r[2] + r[3], out->len);
	assert_int_equal(out->data[r[1]], '<');
	assert_int_equal(out->data[r[2] - 1], '>');
	assert_int_equal(r[2] - r[1], 2 * (f->reserve ? f->reserve : MC_PDF_SIG_RESERVE) + 2);
	struct mc_buf tbs = MC_BUF_INIT(LIMIT), der = MC_BUF_INIT(1 << 20);
	assert_int_equal(mc_buf_add(&tbs, out->data + r[0], r[1]), 0);
	assert_int_equal(mc_buf_add(&tbs, out->data + r[2], r[3]), 0);
	struct mc_cert *chain[] = {ca.cert};
	struct mc_signer s = {p->cert, p->key, chain, 1}, ts = {tsa.cert, tsa.key, chain, 1};
	assert_int_equal(mc_cms_sign(tbs.data, tbs.len, &s, &ts, now, MC_CMS_PADES, &der), 0);
	assert_int_equal(mc_pdf_sign_finish(out, r, der.data, der.len), 0);
	mc_buf_release(&tbs);
	mc_buf_release(&der);
}

/* The document signed by the official, a red stamp over the signer block
 * of page 1 (made once, for the tests that need it). */
static void sign_once(void)
{
	if (once.len)
		return;
	unsigned char *rgb, *alpha;
	int w, h;
	stamp("Nguyễn Văn Giám Đốc", "Sở Tư pháp Thành phố Hồ Chí Minh", 0xC00000, 200, 52, &rgb, &alpha, &w, &h);
	/* in the space left for the signature under "PHÓ GIÁM ĐỐC" */
	struct mc_pdf_sigfield f = {.page = 1,
				    .x = 330,
				    .y = 492,
				    .w = 200,
				    .h = 52,
				    .name = "Nguyễn Văn Giám Đốc",
				    .reason = "Phê duyệt kế hoạch",
				    .location = "Thành phố Hồ Chí Minh",
				    .signed_at = now,
				    .rgb = rgb,
				    .alpha = alpha,
				    .img_w = w,
				    .img_h = h};
	sign(&doc, &f, &official, &once);
	free(rgb);
	free(alpha);
	mc_test_write(dir, "signed.pdf", once.data, once.len);
}

/* ...then sealed by the organisation in a second update: a blue stamp,
 * another field. */
static void sign_twice(void)
{
	sign_once();
	if (twice.len)
		return;
	unsigned char *rgb, *alpha;
	int w, h;
	stamp("Sở Tư pháp", "Văn thư cơ quan", 0x0033A0, 180, 54, &rgb, &alpha, &w, &h);
	struct mc_pdf_sigfield f = {.page = 1,
				    .x = 80,
				    .y = 120,
				    .w = 180,
				    .h = 54,
				    .name = "Sở Tư pháp",
				    .reason = "Đóng dấu cơ quan",
				    .signed_at = now + 60,
				    .rgb = rgb,
				    .alpha = alpha,
				    .img_w = w,
				    .img_h = h};
	sign(&once, &f, &org, &twice);
	free(rgb);
	free(alpha);
	mc_test_write(dir, "signed2.pdf", twice.data, twice.len);
}

/* qpdf, the library and (when it is installed) its command line, finds
 * no error in the file. */
static void qpdf_finds_no_error(const char *name, const struct mc_buf *pdf)
{
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	assert_int_equal(qpdf_read_memory(q, name, pdf->data, pdf->len, NULL), QPDF_SUCCESS);
	assert_int_equal(qpdf_check_pdf(q), QPDF_SUCCESS);
	qpdf_cleanup(&q);
	if (mc_test_sh(dir, "command -v qpdf") == 0) {
		assert_int_equal(mc_test_sh(dir, "qpdf --check %s", name), 0);
		assert_true(mc_test_said(dir, "No syntax or stream encoding errors found"));
	}
}

/* What readers still show: the text, the page. */
static void still_readable(const char *name)
{
	assert_int_equal(mc_test_sh(dir, "pdftotext -enc UTF-8 %s - | tr -s ' \\n' '  '", name), 0);
	assert_true(mc_test_said(dir, "SỞ TƯ PHÁP"));
	assert_true(mc_test_said(dir, "Triển khai chứng thực điện tử năm 2027"));
	assert_true(mc_test_said(dir, "Nguyễn Văn Giám Đốc"));
	assert_int_equal(mc_test_sh(dir,
				    "rm -f page-*.png && pdftoppm -r 50 -png -f 1 -l 1 %s page && test -s page-1.png",
				    name),
			 0);
}

static void signed_once(void **state)
{
	(void)state;
	sign_once();
	assert_non_null(memmem(once.data, once.len, "/SubFilter /ETSI.CAdES.detached", 31));
	assert_non_null(memmem(once.data, once.len, "/SigFlags 3", 11));
	assert_non_null(memmem(once.data, once.len, "+07'00')", 8));
	assert_int_equal(mc_test_sh(dir, "pdfsig signed.pdf"), 0);
	assert_true(mc_test_said(dir, "Signature #1"));
	assert_true(mc_test_said(dir, "Signature Validation: Signature is Valid."));
	assert_true(mc_test_said(dir, "Total document signed"));
	assert_false(strstr(mc_test_output(dir), "Not total document signed"));
	assert_true(mc_test_said(dir, "Signer Certificate Common Name: Nguyễn Văn Giám Đốc"));
	assert_true(mc_test_said(dir, "Signature Type: ETSI.CAdES.detached"));
	assert_false(strstr(mc_test_output(dir), "Signature #2"));
	qpdf_finds_no_error("signed.pdf", &once);
	still_readable("signed.pdf");
}

static void signed_twice(void **state)
{
	(void)state;
	sign_twice();
	assert_memory_equal(twice.data, once.data, once.len);
	assert_int_equal(mc_test_sh(dir, "pdfsig signed2.pdf"), 0);
	const char *text = mc_test_output(dir), *s1 = strstr(text, "Signature #1"), *s2 = strstr(text, "Signature #2");
	assert_non_null(s1);
	assert_non_null(s2);
	assert_true(s1 < s2);
	assert_null(strstr(text, "Signature #3"));
	/* each block: valid; the first covers the file as it was */
	char first[16384];
	snprintf(first, sizeof(first), "%.*s", (int)(s2 - s1), s1);
	assert_non_null(strstr(first, "Signer Certificate Common Name: Nguyễn Văn Giám Đốc"));
	assert_non_null(strstr(first, "Signature Validation: Signature is Valid."));
	assert_non_null(strstr(first, "Not total document signed"));
	assert_non_null(strstr(s2, "Signer Certificate Common Name: Sở Tư pháp"));
	assert_non_null(strstr(s2, "Signature Validation: Signature is Valid."));
	assert_non_null(strstr(s2, "Total document signed"));
	assert_null(strstr(s2, "Not total document signed"));
	qpdf_finds_no_error("signed2.pdf", &twice);
	still_readable("signed2.pdf");
}

static struct mc_trust *trust(void)
{
	struct mc_trust *t = mc_trust_new();
	assert_non_null(t);
	assert_int_equal(mc_trust_add_ca(t, root.cert), 0);
	assert_int_equal(mc_trust_add_ca(t, ca.cert), 0);
	return t;
}

static void read_back(void **state)
{
	(void)state;
	sign_twice();
	struct mc_pdf_sig *s;
	int n;
	assert_int_equal(mc_pdf_signatures(twice.data, twice.len, &s, &n), 0);
	assert_int_equal(n, 2);
	/* the fields were named by the next free number */
	assert_string_equal(s[0].field, "Signature1");
	assert_string_equal(s[1].field, "Signature2");
	assert_string_equal(s[0].name, "Nguyễn Văn Giám Đốc");
	assert_string_equal(s[1].name, "Sở Tư pháp");
	assert_string_equal(s[0].reason, "Phê duyệt kế hoạch");
	assert_string_equal(s[1].reason, "Đóng dấu cơ quan");
	assert_string_equal(s[0].subfilter, "ETSI.CAdES.detached");
	assert_int_equal(s[0].m, now);
	assert_int_equal(s[1].m, now + 60);
	assert_int_equal(s[0].whole, 0);
	assert_int_equal(s[1].whole, 1);
	assert_int_equal(s[0].page, 1);
	assert_int_equal(s[1].page, 1);
	assert_true(s[0].rect[0] == 330 && s[0].rect[1] == 492 && s[0].rect[2] == 530 && s[0].rect[3] == 544);
	assert_true(s[1].rect[0] == 80 && s[1].rect[1] == 120 && s[1].rect[2] == 260 && s[1].rect[3] == 174);
	/* the first covers exactly the file the official signed, but its /Contents */
	assert_int_equal(s[0].signed_len, once.len - (2 * MC_PDF_SIG_RESERVE + 2));
	struct mc_trust *t = trust();
	const char *cn[] = {"Nguyễn Văn Giám Đốc", "Sở Tư pháp"};
	for (int i = 0; i < 2; i++) {
		struct mc_sig_report r;
		assert_int_equal(mc_cms_verify(s[i].cms, s[i].cms_len, s[i].signed_bytes, s[i].signed_len, t, now, &r),
				 0);
		assert_true(r.intact);
		assert_int_equal(r.cert_status, MC_CERT_GOOD);
		assert_int_equal(r.timestamp_state, 1);
		assert_string_equal(r.cert.subject_cn, cn[i]);
	}
	mc_pdf_signatures_free(s, n);
	/* an unsigned document has none */
	assert_int_equal(mc_pdf_signatures(doc.data, doc.len, &s, &n), 0);
	assert_int_equal(n, 0);
	mc_pdf_signatures_free(s, n);
	mc_trust_free(t);
}

/* One byte of the page's content stream changed after signing. */
static void tampered(void **state)
{
	(void)state;
	sign_once();
	char *bad = malloc(once.len);
	memcpy(bad, once.data, once.len);
	/* the original document is all in the first range: the update,
	 * and /Contents in it, come after it */
	const char *st = memmem(bad, doc.len, "stream\n", 7);
	assert_non_null(st);
	size_t at = (size_t)(st - bad) + 7 + 20;
	assert_true(at < doc.len);
	bad[at] ^= 0x01;
	mc_test_write(dir, "tampered.pdf", bad, once.len);
	/* pdfsig (poppler 22) exits 0 whatever it finds: its words tell */
	(void)mc_test_sh(dir, "pdfsig tampered.pdf");
	assert_true(mc_test_said(dir, "Signature #1"));
	assert_true(mc_test_said(dir, "Digest Mismatch"));
	assert_null(strstr(mc_test_output(dir), "Signature is Valid."));
	struct mc_pdf_sig *s;
	int n;
	assert_int_equal(mc_pdf_signatures(bad, once.len, &s, &n), 0);
	assert_int_equal(n, 1);
	struct mc_trust *t = trust();
	struct mc_sig_report r;
	assert_int_equal(mc_cms_verify(s[0].cms, s[0].cms_len, s[0].signed_bytes, s[0].signed_len, t, now, &r), 0);
	assert_false(r.intact);
	mc_trust_free(t);
	mc_pdf_signatures_free(s, n);
	free(bad);
}

/* An invisible signature: no widget area, no appearance, still valid. */
static void invisible(void **state)
{
	(void)state;
	struct mc_pdf_sigfield f = {.field = "Chữ ký số", .page = 1, .name = "Sở Tư pháp", .signed_at = now};
	struct mc_buf out = MC_BUF_INIT(LIMIT);
	sign(&doc, &f, &org, &out);
	mc_test_write(dir, "invisible.pdf", out.data, out.len);
	assert_int_equal(mc_test_sh(dir, "pdfsig invisible.pdf"), 0);
	assert_true(mc_test_said(dir, "Signature Validation: Signature is Valid."));
	assert_true(mc_test_said(dir, "Total document signed"));
	qpdf_finds_no_error("invisible.pdf", &out);
	struct mc_pdf_sig *s;
	int n;
	assert_int_equal(mc_pdf_signatures(out.data, out.len, &s, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(s[0].field, "Chữ ký số");
	assert_string_equal(s[0].reason, "");
	assert_true(s[0].rect[0] == 0 && s[0].rect[1] == 0 && s[0].rect[2] == 0 && s[0].rect[3] == 0);
	assert_int_equal(s[0].page, 1);
	mc_pdf_signatures_free(s, n);
	mc_buf_release(&out);
}

/* A PDF of the objects (numbered from 1) with its cross-reference table. */
static void make_pdf(struct mc_buf *b, const char *const *objs, int n)
{
	size_t off[16];
	assert_true(n < 16);
	assert_int_equal(mc_buf_adds(b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), 0);
	for (int i = 0; i < n; i++) {
		off[i] = b->len;
		assert_int_equal(mc_buf_printf(b, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]), 0);
	}
	size_t x = b->len;
	assert_int_equal(mc_buf_printf(b, "xref\n0 %d\n0000000000 65535 f\r\n", n + 1), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(mc_buf_printf(b, "%010zu 00000 n\r\n", off[i]), 0);
	assert_int_equal(mc_buf_printf(b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", n + 1, x),
			 0);
}

/* pdf as qpdf writes it with object streams and a cross-reference stream. */
static void with_xref_stream(const struct mc_buf *pdf, struct mc_buf *out)
{
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	assert_int_equal(qpdf_read_memory(q, "form.pdf", pdf->data, pdf->len, NULL), QPDF_SUCCESS);
	assert_int_equal(qpdf_init_write_memory(q), QPDF_SUCCESS);
	qpdf_set_object_stream_mode(q, qpdf_o_generate);
	assert_int_equal(qpdf_write(q), QPDF_SUCCESS);
	assert_int_equal(mc_buf_add(out, qpdf_get_buffer(q), qpdf_get_buffer_length(q)), 0);
	qpdf_cleanup(&q);
	assert_non_null(memmem(out->data, out->len, "/Type /XRef", 11));
	assert_non_null(memmem(out->data, out->len, "/Type /ObjStm", 13));
}

/* A form made elsewhere: the page's /Annots and the catalog's /AcroForm
 * are objects of their own, a text field is there already and the media
 * box (inherited from the page tree) does not start at 0 0.  The signature
 * joins them, the objects changed and nothing else.  Then the same form
 * written with a cross-reference stream is signed twice: the classic
 * sections chain to the stream by /Prev. */
static void other_structures(void **state)
{
	(void)state;
	const char content[] = "0 0 1 rg 20 20 100 50 re f";
	char stream[128];
	snprintf(stream, sizeof(stream), "<< /Length %zu >>\nstream\n%s\nendstream", strlen(content), content);
	const char *objs[] = {
		"<< /Type /Catalog /Pages 2 0 R /AcroForm 5 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [10 20 310 220] >>",
		"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Annots 6 0 R >>",
		stream,
		"<< /Fields [7 0 R] /DA (/Helv 0 Tf 0 g) >>",
		"[7 0 R]",
		"<< /Type /Annot /Subtype /Widget /FT /Tx /T (Ho ten) /V (Nguyen Van An) /Rect [20 150 200 170] /P 3 0 "
		"R "
		"/F 4 >>",
	};
	struct mc_buf form = MC_BUF_INIT(LIMIT), out = MC_BUF_INIT(LIMIT);
	make_pdf(&form, objs, 7);
	mc_test_write(dir, "form.pdf", form.data, form.len);
	qpdf_finds_no_error("form.pdf", &form);
	struct mc_pdf_sigfield f = {
		.page = 1, .x = 150, .y = 20, .w = 100, .h = 40, .name = "Trần Thị Bích", .signed_at = now};
	sign(&form, &f, &official, &out);
	mc_test_write(dir, "form-signed.pdf", out.data, out.len);
	assert_int_equal(mc_test_sh(dir, "pdfsig form-signed.pdf"), 0);
	assert_true(mc_test_said(dir, "Signature Validation: Signature is Valid."));
	assert_true(mc_test_said(dir, "Total document signed"));
	qpdf_finds_no_error("form-signed.pdf", &out);
	/* the array and the form dictionary rewritten; the page and the
	 * catalog, which point at them, not */
	const char *upd = out.data + form.len;
	size_t un = out.len - form.len;
	assert_non_null(memmem(upd, un, "6 0 obj\n[ 7 0 R 9 0 R ]", 23));
	assert_non_null(memmem(upd, un, "/Fields [ 7 0 R 9 0 R ] /SigFlags 3", 35));
	assert_non_null(memmem(upd, un, "/DA (/Helv 0 Tf 0 g)", 20));
	assert_null(memmem(upd, un, "\n3 0 obj", 8));
	assert_null(memmem(upd, un, "\n1 0 obj", 8));
	struct mc_pdf_sig *s;
	int n;
	assert_int_equal(mc_pdf_signatures(out.data, out.len, &s, &n), 0);
	assert_int_equal(n, 1); /* the text field is no signature */
	assert_string_equal(s[0].field, "Signature1");
	assert_int_equal(s[0].page, 1);
	assert_true(s[0].rect[0] == 160 && s[0].rect[1] == 40 && s[0].rect[2] == 260 && s[0].rect[3] == 80);
	mc_pdf_signatures_free(s, n);

	struct mc_buf xs = MC_BUF_INIT(LIMIT), x1 = MC_BUF_INIT(LIMIT), x2 = MC_BUF_INIT(LIMIT);
	with_xref_stream(&form, &xs);
	sign(&xs, &f, &official, &x1);
	f.name = "Sở Tư pháp";
	sign(&x1, &f, &org, &x2);
	mc_test_write(dir, "xs-signed.pdf", x2.data, x2.len);
	assert_int_equal(mc_test_sh(dir, "pdfsig xs-signed.pdf"), 0);
	assert_true(mc_test_said(dir, "Signature #2"));
	assert_true(mc_test_said(dir, "Not total document signed"));
	const char *s2 = strstr(mc_test_output(dir), "Signature #2");
	assert_non_null(strstr(s2, "Total document signed"));
	assert_int_equal(mc_test_sh(dir, "pdfsig xs-signed.pdf | grep -c 'Signature is Valid.' | grep -qx 2"), 0);
	qpdf_finds_no_error("xs-signed.pdf", &x2);
	/* the document keeps its /ID */
	assert_non_null(memmem(x2.data + x1.len, x2.len - x1.len, "/ID [", 5));
	assert_int_equal(mc_pdf_signatures(x2.data, x2.len, &s, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(s[1].field, "Signature2");
	assert_int_equal(s[1].whole, 1);
	mc_pdf_signatures_free(s, n);
	mc_buf_release(&xs);
	mc_buf_release(&x1);
	mc_buf_release(&x2);
	mc_buf_release(&form);
	mc_buf_release(&out);
}

static void stamp_image(void **state)
{
	(void)state;
	unsigned char *rgb, *alpha;
	int w, h;
	stamp("Nguyễn Văn Giám Đốc", "Sở Tư pháp", 0xC00000, 200, 60, &rgb, &alpha, &w, &h);
	assert_int_equal(w, 600);
	assert_int_equal(h, 180);
	/* transparent around the text, opaque red ink on the frame and letters */
	size_t ink = 0, clear = 0;
	for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
		if (alpha[i] == 255) {
			ink++;
			assert_int_equal(rgb[3 * i], 0xC0);
			assert_int_equal(rgb[3 * i + 1], 0);
			assert_int_equal(rgb[3 * i + 2], 0);
		} else if (alpha[i] == 0) {
			clear++;
		}
	}
	assert_true(ink > 2000);
	assert_true(clear > (size_t)w * (size_t)h / 2);
	assert_int_equal(alpha[0], 0); /* a rounded corner */
	free(rgb);
	free(alpha);
	const char *l[] = {"x"};
	assert_int_equal(mc_pdf_stamp_image(l, 1, 0, 0, 60, 3, &rgb, &alpha, &w, &h), MC_E_INVAL);
	assert_int_equal(mc_pdf_stamp_image(l, 1, 0, 5000, 60, 3, &rgb, &alpha, &w, &h), MC_E_INVAL);
	assert_null(rgb);
}

/* A PDF listing one signature dictionary under thousands of fields is read
 * as one signature (not thousands of copies of the bytes it covers); nine
 * different ones are refused rather than read in part. */
static void many_fields(void **state)
{
	(void)state;
	struct mc_buf b = MC_BUF_INIT(8 << 20);
	for (int distinct = 1; distinct <= 9; distinct += 8) {
		mc_buf_reset(&b);
		mc_buf_adds(&b, "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [");
		for (int i = 0; i < 4000; i++)
			mc_buf_printf(&b, "<< /FT /Sig /T (f%d) /V %d 0 R >> ", i, 3 + i % distinct);
		mc_buf_adds(&b, "] >> >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n");
		for (int k = 0; k < distinct; k++)
			mc_buf_printf(&b, "%d 0 obj << /Type /Sig /ByteRange [0 10 20 5] /Contents <3000> >> endobj\n",
				      3 + k);
		mc_buf_adds(&b, "trailer << /Root 1 0 R >>\n%%EOF\n");
		struct mc_pdf_sig *sigs = NULL;
		int n = -1;
		int rc = mc_pdf_signatures(b.data, b.len, &sigs, &n);
		if (distinct == 1) {
			assert_int_equal(rc, 0);
			assert_int_equal(n, 1);
		} else {
			assert_int_equal(rc, MC_E_TOO_BIG);
			assert_null(sigs);
		}
		mc_pdf_signatures_free(sigs, n);
	}
	mc_buf_release(&b);
}

static void bad_inputs(void **state)
{
	(void)state;
	sign_once();
	struct mc_pdf_sigfield f = {.page = 1, .name = "Nguyễn Văn Giám Đốc", .signed_at = now};
	struct mc_buf out = MC_BUF_INIT(LIMIT);
	size_t r[4];
	const char junk[] = "%PDF-1.7\nnot really a PDF\nstartxref\n9\n%%EOF\n";
	assert_int_equal(mc_pdf_sign_prepare(junk, sizeof(junk) - 1, &f, &out, r), MC_E_INVAL);
	assert_int_equal(mc_pdf_sign_prepare("hello", 5, &f, &out, r), MC_E_INVAL);
	assert_int_equal(out.len, 0);
	struct mc_pdf_sig *s;
	int n;
	assert_int_equal(mc_pdf_signatures("hello", 5, &s, &n), MC_E_INVAL);
	/* no such page */
	f.page = 0;
	assert_int_equal(mc_pdf_sign_prepare(doc.data, doc.len, &f, &out, r), MC_E_INVAL);
	f.page = 2;
	assert_int_equal(mc_pdf_sign_prepare(doc.data, doc.len, &f, &out, r), MC_E_INVAL);
	assert_int_equal(out.len, 0);
	f.page = 1;
	/* a field name taken, or one that would nest under another */
	f.field = "Signature1";
	assert_int_equal(mc_pdf_sign_prepare(once.data, once.len, &f, &out, r), MC_E_INVAL);
	f.field = "Chữ ký.1";
	assert_int_equal(mc_pdf_sign_prepare(doc.data, doc.len, &f, &out, r), MC_E_INVAL);
	f.field = NULL;
	/* out must hold nothing: the byte range counts from its start */
	assert_int_equal(mc_buf_adds(&out, "x"), 0);
	assert_int_equal(mc_pdf_sign_prepare(doc.data, doc.len, &f, &out, r), MC_E_INVAL);
	mc_buf_reset(&out);
	/* an output limit too small for the document */
	struct mc_buf small = MC_BUF_INIT(1000);
	assert_int_equal(mc_pdf_sign_prepare(doc.data, doc.len, &f, &small, r), MC_E_TOO_BIG);
	assert_int_equal(small.len, 0);
	mc_buf_release(&small);
	/* a CMS larger than the reserve */
	f.reserve = 256;
	assert_int_equal(mc_pdf_sign_prepare(doc.data, doc.len, &f, &out, r), 0);
	assert_int_equal(r[2] - r[1], 2 * 256 + 2);
	struct mc_buf der = MC_BUF_INIT(1 << 20);
	struct mc_cert *chain[] = {ca.cert};
	struct mc_signer sg = {official.cert, official.key, chain, 1};
	assert_int_equal(mc_cms_sign(out.data, r[1], &sg, NULL, now, MC_CMS_PADES, &der), 0);
	assert_true(der.len > 256);
	assert_int_equal(mc_pdf_sign_finish(&out, r, der.data, der.len), MC_E_TOO_BIG);
	assert_int_equal(mc_pdf_sign_finish(&out, r, der.data, 256), 0);
	/* a range that is not the output's */
	size_t wrong[4] = {0, r[1] + 1, r[2], r[3]};
	assert_int_equal(mc_pdf_sign_finish(&out, wrong, der.data, 10), MC_E_INVAL);
	mc_buf_release(&der);
	mc_buf_release(&out);
}

/* ---- numbered after signing: stamps ---- */

/* The document the leader signs: no number, no day and month yet. */
static const char blank_json[] =
	"{\"superior\": \"UBND Thành phố Hồ Chí Minh\", \"issuer\": \"Sở Tư pháp\", \"number_text\": \"      /QĐ-STP\","
	" \"type_code\": \"quyet_dinh\", \"type_name\": \"Quyết định\","
	" \"summary\": \"Về việc ban hành Quy chế chứng thực điện tử\", \"place\": \"Thành phố Hồ Chí Minh\","
	" \"date\": \"2026\","
	" \"content\": \"Ban hành kèm theo Quyết định này Quy chế chứng thực bản sao điện tử từ bản chính.\\nQuyết "
	"định này có hiệu lực kể từ ngày ký.\","
	" \"signer\": {\"form\": \"KT.\", \"for_title\": \"Giám đốc\", \"position\": \"Phó Giám đốc\","
	"  \"name\": \"Nguyễn Văn Giám Đốc\"},"
	" \"recipients\": [\"Như Điều 3\", \"Lưu: VT, HCTP\"]}";

/* A round red seal on a transparent background, side pt at 3 px a pt:
 * two rings and a star, as an organisation's seal looks from afar. */
static void seal_image(double side, unsigned char **rgb, unsigned char **alpha, int *pw, int *ph)
{
	int n = (int)ceil(side * 3);
	cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, n, n);
	cairo_t *cr = cairo_create(sf);
	double c = n / 2.0;
	cairo_set_source_rgb(cr, 0.85, 0.05, 0.05);
	cairo_set_line_width(cr, n * 0.035);
	cairo_arc(cr, c, c, n * 0.47, 0, 2 * M_PI);
	cairo_stroke(cr);
	cairo_set_line_width(cr, n * 0.015);
	cairo_arc(cr, c, c, n * 0.33, 0, 2 * M_PI);
	cairo_stroke(cr);
	for (int i = 0; i < 10; i++) {
		double r = i % 2 ? n * 0.08 : n * 0.2, a = -M_PI / 2 + i * M_PI / 5;
		if (i)
			cairo_line_to(cr, c + r * cos(a), c + r * sin(a));
		else
			cairo_move_to(cr, c + r * cos(a), c + r * sin(a));
	}
	cairo_close_path(cr);
	cairo_fill(cr);
	cairo_surface_flush(sf);
	assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	const unsigned char *data = cairo_image_surface_get_data(sf);
	int stride = cairo_image_surface_get_stride(sf);
	*rgb = malloc((size_t)n * (size_t)n * 3);
	*alpha = malloc((size_t)n * (size_t)n);
	for (int y = 0; y < n; y++)
		for (int x = 0; x < n; x++) {
			uint32_t px;
			memcpy(&px, data + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
			size_t i = (size_t)y * (size_t)n + (size_t)x;
			unsigned a = px >> 24;
			(*alpha)[i] = (unsigned char)a;
			for (int k = 0; k < 3; k++) { /* premultiplied: back to the colour itself */
				unsigned v = a ? (((px >> (16 - 8 * k)) & 255) * 255 + a / 2) / a : 0;
				(*rgb)[3 * i + (size_t)k] = (unsigned char)(v > 255 ? 255 : v);
			}
		}
	cairo_destroy(cr);
	cairo_surface_destroy(sf);
	*pw = *ph = n;
}

/* Page 1 of a file of dir drawn in grey at 72 dpi (a pixel a point, rows
 * from the top): malloc'd, *w x *h. */
static unsigned char *gray_page(const char *name, int *w, int *h)
{
	assert_int_equal(mc_test_sh(dir, "rm -f gray-*.pgm && pdftoppm -r 72 -f 1 -l 1 -gray %s gray", name), 0);
	char path[128];
	snprintf(path, sizeof(path), "%s/gray-1.pgm", dir);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	int max;
	assert_int_equal(fscanf(f, "P5 %d %d %d", w, h, &max), 3);
	assert_int_equal(max, 255);
	fgetc(f); /* the one white space before the samples */
	size_t n = (size_t)*w * (size_t)*h;
	unsigned char *px = malloc(n);
	assert_int_equal(fread(px, 1, n, f), n);
	fclose(f);
	return px;
}

/* A box's pixels on a page of height ph pt at 72 dpi, grown by pad. */
struct area {
	int x0, y0, x1, y1;
};

static struct area area_of(const struct mc_pdf_box *b, double ph, int pad)
{
	return (struct area){(int)floor(b->x) - pad, (int)floor(ph - b->y - b->h) - pad, (int)ceil(b->x + b->w) + pad,
			     (int)ceil(ph - b->y) + pad};
}

static int in_area(const struct area *a, int x, int y)
{
	return x >= a->x0 && x < a->x1 && y >= a->y0 && y < a->y1;
}

/* The /Stamp annotations of page no of pdf whose /Contents is text. */
static int stamps_saying(const struct mc_buf *pdf, int no, const char *text)
{
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	assert_int_equal(qpdf_read_memory(q, "stamps.pdf", pdf->data, pdf->len, NULL), QPDF_SUCCESS);
	qpdf_oh annots = qpdf_oh_get_key(q, qpdf_get_page_n(q, (size_t)no - 1), "/Annots");
	int k = qpdf_oh_is_array(q, annots) ? qpdf_oh_get_array_n_items(q, annots) : 0, found = 0;
	for (int i = 0; i < k; i++) {
		qpdf_oh a = qpdf_oh_get_array_item(q, annots, i), c = qpdf_oh_get_key(q, a, "/Contents");
		if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, a, "/Subtype"), "/Stamp") &&
		    qpdf_oh_is_string(q, c) && strcmp(qpdf_oh_get_utf8_value(q, c), text) == 0)
			found++;
	}
	qpdf_cleanup(&q);
	return found;
}

/* The whole flow of an outgoing document: signed by the leader before it
 * has a number, numbered and dated by stamps in an update, sealed by the
 * organisation over the left third of the signature. */
static void numbered_after_signing(void **state)
{
	(void)state;
	json_error_t je;
	json_t *j = json_loads(blank_json, 0, &je);
	assert_non_null(j);
	struct mc_error e;
	mc_error_init(&e);
	struct mc_pdf_marks m;
	struct mc_buf blank = MC_BUF_INIT(LIMIT), leader = MC_BUF_INIT(LIMIT), stamped = MC_BUF_INIT(LIMIT),
		      sealed = MC_BUF_INIT(LIMIT);
	assert_int_equal(mc_pdf_document_marked(j, &blank, &m, &e), 0);
	json_decref(j);
	assert_int_equal(m.number.page, 1);
	assert_int_equal(m.date.page, 1);
	assert_int_equal(m.signature.page, 1);
	mc_test_write(dir, "blank.pdf", blank.data, blank.len);

	/* the leader, in the space between the position and the name */
	unsigned char *rgb, *alpha;
	int w, h;
	const struct mc_pdf_box *sb = &m.signature;
	stamp("Nguyễn Văn Giám Đốc", "Sở Tư pháp Thành phố Hồ Chí Minh", 0x0033A0, sb->w, sb->h, &rgb, &alpha, &w, &h);
	struct mc_pdf_sigfield f = {.page = sb->page,
				    .x = sb->x,
				    .y = sb->y,
				    .w = sb->w,
				    .h = sb->h,
				    .name = "Nguyễn Văn Giám Đốc",
				    .reason = "Ký ban hành",
				    .location = "Thành phố Hồ Chí Minh",
				    .signed_at = now,
				    .rgb = rgb,
				    .alpha = alpha,
				    .img_w = w,
				    .img_h = h};
	sign(&blank, &f, &official, &leader);
	free(rgb);
	free(alpha);
	mc_test_write(dir, "leader.pdf", leader.data, leader.len);

	/* the clerical officer: the number and the date over the blank lines */
	const char *number = "Số: 15/QĐ-STP", *date = "Thành phố Hồ Chí Minh, ngày 07 tháng 12 năm 2026";
	unsigned char *nrgb, *drgb;
	int nw, nh, dw, dh;
	assert_int_equal(mc_pdf_text_image(number, 13, m.number.w, m.number.h, 3, &nrgb, &nw, &nh), 0);
	char markup[160];
	snprintf(markup, sizeof(markup), "<i>%s</i>", date);
	assert_int_equal(mc_pdf_text_image(markup, 13, m.date.w, m.date.h, 3, &drgb, &dw, &dh), 0);
	const struct mc_pdf_stamp st[] = {
		{m.number.page, m.number.x, m.number.y, m.number.w, m.number.h, nrgb, NULL, nw, nh, number},
		{m.date.page, m.date.x, m.date.y, m.date.w, m.date.h, drgb, NULL, dw, dh, date},
	};
	assert_int_equal(mc_pdf_add_stamps(leader.data, leader.len, st, 2, &stamped), 0);
	free(nrgb);
	free(drgb);
	assert_memory_equal(stamped.data, leader.data, leader.len);
	mc_test_write(dir, "stamped.pdf", stamped.data, stamped.len);
	/* two stamps, the page rewritten once, the catalog and the form not */
	const char *upd = stamped.data + leader.len;
	size_t un = stamped.len - leader.len;
	const char *a1 = memmem(upd, un, "/Subtype /Stamp", 15);
	assert_non_null(a1);
	assert_non_null(memmem(a1 + 1, un - (size_t)(a1 + 1 - upd), "/Subtype /Stamp", 15));
	const char *pg = memmem(upd, un, "/Annots [", 9);
	assert_non_null(pg);
	assert_null(memmem(pg + 1, un - (size_t)(pg + 1 - upd), "/Annots [", 9));
	assert_null(memmem(upd, un, "/AcroForm", 9));
	assert_null(memmem(upd, un, "/Sig", 4));
	assert_int_equal(stamps_saying(&stamped, 1, number), 1);
	assert_int_equal(stamps_saying(&stamped, 1, date), 1);
	assert_int_equal(mc_test_sh(dir, "pdfsig stamped.pdf"), 0);
	assert_true(mc_test_said(dir, "Signature Validation: Signature is Valid."));
	assert_true(mc_test_said(dir, "Not total document signed"));

	/* the organisation's seal over the left third of the signature */
	double side = sb->h + 16;
	seal_image(side, &rgb, &alpha, &w, &h);
	struct mc_pdf_sigfield g = {.page = sb->page,
				    .x = sb->x + (sb->w / 3 - side) / 2,
				    .y = sb->y + (sb->h - side) / 2,
				    .w = side,
				    .h = side,
				    .name = "Sở Tư pháp",
				    .reason = "Đóng dấu cơ quan",
				    .location = "Thành phố Hồ Chí Minh",
				    .signed_at = now + 60,
				    .rgb = rgb,
				    .alpha = alpha,
				    .img_w = w,
				    .img_h = h};
	sign(&stamped, &g, &org, &sealed);
	free(rgb);
	free(alpha);
	mc_test_write(dir, "sealed.pdf", sealed.data, sealed.len);

	/* pdfsig: both valid, the seal covering the whole file */
	assert_int_equal(mc_test_sh(dir, "pdfsig sealed.pdf"), 0);
	const char *text = mc_test_output(dir), *s1 = strstr(text, "Signature #1"), *s2 = strstr(text, "Signature #2");
	assert_non_null(s1);
	assert_non_null(s2);
	assert_null(strstr(text, "Signature #3"));
	char first[16384];
	snprintf(first, sizeof(first), "%.*s", (int)(s2 - s1), s1);
	assert_non_null(strstr(first, "Signer Certificate Common Name: Nguyễn Văn Giám Đốc"));
	assert_non_null(strstr(first, "Signature Validation: Signature is Valid."));
	assert_non_null(strstr(first, "Not total document signed"));
	assert_non_null(strstr(s2, "Signer Certificate Common Name: Sở Tư pháp"));
	assert_non_null(strstr(s2, "Signature Validation: Signature is Valid."));
	assert_non_null(strstr(s2, "Total document signed"));
	assert_null(strstr(s2, "Not total document signed"));
	assert_int_equal(mc_test_sh(dir, "pdfsig sealed.pdf | grep -c 'Signature is Valid.' | grep -qx 2"), 0);
	qpdf_finds_no_error("sealed.pdf", &sealed);
	assert_int_equal(stamps_saying(&sealed, 1, number), 1);

	/* ours: both intact, the leader's over the file as the leader signed it */
	struct mc_pdf_sig *s;
	int n;
	assert_int_equal(mc_pdf_signatures(sealed.data, sealed.len, &s, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(s[0].signed_len, leader.len - (2 * MC_PDF_SIG_RESERVE + 2));
	assert_int_equal(s[0].whole, 0);
	assert_int_equal(s[1].whole, 1);
	assert_int_equal(s[0].page, sb->page);
	assert_int_equal(s[1].page, sb->page);
	struct mc_trust *t = trust();
	for (int i = 0; i < 2; i++) {
		struct mc_sig_report r;
		assert_int_equal(mc_cms_verify(s[i].cms, s[i].cms_len, s[i].signed_bytes, s[i].signed_len, t, now, &r),
				 0);
		assert_true(r.intact);
		assert_int_equal(r.cert_status, MC_CERT_GOOD);
	}
	mc_trust_free(t);
	mc_pdf_signatures_free(s, n);

	/* page 1 as printed: the number and the date lines changed, and the
	 * seal's square; nothing else (a pixel of margin for antialiasing) */
	int w0, h0, w1, h1;
	unsigned char *before = gray_page("leader.pdf", &w0, &h0), *after = gray_page("sealed.pdf", &w1, &h1);
	assert_int_equal(w0, w1);
	assert_int_equal(h0, h1);
	double ph = 841.89;
	struct mc_pdf_box seal = {g.page, g.x, g.y, g.w, g.h};
	struct area na = area_of(&m.number, ph, 1), da = area_of(&m.date, ph, 1), sa = area_of(&seal, ph, 1);
	size_t changed_n = 0, changed_d = 0, dark_n = 0, elsewhere = 0;
	for (int y = 0; y < h0; y++)
		for (int x = 0; x < w0; x++) {
			size_t i = (size_t)y * (size_t)w0 + (size_t)x;
			int diff = abs(before[i] - after[i]) > 64;
			if (in_area(&na, x, y)) {
				changed_n += diff;
				dark_n += after[i] < 96;
			} else if (in_area(&da, x, y)) {
				changed_d += diff;
			} else if (!in_area(&sa, x, y)) {
				elsewhere += diff;
			}
		}
	free(before);
	free(after);
	assert_true(changed_n > 20);
	assert_true(dark_n > 50);
	assert_true(changed_d > 20);
	assert_int_equal(elsewhere, 0);

	mc_buf_release(&blank);
	mc_buf_release(&leader);
	mc_buf_release(&stamped);
	mc_buf_release(&sealed);
}

/* Stamps on two pages, one of whose /Annots is an object of its own:
 * each page (or its array) is rewritten once with all of its stamps. */
static void stamps_on_pages(void **state)
{
	(void)state;
	const char content[] = "0 0 1 rg 20 20 100 50 re f";
	char stream[128];
	snprintf(stream, sizeof(stream), "<< /Length %zu >>\nstream\n%s\nendstream", strlen(content), content);
	const char *objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 300 200] >>",
		"<< /Type /Page /Parent 2 0 R /Contents 5 0 R /Annots 6 0 R >>",
		"<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>",
		stream,
		"[7 0 R]",
		"<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (note) >>",
	};
	struct mc_buf pdf = MC_BUF_INIT(LIMIT), out = MC_BUF_INIT(LIMIT);
	make_pdf(&pdf, objs, 7);
	unsigned char *rgb;
	int w, h;
	assert_int_equal(mc_pdf_text_image("<b>Đã ký</b>", 12, 60, 20, 2, &rgb, &w, &h), 0);
	const struct mc_pdf_stamp st[] = {
		{2, 10, 10, 60, 20, rgb, NULL, w, h, "hai-một"},
		{1, 10, 150, 60, 20, rgb, NULL, w, h, NULL},
		{2, 100, 10, 60, 20, rgb, NULL, w, h, "hai-hai"},
	};
	assert_int_equal(mc_pdf_add_stamps(pdf.data, pdf.len, st, 3, &out), 0);
	free(rgb);
	mc_test_write(dir, "pages.pdf", out.data, out.len);
	qpdf_finds_no_error("pages.pdf", &out);
	const char *upd = out.data + pdf.len;
	size_t un = out.len - pdf.len;
	/* objects 8.. are the stamps: 8 (form 9, image 10), 11, 14 */
	assert_non_null(memmem(upd, un, "6 0 obj\n[ 7 0 R 11 0 R ]", 24));
	assert_non_null(memmem(upd, un, "/Annots [ 8 0 R 14 0 R ]", 24));
	assert_null(memmem(upd, un, "\n3 0 obj", 8));
	assert_null(memmem(upd, un, "\n1 0 obj", 8));
	assert_int_equal(stamps_saying(&out, 2, "hai-một"), 1);
	assert_int_equal(stamps_saying(&out, 2, "hai-hai"), 1);
	assert_int_equal(mc_test_sh(dir, "rm -f p-*.png && pdftoppm -r 30 -png pages.pdf p && test -s p-2.png"), 0);
	mc_buf_release(&pdf);
	mc_buf_release(&out);
}

/* Two pages sharing one /Annots array (writers do that): a stamp on the
 * second gives that page an array of its own; the first keeps the shared
 * one, unchanged, and shows no stamp. */
static void shared_annots(void **state)
{
	(void)state;
	const char content[] = "0 0 1 rg 20 20 100 50 re f";
	char stream[128];
	snprintf(stream, sizeof(stream), "<< /Length %zu >>\nstream\n%s\nendstream", strlen(content), content);
	const char *objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 300 200] >>",
		"<< /Type /Page /Parent 2 0 R /Contents 5 0 R /Annots 6 0 R >>",
		"<< /Type /Page /Parent 2 0 R /Contents 5 0 R /Annots 6 0 R >>",
		stream,
		"[7 0 R]",
		"<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (note) >>",
	};
	struct mc_buf pdf = MC_BUF_INIT(LIMIT), out = MC_BUF_INIT(LIMIT);
	make_pdf(&pdf, objs, 7);
	unsigned char *rgb;
	int w, h;
	assert_int_equal(mc_pdf_text_image("<b>Đã ký</b>", 12, 60, 20, 2, &rgb, &w, &h), 0);
	const struct mc_pdf_stamp st[] = {{2, 10, 10, 60, 20, rgb, NULL, w, h, "trang-hai"}};
	assert_int_equal(mc_pdf_add_stamps(pdf.data, pdf.len, st, 1, &out), 0);
	free(rgb);
	mc_test_write(dir, "shared.pdf", out.data, out.len);
	qpdf_finds_no_error("shared.pdf", &out);
	const char *upd = out.data + pdf.len;
	size_t un = out.len - pdf.len;
	assert_null(memmem(upd, un, "\n6 0 obj", 8)); /* the shared array as it was */
	assert_non_null(memmem(upd, un, "4 0 obj", 7));
	assert_int_equal(stamps_saying(&out, 2, "trang-hai"), 1);
	assert_int_equal(stamps_saying(&out, 1, "trang-hai"), 0);
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	assert_int_equal(qpdf_read_memory(q, "shared.pdf", out.data, out.len, NULL), QPDF_SUCCESS);
	assert_int_equal(qpdf_oh_get_array_n_items(q, qpdf_oh_get_key(q, qpdf_get_page_n(q, 0), "/Annots")), 1);
	assert_int_equal(qpdf_oh_get_array_n_items(q, qpdf_oh_get_key(q, qpdf_get_page_n(q, 1), "/Annots")), 2);
	qpdf_cleanup(&q);
	mc_buf_release(&pdf);
	mc_buf_release(&out);
}

static void stamp_bad_inputs(void **state)
{
	(void)state;
	unsigned char px[3 * 4] = {0};
	struct mc_pdf_stamp ok = {1, 100, 100, 50, 20, px, NULL, 2, 2, "x"}, t;
	struct mc_buf out = MC_BUF_INIT(LIMIT);
	const char junk[] = "%PDF-1.7\nnot really a PDF\nstartxref\n9\n%%EOF\n";
	assert_int_equal(mc_pdf_add_stamps("hello", 5, &ok, 1, &out), MC_E_INVAL);
	assert_int_equal(mc_pdf_add_stamps(junk, sizeof(junk) - 1, &ok, 1, &out), MC_E_INVAL);
	assert_int_equal(mc_pdf_add_stamps(NULL, 0, &ok, 1, &out), MC_E_INVAL);
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, NULL, 1, &out), MC_E_INVAL);
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, &ok, 0, &out), MC_E_INVAL);
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, &ok, -1, &out), MC_E_INVAL);
	/* no such page (the document has one) */
	t = ok, t.page = 0;
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, &t, 1, &out), MC_E_INVAL);
	t = ok, t.page = 2;
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, &t, 1, &out), MC_E_INVAL);
	/* the second of two bad: nothing is written */
	struct mc_pdf_stamp two[] = {ok, t};
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, two, 2, &out), MC_E_INVAL);
	/* an empty or absurd rectangle */
	t = ok, t.w = 0;
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, &t, 1, &out), MC_E_INVAL);
	t = ok, t.h = -5;
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, &t, 1, &out), MC_E_INVAL);
	t = ok, t.x = NAN;
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, &t, 1, &out), MC_E_INVAL);
	t = ok, t.y = 1e9;
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, &t, 1, &out), MC_E_INVAL);
	/* no image, or one of no size */
	t = ok, t.rgb = NULL;
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, &t, 1, &out), MC_E_INVAL);
	t = ok, t.img_w = 0;
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, &t, 1, &out), MC_E_INVAL);
	t = ok, t.img_h = 0;
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, &t, 1, &out), MC_E_INVAL);
	t = ok, t.img_w = 5000;
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, &t, 1, &out), MC_E_INVAL);
	assert_int_equal(out.len, 0);
	/* out must hold nothing; an output limit too small */
	assert_int_equal(mc_buf_adds(&out, "x"), 0);
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, &ok, 1, &out), MC_E_INVAL);
	struct mc_buf small = MC_BUF_INIT(1000);
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, &ok, 1, &small), MC_E_TOO_BIG);
	assert_int_equal(small.len, 0);
	mc_buf_release(&small);
	/* and the good one goes through */
	mc_buf_reset(&out);
	assert_int_equal(mc_pdf_add_stamps(doc.data, doc.len, &ok, 1, &out), 0);
	assert_true(out.len > doc.len);
	mc_buf_release(&out);
}

static void text_image(void **state)
{
	(void)state;
	unsigned char *rgb;
	int w, h;
	assert_int_equal(mc_pdf_text_image("Số: 15/QĐ-STP", 13, 180, 16, 3, &rgb, &w, &h), 0);
	assert_int_equal(w, 540);
	assert_int_equal(h, 48);
	/* opaque white at the corners, ink in the middle, centred */
	const int corner[4][2] = {{0, 0}, {w - 1, 0}, {0, h - 1}, {w - 1, h - 1}};
	for (int k = 0; k < 4; k++)
		for (int c = 0; c < 3; c++)
			assert_int_equal(rgb[((size_t)corner[k][1] * (size_t)w + (size_t)corner[k][0]) * 3 + (size_t)c],
					 255);
	int dark = 0, left = w, right = -1, top = h, bottom = -1;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			const unsigned char *p = rgb + ((size_t)y * (size_t)w + (size_t)x) * 3;
			assert_true(p[0] == p[1] && p[1] == p[2]); /* black on white: grey only */
			if (p[0] < 96) {
				dark++;
				left = x < left ? x : left;
				right = x > right ? x : right;
				top = y < top ? y : top;
				bottom = y > bottom ? y : bottom;
			}
		}
	assert_true(dark > 200);
	assert_true(abs(left - (w - 1 - right)) < 9);
	assert_true(top > 0 && bottom < h - 1);
	assert_true(right - left > w / 3 && right - left < w - 60); /* 13 pt: about 100 pt wide */
	free(rgb);
	/* too long for the box at 13 pt: smaller, still inside it */
	assert_int_equal(mc_pdf_text_image("<i>Thành phố Hồ Chí Minh, ngày 07 tháng 12 năm 2026</i>", 13, 150, 16, 2,
					   &rgb, &w, &h),
			 0);
	assert_int_equal(w, 300);
	int edge = 0;
	for (int y = 0; y < h; y++)
		edge += rgb[(size_t)y * (size_t)w * 3] < 200 || rgb[((size_t)y * (size_t)w + (size_t)w - 1) * 3] < 200;
	assert_int_equal(edge, 0);
	free(rgb);
	/* two lines */
	assert_int_equal(mc_pdf_text_image("Số: 15\n<b>QĐ-STP</b>", 13, 100, 40, 1, &rgb, &w, &h), 0);
	free(rgb);
	/* refused: bad markup, bad sizes */
	assert_int_equal(mc_pdf_text_image("<b>Số", 13, 100, 20, 3, &rgb, &w, &h), MC_E_INVAL);
	assert_null(rgb);
	assert_int_equal(mc_pdf_text_image(NULL, 13, 100, 20, 3, &rgb, &w, &h), MC_E_INVAL);
	assert_int_equal(mc_pdf_text_image("x", 0, 100, 20, 3, &rgb, &w, &h), MC_E_INVAL);
	assert_int_equal(mc_pdf_text_image("x", 13, 0, 20, 3, &rgb, &w, &h), MC_E_INVAL);
	assert_int_equal(mc_pdf_text_image("x", 13, 100, -1, 3, &rgb, &w, &h), MC_E_INVAL);
	assert_int_equal(mc_pdf_text_image("x", 13, 5000, 20, 3, &rgb, &w, &h), MC_E_INVAL);
	assert_int_equal(mc_pdf_text_image("x", NAN, 100, 20, 3, &rgb, &w, &h), MC_E_INVAL);
	assert_null(rgb);
	assert_int_equal(w, 0);
}

static int setup(void **state)
{
	(void)state;
	if (mc_crypto_init())
		return -1;
	if (mc_test_scratch(dir, sizeof(dir), "pdfsign"))
		return -1;
	now = (int64_t)time(NULL);
	issue(&root, MC_CERT_ROOT, "motcua Root CA", NULL, now - 30 * DAY, now + 3650 * DAY);
	issue(&ca, MC_CERT_CA, "motcua Issuing CA", &root, now - 30 * DAY, now + 1825 * DAY);
	issue(&tsa, MC_CERT_TSA, "motcua TSA", &ca, now - 30 * DAY, now + 1825 * DAY);
	issue(&official, MC_CERT_SIGN, "Nguyễn Văn Giám Đốc", &ca, now - DAY, now + 730 * DAY);
	issue(&org, MC_CERT_ORG, "Sở Tư pháp", &ca, now - DAY, now + 730 * DAY);
	json_error_t je;
	json_t *j = json_loads(document_json, 0, &je);
	if (!j)
		return -1;
	struct mc_error e;
	mc_error_init(&e);
	int rc = mc_pdf_document(j, &doc, &e);
	json_decref(j);
	if (rc)
		return -1;
	mc_test_write(dir, "doc.pdf", doc.data, doc.len);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	struct party *all[] = {&root, &ca, &tsa, &official, &org};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		party_free(all[i]);
	mc_buf_release(&doc);
	mc_buf_release(&once);
	mc_buf_release(&twice);
	/* font caches of cairo, pango and fontconfig, for LeakSanitizer */
	mc_pdf_release_caches();
	return mc_test_scratch_rm(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signed_once),      cmocka_unit_test(signed_twice),
		cmocka_unit_test(read_back),        cmocka_unit_test(tampered),
		cmocka_unit_test(invisible),        cmocka_unit_test(stamp_image),
		cmocka_unit_test(other_structures), cmocka_unit_test(bad_inputs),
		cmocka_unit_test(many_fields),      cmocka_unit_test(numbered_after_signing),
		cmocka_unit_test(stamps_on_pages),  cmocka_unit_test(shared_annots),
		cmocka_unit_test(stamp_bad_inputs), cmocka_unit_test(text_image),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
