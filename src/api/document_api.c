/*
 * document_api.c - official documents over HTTP: the types of Decree 30,
 * registering incoming and outgoing documents, a register's pages with
 * search, and a document with its trail.
 */
#include "api.h"

#include "../core/text.h"
#include "../document/document.h"
#include "../render/pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* The domain's context for this request, on the request's connection. */
static int document_ctx(struct mc_req *r, struct mc_document_ctx *x)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	x->c = c;
	x->arena = r->arena;
	x->who = r->who;
	x->addr = r->addr;
	x->e = &r->err;
	x->pades = NULL;
	x->want_envelope = 0;
	return 0;
}

/* GET by id: fn(x, id, &out), answered with its ETag (etag) or without. */
static int by_id(struct mc_req *r, int (*fn)(struct mc_document_ctx *, int64_t, json_t **), int etag)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	struct mc_document_ctx x;
	if ((rc = document_ctx(r, &x)))
		return rc;
	json_t *out = NULL;
	if ((rc = fn(&x, id, &out)))
		return mc_api_fail(r, rc);
	if (etag)
		mc_api_etag(r, out);
	return mc_res_json(r, 200, out);
}

/* POST .../{id}/actions/{action} with If-Match: a document's or a draft's. */
static int act_by_id(struct mc_req *r,
		     int (*fn)(struct mc_document_ctx *, int64_t, const char *, int64_t, json_t *, json_t **))
{
	int64_t id, version = -1;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc || (rc = mc_api_if_match(r, &version)))
		return rc;
	json_t *b = r->json ? mc_api_body(r) : mc_req_keep(r, json_object());
	if (!b)
		return r->err.code;
	struct mc_document_ctx x;
	if ((rc = document_ctx(r, &x)))
		return rc;
	/* a draft's signing act signs digitally with the signer's PIN; its
	 * issue seals what was signed so */
	struct mc_document_pades pades;
	if (fn == mc_draft_act) {
		if ((rc = mc_api_pades(r, b, &pades)))
			return rc;
		x.pades = &pades;
	}
	json_t *out = NULL;
	if ((rc = fn(&x, id, mc_req_param(r, "action"), version, b, &out)))
		return mc_api_fail(r, rc);
	/* a document received from another agency: its sender is told */
	if (fn == mc_document_act)
		mc_api_exchange_moved(r, out);
	mc_api_etag(r, out);
	return mc_res_json(r, 200, out);
}

/* GET .../{id}/addressees?action=: a document's or a draft's. */
static int addressees_by_id(struct mc_req *r, int (*fn)(struct mc_document_ctx *, int64_t, const char *, json_t **))
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	struct mc_document_ctx x;
	if ((rc = document_ctx(r, &x)))
		return rc;
	json_t *items = NULL;
	if ((rc = fn(&x, id, mc_req_query(r, "action"), &items)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200, json_pack("{s:o}", "items", items));
}

/* GET /api/v1/my/...?state=&offset=&limit=: the caller's tasks or drafts. */
static int mine(struct mc_req *r, int (*fn)(struct mc_document_ctx *, const char *, int64_t, int, json_t **, int64_t *))
{
	int64_t offset, limit;
	if (mc_api_query_int(r, "offset", 0, 100000, 0, &offset) || mc_api_query_int(r, "limit", 1, 200, 50, &limit))
		return r->err.code;
	struct mc_document_ctx x;
	int rc = document_ctx(r, &x);
	if (rc)
		return rc;
	json_t *items = NULL;
	int64_t next = 0;
	if ((rc = fn(&x, mc_req_query(r, "state"), offset, (int)limit, &items, &next)))
		return mc_api_fail(r, rc);
	json_t *out = json_pack("{s:o}", "items", items);
	if (next)
		json_object_set_new(out, "next_offset", json_integer(next));
	return mc_res_json(r, 200, out);
}

static int types(struct mc_req *r)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	json_t *items = NULL;
	if ((rc = mc_document_types(c, &items)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200, json_pack("{s:o}", "items", items));
}

