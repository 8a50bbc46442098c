/* gzip.c - gzip in memory with zlib; see gzip.h. */
#include "gzip.h"

#include "err.h"

#include <pthread.h>
#include <stdlib.h>
#include <zlib.h>

#include "banned.h"

/* The texts compressed are a few kilobytes: an 8 KiB window finds the same
 * repetitions as zlib's 32 KiB one and keeps the state (~64 KiB) below
 * malloc's mmap threshold, so that a call maps no memory. */
#define WINDOW_BITS 13
#define MEM_LEVEL   6
#define GZIP_HEADER 16 /* added to the window bits: gzip framing */

/*
 * Each thread keeps its two streams and resets them between uses: setting
 * one up allocates and clears its tables (an inflater's window is 32 KiB),
 * which cost more than packing or unpacking a tracking answer.
 */
struct streams {
	z_stream def, inf;
	int def_ok, inf_ok;
};

static pthread_key_t streams_key;
static pthread_once_t streams_once = PTHREAD_ONCE_INIT;
static int streams_key_ok;

static void streams_free(void *p)
{
	struct streams *t = p;
	if (t->def_ok)
		deflateEnd(&t->def);
	if (t->inf_ok)
		inflateEnd(&t->inf);
	free(t);
}

static void streams_init(void)
{
	streams_key_ok = pthread_key_create(&streams_key, streams_free) == 0;
}

/* This thread's streams (NULL when none can be kept: use one per call). */
static struct streams *streams(void)
{
	pthread_once(&streams_once, streams_init);
	if (!streams_key_ok)
		return NULL;
	struct streams *t = pthread_getspecific(streams_key);
	if (!t && (t = calloc(1, sizeof(*t))) && pthread_setspecific(streams_key, t)) {
		free(t);
		t = NULL;
	}
	return t;
}

static z_stream *deflater(struct streams *t, z_stream *own)
{
	z_stream *z = t ? &t->def : own;
	if (t && t->def_ok)
		return deflateReset(z) == Z_OK ? z : NULL;
	if (deflateInit2(z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, WINDOW_BITS + GZIP_HEADER, MEM_LEVEL,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	if (t)
		t->def_ok = 1;
	return z;
}

static z_stream *inflater(struct streams *t, z_stream *own)
{
	z_stream *z = t ? &t->inf : own;
	if (t && t->inf_ok)
		return inflateReset(z) == Z_OK ? z : NULL;
	if (inflateInit2(z, 15 + GZIP_HEADER) != Z_OK)
		return NULL;
	if (t)
		t->inf_ok = 1;
	return z;
}

/* Run step (deflate or inflate) over the n bytes at p until the stream
 * ends, appending its output to out; bad is the error of a stream that
 * stops short (zlib's own error, bad data, input cut short). */
static int pump(z_stream *z, int (*step)(z_streamp, int), int flush, int bad, const void *p, size_t n,
		struct mc_buf *out)
{
	unsigned char chunk[8192];
	z->next_in = (Bytef *)p;
	z->avail_in = (uInt)n;
	int zrc, rc = 0;
	do {
		z->next_out = chunk;
		z->avail_out = sizeof(chunk);
		zrc = step(z, flush);
		if (zrc != Z_OK && zrc != Z_STREAM_END)
			return bad;
		rc = mc_buf_add(out, chunk, sizeof(chunk) - z->avail_out);
	} while (!rc && zrc != Z_STREAM_END);
	return rc;
}

int mc_gzip(struct mc_buf *out, const void *p, size_t n)
{
	struct streams *t = streams();
	z_stream own = {0}, *z = deflater(t, &own);
	if (!z)
		return MC_E_INTERNAL;
	int rc = pump(z, deflate, Z_FINISH, MC_E_INTERNAL, p, n, out);
	if (!t)
		deflateEnd(z);
	return rc;
}

int mc_gunzip(struct mc_buf *out, const void *p, size_t n)
{
	struct streams *t = streams();
	z_stream own = {0}, *z = inflater(t, &own);
	if (!z)
		return MC_E_INTERNAL;
	int rc = pump(z, inflate, Z_NO_FLUSH, MC_E_VALIDATION, p, n, out);
	if (!t)
		inflateEnd(z);
	return rc;
}
