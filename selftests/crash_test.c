// SPDX-License-Identifier: GPL-2.0
/*
 * The guest half of the crash test (selftests/crash.sh drives it):
 *
 *   crash_test prepare   on /dev/vda (origin) and /dev/vdb (pool): a volume,
 *                        a pool, pattern A, snapshot s0, then stamped
 *                        O_DSYNC writes forever, snapshot s1 after 300 of
 *                        them; prints "acked N" after each acknowledged
 *                        write and "s1 after N" - until QEMU is killed.
 *   crash_test verify LAST S1
 *                        after the reboot: re-creates the volume, loads the
 *                        pool (which re-assembles s0 and s1) and checks
 *                        that s0 is exactly pattern A, s1 exactly the
 *                        writes up to S1, and the origin holds every write
 *                        up to LAST (TAP output).
 *
 *   crash_test clone-prepare
 *                        on /dev/vda (origin), /dev/vdb (pool) and /dev/vdc
 *                        (clone target): pattern A, a throttled clone c0 of
 *                        the origin, then stamped O_DSYNC writes to the
 *                        origin forever; prints "acked N" after each
 *                        acknowledged write and "chunks DONE TOTAL" now and
 *                        then - until QEMU is killed mid-copy.
 *   crash_test clone-verify LAST
 *                        after the reboot: re-creates the origin and the
 *                        clone volume, loads the pool (which turns c0 back
 *                        into the clone), checks that the copy resumes from
 *                        where it was (not from zero) with the throttle it
 *                        was created with, lets it finish, and
 *                        checks that c0 is exactly pattern A and the origin
 *                        holds every write up to LAST (TAP output).
 *
 *   crash_test mirror-prepare
 *                        on /dev/vda (origin), /dev/vdb (pool) and /dev/vdc
 *                        (mirror target), 16 MiB each: pattern A, an
 *                        asynchronous mirror m0 of the origin, Synchronized;
 *                        then, throttled, with a lag bound of
 *                        MIRROR_LAG_MS, suspended, 200 stamped writes
 *                        into the first MIRROR_HOT bytes, resumed (the
 *                        resync of those regions crawls), and stamped
 *                        O_DSYNC writes there forever; prints
 *                        "synchronized", "resumed", "acked N" after each
 *                        acknowledged write and "copy STATE DONE TOTAL" now
 *                        and then - until QEMU is killed.
 *   crash_test mirror-verify LAST
 *                        after the reboot: re-creates the origin and a
 *                        volume m0 over the target, loads the pool (which
 *                        turns m0 back into the mirror and resyncs what
 *                        its log says: only regions of the written area),
 *                        checks that its throttle and lag bound came back,
 *                        that it reaches Synchronized with the target
 *                        equal to the origin, and that the origin holds
 *                        every write up to LAST (TAP output).
 */
#include <fcntl.h>
#include <stdlib.h>

#include "cimrepl_nl.h"
#include "kselftest.h"

#define REGION		(32 << 20)
#define SLOTS		(REGION / 4096)
#define DISK		(64 << 20)	/* the disks crash.sh makes */
#define CLONE_KIBS	1024		/* a minute for the 64 MiB copy */

static struct nlt_sock s;
static struct nlt_msg m;

static int volume_create(const char *name, const char *path)
{
	nlt_cmd(&s, &m, CIMREPL_CMD_VOLUME_CREATE, 0);
	nlt_nest_start(&m, CIMREPL_A_VOLUME);
	nlt_put_str(&m, CIMREPL_A_VOLUME_NAME, name);
	nlt_put_str(&m, CIMREPL_A_VOLUME_BACKING_PATH, path);
	nlt_nest_end(&m);
	return nlt_send(&s, &m);
}

static int pool_create(const char *path, bool format)
{
	nlt_cmd(&s, &m, CIMREPL_CMD_POOL_CREATE, 0);
	nlt_nest_start(&m, CIMREPL_A_POOL);
	nlt_put_str(&m, CIMREPL_A_POOL_NAME, "p0");
	nlt_put_str(&m, CIMREPL_A_POOL_PATH, path);
	if (format)
		nlt_put(&m, CIMREPL_A_POOL_FORMAT, NULL, 0);
	nlt_nest_end(&m);
	return nlt_send(&s, &m);
}

