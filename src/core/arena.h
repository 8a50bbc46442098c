/*
 * arena.h - region allocator with cleanup hooks (after nginx's ngx_pool_t).
 *
 * A request (or a command) creates one arena, allocates from it freely and
 * destroys it at the end; everything goes at once.  Non-memory resources
 * (json_t references, statements, borrowed connections) register a cleanup
 * that runs, in reverse order of registration, when the arena is destroyed.
 *
 * Allocation never returns NULL: running out of memory aborts the process.
 */
#ifndef MC_ARENA_H
#define MC_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct mc_arena;

struct mc_arena *mc_arena_new(size_t first_chunk);
void mc_arena_free(struct mc_arena *a);

void *mc_alloc(struct mc_arena *a, size_t n);  /* uninitialised */
void *mc_zalloc(struct mc_arena *a, size_t n); /* zeroed */
char *mc_strdup(struct mc_arena *a, const char *s);
char *mc_strndup(struct mc_arena *a, const char *s, size_t n);
char *mc_sprintf(struct mc_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *mc_vsprintf(struct mc_arena *a, const char *fmt, va_list ap);

typedef void (*mc_cleanup_fn)(void *);
/* Run fn(p) when the arena is freed. */
void mc_arena_cleanup(struct mc_arena *a, mc_cleanup_fn fn, void *p);

/* Bytes handed out so far (for metrics and tests). */
size_t mc_arena_used(const struct mc_arena *a);

/* Abort with a message: out of memory or a broken invariant. */
_Noreturn void mc_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *mc_xmalloc(size_t n);
void *mc_xcalloc(size_t n, size_t size);
void *mc_xrealloc(void *p, size_t n);
char *mc_xstrdup(const char *s);

#endif
