/* err.c - the error table and the error object. */
#include "err.h"

#include <assert.h>
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
#undef MC_ERR
};

/* The messages of field problems (msg.def). */
struct msg {
	const char *reason, *vi, *en;
};

static const struct msg msgs[MC__M_COUNT] = {
#define MC_MSG(name, r, v, e) [MC_M_##name] = {r, v, e},
#include "msg.def"
#undef MC_MSG
};

#include "banned.h"

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
	e->ntext = 0;
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

/* ---------------------------------------------------------- msg.def */

static const struct msg *msg_of(enum mc_msg m)
{
	return (unsigned)m < MC__M_COUNT ? &msgs[m] : &msgs[MC_M_INVALID];
}

const char *mc_msg_reason(enum mc_msg m)
{
	return msg_of(m)->reason;
}

const char *mc_msg_text(enum mc_msg m, const char *lang)
{
	return lang && strcmp(lang, "en") == 0 ? msg_of(m)->en : msg_of(m)->vi;
}

/* The highest {n} in t (0: none). */
static int highest_param(const char *t)
{
	int n = 0;
	for (const char *p = strchr(t, '{'); p; p = strchr(p + 1, '{'))
		if (p[1] >= '1' && p[1] <= '9' && p[2] == '}' && p[1] - '0' > n)
			n = p[1] - '0';
	return n;
}

int mc_msg_params(enum mc_msg m)
{
	int vi = highest_param(msg_of(m)->vi), en = highest_param(msg_of(m)->en);
	return vi > en ? vi : en;
}

/* The template t with {1}, {2} replaced, copied into e->text; the template
 * itself when it has no parameter (or, cut short, when text[] is full). */
static const char *fill(struct mc_error *e, const char *t, const char *const *p, int np)
{
	if (!np || !strchr(t, '{'))
		return t;
	char *out = e->text + e->ntext;
	size_t room = sizeof(e->text) - e->ntext, n = 0;
	if (room < 2)
		return t;
	for (const char *c = t; *c && n + 1 < room; c++) {
		int k = c[0] == '{' && c[1] >= '1' && c[1] <= '9' && c[2] == '}' ? c[1] - '1' : -1;
		if (k < 0 || k >= np) {
			out[n++] = *c;
			continue;
		}
		size_t len = strlen(p[k]);
		if (len > room - 1 - n)
			len = room - 1 - n;
		memcpy(out + n, p[k], len);
		n += len;
		c += 2;
	}
	out[n] = '\0';
	e->ntext += n + 1;
	return out;
}

static void add_msg(struct mc_error *e, const char *field, enum mc_msg m, const char *const *p, int np)
{
	assert(mc_msg_params(m) == np && "msg.def: the call gives another number of parameters than the row");
	if (e->nfields >= MC_MAX_FIELD_ERRORS)
		return;
	const struct msg *r = msg_of(m);
	const char *vi = fill(e, r->vi, p, np), *en = fill(e, r->en, p, np);
	e->fields[e->nfields++] = (struct mc_field_error){field, r->reason, vi, en};
}

void mc_bad_field(struct mc_error *e, const char *field, enum mc_msg m)
{
	add_msg(e, field, m, NULL, 0);
}

void mc_bad_field1(struct mc_error *e, const char *field, enum mc_msg m, const char *p1)
{
	const char *p[] = {p1 ? p1 : ""};
	add_msg(e, field, m, p, 1);
}

void mc_bad_field2(struct mc_error *e, const char *field, enum mc_msg m, const char *p1, const char *p2)
{
	const char *p[] = {p1 ? p1 : "", p2 ? p2 : ""};
	add_msg(e, field, m, p, 2);
}

void mc_bad_fieldn(struct mc_error *e, const char *field, enum mc_msg m, long long n)
{
	char num[24];
	snprintf(num, sizeof(num), "%lld", n);
	const char *p[] = {num};
	add_msg(e, field, m, p, 1);
}

void mc_bad_fieldn2(struct mc_error *e, const char *field, enum mc_msg m, long long a, long long b)
{
	char na[24], nb[24];
	snprintf(na, sizeof(na), "%lld", a);
	snprintf(nb, sizeof(nb), "%lld", b);
	const char *p[] = {na, nb};
	add_msg(e, field, m, p, 2);
}
