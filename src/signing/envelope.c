/*
 * envelope.c - confidential documents encrypted for the agencies that
 * receive them (and the one that sends them): CMS EnvelopedData to each
 * agency's encryption certificate, which `openssl cms -decrypt` opens with
 * that agency's key.  The keys stay on the server, sealed under its secret;
 * who may read a document is the document domain's rule, and each opening
 * is audited there.
 */
#include "internal.h"

#include "../core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define MAX_RECIPIENTS 256

/* The agency's valid encryption certificate (issued now when it has none);
 * with its key when key is not NULL. */
static int encryption_of(struct mc_signing_ctx *x, int64_t agency, int issue, struct mc_cert **cert,
			 struct mc_key **key)
{
	int64_t now = mc_time_now_ms() / 1000;
	for (int round = 0; round < 2; round++) {
		struct mc_stmt *s;
		int rc = mc_query(x->c, &s,
				  "SELECT serial, cert_pem, key_pem FROM certificates WHERE agency_id = ? AND kind ="
				  " 'encryption' AND revoked_at IS NULL AND not_before <= ? AND not_after > ?"
				  " ORDER BY id DESC LIMIT 1",
				  "iii", agency, now, now);
		if (rc)
			return rc;
		if ((rc = mc_step_row(s)) == 0) {
			const char *pem = mc_col_text(s, 1), *k = mc_col_text(s, 2);
			rc = mc_cert_from_pem(pem, strlen(pem), cert);
			if (!rc && key) {
				char pass[65];
				mc__seal_pass("agency", mc_col_text(s, 0), NULL, pass);
				if (!k || mc_key_open(k, strlen(k), pass, key))
					rc = MC_E_CONFIG; /* the wrong secret file */
			}
		}
		mc_stmt_done(s);
		if (rc != MC_E_NOT_FOUND || round || !issue)
			return rc;
		struct mc_cert_subject sub = {0};
		int64_t id;
		if ((rc = mc__agency_subject(x, agency, &sub)) ||
		    (rc = mc__cert_make(x, "encryption", &sub, 0, agency, NULL, &id)))
			return rc;
	}
	return MC_E_NOT_FOUND;
}

int mc_signing_encrypt(struct mc_signing_ctx *x, const int64_t *agencies, int n, const void *data, size_t len,
		       char sha[65])
{
	if (n <= 0 || n > MAX_RECIPIENTS)
		return MC_E_INVAL;
	if (!mc__secret_ready())
		return mc_error_set(x->e, MC_E_UNAVAILABLE, "no PKI secret on this server");
	struct mc_cert *certs[MAX_RECIPIENTS];
	int have = 0, rc = 0;
	for (int i = 0; i < n && !rc; i++) {
		int seen = 0;
		for (int k = 0; k < i; k++)
			seen |= agencies[k] == agencies[i];
		if (!seen && (rc = encryption_of(x, agencies[i], 1, &certs[have], NULL)) == 0)
			have++;
	}
	struct mc_buf env = MC_BUF_INIT(len + (1u << 20));
	if (!rc)
		rc = mc_cms_encrypt(data, len, certs, have, &env);
	if (!rc) {
		mc_sha256_hex(env.data, env.len, sha);
		int64_t k = mc_exec(
			x->c,
			"INSERT INTO blobs (sha256, size, mime, data, created_at, kept) VALUES (?, ?, ?, ?, ?, 1)"
			" ON CONFLICT DO NOTHING",
			"titbi", sha, (int64_t)env.len, "application/pkcs7-mime", env.data, env.len, mc_time_now_ms());
		rc = k < 0 ? (int)k : 0;
	}
	for (int i = 0; i < have; i++)
		mc_cert_free(certs[i]);
	mc_buf_release(&env);
	return rc;
}

int mc_signing_decrypt(struct mc_signing_ctx *x, int64_t agency, const void *env, size_t len, struct mc_buf *out)
{
	if (!mc__secret_ready())
		return mc_error_set(x->e, MC_E_UNAVAILABLE, "no PKI secret on this server");
	/* any key the agency ever had that the envelope names: what was
	 * encrypted stays readable after its certificate expired, was
	 * replaced or revoked */
	struct mc_stmt *s;
	int rc = mc_query(
		x->c, &s,
		"SELECT serial, cert_pem, key_pem FROM certificates WHERE agency_id = ? AND kind = 'encryption'"
		" AND key_pem IS NOT NULL ORDER BY id DESC LIMIT 100",
		"i", agency);
	if (rc)
		return rc;
	int found = 0;
	while (!found && (rc = mc_step(s)) == MC_DB_ROW) {
		const char *pem = mc_col_text(s, 1), *k = mc_col_text(s, 2);
		struct mc_cert *cert = NULL;
		struct mc_key *key = NULL;
		if (mc_cert_from_pem(pem, strlen(pem), &cert))
			continue;
		if (mc_cms_is_recipient(env, len, cert)) {
			char pass[65];
			mc__seal_pass("agency", mc_col_text(s, 0), NULL, pass);
			found = 1;
			rc = mc_key_open(k, strlen(k), pass, &key) ? MC_E_CONFIG
								   : mc_cms_decrypt(env, len, cert, key, out);
		}
		mc_cert_free(cert);
		mc_key_free(key);
	}
	mc_stmt_done(s);
	if (!found && (rc == MC_DB_DONE || rc == MC_DB_ROW))
		rc = MC_E_FORBIDDEN;
	return rc;
}
