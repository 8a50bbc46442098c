/*
 * draft_store.c - the tables of outgoing drafts: a draft's row and its
 * revisions, the approvals asked (reviews), the trail, the approval
 * chains, and a draft read back as its representation.
 */
#include "internal.h"

#include "../db/rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

int mc__draft_insert(struct mc_conn *c, const struct mc__draft_new *n, int64_t now, int64_t *id)
{
	char *recipients = json_dumps(n->recipients, JSON_COMPACT), *internal = json_dumps(n->internal, JSON_COMPACT);
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "INSERT INTO document_drafts (agency_id, unit_id, drafter_id, type_code, summary, content,"
			  " file_sha256, recipients, internal_recipients, urgency, secrecy, chain, status, created_at,"
			  " updated_at, field_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 'drafting', ?, ?, ?)"
			  " RETURNING id",
			  "iiitttttttti"
			  "it",
			  n->agency, n->unit, n->drafter, n->type_code, n->summary, n->content, n->file_sha256,
			  recipients ? recipients : "[]", internal ? internal : "[]", n->urgency, n->secrecy, now, now,
			  n->field_code);
	if (!rc)
		rc = mc_step_returning(s, id);
	if (!rc)
		rc = mc__draft_revision_add(c, *id, 1, n, NULL, now);
	free(recipients);
	free(internal);
	return rc;
}

int mc__draft_revision_add(struct mc_conn *c, int64_t id, int64_t revision, const struct mc__draft_new *n,
			   const char *note, int64_t now)
{
	char *recipients = json_dumps(n->recipients, JSON_COMPACT);
	int64_t k =
		mc_exec(c,
			"INSERT INTO draft_revisions (draft_id, revision, summary, content, file_sha256, recipients,"
			" author_id, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			"iittttiti", id, revision, n->summary, n->content, n->file_sha256,
			recipients ? recipients : "[]", n->drafter, note, now);
	free(recipients);
	return k < 0 ? (int)k : 0;
}

int mc__draft_update_text(struct mc_conn *c, int64_t id, const struct mc__draft_new *n, int64_t revision, int64_t now)
{
	char *recipients = json_dumps(n->recipients, JSON_COMPACT), *internal = json_dumps(n->internal, JSON_COMPACT);
	int64_t k = mc_exec(c,
			    "UPDATE document_drafts SET type_code = ?, summary = ?, content = ?, file_sha256 = ?,"
			    " recipients = ?, internal_recipients = ?, urgency = ?, secrecy = ?, revision = ?,"
			    " updated_at = ?, field_code = ? WHERE id = ?",
			    "ttttttttiiti", n->type_code, n->summary, n->content, n->file_sha256,
			    recipients ? recipients : "[]", internal ? internal : "[]", n->urgency, n->secrecy,
			    revision, now, n->field_code, id);
	free(recipients);
	free(internal);
	return k < 0 ? (int)k : k == 0 ? MC_E_NOT_FOUND : 0;
}

int mc__draft_touch(struct mc_conn *c, int64_t id, int64_t version, const struct mc__draft_move *m, int64_t now)
{
	int64_t k = mc_exec(c,
			    "UPDATE document_drafts SET version = version + 1, status = COALESCE(?, status),"
			    " step = CASE WHEN CAST(? AS BIGINT) < 0 THEN step ELSE ? END, chain = COALESCE(?, chain),"
			    " updated_at = ? WHERE id = ? AND version = ?",
			    "tiitiii", m ? m->status : NULL, m ? m->step : -1, m ? m->step : -1, m ? m->chain : NULL,
			    now, id, version);
	return k < 0 ? (int)k : k == 0 ? MC_E_PRECONDITION : 0;
}

