/* timeutil.c - instants and civil dates; see timeutil.h. */
#include "timeutil.h"

#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testhooks.h"

#include "banned.h"

static int64_t real_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Only the test build moves the clock (testhooks.h). */
int mc_time_is_test_clock(void)
{
	return mc_test_hooks.clock_offset_ms != 0;
}

int64_t mc_time_now_ms(void)
{
	return real_now_ms() + mc_test_hooks.clock_offset_ms;
}

uint64_t mc_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t mc_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153u * (unsigned)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (unsigned)d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void mc_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int64_t yy = (int64_t)yoe + era * 400;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

int64_t mc_vn_day(int64_t ms)
{
	int64_t local = ms + (int64_t)MC_VN_OFFSET_MIN * 60000;
	return local >= 0 ? local / MC_DAY_MS : -((-local + MC_DAY_MS - 1) / MC_DAY_MS);
}

int64_t mc_vn_day_start(int64_t day)
{
	return day * MC_DAY_MS - (int64_t)MC_VN_OFFSET_MIN * 60000;
}

void mc_vn_date(int64_t ms, int *y, int *m, int *d)
{
	mc_civil_from_days(mc_vn_day(ms), y, m, d);
}

static void split(int64_t ms, int *y, int *mo, int *d, int *h, int *mi, int *s, int *msec)
{
	int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	int64_t rem = ms - days * 86400000;
	mc_civil_from_days(days, y, mo, d);
	*h = (int)(rem / 3600000);
	*mi = (int)(rem / 60000 % 60);
	*s = (int)(rem / 1000 % 60);
	*msec = (int)(rem % 1000);
}

void mc_time_format_utc(int64_t ms, char *out, size_t n)
{
	int y, mo, d, h, mi, s, msec;
	split(ms, &y, &mo, &d, &h, &mi, &s, &msec);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, h, mi, s, msec);
}

void mc_time_format_vn(int64_t ms, char *out, size_t n)
{
	int y, mo, d, h, mi, s, msec;
	split(ms + (int64_t)MC_VN_OFFSET_MIN * 60000, &y, &mo, &d, &h, &mi, &s, &msec);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", y, mo, d, h, mi, s);
}

/* 1 if s starts with shape, where 'd' stands for one ASCII digit.  sscanf's
 * %d alone would take signs, spaces and single digits. */
static int shaped(const char *s, const char *shape)
{
	for (; *shape; s++, shape++)
		if (*shape == 'd' ? !(*s >= '0' && *s <= '9') : *s != *shape)
			return 0;
	return 1;
}

int mc_time_parse(const char *str, int64_t *ms)
{
	int y, mo, d, h = 0, mi = 0, s = 0, n = 0;
	if (!shaped(str, "dddd-dd-ddTdd:dd:dd") ||
	    sscanf(str, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6)
		return -1;
	const char *p = str + n;
	int frac = 0;
	if (*p == '.') {
		int digits = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 3)
				frac = frac * 10 + (*p - '0');
		if (digits == 0)
			return -1;
		for (; digits < 3; digits++)
			frac *= 10;
	}
	int off = 0;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;
		if (strlen(p) != 6 || !shaped(p + 1, "dd:dd") || sscanf(p + 1, "%2d:%2d", &oh, &om) != 2 || om > 59)
			return -1;
		off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return -1;
	int64_t days = mc_days_from_civil(y, mo, d);
	int cy, cm, cd;
	mc_civil_from_days(days, &cy, &cm, &cd);
	if (cd != d)
		return -1; /* 31 Feb and the like */
	*ms = ((days * 86400 + h * 3600 + mi * 60 + s) - (int64_t)off * 60) * 1000 + frac;
	return 0;
}
