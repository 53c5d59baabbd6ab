// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot engine, at the block device level: point-in-time images, one
 * copy of an origin chunk shared by every snapshot that needs it, writable
 * snapshots, space given back on delete, a full pool breaking only the
 * snapshots that needed the space, one consistent cut across a list, and
 * bad requests refused with nothing left behind.
 *
 * Runs as root in the test VM. Devices are loop devices over files in
 * /tmp (tmpfs), so this test leaves the brd disks to the others.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "cimrepl_nl.h"
#include "kselftest_harness.h"

/*
 * make check runs four TCG guests on two cores: a fixture (64 MiB loop
 * devices, a formatted pool, a pattern over the origin) and its test can
 * take more than the harness's 30 s there, and a test killed mid-way
 * leaves its volumes behind to fail every later one. Time is not what
 * these tests check.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

#define MIB		(1024 * 1024)
#define CHUNK		(64 * 1024)
#define ORIGIN_MIB	64
#define POOL_MIB	64

FIXTURE(snap) {
	struct nlt_sock s;
	struct nlt_msg m;
	char origin_dev[32];
	char pool_dev[32];
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

	if (sh("truncate -s %dM /tmp/%s && rm -f /tmp/%s.dev", mib, file, file))
		return -1;
	snprintf(cmd, sizeof(cmd), "losetup -f --show /tmp/%s", file);
	p = popen(cmd, "r");
	if (!p || !fgets(dev, len, p))
		return -1;
	pclose(p);
	dev[strcspn(dev, "\n")] = '\0';
	return 0;
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

/* Snapshot sources[i] as targets[i], from pool @pool, in one request. */
static int snapshot_list(struct nlt_sock *s, struct nlt_msg *m,
			 const char *const *sources, const char *const *targets,
			 unsigned int n, const char *pool)
{
	unsigned int i;

	nlt_cmd(s, m, CIMREPL_CMD_REPLICA_CREATE_LIST, 0);
	nlt_put_u16(m, CIMREPL_A_SYNC_TYPE, CIMREPL_SYNC_TYPE_SNAPSHOT);
	nlt_nest_start(m, CIMREPL_A_ELEMENTS);
	for (i = 0; i < n; i++) {
		nlt_nest_start(m, i);
		nlt_put_str(m, CIMREPL_A_ELEM_SOURCE, sources[i]);
		nlt_put_str(m, CIMREPL_A_ELEM_TARGET_NAME, targets[i]);
		if (pool)
			nlt_put_str(m, CIMREPL_A_ELEM_POOL, pool);
		nlt_nest_end(m);
	}
	nlt_nest_end(m);
	return nlt_send(s, m);
}

