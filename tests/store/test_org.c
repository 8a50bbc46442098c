/*
 * test_org.c - administrative units, agencies and officials on a seeded
 * database (data/units, data/demo), on SQLite and PostgreSQL: unit counts
 * of both eras, diacritic-free search, former wards and what they became,
 * the agency closure table, the jurisdiction of the officials list and its
 * pagination, and unique user names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "only.h"
#include "testdb.h"

#include "core/err.h"
#include "org/org.h"
#include "seed/seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char db_url[512];
static struct mc_db *db;
static struct mc_conn *conn;

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 1, &db, 1);
	assert_int_equal(mc_db_acquire(db, &conn), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_db_release(conn);
	conn = NULL;
	mc_test_db_drop(db_url, db);
	db = NULL;
	return 0;
}

static int64_t count(const char *sql, const char *era, const char *level)
{
	int64_t n = -1;
	assert_int_equal(mc_query_int64(conn, &n, sql, "tt", era, level), 0);
	return n;
}

static int64_t agency(const char *code)
{
	int64_t id = 0;
	if (mc_agency_by_code(conn, code, &id))
		fail_msg("no agency %s", code);
	assert_true(id > 0);
	return id;
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	if (!s)
		fail_msg("no string \"%s\"", k);
	return s;
}

/* Index of the element with "code" == code in arr, or -1. */
static int find_code(json_t *arr, const char *code)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		if (strcmp(jstr(v, "code"), code) == 0)
			return (int)i;
	}
	return -1;
}

/* ---- units ---- */

static void unit_counts(void **state)
{
	(void)state;
	const char *sql = "SELECT COUNT(*) FROM units WHERE era = ? AND level = ?";
	assert_int_equal(count(sql, "current", "province"), 34);
	assert_int_equal(count(sql, "current", "district"), 0);
	assert_int_equal(count(sql, "current", "ward"), 3321);
	assert_int_equal(count(sql, "2025-03", "province"), 63);
	assert_int_equal(count(sql, "2025-03", "district"), 696);
	assert_int_equal(count(sql, "2025-03", "ward"), 10035);

	/* every unit hangs off a parent of the same era one level up */
	const char *orphans = "SELECT COUNT(*) FROM units u WHERE u.era = ? AND u.level = ? AND NOT EXISTS"
			      " (SELECT 1 FROM units p WHERE p.era = u.era AND p.code = u.parent_code"
			      " AND p.level = CASE u.level WHEN 'ward' THEN"
			      " CASE u.era WHEN 'current' THEN 'province' ELSE 'district' END ELSE 'province' END)";
	assert_int_equal(count(orphans, "current", "ward"), 0);
	assert_int_equal(count(orphans, "2025-03", "ward"), 0);
	assert_int_equal(count(orphans, "2025-03", "district"), 0);

	/* the top level of each era, through the store */
	json_t *arr;
	assert_int_equal(mc_units_list(conn, "current", NULL, NULL, 1000, &arr), 0);
	assert_int_equal(json_array_size(arr), 34);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		assert_string_equal(jstr(v, "level"), "province");
		assert_true(json_is_null(json_object_get(v, "parent_code")));
	}
	int hcmc = find_code(arr, "79");
	assert_true(hcmc >= 0);
	assert_string_equal(jstr(json_array_get(arr, (size_t)hcmc), "name"), "Hồ Chí Minh");
	json_decref(arr);
	assert_int_equal(mc_units_list(conn, "2025-03", NULL, NULL, 1000, &arr), 0);
	assert_int_equal(json_array_size(arr), 63);
	json_decref(arr);
	/* the limit is honoured */
	assert_int_equal(mc_units_list(conn, "2025-03", NULL, NULL, 5, &arr), 0);
	assert_int_equal(json_array_size(arr), 5);
	json_decref(arr);
}

