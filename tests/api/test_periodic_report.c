/*
 * test_periodic_report.c - the periodic report as provinces send it
 * (GET /api/v1/reports/periodic, .pdf, .xlsx), over one ward for March and
 * April 2027, with servers started on chosen dates over one database:
 *   Mon 1/3  counter intakes A, B, D, E', ... (3 working days: due Thu 4/3);
 *            C submitted online and never received; D withdrawn;
 *   Wed 31/3 A resolved (late); E taken in (due Mon 5/4) and left in
 *            progress; F stopped; G refused during processing;
 *   Thu 1/4  B, given a new date on 1/3 (form 04), resolved (late, with
 *            apology); H taken in and resolved (early).
 * March: carried over 0, new 6 at the counter; resolved 1 (late); in
 * progress at the end 1 within (E), 1 past (B); withdrawn, stopped, refused
 * 1 each; C waits for reception, more than a working day.  April: carried
 * over 2 (B, E), new 1 (H); resolved 2 (B late, H early); in progress 1,
 * past (E).  Each period: received = resolved + in progress + withdrawn +
 * stopped + refused, every figure equal to a count of the transition
 * events, the flows equal to GET /api/v1/stats; per procedure as well; as
 * PDF and XLSX; who may read it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "doctext.h"
#include "http.h"
#include "only.h"
#include "server.h"
#include "testdb.h"

#include "core/timeutil.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_url[512];
static struct mc_db *db;
static struct mc_test_server srv;

static char T1[] = "MOTCUA_TEST_NOW=2027-03-01T09:00:00+07:00";
static char T2[] = "MOTCUA_TEST_NOW=2027-03-31T10:00:00+07:00";
static char T3[] = "MOTCUA_TEST_NOW=2027-04-01T09:00:00+07:00";

static const char *COUNTER =
	"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\","
	"\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"Kết "
	"hôn\"},"
	"\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],\"applicant\":{\"full_name\":\"Nguyễn Văn An\","
	"\"id_number\":\"079203001234\",\"phone\":\"0912345678\",\"ward_code\":\"26740\"}}";
static const char *ONLINE =
	"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\","
	"\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"Kết "
	"hôn\"}}";

static void march_and_april(void);

/* The database and the dossiers that every test reads (see the top
 * comment); the server left running on Thu 1/4. */
static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	march_and_april();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (srv.pid > 0)
		mc_test_server_stop(&srv);
	mc_test_db_drop(db_url, db);
	return 0;
}

static void start(char *now)
{
	if (srv.pid > 0)
		assert_int_equal(mc_test_server_stop(&srv), 0);
	const char *env[] = {now, NULL};
	mc_test_server_start(&srv, db_url, env);
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}
static long jint(json_t *o, const char *k)
{
	return (long)json_integer_value(json_object_get(o, k));
}

/* One number from the database; the parameters as types says ("t", "ii",
 * "iit" or "tii"). */
static int64_t one(const char *sql, const char *types, const char *t, int64_t a, int64_t b)
{
	struct mc_conn *c;
	int64_t v = 0;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int rc = !strcmp(types, "t")     ? mc_query_int64(c, &v, sql, types, t)
		 : !strcmp(types, "ii")  ? mc_query_int64(c, &v, sql, types, a, b)
		 : !strcmp(types, "iit") ? mc_query_int64(c, &v, sql, types, a, b, t)
					 : mc_query_int64(c, &v, sql, types, t, a, b);
	mc_db_release(c);
	assert_int_equal(rc, 0);
	return v;
}

static void intake(char code[80])
{
	struct mc_http_session clerk;
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	char path[100];
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers",
		 (long long)one("SELECT id FROM counters WHERE code = ?", "t", "Q-P26740-01", 0, 0));
	struct mc_http_res r;
	if (mc_http_post(&clerk, path, COUNTER, &r) != 201)
		fail_msg("intake: %ld %s", r.status, r.body);
	snprintf(code, 80, "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
}

static void act(const char *user, const char *code, const char *action, const char *body)
{
	struct mc_http_session s;
	mc_http_login_as(&s, srv.base, user);
	struct mc_http_res r;
	if (mc_http_act(&s, code, action, body, &r) != 200)
		fail_msg("%s on %s as %s: %ld %s", action, code, user, r.status, r.body);
	mc_http_res_free(&r);
}

