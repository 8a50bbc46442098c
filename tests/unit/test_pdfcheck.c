/*
 * test_pdfcheck.c - render/pdfcheck: an uploaded PDF with active content
 * is found however it is written (a plain object, a name spelled with
 * #-escapes, inside a compressed object stream where no byte of the file
 * says "JavaScript"), and an ordinary paper passes.  The compressed copy is
 * made with qpdf itself, as a PDF writer would make it.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "render/pdfcheck.h"

#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEAD  "%PDF-1.5\n"
#define PAGES "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
#define TAIL  "trailer << /Root 1 0 R >>\n%%EOF\n"

static enum mc_pdf_verdict check(const char *pdf, size_t n, char *what)
{
	return mc_pdf_check(pdf, n, what, 64);
}

static enum mc_pdf_verdict check_str(const char *pdf, char *what)
{
	return check(pdf, strlen(pdf), what);
}

static void plain_paper_passes(void **state)
{
	(void)state;
	char what[64];
	assert_int_equal(check_str(HEAD "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" PAGES TAIL, what),
			 MC_PDF_CLEAN);
	/* a link to a web page and a go-to inside the document are fine */
	assert_int_equal(check_str(HEAD
				   "1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction << /S /GoTo /D [3 0 R /Fit] >>"
				   " /URI << /Base (https://dichvucong.gov.vn/) >> >> endobj\n" PAGES TAIL,
				   what),
			 MC_PDF_CLEAN);
	/* the sample scan of the browser tests */
	char path[512];
	snprintf(path, sizeof(path), "%s/tests/data/sample.pdf", getenv("MC_SHARE") ? getenv("MC_SHARE") : ".");
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(check(buf, n, what), MC_PDF_CLEAN);
}

static void javascript_is_found(void **state)
{
	(void)state;
	char what[64];
	assert_int_equal(
		check_str(
			HEAD
			"1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"
			" endobj\n" PAGES TAIL,
			what),
		MC_PDF_ACTIVE);
	/* a name tree of document scripts, reached through an indirect object */
	assert_int_equal(check_str(HEAD
				   "1 0 obj << /Type /Catalog /Pages 2 0 R /Names 3 0 R >> endobj\n" PAGES
				   "3 0 obj << /JavaScript 4 0 R >> endobj\n4 0 obj << /Names [(a) 5 0 R] >> endobj\n"
				   "5 0 obj << /S /JavaScript /JS (this.print()) >> endobj\n" TAIL,
				   what),
			 MC_PDF_ACTIVE);
	assert_string_equal(what, "/JavaScript");
	/* the name written with escapes: /J#61vaScript is /JavaScript */
	assert_int_equal(
		check_str(HEAD
			  "1 0 obj << /Type /Catalog /Pages 2 0 R /AA << /O << /S /J#61v#61Script /J#53 (x) >> >> >>"
			  " endobj\n" PAGES TAIL,
			  what),
		MC_PDF_ACTIVE);
}

static void other_active_content_is_found(void **state)
{
	(void)state;
	char what[64];
	assert_int_equal(check_str(HEAD
				   "1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>"
				   " endobj\n" PAGES TAIL,
				   what),
			 MC_PDF_ACTIVE);
	assert_string_equal(what, "/Launch");
	assert_int_equal(
		check_str(HEAD "1 0 obj << /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [] >> >> >>"
			       " endobj\n" PAGES TAIL,
			  what),
		MC_PDF_ACTIVE);
	assert_int_equal(
		check_str(
			HEAD
			"1 0 obj << /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 3 0 R >> >> endobj\n" PAGES
			"3 0 obj << >> endobj\n" TAIL,
			what),
		MC_PDF_ACTIVE);
	assert_int_equal(
		check_str(HEAD
			  "1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction << /S /SubmitForm /F (http://x/) >> >>"
			  " endobj\n" PAGES TAIL,
			  what),
		MC_PDF_ACTIVE);
}

/* The script inside a compressed object stream, written by qpdf. */
static void javascript_in_an_object_stream_is_found(void **state)
{
	(void)state;
	const char *src = HEAD "1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >> endobj\n" PAGES
			       "3 0 obj << /S /JavaScript /JS (app.launchURL('http://x/')) >> endobj\n"
			       "trailer << /Root 1 0 R /Size 4 >>\n%%EOF\n";
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	assert_false(qpdf_read_memory(q, "in.pdf", src, strlen(src), NULL) & QPDF_ERRORS);
	assert_false(qpdf_init_write_memory(q) & QPDF_ERRORS);
	qpdf_set_object_stream_mode(q, qpdf_o_generate);
	qpdf_set_compress_streams(q, QPDF_TRUE);
	assert_false(qpdf_write(q) & QPDF_ERRORS);
	size_t n = qpdf_get_buffer_length(q);
	char *out = malloc(n);
	memcpy(out, qpdf_get_buffer(q), n);
	qpdf_cleanup(&q);
	/* nothing in the bytes says it: a scan of the file would miss it */
	assert_null(memmem(out, n, "JavaScript", 10));
	assert_null(memmem(out, n, "/JS", 3));
	char what[64];
	enum mc_pdf_verdict v = check(out, n, what);
	if (v != MC_PDF_ACTIVE)
		fprintf(stderr, "verdict %d (%s)\n", v, what);
	assert_int_equal(v, MC_PDF_ACTIVE);
	free(out);
}

static void unreadable_is_said(void **state)
{
	(void)state;
	char what[64];
	assert_int_equal(check_str("%PDF-1.4\n% nothing but a comment\n%%EOF\n", what), MC_PDF_UNREADABLE);
	assert_int_equal(check_str("%PDF-", what), MC_PDF_UNREADABLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_paper_passes),
		cmocka_unit_test(javascript_is_found),
		cmocka_unit_test(other_active_content_is_found),
		cmocka_unit_test(javascript_in_an_object_stream_is_found),
		cmocka_unit_test(unreadable_is_said),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
