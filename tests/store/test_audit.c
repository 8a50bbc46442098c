/*
 * test_audit.c - the hash-chained audit log on SQLite and PostgreSQL:
 * appends in a transaction verify intact; every kind of tampering (edit,
 * removal in the middle or at the end, swapping, a forger who recomputes
 * the edited row's hash) is caught at the right entry; `motcua audit
 * verify` reports it with exit code 3.  Each test gets a fresh database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "only.h"
#include "testdb.h"

#include "audit/audit.h"
#include "core/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define N 10

static char db_url[512];
static struct mc_db *db;
static struct mc_conn *conn;

/* Append N entries (ids 1..N) in one write transaction. */
static void append_n(struct mc_conn *c, int first, int count)
{
	assert_int_equal(mc_tx_begin(c, 1), 0);
	for (int i = first; i < first + count; i++) {
		char oid[16], detail[64];
		snprintf(oid, sizeof(oid), "%d", 100 + i);
		snprintf(detail, sizeof(detail), "{\"n\":%d,\"note\":\"mục %d\"}", i, i);
		char action[32];
		snprintf(action, sizeof(action), "test.action%d", i);
		struct mc_audit_entry e = {i, action, "thing", oid, i % 2 ? "127.0.0.1" : "cli", detail};
		if (i == 3)
			e.detail = NULL; /* stored as "{}" */
		assert_int_equal(mc_audit_append(c, &e), 0);
	}
	assert_int_equal(mc_tx_commit(c), 0);
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 0, &db, 1);
	assert_int_equal(mc_db_acquire(db, &conn), 0);
	append_n(conn, 1, N);
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

static void expect_broken(int64_t bad_id, const char *reason_part)
{
	struct mc_audit_report rep;
	int rc = mc_audit_verify(conn, &rep);
	if (rc != MC_E_AUDIT_BROKEN)
		fail_msg("verify returned %d (%s), checked %lld", rc, rep.reason, (long long)rep.checked);
	if (rep.bad_id != bad_id || !strstr(rep.reason, reason_part))
		fail_msg("bad_id %lld (want %lld), reason \"%s\" (want \"%s\")", (long long)rep.bad_id,
			 (long long)bad_id, rep.reason, reason_part);
}

static void exec_ok(const char *sql, const char *types, int64_t id)
{
	if (types[0])
		assert_int_equal(mc_exec(conn, sql, types, id), 1);
	else
		assert_true(mc_exec(conn, sql, "") >= 1);
}

static void intact_chain_verifies(void **state)
{
	(void)state;
	struct mc_audit_report rep;
	assert_int_equal(mc_audit_verify(conn, &rep), 0);
	assert_int_equal(rep.checked, N);
	assert_int_equal(rep.bad_id, 0);

	/* gap-free ids, each linked to its predecessor, head at the last */
	int64_t v = 0;
	assert_int_equal(mc_query_int64(conn, &v, "SELECT COUNT(*) FROM audit_log", ""), 0);
	assert_int_equal(v, N);
	assert_int_equal(mc_query_int64(conn, &v, "SELECT MAX(id) FROM audit_log", ""), 0);
	assert_int_equal(v, N);
	assert_int_equal(mc_query_int64(conn, &v, "SELECT last_id FROM audit_head WHERE id = 1", ""), 0);
	assert_int_equal(v, N);
	assert_int_equal(mc_query_int64(conn, &v,
					"SELECT COUNT(*) FROM audit_log a JOIN audit_log b ON b.id = a.id + 1"
					" WHERE b.prev_hash = a.hash",
					""),
			 0);
	assert_int_equal(v, N - 1);

	/* the stored hash is the documented function of the row */
	struct mc_stmt *s;
	assert_int_equal(
		mc_query(conn, &s,
			 "SELECT id, at, actor_id, action, object_type, object_id, source, detail, prev_hash, hash"
			 " FROM audit_log WHERE id = 3",
			 ""),
		0);
	assert_int_equal(mc_step(s), MC_DB_ROW);
	assert_string_equal(mc_col_text(s, 7), "{}");
	assert_string_equal(mc_col_text(s, 6), "127.0.0.1");
	assert_string_equal(mc_col_text(s, 3), "test.action3");
	char h[65];
	mc_audit_hash(3, mc_col_int64(s, 1), mc_col_int64(s, 2), mc_col_text(s, 3), mc_col_text(s, 4),
		      mc_col_text(s, 5), mc_col_text(s, 6), mc_col_text(s, 7), mc_col_text(s, 8), h);
	assert_string_equal(h, mc_col_text(s, 9));
	mc_stmt_done(s);

	/* more appends later continue the same chain */
	append_n(conn, N + 1, 3);
	assert_int_equal(mc_audit_verify(conn, &rep), 0);
	assert_int_equal(rep.checked, N + 3);
}

