/*
 * test_render.c - the renderers (src/render): forms 01-07 as PDF, the
 * register and a generic table as XLSX, QR codes.
 *
 * The PDFs are checked from the outside with the tools a reviewer would use:
 * pdftotext (the Vietnamese text comes back intact and selectable, so it was
 * shaped from real glyphs with a ToUnicode map), pdftotext -bbox (every word
 * lies inside the page: nothing is cut), pdftoppm + zbarimg (the QR code on
 * form 01 decodes to the tracking link), pdftotext -bbox-layout (the boxes
 * mc_pdf_document_marked gives are where the number, the date and the
 * signer's name were drawn); the XLSX with unzip -p (the sheet
 * XML holds the dossier code as text and the dates as Excel serial numbers).
 * Those tools come from scripts/deps.sh's test group.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "render/pdf.h"
#include "render/qr.h"
#include "render/xlsx.h"

#include <cairo.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define A5_W  419.53
#define A5_H  595.28
#define A4_W  841.89
#define A4_H  595.28
#define A4P_W 595.28 /* A4 portrait: an official document */
#define A4P_H 841.89

#define CODE "000.01.30.H29-261126-0007"
#define URL  "http://127.0.0.1:8080/tra-cuu?ma=000.01.30.H29-261126-0007&s=K7Q2-9XPM"

/* A realistic dossier as the dossier engine hands it over (renderer
 * contract), with the blocks every form needs. */
static const char dossier_json[] =
	"{\"code\": \"" CODE "\", \"secret\": \"K7Q2-9XPM\", \"tracking_url\": \"" URL "\","
	" \"status\": \"in_progress\", \"channel\": \"counter\","
	" \"procedure\": {\"code\": \"1.004873\", \"name\": \"Xác nhận tình trạng hôn nhân\","
	"  \"name_en\": \"Certification of marital status\", \"version\": 1,"
	"  \"processing_time\": {\"value\": 3, \"unit\": \"working_day\"},"
	"  \"result\": \"Giấy xác nhận tình trạng hôn nhân\", \"field\": \"Hộ tịch\"},"
	" \"applicant\": {\"kind\": \"citizen\", \"full_name\": \"Nguyễn Văn An\", \"id_number\": \"079203001234\","
	"  \"address\": \"12 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh\", \"phone\": \"0816861711\","
	"  \"email\": \"an@example.vn\"},"
	" \"received_at\": \"2026-11-26T09:15:00+07:00\", \"due_at\": \"2026-12-01T17:00:00+07:00\","
	" \"received_by\": {\"id\": 3, \"full_name\": \"Trần Thị Bích\", \"position\": \"Chuyên viên\"},"
	" \"received_agency\": {\"code\": \"000.01.30.H29\","
	"  \"name\": \"Chi nhánh số 1 - Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh\"},"
	" \"counter\": {\"code\": \"Q-CN1-01\", \"name\": \"Quầy số 1\"},"
	" \"competent_agency\": {\"code\": \"000.01.31.H29\", \"name\": \"UBND Phường Sài Gòn\"},"
	" \"return_place\": \"Quầy số 1, Chi nhánh số 1\", \"return_method\": \"counter\","
	" \"register\": {\"book\": \"Sổ theo dõi hồ sơ 2026\", \"entry\": 7}, \"sets\": 1,"
	" \"papers\": ["
	"  {\"no\": 1, \"name\": \"Tờ khai cấp Giấy xác nhận tình trạng hôn nhân\", \"kind\": \"original\","
	"   \"count\": 1, \"note\": \"\"},"
	"  {\"no\": 2, \"name\": \"Căn cước công dân\", \"kind\": \"presented\", \"count\": 1,"
	"   \"note\": \"Đối chiếu\"},"
	"  {\"no\": 3, \"name\": \"Bản án ly hôn\", \"kind\": \"certified_copy\", \"count\": 1, \"note\": \"\"}],"
	" \"steps\": ["
	"  {\"seq\": 1, \"name\": \"Tiếp nhận hồ sơ\","
	"   \"unit\": {\"code\": \"000.01.30.H29\", \"name\": \"Bộ phận Một cửa\"},"
	"   \"handed_by\": {\"full_name\": \"Nguyễn Văn An\"}, \"handed_at\": \"2026-11-26T09:15:00+07:00\","
	"   \"received_by\": {\"full_name\": \"Trần Thị Bích\"}, \"received_at\": \"2026-11-26T09:15:00+07:00\","
	"   \"due_at\": \"2026-11-26T11:30:00+07:00\", \"finished_at\": \"2026-11-26T09:40:00+07:00\","
	"   \"result\": \"early\", \"note\": \"\"},"
	"  {\"seq\": 2, \"name\": \"Thẩm định hồ sơ\","
	"   \"unit\": {\"code\": \"000.01.31.H29\", \"name\": \"Tư pháp - Hộ tịch\"},"
	"   \"handed_by\": {\"full_name\": \"Trần Thị Bích\"}, \"handed_at\": \"2026-11-26T09:40:00+07:00\","
	"   \"received_by\": {\"full_name\": \"Lê Minh Đức\"}, \"received_at\": \"2026-11-26T10:05:00+07:00\","
	"   \"due_at\": \"2026-11-30T17:00:00+07:00\", \"finished_at\": \"2026-11-30T16:10:00+07:00\","
	"   \"result\": \"on_time\", \"note\": \"Đã xác minh\"},"
	"  {\"seq\": 3, \"name\": \"Phê duyệt kết quả\","
	"   \"unit\": {\"code\": \"000.01.31.H29\", \"name\": \"Lãnh đạo UBND\"},"
	"   \"handed_by\": {\"full_name\": \"Lê Minh Đức\"}, \"handed_at\": \"2026-11-30T16:15:00+07:00\","
	"   \"received_by\": {\"full_name\": \"Phạm Thị Hồng Nhung\"}, \"received_at\": \"2026-11-30T16:20:00+07:00\","
	"   \"due_at\": \"2026-12-01T10:00:00+07:00\", \"finished_at\": \"2026-12-01T11:20:00+07:00\","
	"   \"result\": \"late\", \"note\": \"Chờ ký\"}],"
	" \"supplement\": {\"requested_at\": \"2026-11-26T09:30:00+07:00\","
	"  \"requested_by\": {\"full_name\": \"Trần Thị Bích\"}, \"reason\": \"Hồ sơ chưa đầy đủ thành phần\","
	"  \"items\": [\"Bản sao chứng thực Giấy chứng nhận kết hôn\", \"Tờ khai ghi thiếu nơi cư trú\","
	"   \"Ảnh chân dung 4x6\"], \"deadline_note\": \"Trong 30 ngày\"},"
	" \"refusal\": {\"at\": \"2026-11-26T10:00:00+07:00\", \"by\": {\"full_name\": \"Trần Thị Bích\"},"
	"  \"reasons\": [\"Không thuộc thẩm quyền giải quyết\", \"Người yêu cầu không cư trú trên địa bàn\"]},"
	" \"extension\": {\"at\": \"2026-11-30T08:00:00+07:00\", \"reason\": \"Cần xác minh tại nơi cư trú trước đây\","
	"  \"old_due_at\": \"2026-12-01T17:00:00+07:00\", \"new_due_at\": \"2026-12-04T16:00:00+07:00\"},"
	" \"stop\": {\"at\": \"2026-11-28T14:00:00+07:00\", \"reason\": \"Người yêu cầu rút hồ sơ\"},"
	" \"completed_at\": \"2026-12-01T11:20:00+07:00\", \"result_status\": \"on_time\"}";

