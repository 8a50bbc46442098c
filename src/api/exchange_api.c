/*
 * exchange_api.c - documents exchanged with agencies elsewhere (edXML,
 * QCVN 102:2016): the endpoint peers POST packages and status messages
 * to, sending an issued document, and what the recipient's clerical
 * officers do with what arrives.  The exchange domain is joined here to
 * the signing domain (the agency's seal) and the document domain (the
 * document sent, the incoming one registered).
 */
#include "api.h"

#include "../core/log.h"
#include "../document/document.h"
#include "../dossier/dossier.h"
#include "../exchange/exchange.h"
#include "../signing/signing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

struct seal {
	struct mc_signing_ctx sx;
	struct mc_exchange_seal s;
};

static int seal_sign(void *arg, int64_t agency, const void *xml, size_t n, struct mc_buf *out)
{
	struct seal *b = arg;
	return mc_signing_xml_seal(&b->sx, agency, xml, n, out);
}

static int exchange_ctx(struct mc_req *r, struct mc_exchange_ctx *x)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	struct seal *b = mc_zalloc(r->arena, sizeof(*b));
	b->sx = (struct mc_signing_ctx){c, r->arena, r->who, r->addr, &r->err, mc_server_config(r->srv)->public_url};
	b->s = (struct mc_exchange_seal){b, seal_sign};
	*x = (struct mc_exchange_ctx){c, r->arena, r->who, r->addr, &r->err, &b->s};
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

static int document_ctx(struct mc_req *r, struct mc_document_ctx *x)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	*x = (struct mc_document_ctx){c, r->arena, r->who, r->addr, &r->err, NULL, 0};
	return 0;
}

/* ---- from peers ---- */

static int receive(struct mc_req *r)
{
	const char *ct = mc_req_header(r, "Content-Type");
	if (!ct || (strncmp(ct, "application/xml", 15) != 0 && strncmp(ct, "text/xml", 8) != 0))
		return mc_fail(r, MC_E_MEDIA_TYPE, "application/xml (an edXML package or status message)");
	struct mc_exchange_ctx x;
	int rc = exchange_ctx(r, &x);
	if (rc)
		return rc;
	json_t *out = NULL;
	if ((rc = mc_exchange_receive(&x, r->body.data, r->body.len, &out)))
		return fail(r, rc);
	return mc_res_json(r, 202, out);
}

/* ---- for officials ---- */

static int peers(struct mc_req *r)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	if (!r->who || !r->who->agency_id)
		return mc_fail(r, MC_E_FORBIDDEN, "officials only");
	json_t *out = NULL;
	if ((rc = mc_exchange_peers(c, &out)))
		return fail(r, rc);
	return mc_res_json(r, 200, out);
}

static int send_document(struct mc_req *r)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	struct mc_document_ctx dx;
	struct mc_exchange_ctx x;
	if ((rc = document_ctx(r, &dx)) || (rc = exchange_ctx(r, &x)))
		return rc;
	json_t *doc = NULL, *out = NULL;
	void *pdf = NULL;
	size_t len = 0;
	char mime[32];
	if ((rc = mc_document_get(&dx, id, &doc)))
		return fail(r, rc);
	mc_req_keep(r, doc);
	rc = mc_document_file(&dx, id, &pdf, &len, mime);
	if (rc && rc != MC_E_NOT_FOUND)
		return fail(r, rc);
	rc = mc_exchange_send(&x, doc, pdf, len, b, &out);
	free(pdf);
	if (rc)
		return fail(r, rc);
	return mc_res_json(r, 201, out);
}

static int document_exchange(struct mc_req *r)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	struct mc_document_ctx dx;
	struct mc_exchange_ctx x;
	if ((rc = document_ctx(r, &dx)) || (rc = exchange_ctx(r, &x)))
		return rc;
	json_t *doc = NULL, *out = NULL;
	if ((rc = mc_document_get(&dx, id, &doc))) /* who may read it sees where it went */
		return fail(r, rc);
	json_decref(doc);
	if ((rc = mc_exchange_of_document(&x, id, &out)))
		return fail(r, rc);
	return mc_res_json(r, 200, out);
}

static int inbox(struct mc_req *r)
{
	struct mc_exchange_ctx x;
	int rc = exchange_ctx(r, &x);
	if (rc)
		return rc;
	json_t *out = NULL;
	if ((rc = mc_exchange_inbox(&x, mc_req_query(r, "state"), &out)))
		return fail(r, rc);
	return mc_res_json(r, 200, json_pack("{s:o}", "items", out));
}

static int package_get(struct mc_req *r)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	struct mc_exchange_ctx x;
	if (rc || (rc = exchange_ctx(r, &x)))
		return rc;
	json_t *out = NULL;
	if ((rc = mc_exchange_get(&x, id, &out)))
		return fail(r, rc);
	return mc_res_json(r, 200, out);
}

static int package_edxml(struct mc_req *r)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	struct mc_exchange_ctx x;
	if (rc || (rc = exchange_ctx(r, &x)))
		return rc;
	const char *xml = NULL;
	if ((rc = mc_exchange_edxml(&x, id, &xml)))
		return fail(r, rc);
	rc = mc_res_text(r, 200, "application/xml; charset=utf-8", xml, strlen(xml));
	if (!rc)
		mc_res_header(r, "Content-Disposition", "attachment; filename=\"package.edxml\"");
	return rc;
}

