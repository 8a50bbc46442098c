/* exchange.c - peers, sending documents and status messages, reading what
 * was exchanged (see exchange.h). */
#include "internal.h"

#include "../audit/audit.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"
#include "../crypto/pki.h"
#include "../db/rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

void mc__edxml_time(int64_t ms, char out[20])
{
	char iso[40];
	mc_time_format_vn(ms, iso, sizeof(iso)); /* 2026-11-26T13:07:08+07:00 */
	snprintf(out, 20, "%.4s/%.2s/%.2s %.8s", iso, iso + 5, iso + 8, iso + 11);
}

int mc__exchange_audit(struct mc_exchange_ctx *x, const char *action, int64_t package, json_t *detail)
{
	char oid[24];
	snprintf(oid, sizeof(oid), "%lld", (long long)package);
	struct mc_audit_entry ae = {x->who ? x->who->user_id : 0, action, "exchange_package", oid,
				    x->addr ? x->addr : "-",      NULL};
	return mc_audit_append_json(x->c, &ae, detail);
}

int mc__exchange_clerk(struct mc_exchange_ctx *x, int64_t *body)
{
	*body = 0;
	if (!x->who || !x->who->agency_id)
		return 0;
	int rc = mc_query_int64(x->c, body,
				"SELECT t.ancestor_id FROM agency_tree t JOIN agencies a ON a.id = t.ancestor_id"
				" WHERE t.descendant_id = ? AND t.same_body = 1 AND a.internal = 0",
				"i", x->who->agency_id);
	if (rc)
		return rc == MC_E_NOT_FOUND ? 0 : rc;
	return mc_principal_has(x->who, "document.register");
}

/* ---- peers ---- */

int mc_exchange_peer_set(struct mc_conn *c, const char *organ_id, const char *name, const char *url, const char *ca_pem,
			 char *err, size_t errlen)
{
	struct mc_cert *ca = NULL;
	if (!organ_id || !*organ_id || strlen(organ_id) > 60 || !name || !*name || strlen(name) > 300)
		return snprintf(err, errlen, "an OrganId (60 characters at most) and a name are needed"), MC_E_INVAL;
	if (!url || strlen(url) > 500 || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
		return snprintf(err, errlen, "the URL is http:// or https://, 500 characters at most"), MC_E_INVAL;
	if (!ca_pem || mc_cert_from_pem(ca_pem, strlen(ca_pem), &ca))
		return snprintf(err, errlen, "the CA is not a PEM certificate"), MC_E_INVAL;
	mc_cert_free(ca);
	int64_t n =
		mc_exec(c,
			"INSERT INTO exchange_peers (organ_id, name, url, ca_pem, created_at) VALUES (?, ?, ?, ?, ?)"
			" ON CONFLICT (organ_id) DO UPDATE SET name = excluded.name, url = excluded.url,"
			" ca_pem = excluded.ca_pem",
			"tttti", organ_id, name, url, ca_pem, mc_time_now_ms());
	if (n < 0)
		snprintf(err, errlen, "%s", mc_conn_errmsg(c));
	return n < 0 ? (int)n : 0;
}

static json_t *peer_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:s, s:s, s:s}", "organ_id", mc_col_text(s, 0), "name", mc_col_text(s, 1), "url",
			 mc_col_text(s, 2));
}

int mc_exchange_peers(struct mc_conn *c, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT organ_id, name, url FROM exchange_peers ORDER BY name, organ_id", "");
	return rc ? rc : mc_rows_json(s, peer_row, NULL, out);
}

/* ---- packages ---- */