static int snapshot(const char *target)
{
	nlt_cmd(&s, &m, CIMREPL_CMD_REPLICA_CREATE_LIST, 0);
	nlt_put_u16(&m, CIMREPL_A_SYNC_TYPE, CIMREPL_SYNC_TYPE_SNAPSHOT);
	nlt_nest_start(&m, CIMREPL_A_ELEMENTS);
	nlt_nest_start(&m, 0);
	nlt_put_str(&m, CIMREPL_A_ELEM_SOURCE, "o0");
	nlt_put_str(&m, CIMREPL_A_ELEM_TARGET_NAME, target);
	nlt_put_str(&m, CIMREPL_A_ELEM_POOL, "p0");
	nlt_nest_end(&m);
	nlt_nest_end(&m);
	return nlt_send(&s, &m);
}

/* Pattern A: slot k holds stamp 0 and k in its second word. */
static void fill_slot(uint64_t *block, uint64_t stamp, uint64_t slot)
{
	unsigned int i;

	block[0] = stamp;
	block[1] = slot;
	for (i = 2; i < 512; i++)
		block[i] = stamp * 1000003 + slot * 7 + i;
}

static int prepare(void)
{
	uint64_t *buf, stamp;
	int fd, i;

	if (volume_create("o0", "/dev/vda") || pool_create("/dev/vdb", true)) {
		fprintf(stderr, "setup: %s\n", s.ext_msg);
		return 1;
	}
	if (posix_memalign((void **)&buf, 4096, REGION))
		return 1;
	for (i = 0; i < SLOTS; i++)
		fill_slot(buf + i * 512, 0, i);
	fd = open("/dev/cimrepl/o0", O_WRONLY | O_DIRECT | O_DSYNC);
	if (fd < 0 || pwrite(fd, buf, REGION, 0) != REGION)
		return 1;
	if (snapshot("s0")) {
		fprintf(stderr, "snapshot s0: %s\n", s.ext_msg);
		return 1;
	}
	printf("s0 taken\n");
	fflush(stdout);
	srandom(1);
	for (stamp = 1;; stamp++) {
		uint64_t slot = (uint64_t)random() % SLOTS;

		fill_slot(buf, stamp, slot);
		if (pwrite(fd, buf, 4096, slot * 4096) != 4096)
			return 1;
		printf("acked %llu\n", (unsigned long long)stamp);
		if (stamp == 300) {
			if (snapshot("s1")) {
				fprintf(stderr, "snapshot s1: %s\n", s.ext_msg);
				return 1;
			}
			printf("s1 after %llu\n", (unsigned long long)stamp);
		}
		fflush(stdout);
	}
}

/*
 * Check @dev slot by slot: slot k must hold exactly expected[k] (exact) or
 * at least it (the writes after it may have landed without their ack).
 */
static int check_device(const char *dev, const uint64_t *expected, bool exact)
{
	uint64_t *buf, want[512];
	int fd, k, bad = 0;

	if (posix_memalign((void **)&buf, 4096, REGION))
		return -1;
	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0 || pread(fd, buf, REGION, 0) != REGION) {
		free(buf);
		return -1;
	}
	close(fd);
	for (k = 0; k < SLOTS; k++) {
		uint64_t *got = buf + k * 512;

		if (exact ? got[0] != expected[k] : got[0] < expected[k]) {
			if (bad++ < 5)
				ksft_print_msg("%s slot %d: stamp %llu, expected %s%llu\n",
					       dev, k, (unsigned long long)got[0],
					       exact ? "" : ">= ",
					       (unsigned long long)expected[k]);
			continue;
		}
		fill_slot(want, got[0], k);
		if (memcmp(want, got, 4096) && bad++ < 5)
			ksft_print_msg("%s slot %d: torn or foreign data\n", dev, k);
	}
	free(buf);
	return bad;
}

