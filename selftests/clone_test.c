// SPDX-License-Identifier: GPL-2.0
/*
 * The clone engine (SyncType 8), at the block device level: a clone reads
 * its point in time from the moment it exists, while a throttled background
 * copy fills the target; writes to the clone stay on the clone; a list is
 * one point in time; abort, detach, resync and delete do what the contract
 * (issue 4) says and nothing else; a failing target breaks the clone, not
 * the source; bad requests are refused with nothing left behind.
 *
 * Runs as root in the test VM. Devices are loop devices over files in
 * /tmp (tmpfs) and one dm device over a loop device, so this test leaves
 * the brd disks to the others.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "cimrepl_nl.h"
#include "kselftest_harness.h"

#define MIB		(1024 * 1024)
#define CHUNK		(64 * 1024)
#define SOURCE_MIB	16
#define SOURCE_BYTES	((off_t)SOURCE_MIB * MIB)
#define POOL_MIB	48
#define SLOW_KIBS	256	/* 16 s per 4 MiB copy window, 64 s in all */
#define WAIT_MS		(90 * 1000)
#define DM_TARGET	"cimrepl-clone-tgt"
#define DM_POOL		"cimrepl-clone-pool1"

/* Patterns: A is the source at the point in time, B written after it. */
enum { PAT_A = 1, PAT_B = 2, PAT_C = 3, PAT_D = 4 };

FIXTURE(clone) {
	struct nlt_sock s;
	struct nlt_msg m;
	char source_dev[32];
	char pool_dev[32];
	char target_dev[32];
};

static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* A loop device over a new file of @mib MiB in /tmp; its path in @dev. */
static int make_loop(const char *file, int mib, char *dev, size_t len)
{
	char cmd[256];
	FILE *p;
	int ok;

	if (sh("rm -f /tmp/%s && truncate -s %dM /tmp/%s", file, mib, file))
		return -1;
	snprintf(cmd, sizeof(cmd), "losetup -f --show /tmp/%s", file);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	ok = fgets(dev, len, p) != NULL;
	pclose(p);
	if (!ok)
		return -1;
	dev[strcspn(dev, "\n")] = '\0';
	return 0;
}

