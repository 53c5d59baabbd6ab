// SPDX-License-Identifier: GPL-2.0
/*
 * CIM-XML (DSP0201): requests in, responses out, through libxml2. See
 * cimxml.h for what is accepted and what is written.
 *
 * Reading: libxml2 builds the tree (network off, no DTD loading, entity
 * declarations refused from the SAX callbacks, errors kept quiet), then a
 * recursive descent over the elements DSP0201 allows at each place fills
 * the structs of cim.h. Every failure records the first error and unwinds;
 * what a parse_* function has filled in by then stays in its (zeroed)
 * output for the owner to free with the cim_*_free() of the whole.
 *
 * Writing: one xmlTextWriter per document; every text and attribute value
 * is checked to be XML-safe UTF-8 and escaped by the writer.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlstring.h>
#include <libxml/xmlwriter.h>

#include "cimxml.h"

/* Reading */

/* State of one parse: the first error, and where to describe it. */
struct parser {
	int status;
	char *err;
	size_t errlen;
};

/* Record an error (the first one wins) and return false. */
static bool __attribute__((format(printf, 3, 4)))
fail(struct parser *p, int status, const char *fmt, ...)
{
	va_list ap;

	if (p->status != CIM_ERR_OK)
		return false;
	p->status = status;
	if (p->err && p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return false;
}

static const char *name_of(const xmlNode *node)
{
	return (const char *)node->name;
}

static bool is_element(const xmlNode *node, const char *name)
{
	return node && node->type == XML_ELEMENT_NODE &&
		strcmp(name_of(node), name) == 0;
}

/* Whether @s is empty or only XML white space. */
static bool is_blank(const xmlChar *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/*
 * The next element from @node on (itself included), skipping comments,
 * processing instructions and blank text. Other text where elements are
 * expected is an error (returns NULL with the error recorded).
 */
static xmlNode *element_from(struct parser *p, xmlNode *node, bool *ok)
{
	for (; node; node = node->next) {
		switch (node->type) {
		case XML_ELEMENT_NODE:
			return node;
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (!is_blank(node->content)) {
				*ok = fail(p, CIM_ERR_FAILED,
					   "text where %s expects elements",
					   node->parent ?
					   name_of(node->parent) : "the document");
				return NULL;
			}
			break;
		case XML_COMMENT_NODE:
		case XML_PI_NODE:
			break;
		default:
			*ok = fail(p, CIM_ERR_FAILED,
				   "unexpected XML node (type %d) in %s",
				   (int)node->type, node->parent ?
				   name_of(node->parent) : "the document");
			return NULL;
		}
	}
	return NULL;
}

/* The first child element of @node (NULL if none or on error: see *ok). */
static xmlNode *first_element(struct parser *p, xmlNode *node, bool *ok)
{
	return element_from(p, node->children, ok);
}

static xmlNode *next_element(struct parser *p, xmlNode *node, bool *ok)
{
	return element_from(p, node->next, ok);
}

/*
 * Concatenate the text and CDATA nodes of @list into a new string. An
 * entity reference (only possible with a DTD we do not read) or an element
 * inside is an error. *@out is NULL on failure.
 */
static bool text_of_list(struct parser *p, xmlNode *list, const char *where,
			 char **out)
{
	size_t len = 0, used = 0;
	xmlNode *n;
	char *s;

	*out = NULL;
	for (n = list; n; n = n->next) {
		switch (n->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			len += strlen((const char *)n->content);
			break;
		case XML_COMMENT_NODE:
		case XML_PI_NODE:
			break;
		case XML_ELEMENT_NODE:
			return fail(p, CIM_ERR_FAILED,
				    "element %s inside %s, which holds text",
				    name_of(n), where);
		default:
			return fail(p, CIM_ERR_FAILED,
				    "entity reference or unexpected node in %s",
				    where);
		}
	}
	s = malloc(len + 1);
	if (!s)
		return fail(p, CIM_ERR_FAILED, "out of memory");
	for (n = list; n; n = n->next) {
		if (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) {
			size_t l = strlen((const char *)n->content);

			memcpy(s + used, n->content, l);
			used += l;
		}
	}
	s[used] = '\0';
	*out = s;
	return true;
}

/* The text content of element @node, a new string. */
static bool text_of(struct parser *p, xmlNode *node, char **out)
{
	return text_of_list(p, node->children, name_of(node), out);
}

/*
 * The value of attribute @name of @node (matched case-insensitively, as
 * clients differ: EmbeddedObject, EMBEDDEDOBJECT), a new string in *@out,
 * or NULL when absent. False on error.
 */
static bool attr_of(struct parser *p, xmlNode *node, const char *name,
		    char **out)
{
	xmlAttr *a;

	*out = NULL;
	for (a = node->properties; a; a = a->next)
		if (strcasecmp((const char *)a->name, name) == 0)
			return text_of_list(p, a->children, name, out);
	return true;
}

/* Like attr_of(), for a required attribute. */
static bool required_attr(struct parser *p, xmlNode *node, const char *name,
			  char **out)
{
	if (!attr_of(p, node, name, out))
		return false;
	if (!*out)
		return fail(p, CIM_ERR_FAILED, "%s without %s", name_of(node),
			    name);
	return true;
}

/* Like required_attr(), refusing an empty value as well. */
static bool name_attr(struct parser *p, xmlNode *node, const char *name,
		      char **out)
{
	if (!required_attr(p, node, name, out))
		return false;
	if (!**out) {
		free(*out);
		*out = NULL;
		return fail(p, CIM_ERR_FAILED, "%s with an empty %s",
			    name_of(node), name);
	}
	return true;
}

/*
 * Make room in *@array (@n items of @size bytes, grown only through here
 * from NULL) for one more, refusing more than @limit items (@what names
 * them); false on failure.
 */
static bool grow(struct parser *p, void **array, size_t n, size_t size,
		 size_t limit, const char *what)
{
	void *grown;

	if (n >= limit)
		return fail(p, CIM_ERR_FAILED, "more than %zu %s", limit, what);
	/* Capacity doubles: arrays hold n items in 2^k >= n slots. */
	if (n && (n & (n - 1)))
		return true;
	grown = realloc(*array, (n ? 2 * n : 1) * size);
	if (!grown)
		return fail(p, CIM_ERR_FAILED, "out of memory");
	*array = grown;
	return true;
}

static bool parse_value_reference(struct parser *p, xmlNode *node,
				  struct cim_path *path);

/* LOCALNAMESPACEPATH: NAMESPACE+, joined with '/' into *@out. */
static bool parse_local_namespace(struct parser *p, xmlNode *node, char **out)
{
	size_t len = 0;
	bool ok = true;
	xmlNode *ns;
	char *joined = NULL, *name;

	*out = NULL;
	for (ns = first_element(p, node, &ok); ns; ns = next_element(p, ns, &ok)) {
		char *grown;
		size_t l;

		if (!is_element(ns, "NAMESPACE")) {
			free(joined);
			return fail(p, CIM_ERR_FAILED,
				    "%s in LOCALNAMESPACEPATH", name_of(ns));
		}
		if (!name_attr(p, ns, "NAME", &name)) {
			free(joined);
			return false;
		}
		l = strlen(name);
		grown = realloc(joined, len + l + 2);
		if (!grown) {
			free(name);
			free(joined);
			return fail(p, CIM_ERR_FAILED, "out of memory");
		}
		joined = grown;
		if (len)
			joined[len++] = '/';
		memcpy(joined + len, name, l + 1);
		len += l;
		free(name);
	}
	if (!ok) {
		free(joined);
		return false;
	}
	if (!joined)
		return fail(p, CIM_ERR_FAILED, "LOCALNAMESPACEPATH without NAMESPACE");
	*out = joined;
	return true;
}

/* NAMESPACEPATH: HOST, LOCALNAMESPACEPATH. */
static bool parse_namespace_path(struct parser *p, xmlNode *node,
				 struct cim_path *path)
{
	bool ok = true;
	xmlNode *host = first_element(p, node, &ok);
	xmlNode *local = host ? next_element(p, host, &ok) : NULL;

	if (!ok)
		return false;
	if (!is_element(host, "HOST") || !is_element(local, "LOCALNAMESPACEPATH"))
		return fail(p, CIM_ERR_FAILED,
			    "NAMESPACEPATH must hold HOST and LOCALNAMESPACEPATH");
	if (next_element(p, local, &ok) || !ok)
		return fail(p, CIM_ERR_FAILED, "extra element in NAMESPACEPATH");
	return text_of(p, host, &path->host) &&
		parse_local_namespace(p, local, &path->namespace);
}

/* The type of a numeric KEYVALUE without TYPE (see struct cim_key). */
static enum cim_type numeric_key_type(const char *text)
{
	if (text[0] == '-')
		return strpbrk(text, ".eE") ? CIM_TYPE_REAL64 : CIM_TYPE_SINT64;
	if (strpbrk(text, ".") || (strpbrk(text, "eE") && !strpbrk(text, "xX")))
		return CIM_TYPE_REAL64;
	return CIM_TYPE_UINT64;
}

static bool is_numeric_type(enum cim_type t)
{
	return t >= CIM_TYPE_UINT8 && t <= CIM_TYPE_REAL64;
}

/* KEYVALUE: VALUETYPE (string, boolean, numeric), optional TYPE, text. */
static bool parse_key_value(struct parser *p, xmlNode *node,
			    struct cim_key *key)
{
	char *valuetype = NULL, *type_name = NULL;
	enum cim_type type = CIM_TYPE_NONE;
	bool ok = false;

	if (!attr_of(p, node, "VALUETYPE", &valuetype) ||
	    !attr_of(p, node, "TYPE", &type_name) ||
	    !text_of(p, node, &key->value))
		goto out;
	if (type_name) {
		type = cim_type_parse(type_name);
		if (type == CIM_TYPE_NONE || type == CIM_TYPE_REFERENCE) {
			fail(p, CIM_ERR_INVALID_PARAMETER,
			     "KEYVALUE with an unknown TYPE \"%s\"", type_name);
			goto out;
		}
	}
	if (!valuetype || strcasecmp(valuetype, "string") == 0) {
		if (type == CIM_TYPE_NONE)
			type = CIM_TYPE_STRING;
		ok = type == CIM_TYPE_STRING || type == CIM_TYPE_CHAR16 ||
			type == CIM_TYPE_DATETIME;
	} else if (strcasecmp(valuetype, "boolean") == 0) {
		if (type == CIM_TYPE_NONE)
			type = CIM_TYPE_BOOLEAN;
		ok = type == CIM_TYPE_BOOLEAN;
	} else if (strcasecmp(valuetype, "numeric") == 0) {
		if (type == CIM_TYPE_NONE)
			type = numeric_key_type(key->value);
		ok = is_numeric_type(type);
	} else {
		fail(p, CIM_ERR_INVALID_PARAMETER,
		     "KEYVALUE with an unknown VALUETYPE \"%s\"", valuetype);
		goto out;
	}
	if (!ok) {
		fail(p, CIM_ERR_INVALID_PARAMETER,
		     "KEYVALUE of VALUETYPE \"%s\" with TYPE \"%s\"",
		     valuetype, type_name);
		goto out;
	}
	if (!cim_text_is_valid(type, key->value)) {
		ok = fail(p, CIM_ERR_INVALID_PARAMETER,
			  "key %s: \"%s\" is not a valid %s", key->name,
			  key->value, cim_type_name(type));
		goto out;
	}
	key->type = type;
out:
	free(valuetype);
	free(type_name);
	return ok;
}

/*
 * The only child element of @node in *@out. None is an error unless
 * @optional (then *@out is NULL); more than one always is.
 */
static bool only_child(struct parser *p, xmlNode *node, bool optional,
		       xmlNode **out)
{
	bool ok = true;
	xmlNode *child = first_element(p, node, &ok);

	*out = NULL;
	if (!ok)
		return false;
	if (!child)
		return optional ||
			fail(p, CIM_ERR_FAILED, "empty %s", name_of(node));
	if (next_element(p, child, &ok) || !ok)
		return ok && fail(p, CIM_ERR_FAILED,
				  "more than one element in %s", name_of(node));
	*out = child;
	return true;
}

/* The two child elements of @node, named @first and @second. */
static bool two_children(struct parser *p, xmlNode *node, const char *first,
			 const char *second, xmlNode **a, xmlNode **b)
{
	bool ok = true;

	*a = first_element(p, node, &ok);
	*b = *a ? next_element(p, *a, &ok) : NULL;
	if (!ok)
		return false;
	if (!is_element(*a, first) || !is_element(*b, second))
		return fail(p, CIM_ERR_FAILED, "%s must hold %s and %s",
			    name_of(node), first, second);
	if (next_element(p, *b, &ok) || !ok)
		return ok && fail(p, CIM_ERR_FAILED, "extra element in %s",
				  name_of(node));
	return true;
}

/* KEYBINDING: NAME, then KEYVALUE or VALUE.REFERENCE. */
static bool parse_key_binding(struct parser *p, xmlNode *node,
			      struct cim_key *key)
{
	xmlNode *child;

	if (!name_attr(p, node, "NAME", &key->name) ||
	    !only_child(p, node, false, &child))
		return false;
	if (is_element(child, "KEYVALUE"))
		return parse_key_value(p, child, key);
	if (is_element(child, "VALUE.REFERENCE")) {
		key->type = CIM_TYPE_REFERENCE;
		key->ref = calloc(1, sizeof(*key->ref));
		if (!key->ref)
			return fail(p, CIM_ERR_FAILED, "out of memory");
		return parse_value_reference(p, child, key->ref);
	}
	return fail(p, CIM_ERR_FAILED, "%s in KEYBINDING", name_of(child));
}

/* INSTANCENAME: CLASSNAME, then KEYBINDING* (no keys: a singleton). */
static bool parse_instance_name(struct parser *p, xmlNode *node,
				struct cim_path *path)
{
	bool ok = true;
	xmlNode *kb;

	if (!name_attr(p, node, "CLASSNAME", &path->classname))
		return false;
	for (kb = first_element(p, node, &ok); kb; kb = next_element(p, kb, &ok)) {
		struct cim_key *key;
		size_t i;

		if (!is_element(kb, "KEYBINDING"))
			return fail(p, CIM_ERR_NOT_SUPPORTED,
				    "%s in INSTANCENAME (only KEYBINDINGs are supported)",
				    name_of(kb));
		if (!grow(p, (void **)&path->keys, path->n_keys,
			  sizeof(*path->keys), CIMXML_MAX_KEYS, "keys"))
			return false;
		key = &path->keys[path->n_keys++];
		memset(key, 0, sizeof(*key));
		if (!parse_key_binding(p, kb, key))
			return false;
		for (i = 0; i + 1 < path->n_keys; i++)
			if (strcasecmp(path->keys[i].name, key->name) == 0)
				return fail(p, CIM_ERR_INVALID_PARAMETER,
					    "key %s given twice in %s",
					    key->name, path->classname);
	}
	return ok;
}

/* CLASSNAME: NAME. */
static bool parse_class_name(struct parser *p, xmlNode *node,
			     struct cim_path *path)
{
	return name_attr(p, node, "NAME", &path->classname);
}

/*
 * Any of the paths DSP0201 puts in a VALUE.REFERENCE (CLASSPATH,
 * LOCALCLASSPATH, CLASSNAME, INSTANCEPATH, LOCALINSTANCEPATH,
 * INSTANCENAME) into @path.
 */
static bool parse_object_path(struct parser *p, xmlNode *node,
			      struct cim_path *path)
{
	xmlNode *a, *b;

	if (is_element(node, "INSTANCENAME"))
		return parse_instance_name(p, node, path);
	if (is_element(node, "CLASSNAME"))
		return parse_class_name(p, node, path);
	if (is_element(node, "LOCALINSTANCEPATH"))
		return two_children(p, node, "LOCALNAMESPACEPATH",
				    "INSTANCENAME", &a, &b) &&
			parse_local_namespace(p, a, &path->namespace) &&
			parse_instance_name(p, b, path);
	if (is_element(node, "INSTANCEPATH"))
		return two_children(p, node, "NAMESPACEPATH", "INSTANCENAME",
				    &a, &b) &&
			parse_namespace_path(p, a, path) &&
			parse_instance_name(p, b, path);
	if (is_element(node, "LOCALCLASSPATH"))
		return two_children(p, node, "LOCALNAMESPACEPATH", "CLASSNAME",
				    &a, &b) &&
			parse_local_namespace(p, a, &path->namespace) &&
			parse_class_name(p, b, path);
	if (is_element(node, "CLASSPATH"))
		return two_children(p, node, "NAMESPACEPATH", "CLASSNAME",
				    &a, &b) &&
			parse_namespace_path(p, a, path) &&
			parse_class_name(p, b, path);
	return fail(p, CIM_ERR_FAILED, "%s where an object path belongs",
		    name_of(node));
}

/* VALUE.REFERENCE: one object path. */
static bool parse_value_reference(struct parser *p, xmlNode *node,
				  struct cim_path *path)
{
	xmlNode *child;

	return only_child(p, node, false, &child) &&
		parse_object_path(p, child, path);
}

/* Check the text of an element of @v against its type. */
static bool check_text(struct parser *p, const struct cim_value *v,
		       const char *text, const char *what)
{
	if (v->type == CIM_TYPE_NONE || v->type == CIM_TYPE_STRING ||
	    cim_text_is_valid(v->type, text))
		return true;
	return fail(p, CIM_ERR_INVALID_PARAMETER, "%s: \"%.64s\" is not a valid %s",
		    what, text, cim_type_name(v->type));
}

static bool parse_instance_element(struct parser *p, xmlNode *node,
				   struct cim_instance *inst);

/*
 * An INSTANCE element where a string belongs, as text in *@out: wbemcli
 * sends an embedded instance that way when it is given one unescaped.
 */
static bool instance_as_text(struct parser *p, xmlNode *node, const char *what,
			     char **out)
{
	struct cim_instance *inst = calloc(1, sizeof(*inst));
	bool ok;

	if (!inst)
		return fail(p, CIM_ERR_FAILED, "out of memory");
	ok = parse_instance_element(p, node, inst);
	if (ok) {
		*out = cimxml_instance_string(inst);
		if (!*out)
			ok = fail(p, CIM_ERR_FAILED,
				  "%s: cannot re-encode its INSTANCE", what);
	}
	cim_instance_free(inst);
	return ok;
}

/*
 * VALUE: a scalar into @v (whose type is set). A string VALUE holding an
 * INSTANCE element instead of text is an embedded instance.
 */
static bool parse_scalar(struct parser *p, xmlNode *node, struct cim_value *v,
			 const char *what)
{
	xmlNode *child;

	v->text = calloc(1, sizeof(*v->text));
	if (!v->text)
		return fail(p, CIM_ERR_FAILED, "out of memory");
	v->n = 1;
	for (child = node->children; child; child = child->next)
		if (child->type == XML_ELEMENT_NODE)
			break;
	if (child && (v->type == CIM_TYPE_NONE || v->type == CIM_TYPE_STRING) &&
	    is_element(child, "INSTANCE")) {
		if (!only_child(p, node, false, &child))
			return false;
		v->type = CIM_TYPE_STRING;
		v->embedded_instance = true;
		return instance_as_text(p, child, what, &v->text[0]);
	}
	return text_of(p, node, &v->text[0]) &&
		check_text(p, v, v->text[0], what);
}

/* VALUE.ARRAY: VALUE and VALUE.NULL elements into @v. */
static bool parse_array(struct parser *p, xmlNode *node, struct cim_value *v,
			const char *what)
{
	bool ok = true;
	xmlNode *e;

	v->is_array = true;
	for (e = first_element(p, node, &ok); e; e = next_element(p, e, &ok)) {
		char **slot;

		if (!grow(p, (void **)&v->text, v->n, sizeof(*v->text),
			  CIMXML_MAX_LIST, "array elements"))
			return false;
		slot = &v->text[v->n++];
		*slot = NULL;
		if (is_element(e, "VALUE.NULL"))
			continue;
		if (!is_element(e, "VALUE"))
			return fail(p, CIM_ERR_FAILED, "%s in VALUE.ARRAY",
				    name_of(e));
		if (!text_of(p, e, slot) || !check_text(p, v, *slot, what))
			return false;
	}
	return ok;
}

/* One reference into @v (a single path). */
static bool parse_reference_into(struct parser *p, xmlNode *node,
				 struct cim_value *v, bool whole_element)
{
	v->type = CIM_TYPE_REFERENCE;
	v->refs = calloc(1, sizeof(*v->refs));
	if (!v->refs)
		return fail(p, CIM_ERR_FAILED, "out of memory");
	v->n = 1;
	return whole_element ? parse_value_reference(p, node, v->refs) :
		parse_object_path(p, node, v->refs);
}

/*
 * VALUE.REFARRAY: VALUE.REFERENCE and VALUE.NULL elements into @v (also
 * the VALUE.ARRAY of VALUE.REFERENCEs some servers answer with).
 */
static bool parse_ref_array(struct parser *p, xmlNode *node,
			    struct cim_value *v)
{
	bool ok = true;
	xmlNode *e;

	v->type = CIM_TYPE_REFERENCE;
	v->is_array = true;
	for (e = first_element(p, node, &ok); e; e = next_element(p, e, &ok)) {
		struct cim_path *slot;

		if (!grow(p, (void **)&v->refs, v->n, sizeof(*v->refs),
			  CIMXML_MAX_LIST, "array elements"))
			return false;
		slot = &v->refs[v->n++];
		memset(slot, 0, sizeof(*slot));
		if (is_element(e, "VALUE.NULL"))
			continue;
		if (!is_element(e, "VALUE.REFERENCE"))
			return fail(p, CIM_ERR_FAILED, "%s in %s",
				    name_of(e), name_of(node));
		if (!parse_value_reference(p, e, slot))
			return false;
	}
	return ok;
}

/*
 * The content of a PARAMVALUE or IPARAMVALUE (@node) into @v, declared of
 * type @declared (CIM_TYPE_NONE: not declared).
 */
static bool parse_param_content(struct parser *p, xmlNode *node,
				const char *name, enum cim_type declared,
				bool embedded, struct cim_value *v)
{
	bool wants_ref = declared == CIM_TYPE_REFERENCE;
	xmlNode *child;

	v->type = declared;
	v->embedded_instance = embedded;
	if (embedded && declared != CIM_TYPE_NONE && declared != CIM_TYPE_STRING)
		return fail(p, CIM_ERR_INVALID_PARAMETER,
			    "parameter %s: EmbeddedObject on a %s", name,
			    cim_type_name(declared));
	if (!only_child(p, node, true, &child))
		return false;
	if (!child) {
		v->is_null = true;
		return true;
	}
	if (is_element(child, "VALUE") || is_element(child, "VALUE.ARRAY")) {
		if (wants_ref)
			return fail(p, CIM_ERR_INVALID_PARAMETER,
				    "parameter %s: %s for a reference", name,
				    name_of(child));
		return is_element(child, "VALUE") ?
			parse_scalar(p, child, v, name) :
			parse_array(p, child, v, name);
	}
	if (is_element(child, "VALUE.REFERENCE") ||
	    is_element(child, "VALUE.REFARRAY") ||
	    is_element(child, "CLASSNAME") ||
	    is_element(child, "INSTANCENAME")) {
		if (declared != CIM_TYPE_NONE && !wants_ref)
			return fail(p, CIM_ERR_INVALID_PARAMETER,
				    "parameter %s: %s for a %s", name,
				    name_of(child), cim_type_name(declared));
		if (embedded)
			return fail(p, CIM_ERR_INVALID_PARAMETER,
				    "parameter %s: EmbeddedObject on a reference",
				    name);
		if (is_element(child, "VALUE.REFARRAY"))
			return parse_ref_array(p, child, v);
		return parse_reference_into(p, child, v,
					    is_element(child, "VALUE.REFERENCE"));
	}
	if (is_element(child, "INSTANCE")) {
		if (declared != CIM_TYPE_NONE && declared != CIM_TYPE_STRING)
			return fail(p, CIM_ERR_INVALID_PARAMETER,
				    "parameter %s: INSTANCE for a %s", name,
				    cim_type_name(declared));
		v->type = CIM_TYPE_STRING;
		v->embedded_instance = true;
		v->text = calloc(1, sizeof(*v->text));
		if (!v->text)
			return fail(p, CIM_ERR_FAILED, "out of memory");
		v->n = 1;
		return instance_as_text(p, child, name, &v->text[0]);
	}
	if (is_element(child, "CLASS") || is_element(child, "QUALIFIER.DECLARATION") ||
	    is_element(child, "VALUE.NAMEDINSTANCE"))
		return fail(p, CIM_ERR_NOT_SUPPORTED, "parameter %s: %s is not supported",
			    name, name_of(child));
	return fail(p, CIM_ERR_FAILED, "parameter %s: unexpected %s", name,
		    name_of(child));
}

/* The EmbeddedObject attribute: "instance" or "object" (true), absent. */
static bool parse_embedded_attr(struct parser *p, xmlNode *node,
				const char *name, bool *embedded)
{
	char *eo;

	*embedded = false;
	if (!attr_of(p, node, "EmbeddedObject", &eo))
		return false;
	if (!eo)
		return true;
	if (strcasecmp(eo, "instance") == 0 || strcasecmp(eo, "object") == 0) {
		*embedded = true;
		free(eo);
		return true;
	}
	fail(p, CIM_ERR_INVALID_PARAMETER,
	     "%s: EmbeddedObject \"%.32s\" is neither instance nor object",
	     name, eo);
	free(eo);
	return false;
}

/* A TYPE or PARAMTYPE attribute's type into *@type (absent: NONE). */
static bool parse_type_attr(struct parser *p, xmlNode *node, const char *attr,
			    const char *name, enum cim_type *type)
{
	char *text;

	*type = CIM_TYPE_NONE;
	if (!attr_of(p, node, attr, &text))
		return false;
	if (!text)
		return true;
	*type = cim_type_parse(text);
	if (*type == CIM_TYPE_NONE) {
		fail(p, CIM_ERR_INVALID_PARAMETER, "%s: %s \"%.32s\" is not a CIM type",
		     name, attr, text);
		free(text);
		return false;
	}
	free(text);
	return true;
}

/* PARAMVALUE (@intrinsic false) or IPARAMVALUE into the request. */
static bool parse_param(struct parser *p, xmlNode *node, bool intrinsic,
			struct cim_request *req)
{
	enum cim_type declared = CIM_TYPE_NONE;
	bool embedded = false;
	struct cim_param *param;
	size_t i;

	if (!grow(p, (void **)&req->params, req->n_params, sizeof(*req->params),
		  CIMXML_MAX_PARAMS, "parameters"))
		return false;
	param = &req->params[req->n_params++];
	memset(param, 0, sizeof(*param));
	if (!name_attr(p, node, "NAME", &param->name))
		return false;
	if (!intrinsic &&
	    (!parse_type_attr(p, node, "PARAMTYPE", param->name, &declared) ||
	     !parse_embedded_attr(p, node, param->name, &embedded)))
		return false;
	for (i = 0; i + 1 < req->n_params; i++)
		if (strcasecmp(req->params[i].name, param->name) == 0)
			return fail(p, CIM_ERR_INVALID_PARAMETER,
				    "parameter %s given twice", param->name);
	return parse_param_content(p, node, param->name, declared, embedded,
				   &param->value);
}

/* Parameters (@element: PARAMVALUE or IPARAMVALUE) from @node on. */
static bool parse_params(struct parser *p, xmlNode *node, const char *element,
			 struct cim_request *req)
{
	bool ok = true;

	for (; node; node = next_element(p, node, &ok)) {
		if (!is_element(node, element))
			return fail(p, CIM_ERR_FAILED, "%s where %s belongs",
				    name_of(node), element);
		if (!parse_param(p, node, !strcmp(element, "IPARAMVALUE"), req))
			return false;
	}
	return ok;
}

/* IMETHODCALL: NAME, LOCALNAMESPACEPATH, IPARAMVALUE*. */
static bool parse_imethodcall(struct parser *p, xmlNode *node,
			      struct cim_request *req)
{
	bool ok = true;
	xmlNode *nsp;

	req->intrinsic = true;
	if (!name_attr(p, node, "NAME", &req->method))
		return false;
	nsp = first_element(p, node, &ok);
	if (!ok)
		return false;
	if (!is_element(nsp, "LOCALNAMESPACEPATH"))
		return fail(p, CIM_ERR_FAILED,
			    "IMETHODCALL without LOCALNAMESPACEPATH");
	if (!parse_local_namespace(p, nsp, &req->namespace))
		return false;
	return parse_params(p, next_element(p, nsp, &ok), "IPARAMVALUE", req) &&
		ok;
}

/* METHODCALL: NAME, LOCALCLASSPATH or LOCALINSTANCEPATH, PARAMVALUE*. */
static bool parse_methodcall(struct parser *p, xmlNode *node,
			     struct cim_request *req)
{
	bool ok = true;
	xmlNode *target;

	req->intrinsic = false;
	if (!name_attr(p, node, "NAME", &req->method))
		return false;
	target = first_element(p, node, &ok);
	if (!ok)
		return false;
	if (!is_element(target, "LOCALCLASSPATH") &&
	    !is_element(target, "LOCALINSTANCEPATH"))
		return fail(p, CIM_ERR_FAILED,
			    "METHODCALL without LOCALCLASSPATH or LOCALINSTANCEPATH");
	req->target = calloc(1, sizeof(*req->target));
	if (!req->target)
		return fail(p, CIM_ERR_FAILED, "out of memory");
	if (!parse_object_path(p, target, req->target))
		return false;
	req->namespace = strdup(req->target->namespace);
	if (!req->namespace)
		return fail(p, CIM_ERR_FAILED, "out of memory");
	return parse_params(p, next_element(p, target, &ok), "PARAMVALUE", req) &&
		ok;
}

/* Whether @version is "@major" or starts with "@major.". */
static bool version_is(const char *version, const char *major)
{
	size_t l = strlen(major);

	return version && strncmp(version, major, l) == 0 &&
		(version[l] == '\0' || version[l] == '.');
}

/* CIM / MESSAGE / SIMPLEREQ / (IMETHODCALL | METHODCALL). */
static bool parse_request_tree(struct parser *p, xmlNode *root,
			       struct cim_request *req)
{
	char *cimversion = NULL, *dtdversion = NULL, *protocol = NULL;
	xmlNode *message, *simple, *call;
	bool ok = false, more = true;

	if (!is_element(root, "CIM"))
		return fail(p, CIM_ERR_FAILED, "the root element is %s, not CIM",
			    root ? name_of(root) : "missing");
	if (!required_attr(p, root, "CIMVERSION", &cimversion) ||
	    !required_attr(p, root, "DTDVERSION", &dtdversion))
		goto out;
	if (!version_is(cimversion, "2") || !version_is(dtdversion, "2")) {
		fail(p, CIM_ERR_FAILED, "CIMVERSION %.16s / DTDVERSION %.16s: only 2.x is spoken",
		     cimversion, dtdversion);
		goto out;
	}
	if (!only_child(p, root, false, &message))
		goto out;
	if (!is_element(message, "MESSAGE")) {
		fail(p, is_element(message, "DECLARATION") ?
		     CIM_ERR_NOT_SUPPORTED : CIM_ERR_FAILED,
		     "CIM holds %s, not MESSAGE", name_of(message));
		goto out;
	}
	if (!required_attr(p, message, "ID", &req->message_id) ||
	    !required_attr(p, message, "PROTOCOLVERSION", &protocol))
		goto out;
	if (!version_is(protocol, "1")) {
		fail(p, CIM_ERR_FAILED, "PROTOCOLVERSION %.16s: only 1.x is spoken",
		     protocol);
		goto out;
	}
	if (!only_child(p, message, false, &simple))
		goto out;
	if (!is_element(simple, "SIMPLEREQ")) {
		fail(p, is_element(simple, "MULTIREQ") ?
		     CIM_ERR_NOT_SUPPORTED : CIM_ERR_FAILED,
		     "MESSAGE holds %s, not SIMPLEREQ", name_of(simple));
		goto out;
	}
	/* DSP0201 2.2 allows CORRELATORs before the call. */
	for (call = first_element(p, simple, &more);
	     call && is_element(call, "CORRELATOR");
	     call = next_element(p, call, &more))
		;
	if (!more)
		goto out;
	if (!call) {
		fail(p, CIM_ERR_FAILED, "SIMPLEREQ without a method call");
		goto out;
	}
	if (next_element(p, call, &more) || !more) {
		if (more)
			fail(p, CIM_ERR_FAILED, "SIMPLEREQ with more than one call");
		goto out;
	}
	if (is_element(call, "IMETHODCALL"))
		ok = parse_imethodcall(p, call, req);
	else if (is_element(call, "METHODCALL"))
		ok = parse_methodcall(p, call, req);
	else
		fail(p, CIM_ERR_FAILED, "SIMPLEREQ holds %s", name_of(call));
out:
	free(cimversion);
	free(dtdversion);
	free(protocol);
	return ok && p->status == CIM_ERR_OK;
}

/* A property of an INSTANCE: PROPERTY, PROPERTY.ARRAY, PROPERTY.REFERENCE. */
static bool parse_property(struct parser *p, xmlNode *node,
			   struct cim_instance *inst)
{
	bool ok = true, embedded = false;
	enum cim_type type = CIM_TYPE_NONE;
	struct cim_param *prop;
	const char *value_element;
	xmlNode *child;
	size_t i;

	if (!grow(p, (void **)&inst->props, inst->n_props, sizeof(*inst->props),
		  CIMXML_MAX_PROPERTIES, "properties"))
		return false;
	prop = &inst->props[inst->n_props++];
	memset(prop, 0, sizeof(*prop));
	if (!name_attr(p, node, "NAME", &prop->name))
		return false;
	for (i = 0; i + 1 < inst->n_props; i++)
		if (strcasecmp(inst->props[i].name, prop->name) == 0)
			return fail(p, CIM_ERR_INVALID_PARAMETER,
				    "property %s given twice", prop->name);
	if (is_element(node, "PROPERTY.REFERENCE")) {
		type = CIM_TYPE_REFERENCE;
		value_element = "VALUE.REFERENCE";
	} else {
		if (!parse_type_attr(p, node, "TYPE", prop->name, &type) ||
		    !parse_embedded_attr(p, node, prop->name, &embedded))
			return false;
		if (type == CIM_TYPE_REFERENCE)
			return fail(p, CIM_ERR_INVALID_PARAMETER,
				    "property %s: a reference in %s", prop->name,
				    name_of(node));
		value_element = is_element(node, "PROPERTY") ? "VALUE" :
			"VALUE.ARRAY";
	}
	prop->value.type = type;
	prop->value.embedded_instance = embedded;
	prop->value.is_array = is_element(node, "PROPERTY.ARRAY");
	for (child = first_element(p, node, &ok);
	     child && is_element(child, "QUALIFIER");
	     child = next_element(p, child, &ok))
		;
	if (!ok)
		return false;
	if (!child) {
		prop->value.is_null = true;
		return true;
	}
	if (!is_element(child, value_element))
		return fail(p, CIM_ERR_FAILED, "property %s: %s in %s", prop->name,
			    name_of(child), name_of(node));
	if (next_element(p, child, &ok) || !ok)
		return ok && fail(p, CIM_ERR_FAILED, "property %s: extra element",
				  prop->name);
	if (type == CIM_TYPE_REFERENCE)
		return parse_reference_into(p, child, &prop->value, true);
	if (prop->value.is_array)
		return parse_array(p, child, &prop->value, prop->name);
	return parse_scalar(p, child, &prop->value, prop->name);
}

/* INSTANCE: CLASSNAME, QUALIFIER*, properties. */
static bool parse_instance_element(struct parser *p, xmlNode *node,
				   struct cim_instance *inst)
{
	bool ok = true;
	xmlNode *child;

	if (!is_element(node, "INSTANCE"))
		return fail(p, CIM_ERR_INVALID_PARAMETER, "%s where INSTANCE belongs",
			    node ? name_of(node) : "nothing");
	if (!name_attr(p, node, "CLASSNAME", &inst->classname))
		return false;
	for (child = first_element(p, node, &ok); child;
	     child = next_element(p, child, &ok)) {
		if (is_element(child, "QUALIFIER"))
			continue;
		if (!is_element(child, "PROPERTY") &&
		    !is_element(child, "PROPERTY.ARRAY") &&
		    !is_element(child, "PROPERTY.REFERENCE"))
			return fail(p, CIM_ERR_FAILED, "%s in INSTANCE",
				    name_of(child));
		if (!parse_property(p, child, inst))
			return false;
	}
	return ok;
}

/* SAX callback: an entity declaration ends the parse with an error. */
static void refuse_entity(void *ctx, const xmlChar *name,
			  int type __attribute__((unused)),
			  const xmlChar *public_id __attribute__((unused)),
			  const xmlChar *system_id __attribute__((unused)),
			  xmlChar *content __attribute__((unused)))
{
	xmlParserCtxtPtr ctxt = ctx;

	fail(ctxt->_private, CIM_ERR_FAILED,
	     "entity declarations are not accepted (%.32s)", (const char *)name);
	xmlStopParser(ctxt);
}

/* SAX callback: the same for an unparsed (NDATA) entity. */
static void refuse_unparsed_entity(void *ctx, const xmlChar *name,
				   const xmlChar *public_id,
				   const xmlChar *system_id,
				   const xmlChar *notation __attribute__((unused)))
{
	refuse_entity(ctx, name, 0, public_id, system_id, NULL);
}

/*
 * libxml2 reports some errors (encoding, I/O) through its generic error
 * handler even with XML_PARSE_NOERROR; a daemon must not print them. The
 * parse's own error is taken from the parser context instead.
 */
static void __attribute__((format(printf, 2, 3)))
ignore_generic_error(void *ctx __attribute__((unused)),
		     const char *msg __attribute__((unused)), ...)
{
}

/* Whether no element under @node is nested more than @left levels. */
static bool depth_within(const xmlNode *node, int left)
{
	const xmlNode *child;

	if (left < 0)
		return false;
	for (child = node->children; child; child = child->next)
		if (child->type == XML_ELEMENT_NODE &&
		    !depth_within(child, left - 1))
			return false;
	return true;
}

/*
 * Parse @len bytes of XML into a tree, with the limits of cimxml.h. NULL
 * with the error recorded on failure.
 */
static xmlDoc *read_document(struct parser *p, const char *buf, size_t len,
			     int error_status)
{
	xmlParserCtxtPtr ctxt;
	xmlDoc *doc;

	if (len > CIMXML_MAX_DOCUMENT) {
		fail(p, error_status, "document of %zu bytes, more than %u",
		     len, CIMXML_MAX_DOCUMENT);
		return NULL;
	}
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, ignore_generic_error);
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		fail(p, CIM_ERR_FAILED, "out of memory");
		return NULL;
	}
	ctxt->_private = p;
	ctxt->sax->entityDecl = refuse_entity;
	ctxt->sax->unparsedEntityDecl = refuse_unparsed_entity;
	ctxt->sax->externalSubset = NULL;
	/* DSP0200 requires UTF-8: no other encoding is decoded, whatever the
	 * XML declaration says. */
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, NULL, "UTF-8",
				XML_PARSE_NONET | XML_PARSE_NOERROR |
				XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (p->status == CIM_ERR_OK && (!doc || !ctxt->wellFormed)) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[160] = "not well-formed";
		size_t l;

		if (e && e->message) {
			snprintf(msg, sizeof(msg), "%s", e->message);
			l = strlen(msg);
			while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
				msg[--l] = '\0';
		}
		fail(p, error_status, "malformed XML (line %d): %s",
		     e ? e->line : 0, msg);
	}
	if (p->status == CIM_ERR_OK &&
	    !depth_within((xmlNode *)doc, CIMXML_MAX_DEPTH))
		fail(p, error_status, "elements nested deeper than %d",
		     CIMXML_MAX_DEPTH);
	if (p->status != CIM_ERR_OK) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

