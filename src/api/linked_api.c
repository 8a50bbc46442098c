/*
 * linked_api.c - linked procedures (Decree 63/2024) over HTTP: an
 * application with its parts, its public progress, verification, and the
 * monitoring of hand-overs.  An application is filed with the ordinary
 * submission (POST /api/v1/dossiers with "parts"); the engine's hook is
 * joined to the linked domain here (mc_api_dossier_ctx).
 */
#include "api.h"

#include "../dossier/dossier.h"
#include "../core/timeutil.h"
#include "../linked/linked.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

int mc_api_linked_hook(struct mc_dossier_ctx *x, const struct mc_dossier_change *ch)
{
	return mc_linked_on_change(x, ch);
}

int mc_api_linked_decorate(struct mc_conn *c, json_t *dossier, int public)
{
	int64_t id = 0, parent = 0;
	char pcode[80];
	const char *code = json_string_value(json_object_get(dossier, "code"));
	int rc = code ? mc_dossier_id_by_code(c, code, &id) : MC_E_NOT_FOUND;
	if (rc)
		return rc == MC_E_NOT_FOUND ? 0 : rc;
	json_t *parts = NULL;
	if ((rc = mc_linked_parts(c, id, public, &parts)))
		return rc;
	if (json_array_size(parts)) {
		/* how the parts stand: some refused or cancelled while others have
		 * their result is "partly refused" */
		int done = 0, ended = 0, open = 0;
		size_t i;
		json_t *p;
		json_array_foreach(parts, i, p) {
			const char *st = json_string_value(json_object_get(p, "state"));
			done += st && strcmp(st, "done") == 0;
			ended += st && (strcmp(st, "refused") == 0 || strcmp(st, "cancelled") == 0);
			open += st && (strcmp(st, "waiting") == 0 || strcmp(st, "started") == 0);
		}
		json_object_set_new(dossier, "linked",
				    json_pack("{s:o, s:{s:i, s:i, s:i}, s:b}", "parts", parts, "count", "done", done,
					      "refused_or_cancelled", ended, "open", open, "partly_refused",
					      done > 0 && ended > 0));
	} else {
		json_decref(parts);
	}
	if (!public && !(rc = mc_linked_parent(c, id, &parent, pcode)) && parent)
		json_object_set_new(dossier, "linked_application", json_string(pcode));
	return rc;
}

/* GET /api/v1/linked/{code}: the application as GET /api/v1/dossiers/{code}
 * shows it, with its parts. */
static int application_get(struct mc_req *r)
{
	const char *code = mc_api_typed_code(r, mc_req_param(r, "code"), 63);
	if (!code)
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	struct mc_dossier_ctx x;
	int rc = mc_api_dossier_ctx(r, &x);
	if (rc)
		return rc;
	json_t *out = NULL;
	if ((rc = mc_dossier_get(&x, code, &out)) || (rc = mc_api_linked_decorate(x.c, out, 0)))
		return mc_api_fail(r, rc);
	if (!json_object_get(out, "linked"))
		return mc_fail(r, MC_E_NOT_FOUND, NULL); /* not an application */
	mc_api_etag(r, out);
	return mc_res_json(r, 200, out);
}

/* GET /api/v1/linked/{code}/track?s=SECRET: public progress of each part
 * (no personal data: the engine's tracking answer plus the parts' agency,
 * state and dates). */
static int application_track(struct mc_req *r)
{
	/* the same limit as GET /api/v1/track/{code}: secrets are not guessed here either */
	const char *code, *secret;
	int rc = mc_api_track_input(r, &code, &secret);
	if (rc)
		return rc;
	struct mc_conn *c;
	rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	json_t *out = NULL;
	if ((rc = mc_dossier_track(c, code, secret, &out)))
		return mc_api_fail(r, rc);
	json_object_set_new(out, "code", json_string(code));
	if ((rc = mc_api_linked_decorate(c, out, 1)))
		return mc_api_fail(r, rc);
	if (!json_object_get(out, "linked"))
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	return mc_res_json(r, 200, out);
}

/* POST /api/v1/linked/{code}/verification {reason}: the part's official
 * says verification is needed; the application's deadline becomes the
 * longer one. */
static int verification(struct mc_req *r)
{
	const char *code = mc_api_typed_code(r, mc_req_param(r, "code"), 63);
	if (!code)
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	const char *reason = mc_api_str(r, b, "reason", 1000, 1);
	if (mc_api_check(r))
		return r->err.code;
	struct mc_dossier_ctx x;
	int rc = mc_api_dossier_ctx(r, &x);
	if (rc)
		return rc;
	json_t *out = NULL;
	if ((rc = mc_linked_verify(&x, code, reason)) || (rc = mc_dossier_get(&x, code, &out)) ||
	    (rc = mc_api_linked_decorate(x.c, out, 0)))
		return mc_api_fail(r, rc);
	mc_api_etag(r, out);
	return mc_res_json(r, 200, out);
}

/* GET /api/v1/linked/handovers?late=1&agency_id=&limit=: the hand-overs
 * over the caller's jurisdiction (or agency_id inside it). */
static int handovers(struct mc_req *r)
{
	int64_t late = 0, agency = 0, limit = 100, root = 0;
	struct mc_conn *c;
	int rc;
	if ((rc = mc_api_query_int(r, "late", 0, 1, 0, &late)) ||
	    (rc = mc_api_query_int(r, "agency_id", 1, INT64_MAX, 0, &agency)) ||
	    (rc = mc_api_query_int(r, "limit", 1, 500, 100, &limit)) || (rc = mc_api_agency_root(r, agency, &c, &root)))
		return rc;
	json_t *items = NULL;
	if ((rc = mc_linked_handovers(c, root, (int)late, mc_time_now_ms(), (int)limit, &items)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200,
			   json_pack("{s:o, s:i, s:i}", "items", items, "forward_minutes", MC_LINKED_FORWARD_MS / 60000,
				     "acknowledge_working_minutes", MC_LINKED_ACK_MINUTES));
}

const struct mc_route mc_api_linked_routes[] = {
	{"GET", "/api/v1/linked/handovers", handovers, MC_AUTH_REQUIRED, "dossier.read", 0},
	{"GET", "/api/v1/linked/{code}", application_get, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/linked/{code}/track", application_track, MC_AUTH_NONE, NULL, MC_RF_REPLICA},
	{"POST", "/api/v1/linked/{code}/verification", verification, MC_AUTH_REQUIRED, "dossier.process", 0},
	{0},
};
