/*
 * test_dossier_generate.c - the bulk generator (`motcua seed --dossiers N`,
 * mc_dossier_generate) and the national rehearsal's agencies (`motcua seed
 * --national`, mc_seed_national), issue 18.
 *
 * On PostgreSQL the generator writes with COPY (gen_copy.c), on SQLite with
 * prepared INSERTs; either way its rows must keep what live intake and the
 * statistics rely on: counts, unique codes, dossier_stats equal to a
 * recount, code counters that live intake continues without collision,
 * and a stored tracking answer equal to the one built from the rows.  On
 * PostgreSQL the same seed through the INSERT path (no_copy) must give the
 * same rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testdb.h"

#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "dossier/dossier.h"
#include "dossier/internal.h"
#include "seed/seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 3000

static char db_url[512], db2_url[512];
static struct mc_db *db, *db2; /* db2: the INSERT path, the same seed */
static int64_t now_ms;

static void generate(struct mc_db *d, int no_copy, int64_t n, uint64_t seed, struct mc_gen_report *rep)
{
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(d, &c), 0);
	struct mc_gen_options o = {.n = n, .seed = seed, .batch = 700, .days = 120, .now = now_ms, .no_copy = no_copy};
	char err[256] = "";
	int rc = mc_dossier_generate(c, &o, rep, err, sizeof(err));
	mc_db_release(c);
	if (rc)
		fail_msg("generate: %d %s", rc, err);
	assert_int_equal(rep->dossiers, n);
}

static int setup(void **state)
{
	(void)state;
	/* noon on Tue 15/6/2027 */
	now_ms = mc_vn_day_start(mc_days_from_civil(2027, 6, 15)) + 5 * 3600000;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 2);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_test_db_drop(db_url, db);
	db = NULL;
	if (db2) {
		mc_test_db_drop(db2_url, db2);
		db2 = NULL;
	}
	return 0;
}

static int64_t count(struct mc_db *d, const char *sql)
{
	return mc_test_db_int(d, sql, NULL);
}

static const char *const counters[] = {"received_online", "received_counter", "resolved_early", "resolved_on_time",
				       "resolved_late",   "refused",          "withdrawn"};

static void same_counters(json_t *a, json_t *b, const char *what)
{
	for (size_t k = 0; k < sizeof(counters) / sizeof(counters[0]); k++) {
		json_int_t x = json_integer_value(json_object_get(a, counters[k]));
		json_int_t y = json_integer_value(json_object_get(b, counters[k]));
		if (x != y)
			fail_msg("%s, %s: counters %lld, recount %lld", what, counters[k], (long long)x, (long long)y);
	}
}

/* The kept statistics of the subtree under root equal the recount, in
 * all and agency by agency. */
static void stats_equal_recount(struct mc_db *d, int64_t root)
{
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(d, &c), 0);
	json_t *kept = NULL, *recount = NULL;
	assert_int_equal(mc_dossier_stats(c, root, "2027-01-01", "2027-06-15", "agency", &kept), 0);
	assert_int_equal(mc_dossier_stats_recount(c, root, "2027-01-01", "2027-06-15", "agency", &recount), 0);
	mc_db_release(c);
	json_t *total = json_object_get(recount, "total");
	assert_true(json_integer_value(json_object_get(total, "received")) > 0);
	same_counters(json_object_get(kept, "total"), total, "total");
	json_t *ki = json_object_get(kept, "items"), *ri = json_object_get(recount, "items"), *it, *mine;
	assert_int_equal(json_array_size(ki), json_array_size(ri));
	size_t i, k;
	json_array_foreach(ri, i, it) {
		const char *key = json_string_value(json_object_get(it, "agency"));
		json_t *found = NULL;
		json_array_foreach(ki, k, mine) {
			const char *mk = json_string_value(json_object_get(mine, "agency"));
			if (key && mk && strcmp(key, mk) == 0)
				found = mine;
		}
		if (!found)
			fail_msg("no kept row for agency %s", key ? key : "?");
		same_counters(found, it, key);
	}
	json_decref(kept);
	json_decref(recount);
}

/* Codes unique; every code's number within its counter; live intake's
 * next code for the busiest (agency, day)s is a new one. */
