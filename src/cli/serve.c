/* serve.c - `motcua serve`: the HTTP server until SIGTERM / SIGINT. */
#include "cli.h"

#include "../api/api.h"
#include "../auth/auth.h"
#include "../core/log.h"
#include "../core/testhooks.h"
#include "../core/timeutil.h"
#include "../db/migrate.h"
#include "../dossier/holidays.h"
#include "../render/pdf.h"

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <time.h>
#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static const char usage[] = "usage: motcua serve [--config FILE] [--listen HOST:PORT] [--migrate]\n"
			    "\n"
			    "Serve the HTTP API and the web UI (web/) until SIGTERM or SIGINT; then stop\n"
			    "accepting connections and finish the requests in flight (shutdown_grace\n"
			    "seconds at most).\n"
			    "  --listen HOST:PORT  where to listen (MOTCUA_LISTEN; default 127.0.0.1:8080)\n"
			    "  --migrate           apply pending migrations first\n"
			    "Configuration: MOTCUA_DB, MOTCUA_THREADS, MOTCUA_BODY_LIMIT, ... (see README).\n";

/* Housekeeping every ten minutes, until the server stops. */
struct keeper {
	struct mc_db *db;
	const struct mc_config *cfg;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop;
};

static void *keeper_main(void *arg)
{
	struct keeper *k = arg;
	pthread_mutex_lock(&k->lock);
	while (!k->stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 600;
		pthread_cond_timedwait(&k->cond, &k->lock, &until);
		if (k->stop)
			break;
		pthread_mutex_unlock(&k->lock);
		struct mc_conn *c;
		if (mc_db_acquire(k->db, &c) == 0) {
			int64_t uploads = 0;
			int64_t n = mc_cli_housekeeping(c, k->cfg, &uploads);
			mc_db_release(c);
			if (n > 0)
				mc_info("housekeeping", "\"rows_removed\":%lld,\"uploads_removed\":%lld", (long long)n,
					(long long)uploads);
		}
		pthread_mutex_lock(&k->lock);
	}
	pthread_mutex_unlock(&k->lock);
	return NULL;
}

int mc_cmd_serve(int argc, char **argv)
{
	if (mc_cli_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	struct mc_config cfg;
	struct mc_db *db = NULL;
	int rc = mc_cli_open(argc, argv, &cfg, &db, 0);
	if (rc)
		return rc;
	const char *listen = mc_cli_opt(argc, argv, "listen");
	if (listen && mc_config_set(&cfg, "listen", listen)) {
		fprintf(stderr, "motcua: bad --listen\n");
		mc_db_close(db);
		return 2;
	}
	struct mc_conn *c;
	int version = 0;
	if ((rc = mc_db_acquire(db, &c)) == 0) {
		if (mc_cli_flag(argc, argv, "migrate")) {
			int applied;
			rc = mc_migrate(c, &applied);
		}
		if (!rc)
			rc = mc_migrate_version(c, &version);
		mc_db_release(c);
	}
	if (rc || version < mc_migrate_latest(db)) {
		fprintf(stderr,
			"motcua: the database schema is at version %d, this motcua needs %d: run `motcua migrate`\n",
			version, mc_migrate_latest(db));
		mc_db_close(db);
		return 1;
	}
	if (mc_holidays_set_office_hours(cfg.office_hours)) {
		fprintf(stderr, "motcua: bad office_hours '%s'\n", cfg.office_hours);
		mc_db_close(db);
		return 2;
	}
	/* Time limits only now: a migration may run long. */
	struct mc_db_limits lim = {cfg.db_connect_timeout_ms, cfg.db_statement_timeout_ms, cfg.db_lock_timeout_ms,
				   cfg.db_hang_timeout_ms};
	char lerr[512];
	if (mc_db_set_limits(db, &lim, lerr, sizeof(lerr))) {
		fprintf(stderr, "motcua: cannot set the database time limits: %s\n", lerr);
		mc_db_close(db);
		return 1;
	}

	/* Every connection is a descriptor: take all the kernel allows this
	 * process (systemd's LimitNOFILE raises the hard limit). */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	/* Signals go to this thread only (sigwait below), not to workers. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct mc_server *srv = mc_server_new(&cfg, db, mc_api_routes(), &mc_api_hooks);
	char err[256];
	if (mc_server_start(srv, err, sizeof(err))) {
		fprintf(stderr, "motcua: %s\n", err);
		mc_server_free(srv);
		mc_db_close(db);
		return 1;
	}
	if (mc_time_is_test_clock())
		mc_warn("test_clock",
			"\"detail\":\"MOTCUA_TEST_NOW is set: this server's clock is not the real time\"");
	mc_info("listening", "\"listen\":\"%s\",\"port\":%d,\"threads\":%d,\"database\":\"%s\"", cfg.listen,
		mc_server_port(srv), cfg.threads, mc_db_kind_name(db));
	struct keeper keeper = {db, &cfg, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
	pthread_t keeper_thread;
	int keeper_started = pthread_create(&keeper_thread, NULL, keeper_main, &keeper) == 0;
	siginfo_t si;
	int sig;
	while ((sig = sigwaitinfo(&set, &si)) < 0)
		;
	mc_server_quiesce(srv);
	mc_info("stopping", "\"signal\":%d,\"from_pid\":%d,\"in_flight\":%d", sig, (int)si.si_pid,
		mc_server_in_flight(srv));
	if (mc_test_hooks.stopping)
		mc_test_hooks.stopping();
	if (keeper_started) {
		pthread_mutex_lock(&keeper.lock);
		keeper.stop = 1;
		pthread_cond_signal(&keeper.cond);
		pthread_mutex_unlock(&keeper.lock);
		pthread_join(keeper_thread, NULL);
	}
	mc_server_stop(srv, cfg.shutdown_grace);
	mc_server_free(srv);
	mc_db_close(db);
	/* no request runs any more: the font caches of the PDF forms go, so
	 * that a leak checker sees only real leaks */
	mc_pdf_release_caches();
	mc_info("stopped", NULL);
	return 0;
}
