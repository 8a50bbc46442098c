/*
 * personal.c - the citizen's personal document store (kho dữ liệu cá
 * nhân) and the reuse of the papers in it ("once-only", issue 17 part 3).
 *
 * A procedure whose result is a paper says so in its definition
 * ("result_paper": {code, name, name_en}); a paper a procedure asks for
 * says which issued paper stands for it ("reusable": a result_paper code,
 * data/procedures/README.md).  When the result of a dossier of an applicant
 * with an account is attached (the last "forward"), the result file is
 * kept in their store in that same transaction: the paper's code and name,
 * the issuing (competent) agency, the dossier, the number the result got in
 * the agency's register when numbered, the file's SHA-256.
 *
 * At a later submission an attachment field may name a stored paper
 * instead of an upload: {"reuse": <id>}.  The paper must be the
 * applicant's own and valid (else MC_E_NOT_FOUND: another's paper does not
 * exist for them) and of the kind the field's paper accepts (else a field
 * error).  The field then holds the paper's SHA-256, as if uploaded, so
 * that the file is served to the officials like any other of the dossier;
 * the dossier's extra.reused says where each such file came from.
 */
#include "dossier.h"
#include "internal.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

int mc__personal_issue(struct mc_conn *c, json_t *def, const struct mc__dossier *d, json_t *result, int64_t now)
{
	json_t *rp = json_object_get(def, "result_paper");
	const char *code = mc__jstr(rp, "code"), *sha = mc__jstr(result, "sha256");
	if (!d->applicant_id || !code || !sha)
		return 0;
	json_t *doc = json_object_get(result, "document");
	int64_t k = mc_exec(c,
			    "INSERT INTO personal_papers (owner_id, paper_code, title, title_en, agency_id, dossier_id,"
			    " document_id, number_text, sha256, issued_at, valid, created_at)"
			    " VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, CAST(0 AS BIGINT)), ?, ?, ?, 1, ?)",
			    "itttiiittii", d->applicant_id, code, mc__jstr(rp, "name") ? mc__jstr(rp, "name") : code,
			    mc__jstr(rp, "name_en"), d->competent_agency_id, d->id,
			    (int64_t)json_integer_value(json_object_get(doc, "id")), mc__jstr(doc, "number_text"), sha,
			    now, now);
	return k < 0 ? (int)k : 0;
}

#define PAPER_COLUMNS                                                                                                  \
	"p.id, p.paper_code, p.title, p.title_en, a.id, a.name, a.name_en, d.code, p.document_id, p.number_text,"      \
	" p.sha256, p.issued_at, p.valid"
#define PAPER_FROM                                                                                                     \
	" FROM personal_papers p JOIN agencies a ON a.id = p.agency_id JOIN dossiers d ON d.id = p.dossier_id"

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* One row of PAPER_COLUMNS as the API gives it. */
static json_t *paper_json(struct mc_stmt *s)
{
	int64_t doc = mc_col_int64(s, 8);
	return json_pack("{s:I, s:s, s:s, s:o, s:{s:I, s:s, s:o}, s:s, s:o, s:o, s:s, s:o, s:b}", "id",
			 (json_int_t)mc_col_int64(s, 0), "paper_code", mc_col_text(s, 1), "title", mc_col_text(s, 2),
			 "title_en", text_or_null(mc_col_text(s, 3)), "issuer", "id", (json_int_t)mc_col_int64(s, 4),
			 "name", mc_col_text(s, 5), "name_en", text_or_null(mc_col_text(s, 6)), "dossier_code",
			 mc_col_text(s, 7), "document_id", doc ? json_integer(doc) : json_null(), "number_text",
			 text_or_null(mc_col_text(s, 9)), "sha256", mc_col_text(s, 10), "issued_at",
			 mc__time_or_null(mc_col_int64(s, 11)), "valid", (int)mc_col_int64(s, 12));
}

int mc_personal_papers(struct mc_conn *c, int64_t owner, int64_t before_id, int limit, json_t **out,
		       int64_t *next_before)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT " PAPER_COLUMNS PAPER_FROM
			  " WHERE p.owner_id = ? AND p.id < ? ORDER BY p.id DESC LIMIT ?",
			  "iid", owner, before_id > 0 ? before_id : INT64_MAX, limit + 1);
	if (rc)
		return rc;
	json_t *arr = json_array();
	*next_before = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		if (json_array_size(arr) == (size_t)limit) {
			*next_before =
				json_integer_value(json_object_get(json_array_get(arr, (size_t)limit - 1), "id"));
			break;
		}
		json_array_append_new(arr, paper_json(s));
	}
	mc_stmt_done(s);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

