/* csv.c - RFC 4180 reader; see csv.h. */
#include "csv.h"

#include "arena.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* Read one logical record (a quoted field may span lines) into c->line. */
static int read_record(struct mc_csv *c)
{
	size_t len = 0;
	int quoted = 0, ch, any = 0;
	while ((ch = fgetc(c->f)) != EOF) {
		any = 1;
		if (ch == '"')
			quoted = !quoted;
		if (!quoted && ch == '\n')
			break;
		if (len + 2 > c->cap) {
			c->cap = c->cap ? c->cap * 2 : 256;
			c->line = mc_xrealloc(c->line, c->cap);
		}
		c->line[len++] = (char)ch;
	}
	if (!any)
		return 0;
	if (!c->line)
		c->line = mc_xcalloc(1, c->cap = 256);
	if (len && c->line[len - 1] == '\r')
		len--;
	c->line[len] = '\0';
	c->lineno++;
	return quoted ? -1 : 1;
}

static int split(struct mc_csv *c)
{
	char *p = c->line, *w = c->line;
	c->nfields = 0;
	for (;;) {
		if (c->nfields >= MC_CSV_MAX_FIELDS)
			return -1;
		c->fields[c->nfields++] = w;
		if (*p == '"') {
			p++;
			for (;;) {
				if (*p == '\0')
					return -1;
				if (*p == '"') {
					if (p[1] == '"') {
						*w++ = '"';
						p += 2;
						continue;
					}
					p++;
					break;
				}
				*w++ = *p++;
			}
			if (*p != ',' && *p != '\0')
				return -1;
		} else {
			while (*p && *p != ',')
				*w++ = *p++;
		}
		if (*p == '\0') {
			*w = '\0';
			return 0;
		}
		*w++ = '\0';
		p++;
	}
}

int mc_csv_open(struct mc_csv *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	c->f = fopen(path, "r");
	if (!c->f)
		return -1;
	if (read_record(c) != 1 || split(c)) {
		mc_csv_close(c);
		return -1;
	}
	/* keep the header: copy the line, re-split pointers into the copy */
	/* after split the line holds NUL-separated fields: copy the whole span */
	char *last = c->fields[c->nfields - 1];
	size_t n = (size_t)(last - c->line) + strlen(last) + 1;
	c->hbuf = mc_xmalloc(n);
	memcpy(c->hbuf, c->line, n);
	c->nheader = c->nfields;
	for (int i = 0; i < c->nfields; i++) {
		c->header[i] = c->hbuf + (c->fields[i] - c->line);
		/* strip a UTF-8 byte-order mark from the first name */
		if (i == 0 && (unsigned char)c->header[0][0] == 0xEF)
			c->header[0] += 3;
	}
	return 0;
}

int mc_csv_next(struct mc_csv *c)
{
	for (;;) {
		int rc = read_record(c);
		if (rc <= 0)
			return rc;
		if (c->line[0] == '\0')
			continue; /* blank line */
		return split(c) ? -1 : 1;
	}
}

const char *mc_csv_get(struct mc_csv *c, const char *name)
{
	for (int i = 0; i < c->nheader && i < c->nfields; i++)
		if (strcmp(c->header[i], name) == 0)
			return c->fields[i];
	return "";
}

void mc_csv_close(struct mc_csv *c)
{
	if (c->f)
		fclose(c->f);
	free(c->line);
	free(c->hbuf);
	memset(c, 0, sizeof(*c));
}
