/*
 * testdb.h - a fresh database for each test program, on the back-end named
 * by MC_TEST_BACKEND ("sqlite", the default, or "pg").  For PostgreSQL a new
 * database is created on the server of MOTCUA_TEST_PG and dropped at the
 * end; when MOTCUA_TEST_PG is not set the program exits 77 (skipped).
 */
#ifndef MC_TESTDB_H
#define MC_TESTDB_H

#include "db/db.h"

#include <stddef.h>

/* "sqlite" or "pg" */
const char *mc_test_backend(void);
/* Create an empty database; its URL goes to url. */
void mc_test_db_create(char *url, size_t n);
/* Create, migrate, and load: seed 0 nothing, 1 the units and demo data
 * (password "motcua2026"), 2 also the procedure catalogue.  Opens a pool of pool connections into *db
 * (db may be NULL to only prepare the URL for a server). */
void mc_test_db_setup(char *url, size_t n, int seed, struct mc_db **db, int pool);
/* Drop a database made by mc_test_db_create (and close db if given). */
void mc_test_db_drop(const char *url, struct mc_db *db);
/* The one integer that sql (with one text parameter arg, or none when arg
 * is NULL) reads from db: a COUNT(*), an id.  A query that fails or finds
 * no row stops the test program (exit 1), saying which. */
int64_t mc_test_db_int(struct mc_db *db, const char *sql, const char *arg);
/* Source tree root (MC_SHARE), for data files. */
const char *mc_test_share(void);

#endif