/* POST a new thing: fn(x, body, &out), answered 201; where: the path its
 * Location starts with (with its ETag), NULL for none. */
static int create(struct mc_req *r, int (*fn)(struct mc_document_ctx *, json_t *, json_t **), const char *where)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	struct mc_document_ctx x;
	int rc = document_ctx(r, &x);
	if (rc)
		return rc;
	json_t *out = NULL;
	if ((rc = fn(&x, b, &out)))
		return mc_api_fail(r, rc);
	if (where) {
		mc_res_header(r, "Location",
			      mc_sprintf(r->arena, "%s/%lld", where,
					 (long long)json_integer_value(json_object_get(out, "id"))));
		mc_api_etag(r, out);
	}
	return mc_res_json(r, 201, out);
}

static int incoming(struct mc_document_ctx *x, json_t *in, json_t **out)
{
	return mc_document_register(x, 0, in, out);
}

static int outgoing(struct mc_document_ctx *x, json_t *in, json_t **out)
{
	return mc_document_register(x, 1, in, out);
}

static int register_in(struct mc_req *r)
{
	return create(r, incoming, "/api/v1/documents");
}

static int register_out(struct mc_req *r)
{
	return create(r, outgoing, "/api/v1/documents");
}

static int document_get(struct mc_req *r)
{
	return by_id(r, mc_document_get, 1);
}

/* A document's or a draft's file (draft: 1), shown inline, sandboxed. */
static int file_of(struct mc_req *r, int draft)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	/* a confidential document's file is opened with its agency's key;
	 * ?envelope=1 gives it as stored, encrypted (CMS EnvelopedData) */
	const char *env = mc_req_query(r, "envelope");
	if (env && strcmp(env, "1") && strcmp(env, "0"))
		return mc_fail(r, MC_E_INVAL, "envelope is 0 or 1");
	struct mc_document_ctx x;
	struct mc_document_pades pades;
	if ((rc = document_ctx(r, &x)) || (!draft && (rc = mc_api_pades(r, NULL, &pades))))
		return rc;
	if (!draft) {
		x.pades = &pades;
		x.want_envelope = env && strcmp(env, "1") == 0;
	}
	void *data = NULL;
	size_t len = 0;
	char mime[32];
	if ((rc = (draft ? mc_draft_file : mc_document_file)(&x, id, &data, &len, mime)))
		return mc_api_fail(r, rc);
	rc = mc_res_text(r, 200, mc_strdup(r->arena, mime), data, len); /* the type is kept by reference */
	free(data);
	if (rc)
		return rc;
	const char *ext = strcmp(mime, "application/pdf") == 0          ? "pdf"
			  : strcmp(mime, "image/png") == 0              ? "png"
			  : strcmp(mime, "application/pkcs7-mime") == 0 ? "p7m"
									: "jpg";
	/* shown in the browser's viewer, sandboxed: never a page of this origin */
	mc_res_header(r, "Content-Disposition",
		      mc_sprintf(r->arena, "inline; filename=\"%s-%lld.%s\"", draft ? "du-thao" : "van-ban",
				 (long long)id, ext));
	mc_res_header(r, "Content-Security-Policy", "sandbox; default-src 'none'");
	mc_res_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	return 0;
}

static int document_file(struct mc_req *r)
{
	return file_of(r, 0);
}

static int draft_file(struct mc_req *r)
{
	return file_of(r, 1);
}

/* A document or a draft (draft: 1) in the layout of Decree 30, as PDF. */
static int pdf_of(struct mc_req *r, int draft)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	struct mc_document_ctx x;
	if ((rc = document_ctx(r, &x)))
		return rc;
	json_t *in = NULL;
	if ((rc = (draft ? mc_draft_layout : mc_document_layout)(&x, id, &in)))
		return mc_api_fail(r, rc);
	struct mc_buf buf = MC_BUF_INIT(MC_API_DOC_LIMIT);
	rc = mc_pdf_document(in, &buf, &r->err);
	json_decref(in);
	if (rc) {
		mc_buf_release(&buf);
		return mc_api_fail(r, rc);
	}
	return mc_api_send_doc(r, &buf, 1,
			       mc_sprintf(r->arena, "%s-%lld.pdf", draft ? "du-thao" : "van-ban", (long long)id));
}