/* Detach every loop device over /tmp/@file and remove the file. */
static void drop_loop(const char *file)
{
	sh("losetup -j /tmp/%s 2>/dev/null | cut -d: -f1 | xargs -r losetup -d; rm -f /tmp/%s",
	   file, file);
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

/* One element of a clone request; NULL members are left out. */
struct elem {
	const char *source;
	const char *target;
	const char *path;
	const char *pool;
};

#define NO_ATTR	(-1)

/* Clone each element in one request; @mode, @throttle NO_ATTR: absent. */
static int clone_list(struct nlt_sock *s, struct nlt_msg *m,
		      const struct elem *e, unsigned int n, int mode,
		      int64_t throttle)
{
	unsigned int i;

	nlt_cmd(s, m, CIMREPL_CMD_REPLICA_CREATE_LIST, 0);
	nlt_put_u16(m, CIMREPL_A_SYNC_TYPE, CIMREPL_SYNC_TYPE_CLONE);
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

/* Clone o0 as c0 onto the fixture's target, at @throttle KiB/s. */
static int clone_o0(struct nlt_sock *s, struct nlt_msg *m, const char *path,
		    int64_t throttle)
{
	const struct elem e = { "o0", "c0", path, "p0" };

	return clone_list(s, m, &e, 1, NO_ATTR, throttle);
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

static int copy_state(struct nlt_sock *s, struct nlt_msg *m, const char *target)
{
	return (int)nlt_sync_attr(s, m, target, CIMREPL_A_SYNC_COPY_STATE);
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
		usleep(50 * 1000);
	return now;
}

/* Poll until @target has copied more than @chunks chunks; the count seen. */
static uint64_t wait_chunks_above(struct nlt_sock *s, struct nlt_msg *m,
				  const char *target, uint64_t chunks)
{
	int64_t deadline = nlt_now_ms() + WAIT_MS;
	uint64_t done;

	do {
		done = nlt_sync_attr(s, m, target, CIMREPL_A_SYNC_CHUNKS_DONE);
		if (done != (uint64_t)-1 && done > chunks)
			break;
		usleep(50 * 1000);
	} while (nlt_now_ms() < deadline);
	return done;
}

static unsigned char pattern_byte(int seed, size_t i)
{
	return (unsigned char)(seed * 31 + (i / 512) * 7 + i);
}

/* Fill [@off, @off + @len) of @dev with the pattern of @seed. */
static int write_pattern(const char *dev, off_t off, size_t len, int seed)
{
	unsigned char *buf;
	size_t i;
	int fd, ret = 0;

	if (posix_memalign((void **)&buf, 4096, len))
		return -1;
	for (i = 0; i < len; i++)
		buf[i] = pattern_byte(seed, off + i);
	fd = open(dev, O_WRONLY | O_DIRECT);
	if (fd < 0 || pwrite(fd, buf, len, off) != (ssize_t)len || fsync(fd))
		ret = -1;
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

/* Does @dev hold pattern @seed everywhere but in [@hole, @hole + @len)? */
static int check_around(const char *dev, off_t hole, size_t len, int seed)
{
	int a = check_pattern(dev, 0, hole, seed);
	int b = check_pattern(dev, hole + len, SOURCE_BYTES - hole - len, seed);

	return a ? a : b;
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

/*
 * Remove whatever a test made, whether it ended well or not; a test killed
 * by its timeout skips its teardown, so the next setup runs this too.
 */
static void cleanup(struct nlt_sock *s, struct nlt_msg *m)
{
	static const char *const files[] = {
		"clone-src", "clone-pool", "clone-tgt", "clone-src1",
		"clone-tgt1", "clone-small", "clone-other", "clone-pool1",
	};
	static const char *const names[] = { "c0", "c1" };
	unsigned int i;

	nlt_sync_set_throttle(s, m, NULL, 0);
	for (i = 0; i < 2; i++) {
		delete_replica(s, m, names[i]);
		/* detached clones are plain volumes */
		volume_cmd(s, m, CIMREPL_CMD_VOLUME_DELETE, names[i], NULL);
	}
	pool_cmd(s, m, CIMREPL_CMD_POOL_DELETE, "p0", NULL, false);
	pool_cmd(s, m, CIMREPL_CMD_POOL_DELETE, "p1", NULL, false);
	volume_cmd(s, m, CIMREPL_CMD_VOLUME_DELETE, "o1", NULL);
	volume_cmd(s, m, CIMREPL_CMD_VOLUME_DELETE, "o0", NULL);
	sh("DM_DISABLE_UDEV=1 dmsetup remove --noudevsync %s 2>/dev/null",
	   DM_TARGET);
	sh("DM_DISABLE_UDEV=1 dmsetup remove --noudevsync %s 2>/dev/null",
	   DM_POOL);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		drop_loop(files[i]);
}

FIXTURE_SETUP(clone)
{
	ASSERT_EQ(0, nlt_open(&self->s));
	cleanup(&self->s, &self->m);
	ASSERT_EQ(0, make_loop("clone-src", SOURCE_MIB, self->source_dev,
			       sizeof(self->source_dev)));
	ASSERT_EQ(0, make_loop("clone-pool", POOL_MIB, self->pool_dev,
			       sizeof(self->pool_dev)));
	ASSERT_EQ(0, make_loop("clone-tgt", SOURCE_MIB, self->target_dev,
			       sizeof(self->target_dev)));
	ASSERT_EQ(0, volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_CREATE,
				"o0", self->source_dev)) TH_LOG("%s", self->s.ext_msg);
	ASSERT_EQ(0, pool_cmd(&self->s, &self->m, CIMREPL_CMD_POOL_CREATE, "p0",
			      self->pool_dev, true)) TH_LOG("%s", self->s.ext_msg);
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 0, SOURCE_BYTES, PAT_A));
}

FIXTURE_TEARDOWN(clone)
{
	cleanup(&self->s, &self->m);
	nlt_close(&self->s);
}

TEST_F_TIMEOUT(clone, a_clone_reads_its_point_in_time_during_and_after_the_copy, 180)
{
	const uint64_t total = SOURCE_BYTES / CHUNK;
	struct nlt_sock ev;
	struct nlattr *a;
	uint64_t d1, d2;

	ASSERT_EQ(0, nlt_open(&ev));
	ASSERT_EQ(0, nlt_join_events(&ev));

	ASSERT_EQ(0, clone_o0(&self->s, &self->m, self->target_dev, SLOW_KIBS))
		TH_LOG("%s", self->s.ext_msg);
	/* the reply: one sync nest describing the new clone */
	a = nlt_reply_nested(&self->s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_SYNC_TYPE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(CIMREPL_SYNC_TYPE_CLONE, nlt_uint(a));
	a = nlt_reply_nested(&self->s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_MODE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(CIMREPL_MODE_SYNCHRONOUS, nlt_uint(a));
	a = nlt_reply_nested(&self->s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_COPY_STATE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(CIMREPL_COPY_STATE_UNSYNCHRONIZED, nlt_uint(a));

	/* the source changes at once; the clone must not see it */
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 0, SOURCE_BYTES, PAT_B));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", 0, SOURCE_BYTES, PAT_A));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 0, SOURCE_BYTES, PAT_B));

	/* still copying, slowly, and saying so */
	ASSERT_EQ(0, nlt_sync_get(&self->s, &self->m, "c0"));
	a = nlt_reply_nested(&self->s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_COPY_STATE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(CIMREPL_COPY_STATE_UNSYNCHRONIZED, nlt_uint(a));
	a = nlt_reply_nested(&self->s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_PROGRESS_STATUS);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(CIMREPL_PROGRESS_SYNCHRONIZING, nlt_uint(a));
	a = nlt_reply_nested(&self->s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_CHUNK_SIZE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(CHUNK, nlt_uint(a));
	a = nlt_reply_nested(&self->s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_CHUNKS_TOTAL);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(total, nlt_uint(a));
	a = nlt_reply_nested(&self->s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_THROTTLE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(SLOW_KIBS, nlt_uint(a));
	EXPECT_NE(NULL, nlt_reply_nested(&self->s, CIMREPL_A_SYNC,
					 CIMREPL_A_SYNC_WHEN_ESTABLISHED));
	EXPECT_EQ(NULL, nlt_reply_nested(&self->s, CIMREPL_A_SYNC,
					 CIMREPL_A_SYNC_WHEN_SYNCHRONIZED));

	/* the clone is a device of its own, the source's size */
	EXPECT_EQ(CIMREPL_ROLE_CLONE, volume_attr(&self->s, &self->m, "c0",
						  CIMREPL_A_VOLUME_ROLE));
	EXPECT_EQ((uint64_t)SOURCE_BYTES,
		  volume_attr(&self->s, &self->m, "c0", CIMREPL_A_VOLUME_SIZE));

	d1 = nlt_sync_attr(&self->s, &self->m, "c0", CIMREPL_A_SYNC_CHUNKS_DONE);
	d2 = wait_chunks_above(&self->s, &self->m, "c0", d1);
	ASSERT_NE((uint64_t)-1, d1);
	EXPECT_LT(d1, d2);
	EXPECT_GT(total, d2) TH_LOG("the throttle did not hold the copy back");
	EXPECT_EQ(CIMREPL_COPY_STATE_UNSYNCHRONIZED,
		  copy_state(&self->s, &self->m, "c0"));
	/* mid-copy: part from the target, part still from the source */
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", 0, SOURCE_BYTES, PAT_A));

	/* no throttle: it finishes */
	ASSERT_EQ(0, nlt_sync_set_throttle(&self->s, &self->m, "c0", 0))
		TH_LOG("%s", self->s.ext_msg);
	EXPECT_EQ(0, nlt_sync_attr(&self->s, &self->m, "c0",
				   CIMREPL_A_SYNC_THROTTLE));
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(&self->s, &self->m, "c0",
			     CIMREPL_COPY_STATE_SYNCHRONIZED));
	ASSERT_EQ(0, nlt_sync_get(&self->s, &self->m, "c0"));
	a = nlt_reply_nested(&self->s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_CHUNKS_DONE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(total, nlt_uint(a));
	a = nlt_reply_nested(&self->s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_BYTES_DONE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ((uint64_t)SOURCE_BYTES, nlt_uint(a));
	a = nlt_reply_nested(&self->s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_PROGRESS_STATUS);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(CIMREPL_PROGRESS_COMPLETED, nlt_uint(a));
	EXPECT_NE(NULL, nlt_reply_nested(&self->s, CIMREPL_A_SYNC,
					 CIMREPL_A_SYNC_WHEN_SYNCHRONIZED));

	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", 0, SOURCE_BYTES, PAT_A));
	/* the image is on the target itself now */
	EXPECT_EQ(0, check_pattern(self->target_dev, 0, SOURCE_BYTES, PAT_A));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 0, SOURCE_BYTES, PAT_B));

	/* and the listener heard it all, in order */
	EXPECT_EQ(0, nlt_wait_event(&ev, CIMREPL_EVENT_CREATED, "c0", -1, 5000));
	EXPECT_EQ(0, nlt_wait_event(&ev, CIMREPL_EVENT_PROGRESS, "c0", -1, 5000));
	EXPECT_EQ(0, nlt_wait_event(&ev, CIMREPL_EVENT_STATE_CHANGED, "c0",
				    CIMREPL_COPY_STATE_SYNCHRONIZED, 5000));
	nlt_close(&ev);
}

TEST_F_TIMEOUT(clone, writes_to_the_clone_stay_on_the_clone, 180)
{
	const off_t odd = 5 * CHUNK - 4096;	/* unaligned, chunk-crossing */
	const size_t odd_len = 3 * CHUNK;
	const off_t early = MIB, late = SOURCE_BYTES - 2 * MIB;

	ASSERT_EQ(0, clone_o0(&self->s, &self->m, self->target_dev, SLOW_KIBS))
		TH_LOG("%s", self->s.ext_msg);
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/c0", odd, odd_len, PAT_C));
	/* where the copy comes long after: it must not undo the write */
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/c0", late, MIB, PAT_C));
	/* then the source changes there, and elsewhere */
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", late, 2 * MIB, PAT_B));
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", early, MIB, PAT_B));
	EXPECT_EQ(CIMREPL_COPY_STATE_UNSYNCHRONIZED,
		  copy_state(&self->s, &self->m, "c0"));

	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", 0, odd, PAT_A));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", odd, odd_len, PAT_C));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", odd + odd_len,
				   late - odd - odd_len, PAT_A));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", late, MIB, PAT_C));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", late + MIB, MIB, PAT_A));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 0, early, PAT_A));

	ASSERT_EQ(0, nlt_sync_set_throttle(&self->s, &self->m, "c0", 0));
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(&self->s, &self->m, "c0",
			     CIMREPL_COPY_STATE_SYNCHRONIZED));

	/* the copy went round them */
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", 0, odd, PAT_A));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", odd, odd_len, PAT_C));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", odd + odd_len,
				   late - odd - odd_len, PAT_A));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", late, MIB, PAT_C));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", late + MIB, MIB, PAT_A));
	EXPECT_EQ(0, check_pattern(self->target_dev, odd, odd_len, PAT_C));
	EXPECT_EQ(0, check_pattern(self->target_dev, late, MIB, PAT_C));
	/* and nothing of them ever reached the source */
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 0, early, PAT_A));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", early, MIB, PAT_B));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", early + MIB,
				   late - early - MIB, PAT_A));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", late, 2 * MIB, PAT_B));
	EXPECT_EQ(0, check_pattern(self->source_dev, 0, early, PAT_A));
}