static char tmpdir[256];

static json_t *dossier(void)
{
	json_error_t je;
	json_t *d = json_loads(dossier_json, 0, &je);
	if (!d)
		fail_msg("test dossier JSON: %s (col %d)", je.text, je.column);
	return d;
}

static json_t *agency(void)
{
	return json_pack("{s:s,s:s}", "code", "000.01.30.H29", "name",
			 "Chi nhánh số 1 - Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh");
}

/* ---- helpers: files and external tools ---- */

static char *write_tmp(const char *name, const struct mc_buf *b)
{
	size_t n = strlen(tmpdir) + strlen(name) + 2;
	char *path = malloc(n);
	snprintf(path, n, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Run a shell command; its standard output (malloc'd); fails the test if it
 * does not exit 0. */
static char *run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	struct mc_buf out = MC_BUF_INIT(64u << 20);
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		assert_int_equal(mc_buf_add(&out, chunk, n), 0);
	int st = pclose(p);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("command failed (status %d): %s", st, cmd);
	return mc_buf_detach(&out, NULL);
}

static void need_tool(const char *tool)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	if (system(cmd) != 0)
		fail_msg("%s is missing: run scripts/deps.sh --install test", tool);
}

/* hay with every run of white space (line ends included) made one space. */
static char *flatten(const char *hay)
{
	char *o = malloc(strlen(hay) + 1), *w = o;
	for (const char *p = hay; *p; p++) {
		int space = *p == ' ' || *p == '\n' || *p == '\f' || *p == '\t' || *p == '\r';
		if (!space)
			*w++ = *p;
		else if (w > o && w[-1] != ' ')
			*w++ = ' ';
	}
	*w = '\0';
	return o;
}

/* needle is in the text as laid out, or - when a value wrapped onto the next
 * line of a one-column paragraph - in the text with line ends as spaces. */
static void contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		return;
	char *flat = flatten(hay);
	int found = strstr(flat, needle) != NULL;
	free(flat);
	if (!found)
		fail_msg("expected to find \"%s\" in:\n%s", needle, hay);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* ---- helpers: PDF structure ---- */

/* First occurrence of needle in the n bytes at hay (PDF bytes hold NULs). */
static const char *find(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return hay + i;
	return NULL;
}

static void assert_pdf(const struct mc_buf *b, double w, double h, int *pages)
{
	assert_true(b->len > 1000);
	assert_memory_equal(b->data, "%PDF-", 5);
	/* every page has the expected /MediaBox */
	int n = 0, boxes = 0;
	for (const char *p = b->data; (p = find(p, b->len - (size_t)(p - b->data), "/MediaBox [")) != NULL; p += 11) {
		double x0, y0, x1, y1;
		assert_int_equal(sscanf(p + 11, "%lf %lf %lf %lf", &x0, &y0, &x1, &y1), 4);
		assert_true(x0 == 0 && y0 == 0);
		assert_true(x1 > w - 0.01 && x1 < w + 0.01);
		assert_true(y1 > h - 0.01 && y1 < h + 0.01);
		boxes++;
	}
	for (const char *p = b->data; (p = find(p, b->len - (size_t)(p - b->data), "/Type /Page")) != NULL; p += 11)
		if (p[11] != 's')
			n++;
	assert_true(n >= 1);
	assert_int_equal(boxes, n);
	*pages = n;
}

static char *pdftext(const char *path)
{
	need_tool("pdftotext");
	return run("pdftotext -layout '%s' -", path);
}

/* Every word pdftotext finds lies inside the page, right of the left margin
 * and left of the right one: no text was cut or ran off the paper. */
static void words_inside(const char *path, double w, double h, double ml, double mr)
{
	char *html = run("pdftotext -bbox '%s' -", path);
	int words = 0;
	for (const char *p = html; (p = strstr(p, "<word xMin=\"")) != NULL; p++) {
		double x0, y0, x1, y1;
		assert_int_equal(
			sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &x0, &y0, &x1, &y1), 4);
		if (x0 < ml - 0.5 || x1 > w - mr + 0.5 || y0 < 0 || y1 > h)
			fail_msg("word outside the text area at (%.1f, %.1f)-(%.1f, %.1f): %.60s", x0, y0, x1, y1, p);
		words++;
	}
	assert_true(words > 50);
	free(html);
}

