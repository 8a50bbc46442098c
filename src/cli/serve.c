/* serve.c - `motcua serve`: the HTTP server until SIGTERM / SIGINT. */
#include "cli.h"

#include "../api/api.h"
#include "../auth/auth.h"
#include "../core/log.h"
#include "../core/testhooks.h"
#include "../core/timeutil.h"
#include "../db/lease.h"
#include "../db/migrate.h"
#include "../dossier/holidays.h"
#include "../exchange/exchange.h"
#include "../http/client.h"
#include "../render/pdf.h"
#include "../signing/signing.h"
#include "../snapshot/snapshot.h"

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <time.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../core/banned.h"

#ifndef MC_VERSION
#define MC_VERSION "dev"
#endif

static const char usage[] = "usage: motcua serve [--config FILE] [--listen HOST:PORT] [--migrate]\n"
			    "\n"
			    "Serve the HTTP API and the web UI (web/) until SIGTERM or SIGINT; then stop\n"
			    "accepting connections and finish the requests in flight (shutdown_grace\n"
			    "seconds at most).\n"
			    "  --listen HOST:PORT  where to listen (MOTCUA_LISTEN; default 127.0.0.1:8080)\n"
			    "  --migrate           apply pending migrations first\n"
			    "Configuration: MOTCUA_DB, MOTCUA_THREADS, MOTCUA_BODY_LIMIT, ... (see README).\n";

/* A worker thread of the server: a round every interval_ms (periodic_main)
 * or at the top of every hour (snapshot_main), until the server stops.  A
 * worker with a lease runs its rounds only while this server holds the
 * lease (one server of those sharing the database at a time). */
struct keeper {
	struct mc_db *db;
	const struct mc_config *cfg;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop;
	void (*round)(struct keeper *k);
	int interval_ms;
	void *ud;
	/* the lease (NULL: none, every server runs the rounds), held for
	 * lease_ms from each round's start; held: as last found (-1: not yet
	 * asked), to log the changes only */
	const char *lease;
	int64_t lease_ms;
	int held;
	pthread_t thread;
	int started; /* the thread runs */
};

/* This server among those sharing the database, in the leases: host and
 * process id. */
static char holder[128];

static void holder_init(void)
{
	char host[64] = "";
	if (gethostname(host, sizeof(host) - 1) != 0 || !host[0])
		snprintf(host, sizeof(host), "localhost");
	snprintf(holder, sizeof(holder), "%s:%d", host, (int)getpid());
}

/* Whether this server may run k's round now: no lease, or it holds the
 * lease (taken or renewed now).  The changes are logged, with the holder
 * when another holds it. */
static int lease_held(struct keeper *k)
{
	if (!k->lease)
		return 1;
	struct mc_conn *c;
	if (mc_db_acquire(k->db, &c))
		return 0;
	int64_t now = mc_time_now_ms();
	int held = mc_lease_take(c, k->lease, holder, now, k->lease_ms);
	char other[128] = "";
	if (held == 0 && k->held != 0)
		mc_lease_holder(c, k->lease, now, other, sizeof(other));
	mc_db_release(c);
	if (held < 0) {
		mc_log_json(MC_LOG_WARN, "lease_failed", json_pack("{s:s, s:i}", "name", k->lease, "error", held));
		held = 0;
	}
	if (held != k->held)
		mc_log_json(
			MC_LOG_INFO, "lease",
			json_pack("{s:s, s:b, s:s}", "name", k->lease, "held", held, "holder", held ? holder : other));
	k->held = held;
	return held;
}

/* Give the lease back when the server stops: another takes it at once. */
static void lease_release(struct keeper *k)
{
	struct mc_conn *c;
	if (!k->lease || k->held != 1 || mc_db_acquire(k->db, &c))
		return;
	if (mc_lease_release(c, k->lease, holder) == 0)
		mc_log_json(MC_LOG_INFO, "lease",
			    json_pack("{s:s, s:b, s:s}", "name", k->lease, "held", 0, "holder", ""));
	mc_db_release(c);
	k->held = 0;
}

