// SPDX-License-Identifier: GPL-2.0
/*
 * Block pools (blockpool.h): a whole block device, its kernel store and
 * clone targets as device-mapper linear mappings, the allocation map in
 * the store's extents table.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/fs.h>

#include "blockpool.h"
#include "dmlinear.h"

/* A kernel pool's chunk size is the module's default. */
#define BLOCKPOOL_KERNEL_CHUNK_SIZE	0
/* The smallest kernel store worth having. */
#define BLOCKPOOL_STORE_MIN	(16ULL << 20)

static uint64_t align_up(uint64_t n)
{
	return (n + BLOCKPOOL_ALIGN - 1) / BLOCKPOOL_ALIGN * BLOCKPOOL_ALIGN;
}

/* Block pool names go into device-mapper names: letters, digits, '_'. */
static bool name_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (!n || n >= sizeof(((struct blockpool_spec *)0)->name))
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return false;
	return true;
}

bool blockpool_parse_spec(const char *text, struct blockpool_spec *spec,
			  char *err, size_t err_len)
{
	const char *eq = strchr(text, '='), *comma;
	size_t n;
	char *end;

	memset(spec, 0, sizeof(*spec));
	if (!eq || eq == text || (size_t)(eq - text) >= sizeof(spec->name)) {
		snprintf(err, err_len, "%s: want NAME=DEVICE[,store=BYTES]", text);
		return false;
	}
	memcpy(spec->name, text, eq - text);
	if (!name_ok(spec->name)) {
		snprintf(err, err_len,
			 "%s: a pool name is 1 to 31 letters, digits or '_'",
			 spec->name);
		return false;
	}
	comma = strchr(eq + 1, ',');
	n = comma ? (size_t)(comma - eq - 1) : strlen(eq + 1);
	if (!n || n >= sizeof(spec->device) || eq[1] != '/') {
		snprintf(err, err_len, "%s: want an absolute device path", text);
		return false;
	}
	memcpy(spec->device, eq + 1, n);
	if (!comma)
		return true;
	if (strncmp(comma + 1, "store=", 6)) {
		snprintf(err, err_len, "%s: unknown option %s (store=BYTES)",
			 text, comma + 1);
		return false;
	}
	errno = 0;
	spec->store_size = strtoull(comma + 7, &end, 10);
	if (errno || *end || end == comma + 7 ||
	    spec->store_size < BLOCKPOOL_STORE_MIN ||
	    spec->store_size % BLOCKPOOL_ALIGN) {
		snprintf(err, err_len,
			 "%s: store=BYTES, a multiple of 1 MiB, at least 16 MiB",
			 text);
		return false;
	}
	return true;
}

/* Device-mapper names: cimrepl-POOL-store, cimrepl-POOL-REPLICA. */
static void dm_name_of(const char *pool, const char *owner, char *buf,
		       size_t len)
{
	snprintf(buf, len, "cimrepl-%s-%s", pool,
		 strcmp(owner, BLOCKPOOL_STORE_OWNER) ? owner : "store");
}

/* The device of block pool @p: its number and size in bytes. */
static int device_of(const char *path, dev_t *dev, uint64_t *size, char *err,
		     size_t err_len)
{
	struct stat st;
	int fd, ret = 0;

	if (stat(path, &st)) {
		ret = -errno;
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (!S_ISBLK(st.st_mode)) {
		snprintf(err, err_len, "%s: not a block device", path);
		return -ENOTBLK;
	}
	*dev = st.st_rdev;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, size)) {
		ret = -errno;
		snprintf(err, err_len, "%s: cannot read its size: %s", path,
			 strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

/* Is a directory empty of entries other than . and ..? */
static bool dir_has_entries(const char *path, char *first, size_t len)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	bool found = false;

	if (!dir)
		return false;
	while (!found && (de = readdir(dir)))
		if (de->d_name[0] != '.') {
			snprintf(first, len, "%s", de->d_name);
			found = true;
		}
	closedir(dir);
	return found;
}

/* Where @dev (or a partition of it) is mounted, if it is. */
static bool mounted_at(dev_t dev, char *where, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	unsigned int maj, min;
	char line[4096], point[2048];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*u %*u %u:%u %*s %2047s", &maj, &min, point) != 3)
			continue;
		if (maj == major(dev) && min == minor(dev)) {
			snprintf(where, len, "%s", point);
			found = true;
		}
	}
	fclose(f);
	return found;
}

