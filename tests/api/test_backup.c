/*
 * test_backup.c - `motcua backup` and `motcua restore`, the round trip.
 *
 * SQLite: a citizen files a dossier with a PDF; the deployment has its own
 * PKI (its keys sealed under the PKI secret).  `motcua backup --with-secret`
 * runs while clerks at two counters keep taking dossiers in; every intake
 * is answered 201 meanwhile.  The backup is restored into a new place; a
 * server started there (which refuses to start unless the secret opens the
 * issuing CA's key) serves the dossier and the PDF byte for byte, every
 * dossier acknowledged before the backup began is in the copy, and `motcua
 * audit verify` passes on it.  A restore is refused while a server has the
 * database open, and refused for a backup whose files were changed; a
 * backup without --with-secret leaves the secret out.
 *
 * PostgreSQL: both commands refuse (exit 2) and name pg_basebackup; the
 * round trip there is scripts/pg-backup-test.sh (ctest backup.pg_basebackup).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "only.h"
#include "pdf.h"
#include "server.h"
#include "shell.h"
#include "testdb.h"

#include "db/db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define CLERKS    2
#define MAX_CODES 4000
#define CODE_LEN  64

static struct mc_test_server srv;
static char db_url[512], dir[256];
static char data_env[320]; /* MOTCUA_DATA_DIR=<dir>/orig: the original's PKI secret */
static struct mc_db *db;
static int is_pg;
static int backed_up; /* <dir>/bk holds a backup with the secret */

static const char *const CLERK_USERS[CLERKS] = {"tiepnhan", "tiepnhan.cn1"};
static const char *const COUNTERS[CLERKS] = {"Q-TT-01", "Q-CN1-01"};

static const char *INTAKE =
	"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\","
	"\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"Kết "
	"hôn\"},\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],\"applicant\":{\"full_name\":\"Lê Văn Cường\","
	"\"id_number\":\"079080001111\",\"phone\":\"0912345678\",\"ward_code\":\"26740\"}}";

static const char SCAN[] = MC_TEST_PDF("giay chung sinh, ban sao luu");

struct clerk {
	pthread_t thread;
	struct mc_http_session s;
	char path[96];
	int failed;
	long last_status;
};

static char codes[MAX_CODES][CODE_LEN];
static atomic_int ncodes, stop;

