/* edxml.c - edXML packages and status messages (see edxml.h). */
#include "edxml.h"

#include "../core/err.h"
#include "../crypto/crypto.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static const char *const STATUS_CODES[] = {"01", "02", "03", "04", "05", "06", "13", "15", "16"};

int mc_edxml_status_known(const char *code)
{
	for (size_t i = 0; code && i < sizeof(STATUS_CODES) / sizeof(STATUS_CODES[0]); i++)
		if (strcmp(code, STATUS_CODES[i]) == 0)
			return 1;
	return 0;
}

/* ---- writing ---- */

struct w {
	xmlDocPtr doc;
	xmlNsPtr ns;
};

static xmlNodePtr el(struct w *w, xmlNodePtr parent, const char *name, const char *text)
{
	return xmlNewTextChild(parent, w->ns, (const xmlChar *)name, (const xmlChar *)text);
}

static xmlNodePtr el_int(struct w *w, xmlNodePtr parent, const char *name, int v)
{
	char t[16];
	snprintf(t, sizeof(t), "%d", v);
	return el(w, parent, name, t);
}

static void organ(struct w *w, xmlNodePtr parent, const char *name, const struct mc_edxml_organ *o)
{
	xmlNodePtr n = el(w, parent, name, NULL);
	el(w, n, "OrganId", o->id);
	el(w, n, "OrganName", o->name);
}

/* edXML > edXMLEnvelope > edXMLHeader; *body the empty edXMLBody. */
static xmlNodePtr envelope(struct w *w, xmlNodePtr *body)
{
	w->doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewNode(NULL, (const xmlChar *)"edXML");
	w->ns = xmlNewNs(root, (const xmlChar *)MC_EDXML_NS, (const xmlChar *)"edXML");
	xmlSetNs(root, w->ns);
	xmlDocSetRootElement(w->doc, root);
	xmlNodePtr env = el(w, root, "edXMLEnvelope", NULL);
	xmlNodePtr header = el(w, env, "edXMLHeader", NULL);
	*body = el(w, env, "edXMLBody", NULL);
	return header;
}

static int dump(struct w *w, struct mc_buf *out)
{
	xmlChar *mem = NULL;
	int size = 0;
	xmlDocDumpFormatMemoryEnc(w->doc, &mem, &size, "UTF-8", 0);
	xmlFreeDoc(w->doc);
	int rc = mem ? mc_buf_add(out, mem, (size_t)size) : MC_E_NOMEM;
	xmlFree(mem);
	return rc;
}

static int given(const char *s)
{
	return s && *s;
}

int mc_edxml_write_doc(const struct mc_edxml_doc *d, struct mc_buf *out)
{
	if (!given(d->from.id) || !given(d->from.name) || d->nto < 1 || d->nto > MC_EDXML_MAX_TO ||
	    !given(d->code_number) || !given(d->date) || !given(d->subject) || !given(d->document_id) ||
	    d->nfiles > MC_EDXML_MAX_FILES || d->nplaces > MC_EDXML_MAX_TO)
		return MC_E_INVAL;
	struct w w;
	xmlNodePtr body, header = envelope(&w, &body);
	xmlNodePtr mh = el(&w, header, "MessageHeader", NULL);
	organ(&w, mh, "From", &d->from);
	for (int i = 0; i < d->nto; i++)
		organ(&w, mh, "To", &d->to[i]);
	xmlNodePtr code = el(&w, mh, "Code", NULL);
	el(&w, code, "CodeNumber", d->code_number);
	el(&w, code, "CodeNotation", d->code_notation);
	xmlNodePtr pi = el(&w, mh, "PromulgationInfo", NULL);
	el(&w, pi, "Place", d->place);
	el(&w, pi, "PromulgationDate", d->date);
	xmlNodePtr type = el(&w, mh, "DocumentType", NULL);
	el(&w, type, "Type", d->type);
	el(&w, type, "TypeName", d->type_name);
	el(&w, mh, "Subject", d->subject);
	el(&w, mh, "Content", d->content);
	xmlNodePtr si = el(&w, mh, "SignerInfo", NULL);
	el(&w, si, "Competence", d->competence);
	el(&w, si, "Position", d->position);
	el(&w, si, "FullName", d->signer);
	el(&w, mh, "DueDate", d->due_date);
	xmlNodePtr places = el(&w, mh, "ToPlaces", NULL);
	for (int i = 0; i < d->nplaces; i++)
		el(&w, places, "Place", d->places[i]);
	xmlNodePtr other = el(&w, mh, "OtherInfo", NULL);
	el_int(&w, other, "Priority", d->priority);
	el(&w, other, "SphereOfPromulgation", NULL);
	el(&w, other, "TyperNotation", NULL);
	el_int(&w, other, "PromulgationAmount", 1);
	el_int(&w, other, "PageAmount", d->pages);
	el(&w, other, "Appendixes", NULL);
	el(&w, mh, "ResponseFor", NULL);
	el_int(&w, mh, "SteeringType", d->steering ? d->steering : 1);
	el(&w, mh, "DocumentId", d->document_id);
	xmlNodePtr traces = el(&w, header, "TraceHeaderList", NULL);
	xmlNodePtr trace = el(&w, traces, "TraceHeader", NULL);
	el(&w, trace, "OrganId", d->from.id);
	el(&w, trace, "Timestamp", d->trace_time);
	xmlNodePtr manifest = el(&w, body, "edXMLManifest", NULL);
	xmlNodePtr files = el(&w, body, "Attachments", NULL);
	for (int i = 0; i < d->nfiles; i++) {
		const struct mc_edxml_file *f = &d->files[i];
		char cid[160];
		snprintf(cid, sizeof(cid), "cid:%s", f->cid);
		xmlNodePtr ref = el(&w, manifest, "Reference", NULL);
		el(&w, ref, "ContentId", cid);
		el(&w, ref, "ContentType", f->mime);
		el(&w, ref, "AttachmentName", f->name);
		el(&w, ref, "Description", NULL);
		char *b64 = mc_base64_encode(f->data, f->len);
		xmlNodePtr a = el(&w, files, "Attachment", b64);
		free(b64);
		xmlNewProp(a, (const xmlChar *)"ContentId", (const xmlChar *)f->cid);
		xmlNewProp(a, (const xmlChar *)"ContentTransferEncoding", (const xmlChar *)"base64");
	}
	return dump(&w, out);
}

