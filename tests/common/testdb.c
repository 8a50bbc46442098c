/* testdb.c - per-test databases on SQLite or PostgreSQL; see testdb.h. */
#include "testdb.h"

#include "core/config.h"
#include "crypto/crypto.h"
#include "db/migrate.h"
#include "seed/seed.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *mc_test_backend(void)
{
	const char *b = getenv("MC_TEST_BACKEND");
	return b && strcmp(b, "pg") == 0 ? "pg" : "sqlite";
}

const char *mc_test_share(void)
{
	const char *s = getenv("MC_SHARE");
	return s ? s : MC_SHARE_DIR;
}

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "test database: %s: %s\n", what, detail);
	exit(1);
}

/* The base URL with its database name replaced. */
static void with_db(const char *base, const char *name, char *out, size_t n)
{
	const char *slash = strrchr(base, '/');
	const char *q = strchr(slash ? slash : base, '?');
	if (!slash || slash < base + 13)
		die("MOTCUA_TEST_PG must end in /DATABASE", base);
	snprintf(out, n, "%.*s/%s%s", (int)(slash - base), base, name, q ? q : "");
}

static void pg_admin(const char *sql)
{
	PGconn *pg = PQconnectdb(getenv("MOTCUA_TEST_PG"));
	if (PQstatus(pg) != CONNECTION_OK)
		die("cannot connect to MOTCUA_TEST_PG", PQerrorMessage(pg));
	PGresult *r = PQexec(pg, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		die(sql, PQerrorMessage(pg));
	PQclear(r);
	PQfinish(pg);
}

void mc_test_db_create(char *url, size_t n)
{
	static int seq;
	if (strcmp(mc_test_backend(), "pg") == 0) {
		const char *base = getenv("MOTCUA_TEST_PG");
		if (!base || !*base) {
			fprintf(stderr, "MOTCUA_TEST_PG is not set: PostgreSQL tests skipped\n");
			exit(77);
		}
		char name[64], sql[128];
		unsigned char rnd[4];
		mc_crypto_init();
		mc_random(rnd, sizeof(rnd));
		snprintf(name, sizeof(name), "mct_%d_%d_%02x%02x%02x%02x", (int)getpid(), seq++, rnd[0], rnd[1], rnd[2],
			 rnd[3]);
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
		pg_admin(sql);
		with_db(base, name, url, n);
		return;
	}
	char dir[] = "/tmp/motcua-test.XXXXXX";
	if (!mkdtemp(dir))
		die("mkdtemp", "failed");
	snprintf(url, n, "%s/test-%d.db", dir, seq++);
}

void mc_test_db_setup(char *url, size_t n, int seed, struct mc_db **dbp, int pool)
{
	mc_crypto_init();
	mc_test_db_create(url, n);
	struct mc_db *db;
	char err[512] = "";
	if (mc_db_open(url, pool > 0 ? pool : 1, &db, err, sizeof(err)))
		die("open", err);
	struct mc_conn *c;
	int applied;
	if (mc_db_acquire(db, &c) || mc_migrate(c, &applied))
		die("migrate", mc_conn_errmsg(c));
	if (seed) {
		struct mc_seed_counts cnt = {0};
		if (mc_seed_units(c, mc_test_share(), &cnt, err, sizeof(err)))
			die("seed units", err[0] ? err : mc_conn_errmsg(c));
		if (mc_seed_demo(c, mc_test_share(), "motcua2026", &cnt, err, sizeof(err)))
			die("seed demo", err[0] ? err : mc_conn_errmsg(c));
		if (seed >= 2 && mc_seed_procedures(c, mc_test_share(), &cnt, err, sizeof(err)))
			die("seed procedures", err[0] ? err : mc_conn_errmsg(c));
	}
	mc_db_release(c);
	if (dbp)
		*dbp = db;
	else
		mc_db_close(db);
}

void mc_test_db_drop(const char *url, struct mc_db *db)
{
	if (db)
		mc_db_close(db);
	if (mc_config_is_pg(url)) {
		const char *name = strrchr(url, '/') + 1;
		char sql[160];
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %.*s WITH (FORCE)", (int)strcspn(name, "?"), name);
		pg_admin(sql);
		return;
	}
	char path[600];
	const char *suffixes[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s", url, suffixes[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s", url);
	char *slash = strrchr(path, '/');
	if (slash) {
		*slash = '\0';
		rmdir(path);
	}
}

int64_t mc_test_db_int(struct mc_db *db, const char *sql, const char *arg)
{
	struct mc_conn *c;
	if (mc_db_acquire(db, &c))
		die("no connection for", sql);
	int64_t v = -1;
	int rc = mc_query_int64(c, &v, sql, arg ? "t" : "", arg);
	if (rc)
		die(mc_conn_errmsg(c)[0] ? mc_conn_errmsg(c) : "no row", sql);
	mc_db_release(c);
	return v;
}
