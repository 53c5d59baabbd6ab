// SPDX-License-Identifier: GPL-2.0
/*
 * The mirror engine (SyncType 6), at the block device level, in both modes
 * (each test of the "mirror" fixture runs once synchronous, Mode 2, and
 * once asynchronous, Mode 3): the initial copy makes the target equal the
 * source; while Synchronized every later write of the source reaches the
 * target (a synchronous mirror's before the write returns, an asynchronous
 * mirror's once its backlog is empty) and the mirror device refuses
 * writes; fracture, split, suspend, resume, resync, restore and detach do
 * what the contract in uapi/linux/cimrepl.h says, the dirty-region log
 * counts exactly the regions written since and a resync copies only
 * those; a failing target breaks the mirror, not the source; operations
 * not valid in a state are refused naming it; bad requests leave nothing
 * behind (the "mirror_req" fixture).
 *
 * Runs as root in the test VM. Devices are loop devices over files in
 * /tmp (tmpfs) and one dm device over a loop device, so this test leaves
 * the brd disks to the others.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "cimrepl_nl.h"
#include "kselftest_harness.h"

#define MIB		(1024 * 1024)
#define CHUNK		(64 * 1024)	/* the pool's, so the log's region */
#define SOURCE_MIB	4
#define SOURCE_BYTES	((off_t)SOURCE_MIB * MIB)
#define REGIONS		(SOURCE_BYTES / CHUNK)
#define POOL_MIB	16
#define SLOW_KIBS	256		/* 16 s for the 4 MiB initial copy */
#define WAIT_MS		(60 * 1000)
#define DM_TARGET	"cimrepl-mirror-tgt"
#define DM_POOL		"cimrepl-mirror-pool1"

/* Patterns: A fills the source before the mirror exists; B, C, D later. */
enum { PAT_A = 1, PAT_B = 2, PAT_C = 3, PAT_D = 4 };

#define NO_ATTR		(-1)

/* Tests of a fixture whose setup skipped (no mirror engine) end at once. */
#define NEED_ENGINE()	do { if (_metadata->skip) return; } while (0)

static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/*
 * Loop devices are made and dropped with ioctls, not losetup: every
 * process spawned costs up to a second on a loaded TCG guest, and each test
 * would spawn dozens.
 */

/* A loop device over a new file of @mib MiB in /tmp; its path in @dev. */
static int make_loop(const char *file, int mib, char *dev, size_t len)
{
	char path[64];
	int ctl, fd, loop, n, ret = -1;

	snprintf(path, sizeof(path), "/tmp/%s", file);
	unlink(path);
	fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0)
		return -1;
	ctl = open("/dev/loop-control", O_RDWR);
	if (ftruncate(fd, (off_t)mib * MIB) || ctl < 0)
		goto out;
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	if (n < 0)
		goto out;
	snprintf(dev, len, "/dev/loop%d", n);
	loop = open(dev, O_RDWR);
	if (loop < 0)
		goto out;
	ret = ioctl(loop, LOOP_SET_FD, fd) ? -1 : 0;
	close(loop);
out:
	if (ctl >= 0)
		close(ctl);
	close(fd);
	return ret;
}

/* Detach every loop device over /tmp/@file and remove the file. */
static void drop_loop(const char *file)
{
	char path[64], attr[320], backing[PATH_MAX], dev[300];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/tmp/%s", file);
	if (access(path, F_OK))
		return;
	dir = opendir("/sys/block");
	while (dir && (d = readdir(dir))) {
		FILE *f;
		int ok, fd;

		if (strncmp(d->d_name, "loop", 4))
			continue;
		snprintf(attr, sizeof(attr), "/sys/block/%s/loop/backing_file",
			 d->d_name);
		f = fopen(attr, "r");
		if (!f)
			continue;
		ok = fgets(backing, sizeof(backing), f) != NULL;
		fclose(f);
		backing[strcspn(backing, "\n")] = '\0';
		if (!ok || strcmp(backing, path))
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", d->d_name);
		fd = open(dev, O_RDONLY);
		if (fd >= 0) {
			ioctl(fd, LOOP_CLR_FD);
			close(fd);
		}
	}
	if (dir)
		closedir(dir);
	unlink(path);
}

static int volume_cmd(struct nlt_sock *s, struct nlt_msg *m, uint8_t cmd,
		      const char *name, const char *path)
{
	nlt_cmd(s, m, cmd, 0);
	nlt_nest_start(m, CIMREPL_A_VOLUME);
	nlt_put_str(m, CIMREPL_A_VOLUME_NAME, name);
	if (path)
		nlt_put_str(m, CIMREPL_A_VOLUME_BACKING_PATH, path);
	nlt_nest_end(m);
	return nlt_send(s, m);
}

static int pool_cmd(struct nlt_sock *s, struct nlt_msg *m, uint8_t cmd,
		    const char *name, const char *path, bool format)
{
	nlt_cmd(s, m, cmd, 0);
	nlt_nest_start(m, CIMREPL_A_POOL);
	nlt_put_str(m, CIMREPL_A_POOL_NAME, name);
	if (path)
		nlt_put_str(m, CIMREPL_A_POOL_PATH, path);
	if (format) {
		nlt_put_u32(m, CIMREPL_A_POOL_CHUNK_SIZE, CHUNK);
		nlt_put(m, CIMREPL_A_POOL_FORMAT, NULL, 0);
	}
	nlt_nest_end(m);
	return nlt_send(s, m);
}

/* One element of a replica request; NULL members are left out. */
struct elem {
	const char *source;
	const char *target;
	const char *path;
	const char *pool;
};

/* Replicas of @type of each element in one request; NO_ATTR: absent. */
static int replica_list(struct nlt_sock *s, struct nlt_msg *m, int type,
			const struct elem *e, unsigned int n, int mode,
			int64_t throttle)
{
	unsigned int i;

	nlt_cmd(s, m, CIMREPL_CMD_REPLICA_CREATE_LIST, 0);
	nlt_put_u16(m, CIMREPL_A_SYNC_TYPE, type);
	if (mode != NO_ATTR)
		nlt_put_u16(m, CIMREPL_A_MODE, mode);
	if (throttle != NO_ATTR)
		nlt_put_u32(m, CIMREPL_A_THROTTLE, throttle);
	nlt_nest_start(m, CIMREPL_A_ELEMENTS);
	for (i = 0; i < n; i++) {
		nlt_nest_start(m, i);
		if (e[i].source)
			nlt_put_str(m, CIMREPL_A_ELEM_SOURCE, e[i].source);
		if (e[i].target)
			nlt_put_str(m, CIMREPL_A_ELEM_TARGET_NAME, e[i].target);
		if (e[i].path)
			nlt_put_str(m, CIMREPL_A_ELEM_TARGET_PATH, e[i].path);
		if (e[i].pool)
			nlt_put_str(m, CIMREPL_A_ELEM_POOL, e[i].pool);
		nlt_nest_end(m);
	}
	nlt_nest_end(m);
	return nlt_send(s, m);
}

static int mirror_list(struct nlt_sock *s, struct nlt_msg *m,
		       const struct elem *e, unsigned int n, int mode,
		       int64_t throttle)
{
	return replica_list(s, m, CIMREPL_SYNC_TYPE_MIRROR, e, n, mode, throttle);
}

/* Mirror o0 as m0 onto @path in @mode, its initial copy at @throttle. */
static int mirror_o0(struct nlt_sock *s, struct nlt_msg *m, const char *path,
		     int mode, int64_t throttle)
{
	const struct elem e = { "o0", "m0", path, "p0" };

	return mirror_list(s, m, &e, 1, mode, throttle);
}

static int modify(struct nlt_sock *s, struct nlt_msg *m, uint16_t op,
		  const char *target)
{
	nlt_cmd(s, m, CIMREPL_CMD_SYNC_MODIFY_LIST, 0);
	nlt_put_u16(m, CIMREPL_A_OPERATION, op);
	nlt_nest_start(m, CIMREPL_A_ELEMENTS);
	nlt_nest_start(m, 0);
	nlt_put_str(m, CIMREPL_A_ELEM_TARGET_NAME, target);
	nlt_nest_end(m);
	nlt_nest_end(m);
	return nlt_send(s, m);
}

static int delete_replica(struct nlt_sock *s, struct nlt_msg *m,
			  const char *target)
{
	nlt_cmd(s, m, CIMREPL_CMD_REPLICA_DELETE, 0);
	nlt_nest_start(m, CIMREPL_A_SYNC);
	nlt_put_str(m, CIMREPL_A_SYNC_TARGET, target);
	nlt_nest_end(m);
	return nlt_send(s, m);
}

