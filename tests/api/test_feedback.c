/*
 * test_feedback.c - citizens' feedback over HTTP (issue 16): a report
 * without an account needs a name and a phone in its normal form, each bad
 * field named; it is routed by category and ward (a department, the
 * ward's committee, the City office where a ward has none) and due after
 * the category's working days on the agency's calendar; the author and
 * the agency's officials get outbox rows.  Photos are checked by their
 * content (a text file named .jpg, a truncated PNG refused 415, more than
 * 5 MB 413, a fourth photo 409) and encoded again: a real JPEG carrying
 * an EXIF GPS point (made here with libjpeg and libexif) loses it by
 * default and keeps it alone with consent, the point then becoming the
 * report's; taken upright (EXIF orientation 6), it is turned so.  Nothing is public before the moderator approves the
 * text and the answer; phones, ID numbers and e-mails are masked in what is shown; a private answer never is public; a
 * hidden one needs a reason.  The public list is searched without diacritics and filtered.  Officials of another ward
 * are answered 404, acts need If-Match (428, 412); a report is reassigned with a reason (the new agency told), merged
 * into another, rated once by its author (with the secret); the figures per agency count received, answered, on time
 * and the mean rating.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "only.h"
#include "server.h"
#include "shell.h"
#include "testdb.h"

#include "core/calendar.h"
#include "db/db.h"
#include "dossier/holidays.h"
#include "feedback/feedback.h"

#include <curl/curl.h>
#include <jpeglib.h>
#include <libexif/exif-data.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct mc_test_server srv;
static char db_url[512], dir[64];
static struct mc_db *db;

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_int_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static int64_t count(const char *sql, const char *arg)
{
	return mc_test_db_int(db, sql, arg);
}

static int setup(void **state)
{
	(void)state;
	if (mc_test_scratch(dir, sizeof(dir), "feedback"))
		return -1;
	mc_test_db_setup(db_url, sizeof(db_url), 1, &db, 1);
	mc_test_server_start(&srv, db_url, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	int st = srv.pid > 0 ? mc_test_server_stop(&srv) : 0;
	if (st)
		fprintf(stderr, "the server ended with status %d\n", st);
	mc_test_db_drop(db_url, db);
	return mc_test_scratch_rm(dir) || st ? -1 : 0;
}

/* The field names of a 422 answer, ",a,b," into out. */
static void fields_of(json_t *problem, char *out, size_t n)
{
	size_t i, k = 0;
	json_t *e;
	out[k++] = ',';
	json_array_foreach(json_object_get(problem, "errors"), i, e)
		k += (size_t)snprintf(out + k, n - k, "%s,", jstr(e, "field"));
	out[k] = '\0';
}

/* A report without an account: its code and secret. */
struct made {
	char code[32], secret[16];
	json_int_t agency, version;
};

static long report(const char *body, struct made *m, struct mc_http_res *out)
{
	struct mc_http_session anon;
	struct mc_http_res r;
	mc_http_session_init(&anon, srv.base);
	long st = mc_http_post(&anon, "/api/v1/feedback", body, &r);
	if (st >= 500)
		fprintf(stderr, "report: %ld %s (server log %s)\n", st, r.body, srv.log);
	if (st == 201 && m) {
		snprintf(m->code, sizeof(m->code), "%s", jstr(r.json, "code"));
		snprintf(m->secret, sizeof(m->secret), "%s", jstr(r.json, "secret"));
		json_t *rep = json_object_get(r.json, "report");
		m->agency = jint(json_object_get(rep, "agency"), "id");
		m->version = jint(rep, "version");
	}
	if (out)
		*out = r;
	else
		mc_http_res_free(&r);
	return st;
}

static long simple(const char *category, const char *ward, const char *text, struct made *m)
{
	char body[2048];
	snprintf(body, sizeof(body),
		 "{\"category\": \"%s\", \"ward_code\": \"%s\", \"address\": \"12 Lê Lợi\", \"text\": \"%s\","
		 " \"name\": \"Lê Thị Hoa\", \"phone\": \"+84 903 123 456\", \"email\": \"hoa@example.vn\"}",
		 category, ward, text);
	return report(body, m, NULL);
}

static int64_t agency_id(const char *code)
{
	return count("SELECT id FROM agencies WHERE code = ?", code);
}

/* POST path with If-Match "v<version>" (version < 0: none) as s. */
static long act(struct mc_http_session *s, const char *path, json_int_t version, const char *body,
		struct mc_http_res *r)
{
	char etag[40];
	snprintf(etag, sizeof(etag), "If-Match: \"v%lld\"", (long long)version);
	const char *h[] = {etag, NULL};
	assert_int_equal(mc_http_do(s, "POST", path, body, version >= 0 ? h : NULL, r), 0);
	return r->status;
}

