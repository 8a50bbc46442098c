/*
 * linked.h - linked procedures under Decree 63/2024/NĐ-CP (liên thông thủ
 * tục hành chính): one application, one code and one deadline over the
 * procedures of several agencies (docs/linked.md).
 *
 * The application is a dossier of a procedure whose definition has a
 * "linked" section (3.000722 births, 2.002913 deaths: data/procedures/
 * README.md).  The applicant chooses its parts (the first is required);
 * each part is a sub-dossier of its component procedure at its own agency
 * (found by the applicant's ward), filed by the system when the part it
 * waits for has its result, with that data handed over, scored on its own
 * time.  The dossier engine calls mc_linked_on_change in the transaction of
 * every submission and transition (mc_dossier_ctx.linked): the parts move
 * with their sub-dossiers and the application with its parts.
 */
#ifndef MC_LINKED_H
#define MC_LINKED_H

#include "../dossier/dossier.h"

#include <jansson.h>
#include <stdint.h>

/* The engine's hook (see mc_dossier_ctx.linked): an application filed
 * records its chosen parts (in.parts, the names of the parts; absent: every
 * part) and, once received, starts its first part; a sub-dossier received
 * acknowledges the hand-over, with a result (forward to result_ready; the
 * data in.result_data goes on) finishes its part and starts those that
 * wait for it, refused / stopped / withdrawn cancels them, an approved
 * extension moves the application's date with an apology; when every
 * part is settled the application is (result ready, or refused when no
 * part has a result).  An application in progress moves only so: the
 * engine's own processing actions on it are refused (MC_E_CONFLICT). */
int mc_linked_on_change(struct mc_dossier_ctx *x, const struct mc_dossier_change *ch);

/* The parts of application id ({part, name, name_en, agency {id, code,
 * name, name_en}, state, dossier (its code or null), due_at, ready_at,
 * forwarded_at, acknowledged_at, result_at, result, reason,
 * verification}); public = 1 leaves out what is not for the public
 * (result data, agency ids, reasons).  An empty array for a dossier that
 * is not an application. */
int mc_linked_parts(struct mc_conn *c, int64_t id, int public, json_t **out);
/* The application a sub-dossier is part of: *parent its id and code (0 / ""
 * when none). */
int mc_linked_parent(struct mc_conn *c, int64_t id, int64_t *parent, char code[80]);

/* Verification needed (≤ verification_days instead of days): an official
 * who acts for the agency of one of application code's started parts, with
 * a reason; the application's deadline moves and the applicant is told. */
int mc_linked_verify(struct mc_dossier_ctx *x, const char *code, const char *reason);

/* The hand-overs of the parts whose agency or application's agency lies in
 * root's subtree (root 0: all), newest first, at most limit: {application,
 * part, agency, dossier, ready_at, forwarded_at, acknowledged_at, result_at,
 * result_forwarded_at, forward_late, acknowledge_late}; late_only keeps the
 * late ones.  Forwarding is late after 10 minutes (or still not forwarded
 * 10 minutes after ready_at), acknowledging after 2 working hours of the
 * part agency's calendar from forwarding (or still not acknowledged then),
 * as at now. */
int mc_linked_handovers(struct mc_conn *c, int64_t root, int late_only, int64_t now, int limit, json_t **out);

#define MC_LINKED_FORWARD_MS  (10 * 60 * 1000)
#define MC_LINKED_ACK_MINUTES 120

/* One hand-over judged at now (instants in ms, 0: not yet): the data ready
 * at ready and forwarded at fwd, acknowledged at ack by the part's agency
 * (whose working time cal counts), its result at res forwarded at resfwd.
 * 0 or the calendar's error. */
struct mc_linked_verdict {
	int forward_late, acknowledge_late, result_forward_late;
};
int mc_linked_judge(const struct mc_calendar *cal, int64_t ready, int64_t fwd, int64_t ack, int64_t res, int64_t resfwd,
		    int64_t now, struct mc_linked_verdict *v);

#endif