/*
 * One writer alternates stamped writes between o0 (odd stamps) and o1 (even
 * stamps), each write done before the next starts; clones of both taken
 * in one request must hold two consecutive stamps as their newest.
 */
struct alternator {
	volatile int stop;
	uint64_t last;		/* the last stamp acknowledged */
	int error;
};

#define STAMP_SLOTS	64

static void *alternate_writes(void *arg)
{
	struct alternator *al = arg;
	int fd[2] = { open("/dev/cimrepl/o0", O_WRONLY | O_DIRECT),
		      open("/dev/cimrepl/o1", O_WRONLY | O_DIRECT) };
	uint64_t *buf, stamp;

	if (fd[0] < 0 || fd[1] < 0 || posix_memalign((void **)&buf, 4096, 4096)) {
		al->error = 1;
		return NULL;
	}
	memset(buf, 0, 4096);
	for (stamp = 1; !al->stop; stamp++) {
		buf[0] = stamp;
		if (pwrite(fd[stamp & 1 ? 0 : 1], buf, 4096,
			   (off_t)((stamp / 2) % STAMP_SLOTS) * 4096) != 4096) {
			al->error = 1;
			break;
		}
		al->last = stamp;
	}
	close(fd[0]);
	close(fd[1]);
	free(buf);
	return NULL;
}

