/*
 * queue.c - the operators' outbound queues listed and retried one way (see
 * queue.h).
 */
#include "queue.h"

#include <string.h>

#include "../core/banned.h"

int mc_api_queue_list(struct mc_req *r, const struct mc_api_queue *q)
{
	const char *state = mc_req_query(r, "state");
	int known = 0;
	for (const char *const *s = q->states; *s; s++)
		known |= state && strcmp(state, *s) == 0;
	if (state && !known)
		mc_bad_field(&r->err, "state", q->state_enum);
	int64_t before, limit;
	if (mc_api_query_int(r, "before", 1, INT64_MAX, 0, &before) ||
	    mc_api_query_int(r, "limit", 1, 200, 50, &limit) || r->err.nfields)
		return r->err.nfields ? mc_fail(r, MC_E_VALIDATION, NULL) : r->err.code;
	struct mc_api_queue_page p = {state ? state : q->dflt_state, before, (int)limit};
	struct mc_conn *c;
	json_t *out = NULL;
	int rc = mc_req_db(r, &c);
	if (rc || (rc = q->list(r, c, &p, &out)))
		return mc_api_db_fail(r, rc);
	return mc_res_json(r, 200, out);
}

int mc_api_queue_retry(struct mc_req *r, const struct mc_api_queue *q)
{
	int64_t id;
	struct mc_conn *c;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	if ((rc = mc_req_db(r, &c)) || (rc = mc_tx_begin(c, 1)))
		return mc_api_db_fail(r, rc);
	rc = q->retry(r, c, id);
	if (!rc)
		rc = mc_api_audit(r, c, q->audit_action, q->audit_type, id, NULL);
	rc = rc ? rc : mc_tx_commit(c);
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	if (rc == MC_E_NOT_FOUND)
		return mc_fail(r, rc, NULL);
	if (rc == MC_E_CONFLICT) {
		mc_bad_field(&r->err, "state", q->not_retryable);
		return mc_fail(r, rc, NULL);
	}
	return rc ? mc_api_db_fail(r, rc) : mc_res_empty(r, 204);
}
