/*
 * test_authz.c - who may see and do what: citizens see only themselves;
 * officials see the officials of their agency subtree and no citizen; an
 * agency administrator manages accounts and agencies inside the subtree
 * only; updates need If-Match; disabling an account ends its sessions;
 * only system administrators read the audit log; the directory pages.
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW "motcua2026"

static struct mc_test_server srv;
static char db_url[512];

/* sessions opened once: admin (sys_admin, city committee), quantri (agency
 * admin, service centre; a cookie session, so CSRF goes along), a ward
 * clerk, a city leader and two citizens */
static struct mc_http_session admin, quantri, clerk, leader, cit_a, cit_b;
static json_int_t id_a, id_b;
static json_int_t ag_root, ag_centre, ag_branch1, ag_branch2, ag_stp, ag_ward;

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}
static json_int_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void assert_problem(struct mc_http_res *r, long status, const char *code)
{
	if (r->status != status || !r->json || !jstr(r->json, "code") || strcmp(jstr(r->json, "code"), code) != 0)
		fprintf(stderr, "expected %ld %s, got %ld: %s\n", status, code, r->status, r->body);
	assert_int_equal(r->status, status);
	assert_non_null(strstr(mc_http_header(r, "Content-Type"), "application/problem+json"));
	assert_non_null(r->json);
	assert_string_equal(jstr(r->json, "code"), code);
}

static int field_error(json_t *problem, const char *field, const char *reason)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(problem, "errors"), i, e)
		if (strcmp(jstr(e, "field"), field) == 0 && (!reason || strcmp(jstr(e, "reason"), reason) == 0))
			return 1;
	return 0;
}

/* Not mc_http_login_as: these log-ins are checks (new, reset, re-enabled passwords), so a cmocka failure. */
static void login(struct mc_http_session *s, const char *user, const char *pw, int bearer)
{
	mc_http_session_init(s, srv.base);
	long st = mc_http_login(s, user, pw, bearer);
	if (st != 200)
		fprintf(stderr, "login %s: %ld\n", user, st);
	assert_int_equal(st, 200);
}

static json_int_t my_id(struct mc_http_session *s)
{
	struct mc_http_res r;
	assert_int_equal(mc_http_get(s, "/api/v1/me", &r), 200);
	json_int_t id = jint(r.json, "id");
	mc_http_res_free(&r);
	assert_true(id > 0);
	return id;
}

static json_int_t agency_id(const char *code)
{
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	assert_int_equal(mc_http_get(&s, "/api/v1/agencies", &r), 200);
	json_int_t id = 0;
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(r.json, "items"), i, a)
		if (strcmp(jstr(a, "code"), code) == 0)
			id = jint(a, "id");
	mc_http_res_free(&r);
	assert_true(id > 0);
	return id;
}

/* An official's id, looked up in the whole directory by the admin. */
static json_int_t official_id(const char *username)
{
	char path[128] = "/api/v1/users?limit=200";
	json_int_t id = 0;
	while (path[0]) {
		struct mc_http_res r;
		assert_int_equal(mc_http_get(&admin, path, &r), 200);
		size_t i;
		json_t *u;
		json_array_foreach(json_object_get(r.json, "items"), i, u)
			if (strcmp(jstr(u, "username"), username) == 0)
				id = jint(u, "id");
		const char *next = jstr(r.json, "next");
		snprintf(path, sizeof(path), "%s", next ? next : "");
		mc_http_res_free(&r);
	}
	assert_true(id > 0);
	return id;
}

static long get_user(struct mc_http_session *s, json_int_t id)
{
	char path[64];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id);
	long st = mc_http_get(s, path, &r);
	if (st == 404)
		assert_string_equal(jstr(r.json, "code"), "not_found");
	mc_http_res_free(&r);
	return st;
}

/* POST /api/v1/users as s; returns the status, the response in r. */
static long create_official(struct mc_http_session *s, const char *username, json_int_t agency, const char *roles,
			    struct mc_http_res *r)
{
	char body[600];
	snprintf(body, sizeof(body),
		 "{\"username\":\"%s\",\"full_name\":\"Nguyễn Văn Mới\",\"password\":\"MatKhau-2026\","
		 "\"agency_id\":%lld,\"roles\":%s,\"position\":\"Công chức tiếp nhận hồ sơ\",\"phone\":\"0901234567\","
		 "\"email\":\"%s@tphcm.gov.vn\"}",
		 username, (long long)agency, roles, username);
	return mc_http_post(s, "/api/v1/users", body, r);
}