/* An act on report m by who, at m's version; the new version into m. */
static long act_as(const char *who, struct made *m, const char *what, const char *body, struct mc_http_res *r)
{
	struct mc_http_session s;
	char path[128];
	mc_http_login_as(&s, srv.base, who);
	snprintf(path, sizeof(path), "/api/v1/feedback/%s/%s", m->code, what);
	long st = act(&s, path, m->version, body, r);
	if (st == 200)
		m->version = jint(r->json, "version");
	return st;
}

static long act_ok(const char *who, struct made *m, const char *what, const char *body)
{
	struct mc_http_res r;
	long st = act_as(who, m, what, body, &r);
	if (st != 200)
		fail_msg("%s %s by %s: %ld %s", what, m->code, who, st, r.body);
	mc_http_res_free(&r);
	return st;
}

/* GET a report as who (NULL: anyone), with the secret when given. */
static long get_report(const char *who, const struct made *m, const char *secret, struct mc_http_res *r)
{
	struct mc_http_session s;
	char path[128];
	if (who)
		mc_http_login_as(&s, srv.base, who);
	else
		mc_http_session_init(&s, srv.base);
	snprintf(path, sizeof(path), "/api/v1/feedback/%s%s%s", m->code, secret ? "?s=" : "", secret ? secret : "");
	return mc_http_get(&s, path, r);
}

