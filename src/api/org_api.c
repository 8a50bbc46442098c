/* org_api.c - administrative units, agencies and reception counters.  A
 * new agency is an internal unit of its parent or a body of its own
 * ("internal"; see org.h). */
#include "api.h"

#include "../dossier/holidays.h"
#include "../org/org.h"

#include <string.h>

#include "../core/banned.h"

static const char *era_param(struct mc_req *r)
{
	const char *e = mc_req_query(r, "era");
	if (!e || strcmp(e, "current") == 0)
		return "current";
	if (strcmp(e, "2025-03") == 0)
		return "2025-03";
	mc_bad_field(&r->err, "era", MC_M_ERA_ENUM);
	return NULL;
}

static int units_list(struct mc_req *r)
{
	const char *era = era_param(r);
	const char *parent = mc_req_query(r, "parent");
	const char *q = mc_req_query(r, "q");
	int64_t limit;
	if (mc_api_query_int(r, "limit", 1, 500, 100, &limit))
		return r->err.code;
	if (parent && (strlen(parent) > 5 || strspn(parent, "0123456789") != strlen(parent)))
		mc_bad_field(&r->err, "parent", MC_M_UNIT_CODE_FORMAT);
	if (q && strlen(q) > 100)
		mc_bad_field(&r->err, "q", MC_M_SEARCH_TOO_LONG);
	struct mc_conn *c;
	int rc = mc_api_check_db(r, &c);
	if (rc)
		return rc;
	json_t *arr;
	if ((rc = mc_units_list(c, era, parent, q, (int)limit, &arr)))
		return mc_api_db_fail(r, rc);
	mc_res_header(r, "Cache-Control", "public, max-age=3600");
	return mc_res_json(r, 200, json_pack("{s:s, s:o}", "era", era, "items", arr));
}

static int unit_get(struct mc_req *r)
{
	const char *era = era_param(r);
	int rc = mc_api_check(r);
	if (rc)
		return rc;
	const char *code = mc_req_param(r, "code");
	if (strlen(code) > 5 || strspn(code, "0123456789") != strlen(code))
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	struct mc_conn *c;
	if ((rc = mc_req_db(r, &c)))
		return rc;
	json_t *u;
	rc = mc_unit_get(c, era, code, &u);
	if (rc == MC_E_NOT_FOUND)
		return mc_fail(r, rc, NULL);
	if (rc)
		return mc_api_db_fail(r, rc);
	mc_res_header(r, "Cache-Control", "public, max-age=3600");
	return mc_res_json(r, 200, u);
}

static int agencies_list(struct mc_req *r)
{
	return mc_api_list(r, mc_agencies_list, 0);
}

static int agency_get(struct mc_req *r)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	struct mc_conn *c;
	if ((rc = mc_req_db(r, &c)))
		return rc;
	json_t *a;
	rc = mc_agency_get(c, id, &a);
	if (rc == MC_E_NOT_FOUND)
		return mc_fail(r, rc, NULL);
	if (rc)
		return mc_api_db_fail(r, rc);
	return mc_res_json(r, 200, a);
}

static const char *const kinds[] = {"city_committee",
				    "department",
				    "office",
				    "service_centre",
				    "branch",
				    "ward_committee",
				    "division",
				    "provincial_police",
				    "commune_police",
				    "school",
				    "provincial_social_insurance",
				    "social_insurance",
				    NULL};