static int snapshot(struct nlt_sock *s, struct nlt_msg *m, const char *source,
		    const char *target)
{
	return snapshot_list(s, m, &source, &target, 1, "p0");
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

/* An attribute of the nest @type in the last reply. */
static struct nlattr *reply_nested(struct nlt_sock *s, int type, int attr)
{
	struct nlattr *nest = nlt_reply_find(s, type);

	return nest ? nlt_find(nlt_data(nest), nlt_len(nest), attr) : NULL;
}

static uint64_t pool_free(struct nlt_sock *s, struct nlt_msg *m)
{
	struct nlattr *a;

	if (pool_cmd(s, m, CIMREPL_CMD_POOL_GET, "p0", NULL, false))
		return 0;
	a = reply_nested(s, CIMREPL_A_POOL, CIMREPL_A_POOL_FREE);
	return a ? *(uint64_t *)nlt_data(a) : 0;
}

static int copy_state(struct nlt_sock *s, struct nlt_msg *m, const char *target)
{
	struct nlattr *a;

	nlt_cmd(s, m, CIMREPL_CMD_SYNC_GET, 0);
	nlt_nest_start(m, CIMREPL_A_SYNC);
	nlt_put_str(m, CIMREPL_A_SYNC_TARGET, target);
	nlt_nest_end(m);
	if (nlt_send(s, m))
		return -1;
	a = reply_nested(s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_COPY_STATE);
	return a ? *(uint16_t *)nlt_data(a) : -1;
}

static int sync_count(struct nlt_sock *s, struct nlt_msg *m)
{
	nlt_cmd(s, m, CIMREPL_CMD_SYNC_GET, NLM_F_DUMP);
	return nlt_send(s, m) ? -1 : (int)s->dump_count;
}

/* Fill [@off, @off + @len) of @dev with bytes derived from @seed. */
static int write_pattern(const char *dev, off_t off, size_t len, int seed)
{
	unsigned char *buf;
	size_t i;
	int fd, ret = 0;

	if (posix_memalign((void **)&buf, 4096, len))
		return -1;
	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(seed * 31 + (i / 512) * 7 + i);
	fd = open(dev, O_WRONLY | O_DIRECT);
	if (fd < 0 || pwrite(fd, buf, len, off) != (ssize_t)len || fsync(fd))
		ret = -1;
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

/* Does [@off, @off + @len) of @dev hold the pattern of @seed? */
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
			if (buf[i] != (unsigned char)(seed * 31 + (i / 512) * 7 + i)) {
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

FIXTURE_SETUP(snap)
{
	ASSERT_EQ(0, nlt_open(&self->s));
	ASSERT_EQ(0, make_loop("origin0", ORIGIN_MIB, self->origin_dev,
			       sizeof(self->origin_dev)));
	ASSERT_EQ(0, make_loop("pool0", POOL_MIB, self->pool_dev,
			       sizeof(self->pool_dev)));
	ASSERT_EQ(0, volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_CREATE,
				"o0", self->origin_dev)) TH_LOG("%s", self->s.ext_msg);
	ASSERT_EQ(0, pool_cmd(&self->s, &self->m, CIMREPL_CMD_POOL_CREATE, "p0",
			      self->pool_dev, true)) TH_LOG("%s", self->s.ext_msg);
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 0, ORIGIN_MIB * MIB, 1));
}

FIXTURE_TEARDOWN(snap)
{
	char name[16];
	int i;

	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		delete_replica(&self->s, &self->m, name);
	}
	pool_cmd(&self->s, &self->m, CIMREPL_CMD_POOL_DELETE, "p0", NULL, false);
	volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_DELETE, "o0", NULL);
	sh("losetup -d %s %s", self->origin_dev, self->pool_dev);
	sh("rm -f /tmp/origin0 /tmp/pool0");
	nlt_close(&self->s);
}

TEST_F(snap, snapshot_keeps_its_point_in_time_while_the_origin_changes)
{
	struct nlattr *a;

	ASSERT_EQ(0, snapshot(&self->s, &self->m, "o0", "s0"))
		TH_LOG("%s", self->s.ext_msg);
	a = reply_nested(&self->s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_SYNC_TYPE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(CIMREPL_SYNC_TYPE_SNAPSHOT, *(uint16_t *)nlt_data(a));
	a = reply_nested(&self->s, CIMREPL_A_SYNC, CIMREPL_A_SYNC_COPY_STATE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED, *(uint16_t *)nlt_data(a));

	/* unaligned, chunk-crossing writes */
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 3 * CHUNK - 4096,
				   5 * CHUNK, 2));
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 40 * MIB, MIB, 3));

	EXPECT_EQ(0, check_pattern("/dev/cimrepl/s0", 0, ORIGIN_MIB * MIB, 1));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 3 * CHUNK - 4096,
				   5 * CHUNK, 2));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 40 * MIB, MIB, 3));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 0, 3 * CHUNK - 4096, 1));
}

