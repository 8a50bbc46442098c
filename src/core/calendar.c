/*
 * calendar.c - working days and legal deadlines; see calendar.h and
 * docs/calendar.md.
 *
 * The rule-based days off of a year (holidays and compensatory days) are
 * derived on demand into a small table on the caller's stack; queries that
 * walk many days keep the tables of the one or two years they touch.  The
 * only state outside the const calendar is a process-wide memo of the lunar
 * dates of Tết and Giỗ Tổ per year (pure functions of the year, stored
 * atomically), so every query is reentrant.
 */
#include "calendar.h"

#include "err.h"
#include "lunar.h"
#include "timeutil.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define DAY_MS    86400000LL
#define MIN_MS    60000LL
#define VN_MS     ((int64_t)MC_VN_OFFSET_MIN * MIN_MS)
#define SCAN_DAYS 3660 /* the longest walk over the days of the calendar */

static const char NAME_NEW_YEAR[] = "Tết Dương lịch";
static const char NAME_TET[] = "Tết Nguyên đán";
static const char NAME_HUNG_KINGS[] = "Giỗ Tổ Hùng Vương";
static const char NAME_REUNIFICATION[] = "Ngày Giải phóng miền Nam, thống nhất đất nước";
static const char NAME_LABOUR[] = "Ngày Quốc tế Lao động";
static const char NAME_NATIONAL[] = "Quốc khánh";
static const char NAME_COMPENSATORY[] = "Nghỉ bù";
static const char NAME_MAKEUP[] = "Làm bù";

/* Quốc khánh days already decided by the Government (docs/calendar.md);
 * the years not listed use 1/9. */
static const struct {
	int year, offset;
} nd_decided[] = {
	{2022, -1}, /* Thu 1/9 - Sun 4/9/2022 */
	{2023, -1}, /* Fri 1/9 - Mon 4/9/2023, 4/9 in lieu of Sat 2/9 */
	{2024, +1}, /* Sat 31/8 - Tue 3/9/2024 */
	{2025, -1}, /* Sat 30/8 - Tue 2/9/2025: Công văn 8726/VPCP-KGVX, Thông báo 6150/TB-BLĐTBXH */
};

/* ------------------------------------------------------------ configuration */

void mc_cal_init(struct mc_calendar *cal)
{
	memset(cal, 0, sizeof(*cal));
	cal->office[0] = (struct mc_cal_span){7 * 60 + 30, 11 * 60 + 30};
	cal->office[1] = (struct mc_cal_span){13 * 60, 17 * 60};
	cal->noffice = 2;
	cal->weekend = MC_CAL_SAT | MC_CAL_SUN;
	cal->cutoff = 15 * 60;
	cal->tet_before = 1;
	cal->tet_after = 4;
	cal->nd_default = -1;
	cal->compensate = 1;
	for (size_t i = 0; i < sizeof(nd_decided) / sizeof(nd_decided[0]); i++)
		mc_cal_set_national_day(cal, nd_decided[i].year, nd_decided[i].offset);
}

void mc_cal_release(struct mc_calendar *cal)
{
	free(cal->exc);
	cal->exc = NULL;
	cal->nexc = cal->capexc = 0;
}

void mc_cal_copy(struct mc_calendar *dst, const struct mc_calendar *src)
{
	*dst = *src;
	dst->exc = NULL;
	dst->capexc = src->nexc;
	if (!src->nexc)
		return;
	dst->exc = malloc(src->nexc * sizeof(*dst->exc));
	if (!dst->exc)
		abort(); /* allocation failure stops the process (STYLE.md) */
	memcpy(dst->exc, src->exc, src->nexc * sizeof(*dst->exc));
}

int mc_cal_set_office_hours(struct mc_calendar *cal, const struct mc_cal_span *spans, int n)
{
	if (n < 1 || n > MC_CAL_MAX_SPANS)
		return MC_E_INVAL;
	int prev_end = 0;
	for (int i = 0; i < n; i++) {
		if (spans[i].start < prev_end || spans[i].end <= spans[i].start || spans[i].end > 24 * 60)
			return MC_E_INVAL;
		prev_end = spans[i].end;
	}
	memcpy(cal->office, spans, (size_t)n * sizeof(*spans));
	cal->noffice = n;
	return 0;
}