int mc__package_load(struct mc_conn *c, int64_t id, struct mc__package *p)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT k.id, k.agency_id, k.peer_id, k.document_id, k.direction, k.state, k.status_code,"
			  " k.package_id, k.code, k.promulgated, p.organ_id, a.code, a.name, p.url"
			  " FROM exchange_packages k JOIN exchange_peers p ON p.id = k.peer_id"
			  " JOIN agencies a ON a.id = k.agency_id WHERE k.id = ?",
			  "i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		memset(p, 0, sizeof(*p));
		p->id = mc_col_int64(s, 0);
		p->agency = mc_col_int64(s, 1);
		p->peer = mc_col_int64(s, 2);
		p->document = mc_col_is_null(s, 3) ? 0 : mc_col_int64(s, 3);
		snprintf(p->direction, sizeof(p->direction), "%s", mc_col_text(s, 4));
		snprintf(p->state, sizeof(p->state), "%s", mc_col_text(s, 5));
		snprintf(p->status_code, sizeof(p->status_code), "%s", mc_col_text(s, 6) ? mc_col_text(s, 6) : "");
		snprintf(p->package_id, sizeof(p->package_id), "%s", mc_col_text(s, 7));
		snprintf(p->code, sizeof(p->code), "%s", mc_col_text(s, 8));
		snprintf(p->promulgated, sizeof(p->promulgated), "%s", mc_col_text(s, 9));
		snprintf(p->organ, sizeof(p->organ), "%s", mc_col_text(s, 10));
		snprintf(p->agency_organ, sizeof(p->agency_organ), "%s", mc_col_text(s, 11));
		snprintf(p->agency_name, sizeof(p->agency_name), "%s", mc_col_text(s, 12));
		snprintf(p->peer_url, sizeof(p->peer_url), "%s", mc_col_text(s, 13));
	}
	mc_stmt_done(s);
	return rc;
}

int mc__package_xml(struct mc_exchange_ctx *x, int64_t id, const char **xml)
{
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s, "SELECT package FROM exchange_packages WHERE id = ?", "i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0)
		*xml = mc_strdup(x->arena, mc_col_text(s, 0));
	mc_stmt_done(s);
	return rc;
}

int mc__outbox_queue(struct mc_conn *c, int64_t package, const char *event, int64_t status_id, int64_t now)
{
	json_t *what = json_pack("{s:I}", "status_id", (json_int_t)status_id);
	char *w = json_dumps(what, JSON_COMPACT);
	/* the peer's address is looked up when it is sent (it may change) */
	int64_t n = mc_exec(c,
			    "INSERT INTO outbox (at, exchange_id, event, recipient, payload, next_at)"
			    " VALUES (?, ?, ?, '{\"peer\": true}', ?, ?)",
			    "iitti", now, package, event, w, now);
	free(w);
	json_decref(what);
	return n < 0 ? (int)n : 0;
}

int mc__status_send(struct mc_exchange_ctx *x, const struct mc__package *p, const char *code, const char *description,
		    const char *staff)
{
	int64_t now = mc_time_now_ms();
	char stamp[20];
	mc__edxml_time(now, stamp);
	int out = strcmp(p->direction, "out") == 0; /* a revocation of our own package */
	struct mc_edxml_status s = {
		.for_organ = out ? p->agency_organ : p->organ,
		.for_code = p->code,
		.for_date = p->promulgated,
		.for_document_id = p->package_id,
		.from = {p->agency_organ, p->agency_name},
		.code = code,
		.description = description,
		.timestamp = stamp,
		.staff = staff,
	};
	struct mc_buf xml = MC_BUF_INIT(1 << 20), sig = MC_BUF_INIT(4 << 20);
	int rc = mc_edxml_write_status(&s, &xml);
	if (!rc)
		rc = x->seal->sign(x->seal->arg, p->agency, xml.data, xml.len, &sig);
	if (!rc && mc_buf_add(&sig, "", 1)) /* a C string */
		rc = MC_E_NOMEM;
	int64_t id = 0;
	if (!rc) {
		char sha[65];
		mc_sha256_hex(sig.data, strlen((const char *)sig.data), sha);
		struct mc_stmt *q;
		rc = mc_query(
			x->c, &q,
			"INSERT INTO exchange_statuses (package, direction, code, description, staff, at, message,"
			" sha256) VALUES (?, 'out', ?, ?, ?, ?, ?, ?) RETURNING id",
			"itttitt", p->id, code, description, staff, now, (const char *)sig.data, sha);
		if (!rc)
			rc = mc_step_returning(q, &id);
	}
	if (!rc) {
		int64_t n = mc_exec(x->c, "UPDATE exchange_packages SET status_code = ?, updated_at = ? WHERE id = ?",
				    "tii", code, now, p->id);
		rc = n < 0 ? (int)n : 0;
	}
	if (!rc)
		rc = mc__outbox_queue(x->c, p->id, "edxml_status", id, now);
	mc_buf_release(&xml);
	mc_buf_release(&sig);
	return rc;
}

