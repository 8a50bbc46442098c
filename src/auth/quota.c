/* quota.c - an allowance per address and minute shared by the servers of
 * one database, claimed in shares; see auth.h. */
#include "auth.h"

#include "../crypto/crypto.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

/* A share of the minute's allowance for key: the chunk, or what is left
 * of the allowance when less; 0 when it is all claimed. */
static int claim(struct mc_conn *c, const char *key, int64_t minute, int chunk, int limit, int *granted)
{
	*granted = 0;
	int rc = mc_tx_begin(c, 1);
	if (rc)
		return rc;
	/* every expression of SET reads the row as it was: granted is what
	 * this claim added to used */
	struct mc_stmt *s;
	rc = mc_query(
		c, &s,
		"INSERT INTO rate_quota (key, minute, used, granted) VALUES (?, ?, ?, ?)"
		" ON CONFLICT (key, minute) DO UPDATE SET"
		" used = CASE WHEN rate_quota.used + ? <= ? THEN rate_quota.used + ? ELSE CAST(? AS BIGINT) END,"
		" granted = CASE WHEN rate_quota.used + ? <= ? THEN CAST(? AS BIGINT) ELSE ? - rate_quota.used END"
		" WHERE rate_quota.used < ? RETURNING granted",
		"tiddddddddddd", key, minute, chunk, chunk, chunk, limit, chunk, limit, chunk, limit, chunk, limit,
		limit);
	if (!rc) {
		int step = mc_step(s);
		if (step == MC_DB_ROW)
			*granted = (int)mc_col_int64(s, 0);
		else if (step < 0)
			rc = step;
		mc_stmt_done(s);
	}
	if (!rc)
		rc = mc_tx_commit(c);
	if (rc) {
		if (mc_in_tx(c))
			mc_tx_rollback(c);
		*granted = 0;
	}
	return rc;
}

/* The slot of addr in the minute, emptied when it held another's. */
static struct mc_quota_slot *slot_of(struct mc_quota *q, const char *addr, int64_t minute)
{
	unsigned h = 2166136261u;
	for (const char *p = addr; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	struct mc_quota_slot *s = &q->slot[h % MC_QUOTA_SLOTS];
	if (strcmp(s->addr, addr) != 0 || s->minute != minute) {
		snprintf(s->addr, sizeof(s->addr), "%s", addr);
		s->minute = minute;
		s->left = s->spent = 0;
	}
	return s;
}

int mc_quota_take(struct mc_quota *q, const char *addr, int limit, int64_t now,
		  int (*primary)(void *ud, struct mc_conn **c), void *ud)
{
	if (limit <= 0)
		return 1; /* no limit (benchmarks) */
	int64_t minute = now / 60000;
	pthread_mutex_lock(&q->lock);
	struct mc_quota_slot *s = slot_of(q, addr, minute);
	int ok = s->left > 0 ? 1 : s->spent ? 0 : -1;
	if (ok == 1)
		s->left--;
	pthread_mutex_unlock(&q->lock);
	if (ok >= 0)
		return ok;

	/* a share from the database, no lock held meanwhile */
	char key[96], hash[MC_SHA256_HEX];
	mc_sha256_hex(addr, strlen(addr), hash);
	snprintf(key, sizeof(key), "%s:%s", q->prefix, hash);
	int chunk = (limit + 7) / 8, granted = 0;
	struct mc_conn *c;
	int rc = primary(ud, &c);
	if (rc)
		return rc;
	rc = claim(c, key, minute, chunk, limit, &granted);
	if (rc && rc != MC_E_STORAGE_FULL && rc != MC_E_DB_BUSY && rc != MC_E_DB_DOWN)
		return rc;
	pthread_mutex_lock(&q->lock);
	s = slot_of(q, addr, minute);
	if (rc) {
		/* the share could not be written (a full disk, a busy database,
		 * a connection lost): rather than refuse a read that can be
		 * answered, this server counts the minute's allowance alone,
		 * claiming no more */
		s->left += limit - 1;
		s->spent = 1;
		granted = 1;
	} else if (granted > 0) {
		s->left += granted - 1; /* one for this request */
	} else {
		s->spent = 1;
	}
	pthread_mutex_unlock(&q->lock);
	return granted > 0;
}