static uint64_t newest_stamp(const char *dev)
{
	uint64_t *buf, best = 0;
	int fd = open(dev, O_RDONLY | O_DIRECT);
	unsigned int i;

	if (fd < 0)
		return 0;
	if (!posix_memalign((void **)&buf, 4096, STAMP_SLOTS * 4096)) {
		if (pread(fd, buf, STAMP_SLOTS * 4096, 0) == STAMP_SLOTS * 4096)
			for (i = 0; i < STAMP_SLOTS; i++)
				if (buf[i * 512] > best)
					best = buf[i * 512];
		free(buf);
	}
	close(fd);
	return best;
}

TEST_F_TIMEOUT(clone, a_list_is_cloned_at_one_point_in_time, 180)
{
	char src1[32] = "", tgt1[32] = "";
	struct alternator al = { 0 };
	struct elem e[2] = {
		{ "o0", "c0", self->target_dev, "p0" },
		{ "o1", "c1", NULL, "p0" },
	};
	uint64_t top0, top1;
	pthread_t writer;

	ASSERT_EQ(0, make_loop("clone-src1", SOURCE_MIB, src1, sizeof(src1)));
	ASSERT_EQ(0, make_loop("clone-tgt1", SOURCE_MIB, tgt1, sizeof(tgt1)));
	e[1].path = tgt1;
	ASSERT_EQ(0, volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_CREATE,
				"o1", src1));
	/* the stamp area of o0 holds pattern A: clear it */
	ASSERT_EQ(0, sh("dd if=/dev/zero of=/dev/cimrepl/o0 bs=1M count=1 oflag=direct status=none"));

	ASSERT_EQ(0, pthread_create(&writer, NULL, alternate_writes, &al));
	usleep(300 * 1000);
	EXPECT_EQ(0, clone_list(&self->s, &self->m, e, 2, NO_ATTR, SLOW_KIBS))
		TH_LOG("%s", self->s.ext_msg);
	usleep(300 * 1000);
	al.stop = 1;
	pthread_join(writer, NULL);
	ASSERT_EQ(0, al.error);
	ASSERT_EQ(2, sync_count(&self->s, &self->m));

	top0 = newest_stamp("/dev/cimrepl/c0");
	top1 = newest_stamp("/dev/cimrepl/c1");
	ASSERT_LT(0, top0);
	ASSERT_LT(0, top1);
	EXPECT_EQ(1, top0 & 1);
	EXPECT_EQ(0, top1 & 1);
	/* consecutive: no write to one is missing while a later one is in */
	EXPECT_EQ(1, top0 > top1 ? top0 - top1 : top1 - top0)
		TH_LOG("c0 ends at stamp %llu, c1 at %llu",
		       (unsigned long long)top0, (unsigned long long)top1);
	EXPECT_LT(top0 > top1 ? top0 : top1, al.last)
		TH_LOG("no writes after the clones: nothing was proved");

	/* the copies end with the same cut */
	ASSERT_EQ(0, nlt_sync_set_throttle(&self->s, &self->m, "c0", 0));
	ASSERT_EQ(0, nlt_sync_set_throttle(&self->s, &self->m, "c1", 0));
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(&self->s, &self->m, "c0",
			     CIMREPL_COPY_STATE_SYNCHRONIZED));
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(&self->s, &self->m, "c1",
			     CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_EQ(top0, newest_stamp("/dev/cimrepl/c0"));
	EXPECT_EQ(top1, newest_stamp("/dev/cimrepl/c1"));
	EXPECT_EQ(top0, newest_stamp(self->target_dev));
	EXPECT_EQ(top1, newest_stamp(tgt1));

	EXPECT_EQ(0, delete_replica(&self->s, &self->m, "c1"));
	EXPECT_EQ(0, volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_DELETE,
				"o1", NULL));
	drop_loop("clone-src1");
	drop_loop("clone-tgt1");
}

