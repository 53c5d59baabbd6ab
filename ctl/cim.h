/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CIM object model cimrepld works in: typed values, object paths,
 * instances, and the operation requests and responses of DSP0200 that
 * ctl/cimxml.c reads from and writes to CIM-XML (DSP0201). Everything here
 * is plain data owned by its container; cim_*_free() release it.
 *
 * Scalar values are kept in the text form DSP0201 carries them in ("7",
 * "TRUE", "20261125153000.000000+000"), with their CIM type; cim_value_get_*
 * convert and range-check them. A NULL value has no text (and no
 * elements).
 */
#ifndef CIMREPL_CIM_H
#define CIMREPL_CIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CIM data types (DSP0004), with their DSP0201 TYPE / PARAMTYPE names. */
enum cim_type {
	CIM_TYPE_NONE,		/* not declared (a VALUE without TYPE) */
	CIM_TYPE_STRING,
	CIM_TYPE_BOOLEAN,
	CIM_TYPE_UINT8,
	CIM_TYPE_SINT8,
	CIM_TYPE_UINT16,
	CIM_TYPE_SINT16,
	CIM_TYPE_UINT32,
	CIM_TYPE_SINT32,
	CIM_TYPE_UINT64,
	CIM_TYPE_SINT64,
	CIM_TYPE_REAL32,
	CIM_TYPE_REAL64,
	CIM_TYPE_CHAR16,
	CIM_TYPE_DATETIME,
	CIM_TYPE_REFERENCE,
};

/* "uint16" for CIM_TYPE_UINT16; NULL for CIM_TYPE_NONE. */
const char *cim_type_name(enum cim_type type);
/* The type named @name ("uint16", "reference"...); CIM_TYPE_NONE if none. */
enum cim_type cim_type_parse(const char *name);

/*
 * One key of an instance path: its name, type and value as text. A KEYVALUE
 * of VALUETYPE "numeric" without a TYPE attribute reads as CIM_TYPE_SINT64
 * when it starts with '-', CIM_TYPE_REAL64 when it has a '.' or an
 * exponent, CIM_TYPE_UINT64 otherwise.
 */
struct cim_key {
	char *name;
	enum cim_type type;	/* string, boolean, a number, or reference */
	char *value;		/* text; NULL when @ref is used */
	struct cim_path *ref;	/* a reference key (VALUE.REFERENCE) */
};

/*
 * An object path: a class (no keys) or an instance. @namespace is
 * "root/cimv2" style; NULL when the path was local and carried none.
 */
struct cim_path {
	char *host;		/* NULL for a local path */
	char *namespace;
	char *classname;
	size_t n_keys;
	struct cim_key *keys;
};

/*
 * A value: a scalar, or an array (@is_array) of @n elements. For
 * CIM_TYPE_REFERENCE the elements are in @refs, else in @text. A NULL
 * scalar has @is_null set; an array may be empty.
 * @embedded_instance: the string is a CIM-XML INSTANCE (EmbeddedObject=
 * "instance" or EmbeddedInstance qualifier), decoded with
 * cimxml_parse_instance(). An INSTANCE element given as a parameter
 * (CreateInstance's NewInstance) arrives the same way: as a string holding
 * the instance in CIM-XML, with @embedded_instance set.
 * A CLASSNAME parameter (ClassName, AssocClass...) arrives as a reference
 * to a class path (a path without keys); an INSTANCENAME as a reference.
 */
struct cim_value {
	enum cim_type type;
	bool is_array;
	bool is_null;
	bool embedded_instance;
	size_t n;
	char **text;
	struct cim_path *refs;
};

/* A named value: a method parameter or an instance property. */
struct cim_param {
	char *name;
	struct cim_value value;
};

struct cim_instance {
	char *classname;
	struct cim_path *path;	/* the instance name, when known */
	size_t n_props;
	struct cim_param *props;
};

