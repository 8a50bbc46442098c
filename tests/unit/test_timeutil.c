/*
 * test_timeutil.c - civil dates and instants: the day-number conversions
 * over every day of 1900..2100, known values, ISO 8601 parsing (offsets,
 * fractions, and the inputs it must refuse) and formatting in UTC and in
 * Vietnam time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/timeutil.h"

#include <string.h>

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

static void round_trip_every_day(void **state)
{
	(void)state;
	int64_t expect = mc_days_from_civil(1900, 1, 1);
	for (int y = 1900; y <= 2100; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= days_in_month(y, m); d++) {
				int64_t z = mc_days_from_civil(y, m, d);
				/* consecutive days have consecutive numbers */
				assert_int_equal(z, expect);
				expect++;
				int cy, cm, cd;
				mc_civil_from_days(z, &cy, &cm, &cd);
				assert_int_equal(cy, y);
				assert_int_equal(cm, m);
				assert_int_equal(cd, d);
			}
	/* 201 years, 49 of them leap (1900 and 2100 are not, 2000 is) */
	assert_int_equal(expect - mc_days_from_civil(1900, 1, 1), 201 * 365 + 49);
}

static void known_values(void **state)
{
	(void)state;
	assert_int_equal(mc_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(mc_days_from_civil(1970, 1, 2), 1);
	assert_int_equal(mc_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(mc_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(mc_days_from_civil(2000, 2, 29), 11016);
	assert_int_equal(mc_days_from_civil(1900, 1, 1), -25567);
	assert_int_equal(mc_days_from_civil(2038, 1, 19), 24855);
	int y, m, d;
	mc_civil_from_days(0, &y, &m, &d);
	assert_true(y == 1970 && m == 1 && d == 1);
	mc_civil_from_days(-1, &y, &m, &d);
	assert_true(y == 1969 && m == 12 && d == 31);
	mc_civil_from_days(11016, &y, &m, &d);
	assert_true(y == 2000 && m == 2 && d == 29);
	/* far from the epoch, both directions */
	mc_civil_from_days(mc_days_from_civil(1600, 2, 29), &y, &m, &d);
	assert_true(y == 1600 && m == 2 && d == 29);
	mc_civil_from_days(mc_days_from_civil(2400, 12, 31), &y, &m, &d);
	assert_true(y == 2400 && m == 12 && d == 31);
}

static void parse_ok(const char *s, int64_t want)
{
	int64_t ms = 12345;
	if (mc_time_parse(s, &ms) != 0)
		fail_msg("mc_time_parse refused \"%s\"", s);
	if (ms != want)
		fail_msg("mc_time_parse(\"%s\") = %lld, want %lld", s, (long long)ms, (long long)want);
}

static void parse_bad(const char *s)
{
	int64_t ms = 12345;
	if (mc_time_parse(s, &ms) == 0)
		fail_msg("mc_time_parse accepted \"%s\" (%lld)", s, (long long)ms);
	assert_int_equal(ms, 12345); /* untouched on failure */
}

static void parse_valid(void **state)
{
	(void)state;
	parse_ok("1970-01-01T00:00:00Z", 0);
	parse_ok("1970-01-01T00:00:01Z", 1000);
	parse_ok("1969-12-31T23:59:59Z", -1000);
	/* 2027-02-03 is day 20852 */
	const int64_t day = mc_days_from_civil(2027, 2, 3);
	assert_int_equal(day, 20852);
	const int64_t nine_utc = (day * 86400 + 9 * 3600) * 1000;
	parse_ok("2027-02-03T09:00:00Z", nine_utc);
	parse_ok("2027-02-03T16:00:00+07:00", nine_utc);
	parse_ok("2027-02-03T03:30:00-05:30", nine_utc);
	parse_ok("2027-02-03T09:00:00+00:00", nine_utc);
	parse_ok("2027-02-03T09:00:00-00:00", nine_utc);
	/* an offset that crosses midnight */
	parse_ok("2027-02-03T23:00:00+14:00", nine_utc);
	/* fractions: milliseconds kept, extra digits dropped, short ones scaled */
	parse_ok("2027-02-03T09:00:00.123Z", nine_utc + 123);
	parse_ok("2027-02-03T09:00:00.5Z", nine_utc + 500);
	parse_ok("2027-02-03T09:00:00.05+07:00", nine_utc - 7 * 3600000 + 50);
	parse_ok("2027-02-03T09:00:00.123456789Z", nine_utc + 123);
	parse_ok("2027-02-03T09:00:00.999Z", nine_utc + 999);
	/* leap day, last second of a year */
	parse_ok("2024-02-29T00:00:00Z", mc_days_from_civil(2024, 2, 29) * 86400000);
	parse_ok("2026-12-31T23:59:59+07:00",
		 (mc_days_from_civil(2026, 12, 31) * 86400 + 16 * 3600 + 59 * 60 + 59) * 1000);
}

static void parse_invalid(void **state)
{
	(void)state;
	parse_bad("");
	parse_bad("2027-02-30T09:00:00Z"); /* no such day */
	parse_bad("2027-02-29T09:00:00Z"); /* not a leap year */
	parse_bad("2027-04-31T09:00:00Z");
	parse_bad("2027-13-01T09:00:00Z");
	parse_bad("2027-00-01T09:00:00Z");
	parse_bad("2027-01-00T09:00:00Z");
	parse_bad("2027-02-03T25:00:00Z");
	parse_bad("2027-02-03T24:00:00Z");
	parse_bad("2027-02-03T09:60:00Z");
	parse_bad("2027-02-03T09:00:61Z");
	parse_bad("2027-02-03T09:00:00");  /* no offset */
	parse_bad("2027-02-03");           /* date only */
	parse_bad("2027-02-03 09:00:00Z"); /* space instead of T */
	parse_bad("2027-02-03T09:00Z");    /* no seconds */
	parse_bad("2027-02-03T09:00:00Zjunk");
	parse_bad("2027-02-03T09:00:00Z ");
	parse_bad("2027-02-03T09:00:00+07:00x");
	parse_bad("2027-02-03T09:00:00+07:00Z");
	parse_bad("2027-02-03T09:00:00+0700");
	parse_bad("2027-02-03T09:00:00+7:00");
	parse_bad("2027-02-03T09:00:00+07");
	parse_bad("2027-02-03T09:00:00X");
	/* signs and short fields where two digits are due */
	parse_bad("2027-02-03T-1:00:00Z");
	parse_bad("2027-02-03T09:-1:00Z");
	parse_bad("2027-2-3T09:00:00Z");
	parse_bad("2027-02-03T9:00:00Z");
	parse_bad("+2027-02-03T09:00:00Z");
	parse_bad(" 2027-02-03T09:00:00Z");
	/* an offset with junk in it */
	parse_bad("2027-02-03T09:00:00+07:0x");
	parse_bad("2027-02-03T09:00:00+07:-1");
	parse_bad("2027-02-03T09:00:00+07:60");
	/* a decimal point without digits */
	parse_bad("2027-02-03T09:00:00.Z");
}

static void format(void **state)
{
	(void)state;
	char buf[64];
	/* 2026-11-26T06:07:08.123Z, a known instant */
	int64_t ms = (mc_days_from_civil(2026, 11, 26) * 86400 + 6 * 3600 + 7 * 60 + 8) * 1000 + 123;
	mc_time_format_utc(ms, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-26T06:07:08.123Z");
	mc_time_format_vn(ms, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-26T13:07:08+07:00");

	/* Vietnam time crosses into the next day and the next year */
	int64_t nye = (mc_days_from_civil(2026, 12, 31) * 86400 + 20 * 3600) * 1000;
	mc_time_format_vn(nye, buf, sizeof(buf));
	assert_string_equal(buf, "2027-01-01T03:00:00+07:00");

	mc_time_format_utc(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	mc_time_format_vn(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T07:00:00+07:00");
	/* before the epoch: a negative millisecond count rounds down */
	mc_time_format_utc(-1, buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
	mc_time_format_utc(-86400000, buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31T00:00:00.000Z");

	/* format -> parse round trip */
	int64_t back = 0;
	mc_time_format_utc(ms, buf, sizeof(buf));
	assert_int_equal(mc_time_parse(buf, &back), 0);
	assert_int_equal(back, ms);
	mc_time_format_vn(ms, buf, sizeof(buf));
	assert_int_equal(mc_time_parse(buf, &back), 0);
	assert_int_equal(back, ms - 123); /* seconds precision */

	/* a small buffer is truncated, not overflowed */
	char small[11];
	mc_time_format_utc(ms, small, sizeof(small));
	assert_string_equal(small, "2026-11-26");
}

static void clocks(void **state)
{
	(void)state;
	int64_t now = mc_time_now_ms();
	/* after 2025-01-01 and before 2100 */
	assert_true(now > mc_days_from_civil(2025, 1, 1) * 86400000);
	assert_true(now < mc_days_from_civil(2100, 1, 1) * 86400000);
	uint64_t a = mc_mono_ns(), b = mc_mono_ns();
	assert_true(b >= a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_every_day), cmocka_unit_test(known_values), cmocka_unit_test(parse_valid),
		cmocka_unit_test(parse_invalid),        cmocka_unit_test(format),       cmocka_unit_test(clocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