static void codes_continue(struct mc_db *d)
{
	assert_int_equal(count(d, "SELECT COUNT(DISTINCT code) FROM dossiers"),
			 count(d, "SELECT COUNT(*) FROM dossiers"));
	/* <agency>-<YYMMDD>-<NNNN>: the counter of (agency, YYMMDD) is at least NNNN */
	assert_int_equal(count(d, "SELECT COUNT(*) FROM dossiers x WHERE NOT EXISTS (SELECT 1 FROM dossier_sequences s"
				  " WHERE s.agency_id = x.received_agency_id"
				  " AND s.day = substr(x.code, length(x.code) - 10, 6)"
				  " AND s.last >= CAST(substr(x.code, length(x.code) - 3, 4) AS INTEGER))"),
			 0);
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(d, &c), 0);
	struct mc_stmt *s;
	assert_int_equal(
		mc_query(c, &s,
			 "SELECT received_agency_id, substr(code, length(code) - 10, 6), COUNT(*) FROM dossiers"
			 " GROUP BY received_agency_id, substr(code, length(code) - 10, 6)"
			 " ORDER BY COUNT(*) DESC, received_agency_id LIMIT 10",
			 ""),
		0);
	int64_t agency[10];
	char day[10][8];
	int n = 0;
	while (mc_step(s) == MC_DB_ROW && n < 10) {
		agency[n] = mc_col_int64(s, 0);
		snprintf(day[n], sizeof(day[n]), "%s", mc_col_text(s, 1));
		n++;
	}
	mc_stmt_done(s);
	assert_true(n > 0);
	assert_int_equal(mc_tx_begin(c, 1), 0);
	for (int i = 0; i < n; i++) {
		int yy, mm, dd;
		assert_int_equal(sscanf(day[i], "%2d%2d%2d", &yy, &mm, &dd), 3);
		int64_t at = mc_vn_day_start(mc_days_from_civil(2000 + yy, mm, dd)) + 4 * 3600000;
		char code[80];
		assert_int_equal(mc__dossier_next_code(c, agency[i], at, code, sizeof(code)), 0);
		int64_t taken = -1;
		assert_int_equal(mc_query_int64(c, &taken, "SELECT COUNT(*) FROM dossiers WHERE code = ?", "t", code),
				 0);
		if (taken)
			fail_msg("live intake's next code %s is a generated one", code);
	}
	mc_tx_rollback(c);
	mc_db_release(c);
}

/* The stored tracking answers (built by the writer) equal the answers
 * built from the rows, for one dossier in 50. */
static void track_answers_equal(struct mc_db *d)
{
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(d, &c), 0);
	struct mc_stmt *s;
	assert_int_equal(
		mc_query(c, &s, "SELECT code, secret FROM dossiers WHERE track_gz IS NOT NULL ORDER BY code", ""), 0);
	char(*pairs)[2][80] = calloc(N, sizeof(*pairs));
	int n = 0, k = 0;
	while (mc_step(s) == MC_DB_ROW)
		if (k++ % 50 == 0 && n < N) {
			snprintf(pairs[n][0], 80, "%s", mc_col_text(s, 0));
			snprintf(pairs[n][1], 80, "%s", mc_col_text(s, 1));
			n++;
		}
	mc_stmt_done(s);
	assert_int_equal(k, count(d, "SELECT COUNT(*) FROM dossiers"));
	for (int i = 0; i < n; i++) {
		struct mc_buf b = MC_BUF_INIT(1 << 20);
		int gz = 0;
		assert_int_equal(mc_dossier_track_text(c, pairs[i][0], pairs[i][1], 0, &b, &gz), 0);
		json_t *j = NULL;
		assert_int_equal(mc_dossier_track(c, pairs[i][0], pairs[i][1], &j), 0);
		char *built = json_dumps(j, JSON_COMPACT);
		if (strcmp(mc_buf_str(&b), built) != 0)
			fail_msg("%s: stored %s\nbuilt %s", pairs[i][0], mc_buf_str(&b), built);
		free(built);
		json_decref(j);
		mc_buf_release(&b);
	}
	free(pairs);
	mc_db_release(c);
}