static void *clerk_main(void *arg)
{
	struct clerk *k = arg;
	while (!atomic_load(&stop) && atomic_load(&ncodes) < MAX_CODES) {
		struct mc_http_res r;
		long st = mc_http_do(&k->s, "POST", k->path, INTAKE, NULL, &r) ? -1 : r.status;
		const char *code = st == 201 ? json_string_value(json_object_get(r.json, "code")) : NULL;
		if (code) {
			int i = atomic_fetch_add(&ncodes, 1);
			if (i < MAX_CODES)
				snprintf(codes[i], CODE_LEN, "%s", code);
		} else {
			k->failed++;
			k->last_status = st;
		}
		mc_http_res_free(&r);
	}
	return NULL;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* A citizen's dossier with the PDF: its code into code, the PDF's hash
 * into sha. */
static void file_dossier(char code[CODE_LEN], char sha[65])
{
	struct mc_http_session an;
	mc_http_login_as(&an, srv.base, "079203001234");
	assert_int_equal(mc_http_upload(&an, SCAN, sha), 201);
	char body[1024];
	snprintf(body, sizeof(body),
		 "{\"procedure_code\":\"1.001193\",\"form\":{\"child_full_name\":\"Nguyễn Văn Bình\","
		 "\"child_birth_date\":\"2026-01-02\",\"child_sex\":\"M\",\"birth_place\":\"26740\","
		 "\"mother_full_name\":\"Trần Thị Mai\",\"mother_id_number\":\"079185176822\","
		 "\"applicant_relation\":\"father\",\"birth_certificate_scan\":\"%s\"}}",
		 sha);
	struct mc_http_res r;
	long st = mc_http_post(&an, "/api/v1/dossiers", body, &r);
	if (st != 201)
		fail_msg("the dossier was not filed: %ld %s", st, r.body);
	snprintf(code, CODE_LEN, "%s", json_string_value(json_object_get(r.json, "code")));
	mc_http_res_free(&r);
}

/* `motcua backup` of the original into <dir>/bk (with the secret), once. */
static void ensure_backup(void)
{
	if (backed_up)
		return;
	assert_int_equal(
		mc_test_sh(dir, "MOTCUA_DB='%s' %s \"$MOTCUA_BIN\" backup --out bk --with-secret", db_url, data_env),
		0);
	backed_up = 1;
}

static void round_trip(void **state)
{
	(void)state;
	if (is_pg)
		skip();
	/* the deployment's own PKI, its secret in <dir>/orig/pki/secret */
	assert_int_equal(mc_test_sh(dir,
				    "printf 'the root passphrase of the test\\n' >pass && MOTCUA_DB='%s' %s "
				    "\"$MOTCUA_BIN\" pki init --root-pass-file pass --root-key root.pem",
				    db_url, data_env),
			 0);
	const char *env[] = {data_env, NULL};
	mc_test_server_start(&srv, db_url, env);
	char code[CODE_LEN], sha[65];
	file_dossier(code, sha);

	/* clerks take dossiers in all along */
	struct clerk k[CLERKS];
	memset(k, 0, sizeof(k));
	for (int i = 0; i < CLERKS; i++) {
		mc_http_login_as(&k[i].s, srv.base, CLERK_USERS[i]);
		snprintf(k[i].path, sizeof(k[i].path), "/api/v1/counters/%lld/dossiers",
			 (long long)mc_test_db_int(db, "SELECT id FROM counters WHERE code = ?", COUNTERS[i]));
	}
	atomic_store(&ncodes, 0);
	atomic_store(&stop, 0);
	for (int i = 0; i < CLERKS; i++)
		assert_int_equal(pthread_create(&k[i].thread, NULL, clerk_main, &k[i]), 0);
	for (int i = 0; i < 3000 && atomic_load(&ncodes) < 10; i++)
		sleep_ms(5);
	int before = atomic_load(&ncodes);
	/* small steps with pauses: the copy takes long enough for many
	 * intakes to commit while it runs */
	int rc = mc_test_sh(dir,
			    "MOTCUA_DB='%s' %s \"$MOTCUA_BIN\" backup --out bk --with-secret --step-pages 4 "
			    "--pause-ms 5",
			    db_url, data_env);
	int after = atomic_load(&ncodes);
	char said[1024];
	snprintf(said, sizeof(said), "%s", mc_test_output(dir));
	atomic_store(&stop, 1);
	for (int i = 0; i < CLERKS; i++) {
		pthread_join(k[i].thread, NULL);
		if (k[i].failed)
			fprintf(stderr, "clerk %d: %d intakes not answered 201 (last %ld)\n", i, k[i].failed,
				k[i].last_status);
		assert_int_equal(k[i].failed, 0);
	}
	fprintf(stderr, "%s%d intakes before the backup, %d while it ran\n", said, before, after - before);
	assert_int_equal(rc, 0);
	backed_up = 1;
	assert_non_null(strstr(said, "backup bk: motcua.db"));
	assert_non_null(strstr(said, "the PKI secret in pki/secret"));
	assert_true(before >= 10);
	assert_true(after > before); /* the writers went on while it copied */
	assert_int_equal(mc_test_server_stop(&srv), 0);

	/* whole and nothing else: no temporary folder or part left */
	assert_int_equal(mc_test_sh(dir, "test -s bk/motcua.db && test -s bk/backup.json && test -s bk/pki/secret && "
					 "test \"$(stat -c %%a bk/pki/secret)\" = 600 && ! ls -d bk.tmp-* && "
					 "! test -e bk/motcua.db.part && ! test -e bk/motcua.db-wal"),
			 0);
	assert_int_equal(mc_test_sh(dir, "grep -q '\"schema_version\"' bk/backup.json && "
					 "sha256sum bk/motcua.db | cut -c1-64 | xargs -I{} grep -q {} bk/backup.json"),
			 0);

	/* restored into a new place */
	assert_int_equal(
		mc_test_sh(dir, "MOTCUA_DB=new/motcua.db MOTCUA_DATA_DIR=new \"$MOTCUA_BIN\" restore --from bk"), 0);
	assert_true(mc_test_said(dir, "restored new/motcua.db"));
	assert_true(mc_test_said(dir, "restored the PKI secret new/pki/secret"));
	assert_true(mc_test_said(dir, "audit log intact"));
	assert_int_equal(mc_test_sh(dir, "cmp orig/pki/secret new/pki/secret && test \"$(stat -c %%a "
					 "new/pki/secret)\" = 600"),
			 0);
	assert_int_equal(mc_test_sh(dir, "MOTCUA_DB=new/motcua.db \"$MOTCUA_BIN\" audit verify"), 0);
	assert_true(mc_test_said(dir, "audit log intact"));

	/* a server on the copy: it starts (the secret opens the issuing CA's
	 * key), and serves the dossier and its file */
	char copy_url[300], copy_env[320];
	snprintf(copy_url, sizeof(copy_url), "%s/new/motcua.db", dir);
	snprintf(copy_env, sizeof(copy_env), "MOTCUA_DATA_DIR=%s/new", dir);
	const char *cenv[] = {copy_env, NULL};
	mc_test_server_start(&srv, copy_url, cenv);
	struct mc_http_session an;
	mc_http_login_as(&an, srv.base, "079203001234");
	char path[256];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	assert_int_equal(mc_http_get(&an, path, &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "code")), code);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/files/%s", code, sha);
	assert_int_equal(mc_http_get(&an, path, &r), 200);
	assert_int_equal(r.len, strlen(SCAN));
	assert_memory_equal(r.body, SCAN, r.len);
	mc_http_res_free(&r);
	/* the PKI works on the copy */
	assert_int_equal(mc_http_get(&an, "/pki/ca.pem", &r), 200);
	assert_non_null(strstr(r.body, "BEGIN CERTIFICATE"));
	mc_http_res_free(&r);

	/* every intake acknowledged before the backup began is in it; the
	 * copy holds no more than the original did when the copy ended */
	struct mc_db *copy = NULL;
	char err[256];
	assert_int_equal(mc_db_open(copy_url, 1, &copy, err, sizeof(err)), 0);
	for (int i = 0; i < before; i++)
		assert_int_equal(mc_test_db_int(copy, "SELECT COUNT(*) FROM dossiers WHERE code = ?", codes[i]), 1);
	int64_t in_copy = mc_test_db_int(copy, "SELECT COUNT(*) FROM dossiers", NULL);
	int64_t in_orig = mc_test_db_int(db, "SELECT COUNT(*) FROM dossiers", NULL);
	fprintf(stderr, "dossiers: %lld in the copy, %lld in the original\n", (long long)in_copy, (long long)in_orig);
	assert_true(in_copy >= 1 + before && in_copy <= in_orig);
	mc_db_close(copy);
	assert_int_equal(mc_test_server_stop(&srv), 0);
}

