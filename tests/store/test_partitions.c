/*
 * test_partitions.c - dossiers, steps and events by month (migration 0045,
 * src/dossier/partition.c).  On PostgreSQL: a dossier's id carries its
 * code's month and the row sits in that month's partition, its steps in
 * the same month's; a lookup by code reads one month's partition, not
 * all; housekeeping creates the months ahead; a database that held
 * dossiers before 0045 keeps every row, lookup and foreign key.  On SQLite
 * the same lookups work on plain rowids.  The code's month is parsed alike
 * in C and in SQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "only.h"
#include "testdb.h"

#include "core/err.h"
#include "core/timeutil.h"
#include "db/migrate.h"
#include "dossier/dossier.h"
#include "seed/seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_url[512];
static struct mc_db *db;
static int pg;

/* noon on Mon 7/12/2026: generated dossiers over the 400 days before */
static int64_t now_ms(void)
{
	return mc_vn_day_start(mc_days_from_civil(2026, 12, 7)) + 5 * 3600000;
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 2); /* with the catalog */
	pg = mc_db_kind(db) == MC_DB_PG;
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	struct mc_gen_options o = {.n = 600, .seed = 5, .batch = 200, .days = 400, .now = now_ms()};
	struct mc_gen_report rep;
	char err[256] = "";
	int rc = mc_dossier_generate(c, &o, &rep, err, sizeof(err));
	if (rc)
		fail_msg("generate: %d %s", rc, err);
	assert_int_equal(rep.dossiers, 600);
	mc_db_release(c);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_test_db_drop(db_url, db);
	db = NULL;
	return 0;
}

static void code_month_is_parsed(void **state)
{
	(void)state;
	assert_int_equal(mc_dossier_code_month("000.00.10.H29-261207-0001"), (2026 - 2020) * 12 + 11);
	assert_int_equal(mc_dossier_code_month("H29.01-200101-12345"), 0);
	assert_int_equal(mc_dossier_code_month("X-250231-0001"), (2025 - 2020) * 12 + 1); /* the day is not checked */
	assert_int_equal(mc_dossier_code_month("X-191231-0001"), -1);                     /* before 2020 */
	assert_int_equal(mc_dossier_code_month("X-261307-0001"), -1);                     /* month 13 */
	assert_int_equal(mc_dossier_code_month("X-26120-0001"), -1);
	assert_int_equal(mc_dossier_code_month("X261207-0001"), -1);
	assert_int_equal(mc_dossier_code_month("X-2612a7-0001"), -1);
	assert_int_equal(mc_dossier_code_month("X-261207-00a1"), -1);
	assert_int_equal(mc_dossier_code_month("X-261207-"), -1);
	assert_int_equal(mc_dossier_code_month("261207-0001"), -1);
	assert_int_equal(mc_dossier_code_month(""), -1);
	assert_int_equal(mc_dossier_code_month(NULL), -1);
	int64_t lo, hi;
	mc_dossier_code_ids("A-261207-0001", &lo, &hi);
	assert_true(lo == 84 * MC_DOSSIER_MONTH_IDS && hi == 85 * MC_DOSSIER_MONTH_IDS);
	mc_dossier_code_ids("no date", &lo, &hi);
	assert_true(lo == 0 && hi == 0);
	if (!pg)
		return;
	/* PostgreSQL's mc_dossier_month (0045) reads codes as the C one does */
	const char *codes[] = {"000.00.10.H29-261207-0001",
			       "H29.01-200101-12345",
			       "X-191231-0001",
			       "X-261307-0001",
			       "X-261207-00a1",
			       "X-26120-0001",
			       "A-B-C"};
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	for (size_t i = 0; i < sizeof(codes) / sizeof(*codes); i++) {
		int64_t k = -2;
		assert_int_equal(mc_query_int64(c, &k, "SELECT COALESCE(mc_dossier_month(?), -1)", "t", codes[i]), 0);
		if (k != mc_dossier_code_month(codes[i]))
			fail_msg("%s: SQL %lld, C %d", codes[i], (long long)k, mc_dossier_code_month(codes[i]));
	}
	mc_db_release(c);
}

/* Every generated dossier is found by its code, and on PostgreSQL sits
 * in its code's month's partition with its steps. */
