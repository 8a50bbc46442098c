/*
 * shell.h (tests) - outside tools run as a relying party would (openssl,
 * pdfsig, xmllint...): a scratch folder per test program, files written
 * into it, shell commands run there with their output kept for checks.
 */
#ifndef MC_TEST_SHELL_H
#define MC_TEST_SHELL_H

#include <stddef.h>

/* Make a scratch folder (/tmp/mc_<what>_XXXXXX) into dir; 0 or -1. */
int mc_test_scratch(char *dir, size_t n, const char *what);
/* Remove it and all it holds; 0 or -1. */
int mc_test_scratch_rm(const char *dir);
/* Write n bytes as dir/name (the test fails when it cannot). */
void mc_test_write(const char *dir, const char *name, const void *p, size_t n);
/* The exit status of a shell command run in dir (-1: it did not exit);
 * its standard output and error kept for mc_test_output. */
int mc_test_sh(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The output of the last mc_test_sh in dir (static memory, 32 KB at most). */
const char *mc_test_output(const char *dir);
/* 1 when the last output has s; else it is printed, to say what came
 * instead, and 0. */
int mc_test_said(const char *dir, const char *s);

#endif