/* The paper id of owner (valid or not), in out; MC_E_NOT_FOUND when it is
 * not theirs. */
static int paper_of(struct mc_conn *c, int64_t owner, int64_t id, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT " PAPER_COLUMNS PAPER_FROM " WHERE p.id = ? AND p.owner_id = ?", "ii", id,
			  owner);
	if (rc)
		return rc;
	*out = NULL;
	if ((rc = mc_step(s)) == MC_DB_ROW)
		*out = paper_json(s);
	mc_stmt_done(s);
	if (rc < 0)
		return rc;
	return *out ? 0 : MC_E_NOT_FOUND;
}

int mc_personal_paper_file(struct mc_conn *c, int64_t owner, int64_t id, void **data, size_t *len, char mime[32],
			   char name[96])
{
	json_t *p = NULL;
	int rc = paper_of(c, owner, id, &p);
	if (rc)
		return rc;
	snprintf(name, 96, "%s-%s", mc__jstr(p, "paper_code"), mc__jstr(p, "dossier_code"));
	rc = mc_blob_get(c, mc__jstr(p, "sha256"), data, len, mime);
	json_decref(p);
	return rc;
}

/* The paper (an entry of def's papers) that an attachment field carries. */
static json_t *field_paper(json_t *def, json_t *field)
{
	const char *code = mc__jstr(field, "paper");
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(def, "papers"), i, p)
		if (code && mc__jstr(p, "code") && strcmp(mc__jstr(p, "code"), code) == 0)
			return p;
	return NULL;
}

int mc__personal_reuse(struct mc_dossier_ctx *x, json_t *def, int64_t owner, json_t **form, json_t **before,
		       json_t **reused)
{
	*before = NULL;
	*reused = NULL;
	if (!json_is_object(*form))
		return 0;
	size_t i;
	json_t *f;
	int rc = 0;
	json_array_foreach(json_object_get(def, "form"), i, f) {
		const char *name = mc__jstr(f, "name"), *type = mc__jstr(f, "type");
		json_t *v = name ? json_object_get(*form, name) : NULL;
		if (!type || strcmp(type, "attachment") != 0 || !json_is_object(v))
			continue;
		const char *fname = mc_sprintf(x->arena, "form.%s", name);
		json_t *id = json_object_get(v, "reuse");
		if (!json_is_integer(id) || json_integer_value(id) <= 0 || json_object_size(v) != 1) {
			mc_bad_field(x->e, fname, MC_M_REUSE_FORMAT);
			continue;
		}
		json_t *p = NULL;
		rc = owner ? paper_of(x->c, owner, json_integer_value(id), &p) : MC_E_NOT_FOUND;
		if (!rc && !json_is_true(json_object_get(p, "valid")))
			rc = MC_E_NOT_FOUND;
		if (rc) {
			json_decref(p);
			if (rc == MC_E_NOT_FOUND)
				mc_error_set(x->e, rc, "no paper %lld in the applicant's personal document store",
					     (long long)json_integer_value(id));
			break;
		}
		json_t *asked = field_paper(def, f);
		const char *accepts = mc__jstr(asked, "reusable");
		if (!accepts || strcmp(accepts, mc__jstr(p, "paper_code")) != 0) {
			json_decref(p);
			mc_bad_field(x->e, fname, MC_M_REUSE_WRONG_PAPER);
			continue;
		}
		if (!*reused) {
			/* the caller's form is not changed: the dossier gets a copy */
			json_t *copy = json_deep_copy(*form);
			json_decref(*form);
			*form = copy;
			*reused = json_array();
			*before = json_object();
		}
		const char *sha = mc__jstr(p, "sha256");
		json_object_set_new(*form, name, json_string(sha));
		json_object_set_new(*before, name, json_string(sha));
		json_object_set(p, "personal_paper_id", json_object_get(p, "id"));
		json_object_del(p, "id");
		json_object_del(p, "valid");
		json_object_set_new(p, "field", json_string(name));
		json_object_set_new(p, "paper", json_string(mc__jstr(asked, "code")));
		json_object_set_new(p, "source", json_string("issued"));
		json_array_append_new(*reused, p);
	}
	if (rc) {
		json_decref(*before);
		json_decref(*reused);
		*before = *reused = NULL;
	}
	return rc;
}
