/* org.c - units, agencies, counters and users in the database; see org.h. */
#include "org.h"

#include "../core/arena.h"
#include "../core/config.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "../db/rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* ---------------- units ---------------- */

static json_t *unit_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:s?}", "code", mc_col_text(s, 0),
			 "level", mc_col_text(s, 1), "name", mc_col_text(s, 2), "name_en", mc_col_text(s, 3),
			 "full_name", mc_col_text(s, 4), "full_name_en", mc_col_text(s, 5), "kind", mc_col_text(s, 6),
			 "kind_en", mc_col_text(s, 7), "parent_code", jstr(mc_col_text(s, 8)), "province_code",
			 mc_col_text(s, 9));
}

#define UNIT_COLS "code, level, name, name_en, full_name, full_name_en, kind, kind_en, parent_code, province_code"

int mc_units_list(struct mc_conn *c, const char *era, const char *parent, const char *q, int limit, json_t **out)
{
	struct mc_stmt *s;
	char *like = mc_text_like_key(q);
	int rc;
	if (parent)
		rc = mc_query(c, &s,
			      "SELECT " UNIT_COLS " FROM units WHERE era = ? AND parent_code = ?"
			      " AND (CAST(? AS TEXT) IS NULL OR search_key LIKE ?) ORDER BY code LIMIT ?",
			      "ttttd", era, parent, like, like, limit);
	else
		rc = mc_query(
			c, &s,
			"SELECT " UNIT_COLS
			" FROM units WHERE era = ? AND (CAST(? AS TEXT) IS NULL AND parent_code IS NULL"
			" OR CAST(? AS TEXT) IS NOT NULL AND search_key LIKE ?) ORDER BY level DESC, code LIMIT ?",
			"ttttd", era, like, like, like, limit);
	free(like);
	if (rc)
		return rc;
	return mc_rows_json(s, unit_row, NULL, out);
}

int mc_unit_get(struct mc_conn *c, const char *era, const char *code, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT " UNIT_COLS " FROM units WHERE era = ? AND code = ?", "tt", era, code);
	if (rc)
		return rc;
	rc = mc_step(s);
	json_t *u = rc == MC_DB_ROW ? unit_row(s, NULL) : NULL;
	mc_stmt_done(s);
	if (rc < 0)
		return rc;
	if (!u)
		return MC_E_NOT_FOUND;
	json_object_set_new(u, "era", json_string(era));
	if (strcmp(era, "current") != 0) {
		rc = mc_query(
			c, &s,
			"SELECT u.code, u.full_name FROM unit_changes m JOIN units u"
			" ON u.era = 'current' AND u.code = m.new_ward_code WHERE m.old_ward_code = ? ORDER BY u.code",
			"t", code);
		if (rc) {
			json_decref(u);
			return rc;
		}
		json_t *arr = json_array();
		while ((rc = mc_step(s)) == MC_DB_ROW)
			json_array_append_new(arr, json_pack("{s:s, s:s}", "code", mc_col_text(s, 0), "full_name",
							     mc_col_text(s, 1)));
		mc_stmt_done(s);
		json_object_set_new(u, "became", arr);
	}
	*out = u;
	return rc < 0 ? rc : 0;
}

/* ---------------- agencies ---------------- */

/* Kinds that are internal units of their parent unless said otherwise. */
static int kind_internal(const char *kind)
{
	return strcmp(kind, "division") == 0 || strcmp(kind, "branch") == 0;
}

int mc_agency_create(struct mc_conn *c, const struct mc_agency_new *a, int64_t *id)
{
	return mc_agency_create_as(c, a, MC_AGENCY_BY_KIND, id);
}

/* The abbreviation a new agency gets: its own, or "UBND" for a people's
 * committee. */
static const char *abbr_of(const struct mc_agency_new *a)
{
	if (a->abbr && *a->abbr)
		return a->abbr;
	return strcmp(a->kind, "city_committee") == 0 || strcmp(a->kind, "ward_committee") == 0 ? "UBND" : NULL;
}