/* CIM status codes (DSP0200 2.3.2.x, CIM_ERR_*). */
enum cim_status {
	CIM_ERR_OK = 0,
	CIM_ERR_FAILED = 1,
	CIM_ERR_ACCESS_DENIED = 2,
	CIM_ERR_INVALID_NAMESPACE = 3,
	CIM_ERR_INVALID_PARAMETER = 4,
	CIM_ERR_INVALID_CLASS = 5,
	CIM_ERR_NOT_FOUND = 6,
	CIM_ERR_NOT_SUPPORTED = 7,
	CIM_ERR_CLASS_HAS_CHILDREN = 8,
	CIM_ERR_CLASS_HAS_INSTANCES = 9,
	CIM_ERR_INVALID_SUPERCLASS = 10,
	CIM_ERR_ALREADY_EXISTS = 11,
	CIM_ERR_NO_SUCH_PROPERTY = 12,
	CIM_ERR_TYPE_MISMATCH = 13,
	CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED = 14,
	CIM_ERR_INVALID_QUERY = 15,
	CIM_ERR_METHOD_NOT_AVAILABLE = 16,
	CIM_ERR_METHOD_NOT_FOUND = 17,
};

/*
 * One operation request (a SIMPLEREQ): an intrinsic method (IMETHODCALL,
 * e.g. GetInstance, with IPARAMVALUEs) on @namespace, or an extrinsic one
 * (METHODCALL, e.g. CreateListReplica, with PARAMVALUEs) on the object
 * @target (a class path without keys, or an instance path).
 */
struct cim_request {
	char *message_id;
	bool intrinsic;
	char *method;
	char *namespace;		/* "root/cimv2" */
	struct cim_path *target;	/* extrinsic calls only */
	size_t n_params;
	struct cim_param *params;
};

/* The parameter named @name (case-insensitively, as DSP0201 wants), or NULL. */
const struct cim_param *cim_request_param(const struct cim_request *req,
					  const char *name);
/* The property named @name (case-insensitively), or NULL. */
const struct cim_param *cim_instance_prop(const struct cim_instance *inst,
					  const char *name);
/* The value of key @name of @path as text, or NULL. */
const char *cim_path_key(const struct cim_path *path, const char *name);

/*
 * Typed reads of a scalar (or of element @index of an array). They fail
 * (false) for a NULL value, an index past the end, a value out of range or
 * text that is not of the type (leading/trailing junk, "-1" for an
 * unsigned type...). Numbers are decimal; DSP0201's hexadecimal form
 * ("0x1F") is accepted too. Booleans are "true"/"false" in any case.
 */
bool cim_value_get_u64(const struct cim_value *v, size_t index, uint64_t max,
		       uint64_t *out);
bool cim_value_get_s64(const struct cim_value *v, size_t index, int64_t min,
		       int64_t max, int64_t *out);
bool cim_value_get_bool(const struct cim_value *v, size_t index, bool *out);
/* The text of a non-reference scalar or element; NULL for a NULL value. */
const char *cim_value_get_string(const struct cim_value *v, size_t index);
/*
 * The path of a reference scalar or element; NULL if @v holds none (a
 * NULL value, or a VALUE.NULL element of a reference array, which is kept
 * as a path without a class name).
 */
const struct cim_path *cim_value_get_ref(const struct cim_value *v,
					 size_t index);

/*
 * Whether @text is a valid literal of @type in DSP0201's text form: a
 * number in range for the integer types, a real number, "true"/"false",
 * one character for char16, a datetime or interval for datetime. Strings
 * and CIM_TYPE_NONE accept anything; references have no text form.
 */
bool cim_text_is_valid(enum cim_type type, const char *text);

/* Length of a CIM datetime or interval: "yyyymmddhhmmss.mmmmmmsutc". */
#define CIM_DATETIME_LEN 25

/*
 * Format @ns nanoseconds since the Unix epoch as a CIM timestamp in UTC,
 * "20261125153000.123456+000", into @buf (CIM_DATETIME_LEN + 1 bytes).
 * Returns false (and an empty @buf) for a time before year 0 or past 9999.
 */
