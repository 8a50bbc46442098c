/*
 * words.c - an amount of đồng in Vietnamese words, as a receipt writes it
 * under the figures ("Số tiền bằng chữ: Hai mươi nghìn đồng"): groups of
 * three digits read with trăm / mươi, "linh" for a zero ten, "mười" for
 * one ten, "mốt" and "lăm" after a ten, an inner group read in full
 * ("không trăm"), an empty group left out.
 */
#include "payment.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static const char *const digit[] = {"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"};
static const char *const scale[] = {"", " nghìn", " triệu", " tỷ", " nghìn tỷ"};

/* Append the words of group g (0-999); full: read the hundreds even when
 * zero (a group after a higher one). */
static void group(char *out, size_t n, int g, int full)
{
	int h = g / 100, t = g / 10 % 10, u = g % 10;
	size_t len = strlen(out);
#define ADD(...) (len += (size_t)snprintf(out + len, len < n ? n - len : 0, __VA_ARGS__), len = len < n ? len : n)
	if (h || full)
		ADD("%s%s trăm", len ? " " : "", digit[h]);
	if (t == 0 && u && (h || full))
		ADD(" linh");
	else if (t == 1)
		ADD("%smười", len ? " " : "");
	else if (t > 1)
		ADD("%s%s mươi", len ? " " : "", digit[t]);
	if (u) {
		const char *w = u == 1 && t > 1 ? "mốt" : u == 5 && t ? "lăm" : digit[u];
		ADD("%s%s", len ? " " : "", w);
	}
#undef ADD
}

int mc_vnd_words(int64_t amount, char *out, size_t n)
{
	if (amount < 0 || amount > 999999999999999LL || n < 32)
		return MC_E_INVAL;
	out[0] = '\0';
	if (amount == 0) {
		snprintf(out, n, "Không đồng");
		return 0;
	}
	int g[5];
	int64_t a = amount;
	for (int i = 0; i < 5; i++, a /= 1000)
		g[i] = (int)(a % 1000);
	int top = 4;
	while (top > 0 && !g[top])
		top--;
	for (int i = top; i >= 0; i--) {
		if (!g[i])
			continue;
		group(out, n, g[i], i != top);
		size_t len = strlen(out);
		snprintf(out + len, n - len, "%s", scale[i]);
	}
	size_t len = strlen(out);
	if (len + 6 >= n)
		return MC_E_TOO_BIG;
	snprintf(out + len, n - len, " đồng");
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
	return 0;
}
