/* shell.c (tests) - see shell.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

int mc_test_scratch(char *dir, size_t n, const char *what)
{
	snprintf(dir, n, "/tmp/mc_%s_XXXXXX", what);
	return mkdtemp(dir) ? 0 : -1;
}

int mc_test_scratch_rm(const char *dir)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

void mc_test_write(const char *dir, const char *name, const void *p, size_t n)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

int mc_test_sh(const char *dir, const char *fmt, ...)
{
	char cmd[4096], full[4400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "cd '%s' && (%s) >out.txt 2>&1", dir, cmd);
	int rc = system(full);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

const char *mc_test_output(const char *dir)
{
	static char text[32768];
	char path[300];
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	text[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return text;
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return text;
}

int mc_test_said(const char *dir, const char *s)
{
	const char *text = mc_test_output(dir);
	if (strstr(text, s))
		return 1;
	fprintf(stderr, "expected \"%s\" in:\n%s\n", s, text);
	return 0;
}