/* The cost of a first write does not grow with the number of snapshots. */
TEST_F(snap, one_copy_serves_every_snapshot)
{
	char name[32];
	uint64_t before;
	int i;

	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		ASSERT_EQ(0, snapshot(&self->s, &self->m, "o0", name))
			TH_LOG("%s", self->s.ext_msg);
	}
	before = pool_free(&self->s, &self->m);
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 0, CHUNK, 9));
	EXPECT_EQ(before - CHUNK, pool_free(&self->s, &self->m));
	/* a rewrite copies nothing */
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 0, CHUNK, 10));
	EXPECT_EQ(before - CHUNK, pool_free(&self->s, &self->m));
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "/dev/cimrepl/s%d", i);
		EXPECT_EQ(0, check_pattern(name, 0, CHUNK, 1)) TH_LOG("%s", name);
	}
}

TEST_F(snap, each_snapshot_holds_its_own_point_in_time)
{
	char name[32];
	int i;

	/* round i writes pattern 10 + i at MiB i, then snapshot s<i> */
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", (off_t)i * MIB,
					   2 * MIB, 10 + i));
		snprintf(name, sizeof(name), "s%d", i);
		ASSERT_EQ(0, snapshot(&self->s, &self->m, "o0", name));
	}
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 0, 16 * MIB, 99));

	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "/dev/cimrepl/s%d", i);
		/* MiB i and i+1 hold round i's pattern in snapshot i */
		EXPECT_EQ(0, check_pattern(name, (off_t)i * MIB, 2 * MIB, 10 + i))
			TH_LOG("%s", name);
		if (i)	/* MiB i-1's first half... is round i-1's */
			EXPECT_EQ(0, check_pattern(name, (off_t)(i - 1) * MIB,
						   MIB, 10 + i - 1))
				TH_LOG("%s", name);
		EXPECT_EQ(0, check_pattern(name, 16 * MIB, MIB, 1));
	}
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 0, 16 * MIB, 99));
}

TEST_F(snap, writes_to_a_snapshot_touch_nothing_else)
{
	ASSERT_EQ(0, snapshot(&self->s, &self->m, "o0", "s0"));
	ASSERT_EQ(0, snapshot(&self->s, &self->m, "o0", "s1"));
	/* s0 shares the origin's data, then a shared copy, then its own */
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/s0", 8 * MIB, MIB, 20));
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 8 * MIB, 2 * MIB, 21));
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/s0", 9 * MIB + 4096, 8192, 22));

	EXPECT_EQ(0, check_pattern("/dev/cimrepl/s0", 8 * MIB, MIB, 20));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/s0", 9 * MIB + 4096, 8192, 22));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/s0", 9 * MIB, 4096, 1));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/s1", 8 * MIB, 2 * MIB, 1));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 8 * MIB, 2 * MIB, 21));
}

TEST_F(snap, delete_returns_the_space)
{
	uint64_t empty = pool_free(&self->s, &self->m);

	ASSERT_LT(0, empty);
	ASSERT_EQ(0, snapshot(&self->s, &self->m, "o0", "s0"));
	ASSERT_EQ(0, snapshot(&self->s, &self->m, "o0", "s1"));
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 0, 4 * MIB, 30));
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/s1", 8 * MIB, MIB, 31));
	EXPECT_EQ(empty - 5 * MIB, pool_free(&self->s, &self->m));

	/* s0 goes: the shared copies still serve s1 */
	ASSERT_EQ(0, delete_replica(&self->s, &self->m, "s0"));
	EXPECT_EQ(empty - 5 * MIB, pool_free(&self->s, &self->m));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/s1", 0, 4 * MIB, 1));
	ASSERT_EQ(0, delete_replica(&self->s, &self->m, "s1"));
	EXPECT_EQ(empty, pool_free(&self->s, &self->m));
	EXPECT_NE(0, access("/dev/cimrepl/s1", F_OK));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 0, 4 * MIB, 30));
}

TEST_F(snap, an_open_snapshot_is_not_deleted)
{
	int fd;

	ASSERT_EQ(0, snapshot(&self->s, &self->m, "o0", "s0"));
	fd = open("/dev/cimrepl/s0", O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBUSY, delete_replica(&self->s, &self->m, "s0"));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	close(fd);
	EXPECT_EQ(0, delete_replica(&self->s, &self->m, "s0"));
}