static void dossiers_sit_in_their_month(void **state)
{
	(void)state;
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	struct mc_stmt *s;
	assert_int_equal(mc_query(c, &s, "SELECT id, code FROM dossiers ORDER BY id", ""), 0);
	int n = 0, months = 0, last = -1;
	static char codes[2000][48];
	static int64_t ids[2000];
	while (mc_step(s) == MC_DB_ROW && n < 2000) {
		ids[n] = mc_col_int64(s, 0);
		snprintf(codes[n], sizeof(codes[n]), "%s", mc_col_text(s, 1));
		int k = mc_dossier_code_month(codes[n]);
		assert_true(k >= 0);
		if (k != last)
			months++, last = k;
		if (pg)
			assert_true(ids[n] / MC_DOSSIER_MONTH_IDS == k + 1);
		else
			assert_true(ids[n] < MC_DOSSIER_MONTH_IDS);
		n++;
	}
	mc_stmt_done(s);
	assert_true(n >= 600 && n < 2000);
	assert_true(months >= 13); /* ids grow with time: one run per month */
	for (int i = 0; i < n; i++) {
		int64_t id = 0;
		assert_int_equal(mc_dossier_id_by_code(c, codes[i], &id), 0);
		assert_true(id == ids[i]);
	}
	int64_t id = 0;
	assert_int_equal(mc_dossier_id_by_code(c, "000.00.10.H29-261207-9999", &id), MC_E_NOT_FOUND);
	if (pg) {
		int64_t wrong = -1;
		/* the partition a row is in, against the one its code names */
		const char *where_sql =
			"SELECT COUNT(*) FROM %s t JOIN dossiers d ON d.id = t.%s WHERE t.tableoid::regclass::text <> "
			"'%s_m' || (2020 + mc_dossier_month(d.code) / 12) || lpad((mc_dossier_month(d.code) % 12 + "
			"1)::text, "
			"2, '0')";
		char sql[600];
		snprintf(sql, sizeof(sql), where_sql, "dossiers", "id", "dossiers");
		assert_int_equal(mc_query_int64(c, &wrong, sql, ""), 0);
		assert_int_equal(wrong, 0);
		snprintf(sql, sizeof(sql), where_sql, "dossier_steps", "dossier_id", "dossier_steps");
		assert_int_equal(mc_query_int64(c, &wrong, sql, ""), 0);
		assert_int_equal(wrong, 0);
		int64_t steps = 0, in_default = -1;
		assert_int_equal(mc_query_int64(c, &steps, "SELECT COUNT(*) FROM dossier_steps", ""), 0);
		assert_true(steps >= 600);
		assert_int_equal(
			mc_query_int64(c, &in_default,
				       "SELECT (SELECT COUNT(*) FROM dossiers_default) + (SELECT COUNT(*) FROM "
				       "dossier_steps_default) + (SELECT COUNT(*) FROM dossiers_legacy)",
				       ""),
			0);
		assert_int_equal(in_default, 0);
	}
	mc_db_release(c);
}

/* The query plan of a lookup by code, as the server runs it: a prepared
 * statement with a generic plan (PostgreSQL prunes when it starts it). */
static void lookup_reads_one_month(void **state)
{
	(void)state;
	if (!pg)
		skip();
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	char code[48] = "";
	struct mc_stmt *s;
	assert_int_equal(mc_query(c, &s, "SELECT code FROM dossiers ORDER BY id LIMIT 1 OFFSET 300", ""), 0);
	assert_int_equal(mc_step_row(s), 0);
	snprintf(code, sizeof(code), "%s", mc_col_text(s, 0));
	mc_stmt_done(s);
	int64_t lo, hi, parts = 0;
	mc_dossier_code_ids(code, &lo, &hi);
	assert_int_equal(mc_query_int64(c, &parts,
					"SELECT COUNT(*) FROM pg_inherits WHERE inhparent = 'dossiers'::regclass", ""),
			 0);
	assert_true(parts >= 16); /* legacy, default and 14 months and more */
	assert_int_equal(mc_exec_script(c, "SET plan_cache_mode = force_generic_plan"), 0);
	assert_int_equal(mc_exec_script(c, "PREPARE by_code (text, bigint, bigint) AS SELECT track_gz FROM dossiers "
					   "WHERE code = $1 AND (id < 10000000000 OR (id >= $2 AND id < $3))"),
			 0);
	char sql[200];
	snprintf(sql, sizeof(sql), "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) EXECUTE by_code('%s', %lld, %lld)", code,
		 (long long)lo, (long long)hi);
	assert_int_equal(mc_query(c, &s, sql, ""), 0);
	int scanned = 0, removed = -1, rows = -1;
	char month[32];
	int k = mc_dossier_code_month(code), hit = 0;
	snprintf(month, sizeof(month), "dossiers_m%d%02d", 2020 + k / 12, k % 12 + 1);
	while (mc_step(s) == MC_DB_ROW) {
		const char *line = mc_col_text(s, 0);
		if (strstr(line, " on dossiers_"))
			scanned++;
		if (strstr(line, month))
			hit = 1;
		const char *r = strstr(line, "Subplans Removed: ");
		if (r)
			removed = (int)strtol(r + 18, NULL, 10);
		if (strstr(line, "Append (actual rows="))
			rows = (int)strtol(strstr(line, "rows=") + 5, NULL, 10);
	}
	mc_stmt_done(s);
	assert_int_equal(mc_exec_script(c, "DEALLOCATE by_code; RESET plan_cache_mode"), 0);
	mc_db_release(c);
	if (!hit || scanned > 3 || removed < (int)parts - 3 || rows != 1)
		fail_msg("%s: %d partitions scanned, %d removed of %lld, %d rows, own month %s", code, scanned, removed,
			 (long long)parts, rows, hit ? "read" : "not read");
}