int mc_agency_create_as(struct mc_conn *c, const struct mc_agency_new *a, enum mc_agency_unit unit, int64_t *id)
{
	struct mc_stmt *s;
	char province[8] = "";
	/* The province of the unit: wards carry it, provinces are it. */
	int rc = mc_query(c, &s, "SELECT province_code FROM units WHERE era = 'current' AND code = ?", "t",
			  a->unit_code);
	if (rc)
		return rc;
	rc = mc_step(s);
	if (rc == MC_DB_ROW) {
		const char *p = mc_col_text(s, 0);
		if (p && strlen(p) < sizeof(province))
			memcpy(province, p, strlen(p) + 1);
	}
	mc_stmt_done(s);
	if (rc < 0)
		return rc;
	if (rc == MC_DB_DONE)
		return MC_E_VALIDATION; /* unknown unit */

	int64_t internal =
		a->parent_id && (unit == MC_AGENCY_INTERNAL || (unit == MC_AGENCY_BY_KIND && kind_internal(a->kind)));
	rc = mc_query(c, &s,
		      "INSERT INTO agencies (code, parent_id, kind, name, name_en, unit_code, province_code, "
		      "created_at, internal, abbr)"
		      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		      "ttttttti"
		      "it",
		      a->code, (const char *)NULL, a->kind, a->name, a->name_en, a->unit_code, province,
		      mc_time_now_ms(), internal, abbr_of(a));
	if (rc)
		return rc;
	if (a->parent_id)
		mc_bind_int64(s, 2, a->parent_id);
	if ((rc = mc_step_returning(s, id)))
		return rc;
	/* closure: self, plus every ancestor of the parent; the same body as
	 * an ancestor when internal and the parent is */
	int64_t n =
		mc_exec(c, "INSERT INTO agency_tree (ancestor_id, descendant_id, depth, same_body) VALUES (?, ?, 0, 1)",
			"ii", *id, *id);
	if (n >= 0 && a->parent_id)
		n = mc_exec(c,
			    "INSERT INTO agency_tree (ancestor_id, descendant_id, depth, same_body)"
			    " SELECT ancestor_id, ?, depth + 1, same_body * ? FROM agency_tree WHERE descendant_id = ?",
			    "iii", *id, internal, a->parent_id);
	return n < 0 ? (int)n : 0;
}

int mc_agency_within(struct mc_conn *c, int64_t ancestor, int64_t descendant)
{
	int64_t v;
	int rc = mc_query_int64(c, &v, "SELECT 1 FROM agency_tree WHERE ancestor_id = ? AND descendant_id = ?", "ii",
				ancestor, descendant);
	if (rc == MC_E_NOT_FOUND)
		return 0;
	return rc < 0 ? rc : 1;
}

int mc_agency_acts_for(struct mc_conn *c, int64_t member, int64_t body)
{
	int64_t v;
	int rc = mc_query_int64(
		c, &v, "SELECT 1 FROM agency_tree WHERE ancestor_id = ? AND descendant_id = ? AND same_body = 1", "ii",
		body, member);
	if (rc == MC_E_NOT_FOUND)
		return 0;
	return rc < 0 ? rc : 1;
}

int mc_agency_abbr_valid(const char *abbr)
{
	return abbr && strlen(abbr) <= 80 && mc_text_valid(abbr, 80) && mc_text_abbreviation(abbr, 20);
}

int mc_agency_set_abbr(struct mc_conn *c, int64_t id, const char *abbr)
{
	int64_t n = mc_exec(c, "UPDATE agencies SET abbr = ? WHERE id = ?", "ti", abbr, id);
	return n < 0 ? (int)n : n == 0 ? MC_E_NOT_FOUND : 0;
}

int mc_agency_by_code(struct mc_conn *c, const char *code, int64_t *id)
{
	return mc_query_int64(c, id, "SELECT id FROM agencies WHERE code = ?", "t", code);
}

#define AGENCY_COLS                                                                                                    \
	"a.id, a.code, a.parent_id, a.kind, a.name, a.name_en, a.unit_code, a.province_code, a.active, a.internal,"    \
	" a.office_hours, a.abbr"