/* While a server has the database open, restore refuses and changes
 * nothing; once it is stopped, the database replaced is kept aside. */
static void restore_needs_the_server_stopped(void **state)
{
	(void)state;
	if (is_pg)
		skip();
	ensure_backup();
	char err[256], path[96];
	int64_t n = mc_test_db_int(db, "SELECT COUNT(*) FROM dossiers", NULL);
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers",
		 (long long)mc_test_db_int(db, "SELECT id FROM counters WHERE code = ?", COUNTERS[0]));
	/* the server alone has the database open */
	mc_db_close(db);
	db = NULL;
	const char *env[] = {data_env, NULL};
	mc_test_server_start(&srv, db_url, env);
	assert_int_equal(mc_test_sh(dir, "MOTCUA_DB='%s' %s \"$MOTCUA_BIN\" restore --from bk", db_url, data_env), 1);
	assert_true(mc_test_said(dir, "in use"));
	assert_int_equal(mc_test_sh(dir, "! ls '%s'.pre-restore-* && ! ls '%s'.restore-*", db_url, db_url), 0);
	/* and the server goes on, on its own database */
	struct mc_http_session clerk;
	mc_http_login_as(&clerk, srv.base, CLERK_USERS[0]);
	struct mc_http_res r;
	assert_int_equal(mc_http_post(&clerk, path, INTAKE, &r), 201);
	mc_http_res_free(&r);
	assert_int_equal(mc_test_server_stop(&srv), 0);
	assert_int_equal(mc_db_open(db_url, 2, &db, err, sizeof(err)), 0);
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM dossiers", NULL), n + 1);
	mc_db_close(db);
	db = NULL;

	/* stopped: the restore goes through, the database replaced is kept */
	assert_int_equal(mc_test_sh(dir, "MOTCUA_DB='%s' %s \"$MOTCUA_BIN\" restore --from bk", db_url, data_env), 0);
	assert_true(mc_test_said(dir, "the database it replaced is"));
	assert_int_equal(mc_test_sh(dir, "ls '%s'.pre-restore-* && ! ls '%s'.restore-* && ! test -s '%s-wal'", db_url,
				    db_url, db_url),
			 0);
	assert_int_equal(mc_db_open(db_url, 2, &db, err, sizeof(err)), 0);
	/* the intake made after the backup is not in the restored database */
	assert_true(mc_test_db_int(db, "SELECT COUNT(*) FROM dossiers", NULL) <= n);
}