int mc__draft_sign(struct mc_conn *c, int64_t id, int64_t signer, const struct mc__delegation *g, int64_t now)
{
	int64_t k =
		mc_exec(c,
			"UPDATE document_drafts SET signer_id = ?, signer_name = (SELECT full_name FROM users"
			" WHERE id = ?), signer_position = (SELECT position FROM users WHERE id = ?), signed_at = ?,"
			" delegation_id = NULLIF(CAST(? AS BIGINT), 0), signer_form = ?, signer_for = ? WHERE id = ?",
			"iiiiitti", signer, signer, signer, now, g ? g->id : 0, g ? g->form : NULL,
			g ? g->for_position : NULL, id);
	return k < 0 ? (int)k : 0;
}

int mc__draft_issued(struct mc_conn *c, int64_t id, int64_t document)
{
	int64_t k = mc_exec(c, "UPDATE document_drafts SET document_id = ? WHERE id = ?", "ii", document, id);
	if (k >= 0)
		k = mc_exec(c, "UPDATE documents SET draft_id = ? WHERE id = ?", "ii", id, document);
	/* a confidential one is read by who drafted, reviewed and signed it */
	if (k >= 0)
		k = mc_exec(c,
			    "INSERT INTO document_readers (document_id, user_id) SELECT ?, u.id FROM users u"
			    " WHERE EXISTS (SELECT 1 FROM documents WHERE id = ? AND secrecy <> 'none')"
			    " AND (u.id IN (SELECT drafter_id FROM document_drafts WHERE id = ?)"
			    " OR u.id IN (SELECT signer_id FROM document_drafts WHERE id = ?)"
			    " OR u.id IN (SELECT user_id FROM draft_reviews WHERE draft_id = ?))"
			    " ON CONFLICT DO NOTHING",
			    "iiiii", document, document, id, id, id);
	return k < 0 ? (int)k : 0;
}

int mc__draft_event(struct mc_conn *c, int64_t id, int64_t actor, const char *action, json_t *detail, int64_t now)
{
	char *d = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	json_decref(detail);
	int64_t k =
		mc_exec(c, "INSERT INTO draft_events (draft_id, at, actor_id, action, detail) VALUES (?, ?, ?, ?, ?)",
			"iiitt", id, now, actor, action, d ? d : "{}");
	free(d);
	return k < 0 ? (int)k : 0;
}

int mc__draft_review_ask(struct mc_conn *c, const struct mc__review_new *r, int64_t now)
{
	int64_t k = mc_exec(c,
			    "INSERT INTO draft_reviews (draft_id, step, role, user_id, from_user_id, revision, status,"
			    " asked_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
			    "iitiiii", r->draft, r->step, r->role, r->user, r->from, r->revision, now);
	return k < 0 ? (int)k : 0;
}

int mc__draft_review_pending(struct mc_conn *c, int64_t draft, int64_t user, int64_t *review)
{
	return mc_query_int64(c, review,
			      "SELECT id FROM draft_reviews WHERE draft_id = ? AND user_id = ? AND status = 'pending'"
			      " ORDER BY id LIMIT 1",
			      "ii", draft, user);
}

int mc__draft_review_done(struct mc_conn *c, int64_t review, const char *status, const char *comment, int64_t now)
{
	int64_t k = mc_exec(c,
			    "UPDATE draft_reviews SET status = ?, comment = ?, done_at = ?,"
			    " viewed_at = COALESCE(viewed_at, ?) WHERE id = ? AND status = 'pending'",
			    "ttiii", status, comment, now, now, review);
	return k < 0 ? (int)k : k == 0 ? MC_E_CONFLICT : 0;
}

int mc__draft_reviews_opened(struct mc_conn *c, int64_t draft, int64_t user, int64_t now)
{
	int64_t k = mc_exec(
		c, "UPDATE draft_reviews SET viewed_at = ? WHERE draft_id = ? AND user_id = ? AND viewed_at IS NULL",
		"iii", now, draft, user);
	return k < 0 ? (int)k : 0;
}