/* SYNC_SET of @target's MAX_LAG_MS. */
static int set_max_lag(struct nlt_sock *s, struct nlt_msg *m,
		       const char *target, uint32_t ms)
{
	nlt_cmd(s, m, CIMREPL_CMD_SYNC_SET, 0);
	nlt_nest_start(m, CIMREPL_A_SYNC);
	nlt_put_str(m, CIMREPL_A_SYNC_TARGET, target);
	nlt_put_u32(m, CIMREPL_A_SYNC_MAX_LAG_MS, ms);
	nlt_nest_end(m);
	return nlt_send(s, m);
}

static int sync_count(struct nlt_sock *s, struct nlt_msg *m)
{
	nlt_cmd(s, m, CIMREPL_CMD_SYNC_GET, NLM_F_DUMP);
	return nlt_send(s, m) ? -1 : (int)s->dump_count;
}

static int volume_count(struct nlt_sock *s, struct nlt_msg *m)
{
	nlt_cmd(s, m, CIMREPL_CMD_VOLUME_GET, NLM_F_DUMP);
	return nlt_send(s, m) ? -1 : (int)s->dump_count;
}

/* CIMREPL_A_VOLUME_@attr of volume @name, (uint64_t)-1 if none. */
static uint64_t volume_attr(struct nlt_sock *s, struct nlt_msg *m,
			    const char *name, int attr)
{
	struct nlattr *a;

	if (volume_cmd(s, m, CIMREPL_CMD_VOLUME_GET, name, NULL))
		return (uint64_t)-1;
	a = nlt_reply_nested(s, CIMREPL_A_VOLUME, attr);
	return a ? nlt_uint(a) : (uint64_t)-1;
}

static uint64_t sync_attr(struct nlt_sock *s, struct nlt_msg *m, int attr)
{
	return nlt_sync_attr(s, m, "m0", attr);
}

static int copy_state(struct nlt_sock *s, struct nlt_msg *m, const char *target)
{
	return (int)nlt_sync_attr(s, m, target, CIMREPL_A_SYNC_COPY_STATE);
}

/* Where @target's synchronization stands, as a diagnostic line. */
static void log_sync(struct nlt_sock *s, struct nlt_msg *m, const char *target)
{
	static const struct { int attr; const char *name; } show[] = {
		{ CIMREPL_A_SYNC_COPY_STATE, "CopyState" },
		{ CIMREPL_A_SYNC_PROGRESS_STATUS, "ProgressStatus" },
		{ CIMREPL_A_SYNC_CHUNKS_DONE, "done" },
		{ CIMREPL_A_SYNC_CHUNKS_TOTAL, "total" },
		{ CIMREPL_A_SYNC_DIRTY, "dirty" },
		{ CIMREPL_A_SYNC_THROTTLE, "throttle" },
		{ CIMREPL_A_SYNC_BACKLOG, "backlog" },
		{ CIMREPL_A_SYNC_ERROR, "error" },
	};
	unsigned int i;

	fprintf(stderr, "# %s:", target);
	for (i = 0; i < sizeof(show) / sizeof(show[0]); i++)
		fprintf(stderr, " %s %lld", show[i].name,
			(long long)nlt_sync_attr(s, m, target, show[i].attr));
	fprintf(stderr, "\n");
}

/* Poll @target's CopyState until it is @state; the state last seen. */
static int wait_state(struct nlt_sock *s, struct nlt_msg *m, const char *target,
		      int state)
{
	int64_t deadline = nlt_now_ms() + WAIT_MS;
	int now;

	/* (a state of -1: no such synchronization, nothing to wait for) */
	while ((now = copy_state(s, m, target)) != state && now != -1 &&
	       nlt_now_ms() < deadline)
		usleep(20 * 1000);
	if (now != state)
		log_sync(s, m, target);
	return now;
}

/*
 * Poll m0's @attr until it is @value (10 s at most); the value last seen.
 * An asynchronous mirror's BACKLOG reaching 0 means the target has every
 * write the source acknowledged; DIRTY reaching 0, that the log is clean.
 */
static uint64_t wait_attr(struct nlt_sock *s, struct nlt_msg *m, int attr,
			  uint64_t value)
{
	int64_t deadline = nlt_now_ms() + 10 * 1000;
	uint64_t now;

	while ((now = sync_attr(s, m, attr)) != value && nlt_now_ms() < deadline)
		usleep(20 * 1000);
	return now;
}

/* An asynchronous mirror's target has caught up (a synchronous one has). */
static uint64_t wait_caught_up(struct nlt_sock *s, struct nlt_msg *m, int mode)
{
	if (mode != CIMREPL_MODE_ASYNCHRONOUS)
		return 0;
	return wait_attr(s, m, CIMREPL_A_SYNC_BACKLOG, 0);
}

static unsigned char pattern_byte(int seed, size_t i)
{
	return (unsigned char)(seed * 31 + (i / 512) * 7 + i);
}

