/*
 * test_lunar.c - the Vietnamese lunar calendar (src/core/lunar.c) against
 * data it did not produce: Tết of every year 1900-2100 and Giỗ Tổ Hùng
 * Vương 1901-2100 from the published table in tests/data/tet_1900_2100.csv
 * (source in its header), the Tết dates of DOMAIN.md, known leap months,
 * the years where Vietnam (UTC+7) and China (UTC+8) differ, and Meeus's
 * worked examples for the astronomy.  Then self-consistency of every day
 * 1900-2100 and the rejection of bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/lunar.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void to_solar(int ly, int lm, int ld, int leap, int *y, int *m, int *d)
{
	struct mc_lunar_date l = {ly, lm, ld, leap};
	assert_int_equal(mc_lunar_to_solar(&l, y, m, d), 0);
}

static void assert_solar(int ly, int lm, int ld, int leap, int y, int m, int d)
{
	int gy, gm, gd;
	to_solar(ly, lm, ld, leap, &gy, &gm, &gd);
	if (gy != y || gm != m || gd != d)
		fail_msg("lunar %d-%02d%s-%02d: expected %04d-%02d-%02d, got %04d-%02d-%02d", ly, lm, leap ? "L" : "",
			 ld, y, m, d, gy, gm, gd);
}

static void assert_lunar(int y, int m, int d, const char *expected)
{
	struct mc_lunar_date l;
	char buf[32];
	assert_int_equal(mc_lunar_from_solar(y, m, d, &l), 0);
	mc_lunar_format(&l, buf, sizeof(buf));
	if (strcmp(buf, expected) != 0)
		fail_msg("%04d-%02d-%02d: expected lunar %s, got %s", y, m, d, expected, buf);
}

static FILE *open_table(void)
{
	const char *share = getenv("MC_SHARE");
	char path[1024];
	snprintf(path, sizeof(path), "%s/tests/data/tet_1900_2100.csv", share ? share : MC_SHARE_DIR);
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	return f;
}

/* Every row of the reference table: Tết both ways, and the day before
 * Tết is the last (29th or 30th) of month 12 of the year before. */
static void tet_every_year_1900_2100(void **state)
{
	(void)state;
	FILE *f = open_table();
	char line[256];
	int seen[MC_LUNAR_MAX_YEAR - MC_LUNAR_MIN_YEAR + 1] = {0};
	int rows = 0, hung_rows = 0, differs = 0;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		int year, ty, tm, td, hy, hm, hd;
		int k = sscanf(line, "%d,%d-%d-%d,%d-%d-%d", &year, &ty, &tm, &td, &hy, &hm, &hd);
		assert_true(k == 4 || k == 7);
		assert_in_range(year, MC_LUNAR_MIN_YEAR, MC_LUNAR_MAX_YEAR);
		assert_int_equal(ty, year);
		seen[year - MC_LUNAR_MIN_YEAR]++;
		rows++;
		differs += strstr(line, ",tet") != NULL;

		assert_solar(year, 1, 1, 0, ty, tm, td);
		char want[16];
		snprintf(want, sizeof(want), "%04d-01-01", year);
		assert_lunar(ty, tm, td, want);
		/* the eve: 29 or 30 tháng Chạp */
		int ey, em, ed;
		mc_civil_from_days(mc_days_from_civil(ty, tm, td) - 1, &ey, &em, &ed);
		struct mc_lunar_date eve;
		assert_int_equal(mc_lunar_from_solar(ey, em, ed, &eve), 0);
		if (year > MC_LUNAR_MIN_YEAR || eve.year == year - 1) {
			assert_int_equal(eve.year, year - 1);
			assert_int_equal(eve.month, 12);
			assert_in_range(eve.day, 29, 30);
		}
		if (k == 7) {
			hung_rows++;
			assert_solar(year, 3, 10, 0, hy, hm, hd);
			snprintf(want, sizeof(want), "%04d-03-10", year);
			assert_lunar(hy, hm, hd, want);
		}
	}
	fclose(f);
	assert_int_equal(rows, 201);
	assert_int_equal(hung_rows, 200);
	assert_int_equal(differs, 10); /* the rows where Vietnam and China differ */
	for (int i = 0; i < MC_LUNAR_MAX_YEAR - MC_LUNAR_MIN_YEAR + 1; i++)
		assert_int_equal(seen[i], 1);
}

