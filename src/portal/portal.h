/*
 * portal.h - dossiers synchronised with the national public-service portal
 * (Cổng DVCQG; issue 17).  See docs/portal.md.
 *
 * Every change of a dossier's status queues a portal_sync row in the
 * transaction of the change (src/dossier/workflow.c, mc__event).  The
 * worker (the server's thread when portal = 1, or `motcua portal`):
 *
 *   claim    takes the rows due, at most one per dossier and only the
 *            earliest row of its dossier not yet accepted (the portal sees
 *            each status in order; a failed row holds back the later ones
 *            of its dossier until an operator retries it), marks them
 *            `sending` in a committed transaction and builds each payload
 *            from the dossier as it is then;
 *   send     POSTs it to portal_url with the bearer portal_token, holding
 *            no database connection;
 *   record   `accepted` (with the portal's answer and the payload it took),
 *            `pending` again after a pause (30 s doubling to an hour,
 *            MC_PORTAL_TRIES tries), or `failed` (refused for good, with
 *            the portal's message; or out of tries).
 *
 * A row left `sending` past the lease (a crash, a server cut off) goes back
 * to pending: the portal updates a dossier by its code (MaHoSo), so
 * receiving the same state twice does no harm.  The lease is far longer
 * than a request may take (MC_PORTAL_TIMEOUT_S).
 */
#ifndef MC_PORTAL_H
#define MC_PORTAL_H

#include "../core/err.h"
#include "../db/db.h"
#include "model.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define MC_PORTAL_TRIES      10
#define MC_PORTAL_TRIES_TEXT "10" /* the same, written in a reason */
#define MC_PORTAL_LEASE_MS   (5 * 60 * 1000)
#define MC_PORTAL_TIMEOUT_S  30
#define MC_PORTAL_BATCH      32
#define MC_PORTAL_KEEP_DAYS  90 /* accepted rows kept this long */

/* ---- the mapping (map.c; no database) ---- */

/* The portal's TrangThaiHoSo for a dossier's status after action: 1 new
 * (submitted online), 2 received, 3 refused, 4 in progress, 5 supplement
 * requested, 7 withdrawn, 8 stopped, 9 result ready, 10 returned; 0 for a
 * status the portal has no code for. */
int mc_portal_status(const char *status, const char *action);
/* ms as the portal writes times: yyyyMMddHHmmss in Vietnam's time (UTC+7);
 * "" for 0.  out has room for 15 bytes. */
void mc_portal_time(int64_t ms, char out[15]);
/* The request body of the synchronisation of d: {"service": "DongBoHoSoMC",
 * "isUpdating": ..., "data": [{MaHoSo, ...}]}.  NULL when the status has
 * no portal code. */
json_t *mc_portal_payload(const struct mc_portal_dossier *d);

enum mc_portal_outcome {
	MC_PORTAL_ACCEPTED,
	MC_PORTAL_RETRY,   /* no answer, an outage, a busy portal, a bad token: tried again later */
	MC_PORTAL_REFUSED, /* the portal refused the payload: failed until an operator retries */
};
/* What the portal's answer means: HTTP status (0: none came) and body
 * (may be NULL); why, when not accepted, into err. */
enum mc_portal_outcome mc_portal_answer(long http_status, const char *body, char *err, size_t errlen);

/* ---- the queue (store.c) ---- */

/* A row claimed for sending, with its request body. */
struct mc_portal_job {
	int64_t id, dossier_id;
	char code[80];
	char *body; /* malloc'd JSON, NULL when the row could not be mapped (error says why) */
	char error[160];
};
/* Put back rows `sending` past the lease; claim up to max rows due at now
 * (committed `sending` before this returns), their bodies built; *n of
 * them.  Free with mc_portal_jobs_free. */
int mc_portal_claim(struct mc_conn *c, int64_t now, struct mc_portal_job *jobs, int max, int *n);
void mc_portal_jobs_free(struct mc_portal_job *jobs, int n);
/* Record how a claimed row went (its own transaction): the body sent, the
 * portal's answer (may be NULL), why it was not accepted (NULL when it
 * was). */
int mc_portal_record(struct mc_conn *c, const struct mc_portal_job *j, enum mc_portal_outcome o, const char *answer,
		     const char *error, int64_t now);
/* Accepted rows older than MC_PORTAL_KEEP_DAYS removed; how many, or an
 * error. */
int64_t mc_portal_housekeeping(struct mc_conn *c, int64_t now);

/* ---- the operator's report (store.c) ---- */

/* Rows in state (pending | sending | accepted | failed), newest first,
 * before id (0: from the newest), at most limit: {"items": [...], "more"}. */
int mc_portal_list(struct mc_conn *c, const char *state, int64_t before, int limit, json_t **out);
/* Counts per state, the oldest pending's age in seconds, the last accepted. */
int mc_portal_summary(struct mc_conn *c, int64_t now, json_t **out);
/* A failed row back to pending, due now, its tries from zero, in the
 * caller's transaction (which audits it); MC_E_NOT_FOUND, MC_E_CONFLICT
 * when it is not failed. */
int mc_portal_retry(struct mc_conn *c, int64_t id, int64_t now);

#endif
