/*
 * test_user_powers.c - nobody manages an account that holds a power they
 * do not hold (issue 8, point 3).  The agency administrator of the City
 * Office (quantri.vp) sees the system administrator sysadmin.vp of the same
 * office, but may not reset their password, change or disable them, nor
 * create an account with a role whose guarded permissions it lacks: 403
 * naming the reason, nothing changed, and an audit entry committed for each
 * refusal (without the password).  A system administrator still manages
 * them; the agency administrator still manages a clerk of its subtree; an
 * account the caller cannot see stays a 404.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "only.h"
#include "server.h"
#include "testdb.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW     MC_HTTP_DEMO_PASSWORD
#define NEW_PW "Chiem-Quyen-2026!"

static struct mc_test_server srv;
static char db_url[512];
static struct mc_db *db;

/* admin: sys_admin (city committee); vp_admin: quantri.vp, agency_admin of
 * the City Office, where sysadmin.vp works too */
static struct mc_http_session admin, vp_admin;
static int64_t sysadmin_vp, vp_admin_id, ag_vp, ag_root;

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}
static json_int_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* One number from the database; the statement binds nothing, a text (t),
 * an integer (i), or both (t then i): types says which. */
static int64_t sql_int(const char *sql, const char *types, const char *t, int64_t i)
{
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int64_t v = -1;
	int rc = !*types                   ? mc_query_int64(c, &v, sql, "")
		 : strcmp(types, "t") == 0 ? mc_query_int64(c, &v, sql, "t", t)
		 : strcmp(types, "i") == 0 ? mc_query_int64(c, &v, sql, "i", i)
					   : mc_query_int64(c, &v, sql, "ti", t, i);
	mc_db_release(c);
	assert_int_equal(rc, 0);
	return v;
}

static int64_t user_id(const char *username)
{
	return sql_int("SELECT id FROM users WHERE username = ?", "t", username, 0);
}

/* Audit entries of action by actor on object id. */
static int64_t audited(const char *action, int64_t actor, int64_t object)
{
	int64_t n = 0;
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int rc = mc_query_int64(
		c, &n,
		"SELECT COUNT(*) FROM audit_log WHERE action = ? AND actor_id = ? AND object_id = CAST(? AS TEXT)",
		"tii", action, actor, object);
	mc_db_release(c);
	assert_int_equal(rc, 0);
	return n;
}

/* The detail of the newest entry of action, parsed. */
static json_t *last_detail(const char *action)
{
	struct mc_conn *c;
	struct mc_stmt *s;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(
		mc_query(c, &s, "SELECT detail FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1", "t", action),
		0);
	assert_int_equal(mc_step(s), MC_DB_ROW);
	json_error_t je;
	json_t *j = json_loads(mc_col_text(s, 0), 0, &je);
	mc_stmt_done(s);
	mc_db_release(c);
	assert_non_null(j);
	return j;
}

static void assert_refused(struct mc_http_res *r, const char *detail_part)
{
	if (r->status != 403 || !r->json || !jstr(r->json, "detail") || !strstr(jstr(r->json, "detail"), detail_part))
		fail_msg("expected 403 naming \"%s\", got %ld: %s", detail_part, r->status, r->body);
	assert_non_null(strstr(mc_http_header(r, "Content-Type"), "application/problem+json"));
	assert_string_equal(jstr(r->json, "code"), "forbidden");
}

static long login_status(const char *user, const char *pw)
{
	struct mc_http_session s;
	mc_http_session_init(&s, srv.base);
	return mc_http_login(&s, user, pw, 1);
}

static long reset(struct mc_http_session *s, int64_t id, const char *pw, struct mc_http_res *r)
{
	char path[80], body[120];
	snprintf(path, sizeof(path), "/api/v1/users/%lld/password", (long long)id);
	snprintf(body, sizeof(body), "{\"new_password\":\"%s\"}", pw);
	return mc_http_post(s, path, body, r);
}

