/*
 * test_agency_body.c - internal units and bodies of their own, on SQLite
 * and PostgreSQL: migration 0008 marks the divisions and branches of an
 * existing tree as internal units and fills agency_tree.same_body, and new
 * agencies close the same way; mc_agency_acts_for() follows internal units
 * only, mc_agency_within() the whole subtree as before.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "only.h"
#include "testdb.h"

#include "core/err.h"
#include "db/migrate.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_url[512];
static struct mc_db *db;
static struct mc_conn *conn;

static int setup(void **state)
{
	(void)state;
	char err[512] = "";
	mc_test_db_create(db_url, sizeof(db_url));
	assert_int_equal(mc_db_open(db_url, 1, &db, err, sizeof(err)), 0);
	assert_int_equal(mc_db_acquire(db, &conn), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_db_release(conn);
	mc_test_db_drop(db_url, db);
	return 0;
}

/* the agencies of the tree built at version 7 */
enum { R = 1, S, B, T, W, WV, D };
static int64_t ids[D + 1];

/* An agency written the way builds before 0008 wrote it: the row and its
 * closure rows (the parent's ancestors, then itself). */
static void old_agency(int k, const char *kind, int pk)
{
	char code[24];
	snprintf(code, sizeof(code), "000.00.%02d.T01", k);
	int64_t parent = pk ? ids[pk] : 0;
	int64_t n = mc_exec(
		conn,
		"INSERT INTO agencies (code, parent_id, kind, name, name_en, unit_code, province_code, created_at)"
		" VALUES (?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, '79', '79', 0)",
		"tittt", code, parent, kind, code, code);
	assert_int_equal(n, 1);
	assert_int_equal(mc_query_int64(conn, &ids[k], "SELECT id FROM agencies WHERE code = ?", "t", code), 0);
	int64_t id = ids[k];
	if (parent)
		assert_true(mc_exec(conn,
				    "INSERT INTO agency_tree (ancestor_id, descendant_id, depth)"
				    " SELECT ancestor_id, ?, depth + 1 FROM agency_tree WHERE descendant_id = ?",
				    "ii", id, parent) > 0);
	assert_int_equal(mc_exec(conn, "INSERT INTO agency_tree (ancestor_id, descendant_id, depth) VALUES (?, ?, 0)",
				 "ii", id, id),
			 1);
}

static int internal_of(int64_t id)
{
	int64_t v = -1;
	assert_int_equal(mc_query_int64(conn, &v, "SELECT internal FROM agencies WHERE id = ?", "i", id), 0);
	return (int)v;
}

/* An existing tree, built at version 7, migrated to the latest. */
static void migration_marks_existing_tree(void **state)
{
	(void)state;
	int version = -1;
	assert_int_equal(mc_migrate_version(conn, &version), 0);
	const char *be = mc_db_kind_name(db);
	for (const struct mc_migration *m = mc_migrations; m->backend; m++) {
		if (strcmp(m->backend, be) != 0 || m->version > 7)
			continue;
		assert_int_equal(mc_exec_script(conn, m->sql), 0);
		assert_int_equal(mc_exec(conn,
					 "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 1)",
					 "dt", m->version, m->name),
				 1);
	}
	/* the city committee; its service centre, a branch of it and a team of
	 * the branch; a ward committee with a division; a department */
	old_agency(R, "city_committee", 0);
	old_agency(S, "service_centre", R);
	old_agency(B, "branch", S);
	old_agency(T, "division", B);
	old_agency(W, "ward_committee", R);
	old_agency(WV, "division", W);
	old_agency(D, "department", R);
	int applied = 0;
	assert_int_equal(mc_migrate(conn, &applied), 0);
	assert_true(applied >= 1);
	/* the unit the agencies created next sit in */
	assert_int_equal(
		mc_exec(conn,
			"INSERT INTO units (era, code, level, name, name_en, full_name, full_name_en, code_name, kind,"
			" kind_en, parent_code, province_code, search_key) VALUES ('current', '79', 'province', 'Hồ "
			"Chí Minh',"
			" 'Ho Chi Minh', 'Thành phố Hồ Chí Minh', 'Ho Chi Minh City', 'ho_chi_minh', 'Thành phố', "
			"'City', NULL,"
			" '79', 'ho chi minh')",
			""),
		1);

	const int want_internal[] = {0, 0, 0, 1, 1, 0, 1, 0};
	for (int k = R; k <= D; k++)
		assert_int_equal(internal_of(ids[k]), want_internal[k]);
	/* an agency acts for itself */
	for (int k = R; k <= D; k++)
		assert_int_equal(mc_agency_acts_for(conn, ids[k], ids[k]), 1);
	/* internal units act for the body above them, through internal units */
	assert_int_equal(mc_agency_acts_for(conn, ids[B], ids[S]), 1);
	assert_int_equal(mc_agency_acts_for(conn, ids[T], ids[B]), 1);
	assert_int_equal(mc_agency_acts_for(conn, ids[T], ids[S]), 1);
	assert_int_equal(mc_agency_acts_for(conn, ids[WV], ids[W]), 1);
	/* a body of its own acts for nothing above it, nor does what is inside it */
	assert_int_equal(mc_agency_acts_for(conn, ids[S], ids[R]), 0);
	assert_int_equal(mc_agency_acts_for(conn, ids[B], ids[R]), 0);
	assert_int_equal(mc_agency_acts_for(conn, ids[T], ids[R]), 0);
	assert_int_equal(mc_agency_acts_for(conn, ids[W], ids[R]), 0);
	assert_int_equal(mc_agency_acts_for(conn, ids[WV], ids[R]), 0);
	assert_int_equal(mc_agency_acts_for(conn, ids[D], ids[R]), 0);
	/* nor does anything above act for what is below */
	assert_int_equal(mc_agency_acts_for(conn, ids[R], ids[S]), 0);
	assert_int_equal(mc_agency_acts_for(conn, ids[S], ids[B]), 0);
	assert_int_equal(mc_agency_acts_for(conn, ids[W], ids[WV]), 0);
	/* unrelated */
	assert_int_equal(mc_agency_acts_for(conn, ids[WV], ids[S]), 0);
	/* the jurisdiction is the subtree, as before */
	assert_int_equal(mc_agency_within(conn, ids[R], ids[T]), 1);
	assert_int_equal(mc_agency_within(conn, ids[R], ids[WV]), 1);
	assert_int_equal(mc_agency_within(conn, ids[T], ids[R]), 0);
}

