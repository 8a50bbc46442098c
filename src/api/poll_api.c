/*
 * poll_api.c - opinion polls of committee members over HTTP: the office
 * opens a poll, the members asked answer (signed with their certificate
 * and PIN), everyone concerned reads it and its result's PDF, the chairman
 * concludes.  The members' signatures are made by the signing domain,
 * joined to the poll domain here.
 */
#include "api.h"

#include "../poll/poll.h"
#include "../signing/signing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* The signing domain behind the poll's hook, for this request. */
struct signer {
	struct mc_signing_ctx sx;
	struct mc_signing_key *key;
	struct mc_req *r;
};

static void signer_free(void *p)
{
	struct signer *b = p;
	mc_signing_key_free(b->key);
}

static int signer_unlock(void *arg, json_t *in)
{
	struct signer *b = arg;
	json_t *pin = json_object_get(in, "pin"), *cj = json_object_get(in, "certificate_id");
	if (!json_is_string(pin) || (cj && !json_is_integer(cj))) {
		mc_bad_field(b->sx.e, json_is_string(pin) ? "certificate_id" : "pin",
			     pin ? MC_M_INVALID : MC_M_REQUIRED);
		return b->sx.e->code = MC_E_VALIDATION;
	}
	int rc = mc_signing_unlock(&b->sx, cj ? json_integer_value(cj) : 0, json_string_value(pin), &b->key);
	if (!rc)
		mc_arena_cleanup(b->r->arena, signer_free, b);
	return rc;
}

static int signer_sign(void *arg, const void *data, size_t n, int64_t *id, json_t **out)
{
	struct signer *b = arg;
	return b->key ? mc_signing_sign_bytes(&b->sx, b->key, data, n, id, out) : MC_E_INVAL;
}

/* The domain's context for this request, on the request's connection;
 * with sign, the members' signatures joined. */
static int poll_ctx(struct mc_req *r, struct mc_poll_ctx *x, struct mc_poll_signer *sign)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	*x = (struct mc_poll_ctx){c, r->arena, r->who, r->addr, &r->err, NULL};
	if (sign) {
		struct signer *b = mc_zalloc(r->arena, sizeof(*b));
		b->sx = (struct mc_signing_ctx){c,       r->arena, r->who,
						r->addr, &r->err,  mc_server_config(r->srv)->public_url};
		b->r = r;
		*sign = (struct mc_poll_signer){b, signer_unlock, signer_sign};
		x->signer = sign;
	}
	return 0;
}

static int fail(struct mc_req *r, int rc)
{
	if (rc == MC_E_DB || rc == MC_E_DB_BUSY || rc == MC_E_INTERNAL || rc == MC_E_NOMEM)
		return mc_api_db_fail(r, rc);
	if (rc == MC_E_NOT_FOUND && !r->err.detail[0])
		return mc_fail(r, rc, NULL);
	r->err.code = rc;
	return rc;
}

/* Answer a poll (201 with its Location, or 200) with its ETag. */
static int send_poll(struct mc_req *r, int status, json_t *out)
{
	mc_api_etag(r, out);
	if (status == 201)
		mc_res_header(r, "Location",
			      mc_sprintf(r->arena, "/api/v1/polls/%lld",
					 (long long)json_integer_value(json_object_get(out, "id"))));
	return mc_res_json(r, status, out);
}

static int poll_open(struct mc_req *r)
{
	json_t *b = mc_api_body(r), *out = NULL;
	struct mc_poll_ctx x;
	int rc = b ? poll_ctx(r, &x, NULL) : r->err.code;
	if (rc)
		return rc;
	if ((rc = mc_poll_open(&x, b, &out)))
		return fail(r, rc);
	return send_poll(r, 201, out);
}

static int poll_get(struct mc_req *r)
{
	int64_t id;
	struct mc_poll_ctx x;
	json_t *out = NULL;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc || (rc = poll_ctx(r, &x, NULL)))
		return rc;
	if ((rc = mc_poll_get(&x, id, &out)))
		return fail(r, rc);
	return send_poll(r, 200, out);
}

