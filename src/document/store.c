/*
 * store.c - the documents tables: a register's next number, a document's
 * row, its readers and trail, and the row read back as the document's
 * representation (one fill function, the column positions named next to
 * the column list).
 */
#include "internal.h"

#include "../core/timeutil.h"
#include "../db/qb.h"
#include "../db/rows.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

int mc__document_next_number(struct mc_conn *c, int64_t agency, int year, const char *series, int64_t *number)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "INSERT INTO document_sequences (agency_id, year, series, last) VALUES (?, ?, ?, 1)"
			  " ON CONFLICT (agency_id, year, series) DO UPDATE SET last = document_sequences.last + 1"
			  " RETURNING last",
			  "idt", agency, year, series);
	return rc ? rc : mc_step_returning(s, number);
}

int mc__document_insert(struct mc_conn *c, const struct mc_document_new *n, int64_t now, int64_t *id)
{
	char *recipients = n->recipients ? json_dumps(n->recipients, JSON_COMPACT) : NULL;
	struct mc_stmt *s;
	/* 0 means "none": NULL */
	int rc = mc_query(
		c, &s,
		"INSERT INTO documents (agency_id, province_code, direction, year, series, number, symbol,"
		" type_code, summary, doc_date, sender, sender_ref, arrived_at, drafting_unit_id, signer_name,"
		" signer_position, recipients, urgency, secrecy, pages, medium, file_sha256, status,"
		" registered_by, search_key, created_at, updated_at, dossier_id, field_code)"
		" VALUES (?, (SELECT province_code FROM agencies WHERE id = ?), ?, ?, ?, ?, NULLIF(?, ''),"
		" ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0), ?,"
		" ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?,"
		" ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?) RETURNING id",
		"iitdtit"
		"tttttiit"
		"tttti"
		"ttt"
		"itiiit",
		n->agency, n->agency, n->outgoing ? "out" : "in", n->year, n->series, n->number, n->symbol,
		n->type_code, n->summary, n->doc_date, n->sender, n->sender_ref, n->arrived_at, n->drafting_unit,
		n->signer_name, n->signer_position, recipients ? recipients : "[]", n->urgency, n->secrecy, n->pages,
		n->medium, n->file_sha256, n->outgoing ? "issued" : "registered", n->registered_by, n->search_key, now,
		now, n->dossier, n->field_code);
	free(recipients);
	if (rc || (rc = mc_step_returning(s, id)) || !n->file_sha256)
		return rc;
	/* the file is the document's from now on: never purged as unclaimed */
	int64_t k = mc_exec(
		c, "UPDATE uploads SET attached_at = ? WHERE sha256 = ? AND user_id = ? AND attached_at IS NULL", "iti",
		now, n->file_sha256, n->registered_by);
	return k < 0 ? (int)k : 0;
}

int mc__document_add_reader(struct mc_conn *c, int64_t id, int64_t user)
{
	int64_t n =
		mc_exec(c, "INSERT INTO document_readers (document_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
			"ii", id, user);
	return n < 0 ? (int)n : 0;
}

int mc__document_clerks_read(struct mc_conn *c, int64_t id, int64_t body)
{
	int64_t n =
		mc_exec(c,
			"INSERT INTO document_readers (document_id, user_id) SELECT ?, u.id FROM users u"
			" JOIN user_roles r ON r.user_id = u.id AND r.role_code = 'clerical'"
			" JOIN agency_tree t ON t.descendant_id = u.agency_id AND t.ancestor_id = ? AND t.same_body = 1"
			" WHERE u.status = 'active' ON CONFLICT DO NOTHING",
			"ii", id, body);
	return n < 0 ? (int)n : 0;
}

int mc__document_event(struct mc_conn *c, int64_t id, int64_t actor, const char *action, json_t *detail)
{
	char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	int64_t n = mc_exec(c,
			    "INSERT INTO document_events (document_id, at, actor_id, action, detail)"
			    " VALUES (?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?) ON CONFLICT DO NOTHING",
			    "iiitt", id, mc_time_now_ms(), actor, action, text ? text : "{}");
	free(text);
	return n < 0 ? (int)n : 0;
}

