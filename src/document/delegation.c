/*
 * delegation.c - signing on behalf of the head of a body (Decree 30/2020,
 * art. 13): KT. (ký thay: a deputy, who is a leader), TL. (thừa lệnh: the
 * head of the office), TUQ. (thừa ủy quyền: another official of the body),
 * each granted by a leader of the body for some document types (none
 * named: every type) and a period of at most a year, until revoked.  The
 * signing of a draft finds the delegation it is made under; the signer
 * block then prints its form with the grantor's position.
 */
#include "internal.h"

#include "../audit/audit.h"
#include "../core/timeutil.h"
#include "../db/rows.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define MAX_DAYS 366 /* a delegation's period at most */

static const char *const FORMS[] = {"KT", "TL", "TUQ", NULL};

/* The role a delegate of form must hold (NULL: any official of the body). */
static const char *delegate_role(const char *form)
{
	return strcmp(form, "KT") == 0 ? "leader" : strcmp(form, "TL") == 0 ? "office_head" : NULL;
}

static int principal_role(const struct mc_principal *w, const char *role)
{
	for (int i = 0; i < w->nroles; i++)
		if (strcmp(w->roles[i], role) == 0)
			return 1;
	return 0;
}

static void today(char out[11], int64_t plus_days)
{
	int y, m, d;
	mc_vn_date(mc_time_now_ms() + plus_days * MC_DAY_MS, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static int64_t day_number(const char *date)
{
	int y, m, d;
	return sscanf(date, "%4d-%2d-%2d", &y, &m, &d) == 3 ? mc_days_from_civil(y, m, d) : 0;
}

#define DELEGATION_COLS                                                                                                \
	"g.id, g.form, g.grantor_id, a.full_name, a.position, g.delegate_id, b.full_name, b.position, g.type_codes,"   \
	" g.valid_from, g.valid_to, g.note, g.created_at, g.revoked_at, g.agency_id, g.field_codes"
#define DELEGATION_FROM                                                                                                \
	" FROM document_delegations g JOIN users a ON a.id = g.grantor_id JOIN users b ON b.id = g.delegate_id"

static json_t *delegation_row(struct mc_stmt *s, void *ud)
{
	const char *now = ud;
	json_error_t je;
	json_t *types = json_loads(mc_col_text(s, 8), 0, &je), *fields = json_loads(mc_col_text(s, 15), 0, &je);
	int active =
		mc_col_is_null(s, 13) && strcmp(mc_col_text(s, 9), now) <= 0 && strcmp(mc_col_text(s, 10), now) >= 0;
	return json_pack("{s:I, s:s, s:{s:I, s:s?, s:o}, s:{s:I, s:s?, s:o}, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:b}",
			 "id", (json_int_t)mc_col_int64(s, 0), "form", mc_col_text(s, 1), "grantor", "id",
			 (json_int_t)mc_col_int64(s, 2), "full_name", mc_col_text(s, 3), "position",
			 mc_col_json_text(s, 4), "delegate", "id", (json_int_t)mc_col_int64(s, 5), "full_name",
			 mc_col_text(s, 6), "position", mc_col_json_text(s, 7), "type_codes",
			 json_is_array(types) ? types : json_array(), "field_codes",
			 json_is_array(fields) ? fields : json_array(), "valid_from", mc_col_text(s, 9), "valid_to",
			 mc_col_text(s, 10), "note", mc_col_json_text(s, 11), "created_at", mc_col_json_time(s, 12),
			 "revoked_at", mc_col_json_time(s, 13), "active", active);
}

static int load(struct mc_conn *c, int64_t id, json_t **out)
{
	char now[11];
	today(now, 0);
	struct mc_stmt *s;
	json_t *rows = NULL;
	int rc = mc_query(c, &s, "SELECT " DELEGATION_COLS DELEGATION_FROM " WHERE g.id = ?", "i", id);
	if (!rc)
		rc = mc_rows_json(s, delegation_row, now, &rows);
	if (!rc && !json_array_size(rows))
		rc = MC_E_NOT_FOUND;
	if (!rc)
		*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return rc;
}

int mc_delegation_create(struct mc_document_ctx *x, json_t *in, json_t **out)
{
	int64_t body = 0;
	int rc = mc__document_body_of(x->c, x->who->agency_id, &body);
	if (rc)
		return rc == MC_E_NOT_FOUND ? mc_error_set(x->e, MC_E_FORBIDDEN, "the caller works for no agency") : rc;
	if (!principal_role(x->who, "leader"))
		return mc_error_set(x->e, MC_E_FORBIDDEN, "only a leader of the agency delegates the signing");
	const char *form = mc__enum_field(x, in, "form", FORMS, NULL, MC_M_DELEGATION_FORM);
	if (!form && !x->e->nfields)
		mc_bad_field(x->e, "form", MC_M_REQUIRED);
	const char *from = mc__str_field(x, in, "valid_from", 10, 1), *to = mc__str_field(x, in, "valid_to", 10, 1);
	const char *note = mc__str_field(x, in, "note", 500, 0);
	json_t *types = mc__codes_field(x, in, "type_codes", "document_types", MC_M_DELEGATION_TYPES);
	json_t *fields = mc__codes_field(x, in, "field_codes", "document_fields", MC_M_DOC_FIELD_UNKNOWN);
	if ((!types || !fields) && !x->e->nfields) {
		json_decref(types);
		json_decref(fields);
		return x->e->code;
	}
	json_t *d = json_object_get(in, "delegate_id");
	int64_t delegate = json_is_integer(d) && json_integer_value(d) > 0 ? json_integer_value(d) : 0;
	if (!delegate)
		mc_bad_field(x->e, "delegate_id", d ? MC_M_DELEGATION_DELEGATE : MC_M_REQUIRED);
	char now[11], last[11];
	today(now, 0);
	today(last, MAX_DAYS);
	int64_t f = from && mc_date_check(from) ? day_number(from) : 0,
		t = to && mc_date_check(to) ? day_number(to) : 0;
	if (from && !f)
		mc_bad_field(x->e, "valid_from", MC_M_DATE_FORMAT);
	if (to && !t)
		mc_bad_field(x->e, "valid_to", MC_M_DATE_FORMAT);
	if (f && t && (t < f || t < day_number(now) || t - f > MAX_DAYS))
		mc_bad_field(x->e, "valid_to", MC_M_DELEGATION_PERIOD);
	if (form && delegate &&
	    (delegate == x->who->user_id ||
	     (rc = mc__document_official_of(x->c, delegate, body, delegate_role(form))) <= 0)) {
		if (rc < 0) {
			json_decref(types);
			json_decref(fields);
			return rc;
		}
		mc_bad_field(x->e, "delegate_id", MC_M_DELEGATION_DELEGATE);
	}
	if (x->e->nfields) {
		json_decref(types);
		json_decref(fields);
		return x->e->code = MC_E_VALIDATION;
	}
	char *t_json = json_dumps(types, JSON_COMPACT), *f_json = json_dumps(fields, JSON_COMPACT);
	json_decref(types);
	json_decref(fields);
	int64_t id = 0, at = mc_time_now_ms();
	if (!(rc = mc_tx_begin(x->c, 1))) {
		struct mc_stmt *s;
		rc = mc_query(x->c, &s,
			      "INSERT INTO document_delegations (agency_id, form, grantor_id, delegate_id, type_codes,"
			      " field_codes, valid_from, valid_to, note, created_by, created_at)"
			      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      "itiitttttii", body, form, x->who->user_id, delegate, t_json ? t_json : "[]",
			      f_json ? f_json : "[]", from, to, note, x->who->user_id, at);
		if (!rc)
			rc = mc_step_returning(s, &id);
		if (!rc)
			rc = mc__doc_audit(x, "delegation.create", "delegation", id,
					   json_pack("{s:s, s:I, s:s, s:s}", "form", form, "delegate_id",
						     (json_int_t)delegate, "valid_from", from, "valid_to", to));
		rc = rc ? rc : mc_tx_commit(x->c);
		if (rc && mc_in_tx(x->c))
			mc_tx_rollback(x->c);
	}
	free(t_json);
	free(f_json);
	return rc ? rc : load(x->c, id, out);
}

int mc_delegation_list(struct mc_document_ctx *x, json_t **out)
{
	int64_t body = 0;
	int rc = mc__document_body_of(x->c, x->who->agency_id, &body);
	if (rc)
		return rc == MC_E_NOT_FOUND ? mc_error_set(x->e, MC_E_FORBIDDEN, "the caller works for no agency") : rc;
	char now[11];
	today(now, 0);
	struct mc_stmt *s;
	if ((rc = mc_query(x->c, &s,
			   "SELECT " DELEGATION_COLS DELEGATION_FROM
			   " WHERE g.agency_id = ? ORDER BY g.id DESC LIMIT 500",
			   "i", body)))
		return rc;
	return mc_rows_json(s, delegation_row, now, out);
}

int mc_delegation_revoke(struct mc_document_ctx *x, int64_t id, json_t **out)
{
	json_t *g = NULL;
	int64_t body = 0;
	int rc = load(x->c, id, &g);
	if (!rc)
		rc = mc__document_body_of(x->c, x->who->agency_id, &body);
	int64_t agency = 0;
	if (!rc)
		rc = mc_query_int64(x->c, &agency, "SELECT agency_id FROM document_delegations WHERE id = ?", "i", id);
	if (!rc && agency != body)
		rc = MC_E_NOT_FOUND; /* another agency's: not even said to exist */
	int64_t grantor = json_integer_value(json_object_get(json_object_get(g, "grantor"), "id"));
	int revoked = !json_is_null(json_object_get(g, "revoked_at"));
	json_decref(g);
	if (rc)
		return rc;
	if (grantor != x->who->user_id && !principal_role(x->who, "leader"))
		return mc_error_set(x->e, MC_E_FORBIDDEN, "only a leader of the agency revokes a delegation");
	if (revoked)
		return mc_error_set(x->e, MC_E_CONFLICT, "revoked already");
	if ((rc = mc_tx_begin(x->c, 1)))
		return rc;
	int64_t k = mc_exec(x->c, "UPDATE document_delegations SET revoked_at = ?, revoked_by = ? WHERE id = ?", "iii",
			    mc_time_now_ms(), x->who->user_id, id);
	rc = k < 0 ? (int)k : 0;
	if (!rc)
		rc = mc__doc_audit(x, "delegation.revoke", "delegation", id, NULL);
	rc = rc ? rc : mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc ? rc : load(x->c, id, out);
}

int mc__delegation_for(struct mc_conn *c, int64_t delegate, int64_t body, const char *type_code, const char *field_code,
		       const char *forms, struct mc__delegation *out)
{
	char now[11];
	today(now, 0);
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT g.id, g.form, g.type_codes, a.position, g.field_codes FROM document_delegations g"
			  " JOIN users a ON a.id = g.grantor_id WHERE g.delegate_id = ? AND g.agency_id = ?"
			  " AND g.revoked_at IS NULL AND g.valid_from <= ? AND g.valid_to >= ? ORDER BY g.id DESC",
			  "iitt", delegate, body, now, now);
	if (rc)
		return rc;
	int step = MC_DB_DONE;
	rc = MC_E_NOT_FOUND;
	while (rc == MC_E_NOT_FOUND && (step = mc_step(s)) == MC_DB_ROW) {
		if (forms && !strstr(forms, mc_col_text(s, 1)))
			continue;
		if (!mc__codes_cover(mc_col_text(s, 2), type_code) || !mc__codes_cover(mc_col_text(s, 4), field_code))
			continue;
		out->id = mc_col_int64(s, 0);
		snprintf(out->form, sizeof(out->form), "%s.", mc_col_text(s, 1));
		snprintf(out->for_position, sizeof(out->for_position), "%s",
			 mc_col_text(s, 3) ? mc_col_text(s, 3) : "");
		rc = 0;
	}
	mc_stmt_done(s);
	return rc == MC_E_NOT_FOUND && step < 0 ? step : rc;
}
