/* receive.c - packages and status messages from peers, and what the
 * recipient's clerical officers make of a package (see exchange.h). */
#include "internal.h"

#include "../core/timeutil.h"
#include "../crypto/pki.h"
#include "../crypto/xmldsig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* Every certificate of a PEM bundle trusted (at least one). */
static int trust_bundle(const char *pem, struct mc_trust *t)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	int n = 0;
	for (const char *p = strstr(pem, begin); p; p = strstr(p + 1, begin)) {
		const char *next = strstr(p + 1, begin);
		struct mc_cert *c;
		if (mc_cert_from_pem(p, next ? (size_t)(next - p) : strlen(p), &c))
			return MC_E_CONFIG;
		int rc = mc_trust_add_ca(t, c);
		mc_cert_free(c);
		if (rc)
			return rc;
		n++;
	}
	return n ? 0 : MC_E_CONFIG;
}

/* The peer that from names, its signature checked: made by a seal of
 * from's (its subject names the code) under the peer's CA, valid now. */
static int check_sender(struct mc_exchange_ctx *x, const char *from, const void *xml, size_t n, int64_t *peer)
{
	struct mc_stmt *s;
	char *ca = NULL;
	int rc = mc_query(x->c, &s, "SELECT id, ca_pem FROM exchange_peers WHERE organ_id = ?", "t", from);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		*peer = mc_col_int64(s, 0);
		ca = mc_strdup(x->arena, mc_col_text(s, 1));
	}
	mc_stmt_done(s);
	if (rc == MC_E_NOT_FOUND)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "%s is not an agency this platform exchanges documents with",
				    from);
	if (rc)
		return rc;
	struct mc_trust *t = mc_trust_new();
	struct mc_xml_report r;
	rc = trust_bundle(ca, t);
	if (!rc) {
		rc = mc_xml_verify(xml, n, t, mc_time_now_ms() / 1000, &r);
		if (rc == MC_E_INVAL)
			rc = mc_error_set(x->e, MC_E_FORBIDDEN, "the package carries no XML signature over all of it");
		else if (!rc && !r.valid)
			rc = mc_error_set(x->e, MC_E_FORBIDDEN, "the XML signature does not match the package");
		else if (!rc && r.cert_status != MC_CERT_GOOD)
			rc = mc_error_set(x->e, MC_E_FORBIDDEN, "the signer's certificate is %s",
					  mc_cert_status_code(r.cert_status));
		else if (!rc) {
			char uid[80];
			snprintf(uid, sizeof(uid), "MDDD:%s", from);
			const char *at = strstr(r.cert.subject, uid);
			if (!at || (at[strlen(uid)] != '\0' && at[strlen(uid)] != ','))
				rc = mc_error_set(x->e, MC_E_FORBIDDEN, "the package is not signed with the seal of %s",
						  from);
		}
	}
	mc_trust_free(t);
	return rc;
}

static int receive_package(struct mc_exchange_ctx *x, const struct mc_edxml_doc *d, int64_t peer, const void *xml,
			   size_t n, json_t *taken)
{
	int64_t now = mc_time_now_ms();
	char code[128];
	snprintf(code, sizeof(code), "%s%s%s", d->code_number, d->code_notation ? "/" : "",
		 d->code_notation ? d->code_notation : "");
	char *text = mc_strndup(x->arena, xml, n);
	int rc = 0, local = 0;
	for (int i = 0; i < d->nto && !rc; i++) {
		int64_t agency = 0;
		rc = mc_query_int64(x->c, &agency,
				    "SELECT id FROM agencies WHERE code = ? AND internal = 0 AND active = 1", "t",
				    d->to[i].id);
		if (rc == MC_E_NOT_FOUND) {
			rc = 0;
			continue;
		}
		local++;
		struct mc_stmt *q;
		int64_t id = 0;
		if (!rc)
			rc = mc_query(x->c, &q,
				      "INSERT INTO exchange_packages (direction, agency_id, peer_id, package_id, code,"
				      " promulgated, subject, state, package, created_at, updated_at)"
				      " VALUES ('in', ?, ?, ?, ?, ?, ?, 'arrived', ?, ?, ?)"
				      " ON CONFLICT (direction, peer_id, package_id) DO NOTHING RETURNING id",
				      "iittttt"
				      "ii",
				      agency, peer, d->document_id, code, d->date, d->subject, text, now, now);
		if (!rc)
			rc = mc_step_returning(q, &id);
		if (rc || !id) /* the same package again: taken already */
			continue;
		struct mc__package p;
		if (!(rc = mc__package_load(x->c, id, &p)))
			rc = mc__status_send(x, &p, "01", NULL, NULL);
		if (!rc)
			rc = mc__exchange_audit(x, "exchange.receive", id,
						json_pack("{s:s, s:s, s:s}", "from", d->from.id, "package_id",
							  d->document_id, "code", code));
		json_array_append_new(taken, json_pack("{s:I, s:s}", "id", (json_int_t)id, "to", d->to[i].id));
	}
	if (!rc && !local)
		rc = mc_error_set(x->e, MC_E_VALIDATION, "none of the package's recipients (To) is an agency here");
	return rc;
}

