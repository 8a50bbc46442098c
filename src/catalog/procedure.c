/* procedure.c - a procedure version parsed once into its model; see model.h. */
#include "model.h"

#include "catalog.h"

#include <string.h>

#include "../core/banned.h"

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static enum mc_proc_time_unit time_unit(const char *unit)
{
	if (unit && strcmp(unit, "working_day") == 0)
		return MC_PROC_WORKING_DAYS;
	if (unit && strcmp(unit, "same_day") == 0)
		return MC_PROC_SAME_DAY;
	return MC_PROC_WORKING_HOURS;
}

static int parse_steps(json_t *steps, struct mc_arena *a, struct mc_procedure *out, struct mc_error *e)
{
	struct mc_proc_step *st = mc_zalloc(a, (json_array_size(steps) + 1) * sizeof(*st));
	size_t i;
	json_t *s;
	json_array_foreach(steps, i, s) {
		st[i] = (struct mc_proc_step){
			.name = str(s, "name"),
			.name_en = str(s, "name_en"),
			.role = str(s, "role"),
			.unit = str(s, "unit"),
			.hours = (int)json_integer_value(json_object_get(s, "hours")),
		};
		if (!st[i].name || !st[i].role || !st[i].unit) {
			mc_error_log(e, "procedure %lld: step %zu lacks a name, role or unit", (long long)out->id,
				     i + 1);
			return MC_E_INTERNAL;
		}
	}
	out->steps = st;
	out->nsteps = json_array_size(steps);
	return 0;
}

int mc_procedure_parse(json_t *def, struct mc_arena *a, struct mc_procedure *out, struct mc_error *e)
{
	json_t *ca = json_object_get(def, "competent_agency"), *t = json_object_get(def, "processing_time");
	*out = (struct mc_procedure){
		.id = (int64_t)json_integer_value(json_object_get(def, "id")),
		.version = (int)json_integer_value(json_object_get(def, "version")),
		.code = str(def, "code"),
		.field_code = str(def, "field_code"),
		.online_level = str(def, "online_level"),
		.supplement_rule = str(def, "supplement_rule"),
		.competent_code = str(ca, "code"),
		.competent_kind = str(ca, "kind"),
		.time_value = (int)json_integer_value(json_object_get(t, "value")),
		.time_unit = time_unit(str(t, "unit")),
		.repealed = mc_catalog_repealed(def),
		.def = def,
	};
	return parse_steps(json_object_get(def, "steps"), a, out, e);
}

int mc_procedure_load(struct mc_conn *c, int64_t id, struct mc_arena *a, struct mc_procedure *out, struct mc_error *e)
{
	json_t *def = NULL;
	*out = (struct mc_procedure){0};
	int rc = mc_catalog_get_id(c, id, &def);
	if (rc)
		return rc;
	rc = mc_procedure_parse(def, a, out, e);
	if (rc)
		mc_procedure_release(out);
	return rc;
}

void mc_procedure_release(struct mc_procedure *p)
{
	json_decref(p->def);
	p->def = NULL;
}

int mc_procedure_online(const struct mc_procedure *p)
{
	return p->online_level && (strcmp(p->online_level, "full") == 0 || strcmp(p->online_level, "partial") == 0);
}
