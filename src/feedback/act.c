/*
 * act.c - what happens to a report after it is received, each act in one
 * transaction that checks the row's version, moves it and writes an event
 * and an audit entry: the agency answers (publicly or for the author
 * only), reassigns it to another agency with a reason, or merges it into
 * another report it handles; a moderator approves or hides the text or
 * the answer; the author rates the answer once.
 */
#include "internal.h"

#include "../core/field.h"
#include "../core/timeutil.h"

#include <string.h>

#include "../core/banned.h"

/* The report and the caller's standing, checked for an act that needs
 * one of the bits of need, on a report read at version. */
int mc__fb_begin(struct mc_feedback_ctx *x, const char *code, const char *secret, int64_t version, unsigned need,
		 struct mc__fb *r, unsigned *bits)
{
	int rc = mc__fb_load(x->c, code, r);
	if (rc || (rc = mc__fb_standing(x, r, secret, bits)))
		return rc;
	if (!*bits && !mc__fb_public(r))
		return MC_E_NOT_FOUND;
	if (!(*bits & need))
		return mc_error_set(x->e, MC_E_FORBIDDEN, "not yours to act on");
	if (version != r->version)
		return MC_E_PRECONDITION;
	return 0;
}

int mc__fb_need_status(struct mc_feedback_ctx *x, const struct mc__fb *r, const char *status)
{
	return strcmp(r->status, status) == 0 ? 0 : mc_error_set(x->e, MC_E_CONFLICT, "the report is %s", r->status);
}

/* Run fn(x, r, arg, now) in a transaction; then the report as the caller
 * now stands to it. */
int mc__fb_run(struct mc_feedback_ctx *x, struct mc__fb *r, const char *secret,
	       int (*fn)(struct mc_feedback_ctx *, struct mc__fb *, void *, int64_t), void *arg, json_t **out)
{
	int64_t now = mc_time_now_ms();
	int rc = x->e->nfields ? (x->e->code = MC_E_VALIDATION) : mc_tx_begin(x->c, 1);
	if (!rc && !(rc = fn(x, r, arg, now)) && !(rc = mc__fb_reindex(x, r->id)))
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	unsigned bits;
	if (rc || (rc = mc__fb_load(x->c, r->code, r)) || (rc = mc__fb_standing(x, r, secret, &bits)))
		return rc;
	return mc__fb_json(x, r, bits, out);
}

int mc__fb_changed(int64_t k)
{
	return k == 0 ? MC_E_PRECONDITION : k < 0 ? (int)k : 0;
}

/* ---- answer ---- */

struct answer_in {
	const char *text;
	int pub;
};

static int do_answer(struct mc_feedback_ctx *x, struct mc__fb *r, void *arg, int64_t now)
{
	struct answer_in *a = arg;
	int rc = mc__fb_changed(
		mc_exec(x->c,
			"UPDATE feedback_reports SET status = 'answered', answer = ?, public_answer = ?,"
			" answer_public = ?, answered_at = ?, answered_by = ?, answer_state = 'pending'," MC__FB_BUMP,
			"ttiiiii", a->text, mc_feedback_mask(x->arena, a->text), (int64_t)a->pub, now, x->who->user_id,
			r->id, r->version));
	if (!rc)
		rc = mc__fb_record(x, r->id, "answer",
				   json_pack("{s:b, s:b}", "public", a->pub, "on_time", now <= r->due_at), now);
	if (!rc)
		rc = mc__fb_notify_author(
			x->c, r->id, "feedback_answered",
			json_pack("{s:s, s:s}", "code", r->code, "link", mc_sprintf(x->arena, "/phan-anh/%s", r->code)),
			now);
	return rc;
}

int mc_feedback_answer(struct mc_feedback_ctx *x, const char *code, int64_t version, json_t *in, json_t **out)
{
	struct mc__fb r;
	unsigned bits;
	int rc = mc__fb_begin(x, code, NULL, version, MC__FB_HANDLER, &r, &bits);
	if (rc || (rc = mc__fb_need_status(x, &r, "received")))
		return rc;
	struct answer_in a = {mc_field_str(x->arena, x->e, in, "text", MC_FEEDBACK_TEXT_MAX, 1), 1};
	json_t *p = json_object_get(in, "public");
	if (p && !json_is_boolean(p))
		mc_bad_field(x->e, "public", MC_M_NOT_BOOLEAN);
	a.pub = !p || json_is_true(p);
	return mc__fb_run(x, &r, NULL, do_answer, &a, out);
}

