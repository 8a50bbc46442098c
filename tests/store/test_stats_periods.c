/*
 * test_stats_periods.c - the statistics over any range of days
 * (mc_dossier_stats) read the kept counters as a signed sum of year,
 * month and day rows (a month less the days outside the range, a year
 * less its other months); whatever the range, by whatever grouping, they
 * must equal a recount from the dossiers themselves.  The dossiers: a year
 * of generated ones, every working day taken in, so that each day taken
 * off a month changes the sum.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testdb.h"

#include "core/err.h"
#include "core/timeutil.h"
#include "dossier/dossier.h"

#include <stdio.h>
#include <string.h>

static char db_url[512];
static struct mc_db *db;
static int64_t city; /* the root agency */

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 2); /* with the catalog */
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	/* noon on Tue 15/6/2027: a year of working days before it */
	struct mc_gen_options o = {.n = 4000,
				   .seed = 11,
				   .batch = 1000,
				   .days = 400,
				   .now = mc_vn_day_start(mc_days_from_civil(2027, 6, 15)) + 5 * 3600000};
	struct mc_gen_report rep;
	char err[256] = "";
	int rc = mc_dossier_generate(c, &o, &rep, err, sizeof(err));
	if (rc)
		fail_msg("generate: %d %s", rc, err);
	assert_int_equal(rep.dossiers, 4000);
	mc_db_release(c);
	city = mc_test_db_int(db, "SELECT id FROM agencies WHERE parent_id IS NULL AND code = ?", "000.00.00.H29");
	assert_true(city > 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_test_db_drop(db_url, db);
	db = NULL;
	return 0;
}

static const char *const counters[] = {"received_online", "received_counter", "resolved_early", "resolved_on_time",
				       "resolved_late",   "refused",          "withdrawn",      "stopped"};

/* The item of items whose key (group) is key, or NULL. */
static json_t *item(json_t *items, const char *group, const char *key)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		const char *k = json_string_value(json_object_get(it, group));
		if (k && strcmp(k, key) == 0)
			return it;
	}
	return NULL;
}

static void same_counters(json_t *a, json_t *b, const char *what)
{
	for (size_t k = 0; k < sizeof(counters) / sizeof(counters[0]); k++) {
		json_int_t x = json_integer_value(json_object_get(a, counters[k]));
		json_int_t y = json_integer_value(json_object_get(b, counters[k]));
		if (x != y)
			fail_msg("%s, %s: counters %lld, recount %lld", what, counters[k], (long long)x, (long long)y);
	}
}

/* Counters and recount over [from, to] by group (NULL: one row); returns
 * the dossiers received in the range, so that a caller can tell an empty
 * range from a checked one. */
static int64_t check_range(const char *from, const char *to, const char *group)
{
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	json_t *kept = NULL, *recount = NULL;
	assert_int_equal(mc_dossier_stats(c, city, from, to, group, &kept), 0);
	assert_int_equal(mc_dossier_stats_recount(c, city, from, to, group, &recount), 0);
	mc_db_release(c);
	char what[96];
	snprintf(what, sizeof(what), "%s..%s by %s", from, to, group ? group : "nothing");
	same_counters(json_object_get(kept, "total"), json_object_get(recount, "total"), what);
	json_t *ki = json_object_get(kept, "items"), *ri = json_object_get(recount, "items");
	if (json_array_size(ki) != json_array_size(ri))
		fail_msg("%s: %zu rows, recount %zu", what, json_array_size(ki), json_array_size(ri));
	if (group) {
		size_t i;
		json_t *it;
		json_array_foreach(ri, i, it) {
			const char *key = json_string_value(json_object_get(it, group));
			json_t *mine = item(ki, group, key);
			if (!mine)
				fail_msg("%s: no row %s", what, key);
			same_counters(mine, it, what);
		}
	}
	int64_t received = json_integer_value(json_object_get(json_object_get(recount, "total"), "received"));
	json_decref(kept);
	json_decref(recount);
	return received;
}

/* Ranges that the counters sum in each of their ways. */
static void ranges_equal_recount(void **state)
{
	(void)state;
	static const char *const ranges[][2] = {
		{"2027-03-01", "2027-03-29"}, /* March less Tue 30 and Wed 31 */
		{"2027-03-03", "2027-03-31"}, /* March less Mon 1 and Tue 2 */
		{"2027-04-12", "2027-04-14"}, /* three days */
		{"2027-06-01", "2027-06-14"}, /* the days of June so far */
		{"2027-01-01", "2027-06-14"}, /* the year less July to December, less June 15 to 30 */
		{"2026-07-05", "2027-06-14"}, /* the year to date: parts of two years */
		{"2026-09-02", "2026-12-30"}, /* months and two partial ones */
		{"2027-02-01", "2027-02-28"}, /* a whole month */
		{"2026-06-15", "2027-06-15"}, /* the whole span of the data */
	};
	static const char *const groups[] = {NULL, "agency", "procedure", "field"};
	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
		int64_t received = 0;
		for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
			received = check_range(ranges[r][0], ranges[r][1], groups[g]);
		/* every range holds dossiers: an empty one would check nothing */
		assert_true(received > 0);
	}
	/* the sum over the whole span is every dossier received */
	int64_t all =
		mc_test_db_int(db, "SELECT COUNT(*) FROM dossiers WHERE received_at IS NOT NULL AND ? <> ''", "x");
	assert_int_equal(check_range("2026-01-01", "2027-12-31", NULL), all);
}

/* A key whose rows cancel out (counted on a day the range takes off its
 * month) is not shown as a row of zeros. */
static void cancelled_rows_not_shown(void **state)
{
	(void)state;
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	/* one dossier of a procedure seen nowhere else, on Tue 30/3/2027 */
	const char *periods[] = {"M2027-03", "D2027-03-30"};
	for (int i = 0; i < 2; i++)
		assert_int_equal(mc_exec(c,
					 "INSERT INTO dossier_stats (agency_id, procedure_code, field_code, period,"
					 " received_counter) VALUES (?, 'X.000001', 'x', ?, 1)",
					 "it", city, periods[i]),
				 1);
	json_t *with = NULL, *without = NULL;
	assert_int_equal(mc_dossier_stats(c, city, "2027-03-01", "2027-03-31", "procedure", &with), 0);
	assert_int_equal(mc_dossier_stats(c, city, "2027-03-01", "2027-03-29", "procedure", &without), 0);
	mc_db_release(c);
	json_t *it = item(json_object_get(with, "items"), "procedure", "X.000001");
	assert_non_null(it);
	assert_int_equal(json_integer_value(json_object_get(it, "received_counter")), 1);
	assert_null(item(json_object_get(without, "items"), "procedure", "X.000001"));
	json_decref(with);
	json_decref(without);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ranges_equal_recount),
		cmocka_unit_test(cancelled_rows_not_shown),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