static void generated_rows_hold(void **state)
{
	(void)state;
	struct mc_gen_report rep;
	uint64_t st0, st1, commits;
	mc_db_work(db, &st0, &commits);
	generate(db, 0, N, 5, &rep);
	mc_db_work(db, &st1, &commits);
	/* PostgreSQL: a few statements a batch (COPY); SQLite: several a dossier */
	if (strcmp(mc_test_backend(), "pg") == 0) {
		assert_true(st1 - st0 < N / 10);
		/* every row in its month's partition: ids from the codes (0045) */
		assert_int_equal(count(db, "SELECT COUNT(*) FROM dossiers_default"), 0);
		assert_int_equal(count(db, "SELECT COUNT(*) FROM dossiers_legacy"), 0);
		assert_int_equal(count(db, "SELECT COUNT(*) FROM dossier_steps_default"), 0);
		assert_int_equal(count(db, "SELECT COUNT(*) FROM dossiers WHERE id / 10000000000 - 1 <>"
					   " mc_dossier_month(code)"),
				 0);
	} else
		assert_true(st1 - st0 > 2 * N);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM dossiers"), N);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM dossier_steps"), rep.steps);
	/* every reference holds (on PostgreSQL the load may skip the foreign
	 * keys' checks) */
	assert_int_equal(count(db,
			       "SELECT COUNT(*) FROM dossiers d WHERE NOT EXISTS (SELECT 1 FROM agencies a"
			       " WHERE a.id = d.received_agency_id) OR NOT EXISTS (SELECT 1 FROM agencies a"
			       " WHERE a.id = d.competent_agency_id) OR NOT EXISTS (SELECT 1 FROM procedures p"
			       " WHERE p.id = d.procedure_id) OR (d.counter_id IS NOT NULL AND NOT EXISTS"
			       " (SELECT 1 FROM counters k WHERE k.id = d.counter_id)) OR (d.received_by IS NOT NULL"
			       " AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = d.received_by))"
			       " OR (d.current_agency_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agencies a"
			       " WHERE a.id = d.current_agency_id))"),
			 0);
	assert_int_equal(count(db,
			       "SELECT COUNT(*) FROM dossier_steps s WHERE NOT EXISTS (SELECT 1 FROM dossiers d"
			       " WHERE d.id = s.dossier_id) OR NOT EXISTS (SELECT 1 FROM agencies a"
			       " WHERE a.id = s.agency_id) OR (s.handed_by IS NOT NULL AND NOT EXISTS"
			       " (SELECT 1 FROM users u WHERE u.id = s.handed_by)) OR (s.finished_by IS NOT NULL AND"
			       " NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.finished_by))"),
			 0);
	/* every dossier has all its steps */
	assert_int_equal(count(db, "SELECT COUNT(*) FROM dossiers d WHERE NOT EXISTS"
				   " (SELECT 1 FROM dossier_steps s WHERE s.dossier_id = d.id AND s.seq = 3)"),
			 0);
	int64_t city = mc_test_db_int(db, "SELECT id FROM agencies WHERE code = ?", "000.00.00.H29");
	stats_equal_recount(db, city);
	codes_continue(db);
	track_answers_equal(db);
	/* a second load continues the codes and keeps the statistics exact */
	generate(db, 0, 500, 6, &rep);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM dossiers"), N + 500);
	stats_equal_recount(db, city);
	codes_continue(db);
}

/* The rows of a table, in a fixed order, as one text. */
static char *dump(struct mc_db *d, const char *sql)
{
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(d, &c), 0);
	struct mc_stmt *s;
	assert_int_equal(mc_query(c, &s, sql, ""), 0);
	struct mc_buf b = MC_BUF_INIT((size_t)1 << 30);
	while (mc_step(s) == MC_DB_ROW) {
		for (int i = 0; i < mc_col_count(s); i++)
			mc_buf_printf(&b, "%s|", mc_col_is_null(s, i) ? "~" : mc_col_text(s, i));
		mc_buf_addc(&b, '\n');
	}
	mc_stmt_done(s);
	mc_db_release(c);
	return mc_buf_detach(&b, NULL);
}

/* COPY (the default on PostgreSQL) and prepared INSERTs give the same
 * rows for the same seed.  On SQLite both runs take the INSERT path. */
static void copy_equals_inserts(void **state)
{
	(void)state;
	mc_test_db_setup(db2_url, sizeof(db2_url), 2, &db2, 2);
	struct mc_gen_report rep;
	generate(db2, 1, N, 5, &rep);
	generate(db2, 1, 500, 6, &rep);
	static const char *const sql[] = {
		"SELECT d.code, d.secret, d.province_code, d.procedure_code, d.applicant, d.papers, d.channel, "
		"d.status,"
		" ra.code, d.counter_id, ca.code, d.current_step, d.current_agency_id, d.step_role, d.received_by,"
		" d.submitted_at, d.received_at, d.due_at, d.paused_at, d.completed_at, d.returned_at, d.result_status,"
		" d.return_method, d.register_entry, d.extra, d.version, d.created_at, d.updated_at"
		" FROM dossiers d JOIN agencies ra ON ra.id = d.received_agency_id"
		" JOIN agencies ca ON ca.id = d.competent_agency_id ORDER BY d.code",
		"SELECT d.code, s.seq, s.name, s.role, s.agency_id, s.hours, s.started_at, s.due_at, s.handed_by,"
		" s.finished_at, s.finished_by, s.result FROM dossier_steps s JOIN dossiers d ON d.id = s.dossier_id"
		" ORDER BY d.code, s.seq",
		"SELECT agency_id, procedure_code, period, received_online, received_counter, resolved_early,"
		" resolved_on_time, resolved_late, refused, withdrawn FROM dossier_stats"
		" ORDER BY agency_id, procedure_code, period",
		"SELECT agency_id, day, last FROM dossier_sequences ORDER BY agency_id, day",
	};
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		char *a = dump(db, sql[i]), *b = dump(db2, sql[i]);
		assert_true(strlen(a) > 100);
		if (strcmp(a, b) != 0) {
			size_t k = 0;
			while (a[k] && a[k] == b[k])
				k++;
			size_t from = k > 200 ? k - 200 : 0;
			fail_msg("query %zu differs at %zu:\n%.400s\n---\n%.400s", i, k, a + from, b + from);
		}
		free(a);
		free(b);
	}
	/* and the same tracking answers, stored by each path */
	track_answers_equal(db2);
}