/* Fill [@off, @off + @len) of @dev with the pattern of @seed; 0 or -errno. */
static int write_pattern(const char *dev, off_t off, size_t len, int seed)
{
	unsigned char *buf;
	size_t i;
	int fd, ret = 0;

	if (posix_memalign((void **)&buf, 4096, len))
		return -ENOMEM;
	for (i = 0; i < len; i++)
		buf[i] = pattern_byte(seed, off + i);
	fd = open(dev, O_WRONLY | O_DIRECT);
	if (fd < 0 || pwrite(fd, buf, len, off) != (ssize_t)len || fsync(fd))
		ret = errno ? -errno : -EIO;
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

/*
 * Does [@off, @off + @len) of @dev hold the pattern of @seed? 0 yes, 1 no
 * (the first difference is logged), -1 the device could not be read.
 */
static int check_pattern(const char *dev, off_t off, size_t len, int seed)
{
	unsigned char *buf;
	size_t i;
	int fd, ret = 0;

	if (posix_memalign((void **)&buf, 4096, len))
		return -1;
	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0 || pread(fd, buf, len, off) != (ssize_t)len) {
		ret = -1;
	} else {
		for (i = 0; i < len; i++) {
			if (buf[i] != pattern_byte(seed, off + i)) {
				fprintf(stderr, "# %s: byte %lld is not pattern %d\n",
					dev, (long long)(off + i), seed);
				ret = 1;
				break;
			}
		}
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

/* The first SOURCE_BYTES of @dev, read with O_DIRECT; NULL on error. */
static unsigned char *read_all(const char *dev)
{
	unsigned char *buf;
	int fd;

	if (posix_memalign((void **)&buf, 4096, SOURCE_BYTES))
		return NULL;
	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0 || pread(fd, buf, SOURCE_BYTES, 0) != SOURCE_BYTES) {
		free(buf);
		buf = NULL;
	}
	if (fd >= 0)
		close(fd);
	return buf;
}

/*
 * Does @dev hold exactly @want (SOURCE_BYTES)? 0 yes, 1 no (the first
 * differing 4 KiB block is logged), -1 it could not be read.
 */
static int same_as(const char *dev, const unsigned char *want)
{
	unsigned char *got = read_all(dev);
	off_t off;
	int ret = 0;

	if (!got || !want) {
		free(got);
		return -1;
	}
	for (off = 0; off < SOURCE_BYTES; off += 4096) {
		if (memcmp(got + off, want + off, 4096)) {
			fprintf(stderr, "# %s: the 4 KiB block at %lld differs\n",
				dev, (long long)off);
			ret = 1;
			break;
		}
	}
	free(got);
	return ret;
}

/* Do @a and @b hold the same first SOURCE_BYTES? As same_as(). */
static int same_data(const char *a, const char *b)
{
	unsigned char *want = read_all(a);
	int ret = same_as(b, want);

	free(want);
	return ret;
}

/* Can @dev be opened exclusively (nothing holds it)? */
static bool is_free(const char *dev)
{
	int fd = open(dev, O_RDONLY | O_EXCL);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Does the module have the mirror engine (SyncType 6)? */
static bool has_mirror_engine(struct nlt_sock *s, struct nlt_msg *m)
{
	struct nlattr *caps, *a;

	nlt_cmd(s, m, CIMREPL_CMD_GET_INFO, 0);
	if (nlt_send(s, m))
		return false;
	caps = nlt_reply_find(s, CIMREPL_A_CAPS);
	if (!caps)
		return false;
	nlt_for_each_attr(a, nlt_data(caps), nlt_len(caps))
		if (nlt_type(a) == CIMREPL_A_CAPS_SYNC_TYPE &&
		    nlt_uint(a) == CIMREPL_SYNC_TYPE_MIRROR)
			return true;
	return false;
}

/*
 * Remove whatever a test made, whether it ended well or not; a test killed
 * by its timeout skips its teardown, so the next setup runs this too.
 */
static void cleanup(struct nlt_sock *s, struct nlt_msg *m)
{
	static const char *const files[] = {
		"mirror-src", "mirror-pool", "mirror-tgt", "mirror-src1",
		"mirror-tgt1", "mirror-small", "mirror-pool1",
	};
	static const char *const names[] = { "m0", "m1", "s0" };
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		delete_replica(s, m, names[i]);
		/* detached mirrors are plain volumes */
		volume_cmd(s, m, CIMREPL_CMD_VOLUME_DELETE, names[i], NULL);
	}
	pool_cmd(s, m, CIMREPL_CMD_POOL_DELETE, "p0", NULL, false);
	pool_cmd(s, m, CIMREPL_CMD_POOL_DELETE, "p1", NULL, false);
	volume_cmd(s, m, CIMREPL_CMD_VOLUME_DELETE, "o1", NULL);
	volume_cmd(s, m, CIMREPL_CMD_VOLUME_DELETE, "o0", NULL);
	if (!access("/dev/mapper/" DM_TARGET, F_OK))
		sh("DM_DISABLE_UDEV=1 dmsetup remove --noudevsync %s", DM_TARGET);
	if (!access("/dev/mapper/" DM_POOL, F_OK))
		sh("DM_DISABLE_UDEV=1 dmsetup remove --noudevsync %s", DM_POOL);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		drop_loop(files[i]);
}

/* The devices both fixtures start from: o0 over a loop device, pattern A
 * on it, a pool p0 and a target of o0's size, nothing mirrored yet.
 */
struct bench {
	struct nlt_sock s;
	struct nlt_msg m;
	char source_dev[32];
	char pool_dev[32];
	char target_dev[32];
};

/*
 * MIRROR_TEST_ONLY=TEXT in the environment runs only the tests whose name
 * contains TEXT (a help while debugging: the whole test takes minutes
 * under TCG).
 */
static bool filtered_out(const char *name)
{
	const char *only = getenv("MIRROR_TEST_ONLY");

	return only && *only && !strstr(name, only);
}

/* 0: ready; 1: no mirror engine; 2: filtered out; -1: the set-up failed. */
static int bench_setup(struct bench *b, const char *test)
{
	if (nlt_open(&b->s))
		return -1;
	if (filtered_out(test))
		return 2;
	if (!has_mirror_engine(&b->s, &b->m))
		return 1;
	cleanup(&b->s, &b->m);
	if (make_loop("mirror-src", SOURCE_MIB, b->source_dev,
		      sizeof(b->source_dev)) ||
	    make_loop("mirror-pool", POOL_MIB, b->pool_dev, sizeof(b->pool_dev)) ||
	    make_loop("mirror-tgt", SOURCE_MIB, b->target_dev,
		      sizeof(b->target_dev)))
		return -1;
	if (volume_cmd(&b->s, &b->m, CIMREPL_CMD_VOLUME_CREATE, "o0",
		       b->source_dev) ||
	    pool_cmd(&b->s, &b->m, CIMREPL_CMD_POOL_CREATE, "p0", b->pool_dev,
		     true)) {
		fprintf(stderr, "# set-up: %s\n", b->s.ext_msg);
		return -1;
	}
	return write_pattern("/dev/cimrepl/o0", 0, SOURCE_BYTES, PAT_A) ? -1 : 0;
}

FIXTURE(mirror) {
	struct bench b;
};

FIXTURE_VARIANT(mirror) {
	int mode;
};

FIXTURE_VARIANT_ADD(mirror, sync) {
	.mode = CIMREPL_MODE_SYNCHRONOUS,
};

FIXTURE_VARIANT_ADD(mirror, async) {
	.mode = CIMREPL_MODE_ASYNCHRONOUS,
};

FIXTURE_SETUP(mirror)
{
	int ret = bench_setup(&self->b, _metadata->name);

	if (ret == 1)
		SKIP(return, "the module has no mirror engine (SyncType 6)");
	if (ret == 2)
		SKIP(return, "not in MIRROR_TEST_ONLY");
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(mirror)
{
	cleanup(&self->b.s, &self->b.m);
	nlt_close(&self->b.s);
}

/*
 * Mirror o0 onto @path in the variant's mode, unthrottled, and wait for
 * Synchronized with a clean log and (asynchronous) an empty backlog.
 */
#define MIRROR_SYNCHRONIZED(path) do {					\
	ASSERT_EQ(0, mirror_o0(s, m, (path), variant->mode, NO_ATTR))	\
		TH_LOG("%s", s->ext_msg);				\
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,			\
		  wait_state(s, m, "m0", CIMREPL_COPY_STATE_SYNCHRONIZED)); \
	ASSERT_EQ(0, wait_caught_up(s, m, variant->mode));		\
	EXPECT_EQ(0, wait_attr(s, m, CIMREPL_A_SYNC_DIRTY, 0))		\
		TH_LOG("a Synchronized mirror with regions left to copy"); \
} while (0)

/* Region @k of the log at @in bytes into it (4 KiB aligned). */
static off_t region(int k, off_t in)
{
	return (off_t)k * CHUNK + in;
}

/* Write 4 KiB of @seed at @off of @dev with O_DIRECT; 0 or -errno. */
static int write_4k(const char *dev, off_t off, int seed)
{
	return write_pattern(dev, off, 4096, seed);
}

TEST_F_TIMEOUT(mirror, the_initial_copy_makes_the_target_equal_the_source, 120)
{
	struct nlt_sock *s = &self->b.s;
	struct nlt_msg *m = &self->b.m;
	struct nlattr *a;

	NEED_ENGINE();
	ASSERT_EQ(0, mirror_o0(s, m, self->b.target_dev, variant->mode, NO_ATTR))
		TH_LOG("%s", s->ext_msg);
	/* the reply: one sync nest describing the new mirror */
	a = nlt_reply_nested(s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_SYNC_TYPE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(CIMREPL_SYNC_TYPE_MIRROR, nlt_uint(a));
	a = nlt_reply_nested(s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_MODE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(variant->mode, nlt_uint(a));
	a = nlt_reply_nested(s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_SOURCE);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ("o0", (char *)nlt_data(a));

	/* the mirror device shows the target, the source's size */
	EXPECT_EQ(CIMREPL_ROLE_MIRROR,
		  volume_attr(s, m, "m0", CIMREPL_A_VOLUME_ROLE));
	EXPECT_EQ((uint64_t)SOURCE_BYTES,
		  volume_attr(s, m, "m0", CIMREPL_A_VOLUME_SIZE));
	EXPECT_EQ(1, volume_attr(s, m, "o0", CIMREPL_A_VOLUME_REPLICAS));
	EXPECT_FALSE(is_free(self->b.target_dev));

	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(s, m, "m0", CIMREPL_COPY_STATE_SYNCHRONIZED));
	ASSERT_EQ(0, nlt_sync_get(s, m, "m0"));
	a = nlt_reply_nested(s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_CHUNK_SIZE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(CHUNK, nlt_uint(a));
	a = nlt_reply_nested(s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_CHUNKS_TOTAL);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(REGIONS, nlt_uint(a));
	a = nlt_reply_nested(s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_CHUNKS_DONE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(REGIONS, nlt_uint(a));
	EXPECT_NE(NULL, nlt_reply_nested(s, CIMREPL_A_SYNC,
					 CIMREPL_A_SYNC_WHEN_ESTABLISHED));
	EXPECT_NE(NULL, nlt_reply_nested(s, CIMREPL_A_SYNC,
					 CIMREPL_A_SYNC_WHEN_SYNCHRONIZED));
	if (variant->mode == CIMREPL_MODE_ASYNCHRONOUS) {
		a = nlt_reply_nested(s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_MAX_LAG_MS);
		ASSERT_NE(NULL, a);
		EXPECT_EQ(CIMREPL_MIRROR_MAX_LAG_MS_DEFAULT, nlt_uint(a));
		EXPECT_NE(NULL, nlt_reply_nested(s, CIMREPL_A_SYNC,
						 CIMREPL_A_SYNC_BACKLOG));
		EXPECT_NE(NULL, nlt_reply_nested(s, CIMREPL_A_SYNC,
						 CIMREPL_A_SYNC_LAG_MS));
	}

	/* byte for byte, on the target itself and through the mirror device */
	EXPECT_EQ(0, same_data(self->b.source_dev, self->b.target_dev));
	EXPECT_EQ(0, check_pattern(self->b.target_dev, 0, SOURCE_BYTES, PAT_A));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/m0", 0, SOURCE_BYTES, PAT_A));
	EXPECT_EQ(0, wait_attr(s, m, CIMREPL_A_SYNC_DIRTY, 0));
}

TEST_F_TIMEOUT(mirror, writes_follow_and_the_mirror_device_refuses_them, 120)
{
	struct nlt_sock *s = &self->b.s;
	struct nlt_msg *m = &self->b.m;
	const char *tgt = self->b.target_dev;
	const off_t odd = 5 * CHUNK - 4096;	/* chunk-crossing */
	int i;

	NEED_ENGINE();
	MIRROR_SYNCHRONIZED(tgt);

	/* the mirror device shows the target, and refuses writes */
	EXPECT_EQ(-EIO, write_4k("/dev/cimrepl/m0", region(1, 0), PAT_B));
	EXPECT_EQ(-EIO, write_pattern("/dev/cimrepl/m0", 0, MIB, PAT_B));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/m0", 0, SOURCE_BYTES, PAT_A));
	EXPECT_EQ(0, check_pattern(tgt, 0, SOURCE_BYTES, PAT_A));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 0, SOURCE_BYTES, PAT_A));
	EXPECT_EQ(0, sync_attr(s, m, CIMREPL_A_SYNC_DIRTY));

	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", odd, 3 * 4096, PAT_B));
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", SOURCE_BYTES - MIB, MIB,
				   PAT_C));
	if (variant->mode == CIMREPL_MODE_SYNCHRONOUS) {
		/* already there when the write returned */
		EXPECT_EQ(0, check_pattern(tgt, odd, 3 * 4096, PAT_B));
		EXPECT_EQ(0, check_pattern(tgt, SOURCE_BYTES - MIB, MIB, PAT_C));
	}
	/* and, one after the other, 4 KiB writes each checked at once */
	for (i = 0; i < 12; i++) {	/* (regions 2 to 46) */
		off_t off = region(4 * i + 2, (i % 4) * 4096);

		ASSERT_EQ(0, write_4k("/dev/cimrepl/o0", off, PAT_D));
		if (variant->mode == CIMREPL_MODE_SYNCHRONOUS)
			EXPECT_EQ(0, check_pattern(tgt, off, 4096, PAT_D))
				TH_LOG("write %d did not reach the target", i);
	}
	EXPECT_EQ(0, wait_caught_up(s, m, variant->mode));
	EXPECT_EQ(0, same_data(self->b.source_dev, tgt));
	EXPECT_EQ(0, check_pattern(tgt, odd, 3 * 4096, PAT_B));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/m0", SOURCE_BYTES - MIB, MIB,
				   PAT_C));
	EXPECT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED, copy_state(s, m, "m0"));
	if (variant->mode == CIMREPL_MODE_ASYNCHRONOUS)
		EXPECT_EQ(0, sync_attr(s, m, CIMREPL_A_SYNC_BACKLOG));
}