TEST_F_TIMEOUT(clone, abort_stops_the_copy, 120)
{
	uint64_t done;

	ASSERT_EQ(0, clone_o0(&self->s, &self->m, self->target_dev, SLOW_KIBS));
	wait_chunks_above(&self->s, &self->m, "c0", 0);
	ASSERT_EQ(0, modify(&self->s, &self->m, CIMREPL_OP_ABORT, "c0"))
		TH_LOG("%s", self->s.ext_msg);
	EXPECT_EQ(CIMREPL_COPY_STATE_ABORTED, copy_state(&self->s, &self->m, "c0"));
	EXPECT_EQ(CIMREPL_PROGRESS_DORMANT,
		  nlt_sync_attr(&self->s, &self->m, "c0",
				CIMREPL_A_SYNC_PROGRESS_STATUS));
	/* stopped: nothing more is copied */
	done = nlt_sync_attr(&self->s, &self->m, "c0", CIMREPL_A_SYNC_CHUNKS_DONE);
	/* (the engine may refuse tunables of an aborted clone) */
	nlt_sync_set_throttle(&self->s, &self->m, "c0", 0);
	usleep(1500 * 1000);
	EXPECT_EQ(done, nlt_sync_attr(&self->s, &self->m, "c0",
				      CIMREPL_A_SYNC_CHUNKS_DONE));
	EXPECT_EQ(CIMREPL_COPY_STATE_ABORTED, copy_state(&self->s, &self->m, "c0"));
	/* nothing more to abort, nothing to resync */
	EXPECT_EQ(-EINVAL, modify(&self->s, &self->m, CIMREPL_OP_ABORT, "c0"));
	EXPECT_NE(NULL, strstr(self->s.ext_msg, "Aborted")) TH_LOG("%s", self->s.ext_msg);
	EXPECT_EQ(-EINVAL, modify(&self->s, &self->m, CIMREPL_OP_RESYNC_REPLICA,
				  "c0"));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 0, SOURCE_BYTES, PAT_A));
	EXPECT_EQ(0, delete_replica(&self->s, &self->m, "c0"))
		TH_LOG("%s", self->s.ext_msg);
	EXPECT_TRUE(is_free(self->target_dev));
}

TEST_F_TIMEOUT(clone, detach_waits_for_the_copy_then_leaves_a_volume, 180)
{
	struct nlt_sock ev;

	ASSERT_EQ(0, nlt_open(&ev));
	ASSERT_EQ(0, nlt_join_events(&ev));
	ASSERT_EQ(0, clone_o0(&self->s, &self->m, self->target_dev, SLOW_KIBS));
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 0, 4 * MIB, PAT_B));

	EXPECT_EQ(-EINVAL, modify(&self->s, &self->m, CIMREPL_OP_DETACH, "c0"));
	EXPECT_NE(NULL, strstr(self->s.ext_msg, "Unsynchronized"))
		TH_LOG("%s", self->s.ext_msg);
	EXPECT_EQ(-EINVAL, modify(&self->s, &self->m, CIMREPL_OP_RESYNC_REPLICA,
				  "c0"));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	/* operations a clone has no use for */
	EXPECT_GT(0, modify(&self->s, &self->m, CIMREPL_OP_RESTORE_FROM_REPLICA, "c0"));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	EXPECT_GT(0, modify(&self->s, &self->m, CIMREPL_OP_FRACTURE, "c0"));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	EXPECT_GT(0, modify(&self->s, &self->m,
			    CIMREPL_OP_RETURN_TO_RESOURCE_POOL, "c0"));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	EXPECT_EQ(CIMREPL_COPY_STATE_UNSYNCHRONIZED,
		  copy_state(&self->s, &self->m, "c0"));

	ASSERT_EQ(0, nlt_sync_set_throttle(&self->s, &self->m, "c0", 0));
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(&self->s, &self->m, "c0",
			     CIMREPL_COPY_STATE_SYNCHRONIZED));
	ASSERT_EQ(0, modify(&self->s, &self->m, CIMREPL_OP_DETACH, "c0"))
		TH_LOG("%s", self->s.ext_msg);
	EXPECT_EQ(-ENOENT, nlt_sync_get(&self->s, &self->m, "c0"));
	EXPECT_EQ(0, sync_count(&self->s, &self->m));
	EXPECT_EQ(CIMREPL_ROLE_VOLUME, volume_attr(&self->s, &self->m, "c0",
						   CIMREPL_A_VOLUME_ROLE));
	EXPECT_EQ(0, volume_attr(&self->s, &self->m, "o0",
				 CIMREPL_A_VOLUME_REPLICAS));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", 0, SOURCE_BYTES, PAT_A));
	EXPECT_EQ(0, nlt_wait_event(&ev, CIMREPL_EVENT_DELETED, "c0", -1, 5000));
	nlt_close(&ev);

	/* a volume like any other: it can be a source, and it can go */
	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_REPLICA_CREATE_LIST, 0);
	nlt_put_u16(&self->m, CIMREPL_A_SYNC_TYPE, CIMREPL_SYNC_TYPE_SNAPSHOT);
	nlt_nest_start(&self->m, CIMREPL_A_ELEMENTS);
	nlt_nest_start(&self->m, 0);
	nlt_put_str(&self->m, CIMREPL_A_ELEM_SOURCE, "c0");
	nlt_put_str(&self->m, CIMREPL_A_ELEM_TARGET_NAME, "c1");
	nlt_put_str(&self->m, CIMREPL_A_ELEM_POOL, "p0");
	nlt_nest_end(&self->m);
	nlt_nest_end(&self->m);
	EXPECT_EQ(0, nlt_send(&self->s, &self->m)) TH_LOG("%s", self->s.ext_msg);
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c1", 0, SOURCE_BYTES, PAT_A));
	EXPECT_EQ(0, delete_replica(&self->s, &self->m, "c1"));
	ASSERT_EQ(0, volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_DELETE,
				"c0", NULL)) TH_LOG("%s", self->s.ext_msg);
	EXPECT_TRUE(is_free(self->target_dev));
	EXPECT_EQ(0, check_pattern(self->target_dev, 0, SOURCE_BYTES, PAT_A));
	/* the source can go too: nothing holds it */
	EXPECT_EQ(0, volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_DELETE,
				"o0", NULL)) TH_LOG("%s", self->s.ext_msg);
}

