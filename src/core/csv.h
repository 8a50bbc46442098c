/*
 * csv.h - a small RFC 4180 reader for the project's shipped data files
 * (quoted fields, doubled quotes, CRLF or LF).  Fields of one row stay valid
 * until the next call.
 */
#ifndef MC_CSV_H
#define MC_CSV_H

#include <stdio.h>

#define MC_CSV_MAX_FIELDS 24

struct mc_csv {
	FILE *f;
	char *line;
	size_t cap;
	int nfields;
	char *fields[MC_CSV_MAX_FIELDS];
	char *header[MC_CSV_MAX_FIELDS];
	int nheader;
	char *hbuf;
	long lineno;
};

/* Open and read the header row.  0 or -1 (errno set). */
int mc_csv_open(struct mc_csv *c, const char *path);
/* Next row: 1 when a row was read, 0 at the end, -1 on a malformed row. */
int mc_csv_next(struct mc_csv *c);
/* Field by column name of the header; "" when absent. */
const char *mc_csv_get(struct mc_csv *c, const char *name);
void mc_csv_close(struct mc_csv *c);

#endif
