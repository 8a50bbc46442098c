/*
 * parts.c - what the linked procedures (src/linked) ask of the engine: a
 * sub-dossier filed by the system for the applicant of an application, the
 * application settled when its parts are, its dates moved, a notification.
 * The engine does not know the linked domain: these are plain dossier
 * operations, run inside the caller's transaction (see dossier.h).
 */
#include "dossier.h"
#include "internal.h"

#include "../catalog/catalog.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static void make_secret(char out[10])
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; /* no 0/O, 1/I */
	unsigned char r[8];
	mc_random(r, sizeof(r));
	for (int i = 0, k = 0; i < 9; i++)
		out[i] = i == 4 ? '-' : alphabet[r[k++] % 32];
	out[9] = '\0';
}

/* The applicant of dossier id as it stands: their account, details, return
 * method. */
static int applicant_of(struct mc_conn *c, int64_t id, int64_t *applicant_id, json_t **applicant, char ret[16],
			char code[80])
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT applicant_id, applicant, return_method, code FROM dossiers WHERE id = ?", "i",
			  id);
	if (rc)
		return rc;
	if (!(rc = mc_step_row(s))) {
		*applicant_id = mc_col_int64(s, 0);
		*applicant = json_loads(mc_col_text(s, 1), 0, NULL);
		snprintf(ret, 16, "%s", mc_col_text(s, 2) ? mc_col_text(s, 2) : "counter");
		snprintf(code, 80, "%s", mc_col_text(s, 3));
	}
	mc_stmt_done(s);
	if (!rc && !*applicant)
		rc = MC_E_INTERNAL;
	return rc;
}

int mc_dossier_spawn(struct mc_dossier_ctx *x, int64_t parent, const char *procedure_code, int64_t agency, json_t *form,
		     int64_t *id, char code[80])
{
	struct mc_dossier_new n = {.online = 1, .receiving = agency, .competent = agency};
	struct mc_calendar cal;
	int cal_ready = 0;
	char ret[16], parent_code[80];
	int64_t pid = 0;
	int rc = applicant_of(x->c, parent, &n.applicant_id, &n.applicant, ret, parent_code);
	if (!rc)
		rc = mc_catalog_current_id(x->c, procedure_code, &pid);
	if (!rc)
		rc = mc_procedure_load(x->c, pid, x->arena, &n.proc, x->e);
	if (!rc && !(rc = mc_holidays_calendar_for(x->c, agency, &cal)))
		cal_ready = 1;
	if (rc)
		goto out;
	int64_t now = mc_time_now_ms(), by = 0;
	make_secret(n.secret);
	n.return_method = ret;
	n.form = json_incref(form);
	n.papers = json_array();
	n.channel = "online"; /* handed over electronically */
	n.status = "submitted";
	n.submitted_at = now;
	n.current_step = 1;
	n.current_agency = agency;
	n.step_role = "clerk";
	n.extra = json_pack("{s:{s:s}}", "linked", "application", parent_code);
	if (!mc_cal_add_working_minutes(&cal, now, 8 * 60, &by))
		json_object_set_new(n.extra, "receive_by", mc__time_or_null(by));
	struct mc__step_at t = {.c = x->c, .cal = &cal, .now = now, .by = 0};
	if ((rc = mc__dossier_next_code(x->c, agency, now, n.code, sizeof(n.code))) ||
	    (rc = mc__dossier_insert(x->c, &n, &t.dossier)) ||
	    (rc = mc__steps_create(&t, &n.proc, agency, agency, MC__STEPS_WAIT)))
		goto out;
	int64_t k = mc_exec(x->c, "UPDATE dossiers SET parent_id = ? WHERE id = ?", "ii", parent, t.dossier);
	if (k < 0) {
		rc = (int)k;
		goto out;
	}
	/* an external agency's system gets it as any dossier that comes to it */
	if ((x->handoff && (rc = x->handoff(x, t.dossier, agency))) ||
	    (rc = mc__event(x, t.dossier, "linked_start", NULL, n.status, 1, agency, 0, NULL)) ||
	    (rc = mc__track_refresh(x->c, t.dossier)) ||
	    (rc = mc__audit(x, "dossier.linked_start", t.dossier, n.code))) /* last: see mc__audit */
		goto out;
	*id = t.dossier;
	snprintf(code, 80, "%s", n.code);
out:
	if (cal_ready)
		mc_cal_release(&cal);
	mc_procedure_release(&n.proc);
	json_decref(n.applicant);
	json_decref(n.form);
	json_decref(n.papers);
	json_decref(n.extra);
	return rc;
}

