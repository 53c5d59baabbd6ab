// SPDX-License-Identifier: GPL-2.0
/*
 * The CIM object model: type names, lookups, typed reads with strict
 * parsing, builders, copies and frees. See cim.h.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cim.h"

static const char *const type_names[] = {
	[CIM_TYPE_STRING] = "string",
	[CIM_TYPE_BOOLEAN] = "boolean",
	[CIM_TYPE_UINT8] = "uint8",
	[CIM_TYPE_SINT8] = "sint8",
	[CIM_TYPE_UINT16] = "uint16",
	[CIM_TYPE_SINT16] = "sint16",
	[CIM_TYPE_UINT32] = "uint32",
	[CIM_TYPE_SINT32] = "sint32",
	[CIM_TYPE_UINT64] = "uint64",
	[CIM_TYPE_SINT64] = "sint64",
	[CIM_TYPE_REAL32] = "real32",
	[CIM_TYPE_REAL64] = "real64",
	[CIM_TYPE_CHAR16] = "char16",
	[CIM_TYPE_DATETIME] = "datetime",
	[CIM_TYPE_REFERENCE] = "reference",
};

#define N_TYPES (sizeof(type_names) / sizeof(type_names[0]))

const char *cim_type_name(enum cim_type type)
{
	if ((unsigned int)type >= N_TYPES)
		return NULL;
	return type_names[type];
}

enum cim_type cim_type_parse(const char *name)
{
	size_t i;

	if (!name)
		return CIM_TYPE_NONE;
	for (i = 1; i < N_TYPES; i++)
		if (strcasecmp(name, type_names[i]) == 0)
			return (enum cim_type)i;
	return CIM_TYPE_NONE;
}

static const char *const status_names[] = {
	[CIM_ERR_OK] = "CIM_ERR_OK",
	[CIM_ERR_FAILED] = "CIM_ERR_FAILED",
	[CIM_ERR_ACCESS_DENIED] = "CIM_ERR_ACCESS_DENIED",
	[CIM_ERR_INVALID_NAMESPACE] = "CIM_ERR_INVALID_NAMESPACE",
	[CIM_ERR_INVALID_PARAMETER] = "CIM_ERR_INVALID_PARAMETER",
	[CIM_ERR_INVALID_CLASS] = "CIM_ERR_INVALID_CLASS",
	[CIM_ERR_NOT_FOUND] = "CIM_ERR_NOT_FOUND",
	[CIM_ERR_NOT_SUPPORTED] = "CIM_ERR_NOT_SUPPORTED",
	[CIM_ERR_CLASS_HAS_CHILDREN] = "CIM_ERR_CLASS_HAS_CHILDREN",
	[CIM_ERR_CLASS_HAS_INSTANCES] = "CIM_ERR_CLASS_HAS_INSTANCES",
	[CIM_ERR_INVALID_SUPERCLASS] = "CIM_ERR_INVALID_SUPERCLASS",
	[CIM_ERR_ALREADY_EXISTS] = "CIM_ERR_ALREADY_EXISTS",
	[CIM_ERR_NO_SUCH_PROPERTY] = "CIM_ERR_NO_SUCH_PROPERTY",
	[CIM_ERR_TYPE_MISMATCH] = "CIM_ERR_TYPE_MISMATCH",
	[CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED] =
		"CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED",
	[CIM_ERR_INVALID_QUERY] = "CIM_ERR_INVALID_QUERY",
	[CIM_ERR_METHOD_NOT_AVAILABLE] = "CIM_ERR_METHOD_NOT_AVAILABLE",
	[CIM_ERR_METHOD_NOT_FOUND] = "CIM_ERR_METHOD_NOT_FOUND",
};

const char *cim_status_name(int status)
{
	if (status < 0 ||
	    (size_t)status >= sizeof(status_names) / sizeof(status_names[0]))
		return NULL;
	return status_names[status];
}

/* Lookups */