/* Housekeeping (on one server at a time: the "housekeeping" lease). */
static void housekeeping_round(struct keeper *k)
{
	struct mc_conn *c;
	if (mc_db_acquire(k->db, &c))
		return;
	int64_t uploads = 0, reminders = 0;
	int64_t n = mc_cli_housekeeping(c, k->cfg, &uploads, &reminders);
	mc_db_release(c);
	if (n != 0 || reminders > 0)
		mc_log_json(n < 0 ? MC_LOG_WARN : MC_LOG_INFO, "housekeeping",
			    json_pack("{s:I, s:I, s:I}", "rows_removed", (json_int_t)n, "uploads_removed",
				      (json_int_t)uploads, "reminders_queued", (json_int_t)reminders));
}

/* k's thread running fn, when wanted. */
static void keeper_start(struct keeper *k, void *(*fn)(void *), int want)
{
	k->started = want && pthread_create(&k->thread, NULL, fn, k) == 0;
}

static void keeper_stop(struct keeper *k)
{
	if (!k->started)
		return;
	pthread_mutex_lock(&k->lock);
	k->stop = 1;
	pthread_cond_signal(&k->cond);
	pthread_mutex_unlock(&k->lock);
	pthread_join(k->thread, NULL);
}

/* The courier: every exchange_interval_ms, the dossiers due to external
 * agencies and the outbox's edXML messages that are due go to the other
 * agencies (no database connection is held while a message travels). */
static void courier_round(struct keeper *k)
{
	/* the dossiers handed to external agencies' systems first */
	int delivered = 0, failed = 0;
	mc_cli_handoff_round(k->db, k->cfg->public_url, &delivered, &failed);
	struct mc_exchange_due rows[16];
	int n = 0;
	struct mc_conn *c;
	if (mc_db_acquire(k->db, &c))
		return;
	int rc = mc_exchange_due(c, mc_time_now_ms(), rows, 16, &n);
	mc_db_release(c);
	if (rc)
		return;
	for (int i = 0; i < n; i++) {
		long status = 0;
		char err[256] = "";
		if (!rows[i].body)
			snprintf(err, sizeof(err), "the message is gone");
		else if (mc_http_client_post(rows[i].url, "application/xml; charset=utf-8", rows[i].body, rows[i].len,
					     30, &status, err, sizeof(err)) == 0 &&
			 (status < 200 || status >= 300))
			snprintf(err, sizeof(err), "HTTP %ld", status);
		if (mc_db_acquire(k->db, &c) == 0) {
			mc_exchange_tried(c, rows[i].outbox_id, status, err[0] ? err : NULL, mc_time_now_ms());
			mc_db_release(c);
		}
		if (err[0])
			mc_log_json(MC_LOG_INFO, "exchange_try_failed",
				    json_pack("{s:I, s:s, s:i, s:s}", "outbox_id", (json_int_t)rows[i].outbox_id, "url",
					      rows[i].url, "http_status", (int)status, "error", err));
	}
	mc_exchange_due_free(rows, n);
}

/* The notifier: every notify_interval_ms, the outbox's new messages go
 * to the inboxes, and those due by e-mail and SMS are sent. */
static void notify_round(struct keeper *k)
{
	struct mc_notify_counts n = {0};
	int rc = mc_cli_notify_round(k->ud, &n);
	if (rc || n.refused)
		mc_log_json(rc ? MC_LOG_WARN : MC_LOG_INFO, "notify",
			    json_pack("{s:i, s:I, s:I, s:I, s:I}", "rc", rc, "planned", (json_int_t)n.planned, "sent",
				      (json_int_t)n.sent, "put_off", (json_int_t)n.retried, "given_up",
				      (json_int_t)n.refused));
}

/* The national portal's worker: every portal_interval_ms, the dossiers'
 * changes that are due go to its synchronisation API. */
static void portal_round(struct keeper *k)
{
	struct mc_portal_counts n = {0};
	int rc = mc_cli_portal_round(k->db, k->cfg, &n);
	if (rc || n.refused)
		mc_log_json(rc ? MC_LOG_WARN : MC_LOG_INFO, "portal",
			    json_pack("{s:i, s:I, s:I, s:I}", "rc", rc, "accepted", (json_int_t)n.accepted, "put_off",
				      (json_int_t)n.retried, "failed", (json_int_t)n.refused));
}

/* A round every k->interval_ms until the server stops (with a lease,
 * while this server holds it). */
