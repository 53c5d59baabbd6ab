// SPDX-License-Identifier: GPL-2.0
/*
 * cimreplctl - the command line of cimrepl.
 *
 *   cimreplctl [--json] OBJECT VERB [ARGS...]
 *
 * Objects: kernel (the cimrepl.ko module), volume (managed devices); both
 * talk to the module over its netlink family.
 * Errors are one line on stderr; exit status 0 success, 1 failure, 2 usage.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	printf("%-12s%u\n", "replicas", vol.replicas);
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