static int document_pdf(struct mc_req *r)
{
	return pdf_of(r, 0);
}

static int draft_pdf(struct mc_req *r)
{
	return pdf_of(r, 1);
}

static int document_list(struct mc_req *r)
{
	struct mc_document_filter f = {0};
	int64_t limit, year;
	if (mc_api_query_int(r, "agency_id", 1, INT64_MAX, 0, &f.agency_id) ||
	    mc_api_query_int(r, "before", 1, INT64_MAX, 0, &f.before_id) ||
	    mc_api_query_int(r, "limit", 1, 200, 50, &limit) || mc_api_query_int(r, "year", 1900, 9999, 0, &year))
		return r->err.code;
	f.limit = (int)limit;
	f.year = (int)year;
	f.direction = mc_req_query(r, "direction");
	if (f.direction && strcmp(f.direction, "in") != 0 && strcmp(f.direction, "out") != 0)
		mc_bad_field(&r->err, "direction", MC_M_DOC_DIRECTION_ENUM);
	f.type_code = mc_req_query(r, "type");
	if (f.type_code && (strlen(f.type_code) > 32 || !*f.type_code))
		mc_bad_field(&r->err, "type", MC_M_DOC_TYPE_UNKNOWN);
	f.q = mc_req_query(r, "q");
	if (f.q && (strlen(f.q) > 400 || !mc_text_valid(f.q, 400)))
		mc_bad_field(&r->err, "q", MC_M_SEARCH_INVALID);
	static const char *const states[] = {"registered", "sent", "directed", "assigned", "handled", "issued", NULL};
	f.status = mc_req_query(r, "status");
	int known = 0;
	for (int i = 0; f.status && states[i]; i++)
		known |= strcmp(f.status, states[i]) == 0;
	if (f.status && !known)
		mc_bad_field(&r->err, "status", MC_M_DOC_STATUS_ENUM);
	f.from = mc_req_query(r, "from");
	f.to = mc_req_query(r, "to");
	if (f.from && !mc_date_check(f.from))
		mc_bad_field(&r->err, "from", MC_M_DATE_FORMAT);
	if (f.to && !mc_date_check(f.to))
		mc_bad_field(&r->err, "to", MC_M_DATE_FORMAT);
	if (f.from && f.to && !r->err.nfields && strcmp(f.from, f.to) > 0)
		mc_bad_field(&r->err, "to", MC_M_DOC_DATE_RANGE);
	if (r->err.nfields)
		return mc_fail(r, MC_E_VALIDATION, NULL);
	struct mc_document_ctx x;
	int rc = document_ctx(r, &x);
	if (rc)
		return rc;
	json_t *items = NULL;
	int64_t next = 0;
	if ((rc = mc_document_list(&x, &f, &items, &next)))
		return mc_api_fail(r, rc);
	json_t *out = json_pack("{s:o}", "items", items);
	if (next)
		json_object_set_new(out, "next_before", json_integer(next));
	return mc_res_json(r, 200, out);
}

static int document_act(struct mc_req *r)
{
	return act_by_id(r, mc_document_act);
}

static int addressees(struct mc_req *r)
{
	return addressees_by_id(r, mc_document_addressees);
}

static int my_tasks(struct mc_req *r)
{
	return mine(r, mc_document_inbox);
}

/* ---- drafts ---- */

static int draft_create(struct mc_req *r)
{
	return create(r, mc_draft_create, "/api/v1/drafts");
}

static int draft_get(struct mc_req *r)
{
	return by_id(r, mc_draft_get, 1);
}