/* PATCH with the account's current ETag (read by the system administrator). */
static long patch(struct mc_http_session *s, int64_t id, const char *body, struct mc_http_res *r)
{
	char path[80], h[80];
	struct mc_http_res g;
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id);
	assert_int_equal(mc_http_get(&admin, path, &g), 200);
	snprintf(h, sizeof(h), "If-Match: %s", mc_http_header(&g, "ETag"));
	mc_http_res_free(&g);
	const char *const hs[] = {h, NULL};
	return mc_http_do(s, "PATCH", path, body, hs, r) ? -1 : r->status;
}

static long create(struct mc_http_session *s, const char *username, int64_t agency, const char *roles,
		   struct mc_http_res *r)
{
	char body[600];
	snprintf(body, sizeof(body),
		 "{\"username\":\"%s\",\"full_name\":\"Nguyễn Văn Mới\",\"password\":\"MatKhau-2026\","
		 "\"agency_id\":%lld,\"roles\":%s,\"email\":\"%s@tphcm.gov.vn\"}",
		 username, (long long)agency, roles, username);
	return mc_http_post(s, "/api/v1/users", body, r);
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 1, &db, 1);
	/* a role with a guarded power the agency administrator lacks (the
	 * audit log), not sys_admin: the permission rule on its own */
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_exec(c, "INSERT INTO roles (code, kind, name, name_en) VALUES (?, 'official', ?, ?)", "ttt",
				 "auditor", "Kiểm toán viên", "Auditor"),
			 1);
	assert_int_equal(mc_exec(c, "INSERT INTO role_permissions (role_code, perm_code) VALUES (?, ?)", "tt",
				 "auditor", "audit.read"),
			 1);
	mc_db_release(c);
	mc_test_server_start(&srv, db_url, NULL);
	mc_http_login_as(&admin, srv.base, "admin");
	mc_http_login_as(&vp_admin, srv.base, "quantri.vp");
	sysadmin_vp = user_id("sysadmin.vp");
	vp_admin_id = user_id("quantri.vp");
	ag_vp = sql_int("SELECT id FROM agencies WHERE code = ?", "t", "000.00.01.H29", 0);
	ag_root = sql_int("SELECT id FROM agencies WHERE code = ?", "t", "000.00.00.H29", 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, db);
	return 0;
}

/* The report: quantri.vp resets sysadmin.vp's password, then logs in as them. */
static void agency_admin_cannot_reset_sys_admin(void **state)
{
	(void)state;
	struct mc_http_res r;
	/* the office's administrator sees the account (same agency) */
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)sysadmin_vp);
	assert_int_equal(mc_http_get(&vp_admin, path, &r), 200);
	mc_http_res_free(&r);

	int64_t before = audited("user.password_reset_refused", vp_admin_id, sysadmin_vp);
	reset(&vp_admin, sysadmin_vp, NEW_PW, &r);
	assert_refused(&r, "sys_admin");
	mc_http_res_free(&r);
	/* nothing changed: the new password does not open the account, the old one does */
	assert_int_equal(login_status("sysadmin.vp", NEW_PW), 401);
	assert_int_equal(login_status("sysadmin.vp", PW), 200);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM audit_log WHERE action = ? AND object_id = CAST(? AS TEXT)",
				 "ti", "user.password_reset", sysadmin_vp),
			 0);
	/* the refusal is in the audit log, committed, without the password */
	assert_int_equal(audited("user.password_reset_refused", vp_admin_id, sysadmin_vp), before + 1);
	json_t *d = last_detail("user.password_reset_refused");
	assert_string_equal(jstr(d, "reason"), "sys_admin");
	json_decref(d);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM audit_log WHERE detail LIKE ?", "t", "%" NEW_PW "%", 0), 0);
}

