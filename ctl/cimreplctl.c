// SPDX-License-Identifier: GPL-2.0
/*
 * cimreplctl - the command line of cimrepl.
 *
 *   cimreplctl [--json] [--socket PATH | --url URL] OBJECT VERB [ARGS...]
 *
 * Two families of commands. Those of the replication service (replica
 * create, storage, sync, job, pool list) are CIM operations sent to
 * cimrepld's CIM-XML front door: ctl/cimcmds.c. Those SMI-S has no method
 * for, and the direct, diagnostic path to the module, are under `kernel`
 * and talk to cimrepl.ko over its netlink family: this file (kernel info,
 * kernel volume, kernel pool, kernel replica, kernel sync); `volume ...` is
 * a short alias of `kernel volume ...` (making a volume out of a device is
 * a kernel-level step with no SMI-S method).
 * Errors are one line on stderr; exit status 0 success, 1 failure, 2 usage.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/cimrepl.h>

#include "cimreplctl.h"
#include "cimvalues.h"
#include "clireq.h"
#include "kernel.h"

bool json_output;
struct cim_client_config client_config;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: cimreplctl [--json] [--socket PATH | --url URL] OBJECT VERB [ARGS...]\n"
		"\n"
		"The replication service (CIM-XML to cimrepld):\n"
		"  replica create --sync-type TYPE [--mode MODE] --source VOL [--source VOL...]\n"
		"          [--name NAME...] [--target VOL...] [--pool POOL]\n"
		"          [--setting KEY=VALUE...] [--wait-for STATE]\n"
		"                                       CreateListReplica: replicas of every VOL\n"
		"  storage list                         every CIM_StorageVolume (LIO backstore)\n"
		"  storage show DEVICEID                one storage volume\n"
		"  sync list                            every CIM_StorageSynchronized\n"
		"  sync show TARGETDEVICEID             the synchronization of one replica\n"
		"  job list                             every CIM_ConcreteJob\n"
		"  job show ID                          one job\n"
		"  job wait ID [--timeout SEC]          wait for a job to end\n"
		"  pool list                            every CIM_StoragePool\n"
		"  capabilities [show]                  what the service supports\n"
		"\n"
		"The module itself (netlink; no SMI-S method, or diagnostics):\n"
		"  kernel info                          the module's API version and capabilities\n"
		"  kernel volume create NAME --backing PATH\n"
		"                                       make /dev/cimrepl/NAME over PATH\n"
		"  kernel volume delete NAME            remove a volume (not its data)\n"
		"  kernel volume list                   every managed device\n"
		"  kernel volume show NAME              one managed device\n"
		"  kernel pool create NAME --device PATH [--chunk-size BYTES] [--format]\n"
		"                                       format (--format) or load a pool on PATH\n"
		"  kernel pool delete NAME              forget a pool (its device keeps its data)\n"
		"  kernel pool list                     every kernel pool\n"
		"  kernel pool show NAME                one kernel pool\n"
		"  kernel replica create --sync-type TYPE [--mode MODE] [--pool POOL] [--throttle KIB]\n"
		"          --source VOL --name NAME [--target PATH] [--source VOL --name NAME ...]\n"
		"                                       kernel replicas of every VOL, at one point in time\n"
		"  kernel replica delete NAME [NAME...] delete replicas, all or none\n"
		"  kernel sync list                     every synchronization of the module\n"
		"  kernel sync show NAME                the synchronization of replica NAME\n"
		"  kernel sync modify --operation OP [--force] NAME [NAME...]\n"
		"                                       apply OP to the synchronizations, all or none\n"
		"  kernel sync set NAME [--throttle KIB] [--max-lag MS]\n"
		"                                       tune one synchronization\n"
		"  kernel sync set --throttle KIB       the throttle of those without their own\n"
		"  kernel sync wait NAME [--state STATE] [--timeout SEC]\n"
		"                                       wait for a CopyState (default synchronized)\n"
		"  volume create|delete|list|show ...   short for kernel volume ...\n"
		"\n"
		"TYPE: snapshot, clone, mirror or the CIM SyncType number; MODE: sync or async.\n"
		"VOL: a CIM_StorageVolume's DeviceID (the LIO backstore's name) for the service,\n"
		"a cimrepl volume's name for kernel commands. STATE: a CopyState (synchronized,\n"
		"unsynchronized, broken, aborted...) or its number. OP: abort, detach, resync,\n"
		"restore, return-to-pool, fracture, split, suspend, resume... or the CIM\n"
		"Operation number. BYTES may end in K or M (KiB, MiB). KIB: KiB/s of\n"
		"background copy, 0 = unthrottled.\n"
		"\n"
		"options:\n"
		"  -j, --json          print JSON instead of a table\n"
		"  -s, --socket PATH   cimrepld's UNIX socket (default " CIM_CLIENT_UNIX_PATH ")\n"
		"  -u, --url URL       cimrepld over HTTP: http://user:password@host:port\n"
		"                      (the password may come from $CIMREPL_PASSWORD);\n"
		"                      https://... for cimrepld's TLS port (5989)\n"
		"      --cacert FILE   https: trust the CA certificates in FILE (PEM)\n"
		"      --insecure      https: do not verify the server's certificate\n"
		"  -h, --help          print this help\n"
		"  -V, --version       print the version\n"
		"\n"
		"exit status: 0 success, 1 failure (a refused request, a CIM error, no\n"
		"daemon or no module), 2 usage.\n");
}

static const char *value_name(const struct cim_value_map *map, int value,
			      char *buf, size_t len)
{
	const char *name = cim_value_name(map, value);

	if (name)
		snprintf(buf, len, "%s (%d)", name, value);
	else
		snprintf(buf, len, "%d", value);
	return buf;
}

static void print_values(const char *label, const struct cim_value_map *map,
			 const uint16_t *values, unsigned int n)
{
	char buf[64];
	unsigned int i;

	printf("%-22s", label);
	if (!n)
		printf("none");
	for (i = 0; i < n; i++)
		printf("%s%s", i ? ", " : "",
		       value_name(map, values[i], buf, sizeof(buf)));
	printf("\n");
}

static json_object *json_values(const struct cim_value_map *map,
				const uint16_t *values, unsigned int n)
{
	json_object *array = json_object_new_array();
	unsigned int i;

	for (i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		const char *name = cim_value_name(map, values[i]);

		json_object_object_add(o, "value", json_object_new_int(values[i]));
		if (name)
			json_object_object_add(o, "name", json_object_new_string(name));
		json_object_array_add(array, o);
	}
	return array;
}

static int kernel_info_cmd(int argc, char **argv)
{
	struct kernel_info info;
	struct kernel *k;
	char err[256];
	int ret;

	(void)argv;
	if (argc) {
		fprintf(stderr, "cimreplctl: kernel info takes no arguments\n");
		return EXIT_USAGE;
	}
	k = kernel_open(err, sizeof(err));
	if (!k) {
		fprintf(stderr, "cimreplctl: %s\n", err);
		return EXIT_FAILURE;
	}
	ret = kernel_get_info(k, &info);
	if (ret) {
		fprintf(stderr, "cimreplctl: kernel info: %s\n", kernel_error(k));
		kernel_close(k);
		return EXIT_FAILURE;
	}
	kernel_close(k);

	if (json_output) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "api_version",
				       json_object_new_int64(info.api_version));
		json_object_object_add(o, "module_version",
				       json_object_new_string(info.module_version));
		json_object_object_add(o, "sync_types",
				       json_values(&cim_sync_type_map, info.sync_types,
						   info.n_sync_types));
		json_object_object_add(o, "modes",
				       json_values(&cim_mode_map, info.modes,
						   info.n_modes));
		json_object_object_add(o, "operations",
				       json_values(&cim_operation_map, info.operations,
						   info.n_operations));
		json_object_object_add(o, "max_elements",
				       json_object_new_int64(info.max_elements));
		json_object_object_add(o, "max_volumes",
				       json_object_new_int64(info.max_volumes));
		json_object_object_add(o, "name_max",
				       json_object_new_int64(info.name_max));
		json_object_object_add(o, "chunk_size_min",
				       json_object_new_int64(info.chunk_size_min));
		json_object_object_add(o, "chunk_size_max",
				       json_object_new_int64(info.chunk_size_max));
		json_object_object_add(o, "chunk_size_default",
				       json_object_new_int64(info.chunk_size_default));
		printf("%s\n", json_object_to_json_string_ext(o,
				JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		return EXIT_SUCCESS;
	}

	printf("%-22s%s\n", "module version", info.module_version);
	printf("%-22s%u\n", "netlink API version", info.api_version);
	print_values("SyncTypes", &cim_sync_type_map, info.sync_types,
		     info.n_sync_types);
	print_values("Modes", &cim_mode_map, info.modes, info.n_modes);
	print_values("operations", &cim_operation_map, info.operations,
		     info.n_operations);
	printf("%-22s%u\n", "elements per list", info.max_elements);
	printf("%-22s%u\n", "devices", info.max_volumes);
	printf("%-22s%u\n", "name length", info.name_max - 1);
	printf("%-22s%u KiB (%u..%u KiB)\n", "chunk size",
	       info.chunk_size_default / 1024, info.chunk_size_min / 1024,
	       info.chunk_size_max / 1024);
	return EXIT_SUCCESS;
}

/* Connect to the kernel, or say why not. */
static struct kernel *connect_kernel(void)
{
	char err[256];
	struct kernel *k = kernel_open(err, sizeof(err));

