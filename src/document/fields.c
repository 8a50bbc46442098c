/*
 * fields.c - the fields documents and drafts are written with: texts of a
 * bounded length, the values of urgency, secrecy and medium, the names of
 * the recipients.  A problem goes to the context's error, by field.
 */
#include "internal.h"

#include "../core/text.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

/* An optional string field of at most max characters (NULL when absent or
 * null); a problem goes to e. */
const char *mc__str_field(struct mc_document_ctx *x, json_t *in, const char *name, long max, int required)
{
	json_t *v = json_object_get(in, name);
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
		if (required)
			mc_bad_field(x->e, name, MC_M_REQUIRED);
		return NULL;
	}
	const char *s = json_string_value(v);
	if (!s) {
		mc_bad_field(x->e, name, MC_M_NOT_STRING);
		return NULL;
	}
	if (strlen(s) > (size_t)max * 8 + 16 || !mc_text_valid(s, SIZE_MAX)) {
		mc_bad_field(x->e, name, MC_M_BAD_CHARACTERS);
		return NULL;
	}
	if (mc_text_chars(s) > max) {
		mc_bad_fieldn(x->e, name, MC_M_TOO_LONG, max);
		return NULL;
	}
	return mc_text_nfc(x->arena, s);
}

/* One of the values of choices (NULL-terminated), dflt when absent. */
const char *mc__enum_field(struct mc_document_ctx *x, json_t *in, const char *name, const char *const *choices,
			   const char *dflt, enum mc_msg m)
{
	json_t *v = json_object_get(in, name);
	if (!v || json_is_null(v))
		return dflt;
	const char *s = json_string_value(v);
	for (int i = 0; s && choices[i]; i++)
		if (strcmp(s, choices[i]) == 0)
			return choices[i];
	mc_bad_field(x->e, name, m);
	return dflt;
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