static void agency_admin_cannot_change_sys_admin(void **state)
{
	(void)state;
	struct mc_http_res r;
	int64_t version = sql_int("SELECT version FROM users WHERE id = ?", "i", NULL, sysadmin_vp);
	patch(&vp_admin, sysadmin_vp, "{\"email\":\"attacker@example.com\",\"status\":\"disabled\"}", &r);
	assert_refused(&r, "sys_admin");
	mc_http_res_free(&r);
	patch(&vp_admin, sysadmin_vp, "{\"full_name\":\"Vũ Thị Ngọc Lan\"}", &r);
	assert_refused(&r, "sys_admin");
	mc_http_res_free(&r);
	/* unchanged, still able to log in */
	assert_int_equal(sql_int("SELECT version FROM users WHERE id = ?", "i", NULL, sysadmin_vp), version);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM users WHERE id = ? AND status = 'active'", "i", NULL, sysadmin_vp), 1);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM users WHERE email = ?", "t", "attacker@example.com", 0), 0);
	assert_int_equal(login_status("sysadmin.vp", PW), 200);
	assert_int_equal(audited("user.update_refused", vp_admin_id, sysadmin_vp), 2);
	json_t *d = last_detail("user.update_refused");
	assert_string_equal(jstr(d, "reason"), "sys_admin");
	json_decref(d);
}

static void agency_admin_cannot_grant_what_it_lacks(void **state)
{
	(void)state;
	struct mc_http_res r;
	int64_t users = sql_int("SELECT COUNT(*) FROM users", "", NULL, 0);
	/* sys_admin, alone or beside a role it may give */
	create(&vp_admin, "heth.moi1", ag_vp, "[\"sys_admin\"]", &r);
	assert_refused(&r, "sys_admin");
	mc_http_res_free(&r);
	create(&vp_admin, "heth.moi1", ag_vp, "[\"clerk\",\"sys_admin\"]", &r);
	assert_refused(&r, "sys_admin");
	mc_http_res_free(&r);
	/* a role carrying a guarded permission it does not hold */
	create(&vp_admin, "kiemtoan.moi1", ag_vp, "[\"auditor\"]", &r);
	assert_refused(&r, "audit.read");
	mc_http_res_free(&r);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM users", "", NULL, 0), users);
	assert_int_equal(login_status("heth.moi1", "MatKhau-2026"), 401);
	/* each refusal audited, on the agency where the account was to be */
	assert_int_equal(audited("user.create_refused", vp_admin_id, ag_vp), 3);
	json_t *d = last_detail("user.create_refused");
	assert_string_equal(jstr(d, "reason"), "permission");
	assert_string_equal(jstr(d, "role"), "auditor");
	assert_string_equal(jstr(d, "permission"), "audit.read");
	assert_null(json_object_get(d, "password"));
	json_decref(d);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM audit_log WHERE detail LIKE ?", "t", "%MatKhau-2026%", 0), 0);
}

/* An account holding a guarded power the caller lacks, not sys_admin. */
static void agency_admin_cannot_manage_a_stronger_account(void **state)
{
	(void)state;
	struct mc_http_res r;
	assert_int_equal(create(&admin, "kiemtoan.vp", ag_vp, "[\"auditor\"]", &r), 201);
	int64_t id = jint(r.json, "id");
	mc_http_res_free(&r);
	reset(&vp_admin, id, NEW_PW, &r);
	assert_refused(&r, "audit.read");
	mc_http_res_free(&r);
	patch(&vp_admin, id, "{\"status\":\"disabled\"}", &r);
	assert_refused(&r, "audit.read");
	mc_http_res_free(&r);
	assert_int_equal(login_status("kiemtoan.vp", "MatKhau-2026"), 200);
	assert_int_equal(audited("user.password_reset_refused", vp_admin_id, id), 1);
	assert_int_equal(audited("user.update_refused", vp_admin_id, id), 1);
	json_t *d = last_detail("user.update_refused");
	assert_string_equal(jstr(d, "reason"), "permission");
	assert_string_equal(jstr(d, "permission"), "audit.read");
	json_decref(d);
}