TEST_F_TIMEOUT(clone, delete_removes_a_clone_in_any_state, 120)
{
	int fd;

	ASSERT_EQ(0, clone_o0(&self->s, &self->m, self->target_dev, SLOW_KIBS));
	/* the source cannot go while cloned */
	EXPECT_EQ(-EBUSY, volume_cmd(&self->s, &self->m,
				     CIMREPL_CMD_VOLUME_DELETE, "o0", NULL));
	fd = open("/dev/cimrepl/c0", O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBUSY, delete_replica(&self->s, &self->m, "c0"));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	EXPECT_EQ(CIMREPL_COPY_STATE_UNSYNCHRONIZED,
		  copy_state(&self->s, &self->m, "c0"));
	close(fd);

	/* mid-copy */
	ASSERT_EQ(0, delete_replica(&self->s, &self->m, "c0"))
		TH_LOG("%s", self->s.ext_msg);
	EXPECT_EQ(-ENOENT, nlt_sync_get(&self->s, &self->m, "c0"));
	EXPECT_EQ((uint64_t)-1, volume_attr(&self->s, &self->m, "c0",
					    CIMREPL_A_VOLUME_ROLE));
	EXPECT_NE(0, access("/dev/cimrepl/c0", F_OK));
	EXPECT_TRUE(is_free(self->target_dev));

	/* synchronized */
	ASSERT_EQ(0, clone_o0(&self->s, &self->m, self->target_dev, 0))
		TH_LOG("%s", self->s.ext_msg);
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(&self->s, &self->m, "c0",
			     CIMREPL_COPY_STATE_SYNCHRONIZED));
	ASSERT_EQ(0, delete_replica(&self->s, &self->m, "c0"));
	EXPECT_NE(0, access("/dev/cimrepl/c0", F_OK));
	EXPECT_EQ(0, sync_count(&self->s, &self->m));
	/* the target's bytes stay */
	EXPECT_EQ(0, check_pattern(self->target_dev, 0, SOURCE_BYTES, PAT_A));
	EXPECT_EQ(0, volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_DELETE,
				"o0", NULL)) TH_LOG("%s", self->s.ext_msg);
}