int mc__draft_was_asked(struct mc_conn *c, int64_t draft, int64_t user)
{
	int64_t v;
	int rc = mc_query_int64(c, &v, "SELECT 1 FROM draft_reviews WHERE draft_id = ? AND user_id = ? LIMIT 1", "ii",
				draft, user);
	return rc == MC_E_NOT_FOUND ? 0 : rc < 0 ? rc : 1;
}

int mc__draft_chain_of(struct mc_conn *c, int64_t agency, const char *type_code, char *out, size_t n)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT steps FROM document_chains WHERE agency_id = ? AND type_code = ?", "it",
			  agency, type_code);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0)
		snprintf(out, n, "%s", mc_col_text(s, 0));
	mc_stmt_done(s);
	if (rc == MC_E_NOT_FOUND) {
		snprintf(out, n, "%s", MC__DEFAULT_CHAIN);
		return 0;
	}
	return rc;
}

/* ---- the representation ---- */

#define DRAFT_COLS                                                                                                     \
	"f.id, f.agency_id, ag.code, ag.name, ag.name_en, f.unit_id, un.name, un.name_en, f.drafter_id, u.full_name,"  \
	" f.type_code, t.abbr, t.name, t.name_en, f.summary, f.content, f.file_sha256, f.recipients,"                  \
	" f.internal_recipients, f.urgency, f.secrecy, f.chain, f.step, f.status, f.revision, f.signer_id,"            \
	" f.signer_name, f.signer_position, f.signed_at, f.document_id, dd.number, dd.symbol, f.version,"              \
	" f.created_at, f.updated_at, f.delegation_id, f.signer_form, f.signer_for, f.field_code, fl.name, fl.name_en"
#define DRAFT_FROM                                                                                                     \
	" FROM document_drafts f JOIN agencies ag ON ag.id = f.agency_id JOIN agencies un ON un.id = f.unit_id"        \
	" JOIN users u ON u.id = f.drafter_id JOIN document_types t ON t.code = f.type_code"                           \
	" LEFT JOIN documents dd ON dd.id = f.document_id LEFT JOIN document_fields fl ON fl.code = f.field_code"
enum {
	F_ID,
	F_AGENCY,
	F_AGENCY_CODE,
	F_AGENCY_NAME,
	F_AGENCY_NAME_EN,
	F_UNIT,
	F_UNIT_NAME,
	F_UNIT_NAME_EN,
	F_DRAFTER,
	F_DRAFTER_NAME,
	F_TYPE,
	F_TYPE_ABBR,
	F_TYPE_NAME,
	F_TYPE_NAME_EN,
	F_SUMMARY,
	F_CONTENT,
	F_FILE,
	F_RECIPIENTS,
	F_INTERNAL,
	F_URGENCY,
	F_SECRECY,
	F_CHAIN,
	F_STEP,
	F_STATUS,
	F_REVISION,
	F_SIGNER,
	F_SIGNER_NAME,
	F_SIGNER_POSITION,
	F_SIGNED_AT,
	F_DOCUMENT,
	F_DOC_NUMBER,
	F_DOC_SYMBOL,
	F_VERSION,
	F_CREATED_AT,
	F_UPDATED_AT,
	F_DELEGATION,
	F_SIGNER_FORM,
	F_SIGNER_FOR,
	F_FIELD, /* code, name, name_en */
};

/* A comma-separated list of roles as a JSON array. */
static json_t *roles_array(const char *chain)
{
	json_t *a = json_array();
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", chain ? chain : "");
	char *save = NULL;
	for (char *r = strtok_r(buf, ",", &save); r; r = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(r));
	return a;
}

