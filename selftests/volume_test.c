// SPDX-License-Identifier: GPL-2.0
/*
 * Managed volumes: /dev/cimrepl/NAME over a backing block device. Data
 * written through the volume is on the backing device at the same offsets;
 * the volume advertises a write cache with FUA; misuse is refused with the
 * right errno and an extack message and changes nothing; an open volume is
 * never deleted; the module cannot go away while it holds a volume.
 *
 * Runs as root inside the test VM (brd gives /dev/ram0..7, 256 MiB each);
 * this test uses /dev/ram2 and /dev/ram3.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <linux/fs.h>

#include "cimrepl_nl.h"
#include "kselftest_harness.h"

#define BACKING		"/dev/ram2"
#define OTHER_BACKING	"/dev/ram3"
#define VOL		"vt0"
#define VOL_DEV		"/dev/cimrepl/" VOL
#define IO_SIZE		(1 << 20)

FIXTURE(volume) {
	struct nlt_sock s;
	struct nlt_msg m;
};

static int volume_cmd(struct nlt_sock *s, struct nlt_msg *m, uint8_t cmd,
		      const char *name, const char *path)
{
	nlt_cmd(s, m, cmd, 0);
	nlt_nest_start(m, CIMREPL_A_VOLUME);
	if (name)
		nlt_put_str(m, CIMREPL_A_VOLUME_NAME, name);
	if (path)
		nlt_put_str(m, CIMREPL_A_VOLUME_BACKING_PATH, path);
	nlt_nest_end(m);
	return nlt_send(s, m);
}

/* The number of volumes a dump reports. */
static int volume_count(struct nlt_sock *s, struct nlt_msg *m)
{
	nlt_cmd(s, m, CIMREPL_CMD_VOLUME_GET, NLM_F_DUMP);
	if (nlt_send(s, m))
		return -1;
	return s->dump_count;
}

FIXTURE_SETUP(volume)
{
	ASSERT_EQ(0, nlt_open(&self->s));
	/* a volume left by an earlier, failed test would skew the counts */
	volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_DELETE, VOL, NULL);
	ASSERT_EQ(0, volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_CREATE,
				VOL, BACKING))
		TH_LOG("create: %s", self->s.ext_msg);
}

FIXTURE_TEARDOWN(volume)
{
	volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_DELETE, VOL, NULL);
	nlt_close(&self->s);
}

static uint64_t device_bytes(const char *path)
{
	uint64_t bytes = 0;
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		ioctl(fd, BLKGETSIZE64, &bytes);
		close(fd);
	}
	return bytes;
}

static void *aligned_buffer(void)
{
	void *buf = NULL;

	if (posix_memalign(&buf, 4096, IO_SIZE))
		return NULL;
	return buf;
}

static void fill_pattern(unsigned char *buf, unsigned int seed)
{
	size_t i;

	for (i = 0; i < IO_SIZE; i++)
		buf[i] = (unsigned char)((i * 131 + seed * 7919) >> 3);
}

static int pwrite_direct(const char *path, const void *buf, off_t offset)
{
	int fd = open(path, O_WRONLY | O_DIRECT);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pwrite(fd, buf, IO_SIZE, offset);
	if (n == IO_SIZE && fdatasync(fd))
		n = -1;
	close(fd);
	return n == IO_SIZE ? 0 : -EIO;
}

static int pread_direct(const char *path, void *buf, off_t offset)
{
	int fd = open(path, O_RDONLY | O_DIRECT);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, buf, IO_SIZE, offset);
	close(fd);
	return n == IO_SIZE ? 0 : -EIO;
}

