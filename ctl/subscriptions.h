/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The objects of indication subscriptions (indications.h says what clients
 * see): filters with their parsed queries, listener destinations, and the
 * subscriptions joining them, made from instances (CreateInstance's
 * NewInstance, or the store's copy at start) and checked on the way. Plain
 * data: the caller (subscription_ops.c, indications.c) holds d->lock.
 */
#ifndef CIMREPL_SUBSCRIPTIONS_H
#define CIMREPL_SUBSCRIPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "cim.h"
#include "cql.h"
#include "daemon.h"

/* The store's kind of destinations (both classes); the others: class names */
#define KIND_DESTINATION	"destination"

struct filter {
	char *name;
	char *ns;			/* the namespace it was made in */
	struct cql_query *query;
	struct cim_instance *inst;	/* as served, path set */
};

struct destination {
	char *name;
	char *ns;
	char *url;
	struct cim_instance *inst;	/* CreationClassName says which class */
};

struct subscription {
	char *key;		/* "FILTER\nHANDLER": its name in the store */
	char *ns;
	struct filter *filter;
	struct destination *destination;
	bool enabled;		/* SubscriptionState 2, else 4 */
	struct cim_instance *inst;
};

struct subscriptions {
	struct filter **filters;
	size_t n_filters;
	struct destination **destinations;
	size_t n_destinations;
	struct subscription **subscriptions;
	size_t n_subscriptions;
	unsigned int names;	/* made-up Names so far */
};

/* Why an object is refused: a CIM status and a line. */
struct refusal {
	int status;
	char why[512];
};

void ind_refuse(struct refusal *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Which kind a class name is (superclasses included). */
enum family { IND_NONE, IND_FILTER, IND_DESTINATION, IND_SUBSCRIPTION };
enum family ind_family(const char *name);
/* Does a destination of class @cls answer a request for class @asked? */
bool ind_destination_is_a(const char *cls, const char *asked);

/* A scalar property's text, or NULL. */
const char *ind_prop_text(const struct cim_instance *inst, const char *name);

/* A Name for an object the client did not name, into @buf. */
const char *ind_make_name(struct subscriptions *subs, const char *kind,
			  char *buf, size_t len);

/*
 * Objects from @given in namespace @ns; NULL with @r set (CIM status and
 * reason) when @given is not acceptable.
 */
struct filter *ind_filter_make(struct daemon *d, const char *ns,
			       const struct cim_instance *given,
			       const char *name, struct refusal *r);
struct destination *ind_destination_make(struct daemon *d, const char *ns,
					 const char *cls,
					 const struct cim_instance *given,
					 const char *name, struct refusal *r);
/* Its Filter and Handler must name objects of @subs. */
struct subscription *ind_subscription_make(struct subscriptions *subs,
					   struct daemon *d, const char *ns,
					   const struct cim_instance *given,
					   struct refusal *r);
void ind_filter_free(struct filter *f);
void ind_destination_free(struct destination *dst);
void ind_subscription_free(struct subscription *s);

struct filter *ind_find_filter(struct subscriptions *subs, const char *name);
struct destination *ind_find_destination(struct subscriptions *subs,
					 const char *name);
/* Take @f (etc.) into @subs; false (nothing taken) without memory. */
bool ind_add_filter(struct subscriptions *subs, struct filter *f);
bool ind_add_destination(struct subscriptions *subs, struct destination *dst);
bool ind_add_subscription(struct subscriptions *subs, struct subscription *s);

/* Load every stored object into @subs (empty); what fails is logged. */
void ind_load(struct subscriptions *subs, struct daemon *d);
/* Free every object of @subs and empty it. */
void ind_free_all(struct subscriptions *subs);

/* indications.c: the daemon's subscriptions, and "one was just added". */
struct subscriptions *indications_subscriptions(struct daemon *d);
void indications_subscribed(struct daemon *d);

#endif /* CIMREPL_SUBSCRIPTIONS_H */