static json_t *draft_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	json_error_t je;
	json_t *recipients = json_loads(mc_col_text(s, F_RECIPIENTS), 0, &je);
	json_t *internal = json_loads(mc_col_text(s, F_INTERNAL), 0, &je);
	json_t *j = json_pack(
		"{s:I, s:{s:I, s:s, s:s, s:s}, s:{s:I, s:s, s:s}, s:{s:I, s:s}, s:{s:s, s:o, s:s, s:s}, s:s, s:o, s:o,"
		" s:o, s:o, s:s, s:s, s:o, s:I, s:s, s:I, s:I, s:o, s:o}",
		"id", (json_int_t)mc_col_int64(s, F_ID), "agency", "id", (json_int_t)mc_col_int64(s, F_AGENCY), "code",
		mc_col_text(s, F_AGENCY_CODE), "name", mc_col_text(s, F_AGENCY_NAME), "name_en",
		mc_col_text(s, F_AGENCY_NAME_EN), "unit", "id", (json_int_t)mc_col_int64(s, F_UNIT), "name",
		mc_col_text(s, F_UNIT_NAME), "name_en", mc_col_text(s, F_UNIT_NAME_EN), "drafter", "id",
		(json_int_t)mc_col_int64(s, F_DRAFTER), "full_name", mc_col_text(s, F_DRAFTER_NAME), "type", "code",
		mc_col_text(s, F_TYPE), "abbr", mc_col_json_text(s, F_TYPE_ABBR), "name", mc_col_text(s, F_TYPE_NAME),
		"name_en", mc_col_text(s, F_TYPE_NAME_EN), "summary", mc_col_text(s, F_SUMMARY), "content",
		mc_col_json_text(s, F_CONTENT), "file_sha256", mc_col_json_text(s, F_FILE), "recipients",
		json_is_array(recipients) ? recipients : json_array(), "internal_recipient_ids",
		json_is_array(internal) ? internal : json_array(), "urgency", mc_col_text(s, F_URGENCY), "secrecy",
		mc_col_text(s, F_SECRECY), "chain", roles_array(mc_col_text(s, F_CHAIN)), "step",
		(json_int_t)mc_col_int64(s, F_STEP), "status", mc_col_text(s, F_STATUS), "revision",
		(json_int_t)mc_col_int64(s, F_REVISION), "version", (json_int_t)mc_col_int64(s, F_VERSION),
		"created_at", mc_col_json_time(s, F_CREATED_AT), "updated_at", mc_col_json_time(s, F_UPDATED_AT));
	if (!j)
		return NULL;
	json_object_set_new(
		j, "signer",
		mc_col_is_null(s, F_SIGNER)
			? json_null()
			: json_pack("{s:I, s:s?, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)mc_col_int64(s, F_SIGNER),
				    "name", mc_col_text(s, F_SIGNER_NAME), "position",
				    mc_col_json_text(s, F_SIGNER_POSITION), "signed_at",
				    mc_col_json_time(s, F_SIGNED_AT), "form", mc_col_json_text(s, F_SIGNER_FORM),
				    "for_title", mc_col_json_text(s, F_SIGNER_FOR), "delegation_id",
				    mc_col_is_null(s, F_DELEGATION) ? json_null()
								    : json_integer(mc_col_int64(s, F_DELEGATION))));
	json_t *doc = json_null();
	if (!mc_col_is_null(s, F_DOCUMENT)) {
		char t[128];
		snprintf(t, sizeof(t), "%02lld/%s", (long long)mc_col_int64(s, F_DOC_NUMBER),
			 mc_col_text(s, F_DOC_SYMBOL) ? mc_col_text(s, F_DOC_SYMBOL) : "");
		doc = json_pack("{s:I, s:s}", "id", (json_int_t)mc_col_int64(s, F_DOCUMENT), "number_text", t);
	}
	json_object_set_new(j, "document", doc);
	json_object_set_new(j, "field", mc__field_json(s, F_FIELD));
	return j;
}

