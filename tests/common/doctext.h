/*
 * doctext.h (tests) - the text of a rendered document, to check what it
 * says: a PDF as pdftotext reads it, the first sheet of an XLSX as unzip
 * gives its XML.  Every run of white space becomes one space, so that text
 * wrapped by the layout still matches.  The result is malloc'd.
 */
#ifndef MC_TEST_DOCTEXT_H
#define MC_TEST_DOCTEXT_H

#include "http.h"

char *mc_test_pdf_text(const struct mc_http_res *r);
char *mc_test_xlsx_sheet(const struct mc_http_res *r);
/* Fail the test, showing the text, unless want is in it. */
void mc_test_expect_text(const char *text, const char *want);

#endif
