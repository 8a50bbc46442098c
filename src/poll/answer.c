/*
 * answer.c - a member's answer: agree, disagree or another opinion (a
 * comment required for the last two), before the deadline, signed.
 *
 * The order of the checks is what the member is told: a poll they may not
 * see is 404, one that does not ask them 403, one past its deadline 409
 * (said in both languages on the field "deadline"), a wrong answer 422, no
 * certificate to sign with 409; then the PIN unlocks their key (outside
 * any transaction, a wrong one counted) and in one transaction the answer
 * is a new row, the canonical text of it is signed (detached CMS,
 * time-stamped) and the signature linked, with an event and an audit
 * entry.  Every answer is kept; the last one counts.
 */
#include "internal.h"

#include "../core/text.h"
#include "../core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

struct answer {
	const char *choice, *comment;
	const char *name; /* the member's full name (arena) */
};

/* 1 when the caller holds a personal certificate that may sign now. */
static int has_certificate(struct mc_poll_ctx *x, int64_t now)
{
	int64_t k = 0;
	int rc = mc_query_int64(x->c, &k,
				"SELECT COUNT(*) FROM certificates WHERE user_id = ? AND kind = 'personal' AND"
				" revoked_at IS NULL AND not_before <= ? AND not_after >= ?",
				"iii", x->who->user_id, now / 1000, now / 1000);
	return rc ? rc : k > 0;
}

static int parse(struct mc_poll_ctx *x, json_t *in, struct answer *a)
{
	json_t *c = json_object_get(in, "choice"), *m = json_object_get(in, "comment");
	a->choice = json_string_value(c);
	if (!a->choice || (strcmp(a->choice, "agree") && strcmp(a->choice, "disagree") && strcmp(a->choice, "other")))
		mc_bad_field(x->e, "choice", c ? MC_M_POLL_CHOICE : MC_M_REQUIRED);
	const char *s = json_string_value(m);
	if (m && !json_is_null(m) && !s)
		mc_bad_field(x->e, "comment", MC_M_NOT_STRING);
	else if (s && !mc_text_valid(s, SIZE_MAX))
		mc_bad_field(x->e, "comment", MC_M_BAD_CHARACTERS);
	else if (s && mc_text_chars(s) > MC_POLL_COMMENT_MAX)
		mc_bad_fieldn(x->e, "comment", MC_M_TOO_LONG, MC_POLL_COMMENT_MAX);
	else if (s) {
		a->comment = mc_text_nfc(x->arena, s);
		while (*a->comment == ' ')
			a->comment++;
		if (!*a->comment)
			a->comment = NULL;
	}
	if (a->choice && strcmp(a->choice, "agree") != 0 && !a->comment && !x->e->nfields)
		mc_bad_field(x->e, "comment", MC_M_POLL_COMMENT);
	return x->e->nfields ? (x->e->code = MC_E_VALIDATION) : 0;
}

/* The checks before the key is unlocked (see the top of the file). */
static int check(struct mc_poll_ctx *x, const struct mc__poll *p, json_t *in, struct answer *a, int64_t now)
{
	unsigned bits;
	int rc = mc__poll_standing(x, p, &bits);
	if (rc)
		return rc;
	if (!bits)
		return mc_error_set(x->e, MC_E_NOT_FOUND, NULL);
	if (!(bits & MC__SEE_MEMBER))
		return mc_error_set(x->e, MC_E_FORBIDDEN, "only the members asked answer");
	if (strcmp(p->status, "open") != 0 || now >= p->deadline) {
		mc_bad_field(x->e, "deadline", MC_M_POLL_CLOSED);
		return mc_error_set(x->e, MC_E_CONFLICT, "the deadline has passed");
	}
	if ((rc = parse(x, in, a)))
		return rc;
	if ((rc = has_certificate(x, now)) < 0)
		return rc;
	if (!rc) {
		mc_bad_field(x->e, "pin", MC_M_POLL_NO_CERT);
		return mc_error_set(x->e, MC_E_CONFLICT, "no certificate to sign the answer with");
	}
	if (!x->signer)
		return mc_error_set(x->e, MC_E_UNAVAILABLE, "answers cannot be signed on this server");
	return 0;
}