int mc__document_is_reader(struct mc_conn *c, int64_t id, int64_t user)
{
	int64_t v;
	int rc = mc_query_int64(c, &v, "SELECT 1 FROM document_readers WHERE document_id = ? AND user_id = ?", "ii", id,
				user);
	return rc == MC_E_NOT_FOUND ? 0 : rc < 0 ? rc : 1;
}

int mc__document_body_of(struct mc_conn *c, int64_t agency, int64_t *body)
{
	return mc_query_int64(c, body,
			      "SELECT t.ancestor_id FROM agency_tree t JOIN agencies a ON a.id = t.ancestor_id"
			      " WHERE t.descendant_id = ? AND t.same_body = 1 AND a.internal = 0",
			      "i", agency);
}

int mc__document_may_read_register(struct mc_conn *c, int64_t member, int64_t body)
{
	int64_t v;
	int rc = mc_query_int64(c, &v,
				"SELECT 1 FROM agency_tree WHERE (ancestor_id = ? AND descendant_id = ?)"
				" OR (ancestor_id = ? AND descendant_id = ? AND same_body = 1)",
				"iiii", member, body, body, member);
	return rc == MC_E_NOT_FOUND ? 0 : rc < 0 ? rc : 1;
}

/* The columns a document is shown with, and their positions. */
#define DOC_COLS                                                                                                       \
	"d.id, d.agency_id, ag.code, ag.name, ag.name_en, d.direction, d.year, d.series, d.number, d.symbol,"          \
	" d.type_code, t.abbr, t.name, t.name_en, d.summary, d.doc_date, d.sender, d.sender_ref, d.arrived_at,"        \
	" d.drafting_unit_id, du.name, du.name_en, d.signer_name, d.signer_position, d.recipients, d.urgency,"         \
	" d.secrecy, d.pages, d.medium, d.file_sha256, d.status, d.registered_by, u.full_name, d.version,"             \
	" d.created_at, d.updated_at, d.draft_id, d.dossier_id, ds.code, d.field_code, fl.name, fl.name_en"
#define DOC_FROM                                                                                                       \
	" FROM documents d JOIN agencies ag ON ag.id = d.agency_id JOIN document_types t ON t.code = d.type_code"      \
	" LEFT JOIN agencies du ON du.id = d.drafting_unit_id LEFT JOIN users u ON u.id = d.registered_by"             \
	" LEFT JOIN dossiers ds ON ds.id = d.dossier_id LEFT JOIN document_fields fl ON fl.code = d.field_code"
enum {
	C_ID,
	C_AGENCY,
	C_AGENCY_CODE,
	C_AGENCY_NAME,
	C_AGENCY_NAME_EN,
	C_DIRECTION,
	C_YEAR,
	C_SERIES,
	C_NUMBER,
	C_SYMBOL,
	C_TYPE,
	C_TYPE_ABBR,
	C_TYPE_NAME,
	C_TYPE_NAME_EN,
	C_SUMMARY,
	C_DOC_DATE,
	C_SENDER,
	C_SENDER_REF,
	C_ARRIVED_AT,
	C_UNIT,
	C_UNIT_NAME,
	C_UNIT_NAME_EN,
	C_SIGNER_NAME,
	C_SIGNER_POSITION,
	C_RECIPIENTS,
	C_URGENCY,
	C_SECRECY,
	C_PAGES,
	C_MEDIUM,
	C_FILE,
	C_STATUS,
	C_REGISTERED_BY,
	C_REGISTERED_BY_NAME,
	C_VERSION,
	C_CREATED_AT,
	C_UPDATED_AT,
	C_DRAFT,
	C_DOSSIER,
	C_DOSSIER_CODE,
	C_FIELD, /* code, name, name_en */
};

/* The number as the register and the document write it: the arrival
 * number (in), "15/QĐ-UBND" (out). */
