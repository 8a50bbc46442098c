/*
 * read.c - reading documents: who may read a register and a document, what
 * the caller may do on one now, the first opening recorded per official, a
 * confidential document's reading audited, its file, and a register's pages
 * with its search.
 */
#include "internal.h"

#include "../audit/audit.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "../dossier/dossier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* 1 when the caller may read d: an official of an agency that may read
 * its register and, for a confidential one, who registered it or a reader
 * named. */
int mc__document_may_read(struct mc_document_ctx *x, const struct mc__document *d)
{
	if (!x->who || !x->who->agency_id)
		return 0;
	int rc = mc__document_may_read_register(x->c, x->who->agency_id, d->agency);
	if (rc <= 0 || strcmp(d->secrecy, "none") == 0)
		return rc;
	return d->registered_by == x->who->user_id ? 1 : mc__document_is_reader(x->c, d->id, x->who->user_id);
}

int mc__clerk_of(struct mc_document_ctx *x, int64_t agency)
{
	int64_t body = 0;
	if (!mc_principal_has(x->who, "document.register"))
		return 0;
	int rc = mc__document_body_of(x->c, x->who->agency_id, &body);
	if (rc)
		return rc == MC_E_NOT_FOUND ? 0 : rc;
	return body == agency;
}

/* The bits of mc__task_kinds. */
enum { K_DIRECT = 1, K_LEAD = 2, K_HANDLE = 4, K_COORDINATE = 8, K_INFORM = 16 };

int mc__document_actions(struct mc_document_ctx *x, const struct mc__document *d, json_t **out)
{
	unsigned k = 0;
	int rc = mc__task_kinds(x->c, d->id, x->who->user_id, &k), clerk = 0;
	if (!rc && strcmp(d->direction, "in") == 0 && strcmp(d->status, "registered") == 0)
		rc = (clerk = mc__clerk_of(x, d->agency)) < 0 ? clerk : 0;
	if (rc)
		return rc;
	json_t *a = json_array();
	if (clerk)
		json_array_append_new(a, json_string("send_to_leader"));
	if (k & K_DIRECT)
		json_array_append_new(a, json_string("direct"));
	if ((k & K_LEAD) && !(k & MC__TASK_LEAD_HANDLED))
		json_array_append_new(a, json_string("assign"));
	if (k & (K_LEAD | K_HANDLE | K_COORDINATE))
		json_array_append_new(a, json_string("complete"));
	if (k & K_INFORM)
		json_array_append_new(a, json_string("acknowledge"));
	*out = a;
	return 0;
}

int mc__document_shown(struct mc_document_ctx *x, int64_t id, struct mc__document *d, json_t **out)
{
	json_t *acts = NULL;
	int rc = mc__document_load(x->c, id, d, out);
	if (!rc && (rc = mc__document_actions(x, d, &acts))) {
		json_decref(*out);
		*out = NULL;
	}
	if (!rc)
		json_object_set_new(*out, "actions", acts);
	return rc;
}

int mc_document_get(struct mc_document_ctx *x, int64_t id, json_t **out)
{
	struct mc__document d;
	json_t *j = NULL;
	int rc = mc__document_load(x->c, id, &d, &j);
	if (rc)
		return rc;
	if ((rc = mc__document_may_read(x, &d)) <= 0) {
		json_decref(j);
		return rc < 0 ? rc : MC_E_NOT_FOUND; /* not even said to exist */
	}
	int secret = strcmp(d.secrecy, "none") != 0;
	int64_t seen = 0, unopened = 0, marked = 0;
	rc = mc_query_int64(
		x->c, &seen,
		"SELECT COUNT(*) FROM document_events WHERE document_id = ? AND actor_id = ? AND action = 'view'", "ii",
		id, x->who->user_id);
	if (!rc)
		rc = mc_query_int64(x->c, &unopened,
				    "SELECT COUNT(*) FROM document_tasks WHERE document_id = ? AND user_id = ?"
				    " AND viewed_at IS NULL",
				    "ii", id, x->who->user_id);
	if (!rc && (!seen || secret || unopened)) {
		/* the first opening (of the document, of each task the caller
		 * was sent), and every reading of a confidential one */
		if (!(rc = mc_tx_begin(x->c, 1))) {
			if (!seen)
				rc = mc__document_event(x->c, id, x->who->user_id, "view", NULL);
			if (!rc && unopened)
				rc = mc__tasks_opened(x->c, id, x->who->user_id, mc_time_now_ms(), &marked);
			if (!rc && secret)
				rc = mc__doc_audit(x, "document.read", "document", id,
						   json_pack("{s:s}", "secrecy", d.secrecy));
			rc = rc ? rc : mc_tx_commit(x->c);
			if (rc && mc_in_tx(x->c))
				mc_tx_rollback(x->c);
		}
		if (!rc && (!seen || unopened)) {
			/* shown with the opening it just recorded */
			json_decref(j);
			j = NULL;
			rc = mc__document_load(x->c, id, &d, &j);
		}
	}
	json_t *acts = NULL;
	if (rc || (rc = mc__document_actions(x, &d, &acts))) {
		json_decref(j);
		return rc;
	}
	json_object_set_new(j, "actions", acts);
	*out = j;
	return 0;
}