/*
 * A device the pool may take: not mounted, not held by another driver
 * (device-mapper, md, a cimrepl volume, swap), no partitions, no LIO block
 * backstore (@lio may be NULL), not open exclusively by anyone.
 */
static int check_unused(struct lio *lio, const char *path, dev_t dev,
			char *err, size_t err_len)
{
	char sys[128], what[2048], name[256];
	struct lio_backstore *bs = NULL;
	struct stat st;
	size_t n = 0, i;
	int fd, ret = 0;

	if (mounted_at(dev, what, sizeof(what))) {
		snprintf(err, err_len, "%s is mounted on %s", path, what);
		return -EBUSY;
	}
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/holders", major(dev),
		 minor(dev));
	if (dir_has_entries(sys, name, sizeof(name))) {
		snprintf(err, err_len, "%s is in use: held by %s", path, name);
		return -EBUSY;
	}
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/partition", major(dev),
		 minor(dev));
	if (access(sys, F_OK)) {
		/* a whole disk: any partition on it is somebody's data */
		DIR *dir;
		struct dirent *de;

		snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u", major(dev),
			 minor(dev));
		dir = opendir(sys);
		while (dir && !ret && (de = readdir(dir))) {
			char part[512];

			snprintf(part, sizeof(part), "%s/%s/partition", sys,
				 de->d_name);
			if (de->d_name[0] != '.' && !access(part, F_OK)) {
				snprintf(err, err_len, "%s has partitions (%s)",
					 path, de->d_name);
				ret = -EBUSY;
			}
		}
		if (dir)
			closedir(dir);
		if (ret)
			return ret;
	}
	if (lio && !lio_block_list(lio, &bs, &n)) {
		for (i = 0; i < n && !ret; i++)
			if (!stat(bs[i].dev, &st) && S_ISBLK(st.st_mode) &&
			    st.st_rdev == dev) {
				snprintf(err, err_len,
					 "%s has the LIO backstore %s", path,
					 bs[i].name);
				ret = -EBUSY;
			}
		free(bs);
		if (ret)
			return ret;
	}
	/* whoever else holds it exclusively (a mount in another namespace) */
	fd = open(path, O_RDWR | O_EXCL | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, err_len, "%s is in use: %s", path, strerror(errno));
		return ret;
	}
	close(fd);
	return 0;
}

/* The pool's extents, read whole. */
struct extents {
	struct store_extent *v;
	size_t n;
	bool oom;
};

static void extent_add(const struct store_extent *e, void *arg)
{
	struct extents *x = arg;
	struct store_extent *grown = realloc(x->v, (x->n + 1) * sizeof(*grown));

	if (!grown) {
		x->oom = true;
		return;
	}
	x->v = grown;
	x->v[x->n++] = *e;
}

static int extents_read(struct daemon *d, const char *pool, struct extents *x)
{
	int ret;

	memset(x, 0, sizeof(*x));
	ret = store_extent_list(d->store, pool, extent_add, x);
	if (!ret && x->oom)
		ret = -ENOMEM;
	if (ret) {
		free(x->v);
		x->v = NULL;
		x->n = 0;
	}
	return ret;
}

static const struct store_extent *store_extent_of(const struct extents *x)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (!strcmp(x->v[i].owner, BLOCKPOOL_STORE_OWNER))
			return &x->v[i];
	return NULL;
}

/* The mapping of extent @e, made if it is not there. */
static int map_extent(dev_t dev, const struct store_extent *e, char *path,
		      size_t path_len, char *err, size_t err_len)
{
	if (!dmlinear_info(e->dm_name, NULL)) {
		dmlinear_path(e->dm_name, path, path_len);
		return 0;
	}
	return dmlinear_create(e->dm_name, dev, e->start, e->length, path,
			       path_len, err, err_len);
}