static int draft_put(struct mc_req *r)
{
	int64_t id, version = -1;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc || (rc = mc_api_if_match(r, &version)))
		return rc;
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	struct mc_document_ctx x;
	if ((rc = document_ctx(r, &x)))
		return rc;
	json_t *out = NULL;
	if ((rc = mc_draft_revise(&x, id, version, b, &out)))
		return mc_api_fail(r, rc);
	mc_api_etag(r, out);
	return mc_res_json(r, 200, out);
}

static int draft_act(struct mc_req *r)
{
	return act_by_id(r, mc_draft_act);
}

static int draft_addressees(struct mc_req *r)
{
	return addressees_by_id(r, mc_draft_addressees);
}

static int my_drafts(struct mc_req *r)
{
	return mine(r, mc_draft_list);
}

/* An agency's settings for documents (its chains, its leaders by field):
 * {items}, for officials only (citizens have no use for them). */
static int agency_items(struct mc_req *r, int (*fn)(struct mc_conn *, int64_t, json_t **))
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	if (!r->who->agency_id)
		return mc_fail(r, MC_E_FORBIDDEN, NULL);
	struct mc_conn *c;
	if ((rc = mc_req_db(r, &c)))
		return rc;
	json_t *items = NULL;
	if ((rc = fn(c, id, &items)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200, json_pack("{s:o}", "items", items));
}

static int chains_get(struct mc_req *r)
{
	return agency_items(r, mc_document_chains);
}

static int fields_get(struct mc_req *r)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	json_t *items = NULL;
	if ((rc = mc_document_fields(c, &items)))
		return mc_api_db_fail(r, rc);
	return mc_res_json(r, 200, json_pack("{s:o}", "items", items));
}

static int leaders_get(struct mc_req *r)
{
	return agency_items(r, mc_document_leader_rules);
}

static int leader_put(struct mc_req *r)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	json_t *leader = json_object_get(b, "leader_id");
	if (!leader || !(json_is_null(leader) || json_is_integer(leader)))
		return mc_bad_field(&r->err, "leader_id", leader ? MC_M_DOC_LEADER : MC_M_REQUIRED),
		       mc_fail(r, MC_E_VALIDATION, NULL);
	struct mc_document_ctx x;
	if ((rc = document_ctx(r, &x)))
		return rc;
	const char *field = mc_req_param(r, "field");
	if ((rc = mc_document_leader_rule_set(&x, id, field, leader)))
		return mc_api_fail(r, rc);
	json_t *items = NULL;
	if ((rc = mc_document_leader_rules(x.c, id, &items)))
		return mc_api_fail(r, rc);
	json_t *one = NULL, *v;
	size_t i;
	json_array_foreach(items, i, v)
		if (strcmp(json_string_value(json_object_get(json_object_get(v, "field"), "code")), field) == 0)
			one = json_incref(v);
	json_decref(items);
	return mc_res_json(r, 200, one ? one : json_object());
}

static int chain_put(struct mc_req *r)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	json_t *steps = json_object_get(b, "steps");
	if (!steps)
		return mc_bad_field(&r->err, "steps", MC_M_REQUIRED), mc_fail(r, MC_E_VALIDATION, NULL);
	struct mc_document_ctx x;
	if ((rc = document_ctx(r, &x)))
		return rc;
	if ((rc = mc_document_chain_set(&x, id, mc_req_param(r, "type"), steps)))
		return mc_api_fail(r, rc);
	json_t *items = NULL;
	if ((rc = mc_document_chains(x.c, id, &items)))
		return mc_api_fail(r, rc);
	json_t *one = NULL, *v;
	size_t i;
	json_array_foreach(items, i, v)
		if (strcmp(json_string_value(json_object_get(v, "type_code")), mc_req_param(r, "type")) == 0)
			one = json_incref(v);
	json_decref(items);
	return mc_res_json(r, 200, one ? one : json_object());
}

/* ---- delegations ---- */

