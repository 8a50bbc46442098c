/*
 * files.c - the files attached to a dossier (uploaded by SHA-256 and named
 * in an attachment field of its form), read back by whoever may read the
 * dossier.
 */
#include "dossier.h"
#include "internal.h"

#include "../catalog/catalog.h"
#include "../core/arena.h"

#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* Does the form (a JSON object) hold sha256 in one of the procedure's
 * attachment fields?  A text field may hold any 64 hex digits: that names
 * no file. */
static int form_names(json_t *def, const char *form_text, const char *sha256)
{
	json_error_t je;
	json_t *form = form_text ? json_loads(form_text, 0, &je) : NULL;
	size_t i;
	json_t *f;
	int found = 0;
	json_array_foreach(json_object_get(def, "form"), i, f) {
		const char *type = mc__jstr(f, "type"), *name = mc__jstr(f, "name");
		json_t *v = name ? json_object_get(form, name) : NULL;
		found |= type && strcmp(type, "attachment") == 0 && json_is_string(v) &&
			 strcmp(json_string_value(v), sha256) == 0;
	}
	json_decref(form);
	return found;
}

/* Does the dossier's extra name sha256 as one of its files: a file a
 * supplement replaced (earlier_files), a file handed in for an item of a
 * request for papers (supplements[].answers[].files), the result
 * document (result)? */
static int names(json_t *o, const char *sha256)
{
	const char *s = mc__jstr(o, "sha256");
	return s && strcmp(s, sha256) == 0;
}

static int extra_names(const char *extra_text, const char *sha256)
{
	json_error_t je;
	json_t *extra = extra_text ? json_loads(extra_text, 0, &je) : NULL, *v, *n, *an, *f;
	size_t i, j, k;
	int found = 0;
	json_array_foreach(json_object_get(extra, "earlier_files"), i, v)
		found |= names(v, sha256);
	json_array_foreach(json_object_get(extra, "supplements"), i, n) {
		json_array_foreach(json_object_get(n, "answers"), j, an) {
			json_array_foreach(json_object_get(an, "files"), k, f)
				found |= names(f, sha256);
		}
	}
	found |= names(json_object_get(extra, "result"), sha256);
	json_decref(extra);
	return found;
}

int mc_dossier_file(struct mc_dossier_ctx *x, const char *code, const char *sha256, void **data, size_t *len,
		    char mime[32])
{
	struct mc__dossier d;
	int rc = mc__load_readable(x, code, &d);
	if (rc)
		return rc;
	json_t *def = NULL;
	if ((rc = mc_catalog_get_id(x->c, d.procedure_id, &def)))
		return rc;
	struct mc_stmt *s;
	if ((rc = mc_query(x->c, &s, "SELECT form_data, extra FROM dossiers WHERE id = ?", "i", d.id))) {
		json_decref(def);
		return rc;
	}
	int named = 0;
	if ((rc = mc_step(s)) == MC_DB_ROW)
		named = form_names(def, mc_col_text(s, 0), sha256) || extra_names(mc_col_text(s, 1), sha256);
	mc_stmt_done(s);
	json_decref(def);
	if (rc < 0)
		return rc;
	if (!named)
		return MC_E_NOT_FOUND;
	return mc_blob_get(x->c, sha256, data, len, mime);
}

int mc_blob_get(struct mc_conn *c, const char *sha256, void **data, size_t *len, char mime[32])
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT mime, data FROM blobs WHERE sha256 = ?", "t", sha256);
	if (rc)
		return rc;
	*data = NULL;
	if ((rc = mc_step(s)) == MC_DB_ROW) {
		size_t n = 0;
		const void *p = mc_col_blob(s, 1, &n);
		*data = mc_xmalloc(n ? n : 1);
		if (n)
			memcpy(*data, p, n);
		*len = n;
		const char *m = mc_col_text(s, 0);
		size_t ml = m ? strlen(m) : 0;
		if (ml >= 32)
			ml = 31;
		memcpy(mime, m ? m : "", ml);
		mime[ml] = '\0';
	}
	mc_stmt_done(s);
	if (rc < 0)
		return rc;
	return *data ? 0 : MC_E_NOT_FOUND;
}