static json_t *number_text(struct mc_stmt *s)
{
	char t[128];
	if (strcmp(mc_col_text(s, C_DIRECTION), "out") == 0 && mc_col_text(s, C_SYMBOL))
		snprintf(t, sizeof(t), "%02lld/%s", (long long)mc_col_int64(s, C_NUMBER), mc_col_text(s, C_SYMBOL));
	else
		snprintf(t, sizeof(t), "%lld", (long long)mc_col_int64(s, C_NUMBER));
	return json_string(t);
}

static json_t *fill(struct mc_stmt *s, void *ud)
{
	(void)ud;
	json_error_t je;
	json_t *recipients = json_loads(mc_col_text(s, C_RECIPIENTS), 0, &je);
	json_t *j = json_pack("{s:I, s:{s:I, s:s, s:s, s:s}, s:s, s:i, s:s, s:I, s:o, s:o, s:{s:s, s:o, s:s, s:s},"
			      " s:s, s:s}",
			      "id", (json_int_t)mc_col_int64(s, C_ID), "agency", "id",
			      (json_int_t)mc_col_int64(s, C_AGENCY), "code", mc_col_text(s, C_AGENCY_CODE), "name",
			      mc_col_text(s, C_AGENCY_NAME), "name_en", mc_col_text(s, C_AGENCY_NAME_EN), "direction",
			      mc_col_text(s, C_DIRECTION), "year", (int)mc_col_int64(s, C_YEAR), "series",
			      mc_col_text(s, C_SERIES), "number", (json_int_t)mc_col_int64(s, C_NUMBER), "number_text",
			      number_text(s), "symbol", mc_col_json_text(s, C_SYMBOL), "type", "code",
			      mc_col_text(s, C_TYPE), "abbr", mc_col_json_text(s, C_TYPE_ABBR), "name",
			      mc_col_text(s, C_TYPE_NAME), "name_en", mc_col_text(s, C_TYPE_NAME_EN), "summary",
			      mc_col_text(s, C_SUMMARY), "doc_date", mc_col_text(s, C_DOC_DATE));
	if (!j) {
		json_decref(recipients);
		return NULL;
	}
	json_object_set_new(j, "sender", mc_col_json_text(s, C_SENDER));
	json_object_set_new(j, "sender_ref", mc_col_json_text(s, C_SENDER_REF));
	json_object_set_new(j, "arrived_at", mc_col_json_time(s, C_ARRIVED_AT));
	json_object_set_new(j, "drafting_unit",
			    mc_col_is_null(s, C_UNIT)
				    ? json_null()
				    : json_pack("{s:I, s:s?, s:s?}", "id", (json_int_t)mc_col_int64(s, C_UNIT), "name",
						mc_col_text(s, C_UNIT_NAME), "name_en",
						mc_col_text(s, C_UNIT_NAME_EN)));
	json_object_set_new(j, "signer",
			    mc_col_text(s, C_SIGNER_NAME)
				    ? json_pack("{s:s, s:s?}", "name", mc_col_text(s, C_SIGNER_NAME), "position",
						mc_col_text(s, C_SIGNER_POSITION))
				    : json_null());
	json_object_set_new(j, "recipients", json_is_array(recipients) ? recipients : json_array());
	if (!json_is_array(recipients))
		json_decref(recipients);
	json_object_set_new(j, "urgency", json_string(mc_col_text(s, C_URGENCY)));
	json_object_set_new(j, "secrecy", json_string(mc_col_text(s, C_SECRECY)));
	json_object_set_new(j, "pages",
			    mc_col_is_null(s, C_PAGES) ? json_null() : json_integer(mc_col_int64(s, C_PAGES)));
	json_object_set_new(j, "medium", json_string(mc_col_text(s, C_MEDIUM)));
	json_object_set_new(j, "file_sha256", mc_col_json_text(s, C_FILE));
	json_object_set_new(j, "status", json_string(mc_col_text(s, C_STATUS)));
	json_object_set_new(j, "registered_by",
			    json_pack("{s:I, s:s?}", "id", (json_int_t)mc_col_int64(s, C_REGISTERED_BY), "full_name",
				      mc_col_text(s, C_REGISTERED_BY_NAME)));
	json_object_set_new(j, "version", json_integer(mc_col_int64(s, C_VERSION)));
	json_object_set_new(j, "created_at", mc_col_json_time(s, C_CREATED_AT));
	json_object_set_new(j, "updated_at", mc_col_json_time(s, C_UPDATED_AT));
	json_object_set_new(j, "draft_id",
			    mc_col_is_null(s, C_DRAFT) ? json_null() : json_integer(mc_col_int64(s, C_DRAFT)));
	/* a dossier's result: the dossier it was issued for */
	json_object_set_new(j, "dossier",
			    mc_col_is_null(s, C_DOSSIER)
				    ? json_null()
				    : json_pack("{s:I, s:s?}", "id", (json_int_t)mc_col_int64(s, C_DOSSIER), "code",
						mc_col_text(s, C_DOSSIER_CODE)));
	json_object_set_new(j, "field", mc__field_json(s, C_FIELD));
	return j;
}