	if (!k)
		fprintf(stderr, "cimreplctl: %s\n", err);
	return k;
}

static int fail(struct kernel *k, const char *what, const char *name)
{
	fprintf(stderr, "cimreplctl: %s %s: %s\n", what, name, kernel_error(k));
	kernel_close(k);
	return EXIT_FAILURE;
}

static int volume_create_cmd(int argc, char **argv)
{
	const char *backing = NULL, *name = NULL;
	struct kernel *k;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--backing") && i + 1 < argc)
			backing = argv[++i];
		else if (!strncmp(argv[i], "--backing=", 10))
			backing = argv[i] + 10;
		else if (!name && argv[i][0] != '-')
			name = argv[i];
		else
			name = backing = NULL, i = argc;
	}
	if (!name || !backing) {
		fprintf(stderr, "cimreplctl: usage: kernel volume create NAME --backing PATH\n");
		return EXIT_USAGE;
	}
	k = connect_kernel();
	if (!k)
		return EXIT_FAILURE;
	if (kernel_volume_create(k, name, backing))
		return fail(k, "volume create", name);
	kernel_close(k);
	return EXIT_SUCCESS;
}

static int volume_delete_cmd(int argc, char **argv)
{
	struct kernel *k;

	if (argc != 1) {
		fprintf(stderr, "cimreplctl: usage: kernel volume delete NAME\n");
		return EXIT_USAGE;
	}
	k = connect_kernel();
	if (!k)
		return EXIT_FAILURE;
	if (kernel_volume_delete(k, argv[0]))
		return fail(k, "volume delete", argv[0]);
	kernel_close(k);
	return EXIT_SUCCESS;
}

static const char *role_name(uint16_t role)
{
	switch (role) {
	case CIMREPL_ROLE_VOLUME:
		return "volume";
	case CIMREPL_ROLE_SNAPSHOT:
		return "snapshot";
	case CIMREPL_ROLE_CLONE:
		return "clone";
	case CIMREPL_ROLE_MIRROR:
		return "mirror";
	}
	return "unknown";
}

static json_object *volume_json(const struct kernel_volume *vol)
{
	json_object *o = json_object_new_object();
	char dev[32];

	snprintf(dev, sizeof(dev), "%u:%u", vol->major, vol->minor);
	json_object_object_add(o, "name", json_object_new_string(vol->name));
	json_object_object_add(o, "role", json_object_new_string(role_name(vol->role)));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)vol->size));
	json_object_object_add(o, "device", json_object_new_string(dev));
	json_object_object_add(o, "backing", json_object_new_string(vol->backing_path));
	json_object_object_add(o, "open_count", json_object_new_int64(vol->open_count));
	json_object_object_add(o, "flushes", json_object_new_int64((int64_t)vol->flushes));
	json_object_object_add(o, "fua_writes",
			       json_object_new_int64((int64_t)vol->fua_writes));
	json_object_object_add(o, "replicas", json_object_new_int64(vol->replicas));
	return o;
}

void print_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void volume_row(const struct kernel_volume *vol, void *arg)
{
	json_object *array = arg;
	char dev[32];

	if (array) {
		json_object_array_add(array, volume_json(vol));
		return;
	}
	snprintf(dev, sizeof(dev), "%u:%u", vol->major, vol->minor);
	printf("%-23s %-9s %12llu %-9s %5u %8u  %s\n", vol->name,
	       role_name(vol->role), (unsigned long long)vol->size, dev,
	       vol->open_count, vol->replicas, vol->backing_path);
}

static int volume_list_cmd(int argc, char **argv)
{
	json_object *array = NULL;
	struct kernel *k;

	(void)argv;
	if (argc) {
		fprintf(stderr, "cimreplctl: volume list takes no arguments\n");
		return EXIT_USAGE;
	}
	k = connect_kernel();
	if (!k)
		return EXIT_FAILURE;
	if (json_output)
		array = json_object_new_array();
	else
		printf("%-23s %-9s %12s %-9s %5s %8s  %s\n", "NAME", "ROLE",
		       "BYTES", "DEVICE", "OPEN", "REPLICAS", "BACKING");
	if (kernel_volume_list(k, volume_row, array)) {
		json_object_put(array);
		return fail(k, "volume", "list");
	}
	kernel_close(k);
	if (array)
		print_json(array);
	return EXIT_SUCCESS;
}