static int verify(uint64_t last, uint64_t s1_after)
{
	uint64_t *at_s1 = calloc(SLOTS, sizeof(uint64_t));
	uint64_t *acked = calloc(SLOTS, sizeof(uint64_t));
	uint64_t *zero = calloc(SLOTS, sizeof(uint64_t));
	uint64_t stamp;

	/* replay the writer's slot choices */
	srandom(1);
	for (stamp = 1; stamp <= last; stamp++) {
		uint64_t slot = (uint64_t)random() % SLOTS;

		acked[slot] = stamp;
		if (stamp <= s1_after)
			at_s1[slot] = stamp;
	}

	ksft_print_header();
	ksft_set_plan(4);
	if (volume_create("o0", "/dev/vda"))
		ksft_exit_fail_msg("volume: %s\n", s.ext_msg);
	if (pool_create("/dev/vdb", false))
		ksft_exit_fail_msg("pool: %s\n", s.ext_msg);
	ksft_test_result_pass("the pool re-assembles its snapshots after a hard reset\n");
	ksft_test_result(check_device("/dev/cimrepl/s0", zero, true) == 0,
			 "snapshot s0 holds exactly its point in time\n");
	if (s1_after)
		ksft_test_result(check_device("/dev/cimrepl/s1", at_s1, true) == 0,
				 "snapshot s1 holds exactly its point in time\n");
	else
		ksft_test_result_skip("the writer did not reach snapshot s1\n");
	ksft_test_result(check_device("/dev/cimrepl/o0", acked, false) == 0,
			 "the origin holds every acknowledged write (%llu)\n",
			 (unsigned long long)last);
	ksft_finished();
	return 0;
}

static int clone_create(uint32_t kibs)
{
	nlt_cmd(&s, &m, CIMREPL_CMD_REPLICA_CREATE_LIST, 0);
	nlt_put_u16(&m, CIMREPL_A_SYNC_TYPE, CIMREPL_SYNC_TYPE_CLONE);
	nlt_put_u32(&m, CIMREPL_A_THROTTLE, kibs);
	nlt_nest_start(&m, CIMREPL_A_ELEMENTS);
	nlt_nest_start(&m, 0);
	nlt_put_str(&m, CIMREPL_A_ELEM_SOURCE, "o0");
	nlt_put_str(&m, CIMREPL_A_ELEM_TARGET_NAME, "c0");
	nlt_put_str(&m, CIMREPL_A_ELEM_TARGET_PATH, "/dev/vdc");
	nlt_put_str(&m, CIMREPL_A_ELEM_POOL, "p0");
	nlt_nest_end(&m);
	nlt_nest_end(&m);
	return nlt_send(&s, &m);
}

static int clone_prepare(void)
{
	uint64_t *buf, stamp;
	int fd, i;

	if (volume_create("o0", "/dev/vda") || pool_create("/dev/vdb", true)) {
		fprintf(stderr, "setup: %s\n", s.ext_msg);
		return 1;
	}
	if (posix_memalign((void **)&buf, 4096, REGION))
		return 1;
	for (i = 0; i < SLOTS; i++)
		fill_slot(buf + i * 512, 0, i);
	fd = open("/dev/cimrepl/o0", O_WRONLY | O_DIRECT | O_DSYNC);
	if (fd < 0 || pwrite(fd, buf, REGION, 0) != REGION)
		return 1;
	if (clone_create(CLONE_KIBS)) {
		fprintf(stderr, "clone c0: %s\n", s.ext_msg);
		return 1;
	}
	printf("cloned\n");
	fflush(stdout);
	srandom(1);
	for (stamp = 1;; stamp++) {
		uint64_t slot = (uint64_t)random() % SLOTS;

		fill_slot(buf, stamp, slot);
		if (pwrite(fd, buf, 4096, slot * 4096) != 4096)
			return 1;
		printf("acked %llu\n", (unsigned long long)stamp);
		if (stamp % 50 == 0)
			printf("chunks %llu %llu\n",
			       (unsigned long long)nlt_sync_attr(&s, &m, "c0",
					CIMREPL_A_SYNC_CHUNKS_DONE),
			       (unsigned long long)nlt_sync_attr(&s, &m, "c0",
					CIMREPL_A_SYNC_CHUNKS_TOTAL));
		fflush(stdout);
	}
}

/* Is the region after the pattern all zeros on @dev, as on the new disk? */
static int check_zero_tail(const char *dev)
{
	char *buf;
	int fd, bad = 0;
	size_t i;

	if (posix_memalign((void **)&buf, 4096, DISK - REGION))
		return -1;
	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0 || pread(fd, buf, DISK - REGION, REGION) != DISK - REGION) {
		bad = -1;
	} else {
		for (i = 0; i < DISK - REGION; i++)
			if (buf[i]) {
				ksft_print_msg("%s byte %zu: not zero\n", dev,
					       REGION + i);
				bad = 1;
				break;
			}
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return bad;
}

