// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's file pools (see pools.h): directories of sparse files on
 * loop devices, the kernel pool among them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <linux/loop.h>

#include "blockpool.h"
#include "pools.h"

/* A kernel pool's chunk size is the module's default. */
#define POOLS_KERNEL_CHUNK_SIZE	0

static int pools_mkdir(const char *path)
{
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static int pools_store_path(const struct store_pool *p, char *buf, size_t len)
{
	if ((size_t)snprintf(buf, len, "%s/store.img", p->path) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* The loop device already over @file, if any (after a daemon restart). */
static int pools_find_loop(const char *file, char *dev, size_t dev_len)
{
	char path[300], backing[STORE_PATH_MAX];
	struct dirent *de;
	DIR *dir = opendir("/sys/block");
	int found = -ENOENT;
	FILE *f;

	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "loop", 4))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file",
			 de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(backing, sizeof(backing), f)) {
			backing[strcspn(backing, "\n")] = '\0';
			if (!strcmp(backing, file) &&
			    (size_t)snprintf(dev, dev_len, "/dev/%s",
					     de->d_name) < dev_len)
				found = 0;
		}
		fclose(f);
		if (!found)
			break;
	}
	closedir(dir);
	return found;
}

/* Attach @loop->file to a free loop device, with autoclear. */
static int pools_attach(struct pool_loop *loop, char *err, size_t err_len)
{
	struct loop_config config;
	int ctl, file_fd, n, tries, ret = -EBUSY;

	loop->fd = -1;
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		ret = -errno;
		snprintf(err, err_len, "cannot open /dev/loop-control: %s",
			 strerror(errno));
		return ret;
	}
	file_fd = open(loop->file, O_RDWR | O_CLOEXEC);
	if (file_fd < 0) {
		ret = -errno;
		snprintf(err, err_len, "cannot open %s: %s", loop->file,
			 strerror(errno));
		close(ctl);
		return ret;
	}
	/* another process may take the free device first: try again */
	for (tries = 0; tries < 16 && ret == -EBUSY; tries++) {
		n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0) {
			ret = -errno;
			break;
		}
		snprintf(loop->dev, sizeof(loop->dev), "/dev/loop%d", n);
		loop->fd = open(loop->dev, O_RDWR | O_CLOEXEC);
		if (loop->fd < 0) {
			ret = -errno;
			break;
		}
		memset(&config, 0, sizeof(config));
		config.fd = file_fd;
		config.info.lo_flags = LO_FLAGS_AUTOCLEAR;
		/* for people (losetup -l); the kernel keeps the real path */
		memcpy(config.info.lo_file_name, loop->file,
		       strnlen(loop->file, sizeof(config.info.lo_file_name) - 1));
		if (!ioctl(loop->fd, LOOP_CONFIGURE, &config)) {
			ret = 0;
			break;
		}
		ret = -errno;
		close(loop->fd);
		loop->fd = -1;
	}
	close(file_fd);
	close(ctl);
	if (ret)
		snprintf(err, err_len, "cannot attach %s to a loop device: %s",
			 loop->file, strerror(-ret));
	return ret;
}

void pools_loop_release(struct pool_loop *loop)
{
	if (loop->fd >= 0)
		close(loop->fd);
	loop->fd = -1;
}

static void file_discard(struct daemon *d, struct pool_loop *loop)
{
	(void)d;
	/* closing the last reference detaches it (autoclear) */
	pools_loop_release(loop);
	unlink(loop->file);
}

static void file_free_target(struct daemon *d, const struct store_replica *r)
{
	(void)d;
	if (r->target_file[0])
		unlink(r->target_file);
}

static int file_commit(struct daemon *d, const struct pool_loop *loop)
{
	(void)d;
	(void)loop;
	return 0;
}