TEST_F(volume, appears_as_a_block_device_the_size_of_its_backing)
{
	struct stat st, backing_st;
	struct nlattr *nest, *a;

	ASSERT_EQ(0, stat(VOL_DEV, &st));
	ASSERT_TRUE(S_ISBLK(st.st_mode));
	ASSERT_EQ(0, stat(BACKING, &backing_st));
	EXPECT_EQ(device_bytes(BACKING), device_bytes(VOL_DEV));

	ASSERT_EQ(0, volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_GET,
				VOL, NULL));
	nest = nlt_reply_find(&self->s, CIMREPL_A_VOLUME);
	ASSERT_NE(NULL, nest);
	a = nlt_find(nlt_data(nest), nlt_len(nest), CIMREPL_A_VOLUME_NAME);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ(VOL, (char *)nlt_data(a));
	a = nlt_find(nlt_data(nest), nlt_len(nest), CIMREPL_A_VOLUME_BACKING_PATH);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ(BACKING, (char *)nlt_data(a));
	a = nlt_find(nlt_data(nest), nlt_len(nest), CIMREPL_A_VOLUME_SIZE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(device_bytes(BACKING), *(uint64_t *)nlt_data(a));
	a = nlt_find(nlt_data(nest), nlt_len(nest), CIMREPL_A_VOLUME_MAJOR);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(major(st.st_rdev), *(uint32_t *)nlt_data(a));
	a = nlt_find(nlt_data(nest), nlt_len(nest), CIMREPL_A_VOLUME_MINOR);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(minor(st.st_rdev), *(uint32_t *)nlt_data(a));
	a = nlt_find(nlt_data(nest), nlt_len(nest), CIMREPL_A_VOLUME_BACKING_MAJOR);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(major(backing_st.st_rdev), *(uint32_t *)nlt_data(a));
	a = nlt_find(nlt_data(nest), nlt_len(nest), CIMREPL_A_VOLUME_BACKING_MINOR);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(minor(backing_st.st_rdev), *(uint32_t *)nlt_data(a));
	a = nlt_find(nlt_data(nest), nlt_len(nest), CIMREPL_A_VOLUME_ROLE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(CIMREPL_ROLE_VOLUME, *(uint16_t *)nlt_data(a));

	EXPECT_EQ(1, volume_count(&self->s, &self->m));
}

TEST_F(volume, data_lands_on_the_backing_device_at_the_same_offset)
{
	unsigned char *out = aligned_buffer(), *in = aligned_buffer();
	const off_t offsets[] = { 0, 37 << 20, 255 << 20 };
	unsigned int i;

	ASSERT_NE(NULL, out);
	ASSERT_NE(NULL, in);
	for (i = 0; i < 3; i++) {
		fill_pattern(out, i + 1);
		ASSERT_EQ(0, pwrite_direct(VOL_DEV, out, offsets[i]));
		ASSERT_EQ(0, pread_direct(BACKING, in, offsets[i]));
		EXPECT_EQ(0, memcmp(out, in, IO_SIZE)) TH_LOG("offset %jd",
							     (intmax_t)offsets[i]);
		/* and what the backing device holds is what the volume reads */
		fill_pattern(out, i + 100);
		ASSERT_EQ(0, pwrite_direct(BACKING, out, offsets[i]));
		ASSERT_EQ(0, pread_direct(VOL_DEV, in, offsets[i]));
		EXPECT_EQ(0, memcmp(out, in, IO_SIZE));
	}
	free(out);
	free(in);
}

static void read_sysfs(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, len, f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
}

/* Without a write cache and FUA, the block layer and LIO drop flushes. */
TEST_F(volume, advertises_a_write_cache_with_fua)
{
	char buf[64];

	read_sysfs("/sys/block/cimrepl!" VOL "/queue/write_cache", buf, sizeof(buf));
	EXPECT_STREQ("write back", buf);
	read_sysfs("/sys/block/cimrepl!" VOL "/queue/fua", buf, sizeof(buf));
	EXPECT_STREQ("1", buf);
	/* and the backing device lists the volume as its holder */
	EXPECT_EQ(0, access("/sys/block/ram2/holders/cimrepl!" VOL, F_OK));
}

static uint64_t volume_u64(struct nlt_sock *s, struct nlt_msg *m, int attr)
{
	struct nlattr *nest, *a;

	if (volume_cmd(s, m, CIMREPL_CMD_VOLUME_GET, VOL, NULL))
		return 0;
	nest = nlt_reply_find(s, CIMREPL_A_VOLUME);
	a = nest ? nlt_find(nlt_data(nest), nlt_len(nest), attr) : NULL;
	return a ? *(uint64_t *)nlt_data(a) : 0;
}

/* fsync() of the block device sends a flush; the volume counts it. */
TEST_F(volume, flushes_reach_the_volume)
{
	uint64_t before = volume_u64(&self->s, &self->m, CIMREPL_A_VOLUME_FLUSHES);
	int fd = open(VOL_DEV, O_WRONLY);

	ASSERT_LE(0, fd);
	ASSERT_EQ(1, write(fd, "x", 1));
	ASSERT_EQ(0, fsync(fd));
	close(fd);
	EXPECT_LT(before, volume_u64(&self->s, &self->m, CIMREPL_A_VOLUME_FLUSHES));
}

TEST_F(volume, duplicate_name_is_eexist_and_changes_nothing)
{
	EXPECT_EQ(-EEXIST, volume_cmd(&self->s, &self->m,
				      CIMREPL_CMD_VOLUME_CREATE, VOL,
				      OTHER_BACKING));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	EXPECT_EQ(1, volume_count(&self->s, &self->m));
	/* the other device was not kept open */
	EXPECT_EQ(0, volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_CREATE,
				"vt1", OTHER_BACKING));
	EXPECT_EQ(0, volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_DELETE,
				"vt1", NULL));
}

