/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CIM-XML (DSP0201) for the operations of DSP0200: reading requests
 * (SIMPLEREQ with an IMETHODCALL or a METHODCALL) into struct cim_request,
 * and writing complete response documents (SIMPLERSP).
 *
 * Parsing goes through libxml2 with the network off, no DTD loading or
 * validation, and no entity declarations at all (a document declaring one is
 * refused: no billion laughs, no external entities); only the predefined
 * entities and character references are expanded. Documents larger than
 * CIMXML_MAX_DOCUMENT or nested deeper than CIMXML_MAX_DEPTH are refused.
 *
 * Writing goes through libxml2's xmlTextWriter, which escapes every text and
 * attribute. Each cimxml_respond_*() returns a malloc'ed, NUL-terminated
 * document (its length in *@len when @len is not NULL), or NULL with errno
 * set: ENOMEM, or EILSEQ when a text is not UTF-8 or holds a character XML
 * 1.0 cannot carry (a control character). The documents start exactly with
 *   <?xml version="1.0" encoding="utf-8" ?>
 *   <CIM CIMVERSION="2.0" DTDVERSION="2.0">
 *   <MESSAGE ID="(the request's)" PROTOCOLVERSION="1.0"><SIMPLERSP>
 * which wbemcli checks strictly.
 *
 * Instance paths in responses: INSTANCENAME (KEYBINDING / KEYVALUE) where
 * DSP0201 wants a name; in VALUE.REFERENCE an INSTANCEPATH when the path has
 * a host and a namespace, a LOCALINSTANCEPATH when it has only a
 * namespace, an INSTANCENAME otherwise; where an INSTANCEPATH is required
 * (VALUE.OBJECTWITHPATH, OBJECTPATH), a missing host or namespace is
 * taken from struct cimxml_response.
 */
#ifndef CIMREPL_CIMXML_H
#define CIMREPL_CIMXML_H

#include <stdbool.h>
#include <stddef.h>

#include "cim.h"
#include "cimclass.h"

/* Largest request or embedded instance accepted, in bytes. */
#define CIMXML_MAX_DOCUMENT (4u << 20)
/* Deepest element nesting accepted (CIM-XML needs about 20). */
#define CIMXML_MAX_DEPTH 64
/*
 * Most elements of one list: array elements; parameters of a call, keys of
 * a path and properties of an instance (names are checked for duplicates,
 * which must stay cheap).
 */
#define CIMXML_MAX_LIST 65536
#define CIMXML_MAX_PARAMS 256
#define CIMXML_MAX_KEYS 64
#define CIMXML_MAX_PROPERTIES 1024

/*
 * Parse the CIM-XML request @buf (@len bytes, NUL-terminated or not) into
 * *@out (free it with cim_request_free()). Returns CIM_ERR_OK, or a CIM
 * status with a one-line description in @err (@errlen bytes) and *@out
 * NULL: CIM_ERR_FAILED for a document that is not XML or not a CIM-XML
 * request (wrong root, CIMVERSION, MESSAGE without ID or PROTOCOLVERSION
 * "1.x", MULTIREQ...), CIM_ERR_INVALID_PARAMETER for a parameter whose
 * PARAMTYPE, TYPE or value is not valid, CIM_ERR_NOT_SUPPORTED for
 * parameters carrying classes or qualifier declarations.
 *
 * Embedded instances arrive as strings with embedded_instance set when the
 * client says so (EmbeddedObject="instance"); a string VALUE holding an
 * unescaped INSTANCE element (what wbemcli sends when given one) becomes
 * such a string too. Without either sign, the caller decides from its
 * class declaration (the EmbeddedInstance qualifier) and calls
 * cimxml_parse_instance() on the text.
 */
int cimxml_parse_request(const char *buf, size_t len, struct cim_request **out,
			 char *err, size_t errlen);

/*
 * Parse an embedded instance, the text of a string VALUE that holds an
 * INSTANCE element (already unescaped: "<INSTANCE CLASSNAME=...>"), into
 * *@out (free it with cim_instance_free()). Returns CIM_ERR_OK, or
 * CIM_ERR_INVALID_PARAMETER with a description in @err.
 */
