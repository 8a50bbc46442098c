/* inbox.c - the in-app inbox: the messages written for a user, read and
 * marked read (see notify.h). */
#include "notify.h"

#include "../db/rows.h"

#include "../core/banned.h"

static json_t *message_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)mc_col_int64(s, 0), "event",
			 mc_col_text(s, 1), "subject", mc_col_text(s, 2), "body", mc_col_text(s, 3), "link",
			 mc_col_json_text(s, 4), "created_at", mc_col_json_time(s, 5), "read_at",
			 mc_col_json_time(s, 6));
}

int mc_inbox_list(struct mc_conn *c, int64_t user, int64_t before, int limit, json_t **out)
{
	*out = NULL;
	if (limit < 1 || limit > 100)
		limit = 20;
	int64_t unread = 0;
	int rc = mc_query_int64(c, &unread, "SELECT COUNT(*) FROM inbox_messages WHERE user_id = ? AND read_at IS NULL",
				"i", user);
	struct mc_stmt *s;
	if (!rc)
		rc = mc_query(c, &s,
			      "SELECT id, event, subject, body, link, created_at, read_at FROM inbox_messages WHERE"
			      " user_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?",
			      "iiid", user, before, before, limit + 1);
	int more = 0;
	json_t *items = NULL;
	if (!rc)
		rc = mc_rows_json_page(s, message_row, NULL, (size_t)limit, &items, &more);
	if (!rc)
		*out = json_pack("{s:o, s:I, s:b}", "items", items, "unread", (json_int_t)unread, "more", more);
	return rc;
}

int mc_inbox_read(struct mc_conn *c, int64_t user, int64_t id, int64_t now)
{
	int rc = mc_tx_begin(c, 1);
	if (rc)
		return rc;
	int64_t k;
	if (id) {
		int64_t owner = 0;
		rc = mc_query_int64(c, &owner, "SELECT user_id FROM inbox_messages WHERE id = ?", "i", id);
		if (!rc && owner != user)
			rc = MC_E_NOT_FOUND; /* another's message is not there for them */
		k = rc ? 0
		       : mc_exec(c, "UPDATE inbox_messages SET read_at = ? WHERE id = ? AND read_at IS NULL", "ii", now,
				 id);
	} else {
		k = mc_exec(c, "UPDATE inbox_messages SET read_at = ? WHERE user_id = ? AND read_at IS NULL", "ii", now,
			    user);
	}
	if (!rc && k < 0)
		rc = (int)k;
	if (rc || (rc = mc_tx_commit(c)))
		mc_tx_rollback(c);
	return rc;
}
