/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `cimreplctl sync modify` and `cimreplctl sync list --filter` become
 * in CIM: their options parsed, and the ModifyListSynchronization and
 * GetReplicationRelationships requests built from them. No I/O here, so
 * the translation is unit-tested on the host (tests/unit/syncreq_test.c).
 */
#ifndef CIMREPL_SYNCREQ_H
#define CIMREPL_SYNCREQ_H

#include <stdbool.h>
#include <stddef.h>

#include "cim.h"
#include "syncops.h"

/* `sync modify`'s options; the strings point into argv. */
struct sync_modify_options {
	int operation;			/* Operation */
	bool force;			/* Force */
	int wait_for;			/* WaitForCopyState; -1: NULL */
	size_t n_targets;
	const char **targets;		/* the synchronizations' targets (DeviceIDs) */
};

/*
 * Parse the arguments after `sync modify`: --operation NAME|NUMBER,
 * [--force], [--wait-for STATE], then one or more target DeviceIDs.
 * Returns true, or false with a one-line reason in @err. Release @o with
 * sync_modify_options_free().
 */
bool sync_modify_parse(int argc, char **argv, struct sync_modify_options *o,
		       char *err, size_t errlen);
void sync_modify_options_free(struct sync_modify_options *o);

/*
 * The ModifyListSynchronization request on @service for @o, naming the
 * @n synchronizations @syncs (their instance paths, in the order of
 * @o->targets). NULL for lack of memory.
 */
struct cim_request *sync_modify_request(const struct sync_modify_options *o,
					const struct cim_path *service,
					const struct cim_path *syncs, size_t n);

/*
 * Parse `sync list`'s arguments: any number of --filter KEY=VALUE, KEY one
 * of sync-type, mode, copy-state, VALUE a keyword, the standard's name or
 * the number (as --sync-type and --wait-for take them). @f gets -1 for
 * each filter not given. Returns true, or false with the reason in @err.
 */
bool sync_filter_parse(int argc, char **argv, struct relationship_filter *f,
		       char *err, size_t errlen);

/* Does @f filter anything? */
bool sync_filter_active(const struct relationship_filter *f);

/* The GetReplicationRelationships request on @service for @f. */
struct cim_request *relationships_request(const struct relationship_filter *f,
					  const struct cim_path *service);

#endif /* CIMREPL_SYNCREQ_H */