static void hcmc_wards(void **state)
{
	(void)state;
	json_t *arr;
	assert_int_equal(mc_units_list(conn, "current", "79", NULL, 100000, &arr), 0);
	assert_int_equal(json_array_size(arr), 168);
	size_t i;
	json_t *v;
	const char *prev = "";
	json_array_foreach(arr, i, v) {
		assert_string_equal(jstr(v, "level"), "ward");
		assert_string_equal(jstr(v, "parent_code"), "79");
		assert_string_equal(jstr(v, "province_code"), "79");
		assert_true(strcmp(prev, jstr(v, "code")) < 0); /* ordered by code, no duplicates */
		prev = jstr(v, "code");
	}
	int k = find_code(arr, "26743");
	assert_true(k >= 0);
	assert_string_equal(jstr(json_array_get(arr, (size_t)k), "full_name"), "Phường Bến Thành");
	json_decref(arr);

	/* before the reform the city had districts, and wards under them */
	assert_int_equal(mc_units_list(conn, "2025-03", "79", NULL, 100000, &arr), 0);
	assert_int_equal(json_array_size(arr), 22);
	json_array_foreach(arr, i, v)
		assert_string_equal(jstr(v, "level"), "district");
	json_decref(arr);
	assert_int_equal(mc_units_list(conn, "2025-03", "760", NULL, 100000, &arr), 0);
	assert_true(find_code(arr, "26743") >= 0);
	json_array_foreach(arr, i, v)
		assert_string_equal(jstr(v, "province_code"), "79");
	json_decref(arr);
}

static void search_ignores_diacritics(void **state)
{
	(void)state;
	const char *queries[] = {
		"ben thanh",
		"Bến Thành",
		"BẾN THÀNH",
		"phuong  ben-thanh",
		"Be\xcc\x82\xcc\x81n Tha\xcc\x80nh", /* decomposed (NFD) input */
	};
	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		json_t *arr;
		assert_int_equal(mc_units_list(conn, "current", NULL, queries[q], 50, &arr), 0);
		int k = find_code(arr, "26743");
		if (k < 0)
			fail_msg("query \"%s\" did not find Phường Bến Thành", queries[q]);
		json_t *u = json_array_get(arr, (size_t)k);
		assert_string_equal(jstr(u, "full_name"), "Phường Bến Thành");
		assert_string_equal(jstr(u, "province_code"), "79");
		json_decref(arr);
	}
	/* within a province, and not within another */
	json_t *arr;
	assert_int_equal(mc_units_list(conn, "current", "79", "ben thanh", 50, &arr), 0);
	assert_int_equal(json_array_size(arr), 1);
	assert_string_equal(jstr(json_array_get(arr, 0), "code"), "26743");
	json_decref(arr);
	assert_int_equal(mc_units_list(conn, "current", "01", "ben thanh", 50, &arr), 0);
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
	/* đ folds to d: "da kao" finds the former Phường Đa Kao */
	assert_int_equal(mc_units_list(conn, "2025-03", NULL, "da kao", 50, &arr), 0);
	assert_true(find_code(arr, "26737") >= 0);
	json_decref(arr);
	/* provinces are searchable too */
	assert_int_equal(mc_units_list(conn, "current", NULL, "ho chi minh", 50, &arr), 0);
	assert_true(find_code(arr, "79") >= 0);
	json_decref(arr);
	assert_int_equal(mc_units_list(conn, "current", NULL, "zzzz khong co", 50, &arr), 0);
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
}

static void former_ward_became(void **state)
{
	(void)state;
	json_t *u;
	/* Phường Đa Kao (Quận 1) was split between Tân Định and Sài Gòn */
	assert_int_equal(mc_unit_get(conn, "2025-03", "26737", &u), 0);
	assert_string_equal(jstr(u, "full_name"), "Phường Đa Kao");
	assert_string_equal(jstr(u, "era"), "2025-03");
	assert_string_equal(jstr(u, "parent_code"), "760");
	json_t *became = json_object_get(u, "became");
	assert_true(json_is_array(became));
	assert_int_equal(json_array_size(became), 2);
	assert_string_equal(jstr(json_array_get(became, 0), "code"), "26737");
	assert_string_equal(jstr(json_array_get(became, 0), "full_name"), "Phường Tân Định");
	assert_string_equal(jstr(json_array_get(became, 1), "code"), "26740");
	assert_string_equal(jstr(json_array_get(became, 1), "full_name"), "Phường Sài Gòn");
	json_decref(u);

	/* Phường Bến Nghé became part of Phường Sài Gòn */
	assert_int_equal(mc_unit_get(conn, "2025-03", "26740", &u), 0);
	assert_string_equal(jstr(u, "full_name"), "Phường Bến Nghé");
	became = json_object_get(u, "became");
	assert_int_equal(json_array_size(became), 1);
	assert_string_equal(jstr(json_array_get(became, 0), "full_name"), "Phường Sài Gòn");
	json_decref(u);

	/* a current unit has no "became"; an unknown code is not found */
	assert_int_equal(mc_unit_get(conn, "current", "26740", &u), 0);
	assert_string_equal(jstr(u, "full_name"), "Phường Sài Gòn");
	assert_null(json_object_get(u, "became"));
	json_decref(u);
	assert_int_equal(mc_unit_get(conn, "current", "99999", &u), MC_E_NOT_FOUND);
	assert_int_equal(mc_unit_get(conn, "current", "26734", &u), MC_E_NOT_FOUND); /* Tân Định's old code */
}

