/*
 * lane.c - group commit: the pool's write lane; see mc_db_group_commit in
 * db.h.
 *
 * One connection of its own (the writer) runs every write transaction of
 * the pool, one at a time, each as a savepoint ("a job") of one long
 * transaction ("the batch").  A job that ends well is released into the
 * batch; its thread then either commits the batch - when nobody is waiting
 * for the lane, or the batch holds max_jobs jobs - or leaves the lane to
 * the next job and sleeps until a later thread has committed.  So while
 * one COMMIT waits for the disk, the jobs that arrive meanwhile queue, run
 * one after the other once it is done, and the last of them commits them
 * all with one fsync.  Nobody is answered before the COMMIT that holds its
 * job is durable: acknowledged = stored, as with one COMMIT per request.
 *
 * A job that fails is rolled back to its savepoint: the others in the
 * batch keep their work.  A failure that ends the whole transaction (a
 * full disk, a lost PostgreSQL connection) or a failed COMMIT fails every
 * job of the batch: none of them was acknowledged.
 *
 * The locking order is: the lane (busy), then the writer connection.  The
 * lane's mutex is never held while the database works.
 */
#include "driver.h"

#include "../core/arena.h"
#include "../core/err.h"
#include "../core/log.h"
#include "../core/testhooks.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/banned.h"

#define LANE_WAIT_MS 10000

/* The lane this thread holds (a second job from the same thread, on
 * another connection, would wait for itself). */
static _Thread_local struct mc_lane *held_here;

int mc__lane_on(const struct mc_db *db)
{
	return db->lane.w != NULL;
}

int mc_db_group_commit(struct mc_db *db, int max_jobs, char *errbuf, size_t errlen)
{
	struct mc_lane *l = &db->lane;
	if (mc__db_idle(db, errbuf, errlen))
		return MC_E_INTERNAL;
	if (max_jobs <= 0) {
		mc__lane_close(db);
		return 0;
	}
	l->max_jobs = max_jobs;
	if (l->w)
		return 0;
	void *h = db->drv->connect(db, errbuf, errlen);
	if (!h)
		return MC_E_DB;
	struct mc_conn *w = mc_xcalloc(1, sizeof(*w));
	w->db = db;
	w->h = h;
	w->index = -1;
	if (db->drv->configure && db->drv->configure(w)) {
		snprintf(errbuf, errlen, "%s", w->errmsg);
		mc__conn_free(w);
		return MC_E_DB;
	}
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->free_cond, NULL);
	pthread_cond_init(&l->done_cond, NULL);
	l->w = w;
	return 0;
}

void mc__lane_close(struct mc_db *db)
{
	struct mc_lane *l = &db->lane;
	if (!l->w)
		return;
	if (l->open)
		db->drv->exec_script(l->w, "ROLLBACK");
	mc__conn_free(l->w);
	l->w = NULL;
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->free_cond);
	pthread_cond_destroy(&l->done_cond);
}

void mc_db_group_commit_stats(struct mc_db *db, uint64_t *jobs, uint64_t *batches)
{
	*jobs = atomic_load_explicit(&db->lane.jobs_total, memory_order_relaxed);
	*batches = atomic_load_explicit(&db->lane.batches, memory_order_relaxed);
}

/* The writer's last error, as c's. */
static int pass_error(struct mc_conn *c, int rc)
{
	struct mc_conn *w = c->db->lane.w;
	if (rc && w->errmsg[0])
		memcpy(c->errmsg, w->errmsg, sizeof(c->errmsg));
	w->errmsg[0] = '\0';
	return rc;
}

/* Take the lane; then open the batch if none is, and the job's savepoint. */
int mc__lane_begin(struct mc_conn *c)
{
	struct mc_db *db = c->db;
	struct mc_lane *l = &db->lane;
	if (held_here == l)
		return mc__db_fail(c, MC_E_INTERNAL, "a second write transaction in a thread that holds one");
	struct timespec until;
	mc__deadline_in(&until, LANE_WAIT_MS);
	pthread_mutex_lock(&l->mu);
	l->queued++;
	while (l->busy)
		if (pthread_cond_timedwait(&l->free_cond, &l->mu, &until) == ETIMEDOUT && l->busy) {
			l->queued--;
			pthread_mutex_unlock(&l->mu);
			return mc__db_fail(c, MC_E_DB_BUSY, "the write lane stayed busy for %d ms", LANE_WAIT_MS);
		}
	l->queued--;
	l->busy = 1;
	pthread_mutex_unlock(&l->mu);
	held_here = l;
	struct mc_conn *w = l->w;
	int rc = 0;
	if (!l->open) {
		rc = db->drv->begin(w, 1);
		l->open = w->in_tx = rc == 0;
	}
	if (!rc)
		rc = db->drv->exec_script(w, "SAVEPOINT mc_job");
	if (!rc) {
		c->via = w;
		return 0;
	}
	pass_error(c, rc);
	mc__lane_end(c, 0);
	return rc;
}

/* The open batch is over (the lane held): its jobs are told the outcome
 * (rc, and why it failed) and wake up. */
