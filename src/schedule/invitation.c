/*
 * invitation.c - a meeting's Giấy mời (Decree 30: type GM), drafted from
 * its event: whom it invites, to what, who chairs, when and where, who
 * prepares it; addressed to the officials and agencies invited and sent,
 * once issued, to the registers of their bodies on the platform.  The
 * document itself is the documents domain's; the event keeps its draft.
 */
#include "internal.h"

#include "../core/buf.h"
#include "../core/timeutil.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static const char *const WEEKDAYS[] = {"thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"};

/* "14 giờ 00, thứ Năm, ngày 10 tháng 12 năm 2026" */
static void when_text(int64_t ms, char *out, size_t n)
{
	char t[40];
	mc_time_format_vn(ms, t, sizeof(t));
	int64_t day = mc_vn_day(ms);
	int y, m, d;
	mc_civil_from_days(day, &y, &m, &d);
	snprintf(out, n, "%.2s giờ %.2s, %s, ngày %02d tháng %02d năm %04d", t + 11, t + 14,
		 WEEKDAYS[((day + 3) % 7 + 7) % 7], d, m, y);
}

/* The lines inviting each participant into content, their names into
 * recipients. */
static void invitees(struct mc_arena *ar, json_t *e, struct mc_buf *content, json_t *recipients)
{
	json_t *p;
	size_t i;
	json_array_foreach(json_object_get(e, "participants"), i, p) {
		json_t *u = json_object_get(p, "user"), *a = json_object_get(p, "agency");
		const char *line;
		if (json_is_object(u)) {
			const char *pos = json_string_value(json_object_get(u, "position"));
			const char *where = json_string_value(json_object_get(u, "agency"));
			line = mc_sprintf(ar, "Ông/Bà %s%s%s%s%s", json_string_value(json_object_get(u, "full_name")),
					  pos ? ", " : "", pos ? pos : "", where ? " - " : "", where ? where : "");
		} else {
			line = mc_sprintf(ar, "Đại diện lãnh đạo %s", json_string_value(json_object_get(a, "name")));
		}
		mc_buf_printf(content, "- %s;\n", line);
		json_array_append_new(recipients, json_string(line));
	}
	json_array_append_new(recipients, json_string("Lưu: VT"));
}

/* The text of the invitation. */
static void content_of(struct mc_arena *ar, json_t *e, struct mc_buf *b, json_t *recipients)
{
	char from[80], to[40];
	when_text(json_integer_value(json_object_get(e, "start_ms")), from, sizeof(from));
	mc_time_format_vn(json_integer_value(json_object_get(e, "end_ms")), to, sizeof(to));
	json_t *room = json_object_get(e, "room"), *chair = json_object_get(e, "chair"),
	       *prep = json_object_get(e, "preparing_agency");
	const char *place = json_is_object(room) ? json_string_value(json_object_get(room, "place"))
						 : json_string_value(json_object_get(e, "place"));
	const char *url = json_string_value(json_object_get(e, "online_url"));
	mc_buf_adds(b, "Trân trọng kính mời:\n");
	invitees(ar, e, b, recipients);
	mc_buf_printf(b, "Dự cuộc họp: %s.\n", json_string_value(json_object_get(e, "title")));
	const char *pos = json_string_value(json_object_get(chair, "position"));
	mc_buf_printf(b, "Chủ trì: Ông/Bà %s%s%s.\n", json_string_value(json_object_get(chair, "full_name")),
		      pos ? ", " : "", pos ? pos : "");
	mc_buf_printf(b, "Thời gian: từ %s đến %.2s giờ %.2s.\n", from, to + 11, to + 14);
	if (place)
		mc_buf_printf(b, "Địa điểm: %s.\n", place);
	if (url)
		mc_buf_printf(b, "Họp trực tuyến tại: %s\n", url);
	if (json_is_object(prep))
		mc_buf_printf(b, "%s chuẩn bị nội dung, tài liệu phục vụ cuộc họp.\n",
			      json_string_value(json_object_get(prep, "name")));
	if (json_array_size(json_object_get(e, "papers")))
		mc_buf_adds(b, "Tài liệu họp được đăng tải kèm lịch công tác trên hệ thống.\n");
	mc_buf_adds(b, "Rất mong Quý đại biểu tham dự đúng giờ./.");
}

