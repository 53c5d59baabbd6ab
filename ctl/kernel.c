// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace side of the "cimrepl" generic netlink family, on libnl-genl.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <linux/cimrepl.h>

#include "kernel.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

/* Where one list element sits in a request: bytes from its nlmsghdr. */
struct element_range {
	uint32_t start, end;
};

struct kernel {
	struct nl_sock *sock;		/* requests and replies */
	struct nl_sock *events;		/* the events group, when joined */
	int family;
	char error[256];
	/* the last request's list elements, and the attribute its error
	 * pointed at (NLMSGERR_ATTR_OFFS), for kernel_error_element()
	 */
	struct element_range *elements;
	unsigned int n_elements;
	bool has_error_offset;
	uint32_t error_offset;
};

/* State of one request while its replies and ACK come in. */
struct request {
	struct kernel *k;
	/* each reply: its top-level attributes parsed... */
	int (*parse)(struct nlattr **tb, void *arg);
	/* ...or raw, for replies that repeat a top-level attribute */
	int (*parse_raw)(struct nlattr *attrs, int len, void *arg);
	void *arg;
	int error;
	bool done;
};

static void set_error(struct kernel *k, int error, const char *message)
{
	if (message && *message)
		snprintf(k->error, sizeof(k->error), "%s", message);
	else
		snprintf(k->error, sizeof(k->error), "%s", strerror(-error));
}

/* A string attribute into @dst, or "" when the kernel did not send it. */
static void copy_string(char *dst, size_t len, struct nlattr *a)
{
	snprintf(dst, len, "%s", a ? nla_get_string(a) : "");
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct request *req = arg;
	const char *message = NULL;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t offset = sizeof(*e);

	(void)nla;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			offset += e->msg.nlmsg_len - NLMSG_HDRLEN;
		if (offset < nlh->nlmsg_len - NLMSG_HDRLEN &&
		    !nla_parse(tb, NLMSGERR_ATTR_MAX,
			       (struct nlattr *)((char *)e + offset),
			       nlh->nlmsg_len - NLMSG_HDRLEN - offset, NULL)) {
			if (tb[NLMSGERR_ATTR_MSG])
				message = nla_get_string(tb[NLMSGERR_ATTR_MSG]);
			if (tb[NLMSGERR_ATTR_OFFS]) {
				req->k->has_error_offset = true;
				req->k->error_offset =
					nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
			}
		}
	}
	req->error = e->error;
	req->done = true;
	if (e->error)
		set_error(req->k, e->error, message);
	return NL_STOP;
}

/* The ACK of a request, or the NLMSG_DONE that ends a dump. */
static int on_ack(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;
	struct nlattr *tb[CIMREPL_A_MAX + 1];
	int ret;

	if (req->parse_raw) {
		ret = req->parse_raw(genlmsg_attrdata(nlmsg_data(nlmsg_hdr(msg)), 0),
				     genlmsg_attrlen(nlmsg_data(nlmsg_hdr(msg)), 0),
				     req->arg);
		if (ret) {
			req->error = ret;
			set_error(req->k, ret, "unexpected reply from the kernel");
		}
		return NL_OK;
	}
	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, CIMREPL_A_MAX, NULL);
	if (ret < 0) {
		req->error = -EPROTO;
		set_error(req->k, -EPROTO, "malformed reply from the kernel");
		return NL_SKIP;
	}
	if (req->parse) {
		ret = req->parse(tb, req->arg);
		if (ret) {
			req->error = ret;
			set_error(req->k, ret, "unexpected reply from the kernel");
		}
	}
	return NL_OK;
}

/* Send @msg (consumed) and collect its replies until the ACK. */
static int transact_request(struct kernel *k, struct nl_msg *msg,
			    struct request *r)
{
	struct request req = *r;
	struct nl_cb *cb;
	int ret;