static int volume_show_cmd(int argc, char **argv)
{
	struct kernel_volume vol;
	struct kernel *k;

	if (argc != 1) {
		fprintf(stderr, "cimreplctl: usage: kernel volume show NAME\n");
		return EXIT_USAGE;
	}
	k = connect_kernel();
	if (!k)
		return EXIT_FAILURE;
	if (kernel_volume_get(k, argv[0], &vol))
		return fail(k, "volume show", argv[0]);
	kernel_close(k);
	if (json_output) {
		print_json(volume_json(&vol));
		return EXIT_SUCCESS;
	}
	printf("%-12s%s\n", "name", vol.name);
	printf("%-12s/dev/cimrepl/%s (%u:%u)\n", "device", vol.name, vol.major,
	       vol.minor);
	printf("%-12s%s\n", "role", role_name(vol.role));
	printf("%-12s%llu bytes\n", "size", (unsigned long long)vol.size);
	printf("%-12s%s (%u:%u)\n", "backing", vol.backing_path,
	       vol.backing_major, vol.backing_minor);
	printf("%-12s%u\n", "openers", vol.open_count);
	printf("%-12s%llu flushes, %llu FUA writes\n", "received",
	       (unsigned long long)vol.flushes,
	       (unsigned long long)vol.fua_writes);
	printf("%-12s%u\n", "replicas", vol.replicas);
	return EXIT_SUCCESS;
}

/* "65536", "64K", "64KiB", "1M", "1MiB" (case-insensitive) into bytes. */
static bool parse_bytes(const char *text, uint32_t *bytes)
{
	unsigned long long n, unit = 1;
	char *end;

	if (!isdigit((unsigned char)*text))
		return false;
	errno = 0;
	n = strtoull(text, &end, 10);
	if (errno)
		return false;
	if (!strcasecmp(end, "k") || !strcasecmp(end, "kib"))
		unit = 1024;
	else if (!strcasecmp(end, "m") || !strcasecmp(end, "mib"))
		unit = 1024 * 1024;
	else if (*end)
		return false;
	if (!n || n > UINT32_MAX / unit)
		return false;
	*bytes = (uint32_t)(n * unit);
	return true;
}

/* A decimal number 0..@max (no sign, no suffix) into @value. */
static bool parse_number(const char *text, uint64_t max, uint64_t *value)
{
	unsigned long long n;
	char *end;

	if (!isdigit((unsigned char)*text))
		return false;
	errno = 0;
	n = strtoull(text, &end, 10);
	if (errno || *end || n > max)
		return false;
	*value = n;
	return true;
}

/* A throttle in KiB/s, 0 = unthrottled; @what names it in the message. */
static bool parse_throttle(const char *what, const char *text,
			   int64_t *throttle)
{
	uint64_t n;

	if (!parse_number(text, UINT32_MAX, &n)) {
		fprintf(stderr, "cimreplctl: %s: bad throttle \"%s\" (KiB/s, 0 = unthrottled)\n",
			what, text);
		return false;
	}
	*throttle = (int64_t)n;
	return true;
}

static int pool_create_cmd(int argc, char **argv)
{
	const char *name = NULL, *device = NULL, *chunk = NULL;
	uint32_t chunk_size = 0;
	bool format = false;
	struct kernel *k;
	int i;

	for (i = 0; i < argc; i++) {
		if (option_value(argc, argv, &i, "--device", &device) > 0 ||
		    option_value(argc, argv, &i, "--chunk-size", &chunk) > 0)
			continue;
		if (!strcmp(argv[i], "--format"))
			format = true;
		else if (!name && argv[i][0] != '-')
			name = argv[i];
		else
			goto usage;
	}
	if (!name || !device)
		goto usage;
	if (chunk && !parse_bytes(chunk, &chunk_size)) {
		fprintf(stderr, "cimreplctl: pool create: bad chunk size \"%s\" (bytes, or a number ending in K or M)\n",
			chunk);
		return EXIT_USAGE;
	}
	k = connect_kernel();
	if (!k)
		return EXIT_FAILURE;
	if (kernel_pool_create(k, name, device, chunk_size, format))
		return fail(k, "pool create", name);
	kernel_close(k);
	return EXIT_SUCCESS;

usage:
	fprintf(stderr, "cimreplctl: usage: kernel pool create NAME --device PATH [--chunk-size BYTES] [--format]\n");
	return EXIT_USAGE;
}

static int pool_delete_cmd(int argc, char **argv)
{
	struct kernel *k;

	if (argc != 1 || argv[0][0] == '-') {
		fprintf(stderr, "cimreplctl: usage: kernel pool delete NAME\n");
		return EXIT_USAGE;
	}
	k = connect_kernel();
	if (!k)
		return EXIT_FAILURE;
	if (kernel_pool_delete(k, argv[0]))
		return fail(k, "pool delete", argv[0]);
	kernel_close(k);
	return EXIT_SUCCESS;
}

static json_object *pool_json(const struct kernel_pool *pool)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(pool->name));
	json_object_object_add(o, "path", json_object_new_string(pool->path));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)pool->size));
	json_object_object_add(o, "free", json_object_new_int64((int64_t)pool->free));
	json_object_object_add(o, "chunk_size", json_object_new_int64(pool->chunk_size));
	json_object_object_add(o, "snapshots", json_object_new_int64(pool->snapshots));
	return o;
}

static void pool_row(const struct kernel_pool *pool, void *arg)
{
	json_object *array = arg;

	if (array) {
		json_object_array_add(array, pool_json(pool));
		return;
	}
	printf("%-23s %12" PRIu64 " %12" PRIu64 " %8" PRIu32 " %9" PRIu32 "  %s\n",
	       pool->name, pool->size, pool->free, pool->chunk_size,
	       pool->snapshots, pool->path);
}

static int pool_list_cmd(int argc, char **argv)
{
	json_object *array = NULL;
	struct kernel *k;

	(void)argv;
	if (argc) {
		fprintf(stderr, "cimreplctl: pool list takes no arguments\n");
		return EXIT_USAGE;
	}
	k = connect_kernel();
	if (!k)
		return EXIT_FAILURE;
	if (json_output)
		array = json_object_new_array();
	else
		printf("%-23s %12s %12s %8s %9s  %s\n", "NAME", "BYTES", "FREE",
		       "CHUNK", "SNAPSHOTS", "DEVICE");
	if (kernel_pool_list(k, pool_row, array)) {
		json_object_put(array);
		return fail(k, "pool", "list");
	}
	kernel_close(k);
	if (array)
		print_json(array);
	return EXIT_SUCCESS;
}

