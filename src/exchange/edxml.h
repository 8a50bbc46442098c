/*
 * edxml.h - the edXML packages and status messages of QCVN 102:2016/BTTTT,
 * written and read with libxml2 (the signature is xmldsig.h's).
 *
 * A package: edXML > edXMLEnvelope > edXMLHeader (MessageHeader,
 * TraceHeaderList, the Signature) and edXMLBody, whose edXMLManifest names
 * each attachment by "cid:"; the attachments themselves travel in the same
 * XML (edXMLBody > Attachments > Attachment ContentId=..., base64), so that
 * the one enveloped signature covers them.  A status message: edXML >
 * edXMLEnvelope > edXMLHeader (Status, the Signature), an empty edXMLBody.
 *
 * Dates are written as the standard writes them: YYYY/MM/DD, and
 * "YYYY/MM/DD hh:mm:ss" (Vietnam time) for time stamps.
 */
#ifndef MC_EDXML_H
#define MC_EDXML_H

#include "../core/arena.h"
#include "../core/buf.h"

#include <stddef.h>

#define MC_EDXML_NS        "http://www.mic.gov.vn/TBT/QCVN_102_2016"
#define MC_EDXML_MAX_TO    32
#define MC_EDXML_MAX_FILES 8

struct mc_edxml_organ {
	const char *id, *name; /* OrganId, OrganName */
};

struct mc_edxml_file {
	const char *cid;  /* its Content-ID, without "cid:" */
	const char *name; /* AttachmentName */
	const char *mime; /* ContentType */
	const void *data;
	size_t len;
};

/* A document package's header and attachments.  Strings are UTF-8; in
 * what mc_edxml_read gives they live in its arena. */
struct mc_edxml_doc {
	struct mc_edxml_organ from;
	struct mc_edxml_organ to[MC_EDXML_MAX_TO];
	int nto;
	const char *code_number, *code_notation; /* "15", "QĐ-STP" */
	const char *place, *date;                /* PromulgationInfo: Place, PromulgationDate YYYY/MM/DD */
	const char *type, *type_name;            /* DocumentType */
	const char *subject, *content;
	const char *competence, *position, *signer; /* SignerInfo */
	const char *due_date;                       /* YYYY/MM/DD or NULL */
	const char *places[MC_EDXML_MAX_TO];        /* ToPlaces */
	int nplaces;
	int priority; /* 0 normal, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ */
	int steering; /* 1 not a directive, 2 a directive, 3 a report on one */
	int pages;
	const char *document_id; /* DocumentId: the package's identity */
	const char *trace_time;  /* TraceHeader's Timestamp (its OrganId is from.id) */
	struct mc_edxml_file files[MC_EDXML_MAX_FILES];
	int nfiles;
};

/* A status message about a package. */
struct mc_edxml_status {
	const char *for_organ, *for_code, *for_date, *for_document_id; /* ResponseFor */
	struct mc_edxml_organ from;
	const char *code; /* StatusCode: 01 .. 06, 13, 15, 16 */
	const char *description;
	const char *timestamp;
	const char *department, *staff; /* StaffInfo */
};

/* The unsigned XML of a package or a status message, appended to out.
 * MC_E_INVAL when a required part is missing. */
int mc_edxml_write_doc(const struct mc_edxml_doc *d, struct mc_buf *out);
int mc_edxml_write_status(const struct mc_edxml_status *s, struct mc_buf *out);

/* What xml is: 1 a package, 2 a status message; filled from it (strings
 * and attachments in arena).  MC_E_INVAL when it is neither, does not
 * parse, carries a DTD, or misses a required part (*why says which). */
int mc_edxml_read(struct mc_arena *arena, const void *xml, size_t n, struct mc_edxml_doc *d, struct mc_edxml_status *s,
		  const char **why);

/* 1 when code is a status code of the standard. */
int mc_edxml_status_known(const char *code);

#endif
