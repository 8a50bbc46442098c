/*
 * users_api.c - the officials' directory and account management.
 *
 * Authorization: anyone may read their own account.  Officials with
 * directory.read see officials of their agency subtree; user.manage and
 * user.reset_password act only inside that subtree (checked in SQL through
 * the agency closure table).  Citizen and business accounts are visible to
 * themselves and to holders of citizen.read only; to everyone else they do
 * not exist (404, so that IDs cannot be probed).  Inside the subtree, an
 * account holding a power the caller lacks (sys_admin, a guarded
 * permission: auth.h) cannot be changed, disabled or reset, nor a role
 * carrying one given: 403 naming the reason, and the refusal is audited.
 */
#include "api.h"

#include "../core/text.h"
#include "../core/timeutil.h"
#include "../org/org.h"

#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* May the caller see / act on user id?  Returns 0, or fails the request
 * with 404 (cannot see) or 403 (can see, may not act). */
static int reach(struct mc_req *r, struct mc_conn *c, int64_t id, const char *act_perm)
{
	if (id == r->who->user_id && !act_perm)
		return 0;
	char kind[16];
	int64_t agency = 0;
	int rc = mc_user_kind(c, id, kind, &agency);
	if (rc == MC_E_NOT_FOUND)
		return mc_fail(r, rc, NULL);
	if (rc)
		return mc_api_db_fail(r, rc);
	int visible;
	if (strcmp(kind, "official") == 0) {
		visible = mc_principal_has(r->who, "directory.read") && r->who->agency_id &&
			  (rc = mc_agency_within(c, r->who->agency_id, agency)) == 1;
		if (rc < 0)
			return mc_api_db_fail(r, rc);
	} else {
		visible = mc_principal_has(r->who, "citizen.read");
	}
	if (!visible)
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	if (act_perm && !mc_principal_has(r->who, act_perm))
		return mc_fail(r, MC_E_FORBIDDEN, NULL);
	return 0;
}

/*
 * A change refused because it would hand out a power the caller lacks:
 * audited (action, the object, the reason; never the request's values
 * but the status asked for) in a transaction of its own that is committed
 * although the request fails, then 403 naming the reason.
 */
static int refuse(struct mc_req *r, struct mc_conn *c, const char *action, const char *otype, int64_t oid,
		  const struct mc_power_refusal *why, const char *status)
{
	json_t *d = json_pack("{s:s}", "reason", mc_power_reason_name(why->reason));
	if (why->role[0])
		json_object_set_new(d, "role", json_string(why->role));
	if (why->permission[0])
		json_object_set_new(d, "permission", json_string(why->permission));
	if (status)
		json_object_set_new(d, "status", json_string(status));
	int rc = mc_tx_begin(c, 1);
	if (!rc)
		rc = mc_api_audit(r, c, action, otype, oid, json_incref(d));
	if (!rc)
		rc = mc_tx_commit(c);
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	json_decref(d);
	if (rc)
		return mc_api_db_fail(r, rc);
	if (why->role[0] && why->reason == MC_POWER_SYS_ADMIN)
		return mc_fail(r, MC_E_FORBIDDEN, "roles: only a system administrator may give the role sys_admin");
	if (why->role[0])
		return mc_fail(r, MC_E_FORBIDDEN, "roles: the role %s carries the permission %s, which you do not hold",
			       why->role, why->permission);
	if (why->reason == MC_POWER_SYS_ADMIN)
		return mc_fail(r, MC_E_FORBIDDEN,
			       "the account holds the role sys_admin: only a system administrator may manage it");
	return mc_fail(r, MC_E_FORBIDDEN, "the account holds the permission %s, which you do not hold",
		       why->permission);
}

/* May the caller manage account id (seen by reach())?  0, or the request
 * fails: 403 audited as action (see refuse()), or a database error. */
static int may_manage(struct mc_req *r, struct mc_conn *c, int64_t id, const char *action, const char *status)
{
	struct mc_power_refusal why;
	int rc = mc_auth_may_manage_user(c, r->who, id, &why);
	if (rc)
		return mc_api_db_fail(r, rc);
	return why.reason == MC_POWER_OK ? 0 : refuse(r, c, action, "user", id, &why, status);
}

