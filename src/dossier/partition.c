/*
 * partition.c - where a dossier lives on PostgreSQL: its month's partition.
 *
 * Migration 0045 partitions dossiers, dossier_steps and dossier_events by
 * month on the dossier's id, and the id carries the month of its code
 * (<agency>-<YYMMDD>-<NNNN>): month k = (year - 2020) * 12 + month - 1
 * holds ids [(k + 1) * 10^10, (k + 2) * 10^10); ids below 10^10 are the
 * rows from before (and a code without a date).  Here: the same rule in
 * C, for the lookups by code (they add the id range the code implies, so
 * PostgreSQL reads one month's index) and for creating the months ahead.
 * On SQLite ids are plain rowids (all below 10^10): the range added to a
 * lookup is then always true, and nothing is created.
 */
#include "dossier.h"
#include "internal.h"

#include "../core/timeutil.h"

#include <string.h>

#include "../core/banned.h"

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int mc_dossier_code_month(const char *code)
{
	/* ...-YYMMDD-N+ : the last '-', then six digits and a '-' before it */
	const char *dash = code ? strrchr(code, '-') : NULL;
	if (!dash || !dash[1] || dash - code < 7 || dash[-7] != '-')
		return -1;
	for (const char *p = dash + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	int yy = digits(dash - 6, 2), mm = digits(dash - 4, 2), dd = digits(dash - 2, 2);
	if (yy < 0 || mm < 1 || mm > 12 || dd < 0)
		return -1;
	int k = (yy + 2000 - 2020) * 12 + mm - 1;
	return k >= 0 ? k : -1;
}

int64_t mc_dossier_id_base(const char *code)
{
	int k = mc_dossier_code_month(code);
	return k < 0 ? 0 : (int64_t)(k + 1) * MC_DOSSIER_MONTH_IDS;
}

void mc_dossier_code_ids(const char *code, int64_t *lo, int64_t *hi)
{
	*lo = mc_dossier_id_base(code);
	*hi = *lo ? *lo + MC_DOSSIER_MONTH_IDS : 0;
}

int mc_dossier_id_by_code(struct mc_conn *c, const char *code, int64_t *id)
{
	int64_t lo, hi;
	mc_dossier_code_ids(code, &lo, &hi);
	return mc_query_int64(c, id, "SELECT id FROM dossiers WHERE " MC_DOSSIER_BY_CODE, "tii", code, lo, hi);
}

static int month_of(int64_t ms)
{
	int y, m, d;
	mc_vn_date(ms, &y, &m, &d);
	return (y - 2020) * 12 + m - 1;
}

int64_t mc_dossier_partitions(struct mc_conn *c, int64_t from_ms, int64_t to_ms)
{
	if (mc_db_kind(mc_conn_db(c)) != MC_DB_PG)
		return 0;
	int64_t n = 0;
	int rc = mc_query_int64(c, &n, "SELECT mc_dossier_partitions(?, ?)", "ii", (int64_t)month_of(from_ms),
				(int64_t)month_of(to_ms));
	return rc ? rc : n;
}