int cimxml_parse_request(const char *buf, size_t len, struct cim_request **out,
			 char *err, size_t errlen)
{
	struct parser p = { .status = CIM_ERR_OK, .err = err, .errlen = errlen };
	struct cim_request *req;
	xmlDoc *doc;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	doc = read_document(&p, buf, len, CIM_ERR_FAILED);
	if (!doc)
		return p.status;
	req = calloc(1, sizeof(*req));
	if (!req)
		fail(&p, CIM_ERR_FAILED, "out of memory");
	else if (!parse_request_tree(&p, xmlDocGetRootElement(doc), req))
		fail(&p, CIM_ERR_FAILED, "malformed request");
	xmlFreeDoc(doc);
	if (p.status != CIM_ERR_OK) {
		cim_request_free(req);
		return p.status;
	}
	*out = req;
	return CIM_ERR_OK;
}

int cimxml_parse_instance(const char *text, struct cim_instance **out,
			  char *err, size_t errlen)
{
	struct parser p = { .status = CIM_ERR_OK, .err = err, .errlen = errlen };
	struct cim_instance *inst;
	xmlDoc *doc;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (!text)
		return fail(&p, CIM_ERR_INVALID_PARAMETER, "no instance"),
			p.status;
	doc = read_document(&p, text, strnlen(text, CIMXML_MAX_DOCUMENT + 1),
			    CIM_ERR_INVALID_PARAMETER);
	if (!doc)
		return p.status;
	inst = calloc(1, sizeof(*inst));
	if (!inst)
		fail(&p, CIM_ERR_FAILED, "out of memory");
	else if (!parse_instance_element(&p, xmlDocGetRootElement(doc), inst))
		fail(&p, CIM_ERR_INVALID_PARAMETER, "malformed instance");
	xmlFreeDoc(doc);
	if (p.status != CIM_ERR_OK) {
		cim_instance_free(inst);
		return p.status;
	}
	*out = inst;
	return CIM_ERR_OK;
}

