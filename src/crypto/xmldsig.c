/* xmldsig.c - enveloped XML signatures with xmlsec1 (see xmldsig.h). */
#include "xmldsig.h"

#include "internal.h"

#include "../core/err.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <string.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/openssl/x509.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#include "../core/banned.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int ready;

/* The keys manager of every verification, made once: making one loads the
 * system's CA bundle into its X509 store (about 100 ms), which no
 * verification here uses (certificates are checked by mc_trust_check).
 * xmlsec does not say its keys manager may serve two threads at once: one
 * verification at a time uses it (5 ms for a 100 KB package). */
static xmlSecKeysMngrPtr verify_mngr;
static pthread_mutex_t verify_lock = PTHREAD_MUTEX_INITIALIZER;

static void init(void)
{
	xmlInitParser();
	ready = xmlSecInit() >= 0 && xmlSecCheckVersion() == 1 && xmlSecCryptoAppInit(NULL) >= 0 &&
		xmlSecCryptoInit() >= 0;
	if (ready) {
		verify_mngr = xmlSecKeysMngrCreate();
		ready = verify_mngr && xmlSecCryptoAppDefaultKeysMngrInit(verify_mngr) >= 0;
	}
	/* a signature that does not verify is an answer, not a log line */
	xmlSecErrorsDefaultCallbackEnableOutput(0);
}

static int start(void)
{
	pthread_once(&once, init);
	return ready ? 0 : MC_E_INTERNAL;
}

/* A document without a DTD: no entity, internal or external, is ever
 * expanded, and nothing is fetched from the network. */
static xmlDocPtr parse(const void *xml, size_t n)
{
	if (n > 256u << 20)
		return NULL;
	xmlDocPtr doc = xmlReadMemory(xml, (int)n, "edxml.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc && (doc->intSubset || doc->extSubset || !xmlDocGetRootElement(doc))) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	return doc;
}

static xmlNodePtr find(xmlNodePtr n, const char *local)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, local) == 0)
			return n;
		xmlNodePtr in = find(n->children, local);
		if (in)
			return in;
	}
	return NULL;
}

static int count(xmlNodePtr n, const char *local, const xmlChar *ns)
{
	int k = 0;
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xmlSecCheckNodeName(n, (const xmlChar *)local, ns))
			k++;
		k += count(n->children, local, ns);
	}
	return k;
}

/* An xmlsec key of our key and certificates. */
static xmlSecKeyPtr xmlsec_key(const struct mc_cert *cert, const struct mc_key *key, struct mc_cert *const *chain,
			       int nchain)
{
	EVP_PKEY *pk = mc__key_pkey(key);
	if (!EVP_PKEY_up_ref(pk))
		return NULL;
	xmlSecKeyDataPtr value = xmlSecOpenSSLEvpKeyAdopt(pk);
	if (!value) {
		EVP_PKEY_free(pk);
		return NULL;
	}
	xmlSecKeyPtr k = xmlSecKeyCreate();
	if (!k || xmlSecKeySetValue(k, value) < 0) {
		xmlSecKeyDataDestroy(value);
		if (k)
			xmlSecKeyDestroy(k);
		return NULL;
	}
	xmlSecKeyDataPtr x = xmlSecKeyEnsureData(k, xmlSecOpenSSLKeyDataX509Id);
	/* the key's certificate, and the same again among those KeyInfo
	 * lists (xmlsec writes that list only) */
	X509 *c = X509_dup(mc__cert_x509(cert)), *listed = X509_dup(mc__cert_x509(cert));
	int ok = x && c && xmlSecOpenSSLKeyDataX509AdoptKeyCert(x, c) >= 0;
	if (!ok)
		X509_free(c);
	ok = ok && listed && xmlSecOpenSSLKeyDataX509AdoptCert(x, listed) >= 0;
	if (!ok)
		X509_free(listed);
	for (int i = 0; ok && i < nchain; i++) {
		X509 *ci = X509_dup(mc__cert_x509(chain[i]));
		ok = ci && xmlSecOpenSSLKeyDataX509AdoptCert(x, ci) >= 0;
		if (!ok)
			X509_free(ci);
	}
	if (!ok) {
		xmlSecKeyDestroy(k);
		return NULL;
	}
	return k;
}

