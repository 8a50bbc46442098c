/*
 * pdfcheck.h - what an uploaded PDF may not carry.
 *
 * A PDF can run code in the reader that opens it: JavaScript, a launch of
 * another program, forms that submit or import data, embedded files, rich
 * media, XFA forms.  None has a place in a dossier's papers, and the
 * officials who open them must not be exposed to them.  The document is
 * read with qpdf (object streams and PDF name escapes such as /J#61vaScript
 * are resolved by it) and every object reachable from the trailer is
 * looked at.
 */
#ifndef MC_PDFCHECK_H
#define MC_PDFCHECK_H

#include <stddef.h>

enum mc_pdf_verdict {
	MC_PDF_CLEAN = 0,
	MC_PDF_ACTIVE = 1,    /* carries active content: `what` names it (e.g. "/JavaScript") */
	MC_PDF_UNREADABLE = 2 /* not a PDF qpdf can read, or too large a graph to walk */
};

enum mc_pdf_verdict mc_pdf_check(const void *data, size_t n, char *what, size_t whatlen);

#endif