static json_t *revision_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	json_error_t je;
	json_t *recipients = json_loads(mc_col_text(s, 4), 0, &je);
	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:{s:I, s:s?}, s:o, s:o}", "revision",
			 (json_int_t)mc_col_int64(s, 0), "summary", mc_col_text(s, 1), "content",
			 mc_col_json_text(s, 2), "file_sha256", mc_col_json_text(s, 3), "recipients",
			 json_is_array(recipients) ? recipients : json_array(), "author", "id",
			 (json_int_t)mc_col_int64(s, 5), "full_name", mc_col_text(s, 6), "note", mc_col_json_text(s, 7),
			 "created_at", mc_col_json_time(s, 8));
}

static json_t *review_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:I, s:s, s:{s:I, s:s?}, s:{s:I, s:s?}, s:I, s:s, s:o, s:o, s:o, s:o}", "id",
			 (json_int_t)mc_col_int64(s, 0), "step", (json_int_t)mc_col_int64(s, 1), "role",
			 mc_col_text(s, 2), "to", "id", (json_int_t)mc_col_int64(s, 3), "full_name", mc_col_text(s, 4),
			 "from", "id", (json_int_t)mc_col_int64(s, 5), "full_name", mc_col_text(s, 6), "revision",
			 (json_int_t)mc_col_int64(s, 7), "status", mc_col_text(s, 8), "asked_at",
			 mc_col_json_time(s, 9), "viewed_at", mc_col_json_time(s, 10), "done_at",
			 mc_col_json_time(s, 11), "comment", mc_col_json_text(s, 12));
}

static json_t *agency_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)mc_col_int64(s, 0), "name", mc_col_text(s, 1), "name_en",
			 mc_col_text(s, 2));
}

/* Add name: the rows of sql (bound to the draft's id) made by row. */
static int add_rows(struct mc_conn *c, json_t *j, const char *name, const char *sql, int64_t id, mc_row_json_fn *row)
{
	struct mc_stmt *s;
	json_t *rows = NULL;
	int rc = mc_query(c, &s, sql, "i", id);
	if (!rc)
		rc = mc_rows_json(s, row, NULL, &rows);
	if (!rc)
		json_object_set_new(j, name, rows);
	return rc;
}

int mc__draft_load(struct mc_conn *c, int64_t id, struct mc__draft *d, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT " DRAFT_COLS DRAFT_FROM " WHERE f.id = ?", "i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s))) {
		mc_stmt_done(s);
		return rc;
	}
	memset(d, 0, sizeof(*d));
	d->id = id;
	d->agency = mc_col_int64(s, F_AGENCY);
	d->unit = mc_col_int64(s, F_UNIT);
	d->drafter = mc_col_int64(s, F_DRAFTER);
	d->step = mc_col_int64(s, F_STEP);
	d->revision = mc_col_int64(s, F_REVISION);
	d->version = mc_col_int64(s, F_VERSION);
	d->signed_at = mc_col_is_null(s, F_SIGNED_AT) ? 0 : mc_col_int64(s, F_SIGNED_AT);
	snprintf(d->status, sizeof(d->status), "%s", mc_col_text(s, F_STATUS));
	snprintf(d->chain, sizeof(d->chain), "%s", mc_col_text(s, F_CHAIN));
	snprintf(d->secrecy, sizeof(d->secrecy), "%s", mc_col_text(s, F_SECRECY));
	snprintf(d->type_code, sizeof(d->type_code), "%s", mc_col_text(s, F_TYPE));
	snprintf(d->field_code, sizeof(d->field_code), "%s", mc_col_text(s, F_FIELD) ? mc_col_text(s, F_FIELD) : "");
	json_t *j = draft_row(s, NULL);
	mc_stmt_done(s);
	if (!j)
		return MC_E_NOMEM;
	rc = add_rows(c, j, "revisions",
		      "SELECT r.revision, r.summary, r.content, r.file_sha256, r.recipients, r.author_id, u.full_name,"
		      " r.note, r.created_at FROM draft_revisions r JOIN users u ON u.id = r.author_id"
		      " WHERE r.draft_id = ? ORDER BY r.revision",
		      id, revision_row);
	if (!rc)
		rc = add_rows(
			c, j, "reviews",
			"SELECT r.id, r.step, r.role, r.user_id, u.full_name, r.from_user_id, f.full_name,"
			" r.revision, r.status, r.asked_at, r.viewed_at, r.done_at, r.comment FROM draft_reviews r"
			" JOIN users u ON u.id = r.user_id JOIN users f ON f.id = r.from_user_id"
			" WHERE r.draft_id = ? ORDER BY r.id",
			id, review_row);
	if (!rc)
		rc = add_rows(c, j, "events",
			      "SELECT e.at, e.actor_id, u.full_name, e.action, e.detail FROM draft_events e"
			      " LEFT JOIN users u ON u.id = e.actor_id WHERE e.draft_id = ? ORDER BY e.id",
			      id, mc__event_row);
	if (!rc) {
		/* the recipient agencies by name, in the order given */
		json_t *ids = json_object_get(j, "internal_recipient_ids"), *named = json_array(), *v;
		size_t i;
		json_array_foreach(ids, i, v) {
			json_t *rows = NULL;
			if ((rc = mc_query(c, &s, "SELECT id, name, name_en FROM agencies WHERE id = ?", "i",
					   (int64_t)json_integer_value(v))) ||
			    (rc = mc_rows_json(s, agency_row, NULL, &rows)))
				break;
			if (json_array_size(rows))
				json_array_append(named, json_array_get(rows, 0));
			json_decref(rows);
		}
		json_object_set_new(j, "internal_recipients", named);
	}
	if (rc) {
		json_decref(j);
		return rc;
	}
	*out = j;
	return 0;
}

