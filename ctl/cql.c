// SPDX-License-Identifier: GPL-2.0
/*
 * Indication filter queries (cql.h): a tokenizer, a recursive-descent
 * parser into a small tree, and its three-valued evaluation.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cql.h"

enum tok_kind { T_END, T_IDENT, T_NUMBER, T_STRING, T_PUNCT };

struct token {
	enum tok_kind kind;
	char text[256];		/* identifier, number, string (unquoted), punct */
};

/* A value in a comparison: a property of an instance, or a literal. */
enum lit_kind { LIT_NUMBER, LIT_STRING, LIT_BOOL };

struct operand {
	bool is_prop;
	bool previous;		/* PreviousInstance, else SourceInstance */
	char *scope;		/* "CIM_ConcreteJob" of "CIM_ConcreteJob::X", or NULL */
	char *name;		/* property; NULL: the instance itself */
	enum lit_kind lit;
	char *text;		/* literal */
};

enum node_kind { N_OR, N_AND, N_NOT, N_ISA, N_CMP, N_ANY, N_EVERY, N_NULL };
enum cmp { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE };

struct node {
	enum node_kind kind;
	struct node *a, *b;	/* OR/AND: both; NOT: a */
	struct operand l, r;	/* ISA: l and r.text (class); CMP/ANY: both */
	enum cmp op;
	bool negate;		/* IS NOT NULL */
};

struct cql_query {
	char *from;
	struct node *where;	/* NULL: every indication of the class */
};

struct parser {
	const char *p;
	struct token tok;
	int status;		/* CIM_ERR_OK until the first error */
	char *err;
	size_t errlen;
	unsigned int nodes;
};

static void fail(struct parser *ps, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct parser *ps, int status, const char *fmt, ...)
{
	va_list ap;

	if (ps->status)
		return;
	ps->status = status;
	va_start(ap, fmt);
	vsnprintf(ps->err, ps->errlen, fmt, ap);
	va_end(ap);
}

static void next(struct parser *ps)
{
	const char *p = ps->p;
	struct token *t = &ps->tok;
	size_t n = 0;

	t->text[0] = '\0';
	while (isspace((unsigned char)*p))
		p++;
	if (!*p) {
		t->kind = T_END;
		ps->p = p;
		return;
	}
	if (isalpha((unsigned char)*p) || *p == '_') {
		t->kind = T_IDENT;
		while ((isalnum((unsigned char)*p) || *p == '_') &&
		       n < sizeof(t->text) - 1)
			t->text[n++] = *p++;
	} else if (isdigit((unsigned char)*p) ||
		   (*p == '-' && isdigit((unsigned char)p[1]))) {
		t->kind = T_NUMBER;
		t->text[n++] = *p++;
		while (isdigit((unsigned char)*p) && n < sizeof(t->text) - 1)
			t->text[n++] = *p++;
		if (isalpha((unsigned char)*p) || *p == '.' || *p == '_') {
			fail(ps, CIM_ERR_NOT_SUPPORTED,
			     "only decimal integers are supported as numbers");
		}
	} else if (*p == '\'' || *p == '"') {
		char quote = *p++;

		t->kind = T_STRING;
		for (;;) {
			if (!*p) {
				fail(ps, CIM_ERR_INVALID_PARAMETER,
				     "unterminated string");
				break;
			}
			if (*p == quote && p[1] == quote) {
				p++;	/* '' is one quote */
			} else if (*p == quote) {
				p++;
				break;
			}
			if (n < sizeof(t->text) - 1)
				t->text[n++] = *p;
			p++;
		}
	} else {
		static const char *const two[] = { "<>", "!=", "<=", ">=", "::" };
		size_t i;

		t->kind = T_PUNCT;
		for (i = 0; i < sizeof(two) / sizeof(two[0]); i++)
			if (!strncmp(p, two[i], 2))
				break;
		if (i < sizeof(two) / sizeof(two[0])) {
			t->text[n++] = *p++;
			t->text[n++] = *p++;
		} else if (strchr("*=<>.()[],", *p)) {
			t->text[n++] = *p++;
		} else {
			fail(ps, CIM_ERR_INVALID_PARAMETER,
			     "unexpected character '%c'", *p);
			p++;
		}
	}
	t->text[n] = '\0';
	if (n == sizeof(t->text) - 1)
		fail(ps, CIM_ERR_INVALID_PARAMETER, "a token is too long");
	ps->p = p;
}

