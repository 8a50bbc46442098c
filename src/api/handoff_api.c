/*
 * handoff_api.c - the exchange API of external agencies' systems, and the
 * operators' view of the hand-overs (see src/exchange/exchange.h).
 *
 * A dossier that comes to an external agency is POSTed to its system; the
 * system answers with an account of that agency (an official holding the
 * roles of its steps), signed in with a bearer token like any official:
 *   POST /api/v1/exchange/dossiers/{code}/acknowledge  the dossier is received
 *   POST /api/v1/exchange/dossiers/{code}/result       its result is ready
 *   POST /api/v1/exchange/dossiers/{code}/refuse       it is refused
 * Each is the dossier engine's own transitions (receive; forward through
 * the agency's steps; refuse), with their checks, events and notices, so a
 * dossier handled elsewhere is recorded like one handled in motcua.  An
 * answer given twice changes nothing the second time.
 */
#include "api.h"
#include "queue.h"

#include "../core/timeutil.h"
#include "../db/rows.h"
#include "../dossier/dossier.h"
#include "../exchange/exchange.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

enum { MAX_STEPS = 16 }; /* forwards one result may take */

static int fail(struct mc_req *r, int rc)
{
	if (rc == MC_E_DB || rc == MC_E_DB_BUSY || rc == MC_E_INTERNAL)
		return mc_api_db_fail(r, rc);
	r->err.code = rc;
	return rc;
}

/* Where the dossier stands now. */
struct where {
	char status[32];
	int64_t version, agency;
};

static int where(struct mc_conn *c, const char *code, struct where *w)
{
	struct mc_stmt *s;
	int64_t lo, hi;
	mc_dossier_code_ids(code, &lo, &hi);
	int rc = mc_query(
		c, &s, "SELECT status, version, COALESCE(current_agency_id, 0) FROM dossiers WHERE " MC_DOSSIER_BY_CODE,
		"tii", code, lo, hi);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		snprintf(w->status, sizeof(w->status), "%s", mc_col_text(s, 0));
		w->version = mc_col_int64(s, 1);
		w->agency = mc_col_int64(s, 2);
	}
	mc_stmt_done(s);
	return rc;
}

enum answer_kind { ACKNOWLEDGE, RESULT, REFUSE };

static int answer(struct mc_req *r, enum answer_kind kind)
{
	const char *code = mc_api_typed_code(r, mc_req_param(r, "code"), 63);
	if (!code)
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	json_t *b = r->json ? mc_api_body(r) : mc_req_keep(r, json_object());
	if (!b)
		return r->err.code;
	if (kind == REFUSE && !json_is_array(json_object_get(b, "reasons"))) {
		mc_bad_field(&r->err, "reasons", MC_M_HANDOFF_REASONS);
		return mc_fail(r, MC_E_VALIDATION, NULL);
	}
	struct mc_dossier_ctx x;
	int rc = mc_api_dossier_ctx(r, &x);
	if (rc)
		return rc;
	/* only the system of an external agency answers this way: an agency
	 * handled in motcua takes its steps one by one in its own pages */
	if (!r->who->agency_id || !mc_handoff_agency_external(x.c, r->who->agency_id)) {
		mc_bad_field(&r->err, "agency", MC_M_HANDOFF_NOT_EXTERNAL);
		return mc_fail(r, MC_E_FORBIDDEN, NULL);
	}
	json_t *out = NULL;
	for (int i = 0; i < MAX_STEPS; i++) {
		struct where w = {"", 0, 0};
		if ((rc = where(x.c, code, &w)))
			return fail(r, rc);
		const char *act = NULL;
		int submitted = strcmp(w.status, "submitted") == 0, working = strcmp(w.status, "in_progress") == 0;
		if (kind == REFUSE && (submitted || working))
			act = "refuse";
		else if (submitted)
			act = "receive"; /* acknowledged; a result or a refusal receives it first */
		else if (kind == RESULT && working && w.agency == r->who->agency_id)
			act = "forward";
		else if (kind == RESULT && working) {
			/* the step now is another agency's: not this system's to finish */
			mc_bad_field(&r->err, "code", MC_M_HANDOFF_NOT_YOURS);
			return mc_fail(r, MC_E_CONFLICT, NULL);
		} else if (kind == RESULT && strcmp(w.status, "result_ready") != 0 &&
			   strcmp(w.status, "returned") != 0) {
			mc_bad_field(&r->err, "code", MC_M_HANDOFF_ENDED); /* refused, withdrawn, stopped */
			return mc_fail(r, MC_E_CONFLICT, NULL);
		} else if (kind == REFUSE && strcmp(w.status, "refused") != 0) {
			mc_bad_field(&r->err, "code", MC_M_HANDOFF_TOO_LATE);
			return mc_fail(r, MC_E_CONFLICT, NULL);
		}
		if (!act) /* nothing (more) to do: answered already */
			break;
		json_decref(out);
		out = NULL;
		json_t *in = strcmp(act, "receive") == 0 ? mc_req_keep(r, json_object()) : b;
		if ((rc = mc_dossier_act(&x, code, act, w.version, in, &out)))
			return fail(r, rc);
		if (strcmp(act, "refuse") == 0)
			mc_api_dossier_refunds(r, code);
	}
	if (!out && (rc = mc_dossier_get(&x, code, &out)))
		return fail(r, rc);
	mc_api_etag(r, out);
	return mc_res_json(r, 200, out);
}