int mc__draft_page(struct mc_conn *c, enum mc__draft_list which, int64_t user, int64_t body, int64_t offset, int limit,
		   json_t **items, int64_t *next)
{
	static const char *const where[] = {
		[MC_DRAFTS_MINE] = " WHERE f.drafter_id = ?",
		[MC_DRAFTS_TO_REVIEW] = " WHERE EXISTS (SELECT 1 FROM draft_reviews r WHERE r.draft_id = f.id"
					" AND r.user_id = ? AND r.status = 'pending')",
		[MC_DRAFTS_REVIEWED] = " WHERE EXISTS (SELECT 1 FROM draft_reviews r WHERE r.draft_id = f.id"
				       " AND r.user_id = ? AND r.status <> 'pending')",
		[MC_DRAFTS_TO_ISSUE] = " WHERE f.agency_id = ? AND f.status = 'signed'",
	};
	char sql[2400];
	snprintf(sql, sizeof(sql), "SELECT " DRAFT_COLS DRAFT_FROM "%s ORDER BY f.id DESC LIMIT ? OFFSET ?",
		 where[which]);
	struct mc_stmt *s;
	int rc = mc_query(c, &s, sql, "iii", which == MC_DRAFTS_TO_ISSUE ? body : user, (int64_t)limit + 1, offset);
	if (rc)
		return rc;
	int more = 0;
	if ((rc = mc_rows_json_page(s, draft_row, NULL, (size_t)limit, items, &more)))
		return rc;
	*next = more ? offset + limit : 0;
	return 0;
}

static int text_of(struct mc_conn *c, const char *sql, int64_t id, char out[65])
{
	struct mc_stmt *s;
	out[0] = '\0';
	int rc = mc_query(c, &s, sql, "i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0 && mc_col_text(s, 0))
		snprintf(out, 65, "%s", mc_col_text(s, 0));
	mc_stmt_done(s);
	return rc;
}

int mc__draft_file(struct mc_conn *c, int64_t id, char sha[65])
{
	return text_of(c, "SELECT file_sha256 FROM document_drafts WHERE id = ?", id, sha);
}

int mc__draft_signed_file(struct mc_conn *c, int64_t id, char sha[65])
{
	return text_of(c, "SELECT signed_file FROM document_drafts WHERE id = ?", id, sha);
}