static int64_t partitions_of(struct mc_conn *c, const char *like)
{
	int64_t n = -1;
	assert_int_equal(mc_query_int64(c, &n, "SELECT COUNT(*) FROM pg_class WHERE relkind = 'r' AND relname LIKE ?",
					"t", like),
			 0);
	return n;
}

/* Housekeeping's call makes the months to come, once. */
static void months_ahead_are_made(void **state)
{
	(void)state;
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int64_t later = mc_vn_day_start(mc_days_from_civil(2031, 2, 10));
	if (!pg) {
		assert_int_equal(mc_dossier_partitions(c, later, later + 100 * INT64_C(86400000)), 0);
		mc_db_release(c);
		return;
	}
	assert_int_equal(partitions_of(c, "dossier%_m2031%"), 0);
	assert_int_equal(mc_dossier_partitions(c, later, later + 100 * INT64_C(86400000)), 4 * 3); /* Feb-May */
	assert_int_equal(mc_dossier_partitions(c, later, later + 100 * INT64_C(86400000)), 0);
	assert_int_equal(partitions_of(c, "dossiers_m2031%"), 4);
	assert_int_equal(partitions_of(c, "dossier_events_m203105"), 1);
	mc_db_release(c);
}

/* Apply this back-end's migrations up to `upto`, as an older build did. */
static void migrate_upto(struct mc_conn *c, int upto)
{
	int version = -1;
	assert_int_equal(mc_migrate_version(c, &version), 0);
	for (const struct mc_migration *m = mc_migrations; m->backend; m++) {
		if (strcmp(m->backend, mc_db_kind_name(mc_conn_db(c))) != 0 || m->version > upto)
			continue;
		assert_int_equal(mc_tx_begin(c, 1), 0);
		if (mc_exec_script(c, m->sql))
			fail_msg("migration %d: %s", m->version, mc_conn_errmsg(c));
		assert_int_equal(mc_exec(c,
					 "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 1)",
					 "dt", m->version, m->name),
				 1);
		assert_int_equal(mc_tx_commit(c), 0);
	}
}

static const char fk_count_sql[] =
	"SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND (confrelid IN ('dossiers'::regclass,"
	" 'dossier_steps'::regclass, 'dossier_events'::regclass) OR conrelid IN ('dossiers'::regclass,"
	" 'dossier_steps'::regclass, 'dossier_events'::regclass)) AND conparentid = 0";

/* A database with dossiers from before 0045 keeps them, their steps,
 * events and links; the foreign keys hold on the partitioned tables. */