static int clone_verify(uint64_t last)
{
	uint64_t *acked = calloc(SLOTS, sizeof(uint64_t));
	uint64_t *zero = calloc(SLOTS, sizeof(uint64_t));
	uint64_t stamp, done, total, kibs, role = 0;
	struct nlattr *a;
	int state = -1, i;

	srandom(1);
	for (stamp = 1; stamp <= last; stamp++)
		acked[(uint64_t)random() % SLOTS] = stamp;

	ksft_print_header();
	ksft_set_plan(6);
	if (volume_create("o0", "/dev/vda"))
		ksft_exit_fail_msg("volume o0: %s\n", s.ext_msg);
	if (volume_create("c0", "/dev/vdc"))
		ksft_exit_fail_msg("volume c0: %s\n", s.ext_msg);
	if (pool_create("/dev/vdb", false))
		ksft_exit_fail_msg("pool: %s\n", s.ext_msg);
	nlt_cmd(&s, &m, CIMREPL_CMD_VOLUME_GET, 0);
	nlt_nest_start(&m, CIMREPL_A_VOLUME);
	nlt_put_str(&m, CIMREPL_A_VOLUME_NAME, "c0");
	nlt_nest_end(&m);
	if (!nlt_send(&s, &m) &&
	    (a = nlt_reply_nested(&s, CIMREPL_A_VOLUME, CIMREPL_A_VOLUME_ROLE)))
		role = nlt_uint(a);
	done = nlt_sync_attr(&s, &m, "c0", CIMREPL_A_SYNC_CHUNKS_DONE);
	total = nlt_sync_attr(&s, &m, "c0", CIMREPL_A_SYNC_CHUNKS_TOTAL);
	ksft_print_msg("after the reset: role %llu, %llu of %llu chunks copied\n",
		       (unsigned long long)role, (unsigned long long)done,
		       (unsigned long long)total);
	ksft_test_result(role == CIMREPL_ROLE_CLONE &&
			 total == DISK / (64 << 10),
			 "the pool turns the volume back into the clone after a hard reset\n");
	ksft_test_result(done > 0 && done < total,
			 "the copy resumes where it was, not from zero (%llu of %llu)\n",
			 (unsigned long long)done, (unsigned long long)total);
	kibs = nlt_sync_attr(&s, &m, "c0", CIMREPL_A_SYNC_THROTTLE);
	ksft_test_result(kibs == CLONE_KIBS,
			 "the clone's throttle, given at its creation, outlives the reset (%llu KiB/s)\n",
			 (unsigned long long)kibs);

	if (nlt_sync_set_throttle(&s, &m, "c0", 0))
		ksft_print_msg("unthrottle: %s\n", s.ext_msg);
	for (i = 0; i < 1200; i++) {
		state = (int)nlt_sync_attr(&s, &m, "c0", CIMREPL_A_SYNC_COPY_STATE);
		if (state != CIMREPL_COPY_STATE_UNSYNCHRONIZED)
			break;
		usleep(100 * 1000);
	}
	ksft_test_result(state == CIMREPL_COPY_STATE_SYNCHRONIZED,
			 "the copy finishes (CopyState %d)\n", state);
	ksft_test_result(check_device("/dev/cimrepl/c0", zero, true) == 0 &&
			 check_zero_tail("/dev/cimrepl/c0") == 0,
			 "the clone holds exactly its point in time\n");
	ksft_test_result(check_device("/dev/cimrepl/o0", acked, false) == 0,
			 "the origin holds every acknowledged write (%llu)\n",
			 (unsigned long long)last);
	ksft_finished();
	return 0;
}

/* The mirror scenario: small disks, writes into a small hot area. */
#define MIRROR_DISK	(16 << 20)
#define MIRROR_HOT	(2 << 20)
#define MIRROR_SLOTS	(MIRROR_HOT / 4096)
#define MIRROR_CHUNK	(64 << 10)	/* the pool's default chunk size */
#define MIRROR_KIBS	64		/* the resync crawls: 32 s for 2 MiB */
#define MIRROR_LAG_MS	345		/* not the default: seen again after the reset */