static json_t *agency_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	json_t *j = json_pack("{s:I, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "id",
			      (json_int_t)mc_col_int64(s, 0), "code", mc_col_text(s, 1), "parent_id",
			      mc_col_is_null(s, 2) ? json_null() : json_integer(mc_col_int64(s, 2)), "kind",
			      mc_col_text(s, 3), "name", mc_col_text(s, 4), "name_en", mc_col_text(s, 5), "unit_code",
			      mc_col_text(s, 6), "province_code", mc_col_text(s, 7), "active", (int)mc_col_int64(s, 8),
			      "internal", (int)mc_col_int64(s, 9));
	/* its own office hours; null: the configured ones */
	json_object_set_new(j, "office_hours", mc_col_text(s, 10) ? json_string(mc_col_text(s, 10)) : json_null());
	json_object_set_new(j, "abbr", mc_col_text(s, 11) ? json_string(mc_col_text(s, 11)) : json_null());
	return j;
}

int mc_agencies_list(struct mc_conn *c, int64_t root, json_t **out)
{
	struct mc_stmt *s;
	int rc = root ? mc_query(c, &s,
				 "SELECT " AGENCY_COLS " FROM agencies a JOIN agency_tree t ON t.descendant_id = a.id"
				 " WHERE t.ancestor_id = ? ORDER BY t.depth, a.code",
				 "i", root)
		      : mc_query(c, &s,
				 "SELECT " AGENCY_COLS " FROM agencies a ORDER BY a.parent_id IS NOT NULL, a.code", "");
	if (rc)
		return rc;
	return mc_rows_json(s, agency_row, NULL, out);
}

static json_t *counter_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:b}", "id", (json_int_t)mc_col_int64(s, 0), "code",
			 mc_col_text(s, 1), "agency_id", (json_int_t)mc_col_int64(s, 2), "name", mc_col_text(s, 3),
			 "name_en", mc_col_text(s, 4), "active", (int)mc_col_int64(s, 5));
}

int mc_counters_list(struct mc_conn *c, int64_t agency_id, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT id, code, agency_id, name, name_en, active FROM counters"
			  " WHERE (CAST(? AS BIGINT) = 0 OR agency_id = ?) ORDER BY agency_id, code",
			  "ii", agency_id, agency_id);
	if (rc)
		return rc;
	return mc_rows_json(s, counter_row, NULL, out);
}

int mc_agency_get(struct mc_conn *c, int64_t id, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT " AGENCY_COLS " FROM agencies a WHERE a.id = ?", "i", id);
	if (rc)
		return rc;
	rc = mc_step(s);
	json_t *j = rc == MC_DB_ROW ? agency_row(s, NULL) : NULL;
	mc_stmt_done(s);
	if (rc < 0)
		return rc;
	if (!j)
		return MC_E_NOT_FOUND;
	json_t *counters;
	rc = mc_counters_list(c, id, &counters);
	if (rc) {
		json_decref(j);
		return rc;
	}
	json_object_set_new(j, "counters", counters);
	*out = j;
	return 0;
}

int mc_counter_create(struct mc_conn *c, const char *code, int64_t agency_id, const char *name, const char *name_en,
		      int64_t *id)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "INSERT INTO counters (code, agency_id, name, name_en) VALUES (?, ?, ?, ?) RETURNING id",
			  "titt", code, agency_id, name, name_en);
	if (rc)
		return rc;
	return mc_step_returning(s, id);
}

/* ---------------- users ---------------- */

char *mc_user_search_key(const char *full_name, const char *username)
{
	size_t n = strlen(full_name) + strlen(username) + 2;
	char *both = mc_xmalloc(n);
	snprintf(both, n, "%s %s", full_name, username);
	char *key = mc_text_search_key_dup(both);
	free(both);
	return key ? key : mc_xstrdup("");
}

int mc_role_exists(struct mc_conn *c, const char *role)
{
	int64_t v;
	int rc = mc_query_int64(c, &v, "SELECT 1 FROM roles WHERE code = ?", "t", role);
	return rc == MC_E_NOT_FOUND ? 0 : rc < 0 ? rc : 1;
}