int cimxml_parse_instance(const char *text, struct cim_instance **out,
			  char *err, size_t errlen);

/*
 * The INSTANCE element of @inst as text, for an embedded instance out
 * parameter or property (a string with embedded_instance set, which the
 * writer escapes). malloc'ed; NULL with errno set on failure.
 */
char *cimxml_instance_string(const struct cim_instance *inst);

/* What every response needs from its request. */
struct cimxml_response {
	const char *message_id;	/* the request's MESSAGE ID */
	const char *method;	/* "GetInstance", "CreateListReplica"... */
	bool intrinsic;		/* IMETHODRESPONSE, else METHODRESPONSE */
	const char *host;	/* for INSTANCEPATHs of paths without one */
	const char *namespace;	/* likewise; the request's namespace */
	/*
	 * Write reference arrays (out parameters) as a VALUE.ARRAY of
	 * VALUE.REFERENCEs instead of DSP0201's VALUE.REFARRAY: sblim-wbemcli
	 * 1.6.3 reads only that form ("Bad attribute list for VALUE" on a
	 * VALUE.REFARRAY), pywbem and OpenPegasus clients only the standard
	 * one. Off unless the caller knows the client is wbemcli.
	 */
	bool wbemcli_refarrays;
};

/* IMETHODRESPONSE without IRETURNVALUE (DeleteInstance, ModifyInstance). */
char *cimxml_respond_void(const struct cimxml_response *r, size_t *len);

/* IRETURNVALUE with one INSTANCENAME (CreateInstance). */
char *cimxml_respond_instance_name(const struct cimxml_response *r,
				   const struct cim_path *path, size_t *len);

/* IRETURNVALUE with @n INSTANCENAMEs (EnumerateInstanceNames). */
char *cimxml_respond_instance_names(const struct cimxml_response *r,
				    const struct cim_path *paths, size_t n,
				    size_t *len);

/*
 * IRETURNVALUE with @n VALUE.NAMEDINSTANCEs (EnumerateInstances): each
 * instance's path (INSTANCENAME; an instance without one gets a name of
 * its class and no keys) and the INSTANCE.
 */
char *cimxml_respond_named_instances(const struct cimxml_response *r,
				     const struct cim_instance *const *insts,
				     size_t n, size_t *len);

/* IRETURNVALUE with one INSTANCE (GetInstance). */
char *cimxml_respond_instance(const struct cimxml_response *r,
			      const struct cim_instance *inst, size_t *len);

/* IRETURNVALUE with @n CLASSNAMEs (EnumerateClassNames). */
char *cimxml_respond_class_names(const struct cimxml_response *r,
				 const char *const *names, size_t n,
				 size_t *len);

/* What of a class to send: GetClass's IncludeQualifiers, IncludeClassOrigin. */
#define CIMXML_CLASS_QUALIFIERS 0x1u
#define CIMXML_CLASS_ORIGIN 0x2u

/*
 * IRETURNVALUE with @n CLASSes (one for GetClass, any for
 * EnumerateClasses), with the qualifiers and class origins @flags asks for.
 */
char *cimxml_respond_classes(const struct cimxml_response *r,
			     const struct cim_class *const *classes, size_t n,
			     unsigned int flags, size_t *len);

/*
 * IRETURNVALUE with @n VALUE.OBJECTWITHPATHs (Associators, References):
 * each instance's INSTANCEPATH and INSTANCE.
 */
char *cimxml_respond_objects_with_path(const struct cimxml_response *r,
				       const struct cim_instance *const *insts,
				       size_t n, size_t *len);

/*
 * IRETURNVALUE with @n OBJECTPATHs of INSTANCEPATHs (AssociatorNames,
 * ReferenceNames).
 */
char *cimxml_respond_object_paths(const struct cimxml_response *r,
				  const struct cim_path *paths, size_t n,
				  size_t *len);

/*
 * METHODRESPONSE of an extrinsic method: RETURNVALUE with PARAMTYPE (and
 * its VALUE, or VALUE.REFERENCE), then the @n_out PARAMVALUEs @out, each
 * with PARAMTYPE: scalars, arrays, references (VALUE.REFERENCE), reference
 * arrays (VALUE.REFARRAY), NULL (no content) and embedded instances
 * (EmbeddedObject="instance"). @ret may be NULL for no RETURNVALUE.
 */