/* Writing */

/* One document being written; @error is the first errno, 0 while fine. */
struct writer {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	int error;
	unsigned int open;	/* elements started and not yet ended */
	bool wbemcli_refarrays;	/* see struct cimxml_response */
};

/*
 * Whether @s is UTF-8 that XML 1.0 can carry: no control characters but
 * tab, newline and carriage return, no surrogates, no U+FFFE / U+FFFF.
 */
static bool xml_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned int c, more, i;

		if (*p < 0x80) {
			if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
				return false;
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			c = *p & 0x1f;
			more = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			c = *p & 0x0f;
			more = 2;
		} else if ((*p & 0xf8) == 0xf0) {
			c = *p & 0x07;
			more = 3;
		} else {
			return false;
		}
		for (i = 1; i <= more; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			c = c << 6 | (p[i] & 0x3f);
		}
		/* Overlong forms, surrogates, non-characters, past U+10FFFF. */
		if ((more == 1 && c < 0x80) || (more == 2 && c < 0x800) ||
		    (more == 3 && c < 0x10000) || (c >= 0xd800 && c <= 0xdfff) ||
		    c == 0xfffe || c == 0xffff || c > 0x10ffff)
			return false;
		p += more + 1;
	}
	return true;
}

/* Record the first error of @wr; rc is a libxml2 writer return code. */
static void check(struct writer *wr, int rc)
{
	if (rc < 0 && !wr->error)
		wr->error = ENOMEM;
}

