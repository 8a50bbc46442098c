/*
 * test_csv.c - the RFC 4180 reader: quoted fields (commas, doubled quotes,
 * line breaks), CRLF, a byte-order mark, blank lines, a last line without a
 * newline, malformed rows, lookup by header name; and the shipped
 * data/units/current/wards.csv read in full.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmp_path[256];

/* Write content to a fresh temporary file; its path is in tmp_path. */
static const char *write_tmp(const char *content)
{
	const char *dir = getenv("TMPDIR");
	snprintf(tmp_path, sizeof(tmp_path), "%s/mc_csv_XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	size_t n = strlen(content);
	assert_int_equal(write(fd, content, n), (ssize_t)n);
	close(fd);
	return tmp_path;
}

static void remove_tmp(void)
{
	unlink(tmp_path);
}

static void rfc4180_features(void **state)
{
	(void)state;
	const char *p = write_tmp("\xEF\xBB\xBF"
				  "code,name,note\r\n"
				  "1,\"Hà Nội, Việt Nam\",\"say \"\"hi\"\"\"\r\n"
				  "\r\n"
				  "2,plain,\"line1\nline2\"\r\n"
				  "\n"
				  "3,,\"\"\r\n"
				  "5,\"crlf\r\ninside\",\"\"\"\"\n"
				  "4,last,no newline");
	struct mc_csv c;
	assert_int_equal(mc_csv_open(&c, p), 0);
	assert_int_equal(c.nheader, 3);
	/* the byte-order mark is not part of the first column's name */
	assert_string_equal(c.header[0], "code");
	assert_string_equal(c.header[1], "name");
	assert_string_equal(c.header[2], "note");

	assert_int_equal(mc_csv_next(&c), 1);
	assert_int_equal(c.nfields, 3);
	assert_string_equal(mc_csv_get(&c, "code"), "1");
	assert_string_equal(mc_csv_get(&c, "name"), "Hà Nội, Việt Nam");
	assert_string_equal(mc_csv_get(&c, "note"), "say \"hi\"");

	/* the blank line is skipped */
	assert_int_equal(mc_csv_next(&c), 1);
	assert_string_equal(mc_csv_get(&c, "code"), "2");
	assert_string_equal(mc_csv_get(&c, "name"), "plain");
	assert_string_equal(mc_csv_get(&c, "note"), "line1\nline2");

	assert_int_equal(mc_csv_next(&c), 1);
	assert_int_equal(c.nfields, 3);
	assert_string_equal(mc_csv_get(&c, "code"), "3");
	assert_string_equal(mc_csv_get(&c, "name"), "");
	assert_string_equal(mc_csv_get(&c, "note"), "");

	/* CRLF inside quotes is data; a field of one doubled quote */
	assert_int_equal(mc_csv_next(&c), 1);
	assert_string_equal(mc_csv_get(&c, "code"), "5");
	assert_string_equal(mc_csv_get(&c, "name"), "crlf\r\ninside");
	assert_string_equal(mc_csv_get(&c, "note"), "\"");

	/* the last line has no newline */
	assert_int_equal(mc_csv_next(&c), 1);
	assert_string_equal(mc_csv_get(&c, "code"), "4");
	assert_string_equal(mc_csv_get(&c, "note"), "no newline");

	assert_int_equal(mc_csv_next(&c), 0);
	assert_int_equal(mc_csv_next(&c), 0); /* stays at the end */
	mc_csv_close(&c);
	remove_tmp();
}

static void lookup_by_name(void **state)
{
	(void)state;
	const char *p = write_tmp("\"a\",b,\"c,d\"\nx,y,z,extra\nonly\n");
	struct mc_csv c;
	assert_int_equal(mc_csv_open(&c, p), 0);
	assert_int_equal(c.nheader, 3);
	assert_string_equal(c.header[2], "c,d");
	assert_int_equal(mc_csv_next(&c), 1);
	assert_string_equal(mc_csv_get(&c, "a"), "x");
	assert_string_equal(mc_csv_get(&c, "b"), "y");
	assert_string_equal(mc_csv_get(&c, "c,d"), "z");
	/* unknown columns, and the extra field without a header, read as "" */
	assert_string_equal(mc_csv_get(&c, "nope"), "");
	assert_string_equal(mc_csv_get(&c, ""), "");
	assert_string_equal(mc_csv_get(&c, "A"), "");
	/* a short row: the missing columns read as "" */
	assert_int_equal(mc_csv_next(&c), 1);
	assert_int_equal(c.nfields, 1);
	assert_string_equal(mc_csv_get(&c, "a"), "only");
	assert_string_equal(mc_csv_get(&c, "b"), "");
	assert_string_equal(mc_csv_get(&c, "c,d"), "");
	assert_int_equal(mc_csv_next(&c), 0);
	mc_csv_close(&c);
	remove_tmp();
}

static void long_fields(void **state)
{
	(void)state;
	/* a record far longer than the initial line buffer */
	size_t n = 20000;
	char *content = malloc(n + 64);
	assert_non_null(content);
	int k = snprintf(content, 64, "id,text\n7,\"");
	memset(content + k, 'y', n);
	snprintf(content + k + n, 64 - (size_t)k, "\"\n8,z\n");
	const char *p = write_tmp(content);
	free(content);
	struct mc_csv c;
	assert_int_equal(mc_csv_open(&c, p), 0);
	assert_int_equal(mc_csv_next(&c), 1);
	assert_string_equal(mc_csv_get(&c, "id"), "7");
	assert_int_equal(strlen(mc_csv_get(&c, "text")), n);
	assert_int_equal(mc_csv_next(&c), 1);
	assert_string_equal(mc_csv_get(&c, "text"), "z");
	assert_int_equal(mc_csv_next(&c), 0);
	mc_csv_close(&c);
	remove_tmp();
}

/* Open p (a good header) and expect the first row to be malformed. */
static void assert_malformed_row(const char *content)
{
	const char *p = write_tmp(content);
	struct mc_csv c;
	assert_int_equal(mc_csv_open(&c, p), 0);
	int rc = mc_csv_next(&c);
	if (rc != -1)
		fail_msg("row accepted (%d) in \"%s\"", rc, content);
	mc_csv_close(&c);
	remove_tmp();
}

static void malformed(void **state)
{
	(void)state;
	/* unterminated quote, to the end of the file */
	assert_malformed_row("a,b\n1,\"never closed\n2,3\n");
	assert_malformed_row("a,b\n1,\"open");
	/* text after a closing quote */
	assert_malformed_row("a,b\n1,\"x\"y\n");
	/* more fields than the reader supports */
	assert_malformed_row("a\n1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25\n");

	/* rows after a good one: the good one is still returned first */
	const char *p = write_tmp("a,b\n1,2\n3,\"4\n");
	struct mc_csv c;
	assert_int_equal(mc_csv_open(&c, p), 0);
	assert_int_equal(mc_csv_next(&c), 1);
	assert_string_equal(mc_csv_get(&c, "b"), "2");
	assert_int_equal(mc_csv_next(&c), -1);
	mc_csv_close(&c);
	remove_tmp();
}

static void bad_files(void **state)
{
	(void)state;
	struct mc_csv c;
	assert_int_equal(mc_csv_open(&c, "/nonexistent/dir/file.csv"), -1);
	/* an empty file has no header */
	assert_int_equal(mc_csv_open(&c, write_tmp("")), -1);
	remove_tmp();
	/* a malformed header */
	assert_int_equal(mc_csv_open(&c, write_tmp("\"a,b\n1,2\n")), -1);
	remove_tmp();
	/* a header only: no rows */
	assert_int_equal(mc_csv_open(&c, write_tmp("a,b\n")), 0);
	assert_int_equal(mc_csv_next(&c), 0);
	mc_csv_close(&c);
	remove_tmp();
}

static void real_wards_file(void **state)
{
	(void)state;
	const char *share = getenv("MC_SHARE");
	if (!share || !*share)
		share = MC_SHARE_DIR;
	char path[1024];
	snprintf(path, sizeof(path), "%s/data/units/current/wards.csv", share);
	struct mc_csv c;
	if (mc_csv_open(&c, path) != 0)
		fail_msg("cannot open %s", path);
	assert_string_equal(c.header[0], "code");
	int rows = 0, hcmc = 0, rc;
	while ((rc = mc_csv_next(&c)) == 1) {
		rows++;
		assert_int_equal(c.nfields, c.nheader);
		const char *code = mc_csv_get(&c, "code");
		assert_int_equal(strlen(code), 5);
		assert_true(strlen(mc_csv_get(&c, "name")) > 0);
		assert_int_equal(strlen(mc_csv_get(&c, "province_code")), 2);
		if (strcmp(mc_csv_get(&c, "province_code"), "79") == 0)
			hcmc++;
		if (rows == 1) {
			assert_string_equal(code, "00004");
			assert_string_equal(mc_csv_get(&c, "name"), "Ba Đình");
			assert_string_equal(mc_csv_get(&c, "full_name"), "Phường Ba Đình");
			assert_string_equal(mc_csv_get(&c, "province_code"), "01");
		}
	}
	assert_int_equal(rc, 0);
	assert_int_equal(rows, 3321);
	assert_int_equal(hcmc, 168);
	mc_csv_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc4180_features), cmocka_unit_test(lookup_by_name), cmocka_unit_test(long_fields),
		cmocka_unit_test(malformed),        cmocka_unit_test(bad_files),      cmocka_unit_test(real_wards_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
