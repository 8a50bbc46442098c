/*
 * office_api.c - what the officials' pages need besides the dossier
 * engine's own routes: looking up a citizen at the reception counter, and
 * the files attached to a dossier.
 *
 * A clerk taking a dossier in types the applicant's 12-digit ID number and
 * gets the name, phone and address to copy onto the dossier.  Only holders
 * of dossier.intake may ask (any counter takes any citizen's dossier, so
 * there is no agency limit); every lookup, found or not, is written to the
 * audit log, since it reads personal data.  Being audited, it is a POST
 * with the CSRF token: a link clicked on another site (SameSite=Lax sends
 * the cookie with a GET) cannot write look-ups into a clerk's trail.  Its
 * answer is never stored for Idempotency-Key replays (personal data).
 *
 * An attached file is served to whoever may read the dossier, and only when
 * the dossier's form names it: blobs cannot be fetched by their hash alone.
 * It is served as a download, in a sandbox: whatever a file turns out to
 * hold, the browser never runs it in the platform's origin.
 */
#include "api.h"

#include "../crypto/crypto.h"
#include "../org/org.h"

#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static int applicant_lookup(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	const char *idn = mc_api_str(r, b, "id_number", 12, 0);
	int unknown;
	if (r->err.nfields)
		return mc_api_check(r);
	if (!idn || !*idn)
		mc_bad_field(&r->err, "id_number", MC_M_ID_NUMBER_REQUIRED);
	else
		mc_cccd_check(idn, NULL, NULL, &r->err, &unknown);
	struct mc_conn *c;
	int rc = mc_api_check_db(r, &c);
	if (rc)
		return rc;
	json_t *out = NULL;
	int64_t uid = 0;
	int found = mc_applicant_by_id_number(c, idn, &uid, &out);
	if (found && found != MC_E_NOT_FOUND)
		return mc_api_db_fail(r, found);
	if (out)
		mc_req_keep(r, out);
	/* every lookup is audited, the misses too: a clerk trying ID numbers
	 * one after another shows in the log */
	if ((rc = mc_tx_begin(c, 1)))
		return mc_api_db_fail(r, rc);
	rc = mc_api_audit(r, c, found ? "applicant.lookup_miss" : "applicant.lookup", "user", uid, NULL);
	if (!rc)
		rc = mc_tx_commit(c);
	if (rc) {
		if (mc_in_tx(c))
			mc_tx_rollback(c);
		return mc_api_db_fail(r, rc);
	}
	if (found)
		return mc_fail(r, found, NULL);
	return mc_res_json(r, 200, json_incref(out));
}

static int dossier_file(struct mc_req *r)
{
	const char *code = mc_api_typed_code(r, mc_req_param(r, "code"), 63), *sha = mc_req_param(r, "sha256");
	if (!code || !mc_is_sha256_hex(sha))
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	struct mc_dossier_ctx x;
	int rc = mc_api_dossier_ctx(r, &x);
	if (rc)
		return rc;
	void *data = NULL;
	size_t len = 0;
	char mime[32];
	rc = mc_dossier_file(&x, code, sha, &data, &len, mime);
	if (rc == MC_E_NOT_FOUND)
		return mc_fail(r, rc, NULL);
	if (rc)
		return mc_api_db_fail(r, rc);
	rc = mc_res_text(r, 200, mc_strdup(r->arena, mime), data, len); /* the type is kept by reference */
	free(data);
	if (rc)
		return rc;
	const char *ext = strcmp(mime, "application/pdf") == 0 ? "pdf" : strcmp(mime, "image/png") == 0 ? "png" : "jpg";
	/* a download, sandboxed: the type was found from the bytes, but a file
	 * is still the applicant's, never a page of this origin */
	mc_res_header(r, "Content-Disposition",
		      mc_sprintf(r->arena, "attachment; filename=\"%s-%.12s.%s\"", code, sha, ext));
	mc_res_header(r, "Content-Security-Policy", "sandbox; default-src 'none'");
	mc_res_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	return 0;
}

const struct mc_route mc_api_office_routes[] = {
	{"POST", "/api/v1/applicants/lookup", applicant_lookup, MC_AUTH_REQUIRED, "dossier.intake", MC_RF_NO_IDEM},
	{"GET", "/api/v1/dossiers/{code}/files/{sha256}", dossier_file, MC_AUTH_REQUIRED, NULL, 0},
	{0},
};
