/* store.c - the portal's queue (portal_sync): rows claimed with their
 * payloads, outcomes recorded, and the operator's report (see portal.h). */
#include "portal.h"

#include "../core/timeutil.h"
#include "../db/rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* The pause before try n + 1: 30 s, 1 min, 2 min ... an hour at most. */
static int64_t pause_after(int64_t tries)
{
	int64_t ms = 30000;
	for (int64_t i = 1; i < tries && ms < 3600000; i++)
		ms *= 2;
	return ms < 3600000 ? ms : 3600000;
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* The dossier of queued row j as it is now, mapped into j->body. */
static int build(struct mc_conn *c, struct mc_portal_job *j, const char *action, const char *status)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT d.code, d.procedure_code, p.name, d.field_code, p.field, d.channel, d.return_method,"
			  " a.code, a.name, d.submitted_at, d.received_at, COALESCE(d.appointment_at, d.due_at),"
			  " d.completed_at, d.returned_at, d.applicant FROM dossiers d JOIN procedures p ON p.id ="
			  " d.procedure_id JOIN agencies a ON a.id = d.competent_agency_id WHERE d.id = ?",
			  "i", j->dossier_id);
	if (rc)
		return rc;
	struct mc_portal_dossier d;
	memset(&d, 0, sizeof(d));
	if ((rc = mc_step_row(s)) == 0) {
		copy(d.code, sizeof(d.code), mc_col_text(s, 0));
		copy(d.procedure_code, sizeof(d.procedure_code), mc_col_text(s, 1));
		copy(d.procedure_name, sizeof(d.procedure_name), mc_col_text(s, 2));
		copy(d.field_code, sizeof(d.field_code), mc_col_text(s, 3));
		copy(d.field_name, sizeof(d.field_name), mc_col_text(s, 4));
		copy(d.channel, sizeof(d.channel), mc_col_text(s, 5));
		copy(d.return_method, sizeof(d.return_method), mc_col_text(s, 6));
		copy(d.agency_code, sizeof(d.agency_code), mc_col_text(s, 7));
		copy(d.agency_name, sizeof(d.agency_name), mc_col_text(s, 8));
		d.submitted_at = mc_col_int64(s, 9);
		d.received_at = mc_col_int64(s, 10);
		d.due_at = mc_col_int64(s, 11);
		d.completed_at = mc_col_int64(s, 12);
		d.returned_at = mc_col_int64(s, 13);
		json_error_t je;
		d.applicant = json_loads(mc_col_text(s, 14) ? mc_col_text(s, 14) : "{}", 0, &je);
	}
	mc_stmt_done(s);
	if (rc)
		return rc;
	copy(d.status, sizeof(d.status), status);
	copy(d.action, sizeof(d.action), action);
	copy(j->code, sizeof(j->code), d.code);
	int64_t any = 0;
	rc = mc_query_int64(c, &any, "SELECT id FROM portal_sync WHERE dossier_id = ? AND state = 'accepted' LIMIT 1",
			    "i", j->dossier_id);
	d.updating = rc == 0;
	if (rc == MC_E_NOT_FOUND)
		rc = 0;
	if (!rc && (strcmp(status, "result_ready") == 0 || strcmp(status, "returned") == 0)) {
		rc = mc_query(c, &s,
			      "SELECT summary, number, symbol, doc_date FROM documents WHERE dossier_id = ? AND"
			      " direction = 'out' ORDER BY id LIMIT 20",
			      "i", j->dossier_id);
		if (!rc) {
			d.results = json_array();
			while ((rc = mc_step(s)) == MC_DB_ROW)
				json_array_append_new(d.results,
						      json_pack("{s:s, s:I, s:s?, s:s}", "summary", mc_col_text(s, 0),
								"number", (json_int_t)mc_col_int64(s, 1), "symbol",
								mc_col_text(s, 2), "doc_date", mc_col_text(s, 3)));
			mc_stmt_done(s);
			rc = rc == MC_DB_DONE ? 0 : rc;
		}
	}
	if (!rc) {
		json_t *p = mc_portal_payload(&d);
		if (p)
			j->body = json_dumps(p, JSON_COMPACT);
		else
			snprintf(j->error, sizeof(j->error), "no portal status for the dossier status %s", status);
		json_decref(p);
	}
	json_decref(d.applicant);
	json_decref(d.results);
	return rc;
}

