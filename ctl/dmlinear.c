// SPDX-License-Identifier: GPL-2.0
/*
 * Device-mapper linear mappings (dmlinear.h) with libdevmapper, the way
 * dmsetup makes them: a task per ioctl, a udev cookie so that the
 * /dev/mapper node is there when create returns (libdevmapper makes the
 * node itself where no udev runs).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <libdevmapper.h>

#include "dmlinear.h"

#define SECTOR	((uint64_t)512)

void dmlinear_path(const char *name, char *path, size_t path_len)
{
	snprintf(path, path_len, "%s/%s", dm_dir(), name);
}

/* The errno of a task that failed (EIO when the library has none). */
static int task_errno(struct dm_task *dmt)
{
	int e = dm_task_get_errno(dmt);

	return e ? -e : -EIO;
}

int dmlinear_create(const char *name, dev_t dev, uint64_t start,
		    uint64_t length, char *path, size_t path_len, char *err,
		    size_t err_len)
{
	struct dm_task *dmt;
	char params[64];
	uint32_t cookie = 0;
	int ret = 0;

	if (start % SECTOR || length % SECTOR || !length ||
	    strlen(name) >= DMLINEAR_NAME_MAX) {
		snprintf(err, err_len, "%s: not a mapping of whole sectors", name);
		return -EINVAL;
	}
	snprintf(params, sizeof(params), "%u:%u %" PRIu64, major(dev), minor(dev),
		 start / SECTOR);
	dmt = dm_task_create(DM_DEVICE_CREATE);
	if (!dmt) {
		snprintf(err, err_len, "%s: out of memory", name);
		return -ENOMEM;
	}
	if (!dm_task_set_name(dmt, name) ||
	    !dm_task_add_target(dmt, 0, length / SECTOR, "linear", params) ||
	    !dm_task_set_cookie(dmt, &cookie, 0)) {
		ret = -ENOMEM;
	} else if (!dm_task_run(dmt)) {
		ret = task_errno(dmt);
	} else {
		/*
		 * Waits for udev, or (no udev running) makes the nodes the
		 * library queued: either way /dev/mapper/NAME is there after.
		 */
		dm_udev_wait(cookie);
	}
	dm_task_destroy(dmt);
	if (ret) {
		snprintf(err, err_len, "cannot create device-mapper device %s: %s",
			 name, strerror(-ret));
		return ret;
	}
	dmlinear_path(name, path, path_len);
	return 0;
}

int dmlinear_info(const char *name, int *open_count)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_INFO);
	struct dm_info info;
	int ret = 0;

	if (!dmt)
		return -ENOMEM;
	if (!dm_task_set_name(dmt, name))
		ret = -ENOMEM;
	else if (!dm_task_run(dmt))
		ret = task_errno(dmt);
	else if (!dm_task_get_info(dmt, &info))
		ret = -EIO;
	else if (!info.exists)
		ret = -ENOENT;
	else if (open_count)
		*open_count = info.open_count;
	dm_task_destroy(dmt);
	return ret;
}

int dmlinear_remove(const char *name, char *err, size_t err_len)
{
	struct dm_task *dmt;
	uint32_t cookie = 0;
	int open_count = 0, ret;

	/* an open device stays: say so instead of the ioctl's bare EBUSY */
	ret = dmlinear_info(name, &open_count);
	if (!ret && open_count)
		ret = -EBUSY;
	if (ret) {
		snprintf(err, err_len, "device-mapper device %s: %s", name,
			 ret == -EBUSY ? "in use" : strerror(-ret));
		return ret;
	}
	dmt = dm_task_create(DM_DEVICE_REMOVE);
	if (!dmt)
		return -ENOMEM;
	if (!dm_task_set_name(dmt, name) || !dm_task_retry_remove(dmt) ||
	    !dm_task_set_cookie(dmt, &cookie, 0)) {
		ret = -ENOMEM;
	} else if (!dm_task_run(dmt)) {
		ret = task_errno(dmt);
	} else {
		dm_udev_wait(cookie);
	}
	dm_task_destroy(dmt);
	if (ret)
		snprintf(err, err_len, "cannot remove device-mapper device %s: %s",
			 name, strerror(-ret));
	return ret;
}

int dmlinear_list(const char *prefix, dmlinear_fn fn, void *arg)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_LIST);
	struct dm_names *names;
	size_t n = strlen(prefix);
	uint32_t next = 0;
	int ret = 0;

	if (!dmt)
		return -ENOMEM;
	if (!dm_task_run(dmt)) {
		ret = task_errno(dmt);
		goto out;
	}
	names = dm_task_get_names(dmt);
	if (!names || !names->dev)
		goto out;	/* no devices at all */
	do {
		names = (struct dm_names *)((char *)names + next);
		if (!strncmp(names->name, prefix, n))
			fn(names->name, arg);
		next = names->next;
	} while (next);
out:
	dm_task_destroy(dmt);
	return ret;
}