/* ---- agencies ---- */

static void agency_closure(void **state)
{
	(void)state;
	int64_t city = agency("000.00.00.H29");
	int64_t justice = agency("000.00.02.H29");
	int64_t centre = agency("000.00.30.H29");
	int64_t branch1 = agency("000.01.30.H29");
	int64_t ward_sg = agency("000.01.31.H29");

	/* the city committee has every agency within it */
	int64_t total = 0;
	assert_int_equal(mc_query_int64(conn, &total, "SELECT COUNT(*) FROM agencies", ""), 0);
	assert_int_equal(total, 36);
	json_t *arr;
	assert_int_equal(mc_agencies_list(conn, city, &arr), 0);
	assert_int_equal(json_array_size(arr), total);
	assert_string_equal(jstr(json_array_get(arr, 0), "code"), "000.00.00.H29"); /* depth 0 first */
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		int64_t id = json_integer_value(json_object_get(v, "id"));
		assert_int_equal(mc_agency_within(conn, city, id), 1);
	}
	json_decref(arr);
	int64_t n = 0;
	assert_int_equal(mc_query_int64(conn, &n, "SELECT COUNT(*) FROM agency_tree WHERE ancestor_id = ?", "i", city),
			 0);
	assert_int_equal(n, total);
	/* one self row per agency */
	assert_int_equal(
		mc_query_int64(conn, &n,
			       "SELECT COUNT(*) FROM agency_tree WHERE depth = 0 AND ancestor_id = descendant_id", ""),
		0);
	assert_int_equal(n, total);

	/* within is directional and follows the tree, not the city */
	assert_int_equal(mc_agency_within(conn, justice, ward_sg), 0);
	assert_int_equal(mc_agency_within(conn, ward_sg, justice), 0);
	assert_int_equal(mc_agency_within(conn, ward_sg, city), 0);
	assert_int_equal(mc_agency_within(conn, branch1, centre), 0);
	assert_int_equal(mc_agency_within(conn, centre, branch1), 1);
	assert_int_equal(mc_agency_within(conn, city, branch1), 1);
	assert_int_equal(mc_agency_within(conn, branch1, branch1), 1);
	assert_int_equal(mc_agency_within(conn, agency("000.02.30.H29"), branch1), 0);

	/* the service centre's subtree: itself and its 5 branches */
	assert_int_equal(mc_agencies_list(conn, centre, &arr), 0);
	assert_int_equal(json_array_size(arr), 6);
	assert_string_equal(jstr(json_array_get(arr, 0), "code"), "000.00.30.H29");
	json_array_foreach(arr, i, v)
		if (i > 0)
			assert_string_equal(jstr(v, "kind"), "branch");
	json_decref(arr);
	/* a ward committee's subtree is itself */
	assert_int_equal(mc_agencies_list(conn, ward_sg, &arr), 0);
	assert_int_equal(json_array_size(arr), 1);
	json_decref(arr);
}