static char *render_form(int form, json_t *d, const char *lang, const char *name, int *pages)
{
	struct mc_buf b = MC_BUF_INIT(16u << 20);
	struct mc_error e;
	mc_error_init(&e);
	int rc = mc_pdf_form(form, d, lang, &b, &e);
	if (rc)
		fail_msg("form %02d: %d %s (%s)", form, rc, e.detail, e.nfields ? e.fields[0].field : "");
	assert_pdf(&b, A5_W, A5_H, pages);
	char *path = write_tmp(name, &b);
	mc_buf_release(&b);
	return path;
}

/* ---- tests ---- */

static void form01_receipt(void **state)
{
	(void)state;
	json_t *d = dossier();
	int pages;
	char *path = render_form(1, d, "vi", "f01.pdf", &pages);
	assert_int_equal(pages, 2); /* two copies (liên) of one page */
	char *t = pdftext(path);
	contains(t, "Liên 1: Lưu");
	contains(t, "Liên 2: Giao khách hàng");
	assert_int_equal(count(t, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"), 2);
	contains(t, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
	contains(t, "Độc lập - Tự do - Hạnh phúc");
	contains(t, "CHI NHÁNH SỐ 1 - TRUNG TÂM");
	contains(t, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
	contains(t, CODE);
	contains(t, "K7Q2-9XPM");
	contains(t, "Nguyễn Văn An");
	contains(t, "12 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh");
	contains(t, "0816861711");
	contains(t, "an@example.vn");
	contains(t, "Xác nhận tình trạng hôn nhân");
	contains(t, "Tờ khai cấp Giấy xác nhận tình trạng");
	contains(t, "Bản chính");
	contains(t, "Xuất trình");
	contains(t, "Bản sao chứng");
	contains(t, "3 ngày làm việc");
	contains(t, "09 giờ 15 phút, ngày 26 tháng 11 năm 2026");
	contains(t, "17 giờ 00 phút, ngày 01 tháng 12 năm 2026");
	contains(t, "Quầy số 1, Chi nhánh số 1");
	contains(t, "Sổ theo dõi hồ sơ 2026");
	contains(t, "Số thứ tự: 7");
	contains(t, "NGƯỜI NỘP HỒ SƠ");
	contains(t, "NGƯỜI TIẾP NHẬN HỒ SƠ");
	contains(t, "Trần Thị Bích");
	/* Vietnamese only: no English subtitles, no page number on one page */
	assert_null(strstr(t, "Applicant"));
	assert_null(strstr(t, "Trang 1/"));
	words_inside(path, A5_W, A5_H, 15 * 72 / 25.4, 10 * 72 / 25.4);
	free(t);

	/* lang "en": the English subtitle under each label, Vietnamese kept */
	char *pe = render_form(1, d, "en", "f01en.pdf", &pages);
	t = pdftext(pe);
	contains(t, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
	contains(t, "RECEIPT OF DOSSIER AND APPOINTMENT FOR THE RESULT");
	contains(t, "Applicant");
	contains(t, "Receiving officer");
	contains(t, "Nguyễn Văn An");
	words_inside(pe, A5_W, A5_H, 15 * 72 / 25.4, 10 * 72 / 25.4);
	free(t);
	unlink(pe);
	free(pe);
	unlink(path);
	free(path);
	json_decref(d);
}

/* The QR code printed on form 01 decodes, from a 200 dpi scan of the page,
 * to the tracking link. */
static void form01_qr_decodes(void **state)
{
	(void)state;
	need_tool("pdftoppm");
	need_tool("zbarimg");
	json_t *d = dossier();
	int pages;
	char *path = render_form(1, d, NULL, "qr.pdf", &pages);
	char *o = run("pdftoppm -r 200 -png -singlefile '%s' '%s/qr' && "
		      "zbarimg --quiet --raw '%s/qr.png' 2>/dev/null",
		      path, tmpdir, tmpdir);
	assert_string_equal(o, URL "\n");
	free(o);
	unlink(path);
	free(path);
	char png[300];
	snprintf(png, sizeof(png), "%s/qr.png", tmpdir);
	unlink(png);
	json_decref(d);
}

/* qr.c on its own: drawn on an image surface it decodes; the SVG variant is
 * a well-formed document; empty and oversized texts are refused. */
static void qr_module(void **state)
{
	(void)state;
	need_tool("zbarimg");
	const char *text = "https://dichvucong.gov.vn/tra-cuu?ma=" CODE "&s=Đ9XPM";
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 300, 300);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
	cairo_paint(cr);
	assert_int_equal(mc_qr_draw(cr, text, 20, 20, 260), 0);
	cairo_destroy(cr);
	char png[300];
	snprintf(png, sizeof(png), "%s/qr-module.png", tmpdir);
	assert_int_equal(cairo_surface_write_to_png(s, png), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	char *o = run("zbarimg --quiet --raw '%s' 2>/dev/null", png);
	char expect[300];
	snprintf(expect, sizeof(expect), "%s\n", text);
	assert_string_equal(o, expect);
	free(o);
	unlink(png);

	struct mc_buf b = MC_BUF_INIT(1u << 20);
	assert_int_equal(mc_qr_svg(URL, 0, &b), 0);
	assert_memory_equal(b.data, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39);
	contains(b.data, "<path fill=\"#000\" d=\"M4 4h7v1h-7z"); /* the top-left finder pattern */
	assert_string_equal(b.data + b.len - 9, "\"/></svg>");

	size_t len = b.len;
	assert_int_equal(mc_qr_svg("", 0, &b), MC_E_INVAL);
	char *big = malloc(4000);
	memset(big, 'x', 3999);
	big[3999] = '\0';
	assert_int_equal(mc_qr_svg(big, 0, &b), MC_E_TOO_BIG);
	assert_int_equal(b.len, len); /* out unchanged on errors */
	free(big);
	mc_buf_release(&b);

	/* an out buffer too small: refused, left as it was */
	struct mc_buf small = MC_BUF_INIT(100);
	assert_int_equal(mc_qr_svg(URL, 0, &small), MC_E_TOO_BIG);
	assert_int_equal(small.len, 0);
	mc_buf_release(&small);
}

/* 60 papers, one with an unbreakable 300-character note: the table goes on
 * over the next page(s) with its header repeated, every paper is printed,
 * and no word leaves the text area. */
static void form01_long_table(void **state)
{
	(void)state;
	json_t *d = dossier();
	json_t *papers = json_array();
	char name[128], note[301];
	memset(note, 'X', 300);
	note[300] = '\0';
	for (int i = 1; i <= 60; i++) {
		snprintf(name, sizeof(name), "Giấy tờ số %02d - Bản kê khai thông tin nhân thân", i);
		json_array_append_new(papers, json_pack("{s:i,s:s,s:s,s:i,s:s}", "no", i, "name", name, "kind",
							i % 2 ? "copy" : "original", "count", 1, "note",
							i == 30 ? note : "Ghi chú"));
	}
	json_object_set_new(d, "papers", papers);
	int pages;
	char *path = render_form(1, d, NULL, "f01long.pdf", &pages);
	assert_true(pages >= 4);
	pages /= 2; /* each copy (liên) numbered on its own */
	char *t = pdftext(path);
	for (int i = 1; i <= 60; i++) {
		snprintf(name, sizeof(name), "Giấy tờ số %02d - Bản kê khai", i);
		contains(t, name);
	}
	char pn[32];
	snprintf(pn, sizeof(pn), "Trang 1/%d", pages);
	contains(t, pn);
	snprintf(pn, sizeof(pn), "Trang %d/%d", pages, pages);
	contains(t, pn);
	/* the table header on every page it continues on, the code on top */
	assert_true(count(t, "Tên giấy tờ") >= 2);
	contains(t, "Mã hồ sơ: " CODE " (tiếp theo)");
	/* what comes after the table is all there, on the last page */
	contains(t, "17 giờ 00 phút, ngày 01 tháng 12 năm 2026");
	contains(t, "NGƯỜI TIẾP NHẬN HỒ SƠ");
	/* the long note wrapped inside its cell: all 300 X, no hyphen added */
	int xs = 0;
	for (const char *p = t; *p; p++) /* runs of X, not the X of "9XPM" */
		xs += *p == 'X' && (p[1] == 'X' || (p > t && p[-1] == 'X'));
	assert_int_equal(xs, 2 * 300); /* in each copy */
	assert_null(strstr(t, "X-"));
	words_inside(path, A5_W, A5_H, 15 * 72 / 25.4, 10 * 72 / 25.4);
	free(t);
	unlink(path);
	free(path);
	json_decref(d);
}

static void forms_02_to_06(void **state)
{
	(void)state;
	static const struct {
		int form;
		const char *texts[6];
	} cases[] = {
		{2,
		 {"PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "1. Bản sao chứng thực Giấy chứng nhận kết hôn",
		  "2. Tờ khai ghi thiếu nơi cư trú", "3. Ảnh chân dung 4x6", "Lý do: Hồ sơ chưa đầy đủ thành phần",
		  "NGƯỜI HƯỚNG DẪN"}},
		{3,
		 {"PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "1. Không thuộc thẩm quyền giải quyết",
		  "2. Người yêu cầu không cư trú trên địa bàn", "Nguyễn Văn An", CODE, NULL}},
		{4,
		 {"VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN", "Kính gửi: Ông/Bà Nguyễn Văn An",
		  "Cần xác minh tại nơi cư trú trước đây", "16 giờ 00 phút, ngày 04 tháng 12 năm 2026",
		  "17 giờ 00 phút, ngày 01 tháng 12 năm 2026", "UBND PHƯỜNG SÀI GÒN"}},
		{5,
		 {"THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "Lý do: Người yêu cầu rút hồ sơ",
		  "kể từ 14 giờ 00 phút, ngày 28 tháng 11 năm 2026", "Xác nhận tình trạng hôn nhân", CODE, NULL}},
		{6,
		 {"PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Trước hạn", "Đúng hạn", "Quá hạn", "Lê Minh Đức",
		  "Phạm Thị Hồng Nhung"}},
	};
	json_t *d = dossier();
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		char name[32];
		int pages;
		snprintf(name, sizeof(name), "f%02d.pdf", cases[c].form);
		char *path = render_form(cases[c].form, d, "vi", name, &pages);
		assert_int_equal(pages, 1);
		char *t = pdftext(path);
		contains(t, "Độc lập - Tự do - Hạnh phúc");
		for (int i = 0; i < 6 && cases[c].texts[i]; i++)
			contains(t, cases[c].texts[i]);
		words_inside(path, A5_W, A5_H, 15 * 72 / 25.4, 10 * 72 / 25.4);
		free(t);
		unlink(path);
		free(path);
	}
	json_decref(d);
}

/* 25 dossiers in the register book: A4 landscape, several pages, the
 * header row on each, page numbers, every dossier code. */
static void form07_register(void **state)
{
	(void)state;
	json_t *d = dossier(), *list = json_array(), *ag = agency();
	char code[64];
	for (int i = 1; i <= 25; i++) {
		json_t *x = json_deep_copy(d);
		snprintf(code, sizeof(code), "000.01.30.H29-2611%02d-%04d", i, i);
		json_object_set_new(x, "code", json_string(code));
		if (i % 2)
			json_object_del(x, "result_status");
		json_array_append_new(list, x);
	}
	struct mc_buf b = MC_BUF_INIT(16u << 20);
	struct mc_error e;
	mc_error_init(&e);
	assert_int_equal(mc_pdf_register(ag, "2026-11-01", "2026-11-30", list, &b, &e), 0);
	int pages;
	assert_pdf(&b, A4_W, A4_H, &pages);
	assert_true(pages >= 2);
	char *path = write_tmp("f07.pdf", &b);
	char *t = pdftext(path);
	contains(t, "SỔ THEO DÕI HỒ SƠ");
	contains(t, "Độc lập - Tự do - Hạnh phúc");
	contains(t, "01/11/2026");
	contains(t, "30/11/2026");
	for (int i = 1; i <= 25; i++) {
		snprintf(code, sizeof(code), "000.01.30.H29-2611%02d-%04d", i, i);
		contains(t, code);
	}
	assert_int_equal(count(t, "Thủ tục hành chính"), pages);
	char pn[32];
	snprintf(pn, sizeof(pn), "Trang %d/%d", pages, pages);
	contains(t, pn);
	contains(t, "Đúng hạn");
	contains(t, "Đang giải"); /* status shown while there is no result */
	words_inside(path, A4_W, A4_H, 15 * 72 / 25.4, 10 * 72 / 25.4);
	free(t);
	unlink(path);
	free(path);

	/* an empty period still gives a valid book */
	mc_buf_reset(&b);
	json_t *none = json_array();
	assert_int_equal(mc_pdf_register(ag, "2026-12-01", "2026-12-31", none, &b, &e), 0);
	assert_pdf(&b, A4_W, A4_H, &pages);
	assert_int_equal(pages, 1);
	json_decref(none);
	mc_buf_release(&b);
	json_decref(list);
	json_decref(ag);
	json_decref(d);
}

static char *unzip_member(const struct mc_buf *b, const char *file, const char *member)
{
	need_tool("unzip");
	char *path = write_tmp(file, b);
	char *x = run("unzip -p '%s' '%s'", path, member);
	unlink(path);
	free(path);
	return x;
}

/* Excel serial of a Vietnam civil time: days since 1899-12-30. */
static double excel_serial(int y, int mo, int d, int h, int mi)
{
	return (double)(mc_days_from_civil(y, mo, d) - mc_days_from_civil(1899, 12, 30)) + (h * 60 + mi) / 1440.0;
}

/* Find "<v>N</v>" in the sheet with N within 1e-6 of want. */
static int has_number(const char *xml, double want)
{
	for (const char *p = xml; (p = strstr(p, "<v>")) != NULL; p += 3) {
		double v = strtod(p + 3, NULL);
		if (v > want - 1e-6 && v < want + 1e-6)
			return 1;
	}
	return 0;
}

static void xlsx_register(void **state)
{
	(void)state;
	json_t *d = dossier(), *list = json_array(), *ag = agency();
	json_object_set_new(d, "returned_at", json_string("2026-12-02T01:30:00Z")); /* 08:30 in Vietnam */
	json_array_append(list, d);
	json_t *d2 = json_deep_copy(d);
	json_object_set_new(d2, "code", json_string("000.01.30.H29-261127-0001"));
	json_object_del(d2, "result_status");
	json_array_append_new(list, d2);

	struct mc_buf b = MC_BUF_INIT(16u << 20);
	struct mc_error e;
	mc_error_init(&e);
	assert_int_equal(mc_xlsx_register(ag, "2026-11-01", "2026-11-30", list, &b, &e), 0);
	assert_memory_equal(b.data, "PK\x03\x04", 4);
	char *sheet = unzip_member(&b, "reg.xlsx", "xl/worksheets/sheet1.xml");
	contains(sheet, CODE);
	contains(sheet, "000.01.30.H29-261127-0001");
	contains(sheet, "SỔ THEO DÕI HỒ SƠ");
	contains(sheet, "Từ ngày 01/11/2026 đến ngày 30/11/2026");
	contains(sheet, "Nguyễn Văn An");
	contains(sheet, "Đúng hạn");
	contains(sheet, "Đang giải quyết");
	/* the header row (row 5) is frozen and filtered */
	contains(sheet, "<pane ySplit=\"5\" topLeftCell=\"A6\" activePane=\"bottomLeft\" state=\"frozen\"/>");
	contains(sheet, "<autoFilter ref=\"A5:O7\"/>");
	/* times are numbers in Vietnam time, not strings */
	assert_true(has_number(sheet, excel_serial(2026, 11, 26, 9, 15)));
	assert_true(has_number(sheet, excel_serial(2026, 12, 1, 17, 0)));
	assert_true(has_number(sheet, excel_serial(2026, 12, 2, 8, 30)));
	assert_null(strstr(sheet, "2026-11-26T"));
	assert_null(strstr(sheet, "26/11/2026"));
	free(sheet);
	char *styles = unzip_member(&b, "reg.xlsx", "xl/styles.xml");
	contains(styles, "formatCode=\"dd/mm/yyyy hh:mm\"");
	contains(styles, "<b/>");
	free(styles);

	mc_buf_release(&b);
	json_decref(list);
	json_decref(ag);
	json_decref(d);
}

static void xlsx_table(void **state)
{
	(void)state;
	json_error_t je;
	json_t *cols = json_loads("[{\"key\":\"unit\",\"title\":\"Đơn vị\",\"type\":\"text\"},"
				  " {\"key\":\"n\",\"title\":\"Số hồ sơ\",\"type\":\"int\"},"
				  " {\"key\":\"rate\",\"title\":\"Tỷ lệ đúng hạn\",\"type\":\"percent\"},"
				  " {\"key\":\"last\",\"title\":\"Cập nhật\",\"type\":\"datetime\"},"
				  " {\"key\":\"day\",\"title\":\"Ngày\",\"type\":\"datetime\",\"width\":12}]",
				  0, &je);
	json_t *rows = json_loads("[{\"unit\":\"Phường Sài Gòn\",\"n\":42,\"rate\":0.953,"
				  "   \"last\":\"2026-11-30T10:00:00Z\",\"day\":\"2026-11-30\"},"
				  " {\"unit\":\"Xã Bình Hưng & <Phong Phú>\",\"n\":7,\"rate\":null},"
				  " {\"unit\":\"Ấp \\uffff\",\"n\":1}]",
				  0, &je);
	assert_non_null(cols);
	assert_non_null(rows);
	struct mc_buf b = MC_BUF_INIT(16u << 20);
	struct mc_error e;
	mc_error_init(&e);
	assert_int_equal(mc_xlsx_table("Báo cáo: 11/2026 [nháp] — tỷ lệ đúng hạn theo phường", cols, rows, &b, &e), 0);
	assert_memory_equal(b.data, "PK\x03\x04", 4);
	char *sheet = unzip_member(&b, "t.xlsx", "xl/worksheets/sheet1.xml");
	contains(sheet, "Phường Sài Gòn");
	contains(sheet, "Xã Bình Hưng &amp; &lt;Phong Phú&gt;");
	contains(sheet, "<v>42</v>");
	contains(sheet, "<v>0.953</v>");
	assert_true(has_number(sheet, excel_serial(2026, 11, 30, 17, 0)));
	assert_true(has_number(sheet, excel_serial(2026, 11, 30, 0, 0)));
	contains(sheet, "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>");
	contains(sheet, "<autoFilter ref=\"A1:E4\"/>");
	contains(sheet, "Ấp \xef\xbf\xbd"); /* U+FFFF is not allowed in XML */
	assert_null(strstr(sheet, "\xef\xbf\xbf"));
	free(sheet);
	/* the sheet name without : / [ ], cut to 31 characters */
	char *wb = unzip_member(&b, "t.xlsx", "xl/workbook.xml");
	contains(wb, "name=\"Báo cáo  11 2026  nháp  — tỷ lệ\"");
	free(wb);
	char *styles = unzip_member(&b, "t.xlsx", "xl/styles.xml");
	contains(styles, "formatCode=\"0.0%\"");
	free(styles);

	/* bad input */
	size_t len = b.len;
	json_t *bad = json_loads("[{\"key\":\"n\",\"title\":\"N\",\"type\":\"money\"}]", 0, &je);
	mc_error_init(&e);
	assert_int_equal(mc_xlsx_table("x", bad, rows, &b, &e), MC_E_VALIDATION);
	assert_int_equal(e.nfields, 1);
	assert_string_equal(e.fields[0].field, "columns.type");
	json_decref(bad);
	json_t *wrong = json_loads("[{\"unit\":\"A\",\"n\":\"many\"}]", 0, &je);
	mc_error_init(&e);
	assert_int_equal(mc_xlsx_table("x", cols, wrong, &b, &e), MC_E_VALIDATION);
	assert_string_equal(e.fields[0].field, "rows");
	contains(e.log_detail, "column n");
	json_decref(wrong);
	json_t *badtime = json_loads("[{\"last\":\"yesterday\"}]", 0, &je);
	mc_error_init(&e);
	assert_int_equal(mc_xlsx_table("x", cols, badtime, &b, &e), MC_E_VALIDATION);
	json_decref(badtime);
	json_t *empty = json_array();
	mc_error_init(&e);
	assert_int_equal(mc_xlsx_table("x", empty, rows, &b, &e), MC_E_VALIDATION);
	assert_string_equal(e.fields[0].field, "columns");
	json_decref(empty);
	assert_int_equal(b.len, len);

	/* out's limit */
	struct mc_buf small = MC_BUF_INIT(2000);
	mc_error_init(&e);
	assert_int_equal(mc_xlsx_table("x", cols, rows, &small, &e), MC_E_TOO_BIG);
	assert_int_equal(small.len, 0);
	mc_buf_release(&small);

	mc_buf_release(&b);
	json_decref(cols);
	json_decref(rows);
}

static void expect_field(int rc, const struct mc_error *e, const char *field, const char *reason)
{
	assert_int_equal(rc, MC_E_VALIDATION);
	assert_int_equal(e->code, MC_E_VALIDATION);
	for (size_t i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].field, field) == 0 && strcmp(e->fields[i].reason, reason) == 0)
			return;
	fail_msg("no field error %s/%s (%zu fields, first %s)", field, reason, e->nfields,
		 e->nfields ? e->fields[0].field : "-");
}

static void bad_input(void **state)
{
	(void)state;
	struct mc_buf b = MC_BUF_INIT(16u << 20);
	mc_buf_adds(&b, "keep");
	struct mc_error e;
	json_t *d = dossier();

	mc_error_init(&e);
	assert_int_equal(mc_pdf_form(0, d, "vi", &b, &e), MC_E_NOT_FOUND);
	mc_error_init(&e);
	assert_int_equal(mc_pdf_form(7, d, "vi", &b, &e), MC_E_NOT_FOUND); /* 07 is the register */
	mc_error_init(&e);
	assert_int_equal(mc_pdf_form(8, d, "vi", &b, &e), MC_E_NOT_FOUND);
	mc_error_init(&e);
	assert_int_equal(mc_pdf_form(1, NULL, "vi", &b, &e), MC_E_INVAL);

	json_t *x = json_deep_copy(d);
	json_object_del(x, "code");
	mc_error_init(&e);
	expect_field(mc_pdf_form(1, x, "vi", &b, &e), &e, "code", "required");
	json_object_set_new(x, "code", json_string("   "));
	mc_error_init(&e);
	expect_field(mc_pdf_form(3, x, "vi", &b, &e), &e, "code", "required");
	json_decref(x);

	x = json_deep_copy(d);
	json_object_set_new(x, "received_at", json_string("26/11/2026 09:15"));
	json_object_del(json_object_get(x, "applicant"), "full_name");
	mc_error_init(&e);
	int rc = mc_pdf_form(1, x, "vi", &b, &e);
	expect_field(rc, &e, "received_at", "format");
	expect_field(rc, &e, "applicant.full_name", "required");
	json_decref(x);

	x = json_deep_copy(d);
	json_object_del(x, "supplement");
	json_object_set_new(json_object_get(x, "refusal"), "reasons", json_array());
	json_object_del(json_object_get(x, "extension"), "new_due_at");
	json_object_del(x, "stop");
	json_object_set_new(x, "steps", json_string("none"));
	mc_error_init(&e);
	expect_field(mc_pdf_form(2, x, "vi", &b, &e), &e, "supplement.items", "required");
	mc_error_init(&e);
	expect_field(mc_pdf_form(3, x, "vi", &b, &e), &e, "refusal.reasons", "required");
	mc_error_init(&e);
	expect_field(mc_pdf_form(4, x, "vi", &b, &e), &e, "extension.new_due_at", "required");
	mc_error_init(&e);
	expect_field(mc_pdf_form(5, x, "vi", &b, &e), &e, "stop.reason", "required");
	mc_error_init(&e);
	expect_field(mc_pdf_form(6, x, "vi", &b, &e), &e, "steps", "required");
	/* the form that does not need the missing block still prints */
	mc_error_init(&e);
	assert_int_equal(mc_pdf_form(1, x, "vi", &b, &e), 0);
	json_decref(x);
	b.len = 4;
	b.data[4] = '\0';

	/* register */
	json_t *ag = agency(), *list = json_array(), *noname = json_object();
	json_array_append_new(list, json_pack("{s:s}", "status", "received"));
	mc_error_init(&e);
	expect_field(mc_pdf_register(ag, "2026-11-01", "2026-11-30", list, &b, &e), &e, "dossiers.code", "required");
	mc_error_init(&e);
	expect_field(mc_xlsx_register(ag, "2026-11-01", "2026-11-30", list, &b, &e), &e, "dossiers.code", "required");
	json_array_clear(list);
	mc_error_init(&e);
	expect_field(mc_pdf_register(ag, "2026-13-01", "2026-11-30", list, &b, &e), &e, "period_from", "format");
	mc_error_init(&e);
	expect_field(mc_xlsx_register(ag, "2026-11-01", NULL, list, &b, &e), &e, "period_to", "format");
	mc_error_init(&e);
	expect_field(mc_pdf_register(noname, "2026-11-01", "2026-11-30", list, &b, &e), &e, "name", "required");
	mc_error_init(&e);
	expect_field(mc_pdf_register(ag, "2026-11-01", "2026-11-30", NULL, &b, &e), &e, "dossiers", "type");
	/* nothing was appended by any failed call */
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "keep");

	/* out's limit: refused, out left as it was */
	struct mc_buf small = MC_BUF_INIT(4096);
	mc_buf_adds(&small, "x");
	mc_error_init(&e);
	assert_int_equal(mc_pdf_form(1, d, "vi", &small, &e), MC_E_TOO_BIG);
	assert_int_equal(small.len, 1);
	assert_string_equal(small.data, "x");
	mc_buf_release(&small);

	json_decref(noname);
	json_decref(list);
	json_decref(ag);
	json_decref(d);
	mc_buf_release(&b);
}

/* Text is printed as given: decomposed Vietnamese comes out composed (NFC),
 * markup characters are printed, not interpreted; appending keeps what out
 * already held. */
static void text_is_text(void **state)
{
	(void)state;
	json_t *d = dossier();
	/* "Nguyễn" with e + combining circumflex + combining tilde */
	json_object_set_new(json_object_get(d, "applicant"), "full_name",
			    json_string("Nguye\xcc\x82\xcc\x83n <b>An</b> & Co"));
	json_object_set_new(d, "return_place", json_string("Quầy \"số 1\" 'A'\x01"));
	/* a noncharacter, which cairo refuses as text: printed as U+FFFD */
	json_object_set_new(json_object_get(d, "procedure"), "name", json_string("Thủ tục \xef\xbf\xbf lạ"));
	struct mc_buf b = MC_BUF_INIT(16u << 20);
	mc_buf_adds(&b, "prefix");
	struct mc_error e;
	mc_error_init(&e);
	assert_int_equal(mc_pdf_form(1, d, NULL, &b, &e), 0);
	assert_memory_equal(b.data, "prefix%PDF-", 11);
	struct mc_buf pdf = MC_BUF_INIT(16u << 20);
	mc_buf_add(&pdf, b.data + 6, b.len - 6);
	char *path = write_tmp("text.pdf", &pdf);
	char *t = pdftext(path);
	contains(t, "Nguyễn <b>An</b> & Co");
	contains(t, "Quầy \"số 1\" 'A'");
	contains(t, "Thủ tục \xef\xbf\xbd lạ");
	free(t);
	unlink(path);
	free(path);
	mc_buf_release(&pdf);
	mc_buf_release(&b);
	json_decref(d);
}

/* ---- an official document's marks ---- */

/* A word as pdftotext -bbox-layout places it: top-left coordinates, pt. */
struct wbox {
	int page;
	double x0, y0, x1, y1;
};

/* The first occurrence of word (whole, as pdftotext splits them) on page
 * (0: any) of the -bbox-layout output html; the page's height in *ph. */
static int word_at(const char *html, const char *word, int page, struct wbox *w, double *ph)
{
	int pg = 0;
	size_t wl = strlen(word);
	for (const char *p = html; *p; p++) {
		double pw;
		if (strncmp(p, "<page ", 6) == 0 && sscanf(p, "<page width=\"%lf\" height=\"%lf\"", &pw, ph) == 2) {
			pg++;
			continue;
		}
		if (strncmp(p, "<word ", 6) != 0 || (page && pg != page))
			continue;
		const char *t = strchr(p, '>');
		assert_non_null(t);
		t++;
		if (strncmp(t, word, wl) != 0 || strncmp(t + wl, "</word>", 7) != 0)
			continue;
		assert_int_equal(sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &w->x0, &w->y0,
					&w->x1, &w->y1),
				 4);
		w->page = pg;
		return 1;
	}
	fail_msg("no word \"%s\" on page %d", word, page);
	return 0;
}