static void start(struct writer *wr, const char *element)
{
	if (!wr->error)
		check(wr, xmlTextWriterStartElement(wr->w, BAD_CAST element));
	wr->open++;
}

/*
 * End an element with an end tag even when it is empty (<PROPERTY ...>
 * </PROPERTY>): wbemcli's parser takes no empty-element tag but for
 * NAMESPACE, CLASSNAME, VALUE.NULL and ERROR, which end_empty() writes.
 */
static void end(struct writer *wr)
{
	if (!wr->error)
		check(wr, xmlTextWriterFullEndElement(wr->w));
	wr->open--;
}

/* End an element that has no content as <@element .../>. */
static void end_empty(struct writer *wr)
{
	if (!wr->error)
		check(wr, xmlTextWriterEndElement(wr->w));
	wr->open--;
}

/* Attribute @name="@value"; a NULL @value writes nothing. */
static void attr(struct writer *wr, const char *name, const char *value)
{
	if (wr->error || !value)
		return;
	if (!xml_safe(value)) {
		wr->error = EILSEQ;
		return;
	}
	check(wr, xmlTextWriterWriteAttribute(wr->w, BAD_CAST name,
					      BAD_CAST value));
}

static void text(struct writer *wr, const char *value)
{
	if (wr->error)
		return;
	if (!xml_safe(value)) {
		wr->error = EILSEQ;
		return;
	}
	check(wr, xmlTextWriterWriteString(wr->w, BAD_CAST value));
}