static void *periodic_main(void *arg)
{
	struct keeper *k = arg;
	pthread_mutex_lock(&k->lock);
	while (!k->stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		int64_t ns = until.tv_nsec + (int64_t)(k->interval_ms % 1000) * 1000000;
		until.tv_sec += k->interval_ms / 1000 + ns / 1000000000;
		until.tv_nsec = ns % 1000000000;
		pthread_cond_timedwait(&k->cond, &k->lock, &until);
		if (k->stop)
			break;
		pthread_mutex_unlock(&k->lock);
		if (lease_held(k))
			k->round(k);
		pthread_mutex_lock(&k->lock);
	}
	pthread_mutex_unlock(&k->lock);
	lease_release(k);
	return NULL;
}

/* The dashboard's snapshot at the top of every hour, then the leaders'
 * daily reports when due (from 07:00), on the server that takes the
 * "snapshots" lease first (for ten minutes: the next hour, any server may
 * take it).  Were two to run it at once, the second would find the hour or
 * the day claimed and write nothing. */
static void snapshot_round(struct keeper *k)
{
	struct mc_conn *c;
	if (mc_db_acquire(k->db, &c))
		return;
	int64_t now = mc_time_now_ms(), rows = 0, reports = 0;
	int rc = mc_snapshot_take(c, mc_snapshot_hour(now), &rows);
	if (!rc)
		rc = mc_snapshot_reports_due(c, now, &reports);
	mc_db_release(c);
	if (rc || rows || reports)
		mc_log_json(rc ? MC_LOG_WARN : MC_LOG_INFO, "snapshot",
			    json_pack("{s:i, s:I, s:I}", "error", rc, "rows", (json_int_t)rows, "reports",
				      (json_int_t)reports));
}

static void *snapshot_main(void *arg)
{
	struct keeper *k = arg;
	pthread_mutex_lock(&k->lock);
	while (!k->stop) {
		int64_t now = mc_time_now_ms(), wait = mc_snapshot_hour(now) + MC_HOUR_MS - now + 1000;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		int64_t ns = until.tv_nsec + (wait % 1000) * 1000000;
		until.tv_sec += wait / 1000 + ns / 1000000000;
		until.tv_nsec = ns % 1000000000;
		pthread_cond_timedwait(&k->cond, &k->lock, &until);
		if (k->stop)
			break;
		pthread_mutex_unlock(&k->lock);
		if (mc_time_now_ms() >= now + wait - 1000 && lease_held(k))
			snapshot_round(k);
		pthread_mutex_lock(&k->lock);
	}
	pthread_mutex_unlock(&k->lock);
	lease_release(k);
	return NULL;
}

/*
 * The schema must be the one this motcua needs (migrated first with
 * --migrate).  A newer one is accepted: during a rolling upgrade the new
 * release migrates while the old servers serve on, which is safe because a
 * release's migrations only add (tables, nullable columns, indexes) and
 * drop only what no release still running uses (docs/operations.md,
 * "Upgrades without downtime").  The log says so.  0, or the exit code.
 */
static int check_schema(struct mc_db *db, int migrate)
{
	struct mc_conn *c;
	int version = 0;
	int rc = mc_db_acquire(db, &c);
	if (!rc) {
		int applied;
		if (migrate)
			rc = mc_migrate(c, &applied);
		if (!rc)
			rc = mc_migrate_version(c, &version);
		mc_db_release(c);
	}
	if (rc || version < mc_migrate_latest(db)) {
		fprintf(stderr,
			"motcua: the database schema is at version %d, this motcua needs %d: run `motcua migrate`\n",
			version, mc_migrate_latest(db));
		return 1;
	}
	if (version > mc_migrate_latest(db))
		mc_log_json(MC_LOG_WARN, "schema_newer",
			    json_pack("{s:i, s:i, s:s}", "schema", version, "known", mc_migrate_latest(db), "detail",
				      "a newer motcua migrated the database: this one serves on (migrations only "
				      "expand); replace it with the new release"));
	return 0;
}

/*
 * This server's row in `servers` (migration 0044): which release serves on
 * the database, knowing which schema, since when.  Written when it starts
 * listening and closed when it stops; best effort (a server that cannot
 * note itself serves all the same).  The row's id, or 0.
 */
