/*
 * test_doc_number.c - the number and symbol of an outgoing document as
 * Decree 30/2020 writes them: the type's abbreviation and the issuer's
 * (15/QĐ-UBND), a công văn's issuer and drafting unit (12/UBND-VX), a
 * leading zero below 10, and what is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "document/document.h"

#include <string.h>

static void symbols_of_decree_30(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(mc_document_number_symbol(15, "QĐ", "UBND", NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "15/QĐ-UBND");
	assert_int_equal(mc_document_number_symbol(1, "QĐ", "UBND", "VX", out, sizeof(out)), 0);
	assert_string_equal(out, "01/QĐ-UBND"); /* a type's abbreviation wins over the unit */
	assert_int_equal(mc_document_number_symbol(9, "TTr", "STP", NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "09/TTr-STP");
	assert_int_equal(mc_document_number_symbol(12, NULL, "UBND", "VX", out, sizeof(out)), 0);
	assert_string_equal(out, "12/UBND-VX");
	assert_int_equal(mc_document_number_symbol(5, "", "UBND", "VHXH", out, sizeof(out)), 0);
	assert_string_equal(out, "05/UBND-VHXH");
	assert_int_equal(mc_document_number_symbol(1234, "QyĐ", "SGDĐT", NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "1234/QyĐ-SGDĐT");
}

static void what_is_refused(void **state)
{
	(void)state;
	char out[64], tiny[8];
	assert_int_equal(mc_document_number_symbol(0, "QĐ", "UBND", NULL, out, sizeof(out)), MC_E_INVAL);
	assert_int_equal(mc_document_number_symbol(3, "QĐ", NULL, NULL, out, sizeof(out)), MC_E_INVAL);
	assert_int_equal(mc_document_number_symbol(3, "QĐ", "", NULL, out, sizeof(out)), MC_E_INVAL);
	/* a công văn without its drafting unit has no symbol */
	assert_int_equal(mc_document_number_symbol(3, NULL, "UBND", NULL, out, sizeof(out)), MC_E_INVAL);
	assert_int_equal(mc_document_number_symbol(3, NULL, "UBND", "", out, sizeof(out)), MC_E_INVAL);
	assert_int_equal(mc_document_number_symbol(3, "QĐ", "UBND", NULL, tiny, sizeof(tiny)), MC_E_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(symbols_of_decree_30),
		cmocka_unit_test(what_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