static json_t *reader_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s?}", "id", (json_int_t)mc_col_int64(s, 0), "full_name", mc_col_text(s, 1));
}

json_t *mc__event_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	json_error_t je;
	json_t *detail = json_loads(mc_col_text(s, 4), 0, &je);
	json_t *actor = mc_col_is_null(s, 1) ? json_null()
					     : json_pack("{s:I, s:s?}", "id", (json_int_t)mc_col_int64(s, 1),
							 "full_name", mc_col_text(s, 2));
	return json_pack("{s:o, s:o, s:s, s:o}", "at", mc_col_json_time(s, 0), "actor", actor, "action",
			 mc_col_text(s, 3), "detail", detail ? detail : json_object());
}

/* ---- tasks ---- */

#define TASK_COLS                                                                                                      \
	"t.id, t.document_id, t.kind, t.user_id, u.full_name, t.from_user_id, f.full_name, t.parent_id, t.due_date,"   \
	" t.note, t.status, t.arrived_at, t.viewed_at, t.done_at, t.result, t.urgency_rank"
#define TASK_FROM " FROM document_tasks t JOIN users u ON u.id = t.user_id JOIN users f ON f.id = t.from_user_id"

static json_t *task_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	json_t *j =
		json_pack("{s:I, s:I, s:s, s:{s:I, s:s?}, s:{s:I, s:s?}, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o}", "id",
			  (json_int_t)mc_col_int64(s, 0), "document_id", (json_int_t)mc_col_int64(s, 1), "kind",
			  mc_col_text(s, 2), "to", "id", (json_int_t)mc_col_int64(s, 3), "full_name", mc_col_text(s, 4),
			  "from", "id", (json_int_t)mc_col_int64(s, 5), "full_name", mc_col_text(s, 6), "parent_id",
			  mc_col_is_null(s, 7) ? json_null() : json_integer(mc_col_int64(s, 7)), "due_date",
			  mc_col_json_text(s, 8), "note", mc_col_json_text(s, 9), "status", mc_col_text(s, 10),
			  "arrived_at", mc_col_json_time(s, 11), "viewed_at", mc_col_json_time(s, 12), "done_at",
			  mc_col_json_time(s, 13), "result", mc_col_json_text(s, 14));
	return j;
}

int mc__task_insert(struct mc_conn *c, const struct mc__task_new *t, int64_t now, int64_t *id)
{
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"INSERT INTO document_tasks (document_id, kind, user_id, from_user_id, parent_id, due_date, note,"
		" urgency_rank, status, arrived_at) VALUES (?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?,"
		" 'pending', ?) RETURNING id",
		"itiiittdi", t->document, t->kind, t->user, t->from, t->parent, t->due_date, t->note, t->urgency_rank,
		now);
	return rc ? rc : mc_step_returning(s, id);
}