static int64_t servers_note(struct mc_db *db, const struct mc_config *cfg, int port)
{
	struct mc_conn *c;
	if (mc_db_acquire(db, &c))
		return 0;
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1))
		snprintf(host, sizeof(host), "?");
	/* the address with the port really bound (listen may say :0) */
	char addr[300];
	const char *colon = strrchr(cfg->listen, ':');
	int n = colon ? (int)(colon - cfg->listen) : (int)strlen(cfg->listen);
	snprintf(addr, sizeof(addr), "%.*s:%d", n > 250 ? 250 : n, cfg->listen, port);
	int64_t id = 0;
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "INSERT INTO servers (host, listen, pid, version, schema_known, started_at)"
			  " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			  "ttitdi", host, addr, (int64_t)getpid(), MC_VERSION, mc_migrate_latest(db), mc_time_now_ms());
	if (!rc)
		rc = mc_step_returning(s, &id);
	if (rc)
		mc_log_json(MC_LOG_WARN, "servers_note", json_pack("{s:s}", "detail", mc_conn_errmsg(c)));
	mc_db_release(c);
	return rc ? 0 : id;
}

static void servers_stopped(struct mc_db *db, int64_t id)
{
	struct mc_conn *c;
	if (!id || mc_db_acquire(db, &c))
		return;
	mc_exec(c, "UPDATE servers SET stopped_at = ? WHERE id = ?", "ii", mc_time_now_ms(), id);
	mc_db_release(c);
}

/* The settings that apply to the whole process: office hours, database
 * time limits (only now: a migration may run long), open files.  0, or
 * the exit code. */
static int apply_settings(const struct mc_config *cfg, struct mc_db *db)
{
	if (mc_holidays_set_office_hours(cfg->office_hours)) {
		fprintf(stderr, "motcua: bad office_hours '%s'\n", cfg->office_hours);
		return 2;
	}
	struct mc_db_limits lim = {cfg->db_connect_timeout_ms, cfg->db_statement_timeout_ms, cfg->db_lock_timeout_ms,
				   cfg->db_hang_timeout_ms};
	char lerr[512];
	/* the secret that opens the CAs' and agencies' keys: made on the first
	 * start; servers that share a database share it (pki_secret) */
	struct mc_conn *pc = NULL;
	int prc = mc_db_acquire(db, &pc);
	if (!prc) {
		prc = mc_signing_start(pc, cfg->pki_secret, lerr, sizeof(lerr));
		mc_db_release(pc);
	} else {
		snprintf(lerr, sizeof(lerr), "no database connection");
	}
	if (prc) {
		fprintf(stderr, "motcua: %s\n", lerr);
		return 1;
	}
	if (mc_db_set_limits(db, &lim, lerr, sizeof(lerr))) {
		fprintf(stderr, "motcua: cannot set the database time limits: %s\n", lerr);
		return 1;
	}
	if (mc_db_group_commit(db, cfg->db_group_commit, lerr, sizeof(lerr))) {
		fprintf(stderr, "motcua: cannot open the database's write lane: %s\n", lerr);
		return 1;
	}
	/* Every connection is a descriptor: take all the kernel allows this
	 * process (systemd's LimitNOFILE raises the hard limit). */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	return 0;
}

/* The replica that lag-tolerant reads go to (db_replica): its pool, set
 * on the server once it is open.  One that cannot be reached when the
 * server starts is tried again every replica_retry_ms by a worker (its
 * reads go to the primary meanwhile); db is written by that worker only,
 * and read by run() once the worker stopped. */
struct replica {
	struct mc_server *srv;
	struct mc_db *db; /* NULL: not open (yet) */
	int tries;        /* failed openings so far */
	char err[512];    /* the last one's error */
};

/* 1: db_replica is to be used (set, and PostgreSQL on both sides; a
 * replica set with SQLite is logged and ignored: one file has no replica),
 * else 0. */
static int replica_wanted(const struct mc_config *cfg)
{
	if (!cfg->db_replica[0])
		return 0;
	if (!mc_config_is_pg(cfg->db) || !mc_config_is_pg(cfg->db_replica)) {
		mc_log_json(MC_LOG_WARN, "db_replica",
			    json_pack("{s:s}", "detail",
				      "db_replica is used only with PostgreSQL (db and db_replica postgresql:// "
				      "URLs): ignored"));
		return 0;
	}
	return 1;
}

/* Open rep's pool and set it on the server: 0, or -1 when the replica
 * cannot be reached now (its first failure is logged, the later ones
 * counted only: one line per retry would flood the log of a server whose
 * replica is down for hours). */