/* <@element>@value</@element> */
static void text_element(struct writer *wr, const char *element,
			 const char *value)
{
	start(wr, element);
	text(wr, value);
	end(wr);
}

static bool writer_open(struct writer *wr)
{
	memset(wr, 0, sizeof(*wr));
	xmlInitParser();
	wr->buf = xmlBufferCreate();
	if (wr->buf)
		wr->w = xmlNewTextWriterMemory(wr->buf, 0);
	if (!wr->w) {
		xmlBufferFree(wr->buf);
		errno = ENOMEM;
		return false;
	}
	return true;
}

/* Close every open element; the document as a malloc'ed string, or NULL. */
static char *writer_close(struct writer *wr, size_t *len)
{
	char *doc = NULL;
	size_t l;

	while (wr->open)
		end(wr);	/* with end tags: <IRETURNVALUE></IRETURNVALUE> */
	if (!wr->error)
		check(wr, xmlTextWriterEndDocument(wr->w));
	xmlFreeTextWriter(wr->w);	/* flushes into wr->buf */
	if (!wr->error) {
		l = (size_t)xmlBufferLength(wr->buf);
		doc = malloc(l + 1);
		if (doc) {
			memcpy(doc, xmlBufferContent(wr->buf), l);
			doc[l] = '\0';
			if (len)
				*len = l;
		} else {
			wr->error = ENOMEM;
		}
	}
	xmlBufferFree(wr->buf);
	if (!doc)
		errno = wr->error;
	return doc;
}

/* LOCALNAMESPACEPATH of "root/cimv2": one NAMESPACE per component. */
static void write_local_namespace(struct writer *wr, const char *ns)
{
	char *copy, *part, *save = NULL;

	if (!ns) {
		if (!wr->error)
			wr->error = EINVAL;
		return;
	}
	copy = strdup(ns);
	if (!copy) {
		if (!wr->error)
			wr->error = ENOMEM;
		return;
	}
	start(wr, "LOCALNAMESPACEPATH");
	for (part = strtok_r(copy, "/", &save); part;
	     part = strtok_r(NULL, "/", &save)) {
		start(wr, "NAMESPACE");
		attr(wr, "NAME", part);
		end_empty(wr);
	}
	end(wr);
	free(copy);
}

/* The VALUETYPE of a KEYVALUE of @type. */
static const char *key_value_type(enum cim_type type)
{
	if (type == CIM_TYPE_BOOLEAN)
		return "boolean";
	if (is_numeric_type(type))
		return "numeric";
	return "string";
}

static void write_value_reference(struct writer *wr, const struct cim_path *path);

/* INSTANCENAME with its KEYBINDINGs. */
static void write_instance_name(struct writer *wr, const struct cim_path *path)
{
	size_t i;

	if (!path->classname) {
		if (!wr->error)
			wr->error = EINVAL;
		return;
	}
	start(wr, "INSTANCENAME");
	attr(wr, "CLASSNAME", path->classname);
	for (i = 0; i < path->n_keys; i++) {
		const struct cim_key *key = &path->keys[i];

		start(wr, "KEYBINDING");
		attr(wr, "NAME", key->name);
		if (key->ref) {
			write_value_reference(wr, key->ref);
		} else {
			start(wr, "KEYVALUE");
			attr(wr, "VALUETYPE", key_value_type(key->type));
			text(wr, key->value ? key->value : "");
			end(wr);
		}
		end(wr);
	}
	end(wr);
}

/* INSTANCEPATH: NAMESPACEPATH (HOST, LOCALNAMESPACEPATH), INSTANCENAME. */
static void write_instance_path(struct writer *wr, const struct cim_path *path,
				const char *host, const char *ns)
{
	start(wr, "INSTANCEPATH");
	start(wr, "NAMESPACEPATH");
	text_element(wr, "HOST", host);
	write_local_namespace(wr, ns);
	end(wr);
	write_instance_name(wr, path);
	end(wr);
}

/*
 * VALUE.REFERENCE: INSTANCEPATH with host and namespace, LOCALINSTANCEPATH
 * with a namespace only, INSTANCENAME otherwise.
 */
static void write_value_reference(struct writer *wr, const struct cim_path *path)
{
	start(wr, "VALUE.REFERENCE");
	if (path->host && path->namespace) {
		write_instance_path(wr, path, path->host, path->namespace);
	} else if (path->namespace) {
		start(wr, "LOCALINSTANCEPATH");
		write_local_namespace(wr, path->namespace);
		write_instance_name(wr, path);
		end(wr);
	} else {
		write_instance_name(wr, path);
	}
	end(wr);
}

/* An INSTANCEPATH, with the response's host and namespace as defaults. */
static void write_full_instance_path(struct writer *wr,
				     const struct cimxml_response *r,
				     const struct cim_path *path)
{
	const char *host = path->host ? path->host : r->host;

	write_instance_path(wr, path, host ? host : "localhost",
			    path->namespace ? path->namespace : r->namespace);
}

/* The TYPE / PARAMTYPE name of @type; CIM_TYPE_NONE writes as string. */
static const char *type_attr(enum cim_type type)
{
	return type == CIM_TYPE_NONE ? "string" : cim_type_name(type);
}

/* VALUE.ARRAY of the elements of @v (NULL ones as VALUE.NULL). */
static void write_array(struct writer *wr, const struct cim_value *v)
{
	size_t i;

	start(wr, "VALUE.ARRAY");
	for (i = 0; i < v->n; i++) {
		if (v->text && v->text[i]) {
			text_element(wr, "VALUE", v->text[i]);
		} else {
			start(wr, "VALUE.NULL");
			end_empty(wr);
		}
	}
	end(wr);
}

/*
 * VALUE.REFARRAY of the paths of @v (paths without a class as VALUE.NULL),
 * or wbemcli's VALUE.ARRAY form (see struct cimxml_response).
 */
static void write_ref_array(struct writer *wr, const struct cim_value *v)
{
	size_t i;

	start(wr, wr->wbemcli_refarrays ? "VALUE.ARRAY" : "VALUE.REFARRAY");
	for (i = 0; i < v->n; i++) {
		if (v->refs && v->refs[i].classname) {
			write_value_reference(wr, &v->refs[i]);
		} else {
			start(wr, "VALUE.NULL");
			end_empty(wr);
		}
	}
	end(wr);
}

/* The content of a PARAMVALUE, RETURNVALUE or property: nothing if NULL. */
static void write_value_content(struct writer *wr, const struct cim_value *v)
{
	if (v->is_null)
		return;
	if (v->type == CIM_TYPE_REFERENCE) {
		if (v->is_array)
			write_ref_array(wr, v);
		else if (v->n >= 1 && v->refs)
			write_value_reference(wr, v->refs);
		return;
	}
	if (v->is_array)
		write_array(wr, v);
	else if (v->n >= 1 && v->text && v->text[0])
		text_element(wr, "VALUE", v->text[0]);
}