/* DOMAIN.md: Tết 2024-2029. */
static void tet_2024_2029(void **state)
{
	(void)state;
	assert_solar(2024, 1, 1, 0, 2024, 2, 10);
	assert_solar(2025, 1, 1, 0, 2025, 1, 29);
	assert_solar(2026, 1, 1, 0, 2026, 2, 17);
	assert_solar(2027, 1, 1, 0, 2027, 2, 6);
	assert_solar(2028, 1, 1, 0, 2028, 1, 26);
	assert_solar(2029, 1, 1, 0, 2029, 2, 13);
}

/* UTC+7 against UTC+8.  The 1984 winter solstice (16:17 UTC on 21 Dec)
 * fell at 23:17 on 21 Dec in Vietnam but at 00:17 on 22 Dec in China, the
 * day of the new moon: Vietnam's month 11 began a month earlier, and so did
 * Tết 1985.  The new moon of 17 Feb 2007 (16:14 UTC) fell at 23:14 in
 * Vietnam, 00:14 on 18 Feb in China. */
static void vietnam_is_not_china(void **state)
{
	(void)state;
	assert_lunar(1985, 1, 21, "1985-01-01");
	assert_lunar(1985, 2, 20, "1985-02-01"); /* China's Tết that year */
	assert_lunar(2007, 2, 17, "2007-01-01");
	assert_lunar(2007, 2, 18, "2007-01-02"); /* China's Tết */
	assert_lunar(1968, 1, 29, "1968-01-01");
	assert_lunar(1968, 1, 30, "1968-01-02"); /* China's Tết (and South Vietnam's, then on UTC+8) */
	assert_lunar(1969, 2, 16, "1969-01-01");
	assert_lunar(1969, 2, 17, "1969-01-02");
}

static void leap_months(void **state)
{
	(void)state;
	assert_int_equal(mc_lunar_leap_month(2025), 6);
	assert_int_equal(mc_lunar_leap_month(2023), 2);
	assert_int_equal(mc_lunar_leap_month(2020), 4);
	assert_int_equal(mc_lunar_leap_month(2024), 0);
	assert_int_equal(mc_lunar_leap_month(2026), 0);
	/* 2025-07-25 opens the leap sixth month; the sixth began a month earlier */
	assert_lunar(2025, 7, 25, "2025-06L-01");
	assert_lunar(2025, 7, 24, "2025-06-30");
	assert_lunar(2025, 6, 25, "2025-06-01");
	assert_lunar(2025, 8, 23, "2025-07-01");
	assert_solar(2025, 6, 1, 1, 2025, 7, 25);
	assert_solar(2025, 6, 1, 0, 2025, 6, 25);
	/* leap 2nd month of Quý Mão and leap 4th of Canh Tý */
	assert_lunar(2023, 3, 22, "2023-02L-01");
	assert_lunar(2020, 5, 23, "2020-04L-01");
	assert_solar(2020, 4, 1, 1, 2020, 5, 23);
	/* no such leap month */
	struct mc_lunar_date l = {2024, 6, 1, 1};
	int y, m, d;
	assert_int_equal(mc_lunar_to_solar(&l, &y, &m, &d), MC_E_INVAL);
	assert_int_equal(mc_lunar_month_length(2024, 6, 1), MC_E_INVAL);
	assert_in_range(mc_lunar_month_length(2025, 6, 1), 29, 30);
}

/* Minutes between a computed JDE (converted to UT with Delta T) and a
 * published UT instant. */