TEST_F_TIMEOUT(clone, the_module_wide_throttle_serves_clones_without_one, 120)
{
	ASSERT_EQ(0, nlt_sync_set_throttle(&self->s, &self->m, NULL, SLOW_KIBS))
		TH_LOG("%s", self->s.ext_msg);
	ASSERT_EQ(0, clone_o0(&self->s, &self->m, self->target_dev, NO_ATTR));
	EXPECT_EQ(SLOW_KIBS, nlt_sync_attr(&self->s, &self->m, "c0",
					   CIMREPL_A_SYNC_THROTTLE));
	usleep(500 * 1000);
	EXPECT_EQ(CIMREPL_COPY_STATE_UNSYNCHRONIZED,
		  copy_state(&self->s, &self->m, "c0"));
	ASSERT_EQ(0, nlt_sync_set_throttle(&self->s, &self->m, NULL, 0));
	EXPECT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(&self->s, &self->m, "c0",
			     CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", 0, SOURCE_BYTES, PAT_A));
}

/* Every bad request fails with an errno and a message and leaves nothing. */
TEST_F_TIMEOUT(clone, bad_requests_leave_nothing_behind, 120)
{
	char small[32] = "", other[32] = "";
	const char *tgt = self->target_dev;
	const struct {
		const char *what;
		struct elem e;
		int mode;
		int err;
	} cases[] = {
		{ "no target path", { "o0", "c0", NULL, "p0" }, NO_ATTR, -EINVAL },
		{ "no pool", { "o0", "c0", tgt, NULL }, NO_ATTR, -EINVAL },
		{ "unknown pool", { "o0", "c0", tgt, "nopool" }, NO_ATTR, -ENOENT },
		{ "smaller target", { "o0", "c0", small, "p0" }, NO_ATTR, -EINVAL },
		{ "target backs a volume", { "o0", "c0", other, "p0" }, NO_ATTR,
		  -EBUSY },
		{ "target is the source's backing",
		  { "o0", "c0", self->source_dev, "p0" }, NO_ATTR, -EINVAL },
		{ "target is a cimrepl device",
		  { "o0", "c0", "/dev/cimrepl/o1", "p0" }, NO_ATTR, -EINVAL },
		{ "missing target path",
		  { "o0", "c0", "/dev/no-such-disk", "p0" }, NO_ATTR, -ENOENT },
		{ "asynchronous mode", { "o0", "c0", tgt, "p0" },
		  CIMREPL_MODE_ASYNCHRONOUS, -EOPNOTSUPP },
		{ "unknown source", { "nosuch", "c0", tgt, "p0" }, NO_ATTR,
		  -ENOENT },
		{ "target name taken", { "o0", "o1", tgt, "p0" }, NO_ATTR,
		  -EEXIST },
	};
	unsigned int i;
	int volumes;

	ASSERT_EQ(0, make_loop("clone-small", SOURCE_MIB / 2, small, sizeof(small)));
	ASSERT_EQ(0, make_loop("clone-other", SOURCE_MIB, other, sizeof(other)));
	ASSERT_EQ(0, volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_CREATE,
				"o1", other));
	volumes = volume_count(&self->s, &self->m);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_EQ(cases[i].err,
			  clone_list(&self->s, &self->m, &cases[i].e, 1,
				     cases[i].mode, NO_ATTR))
			TH_LOG("%s", cases[i].what);
		EXPECT_NE('\0', self->s.ext_msg[0]) TH_LOG("%s: no message",
							   cases[i].what);
		if (i == 3)
			EXPECT_NE(NULL, strstr(self->s.ext_msg, "smaller"))
				TH_LOG("%s", self->s.ext_msg);
		EXPECT_EQ(0, sync_count(&self->s, &self->m)) TH_LOG("%s", cases[i].what);
		EXPECT_EQ(volumes, volume_count(&self->s, &self->m))
			TH_LOG("%s", cases[i].what);
		EXPECT_NE(0, access("/dev/cimrepl/c0", F_OK)) TH_LOG("%s",
								     cases[i].what);
		EXPECT_TRUE(is_free(tgt)) TH_LOG("%s", cases[i].what);
		EXPECT_TRUE(is_free(small)) TH_LOG("%s", cases[i].what);
	}

	/* a list is all or nothing: element 1 fails, element 0 goes too */
	{
		const struct elem e[2] = {
			{ "o0", "c0", tgt, "p0" },
			{ "o1", "c1", small, "p0" },
		};

		EXPECT_EQ(-EINVAL, clone_list(&self->s, &self->m, e, 2, NO_ATTR,
					      SLOW_KIBS));
		EXPECT_NE('\0', self->s.ext_msg[0]);
		EXPECT_EQ(0, sync_count(&self->s, &self->m));
		EXPECT_EQ(volumes, volume_count(&self->s, &self->m));
		EXPECT_NE(0, access("/dev/cimrepl/c0", F_OK));
		EXPECT_TRUE(is_free(tgt));
	}
	/* and after all that, a good request works */
	EXPECT_EQ(0, clone_o0(&self->s, &self->m, tgt, 0)) TH_LOG("%s",
								  self->s.ext_msg);
	EXPECT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(&self->s, &self->m, "c0",
			     CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", 0, SOURCE_BYTES, PAT_A));

	delete_replica(&self->s, &self->m, "c0");
	volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_DELETE, "o1", NULL);
	drop_loop("clone-small");
	drop_loop("clone-other");
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