static void seeded_database_verifies(void **state)
{
	(void)state;
	/* the seeding itself writes a verifiable chain: one entry for the
	 * units and one per demo agency, counter, official and citizen */
	char url[512];
	struct mc_db *d2;
	mc_test_db_setup(url, sizeof(url), 1, &d2, 1);
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(d2, &c), 0);
	int64_t agencies = 0, counters = 0, users = 0;
	assert_int_equal(mc_query_int64(c, &agencies, "SELECT COUNT(*) FROM agencies", ""), 0);
	assert_int_equal(mc_query_int64(c, &counters, "SELECT COUNT(*) FROM counters", ""), 0);
	assert_int_equal(mc_query_int64(c, &users, "SELECT COUNT(*) FROM users", ""), 0);
	assert_int_equal(agencies, 36);
	assert_int_equal(counters, 28);
	assert_int_equal(users, 87 + 20);
	struct mc_audit_report rep;
	assert_int_equal(mc_audit_verify(c, &rep), 0);
	/* and the collection accounts of the demo (0037) */
	int64_t accounts = 0;
	assert_int_equal(mc_query_int64(c, &accounts, "SELECT COUNT(*) FROM pay_accounts", ""), 0);
	assert_true(accounts > 0);
	assert_int_equal(rep.checked, 1 + agencies + counters + users + accounts);
	mc_db_release(c);
	mc_test_db_drop(url, d2);
}

static void append_outside_transaction_fails(void **state)
{
	(void)state;
	struct mc_audit_entry e = {1, "test.loose", "thing", "1", "cli", NULL};
	assert_int_equal(mc_in_tx(conn), 0);
	int rc = mc_audit_append(conn, &e);
	assert_true(rc < 0);
	/* nothing was written, the head did not move */
	int64_t v = 0;
	assert_int_equal(mc_query_int64(conn, &v, "SELECT COUNT(*) FROM audit_log", ""), 0);
	assert_int_equal(v, N);
	assert_int_equal(mc_query_int64(conn, &v, "SELECT last_id FROM audit_head", ""), 0);
	assert_int_equal(v, N);
	struct mc_audit_report rep;
	assert_int_equal(mc_audit_verify(conn, &rep), 0);

	/* an append rolled back with its transaction leaves no trace either */
	assert_int_equal(mc_tx_begin(conn, 1), 0);
	assert_int_equal(mc_audit_append(conn, &e), 0);
	assert_int_equal(mc_tx_rollback(conn), 0);
	assert_int_equal(mc_audit_verify(conn, &rep), 0);
	assert_int_equal(rep.checked, N);
	append_n(conn, N + 1, 1);
	assert_int_equal(mc_audit_verify(conn, &rep), 0);
	assert_int_equal(rep.checked, N + 1);
}

static void tamper_update_detail(void **state)
{
	(void)state;
	exec_ok("UPDATE audit_log SET detail = '{\"n\":0}' WHERE id = ?", "i", 4);
	expect_broken(4, "content does not match");
}

