/*
 * remind.c - the reminder before a poll's deadline, through the outbox
 * (run with the housekeeping): a member asked who has not answered an
 * open poll whose deadline is less than MC_POLL_REMIND_BEFORE_MS away is
 * reminded once (a poll_reminders row of kind "due_soon" keeps it from
 * being sent again).  The notice of the opening is queued by the opening
 * itself (open.c).  At most MAX_PER_RUN a run: the next run takes the
 * rest.
 */
#include "internal.h"

#include "../core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define MAX_PER_RUN 1000

struct due {
	int64_t poll, user, deadline;
	char title[1300];
};

/* The members owed a reminder, read all first (one statement at a time
 * on the connection); *n how many. */
static int owed(struct mc_conn *c, int64_t now, struct due *d, int max, int *n)
{
	struct mc_stmt *s;
	int rc =
		mc_query(c, &s,
			 "SELECT p.id, m.user_id, p.deadline, p.title FROM polls p JOIN poll_members m ON m.poll_id ="
			 " p.id WHERE p.status = 'open' AND p.deadline > ? AND p.deadline <= ? AND NOT EXISTS (SELECT 1"
			 " FROM poll_answers a WHERE a.poll_id = p.id AND a.user_id = m.user_id) AND NOT EXISTS (SELECT"
			 " 1 FROM poll_reminders r WHERE r.poll_id = p.id AND r.user_id = m.user_id AND r.kind ="
			 " 'due_soon') ORDER BY p.id, m.user_id LIMIT ?",
			 "iii", now, now + MC_POLL_REMIND_BEFORE_MS, (int64_t)max);
	if (rc)
		return rc;
	int step;
	*n = 0;
	while ((step = mc_step(s)) == MC_DB_ROW && *n < max) {
		d[*n].poll = mc_col_int64(s, 0);
		d[*n].user = mc_col_int64(s, 1);
		d[*n].deadline = mc_col_int64(s, 2);
		snprintf(d[*n].title, sizeof(d[*n].title), "%s", mc_col_text(s, 3));
		(*n)++;
	}
	mc_stmt_done(s);
	return step == MC_DB_DONE || step == MC_DB_ROW ? 0 : step;
}

int mc_poll_remind(struct mc_conn *c, int64_t now, int64_t *queued)
{
	*queued = 0;
	struct due *d = mc_xmalloc(sizeof(*d) * MAX_PER_RUN);
	int n = 0;
	int rc = mc_tx_begin(c, 1);
	if (!rc)
		rc = owed(c, now, d, MAX_PER_RUN, &n);
	for (int i = 0; !rc && i < n; i++) {
		char deadline[40];
		mc_time_format_vn(d[i].deadline, deadline, sizeof(deadline));
		rc = mc__poll_notice(c, d[i].poll, d[i].user, "poll_reminder", "due_soon",
				     json_pack("{s:s, s:I, s:s, s:s}", "event", "poll_reminder", "poll_id",
					       (json_int_t)d[i].poll, "title", d[i].title, "deadline", deadline),
				     now);
		if (!rc)
			(*queued)++;
	}
	rc = rc ? rc : mc_tx_commit(c);
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	free(d);
	return rc;
}