static void resolve(const char *code)
{
	act("chuyenvien.p26740", code, "forward", NULL);
	act("chutich.p26740", code, "forward", NULL);
}

static void march_and_april(void)
{
	char A[80], B[80], C[80], D[80], E[80], F[80], G[80], H[80];
	start(T1);
	intake(A);
	intake(B);
	intake(D);
	struct mc_http_session an;
	mc_http_login_as(&an, srv.base, "079203001234");
	struct mc_http_res r;
	assert_int_equal(mc_http_post(&an, "/api/v1/dossiers", ONLINE, &r), 201);
	snprintf(C, sizeof(C), "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
	act("079203001234", D, "withdraw", NULL);
	/* B is given a new date (form 04): resolved after its legal deadline,
	 * it is late all the same, "late, with apology" */
	act("chuyenvien.p26740", B, "extend",
	    "{\"reason\":\"Cần xác minh\",\"new_due_at\":\"2027-03-10T17:00:00+07:00\"}");
	act("chutich.p26740", B, "approve_extension", NULL);
	start(T2);
	resolve(A);
	intake(E);
	intake(F);
	act("chutich.p26740", F, "stop", "{\"reason\":\"Người yêu cầu đã chết\"}");
	intake(G);
	act("chuyenvien.p26740", G, "refuse", "{\"reasons\":[\"Không thuộc thẩm quyền\"]}");
	start(T3);
	resolve(B);
	intake(H);
	resolve(H);
}

/* The period's figures counted from the transition events alone: when each
 * dossier was received (intake, receive) and how and when it ended
 * (result ready, withdrawn, stopped, refused), the score of a resolved one
 * from the dossier. */
struct counted {
	int64_t carried, fresh, early, on_time, late, withdrawn, stopped, refused, open;
};

static int64_t day_ms(const char *day, int plus)
{
	int y, m, d;
	sscanf(day, "%d-%d-%d", &y, &m, &d);
	return (mc_days_from_civil(y, m, d) + plus) * 86400000 - (int64_t)MC_VN_OFFSET_MIN * 60000;
}

static void count_events(const char *from, const char *to, struct counted *n)
{
	int64_t lo = day_ms(from, 0), hi = day_ms(to, 1);
	static const char *rec =
		"(SELECT MIN(at) FROM dossier_events e WHERE e.dossier_id = d.id AND e.to_status = 'in_progress'"
		" AND e.action IN ('intake', 'receive'))";
	static const char *end = "(SELECT MIN(at) FROM dossier_events e WHERE e.dossier_id = d.id"
				 " AND e.to_status IN ('result_ready', 'withdrawn', 'stopped', 'refused'))";
	char sql[1200];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM dossiers d WHERE %s < ? AND (%s IS NULL OR %s >= ?)", rec, end,
		 end);
	n->carried = one(sql, "ii", NULL, lo, lo);
	n->open = one(sql, "ii", NULL, hi, hi);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM dossiers d WHERE %s >= ? AND %s < ?", rec, rec);
	n->fresh = one(sql, "ii", NULL, lo, hi);
	const char *how[] = {"early", "on_time", "late"};
	int64_t *into[] = {&n->early, &n->on_time, &n->late};
	for (int i = 0; i < 3; i++) {
		snprintf(sql, sizeof(sql),
			 "SELECT COUNT(*) FROM dossiers d JOIN dossier_events e ON e.dossier_id = d.id AND e.to_status "
			 "= 'result_ready'"
			 " WHERE e.at >= ? AND e.at < ? AND d.result_status = ?");
		*into[i] = one(sql, "iit", how[i], lo, hi);
	}
	const char *ends[] = {"withdrawn", "stopped", "refused"};
	int64_t *into2[] = {&n->withdrawn, &n->stopped, &n->refused};
	for (int i = 0; i < 3; i++) {
		snprintf(sql, sizeof(sql),
			 "SELECT COUNT(*) FROM dossiers d JOIN dossier_events e ON e.dossier_id = d.id AND e.to_status "
			 "= ?"
			 " WHERE e.at >= ? AND e.at < ? AND %s IS NOT NULL",
			 rec);
		*into2[i] = one(sql, "tii", ends[i], lo, hi);
	}
}

