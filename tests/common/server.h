/*
 * server.h - run a real `motcua serve` (MOTCUA_BIN) on a free loopback port
 * against a given database, for HTTP tests.
 */
#ifndef MC_TEST_SERVER_H
#define MC_TEST_SERVER_H

#include <stddef.h>
#include <sys/types.h>

struct mc_test_server {
	pid_t pid;
	int port;
	char base[64]; /* http://127.0.0.1:PORT */
	char log[256]; /* the server's stderr */
};

/* Start with MOTCUA_DB=db_url and extra "KEY=VALUE" environment entries
 * (NULL-terminated, may be NULL); waits until /healthz answers. */
void mc_test_server_start(struct mc_test_server *s, const char *db_url, const char *const *env);
/* The same with another binary (MOTCUA_RELEASE_BIN: the motcua that users run). */
void mc_test_server_start_bin(struct mc_test_server *s, const char *bin, const char *db_url, const char *const *env);
/* Wait up to timeout_s for the server to exit by itself (a crash the test
 * injected); returns its exit status (128 + signal), or -1 if it still runs. */
int mc_test_server_wait(struct mc_test_server *s, int timeout_s);
/* SIGTERM, wait; returns the exit status (or -1 if it did not exit). */
int mc_test_server_stop(struct mc_test_server *s);
/* How many lines of the file at path (a server's log) hold text; 0 for a
 * file that cannot be read. */
int mc_test_log_count(const char *path, const char *text);

/* Run `MOTCUA_BIN ARGS` (a shell word list) with MOTCUA_DB=db_url; its
 * standard output (up to n - 1 bytes) in out; returns the exit status,
 * or -1 when it did not exit normally. */
int mc_test_run_cli(const char *db_url, const char *args, char *out, size_t n);

/* A free TCP port on 127.0.0.1 (exits 1 when there is none). */
int mc_test_free_port(void);
/* Run a stand-in written in Python (Debian's /usr/bin/python3: a pyenv
 * python3 first on PATH may lack the modules): argv is the script and its
 * arguments, NULL-terminated; its standard output goes to dir/ready.<pid>
 * and it is waited for (10 s at most) until it prints "ready".  It gets
 * SIGTERM if the test process dies first.  Returns its pid; exits 1 when it
 * does not get ready. */
pid_t mc_test_python_start(const char *dir, const char *const *argv);

#endif
