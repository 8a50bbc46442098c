/*
 * rules.c - where the caller stands towards directives: their body, the
 * body whose directives they keep as its office, and who manages a body's
 * directives.
 *
 * The office of a body (Văn phòng UBND) is an agency of kind office
 * directly under it (0032); its officials with directive.manage keep the
 * directives of the body it serves, as the body's own do.
 */
#include "internal.h"

#include "../core/text.h"
#include "../core/timeutil.h"
#include "../org/org.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

void mc__dir_day(int64_t ms, int days, char out[11])
{
	int y, m, d;
	mc_vn_date(ms + (int64_t)days * MC_DAY_MS, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

int mc__dir_body_of(struct mc_conn *c, int64_t agency, int64_t *body)
{
	return mc_query_int64(c, body,
			      "SELECT t.ancestor_id FROM agency_tree t JOIN agencies a ON a.id = t.ancestor_id"
			      " WHERE t.descendant_id = ? AND t.same_body = 1 AND a.internal = 0",
			      "i", agency);
}

/* The body served by body when it is an office (kind office, directly
 * under its parent's body): the parent's body, else 0. */
static int office_of(struct mc_conn *c, int64_t body, int64_t *served)
{
	int64_t parent = 0;
	*served = 0;
	int rc = mc_query_int64(
		c, &parent, "SELECT parent_id FROM agencies WHERE id = ? AND kind = 'office' AND parent_id IS NOT NULL",
		"i", body);
	if (rc == MC_E_NOT_FOUND)
		return 0;
	return rc ? rc : mc__dir_body_of(c, parent, served);
}

int mc__dir_caller(struct mc_directive_ctx *x, int64_t now, struct mc__dir_caller *w)
{
	*w = (struct mc__dir_caller){.agency = x->who->agency_id};
	w->manage = mc_principal_has(x->who, "directive.manage");
	mc__dir_day(now, 0, w->today);
	if (!w->agency)
		return MC_E_FORBIDDEN;
	int rc = mc__dir_body_of(x->c, w->agency, &w->body);
	if (!rc && w->manage)
		rc = office_of(x->c, w->body, &w->office_of);
	return rc;
}

int mc__dir_manages(const struct mc__dir_caller *w, int64_t body)
{
	return w->manage && (w->body == body || w->office_of == body);
}

const char *mc__dir_text(struct mc_directive_ctx *x, json_t *in, const char *name, long max, int required)
{
	json_t *v = json_object_get(in, name);
	const char *s = json_string_value(v);
	if (v && !json_is_null(v) && !s) {
		mc_bad_field(x->e, name, MC_M_NOT_STRING);
		return NULL;
	}
	while (s && (*s == ' ' || *s == '\n' || *s == '\t'))
		s++;
	if (!s || !*s) {
		if (required)
			mc_bad_field(x->e, name, MC_M_REQUIRED);
		return NULL;
	}
	if (strlen(s) > (size_t)max * 8 + 16) {
		mc_bad_fieldn(x->e, name, MC_M_TOO_LONG, max);
		return NULL;
	}
	if (!mc_text_valid(s, SIZE_MAX)) {
		mc_bad_field(x->e, name, MC_M_BAD_CHARACTERS);
		return NULL;
	}
	if (mc_text_chars(s) > max) {
		mc_bad_fieldn(x->e, name, MC_M_TOO_LONG, max);
		return NULL;
	}
	return mc_text_nfc(x->arena, s);
}

const char *mc__dir_date(struct mc_directive_ctx *x, json_t *in, const char *name, int required)
{
	const char *s = mc__dir_text(x, in, name, 10, required);
	if (s && !mc_date_check(s)) {
		mc_bad_field(x->e, name, MC_M_DATE_FORMAT);
		return NULL;
	}
	return s;
}

int64_t mc__dir_id(struct mc_directive_ctx *x, json_t *in, const char *name, int required)
{
	json_t *v = json_object_get(in, name);
	if (!v || json_is_null(v)) {
		if (required)
			mc_bad_field(x->e, name, MC_M_REQUIRED);
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		mc_bad_field(x->e, name, MC_M_NOT_INTEGER);
		return 0;
	}
	return json_integer_value(v);
}