static void tamper_update_other_fields(void **state)
{
	(void)state;
	/* every hashed field counts: the time, the actor, the source */
	exec_ok("UPDATE audit_log SET at = at + 1 WHERE id = ?", "i", 7);
	expect_broken(7, "content does not match");
	exec_ok("UPDATE audit_log SET at = at - 1 WHERE id = ?", "i", 7);
	struct mc_audit_report rep;
	assert_int_equal(mc_audit_verify(conn, &rep), 0);
	exec_ok("UPDATE audit_log SET actor_id = 0 WHERE id = ?", "i", 2);
	expect_broken(2, "content does not match");
	exec_ok("UPDATE audit_log SET actor_id = 2 WHERE id = ?", "i", 2);
	exec_ok("UPDATE audit_log SET source = '10.0.0.9' WHERE id = ?", "i", 9);
	expect_broken(9, "content does not match");
}

static void tamper_delete_middle(void **state)
{
	(void)state;
	exec_ok("DELETE FROM audit_log WHERE id = ?", "i", 5);
	expect_broken(5, "entry missing");
}

static void tamper_delete_first(void **state)
{
	(void)state;
	exec_ok("DELETE FROM audit_log WHERE id = ?", "i", 1);
	expect_broken(1, "entry missing");
}

static void tamper_delete_last(void **state)
{
	(void)state;
	exec_ok("DELETE FROM audit_log WHERE id = ?", "i", N);
	expect_broken(N, "entries missing at the end");
	/* and the whole log */
	exec_ok("DELETE FROM audit_log", "", 0);
	expect_broken(1, "entries missing at the end");
}

/* Swap the action and detail of rows a < b, keeping ids and hashes. */
static void swap_contents(int64_t a, int64_t b)
{
	struct mc_stmt *s;
	char act_a[64], det_a[128], act_b[64], det_b[128];
	assert_int_equal(mc_query(conn, &s, "SELECT action, detail FROM audit_log WHERE id = ?", "i", a), 0);
	assert_int_equal(mc_step(s), MC_DB_ROW);
	snprintf(act_a, sizeof(act_a), "%s", mc_col_text(s, 0));
	snprintf(det_a, sizeof(det_a), "%s", mc_col_text(s, 1));
	mc_stmt_done(s);
	assert_int_equal(mc_query(conn, &s, "SELECT action, detail FROM audit_log WHERE id = ?", "i", b), 0);
	assert_int_equal(mc_step(s), MC_DB_ROW);
	snprintf(act_b, sizeof(act_b), "%s", mc_col_text(s, 0));
	snprintf(det_b, sizeof(det_b), "%s", mc_col_text(s, 1));
	mc_stmt_done(s);
	assert_string_not_equal(act_a, act_b);
	assert_int_equal(
		mc_exec(conn, "UPDATE audit_log SET action = ?, detail = ? WHERE id = ?", "tti", act_b, det_b, a), 1);
	assert_int_equal(
		mc_exec(conn, "UPDATE audit_log SET action = ?, detail = ? WHERE id = ?", "tti", act_a, det_a, b), 1);
}

static void tamper_swap_contents(void **state)
{
	(void)state;
	swap_contents(3, 8);
	expect_broken(3, "content does not match");
}

/* A forger edits row k and recomputes its hash so the row is
 * self-consistent: the next row's link gives it away. */
