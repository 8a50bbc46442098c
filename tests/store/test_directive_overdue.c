/*
 * test_directive_overdue.c - the directives' figures the dashboard reads,
 * on SQLite and PostgreSQL: mc_directive_count_overdue() counts the open
 * tasks past their deadline (Vietnam's day of the instant asked) of the
 * agencies in a subtree, and no others; mc_directive_remind() queues one
 * reminder of each kind a task and no second.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "only.h"
#include "testdb.h"

#include "core/timeutil.h"
#include "db/db.h"
#include "directive/directive.h"

#include <stdio.h>
#include <string.h>

static char db_url[512];
static struct mc_db *db;
static struct mc_conn *conn;

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 1, &db, 1);
	assert_int_equal(mc_db_acquire(db, &conn), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_db_release(conn);
	mc_test_db_drop(db_url, db);
	return 0;
}

static int64_t one(const char *sql, const char *types, const char *arg)
{
	int64_t v = -1;
	assert_int_equal(types ? mc_query_int64(conn, &v, sql, types, arg) : mc_query_int64(conn, &v, sql, ""), 0);
	return v;
}

static int64_t agency(const char *code)
{
	return one("SELECT id FROM agencies WHERE code = ?", "t", code);
}

/* A task of directive d for agency, due deadline, done or not. */
static void task(int64_t d, int64_t agency_id, const char *deadline, int done)
{
	int64_t n = done ? mc_exec(conn,
				   "INSERT INTO directive_tasks (directive_id, agency_id, deadline, original_deadline,"
				   " status, done_at, done_on, created_at) VALUES (?, ?, ?, ?, 'done_late', 1, ?, 1)",
				   "iittt", d, agency_id, deadline, deadline, "2027-03-01")
			 : mc_exec(conn,
				   "INSERT INTO directive_tasks (directive_id, agency_id, deadline, original_deadline,"
				   " created_at) VALUES (?, ?, ?, ?, 1)",
				   "iitt", d, agency_id, deadline, deadline);
	assert_true(n == 1);
}

static void count_overdue_by_subtree(void **state)
{
	(void)state;
	int64_t city = agency("000.00.00.H29"), stp = agency("000.00.02.H29"), sxd = agency("000.00.03.H29"),
		ward = agency("000.01.31.H29");
	int64_t leader = one("SELECT id FROM users WHERE username = 'chutich'", NULL, NULL), d = 0;
	assert_int_equal(mc_tx_begin(conn, 1), 0);
	struct mc_stmt *s;
	assert_int_equal(
		mc_query(conn, &s,
			 "INSERT INTO directives (body_id, leader_id, source_kind, content, given_on, created_by,"
			 " created_at) VALUES (?, ?, 'meeting', 'x', '2027-02-01', ?, 1) RETURNING id",
			 "iii", city, leader, leader),
		0);
	assert_int_equal(mc_step_returning(s, &d), 0);
	task(d, stp, "2027-03-01", 0);  /* overdue on 2 March */
	task(d, sxd, "2027-02-20", 1);  /* done: not overdue */
	task(d, ward, "2027-02-28", 0); /* overdue */
	task(d, city, "2027-03-02", 0); /* due today: not yet */
	assert_int_equal(mc_tx_commit(conn), 0);
	int64_t now, n = -1;
	/* 2 March 2027, 06:30 in Vietnam: still 1 March in UTC */
	assert_int_equal(mc_time_parse("2027-03-02T06:30:00+07:00", &now), 0);
	assert_int_equal(mc_directive_count_overdue(conn, city, now, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(mc_directive_count_overdue(conn, stp, now, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(mc_directive_count_overdue(conn, sxd, now, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(mc_time_parse("2027-03-03T00:10:00+07:00", &now), 0);
	assert_int_equal(mc_directive_count_overdue(conn, city, now, &n), 0);
	assert_int_equal(n, 3); /* the one due on 2 March now too */
	/* reminders: three overdue; run again, nothing more */
	int64_t queued = -1;
	assert_int_equal(mc_directive_remind(conn, now, &queued), 0);
	assert_int_equal(queued, 3);
	assert_int_equal(mc_directive_remind(conn, now, &queued), 0);
	assert_int_equal(queued, 0);
	assert_int_equal(one("SELECT COUNT(*) FROM directive_reminders WHERE kind = 'overdue'", NULL, NULL), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(count_overdue_by_subtree),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
