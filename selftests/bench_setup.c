// SPDX-License-Identifier: GPL-2.0
/*
 * bench_setup - the few cimrepl netlink requests scripts/bench-guest.sh
 * needs, with the raw client of the selftests (cimrepl_nl.h). Not a test: scripts/bench.sh builds it into .cache/bench/.
 *
 *   bench_setup volume-create NAME BACKING
 *   bench_setup volume-delete NAME
 *   bench_setup pool-create NAME PATH [CHUNK_BYTES]   (formats the device)
 *   bench_setup pool-delete NAME
 *   bench_setup pool-free NAME                        (prints free bytes)
 *   bench_setup snapshot SOURCE POOL TARGET...        (one request each)
 *   bench_setup replica-delete TARGET...
 *   bench_setup clone SOURCE POOL NAME PATH [THROTTLE_KIBS]
 *                                    (a clone of SOURCE onto the device PATH)
 *   bench_setup clone-copy SOURCE POOL NAME PATH
 *                                    (the same, unthrottled, then waits for it)
 *   bench_setup mirror SOURCE POOL NAME PATH sync|async
 *                                    (a mirror of SOURCE onto PATH, Mode 2 or 3)
 *   bench_setup mirror-copy SOURCE POOL NAME PATH sync|async
 *                                    (the same, then waits for Synchronized)
 *   bench_setup clone-wait NAME TIMEOUT_SECONDS
 *   bench_setup sync-state NAME      (prints CopyState, chunks done and total)
 *
 * clone-wait, clone-copy and mirror-copy poll SYNC_GET every 10 ms until the
 * clone or mirror is Synchronized (CopyState 4) and print
 * "KERNEL_S USER_S BYTES": the copy's time by the kernel's own clock
 * (WHEN_SYNCHRONIZED - WHEN_ESTABLISHED, from the creation request to the
 * end of the copy), the time seen here (clone-copy, mirror-copy: from
 * before the request to the first reply showing 4; clone-wait: from its
 * start), and the bytes copied (the source's size). mirror-copy sets no
 * throttle on its request. A clone or mirror that ends Broken or Aborted,
 * or is not done in time, fails.
 *
 * Several targets in one invocation save process start-ups, which are
 * slow in an emulated guest; each is still its own request (for snapshots:
 * its own point in time, like dm-snapshot's and dm-thin's).
 *
 * Exit status 0 on success; on failure the errno and the kernel's extended
 * ACK message go to stderr and the status is 1.
 */
#include <stdlib.h>
#include <time.h>

#include "cimrepl_nl.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: bench_setup volume-create NAME BACKING | volume-delete NAME |\n"
		"       pool-create NAME PATH [CHUNK] | pool-delete NAME | pool-free NAME |\n"
		"       snapshot SOURCE POOL TARGET... | replica-delete TARGET... |\n"
		"       clone SOURCE POOL NAME PATH [THROTTLE_KIBS] |\n"
		"       clone-copy SOURCE POOL NAME PATH | clone-wait NAME TIMEOUT |\n"
		"       mirror[-copy] SOURCE POOL NAME PATH sync|async |\n"
		"       sync-state NAME\n");
	return 2;
}

static void volume(struct nlt_sock *s, struct nlt_msg *m, uint8_t cmd,
		   const char *name, const char *path)
{
	nlt_cmd(s, m, cmd, 0);
	nlt_nest_start(m, CIMREPL_A_VOLUME);
	nlt_put_str(m, CIMREPL_A_VOLUME_NAME, name);
	if (path)
		nlt_put_str(m, CIMREPL_A_VOLUME_BACKING_PATH, path);
	nlt_nest_end(m);
}

static void pool(struct nlt_sock *s, struct nlt_msg *m, uint8_t cmd,
		 const char *name, const char *path, uint32_t chunk)
{
	nlt_cmd(s, m, cmd, 0);
	nlt_nest_start(m, CIMREPL_A_POOL);
	nlt_put_str(m, CIMREPL_A_POOL_NAME, name);
	if (path) {
		nlt_put_str(m, CIMREPL_A_POOL_PATH, path);
		if (chunk)
			nlt_put_u32(m, CIMREPL_A_POOL_CHUNK_SIZE, chunk);
		nlt_put(m, CIMREPL_A_POOL_FORMAT, NULL, 0);
	}
	nlt_nest_end(m);
}