/* "2026-12-07" -> "2026/12/07" */
static void slash_date(const char *iso, char out[11])
{
	snprintf(out, 11, "%.4s/%.2s/%.2s", iso, iso + 5, iso + 8);
}

static int urgency_priority(const char *u)
{
	return strcmp(u, "khan") == 0 ? 1 : strcmp(u, "thuong_khan") == 0 ? 2 : strcmp(u, "hoa_toc") == 0 ? 3 : 0;
}

/* The peers of in->to (ids in *peers, each once), or a field problem. */
static int peers_of(struct mc_exchange_ctx *x, json_t *in, int64_t *peers, const char **organs, int *n)
{
	json_t *to = json_object_get(in, "to"), *v;
	size_t i;
	*n = 0;
	if (!json_is_array(to) || json_array_size(to) < 1 || json_array_size(to) > MC_EDXML_MAX_TO) {
		mc_bad_field(x->e, "to", MC_M_EXCHANGE_TO);
		return x->e->code = MC_E_VALIDATION;
	}
	json_array_foreach(to, i, v) {
		const char *organ = json_string_value(v);
		int64_t id = 0;
		int rc = organ ? mc_query_int64(x->c, &id, "SELECT id FROM exchange_peers WHERE organ_id = ?", "t",
						organ)
			       : MC_E_NOT_FOUND;
		if (rc == MC_E_NOT_FOUND) {
			mc_bad_field(x->e, mc_sprintf(x->arena, "to[%zu]", i), MC_M_EXCHANGE_PEER_UNKNOWN);
			continue;
		}
		if (rc)
			return rc;
		for (int k = 0; k < *n; k++)
			if (peers[k] == id) {
				mc_bad_field(x->e, "to", MC_M_EXCHANGE_TO);
				return x->e->code = MC_E_VALIDATION;
			}
		organs[*n] = mc_strdup(x->arena, organ);
		peers[(*n)++] = id;
	}
	return x->e->nfields ? (x->e->code = MC_E_VALIDATION) : 0;
}

/* The package of doc (our agency's: organ, name) to the peer (organ,
 * name), signed, into *signed_xml. */