/* The report of [from, to] by group: its total checked against the events,
 * its balance and the statistics; the answer stays in *out. */
static json_t *check_period(struct mc_http_session *s, const char *from, const char *to, const char *group,
			    struct mc_http_res *out)
{
	char path[200];
	snprintf(path, sizeof(path), "/api/v1/reports/periodic?from=%s&to=%s&group=%s", from, to, group);
	if (mc_http_get(s, path, out) != 200)
		fail_msg("%s: %ld %s", path, out->status, out->body);
	json_t *t = json_object_get(out->json, "total");
	struct counted n;
	count_events(from, to, &n);
	assert_int_equal(jint(t, "carried_over"), n.carried);
	assert_int_equal(jint(t, "new_online") + jint(t, "new_counter") + jint(t, "new_post"), n.fresh);
	assert_int_equal(jint(t, "resolved_early"), n.early);
	assert_int_equal(jint(t, "resolved_on_time"), n.on_time);
	assert_int_equal(jint(t, "resolved_late"), n.late);
	assert_int_equal(jint(t, "withdrawn"), n.withdrawn);
	assert_int_equal(jint(t, "stopped"), n.stopped);
	assert_int_equal(jint(t, "refused"), n.refused);
	assert_int_equal(jint(t, "in_progress"), n.open);
	/* the balance, in the total and in every row */
	size_t i;
	json_t *row;
	json_t *rows = json_array();
	json_array_append(rows, t);
	json_array_extend(rows, json_object_get(out->json, "items"));
	json_array_foreach(rows, i, row) {
		assert_int_equal(jint(row, "received"), jint(row, "carried_over") + jint(row, "new"));
		assert_int_equal(jint(row, "received"), jint(row, "resolved") + jint(row, "in_progress") +
								jint(row, "withdrawn") + jint(row, "stopped") +
								jint(row, "refused"));
		assert_int_equal(jint(row, "resolved"), jint(row, "resolved_early") + jint(row, "resolved_on_time") +
								jint(row, "resolved_late"));
	}
	json_decref(rows);
	/* the flows are the statistics' */
	struct mc_http_res st;
	snprintf(path, sizeof(path), "/api/v1/stats?from=%s&to=%s", from, to);
	assert_int_equal(mc_http_get(s, path, &st), 200);
	json_t *k = json_object_get(st.json, "total");
	assert_int_equal(jint(t, "new_online"), jint(k, "received_online"));
	assert_int_equal(jint(t, "new_counter"), jint(k, "received_counter"));
	assert_int_equal(jint(t, "resolved"), jint(k, "resolved"));
	assert_int_equal(jint(t, "withdrawn"), jint(k, "withdrawn"));
	assert_int_equal(jint(t, "stopped"), jint(k, "stopped"));
	assert_int_equal(jint(t, "refused"), jint(k, "refused"));
	mc_http_res_free(&st);
	return t;
}