/* A sparse file of @size bytes; -EEXIST if it is there already. */
static int pools_new_file(const char *file, uint64_t size, char *err,
			  size_t err_len)
{
	int fd = open(file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int ret = 0;

	if (fd < 0) {
		ret = -errno;
		snprintf(err, err_len, "cannot create %s: %s", file,
			 strerror(errno));
		return ret;
	}
	if (ftruncate(fd, (off_t)size)) {
		ret = -errno;
		snprintf(err, err_len, "cannot size %s: %s", file,
			 strerror(errno));
		unlink(file);
	}
	close(fd);
	return ret;
}

static int file_bring_up(struct daemon *d, const struct store_pool *p,
			 char *err, size_t err_len)
{
	struct pool_loop loop = { .fd = -1 };
	struct kernel_pool kp;
	char targets[STORE_PATH_MAX + 16];
	bool format = false;
	int ret;

	if (!kernel_pool_get(d->kernel, p->name, &kp))
		return 0;	/* loaded: the daemon restarted */

	/* STATE_DIR/pools/NAME/targets */
	snprintf(targets, sizeof(targets), "%s", p->path);
	if (strrchr(targets, '/'))
		*strrchr(targets, '/') = '\0';
	pools_mkdir(targets);
	snprintf(targets, sizeof(targets), "%s/targets", p->path);
	ret = pools_mkdir(p->path);
	if (!ret)
		ret = pools_mkdir(targets);
	if (ret) {
		snprintf(err, err_len, "cannot create %s: %s", targets,
			 strerror(-ret));
		return ret;
	}
	ret = pools_store_path(p, loop.file, sizeof(loop.file));
	if (ret) {
		snprintf(err, err_len, "pool %s: path too long", p->name);
		return ret;
	}
	ret = pools_new_file(loop.file, p->size, err, err_len);
	if (!ret)
		format = true;
	else if (ret != -EEXIST)
		return ret;

	if (!pools_find_loop(loop.file, loop.dev, sizeof(loop.dev)))
		loop.fd = -1;
	else if ((ret = pools_attach(&loop, err, err_len)))
		return ret;
	ret = kernel_pool_create(d->kernel, p->name, loop.dev,
				 POOLS_KERNEL_CHUNK_SIZE, format);
	if (ret)
		snprintf(err, err_len, "pool %s: the kernel refused %s: %s",
			 p->name, loop.dev, kernel_error(d->kernel));
	pools_loop_release(&loop);
	if (ret && format)
		unlink(loop.file);
	return ret;
}

int pools_default(struct daemon *d, struct store_pool *p, char *err,
		  size_t err_len)
{
	int ret = store_pool_get(d->store, DAEMON_DEFAULT_POOL, p);

	if (ret != -ENOENT) {
		if (ret)
			snprintf(err, err_len, "%s", store_error(d->store));
		return ret;
	}
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", DAEMON_DEFAULT_POOL);
	snprintf(p->kind, sizeof(p->kind), "file");
	snprintf(p->path, sizeof(p->path), "%s/pools/%s", d->state_dir,
		 DAEMON_DEFAULT_POOL);
	p->size = d->default_pool_size;
	p->is_default = true;
	ret = store_pool_put(d->store, p);
	if (ret)
		snprintf(err, err_len, "%s", store_error(d->store));
	return ret;
}

static int file_new_target(struct daemon *d, const struct store_pool *p,
			   const char *replica, uint64_t size,
			   struct pool_loop *loop, char *err, size_t err_len)
{
	int ret;

	(void)d;
	loop->fd = -1;
	if ((size_t)snprintf(loop->file, sizeof(loop->file), "%s/targets/%s.img",
			     p->path, replica) >= sizeof(loop->file)) {
		snprintf(err, err_len, "pool %s: path too long", p->name);
		return -ENAMETOOLONG;
	}
	ret = pools_new_file(loop->file, size, err, err_len);
	if (ret)
		return ret;
	ret = pools_attach(loop, err, err_len);
	if (ret)
		unlink(loop->file);
	return ret;
}

static int file_space(struct daemon *d, const struct store_pool *p,
		      uint64_t *total, uint64_t *remaining)
{
	struct statvfs vfs;
	struct kernel_pool kp;

	/* targets take space from the file system the pool lives on */
	if (statvfs(p->path, &vfs))
		return -errno;
	*total = (uint64_t)vfs.f_blocks * vfs.f_frsize;
	*remaining = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (!kernel_pool_get(d->kernel, p->name, &kp) && kp.free < *remaining)
		*remaining = kp.free;
	return 0;
}

static const struct pool_kind file_kind = {
	.name = "file",
	.bring_up = file_bring_up,
	.new_target = file_new_target,
	.discard = file_discard,
	.commit = file_commit,
	.free_target = file_free_target,
	.space = file_space,
};

static const struct pool_kind *const kinds[] = { &file_kind, &blockpool_kind };

static const struct pool_kind *kind_of(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i]->name, kind))
			return kinds[i];
	return NULL;
}

int pools_bring_up(struct daemon *d, const struct store_pool *p, char *err,
		   size_t err_len)
{
	const struct pool_kind *k = kind_of(p->kind);

	if (!k) {
		snprintf(err, err_len, "pool %s: kind %s is not supported",
			 p->name, p->kind);
		return -EOPNOTSUPP;
	}
	return k->bring_up(d, p, err, err_len);
}

int pools_new_target(struct daemon *d, const struct store_pool *p,
		     const char *replica, uint64_t size, struct pool_loop *loop,
		     char *err, size_t err_len)
{
	const struct pool_kind *k = kind_of(p->kind);

	memset(loop, 0, sizeof(*loop));
	loop->fd = -1;
	if (!k) {
		snprintf(err, err_len, "pool %s cannot make targets", p->name);
		return -EOPNOTSUPP;
	}
	return k->new_target(d, p, replica, size, loop, err, err_len);
}

void pools_loop_discard(struct daemon *d, struct pool_loop *loop)
{
	if (loop->has_extent)
		blockpool_kind.discard(d, loop);
	else
		file_kind.discard(d, loop);
}

int pools_target_commit(struct daemon *d, const struct pool_loop *loop)
{
	if (loop->has_extent)
		return blockpool_kind.commit(d, loop);
	return file_kind.commit(d, loop);
}

void pools_free_target(struct daemon *d, const struct store_replica *r)
{
	struct store_pool p;
	const struct pool_kind *k = NULL;

	if (!store_pool_get(d->store, r->pool, &p))
		k = kind_of(p.kind);
	(k ? k : &file_kind)->free_target(d, r);
}

int pools_space(struct daemon *d, const struct store_pool *p, uint64_t *total,
		uint64_t *remaining)
{
	const struct pool_kind *k = kind_of(p->kind);

	*total = *remaining = 0;
	return k ? k->space(d, p, total, remaining) : -EOPNOTSUPP;
}