static int make_package(struct mc_exchange_ctx *x, json_t *doc, const void *pdf, size_t len, const char *to_organ,
			const char *to_name, const char *package_id, struct mc_buf *signed_xml)
{
	json_t *agency = json_object_get(doc, "agency"), *signer = json_object_get(doc, "signer");
	json_t *type = json_object_get(doc, "type"), *r;
	char date[11], stamp[20], number[24];
	slash_date(json_string_value(json_object_get(doc, "doc_date")), date);
	mc__edxml_time(mc_time_now_ms(), stamp);
	/* as the document writes it: "01" of 01/QĐ-STP */
	const char *nt = json_string_value(json_object_get(doc, "number_text"));
	snprintf(number, sizeof(number), "%.*s", (int)strcspn(nt ? nt : "", "/"), nt ? nt : "");
	struct mc_edxml_doc d = {
		.from = {json_string_value(json_object_get(agency, "code")),
			 json_string_value(json_object_get(agency, "name"))},
		.nto = 1,
		.code_number = number,
		.code_notation = json_string_value(json_object_get(doc, "symbol")),
		.place = NULL,
		.date = date,
		.type = json_string_value(json_object_get(type, "code")),
		.type_name = json_string_value(json_object_get(type, "name")),
		.subject = json_string_value(json_object_get(doc, "summary")),
		.position = json_string_value(json_object_get(signer, "position")),
		.signer = json_string_value(json_object_get(signer, "name")),
		.priority = urgency_priority(json_string_value(json_object_get(doc, "urgency"))),
		.steering = 1,
		.pages = (int)json_integer_value(json_object_get(doc, "pages")),
		.document_id = package_id,
		.trace_time = stamp,
		.nfiles = 1,
	};
	d.to[0].id = to_organ;
	d.to[0].name = to_name;
	size_t i;
	json_array_foreach(json_object_get(doc, "recipients"), i, r)
		if (d.nplaces < MC_EDXML_MAX_TO && json_is_string(r))
			d.places[d.nplaces++] = json_string_value(r);
	char name[160];
	snprintf(name, sizeof(name), "%s.pdf", json_string_value(json_object_get(doc, "number_text")));
	for (char *p = name; *p; p++)
		if (*p == '/')
			*p = '-';
	d.files[0] = (struct mc_edxml_file){"document@motcua", name, "application/pdf", pdf, len};
	struct mc_buf xml = MC_BUF_INIT(64u << 20);
	int rc = mc_edxml_write_doc(&d, &xml);
	if (!rc)
		rc = x->seal->sign(x->seal->arg, json_integer_value(json_object_get(agency, "id")), xml.data, xml.len,
				   signed_xml);
	if (!rc && mc_buf_add(signed_xml, "", 1))
		rc = MC_E_NOMEM;
	mc_buf_release(&xml);
	return rc;
}

static json_t *package_row(struct mc_stmt *s, void *ud);

int mc_exchange_send(struct mc_exchange_ctx *x, json_t *doc, const void *pdf, size_t len, json_t *in, json_t **out)
{
	int64_t body = 0, agency = json_integer_value(json_object_get(json_object_get(doc, "agency"), "id"));
	int rc = mc__exchange_clerk(x, &body);
	if (rc < 0)
		return rc;
	if (!rc || body != agency)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "only a clerical officer of its agency sends a document");
	const char *secrecy = json_string_value(json_object_get(doc, "secrecy"));
	if (strcmp(json_string_value(json_object_get(doc, "direction")), "out") != 0 ||
	    strcmp(json_string_value(json_object_get(doc, "status")), "issued") != 0)
		return mc_error_set(x->e, MC_E_CONFLICT, "only an issued outgoing document is sent to other agencies");
	if (!secrecy || strcmp(secrecy, "none") != 0)
		return mc_error_set(x->e, MC_E_CONFLICT, "a confidential document is not sent over the exchange");
	if (!pdf || len < 5 || memcmp(pdf, "%PDF-", 5) != 0)
		return mc_error_set(x->e, MC_E_CONFLICT, "the document has no PDF to send");
	int64_t peers[MC_EDXML_MAX_TO];
	const char *organs[MC_EDXML_MAX_TO];
	int n;
	if ((rc = peers_of(x, in, peers, organs, &n)))
		return rc;
	int64_t now = mc_time_now_ms(), document = json_integer_value(json_object_get(doc, "id"));
	/* each package made and sealed first, outside the write transaction
	 * (a seal of a large PDF takes milliseconds others would wait) */
	struct mc_buf xml[MC_EDXML_MAX_TO];
	char package_id[MC_EDXML_MAX_TO][40];
	int made = 0;
	for (int i = 0; i < n && !rc; i++, made++) {
		xml[i] = (struct mc_buf)MC_BUF_INIT(64u << 20);
		mc_random_hex(package_id[i], 16);
		struct mc_stmt *q;
		char name[320] = "";
		if ((rc = mc_query(x->c, &q, "SELECT name FROM exchange_peers WHERE id = ?", "i", peers[i])))
			break;
		if ((rc = mc_step_row(q)) == 0)
			snprintf(name, sizeof(name), "%s", mc_col_text(q, 0));
		mc_stmt_done(q);
		if (!rc)
			rc = make_package(x, doc, pdf, len, organs[i], name, package_id[i], &xml[i]);
	}
	char code[128], date[11];
	snprintf(code, sizeof(code), "%s", json_string_value(json_object_get(doc, "number_text")));
	slash_date(json_string_value(json_object_get(doc, "doc_date")), date);
	if (!rc && !(rc = mc_tx_begin(x->c, 1))) {
		for (int i = 0; i < n && !rc; i++) {
			struct mc_stmt *q;
			int64_t id = 0;
			rc = mc_query(
				x->c, &q,
				"INSERT INTO exchange_packages (direction, agency_id, peer_id, document_id, package_id,"
				" code, promulgated, subject, state, package, created_at, updated_at)"
				" VALUES ('out', ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?) RETURNING id",
				"iiittttt"
				"ii",
				agency, peers[i], document, package_id[i], code, date,
				json_string_value(json_object_get(doc, "summary")), (const char *)xml[i].data, now,
				now);
			if (!rc)
				rc = mc_step_returning(q, &id);
			if (!rc)
				rc = mc__outbox_queue(x->c, id, "edxml_package", 0, now);
			if (!rc)
				rc = mc__exchange_audit(x, "exchange.send", id,
							json_pack("{s:I, s:s, s:s}", "document_id",
								  (json_int_t)document, "to", organs[i], "package_id",
								  package_id[i]));
		}
		rc = rc ? rc : mc_tx_commit(x->c);
		if (rc && mc_in_tx(x->c))
			mc_tx_rollback(x->c);
	}
	for (int i = 0; i < made; i++)
		mc_buf_release(&xml[i]);
	return rc ? rc : mc_exchange_of_document(x, document, out);
}

