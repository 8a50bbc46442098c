/* migrate.c - apply the embedded migrations; see migrate.h. */
#include "migrate.h"

#include "../core/err.h"
#include "../core/log.h"
#include "../core/timeutil.h"

#include <string.h>

#include "../core/banned.h"

static int ensure_table(struct mc_conn *c)
{
	return mc_exec_script(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
				 " version INTEGER PRIMARY KEY,"
				 " name TEXT NOT NULL,"
				 " applied_at BIGINT NOT NULL)");
}

int mc_migrate_version(struct mc_conn *c, int *version)
{
	int rc = ensure_table(c);
	if (rc)
		return rc;
	int64_t v = 0;
	rc = mc_query_int64(c, &v, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", "");
	*version = (int)v;
	return rc;
}

int mc_migrate_latest(struct mc_db *db)
{
	const char *be = mc_db_kind_name(db);
	int v = 0;
	for (const struct mc_migration *m = mc_migrations; m->backend; m++)
		if (strcmp(m->backend, be) == 0 && m->version > v)
			v = m->version;
	return v;
}

int mc_migrate(struct mc_conn *c, int *applied)
{
	const char *be = mc_db_kind_name(mc_conn_db(c));
	int current = 0, rc;
	*applied = 0;
	if (mc_db_kind(mc_conn_db(c)) == MC_DB_PG) {
		/* Two servers starting at once must not both migrate. */
		rc = mc_exec_script(c, "SELECT pg_advisory_lock(727001)");
		if (rc)
			return rc;
	}
	rc = mc_migrate_version(c, &current);
	for (const struct mc_migration *m = mc_migrations; !rc && m->backend; m++) {
		if (strcmp(m->backend, be) != 0 || m->version <= current)
			continue;
		rc = mc_tx_begin(c, 1);
		/* Another process may have applied it since we looked (SQLite has
		 * no advisory lock; the write transaction serialises us now). */
		int64_t done = 0;
		if (!rc &&
		    mc_query_int64(c, &done, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", "d",
				   m->version) == 0 &&
		    done) {
			mc_tx_rollback(c);
			continue;
		}
		if (!rc)
			rc = mc_exec_script(c, m->sql);
		if (!rc) {
			int64_t n =
				mc_exec(c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
					"dti", m->version, m->name, mc_time_now_ms());
			rc = n < 0 ? (int)n : 0;
		}
		if (rc < 0) {
			mc_error_msg("migration_failed", "\"version\":%d,\"backend\":\"%s\"", m->version, be);
			mc_tx_rollback(c);
			break;
		}
		rc = mc_tx_commit(c);
		if (!rc) {
			mc_info("migration_applied", "\"version\":%d,\"backend\":\"%s\"", m->version, be);
			(*applied)++;
		}
	}
	if (mc_db_kind(mc_conn_db(c)) == MC_DB_PG)
		mc_exec_script(c, "SELECT pg_advisory_unlock(727001)");
	return rc < 0 ? rc : 0;
}
