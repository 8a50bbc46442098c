/*
 * field.c - typed members of a request body (see field.h).
 */
#include "field.h"

#include "text.h"
#include "timeutil.h"

#include <stdint.h>
#include <string.h>

#include "banned.h"

const char *mc_field_str(struct mc_arena *a, struct mc_error *e, json_t *in, const char *name, long max, int required)
{
	json_t *v = json_object_get(in, name);
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
		if (required)
			mc_bad_field(e, name, MC_M_REQUIRED);
		return NULL;
	}
	const char *s = json_string_value(v);
	if (!s) {
		mc_bad_field(e, name, MC_M_NOT_STRING);
		return NULL;
	}
	if (strlen(s) > (size_t)max * 8 + 16 || !mc_text_valid(s, SIZE_MAX)) {
		if (strlen(s) > (size_t)max * 8 + 16) /* far too long, whatever it holds */
			mc_bad_fieldn(e, name, MC_M_TOO_LONG, max);
		else
			mc_bad_field(e, name, MC_M_BAD_CHARACTERS);
		return NULL;
	}
	if (mc_text_chars(s) > max) {
		mc_bad_fieldn(e, name, MC_M_TOO_LONG, max);
		return NULL;
	}
	return mc_text_nfc(a, s);
}

const char *mc_field_enum(struct mc_error *e, json_t *in, const char *name, const char *const *choices,
			  const char *dflt, enum mc_msg m)
{
	json_t *v = json_object_get(in, name);
	if (!v || json_is_null(v))
		return dflt;
	const char *s = json_string_value(v);
	for (int i = 0; s && choices[i]; i++)
		if (strcmp(s, choices[i]) == 0)
			return choices[i];
	mc_bad_field(e, name, m);
	return dflt;
}

int64_t mc_field_id(struct mc_error *e, json_t *in, const char *name, int required, enum mc_msg m)
{
	json_t *v = json_object_get(in, name);
	if (!v || json_is_null(v)) {
		if (required)
			mc_bad_field(e, name, MC_M_REQUIRED);
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		mc_bad_field(e, name, m);
		return 0;
	}
	return json_integer_value(v);
}

void mc_field_ids(struct mc_error *e, json_t *in, const char *name, int64_t *out, int max, int *n, enum mc_msg m)
{
	json_t *v = json_object_get(in, name), *x;
	size_t i;
	*n = 0;
	if (!v || json_is_null(v))
		return;
	if (!json_is_array(v)) {
		mc_bad_field(e, name, m);
		return;
	}
	if (json_array_size(v) > (size_t)max) {
		mc_bad_fieldn(e, name, MC_M_LIST_MAX, max);
		return;
	}
	json_array_foreach(v, i, x) {
		int64_t id = json_is_integer(x) ? json_integer_value(x) : 0;
		int twice = 0;
		for (int k = 0; id > 0 && k < *n; k++)
			twice |= out[k] == id;
		if (id <= 0 || twice) {
			mc_bad_field(e, name, twice ? MC_M_LIST_TWICE : m);
			*n = 0;
			return;
		}
		out[(*n)++] = id;
	}
}

int64_t mc_field_time(struct mc_error *e, json_t *in, const char *name, int required)
{
	json_t *v = json_object_get(in, name);
	int64_t ms = 0;
	if (!v || json_is_null(v)) {
		if (required)
			mc_bad_field(e, name, MC_M_REQUIRED);
		return 0;
	}
	if (!json_is_string(v) || strlen(json_string_value(v)) > 40 || mc_time_parse(json_string_value(v), &ms)) {
		mc_bad_field(e, name, MC_M_TIME_FORMAT);
		return 0;
	}
	return ms;
}
