/*
 * rules.c - the fields documents are about and an agency's rules that
 * name, per field, the leader who directs its incoming documents: the
 * clerical officer is proposed that leader (the first leader of the body,
 * its head, when no rule names one).
 */
#include "document.h"
#include "internal.h"

#include "../audit/audit.h"
#include "../core/timeutil.h"
#include "../db/rows.h"
#include "../org/org.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static json_t *field_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:s, s:s, s:s}", "code", mc_col_text(s, 0), "name", mc_col_text(s, 1), "name_en",
			 mc_col_text(s, 2));
}

int mc_document_fields(struct mc_conn *c, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT code, name, name_en FROM document_fields ORDER BY sort", "");
	return rc ? rc : mc_rows_json(s, field_row, NULL, out);
}

static json_t *rule_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:o, s:o}", "field", mc__field_json(s, 0), "leader",
			 mc_col_is_null(s, 3)
				 ? json_null()
				 : json_pack("{s:I, s:s?, s:s?}", "id", (json_int_t)mc_col_int64(s, 3), "full_name",
					     mc_col_text(s, 4), "position", mc_col_text(s, 5)));
}

int mc_document_leader_rules(struct mc_conn *c, int64_t agency, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT f.code, f.name, f.name_en, u.id, u.full_name, u.position FROM document_fields f"
			  " LEFT JOIN document_leader_rules r ON r.field_code = f.code AND r.agency_id = ?"
			  " LEFT JOIN users u ON u.id = r.leader_id ORDER BY f.sort",
			  "i", agency);
	return rc ? rc : mc_rows_json(s, rule_row, NULL, out);
}

int mc_document_leader_rule_set(struct mc_document_ctx *x, int64_t agency, const char *field_code, json_t *leader)
{
	int rc = mc_agency_within(x->c, x->who->agency_id, agency);
	if (rc < 0)
		return rc;
	if (!rc)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "an agency outside the caller's");
	int64_t n = 0;
	if ((rc = mc_query_int64(x->c, &n, "SELECT COUNT(*) FROM agencies WHERE id = ? AND internal = 0", "i", agency)))
		return rc;
	if (!n)
		return mc_bad_field(x->e, "agency_id", MC_M_DOC_REGISTER_NOT_BODY), x->e->code = MC_E_VALIDATION;
	if ((rc = mc_query_int64(x->c, &n, "SELECT COUNT(*) FROM document_fields WHERE code = ?", "t", field_code)))
		return rc;
	if (!n)
		return mc_error_set(x->e, MC_E_NOT_FOUND, "no such document field");
	int64_t id = json_is_integer(leader) ? json_integer_value(leader) : 0;
	if (!json_is_null(leader)) {
		int ok = id > 0 ? mc__document_official_of(x->c, id, agency, "leader") : 0;
		if (ok < 0)
			return ok;
		if (!ok)
			return mc_bad_field(x->e, "leader_id", MC_M_DOC_LEADER), x->e->code = MC_E_VALIDATION;
	}
	if ((rc = mc_tx_begin(x->c, 1)))
		return rc;
	int64_t k = mc_exec(x->c, "DELETE FROM document_leader_rules WHERE agency_id = ? AND field_code = ?", "it",
			    agency, field_code);
	if (k >= 0 && id)
		k = mc_exec(x->c,
			    "INSERT INTO document_leader_rules (agency_id, field_code, leader_id) VALUES (?, ?, ?)",
			    "iti", agency, field_code, id);
	rc = k < 0 ? (int)k : 0;
	if (!rc)
		rc = mc__doc_audit(x, "agency.document_leader", "agency", agency,
				   json_pack("{s:s, s:o}", "field_code", field_code, "leader_id",
					     id ? json_integer(id) : json_null()));
	rc = rc ? rc : mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc;
}

int mc__document_propose_leader(struct mc_conn *c, int64_t document, json_t *leaders)
{
	int64_t rule = 0;
	int rc = mc_query_int64(c, &rule,
				"SELECT r.leader_id FROM documents d JOIN document_leader_rules r ON r.agency_id ="
				" d.agency_id AND r.field_code = d.field_code WHERE d.id = ?",
				"i", document);
	if (rc && rc != MC_E_NOT_FOUND)
		return rc;
	/* the rule's leader if still among them, else the first (the head) */
	size_t i, pick = 0;
	json_t *v;
	json_array_foreach(leaders, i, v)
		if (rule && json_integer_value(json_object_get(v, "id")) == rule)
			pick = i;
	json_array_foreach(leaders, i, v)
		json_object_set_new(v, "proposed", json_boolean(i == pick));
	return 0;
}