static void tamper_recompute_own_hash(void **state)
{
	(void)state;
	const int64_t k = 6;
	struct mc_stmt *s;
	assert_int_equal(mc_query(conn, &s,
				  "SELECT at, actor_id, action, object_type, object_id, source, prev_hash, hash"
				  " FROM audit_log WHERE id = ?",
				  "i", k),
			 0);
	assert_int_equal(mc_step(s), MC_DB_ROW);
	const char *forged_detail = "{\"n\":6,\"note\":\"đã sửa\"}";
	char forged[65];
	mc_audit_hash(k, mc_col_int64(s, 0), mc_col_int64(s, 1), mc_col_text(s, 2), mc_col_text(s, 3),
		      mc_col_text(s, 4), mc_col_text(s, 5), forged_detail, mc_col_text(s, 6), forged);
	assert_string_not_equal(forged, mc_col_text(s, 7));
	mc_stmt_done(s);
	assert_int_equal(mc_exec(conn, "UPDATE audit_log SET detail = ?, hash = ? WHERE id = ?", "tti", forged_detail,
				 forged, k),
			 1);
	expect_broken(k + 1, "previous-hash link");
}

/* The same forgery on the last row: no next row, the chain head catches it. */
static void tamper_recompute_last_hash(void **state)
{
	(void)state;
	struct mc_stmt *s;
	const char *forged_detail = "{\"n\":10,\"note\":\"đã sửa\"}";
	char forged[65];
	assert_int_equal(mc_query(conn, &s,
				  "SELECT at, actor_id, action, object_type, object_id, source, prev_hash"
				  " FROM audit_log WHERE id = ?",
				  "i", (int64_t)N),
			 0);
	assert_int_equal(mc_step(s), MC_DB_ROW);
	mc_audit_hash(N, mc_col_int64(s, 0), mc_col_int64(s, 1), mc_col_text(s, 2), mc_col_text(s, 3),
		      mc_col_text(s, 4), mc_col_text(s, 5), forged_detail, mc_col_text(s, 6), forged);
	mc_stmt_done(s);
	assert_int_equal(mc_exec(conn, "UPDATE audit_log SET detail = ?, hash = ? WHERE id = ?", "tti", forged_detail,
				 forged, (int64_t)N),
			 1);
	expect_broken(N, "chain head");
}

/* ---- the command line ---- */

/* Run `motcua audit verify` on db_url; returns the exit code, output in out. */
static int run_cli(char *out, size_t n)
{
	const char *bin = getenv("MOTCUA_BIN");
	if (!bin)
		fail_msg("MOTCUA_BIN is not set");
	assert_int_equal(setenv("MOTCUA_DB", db_url, 1), 0);
	unsetenv("MOTCUA_CONFIG");
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "'%s' audit verify 2>&1", bin);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t got = fread(out, 1, n - 1, p);
	out[got] = '\0';
	int st = pclose(p);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void cli_verify(void **state)
{
	(void)state;
	char out[4096], want[64];
	assert_int_equal(run_cli(out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "intact: %d entries checked", N);
	if (!strstr(out, want))
		fail_msg("output: %s", out);

	/* a hand edit of entry 4 */
	exec_ok("UPDATE audit_log SET object_id = '999' WHERE id = ?", "i", 4);
	assert_int_equal(run_cli(out, sizeof(out)), 3);
	if (!strstr(out, "BROKEN at entry 4"))
		fail_msg("output: %s", out);
	assert_null(strstr(out, "intact"));

	/* a different break is named by its own entry */
	exec_ok("UPDATE audit_log SET object_id = '104' WHERE id = ?", "i", 4);
	assert_int_equal(run_cli(out, sizeof(out)), 0);
	exec_ok("DELETE FROM audit_log WHERE id = ?", "i", 9);
	assert_int_equal(run_cli(out, sizeof(out)), 3);
	if (!strstr(out, "BROKEN at entry 9"))
		fail_msg("output: %s", out);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(intact_chain_verifies),     T(seeded_database_verifies),   T(append_outside_transaction_fails),
		T(tamper_update_detail),      T(tamper_update_other_fields), T(tamper_delete_middle),
		T(tamper_delete_first),       T(tamper_delete_last),         T(tamper_swap_contents),
		T(tamper_recompute_own_hash), T(tamper_recompute_last_hash), T(cli_verify),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests_name(mc_test_backend(), tests, NULL, NULL);
}