TEST_F(snap, the_origin_cannot_go_while_it_has_snapshots)
{
	ASSERT_EQ(0, snapshot(&self->s, &self->m, "o0", "s0"));
	EXPECT_EQ(-EBUSY, volume_cmd(&self->s, &self->m,
				     CIMREPL_CMD_VOLUME_DELETE, "o0", NULL));
	EXPECT_EQ(-EBUSY, pool_cmd(&self->s, &self->m, CIMREPL_CMD_POOL_DELETE,
				   "p0", NULL, false));
}

/* A full pool breaks the snapshots that needed the copy, nothing else. */
TEST_F(snap, full_pool_breaks_the_snapshot_and_the_origin_goes_on)
{
	struct nlt_sock listener;
	uint32_t group;
	uint64_t free_bytes;
	char buf[8192];
	bool seen = false;

	ASSERT_EQ(0, nlt_open(&listener));
	group = listener.events_group;
	ASSERT_EQ(0, setsockopt(listener.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&group, sizeof(group)));

	ASSERT_EQ(0, snapshot(&self->s, &self->m, "o0", "s0"));
	free_bytes = pool_free(&self->s, &self->m);
	ASSERT_LT(free_bytes, (uint64_t)ORIGIN_MIB * MIB);
	/* more than the pool holds */
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 0, ORIGIN_MIB * MIB, 40));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 0, ORIGIN_MIB * MIB, 40));
	EXPECT_EQ(CIMREPL_COPY_STATE_BROKEN, copy_state(&self->s, &self->m, "s0"));
	EXPECT_NE(0, check_pattern("/dev/cimrepl/s0", 0, 4096, 1));
	/* its space came back */
	EXPECT_EQ(free_bytes, pool_free(&self->s, &self->m));

	while (!seen) {
		struct pollfd pfd = { .fd = listener.fd, .events = POLLIN };
		struct nlmsghdr *nlh;
		ssize_t n;

		ASSERT_EQ(1, poll(&pfd, 1, 5000)) TH_LOG("no state change event");
		n = recv(listener.fd, buf, sizeof(buf), 0);
		ASSERT_LT(0, n);
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, (size_t)n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			void *attrs = (char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
			size_t len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
			struct nlattr *ev = nlt_find(attrs, len, CIMREPL_A_EVENT);
			struct nlattr *sync = nlt_find(attrs, len, CIMREPL_A_SYNC);
			struct nlattr *state = sync ?
				nlt_find(nlt_data(sync), nlt_len(sync),
					 CIMREPL_A_SYNC_COPY_STATE) : NULL;

			if (ev && state &&
			    *(uint16_t *)nlt_data(ev) == CIMREPL_EVENT_STATE_CHANGED &&
			    *(uint16_t *)nlt_data(state) == CIMREPL_COPY_STATE_BROKEN)
				seen = true;
		}
	}
	nlt_close(&listener);

	/* a new snapshot works again */
	ASSERT_EQ(0, snapshot(&self->s, &self->m, "o0", "s1"));
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 0, MIB, 41));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/s1", 0, MIB, 40));
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

