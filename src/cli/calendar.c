/* calendar.c - `motcua calendar holidays|due|lunar`: the working-time calendar
 * from the command line (no database needed); `motcua calendar year`: the
 * official schedules in the database. */
#include "cli.h"

#include "../dossier/holidays.h"

#include "../core/calendar.h"
#include "../core/err.h"
#include "../core/lunar.h"
#include "../core/timeutil.h"
#include "../db/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static const char usage[] =
	"usage: motcua calendar holidays YEAR [--off DATE]... [--work DATE]...\n"
	"       motcua calendar due --from INSTANT (--days N | --hours N) [--off DATE]... [--work DATE]...\n"
	"       motcua calendar lunar DATE\n"
	"       motcua calendar year show YEAR [--config FILE]\n"
	"       motcua calendar year set FILE.json [--config FILE]\n"
	"       motcua calendar year clear YEAR [--config FILE]\n"
	"\n"
	"holidays  the days off of YEAR that are not weekends, one per line:\n"
	"          YYYY-MM-DD<TAB>name, in date order\n"
	"due       the deadline of a dossier received at INSTANT (ISO 8601 with\n"
	"          offset, e.g. 2027-02-03T09:00:00+07:00) with a legal time of N\n"
	"          working days or N working hours; printed with +07:00.\n"
	"          Received after 15:00 or on a day off: counts from the next\n"
	"          working day.  Days: day 1 is the working day after receipt and\n"
	"          the deadline is 17:00 of day N.\n"
	"lunar     the Vietnamese lunar date of DATE (YYYY-MM-DD), written\n"
	"          YYYY-MM-DD with L after a leap month: 2025-06L-01\n"
	"year      the official schedule of a year in the database (the\n"
	"          Government's decision on days off and make-up working days):\n"
	"          show prints the year in effect (days off, then days worked\n"
	"          with a leading '+'); set records FILE.json (the format of\n"
	"          data/calendar/2026.json and of PUT /api/v1/calendar/years),\n"
	"          replacing the rules for its year; clear goes back to the rules.\n"
	"          holidays and due use the rules alone.\n"
	"\n"
	"--off DATE   an extra day off (a swapped or compensatory day), repeatable\n"
	"--work DATE  a make-up working day, repeatable\n"
	"Office hours 07:30-11:30, 13:00-17:00; Saturday and Sunday off; the\n"
	"holidays of Labor Code 2019 Art. 112.  Years 1900-2100.\n";

/* Whole decimal number in [lo, hi]. */
static int parse_int(const char *s, long lo, long hi, long *out)
{
	if (!s || !*s)
		return -1;
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_date(const char *s, int *y, int *m, int *d)
{
	int n = 0;
	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", y, m, d, &n) != 3 || n != 10)
		return -1;
	return 0;
}

/* Apply every --off / --work in argv[2..]; reject any other argument except
 * the options named in `allowed` (NULL-terminated; each takes a value). */
static int read_options(int argc, char **argv, struct mc_calendar *cal, const char *const *allowed)
{
	for (int i = 2; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0) {
			fprintf(stderr, "motcua calendar: unexpected argument '%s'\n", argv[i]);
			return 2;
		}
		const char *opt = argv[i] + 2;
		const char *eq = strchr(opt, '=');
		size_t len = eq ? (size_t)(eq - opt) : strlen(opt);
		const char *val = eq ? eq + 1 : i + 1 < argc ? argv[i + 1] : NULL;
		int off = len == 3 && strncmp(opt, "off", 3) == 0;
		int work = len == 4 && strncmp(opt, "work", 4) == 0;
		int known = off || work;
		for (int k = 0; allowed[k] && !known; k++)
			known = strlen(allowed[k]) == len && strncmp(opt, allowed[k], len) == 0;
		if (!known || !val) {
			fprintf(stderr, "motcua calendar: %s '%s'\n", known ? "missing value for" : "unknown option",
				argv[i]);
			return 2;
		}
		if (!eq)
			i++;
		if (!off && !work)
			continue;
		int y, m, d;
		if (parse_date(val, &y, &m, &d) ||
		    (off ? mc_cal_add_day_off(cal, y, m, d, NULL) : mc_cal_add_working_day(cal, y, m, d, NULL))) {
			fprintf(stderr, "motcua calendar: bad date '%s' (YYYY-MM-DD, 1900-2100)\n", val);
			return 2;
		}
	}
	return 0;
}