static int request(struct nlt_sock *s, struct nlt_msg *m, const char *op,
		const char *name)
{
	int ret = nlt_send(s, m);

	if (ret)
		fprintf(stderr, "bench_setup: %s %s: %s%s%s\n", op, name,
			strerror(-ret), s->ext_msg[0] ? ": " : "", s->ext_msg);
	return ret;
}

static int snapshot(struct nlt_sock *s, struct nlt_msg *m, const char *source,
		    const char *pool_name, const char *target)
{
	nlt_cmd(s, m, CIMREPL_CMD_REPLICA_CREATE_LIST, 0);
	nlt_put_u16(m, CIMREPL_A_SYNC_TYPE, CIMREPL_SYNC_TYPE_SNAPSHOT);
	nlt_nest_start(m, CIMREPL_A_ELEMENTS);
	nlt_nest_start(m, 0);
	nlt_put_str(m, CIMREPL_A_ELEM_SOURCE, source);
	nlt_put_str(m, CIMREPL_A_ELEM_TARGET_NAME, target);
	nlt_put_str(m, CIMREPL_A_ELEM_POOL, pool_name);
	nlt_nest_end(m);
	nlt_nest_end(m);
	return request(s, m, "snapshot", target);
}

static int replica_delete(struct nlt_sock *s, struct nlt_msg *m,
			  const char *target)
{
	nlt_cmd(s, m, CIMREPL_CMD_REPLICA_DELETE, 0);
	nlt_nest_start(m, CIMREPL_A_SYNC);
	nlt_put_str(m, CIMREPL_A_SYNC_TARGET, target);
	nlt_nest_end(m);
	return request(s, m, "replica-delete", target);
}

static int clone(struct nlt_sock *s, struct nlt_msg *m, const char *source,
		 const char *pool_name, const char *name, const char *path,
		 const char *throttle)
{
	nlt_cmd(s, m, CIMREPL_CMD_REPLICA_CREATE_LIST, 0);
	nlt_put_u16(m, CIMREPL_A_SYNC_TYPE, CIMREPL_SYNC_TYPE_CLONE);
	if (throttle)
		nlt_put_u32(m, CIMREPL_A_THROTTLE,
			    (uint32_t)strtoul(throttle, NULL, 0));
	nlt_nest_start(m, CIMREPL_A_ELEMENTS);
	nlt_nest_start(m, 0);
	nlt_put_str(m, CIMREPL_A_ELEM_SOURCE, source);
	nlt_put_str(m, CIMREPL_A_ELEM_TARGET_NAME, name);
	nlt_put_str(m, CIMREPL_A_ELEM_TARGET_PATH, path);
	nlt_put_str(m, CIMREPL_A_ELEM_POOL, pool_name);
	nlt_nest_end(m);
	nlt_nest_end(m);
	return request(s, m, "clone", name);
}

static int mirror(struct nlt_sock *s, struct nlt_msg *m, const char *source,
		  const char *pool_name, const char *name, const char *path,
		  const char *mode)
{
	uint16_t mode_value;

	if (!strcmp(mode, "sync")) {
		mode_value = CIMREPL_MODE_SYNCHRONOUS;
	} else if (!strcmp(mode, "async")) {
		mode_value = CIMREPL_MODE_ASYNCHRONOUS;
	} else {
		fprintf(stderr, "bench_setup: mirror mode %s: not sync or async\n", mode);
		return 1;
	}
	nlt_cmd(s, m, CIMREPL_CMD_REPLICA_CREATE_LIST, 0);
	nlt_put_u16(m, CIMREPL_A_SYNC_TYPE, CIMREPL_SYNC_TYPE_MIRROR);
	nlt_put_u16(m, CIMREPL_A_MODE, mode_value);
	nlt_nest_start(m, CIMREPL_A_ELEMENTS);
	nlt_nest_start(m, 0);
	nlt_put_str(m, CIMREPL_A_ELEM_SOURCE, source);
	nlt_put_str(m, CIMREPL_A_ELEM_TARGET_NAME, name);
	nlt_put_str(m, CIMREPL_A_ELEM_TARGET_PATH, path);
	nlt_put_str(m, CIMREPL_A_ELEM_POOL, pool_name);
	nlt_nest_end(m);
	nlt_nest_end(m);
	return request(s, m, "mirror", name);
}

