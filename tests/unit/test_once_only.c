/*
 * test_once_only.c - the catalogue's side of once-only (issue 17 part 3):
 * every procedure of data/procedures/procedures.json still validates; each
 * paper's "reusable" names a paper some procedure issues ("result_paper")
 * and is carried by an attachment field (else nothing could take the
 * stored paper); the procedures the brief names issue and ask for the
 * papers it names; a malformed result_paper or reusable is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "catalog/catalog.h"
#include "core/err.h"
#include "testdb.h"

#include <stdio.h>
#include <string.h>

static json_t *catalogue(void)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/data/procedures/procedures.json", mc_test_share());
	json_error_t je;
	json_t *all = json_load_file(path, 0, &je);
	if (!json_is_array(all))
		fail_msg("%s: %s", path, je.text);
	return all;
}

static json_t *procedure(json_t *all, const char *code)
{
	size_t i;
	json_t *p;
	json_array_foreach(all, i, p)
		if (strcmp(json_string_value(json_object_get(p, "code")), code) == 0)
			return p;
	fail_msg("no procedure %s", code);
	return NULL;
}

static const char *issues(json_t *all, const char *code)
{
	return json_string_value(json_object_get(json_object_get(procedure(all, code), "result_paper"), "code"));
}

/* The code the paper `paper` of procedure `code` accepts from the store. */
static const char *accepts(json_t *all, const char *code, const char *paper)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(procedure(all, code), "papers"), i, p)
		if (strcmp(json_string_value(json_object_get(p, "code")), paper) == 0)
			return json_string_value(json_object_get(p, "reusable"));
	fail_msg("%s has no paper %s", code, paper);
	return NULL;
}

static void catalogue_consistent(void **state)
{
	(void)state;
	json_t *all = catalogue();
	size_t i, k, m;
	json_t *p, *paper, *f;
	int reusable = 0;
	json_array_foreach(all, i, p) {
		struct mc_error e;
		mc_error_init(&e);
		if (mc_catalog_validate(p, &e))
			fail_msg("%s does not validate (%s)", json_string_value(json_object_get(p, "code")),
				 e.nfields ? e.fields[0].field : "?");
		json_array_foreach(json_object_get(p, "papers"), k, paper) {
			const char *code = json_string_value(json_object_get(paper, "reusable"));
			if (!code)
				continue;
			reusable++;
			/* some procedure issues it */
			int issued = 0;
			size_t j;
			json_t *q;
			json_array_foreach(all, j, q) {
				const char *rp =
					json_string_value(json_object_get(json_object_get(q, "result_paper"), "code"));
				issued |= rp && strcmp(rp, code) == 0;
			}
			if (!issued)
				fail_msg("%s: no procedure issues %s", json_string_value(json_object_get(p, "code")),
					 code);
			/* an attachment field carries the paper */
			int field = 0;
			json_array_foreach(json_object_get(p, "form"), m, f) {
				const char *fp = json_string_value(json_object_get(f, "paper"));
				field |= fp && strcmp(fp, json_string_value(json_object_get(paper, "code"))) == 0;
			}
			if (!field)
				fail_msg("%s: no attachment field for %s",
					 json_string_value(json_object_get(p, "code")),
					 json_string_value(json_object_get(paper, "code")));
		}
	}
	assert_true(reusable >= 2);
	/* what the brief names */
	assert_string_equal(issues(all, "1.001193"), "giay_khai_sinh");
	assert_string_equal(issues(all, "1.004222"), "xac_nhan_cu_tru");
	assert_string_equal(issues(all, "1.000656"), "trich_luc_khai_tu");
	assert_string_equal(accepts(all, "1.004859", "giay_khai_sinh"), "giay_khai_sinh");
	assert_string_equal(accepts(all, "1.001731", "giay_bao_tu"), "trich_luc_khai_tu");
	assert_string_equal(accepts(all, "2.002481", "giay_to_cu_tru"), "xac_nhan_cu_tru");
	assert_null(accepts(all, "1.004859", "giay_to_lien_quan"));
	json_decref(all);
}

/* d with key set to v (a JSON text) on the procedure (paper < 0) or on its
 * paper number `paper`: refused with a field error on `field`. */
static void refused(json_t *d, int paper, const char *key, const char *v, const char *field)
{
	json_t *c = json_deep_copy(d);
	json_t *on = paper < 0 ? c : json_array_get(json_object_get(c, "papers"), (size_t)paper);
	json_object_set_new(on, key, json_loads(v, JSON_DECODE_ANY, NULL));
	struct mc_error e;
	mc_error_init(&e);
	assert_int_equal(mc_catalog_validate(c, &e), MC_E_VALIDATION);
	int named = 0;
	for (size_t i = 0; i < e.nfields; i++)
		named |= strcmp(e.fields[i].field, field) == 0;
	if (!named)
		fail_msg("%s = %s: no error on %s", key, v, field);
	json_decref(c);
}

static void malformed_refused(void **state)
{
	(void)state;
	json_t *all = catalogue();
	json_t *d = procedure(all, "1.001193");
	refused(d, -1, "result_paper", "\"giay_khai_sinh\"", "result_paper");
	refused(d, -1, "result_paper", "{\"code\":\"Giấy khai sinh\",\"name\":\"x\",\"name_en\":\"x\"}",
		"result_paper");
	refused(d, -1, "result_paper", "{\"code\":\"giay_khai_sinh\",\"name\":\"Giấy khai sinh\"}", "result_paper");
	refused(d, 0, "reusable", "1", "papers");
	refused(d, 0, "reusable", "\"giay khai sinh\"", "papers");
	/* and the catalogue's own is accepted */
	struct mc_error e;
	mc_error_init(&e);
	assert_int_equal(mc_catalog_validate(d, &e), 0);
	json_decref(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalogue_consistent),
		cmocka_unit_test(malformed_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