const struct cim_param *cim_request_param(const struct cim_request *req,
					  const char *name)
{
	size_t i;

	for (i = 0; req && name && i < req->n_params; i++)
		if (strcasecmp(req->params[i].name, name) == 0)
			return &req->params[i];
	return NULL;
}

const struct cim_param *cim_instance_prop(const struct cim_instance *inst,
					  const char *name)
{
	size_t i;

	for (i = 0; inst && name && i < inst->n_props; i++)
		if (strcasecmp(inst->props[i].name, name) == 0)
			return &inst->props[i];
	return NULL;
}

const char *cim_path_key(const struct cim_path *path, const char *name)
{
	size_t i;

	for (i = 0; path && name && i < path->n_keys; i++)
		if (strcasecmp(path->keys[i].name, name) == 0)
			return path->keys[i].value;
	return NULL;
}

/* Strict text parsing */

/*
 * Parse an unsigned integer: decimal digits, or "0x" and hex digits
 * (DSP0201 allows both), nothing else (no sign, no blanks).
 */
static bool parse_unsigned(const char *text, uint64_t *out)
{
	uint64_t v = 0;
	unsigned int base = 10, digit;
	const char *p = text;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return false;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digit = (unsigned int)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			digit = (unsigned int)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			digit = (unsigned int)(*p - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX - digit) / base)
			return false;
		v = v * base + digit;
	}
	*out = v;
	return true;
}

/* A signed integer: an optional '+' or '-', then as parse_unsigned(). */
static bool parse_signed(const char *text, int64_t *out)
{
	bool negative = false;
	uint64_t magnitude;

	if (*text == '-' || *text == '+') {
		negative = *text == '-';
		text++;
	}
	if (!parse_unsigned(text, &magnitude))
		return false;
	if (negative) {
		if (magnitude > (uint64_t)INT64_MAX + 1)
			return false;
		*out = magnitude == (uint64_t)INT64_MAX + 1 ?
			INT64_MIN : -(int64_t)magnitude;
	} else {
		if (magnitude > INT64_MAX)
			return false;
		*out = (int64_t)magnitude;
	}
	return true;
}

static bool parse_real(const char *text, double *out)
{
	char *end;
	double v;

	/* strtod takes blanks, "inf", "nan" and hex floats: CIM does not. */
	if (!*text || isspace((unsigned char)*text))
		return false;
	if (strpbrk(text, "xXiInN"))
		return false;
	errno = 0;
	v = strtod(text, &end);
	if (*end || errno == ERANGE || !isfinite(v))
		return false;
	*out = v;
	return true;
}

static bool parse_bool(const char *text, bool *out)
{
	if (strcasecmp(text, "true") == 0)
		*out = true;
	else if (strcasecmp(text, "false") == 0)
		*out = false;
	else
		return false;
	return true;
}

