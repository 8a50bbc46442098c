/*
 * request.c - what the payments domain does when the dossier engine files
 * or changes a dossier (inside its transaction): the payment request of a
 * published fee above zero for the dossier's channel, the gate of the
 * transitions that wait for the fee (paid_at "receipt": receive, forward
 * and return; "return": the handing over of the result), and the refund
 * owed when a dossier is refused or stopped for a reason that returns the
 * fee.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

/* The published fee of channel in fees (0: none, not published, free) and
 * when it is paid. */
static int64_t fee_for(json_t *fees, const char *channel, const char **stage)
{
	size_t i;
	json_t *f;
	json_array_foreach(fees, i, f) {
		const char *ch = json_string_value(json_object_get(f, "channel"));
		json_t *amt = json_object_get(f, "amount");
		if (!ch || strcmp(ch, channel) != 0)
			continue;
		if (json_is_false(json_object_get(f, "published")) || !json_is_integer(amt))
			return 0;
		const char *when = json_string_value(json_object_get(f, "paid_at"));
		*stage = when && strcmp(when, "return") == 0 ? "return" : "receipt";
		return json_integer_value(amt) > 0 ? json_integer_value(amt) : 0;
	}
	return 0;
}

static int request(struct mc_conn *c, const struct mc_pay_dossier *d, int64_t now)
{
	const char *stage = "receipt";
	int64_t amount = fee_for(d->fees, d->channel, &stage), id = 0;
	if (amount <= 0)
		return 0;
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"INSERT INTO payments (dossier_id, agency_id, amount, stage, requested_at) VALUES (?, ?, ?, ?, ?)"
		" RETURNING id",
		"iiiti", d->id, d->competent, amount, stage, now);
	if (rc || (rc = mc_step_returning(s, &id)))
		return rc;
	struct mc__pay p;
	if ((rc = mc__pay_load(c, id, &p)) ||
	    (rc = mc__pay_record(c, id, d->actor, d->addr, "requested",
				 json_pack("{s:s, s:I, s:s, s:s}", "code", d->code, "amount", (json_int_t)amount,
					   "stage", stage, "channel", d->channel),
				 now)))
		return rc;
	return mc__pay_notice(c, &p, "payment_due", json_pack("{s:s}", "stage", stage), now);
}

static int is_one(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

/* The fee must be paid before this transition. */
static int gated(const struct mc__pay *p, const char *action)
{
	static const char *const at_receipt[] = {"receive", "forward", "return", NULL};
	if (strcmp(p->status, "requested") != 0 && strcmp(p->status, "failed") != 0)
		return 0;
	return strcmp(p->stage, "receipt") == 0 ? is_one(action, at_receipt) : strcmp(action, "return") == 0;
}

/* A refused dossier's fee is returned; a stopped one's when the leader
 * says the reason returns it ("refund": true). */
static int refund_owed(const struct mc_pay_dossier *d)
{
	if (strcmp(d->action, "refuse") == 0)
		return 1;
	return strcmp(d->action, "stop") == 0 && json_is_true(json_object_get(d->in, "refund"));
}

int mc_payment_on_dossier(struct mc_conn *c, struct mc_error *e, const struct mc_pay_dossier *d, int64_t now)
{
	static const char *const filed[] = {"submit", "intake", "intake_incomplete", NULL};
	if (is_one(d->action, filed))
		return request(c, d, now);
	struct mc__pay p;
	int rc = mc__pay_load_dossier(c, d->id, &p);
	if (rc)
		return rc == MC_E_NOT_FOUND ? 0 : rc;
	if (gated(&p, d->action)) {
		mc_bad_field(e, "payment",
			     strcmp(d->action, "return") == 0 ? MC_M_PAYMENT_BEFORE_RESULT : MC_M_PAYMENT_FIRST);
		return mc_error_set(e, MC_E_CONFLICT, "the fee of %lld đồng is not paid yet", (long long)p.amount);
	}
	if (!refund_owed(d) || strcmp(p.status, "paid") != 0 || p.refund_due_at)
		return 0;
	int64_t k = mc_exec(
		c, "UPDATE payments SET refund_due_at = ?, refund_reason = ?, version = version + 1 WHERE id = ?",
		"iti", now, d->action, p.id);
	if (k < 0)
		return (int)k;
	return mc__pay_record(c, p.id, d->actor, d->addr, "refund_due",
			      json_pack("{s:s, s:s}", "code", d->code, "because", d->action), now);
}
