/*
 * steps.c - a dossier's steps (dossier_steps): created from its procedure
 * version at submission, then started, finished and handed on by intake
 * and by the transitions alike; see internal.h.
 */
#include "internal.h"

#include "../org/org.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

int mc__steps_create(const struct mc__step_at *t, const struct mc_procedure *p, int64_t receiving, int64_t competent,
		     enum mc__steps_start start)
{
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct mc_proc_step *s = &p->steps[i];
		int64_t agency = strcmp(s->unit, "receiving") == 0 ? receiving : competent;
		if (strncmp(s->unit, "consulted:", 10) == 0) {
			int rc = mc_agency_by_code(t->c, s->unit + 10, &agency);
			if (rc == MC_E_NOT_FOUND)
				agency = competent; /* a consulted agency not (yet) in the system: the competent one
						       asks */
			else if (rc)
				return rc;
		}
		/* how the first two steps stand when the dossier is filed: 0 is
		 * "not yet" (NULL) */
		int64_t started = 0, due = 0, finished = 0, finished_by = 0, handed_by = 0;
		const char *result = NULL;
		if (i == 0 && start != MC__STEPS_WAIT) { /* in hand at reception */
			started = t->now;
			handed_by = t->by;
		}
		if (i == 0 && start == MC__STEPS_TAKEN) { /* and done at once, on time */
			due = finished = t->now;
			finished_by = t->by;
			result = "on_time";
		}
		if (i == 1 && start == MC__STEPS_TAKEN) { /* the next one starts */
			int rc = mc_cal_add_working_minutes(t->cal, t->now, (int64_t)s->hours * 60, &due);
			if (rc)
				return rc;
			started = t->now;
			handed_by = t->by;
		}
		int64_t n =
			mc_exec(t->c,
				"INSERT INTO dossier_steps (dossier_id, seq, name, role, agency_id, hours, started_at,"
				" due_at, finished_at, finished_by, handed_by, result) VALUES (?, ?, ?, ?, ?, ?,"
				" NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0),"
				" NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0),"
				" NULLIF(CAST(? AS BIGINT), 0), ?)",
				"idttiiiiiiit", t->dossier, (int)i + 1, s->name, s->role, agency, (int64_t)s->hours,
				started, due, finished, finished_by, handed_by, result);
		if (n < 0)
			return (int)n;
	}
	return 0;
}

int mc__step_finish(const struct mc__step_at *t, int seq, const char *note)
{
	int64_t due = 0;
	int rc = mc_query_int64(t->c, &due,
				"SELECT COALESCE(due_at, 0) FROM dossier_steps WHERE dossier_id = ? AND seq = ?", "id",
				t->dossier, seq);
	if (rc)
		return rc;
	const char *result = due ? mc__score_name(mc_cal_classify(t->now, due)) : "on_time";
	int64_t n = mc_exec(
		t->c,
		"UPDATE dossier_steps SET finished_at = ?, finished_by = ?, result = ?, note = COALESCE(?, note)"
		" WHERE dossier_id = ? AND seq = ?",
		"iittid", t->now, t->by, result, note, t->dossier, seq);
	return n < 0 ? (int)n : 0;
}

int mc__step_begin(const struct mc__step_at *t, int seq, int64_t hours)
{
	int64_t due = 0;
	int rc = mc_cal_add_working_minutes(t->cal, t->now, hours * 60, &due);
	if (rc)
		return rc;
	int64_t n = mc_exec(
		t->c,
		"UPDATE dossier_steps SET started_at = ?, due_at = ?, handed_by = ? WHERE dossier_id = ? AND seq = ?",
		"iiiid", t->now, due, t->by, t->dossier, seq);
	return n < 0 ? (int)n : 0;
}

int mc__step_start(const struct mc__step_at *t, int seq, int64_t *agency, char *role, size_t rolelen)
{
	struct mc_stmt *s = NULL;
	int64_t hours = 0;
	int rc = mc_query(t->c, &s, "SELECT agency_id, role, hours FROM dossier_steps WHERE dossier_id = ? AND seq = ?",
			  "id", t->dossier, seq);
	if (rc)
		goto out;
	if ((rc = mc_step_row(s)))
		goto out;
	*agency = mc_col_int64(s, 0);
	snprintf(role, rolelen, "%s", mc_col_text(s, 1));
	hours = mc_col_int64(s, 2);
	mc_stmt_done(s);
	s = NULL;
	rc = mc__step_begin(t, seq, hours);
out:
	mc_stmt_done(s);
	return rc;
}

int mc__step_restart(const struct mc__step_at *t, int seq, int64_t cap)
{
	int64_t hours = 0, due = 0;
	int rc;
	if ((rc = mc_query_int64(t->c, &hours, "SELECT hours FROM dossier_steps WHERE dossier_id = ? AND seq = ?", "id",
				 t->dossier, seq)) ||
	    (rc = mc_cal_add_working_minutes(t->cal, t->now, hours * 60, &due)))
		return rc;
	int64_t n = mc_exec(t->c, "UPDATE dossier_steps SET due_at = ? WHERE dossier_id = ? AND seq = ?", "iid",
			    due < cap ? due : cap, t->dossier, seq);
	return n < 0 ? (int)n : 0;
}
