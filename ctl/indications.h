/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CIM indications (DSP1054 Indications profile, DSP0200 section 7 export):
 * clients subscribe with CreateInstance of
 *   CIM_IndicationFilter          Name, Query, QueryLanguage (cql.h subset),
 *                                 SourceNamespace(s) (root/cimv2 only);
 *   CIM_ListenerDestinationCIMXML Name, Destination (http(s)://host:port/path);
 *                                 CIM_IndicationHandlerCIMXML is taken too;
 *   CIM_IndicationSubscription    Filter, Handler (references to the two),
 *                                 SubscriptionState 2 Enabled (default) or
 *                                 4 Disabled;
 * and see them with EnumerateInstances, EnumerateInstanceNames and
 * GetInstance, and remove them with DeleteInstance (a filter or destination
 * a subscription uses cannot go first: CIM_ERR_FAILED). In the interop
 * namespace ("interop", "root/interop") or in root/cimv2; each object
 * belongs to the namespace it was created in. The objects are kept in the
 * store, so they survive a restart; Name, when not given, is made up.
 *
 * What the daemon sends: CIM_InstModification, with SourceInstance and
 * PreviousInstance, when
 *   - a CIM_ConcreteJob changes (JobState, PercentComplete,
 *     OperationalStatus: its bookkeeping in replicate.c calls
 *     indications_job_changed());
 *   - a CIM_StorageSynchronized changes CopyState, SyncState or
 *     ProgressStatus (the kernel's multicast events, through
 *     indications_kernel_event());
 * to every enabled subscription whose filter matches, as a CIM-XML export
 * request (cimxml_export.h) queued for the delivery thread (export.h): the
 * request path never waits for a listener.
 *
 * Everything here runs under d->lock.
 */
#ifndef CIMREPL_INDICATIONS_H
#define CIMREPL_INDICATIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "cim.h"
#include "cimxml.h"
#include "daemon.h"
#include "kernel.h"
#include "lio.h"
#include "store.h"

#define IND_CLASS_FILTER	"CIM_IndicationFilter"
#define IND_CLASS_DESTINATION	"CIM_ListenerDestinationCIMXML"
#define IND_CLASS_HANDLER	"CIM_IndicationHandlerCIMXML"
#define IND_CLASS_SUBSCRIPTION	"CIM_IndicationSubscription"
#define IND_CLASS_MODIFICATION	"CIM_InstModification"

/*
 * Load the subscriptions from d->store and start the delivery thread
 * (https listeners verified against @cacert, NULL: the system's CAs);
 * sets d->indications. @lio is the provider's, for the synchronizations.
 */
int indications_start(struct daemon *d, struct lio *lio, const char *cacert,
		      char *err, size_t errlen);
void indications_stop(struct daemon *d);

/* Is @req an intrinsic operation on one of the classes above? */
bool indications_serves(const struct cim_request *req);

/* Carry @req out; the response document (NULL: out of memory). */
char *indications_handle(struct daemon *d, const struct cim_request *req,
			 const struct cimxml_response *r, size_t *len);

/* Job @after was @before until now. */
void indications_job_changed(struct daemon *d, const struct store_job *before,
			     const struct store_job *after);

/* A kernel event: synchronizations may have changed state. */
void indications_kernel_event(struct daemon *d, const struct kernel_event *ev);

#endif /* CIMREPL_INDICATIONS_H */
