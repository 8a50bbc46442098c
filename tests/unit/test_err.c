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

/* The placeholders {1}..{9} of a text, as a bit set. */
static unsigned placeholders(const char *t)
{
	unsigned set = 0;
	for (const char *p = strchr(t, '{'); p; p = strchr(p + 1, '{'))
		if (p[1] >= '1' && p[1] <= '9' && p[2] == '}')
			set |= 1u << (p[1] - '0');
	return set;
}

/* Every row of msg.def: a reason code in lower case, both texts, the
 * parameters numbered from 1 without a gap, each used by a text (most by
 * both: the Vietnamese and the English name of a paper are one each); no
 * text twice. */
static void message_table_consistent(void **state)
{
	(void)state;
	for (int m = 0; m < MC__M_COUNT; m++) {
		const char *reason = mc_msg_reason(m), *vi = mc_msg_text(m, "vi"), *en = mc_msg_text(m, "en");
		assert_true(reason[0] != '\0');
		assert_int_equal(strspn(reason, "abcdefghijklmnopqrstuvwxyz_"), strlen(reason));
		assert_true(vi[0] && en[0]);
		assert_true(strcmp(vi, en) != 0);
		unsigned pv = placeholders(vi), pe = placeholders(en);
		int n = mc_msg_params(m);
		unsigned all = n ? ((1u << (n + 1)) - 2) : 0u;
		if ((pv | pe) != all || (pv != pe && n < 2))
			fail_msg("msg.def row %d: the {n} of \"%s\" and \"%s\" do not fit", m, vi, en);
		for (int k = 0; k < m; k++)
			if (strcmp(mc_msg_text(k, "vi"), vi) == 0 && strcmp(mc_msg_reason(k), reason) == 0)
				fail_msg("msg.def rows %d and %d say the same: \"%s\"", k, m, vi);
	}
}

static void message_parameters_filled(void **state)
{
	(void)state;
	struct mc_error e;
	mc_error_init(&e);
	mc_bad_field(&e, "phone", MC_M_PHONE_FORMAT);
	mc_bad_fieldn(&e, "note", MC_M_TOO_LONG, 500);
	mc_bad_fieldn2(&e, "limit", MC_M_RANGE, 1, 100);
	assert_int_equal(e.nfields, 3);
	assert_string_equal(e.fields[0].reason, "format");
	assert_ptr_equal(e.fields[0].vi, mc_msg_text(MC_M_PHONE_FORMAT, "vi")); /* no parameter: the row itself */
	assert_string_equal(e.fields[1].reason, "too_long");
	assert_string_equal(e.fields[1].vi, "Dài quá 500 ký tự");
	assert_string_equal(e.fields[1].en, "Longer than 500 characters");
	assert_string_equal(e.fields[2].vi, "Giá trị phải từ 1 đến 100");
	assert_string_equal(e.fields[2].en, "Must be between 1 and 100");
	/* the texts live in the error object: a parameter may be gone after */
	char name[] = "xyz";
	mc_bad_field1(&e, "f", MC_M_TOO_LONG, name);
	name[0] = 'Q';
	assert_string_equal(e.fields[3].en, "Longer than xyz characters");
}

/* More messages than the text room holds: cut short, never past the end,
 * each still ending in NUL. */
static void message_room_bounded(void **state)
{
	(void)state;
	struct mc_error e;
	mc_error_init(&e);
	char big[600];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < MC_MAX_FIELD_ERRORS; i++)
		mc_bad_field1(&e, "f", MC_M_TOO_LONG, big);
	assert_int_equal(e.nfields, MC_MAX_FIELD_ERRORS);
	assert_true(e.ntext <= sizeof(e.text));
	for (size_t i = 0; i < e.nfields; i++) {
		assert_non_null(e.fields[i].vi);
		assert_true(strlen(e.fields[i].en) > 0);
	}
	assert_true(strncmp(e.fields[0].en, "Longer than xxx", 15) == 0);
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
		cmocka_unit_test(message_table_consistent),
		cmocka_unit_test(message_parameters_filled),
		cmocka_unit_test(message_room_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