static int mirror_create(void)
{
	nlt_cmd(&s, &m, CIMREPL_CMD_REPLICA_CREATE_LIST, 0);
	nlt_put_u16(&m, CIMREPL_A_SYNC_TYPE, CIMREPL_SYNC_TYPE_MIRROR);
	nlt_put_u16(&m, CIMREPL_A_MODE, CIMREPL_MODE_ASYNCHRONOUS);
	nlt_nest_start(&m, CIMREPL_A_ELEMENTS);
	nlt_nest_start(&m, 0);
	nlt_put_str(&m, CIMREPL_A_ELEM_SOURCE, "o0");
	nlt_put_str(&m, CIMREPL_A_ELEM_TARGET_NAME, "m0");
	nlt_put_str(&m, CIMREPL_A_ELEM_TARGET_PATH, "/dev/vdc");
	nlt_put_str(&m, CIMREPL_A_ELEM_POOL, "p0");
	nlt_nest_end(&m);
	nlt_nest_end(&m);
	return nlt_send(&s, &m);
}

static int mirror_modify(uint16_t op)
{
	nlt_cmd(&s, &m, CIMREPL_CMD_SYNC_MODIFY_LIST, 0);
	nlt_put_u16(&m, CIMREPL_A_OPERATION, op);
	nlt_nest_start(&m, CIMREPL_A_ELEMENTS);
	nlt_nest_start(&m, 0);
	nlt_put_str(&m, CIMREPL_A_ELEM_TARGET_NAME, "m0");
	nlt_nest_end(&m);
	nlt_nest_end(&m);
	return nlt_send(&s, &m);
}

static int mirror_set_max_lag(uint32_t ms)
{
	nlt_cmd(&s, &m, CIMREPL_CMD_SYNC_SET, 0);
	nlt_nest_start(&m, CIMREPL_A_SYNC);
	nlt_put_str(&m, CIMREPL_A_SYNC_TARGET, "m0");
	nlt_put_u32(&m, CIMREPL_A_SYNC_MAX_LAG_MS, ms);
	nlt_nest_end(&m);
	return nlt_send(&s, &m);
}

/* Poll m0 until its CopyState is @state (@secs at most); the last seen. */
static int mirror_wait(int state, int secs)
{
	int now = -1, i;

	for (i = 0; i < secs * 10; i++) {
		now = (int)nlt_sync_attr(&s, &m, "m0", CIMREPL_A_SYNC_COPY_STATE);
		if (now == state)
			break;
		usleep(100 * 1000);
	}
	return now;
}

/* Stamped write number @stamp into the hot area, acknowledged. */
static int mirror_write(int fd, uint64_t *buf, uint64_t stamp)
{
	uint64_t slot = (uint64_t)random() % MIRROR_SLOTS;

	fill_slot(buf, stamp, slot);
	if (pwrite(fd, buf, 4096, slot * 4096) != 4096)
		return -1;
	printf("acked %llu\n", (unsigned long long)stamp);
	return 0;
}

static int mirror_prepare(void)
{
	uint64_t *buf, stamp;
	int fd, i;

	if (volume_create("o0", "/dev/vda") || pool_create("/dev/vdb", true)) {
		fprintf(stderr, "setup: %s\n", s.ext_msg);
		return 1;
	}
	if (posix_memalign((void **)&buf, 4096, MIRROR_DISK))
		return 1;
	for (i = 0; i < MIRROR_DISK / 4096; i++)
		fill_slot(buf + i * 512, 0, i);
	fd = open("/dev/cimrepl/o0", O_WRONLY | O_DIRECT | O_DSYNC);
	if (fd < 0 || pwrite(fd, buf, MIRROR_DISK, 0) != MIRROR_DISK)
		return 1;
	if (mirror_create()) {
		fprintf(stderr, "mirror m0: %s\n", s.ext_msg);
		return 1;
	}
	i = mirror_wait(CIMREPL_COPY_STATE_SYNCHRONIZED, 60);
	if (i != CIMREPL_COPY_STATE_SYNCHRONIZED) {
		fprintf(stderr, "mirror m0: CopyState %d, not Synchronized\n", i);
		return 1;
	}
	printf("synchronized\n");
	fflush(stdout);

	/* a resync that crawls, of regions the log must remember */
	if (nlt_sync_set_throttle(&s, &m, "m0", MIRROR_KIBS))
		printf("# no throttle for m0: %s\n", s.ext_msg);
	if (mirror_set_max_lag(MIRROR_LAG_MS))
		printf("# no lag bound for m0: %s\n", s.ext_msg);
	if (mirror_modify(CIMREPL_OP_SUSPEND)) {
		fprintf(stderr, "suspend: %s\n", s.ext_msg);
		return 1;
	}
	srandom(2);
	for (stamp = 1; stamp <= 200; stamp++)
		if (mirror_write(fd, buf, stamp))
			return 1;
	if (mirror_modify(CIMREPL_OP_RESUME)) {
		fprintf(stderr, "resume: %s\n", s.ext_msg);
		return 1;
	}
	printf("resumed\n");
	fflush(stdout);
	for (;; stamp++) {
		if (mirror_write(fd, buf, stamp))
			return 1;
		if (stamp % 50 == 0)
			printf("copy %llu %llu %llu\n",
			       (unsigned long long)nlt_sync_attr(&s, &m, "m0",
					CIMREPL_A_SYNC_COPY_STATE),
			       (unsigned long long)nlt_sync_attr(&s, &m, "m0",
					CIMREPL_A_SYNC_CHUNKS_DONE),
			       (unsigned long long)nlt_sync_attr(&s, &m, "m0",
					CIMREPL_A_SYNC_CHUNKS_TOTAL));
		fflush(stdout);
	}
}