static int block_bring_up(struct daemon *d, const struct store_pool *p,
			  char *err, size_t err_len)
{
	const struct store_extent *store;
	struct kernel_pool kp;
	struct extents x;
	char path[STORE_PATH_MAX];
	uint64_t size;
	dev_t dev;
	int ret;

	if (!kernel_pool_get(d->kernel, p->name, &kp))
		return 0;	/* loaded: the daemon restarted */
	ret = extents_read(d, p->name, &x);
	if (ret) {
		snprintf(err, err_len, "pool %s: cannot read its extents: %s",
			 p->name, ret == -EIO ? store_error(d->store) :
			 strerror(-ret));
		return ret;
	}
	store = store_extent_of(&x);
	if (!store) {
		snprintf(err, err_len, "pool %s: no store extent recorded",
			 p->name);
		ret = -EIO;
		goto out;
	}
	ret = device_of(p->path, &dev, &size, err, err_len);
	if (ret)
		goto out;
	if (size < store->start + store->length) {
		snprintf(err, err_len, "pool %s: %s is smaller than the pool",
			 p->name, p->path);
		ret = -ENOSPC;
		goto out;
	}
	/* after a reboot: nothing holds the device until the store is mapped */
	if (dmlinear_info(store->dm_name, NULL)) {
		ret = check_unused(NULL, p->path, dev, err, err_len);
		if (ret)
			goto out;
	}
	ret = map_extent(dev, store, path, sizeof(path), err, err_len);
	if (ret)
		goto out;
	ret = kernel_pool_create(d->kernel, p->name, path,
				 BLOCKPOOL_KERNEL_CHUNK_SIZE, false);
	if (ret)
		snprintf(err, err_len, "pool %s: the kernel cannot load %s: %s",
			 p->name, path, kernel_error(d->kernel));
out:
	free(x.v);
	return ret;
}

/* The first gap of @length bytes after the store: its start, or 0. */
static uint64_t first_fit(const struct extents *x, uint64_t device_size,
			  uint64_t length)
{
	uint64_t at = 0;
	size_t i;

	for (i = 0; i < x->n; i++) {
		if (x->v[i].start >= at && x->v[i].start - at >= length && at)
			return at;
		if (x->v[i].start + x->v[i].length > at)
			at = align_up(x->v[i].start + x->v[i].length);
	}
	return at && device_size >= at && device_size - at >= length ? at : 0;
}

static int block_new_target(struct daemon *d, const struct store_pool *p,
			    const char *replica, uint64_t size,
			    struct pool_loop *loop, char *err, size_t err_len)
{
	struct store_extent *e = &loop->extent;
	struct extents x;
	uint64_t device_size;
	dev_t dev;
	int ret;

	ret = device_of(p->path, &dev, &device_size, err, err_len);
	if (ret)
		return ret;
	ret = extents_read(d, p->name, &x);
	if (ret) {
		snprintf(err, err_len, "pool %s: cannot read its extents",
			 p->name);
		return ret;
	}
	memset(e, 0, sizeof(*e));
	snprintf(e->pool, sizeof(e->pool), "%s", p->name);
	snprintf(e->owner, sizeof(e->owner), "%s", replica);
	dm_name_of(p->name, replica, e->dm_name, sizeof(e->dm_name));
	/* the mapping is the source's size; the extent whole MiBs */
	e->length = align_up(size);
	e->start = first_fit(&x, device_size, e->length);
	free(x.v);
	if (!e->start) {
		snprintf(err, err_len,
			 "pool %s: no free extent of %" PRIu64 " bytes on %s",
			 p->name, e->length, p->path);
		return -ENOSPC;
	}
	/* reserved first: a crash from here on leaves a row to give back */
	ret = store_extent_put(d->store, e);
	if (ret) {
		snprintf(err, err_len, "pool %s: %s", p->name,
			 store_error(d->store));
		return ret;
	}
	ret = dmlinear_create(e->dm_name, dev, e->start, (size + 511) / 512 * 512,
			      loop->dev, sizeof(loop->dev), err, err_len);
	if (ret) {
		store_extent_delete(d->store, e->pool, e->start);
		return ret;
	}
	snprintf(loop->file, sizeof(loop->file), "%s", loop->dev);
	loop->has_extent = true;
	loop->fd = -1;
	return 0;
}

