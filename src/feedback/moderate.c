/*
 * moderate.c - the moderator and the author.  A moderator of the report's
 * committee approves or hides its text or its answer (a reason to hide;
 * optionally the public wording corrected, masked again); nothing is
 * public before both are approved.  The author rates an answer once.
 */
#include "internal.h"

#include "../core/field.h"

#include <string.h>

#include "../core/banned.h"

struct moderation {
	const char *target, *decision, *reason, *wording;
};

static int do_moderate(struct mc_feedback_ctx *x, struct mc__fb *r, void *arg, int64_t now)
{
	struct moderation *m = arg;
	const char *state = strcmp(m->decision, "approve") == 0 ? "approved" : "hidden";
	const char *masked = m->wording ? mc_feedback_mask(x->arena, m->wording) : NULL;
	int64_t k;
	if (strcmp(m->target, "text") == 0)
		k = mc_exec(x->c,
			    "UPDATE feedback_reports SET text_state = ?, text_reason = ?, public_body ="
			    " COALESCE(?, public_body)," MC__FB_BUMP,
			    "tttii", state, m->reason, masked, r->id, r->version);
	else
		k = mc_exec(x->c,
			    "UPDATE feedback_reports SET answer_state = ?, answer_reason = ?, public_answer ="
			    " COALESCE(?, public_answer)," MC__FB_BUMP,
			    "tttii", state, m->reason, masked, r->id, r->version);
	int rc = mc__fb_changed(k);
	return rc ? rc
		  : mc__fb_record(x, r->id, "moderate",
				  json_pack("{s:s, s:s, s:s?, s:b}", "target", m->target, "decision", m->decision,
					    "reason", m->reason, "reworded", m->wording != NULL),
				  now);
}

int mc_feedback_moderate(struct mc_feedback_ctx *x, const char *code, int64_t version, json_t *in, json_t **out)
{
	static const char *const targets[] = {"text", "answer", NULL}, *const decisions[] = {"approve", "hide", NULL};
	struct mc__fb r;
	unsigned bits;
	int rc = mc__fb_begin(x, code, NULL, version, MC__FB_MODERATOR, &r, &bits);
	if (rc)
		return rc;
	struct moderation m = {mc_field_enum(x->e, in, "target", targets, NULL, MC_M_FEEDBACK_TARGET_ENUM),
			       mc_field_enum(x->e, in, "decision", decisions, NULL, MC_M_FEEDBACK_DECISION_ENUM),
			       mc_field_str(x->arena, x->e, in, "reason", MC_FEEDBACK_REASON_MAX, 0),
			       mc_field_str(x->arena, x->e, in, "public_text", MC_FEEDBACK_TEXT_MAX, 0)};
	if (!m.target && !x->e->nfields)
		mc_bad_field(x->e, "target", MC_M_REQUIRED);
	if (!m.decision && !x->e->nfields)
		mc_bad_field(x->e, "decision", MC_M_REQUIRED);
	if (m.decision && strcmp(m.decision, "hide") == 0 && !m.reason)
		mc_bad_field(x->e, "reason", MC_M_REQUIRED);
	if (m.target && strcmp(m.target, "answer") == 0 && !r.answered_at && !x->e->nfields)
		return mc_error_set(x->e, MC_E_CONFLICT, "the report has no answer yet");
	if (!m.target || !m.decision)
		return x->e->code = MC_E_VALIDATION;
	return mc__fb_run(x, &r, NULL, do_moderate, &m, out);
}

struct rating {
	int64_t stars;
	const char *comment;
};

static int do_rate(struct mc_feedback_ctx *x, struct mc__fb *r, void *arg, int64_t now)
{
	struct rating *g = arg;
	int rc = mc__fb_changed(
		mc_exec(x->c,
			"UPDATE feedback_reports SET rating = ?, rating_comment = ?, rated_at = ?," MC__FB_BUMP
			" AND rating IS NULL",
			"itiii", g->stars, g->comment, now, r->id, r->version));
	return rc ? rc : mc__fb_record(x, r->id, "rate", json_pack("{s:I}", "rating", (json_int_t)g->stars), now);
}

int mc_feedback_rate(struct mc_feedback_ctx *x, const char *code, const char *secret, int64_t version, json_t *in,
		     json_t **out)
{
	struct mc__fb r;
	unsigned bits;
	int rc = mc__fb_begin(x, code, secret, version, MC__FB_AUTHOR, &r, &bits);
	if (rc || (rc = mc__fb_need_status(x, &r, "answered")))
		return rc;
	if (r.rating)
		return mc_error_set(x->e, MC_E_CONFLICT, "the answer is rated already");
	struct rating g = {0, mc_field_str(x->arena, x->e, in, "comment", MC_FEEDBACK_REASON_MAX, 0)};
	json_t *v = json_object_get(in, "rating");
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 5)
		mc_bad_fieldn2(x->e, "rating", MC_M_RANGE, 1, 5);
	else
		g.stars = json_integer_value(v);
	return mc__fb_run(x, &r, secret, do_rate, &g, out);
}