static void report_validated_routed_due(void **state)
{
	(void)state;
	struct mc_http_res r;
	char f[512];
	/* every field wrong at once, without an account */
	assert_int_equal(report("{\"category\": \"potholes\", \"ward_code\": \"99999\", \"lat\": 48.85, \"lon\":"
				" 2.35, \"phone\": \"12345\"}",
				NULL, &r),
			 422);
	fields_of(r.json, f, sizeof(f));
	mc_http_res_free(&r);
	const char *want[] = {",category,", ",ward_code,", ",address,", ",text,",
			      ",name,",     ",phone,",     ",lat,",     ",lon,"};
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++)
		if (!strstr(f, want[i]))
			fail_msg("%s not in %s", want[i], f);
	/* a ward of another province; a latitude without its longitude */
	char other[16], body[1024];
	snprintf(other, sizeof(other), "%05lld",
		 (long long)count("SELECT MIN(CAST(code AS INTEGER)) FROM units WHERE era = 'current' AND level ="
				  " 'ward' AND province_code = '01'",
				  NULL));
	snprintf(body, sizeof(body),
		 "{\"category\": \"roads\", \"ward_code\": \"%s\", \"address\": \"A\", \"text\": \"T\", \"name\":"
		 " \"Lê Hoa\", \"phone\": \"0903123456\", \"lat\": 10.77}",
		 other);
	assert_int_equal(report(body, NULL, &r), 422);
	fields_of(r.json, f, sizeof(f));
	assert_string_equal(f, ",lon,ward_code,");
	mc_http_res_free(&r);
	/* roads go to the Department of Construction, due 5 working days on */
	struct made a, b, c;
	assert_int_equal(simple("roads", "26740", "Ổ gà lớn trên đường Lê Lợi", &a), 201);
	assert_int_equal(a.agency, agency_id("000.00.03.H29"));
	assert_int_equal(strlen(a.secret), 9);
	struct mc_conn *conn;
	struct mc_calendar cal;
	int64_t due;
	int64_t received = count("SELECT received_at FROM feedback_reports WHERE code = ?", a.code);
	assert_int_equal(mc_db_acquire(db, &conn), 0);
	assert_int_equal(mc_holidays_calendar_for(conn, a.agency, &cal), 0);
	assert_int_equal(mc_cal_due_days(&cal, received, 5, &due), 0);
	mc_cal_release(&cal);
	mc_db_release(conn);
	assert_int_equal(count("SELECT due_at FROM feedback_reports WHERE code = ?", a.code), due);
	/* urban order to the ward's committee; a ward without one: the City office */
	assert_int_equal(simple("order", "26740", "Lấn chiếm vỉa hè", &b), 201);
	assert_int_equal(b.agency, agency_id("000.01.31.H29"));
	char bare[16];
	snprintf(bare, sizeof(bare), "%05lld",
		 (long long)count("SELECT MIN(CAST(code AS INTEGER)) FROM units WHERE era = 'current' AND level ="
				  " 'ward' AND province_code = '79' AND code NOT IN (SELECT unit_code FROM agencies)",
				  NULL));
	assert_int_equal(simple("admin", bare, "Chậm trả kết quả", &c), 201);
	assert_int_equal(c.agency, agency_id("000.00.01.H29"));
	/* the author told (phone in its normal form, the link), the agency's officials told */
	int64_t id = count("SELECT id FROM feedback_reports WHERE code = ?", a.code);
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM outbox WHERE topic = 'feedback_reports' AND topic_id = %lld AND event ="
		 " 'feedback_received' AND recipient LIKE '%%\"phone\":\"0903123456\"%%' AND payload LIKE ?",
		 (long long)id);
	char like[64];
	snprintf(like, sizeof(like), "%%\"link\":\"/phan-anh/%s\"%%", a.code);
	assert_int_equal(count(sql, like), 1);
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM outbox WHERE topic = 'feedback_reports' AND topic_id = %lld AND event ="
		 " 'feedback_assigned' AND recipient LIKE ?",
		 (long long)id);
	snprintf(like, sizeof(like), "%%\"user_id\":%lld,%%",
		 (long long)count("SELECT id FROM users WHERE username = ?", "chuyenvien.sxd"));
	assert_int_equal(count(sql, like), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'feedback.report'", NULL), 3);
	/* signed in: no phone needed, the account is the author */
	struct mc_http_session cz;
	mc_http_login_as(&cz, srv.base, "079203001234");
	assert_int_equal(mc_http_post(&cz, "/api/v1/feedback",
				      "{\"category\": \"waste\", \"ward_code\": \"26740\", \"address\": \"Hẻm 5\","
				      " \"text\": \"Rác tồn đọng\"}",
				      &r),
			 201);
	assert_int_equal(jint(json_object_get(json_object_get(r.json, "report"), "agency"), "id"),
			 agency_id("000.00.04.H29"));
	char mine[32];
	snprintf(mine, sizeof(mine), "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
	/* their reports: theirs alone */
	assert_int_equal(mc_http_get(&cz, "/api/v1/my/feedback", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_string_equal(jstr(json_array_get(json_object_get(r.json, "items"), 0), "code"), mine);
	mc_http_res_free(&r);
	struct mc_http_session bi;
	mc_http_login_as(&bi, srv.base, "079185176822");
	assert_int_equal(mc_http_get(&bi, "/api/v1/my/feedback", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&cz, "/api/v1/feedback-categories", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 6);
	mc_http_res_free(&r);
}

/* ---- photos ---- */

/* A w x h JPEG (*n bytes, malloc'd) carrying, when lat is not 0, an EXIF
 * block with a camera make and a GPS point. */
static unsigned char *make_jpeg(int w, int h, double lat, double lon, size_t *n)
{
	unsigned char *app1 = NULL;
	unsigned n1 = 0;
	if (lat != 0) {
		ExifData *d = exif_data_new();
		exif_data_set_byte_order(d, EXIF_BYTE_ORDER_INTEL);
		ExifEntry *make = exif_entry_new();
		make->data = malloc(6);
		memcpy(make->data, "Canon", 6);
		make->size = make->components = 6;
		make->format = EXIF_FORMAT_ASCII;
		make->tag = EXIF_TAG_MAKE;
		exif_content_add_entry(d->ifd[EXIF_IFD_0], make);
		/* held upright: turned a quarter clockwise to be seen */
		ExifEntry *turn = exif_entry_new();
		turn->data = malloc(2);
		exif_set_short(turn->data, EXIF_BYTE_ORDER_INTEL, 6);
		turn->size = 2;
		turn->components = 1;
		turn->format = EXIF_FORMAT_SHORT;
		turn->tag = EXIF_TAG_ORIENTATION;
		exif_content_add_entry(d->ifd[EXIF_IFD_0], turn);
		exif_entry_unref(turn);
		double v[2] = {lat, lon};
		ExifTag tags[2] = {EXIF_TAG_GPS_LATITUDE, EXIF_TAG_GPS_LONGITUDE};
		ExifTag refs[2] = {EXIF_TAG_GPS_LATITUDE_REF, EXIF_TAG_GPS_LONGITUDE_REF};
		for (int i = 0; i < 2; i++) {
			ExifEntry *e = exif_entry_new();
			e->data = malloc(24);
			e->size = 24;
			e->components = 3;
			e->format = EXIF_FORMAT_RATIONAL;
			e->tag = tags[i];
			double deg = v[i];
			ExifRational p[3] = {
				{(ExifLong)deg, 1},
				{(ExifLong)((deg - (int)deg) * 60), 1},
				{(ExifLong)(((deg - (int)deg) * 60 - (int)((deg - (int)deg) * 60)) * 60 * 1000), 1000}};
			for (int k = 0; k < 3; k++)
				exif_set_rational(e->data + 8 * k, EXIF_BYTE_ORDER_INTEL, p[k]);
			exif_content_add_entry(d->ifd[EXIF_IFD_GPS], e);
			exif_entry_unref(e);
			ExifEntry *ref = exif_entry_new();
			ref->data = malloc(2);
			ref->data[0] = i ? 'E' : 'N';
			ref->data[1] = 0;
			ref->size = 2;
			ref->components = 2;
			ref->format = EXIF_FORMAT_ASCII;
			ref->tag = refs[i];
			exif_content_add_entry(d->ifd[EXIF_IFD_GPS], ref);
			exif_entry_unref(ref);
		}
		exif_entry_unref(make);
		exif_data_save_data(d, &app1, &n1);
		exif_data_unref(d);
	}
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr err;
	unsigned char *out = NULL;
	unsigned long size = 0;
	c.err = jpeg_std_error(&err);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &out, &size);
	c.image_width = (JDIMENSION)w;
	c.image_height = (JDIMENSION)h;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_start_compress(&c, TRUE);
	if (app1)
		jpeg_write_marker(&c, JPEG_APP0 + 1, app1, n1);
	unsigned char *row = malloc((size_t)w * 3);
	while (c.next_scanline < c.image_height) {
		for (int x = 0; x < w * 3; x++)
			row[x] = (unsigned char)((x + (int)c.next_scanline * 7) & 0xff);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(row);
	free(app1);
	*n = size;
	return out;
}

static size_t sink(void *p, size_t sz, size_t nm, void *ud)
{
	struct mc_http_res *r = ud;
	size_t k = sz * nm;
	r->body = realloc(r->body, r->len + k + 1);
	memcpy(r->body + r->len, p, k);
	r->len += k;
	r->body[r->len] = '\0';
	return k;
}

/* POST n bytes to path as anyone (content type ctype); the status. */
static long post_bytes(const char *path, const void *data, size_t n, const char *ctype, struct mc_http_res *r)
{
	char url[512], ct[80];
	snprintf(url, sizeof(url), "%s%s", srv.base, path);
	snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
	memset(r, 0, sizeof(*r));
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, ct);
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, data);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (!r->body)
		r->body = calloc(1, 1);
	r->json = json_loadb(r->body, r->len, 0, NULL);
	return r->status;
}

/* A stored photo's bytes, read as anyone with the secret. */
static void fetch_photo(const struct made *m, int n, struct mc_http_res *r)
{
	struct mc_http_session anon;
	char path[160];
	mc_http_session_init(&anon, srv.base);
	snprintf(path, sizeof(path), "/api/v1/feedback/%s/photos/%d?s=%s", m->code, n, m->secret);
	assert_int_equal(mc_http_get(&anon, path, r), 200);
}

static void photos_checked_and_stripped(void **state)
{
	(void)state;
	struct made m;
	struct mc_http_res r;
	char path[160];
	assert_int_equal(simple("lighting", "26740", "Đèn đường hỏng", &m), 201);
	size_t n;
	unsigned char *jpg = make_jpeg(64, 48, 10.7769, 106.7009, &n);
	int64_t lat, lon;
	assert_int_equal(mc_feedback_exif_point(jpg, n, &lat, &lon), 0);
	assert_true(llabs(lat - 10776900) < 5 && llabs(lon - 106700900) < 5);
	/* by anyone but the author: 404 */
	snprintf(path, sizeof(path), "/api/v1/feedback/%s/photos", m.code);
	assert_int_equal(post_bytes(path, jpg, n, "image/jpeg", &r), 404);
	mc_http_res_free(&r);
	/* by default the location goes: the stored JPEG has no EXIF at all */
	snprintf(path, sizeof(path), "/api/v1/feedback/%s/photos?s=%s", m.code, m.secret);
	assert_int_equal(post_bytes(path, jpg, n, "image/jpeg", &r), 201);
	assert_false(json_is_true(json_object_get(r.json, "location_kept")));
	/* turned upright as the camera said: 64 x 48 held upright */
	assert_int_equal(jint(r.json, "width"), 48);
	assert_int_equal(jint(r.json, "height"), 64);
	mc_http_res_free(&r);
	fetch_photo(&m, 1, &r);
	assert_string_equal(mc_http_header(&r, "Content-Type"), "image/jpeg");
	assert_memory_equal(r.body, "\xFF\xD8\xFF", 3);
	assert_int_equal(mc_feedback_exif_point(r.body, r.len, &lat, &lon), MC_E_NOT_FOUND);
	assert_null(memmem(r.body, r.len, "Exif", 4));
	mc_http_res_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM feedback_reports WHERE code = ? AND lat_e6 IS NULL", m.code), 1);
	/* with consent: the point alone is kept, and becomes the report's */
	snprintf(path, sizeof(path), "/api/v1/feedback/%s/photos?s=%s&keep_location=1", m.code, m.secret);
	assert_int_equal(post_bytes(path, jpg, n, "image/jpeg", &r), 201);
	assert_true(json_is_true(json_object_get(r.json, "location_kept")));
	mc_http_res_free(&r);
	fetch_photo(&m, 2, &r);
	assert_int_equal(mc_feedback_exif_point(r.body, r.len, &lat, &lon), 0);
	assert_true(llabs(lat - 10776900) < 5 && llabs(lon - 106700900) < 5);
	assert_null(memmem(r.body, r.len, "Canon", 5));
	mc_http_res_free(&r);
	assert_true(llabs(count("SELECT lat_e6 FROM feedback_reports WHERE code = ?", m.code) - 10776900) < 5);
	/* a text file named and typed as a JPEG, a truncated PNG: 415; too big: 413 */
	const char *text = "\xFF\xD8\xFF this is not a photo, whatever its name says";
	assert_int_equal(post_bytes(path, text, strlen(text), "image/jpeg", &r), 415);
	mc_http_res_free(&r);
	assert_int_equal(post_bytes(path, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, "image/png", &r), 415);
	mc_http_res_free(&r);
	assert_int_equal(post_bytes(path, "hello", 5, "image/jpeg", &r), 415);
	mc_http_res_free(&r);
	size_t big = (5u << 20) + 1;
	unsigned char *huge = calloc(1, big);
	memcpy(huge, jpg, n);
	assert_int_equal(post_bytes(path, huge, big, "image/jpeg", &r), 413);
	mc_http_res_free(&r);
	free(huge);
	/* too small in pixels: 422 */
	size_t tn;
	unsigned char *tiny = make_jpeg(8, 8, 0, 0, &tn);
	assert_int_equal(post_bytes(path, tiny, tn, "image/jpeg", &r), 422);
	mc_http_res_free(&r);
	free(tiny);
	/* three photos at most */
	assert_int_equal(post_bytes(path, jpg, n, "image/jpeg", &r), 201);
	mc_http_res_free(&r);
	assert_int_equal(post_bytes(path, jpg, n, "image/jpeg", &r), 409);
	mc_http_res_free(&r);
	free(jpg);
	assert_int_equal(count("SELECT COUNT(*) FROM feedback_photos p JOIN feedback_reports r ON r.id = p.report_id"
			       " WHERE r.code = ?",
			       m.code),
			 3);
	/* nobody else reads them before the report is public */
	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	snprintf(path, sizeof(path), "/api/v1/feedback/%s/photos/1", m.code);
	assert_int_equal(mc_http_get(&anon, path, &r), 404);
	mc_http_res_free(&r);
}

/* ---- moderation, answers, the public list ---- */

static long public_list(const char *query, struct mc_http_res *r)
{
	struct mc_http_session anon;
	char path[512];
	mc_http_session_init(&anon, srv.base);
	snprintf(path, sizeof(path), "/api/v1/feedback%s", query);
	return mc_http_get(&anon, path, r);
}

/* 1 when code is in the list's items. */
static int listed(json_t *list, const char *code)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(list, "items"), i, it)
		if (strcmp(jstr(it, "code"), code) == 0)
			return 1;
	return 0;
}