/*
 * Operations that make no sense in the state @what: each is refused with
 * -EINVAL and a message naming the state, and the state stays.
 */
static void refused_in(struct __test_metadata *_metadata, struct nlt_sock *s,
		       struct nlt_msg *m, const uint16_t *ops, unsigned int n,
		       int state, const char *what)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		EXPECT_EQ(-EINVAL, modify(s, m, ops[i], "m0"))
			TH_LOG("operation %u in %s", ops[i], what);
		EXPECT_NE(NULL, strstr(s->ext_msg, what))
			TH_LOG("operation %u in %s: \"%s\"", ops[i], what,
			       s->ext_msg);
		EXPECT_EQ(state, copy_state(s, m, "m0"))
			TH_LOG("operation %u in %s", ops[i], what);
	}
}

TEST_F_TIMEOUT(mirror, fracture_logs_both_sides_and_resync_copies_only_that, 120)
{
	static const uint16_t in_sync[] = {
		CIMREPL_OP_RESUME, CIMREPL_OP_RESYNC_REPLICA,
		CIMREPL_OP_RESTORE_FROM_REPLICA,
	};
	static const uint16_t in_fractured[] = {
		CIMREPL_OP_FRACTURE, CIMREPL_OP_SPLIT, CIMREPL_OP_RESUME,
		CIMREPL_OP_SUSPEND,
	};
	struct nlt_sock *s = &self->b.s;
	struct nlt_msg *m = &self->b.m;
	const char *tgt = self->b.target_dev;
	struct nlt_sock ev;
	uint64_t dirty;
	int state;

	NEED_ENGINE();
	ASSERT_EQ(0, nlt_open(&ev));
	ASSERT_EQ(0, nlt_join_events(&ev));
	MIRROR_SYNCHRONIZED(tgt);
	refused_in(_metadata, s, m, in_sync, 3, CIMREPL_COPY_STATE_SYNCHRONIZED,
		   "Synchronized");

	ASSERT_EQ(0, modify(s, m, CIMREPL_OP_FRACTURE, "m0")) TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(CIMREPL_COPY_STATE_FRACTURED, copy_state(s, m, "m0"));
	EXPECT_EQ(0, nlt_wait_event(&ev, CIMREPL_EVENT_STATE_CHANGED, "m0",
				    CIMREPL_COPY_STATE_FRACTURED, 5000));
	EXPECT_EQ(0, sync_attr(s, m, CIMREPL_A_SYNC_DIRTY));
	refused_in(_metadata, s, m, in_fractured, 4,
		   CIMREPL_COPY_STATE_FRACTURED, "Fractured");

	/* three regions written on the source (twice in one of them) ... */
	ASSERT_EQ(0, write_4k("/dev/cimrepl/o0", region(3, 0), PAT_B));
	ASSERT_EQ(0, write_4k("/dev/cimrepl/o0", region(3, 8192), PAT_B));
	ASSERT_EQ(0, write_4k("/dev/cimrepl/o0", region(10, 4096), PAT_B));
	ASSERT_EQ(0, write_4k("/dev/cimrepl/o0", region(20, 0), PAT_B));
	/* ... do not reach the target */
	EXPECT_EQ(0, check_pattern(tgt, 0, SOURCE_BYTES, PAT_A));
	EXPECT_EQ(3, sync_attr(s, m, CIMREPL_A_SYNC_DIRTY));
	/* the target is writable now: one region in common, one of its own */
	EXPECT_EQ(0, write_4k("/dev/cimrepl/m0", region(20, 4096), PAT_C));
	EXPECT_EQ(0, write_4k("/dev/cimrepl/m0", region(40, 0), PAT_C));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/m0", region(40, 0), 4096, PAT_C));
	EXPECT_EQ(0, check_pattern(tgt, region(20, 4096), 4096, PAT_C));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", region(40, 0), 4096, PAT_A));
	dirty = sync_attr(s, m, CIMREPL_A_SYNC_DIRTY);
	EXPECT_EQ(4, dirty);

	ASSERT_EQ(0, modify(s, m, CIMREPL_OP_RESYNC_REPLICA, "m0"))
		TH_LOG("%s", s->ext_msg);
	state = copy_state(s, m, "m0");
	EXPECT_TRUE(state == CIMREPL_COPY_STATE_UNSYNCHRONIZED ||
		    state == CIMREPL_COPY_STATE_SYNCHRONIZED) TH_LOG("state %d", state);
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(s, m, "m0", CIMREPL_COPY_STATE_SYNCHRONIZED));
	/* the resync copied the logged regions, no more */
	EXPECT_EQ(dirty, sync_attr(s, m, CIMREPL_A_SYNC_CHUNKS_TOTAL));
	EXPECT_EQ(dirty, sync_attr(s, m, CIMREPL_A_SYNC_CHUNKS_DONE));
	EXPECT_EQ(0, wait_attr(s, m, CIMREPL_A_SYNC_DIRTY, 0));
	EXPECT_EQ(0, same_data(self->b.source_dev, tgt));
	EXPECT_EQ(0, check_pattern(tgt, region(40, 0), 4096, PAT_A));
	EXPECT_EQ(0, check_pattern(tgt, region(20, 0), 4096, PAT_B));
	/* and it follows again */
	EXPECT_EQ(-EIO, write_4k("/dev/cimrepl/m0", region(40, 0), PAT_C));
	ASSERT_EQ(0, write_4k("/dev/cimrepl/o0", region(50, 0), PAT_D));
	EXPECT_EQ(0, wait_caught_up(s, m, variant->mode));
	EXPECT_EQ(0, check_pattern(tgt, region(50, 0), 4096, PAT_D));
	nlt_close(&ev);
}

