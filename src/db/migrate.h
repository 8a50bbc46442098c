/*
 * migrate.h - versioned schema migrations, one series per back-end.
 *
 * The SQL files under db/migrations/<backend>/NNNN_name.sql are compiled into
 * the binary.  mc_migrate() applies, in order and each in its own
 * transaction, those not yet recorded in schema_migrations; running it again
 * changes nothing.
 */
#ifndef MC_MIGRATE_H
#define MC_MIGRATE_H

#include "db.h"

struct mc_migration {
	const char *backend; /* "sqlite" or "postgresql" */
	int version;
	const char *name;
	const char *sql;
};

extern const struct mc_migration mc_migrations[];

/* Apply pending migrations; *applied tells how many ran. */
int mc_migrate(struct mc_conn *c, int *applied);
/* Highest applied version (0 for an empty database). */
int mc_migrate_version(struct mc_conn *c, int *version);
/* Highest version shipped for this back-end. */
int mc_migrate_latest(struct mc_db *db);

#endif