static bool is_kw(const struct parser *ps, const char *kw)
{
	return ps->tok.kind == T_IDENT && !strcasecmp(ps->tok.text, kw);
}

static bool is_punct(const struct parser *ps, const char *punct)
{
	return ps->tok.kind == T_PUNCT && !strcmp(ps->tok.text, punct);
}

static bool accept_kw(struct parser *ps, const char *kw)
{
	if (!is_kw(ps, kw))
		return false;
	next(ps);
	return true;
}

static bool accept_punct(struct parser *ps, const char *punct)
{
	if (!is_punct(ps, punct))
		return false;
	next(ps);
	return true;
}

static const char *shown(const struct parser *ps)
{
	return ps->tok.kind == T_END ? "the end" : ps->tok.text;
}

static void expect_punct(struct parser *ps, const char *punct)
{
	if (!accept_punct(ps, punct))
		fail(ps, CIM_ERR_INVALID_PARAMETER, "expected '%s', not %s",
		     punct, shown(ps));
}

static char *dup_tok(struct parser *ps)
{
	char *s = strdup(ps->tok.text);

	if (!s)
		fail(ps, CIM_ERR_FAILED, "out of memory");
	return s;
}

static struct node *new_node(struct parser *ps, enum node_kind kind)
{
	struct node *n;