int mc__task_pending(struct mc_conn *c, int64_t document, int64_t user, const char *const *kinds, int64_t *id,
		     char *kind, size_t kn, int64_t *parent)
{
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"SELECT id, kind, COALESCE(parent_id, 0) FROM document_tasks WHERE document_id = ? AND user_id = ?"
		" AND status = 'pending' ORDER BY id",
		"ii", document, user);
	if (rc)
		return rc;
	rc = MC_E_NOT_FOUND;
	int step;
	while (rc == MC_E_NOT_FOUND && (step = mc_step(s)) == MC_DB_ROW)
		for (int i = 0; kinds[i] && rc == MC_E_NOT_FOUND; i++)
			if (strcmp(kinds[i], mc_col_text(s, 1)) == 0) {
				*id = mc_col_int64(s, 0);
				snprintf(kind, kn, "%s", kinds[i]);
				*parent = mc_col_int64(s, 2);
				rc = 0;
			}
	if (rc == MC_E_NOT_FOUND && step < 0)
		rc = step;
	mc_stmt_done(s);
	return rc;
}

int mc__task_done(struct mc_conn *c, int64_t id, const char *result, int64_t now)
{
	int64_t n = mc_exec(c,
			    "UPDATE document_tasks SET status = 'done', done_at = ?, result = ?,"
			    " viewed_at = COALESCE(viewed_at, ?) WHERE id = ? AND status = 'pending'",
			    "itii", now, result, now, id);
	return n < 0 ? (int)n : n == 0 ? MC_E_CONFLICT : 0;
}

int mc__task_kinds(struct mc_conn *c, int64_t document, int64_t user, unsigned *mask)
{
	static const char *const kinds[] = {"direct", "lead", "handle", "coordinate", "inform"};
	struct mc_stmt *s;
	*mask = 0;
	int rc = mc_query(c, &s,
			  "SELECT t.kind, (SELECT COUNT(*) FROM document_tasks h WHERE h.parent_id = t.id"
			  " AND h.status = 'pending') FROM document_tasks t WHERE t.document_id = ? AND t.user_id = ?"
			  " AND t.status = 'pending'",
			  "ii", document, user);
	if (rc)
		return rc;
	int step;
	while ((step = mc_step(s)) == MC_DB_ROW) {
		for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (strcmp(kinds[i], mc_col_text(s, 0)) == 0)
				*mask |= 1u << i;
		if (strcmp(mc_col_text(s, 0), "lead") == 0 && mc_col_int64(s, 1) > 0)
			*mask |= MC__TASK_LEAD_HANDLED;
	}
	mc_stmt_done(s);
	return step == MC_DB_DONE ? 0 : step;
}

static json_t *official_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s?, s:o, s:o, s:{s:I, s:s?, s:s?}, s:b}", "id", (json_int_t)mc_col_int64(s, 0),
			 "full_name", mc_col_text(s, 1), "position", mc_col_json_text(s, 2), "position_en",
			 mc_col_json_text(s, 3), "agency", "id", (json_int_t)mc_col_int64(s, 4), "name",
			 mc_col_text(s, 5), "name_en", mc_col_text(s, 6), "leader", (int)mc_col_int64(s, 7));
}

int mc__document_officials(struct mc_conn *c, int64_t body, const char *role, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"SELECT u.id, u.full_name, u.position, u.position_en, a.id, a.name, a.name_en,"
		" CASE WHEN EXISTS (SELECT 1 FROM user_roles l WHERE l.user_id = u.id AND l.role_code = 'leader')"
		" THEN 1 ELSE 0 END AS leader"
		" FROM agency_tree t JOIN users u ON u.agency_id = t.descendant_id JOIN agencies a ON a.id = "
		"u.agency_id"
		" WHERE t.ancestor_id = ? AND t.same_body = 1 AND u.kind = 'official' AND u.status = 'active'"
		" AND EXISTS (SELECT 1 FROM user_roles ur JOIN role_permissions rp ON rp.role_code = ur.role_code"
		" WHERE ur.user_id = u.id AND rp.perm_code = 'document.read')"
		" AND (CAST(? AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM user_roles h WHERE h.user_id = u.id"
		" AND h.role_code = ?))"
		" ORDER BY leader DESC, t.depth, a.code, u.id LIMIT ?",
		"itti", body, role, role, (int64_t)MC__OFFICIALS_MAX);
	return rc ? rc : mc_rows_json(s, official_row, NULL, out);
}