static void older_database_is_partitioned(void **state)
{
	(void)state;
	char url[512], err[512] = "";
	struct mc_db *d2;
	mc_test_db_create(url, sizeof(url));
	assert_int_equal(mc_db_open(url, 1, &d2, err, sizeof(err)), 0);
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(d2, &c), 0);
	migrate_upto(c, 44);
	struct mc_seed_counts cnt = {0};
	assert_int_equal(mc_seed_units(c, mc_test_share(), &cnt, err, sizeof(err)), 0);
	assert_int_equal(mc_seed_demo(c, mc_test_share(), "motcua2026", &cnt, err, sizeof(err)), 0);
	assert_int_equal(mc_seed_procedures(c, mc_test_share(), &cnt, err, sizeof(err)), 0);
	/* two dossiers as the build before wrote them, the second linked to the first */
	static const char ins[] =
		"INSERT INTO dossiers (code, secret, province_code, procedure_id, procedure_code, field_code, "
		"applicant,"
		" form_data, papers, channel, status, received_agency_id, competent_agency_id, current_step, "
		"submitted_at,"
		" created_at, updated_at, parent_id) SELECT ?, 'S3CR3T', '79', p.id, p.code, 'f', '{}', '{}', '[]',"
		" 'counter', 'in_progress', a.id, a.id, 1, 1, 1, 1, NULLIF(CAST(? AS BIGINT), 0) FROM procedures p,"
		" agencies a WHERE p.id = (SELECT MIN(id) FROM procedures) AND a.id = (SELECT MIN(id) FROM agencies)";
	assert_int_equal(mc_exec(c, ins, "ti", "OLD-261130-0001", (int64_t)0), 1);
	int64_t first = 0, second = 0;
	assert_int_equal(mc_query_int64(c, &first, "SELECT id FROM dossiers WHERE code = 'OLD-261130-0001'", ""), 0);
	assert_int_equal(mc_exec(c, ins, "ti", "OLD-261130-0002", first), 1);
	assert_int_equal(mc_query_int64(c, &second, "SELECT id FROM dossiers WHERE code = 'OLD-261130-0002'", ""), 0);
	assert_int_equal(
		mc_exec(c,
			"INSERT INTO dossier_steps (dossier_id, seq, name, role, agency_id, hours) SELECT ?, 1, "
			"'Tiếp nhận', 'clerk', MIN(id), 8 FROM agencies",
			"i", first),
		1);
	assert_int_equal(mc_exec(c,
				 "INSERT INTO dossier_events (dossier_id, at, action, source) VALUES (?, 1, 'submit', "
				 "'-'), (?, 2, 'receive', '-')",
				 "ii", first, first),
			 2);
	int64_t fks_before = 0, fks_after = 0;
	if (mc_db_kind(d2) == MC_DB_PG)
		assert_int_equal(mc_query_int64(c, &fks_before, fk_count_sql, ""), 0);
	int applied = 0;
	assert_int_equal(mc_migrate(c, &applied), 0);
	assert_int_equal(applied, mc_migrate_latest(d2) - 44);
	int64_t id = 0, n = 0;
	assert_int_equal(mc_dossier_id_by_code(c, "OLD-261130-0002", &id), 0);
	assert_true(id == second);
	assert_int_equal(mc_query_int64(c, &n, "SELECT parent_id FROM dossiers WHERE id = ?", "i", second), 0);
	assert_true(n == first);
	assert_int_equal(mc_query_int64(c, &n, "SELECT COUNT(*) FROM dossier_events WHERE dossier_id = ?", "i", first),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(mc_query_int64(c, &n, "SELECT COUNT(*) FROM dossier_steps WHERE dossier_id = ?", "i", first),
			 0);
	assert_int_equal(n, 1);
	/* the keys still hold: a step of no dossier is refused */
	assert_true(
		mc_exec(c,
			"INSERT INTO dossier_steps (dossier_id, seq, name, role, agency_id, hours) SELECT 424242, 1, "
			"'x', 'clerk', MIN(id), 8 FROM agencies",
			"") < 0);
	if (mc_db_kind(d2) == MC_DB_PG) {
		assert_int_equal(mc_query_int64(c, &fks_after, fk_count_sql, ""), 0);
		assert_true(fks_after == fks_before && fks_before >= 12);
		assert_int_equal(mc_query_int64(c, &n, "SELECT COUNT(*) FROM dossiers_legacy", ""), 0);
		assert_int_equal(n, 2);
		/* a new one goes to its month, after the old ids */
		assert_int_equal(mc_query_int64(c, &n, "SELECT mc_dossier_id('NEW-261205-0001')", ""), 0);
		assert_true(n / MC_DOSSIER_MONTH_IDS == 84 && n % MC_DOSSIER_MONTH_IDS > second); /* 12/2026: k = 83 */
		assert_int_equal(mc_query_int64(c, &n, "SELECT nextval('dossier_event_ids')", ""), 0);
		assert_true(n > 2);
	}
	mc_db_release(c);
	mc_test_db_drop(url, d2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(code_month_is_parsed),          cmocka_unit_test(dossiers_sit_in_their_month),
		cmocka_unit_test(lookup_reads_one_month),        cmocka_unit_test(months_ahead_are_made),
		cmocka_unit_test(older_database_is_partitioned),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests_name(mc_test_backend(), tests, setup, teardown);
}
