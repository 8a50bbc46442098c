/*
 * authority.c - the deployment's authorities: the PKI secret, creating
 * the root, the issuing CA and the TSA, the chain relying parties fetch,
 * the CRL and the time stamps.
 */
#include "internal.h"

#include "../crypto/ocsp.h"

#include "../audit/audit.h"
#include "../core/timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/banned.h"

#define YEAR_S (365LL * 86400)

/* Read once at start-up, before any thread; read-only afterwards. */
static struct {
	unsigned char k[32];
	int set;
} secret;

int mc__secret_ready(void)
{
	return secret.set;
}

static int parse_secret(const char *hex)
{
	for (int i = 0; i < 32; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		secret.k[i] = (unsigned char)v;
	}
	secret.set = 1;
	return 0;
}

/* mkdir -p of path's directory, 0700 for what is made. */
static void make_parent(const char *path)
{
	char d[512];
	snprintf(d, sizeof(d), "%s", path);
	for (char *p = d + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(d, 0700);
			*p = '/';
		}
}

int mc_signing_load_secret(const char *path, int create, char *err, size_t errlen)
{
	char hex[80] = "";
	FILE *f = fopen(path, "r");
	if (!f && errno == ENOENT && create) {
		/* written aside, then linked into place: servers starting at once
		 * all read the one that won */
		char tmp[600], fresh[65];
		make_parent(path);
		snprintf(tmp, sizeof(tmp), "%.500s.%ld", path, (long)getpid());
		unlink(tmp); /* a leftover of a crash */
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
		mc_random_hex(fresh, 32);
		snprintf(hex, sizeof(hex), "%s\n", fresh);
		int ok = fd >= 0 && write(fd, hex, strlen(hex)) == (ssize_t)strlen(hex);
		if (fd >= 0 && (fsync(fd) || close(fd)))
			ok = 0;
		if (!ok || (link(tmp, path) && errno != EEXIST)) {
			unlink(tmp);
			snprintf(err, errlen, "cannot write the PKI secret %s", path);
			return MC_E_CONFIG;
		}
		unlink(tmp);
		f = fopen(path, "r");
	}
	if (!f) {
		snprintf(err, errlen, "cannot read the PKI secret %s: %s", path, strerror(errno));
		return MC_E_CONFIG;
	}
	struct stat st;
	if (fstat(fileno(f), &st) || (st.st_mode & 077)) {
		fclose(f);
		snprintf(err, errlen, "the PKI secret %s must be readable by its owner only (chmod 600)", path);
		return MC_E_CONFIG;
	}
	size_t n = fread(hex, 1, sizeof(hex) - 1, f);
	fclose(f);
	hex[n] = '\0';
	if (strspn(hex, "0123456789abcdefABCDEF") != 64 || parse_secret(hex)) {
		snprintf(err, errlen, "the PKI secret %s is not 64 hex digits", path);
		return MC_E_CONFIG;
	}
	return 0;
}

int mc_signing_start(struct mc_conn *c, const char *path, char *err, size_t errlen)
{
	/* a new secret only for a database without a PKI: one made afresh for
	 * a PKI sealed under another would open no key, and every signer
	 * would be told their PIN is wrong */
	int64_t have = 0;
	int rc = mc_query_int64(c, &have, "SELECT COUNT(*) FROM pki_authorities WHERE retired_at IS NULL", "");
	if (rc) {
		snprintf(err, errlen, "cannot read the PKI's authorities: %s", mc_err_code(rc));
		return rc;
	}
	if ((rc = mc_signing_load_secret(path, !have, err, errlen)))
		return rc;
	if (have) {
		struct mc__authority a;
		rc = mc__authority_load(c, "issuing", 1, &a);
		mc__authority_free(&a);
		if (rc == MC_E_CONFIG) {
			snprintf(err, errlen,
				 "the PKI secret %s does not open the issuing CA's key: it is not this deployment's",
				 path);
			return rc;
		}
		if (rc) {
			snprintf(err, errlen, "cannot load the issuing CA: %s", mc_err_code(rc));
			return rc;
		}
	}
	return 0;
}

void mc__seal_pass(const char *purpose, const char *serial, const char *pin, char out[65])
{
	char msg[256];
	int n = snprintf(msg, sizeof(msg), "%s:%s:%s", purpose, serial, pin ? pin : "");
	mc_hmac_sha256_hex(secret.k, sizeof(secret.k), msg, (size_t)n, out);
}