static int cmd_holidays(int argc, char **argv, struct mc_calendar *cal)
{
	static const char *const allowed[] = {NULL};
	long year;
	if (argc < 3 || parse_int(argv[2], MC_LUNAR_MIN_YEAR, MC_LUNAR_MAX_YEAR, &year)) {
		fputs("motcua calendar: holidays needs a YEAR between 1900 and 2100\n", stderr);
		return 2;
	}
	int rc = read_options(argc - 1, argv + 1, cal, allowed);
	if (rc)
		return rc;
	struct mc_cal_holiday h[128];
	size_t n;
	rc = mc_cal_holidays(cal, (int)year, h, sizeof(h) / sizeof(h[0]), &n);
	if (rc) {
		fprintf(stderr, "motcua calendar: %s\n", mc_err_title(rc, "en"));
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		printf("%04d-%02d-%02d\t%s\n", h[i].y, h[i].m, h[i].d, h[i].name);
	return 0;
}

static int cmd_due(int argc, char **argv, struct mc_calendar *cal)
{
	static const char *const allowed[] = {"from", "days", "hours", NULL};
	int rc = read_options(argc, argv, cal, allowed);
	if (rc)
		return rc;
	const char *from = mc_cli_opt(argc, argv, "from");
	const char *days = mc_cli_opt(argc, argv, "days");
	const char *hours = mc_cli_opt(argc, argv, "hours");
	int64_t received, due;
	long n;
	if (!from || mc_time_parse(from, &received)) {
		fputs("motcua calendar: --from needs an instant with an offset, e.g. 2027-02-03T09:00:00+07:00\n",
		      stderr);
		return 2;
	}
	if (!days == !hours || parse_int(days ? days : hours, 0, days ? 3650 : 29200, &n)) {
		fputs("motcua calendar: give exactly one of --days N (0-3650) or --hours N (0-29200)\n", stderr);
		return 2;
	}
	rc = days ? mc_cal_due_days(cal, received, (int)n, &due) : mc_cal_due_hours(cal, received, (int)n, &due);
	if (rc) {
		fprintf(stderr, "motcua calendar: cannot compute the deadline (dates must lie in 1900-2100)\n");
		return 1;
	}
	char buf[40];
	mc_time_format_vn(due, buf, sizeof(buf));
	puts(buf);
	return 0;
}

static int cmd_lunar(int argc, char **argv)
{
	int y, m, d;
	struct mc_lunar_date ld;
	if (argc != 3 || parse_date(argv[2], &y, &m, &d) || mc_lunar_from_solar(y, m, d, &ld)) {
		fputs("motcua calendar: lunar needs one date YYYY-MM-DD between 1900-01-01 and 2100-12-31\n", stderr);
		return 2;
	}
	char buf[32];
	mc_lunar_format(&ld, buf, sizeof(buf));
	puts(buf);
	return 0;
}

static int year_show(struct mc_conn *c, const char *arg)
{
	long year;
	if (parse_int(arg, MC_LUNAR_MIN_YEAR, MC_LUNAR_MAX_YEAR, &year)) {
		fputs("motcua calendar: year show needs a year from 1900 to 2100\n", stderr);
		return 2;
	}
	json_t *y;
	int rc = mc_holidays_year(c, (int)year, &y);
	if (rc) {
		fprintf(stderr, "motcua calendar: %s\n", mc_conn_errmsg(c));
		return 1;
	}
	json_t *off = json_object_get(y, "official");
	if (json_is_object(off))
		printf("# %s (%s)\n", json_string_value(json_object_get(off, "decision")),
		       json_string_value(json_object_get(off, "decided_on")));
	else
		printf("# Bộ luật Lao động 2019, Điều 111-112 (no official schedule recorded)\n");
	const char *lists[] = {"days_off", "working_days"};
	for (int l = 0; l < 2; l++) {
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(y, lists[l]), i, it)
			printf("%s%s\t%s\n", l ? "+" : "", json_string_value(json_object_get(it, "date")),
			       json_string_value(json_object_get(it, "name")));
	}
	json_decref(y);
	return 0;
}