int mc_dossier_settle(struct mc_dossier_ctx *x, int64_t id, int any, const char *reason)
{
	struct mc__dossier d = {0};
	struct mc_procedure p = {0};
	struct mc_calendar cal;
	int cal_ready = 0;
	char code[80] = "";
	struct mc_stmt *q = NULL;
	int rc = mc_query(x->c, &q, "SELECT code FROM dossiers WHERE id = ?", "i", id);
	if (!rc && !(rc = mc_step_row(q)))
		snprintf(code, sizeof(code), "%s", mc_col_text(q, 0));
	mc_stmt_done(q);
	if (!rc)
		rc = mc__load(x->c, code, &d);
	if (!rc)
		rc = mc_procedure_load(x->c, d.procedure_id, x->arena, &p, x->e);
	if (!rc && !(rc = mc_holidays_calendar_for(x->c, d.competent_agency_id, &cal)))
		cal_ready = 1;
	if (rc)
		goto out;
	if (strcmp(d.status, "in_progress") != 0)
		goto out; /* ended some other way (withdrawn, stopped): nothing to settle */
	int64_t now = mc_time_now_ms();
	/* the steps are closed by whoever's action settled the last part */
	struct mc__step_at t = {.c = x->c, .cal = &cal, .dossier = id, .now = now, .by = x->who ? x->who->user_id : 0};
	if (!t.by) {
		rc = MC_E_INTERNAL;
		goto out;
	}
	const char *to = any ? "result_ready" : "refused";
	const char *score = any ? mc__score_name(mc_cal_classify(now, d.due_at)) : NULL;
	int64_t agency = 0;
	char role[24] = "";
	int last = (int)p.nsteps;
	if ((rc = mc__step_finish(&t, d.current_step, "linked")))
		goto out;
	if (any && last > d.current_step && (rc = mc__step_start(&t, last, &agency, role, sizeof(role))))
		goto out;
	json_t *extra = NULL;
	if (!any) {
		struct mc_stmt *s = NULL;
		if (!(rc = mc_query(x->c, &s, "SELECT extra FROM dossiers WHERE id = ?", "i", id)) &&
		    !(rc = mc_step_row(s)))
			extra = json_loads(mc_col_text(s, 0), 0, NULL);
		mc_stmt_done(s);
		if (rc)
			goto out;
		if (!extra)
			extra = json_object();
		json_object_set_new(extra, "refusal",
				    json_pack("{s:o, s:{s:I}, s:[s], s:s}", "at", mc__time_or_null(now), "by", "id",
					      (json_int_t)0, "reasons", reason ? reason : "-", "stage", "processing"));
	}
	char *ex = extra ? json_dumps(extra, JSON_COMPACT) : NULL;
	json_decref(extra);
	int64_t n =
		mc_exec(x->c,
			"UPDATE dossiers SET status = ?, current_step = ?, current_agency_id = NULLIF(CAST(? AS "
			"BIGINT), 0), step_role = ?, completed_at = ?, result_status = ?, extra = COALESCE(?, extra),"
			" version = version + 1, updated_at = ? WHERE id = ?",
			"tditittii", to, any ? last : d.current_step, any ? agency : (int64_t)0, any ? role : "", now,
			score, ex, now, id);
	free(ex);
	if (n < 0) {
		rc = (int)n;
		goto out;
	}
	char col[32] = "refused";
	if (any)
		snprintf(col, sizeof(col), "resolved_%s", score);
	if ((rc = mc__stats_add(x->c, d.competent_agency_id, d.procedure_code, d.field_code, now, col)) ||
	    (rc = mc__event(x, id, "linked_settle", d.status, to, d.current_step, d.competent_agency_id, 0, NULL)) ||
	    (rc = mc__notify(x->c, id, to, NULL)) || (rc = mc__track_refresh(x->c, id)))
		goto out;
out:
	if (cal_ready)
		mc_cal_release(&cal);
	mc_procedure_release(&p);
	return rc;
}

int mc_dossier_set_dates(struct mc_conn *c, int64_t id, int64_t due_at, int64_t appointment_at)
{
	int64_t n = mc_exec(c,
			    "UPDATE dossiers SET due_at = COALESCE(NULLIF(CAST(? AS BIGINT), 0), due_at),"
			    " appointment_at = COALESCE(NULLIF(CAST(? AS BIGINT), 0), appointment_at),"
			    " extended = CASE WHEN CAST(? AS BIGINT) = 0 THEN extended ELSE 1 END WHERE id = ?",
			    "iiii", due_at, appointment_at, appointment_at, id);
	if (n < 0)
		return (int)n;
	return mc__track_refresh(c, id);
}

int mc_dossier_notify(struct mc_conn *c, int64_t id, const char *event, const char *detail_json)
{
	return mc__notify(c, id, event, detail_json);
}