static int pool_show_cmd(int argc, char **argv)
{
	struct kernel_pool pool;
	struct kernel *k;

	if (argc != 1 || argv[0][0] == '-') {
		fprintf(stderr, "cimreplctl: usage: kernel pool show NAME\n");
		return EXIT_USAGE;
	}
	k = connect_kernel();
	if (!k)
		return EXIT_FAILURE;
	if (kernel_pool_get(k, argv[0], &pool))
		return fail(k, "pool show", argv[0]);
	kernel_close(k);
	if (json_output) {
		print_json(pool_json(&pool));
		return EXIT_SUCCESS;
	}
	printf("%-12s%s\n", "name", pool.name);
	printf("%-12s%s\n", "device", pool.path);
	printf("%-12s%" PRIu64 " bytes\n", "size", pool.size);
	printf("%-12s%" PRIu64 " bytes\n", "free", pool.free);
	printf("%-12s%" PRIu32 " bytes\n", "chunk size", pool.chunk_size);
	printf("%-12s%" PRIu32 "\n", "snapshots", pool.snapshots);
	return EXIT_SUCCESS;
}

/* A time in ns since the epoch, as local "YYYY-MM-DD HH:MM:SS". */
static const char *format_time(uint64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000u);
	struct tm tm;

	if (!ns || !localtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "-");
	return buf;
}

/* A CIM value as {"value": N, "name": "..."}; no name when it is unknown. */
static json_object *json_value(const struct cim_value_map *map, int value)
{
	json_object *o = json_object_new_object();
	const char *name = cim_value_name(map, value);

	json_object_object_add(o, "value", json_object_new_int(value));
	if (name)
		json_object_object_add(o, "name", json_object_new_string(name));
	return o;
}

static json_object *sync_json(const struct kernel_sync *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "source", json_object_new_string(s->source));
	json_object_object_add(o, "target", json_object_new_string(s->target));
	if (kernel_sync_has(s, CIMREPL_A_SYNC_SYNC_TYPE))
		json_object_object_add(o, "sync_type",
				       json_value(&cim_sync_type_map, s->sync_type));
	if (kernel_sync_has(s, CIMREPL_A_SYNC_MODE))
		json_object_object_add(o, "mode", json_value(&cim_mode_map, s->mode));
	if (kernel_sync_has(s, CIMREPL_A_SYNC_COPY_STATE))
		json_object_object_add(o, "copy_state",
				       json_value(&cim_copy_state_map, s->copy_state));
	if (kernel_sync_has(s, CIMREPL_A_SYNC_PROGRESS_STATUS))
		json_object_object_add(o, "progress_status",
				       json_value(&cim_progress_status_map,
						  s->progress_status));
#define ADD_NUMBER(attr, key, field)					\
	do {								\
		if (kernel_sync_has(s, attr))				\
			json_object_object_add(o, key,			\
				json_object_new_int64((int64_t)s->field)); \
	} while (0)
	ADD_NUMBER(CIMREPL_A_SYNC_CHUNK_SIZE, "chunk_size", chunk_size);
	ADD_NUMBER(CIMREPL_A_SYNC_CHUNKS_DONE, "chunks_done", chunks_done);
	ADD_NUMBER(CIMREPL_A_SYNC_CHUNKS_TOTAL, "chunks_total", chunks_total);
	ADD_NUMBER(CIMREPL_A_SYNC_BYTES_DONE, "bytes_done", bytes_done);
	ADD_NUMBER(CIMREPL_A_SYNC_WHEN_ESTABLISHED, "when_established",
		   when_established);
	ADD_NUMBER(CIMREPL_A_SYNC_WHEN_SYNCHRONIZED, "when_synchronized",
		   when_synchronized);
	ADD_NUMBER(CIMREPL_A_SYNC_WHEN_SUSPENDED, "when_suspended",
		   when_suspended);
	ADD_NUMBER(CIMREPL_A_SYNC_THROTTLE, "throttle", throttle);
	ADD_NUMBER(CIMREPL_A_SYNC_MAX_LAG_MS, "max_lag_ms", max_lag_ms);
	ADD_NUMBER(CIMREPL_A_SYNC_LAG_MS, "lag_ms", lag_ms);
	ADD_NUMBER(CIMREPL_A_SYNC_BACKLOG, "backlog", backlog);
	ADD_NUMBER(CIMREPL_A_SYNC_ERROR, "error", error);
	ADD_NUMBER(CIMREPL_A_SYNC_DIRTY, "dirty_regions", dirty);
#undef ADD_NUMBER
	return o;
}

/* The name of a CIM value for a table: the standard's words, or the number. */
static const char *cell(const struct kernel_sync *s, unsigned int attr,
			const struct cim_value_map *map, int value,
			char *buf, size_t len)
{
	const char *name = cim_value_name(map, value);

	if (!kernel_sync_has(s, attr))
		return "-";
	if (name)
		return name;
	snprintf(buf, len, "%d", value);
	return buf;
}

/* Whether the synchronization reports a copy (clone, mirror, restore). */
static bool has_copy(const struct kernel_sync *s)
{
	return kernel_sync_has(s, CIMREPL_A_SYNC_CHUNKS_TOTAL) && s->chunks_total;
}

/* How far its copy is, in whole percent: 100 only once every chunk is. */
static unsigned int copy_percent(const struct kernel_sync *s)
{
	uint64_t done = s->chunks_done, total = s->chunks_total;

	if (!total)
		return 0;
	if (done >= total)
		return 100;
	if (done > UINT64_MAX / 100)	/* then total / 100 > 0 */
		done /= total / 100;
	else
		done = done * 100 / total;
	return done > 99 ? 99 : (unsigned int)done;
}

/* The COPIED cell: "37%", or "-" when there is no copy. */
static const char *copied_cell(const struct kernel_sync *s, char *buf,
			       size_t len)
{
	if (!has_copy(s))
		return "-";
	snprintf(buf, len, "%u%%", copy_percent(s));
	return buf;
}

/*
 * Synchronizations as a table or a JSON array. The table's header goes out
 * with the first row, so that a failed request prints only its error.
 */
struct sync_printer {
	json_object *array;	/* --json: collect here, print at the end */
	bool header_done;
};

static void sync_header(struct sync_printer *p)
{
	if (p->array || p->header_done)
		return;
	p->header_done = true;
	printf("%-23s %-23s %-9s %-12s %-14s %-14s %-6s %s\n", "SOURCE",
	       "TARGET", "SYNCTYPE", "MODE", "COPYSTATE", "PROGRESS", "COPIED",
	       "ESTABLISHED");
}

