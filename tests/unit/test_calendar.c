/*
 * test_calendar.c - working days and deadlines (src/core/calendar.c): the
 * days off of 2026 and 2027 worked out by hand from Labor Code 2019 Art. 112,
 * admin exceptions (extra days off, make-up working days), receipt after the
 * cut-off and on days off, deadlines in days (across Tết 2027) and in
 * office hours (across lunch, nights, weekends and holidays), the early /
 * on-time / late score, configuration, concurrent use, and the
 * `motcua calendar` command (no database).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/calendar.h"
#include "core/err.h"
#include "core/lunar.h"
#include "core/timeutil.h"
#include "server.h"

#include <pthread.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t at(const char *iso)
{
	int64_t ms;
	if (mc_time_parse(iso, &ms))
		fail_msg("bad instant in test: %s", iso);
	return ms;
}

static void assert_instant(int64_t got, const char *expected)
{
	char buf[40];
	mc_time_format_vn(got, buf, sizeof(buf));
	if (strcmp(buf, expected) != 0)
		fail_msg("expected %s, got %s", expected, buf);
}

static int setup(void **state)
{
	struct mc_calendar *cal = malloc(sizeof(*cal));
	assert_non_null(cal);
	mc_cal_init(cal);
	*state = cal;
	return 0;
}

static int teardown(void **state)
{
	mc_cal_release(*state);
	free(*state);
	return 0;
}

struct expect_day {
	const char *date;
	const char *name;
};

static void assert_holidays(const struct mc_calendar *cal, int year, const struct expect_day *want, size_t nwant)
{
	struct mc_cal_holiday h[64];
	size_t n = 0;
	assert_int_equal(mc_cal_holidays(cal, year, h, 64, &n), 0);
	for (size_t i = 0; i < n && i < nwant; i++) {
		char date[16];
		snprintf(date, sizeof(date), "%04d-%02d-%02d", h[i].y, h[i].m, h[i].d);
		if (strcmp(date, want[i].date) != 0 || strcmp(h[i].name, want[i].name) != 0)
			fail_msg("%d, day off #%zu: expected %s %s, got %s %s", year, i + 1, want[i].date, want[i].name,
				 date, h[i].name);
	}
	assert_int_equal(n, nwant);
}

static const char TET[] = "Tết Nguyên đán";
static const char NEW_YEAR[] = "Tết Dương lịch";
static const char HUNG[] = "Giỗ Tổ Hùng Vương";
static const char REUNIF[] = "Ngày Giải phóng miền Nam, thống nhất đất nước";
static const char LABOUR[] = "Ngày Quốc tế Lao động";
static const char NATIONAL[] = "Quốc khánh";
static const char COMP[] = "Nghỉ bù";

/*
 * 2026, by hand:
 *   1/1 Thursday.
 *   Tết Bính Ngọ: 1/1 lunar = Tue 17/2 (DOMAIN.md); the last day of Ất Tỵ is
 *   Mon 16/2; Tết = Mon 16/2 .. Fri 20/2, all weekdays (the Government's
 *   nine-day break 14/2-22/2 adds only the two weekends).
 *   Hùng Kings 10/3 lunar = Sun 26/4 -> nghỉ bù Mon 27/4 (Art. 111(3)).
 *   30/4 Thursday, 1/5 Friday.
 *   2/9 Wednesday, and the default adjacent day 1/9 Tuesday.
 */
static void holidays_2026(void **state)
{
	static const struct expect_day want[] = {
		{"2026-01-01", NEW_YEAR}, {"2026-02-16", TET},      {"2026-02-17", TET},      {"2026-02-18", TET},
		{"2026-02-19", TET},      {"2026-02-20", TET},      {"2026-04-27", COMP},     {"2026-04-30", REUNIF},
		{"2026-05-01", LABOUR},   {"2026-09-01", NATIONAL}, {"2026-09-02", NATIONAL},
	};
	assert_holidays(*state, 2026, want, sizeof(want) / sizeof(want[0]));
	/* the Sunday holiday itself is a day off but a weekend, so not listed */
	struct mc_cal_day st;
	assert_int_equal(mc_cal_day_info(*state, 2026, 4, 26, &st), 0);
	assert_int_equal(st.working, 0);
	assert_int_equal(st.kind, MC_CAL_HOLIDAY);
	assert_string_equal(st.name, HUNG);
	assert_int_equal(mc_cal_day_info(*state, 2026, 4, 27, &st), 0);
	assert_int_equal(st.kind, MC_CAL_COMPENSATORY);
	assert_int_equal(mc_cal_is_working_day(*state, 2026, 4, 28), 1);
}

/*
 * 2027, by hand:
 *   1/1 Friday.
 *   Tết Đinh Mùi: 1/1 lunar = Sat 6/2; Tết = Fri 5/2 .. Tue 9/2; Sat 6/2
 *   and Sun 7/2 are weekend days, so Art. 111(3) gives Wed 10/2 and Thu
 *   11/2 (Tết included): 5/2, 8/2, 9/2, 10/2, 11/2, five weekdays.
 *   Hùng Kings 10/3 lunar = Fri 16/4.
 *   30/4 Friday; 1/5 Saturday -> nghỉ bù Mon 3/5.
 *   2/9 Thursday and 1/9 Wednesday.
 */