	if (++ps->nodes > CQL_MAX_NODES) {
		fail(ps, CIM_ERR_NOT_SUPPORTED, "more than %d terms",
		     CQL_MAX_NODES);
		return NULL;
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		fail(ps, CIM_ERR_FAILED, "out of memory");
	else
		n->kind = kind;
	return n;
}

static void operand_free(struct operand *o)
{
	free(o->scope);
	free(o->name);
	free(o->text);
}

static void node_free(struct node *n)
{
	if (!n)
		return;
	node_free(n->a);
	node_free(n->b);
	operand_free(&n->l);
	operand_free(&n->r);
	free(n);
}

static const char *const unsupported_words[] = {
	"LIKE", "IN", "SATISFIES", "BETWEEN", "EXISTS", "JOIN", "SELECT",
	"DISTINCT", "ORDER", "GROUP", "HAVING", "FIRST",
};

/* SourceInstance[.[Class::]Name], or a literal. */
static void parse_operand(struct parser *ps, struct operand *o)
{
	size_t i;

	if (ps->status)
		return;
	if (is_kw(ps, "SourceInstance") || is_kw(ps, "PreviousInstance")) {
		o->is_prop = true;
		o->previous = is_kw(ps, "PreviousInstance");
		next(ps);
		if (!accept_punct(ps, "."))
			return;	/* the instance itself: for ISA, IS NULL */
		if (ps->tok.kind != T_IDENT) {
			fail(ps, CIM_ERR_INVALID_PARAMETER,
			     "expected a property name after '.', not %s",
			     shown(ps));
			return;
		}
		o->name = dup_tok(ps);
		next(ps);
		if (accept_punct(ps, "::")) {
			if (ps->tok.kind != T_IDENT) {
				fail(ps, CIM_ERR_INVALID_PARAMETER,
				     "expected a property name after '::', not %s",
				     shown(ps));
				return;
			}
			o->scope = o->name;
			o->name = dup_tok(ps);
			next(ps);
		}
		if (is_punct(ps, ".") || is_punct(ps, "::"))
			fail(ps, CIM_ERR_NOT_SUPPORTED,
			     "paths into embedded objects are not supported");
		return;
	}
	if (ps->tok.kind == T_NUMBER) {
		o->lit = LIT_NUMBER;
	} else if (ps->tok.kind == T_STRING) {
		o->lit = LIT_STRING;
	} else if (is_kw(ps, "TRUE") || is_kw(ps, "FALSE")) {
		o->lit = LIT_BOOL;
	} else if (ps->tok.kind == T_IDENT) {
		for (i = 0; i < sizeof(unsupported_words) / sizeof(unsupported_words[0]); i++)
			if (is_kw(ps, unsupported_words[i]))
				break;
		if (i < sizeof(unsupported_words) / sizeof(unsupported_words[0]) ||
		    !strncasecmp(ps->tok.text, "Source", 6) ||
		    !strncasecmp(ps->tok.text, "Previous", 8) ||
		    (ps->p[0] == '('))
			fail(ps, CIM_ERR_NOT_SUPPORTED,
			     "%s: not in the supported query subset "
			     "(SourceInstance / PreviousInstance properties, literals)",
			     ps->tok.text);
		else
			fail(ps, CIM_ERR_NOT_SUPPORTED,
			     "%s: only properties of SourceInstance and PreviousInstance can be used",
			     ps->tok.text);
		return;
	} else {
		fail(ps, CIM_ERR_INVALID_PARAMETER,
		     "expected a property or a literal, not %s", shown(ps));
		return;
	}
	o->text = dup_tok(ps);
	next(ps);
}

static bool parse_cmp(struct parser *ps, enum cmp *op)
{
	static const struct { const char *text; enum cmp op; } ops[] = {
		{ "=", C_EQ }, { "<>", C_NE }, { "!=", C_NE }, { "<", C_LT },
		{ "<=", C_LE }, { ">", C_GT }, { ">=", C_GE },
	};
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (accept_punct(ps, ops[i].text)) {
			*op = ops[i].op;
			return true;
		}
	return false;
}

static struct node *parse_or(struct parser *ps, unsigned int depth);

static struct node *parse_predicate(struct parser *ps)
{
	struct node *n;
	bool any = is_kw(ps, "ANY"), every = is_kw(ps, "EVERY");

	if (any || every) {
		next(ps);
		n = new_node(ps, any ? N_ANY : N_EVERY);
		if (!n)
			return NULL;
		parse_operand(ps, &n->l);
		if (!ps->status && (!n->l.is_prop || !n->l.name))
			fail(ps, CIM_ERR_INVALID_PARAMETER,
			     "ANY and EVERY take an array property");
		expect_punct(ps, "[");
		expect_punct(ps, "*");
		expect_punct(ps, "]");
		if (!ps->status && !parse_cmp(ps, &n->op))
			fail(ps, CIM_ERR_INVALID_PARAMETER,
			     "expected a comparison, not %s", shown(ps));
		parse_operand(ps, &n->r);
		if (!ps->status && n->r.is_prop)
			fail(ps, CIM_ERR_NOT_SUPPORTED,
			     "ANY and EVERY compare with a literal only");
		return n;
	}
	n = new_node(ps, N_CMP);
	if (!n)
		return NULL;
	parse_operand(ps, &n->l);
	if (ps->status)
		return n;
	if (is_punct(ps, "[")) {
		fail(ps, CIM_ERR_NOT_SUPPORTED,
		     "array elements are supported with ANY and EVERY only");
		return n;
	}
	if (accept_kw(ps, "ISA")) {
		n->kind = N_ISA;
		if (!n->l.is_prop || n->l.name) {
			fail(ps, CIM_ERR_NOT_SUPPORTED,
			     "ISA applies to SourceInstance or PreviousInstance");
			return n;
		}
		if (ps->tok.kind != T_IDENT && ps->tok.kind != T_STRING) {
			fail(ps, CIM_ERR_INVALID_PARAMETER,
			     "expected a class name after ISA, not %s", shown(ps));
			return n;
		}
		n->r.text = dup_tok(ps);
		next(ps);
		return n;
	}
	if (accept_kw(ps, "IS")) {
		n->kind = N_NULL;
		n->negate = accept_kw(ps, "NOT");
		if (!accept_kw(ps, "NULL"))
			fail(ps, CIM_ERR_INVALID_PARAMETER,
			     "expected NULL after IS, not %s", shown(ps));
		else if (!n->l.is_prop)
			fail(ps, CIM_ERR_INVALID_PARAMETER,
			     "IS NULL applies to a property");
		return n;
	}
	if (!parse_cmp(ps, &n->op)) {
		if (ps->tok.kind == T_IDENT)
			fail(ps, CIM_ERR_NOT_SUPPORTED,
			     "%s: not in the supported query subset", ps->tok.text);
		else
			fail(ps, CIM_ERR_INVALID_PARAMETER,
			     "expected a comparison, not %s", shown(ps));
		return n;
	}
	parse_operand(ps, &n->r);
	if (!ps->status && ((n->l.is_prop && !n->l.name) ||
			    (n->r.is_prop && !n->r.name)))
		fail(ps, CIM_ERR_NOT_SUPPORTED,
		     "an instance compares only with ISA or IS NULL");
	return n;
}

static struct node *parse_not(struct parser *ps, unsigned int depth)
{
	struct node *n;