static void figures(void **state)
{
	(void)state;
	struct mc_http_session lead;
	mc_http_login_as(&lead, srv.base, "chutich.p26740");
	struct mc_http_res r;
	json_t *t = check_period(&lead, "2027-03-01", "2027-03-31", "agency", &r);
	assert_int_equal(jint(t, "carried_over"), 0);
	assert_int_equal(jint(t, "new_counter"), 6);
	assert_int_equal(jint(t, "new_online"), 0);
	assert_int_equal(jint(t, "received"), 6);
	assert_int_equal(jint(t, "resolved_late"), 1);
	assert_int_equal(jint(t, "resolved"), 1);
	assert_int_equal(jint(t, "in_progress_within"), 1);
	assert_int_equal(jint(t, "in_progress_past"), 1);
	assert_int_equal(jint(t, "withdrawn"), 1);
	assert_int_equal(jint(t, "stopped"), 1);
	assert_int_equal(jint(t, "refused"), 1);
	assert_int_equal(jint(t, "awaiting_reception"), 1);
	assert_int_equal(jint(t, "awaiting_reception_past"), 1);
	assert_int_equal(jint(t, "late_with_apology"), 0);
	assert_true(json_is_real(json_object_get(t, "on_time_rate")));
	assert_true(json_real_value(json_object_get(t, "on_time_rate")) == 0.0);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(jstr(json_object_get(json_array_get(items, 0), "name"), "vi"), "UBND Phường Sài Gòn");
	mc_http_res_free(&r);

	t = check_period(&lead, "2027-04-01", "2027-04-30", "procedure", &r);
	assert_int_equal(jint(t, "carried_over"), 2);
	assert_int_equal(jint(t, "new_counter"), 1);
	assert_int_equal(jint(t, "received"), 3);
	assert_int_equal(jint(t, "resolved_early"), 1);
	assert_int_equal(jint(t, "resolved_late"), 1);
	assert_int_equal(jint(t, "late_with_apology"), 1);
	assert_int_equal(jint(t, "in_progress_within"), 0);
	assert_int_equal(jint(t, "in_progress_past"), 1);
	assert_true(json_real_value(json_object_get(t, "on_time_rate")) == 0.5);
	json_t *p = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(jstr(p, "key"), "1.004873");
	assert_string_equal(jstr(json_object_get(p, "name"), "code"), "1.004873");
	mc_http_res_free(&r);
	/* the two months together: nothing carried over, all received */
	t = check_period(&lead, "2027-03-01", "2027-04-30", "agency", &r);
	assert_int_equal(jint(t, "carried_over"), 0);
	assert_int_equal(jint(t, "received"), 7);
	mc_http_res_free(&r);
}

static void formats_and_access(void **state)
{
	(void)state;
	struct mc_http_session lead, clerk, other;
	mc_http_login_as(&lead, srv.base, "chutich.p26740");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&other, srv.base, "phochutich.p26743");
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&lead, "/api/v1/reports/periodic.pdf?from=2027-03-01&to=2027-03-31", &r), 200);
	assert_string_equal(mc_http_header(&r, "Content-Type"), "application/pdf");
	char *t = mc_test_pdf_text(&r);
	mc_test_expect_text(t, "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH");
	mc_test_expect_text(t, "từ ngày 01/03/2027 đến ngày 31/03/2027");
	mc_test_expect_text(t, "UBND Phường Sài Gòn");
	mc_test_expect_text(t, "Tổng cộng");
	mc_test_expect_text(t, "Tỷ lệ đúng hạn = (trước hạn + đúng hạn) / đã giải quyết");
	free(t);
	mc_http_res_free(&r);
	assert_int_equal(
		mc_http_get(&lead, "/api/v1/reports/periodic.xlsx?from=2027-04-01&to=2027-04-30&group=procedure", &r),
		200);
	assert_non_null(
		strstr(mc_http_header(&r, "Content-Disposition"), "attachment; filename=\"bao-cao-000.01.31.H29-"));
	t = mc_test_xlsx_sheet(&r);
	mc_test_expect_text(t, "Từ kỳ trước chuyển sang");
	mc_test_expect_text(t, "Đang giải quyết quá hạn");
	mc_test_expect_text(t, "Tổng cộng");
	free(t);
	mc_http_res_free(&r);
	/* without stats.read; another ward sees none of it; bad queries */
	assert_int_equal(mc_http_get(&clerk, "/api/v1/reports/periodic", &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&other, "/api/v1/reports/periodic?from=2027-03-01&to=2027-03-31", &r), 200);
	assert_int_equal(jint(json_object_get(r.json, "total"), "received"), 0);
	mc_http_res_free(&r);
	char q[100];
	snprintf(q, sizeof(q), "/api/v1/reports/periodic?agency_id=%lld",
		 (long long)one("SELECT id FROM agencies WHERE code = ?", "t", "000.01.31.H29", 0, 0));
	assert_int_equal(mc_http_get(&other, q, &r), 403);
	mc_http_res_free(&r);
	const char *bad[] = {"?from=2027-02-30", "?from=2027-04-01&to=2027-03-01", "?from=2026-01-01&to=2027-03-01",
			     "?group=field", "?group=nope"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char p[160];
		snprintf(p, sizeof(p), "/api/v1/reports/periodic%s", bad[i]);
		assert_int_equal(mc_http_get(&lead, p, &r), 422);
		mc_http_res_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(figures),
		cmocka_unit_test(formats_and_access),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}