/* Answer 200 with account id as it is now, and its ETag. */
static int answer(struct mc_req *r, struct mc_conn *c, int64_t id)
{
	json_t *u;
	int rc = mc_user_get(c, id, &u);
	if (rc)
		return mc_api_db_fail(r, rc);
	mc_api_etag(r, u);
	return mc_res_json(r, 200, u);
}

static int users_list(struct mc_req *r)
{
	int64_t agency, after, limit;
	if (mc_api_query_int(r, "agency_id", 1, INT64_MAX, 0, &agency) ||
	    mc_api_query_int(r, "after", 1, INT64_MAX, 0, &after) || mc_api_query_int(r, "limit", 1, 200, 50, &limit))
		return r->err.code;
	const char *q = mc_req_query(r, "q");
	if (q && strlen(q) > 100)
		return mc_fail(r, MC_E_VALIDATION, "q too long");
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	json_t *arr;
	int64_t next = 0;
	rc = mc_users_list(c, r->who->agency_id, agency, q, after, (int)limit, &arr, &next);
	if (rc)
		return mc_api_db_fail(r, rc);
	json_t *out = json_pack("{s:o}", "items", arr);
	if (next)
		json_object_set_new(
			out, "next",
			json_sprintf("/api/v1/users?after=%lld&limit=%lld", (long long)next, (long long)limit));
	return mc_res_json(r, 200, out);
}

static int user_get(struct mc_req *r)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	struct mc_conn *c;
	if ((rc = mc_req_db(r, &c)) || (rc = reach(r, c, id, NULL)))
		return rc;
	return answer(r, c, id);
}

/* Roles an official may have: 0 fine, 1 field error added, < 0 database
 * error.  Whether the caller may give them is decided after. */
static int check_roles(struct mc_req *r, struct mc_conn *c, json_t *roles, const char **out, int max)
{
	if (!json_is_array(roles) || json_array_size(roles) == 0 || json_array_size(roles) > (size_t)max - 1) {
		mc_bad_field(&r->err, "roles", MC_M_ROLES_LIST);
		return 1;
	}
	size_t i;
	json_t *v;
	json_array_foreach(roles, i, v) {
		const char *role = json_string_value(v);
		int ok = role && strlen(role) < 32 ? mc_role_exists(c, role) : 0;
		if (ok < 0)
			return ok;
		if (!ok || strcmp(role, "citizen") == 0 || strcmp(role, "business") == 0) {
			mc_bad_field(&r->err, "roles", MC_M_UNKNOWN_ROLE);
			return 1;
		}
		out[i] = mc_strdup(r->arena, role);
	}
	out[i] = NULL;
	return 0;
}