static void holidays_2027(void **state)
{
	static const struct expect_day want[] = {
		{"2027-01-01", NEW_YEAR}, {"2027-02-05", TET},      {"2027-02-08", TET},      {"2027-02-09", TET},
		{"2027-02-10", COMP},     {"2027-02-11", COMP},     {"2027-04-16", HUNG},     {"2027-04-30", REUNIF},
		{"2027-05-03", COMP},     {"2027-09-01", NATIONAL}, {"2027-09-02", NATIONAL},
	};
	assert_holidays(*state, 2027, want, sizeof(want) / sizeof(want[0]));
	assert_string_equal(mc_cal_holiday_name(*state, 2027, 2, 6), TET); /* Saturday, still Tết */
	assert_string_equal(mc_cal_holiday_name(*state, 2027, 5, 1), LABOUR);
	assert_null(mc_cal_holiday_name(*state, 2027, 2, 12)); /* working day */
	assert_null(mc_cal_holiday_name(*state, 2027, 2, 13)); /* plain Saturday */
	assert_int_equal(mc_cal_is_working_day(*state, 2027, 2, 13), 0);
}

/* Real years checked against the Government's notices: 2023 (Sat 2/9 ->
 * 1/9 and nghỉ bù Mon 4/9; Hùng Kings Sat 29/4 and 30/4 Sunday -> 2/5 and
 * 3/5; 1/1 Sunday -> 2/1), 2024 (3/9), 2025 (1/9). */
static void past_years_follow_the_decisions(void **state)
{
	const struct mc_calendar *cal = *state;
	static const struct expect_day want2023[] = {
		{"2023-01-02", COMP}, {"2023-01-23", TET},      {"2023-01-24", TET},    {"2023-01-25", TET},
		{"2023-01-26", COMP}, {"2023-01-27", COMP},     {"2023-05-01", LABOUR}, {"2023-05-02", COMP},
		{"2023-05-03", COMP}, {"2023-09-01", NATIONAL}, {"2023-09-04", COMP},
	};
	assert_holidays(cal, 2023, want2023, sizeof(want2023) / sizeof(want2023[0]));
	assert_string_equal(mc_cal_holiday_name(cal, 2024, 9, 3), NATIONAL);
	assert_int_equal(mc_cal_is_working_day(cal, 2024, 8, 30), 1);
	assert_string_equal(mc_cal_holiday_name(cal, 2025, 9, 1), NATIONAL);
	assert_int_equal(mc_cal_is_working_day(cal, 2025, 9, 3), 1);
}

/* Art. 111(3) applies to Tết too: Tết gives five weekdays off every year.
 * 2021 (Tết Fri 12/2), 2023 (Sun 22/1), 2024 (Sat 10/2) and 2027 (Sat
 * 6/2) have two of the five Tết days on a weekend; without nghỉ bù they got
 * three weekdays where the official schedules give five. */
