/*
 * personal_api.c - the citizen's personal document store (kho dữ liệu cá
 * nhân, src/dossier/personal.c): the papers the platform issued to the
 * caller (GET /api/v1/my/papers) and their files.  Only the owner sees a
 * paper: anyone else's is 404, as if it did not exist.  A paper is reused
 * at submission ({"reuse": id} in an attachment field of the form,
 * POST /api/v1/dossiers).
 */
#include "api.h"

#include "../dossier/dossier.h"

#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static int papers_list(struct mc_req *r)
{
	int64_t before, limit;
	if (mc_api_query_int(r, "before", 1, INT64_MAX, 0, &before) || mc_api_query_int(r, "limit", 1, 100, 50, &limit))
		return r->err.code;
	struct mc_conn *c;
	json_t *items = NULL;
	int64_t next = 0;
	int rc = mc_req_db(r, &c);
	if (rc || (rc = mc_personal_papers(c, r->who->user_id, before, (int)limit, &items, &next)))
		return mc_api_db_fail(r, rc);
	json_t *out = json_pack("{s:o}", "items", items);
	if (next)
		json_object_set_new(out, "next_before", json_integer(next));
	mc_res_header(r, "Cache-Control", "no-store");
	return mc_res_json(r, 200, out);
}

static int paper_file(struct mc_req *r)
{
	int64_t id;
	struct mc_conn *c;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	if ((rc = mc_req_db(r, &c)))
		return mc_api_db_fail(r, rc);
	void *data = NULL;
	size_t len = 0;
	char mime[32], name[96];
	rc = mc_personal_paper_file(c, r->who->user_id, id, &data, &len, mime, name);
	if (rc == MC_E_NOT_FOUND)
		return mc_fail(r, rc, NULL);
	if (rc)
		return mc_api_db_fail(r, rc);
	rc = mc_res_text(r, 200, mc_strdup(r->arena, mime), data, len);
	free(data);
	if (rc)
		return rc;
	const char *ext = strcmp(mime, "application/pdf") == 0 ? "pdf" : strcmp(mime, "image/png") == 0 ? "png" : "jpg";
	/* a download, sandboxed, like a dossier's files (office_api.c) */
	mc_res_header(r, "Content-Disposition", mc_sprintf(r->arena, "attachment; filename=\"%s.%s\"", name, ext));
	mc_res_header(r, "Content-Security-Policy", "sandbox; default-src 'none'");
	mc_res_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	mc_res_header(r, "Cache-Control", "no-store");
	return 0;
}

const struct mc_route mc_api_personal_routes[] = {
	{"GET", "/api/v1/my/papers", papers_list, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/my/papers/{id}/file", paper_file, MC_AUTH_REQUIRED, NULL, 0},
	{0},
};