static void agency_create_child(void **state)
{
	(void)state;
	int64_t city = agency("000.00.00.H29");
	int64_t centre = agency("000.00.30.H29");
	int64_t branch1 = agency("000.01.30.H29");
	struct mc_agency_new a = {"000.01.30.H29.01",
				  "branch",
				  "Điểm tiếp nhận Phường Bàn Cờ - Tổ 1",
				  "Ban Co Ward reception point - Team 1",
				  "27154",
				  branch1,
				  NULL};
	int64_t id = 0;
	assert_int_equal(mc_tx_begin(conn, 1), 0);
	assert_int_equal(mc_agency_create(conn, &a, &id), 0);
	assert_int_equal(mc_tx_commit(conn), 0);
	assert_true(id > 0);

	/* its ancestors: itself, the branch, the centre, the city */
	struct mc_stmt *s;
	assert_int_equal(mc_query(conn, &s,
				  "SELECT ancestor_id, depth FROM agency_tree WHERE descendant_id = ? ORDER BY depth",
				  "i", id),
			 0);
	const int64_t want[] = {id, branch1, centre, city};
	int rows = 0, rc;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		assert_true(rows < 4);
		assert_true(mc_col_int64(s, 0) == want[rows]);
		assert_int_equal(mc_col_int64(s, 1), rows);
		rows++;
	}
	assert_int_equal(rc, MC_DB_DONE);
	mc_stmt_done(s);
	assert_int_equal(rows, 4);
	assert_int_equal(mc_agency_within(conn, city, id), 1);
	assert_int_equal(mc_agency_within(conn, centre, id), 1);
	assert_int_equal(mc_agency_within(conn, id, branch1), 0);
	assert_int_equal(mc_agency_within(conn, agency("000.02.30.H29"), id), 0);

	json_t *j;
	assert_int_equal(mc_agency_get(conn, id, &j), 0);
	assert_string_equal(jstr(j, "code"), "000.01.30.H29.01");
	assert_string_equal(jstr(j, "name"), "Điểm tiếp nhận Phường Bàn Cờ - Tổ 1");
	assert_string_equal(jstr(j, "province_code"), "79");
	assert_int_equal(json_integer_value(json_object_get(j, "parent_id")), branch1);
	assert_true(json_is_true(json_object_get(j, "active")));
	assert_int_equal(json_array_size(json_object_get(j, "counters")), 0);
	json_decref(j);
	json_t *arr;
	assert_int_equal(mc_agencies_list(conn, centre, &arr), 0);
	assert_int_equal(json_array_size(arr), 7);
	assert_true(find_code(arr, "000.01.30.H29.01") >= 0);
	json_decref(arr);

	/* a grandchild of the new agency: five ancestors */
	struct mc_agency_new g = {"000.01.30.H29.01.A", "branch", "Tổ A", "Team A", "27154", id, NULL};
	int64_t gid = 0;
	assert_int_equal(mc_agency_create(conn, &g, &gid), 0);
	int64_t n = 0;
	assert_int_equal(mc_query_int64(conn, &n, "SELECT COUNT(*) FROM agency_tree WHERE descendant_id = ?", "i", gid),
			 0);
	assert_int_equal(n, 5);
	assert_int_equal(mc_agency_within(conn, city, gid), 1);
	assert_int_equal(mc_agency_within(conn, id, gid), 1);

	/* a province-level agency takes the province of its unit */
	struct mc_agency_new p = {
		"000.00.00.H01", "city_committee", "UBND Thành phố Hà Nội", "Ha Noi People's Committee", "01", 0, NULL};
	int64_t pid = 0;
	assert_int_equal(mc_agency_create(conn, &p, &pid), 0);
	assert_int_equal(mc_agency_get(conn, pid, &j), 0);
	assert_string_equal(jstr(j, "province_code"), "01");
	assert_true(json_is_null(json_object_get(j, "parent_id")));
	json_decref(j);
	assert_int_equal(mc_agency_within(conn, city, pid), 0);

	/* duplicate code; unknown unit */
	int64_t dup = 0;
	assert_int_equal(mc_agency_create(conn, &a, &dup), MC_E_CONFLICT);
	struct mc_agency_new bad = {"000.99.99.H29", "branch", "Không có", "None", "00000", city, NULL};
	assert_int_equal(mc_agency_create(conn, &bad, &dup), MC_E_VALIDATION);
	assert_int_equal(mc_agency_by_code(conn, "000.99.99.H29", &dup), MC_E_NOT_FOUND);
}

/* ---- officials ---- */