TEST_F_TIMEOUT(mirror, suspend_holds_the_target_and_resume_catches_up, 120)
{
	static const uint16_t in_suspended[] = {
		CIMREPL_OP_SUSPEND, CIMREPL_OP_SPLIT, CIMREPL_OP_RESYNC_REPLICA,
	};
	struct nlt_sock *s = &self->b.s;
	struct nlt_msg *m = &self->b.m;
	const char *tgt = self->b.target_dev;

	NEED_ENGINE();
	MIRROR_SYNCHRONIZED(tgt);
	ASSERT_EQ(0, modify(s, m, CIMREPL_OP_SUSPEND, "m0")) TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(CIMREPL_COPY_STATE_SUSPENDED, copy_state(s, m, "m0"));
	EXPECT_NE((uint64_t)-1, sync_attr(s, m, CIMREPL_A_SYNC_WHEN_SUSPENDED));
	refused_in(_metadata, s, m, in_suspended, 3,
		   CIMREPL_COPY_STATE_SUSPENDED, "Suspended");

	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", region(6, 0), 2 * CHUNK,
				   PAT_B));
	EXPECT_EQ(0, check_pattern(tgt, 0, SOURCE_BYTES, PAT_A));
	/* still read-only */
	EXPECT_EQ(-EIO, write_4k("/dev/cimrepl/m0", region(30, 0), PAT_C));
	EXPECT_EQ(2, sync_attr(s, m, CIMREPL_A_SYNC_DIRTY));

	ASSERT_EQ(0, modify(s, m, CIMREPL_OP_RESUME, "m0")) TH_LOG("%s", s->ext_msg);
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(s, m, "m0", CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_EQ(2, sync_attr(s, m, CIMREPL_A_SYNC_CHUNKS_TOTAL));
	EXPECT_EQ(0, wait_caught_up(s, m, variant->mode));
	EXPECT_EQ(0, same_data(self->b.source_dev, tgt));
	EXPECT_EQ(0, check_pattern(tgt, region(6, 0), 2 * CHUNK, PAT_B));
}

TEST_F_TIMEOUT(mirror, split_leaves_the_target_at_the_source_of_that_instant, 120)
{
	static const uint16_t in_split[] = {
		CIMREPL_OP_SPLIT, CIMREPL_OP_FRACTURE, CIMREPL_OP_RESUME,
	};
	struct nlt_sock *s = &self->b.s;
	struct nlt_msg *m = &self->b.m;
	const char *tgt = self->b.target_dev;
	unsigned char *at_split;
	uint64_t backlog;
	int fd, i;
	char *buf;

	NEED_ENGINE();
	if (variant->mode == CIMREPL_MODE_ASYNCHRONOUS) {
		/* a target slower than the source: the backlog grows */
		ASSERT_EQ(0, sh("modprobe dm-delay && DM_DISABLE_UDEV=1 dmsetup create --noudevsync %s --table '0 %llu delay %s 0 0 %s 0 50'",
				DM_TARGET, (unsigned long long)SOURCE_BYTES / 512,
				tgt, tgt));
		tgt = "/dev/mapper/" DM_TARGET;
	}
	MIRROR_SYNCHRONIZED(tgt);
	if (variant->mode == CIMREPL_MODE_ASYNCHRONOUS)
		ASSERT_EQ(0, set_max_lag(s, m, "m0", 10000)) TH_LOG("%s", s->ext_msg);

	/* a burst of writes all over the source, then the split at once */
	fd = open("/dev/cimrepl/o0", O_WRONLY | O_DIRECT);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, posix_memalign((void **)&buf, 4096, 4096));
	srandom(5);
	for (i = 0; i < 512; i++) {
		off_t off = (off_t)(random() % (SOURCE_BYTES / 4096)) * 4096;

		memset(buf, i & 0xff, 4096);
		memcpy(buf, &i, sizeof(i));
		ASSERT_EQ(4096, pwrite(fd, buf, 4096, off));
	}
	backlog = sync_attr(s, m, CIMREPL_A_SYNC_BACKLOG);
	ASSERT_EQ(0, modify(s, m, CIMREPL_OP_SPLIT, "m0")) TH_LOG("%s", s->ext_msg);
	if (variant->mode == CIMREPL_MODE_ASYNCHRONOUS)
		EXPECT_LT(0, backlog) TH_LOG("no backlog to drain: nothing was proved");
	at_split = read_all(self->b.source_dev);
	ASSERT_NE(NULL, at_split);
	EXPECT_EQ(CIMREPL_COPY_STATE_SPLIT, copy_state(s, m, "m0"));
	EXPECT_EQ(0, same_as(tgt, at_split));
	refused_in(_metadata, s, m, in_split, 3, CIMREPL_COPY_STATE_SPLIT, "Split");

	/* later writes to the source stay there; the target is writable */
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 0, CHUNK, PAT_C));
	EXPECT_EQ(0, same_as(tgt, at_split));
	EXPECT_EQ(0, write_4k("/dev/cimrepl/m0", region(50, 0), PAT_D));
	EXPECT_EQ(2, sync_attr(s, m, CIMREPL_A_SYNC_DIRTY));

	/* a resync from Split ends it */
	ASSERT_EQ(0, modify(s, m, CIMREPL_OP_RESYNC_REPLICA, "m0"))
		TH_LOG("%s", s->ext_msg);
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(s, m, "m0", CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_EQ(2, sync_attr(s, m, CIMREPL_A_SYNC_CHUNKS_TOTAL));
	EXPECT_EQ(0, same_data(self->b.source_dev, tgt));
	close(fd);
	free(buf);
	free(at_split);
}

TEST_F_TIMEOUT(mirror, restore_copies_the_target_back_onto_the_source, 120)
{
	struct nlt_sock *s = &self->b.s;
	struct nlt_msg *m = &self->b.m;
	const char *tgt = self->b.target_dev;
	int state;

	NEED_ENGINE();
	MIRROR_SYNCHRONIZED(tgt);

	/* from Fractured: the source's writes undone, the target's taken */
	ASSERT_EQ(0, modify(s, m, CIMREPL_OP_FRACTURE, "m0")) TH_LOG("%s", s->ext_msg);
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", region(4, 0), CHUNK, PAT_B));
	ASSERT_EQ(0, write_4k("/dev/cimrepl/m0", region(60, 4096), PAT_C));
	ASSERT_EQ(0, modify(s, m, CIMREPL_OP_RESTORE_FROM_REPLICA, "m0"))
		TH_LOG("%s", s->ext_msg);
	state = copy_state(s, m, "m0");
	EXPECT_NE(CIMREPL_COPY_STATE_FRACTURED, state);
	TH_LOG("restoring: CopyState %d, ProgressStatus %lld", state,
	       (long long)sync_attr(s, m, CIMREPL_A_SYNC_PROGRESS_STATUS));
	/* the source is online meanwhile, and shows the target's data */
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", region(60, 4096), 4096,
				   PAT_C));
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(s, m, "m0", CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_EQ(0, wait_caught_up(s, m, variant->mode));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", region(4, 0), CHUNK, PAT_A));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", region(60, 4096), 4096,
				   PAT_C));
	EXPECT_EQ(0, check_pattern(self->b.source_dev, region(4, 0), CHUNK, PAT_A));
	EXPECT_EQ(0, same_data(self->b.source_dev, tgt));
	EXPECT_EQ(0, wait_attr(s, m, CIMREPL_A_SYNC_DIRTY, 0));

	/* from Suspended: the source's writes undone */
	ASSERT_EQ(0, modify(s, m, CIMREPL_OP_SUSPEND, "m0")) TH_LOG("%s", s->ext_msg);
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", region(40, 0), CHUNK, PAT_D));
	ASSERT_EQ(0, modify(s, m, CIMREPL_OP_RESTORE_FROM_REPLICA, "m0"))
		TH_LOG("%s", s->ext_msg);
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(s, m, "m0", CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_EQ(0, wait_caught_up(s, m, variant->mode));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", region(40, 0), CHUNK, PAT_A));
	EXPECT_EQ(0, same_data(self->b.source_dev, tgt));
	/* and it follows again */
	ASSERT_EQ(0, write_4k("/dev/cimrepl/o0", region(41, 0), PAT_D));
	EXPECT_EQ(0, wait_caught_up(s, m, variant->mode));
	EXPECT_EQ(0, check_pattern(tgt, region(41, 0), 4096, PAT_D));
}