static int user_create(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	const char *username = mc_api_str(r, b, "username", 64, 1);
	const char *name = mc_api_str(r, b, "full_name", 100, 1);
	const char *position = mc_api_str(r, b, "position", 100, 0);
	const char *position_en = mc_api_str(r, b, "position_en", 100, 0);
	const char *phone = mc_api_str(r, b, "phone", 20, 0);
	const char *email = mc_api_str(r, b, "email", 254, 0);
	int64_t agency = mc_api_int(r, b, "agency_id", 1, INT64_MAX, 1, 0);
	const char *pw = mc_api_new_password(r, b, "password", username);
	if (username &&
	    (strlen(username) < 3 || strspn(username, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(username)))
		mc_bad_field(&r->err, "username", MC_M_USERNAME_FORMAT);
	mc_api_check_contact(r, &phone, email, 1);
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	const char *roles[9];
	rc = check_roles(r, c, json_object_get(b, "roles"), roles, 9);
	if (rc < 0)
		return mc_api_db_fail(r, rc);
	if ((rc = mc_api_check(r)))
		return rc;
	if ((rc = mc_api_within(r, c, agency, "agency_id")))
		return rc;
	struct mc_power_refusal why;
	if ((rc = mc_auth_may_give_roles(c, r->who, roles, &why)))
		return mc_api_db_fail(r, rc);
	if (why.reason != MC_POWER_OK)
		return refuse(r, c, "user.create_refused", "agency", agency, &why, NULL);
	struct mc_user_new u = {.kind = "official",
				.username = username,
				.full_name = name,
				.phone = phone,
				.email = email,
				.agency_id = agency,
				.position = position,
				.position_en = position_en,
				.roles = roles};
	json_t *out;
	if ((rc = mc_api_create_user(r, c, &u, pw, "user.create", NULL, "username", &out)))
		return rc;
	mc_api_etag(r, out);
	return 0;
}

static int user_patch(struct mc_req *r)
{
	int64_t id;
	json_t *b = mc_api_id_body(r, &id);
	if (!b)
		return r->err.code;
	int64_t want = -1;
	int rc = mc_api_if_match(r, &want);
	if (rc)
		return rc;
	const char *name = mc_api_str(r, b, "full_name", 100, 0);
	const char *position = mc_api_str(r, b, "position", 100, 0);
	const char *phone = mc_api_str(r, b, "phone", 20, 0);
	const char *email = mc_api_str(r, b, "email", 254, 0);
	const char *status = mc_api_str(r, b, "status", 16, 0);
	if (status && strcmp(status, "active") != 0 && strcmp(status, "disabled") != 0)
		mc_bad_field(&r->err, "status", MC_M_USER_STATUS_ENUM);
	mc_api_check_contact(r, &phone, email, 0);
	struct mc_conn *c;
	if ((rc = mc_api_check_db(r, &c)) || (rc = reach(r, c, id, "user.manage")) ||
	    (rc = may_manage(r, c, id, "user.update_refused", status)))
		return rc;
	if (id == r->who->user_id && status && strcmp(status, "disabled") == 0)
		return mc_fail(r, MC_E_FORBIDDEN, "cannot disable oneself");
	if ((rc = mc_tx_begin(c, 1)))
		return mc_api_db_fail(r, rc);
	struct mc_user_change ch = {name, position, phone, email, status};
	rc = mc_user_update(c, id, want, &ch);
	if (rc == MC_E_PRECONDITION) {
		mc_tx_rollback(c);
		return mc_fail(r, rc, NULL);
	}
	if (!rc && status && strcmp(status, "disabled") == 0)
		rc = mc_auth_revoke_user(c, id);
	else if (!rc) /* what every server keeps of the account is read again */
		rc = mc_auth_changed(c);
	if (!rc)
		rc = mc_api_audit(r, c, "user.update", "user", id,
				  status ? json_pack("{s:s}", "status", status) : NULL);
	if (!rc)
		rc = mc_tx_commit(c);
	if (rc)
		return mc_api_db_fail(r, rc);
	mc_api_me_forget(id);
	return answer(r, c, id);
}

static int user_reset_password(struct mc_req *r)
{
	int64_t id;
	json_t *b = mc_api_id_body(r, &id);
	if (!b)
		return r->err.code;
	const char *pw = mc_api_new_password(r, b, "new_password", NULL);
	struct mc_conn *c;
	int rc;
	if ((rc = mc_api_check_db(r, &c)) || (rc = reach(r, c, id, "user.reset_password")) ||
	    (rc = may_manage(r, c, id, "user.password_reset_refused", NULL)))
		return rc;
	return mc_api_set_password(r, c, id, pw, 0, "user.password_reset");
}

const struct mc_route mc_api_user_routes[] = {
	{"GET", "/api/v1/users", users_list, MC_AUTH_REQUIRED, "directory.read", 0},
	{"POST", "/api/v1/users", user_create, MC_AUTH_REQUIRED, "user.manage", 0},
	{"GET", "/api/v1/users/{id}", user_get, MC_AUTH_REQUIRED, NULL, 0},
	{"PATCH", "/api/v1/users/{id}", user_patch, MC_AUTH_REQUIRED, "user.manage", 0},
	{"POST", "/api/v1/users/{id}/password", user_reset_password, MC_AUTH_REQUIRED, "user.reset_password", 0},
	{0},
};