int mc_document_file(struct mc_document_ctx *x, int64_t id, void **data, size_t *len, char mime[32])
{
	struct mc__document d;
	json_t *j = NULL;
	int rc = mc__document_load(x->c, id, &d, &j);
	if (!rc && (rc = mc__document_may_read(x, &d)) == 0)
		rc = MC_E_NOT_FOUND; /* not even said to exist */
	char sha[65] = "";
	if (rc > 0 && json_string_value(json_object_get(j, "file_sha256")))
		snprintf(sha, sizeof(sha), "%s", json_string_value(json_object_get(j, "file_sha256")));
	json_decref(j);
	if (rc < 0)
		return rc;
	if (!sha[0])
		return MC_E_NOT_FOUND;
	if ((rc = mc_blob_get(x->c, sha, data, len, mime)))
		return rc;
	/* an encrypted one is opened with the key of the reader's agency (the
	 * document's), unless the envelope itself is asked for */
	int sealed = strcmp(mime, "application/pkcs7-mime") == 0, open = sealed && !x->want_envelope;
	if (open) {
		void *plain = NULL;
		size_t n = 0;
		rc = x->pades && x->pades->decrypt ? x->pades->decrypt(x->pades->arg, d.agency, *data, *len, &plain, &n)
						   : MC_E_UNAVAILABLE;
		if (rc) {
			free(*data);
			*data = NULL;
			return rc == MC_E_FORBIDDEN
				       ? mc_error_set(x->e, MC_E_FORBIDDEN, "not encrypted for this agency")
				       : rc;
		}
		free(*data);
		*data = plain;
		*len = n;
		snprintf(mime, 32, "application/pdf");
	}
	if (strcmp(d.secrecy, "none") != 0 || sealed) {
		/* a confidential document's file: every reading (and opening) audited */
		if ((rc = mc_tx_begin(x->c, 1)) == 0) {
			rc = mc__doc_audit(x, open ? "document.decrypt" : "document.file", "document", id,
					   json_pack("{s:s}", "secrecy", d.secrecy));
			rc = rc ? rc : mc_tx_commit(x->c);
		}
		if (rc) {
			if (mc_in_tx(x->c))
				mc_tx_rollback(x->c);
			free(*data);
			*data = NULL;
			return rc;
		}
	}
	return 0;
}

int mc_document_list(struct mc_document_ctx *x, const struct mc_document_filter *f, json_t **items, int64_t *next)
{
	if (!x->who || !x->who->agency_id)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "only officials read registers");
	int64_t body = f->agency_id;
	int rc = 0;
	if (!body && (rc = mc__document_body_of(x->c, x->who->agency_id, &body)))
		return rc == MC_E_NOT_FOUND ? mc_error_set(x->e, MC_E_FORBIDDEN, "the caller works for no agency") : rc;
	if ((rc = mc__document_may_read_register(x->c, x->who->agency_id, body)) < 0)
		return rc;
	if (!rc)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "the register of an agency outside the caller's");
	char *like = f->q && *f->q ? mc_text_like_key(f->q) : NULL;
	/* the words in their order, others between them: "gop y kien truc"
	 * finds "Góp ý dự thảo Quy định quản lý kiến trúc" */
	for (char *p = like; p && *p; p++)
		if (*p == ' ')
			*p = '%';
	rc = mc__document_page(x->c, f, body, x->who->user_id, like, items, next);
	free(like);
	return rc;
}