/* Remove extent @e's mapping and row; the row stays if the mapping does. */
static int give_back(struct daemon *d, const struct store_extent *e)
{
	char err[256];
	int ret = dmlinear_remove(e->dm_name, err, sizeof(err));

	if (ret && ret != -ENOENT) {
		fprintf(stderr, "cimrepld: pool %s: keeping the extent at %" PRIu64 ": %s\n",
			e->pool, e->start, err);
		return ret;
	}
	ret = store_extent_delete(d->store, e->pool, e->start);
	if (ret)
		fprintf(stderr, "cimrepld: pool %s: %s\n", e->pool,
			store_error(d->store));
	return ret;
}

static void block_discard(struct daemon *d, struct pool_loop *loop)
{
	if (loop->has_extent)
		give_back(d, &loop->extent);
	loop->has_extent = false;
}

static int block_commit(struct daemon *d, const struct pool_loop *loop)
{
	struct store_extent e = loop->extent;

	e.committed = true;
	return store_extent_put(d->store, &e);
}

static void block_free_target(struct daemon *d, const struct store_replica *r)
{
	struct extents x;
	size_t i;

	if (extents_read(d, r->pool, &x))
		return;
	for (i = 0; i < x.n; i++)
		if (!strcmp(x.v[i].owner, r->target))
			give_back(d, &x.v[i]);
	free(x.v);
}

static int block_space(struct daemon *d, const struct store_pool *p,
		       uint64_t *total, uint64_t *remaining)
{
	struct extents x;
	uint64_t used = 0;
	char err[256];
	dev_t dev;
	size_t i;
	int ret;

	ret = device_of(p->path, &dev, total, err, sizeof(err));
	if (!ret)
		ret = extents_read(d, p->name, &x);
	if (ret)
		return ret;
	for (i = 0; i < x.n; i++)
		used += align_up(x.v[i].length);
	*remaining = *total > used ? *total - used : 0;
	free(x.v);
	return 0;
}

const struct pool_kind blockpool_kind = {
	.name = "block",
	.bring_up = block_bring_up,
	.new_target = block_new_target,
	.discard = block_discard,
	.commit = block_commit,
	.free_target = block_free_target,
	.space = block_space,
};

/* Do two paths name the same block device? */
static bool same_device(const char *a, const char *b)
{
	struct stat sa, sb;

	if (!strcmp(a, b))
		return true;
	return !stat(a, &sa) && !stat(b, &sb) && S_ISBLK(sa.st_mode) &&
	       S_ISBLK(sb.st_mode) && sa.st_rdev == sb.st_rdev;
}

int blockpool_add(struct daemon *d, struct lio *lio,
		  const struct blockpool_spec *spec, char *err, size_t err_len)
{
	struct store_pool p;
	struct store_extent store = { .committed = true };
	char path[STORE_PATH_MAX];
	uint64_t size;
	dev_t dev;
	int ret;

	ret = store_pool_get(d->store, spec->name, &p);
	if (!ret) {
		if (strcmp(p.kind, "block") || !same_device(p.path, spec->device)) {
			snprintf(err, err_len,
				 "pool %s is the %s pool on %s, not on %s",
				 p.name, p.kind, p.path, spec->device);
			return -EEXIST;
		}
		return block_bring_up(d, &p, err, err_len);
	}
	if (ret != -ENOENT) {
		snprintf(err, err_len, "%s", store_error(d->store));
		return ret;
	}

	ret = device_of(spec->device, &dev, &size, err, err_len);
	if (!ret)
		ret = check_unused(lio, spec->device, dev, err, err_len);
	if (ret)
		return ret;
	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "%s", spec->name);
	snprintf(p.kind, sizeof(p.kind), "block");
	snprintf(p.path, sizeof(p.path), "%s", spec->device);
	p.size = spec->store_size ? spec->store_size :
		 size / 4 / BLOCKPOOL_ALIGN * BLOCKPOOL_ALIGN;
	if (p.size < BLOCKPOOL_STORE_MIN || p.size + BLOCKPOOL_ALIGN > size) {
		snprintf(err, err_len,
			 "%s (%" PRIu64 " bytes) is too small for a pool with a %" PRIu64 "-byte store",
			 spec->device, size, p.size);
		return -ENOSPC;
	}
	snprintf(store.pool, sizeof(store.pool), "%s", p.name);
	snprintf(store.owner, sizeof(store.owner), BLOCKPOOL_STORE_OWNER);
	dm_name_of(p.name, BLOCKPOOL_STORE_OWNER, store.dm_name,
		   sizeof(store.dm_name));
	store.length = p.size;

	/* map and format the store, then record the pool and its store */
	ret = dmlinear_create(store.dm_name, dev, 0, store.length, path,
			      sizeof(path), err, err_len);
	if (ret)
		return ret;
	ret = kernel_pool_create(d->kernel, p.name, path,
				 BLOCKPOOL_KERNEL_CHUNK_SIZE, true);
	if (ret) {
		snprintf(err, err_len, "pool %s: the kernel cannot format %s: %s",
			 p.name, path, kernel_error(d->kernel));
		goto unmap;
	}
	if (store_begin(d->store) || store_pool_put(d->store, &p) ||
	    store_extent_put(d->store, &store) || store_commit(d->store)) {
		store_rollback(d->store);
		snprintf(err, err_len, "pool %s: %s", p.name,
			 store_error(d->store));
		ret = -EIO;
		kernel_pool_delete(d->kernel, p.name);
		goto unmap;
	}
	fprintf(stderr, "cimrepld: pool %s: formatted %s, %" PRIu64 " bytes, store %" PRIu64 " bytes\n",
		p.name, p.path, size, p.size);
	return 0;