/* @n digits of @p as a number, or -1 when one of them is not a digit. */
static long digits(const char *p, int n)
{
	long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

bool cim_interval_parse(const char *text, uint64_t *ns)
{
	long days, hours, minutes, seconds, usec;

	if (!text || strlen(text) != CIM_DATETIME_LEN || text[14] != '.' ||
	    strcmp(text + 21, ":000") != 0)
		return false;
	days = digits(text, 8);
	hours = digits(text + 8, 2);
	minutes = digits(text + 10, 2);
	seconds = digits(text + 12, 2);
	usec = digits(text + 15, 6);
	if (days < 0 || hours < 0 || hours > 23 || minutes < 0 || minutes > 59 ||
	    seconds < 0 || seconds > 59 || usec < 0)
		return false;
	*ns = ((((uint64_t)days * 24 + (uint64_t)hours) * 60 +
		(uint64_t)minutes) * 60 + (uint64_t)seconds) * 1000000000ULL +
		(uint64_t)usec * 1000ULL;
	return true;
}

/*
 * A timestamp "yyyymmddhhmmss.mmmmmmsutc": digits (or DSP0004's '*' for
 * unknown ones), '.', then '+' or '-' and the UTC offset in minutes.
 */
static bool timestamp_is_valid(const char *text)
{
	int i;

	if (strlen(text) != CIM_DATETIME_LEN || text[14] != '.' ||
	    (text[21] != '+' && text[21] != '-'))
		return false;
	for (i = 0; i < CIM_DATETIME_LEN; i++) {
		if (i == 14 || i == 21)
			continue;
		if (!isdigit((unsigned char)text[i]) &&
		    !(text[i] == '*' && i < 21))
			return false;
	}
	return true;
}

/* Number of UTF-8 encoded characters of @text, or -1 if malformed. */
static long utf8_length(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	long n = 0;
	int more;

	while (*p) {
		if (*p < 0x80)
			more = 0;
		else if ((*p & 0xe0) == 0xc0)
			more = 1;
		else if ((*p & 0xf0) == 0xe0)
			more = 2;
		else if ((*p & 0xf8) == 0xf0)
			more = 3;
		else
			return -1;
		p++;
		while (more--) {
			if ((*p & 0xc0) != 0x80)
				return -1;
			p++;
		}
		n++;
	}
	return n;
}

struct int_range {
	int64_t min;
	uint64_t max;
};

static bool int_range_of(enum cim_type type, struct int_range *r)
{
	switch (type) {
	case CIM_TYPE_UINT8:
		*r = (struct int_range){ 0, UINT8_MAX };
		return true;
	case CIM_TYPE_SINT8:
		*r = (struct int_range){ INT8_MIN, INT8_MAX };
		return true;
	case CIM_TYPE_UINT16:
		*r = (struct int_range){ 0, UINT16_MAX };
		return true;
	case CIM_TYPE_SINT16:
		*r = (struct int_range){ INT16_MIN, INT16_MAX };
		return true;
	case CIM_TYPE_UINT32:
		*r = (struct int_range){ 0, UINT32_MAX };
		return true;
	case CIM_TYPE_SINT32:
		*r = (struct int_range){ INT32_MIN, INT32_MAX };
		return true;
	case CIM_TYPE_UINT64:
		*r = (struct int_range){ 0, UINT64_MAX };
		return true;
	case CIM_TYPE_SINT64:
		*r = (struct int_range){ INT64_MIN, INT64_MAX };
		return true;
	default:
		return false;
	}
}

bool cim_text_is_valid(enum cim_type type, const char *text)
{
	struct int_range range;
	uint64_t u, ignored_ns;
	int64_t s;
	double d;
	bool b;

	if (!text)
		return false;
	if (int_range_of(type, &range)) {
		if (range.min == 0)
			return parse_unsigned(text, &u) && u <= range.max;
		return parse_signed(text, &s) && s >= range.min &&
			(s < 0 || (uint64_t)s <= range.max);
	}
	switch (type) {
	case CIM_TYPE_BOOLEAN:
		return parse_bool(text, &b);
	case CIM_TYPE_REAL32:
	case CIM_TYPE_REAL64:
		return parse_real(text, &d);
	case CIM_TYPE_CHAR16:
		return utf8_length(text) == 1;
	case CIM_TYPE_DATETIME:
		return timestamp_is_valid(text) ||
			cim_interval_parse(text, &ignored_ns);
	case CIM_TYPE_REFERENCE:
		return false;
	default:
		return true;
	}
}

/* Typed reads */

static const char *element_text(const struct cim_value *v, size_t index)
{
	if (!v || v->type == CIM_TYPE_REFERENCE || !v->text)
		return NULL;
	if (v->is_array ? index >= v->n : (v->is_null || index != 0 || v->n < 1))
		return NULL;
	return v->text[index];
}

bool cim_value_get_u64(const struct cim_value *v, size_t index, uint64_t max,
		       uint64_t *out)
{
	const char *text = element_text(v, index);
	uint64_t u;

	if (!text || !parse_unsigned(text, &u) || u > max)
		return false;
	*out = u;
	return true;
}

bool cim_value_get_s64(const struct cim_value *v, size_t index, int64_t min,
		       int64_t max, int64_t *out)
{
	const char *text = element_text(v, index);
	int64_t s;

	if (!text || !parse_signed(text, &s) || s < min || s > max)
		return false;
	*out = s;
	return true;
}

bool cim_value_get_bool(const struct cim_value *v, size_t index, bool *out)
{
	const char *text = element_text(v, index);

	return text && parse_bool(text, out);
}

const char *cim_value_get_string(const struct cim_value *v, size_t index)
{
	return element_text(v, index);
}

const struct cim_path *cim_value_get_ref(const struct cim_value *v,
					 size_t index)
{
	if (!v || v->type != CIM_TYPE_REFERENCE || !v->refs)
		return NULL;
	if (v->is_array ? index >= v->n : (v->is_null || index != 0 || v->n < 1))
		return NULL;
	/* A NULL element of a reference array is a path without a class. */
	if (!v->refs[index].classname)
		return NULL;
	return &v->refs[index];
}

/* Date and time */

bool cim_datetime_format(int64_t ns, char buf[CIM_DATETIME_LEN + 1])
{
	int64_t seconds = ns / 1000000000, rest = ns % 1000000000;
	char wide[64];	/* what snprintf could write for any int fields */
	struct tm tm;
	time_t t;

	buf[0] = '\0';
	if (rest < 0) {
		rest += 1000000000;
		seconds--;
	}
	t = (time_t)seconds;
	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 0 ||
	    tm.tm_year + 1900 > 9999)
		return false;
	snprintf(wide, sizeof(wide), "%04d%02d%02d%02d%02d%02d.%06ld+000",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (long)(rest / 1000));
	if (strlen(wide) != CIM_DATETIME_LEN)
		return false;
	memcpy(buf, wide, CIM_DATETIME_LEN + 1);
	return true;
}

