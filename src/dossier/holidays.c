/* holidays.c - official holiday schedules and exceptions; see holidays.h. */
#include "holidays.h"

#include "../core/lunar.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "internal.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* ------------------------------------------------------------------ loading */

/*
 * The calendar is built once per process and kept, with the version the
 * database gave it (calendar_version, migration 0018: a new random value at
 * every change of the exceptions or the official years, by trigger).  Each
 * load reads that version, and the agency's own office hours, in one
 * indexed query; only when the version differs is the calendar built again.
 * So a change made by this process, another server process on the same
 * PostgreSQL or the CLI is seen by the next deadline computed anywhere.
 * The version is read before the calendar, so a calendar kept under a
 * version is never older than it.  The lock guards the kept calendar;
 * nothing talks to the database while holding it.
 */
static struct {
	pthread_mutex_t lock;
	int valid;
	int64_t version;
	struct mc_calendar cal; /* the configured office hours, no agency's own */
} kept = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* The configured office hours (0 spans: the calendar's own defaults). */
static struct mc_cal_span office[MC_CAL_MAX_SPANS];
static int noffice;

int mc_holidays_set_office_hours(const char *hours)
{
	struct mc_cal_span s[MC_CAL_MAX_SPANS];
	int n = 0;
	if (mc_cal_parse_office_hours(hours, s, &n))
		return MC_E_VALIDATION;
	pthread_mutex_lock(&kept.lock);
	memcpy(office, s, sizeof(s));
	noffice = n;
	kept.valid = 0; /* built with the hours before */
	pthread_mutex_unlock(&kept.lock);
	return 0;
}

/* Build the calendar from the database: the defaults, the official years
 * (a row with a NULL day for a year with no listed day) and their days,
 * then the exceptions, which win. */
static int build(struct mc_conn *c, struct mc_calendar *cal)
{
	mc_cal_init(cal);
	pthread_mutex_lock(&kept.lock);
	if (noffice)
		mc_cal_set_office_hours(cal, office, noffice);
	pthread_mutex_unlock(&kept.lock);
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT 0 AS pass, y.year, d.day, d.working, d.name FROM calendar_years y"
			  " LEFT JOIN calendar_year_days d ON d.year = y.year"
			  " UNION ALL SELECT 1, 0, day, working, name FROM calendar_exceptions"
			  " ORDER BY 1, 3",
			  "");
	if (rc)
		goto out;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		if (mc_col_int64(s, 0) == 0)
			mc_cal_set_official_year(cal, (int)mc_col_int64(s, 1));
		const char *day = mc_col_text(s, 2);
		int y, m, d;
		if (!day || sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3)
			continue;
		if (mc_col_int64(s, 3))
			mc_cal_add_working_day(cal, y, m, d, mc_col_text(s, 4));
		else
			mc_cal_add_day_off(cal, y, m, d, mc_col_text(s, 4));
	}
	mc_stmt_done(s);
	rc = rc < 0 ? rc : 0;
out:
	if (rc)
		mc_cal_release(cal);
	return rc;
}

/* The kept calendar when it has this version: a copy into cal, 1. */
static int take_kept(int64_t version, struct mc_calendar *cal)
{
	pthread_mutex_lock(&kept.lock);
	int hit = kept.valid && kept.version == version;
	if (hit)
		mc_cal_copy(cal, &kept.cal);
	pthread_mutex_unlock(&kept.lock);
	return hit;
}

static void keep(int64_t version, const struct mc_calendar *cal)
{
	pthread_mutex_lock(&kept.lock);
	if (kept.valid)
		mc_cal_release(&kept.cal);
	mc_cal_copy(&kept.cal, cal);
	kept.version = version;
	kept.valid = 1;
	pthread_mutex_unlock(&kept.lock);
}

/* The calendar with the office hours of agency (0: the configured ones). */
static int load(struct mc_conn *c, int64_t agency, struct mc_calendar *cal)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT v.version, a.office_hours FROM calendar_version v"
			  " LEFT JOIN agencies a ON a.id = ? WHERE v.id = 1",
			  "i", agency);
	if (rc)
		return rc;
	int64_t version = 0;
	char hours[80] = "";
	if ((rc = mc_step(s)) == MC_DB_ROW) {
		version = mc_col_int64(s, 0);
		snprintf(hours, sizeof(hours), "%s", mc_col_text(s, 1) ? mc_col_text(s, 1) : "");
	}
	mc_stmt_done(s);
	if (rc < 0)
		return rc;
	if (rc != MC_DB_ROW)
		return MC_E_DB; /* migration 0018 inserts the row */
	if (!take_kept(version, cal)) {
		if ((rc = build(c, cal)))
			return rc;
		keep(version, cal);
	}
	/* the agency's own office hours */
	struct mc_cal_span sp[MC_CAL_MAX_SPANS];
	int n = 0;
	if (hours[0] && mc_cal_parse_office_hours(hours, sp, &n) == 0)
		mc_cal_set_office_hours(cal, sp, n);
	return 0;
}

