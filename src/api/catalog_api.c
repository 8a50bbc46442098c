/*
 * catalog_api.c - the procedure catalog: public search and reading, the
 * templates of its papers to download, and versioned editing by catalog
 * administrators.
 */
#include "api.h"

#include "../catalog/catalog.h"
#include "../core/text.h"
#include "../render/pdf.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static int procedures_list(struct mc_req *r)
{
	const char *q = mc_req_query(r, "q"), *field = mc_req_query(r, "field"), *level = mc_req_query(r, "level"),
		   *after = mc_req_query(r, "after");
	int64_t limit;
	if (mc_api_query_int(r, "limit", 1, 200, 50, &limit))
		return r->err.code;
	if (q && (strlen(q) > 200 || !mc_text_valid(q, 200)))
		mc_bad_field(&r->err, "q", MC_M_SEARCH_INVALID);
	if (field && strlen(field) > 64)
		mc_bad_field(&r->err, "field", MC_M_FIELD_CODE_TOO_LONG);
	if (level && strcmp(level, "commune") != 0 && strcmp(level, "province") != 0)
		mc_bad_field(&r->err, "level", MC_M_LEVEL_ENUM);
	if (after && !mc_catalog_code_valid(after))
		mc_bad_field(&r->err, "after", MC_M_PROCEDURE_CODE_FORMAT);
	struct mc_conn *c;
	int rc = mc_api_check_db(r, &c);
	if (rc)
		return rc;
	json_t *items;
	int more = 0;
	if ((rc = mc_catalog_list(c, q, field, level, after, (int)limit, &items, &more)))
		return mc_api_db_fail(r, rc);
	json_t *out = json_pack("{s:o}", "items", items);
	if (more) {
		const char *last =
			json_string_value(json_object_get(json_array_get(items, json_array_size(items) - 1), "code"));
		json_object_set_new(out, "next_after", json_string(last));
	}
	return mc_res_json(r, 200, out);
}

static int procedure_get(struct mc_req *r)
{
	const char *code = mc_req_param(r, "code");
	int64_t version;
	if (!mc_catalog_code_valid(code))
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	if (mc_api_query_int(r, "version", 1, 100000, 0, &version))
		return r->err.code;
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	json_t *def;
	rc = mc_catalog_get(c, code, (int)version, &def);
	if (rc == MC_E_NOT_FOUND)
		return mc_fail(r, rc, NULL);
	if (rc)
		return mc_api_db_fail(r, rc);
	mc_api_etag(r, def);
	/* the editors' working notes stay with the editors */
	if (r->who && mc_principal_has(r->who, "catalog.manage"))
		json_object_set_new(def, "payable", json_boolean(mc_catalog_payable(def)));
	else
		mc_catalog_public(def);
	return mc_res_json(r, 200, def);
}

/* A paper's form to fill in by hand (a PDF made from the current
 * definition), for papers whose "template" is "generated". */
