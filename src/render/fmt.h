/*
 * fmt.h - internal helpers shared by the renderers (pdf.c, xlsx.c): reading
 * the dossier JSON (dotted paths), showing instants in Vietnam time in the
 * wording of the official forms, the Vietnamese/English labels of enumerated
 * values, and input validation with field errors.  Presentation only: no
 * business rule is decided here.
 */
#ifndef MC_RENDER_FMT_H
#define MC_RENDER_FMT_H

#include "core/arena.h"
#include "core/err.h"

#include <jansson.h>
#include <stddef.h>

/* The value at a dotted path ("applicant.full_name"), or NULL. */
json_t *mc__jget(json_t *o, const char *path);
/*
 * The value at path as display text in NFC (arena memory): strings as they
 * are (NULL when empty or only blanks), integers and reals in decimal;
 * NULL for anything else or when absent.
 */
const char *mc__jtext(struct mc_arena *a, json_t *o, const char *path);
/*
 * s with what cairo and XML refuse replaced: noncharacters (U+FFFE, U+FFFF,
 * U+FDD0-U+FDEF and the last two code points of every plane) and invalid
 * bytes become U+FFFD.  Returns s itself when there is nothing to replace,
 * else arena memory.
 */
const char *mc__clean(struct mc_arena *a, const char *s);
/* Integer at path, or def. */
long long mc__jint(json_t *o, const char *path, long long def);

/* A civil time in Vietnam (UTC+7). */
struct mc__vntime {
	int y, mo, d, h, mi, s;
	int date_only; /* the input was a plain "YYYY-MM-DD" */
};

/*
 * Parse an ISO 8601 instant with offset ("2026-11-26T09:15:00+07:00", any
 * offset or Z) into Vietnam civil time; a plain date "2026-11-26" is taken
 * as that day in Vietnam.  0 on success, -1 if s is not such a string.
 */
int mc__vntime(const char *s, struct mc__vntime *t);

enum mc__tstyle {
	MC__T_LONG,      /* "09 giờ 15 phút, ngày 26 tháng 11 năm 2026" */
	MC__T_DATE_LONG, /* "ngày 26 tháng 11 năm 2026" */
	MC__T_SHORT,     /* "26/11/2026 09:15" */
	MC__T_DATE,      /* "26/11/2026" */
};
/* The instant at path in a style (arena memory); NULL if absent or invalid. */
const char *mc__jtime(struct mc_arena *a, json_t *o, const char *path, enum mc__tstyle st);
const char *mc__fmt_time(struct mc_arena *a, const struct mc__vntime *t, enum mc__tstyle st);

/* Labels of enumerated values in Vietnamese (en = 0) or English; an unknown
 * value is shown as it is; NULL gives NULL. */
const char *mc__paper_kind_label(const char *kind, int en);
const char *mc__result_label(const char *result, int en);
const char *mc__status_label(const char *status, int en);
const char *mc__time_unit_label(const char *unit, int en);

/*
 * Validation: each failed check adds a field error to e (path must be a
 * string literal: it is stored as the field name) and sets e->code to
 * MC_E_VALIDATION.  Return 1 when the check passed.
 */
int mc__need_text(struct mc_error *e, struct mc_arena *a, json_t *o, const char *path);
/* A time that must be present (required) or, when present, valid. */
int mc__check_time(struct mc_error *e, json_t *o, const char *path, int required);
/* The input of the register (form 07): the agency's name, the period's
 * two days (parsed into from / to) and the dossiers, each with a code. */
void mc__check_register(struct mc_error *e, struct mc_arena *a, json_t *agency, const char *period_from,
			const char *period_to, json_t *dossiers, struct mc__vntime *from, struct mc__vntime *to);
/* A non-empty array of non-empty strings. */
int mc__need_str_array(struct mc_error *e, json_t *o, const char *path);
/* Finish validation: MC_E_VALIDATION with a public detail when a check
 * added a field error since e->nfields was nfields_before, else 0. */
int mc__validation_done(struct mc_error *e, size_t nfields_before, const char *what);

#endif
