/* only.c (tests) - MC_TEST_ONLY, a cmocka test filter; see only.h. */
#include "only.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

void mc_test_only_from_env(void)
{
	const char *only = getenv("MC_TEST_ONLY");
	if (only && *only)
		cmocka_set_test_filter(only);
}