int mc_holidays_calendar(struct mc_conn *c, struct mc_calendar *cal)
{
	return load(c, 0, cal);
}

int mc_holidays_calendar_for(struct mc_conn *c, int64_t agency, struct mc_calendar *cal)
{
	return load(c, agency, cal);
}

int mc_holidays_set_agency_hours(struct mc_conn *c, int64_t agency, const char *hours)
{
	struct mc_cal_span sp[MC_CAL_MAX_SPANS];
	int n = 0;
	if (hours && mc_cal_parse_office_hours(hours, sp, &n))
		return MC_E_VALIDATION;
	int64_t k = mc_exec(c, "UPDATE agencies SET office_hours = ? WHERE id = ?", "ti", hours, agency);
	if (k < 0)
		return (int)k;
	return k ? 0 : MC_E_NOT_FOUND;
}

/* ------------------------------------------------------------------- checks */

static int parse_date(const char *s, int *y, int *m, int *d)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	if (sscanf(s, "%4d-%2d-%2d", y, m, d) != 3 || *m < 1 || *m > 12 || *d < 1 || *d > 31)
		return 0;
	int cy, cm, cd;
	mc_civil_from_days(mc_days_from_civil(*y, *m, *d), &cy, &cm, &cd);
	return cd == *d && cm == *m;
}