static int year_set(struct mc_conn *c, const char *path)
{
	json_error_t je;
	json_t *in = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!in) {
		fprintf(stderr, "motcua calendar: %s:%d: %s\n", path, je.line, je.text);
		return 2;
	}
	json_t *jy = json_object_get(in, "year");
	int year = json_is_integer(jy) ? (int)json_integer_value(jy) : 0;
	struct mc_arena *a = mc_arena_new(4096);
	struct mc_error e;
	mc_error_init(&e);
	int rc = 0;
	if (!year) {
		fprintf(stderr, "motcua calendar: %s: \"year\" is required\n", path);
		rc = 2;
	} else if (mc_holidays_check(in, year, a, &e)) {
		for (size_t i = 0; i < e.nfields; i++)
			fprintf(stderr, "motcua calendar: %s: %s: %s\n", path, e.fields[i].field, e.fields[i].en);
		rc = 2;
	}
	if (!rc) {
		rc = mc_tx_begin(c, 1);
		if (!rc)
			rc = mc_holidays_put(c, year, in, 0, mc_time_now_ms());
		if (!rc)
			rc = mc_cli_audit(c, "calendar.year_set", "calendar", year, json_pack("{s:i}", "year", year));
		if (!rc)
			rc = mc_tx_commit(c);
		if (rc) {
			fprintf(stderr, "motcua calendar: %s\n", mc_conn_errmsg(c));
			if (mc_in_tx(c))
				mc_tx_rollback(c);
			rc = 1;
		} else {
			printf("%d: official schedule recorded\n", year);
		}
	}
	mc_arena_free(a);
	json_decref(in);
	return rc;
}

static int year_clear(struct mc_conn *c, const char *arg)
{
	long year;
	if (parse_int(arg, MC_LUNAR_MIN_YEAR, MC_LUNAR_MAX_YEAR, &year)) {
		fputs("motcua calendar: year clear needs a year from 1900 to 2100\n", stderr);
		return 2;
	}
	int rc = mc_tx_begin(c, 1);
	if (!rc)
		rc = mc_holidays_delete(c, (int)year);
	if (!rc)
		rc = mc_cli_audit(c, "calendar.year_clear", "calendar", year,
				  json_pack("{s:I}", "year", (json_int_t)year));
	if (!rc)
		rc = mc_tx_commit(c);
	if (mc_in_tx(c))
		mc_tx_rollback(c);
	if (rc == MC_E_NOT_FOUND) {
		fprintf(stderr, "motcua calendar: %ld has no official schedule\n", year);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "motcua calendar: %s\n", mc_conn_errmsg(c));
		return 1;
	}
	printf("%ld: back to the rules of the Labor Code\n", year);
	return 0;
}

/* motcua calendar year show|set|clear ARG [--config FILE] */
static int cmd_year(int argc, char **argv)
{
	int extra = argc - 4; /* only --config FILE / --config=FILE may follow */
	const char *cfgopt = mc_cli_opt(argc, argv, "config");
	if (argc < 4 || (extra != 0 && !(cfgopt && (extra == 1 || extra == 2))) ||
	    (strcmp(argv[2], "show") && strcmp(argv[2], "set") && strcmp(argv[2], "clear"))) {
		fputs("motcua calendar: year show YEAR | year set FILE.json | year clear YEAR [--config FILE]\n",
		      stderr);
		return 2;
	}
	struct mc_cli_db s;
	int rc = mc_cli_connect(argc, argv, &s);
	if (rc)
		return rc;
	struct mc_conn *c = s.c;
	int applied;
	if ((rc = mc_migrate(c, &applied))) {
		fprintf(stderr, "motcua calendar: migration failed: %s\n", mc_conn_errmsg(c));
		rc = 1;
	} else if (strcmp(argv[2], "show") == 0) {
		rc = year_show(c, argv[3]);
	} else if (strcmp(argv[2], "set") == 0) {
		rc = year_set(c, argv[3]);
	} else {
		rc = year_clear(c, argv[3]);
	}
	mc_cli_disconnect(&s);
	return rc;
}

int mc_cmd_calendar(int argc, char **argv)
{
	int rc = mc_cli_usage(argc, argv, usage, argc < 2);
	if (rc >= 0)
		return rc;
	struct mc_calendar cal;
	mc_cal_init(&cal);
	if (strcmp(argv[1], "holidays") == 0) {
		rc = cmd_holidays(argc, argv, &cal);
	} else if (strcmp(argv[1], "due") == 0) {
		rc = cmd_due(argc, argv, &cal);
	} else if (strcmp(argv[1], "lunar") == 0) {
		rc = cmd_lunar(argc, argv);
	} else if (strcmp(argv[1], "year") == 0) {
		rc = cmd_year(argc, argv);
	} else {
		fprintf(stderr, "motcua calendar: unknown subcommand '%s'\n\n%s", argv[1], usage);
		rc = 2;
	}
	mc_cal_release(&cal);
	return rc;
}