static int acknowledge(struct mc_req *r)
{
	return answer(r, ACKNOWLEDGE);
}

static int result(struct mc_req *r)
{
	return answer(r, RESULT);
}

static int refuse(struct mc_req *r)
{
	return answer(r, REFUSE);
}

/* ---- the operators' queue: the hand-overs to the agencies under the
 * caller's ---- */

static int handoff_page(struct mc_req *r, struct mc_conn *c, const struct mc_api_queue_page *p, json_t **out)
{
	json_t *items = NULL;
	int rc = mc_handoff_list(c, r->who->agency_id, p->state, p->before, p->limit, &items);
	if (rc)
		return rc;
	*out = json_pack("{s:o}", "items", items);
	if (json_array_size(items) == (size_t)p->limit)
		json_object_set_new(*out, "next_before", json_integer(mc_rows_last_id(items)));
	return 0;
}

static int handoff_retry(struct mc_req *r, struct mc_conn *c, int64_t id)
{
	return mc_handoff_retry(c, r->who->agency_id, id, mc_time_now_ms());
}

static const char *const STATES[] = {"pending", "sending", "delivered", "failed", NULL};

static const struct mc_api_queue HANDOFFS = {
	.states = STATES,
	.state_enum = MC_M_HANDOFF_STATE_ENUM,
	.dflt_state = NULL, /* every state */
	.list = handoff_page,
	.retry = handoff_retry,
	.audit_action = "handoff.retry",
	.audit_type = "handoff",
	.not_retryable = MC_M_HANDOFF_NOT_FAILED,
};

static int handoffs(struct mc_req *r)
{
	return mc_api_queue_list(r, &HANDOFFS);
}

static int retry(struct mc_req *r)
{
	return mc_api_queue_retry(r, &HANDOFFS);
}

const struct mc_route mc_api_handoff_routes[] = {
	{"POST", "/api/v1/exchange/dossiers/{code}/acknowledge", acknowledge, MC_AUTH_REQUIRED, "dossier.process", 0},
	{"POST", "/api/v1/exchange/dossiers/{code}/result", result, MC_AUTH_REQUIRED, "dossier.process", 0},
	{"POST", "/api/v1/exchange/dossiers/{code}/refuse", refuse, MC_AUTH_REQUIRED, "dossier.process", 0},
	{"GET", "/api/v1/exchange/handoffs", handoffs, MC_AUTH_REQUIRED, "agency.manage", 0},
	{"POST", "/api/v1/exchange/handoffs/{id}/retry", retry, MC_AUTH_REQUIRED, "agency.manage", 0},
	{0},
};
