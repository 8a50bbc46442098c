/*
 * fields.c - the fields documents and drafts are written with: texts of a
 * bounded length, the values of urgency, secrecy and medium, the names of
 * the recipients.  A problem goes to the context's error, by field.
 */
#include "internal.h"

#include "../core/field.h"

#include "../audit/audit.h"
#include "../core/text.h"
#include "../db/rows.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

/* An optional string field of at most max characters (NULL when absent or
 * null); a problem goes to e. */
const char *mc__str_field(struct mc_document_ctx *x, json_t *in, const char *name, long max, int required)
{
	return mc_field_str(x->arena, x->e, in, name, max, required);
}

/* One of the values of choices (NULL-terminated), dflt when absent. */
const char *mc__enum_field(struct mc_document_ctx *x, json_t *in, const char *name, const char *const *choices,
			   const char *dflt, enum mc_msg m)
{
	return mc_field_enum(x->e, in, name, choices, dflt, m);
}

const char *const MC__URGENCIES[] = {"normal", "khan", "thuong_khan", "hoa_toc", NULL};
const char *const MC__SECRECIES[] = {"none", "mat", "toi_mat", "tuyet_mat", NULL};
const char *const MC__MEDIA[] = {"paper", "electronic", NULL};

/* The names of the recipients (nơi nhận): 1 to 100 of at most 300
 * characters. */
json_t *mc__recipients_field(struct mc_document_ctx *x, json_t *in)
{
	json_t *v = json_object_get(in, "recipients");
	size_t i, n = json_array_size(v);
	json_t *r;
	int ok = json_is_array(v) && n >= 1 && n <= 100;
	json_t *out = json_array();
	json_array_foreach(v, i, r) {
		const char *s = json_string_value(r);
		if (!ok || !s || !*s || !mc_text_valid(s, 2400) || mc_text_chars(s) > 300) {
			ok = 0;
			break;
		}
		json_array_append_new(out, json_string(mc_text_nfc(x->arena, s)));
	}
	if (!ok) {
		mc_bad_field(x->e, "recipients", MC_M_DOC_RECIPIENTS);
		json_decref(out);
		return NULL;
	}
	return out;
}

/* 1 when code is a row of table (a constant of the caller: document_types
 * or document_fields), 0 when not, or an MC_E_* code. */
static int known_code(struct mc_document_ctx *x, const char *table, const char *code)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s WHERE code = ?", table);
	int64_t n = 0;
	int rc = strlen(code) <= 32 ? mc_query_int64(x->c, &n, sql, "t", code) : 0;
	return rc ? rc : n == 1;
}

const char *mc__code_field(struct mc_document_ctx *x, json_t *in, const char *name, const char *table, enum mc_msg m)
{
	json_t *v = json_object_get(in, name);
	if (!v || json_is_null(v))
		return NULL;
	int rc = json_is_string(v) ? known_code(x, table, json_string_value(v)) : 0;
	if (rc < 0) {
		mc_error_set(x->e, rc, NULL);
		return NULL;
	}
	if (!rc) {
		mc_bad_field(x->e, name, m);
		return NULL;
	}
	return mc_strdup(x->arena, json_string_value(v));
}

json_t *mc__codes_field(struct mc_document_ctx *x, json_t *in, const char *name, const char *table, enum mc_msg m)
{
	json_t *v = json_object_get(in, name);
	if (!v || json_is_null(v))
		return json_array();
	size_t i, k;
	json_t *a, *b;
	int ok = json_is_array(v) && json_array_size(v) <= 64;
	json_array_foreach(v, i, a) {
		ok &= json_is_string(a);
		json_array_foreach(v, k, b)
			ok &= k >= i || !json_equal(a, b);
		int rc = ok ? known_code(x, table, json_string_value(a)) : 0;
		if (rc < 0) {
			mc_error_set(x->e, rc, NULL);
			return NULL;
		}
		ok &= rc == 1;
	}
	if (!ok) {
		mc_bad_field(x->e, name, m);
		return NULL;
	}
	return json_incref(v);
}

int mc__codes_cover(const char *list_json, const char *code)
{
	json_error_t je;
	json_t *list = json_loads(list_json ? list_json : "[]", 0, &je), *v;
	size_t i;
	int covered = json_array_size(list) == 0;
	json_array_foreach(list, i, v)
		covered |= code && strcmp(json_string_value(v), code) == 0;
	json_decref(list);
	return covered;
}

int mc__doc_audit(struct mc_document_ctx *x, const char *action, const char *type, int64_t id, json_t *detail)
{
	char oid[24];
	snprintf(oid, sizeof(oid), "%lld", (long long)id);
	struct mc_audit_entry ae = {x->who->user_id, action, type, oid, x->addr ? x->addr : "-", NULL};
	return mc_audit_append_json(x->c, &ae, detail);
}

json_t *mc__field_json(struct mc_stmt *s, int col)
{
	if (mc_col_is_null(s, col))
		return json_null();
	return json_pack("{s:s, s:s?, s:s?}", "code", mc_col_text(s, col), "name", mc_col_text(s, col + 1), "name_en",
			 mc_col_text(s, col + 2));
}
