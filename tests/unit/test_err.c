/*
 * test_err.c - the error table (err.def) and the error object: every code
 * has a stable unique machine string, Vietnamese and English titles and a
 * 4xx/5xx status; unknown numbers fall back to "internal"; field errors are
 * capped; public and log-only details stay apart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/text.h"

#include <string.h>

struct def_row {
	int err;
	int status;
	const char *code, *vi, *en;
};

static const struct def_row table[] = {
#define MC_ERR(name, st, c, v, e) {MC_E_##name, st, c, v, e},
#include "core/err.def"
#undef MC_ERR
};
#define NROWS (sizeof(table) / sizeof(table[0]))

static void table_rows_complete(void **state)
{
	(void)state;
	assert_int_equal(NROWS, MC__I_COUNT - 1);
	for (size_t i = 0; i < NROWS; i++) {
		const struct def_row *r = &table[i];
		/* numbers are negative, dense and in table order */
		assert_int_equal(r->err, -(int)(i + 1));
		assert_true(r->status >= 400 && r->status <= 599);
		assert_int_equal(mc_err_status(r->err), r->status);

		const char *code = mc_err_code(r->err);
		assert_non_null(code);
		assert_true(strlen(code) > 0);
		assert_string_equal(code, r->code);
		/* machine strings: lower-case snake case only */
		for (const char *p = code; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || *p == '_');

		const char *vi = mc_err_title(r->err, "vi"), *en = mc_err_title(r->err, "en");
		assert_non_null(vi);
		assert_non_null(en);
		assert_true(strlen(vi) > 0);
		assert_true(strlen(en) > 0);
		assert_string_equal(vi, r->vi);
		assert_string_equal(en, r->en);
		assert_string_not_equal(vi, en);
		assert_true(mc_text_valid(vi, 300));
		assert_true(mc_text_valid(en, 300));
	}
}

static void codes_unique(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROWS; i++) {
		assert_string_not_equal(table[i].code, "ok");
		for (size_t k = i + 1; k < NROWS; k++) {
			assert_string_not_equal(table[i].code, table[k].code);
			assert_int_not_equal(table[i].err, table[k].err);
		}
	}
}

static void well_known_codes(void **state)
{
	(void)state;
	/* stable codes are API: pin a few */
	assert_string_equal(mc_err_code(MC_E_NOT_FOUND), "not_found");
	assert_int_equal(mc_err_status(MC_E_NOT_FOUND), 404);
	assert_string_equal(mc_err_code(MC_E_VALIDATION), "validation_failed");
	assert_int_equal(mc_err_status(MC_E_VALIDATION), 422);
	assert_int_equal(mc_err_status(MC_E_TOO_BIG), 413);
	assert_int_equal(mc_err_status(MC_E_METHOD), 405);
	assert_int_equal(mc_err_status(MC_E_UNAUTHENTICATED), 401);
	assert_int_equal(mc_err_status(MC_E_CSRF), 403);
	assert_int_equal(mc_err_status(MC_E_RATE_LIMITED), 429);
	assert_int_equal(mc_err_status(MC_OK), 200);
	assert_string_equal(mc_err_code(MC_OK), "ok");
}

static void title_language(void **state)
{
	(void)state;
	assert_string_equal(mc_err_title(MC_E_NOT_FOUND, "en"), "Not found");
	assert_string_equal(mc_err_title(MC_E_NOT_FOUND, "vi"), "Không tìm thấy");
	/* anything but "en" gives Vietnamese */
	assert_string_equal(mc_err_title(MC_E_NOT_FOUND, NULL), "Không tìm thấy");
	assert_string_equal(mc_err_title(MC_E_NOT_FOUND, "fr"), "Không tìm thấy");
	assert_string_equal(mc_err_title(MC_E_NOT_FOUND, ""), "Không tìm thấy");
	assert_string_equal(mc_err_title(MC_E_NOT_FOUND, "EN-us"), "Không tìm thấy");
}

static void unknown_numbers_are_internal(void **state)
{
	(void)state;
	int unknown[] = {-(int)MC__I_COUNT, -(int)MC__I_COUNT - 1, -9999, 1, 42, INT32_MIN + 1};
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		assert_string_equal(mc_err_code(unknown[i]), "internal");
		assert_int_equal(mc_err_status(unknown[i]), 500);
		assert_string_equal(mc_err_title(unknown[i], "en"), mc_err_title(MC_E_INTERNAL, "en"));
		assert_string_equal(mc_err_title(unknown[i], "vi"), mc_err_title(MC_E_INTERNAL, "vi"));
	}
}

static void error_object(void **state)
{
	(void)state;
	struct mc_error e;
	mc_error_init(&e);
	assert_int_equal(e.code, 0);
	assert_string_equal(e.detail, "");
	assert_string_equal(e.log_detail, "");
	assert_int_equal(e.nfields, 0);
	assert_int_equal(e.retry_after, 0);

	assert_int_equal(mc_error_set(&e, MC_E_CONFLICT, "user %s exists", "an"), MC_E_CONFLICT);
	assert_int_equal(e.code, MC_E_CONFLICT);
	assert_string_equal(e.detail, "user an exists");
	/* the log-only detail is separate and accumulates */
	assert_int_equal(mc_error_log(&e, "sqlstate %s", "23505"), MC_E_CONFLICT);
	assert_int_equal(mc_error_log(&e, "table %s", "users"), MC_E_CONFLICT);
	assert_string_equal(e.log_detail, "sqlstate 23505; table users");
	assert_null(strstr(e.detail, "23505"));
	/* a new set replaces the public detail; NULL format clears it */
	assert_int_equal(mc_error_set(&e, MC_E_NOT_FOUND, NULL), MC_E_NOT_FOUND);
	assert_string_equal(e.detail, "");

	/* overlong details are truncated, never overflow */
	char longs[2000];
	memset(longs, 'x', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	mc_error_set(&e, MC_E_INVAL, "%s", longs);
	assert_int_equal(strlen(e.detail), sizeof(e.detail) - 1);
	for (int i = 0; i < 5; i++)
		mc_error_log(&e, "%s", longs);
	assert_true(strlen(e.log_detail) < sizeof(e.log_detail));
}

static void field_errors_capped(void **state)
{
	(void)state;
	struct mc_error e;
	mc_error_init(&e);
	static const char *const names[] = {"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9"};
	for (int i = 0; i < MC_MAX_FIELD_ERRORS + 8; i++)
		mc_error_field(&e, names[i % 10], "required", "Bắt buộc", "Required");
	assert_int_equal(e.nfields, MC_MAX_FIELD_ERRORS);
	assert_string_equal(e.fields[0].field, "f0");
	assert_string_equal(e.fields[MC_MAX_FIELD_ERRORS - 1].field, names[(MC_MAX_FIELD_ERRORS - 1) % 10]);
	assert_string_equal(e.fields[5].reason, "required");
	assert_string_equal(e.fields[5].vi, "Bắt buộc");
	assert_string_equal(e.fields[5].en, "Required");
	/* adding a field error does not change the code by itself */
	assert_int_equal(e.code, 0);
	mc_error_init(&e);
	assert_int_equal(e.nfields, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_rows_complete),
		cmocka_unit_test(codes_unique),
		cmocka_unit_test(well_known_codes),
		cmocka_unit_test(title_language),
		cmocka_unit_test(unknown_numbers_are_internal),
		cmocka_unit_test(error_object),
		cmocka_unit_test(field_errors_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
