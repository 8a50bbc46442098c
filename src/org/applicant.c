/*
 * applicant.c - a citizen looked up by ID number at a reception counter.
 * The clerk copies the contact details onto the dossier being taken in;
 * nothing else of the account (birth date, e-mail, log-in) is handed out.
 * And an account looked up to reset its password (the holder shown to be
 * checked against the ID card).
 */
#include "org.h"

#include <string.h>

#include "../core/banned.h"

int mc_applicant_by_id_number(struct mc_conn *c, const char *id_number, int64_t *user_id, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT u.id, u.full_name, u.phone, u.address, u.ward_code, w.full_name FROM users u"
			  " LEFT JOIN units w ON w.era = 'current' AND w.code = u.ward_code"
			  " WHERE u.kind = 'citizen' AND u.id_number = ? AND u.status = 'active'",
			  "t", id_number);
	if (rc)
		return rc;
	rc = mc_step(s);
	if (rc == MC_DB_ROW) {
		*user_id = mc_col_int64(s, 0);
		*out = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?}", "id_number", id_number, "full_name",
				 mc_col_text(s, 1), "phone", mc_col_text(s, 2), "address", mc_col_text(s, 3),
				 "ward_code", mc_col_text(s, 4), "ward_name", mc_col_text(s, 5));
	}
	mc_stmt_done(s);
	return rc < 0 ? rc : rc == MC_DB_ROW ? 0 : MC_E_NOT_FOUND;
}

int mc_account_holder(struct mc_conn *c, const char *account, int64_t *user_id, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"SELECT id, kind, full_name, birth_date, position FROM users"
		" WHERE (id_number = ? OR tax_code = ?) AND kind IN ('citizen', 'business') AND status = 'active'",
		"tt", account, account);
	if (rc)
		return rc;
	rc = mc_step(s);
	if (rc == MC_DB_ROW) {
		*user_id = mc_col_int64(s, 0);
		*out = json_pack("{s:s, s:s, s:s?, s:s?}", "kind", mc_col_text(s, 1), "full_name", mc_col_text(s, 2),
				 "birth_date", mc_col_text(s, 3), "representative", mc_col_text(s, 4));
	}
	mc_stmt_done(s);
	return rc < 0 ? rc : rc == MC_DB_ROW ? 0 : MC_E_NOT_FOUND;
}