static int procedure_template(struct mc_req *r)
{
	const char *code = mc_req_param(r, "code"), *paper = mc_req_param(r, "paper");
	if (!mc_catalog_code_valid(code) || !paper || strlen(paper) > 64 ||
	    strspn(paper, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(paper))
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	json_t *def;
	rc = mc_catalog_get(c, code, 0, &def);
	if (rc == MC_E_NOT_FOUND)
		return mc_fail(r, rc, NULL);
	if (rc)
		return mc_api_db_fail(r, rc);
	mc_req_keep(r, def);
	struct mc_buf buf = MC_BUF_INIT(8u << 20);
	rc = mc_pdf_template(def, paper, &buf, &r->err);
	if (rc) {
		mc_buf_release(&buf);
		return mc_fail(r, rc, NULL);
	}
	rc = mc_res_text(r, 200, "application/pdf", buf.data, buf.len);
	mc_buf_release(&buf);
	if (rc)
		return rc;
	mc_res_header(r, "Content-Disposition",
		      mc_sprintf(r->arena, "attachment; filename=\"%s-%s.pdf\"", code, paper));
	mc_res_header(r, "Cache-Control", "public, max-age=3600");
	return 0;
}

/* The body is the whole definition; id / version / is_current are ours. */
static json_t *definition_body(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return NULL;
	json_t *def = mc_req_keep(r, json_deep_copy(b));
	json_object_del(def, "id");
	json_object_del(def, "version");
	json_object_del(def, "is_current");
	json_object_del(def, "payable");
	if (mc_catalog_validate(def, &r->err)) {
		mc_fail(r, MC_E_VALIDATION, NULL);
		return NULL;
	}
	return def;
}

static int procedure_create(struct mc_req *r)
{
	json_t *def = definition_body(r);
	if (!def)
		return r->err.code;
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	int64_t id = 0;
	if ((rc = mc_tx_begin(c, 1)))
		return mc_api_db_fail(r, rc);
	rc = mc_catalog_create(c, def, r->who->user_id, &id);
	if (!rc)
		rc = mc_api_audit(r, c, "procedure.create", "procedure", id, NULL);
	if (!rc)
		rc = mc_tx_commit(c);
	if (rc == MC_E_CONFLICT)
		return mc_fail(r, rc, "code");
	if (rc)
		return mc_api_db_fail(r, rc);
	json_t *out;
	if ((rc = mc_catalog_get(c, json_string_value(json_object_get(def, "code")), 0, &out)))
		return mc_api_db_fail(r, rc);
	const char *code = json_string_value(json_object_get(def, "code"));
	mc_res_header(r, "Location", mc_sprintf(r->arena, "/api/v1/procedures/%s", code));
	mc_res_header(r, "ETag", "\"v1\"");
	return mc_res_json(r, 201, out);
}

static int procedure_update(struct mc_req *r)
{
	const char *code = mc_req_param(r, "code");
	if (!mc_catalog_code_valid(code))
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	int64_t want = -1;
	int rc = mc_api_if_match(r, &want);
	if (rc)
		return rc;
	json_t *def = definition_body(r);
	if (!def)
		return r->err.code;
	if (strcmp(json_string_value(json_object_get(def, "code")), code) != 0) {
		mc_bad_field(&r->err, "code", MC_M_CODE_PATH_MISMATCH);
		return mc_api_check(r);
	}
	struct mc_conn *c;
	if ((rc = mc_req_db(r, &c)))
		return rc;
	int version = 0;
	if ((rc = mc_tx_begin(c, 1)))
		return mc_api_db_fail(r, rc);
	rc = mc_catalog_update(c, code, (int)want, def, r->who->user_id, &version);
	if (!rc) {
		int64_t id = 0;
		rc = mc_catalog_current_id(c, code, &id);
		if (!rc)
			rc = mc_api_audit(r, c, "procedure.update", "procedure", id,
					  json_pack("{s:s, s:i}", "code", code, "version", version));
	}
	if (!rc)
		rc = mc_tx_commit(c);
	if (rc == MC_E_NOT_FOUND || rc == MC_E_PRECONDITION)
		return mc_fail(r, rc, NULL);
	if (rc)
		return mc_api_db_fail(r, rc);
	json_t *out;
	if ((rc = mc_catalog_get(c, code, 0, &out)))
		return mc_api_db_fail(r, rc);
	mc_res_header(r, "ETag", mc_sprintf(r->arena, "\"v%d\"", version));
	return mc_res_json(r, 200, out);
}

static int all_fields(struct mc_conn *c, int64_t unused, json_t **out)
{
	(void)unused;
	return mc_catalog_fields(c, out);
}

static int fields_list(struct mc_req *r)
{
	return mc_api_list(r, all_fields, 0);
}

const struct mc_route mc_api_catalog_routes[] = {
	{"GET", "/api/v1/procedures", procedures_list, MC_AUTH_NONE, NULL, 0},
	{"POST", "/api/v1/procedures", procedure_create, MC_AUTH_REQUIRED, "catalog.manage", 0},
	{"GET", "/api/v1/procedures/{code}", procedure_get, MC_AUTH_OPTIONAL, NULL, 0},
	{"GET", "/api/v1/procedures/{code}/templates/{paper}", procedure_template, MC_AUTH_NONE, NULL, 0},
	{"PUT", "/api/v1/procedures/{code}", procedure_update, MC_AUTH_REQUIRED, "catalog.manage", 0},
	{"GET", "/api/v1/fields", fields_list, MC_AUTH_NONE, NULL, 0},
	{0},
};
