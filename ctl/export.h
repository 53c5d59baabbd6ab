/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Delivery of CIM-XML export requests (indications) to listeners, off the
 * request path: export_send() only queues; one thread POSTs the queue in
 * order with libcurl (DSP0200 section 7 headers: CIMExport: MethodRequest,
 * CIMExportMethod: ExportIndication, CIMProtocolVersion: 1.0), each attempt
 * limited to EXPORT_TIMEOUT_S, and tries again EXPORT_ATTEMPTS times with a
 * growing pause when the listener cannot be reached, answers other than
 * 200 or answers with an ERROR. An indication that still fails is dropped
 * with a line on stderr; when EXPORT_MAX_PENDING wait, new ones are dropped
 * the same way (a dead listener must not grow the daemon without bound).
 *
 * https:// listeners are verified against the system's CA store (or the
 * @cacert given to export_start()).
 */
#ifndef CIMREPL_EXPORT_H
#define CIMREPL_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#define EXPORT_ATTEMPTS		3
#define EXPORT_TIMEOUT_S	5
#define EXPORT_MAX_PENDING	1024

struct export_queue;

/* Start the delivery thread. NULL with a line in @err on failure. */
struct export_queue *export_start(const char *cacert, char *err,
				  size_t errlen);

/*
 * Queue @doc (@len bytes, malloc'ed: the queue frees it) for @url.
 * Returns 0, or -ENOSPC (queue full) / -ENOMEM with @doc freed.
 */
int export_send(struct export_queue *q, const char *url, char *doc,
		size_t len);

/* Delivered and dropped so far (for logs and tests). */
void export_counts(struct export_queue *q, unsigned long *delivered,
		   unsigned long *dropped);

/*
 * Stop: the current attempt finishes (at most EXPORT_TIMEOUT_S), what is
 * still queued is dropped, the thread is joined. NULL is allowed.
 */
void export_stop(struct export_queue *q);

#endif /* CIMREPL_EXPORT_H */
