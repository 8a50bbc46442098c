/* rows.c - a query's rows as a JSON array; see rows.h. */
#include "rows.h"

#include "../core/err.h"
#include "../core/timeutil.h"

#include "../core/banned.h"

int mc_rows_json_page(struct mc_stmt *s, mc_row_json_fn *row, void *ud, size_t limit, json_t **out, int *more)
{
	json_t *arr = json_array();
	int rc;
	*more = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		if (json_array_size(arr) == limit) {
			*more = 1;
			rc = MC_DB_DONE;
			break;
		}
		json_t *v = row(s, ud);
		if (v)
			json_array_append_new(arr, v);
	}
	mc_stmt_done(s);
	if (rc < 0 || !arr) {
		json_decref(arr);
		return rc < 0 ? rc : MC_E_NOMEM;
	}
	*out = arr;
	return 0;
}

int mc_rows_json(struct mc_stmt *s, mc_row_json_fn *row, void *ud, json_t **out)
{
	int more;
	return mc_rows_json_page(s, row, ud, SIZE_MAX, out, &more);
}

int64_t mc_rows_last_id(const json_t *arr)
{
	size_t n = json_array_size(arr);
	return n ? json_integer_value(json_object_get(json_array_get(arr, n - 1), "id")) : 0;
}

json_t *mc_col_json_text(struct mc_stmt *s, int col)
{
	return mc_col_text(s, col) ? json_string(mc_col_text(s, col)) : json_null();
}

json_t *mc_col_json_time(struct mc_stmt *s, int col)
{
	if (mc_col_is_null(s, col))
		return json_null();
	char t[40];
	mc_time_format_vn(mc_col_int64(s, col), t, sizeof(t));
	return json_string(t);
}
