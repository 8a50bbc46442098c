/*
 * pdf.h - the printable one-stop forms of Circular 03/2025/TT-VPCP, Annex I
 * (DOMAIN.md "One-stop mechanism"), as PDF.
 *
 * Forms 01-06 are A5 portrait (419.53 x 595.28 pt), form 07 (the register
 * book) A4 landscape.  Labels are Vietnamese - these are legal forms - with an
 * English subtitle under each label when lang is "en".  Text is laid out by
 * pango with the DejaVu Serif/Sans fonts, so Vietnamese diacritics are shaped
 * correctly and the text can be selected and searched; long text wraps and
 * long tables continue on the next page (table header repeated, pages
 * numbered "Trang i/n" when there is more than one).
 *
 * Input: the dossier JSON described in the renderer contract (times ISO 8601
 * with offset, shown in Vietnam time).  The PDF is appended to out, whose
 * limit the caller sets; on any error out keeps its previous contents.
 *
 * Errors: MC_E_NOT_FOUND (no such form), MC_E_INVAL (dossier not an object),
 * MC_E_VALIDATION with one field error per missing or malformed field (e.g.
 * "code", "applicant.full_name", "supplement.items"), MC_E_TOO_BIG (out's
 * limit), MC_E_INTERNAL (cairo failed).
 *
 * Thread safety: callable from several threads at once (pango keeps one font
 * map per thread).
 */
#ifndef MC_PDF_H
#define MC_PDF_H

#include "core/buf.h"
#include "core/err.h"

#include <jansson.h>

/*
 * Form 01-06 for one dossier.  Required: code, applicant.full_name,
 * procedure.name, received_at, received_agency.name and, per form,
 * 01 papers (may be empty) / 02 supplement.items / 03 refusal.reasons /
 * 04 extension.reason + extension.new_due_at / 05 stop.reason /
 * 06 steps (an array).  lang: "en" adds English subtitles; NULL or anything
 * else gives Vietnamese only.
 */
int mc_pdf_form(int form, json_t *dossier, const char *lang, struct mc_buf *out, struct mc_error *e);

/*
 * Form 07, the register book (Sổ theo dõi hồ sơ) of an agency over a period:
 * one row per dossier in the given order.  agency: {"code","name"} (name
 * required); period_from / period_to: "YYYY-MM-DD" or ISO instants;
 * dossiers: an array (may be empty), each with at least a code.
 */
int mc_pdf_register(json_t *agency, const char *period_from, const char *period_to, json_t *dossiers,
		    struct mc_buf *out, struct mc_error *e);

/*
 * The periodic report (mc_dossier_report's answer, dossier.h) of agency (its
 * name) as an A4 landscape table, one row per item and the total, with the
 * formula under it.
 */
int mc_pdf_report(json_t *report, const char *agency, struct mc_buf *out, struct mc_error *e);

/*
 * The template of a paper of a procedure (def: the catalogue definition):
 * an A4 form to fill in by hand, made from the procedure's online form
 * fields, for a paper whose "template" is "generated".  MC_E_NOT_FOUND for
 * an unknown paper or one without a template.
 */
int mc_pdf_template(json_t *def, const char *paper, struct mc_buf *out, struct mc_error *e);

/*
 * An official document in the layout of Decree 30/2020/NĐ-CP (Annex I), A4:
 * the issuer (under its superior), "Số: 01/KH-STP" under it, the national
 * name and motto, place and date; the type and summary (a công văn: "V/v"
 * under its number), the content, the signer block with its form ("KT.
 * GIÁM ĐỐC / PHÓ GIÁM ĐỐC") and the recipients (nơi nhận).  document:
 * {superior, issuer, number_text (null: a draft, left blank), type_code,
 * type_name, summary, place, date (YYYY-MM-DD, null: blank), content,
 * signer {form, for_title, position, name} (null: none yet), recipients,
 * draft (true: marked DỰ THẢO)}; issuer, type_name, summary and place are
 * required.
 */
int mc_pdf_document(json_t *document, struct mc_buf *out, struct mc_error *e);

/*
 * A body's work calendar for a week (lịch công tác tuần), as city
 * websites publish it: landscape A4, a row per event by day (time, what,
 * who chairs, who takes part, where), a cancelled event struck through
 * with its reason; "DỰ THẢO" while it is not published, its edition once
 * changed.  week: the answer of GET .../schedule-weeks/{week} (agency,
 * week, days, state, edition, events).
 */
int mc_pdf_week(json_t *week, struct mc_buf *out, struct mc_error *e);

/* A box on a page: PDF points from the page's bottom-left corner; page 0: not drawn. */
struct mc_pdf_box {
	int page;
	double x, y, w, h;
};

/*
 * Where things are on an official document (mc_pdf_document_marked): what
 * the clerical officer needs once the leader has signed a document whose
 * number and date were left blank, to show them as stamps over the blank
 * lines (pdfsign.h, mc_pdf_add_stamps) and to put the organisation's seal
 * over the signature.
 */
struct mc_pdf_marks {
	struct mc_pdf_box number;    /* the "Số: ..." line under the issuer (its whole line box, column width) */
	struct mc_pdf_box date;      /* the italic place-and-date line under the motto */
	struct mc_pdf_box signature; /* the blank space between the signer's position and name (GAP_SIGN high, the
					signer column wide); page 0 when there is no signer */
};

/*
 * mc_pdf_document, also filling marks (may be NULL) with the boxes as drawn
 * in the final pass.  On error *marks is all zeros.
 */
int mc_pdf_document_marked(json_t *document, struct mc_buf *out, struct mc_pdf_marks *marks, struct mc_error *e);

/*
 * The daily report of a body for its leaders (src/snapshot/report.c) on A4:
 * report {"agency", "code", "day", "figures": {received, resolved,
 * on_time_rate, overdue_dossiers, overdue_directions}, "week": [{"day",
 * the same figures}, ...]}: the day's figures, then the week's table.
 */
int mc_pdf_daily_report(json_t *report, struct mc_buf *out, struct mc_error *e);

/*
 * The e-receipt of a fee paid (biên lai thu phí, lệ phí điện tử) on A4:
 * receipt {agency, symbol, number, date (ISO instant), payer, address,
 * code, fee, amount (đồng), amount_words, method, reference, collector,
 * refunded_at (null: not refunded)}.
 */
int mc_pdf_receipt(json_t *receipt, struct mc_buf *out, struct mc_error *e);
/*
 * Drop the font caches of cairo, pango and fontconfig held by the calling
 * thread and the process.  Only for leak checkers at exit (tests): no
 * rendering may run concurrently or afterwards.
 */
void mc_pdf_release_caches(void);

#endif
