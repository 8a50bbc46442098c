/* fuzz_photo.c - untrusted photos and text of citizens' feedback: the
 * bytes decoded (JPEG or PNG) and encoded again, the EXIF GPS point read,
 * and the masking of personal data (never longer than its input). */
#include "core/arena.h"
#include "feedback/feedback.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mc_feedback_photo p;
	if (mc_feedback_photo_clean(data, size, 1, &p) == 0) {
		/* what comes out is an image that decodes again */
		struct mc_feedback_photo q;
		if (mc_feedback_photo_clean(p.data, p.n, 1, &q) != 0 || q.width != p.width || q.height != p.height)
			abort();
		mc_feedback_photo_release(&q);
		mc_feedback_photo_release(&p);
	}
	int64_t lat, lon;
	mc_feedback_exif_point(data, size, &lat, &lon);
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	struct mc_arena *a = mc_arena_new(1024);
	const char *m = mc_feedback_mask(a, s);
	if (strlen(m) > strlen(s))
		abort();
	mc_arena_free(a);
	free(s);
	return 0;
}