static void end_batch(struct mc_lane *l, int rc, const char *why)
{
	l->open = l->w->in_tx = 0;
	pthread_mutex_lock(&l->mu);
	for (struct mc_conn *m = l->members; m; m = m->lane_next) {
		m->lane_rc = rc;
		if (rc)
			snprintf(m->errmsg, sizeof(m->errmsg), "%s", why);
		m->lane_done = 1;
	}
	if (rc == 0)
		atomic_fetch_add_explicit(&l->jobs_total, (uint_fast64_t)l->jobs, memory_order_relaxed);
	l->members = NULL;
	l->jobs = 0;
	pthread_cond_broadcast(&l->done_cond);
	pthread_mutex_unlock(&l->mu);
	l->w->errmsg[0] = '\0';
}

/* Commit the open batch (the lane held).  A batch whose jobs were all
 * rolled back holds nothing: it is rolled back (no fsync) and not
 * counted. */
static void commit_batch(struct mc_db *db)
{
	struct mc_lane *l = &db->lane;
	struct mc_conn *w = l->w;
	if (l->jobs == 0) {
		db->drv->exec_script(w, "ROLLBACK");
		end_batch(l, 0, NULL);
		return;
	}
	int rc = db->drv->exec_script(w, "COMMIT");
	if (rc == 0)
		atomic_fetch_add_explicit(&db->commits, 1, memory_order_relaxed);
	else if (db->drv->tx_alive(w))
		db->drv->exec_script(w, "ROLLBACK");
	if (rc == 0)
		atomic_fetch_add_explicit(&l->batches, 1, memory_order_relaxed);
	end_batch(l, rc, w->errmsg);
}

/* The whole batch is lost (its transaction ended under it, why says how):
 * its jobs are told, the writer is made clean. */
static void lose_batch(struct mc_db *db, int rc, const char *why)
{
	struct mc_lane *l = &db->lane;
	mc_warn("db_batch_lost", "\"jobs\":%d", l->jobs);
	db->drv->exec_script(l->w, "ROLLBACK");
	end_batch(l, rc, why);
}

/* Give the lane to the next job (under mu). */
static void leave(struct mc_lane *l)
{
	l->busy = 0;
	held_here = NULL;
	pthread_cond_signal(&l->free_cond);
}

/* A statement of the job still in use when the lane is given up would be
 * touched later by its thread while another thread's job runs on the
 * writer: test and debug builds stop there, naming it. */
static void check_done(struct mc_conn *w)
{
#if !defined(NDEBUG) || defined(MC_DB_CHECK_TYPES)
	for (int i = 0; i < w->nstmts; i++)
		if (w->stmts[i]->in_use)
			mc_fatal("a statement outlives its write transaction: %s", w->stmts[i]->sql);
#else
	(void)w;
#endif
}

/*
 * End c's job: release its savepoint into the batch (commit = 1) or roll it
 * back, then commit the batch or leave that to a later job, and wait until
 * the job is durable.  0 once it is; the error otherwise (and always after
 * a rollback: 0).
 */
int mc__lane_end(struct mc_conn *c, int commit)
{
	struct mc_db *db = c->db;
	struct mc_lane *l = &db->lane;
	struct mc_conn *w = l->w;
	int rc = 0;
	/* the test hooks see transactions, not single writes */
	int hooks = !c->lane_single;
	c->lane_single = 0;
	if (c->via) {
		if (commit) {
			if (hooks && mc_test_hooks.before_commit)
				mc_test_hooks.before_commit();
			rc = db->drv->exec_script(w, "RELEASE SAVEPOINT mc_job");
		}
		if (!commit || rc) {
			int rc2 = db->drv->exec_script(w, "ROLLBACK TO SAVEPOINT mc_job");
			if (!rc2)
				db->drv->exec_script(w, "RELEASE SAVEPOINT mc_job");
		}
		pass_error(c, rc);
		c->via = NULL;
		check_done(w);
	}
	if (l->open && !db->drv->tx_alive(w)) {
		if (!rc)
			rc = mc__db_fail(c, MC_E_DB, "the transaction of the batch ended under this job");
		lose_batch(db, rc, c->errmsg);
		commit = 0;
	}
	int joined = commit && rc == 0;
	pthread_mutex_lock(&l->mu);
	if (joined) {
		c->lane_done = 0;
		c->lane_next = l->members;
		l->members = c;
		l->jobs++;
	}
	int now = l->open && (l->queued == 0 || l->jobs >= l->max_jobs);
	if (!now)
		leave(l);
	pthread_mutex_unlock(&l->mu);
	if (now) {
		commit_batch(db);
		pthread_mutex_lock(&l->mu);
		leave(l);
		pthread_mutex_unlock(&l->mu);
	}
	if (!joined)
		return rc;
	pthread_mutex_lock(&l->mu);
	while (!c->lane_done)
		pthread_cond_wait(&l->done_cond, &l->mu);
	rc = c->lane_rc;
	pthread_mutex_unlock(&l->mu);
	if (rc == 0 && hooks && mc_test_hooks.after_commit)
		mc_test_hooks.after_commit();
	return rc;
}