TEST_F_TIMEOUT(mirror, detach_leaves_a_volume_over_the_target, 120)
{
	struct nlt_sock *s = &self->b.s;
	struct nlt_msg *m = &self->b.m;
	const char *tgt = self->b.target_dev;

	NEED_ENGINE();
	MIRROR_SYNCHRONIZED(tgt);
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 0, MIB, PAT_B));
	ASSERT_EQ(0, wait_caught_up(s, m, variant->mode));
	ASSERT_EQ(0, modify(s, m, CIMREPL_OP_DETACH, "m0")) TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(-ENOENT, nlt_sync_get(s, m, "m0"));
	EXPECT_EQ(0, sync_count(s, m));
	EXPECT_EQ(CIMREPL_ROLE_VOLUME, volume_attr(s, m, "m0", CIMREPL_A_VOLUME_ROLE));
	EXPECT_EQ(0, volume_attr(s, m, "o0", CIMREPL_A_VOLUME_REPLICAS));
	EXPECT_EQ(0, same_data(self->b.source_dev, "/dev/cimrepl/m0"));

	/* the two go their own ways */
	EXPECT_EQ(0, write_4k("/dev/cimrepl/m0", region(30, 0), PAT_C));
	EXPECT_EQ(0, write_4k("/dev/cimrepl/o0", region(31, 0), PAT_D));
	EXPECT_EQ(0, check_pattern(tgt, region(30, 0), 4096, PAT_C));
	EXPECT_EQ(0, check_pattern(tgt, region(31, 0), 4096, PAT_A));
	EXPECT_EQ(0, check_pattern(self->b.source_dev, region(30, 0), 4096, PAT_A));
	EXPECT_EQ(0, check_pattern(self->b.source_dev, region(31, 0), 4096, PAT_D));
	ASSERT_EQ(0, volume_cmd(s, m, CIMREPL_CMD_VOLUME_DELETE, "m0", NULL))
		TH_LOG("%s", s->ext_msg);
	EXPECT_TRUE(is_free(tgt));
	EXPECT_EQ(0, volume_cmd(s, m, CIMREPL_CMD_VOLUME_DELETE, "o0", NULL))
		TH_LOG("%s", s->ext_msg);
}

TEST_F_TIMEOUT(mirror, operations_during_the_initial_copy, 150)
{
	static const uint16_t in_copy[] = {
		CIMREPL_OP_SPLIT, CIMREPL_OP_RESUME, CIMREPL_OP_RESYNC_REPLICA,
		CIMREPL_OP_RESTORE_FROM_REPLICA,
	};
	struct nlt_sock *s = &self->b.s;
	struct nlt_msg *m = &self->b.m;
	const char *tgt = self->b.target_dev;
	struct nlattr *a;
	uint64_t done;

	NEED_ENGINE();
	ASSERT_EQ(0, mirror_o0(s, m, tgt, variant->mode, SLOW_KIBS))
		TH_LOG("%s", s->ext_msg);
	a = nlt_reply_nested(s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_COPY_STATE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(CIMREPL_COPY_STATE_UNSYNCHRONIZED, nlt_uint(a));
	ASSERT_EQ(0, nlt_sync_get(s, m, "m0"));
	a = nlt_reply_nested(s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_PROGRESS_STATUS);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(CIMREPL_PROGRESS_SYNCHRONIZING, nlt_uint(a));
	a = nlt_reply_nested(s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_THROTTLE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(SLOW_KIBS, nlt_uint(a));
	EXPECT_EQ(REGIONS, sync_attr(s, m, CIMREPL_A_SYNC_CHUNKS_TOTAL));
	EXPECT_GT(REGIONS, sync_attr(s, m, CIMREPL_A_SYNC_CHUNKS_DONE));

	/* the source changes behind and ahead of the copy */
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 0, CHUNK, PAT_B));
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", SOURCE_BYTES - MIB, MIB,
				   PAT_B));
	EXPECT_EQ(-EIO, write_4k("/dev/cimrepl/m0", region(1, 0), PAT_C));
	refused_in(_metadata, s, m, in_copy, 4,
		   CIMREPL_COPY_STATE_UNSYNCHRONIZED, "Unsynchronized");

	/* suspend and resume the copy */
	ASSERT_EQ(0, modify(s, m, CIMREPL_OP_SUSPEND, "m0")) TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(CIMREPL_COPY_STATE_SUSPENDED, copy_state(s, m, "m0"));
	done = sync_attr(s, m, CIMREPL_A_SYNC_CHUNKS_DONE);
	usleep(600 * 1000);
	EXPECT_EQ(done, sync_attr(s, m, CIMREPL_A_SYNC_CHUNKS_DONE))
		TH_LOG("a suspended mirror went on copying");
	ASSERT_EQ(0, modify(s, m, CIMREPL_OP_RESUME, "m0")) TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(CIMREPL_COPY_STATE_UNSYNCHRONIZED, copy_state(s, m, "m0"));

	/* fracture mid-copy: the target is writable, resync finishes it */
	ASSERT_EQ(0, modify(s, m, CIMREPL_OP_FRACTURE, "m0")) TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(CIMREPL_COPY_STATE_FRACTURED, copy_state(s, m, "m0"));
	EXPECT_EQ(0, write_4k("/dev/cimrepl/m0", region(1, 0), PAT_C));
	ASSERT_EQ(0, write_4k("/dev/cimrepl/o0", region(2, 0), PAT_D));
	ASSERT_EQ(0, modify(s, m, CIMREPL_OP_RESYNC_REPLICA, "m0"))
		TH_LOG("%s", s->ext_msg);
	ASSERT_EQ(0, nlt_sync_set_throttle(s, m, "m0", 0)) TH_LOG("%s", s->ext_msg);
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(s, m, "m0", CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_EQ(0, wait_caught_up(s, m, variant->mode));
	EXPECT_EQ(0, same_data(self->b.source_dev, tgt));
	EXPECT_EQ(0, check_pattern(tgt, region(1, 0), 4096, PAT_A));
	EXPECT_EQ(0, check_pattern(tgt, region(2, 0), 4096, PAT_D));
	EXPECT_EQ(0, check_pattern(tgt, SOURCE_BYTES - MIB, MIB, PAT_B));

	/* deleting the mirror lets go of the target, which keeps its bytes */
	EXPECT_EQ(0, delete_replica(s, m, "m0")) TH_LOG("%s", s->ext_msg);
	EXPECT_TRUE(is_free(tgt));
	EXPECT_EQ(0, check_pattern(tgt, region(2, 0), 4096, PAT_D));
}

/*
 * Swap the table of the dm device @name (@sectors long): "linear" over
 * @dev or "error".
 */
static int dm_table(const char *name, unsigned long long sectors,
		    const char *table, const char *dev)
{
	if (!strcmp(table, "error"))
		return sh("DM_DISABLE_UDEV=1 dmsetup load %s --table '0 %llu error' && DM_DISABLE_UDEV=1 dmsetup resume --noudevsync %s",
			  name, sectors, name);
	return sh("DM_DISABLE_UDEV=1 dmsetup load %s --table '0 %llu linear %s 0' && DM_DISABLE_UDEV=1 dmsetup resume --noudevsync %s",
		  name, sectors, dev, name);
}

TEST_F_TIMEOUT(mirror, a_failing_target_breaks_the_mirror_not_the_source, 150)
{
	static const uint16_t in_broken[] = {
		CIMREPL_OP_FRACTURE, CIMREPL_OP_SPLIT, CIMREPL_OP_SUSPEND,
		CIMREPL_OP_RESUME,
	};
	const char *dm = "/dev/mapper/" DM_TARGET;
	struct nlt_sock *s = &self->b.s;
	struct nlt_msg *m = &self->b.m;
	uint64_t dirty;

	NEED_ENGINE();
	ASSERT_EQ(0, sh("DM_DISABLE_UDEV=1 dmsetup create --noudevsync %s --table '0 %llu linear %s 0'",
			DM_TARGET, (unsigned long long)SOURCE_BYTES / 512,
			self->b.target_dev));
	MIRROR_SYNCHRONIZED(dm);

	ASSERT_EQ(0, dm_table(DM_TARGET, SOURCE_BYTES / 512, "error", NULL));
	/* the source takes the write that breaks the mirror, and others */
	EXPECT_EQ(0, write_4k("/dev/cimrepl/o0", region(5, 0), PAT_B));
	ASSERT_EQ(CIMREPL_COPY_STATE_BROKEN,
		  wait_state(s, m, "m0", CIMREPL_COPY_STATE_BROKEN));
	EXPECT_EQ(EIO, sync_attr(s, m, CIMREPL_A_SYNC_ERROR));
	EXPECT_EQ(0, write_4k("/dev/cimrepl/o0", region(15, 4096), PAT_B));
	EXPECT_EQ(0, write_pattern("/dev/cimrepl/o0", region(25, 0), 2 * CHUNK,
				   PAT_C));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", region(5, 0), 4096, PAT_B));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", region(15, 4096), 4096,
				   PAT_B));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", region(25, 0), 2 * CHUNK,
				   PAT_C));
	EXPECT_EQ(0, check_pattern(self->b.source_dev, region(25, 0), 2 * CHUNK,
				   PAT_C));
	/* every region written since is logged, nothing else */
	dirty = sync_attr(s, m, CIMREPL_A_SYNC_DIRTY);
	EXPECT_EQ(4, dirty);
	refused_in(_metadata, s, m, in_broken, 4, CIMREPL_COPY_STATE_BROKEN,
		   "Broken");

	/* the target is back: resync copies the logged regions */
	ASSERT_EQ(0, dm_table(DM_TARGET, SOURCE_BYTES / 512, "linear",
			      self->b.target_dev));
	ASSERT_EQ(0, modify(s, m, CIMREPL_OP_RESYNC_REPLICA, "m0"))
		TH_LOG("%s", s->ext_msg);
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(s, m, "m0", CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_EQ(dirty, sync_attr(s, m, CIMREPL_A_SYNC_CHUNKS_TOTAL));
	EXPECT_EQ(0, wait_caught_up(s, m, variant->mode));
	EXPECT_EQ(0, same_data(self->b.source_dev, dm));
	EXPECT_EQ(0, same_data(self->b.source_dev, self->b.target_dev));
	EXPECT_EQ(0, delete_replica(s, m, "m0")) TH_LOG("%s", s->ext_msg);
}