bool cim_datetime_format(int64_t ns, char buf[CIM_DATETIME_LEN + 1]);

/*
 * Format a duration of @ns nanoseconds as a CIM interval,
 * "ddddddddhhmmss.mmmmmm:000", into @buf (CIM_DATETIME_LEN + 1 bytes).
 * Durations of 10^8 days or more are clamped to the largest interval.
 */
void cim_interval_format(uint64_t ns, char buf[CIM_DATETIME_LEN + 1]);

/*
 * Parse a CIM interval ("00000001000000.000000:000" is one day) into
 * nanoseconds. Asterisks (DSP0004's unknown digits) are refused. Returns
 * false for anything that is not an interval.
 */
bool cim_interval_parse(const char *text, uint64_t *ns);

/*
 * Building values, paths and instances (what a provider does before
 * ctl/cimxml.c encodes them). Each copies its string arguments and returns
 * false on allocation failure, leaving its target as it was (or, for
 * cim_value_set_*, empty).
 */

/* Make @v the scalar @text of @type; a NULL @text makes a NULL value. */
bool cim_value_set(struct cim_value *v, enum cim_type type, const char *text);
/* Make @v a reference to a copy of @path (a NULL @path: a NULL reference). */
bool cim_value_set_ref(struct cim_value *v, const struct cim_path *path);
/* Make @v an empty array of @type (then fill it with cim_value_append*). */
void cim_value_set_array(struct cim_value *v, enum cim_type type);
/* Append @text (NULL: a NULL element) to the array @v. */
bool cim_value_append(struct cim_value *v, const char *text);
/* Append a copy of @path to the reference array @v. */
bool cim_value_append_ref(struct cim_value *v, const struct cim_path *path);
/* Deep copy of @src into *@dst (which is overwritten, not freed). */
bool cim_value_copy(struct cim_value *dst, const struct cim_value *src);

/*
 * Set the class, namespace and host of @path (each may be NULL). @path is
 * overwritten, not freed: start from a zeroed struct.
 */
bool cim_path_init(struct cim_path *path, const char *host,
		   const char *namespace, const char *classname);
/* Add key @name = @value of @type (string, boolean or a number). */
bool cim_path_add_key(struct cim_path *path, const char *name,
		      enum cim_type type, const char *value);
/* Add key @name, a reference to a copy of @ref. */
bool cim_path_add_ref_key(struct cim_path *path, const char *name,
			  const struct cim_path *ref);

/* A new instance of @classname with no properties, or NULL. */
struct cim_instance *cim_instance_new(const char *classname);
/*
 * Add property @name to @inst and return its value, NULL (a NULL value of
 * type CIM_TYPE_NONE) until the caller sets it with cim_value_set*. The
 * pointer is valid until the next property is added.
 */
struct cim_value *cim_instance_add_prop(struct cim_instance *inst,
					const char *name);
/* Add the scalar property @name = @text of @type (NULL @text: NULL). */
bool cim_instance_set_prop(struct cim_instance *inst, const char *name,
			   enum cim_type type, const char *text);

/* The DSP0200 name of @status, "CIM_ERR_NOT_FOUND"; NULL when unknown. */
const char *cim_status_name(int status);

void cim_value_free(struct cim_value *v);	/* the members, not @v */
void cim_param_free(struct cim_param *param);	/* the members, not @param */
void cim_path_free(struct cim_path *path);	/* the members, not @path */
void cim_path_destroy(struct cim_path *path);	/* members and @path */
void cim_instance_free(struct cim_instance *inst);	/* and @inst */
void cim_request_free(struct cim_request *req);	/* and @req */

/* Deep copy of @src into *@dst; false on allocation failure. */
bool cim_path_copy(struct cim_path *dst, const struct cim_path *src);

#endif /* CIMREPL_CIM_H */
