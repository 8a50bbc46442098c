/*
 * test_audit_hash.c - the hash of one audit entry: deterministic, pinned to
 * its on-disk format (changing the format would break every stored chain),
 * sensitive to every field, and length-prefixed so that moving bytes from
 * one field to the next changes it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "audit/audit.h"
#include "crypto/crypto.h"

#include <string.h>

#define ZERO64 "0000000000000000000000000000000000000000000000000000000000000000"
#define A64    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

struct entry {
	int64_t id, at, actor;
	const char *action, *otype, *oid, *source, *detail, *prev;
};

static const struct entry base = {
	1, 1700000000000, 5, "user.create", "user", "42", "127.0.0.1", "{\"username\":\"cb01\"}", ZERO64};

static void hash_of(const struct entry *e, char out[65])
{
	memset(out, '?', 65);
	mc_audit_hash(e->id, e->at, e->actor, e->action, e->otype, e->oid, e->source, e->detail, e->prev, out);
}

static int setup(void **state)
{
	(void)state;
	return mc_crypto_init();
}

static void deterministic_and_pinned(void **state)
{
	(void)state;
	char h1[65], h2[65];
	hash_of(&base, h1);
	hash_of(&base, h2);
	assert_string_equal(h1, h2);
	assert_int_equal(strlen(h1), 64);
	assert_int_equal(strspn(h1, "0123456789abcdef"), 64);
	/* SHA-256 over "len:value" of "id|at|actor", action, type, id,
	 * source, detail, prev - computed independently */
	assert_string_equal(h1, "a83e28d20ca207026e48af4c51c7aab11356dbecc00aead1aac04148c8ad5104");

	struct entry e = {2, 1700000000001, 0, "auth.login", "session", "", "cli", "{}", A64};
	hash_of(&e, h2);
	assert_string_equal(h2, "b18993c7cc2bf51e3faf8d84a56fb0b4b3374c51d114b87f5aa24d8c1f92107f");
}

static void every_field_counts(void **state)
{
	(void)state;
	char ref[65], h[65];
	hash_of(&base, ref);
	struct entry variants[12];
	for (int i = 0; i < 12; i++)
		variants[i] = base;
	variants[0].id = 2;
	variants[1].at = base.at + 1;
	variants[2].actor = 6;
	variants[3].action = "user.update";
	variants[4].otype = "agency";
	variants[5].oid = "43";
	variants[6].source = "127.0.0.2";
	variants[7].detail = "{\"username\":\"cb02\"}";
	variants[8].prev = A64;
	variants[9].actor = 0;
	variants[10].id = -1;
	variants[11].action = "User.create";
	char seen[13][65];
	memcpy(seen[0], ref, 65);
	for (int i = 0; i < 12; i++) {
		hash_of(&variants[i], h);
		/* different from the original and from every other variant */
		for (int k = 0; k <= i; k++)
			if (strcmp(h, seen[k]) == 0)
				fail_msg("variant %d hashes like %s", i, k ? "another variant" : "the original");
		memcpy(seen[i + 1], h, 65);
	}
}

static void no_boundary_collisions(void **state)
{
	(void)state;
	char h1[65], h2[65];
	struct entry a = base, b = base;
	/* action "ab" + type "c" vs action "a" + type "bc" */
	a.action = "ab";
	a.otype = "c";
	b.action = "a";
	b.otype = "bc";
	hash_of(&a, h1);
	hash_of(&b, h2);
	assert_string_not_equal(h1, h2);

	/* a field that looks like a length prefix cannot forge the next one */
	a = base;
	b = base;
	a.oid = "4";
	a.source = "2";
	b.oid = "42";
	b.source = "";
	hash_of(&a, h1);
	hash_of(&b, h2);
	assert_string_not_equal(h1, h2);
	a = base;
	b = base;
	a.detail = "{}";
	a.prev = "1:x";
	b.detail = "{}1:x";
	b.prev = "";
	hash_of(&a, h1);
	hash_of(&b, h2);
	assert_string_not_equal(h1, h2);

	/* moving the whole content from one field to the next */
	a = base;
	b = base;
	a.source = "127.0.0.1";
	a.detail = "";
	b.source = "";
	b.detail = "127.0.0.1";
	hash_of(&a, h1);
	hash_of(&b, h2);
	assert_string_not_equal(h1, h2);

	/* the numbers are separated too: id 1, at 12 vs id 11, at 2 */
	a = base;
	b = base;
	a.id = 1;
	a.at = 12;
	b.id = 11;
	b.at = 2;
	hash_of(&a, h1);
	hash_of(&b, h2);
	assert_string_not_equal(h1, h2);
}

static void unicode_detail(void **state)
{
	(void)state;
	/* lengths are in bytes: a multi-byte detail hashes stably and differs
	 * from its NFD form */
	char h1[65], h2[65], h3[65];
	struct entry a = base;
	a.detail = "{\"name\":\"Việt\"}";
	hash_of(&a, h1);
	hash_of(&a, h2);
	assert_string_equal(h1, h2);
	a.detail = "{\"name\":\"Vie\xcc\xa3\xcc\x82t\"}";
	hash_of(&a, h3);
	assert_string_not_equal(h1, h3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deterministic_and_pinned),
		cmocka_unit_test(every_field_counts),
		cmocka_unit_test(no_boundary_collisions),
		cmocka_unit_test(unicode_detail),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