int mc_cal_set_national_day(struct mc_calendar *cal, int year, int offset)
{
	if ((offset != -1 && offset != 1) || year < MC_LUNAR_MIN_YEAR || year > MC_LUNAR_MAX_YEAR)
		return MC_E_INVAL;
	for (int i = 0; i < cal->nnd; i++) {
		if (cal->nd[i].year == year) {
			cal->nd[i].offset = offset;
			return 0;
		}
	}
	if (cal->nnd >= MC_CAL_MAX_ND_YEARS)
		return MC_E_TOO_BIG;
	cal->nd[cal->nnd].year = year;
	cal->nd[cal->nnd].offset = offset;
	cal->nnd++;
	return 0;
}

int mc_cal_set_official_year(struct mc_calendar *cal, int year)
{
	if (year < MC_LUNAR_MIN_YEAR || year > MC_LUNAR_MAX_YEAR)
		return MC_E_INVAL;
	if (mc_cal_is_official_year(cal, year))
		return 0;
	if (cal->nofficial >= MC_CAL_MAX_OFFICIAL)
		return MC_E_TOO_BIG;
	cal->official[cal->nofficial++] = year;
	return 0;
}

int mc_cal_is_official_year(const struct mc_calendar *cal, int year)
{
	for (int i = 0; i < cal->nofficial; i++)
		if (cal->official[i] == year)
			return 1;
	return 0;
}

static int nd_offset(const struct mc_calendar *cal, int year)
{
	for (int i = 0; i < cal->nnd; i++)
		if (cal->nd[i].year == year)
			return cal->nd[i].offset;
	return cal->nd_default;
}