int mc_user_create(struct mc_conn *c, const struct mc_user_new *u, int64_t *id)
{
	int64_t now = mc_time_now_ms();
	struct mc_stmt *s;
	char *key = mc_user_search_key(u->full_name, u->username);
	int rc = mc_query(
		c, &s,
		"INSERT INTO users (kind, username, password_hash, full_name, id_number, tax_code, birth_date, sex,"
		" phone, email, address, ward_code, agency_id, position, position_en, province_code, created_at, "
		"updated_at,"
		" search_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
		/* the province: the agency's, else the ward's, else the deployment's */
		" COALESCE((SELECT a.province_code FROM agencies a WHERE a.id = ?),"
		" (SELECT w.province_code FROM units w WHERE w.era = 'current' AND w.code = ?), ?),"
		" ?, ?, ?) RETURNING id",
		"ttttttttttttttt"
		"itt"
		"iit",
		u->kind, u->username, u->password_hash, u->full_name, u->id_number, u->tax_code, u->birth_date, u->sex,
		u->phone, u->email, u->address, u->ward_code, (const char *)NULL, u->position, u->position_en,
		u->agency_id, u->ward_code, mc_config_province(), now, now, key);
	free(key);
	if (rc)
		return rc;
	if (u->agency_id)
		mc_bind_int64(s, 13, u->agency_id);
	if ((rc = mc_step_returning(s, id)))
		return rc;
	for (const char *const *r = u->roles; r && *r; r++) {
		int64_t n = mc_exec(c, "INSERT INTO user_roles (user_id, role_code) VALUES (?, ?)", "it", *id, *r);
		if (n < 0)
			return (int)n;
	}
	return 0;
}

int mc_user_kind(struct mc_conn *c, int64_t id, char kind[16], int64_t *agency_id)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT kind, agency_id FROM users WHERE id = ?", "i", id);
	if (rc)
		return rc;
	rc = mc_step(s);
	if (rc == MC_DB_ROW) {
		const char *k = mc_col_text(s, 0);
		size_t n = strlen(k);
		if (n > 15)
			n = 15;
		memcpy(kind, k, n);
		kind[n] = '\0';
		*agency_id = mc_col_int64(s, 1);
	}
	mc_stmt_done(s);
	return rc < 0 ? rc : rc == MC_DB_ROW ? 0 : MC_E_NOT_FOUND;
}

static json_t *string_list(struct mc_conn *c, const char *sql, int64_t id, int *rcp)
{
	struct mc_stmt *s;
	json_t *arr = json_array();
	int rc = mc_query(c, &s, sql, "i", id);
	if (!rc) {
		while ((rc = mc_step(s)) == MC_DB_ROW)
			json_array_append_new(arr, json_string(mc_col_text(s, 0)));
		mc_stmt_done(s);
	}
	*rcp = rc < 0 ? rc : 0;
	return arr;
}

static int user_get(struct mc_conn *c, int64_t id, int with_perms, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT u.id, u.kind, u.username, u.full_name, u.id_number, u.tax_code, u.birth_date, u.sex,"
			  " u.phone, u.email, u.address, u.ward_code, u.agency_id, u.position, u.position_en, u.status,"
			  " u.version, u.created_at, a.code, a.name, a.name_en, u.lang"
			  " FROM users u LEFT JOIN agencies a ON a.id = u.agency_id WHERE u.id = ?",
			  "i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s))) {
		mc_stmt_done(s);
		return rc;
	}
	char created[40];
	mc_time_format_vn(mc_col_int64(s, 17), created, sizeof(created));
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:I, s:s, s:s}", "id",
			      (json_int_t)mc_col_int64(s, 0), "kind", mc_col_text(s, 1), "username", mc_col_text(s, 2),
			      "full_name", mc_col_text(s, 3), "id_number", jstr(mc_col_text(s, 4)), "tax_code",
			      jstr(mc_col_text(s, 5)), "birth_date", jstr(mc_col_text(s, 6)), "sex",
			      jstr(mc_col_text(s, 7)), "phone", jstr(mc_col_text(s, 8)), "email",
			      jstr(mc_col_text(s, 9)), "address", jstr(mc_col_text(s, 10)), "ward_code",
			      jstr(mc_col_text(s, 11)), "status", mc_col_text(s, 15), "version",
			      (json_int_t)mc_col_int64(s, 16), "created_at", created, "lang", mc_col_text(s, 21));
	if (!mc_col_is_null(s, 12)) {
		json_object_set_new(j, "agency",
				    json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)mc_col_int64(s, 12), "code",
					      mc_col_text(s, 18), "name", mc_col_text(s, 19), "name_en",
					      mc_col_text(s, 20)));
		json_object_set_new(j, "position", jstr(mc_col_text(s, 13)));
		json_object_set_new(j, "position_en", jstr(mc_col_text(s, 14)));
	}
	mc_stmt_done(s);
	json_object_set_new(
		j, "roles",
		string_list(c, "SELECT role_code FROM user_roles WHERE user_id = ? ORDER BY role_code", id, &rc));
	if (!rc && with_perms)
		json_object_set_new(
			j, "permissions",
			string_list(c,
				    "SELECT DISTINCT rp.perm_code FROM user_roles ur JOIN role_permissions rp"
				    " ON rp.role_code = ur.role_code WHERE ur.user_id = ? ORDER BY rp.perm_code",
				    id, &rc));
	if (rc) {
		json_decref(j);
		return rc;
	}
	*out = j;
	return 0;
}