/* The canonical text signed: JSON, keys sorted, no spaces. */
static char *canonical(struct mc_poll_ctx *x, const struct mc__poll *p, const struct answer *a, int64_t now)
{
	char at[40];
	mc_time_format_vn(now, at, sizeof(at));
	json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s?, s:s}", "poll_id", (json_int_t)p->id, "member_id",
			      (json_int_t)x->who->user_id, "member", a->name, "choice", a->choice, "comment",
			      a->comment, "answered_at", at);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

static int record(struct mc_poll_ctx *x, const struct mc__poll *p, const struct answer *a, int64_t now)
{
	char *text = canonical(x, p, a, now);
	if (!text)
		return MC_E_NOMEM;
	int64_t id = 0, sig = 0;
	json_t *signed_by = NULL;
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s,
			  "INSERT INTO poll_answers (poll_id, user_id, choice, comment, answered_at, signed_text)"
			  " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			  "iittit", p->id, x->who->user_id, a->choice, a->comment, now, text);
	if (!rc)
		rc = mc_step_returning(s, &id);
	if (!rc)
		rc = x->signer->sign(x->signer->arg, text, strlen(text), &sig, &signed_by);
	if (!rc) {
		int64_t k = mc_exec(x->c, "UPDATE poll_answers SET signature_id = ? WHERE id = ?", "ii", sig, id);
		rc = k < 0 ? (int)k : 0;
	}
	if (!rc)
		rc = mc__poll_record(x->c, p->id, x->who->user_id, x->addr, "answer",
				     json_pack("{s:I, s:s, s:I}", "answer_id", (json_int_t)id, "choice", a->choice,
					       "signature_id", (json_int_t)sig),
				     now);
	json_decref(signed_by);
	free(text);
	return rc;
}

int mc_poll_answer(struct mc_poll_ctx *x, int64_t id, json_t *in, json_t **out)
{
	struct mc__poll p;
	struct answer a;
	memset(&a, 0, sizeof(a));
	int64_t now = mc_time_now_ms();
	int rc = mc__poll_load(x->c, id, &p);
	if (!rc)
		rc = check(x, &p, in, &a, now);
	struct mc_stmt *s;
	if (!rc && !(rc = mc_query(x->c, &s, "SELECT full_name FROM users WHERE id = ?", "i", x->who->user_id))) {
		if (!(rc = mc_step_row(s)))
			a.name = mc_strdup(x->arena, mc_col_text(s, 0));
		mc_stmt_done(s);
	}
	if (!rc)
		rc = x->signer->unlock(x->signer->arg, in);
	now = mc_time_now_ms(); /* the PIN took its time: the answer is when it is signed */
	if (!rc && now >= p.deadline) {
		mc_bad_field(x->e, "deadline", MC_M_POLL_CLOSED);
		rc = mc_error_set(x->e, MC_E_CONFLICT, "the deadline has passed");
	}
	if (!rc)
		rc = mc_tx_begin(x->c, 1);
	/* the poll's row locked while it is still open (a closing on another
	 * server waits for this answer, or this one sees it closed), then read
	 * again in the transaction */
	int64_t held = 0;
	if (!rc &&
	    (held = mc_exec(x->c, "UPDATE polls SET version = version WHERE id = ? AND status = 'open'", "i", id)) < 0)
		rc = (int)held;
	if (!rc && !(rc = mc__poll_load(x->c, id, &p)) && (!held || strcmp(p.status, "open") != 0)) {
		mc_bad_field(x->e, "deadline", MC_M_POLL_CLOSED);
		rc = mc_error_set(x->e, MC_E_CONFLICT, "the poll is closed");
	}
	if (!rc)
		rc = record(x, &p, &a, now);
	if (!rc)
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc ? rc : mc_poll_get(x, id, out);
}