/* The word lies inside the box (PDF coordinates, from the bottom-left),
 * give or take a point for the font's ascent and descent. */
static void box_holds(const struct mc_pdf_box *b, const struct wbox *w, double ph)
{
	double top = ph - b->y - b->h, bot = ph - b->y;
	if (b->page != w->page || w->x0 < b->x - 1 || w->x1 > b->x + b->w + 1 || w->y0 < top - 1 || w->y1 > bot + 1)
		fail_msg("word (p%d %.1f,%.1f-%.1f,%.1f) outside box (p%d %.1f,%.1f-%.1f,%.1f)", w->page, w->x0, w->y0,
			 w->x1, w->y1, b->page, b->x, top, b->x + b->w, bot);
}

/* Render an official document of paras paragraphs (signed or not) with
 * its marks; the number and the day and month are left blank. */
static char *render_marked(int paras, int signer, const char *name, struct mc_pdf_marks *m, int *pages)
{
	json_t *d =
		json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[s,s]}", "superior", "UBND Thành phố Hồ Chí Minh",
			  "issuer", "Sở Tư pháp", "number_text", "      /QĐ-STP", "type_code", "quyet_dinh",
			  "type_name", "Quyết định", "summary", "Về việc ban hành quy chế chứng thực điện tử", "place",
			  "Thành phố Hồ Chí Minh", "date", "2026", "recipients", "Như Điều 3", "Lưu: VT, HCTP");
	struct mc_buf text = MC_BUF_INIT(1 << 20);
	for (int i = 0; i < paras; i++)
		assert_int_equal(mc_buf_printf(&text,
					       "%sĐiều %d. Các phòng, đơn vị trực thuộc và Ủy ban nhân dân các phường, "
					       "xã, đặc khu có trách nhiệm tổ chức thực hiện nghiêm túc quy chế này, "
					       "báo cáo kết quả về Sở Tư pháp trước khi kết thúc năm.",
					       i ? "\n" : "", i + 1),
				 0);
	json_object_set_new(d, "content", json_string(mc_buf_str(&text)));
	mc_buf_release(&text);
	if (signer)
		json_object_set_new(d, "signer",
				    json_pack("{s:s,s:s,s:s,s:s}", "form", "KT.", "for_title", "Giám đốc", "position",
					      "Phó Giám đốc", "name", "Nguyễn Minh Khôi"));
	struct mc_buf b = MC_BUF_INIT(16u << 20);
	struct mc_error e;
	mc_error_init(&e);
	assert_int_equal(mc_pdf_document_marked(d, &b, m, &e), 0);
	assert_pdf(&b, A4P_W, A4P_H, pages);
	char *path = write_tmp(name, &b);
	mc_buf_release(&b);
	json_decref(d);
	return path;
}