/* Requests refused, and tunables: the same in either mode. */
FIXTURE(mirror_req) {
	struct bench b;
};

FIXTURE_SETUP(mirror_req)
{
	int ret = bench_setup(&self->b, _metadata->name);

	if (ret == 1)
		SKIP(return, "the module has no mirror engine (SyncType 6)");
	if (ret == 2)
		SKIP(return, "not in MIRROR_TEST_ONLY");
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(mirror_req)
{
	cleanup(&self->b.s, &self->b.m);
	nlt_close(&self->b.s);
}

/* Every bad request fails with an errno and a message and leaves nothing. */
TEST_F_TIMEOUT(mirror_req, bad_requests_leave_nothing_behind, 120)
{
	struct nlt_sock *s = &self->b.s;
	struct nlt_msg *m = &self->b.m;
	char small[32] = "", src1[32] = "";
	const char *tgt = self->b.target_dev;
	const struct {
		const char *what;
		struct elem e;
		int mode;
		int err;
		const char *says;
	} cases[] = {
		{ "no target path", { "o0", "m0", NULL, "p0" },
		  CIMREPL_MODE_SYNCHRONOUS, -EINVAL, "target" },
		{ "no target path, asynchronous", { "o0", "m0", NULL, "p0" },
		  CIMREPL_MODE_ASYNCHRONOUS, -EINVAL, "target" },
		{ "smaller target", { "o0", "m0", small, "p0" }, NO_ATTR,
		  -EINVAL, "smaller" },
		{ "target is the source's backing",
		  { "o0", "m0", self->b.source_dev, "p0" }, NO_ATTR, -EINVAL,
		  NULL },
		{ "unknown pool", { "o0", "m0", tgt, "nopool" }, NO_ATTR,
		  -ENOENT, NULL },
		{ "unknown source", { "nosuch", "m0", tgt, "p0" },
		  CIMREPL_MODE_ASYNCHRONOUS, -ENOENT, NULL },
		{ "target name taken", { "o0", "o1", tgt, "p0" }, NO_ATTR,
		  -EEXIST, NULL },
	};
	unsigned int i;
	int volumes;

	NEED_ENGINE();
	ASSERT_EQ(0, make_loop("mirror-small", SOURCE_MIB / 2, small, sizeof(small)));
	ASSERT_EQ(0, make_loop("mirror-src1", SOURCE_MIB, src1, sizeof(src1)));
	ASSERT_EQ(0, volume_cmd(s, m, CIMREPL_CMD_VOLUME_CREATE, "o1", src1));
	volumes = volume_count(s, m);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_EQ(cases[i].err, mirror_list(s, m, &cases[i].e, 1,
						    cases[i].mode, NO_ATTR))
			TH_LOG("%s", cases[i].what);
		EXPECT_NE('\0', s->ext_msg[0]) TH_LOG("%s: no message",
						      cases[i].what);
		if (cases[i].says)
			EXPECT_NE(NULL, strstr(s->ext_msg, cases[i].says))
				TH_LOG("%s: \"%s\"", cases[i].what, s->ext_msg);
		EXPECT_EQ(0, sync_count(s, m)) TH_LOG("%s", cases[i].what);
		EXPECT_EQ(volumes, volume_count(s, m)) TH_LOG("%s", cases[i].what);
		EXPECT_NE(0, access("/dev/cimrepl/m0", F_OK))
			TH_LOG("%s", cases[i].what);
		EXPECT_TRUE(is_free(tgt)) TH_LOG("%s", cases[i].what);
		EXPECT_TRUE(is_free(small)) TH_LOG("%s", cases[i].what);
	}

	/* Mode 3 is for mirrors: snapshots still refuse it */
	{
		const struct elem e = { "o0", "s0", NULL, "p0" };

		EXPECT_EQ(-EOPNOTSUPP,
			  replica_list(s, m, CIMREPL_SYNC_TYPE_SNAPSHOT, &e, 1,
				       CIMREPL_MODE_ASYNCHRONOUS, NO_ATTR));
		EXPECT_NE('\0', s->ext_msg[0]);
		EXPECT_EQ(0, sync_count(s, m));
	}

	/* a list is all or nothing: element 1 fails, element 0 goes too */
	{
		const struct elem e[2] = {
			{ "o0", "m0", tgt, "p0" },
			{ "o1", "m1", small, "p0" },
		};
		int mode;

		for (mode = CIMREPL_MODE_SYNCHRONOUS;
		     mode <= CIMREPL_MODE_ASYNCHRONOUS; mode++) {
			EXPECT_EQ(-EINVAL, mirror_list(s, m, e, 2, mode, NO_ATTR));
			EXPECT_NE(NULL, strstr(s->ext_msg, "smaller"))
				TH_LOG("\"%s\"", s->ext_msg);
			/* kernels with formatted extack messages name it */
			if (strstr(s->ext_msg, "element"))
				EXPECT_NE(NULL, strstr(s->ext_msg, "element 1"))
					TH_LOG("\"%s\"", s->ext_msg);
			EXPECT_EQ(0, sync_count(s, m));
			EXPECT_EQ(volumes, volume_count(s, m));
			EXPECT_NE(0, access("/dev/cimrepl/m0", F_OK));
			EXPECT_TRUE(is_free(tgt));
			EXPECT_EQ(0, volume_attr(s, m, "o0",
						 CIMREPL_A_VOLUME_REPLICAS));
		}
	}
	/* and after all that, a good request works */
	EXPECT_EQ(0, mirror_o0(s, m, tgt, CIMREPL_MODE_ASYNCHRONOUS, NO_ATTR))
		TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(s, m, "m0", CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_EQ(0, same_data(self->b.source_dev, tgt));
}

TEST_F_TIMEOUT(mirror_req, a_source_has_one_mirror, 120)
{
	struct nlt_sock *s = &self->b.s;
	struct nlt_msg *m = &self->b.m;
	struct elem e = { "o0", "m1", NULL, "p0" };	/* a second mirror */
	char tgt1[32] = "";
	int volumes;

	NEED_ENGINE();
	ASSERT_EQ(0, make_loop("mirror-tgt1", SOURCE_MIB, tgt1, sizeof(tgt1)));
	e.path = tgt1;
	ASSERT_EQ(0, mirror_o0(s, m, self->b.target_dev, CIMREPL_MODE_SYNCHRONOUS,
			       NO_ATTR)) TH_LOG("%s", s->ext_msg);
	volumes = volume_count(s, m);
	EXPECT_EQ(-EBUSY, mirror_list(s, m, &e, 1, CIMREPL_MODE_SYNCHRONOUS, NO_ATTR));
	EXPECT_NE('\0', s->ext_msg[0]);
	EXPECT_EQ(-EBUSY, mirror_list(s, m, &e, 1, CIMREPL_MODE_ASYNCHRONOUS, NO_ATTR));
	EXPECT_NE('\0', s->ext_msg[0]);
	EXPECT_EQ(1, sync_count(s, m));
	EXPECT_EQ(volumes, volume_count(s, m));
	EXPECT_TRUE(is_free(tgt1));
	EXPECT_NE(0, access("/dev/cimrepl/m1", F_OK));
	EXPECT_EQ(1, volume_attr(s, m, "o0", CIMREPL_A_VOLUME_REPLICAS));
	/* the source cannot go while mirrored, nor the open mirror device */
	EXPECT_EQ(-EBUSY, volume_cmd(s, m, CIMREPL_CMD_VOLUME_DELETE, "o0", NULL));

	/* once it is gone, the source can have another */
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(s, m, "m0", CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_EQ(0, modify(s, m, CIMREPL_OP_RETURN_TO_RESOURCE_POOL, "m0"))
		TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(-ENOENT, nlt_sync_get(s, m, "m0"));
	EXPECT_NE(0, access("/dev/cimrepl/m0", F_OK));
	EXPECT_TRUE(is_free(self->b.target_dev));
	EXPECT_EQ(0, mirror_list(s, m, &e, 1, CIMREPL_MODE_ASYNCHRONOUS, NO_ATTR))
		TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(s, m, "m1", CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_EQ(0, same_data(self->b.source_dev, tgt1));
	EXPECT_EQ(0, delete_replica(s, m, "m1")) TH_LOG("%s", s->ext_msg);
	drop_loop("mirror-tgt1");
}

TEST_F_TIMEOUT(mirror_req, max_lag_is_a_tunable_of_asynchronous_mirrors_only, 120)
{
	struct nlt_sock *s = &self->b.s;
	struct nlt_msg *m = &self->b.m;
	char src1[32] = "", tgt1[32] = "";
	const struct elem snap = { "o0", "s0", NULL, "p0" };
	struct elem e = { "o1", "m1", NULL, "p0" };

	NEED_ENGINE();
	ASSERT_EQ(0, make_loop("mirror-src1", SOURCE_MIB, src1, sizeof(src1)));
	ASSERT_EQ(0, make_loop("mirror-tgt1", SOURCE_MIB, tgt1, sizeof(tgt1)));
	ASSERT_EQ(0, volume_cmd(s, m, CIMREPL_CMD_VOLUME_CREATE, "o1", src1));
	e.path = tgt1;
	ASSERT_EQ(0, mirror_o0(s, m, self->b.target_dev, CIMREPL_MODE_ASYNCHRONOUS,
			       NO_ATTR)) TH_LOG("%s", s->ext_msg);
	ASSERT_EQ(0, mirror_list(s, m, &e, 1, CIMREPL_MODE_SYNCHRONOUS, NO_ATTR))
		TH_LOG("%s", s->ext_msg);
	ASSERT_EQ(0, replica_list(s, m, CIMREPL_SYNC_TYPE_SNAPSHOT, &snap, 1,
				  NO_ATTR, NO_ATTR)) TH_LOG("%s", s->ext_msg);

	EXPECT_EQ(CIMREPL_MIRROR_MAX_LAG_MS_DEFAULT,
		  nlt_sync_attr(s, m, "m0", CIMREPL_A_SYNC_MAX_LAG_MS));
	EXPECT_EQ(0, set_max_lag(s, m, "m0", 250)) TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(250, nlt_sync_attr(s, m, "m0", CIMREPL_A_SYNC_MAX_LAG_MS));
	EXPECT_EQ(-EINVAL, set_max_lag(s, m, "m1", 250));
	EXPECT_NE('\0', s->ext_msg[0]);
	EXPECT_NE(250, nlt_sync_attr(s, m, "m1", CIMREPL_A_SYNC_MAX_LAG_MS));
	EXPECT_EQ(-EINVAL, set_max_lag(s, m, "s0", 250));
	EXPECT_NE('\0', s->ext_msg[0]);
	EXPECT_EQ(250, nlt_sync_attr(s, m, "m0", CIMREPL_A_SYNC_MAX_LAG_MS));

	/* the throttle of a mirror's copies is a tunable of both modes */
	EXPECT_EQ(0, nlt_sync_set_throttle(s, m, "m0", 512)) TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(512, nlt_sync_attr(s, m, "m0", CIMREPL_A_SYNC_THROTTLE));
	EXPECT_EQ(0, nlt_sync_set_throttle(s, m, "m1", 512)) TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(512, nlt_sync_attr(s, m, "m1", CIMREPL_A_SYNC_THROTTLE));
	EXPECT_EQ(0, nlt_sync_set_throttle(s, m, "m0", 0));
	EXPECT_EQ(0, nlt_sync_set_throttle(s, m, "m1", 0));

	/* with the new bound, the asynchronous mirror still catches up */
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(s, m, "m0", CIMREPL_COPY_STATE_SYNCHRONIZED));
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 0, 2 * MIB, PAT_B));
	EXPECT_EQ(0, wait_attr(s, m, CIMREPL_A_SYNC_BACKLOG, 0));
	EXPECT_GE(250 * 4, nlt_sync_attr(s, m, "m0", CIMREPL_A_SYNC_LAG_MS));
	EXPECT_EQ(0, check_pattern(self->b.target_dev, 0, 2 * MIB, PAT_B));
	EXPECT_EQ(0, delete_replica(s, m, "s0"));
	EXPECT_EQ(0, delete_replica(s, m, "m1"));
}

