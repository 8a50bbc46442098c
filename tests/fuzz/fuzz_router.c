/* fuzz_router.c - request paths against the real route table. */
#include "api/api.h"
#include "http/router.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {"GET", "POST", "PATCH", "DELETE", "HEAD", "PUT"};
	if (size < 1)
		return 0;
	const char *method = methods[data[0] % 6];
	char *path = malloc(size);
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	const struct mc_route *routes = mc_api_routes();
	int n = 0;
	while (routes[n].method)
		n++;
	struct mc_req r;
	memset(&r, 0, sizeof(r));
	r.arena = mc_arena_new(1024);
	int matched;
	char allow[64];
	int i = mc_route_match(routes, n, method, path, &r, &matched, allow, sizeof(allow));
	if (i >= n || r.nparams > MC_MAX_PARAMS)
		abort();
	for (int k = 0; i >= 0 && k < r.nparams; k++)
		if (!r.params[k][0] || strchr(r.params[k], '/'))
			abort(); /* a capture is one non-empty segment */
	mc_arena_free(r.arena);
	free(path);
	return 0;
}
