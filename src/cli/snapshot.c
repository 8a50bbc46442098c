/* snapshot.c - `motcua snapshot`: the dashboard's snapshot of an hour, or
 * the leaders' daily reports of a day, once (the server takes the
 * snapshot at the top of every hour and makes the reports from 07:00). */
#include "cli.h"

#include "../core/timeutil.h"
#include "../render/pdf.h"
#include "../snapshot/snapshot.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static const char usage[] = "usage: motcua snapshot [--config FILE] [--at ISO | --report YYYY-MM-DD]\n"
			    "\n"
			    "Take the leader's dashboard snapshot of the hour ending at --at (an ISO 8601\n"
			    "instant, rounded down to its hour; default: the hour just ended): every\n"
			    "metric, every body, counted now as of that hour's end.  An hour already\n"
			    "taken is left as it is.  With --report, make the daily reports of that day\n"
			    "for the bodies with leaders that have none yet, and queue them in the\n"
			    "outbox.  Prints the rows or reports written.\n";

int mc_cmd_snapshot(int argc, char **argv)
{
	struct mc_cli_db s;
	int rc = mc_cli_usage(argc, argv, usage, 0);
	if (rc >= 0)
		return rc;
	const char *at_opt = mc_cli_opt(argc, argv, "at"), *day = mc_cli_opt(argc, argv, "report");
	int64_t at = mc_snapshot_hour(mc_time_now_ms());
	int y, m, d;
	if ((at_opt && mc_time_parse(at_opt, &at)) ||
	    (day && (strlen(day) != 10 || sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3)) || (at_opt && day))
		return mc_cli_usage(argc, argv, usage, 1);
	if ((rc = mc_cli_connect(argc, argv, &s)))
		return rc;
	int64_t n = 0;
	at = mc_snapshot_hour(at);
	rc = day ? mc_snapshot_reports(s.c, day, mc_time_now_ms(), &n) : mc_snapshot_take(s.c, at, &n);
	if (rc)
		fprintf(stderr, "motcua: snapshot failed: %s\n", mc_conn_errmsg(s.c));
	mc_cli_disconnect(&s);
	if (day) /* nothing renders any more: a leak checker sees only real leaks */
		mc_pdf_release_caches();
	if (rc)
		return 1;
	if (day) {
		printf("made %lld daily reports of %s\n", (long long)n, day);
	} else {
		char iso[40];
		mc_time_format_vn(at, iso, sizeof(iso));
		printf("snapshot of the hour ending %s: %lld rows\n", iso, (long long)n);
	}
	return 0;
}