TEST_F(snap, restore_makes_the_source_equal_to_the_snapshot_online)
{
	struct nlattr *a;
	uint64_t total = 0, done = 0;
	int progress = -1, i;

	ASSERT_EQ(0, snapshot(&self->s, &self->m, "o0", "s0"));
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 0, 16 * MIB, 50));
	ASSERT_EQ(0, snapshot(&self->s, &self->m, "o0", "s1"));

	ASSERT_EQ(0, modify(&self->s, &self->m,
			    CIMREPL_OP_RESTORE_FROM_REPLICA, "s0"))
		TH_LOG("%s", self->s.ext_msg);
	/* no new snapshot of a source while it is being restored */
	EXPECT_EQ(-EBUSY, snapshot(&self->s, &self->m, "o0", "s2"));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	/* online: the source reads the snapshot's data at once */
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 0, 16 * MIB, 1));
	/* and takes writes that the restore must not undo */
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 12 * MIB, MIB, 51));

	for (i = 0; i < 600 && progress != CIMREPL_PROGRESS_COMPLETED; i++) {
		nlt_cmd(&self->s, &self->m, CIMREPL_CMD_SYNC_GET, 0);
		nlt_nest_start(&self->m, CIMREPL_A_SYNC);
		nlt_put_str(&self->m, CIMREPL_A_SYNC_TARGET, "s0");
		nlt_nest_end(&self->m);
		ASSERT_EQ(0, nlt_send(&self->s, &self->m));
		a = reply_nested(&self->s, CIMREPL_A_SYNC,
				 CIMREPL_A_SYNC_PROGRESS_STATUS);
		ASSERT_NE(NULL, a);
		progress = *(uint16_t *)nlt_data(a);
		if (progress == CIMREPL_PROGRESS_RESTORING) {
			a = reply_nested(&self->s, CIMREPL_A_SYNC,
					 CIMREPL_A_SYNC_CHUNKS_TOTAL);
			total = a ? *(uint64_t *)nlt_data(a) : 0;
			a = reply_nested(&self->s, CIMREPL_A_SYNC,
					 CIMREPL_A_SYNC_CHUNKS_DONE);
			done = a ? *(uint64_t *)nlt_data(a) : 0;
			EXPECT_LE(done, total);
		}
		usleep(100 * 1000);
	}
	ASSERT_EQ(CIMREPL_PROGRESS_COMPLETED, progress);
	if (total)	/* seen mid-way: the 16 MiB written since s0 */
		EXPECT_EQ(16 * MIB / CHUNK, total);

	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 0, 12 * MIB, 1));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 12 * MIB, MIB, 51));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/o0", 13 * MIB, 51 * MIB, 1));
	/* the snapshots are untouched: s1 kept what the restore overwrote */
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/s0", 0, ORIGIN_MIB * MIB, 1));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/s1", 0, 16 * MIB, 50));
}

TEST_F(snap, a_pool_too_small_for_its_metadata_is_enospc)
{
	char dev[32];

	ASSERT_EQ(0, make_loop("tiny", 1, dev, sizeof(dev)));
	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_POOL_CREATE, 0);
	nlt_nest_start(&self->m, CIMREPL_A_POOL);
	nlt_put_str(&self->m, CIMREPL_A_POOL_NAME, "tiny");
	nlt_put_str(&self->m, CIMREPL_A_POOL_PATH, dev);
	nlt_put_u32(&self->m, CIMREPL_A_POOL_CHUNK_SIZE, 1 << 20);
	nlt_put(&self->m, CIMREPL_A_POOL_FORMAT, NULL, 0);
	nlt_nest_end(&self->m);
	EXPECT_EQ(-ENOSPC, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	EXPECT_EQ(-ENOENT, pool_cmd(&self->s, &self->m, CIMREPL_CMD_POOL_GET,
				    "tiny", NULL, false));
	/* and a device with no pool on it is not loaded as one */
	EXPECT_EQ(-EINVAL, pool_cmd(&self->s, &self->m, CIMREPL_CMD_POOL_CREATE,
				    "tiny", dev, false));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	sh("losetup -d %s; rm -f /tmp/tiny", dev);
}

/* Loading a pool whose snapshots cannot come back changes nothing. */
TEST_F(snap, a_pool_whose_snapshots_cannot_be_assembled_is_refused)
{
	char dev[32];

	ASSERT_EQ(0, snapshot(&self->s, &self->m, "o0", "s0"));
	ASSERT_EQ(0, make_loop("pool-copy", POOL_MIB, dev, sizeof(dev)));
	ASSERT_EQ(0, sh("dd if=%s of=%s bs=1M status=none", self->pool_dev, dev));
	/* its snapshot s0 of o0 exists already, from pool p0 */
	EXPECT_GT(0, pool_cmd(&self->s, &self->m, CIMREPL_CMD_POOL_CREATE, "p1",
			      dev, false));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	EXPECT_EQ(-ENOENT, pool_cmd(&self->s, &self->m, CIMREPL_CMD_POOL_GET,
				    "p1", NULL, false));
	EXPECT_EQ(1, sync_count(&self->s, &self->m));
	EXPECT_EQ(0, check_pattern("/dev/cimrepl/s0", 0, MIB, 1));
	sh("losetup -d %s; rm -f /tmp/pool-copy", dev);
}