static int delegations_list(struct mc_req *r)
{
	struct mc_document_ctx x;
	int rc = document_ctx(r, &x);
	if (rc)
		return rc;
	json_t *items = NULL;
	if ((rc = mc_delegation_list(&x, &items)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200, json_pack("{s:o}", "items", items));
}

static int delegation_create(struct mc_req *r)
{
	return create(r, mc_delegation_create, NULL);
}

static int delegation_revoke(struct mc_req *r)
{
	return by_id(r, mc_delegation_revoke, 0);
}

const struct mc_route mc_api_document_routes[] = {
	{"GET", "/api/v1/document-types", types, MC_AUTH_REQUIRED, "document.read", 0},
	{"GET", "/api/v1/document-fields", fields_get, MC_AUTH_REQUIRED, "document.read", 0},
	{"POST", "/api/v1/documents/incoming", register_in, MC_AUTH_REQUIRED, "document.register", 0},
	{"POST", "/api/v1/documents/outgoing", register_out, MC_AUTH_REQUIRED, "document.register", 0},
	{"GET", "/api/v1/documents", document_list, MC_AUTH_REQUIRED, "document.read", 0},
	{"GET", "/api/v1/documents/{id}", document_get, MC_AUTH_REQUIRED, "document.read", 0},
	{"GET", "/api/v1/documents/{id}/pdf", document_pdf, MC_AUTH_REQUIRED, "document.read", 0},
	{"GET", "/api/v1/documents/{id}/file", document_file, MC_AUTH_REQUIRED, "document.read", 0},
	{"GET", "/api/v1/documents/{id}/addressees", addressees, MC_AUTH_REQUIRED, "document.read", 0},
	{"POST", "/api/v1/documents/{id}/actions/{action}", document_act, MC_AUTH_REQUIRED, "document.read", 0},
	{"GET", "/api/v1/my/document-tasks", my_tasks, MC_AUTH_REQUIRED, "document.read", 0},
	{"POST", "/api/v1/drafts", draft_create, MC_AUTH_REQUIRED, "document.draft", 0},
	{"GET", "/api/v1/drafts/{id}", draft_get, MC_AUTH_REQUIRED, "document.read", 0},
	{"PUT", "/api/v1/drafts/{id}", draft_put, MC_AUTH_REQUIRED, "document.draft", 0},
	{"GET", "/api/v1/drafts/{id}/pdf", draft_pdf, MC_AUTH_REQUIRED, "document.read", 0},
	{"GET", "/api/v1/drafts/{id}/file", draft_file, MC_AUTH_REQUIRED, "document.read", 0},
	{"GET", "/api/v1/drafts/{id}/addressees", draft_addressees, MC_AUTH_REQUIRED, "document.read", 0},
	{"POST", "/api/v1/drafts/{id}/actions/{action}", draft_act, MC_AUTH_REQUIRED, "document.read", 0},
	{"GET", "/api/v1/my/drafts", my_drafts, MC_AUTH_REQUIRED, "document.read", 0},
	{"GET", "/api/v1/delegations", delegations_list, MC_AUTH_REQUIRED, "document.read", 0},
	{"POST", "/api/v1/delegations", delegation_create, MC_AUTH_REQUIRED, "document.read", 0},
	{"POST", "/api/v1/delegations/{id}/revoke", delegation_revoke, MC_AUTH_REQUIRED, "document.read", 0},
	{"GET", "/api/v1/agencies/{id}/document-chains", chains_get, MC_AUTH_REQUIRED, NULL, 0},
	{"PUT", "/api/v1/agencies/{id}/document-chains/{type}", chain_put, MC_AUTH_REQUIRED, "agency.manage", 0},
	{"GET", "/api/v1/agencies/{id}/document-leaders", leaders_get, MC_AUTH_REQUIRED, NULL, 0},
	{"PUT", "/api/v1/agencies/{id}/document-leaders/{field}", leader_put, MC_AUTH_REQUIRED, "agency.manage", 0},
	{0},
};
