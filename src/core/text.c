/* text.c - NFC and search keys with utf8proc; see text.h. */
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "banned.h"

int mc_text_valid(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n > max)
		return 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t off = 0;
	while ((size_t)off < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + off, (utf8proc_ssize_t)n - off, &cp);
		if (k <= 0)
			return 0;
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f)
			return 0;
		off += k;
	}
	return 1;
}

long mc_text_chars(const char *s)
{
	size_t n = strlen(s);
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t off = 0;
	long count = 0;
	while ((size_t)off < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + off, (utf8proc_ssize_t)n - off, &cp);
		if (k <= 0)
			return -1;
		off += k;
		count++;
	}
	return count;
}

int mc_text_valid_chars(const char *s, size_t max)
{
	/* a character is at most 4 bytes: the byte cap bounds the work */
	if (!mc_text_valid(s, max <= SIZE_MAX / 4 ? max * 4 : SIZE_MAX))
		return 0;
	long n = mc_text_chars(s);
	return n >= 0 && (size_t)n <= max;
}

int mc_text_person_name(const char *s)
{
	size_t n = strlen(s);
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t off = 0;
	int letters = 0, after_letter = 0;
	while ((size_t)off < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + off, (utf8proc_ssize_t)n - off, &cp);
		if (k <= 0)
			return 0;
		off += k;
		utf8proc_category_t cat = utf8proc_category(cp);
		int letter = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
		int mark = cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
		if (mark && !after_letter)
			return 0; /* a diacritic belongs on a letter */
		if (!letter && !mark && cp != ' ' && cp != '\'' && cp != 0x2019 && cp != '-' && cp != '.')
			return 0;
		letters += letter;
		after_letter = letter || (mark && after_letter);
	}
	return letters > 0;
}

int mc_text_abbreviation(const char *s, long max)
{
	size_t n = strlen(s);
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t off = 0;
	long chars = 0;
	int letters = 0;
	while ((size_t)off < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + off, (utf8proc_ssize_t)n - off, &cp);
		if (k <= 0)
			return 0;
		off += k;
		utf8proc_category_t cat = utf8proc_category(cp);
		int letter = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
		int mark = cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
		if (!letter && !(mark && chars) && !(cp >= '0' && cp <= '9') && cp != '&')
			return 0;
		letters += letter;
		chars += !mark;
	}
	return letters > 0 && chars <= max;
}

char *mc_text_nfc(struct mc_arena *a, const char *s)
{
	utf8proc_uint8_t *out = utf8proc_NFC((const utf8proc_uint8_t *)s);
	if (!out)
		return NULL;
	char *r = mc_strdup(a, (const char *)out);
	free(out);
	return r;
}

char *mc_text_search_key_dup(const char *s)
{
	utf8proc_uint8_t *d = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &d,
					  UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
						  UTF8PROC_CASEFOLD | UTF8PROC_COMPAT);
	if (n < 0)
		return NULL;
	/* d holds no more bytes than needed; the result is never longer. */
	char *out = mc_xmalloc((size_t)n + 1);
	size_t o = 0;
	int space = 1;
	for (utf8proc_ssize_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(d + i, n - i, &cp);
		if (k <= 0)
			break;
		if (cp == 0x0111 || cp == 0x0110) /* đ Đ do not decompose */
			cp = 'd';
		utf8proc_category_t cat = utf8proc_category(cp);
		int word = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
			   (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO) || cp == '.';
		if (!word) {
			if (!space)
				out[o++] = ' ';
			space = 1;
		} else {
			utf8proc_uint8_t buf[4];
			utf8proc_ssize_t w = utf8proc_encode_char(cp, buf);
			memcpy(out + o, buf, (size_t)w);
			o += (size_t)w;
			space = 0;
		}
		i += k;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	free(d);
	return out;
}

char *mc_text_unaccent_dup(const char *s)
{
	utf8proc_uint8_t *d = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &d,
					  UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK);
	if (n < 0)
		return NULL;
	char *out = mc_xmalloc((size_t)n + 1);
	size_t o = 0;
	for (utf8proc_ssize_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(d + i, n - i, &cp);
		if (k <= 0)
			break;
		if (cp == 0x0111) /* đ Đ do not decompose */
			cp = 'd';
		else if (cp == 0x0110)
			cp = 'D';
		utf8proc_uint8_t buf[4];
		utf8proc_ssize_t w = utf8proc_encode_char(cp, buf);
		memcpy(out + o, buf, (size_t)w);
		o += (size_t)w;
		i += k;
	}
	out[o] = '\0';
	free(d);
	return out;
}

char *mc_text_search_key(struct mc_arena *a, const char *s)
{
	char *k = mc_text_search_key_dup(s);
	if (!k)
		return NULL;
	char *r = mc_strdup(a, k);
	free(k);
	return r;
}

char *mc_text_like_key(const char *q)
{
	if (!q || !*q)
		return NULL;
	char *key = mc_text_search_key_dup(q);
	if (!key)
		return NULL;
	size_t n = strlen(key);
	char *like = mc_xmalloc(n + 3);
	like[0] = '%';
	memcpy(like + 1, key, n);
	memcpy(like + n + 1, "%", 2);
	free(key);
	return like;
}