/* GET a list: fn(x, ?state, &items). */
static int list_of(struct mc_req *r, int (*fn)(struct mc_poll_ctx *, const char *, json_t **))
{
	struct mc_poll_ctx x;
	json_t *items = NULL;
	int rc = poll_ctx(r, &x, NULL);
	if (rc)
		return rc;
	if ((rc = fn(&x, mc_req_query(r, "state"), &items)))
		return fail(r, rc);
	return mc_res_json(r, 200, json_pack("{s:o}", "items", items));
}

static int poll_list(struct mc_req *r)
{
	return list_of(r, mc_poll_list);
}

static int my_polls(struct mc_req *r)
{
	return list_of(r, mc_poll_mine);
}

static int candidates(struct mc_req *r)
{
	struct mc_poll_ctx x;
	json_t *items = NULL;
	int rc = poll_ctx(r, &x, NULL);
	if (rc)
		return rc;
	if ((rc = mc_poll_candidates(&x, &items)))
		return fail(r, rc);
	return mc_res_json(r, 200, json_pack("{s:o}", "items", items));
}

static int poll_answer(struct mc_req *r)
{
	int64_t id;
	json_t *b = mc_api_id_body(r, &id), *out = NULL;
	if (!b)
		return r->err.code;
	struct mc_poll_ctx x;
	struct mc_poll_signer sign;
	int rc = poll_ctx(r, &x, &sign);
	if (rc)
		return rc;
	if ((rc = mc_poll_answer(&x, id, b, &out)))
		return fail(r, rc);
	return send_poll(r, 201, out);
}

static int poll_conclude(struct mc_req *r)
{
	int64_t id, version = -1;
	json_t *b = mc_api_id_body(r, &id), *out = NULL;
	if (!b)
		return r->err.code;
	struct mc_poll_ctx x;
	int rc = mc_api_if_match(r, &version);
	if (rc || (rc = poll_ctx(r, &x, NULL)))
		return rc;
	if ((rc = mc_poll_conclude(&x, id, version, b, &out)))
		return fail(r, rc);
	return send_poll(r, 200, out);
}

/* A poll's paper (paper > 0) or its result's PDF, inline, sandboxed. */
static int file_of(struct mc_req *r, int paper)
{
	int64_t id;
	struct mc_poll_ctx x;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc || (rc = poll_ctx(r, &x, NULL)))
		return rc;
	void *data = NULL;
	size_t n = 0;
	char mime[32];
	if ((rc = mc_poll_file(&x, id, paper, &data, &n, mime)))
		return fail(r, rc);
	rc = mc_res_text(r, 200, mc_strdup(r->arena, mime), data, n);
	free(data);
	if (rc)
		return rc;
	mc_res_header(r, "Content-Disposition",
		      paper ? mc_sprintf(r->arena, "inline; filename=\"to-trinh-%lld-%d.pdf\"", (long long)id, paper)
			    : mc_sprintf(r->arena, "inline; filename=\"ket-qua-lay-y-kien-%lld.pdf\"", (long long)id));
	mc_res_header(r, "Content-Security-Policy", "sandbox; default-src 'none'");
	mc_res_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	return 0;
}

static int poll_pdf(struct mc_req *r)
{
	return file_of(r, 0);
}

static int poll_paper(struct mc_req *r)
{
	int64_t n;
	if (mc_api_id_param(r, "n", &n) || n > 1000)
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	return file_of(r, (int)n);
}

const struct mc_route mc_api_poll_routes[] = {
	{"POST", "/api/v1/polls", poll_open, MC_AUTH_REQUIRED, "poll.manage", 0},
	{"GET", "/api/v1/polls", poll_list, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/polls/{id}", poll_get, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/polls/{id}/pdf", poll_pdf, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/polls/{id}/papers/{n}", poll_paper, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/polls/{id}/answers", poll_answer, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/polls/{id}/conclusion", poll_conclude, MC_AUTH_REQUIRED, "poll.conclude", 0},
	{"GET", "/api/v1/my/polls", my_polls, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/poll-members", candidates, MC_AUTH_REQUIRED, "poll.manage", 0},
	{NULL, NULL, NULL, 0, NULL, 0},
};