	if (depth > 32) {
		fail(ps, CIM_ERR_NOT_SUPPORTED, "nested too deep");
		return NULL;
	}
	if (accept_kw(ps, "NOT")) {
		n = new_node(ps, N_NOT);
		if (n)
			n->a = parse_not(ps, depth + 1);
		return n;
	}
	if (accept_punct(ps, "(")) {
		n = parse_or(ps, depth + 1);
		expect_punct(ps, ")");
		return n;
	}
	return parse_predicate(ps);
}

static struct node *parse_and(struct parser *ps, unsigned int depth)
{
	struct node *n = parse_not(ps, depth), *both;

	while (!ps->status && accept_kw(ps, "AND")) {
		both = new_node(ps, N_AND);
		if (!both)
			break;
		both->a = n;
		n = both;
		n->b = parse_not(ps, depth);
	}
	return n;
}

static struct node *parse_or(struct parser *ps, unsigned int depth)
{
	struct node *n = parse_and(ps, depth), *either;

	while (!ps->status && accept_kw(ps, "OR")) {
		either = new_node(ps, N_OR);
		if (!either)
			break;
		either->a = n;
		n = either;
		n->b = parse_and(ps, depth);
	}
	return n;
}

int cql_parse(const char *language, const char *text, struct cql_query **out,
	      char *err, size_t errlen)
{
	struct parser ps = { .p = text, .err = err, .errlen = errlen };
	struct cql_query *q;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (!language || (strcasecmp(language, "DMTF:CQL") &&
			  strcasecmp(language, "CQL") &&
			  strcasecmp(language, "WQL"))) {
		fail(&ps, CIM_ERR_NOT_SUPPORTED,
		     "QueryLanguage %s is not supported (DMTF:CQL and WQL are)",
		     language ? language : "(none)");
		return ps.status;
	}
	if (!text || !text[0] || strlen(text) > CQL_MAX_QUERY) {
		fail(&ps, CIM_ERR_INVALID_PARAMETER,
		     "the query is empty or longer than %d bytes", CQL_MAX_QUERY);
		return ps.status;
	}
	q = calloc(1, sizeof(*q));
	if (!q) {
		fail(&ps, CIM_ERR_FAILED, "out of memory");
		return ps.status;
	}
	next(&ps);
	if (!accept_kw(&ps, "SELECT"))
		fail(&ps, CIM_ERR_INVALID_PARAMETER, "a query starts with SELECT");
	if (!ps.status && !accept_punct(&ps, "*"))
		fail(&ps, CIM_ERR_NOT_SUPPORTED,
		     "only SELECT * is supported (an indication carries all its properties)");
	if (!ps.status && !accept_kw(&ps, "FROM"))
		fail(&ps, CIM_ERR_INVALID_PARAMETER, "expected FROM, not %s",
		     shown(&ps));
	if (!ps.status && ps.tok.kind != T_IDENT)
		fail(&ps, CIM_ERR_INVALID_PARAMETER,
		     "expected a class name after FROM, not %s", shown(&ps));
	if (!ps.status) {
		if (strcasecmp(ps.tok.text, "CIM_InstModification"))
			fail(&ps, CIM_ERR_NOT_SUPPORTED,
			     "FROM %s: this server sends CIM_InstModification indications only",
			     ps.tok.text);
		q->from = dup_tok(&ps);
		next(&ps);
	}
	if (!ps.status && (is_punct(&ps, ",") || is_kw(&ps, "AS") ||
			   is_kw(&ps, "JOIN")))
		fail(&ps, CIM_ERR_NOT_SUPPORTED,
		     "one class in FROM, without alias, is supported");
	if (!ps.status && accept_kw(&ps, "WHERE"))
		q->where = parse_or(&ps, 0);
	if (!ps.status && ps.tok.kind != T_END)
		fail(&ps, ps.tok.kind == T_IDENT ? CIM_ERR_NOT_SUPPORTED :
		     CIM_ERR_INVALID_PARAMETER, "unexpected %s", shown(&ps));
	if (ps.status) {
		cql_free(q);
		return ps.status;
	}
	*out = q;
	return CIM_ERR_OK;
}

const char *cql_from(const struct cql_query *q)
{
	return q->from;
}

void cql_free(struct cql_query *q)
{
	if (!q)
		return;
	node_free(q->where);
	free(q->from);
	free(q);
}

/* ---- evaluation ---- */

enum tri { T_FALSE, T_TRUE, T_UNKNOWN };

struct eval {
	const char *indication_class;
	const struct cim_instance *source, *previous;
	cql_isa_fn isa;
};

static const struct cim_instance *instance_of(const struct eval *ev,
					      const struct operand *o)
{
	return o->previous ? ev->previous : ev->source;
}

/* The property @o names, or NULL (absent, NULL, out of scope). */
static const struct cim_value *prop_value(const struct eval *ev,
					  const struct operand *o)
{
	const struct cim_instance *inst = instance_of(ev, o);
	const struct cim_param *p;

	if (!inst || !inst->classname)
		return NULL;
	if (o->scope && !ev->isa(inst->classname, o->scope))
		return NULL;
	p = cim_instance_prop(inst, o->name);
	if (!p || p->value.is_null || p->value.type == CIM_TYPE_REFERENCE)
		return NULL;
	return &p->value;
}

static bool as_number(const char *text, long double *out)
{
	char *end;
	long long s;
	unsigned long long u;

	if (!text || !*text)
		return false;
	errno = 0;
	if (text[0] == '-') {
		s = strtoll(text, &end, 10);
		*out = (long double)s;
	} else {
		u = strtoull(text, &end, 10);
		*out = (long double)u;
	}
	return !errno && !*end;
}

static enum tri compare_text(const char *a, bool a_bool, const char *b,
			     bool b_bool, enum cmp op)
{
	long double x, y;
	int c;

	if (!a || !b)
		return T_UNKNOWN;
	if (as_number(a, &x) && as_number(b, &y))
		c = x < y ? -1 : x > y;
	else if (a_bool || b_bool)
		c = strcasecmp(a, b);
	else
		c = strcmp(a, b);
	switch (op) {
	case C_EQ:
		return c == 0 ? T_TRUE : T_FALSE;
	case C_NE:
		return c != 0 ? T_TRUE : T_FALSE;
	case C_LT:
		return c < 0 ? T_TRUE : T_FALSE;
	case C_LE:
		return c <= 0 ? T_TRUE : T_FALSE;
	case C_GT:
		return c > 0 ? T_TRUE : T_FALSE;
	case C_GE:
		return c >= 0 ? T_TRUE : T_FALSE;
	}
	return T_UNKNOWN;
}

/* The scalar text of an operand, NULL when unknown; *@is_bool for booleans. */
static const char *scalar(const struct eval *ev, const struct operand *o,
			  bool *is_bool)
{
	const struct cim_value *v;

	if (!o->is_prop) {
		*is_bool = o->lit == LIT_BOOL;
		return o->text;
	}
	v = prop_value(ev, o);
	if (!v || v->is_array)
		return NULL;
	*is_bool = v->type == CIM_TYPE_BOOLEAN;
	return cim_value_get_string(v, 0);
}

static enum tri eval_node(const struct eval *ev, const struct node *n)
{
	const struct cim_instance *inst;
	const struct cim_value *v;
	const char *a, *b;
	bool ab = false, bb = false;
	enum tri x, y, acc;
	size_t i;