int mc__tasks_opened(struct mc_conn *c, int64_t document, int64_t user, int64_t now, int64_t *marked)
{
	int64_t n = mc_exec(c,
			    "UPDATE document_tasks SET viewed_at = ? WHERE document_id = ? AND user_id = ?"
			    " AND viewed_at IS NULL",
			    "iii", now, document, user);
	if (n < 0)
		return (int)n;
	*marked = n;
	return 0;
}

int mc__document_touch(struct mc_conn *c, int64_t id, int64_t version, const char *status, int64_t now)
{
	int64_t n = mc_exec(c,
			    "UPDATE documents SET version = version + 1, status = COALESCE(?, status), updated_at = ?"
			    " WHERE id = ? AND version = ?",
			    "tiii", status, now, id, version);
	return n < 0 ? (int)n : n == 0 ? MC_E_PRECONDITION : 0;
}

/* ---- officials ---- */

int mc__official_agency(struct mc_conn *c, int64_t user, int64_t *agency)
{
	*agency = 0;
	int rc = mc_query_int64(c, agency,
				"SELECT agency_id FROM users WHERE id = ? AND kind = 'official' AND status = 'active'"
				" AND agency_id IS NOT NULL",
				"i", user);
	return rc == MC_E_NOT_FOUND ? 0 : rc;
}

int mc__has_role(struct mc_conn *c, int64_t user, const char *role)
{
	int64_t v;
	int rc =
		mc_query_int64(c, &v, "SELECT 1 FROM user_roles WHERE user_id = ? AND role_code = ?", "it", user, role);
	return rc == MC_E_NOT_FOUND ? 0 : rc < 0 ? rc : 1;
}

int mc__document_official_of(struct mc_conn *c, int64_t user, int64_t body, const char *role)
{
	int64_t agency, v;
	int rc = mc__official_agency(c, user, &agency);
	if (rc || !agency)
		return rc ? rc : 0;
	if ((rc = mc_agency_acts_for(c, agency, body)) <= 0)
		return rc;
	rc = mc_query_int64(c, &v,
			    "SELECT 1 FROM user_roles ur JOIN role_permissions rp ON rp.role_code = ur.role_code"
			    " WHERE ur.user_id = ? AND rp.perm_code = 'document.read'",
			    "i", user);
	if (rc)
		return rc == MC_E_NOT_FOUND ? 0 : rc;
	return role ? mc__has_role(c, user, role) : 1;
}

/* An inbox row: the task and what its document says at a glance. */
static json_t *inbox_row(struct mc_stmt *s, void *ud)
{
	json_t *j = task_row(s, ud);
	if (j)
		json_object_set_new(j, "document",
				    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s, s:s?}", "id",
					      (json_int_t)mc_col_int64(s, 1), "summary", mc_col_text(s, 16), "urgency",
					      mc_col_text(s, 17), "direction", mc_col_text(s, 18), "number_text",
					      mc_col_text(s, 19), "sender", mc_col_text(s, 20), "doc_date",
					      mc_col_text(s, 21), "sender_ref", mc_col_text(s, 22)));
	return j;
}