static int package_file(struct mc_req *r)
{
	int64_t id, k;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc || (rc = mc_api_id_param(r, "k", &k)))
		return rc;
	struct mc_exchange_ctx x;
	if ((rc = exchange_ctx(r, &x)))
		return rc;
	void *data = NULL;
	size_t len = 0;
	char mime[64], name[128];
	if ((rc = mc_exchange_file(&x, id, (int)(k - 1), &data, &len, mime, name)))
		return fail(r, rc);
	/* only the types documents come in: anything else is a download */
	const char *type = strcmp(mime, "application/pdf") == 0 ? "application/pdf" : "application/octet-stream";
	rc = mc_res_text(r, 200, type, data, len);
	free(data);
	if (!rc) {
		for (char *p = name; *p; p++)
			if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
				*p = '_';
		mc_res_header(r, "Content-Disposition", mc_sprintf(r->arena, "attachment; filename=\"%s\"", name));
	}
	return rc;
}

/* Register an arrived package as an incoming document: its PDF kept as
 * the caller's upload, the document registered, the sender told (03),
 * all in one transaction. */
static int package_register(struct mc_req *r)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	struct mc_exchange_ctx x;
	struct mc_document_ctx dx;
	if (rc || (rc = exchange_ctx(r, &x)) || (rc = document_ctx(r, &dx)))
		return rc;
	json_t *in = NULL, *doc = NULL, *out = NULL;
	void *pdf = NULL;
	size_t len = 0;
	if ((rc = mc_exchange_register_begin(&x, id, &in, &pdf, &len)))
		return fail(r, rc);
	mc_req_keep(r, in);
	int own = !mc_tx_held(x.c);
	if (own)
		mc_tx_hold(x.c);
	if (pdf) {
		char sha[65], what[128];
		const char *mime;
		rc = mc_blob_put(x.c, r->who->user_id, pdf, len, 0, sha, &mime, what, sizeof(what));
		if (!rc)
			json_object_set_new(in, "file_sha256", json_string(sha));
		else if (rc == MC_E_ACTIVE_CONTENT || rc == MC_E_MEDIA_TYPE)
			rc = mc_fail(r, rc, "the package's PDF is refused: it carries active content or does not read");
	}
	free(pdf);
	if (!rc)
		rc = mc_document_register(&dx, 0, in, &doc);
	if (!rc)
		rc = mc_exchange_registered(&x, id, json_integer_value(json_object_get(doc, "id")), &out);
	if (own) {
		int rc2 = mc_tx_settle(x.c, rc == 0);
		rc = rc ? rc : rc2;
	}
	if (rc) {
		json_decref(doc);
		json_decref(out);
		return fail(r, rc);
	}
	json_object_set_new(out, "document", doc);
	return mc_res_json(r, 201, out);
}

static int package_act(struct mc_req *r, int (*fn)(struct mc_exchange_ctx *, int64_t, json_t *, json_t **))
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	struct mc_exchange_ctx x;
	if ((rc = exchange_ctx(r, &x)))
		return rc;
	json_t *out = NULL;
	if ((rc = fn(&x, id, b, &out)))
		return fail(r, rc);
	return mc_res_json(r, 200, out);
}

static int package_refuse(struct mc_req *r)
{
	return package_act(r, mc_exchange_refuse);
}

static int package_revoke(struct mc_req *r)
{
	return package_act(r, mc_exchange_revoke);
}

static int package_answer(struct mc_req *r)
{
	return package_act(r, mc_exchange_answer_revocation);
}

void mc_api_exchange_moved(struct mc_req *r, json_t *doc)
{
	const char *status = json_string_value(json_object_get(doc, "status"));
	const char *direction = json_string_value(json_object_get(doc, "direction"));
	struct mc_exchange_ctx x;
	if (!status || !direction || strcmp(direction, "in") != 0 || exchange_ctx(r, &x))
		return;
	int rc = mc_exchange_document_moved(&x, json_integer_value(json_object_get(doc, "id")), status);
	if (rc)
		mc_log_json(MC_LOG_WARN, "exchange_status_not_queued",
			    json_pack("{s:s, s:I, s:i}", "id", r->id, "document_id",
				      (json_int_t)json_integer_value(json_object_get(doc, "id")), "error", rc));
}

const struct mc_route mc_api_exchange_routes[] = {
	{"POST", "/edxml", receive, MC_AUTH_NONE, NULL, MC_RF_RAW_BODY | MC_RF_UPLOAD | MC_RF_NO_CSRF | MC_RF_NO_IDEM},
	{"GET", "/api/v1/exchange/peers", peers, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/exchange/packages", inbox, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/exchange/packages/{id}", package_get, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/exchange/packages/{id}/edxml", package_edxml, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/exchange/packages/{id}/files/{k}", package_file, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/exchange/packages/{id}/register", package_register, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/exchange/packages/{id}/refuse", package_refuse, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/exchange/packages/{id}/revoke", package_revoke, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/exchange/packages/{id}/revocation", package_answer, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/documents/{id}/exchange", send_document, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/documents/{id}/exchange", document_exchange, MC_AUTH_REQUIRED, NULL, 0},
	{NULL, NULL, NULL, 0, NULL, 0},
};
