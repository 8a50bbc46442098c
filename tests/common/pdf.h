/*
 * pdf.h (tests) - the smallest PDF that a reader (and motcua's check of
 * uploads, render/pdfcheck.h) accepts, made distinct by a note: uploads are
 * stored by their SHA-256, so two papers need two notes.
 */
#ifndef MC_TEST_PDF_H
#define MC_TEST_PDF_H

#define MC_TEST_PDF_HEAD                                                                                               \
	"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> "    \
	"endobj\n"                                                                                                     \
	"trailer << /Root 1 0 R >>\n% "
#define MC_TEST_PDF_TAIL  "\n%%EOF\n"
#define MC_TEST_PDF(note) MC_TEST_PDF_HEAD note MC_TEST_PDF_TAIL

#endif
