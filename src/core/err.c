/* err.c - the error table and the error object. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct row {
	int status;
	const char *code, *vi, *en;
};

static const struct row rows[MC__I_COUNT] = {
	[MC__I_OK] = {200, "ok", "Thành công", "OK"},
#define MC_ERR(name, st, c, v, e) [MC__I_##name] = {st, c, v, e},
#include "err.def"

#include "banned.h"
#undef MC_ERR
};

static const struct row *row_of(int err)
{
	int i = -err;
	if (i < 0 || i >= MC__I_COUNT)
		i = MC__I_INTERNAL;
	return &rows[i];
}

int mc_err_status(int err)
{
	return row_of(err)->status;
}
const char *mc_err_code(int err)
{
	return row_of(err)->code;
}

const char *mc_err_title(int err, const char *lang)
{
	const struct row *r = row_of(err);
	return lang && strcmp(lang, "en") == 0 ? r->en : r->vi;
}

void mc_error_init(struct mc_error *e)
{
	e->code = 0;
	e->detail[0] = '\0';
	e->log_detail[0] = '\0';
	e->retry_after = 0;
	e->attempts_left = 0;
	e->has_attempts_left = 0;
	e->nfields = 0;
}

int mc_error_set(struct mc_error *e, int code, const char *fmt, ...)
{
	e->code = code;
	e->detail[0] = '\0';
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
		va_end(ap);
	}
	return code;
}

int mc_error_log(struct mc_error *e, const char *fmt, ...)
{
	size_t n = strlen(e->log_detail);
	if (n + 3 < sizeof(e->log_detail)) {
		va_list ap;
		if (n) {
			memcpy(e->log_detail + n, "; ", 2);
			n += 2;
			e->log_detail[n] = '\0';
		}
		va_start(ap, fmt);
		vsnprintf(e->log_detail + n, sizeof(e->log_detail) - n, fmt, ap);
		va_end(ap);
	}
	return e->code;
}

void mc_error_field(struct mc_error *e, const char *field, const char *reason, const char *vi, const char *en)
{
	if (e->nfields >= MC_MAX_FIELD_ERRORS)
		return;
	e->fields[e->nfields++] = (struct mc_field_error){field, reason, vi, en};
}