static void sync_row(const struct kernel_sync *s, void *arg)
{
	struct sync_printer *p = arg;
	char b1[16], b2[16], b3[16], b4[16], b5[16], when[32];

	if (p->array) {
		json_object_array_add(p->array, sync_json(s));
		return;
	}
	sync_header(p);
	printf("%-23s %-23s %-9s %-12s %-14s %-14s %-6s %s\n", s->source,
	       s->target,
	       cell(s, CIMREPL_A_SYNC_SYNC_TYPE, &cim_sync_type_map,
		    s->sync_type, b1, sizeof(b1)),
	       cell(s, CIMREPL_A_SYNC_MODE, &cim_mode_map, s->mode, b2,
		    sizeof(b2)),
	       cell(s, CIMREPL_A_SYNC_COPY_STATE, &cim_copy_state_map,
		    s->copy_state, b3, sizeof(b3)),
	       cell(s, CIMREPL_A_SYNC_PROGRESS_STATUS, &cim_progress_status_map,
		    s->progress_status, b4, sizeof(b4)),
	       copied_cell(s, b5, sizeof(b5)),
	       format_time(s->when_established, when, sizeof(when)));
}

/*
 * A failed list request: name the element the kernel blamed, by its index
 * and @describe's words, and drop the "element N: " the kernel may have
 * put in front of its message already.
 */
static int fail_list(struct kernel *k, const char *what,
		     void (*describe)(int index, void *arg, char *buf,
				      size_t len),
		     void *arg)
{
	const char *message = kernel_error(k);
	int index = kernel_error_element(k);
	char prefix[32], who[128];

	if (index >= 0) {
		snprintf(prefix, sizeof(prefix), "element %d: ", index);
		if (!strncmp(message, prefix, strlen(prefix)))
			message += strlen(prefix);
		describe(index, arg, who, sizeof(who));
		fprintf(stderr, "cimreplctl: %s: element %d (%s): %s\n", what,
			index, who, message);
	} else {
		fprintf(stderr, "cimreplctl: %s: %s\n", what, message);
	}
	kernel_close(k);
	return EXIT_FAILURE;
}

static void describe_create(int index, void *arg, char *buf, size_t len)
{
	const struct kernel_replica_element *e = arg;

	snprintf(buf, len, "%s -> %s", e[index].source, e[index].target_name);
}

static int replica_create_usage(const char *why)
{
	if (why)
		fprintf(stderr, "cimreplctl: replica create: %s\n", why);
	else
		fprintf(stderr, "cimreplctl: usage: kernel replica create --sync-type TYPE [--mode MODE] [--pool POOL] [--throttle KIB] --source VOL --name NAME [--target PATH] [--source VOL --name NAME ...]\n");
	return EXIT_USAGE;
}

static int replica_create_cmd(int argc, char **argv)
{
	const char *type_text = NULL, *mode_text = NULL, *pool = NULL, *value;
	const char *throttle_text = NULL;
	unsigned int n_sources = 0, n_names = 0, n_targets = 0, i;
	struct kernel_replica_element *elements;
	struct sync_printer printer = { 0 };
	int sync_type, mode = -1, a, ret;
	int64_t throttle = -1;
	struct kernel *k;

	elements = calloc(argc ? (size_t)argc : 1, sizeof(*elements));
	if (!elements) {
		fprintf(stderr, "cimreplctl: out of memory\n");
		return EXIT_FAILURE;
	}
	/* the k-th --name and --target go with the k-th --source */
	for (a = 0; a < argc; a++) {
		if (option_value(argc, argv, &a, "--source", &value) > 0) {
			elements[n_sources++].source = value;
		} else if (option_value(argc, argv, &a, "--name", &value) > 0) {
			elements[n_names++].target_name = value;
		} else if (option_value(argc, argv, &a, "--target", &value) > 0) {
			elements[n_targets++].target_path = value;
		} else if (option_value(argc, argv, &a, "--pool", &pool) <= 0 &&
			   option_value(argc, argv, &a, "--sync-type", &type_text) <= 0 &&
			   option_value(argc, argv, &a, "--mode", &mode_text) <= 0 &&
			   option_value(argc, argv, &a, "--throttle", &throttle_text) <= 0) {
			/* not an option of ours, or its value is missing */
			free(elements);
			return replica_create_usage(NULL);
		}
	}
	ret = EXIT_USAGE;
	if (!type_text || !n_sources) {
		replica_create_usage(NULL);
	} else if (!cim_value_parse(&cim_sync_type_map, type_text, &sync_type)) {
		fprintf(stderr, "cimreplctl: replica create: unknown SyncType \"%s\" (snapshot, clone, mirror or a number)\n",
			type_text);
	} else if (mode_text && !cim_value_parse(&cim_mode_map, mode_text, &mode)) {
		fprintf(stderr, "cimreplctl: replica create: unknown Mode \"%s\" (sync or async)\n",
			mode_text);
	} else if (n_names != n_sources) {
		replica_create_usage(n_names < n_sources ?
			"every --source needs a --name (cimrepld will choose names; cimreplctl does not)" :
			"more --name than --source");
	} else if (n_targets && n_targets != n_sources) {
		replica_create_usage("give a --target for every --source, or none");
	} else if (throttle_text &&
		   !parse_throttle("replica create", throttle_text, &throttle)) {
		/* said why */
	} else {
		ret = EXIT_SUCCESS;
	}
	if (ret) {
		free(elements);
		return ret;
	}
	for (i = 0; i < n_sources; i++)
		elements[i].pool = pool;

	k = connect_kernel();
	if (!k) {
		free(elements);
		return EXIT_FAILURE;
	}
	if (json_output)
		printer.array = json_object_new_array();
	if (kernel_replica_create_list(k, (uint16_t)sync_type, mode, throttle,
				       elements, n_sources, sync_row,
				       &printer)) {
		json_object_put(printer.array);
		ret = fail_list(k, "replica create", describe_create, elements);
		free(elements);
		return ret;
	}
	kernel_close(k);
	free(elements);
	sync_header(&printer);
	if (printer.array)
		print_json(printer.array);
	return EXIT_SUCCESS;
}

static void describe_delete(int index, void *arg, char *buf, size_t len)
{
	char **names = arg;

	snprintf(buf, len, "%s", names[index]);
}

static int replica_delete_cmd(int argc, char **argv)
{
	struct kernel *k;
	int i;

	for (i = 0; i < argc; i++)
		if (argv[i][0] == '-')
			argc = 0;
	if (argc < 1) {
		fprintf(stderr, "cimreplctl: usage: kernel replica delete NAME [NAME...]\n");
		return EXIT_USAGE;
	}
	k = connect_kernel();
	if (!k)
		return EXIT_FAILURE;
	if (argc == 1) {
		if (kernel_replica_delete(k, argv[0]))
			return fail(k, "replica delete", argv[0]);
	} else if (kernel_sync_modify_list(k, CIMREPL_OP_RETURN_TO_RESOURCE_POOL,
					   (const char *const *)argv,
					   (unsigned int)argc, false)) {
		return fail_list(k, "replica delete", describe_delete, argv);
	}
	kernel_close(k);
	return EXIT_SUCCESS;
}