/* Do @a and @b hold the same MIRROR_DISK bytes? 0 yes, 1 no, -1 error. */
static int mirror_same(const char *a, const char *b)
{
	char *x = NULL, *y = NULL;
	int fa = open(a, O_RDONLY | O_DIRECT), fb = open(b, O_RDONLY | O_DIRECT);
	int ret = -1;
	off_t off;

	if (fa >= 0 && fb >= 0 && !posix_memalign((void **)&x, 4096, MIRROR_DISK) &&
	    !posix_memalign((void **)&y, 4096, MIRROR_DISK) &&
	    pread(fa, x, MIRROR_DISK, 0) == MIRROR_DISK &&
	    pread(fb, y, MIRROR_DISK, 0) == MIRROR_DISK) {
		ret = 0;
		for (off = 0; off < MIRROR_DISK; off += 4096)
			if (memcmp(x + off, y + off, 4096)) {
				ksft_print_msg("%s and %s differ at %lld\n", a, b,
					       (long long)off);
				ret = 1;
				break;
			}
	}
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	free(x);
	free(y);
	return ret;
}

/* Does the origin hold every acknowledged write, or a later one? */
static int mirror_check_origin(const uint64_t *acked)
{
	uint64_t *buf, want[512];
	int fd, k, bad = 0;

	if (posix_memalign((void **)&buf, 4096, MIRROR_HOT))
		return -1;
	fd = open("/dev/cimrepl/o0", O_RDONLY | O_DIRECT);
	if (fd < 0 || pread(fd, buf, MIRROR_HOT, 0) != MIRROR_HOT) {
		free(buf);
		return -1;
	}
	close(fd);
	for (k = 0; k < MIRROR_SLOTS; k++) {
		uint64_t *got = buf + k * 512;

		fill_slot(want, got[0], k);
		if (got[0] < acked[k] || memcmp(want, got, 4096)) {
			if (bad++ < 5)
				ksft_print_msg("origin slot %d: stamp %llu, expected >= %llu\n",
					       k, (unsigned long long)got[0],
					       (unsigned long long)acked[k]);
		}
	}
	free(buf);
	return bad;
}

