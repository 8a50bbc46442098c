/* gzip.c - gzip in memory with zlib; see gzip.h. */
#include "gzip.h"

#include "err.h"

#include <zlib.h>

#include "banned.h"

/* The texts compressed are a few kilobytes: an 8 KiB window finds the same
 * repetitions as zlib's 32 KiB one and keeps the state (~64 KiB) below
 * malloc's mmap threshold, so that a call maps no memory. */
#define WINDOW_BITS 13
#define MEM_LEVEL   6
#define GZIP_HEADER 16 /* added to the window bits: gzip framing */

int mc_gzip(struct mc_buf *out, const void *p, size_t n)
{
	z_stream z = {0};
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, WINDOW_BITS + GZIP_HEADER, MEM_LEVEL,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return MC_E_INTERNAL;
	unsigned char chunk[4096];
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	int zrc, rc = 0;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zrc = deflate(&z, Z_FINISH);
		if (zrc == Z_STREAM_ERROR) {
			rc = MC_E_INTERNAL;
			break;
		}
		rc = mc_buf_add(out, chunk, sizeof(chunk) - z.avail_out);
	} while (!rc && zrc != Z_STREAM_END);
	deflateEnd(&z);
	return rc;
}

int mc_gunzip(struct mc_buf *out, const void *p, size_t n)
{
	z_stream z = {0};
	if (inflateInit2(&z, 15 + GZIP_HEADER) != Z_OK)
		return MC_E_INTERNAL;
	unsigned char chunk[8192];
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	int zrc, rc = 0;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zrc = inflate(&z, Z_NO_FLUSH);
		if (zrc != Z_OK && zrc != Z_STREAM_END) {
			rc = MC_E_VALIDATION; /* bad data, or cut short (Z_BUF_ERROR) */
			break;
		}
		rc = mc_buf_add(out, chunk, sizeof(chunk) - z.avail_out);
	} while (!rc && zrc != Z_STREAM_END);
	inflateEnd(&z);
	return rc;
}