TEST_F(volume, backing_device_in_use_is_ebusy)
{
	/* the volume holds BACKING exclusively */
	EXPECT_EQ(-EBUSY, volume_cmd(&self->s, &self->m,
				     CIMREPL_CMD_VOLUME_CREATE, "vt1", BACKING));
	EXPECT_NE(NULL, strstr(self->s.ext_msg, "in use"));
	EXPECT_EQ(1, volume_count(&self->s, &self->m));
	EXPECT_NE(0, access("/dev/cimrepl/vt1", F_OK));
}

TEST_F(volume, bad_backing_paths_are_refused_with_their_errno)
{
	EXPECT_EQ(-ENOENT, volume_cmd(&self->s, &self->m,
				      CIMREPL_CMD_VOLUME_CREATE, "vt1",
				      "/dev/no-such-disk"));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	EXPECT_EQ(-ENOTBLK, volume_cmd(&self->s, &self->m,
				       CIMREPL_CMD_VOLUME_CREATE, "vt1",
				       "/dev/null"));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	EXPECT_EQ(-ENOTBLK, volume_cmd(&self->s, &self->m,
				       CIMREPL_CMD_VOLUME_CREATE, "vt1",
				       "/proc/version"));
	EXPECT_EQ(1, volume_count(&self->s, &self->m));
}

TEST_F(volume, a_cimrepl_device_cannot_back_a_volume)
{
	EXPECT_EQ(-EINVAL, volume_cmd(&self->s, &self->m,
				      CIMREPL_CMD_VOLUME_CREATE, "vt1",
				      VOL_DEV));
	EXPECT_NE(NULL, strstr(self->s.ext_msg, "cimrepl device"));
	EXPECT_EQ(1, volume_count(&self->s, &self->m));
}

TEST_F(volume, open_volume_is_not_deleted)
{
	int fd = open(VOL_DEV, O_RDONLY);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBUSY, volume_cmd(&self->s, &self->m,
				     CIMREPL_CMD_VOLUME_DELETE, VOL, NULL));
	EXPECT_NE(NULL, strstr(self->s.ext_msg, "open"));
	EXPECT_EQ(0, access(VOL_DEV, F_OK));
	close(fd);

	EXPECT_EQ(0, volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_DELETE,
				VOL, NULL));
	EXPECT_NE(0, access(VOL_DEV, F_OK));
	EXPECT_EQ(0, volume_count(&self->s, &self->m));
	/* and the backing device is free again */
	fd = open(BACKING, O_RDONLY | O_EXCL);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
}

TEST_F(volume, module_refuses_to_unload_while_it_holds_a_volume)
{
	EXPECT_EQ(-1, syscall(SYS_delete_module, "cimrepl", O_NONBLOCK));
	EXPECT_TRUE(errno == EWOULDBLOCK || errno == EBUSY)
		TH_LOG("delete_module: %s", strerror(errno));
	EXPECT_EQ(0, access(VOL_DEV, F_OK));
}

/* Creation and deletion are announced on the events group. */
TEST_F(volume, create_and_delete_are_events)
{
	struct nlt_sock listener;
	uint32_t group;
	uint16_t seen[2] = { 0, 0 };
	char buf[8192];
	int n_seen = 0;

	ASSERT_EQ(0, nlt_open(&listener));
	group = listener.events_group;
	ASSERT_EQ(0, setsockopt(listener.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&group, sizeof(group)));

	ASSERT_EQ(0, volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_CREATE,
				"vt1", OTHER_BACKING));
	ASSERT_EQ(0, volume_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_DELETE,
				"vt1", NULL));

	while (n_seen < 2) {
		struct pollfd pfd = { .fd = listener.fd, .events = POLLIN };
		struct nlmsghdr *nlh;
		ssize_t n;

		ASSERT_EQ(1, poll(&pfd, 1, 5000)) TH_LOG("no event within 5 s");
		n = recv(listener.fd, buf, sizeof(buf), 0);
		ASSERT_LT(0, n);
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, (size_t)n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			struct genlmsghdr *g = NLMSG_DATA(nlh);
			void *attrs = (char *)g + GENL_HDRLEN;
			size_t len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
			struct nlattr *ev, *vol, *name;

			if (g->cmd != CIMREPL_CMD_EVENT)
				continue;
			ev = nlt_find(attrs, len, CIMREPL_A_EVENT);
			vol = nlt_find(attrs, len, CIMREPL_A_VOLUME);
			ASSERT_NE(NULL, ev);
			ASSERT_NE(NULL, vol);
			name = nlt_find(nlt_data(vol), nlt_len(vol),
					CIMREPL_A_VOLUME_NAME);
			ASSERT_NE(NULL, name);
			EXPECT_STREQ("vt1", (char *)nlt_data(name));
			if (n_seen < 2)
				seen[n_seen++] = *(uint16_t *)nlt_data(ev);
		}
	}
	EXPECT_EQ(CIMREPL_EVENT_CREATED, seen[0]);
	EXPECT_EQ(CIMREPL_EVENT_DELETED, seen[1]);
	nlt_close(&listener);
}

TEST_HARNESS_MAIN
