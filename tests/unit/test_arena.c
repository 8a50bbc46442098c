/*
 * test_arena.c - the region allocator: 16-byte alignment of every block,
 * small and large blocks, string helpers, cleanup hooks (reverse order,
 * exactly once, on free) and the byte counter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_aligned(const void *p)
{
	return ((uintptr_t)p % 16) == 0;
}

static void alignment_of_every_size(void **state)
{
	(void)state;
	struct mc_arena *a = mc_arena_new(0);
	/* odd sizes one after another: each block must still start aligned */
	for (size_t n = 0; n < 300; n++) {
		unsigned char *p = mc_alloc(a, n);
		assert_non_null(p);
		assert_true(is_aligned(p));
		memset(p, 0xAB, n); /* the block is really n bytes (ASan checks) */
	}
	for (size_t n = 1; n < 40; n++)
		assert_true(is_aligned(mc_zalloc(a, n * 7)));
	mc_arena_free(a);
}

static void blocks_do_not_overlap(void **state)
{
	(void)state;
	struct mc_arena *a = mc_arena_new(1024);
	enum { N = 200 };
	unsigned char *blocks[N];
	for (int i = 0; i < N; i++) {
		blocks[i] = mc_alloc(a, 33);
		memset(blocks[i], i, 33);
	}
	for (int i = 0; i < N; i++)
		for (int k = 0; k < 33; k++)
			assert_int_equal(blocks[i][k], (unsigned char)i);
	mc_arena_free(a);
}

static void zalloc_zeroes(void **state)
{
	(void)state;
	struct mc_arena *a = mc_arena_new(0);
	/* dirty the arena first so zalloc cannot rely on fresh memory */
	for (int i = 0; i < 50; i++)
		memset(mc_alloc(a, 100), 0xFF, 100);
	unsigned char *z = mc_zalloc(a, 500);
	for (int i = 0; i < 500; i++)
		assert_int_equal(z[i], 0);
	mc_arena_free(a);
}

static void large_blocks(void **state)
{
	(void)state;
	struct mc_arena *a = mc_arena_new(1024);
	unsigned char *small1 = mc_alloc(a, 16);
	memset(small1, 1, 16);
	/* far bigger than the chunk size: gets its own chunk */
	size_t big = 5u << 20;
	unsigned char *b = mc_alloc(a, big);
	assert_true(is_aligned(b));
	memset(b, 0x5A, big);
	assert_int_equal(b[0], 0x5A);
	assert_int_equal(b[big - 1], 0x5A);
	/* the current chunk is still used for small blocks after the big one */
	unsigned char *small2 = mc_alloc(a, 16);
	assert_true(is_aligned(small2));
	memset(small2, 2, 16);
	assert_int_equal(small1[15], 1);
	assert_int_equal(b[big - 1], 0x5A);
	/* several large blocks in a row */
	for (int i = 0; i < 5; i++) {
		unsigned char *q = mc_alloc(a, 3000 + (size_t)i);
		assert_true(is_aligned(q));
		memset(q, i, 3000 + (size_t)i);
	}
	assert_int_equal(small2[0], 2);
	mc_arena_free(a);
}

static void strings(void **state)
{
	(void)state;
	struct mc_arena *a = mc_arena_new(0);
	const char *src = "Xác nhận tình trạng hôn nhân";
	char *d = mc_strdup(a, src);
	assert_string_equal(d, src);
	assert_ptr_not_equal(d, src);
	assert_true(is_aligned(d));
	assert_null(mc_strdup(a, NULL));
	assert_string_equal(mc_strdup(a, ""), "");

	char *n = mc_strndup(a, "abcdef", 3);
	assert_string_equal(n, "abc");
	assert_int_equal(strlen(n), 3);
	/* n bytes are copied even if the source is not NUL-terminated there */
	const char raw[4] = {'w', 'x', 'y', 'z'};
	assert_string_equal(mc_strndup(a, raw, 4), "wxyz");
	assert_string_equal(mc_strndup(a, "abc", 0), "");

	assert_string_equal(mc_sprintf(a, "%s-%d-%05.1f", "ho so", 42, 3.14159), "ho so-42-003.1");
	assert_string_equal(mc_sprintf(a, "%s", ""), "");
	/* a long formatted string (beyond the first chunk) */
	char *big = mc_sprintf(a, "%5000s|", "x");
	assert_int_equal(strlen(big), 5001);
	assert_int_equal(big[4999], 'x');
	assert_int_equal(big[5000], '|');
	assert_int_equal(big[0], ' ');
	mc_arena_free(a);
}

/* Cleanup hooks record the order in which they run. */
static int order[16];
static int norder;

static void record(void *p)
{
	assert_true(norder < 16);
	order[norder++] = *(int *)p;
}

static void cleanups_reverse_once(void **state)
{
	(void)state;
	static int ids[] = {1, 2, 3, 4, 5};
	norder = 0;
	struct mc_arena *a = mc_arena_new(0);
	for (int i = 0; i < 5; i++) {
		mc_arena_cleanup(a, record, &ids[i]);
		/* allocations between registrations must not disturb the list */
		mc_alloc(a, 700);
	}
	assert_int_equal(norder, 0); /* nothing runs before free */
	mc_arena_free(a);
	assert_int_equal(norder, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(order[i], 5 - i);
	mc_arena_free(NULL); /* allowed, does nothing */
	assert_int_equal(norder, 5);
}

static int freed;

static void free_cb(void *p)
{
	free(p);
	freed++;
}

static void cleanup_releases_heap_memory(void **state)
{
	(void)state;
	struct mc_arena *a = mc_arena_new(0);
	/* a malloc'd object handed to the arena is freed with it, once (a leak
	 * here also fails under ASan) */
	char *p = mc_xstrdup("owned by the arena");
	freed = 0;
	mc_arena_cleanup(a, free_cb, p);
	assert_int_equal(freed, 0);
	mc_arena_free(a);
	assert_int_equal(freed, 1);
}

static void used_grows(void **state)
{
	(void)state;
	struct mc_arena *a = mc_arena_new(0);
	assert_int_equal(mc_arena_used(a), 0);
	mc_alloc(a, 1);
	size_t u1 = mc_arena_used(a);
	assert_true(u1 >= 1);
	mc_alloc(a, 100);
	size_t u2 = mc_arena_used(a);
	assert_true(u2 >= u1 + 100);
	mc_alloc(a, 1u << 20); /* large block counts as well */
	size_t u3 = mc_arena_used(a);
	assert_true(u3 >= u2 + (1u << 20));
	mc_strdup(a, "abc");
	assert_true(mc_arena_used(a) > u3);
	mc_arena_free(a);
}

static void x_helpers(void **state)
{
	(void)state;
	char *s = mc_xstrdup("abc");
	assert_string_equal(s, "abc");
	s = mc_xrealloc(s, 1000);
	assert_string_equal(s, "abc");
	free(s);
	unsigned char *z = mc_xcalloc(10, 10);
	for (int i = 0; i < 100; i++)
		assert_int_equal(z[i], 0);
	free(z);
	void *m = mc_xmalloc(0); /* never NULL, even for 0 bytes */
	assert_non_null(m);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alignment_of_every_size),
		cmocka_unit_test(blocks_do_not_overlap),
		cmocka_unit_test(zalloc_zeroes),
		cmocka_unit_test(large_blocks),
		cmocka_unit_test(strings),
		cmocka_unit_test(cleanups_reverse_once),
		cmocka_unit_test(cleanup_releases_heap_memory),
		cmocka_unit_test(used_grows),
		cmocka_unit_test(x_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