static int sync_list_cmd(int argc, char **argv)
{
	struct sync_printer printer = { 0 };
	struct kernel *k;

	(void)argv;
	if (argc) {
		fprintf(stderr, "cimreplctl: sync list takes no arguments\n");
		return EXIT_USAGE;
	}
	k = connect_kernel();
	if (!k)
		return EXIT_FAILURE;
	if (json_output)
		printer.array = json_object_new_array();
	if (kernel_sync_list(k, sync_row, &printer)) {
		json_object_put(printer.array);
		return fail(k, "sync", "list");
	}
	kernel_close(k);
	sync_header(&printer);	/* an empty table still has its header */
	if (printer.array)
		print_json(printer.array);
	return EXIT_SUCCESS;
}

/* "Name (N)" of a CIM value, for `sync show`. */
static void show_value(const struct kernel_sync *s, unsigned int attr,
		       const char *label, const struct cim_value_map *map,
		       int value)
{
	char buf[64];

	if (kernel_sync_has(s, attr))
		printf("%-16s%s\n", label, value_name(map, value, buf, sizeof(buf)));
}

static int sync_show_cmd(int argc, char **argv)
{
	struct kernel_sync s;
	struct kernel *k;
	char when[32];

	if (argc != 1 || argv[0][0] == '-') {
		fprintf(stderr, "cimreplctl: usage: kernel sync show NAME\n");
		return EXIT_USAGE;
	}
	k = connect_kernel();
	if (!k)
		return EXIT_FAILURE;
	if (kernel_sync_get(k, argv[0], &s))
		return fail(k, "sync show", argv[0]);
	kernel_close(k);
	if (json_output) {
		print_json(sync_json(&s));
		return EXIT_SUCCESS;
	}
	printf("%-16s%s\n", "source", s.source);
	printf("%-16s%s (/dev/cimrepl/%s)\n", "target", s.target, s.target);
	show_value(&s, CIMREPL_A_SYNC_SYNC_TYPE, "SyncType", &cim_sync_type_map,
		   s.sync_type);
	show_value(&s, CIMREPL_A_SYNC_MODE, "Mode", &cim_mode_map, s.mode);
	show_value(&s, CIMREPL_A_SYNC_COPY_STATE, "CopyState",
		   &cim_copy_state_map, s.copy_state);
	show_value(&s, CIMREPL_A_SYNC_PROGRESS_STATUS, "ProgressStatus",
		   &cim_progress_status_map, s.progress_status);
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_CHUNK_SIZE))
		printf("%-16s%" PRIu32 " bytes\n", "chunk size", s.chunk_size);
	if (has_copy(&s))
		printf("%-16s%u%% (%" PRIu64 " of %" PRIu64 " chunks)\n",
		       "copied", copy_percent(&s), s.chunks_done,
		       s.chunks_total);
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_BYTES_DONE) && has_copy(&s))
		printf("%-16s%" PRIu64 " bytes\n", "bytes copied", s.bytes_done);
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_WHEN_ESTABLISHED))
		printf("%-16s%s\n", "established",
		       format_time(s.when_established, when, sizeof(when)));
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_WHEN_SYNCHRONIZED))
		printf("%-16s%s\n", "synchronized",
		       format_time(s.when_synchronized, when, sizeof(when)));
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_WHEN_SUSPENDED))
		printf("%-16s%s\n", "suspended",
		       format_time(s.when_suspended, when, sizeof(when)));
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_THROTTLE)) {
		if (s.throttle)
			printf("%-16s%" PRIu32 " KiB/s\n", "throttle",
			       s.throttle);
		else
			printf("%-16s%s\n", "throttle", "none");
	}
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_MAX_LAG_MS))
		printf("%-16s%" PRIu32 " ms\n", "max lag", s.max_lag_ms);
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_LAG_MS))
		printf("%-16s%" PRIu32 " ms\n", "lag", s.lag_ms);
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_BACKLOG))
		printf("%-16s%" PRIu64 " bytes\n", "backlog", s.backlog);
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_DIRTY))
		printf("%-16s%" PRIu64 "\n", "dirty regions", s.dirty);
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_ERROR) && s.error)
		printf("%-16s%s (errno %" PRIu32 ")\n", "error",
		       strerror((int)s.error), s.error);
	return EXIT_SUCCESS;
}

static int sync_modify_usage(void)
{
	fprintf(stderr, "cimreplctl: usage: kernel sync modify --operation OP [--force] NAME [NAME...]\n");
	return EXIT_USAGE;
}

static int sync_modify_cmd(int argc, char **argv)
{
	const char *op_text = NULL;
	const char **names;
	unsigned int n = 0;
	bool force = false;
	struct kernel *k;
	int a, op, ret;

	names = calloc(argc ? (size_t)argc : 1, sizeof(*names));
	if (!names) {
		fprintf(stderr, "cimreplctl: out of memory\n");
		return EXIT_FAILURE;
	}
	for (a = 0; a < argc; a++) {
		ret = option_value(argc, argv, &a, "--operation", &op_text);
		if (ret > 0)
			continue;
		if (!ret && !strcmp(argv[a], "--force"))
			force = true;
		else if (!ret && argv[a][0] != '-')
			names[n++] = argv[a];
		else
			break;
	}
	if (a < argc || !op_text || !n) {
		free(names);
		return sync_modify_usage();
	}
	if (!cim_value_parse(&cim_operation_map, op_text, &op)) {
		fprintf(stderr, "cimreplctl: sync modify: unknown operation \"%s\" (abort, detach, resync, restore, return-to-pool, ... or a number)\n",
			op_text);
		free(names);
		return EXIT_USAGE;
	}
	k = connect_kernel();
	if (!k) {
		free(names);
		return EXIT_FAILURE;
	}
	if (kernel_sync_modify_list(k, (uint16_t)op, names, n, force)) {
		ret = fail_list(k, "sync modify", describe_delete, names);
		free(names);
		return ret;
	}
	kernel_close(k);
	free(names);
	return EXIT_SUCCESS;
}

static int sync_set_usage(void)
{
	fprintf(stderr, "cimreplctl: usage: kernel sync set NAME [--throttle KIB] [--max-lag MS] | kernel sync set --throttle KIB\n");
	return EXIT_USAGE;
}