static double minutes_off(double jde, const char *published_utc)
{
	int64_t ms;
	assert_int_equal(mc_time_parse(published_utc, &ms), 0);
	double ut = jde - mc_lunar_delta_t(2000.0 + (jde - 2451545.0) / 365.25) / 86400.0;
	return (ut - (2440587.5 + (double)ms / 86400000.0)) * 1440.0;
}

/* Jean Meeus, Astronomical Algorithms, 2nd ed.: Example 49.a (new moon of
 * 1977 February, k = -283, JDE 2443192.65118) and Example 25.a (apparent
 * longitude of the Sun on 1992 October 13.0 TD, JDE 2448908.5, low-accuracy
 * method: 199.90895 degrees).  Delta T from the Espenak-Meeus polynomials:
 * 63.86 s in 2000.0, 29.07 s in 1950.0.  Then published instants (UT,
 * rounded to the minute): the new moons of 6 Jan 2000 18:14 and of the
 * total solar eclipses of 21 Aug 2017 (18:30) and 8 Apr 2024 (18:21); the
 * equinoxes and solstices of 2024 (US Naval Observatory: 20 Mar 03:06,
 * 20 Jun 20:51, 22 Sep 12:44, 21 Dec 09:20) and 21 Dec 2020 10:02. */
static void astronomy_examples(void **state)
{
	(void)state;
	assert_float_equal(mc_lunar_new_moon_jde(-283), 2443192.65118, 0.00001);
	assert_float_equal(mc_lunar_sun_longitude(2448908.5), 199.90895, 0.0001);
	assert_float_equal(mc_lunar_delta_t(2000.0), 63.86, 0.001);
	assert_float_equal(mc_lunar_delta_t(1950.0), 29.07, 0.001);
	assert_float_equal(minutes_off(mc_lunar_new_moon_jde(0), "2000-01-06T18:14:00Z"), 0, 1.0);
	assert_float_equal(minutes_off(mc_lunar_new_moon_jde(218), "2017-08-21T18:30:00Z"), 0, 1.0);
	assert_float_equal(minutes_off(mc_lunar_new_moon_jde(300), "2024-04-08T18:21:00Z"), 0, 1.0);
	assert_float_equal(minutes_off(mc_lunar_season_jde(2024, 0), "2024-03-20T03:06:00Z"), 0, 1.5);
	assert_float_equal(minutes_off(mc_lunar_season_jde(2024, 1), "2024-06-20T20:51:00Z"), 0, 1.5);
	assert_float_equal(minutes_off(mc_lunar_season_jde(2024, 2), "2024-09-22T12:44:00Z"), 0, 1.5);
	assert_float_equal(minutes_off(mc_lunar_season_jde(2024, 3), "2024-12-21T09:20:00Z"), 0, 1.5);
	assert_float_equal(minutes_off(mc_lunar_season_jde(2020, 3), "2020-12-21T10:02:00Z"), 0, 1.5);
	/* the low-accuracy longitude agrees with the seasons to 0.01 degree */
	for (int y = 1900; y <= 2100; y++) {
		for (int q = 0; q < 4; q++) {
			double off = mc_lunar_sun_longitude(mc_lunar_season_jde(y, q)) - 90.0 * q;
			off = off > 180 ? off - 360 : off;
			assert_float_equal(off, 0, 0.01);
		}
	}
	/* successive new moons are 29.27 to 29.84 days apart */
	for (int k = -1240; k < 1240; k++) {
		double gap = mc_lunar_new_moon_jde(k + 1) - mc_lunar_new_moon_jde(k);
		assert_true(gap > 29.2 && gap < 29.9);
	}
}

/* Every day 1900-2100: converting day by day, the lunar date moves by one
 * day or starts the next month on day 1; months have 29 or 30 days; month
 * numbers follow each other, a leap month repeating the one before; the
 * year turns over at month 1; the first day of each month converts back. */
