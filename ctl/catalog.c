// SPDX-License-Identifier: GPL-2.0
/*
 * The storage volume catalogue (catalog.h): LIO's block backstores joined
 * with the kernel's view of the devices under them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/fs.h>

#include "catalog.h"

static uint64_t catalog_device_size(const char *dev)
{
	uint64_t size = 0;
	int fd = open(dev, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return 0;
	if (ioctl(fd, BLKGETSIZE64, &size))
		size = 0;
	close(fd);
	return size;
}

static void catalog_fill(struct daemon *d, struct lio *lio,
			 struct volume_entry *v)
{
	struct lio_lun *luns = NULL;
	size_t n = 0;

	v->managed = false;
	if (!strncmp(v->bs.dev, CATALOG_DEV_PREFIX, strlen(CATALOG_DEV_PREFIX)) &&
	    !kernel_volume_get(d->kernel, v->bs.dev + strlen(CATALOG_DEV_PREFIX),
			       &v->kv)) {
		v->managed = true;
		v->size = v->kv.size;
	} else {
		v->size = catalog_device_size(v->bs.dev);
	}
	if (!lio_lun_list(lio, v->bs.name, &luns, &n))
		v->n_luns = n;
	free(luns);
}

int catalog_volumes(struct daemon *d, struct lio *lio,
		    struct volume_entry **out, size_t *count)
{
	struct lio_backstore *list = NULL;
	struct volume_entry *v;
	size_t n = 0, i;
	int ret;

	*out = NULL;
	*count = 0;
	ret = lio_block_list(lio, &list, &n);
	if (ret)
		return ret;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		free(list);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		v[i].bs = list[i];
		catalog_fill(d, lio, &v[i]);
	}
	free(list);
	*out = v;
	*count = n;
	return 0;
}

int catalog_find(struct daemon *d, struct lio *lio, const char *device_id,
		 struct volume_entry *out)
{
	int ret;

	memset(out, 0, sizeof(*out));
	ret = lio_block_find(lio, device_id, &out->bs);
	if (ret)
		return ret;
	catalog_fill(d, lio, out);
	return 0;
}

int catalog_find_kernel(struct daemon *d, struct lio *lio, const char *name,
			struct volume_entry *out)
{
	char dev[sizeof(CATALOG_DEV_PREFIX) + 64];
	int ret;

	memset(out, 0, sizeof(*out));
	snprintf(dev, sizeof(dev), CATALOG_DEV_PREFIX "%s", name);
	ret = lio_block_find_by_dev(lio, dev, &out->bs);
	if (ret)
		return ret;
	catalog_fill(d, lio, out);
	return 0;
}