/* The agencies invited that are bodies on the platform, other than the
 * caller's own. */
static int platform_bodies(struct mc_schedule_ctx *x, int64_t event, json_t *ids)
{
	struct mc_stmt *s;
	int rc = mc_query(
		x->c, &s,
		"SELECT p.agency_id FROM schedule_participants p JOIN agencies g ON g.id = p.agency_id"
		" WHERE p.event_id = ? AND g.internal = 0 AND g.active = 1 AND NOT EXISTS (SELECT 1 FROM"
		" agency_tree t WHERE t.ancestor_id = g.id AND t.descendant_id = ? AND t.same_body = 1) ORDER BY p.id",
		"ii", event, x->who->agency_id);
	if (rc)
		return rc;
	int step;
	while ((step = mc_step(s)) == MC_DB_ROW)
		json_array_append_new(ids, json_integer(mc_col_int64(s, 0)));
	mc_stmt_done(s);
	return step == MC_DB_DONE ? 0 : step;
}

int mc_schedule_invitation_body(struct mc_schedule_ctx *x, int64_t id, json_t **draft)
{
	json_t *e = NULL;
	int rc = mc_schedule_event_get(x, id, &e);
	if (rc)
		return rc;
	if (!json_is_true(json_object_get(e, "may_manage")))
		rc = mc_error_set(x->e, MC_E_FORBIDDEN, "the caller does not keep this calendar");
	else if (!json_is_null(json_object_get(e, "invitation")))
		rc = mc_error_set(x->e, MC_E_CONFLICT, "the meeting has its invitation already");
	else if (strcmp(json_string_value(json_object_get(e, "status")), "active") != 0)
		rc = mc_error_set(x->e, MC_E_CONFLICT, "the event is cancelled");
	else if (!json_array_size(json_object_get(e, "participants")))
		rc = mc_error_set(x->e, MC_E_CONFLICT, "the meeting invites nobody");
	json_t *recipients = json_array(), *ids = json_array();
	struct mc_buf b;
	mc_buf_init(&b, 64 * 1024);
	if (!rc) {
		content_of(x->arena, e, &b, recipients);
		rc = platform_bodies(x, id, ids);
	}
	if (!rc)
		*draft = json_pack("{s:s, s:s+, s:s, s:O, s:O, s:s, s:s}", "type_code", "giay_moi", "summary",
				   "Mời dự họp: ", json_string_value(json_object_get(e, "title")), "content",
				   mc_buf_str(&b), "recipients", recipients, "internal_recipient_ids", ids, "urgency",
				   "normal", "secrecy", "none");
	mc_buf_release(&b);
	json_decref(recipients);
	json_decref(ids);
	json_decref(e);
	return rc;
}

int mc_schedule_invitation_set(struct mc_schedule_ctx *x, int64_t id, int64_t draft_id, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s, "SELECT agency_id, week FROM schedule_events WHERE id = ?", "i", id);
	if (rc)
		return rc;
	int64_t agency = 0;
	char week[11] = "";
	if (!(rc = mc_step_row(s))) {
		agency = mc_col_int64(s, 0);
		snprintf(week, sizeof(week), "%s", mc_col_text(s, 1));
	}
	mc_stmt_done(s);
	if (rc || (rc = mc_tx_begin(x->c, 1)))
		return rc;
	int64_t n = mc_exec(x->c,
			    "UPDATE schedule_events SET invitation_draft_id = ?, version = version + 1, updated_at = ?"
			    " WHERE id = ? AND invitation_draft_id IS NULL",
			    "iii", draft_id, mc_time_now_ms(), id);
	rc = n < 0 ? (int)n : n == 0 ? mc_error_set(x->e, MC_E_CONFLICT, "the meeting has its invitation already") : 0;
	rc = rc ? rc
		: mc__sched_log(x, agency, week, id, "invitation",
				json_pack("{s:I}", "draft_id", (json_int_t)draft_id));
	rc = rc ? rc : mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc ? rc : mc_schedule_event_get(x, id, out);
}