static void every_day_is_consistent(void **state)
{
	(void)state;
	int64_t first = mc_days_from_civil(1900, 1, 1), last = mc_days_from_civil(2100, 12, 31);
	struct mc_lunar_date prev = {0, 0, 0, 0};
	int months = 0, leaps = 0;
	for (int64_t day = first; day <= last; day++) {
		int y, m, d;
		mc_civil_from_days(day, &y, &m, &d);
		struct mc_lunar_date cur;
		assert_int_equal(mc_lunar_from_solar(y, m, d, &cur), 0);
		assert_in_range(cur.day, 1, 30);
		if (day > first) {
			if (cur.day != 1) {
				assert_int_equal(cur.day, prev.day + 1);
				assert_int_equal(cur.month, prev.month);
				assert_int_equal(cur.leap, prev.leap);
				assert_int_equal(cur.year, prev.year);
			} else {
				assert_in_range(prev.day, 29, 30);
				months++;
				if (cur.leap) {
					leaps++;
					assert_int_equal(cur.month, prev.month);
					assert_int_equal(prev.leap, 0);
					assert_int_equal(mc_lunar_leap_month(cur.year), cur.month);
				} else {
					assert_int_equal(cur.month, prev.month % 12 + 1);
				}
				assert_int_equal(cur.year, prev.year + (cur.month == 1 && !cur.leap));
				int gy, gm, gd;
				assert_int_equal(mc_lunar_to_solar(&cur, &gy, &gm, &gd), 0);
				assert_int_equal(mc_days_from_civil(gy, gm, gd), day);
				/* the month that just ended had prev.day days */
				if (prev.year >= MC_LUNAR_MIN_YEAR)
					assert_int_equal(mc_lunar_month_length(prev.year, prev.month, prev.leap),
							 prev.day);
			}
		}
		prev = cur;
	}
	/* 201 years: 2486 lunations; about 7 leap months in 19 years */
	assert_in_range(months, 2480, 2490);
	assert_in_range(leaps, 72, 76);
}

static void rejects_bad_input(void **state)
{
	(void)state;
	struct mc_lunar_date l;
	int y, m, d;
	assert_int_equal(mc_lunar_from_solar(2023, 2, 29, &l), MC_E_INVAL);
	assert_int_equal(mc_lunar_from_solar(2024, 13, 1, &l), MC_E_INVAL);
	assert_int_equal(mc_lunar_from_solar(2024, 4, 31, &l), MC_E_INVAL);
	assert_int_equal(mc_lunar_from_solar(1899, 12, 31, &l), MC_E_INVAL);
	assert_int_equal(mc_lunar_from_solar(2101, 1, 1, &l), MC_E_INVAL);
	assert_int_equal(mc_lunar_from_solar(1900, 1, 1, &l), 0);
	assert_int_equal(mc_lunar_from_solar(2100, 12, 31, &l), 0);
	struct mc_lunar_date bad[] = {
		{2024, 0, 1, 0}, {2024, 13, 1, 0}, {2024, 1, 0, 0}, {2024, 1, 31, 0}, {1899, 1, 1, 0}, {2101, 1, 1, 0},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mc_lunar_to_solar(&bad[i], &y, &m, &d), MC_E_INVAL);
	/* day 30 of a 29-day month */
	int len = mc_lunar_month_length(2026, 1, 0);
	assert_in_range(len, 29, 30);
	struct mc_lunar_date past = {2026, 1, len + 1, 0};
	assert_int_equal(mc_lunar_to_solar(&past, &y, &m, &d), MC_E_INVAL);
	assert_int_equal(mc_lunar_leap_month(1899), MC_E_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tet_every_year_1900_2100), cmocka_unit_test(tet_2024_2029),
		cmocka_unit_test(vietnam_is_not_china),     cmocka_unit_test(leap_months),
		cmocka_unit_test(astronomy_examples),       cmocka_unit_test(every_day_is_consistent),
		cmocka_unit_test(rejects_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