/* ---- reading ---- */

static json_t *status_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)mc_col_int64(s, 0), "direction",
			 mc_col_text(s, 1), "code", mc_col_text(s, 2), "description", mc_col_json_text(s, 3), "staff",
			 mc_col_json_text(s, 4), "at", mc_col_json_time(s, 5));
}

#define PACKAGE_COLS                                                                                                   \
	"k.id, k.direction, p.organ_id, p.name, k.package_id, k.code, k.promulgated, k.subject, k.state,"              \
	" k.status_code, k.document_id, k.created_at, k.updated_at, a.id, a.name"
#define PACKAGE_FROM                                                                                                   \
	" FROM exchange_packages k JOIN exchange_peers p ON p.id = k.peer_id JOIN agencies a ON a.id = k.agency_id"

static json_t *package_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:{s:s, s:s}, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:{s:I, s:s}}", "id",
			 (json_int_t)mc_col_int64(s, 0), "direction", mc_col_text(s, 1), "peer", "organ_id",
			 mc_col_text(s, 2), "name", mc_col_text(s, 3), "package_id", mc_col_text(s, 4), "code",
			 mc_col_text(s, 5), "promulgated", mc_col_text(s, 6), "subject", mc_col_text(s, 7), "state",
			 mc_col_text(s, 8), "status_code", mc_col_json_text(s, 9), "document_id",
			 mc_col_is_null(s, 10) ? json_null() : json_integer(mc_col_int64(s, 10)), "created_at",
			 mc_col_json_time(s, 11), "updated_at", mc_col_json_time(s, 12), "agency", "id",
			 (json_int_t)mc_col_int64(s, 13), "name", mc_col_text(s, 14));
}

static int with_statuses(struct mc_conn *c, json_t *packages)
{
	size_t i;
	json_t *p;
	json_array_foreach(packages, i, p) {
		struct mc_stmt *s;
		json_t *st;
		int rc = mc_query(c, &s,
				  "SELECT id, direction, code, description, staff, at FROM exchange_statuses"
				  " WHERE package = ? ORDER BY id",
				  "i", (int64_t)json_integer_value(json_object_get(p, "id")));
		if (rc || (rc = mc_rows_json(s, status_row, NULL, &st)))
			return rc;
		json_object_set_new(p, "statuses", st);
	}
	return 0;
}

