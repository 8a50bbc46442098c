/* powers.c - who may manage whose account; see auth.h. */
#include "auth.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static void add_perm(struct mc_powers *p, const char *perm)
{
	for (int i = 0; i < p->nperms; i++)
		if (strcmp(p->perms[i], perm) == 0)
			return;
	if (p->nperms < MC_MAX_PERMS)
		snprintf(p->perms[p->nperms++], sizeof(p->perms[0]), "%s", perm);
	else if (!p->untold[0]) /* more than a set holds: remembered, so that the rule refuses */
		snprintf(p->untold, sizeof(p->untold), "%s", perm);
}

/* Rows of (role, guarded permission or NULL) into p. */
static int read_powers(struct mc_stmt *s, struct mc_powers *p)
{
	int rc;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		const char *role = mc_col_text(s, 0), *perm = mc_col_text(s, 1);
		if (role && strcmp(role, "sys_admin") == 0)
			p->sys_admin = 1;
		if (perm)
			add_perm(p, perm);
	}
	mc_stmt_done(s);
	return rc < 0 ? rc : 0;
}

int mc_auth_user_powers(struct mc_conn *c, int64_t user_id, struct mc_powers *out)
{
	memset(out, 0, sizeof(*out));
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT ur.role_code, p.code FROM user_roles ur"
			  " LEFT JOIN role_permissions rp ON rp.role_code = ur.role_code"
			  " LEFT JOIN permissions p ON p.code = rp.perm_code AND p.guarded = 1"
			  " WHERE ur.user_id = ?",
			  "i", user_id);
	return rc ? rc : read_powers(s, out);
}

int mc_auth_role_powers(struct mc_conn *c, const char *role, struct mc_powers *out)
{
	memset(out, 0, sizeof(*out));
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT r.code, p.code FROM roles r"
			  " LEFT JOIN role_permissions rp ON rp.role_code = r.code"
			  " LEFT JOIN permissions p ON p.code = rp.perm_code AND p.guarded = 1"
			  " WHERE r.code = ?",
			  "t", role);
	return rc ? rc : read_powers(s, out);
}

enum mc_power_reason mc_auth_may_manage(const struct mc_principal *who, const struct mc_powers *p,
					struct mc_power_refusal *why)
{
	struct mc_power_refusal local;
	if (!why)
		why = &local;
	memset(why, 0, sizeof(*why));
	if (p->sys_admin && !mc_principal_has_role(who, "sys_admin"))
		return why->reason = MC_POWER_SYS_ADMIN;
	if (p->untold[0]) {
		snprintf(why->permission, sizeof(why->permission), "%s", p->untold);
		return why->reason = MC_POWER_PERMISSION;
	}
	for (int i = 0; i < p->nperms; i++) {
		if (!mc_principal_has(who, p->perms[i])) {
			snprintf(why->permission, sizeof(why->permission), "%s", p->perms[i]);
			return why->reason = MC_POWER_PERMISSION;
		}
	}
	return MC_POWER_OK;
}

int mc_auth_may_manage_user(struct mc_conn *c, const struct mc_principal *who, int64_t user_id,
			    struct mc_power_refusal *why)
{
	struct mc_powers p;
	int rc = mc_auth_user_powers(c, user_id, &p);
	if (rc)
		return rc;
	mc_auth_may_manage(who, &p, why);
	return 0;
}

int mc_auth_may_give_roles(struct mc_conn *c, const struct mc_principal *who, const char *const *roles,
			   struct mc_power_refusal *why)
{
	memset(why, 0, sizeof(*why));
	for (const char *const *r = roles; r && *r; r++) {
		struct mc_powers p;
		int rc = mc_auth_role_powers(c, *r, &p);
		if (rc)
			return rc;
		if (mc_auth_may_manage(who, &p, why) != MC_POWER_OK) {
			snprintf(why->role, sizeof(why->role), "%s", *r);
			return 0;
		}
	}
	return 0;
}

const char *mc_power_reason_name(enum mc_power_reason r)
{
	switch (r) {
	case MC_POWER_SYS_ADMIN:
		return "sys_admin";
	case MC_POWER_PERMISSION:
		return "permission";
	default:
		return "";
	}
}