static int replica_open(struct replica *rep, const struct mc_config *cfg)
{
	struct mc_db_limits lim = {cfg->db_connect_timeout_ms, cfg->db_statement_timeout_ms, cfg->db_lock_timeout_ms,
				   cfg->db_hang_timeout_ms};
	int size = cfg->db_pool / 2 > 2 ? cfg->db_pool / 2 : 2;
	struct mc_db *rdb = NULL;
	if (mc_db_open_limits(cfg->db_replica, size, &lim, &rdb, rep->err, sizeof(rep->err))) {
		if (rep->tries++ == 0)
			mc_log_json(MC_LOG_WARN, "db_replica",
				    json_pack("{s:s, s:s, s:i}", "detail",
					      "cannot open the replica's pool: its reads go to the primary, and it "
					      "is tried again every replica_retry_ms",
					      "error", rep->err, "retry_ms", cfg->replica_retry_ms));
		return -1;
	}
	rep->db = rdb;
	mc_server_set_replica(rep->srv, rdb);
	mc_log_json(MC_LOG_INFO, "db_replica",
		    json_pack("{s:i, s:i, s:i}", "pool", size, "fresh_s", cfg->replica_fresh_s, "failed_tries",
			      rep->tries));
	return 0;
}

/* The replica's worker: one try a round until the replica opens, then it
 * ends. */
static void replica_round(struct keeper *k)
{
	if (replica_open(k->ud, k->cfg))
		return;
	pthread_mutex_lock(&k->lock);
	k->stop = 1;
	pthread_mutex_unlock(&k->lock);
}

/* The server's worker threads. */
struct workers {
	struct keeper keeper, courier, notify, portal, snapper, replica;
	struct mc_notifier notifier;
};

/* rep: the replica, tried again by a worker while it is wanted and not
 * open. */
static void workers_start(struct workers *w, struct mc_db *db, const struct mc_config *cfg, struct replica *rep)
{
	/* Housekeeping and the snapshots run on one server at a time (a
	 * lease); the couriers, the notifier and the portal's worker on every
	 * server: each claims its rows (a state and a lease of its own) before
	 * it sends them, so that none leaves twice. */
	holder_init();
	/* a dead holder's lease passes on after three of its rounds */
	int64_t keep_ms = 3 * (int64_t)cfg->housekeeping_interval_ms;
	w->keeper = (struct keeper){.db = db,
				    .cfg = cfg,
				    .lock = PTHREAD_MUTEX_INITIALIZER,
				    .cond = PTHREAD_COND_INITIALIZER,
				    .round = housekeeping_round,
				    .interval_ms = cfg->housekeeping_interval_ms,
				    .lease = "housekeeping",
				    .lease_ms = keep_ms < 1000 ? 1000 : keep_ms,
				    .held = -1};
	keeper_start(&w->keeper, periodic_main, 1);
	w->courier = (struct keeper){.db = db,
				     .cfg = cfg,
				     .lock = PTHREAD_MUTEX_INITIALIZER,
				     .cond = PTHREAD_COND_INITIALIZER,
				     .round = courier_round,
				     .interval_ms = cfg->exchange_interval_ms,
				     .ud = NULL};
	keeper_start(&w->courier, periodic_main, 1);
	mc_cli_notifier_init(&w->notifier, db, cfg);
	w->notify = (struct keeper){.db = db,
				    .cfg = cfg,
				    .lock = PTHREAD_MUTEX_INITIALIZER,
				    .cond = PTHREAD_COND_INITIALIZER,
				    .round = notify_round,
				    .interval_ms = cfg->notify_interval_ms,
				    .ud = &w->notifier};
	keeper_start(&w->notify, periodic_main, cfg->notify);
	w->portal = (struct keeper){.db = db,
				    .cfg = cfg,
				    .lock = PTHREAD_MUTEX_INITIALIZER,
				    .cond = PTHREAD_COND_INITIALIZER,
				    .round = portal_round,
				    .interval_ms = cfg->portal_interval_ms,
				    .ud = NULL};
	keeper_start(&w->portal, periodic_main, cfg->portal && cfg->portal_url[0]);
	mc_log_json(cfg->portal && !cfg->portal_url[0] ? MC_LOG_WARN : MC_LOG_INFO, "portal",
		    json_pack("{s:b, s:b, s:i}", "sending", w->portal.started, "url_set", cfg->portal_url[0] != '\0',
			      "interval_ms", cfg->portal_interval_ms));
	w->snapper = (struct keeper){.db = db,
				     .cfg = cfg,
				     .lock = PTHREAD_MUTEX_INITIALIZER,
				     .cond = PTHREAD_COND_INITIALIZER,
				     .lease = "snapshots",
				     .lease_ms = 10 * 60000,
				     .held = -1};
	keeper_start(&w->snapper, snapshot_main, cfg->snapshots);
	w->replica = (struct keeper){.db = db,
				     .cfg = cfg,
				     .lock = PTHREAD_MUTEX_INITIALIZER,
				     .cond = PTHREAD_COND_INITIALIZER,
				     .round = replica_round,
				     .interval_ms = cfg->replica_retry_ms,
				     .ud = rep};
	keeper_start(&w->replica, periodic_main, rep->tries > 0 && !rep->db);
}