/* Every official under root, through next_after pages of page_size. */
static json_t *all_pages(int64_t root, int page_size, int *pages)
{
	json_t *all = json_array();
	int64_t after = 0;
	*pages = 0;
	do {
		json_t *arr;
		int64_t next = -1;
		assert_int_equal(mc_users_list(conn, root, 0, NULL, after, page_size, &arr, &next), 0);
		assert_true(json_array_size(arr) <= (size_t)page_size);
		if (next)
			assert_int_equal(json_array_size(arr), page_size);
		/* newest first: ids strictly decreasing within and across pages */
		size_t i;
		json_t *v;
		json_array_foreach(arr, i, v) {
			int64_t id = json_integer_value(json_object_get(v, "id"));
			size_t n = json_array_size(all);
			if (n)
				assert_true(id < json_integer_value(json_object_get(json_array_get(all, n - 1), "id")));
			json_array_append(all, v);
		}
		if (next)
			assert_int_equal(next, json_integer_value(json_object_get(
						       json_array_get(arr, (size_t)page_size - 1), "id")));
		json_decref(arr);
		after = next;
		(*pages)++;
		assert_true(*pages < 100);
	} while (after);
	return all;
}

static void users_list_jurisdiction(void **state)
{
	(void)state;
	int64_t centre = agency("000.00.30.H29");
	int64_t branch1 = agency("000.01.30.H29");

	/* a branch: its three officials only */
	json_t *arr;
	int64_t next = -1;
	assert_int_equal(mc_users_list(conn, branch1, 0, NULL, 0, 100, &arr, &next), 0);
	assert_int_equal(next, 0);
	assert_int_equal(json_array_size(arr), 3);
	const char *names[] = {"truongcn.cn1", "tiepnhan.cn1", "tiepnhan.cn1b"};
	for (int k = 0; k < 3; k++) {
		int found = 0;
		size_t i;
		json_t *v;
		json_array_foreach(arr, i, v)
			found += strcmp(jstr(v, "username"), names[k]) == 0;
		assert_int_equal(found, 1);
	}
	json_decref(arr);

	/* the service centre: its own 5 officials and its branches' 7 */
	int pages = 0;
	json_t *all = all_pages(centre, 100, &pages);
	assert_int_equal(pages, 1);
	assert_int_equal(json_array_size(all), 12);
	size_t i;
	json_t *v;
	json_array_foreach(all, i, v) {
		int64_t a = json_integer_value(json_object_get(v, "agency_id"));
		assert_int_equal(mc_agency_within(conn, centre, a), 1);
		assert_null(strstr(jstr(v, "username"), ".p2")); /* no ward officials */
		assert_string_not_equal(jstr(v, "username"), "admin");
		char kind[16];
		int64_t ag = 0;
		assert_int_equal(mc_user_kind(conn, json_integer_value(json_object_get(v, "id")), kind, &ag), 0);
		assert_string_equal(kind, "official");
		assert_true(ag == a);
	}
	/* the same set as the SQL answer computed independently */
	int64_t n = 0;
	assert_int_equal(mc_query_int64(conn, &n,
					"SELECT COUNT(*) FROM users u JOIN agencies a ON a.id = u.agency_id"
					" WHERE u.kind = 'official' AND (a.id = ? OR a.parent_id = ?)",
					"ii", centre, centre),
			 0);
	assert_int_equal(n, 12);

	/* the whole city: every official, no citizen */
	json_t *city = all_pages(agency("000.00.00.H29"), 100, &pages);
	assert_int_equal(mc_query_int64(conn, &n, "SELECT COUNT(*) FROM users WHERE kind = 'official'", ""), 0);
	assert_int_equal(json_array_size(city), n);
	assert_true(n >= 52);
	json_decref(city);

	/* pages of 5 are disjoint and cover the same 12 */
	json_t *paged = all_pages(centre, 5, &pages);
	assert_int_equal(pages, 3);
	assert_int_equal(json_array_size(paged), 12);
	for (size_t k = 0; k < 12; k++)
		assert_int_equal(json_integer_value(json_object_get(json_array_get(paged, k), "id")),
				 json_integer_value(json_object_get(json_array_get(all, k), "id")));
	json_decref(paged);
	/* a page size that divides exactly: the last full page says "no more" */
	paged = all_pages(centre, 4, &pages);
	assert_int_equal(pages, 3);
	assert_int_equal(json_array_size(paged), 12);
	json_decref(paged);
	paged = all_pages(centre, 1, &pages);
	assert_int_equal(pages, 12);
	json_decref(paged);
	json_decref(all);

	/* agency filter inside the subtree, and a search by user name */
	assert_int_equal(mc_users_list(conn, centre, branch1, NULL, 0, 100, &arr, &next), 0);
	assert_int_equal(json_array_size(arr), 3);
	json_decref(arr);
	assert_int_equal(mc_users_list(conn, centre, 0, "tiepnhan", 0, 100, &arr, &next), 0);
	assert_int_equal(json_array_size(arr), 8);
	json_array_foreach(arr, i, v)
		assert_non_null(strstr(jstr(v, "username"), "tiepnhan"));
	json_decref(arr);
	/* a filter outside the subtree gives nothing */
	assert_int_equal(mc_users_list(conn, branch1, agency("000.02.30.H29"), NULL, 0, 100, &arr, &next), 0);
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
}

