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
 *
 * Several targets in one invocation save process start-ups, which are
 * slow in an emulated guest; each is still its own request (for snapshots:
 * its own point in time, like dm-snapshot's and dm-thin's).
 *
 * Exit status 0 on success; on failure the errno and the kernel's extended
 * ACK message go to stderr and the status is 1.
 */
#include <stdlib.h>

#include "cimrepl_nl.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: bench_setup volume-create NAME BACKING | volume-delete NAME |\n"
		"       pool-create NAME PATH [CHUNK] | pool-delete NAME | pool-free NAME |\n"
		"       snapshot SOURCE POOL TARGET... | replica-delete TARGET...\n");
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
