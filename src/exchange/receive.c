/* receive.c - packages and status messages from peers, and what the
 * recipient's clerical officers make of a package (see exchange.h). */
#include "internal.h"

#include "../core/text.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"
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
		rc = mc_xml_verify(xml, n, "edXMLHeader", t, mc_time_now_ms() / 1000, &r);
		if (rc == MC_E_INVAL)
			rc = mc_error_set(x->e, MC_E_FORBIDDEN, "the package carries no XML signature over all of it");
		else if (!rc && !r.valid)
			rc = mc_error_set(x->e, MC_E_FORBIDDEN, "the XML signature does not match the package");
		else if (!rc && r.cert_status != MC_CERT_GOOD)
			rc = mc_error_set(x->e, MC_E_FORBIDDEN, "the signer's certificate is %s",
					  mc_cert_status_code(r.cert_status));
		else if (!rc && !r.can_sign)
			rc = mc_error_set(x->e, MC_E_FORBIDDEN, "the signer's certificate is not one for signing");
		else if (!rc) {
			/* the seal is that agency's: its one UID names the code */
			char uid[80];
			snprintf(uid, sizeof(uid), "MDDD:%s", from);
			if (strcmp(r.cert.uid, uid) != 0)
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
			rc = mc_query(
				x->c, &q,
				"INSERT INTO exchange_packages (direction, agency_id, peer_id, package_id, code,"
				" promulgated, subject, state, package, created_at, updated_at)"
				" VALUES ('in', ?, ?, ?, ?, ?, ?, 'arrived', ?, ?, ?)"
				" ON CONFLICT (direction, peer_id, package_id, agency_id) DO NOTHING RETURNING id",
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

/* How far a package has gone at its recipient: 01 < 02, 03 < 04 < 05 <
 * 06; 0 for the revocation codes. */
static int progress(const char *code)
{
	static const char *const order[] = {"01", "03", "04", "05", "06"};
	if (code && strcmp(code, "02") == 0)
		return 2;
	for (int i = 0; code && i < 5; i++)
		if (strcmp(code, order[i]) == 0)
			return i + 1;
	return 0;
}

/* One status message about one package row of ours (id). */
static int status_of(struct mc_exchange_ctx *x, const struct mc_edxml_status *s, int64_t id, const char *text,
		     const char *sha, int64_t now, json_t *taken)
{
	struct mc__package p;
	int rc = mc__package_load(x->c, id, &p);
	if (rc)
		return rc;
	int64_t k = 0, had = 0;
	/* the same message twice is taken once; a flood of them is not */
	if ((rc = mc_query_int64(x->c, &had,
				 "SELECT COUNT(*) FROM exchange_statuses WHERE package = ? AND direction = 'in'", "i",
				 id)))
		return rc;
	if (had >= 100)
		return mc_error_set(x->e, MC_E_CONFLICT, "too many status messages about package %s",
				    s->for_document_id);
	struct mc_stmt *q;
	int64_t sid = 0;
	rc = mc_query(
		x->c, &q,
		"INSERT INTO exchange_statuses (package, direction, code, description, staff, at, message, sha256)"
		" VALUES (?, 'in', ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
		"itttitt", id, s->code, s->description, s->staff, now, text, sha);
	if (!rc)
		rc = mc_step_returning(q, &sid);
	if (rc || !sid)
		return rc; /* known already */
	const char *code = s->code;
	if (strcmp(code, "13") == 0) {
		/* not yet registered: withdrawn at once; else the clerical
		 * officers answer */
		k = mc_exec(x->c,
			    "UPDATE exchange_packages SET status_code = '13', state = 'revoked', updated_at = ?"
			    " WHERE id = ? AND state = 'arrived'",
			    "ii", now, id);
		if (k == 1)
			rc = mc__status_send(x, &p, "15", "withdrawn before it was registered", NULL);
		else if (k == 0)
			k = mc_exec(x->c,
				    "UPDATE exchange_packages SET status_code = '13', updated_at = ? WHERE id = ?"
				    " AND state = 'registered'",
				    "ii", now, id);
	} else if (strcmp(code, "15") == 0 || strcmp(code, "16") == 0) {
		/* the answer to our revocation, when we asked */
		k = mc_exec(x->c,
			    "UPDATE exchange_packages SET status_code = ?, state = CASE WHEN ? = '15' THEN 'revoked'"
			    " ELSE state END, updated_at = ? WHERE id = ? AND status_code = '13'",
			    "ttii", code, code, now, id);
	} else if (progress(code) > progress(p.status_code) || strcmp(p.status_code, "16") == 0 || !p.status_code[0]) {
		/* only forward: a 01 that comes after a 03 says nothing new */
		k = mc_exec(x->c,
			    "UPDATE exchange_packages SET status_code = ?, state = CASE WHEN ? = '02' THEN 'refused'"
			    " ELSE state END, updated_at = ? WHERE id = ? AND state <> 'revoked'",
			    "ttii", code, code, now, id);
	}
	if (k < 0)
		return (int)k;
	if (rc)
		return rc;
	json_array_append_new(taken, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", code));
	return mc__exchange_audit(x, "exchange.status", id, json_pack("{s:s, s:s}", "from", s->from.id, "code", code));
}

static int receive_status(struct mc_exchange_ctx *x, const struct mc_edxml_status *s, int64_t peer, const void *xml,
			  size_t n, json_t *taken)
{
	/* 13 is about a package the peer sent us (one row per agency of ours
	 * it went to); the others about one we sent */
	int revoke = strcmp(s->code, "13") == 0;
	int64_t now = mc_time_now_ms(), ids[MC_EDXML_MAX_TO];
	int nids = 0;
	struct mc_stmt *q;
	int rc = mc_query(x->c, &q,
			  "SELECT id FROM exchange_packages WHERE direction = ? AND peer_id = ? AND package_id = ?"
			  " ORDER BY id LIMIT 32",
			  "tit", revoke ? "in" : "out", peer, s->for_document_id);
	if (rc)
		return rc;
	while ((rc = mc_step(q)) == MC_DB_ROW && nids < MC_EDXML_MAX_TO)
		ids[nids++] = mc_col_int64(q, 0);
	mc_stmt_done(q);
	if (rc != MC_DB_DONE && rc != MC_DB_ROW)
		return rc;
	if (!nids)
		return mc_error_set(x->e, MC_E_NOT_FOUND, "no package %s was exchanged with %s", s->for_document_id,
				    s->from.id);
	char *text = mc_strndup(x->arena, xml, n), sha[65];
	mc_sha256_hex(xml, n, sha);
	rc = 0;
	for (int i = 0; i < nids && !rc; i++)
		rc = status_of(x, s, ids[i], text, sha, now, taken);
	return rc;
}

int mc_exchange_receive(struct mc_exchange_ctx *x, const void *xml, size_t n, json_t **out)
{
	struct mc_edxml_doc d;
	struct mc_edxml_status s;
	const char *why = NULL;
	/* kept as it came, as text: UTF-8 without a NUL byte, nothing else */
	if (!n || memchr(xml, 0, n) || !mc_text_valid(mc_strndup(x->arena, xml, n), n))
		return mc_error_set(x->e, MC_E_VALIDATION, "not an edXML package or status message: not UTF-8 text");
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
	const char *xml = NULL;
	rc = mc__package_xml(x, id, &xml);
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
	int rc = mc_tx_begin(x->c, 1);
	if (rc)
		return rc;
	/* each code once, in the transaction that sends it (two moves at once
	 * send it once) */
	int64_t id = 0;
	rc = mc_query_int64(x->c, &id,
			    "SELECT k.id FROM exchange_packages k WHERE k.direction = 'in' AND k.document_id = ?"
			    " AND k.state = 'registered' AND NOT EXISTS (SELECT 1 FROM exchange_statuses s"
			    " WHERE s.package = k.id AND s.direction = 'out' AND s.code >= ? AND s.code < '07')",
			    "it", document, code);
	struct mc__package p;
	if (rc == MC_E_NOT_FOUND)
		rc = 0;
	else if (!rc && !(rc = mc__package_load(x->c, id, &p)))
		rc = mc__status_send(x, &p, code, NULL, NULL);
	rc = rc ? rc : mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc;
}