static int valid_date(int y, int m, int d)
{
	if (y < MC_LUNAR_MIN_YEAR || y > MC_LUNAR_MAX_YEAR || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	int cy, cm, cd;
	mc_civil_from_days(mc_days_from_civil(y, m, d), &cy, &cm, &cd);
	return cd == d;
}

/* Copy at most cap - 1 bytes of UTF-8 without splitting a character. */
static void copy_name(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int add_exception(struct mc_calendar *cal, int y, int m, int d, int working, const char *name)
{
	if (!valid_date(y, m, d))
		return MC_E_INVAL;
	int64_t day = mc_days_from_civil(y, m, d);
	size_t lo = 0, hi = cal->nexc;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cal->exc[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == cal->nexc || cal->exc[lo].day != day) {
		if (cal->nexc == cal->capexc) {
			size_t cap = cal->capexc ? cal->capexc * 2 : 16;
			struct mc_cal_exception *p = realloc(cal->exc, cap * sizeof(*p));
			if (!p)
				abort(); /* allocation failure stops the process (STYLE.md) */
			cal->exc = p;
			cal->capexc = cap;
		}
		memmove(cal->exc + lo + 1, cal->exc + lo, (cal->nexc - lo) * sizeof(*cal->exc));
		cal->nexc++;
	}
	cal->exc[lo].day = day;
	cal->exc[lo].working = working;
	copy_name(cal->exc[lo].name, sizeof(cal->exc[lo].name),
		  name && *name ? name
		  : working     ? NAME_MAKEUP
				: NAME_COMPENSATORY);
	return 0;
}

int mc_cal_add_day_off(struct mc_calendar *cal, int y, int m, int d, const char *name)
{
	return add_exception(cal, y, m, d, 0, name);
}

int mc_cal_add_working_day(struct mc_calendar *cal, int y, int m, int d, const char *name)
{
	return add_exception(cal, y, m, d, 1, name);
}

/* --------------------------------------------------------- the days of a year */

struct yentry {
	int64_t day;
	enum mc_cal_kind kind;
	const char *name;
};

/* Rule-based days off of one year, sorted, one entry per day. */
struct ytable {
	int year;
	int n;
	struct yentry e[32];
};

/* Two years are enough for any walk: walks go forward. */
struct ycache {
	struct ytable t[2];
	int used, next;
};

/* 0 = Sunday; day 0, 1970-01-01, was a Thursday */
static int weekday(int64_t day)
{
	return (int)(((day + 4) % 7 + 7) % 7);
}

static int is_rest_day(const struct mc_calendar *cal, int64_t day)
{
	return (cal->weekend >> weekday(day)) & 1u;
}

static int ytable_find(const struct ytable *t, int64_t day)
{
	for (int i = 0; i < t->n; i++)
		if (t->e[i].day == day)
			return i;
	return -1;
}

/* Add a day unless the day is already taken (the first reason wins). */
static void ytable_put(struct ytable *t, int64_t day, enum mc_cal_kind kind, const char *name)
{
	if (ytable_find(t, day) >= 0 || t->n >= (int)(sizeof(t->e) / sizeof(t->e[0])))
		return;
	int i = t->n++;
	while (i > 0 && t->e[i - 1].day > day) {
		t->e[i] = t->e[i - 1];
		i--;
	}
	t->e[i] = (struct yentry){day, kind, name};
}

/* Lunar 1/1 and 3/10 of each year, as days + 1 (0: not computed yet).  The
 * astronomical computation costs tens of microseconds; every deadline query
 * needs it for one or two years. */
static _Atomic int64_t lunar_memo[2][MC_LUNAR_MAX_YEAR - MC_LUNAR_MIN_YEAR + 1];

static int lunar_day(int year, int month, int day, int64_t *out)
{
	int slot = month == 1 && day == 1 ? 0 : month == 3 && day == 10 ? 1 : -1;
	_Atomic int64_t *memo = slot >= 0 && year >= MC_LUNAR_MIN_YEAR && year <= MC_LUNAR_MAX_YEAR
					? &lunar_memo[slot][year - MC_LUNAR_MIN_YEAR]
					: NULL;
	int64_t v = memo ? atomic_load_explicit(memo, memory_order_relaxed) : 0;
	if (v) {
		*out = v - 1;
		return 0;
	}
	struct mc_lunar_date ld = {year, month, day, 0};
	int y, m, d;
	int rc = mc_lunar_to_solar(&ld, &y, &m, &d);
	if (rc)
		return rc;
	*out = mc_days_from_civil(y, m, d);
	if (memo)
		atomic_store_explicit(memo, *out + 1, memory_order_relaxed);
	return 0;
}

static int ytable_build(const struct mc_calendar *cal, int year, struct ytable *t)
{
	if (year < MC_LUNAR_MIN_YEAR || year > MC_LUNAR_MAX_YEAR)
		return MC_E_INVAL;
	if (cal->tet_before < 0 || cal->tet_before > 3 || cal->tet_after < 1 || cal->tet_after > 7)
		return MC_E_CONFIG;
	t->year = year;
	t->n = 0;
	if (mc_cal_is_official_year(cal, year))
		return 0; /* the decision's days (exceptions) are the whole year */
	int64_t tet, hung;
	int rc = lunar_day(year, 1, 1, &tet);
	if (!rc)
		rc = lunar_day(year, 3, 10, &hung);
	if (rc)
		return rc;

	for (int i = -cal->tet_before; i < cal->tet_after; i++)
		ytable_put(t, tet + i, MC_CAL_HOLIDAY, NAME_TET);
	ytable_put(t, mc_days_from_civil(year, 1, 1), MC_CAL_HOLIDAY, NAME_NEW_YEAR);
	ytable_put(t, hung, MC_CAL_HOLIDAY, NAME_HUNG_KINGS);
	ytable_put(t, mc_days_from_civil(year, 4, 30), MC_CAL_HOLIDAY, NAME_REUNIFICATION);
	ytable_put(t, mc_days_from_civil(year, 5, 1), MC_CAL_HOLIDAY, NAME_LABOUR);
	ytable_put(t, mc_days_from_civil(year, 9, 2), MC_CAL_HOLIDAY, NAME_NATIONAL);
	ytable_put(t, mc_days_from_civil(year, 9, 2 + nd_offset(cal, year)), MC_CAL_HOLIDAY, NAME_NATIONAL);

	if (!cal->compensate || cal->weekend == 0x7Fu)
		return 0;
	/* Art. 111(3), in date order so that two holidays on one weekend give
	 * two days: each compensatory day is the first day after the holiday
	 * that is neither a rest day nor already off. */
	int nholidays = t->n;
	int64_t owed[32];
	int nowed = 0;
	for (int i = 0; i < nholidays; i++)
		if (is_rest_day(cal, t->e[i].day))
			owed[nowed++] = t->e[i].day;
	for (int i = 0; i < nowed; i++) {
		int64_t day = owed[i] + 1;
		while (is_rest_day(cal, day) || ytable_find(t, day) >= 0)
			day++;
		ytable_put(t, day, MC_CAL_COMPENSATORY, NAME_COMPENSATORY);
	}
	return 0;
}

static int civil_year(int64_t day)
{
	int y, m, d;
	mc_civil_from_days(day, &y, &m, &d);
	return y;
}

static const struct mc_cal_exception *find_exception(const struct mc_calendar *cal, int64_t day)
{
	size_t lo = 0, hi = cal->nexc;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cal->exc[mid].day < day)
			lo = mid + 1;
		else if (cal->exc[mid].day > day)
			hi = mid;
		else
			return &cal->exc[mid];
	}
	return NULL;
}

