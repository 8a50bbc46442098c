/* fmt.c - JSON access, Vietnam-time wording, labels and validation shared by
 * the renderers; see fmt.h. */
#include "fmt.h"

#include "core/text.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

json_t *mc__jget(json_t *o, const char *path)
{
	char key[64];
	while (o && path && *path) {
		if (!json_is_object(o))
			return NULL;
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		o = json_object_get(o, key);
		path = dot ? dot + 1 : NULL;
	}
	return o;
}

/* Decode one UTF-8 sequence at p: its length, the code point in *cp
 * (-1 when invalid; the length is then 1). */
static int utf8_at(const unsigned char *p, long *cp)
{
	int n = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3 : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (n == 0) {
		*cp = -1;
		return 1;
	}
	long c = n == 1 ? p[0] : p[0] & (0x7f >> n);
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*cp = -1;
			return 1;
		}
		c = c << 6 | (p[i] & 0x3f);
	}
	static const long min[] = {0, 0, 0x80, 0x800, 0x10000};
	*cp = c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ? -1 : c;
	return n;
}

static int refused(long cp)
{
	return cp < 0 || (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe;
}

const char *mc__clean(struct mc_arena *a, const char *s)
{
	const unsigned char *p;
	long cp;
	for (p = (const unsigned char *)s; *p; p += utf8_at(p, &cp))
		if (utf8_at(p, &cp) && refused(cp))
			break;
	if (!*p)
		return s;
	/* U+FFFD is 3 bytes and replaces at least 1 */
	char *o = mc_alloc(a, 3 * strlen(s) + 1), *w = o;
	for (p = (const unsigned char *)s; *p;) {
		int n = utf8_at(p, &cp);
		if (refused(cp)) {
			memcpy(w, "\xef\xbf\xbd", 3);
			w += 3;
		} else {
			memcpy(w, p, (size_t)n);
			w += n;
		}
		p += n;
	}
	*w = '\0';
	return o;
}

const char *mc__jtext(struct mc_arena *a, json_t *o, const char *path)
{
	json_t *v = mc__jget(o, path);
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (s[strspn(s, " \t\r\n")] == '\0')
			return NULL;
		/* jansson guarantees valid UTF-8; NFC so that text composed with
		 * combining marks prints with Vietnamese precomposed glyphs */
		const char *n = mc_text_nfc(a, s);
		return mc__clean(a, n ? n : s);
	}
	if (json_is_integer(v))
		return mc_sprintf(a, "%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return mc_sprintf(a, "%g", json_real_value(v));
	return NULL;
}

long long mc__jint(json_t *o, const char *path, long long def)
{
	json_t *v = mc__jget(o, path);
	return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

int mc__vntime(const char *s, struct mc__vntime *t)
{
	int64_t ms;
	if (!s)
		return -1;
	memset(t, 0, sizeof(*t));
	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		char iso[32];
		snprintf(iso, sizeof(iso), "%sT00:00:00+07:00", s);
		if (mc_time_parse(iso, &ms))
			return -1;
		t->date_only = 1;
	} else if (mc_time_parse(s, &ms)) {
		return -1;
	}
	/* floor division: instants before 1970 stay on the right day */
	int64_t sec = ms / 1000 - (ms % 1000 < 0) + MC_VN_OFFSET_MIN * 60;
	int64_t days = sec / 86400 - (sec % 86400 < 0);
	int64_t rem = sec - days * 86400;
	mc_civil_from_days(days, &t->y, &t->mo, &t->d);
	t->h = (int)(rem / 3600);
	t->mi = (int)(rem % 3600 / 60);
	t->s = (int)(rem % 60);
	return 0;
}

const char *mc__fmt_time(struct mc_arena *a, const struct mc__vntime *t, enum mc__tstyle st)
{
	switch (st) {
	case MC__T_LONG:
		return mc_sprintf(a, "%02d giờ %02d phút, ngày %02d tháng %02d năm %04d", t->h, t->mi, t->d, t->mo,
				  t->y);
	case MC__T_DATE_LONG:
		return mc_sprintf(a, "ngày %02d tháng %02d năm %04d", t->d, t->mo, t->y);
	case MC__T_SHORT:
		return mc_sprintf(a, "%02d/%02d/%04d %02d:%02d", t->d, t->mo, t->y, t->h, t->mi);
	case MC__T_DATE:
		break;
	}
	return mc_sprintf(a, "%02d/%02d/%04d", t->d, t->mo, t->y);
}

const char *mc__jtime(struct mc_arena *a, json_t *o, const char *path, enum mc__tstyle st)
{
	struct mc__vntime t;
	json_t *v = mc__jget(o, path);
	if (!json_is_string(v) || mc__vntime(json_string_value(v), &t))
		return NULL;
	return mc__fmt_time(a, &t, st);
}

struct label {
	const char *key, *vi, *en;
};

static const char *lookup(const struct label *t, const char *key, int en)
{
	if (!key)
		return NULL;
	for (; t->key; t++)
		if (strcmp(t->key, key) == 0)
			return en ? t->en : t->vi;
	return key;
}

static const struct label paper_kinds[] = {
	{"original", "Bản chính", "Original"},
	{"certified_copy", "Bản sao chứng thực", "Certified copy"},
	{"copy", "Bản sao", "Copy"},
	{"presented", "Xuất trình", "Presented"},
	{"scan", "Bản điện tử (bản chụp)", "Electronic copy (scan)"},
	{"eform", "Tờ khai điện tử", "Electronic form"},
	{NULL, NULL, NULL},
};

static const struct label results[] = {
	{"early", "Trước hạn", "Early"},
	{"on_time", "Đúng hạn", "On time"},
	{"late", "Quá hạn", "Late"},
	{NULL, NULL, NULL},
};

static const struct label statuses[] = {
	{"submitted", "Chờ tiếp nhận", "Submitted"},
	{"received", "Đã tiếp nhận", "Received"},
	{"supplement_requested", "Yêu cầu bổ sung", "Supplement requested"},
	{"refused", "Từ chối", "Refused"},
	{"in_progress", "Đang giải quyết", "In progress"},
	{"approved", "Đã phê duyệt", "Approved"},
	{"result_ready", "Chờ trả kết quả", "Result ready"},
	{"returned", "Đã trả kết quả", "Returned"},
	{"withdrawn", "Đã rút hồ sơ", "Withdrawn"},
	{"stopped", "Dừng giải quyết", "Stopped"},
	{NULL, NULL, NULL},
};

static const struct label time_units[] = {
	{"working_day", "ngày làm việc", "working days"},
	{"day", "ngày", "days"},
	{"working_hour", "giờ làm việc", "working hours"},
	{"same_day", "trong ngày làm việc", "the same working day"},
	{"hour", "giờ", "hours"},
	{"month", "tháng", "months"},
	{NULL, NULL, NULL},
};

const char *mc__paper_kind_label(const char *kind, int en)
{
	return lookup(paper_kinds, kind, en);
}
const char *mc__result_label(const char *result, int en)
{
	return lookup(results, result, en);
}
const char *mc__status_label(const char *status, int en)
{
	return lookup(statuses, status, en);
}
const char *mc__time_unit_label(const char *unit, int en)
{
	return lookup(time_units, unit, en);
}

int mc__need_text(struct mc_error *e, struct mc_arena *a, json_t *o, const char *path)
{
	if (mc__jtext(a, o, path))
		return 1;
	mc_bad_field(e, path, MC_M_REQUIRED);
	e->code = MC_E_VALIDATION;
	return 0;
}

int mc__check_time(struct mc_error *e, json_t *o, const char *path, int required)
{
	struct mc__vntime t;
	json_t *v = mc__jget(o, path);
	if (!v || json_is_null(v)) {
		if (!required)
			return 1;
		mc_bad_field(e, path, MC_M_REQUIRED);
	} else if (!json_is_string(v) || mc__vntime(json_string_value(v), &t)) {
		mc_bad_field(e, path, MC_M_TIME_FORMAT);
	} else {
		return 1;
	}
	e->code = MC_E_VALIDATION;
	return 0;
}

int mc__need_str_array(struct mc_error *e, json_t *o, const char *path)
{
	json_t *v = mc__jget(o, path);
	size_t good = 0;
	if (json_is_array(v)) {
		json_t *it;
		size_t i;
		json_array_foreach(v, i, it) {
			if (!json_is_string(it) || json_string_length(it) == 0) {
				good = 0;
				break;
			}
			good++;
		}
	}
	if (good)
		return 1;
	mc_bad_field(e, path, MC_M_STRING_LIST_REQUIRED);
	e->code = MC_E_VALIDATION;
	return 0;
}

void mc__check_register(struct mc_error *e, struct mc_arena *a, json_t *agency, const char *period_from,
			const char *period_to, json_t *dossiers, struct mc__vntime *from, struct mc__vntime *to)
{
	mc__need_text(e, a, agency, "name");
	if (mc__vntime(period_from, from)) {
		mc_bad_field(e, "period_from", MC_M_DATE_FORMAT);
		e->code = MC_E_VALIDATION;
	}
	if (mc__vntime(period_to, to)) {
		mc_bad_field(e, "period_to", MC_M_DATE_FORMAT);
		e->code = MC_E_VALIDATION;
	}
	if (!json_is_array(dossiers)) {
		mc_bad_field(e, "dossiers", MC_M_NOT_DOSSIER_LIST);
		e->code = MC_E_VALIDATION;
	}
	size_t i;
	json_t *x;
	json_array_foreach(dossiers, i, x) {
		if (!json_is_object(x) || !mc__jtext(a, x, "code")) {
			mc_bad_field(e, "dossiers.code", MC_M_DOSSIER_CODE_REQUIRED);
			e->code = MC_E_VALIDATION;
			mc_error_log(e, "register: dossier #%zu has no code", i);
			break;
		}
	}
}

int mc__validation_done(struct mc_error *e, size_t nfields_before, const char *what)
{
	if (e->nfields == nfields_before)
		return 0;
	return mc_error_set(e, MC_E_VALIDATION, "Thiếu hoặc sai thông tin để in %s", what);
}