static void user_create_and_duplicates(void **state)
{
	(void)state;
	int64_t justice = agency("000.00.02.H29");
	static const char *const roles[] = {"specialist", "clerical", NULL};
	struct mc_user_new u = {
		.kind = "official",
		.username = "chuyenvien.moi",
		.password_hash = "$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
		.full_name = "Nguyễn Thị Mới",
		.phone = "0901234567",
		.email = "moint@tphcm.gov.vn",
		.agency_id = justice,
		.position = "Chuyên viên",
		.position_en = "Specialist",
		.roles = roles,
	};
	int64_t id = 0;
	assert_int_equal(mc_tx_begin(conn, 1), 0);
	assert_int_equal(mc_user_create(conn, &u, &id), 0);
	assert_int_equal(mc_tx_commit(conn), 0);
	assert_true(id > 0);
	json_t *j;
	assert_int_equal(mc_user_get(conn, id, &j), 0);
	assert_string_equal(jstr(j, "username"), "chuyenvien.moi");
	assert_string_equal(jstr(j, "full_name"), "Nguyễn Thị Mới");
	assert_string_equal(jstr(j, "status"), "active");
	assert_string_equal(jstr(json_object_get(j, "agency"), "code"), "000.00.02.H29");
	json_t *r = json_object_get(j, "roles");
	assert_int_equal(json_array_size(r), 2);
	assert_string_equal(json_string_value(json_array_get(r, 0)), "clerical");
	assert_string_equal(json_string_value(json_array_get(r, 1)), "specialist");
	assert_int_equal(json_array_size(json_object_get(j, "permissions")),
			 11); /* directive.manage, directive.read, directory.read, document.draft, document.read,
			       document.register, dossier.process, dossier.read, feedback.handle, schedule.manage,
			       schedule.read */
	json_decref(j);

	int64_t users0 = 0, users1 = 0;
	assert_int_equal(mc_query_int64(conn, &users0, "SELECT COUNT(*) FROM users", ""), 0);
	/* the same user name again, and a demo one */
	int64_t dup = 0;
	assert_int_equal(mc_user_create(conn, &u, &dup), MC_E_CONFLICT);
	u.username = "tiepnhan";
	assert_int_equal(mc_user_create(conn, &u, &dup), MC_E_CONFLICT);
	/* a citizen whose ID number is taken */
	static const char *const citizen[] = {"citizen", NULL};
	struct mc_user_new c = {
		.kind = "citizen",
		.username = "079203001234x",
		.password_hash = u.password_hash,
		.full_name = "Người Trùng Số",
		.id_number = "079203001234",
		.roles = citizen,
	};
	assert_int_equal(mc_user_create(conn, &c, &dup), MC_E_CONFLICT);
	assert_int_equal(mc_query_int64(conn, &users1, "SELECT COUNT(*) FROM users", ""), 0);
	assert_int_equal(users1, users0);

	/* the new official is listed in the department, not in the centre */
	json_t *arr;
	int64_t next = 0;
	assert_int_equal(mc_users_list(conn, justice, 0, "chuyenvien.moi", 0, 10, &arr, &next), 0);
	assert_int_equal(json_array_size(arr), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(arr, 0), "id")), id);
	json_decref(arr);
	assert_int_equal(mc_users_list(conn, agency("000.00.30.H29"), 0, "chuyenvien.moi", 0, 10, &arr, &next), 0);
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
	assert_int_equal(mc_role_exists(conn, "specialist"), 1);
	assert_int_equal(mc_role_exists(conn, "emperor"), 0);
}

