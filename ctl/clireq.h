/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What cimreplctl's command line becomes in CIM: the options of
 * `replica create` parsed into struct replica_options, and the requests
 * built from them and from the other commands (CreateListReplica on the
 * replication service, EnumerateInstances, GetInstance...), as struct
 * cim_request for ctl/cimxml.c to encode. No I/O here, so the translation
 * is unit-tested on the host (tests/unit/clireq_test.c).
 */
#ifndef CIMREPL_CLIREQ_H
#define CIMREPL_CLIREQ_H

#include <stdbool.h>
#include <stddef.h>

#include "cim.h"

#define CLI_NAMESPACE		"root/cimv2"
#define CLI_CLASS_SERVICE	"CIM_ReplicationService"
#define CLI_CLASS_VOLUME	"CIM_StorageVolume"
#define CLI_CLASS_POOL		"CIM_StoragePool"
#define CLI_CLASS_SYNC		"CIM_StorageSynchronized"
#define CLI_CLASS_JOB		"CIM_ConcreteJob"
#define CLI_CLASS_SETTING	"CIM_ReplicationSettingData"
#define CLI_POOL_PREFIX		"cimrepl:pool:"
#define CLI_JOB_PREFIX		"cimrepl:job:"

/*
 * `replica create`'s options, one per CreateListReplica parameter. The
 * strings point into the argv they were parsed from.
 */
struct replica_options {
	int sync_type;			/* SyncType */
	int mode;			/* Mode; -1: NULL */
	int wait_for;			/* WaitForCopyState; -1: NULL */
	const char *pool;		/* TargetPool's name; NULL: NULL */
	size_t n_sources, n_names, n_targets, n_settings;
	const char **sources;		/* SourceElements' DeviceIDs */
	const char **names;		/* ElementNames */
	const char **targets;		/* TargetElements' DeviceIDs */
	const char **settings;		/* "KEY=VALUE" of ReplicationSettingData */
};

/*
 * Parse the arguments after `replica create` into @o (release it with
 * replica_options_free()). Returns true, or false with a one-line reason
 * in @err (a usage error).
 */
/*
 * Match argv[*i] against "--NAME VALUE" or "--NAME=VALUE". Returns 1 and sets
 * @value (advancing *i past a separate value) when it matches, 0 when it
 * does not, -1 when the value is missing (then *i does not move, and no
 * other option matches argv[*i] either).
 */
int option_value(int argc, char **argv, int *i, const char *name,
		 const char **value);

bool replica_options_parse(int argc, char **argv, struct replica_options *o,
			   char *err, size_t errlen);
void replica_options_free(struct replica_options *o);

/*
 * The path of the CIM_StorageVolume @device_id on the system of the
 * replication service @service (its SystemName and
 * SystemCreationClassName keys), into @out (zeroed first).
 */
bool cli_volume_path(const struct cim_path *service, const char *device_id,
		     struct cim_path *out);

/* The path of the CIM_StoragePool named @pool ("cimrepl:pool:NAME"). */
bool cli_pool_path(const char *pool, struct cim_path *out);

/*
 * The path of job @id: "7", "cimrepl:job:7" or a whole InstanceID. False
 * for an id that is neither.
 */
bool cli_job_path(const char *id, struct cim_path *out);

/*
 * The CreateListReplica request on @service for @o, or NULL with the
 * reason in @err (a bad --setting, or no memory).
 */
struct cim_request *replica_request(const struct replica_options *o,
				    const struct cim_path *service,
				    char *err, size_t errlen);

/*
 * An intrinsic request: @method ("EnumerateInstances",
 * "EnumerateInstanceNames") on @classname, or "GetInstance" of @instance
 * (then @classname is ignored). NULL for lack of memory.
 */
struct cim_request *cli_intrinsic_request(const char *method,
					  const char *classname,
					  const struct cim_path *instance);

#endif /* CIMREPL_CLIREQ_H */