int mc_user_get(struct mc_conn *c, int64_t id, json_t **out)
{
	return user_get(c, id, 1, out);
}
int mc_user_get_basic(struct mc_conn *c, int64_t id, json_t **out)
{
	return user_get(c, id, 0, out);
}

static json_t *user_list_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:s, s:I, s:o, s:s, s:s}", "id", (json_int_t)mc_col_int64(s, 0), "username",
			 mc_col_text(s, 1), "full_name", mc_col_text(s, 2), "agency_id", (json_int_t)mc_col_int64(s, 3),
			 "position", jstr(mc_col_text(s, 4)), "status", mc_col_text(s, 5), "agency_name",
			 mc_col_text(s, 6));
}

int mc_users_list(struct mc_conn *c, int64_t root, int64_t agency_filter, const char *q, int64_t after_id, int limit,
		  json_t **out, int64_t *next_after)
{
	struct mc_stmt *s;
	char *like = mc_text_like_key(q);
	/* Jurisdiction in SQL: only officials whose agency is under root. */
	int rc = mc_query(c, &s,
			  "SELECT u.id, u.username, u.full_name, u.agency_id, u.position, u.status, a.name"
			  " FROM users u JOIN agency_tree t ON t.descendant_id = u.agency_id AND t.ancestor_id = ?"
			  " JOIN agencies a ON a.id = u.agency_id"
			  " WHERE u.kind = 'official' AND (CAST(? AS BIGINT) = 0 OR u.agency_id = ?) AND (CAST(? AS "
			  "BIGINT) = 0 OR u.id < ?)"
			  " AND (CAST(? AS TEXT) IS NULL OR lower(u.username) LIKE ? OR u.search_key LIKE ?)"
			  " ORDER BY u.id DESC LIMIT ?",
			  "iiiiitttd", root, agency_filter, agency_filter, after_id, after_id, like, like, like,
			  limit + 1);
	free(like);
	if (rc)
		return rc;
	int more;
	if ((rc = mc_rows_json_page(s, user_list_row, NULL, (size_t)limit, out, &more)))
		return rc;
	*next_after = more ? mc_rows_last_id(*out) : 0;
	return 0;
}

int mc_user_update(struct mc_conn *c, int64_t id, int64_t version, const struct mc_user_change *ch)
{
	char *name_key = ch->full_name ? mc_text_search_key_dup(ch->full_name) : NULL;
	int64_t n = mc_exec(c,
			    "UPDATE users SET full_name = COALESCE(?, full_name), position = COALESCE(?, position),"
			    " phone = COALESCE(?, phone), email = COALESCE(?, email), status = COALESCE(?, status),"
			    " search_key = COALESCE(CAST(? AS TEXT) || ' ' || username, search_key),"
			    " version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			    "ttttttiii", ch->full_name, ch->position, ch->phone, ch->email, ch->status, name_key,
			    mc_time_now_ms(), id, version);
	free(name_key);
	return n < 0 ? (int)n : n == 0 ? MC_E_PRECONDITION : 0;
}