int mc_exchange_of_document(struct mc_exchange_ctx *x, int64_t document, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s, "SELECT " PACKAGE_COLS PACKAGE_FROM " WHERE k.document_id = ? ORDER BY k.id", "i",
			  document);
	if (!rc)
		rc = mc_rows_json(s, package_row, NULL, out);
	if (!rc && (rc = with_statuses(x->c, *out))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* The package if the caller's body sent or received it. */
static int package_of_body(struct mc_exchange_ctx *x, int64_t id, struct mc__package *p, int *clerk)
{
	int64_t body = 0;
	int rc = mc__exchange_clerk(x, &body);
	if (rc < 0)
		return rc;
	*clerk = rc;
	if ((rc = mc__package_load(x->c, id, p)))
		return rc;
	return body && body == p->agency ? 0 : MC_E_NOT_FOUND;
}

int mc_exchange_get(struct mc_exchange_ctx *x, int64_t id, json_t **out)
{
	struct mc__package p;
	int clerk;
	int rc = package_of_body(x, id, &p, &clerk);
	if (rc)
		return rc;
	struct mc_stmt *s;
	json_t *rows = NULL;
	if ((rc = mc_query(x->c, &s, "SELECT " PACKAGE_COLS PACKAGE_FROM " WHERE k.id = ?", "i", id)) ||
	    (rc = mc_rows_json(s, package_row, NULL, &rows)) || (rc = with_statuses(x->c, rows))) {
		json_decref(rows);
		return rc;
	}
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	/* the header as it came, and the attachments' names */
	const char *xml = NULL;
	rc = mc__package_xml(x, id, &xml);
	struct mc_edxml_doc d;
	struct mc_edxml_status st;
	const char *why;
	if (!rc && xml && mc_edxml_read(x->arena, xml, strlen(xml), &d, &st, &why) == 1) {
		json_t *files = json_array();
		for (int k = 0; k < d.nfiles; k++)
			json_array_append_new(files,
					      json_pack("{s:i, s:s?, s:s?, s:I}", "index", k, "name", d.files[k].name,
							"mime", d.files[k].mime, "size", (json_int_t)d.files[k].len));
		json_object_set_new(*out, "header",
				    json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:i, s:i, s:s?}", "from", d.from.id,
					      "from_name", d.from.name, "type_name", d.type_name, "signer", d.signer,
					      "position", d.position, "due_date", d.due_date, "priority", d.priority,
					      "steering", d.steering, "place", d.place));
		json_object_set_new(*out, "files", files);
	}
	if (rc) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	json_t *can = json_array();
	if (clerk && strcmp(p.direction, "in") == 0 && strcmp(p.state, "arrived") == 0) {
		json_array_append_new(can, json_string("register"));
		json_array_append_new(can, json_string("refuse"));
	}
	if (clerk && strcmp(p.direction, "in") == 0 && strcmp(p.status_code, "13") == 0)
		json_array_append_new(can, json_string("answer_revocation"));
	if (clerk && strcmp(p.direction, "out") == 0 && strcmp(p.state, "revoked") != 0 &&
	    strcmp(p.state, "refused") != 0 && strcmp(p.status_code, "13") != 0)
		json_array_append_new(can, json_string("revoke"));
	json_object_set_new(*out, "can", can);
	return rc;
}

int mc_exchange_edxml(struct mc_exchange_ctx *x, int64_t id, const char **xml)
{
	struct mc__package p;
	int clerk;
	int rc = package_of_body(x, id, &p, &clerk);
	return rc ? rc : mc__package_xml(x, id, xml);
}