/*
 * Tunables are recorded in the pool before they apply: when the pool
 * cannot take the write, the request fails and nothing changes.
 */
TEST_F_TIMEOUT(mirror_req, a_tunable_the_pool_cannot_record_changes_nothing, 120)
{
	const unsigned long long pool_sectors = (unsigned long long)POOL_MIB << 11;
	struct nlt_sock *s = &self->b.s;
	struct nlt_msg *m = &self->b.m;
	struct elem e = { "o1", "m1", NULL, "p1" };
	char src1[32] = "", tgt1[32] = "", pool1[32] = "";

	NEED_ENGINE();
	ASSERT_EQ(0, make_loop("mirror-src1", SOURCE_MIB, src1, sizeof(src1)));
	ASSERT_EQ(0, make_loop("mirror-tgt1", SOURCE_MIB, tgt1, sizeof(tgt1)));
	ASSERT_EQ(0, make_loop("mirror-pool1", POOL_MIB, pool1, sizeof(pool1)));
	ASSERT_EQ(0, sh("DM_DISABLE_UDEV=1 dmsetup create --noudevsync %s --table '0 %llu linear %s 0'",
			DM_POOL, pool_sectors, pool1));
	ASSERT_EQ(0, volume_cmd(s, m, CIMREPL_CMD_VOLUME_CREATE, "o1", src1));
	ASSERT_EQ(0, pool_cmd(s, m, CIMREPL_CMD_POOL_CREATE, "p1",
			      "/dev/mapper/" DM_POOL, true)) TH_LOG("%s", s->ext_msg);
	e.path = tgt1;
	ASSERT_EQ(0, mirror_list(s, m, &e, 1, CIMREPL_MODE_ASYNCHRONOUS, NO_ATTR))
		TH_LOG("%s", s->ext_msg);
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(s, m, "m1", CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_EQ(0, set_max_lag(s, m, "m1", 250)) TH_LOG("%s", s->ext_msg);

	ASSERT_EQ(0, dm_table(DM_POOL, pool_sectors, "error", NULL));
	s->ext_msg[0] = '\0';
	EXPECT_EQ(-EIO, set_max_lag(s, m, "m1", 500));
	EXPECT_NE(NULL, strstr(s->ext_msg, "pool")) TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(250, nlt_sync_attr(s, m, "m1", CIMREPL_A_SYNC_MAX_LAG_MS));
	s->ext_msg[0] = '\0';
	EXPECT_EQ(-EIO, nlt_sync_set_throttle(s, m, "m1", 512));
	EXPECT_NE(NULL, strstr(s->ext_msg, "pool")) TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(0, nlt_sync_attr(s, m, "m1", CIMREPL_A_SYNC_THROTTLE));

	/* the pool is back: the same requests go through */
	ASSERT_EQ(0, dm_table(DM_POOL, pool_sectors, "linear", pool1));
	EXPECT_EQ(0, set_max_lag(s, m, "m1", 500)) TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(500, nlt_sync_attr(s, m, "m1", CIMREPL_A_SYNC_MAX_LAG_MS));
	EXPECT_EQ(0, nlt_sync_set_throttle(s, m, "m1", 512)) TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(512, nlt_sync_attr(s, m, "m1", CIMREPL_A_SYNC_THROTTLE));
	EXPECT_EQ(0, delete_replica(s, m, "m1")) TH_LOG("%s", s->ext_msg);
	EXPECT_EQ(0, pool_cmd(s, m, CIMREPL_CMD_POOL_DELETE, "p1", NULL, false))
		TH_LOG("%s", s->ext_msg);
}

TEST_HARNESS_MAIN