int mc__sign_audit(struct mc_signing_ctx *x, const char *action, const char *type, int64_t id, json_t *detail)
{
	char oid[24];
	snprintf(oid, sizeof(oid), "%lld", (long long)id);
	struct mc_audit_entry ae = {
		x->who ? x->who->user_id : 0, action, type, oid, x->who ? (x->addr ? x->addr : "-") : "cli", NULL};
	return mc_audit_append_json(x->c, &ae, detail);
}

void mc__authority_free(struct mc__authority *a)
{
	mc_cert_free(a->cert);
	mc_key_free(a->key);
	memset(a, 0, sizeof(*a));
}

/* The authorities as last loaded, keys unsealed: every signature needs the
 * TSA's key and the issuing CA's certificate, and unsealing a key takes a
 * millisecond.  Keyed by row id: a new authority is loaded afresh. */
static struct {
	pthread_mutex_t lock;
	struct {
		int64_t id;
		struct mc_cert *cert;
		struct mc_key *key;
	} slot[3]; /* root, issuing, tsa */
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int slot_of(const char *kind)
{
	return strcmp(kind, "root") == 0 ? 0 : strcmp(kind, "issuing") == 0 ? 1 : 2;
}

/* From the cache when it holds row id (with its key when asked): 1. */
static int cached(int k, int64_t id, int with_key, struct mc__authority *a)
{
	int hit = 0;
	pthread_mutex_lock(&cache.lock);
	if (cache.slot[k].id == id && cache.slot[k].cert && (!with_key || cache.slot[k].key)) {
		a->cert = mc_cert_dup(cache.slot[k].cert);
		a->key = with_key ? mc_key_dup(cache.slot[k].key) : NULL;
		hit = a->cert && (!with_key || a->key);
	}
	pthread_mutex_unlock(&cache.lock);
	return hit;
}

static void keep(int k, int64_t id, const struct mc__authority *a)
{
	struct mc_cert *c = mc_cert_dup(a->cert);
	struct mc_key *key = a->key ? mc_key_dup(a->key) : NULL;
	pthread_mutex_lock(&cache.lock);
	struct mc_cert *old_c = cache.slot[k].cert;
	struct mc_key *old_k = cache.slot[k].key;
	cache.slot[k].id = id;
	cache.slot[k].cert = c;
	cache.slot[k].key = key;
	pthread_mutex_unlock(&cache.lock);
	mc_cert_free(old_c);
	mc_key_free(old_k);
}

int mc__authority_load(struct mc_conn *c, const char *kind, int with_key, struct mc__authority *a)
{
	memset(a, 0, sizeof(*a));
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"SELECT id, serial, cert_pem, key_pem FROM pki_authorities WHERE kind = ? AND retired_at IS NULL", "t",
		kind);
	if (rc)
		return rc;
	int k = slot_of(kind);
	if ((rc = mc_step_row(s)) == 0) {
		a->id = mc_col_int64(s, 0);
		snprintf(a->serial, sizeof(a->serial), "%s", mc_col_text(s, 1));
		if (cached(k, a->id, with_key, a)) {
			mc_stmt_done(s);
			return 0;
		}
		const char *pem = mc_col_text(s, 2), *key = mc_col_text(s, 3);
		rc = mc_cert_from_pem(pem, strlen(pem), &a->cert);
		if (!rc && with_key) {
			if (!secret.set || !key) {
				rc = MC_E_UNAVAILABLE;
			} else {
				char pass[65];
				mc__seal_pass(strcmp(kind, "tsa") == 0 ? "tsa" : "ca", a->serial, NULL, pass);
				/* a key the secret does not open: the wrong secret file */
				if (mc_key_open(key, strlen(key), pass, &a->key))
					rc = MC_E_CONFIG;
			}
		}
	}
	mc_stmt_done(s);
	if (rc)
		mc__authority_free(a);
	else
		keep(k, a->id, a);
	return rc;
}

/* Make one authority and store it (the root's key is returned, not
 * stored). */