static void moderation_masking_public_search(void **state)
{
	(void)state;
	struct made m, p;
	struct mc_http_res r;
	assert_int_equal(simple("order", "26740",
				"Quán nhậu lấn chiếm lòng đường Nguyễn Huệ, gọi tôi 0903 123 456 hoặc"
				" hoa.le@gmail.com, CCCD 079185176822",
				&m),
			 201);
	/* not public before anything is approved */
	assert_int_equal(get_report(NULL, &m, NULL, &r), 404);
	mc_http_res_free(&r);
	/* the author reads it all with the secret */
	assert_int_equal(get_report(NULL, &m, m.secret, &r), 200);
	assert_non_null(strstr(jstr(r.json, "text"), "0903 123 456"));
	assert_true(json_is_true(json_object_get(json_object_get(r.json, "my"), "author")));
	mc_http_res_free(&r);
	/* the ward answers publicly (If-Match required) */
	struct mc_http_session ward;
	char path[128];
	mc_http_login_as(&ward, srv.base, "chuyenvien.p26740");
	snprintf(path, sizeof(path), "/api/v1/feedback/%s/answer", m.code);
	const char *ans = "{\"text\": \"Phường đã lập biên bản, yêu cầu tháo dỡ; liên hệ 0283 8123 456\"}";
	assert_int_equal(act(&ward, path, -1, ans, &r), 428);
	mc_http_res_free(&r);
	assert_int_equal(act(&ward, path, m.version + 5, ans, &r), 412);
	mc_http_res_free(&r);
	act_ok("chuyenvien.p26740", &m, "answer", ans);
	/* answered, still not public: the moderator approves the text, then the answer */
	assert_int_equal(get_report(NULL, &m, NULL, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(
		act_as("chuyenvien.p26740", &m, "moderation", "{\"target\": \"text\", \"decision\": \"approve\"}", &r),
		403);
	mc_http_res_free(&r);
	assert_int_equal(act_as("vanthu.vp", &m, "moderation", "{\"target\": \"text\", \"decision\": \"hide\"}", &r),
			 422);
	mc_http_res_free(&r);
	act_ok("vanthu.vp", &m, "moderation", "{\"target\": \"text\", \"decision\": \"approve\"}");
	assert_int_equal(get_report(NULL, &m, NULL, &r), 404);
	mc_http_res_free(&r);
	act_ok("vanthu.vp", &m, "moderation", "{\"target\": \"answer\", \"decision\": \"approve\"}");
	/* public now, with personal data masked */
	assert_int_equal(get_report(NULL, &m, NULL, &r), 200);
	const char *text = jstr(r.json, "text");
	assert_null(strstr(text, "0903"));
	assert_null(strstr(text, "gmail"));
	assert_null(strstr(text, "079185176822"));
	assert_non_null(strstr(text, "lấn chiếm lòng đường Nguyễn Huệ, gọi tôi *** hoặc ***, CCCD ***"));
	assert_null(strstr(jstr(json_object_get(r.json, "answer"), "text"), "8123"));
	assert_null(json_object_get(r.json, "author_contact"));
	assert_null(json_object_get(r.json, "events"));
	mc_http_res_free(&r);
	/* searched without diacritics, filtered */
	assert_int_equal(public_list("?q=lan%20chiem%20long%20duong", &r), 200);
	assert_true(listed(r.json, m.code));
	mc_http_res_free(&r);
	assert_int_equal(public_list("?q=LẤN%20CHIẾM&category=order&ward_code=26740", &r), 200);
	assert_true(listed(r.json, m.code));
	mc_http_res_free(&r);
	assert_int_equal(public_list("?q=lan%20chiem&category=roads", &r), 200);
	assert_false(listed(r.json, m.code));
	mc_http_res_free(&r);
	char q[64];
	snprintf(q, sizeof(q), "?agency_id=%lld", (long long)agency_id("000.00.03.H29"));
	assert_int_equal(public_list(q, &r), 200);
	assert_false(listed(r.json, m.code));
	mc_http_res_free(&r);
	/* the author was told, with the link */
	int64_t id = count("SELECT id FROM feedback_reports WHERE code = ?", m.code);
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM outbox WHERE topic = 'feedback_reports' AND topic_id = %lld AND event ="
		 " 'feedback_answered' AND payload LIKE ?",
		 (long long)id);
	char like[64];
	snprintf(like, sizeof(like), "%%/phan-anh/%s%%", m.code);
	assert_int_equal(count(sql, like), 1);
	/* a private answer is the author's only, approved or not */
	assert_int_equal(simple("order", "26740", "Tiếng ồn karaoke ban đêm", &p), 201);
	act_ok("chutich.p26740", &p, "answer", "{\"text\": \"Đã nhắc nhở hộ kinh doanh\", \"public\": false}");
	act_ok("vanthu.vp", &p, "moderation", "{\"target\": \"text\", \"decision\": \"approve\"}");
	act_ok("vanthu.vp", &p, "moderation", "{\"target\": \"answer\", \"decision\": \"approve\"}");
	assert_int_equal(get_report(NULL, &p, NULL, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(get_report(NULL, &p, p.secret, &r), 200);
	assert_string_equal(jstr(json_object_get(r.json, "answer"), "text"), "Đã nhắc nhở hộ kinh doanh");
	mc_http_res_free(&r);
	assert_int_equal(public_list("?q=karaoke", &r), 200);
	assert_false(listed(r.json, p.code));
	mc_http_res_free(&r);
	/* hidden with a reason: not public any more */
	act_ok("vanthu.vp", &m, "moderation",
	       "{\"target\": \"text\", \"decision\": \"hide\", \"reason\": \"Lời lẽ xúc phạm\"}");
	assert_int_equal(get_report(NULL, &m, NULL, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'feedback.moderate'", NULL), 5);
}

/* ---- who may act ---- */

static void another_ward_sees_nothing(void **state)
{
	(void)state;
	struct made m;
	struct mc_http_res r;
	assert_int_equal(simple("order", "26740", "Xe máy đậu trên vỉa hè", &m), 201);
	assert_int_equal(get_report("chuyenvien.p26743", &m, NULL, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(act_as("chuyenvien.p26743", &m, "answer", "{\"text\": \"x\"}", &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(get_report("079185176822", &m, NULL, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(get_report(NULL, &m, "AAAA-AAAA", &r), 404);
	mc_http_res_free(&r);
	/* the ward's official sees it (with the trail), the work list has it */
	assert_int_equal(get_report("chuyenvien.p26740", &m, NULL, &r), 200);
	assert_true(json_array_size(json_object_get(r.json, "events")) >= 1);
	assert_string_equal(jstr(json_object_get(r.json, "author_contact"), "phone"), "0903123456");
	mc_http_res_free(&r);
	struct mc_http_session w;
	mc_http_login_as(&w, srv.base, "chuyenvien.p26740");
	assert_int_equal(mc_http_get(&w, "/api/v1/feedback-work?state=open", &r), 200);
	assert_true(listed(r.json, m.code));
	mc_http_res_free(&r);
	mc_http_login_as(&w, srv.base, "chuyenvien.p26743");
	assert_int_equal(mc_http_get(&w, "/api/v1/feedback-work", &r), 200);
	assert_false(listed(r.json, m.code));
	mc_http_res_free(&r);
	/* the moderation queue is the moderators' */
	assert_int_equal(mc_http_get(&w, "/api/v1/feedback-moderation", &r), 403);
	mc_http_res_free(&r);
	mc_http_login_as(&w, srv.base, "vanthu.vp");
	assert_int_equal(mc_http_get(&w, "/api/v1/feedback-moderation", &r), 200);
	assert_true(listed(r.json, m.code));
	mc_http_res_free(&r);
}

static void reassign_merge_rate_figures(void **state)
{
	(void)state;
	struct made a, b, c;
	struct mc_http_res r;
	char body[256];
	assert_int_equal(simple("roads", "26743", "Cây xanh đổ chắn đường Lê Thánh Tôn", &a), 201);
	/* reassigned, with a reason, to the Department of Agriculture and Environment */
	int64_t snnmt = agency_id("000.00.04.H29");
	snprintf(body, sizeof(body), "{\"agency_id\": %lld}", (long long)snnmt);
	assert_int_equal(act_as("chuyenvien.sxd", &a, "reassign", body, &r), 422);
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"agency_id\": %lld, \"reason\": \"Cây xanh do Sở NN&MT quản lý\"}",
		 (long long)snnmt);
	assert_int_equal(act_as("chuyenvien.sxd", &a, "reassign", body, &r), 200);
	/* the department no longer sees it */
	assert_null(json_object_get(r.json, "events"));
	mc_http_res_free(&r);
	assert_int_equal(get_report("chuyenvien.sxd", &a, NULL, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(get_report("chuyenvien.snnmt", &a, NULL, &r), 200);
	assert_int_equal(jint(json_object_get(r.json, "agency"), "id"), snnmt);
	mc_http_res_free(&r);
	int64_t id = count("SELECT id FROM feedback_reports WHERE code = ?", a.code);
	char sql[256], like[64];
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM outbox WHERE topic_id = %lld AND event = 'feedback_assigned' AND recipient LIKE "
		 "?",
		 (long long)id);
	snprintf(like, sizeof(like), "%%\"user_id\":%lld,%%",
		 (long long)count("SELECT id FROM users WHERE username = ?", "chuyenvien.snnmt"));
	assert_int_equal(count(sql, like), 1);
	/* a duplicate merged into it */
	assert_int_equal(simple("waste", "26743", "Cây đổ trên đường Lê Thánh Tôn", &b), 201);
	assert_int_equal(act_as("chuyenvien.snnmt", &b, "merge", "{\"into\": \"PA000000-XXXXXX\"}", &r), 422);
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"into\": \"%s\"}", b.code);
	assert_int_equal(act_as("chuyenvien.snnmt", &b, "merge", body, &r), 422);
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"into\": \"%s\"}", a.code);
	act_ok("chuyenvien.snnmt", &b, "merge", body);
	assert_int_equal(get_report(NULL, &b, b.secret, &r), 200);
	assert_string_equal(jstr(r.json, "status"), "merged");
	assert_string_equal(jstr(r.json, "merged_into"), a.code);
	mc_http_res_free(&r);
	assert_int_equal(act_as("chuyenvien.snnmt", &b, "answer", "{\"text\": \"x\"}", &r), 409);
	mc_http_res_free(&r);
	/* answered on time, rated once by the author */
	act_ok("phogiamdoc.snnmt", &a, "answer", "{\"text\": \"Đã dọn cây đổ\"}");
	struct mc_http_session anon;
	char path[160];
	mc_http_session_init(&anon, srv.base);
	snprintf(path, sizeof(path), "/api/v1/feedback/%s/rating", a.code);
	assert_int_equal(act(&anon, path, a.version, "{\"rating\": 5}", &r), 404);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/feedback/%s/rating?s=%s", a.code, a.secret);
	assert_int_equal(act(&anon, path, a.version, "{\"rating\": 6}", &r), 422);
	mc_http_res_free(&r);
	assert_int_equal(act(&anon, path, a.version, "{\"rating\": 4, \"comment\": \"Nhanh\"}", &r), 200);
	assert_int_equal(jint(json_object_get(r.json, "rating"), "stars"), 4);
	a.version = jint(r.json, "version");
	mc_http_res_free(&r);
	assert_int_equal(act(&anon, path, a.version, "{\"rating\": 1}", &r), 409);
	mc_http_res_free(&r);
	/* an open report for the same agency */
	assert_int_equal(simple("waste", "26740", "Rác thải xây dựng", &c), 201);
	/* the figures */
	struct mc_http_session s;
	mc_http_session_init(&s, srv.base);
	snprintf(path, sizeof(path), "/api/v1/feedback-figures?agency_id=%lld", (long long)snnmt);
	assert_int_equal(mc_http_get(&s, path, &r), 200);
	json_t *row = json_array_get(json_object_get(r.json, "items"), 0);
	assert_non_null(row);
	assert_int_equal(jint(row, "received"),
			 count("SELECT COUNT(*) FROM feedback_reports r JOIN agencies a ON a.id = r.agency_id WHERE"
			       " r.status <> 'merged' AND a.code = ?",
			       "000.00.04.H29"));
	assert_int_equal(jint(row, "answered"), 1);
	assert_int_equal(jint(row, "answered_on_time"), 1);
	assert_true(json_real_value(json_object_get(row, "on_time_rate")) == 1.0);
	assert_true(json_real_value(json_object_get(row, "rating_mean")) == 4.0);
	mc_http_res_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM feedback_events e JOIN feedback_reports r ON r.id = e.report_id"
			       " WHERE r.code = ? AND e.action IN ('report', 'reassign', 'merged', 'answer', 'rate')",
			       a.code),
			 5);
}

/* The housekeeping tells the agency of an overdue report, once. */
static void overdue_told_once(void **state)
{
	(void)state;
	struct made m;
	assert_int_equal(simple("roads", "26740", "Nắp cống hở", &m), 201);
	char at[40], out[512], sql[512];
	time_t later = time(NULL) + 30 * 86400;
	struct tm tm;
	gmtime_r(&later, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	setenv("MOTCUA_TEST_NOW", at, 1);
	assert_int_equal(mc_test_run_cli(db_url, "housekeeping", out, sizeof(out)), 0);
	int64_t id = count("SELECT id FROM feedback_reports WHERE code = ?", m.code);
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM outbox WHERE topic = 'feedback_reports' AND topic_id = %lld AND event ="
		 " 'feedback_overdue' AND payload LIKE ?",
		 (long long)id);
	char like[64];
	snprintf(like, sizeof(like), "%%/can-bo/phan-anh/%s%%", m.code);
	/* every official of the Department of Construction who answers */
	int64_t handlers = count("SELECT COUNT(*) FROM users u JOIN agencies a ON a.id = u.agency_id WHERE a.code = ?"
				 " AND EXISTS (SELECT 1 FROM user_roles r JOIN role_permissions p ON p.role_code ="
				 " r.role_code WHERE r.user_id = u.id AND p.perm_code = 'feedback.handle')",
				 "000.00.03.H29");
	assert_true(handlers >= 3);
	assert_int_equal(count(sql, like), handlers);
	assert_int_equal(mc_test_run_cli(db_url, "housekeeping", out, sizeof(out)), 0);
	unsetenv("MOTCUA_TEST_NOW");
	assert_int_equal(count(sql, like), handlers);
	/* an answered report is never told */
	assert_int_equal(count("SELECT COUNT(*) FROM feedback_reports WHERE status <> 'received' AND overdue_told_at IS"
			       " NOT NULL",
			       NULL),
			 0);
}

/* Reports from one address are limited per hour (feedback_limit). */
static void reports_limited_per_address(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	const char *env[] = {"MOTCUA_FEEDBACK_LIMIT=2", NULL};
	mc_test_server_start(&srv, db_url, env);
	struct made m;
	struct mc_http_res r;
	assert_int_equal(simple("other", "26740", "Một", &m), 201);
	/* a refused report does not count */
	assert_int_equal(report("{}", NULL, &r), 422);
	mc_http_res_free(&r);
	assert_int_equal(simple("other", "26740", "Hai", &m), 201);
	assert_int_equal(report("{}", NULL, &r), 429);
	assert_true(atoi(mc_http_header(&r, "Retry-After")) > 0);
	mc_http_res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report_validated_routed_due),      cmocka_unit_test(photos_checked_and_stripped),
		cmocka_unit_test(moderation_masking_public_search), cmocka_unit_test(another_ward_sees_nothing),
		cmocka_unit_test(reassign_merge_rate_figures),      cmocka_unit_test(overdue_told_once),
		cmocka_unit_test(reports_limited_per_address),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
