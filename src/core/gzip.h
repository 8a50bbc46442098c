/*
 * gzip.h - gzip (RFC 1952) in memory, with zlib: what is stored compressed
 * and may be sent as it is to a client that accepts gzip (the public
 * tracking answers).
 */
#ifndef MC_GZIP_H
#define MC_GZIP_H

#include "buf.h"

#include <stddef.h>

/* Append the gzip form of the n bytes at p to out.  0, or MC_E_TOO_BIG
 * (out's limit), MC_E_INTERNAL (zlib). */
int mc_gzip(struct mc_buf *out, const void *p, size_t n);
/* Append what the gzip member at p (n bytes) holds to out.  0, or
 * MC_E_TOO_BIG (out's limit), MC_E_VALIDATION (not gzip, or cut short). */
int mc_gunzip(struct mc_buf *out, const void *p, size_t n);

#endif
