/*
 * calendar.h - working time: which days are working days, and legal
 * deadlines counted in working days or working hours.
 *
 * The rules (docs/calendar.md has the legal references):
 *  - office hours, by default 07:30-11:30 and 13:00-17:00 (configurable);
 *  - weekly rest days, by default Saturday and Sunday;
 *  - the statutory holidays of Labor Code 2019 Art. 112(1): Tết Dương lịch
 *    1/1; Tết Nguyên đán, by default the last day of the lunar year and the
 *    first four of the new one; Giỗ Tổ Hùng Vương 10/3 lunar; 30/4; 1/5;
 *    Quốc khánh 2/9 plus 1/9 or 3/9 (per year; 1/9 by default);
 *  - Art. 111(3): a holiday on a weekly rest day gives the next working day
 *    off (nghỉ bù) - applied to every holiday, Tết included;
 *  - a year's official schedule (the Prime Minister's / Ministry of Home
 *    Affairs' decision) replaces these rules for that year: the year is
 *    marked official and its days off and make-up days are exceptions;
 *  - exceptions entered by an admin: extra days off (swapped or
 *    compensatory days) and make-up working days (a Saturday worked).  An
 *    exception overrides every rule for its date.
 *  - a dossier received after the cut-off hour (15:00) or on a day off
 *    counts as received at the opening of the next working day.
 *
 * Deadlines in days follow Civil Code 2015 Art. 147-148: the day of receipt
 * is not counted; day 1 is the next working day; the deadline is the end of
 * office hours of day N.  Deadlines in hours count office minutes only,
 * from the moment of receipt.
 *
 * All instants are UTC milliseconds (timeutil.h); dates are Vietnamese
 * local dates (UTC+7).  A struct mc_calendar is configured once (init,
 * setters, exceptions) and then only read: every query takes it const, keeps
 * no state and can run from any number of threads at once.
 * Dates must lie within 1900..2100 (the range of lunar.h); queries outside it
 * return MC_E_INVAL.
 */
#ifndef MC_CALENDAR_H
#define MC_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#define MC_CAL_MAX_SPANS    4   /* office-hour spans per day */
#define MC_CAL_MAX_ND_YEARS 64  /* per-year choices of the Quốc khánh day */
#define MC_CAL_NAME_MAX     484 /* bytes of an exception's name, with the NUL: 120 characters of up to 4 bytes */
#define MC_CAL_MAX_OFFICIAL 201 /* years with an official schedule: all of 1900..2100 */

/* Weekdays as bits of mc_calendar.weekend (0 = Sunday ... 6 = Saturday). */
#define MC_CAL_SUN (1u << 0)
#define MC_CAL_MON (1u << 1)
#define MC_CAL_SAT (1u << 6)

enum mc_cal_kind {
	MC_CAL_WORKDAY = 0,  /* ordinary working day */
	MC_CAL_WEEKEND,      /* weekly rest day */
	MC_CAL_HOLIDAY,      /* statutory holiday, Art. 112(1) */
	MC_CAL_COMPENSATORY, /* next working day after a holiday on a rest day, Art. 111(3) */
	MC_CAL_EXTRA_OFF,    /* admin exception: day off */
	MC_CAL_MAKEUP,       /* admin exception: working day */
};

/* Scores of a completion against its deadline (2 / 1 / 0 points). */
enum mc_cal_score {
	MC_CAL_LATE = 0,
	MC_CAL_ON_TIME = 1,
	MC_CAL_EARLY = 2,
};

/* Office hours of a day: [start, end) in minutes after local midnight. */
struct mc_cal_span {
	int start;
	int end;
};

struct mc_cal_exception {
	int64_t day; /* local date as days since 1970-01-01 */
	int working; /* 1 make-up working day, 0 day off */
	char name[MC_CAL_NAME_MAX];
};

struct mc_calendar {
	struct mc_cal_span office[MC_CAL_MAX_SPANS];
	int noffice;
	unsigned weekend; /* MC_CAL_SAT | MC_CAL_SUN */
	int cutoff;       /* minutes after midnight; received at or after it counts from the next working day */
	int tet_before;   /* Tết days before lunar 1/1 (default 1), 0..3 */
	int tet_after;    /* Tết days from lunar 1/1 on (default 4), 1..7 */
	int nd_default;   /* -1: the extra Quốc khánh day is 1/9, +1: 3/9 */
	struct {
		int year;
		int offset;
	} nd[MC_CAL_MAX_ND_YEARS];
	int nnd;
	int compensate;                    /* apply Art. 111(3) (default 1) */
	int official[MC_CAL_MAX_OFFICIAL]; /* years whose days come from a decision only */
	int nofficial;
	struct mc_cal_exception *exc; /* sorted by day */
	size_t nexc, capexc;
};

/* One day's status.  name is NULL for ordinary working days and weekends;
 * it points to a constant or into the calendar, valid until the calendar
 * is changed or released. */
struct mc_cal_day {
	int working;
	enum mc_cal_kind kind;
	const char *name;
};

/* A day off that is not a weekly rest day (mc_cal_holidays). */
struct mc_cal_holiday {
	int y, m, d;
	enum mc_cal_kind kind;
	const char *name;
};

/* Defaults as listed above, including the Quốc khánh days already decided
 * (2024: 3/9; 2022, 2023, 2025: 1/9, the default).  Never fails. */
