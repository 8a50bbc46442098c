/*
 * test_config.c - runtime configuration: defaults in a clean environment,
 * the "key = value" file, environment overrides, rejected values and keys
 * (with a message naming the key and line), and mc_config_is_pg.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static char tmp_path[256];

/* Remove every MOTCUA_* variable so defaults are really defaults. */
static void clean_env(void)
{
	for (;;) {
		char name[256] = "";
		for (char **e = environ; *e; e++) {
			if (strncmp(*e, "MOTCUA_", 7) == 0) {
				size_t n = strcspn(*e, "=");
				if (n < sizeof(name)) {
					memcpy(name, *e, n);
					name[n] = '\0';
				}
				break;
			}
		}
		if (!name[0])
			return;
		assert_int_equal(unsetenv(name), 0);
	}
}

static const char *write_tmp(const char *content)
{
	const char *dir = getenv("TMPDIR");
	snprintf(tmp_path, sizeof(tmp_path), "%s/mc_conf_XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	size_t n = strlen(content);
	assert_int_equal(write(fd, content, n), (ssize_t)n);
	close(fd);
	return tmp_path;
}

static int setup_each(void **state)
{
	(void)state;
	clean_env();
	tmp_path[0] = '\0';
	return 0;
}

static int teardown_each(void **state)
{
	(void)state;
	if (tmp_path[0])
		unlink(tmp_path);
	clean_env();
	return 0;
}

static void defaults(void **state)
{
	(void)state;
	struct mc_config c;
	char err[256] = "";
	assert_int_equal(mc_config_load(&c, NULL, err, sizeof(err)), 0);
	assert_string_equal(c.data_dir, "var");
	assert_string_equal(c.db, "var/motcua.db");
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_string_equal(c.share_dir, MC_SHARE_DIR);
	assert_string_equal(c.log_level, "info");
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	long want = cores > 0 ? 4 * cores : 8;
	assert_int_equal(c.threads, want < 8 ? 8 : want > 256 ? 256 : want);
	assert_int_equal(c.db_pool, c.threads + 2);
	/* group commit on SQLite (the default database), off on PostgreSQL */
	assert_int_equal(c.db_group_commit, 64);
	assert_int_equal(c.body_limit, 1u << 20);
	assert_int_equal(c.session_ttl, 12 * 3600);
	assert_int_equal(c.session_idle, 30 * 60);
	assert_int_equal(c.login_max_user, 5);
	assert_int_equal(c.login_max_addr, 50);
	assert_int_equal(c.login_window, 15 * 60);
	assert_int_equal(c.cookie_secure, 0);
	assert_int_equal(c.shutdown_grace, 30);
	assert_int_equal(c.trust_proxy, 0);
	assert_false(mc_config_is_pg(c.db));
	/* an empty path in the environment means no file */
	setenv("MOTCUA_CONFIG", "", 1);
	assert_int_equal(mc_config_load(&c, NULL, err, sizeof(err)), 0);
	assert_string_equal(c.listen, "127.0.0.1:8080");
}

static void file_keys(void **state)
{
	(void)state;
	const char *p = write_tmp("# motcua test configuration\n"
				  "\n"
				  "   # indented comment\n"
				  "listen = 0.0.0.0:9000\n"
				  "  data_dir=/srv/motcua  \n"
				  "db = postgresql://u:p@db.local/motcua?sslmode=require\n"
				  "log_level\t=\tdebug\n"
				  "threads = 4\n"
				  "body_limit = 4096\n"
				  "session_ttl = 3600\n"
				  "cookie_secure = 1\n"
				  "trust_proxy = 1\n"
				  "shutdown_grace = 0\n");
	struct mc_config c;
	char err[256] = "";
	assert_int_equal(mc_config_load(&c, p, err, sizeof(err)), 0);
	assert_string_equal(c.listen, "0.0.0.0:9000");
	assert_string_equal(c.data_dir, "/srv/motcua");
	/* '=' inside the value belongs to the value */
	assert_string_equal(c.db, "postgresql://u:p@db.local/motcua?sslmode=require");
	assert_true(mc_config_is_pg(c.db));
	assert_string_equal(c.log_level, "debug");
	assert_int_equal(c.threads, 4);
	assert_int_equal(c.db_pool, 6);
	assert_int_equal(c.db_group_commit, 0);
	assert_int_equal(c.body_limit, 4096);
	assert_int_equal(c.session_ttl, 3600);
	assert_int_equal(c.cookie_secure, 1);
	assert_int_equal(c.trust_proxy, 1);
	assert_int_equal(c.shutdown_grace, 0);
	/* untouched keys keep their defaults */
	assert_int_equal(c.session_idle, 30 * 60);
	assert_int_equal(c.login_max_user, 5);

	/* the file named by MOTCUA_CONFIG is read when no path is given */
	setenv("MOTCUA_CONFIG", p, 1);
	memset(&c, 0, sizeof(c));
	assert_int_equal(mc_config_load(&c, NULL, err, sizeof(err)), 0);
	assert_string_equal(c.listen, "0.0.0.0:9000");
}

static void db_follows_data_dir(void **state)
{
	(void)state;
	const char *p = write_tmp("data_dir = /data/mc\n");
	struct mc_config c;
	char err[256] = "";
	assert_int_equal(mc_config_load(&c, p, err, sizeof(err)), 0);
	assert_string_equal(c.db, "/data/mc/motcua.db");
}

static void env_overrides_file(void **state)
{
	(void)state;
	const char *p = write_tmp("listen = 0.0.0.0:9000\nthreads = 4\nlog_level = debug\n");
	setenv("MOTCUA_LISTEN", "127.0.0.1:7000", 1);
	setenv("MOTCUA_THREADS", "3", 1);
	setenv("MOTCUA_DB_POOL", "9", 1);
	setenv("MOTCUA_LOGIN_MAX_ADDR", "100000", 1);
	setenv("MOTCUA_DB", "postgres://x@y/z", 1);
	setenv("MOTCUA_NOT_A_KEY", "whatever", 1); /* ignored */
	struct mc_config c;
	char err[256] = "";
	assert_int_equal(mc_config_load(&c, p, err, sizeof(err)), 0);
	assert_string_equal(c.listen, "127.0.0.1:7000");
	assert_int_equal(c.threads, 3);
	assert_int_equal(c.db_pool, 9);
	assert_int_equal(c.login_max_addr, 100000);
	assert_string_equal(c.log_level, "debug"); /* from the file */
	assert_string_equal(c.db, "postgres://x@y/z");
	assert_true(mc_config_is_pg(c.db));
}

/* Load a file of one bad line and check the message. */
static void assert_file_rejected(const char *content, const char *key, int line)
{
	const char *p = write_tmp(content);
	struct mc_config c;
	char err[512] = "";
	if (mc_config_load(&c, p, err, sizeof(err)) != -1)
		fail_msg("accepted config \"%s\"", content);
	if (key && !strstr(err, key))
		fail_msg("message \"%s\" does not name the key %s", err, key);
	char where[300];
	snprintf(where, sizeof(where), "%s:%d:", p, line);
	if (!strstr(err, where))
		fail_msg("message \"%s\" does not name %s", err, where);
	unlink(p);
	tmp_path[0] = '\0';
}

static void bad_file_values(void **state)
{
	(void)state;
	assert_file_rejected("threads = abc\n", "threads", 1);
	assert_file_rejected("# c\n\nthreads = 12x\n", "threads", 3);
	assert_file_rejected("threads = \n", "threads", 1);
	assert_file_rejected("threads = 257\n", "threads", 1);
	assert_file_rejected("threads = -1\n", "threads", 1);
	assert_file_rejected("db_pool = 99999999999999999999999\n", "db_pool", 1);
	assert_file_rejected("session_ttl = 59\n", "session_ttl", 1);
	assert_file_rejected("body_limit = 1023\n", "body_limit", 1);
	assert_file_rejected("cookie_secure = 2\n", "cookie_secure", 1);
	assert_file_rejected("trust_proxy = yes\n", "trust_proxy", 1);
	assert_file_rejected("login_max_user = 0\n", "login_max_user", 1);
	assert_file_rejected("listen = 1.2.3.4:5\nlog_level = 0123456789abcdef\n", "log_level", 2);
	/* an unknown key */
	assert_file_rejected("listen = :1\nlisten_port = 80\n", "listen_port", 2);
	assert_file_rejected("THREADS = 4\n", "THREADS", 1);
	/* not a key = value line */
	assert_file_rejected("threads 4\n", NULL, 1);

	/* a missing file */
	struct mc_config c;
	char err[512] = "";
	assert_int_equal(mc_config_load(&c, "/nonexistent/motcua.conf", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/motcua.conf"));
}

static void bad_env_values(void **state)
{
	(void)state;
	struct mc_config c;
	char err[256] = "";
	setenv("MOTCUA_THREADS", "many", 1);
	assert_int_equal(mc_config_load(&c, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "MOTCUA_THREADS"));
	unsetenv("MOTCUA_THREADS");
	setenv("MOTCUA_SESSION_IDLE", "10", 1);
	err[0] = '\0';
	assert_int_equal(mc_config_load(&c, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "MOTCUA_SESSION_IDLE"));
}

static void set_directly(void **state)
{
	(void)state;
	struct mc_config c;
	memset(&c, 0, sizeof(c));
	assert_int_equal(mc_config_set(&c, "threads", "8"), 0);
	assert_int_equal(c.threads, 8);
	assert_int_equal(mc_config_set(&c, "threads", "0"), 0);
	assert_int_equal(mc_config_set(&c, "threads", "256"), 0);
	assert_int_equal(mc_config_set(&c, "threads", "257"), -1);
	assert_int_equal(c.threads, 256); /* a refused value leaves the old one */
	assert_int_equal(mc_config_set(&c, "threads", "8 "), -1);
	assert_int_equal(mc_config_set(&c, "threads", "0x10"), -1);
	assert_int_equal(c.threads, 256);
	assert_int_equal(mc_config_set(&c, "nope", "1"), -2);
	assert_int_equal(mc_config_set(&c, "", "1"), -2);
	assert_int_equal(mc_config_set(&c, "body_limit", "1073741824"), 0);
	assert_int_equal(c.body_limit, (size_t)1 << 30);
	assert_int_equal(mc_config_set(&c, "body_limit", "1073741825"), -1);

	/* strings: the longest that fits, and one byte more */
	char v[sizeof(c.listen) + 1];
	memset(v, 'h', sizeof(c.listen) - 1);
	v[sizeof(c.listen) - 1] = '\0';
	assert_int_equal(mc_config_set(&c, "listen", v), 0);
	assert_string_equal(c.listen, v);
	v[sizeof(c.listen) - 1] = 'h';
	v[sizeof(c.listen)] = '\0';
	assert_int_equal(mc_config_set(&c, "listen", v), -1);
	assert_int_equal(strlen(c.listen), sizeof(c.listen) - 1);
	assert_int_equal(mc_config_set(&c, "listen", ""), 0);
	assert_string_equal(c.listen, "");
}

static void is_pg(void **state)
{
	(void)state;
	assert_true(mc_config_is_pg("postgresql://motcua@127.0.0.1:5432/motcua"));
	assert_true(mc_config_is_pg("postgres://u@h/d"));
	assert_true(mc_config_is_pg("postgresql://"));
	assert_false(mc_config_is_pg("var/motcua.db"));
	assert_false(mc_config_is_pg("/srv/postgresql://x.db"));
	assert_false(mc_config_is_pg("postgresql:/x"));
	assert_false(mc_config_is_pg("postgres"));
	assert_false(mc_config_is_pg("sqlite://x"));
	assert_false(mc_config_is_pg(""));
}

/* The database time limits: defaults, the environment, the ranges. */
static void db_time_limits(void **state)
{
	(void)state;
	struct mc_config c;
	char err[256] = "";
	assert_int_equal(mc_config_load(&c, NULL, err, sizeof(err)), 0);
	assert_int_equal(c.db_connect_timeout_ms, 5000);
	assert_int_equal(c.db_statement_timeout_ms, 30000);
	assert_int_equal(c.db_lock_timeout_ms, 5000);
	assert_int_equal(c.db_hang_timeout_ms, 1000);
	setenv("MOTCUA_DB_HANG_TIMEOUT_MS", "0", 1);
	setenv("MOTCUA_DB_STATEMENT_TIMEOUT_MS", "250", 1);
	assert_int_equal(mc_config_load(&c, NULL, err, sizeof(err)), 0);
	assert_int_equal(c.db_hang_timeout_ms, 0);
	assert_int_equal(c.db_statement_timeout_ms, 250);
	/* a connection needs some time, and is always limited */
	assert_int_equal(mc_config_set(&c, "db_connect_timeout_ms", "0"), -1);
	assert_int_equal(mc_config_set(&c, "db_hang_timeout_ms", "600001"), -1);
	assert_int_equal(mc_config_set(&c, "db_lock_timeout_ms", "-1"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(defaults, setup_each, teardown_each),
		cmocka_unit_test_setup_teardown(file_keys, setup_each, teardown_each),
		cmocka_unit_test_setup_teardown(db_follows_data_dir, setup_each, teardown_each),
		cmocka_unit_test_setup_teardown(env_overrides_file, setup_each, teardown_each),
		cmocka_unit_test_setup_teardown(bad_file_values, setup_each, teardown_each),
		cmocka_unit_test_setup_teardown(bad_env_values, setup_each, teardown_each),
		cmocka_unit_test_setup_teardown(set_directly, setup_each, teardown_each),
		cmocka_unit_test_setup_teardown(is_pg, setup_each, teardown_each),
		cmocka_unit_test_setup_teardown(db_time_limits, setup_each, teardown_each),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
