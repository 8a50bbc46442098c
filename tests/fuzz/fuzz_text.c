/* fuzz_text.c - untrusted text: UTF-8 validation, NFC, search keys, the
 * identity checks (citizen ID, phone, e-mail, date) and time parsing. */
#include "core/arena.h"
#include "core/err.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "org/org.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	struct mc_arena *a = mc_arena_new(1024);
	if (mc_text_valid(s, 4096)) {
		char *n = mc_text_nfc(a, s);
		char *k = mc_text_search_key(a, s);
		/* a search key is never longer than its input and is stable */
		if (k && strlen(k) > strlen(s) * 3 + 4)
			abort();
		if (k && n) {
			char *k2 = mc_text_search_key(a, k);
			if (!k2 || strcmp(k, k2) != 0)
				abort();
		}
	}
	struct mc_error e;
	int unknown;
	mc_error_init(&e);
	mc_cccd_check(s, size > 12 ? s + 12 : NULL, NULL, &e, &unknown);
	mc_phone_check(s);
	mc_email_check(s);
	mc_date_check(s);
	mc_tax_code_check(s);
	int64_t ms;
	if (mc_time_parse(s, &ms) == 0) {
		char out[40];
		mc_time_format_utc(ms, out, sizeof(out));
	}
	mc_arena_free(a);
	free(s);
	return 0;
}