/* Status of a day; the cache holds the year tables already built. */
static int day_status(const struct mc_calendar *cal, struct ycache *c, int64_t day, struct mc_cal_day *out)
{
	const struct mc_cal_exception *x = find_exception(cal, day);
	if (x) {
		*out = (struct mc_cal_day){x->working, x->working ? MC_CAL_MAKEUP : MC_CAL_EXTRA_OFF, x->name};
		return 0;
	}
	int year = civil_year(day);
	const struct ytable *t = NULL;
	for (int i = 0; i < c->used; i++)
		if (c->t[i].year == year)
			t = &c->t[i];
	if (!t) {
		struct ytable *slot = &c->t[c->next];
		int rc = ytable_build(cal, year, slot);
		if (rc)
			return rc;
		c->next = (c->next + 1) % 2;
		if (c->used < 2)
			c->used++;
		t = slot;
	}
	int i = ytable_find(t, day);
	if (i >= 0)
		*out = (struct mc_cal_day){0, t->e[i].kind, t->e[i].name};
	else if (is_rest_day(cal, day))
		*out = (struct mc_cal_day){0, MC_CAL_WEEKEND, NULL};
	else
		*out = (struct mc_cal_day){1, MC_CAL_WORKDAY, NULL};
	return 0;
}

static int is_working(const struct mc_calendar *cal, struct ycache *c, int64_t day, int *working)
{
	struct mc_cal_day st;
	int rc = day_status(cal, c, day, &st);
	if (!rc)
		*working = st.working;
	return rc;
}

/* The first working day after `day`. */
static int next_working(const struct mc_calendar *cal, struct ycache *c, int64_t day, int64_t *out)
{
	for (int i = 1; i <= SCAN_DAYS; i++) {
		int w;
		int rc = is_working(cal, c, day + i, &w);
		if (rc)
			return rc;
		if (w) {
			*out = day + i;
			return 0;
		}
	}
	return MC_E_CONFIG; /* no working day in ten years: the calendar is misconfigured */
}

int mc_cal_day_info(const struct mc_calendar *cal, int y, int m, int d, struct mc_cal_day *out)
{
	if (!valid_date(y, m, d))
		return MC_E_INVAL;
	struct ycache c = {.used = 0};
	return day_status(cal, &c, mc_days_from_civil(y, m, d), out);
}

int mc_cal_is_working_day(const struct mc_calendar *cal, int y, int m, int d)
{
	struct mc_cal_day st;
	int rc = mc_cal_day_info(cal, y, m, d, &st);
	return rc ? rc : st.working;
}

const char *mc_cal_holiday_name(const struct mc_calendar *cal, int y, int m, int d)
{
	struct mc_cal_day st;
	if (mc_cal_day_info(cal, y, m, d, &st) || st.working)
		return NULL;
	return st.name;
}

int mc_cal_holidays(const struct mc_calendar *cal, int year, struct mc_cal_holiday *out, size_t cap, size_t *n)
{
	*n = 0;
	if (year < MC_LUNAR_MIN_YEAR || year > MC_LUNAR_MAX_YEAR)
		return MC_E_INVAL;
	struct ycache c = {.used = 0};
	int64_t first = mc_days_from_civil(year, 1, 1), end = mc_days_from_civil(year + 1, 1, 1);
	for (int64_t day = first; day < end; day++) {
		struct mc_cal_day st;
		int rc = day_status(cal, &c, day, &st);
		if (rc)
			return rc;
		if (st.working || is_rest_day(cal, day))
			continue;
		if (*n < cap) {
			struct mc_cal_holiday *h = &out[*n];
			mc_civil_from_days(day, &h->y, &h->m, &h->d);
			h->kind = st.kind;
			h->name = st.name;
		}
		(*n)++;
	}
	return *n > cap ? MC_E_TOO_BIG : 0;
}

