/*
 * backup.c - `motcua backup` and `motcua restore`: a whole copy of a SQLite
 * deployment while it serves, and putting one back while it is stopped.
 *
 * What a deployment keeps is the database and the PKI secret: uploaded
 * files, signed documents, generated PDFs and reports are rows (blobs and
 * the tables that name them), so the database copy carries them.  A backup
 * is a folder:
 *
 *   motcua.db     SQLite's online backup (db/db.h, mc_db_backup), checked
 *   pki/secret    the file of pki_secret, with --with-secret only: the
 *                 project keeps it apart from database backups by default
 *                 (the two together open every key)
 *   backup.json   what was copied, with each file's size and SHA-256
 *
 * written under a temporary name beside it and renamed when whole, so a
 * folder of that name is always a complete backup.  PostgreSQL is backed up
 * with its own tools (docs/operations.md): both commands refuse it.
 */
#include "cli.h"

#include "../core/err.h"
#include "../crypto/crypto.h"
#include "../db/migrate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/banned.h"

static const char usage_backup[] =
	"usage: motcua backup --out DIR [--config FILE] [--with-secret] [--step-pages N] [--pause-ms N]\n"
	"\n"
	"Copy the SQLite database while motcua serves (SQLite's online backup: N\n"
	"pages a step, 256 by default, with --pause-ms between steps, 1 by default;\n"
	"writers go on meanwhile) into DIR, a folder that must not exist:\n"
	"  DIR/motcua.db     the database as it was when the copy began, checked\n"
	"                    with PRAGMA integrity_check\n"
	"  DIR/pki/secret    with --with-secret only: the PKI secret (pki_secret), which\n"
	"                    opens the keys kept in the database.  Without it a restored\n"
	"                    database needs the secret kept apart (the two together\n"
	"                    open every key: keep such a backup encrypted or offline)\n"
	"  DIR/backup.json   version, schema version, time, each file's size and SHA-256\n"
	"Uploaded files and signed documents are in the database: the copy has them.\n"
	"DIR is written as DIR.tmp-PID and renamed when whole.  Prints what it copied,\n"
	"with the time it took.  PostgreSQL: refused (exit 2); use pg_basebackup or\n"
	"pgBackRest (docs/operations.md, \"Backups\").\n";

static const char usage_restore[] = "usage: motcua restore --from DIR [--config FILE]\n"
				    "\n"
				    "Put a backup made by `motcua backup` in place of the configured SQLite\n"
				    "database (db) and PKI secret (pki_secret), with motcua stopped: refused\n"
				    "(exit 1) while a process has the database open.  The files are checked\n"
				    "first (SHA-256 of backup.json, PRAGMA integrity_check); the database and\n"
				    "secret replaced are kept beside the new ones as NAME.pre-restore-STAMP.\n"
				    "As root, the new files get the owner of the database's folder.  Then the\n"
				    "audit chain of the restored database is verified (exit 3 when broken).\n"
				    "A backup without the secret leaves the one in place as it is.  PostgreSQL:\n"
				    "refused (exit 2; docs/operations.md).\n";

#define BACKUP_DB     "motcua.db"
#define BACKUP_SECRET "pki/secret"
#define BACKUP_INFO   "backup.json"
#define BACKUP_FORMAT 1

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* "20270305T101500Z" */
static void utc_stamp(char out[32], int iso)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, 32, iso ? "%Y-%m-%dT%H:%M:%SZ" : "%Y%m%dT%H%M%SZ", &tm);
}

/* The SQLite file of a db setting ("sqlite:" taken off). */
static const char *sqlite_path(const char *db)
{
	return strncmp(db, "sqlite:", 7) == 0 ? db + 7 : db;
}

static int refuse_pg(const char *what)
{
	fprintf(stderr,
		"motcua: %s works on SQLite only.  A PostgreSQL database is backed up with\n"
		"PostgreSQL's own tools: pg_basebackup (a physical copy, with the WAL for\n"
		"point-in-time recovery) or pgBackRest, both Debian packages; pg_dump for a\n"
		"logical copy.  See docs/operations.md, \"Backups\".  Keep the PKI secret\n"
		"(pki_secret) with them: the keys in the database open only with it.\n",
		what);
	return 2;
}

