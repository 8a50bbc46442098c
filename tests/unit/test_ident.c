/*
 * test_ident.c - identity-number and format checks: the 12-digit citizen ID
 * (province prefix, century and sex digit, birth year), tax codes, phone
 * numbers, e-mail addresses and calendar dates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "org/org.h"

#include <string.h>

static void cccd_ok(const char *id, const char *birth, const char *sex, int want_unknown)
{
	struct mc_error e;
	mc_error_init(&e);
	int unknown = -1;
	int rc = mc_cccd_check(id, birth, sex, &e, &unknown);
	if (rc != 0)
		fail_msg("%s (%s, %s) refused: %s", id, birth ? birth : "-", sex ? sex : "-",
			 e.nfields ? e.fields[0].reason : "?");
	assert_int_equal(e.nfields, 0);
	assert_int_equal(e.code, 0);
	assert_int_equal(unknown, want_unknown);
}

/* Expect a refusal with one field error (field, reason). */
static void cccd_bad(const char *id, const char *birth, const char *sex, const char *field, const char *reason)
{
	struct mc_error e;
	mc_error_init(&e);
	int unknown = -1;
	int rc = mc_cccd_check(id, birth, sex, &e, &unknown);
	if (rc != MC_E_VALIDATION)
		fail_msg("%s (%s, %s) accepted", id ? id : "NULL", birth ? birth : "-", sex ? sex : "-");
	assert_int_equal(e.code, MC_E_VALIDATION);
	assert_int_equal(e.nfields, 1);
	assert_string_equal(e.fields[0].field, field);
	assert_string_equal(e.fields[0].reason, reason);
	assert_true(strlen(e.fields[0].vi) > 0);
	assert_true(strlen(e.fields[0].en) > 0);
	assert_true(unknown == 0 || unknown == 1);
}

static void cccd_valid(void **state)
{
	(void)state;
	/* 079 = Ho Chi Minh City; digit 4 = 2: born in the 2000s, male; 03 = 2003 */
	cccd_ok("079203001234", NULL, NULL, 0);
	cccd_ok("079203001234", "2003-05-17", "M", 0);
	cccd_ok("079203001234", "", "", 0); /* empty means not given */
	/* 001 = Ha Noi; digit 4 = 1: 1900s, female; 85 = 1985 */
	cccd_ok("001185000001", "1985-01-01", "F", 0);
	/* 1900s male, 2000s female */
	cccd_ok("048090000123", "1990-12-31", "M", 0);
	cccd_ok("096310000001", "2010-02-28", "F", 0);
	/* digit 4 = 4/5: the 2100s */
	cccd_ok("001400000001", "2100-01-01", "M", 0);
	cccd_ok("001501000001", "2101-01-01", "F", 0);
	/* only sex, only birth date */
	cccd_ok("001185000001", NULL, "F", 0);
	cccd_ok("001185000001", "1985-07-07", NULL, 0);
	/* first and last prefixes of the table */
	cccd_ok("001000000000", NULL, NULL, 0);
	cccd_ok("096000000000", NULL, NULL, 0);
}

static void cccd_unknown_prefix(void **state)
{
	(void)state;
	/* 003 and 099 name no province: a warning, not an error */
	cccd_ok("003203001234", NULL, NULL, 1);
	cccd_ok("099185000001", "1985-01-01", "F", 1);
	cccd_ok("000000000000", NULL, NULL, 1);
	cccd_ok("100203001234", NULL, NULL, 1);
	/* the flag is still reported when another check fails */
	struct mc_error e;
	mc_error_init(&e);
	int unknown = 0;
	assert_int_equal(mc_cccd_check("003203001234", "2004-01-01", NULL, &e, &unknown), MC_E_VALIDATION);
	assert_int_equal(unknown, 1);
}

static void cccd_format(void **state)
{
	(void)state;
	cccd_bad(NULL, NULL, NULL, "id_number", "format");
	cccd_bad("", NULL, NULL, "id_number", "format");
	cccd_bad("07920300123", NULL, NULL, "id_number", "format");   /* 11 digits */
	cccd_bad("0792030012345", NULL, NULL, "id_number", "format"); /* 13 digits */
	cccd_bad("07920300123A", NULL, NULL, "id_number", "format");
	cccd_bad("O79203001234", NULL, NULL, "id_number", "format"); /* letter O */
	cccd_bad(" 79203001234", NULL, NULL, "id_number", "format");
	cccd_bad("079 203 001 234", NULL, NULL, "id_number", "format");
	cccd_bad("079-203-001234", NULL, NULL, "id_number", "format");
	cccd_bad("+79203001234", NULL, NULL, "id_number", "format");
	cccd_bad("０79203001234", NULL, NULL, "id_number", "format"); /* full-width 0 */
}