	k->error[0] = '\0';
	k->has_error_offset = false;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		set_error(k, -ENOMEM, NULL);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_ack, &req);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &req);

	ret = nl_send_auto(k->sock, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		set_error(k, -EIO, nl_geterror(ret));
		nl_cb_put(cb);
		return -EIO;
	}
	while (!req.done) {
		ret = nl_recvmsgs(k->sock, cb);
		if (ret < 0 && !req.done) {
			set_error(k, -EIO, nl_geterror(ret));
			req.error = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return req.error;
}

static int transact(struct kernel *k, struct nl_msg *msg,
		    int (*parse)(struct nlattr **tb, void *arg), void *arg)
{
	struct request req = { .k = k, .parse = parse, .arg = arg };

	return transact_request(k, msg, &req);
}

static struct nl_msg *new_request(struct kernel *k, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	k->n_elements = 0;	/* a list request records its own */
	/* a dump ends with NLMSG_DONE; anything else with its ACK */
	if (!(flags & NLM_F_DUMP))
		flags |= NLM_F_ACK;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, k->family, 0,
			 flags, cmd, CIMREPL_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct kernel *kernel_open(char *err, size_t err_len)
{
	struct kernel *k = calloc(1, sizeof(*k));
	int one = 1;

	if (!k) {
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	k->sock = nl_socket_alloc();
	if (!k->sock || genl_connect(k->sock)) {
		snprintf(err, err_len, "cannot open a generic netlink socket");
		goto fail;
	}
	/* we set NLM_F_ACK ourselves: never on dumps */
	nl_socket_disable_auto_ack(k->sock);
	/* Ask for the kernel's explanation of every error. */
	setsockopt(nl_socket_get_fd(k->sock), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	k->family = genl_ctrl_resolve(k->sock, CIMREPL_GENL_NAME);
	if (k->family < 0) {
		snprintf(err, err_len,
			 "the cimrepl kernel module is not loaded (no netlink family \"%s\")",
			 CIMREPL_GENL_NAME);
		goto fail;
	}
	return k;

fail:
	kernel_close(k);
	return NULL;
}

void kernel_close(struct kernel *k)
{
	if (!k)
		return;
	if (k->events)
		nl_socket_free(k->events);
	if (k->sock)
		nl_socket_free(k->sock);
	free(k->elements);
	free(k);
}

const char *kernel_error(const struct kernel *k)
{
	return k->error;
}

/* Add @a's value to @values once: engines share modes and operations. */
static void collect_u16(struct nlattr *a, uint16_t *values, unsigned int *n)
{
	uint16_t v = nla_get_u16(a);
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (values[i] == v)
			return;
	if (*n < KERNEL_MAX_VALUES)
		values[(*n)++] = v;
}

static int parse_info(struct nlattr **tb, void *arg)
{
	struct kernel_info *info = arg;
	struct kernel_engine_caps *engine = NULL;
	struct nlattr *a;
	int rem;

	if (!tb[CIMREPL_A_API_VERSION] || !tb[CIMREPL_A_MODULE_VERSION] ||
	    !tb[CIMREPL_A_CAPS])
		return -EPROTO;
	info->api_version = nla_get_u32(tb[CIMREPL_A_API_VERSION]);
	snprintf(info->module_version, sizeof(info->module_version), "%s",
		 nla_get_string(tb[CIMREPL_A_MODULE_VERSION]));

	nla_for_each_nested(a, tb[CIMREPL_A_CAPS], rem) {
		switch (nla_type(a)) {
		case CIMREPL_A_CAPS_SYNC_TYPE:
			collect_u16(a, info->sync_types, &info->n_sync_types);
			engine = info->n_engines < KERNEL_MAX_ENGINES ?
				 &info->engines[info->n_engines++] : NULL;
			if (engine)
				engine->sync_type = nla_get_u16(a);
			break;
		case CIMREPL_A_CAPS_MODE:
			collect_u16(a, info->modes, &info->n_modes);
			if (engine)
				collect_u16(a, engine->modes, &engine->n_modes);
			break;
		case CIMREPL_A_CAPS_OPERATION:
			collect_u16(a, info->operations, &info->n_operations);
			if (engine)
				collect_u16(a, engine->operations,
					    &engine->n_operations);
			break;
		case CIMREPL_A_CAPS_MAX_ELEMENTS:
			info->max_elements = nla_get_u32(a);
			break;
		case CIMREPL_A_CAPS_MAX_VOLUMES:
			info->max_volumes = nla_get_u32(a);
			break;
		case CIMREPL_A_CAPS_NAME_MAX:
			info->name_max = nla_get_u32(a);
			break;
		case CIMREPL_A_CAPS_CHUNK_SIZE_MIN:
			info->chunk_size_min = nla_get_u32(a);
			break;
		case CIMREPL_A_CAPS_CHUNK_SIZE_MAX:
			info->chunk_size_max = nla_get_u32(a);
			break;
		case CIMREPL_A_CAPS_CHUNK_SIZE_DEFAULT:
			info->chunk_size_default = nla_get_u32(a);
			break;
		}
	}
	return 0;
}

int kernel_get_info(struct kernel *k, struct kernel_info *info)
{
	struct nl_msg *msg = new_request(k, CIMREPL_CMD_GET_INFO, 0);

	memset(info, 0, sizeof(*info));
	if (!msg) {
		set_error(k, -ENOMEM, NULL);
		return -ENOMEM;
	}
	return transact(k, msg, parse_info, info);
}

static int put_volume(struct nl_msg *msg, const char *name, const char *path)
{
	struct nlattr *nest = nla_nest_start(msg, CIMREPL_A_VOLUME);

	if (!nest || nla_put_string(msg, CIMREPL_A_VOLUME_NAME, name) ||
	    (path && nla_put_string(msg, CIMREPL_A_VOLUME_BACKING_PATH, path)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int volume_request(struct kernel *k, uint8_t cmd, const char *name,
			  const char *path,
			  int (*parse)(struct nlattr **tb, void *arg), void *arg)
{
	struct nl_msg *msg = new_request(k, cmd, 0);

	if (!msg || put_volume(msg, name, path)) {
		nlmsg_free(msg);
		set_error(k, -ENOMEM, NULL);
		return -ENOMEM;
	}
	return transact(k, msg, parse, arg);
}

int kernel_volume_create(struct kernel *k, const char *name,
			 const char *backing_path)
{
	return volume_request(k, CIMREPL_CMD_VOLUME_CREATE, name, backing_path,
			      NULL, NULL);
}

int kernel_volume_delete(struct kernel *k, const char *name)
{
	return volume_request(k, CIMREPL_CMD_VOLUME_DELETE, name, NULL, NULL,
			      NULL);
}

static int parse_volume(struct nlattr **tb, struct kernel_volume *vol)
{
	struct nlattr *a[CIMREPL_A_VOLUME_MAX + 1];

	memset(vol, 0, sizeof(*vol));
	if (!tb[CIMREPL_A_VOLUME] ||
	    nla_parse_nested(a, CIMREPL_A_VOLUME_MAX, tb[CIMREPL_A_VOLUME], NULL) ||
	    !a[CIMREPL_A_VOLUME_NAME])
		return -EPROTO;
	copy_string(vol->name, sizeof(vol->name), a[CIMREPL_A_VOLUME_NAME]);
	copy_string(vol->backing_path, sizeof(vol->backing_path),
		    a[CIMREPL_A_VOLUME_BACKING_PATH]);
	if (a[CIMREPL_A_VOLUME_SIZE])
		vol->size = nla_get_u64(a[CIMREPL_A_VOLUME_SIZE]);
	if (a[CIMREPL_A_VOLUME_MAJOR])
		vol->major = nla_get_u32(a[CIMREPL_A_VOLUME_MAJOR]);
	if (a[CIMREPL_A_VOLUME_MINOR])
		vol->minor = nla_get_u32(a[CIMREPL_A_VOLUME_MINOR]);
	if (a[CIMREPL_A_VOLUME_BACKING_MAJOR])
		vol->backing_major = nla_get_u32(a[CIMREPL_A_VOLUME_BACKING_MAJOR]);
	if (a[CIMREPL_A_VOLUME_BACKING_MINOR])
		vol->backing_minor = nla_get_u32(a[CIMREPL_A_VOLUME_BACKING_MINOR]);
	if (a[CIMREPL_A_VOLUME_OPEN_COUNT])
		vol->open_count = nla_get_u32(a[CIMREPL_A_VOLUME_OPEN_COUNT]);
	if (a[CIMREPL_A_VOLUME_FLUSHES])
		vol->flushes = nla_get_u64(a[CIMREPL_A_VOLUME_FLUSHES]);
	if (a[CIMREPL_A_VOLUME_FUA_WRITES])
		vol->fua_writes = nla_get_u64(a[CIMREPL_A_VOLUME_FUA_WRITES]);
	if (a[CIMREPL_A_VOLUME_POOL])
		snprintf(vol->pool, sizeof(vol->pool), "%s",
			 nla_get_string(a[CIMREPL_A_VOLUME_POOL]));
	if (a[CIMREPL_A_VOLUME_REPLICAS])
		vol->replicas = nla_get_u32(a[CIMREPL_A_VOLUME_REPLICAS]);
	if (a[CIMREPL_A_VOLUME_ROLE])
		vol->role = nla_get_u16(a[CIMREPL_A_VOLUME_ROLE]);
	return 0;
}

static int parse_one_volume(struct nlattr **tb, void *arg)
{
	return parse_volume(tb, arg);
}

int kernel_volume_get(struct kernel *k, const char *name,
		      struct kernel_volume *vol)
{
	return volume_request(k, CIMREPL_CMD_VOLUME_GET, name, NULL,
			      parse_one_volume, vol);
}

struct volume_lister {
	kernel_volume_fn fn;
	void *arg;
};

static int parse_listed_volume(struct nlattr **tb, void *arg)
{
	struct volume_lister *lister = arg;
	struct kernel_volume vol;
	int ret = parse_volume(tb, &vol);

	if (!ret)
		lister->fn(&vol, lister->arg);
	return ret;
}

int kernel_volume_list(struct kernel *k, kernel_volume_fn fn, void *arg)
{
	struct volume_lister lister = { .fn = fn, .arg = arg };
	struct nl_msg *msg = new_request(k, CIMREPL_CMD_VOLUME_GET, NLM_F_DUMP);

	if (!msg) {
		set_error(k, -ENOMEM, NULL);
		return -ENOMEM;
	}
	return transact(k, msg, parse_listed_volume, &lister);
}

static int put_pool(struct nl_msg *msg, const char *name, const char *path,
		    uint32_t chunk_size, bool format)
{
	struct nlattr *nest = nla_nest_start(msg, CIMREPL_A_POOL);

	if (!nest || nla_put_string(msg, CIMREPL_A_POOL_NAME, name) ||
	    (path && nla_put_string(msg, CIMREPL_A_POOL_PATH, path)) ||
	    (chunk_size && nla_put_u32(msg, CIMREPL_A_POOL_CHUNK_SIZE, chunk_size)) ||
	    (format && nla_put_flag(msg, CIMREPL_A_POOL_FORMAT)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int pool_request(struct kernel *k, uint8_t cmd, const char *name,
			const char *path, uint32_t chunk_size, bool format,
			int (*parse)(struct nlattr **tb, void *arg), void *arg)
{
	struct nl_msg *msg = new_request(k, cmd, 0);

	if (!msg || put_pool(msg, name, path, chunk_size, format)) {
		nlmsg_free(msg);
		set_error(k, -ENOMEM, NULL);
		return -ENOMEM;
	}
	return transact(k, msg, parse, arg);
}

int kernel_pool_create(struct kernel *k, const char *name, const char *path,
		       uint32_t chunk_size, bool format)
{
	return pool_request(k, CIMREPL_CMD_POOL_CREATE, name, path, chunk_size,
			    format, NULL, NULL);
}

int kernel_pool_delete(struct kernel *k, const char *name)
{
	return pool_request(k, CIMREPL_CMD_POOL_DELETE, name, NULL, 0, false,
			    NULL, NULL);
}

static int parse_pool(struct nlattr **tb, struct kernel_pool *pool)
{
	struct nlattr *a[CIMREPL_A_POOL_MAX + 1];

	memset(pool, 0, sizeof(*pool));
	if (!tb[CIMREPL_A_POOL] ||
	    nla_parse_nested(a, CIMREPL_A_POOL_MAX, tb[CIMREPL_A_POOL], NULL) ||
	    !a[CIMREPL_A_POOL_NAME])
		return -EPROTO;
	copy_string(pool->name, sizeof(pool->name), a[CIMREPL_A_POOL_NAME]);
	copy_string(pool->path, sizeof(pool->path), a[CIMREPL_A_POOL_PATH]);
	if (a[CIMREPL_A_POOL_SIZE])
		pool->size = nla_get_u64(a[CIMREPL_A_POOL_SIZE]);
	if (a[CIMREPL_A_POOL_FREE])
		pool->free = nla_get_u64(a[CIMREPL_A_POOL_FREE]);
	if (a[CIMREPL_A_POOL_CHUNK_SIZE])
		pool->chunk_size = nla_get_u32(a[CIMREPL_A_POOL_CHUNK_SIZE]);
	if (a[CIMREPL_A_POOL_SNAPSHOTS])
		pool->snapshots = nla_get_u32(a[CIMREPL_A_POOL_SNAPSHOTS]);
	return 0;
}

static int parse_one_pool(struct nlattr **tb, void *arg)
{
	return parse_pool(tb, arg);
}

int kernel_pool_get(struct kernel *k, const char *name,
		    struct kernel_pool *pool)
{
	return pool_request(k, CIMREPL_CMD_POOL_GET, name, NULL, 0, false,
			    parse_one_pool, pool);
}

struct pool_lister {
	kernel_pool_fn fn;
	void *arg;
};

static int parse_listed_pool(struct nlattr **tb, void *arg)
{
	struct pool_lister *lister = arg;
	struct kernel_pool pool;
	int ret = parse_pool(tb, &pool);

	if (!ret)
		lister->fn(&pool, lister->arg);
	return ret;
}

int kernel_pool_list(struct kernel *k, kernel_pool_fn fn, void *arg)
{
	struct pool_lister lister = { .fn = fn, .arg = arg };
	struct nl_msg *msg = new_request(k, CIMREPL_CMD_POOL_GET, NLM_F_DUMP);

	if (!msg) {
		set_error(k, -ENOMEM, NULL);
		return -ENOMEM;
	}
	return transact(k, msg, parse_listed_pool, &lister);
}

/* A CIMREPL_A_SYNC nest into @sync. */
static int parse_sync(struct nlattr *nest, struct kernel_sync *sync)
{
	struct nlattr *a[CIMREPL_A_SYNC_MAX + 1];
	unsigned int i;

	memset(sync, 0, sizeof(*sync));
	if (nla_parse_nested(a, CIMREPL_A_SYNC_MAX, nest, NULL) ||
	    !a[CIMREPL_A_SYNC_TARGET])
		return -EPROTO;
	for (i = 0; i <= CIMREPL_A_SYNC_MAX && i < 32; i++)
		if (a[i])
			sync->present |= 1u << i;
	copy_string(sync->source, sizeof(sync->source), a[CIMREPL_A_SYNC_SOURCE]);
	copy_string(sync->target, sizeof(sync->target), a[CIMREPL_A_SYNC_TARGET]);
	if (a[CIMREPL_A_SYNC_SYNC_TYPE])
		sync->sync_type = nla_get_u16(a[CIMREPL_A_SYNC_SYNC_TYPE]);
	if (a[CIMREPL_A_SYNC_MODE])
		sync->mode = nla_get_u16(a[CIMREPL_A_SYNC_MODE]);
	if (a[CIMREPL_A_SYNC_COPY_STATE])
		sync->copy_state = nla_get_u16(a[CIMREPL_A_SYNC_COPY_STATE]);
	if (a[CIMREPL_A_SYNC_PROGRESS_STATUS])
		sync->progress_status = nla_get_u16(a[CIMREPL_A_SYNC_PROGRESS_STATUS]);
	if (a[CIMREPL_A_SYNC_CHUNK_SIZE])
		sync->chunk_size = nla_get_u32(a[CIMREPL_A_SYNC_CHUNK_SIZE]);
	if (a[CIMREPL_A_SYNC_CHUNKS_DONE])
		sync->chunks_done = nla_get_u64(a[CIMREPL_A_SYNC_CHUNKS_DONE]);
	if (a[CIMREPL_A_SYNC_CHUNKS_TOTAL])
		sync->chunks_total = nla_get_u64(a[CIMREPL_A_SYNC_CHUNKS_TOTAL]);
	if (a[CIMREPL_A_SYNC_BYTES_DONE])
		sync->bytes_done = nla_get_u64(a[CIMREPL_A_SYNC_BYTES_DONE]);
	if (a[CIMREPL_A_SYNC_WHEN_ESTABLISHED])
		sync->when_established = nla_get_u64(a[CIMREPL_A_SYNC_WHEN_ESTABLISHED]);
	if (a[CIMREPL_A_SYNC_WHEN_SYNCHRONIZED])
		sync->when_synchronized = nla_get_u64(a[CIMREPL_A_SYNC_WHEN_SYNCHRONIZED]);
	if (a[CIMREPL_A_SYNC_WHEN_SUSPENDED])
		sync->when_suspended = nla_get_u64(a[CIMREPL_A_SYNC_WHEN_SUSPENDED]);
	if (a[CIMREPL_A_SYNC_THROTTLE])
		sync->throttle = nla_get_u32(a[CIMREPL_A_SYNC_THROTTLE]);
	if (a[CIMREPL_A_SYNC_MAX_LAG_MS])
		sync->max_lag_ms = nla_get_u32(a[CIMREPL_A_SYNC_MAX_LAG_MS]);
	if (a[CIMREPL_A_SYNC_LAG_MS])
		sync->lag_ms = nla_get_u32(a[CIMREPL_A_SYNC_LAG_MS]);
	if (a[CIMREPL_A_SYNC_BACKLOG])
		sync->backlog = nla_get_u64(a[CIMREPL_A_SYNC_BACKLOG]);
	if (a[CIMREPL_A_SYNC_ERROR])
		sync->error = nla_get_u32(a[CIMREPL_A_SYNC_ERROR]);
	if (a[CIMREPL_A_SYNC_DIRTY])
		sync->dirty = nla_get_u64(a[CIMREPL_A_SYNC_DIRTY]);
	return 0;
}

struct sync_lister {
	kernel_sync_fn fn;
	void *arg;
};

/* Every CIMREPL_A_SYNC nest of a reply, in order (create-list repeats it). */
static int parse_sync_nests(struct nlattr *attrs, int len, void *arg)
{
	struct sync_lister *lister = arg;
	struct kernel_sync sync;
	struct nlattr *a;
	int rem, ret;

	nla_for_each_attr(a, attrs, len, rem) {
		if (nla_type(a) != CIMREPL_A_SYNC)
			continue;
		ret = parse_sync(a, &sync);
		if (ret)
			return ret;
		if (lister->fn)
			lister->fn(&sync, lister->arg);
	}
	return 0;
}

static int sync_request(struct kernel *k, struct nl_msg *msg,
			kernel_sync_fn fn, void *arg)
{
	struct sync_lister lister = { .fn = fn, .arg = arg };
	struct request req = {
		.k = k, .parse_raw = parse_sync_nests, .arg = &lister,
	};

	return transact_request(k, msg, &req);
}

static int put_sync_target(struct nl_msg *msg, const char *target)
{
	struct nlattr *nest = nla_nest_start(msg, CIMREPL_A_SYNC);

	if (!nest || nla_put_string(msg, CIMREPL_A_SYNC_TARGET, target))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* Bytes from the request's nlmsghdr to @p, as NLMSGERR_ATTR_OFFS counts. */
static uint32_t msg_offset(struct nl_msg *msg, const void *p)
{
	return (uint32_t)((const char *)p - (const char *)nlmsg_hdr(msg));
}

/*
 * Start recording where the elements of a list request go; @n of them.
 * Returns false when out of memory.
 */
static bool elements_reset(struct kernel *k, unsigned int n)
{
	free(k->elements);
	k->n_elements = 0;
	k->elements = calloc(n ? n : 1, sizeof(*k->elements));
	return k->elements;
}

static void element_record(struct kernel *k, struct nl_msg *msg,
			   const struct nlattr *elem)
{
	struct element_range *r = &k->elements[k->n_elements++];

	r->start = msg_offset(msg, elem);
	r->end = r->start + nla_len(elem) + NLA_HDRLEN;
}

int kernel_error_element(const struct kernel *k)
{
	unsigned int i;

	if (!k->has_error_offset)
		return -1;
	for (i = 0; i < k->n_elements; i++)
		if (k->error_offset >= k->elements[i].start &&
		    k->error_offset < k->elements[i].end)
			return (int)i;
	return -1;
}

int kernel_replica_create_list(struct kernel *k, uint16_t sync_type, int mode,
			       int64_t throttle,
			       const struct kernel_replica_element *elements,
			       unsigned int n, kernel_sync_fn fn, void *arg)
{
	struct nl_msg *msg = new_request(k, CIMREPL_CMD_REPLICA_CREATE_LIST, 0);
	struct nlattr *list, *elem;
	unsigned int i;

	if (!msg || !elements_reset(k, n))
		goto nomem;
	if (nla_put_u16(msg, CIMREPL_A_SYNC_TYPE, sync_type) ||
	    (mode >= 0 && nla_put_u16(msg, CIMREPL_A_MODE, (uint16_t)mode)) ||
	    (throttle >= 0 &&
	     nla_put_u32(msg, CIMREPL_A_THROTTLE, (uint32_t)throttle)))
		goto nomem;
	list = nla_nest_start(msg, CIMREPL_A_ELEMENTS);
	if (!list)
		goto nomem;
	for (i = 0; i < n; i++) {
		const struct kernel_replica_element *e = &elements[i];

		/* the attribute type of an element is its index */
		elem = nla_nest_start(msg, (int)i);
		if (!elem ||
		    nla_put_string(msg, CIMREPL_A_ELEM_SOURCE, e->source) ||
		    nla_put_string(msg, CIMREPL_A_ELEM_TARGET_NAME, e->target_name) ||
		    (e->target_path &&
		     nla_put_string(msg, CIMREPL_A_ELEM_TARGET_PATH, e->target_path)) ||
		    (e->pool && nla_put_string(msg, CIMREPL_A_ELEM_POOL, e->pool)))
			goto nomem;
		nla_nest_end(msg, elem);
		element_record(k, msg, elem);
	}
	nla_nest_end(msg, list);
	return sync_request(k, msg, fn, arg);

nomem:
	nlmsg_free(msg);
	set_error(k, -EMSGSIZE, "the request does not fit in one netlink message");
	return -EMSGSIZE;
}

int kernel_replica_delete(struct kernel *k, const char *target)
{
	struct nl_msg *msg = new_request(k, CIMREPL_CMD_REPLICA_DELETE, 0);

	if (!msg || put_sync_target(msg, target)) {
		nlmsg_free(msg);
		set_error(k, -ENOMEM, NULL);
		return -ENOMEM;
	}
	return transact(k, msg, NULL, NULL);
}

static void copy_sync(const struct kernel_sync *sync, void *arg)
{
	struct kernel_sync *out = arg;

	*out = *sync;
}

int kernel_sync_get(struct kernel *k, const char *target,
		    struct kernel_sync *sync)
{
	struct nl_msg *msg = new_request(k, CIMREPL_CMD_SYNC_GET, 0);

	memset(sync, 0, sizeof(*sync));
	if (!msg || put_sync_target(msg, target)) {
		nlmsg_free(msg);
		set_error(k, -ENOMEM, NULL);
		return -ENOMEM;
	}
	return sync_request(k, msg, copy_sync, sync);
}

int kernel_sync_list(struct kernel *k, kernel_sync_fn fn, void *arg)
{
	struct nl_msg *msg = new_request(k, CIMREPL_CMD_SYNC_GET, NLM_F_DUMP);

	if (!msg) {
		set_error(k, -ENOMEM, NULL);
		return -ENOMEM;
	}
	return sync_request(k, msg, fn, arg);
}

int kernel_sync_modify_list(struct kernel *k, uint16_t operation,
			    const char *const *targets, unsigned int n,
			    bool force)
{
	struct nl_msg *msg = new_request(k, CIMREPL_CMD_SYNC_MODIFY_LIST, 0);
	struct nlattr *list, *elem;
	unsigned int i;

	if (!msg || !elements_reset(k, n))
		goto nomem;
	if (nla_put_u16(msg, CIMREPL_A_OPERATION, operation) ||
	    (force && nla_put_flag(msg, CIMREPL_A_FORCE)))
		goto nomem;
	list = nla_nest_start(msg, CIMREPL_A_ELEMENTS);
	if (!list)
		goto nomem;
	for (i = 0; i < n; i++) {
		elem = nla_nest_start(msg, (int)i);
		if (!elem ||
		    nla_put_string(msg, CIMREPL_A_ELEM_TARGET_NAME, targets[i]))
			goto nomem;
		nla_nest_end(msg, elem);
		element_record(k, msg, elem);
	}
	nla_nest_end(msg, list);
	return transact(k, msg, NULL, NULL);

nomem:
	nlmsg_free(msg);
	set_error(k, -EMSGSIZE, "the request does not fit in one netlink message");
	return -EMSGSIZE;
}

int kernel_sync_set(struct kernel *k, const char *target, int64_t throttle,
		    int64_t max_lag_ms)
{
	struct nl_msg *msg = new_request(k, CIMREPL_CMD_SYNC_SET, 0);
	struct nlattr *nest;

	if (!msg)
		goto nomem;
	if (!target) {
		if (throttle >= 0 &&
		    nla_put_u32(msg, CIMREPL_A_THROTTLE, (uint32_t)throttle))
			goto nomem;
		return transact(k, msg, NULL, NULL);
	}
	nest = nla_nest_start(msg, CIMREPL_A_SYNC);
	if (!nest || nla_put_string(msg, CIMREPL_A_SYNC_TARGET, target) ||
	    (throttle >= 0 &&
	     nla_put_u32(msg, CIMREPL_A_SYNC_THROTTLE, (uint32_t)throttle)) ||
	    (max_lag_ms >= 0 &&
	     nla_put_u32(msg, CIMREPL_A_SYNC_MAX_LAG_MS, (uint32_t)max_lag_ms)))
		goto nomem;
	nla_nest_end(msg, nest);
	return transact(k, msg, NULL, NULL);

nomem:
	nlmsg_free(msg);
	set_error(k, -ENOMEM, NULL);
	return -ENOMEM;
}

int kernel_subscribe_events(struct kernel *k)
{
	int group, ret;

	group = genl_ctrl_resolve_grp(k->sock, CIMREPL_GENL_NAME,
				      CIMREPL_MCGRP_EVENTS);
	if (group < 0) {
		set_error(k, -ENOENT, "the kernel has no cimrepl events group");
		return -ENOENT;
	}
	k->events = nl_socket_alloc();
	if (!k->events) {
		set_error(k, -ENOMEM, NULL);
		return -ENOMEM;
	}
	nl_socket_disable_seq_check(k->events);
	ret = genl_connect(k->events);
	if (!ret)
		ret = nl_socket_add_membership(k->events, group);
	if (ret) {
		set_error(k, -EPERM, "cannot join the cimrepl events group (needs CAP_NET_ADMIN)");
		return -EPERM;
	}
	return 0;
}

int kernel_fd(const struct kernel *k)
{
	return k->events ? nl_socket_get_fd(k->events) : -1;
}

struct event_reader {
	kernel_event_handler handler;
	void *arg;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct event_reader *reader = arg;
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[CIMREPL_A_MAX + 1];
	struct nlattr *nest[CIMREPL_A_SYNC_MAX + 1];
	struct kernel_event ev = { .copy_state = -1 };

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CIMREPL_A_MAX, NULL) ||
	    !tb[CIMREPL_A_EVENT])
		return NL_SKIP;
	ev.cmd = gnlh->cmd;
	ev.event = nla_get_u16(tb[CIMREPL_A_EVENT]);
	if (tb[CIMREPL_A_SYNC] &&
	    !nla_parse_nested(nest, CIMREPL_A_SYNC_MAX, tb[CIMREPL_A_SYNC], NULL)) {
		copy_string(ev.source, sizeof(ev.source), nest[CIMREPL_A_SYNC_SOURCE]);
		copy_string(ev.target, sizeof(ev.target), nest[CIMREPL_A_SYNC_TARGET]);
		if (nest[CIMREPL_A_SYNC_COPY_STATE])
			ev.copy_state = nla_get_u16(nest[CIMREPL_A_SYNC_COPY_STATE]);
	} else if (tb[CIMREPL_A_VOLUME] &&
		   !nla_parse_nested(nest, CIMREPL_A_VOLUME_MAX,
				     tb[CIMREPL_A_VOLUME], NULL)) {
		copy_string(ev.target, sizeof(ev.target), nest[CIMREPL_A_VOLUME_NAME]);
	}
	reader->handler(&ev, reader->arg);
	return NL_OK;
}

int kernel_read_events(struct kernel *k, kernel_event_handler handler,
		       void *arg)
{
	struct event_reader reader = { .handler = handler, .arg = arg };
	int ret;

	nl_socket_modify_cb(k->events, NL_CB_VALID, NL_CB_CUSTOM, on_event,
			    &reader);
	ret = nl_recvmsgs_default(k->events);
	if (ret < 0) {
		set_error(k, -EIO, nl_geterror(ret));
		return -EIO;
	}
	return 0;
}