char *cimxml_respond_method(const struct cimxml_response *r,
			    const struct cim_value *ret,
			    const struct cim_param *out, size_t n_out,
			    size_t *len);

/*
 * An ERROR with CODE @code and DESCRIPTION @description (may be NULL),
 * inside an IMETHODRESPONSE or a METHODRESPONSE as @r->intrinsic says.
 * Characters XML cannot carry in @description become '?', so this fails
 * only for lack of memory.
 */
char *cimxml_respond_error(const struct cimxml_response *r, int code,
			   const char *description, size_t *len);

/*
 * The client side (cimreplctl): requests out, responses in.
 */

/*
 * A complete request document for @req: an IMETHODCALL on @req->namespace
 * with IPARAMVALUEs when @req->intrinsic, else a METHODCALL on the
 * LOCALINSTANCEPATH (or LOCALCLASSPATH, for a path without keys) of
 * @req->target in @req->namespace, with PARAMVALUEs carrying PARAMTYPE.
 * IPARAMVALUEs: a reference to a class path (no keys) as CLASSNAME, to an
 * instance path as INSTANCENAME; scalars as VALUE, arrays as VALUE.ARRAY.
 * PARAMVALUEs: scalars, arrays, references (VALUE.REFERENCE), reference
 * arrays (VALUE.REFARRAY), embedded instances (an escaped INSTANCE string
 * with EmbeddedObject="instance"); a NULL value has no content. What
 * cimxml_parse_request() reads back as @req. malloc'ed; NULL with errno
 * set (ENOMEM, EILSEQ, EINVAL for a request without method or namespace).
 */
char *cimxml_request(const struct cim_request *req, size_t *len);

/* What an IRETURNVALUE held (all its elements are of one kind). */
enum cimxml_ireturn {
	CIMXML_IRETURN_NONE,		/* no IRETURNVALUE, or an empty one */
	CIMXML_IRETURN_NAMES,		/* INSTANCENAMEs / OBJECTPATHs: @names */
	CIMXML_IRETURN_INSTANCES,	/* VALUE.NAMEDINSTANCEs, VALUE.OBJECTWITHPATHs,
					 * or one INSTANCE: @instances */
	CIMXML_IRETURN_CLASSNAMES,	/* CLASSNAMEs: @names, class paths */
};

/*
 * A response (SIMPLERSP) as cimxml_parse_response() reads it: an ERROR
 * (@error non-zero), or the result of an intrinsic method (@kind and its
 * @names or @instances; a named instance's path is in its ->path) or of an
 * extrinsic one (@has_return, @ret, and the out parameters @params).
 */
struct cimxml_reply {
	char *message_id;
	char *method;
	bool intrinsic;
	int error;			/* the ERROR's CODE; 0: none */
	char *error_description;	/* its DESCRIPTION, or NULL */
	enum cimxml_ireturn kind;
	size_t n_names;
	struct cim_path *names;
	size_t n_instances;
	struct cim_instance **instances;
	bool has_return;
	struct cim_value ret;
	size_t n_params;
	struct cim_param *params;
};

/*
 * Parse the CIM-XML response @buf (@len bytes) into *@out (free it with
 * cimxml_reply_free()), with the limits and safety of
 * cimxml_parse_request(). Out parameters: scalars, arrays, references,
 * reference arrays in the standard VALUE.REFARRAY form and in the
 * VALUE.ARRAY of VALUE.REFERENCEs some servers write, embedded instances
 * (strings with embedded_instance set). A response carrying an ERROR
 * parses fine: see @error. Returns CIM_ERR_OK, or CIM_ERR_FAILED with a
 * one-line description in @err and *@out NULL for a document that is not
 * a CIM-XML response.
 */
int cimxml_parse_response(const char *buf, size_t len,
			  struct cimxml_reply **out, char *err, size_t errlen);

/* The out parameter named @name (case-insensitively), or NULL. */
const struct cim_param *cimxml_reply_param(const struct cimxml_reply *reply,
					   const char *name);

void cimxml_reply_free(struct cimxml_reply *reply);	/* and @reply */

#endif /* CIMREPL_CIMXML_H */