void cim_interval_format(uint64_t ns, char buf[CIM_DATETIME_LEN + 1])
{
	uint64_t usec = ns / 1000 % 1000000, s = ns / 1000000000;
	uint64_t days = s / 86400;

	if (days > 99999999) {
		snprintf(buf, CIM_DATETIME_LEN + 1, "99999999235959.999999:000");
		return;
	}
	snprintf(buf, CIM_DATETIME_LEN + 1,
		 "%08" PRIu64 "%02u%02u%02u.%06" PRIu64 ":000", days,
		 (unsigned int)(s / 3600 % 24), (unsigned int)(s / 60 % 60),
		 (unsigned int)(s % 60), usec);
}

/* Frees */

void cim_value_free(struct cim_value *v)
{
	size_t i;

	if (!v)
		return;
	if (v->text) {
		for (i = 0; i < v->n; i++)
			free(v->text[i]);
		free(v->text);
	}
	if (v->refs) {
		for (i = 0; i < v->n; i++)
			cim_path_free(&v->refs[i]);
		free(v->refs);
	}
	memset(v, 0, sizeof(*v));
}

void cim_param_free(struct cim_param *param)
{
	if (!param)
		return;
	free(param->name);
	param->name = NULL;
	cim_value_free(&param->value);
}

void cim_path_free(struct cim_path *path)
{
	size_t i;

	if (!path)
		return;
	free(path->host);
	free(path->namespace);
	free(path->classname);
	for (i = 0; i < path->n_keys; i++) {
		free(path->keys[i].name);
		free(path->keys[i].value);
		cim_path_destroy(path->keys[i].ref);
	}
	free(path->keys);
	memset(path, 0, sizeof(*path));
}

void cim_path_destroy(struct cim_path *path)
{
	cim_path_free(path);
	free(path);
}

void cim_instance_free(struct cim_instance *inst)
{
	size_t i;

	if (!inst)
		return;
	free(inst->classname);
	cim_path_destroy(inst->path);
	for (i = 0; i < inst->n_props; i++)
		cim_param_free(&inst->props[i]);
	free(inst->props);
	free(inst);
}

