/*
 * xlsx.h - spreadsheets (libxlsxwriter) for the reports officials open in
 * Excel: the register book (form 07) and generic tables (statistics).
 *
 * Times are written as real Excel dates (numbers with a date format) in
 * Vietnam time (UTC+7), never as strings, so that they sort and filter.
 * Every sheet has a bold header row that stays frozen while scrolling, an
 * autofilter over the table and column widths fitted to the contents.
 *
 * libxlsxwriter writes files only: the workbook goes to a private temporary
 * file (mkstemp under $TMPDIR, else /tmp) that is read back into out and
 * removed.  The bytes are appended to out (whose limit the caller sets); on
 * error out keeps its previous contents.
 *
 * Errors: MC_E_VALIDATION (with field errors), MC_E_TOO_BIG (out's limit or
 * more rows than a sheet holds), MC_E_IO (temporary file), MC_E_INTERNAL.
 */
#ifndef MC_XLSX_H
#define MC_XLSX_H

#include "core/buf.h"
#include "core/err.h"

#include <jansson.h>

/*
 * Form 07 as a sheet: agency name, title and period above a table of one
 * row per dossier (no., code, procedure, applicant, address, phone, received
 * at, due at, handed to, completed at, result, status, returned at, and an
 * empty column to sign in).  Arguments as for mc_pdf_register (pdf.h).
 */
int mc_xlsx_register(json_t *agency, const char *period_from, const char *period_to, json_t *dossiers,
		     struct mc_buf *out, struct mc_error *e);

/*
 * A generic table on one sheet named sheet_title (characters Excel refuses
 * in a sheet name are replaced, and it is cut to 31 characters).
 * columns: [{"key": "...", "title": "...", "type": "text|int|percent|datetime",
 *            "width": optional, in characters}]; rows: objects whose members
 * are looked up by key.  Cell values: text - a string (numbers are shown as
 * text); int - a number; percent - a fraction (0.953 shows as 95.3%);
 * datetime - an ISO 8601 instant with offset or a "YYYY-MM-DD" date.  A
 * missing or null member leaves the cell empty; a value of the wrong type is
 * a validation error.
 */
int mc_xlsx_table(const char *sheet_title, json_t *columns, json_t *rows, struct mc_buf *out, struct mc_error *e);

#endif
