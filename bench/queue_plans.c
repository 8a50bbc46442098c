/*
 * queue_plans.c - the plan and the time of every work queue's query, as
 * mc_dossier_queue composes it, on a database filled by `motcua seed
 * --dossiers N` (run by bench/queue_plans.sh).
 *
 * Usage: queue_plans DB_URL USERNAME...
 *
 * For each user (an official: the queues are the caller's), each queue
 * (receive, process, return, mine, due_soon, overdue, supplement, all)
 * without and with the common filters (procedure, part of a code, agency,
 * received between, a page further, late ones), it prints the plan
 * (SQLite EXPLAIN QUERY PLAN, PostgreSQL EXPLAIN) and the time of the
 * query itself, and marks "FULL SCAN" a plan that reads the dossiers
 * without an index search (SQLite "SCAN d", PostgreSQL "Seq Scan on
 * dossiers").  Exits 0 whatever it finds; 1 when it cannot measure.
 */
#include "auth/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "dossier/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const queues[] = {"receive",  "process", "return",     "mine",
				     "due_soon", "overdue", "supplement", "all"};

struct variant {
	const char *name;
	struct mc_queue_filter f;
};

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Print the plan; the number of full scans of the dossiers in it. */
static int plan(struct mc_dossier_ctx *x, const char *queue, const struct mc_queue_filter *f, int pg)
{
	struct mc_stmt *s;
	int rc = mc__queue_explain(x, queue, f, pg ? "EXPLAIN " : "EXPLAIN QUERY PLAN ", &s);
	if (rc) {
		printf("    (no plan: %s)\n", mc_conn_errmsg(x->c));
		return 0;
	}
	int scans = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		const char *line = mc_col_text(s, pg ? 0 : mc_col_count(s) - 1);
		int full = pg ? strstr(line, "Seq Scan on dossiers") != NULL
			      : strncmp(line, "SCAN d", 6) == 0 && (line[6] == '\0' || line[6] == ' ');
		scans += full;
		printf("    %s%s\n", line, full ? "    <-- FULL SCAN" : "");
	}
	mc_stmt_done(s);
	return scans;
}

/* The median of five runs of the query itself (ms). */
static double timed(struct mc_dossier_ctx *x, const char *queue, const struct mc_queue_filter *f, int *n)
{
	double t[5];
	for (int i = 0; i < 5; i++) {
		json_t *items = NULL;
		int64_t next = 0;
		double t0 = now_ms();
		int rc = mc_dossier_queue(x, queue, f, &items, &next);
		t[i] = now_ms() - t0;
		*n = rc ? -1 : (int)json_array_size(items);
		json_decref(items);
	}
	for (int i = 0; i < 5; i++)
		for (int j = i + 1; j < 5; j++)
			if (t[j] < t[i]) {
				double k = t[i];
				t[i] = t[j];
				t[j] = k;
			}
	return t[2];
}

static int one_user(struct mc_conn *c, const char *username, int pg)
{
	struct mc_principal who = {0};
	struct mc_stmt *s;
	if (mc_query(c, &s, "SELECT id, agency_id FROM users WHERE username = ?", "t", username))
		return 1;
	int found = mc_step(s) == MC_DB_ROW;
	if (found) {
		who.user_id = mc_col_int64(s, 0);
		who.agency_id = mc_col_int64(s, 1);
	}
	mc_stmt_done(s);
	if (!found) {
		fprintf(stderr, "queue_plans: no user %s\n", username);
		return 1;
	}
	/* filter values that exist: a procedure, a code, the middle id */
	char proc[32] = "", part[16] = "";
	int64_t mid = 0;
	if (!mc_query(c, &s,
		      "SELECT procedure_code, code, id FROM dossiers WHERE id = (SELECT MAX(id) / 2 FROM dossiers)",
		      "")) {
		if (mc_step(s) == MC_DB_ROW) {
			snprintf(proc, sizeof(proc), "%s", mc_col_text(s, 0));
			snprintf(part, sizeof(part), "%.8s", mc_col_text(s, 1));
			mid = mc_col_int64(s, 2);
		}
		mc_stmt_done(s);
	}
	int64_t now = mc_time_now_ms(), month = 30LL * 86400000;
	const struct variant variants[] = {
		{"no filter", {0}},
		{"procedure", {.procedure_code = proc}},
		{"q (part of a code)", {.code_part = part}},
		{"agency_id", {.agency_id = who.agency_id}},
		{"from/to (last month)", {.from = now - month, .to = now}},
		{"before (next page)", {.before_id = mid}},
		{"late=all", {.late = MC_LATE_DEADLINE | MC_LATE_RECEPTION}},
	};
	int scans = 0;
	for (size_t q = 0; q < sizeof(queues) / sizeof(queues[0]); q++) {
		for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
			struct mc_arena *a = mc_arena_new(4096);
			struct mc_error e;
			mc_error_init(&e);
			struct mc_dossier_ctx x = {.c = c, .arena = a, .who = &who, .e = &e};
			int n = 0;
			double ms = timed(&x, queues[q], &variants[v].f, &n);
			printf("%s / %s / %s: %d items, %.2f ms\n", username, queues[q], variants[v].name, n, ms);
			scans += plan(&x, queues[q], &variants[v].f, pg);
			mc_arena_free(a);
		}
	}
	printf("%s: %d full scans of the dossiers\n\n", username, scans);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: queue_plans DB_URL USERNAME...\n");
		return 1;
	}
	struct mc_db *db;
	char err[256];
	if (mc_db_open(argv[1], 1, &db, err, sizeof(err))) {
		fprintf(stderr, "queue_plans: %s\n", err);
		return 1;
	}
	struct mc_conn *c;
	int rc = mc_db_acquire(db, &c);
	int pg = mc_db_kind(db) == MC_DB_PG;
	for (int i = 2; !rc && i < argc; i++)
		rc = one_user(c, argv[i], pg);
	if (c)
		mc_db_release(c);
	mc_db_close(db);
	return rc ? 1 : 0;
}