static void cccd_mismatch(void **state)
{
	(void)state;
	/* birth year */
	cccd_bad("079203001234", "2004-05-17", NULL, "id_number", "birth_year");
	cccd_bad("079203001234", "1903-05-17", NULL, "id_number", "birth_year"); /* wrong century */
	cccd_bad("001185000001", "2085-01-01", "F", "id_number", "birth_year");
	/* sex */
	cccd_bad("079203001234", "2003-05-17", "F", "id_number", "sex");
	cccd_bad("001185000001", "1985-01-01", "M", "id_number", "sex");
	cccd_bad("001185000001", NULL, "M", "id_number", "sex");
	/* malformed companions */
	cccd_bad("079203001234", "2003-02-30", "M", "birth_date", "format");
	cccd_bad("079203001234", "17/05/2003", "M", "birth_date", "format");
	cccd_bad("079203001234", "2003-05-17", "male", "sex", "enum");
	cccd_bad("079203001234", "2003-05-17", "m", "sex", "enum");
	cccd_bad("079203001234", "2003-05-17", "MF", "sex", "enum");
}

static void tax_codes(void **state)
{
	(void)state;
	assert_true(mc_tax_code_check("0101234567"));
	assert_true(mc_tax_code_check("0312345678"));
	assert_true(mc_tax_code_check("0101234567-001"));
	assert_true(mc_tax_code_check("0101234567-999"));
	assert_false(mc_tax_code_check(""));
	assert_false(mc_tax_code_check("010123456"));     /* 9 */
	assert_false(mc_tax_code_check("01012345678"));   /* 11 */
	assert_false(mc_tax_code_check("0101234567001")); /* 13 without the dash */
	assert_false(mc_tax_code_check("0101234567-01"));
	assert_false(mc_tax_code_check("0101234567-0011"));
	assert_false(mc_tax_code_check("0101234567_001"));
	assert_false(mc_tax_code_check("0101234567-00a"));
	assert_false(mc_tax_code_check("010123456a"));
	assert_false(mc_tax_code_check("010123456a-001"));
	assert_false(mc_tax_code_check("-101234567-001"));
	assert_false(mc_tax_code_check("0101234567-"));
	assert_false(mc_tax_code_check(" 0101234567"));
	assert_false(mc_tax_code_check("0101234567 "));
}

static void phones(void **state)
{
	(void)state;
	/* as people write them, all to one form */
	static const char *const same[] = {"0912345678",   "0912 345 678",    "0912.345.678", "0912-345-678",
					   "+84912345678", "+84 912 345 678", "84912345678",  "+84 (0) 912 345 678",
					   " 0912345678 ", "(091) 2345678",   "+840912345678"};
	char out[MC_PHONE_MAX];
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		assert_true(mc_phone_normalize(same[i], out));
		assert_string_equal(out, "0912345678");
	}
	/* mobile prefixes 03 05 07 08 09; landlines 02 + area code, 11 digits */
	assert_true(mc_phone_normalize("0356123456", out));
	assert_true(mc_phone_normalize("0567123456", out));
	assert_true(mc_phone_normalize("0789123456", out));
	assert_true(mc_phone_normalize("0889123456", out));
	assert_true(mc_phone_normalize("(028) 3829 6052", out));
	assert_string_equal(out, "02838296052");
	assert_true(mc_phone_normalize("+84 24 3825 3536", out));
	assert_string_equal(out, "02438253536");
	assert_true(mc_phone_normalize("84 24 3825 3536", out));
	assert_string_equal(out, "02438253536");
	assert_true(mc_phone_check("0912345678"));
	assert_false(mc_phone_check(""));
	assert_false(mc_phone_check("912345678"));   /* no leading 0 */
	assert_false(mc_phone_check("091234567"));   /* 9 digits */
	assert_false(mc_phone_check("09123456789")); /* 11 digits */
	assert_false(mc_phone_check("0012345678"));  /* international prefix */
	assert_false(mc_phone_check("0123456789"));  /* 01x: not a prefix since 2018 */
	assert_false(mc_phone_check("0412345678"));
	assert_false(mc_phone_check("0612345678"));
	assert_false(mc_phone_check("0281234567"));    /* a landline has 11 digits */
	assert_false(mc_phone_check("+8491234567"));   /* +84 and 8 digits */
	assert_false(mc_phone_check("+849123456789")); /* +84 and 10 digits */
	assert_false(mc_phone_check("+85912345678"));  /* another country */
	assert_false(mc_phone_check("+1 202 555 0100"));
	assert_false(mc_phone_check("8491234567")); /* 84 and 8 digits */
	assert_false(mc_phone_check("091234567a"));
	assert_false(mc_phone_check("0912/345/678"));
	assert_false(mc_phone_check("0912345678 ext 2"));
	assert_false(mc_phone_check("09123456789012345678"));
	assert_false(mc_phone_check("+"));
	assert_false(mc_phone_check("+84"));
	assert_false(mc_phone_check("++84912345678"));
}