/* Create an official who must be created; returns the id. */
static json_int_t new_official(const char *username, json_int_t agency)
{
	struct mc_http_res r;
	long st = create_official(&quantri, username, agency, "[\"clerk\"]", &r);
	if (st != 201)
		fprintf(stderr, "create %s: %ld %s\n", username, st, r.body);
	assert_int_equal(st, 201);
	json_int_t id = jint(r.json, "id");
	mc_http_res_free(&r);
	return id;
}

/* PATCH /api/v1/users/{id} with an If-Match value (NULL: none). */
static long patch_user(struct mc_http_session *s, json_int_t id, const char *if_match, const char *body,
		       struct mc_http_res *r)
{
	char path[64], h[80];
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id);
	snprintf(h, sizeof(h), "If-Match: %s", if_match ? if_match : "");
	const char *const hs[] = {h, NULL};
	return mc_http_do(s, "PATCH", path, body, if_match ? hs : NULL, r) ? -1 : r->status;
}

static void etag_of(json_int_t id, char *out, size_t n)
{
	char path[64];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id);
	assert_int_equal(mc_http_get(&admin, path, &r), 200);
	snprintf(out, n, "%s", mc_http_header(&r, "ETag"));
	char want[32];
	snprintf(want, sizeof(want), "\"v%lld\"", (long long)jint(r.json, "version"));
	assert_string_equal(out, want);
	mc_http_res_free(&r);
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 1, NULL, 1);
	mc_test_server_start(&srv, db_url, NULL);
	login(&admin, "admin", PW, 1);
	login(&quantri, "quantri", PW, 0);
	login(&clerk, "tiepnhan.p26740", PW, 1);
	login(&leader, "lanhdao", PW, 1);
	login(&cit_a, "079203001234", PW, 1);
	login(&cit_b, "079185176822", PW, 1);
	id_a = my_id(&cit_a);
	id_b = my_id(&cit_b);
	ag_root = agency_id("000.00.00.H29");
	ag_centre = agency_id("000.00.30.H29");
	ag_branch1 = agency_id("000.01.30.H29");
	ag_branch2 = agency_id("000.02.30.H29");
	ag_stp = agency_id("000.00.02.H29");
	ag_ward = agency_id("000.01.31.H29");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, NULL);
	return 0;
}