/* A backup whose database was changed after it was written is refused,
 * before anything is touched. */
static void restore_checks_the_files(void **state)
{
	(void)state;
	if (is_pg)
		skip();
	ensure_backup();
	assert_int_equal(mc_test_sh(dir, "cp -r bk bad && printf 'X' | dd of=bad/motcua.db bs=1 seek=20000 "
					 "conv=notrunc 2>/dev/null"),
			 0);
	assert_int_equal(mc_test_sh(dir, "MOTCUA_DB=bad-target/motcua.db MOTCUA_DATA_DIR=bad-target \"$MOTCUA_BIN\" "
					 "restore --from bad"),
			 1);
	assert_true(mc_test_said(dir, "SHA-256"));
	assert_int_equal(mc_test_sh(dir, "! test -e bad-target/motcua.db"), 0);
	/* not a backup at all */
	assert_int_equal(mc_test_sh(dir, "mkdir -p empty && MOTCUA_DB=x.db \"$MOTCUA_BIN\" restore --from empty"), 2);
	/* the folder of a backup is never written over */
	assert_int_equal(mc_test_sh(dir, "MOTCUA_DB='%s' \"$MOTCUA_BIN\" backup --out bk", db_url), 2);
	assert_true(mc_test_said(dir, "exists already"));
}

/* Without --with-secret the secret stays out of the backup. */
static void secret_kept_apart(void **state)
{
	(void)state;
	if (is_pg)
		skip();
	assert_int_equal(mc_test_sh(dir, "MOTCUA_DB='%s' %s \"$MOTCUA_BIN\" backup --out plain", db_url, data_env), 0);
	assert_true(mc_test_said(dir, "not the PKI secret"));
	assert_int_equal(mc_test_sh(dir, "test -s plain/motcua.db && ! test -e plain/pki && "
					 "grep -q '\"pki_secret\": null' plain/backup.json"),
			 0);
}

static void postgresql_refused(void **state)
{
	(void)state;
	if (!is_pg)
		skip();
	assert_int_equal(mc_test_sh(dir, "MOTCUA_DB='%s' \"$MOTCUA_BIN\" backup --out pgbk", db_url), 2);
	assert_true(mc_test_said(dir, "pg_basebackup"));
	assert_true(mc_test_said(dir, "docs/operations.md"));
	assert_int_equal(mc_test_sh(dir, "! test -e pgbk && ! ls -d pgbk.tmp-*"), 0);
	assert_int_equal(mc_test_sh(dir, "MOTCUA_DB='%s' \"$MOTCUA_BIN\" restore --from pgbk", db_url), 2);
	assert_true(mc_test_said(dir, "pg_basebackup"));
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 2);
	is_pg = mc_db_kind(db) == MC_DB_PG;
	if (mc_test_scratch(dir, sizeof(dir), "backup"))
		return -1;
	snprintf(data_env, sizeof(data_env), "MOTCUA_DATA_DIR=%s/orig", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_test_server_stop(&srv);
	if (!is_pg) /* what restore kept beside the database */
		mc_test_sh(dir, "rm -f '%s'.pre-restore-*", db_url);
	mc_test_db_drop(db_url, db);
	mc_test_scratch_rm(dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),         cmocka_unit_test(restore_checks_the_files),
		cmocka_unit_test(secret_kept_apart),  cmocka_unit_test(restore_needs_the_server_stopped),
		cmocka_unit_test(postgresql_refused),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