static int weekday(int y, int m, int d)
{
	int64_t day = mc_days_from_civil(y, m, d);
	return (int)(((day + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday; 0 = Sunday */
}

static int text_ok(json_t *v, size_t max, int required)
{
	if (!v)
		return !required;
	if (!json_is_string(v))
		return 0;
	size_t n = json_string_length(v);
	const char *s = json_string_value(v);
	if (n != strlen(s) || (required && n == 0) || !mc_text_valid_chars(s, max))
		return 0; /* at most max characters, valid UTF-8 */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			return 0; /* no control characters: the names are printed on forms */
	return 1;
}

static void check_days(json_t *list, const char *key, int working, int year, int64_t *seen, size_t *nseen,
		       struct mc_arena *a, struct mc_error *e)
{
	size_t max = working ? MC_HOLIDAYS_MAX_WORK : MC_HOLIDAYS_MAX_OFF;
	if (!list)
		return;
	if (!json_is_array(list) || json_array_size(list) > max) {
		mc_bad_fieldn(e, key, MC_M_DAY_LIST_TOO_LONG, (long long)max);
		return;
	}
	size_t i;
	json_t *it;
	json_array_foreach(list, i, it) {
		const char *at = mc_sprintf(a, "%s[%zu]", key, i);
		if (!json_is_object(it)) {
			mc_bad_field(e, at, MC_M_DAY_DATE_NAME);
			continue;
		}
		const char *k;
		json_t *v;
		json_object_foreach(it, k, v) {
			if (strcmp(k, "date") != 0 && strcmp(k, "name") != 0)
				mc_bad_field(e, mc_sprintf(a, "%s.%s", at, k), MC_M_UNKNOWN_MEMBER);
		}
		if (!text_ok(json_object_get(it, "name"), MC_HOLIDAYS_NAME_MAX, 1))
			mc_bad_field(e, mc_sprintf(a, "%s.name", at), MC_M_HOLIDAY_NAME_REQUIRED);
		const char *date = json_string_value(json_object_get(it, "date"));
		const char *df = mc_sprintf(a, "%s.date", at);
		int y, m, d;
		if (!parse_date(date, &y, &m, &d)) {
			mc_bad_field(e, df, MC_M_DATE_FORMAT);
			continue;
		}
		if (y != year) {
			mc_bad_fieldn(e, df, MC_M_OTHER_YEAR, year);
			continue;
		}
		int wd = weekday(y, m, d), rest = wd == 0 || wd == 6;
		if (working && !rest)
			mc_bad_field(e, df, MC_M_ALREADY_WORKING);
		else if (!working && rest)
			mc_bad_field(e, df, MC_M_ALREADY_OFF);
		int64_t day = mc_days_from_civil(y, m, d);
		for (size_t j = 0; j < *nseen; j++) {
			if (seen[j] == day) {
				mc_bad_field(e, df, MC_M_DATE_LISTED_TWICE);
				break;
			}
		}
		seen[(*nseen)++] = day;
	}
}

int mc_holidays_check(json_t *in, int year, struct mc_arena *a, struct mc_error *e)
{
	if (year < MC_LUNAR_MIN_YEAR || year > MC_LUNAR_MAX_YEAR) {
		mc_bad_field(e, "year", MC_M_YEAR_RANGE);
		return e->code = MC_E_VALIDATION;
	}
	if (!json_is_object(in)) {
		mc_bad_field(e, "", MC_M_NOT_OBJECT);
		return e->code = MC_E_VALIDATION;
	}
	static const char *const known[] = {"year",     "decision",     "decided_on", "source",
					    "days_off", "working_days", NULL};
	const char *k;
	json_t *v;
	json_object_foreach(in, k, v) {
		int ok = 0;
		for (int i = 0; known[i]; i++)
			ok |= strcmp(k, known[i]) == 0;
		if (!ok)
			mc_bad_field(e, mc_strdup(a, k), MC_M_UNKNOWN_MEMBER);
	}
	json_t *y = json_object_get(in, "year");
	if (y && (!json_is_integer(y) || json_integer_value(y) != year))
		mc_bad_field(e, "year", MC_M_YEAR_PATH_MISMATCH);
	if (!text_ok(json_object_get(in, "decision"), MC_HOLIDAYS_DECISION_MAX, 1))
		mc_bad_field(e, "decision", MC_M_DECISION_REQUIRED);
	if (!text_ok(json_object_get(in, "source"), MC_HOLIDAYS_SOURCE_MAX, 0))
		mc_bad_field(e, "source", MC_M_SOURCE_TYPE);
	int dy, dm, dd;
	if (!parse_date(json_string_value(json_object_get(in, "decided_on")), &dy, &dm, &dd))
		mc_bad_field(e, "decided_on", MC_M_DECISION_DATE_FORMAT);
	int64_t seen[MC_HOLIDAYS_MAX_OFF + MC_HOLIDAYS_MAX_WORK];
	size_t nseen = 0;
	json_t *off = json_object_get(in, "days_off");
	if (!off || (json_is_array(off) && json_array_size(off) == 0))
		mc_bad_field(e, "days_off", MC_M_SCHEDULE_EMPTY);
	check_days(off, "days_off", 0, year, seen, &nseen, a, e);
	check_days(json_object_get(in, "working_days"), "working_days", 1, year, seen, &nseen, a, e);
	return e->nfields ? (e->code = MC_E_VALIDATION) : 0;
}

/* ------------------------------------------------------------------ storage */

static int put_days(struct mc_conn *c, int year, json_t *list, int working)
{
	size_t i;
	json_t *it;
	json_array_foreach(list, i, it) {
		int64_t n = mc_exec(c, "INSERT INTO calendar_year_days (year, day, working, name) VALUES (?, ?, ?, ?)",
				    "itit", (int64_t)year, json_string_value(json_object_get(it, "date")),
				    (int64_t)working, json_string_value(json_object_get(it, "name")));
		if (n < 0)
			return (int)n;
	}
	return 0;
}

int mc_holidays_put(struct mc_conn *c, int year, json_t *in, int64_t actor, int64_t now)
{
	int64_t n = mc_exec(c, "DELETE FROM calendar_year_days WHERE year = ?", "i", (int64_t)year);
	if (n >= 0)
		n = mc_exec(c, "DELETE FROM calendar_years WHERE year = ?", "i", (int64_t)year);
	if (n >= 0) {
		const char *source = json_string_value(json_object_get(in, "source"));
		n = mc_exec(c,
			    "INSERT INTO calendar_years (year, decision, decided_on, source, updated_at, updated_by)"
			    " VALUES (?, ?, ?, ?, ?, ?)",
			    "itttii", (int64_t)year, json_string_value(json_object_get(in, "decision")),
			    json_string_value(json_object_get(in, "decided_on")), source ? source : "", now, actor);
	}
	if (n < 0)
		return (int)n;
	int rc = put_days(c, year, json_object_get(in, "days_off"), 0);
	if (!rc)
		rc = put_days(c, year, json_object_get(in, "working_days"), 1);
	return rc;
}

int mc_holidays_delete(struct mc_conn *c, int year)
{
	int64_t n = mc_exec(c, "DELETE FROM calendar_year_days WHERE year = ?", "i", (int64_t)year);
	if (n >= 0)
		n = mc_exec(c, "DELETE FROM calendar_years WHERE year = ?", "i", (int64_t)year);
	if (n < 0)
		return (int)n;
	return n == 0 ? MC_E_NOT_FOUND : 0;
}

int mc_holidays_year(struct mc_conn *c, int year, json_t **out)
{
	*out = NULL;
	if (year < MC_LUNAR_MIN_YEAR || year > MC_LUNAR_MAX_YEAR)
		return MC_E_INVAL;
	json_t *official = json_null();
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT decision, decided_on, source, updated_at FROM calendar_years WHERE year = ?",
			  "i", (int64_t)year);
	if (rc)
		return rc;
	if ((rc = mc_step(s)) == MC_DB_ROW) {
		json_decref(official);
		official = json_pack("{s:s, s:s, s:s, s:o}", "decision", mc_col_text(s, 0), "decided_on",
				     mc_col_text(s, 1), "source", mc_col_text(s, 2) ? mc_col_text(s, 2) : "",
				     "updated_at", mc__time_or_null(mc_col_int64(s, 3)));
	}
	mc_stmt_done(s);
	if (rc < 0) {
		json_decref(official);
		return rc;
	}
	struct mc_calendar cal;
	if ((rc = mc_holidays_calendar(c, &cal))) {
		json_decref(official);
		return rc;
	}
	json_t *off = json_array(), *work = json_array();
	int64_t first = mc_days_from_civil(year, 1, 1), end = mc_days_from_civil(year + 1, 1, 1);
	for (int64_t day = first; !rc && day < end; day++) {
		int y, m, d;
		mc_civil_from_days(day, &y, &m, &d);
		struct mc_cal_day st;
		if ((rc = mc_cal_day_info(&cal, y, m, d, &st)))
			break;
		int wd = (int)(((day + 4) % 7 + 7) % 7), rest = wd == 0 || wd == 6;
		json_t *list = NULL; /* a day off on a weekday, or a working weekend day */
		if (!st.working && !rest)
			list = off;
		else if (st.working && rest)
			list = work;
		if (list)
			json_array_append_new(list,
					      json_pack("{s:o, s:s}", "date", json_sprintf("%04d-%02d-%02d", y, m, d),
							"name", st.name ? st.name : ""));
	}
	mc_cal_release(&cal);
	if (rc) {
		json_decref(official);
		json_decref(off);
		json_decref(work);
		return rc;
	}
	*out = json_pack("{s:i, s:o, s:o, s:o}", "year", year, "official", official, "days_off", off, "working_days",
			 work);
	return 0;
}

/* ------------------------------------------------------------- shipped data */

int mc_holidays_seed(struct mc_conn *c, const char *share_dir, int *loaded, char *err, size_t errlen)
{
	*loaded = 0;
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/data/calendar", share_dir);
	DIR *dp = opendir(dir);
	if (!dp)
		return 0; /* nothing shipped */
	int rc = mc_tx_begin(c, 1);
	struct dirent *de;
	while (!rc && (de = readdir(dp))) {
		int year;
		char tail[8];
		if (sscanf(de->d_name, "%4d%7s", &year, tail) != 2 || strcmp(tail, ".json") != 0 ||
		    strlen(de->d_name) != 9)
			continue;
		int64_t have = 0;
		if ((rc = mc_query_int64(c, &have, "SELECT COUNT(*) FROM calendar_years WHERE year = ?", "i",
					 (int64_t)year)))
			break;
		if (have)
			continue;
		char path[1300];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		json_error_t je;
		json_t *in = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
		if (!in) {
			snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
			rc = MC_E_CONFIG;
			break;
		}
		struct mc_arena *a = mc_arena_new(4096);
		struct mc_error e;
		mc_error_init(&e);
		if (mc_holidays_check(in, year, a, &e)) {
			snprintf(err, errlen, "%s: %s: %s", path, e.fields[0].field, e.fields[0].en);
			rc = MC_E_CONFIG;
		} else if (!(rc = mc_holidays_put(c, year, in, 0, mc_time_now_ms()))) {
			(*loaded)++;
		}
		mc_arena_free(a);
		json_decref(in);
	}
	closedir(dp);
	if (!rc)
		return mc_tx_commit(c);
	if (mc_in_tx(c))
		mc_tx_rollback(c);
	return rc;
}