static int dump(xmlDocPtr doc, struct mc_buf *out)
{
	xmlChar *mem = NULL;
	int size = 0;
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	int rc = mem && size > 0 ? mc_buf_add(out, mem, (size_t)size) : MC_E_INTERNAL;
	xmlFree(mem);
	return rc;
}

int mc_xml_sign(const void *xml, size_t n, const char *parent, const struct mc_cert *cert, const struct mc_key *key,
		struct mc_cert *const *chain, int nchain, struct mc_buf *out)
{
	int rc = start();
	if (rc)
		return rc;
	xmlDocPtr doc = parse(xml, n);
	if (!doc)
		return MC_E_INVAL;
	xmlNodePtr at = parent ? find(xmlDocGetRootElement(doc), parent) : xmlDocGetRootElement(doc);
	xmlSecDSigCtxPtr ctx = NULL;
	rc = MC_E_INVAL;
	if (!at)
		goto done;
	rc = MC_E_INTERNAL;
	xmlNodePtr sig =
		xmlSecTmplSignatureCreate(doc, xmlSecTransformExclC14NId, xmlSecOpenSSLTransformEcdsaSha256Id, NULL);
	if (!sig)
		goto done;
	xmlAddChild(at, sig);
	xmlNodePtr ref = xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, NULL, (const xmlChar *)"", NULL);
	xmlNodePtr ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL);
	xmlNodePtr x509 = ki ? xmlSecTmplKeyInfoAddX509Data(ki) : NULL;
	if (!ref || !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId) ||
	    !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId) || !x509 ||
	    !xmlSecTmplX509DataAddCertificate(x509))
		goto done;
	/* KeyInfo carries the signer's certificate alone: given the issuing
	 * CA's as well, a verifier that picks the first certificate its store
	 * accepts (xmlsec1 does) would take the CA's key for the signer's;
	 * relying parties have the chain (/pki/ca.pem) */
	(void)chain;
	(void)nchain;
	if (!(ctx = xmlSecDSigCtxCreate(NULL)) || !(ctx->signKey = xmlsec_key(cert, key, NULL, 0)))
		goto done;
	if (xmlSecDSigCtxSign(ctx, sig) < 0)
		goto done;
	rc = dump(doc, out);
done:
	if (ctx)
		xmlSecDSigCtxDestroy(ctx);
	xmlFreeDoc(doc);
	ERR_clear_error();
	return rc;
}

/* The element children of n, in order, must be named as names (in the
 * XML-DSig namespace): no other element, nothing left out. */
static int children_are(xmlNodePtr n, const char *const *names, int k)
{
	int i = 0;
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (i == k || !xmlSecCheckNodeName(c, (const xmlChar *)names[i], xmlSecDSigNs))
			return 0;
		i++;
	}
	return i == k;
}

/* The shape a signature made by mc_xml_sign has, and nothing more: one
 * Signature, a child of parent (NULL: of the root); in it SignedInfo,
 * SignatureValue and KeyInfo (no Object: what an Object holds is signed by
 * nobody, yet a reader of the document would read it); one Reference, to
 * the whole document; KeyInfo with X509Data of certificates only (no
 * RetrievalMethod, nothing fetched). */
static xmlNodePtr expected_signature(xmlNodePtr root, const char *parent)
{
	if (count(root, (const char *)xmlSecNodeSignature, xmlSecDSigNs) != 1)
		return NULL;
	xmlNodePtr sig = xmlSecFindNode(root, xmlSecNodeSignature, xmlSecDSigNs);
	xmlNodePtr at = parent ? find(root, parent) : root;
	if (!sig || !at || sig->parent != at)
		return NULL;
	static const char *const top[] = {"SignedInfo", "SignatureValue", "KeyInfo"};
	if (!children_are(sig, top, 3) || count(sig, (const char *)xmlSecNodeReference, xmlSecDSigNs) != 1)
		return NULL;
	xmlNodePtr ki = xmlSecFindChild(sig, xmlSecNodeKeyInfo, xmlSecDSigNs);
	static const char *const x509[] = {"X509Data"};
	xmlNodePtr xd = ki ? xmlSecFindChild(ki, xmlSecNodeX509Data, xmlSecDSigNs) : NULL;
	if (!ki || !children_are(ki, x509, 1) || !xd)
		return NULL;
	for (xmlNodePtr c = xd->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !xmlSecCheckNodeName(c, xmlSecNodeX509Certificate, xmlSecDSigNs))
			return NULL;
	xmlNodePtr ref = xmlSecFindNode(sig, xmlSecNodeReference, xmlSecDSigNs);
	xmlChar *uri = ref ? xmlGetProp(ref, (const xmlChar *)"URI") : NULL;
	int whole = uri && uri[0] == '\0';
	xmlFree(uri);
	return whole ? sig : NULL;
}

