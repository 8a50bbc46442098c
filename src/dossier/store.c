/*
 * store.c - the dossiers table: a new dossier's code and its row.  The
 * row is written from a struct mc_dossier_new as it is (model.h): a 0 id
 * or instant is stored as NULL.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "../core/banned.h"

/* Code: <receiving agency code>-<YYMMDD>-<NNNN>, the number from a per
 * agency and day counter updated in this transaction: unique and without
 * gaps however many clerks take dossiers in at once. */
int mc__dossier_next_code(struct mc_conn *c, int64_t agency, int64_t now, char *out, size_t n)
{
	char day[11], yymmdd[7], acode[48];
	mc__local_day(now, day);
	snprintf(yymmdd, sizeof(yymmdd), "%.2s%.2s%.2s", day + 2, day + 5, day + 8);
	struct mc_stmt *s = NULL;
	int64_t seq = 0;
	int rc = mc_query(c, &s, "SELECT code FROM agencies WHERE id = ?", "i", agency);
	if (rc)
		goto out;
	if ((rc = mc_step_row(s)))
		goto out;
	snprintf(acode, sizeof(acode), "%s", mc_col_text(s, 0));
	mc_stmt_done(s);
	s = NULL;
	rc = mc_query(c, &s,
		      "INSERT INTO dossier_sequences (agency_id, day, last) VALUES (?, ?, 1)"
		      " ON CONFLICT (agency_id, day) DO UPDATE SET last = dossier_sequences.last + 1 RETURNING last",
		      "it", agency, yymmdd);
	if (rc)
		goto out;
	while ((rc = mc_step(s)) == MC_DB_ROW)
		seq = mc_col_int64(s, 0);
	if (rc < 0)
		goto out;
	if (seq > 9999)
		rc = MC_E_CONFLICT; /* the code format has four digits */
	else
		snprintf(out, n, "%s-%s-%04lld", acode, yymmdd, (long long)seq);
out:
	mc_stmt_done(s);
	return rc;
}

int mc__dossier_insert(struct mc_conn *c, const struct mc_dossier_new *n, int64_t *id)
{
	char *applicant = json_dumps(n->applicant, JSON_COMPACT), *form = json_dumps(n->form, JSON_COMPACT),
	     *papers = json_dumps(n->papers, JSON_COMPACT), *extra = json_dumps(n->extra, JSON_COMPACT);
	struct mc_stmt *s = NULL;
	/* 0 means "none": NULL, which the foreign keys accept */
	int rc = mc_query(
		c, &s,
		"INSERT INTO dossiers (id, code, secret, province_code, procedure_id, procedure_code, field_code,"
		" applicant_id, applicant, form_data, papers, channel, status, received_agency_id, counter_id,"
		" competent_agency_id, current_step, current_agency_id, step_role, received_by, submitted_at,"
		" received_at, due_at, return_method, created_at, updated_at, extra, paused_at, register_entry)"
		" VALUES (mc_dossier_id(?), ?, ?, (SELECT province_code FROM agencies WHERE id = ?), ?, ?, ?, "
		"NULLIF(CAST(? AS "
		"BIGINT), 0),"
		" ?, ?, ?, ?, ?, ?,"
		" NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?,"
		" NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?,"
		" NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0)) RETURNING id",
		"tttii"
		"ttittt"
		"tti"
		"iidit"
		"iiiit"
		"iitii",
		n->code /* its id (0045) */, n->code, n->secret, n->receiving /* the receiving agency's province */,
		n->proc.id, n->proc.code, n->proc.field_code, n->applicant_id, applicant, form, papers, n->channel,
		n->status, n->receiving, n->counter_id, n->competent, n->current_step, n->current_agency, n->step_role,
		n->received_by, n->submitted_at, n->received_at, n->due_at, n->return_method, n->submitted_at,
		n->submitted_at,
		/* created_at, updated_at */ extra, n->paused_at, n->register_entry);
	if (rc)
		goto out;
	while ((rc = mc_step(s)) == MC_DB_ROW)
		*id = mc_col_int64(s, 0);
out:
	mc_stmt_done(s);
	free(applicant);
	free(form);
	free(papers);
	free(extra);
	return rc;
}
