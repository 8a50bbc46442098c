/*
 * mask.c - personal data out of what the public reads: phone numbers,
 * 12-digit ID numbers and e-mail addresses in a report or an answer are
 * replaced by "***" before anything is shown.  Amounts ("1.000.000.000")
 * and dates are left alone: a number is masked when it has 10 to 12 digits
 * and starts as Vietnamese phones and ID numbers do (0, or 84 / +84).
 */
#include "feedback.h"

#include <string.h>

#include "../core/banned.h"

#define MASK "***"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int email_local(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || strchr("._%+-", c);
}

static int email_domain(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '-';
}

/* The length of a number to mask at s (0: none). */
static size_t number_at(const char *s)
{
	const char *p = s;
	if (*p == '+')
		p++;
	if (!is_digit(*p))
		return 0;
	char digits[16];
	size_t k = 0;
	const char *end = p;
	while (*p) {
		if (is_digit(*p)) {
			if (k < sizeof(digits))
				digits[k] = *p;
			k++;
			end = ++p;
		} else if ((*p == ' ' || *p == '.' || *p == '-') && is_digit(p[1])) {
			p++;
		} else {
			break;
		}
	}
	if (k < 10 || k > 12)
		return 0;
	if (digits[0] != '0' && !(digits[0] == '8' && digits[1] == '4'))
		return 0;
	return (size_t)(end - s);
}

/* The e-mail address starting at s (0: none): local@domain.tld. */
static size_t email_at(const char *s)
{
	size_t i = 0;
	while (s[i] && email_local(s[i]))
		i++;
	if (i == 0 || s[i] != '@')
		return 0;
	size_t j = i + 1, dot = 0;
	while (s[j] && email_domain(s[j]))
		j++;
	while (j > i + 1 && (s[j - 1] == '.' || s[j - 1] == '-'))
		j--;
	for (size_t k = i + 2; k + 1 < j; k++)
		if (s[k] == '.')
			dot = k;
	return dot ? j : 0;
}

/* 1 when s[i] begins a word (masking never starts mid-word). */
static int word_start(const char *s, size_t i)
{
	return i == 0 || !(email_local(s[i - 1]) || s[i - 1] == '@');
}

char *mc_feedback_mask(struct mc_arena *a, const char *s)
{
	size_t n = strlen(s), k = 0;
	char *out = mc_alloc(a, n + 1);
	for (size_t i = 0; i < n;) {
		size_t m = word_start(s, i) ? email_at(s + i) : 0;
		if (!m && word_start(s, i))
			m = number_at(s + i);
		if (m >= sizeof(MASK) - 1) {
			memcpy(out + k, MASK, sizeof(MASK) - 1);
			k += sizeof(MASK) - 1;
			i += m;
		} else {
			out[k++] = s[i++];
		}
	}
	out[k] = '\0';
	return out;
}