int mc_edxml_write_status(const struct mc_edxml_status *s, struct mc_buf *out)
{
	if (!given(s->for_organ) || !given(s->for_document_id) || !given(s->from.id) ||
	    !mc_edxml_status_known(s->code) || !given(s->timestamp))
		return MC_E_INVAL;
	struct w w;
	xmlNodePtr body, header = envelope(&w, &body);
	(void)body;
	xmlNodePtr st = el(&w, header, "Status", NULL);
	xmlNodePtr rf = el(&w, st, "ResponseFor", NULL);
	el(&w, rf, "OrganId", s->for_organ);
	el(&w, rf, "Code", s->for_code);
	el(&w, rf, "PromulgationDate", s->for_date);
	el(&w, rf, "DocumentId", s->for_document_id);
	organ(&w, st, "From", &s->from);
	el(&w, st, "StatusCode", s->code);
	el(&w, st, "Description", s->description);
	el(&w, st, "Timestamp", s->timestamp);
	xmlNodePtr staff = el(&w, st, "StaffInfo", NULL);
	el(&w, staff, "Department", s->department);
	el(&w, staff, "Staff", s->staff);
	return dump(&w, out);
}

/* ---- reading ---- */

struct r {
	struct mc_arena *arena;
	const char *why;
};

static int is(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && xmlStrcmp(n->ns->href, (const xmlChar *)MC_EDXML_NS) == 0 &&
	       xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (is(c, name))
			return c;
	return NULL;
}

/* The trimmed text of the leaf n (NULL when n is absent or empty): its
 * own text only (an element inside a field makes the package unreadable:
 * a reader must see what was written there, no more), at most max bytes. */
static const char *text_max(struct r *r, xmlNodePtr n, size_t max)
{
	if (!n)
		return NULL;
	struct mc_buf b = MC_BUF_INIT(max + 1);
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (c->content && mc_buf_adds(&b, (const char *)c->content)) {
				mc_buf_release(&b);
				if (!r->why)
					r->why = mc_sprintf(r->arena, "%s (too long)", (const char *)n->name);
				return NULL;
			}
		} else if (c->type == XML_ELEMENT_NODE) {
			mc_buf_release(&b);
			if (!r->why)
				r->why = mc_sprintf(r->arena, "%s (an element inside a text)", (const char *)n->name);
			return NULL;
		}
	}
	const char *s = b.len ? mc_buf_str(&b) : "", *e = s + strlen(s);
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r' || e[-1] == '\t'))
		e--;
	char *out = e > s ? mc_strndup(r->arena, s, (size_t)(e - s)) : NULL;
	mc_buf_release(&b);
	return out;
}

static const char *text(struct r *r, xmlNodePtr n)
{
	return text_max(r, n, 4000);
}