static void citizen_sees_only_self(void **state)
{
	(void)state;
	struct mc_http_res r;
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id_a);
	assert_int_equal(mc_http_get(&cit_a, path, &r), 200);
	assert_string_equal(jstr(r.json, "id_number"), "079203001234");
	assert_string_equal(mc_http_header(&r, "ETag"), "\"v1\"");
	mc_http_res_free(&r);
	/* another citizen, an official, an id that does not exist: all the same 404 */
	assert_int_equal(get_user(&cit_a, id_b), 404);
	assert_int_equal(get_user(&cit_a, official_id("tiepnhan")), 404);
	assert_int_equal(get_user(&cit_a, 999999), 404);
	assert_int_equal(mc_http_get(&cit_a, "/api/v1/users/abc", &r), 404);
	mc_http_res_free(&r);
	/* no directory */
	mc_http_get(&cit_a, "/api/v1/users", &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	mc_http_get(&cit_a, "/api/v1/users?limit=2", &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	/* no account management, not even of themself */
	patch_user(&cit_a, id_a, "\"v1\"", "{\"full_name\":\"Nguyễn Văn Ân\"}", &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	create_official(&cit_a, "congdan.tao", ag_centre, "[\"clerk\"]", &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	/* anonymous: 401 */
	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	mc_http_get(&anon, path, &r);
	assert_problem(&r, 401, "unauthenticated");
	mc_http_res_free(&r);
	/* B reads B; the system administrator (citizen.read) reads both */
	assert_int_equal(get_user(&cit_b, id_b), 200);
	assert_int_equal(get_user(&admin, id_a), 200);
	assert_int_equal(get_user(&admin, id_b), 200);
}

static void official_jurisdiction(void **state)
{
	(void)state;
	/* a reception clerk of the Sài Gòn ward committee */
	assert_int_equal(get_user(&clerk, official_id("chutich.p26740")), 200);
	assert_int_equal(get_user(&clerk, official_id("vanthu.p26740")), 200);
	assert_int_equal(get_user(&clerk, official_id("tiepnhan.p26740")), 200);
	assert_int_equal(get_user(&clerk, official_id("chuyenvien.stp")), 404);  /* a department */
	assert_int_equal(get_user(&clerk, official_id("tiepnhan.p26743")), 404); /* another ward */
	assert_int_equal(get_user(&clerk, official_id("lanhdao")), 404);         /* above, not below */
	assert_int_equal(get_user(&clerk, id_a), 404);                           /* a citizen */
	/* the clerk's directory holds the ward committee only */
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&clerk, "/api/v1/users", &r), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 5); /* clerk, specialist, leader, clerical, accountant */
	size_t i;
	json_t *u;
	json_array_foreach(items, i, u)
		assert_int_equal(jint(u, "agency_id"), ag_ward);
	assert_null(json_object_get(r.json, "next"));
	mc_http_res_free(&r);
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/users?agency_id=%lld", (long long)ag_stp);
	assert_int_equal(mc_http_get(&clerk, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	mc_http_res_free(&r);

	/* a city leader sees the whole city's officials, still no citizen */
	assert_int_equal(get_user(&leader, official_id("chuyenvien.stp")), 200);
	assert_int_equal(get_user(&leader, official_id("tiepnhan.p26740")), 200);
	assert_int_equal(get_user(&leader, official_id("tiepnhan.cn5")), 200);
	assert_int_equal(get_user(&leader, id_b), 404);
	/* the service centre's admin sees the centre and its branches */
	assert_int_equal(get_user(&quantri, official_id("tiepnhan.cn1")), 200);
	assert_int_equal(get_user(&quantri, official_id("giamdoc.ttpvhcc")), 200);
	assert_int_equal(get_user(&quantri, official_id("chuyenvien.stp")), 404);
	assert_int_equal(get_user(&quantri, official_id("tiepnhan.p26740")), 404);
	assert_int_equal(get_user(&quantri, id_a), 404);
}

static void agency_admin_creates_officials(void **state)
{
	(void)state;
	struct mc_http_res r;
	/* in the centre */
	assert_int_equal(create_official(&quantri, "tiepnhan.moi1", ag_centre, "[\"clerk\"]", &r), 201);
	json_int_t id = jint(r.json, "id");
	char loc[64];
	snprintf(loc, sizeof(loc), "/api/v1/users/%lld", (long long)id);
	assert_string_equal(mc_http_header(&r, "Location"), loc);
	assert_string_equal(mc_http_header(&r, "ETag"), "\"v1\"");
	assert_string_equal(jstr(r.json, "kind"), "official");
	assert_string_equal(jstr(r.json, "username"), "tiepnhan.moi1");
	assert_int_equal(jint(json_object_get(r.json, "agency"), "id"), ag_centre);
	assert_string_equal(json_string_value(json_array_get(json_object_get(r.json, "roles"), 0)), "clerk");
	assert_null(json_object_get(r.json, "password"));
	assert_null(json_object_get(r.json, "password_hash"));
	mc_http_res_free(&r);
	/* in a branch, with two roles */
	assert_int_equal(create_official(&quantri, "tiepnhan.moi2", ag_branch1, "[\"clerk\",\"specialist\"]", &r), 201);
	assert_int_equal(jint(json_object_get(r.json, "agency"), "id"), ag_branch1);
	assert_int_equal(json_array_size(json_object_get(r.json, "roles")), 2);
	mc_http_res_free(&r);
	/* the new official can log in and is in the admin's directory */
	struct mc_http_session n;
	login(&n, "tiepnhan.moi1", "MatKhau-2026", 1);
	assert_int_equal(my_id(&n), id);
	assert_int_equal(get_user(&quantri, id), 200);

	/* outside the centre's subtree: a department, the city committee, a ward */
	create_official(&quantri, "tiepnhan.moi3", ag_stp, "[\"clerk\"]", &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	create_official(&quantri, "tiepnhan.moi3", ag_root, "[\"clerk\"]", &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	create_official(&quantri, "tiepnhan.moi3", ag_ward, "[\"clerk\"]", &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	create_official(&quantri, "tiepnhan.moi3", 999999, "[\"clerk\"]", &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	/* an agency admin cannot make a system administrator */
	create_official(&quantri, "tiepnhan.moi3", ag_centre, "[\"sys_admin\"]", &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	create_official(&quantri, "tiepnhan.moi3", ag_centre, "[\"clerk\",\"sys_admin\"]", &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	/* unknown or public roles, no roles */
	static const char *const bad_roles[] = {"[\"wizard\"]", "[\"citizen\"]", "[\"business\"]",
						"[]",           "\"clerk\"",     "[42]"};
	for (size_t i = 0; i < sizeof(bad_roles) / sizeof(bad_roles[0]); i++) {
		create_official(&quantri, "tiepnhan.moi3", ag_centre, bad_roles[i], &r);
		assert_problem(&r, 422, "validation_failed");
		assert_true(field_error(r.json, "roles", NULL));
		mc_http_res_free(&r);
	}
	/* none of these was created */
	struct mc_http_session x;
	mc_http_session_init(&x, srv.base);
	assert_int_equal(mc_http_login(&x, "tiepnhan.moi3", "MatKhau-2026", 1), 401);
	/* a user name that is taken, a bad user name */
	create_official(&quantri, "tiepnhan.moi1", ag_centre, "[\"clerk\"]", &r);
	assert_problem(&r, 409, "conflict");
	mc_http_res_free(&r);
	create_official(&quantri, "Tiep Nhan", ag_centre, "[\"clerk\"]", &r);
	assert_problem(&r, 422, "validation_failed");
	assert_true(field_error(r.json, "username", "format"));
	mc_http_res_free(&r);

	/* a ward's agency admin cannot act at the centre; a clerk cannot act at all */
	struct mc_http_session ward_admin;
	login(&ward_admin, "vanthu.p26740", PW, 1);
	create_official(&ward_admin, "tiepnhan.moi4", ag_centre, "[\"clerk\"]", &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	assert_int_equal(create_official(&ward_admin, "tiepnhan.moi4", ag_ward, "[\"clerk\"]", &r), 201);
	mc_http_res_free(&r);
	create_official(&clerk, "tiepnhan.moi5", ag_ward, "[\"clerk\"]", &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	/* the system administrator may grant sys_admin */
	assert_int_equal(create_official(&admin, "quantri.heth", ag_root, "[\"sys_admin\"]", &r), 201);
	mc_http_res_free(&r);
}

static void patch_needs_if_match(void **state)
{
	(void)state;
	json_int_t id = new_official("tiepnhan.sua", ag_centre);
	char v1[32], v2[32], v3[32];
	etag_of(id, v1, sizeof(v1));
	assert_string_equal(v1, "\"v1\"");
	struct mc_http_res r;
	/* no If-Match */
	patch_user(&quantri, id, NULL, "{\"full_name\":\"Nguyễn Văn Sửa\"}", &r);
	assert_problem(&r, 428, "precondition_required");
	mc_http_res_free(&r);
	/* the current ETag */
	assert_int_equal(
		patch_user(&quantri, id, v1, "{\"full_name\":\"Nguyễn Văn Sửa\",\"position\":\"Tổ trưởng\"}", &r), 200);
	snprintf(v2, sizeof(v2), "%s", mc_http_header(&r, "ETag"));
	assert_string_not_equal(v2, v1);
	assert_string_equal(v2, "\"v2\"");
	assert_string_equal(jstr(r.json, "full_name"), "Nguyễn Văn Sửa");
	assert_string_equal(jstr(r.json, "position"), "Tổ trưởng");
	assert_string_equal(jstr(r.json, "phone"), "0901234567"); /* untouched fields stay */
	mc_http_res_free(&r);
	/* a stale ETag: refused, nothing changes */
	patch_user(&quantri, id, v1, "{\"full_name\":\"Lê Văn Cũ\"}", &r);
	assert_problem(&r, 412, "precondition_failed");
	mc_http_res_free(&r);
	/* not an ETag of ours */
	patch_user(&quantri, id, "*", "{\"full_name\":\"Lê Văn Cũ\"}", &r);
	assert_problem(&r, 412, "precondition_failed");
	mc_http_res_free(&r);
	char now[32];
	etag_of(id, now, sizeof(now));
	assert_string_equal(now, v2);
	/* invalid values */
	patch_user(&quantri, id, v2, "{\"status\":\"frozen\",\"phone\":\"12\"}", &r);
	assert_problem(&r, 422, "validation_failed");
	assert_true(field_error(r.json, "status", "enum"));
	assert_true(field_error(r.json, "phone", "format"));
	mc_http_res_free(&r);
	/* the next change with the current ETag */
	assert_int_equal(patch_user(&quantri, id, v2, "{\"phone\":\"0901234568\"}", &r), 200);
	snprintf(v3, sizeof(v3), "%s", mc_http_header(&r, "ETag"));
	assert_string_equal(v3, "\"v3\"");
	assert_string_equal(jstr(r.json, "full_name"), "Nguyễn Văn Sửa");
	mc_http_res_free(&r);
	/* outside the subtree, a citizen: 404 even with a plausible ETag */
	patch_user(&quantri, official_id("chuyenvien.stp"), "\"v1\"", "{\"full_name\":\"X\"}", &r);
	assert_problem(&r, 404, "not_found");
	mc_http_res_free(&r);
	patch_user(&quantri, id_a, "\"v1\"", "{\"full_name\":\"X\"}", &r);
	assert_problem(&r, 404, "not_found");
	mc_http_res_free(&r);
	/* an official who sees the account but may not manage it */
	patch_user(&leader, id, v3, "{\"full_name\":\"X\"}", &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
}

static void disable_ends_sessions(void **state)
{
	(void)state;
	json_int_t id = new_official("tiepnhan.khoa", ag_branch2);
	struct mc_http_session x, xc;
	login(&x, "tiepnhan.khoa", "MatKhau-2026", 1);
	login(&xc, "tiepnhan.khoa", "MatKhau-2026", 0);
	char tag[32];
	etag_of(id, tag, sizeof(tag));
	struct mc_http_res r;
	assert_int_equal(patch_user(&quantri, id, tag, "{\"status\":\"disabled\"}", &r), 200);
	assert_string_equal(jstr(r.json, "status"), "disabled");
	mc_http_res_free(&r);
	/* their sessions end */
	mc_http_get(&x, "/api/v1/me", &r);
	assert_problem(&r, 401, "unauthenticated");
	mc_http_res_free(&r);
	mc_http_get(&xc, "/api/v1/me", &r);
	assert_problem(&r, 401, "unauthenticated");
	mc_http_res_free(&r);
	/* and the right password is answered like a wrong one */
	struct mc_http_session y;
	mc_http_session_init(&y, srv.base);
	assert_int_equal(mc_http_login(&y, "tiepnhan.khoa", "MatKhau-2026", 1), 401);
	assert_string_equal(y.token, "");
	/* the directory shows the account as disabled */
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/users?agency_id=%lld", (long long)ag_branch2);
	assert_int_equal(mc_http_get(&quantri, path, &r), 200);
	int seen = 0;
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(r.json, "items"), i, u)
		if (jint(u, "id") == id) {
			assert_string_equal(jstr(u, "status"), "disabled");
			seen = 1;
		}
	assert_true(seen);
	mc_http_res_free(&r);
	/* enabled again: a new login works, the old sessions stay ended */
	etag_of(id, tag, sizeof(tag));
	assert_int_equal(patch_user(&quantri, id, tag, "{\"status\":\"active\"}", &r), 200);
	mc_http_res_free(&r);
	login(&y, "tiepnhan.khoa", "MatKhau-2026", 1);
	assert_int_equal(mc_http_get(&y, "/api/v1/me", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&x, "/api/v1/me", &r), 401);
	mc_http_res_free(&r);
	/* nobody disables themself */
	json_int_t self = my_id(&quantri);
	etag_of(self, tag, sizeof(tag));
	patch_user(&quantri, self, tag, "{\"status\":\"disabled\"}", &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&quantri, "/api/v1/me", &r), 200);
	mc_http_res_free(&r);
}

static void reset_password_in_subtree(void **state)
{
	(void)state;
	struct mc_http_session old;
	login(&old, "tiepnhan.cn1", PW, 1);
	json_int_t id = my_id(&old);
	char path[80];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/users/%lld/password", (long long)id);
	/* a weak password is refused */
	mc_http_post(&quantri, path, "{\"new_password\":\"12345678\"}", &r);
	assert_problem(&r, 422, "validation_failed");
	mc_http_res_free(&r);
	/* an official without the permission */
	mc_http_post(&leader, path, "{\"new_password\":\"DatLai-Moi-2026\"}", &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&quantri, path, "{\"new_password\":\"DatLai-Moi-2026\"}", &r), 204);
	mc_http_res_free(&r);
	/* the user's sessions end; the old password fails, the new one works */
	assert_int_equal(mc_http_get(&old, "/api/v1/me", &r), 401);
	mc_http_res_free(&r);
	struct mc_http_session s;
	mc_http_session_init(&s, srv.base);
	assert_int_equal(mc_http_login(&s, "tiepnhan.cn1", PW, 1), 401);
	login(&s, "tiepnhan.cn1", "DatLai-Moi-2026", 1);
	assert_int_equal(my_id(&s), id);
	/* outside the subtree and citizens: 404 */
	snprintf(path, sizeof(path), "/api/v1/users/%lld/password", (long long)official_id("chuyenvien.stp"));
	mc_http_post(&quantri, path, "{\"new_password\":\"DatLai-Moi-2026\"}", &r);
	assert_problem(&r, 404, "not_found");
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/users/%lld/password", (long long)id_b);
	mc_http_post(&quantri, path, "{\"new_password\":\"DatLai-Moi-2026\"}", &r);
	assert_problem(&r, 404, "not_found");
	mc_http_res_free(&r);
	/* so the old passwords still work there */
	login(&s, "chuyenvien.stp", PW, 1);
	login(&s, "079185176822", PW, 1);
}

static void agency_admin_creates_agencies(void **state)
{
	(void)state;
	struct mc_http_res r;
	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	assert_int_equal(mc_http_get(&anon, "/api/v1/agencies", &r), 200);
	size_t before = json_array_size(json_object_get(r.json, "items"));
	mc_http_res_free(&r);

	char body[600];
	const char *fmt =
		"{\"code\":\"%s\",\"kind\":\"branch\",\"name\":\"Chi nhánh số 6\",\"name_en\":\"Branch No. 6\","
		"\"unit_code\":\"%s\",\"parent_id\":%lld}";
	snprintf(body, sizeof(body), fmt, "000.06.30.H29", "26743", (long long)ag_centre);
	assert_int_equal(mc_http_post(&quantri, "/api/v1/agencies", body, &r), 201);
	json_int_t id = jint(r.json, "id");
	char loc[64];
	snprintf(loc, sizeof(loc), "/api/v1/agencies/%lld", (long long)id);
	assert_string_equal(mc_http_header(&r, "Location"), loc);
	assert_int_equal(jint(r.json, "parent_id"), ag_centre);
	assert_string_equal(jstr(r.json, "province_code"), "79");
	assert_string_equal(jstr(r.json, "kind"), "branch");
	mc_http_res_free(&r);
	/* the new agency is inside the admin's subtree at once */
	assert_int_equal(create_official(&quantri, "tiepnhan.cn6", id, "[\"clerk\"]", &r), 201);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&anon, loc, &r), 200);
	assert_string_equal(jstr(r.json, "code"), "000.06.30.H29");
	mc_http_res_free(&r);
	/* under a department or the city committee: forbidden */
	snprintf(body, sizeof(body), fmt, "000.07.30.H29", "26743", (long long)ag_stp);
	mc_http_post(&quantri, "/api/v1/agencies", body, &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), fmt, "000.07.30.H29", "26743", (long long)ag_root);
	mc_http_post(&quantri, "/api/v1/agencies", body, &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	/* a taken code, an unknown unit, a bad kind */
	snprintf(body, sizeof(body), fmt, "000.06.30.H29", "26743", (long long)ag_centre);
	mc_http_post(&quantri, "/api/v1/agencies", body, &r);
	assert_problem(&r, 409, "conflict");
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), fmt, "000.07.30.H29", "99999", (long long)ag_centre);
	mc_http_post(&quantri, "/api/v1/agencies", body, &r);
	assert_problem(&r, 422, "validation_failed");
	assert_true(field_error(r.json, "unit_code", "unknown"));
	mc_http_res_free(&r);
	mc_http_post(
		&quantri, "/api/v1/agencies",
		"{\"code\":\"000.07.30.H29\",\"kind\":\"castle\",\"name\":\"X\",\"name_en\":\"X\",\"unit_code\":\"79\","
		"\"parent_id\":1}",
		&r);
	assert_problem(&r, 422, "validation_failed");
	assert_true(field_error(r.json, "kind", "enum"));
	mc_http_res_free(&r);
	/* without agency.manage */
	snprintf(body, sizeof(body), fmt, "000.07.30.H29", "26743", (long long)ag_centre);
	mc_http_post(&clerk, "/api/v1/agencies", body, &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	mc_http_post(&anon, "/api/v1/agencies", body, &r);
	assert_problem(&r, 401, "unauthenticated");
	mc_http_res_free(&r);
	/* exactly one agency more */
	assert_int_equal(mc_http_get(&anon, "/api/v1/agencies", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), before + 1);
	mc_http_res_free(&r);
}

static void directory_pages(void **state)
{
	(void)state;
	struct mc_http_res r;
	/* everything at once, for comparison */
	assert_int_equal(mc_http_get(&admin, "/api/v1/users?limit=200", &r), 200);
	json_t *all = json_incref(json_object_get(r.json, "items"));
	assert_null(json_object_get(r.json, "next"));
	mc_http_res_free(&r);
	assert_true(json_array_size(all) >= 52);

	/* pages of two, following "next" */
	assert_int_equal(mc_http_get(&admin, "/api/v1/users?limit=2", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
	char want[80];
	snprintf(want, sizeof(want), "/api/v1/users?after=%lld&limit=2",
		 (long long)jint(json_array_get(json_object_get(r.json, "items"), 1), "id"));
	assert_string_equal(jstr(r.json, "next"), want);
	mc_http_res_free(&r);
	char path[128] = "/api/v1/users?limit=2";
	size_t seen = 0;
	json_int_t last = INT64_MAX;
	int pages = 0;
	while (path[0]) {
		assert_int_equal(mc_http_get(&admin, path, &r), 200);
		json_t *items = json_object_get(r.json, "items");
		assert_true(json_array_size(items) >= 1 && json_array_size(items) <= 2);
		size_t i;
		json_t *u;
		json_array_foreach(items, i, u) {
			assert_true(jint(u, "id") < last); /* newest first, no repeats */
			last = jint(u, "id");
			assert_true(seen < json_array_size(all));
			assert_int_equal(jint(u, "id"), jint(json_array_get(all, seen), "id"));
			seen++;
		}
		const char *next = jstr(r.json, "next");
		snprintf(path, sizeof(path), "%s", next ? next : "");
		mc_http_res_free(&r);
		pages++;
	}
	assert_int_equal(seen, json_array_size(all));
	assert_int_equal(pages, (int)((seen + 1) / 2));
	json_decref(all);

	/* the agency admin's directory stays in the centre's subtree, page by page too */
	snprintf(path, sizeof(path), "%s", "/api/v1/users?limit=3");
	seen = 0;
	while (path[0]) {
		assert_int_equal(mc_http_get(&quantri, path, &r), 200);
		size_t i;
		json_t *u;
		json_array_foreach(json_object_get(r.json, "items"), i, u) {
			json_int_t ag = jint(u, "agency_id");
			char p[64];
			snprintf(p, sizeof(p), "/api/v1/agencies/%lld", (long long)ag);
			struct mc_http_res a;
			assert_int_equal(mc_http_get(&quantri, p, &a), 200);
			json_int_t parent = jint(a.json, "parent_id");
			mc_http_res_free(&a);
			assert_true(ag == ag_centre || parent == ag_centre);
			seen++;
		}
		const char *next = jstr(r.json, "next");
		snprintf(path, sizeof(path), "%s", next ? next : "");
		mc_http_res_free(&r);
	}
	assert_true(seen >= 12);
	/* bad paging parameters */
	static const char *const bad[] = {"/api/v1/users?limit=0", "/api/v1/users?limit=201", "/api/v1/users?after=abc",
					  "/api/v1/users?after=-5", "/api/v1/users?agency_id=x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mc_http_get(&admin, bad[i], &r);
		assert_problem(&r, 422, "validation_failed");
		mc_http_res_free(&r);
	}
}

/* The audit log: what the admin's team did to an official is in it, once
 * each, in a chain that verifies. */
static void audit_for_sys_admin(void **state)
{
	(void)state;
	struct mc_http_res r;
	json_int_t id = new_official("tiepnhan.kiemtoan", ag_branch2);
	char tag[32], path[80], object_id[24];
	etag_of(id, tag, sizeof(tag));
	assert_int_equal(patch_user(&quantri, id, tag, "{\"status\":\"disabled\"}", &r), 200);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/users/%lld/password", (long long)id);
	assert_int_equal(mc_http_post(&quantri, path, "{\"new_password\":\"DatLai-Moi-2026\"}", &r), 204);
	mc_http_res_free(&r);
	snprintf(object_id, sizeof(object_id), "%lld", (long long)id);
	assert_int_equal(mc_http_get(&admin, "/api/v1/audit?limit=200", &r), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_true(json_array_size(items) > 10);
	int created = 0, disabled = 0, reset = 0;
	json_int_t last = INT64_MAX;
	json_t *disabled_detail = json_pack("{s:s}", "status", "disabled");
	size_t i;
	json_t *e;
	json_array_foreach(items, i, e) {
		assert_true(jint(e, "id") < last);
		last = jint(e, "id");
		assert_int_equal(strlen(jstr(e, "hash")), 64);
		const char *act = jstr(e, "action");
		int about_it = strcmp(jstr(e, "object_id"), object_id) == 0;
		created += strcmp(act, "user.create") == 0;
		reset += about_it && strcmp(act, "user.password_reset") == 0;
		if (about_it && strcmp(act, "user.update") == 0 &&
		    json_equal(json_object_get(e, "detail"), disabled_detail))
			disabled++;
	}
	json_decref(disabled_detail);
	assert_true(created >= 5);
	assert_int_equal(disabled, 1);
	assert_int_equal(reset, 1);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&admin, "/api/v1/audit/verify", &r), 200);
	assert_true(json_is_true(json_object_get(r.json, "intact")));
	assert_true(jint(r.json, "checked") > 10);
	assert_null(json_object_get(r.json, "first_bad_id"));
	mc_http_res_free(&r);
	/* nobody else */
	struct mc_http_session *others[] = {&quantri, &clerk, &leader, &cit_a};
	for (size_t k = 0; k < sizeof(others) / sizeof(others[0]); k++) {
		mc_http_get(others[k], "/api/v1/audit", &r);
		assert_problem(&r, 403, "forbidden");
		mc_http_res_free(&r);
		mc_http_get(others[k], "/api/v1/audit/verify", &r);
		assert_problem(&r, 403, "forbidden");
		mc_http_res_free(&r);
	}
	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	mc_http_get(&anon, "/api/v1/audit", &r);
	assert_problem(&r, 401, "unauthenticated");
	mc_http_res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(citizen_sees_only_self),
		cmocka_unit_test(official_jurisdiction),
		cmocka_unit_test(agency_admin_creates_officials),
		cmocka_unit_test(patch_needs_if_match),
		cmocka_unit_test(disable_ends_sessions),
		cmocka_unit_test(reset_password_in_subtree),
		cmocka_unit_test(agency_admin_creates_agencies),
		cmocka_unit_test(directory_pages),
		cmocka_unit_test(audit_for_sys_admin),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
