/*
 * generate.c - bulk-load realistic test documents (`motcua seed
 * --documents N`), the data of the documents bench.
 *
 * Rows go into the tables through the store's own insert, many per
 * transaction, without the HTTP API.  What they look like:
 *   - bodies: the agencies with an abbreviation (their symbol's issuer), a
 *     leader, and a head of division or a specialist to handle what comes
 *     in; registered by the body's clerical officer (its first leader where
 *     it has none);
 *   - dates: the working days of the last D days (up to yesterday), in
 *     office hours, in order;
 *   - 80 % incoming: a sender among the platform's bodies and the
 *     ministries, their number and symbol, a type and a summary drawn from
 *     lists; sent to a leader, directed to the lead (a head of division,
 *     else a specialist) with a deadline of 10 working days, assigned to a
 *     specialist, handled - everything older than two weeks is done (about
 *     3 % of those still pending: the overdue ones), the recent ones stand
 *     at every stage, about half of what waits not yet opened; one in five
 *     directions informs another leader;
 *   - 20 % outgoing: numbered and issued (15/QĐ-UBND), signed by a leader;
 *   - urgency: 85 % normal, 10 % khẩn, 4 % thượng khẩn, 1 % hỏa tốc; 1 %
 *     secret (their own series; who has a task on one is its reader);
 *   - numbers continue each register's sequence (document_sequences), so
 *     registering live goes on without a gap or a collision.
 * Not written: trail events and per-document audit entries (bulk-loaded
 * test data); one audit entry "document.generate" records the load.  Run
 * it on a database nobody registers documents in at the same time.
 */
#include "document.h"
#include "internal.h"

#include "../audit/audit.h"
#include "../core/spread.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "../dossier/dossier.h"
#include "../dossier/holidays.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define DAY_MS     86400000LL
#define MAX_PEOPLE 16

struct gperson {
	int64_t id;
	char name[96], position[96];
};

struct gbody {
	int64_t id;
	char abbr[32], name[200];
	int64_t clerk;
	struct gperson leader[MAX_PEOPLE], head[MAX_PEOPLE], staff[MAX_PEOPLE];
	int nleader, nhead, nstaff;
};

struct dgen {
	struct mc_conn *c;
	struct mc_calendar cal;
	struct gbody *body;
	int nbody;
	int64_t now;
	struct mc_arena *arena; /* the search keys of a batch */
	int64_t documents, tasks;
	char err[256];
};

static const char *const senders[] = {
	"Văn phòng Chính phủ",
	"Bộ Tư pháp",
	"Bộ Nội vụ",
	"Bộ Tài chính",
	"Bộ Xây dựng",
	"Bộ Công an",
	"Bộ Nông nghiệp và Môi trường",
	"Thanh tra Chính phủ",
	"Kiểm toán Nhà nước khu vực IV",
	"Hội đồng nhân dân Thành phố Hồ Chí Minh",
	"Thành ủy Thành phố Hồ Chí Minh",
};
static const char *const sender_abbr[] = {"VPCP",  "BTP",  "BNV",  "BTC",  "BXD", "BCA",
					  "BNNMT", "TTCP", "KTNN", "HĐND", "TU"};
static const char *const topics[] = {
	"triển khai thi hành Luật Ban hành văn bản quy phạm pháp luật",
	"tăng cường công tác phổ biến, giáo dục pháp luật",
	"báo cáo kết quả cải cách hành chính quý",
	"góp ý dự thảo Quy định quản lý kiến trúc",
	"đẩy mạnh thanh toán trực tuyến dịch vụ công",
	"kiểm tra công tác văn thư, lưu trữ",
	"tổ chức hội nghị sơ kết công tác chuyển đổi số",
	"phòng, chống thiên tai và tìm kiếm cứu nạn mùa mưa bão",
	"rà soát thủ tục hành chính thuộc thẩm quyền giải quyết",
	"đánh giá, xếp loại chất lượng cán bộ, công chức",
	"thực hiện chế độ báo cáo thống kê định kỳ",
	"bảo đảm an toàn thông tin mạng",
	"quyết toán ngân sách nhà nước năm trước",
	"tuyển dụng công chức cấp xã",
	"xử lý phản ánh, kiến nghị của người dân và doanh nghiệp",
	"chuẩn bị Tết Nguyên đán",
};
/* incoming types (code, abbreviation; NULL: a công văn, the unit's) */
static const char *const in_types[][2] = {
	{"cong_van", NULL},   {"cong_van", NULL}, {"cong_van", NULL},  {"cong_van", NULL}, {"cong_van", NULL},
	{"quyet_dinh", "QĐ"}, {"ke_hoach", "KH"}, {"thong_bao", "TB"}, {"giay_moi", "GM"}, {"bao_cao", "BC"},
};
static const char *const out_types[][2] = {
	{"quyet_dinh", "QĐ"}, {"quyet_dinh", "QĐ"}, {"ke_hoach", "KH"},  {"thong_bao", "TB"},
	{"bao_cao", "BC"},    {"giay_moi", "GM"},   {"to_trinh", "TTr"},
};