/* ---------------------------------------------------------------- deadlines */

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Local date and milliseconds into it of an instant. */
static void local_split(int64_t t, int64_t *day, int64_t *ms)
{
	*day = floor_div(t + VN_MS, DAY_MS);
	*ms = t + VN_MS - *day * DAY_MS;
}

/* The instant of minute `min` of local date `day`. */
static int64_t local_instant(int64_t day, int64_t min)
{
	return day * DAY_MS + min * MIN_MS - VN_MS;
}

static int in_range(int64_t day)
{
	int y = civil_year(day);
	return y >= MC_LUNAR_MIN_YEAR && y <= MC_LUNAR_MAX_YEAR;
}

int mc_cal_count_start(const struct mc_calendar *cal, int64_t received, int64_t *start)
{
	int64_t day, ms;
	local_split(received, &day, &ms);
	if (!in_range(day))
		return MC_E_INVAL;
	struct ycache c = {.used = 0};
	int w;
	int rc = is_working(cal, &c, day, &w);
	if (rc)
		return rc;
	if (w && ms < (int64_t)cal->cutoff * MIN_MS) {
		*start = received;
		return 0;
	}
	int64_t next;
	rc = next_working(cal, &c, day, &next);
	if (rc)
		return rc;
	*start = local_instant(next, cal->office[0].start);
	return 0;
}

int mc_cal_add_working_days(const struct mc_calendar *cal, int64_t from, int n, int64_t *due)
{
	if (n < 0 || n > 3650)
		return MC_E_INVAL;
	int64_t day, ms;
	local_split(from, &day, &ms);
	if (!in_range(day))
		return MC_E_INVAL;
	struct ycache c = {.used = 0};
	int rc = 0;
	if (n == 0) {
		int w;
		rc = is_working(cal, &c, day, &w);
		if (!rc && !w)
			rc = next_working(cal, &c, day, &day);
	}
	for (int i = 0; i < n && !rc; i++)
		rc = next_working(cal, &c, day, &day);
	if (rc)
		return rc;
	*due = local_instant(day, cal->office[cal->noffice - 1].end);
	return 0;
}

int mc_cal_add_working_minutes(const struct mc_calendar *cal, int64_t from, int64_t minutes, int64_t *due)
{
	if (minutes < 0 || minutes > (int64_t)3650 * 24 * 60)
		return MC_E_INVAL; /* keeps minutes * MIN_MS far from overflow */
	int64_t day, ms;
	local_split(from, &day, &ms);
	if (!in_range(day))
		return MC_E_INVAL;
	if (minutes == 0) {
		*due = from;
		return 0;
	}
	struct ycache c = {.used = 0};
	int64_t left = minutes * MIN_MS;
	/* Ends at the latest when the walk leaves 1900..2100 (MC_E_INVAL). */
	for (;; day++, ms = 0) {
		int w;
		int rc = is_working(cal, &c, day, &w);
		if (rc)
			return rc;
		if (!w)
			continue;
		for (int s = 0; s < cal->noffice; s++) {
			int64_t a = (int64_t)cal->office[s].start * MIN_MS, b = (int64_t)cal->office[s].end * MIN_MS;
			if (a < ms)
				a = ms;
			if (a >= b)
				continue;
			if (left <= b - a) {
				*due = local_instant(day, 0) + a + left;
				return 0;
			}
			left -= b - a;
		}
	}
}

/* Office time of local day `day` within [lo, hi) ms after its midnight;
 * *ends_at_hi is set when an office span runs up to hi (lo < hi <= end). */
static int64_t office_ms(const struct mc_calendar *cal, int64_t lo, int64_t hi, int *ends_at_hi)
{
	int64_t sum = 0;
	for (int s = 0; s < cal->noffice; s++) {
		int64_t a = (int64_t)cal->office[s].start * MIN_MS, b = (int64_t)cal->office[s].end * MIN_MS;
		int64_t from = a > lo ? a : lo, to = b < hi ? b : hi;
		if (to > from)
			sum += to - from;
		if (a < hi && hi <= b && lo < hi)
			*ends_at_hi = 1;
	}
	return sum;
}