	switch (n->kind) {
	case N_OR:
		x = eval_node(ev, n->a);
		y = eval_node(ev, n->b);
		if (x == T_TRUE || y == T_TRUE)
			return T_TRUE;
		return x == T_UNKNOWN || y == T_UNKNOWN ? T_UNKNOWN : T_FALSE;
	case N_AND:
		x = eval_node(ev, n->a);
		y = eval_node(ev, n->b);
		if (x == T_FALSE || y == T_FALSE)
			return T_FALSE;
		return x == T_UNKNOWN || y == T_UNKNOWN ? T_UNKNOWN : T_TRUE;
	case N_NOT:
		x = eval_node(ev, n->a);
		return x == T_UNKNOWN ? T_UNKNOWN : x == T_TRUE ? T_FALSE : T_TRUE;
	case N_ISA:
		inst = instance_of(ev, &n->l);
		if (!inst || !inst->classname)
			return T_UNKNOWN;
		return ev->isa(inst->classname, n->r.text) ? T_TRUE : T_FALSE;
	case N_NULL:
		if (n->l.name)
			x = prop_value(ev, &n->l) ? T_FALSE : T_TRUE;
		else
			x = instance_of(ev, &n->l) ? T_FALSE : T_TRUE;
		if (n->negate)
			x = x == T_TRUE ? T_FALSE : T_TRUE;
		return x;
	case N_CMP:
		a = scalar(ev, &n->l, &ab);
		b = scalar(ev, &n->r, &bb);
		return compare_text(a, ab, b, bb, n->op);
	case N_ANY:
	case N_EVERY:
		v = prop_value(ev, &n->l);
		if (!v || !v->is_array)
			return T_UNKNOWN;
		acc = n->kind == N_ANY ? T_FALSE : T_TRUE;
		for (i = 0; i < v->n; i++) {
			x = compare_text(cim_value_get_string(v, i),
					 v->type == CIM_TYPE_BOOLEAN, n->r.text,
					 n->r.lit == LIT_BOOL, n->op);
			if (n->kind == N_ANY && x == T_TRUE)
				return T_TRUE;
			if (n->kind == N_EVERY && x == T_FALSE)
				return T_FALSE;
			if (x == T_UNKNOWN)
				acc = T_UNKNOWN;
		}
		return acc;
	}
	return T_UNKNOWN;
}

bool cql_match(const struct cql_query *q, const char *indication_class,
	       const struct cim_instance *source,
	       const struct cim_instance *previous, cql_isa_fn isa)
{
	struct eval ev = {
		.indication_class = indication_class, .source = source,
		.previous = previous, .isa = isa,
	};

	if (!indication_class || strcasecmp(indication_class, q->from))
		return false;
	return !q->where || eval_node(&ev, q->where) == T_TRUE;
}