unmap:
	dmlinear_remove(store.dm_name, path, sizeof(path));
	return ret;
}

struct orphans {
	const struct extents *x;
	char names[64][DMLINEAR_NAME_MAX];
	size_t n;
};

static void orphan(const char *name, void *arg)
{
	struct orphans *o = arg;
	size_t i;

	for (i = 0; i < o->x->n; i++)
		if (!strcmp(o->x->v[i].dm_name, name))
			return;
	if (o->n < sizeof(o->names) / sizeof(o->names[0]))
		snprintf(o->names[o->n++], DMLINEAR_NAME_MAX, "%s", name);
}

static void reconcile_pool(struct daemon *d, const struct store_pool *p)
{
	struct orphans *o = calloc(1, sizeof(*o));
	char err[512], path[STORE_PATH_MAX], prefix[96];
	struct extents x;
	uint64_t size;
	dev_t dev;
	size_t i;

	if (!o)
		return;
	if (block_bring_up(d, p, err, sizeof(err)))
		fprintf(stderr, "cimrepld: %s\n", err);
	if (extents_read(d, p->name, &x) ||
	    device_of(p->path, &dev, &size, err, sizeof(err))) {
		free(x.v);	/* NULL when the read failed */
		free(o);
		return;
	}
	for (i = 0; i < x.n; i++) {
		const struct store_extent *e = &x.v[i];

		if (!strcmp(e->owner, BLOCKPOOL_STORE_OWNER))
			continue;
		if (!e->committed) {
			/* a CreateListReplica that never finished */
			fprintf(stderr, "cimrepld: pool %s: giving back the extent of unfinished %s\n",
				p->name, e->owner);
			give_back(d, e);
		} else if (map_extent(dev, e, path, sizeof(path), err,
				      sizeof(err))) {
			fprintf(stderr, "cimrepld: pool %s: %s\n", p->name, err);
		}
	}
	/* mappings of this pool that no extent owns (a crash before commit) */
	o->x = &x;
	snprintf(prefix, sizeof(prefix), "cimrepl-%s-", p->name);
	dmlinear_list(prefix, orphan, o);
	for (i = 0; i < o->n; i++)
		if (dmlinear_remove(o->names[i], err, sizeof(err)))
			fprintf(stderr, "cimrepld: %s\n", err);
	free(x.v);
	free(o);
}

struct pool_names {
	struct store_pool v[16];
	size_t n;
};

static void block_pool(const struct store_pool *p, void *arg)
{
	struct pool_names *names = arg;

	if (!strcmp(p->kind, "block") &&
	    names->n < sizeof(names->v) / sizeof(names->v[0]))
		names->v[names->n++] = *p;
}

void blockpool_reconcile(struct daemon *d)
{
	struct pool_names *names = calloc(1, sizeof(*names));
	size_t i;

	if (!names)
		return;
	store_pool_list(d->store, block_pool, names);
	for (i = 0; i < names->n; i++)
		reconcile_pool(d, &names->v[i]);
	free(names);
}