/* Only what mc_xml_sign uses: the algorithms, the enveloped transform,
 * the key from an X509 certificate; no URI but "" and nothing retrieved. */
static int restrict_ctx(xmlSecDSigCtxPtr ctx)
{
	ctx->keyInfoReadCtx.flags |= XMLSEC_KEYINFO_FLAGS_X509DATA_DONT_VERIFY_CERTS;
	ctx->keyInfoReadCtx.maxRetrievalMethodLevel = 0;
	ctx->keyInfoReadCtx.retrievalMethodCtx.enabledUris = xmlSecTransformUriTypeNone;
	ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty;
	return xmlSecPtrListAdd(&ctx->keyInfoReadCtx.enabledKeyData, (xmlSecPtr)xmlSecOpenSSLKeyDataX509Id) < 0 ||
	       xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformEnvelopedId) < 0 ||
	       xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformExclC14NId) < 0 ||
	       xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformSha256Id) < 0 ||
	       xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformExclC14NId) < 0 ||
	       xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecOpenSSLTransformEcdsaSha256Id) < 0;
}

int mc_xml_verify(const void *xml, size_t n, const char *parent, const struct mc_trust *t, int64_t now,
		  struct mc_xml_report *r)
{
	memset(r, 0, sizeof(*r));
	r->cert_status = MC_CERT_UNTRUSTED;
	int rc = start();
	if (rc)
		return rc;
	xmlDocPtr doc = parse(xml, n);
	if (!doc)
		return MC_E_INVAL;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr sig = expected_signature(root, parent);
	xmlSecDSigCtxPtr ctx = NULL;
	rc = MC_E_INVAL;
	if (!sig)
		goto done;
	rc = MC_E_INTERNAL;
	if (!(ctx = xmlSecDSigCtxCreate(verify_mngr)))
		goto done;
	/* the key is the certificate's in KeyInfo; whether that certificate
	 * is trusted is decided below, with the CRL and at the signing time */
	if (restrict_ctx(ctx))
		goto done;
	rc = 0;
	pthread_mutex_lock(&verify_lock);
	int verified = xmlSecDSigCtxVerify(ctx, sig);
	pthread_mutex_unlock(&verify_lock);
	if (verified < 0 || !ctx->signKey) {
		rc = MC_E_INVAL; /* no key to be found, or a malformed signature */
		goto done;
	}
	r->valid = ctx->status == xmlSecDSigStatusSucceeded;
	xmlSecKeyDataPtr x = xmlSecKeyGetData(ctx->signKey, xmlSecOpenSSLKeyDataX509Id);
	X509 *signer = x ? xmlSecOpenSSLKeyDataX509GetKeyCert(x) : NULL;
	if (!signer) {
		r->valid = 0;
		goto done;
	}
	struct mc_cert *c = mc__cert_wrap(X509_dup(signer));
	if (!c) {
		rc = MC_E_NOMEM;
		goto done;
	}
	/* the other certificates in KeyInfo may complete the chain */
	struct mc_cert *more[8];
	int nmore = 0;
	for (xmlSecSize i = 0; i < xmlSecOpenSSLKeyDataX509GetCertsSize(x) && nmore < 8; i++) {
		X509 *o = xmlSecOpenSSLKeyDataX509GetCert(x, i);
		if (o && X509_cmp(o, signer) != 0) {
			struct mc_cert *w = mc__cert_wrap(X509_dup(o));
			if (w)
				more[nmore++] = w;
		}
	}
	r->cert_status = mc_trust_check(t, c, more, nmore, now, &r->revoked_at);
	r->can_sign = mc_cert_can_sign(c);
	rc = mc_cert_info(c, &r->cert);
	for (int i = 0; i < nmore; i++)
		mc_cert_free(more[i]);
	mc_cert_free(c);
done:
	if (ctx)
		xmlSecDSigCtxDestroy(ctx);
	xmlFreeDoc(doc);
	ERR_clear_error();
	return rc;
}
