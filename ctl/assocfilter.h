/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The filters of DSP0200's association operations (Associators,
 * AssociatorNames, References, ReferenceNames) over a set of association
 * instances: which associations reference the source object, in which
 * role, and what lies at their other ends. Pure functions over struct
 * cim_instance (no daemon state), so that they are unit-tested on the host.
 *
 * An association instance is a struct cim_instance whose reference
 * properties (CIM_TYPE_REFERENCE scalars) are its roles.
 */
#ifndef CIMREPL_ASSOCFILTER_H
#define CIMREPL_ASSOCFILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "cim.h"

/*
 * What a request asks. NULL members do not filter. @assoc_class and
 * @result_class match a class and its subclasses (through @is_a);
 * @role and @result_role name reference properties, case-insensitively.
 * For References and ReferenceNames, @result_class filters the
 * associations themselves (DSP0200), @assoc_class and @result_role are
 * NULL.
 */
struct assoc_query {
	const struct cim_path *object;
	const char *assoc_class;
	const char *result_class;
	const char *role;
	const char *result_role;
	/* Is class @cls @ancestor or one of its subclasses? */
	bool (*is_a)(const char *cls, const char *ancestor);
};

/* One association that matched, and for Associators the object it leads to. */
struct assoc_match {
	const struct cim_instance *assoc;
	const struct cim_path *result;	/* the other end; NULL for References */
};

/*
 * Do two instance paths name the same instance? Class names and key names
 * compare case-insensitively, key values as written (booleans without
 * case, references recursively); host and namespace are not compared.
 */
bool assoc_path_equal(const struct cim_path *a, const struct cim_path *b);

/*
 * The matches among the @n associations @assocs for @q, into @out (room
 * for 2 * @n): for Associators (@references false), one per other end of
 * each association that references @q->object in an allowed role; for
 * References, one per such association. Returns how many.
 */
size_t assoc_filter(const struct cim_instance *const *assocs, size_t n,
		    const struct assoc_query *q, bool references,
		    struct assoc_match *out);

/*
 * Keep only the properties of @inst named in @property_list (an array of
 * strings; an empty array keeps none). A NULL @property_list keeps all.
 */
void assoc_apply_property_list(struct cim_instance *inst,
			       const struct cim_value *property_list);

#endif /* CIMREPL_ASSOCFILTER_H */
