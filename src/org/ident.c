/* ident.c - citizen ID, tax code, phone, e-mail and date checks. */
#include "org.h"

#include "../core/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

/* The first three digits of a CCCD: '0' + the pre-2025 GSO province code
 * (data/cccd_province_prefixes.csv). */
static const char *const prefixes[] = {
	"001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022", "024", "025",
	"026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042", "044", "045", "046", "048",
	"049", "051", "052", "054", "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
	"077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
};

static int all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int mc_date_check(const char *d)
{
	int y, m, dd;
	char extra;
	/* digits where digits belong: sscanf's %d would take " 1" and "+1" */
	if (strlen(d) != 10 || strspn(d, "0123456789") != 4 || strspn(d + 5, "0123456789") != 2 ||
	    strspn(d + 8, "0123456789") != 2 || sscanf(d, "%4d-%2d-%2d%c", &y, &m, &dd, &extra) != 3 || d[4] != '-' ||
	    d[7] != '-')
		return 0;
	if (y < 1850 || y > 2200 || m < 1 || m > 12 || dd < 1)
		return 0;
	int cy, cm, cd;
	mc_civil_from_days(mc_days_from_civil(y, m, dd), &cy, &cm, &cd);
	return cd == dd && cm == m;
}

int mc_cccd_check(const char *id, const char *birth_date, const char *sex, struct mc_error *e, int *unknown_prefix)
{
	*unknown_prefix = 0;
	if (!id || !all_digits(id, 12)) {
		mc_bad_field(e, "id_number", MC_M_ID_NUMBER_FORMAT);
		return e->code = MC_E_VALIDATION;
	}
	int known = 0;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (memcmp(id, prefixes[i], 3) == 0)
			known = 1;
	*unknown_prefix = !known;
	int g = id[3] - '0';
	if (g > 9) {
		mc_bad_field(e, "id_number", MC_M_ID_CENTURY_DIGIT);
		return e->code = MC_E_VALIDATION;
	}
	/* digit 4: century (1900 + 100 * (g / 2)) and sex (even male, odd female) */
	int century = 1900 + 100 * (g / 2);
	int year = century + (id[4] - '0') * 10 + (id[5] - '0');
	if (birth_date && *birth_date) {
		int by = 0;
		if (!mc_date_check(birth_date)) {
			mc_bad_field(e, "birth_date", MC_M_BIRTH_DATE_FORMAT);
			return e->code = MC_E_VALIDATION;
		}
		sscanf(birth_date, "%4d", &by);
		if (by != year) {
			mc_bad_field(e, "id_number", MC_M_ID_BIRTH_YEAR_MISMATCH);
			return e->code = MC_E_VALIDATION;
		}
	}
	if (sex && *sex) {
		if (strcmp(sex, "M") != 0 && strcmp(sex, "F") != 0) {
			mc_bad_field(e, "sex", MC_M_SEX_ENUM);
			return e->code = MC_E_VALIDATION;
		}
		if ((g % 2 == 1) != (sex[0] == 'F')) {
			mc_bad_field(e, "id_number", MC_M_ID_SEX_MISMATCH);
			return e->code = MC_E_VALIDATION;
		}
	}
	return 0;
}

int mc_tax_code_check(const char *code)
{
	if (all_digits(code, 10))
		return 1;
	return strlen(code) == 14 && code[10] == '-' && all_digits(code + 11, 3) && isdigit((unsigned char)code[0]) &&
	       strspn(code, "0123456789") == 10;
}

int mc_phone_normalize(const char *p, char out[MC_PHONE_MAX])
{
	char d[16];
	size_t n = 0;
	const char *s = p;
	while (*s == ' ' || *s == '(')
		s++;
	int plus = *s == '+';
	if (plus)
		s++;
	/* the digits; spaces, dots, dashes and brackets only group them */
	for (; *s; s++) {
		if (isdigit((unsigned char)*s)) {
			if (n >= sizeof(d) - 1)
				return 0;
			d[n++] = *s;
		} else if (!strchr(" .-()", *s)) {
			return 0;
		}
	}
	d[n] = '\0';
	const char *nat; /* the national significant number: no 0, no 84 */
	if (plus || (strncmp(d, "84", 2) == 0 && (n == 11 || n == 12))) {
		if (strncmp(d, "84", 2) != 0)
			return 0; /* another country's number */
		nat = d + 2;
		if (*nat == '0')
			nat++; /* "+84 (0) 903...": the trunk 0 written as well */
	} else if (d[0] == '0') {
		nat = d + 1;
	} else {
		return 0;
	}
	size_t k = strlen(nat);
	if (!((k == 9 && nat[0] && strchr("35789", nat[0])) || (k == 10 && nat[0] == '2')))
		return 0;
	out[0] = '0';
	memcpy(out + 1, nat, k + 1);
	return 1;
}

int mc_phone_check(const char *p)
{
	char out[MC_PHONE_MAX];
	return mc_phone_normalize(p, out);
}

int mc_email_check(const char *e)
{
	size_t n = strlen(e);
	const char *at = strchr(e, '@');
	if (n < 5 || n > 254 || !at || at == e || strchr(at + 1, '@'))
		return 0;
	const char *dot = strrchr(at, '.');
	if (!dot || dot == at + 1 || dot[1] == '\0')
		return 0;
	for (const char *p = e; *p; p++)
		if (isspace((unsigned char)*p) || (unsigned char)*p < 0x21)
			return 0;
	return 1;
}