/* "YYYY/MM/DD" (or NULL) */
static int is_date(const char *d)
{
	if (!d)
		return 1;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? d[i] != '/' : !(d[i] >= '0' && d[i] <= '9'))
			return 0;
	return d[10] == '\0';
}

static const char *need(struct r *r, xmlNodePtr n, const char *path)
{
	const char *t = text(r, n);
	if (!t && !r->why)
		r->why = path;
	return t;
}

static int number(const char *s, int lo, int hi, int dflt)
{
	if (!s)
		return dflt;
	char *end;
	long v = strtol(s, &end, 10);
	return *end || v < lo || v > hi ? -1 : (int)v;
}

static void read_organ(struct r *r, xmlNodePtr n, struct mc_edxml_organ *o, const char *path)
{
	o->id = need(r, child(n, "OrganId"), path);
	o->name = text(r, child(n, "OrganName"));
}

static int read_doc(struct r *r, xmlNodePtr header, xmlNodePtr body, xmlNodePtr mh, struct mc_edxml_doc *d)
{
	memset(d, 0, sizeof(*d));
	read_organ(r, child(mh, "From"), &d->from, "MessageHeader/From/OrganId");
	for (xmlNodePtr c = mh->children; c; c = c->next)
		if (is(c, "To")) {
			if (d->nto == MC_EDXML_MAX_TO)
				return r->why = "MessageHeader/To (at most 32)", MC_E_INVAL;
			read_organ(r, c, &d->to[d->nto++], "MessageHeader/To/OrganId");
		}
	if (!d->nto && !r->why)
		r->why = "MessageHeader/To";
	xmlNodePtr code = child(mh, "Code"), pi = child(mh, "PromulgationInfo"), type = child(mh, "DocumentType");
	xmlNodePtr si = child(mh, "SignerInfo"), other = child(mh, "OtherInfo");
	d->code_number = need(r, child(code, "CodeNumber"), "MessageHeader/Code/CodeNumber");
	d->code_notation = text(r, child(code, "CodeNotation"));
	d->place = text(r, child(pi, "Place"));
	d->date = need(r, child(pi, "PromulgationDate"), "MessageHeader/PromulgationInfo/PromulgationDate");
	d->type = text(r, child(type, "Type"));
	d->type_name = text(r, child(type, "TypeName"));
	d->subject = need(r, child(mh, "Subject"), "MessageHeader/Subject");
	d->content = text_max(r, child(mh, "Content"), 65536);
	d->competence = text(r, child(si, "Competence"));
	d->position = text(r, child(si, "Position"));
	d->signer = text(r, child(si, "FullName"));
	d->due_date = text(r, child(mh, "DueDate"));
	for (xmlNodePtr c = child(mh, "ToPlaces") ? child(mh, "ToPlaces")->children : NULL; c; c = c->next)
		if (is(c, "Place") && d->nplaces < MC_EDXML_MAX_TO)
			d->places[d->nplaces++] = text(r, c);
	d->priority = number(text(r, child(other, "Priority")), 0, 4, 0);
	d->pages = number(text(r, child(other, "PageAmount")), 0, 100000, 0);
	d->steering = number(text(r, child(mh, "SteeringType")), 1, 3, 1);
	if ((d->priority < 0 || d->pages < 0 || d->steering < 0) && !r->why)
		r->why = "MessageHeader/OtherInfo/Priority, PageAmount or SteeringType";
	d->document_id = need(r, child(mh, "DocumentId"), "MessageHeader/DocumentId");
	if (!r->why && (!is_date(d->date) || !is_date(d->due_date)))
		r->why = "MessageHeader/PromulgationInfo/PromulgationDate or DueDate (YYYY/MM/DD)";
	if (!r->why && strlen(d->document_id) > 64)
		r->why = "MessageHeader/DocumentId (64 characters at most)";
	xmlNodePtr trace = child(child(header, "TraceHeaderList"), "TraceHeader");
	d->trace_time = text(r, child(trace, "Timestamp"));
	/* each manifest reference names an attachment carried in the body */
	xmlNodePtr files = child(body, "Attachments");
	for (xmlNodePtr ref = child(child(body, "edXMLManifest"), "Reference"); ref && !r->why; ref = ref->next) {
		if (!is(ref, "Reference"))
			continue;
		if (d->nfiles == MC_EDXML_MAX_FILES)
			return r->why = "edXMLManifest (at most 8 attachments)", MC_E_INVAL;
		struct mc_edxml_file *f = &d->files[d->nfiles];
		const char *cid = need(r, child(ref, "ContentId"), "edXMLManifest/Reference/ContentId");
		if (!cid || strncmp(cid, "cid:", 4) != 0 || !cid[4])
			return r->why = r->why ? r->why : "edXMLManifest/Reference/ContentId (cid:...)", MC_E_INVAL;
		f->cid = cid + 4;
		f->mime = text(r, child(ref, "ContentType"));
		f->name = text(r, child(ref, "AttachmentName"));
		xmlNodePtr a = NULL;
		for (xmlNodePtr c = files ? files->children : NULL; c && !a; c = c->next) {
			xmlChar *id = is(c, "Attachment") ? xmlGetProp(c, (const xmlChar *)"ContentId") : NULL;
			if (id && strcmp((const char *)id, f->cid) == 0)
				a = c;
			xmlFree(id);
		}
		const char *b64 = a ? text_max(r, a, 16u << 20) : NULL;
		struct mc_buf data = MC_BUF_INIT(64u << 20);
		if (!b64 || mc_base64_decode(b64, strlen(b64), &data)) {
			mc_buf_release(&data);
			return r->why = "edXMLBody/Attachments/Attachment (the manifest's cid, base64)", MC_E_INVAL;
		}
		void *copy = mc_alloc(r->arena, data.len + 1);
		if (data.len)
			memcpy(copy, data.data, data.len);
		f->data = copy;
		f->len = data.len;
		mc_buf_release(&data);
		d->nfiles++;
	}
	return r->why ? MC_E_INVAL : 0;
}