int mc_portal_claim(struct mc_conn *c, int64_t now, struct mc_portal_job *jobs, int max, int *n)
{
	*n = 0;
	if (max > MC_PORTAL_BATCH)
		max = MC_PORTAL_BATCH;
	int64_t any = 0; /* a look first: an idle worker takes no write lock */
	int rc =
		mc_query_int64(c, &any,
			       "SELECT id FROM portal_sync WHERE state = 'pending' AND next_at <= ? UNION ALL SELECT id"
			       " FROM portal_sync WHERE state = 'sending' AND sending_at < ? LIMIT 1",
			       "ii", now, now - MC_PORTAL_LEASE_MS);
	if (rc)
		return rc == MC_E_NOT_FOUND ? 0 : rc;
	if ((rc = mc_tx_begin(c, 1)))
		return rc;
	/* cut off while sending: sent again (the portal's update by MaHoSo is
	 * idempotent), still first of its dossier */
	int64_t k = mc_exec(c,
			    "UPDATE portal_sync SET state = 'pending', next_at = ?, last_error = 'outcome unknown: the"
			    " sender stopped while sending; sent again' WHERE state = 'sending' AND sending_at < ?",
			    "ii", now, now - MC_PORTAL_LEASE_MS);
	rc = k < 0 ? (int)k : 0;
	/* each dossier's earliest row not accepted, when it is due: one at a
	 * time per dossier, in order */
	struct mc_stmt *s;
	char actions[MC_PORTAL_BATCH][32], statuses[MC_PORTAL_BATCH][32];
	if (!rc)
		rc = mc_query(c, &s,
			      "SELECT p.id, p.dossier_id, p.action, p.status FROM portal_sync p WHERE p.state ="
			      " 'pending' AND p.next_at <= ? AND NOT EXISTS (SELECT 1 FROM portal_sync q WHERE"
			      " q.dossier_id = p.dossier_id AND q.id < p.id AND q.state <> 'accepted') ORDER BY"
			      " p.next_at, p.id LIMIT ?",
			      "id", now, max);
	if (!rc) {
		int step;
		while (*n < max && (step = mc_step(s)) == MC_DB_ROW) {
			struct mc_portal_job *j = &jobs[*n];
			memset(j, 0, sizeof(*j));
			j->id = mc_col_int64(s, 0);
			j->dossier_id = mc_col_int64(s, 1);
			copy(actions[*n], sizeof(actions[0]), mc_col_text(s, 2));
			copy(statuses[*n], sizeof(statuses[0]), mc_col_text(s, 3));
			(*n)++;
		}
		mc_stmt_done(s);
		rc = step == MC_DB_DONE || step == MC_DB_ROW ? 0 : step;
	}
	/* each one marked before it leaves; one another server took meanwhile
	 * is left to it */
	int kept = 0;
	for (int i = 0; !rc && i < *n; i++) {
		k = mc_exec(c,
			    "UPDATE portal_sync SET state = 'sending', sending_at = ?, attempts = attempts + 1 WHERE"
			    " id = ? AND state = 'pending'",
			    "ii", now, jobs[i].id);
		if (k < 0)
			rc = (int)k;
		else if (k == 1 && !(rc = build(c, &jobs[i], actions[i], statuses[i])))
			jobs[kept++] = jobs[i];
	}
	if (rc) {
		mc_portal_jobs_free(jobs, *n);
		*n = 0;
		mc_tx_rollback(c);
		return rc;
	}
	*n = kept;
	if ((rc = mc_tx_commit(c))) {
		mc_tx_rollback(c);
		mc_portal_jobs_free(jobs, *n);
		*n = 0;
	}
	return rc;
}

void mc_portal_jobs_free(struct mc_portal_job *jobs, int n)
{
	for (int i = 0; i < n; i++) {
		free(jobs[i].body);
		jobs[i].body = NULL;
	}
}

int mc_portal_record(struct mc_conn *c, const struct mc_portal_job *j, enum mc_portal_outcome o, const char *answer,
		     const char *error, int64_t now)
{
	int rc = mc_tx_begin(c, 1);
	if (rc)
		return rc;
	int64_t tries = 0, k;
	rc = mc_query_int64(c, &tries, "SELECT attempts FROM portal_sync WHERE id = ? AND state = 'sending'", "i",
			    j->id);
	if (rc == MC_E_NOT_FOUND) { /* moved on meanwhile (the lease) */
		mc_tx_rollback(c);
		return 0;
	}
	if (rc)
		goto out;
	if (o == MC_PORTAL_ACCEPTED)
		k = mc_exec(
			c,
			"UPDATE portal_sync SET state = 'accepted', accepted_at = ?, last_error = NULL, payload = ?,"
			" answer = ? WHERE id = ?",
			"itti", now, j->body, answer, j->id);
	else if (o == MC_PORTAL_REFUSED || tries >= MC_PORTAL_TRIES) {
		char why[400];
		snprintf(why, sizeof(why), "%s%s", error ? error : "",
			 o == MC_PORTAL_REFUSED ? "" : " (given up after " MC_PORTAL_TRIES_TEXT " tries)");
		k = mc_exec(
			c,
			"UPDATE portal_sync SET state = 'failed', last_error = ?, payload = ?, answer = ? WHERE id = ?",
			"ttti", why, j->body, answer, j->id);
	} else
		k = mc_exec(c,
			    "UPDATE portal_sync SET state = 'pending', next_at = ?, last_error = ?, answer = ? WHERE "
			    "id = ?",
			    "itti", now + pause_after(tries), error, answer, j->id);
	rc = k < 0 ? (int)k : 0;
out:
	if (rc || (rc = mc_tx_commit(c)))
		mc_tx_rollback(c);
	return rc;
}