static void sys_admin_still_manages_sys_admin(void **state)
{
	(void)state;
	struct mc_http_res r;
	assert_int_equal(reset(&admin, sysadmin_vp, NEW_PW, &r), 204);
	mc_http_res_free(&r);
	assert_int_equal(login_status("sysadmin.vp", NEW_PW), 200);
	assert_int_equal(patch(&admin, sysadmin_vp, "{\"status\":\"disabled\"}", &r), 200);
	assert_string_equal(jstr(r.json, "status"), "disabled");
	mc_http_res_free(&r);
	assert_int_equal(login_status("sysadmin.vp", NEW_PW), 401);
	assert_int_equal(patch(&admin, sysadmin_vp, "{\"status\":\"active\"}", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(login_status("sysadmin.vp", NEW_PW), 200);
	assert_int_equal(create(&admin, "heth.moi2", ag_vp, "[\"sys_admin\"]", &r), 201);
	mc_http_res_free(&r);
	assert_int_equal(create(&admin, "kiemtoan.moi2", ag_vp, "[\"auditor\"]", &r), 201);
	mc_http_res_free(&r);
}

static void agency_admin_still_manages_clerks(void **state)
{
	(void)state;
	struct mc_http_res r;
	/* a clerk, a leader and another agency administrator: everyday work
	 * permissions and powers it holds itself */
	assert_int_equal(create(&vp_admin, "tiepnhan.vp1", ag_vp, "[\"clerk\"]", &r), 201);
	int64_t id = jint(r.json, "id");
	mc_http_res_free(&r);
	assert_int_equal(create(&vp_admin, "lanhdao.vp1", ag_vp, "[\"leader\",\"committee_member\"]", &r), 201);
	mc_http_res_free(&r);
	assert_int_equal(create(&vp_admin, "quantri.vp2", ag_vp, "[\"agency_admin\"]", &r), 201);
	mc_http_res_free(&r);
	assert_int_equal(patch(&vp_admin, id, "{\"position\":\"Tổ trưởng\"}", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(reset(&vp_admin, id, NEW_PW, &r), 204);
	mc_http_res_free(&r);
	assert_int_equal(login_status("tiepnhan.vp1", NEW_PW), 200);
	assert_int_equal(patch(&vp_admin, id, "{\"status\":\"disabled\"}", &r), 200);
	mc_http_res_free(&r);
	/* and the demo clerk of the office's subtree: the existing one */
	int64_t chuyenvien = user_id("chuyenvien.vp");
	assert_int_equal(reset(&vp_admin, chuyenvien, NEW_PW, &r), 204);
	mc_http_res_free(&r);
	/* none of this was refused */
	assert_int_equal(audited("user.password_reset_refused", vp_admin_id, id), 0);
	assert_int_equal(audited("user.update_refused", vp_admin_id, id), 0);
}

/* An account the caller cannot see at all stays a 404, not audited. */
static void invisible_stays_404(void **state)
{
	(void)state;
	struct mc_http_res r;
	int64_t root_admin = user_id("admin");
	reset(&vp_admin, root_admin, NEW_PW, &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(jstr(r.json, "code"), "not_found");
	mc_http_res_free(&r);
	assert_int_equal(audited("user.password_reset_refused", vp_admin_id, root_admin), 0);
	assert_int_equal(login_status("admin", PW), 200);
	/* nor a create outside the subtree */
	create(&vp_admin, "heth.moi3", ag_root, "[\"sys_admin\"]", &r);
	assert_int_equal(r.status, 403);
	mc_http_res_free(&r);
	/* the chain stays intact with the refusals in it */
	assert_int_equal(mc_http_get(&admin, "/api/v1/audit/verify", &r), 200);
	assert_true(json_is_true(json_object_get(r.json, "intact")));
	mc_http_res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(agency_admin_cannot_reset_sys_admin),
		cmocka_unit_test(agency_admin_cannot_change_sys_admin),
		cmocka_unit_test(agency_admin_cannot_grant_what_it_lacks),
		cmocka_unit_test(agency_admin_cannot_manage_a_stronger_account),
		cmocka_unit_test(sys_admin_still_manages_sys_admin),
		cmocka_unit_test(agency_admin_still_manages_clerks),
		cmocka_unit_test(invisible_stays_404),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
