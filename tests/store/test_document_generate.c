/*
 * test_document_generate.c - the bench's documents (`motcua seed
 * --documents N`, mc_document_generate) must look like registers kept by
 * the rules, or the bench measures something else: every register's
 * numbers gap-free from 1 and its sequence at the last (so that live
 * registering goes on), outgoing ones with their symbol, what is older
 * than two weeks handled (but for a few overdue), the recent ones waiting
 * at every stage with some not yet opened, who has a task on a secret one
 * its reader, and a second load continuing the numbers.  On these
 * registers, the reminders (mc_document_remind): each kind owed, each
 * once, the summary of a confidential document kept out of the message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testdb.h"

#include "core/err.h"
#include "core/timeutil.h"
#include "document/document.h"
#include "dossier/dossier.h"

#include <stdio.h>
#include <string.h>

static char db_url[512];
static struct mc_db *db;

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 2);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_test_db_drop(db_url, db);
	db = NULL;
	return 0;
}

static void generate(int64_t n, uint64_t seed)
{
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	struct mc_gen_options o = {.n = n,
				   .seed = seed,
				   .batch = 500,
				   .days = 400,
				   .now = mc_vn_day_start(mc_days_from_civil(2027, 6, 15)) +
					  5 * 3600000}; /* noon, Tue 15/6/2027 */
	struct mc_document_gen_report rep;
	char err[256] = "";
	int rc = mc_document_generate(c, &o, &rep, err, sizeof(err));
	if (rc)
		fail_msg("generate: %d %s", rc, err);
	assert_int_equal(rep.documents, n);
	assert_true(rep.tasks > n / 2);
	mc_db_release(c);
}

static int64_t count(const char *sql)
{
	return mc_test_db_int(db, sql, NULL);
}

static void registers_kept_by_the_rules(void **state)
{
	(void)state;
	generate(3000, 7);
	assert_int_equal(count("SELECT COUNT(*) FROM documents"), 3000);
	/* two years' registers (400 days back from June 2027), both series */
	assert_int_equal(count("SELECT COUNT(DISTINCT year) FROM documents"), 2);
	assert_true(count("SELECT COUNT(*) FROM documents WHERE direction = 'out'") > 400);
	assert_true(count("SELECT COUNT(*) FROM documents WHERE series LIKE '%_secret'") > 5);
	/* gap-free from 1, the sequence at the last number */
	const char *gaps = "SELECT COUNT(*) FROM (SELECT agency_id, year, series, COUNT(*) AS n, MIN(number) AS lo,"
			   " MAX(number) AS hi FROM documents GROUP BY agency_id, year, series) g"
			   " WHERE n <> hi OR lo <> 1 OR hi <> (SELECT last FROM document_sequences s"
			   " WHERE s.agency_id = g.agency_id AND s.year = g.year AND s.series = g.series)";
	assert_int_equal(count(gaps), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM documents WHERE direction = 'out'"
			       " AND (symbol IS NULL OR signer_name IS NULL OR status <> 'issued')"),
			 0);
	/* older than two weeks: handled, but for a few (overdue) */
	int64_t cutoff = mc_vn_day_start(mc_days_from_civil(2027, 6, 1));
	char sql[600];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM documents WHERE direction = 'in' AND arrived_at < %lld",
		 (long long)cutoff);
	int64_t old = count(sql);
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM documents WHERE direction = 'in' AND arrived_at < %lld AND status <> 'handled'",
		 (long long)cutoff);
	int64_t open = count(sql);
	assert_true(old > 2000);
	assert_true(open > 0 && open < old / 10);
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM document_tasks t JOIN documents d ON d.id = t.document_id"
		 " WHERE t.status = 'pending' AND t.due_date < '2027-06-15' AND d.arrived_at < %lld",
		 (long long)cutoff);
	assert_true(count(sql) > 0); /* the overdue list is not empty */
	/* the recent ones at every stage, some not opened */
	assert_true(count("SELECT COUNT(*) FROM documents WHERE status = 'sent'") > 0);
	assert_true(count("SELECT COUNT(*) FROM documents WHERE status = 'directed'") > 0);
	assert_true(count("SELECT COUNT(*) FROM document_tasks WHERE status = 'pending' AND viewed_at IS NULL") > 0);
	/* consistent: a handled one waits on nobody who leads or handles it,
	 * a sent one on its leader only */
	assert_int_equal(count("SELECT COUNT(*) FROM documents d WHERE d.status = 'handled' AND EXISTS (SELECT 1"
			       " FROM document_tasks t WHERE t.document_id = d.id AND t.status = 'pending'"
			       " AND t.kind IN ('direct', 'lead', 'handle'))"),
			 0);
	assert_int_equal(count("SELECT COUNT(*) FROM documents d WHERE d.status = 'sent' AND EXISTS (SELECT 1"
			       " FROM document_tasks t WHERE t.document_id = d.id AND t.kind <> 'direct')"),
			 0);
	assert_int_equal(count("SELECT COUNT(*) FROM document_tasks WHERE status = 'done'"
			       " AND (done_at IS NULL OR viewed_at IS NULL OR done_at < arrived_at)"),
			 0);
	/* who has a task on a secret one reads it */
	assert_int_equal(count("SELECT COUNT(*) FROM document_tasks t JOIN documents d ON d.id = t.document_id"
			       " WHERE d.secrecy <> 'none' AND NOT EXISTS (SELECT 1 FROM document_readers r"
			       " WHERE r.document_id = d.id AND r.user_id = t.user_id)"),
			 0);
	/* a second load continues every register */
	generate(500, 8);
	assert_int_equal(count("SELECT COUNT(*) FROM documents"), 3500);
	assert_int_equal(count(gaps), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'document.generate'"), 2);
}