/* INSTANCE with PROPERTY, PROPERTY.ARRAY and PROPERTY.REFERENCE. */
static void write_instance(struct writer *wr, const struct cim_instance *inst)
{
	size_t i;

	start(wr, "INSTANCE");
	attr(wr, "CLASSNAME", inst->classname);
	for (i = 0; i < inst->n_props; i++) {
		const struct cim_param *prop = &inst->props[i];
		const struct cim_value *v = &prop->value;

		if (v->type == CIM_TYPE_REFERENCE) {
			/* DSP0201 has no array of references in an instance. */
			if (v->is_array && !wr->error)
				wr->error = EINVAL;
			start(wr, "PROPERTY.REFERENCE");
			attr(wr, "NAME", prop->name);
		} else {
			start(wr, v->is_array ? "PROPERTY.ARRAY" : "PROPERTY");
			attr(wr, "NAME", prop->name);
			attr(wr, "TYPE", type_attr(v->type));
			if (v->embedded_instance)
				attr(wr, "EmbeddedObject", "instance");
		}
		write_value_content(wr, v);
		end(wr);
	}
	end(wr);
}

/* <?xml ...?>, CIM, MESSAGE, SIMPLERSP, then (I)METHODRESPONSE. */
static bool write_head(struct writer *wr, const struct cimxml_response *r)
{
	if (!writer_open(wr))
		return false;
	wr->wbemcli_refarrays = r->wbemcli_refarrays;
	check(wr, xmlTextWriterWriteRaw(wr->w, BAD_CAST
		"<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"));
	start(wr, "CIM");
	attr(wr, "CIMVERSION", "2.0");
	attr(wr, "DTDVERSION", "2.0");
	start(wr, "MESSAGE");
	attr(wr, "ID", r->message_id ? r->message_id : "");
	attr(wr, "PROTOCOLVERSION", "1.0");
	start(wr, "SIMPLERSP");
	start(wr, r->intrinsic ? "IMETHODRESPONSE" : "METHODRESPONSE");
	attr(wr, "NAME", r->method ? r->method : "");
	return true;
}

/* Start a response with an IRETURNVALUE open. */
static bool write_ireturn_head(struct writer *wr,
			       const struct cimxml_response *r)
{
	struct cimxml_response intrinsic = *r;

	intrinsic.intrinsic = true;
	if (!write_head(wr, &intrinsic))
		return false;
	start(wr, "IRETURNVALUE");
	return true;
}

char *cimxml_instance_string(const struct cim_instance *inst)
{
	struct writer wr;
	if (!inst) {
		errno = EINVAL;
		return NULL;
	}
	size_t len;
	char *doc;

	if (!writer_open(&wr))
		return NULL;
	write_instance(&wr, inst);
	doc = writer_close(&wr, &len);
	/* The writer ends documents with a newline: not part of the value. */
	while (doc && len && doc[len - 1] == '\n')
		doc[--len] = '\0';
	return doc;
}

char *cimxml_respond_void(const struct cimxml_response *r, size_t *len)
{
	struct cimxml_response intrinsic = *r;
	struct writer wr;

	intrinsic.intrinsic = true;
	if (!write_head(&wr, &intrinsic))
		return NULL;
	return writer_close(&wr, len);
}

char *cimxml_respond_instance_name(const struct cimxml_response *r,
				   const struct cim_path *path, size_t *len)
{
	return cimxml_respond_instance_names(r, path, 1, len);
}

char *cimxml_respond_instance_names(const struct cimxml_response *r,
				    const struct cim_path *paths, size_t n,
				    size_t *len)
{
	struct writer wr;
	size_t i;

	if (!write_ireturn_head(&wr, r))
		return NULL;
	for (i = 0; i < n; i++)
		write_instance_name(&wr, &paths[i]);
	return writer_close(&wr, len);
}

char *cimxml_respond_named_instances(const struct cimxml_response *r,
				     const struct cim_instance *const *insts,
				     size_t n, size_t *len)
{
	struct writer wr;
	size_t i;

	if (!write_ireturn_head(&wr, r))
		return NULL;
	for (i = 0; i < n; i++) {
		struct cim_path bare = { .classname = insts[i]->classname };

		start(&wr, "VALUE.NAMEDINSTANCE");
		write_instance_name(&wr, insts[i]->path ? insts[i]->path : &bare);
		write_instance(&wr, insts[i]);
		end(&wr);
	}
	return writer_close(&wr, len);
}

char *cimxml_respond_instance(const struct cimxml_response *r,
			      const struct cim_instance *inst, size_t *len)
{
	struct writer wr;

	if (!write_ireturn_head(&wr, r))
		return NULL;
	write_instance(&wr, inst);
	return writer_close(&wr, len);
}

char *cimxml_respond_class_names(const struct cimxml_response *r,
				 const char *const *names, size_t n,
				 size_t *len)
{
	struct writer wr;
	size_t i;

	if (!write_ireturn_head(&wr, r))
		return NULL;
	for (i = 0; i < n; i++) {
		start(&wr, "CLASSNAME");
		attr(&wr, "NAME", names[i]);
		end_empty(&wr);
	}
	return writer_close(&wr, len);
}

/* QUALIFIER elements of @quals, with their flavors and values. */
static void write_qualifiers(struct writer *wr, const struct cim_qualifier *quals,
			     size_t n, unsigned int flags)
{
	size_t i, j;

	if (!(flags & CIMXML_CLASS_QUALIFIERS))
		return;
	for (i = 0; i < n; i++) {
		const struct cim_qualifier *q = &quals[i];

		start(wr, "QUALIFIER");
		attr(wr, "NAME", q->name);
		attr(wr, "TYPE", type_attr(q->type));
		if (q->propagated)
			attr(wr, "PROPAGATED", "true");
		if (q->disable_override)
			attr(wr, "OVERRIDABLE", "false");
		if (q->restricted)
			attr(wr, "TOSUBCLASS", "false");
		if (q->translatable)
			attr(wr, "TRANSLATABLE", "true");
		if (q->is_array) {
			start(wr, "VALUE.ARRAY");
			for (j = 0; j < q->n_values; j++)
				text_element(wr, "VALUE", q->values[j]);
			end(wr);
		} else if (q->value) {
			text_element(wr, "VALUE", q->value);
		}
		end(wr);
	}
}

/* CLASSORIGIN and PROPAGATED of a property or method, if asked for. */
static void write_origin(struct writer *wr, const char *class_origin,
			 bool propagated, unsigned int flags)
{
	if (flags & CIMXML_CLASS_ORIGIN)
		attr(wr, "CLASSORIGIN", class_origin);
	if (propagated)
		attr(wr, "PROPAGATED", "true");
}

static void write_property_decl(struct writer *wr,
				const struct cim_property_decl *prop,
				unsigned int flags)
{
	size_t i;

	if (prop->type == CIM_TYPE_REFERENCE) {
		start(wr, "PROPERTY.REFERENCE");
		attr(wr, "NAME", prop->name);
		attr(wr, "REFERENCECLASS", prop->reference_class);
		write_origin(wr, prop->class_origin, prop->propagated, flags);
		write_qualifiers(wr, prop->qualifiers, prop->n_qualifiers, flags);
		end(wr);
		return;
	}
	start(wr, prop->is_array ? "PROPERTY.ARRAY" : "PROPERTY");
	attr(wr, "NAME", prop->name);
	attr(wr, "TYPE", type_attr(prop->type));
	write_origin(wr, prop->class_origin, prop->propagated, flags);
	attr(wr, "EmbeddedObject", prop->embedded_object);
	write_qualifiers(wr, prop->qualifiers, prop->n_qualifiers, flags);
	if (prop->is_array && prop->default_values) {
		start(wr, "VALUE.ARRAY");
		for (i = 0; i < prop->n_default_values; i++)
			text_element(wr, "VALUE", prop->default_values[i]);
		end(wr);
	} else if (!prop->is_array && prop->default_value) {
		text_element(wr, "VALUE", prop->default_value);
	}
	end(wr);
}

/* PARAMETER, PARAMETER.ARRAY, PARAMETER.REFERENCE or PARAMETER.REFARRAY. */
static void write_parameter(struct writer *wr, const struct cim_parameter *param,
			    unsigned int flags)
{
	bool ref = param->type == CIM_TYPE_REFERENCE;

	if (ref)
		start(wr, param->is_array ? "PARAMETER.REFARRAY" :
		      "PARAMETER.REFERENCE");
	else
		start(wr, param->is_array ? "PARAMETER.ARRAY" : "PARAMETER");
	attr(wr, "NAME", param->name);
	if (ref)
		attr(wr, "REFERENCECLASS", param->reference_class);
	else
		attr(wr, "TYPE", type_attr(param->type));
	write_qualifiers(wr, param->qualifiers, param->n_qualifiers, flags);
	end(wr);
}

static void write_class(struct writer *wr, const struct cim_class *cls,
			unsigned int flags)
{
	size_t i, j;

	start(wr, "CLASS");
	attr(wr, "NAME", cls->name);
	attr(wr, "SUPERCLASS", cls->superclass);
	write_qualifiers(wr, cls->qualifiers, cls->n_qualifiers, flags);
	for (i = 0; i < cls->n_properties; i++)
		write_property_decl(wr, &cls->properties[i], flags);
	for (i = 0; i < cls->n_methods; i++) {
		const struct cim_method *m = &cls->methods[i];

		start(wr, "METHOD");
		attr(wr, "NAME", m->name);
		if (m->return_type != CIM_TYPE_NONE)
			attr(wr, "TYPE", type_attr(m->return_type));
		write_origin(wr, m->class_origin, m->propagated, flags);
		write_qualifiers(wr, m->qualifiers, m->n_qualifiers, flags);
		for (j = 0; j < m->n_parameters; j++)
			write_parameter(wr, &m->parameters[j], flags);
		end(wr);
	}
	end(wr);
}

char *cimxml_respond_classes(const struct cimxml_response *r,
			     const struct cim_class *const *classes, size_t n,
			     unsigned int flags, size_t *len)
{
	struct writer wr;
	size_t i;

	if (!write_ireturn_head(&wr, r))
		return NULL;
	for (i = 0; i < n; i++)
		write_class(&wr, classes[i], flags);
	return writer_close(&wr, len);
}

char *cimxml_respond_objects_with_path(const struct cimxml_response *r,
				       const struct cim_instance *const *insts,
				       size_t n, size_t *len)
{
	struct writer wr;
	size_t i;

	if (!write_ireturn_head(&wr, r))
		return NULL;
	for (i = 0; i < n; i++) {
		struct cim_path bare = { .classname = insts[i]->classname };

		start(&wr, "VALUE.OBJECTWITHPATH");
		write_full_instance_path(&wr, r, insts[i]->path ?
					 insts[i]->path : &bare);
		write_instance(&wr, insts[i]);
		end(&wr);
	}
	return writer_close(&wr, len);
}

