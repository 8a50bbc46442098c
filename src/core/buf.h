/*
 * buf.h - growable byte buffer with a hard upper bound (after curl's dynbuf).
 *
 * Every buffer fed by untrusted input is created with a limit; an append that
 * would pass it fails with MC_E_TOO_BIG and leaves the buffer as it was.
 * The contents are always NUL-terminated.
 */
#ifndef MC_BUF_H
#define MC_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct mc_buf {
	char *data;
	size_t len, cap, limit;
};

#define MC_BUF_INIT(lim)                                                                                               \
	{                                                                                                              \
		NULL, 0, 0, (lim)                                                                                      \
	}

void mc_buf_init(struct mc_buf *b, size_t limit);
void mc_buf_release(struct mc_buf *b); /* frees the memory */
void mc_buf_reset(struct mc_buf *b);   /* empties, keeps the memory */
int mc_buf_add(struct mc_buf *b, const void *p, size_t n);
int mc_buf_adds(struct mc_buf *b, const char *s);
int mc_buf_addc(struct mc_buf *b, char c);
int mc_buf_printf(struct mc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s as the body of a JSON string (without the quotes). */
int mc_buf_add_json_str(struct mc_buf *b, const char *s);
/* Detach the data (caller frees); the buffer becomes empty. */
char *mc_buf_detach(struct mc_buf *b, size_t *len);
const char *mc_buf_str(const struct mc_buf *b);

#endif
