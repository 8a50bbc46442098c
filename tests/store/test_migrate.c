/*
 * test_migrate.c - schema migrations on SQLite and PostgreSQL: a fresh
 * database gets every migration shipped for its back-end, recorded in
 * schema_migrations; running again changes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "only.h"
#include "testdb.h"

#include "core/err.h"
#include "db/migrate.h"

#include <stdio.h>
#include <string.h>

static char db_url[512];
static struct mc_db *db;

static int setup(void **state)
{
	(void)state;
	char err[512] = "";
	mc_test_db_create(db_url, sizeof(db_url));
	if (mc_db_open(db_url, 1, &db, err, sizeof(err)))
		fail_msg("open %s: %s", db_url, err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_test_db_drop(db_url, db);
	db = NULL;
	return 0;
}

/* How many migrations are shipped for this back-end. */
static int shipped(void)
{
	int n = 0;
	for (const struct mc_migration *m = mc_migrations; m->backend; m++)
		if (strcmp(m->backend, mc_db_kind_name(db)) == 0)
			n++;
	return n;
}

static void fresh_database_gets_everything(void **state)
{
	(void)state;
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int latest = mc_migrate_latest(db);
	assert_true(latest >= 2);
	assert_int_equal(shipped(), latest); /* versions run 1..latest without gaps */

	int version = -1;
	assert_int_equal(mc_migrate_version(c, &version), 0);
	assert_int_equal(version, 0);
	int64_t n = -1;
	assert_int_equal(mc_query_int64(c, &n, "SELECT COUNT(*) FROM schema_migrations", ""), 0);
	assert_int_equal(n, 0);

	int applied = -1;
	assert_int_equal(mc_migrate(c, &applied), 0);
	assert_int_equal(applied, latest);
	assert_int_equal(mc_in_tx(c), 0);
	assert_int_equal(mc_migrate_version(c, &version), 0);
	assert_int_equal(version, latest);

	/* one row per migration, with its name and time */
	assert_int_equal(mc_query_int64(c, &n, "SELECT COUNT(*) FROM schema_migrations", ""), 0);
	assert_int_equal(n, latest);
	for (const struct mc_migration *m = mc_migrations; m->backend; m++) {
		if (strcmp(m->backend, mc_db_kind_name(db)) != 0)
			continue;
		struct mc_stmt *s;
		assert_int_equal(mc_query(c, &s, "SELECT name, applied_at FROM schema_migrations WHERE version = ?",
					  "d", m->version),
				 0);
		assert_int_equal(mc_step(s), MC_DB_ROW);
		assert_string_equal(mc_col_text(s, 0), m->name);
		assert_true(strlen(m->name) > 0);
		assert_true(mc_col_int64(s, 1) > 1700000000000LL); /* milliseconds, after 2023 */
		assert_int_equal(mc_step(s), MC_DB_DONE);
		mc_stmt_done(s);
	}

	/* the schema is really there: tables, seeded roles, the audit head */
	assert_int_equal(mc_query_int64(c, &n, "SELECT COUNT(*) FROM roles", ""), 0);
	/* 10 from 0002_roles, office_head from 0024, committee_office and chairman from 0033, accountant from 0037 */
	assert_int_equal(n, 14);
	assert_int_equal(
		mc_query_int64(c, &n, "SELECT COUNT(*) FROM role_permissions WHERE role_code = 'sys_admin'", ""), 0);
	assert_int_equal(n, 14); /* 6 from 0002_roles, 2 from 0004_catalog, 2 from 0005_dossiers, 1 from 0016,
				   1 from 0036 (notify.admin), 2 from 0037 (payment.manage, payment.accounts) */
	assert_int_equal(mc_query_int64(c, &n, "SELECT last_id FROM audit_head WHERE id = 1", ""), 0);
	assert_int_equal(n, 0);
	assert_int_equal(mc_query_int64(c, &n, "SELECT COUNT(*) FROM users", ""), 0);
	assert_int_equal(n, 0);
	mc_db_release(c);
}

static void second_run_applies_nothing(void **state)
{
	(void)state;
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int latest = mc_migrate_latest(db);
	int64_t before = 0, after = 0, rows = 0;
	assert_int_equal(mc_query_int64(c, &before, "SELECT MAX(applied_at) FROM schema_migrations", ""), 0);
	for (int round = 0; round < 2; round++) {
		int applied = -1, version = -1;
		assert_int_equal(mc_migrate(c, &applied), 0);
		assert_int_equal(applied, 0);
		assert_int_equal(mc_migrate_version(c, &version), 0);
		assert_int_equal(version, latest);
	}
	assert_int_equal(mc_query_int64(c, &rows, "SELECT COUNT(*) FROM schema_migrations", ""), 0);
	assert_int_equal(rows, latest);
	assert_int_equal(mc_query_int64(c, &after, "SELECT MAX(applied_at) FROM schema_migrations", ""), 0);
	assert_true(after == before);
	/* the data a migration inserted was not inserted twice */
	assert_int_equal(mc_query_int64(c, &rows, "SELECT COUNT(*) FROM roles", ""), 0);
	assert_int_equal(rows, 14);
	assert_int_equal(mc_query_int64(c, &rows, "SELECT COUNT(*) FROM audit_head", ""), 0);
	assert_int_equal(rows, 1);
	mc_db_release(c);
}

/* A database whose record says version k gets only the migrations after k. */
static void partial_database_catches_up(void **state)
{
	(void)state;
	char url[512], err[512] = "";
	struct mc_db *d2;
	mc_test_db_create(url, sizeof(url));
	assert_int_equal(mc_db_open(url, 1, &d2, err, sizeof(err)), 0);
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(d2, &c), 0);
	const char *be = mc_db_kind_name(d2);
	/* apply migration 1 by hand, as an older build would have */
	const struct mc_migration *first = NULL;
	for (const struct mc_migration *m = mc_migrations; m->backend; m++)
		if (strcmp(m->backend, be) == 0 && m->version == 1)
			first = m;
	assert_non_null(first);
	int version = -1;
	assert_int_equal(mc_migrate_version(c, &version), 0);
	assert_int_equal(mc_exec_script(c, first->sql), 0);
	assert_int_equal(mc_exec(c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, ?, 1)", "t",
				 first->name),
			 1);
	int applied = -1;
	assert_int_equal(mc_migrate(c, &applied), 0);
	assert_int_equal(applied, mc_migrate_latest(d2) - 1);
	assert_int_equal(mc_migrate_version(c, &version), 0);
	assert_int_equal(version, mc_migrate_latest(d2));
	int64_t n = 0;
	assert_int_equal(mc_query_int64(c, &n, "SELECT applied_at FROM schema_migrations WHERE version = 1", ""), 0);
	assert_int_equal(n, 1); /* version 1 was not run again */
	assert_int_equal(mc_query_int64(c, &n, "SELECT COUNT(*) FROM roles", ""), 0);
	/* 10 from 0002_roles, office_head from 0024, committee_office and chairman from 0033, accountant from 0037 */
	assert_int_equal(n, 14);
	mc_db_release(c);
	mc_test_db_drop(url, d2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fresh_database_gets_everything),
		cmocka_unit_test(second_run_applies_nothing),
		cmocka_unit_test(partial_database_catches_up),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests_name(mc_test_backend(), tests, setup, teardown);
}
