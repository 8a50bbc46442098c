/*
 * test_pg.c - how the PostgreSQL driver names the server's errors
 * (SQLSTATE -> MC_E_*, src/db/pg.c).  A full disk cannot be produced on the
 * shared test server; its code, and those of the other resource and
 * connection classes, are checked here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "db/driver.h"

static void disk_full_is_507(void **state)
{
	(void)state;
	assert_int_equal(mc__pg_code("53100"), MC_E_STORAGE_FULL);
	assert_int_equal(mc_err_status(mc__pg_code("53100")), 507);
	assert_string_equal(mc_err_code(MC_E_STORAGE_FULL), "storage_full");
}

static void other_resources_are_retryable_or_generic(void **state)
{
	(void)state;
	/* insufficient_resources, out_of_memory: the server, for a moment */
	assert_int_equal(mc__pg_code("53000"), MC_E_DB_BUSY);
	assert_int_equal(mc__pg_code("53200"), MC_E_DB_BUSY);
	/* too_many_connections: this server cannot get in */
	assert_int_equal(mc__pg_code("53300"), MC_E_DB_DOWN);
	/* configuration_limit_exceeded (temp_file_limit): the query's size */
	assert_int_equal(mc__pg_code("53400"), MC_E_DB);
}

static void timeouts_and_conflicts(void **state)
{
	(void)state;
	assert_int_equal(mc__pg_code("57014"), MC_E_DB_BUSY); /* statement_timeout */
	assert_int_equal(mc__pg_code("55P03"), MC_E_DB_BUSY); /* lock_timeout */
	assert_int_equal(mc__pg_code("40001"), MC_E_DB_BUSY);
	assert_int_equal(mc__pg_code("40P01"), MC_E_DB_BUSY);
	assert_int_equal(mc__pg_code("23505"), MC_E_CONFLICT);
	assert_int_equal(mc__pg_code("23503"), MC_E_VALIDATION);
}

static void lost_server_is_down(void **state)
{
	(void)state;
	assert_int_equal(mc__pg_code("57P01"), MC_E_DB_DOWN); /* admin_shutdown */
	assert_int_equal(mc__pg_code("57P02"), MC_E_DB_DOWN); /* crash_shutdown */
	assert_int_equal(mc__pg_code("57P03"), MC_E_DB_DOWN); /* cannot_connect_now */
	assert_int_equal(mc__pg_code("08006"), MC_E_DB_DOWN); /* connection_failure */
	/* read_only_sql_transaction: a former leader, demoted by a failover */
	assert_int_equal(mc__pg_code("25006"), MC_E_DB_DOWN);
	assert_int_equal(mc__pg_code("25001"), MC_E_DB);
	assert_int_equal(mc_err_status(MC_E_DB_DOWN), 503);
	assert_string_equal(mc_err_code(MC_E_DB_DOWN), "database_unavailable");
	assert_int_equal(mc__pg_code("42P01"), MC_E_DB);
	assert_int_equal(mc__pg_code(NULL), MC_E_DB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(disk_full_is_507),
		cmocka_unit_test(other_resources_are_retryable_or_generic),
		cmocka_unit_test(timeouts_and_conflicts),
		cmocka_unit_test(lost_server_is_down),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