/* Attribute @type of a SYNC nest as a number (u16..u64), or UINT64_MAX. */
static uint64_t sync_value(struct nlattr *sync, int type)
{
	struct nlattr *a = nlt_find(nlt_data(sync), nlt_len(sync), type);

	if (!a)
		return UINT64_MAX;
	switch (nlt_len(a)) {
	case 2:
		return *(uint16_t *)nlt_data(a);
	case 4:
		return *(uint32_t *)nlt_data(a);
	case 8:
		return *(uint64_t *)nlt_data(a);
	}
	return UINT64_MAX;
}

/* SYNC_GET of replica @name: its SYNC nest, NULL on failure (reported). */
static struct nlattr *sync_get(struct nlt_sock *s, struct nlt_msg *m,
			       const char *name)
{
	struct nlattr *sync;

	nlt_cmd(s, m, CIMREPL_CMD_SYNC_GET, 0);
	nlt_nest_start(m, CIMREPL_A_SYNC);
	nlt_put_str(m, CIMREPL_A_SYNC_TARGET, name);
	nlt_nest_end(m);
	if (request(s, m, "sync-get", name))
		return NULL;
	sync = nlt_reply_find(s, CIMREPL_A_SYNC);
	if (!sync)
		fprintf(stderr, "bench_setup: sync-get %s: no CIMREPL_A_SYNC\n", name);
	return sync;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait until clone or mirror @name is Synchronized; see the top of the file. */
static int clone_wait(struct nlt_sock *s, struct nlt_msg *m, const char *name,
		      double start, double timeout)
{
	const struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	uint64_t state, est, synced;
	struct nlattr *sync;

	for (;;) {
		sync = sync_get(s, m, name);
		if (!sync)
			return 1;
		state = sync_value(sync, CIMREPL_A_SYNC_COPY_STATE);
		if (state == CIMREPL_COPY_STATE_SYNCHRONIZED)
			break;
		if (state != CIMREPL_COPY_STATE_UNSYNCHRONIZED) {
			fprintf(stderr, "bench_setup: %s: CopyState %llu, error %llu\n",
				name, (unsigned long long)state,
				(unsigned long long)sync_value(sync, CIMREPL_A_SYNC_ERROR));
			return 1;
		}
		if (now_s() - start > timeout) {
			fprintf(stderr, "bench_setup: %s: not synchronized after %.0f s (%llu of %llu chunks)\n",
				name, timeout,
				(unsigned long long)sync_value(sync, CIMREPL_A_SYNC_CHUNKS_DONE),
				(unsigned long long)sync_value(sync, CIMREPL_A_SYNC_CHUNKS_TOTAL));
			return 1;
		}
		nanosleep(&tick, NULL);
	}
	est = sync_value(sync, CIMREPL_A_SYNC_WHEN_ESTABLISHED);
	synced = sync_value(sync, CIMREPL_A_SYNC_WHEN_SYNCHRONIZED);
	if (est == UINT64_MAX || synced == UINT64_MAX || synced < est) {
		fprintf(stderr, "bench_setup: %s: no WHEN_ESTABLISHED/WHEN_SYNCHRONIZED\n",
			name);
		return 1;
	}
	printf("%.3f %.3f %llu\n", (synced - est) / 1e9, now_s() - start,
	       (unsigned long long)sync_value(sync, CIMREPL_A_SYNC_BYTES_DONE));
	return 0;
}

static int sync_state(struct nlt_sock *s, struct nlt_msg *m, const char *name)
{
	struct nlattr *sync = sync_get(s, m, name);

	if (!sync)
		return 1;
	printf("%llu %llu %llu\n",
	       (unsigned long long)sync_value(sync, CIMREPL_A_SYNC_COPY_STATE),
	       (unsigned long long)sync_value(sync, CIMREPL_A_SYNC_CHUNKS_DONE),
	       (unsigned long long)sync_value(sync, CIMREPL_A_SYNC_CHUNKS_TOTAL));
	return 0;
}

static int pool_free(struct nlt_sock *s, struct nlt_msg *m, const char *name)
{
	struct nlattr *nest, *a;

	pool(s, m, CIMREPL_CMD_POOL_GET, name, NULL, 0);
	if (request(s, m, "pool-free", name))
		return 1;
	nest = nlt_reply_find(s, CIMREPL_A_POOL);
	a = nest ? nlt_find(nlt_data(nest), nlt_len(nest), CIMREPL_A_POOL_FREE) : NULL;
	if (!a) {
		fprintf(stderr, "bench_setup: no CIMREPL_A_POOL_FREE\n");
		return 1;
	}
	printf("%llu\n", (unsigned long long)*(uint64_t *)nlt_data(a));
	return 0;
}

static int run(struct nlt_sock *s, struct nlt_msg *m, int argc, char **argv)
{
	const char *op = argv[1];
	int i;

	if (!strcmp(op, "volume-create") && argc == 4) {
		volume(s, m, CIMREPL_CMD_VOLUME_CREATE, argv[2], argv[3]);
	} else if (!strcmp(op, "volume-delete") && argc == 3) {
		volume(s, m, CIMREPL_CMD_VOLUME_DELETE, argv[2], NULL);
	} else if (!strcmp(op, "pool-create") && (argc == 4 || argc == 5)) {
		pool(s, m, CIMREPL_CMD_POOL_CREATE, argv[2], argv[3],
		     argc == 5 ? (uint32_t)strtoul(argv[4], NULL, 0) : 0);
	} else if (!strcmp(op, "pool-delete") && argc == 3) {
		pool(s, m, CIMREPL_CMD_POOL_DELETE, argv[2], NULL, 0);
	} else if (!strcmp(op, "pool-free") && argc == 3) {
		return pool_free(s, m, argv[2]);
	} else if (!strcmp(op, "snapshot") && argc >= 5) {
		for (i = 4; i < argc; i++)
			if (snapshot(s, m, argv[2], argv[3], argv[i]))
				return 1;
		return 0;
	} else if (!strcmp(op, "clone") && (argc == 6 || argc == 7)) {
		return clone(s, m, argv[2], argv[3], argv[4], argv[5],
			     argc == 7 ? argv[6] : NULL) ? 1 : 0;
	} else if (!strcmp(op, "clone-copy") && argc == 6) {
		double start = now_s();

		if (clone(s, m, argv[2], argv[3], argv[4], argv[5], "0"))
			return 1;
		return clone_wait(s, m, argv[4], start, 600);
	} else if (!strcmp(op, "mirror") && argc == 7) {
		return mirror(s, m, argv[2], argv[3], argv[4], argv[5], argv[6]) ? 1 : 0;
	} else if (!strcmp(op, "mirror-copy") && argc == 7) {
		double start = now_s();

		if (mirror(s, m, argv[2], argv[3], argv[4], argv[5], argv[6]))
			return 1;
		return clone_wait(s, m, argv[4], start, 600);
	} else if (!strcmp(op, "clone-wait") && argc == 4) {
		return clone_wait(s, m, argv[2], now_s(), strtod(argv[3], NULL));
	} else if (!strcmp(op, "sync-state") && argc == 3) {
		return sync_state(s, m, argv[2]);
	} else if (!strcmp(op, "replica-delete") && argc >= 3) {
		for (i = 2; i < argc; i++)
			if (replica_delete(s, m, argv[i]))
				return 1;
		return 0;
	} else {
		return usage();
	}
	return request(s, m, op, argv[2]) ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct nlt_sock s;
	static struct nlt_msg m;
	int ret;

	if (argc < 3)
		return usage();
	ret = nlt_open(&s);
	if (ret) {
		fprintf(stderr, "bench_setup: cimrepl family: %s\n", strerror(-ret));
		return 1;
	}
	ret = run(&s, &m, argc, argv);
	nlt_close(&s);
	return ret;
}
