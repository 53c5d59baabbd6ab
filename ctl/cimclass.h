/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Class declarations, as GetClass returns them (DSP0201 CLASS): qualifiers,
 * properties, methods and their parameters. A class repository is static
 * data, so these are read-only descriptions made of constant strings that
 * can live in `static const` tables; ctl/cimxml.c only reads them.
 *
 *	static const struct cim_qualifier key[] = {
 *		{ .name = "Key", .type = CIM_TYPE_BOOLEAN, .value = "true",
 *		  .disable_override = true },
 *	};
 *	static const struct cim_property_decl props[] = {
 *		{ .name = "DeviceID", .type = CIM_TYPE_STRING,
 *		  .qualifiers = key, .n_qualifiers = 1 },
 *	};
 *
 * Array literals fit in compound literals:
 *	.values = (const char *const[]){ "2", "3" }, .n_values = 2
 */
#ifndef CIMREPL_CIMCLASS_H
#define CIMREPL_CIMCLASS_H

#include <stdbool.h>
#include <stddef.h>

#include "cim.h"

/*
 * A qualifier with its value: a scalar @value (NULL: no value), or, with
 * @is_array, the @n_values elements of @values. The flavors default to
 * DSP0201's (overridable, propagated to subclasses, not translatable).
 */
struct cim_qualifier {
	const char *name;
	enum cim_type type;
	bool is_array;
	const char *value;
	const char *const *values;
	size_t n_values;
	bool propagated;	/* inherited from the superclass */
	bool disable_override;	/* OVERRIDABLE="false" */
	bool restricted;	/* TOSUBCLASS="false" */
	bool translatable;	/* TRANSLATABLE="true" */
};

/*
 * A property of a class: scalar (PROPERTY), array (PROPERTY.ARRAY) or
 * reference (PROPERTY.REFERENCE, @type CIM_TYPE_REFERENCE, to instances of
 * @reference_class). @default_value is the scalar default, or NULL; an
 * array's defaults are @default_values (@n_default_values of them).
 * @embedded_object: "instance" or "object" for a string property carrying
 * embedded objects (the EmbeddedObject attribute), else NULL.
 */
struct cim_property_decl {
	const char *name;
	enum cim_type type;
	bool is_array;
	const char *reference_class;
	const char *default_value;
	const char *const *default_values;
	size_t n_default_values;
	const char *embedded_object;
	const char *class_origin;	/* the class that declares it */
	bool propagated;
	const struct cim_qualifier *qualifiers;
	size_t n_qualifiers;
};

/*
 * A method parameter: PARAMETER (scalar), PARAMETER.ARRAY (@is_array),
 * PARAMETER.REFERENCE (@type CIM_TYPE_REFERENCE) or PARAMETER.REFARRAY
 * (reference and @is_array). Direction (IN, OUT) is a qualifier, as in
 * the schema.
 */
struct cim_parameter {
	const char *name;
	enum cim_type type;
	bool is_array;
	const char *reference_class;	/* references only; may be NULL */
	const struct cim_qualifier *qualifiers;
	size_t n_qualifiers;
};

/* A method: its return type (uint32 for the replication services). */
struct cim_method {
	const char *name;
	enum cim_type return_type;
	const char *class_origin;
	bool propagated;
	const struct cim_qualifier *qualifiers;
	size_t n_qualifiers;
	const struct cim_parameter *parameters;
	size_t n_parameters;
};

/* A class: its own and inherited members, flattened, as GetClass wants. */
struct cim_class {
	const char *name;
	const char *superclass;		/* NULL for a root class */
	const struct cim_qualifier *qualifiers;
	size_t n_qualifiers;
	const struct cim_property_decl *properties;
	size_t n_properties;
	const struct cim_method *methods;
	size_t n_methods;
};

#endif /* CIMREPL_CIMCLASS_H */
