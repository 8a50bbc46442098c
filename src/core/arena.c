/* arena.c - region allocator; see arena.h. */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define ALIGN 16u

struct chunk {
	struct chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

struct cleanup {
	struct cleanup *next;
	mc_cleanup_fn fn;
	void *p;
};

struct mc_arena {
	struct chunk *head;
	struct cleanup *cleanups;
	size_t chunk_size, total;
};

_Noreturn void mc_fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("motcua: fatal: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void *mc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		mc_fatal("out of memory (%zu bytes)", n);
	return p;
}

void *mc_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		mc_fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *mc_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		mc_fatal("out of memory (%zu bytes)", n);
	return q;
}

char *mc_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(mc_xmalloc(n), s, n);
}

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c = mc_xmalloc(sizeof(*c) + size);
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct mc_arena *mc_arena_new(size_t first_chunk)
{
	struct mc_arena *a = mc_xmalloc(sizeof(*a));
	a->chunk_size = first_chunk < 1024 ? 1024 : first_chunk;
	a->head = chunk_new(a->chunk_size);
	a->cleanups = NULL;
	a->total = 0;
	return a;
}

void mc_arena_free(struct mc_arena *a)
{
	if (!a)
		return;
	while (a->cleanups) {
		struct cleanup *c = a->cleanups;
		a->cleanups = c->next;
		c->fn(c->p); /* the node itself lives in the arena */
	}
	struct chunk *c = a->head;
	while (c) {
		struct chunk *n = c->next;
		free(c);
		c = n;
	}
	free(a);
}

void *mc_alloc(struct mc_arena *a, size_t n)
{
	size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (need < n)
		mc_fatal("arena allocation overflow");
	struct chunk *c = a->head;
	if (c->size - c->used < need) {
		if (need > a->chunk_size / 2) {
			/* Large block: its own chunk, behind the current head. */
			struct chunk *big = chunk_new(need);
			big->used = need;
			big->next = c->next;
			c->next = big;
			a->total += need;
			return big->data;
		}
		if (a->chunk_size < (1u << 20))
			a->chunk_size *= 2;
		c = chunk_new(a->chunk_size);
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += need;
	a->total += need;
	return p;
}

void *mc_zalloc(struct mc_arena *a, size_t n)
{
	return memset(mc_alloc(a, n), 0, n);
}

char *mc_strndup(struct mc_arena *a, const char *s, size_t n)
{
	char *p = mc_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *mc_strdup(struct mc_arena *a, const char *s)
{
	return s ? mc_strndup(a, s, strlen(s)) : NULL;
}

char *mc_vsprintf(struct mc_arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		mc_fatal("bad format string");
	char *p = mc_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *mc_sprintf(struct mc_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = mc_vsprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void mc_arena_cleanup(struct mc_arena *a, mc_cleanup_fn fn, void *p)
{
	struct cleanup *c = mc_alloc(a, sizeof(*c));
	c->fn = fn;
	c->p = p;
	c->next = a->cleanups;
	a->cleanups = c;
}

size_t mc_arena_used(const struct mc_arena *a)
{
	return a->total;
}
