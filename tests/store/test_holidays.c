/*
 * test_holidays.c - the calendar a process keeps (src/dossier/holidays.c):
 * built once, built again when an exception or an official year changes,
 * whichever connection or process changed it, never from a change that
 * was rolled back, and handed out as a copy the caller may change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testdb.h"

#include "core/err.h"
#include "dossier/holidays.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_url[512];
static struct mc_db *db;

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 0, &db, 6);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_test_db_drop(db_url, db);
	db = NULL;
	return 0;
}

/* Is this date a working day in the calendar loaded on c? */
static int working(struct mc_conn *c, int y, int m, int d)
{
	struct mc_calendar cal;
	assert_int_equal(mc_holidays_calendar(c, &cal), 0);
	int w = mc_cal_is_working_day(&cal, y, m, d);
	mc_cal_release(&cal);
	return w;
}

static void day_off(struct mc_conn *c, const char *day)
{
	assert_int_equal(mc_exec(c,
				 "INSERT INTO calendar_exceptions (day, working, name, created_at, created_by)"
				 " VALUES (?, 0, 'test', 0, 0)",
				 "t", day),
			 1);
}

/* Wed 12/3/2031 and Thu 13/3/2031 are ordinary working days. */
static void change_is_seen(void **state)
{
	(void)state;
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(working(c, 2031, 3, 12), 1);
	assert_int_equal(working(c, 2031, 3, 12), 1); /* kept */

	/* another process: a pool of its own on the same database */
	struct mc_db *other;
	char err[256];
	assert_int_equal(mc_db_open(db_url, 1, &other, err, sizeof(err)), 0);
	struct mc_conn *o;
	assert_int_equal(mc_db_acquire(other, &o), 0);
	day_off(o, "2031-03-12");
	assert_int_equal(working(c, 2031, 3, 12), 0);
	assert_int_equal(mc_exec(o, "DELETE FROM calendar_exceptions WHERE day = '2031-03-12'", ""), 1);
	assert_int_equal(working(c, 2031, 3, 12), 1);
	mc_db_release(o);
	mc_db_close(other);

	/* a change seen inside its transaction, then rolled back */
	assert_int_equal(mc_tx_begin(c, 1), 0);
	day_off(c, "2031-03-13");
	assert_int_equal(working(c, 2031, 3, 13), 0);
	assert_int_equal(mc_tx_rollback(c), 0);
	assert_int_equal(working(c, 2031, 3, 13), 1);
	day_off(c, "2031-03-12");
	assert_int_equal(working(c, 2031, 3, 13), 1);
	assert_int_equal(working(c, 2031, 3, 12), 0);
	assert_int_equal(mc_exec(c, "DELETE FROM calendar_exceptions", ""), 1);
	mc_db_release(c);
}

/* The caller owns its copy: changing it leaves the kept calendar alone. */
static void copy_is_own(void **state)
{
	(void)state;
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	struct mc_calendar cal;
	assert_int_equal(mc_holidays_calendar(c, &cal), 0);
	assert_int_equal(mc_cal_add_day_off(&cal, 2031, 3, 14, "mine"), 0);
	struct mc_cal_span late[1] = {{9 * 60, 10 * 60}};
	assert_int_equal(mc_cal_set_office_hours(&cal, late, 1), 0);
	mc_cal_release(&cal);
	assert_int_equal(mc_holidays_calendar(c, &cal), 0);
	assert_int_equal(mc_cal_is_working_day(&cal, 2031, 3, 14), 1);
	assert_int_equal(cal.noffice, 2);
	mc_cal_release(&cal);
	mc_db_release(c);
}

/* Threads load while another writes: every load is whole. */
static void *loader(void *arg)
{
	(void)arg;
	struct mc_conn *c;
	if (mc_db_acquire(db, &c))
		return (void *)1;
	intptr_t bad = 0;
	for (int i = 0; i < 200 && !bad; i++) {
		struct mc_calendar cal;
		if (mc_holidays_calendar(c, &cal)) {
			bad = 1;
			break;
		}
		bad = mc_cal_is_working_day(&cal, 2031, 3, 17) != 1; /* never changed */
		mc_cal_release(&cal);
	}
	mc_db_release(c);
	return (void *)bad;
}

static void concurrent_loads(void **state)
{
	(void)state;
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, loader, NULL), 0);
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	for (int i = 0; i < 20; i++) {
		char day[16];
		snprintf(day, sizeof(day), "2031-04-%02d", i + 1);
		day_off(c, day);
	}
	mc_db_release(c);
	for (int i = 0; i < 4; i++) {
		void *bad = NULL;
		assert_int_equal(pthread_join(t[i], &bad), 0);
		assert_null(bad);
	}
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(working(c, 2031, 4, 1), 0);
	mc_db_release(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(change_is_seen),
		cmocka_unit_test(copy_is_own),
		cmocka_unit_test(concurrent_loads),
	};
	return cmocka_run_group_tests_name(mc_test_backend(), tests, setup, teardown);
}