int64_t mc_portal_housekeeping(struct mc_conn *c, int64_t now)
{
	int rc = mc_tx_begin(c, 1);
	if (rc)
		return rc;
	int64_t n = mc_exec(c, "DELETE FROM portal_sync WHERE state = 'accepted' AND accepted_at < ?", "i",
			    now - (int64_t)MC_PORTAL_KEEP_DAYS * 86400000);
	if (n < 0 || (rc = mc_tx_commit(c))) {
		mc_tx_rollback(c);
		return n < 0 ? n : rc;
	}
	return n;
}

/* ---- the operator's report ---- */

static json_t *row_json(struct mc_stmt *s, void *ud)
{
	(void)ud;
	json_error_t je;
	const char *a = mc_col_text(s, 10);
	json_t *answer = a ? json_loads(a, 0, &je) : NULL;
	if (a && !answer)
		answer = json_string(a);
	return json_pack("{s:I, s:s, s:s, s:s, s:i, s:s, s:I, s:o, s:o, s:o, s:o, s:o?}", "id",
			 (json_int_t)mc_col_int64(s, 0), "dossier_code", mc_col_text(s, 1), "action", mc_col_text(s, 2),
			 "status", mc_col_text(s, 3), "portal_status",
			 mc_portal_status(mc_col_text(s, 3), mc_col_text(s, 2)), "state", mc_col_text(s, 4), "attempts",
			 (json_int_t)mc_col_int64(s, 5), "at", mc_col_json_time(s, 6), "next_at",
			 mc_col_json_time(s, 7), "accepted_at", mc_col_json_time(s, 8), "last_error",
			 mc_col_json_text(s, 9), "answer", answer);
}

int mc_portal_list(struct mc_conn *c, const char *state, int64_t before, int limit, json_t **out)
{
	*out = NULL;
	if (limit < 1 || limit > 200)
		limit = 50;
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT p.id, d.code, p.action, p.status, p.state, p.attempts, p.at, CASE WHEN p.state ="
			  " 'pending' THEN p.next_at END, p.accepted_at, p.last_error, p.answer FROM"
			  " portal_sync p JOIN dossiers d ON d.id = p.dossier_id WHERE p.state = ? AND (? = 0 OR"
			  " p.id < ?) ORDER BY p.id DESC LIMIT ?",
			  "tiid", state, before, before, limit + 1);
	int more = 0;
	json_t *items = NULL;
	if (!rc)
		rc = mc_rows_json_page(s, row_json, NULL, (size_t)limit, &items, &more);
	if (!rc)
		*out = json_pack("{s:o, s:b}", "items", items, "more", more);
	return rc;
}

int mc_portal_summary(struct mc_conn *c, int64_t now, json_t **out)
{
	struct mc_stmt *s;
	*out = NULL;
	int rc = mc_query(c, &s,
			  "SELECT state, COUNT(*), MIN(CASE WHEN state = 'pending' THEN at END), MAX(accepted_at) FROM"
			  " portal_sync GROUP BY state",
			  "");
	if (rc)
		return rc;
	json_t *counts = json_pack("{s:i, s:i, s:i, s:i}", "pending", 0, "sending", 0, "accepted", 0, "failed", 0);
	int64_t oldest = 0, last = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		json_object_set_new(counts, mc_col_text(s, 0), json_integer(mc_col_int64(s, 1)));
		if (!mc_col_is_null(s, 2))
			oldest = mc_col_int64(s, 2);
		if (!mc_col_is_null(s, 3))
			last = mc_col_int64(s, 3);
	}
	mc_stmt_done(s);
	if (rc != MC_DB_DONE) {
		json_decref(counts);
		return rc;
	}
	json_t *at = NULL;
	if (last) {
		char t[40];
		mc_time_format_vn(last, t, sizeof(t));
		at = json_string(t);
	}
	*out = json_pack("{s:o, s:I, s:o}", "counts", counts, "oldest_pending_s",
			 (json_int_t)(oldest ? (now - oldest) / 1000 : 0), "last_accepted_at", at ? at : json_null());
	return 0;
}

int mc_portal_retry(struct mc_conn *c, int64_t id, int64_t now)
{
	char state[16] = "";
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT state FROM portal_sync WHERE id = ?", "i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0)
		copy(state, sizeof(state), mc_col_text(s, 0));
	mc_stmt_done(s);
	if (rc)
		return rc;
	if (strcmp(state, "failed") != 0)
		return MC_E_CONFLICT;
	int64_t k = mc_exec(c,
			    "UPDATE portal_sync SET state = 'pending', attempts = 0, next_at = ? WHERE id = ? AND state"
			    " = 'failed'",
			    "ii", now, id);
	return k < 0 ? (int)k : 0;
}