static void workers_stop(struct workers *w)
{
	keeper_stop(&w->keeper);
	keeper_stop(&w->courier);
	keeper_stop(&w->snapper);
	keeper_stop(&w->notify);
	keeper_stop(&w->portal);
	keeper_stop(&w->replica);
	mc_cli_notifier_done(&w->notifier);
}

/* Serve until SIGTERM or SIGINT, then finish the requests in flight. */
static int run(struct mc_config *cfg, struct mc_db *db)
{
	/* Signals go to this thread only (sigwait below), not to workers. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct mc_server *srv = mc_server_new(cfg, db, mc_api_routes(), &mc_api_hooks);
	struct replica rep = {.srv = srv};
	if (replica_wanted(cfg))
		replica_open(&rep, cfg);
	char err[256];
	if (mc_server_start(srv, err, sizeof(err))) {
		fprintf(stderr, "motcua: %s\n", err);
		mc_server_free(srv);
		mc_db_close(rep.db);
		return 1;
	}
	if (mc_time_is_test_clock())
		mc_log_json(MC_LOG_WARN, "test_clock",
			    json_pack("{s:s}", "detail",
				      "MOTCUA_TEST_NOW is set: this server's clock is not the real time"));
	if (cfg->paysim)
		mc_log_json(MC_LOG_WARN, "paysim",
			    json_pack("{s:s}", "detail",
				      "paysim = 1: this server plays the VNPAY gateway; its payments are not real "
				      "(demo only)"));
	int64_t noted = servers_note(db, cfg, mc_server_port(srv));
	mc_log_json(MC_LOG_INFO, "listening",
		    json_pack("{s:s, s:i, s:i, s:s, s:s, s:i}", "listen", cfg->listen, "port", mc_server_port(srv),
			      "threads", cfg->threads, "database", mc_db_kind_name(db), "version", MC_VERSION, "schema",
			      mc_migrate_latest(db)));
	struct workers w;
	workers_start(&w, db, cfg, &rep);
	siginfo_t si;
	int sig;
	while ((sig = sigwaitinfo(&set, &si)) < 0)
		;
	mc_server_quiesce(srv);
	mc_log_json(MC_LOG_INFO, "stopping",
		    json_pack("{s:i, s:i, s:i}", "signal", sig, "from_pid", (int)si.si_pid, "in_flight",
			      mc_server_in_flight(srv)));
	if (mc_test_hooks.stopping)
		mc_test_hooks.stopping();
	workers_stop(&w);
	mc_server_stop(srv, cfg->shutdown_grace);
	servers_stopped(db, noted);
	mc_server_free(srv);
	/* only now: the worker that opened it stopped, and no request runs */
	mc_db_close(rep.db);
	return 0;
}

int mc_cmd_serve(int argc, char **argv)
{
	struct mc_config cfg;
	struct mc_db *db = NULL;
	int rc = mc_cli_usage(argc, argv, usage, 0);
	if (rc >= 0 || (rc = mc_cli_open(argc, argv, &cfg, &db, 0)))
		return rc;
	const char *listen = mc_cli_opt(argc, argv, "listen");
	if (listen && mc_config_set(&cfg, "listen", listen)) {
		fprintf(stderr, "motcua: bad --listen\n");
		rc = 2;
		goto out;
	}
	if ((rc = check_schema(db, mc_cli_flag(argc, argv, "migrate"))) || (rc = apply_settings(&cfg, db)) ||
	    (rc = run(&cfg, db)))
		goto out;
	mc_db_close(db);
	db = NULL;
	/* no request runs any more: the font caches of the PDF forms go, so
	 * that a leak checker sees only real leaks */
	mc_pdf_release_caches();
	mc_log_json(MC_LOG_INFO, "stopped", NULL);
out:
	mc_db_close(db);
	return rc;
}
