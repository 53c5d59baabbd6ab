// SPDX-License-Identifier: GPL-2.0
/*
 * The filters of the association operations (assocfilter.h).
 */
#include <string.h>
#include <strings.h>

#include "assocfilter.h"

static bool key_equal(const struct cim_key *a, const struct cim_key *b)
{
	if (a->ref || b->ref)
		return a->ref && b->ref && assoc_path_equal(a->ref, b->ref);
	if (!a->value || !b->value)
		return false;
	if (a->type == CIM_TYPE_BOOLEAN || b->type == CIM_TYPE_BOOLEAN)
		return !strcasecmp(a->value, b->value);
	return !strcmp(a->value, b->value);
}

bool assoc_path_equal(const struct cim_path *a, const struct cim_path *b)
{
	size_t i, j;

	if (!a->classname || !b->classname ||
	    strcasecmp(a->classname, b->classname) || a->n_keys != b->n_keys)
		return false;
	for (i = 0; i < a->n_keys; i++) {
		for (j = 0; j < b->n_keys; j++)
			if (!strcasecmp(a->keys[i].name, b->keys[j].name))
				break;
		if (j == b->n_keys || !key_equal(&a->keys[i], &b->keys[j]))
			return false;
	}
	return true;
}

static bool class_matches(const struct assoc_query *q, const char *cls,
			  const char *wanted)
{
	if (!wanted)
		return true;
	if (!cls)
		return false;
	return q->is_a ? q->is_a(cls, wanted) : !strcasecmp(cls, wanted);
}

/* The reference in property @i of @inst, or NULL. */
static const struct cim_path *ref_of(const struct cim_instance *inst, size_t i)
{
	const struct cim_value *v = &inst->props[i].value;

	if (v->type != CIM_TYPE_REFERENCE || v->is_array || v->is_null)
		return NULL;
	return cim_value_get_ref(v, 0);
}

size_t assoc_filter(const struct cim_instance *const *assocs, size_t n,
		    const struct assoc_query *q, bool references,
		    struct assoc_match *out)
{
	const char *assoc_filter_class = references ? q->result_class :
						      q->assoc_class;
	size_t found = 0, a, i, j;

	for (a = 0; a < n; a++) {
		const struct cim_instance *inst = assocs[a];
		bool referenced = false;

		if (!class_matches(q, inst->classname, assoc_filter_class))
			continue;
		for (i = 0; i < inst->n_props && !referenced; i++) {
			const struct cim_path *src = ref_of(inst, i);

			if (!src || !assoc_path_equal(src, q->object) ||
			    (q->role && strcasecmp(q->role, inst->props[i].name)))
				continue;
			if (references) {
				referenced = true;
				out[found].assoc = inst;
				out[found++].result = NULL;
				break;
			}
			for (j = 0; j < inst->n_props; j++) {
				const struct cim_path *dst = ref_of(inst, j);

				if (j == i || !dst)
					continue;
				if (q->result_role &&
				    strcasecmp(q->result_role, inst->props[j].name))
					continue;
				if (!class_matches(q, dst->classname,
						   q->result_class))
					continue;
				out[found].assoc = inst;
				out[found++].result = dst;
			}
			referenced = true;
		}
	}
	return found;
}

void assoc_apply_property_list(struct cim_instance *inst,
			       const struct cim_value *property_list)
{
	size_t i, j, kept = 0;

	if (!property_list || property_list->is_null)
		return;
	for (i = 0; i < inst->n_props; i++) {
		bool wanted = false;

		for (j = 0; j < property_list->n && !wanted; j++) {
			const char *name = cim_value_get_string(property_list, j);

			wanted = name && !strcasecmp(name, inst->props[i].name);
		}
		if (wanted)
			inst->props[kept++] = inst->props[i];
		else
			cim_param_free(&inst->props[i]);
	}
	inst->n_props = kept;
}