static int receive_status(struct mc_exchange_ctx *x, const struct mc_edxml_status *s, int64_t peer, const void *xml,
			  size_t n, json_t *taken)
{
	int revoke = strcmp(s->code, "13") == 0;
	int64_t id = 0, now = mc_time_now_ms();
	int rc = mc_query_int64(
		x->c, &id, "SELECT id FROM exchange_packages WHERE direction = ? AND peer_id = ? AND package_id = ?",
		"tit", revoke ? "in" : "out", peer, s->for_document_id);
	if (rc == MC_E_NOT_FOUND)
		return mc_error_set(x->e, MC_E_NOT_FOUND, "no package %s was exchanged with %s", s->for_document_id,
				    s->from.id);
	struct mc__package p;
	if (rc || (rc = mc__package_load(x->c, id, &p)))
		return rc;
	char *text = mc_strndup(x->arena, xml, n);
	int64_t k = mc_exec(x->c,
			    "INSERT INTO exchange_statuses (package, direction, code, description, staff, at, message)"
			    " VALUES (?, 'in', ?, ?, ?, ?, ?)",
			    "itttit", id, s->code, s->description, s->staff, now, text);
	if (k < 0)
		return (int)k;
	const char *state = revoke && strcmp(p.state, "arrived") == 0 ? "revoked"
			    : strcmp(s->code, "15") == 0              ? "revoked"
			    : strcmp(s->code, "02") == 0              ? "refused"
								      : p.state;
	k = mc_exec(x->c, "UPDATE exchange_packages SET status_code = ?, state = ?, updated_at = ? WHERE id = ?",
		    "ttii", s->code, state, now, id);
	if (k < 0)
		return (int)k;
	/* a package not yet registered is withdrawn at once */
	if (revoke && strcmp(p.state, "arrived") == 0 &&
	    (rc = mc__status_send(x, &p, "15", "withdrawn before it was registered", NULL)))
		return rc;
	json_array_append_new(taken, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", s->code));
	return mc__exchange_audit(x, "exchange.status", id,
				  json_pack("{s:s, s:s}", "from", s->from.id, "code", s->code));
}

int mc_exchange_receive(struct mc_exchange_ctx *x, const void *xml, size_t n, json_t **out)
{
	struct mc_edxml_doc d;
	struct mc_edxml_status s;
	const char *why = NULL;
	int kind = mc_edxml_read(x->arena, xml, n, &d, &s, &why);
	if (kind < 0)
		return mc_error_set(x->e, MC_E_VALIDATION, "not an edXML package or status message: %s", why);
	int64_t peer = 0;
	int rc = check_sender(x, kind == 1 ? d.from.id : s.from.id, xml, n, &peer);
	if (rc)
		return rc;
	json_t *taken = json_array();
	if (!(rc = mc_tx_begin(x->c, 1))) {
		rc = kind == 1 ? receive_package(x, &d, peer, xml, n, taken)
			       : receive_status(x, &s, peer, xml, n, taken);
		rc = rc ? rc : mc_tx_commit(x->c);
		if (rc && mc_in_tx(x->c))
			mc_tx_rollback(x->c);
	}
	if (rc) {
		json_decref(taken);
		return rc;
	}
	*out = json_pack("{s:s, s:o}", "kind", kind == 1 ? "package" : "status", "taken", taken);
	return 0;
}

/* ---- registering ---- */

static const char *const PRIORITY_URGENCY[] = {"normal", "khan", "thuong_khan", "hoa_toc", "hoa_toc"};

int mc_exchange_register_begin(struct mc_exchange_ctx *x, int64_t id, json_t **in, void **file, size_t *len)
{
	*in = NULL;
	*file = NULL;
	*len = 0;
	json_t *pkg = NULL;
	int rc = mc_exchange_get(x, id, &pkg);
	if (rc)
		return rc;
	int can = 0;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(pkg, "can"), i, v)
		can |= strcmp(json_string_value(v), "register") == 0;
	json_decref(pkg);
	if (!can)
		return mc_error_set(
			x->e, MC_E_CONFLICT,
			"only a package arrived and not yet registered, by a clerical officer of its agency");
	struct mc_stmt *s;
	char *xml = NULL;
	if ((rc = mc_query(x->c, &s, "SELECT package FROM exchange_packages WHERE id = ?", "i", id)))
		return rc;
	if ((rc = mc_step_row(s)) == 0)
		xml = mc_strdup(x->arena, mc_col_text(s, 0));
	mc_stmt_done(s);
	struct mc_edxml_doc d;
	struct mc_edxml_status st;
	const char *why;
	if (rc || mc_edxml_read(x->arena, xml, strlen(xml), &d, &st, &why) != 1)
		return rc ? rc : MC_E_INTERNAL;
	/* the type as the sender named it, else by its name, else a công văn */
	char type[40] = "cong_van";
	if (mc_query(x->c, &s, "SELECT code FROM document_types WHERE code = ? OR name = ? ORDER BY sort LIMIT 1", "tt",
		     d.type ? d.type : "", d.type_name ? d.type_name : "") == 0) {
		if (mc_step_row(s) == 0)
			snprintf(type, sizeof(type), "%s", mc_col_text(s, 0));
		mc_stmt_done(s);
	}
	char date[11], ref[128];
	snprintf(date, sizeof(date), "%.4s-%.2s-%.2s", d.date, d.date + 5, d.date + 8);
	snprintf(ref, sizeof(ref), "%s%s%s", d.code_number, d.code_notation ? "/" : "",
		 d.code_notation ? d.code_notation : "");
	*in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type_code", type, "summary", d.subject, "doc_date",
			date, "sender", d.from.name ? d.from.name : d.from.id, "sender_ref", ref, "urgency",
			PRIORITY_URGENCY[d.priority], "secrecy", "none", "medium", "electronic");
	if (d.pages > 0)
		json_object_set_new(*in, "pages", json_integer(d.pages));
	for (int k = 0; k < d.nfiles; k++)
		if (d.files[k].len > 5 && memcmp(d.files[k].data, "%PDF-", 5) == 0) {
			*file = mc_xmalloc(d.files[k].len);
			memcpy(*file, d.files[k].data, d.files[k].len);
			*len = d.files[k].len;
			break;
		}
	return 0;
}

