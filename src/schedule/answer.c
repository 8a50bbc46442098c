/*
 * answer.c - what the invitees say: an official invited by name attends,
 * sends a deputy or is absent (with a reason); an agency asked to send
 * someone names whom it sends (its leader or clerical officer answers),
 * or says it cannot.  Each answer is kept in the trail; the last counts.
 * An event that is over or cancelled takes no more answers.
 */
#include "internal.h"

#include "../core/field.h"
#include "../core/timeutil.h"
#include "../org/org.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static const char *const ANSWERS[] = {"attend", "deputy", "absent", NULL};

/* The caller's invitation to event: their own row (*agency 0) or that of
 * an agency they answer for (a leader or clerical officer acting for it).
 * *row 0 when none. */
static int invitation_of(struct mc_schedule_ctx *x, int64_t event, int64_t *row, int64_t *agency)
{
	*row = *agency = 0;
	int rc = mc_query_int64(x->c, row, "SELECT id FROM schedule_participants WHERE event_id = ? AND user_id = ?",
				"ii", event, x->who->user_id);
	if (rc != MC_E_NOT_FOUND || !x->who->agency_id)
		return rc;
	if (!mc_principal_has_role(x->who, "leader") && !mc_principal_has_role(x->who, "clerical"))
		return 0;
	struct mc_stmt *s;
	if ((rc = mc_query(
		     x->c, &s,
		     "SELECT id, agency_id FROM schedule_participants WHERE event_id = ? AND agency_id IS NOT NULL"
		     " ORDER BY id",
		     "i", event)))
		return rc;
	int64_t ids[SCHED_AGENCIES_MAX], ags[SCHED_AGENCIES_MAX];
	int n = 0, step;
	while (n < SCHED_AGENCIES_MAX && (step = mc_step(s)) == MC_DB_ROW) {
		ids[n] = mc_col_int64(s, 0);
		ags[n++] = mc_col_int64(s, 1);
	}
	mc_stmt_done(s);
	if (n < SCHED_AGENCIES_MAX && step < 0)
		return step;
	for (int i = 0; i < n; i++) {
		if ((rc = mc_agency_acts_for(x->c, x->who->agency_id, ags[i])) < 0)
			return rc;
		if (rc) {
			*row = ids[i];
			*agency = ags[i];
			return 0;
		}
	}
	return 0;
}

/* The answer read in: problems in x->e. */
static int read_answer(struct mc_schedule_ctx *x, json_t *in, int64_t agency, const char **answer, int64_t *attendee,
		       const char **reason)
{
	*answer = mc_field_enum(x->e, in, "answer", ANSWERS, NULL, MC_M_SCHED_ANSWER);
	*reason = mc_field_str(x->arena, x->e, in, "reason", SCHED_TEXT_MAX, 0);
	*attendee = mc_field_id(x->e, in, "attendee_id", 0, MC_M_SCHED_OFFICIAL);
	if (!*answer && !x->e->nfields)
		mc_bad_field(x->e, "answer", MC_M_REQUIRED);
	if (*answer && agency && strcmp(*answer, "deputy") == 0)
		mc_bad_field(x->e, "answer", MC_M_SCHED_ANSWER);
	int needs = *answer && (strcmp(*answer, "deputy") == 0 || (agency && strcmp(*answer, "attend") == 0));
	if (needs && !*attendee)
		mc_bad_field(x->e, "attendee_id", MC_M_REQUIRED);
	if (*answer && strcmp(*answer, "absent") == 0 && !*reason)
		mc_bad_field(x->e, "reason", MC_M_REQUIRED);
	if (*answer && !needs)
		*attendee = 0;
	if (*attendee && !x->e->nfields) {
		char kind[16];
		int64_t where = 0;
		int rc = mc_user_kind(x->c, *attendee, kind, &where);
		if (rc && rc != MC_E_NOT_FOUND)
			return rc;
		int64_t serving = 0;
		if (!rc)
			rc = mc_query_int64(x->c, &serving,
					    "SELECT COUNT(*) FROM users WHERE id = ? AND status = 'active'", "i",
					    *attendee);
		if (rc && rc != MC_E_NOT_FOUND)
			return rc;
		int ok = !rc && serving && strcmp(kind, "official") == 0 && *attendee != x->who->user_id;
		if (ok && agency && (rc = mc_agency_acts_for(x->c, where, agency)) <= 0) {
			if (rc < 0)
				return rc;
			ok = 0;
		}
		if (!ok)
			mc_bad_field(x->e, "attendee_id", MC_M_SCHED_ATTENDEE);
	}
	return x->e->nfields ? (x->e->code = MC_E_VALIDATION) : 0;
}

/* The event's calendar, week and whether it still takes answers. */
static int answerable(struct mc_schedule_ctx *x, int64_t id, int64_t *agency, char week[11])
{
	struct mc_stmt *s;
	int rc =
		mc_query(x->c, &s, "SELECT agency_id, week, status, end_at FROM schedule_events WHERE id = ?", "i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		*agency = mc_col_int64(s, 0);
		snprintf(week, 11, "%s", mc_col_text(s, 1));
		if (strcmp(mc_col_text(s, 2), "active") != 0)
			rc = mc_error_set(x->e, MC_E_CONFLICT, "the event is cancelled");
		else if (mc_col_int64(s, 3) <= mc_time_now_ms())
			rc = mc_error_set(x->e, MC_E_CONFLICT, "the event is over");
	}
	mc_stmt_done(s);
	return rc;
}

/* The answer of who has no invitation to event: 403 for who reads it (the
 * chair, a reader of its calendar), else 404. */
static int not_invited(struct mc_schedule_ctx *x, int64_t event)
{
	int read = mc__sched_involved(x->c, event, x->who->user_id, x->who->agency_id);
	int64_t agency = 0;
	if (!read) {
		int rc =
			mc_query_int64(x->c, &agency, "SELECT agency_id FROM schedule_events WHERE id = ?", "i", event);
		read = rc ? rc : mc__sched_may_read(x, agency);
	}
	if (read < 0)
		return read;
	return read ? mc_error_set(x->e, MC_E_FORBIDDEN, "the caller is not invited") : MC_E_NOT_FOUND;
}

int mc_schedule_answer(struct mc_schedule_ctx *x, int64_t id, json_t *in, json_t **out)
{
	int64_t row = 0, agency = 0, cal = 0, attendee = 0;
	char week[11];
	int rc = invitation_of(x, id, &row, &agency);
	if (!rc && !row)
		return not_invited(x, id);
	if (rc || (rc = answerable(x, id, &cal, week)))
		return rc;
	const char *answer, *reason;
	if ((rc = read_answer(x, in, agency, &answer, &attendee, &reason)))
		return rc;
	if ((rc = mc_tx_begin(x->c, 1)))
		return rc;
	int64_t n = mc_exec(x->c,
			    "UPDATE schedule_participants SET answer = ?, attendee_id = NULLIF(?, 0), reason = ?,"
			    " answered_by = ?, answered_at = ? WHERE id = ?",
			    "titiii", answer, attendee, reason, x->who->user_id, mc_time_now_ms(), row);
	rc = n < 0 ? (int)n : n == 0 ? mc_error_set(x->e, MC_E_CONFLICT, "the invitation was withdrawn") : 0;
	rc = rc ? rc
		: mc__sched_log(x, cal, week, id, "answer",
				json_pack("{s:I, s:s, s:I, s:s?}", "participant", (json_int_t)row, "answer", answer,
					  "attendee_id", (json_int_t)attendee, "reason", reason));
	rc = rc ? rc : mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc ? rc : mc_schedule_event_get(x, id, out);
}