static int sync_set_cmd(int argc, char **argv)
{
	const char *name = NULL, *throttle_text = NULL, *lag_text = NULL;
	int64_t throttle = -1, max_lag = -1;
	struct kernel *k;
	uint64_t n;
	int a;

	for (a = 0; a < argc; a++) {
		if (option_value(argc, argv, &a, "--throttle", &throttle_text) > 0 ||
		    option_value(argc, argv, &a, "--max-lag", &lag_text) > 0)
			continue;
		if (name || argv[a][0] == '-')
			return sync_set_usage();
		name = argv[a];
	}
	if (!throttle_text && !lag_text)
		return sync_set_usage();
	if (!name && lag_text) {
		fprintf(stderr, "cimreplctl: sync set: --max-lag needs a NAME (there is no module-wide maximum lag)\n");
		return EXIT_USAGE;
	}
	if (throttle_text && !parse_throttle("sync set", throttle_text, &throttle))
		return EXIT_USAGE;
	if (lag_text) {
		if (!parse_number(lag_text, UINT32_MAX, &n) || !n) {
			fprintf(stderr, "cimreplctl: sync set: bad maximum lag \"%s\" (milliseconds, 1 or more)\n",
				lag_text);
			return EXIT_USAGE;
		}
		max_lag = (int64_t)n;
	}
	k = connect_kernel();
	if (!k)
		return EXIT_FAILURE;
	if (kernel_sync_set(k, name, throttle, max_lag)) {
		if (name)
			return fail(k, "sync set", name);
		fprintf(stderr, "cimreplctl: sync set: %s\n", kernel_error(k));
		kernel_close(k);
		return EXIT_FAILURE;
	}
	kernel_close(k);
	return EXIT_SUCCESS;
}

bool parse_timeout(const char *what, const char *text, double *seconds)
{
	char *end;

	errno = 0;
	*seconds = strtod(text, &end);
	if (!isdigit((unsigned char)*text) || errno || *end || *seconds > 1e9) {
		fprintf(stderr, "cimreplctl: %s: bad timeout \"%s\" (seconds)\n",
			what, text);
		return false;
	}
	return true;
}

double monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sleep_seconds(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

void wait_bar(char *bar, unsigned int percent)
{
	unsigned int i;

	for (i = 0; i < WAIT_BAR_WIDTH; i++)
		bar[i] = i < percent * WAIT_BAR_WIDTH / 100 ? '#' : '.';
	bar[WAIT_BAR_WIDTH] = '\0';
}

/*
 * Where a synchronization stands, for `sync wait`'s messages:
 * "CopyState Broken (Input/output error), 37% copied".
 */
static const char *sync_status(const struct kernel_sync *s, char *buf,
			       size_t len)
{
	char state[32], error[96] = "", copied[32] = "";

	if (!kernel_sync_has(s, CIMREPL_A_SYNC_COPY_STATE))
		snprintf(state, sizeof(state), "unknown");
	else
		value_name(&cim_copy_state_map, s->copy_state, state,
			   sizeof(state));
	if (kernel_sync_has(s, CIMREPL_A_SYNC_ERROR) && s->error)
		snprintf(error, sizeof(error), " (%s)", strerror((int)s->error));
	if (has_copy(s))
		snprintf(copied, sizeof(copied), ", %u%% copied",
			 copy_percent(s));
	snprintf(buf, len, "CopyState %s%s%s", state, error, copied);
	return buf;
}

/* `sync wait`'s progress bar on a terminal: one line, redrawn in place. */
static void draw_progress(const char *name, const struct kernel_sync *s)
{
	unsigned int percent = copy_percent(s);
	const char *state = kernel_sync_has(s, CIMREPL_A_SYNC_COPY_STATE) ?
		cim_value_name(&cim_copy_state_map, s->copy_state) : NULL;
	char bar[WAIT_BAR_WIDTH + 1];

	wait_bar(bar, percent);
	if (has_copy(s))
		fprintf(stderr, "\r%s [%s] %3u%% %" PRIu64 "/%" PRIu64 " chunks %s\033[K",
			name, bar, percent, s->chunks_done, s->chunks_total,
			state ? state : "");
	else
		fprintf(stderr, "\r%s %s\033[K", name, state ? state : "");
	fflush(stderr);
}

static int sync_wait_usage(void)
{
	fprintf(stderr, "cimreplctl: usage: kernel sync wait NAME [--state STATE] [--timeout SEC]\n");
	return EXIT_USAGE;
}

/*
 * Poll the synchronization of replica NAME until its CopyState is the one
 * wanted. Broken and Aborted end the wait with a failure (unless they are
 * what is wanted), and so does the timeout.
 */
static int sync_wait_cmd(int argc, char **argv)
{
	const char *name = NULL, *state_text = NULL, *timeout_text = NULL;
	const double interval = 0.2;	/* seconds between two polls */
	double timeout = -1, start, left;
	char status[192], wanted[32];
	bool bar = isatty(STDERR_FILENO);
	struct kernel_sync s;
	struct kernel *k;
	int a, state = CIMREPL_COPY_STATE_SYNCHRONIZED;

	for (a = 0; a < argc; a++) {
		if (option_value(argc, argv, &a, "--state", &state_text) > 0 ||
		    option_value(argc, argv, &a, "--timeout", &timeout_text) > 0)
			continue;
		if (name || argv[a][0] == '-')
			return sync_wait_usage();
		name = argv[a];
	}
	if (!name)
		return sync_wait_usage();
	if (state_text && !cim_value_parse(&cim_copy_state_map, state_text, &state)) {
		fprintf(stderr, "cimreplctl: sync wait: unknown CopyState \"%s\" (synchronized, unsynchronized, broken, aborted, ... or a number)\n",
			state_text);
		return EXIT_USAGE;
	}
	if (timeout_text && !parse_timeout("sync wait", timeout_text, &timeout))
		return EXIT_USAGE;
	value_name(&cim_copy_state_map, state, wanted, sizeof(wanted));

	k = connect_kernel();
	if (!k)
		return EXIT_FAILURE;
	start = monotonic_seconds();
	for (;;) {
		if (kernel_sync_get(k, name, &s)) {
			if (bar)
				fprintf(stderr, "\r\033[K");
			return fail(k, "sync wait", name);
		}
		if (kernel_sync_has(&s, CIMREPL_A_SYNC_COPY_STATE) &&
		    s.copy_state == state)
			break;
		if (kernel_sync_has(&s, CIMREPL_A_SYNC_COPY_STATE) &&
		    (s.copy_state == CIMREPL_COPY_STATE_BROKEN ||
		     s.copy_state == CIMREPL_COPY_STATE_ABORTED)) {
			if (bar)
				fprintf(stderr, "\r\033[K");
			fprintf(stderr, "cimreplctl: sync wait %s: %s; it will not become %s\n",
				name, sync_status(&s, status, sizeof(status)),
				wanted);
			kernel_close(k);
			return EXIT_FAILURE;
		}
		left = timeout < 0 ? interval :
		       timeout - (monotonic_seconds() - start);
		if (left <= 0) {
			if (bar)
				fprintf(stderr, "\r\033[K");
			fprintf(stderr, "cimreplctl: sync wait %s: not %s after %g s: %s\n",
				name, wanted, timeout,
				sync_status(&s, status, sizeof(status)));
			kernel_close(k);
			return EXIT_FAILURE;
		}
		if (bar)
			draw_progress(name, &s);
		sleep_seconds(left > interval ? interval : left);
	}
	kernel_close(k);
	if (bar) {
		draw_progress(name, &s);
		fputc('\n', stderr);
	}
	if (json_output)
		print_json(sync_json(&s));
	return EXIT_SUCCESS;
}

struct command {
	const char *object;
	const char *verb;
	int (*run)(int argc, char **argv);
};

/* `cimreplctl kernel OBJECT VERB`: netlink, straight to the module. */
static const struct command kernel_commands[] = {
	{ "volume", "create", volume_create_cmd },
	{ "volume", "delete", volume_delete_cmd },
	{ "volume", "list", volume_list_cmd },
	{ "volume", "show", volume_show_cmd },
	{ "pool", "create", pool_create_cmd },
	{ "pool", "delete", pool_delete_cmd },
	{ "pool", "list", pool_list_cmd },
	{ "pool", "show", pool_show_cmd },
	{ "replica", "create", replica_create_cmd },
	{ "replica", "delete", replica_delete_cmd },
	{ "sync", "list", sync_list_cmd },
	{ "sync", "show", sync_show_cmd },
	{ "sync", "modify", sync_modify_cmd },
	{ "sync", "set", sync_set_cmd },
	{ "sync", "wait", sync_wait_cmd },
};

/* `cimreplctl OBJECT VERB`: the replication service, and aliases. */
static const struct command commands[] = {
	{ "replica", "create", replica_create_cim_cmd },
	{ "storage", "list", storage_list_cmd },
	{ "storage", "show", storage_show_cmd },
	{ "sync", "list", sync_list_cim_cmd },
	{ "sync", "show", sync_show_cim_cmd },
	{ "sync", "modify", sync_modify_cim_cmd },
	{ "job", "list", job_list_cmd },
	{ "job", "show", job_show_cmd },
	{ "job", "wait", job_wait_cmd },
	{ "pool", "list", pool_list_cim_cmd },
	{ "capabilities", "show", capabilities_show_cmd },
	/* short aliases of `kernel volume ...` */
	{ "volume", "create", volume_create_cmd },
	{ "volume", "delete", volume_delete_cmd },
	{ "volume", "list", volume_list_cmd },
	{ "volume", "show", volume_show_cmd },
};

static const struct command *find_command(const struct command *table,
					  size_t n, const char *object,
					  const char *verb)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(object, table[i].object) &&
		    !strcmp(verb, table[i].verb))
			return &table[i];
	return NULL;
}