/* A new pool over an old one: nothing of the old one comes back. */
TEST_F(snap, formatting_over_an_old_pool_leaves_nothing_of_it)
{
	ASSERT_EQ(0, snapshot(&self->s, &self->m, "o0", "s0"));
	ASSERT_EQ(0, write_pattern("/dev/cimrepl/o0", 0, MIB, 60));
	ASSERT_EQ(0, delete_replica(&self->s, &self->m, "s0"));
	ASSERT_EQ(0, snapshot(&self->s, &self->m, "o0", "s1"));
	ASSERT_EQ(0, delete_replica(&self->s, &self->m, "s1"));
	ASSERT_EQ(0, pool_cmd(&self->s, &self->m, CIMREPL_CMD_POOL_DELETE, "p0",
			      NULL, false));
	ASSERT_EQ(0, pool_cmd(&self->s, &self->m, CIMREPL_CMD_POOL_CREATE, "p0",
			      self->pool_dev, true));
	ASSERT_EQ(0, pool_cmd(&self->s, &self->m, CIMREPL_CMD_POOL_DELETE, "p0",
			      NULL, false));
	/* loading finds the new, empty pool */
	ASSERT_EQ(0, pool_cmd(&self->s, &self->m, CIMREPL_CMD_POOL_CREATE, "p0",
			      self->pool_dev, false)) TH_LOG("%s", self->s.ext_msg);
	EXPECT_EQ(0, sync_count(&self->s, &self->m));
}

/*
 * A write split at a chunk boundary fails as a whole when one part fails,
 * even if the other part succeeds.
 */
TEST(a_failing_part_of_a_split_write_fails_the_write)
{
	struct nlt_sock s;
	struct nlt_msg m;
	char dev[32], pool[32];
	void *buf;
	int fd;

	ASSERT_EQ(0, nlt_open(&s));
	ASSERT_EQ(0, make_loop("split-data", 8, dev, sizeof(dev)));
	ASSERT_EQ(0, make_loop("split-pool", 8, pool, sizeof(pool)));
	/* sectors 120..127 (the end of the first 64 KiB chunk) fail */
	ASSERT_EQ(0, sh("printf '0 120 linear %s 0\\n120 8 error\\n128 16256 linear %s 128\\n' | DM_DISABLE_UDEV=1 dmsetup create cimrepl-split",
			dev, dev));
	ASSERT_EQ(0, volume_cmd(&s, &m, CIMREPL_CMD_VOLUME_CREATE, "split0",
				"/dev/mapper/cimrepl-split"));
	nlt_cmd(&s, &m, CIMREPL_CMD_POOL_CREATE, 0);
	nlt_nest_start(&m, CIMREPL_A_POOL);
	nlt_put_str(&m, CIMREPL_A_POOL_NAME, "splitpool");
	nlt_put_str(&m, CIMREPL_A_POOL_PATH, pool);
	nlt_put(&m, CIMREPL_A_POOL_FORMAT, NULL, 0);
	nlt_nest_end(&m);
	ASSERT_EQ(0, nlt_send(&s, &m));
	{
		const char *src = "split0", *tgt = "splitsnap";

		ASSERT_EQ(0, snapshot_list(&s, &m, &src, &tgt, 1, "splitpool"))
			TH_LOG("%s", s.ext_msg);
	}
	ASSERT_EQ(0, posix_memalign(&buf, 4096, 8192));
	memset(buf, 0x5a, 8192);
	fd = open("/dev/cimrepl/split0", O_WRONLY | O_DIRECT);
	ASSERT_LE(0, fd);
	/* 60 KiB .. 68 KiB: its first half fails, its second half does not */
	EXPECT_EQ(-1, pwrite(fd, buf, 8192, 60 * 1024));
	EXPECT_EQ(EIO, errno);
	close(fd);
	free(buf);

	delete_replica(&s, &m, "splitsnap");
	pool_cmd(&s, &m, CIMREPL_CMD_POOL_DELETE, "splitpool", NULL, false);
	volume_cmd(&s, &m, CIMREPL_CMD_VOLUME_DELETE, "split0", NULL);
	sh("DM_DISABLE_UDEV=1 dmsetup remove cimrepl-split; losetup -d %s %s", dev, pool);
	sh("rm -f /tmp/split-data /tmp/split-pool");
	nlt_close(&s);
}