/* ---- reassign ---- */

struct reassign_in {
	int64_t agency;
	const char *reason;
};

static int do_reassign(struct mc_feedback_ctx *x, struct mc__fb *r, void *arg, int64_t now)
{
	struct reassign_in *a = arg;
	int rc = mc__fb_changed(mc_exec(x->c, "UPDATE feedback_reports SET agency_id = ?," MC__FB_BUMP, "iii",
					a->agency, r->id, r->version));
	if (!rc)
		rc = mc__fb_record(x, r->id, "reassign",
				   json_pack("{s:I, s:I, s:s}", "from", (json_int_t)r->agency, "to",
					     (json_int_t)a->agency, "reason", a->reason),
				   now);
	char due[40];
	mc_time_format_vn(r->due_at, due, sizeof(due));
	if (!rc)
		rc = mc__fb_notify_agency(x->c, r->id, a->agency, "feedback_assigned",
					  json_pack("{s:s, s:s, s:s, s:s}", "code", r->code, "due", due, "link",
						    mc_sprintf(x->arena, "/can-bo/phan-anh/%s", r->code), "reason",
						    a->reason),
					  now);
	return rc;
}

int mc_feedback_reassign(struct mc_feedback_ctx *x, const char *code, int64_t version, json_t *in, json_t **out)
{
	struct mc__fb r;
	unsigned bits;
	int rc = mc__fb_begin(x, code, NULL, version, MC__FB_HANDLER, &r, &bits);
	if (rc || (rc = mc__fb_need_status(x, &r, "received")))
		return rc;
	struct reassign_in a = {mc_field_id(x->e, in, "agency_id", 1, MC_M_FEEDBACK_AGENCY),
				mc_field_str(x->arena, x->e, in, "reason", MC_FEEDBACK_REASON_MAX, 1)};
	int64_t v;
	if (a.agency &&
	    (a.agency == r.agency ||
	     (rc = mc_query_int64(x->c, &v,
				  "SELECT 1 FROM agencies a JOIN agencies b ON b.province_code = a.province_code"
				  " WHERE a.id = ? AND b.id = ? AND a.active = 1",
				  "ii", a.agency, r.agency)) == MC_E_NOT_FOUND)) {
		mc_bad_field(x->e, "agency_id", MC_M_FEEDBACK_AGENCY);
		rc = 0;
	}
	return rc ? rc : mc__fb_run(x, &r, NULL, do_reassign, &a, out);
}

/* ---- merge ---- */

static int do_merge(struct mc_feedback_ctx *x, struct mc__fb *r, void *arg, int64_t now)
{
	struct mc__fb *into = arg;
	int rc = mc__fb_changed(mc_exec(x->c,
					"UPDATE feedback_reports SET status = 'merged', merged_into = ?," MC__FB_BUMP,
					"iii", into->id, r->id, r->version));
	if (!rc)
		rc = mc__fb_record(x, r->id, "merge", json_pack("{s:s}", "into", into->code), now);
	if (!rc)
		rc = mc__fb_record(x, into->id, "merged", json_pack("{s:s}", "from", r->code), now);
	if (!rc)
		rc = mc__fb_notify_author(x->c, r->id, "feedback_merged",
					  json_pack("{s:s, s:s, s:s}", "code", r->code, "into", into->code, "link",
						    mc_sprintf(x->arena, "/phan-anh/%s", into->code)),
					  now);
	return rc;
}

int mc_feedback_merge(struct mc_feedback_ctx *x, const char *code, int64_t version, json_t *in, json_t **out)
{
	struct mc__fb r, into;
	unsigned bits, ib = 0;
	int rc = mc__fb_begin(x, code, NULL, version, MC__FB_HANDLER, &r, &bits);
	if (rc || (rc = mc__fb_need_status(x, &r, "received")))
		return rc;
	const char *to = mc_field_str(x->arena, x->e, in, "into", 23, 1);
	rc = to ? mc__fb_load(x->c, to, &into) : 0;
	if (to && !rc)
		rc = mc__fb_standing(x, &into, NULL, &ib);
	if (rc && rc != MC_E_NOT_FOUND)
		return rc;
	if (to && (rc || into.id == r.id || !(ib & MC__FB_HANDLER) || strcmp(into.status, "merged") == 0))
		mc_bad_field(x->e, "into", MC_M_FEEDBACK_MERGE_INTO);
	return mc__fb_run(x, &r, NULL, do_merge, &into, out);
}