int mc_exchange_file(struct mc_exchange_ctx *x, int64_t id, int k, void **data, size_t *len, char mime[64],
		     char name[128])
{
	struct mc__package p;
	int clerk;
	int rc = package_of_body(x, id, &p, &clerk);
	if (rc)
		return rc;
	const char *xml = NULL;
	rc = mc__package_xml(x, id, &xml);
	struct mc_edxml_doc d;
	struct mc_edxml_status st;
	const char *why;
	if (rc || mc_edxml_read(x->arena, xml, strlen(xml), &d, &st, &why) != 1 || k < 0 || k >= d.nfiles)
		return rc ? rc : MC_E_NOT_FOUND;
	*data = mc_xmalloc(d.files[k].len + 1);
	memcpy(*data, d.files[k].data, d.files[k].len);
	*len = d.files[k].len;
	snprintf(mime, 64, "%s", d.files[k].mime ? d.files[k].mime : "application/octet-stream");
	snprintf(name, 128, "%s", d.files[k].name ? d.files[k].name : "attachment");
	return 0;
}

int mc_exchange_inbox(struct mc_exchange_ctx *x, const char *state, json_t **items)
{
	int64_t body = 0;
	int rc = mc__exchange_clerk(x, &body);
	if (rc < 0)
		return rc;
	if (!body)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "only an official of an agency reads its exchange");
	static const char *const STATES[] = {"arrived", "registered", "refused", "revoked",
					     "queued",  "delivered",  "failed",  NULL};
	int ok = !state;
	for (int i = 0; state && STATES[i]; i++)
		ok |= strcmp(state, STATES[i]) == 0;
	if (!ok) {
		mc_bad_field(x->e, "state", MC_M_EXCHANGE_STATE_ENUM);
		return x->e->code = MC_E_VALIDATION;
	}
	struct mc_stmt *s;
	rc = mc_query(x->c, &s,
		      "SELECT " PACKAGE_COLS PACKAGE_FROM " WHERE k.agency_id = ? AND k.state = ?"
		      " ORDER BY k.id DESC LIMIT 200",
		      "it", body, state ? state : "arrived");
	return rc ? rc : mc_rows_json(s, package_row, NULL, items);
}

static const char *reason_field(struct mc_exchange_ctx *x, json_t *in)
{
	const char *r = json_string_value(json_object_get(in, "reason"));
	if (!r || !*r || mc_text_chars(r) > 1000) {
		mc_bad_field(x->e, "reason", MC_M_EXCHANGE_REASON);
		x->e->code = MC_E_VALIDATION;
		return NULL;
	}
	return r;
}

/* Run act on package id inside a write transaction; *out the package after. */
static int with_package(struct mc_exchange_ctx *x, int64_t id, json_t **out,
			int (*act)(struct mc_exchange_ctx *x, struct mc__package *p, json_t *in), json_t *in)
{
	struct mc__package p;
	int clerk;
	int rc = package_of_body(x, id, &p, &clerk);
	if (rc)
		return rc;
	if (!clerk)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "only a clerical officer of the agency acts on its exchange");
	if ((rc = mc_tx_begin(x->c, 1)))
		return rc;
	if ((rc = mc__package_load(x->c, id, &p)) == 0) /* as it is now, in the transaction */
		rc = act(x, &p, in);
	rc = rc ? rc : mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc ? rc : mc_exchange_get(x, id, out);
}

static const char *staff_name(struct mc_exchange_ctx *x)
{
	char *name = NULL;
	struct mc_stmt *s;
	if (x->who && mc_query(x->c, &s, "SELECT full_name FROM users WHERE id = ?", "i", x->who->user_id) == 0) {
		if (mc_step_row(s) == 0)
			name = mc_strdup(x->arena, mc_col_text(s, 0));
		mc_stmt_done(s);
	}
	return name;
}

