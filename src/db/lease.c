/* lease.c - named leases in the database; see lease.h. */
#include "lease.h"

#include "../core/err.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

/* ---- what this process holds, for /metrics ---- */

#define NOTED 16

static struct {
	char name[32];
	int held;
	unsigned long long taken; /* times it became ours */
} noted[NOTED];
static pthread_mutex_t noted_lock = PTHREAD_MUTEX_INITIALIZER;

static void note(const char *name, int held)
{
	pthread_mutex_lock(&noted_lock);
	for (int i = 0; i < NOTED; i++) {
		if (!noted[i].name[0])
			snprintf(noted[i].name, sizeof(noted[i].name), "%s", name);
		if (strcmp(noted[i].name, name) != 0)
			continue;
		if (held && !noted[i].held)
			noted[i].taken++;
		noted[i].held = held;
		break;
	}
	pthread_mutex_unlock(&noted_lock);
}

void mc_lease_metrics(struct mc_buf *out)
{
	mc_buf_printf(out, "# HELP motcua_lease_held 1 while this server holds the lease (the work runs here), "
			   "else 0.\n# TYPE motcua_lease_held gauge\n");
	pthread_mutex_lock(&noted_lock);
	for (int i = 0; i < NOTED && noted[i].name[0]; i++)
		mc_buf_printf(out, "motcua_lease_held{name=\"%s\"} %d\n", noted[i].name, noted[i].held);
	mc_buf_printf(out, "# HELP motcua_lease_taken_total Times this server took the lease.\n"
			   "# TYPE motcua_lease_taken_total counter\n");
	for (int i = 0; i < NOTED && noted[i].name[0]; i++)
		mc_buf_printf(out, "motcua_lease_taken_total{name=\"%s\"} %llu\n", noted[i].name, noted[i].taken);
	pthread_mutex_unlock(&noted_lock);
}

/* ---- the leases ---- */

int mc_lease_take(struct mc_conn *c, const char *name, const char *holder, int64_t now, int64_t ttl_ms)
{
	/* inserted when new; else renewed by its holder, or taken over once
	 * expired; else left as it is (no row changed) */
	int64_t n =
		mc_exec(c,
			"INSERT INTO leases (name, holder, expires_at, taken_at) VALUES (?, ?, ?, ?)"
			" ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,"
			" taken_at = CASE WHEN leases.holder = excluded.holder THEN leases.taken_at ELSE"
			" excluded.taken_at END"
			" WHERE leases.holder = excluded.holder OR leases.expires_at <= ?",
			"ttiii", name, holder, now + ttl_ms, now, now);
	if (n < 0)
		return (int)n;
	note(name, n == 1);
	return n == 1;
}

int mc_lease_release(struct mc_conn *c, const char *name, const char *holder)
{
	int64_t n = mc_exec(c, "DELETE FROM leases WHERE name = ? AND holder = ?", "tt", name, holder);
	if (n < 0)
		return (int)n;
	note(name, 0);
	return 0;
}

int mc_lease_holder(struct mc_conn *c, const char *name, int64_t now, char *out, size_t n)
{
	out[0] = '\0';
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT holder FROM leases WHERE name = ? AND expires_at > ?", "ti", name, now);
	if (rc)
		return rc;
	rc = mc_step_row(s);
	if (rc == 0)
		snprintf(out, n, "%s", mc_col_text(s, 0));
	mc_stmt_done(s);
	return rc == MC_E_NOT_FOUND ? 0 : rc;
}