TEST_F_TIMEOUT(clone, a_failing_target_breaks_the_clone_not_the_source, 180)
{
	const char *dm = "/dev/mapper/" DM_TARGET;
	struct nlt_sock ev;
	uint64_t done;
	int state;

	ASSERT_EQ(0, sh("DM_DISABLE_UDEV=1 dmsetup create --noudevsync %s --table '0 %llu linear %s 0'",
			DM_TARGET, (unsigned long long)SOURCE_BYTES / 512,
			self->target_dev));
	ASSERT_EQ(0, nlt_open(&ev));
	ASSERT_EQ(0, nlt_join_events(&ev));
	ASSERT_EQ(0, clone_o0(&self->s, &self->m, dm, SLOW_KIBS))
		TH_LOG("%s", self->s.ext_msg);
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 6 * MIB, MIB, PAT_B));
	done = wait_chunks_above(&self->s, &self->m, "c0", 0);
	ASSERT_LT(0, done);

	ASSERT_EQ(0, dm_table(DM_TARGET, SOURCE_BYTES / 512, "error", NULL));
	state = wait_state(&self->s, &self->m, "c0", CIMREPL_COPY_STATE_BROKEN);
	ASSERT_EQ(CIMREPL_COPY_STATE_BROKEN, state);
	EXPECT_EQ(EIO, nlt_sync_attr(&self->s, &self->m, "c0",
				     CIMREPL_A_SYNC_ERROR));
	EXPECT_EQ(CIMREPL_PROGRESS_REQUIRES_RESYNC,
		  nlt_sync_attr(&self->s, &self->m, "c0",
				CIMREPL_A_SYNC_PROGRESS_STATUS));
	EXPECT_EQ(0, nlt_wait_event(&ev, CIMREPL_EVENT_STATE_CHANGED, "c0",
				    CIMREPL_COPY_STATE_BROKEN, 5000));
	/* the source serves on */
	EXPECT_EQ(0, write_pattern("/dev/cimrepl/o0", 4 * MIB, MIB, PAT_D));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 4 * MIB, MIB, PAT_D));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 6 * MIB, MIB, PAT_B));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 0, 4 * MIB, PAT_A));
	/* detach needs a finished copy */
	EXPECT_EQ(-EINVAL, modify(&self->s, &self->m, CIMREPL_OP_DETACH, "c0"));
	EXPECT_NE(NULL, strstr(self->s.ext_msg, "Broken")) TH_LOG("%s",
								  self->s.ext_msg);

	/* the target is back: resync resumes and finishes the copy */
	ASSERT_EQ(0, dm_table(DM_TARGET, SOURCE_BYTES / 512, "linear",
			      self->target_dev));
	ASSERT_EQ(0, modify(&self->s, &self->m, CIMREPL_OP_RESYNC_REPLICA, "c0"))
		TH_LOG("%s", self->s.ext_msg);
	state = copy_state(&self->s, &self->m, "c0");
	EXPECT_TRUE(state == CIMREPL_COPY_STATE_UNSYNCHRONIZED ||
		    state == CIMREPL_COPY_STATE_SYNCHRONIZED) TH_LOG("state %d", state);
	EXPECT_LE(done, nlt_sync_attr(&self->s, &self->m, "c0",
				      CIMREPL_A_SYNC_CHUNKS_DONE));
	ASSERT_EQ(0, nlt_sync_set_throttle(&self->s, &self->m, "c0", 0));
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(&self->s, &self->m, "c0",
			     CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/c0", 0, SOURCE_BYTES, PAT_A));
	EXPECT_EQ(0, check_pattern(dm, 0, SOURCE_BYTES, PAT_A));
	EXPECT_EQ(0, check_around("/dev/cimrepl/o0", 4 * MIB, 3 * MIB, PAT_A));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 5 * MIB, MIB, PAT_A));
	nlt_close(&ev);
	EXPECT_EQ(0, delete_replica(&self->s, &self->m, "c0"));
}

/*
 * A clone's throttle is recorded in its pool before it applies: when the
 * pool cannot take the write, the request fails and nothing changes.
 */
TEST_F_TIMEOUT(clone, a_throttle_the_pool_cannot_record_changes_nothing, 120)
{
	const unsigned long long pool_sectors = (unsigned long long)POOL_MIB << 11;
	struct elem e = { "o1", "c1", NULL, "p1" };
	char src1[32] = "", tgt1[32] = "", pool1[32] = "";

	ASSERT_EQ(0, make_loop("clone-src1", SOURCE_MIB, src1, sizeof(src1)));
	ASSERT_EQ(0, make_loop("clone-tgt1", SOURCE_MIB, tgt1, sizeof(tgt1)));
	ASSERT_EQ(0, make_loop("clone-pool1", POOL_MIB, pool1, sizeof(pool1)));
	ASSERT_EQ(0, sh("DM_DISABLE_UDEV=1 dmsetup create --noudevsync %s --table '0 %llu linear %s 0'",
			DM_POOL, pool_sectors, pool1));
	ASSERT_EQ(0, volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_CREATE,
				"o1", src1));
	ASSERT_EQ(0, pool_cmd(&self->s, &self->m, CIMREPL_CMD_POOL_CREATE, "p1",
			      "/dev/mapper/" DM_POOL, true))
		TH_LOG("%s", self->s.ext_msg);
	e.path = tgt1;
	ASSERT_EQ(0, clone_list(&self->s, &self->m, &e, 1, NO_ATTR, 0))
		TH_LOG("%s", self->s.ext_msg);
	ASSERT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  wait_state(&self->s, &self->m, "c1",
			     CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_EQ(0, nlt_sync_set_throttle(&self->s, &self->m, "c1", 512))
		TH_LOG("%s", self->s.ext_msg);

	ASSERT_EQ(0, dm_table(DM_POOL, pool_sectors, "error", NULL));
	self->s.ext_msg[0] = '\0';
	EXPECT_EQ(-EIO, nlt_sync_set_throttle(&self->s, &self->m, "c1", 1024));
	EXPECT_NE(NULL, strstr(self->s.ext_msg, "pool")) TH_LOG("%s",
								self->s.ext_msg);
	EXPECT_EQ(512, nlt_sync_attr(&self->s, &self->m, "c1",
				     CIMREPL_A_SYNC_THROTTLE));

	/* the pool is back: the same request goes through */
	ASSERT_EQ(0, dm_table(DM_POOL, pool_sectors, "linear", pool1));
	EXPECT_EQ(0, nlt_sync_set_throttle(&self->s, &self->m, "c1", 1024))
		TH_LOG("%s", self->s.ext_msg);
	EXPECT_EQ(1024, nlt_sync_attr(&self->s, &self->m, "c1",
				      CIMREPL_A_SYNC_THROTTLE));
	EXPECT_EQ(0, delete_replica(&self->s, &self->m, "c1"))
		TH_LOG("%s", self->s.ext_msg);
	EXPECT_EQ(0, pool_cmd(&self->s, &self->m, CIMREPL_CMD_POOL_DELETE, "p1",
			      NULL, false)) TH_LOG("%s", self->s.ext_msg);
}

TEST_HARNESS_MAIN