char *cimxml_respond_object_paths(const struct cimxml_response *r,
				  const struct cim_path *paths, size_t n,
				  size_t *len)
{
	struct writer wr;
	size_t i;

	if (!write_ireturn_head(&wr, r))
		return NULL;
	for (i = 0; i < n; i++) {
		start(&wr, "OBJECTPATH");
		write_full_instance_path(&wr, r, &paths[i]);
		end(&wr);
	}
	return writer_close(&wr, len);
}

/* PARAMTYPE (and EmbeddedObject) of a RETURNVALUE or PARAMVALUE. */
static void write_param_type(struct writer *wr, const struct cim_value *v)
{
	if (v->type != CIM_TYPE_NONE)
		attr(wr, "PARAMTYPE", cim_type_name(v->type));
	if (v->embedded_instance)
		attr(wr, "EmbeddedObject", "instance");
}

char *cimxml_respond_method(const struct cimxml_response *r,
			    const struct cim_value *ret,
			    const struct cim_param *out, size_t n_out,
			    size_t *len)
{
	struct cimxml_response extrinsic = *r;
	struct writer wr;
	size_t i;

	extrinsic.intrinsic = false;
	if (!write_head(&wr, &extrinsic))
		return NULL;
	if (ret) {
		if (ret->is_array && !wr.error)
			wr.error = EINVAL;	/* CIM methods return scalars */
		start(&wr, "RETURNVALUE");
		write_param_type(&wr, ret);
		write_value_content(&wr, ret);
		end(&wr);
	}
	for (i = 0; i < n_out; i++) {
		start(&wr, "PARAMVALUE");
		attr(&wr, "NAME", out[i].name);
		write_param_type(&wr, &out[i].value);
		write_value_content(&wr, &out[i].value);
		end(&wr);
	}
	return writer_close(&wr, len);
}

/* A copy of @s with what xml_safe() refuses replaced by '?'. */
static char *xml_sanitized(const char *s)
{
	char *copy = strdup(s), *p;

	if (!copy)
		return NULL;
	for (p = copy; *p; p++) {
		char one[5] = { 0 };
		size_t l = 1;

		/* Try the longest UTF-8 sequence that is safe on its own. */
		for (l = 4; l > 1; l--) {
			if (strnlen(p, l) < l)
				continue;
			memcpy(one, p, l);
			one[l] = '\0';
			if ((unsigned char)*p >= 0x80 && xml_safe(one))
				break;
		}
		if (l > 1) {
			p += l - 1;
			continue;
		}
		one[0] = *p;
		one[1] = '\0';
		if (!xml_safe(one))
			*p = '?';
	}
	return copy;
}

char *cimxml_respond_error(const struct cimxml_response *r, int code,
			   const char *description, size_t *len)
{
	char *safe = NULL, number[16];
	struct writer wr;

	if (description) {
		safe = xml_sanitized(description);
		if (!safe) {
			errno = ENOMEM;
			return NULL;
		}
	}
	if (!write_head(&wr, r)) {
		free(safe);
		return NULL;
	}
	snprintf(number, sizeof(number), "%d", code);
	start(&wr, "ERROR");
	attr(&wr, "CODE", number);
	attr(&wr, "DESCRIPTION", safe);
	end_empty(&wr);
	free(safe);
	return writer_close(&wr, len);
}

/* Reading responses */

/* Whether the VALUE.ARRAY @node holds VALUE.REFERENCEs (its first element). */
static bool holds_references(struct parser *p, xmlNode *node)
{
	bool ok = true;
	xmlNode *e = first_element(p, node, &ok);

	for (; ok && e && is_element(e, "VALUE.NULL"); e = next_element(p, e, &ok))
		;
	return ok && is_element(e, "VALUE.REFERENCE");
}

/*
 * A PARAMVALUE of a METHODRESPONSE, or its RETURNVALUE (@name NULL), into
 * @param: PARAMTYPE, EmbeddedObject, and the content of parse_param_content()
 * or a reference array written as a VALUE.ARRAY.
 */
static bool parse_out_value(struct parser *p, xmlNode *node, const char *name,
			    struct cim_value *v)
{
	enum cim_type declared;
	bool embedded;
	xmlNode *child;

	if (!parse_type_attr(p, node, "PARAMTYPE", name, &declared) ||
	    !parse_embedded_attr(p, node, name, &embedded))
		return false;
	if (!only_child(p, node, true, &child))
		return false;
	if (child && is_element(child, "VALUE.ARRAY") &&
	    (declared == CIM_TYPE_REFERENCE ||
	     (declared == CIM_TYPE_NONE && holds_references(p, child)))) {
		if (p->status != CIM_ERR_OK)
			return false;
		if (embedded)
			return fail(p, CIM_ERR_FAILED,
				    "%s: EmbeddedObject on a reference", name);
		return parse_ref_array(p, child, v);
	}
	if (p->status != CIM_ERR_OK)
		return false;
	return parse_param_content(p, node, name, declared, embedded, v);
}

/* PARAMVALUE of a METHODRESPONSE into @reply. */
static bool parse_out_param(struct parser *p, xmlNode *node,
			    struct cimxml_reply *reply)
{
	struct cim_param *param;
	size_t i;

	if (!grow(p, (void **)&reply->params, reply->n_params,
		  sizeof(*reply->params), CIMXML_MAX_PARAMS, "parameters"))
		return false;
	param = &reply->params[reply->n_params++];
	memset(param, 0, sizeof(*param));
	if (!name_attr(p, node, "NAME", &param->name))
		return false;
	for (i = 0; i + 1 < reply->n_params; i++)
		if (strcasecmp(reply->params[i].name, param->name) == 0)
			return fail(p, CIM_ERR_FAILED,
				    "parameter %s given twice", param->name);
	return parse_out_value(p, node, param->name, &param->value);
}

/* ERROR: CODE, DESCRIPTION (its INSTANCEs are not read). */
static bool parse_error(struct parser *p, xmlNode *node,
			struct cimxml_reply *reply)
{
	struct cim_value code = { .type = CIM_TYPE_UINT32, .n = 1 };
	char *text = NULL;
	uint64_t n;
	bool ok;

	if (!required_attr(p, node, "CODE", &text))
		return false;
	code.text = &text;
	ok = cim_value_get_u64(&code, 0, INT_MAX, &n) && n != 0;
	free(text);
	if (!ok)
		return fail(p, CIM_ERR_FAILED, "ERROR with a bad CODE");
	reply->error = (int)n;
	return attr_of(p, node, "DESCRIPTION", &reply->error_description);
}

/* Add room for one more instance to @reply; the new slot is zeroed. */
static struct cim_instance *new_instance(struct parser *p,
					 struct cimxml_reply *reply)
{
	struct cim_instance *inst;

	if (!grow(p, (void **)&reply->instances, reply->n_instances,
		  sizeof(*reply->instances), CIMXML_MAX_LIST, "instances"))
		return NULL;
	inst = calloc(1, sizeof(*inst));
	if (!inst) {
		fail(p, CIM_ERR_FAILED, "out of memory");
		return NULL;
	}
	reply->instances[reply->n_instances++] = inst;
	return inst;
}

/* Add room for one more name; the new slot is zeroed. */
static struct cim_path *new_name(struct parser *p, struct cimxml_reply *reply)
{
	struct cim_path *path;

	if (!grow(p, (void **)&reply->names, reply->n_names,
		  sizeof(*reply->names), CIMXML_MAX_LIST, "names"))
		return NULL;
	path = &reply->names[reply->n_names++];
	memset(path, 0, sizeof(*path));
	return path;
}

/* VALUE.NAMEDINSTANCE or VALUE.OBJECTWITHPATH: a path, then an INSTANCE. */
static bool parse_instance_with_path(struct parser *p, xmlNode *node,
				     const char *path_element,
				     struct cim_instance *inst)
{
	xmlNode *a, *b;

	if (!two_children(p, node, path_element, "INSTANCE", &a, &b))
		return false;
	inst->path = calloc(1, sizeof(*inst->path));
	if (!inst->path)
		return fail(p, CIM_ERR_FAILED, "out of memory");
	return parse_object_path(p, a, inst->path) &&
		parse_instance_element(p, b, inst);
}

/* The kind of IRETURNVALUE element @node is. */
static enum cimxml_ireturn ireturn_kind(xmlNode *node)
{
	if (is_element(node, "INSTANCENAME") || is_element(node, "OBJECTPATH"))
		return CIMXML_IRETURN_NAMES;
	if (is_element(node, "VALUE.NAMEDINSTANCE") ||
	    is_element(node, "VALUE.OBJECTWITHPATH") ||
	    is_element(node, "INSTANCE"))
		return CIMXML_IRETURN_INSTANCES;
	if (is_element(node, "CLASSNAME"))
		return CIMXML_IRETURN_CLASSNAMES;
	return CIMXML_IRETURN_NONE;
}

/* IRETURNVALUE: elements of one kind into @reply. */
static bool parse_ireturn(struct parser *p, xmlNode *node,
			  struct cimxml_reply *reply)
{
	size_t bare_instances = 0;
	bool ok = true;
	xmlNode *e;

	for (e = first_element(p, node, &ok); e; e = next_element(p, e, &ok)) {
		enum cimxml_ireturn kind = ireturn_kind(e);
		struct cim_instance *inst;
		struct cim_path *path;
		xmlNode *child;

		if (kind == CIMXML_IRETURN_NONE)
			return fail(p, is_element(e, "CLASS") ||
				    is_element(e, "QUALIFIER.DECLARATION") ?
				    CIM_ERR_NOT_SUPPORTED : CIM_ERR_FAILED,
				    "%s in IRETURNVALUE is not read here",
				    name_of(e));
		if (reply->kind != CIMXML_IRETURN_NONE && reply->kind != kind)
			return fail(p, CIM_ERR_FAILED,
				    "IRETURNVALUE mixes %s with other elements",
				    name_of(e));
		reply->kind = kind;
		if (kind == CIMXML_IRETURN_INSTANCES) {
			inst = new_instance(p, reply);
			if (!inst)
				return false;
			if (is_element(e, "INSTANCE")) {
				if (++bare_instances > 1 || reply->n_instances > 1)
					return fail(p, CIM_ERR_FAILED,
						    "IRETURNVALUE with more than one INSTANCE");
				if (!parse_instance_element(p, e, inst))
					return false;
			} else if (!parse_instance_with_path(p, e,
					is_element(e, "VALUE.NAMEDINSTANCE") ?
					"INSTANCENAME" : "INSTANCEPATH", inst)) {
				return false;
			}
			if (bare_instances && reply->n_instances > 1)
				return fail(p, CIM_ERR_FAILED,
					    "IRETURNVALUE with more than one INSTANCE");
			continue;
		}
		path = new_name(p, reply);
		if (!path)
			return false;
		if (is_element(e, "OBJECTPATH")) {
			if (!only_child(p, e, false, &child))
				return false;
			if (!is_element(child, "INSTANCEPATH"))
				return fail(p, CIM_ERR_FAILED,
					    "%s in OBJECTPATH", name_of(child));
			if (!parse_object_path(p, child, path))
				return false;
		} else if (!parse_object_path(p, e, path)) {
			return false;
		}
	}
	return ok;
}

