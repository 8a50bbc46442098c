/*
 * sign.c - signatures made on the server with a person's key, unlocked by
 * their PIN for this one signing: a detached CMS signature of a file they
 * uploaded, time-stamped by the deployment's TSA, kept with its record.
 */
#include "internal.h"

#include "../core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

int mc__stamping_load(struct mc_conn *c, struct mc__stamping *st)
{
	memset(st, 0, sizeof(*st));
	int rc = mc__authority_load(c, "issuing", 0, &st->ca);
	if (!rc && (rc = mc__authority_load(c, "tsa", 1, &st->tsa)) != 0)
		mc__authority_free(&st->ca);
	if (!rc) {
		st->chain[0] = st->ca.cert;
		st->tsa_signer = (struct mc_signer){st->tsa.cert, st->tsa.key, st->chain, 1};
	}
	return rc;
}

void mc__stamping_free(struct mc__stamping *st)
{
	mc__authority_free(&st->ca);
	mc__authority_free(&st->tsa);
}

/* The bytes of a file the caller uploaded (*data malloc'd). */
static int own_file(struct mc_signing_ctx *x, const char *sha, void **data, size_t *n)
{
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s,
			  "SELECT b.data FROM blobs b WHERE b.sha256 = ? AND EXISTS (SELECT 1 FROM uploads u"
			  " WHERE u.sha256 = b.sha256 AND u.user_id = ?)",
			  "ti", sha, x->who->user_id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		const void *p = mc_col_blob(s, 0, n);
		*data = mc_xmalloc(*n ? *n : 1);
		memcpy(*data, p, *n);
	}
	mc_stmt_done(s);
	return rc;
}

static int signature_json(struct mc_signing_ctx *x, int64_t id, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s,
			  "SELECT g.id, g.format, g.file_sha256, g.signed_at, g.stamped_at, g.user_id, " CERT_COLUMNS
			  " FROM signatures g JOIN certificates c ON c.id = g.certificate_id WHERE g.id = ?",
			  "i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		*out = json_pack("{s:I, s:s, s:s, s:I, s:o, s:o}", "id", (json_int_t)mc_col_int64(s, 0), "format",
				 mc_col_text(s, 1), "file", mc_col_text(s, 2), "signed_at",
				 (json_int_t)mc_col_int64(s, 3), "stamped_at",
				 mc_col_is_null(s, 4) ? json_null() : json_integer(mc_col_int64(s, 4)), "certificate",
				 mc__cert_json(s, 6));
		if (!*out)
			rc = MC_E_NOMEM;
	}
	mc_stmt_done(s);
	return rc;
}

int mc_signature_sign_file(struct mc_signing_ctx *x, json_t *in, json_t **out)
{
	const char *file = json_string_value(json_object_get(in, "file"));
	const char *pin = json_string_value(json_object_get(in, "pin"));
	json_t *cj = json_object_get(in, "certificate_id");
	int64_t cert_id = json_is_integer(cj) ? json_integer_value(cj) : 0;
	if (!file || !mc_is_sha256_hex(file))
		mc_bad_field(x->e, "file", file ? MC_M_FILE_UNKNOWN : MC_M_REQUIRED);
	if (cj && (!json_is_integer(cj) || cert_id <= 0))
		mc_bad_field(x->e, "certificate_id", MC_M_INVALID);
	if (x->e->nfields)
		return MC_E_VALIDATION;
	int64_t now_ms = mc_time_now_ms();
	struct mc__unlocked u;
	int rc = mc__cert_unlock(x, cert_id, pin, now_ms, &u);
	if (rc)
		return rc;
	/* the file read and signed outside any write transaction: the
	 * signature costs a millisecond that other writers need not wait */
	void *data = NULL;
	size_t n = 0;
	rc = own_file(x, file, &data, &n);
	if (rc == MC_E_NOT_FOUND) {
		mc_bad_field(x->e, "file", MC_M_FILE_UNKNOWN);
		rc = MC_E_VALIDATION;
	}
	struct mc__stamping st;
	int have_st = 0;
	if (!rc && (rc = mc__stamping_load(x->c, &st)) == 0)
		have_st = 1;
	struct mc_buf p7s = MC_BUF_INIT(1 << 20);
	int64_t id = 0;
	if (!rc) {
		struct mc_signer s = {u.cert, u.key, st.chain, 1};
		rc = mc_cms_sign(data, n, &s, &st.tsa_signer, now_ms / 1000, 0, &p7s);
	}
	if (!rc && (rc = mc_tx_begin(x->c, 1)) == 0) {
		struct mc_stmt *q;
		rc = mc_query(x->c, &q,
			      "INSERT INTO signatures (format, file_sha256, p7s, certificate_id, user_id, signed_at,"
			      " stamped_at) VALUES ('cms', ?, ?, ?, ?, ?, ?) RETURNING id",
			      "tbiiii", file, p7s.data, p7s.len, u.id, x->who->user_id, now_ms, now_ms / 1000);
		if (!rc)
			rc = mc_step_returning(q, &id);
		if (!rc)
			rc = mc__sign_audit(x, "signature.sign", "signature", id,
					    json_pack("{s:s, s:s, s:I}", "format", "cms", "file", file,
						      "certificate_id", (json_int_t)u.id));
		if (!rc)
			rc = mc_tx_commit(x->c);
		if (rc && mc_in_tx(x->c))
			mc_tx_rollback(x->c);
	}
	if (have_st)
		mc__stamping_free(&st);
	mc_buf_release(&p7s);
	free(data);
	mc__unlocked_free(&u);
	return rc ? rc : signature_json(x, id, out);
}

int mc_signature_p7s(struct mc_signing_ctx *x, int64_t id, struct mc_buf *der, char name[80])
{
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s, "SELECT p7s, file_sha256, user_id FROM signatures WHERE id = ? AND format = 'cms'",
			  "i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		/* the signer's; officials may fetch any (they verify what they receive) */
		if (mc_col_int64(s, 2) != x->who->user_id && strcmp(x->who->kind, "official") != 0) {
			rc = MC_E_NOT_FOUND;
		} else {
			size_t n = 0;
			const void *p = mc_col_blob(s, 0, &n);
			rc = mc_buf_add(der, p, n);
			snprintf(name, 80, "%.16s.p7s", mc_col_text(s, 1));
		}
	}
	mc_stmt_done(s);
	return rc;
}