static void tet_gives_five_weekdays(void **state)
{
	const struct mc_calendar *cal = *state;
	static const struct {
		int y, m, d;
		const char *first, *last;
	} hard[] = {
		{2021, 2, 12, "2021-02-11", "2021-02-17"},
		{2023, 1, 22, "2023-01-23", "2023-01-27"},
		{2024, 2, 10, "2024-02-09", "2024-02-15"},
		{2027, 2, 6, "2027-02-05", "2027-02-11"},
	};
	for (size_t i = 0; i < sizeof(hard) / sizeof(hard[0]); i++) {
		struct mc_lunar_date ld;
		assert_int_equal(mc_lunar_from_solar(hard[i].y, hard[i].m, hard[i].d, &ld), 0);
		assert_int_equal(ld.month * 100 + ld.day, 101);
	}
	for (int year = 1901; year <= 2100; year++) {
		struct mc_lunar_date ld = {year, 1, 1, 0};
		int y, m, d;
		assert_int_equal(mc_lunar_to_solar(&ld, &y, &m, &d), 0);
		int64_t tet = mc_days_from_civil(y, m, d);
		int off = 0;
		char first[16] = "", last[16] = "";
		for (int64_t day = tet - 3; day <= tet + 12; day++) {
			int cy, cm, cd;
			mc_civil_from_days(day, &cy, &cm, &cd);
			struct mc_cal_day st;
			assert_int_equal(mc_cal_day_info(cal, cy, cm, cd, &st), 0);
			int wd = (int)(((day + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday; 0 = Sunday */
			if (st.working || wd == 0 || wd == 6)
				continue;
			if (st.kind != MC_CAL_HOLIDAY && st.kind != MC_CAL_COMPENSATORY)
				continue;
			if (st.kind == MC_CAL_HOLIDAY && strcmp(st.name, TET) != 0)
				continue;
			off++;
			snprintf(last, sizeof(last), "%04d-%02d-%02d", cy, cm, cd);
			if (!first[0])
				memcpy(first, last, sizeof(first));
		}
		if (off != 5)
			fail_msg("Tết %d: %d weekdays off, expected 5", year, off);
		for (size_t i = 0; i < sizeof(hard) / sizeof(hard[0]); i++)
			if (hard[i].y == year && (strcmp(first, hard[i].first) || strcmp(last, hard[i].last)))
				fail_msg("Tết %d: off %s .. %s, expected %s .. %s", year, first, last, hard[i].first,
					 hard[i].last);
	}
}

/* A year with an official schedule follows the decision alone.  2026 as
 * decided (Công văn 12729/VPCP-KGVX of 25/12/2025 for 1/1; the Prime
 * Minister's decision of October 2025 for Tết and 2/9): Fri 2/1 off for
 * Sat 10/1, Mon 31/8 off for Sat 22/8.  A rule day the decision does not
 * list (here, leaving out 27/4 on purpose) is a working day; 2027 keeps
 * the rules. */
static void official_year_replaces_rules(void **state)
{
	struct mc_calendar *cal = *state;
	assert_int_equal(mc_cal_set_official_year(cal, 2026), 0);
	assert_int_equal(mc_cal_set_official_year(cal, 2026), 0);
	assert_true(mc_cal_is_official_year(cal, 2026));
	assert_false(mc_cal_is_official_year(cal, 2027));
	assert_int_equal(mc_cal_set_official_year(cal, 1899), MC_E_INVAL);
	static const struct expect_day off[] = {
		{"2026-01-01", NEW_YEAR}, {"2026-01-02", "Nghỉ Tết Dương lịch (hoán đổi)"},
		{"2026-02-16", TET},      {"2026-02-17", TET},
		{"2026-02-18", TET},      {"2026-02-19", TET},
		{"2026-02-20", TET},      {"2026-04-30", REUNIF},
		{"2026-05-01", LABOUR},   {"2026-08-31", "Nghỉ Quốc khánh (hoán đổi)"},
		{"2026-09-01", NATIONAL}, {"2026-09-02", NATIONAL},
	};
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		int y, m, d;
		assert_int_equal(sscanf(off[i].date, "%d-%d-%d", &y, &m, &d), 3);
		assert_int_equal(mc_cal_add_day_off(cal, y, m, d, off[i].name), 0);
	}
	assert_int_equal(mc_cal_add_working_day(cal, 2026, 1, 10, NULL), 0);
	assert_int_equal(mc_cal_add_working_day(cal, 2026, 8, 22, NULL), 0);
	assert_holidays(cal, 2026, off, sizeof(off) / sizeof(off[0]));
	assert_int_equal(mc_cal_is_working_day(cal, 2026, 4, 27), 1); /* not in the decision */
	assert_int_equal(mc_cal_is_working_day(cal, 2026, 1, 10), 1);
	assert_int_equal(mc_cal_is_working_day(cal, 2026, 4, 26), 0); /* a Sunday stays a rest day */
	assert_string_equal(mc_cal_holiday_name(cal, 2027, 2, 10), COMP);
	/* received Wed 31/12/2025 09:00, 2 days: day 1 Mon 5/1, day 2 Tue 6/1 */
	int64_t due;
	assert_int_equal(mc_cal_due_days(cal, at("2025-12-31T09:00:00+07:00"), 2, &due), 0);
	assert_instant(due, "2026-01-06T17:00:00+07:00");
	/* received Fri 9/1/2026 10:00, 1 day: the make-up Saturday 10/1 */
	assert_int_equal(mc_cal_due_days(cal, at("2026-01-09T10:00:00+07:00"), 1, &due), 0);
	assert_instant(due, "2026-01-10T17:00:00+07:00");
}

/* Received Wed 3/2/2027 09:00 (working day, before 15:00), 5 working days:
 * day 1 Thu 4/2; Fri 5/2 .. Thu 11/2 are Tết, a weekend and two nghỉ bù;
 * day 2 Fri 12/2, 3 Mon 15/2, 4 Tue 16/2, 5 Wed 17/2 -> due 17/2 17:00. */
static void due_across_tet_2027(void **state)
{
	int64_t due;
	assert_int_equal(mc_cal_due_days(*state, at("2027-02-03T09:00:00+07:00"), 5, &due), 0);
	assert_instant(due, "2027-02-17T17:00:00+07:00");
	/* the same instant given in UTC */
	assert_int_equal(mc_cal_due_days(*state, at("2027-02-03T02:00:00Z"), 5, &due), 0);
	assert_instant(due, "2027-02-17T17:00:00+07:00");
	/* 1 day: Thursday; 0 days: the day of receipt itself */
	assert_int_equal(mc_cal_due_days(*state, at("2027-02-03T09:00:00+07:00"), 1, &due), 0);
	assert_instant(due, "2027-02-04T17:00:00+07:00");
	assert_int_equal(mc_cal_due_days(*state, at("2027-02-03T09:00:00+07:00"), 0, &due), 0);
	assert_instant(due, "2027-02-03T17:00:00+07:00");
	/* 2 days from Thursday: Fri 5/2 is Tết, so day 1 Fri 12/2, day 2 Mon 15/2 */
	assert_int_equal(mc_cal_due_days(*state, at("2027-02-04T10:00:00+07:00"), 2, &due), 0);
	assert_instant(due, "2027-02-15T17:00:00+07:00");
}

/* An admin enters swaps: Sat 13/2/2027 worked, and Fri 12/2/2027 off
 * (named).  Same receipt as above: with the make-up day alone, day 1 Thu
 * 4/2, day 2 Fri 12/2, 3 Sat 13/2 (the make-up day counts), 4 Mon 15/2, 5
 * Tue 16/2; with 12/2 off too, day 2 is the Saturday and day 5 Wed 17/2. */
static void exceptions_count(void **state)
{
	struct mc_calendar *cal = *state;
	int64_t due;
	assert_int_equal(mc_cal_add_working_day(cal, 2027, 2, 13, NULL), 0);
	assert_int_equal(mc_cal_is_working_day(cal, 2027, 2, 13), 1);
	assert_null(mc_cal_holiday_name(cal, 2027, 2, 13));
	struct mc_cal_day st;
	assert_int_equal(mc_cal_day_info(cal, 2027, 2, 13, &st), 0);
	assert_int_equal(st.kind, MC_CAL_MAKEUP);
	assert_string_equal(st.name, "Làm bù");
	assert_int_equal(mc_cal_due_days(cal, at("2027-02-03T09:00:00+07:00"), 5, &due), 0);
	assert_instant(due, "2027-02-16T17:00:00+07:00");

	assert_int_equal(mc_cal_add_day_off(cal, 2027, 2, 12, "Nghỉ Tết (hoán đổi)"), 0);
	assert_int_equal(mc_cal_is_working_day(cal, 2027, 2, 12), 0);
	assert_string_equal(mc_cal_holiday_name(cal, 2027, 2, 12), "Nghỉ Tết (hoán đổi)");
	assert_int_equal(mc_cal_due_days(cal, at("2027-02-03T09:00:00+07:00"), 5, &due), 0);
	assert_instant(due, "2027-02-17T17:00:00+07:00");

	/* listed among the days off, in date order; the worked Saturday is not */
	static const struct expect_day want[] = {
		{"2027-01-01", NEW_YEAR},
		{"2027-02-05", TET},
		{"2027-02-08", TET},
		{"2027-02-09", TET},
		{"2027-02-10", COMP},
		{"2027-02-11", COMP},
		{"2027-02-12", "Nghỉ Tết (hoán đổi)"},
		{"2027-04-16", HUNG},
		{"2027-04-30", REUNIF},
		{"2027-05-03", COMP},
		{"2027-09-01", NATIONAL},
		{"2027-09-02", NATIONAL},
	};
	assert_holidays(cal, 2027, want, sizeof(want) / sizeof(want[0]));

	/* an exception overrides a statutory holiday, and a second one on the
	 * same date replaces the first */
	assert_int_equal(mc_cal_add_working_day(cal, 2027, 4, 16, "Trực"), 0);
	assert_int_equal(mc_cal_is_working_day(cal, 2027, 4, 16), 1);
	assert_int_equal(mc_cal_add_day_off(cal, 2027, 4, 16, NULL), 0);
	assert_string_equal(mc_cal_holiday_name(cal, 2027, 4, 16), COMP);
	assert_int_equal(mc_cal_add_day_off(cal, 2027, 2, 30, NULL), MC_E_INVAL);
	assert_int_equal(mc_cal_add_working_day(cal, 2101, 1, 3, NULL), MC_E_INVAL);
	/* many exceptions: the table grows and stays sorted */
	for (int d = 28; d >= 1; d--)
		assert_int_equal(mc_cal_add_day_off(cal, 2028, 2, d, NULL), 0);
	for (int d = 1; d <= 28; d++)
		assert_int_equal(mc_cal_is_working_day(cal, 2028, 2, d), 0);
	assert_int_equal(mc_cal_is_working_day(cal, 2028, 3, 1), 1);
	/* a long name is cut at a character boundary */
	char longname[700] = "";
	for (int i = 0; i < 200; i++)
		memcpy(longname + 3 * i, "ệ", 3); /* 3 bytes each */
	assert_int_equal(mc_cal_add_day_off(cal, 2028, 3, 2, longname), 0);
	const char *cut = mc_cal_holiday_name(cal, 2028, 3, 2);
	assert_int_equal(strlen(cut), 483); /* 161 whole characters of the 483 bytes that fit */
	assert_memory_equal(cut, longname, 483);
	/* a name of 120 characters, the most a calendar takes, is kept whole */
	longname[360] = '\0';
	assert_int_equal(mc_cal_add_day_off(cal, 2028, 3, 3, longname), 0);
	assert_string_equal(mc_cal_holiday_name(cal, 2028, 3, 3), longname);
}

/* Cut-off 15:00: Thu 5/3/2026 14:59:59 counts from Thursday (day 1 Fri
 * 6/3); 15:00:00 and later count from Fri 6/3 07:30 (day 1 Mon 9/3). */
static void after_cutoff(void **state)
{
	int64_t due, start;
	assert_int_equal(mc_cal_due_days(*state, at("2026-03-05T14:59:59+07:00"), 1, &due), 0);
	assert_instant(due, "2026-03-06T17:00:00+07:00");
	assert_int_equal(mc_cal_due_days(*state, at("2026-03-05T15:00:00+07:00"), 1, &due), 0);
	assert_instant(due, "2026-03-09T17:00:00+07:00");
	assert_int_equal(mc_cal_count_start(*state, at("2026-03-05T15:00:00+07:00"), &start), 0);
	assert_instant(start, "2026-03-06T07:30:00+07:00");
	assert_int_equal(mc_cal_count_start(*state, at("2026-03-05T14:59:59+07:00"), &start), 0);
	assert_instant(start, "2026-03-05T14:59:59+07:00");
	/* an online submission at 23:30 is after the cut-off too */
	assert_int_equal(mc_cal_due_days(*state, at("2026-03-05T23:30:00+07:00"), 3, &due), 0);
	assert_instant(due, "2026-03-11T17:00:00+07:00");
	/* 16:00 UTC on Thursday is 23:00 Thursday in Vietnam, not Friday */
	assert_int_equal(mc_cal_count_start(*state, at("2026-03-05T16:00:00Z"), &start), 0);
	assert_instant(start, "2026-03-06T07:30:00+07:00");
	/* a different cut-off hour */
	struct mc_calendar *cal = *state;
	cal->cutoff = 16 * 60;
	assert_int_equal(mc_cal_due_days(cal, at("2026-03-05T15:30:00+07:00"), 1, &due), 0);
	assert_instant(due, "2026-03-06T17:00:00+07:00");
}

/* Received on a day off: counts from the opening of the next working day,
 * which is not itself counted.  Sat 7/3/2026 -> start Mon 9/3 07:30, day 1
 * Tue 10/3.  Thu 30/4/2026 (holiday) -> 1/5 holiday, 2-3/5 weekend -> start
 * Mon 4/5, day 1 Tue 5/5. */
static void weekend_and_holiday_receipt(void **state)
{
	int64_t due, start;
	assert_int_equal(mc_cal_count_start(*state, at("2026-03-07T10:00:00+07:00"), &start), 0);
	assert_instant(start, "2026-03-09T07:30:00+07:00");
	assert_int_equal(mc_cal_due_days(*state, at("2026-03-07T10:00:00+07:00"), 1, &due), 0);
	assert_instant(due, "2026-03-10T17:00:00+07:00");
	/* a Friday after the cut-off lands on the same Monday as the weekend */
	assert_int_equal(mc_cal_due_days(*state, at("2026-03-06T16:00:00+07:00"), 1, &due), 0);
	assert_instant(due, "2026-03-10T17:00:00+07:00");
	assert_int_equal(mc_cal_count_start(*state, at("2026-04-30T09:00:00+07:00"), &start), 0);
	assert_instant(start, "2026-05-04T07:30:00+07:00");
	assert_int_equal(mc_cal_due_days(*state, at("2026-04-30T09:00:00+07:00"), 1, &due), 0);
	assert_instant(due, "2026-05-05T17:00:00+07:00");
	/* a working Saturday entered by an admin receives like a weekday */
	struct mc_calendar *cal = *state;
	assert_int_equal(mc_cal_add_working_day(cal, 2026, 3, 7, NULL), 0);
	assert_int_equal(mc_cal_count_start(cal, at("2026-03-07T10:00:00+07:00"), &start), 0);
	assert_instant(start, "2026-03-07T10:00:00+07:00");
	assert_int_equal(mc_cal_due_days(cal, at("2026-03-07T10:00:00+07:00"), 1, &due), 0);
	assert_instant(due, "2026-03-09T17:00:00+07:00");
}

/* Deadlines in office hours (07:30-11:30, 13:00-17:00 = 8 h a day). */
static void working_hours(void **state)
{
	const struct mc_calendar *cal = *state;
	int64_t due;
	/* across lunch: Mon 9/3/2026 10:00 + 4 h = 1.5 h before lunch + 2.5 h after */
	assert_int_equal(mc_cal_due_hours(cal, at("2026-03-09T10:00:00+07:00"), 4, &due), 0);
	assert_instant(due, "2026-03-09T15:30:00+07:00");
	/* overnight: 14:00 + 8 h = 3 h Monday, 4 h Tuesday morning, 1 h after lunch */
	assert_int_equal(mc_cal_due_hours(cal, at("2026-03-09T14:00:00+07:00"), 8, &due), 0);
	assert_instant(due, "2026-03-10T14:00:00+07:00");
	/* ending exactly at closing time stays on that day */
	assert_int_equal(mc_cal_add_working_minutes(cal, at("2026-03-09T09:00:00+07:00"), 390, &due), 0);
	assert_instant(due, "2026-03-09T17:00:00+07:00");
	assert_int_equal(mc_cal_add_working_minutes(cal, at("2026-03-09T09:00:00+07:00"), 391, &due), 0);
	assert_instant(due, "2026-03-10T07:31:00+07:00");
	/* from inside the lunch break and from before opening */
	assert_int_equal(mc_cal_add_working_minutes(cal, at("2026-03-09T12:00:00+07:00"), 30, &due), 0);
	assert_instant(due, "2026-03-09T13:30:00+07:00");
	assert_int_equal(mc_cal_add_working_minutes(cal, at("2026-03-09T06:00:00+07:00"), 60, &due), 0);
	assert_instant(due, "2026-03-09T08:30:00+07:00");
	/* over a holiday and a weekend: Wed 29/4/2026 13:00 + 8 h = 4 h Wednesday,
	 * then 30/4, 1/5 (holidays), 2-3/5 (weekend), 4 h on Mon 4/5 */
	assert_int_equal(mc_cal_due_hours(cal, at("2026-04-29T13:00:00+07:00"), 8, &due), 0);
	assert_instant(due, "2026-05-04T11:30:00+07:00");
	/* received after the cut-off on Fri 24/4/2026: Mon 27/4 is nghỉ bù, so
	 * the hours start Tue 28/4 07:30 */
	assert_int_equal(mc_cal_due_hours(cal, at("2026-04-24T16:00:00+07:00"), 8, &due), 0);
	assert_instant(due, "2026-04-28T17:00:00+07:00");
	/* 40 hours = 5 full days */
	assert_int_equal(mc_cal_due_hours(cal, at("2026-03-09T07:30:00+07:00"), 40, &due), 0);
	assert_instant(due, "2026-03-13T17:00:00+07:00");
	/* zero */
	assert_int_equal(mc_cal_add_working_minutes(cal, at("2026-03-09T10:00:00+07:00"), 0, &due), 0);
	assert_instant(due, "2026-03-09T10:00:00+07:00");
}

static int64_t between(const struct mc_calendar *cal, const char *from, const char *to)
{
	int64_t m = -1;
	assert_int_equal(mc_cal_working_minutes_between(cal, at(from), at(to), &m), 0);
	return m;
}

/* The fewest m with add_working_minutes(from, m) >= to, by bisection (what
 * the pause of a supplement computed before the function existed). */
static int64_t between_by_search(const struct mc_calendar *cal, int64_t from, int64_t to)
{
	int64_t lo = 0, hi = 3650LL * 8 * 60;
	while (lo < hi) {
		int64_t mid = (lo + hi) / 2, t = 0;
		assert_int_equal(mc_cal_add_working_minutes(cal, from, mid, &t), 0);
		if (t >= to)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void minutes_between(void **state)
{
	const struct mc_calendar *cal = *state;
	/* part of a day, across lunch: 1.5 h + 2.5 h */
	assert_int_equal(between(cal, "2026-03-09T10:00:00+07:00", "2026-03-09T15:30:00+07:00"), 240);
	/* a weekend: Fri 16:00-17:00, Mon 07:30-08:30 */
	assert_int_equal(between(cal, "2026-03-13T16:00:00+07:00", "2026-03-16T08:30:00+07:00"), 120);
	/* a holiday and a weekend: Wed 29/4 afternoon, 30/4 and 1/5 off, Mon 4/5 morning */
	assert_int_equal(between(cal, "2026-04-29T13:00:00+07:00", "2026-05-04T11:30:00+07:00"), 480);
	/* lunar Tết 2027: Thu 4/2 from 10:00, Fri 5/2 to Thu 11/2 off, Fri 12/2 until 09:00 */
	assert_int_equal(between(cal, "2027-02-04T10:00:00+07:00", "2027-02-12T09:00:00+07:00"), 330 + 90);
	/* seconds round up; nothing between an instant and itself or earlier */
	assert_int_equal(between(cal, "2026-03-09T10:00:30+07:00", "2026-03-09T10:02:00+07:00"), 2);
	assert_int_equal(between(cal, "2026-03-09T10:00:00+07:00", "2026-03-09T10:00:00+07:00"), 0);
	assert_int_equal(between(cal, "2026-03-09T11:00:00+07:00", "2026-03-09T10:00:00+07:00"), 0);
	/* closing time is reached by the day's minutes; an evening instant
	 * only by one more (the first minute of the next morning) */
	assert_int_equal(between(cal, "2026-03-09T09:00:00+07:00", "2026-03-09T17:00:00+07:00"), 390);
	assert_int_equal(between(cal, "2026-03-09T09:00:00+07:00", "2026-03-09T18:00:00+07:00"), 391);
	assert_int_equal(between(cal, "2026-03-09T12:00:00+07:00", "2026-03-09T12:30:00+07:00"), 1);
	/* the inverse of mc_cal_add_working_minutes, wherever the instants fall */
	uint64_t r = 88172645463325252ULL;
	int64_t base = at("2026-01-01T00:00:00+07:00");
	for (int i = 0; i < 2000; i++) {
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		int64_t from = base + (int64_t)(r % (400ULL * 86400000));
		int64_t to = from + (int64_t)((r >> 20) % (30ULL * 86400000)) * (i % 3 ? 1 : 0) +
			     (int64_t)((r >> 7) % 86400000);
		if (i % 5 == 0)
			to -= to % 60000; /* whole minutes too */
		int64_t m = -1;
		assert_int_equal(mc_cal_working_minutes_between(cal, from, to, &m), 0);
		if (m != between_by_search(cal, from, to))
			fail_msg("from %" PRId64 " to %" PRId64 ": %" PRId64 " minutes, the search says %" PRId64, from,
				 to, m, between_by_search(cal, from, to));
	}
	/* out of range */
	int64_t m;
	assert_int_equal(
		mc_cal_working_minutes_between(cal, at("2026-01-01T00:00:00Z"), at("2040-01-01T00:00:00Z"), &m),
		MC_E_INVAL);
}

/* Early / on time / late against a due instant of Mon 15/2/2027 17:00. */
static void classification(void **state)
{
	(void)state;
	int64_t due = at("2027-02-15T17:00:00+07:00");
	assert_int_equal(mc_cal_classify(at("2027-02-12T16:00:00+07:00"), due), MC_CAL_EARLY);
	assert_int_equal(mc_cal_classify(at("2027-02-14T23:59:59+07:00"), due), MC_CAL_EARLY);
	assert_int_equal(mc_cal_classify(at("2027-02-15T00:00:00+07:00"), due), MC_CAL_ON_TIME);
	assert_int_equal(mc_cal_classify(at("2027-02-15T08:00:00+07:00"), due), MC_CAL_ON_TIME);
	assert_int_equal(mc_cal_classify(due, due), MC_CAL_ON_TIME);
	assert_int_equal(mc_cal_classify(due + 1000, due), MC_CAL_LATE);
	assert_int_equal(mc_cal_classify(at("2027-02-16T08:00:00+07:00"), due), MC_CAL_LATE);
	/* 16:59 UTC on the 14th is 23:59 on the 14th in Vietnam: early */
	assert_int_equal(mc_cal_classify(at("2027-02-14T16:59:00Z"), due), MC_CAL_EARLY);
	assert_int_equal(mc_cal_classify(at("2027-02-14T17:00:00Z"), due), MC_CAL_ON_TIME);
	/* the points */
	assert_int_equal(MC_CAL_EARLY, 2);
	assert_int_equal(MC_CAL_ON_TIME, 1);
	assert_int_equal(MC_CAL_LATE, 0);
}

static void configuration(void **state)
{
	struct mc_calendar *cal = *state;
	int64_t due;
	/* one span 08:00-16:00: days end at 16:00, hours skip no lunch */
	struct mc_cal_span one[] = {{8 * 60, 16 * 60}};
	assert_int_equal(mc_cal_set_office_hours(cal, one, 1), 0);
	assert_int_equal(mc_cal_due_days(cal, at("2026-03-09T09:00:00+07:00"), 1, &due), 0);
	assert_instant(due, "2026-03-10T16:00:00+07:00");
	assert_int_equal(mc_cal_due_hours(cal, at("2026-03-09T11:00:00+07:00"), 4, &due), 0);
	assert_instant(due, "2026-03-09T15:00:00+07:00");
	/* a count start after the cut-off opens at the first span */
	int64_t start;
	assert_int_equal(mc_cal_count_start(cal, at("2026-03-09T15:30:00+07:00"), &start), 0);
	assert_instant(start, "2026-03-10T08:00:00+07:00");
	/* bad spans leave the calendar unchanged */
	struct mc_cal_span overlap[] = {{8 * 60, 12 * 60}, {11 * 60, 17 * 60}};
	struct mc_cal_span empty[] = {{9 * 60, 9 * 60}};
	struct mc_cal_span late[] = {{23 * 60, 25 * 60}};
	assert_int_equal(mc_cal_set_office_hours(cal, overlap, 2), MC_E_INVAL);
	assert_int_equal(mc_cal_set_office_hours(cal, empty, 1), MC_E_INVAL);
	assert_int_equal(mc_cal_set_office_hours(cal, late, 1), MC_E_INVAL);
	assert_int_equal(mc_cal_set_office_hours(cal, one, 0), MC_E_INVAL);
	assert_int_equal(mc_cal_set_office_hours(cal, one, MC_CAL_MAX_SPANS + 1), MC_E_INVAL);
	assert_int_equal(cal->noffice, 1);
	assert_int_equal(cal->office[0].end, 16 * 60);

	/* Quốc khánh 2027 with 3/9 instead of 1/9 */
	assert_int_equal(mc_cal_set_national_day(cal, 2027, 1), 0);
	assert_int_equal(mc_cal_is_working_day(cal, 2027, 9, 1), 1);
	assert_string_equal(mc_cal_holiday_name(cal, 2027, 9, 3), NATIONAL);
	assert_int_equal(mc_cal_set_national_day(cal, 2027, 2), MC_E_INVAL);

	/* Tết as 0 days before and 5 from 1/1: Sat 6/2 .. Wed 10/2/2027 */
	cal->tet_before = 0;
	cal->tet_after = 5;
	assert_int_equal(mc_cal_is_working_day(cal, 2027, 2, 5), 1);
	assert_string_equal(mc_cal_holiday_name(cal, 2027, 2, 10), TET);
	cal->tet_after = 0;
	assert_int_equal(mc_cal_is_working_day(cal, 2027, 3, 3), MC_E_CONFIG);
	cal->tet_after = 5;

	/* without Art. 111(3) the Saturday 1/5/2027 gives no Monday */
	cal->compensate = 0;
	assert_int_equal(mc_cal_is_working_day(cal, 2027, 5, 3), 1);
	cal->compensate = 1;
	assert_int_equal(mc_cal_is_working_day(cal, 2027, 5, 3), 0);

	/* a six-day week (Sunday only): Saturdays work, 1/5/2027 Saturday is a
	 * weekday holiday, so no nghỉ bù */
	cal->weekend = MC_CAL_SUN;
	assert_int_equal(mc_cal_is_working_day(cal, 2027, 2, 13), 1);
	assert_int_equal(mc_cal_is_working_day(cal, 2027, 5, 1), 0);
	assert_int_equal(mc_cal_is_working_day(cal, 2027, 5, 3), 1);
	/* every day a rest day: deadlines fail instead of looping */
	cal->weekend = 0x7F;
	assert_int_equal(mc_cal_due_days(cal, at("2026-03-09T09:00:00+07:00"), 1, &due), MC_E_CONFIG);
}

static void out_of_range(void **state)
{
	const struct mc_calendar *cal = *state;
	int64_t due;
	struct mc_cal_holiday h[4];
	size_t n;
	assert_int_equal(mc_cal_is_working_day(cal, 1899, 12, 29), MC_E_INVAL);
	assert_int_equal(mc_cal_is_working_day(cal, 2026, 2, 29), MC_E_INVAL);
	assert_null(mc_cal_holiday_name(cal, 2026, 13, 1));
	assert_int_equal(mc_cal_holidays(cal, 2101, h, 4, &n), MC_E_INVAL);
	assert_int_equal(mc_cal_due_days(cal, at("2100-12-29T09:00:00+07:00"), 5, &due), MC_E_INVAL);
	assert_int_equal(mc_cal_due_days(cal, at("2026-03-09T09:00:00+07:00"), -1, &due), MC_E_INVAL);
	assert_int_equal(mc_cal_due_hours(cal, at("2026-03-09T09:00:00+07:00"), -1, &due), MC_E_INVAL);
	/* a short buffer: the count is still right */
	assert_int_equal(mc_cal_holidays(cal, 2026, h, 4, &n), MC_E_TOO_BIG);
	assert_int_equal(n, 11);
	assert_int_equal(h[3].d, 18);
}

/* Many threads read one calendar at once and get the answers of one. */
struct job {
	const struct mc_calendar *cal;
	int64_t due[40];
	int rc;
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	int64_t t = at("2026-01-05T09:00:00+07:00");
	for (int i = 0; i < 40 && !j->rc; i++)
		j->rc = mc_cal_due_days(j->cal, t + (int64_t)i * 86400000 * 9, 12, &j->due[i]);
	return NULL;
}

static void concurrent_use(void **state)
{
	struct mc_calendar *cal = *state;
	assert_int_equal(mc_cal_add_working_day(cal, 2026, 2, 14, NULL), 0);
	struct job ref = {cal, {0}, 0};
	run_job(&ref);
	assert_int_equal(ref.rc, 0);
	enum { N = 6 };
	struct job jobs[N];
	pthread_t th[N];
	for (int i = 0; i < N; i++) {
		jobs[i] = (struct job){cal, {0}, 0};
		assert_int_equal(pthread_create(&th[i], NULL, run_job, &jobs[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(jobs[i].rc, 0);
		assert_memory_equal(jobs[i].due, ref.due, sizeof(ref.due));
	}
}

/* ------------------------------------------------------------ the command */

/* Run `motcua calendar ARGS` (no database: MOTCUA_DB points nowhere). */
static int run_cli(const char *args, char *out, size_t n)
{
	char a[1024];
	snprintf(a, sizeof(a), "calendar %s", args);
	return mc_test_run_cli("/nonexistent/motcua.db", a, out, n);
}

static void cli_output(void **state)
{
	(void)state;
	char out[4096];
	assert_int_equal(run_cli("holidays 2027", out, sizeof(out)), 0);
	assert_string_equal(out, "2027-01-01\tTết Dương lịch\n"
				 "2027-02-05\tTết Nguyên đán\n"
				 "2027-02-08\tTết Nguyên đán\n"
				 "2027-02-09\tTết Nguyên đán\n"
				 "2027-02-10\tNghỉ bù\n"
				 "2027-02-11\tNghỉ bù\n"
				 "2027-04-16\tGiỗ Tổ Hùng Vương\n"
				 "2027-04-30\tNgày Giải phóng miền Nam, thống nhất đất nước\n"
				 "2027-05-03\tNghỉ bù\n"
				 "2027-09-01\tQuốc khánh\n"
				 "2027-09-02\tQuốc khánh\n");
	assert_int_equal(run_cli("due --from 2027-02-03T09:00:00+07:00 --days 5", out, sizeof(out)), 0);
	assert_string_equal(out, "2027-02-17T17:00:00+07:00\n");
	assert_int_equal(run_cli("due --from=2027-02-03T02:00:00Z --hours 8", out, sizeof(out)), 0);
	assert_string_equal(out, "2027-02-04T09:00:00+07:00\n");
	assert_int_equal(run_cli("due --from 2027-02-03T09:00:00+07:00 --days 5 --work 2027-02-13", out, sizeof(out)),
			 0);
	assert_string_equal(out, "2027-02-16T17:00:00+07:00\n");
	assert_int_equal(run_cli("holidays 2027 --off 2027-02-12", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "2027-02-11\tNghỉ bù\n2027-02-12\tNghỉ bù\n2027-04-16"));
	assert_int_equal(run_cli("lunar 2025-07-25", out, sizeof(out)), 0);
	assert_string_equal(out, "2025-06L-01\n");
	assert_int_equal(run_cli("lunar 1985-01-21", out, sizeof(out)), 0);
	assert_string_equal(out, "1985-01-01\n");
	assert_int_equal(run_cli("--help", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "usage: motcua calendar"));

	/* usage errors: exit 2, nothing on standard output */
	static const char *const bad[] = {
		"",
		"nonsense",
		"holidays",
		"holidays 1899",
		"holidays 2027x",
		"holidays 2027 --bogus 1",
		"due --from 2027-02-03T09:00:00 --days 5",
		"due --from 2027-02-03T09:00:00+07:00",
		"due --from 2027-02-03T09:00:00+07:00 --days 5 --hours 8",
		"due --from 2027-02-03T09:00:00+07:00 --days -1",
		"due --from 2027-02-03T09:00:00+07:00 --days 5 stray",
		"due --from 2027-02-03T09:00:00+07:00 --days 5 --off 2027-02-30",
		"lunar 2025-7-25",
		"lunar 2101-01-01",
		"lunar",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = run_cli(bad[i], out, sizeof(out));
		if (rc != 2 || out[0])
			fail_msg("`motcua calendar %s`: exit %d, output '%s'", bad[i], rc, out);
	}
}

/* Office hours as configured or given to an agency: "HH:MM-HH:MM" spans,
 * ascending, not overlapping, at most MC_CAL_MAX_SPANS. */
static void office_hours_text(void **state)
{
	(void)state;
	struct mc_cal_span s[MC_CAL_MAX_SPANS];
	int n = 0;
	assert_int_equal(mc_cal_parse_office_hours("07:30-11:30,13:00-17:00", s, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(s[0].start, 450);
	assert_int_equal(s[0].end, 690);
	assert_int_equal(s[1].start, 780);
	assert_int_equal(s[1].end, 1020);
	assert_int_equal(mc_cal_parse_office_hours("00:00-24:00", s, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(mc_cal_parse_office_hours("07:00-08:00,09:00-10:00,11:00-12:00,13:00-14:00", s, &n), 0);
	assert_int_equal(n, 4);
	static const char *const bad[] = {
		"",
		"7:30-11:30",
		"07:30-11:30,",
		",07:30-11:30",
		"07:30-11:30 ,13:00-17:00",
		"07:30 - 11:30",
		"11:30-07:30",
		"07:30-07:30",
		"13:00-17:00,07:30-11:30",
		"07:30-12:00,11:00-17:00",
		"24:30-25:00",
		"07:60-08:00",
		"07:00-08:00,09:00-10:00,11:00-12:00,13:00-14:00,15:00-16:00",
		"-7:30-11:30",
		"+7:30-11:30",
		"07:30-11:30x",
		NULL,
	};
	for (int i = 0; bad[i]; i++)
		if (mc_cal_parse_office_hours(bad[i], s, &n) != MC_E_INVAL)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_int_equal(mc_cal_parse_office_hours(NULL, s, &n), MC_E_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(holidays_2026, setup, teardown),
		cmocka_unit_test_setup_teardown(holidays_2027, setup, teardown),
		cmocka_unit_test_setup_teardown(past_years_follow_the_decisions, setup, teardown),
		cmocka_unit_test_setup_teardown(tet_gives_five_weekdays, setup, teardown),
		cmocka_unit_test_setup_teardown(official_year_replaces_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(due_across_tet_2027, setup, teardown),
		cmocka_unit_test_setup_teardown(exceptions_count, setup, teardown),
		cmocka_unit_test_setup_teardown(after_cutoff, setup, teardown),
		cmocka_unit_test_setup_teardown(weekend_and_holiday_receipt, setup, teardown),
		cmocka_unit_test_setup_teardown(working_hours, setup, teardown),
		cmocka_unit_test_setup_teardown(minutes_between, setup, teardown),
		cmocka_unit_test_setup_teardown(classification, setup, teardown),
		cmocka_unit_test_setup_teardown(configuration, setup, teardown),
		cmocka_unit_test_setup_teardown(out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(concurrent_use, setup, teardown),
		cmocka_unit_test(cli_output),
		cmocka_unit_test(office_hours_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