/* The 34 provinces' agencies: each province with its committee and
 * intake points, every commune and ward with a committee; loading again
 * adds nothing; generated dossiers then spread over the nation, each
 * taken in within its competent agency's province. */
static void national(void **state)
{
	(void)state;
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	struct mc_seed_counts n = {0};
	char err[256] = "";
	int rc = mc_seed_national(c, "motcua2026", &n, err, sizeof(err));
	if (rc)
		fail_msg("seed national: %d %s", rc, err);
	assert_int_equal(n.provinces, 33); /* Ho Chi Minh City's is the demo's */
	struct mc_seed_counts again = {0};
	assert_int_equal(mc_seed_national(c, "motcua2026", &again, err, sizeof(err)), 0);
	mc_db_release(c);
	assert_int_equal(again.agencies + again.officials + again.counters + again.provinces, 0);
	assert_int_equal(count(db, "SELECT COUNT(DISTINCT province_code) FROM agencies WHERE kind = 'city_committee'"),
			 34);
	/* every province has a place to take dossiers in */
	assert_int_equal(count(db, "SELECT COUNT(DISTINCT a.province_code) FROM agencies a"
				   " JOIN counters k ON k.agency_id = a.id AND k.active = 1"
				   " WHERE a.kind IN ('branch', 'service_centre')"),
			 34);
	/* every commune and ward of today has its committee and its police */
	int64_t wards = count(db, "SELECT COUNT(*) FROM units WHERE era = 'current' AND level = 'ward'");
	assert_true(wards > 3000);
	assert_int_equal(count(db, "SELECT COUNT(DISTINCT unit_code) FROM agencies WHERE kind = 'ward_committee'"),
			 wards);
	assert_true(count(db, "SELECT COUNT(DISTINCT unit_code) FROM agencies WHERE kind = 'commune_police'") >=
		    wards - 10);
	/* a clerk, a specialist and a leader at every commune's committee */
	assert_int_equal(count(db,
			       "SELECT COUNT(*) FROM agencies a WHERE a.kind = 'ward_committee' AND"
			       " (SELECT COUNT(DISTINCT r.role_code) FROM users u JOIN user_roles r ON r.user_id ="
			       " u.id WHERE u.agency_id = a.id AND r.role_code IN ('clerk', 'specialist', 'leader'))"
			       " < 3 AND a.code LIKE '%.P%'"),
			 0);
	assert_int_equal(
		mc_test_db_int(db, "SELECT COUNT(*) FROM agencies WHERE code = ? AND name = 'UBND Thành phố Hà Nội'",
			       "000.00.00.P01"),
		1);
	/* the nation's dossiers */
	int64_t before = count(db, "SELECT COUNT(*) FROM dossiers");
	struct mc_gen_report rep;
	generate(db, 0, N, 9, &rep);
	assert_true(count(db, "SELECT COUNT(DISTINCT province_code) FROM dossiers") >= 30);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM dossiers d JOIN agencies r ON r.id = d.received_agency_id"
				   " JOIN agencies k ON k.id = d.competent_agency_id"
				   " WHERE r.province_code <> k.province_code"),
			 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM dossiers"), before + N);
	int64_t hanoi = mc_test_db_int(db, "SELECT id FROM agencies WHERE code = ?", "000.00.00.P01");
	stats_equal_recount(db, hanoi);
	codes_continue(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(generated_rows_hold),
		cmocka_unit_test(copy_equals_inserts),
		cmocka_unit_test(national),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
