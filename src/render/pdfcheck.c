/* pdfcheck.c - refuse PDFs with active content; see pdfcheck.h. */
#include "pdfcheck.h"

#include "../core/arena.h"

#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* Objects walked at most: a real scanned paper has a few hundred. */
#define MAX_OBJECTS 200000

/* Keys whose presence is active content by itself. */
static const char *const bad_keys[] = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/RichMedia", "/XFA"};
/* Action types (/S) that run something or send something. */
static const char *const bad_actions[] = {"/JavaScript", "/Launch",    "/ImportData", "/SubmitForm",
					  "/GoToE",      "/Rendition", "/Sound",      "/Movie"};

struct walk {
	qpdf_data q;
	qpdf_oh *stack;
	size_t n, cap;
	/* indirect objects seen: a bitmap by object number (numbers are
	 * dense, and one number has one generation in the table) */
	unsigned char *seen;
	int max_id;
	size_t visited;
};

static void push(struct walk *w, qpdf_oh oh)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 256;
		w->stack = mc_xrealloc(w->stack, w->cap * sizeof(*w->stack));
	}
	w->stack[w->n++] = oh;
}

/* 1 when oh is an indirect object already walked (or out of range). */
static int seen(struct walk *w, qpdf_oh oh)
{
	int id = qpdf_oh_get_object_id(w->q, oh);
	if (id <= 0)
		return 0; /* direct object: walked as part of its container */
	if (id > w->max_id)
		return 1; /* not in the cross-reference table: qpdf gives null */
	size_t byte = (size_t)id / 8;
	unsigned char bit = (unsigned char)(1u << (id % 8));
	if (w->seen[byte] & bit)
		return 1;
	w->seen[byte] |= bit;
	return 0;
}

static int in(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* Look at one dictionary: 1 (and what) when it is active content. */
static int bad_dict(struct walk *w, qpdf_oh d, char *what, size_t whatlen)
{
	qpdf_oh_begin_dict_key_iter(w->q, d);
	while (qpdf_oh_dict_more_keys(w->q)) {
		const char *k = qpdf_oh_dict_next_key(w->q);
		if (in(k, bad_keys, sizeof(bad_keys) / sizeof(bad_keys[0]))) {
			snprintf(what, whatlen, "%s", k);
			return 1;
		}
	}
	qpdf_oh s = qpdf_oh_get_key(w->q, d, "/S");
	if (qpdf_oh_is_name(w->q, s) &&
	    in(qpdf_oh_get_name(w->q, s), bad_actions, sizeof(bad_actions) / sizeof(bad_actions[0]))) {
		snprintf(what, whatlen, "%s", qpdf_oh_get_name(w->q, s));
		return 1;
	}
	/* an embedded file stream: /Type /EmbeddedFile */
	qpdf_oh t = qpdf_oh_get_key(w->q, d, "/Type");
	if (qpdf_oh_is_name_and_equals(w->q, t, "/EmbeddedFile")) {
		snprintf(what, whatlen, "%s", qpdf_oh_get_name(w->q, t));
		return 1;
	}
	return 0;
}

/* Push a dictionary's values (the keys were looked at already). */
static void push_values(struct walk *w, qpdf_oh d)
{
	/* the iterator is one per qpdf_data: collect the keys first */
	char **keys = NULL;
	size_t nk = 0, cap = 0;
	qpdf_oh_begin_dict_key_iter(w->q, d);
	while (qpdf_oh_dict_more_keys(w->q)) {
		if (nk == cap) {
			cap = cap ? cap * 2 : 16;
			keys = mc_xrealloc(keys, cap * sizeof(*keys));
		}
		keys[nk++] = mc_xstrdup(qpdf_oh_dict_next_key(w->q));
	}
	for (size_t i = 0; i < nk; i++) {
		push(w, qpdf_oh_get_key(w->q, d, keys[i]));
		free(keys[i]);
	}
	free(keys);
}

enum mc_pdf_verdict mc_pdf_check(const void *data, size_t n, char *what, size_t whatlen)
{
	what[0] = '\0';
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	enum mc_pdf_verdict v = MC_PDF_CLEAN;
	if (qpdf_read_memory(q, "upload.pdf", data, (unsigned long long)n, NULL) & QPDF_ERRORS) {
		(void)qpdf_get_error(q); /* handled: qpdf would warn on stderr */
		qpdf_cleanup(&q);
		snprintf(what, whatlen, "unreadable");
		return MC_PDF_UNREADABLE;
	}
	struct walk w = {.q = q};
	qpdf_oh trailer = qpdf_get_trailer(q);
	long long size = qpdf_oh_get_int_value(q, qpdf_oh_get_key(q, trailer, "/Size"));
	w.max_id = size > 0 && size < 10 * MAX_OBJECTS ? (int)size : 10 * MAX_OBJECTS;
	w.seen = mc_xcalloc((size_t)w.max_id / 8 + 1, 1);
	push(&w, trailer);
	while (w.n && v == MC_PDF_CLEAN) {
		qpdf_oh oh = w.stack[--w.n];
		if (seen(&w, oh))
			continue;
		if (++w.visited > MAX_OBJECTS) {
			snprintf(what, whatlen, "too many objects");
			v = MC_PDF_UNREADABLE;
			break;
		}
		if (qpdf_oh_is_stream(q, oh))
			oh = qpdf_oh_get_dict(q, oh);
		if (qpdf_oh_is_dictionary(q, oh)) {
			if (bad_dict(&w, oh, what, whatlen))
				v = MC_PDF_ACTIVE;
			else
				push_values(&w, oh);
		} else if (qpdf_oh_is_array(q, oh)) {
			int k = qpdf_oh_get_array_n_items(q, oh);
			for (int i = 0; i < k; i++)
				push(&w, qpdf_oh_get_array_item(q, oh, i));
		}
	}
	if (qpdf_has_error(q)) {
		(void)qpdf_get_error(q);
		if (v == MC_PDF_CLEAN) {
			snprintf(what, whatlen, "unreadable");
			v = MC_PDF_UNREADABLE;
		}
	}
	free(w.stack);
	free(w.seen);
	qpdf_cleanup(&q);
	return v;
}
