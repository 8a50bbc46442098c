/*
 * timeutil.h - instants.  All instants are stored as UTC milliseconds since
 * the epoch (int64) and shown with an offset; Vietnam is UTC+7 all year.
 */
#ifndef MC_TIMEUTIL_H
#define MC_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define MC_VN_OFFSET_MIN (7 * 60)

int64_t mc_time_now_ms(void);
/* 1 when the test build moved the clock (MOTCUA_TEST_NOW; never in motcua). */
int mc_time_is_test_clock(void);
/* Monotonic clock in nanoseconds, for durations. */
uint64_t mc_mono_ns(void);
/* "2026-11-26T06:07:08.123Z" */
void mc_time_format_utc(int64_t ms, char *out, size_t n);
/* "2026-11-26T13:07:08+07:00" (seconds precision) */
void mc_time_format_vn(int64_t ms, char *out, size_t n);
/* Parse ISO 8601 with offset or Z ("2027-02-03T09:00:00+07:00"). 0 on success. */
int mc_time_parse(const char *s, int64_t *ms);
/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
int64_t mc_days_from_civil(int y, int m, int d);
void mc_civil_from_days(int64_t z, int *y, int *m, int *d);

/* Vietnam's calendar days, counted like mc_days_from_civil: the day an
 * instant falls on there, the instant that day starts at, and the civil
 * date of an instant.  The one place the UTC+7 offset meets a day. */
#define MC_DAY_MS (24LL * 3600 * 1000)
int64_t mc_vn_day(int64_t ms);
int64_t mc_vn_day_start(int64_t day);
void mc_vn_date(int64_t ms, int *y, int *m, int *d);

#endif
