// SPDX-License-Identifier: GPL-2.0
/*
 * cimreplctl - the command line of cimrepl.
 *
 *   cimreplctl [--json] OBJECT VERB [ARGS...]
 *
 * Objects: kernel (the cimrepl.ko module), volume (managed devices), pool
 * (snapshot stores), replica (creating and deleting replicas) and sync (the
 * synchronizations between sources and replicas); all of them talk to the
 * module over its netlink family.
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

#include <json-c/json.h>
#include <linux/cimrepl.h>

#include "cimvalues.h"
#include "kernel.h"

#define EXIT_USAGE 2

static bool json_output;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: cimreplctl [--json] OBJECT VERB [ARGS...]\n"
		"\n"
		"  kernel info                          the module's API version and capabilities\n"
		"  volume create NAME --backing PATH    make /dev/cimrepl/NAME over PATH\n"
		"  volume delete NAME                   remove a volume (not its data)\n"
		"  volume list                          every managed device\n"
		"  volume show NAME                     one managed device\n"
		"  pool create NAME --device PATH [--chunk-size BYTES] [--format]\n"
		"                                       format (--format) or load a pool on PATH\n"
		"  pool delete NAME                     forget a pool (its device keeps its data)\n"
		"  pool list                            every pool\n"
		"  pool show NAME                       one pool\n"
		"  replica create --sync-type TYPE [--mode MODE] [--pool POOL]\n"
		"          --source VOL --name NAME [--target PATH] [--source VOL --name NAME ...]\n"
		"                                       replicas of every VOL, at one point in time\n"
		"  replica delete NAME [NAME...]        delete replicas, all or none\n"
		"  sync list                            every synchronization\n"
		"  sync show NAME                       the synchronization of replica NAME\n"
		"\n"
		"TYPE: snapshot, clone, mirror or the CIM SyncType number; MODE: sync or async.\n"
		"BYTES may end in K or M (KiB, MiB).\n"
		"\n"
		"options:\n"
		"  -j, --json      print JSON instead of a table\n"
		"  -h, --help      print this help\n"
		"  -V, --version   print the version\n");
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
		fprintf(stderr, "cimreplctl: usage: volume create NAME --backing PATH\n");
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
		fprintf(stderr, "cimreplctl: usage: volume delete NAME\n");
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

static void print_json(json_object *o)
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
		fprintf(stderr, "cimreplctl: usage: volume show NAME\n");
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

/*
 * Match argv[*i] against "--NAME VALUE" or "--NAME=VALUE". Returns 1 and sets
 * @value (advancing *i past a separate value) when it matches, 0 when it
 * does not, -1 when the value is missing (then *i does not move, and no
 * other option matches argv[*i] either).
 */
static int option_value(int argc, char **argv, int *i, const char *name,
			const char **value)
{
	size_t len = strlen(name);

	if (strncmp(argv[*i], name, len))
		return 0;
	if (argv[*i][len] == '=') {
		*value = argv[*i] + len + 1;
		return 1;
	}
	if (argv[*i][len])
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*value = argv[++*i];
	return 1;
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
	fprintf(stderr, "cimreplctl: usage: pool create NAME --device PATH [--chunk-size BYTES] [--format]\n");
	return EXIT_USAGE;
}

static int pool_delete_cmd(int argc, char **argv)
{
	struct kernel *k;

	if (argc != 1 || argv[0][0] == '-') {
		fprintf(stderr, "cimreplctl: usage: pool delete NAME\n");
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
		fprintf(stderr, "cimreplctl: usage: pool show NAME\n");
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
	printf("%-23s %-23s %-9s %-12s %-14s %-14s %s\n", "SOURCE", "TARGET",
	       "SYNCTYPE", "MODE", "COPYSTATE", "PROGRESS", "ESTABLISHED");
}

static void sync_row(const struct kernel_sync *s, void *arg)
{
	struct sync_printer *p = arg;
	char b1[16], b2[16], b3[16], b4[16], when[32];

	if (p->array) {
		json_object_array_add(p->array, sync_json(s));
		return;
	}
	sync_header(p);
	printf("%-23s %-23s %-9s %-12s %-14s %-14s %s\n", s->source, s->target,
	       cell(s, CIMREPL_A_SYNC_SYNC_TYPE, &cim_sync_type_map,
		    s->sync_type, b1, sizeof(b1)),
	       cell(s, CIMREPL_A_SYNC_MODE, &cim_mode_map, s->mode, b2,
		    sizeof(b2)),
	       cell(s, CIMREPL_A_SYNC_COPY_STATE, &cim_copy_state_map,
		    s->copy_state, b3, sizeof(b3)),
	       cell(s, CIMREPL_A_SYNC_PROGRESS_STATUS, &cim_progress_status_map,
		    s->progress_status, b4, sizeof(b4)),
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
		fprintf(stderr, "cimreplctl: usage: replica create --sync-type TYPE [--mode MODE] [--pool POOL] --source VOL --name NAME [--target PATH] [--source VOL --name NAME ...]\n");
	return EXIT_USAGE;
}

static int replica_create_cmd(int argc, char **argv)
{
	const char *type_text = NULL, *mode_text = NULL, *pool = NULL, *value;
	unsigned int n_sources = 0, n_names = 0, n_targets = 0, i;
	struct kernel_replica_element *elements;
	struct sync_printer printer = { 0 };
	int sync_type, mode = -1, a, ret;
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
			   option_value(argc, argv, &a, "--mode", &mode_text) <= 0) {
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
	if (kernel_replica_create_list(k, (uint16_t)sync_type, mode, elements,
				       n_sources, sync_row, &printer)) {
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
		fprintf(stderr, "cimreplctl: usage: replica delete NAME [NAME...]\n");
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
		fprintf(stderr, "cimreplctl: usage: sync show NAME\n");
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
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_CHUNKS_TOTAL) && s.chunks_total)
		printf("%-16s%" PRIu64 " of %" PRIu64 " chunks\n", "copied",
		       s.chunks_done, s.chunks_total);
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_BYTES_DONE) && s.chunks_total)
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
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_THROTTLE))
		printf("%-16s%" PRIu32 " KiB/s\n", "throttle", s.throttle);
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_MAX_LAG_MS))
		printf("%-16s%" PRIu32 " ms\n", "max lag", s.max_lag_ms);
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_LAG_MS))
		printf("%-16s%" PRIu32 " ms\n", "lag", s.lag_ms);
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_BACKLOG))
		printf("%-16s%" PRIu64 " bytes\n", "backlog", s.backlog);
	if (kernel_sync_has(&s, CIMREPL_A_SYNC_ERROR))
		printf("%-16s%s\n", "error", strerror((int)s.error));
	return EXIT_SUCCESS;
}

struct command {
	const char *object;
	const char *verb;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "kernel", "info", kernel_info_cmd },
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
};

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "+jhV", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			json_output = true;
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
	if (argc < 2) {
		fprintf(stderr, "cimreplctl: missing OBJECT VERB (try --help)\n");
		return EXIT_USAGE;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[0], commands[i].object) &&
		    !strcmp(argv[1], commands[i].verb))
			return commands[i].run(argc - 2, argv + 2);

	fprintf(stderr, "cimreplctl: unknown command \"%s %s\" (try --help)\n",
		argv[0], argv[1]);
	return EXIT_USAGE;
}