void cim_request_free(struct cim_request *req)
{
	size_t i;

	if (!req)
		return;
	free(req->message_id);
	free(req->method);
	free(req->namespace);
	cim_path_destroy(req->target);
	for (i = 0; i < req->n_params; i++)
		cim_param_free(&req->params[i]);
	free(req->params);
	free(req);
}

/* Copies and builders */

/* strdup() that copies NULL as NULL; *@ok becomes false on failure. */
static char *dup_or_null(const char *s, bool *ok)
{
	char *copy;

	if (!s)
		return NULL;
	copy = strdup(s);
	if (!copy)
		*ok = false;
	return copy;
}

bool cim_path_copy(struct cim_path *dst, const struct cim_path *src)
{
	bool ok = true;
	size_t i;

	memset(dst, 0, sizeof(*dst));
	dst->host = dup_or_null(src->host, &ok);
	dst->namespace = dup_or_null(src->namespace, &ok);
	dst->classname = dup_or_null(src->classname, &ok);
	if (src->n_keys) {
		dst->keys = calloc(src->n_keys, sizeof(*dst->keys));
		if (!dst->keys)
			ok = false;
	}
	for (i = 0; ok && i < src->n_keys; i++) {
		const struct cim_key *from = &src->keys[i];
		struct cim_key *to = &dst->keys[i];

		dst->n_keys++;
		to->type = from->type;
		to->name = dup_or_null(from->name, &ok);
		to->value = dup_or_null(from->value, &ok);
		if (from->ref) {
			to->ref = calloc(1, sizeof(*to->ref));
			if (!to->ref || !cim_path_copy(to->ref, from->ref))
				ok = false;
		}
	}
	if (!ok)
		cim_path_free(dst);
	return ok;
}

bool cim_value_copy(struct cim_value *dst, const struct cim_value *src)
{
	bool ok = true;
	size_t i;

	*dst = *src;
	dst->text = NULL;
	dst->refs = NULL;
	if (src->text && src->n) {
		dst->text = calloc(src->n, sizeof(*dst->text));
		ok = dst->text != NULL;
		for (i = 0; ok && i < src->n; i++)
			dst->text[i] = dup_or_null(src->text[i], &ok);
	}
	if (ok && src->refs && src->n) {
		dst->refs = calloc(src->n, sizeof(*dst->refs));
		ok = dst->refs != NULL;
		for (i = 0; ok && i < src->n; i++)
			ok = cim_path_copy(&dst->refs[i], &src->refs[i]);
	}
	if (!ok)
		cim_value_free(dst);	/* calloc'ed: unfilled slots are empty */
	return ok;
}

bool cim_value_set(struct cim_value *v, enum cim_type type, const char *text)
{
	memset(v, 0, sizeof(*v));
	v->type = type;
	if (!text) {
		v->is_null = true;
		return true;
	}
	v->text = calloc(1, sizeof(*v->text));
	if (!v->text)
		return false;
	v->text[0] = strdup(text);
	if (!v->text[0]) {
		free(v->text);
		v->text = NULL;
		return false;
	}
	v->n = 1;
	return true;
}

bool cim_value_set_ref(struct cim_value *v, const struct cim_path *path)
{
	memset(v, 0, sizeof(*v));
	v->type = CIM_TYPE_REFERENCE;
	if (!path) {
		v->is_null = true;
		return true;
	}
	v->refs = calloc(1, sizeof(*v->refs));
	if (!v->refs)
		return false;
	if (!cim_path_copy(v->refs, path)) {
		free(v->refs);
		v->refs = NULL;
		return false;
	}
	v->n = 1;
	return true;
}

void cim_value_set_array(struct cim_value *v, enum cim_type type)
{
	memset(v, 0, sizeof(*v));
	v->type = type;
	v->is_array = true;
}

