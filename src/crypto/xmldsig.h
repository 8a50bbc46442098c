/*
 * xmldsig.h - XML signatures (XML-DSig) with xmlsec1 over OpenSSL: the
 * signature of an edXML package (QCVN 102:2016), which `xmlsec1 --verify`
 * checks.
 *
 * A signature is enveloped and covers the whole document (Reference
 * URI="", the enveloped-signature transform, exclusive canonicalisation),
 * ECDSA with SHA-256, the signer's certificate in KeyInfo (its chain comes
 * from the relying party's trust: the chain is not sent).
 * A document whose signature covers less than the whole document is not
 * accepted as signed: an element moved or added outside a partial
 * reference would otherwise pass.
 */
#ifndef MC_XMLDSIG_H
#define MC_XMLDSIG_H

#include "pki.h"

/* Sign xml (UTF-8): the Signature element is appended to the first element
 * whose local name is parent (NULL: the root).  MC_E_INVAL when xml does
 * not parse or has no such element. */
int mc_xml_sign(const void *xml, size_t n, const char *parent, const struct mc_cert *cert, const struct mc_key *key,
		struct mc_cert *const *chain, int nchain, struct mc_buf *out);

struct mc_xml_report {
	int valid;                       /* the signature matches the whole document, made by that certificate */
	int can_sign;                    /* the certificate is one for signing (mc_cert_can_sign) */
	enum mc_cert_status cert_status; /* of the signer's certificate at `at` */
	int64_t revoked_at;
	struct mc_cert_info cert;
};

/* Verify the one signature of xml against trust t at now (Unix seconds).
 * MC_E_INVAL when xml does not parse or its signature is not of the shape
 * mc_xml_sign makes (a child of the element parent, NULL: of the root;
 * SignedInfo, SignatureValue and KeyInfo with X509Data only, no Object;
 * one reference, to the whole document; ECDSA SHA-256, exclusive c14n):
 * nothing else is followed, fetched or run.  Else 0 and the report. */
int mc_xml_verify(const void *xml, size_t n, const char *parent, const struct mc_trust *t, int64_t now,
		  struct mc_xml_report *r);

#endif