static int mirror_verify(uint64_t last)
{
	uint64_t *acked = calloc(MIRROR_SLOTS, sizeof(uint64_t));
	uint64_t stamp, total, role = 0, type, mode, kibs, lag;
	struct nlattr *a;
	int state;

	srandom(2);
	for (stamp = 1; stamp <= last; stamp++)
		acked[(uint64_t)random() % MIRROR_SLOTS] = stamp;

	ksft_print_header();
	ksft_set_plan(6);
	if (volume_create("o0", "/dev/vda"))
		ksft_exit_fail_msg("volume o0: %s\n", s.ext_msg);
	if (volume_create("m0", "/dev/vdc"))
		ksft_exit_fail_msg("volume m0: %s\n", s.ext_msg);
	if (pool_create("/dev/vdb", false))
		ksft_exit_fail_msg("pool: %s\n", s.ext_msg);
	nlt_cmd(&s, &m, CIMREPL_CMD_VOLUME_GET, 0);
	nlt_nest_start(&m, CIMREPL_A_VOLUME);
	nlt_put_str(&m, CIMREPL_A_VOLUME_NAME, "m0");
	nlt_nest_end(&m);
	if (!nlt_send(&s, &m) &&
	    (a = nlt_reply_nested(&s, CIMREPL_A_VOLUME, CIMREPL_A_VOLUME_ROLE)))
		role = nlt_uint(a);
	type = nlt_sync_attr(&s, &m, "m0", CIMREPL_A_SYNC_SYNC_TYPE);
	mode = nlt_sync_attr(&s, &m, "m0", CIMREPL_A_SYNC_MODE);
	state = (int)nlt_sync_attr(&s, &m, "m0", CIMREPL_A_SYNC_COPY_STATE);
	ksft_print_msg("after the reset: role %llu, SyncType %llu, Mode %llu, CopyState %d, %llu of %llu regions to copy\n",
		       (unsigned long long)role, (unsigned long long)type,
		       (unsigned long long)mode, state,
		       (unsigned long long)nlt_sync_attr(&s, &m, "m0",
						CIMREPL_A_SYNC_CHUNKS_DONE),
		       (unsigned long long)nlt_sync_attr(&s, &m, "m0",
						CIMREPL_A_SYNC_CHUNKS_TOTAL));
	ksft_test_result(role == CIMREPL_ROLE_MIRROR &&
			 type == CIMREPL_SYNC_TYPE_MIRROR &&
			 mode == CIMREPL_MODE_ASYNCHRONOUS,
			 "the pool turns the volume back into the mirror after a hard reset\n");

	kibs = nlt_sync_attr(&s, &m, "m0", CIMREPL_A_SYNC_THROTTLE);
	lag = nlt_sync_attr(&s, &m, "m0", CIMREPL_A_SYNC_MAX_LAG_MS);
	ksft_test_result(kibs == MIRROR_KIBS && lag == MIRROR_LAG_MS,
			 "the mirror's throttle and lag bound outlive the reset (%llu KiB/s, %llu ms)\n",
			 (unsigned long long)kibs, (unsigned long long)lag);

	if (nlt_sync_set_throttle(&s, &m, "m0", 0))
		ksft_print_msg("unthrottle: %s\n", s.ext_msg);
	state = mirror_wait(CIMREPL_COPY_STATE_SYNCHRONIZED, 120);
	ksft_test_result(state == CIMREPL_COPY_STATE_SYNCHRONIZED,
			 "the mirror resyncs by itself to Synchronized (CopyState %d)\n",
			 state);
	total = nlt_sync_attr(&s, &m, "m0", CIMREPL_A_SYNC_CHUNKS_TOTAL);
	ksft_test_result(total > 0 && total <= MIRROR_HOT / MIRROR_CHUNK,
			 "the resync copies only logged regions of the written area (%llu of at most %d)\n",
			 (unsigned long long)total, MIRROR_HOT / MIRROR_CHUNK);
	/* an asynchronous mirror: the target catches up with the source */
	for (state = 0; state < 100 &&
	     nlt_sync_attr(&s, &m, "m0", CIMREPL_A_SYNC_BACKLOG) != 0; state++)
		usleep(100 * 1000);
	ksft_test_result(mirror_same("/dev/cimrepl/o0", "/dev/cimrepl/m0") == 0,
			 "the target equals the origin\n");
	ksft_test_result(mirror_check_origin(acked) == 0,
			 "the origin holds every acknowledged write (%llu)\n",
			 (unsigned long long)last);
	ksft_finished();
	return 0;
}

int main(int argc, char **argv)
{
	if (nlt_open(&s)) {
		fprintf(stderr, "no cimrepl family\n");
		return 1;
	}
	if (argc == 2 && !strcmp(argv[1], "prepare"))
		return prepare();
	if (argc == 4 && !strcmp(argv[1], "verify"))
		return verify(strtoull(argv[2], NULL, 10),
			      strtoull(argv[3], NULL, 10));
	if (argc == 2 && !strcmp(argv[1], "clone-prepare"))
		return clone_prepare();
	if (argc == 3 && !strcmp(argv[1], "clone-verify"))
		return clone_verify(strtoull(argv[2], NULL, 10));
	if (argc == 2 && !strcmp(argv[1], "mirror-prepare"))
		return mirror_prepare();
	if (argc == 3 && !strcmp(argv[1], "mirror-verify"))
		return mirror_verify(strtoull(argv[2], NULL, 10));
	fprintf(stderr, "usage: crash_test prepare | verify LAST S1\n"
			"       crash_test clone-prepare | clone-verify LAST\n"
			"       crash_test mirror-prepare | mirror-verify LAST\n");
	return 2;
}