static void day_text(int64_t ms, char out[11])
{
	int y, m, d;
	mc_vn_date(ms, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

/* ---------------- what is loaded once ---------------- */

static int load_people(struct dgen *g, struct gbody *b)
{
	struct mc_stmt *s;
	int rc =
		mc_query(g->c, &s,
			 "SELECT u.id, r.role_code, u.full_name, COALESCE(u.position, '') FROM users u"
			 " JOIN user_roles r ON r.user_id = u.id WHERE u.agency_id = ? AND u.kind = 'official'"
			 " AND u.status = 'active' AND r.role_code IN ('clerical', 'leader', 'dept_head', 'specialist')"
			 " ORDER BY u.id",
			 "i", b->id);
	if (rc)
		return rc;
	int step;
	while ((step = mc_step(s)) == MC_DB_ROW) {
		const char *role = mc_col_text(s, 1);
		struct gperson *list = NULL;
		int *n = NULL;
		if (strcmp(role, "clerical") == 0 && !b->clerk)
			b->clerk = mc_col_int64(s, 0);
		else if (strcmp(role, "leader") == 0)
			list = b->leader, n = &b->nleader;
		else if (strcmp(role, "dept_head") == 0)
			list = b->head, n = &b->nhead;
		else if (strcmp(role, "specialist") == 0)
			list = b->staff, n = &b->nstaff;
		if (list && *n < MAX_PEOPLE) {
			struct gperson *p = &list[(*n)++];
			p->id = mc_col_int64(s, 0);
			snprintf(p->name, sizeof(p->name), "%s", mc_col_text(s, 2));
			snprintf(p->position, sizeof(p->position), "%s", mc_col_text(s, 3));
		}
	}
	mc_stmt_done(s);
	return step == MC_DB_DONE ? 0 : step;
}

static int load_bodies(struct dgen *g)
{
	struct mc_stmt *s;
	int rc = mc_query(g->c, &s,
			  "SELECT a.id, a.abbr, a.name FROM agencies a WHERE a.abbr IS NOT NULL AND a.abbr <> ''"
			  " AND EXISTS (SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id"
			  " WHERE u.agency_id = a.id AND r.role_code = 'leader') ORDER BY a.id",
			  "");
	if (rc)
		return rc;
	int step, cap = 0;
	while ((step = mc_step(s)) == MC_DB_ROW) {
		if (g->nbody == cap) {
			cap = cap ? 2 * cap : 32;
			g->body = mc_xrealloc(g->body, (size_t)cap * sizeof(*g->body));
		}
		struct gbody *b = &g->body[g->nbody++];
		memset(b, 0, sizeof(*b));
		b->id = mc_col_int64(s, 0);
		snprintf(b->abbr, sizeof(b->abbr), "%s", mc_col_text(s, 1));
		snprintf(b->name, sizeof(b->name), "%s", mc_col_text(s, 2));
	}
	mc_stmt_done(s);
	if (step != MC_DB_DONE)
		return step;
	/* the bodies that can handle what comes in */
	int kept = 0;
	for (int i = 0; i < g->nbody; i++) {
		if ((rc = load_people(g, &g->body[i])))
			return rc;
		struct gbody *b = &g->body[i];
		if (b->nleader && (b->nhead || b->nstaff)) {
			if (!b->clerk)
				b->clerk = b->leader[0].id;
			g->body[kept++] = *b;
		}
	}
	g->nbody = kept;
	if (!kept) {
		snprintf(g->err, sizeof(g->err),
			 "no agency with an abbreviation, a leader and an official: seed first");
		return MC_E_INVAL;
	}
	return 0;
}

/* ---------------- one document ---------------- */

static int task(struct dgen *g, int64_t doc, const char *kind, int64_t user, int64_t from, int64_t parent,
		const char *due, int rank, int64_t arrived, int64_t viewed, int64_t done, const char *result,
		int64_t *id)
{
	struct mc_stmt *s;
	int rc = mc_query(g->c, &s,
			  "INSERT INTO document_tasks (document_id, kind, user_id, from_user_id, parent_id, due_date,"
			  " urgency_rank, status, arrived_at, viewed_at, done_at, result) VALUES (?, ?, ?, ?,"
			  " NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0),"
			  " NULLIF(CAST(? AS BIGINT), 0), ?) RETURNING id",
			  "itiiitdtiiit", doc, kind, user, from, parent, due, rank, done ? "done" : "pending", arrived,
			  viewed, done, result);
	if (rc)
		return rc;
	g->tasks++;
	return mc_step_returning(s, id);
}

/* the handling of an incoming document: stage 1 sent, 2 directed, 3
 * assigned, 4 handled */
struct handling {
	int64_t doc, at;
	int rank, stage;
	const struct gbody *b;
};

/* A moment after t (minutes to hours), before now; 0 when it would not be. */
static int64_t later(const struct dgen *g, int64_t t, int64_t max_ms)
{
	int64_t v = t + 60000 + (int64_t)(mc_rnd_unif() * (double)max_ms);
	return v < g->now ? v : 0;
}

static int handle_in(struct dgen *g, const struct handling *h, int secret)
{
	const struct gbody *b = h->b;
	const struct gperson *leader = &b->leader[mc_rnd_below(b->nleader)];
	const struct gperson *lead = b->nhead ? &b->head[mc_rnd_below(b->nhead)] : &b->staff[mc_rnd_below(b->nstaff)];
	const struct gperson *staff = b->nstaff ? &b->staff[mc_rnd_below(b->nstaff)] : NULL;
	int64_t ids[4] = {leader->id, lead->id, staff ? staff->id : 0, 0};
	int64_t id, t = later(g, h->at, 3600000);
	if (!t)
		t = h->at;
	/* sent to the leader; opened; directed */
	int64_t seen = h->stage > 1 || mc_rnd_unif() < 0.5 ? later(g, t, 4 * 3600000LL) : 0;
	int64_t directed = h->stage > 1 && seen ? later(g, seen, DAY_MS) : 0;
	int reached = 1;
	int rc = task(g, h->doc, "direct", leader->id, b->clerk, 0, NULL, h->rank, t, seen, directed,
		      directed ? "Giao phòng chủ trì xử lý" : NULL, &id);
	if (rc || !directed)
		goto readers;
	char due[11];
	int64_t due_at = directed;
	mc_cal_add_working_days(&g->cal, directed, 10, &due_at);
	day_text(due_at, due);
	/* the lead: opened, assigned; done with the handling (late for some) */
	int late = mc_rnd_unif() < 0.03;
	int64_t lseen = h->stage > 2 || mc_rnd_unif() < 0.5 ? later(g, directed, 4 * 3600000LL) : 0;
	int64_t assigned = h->stage > 2 && lseen ? later(g, lseen, DAY_MS) : 0;
	int64_t finished = 0;
	if (h->stage > 3 && assigned)
		finished = later(g, assigned, late ? due_at - assigned + 3 * DAY_MS : (due_at - assigned) * 2 / 3);
	int64_t lead_task;
	reached = finished ? 4 : assigned ? 3 : 2;
	if ((rc = task(g, h->doc, "lead", lead->id, leader->id, 0, due, h->rank, directed, lseen, finished,
		       finished ? "Đã xử lý, có văn bản trả lời" : NULL, &lead_task)))
		goto readers;
	if (mc_rnd_below(5) == 0 && b->nleader > 1) {
		const struct gperson *other = &b->leader[(leader - b->leader + 1) % b->nleader];
		int64_t iseen = later(g, directed, 2 * DAY_MS);
		ids[3] = other->id;
		if ((rc = task(g, h->doc, "inform", other->id, leader->id, 0, NULL, h->rank, directed, iseen,
			       iseen && h->at < g->now - 14 * DAY_MS ? iseen : 0, NULL, &id)))
			goto readers;
	}
	if (assigned && staff && staff->id != lead->id) {
		int64_t sseen = h->stage > 3 || mc_rnd_unif() < 0.5 ? later(g, assigned, 4 * 3600000LL) : 0;
		rc = task(g, h->doc, "handle", staff->id, lead->id, lead_task, due, h->rank, assigned, sseen,
			  finished && sseen ? finished : 0, finished ? "Đã xử lý, có văn bản trả lời" : NULL, &id);
	}
readers:
	for (int i = 0; secret && !rc && i < 4; i++)
		if (ids[i])
			rc = mc__document_add_reader(g->c, h->doc, ids[i]);
	static const char *const status[] = {"", "sent", "directed", "assigned", "handled"};
	int64_t k =
		rc ? 0 : mc_exec(g->c, "UPDATE documents SET status = ? WHERE id = ?", "ti", status[reached], h->doc);
	return rc ? rc : k < 0 ? (int)k : 0;
}

static const char *urgency(int *rank)
{
	double u = mc_rnd_unif();
	*rank = u < 0.85 ? 0 : u < 0.95 ? 1 : u < 0.99 ? 2 : 3;
	static const char *const names[] = {"normal", "khan", "thuong_khan", "hoa_toc"};
	return names[*rank];
}

static int one(struct dgen *g, int64_t at)
{
	const struct gbody *b = &g->body[mc_rnd_below(g->nbody)];
	struct mc_document_new n = {.agency = b->id, .registered_by = b->clerk};
	int rank;
	n.urgency = urgency(&rank);
	int secret = mc_rnd_below(100) == 0;
	n.secrecy = secret ? "mat" : "none";
	n.medium = mc_rnd_below(10) < 7 ? "electronic" : "paper";
	int y, m, d;
	mc_vn_date(at, &y, &m, &d);
	n.year = y;
	char date[11], ref[96], summary[300];
	const char *topic = MC_RND_PICK(topics);
	n.outgoing = mc_rnd_below(5) == 0;
	const char *const *type = n.outgoing ? MC_RND_PICK(out_types) : MC_RND_PICK(in_types);
	n.type_code = type[0];
	snprintf(summary, sizeof(summary), "%s %s", type[1] ? "Về việc" : "V/v", topic);
	n.summary = summary;
	snprintf(n.series, sizeof(n.series), "%s%s", n.outgoing ? "out" : "in", secret ? "_secret" : "");
	int rc = mc__document_next_number(g->c, n.agency, n.year, n.series, &n.number);
	if (rc)
		return rc;
	if (n.outgoing) {
		const struct gperson *signer = &b->leader[mc_rnd_below(b->nleader)];
		char full[160];
		if ((rc = mc_document_number_symbol(n.number, type[1], b->abbr, NULL, full, sizeof(full))))
			return rc;
		snprintf(n.symbol, sizeof(n.symbol), "%s", strchr(full, '/') + 1);
		day_text(at, date);
		n.doc_date = date;
		n.signer_name = signer->name;
		n.signer_position = signer->position[0] ? signer->position : "Giám đốc";
		n.recipients = json_pack("[s, s]", "Như trên", "Lưu: VT");
	} else {
		int k = mc_rnd_below((int)(sizeof(senders) / sizeof(*senders)));
		n.sender = senders[k];
		if (type[1])
			snprintf(ref, sizeof(ref), "%d/%s-%s", 1 + mc_rnd_below(3000), type[1], sender_abbr[k]);
		else
			snprintf(ref, sizeof(ref), "%d/%s-VP", 1 + mc_rnd_below(3000), sender_abbr[k]);
		n.sender_ref = ref;
		n.arrived_at = at;
		day_text(at - (int64_t)mc_rnd_below(4) * DAY_MS, date);
		n.doc_date = date;
	}
	char num[128];
	if (n.outgoing)
		snprintf(num, sizeof(num), "%02lld/%s", (long long)n.number, n.symbol);
	else
		snprintf(num, sizeof(num), "%lld", (long long)n.number);
	n.search_key = mc_text_search_key(
		g->arena, mc_sprintf(g->arena, "%s %s %s %s %s", num, n.sender_ref ? n.sender_ref : "", n.summary,
				     n.sender ? n.sender : "", n.signer_name ? n.signer_name : ""));
	int64_t id;
	rc = mc__document_insert(g->c, &n, at, &id);
	json_decref(n.recipients);
	if (rc)
		return rc;
	g->documents++;
	if (n.outgoing)
		return 0;
	/* how far its handling went: all of it when older than two weeks */
	struct handling h = {id, at, rank, 4, b};
	if (at < g->now - 14 * DAY_MS)
		h.stage = mc_rnd_below(100) < 3 ? 3 : 4;
	else {
		double u = mc_rnd_unif();
		h.stage = u < 0.3 ? 1 : u < 0.55 ? 2 : u < 0.8 ? 3 : 4;
	}
	return handle_in(g, &h, secret);
}

/* ---------------- the load ---------------- */

struct progress {
	struct dgen *g;
	const struct mc_gen_options *o;
	int64_t done, in_tx;
	double t0;
};

static int add_at(void *ud, int64_t at)
{
	struct progress *pg = ud;
	struct dgen *g = pg->g;
	int batch = pg->o->batch > 0 ? pg->o->batch : 10000;
	int rc;
	if (!pg->in_tx) {
		if ((rc = mc_tx_begin(g->c, 1)))
			return rc;
		if (!(g->arena = mc_arena_new(1 << 16)))
			return MC_E_NOMEM;
	}
	if ((rc = one(g, at)))
		return rc;
	pg->done++;
	if (++pg->in_tx < batch)
		return 0;
	if ((rc = mc_tx_commit(g->c)))
		return rc;
	mc_arena_free(g->arena);
	g->arena = NULL;
	pg->in_tx = 0;
	if (pg->o->progress)
		pg->o->progress(pg->done, pg->o->n, (double)pg->done / ((double)mc_mono_ns() / 1e9 - pg->t0),
				pg->o->progress_arg);
	return 0;
}

static int finish(struct dgen *g, const struct mc_gen_options *o, const struct progress *pg)
{
	int rc;
	if (!pg->in_tx && (rc = mc_tx_begin(g->c, 1)))
		return rc;
	struct mc_audit_entry ae = {0, "document.generate", "document", "*", "cli", NULL};
	rc = mc_audit_append_json(g->c, &ae,
				  json_pack("{s:I, s:I, s:I}", "count", (json_int_t)g->documents, "tasks",
					    (json_int_t)g->tasks, "seed",
					    (json_int_t)(o->seed ? o->seed : MC_GEN_DEFAULT_SEED)));
	return rc ? rc : mc_tx_commit(g->c);
}

int mc_document_generate(struct mc_conn *c, const struct mc_gen_options *o, struct mc_document_gen_report *out,
			 char *err, size_t errlen)
{
	struct dgen g;
	struct mc_workdays wd = {0};
	memset(&g, 0, sizeof(g));
	memset(out, 0, sizeof(*out));
	g.c = c;
	mc_rnd_seed(o->seed ? o->seed : MC_GEN_DEFAULT_SEED);
	double t0 = (double)mc_mono_ns() / 1e9;
	struct progress pg = {&g, o, 0, 0, 0};
	int rc = mc_holidays_calendar(c, &g.cal);
	if (rc)
		mc_cal_init(&g.cal);
	g.now = o->now ? o->now : mc_time_now_ms();
	int span = o->days > 0 ? o->days : 365;
	int64_t today = mc_vn_day(g.now);
	if (!rc)
		rc = load_bodies(&g);
	if (!rc && (rc = mc_workdays_build(&g.cal, today - span, today, &wd)) == MC_E_INVAL)
		snprintf(g.err, sizeof(g.err), "no working day in the range");
	pg.t0 = (double)mc_mono_ns() / 1e9;
	if (!rc)
		rc = mc_workdays_spread(&wd, o->n, add_at, &pg);
	if (!rc)
		rc = finish(&g, o, &pg);
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	if (!rc && mc_db_kind(mc_conn_db(c)) == MC_DB_PG)
		rc = mc_exec_script(c, "VACUUM (ANALYZE) documents, document_tasks, document_sequences");
	out->documents = rc ? pg.done - pg.in_tx : pg.done;
	out->tasks = g.tasks;
	out->seconds = (double)mc_mono_ns() / 1e9 - t0;
	if (rc && err && errlen)
		snprintf(err, errlen, "%s", g.err[0] ? g.err : mc_conn_errmsg(c));
	mc_arena_free(g.arena);
	mc_workdays_free(&wd);
	free(g.body);
	mc_cal_release(&g.cal);
	return rc;
}