static int sync_fd_path(const char *path, int dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* The folder of path into dir ("." when it has none). */
static void parent_of(const char *path, char *dir, size_t n)
{
	snprintf(dir, n, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, n, ".");
}

/* Copy the file from into the new file to (mode), synced, with its size
 * and SHA-256; 0 or -1 with why. */
static int copy_file(const char *from, const char *to, mode_t mode, int64_t *size, char sha[MC_SHA256_HEX], char *why,
		     size_t n)
{
	int in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), out = -1, rc = -1;
	struct mc_sha256_ctx *h = NULL;
	if (in < 0) {
		snprintf(why, n, "cannot read %s: %s", from, strerror(errno));
		return -1;
	}
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (out < 0) {
		snprintf(why, n, "cannot create %s: %s", to, strerror(errno));
		goto done;
	}
	h = mc_sha256_begin();
	*size = 0;
	char buf[1 << 16];
	for (;;) {
		ssize_t r = read(in, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(why, n, "cannot read %s: %s", from, strerror(errno));
			goto done;
		}
		if (r == 0)
			break;
		for (ssize_t off = 0; off < r;) {
			ssize_t w = write(out, buf + off, (size_t)(r - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				snprintf(why, n, "cannot write %s: %s", to, strerror(errno));
				goto done;
			}
			off += w;
		}
		mc_sha256_add(h, buf, (size_t)r);
		*size += r;
	}
	if (fsync(out)) {
		snprintf(why, n, "cannot sync %s: %s", to, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	if (h) {
		char tmp[MC_SHA256_HEX];
		mc_sha256_end_hex(h, sha ? sha : tmp);
	}
	if (out >= 0 && close(out) && !rc) {
		snprintf(why, n, "cannot write %s: %s", to, strerror(errno));
		rc = -1;
	}
	if (rc && out >= 0)
		unlink(to);
	close(in);
	return rc;
}

/* Size and SHA-256 of a file; 0 or -1 with why. */
static int hash_file(const char *path, int64_t *size, char sha[MC_SHA256_HEX], char *why, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		snprintf(why, n, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	struct mc_sha256_ctx *h = mc_sha256_begin();
	char buf[1 << 16];
	ssize_t r;
	*size = 0;
	while ((r = read(fd, buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR))
		if (r > 0) {
			mc_sha256_add(h, buf, (size_t)r);
			*size += r;
		}
	mc_sha256_end_hex(h, sha);
	if (r < 0)
		snprintf(why, n, "cannot read %s: %s", path, strerror(errno));
	close(fd);
	return r < 0 ? -1 : 0;
}

static json_t *file_entry(const char *name, int64_t size, const char *sha)
{
	return json_pack("{s:s, s:I, s:s}", "file", name, "bytes", (json_int_t)size, "sha256", sha);
}

/*
 * The opening of both commands: the configuration, refused on PostgreSQL
 * (with the guide's pointer), and the SQLite file of its db setting into
 * *db.  0, or the exit code, said why.
 */
static int open_sqlite(int argc, char **argv, const char *cmd, struct mc_config *cfg, const char **db)
{
	int rc = mc_cli_open(argc, argv, cfg, NULL, 0);
	if (rc)
		return rc;
	if (mc_config_is_pg(cfg->db))
		return refuse_pg(cmd);
	*db = sqlite_path(cfg->db);
	return 0;
}

/* A backup being made: its folder, and what backup.json and the last line
 * say of it. */
struct backup_run {
	const char *out;
	char tmp[600]; /* OUT.tmp-PID, renamed to OUT when whole */
	int step_pages, pause_ms;
	struct timespec t0;
	double copy_s;
	int version;
	struct mc_db_backup_info bi;
	int64_t db_bytes;
	json_t *info;
};

/* The database into b->tmp (as motcua.db.part until it is checked and
 * synced), and b->info begun with its entry.  0, or -1 said why. */
static int backup_database(struct backup_run *b, struct mc_conn *c)
{
	char started[32], part[700], path[700], why[600] = "", db_sha[MC_SHA256_HEX];
	clock_gettime(CLOCK_MONOTONIC, &b->t0);
	utc_stamp(started, 1);
	if (mc_migrate_version(c, &b->version)) {
		fprintf(stderr, "motcua: cannot read the schema version: %s\n", mc_conn_errmsg(c));
		return -1;
	}
	snprintf(part, sizeof(part), "%.600s/" BACKUP_DB ".part", b->tmp);
	if (mc_db_backup(c, part, b->step_pages, b->pause_ms, &b->bi)) {
		fprintf(stderr, "motcua: backup failed: %s\n", mc_conn_errmsg(c));
		return -1;
	}
	b->copy_s = seconds_since(&b->t0);
	snprintf(path, sizeof(path), "%.600s/" BACKUP_DB, b->tmp);
	/* personal data: the owner's alone, as the secret */
	if (chmod(part, 0600) || sync_fd_path(part, 0) || rename(part, path)) {
		fprintf(stderr, "motcua: cannot keep %s: %s\n", part, strerror(errno));
		return -1;
	}
	if (hash_file(path, &b->db_bytes, db_sha, why, sizeof(why))) {
		fprintf(stderr, "motcua: %s\n", why);
		return -1;
	}
	b->info = json_pack("{s:i, s:s, s:s, s:i, s:s, s:o, s:I, s:I, s:I}", "format", BACKUP_FORMAT, "motcua",
			    MC_VERSION, "created_at", started, "schema_version", b->version, "backend", "sqlite",
			    "database", file_entry(BACKUP_DB, b->db_bytes, db_sha), "page_size",
			    (json_int_t)b->bi.page_size, "pages", (json_int_t)b->bi.pages, "steps",
			    (json_int_t)b->bi.steps);
	return 0;
}

/* The PKI secret (the file secret, when there is one) into b->tmp as
 * pki/secret, and its entry (or null) into b->info.  1 copied, 0 none to
 * copy, -1 failed (said why). */
static int backup_secret(struct backup_run *b, const char *secret)
{
	char path[700], why[600] = "", sha[MC_SHA256_HEX];
	struct stat st;
	if (!secret || stat(secret, &st) != 0) {
		json_object_set_new(b->info, "pki_secret", json_null());
		return 0;
	}
	snprintf(path, sizeof(path), "%.600s/pki", b->tmp);
	if (mkdir(path, 0700)) {
		fprintf(stderr, "motcua: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%.600s/" BACKUP_SECRET, b->tmp);
	int64_t n = 0;
	if (copy_file(secret, path, 0600, &n, sha, why, sizeof(why))) {
		fprintf(stderr, "motcua: %s\n", why);
		return -1;
	}
	json_object_set_new(b->info, "pki_secret", file_entry(BACKUP_SECRET, n, sha));
	return 1;
}

/* backup.json written, everything synced, b->tmp renamed to b->out.  0,
 * or -1 said why. */
static int backup_seal(struct backup_run *b)
{
	char path[700], parent[600];
	snprintf(path, sizeof(path), "%.600s/" BACKUP_INFO, b->tmp);
	if (json_dump_file(b->info, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) || sync_fd_path(path, 0)) {
		fprintf(stderr, "motcua: cannot write %s\n", path);
		return -1;
	}
	parent_of(b->out, parent, sizeof(parent));
	if (sync_fd_path(b->tmp, 1) || rename(b->tmp, b->out) || sync_fd_path(parent, 1)) {
		fprintf(stderr, "motcua: cannot rename %s to %s: %s\n", b->tmp, b->out, strerror(errno));
		return -1;
	}
	return 0;
}

/* A backup that failed: nothing half-made is left under a name that
 * looks whole (the folder tmp and what it may hold are removed). */
static void backup_discard(const char *tmp)
{
	char path[700];
	const char *names[] = {BACKUP_DB ".part", BACKUP_DB, BACKUP_SECRET, "pki", BACKUP_INFO};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%.600s/%s", tmp, names[i]);
		if (remove(path) && errno != ENOENT)
			fprintf(stderr, "motcua: cannot remove %s: %s\n", path, strerror(errno));
	}
	rmdir(tmp);
}

int mc_cmd_backup(int argc, char **argv)
{
	struct backup_run b = {.out = mc_cli_opt(argc, argv, "out")};
	const char *sp = mc_cli_opt(argc, argv, "step-pages"), *pm = mc_cli_opt(argc, argv, "pause-ms");
	b.step_pages = sp ? atoi(sp) : 256;
	b.pause_ms = pm ? atoi(pm) : 1;
	int rc = mc_cli_usage(argc, argv, usage_backup,
			      !b.out || !*b.out || b.step_pages < 1 || b.step_pages > 1000000 || b.pause_ms < 0 ||
				      b.pause_ms > 10000);
	if (rc >= 0)
		return rc;
	struct mc_config cfg;
	const char *src;
	if ((rc = open_sqlite(argc, argv, "motcua backup", &cfg, &src)))
		return rc;
	struct stat st;
	if (stat(src, &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "motcua: no database at %s\n", src);
		return 1;
	}
	if (lstat(b.out, &st) == 0) {
		fprintf(stderr, "motcua: %s exists already: give a new folder\n", b.out);
		return 2;
	}
	snprintf(b.tmp, sizeof(b.tmp), "%.500s.tmp-%d", b.out, (int)getpid());
	if (mkdir(b.tmp, 0700)) {
		fprintf(stderr, "motcua: cannot create %s: %s\n", b.tmp, strerror(errno));
		return 1;
	}
	struct mc_cli_db s;
	if ((rc = mc_cli_connect(argc, argv, &s))) {
		rmdir(b.tmp);
		return rc;
	}
	int with_secret = mc_cli_flag(argc, argv, "with-secret"), secret = 0;
	int code = backup_database(&b, s.c);
	if (!code && (secret = backup_secret(&b, with_secret ? cfg.pki_secret : NULL)) < 0)
		code = -1;
	if (!code)
		code = backup_seal(&b);
	json_decref(b.info);
	mc_cli_disconnect(&s);
	if (code) {
		backup_discard(b.tmp);
		return 1;
	}
	printf("backup %s: %s %lld bytes (%lld pages of %lld bytes, %lld steps, copied in %.2f s), schema "
	       "version %d, %s; %.2f s in all\n",
	       b.out, BACKUP_DB, (long long)b.db_bytes, (long long)b.bi.pages, (long long)b.bi.page_size,
	       (long long)b.bi.steps, b.copy_s, b.version,
	       secret        ? "the PKI secret in " BACKUP_SECRET
	       : with_secret ? "no PKI secret yet"
			     : "not the PKI secret (back it up apart, or --with-secret)",
	       seconds_since(&b.t0));
	return 0;
}

/* As root, give path the owner of the folder it is in (the service's
 * user owns /var/lib/motcua). */
static void own_like_folder(const char *path)
{
	if (geteuid() != 0)
		return;
	char dir[600];
	struct stat st;
	parent_of(path, dir, sizeof(dir));
	if (stat(dir, &st) == 0 && chown(path, st.st_uid, st.st_gid))
		fprintf(stderr, "motcua: cannot give %s to uid %d: %s\n", path, (int)st.st_uid, strerror(errno));
}

/* mkdir -p of path's folder (mode for what is made). */
static void make_parent(const char *path, mode_t mode)
{
	char d[600];
	snprintf(d, sizeof(d), "%.590s", path);
	for (char *p = d + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(d, mode);
			*p = '/';
		}
}

/* Check one file of the backup against its entry in backup.json. */
static int check_entry(const char *dir, json_t *e, char *path, size_t n)
{
	const char *file = json_string_value(json_object_get(e, "file"));
	const char *want = json_string_value(json_object_get(e, "sha256"));
	if (!file || !want || strstr(file, "..")) {
		fprintf(stderr, "motcua: %s/" BACKUP_INFO " is not a backup's description\n", dir);
		return 2;
	}
	snprintf(path, n, "%.500s/%.100s", dir, file);
	int64_t size = 0;
	char sha[MC_SHA256_HEX], why[600];
	if (hash_file(path, &size, sha, why, sizeof(why))) {
		fprintf(stderr, "motcua: %s\n", why);
		return 1;
	}
	if (strcmp(sha, want) != 0 || size != json_integer_value(json_object_get(e, "bytes"))) {
		fprintf(stderr, "motcua: %s is not the file the backup wrote (size or SHA-256 differ)\n", path);
		return 1;
	}
	return 0;
}

static int restore_secret(const char *from, const char *to, const char *stamp)
{
	char why[600], tmp[600], kept[600];
	int64_t a = 0, b = 0;
	char sa[MC_SHA256_HEX], sb[MC_SHA256_HEX];
	struct stat st;
	if (lstat(to, &st) == 0 && hash_file(to, &a, sa, why, sizeof(why)) == 0 &&
	    hash_file(from, &b, sb, why, sizeof(why)) == 0 && strcmp(sa, sb) == 0)
		return 0; /* the same secret already */
	make_parent(to, 0700);
	snprintf(tmp, sizeof(tmp), "%.500s.restore-%d", to, (int)getpid());
	if (copy_file(from, tmp, 0600, &b, NULL, why, sizeof(why))) {
		fprintf(stderr, "motcua: %s\n", why);
		return 1;
	}
	own_like_folder(tmp);
	snprintf(kept, sizeof(kept), "%.500s.pre-restore-%s", to, stamp);
	if ((lstat(to, &st) == 0 && rename(to, kept)) || rename(tmp, to)) {
		fprintf(stderr, "motcua: cannot put the PKI secret in place at %s: %s\n", to, strerror(errno));
		unlink(tmp);
		return 1;
	}
	return 0;
}

/* The backup in from checked against its backup.json: its database's
 * path into db, its secret's into secret ("" when it has none), and its
 * schema version.  0, or the exit code, said why. */
static int restore_check(const char *from, char db[700], char secret[700], int *version)
{
	snprintf(db, 700, "%.600s/" BACKUP_INFO, from);
	json_error_t jerr;
	json_t *info = json_load_file(db, 0, &jerr);
	if (!info || json_integer_value(json_object_get(info, "format")) != BACKUP_FORMAT) {
		fprintf(stderr, "motcua: %s is not a backup made by motcua backup (%s)\n", from,
			info ? "unknown format" : jerr.text);
		json_decref(info);
		return 2;
	}
	json_t *se = json_object_get(info, "pki_secret");
	int rc = check_entry(from, json_object_get(info, "database"), db, 700);
	if (!rc && json_is_object(se))
		rc = check_entry(from, se, secret, 700);
	*version = (int)json_integer_value(json_object_get(info, "schema_version"));
	json_decref(info);
	return rc;
}

int mc_cmd_restore(int argc, char **argv)
{
	const char *from = mc_cli_opt(argc, argv, "from");
	int rc = mc_cli_usage(argc, argv, usage_restore, !from || !*from);
	if (rc >= 0)
		return rc;
	struct mc_config cfg;
	const char *db;
	if ((rc = open_sqlite(argc, argv, "motcua restore", &cfg, &db)))
		return rc;

	char path[700], secret[700] = "";
	int version;
	if ((rc = restore_check(from, path, secret, &version)))
		return rc;

	/* the copy into the database's folder first, so the last step is a
	 * rename on one file system */
	char stamp[32], tmp[700], kept[700], why[600];
	utc_stamp(stamp, 0);
	make_parent(db, 0750);
	snprintf(tmp, sizeof(tmp), "%.500s.restore-%d", db, (int)getpid());
	snprintf(kept, sizeof(kept), "%.500s.pre-restore-%s", db, stamp);
	int64_t size = 0;
	if (copy_file(path, tmp, 0640, &size, NULL, why, sizeof(why))) {
		fprintf(stderr, "motcua: %s\n", why);
		return 1;
	}
	own_like_folder(tmp);
	struct stat st;
	int had = lstat(db, &st) == 0;
	if ((rc = mc_db_sqlite_replace(db, tmp, kept, why, sizeof(why)))) {
		fprintf(stderr, "motcua: restore refused: %s\n", why);
		unlink(tmp);
		return 1;
	}
	printf("restored %s (%lld bytes, schema version %d)%s%s\n", db, (long long)size, version,
	       had ? "; the database it replaced is " : "", had ? kept : "");
	if (secret[0]) {
		if (restore_secret(secret, cfg.pki_secret, stamp))
			return 1;
		printf("restored the PKI secret %s\n", cfg.pki_secret);
	}

	/* what a restored database is checked with before it serves */
	struct mc_cli_db s;
	if ((rc = mc_cli_connect(argc, argv, &s)))
		return rc;
	int code = mc_cli_audit_verify(s.c);
	int latest = mc_migrate_latest(s.db);
	if (version < latest)
		printf("the backup's schema is at version %d, this motcua's at %d: run `motcua migrate`\n", version,
		       latest);
	mc_cli_disconnect(&s);
	return code;
}