bool cim_value_append(struct cim_value *v, const char *text)
{
	char **grown, *copy = NULL;

	if (text) {
		copy = strdup(text);
		if (!copy)
			return false;
	}
	grown = realloc(v->text, (v->n + 1) * sizeof(*grown));
	if (!grown) {
		free(copy);
		return false;
	}
	v->text = grown;
	v->text[v->n++] = copy;
	return true;
}

bool cim_value_append_ref(struct cim_value *v, const struct cim_path *path)
{
	struct cim_path *grown, copy;

	if (!cim_path_copy(&copy, path))
		return false;
	grown = realloc(v->refs, (v->n + 1) * sizeof(*grown));
	if (!grown) {
		cim_path_free(&copy);
		return false;
	}
	v->refs = grown;
	v->refs[v->n++] = copy;
	return true;
}

bool cim_path_init(struct cim_path *path, const char *host,
		   const char *namespace, const char *classname)
{
	bool ok = true;

	memset(path, 0, sizeof(*path));
	path->host = dup_or_null(host, &ok);
	path->namespace = dup_or_null(namespace, &ok);
	path->classname = dup_or_null(classname, &ok);
	if (!ok)
		cim_path_free(path);
	return ok;
}

/* Append an empty key named @name to @path; NULL on allocation failure. */
static struct cim_key *path_new_key(struct cim_path *path, const char *name)
{
	struct cim_key *grown;
	char *copy = strdup(name);

	if (!copy)
		return NULL;
	grown = realloc(path->keys, (path->n_keys + 1) * sizeof(*grown));
	if (!grown) {
		free(copy);
		return NULL;
	}
	path->keys = grown;
	grown = &path->keys[path->n_keys++];
	memset(grown, 0, sizeof(*grown));
	grown->name = copy;
	return grown;
}

bool cim_path_add_key(struct cim_path *path, const char *name,
		      enum cim_type type, const char *value)
{
	char *copy = strdup(value);
	struct cim_key *key;

	if (!copy)
		return false;
	key = path_new_key(path, name);
	if (!key) {
		free(copy);
		return false;
	}
	key->type = type;
	key->value = copy;
	return true;
}

bool cim_path_add_ref_key(struct cim_path *path, const char *name,
			  const struct cim_path *ref)
{
	struct cim_path *copy = calloc(1, sizeof(*copy));
	struct cim_key *key;

	if (!copy || !cim_path_copy(copy, ref)) {
		free(copy);
		return false;
	}
	key = path_new_key(path, name);
	if (!key) {
		cim_path_destroy(copy);
		return false;
	}
	key->type = CIM_TYPE_REFERENCE;
	key->ref = copy;
	return true;
}

struct cim_instance *cim_instance_new(const char *classname)
{
	struct cim_instance *inst = calloc(1, sizeof(*inst));

	if (!inst)
		return NULL;
	inst->classname = strdup(classname);
	if (!inst->classname) {
		free(inst);
		return NULL;
	}
	return inst;
}

struct cim_value *cim_instance_add_prop(struct cim_instance *inst,
					const char *name)
{
	struct cim_param *grown;
	char *copy = strdup(name);

	if (!copy)
		return NULL;
	grown = realloc(inst->props, (inst->n_props + 1) * sizeof(*grown));
	if (!grown) {
		free(copy);
		return NULL;
	}
	inst->props = grown;
	grown = &inst->props[inst->n_props++];
	memset(grown, 0, sizeof(*grown));
	grown->name = copy;
	grown->value.is_null = true;
	return &grown->value;
}

bool cim_instance_set_prop(struct cim_instance *inst, const char *name,
			   enum cim_type type, const char *text)
{
	struct cim_value v;
	struct cim_value *slot;

	if (!cim_value_set(&v, type, text))
		return false;
	slot = cim_instance_add_prop(inst, name);
	if (!slot) {
		cim_value_free(&v);
		return false;
	}
	*slot = v;
	return true;
}
