/* testhooks.c - the hooks of the test build, empty here; see testhooks.h. */
#include "testhooks.h"
#include "banned.h"

struct mc_test_hooks mc_test_hooks;