/*
 * The start of an (I)METHODRESPONSE: its NAME, then either an ERROR (read
 * into @reply; *@rest is NULL) or the first of the other elements in
 * *@rest. False on a malformed response.
 */
static bool parse_response_head(struct parser *p, xmlNode *node,
				struct cimxml_reply *reply, xmlNode **rest)
{
	bool ok = true;
	xmlNode *e;

	*rest = NULL;
	if (!name_attr(p, node, "NAME", &reply->method))
		return false;
	e = first_element(p, node, &ok);
	if (!ok)
		return false;
	if (is_element(e, "ERROR")) {
		if (next_element(p, e, &ok) || !ok)
			return ok && fail(p, CIM_ERR_FAILED,
					  "extra element after ERROR");
		return parse_error(p, e, reply);
	}
	*rest = e;
	return true;
}

/* IMETHODRESPONSE: NAME, then ERROR or IRETURNVALUE? (PARAMVALUEs unread). */
static bool parse_imethodresponse(struct parser *p, xmlNode *node,
				  struct cimxml_reply *reply)
{
	bool ok = true;
	xmlNode *e;

	reply->intrinsic = true;
	if (!parse_response_head(p, node, reply, &e))
		return false;
	for (; e; e = next_element(p, e, &ok)) {
		if (is_element(e, "IRETURNVALUE")) {
			if (!parse_ireturn(p, e, reply))
				return false;
		} else if (!is_element(e, "PARAMVALUE")) {
			return fail(p, CIM_ERR_FAILED, "%s in IMETHODRESPONSE",
				    name_of(e));
		}
	}
	return ok;
}

/* METHODRESPONSE: NAME, then ERROR or RETURNVALUE?, PARAMVALUE*. */
static bool parse_methodresponse(struct parser *p, xmlNode *node,
				 struct cimxml_reply *reply)
{
	bool ok = true;
	xmlNode *e;

	reply->intrinsic = false;
	if (!parse_response_head(p, node, reply, &e))
		return false;
	for (; e; e = next_element(p, e, &ok)) {
		if (is_element(e, "RETURNVALUE")) {
			if (reply->has_return || reply->n_params)
				return fail(p, CIM_ERR_FAILED,
					    "RETURNVALUE out of place");
			reply->has_return = true;
			if (!parse_out_value(p, e, "RETURNVALUE", &reply->ret))
				return false;
			if (reply->ret.is_array)
				return fail(p, CIM_ERR_FAILED,
					    "RETURNVALUE with an array");
		} else if (is_element(e, "PARAMVALUE")) {
			if (!parse_out_param(p, e, reply))
				return false;
		} else {
			return fail(p, CIM_ERR_FAILED, "%s in METHODRESPONSE",
				    name_of(e));
		}
	}
	return ok;
}

/* CIM / MESSAGE / SIMPLERSP / (IMETHODRESPONSE | METHODRESPONSE). */
static bool parse_response_tree(struct parser *p, xmlNode *root,
				struct cimxml_reply *reply)
{
	char *cimversion = NULL, *dtdversion = NULL, *protocol = NULL;
	xmlNode *message, *simple, *rsp;
	bool ok = false;

	if (!is_element(root, "CIM"))
		return fail(p, CIM_ERR_FAILED, "the root element is %s, not CIM",
			    root ? name_of(root) : "missing");
	if (!required_attr(p, root, "CIMVERSION", &cimversion) ||
	    !required_attr(p, root, "DTDVERSION", &dtdversion))
		goto out;
	if (!version_is(cimversion, "2") || !version_is(dtdversion, "2")) {
		fail(p, CIM_ERR_FAILED, "CIMVERSION %.16s / DTDVERSION %.16s: only 2.x is spoken",
		     cimversion, dtdversion);
		goto out;
	}
	if (!only_child(p, root, false, &message))
		goto out;
	if (!is_element(message, "MESSAGE")) {
		fail(p, CIM_ERR_FAILED, "CIM holds %s, not MESSAGE",
		     name_of(message));
		goto out;
	}
	if (!required_attr(p, message, "ID", &reply->message_id) ||
	    !required_attr(p, message, "PROTOCOLVERSION", &protocol))
		goto out;
	if (!version_is(protocol, "1")) {
		fail(p, CIM_ERR_FAILED, "PROTOCOLVERSION %.16s: only 1.x is spoken",
		     protocol);
		goto out;
	}
	if (!only_child(p, message, false, &simple))
		goto out;
	if (!is_element(simple, "SIMPLERSP")) {
		fail(p, CIM_ERR_FAILED, "MESSAGE holds %s, not SIMPLERSP",
		     name_of(simple));
		goto out;
	}
	if (!only_child(p, simple, false, &rsp))
		goto out;
	if (is_element(rsp, "IMETHODRESPONSE"))
		ok = parse_imethodresponse(p, rsp, reply);
	else if (is_element(rsp, "METHODRESPONSE"))
		ok = parse_methodresponse(p, rsp, reply);
	else
		fail(p, CIM_ERR_FAILED, "SIMPLERSP holds %s", name_of(rsp));
out:
	free(cimversion);
	free(dtdversion);
	free(protocol);
	return ok && p->status == CIM_ERR_OK;
}

int cimxml_parse_response(const char *buf, size_t len,
			  struct cimxml_reply **out, char *err, size_t errlen)
{
	struct parser p = { .status = CIM_ERR_OK, .err = err, .errlen = errlen };
	struct cimxml_reply *reply;
	xmlDoc *doc;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	doc = read_document(&p, buf, len, CIM_ERR_FAILED);
	if (!doc)
		return p.status;
	reply = calloc(1, sizeof(*reply));
	if (!reply)
		fail(&p, CIM_ERR_FAILED, "out of memory");
	else if (!parse_response_tree(&p, xmlDocGetRootElement(doc), reply))
		fail(&p, CIM_ERR_FAILED, "malformed response");
	xmlFreeDoc(doc);
	if (p.status != CIM_ERR_OK) {
		cimxml_reply_free(reply);
		/* a response is either well formed or it failed */
		return CIM_ERR_FAILED;
	}
	*out = reply;
	return CIM_ERR_OK;
}

const struct cim_param *cimxml_reply_param(const struct cimxml_reply *reply,
					   const char *name)
{
	size_t i;

	for (i = 0; reply && i < reply->n_params; i++)
		if (reply->params[i].name &&
		    strcasecmp(reply->params[i].name, name) == 0)
			return &reply->params[i];
	return NULL;
}

void cimxml_reply_free(struct cimxml_reply *reply)
{
	size_t i;

	if (!reply)
		return;
	free(reply->message_id);
	free(reply->method);
	free(reply->error_description);
	for (i = 0; i < reply->n_names; i++)
		cim_path_free(&reply->names[i]);
	free(reply->names);
	for (i = 0; i < reply->n_instances; i++)
		cim_instance_free(reply->instances[i]);
	free(reply->instances);
	cim_value_free(&reply->ret);
	for (i = 0; i < reply->n_params; i++)
		cim_param_free(&reply->params[i]);
	free(reply->params);
	free(reply);
}

/* Writing requests */

/*
 * The content of an IPARAMVALUE: a reference as CLASSNAME (a class path)
 * or INSTANCENAME, anything else as in a PARAMVALUE.
 */
static void write_iparam_content(struct writer *wr, const struct cim_value *v)
{
	const struct cim_path *ref;

	if (v->is_null || v->type != CIM_TYPE_REFERENCE || v->is_array) {
		if (v->type == CIM_TYPE_REFERENCE && v->is_array && !wr->error)
			wr->error = EINVAL;	/* no such IPARAMVALUE */
		write_value_content(wr, v);
		return;
	}
	ref = v->n >= 1 ? v->refs : NULL;
	if (!ref || !ref->classname) {
		if (!wr->error)
			wr->error = EINVAL;
		return;
	}
	if (!ref->n_keys) {
		start(wr, "CLASSNAME");
		attr(wr, "NAME", ref->classname);
		end_empty(wr);
	} else {
		write_instance_name(wr, ref);
	}
}

char *cimxml_request(const struct cim_request *req, size_t *len)
{
	const struct cim_path *t = req->target;
	struct writer wr;
	size_t i;

	if (!req->method || !req->namespace || (!req->intrinsic && !t)) {
		errno = EINVAL;
		return NULL;
	}
	if (!writer_open(&wr))
		return NULL;
	check(&wr, xmlTextWriterWriteRaw(wr.w, BAD_CAST
		"<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"));
	start(&wr, "CIM");
	attr(&wr, "CIMVERSION", "2.0");
	attr(&wr, "DTDVERSION", "2.0");
	start(&wr, "MESSAGE");
	attr(&wr, "ID", req->message_id ? req->message_id : "1");
	attr(&wr, "PROTOCOLVERSION", "1.0");
	start(&wr, "SIMPLEREQ");
	if (req->intrinsic) {
		start(&wr, "IMETHODCALL");
		attr(&wr, "NAME", req->method);
		write_local_namespace(&wr, req->namespace);
	} else {
		start(&wr, "METHODCALL");
		attr(&wr, "NAME", req->method);
		start(&wr, t->n_keys ? "LOCALINSTANCEPATH" : "LOCALCLASSPATH");
		write_local_namespace(&wr, req->namespace);
		if (t->n_keys) {
			write_instance_name(&wr, t);
		} else {
			start(&wr, "CLASSNAME");
			attr(&wr, "NAME", t->classname);
			end_empty(&wr);
		}
		end(&wr);
	}
	for (i = 0; i < req->n_params; i++) {
		const struct cim_param *param = &req->params[i];

		start(&wr, req->intrinsic ? "IPARAMVALUE" : "PARAMVALUE");
		attr(&wr, "NAME", param->name);
		if (req->intrinsic) {
			write_iparam_content(&wr, &param->value);
		} else {
			write_param_type(&wr, &param->value);
			write_value_content(&wr, &param->value);
		}
		end(&wr);
	}
	return writer_close(&wr, len);
}