/* Copy the demo file name from the source tree into dir/data/demo, with
 * its last line written twice when twice is set. */
static void copy_demo(const char *dir, const char *name, int twice)
{
	char from[1024], to[1024], line[4096], last[4096] = "";
	snprintf(from, sizeof(from), "%s/data/demo/%s", mc_test_share(), name);
	snprintf(to, sizeof(to), "%s/data/demo/%s", dir, name);
	FILE *in = fopen(from, "r"), *out = fopen(to, "w");
	assert_non_null(in);
	assert_non_null(out);
	while (fgets(line, sizeof(line), in)) {
		fputs(line, out);
		if (line[0] != '\n')
			snprintf(last, sizeof(last), "%s", line);
	}
	if (twice)
		fputs(last, out);
	fclose(in);
	fclose(out);
}

/* The demo data is loaded once: a second load leaves it and says so; a
 * duplicate row in the files is an error that loads nothing (it once
 * passed for "already there"). */
static void seed_demo_there_or_broken(void **state)
{
	(void)state;
	struct mc_seed_counts n = {0};
	char err[512];
	assert_int_equal(mc_seed_demo(conn, mc_test_share(), "motcua2026", &n, err, sizeof(err)), 0);
	assert_int_equal(n.demo_there, 1);
	assert_int_equal(n.officials, 0);

	char dir[] = "/tmp/motcua-demo.XXXXXX", sub[1100];
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/data", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/data/demo", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	copy_demo(dir, "agencies.csv", 0);
	copy_demo(dir, "counters.csv", 0);
	copy_demo(dir, "officials.csv", 1);
	copy_demo(dir, "citizens.csv", 0);
	copy_demo(dir, "pay_accounts.csv", 0);

	char url[512];
	struct mc_db *db2;
	struct mc_conn *c2;
	mc_test_db_setup(url, sizeof(url), 0, &db2, 1);
	assert_int_equal(mc_db_acquire(db2, &c2), 0);
	struct mc_seed_counts m = {0};
	assert_int_equal(mc_seed_units(c2, mc_test_share(), &m, err, sizeof(err)), 0);
	assert_int_equal(mc_seed_demo(c2, dir, "motcua2026", &m, err, sizeof(err)), MC_E_CONFLICT);
	assert_int_equal(m.demo_there, 0);
	assert_non_null(strstr(err, "officials.csv:"));
	int64_t users = -1, agencies = -1;
	assert_int_equal(mc_query_int64(c2, &users, "SELECT COUNT(*) FROM users", ""), 0);
	assert_int_equal(mc_query_int64(c2, &agencies, "SELECT COUNT(*) FROM agencies", ""), 0);
	assert_int_equal(users, 0);
	assert_int_equal(agencies, 0);
	mc_db_release(c2);
	mc_test_db_drop(url, db2);

	static const char *const files[] = {"agencies.csv", "counters.csv", "officials.csv", "citizens.csv"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(sub, sizeof(sub), "%s/data/demo/%s", dir, files[i]);
		unlink(sub);
	}
	snprintf(sub, sizeof(sub), "%s/data/demo", dir);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/data", dir);
	rmdir(sub);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unit_counts),
		cmocka_unit_test(hcmc_wards),
		cmocka_unit_test(search_ignores_diacritics),
		cmocka_unit_test(former_ward_became),
		cmocka_unit_test(agency_closure),
		cmocka_unit_test(users_list_jurisdiction),
		cmocka_unit_test(agency_create_child),
		cmocka_unit_test(user_create_and_duplicates),
		cmocka_unit_test(seed_demo_there_or_broken),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests_name(mc_test_backend(), tests, setup, teardown);
}
