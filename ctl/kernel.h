/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace side of the "cimrepl" generic netlink family: one socket,
 * typed requests, the kernel's extended ACK message on every error.
 */
#ifndef CIMREPL_KERNEL_H
#define CIMREPL_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#define KERNEL_MAX_VALUES	32

struct kernel;

struct kernel_info {
	uint32_t api_version;
	char module_version[64];
	unsigned int n_sync_types, n_modes, n_operations;
	uint16_t sync_types[KERNEL_MAX_VALUES];
	uint16_t modes[KERNEL_MAX_VALUES];
	uint16_t operations[KERNEL_MAX_VALUES];
	uint32_t max_elements;
	uint32_t max_volumes;
	uint32_t name_max;
	uint32_t chunk_size_min, chunk_size_max, chunk_size_default;
};

/*
 * Connect to the family. On failure returns NULL and writes one line saying
 * why into @err (e.g. the module is not loaded).
 */
struct kernel *kernel_open(char *err, size_t err_len);
void kernel_close(struct kernel *k);

/* Why the last request failed: the kernel's message, or strerror(). */
const char *kernel_error(const struct kernel *k);

/* CIMREPL_CMD_GET_INFO. Returns 0 or a negative errno. */
int kernel_get_info(struct kernel *k, struct kernel_info *info);

struct kernel_volume {
	char name[32];
	char backing_path[4096];
	uint64_t size;			/* bytes */
	uint32_t major, minor;		/* of /dev/cimrepl/NAME */
	uint32_t backing_major, backing_minor;
	uint32_t open_count;
	uint32_t replicas;
	uint16_t role;			/* CIMREPL_ROLE_* */
};

/* CIMREPL_CMD_VOLUME_CREATE / _DELETE. Return 0 or a negative errno. */
int kernel_volume_create(struct kernel *k, const char *name,
			 const char *backing_path);
int kernel_volume_delete(struct kernel *k, const char *name);

/* CIMREPL_CMD_VOLUME_GET for one volume. */
int kernel_volume_get(struct kernel *k, const char *name,
		      struct kernel_volume *vol);

/* CIMREPL_CMD_VOLUME_GET dump: @fn is called once per volume. */
typedef void (*kernel_volume_fn)(const struct kernel_volume *vol, void *arg);
int kernel_volume_list(struct kernel *k, kernel_volume_fn fn, void *arg);

/* Join the "events" multicast group; then kernel_fd() becomes readable on
 * each event and kernel_read_events() hands them to @handler.
 */
int kernel_subscribe_events(struct kernel *k);
int kernel_fd(const struct kernel *k);

struct kernel_event {
	uint16_t event;		/* CIMREPL_EVENT_* */
	uint8_t cmd;
	char source[32];	/* synchronization source, if any */
	char target[32];	/* synchronization target or volume name */
	int copy_state;		/* -1 when not reported */
};

typedef void (*kernel_event_handler)(const struct kernel_event *ev, void *arg);
int kernel_read_events(struct kernel *k, kernel_event_handler handler,
		       void *arg);

#endif /* CIMREPL_KERNEL_H */
