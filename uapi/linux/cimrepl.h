/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * cimrepl - block-layer replication (snapshot, clone, mirror) for LIO
 *
 * The generic netlink family "cimrepl", version 1, and the CIM value maps
 * (DMTF CIM schema 2.41, SNIA SMI-S Replication Services) that it and the
 * cimrepld daemon speak. This header is the API's manual: every command and
 * attribute is documented here. Documentation/netlink/cimrepl.yaml is the
 * same API in the kernel's YAML spec format.
 *
 * Conventions
 * -----------
 * - Every request is validated strictly: unknown attributes, trailing data
 *   and attributes of the wrong type or length are rejected with -EINVAL and
 *   an extended ACK message naming the offending attribute; a value
 *   outside the range its policy allows gets the netlink core's -ERANGE; a
 *   missing required attribute gets -EINVAL with its type in the extended
 *   ACK (NLMSGERR_ATTR_MISS_TYPE).
 * - Every command that changes state, or that reveals the state of volumes,
 *   pools or synchronizations, requires CAP_NET_ADMIN in the initial user
 *   namespace (GENL_ADMIN_PERM). Only CIMREPL_CMD_GET_INFO is unprivileged.
 *   The "events" multicast group requires CAP_NET_ADMIN to join on kernels
 *   that support per-group permissions.
 * - The family is not available in network namespaces other than init_net.
 * - Names (volumes, pools, replicas) are 1..CIMREPL_NAME_MAX-1 characters of
 *   [A-Za-z0-9_.+-], not starting with '.' or '-'. A volume named NAME
 *   appears as the block device /dev/cimrepl/NAME.
 * - Sizes are in bytes, times in nanoseconds since the Unix epoch
 *   (CLOCK_REALTIME), throughputs in KiB/s, durations in milliseconds.
 * - Enumerated values are the CIM values from the value maps at the end of
 *   this header, so that the daemon passes them through unchanged.
 *
 * Commands
 * --------
 * CIMREPL_CMD_GET_INFO: (unprivileged) reply carries:
 *	CIMREPL_A_API_VERSION: u32, CIMREPL_API_VERSION
 *	CIMREPL_A_MODULE_VERSION: string, the module's release
 *	CIMREPL_A_CAPS: nest of CIMREPL_A_CAPS_*:
 *		CIMREPL_A_CAPS_SYNC_TYPE: u16, repeated: each SyncType an engine
 *			of this module implements (CIMREPL_SYNC_TYPE_*)
 *		CIMREPL_A_CAPS_MODE: u16, repeated: each Mode implemented
 *		CIMREPL_A_CAPS_OPERATION: u16, repeated: each
 *			CIMREPL_CMD_SYNC_MODIFY_LIST operation implemented
 *		CIMREPL_A_CAPS_MAX_ELEMENTS: u32, longest list one
 *			CIMREPL_CMD_REPLICA_CREATE_LIST or SYNC_MODIFY_LIST takes
 *		CIMREPL_A_CAPS_MAX_VOLUMES: u32, most devices (volumes and
 *			replicas) the module manages at once
 *		CIMREPL_A_CAPS_NAME_MAX: u32, CIMREPL_NAME_MAX
 *		CIMREPL_A_CAPS_CHUNK_SIZE_MIN, _MAX, _DEFAULT: u32, bytes, the
 *			chunk sizes CIMREPL_A_CHUNK_SIZE accepts (powers of two)
 *
 * CIMREPL_CMD_VOLUME_CREATE: (admin) make a managed volume over a backing
 *	block device; the volume's device /dev/cimrepl/NAME passes I/O through
 *	to it. Request:
 *		CIMREPL_A_VOLUME: nest of
 *			CIMREPL_A_VOLUME_NAME: string, required
 *			CIMREPL_A_VOLUME_BACKING_PATH: string, required, the
 *				path of the backing block device, opened
 *				exclusively
 *	Errors: -EEXIST name taken, -ENOENT/-ENOTBLK path, -EBUSY device in
 *	use (opened exclusively by someone else, e.g. a LIO backstore).
 *
 * CIMREPL_CMD_VOLUME_DELETE: (admin) request: CIMREPL_A_VOLUME with
 *	CIMREPL_A_VOLUME_NAME. -EBUSY while the volume is open (a LIO
 *	backstore sits on it) or has replicas.
 *
 * CIMREPL_CMD_VOLUME_GET: (admin) do: CIMREPL_A_VOLUME with
 *	CIMREPL_A_VOLUME_NAME, reply: one CIMREPL_A_VOLUME nest with every
 *	CIMREPL_A_VOLUME_* attribute. Dump: one message per volume.
 *
 * CIMREPL_CMD_VOLUME_ASSEMBLE: (admin) re-assemble a volume, its replicas
 *	and their synchronizations from the on-disk metadata after a reboot or
 *	module reload. Request: CIMREPL_A_VOLUME with CIMREPL_A_VOLUME_NAME and
 *	CIMREPL_A_VOLUME_BACKING_PATH.
 *
 * CIMREPL_CMD_POOL_CREATE, _DELETE, _GET: (admin) pools are block devices
 *	from which the module takes the chunks snapshots copy into (the
 *	snapshot store, shared by every snapshot in the pool). CIMREPL_A_POOL
 *	nest: CIMREPL_A_POOL_NAME (string), _PATH (string), _CHUNK_SIZE (u32,
 *	bytes, power of two, default CIMREPL_A_CAPS_CHUNK_SIZE_DEFAULT),
 *	_FORMAT (flag); read-only: _SIZE, _FREE (u64 bytes), _SNAPSHOTS (u32,
 *	snapshots and clones recorded in it). With _FORMAT, create lays out a
 *	new, empty pool on the device (its contents are lost); without, it
 *	loads the pool already there and re-assembles its snapshots, whose
 *	origin volumes must exist, and its clones, for each of which a volume
 *	of the clone's name must exist over the clone's target: it becomes the
 *	clone device again and the copy resumes (this is how replicas come
 *	back after a reboot). -EBUSY deleting a pool that holds snapshots or
 *	clones; deleting a pool keeps its contents on the device.
 *
 * CIMREPL_CMD_REPLICA_CREATE_LIST: (admin) create one replica of each
 *	source in the list, all at one point in time: new I/O is held on every
 *	source, in-flight I/O drained, every replica established, then I/O
 *	released. Atomic: if element k fails, the replicas of elements before
 *	k are removed, -errno is returned and the extack message names k.
 *	Request:
 *		CIMREPL_A_SYNC_TYPE: u16, required, CIMREPL_SYNC_TYPE_*
 *		CIMREPL_A_MODE: u16, CIMREPL_MODE_*; snapshots and clones
 *			take CIMREPL_MODE_SYNCHRONOUS only (or no Mode)
 *		CIMREPL_A_CHUNK_SIZE: u32, bytes, power of two; must be the
 *			pool's chunk size if given
 *		CIMREPL_A_THROTTLE: u32, KiB/s for the background copy of
 *			clones, 0 = none; without it, the module-wide value
 *			(CIMREPL_CMD_SYNC_SET). Snapshots: -EINVAL
 *		CIMREPL_A_ELEMENTS: required, nest of up to
 *			CIMREPL_A_CAPS_MAX_ELEMENTS nests whose attribute
 *			type is the element's index (0, 1, ...), each of
 *			CIMREPL_A_ELEM_*:
 *			CIMREPL_A_ELEM_SOURCE: string, required, a volume name
 *			CIMREPL_A_ELEM_TARGET_NAME: string, required, the name
 *				of the replica device to create
 *			CIMREPL_A_ELEM_TARGET_PATH: string, an existing block
 *				device to use as the target: required for
 *				clones (opened exclusively, at least as large
 *				as the source, not the source's own device);
 *				refused for snapshots
 *			CIMREPL_A_ELEM_POOL: string, required: the pool a
 *				snapshot keeps its copies in; for a clone, the
 *				pool that keeps its point in time (copies of
 *				source chunks written before they reached the
 *				target) and its record with the copy's
 *				progress
 *			CIMREPL_A_ELEM_STORE_SIZE: u64, reserved; refused
 *	Reply: one CIMREPL_A_SYNC nest per element, in request order.
 *
 *	Snapshots (SyncType 7) are readable and writable devices showing
 *	the source at the point in time, CopyState 4 (Synchronized) at once.
 *	Clones (SyncType 8) are devices over their target, usable at once
 *	with the point-in-time data; the copy runs in the background
 *	(CopyState 3 Unsynchronized, ProgressStatus 6, CIMREPL_A_SYNC_CHUNKS_*
 *	counting), then CopyState 4. Its progress is persistent: after a
 *	crash the copy resumes where it was. A copy error makes it Broken
 *	(5) with CIMREPL_A_SYNC_ERROR; the source is not affected.
 *
 *	Mirrors (SyncType 6) replicate every later write of the source onto
 *	a target device (CIMREPL_A_ELEM_TARGET_PATH, required, as for
 *	clones); CIMREPL_A_ELEM_POOL keeps the mirror's record and its
 *	dirty-region log. Mode 2 (synchronous, the default): a write
 *	completes when both legs have it, preflush and FUA reach both.
 *	Mode 3 (asynchronous): a write completes on the source; the target
 *	applies the writes in the order they completed on the source (with
 *	their preflush and FUA), so it always shows a state the source went
 *	through; new writes wait while the oldest write not yet applied is
 *	older than CIMREPL_A_SYNC_MAX_LAG_MS (default 1000, CMD_SYNC_SET) or
 *	the backlog exceeds CIMREPL_MIRROR_BACKLOG_MAX. A source has at most
 *	one mirror. The initial copy runs in the background (CopyState 3,
 *	ProgressStatus 6, CHUNKS_* counting regions), then CopyState 4. The
 *	device /dev/cimrepl/TARGET_NAME (CIMREPL_ROLE_MIRROR) shows the
 *	target: always readable, writable only while Fractured or Split
 *	(writes at other times fail with an I/O error). Dirty regions (the
 *	pool's chunk size, or larger so that a log has at most 2^20 of them;
 *	CIMREPL_A_SYNC_CHUNK_SIZE) are logged in the pool before the first
 *	write into a clean region (with the rest of its 1 MiB group) and
 *	cleared lazily, so that after a fracture, suspend or target
 *	failure only regions written since are copied again
 *	(CIMREPL_A_SYNC_DIRTY counts them), after a crash only the groups
 *	written in the last seconds. A target
 *	I/O error makes the mirror Broken (5): the source goes on, writes
 *	are logged.
 *
 * CIMREPL_CMD_REPLICA_DELETE: (admin) remove a replica device and its
 *	synchronization, returning its space (a clone's target keeps the
 *	bytes it holds). Request: CIMREPL_A_SYNC with CIMREPL_A_SYNC_TARGET.
 *	-EBUSY while the replica is open.
 *
 * CIMREPL_CMD_SYNC_GET: (admin) do: CIMREPL_A_SYNC with CIMREPL_A_SYNC_TARGET;
 *	dump: every synchronization. Reply: CIMREPL_A_SYNC nest with every
 *	CIMREPL_A_SYNC_* attribute that applies.
 *
 * CIMREPL_CMD_SYNC_MODIFY_LIST: (admin) apply one operation to a list of
 *	synchronizations, atomically (all or none):
 *		CIMREPL_A_OPERATION: u16, required, CIMREPL_OP_*
 *		CIMREPL_A_FORCE: flag
 *		CIMREPL_A_ELEMENTS: indexed nests as above, each with
 *			CIMREPL_A_ELEM_TARGET_NAME
 *	An operation that is not valid in a synchronization's current
 *	CopyState fails with -EINVAL and a message naming the state; one
 *	the synchronization's engine lacks, with -EOPNOTSUPP. Snapshots:
 *	Restore from Replica (15: copy the snapshot back onto the source,
 *	online, in the background) and Return To ResourcePool (19: delete
 *	it). Clones: Abort (2) from Unsynchronized or Broken -> Aborted (12,
 *	the copy stops, the device shows the target as it is); Detach (8)
 *	from Synchronized or Aborted: the synchronization ends and the
 *	device stays as a plain volume (CIMREPL_ROLE_VOLUME) over the
 *	target; Resync Replica (14) from Broken, when the point in time
 *	survived: the copy resumes where it stopped.
 *	Mirrors: Fracture (12) from Synchronized, Unsynchronized or Suspended
 *	-> Fractured (6): the target stops following at once (an async
 *	mirror's backlog is dropped into the log) and becomes writable;
 *	Split (21) from Synchronized -> Split (7): the same, but the target
 *	first receives every write acknowledged before the split (source
 *	I/O is held while an async backlog drains): it equals the source
 *	at that instant; Suspend (22) from Synchronized or Unsynchronized ->
 *	Suspended (9): the target stops following and stays read-only;
 *	Resume (16) from Suspended, Resync Replica (14) from Fractured,
 *	Split or Broken: the logged regions are copied source -> target
 *	(CopyState 3, ProgressStatus 7), then Synchronized; Restore from
 *	Replica (15) from Fractured, Split or Suspended: the logged regions
 *	are copied target -> source, online (source I/O to a region not yet
 *	restored waits for it; ProgressStatus 8), then the regions the
 *	source wrote meanwhile are copied forward and the mirror is
 *	Synchronized; Detach (8) in any state but during a restore: the
 *	synchronization ends, the device stays as a plain volume over the
 *	target; Return To ResourcePool (19): as CMD_REPLICA_DELETE.
 *
 * CIMREPL_CMD_SYNC_SET: (admin) change the tunables of one synchronization
 *	(CIMREPL_A_SYNC with _TARGET and _THROTTLE and/or _MAX_LAG_MS), or,
 *	without CIMREPL_A_SYNC, the module-wide CIMREPL_A_THROTTLE that
 *	applies to clones without their own (0 at module load). Takes
 *	effect at once. A synchronization's own tunables (and a clone's
 *	CIMREPL_A_THROTTLE given at creation) are recorded in its pool
 *	first and come back when the pool is loaded again; if the pool
 *	cannot record them, nothing changes (the errno of the write).
 *	-EINVAL for a snapshot (nothing to throttle). The module-wide
 *	throttle is not recorded.
 *
 * Events (multicast group CIMREPL_MCGRP_EVENTS)
 * ---------------------------------------------
 * CIMREPL_CMD_EVENT messages carry CIMREPL_A_EVENT (u16, CIMREPL_EVENT_*)
 * and the current state of the object: a CIMREPL_A_SYNC or CIMREPL_A_VOLUME
 * nest as in the GET replies.
 */
#ifndef _UAPI_LINUX_CIMREPL_H
#define _UAPI_LINUX_CIMREPL_H

#define CIMREPL_GENL_NAME		"cimrepl"
#define CIMREPL_GENL_VERSION		1
#define CIMREPL_MCGRP_EVENTS		"events"

/* Version of the attribute set below, reported by CIMREPL_CMD_GET_INFO. */
#define CIMREPL_API_VERSION		1

/* Longest name, including its terminating NUL. */
#define CIMREPL_NAME_MAX		24
/* Most bytes an asynchronous mirror keeps in memory for its target. */
#define CIMREPL_MIRROR_BACKLOG_MAX	(64 << 20)
/* An asynchronous mirror's lag bound unless CMD_SYNC_SET changes it. */
#define CIMREPL_MIRROR_MAX_LAG_MS_DEFAULT	1000

enum cimrepl_cmd {
	CIMREPL_CMD_UNSPEC,
	CIMREPL_CMD_GET_INFO,
	CIMREPL_CMD_VOLUME_CREATE,
	CIMREPL_CMD_VOLUME_DELETE,
	CIMREPL_CMD_VOLUME_GET,
	CIMREPL_CMD_VOLUME_ASSEMBLE,
	CIMREPL_CMD_POOL_CREATE,
	CIMREPL_CMD_POOL_DELETE,
	CIMREPL_CMD_POOL_GET,
	CIMREPL_CMD_REPLICA_CREATE_LIST,
	CIMREPL_CMD_REPLICA_DELETE,
	CIMREPL_CMD_SYNC_GET,
	CIMREPL_CMD_SYNC_MODIFY_LIST,
	CIMREPL_CMD_SYNC_SET,
	CIMREPL_CMD_EVENT,

	__CIMREPL_CMD_MAX
};

#define CIMREPL_CMD_MAX (__CIMREPL_CMD_MAX - 1)

enum cimrepl_attr {
	CIMREPL_A_UNSPEC,
	CIMREPL_A_PAD,
	CIMREPL_A_API_VERSION,		/* u32 */
	CIMREPL_A_MODULE_VERSION,	/* string */
	CIMREPL_A_CAPS,			/* nest: CIMREPL_A_CAPS_* */
	CIMREPL_A_VOLUME,		/* nest: CIMREPL_A_VOLUME_* */
	CIMREPL_A_POOL,			/* nest: CIMREPL_A_POOL_* */
	CIMREPL_A_SYNC,			/* nest: CIMREPL_A_SYNC_* */
	CIMREPL_A_SYNC_TYPE,		/* u16: CIMREPL_SYNC_TYPE_* */
	CIMREPL_A_MODE,			/* u16: CIMREPL_MODE_* */
	CIMREPL_A_CHUNK_SIZE,		/* u32: bytes */
	CIMREPL_A_THROTTLE,		/* u32: KiB/s, 0 = unthrottled */
	CIMREPL_A_ELEMENTS,		/* nest of indexed nests: CIMREPL_A_ELEM_* */
	CIMREPL_A_OPERATION,		/* u16: CIMREPL_OP_* */
	CIMREPL_A_FORCE,		/* flag */
	CIMREPL_A_EVENT,		/* u16: CIMREPL_EVENT_* */

	__CIMREPL_A_MAX
};

#define CIMREPL_A_MAX (__CIMREPL_A_MAX - 1)

enum cimrepl_caps_attr {
	CIMREPL_A_CAPS_UNSPEC,
	CIMREPL_A_CAPS_SYNC_TYPE,	/* u16, repeated */
	CIMREPL_A_CAPS_MODE,		/* u16, repeated */
	CIMREPL_A_CAPS_OPERATION,	/* u16, repeated */
	CIMREPL_A_CAPS_MAX_ELEMENTS,	/* u32 */
	CIMREPL_A_CAPS_MAX_VOLUMES,	/* u32 */
	CIMREPL_A_CAPS_NAME_MAX,	/* u32 */
	CIMREPL_A_CAPS_CHUNK_SIZE_MIN,	/* u32: bytes */
	CIMREPL_A_CAPS_CHUNK_SIZE_MAX,	/* u32: bytes */
	CIMREPL_A_CAPS_CHUNK_SIZE_DEFAULT, /* u32: bytes */

	__CIMREPL_A_CAPS_MAX
};

#define CIMREPL_A_CAPS_MAX (__CIMREPL_A_CAPS_MAX - 1)

enum cimrepl_volume_attr {
	CIMREPL_A_VOLUME_UNSPEC,
	CIMREPL_A_VOLUME_PAD,
	CIMREPL_A_VOLUME_NAME,		/* string */
	CIMREPL_A_VOLUME_BACKING_PATH,	/* string; volumes only, not replicas */
	CIMREPL_A_VOLUME_SIZE,		/* u64: bytes, read-only */
	CIMREPL_A_VOLUME_MAJOR,		/* u32: of /dev/cimrepl/NAME, read-only */
	CIMREPL_A_VOLUME_MINOR,		/* u32: read-only */
	CIMREPL_A_VOLUME_BACKING_MAJOR,	/* u32: read-only */
	CIMREPL_A_VOLUME_BACKING_MINOR,	/* u32: read-only */
	CIMREPL_A_VOLUME_OPEN_COUNT,	/* u32: openers of the device, read-only */
	CIMREPL_A_VOLUME_REPLICAS,	/* u32: replicas of this source, read-only */
	CIMREPL_A_VOLUME_ROLE,		/* u16: CIMREPL_ROLE_*, read-only */
	CIMREPL_A_VOLUME_FLUSHES,	/* u64: flushes received, read-only */
	CIMREPL_A_VOLUME_FUA_WRITES,	/* u64: FUA writes received, read-only */
	CIMREPL_A_VOLUME_POOL,		/* string: its replicas' pool, read-only */

	__CIMREPL_A_VOLUME_MAX
};

#define CIMREPL_A_VOLUME_MAX (__CIMREPL_A_VOLUME_MAX - 1)

/* What a managed block device is. */
enum cimrepl_role {
	CIMREPL_ROLE_VOLUME = 1,	/* a plain managed volume, may be a source */
	CIMREPL_ROLE_SNAPSHOT = 2,
	CIMREPL_ROLE_CLONE = 3,
	CIMREPL_ROLE_MIRROR = 4,
};

enum cimrepl_pool_attr {
	CIMREPL_A_POOL_UNSPEC,
	CIMREPL_A_POOL_PAD,
	CIMREPL_A_POOL_NAME,		/* string */
	CIMREPL_A_POOL_PATH,		/* string */
	CIMREPL_A_POOL_SIZE,		/* u64: bytes, read-only */
	CIMREPL_A_POOL_FREE,		/* u64: bytes, read-only */
	CIMREPL_A_POOL_CHUNK_SIZE,	/* u32: bytes; chosen at format */
	CIMREPL_A_POOL_FORMAT,		/* flag: lay out a new, empty pool */
	CIMREPL_A_POOL_SNAPSHOTS,	/* u32: snapshots in it, read-only */

	__CIMREPL_A_POOL_MAX
};

#define CIMREPL_A_POOL_MAX (__CIMREPL_A_POOL_MAX - 1)

/* CIMREPL_A_ELEMENTS holds one nest per element whose attribute type is
 * the element's index in the list (0, 1, 2...); each is a nest of
 * CIMREPL_A_ELEM_*.
 */
enum cimrepl_elem_attr {
	CIMREPL_A_ELEM_UNSPEC,
	CIMREPL_A_ELEM_PAD,
	CIMREPL_A_ELEM_SOURCE,		/* string: source volume name */
	CIMREPL_A_ELEM_TARGET_NAME,	/* string: replica name */
	CIMREPL_A_ELEM_TARGET_PATH,	/* string: existing device to use */
	CIMREPL_A_ELEM_POOL,		/* string: pool to allocate from */
	CIMREPL_A_ELEM_STORE_SIZE,	/* u64: bytes */

	__CIMREPL_A_ELEM_MAX
};

#define CIMREPL_A_ELEM_MAX (__CIMREPL_A_ELEM_MAX - 1)

enum cimrepl_sync_attr {
	CIMREPL_A_SYNC_UNSPEC,
	CIMREPL_A_SYNC_PAD,
	CIMREPL_A_SYNC_SOURCE,		/* string: source volume (SystemElement) */
	CIMREPL_A_SYNC_TARGET,		/* string: replica (SyncedElement) */
	CIMREPL_A_SYNC_SYNC_TYPE,	/* u16: CIMREPL_SYNC_TYPE_* */
	CIMREPL_A_SYNC_MODE,		/* u16: CIMREPL_MODE_* */
	CIMREPL_A_SYNC_COPY_STATE,	/* u16: CIMREPL_COPY_STATE_* */
	CIMREPL_A_SYNC_PROGRESS_STATUS,	/* u16: CIMREPL_PROGRESS_* */
	CIMREPL_A_SYNC_CHUNK_SIZE,	/* u32: bytes */
	CIMREPL_A_SYNC_CHUNKS_DONE,	/* u64: chunks copied */
	CIMREPL_A_SYNC_CHUNKS_TOTAL,	/* u64: chunks to copy */
	CIMREPL_A_SYNC_BYTES_DONE,	/* u64: bytes copied */
	CIMREPL_A_SYNC_WHEN_ESTABLISHED, /* u64: ns since the epoch */
	CIMREPL_A_SYNC_WHEN_SYNCHRONIZED, /* u64: ns since the epoch */
	CIMREPL_A_SYNC_WHEN_SUSPENDED,	/* u64: ns since the epoch */
	CIMREPL_A_SYNC_THROTTLE,	/* u32: KiB/s, 0 = unthrottled */
	CIMREPL_A_SYNC_MAX_LAG_MS,	/* u32: asynchronous mirrors */
	CIMREPL_A_SYNC_LAG_MS,		/* u32: read-only */
	CIMREPL_A_SYNC_BACKLOG,		/* u64: bytes not yet on target */
	CIMREPL_A_SYNC_ERROR,		/* u32: last errno that broke it */
	CIMREPL_A_SYNC_DIRTY,		/* u64: mirrors: regions to copy */

	__CIMREPL_A_SYNC_MAX
};

#define CIMREPL_A_SYNC_MAX (__CIMREPL_A_SYNC_MAX - 1)

enum cimrepl_event {
	CIMREPL_EVENT_CREATED = 1,
	CIMREPL_EVENT_DELETED = 2,
	CIMREPL_EVENT_STATE_CHANGED = 3,
	CIMREPL_EVENT_PROGRESS = 4,
	CIMREPL_EVENT_ERROR = 5,
};

/*
 * CIM value maps (DMTF CIM schema 2.41, SMI-S Replication Services). These
 * are the standard's numbers; the kernel reports them and cimrepld passes
 * them through. Nothing else in cimrepl spells them out.
 */

/* CIM_ReplicationService.CreateListReplica and friends: return codes */
enum cimrepl_cim_return {
	CIMREPL_RC_COMPLETED = 0,
	CIMREPL_RC_NOT_SUPPORTED = 1,
	CIMREPL_RC_UNKNOWN = 2,
	CIMREPL_RC_TIMEOUT = 3,
	CIMREPL_RC_FAILED = 4,
	CIMREPL_RC_INVALID_PARAMETER = 5,
	CIMREPL_RC_IN_USE = 6,
	CIMREPL_RC_JOB_STARTED = 4096,
	CIMREPL_RC_VENDOR_SPECIFIC = 32768,
};

/* SyncType */
enum cimrepl_sync_type {
	CIMREPL_SYNC_TYPE_MIRROR = 6,
	CIMREPL_SYNC_TYPE_SNAPSHOT = 7,
	CIMREPL_SYNC_TYPE_CLONE = 8,
	CIMREPL_SYNC_TYPE_TOKENIZED_CLONE = 9,
};

/* Mode */
enum cimrepl_mode {
	CIMREPL_MODE_UNKNOWN = 0,
	CIMREPL_MODE_SYNCHRONOUS = 2,
	CIMREPL_MODE_ASYNCHRONOUS = 3,
	CIMREPL_MODE_ADAPTIVE = 4,
};

/* CIM_Synchronized.CopyState */
enum cimrepl_copy_state {
	CIMREPL_COPY_STATE_INITIALIZED = 2,
	CIMREPL_COPY_STATE_UNSYNCHRONIZED = 3,
	CIMREPL_COPY_STATE_SYNCHRONIZED = 4,
	CIMREPL_COPY_STATE_BROKEN = 5,
	CIMREPL_COPY_STATE_FRACTURED = 6,
	CIMREPL_COPY_STATE_SPLIT = 7,
	CIMREPL_COPY_STATE_INACTIVE = 8,
	CIMREPL_COPY_STATE_SUSPENDED = 9,
	CIMREPL_COPY_STATE_FAILEDOVER = 10,
	CIMREPL_COPY_STATE_PREPARED = 11,
	CIMREPL_COPY_STATE_ABORTED = 12,
	CIMREPL_COPY_STATE_SKEWED = 13,
	CIMREPL_COPY_STATE_MIXED = 14,
	CIMREPL_COPY_STATE_NOT_APPLICABLE = 15,
	CIMREPL_COPY_STATE_PARTITIONED = 16,
	CIMREPL_COPY_STATE_INVALID = 17,
	CIMREPL_COPY_STATE_RESTORED = 18,
};

/* CIM_Synchronized.ProgressStatus */
enum cimrepl_progress_status {
	CIMREPL_PROGRESS_UNKNOWN = 0,
	CIMREPL_PROGRESS_COMPLETED = 2,
	CIMREPL_PROGRESS_DORMANT = 3,
	CIMREPL_PROGRESS_INITIALIZING = 4,
	CIMREPL_PROGRESS_PREPARING = 5,
	CIMREPL_PROGRESS_SYNCHRONIZING = 6,
	CIMREPL_PROGRESS_RESYNCING = 7,
	CIMREPL_PROGRESS_RESTORING = 8,
	CIMREPL_PROGRESS_FRACTURING = 9,
	CIMREPL_PROGRESS_SPLITTING = 10,
	CIMREPL_PROGRESS_FAILING_OVER = 11,
	CIMREPL_PROGRESS_FAILING_BACK = 12,
	CIMREPL_PROGRESS_ABORTING = 13,
	CIMREPL_PROGRESS_MIXED = 14,
	CIMREPL_PROGRESS_NOT_APPLICABLE = 15,
	CIMREPL_PROGRESS_SUSPENDING = 16,
	CIMREPL_PROGRESS_REQUIRES_FRACTURE = 17,
	CIMREPL_PROGRESS_REQUIRES_RESYNC = 18,
	CIMREPL_PROGRESS_REQUIRES_ACTIVATE = 19,
	CIMREPL_PROGRESS_PENDING = 20,
	CIMREPL_PROGRESS_DETACHING = 21,
	CIMREPL_PROGRESS_REQUIRES_DETACH = 22,
	CIMREPL_PROGRESS_TERMINATING = 23,
	CIMREPL_PROGRESS_REQUIRES_SPLIT = 24,
	CIMREPL_PROGRESS_REQUIRES_RESUME = 25,
};

/* CIM_StorageSynchronized.CopyType */
enum cimrepl_copy_type {
	CIMREPL_COPY_TYPE_ASYNC = 2,
	CIMREPL_COPY_TYPE_SYNC = 3,
	CIMREPL_COPY_TYPE_UNSYNC_ASSOC = 4,
	CIMREPL_COPY_TYPE_UNSYNC_UNASSOC = 5,
};

/* CIM_StorageSynchronized.SyncState */
enum cimrepl_sync_state {
	CIMREPL_SYNC_STATE_UNKNOWN = 0,
	CIMREPL_SYNC_STATE_INITIALIZED = 2,
	CIMREPL_SYNC_STATE_PREPARE_IN_PROGRESS = 3,
	CIMREPL_SYNC_STATE_PREPARED = 4,
	CIMREPL_SYNC_STATE_RESYNC_IN_PROGRESS = 5,
	CIMREPL_SYNC_STATE_SYNCHRONIZED = 6,
	CIMREPL_SYNC_STATE_FRACTURE_IN_PROGRESS = 7,
	CIMREPL_SYNC_STATE_QUIESCE_IN_PROGRESS = 8,
	CIMREPL_SYNC_STATE_QUIESCED = 9,
	CIMREPL_SYNC_STATE_RESTORE_IN_PROGRESS = 10,
	CIMREPL_SYNC_STATE_IDLE = 11,
	CIMREPL_SYNC_STATE_BROKEN = 12,
	CIMREPL_SYNC_STATE_FRACTURED = 13,
	CIMREPL_SYNC_STATE_FROZEN = 14,
	CIMREPL_SYNC_STATE_COPY_IN_PROGRESS = 15,
};

/* CopyMethodology, CIM_ReplicationSettingData.DesiredCopyMethodology */
enum cimrepl_copy_methodology {
	CIMREPL_COPY_METHOD_NOT_SPECIFIED = 0,
	CIMREPL_COPY_METHOD_OTHER = 1,
	CIMREPL_COPY_METHOD_IMPLEMENTATION_DECIDES = 2,
	CIMREPL_COPY_METHOD_FULL_COPY = 3,
	CIMREPL_COPY_METHOD_INCREMENTAL = 4,
	CIMREPL_COPY_METHOD_DIFFERENTIAL = 5,
	CIMREPL_COPY_METHOD_COPY_ON_WRITE = 6,
	CIMREPL_COPY_METHOD_COPY_ON_ACCESS = 7,
	CIMREPL_COPY_METHOD_DELTA_UPDATE = 8,
	CIMREPL_COPY_METHOD_SNAP_AND_CLONE = 9,
	CIMREPL_COPY_METHOD_COPY_BEFORE_ACTIVATION = 10,
};

/* CopyPriority */
enum cimrepl_copy_priority {
	CIMREPL_COPY_PRIORITY_NOT_MANAGED = 0,
	CIMREPL_COPY_PRIORITY_LOW = 1,
	CIMREPL_COPY_PRIORITY_SAME = 2,
	CIMREPL_COPY_PRIORITY_HIGH = 3,
	CIMREPL_COPY_PRIORITY_URGENT = 4,
};

/* CIM_ReplicationSettingData.TargetElementSupplier */
enum cimrepl_target_supplier {
	CIMREPL_TARGET_SUPPLIER_USE_EXISTING = 1,
	CIMREPL_TARGET_SUPPLIER_CREATE_NEW = 2,
	CIMREPL_TARGET_SUPPLIER_USE_AND_CREATE = 3,
	CIMREPL_TARGET_SUPPLIER_IMPLEMENTATION_DECIDES = 4,
	CIMREPL_TARGET_SUPPLIER_CLIENT_MUST_SUPPLY = 5,
};

/* CIM_ReplicationSettingData.ThinProvisioningPolicy */
enum cimrepl_thin_policy {
	CIMREPL_THIN_THIN_TO_THIN = 2,
	CIMREPL_THIN_THIN_TO_FULL = 3,
	CIMREPL_THIN_FULL_TO_THIN = 4,
	CIMREPL_THIN_SAME_AS_SOURCE = 5,
	CIMREPL_THIN_POOL_DECIDES = 6,
	CIMREPL_THIN_IMPLEMENTATION_DECIDES = 7,
};

/* CIM_ReplicationSettingData.OnGroupOrListError */
enum cimrepl_list_error {
	CIMREPL_LIST_ERROR_CONTINUE = 2,
	CIMREPL_LIST_ERROR_STOP = 3,
};

/* CIM_ReplicationSettingData.UnequalListsAction */
enum cimrepl_unequal_lists {
	CIMREPL_UNEQUAL_LISTS_ERROR = 2,
	CIMREPL_UNEQUAL_LISTS_SOURCE_LARGER = 3,
	CIMREPL_UNEQUAL_LISTS_TARGET_LARGER = 4,
};

/* CIM_ReplicationSettingData.CopyRecoveryMode */
enum cimrepl_copy_recovery {
	CIMREPL_COPY_RECOVERY_UNKNOWN = 0,
	CIMREPL_COPY_RECOVERY_AUTOMATIC = 2,
	CIMREPL_COPY_RECOVERY_MANUAL = 3,
	CIMREPL_COPY_RECOVERY_IMPLEMENTATION_DECIDES = 4,
};

/* CreateListReplica.Consistency (schema 2.41) */
enum cimrepl_consistency {
	CIMREPL_CONSISTENCY_NONE = 2,
	CIMREPL_CONSISTENCY_SEQUENTIAL = 3,
};

/* Modify{List,Replica}Synchronization.Operation */
enum cimrepl_operation {
	CIMREPL_OP_ABORT = 2,
	CIMREPL_OP_ACTIVATE_CONSISTENCY = 3,
	CIMREPL_OP_ACTIVATE = 4,
	CIMREPL_OP_ADD_SYNC_PAIR = 5,
	CIMREPL_OP_DEACTIVATE_CONSISTENCY = 6,
	CIMREPL_OP_DEACTIVATE = 7,
	CIMREPL_OP_DETACH = 8,
	CIMREPL_OP_DISSOLVE = 9,
	CIMREPL_OP_FAILOVER = 10,
	CIMREPL_OP_FAILBACK = 11,
	CIMREPL_OP_FRACTURE = 12,
	CIMREPL_OP_REMOVE_SYNC_PAIR = 13,
	CIMREPL_OP_RESYNC_REPLICA = 14,
	CIMREPL_OP_RESTORE_FROM_REPLICA = 15,
	CIMREPL_OP_RESUME = 16,
	CIMREPL_OP_RESET_TO_SYNC = 17,
	CIMREPL_OP_RESET_TO_ASYNC = 18,
	CIMREPL_OP_RETURN_TO_RESOURCE_POOL = 19,
	CIMREPL_OP_REVERSE_ROLES = 20,
	CIMREPL_OP_SPLIT = 21,
	CIMREPL_OP_SUSPEND = 22,
	/* 23 is not assigned */
	CIMREPL_OP_PREPARE = 24,
	CIMREPL_OP_RESET_TO_ADAPTIVE = 25,
};

/* CIM_ReplicationServiceCapabilities.SupportedReplicationTypes */
enum cimrepl_replication_type {
	CIMREPL_REPL_SYNC_MIRROR_LOCAL = 2,
	CIMREPL_REPL_ASYNC_MIRROR_LOCAL = 3,
	CIMREPL_REPL_SYNC_MIRROR_REMOTE = 4,
	CIMREPL_REPL_ASYNC_MIRROR_REMOTE = 5,
	CIMREPL_REPL_SYNC_SNAPSHOT_LOCAL = 6,
	CIMREPL_REPL_ASYNC_SNAPSHOT_LOCAL = 7,
	CIMREPL_REPL_SYNC_SNAPSHOT_REMOTE = 8,
	CIMREPL_REPL_ASYNC_SNAPSHOT_REMOTE = 9,
	CIMREPL_REPL_SYNC_CLONE_LOCAL = 10,
	CIMREPL_REPL_ASYNC_CLONE_LOCAL = 11,
	CIMREPL_REPL_SYNC_CLONE_REMOTE = 12,
	CIMREPL_REPL_ASYNC_CLONE_REMOTE = 13,
	CIMREPL_REPL_SYNC_TOKENIZED_CLONE_LOCAL = 14,
	CIMREPL_REPL_ASYNC_TOKENIZED_CLONE_LOCAL = 15,
	CIMREPL_REPL_SYNC_TOKENIZED_CLONE_REMOTE = 16,
	CIMREPL_REPL_ASYNC_TOKENIZED_CLONE_REMOTE = 17,
	CIMREPL_REPL_ADAPTIVE_MIRROR_LOCAL = 18,
	CIMREPL_REPL_ADAPTIVE_MIRROR_REMOTE = 19,
	CIMREPL_REPL_ADAPTIVE_SNAPSHOT_LOCAL = 20,
	CIMREPL_REPL_ADAPTIVE_SNAPSHOT_REMOTE = 21,
	CIMREPL_REPL_ADAPTIVE_CLONE_LOCAL = 22,
	CIMREPL_REPL_ADAPTIVE_CLONE_REMOTE = 23,
	CIMREPL_REPL_ADAPTIVE_TOKENIZED_CLONE_LOCAL = 24,
	CIMREPL_REPL_ADAPTIVE_TOKENIZED_CLONE_REMOTE = 25,
};

/* CIM_ReplicationServiceCapabilities.SupportedStorageObjects */
enum cimrepl_storage_object {
	CIMREPL_STORAGE_OBJECT_STORAGE_VOLUME = 2,
	CIMREPL_STORAGE_OBJECT_LOGICAL_DISK = 3,
	CIMREPL_STORAGE_OBJECT_REPLICATION_ENTITY = 4,
};

/* CIM_ReplicationServiceCapabilities.Supported{A,}synchronousActions */
enum cimrepl_service_action {
	CIMREPL_ACTION_CREATE_ELEMENT_REPLICA = 2,
	CIMREPL_ACTION_CREATE_GROUP_REPLICA = 3,
	CIMREPL_ACTION_CREATE_SYNCHRONIZATION_ASPECT = 4,
	CIMREPL_ACTION_MODIFY_REPLICA_SYNCHRONIZATION = 5,
	CIMREPL_ACTION_MODIFY_LIST_SYNCHRONIZATION = 6,
	CIMREPL_ACTION_MODIFY_SETTINGS_DEFINE_STATE = 7,
	CIMREPL_ACTION_GET_AVAILABLE_TARGET_ELEMENTS = 8,
	CIMREPL_ACTION_GET_PEER_SYSTEMS = 9,
	CIMREPL_ACTION_GET_REPLICATION_RELATIONSHIPS = 10,
	CIMREPL_ACTION_GET_SERVICE_ACCESS_POINTS = 11,
	CIMREPL_ACTION_CREATE_LIST_REPLICA = 19,
	CIMREPL_ACTION_GET_REPLICATION_RELATIONSHIP_INSTANCES = 21,
};

/* GetSupportedFeatures.Features (the ones cimrepl can report) */
enum cimrepl_feature {
	CIMREPL_FEATURE_SUSPENDS_SOURCE_IO = 7,
	CIMREPL_FEATURE_TARGET_SHALL_NOT_BE_SUPPLIED = 39,
	CIMREPL_FEATURE_TARGET_GOAL_SHALL_NOT_BE_SUPPLIED = 41,
	CIMREPL_FEATURE_CLIENT_SUPPLIES_ELEMENT_NAME = 51,
};

/* GetSupportedConsistency.SupportedConsistency */
enum cimrepl_supported_consistency {
	CIMREPL_SUPPORTED_CONSISTENCY_SEQUENTIAL = 2,
};

/* GetSupportedOperations.ServiceControlling */
enum cimrepl_service_controlling {
	CIMREPL_CONTROLLING_SOURCE_ONLY = 2,
	CIMREPL_CONTROLLING_TARGET_ONLY = 3,
	CIMREPL_CONTROLLING_SOURCE_OR_TARGET = 4,
	CIMREPL_CONTROLLING_BOTH = 5,
};

/* GetSupportedListOperations.SynchronizationType */
enum cimrepl_synchronization_type {
	CIMREPL_SYNCHRONIZATION_STORAGE = 2,
	CIMREPL_SYNCHRONIZATION_GROUP = 3,
};

/* GetSupportedListFeatures */
enum cimrepl_list_feature {
	CIMREPL_LIST_FEATURE_SUPPORTED = 2,
	CIMREPL_LIST_FEATURE_SEQUENTIAL_CONSISTENCY = 3,
	CIMREPL_LIST_FEATURE_NO_CONSISTENCY = 4,
};

/* GetSupportedWaitForCopyStates.MethodName */
enum cimrepl_method_name {
	CIMREPL_METHOD_NAME_CREATE_ELEMENT_REPLICA = 2,
	CIMREPL_METHOD_NAME_CREATE_GROUP_REPLICA = 3,
	CIMREPL_METHOD_NAME_MODIFY_REPLICA_SYNCHRONIZATION = 4,
	CIMREPL_METHOD_NAME_MODIFY_LIST_SYNCHRONIZATION = 5,
	CIMREPL_METHOD_NAME_MODIFY_SETTINGS_DEFINE_STATE = 6,
	CIMREPL_METHOD_NAME_CREATE_LIST_REPLICA = 7,
};

/* CIM_RegisteredProfile.RegisteredOrganization */
enum cimrepl_registered_organization {
	CIMREPL_REGISTERED_ORG_OTHER = 1,
	CIMREPL_REGISTERED_ORG_DMTF = 2,
	CIMREPL_REGISTERED_ORG_SNIA = 11,
};

/* CIM_RegisteredProfile.AdvertiseTypes */
enum cimrepl_advertise_type {
	CIMREPL_ADVERTISE_OTHER = 1,
	CIMREPL_ADVERTISE_NOT_ADVERTISED = 2,
	CIMREPL_ADVERTISE_SLP = 3,
};

/* CIM_AffectedJobElement.ElementEffects */
enum cimrepl_element_effect {
	CIMREPL_EFFECT_UNKNOWN = 0,
	CIMREPL_EFFECT_OTHER = 1,
	CIMREPL_EFFECT_EXCLUSIVE_USE = 2,
	CIMREPL_EFFECT_PERFORMANCE_IMPACT = 3,
	CIMREPL_EFFECT_ELEMENT_INTEGRITY = 4,
	CIMREPL_EFFECT_CREATE = 5,
};

/* CIM_ConcreteJob.JobState */
enum cimrepl_job_state {
	CIMREPL_JOB_NEW = 2,
	CIMREPL_JOB_STARTING = 3,
	CIMREPL_JOB_RUNNING = 4,
	CIMREPL_JOB_SUSPENDED = 5,
	CIMREPL_JOB_SHUTTING_DOWN = 6,
	CIMREPL_JOB_COMPLETED = 7,
	CIMREPL_JOB_TERMINATED = 8,
	CIMREPL_JOB_KILLED = 9,
	CIMREPL_JOB_EXCEPTION = 10,
	CIMREPL_JOB_SERVICE = 11,
	CIMREPL_JOB_QUERY_PENDING = 12,
};

/* CIM_ManagedSystemElement.OperationalStatus (the values jobs use) */
enum cimrepl_operational_status {
	CIMREPL_OPSTATUS_OK = 2,
	CIMREPL_OPSTATUS_ERROR = 6,
	CIMREPL_OPSTATUS_COMPLETED = 17,
};

/* CIM_StorageExtent.NameFormat: CIM_StorageVolume.Name is an NAA id */
enum cimrepl_name_format {
	CIMREPL_NAME_FORMAT_NAA = 9,
};

/* CIM_StorageExtent.NameNamespace: the VPD page 0x83 designator type 3 */
enum cimrepl_name_namespace {
	CIMREPL_NAME_NAMESPACE_VPD83_TYPE3 = 2,
};

/* CIM_EnabledLogicalElement.EnabledState */
enum cimrepl_enabled_state {
	CIMREPL_ENABLED_STATE_ENABLED = 2,
};

/* CIM_ManagedSystemElement.HealthState */
enum cimrepl_health_state {
	CIMREPL_HEALTH_OK = 5,
	CIMREPL_HEALTH_MAJOR_FAILURE = 20,
};

#endif /* _UAPI_LINUX_CIMREPL_H */