/*
 * --url http://user:password@host:port: the user and password go to
 * libcurl apart from the URL; a password not given comes from
 * $CIMREPL_PASSWORD. False for a URL that is not http(s)://.
 */
static bool set_url(const char *url)
{
	static char *base, *user, *password;
	const char *host, *at, *slash, *colon;
	size_t scheme;

	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return false;
	scheme = (size_t)(strstr(url, "://") - url) + 3;
	host = url + scheme;
	slash = strchr(host, '/');
	at = strchr(host, '@');
	free(base);
	free(user);
	free(password);
	base = user = password = NULL;
	client_config.user = NULL;
	client_config.password = getenv("CIMREPL_PASSWORD");
	if (!at || (slash && at > slash)) {
		base = strdup(url);
	} else {
		/* "http://user:pw@host:port" -> user, pw, "http://host:port" */
		colon = memchr(host, ':', (size_t)(at - host));
		user = strndup(host, (size_t)((colon ? colon : at) - host));
		if (colon) {
			password = strndup(colon + 1, (size_t)(at - colon - 1));
			client_config.password = password;
		}
		if (asprintf(&base, "%.*s%s", (int)scheme, url, at + 1) < 0)
			base = NULL;
		client_config.user = user;
	}
	client_config.url = base;
	return base && (!at || user);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ "url", required_argument, NULL, 'u' },
		{ "cacert", required_argument, NULL, 'C' },
		{ "insecure", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct command *cmd;
	bool kernel = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+js:u:hV", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			json_output = true;
			break;
		case 's':
			client_config.unix_path = optarg;
			client_config.url = NULL;
			break;
		case 'u':
			if (!set_url(optarg)) {
				fprintf(stderr, "cimreplctl: --url %s: not http://[user[:password]@]host[:port]\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'C':
			client_config.cacert = optarg;
			break;
		case 'k':
			client_config.insecure = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("cimreplctl (netlink API %d)\n", CIMREPL_API_VERSION);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc >= 1 && !strcmp(argv[0], "kernel")) {
		kernel = true;
		argc--;
		argv++;
		if (argc >= 1 && !strcmp(argv[0], "info"))
			return kernel_info_cmd(argc - 1, argv + 1);
	}
	if (!kernel && argc == 1 && !strcmp(argv[0], "capabilities")) {
		static char *show[] = { "capabilities", "show", NULL };

		argc = 2;	/* `capabilities` is `capabilities show` */
		argv = show;
	}
	if (argc < 2) {
		fprintf(stderr, "cimreplctl: missing %sOBJECT VERB (try --help)\n",
			kernel ? "kernel " : "");
		return EXIT_USAGE;
	}
	if (kernel) {
		cmd = find_command(kernel_commands,
				   sizeof(kernel_commands) / sizeof(kernel_commands[0]),
				   argv[0], argv[1]);
		if (cmd)
			return cmd->run(argc - 2, argv + 2);
		fprintf(stderr, "cimreplctl: unknown command \"kernel %s %s\" (try --help)\n",
			argv[0], argv[1]);
		return EXIT_USAGE;
	}
	cmd = find_command(commands, sizeof(commands) / sizeof(commands[0]),
			   argv[0], argv[1]);
	if (!cmd) {
		bool in_kernel = find_command(kernel_commands,
					      sizeof(kernel_commands) /
					      sizeof(kernel_commands[0]),
					      argv[0], argv[1]);

		fprintf(stderr, "cimreplctl: unknown command \"%s %s\"%s (try --help)\n",
			argv[0], argv[1],
			in_kernel ? "; the module's command is \"kernel ...\"" : "");
		return EXIT_USAGE;
	}
	if (cim_client_init()) {
		fprintf(stderr, "cimreplctl: cannot initialize libcurl\n");
		return EXIT_FAILURE;
	}
	ret = cmd->run(argc - 2, argv + 2);
	cim_client_exit();
	return ret;
}