/* The marks a clerical officer stamps the number and date over and seals
 * the signature with are where pdftotext finds those lines: the number
 * box holds "Số:", the date box "ngày", the signature box is the space
 * between the position and the name, in the signer column, on the page
 * the signer block went to. */
static void document_marks(void **state)
{
	(void)state;
	need_tool("pdftotext");
	/* the header's columns: 40% and 60% of the text width; the closing's halves */
	const double ml = 30 * 72 / 25.4, mr = 15 * 72 / 25.4, cw = A4P_W - ml - mr, hcol = ml + cw * 0.4,
		     col = ml + cw / 2;
	for (int paras = 2; paras <= 24; paras += 22) {
		struct mc_pdf_marks m;
		int pages;
		char *path = render_marked(paras, 1, "marks.pdf", &m, &pages);
		char *html = run("pdftotext -bbox-layout '%s' -", path);
		int last = paras > 2 ? 2 : 1;
		assert_int_equal(pages, last);
		struct wbox so, day, pos, name;
		double ph = 0;
		word_at(html, "Số:", 1, &so, &ph);
		assert_true(ph > A4P_H - 0.01 && ph < A4P_H + 0.01);
		assert_int_equal(m.number.page, 1);
		assert_true(m.number.x > ml - 0.01 && m.number.x + m.number.w < hcol);
		box_holds(&m.number, &so, ph);
		word_at(html, "ngày", 1, &day, &ph);
		assert_int_equal(m.date.page, 1);
		box_holds(&m.date, &day, ph);
		assert_true(m.date.x > hcol - 0.01 && m.date.x + m.date.w <= A4P_W - mr + 0.01);
		/* the number and the date on the lines under the issuer and the motto */
		assert_true(m.number.h > 10 && m.number.h < 25 && m.date.h > 10 && m.date.h < 25);

		word_at(html, "PHÓ", last, &pos, &ph);
		word_at(html, "Khôi", last, &name, &ph);
		const struct mc_pdf_box *s = &m.signature;
		assert_int_equal(s->page, last);
		assert_true(s->h > 55.99 && s->h < 56.01);
		assert_true(s->x >= col && s->x + s->w <= A4P_W - mr + 0.01 && s->w > 200);
		double top = ph - s->y - s->h, bot = ph - s->y;
		if (name.y0 < bot - 4 || name.y0 > bot + 4 || pos.y1 > top + 1)
			fail_msg("signature box %.1f-%.1f, position ends %.1f, name starts %.1f", top, bot, pos.y1,
				 name.y0);
		assert_true(name.x0 > s->x && name.x1 < s->x + s->w);
		free(html);
		unlink(path);
		free(path);
	}
	/* no signer: no signature box; bad input: no marks at all */
	struct mc_pdf_marks m;
	int pages;
	char *path = render_marked(1, 0, "unsigned.pdf", &m, &pages);
	assert_int_equal(m.number.page, 1);
	assert_int_equal(m.signature.page, 0);
	unlink(path);
	free(path);
	struct mc_buf b = MC_BUF_INIT(16u << 20);
	struct mc_error e;
	mc_error_init(&e);
	json_t *bad = json_pack("{s:s}", "issuer", "Sở Tư pháp");
	memset(&m, 0xFF, sizeof(m));
	assert_int_equal(mc_pdf_document_marked(bad, &b, &m, &e), MC_E_VALIDATION);
	assert_int_equal(m.number.page, 0);
	assert_int_equal(m.date.page, 0);
	assert_true(m.signature.w == 0);
	assert_int_equal(b.len, 0);
	json_decref(bad);
	mc_buf_release(&b);
}

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TMPDIR");
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_render.XXXXXX", t && *t ? t : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	rmdir(tmpdir);
	/* font caches of cairo, pango and fontconfig, for LeakSanitizer */
	mc_pdf_release_caches();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(form01_receipt), cmocka_unit_test(form01_qr_decodes),
		cmocka_unit_test(qr_module),      cmocka_unit_test(form01_long_table),
		cmocka_unit_test(forms_02_to_06), cmocka_unit_test(form07_register),
		cmocka_unit_test(xlsx_register),  cmocka_unit_test(xlsx_table),
		cmocka_unit_test(bad_input),      cmocka_unit_test(text_is_text),
		cmocka_unit_test(document_marks),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
