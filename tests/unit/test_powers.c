/*
 * test_powers.c - the rule on managing accounts (auth.h, powers.c), on two
 * sets in memory: a system administrator's account needs a system
 * administrator; every guarded permission of the account must be the
 * caller's; an account with no guarded permission (a clerk) is managed by
 * any administrator; a set that overflowed is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/auth.h"

#include <stdio.h>
#include <string.h>

static void principal(struct mc_principal *w, const char *role, const char *const *perms)
{
	memset(w, 0, sizeof(*w));
	w->user_id = 1;
	w->agency_id = 1;
	snprintf(w->kind, sizeof(w->kind), "official");
	snprintf(w->roles[w->nroles++], sizeof(w->roles[0]), "%s", role);
	for (; *perms; perms++)
		snprintf(w->perms[w->nperms++], sizeof(w->perms[0]), "%s", *perms);
}

static void powers(struct mc_powers *p, int sys_admin, const char *const *perms)
{
	memset(p, 0, sizeof(*p));
	p->sys_admin = sys_admin;
	for (; *perms; perms++)
		snprintf(p->perms[p->nperms++], sizeof(p->perms[0]), "%s", *perms);
}

static const char *const agency_admin[] = {"directory.read", "user.manage", "user.reset_password", "agency.manage",
					   NULL};
static const char *const sys_admin[] = {"directory.read", "user.manage",     "user.reset_password",
					"agency.manage",  "audit.read",      "citizen.read",
					"catalog.manage", "calendar.manage", NULL};
static const char *const none[] = {NULL};

static void sys_admin_needs_sys_admin(void **state)
{
	(void)state;
	struct mc_principal aa, sa;
	struct mc_powers target;
	struct mc_power_refusal why;
	principal(&aa, "agency_admin", agency_admin);
	principal(&sa, "sys_admin", sys_admin);
	powers(&target, 1, sys_admin + 4); /* audit.read ... */
	assert_int_equal(mc_auth_may_manage(&aa, &target, &why), MC_POWER_SYS_ADMIN);
	assert_int_equal(why.reason, MC_POWER_SYS_ADMIN);
	assert_string_equal(mc_power_reason_name(why.reason), "sys_admin");
	assert_int_equal(mc_auth_may_manage(&sa, &target, &why), MC_POWER_OK);
	assert_string_equal(mc_power_reason_name(why.reason), "");
	/* even one holding every permission of sys_admin, but not the role */
	struct mc_principal all;
	principal(&all, "agency_admin", sys_admin);
	assert_int_equal(mc_auth_may_manage(&all, &target, NULL), MC_POWER_SYS_ADMIN);
	/* the role alone, whatever the permissions */
	powers(&target, 1, none);
	assert_int_equal(mc_auth_may_manage(&aa, &target, NULL), MC_POWER_SYS_ADMIN);
}

static void guarded_permissions_must_be_held(void **state)
{
	(void)state;
	struct mc_principal aa;
	struct mc_powers target;
	struct mc_power_refusal why;
	principal(&aa, "agency_admin", agency_admin);
	static const char *const auditor[] = {"audit.read", NULL};
	powers(&target, 0, auditor);
	assert_int_equal(mc_auth_may_manage(&aa, &target, &why), MC_POWER_PERMISSION);
	assert_string_equal(why.permission, "audit.read");
	assert_string_equal(mc_power_reason_name(why.reason), "permission");
	/* the first one lacking is named */
	static const char *const mixed[] = {"user.manage", "catalog.manage", "audit.read", NULL};
	powers(&target, 0, mixed);
	assert_int_equal(mc_auth_may_manage(&aa, &target, &why), MC_POWER_PERMISSION);
	assert_string_equal(why.permission, "catalog.manage");
	/* another agency administrator: all held */
	powers(&target, 0, agency_admin + 1);
	assert_int_equal(mc_auth_may_manage(&aa, &target, &why), MC_POWER_OK);
	assert_string_equal(why.permission, "");
	/* a clerk has no guarded permission: anyone with the route's permission */
	powers(&target, 0, none);
	assert_int_equal(mc_auth_may_manage(&aa, &target, NULL), MC_POWER_OK);
	struct mc_principal clerk;
	static const char *const work[] = {"directory.read", "dossier.intake", NULL};
	principal(&clerk, "clerk", work);
	assert_int_equal(mc_auth_may_manage(&clerk, &target, NULL), MC_POWER_OK);
	/* ... but never a stronger one */
	powers(&target, 0, agency_admin + 1);
	assert_int_equal(mc_auth_may_manage(&clerk, &target, &why), MC_POWER_PERMISSION);
	assert_string_equal(why.permission, "user.manage");
}

static void overflow_is_refused(void **state)
{
	(void)state;
	struct mc_principal sa;
	struct mc_powers target;
	struct mc_power_refusal why;
	principal(&sa, "sys_admin", sys_admin);
	powers(&target, 0, none);
	snprintf(target.untold, sizeof(target.untold), "%s", "user.manage");
	assert_int_equal(mc_auth_may_manage(&sa, &target, &why), MC_POWER_PERMISSION);
	assert_string_equal(why.permission, "user.manage");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sys_admin_needs_sys_admin),
		cmocka_unit_test(guarded_permissions_must_be_held),
		cmocka_unit_test(overflow_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
