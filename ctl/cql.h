/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Indication filter queries (CIM_IndicationFilter.Query): the subset of
 * DMTF CQL (DSP0202, QueryLanguage "DMTF:CQL") and of WQL ("WQL") that SMI-S
 * clients use to be told about jobs and synchronizations, parsed honestly:
 * what is outside the subset is refused, never half-understood.
 *
 *   query     = SELECT "*" FROM class [ WHERE or ]
 *   or        = and { OR and }
 *   and       = not { AND not }
 *   not       = NOT not | "(" or ")" | predicate
 *   predicate = operand ISA classname          (classname may be quoted)
 *             | ( ANY | EVERY ) property "[" "*" "]" cmp literal
 *             | operand cmp operand
 *             | property IS [ NOT ] NULL
 *   operand   = property | literal
 *   property  = ( SourceInstance | PreviousInstance ) [ "." [ class "::" ] name ]
 *   literal   = integer | 'string' | "string" | TRUE | FALSE
 *   cmp       = "=" | "<>" | "!=" | "<" | "<=" | ">" | ">="
 *
 * Keywords and names are case-insensitive. `SourceInstance.CIM_ConcreteJob::
 * JobState` is NULL unless the instance ISA CIM_ConcreteJob. Comparisons
 * with a NULL (or an array property outside ANY/EVERY) are unknown, and an
 * indication matches only when the WHERE clause is true (three-valued
 * logic, as both languages have it). Numbers compare as numbers, the rest
 * as strings (booleans case-insensitively).
 *
 * The only indication class this daemon emits is CIM_InstModification, so
 * FROM must name it: CIM_InstCreation, CIM_InstDeletion, alerts, projections
 * (SELECT JobState ...), joins, functions, LIKE and arithmetic are refused
 * as not supported; text that is not a query as an invalid parameter.
 *
 * Examples accepted:
 *   SELECT * FROM CIM_InstModification WHERE SourceInstance ISA
 *     CIM_ConcreteJob AND SourceInstance.CIM_ConcreteJob::JobState <>
 *     PreviousInstance.CIM_ConcreteJob::JobState
 *   SELECT * FROM CIM_InstModification WHERE SourceInstance ISA
 *     CIM_ConcreteJob AND ANY SourceInstance.CIM_ConcreteJob::
 *     OperationalStatus[*] = 17
 *   SELECT * FROM CIM_InstModification WHERE SourceInstance ISA
 *     CIM_StorageSynchronized AND SourceInstance.CopyState <>
 *     PreviousInstance.CopyState
 */
#ifndef CIMREPL_CQL_H
#define CIMREPL_CQL_H

#include <stdbool.h>
#include <stddef.h>

#include "cim.h"

#define CQL_MAX_QUERY	4096	/* bytes of query text */
#define CQL_MAX_NODES	256	/* predicates and operators */

struct cql_query;

/*
 * Parse @text in @language ("DMTF:CQL", "CQL" or "WQL", any case) into
 * *@out (cql_free() it). Returns CIM_ERR_OK, or with a one-line reason in
 * @err and *@out NULL: CIM_ERR_NOT_SUPPORTED for another language or a
 * construct outside the subset, CIM_ERR_INVALID_PARAMETER for text that is
 * not a query.
 */
int cql_parse(const char *language, const char *text, struct cql_query **out,
	      char *err, size_t errlen);

/* The FROM class, as written. */
const char *cql_from(const struct cql_query *q);

/* Is class @name @ancestor or one of its subclasses? */
typedef bool (*cql_isa_fn)(const char *name, const char *ancestor);

/*
 * Does the indication of class @indication_class with SourceInstance
 * @source and PreviousInstance @previous (may be NULL) match @q?
 */
bool cql_match(const struct cql_query *q, const char *indication_class,
	       const struct cim_instance *source,
	       const struct cim_instance *previous, cql_isa_fn isa);

void cql_free(struct cql_query *q);

#endif /* CIMREPL_CQL_H */