static void emails(void **state)
{
	(void)state;
	assert_true(mc_email_check("a@b.vn"));
	assert_true(mc_email_check("nguyen.van.a@hochiminhcity.gov.vn"));
	assert_true(mc_email_check("x+tag@mail.example.com"));
	assert_false(mc_email_check(""));
	assert_false(mc_email_check("a@b"));
	assert_false(mc_email_check("plainaddress"));
	assert_false(mc_email_check("ab.cd@localhost")); /* dot only before @ */
	assert_false(mc_email_check("@example.vn"));
	assert_false(mc_email_check("a@@example.vn"));
	assert_false(mc_email_check("a@b@example.vn"));
	assert_false(mc_email_check("a@.vn"));
	assert_false(mc_email_check("a@example."));
	assert_false(mc_email_check("a b@example.vn"));
	assert_false(mc_email_check("ab@example.vn "));
	assert_false(mc_email_check("ab@exa\tmple.vn"));
	assert_false(mc_email_check("ab@exa\x01mple.vn"));
	/* at most 254 bytes */
	char longmail[300];
	memset(longmail, 'a', sizeof(longmail));
	memcpy(longmail + 254 - 7, "@abc.vn", 8); /* exactly 254 */
	assert_int_equal(strlen(longmail), 254);
	assert_true(mc_email_check(longmail));
	memset(longmail, 'a', sizeof(longmail));
	memcpy(longmail + 255 - 7, "@abc.vn", 8);
	assert_false(mc_email_check(longmail));
}

static void dates(void **state)
{
	(void)state;
	assert_true(mc_date_check("2024-02-29"));  /* leap */
	assert_false(mc_date_check("2023-02-29")); /* not leap */
	assert_true(mc_date_check("2000-02-29"));  /* divisible by 400 */
	assert_false(mc_date_check("1900-02-29")); /* divisible by 100 */
	assert_false(mc_date_check("2100-02-29"));
	assert_true(mc_date_check("2024-12-31"));
	assert_true(mc_date_check("2024-01-01"));
	assert_false(mc_date_check("2024-04-31"));
	assert_false(mc_date_check("2024-06-31"));
	assert_false(mc_date_check("2024-01-32"));
	assert_false(mc_date_check("2024-00-10"));
	assert_false(mc_date_check("2024-13-01"));
	assert_false(mc_date_check("2024-01-00"));
	/* range */
	assert_true(mc_date_check("1850-01-01"));
	assert_false(mc_date_check("1849-12-31"));
	assert_true(mc_date_check("2200-12-31"));
	assert_false(mc_date_check("2201-01-01"));
	/* shape */
	assert_false(mc_date_check(""));
	assert_false(mc_date_check("2024-1-01"));
	assert_false(mc_date_check("2024-01-1"));
	assert_false(mc_date_check("2024/01/01"));
	assert_false(mc_date_check("01-01-2024"));
	assert_false(mc_date_check("2024-01-01x"));
	assert_false(mc_date_check("2024-01-01T00:00:00Z"));
	assert_false(mc_date_check("20240101"));
	/* exactly ten characters, but not all digits where digits belong */
	assert_false(mc_date_check("2024- 1-01"));
	assert_false(mc_date_check("2024-+1-01"));
	assert_false(mc_date_check("2024-01- 1"));
	assert_false(mc_date_check("2024-01-+1"));
	assert_false(mc_date_check(" 2024-1-01"));
	assert_false(mc_date_check("2024-1a-01"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cccd_valid),  cmocka_unit_test(cccd_unknown_prefix),
		cmocka_unit_test(cccd_format), cmocka_unit_test(cccd_mismatch),
		cmocka_unit_test(tax_codes),   cmocka_unit_test(phones),
		cmocka_unit_test(emails),      cmocka_unit_test(dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
