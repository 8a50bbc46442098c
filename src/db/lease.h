/*
 * lease.h - work that runs on one server at a time among those sharing a
 * database (housekeeping, the hourly snapshots): a named lease, held by
 * one holder until it expires, renewed by its holder, taken over by
 * another once expired.  Taken with one conditional INSERT ... ON CONFLICT
 * DO UPDATE, the same on SQLite and PostgreSQL: of two servers trying at
 * the same moment, one gets it.  A server that dies holding a lease loses
 * it when it expires; one that stops gives it back (mc_lease_release).
 */
#ifndef MC_LEASE_H
#define MC_LEASE_H

#include "db.h"

#include "../core/buf.h"

#include <stddef.h>
#include <stdint.h>

/* Take or renew lease name for holder until now + ttl_ms: 1 when holder
 * holds it now, 0 when another does (unexpired), or MC_E_*.  Outside any
 * transaction of the caller's. */
int mc_lease_take(struct mc_conn *c, const char *name, const char *holder, int64_t now, int64_t ttl_ms);
/* Give it back if holder holds it (another may take it at once). */
int mc_lease_release(struct mc_conn *c, const char *name, const char *holder);
/* Who holds name now ("" when nobody, or it expired), into out. */
int mc_lease_holder(struct mc_conn *c, const char *name, int64_t now, char *out, size_t n);

/* What this process holds, for /metrics: mc_lease_take and
 * mc_lease_release note it per name (16 names at most). */
void mc_lease_metrics(struct mc_buf *out);

#endif