/* Agencies created now: as their kind usually is, or as said. */
static void new_agencies_close_the_same_way(void **state)
{
	(void)state;
	struct mc_agency_new a = {"000.00.10.T01", "division", "Tổ X", "Team X", "79", ids[T], NULL};
	int64_t x = 0, y = 0, z = 0, root = 0, dept = 0;
	assert_int_equal(mc_tx_begin(conn, 1), 0);
	/* a division said to be a body of its own */
	assert_int_equal(mc_agency_create_as(conn, &a, MC_AGENCY_SEPARATE, &x), 0);
	/* a department said to be an internal unit of the ward, and a division in it */
	struct mc_agency_new b = {"000.00.11.T01", "department", "Ban Y", "Board Y", "79", ids[W], NULL};
	assert_int_equal(mc_agency_create_as(conn, &b, MC_AGENCY_INTERNAL, &y), 0);
	struct mc_agency_new c = {"000.00.12.T01", "division", "Tổ Z", "Team Z", "79", y, NULL};
	assert_int_equal(mc_agency_create(conn, &c, &z), 0);
	/* a root cannot be an internal unit of anything */
	struct mc_agency_new d = {"000.00.13.T01", "city_committee", "Gốc", "Root", "79", 0, NULL};
	assert_int_equal(mc_agency_create_as(conn, &d, MC_AGENCY_INTERNAL, &root), 0);
	/* a department, by its kind: a body of its own */
	struct mc_agency_new e = {"000.00.14.T01", "department", "Sở E", "Department E", "79", ids[R], NULL};
	assert_int_equal(mc_agency_create(conn, &e, &dept), 0);
	assert_int_equal(mc_tx_commit(conn), 0);

	assert_int_equal(internal_of(x), 0);
	assert_int_equal(internal_of(y), 1);
	assert_int_equal(internal_of(z), 1);
	assert_int_equal(internal_of(root), 0);
	assert_int_equal(internal_of(dept), 0);
	assert_int_equal(mc_agency_acts_for(conn, x, ids[T]), 0);
	assert_int_equal(mc_agency_acts_for(conn, x, x), 1);
	assert_int_equal(mc_agency_acts_for(conn, y, ids[W]), 1);
	assert_int_equal(mc_agency_acts_for(conn, z, y), 1);
	assert_int_equal(mc_agency_acts_for(conn, z, ids[W]), 1);
	assert_int_equal(mc_agency_acts_for(conn, z, ids[R]), 0);
	assert_int_equal(mc_agency_acts_for(conn, root, root), 1);
	assert_int_equal(mc_agency_acts_for(conn, dept, ids[R]), 0);
	assert_int_equal(mc_agency_within(conn, ids[T], x), 1);
	assert_int_equal(mc_agency_within(conn, ids[R], z), 1);
	/* the representation says which it is */
	json_t *j;
	assert_int_equal(mc_agency_get(conn, y, &j), 0);
	assert_true(json_is_true(json_object_get(j, "internal")));
	json_decref(j);
	assert_int_equal(mc_agency_get(conn, x, &j), 0);
	assert_true(json_is_false(json_object_get(j, "internal")));
	json_decref(j);
}

/* The everyday work permissions are the only ones not guarded. */
static void guarded_permissions(void **state)
{
	(void)state;
	struct mc_stmt *s;
	assert_int_equal(mc_query(conn, &s, "SELECT code FROM permissions WHERE guarded = 0 ORDER BY code", ""), 0);
	const char *want[] = {"directive.manage", "directive.read",    "directory.read",  "document.draft",
			      "document.read",    "document.register", "dossier.intake",  "dossier.process",
			      "dossier.read",     "feedback.handle",   "payment.collect", "payment.manage",
			      "schedule.manage",  "schedule.read",     "stats.read"};
	int n = 0, rc;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		assert_true(n < 15);
		assert_string_equal(mc_col_text(s, 0), want[n]);
		n++;
	}
	mc_stmt_done(s);
	assert_int_equal(rc, MC_DB_DONE);
	assert_int_equal(n, 15);
	int64_t g = 0;
	assert_int_equal(mc_query_int64(conn, &g,
					"SELECT COUNT(*) FROM permissions WHERE guarded = 1 AND code IN"
					" ('user.manage', 'user.reset_password', 'agency.manage', 'audit.read',"
					" 'citizen.read', 'catalog.manage', 'calendar.manage')",
					""),
			 0);
	assert_int_equal(g, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migration_marks_existing_tree),
		cmocka_unit_test(new_agencies_close_the_same_way),
		cmocka_unit_test(guarded_permissions),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests_name(mc_test_backend(), tests, setup, teardown);
}
