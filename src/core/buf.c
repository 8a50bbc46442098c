/* buf.c - bounded growable buffer; see buf.h. */
#include "buf.h"

#include "arena.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

void mc_buf_init(struct mc_buf *b, size_t limit)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->limit = limit;
}

void mc_buf_release(struct mc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void mc_buf_reset(struct mc_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int grow(struct mc_buf *b, size_t n)
{
	if (n > b->limit || b->len > b->limit - n)
		return MC_E_TOO_BIG;
	size_t need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	if (cap - 1 > b->limit) /* not cap > limit + 1: limit may be SIZE_MAX */
		cap = b->limit + 1;
	b->data = mc_xrealloc(b->data, cap);
	b->cap = cap;
	return 0;
}

int mc_buf_add(struct mc_buf *b, const void *p, size_t n)
{
	int rc = grow(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int mc_buf_adds(struct mc_buf *b, const char *s)
{
	return mc_buf_add(b, s, strlen(s));
}
int mc_buf_addc(struct mc_buf *b, char c)
{
	return mc_buf_add(b, &c, 1);
}

int mc_buf_printf(struct mc_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return MC_E_INTERNAL;
	int rc = grow(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int mc_buf_add_json_str(struct mc_buf *b, const char *s)
{
	size_t len0 = b->len;
	int rc = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++) {
		switch (*p) {
		case '"':
			rc = mc_buf_add(b, "\\\"", 2);
			break;
		case '\\':
			rc = mc_buf_add(b, "\\\\", 2);
			break;
		case '\n':
			rc = mc_buf_add(b, "\\n", 2);
			break;
		case '\r':
			rc = mc_buf_add(b, "\\r", 2);
			break;
		case '\t':
			rc = mc_buf_add(b, "\\t", 2);
			break;
		default:
			if (*p < 0x20)
				rc = mc_buf_printf(b, "\\u%04x", *p);
			else
				rc = mc_buf_addc(b, (char)*p);
		}
	}
	if (rc && b->data) {
		/* like every append: all or nothing */
		b->len = len0;
		b->data[len0] = '\0';
	}
	return rc;
}

char *mc_buf_detach(struct mc_buf *b, size_t *len)
{
	char *d = b->data ? b->data : mc_xstrdup("");
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}

const char *mc_buf_str(const struct mc_buf *b)
{
	return b->data ? b->data : "";
}
