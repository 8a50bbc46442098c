/* doctext.c (tests) - see doctext.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "doctext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Write bytes to a new temporary file; its path goes to path. */
static void temp_file(const char *data, size_t len, const char *suffix, char *path, size_t n)
{
	snprintf(path, n, "/tmp/mc_test_doc_XXXXXX%s", suffix);
	int fd = mkstemps(path, (int)strlen(suffix));
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* The whole output of a shell command, white space squeezed. */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 16, n = 0;
	char *out = malloc(cap);
	int ch, space = 0;
	while ((ch = fgetc(p)) != EOF) {
		if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' || ch == '\f') {
			space = 1;
			continue;
		}
		if (n + 3 >= cap)
			out = realloc(out, cap *= 2);
		if (space && n)
			out[n++] = ' ';
		space = 0;
		out[n++] = (char)ch;
	}
	out[n] = '\0';
	assert_int_equal(pclose(p), 0);
	return out;
}

/* The body, which starts with magic, written to a temporary file that
 * cmd (a format with one %s, the file) reads out. */
static char *doc_text(const struct mc_http_res *r, const char *magic, const char *suffix, const char *cmd_fmt)
{
	size_t m = strlen(magic);
	assert_true(r->len > m);
	assert_memory_equal(r->body, magic, m);
	char path[64], cmd[192];
	temp_file(r->body, r->len, suffix, path, sizeof(path));
	snprintf(cmd, sizeof(cmd), cmd_fmt, path);
	char *t = run(cmd);
	unlink(path);
	return t;
}

char *mc_test_pdf_text(const struct mc_http_res *r)
{
	return doc_text(r, "%PDF-", ".pdf", "pdftotext -enc UTF-8 %s -");
}

char *mc_test_xlsx_sheet(const struct mc_http_res *r)
{
	return doc_text(r, "PK\x03\x04", ".xlsx", "unzip -p %s xl/worksheets/sheet1.xml");
}

void mc_test_expect_text(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("\"%s\" not found in:\n%s", want, text);
}
