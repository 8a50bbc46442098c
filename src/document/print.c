/*
 * print.c - an outgoing document as printed: the data the layout of
 * Decree 30 needs (render/pdf.h, mc_pdf_document) from a draft and, once
 * issued, its number and date: the issuer under its superior, the place
 * (the province), the symbol of a draft whose number is still blank, the
 * recipients, the signer and the form they signed in.
 */
#include "internal.h"

#include "../core/timeutil.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

/* The layout input (render/pdf.h, mc_pdf_document) of draft sh (as
 * mc__draft_load shows it); number_text and date: the issued document's,
 * or NULL. */
static int layout(struct mc_document_ctx *x, json_t *sh, const char *number_text, const char *date, json_t **out)
{
	int64_t agency = json_integer_value(json_object_get(json_object_get(sh, "agency"), "id"));
	int64_t unit = json_integer_value(json_object_get(json_object_get(sh, "unit"), "id"));
	char superior[400] = "", place[200] = "", abbr[88] = "", unit_abbr[88] = "", blank[200];
	struct mc_stmt *s;
	int rc = mc_query(
		x->c, &s,
		"SELECT p.name, (SELECT u.full_name FROM units u WHERE u.era = 'current' AND u.code = a.province_code),"
		" a.abbr, (SELECT n.abbr FROM agencies n WHERE n.id = ?)"
		" FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id WHERE a.id = ?",
		"ii", unit, agency);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		snprintf(superior, sizeof(superior), "%s", mc_col_text(s, 0) ? mc_col_text(s, 0) : "");
		snprintf(place, sizeof(place), "%s", mc_col_text(s, 1) ? mc_col_text(s, 1) : "");
		snprintf(abbr, sizeof(abbr), "%s", mc_col_text(s, 2) ? mc_col_text(s, 2) : "");
		snprintf(unit_abbr, sizeof(unit_abbr), "%s",
			 mc_col_text(s, 3) && unit != agency ? mc_col_text(s, 3) : "");
	}
	mc_stmt_done(s);
	if (rc)
		return rc;
	if (!number_text) {
		/* a draft: the number left blank for the clerical officer, the symbol written */
		const char *type_abbr = json_string_value(json_object_get(json_object_get(sh, "type"), "abbr"));
		if (type_abbr)
			snprintf(blank, sizeof(blank), "      /%s-%s", type_abbr, abbr);
		else
			snprintf(blank, sizeof(blank), "      /%s-%s", abbr, unit_abbr);
	}
	json_t *signer = json_object_get(sh, "signer"), *type = json_object_get(sh, "type");
	*out = json_pack(
		"{s:s?, s:O, s:s?, s:O, s:O, s:O, s:s, s:s?, s:O, s:o, s:o, s:b}", "superior",
		superior[0] ? superior : NULL, "issuer", json_object_get(json_object_get(sh, "agency"), "name"),
		"number_text", number_text ? number_text : blank, "type_code", json_object_get(type, "code"),
		"type_name", json_object_get(type, "name"), "summary", json_object_get(sh, "summary"), "place",
		place[0] ? place : "Thành phố Hồ Chí Minh", "date", date, "content", json_object_get(sh, "content"),
		"recipients", mc__draft_recipients_named(sh), "signer",
		json_is_object(signer)
			? json_pack("{s:O, s:O, s:O, s:O}", "position", json_object_get(signer, "position"), "name",
				    json_object_get(signer, "name"), "form", json_object_get(signer, "form"),
				    "for_title", json_object_get(signer, "for_title"))
			: json_null(),
		"draft", !number_text);
	return *out ? 0 : MC_E_NOMEM;
}

int mc_draft_layout(struct mc_document_ctx *x, int64_t id, json_t **out)
{
	struct mc__draft d;
	json_t *sh = NULL;
	int rc = mc__draft_load(x->c, id, &d, &sh);
	if (!rc && (rc = mc__draft_may_read(x, &d)) == 0)
		rc = MC_E_NOT_FOUND;
	if (rc > 0) {
		json_t *doc = json_object_get(sh, "document");
		char day[11] = "";
		if (d.signed_at) {
			int y, m, dd;
			mc_vn_date(d.signed_at, &y, &m, &dd);
			snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m, dd);
		}
		if (!day[0]) { /* not signed: the year only */
			int y, m, dd;
			mc_vn_date(mc_time_now_ms(), &y, &m, &dd);
			snprintf(day, sizeof(day), "%04d", y);
		}
		rc = layout(x, sh, json_string_value(json_object_get(doc, "number_text")), day, out);
	}
	json_decref(sh);
	return rc;
}

int mc_document_layout(struct mc_document_ctx *x, int64_t id, json_t **out)
{
	json_t *doc = NULL;
	int rc = mc_document_get(x, id, &doc); /* who may read it; its opening recorded */
	int64_t draft = json_integer_value(json_object_get(doc, "draft_id"));
	if (!rc && !draft)
		rc = MC_E_NOT_FOUND; /* registered from paper or received: its file is the document */
	struct mc__draft d;
	json_t *sh = NULL;
	if (!rc)
		rc = mc__draft_load(x->c, draft, &d, &sh);
	if (!rc)
		rc = layout(x, sh, json_string_value(json_object_get(doc, "number_text")),
			    json_string_value(json_object_get(doc, "doc_date")), out);
	json_decref(sh);
	json_decref(doc);
	return rc;
}