static void reminders_once_each(void **state)
{
	(void)state;
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int64_t now = mc_vn_day_start(mc_days_from_civil(2027, 6, 15)) + 5 * 3600000, queued = -1;
	assert_int_equal(mc_document_remind(c, now, &queued), 0);
	assert_true(queued > 0);
	assert_int_equal(count("SELECT COUNT(*) FROM outbox WHERE event = 'document_reminder'"), queued);
	assert_int_equal(count("SELECT COUNT(*) FROM document_reminders"), queued);
	assert_int_equal(count("SELECT COUNT(DISTINCT kind) FROM document_reminders"), 3);
	/* owed: no reminder for a task done, none for an opened one as unopened */
	assert_int_equal(count("SELECT COUNT(*) FROM document_reminders r JOIN document_tasks t ON t.id = r.task_id"
			       " WHERE t.status <> 'pending' OR (r.kind = 'unopened' AND t.viewed_at IS NOT NULL)"
			       " OR (r.kind = 'overdue' AND t.due_date >= '2027-06-15')"),
			 0);
	/* every overdue pending task reminded */
	assert_int_equal(count("SELECT COUNT(*) FROM document_tasks t WHERE t.status = 'pending'"
			       " AND t.due_date < '2027-06-15' AND NOT EXISTS (SELECT 1 FROM document_reminders r"
			       " WHERE r.task_id = t.id AND r.kind = 'overdue')"),
			 0);
	/* to the official, with their contact */
	assert_int_equal(
		count("SELECT COUNT(*) FROM outbox WHERE event = 'document_reminder'"
		      " AND (document_id IS NULL OR dossier_id IS NOT NULL OR recipient NOT LIKE '{\"user_id\":%')"),
		0);
	/* a confidential document's summary stays in the platform */
	assert_int_equal(count("SELECT COUNT(*) FROM outbox o JOIN documents d ON d.id = o.document_id"
			       " WHERE d.secrecy <> 'none' AND o.payload NOT LIKE '%\"summary\":null%'"),
			 0);
	assert_true(count("SELECT COUNT(*) FROM outbox o JOIN documents d ON d.id = o.document_id"
			  " WHERE d.secrecy = 'none' AND o.payload LIKE '%\"summary\":\"V%'") > 0);
	/* once: the next run (ten minutes on) queues nothing new */
	int64_t again = -1;
	assert_int_equal(mc_document_remind(c, now + 600000, &again), 0);
	assert_int_equal(again, 0);
	mc_db_release(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registers_kept_by_the_rules),
		cmocka_unit_test(reminders_once_each),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