static int make_authority(struct mc_signing_ctx *x, enum mc_cert_kind kind, const char *cn, const char *org,
			  const struct mc__authority *by, int64_t now, int years, struct mc__authority *out,
			  json_t *report)
{
	static const char *const kinds[] = {[MC_CERT_ROOT] = "root", [MC_CERT_CA] = "issuing", [MC_CERT_TSA] = "tsa"};
	struct mc_cert_subject s = {.cn = cn, .o = org};
	char crl[400];
	snprintf(crl, sizeof(crl), "%s/pki/ca.crl", x->public_url ? x->public_url : "http://127.0.0.1:8080");
	memset(out, 0, sizeof(*out));
	int rc = mc_key_generate(&out->key);
	if (!rc)
		/* a day back, so that a clock slightly behind still finds them valid */
		rc = mc_cert_issue(kind, &s, out->key, by ? by->cert : NULL, by ? by->key : NULL, now - 86400,
				   now + years * YEAR_S, kind == MC_CERT_TSA ? crl : NULL, &out->cert);
	struct mc_cert_info i;
	if (!rc)
		rc = mc_cert_info(out->cert, &i);
	if (rc)
		return rc;
	snprintf(out->serial, sizeof(out->serial), "%s", i.serial);
	struct mc_buf cert = MC_BUF_INIT(1 << 20), key = MC_BUF_INIT(1 << 20);
	rc = mc_cert_pem(out->cert, &cert);
	if (!rc && kind != MC_CERT_ROOT) {
		char pass[65];
		mc__seal_pass(kind == MC_CERT_TSA ? "tsa" : "ca", i.serial, NULL, pass);
		rc = mc_key_seal(out->key, pass, &key);
	}
	if (!rc) {
		struct mc_stmt *st;
		rc = mc_query(
			x->c, &st,
			"INSERT INTO pki_authorities (kind, serial, subject, cert_pem, key_pem, not_after, created_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			"ttttti"
			"i",
			kinds[kind], i.serial, i.subject_cn, cert.data, key.len ? key.data : NULL, i.not_after,
			mc_time_now_ms());
		if (!rc)
			rc = mc_step_returning(st, &out->id);
	}
	if (!rc)
		json_object_set_new(report, kinds[kind],
				    json_pack("{s:s, s:s, s:I}", "serial", i.serial, "subject", i.subject_cn,
					      "not_after", (json_int_t)i.not_after));
	mc_buf_release(&cert);
	mc_buf_release(&key);
	return rc;
}

static int write_root_key(const struct mc_pki_init *in, const struct mc__authority *root)
{
	char derived[65];
	const char *pass = in->root_pass;
	if (!pass) {
		mc__seal_pass("root", root->serial, NULL, derived);
		pass = derived;
	}
	struct mc_buf pem = MC_BUF_INIT(1 << 20);
	int rc = mc_key_seal(root->key, pass, &pem);
	if (rc) {
		mc_buf_release(&pem);
		return rc;
	}
	make_parent(in->root_key);
	int fd = open(in->root_key, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		mc_buf_release(&pem);
		return errno == EEXIST ? MC_E_CONFLICT : MC_E_IO;
	}
	int ok = write(fd, pem.data, pem.len) == (ssize_t)pem.len;
	if (close(fd))
		ok = 0;
	mc_buf_release(&pem);
	if (!ok)
		unlink(in->root_key);
	return ok ? 0 : MC_E_IO;
}

int mc_pki_init(struct mc_signing_ctx *x, const struct mc_pki_init *in, json_t **out)
{
	if (!secret.set)
		return MC_E_UNAVAILABLE;
	int rc = mc_tx_begin(x->c, 1);
	if (rc)
		return rc;
	int64_t have = 0;
	rc = mc_query_int64(x->c, &have, "SELECT COUNT(*) FROM pki_authorities WHERE retired_at IS NULL", "");
	if (!rc && have)
		rc = MC_E_CONFLICT;
	struct mc__authority root = {0}, ca = {0}, tsa = {0};
	char cn[300];
	json_t *report = json_object();
	int wrote = 0;
	if (!rc) {
		snprintf(cn, sizeof(cn), "%s Root CA", in->organisation);
		rc = make_authority(x, MC_CERT_ROOT, cn, in->organisation, NULL, in->now, 20, &root, report);
	}
	if (!rc) {
		snprintf(cn, sizeof(cn), "%s Issuing CA", in->organisation);
		rc = make_authority(x, MC_CERT_CA, cn, in->organisation, &root, in->now, 10, &ca, report);
	}
	if (!rc) {
		snprintf(cn, sizeof(cn), "%s TSA", in->organisation);
		rc = make_authority(x, MC_CERT_TSA, cn, in->organisation, &ca, in->now, 10, &tsa, report);
	}
	if (!rc && (rc = write_root_key(in, &root)) == 0)
		wrote = 1;
	if (!rc)
		rc = mc__sign_audit(x, "pki.init", "pki_authority", root.id, json_incref(report));
	if (!rc)
		rc = mc_tx_commit(x->c);
	if (rc) {
		if (mc_in_tx(x->c))
			mc_tx_rollback(x->c);
		if (wrote)
			unlink(in->root_key);
		json_decref(report);
	} else {
		json_object_set_new(report, "root_key", json_string(in->root_key));
		*out = report;
	}
	mc__authority_free(&root);
	mc__authority_free(&ca);
	mc__authority_free(&tsa);
	return rc;
}