int mc_exchange_registered(struct mc_exchange_ctx *x, int64_t id, int64_t document, json_t **out)
{
	struct mc__package p;
	int rc = mc__package_load(x->c, id, &p);
	if (rc)
		return rc;
	if (!(rc = mc_tx_begin(x->c, 1))) {
		int64_t k = mc_exec(x->c,
				    "UPDATE exchange_packages SET state = 'registered', document_id = ?, updated_at = ?"
				    " WHERE id = ? AND state = 'arrived'",
				    "iii", document, mc_time_now_ms(), id);
		rc = k < 0 ? (int)k : k == 0 ? mc_error_set(x->e, MC_E_CONFLICT, "registered already") : 0;
		if (!rc)
			rc = mc__status_send(x, &p, "03", NULL, NULL);
		if (!rc)
			rc = mc__exchange_audit(x, "exchange.register", id,
						json_pack("{s:I}", "document_id", (json_int_t)document));
		rc = rc ? rc : mc_tx_commit(x->c);
		if (rc && mc_in_tx(x->c))
			mc_tx_rollback(x->c);
	}
	return rc ? rc : mc_exchange_get(x, id, out);
}

int mc_exchange_document_moved(struct mc_exchange_ctx *x, int64_t document, const char *status)
{
	const char *code = strcmp(status, "sent") == 0                                          ? "04"
			   : strcmp(status, "directed") == 0 || strcmp(status, "assigned") == 0 ? "05"
			   : strcmp(status, "handled") == 0                                     ? "06"
												: NULL;
	if (!code)
		return 0;
	int64_t id = 0;
	int rc = mc_query_int64(x->c, &id,
				"SELECT id FROM exchange_packages WHERE direction = 'in' AND document_id = ?"
				" AND state = 'registered' AND (status_code IS NULL OR status_code < ?)",
				"it", document, code);
	if (rc == MC_E_NOT_FOUND)
		return 0;
	struct mc__package p;
	if (rc || (rc = mc__package_load(x->c, id, &p)))
		return rc;
	if (!(rc = mc_tx_begin(x->c, 1))) {
		rc = mc__status_send(x, &p, code, NULL, NULL);
		rc = rc ? rc : mc_tx_commit(x->c);
		if (rc && mc_in_tx(x->c))
			mc_tx_rollback(x->c);
	}
	return rc;
}
