/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rules of ModifyListSynchronization / ModifyReplicaSynchronization
 * and GetReplicationRelationships that need no kernel, LIO or store: which
 * Operation values the standard defines, what each does to the daemon's
 * world, which CopyState it leaves a synchronization in (what
 * WaitForCopyState may ask and what a job waits for), and the
 * relationship filters. Pure functions, unit-tested on the host
 * (tests/unit/syncops_test.c).
 *
 * Which operations the kernel implements is not here: the module reports
 * them (CIMREPL_A_CAPS_OPERATION) and the daemon asks it.
 */
#ifndef CIMREPL_SYNCOPS_H
#define CIMREPL_SYNCOPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Is @op a value of the method's Operation ValueMap? The list form
 * (ModifyListSynchronization) reserves 3, 5, 6 and 13, which only
 * ModifyReplicaSynchronization defines; nothing is assigned to 23.
 */
bool syncop_is_standard(int op, bool list_form);

/* What an operation does to the daemon's objects besides the kernel's. */
enum syncop_effect {
	SYNCOP_KEEPS,		/* the synchronization stays (state changes) */
	SYNCOP_DETACHES,	/* it ends; the target stays, a plain volume */
	SYNCOP_DELETES,		/* it ends and its target is deleted */
};

enum syncop_effect syncop_effect_of(int op);

/*
 * The CopyState @op leaves a synchronization in once it has completed
 * (the state a job for it waits for), or -1 when the synchronization ends
 * (Detach, Dissolve, Return To ResourcePool) or the operation leaves the
 * state as it is.
 */
int syncop_result_state(int op);

/*
 * May WaitForCopyState be @wait for @op? The state the operation leads
 * to, or, for the operations that restart a copy (Resync Replica,
 * Resume), Unsynchronized (3): the method returns once the copy runs.
 * Never for the operations that end the synchronization.
 */
bool syncop_wait_ok(int op, int wait);

/*
 * Is a synchronization that reports @progress_status (ProgressStatus) in
 * the middle of an operation, so that its CopyState is not yet the one the
 * operation leads to (e.g. a snapshot stays Synchronized while it is being
 * restored onto its source: ProgressStatus 8 Restoring)? Synchronizing (a
 * clone's background copy) is not: Unsynchronized is where a clone is.
 */
bool syncop_in_progress(int progress_status);

/* Does the list @ops (@n values, GET_INFO's CAPS_OPERATION) hold @op? */
bool syncop_listed(const uint16_t *ops, size_t n, int op);

/*
 * GetReplicationRelationships' filters: each -1 when NULL (no filter).
 * Type: 2 StorageSynchronized, 3 GroupSynchronized; Locality: 2 local
 * only, 3 remote only; the others as CIM_StorageSynchronized has them.
 */
struct relationship_filter {
	int type;
	int sync_type;
	int mode;
	int locality;
	int copy_state;
};

/*
 * Is every filter of @f NULL or a value of its ValueMap? False with the
 * reason (one line naming the parameter) in @why.
 */
bool relationship_filter_valid(const struct relationship_filter *f,
			       char *why, size_t why_len);

/*
 * Does a local CIM_StorageSynchronized with these properties pass @f?
 * (cimrepl has no group synchronizations and no remote replicas.)
 */
bool relationship_matches(const struct relationship_filter *f, int sync_type,
			  int mode, int copy_state);

#endif /* CIMREPL_SYNCOPS_H */