static int do_revoke(struct mc_exchange_ctx *x, struct mc__package *p, json_t *in)
{
	const char *reason = reason_field(x, in);
	if (!reason)
		return x->e->code;
	if (strcmp(p->direction, "out") != 0)
		return mc_error_set(x->e, MC_E_CONFLICT, "only a package sent and not yet revoked is revoked");
	int64_t now = mc_time_now_ms(), k;
	if (strcmp(p->state, "queued") == 0 || strcmp(p->state, "failed") == 0) {
		/* not delivered: it is not sent, nor anything about it */
		k = mc_exec(x->c,
			    "UPDATE exchange_packages SET state = 'revoked', updated_at = ? WHERE id = ? AND state = ?",
			    "iit", now, p->id, p->state);
		if (k == 1)
			k = mc_exec(x->c,
				    "UPDATE outbox SET next_at = NULL, last_error = 'revoked before delivery'"
				    " WHERE exchange_id = ? AND delivered_at IS NULL",
				    "i", p->id);
		if (k < 0)
			return (int)k;
		return mc__exchange_audit(x, "exchange.revoke", p->id,
					  json_pack("{s:s, s:b}", "reason", reason, "delivered", 0));
	}
	/* asked once (two officers at once: one asks) */
	k = mc_exec(
		x->c,
		"UPDATE exchange_packages SET status_code = '13', updated_at = ? WHERE id = ? AND state = 'delivered'"
		" AND (status_code IS NULL OR status_code <> '13')",
		"ii", now, p->id);
	if (k < 0)
		return (int)k;
	if (k == 0)
		return mc_error_set(x->e, MC_E_CONFLICT, "only a package sent and not yet revoked is revoked");
	int rc = mc__status_send(x, p, "13", reason, staff_name(x));
	return rc ? rc : mc__exchange_audit(x, "exchange.revoke", p->id, json_pack("{s:s}", "reason", reason));
}

int mc_exchange_revoke(struct mc_exchange_ctx *x, int64_t id, json_t *in, json_t **out)
{
	return with_package(x, id, out, do_revoke, in);
}

static int do_refuse(struct mc_exchange_ctx *x, struct mc__package *p, json_t *in)
{
	const char *reason = reason_field(x, in);
	if (!reason)
		return x->e->code;
	int64_t k = strcmp(p->direction, "in") != 0
			    ? 0
			    : mc_exec(x->c,
				      "UPDATE exchange_packages SET state = 'refused', updated_at = ? WHERE id = ?"
				      " AND state = 'arrived'",
				      "ii", mc_time_now_ms(), p->id);
	if (k < 0)
		return (int)k;
	if (k == 0)
		return mc_error_set(x->e, MC_E_CONFLICT, "only a package not yet registered is refused");
	int rc = mc__status_send(x, p, "02", reason, staff_name(x));
	return rc ? rc : mc__exchange_audit(x, "exchange.refuse", p->id, json_pack("{s:s}", "reason", reason));
}

int mc_exchange_refuse(struct mc_exchange_ctx *x, int64_t id, json_t *in, json_t **out)
{
	return with_package(x, id, out, do_refuse, in);
}

static int do_answer(struct mc_exchange_ctx *x, struct mc__package *p, json_t *in)
{
	json_t *agree = json_object_get(in, "agree");
	if (!json_is_boolean(agree)) {
		mc_bad_field(x->e, "agree", MC_M_EXCHANGE_AGREE);
		return x->e->code = MC_E_VALIDATION;
	}
	int yes = json_is_true(agree);
	/* answered once: the first answer takes the question */
	int64_t k =
		strcmp(p->direction, "in") != 0
			? 0
			: mc_exec(x->c,
				  "UPDATE exchange_packages SET status_code = ?, state = ?, updated_at = ? WHERE id = ?"
				  " AND status_code = '13'",
				  "ttii", yes ? "15" : "16", yes ? "revoked" : p->state, mc_time_now_ms(), p->id);
	if (k < 0)
		return (int)k;
	if (k == 0)
		return mc_error_set(x->e, MC_E_CONFLICT, "the sender has not asked to revoke this package");
	const char *note = json_string_value(json_object_get(in, "reason"));
	if (note && mc_text_chars(note) > 1000)
		note = NULL;
	int rc = mc__status_send(x, p, yes ? "15" : "16", note, staff_name(x));
	return rc ? rc : mc__exchange_audit(x, "exchange.answer_revocation", p->id, json_pack("{s:b}", "agree", yes));
}

int mc_exchange_answer_revocation(struct mc_exchange_ctx *x, int64_t id, json_t *in, json_t **out)
{
	return with_package(x, id, out, do_answer, in);
}