TEST_F(snap, bad_requests_change_nothing)
{
	const char *const dup_src[] = { "o0", "o0" };
	const char *const dup_tgt[] = { "s0", "s1" };
	const char *const missing[] = { "no-such-volume" };
	const char *const s0[] = { "s0" };
	const char *const o0[] = { "o0" };

	EXPECT_EQ(-ENOENT, snapshot_list(&self->s, &self->m, missing, s0, 1, "p0"));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	EXPECT_EQ(-EINVAL, snapshot_list(&self->s, &self->m, dup_src, dup_tgt, 2,
					 "p0"));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	EXPECT_EQ(-ENOENT, snapshot_list(&self->s, &self->m, o0, s0, 1, "no-pool"));
	EXPECT_EQ(-EINVAL, snapshot_list(&self->s, &self->m, o0, s0, 1, NULL));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	/* the target name is taken by the origin itself */
	EXPECT_EQ(-EEXIST, snapshot_list(&self->s, &self->m, o0, o0, 1, "p0"));
	EXPECT_EQ(0, sync_count(&self->s, &self->m));
	EXPECT_NE(0, access("/dev/cimrepl/s0", F_OK));
	EXPECT_NE(0, access("/dev/cimrepl/s1", F_OK));
}

/* Writers stamp sequence numbers; a list snapshot must show one cut. */
struct stamper {
	char dev[32];
	int index;
	volatile int *stop;
	volatile uint64_t *counter;	/* shared, increasing */
	pthread_mutex_t *lock;
	unsigned char *owner;		/* owner[stamp]: the volume written */
};

#define STAMP_SLOTS	256
#define MAX_STAMPS	(1 << 20)

static void *stamp_writes(void *arg)
{
	struct stamper *st = arg;
	uint64_t *buf;
	unsigned int slot = 0;
	int fd = open(st->dev, O_WRONLY | O_DIRECT);

	if (fd < 0 || posix_memalign((void **)&buf, 4096, 4096))
		return NULL;
	while (!*st->stop) {
		/* take the next global number and write it, in order */
		pthread_mutex_lock(st->lock);
		if (*st->counter + 1 >= MAX_STAMPS) {
			pthread_mutex_unlock(st->lock);
			break;
		}
		memset(buf, 0, 4096);
		buf[0] = ++*st->counter;
		st->owner[buf[0]] = st->index;
		buf[1] = st->index;
		if (pwrite(fd, buf, 4096, (off_t)(slot % STAMP_SLOTS) * 4096) != 4096) {
			pthread_mutex_unlock(st->lock);
			break;
		}
		pthread_mutex_unlock(st->lock);
		slot++;
	}
	close(fd);
	free(buf);
	return NULL;
}

static uint64_t highest_stamp(const char *dev)
{
	uint64_t *buf, best = 0;
	int fd = open(dev, O_RDONLY | O_DIRECT);
	unsigned int i;

	if (fd < 0 || posix_memalign((void **)&buf, 4096, STAMP_SLOTS * 4096))
		return 0;
	if (pread(fd, buf, STAMP_SLOTS * 4096, 0) == STAMP_SLOTS * 4096)
		for (i = 0; i < STAMP_SLOTS; i++)
			if (buf[i * 512] > best)
				best = buf[i * 512];
	close(fd);
	free(buf);
	return best;
}