int mc_cal_working_minutes_between(const struct mc_calendar *cal, int64_t from, int64_t to, int64_t *minutes)
{
	*minutes = 0;
	if (to <= from)
		return 0;
	/* the last day is the one holding to - 1 ms: an instant at midnight
	 * ends the day before, as a span that ends at 24:00 does */
	int64_t day, ms, last, last_ms;
	local_split(from, &day, &ms);
	local_split(to - 1, &last, &last_ms);
	last_ms++;
	if (!in_range(day) || !in_range(last) || last - day > SCAN_DAYS)
		return MC_E_INVAL;
	struct ycache c = {.used = 0};
	int64_t sum = 0;
	int tight = 0; /* office time runs right up to `to` */
	for (; day <= last; day++, ms = 0) {
		int w;
		int rc = is_working(cal, &c, day, &w);
		if (rc)
			return rc;
		int ends = 0;
		if (w)
			sum += office_ms(cal, ms, day == last ? last_ms : DAY_MS, &ends);
		tight = day == last && ends;
	}
	/* add_working_minutes(from, m) is the first instant with m minutes of
	 * office time behind it: `to` itself only when office time runs up
	 * to it, else the end of the last span before it - one more minute */
	*minutes = (sum + MIN_MS - 1) / MIN_MS;
	if (sum % MIN_MS == 0 && !tight)
		(*minutes)++;
	return 0;
}

int mc_cal_due_days(const struct mc_calendar *cal, int64_t received, int n, int64_t *due)
{
	int64_t start;
	int rc = mc_cal_count_start(cal, received, &start);
	return rc ? rc : mc_cal_add_working_days(cal, start, n, due);
}

int mc_cal_due_hours(const struct mc_calendar *cal, int64_t received, int hours, int64_t *due)
{
	if (hours < 0)
		return MC_E_INVAL;
	int64_t start;
	int rc = mc_cal_count_start(cal, received, &start);
	return rc ? rc : mc_cal_add_working_minutes(cal, start, (int64_t)hours * 60, due);
}

enum mc_cal_score mc_cal_classify(int64_t done, int64_t due)
{
	if (done > due)
		return MC_CAL_LATE;
	int64_t dday, dms, uday, ums;
	local_split(done, &dday, &dms);
	local_split(due, &uday, &ums);
	return dday < uday ? MC_CAL_EARLY : MC_CAL_ON_TIME;
}

/* "HH:MM" at s as minutes after midnight, or -1. */
static int hhmm(const char *s)
{
	for (int i = 0; i < 5; i++)
		if (i == 2 ? s[i] != ':' : s[i] < '0' || s[i] > '9')
			return -1;
	int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
	return h > 24 || m > 59 || (h == 24 && m) ? -1 : h * 60 + m;
}

int mc_cal_parse_office_hours(const char *s, struct mc_cal_span out[MC_CAL_MAX_SPANS], int *n)
{
	int k = 0, prev = -1;
	size_t len = s ? strlen(s) : 0;
	if (!len || len > 64)
		return MC_E_INVAL;
	for (;;) {
		if (k == MC_CAL_MAX_SPANS || strlen(s) < 11 || s[5] != '-')
			return MC_E_INVAL;
		int a = hhmm(s), b = hhmm(s + 6);
		if (a < 0 || b < 0 || a >= b || a < prev)
			return MC_E_INVAL;
		out[k++] = (struct mc_cal_span){a, b};
		prev = b;
		s += 11;
		if (!*s)
			break;
		if (*s++ != ',')
			return MC_E_INVAL;
	}
	*n = k;
	return 0;
}

int64_t mc_cal_working_before(const struct mc_calendar *cal, int64_t at, int64_t minutes)
{
	int64_t lo = at - 40LL * 86400000, top = at;
	while (top - lo > 60000) {
		int64_t mid = lo + (top - lo) / 2, due = 0;
		if (mc_cal_add_working_minutes(cal, mid, minutes, &due) || due > at)
			top = mid;
		else
			lo = mid;
	}
	return lo;
}
