/* audit_api.c - read and verify the audit log (system administrators). */
#include "api.h"

#include "../audit/audit.h"
#include "../core/timeutil.h"

#include "../core/banned.h"

static int audit_list(struct mc_req *r)
{
	int64_t before, limit;
	if (mc_api_query_int(r, "before", 1, INT64_MAX, 0, &before) || mc_api_query_int(r, "limit", 1, 200, 50, &limit))
		return r->err.code;
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	json_t *arr = NULL;
	int64_t last = 0;
	if ((rc = mc_audit_list(c, before, (int)limit, &arr, &last)))
		return mc_api_db_fail(r, rc);
	mc_req_keep(r, arr);
	json_t *out = json_pack("{s:O}", "items", arr);
	if ((int64_t)json_array_size(arr) == limit && last > 1)
		json_object_set_new(
			out, "next",
			json_sprintf("/api/v1/audit?before=%lld&limit=%lld", (long long)last, (long long)limit));
	return mc_res_json(r, 200, out);
}

static int audit_verify(struct mc_req *r)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	struct mc_audit_report rep;
	rc = mc_audit_verify(c, &rep);
	if (rc && rc != MC_E_AUDIT_BROKEN)
		return mc_api_db_fail(r, rc);
	json_t *out = json_pack("{s:b, s:I}", "intact", rc == 0, "checked", (json_int_t)rep.checked);
	if (rc) {
		json_object_set_new(out, "first_bad_id", json_integer(rep.bad_id));
		json_object_set_new(out, "reason", json_string(rep.reason));
	}
	return mc_res_json(r, 200, out);
}

const struct mc_route mc_api_audit_routes[] = {
	{"GET", "/api/v1/audit", audit_list, MC_AUTH_REQUIRED, "audit.read", 0},
	{"GET", "/api/v1/audit/verify", audit_verify, MC_AUTH_REQUIRED, "audit.read", 0},
	{0},
};