int mc__task_page(struct mc_conn *c, int64_t user, int64_t agency, enum mc__inbox which, const char *today,
		  const char *soon, int64_t offset, int limit, json_t **items, int64_t *next)
{
	static const char *const where[] = {
		[MC_INBOX_PENDING] = " AND t.status = 'pending'",
		[MC_INBOX_UNOPENED] = " AND t.status = 'pending' AND t.viewed_at IS NULL",
		[MC_INBOX_OVERDUE] = " AND t.status = 'pending' AND t.due_date < ?",
		[MC_INBOX_DUE_SOON] = " AND t.status = 'pending' AND t.due_date >= ? AND t.due_date <= ?",
		[MC_INBOX_DONE] = " AND t.status = 'done'",
	};
	/* the list's SQL, its bound dates chosen by which; the most urgent
	 * first, the newest first within a rank; pages by offset (an inbox is
	 * short, and its order is not the order of ids) */
	char sql[1400];
	snprintf(sql, sizeof(sql),
		 "SELECT " TASK_COLS ", d.summary, d.urgency, d.direction,"
		 " CASE WHEN d.direction = 'out' THEN (CASE WHEN d.number < 10 THEN '0' ELSE '' END) || d.number || '/'"
		 " || d.symbol ELSE CAST(d.number AS TEXT) END,"
		 " d.sender, d.doc_date, d.sender_ref" TASK_FROM " JOIN documents d ON d.id = t.document_id"
		 " WHERE t.user_id = ?%s"
		 /* two IN lists, not one EXISTS with an OR: PostgreSQL then
		  * reads the tasks in the inbox index's order and stops at the
		  * page (151 ms -> 0.8 ms for 5,000 done tasks) */
		 " AND (d.agency_id IN (SELECT descendant_id FROM agency_tree WHERE ancestor_id = ?)"
		 " OR d.agency_id IN (SELECT ancestor_id FROM agency_tree WHERE descendant_id = ? AND same_body = 1))"
		 " AND (d.secrecy = 'none' OR d.registered_by = t.user_id"
		 " OR EXISTS (SELECT 1 FROM document_readers r WHERE r.document_id = d.id AND r.user_id = t.user_id))"
		 " ORDER BY t.urgency_rank DESC, t.id DESC LIMIT ? OFFSET ?",
		 where[which]);
	struct mc_stmt *s;
	int rc;
	if (which == MC_INBOX_OVERDUE)
		rc = mc_query(c, &s, sql, "itiidi", user, today, agency, agency, limit + 1, offset);
	else if (which == MC_INBOX_DUE_SOON)
		rc = mc_query(c, &s, sql, "ittiidi", user, today, soon, agency, agency, limit + 1, offset);
	else
		rc = mc_query(c, &s, sql, "iiidi", user, agency, agency, limit + 1, offset);
	if (rc)
		return rc;
	int more = 0;
	if ((rc = mc_rows_json_page(s, inbox_row, NULL, (size_t)limit, items, &more)))
		return rc;
	*next = more ? offset + limit : 0;
	return 0;
}

int mc__document_load(struct mc_conn *c, int64_t id, struct mc__document *d, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT " DOC_COLS DOC_FROM " WHERE d.id = ?", "i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s))) {
		mc_stmt_done(s);
		return rc;
	}
	d->id = id;
	d->agency = mc_col_int64(s, C_AGENCY);
	d->registered_by = mc_col_int64(s, C_REGISTERED_BY);
	d->version = mc_col_int64(s, C_VERSION);
	snprintf(d->secrecy, sizeof(d->secrecy), "%s", mc_col_text(s, C_SECRECY));
	snprintf(d->urgency, sizeof(d->urgency), "%s", mc_col_text(s, C_URGENCY));
	snprintf(d->direction, sizeof(d->direction), "%s", mc_col_text(s, C_DIRECTION));
	snprintf(d->status, sizeof(d->status), "%s", mc_col_text(s, C_STATUS));
	json_t *j = fill(s, NULL);
	mc_stmt_done(s);
	if (!j)
		return MC_E_NOMEM;
	json_t *events = NULL, *readers = NULL;
	if ((rc = mc_query(c, &s,
			   "SELECT e.at, e.actor_id, u.full_name, e.action, e.detail FROM document_events e"
			   " LEFT JOIN users u ON u.id = e.actor_id WHERE e.document_id = ? ORDER BY e.id",
			   "i", id)) ||
	    (rc = mc_rows_json(s, mc__event_row, NULL, &events))) {
		json_decref(j);
		return rc;
	}
	json_object_set_new(j, "events", events);
	json_t *tasks = NULL;
	if ((rc = mc_query(c, &s, "SELECT " TASK_COLS TASK_FROM " WHERE t.document_id = ? ORDER BY t.id", "i", id)) ||
	    (rc = mc_rows_json(s, task_row, NULL, &tasks))) {
		json_decref(j);
		return rc;
	}
	json_object_set_new(j, "tasks", tasks);
	if (strcmp(d->secrecy, "none") != 0) {
		if ((rc = mc_query(
			     c, &s,
			     "SELECT r.user_id, u.full_name FROM document_readers r JOIN users u ON u.id = r.user_id"
			     " WHERE r.document_id = ? ORDER BY r.user_id",
			     "i", id)) ||
		    (rc = mc_rows_json(s, reader_row, NULL, &readers))) {
			json_decref(j);
			return rc;
		}
		json_object_set_new(j, "readers", readers);
	}
	*out = j;
	return 0;
}

