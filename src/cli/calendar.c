/* calendar.c - `motcua calendar holidays|due|lunar`: the working-time calendar
 * from the command line (no database needed). */
#include "cli.h"

#include "../core/calendar.h"
#include "../core/err.h"
#include "../core/lunar.h"
#include "../core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static const char usage[] =
    "usage: motcua calendar holidays YEAR [--off DATE]... [--work DATE]...\n"
    "       motcua calendar due --from INSTANT (--days N | --hours N) [--off DATE]... [--work DATE]...\n"
    "       motcua calendar lunar DATE\n"
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

int mc_cmd_calendar(int argc, char **argv)
{
	int help = mc_cli_wants_help(argc, argv);
	if (argc < 2 || help) {
		fputs(usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	struct mc_calendar cal;
	mc_cal_init(&cal);
	int rc;
	if (strcmp(argv[1], "holidays") == 0) {
		rc = cmd_holidays(argc, argv, &cal);
	} else if (strcmp(argv[1], "due") == 0) {
		rc = cmd_due(argc, argv, &cal);
	} else if (strcmp(argv[1], "lunar") == 0) {
		rc = cmd_lunar(argc, argv);
	} else {
		fprintf(stderr, "motcua calendar: unknown subcommand '%s'\n\n%s", argv[1], usage);
		rc = 2;
	}
	mc_cal_release(&cal);
	return rc;
}