static int read_status(struct r *r, xmlNodePtr st, struct mc_edxml_status *s)
{
	memset(s, 0, sizeof(*s));
	xmlNodePtr rf = child(st, "ResponseFor"), staff = child(st, "StaffInfo");
	s->for_organ = need(r, child(rf, "OrganId"), "Status/ResponseFor/OrganId");
	s->for_code = text(r, child(rf, "Code"));
	s->for_date = text(r, child(rf, "PromulgationDate"));
	s->for_document_id = need(r, child(rf, "DocumentId"), "Status/ResponseFor/DocumentId");
	read_organ(r, child(st, "From"), &s->from, "Status/From/OrganId");
	s->code = need(r, child(st, "StatusCode"), "Status/StatusCode");
	s->description = text(r, child(st, "Description"));
	s->timestamp = need(r, child(st, "Timestamp"), "Status/Timestamp");
	s->department = text(r, child(staff, "Department"));
	s->staff = text(r, child(staff, "Staff"));
	if (!r->why && !mc_edxml_status_known(s->code))
		r->why = "Status/StatusCode (01-06, 13, 15, 16)";
	if (!r->why && (!is_date(s->for_date) || strlen(s->for_document_id) > 64))
		r->why = "Status/ResponseFor (PromulgationDate YYYY/MM/DD, DocumentId of 64 characters at most)";
	return r->why ? MC_E_INVAL : 0;
}

int mc_edxml_read(struct mc_arena *arena, const void *xml, size_t n, struct mc_edxml_doc *d, struct mc_edxml_status *s,
		  const char **why)
{
	struct r r = {arena, NULL};
	*why = "not XML";
	if (n > (size_t)INT32_MAX)
		return MC_E_INVAL;
	xmlDocPtr doc = xmlReadMemory(xml, (int)n, "edxml.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return MC_E_INVAL;
	int rc = MC_E_INVAL;
	xmlNodePtr root = xmlDocGetRootElement(doc), env = child(root, "edXMLEnvelope");
	xmlNodePtr header = child(env, "edXMLHeader"), body = child(env, "edXMLBody");
	if (doc->intSubset || doc->extSubset)
		*why = "a DTD is not allowed";
	else if (doc->encoding && xmlStrcasecmp(doc->encoding, (const xmlChar *)"UTF-8") != 0)
		*why = "the package is not in UTF-8";
	else if (!is(root, "edXML") || !header)
		*why = "not edXML: edXML/edXMLEnvelope/edXMLHeader in " MC_EDXML_NS;
	else if (child(header, "MessageHeader"))
		rc = read_doc(&r, header, body, child(header, "MessageHeader"), d) ? MC_E_INVAL : 1;
	else if (child(header, "Status"))
		rc = read_status(&r, child(header, "Status"), s) ? MC_E_INVAL : 2;
	else
		*why = "neither edXMLHeader/MessageHeader nor edXMLHeader/Status";
	if (r.why)
		*why = r.why, rc = MC_E_INVAL;
	else if (rc > 0)
		*why = NULL;
	xmlFreeDoc(doc);
	return rc;
}