static int agency_create(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	struct mc_agency_new a = {
		.code = mc_api_str(r, b, "code", 32, 1),
		.kind = mc_api_str(r, b, "kind", 32, 1),
		.name = mc_api_str(r, b, "name", 200, 1),
		.name_en = mc_api_str(r, b, "name_en", 200, 1),
		.unit_code = mc_api_str(r, b, "unit_code", 5, 1),
		.parent_id = mc_api_int(r, b, "parent_id", 1, INT64_MAX, 1, 0),
		.abbr = mc_api_str(r, b, "abbr", 80, 0),
	};
	if (a.abbr && !mc_agency_abbr_valid(a.abbr))
		mc_bad_field(&r->err, "abbr", MC_M_AGENCY_ABBR_FORMAT);
	/* an internal unit of the parent (acts on its steps) or a body of its
	 * own; not said: as its kind usually is */
	int internal = mc_api_bool(r, b, "internal", -1);
	enum mc_agency_unit unit = internal < 0 ? MC_AGENCY_BY_KIND
				   : internal   ? MC_AGENCY_INTERNAL
						: MC_AGENCY_SEPARATE;
	if (a.kind) {
		int ok = 0;
		for (int i = 0; kinds[i]; i++)
			ok |= strcmp(kinds[i], a.kind) == 0;
		if (!ok)
			mc_bad_field(&r->err, "kind", MC_M_AGENCY_KIND_ENUM);
	}
	if (a.code && strspn(a.code, "0123456789.ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(a.code))
		mc_bad_field(&r->err, "code", MC_M_AGENCY_CODE_FORMAT);
	struct mc_conn *c;
	int rc = mc_api_check_db(r, &c);
	if (rc)
		return rc;
	/* Only inside the caller's jurisdiction. */
	if ((rc = mc_api_within(r, c, a.parent_id, "parent_id")))
		return rc;
	int64_t id = 0;
	if ((rc = mc_tx_begin(c, 1)))
		return mc_api_db_fail(r, rc);
	rc = mc_agency_create_as(c, &a, unit, &id);
	if (rc == MC_E_VALIDATION) {
		mc_tx_rollback(c);
		mc_bad_field(&r->err, "unit_code", MC_M_UNKNOWN_UNIT);
		return mc_api_check(r);
	}
	if (!rc)
		rc = mc_api_audit(r, c, "agency.create", "agency", id, NULL);
	if (!rc)
		rc = mc_tx_commit(c);
	if (rc == MC_E_CONFLICT)
		return mc_fail(r, rc, "code");
	if (rc)
		return mc_api_db_fail(r, rc);
	json_t *out;
	if ((rc = mc_agency_get(c, id, &out)))
		return mc_api_db_fail(r, rc);
	mc_res_header(r, "Location", mc_sprintf(r->arena, "/api/v1/agencies/%lld", (long long)id));
	return mc_res_json(r, 201, out);
}

/* An agency's own office hours ({"office_hours": "07:00-11:30,13:00-16:30"}
 * or null for the configured ones): its deadlines in working time run in
 * them from the next dossier or action on. */
static int agency_hours_put(struct mc_req *r)
{
	int64_t id;
	json_t *b = mc_api_id_body(r, &id);
	if (!b)
		return r->err.code;
	json_t *h = json_object_get(b, "office_hours");
	if (!h || (!json_is_null(h) && !json_is_string(h)))
		mc_bad_field(&r->err, "office_hours", MC_M_OFFICE_HOURS_REQUIRED);
	struct mc_conn *c;
	int rc = mc_api_check_db(r, &c);
	if (rc || (rc = mc_api_within(r, c, id, "id")))
		return rc;
	if ((rc = mc_tx_begin(c, 1)))
		return mc_api_db_fail(r, rc);
	rc = mc_holidays_set_agency_hours(c, id, json_string_value(h));
	if (!rc)
		rc = mc_api_audit(r, c, "agency.office_hours", "agency", id, NULL);
	if (!rc)
		rc = mc_tx_commit(c);
	else
		mc_tx_rollback(c);
	if (rc == MC_E_VALIDATION) {
		mc_bad_field(&r->err, "office_hours", MC_M_OFFICE_HOURS_FORMAT);
		return mc_api_check(r);
	}
	if (rc == MC_E_NOT_FOUND)
		return mc_fail(r, rc, NULL);
	if (rc)
		return mc_api_db_fail(r, rc);
	json_t *out;
	if ((rc = mc_agency_get(c, id, &out)))
		return mc_api_db_fail(r, rc);
	return mc_res_json(r, 200, out);
}

/* An agency's abbreviation in document symbols ({"abbr": "STP"}, or null
 * for none): the next documents it issues or drafts carry it. */
static int agency_abbr_put(struct mc_req *r)
{
	int64_t id;
	json_t *b = mc_api_id_body(r, &id);
	if (!b)
		return r->err.code;
	json_t *v = json_object_get(b, "abbr");
	if (!v || (!json_is_null(v) && !mc_agency_abbr_valid(json_string_value(v))))
		mc_bad_field(&r->err, "abbr", MC_M_AGENCY_ABBR_FORMAT);
	struct mc_conn *c;
	int rc = mc_api_check_db(r, &c);
	if (rc || (rc = mc_api_within(r, c, id, "id")))
		return rc;
	if ((rc = mc_tx_begin(c, 1)))
		return mc_api_db_fail(r, rc);
	rc = mc_agency_set_abbr(c, id, json_string_value(v));
	if (!rc)
		rc = mc_api_audit(r, c, "agency.abbr", "agency", id, NULL);
	if (!rc)
		rc = mc_tx_commit(c);
	else
		mc_tx_rollback(c);
	if (rc == MC_E_NOT_FOUND)
		return mc_fail(r, rc, NULL);
	if (rc)
		return mc_api_db_fail(r, rc);
	json_t *out;
	if ((rc = mc_agency_get(c, id, &out)))
		return mc_api_db_fail(r, rc);
	return mc_res_json(r, 200, out);
}

static int counters_list(struct mc_req *r)
{
	int64_t agency;
	if (mc_api_query_int(r, "agency_id", 1, INT64_MAX, 0, &agency))
		return r->err.code;
	return mc_api_list(r, mc_counters_list, agency);
}

const struct mc_route mc_api_org_routes[] = {
	{"GET", "/api/v1/units", units_list, MC_AUTH_NONE, NULL, 0},
	{"GET", "/api/v1/units/{code}", unit_get, MC_AUTH_NONE, NULL, 0},
	{"GET", "/api/v1/agencies", agencies_list, MC_AUTH_NONE, NULL, 0},
	{"POST", "/api/v1/agencies", agency_create, MC_AUTH_REQUIRED, "agency.manage", 0},
	{"GET", "/api/v1/agencies/{id}", agency_get, MC_AUTH_NONE, NULL, 0},
	{"PUT", "/api/v1/agencies/{id}/office-hours", agency_hours_put, MC_AUTH_REQUIRED, "agency.manage", 0},
	{"PUT", "/api/v1/agencies/{id}/abbr", agency_abbr_put, MC_AUTH_REQUIRED, "agency.manage", 0},
	{"GET", "/api/v1/counters", counters_list, MC_AUTH_NONE, NULL, 0},
	{0},
};