/* ---- lists ---- */

static json_t *list_row(struct mc_stmt *s, void *ud)
{
	return fill(s, ud);
}

int mc__document_page(struct mc_conn *c, const struct mc_document_filter *f, int64_t body, int64_t caller,
		      const char *like, json_t **items, int64_t *next)
{
	/* only the conditions asked for, so that the register's index
	 * (agency_id, direction, id) or (agency_id, id) gives the order */
	struct mc_qb q = {.sql = MC_BUF_INIT(4096)};
	mc_qb_add(&q, "SELECT " DOC_COLS DOC_FROM, "");
	mc_qb_and(&q, "d.agency_id = ?", "i", body);
	if (f->direction)
		mc_qb_and(&q, "d.direction = ?", "t", f->direction);
	if (f->year)
		mc_qb_and(&q, "d.year = ?", "i", (int64_t)f->year);
	if (f->type_code)
		mc_qb_and(&q, "d.type_code = ?", "t", f->type_code);
	if (f->status)
		mc_qb_and(&q, "d.status = ?", "t", f->status);
	if (f->from)
		mc_qb_and(&q, "d.doc_date >= ?", "t", f->from);
	if (f->to)
		mc_qb_and(&q, "d.doc_date <= ?", "t", f->to);
	if (like)
		mc_qb_and(&q, "d.search_key LIKE ?", "t", like);
	if (f->before_id)
		mc_qb_and(&q, "d.id < ?", "i", f->before_id);
	/* a confidential document only for who registered it and its readers */
	mc_qb_and(&q,
		  "(d.secrecy = 'none' OR d.registered_by = ?"
		  " OR EXISTS (SELECT 1 FROM document_readers r WHERE r.document_id = d.id AND r.user_id = ?))",
		  "ii", caller, caller);
	mc_qb_add(&q, " ORDER BY d.id DESC LIMIT ?", "i", (int64_t)f->limit + 1);
	struct mc_stmt *s;
	int rc = mc_qb_query(c, &q, &s);
	mc_buf_release(&q.sql);
	if (rc)
		return rc;
	int more = 0;
	if ((rc = mc_rows_json_page(s, list_row, NULL, (size_t)f->limit, items, &more)))
		return rc;
	*next = more ? mc_rows_last_id(*items) : 0;
	return 0;
}

static json_t *type_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:s, s:o, s:s, s:s, s:b}", "code", mc_col_text(s, 0), "abbr", mc_col_json_text(s, 1), "name",
			 mc_col_text(s, 2), "name_en", mc_col_text(s, 3), "specialised", (int)mc_col_int64(s, 4));
}

int mc_document_types(struct mc_conn *c, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT code, abbr, name, name_en, specialised FROM document_types ORDER BY sort", "");
	return rc ? rc : mc_rows_json(s, type_row, NULL, out);
}
