/*
 * take.c - the snapshot of one hour: each metric of the table counted with
 * the live dashboard's functions over every body's subtree at the hour's
 * last millisecond, each body keeping its own share (its subtree's count
 * less those of the bodies right under it, so that the sum over any
 * subtree is the subtree's count), written once: the hour is claimed in
 * snapshot_hours in the transaction that writes its rows, and a server that
 * finds it claimed (another server, a second run) writes nothing.
 */
#include "snapshot.h"

#include "../core/err.h"
#include "../core/timeutil.h"

#include <stdlib.h>

#include "../core/banned.h"

int64_t mc_snapshot_hour(int64_t now)
{
	return now - ((now % MC_HOUR_MS) + MC_HOUR_MS) % MC_HOUR_MS;
}

/* Every body and the body right above it (0: none). */
static int bodies(struct mc_conn *c, int64_t **ids, int64_t **parents, int *n)
{
	int64_t count;
	int rc = mc_query_int64(c, &count, "SELECT COUNT(*) FROM agencies WHERE internal = 0", "");
	if (rc)
		return rc;
	*ids = calloc((size_t)count + 1, sizeof(int64_t));
	*parents = calloc((size_t)count + 1, sizeof(int64_t));
	*n = 0;
	if (!*ids || !*parents)
		return MC_E_NOMEM;
	struct mc_stmt *s;
	rc = mc_query(c, &s,
		      "SELECT a.id, COALESCE((SELECT t.ancestor_id FROM agency_tree t JOIN agencies p ON p.id ="
		      " t.ancestor_id WHERE t.descendant_id = a.id AND t.depth > 0 AND p.internal = 0"
		      " ORDER BY t.depth LIMIT 1), 0) FROM agencies a WHERE a.internal = 0 ORDER BY a.id",
		      "");
	if (rc)
		return rc;
	while ((rc = mc_step(s)) == MC_DB_ROW && *n < count) {
		(*ids)[*n] = mc_col_int64(s, 0);
		(*parents)[*n] = mc_col_int64(s, 1);
		(*n)++;
	}
	mc_stmt_done(s);
	return rc < 0 ? rc : 0;
}

/* v[m * n + i]: metric m's count over body i's subtree, then its own share. */
static int count_all(struct mc_conn *c, int64_t at, const int64_t *ids, const int64_t *parents, int n, int64_t *v)
{
	struct mc_snapshot_eval x = {c, at - 1, 0, NULL, NULL};
	int rc = 0;
	for (int i = 0; i < n && !rc; i++)
		for (int m = 0; m < mc_snapshot_nmetrics && !rc; m++)
			if (mc_snapshot_metrics[m].count)
				rc = mc_snapshot_metrics[m].count(&x, ids[i], &v[m * n + i]);
	mc_snapshot_eval_clear(&x);
	if (rc)
		return rc;
	/* subtract each body's count from its parent's (the parent's count
	 * stays whole until all children are seen: take from a copy) */
	int64_t *whole = malloc(sizeof(int64_t) * (size_t)(n * mc_snapshot_nmetrics + 1));
	if (!whole)
		return MC_E_NOMEM;
	for (int k = 0; k < n * mc_snapshot_nmetrics; k++)
		whole[k] = v[k];
	for (int i = 0; i < n; i++)
		for (int j = 0; parents[i] && j < n; j++)
			if (ids[j] == parents[i])
				for (int m = 0; m < mc_snapshot_nmetrics; m++)
					v[m * n + j] -= whole[m * n + i];
	free(whole);
	return 0;
}

/* Claim the hour and write the rows that are not 0, in one transaction. */
static int write_rows(struct mc_conn *c, int64_t at, const int64_t *ids, int n, const int64_t *v, int64_t *rows)
{
	int rc = mc_tx_begin(c, 1);
	if (rc)
		return rc;
	int64_t claimed =
		mc_exec(c, "INSERT INTO snapshot_hours (at, taken_at, rows) VALUES (?, ?, 0) ON CONFLICT DO NOTHING",
			"ii", at, mc_time_now_ms());
	if (claimed < 0) {
		rc = (int)claimed;
		goto out;
	}
	for (int m = 0; claimed && m < mc_snapshot_nmetrics; m++)
		for (int i = 0; mc_snapshot_metrics[m].count && i < n; i++) {
			if (!v[m * n + i])
				continue;
			int64_t k = mc_exec(
				c,
				"INSERT INTO dashboard_snapshots (agency_id, metric, at, value) VALUES (?, ?, ?, ?)"
				" ON CONFLICT DO NOTHING",
				"itii", ids[i], mc_snapshot_metrics[m].name, at, v[m * n + i]);
			if (k < 0) {
				rc = (int)k;
				goto out;
			}
			*rows += k;
		}
	if (claimed) {
		int64_t k = mc_exec(c, "UPDATE snapshot_hours SET rows = ? WHERE at = ?", "ii", *rows, at);
		rc = k < 0 ? (int)k : 0;
	}
out:
	if (rc) {
		mc_tx_rollback(c);
		*rows = 0;
		return rc;
	}
	return mc_tx_commit(c);
}

int mc_snapshot_take(struct mc_conn *c, int64_t at, int64_t *rows)
{
	*rows = 0;
	/* an hour not yet ended cannot be taken: its claim would keep out the
	 * real one */
	if (at % MC_HOUR_MS || at > mc_snapshot_hour(mc_time_now_ms()))
		return MC_E_INVAL;
	int64_t taken = 0;
	int rc = mc_query_int64(c, &taken, "SELECT COUNT(*) FROM snapshot_hours WHERE at = ?", "i", at);
	if (rc || taken)
		return rc;
	int64_t *ids = NULL, *parents = NULL, *v = NULL;
	int n = 0;
	if ((rc = bodies(c, &ids, &parents, &n)))
		goto out;
	v = calloc((size_t)(n * mc_snapshot_nmetrics + 1), sizeof(int64_t));
	if (!v) {
		rc = MC_E_NOMEM;
		goto out;
	}
	if (!(rc = count_all(c, at, ids, parents, n, v)))
		rc = write_rows(c, at, ids, n, v, rows);
out:
	free(ids);
	free(parents);
	free(v);
	return rc;
}