void mc_cal_init(struct mc_calendar *cal);
/* Free the exceptions; the calendar may be initialised again. */
void mc_cal_release(struct mc_calendar *cal);
/* Make dst a copy of src with exceptions of its own (released with
 * mc_cal_release).  Never fails. */
void mc_cal_copy(struct mc_calendar *dst, const struct mc_calendar *src);

/* Office hours written "07:30-11:30,13:00-17:00" (24-hour, ascending spans
 * that do not overlap, 1..MC_CAL_MAX_SPANS of them) into out; *n spans.
 * 0, or MC_E_INVAL for anything else. */
int mc_cal_parse_office_hours(const char *s, struct mc_cal_span out[MC_CAL_MAX_SPANS], int *n);
/* Replace the office hours: 1..MC_CAL_MAX_SPANS spans, ascending, not
 * overlapping, within 0..1440.  MC_E_INVAL otherwise (calendar unchanged). */
int mc_cal_set_office_hours(struct mc_calendar *cal, const struct mc_cal_span *spans, int n);
/* The second Quốc khánh day of `year`: offset -1 (1/9) or +1 (3/9). */
int mc_cal_set_national_day(struct mc_calendar *cal, int year, int offset);
/* Mark `year` as governed by an official schedule: none of the rules
 * (holidays, nghỉ bù) apply to its dates; its days off and make-up working
 * days are the exceptions the caller adds (the weekly rest days still
 * hold).  MC_E_INVAL for a year out of range. */
int mc_cal_set_official_year(struct mc_calendar *cal, int year);
int mc_cal_is_official_year(const struct mc_calendar *cal, int year);
/* Admin exceptions.  A second exception on the same date replaces the
 * first.  name may be NULL ("Nghỉ bù" / "Làm bù"); it is copied (truncated
 * to MC_CAL_NAME_MAX - 1 bytes at a character boundary). */
int mc_cal_add_day_off(struct mc_calendar *cal, int y, int m, int d, const char *name);
int mc_cal_add_working_day(struct mc_calendar *cal, int y, int m, int d, const char *name);

/* Status of a local date.  0 or MC_E_INVAL (bad date, out of range). */
int mc_cal_day_info(const struct mc_calendar *cal, int y, int m, int d, struct mc_cal_day *out);
/* 1 for a working day, 0 for a day off, MC_E_INVAL for a bad date. */
int mc_cal_is_working_day(const struct mc_calendar *cal, int y, int m, int d);
/* Name of the holiday or exception that makes this date a day off, or NULL
 * (working day, plain weekend, bad date). */
const char *mc_cal_holiday_name(const struct mc_calendar *cal, int y, int m, int d);

/* The days off of `year` that are not weekly rest days, in date order
 * (statutory holidays, compensatory days, admin days off).  Writes up to
 * cap entries and sets *n to the number found; MC_E_TOO_BIG when cap was
 * too small, MC_E_INVAL for a year out of range. */
int mc_cal_holidays(const struct mc_calendar *cal, int year, struct mc_cal_holiday *out, size_t cap, size_t *n);

/* The instant processing time starts from: the receipt itself when received
 * on a working day before the cut-off, otherwise the opening of the next
 * working day. */
int mc_cal_count_start(const struct mc_calendar *cal, int64_t received, int64_t *start);
/* Day N of a term starting at `from`: day 1 is the first working day after
 * from's local date; the result is the end of office hours of day n.  n = 0
 * gives the end of office hours of from's date (or of the next working day
 * when that is a day off).  0 <= n <= 3650. */
int mc_cal_add_working_days(const struct mc_calendar *cal, int64_t from, int n, int64_t *due);
/* Add office minutes: walks the office spans from `from`, skipping lunch,
 * nights and days off.  A result that lands exactly on the end of a span is
 * that end (17:00, not 07:30 the next day).  0 <= minutes <= 3650 days'
 * worth. */
int mc_cal_add_working_minutes(const struct mc_calendar *cal, int64_t from, int64_t minutes, int64_t *due);

/* The working minutes from `from` until `to`, rounded up: the fewest whole
 * minutes m for which mc_cal_add_working_minutes(cal, from, m) is at or
 * after `to` (0 when to <= from).  Counts office time on working days only;
 * when `to` lies after the end of office hours, the minute that reaches past
 * that end counts too.  At most SCAN_DAYS (3660) days apart: MC_E_INVAL
 * beyond, or out of 1900..2100. */
int mc_cal_working_minutes_between(const struct mc_calendar *cal, int64_t from, int64_t to, int64_t *minutes);

/* The latest instant (to the minute, within 40 days before `at`) from
 * which `minutes` working minutes end no later than `at`: whatever started
 * before it and is still waiting at `at` has waited longer than that. */
int64_t mc_cal_working_before(const struct mc_calendar *cal, int64_t at, int64_t minutes);
/* Deadline of a dossier received at `received` with a legal time of n
 * working days / hours: mc_cal_count_start, then the additions above. */
int mc_cal_due_days(const struct mc_calendar *cal, int64_t received, int n, int64_t *due);
int mc_cal_due_hours(const struct mc_calendar *cal, int64_t received, int hours, int64_t *due);

/* Early (2): finished on a local date before the due date; on time (1):
 * finished by the due instant; late (0): after it. */
enum mc_cal_score mc_cal_classify(int64_t done, int64_t due);

#endif