int mc_pki_chain(struct mc_conn *c, struct mc_buf *pem)
{
	struct mc__authority root, ca;
	int rc = mc__authority_load(c, "root", 0, &root);
	if (rc)
		return rc;
	if ((rc = mc__authority_load(c, "issuing", 0, &ca)) == 0) {
		rc = mc_cert_pem(root.cert, pem);
		if (!rc)
			rc = mc_cert_pem(ca.cert, pem);
		mc__authority_free(&ca);
	}
	mc__authority_free(&root);
	return rc;
}

/* The revoked certificates of the issuing CA and the CRL's number: the
 * later of the last revocation and the hour (then a thousandth for each
 * revocation), so that it grows with every CRL that differs and the CRL is
 * the same within an hour otherwise. */
static int crl_of(struct mc_conn *c, const struct mc__authority *ca, int64_t now, struct mc_buf *der)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT serial, revoked_at, COALESCE(revoke_reason, 0) FROM certificates"
			  " WHERE revoked_at IS NOT NULL ORDER BY revoked_at, id",
			  "");
	if (rc)
		return rc;
	size_t n = 0, cap = 0;
	struct mc_revoked *r = NULL;
	char(*serials)[48] = NULL;
	int64_t last = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			r = mc_xrealloc(r, cap * sizeof(*r));
			serials = mc_xrealloc(serials, cap * sizeof(*serials));
		}
		snprintf(serials[n], sizeof(serials[n]), "%s", mc_col_text(s, 0));
		r[n].at = mc_col_int64(s, 1);
		r[n].reason = (int)mc_col_int64(s, 2);
		last = r[n].at > last ? r[n].at : last;
		n++;
	}
	mc_stmt_done(s);
	for (size_t i = 0; i < n; i++)
		r[i].serial = serials[i];
	if (rc == MC_DB_DONE) {
		int64_t hour = now - now % 3600, issued = last > hour ? last : hour;
		/* the number grows with each revocation, two in one second too */
		rc = mc_crl_build(ca->cert, ca->key, r, n, issued * 1000 + (int64_t)(n % 1000), issued,
				  hour + 2 * 86400, der);
	}
	free(r);
	free(serials);
	return rc;
}

/* The last CRL made, by what it depends on: the issuing CA, the number of
 * revocations and the last one, the hour.  Every verification needs it,
 * and relying parties fetch it: made once while nothing changes. */
static struct {
	pthread_mutex_t lock;
	int64_t ca, count, last, hour;
	char *der;
	size_t len;
} crl_cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int crl_cached(struct mc_conn *c, const struct mc__authority *ca, int64_t now, struct mc_buf *der)
{
	struct mc_stmt *s;
	int64_t count = 0, last = 0, hour = now - now % 3600;
	int rc = mc_query(
		c, &s, "SELECT COUNT(*), COALESCE(MAX(revoked_at), 0) FROM certificates WHERE revoked_at IS NOT NULL",
		"");
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		count = mc_col_int64(s, 0);
		last = mc_col_int64(s, 1);
	}
	mc_stmt_done(s);
	if (rc)
		return rc;
	pthread_mutex_lock(&crl_cache.lock);
	int hit = crl_cache.der && crl_cache.ca == ca->id && crl_cache.count == count && crl_cache.last == last &&
		  crl_cache.hour == hour;
	if (hit)
		rc = mc_buf_add(der, crl_cache.der, crl_cache.len);
	pthread_mutex_unlock(&crl_cache.lock);
	if (hit)
		return rc;
	size_t before = der->len;
	if ((rc = crl_of(c, ca, now, der)))
		return rc;
	char *copy = mc_xmalloc(der->len - before + 1);
	memcpy(copy, der->data + before, der->len - before);
	pthread_mutex_lock(&crl_cache.lock);
	free(crl_cache.der);
	crl_cache.der = copy;
	crl_cache.len = der->len - before;
	crl_cache.ca = ca->id;
	crl_cache.count = count;
	crl_cache.last = last;
	crl_cache.hour = hour;
	pthread_mutex_unlock(&crl_cache.lock);
	return 0;
}