TEST_F(snap, a_list_is_one_point_in_time)
{
	const char *const sources[] = { "o0", "c1", "c2", "c3" };
	const char *const targets[] = { "s0", "s1", "s2", "s3" };
	char devs[4][32];
	struct stamper st[4];
	pthread_t threads[4];
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	volatile uint64_t counter = 0;
	volatile int stop = 0;
	unsigned char *owner = calloc(MAX_STAMPS, 1);
	uint64_t top[4], cut = 0, seen_max = 0, stamp;
	char file[16];
	int i;

	strcpy(devs[0], self->origin_dev);
	/* the fixture's pattern would read as stamps: clear the stamp area */
	ASSERT_EQ(0, sh("dd if=/dev/zero of=/dev/cimrepl/o0 bs=1M count=1 oflag=direct status=none"));
	for (i = 1; i < 4; i++) {
		snprintf(file, sizeof(file), "cut%d", i);
		ASSERT_EQ(0, make_loop(file, 8, devs[i], sizeof(devs[i])));
		ASSERT_EQ(0, volume_cmd(&self->s, &self->m,
					CIMREPL_CMD_VOLUME_CREATE, sources[i],
					devs[i]));
	}
	/*
	 * Writes are serialized by a lock and numbered globally, and each
	 * completes before the next starts: any write in a snapshot must have
	 * every lower-numbered write in its snapshot too.
	 */
	for (i = 0; i < 4; i++) {
		snprintf(st[i].dev, sizeof(st[i].dev), "/dev/cimrepl/%s", sources[i]);
		st[i].index = i;
		st[i].stop = &stop;
		st[i].counter = &counter;
		st[i].lock = &lock;
		st[i].owner = owner;
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, stamp_writes, &st[i]));
	}
	usleep(300 * 1000);
	ASSERT_EQ(0, snapshot_list(&self->s, &self->m, sources, targets, 4, "p0"))
		TH_LOG("%s", self->s.ext_msg);
	usleep(300 * 1000);
	stop = 1;
	for (i = 0; i < 4; i++)
		pthread_join(threads[i], NULL);

	/*
	 * The cut is the highest stamp in any snapshot. Each writer wrote its
	 * slots round-robin, so the highest stamp of a volume's snapshot is
	 * its last write before the cut; every volume's last write before the
	 * cut is at most 4 behind (the writers take turns in the lock).
	 */
	for (i = 0; i < 4; i++) {
		char dev[32];

		snprintf(dev, sizeof(dev), "/dev/cimrepl/%s", targets[i]);
		top[i] = highest_stamp(dev);
		cut = top[i] > cut ? top[i] : cut;
	}
	for (i = 0; i < 4; i++) {
		char dev[32];

		snprintf(dev, sizeof(dev), "/dev/cimrepl/%s", sources[i]);
		seen_max = highest_stamp(dev) > seen_max ? highest_stamp(dev) : seen_max;
	}
	ASSERT_LT(cut, seen_max) TH_LOG("writes went on after the snapshot");
	ASSERT_LT(0, cut);
	for (i = 0; i < 4; i++) {
		uint64_t expected = 0;

		/* the volume's last write at or before the cut, nothing less */
		for (stamp = 1; stamp <= cut; stamp++)
			if (owner[stamp] == i)
				expected = stamp;
		EXPECT_EQ(expected, top[i]) TH_LOG("volume %d misses writes before the cut %llu",
						   i, (unsigned long long)cut);
	}
	free(owner);

	for (i = 0; i < 4; i++)
		delete_replica(&self->s, &self->m, targets[i]);
	for (i = 1; i < 4; i++) {
		volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_DELETE,
			   sources[i], NULL);
		sh("losetup -d %s; rm -f /tmp/cut%d", devs[i], i);
	}
}

TEST_HARNESS_MAIN