int mc_pki_crl(struct mc_conn *c, int64_t now, struct mc_buf *der)
{
	struct mc__authority ca;
	int rc = mc__authority_load(c, "issuing", 1, &ca);
	if (rc)
		return rc;
	rc = crl_cached(c, &ca, now, der);
	mc__authority_free(&ca);
	return rc;
}

int mc__trust(struct mc_conn *c, int64_t now, struct mc_trust **out)
{
	struct mc__authority root, ca;
	struct mc_trust *t = mc_trust_new();
	if (!t)
		return MC_E_NOMEM;
	int rc = mc__authority_load(c, "root", 0, &root);
	if (rc) {
		mc_trust_free(t);
		return rc;
	}
	if ((rc = mc__authority_load(c, "issuing", 1, &ca)) == 0) {
		struct mc_buf crl = MC_BUF_INIT(64 << 20);
		rc = mc_trust_add_ca(t, root.cert);
		if (!rc)
			rc = mc_trust_add_ca(t, ca.cert);
		if (!rc)
			rc = crl_cached(c, &ca, now, &crl);
		if (!rc)
			rc = mc_trust_add_crl(t, crl.data, crl.len);
		mc_buf_release(&crl);
		mc__authority_free(&ca);
	}
	mc__authority_free(&root);
	if (rc)
		mc_trust_free(t);
	else
		*out = t;
	return rc;
}

struct ocsp_lookup {
	struct mc_conn *c;
};

static int ocsp_lookup(void *arg, const char *serial, struct mc_ocsp_status *st)
{
	struct ocsp_lookup *l = arg;
	struct mc_stmt *s;
	int rc = mc_query(l->c, &s,
			  "SELECT revoked_at, COALESCE(revoke_reason, 0) FROM certificates WHERE serial = ?"
			  " UNION ALL SELECT NULL, 0 FROM pki_authorities WHERE serial = ? AND kind = 'tsa'",
			  "tt", serial, serial);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		st->state = mc_col_is_null(s, 0) ? 0 : 1;
		st->revoked_at = mc_col_is_null(s, 0) ? 0 : mc_col_int64(s, 0);
		st->reason = (int)mc_col_int64(s, 1);
	} else if (rc == MC_E_NOT_FOUND) {
		st->state = 2;
		rc = 0;
	}
	mc_stmt_done(s);
	return rc;
}

int mc_pki_ocsp(struct mc_conn *c, const void *req, size_t n, int64_t now, struct mc_buf *resp)
{
	struct mc__authority ca;
	int rc = mc__authority_load(c, "issuing", 1, &ca);
	if (rc)
		return rc;
	struct ocsp_lookup l = {c};
	rc = mc_ocsp_respond(req, n, ca.cert, ca.key, now, 3600, ocsp_lookup, &l, resp);
	mc__authority_free(&ca);
	return rc;
}

int mc_pki_timestamp(struct mc_conn *c, const void *query, size_t n, int64_t now_ms, struct mc_buf *resp)
{
	struct mc__authority tsa, ca;
	int rc = mc__authority_load(c, "tsa", 1, &tsa);
	if (rc)
		return rc;
	if ((rc = mc__authority_load(c, "issuing", 0, &ca)) == 0) {
		struct mc_cert *chain[] = {ca.cert};
		struct mc_signer s = {tsa.cert, tsa.key, chain, 1};
		rc = mc_tsa_respond(&s, query, n, now_ms, resp);
		mc__authority_free(&ca);
	}
	mc__authority_free(&tsa);
	return rc;
}
