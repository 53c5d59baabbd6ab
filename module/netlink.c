// SPDX-License-Identifier: GPL-2.0
/*
 * The "cimrepl" generic netlink family: policy tables and thin handlers that
 * validate a request, call into the core and build the reply. No replication
 * work happens here.
 *
 * Every operation is validated strictly (resv_start_op below the first
 * command); every operation but CIMREPL_CMD_GET_INFO requires CAP_NET_ADMIN.
 * The family is not netns-aware: it exists only in init_net.
 */
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <net/genetlink.h>

#include "cimrepl.h"
#include "compat.h"
#include "netlink.h"
#include "pool.h"
#include "clone.h"
#include "mirror.h"
#include "snapshot.h"
#include "volume.h"

static struct genl_family cimrepl_genl_family;

/* Generous bound of one CIMREPL_A_SYNC nest's size in a message. */
#define CIMREPL_SYNC_NEST_SIZE	512

/* not const: 6.1's nla_policy points at a mutable range */
static struct netlink_range_validation cimrepl_chunk_size_range = {
	.min = CIMREPL_CHUNK_SIZE_MIN,
	.max = CIMREPL_CHUNK_SIZE_MAX,
};

#define CIMREPL_NAME_POLICY	{ .type = NLA_NUL_STRING, \
				  .len = CIMREPL_NAME_MAX - 1 }
#define CIMREPL_PATH_POLICY	{ .type = NLA_NUL_STRING, .len = PATH_MAX - 1 }

/* Nested policies: only what a request may set; read-only attributes are
 * rejected as unsupported.
 */
static const struct nla_policy cimrepl_volume_policy[CIMREPL_A_VOLUME_MAX + 1] = {
	[CIMREPL_A_VOLUME_NAME]		= CIMREPL_NAME_POLICY,
	[CIMREPL_A_VOLUME_BACKING_PATH]	= CIMREPL_PATH_POLICY,
};

static const struct nla_policy cimrepl_pool_policy[CIMREPL_A_POOL_MAX + 1] = {
	[CIMREPL_A_POOL_NAME]		= CIMREPL_NAME_POLICY,
	[CIMREPL_A_POOL_PATH]		= CIMREPL_PATH_POLICY,
	[CIMREPL_A_POOL_CHUNK_SIZE]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&cimrepl_chunk_size_range),
	[CIMREPL_A_POOL_FORMAT]		= { .type = NLA_FLAG },
};

static const struct nla_policy cimrepl_elem_policy[CIMREPL_A_ELEM_MAX + 1] = {
	[CIMREPL_A_ELEM_SOURCE]		= CIMREPL_NAME_POLICY,
	[CIMREPL_A_ELEM_TARGET_NAME]	= CIMREPL_NAME_POLICY,
	[CIMREPL_A_ELEM_TARGET_PATH]	= CIMREPL_PATH_POLICY,
	[CIMREPL_A_ELEM_POOL]		= CIMREPL_NAME_POLICY,
	[CIMREPL_A_ELEM_STORE_SIZE]	= NLA_POLICY_MIN(NLA_U64, 1),
};

/* Selecting one synchronization (get, delete). */
static const struct nla_policy cimrepl_sync_select_policy[CIMREPL_A_SYNC_MAX + 1] = {
	[CIMREPL_A_SYNC_TARGET]		= CIMREPL_NAME_POLICY,
};

/* Changing one synchronization's tunables. */
static const struct nla_policy cimrepl_sync_set_policy[CIMREPL_A_SYNC_MAX + 1] = {
	[CIMREPL_A_SYNC_TARGET]		= CIMREPL_NAME_POLICY,
	[CIMREPL_A_SYNC_THROTTLE]	= { .type = NLA_U32 },
	[CIMREPL_A_SYNC_MAX_LAG_MS]	= NLA_POLICY_MIN(NLA_U32, 1),
};

/* Top-level policies, one per operation. */
static const struct nla_policy cimrepl_get_info_policy[CIMREPL_A_MAX + 1] = {
};

static const struct nla_policy cimrepl_volume_op_policy[CIMREPL_A_MAX + 1] = {
	[CIMREPL_A_VOLUME]	= NLA_POLICY_NESTED(cimrepl_volume_policy),
};

static const struct nla_policy cimrepl_pool_op_policy[CIMREPL_A_MAX + 1] = {
	[CIMREPL_A_POOL]	= NLA_POLICY_NESTED(cimrepl_pool_policy),
};

static const struct nla_policy cimrepl_create_list_policy[CIMREPL_A_MAX + 1] = {
	[CIMREPL_A_SYNC_TYPE]	= NLA_POLICY_RANGE(NLA_U16,
						   CIMREPL_SYNC_TYPE_MIRROR,
						   CIMREPL_SYNC_TYPE_TOKENIZED_CLONE),
	[CIMREPL_A_MODE]	= NLA_POLICY_RANGE(NLA_U16,
						   CIMREPL_MODE_SYNCHRONOUS,
						   CIMREPL_MODE_ADAPTIVE),
	[CIMREPL_A_CHUNK_SIZE]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&cimrepl_chunk_size_range),
	[CIMREPL_A_THROTTLE]	= { .type = NLA_U32 },
	[CIMREPL_A_ELEMENTS]	= NLA_POLICY_NESTED_ARRAY(cimrepl_elem_policy),
};

static const struct nla_policy cimrepl_sync_select_op_policy[CIMREPL_A_MAX + 1] = {
	[CIMREPL_A_SYNC]	= NLA_POLICY_NESTED(cimrepl_sync_select_policy),
};

static const struct nla_policy cimrepl_modify_list_policy[CIMREPL_A_MAX + 1] = {
	[CIMREPL_A_OPERATION]	= NLA_POLICY_RANGE(NLA_U16, CIMREPL_OP_ABORT,
						   CIMREPL_OP_RESET_TO_ADAPTIVE),
	[CIMREPL_A_FORCE]	= { .type = NLA_FLAG },
	[CIMREPL_A_ELEMENTS]	= NLA_POLICY_NESTED_ARRAY(cimrepl_elem_policy),
};

static const struct nla_policy cimrepl_sync_set_op_policy[CIMREPL_A_MAX + 1] = {
	[CIMREPL_A_SYNC]	= NLA_POLICY_NESTED(cimrepl_sync_set_policy),
	[CIMREPL_A_THROTTLE]	= { .type = NLA_U32 },
};

/*
 * A name is 1..CIMREPL_NAME_MAX-1 characters (the policy bounds the length)
 * of [A-Za-z0-9_.+-], not starting with '.' or '-': it becomes a path
 * component under /dev/cimrepl/ and must not be "." or ".." or look like an
 * option to the tools that handle it.
 */
static bool cimrepl_name_valid(const char *name)
{
	const char *c;

	if (!*name || *name == '.' || *name == '-')
		return false;
	for (c = name; *c; c++)
		if (!isalnum(*c) && !strchr("_.+-", *c))
			return false;
	return true;
}

/*
 * A required attribute: when it is missing, -EINVAL with the missing type in
 * the extended ACK and a message saying what is missing.
 */
#define cimrepl_require(extack, nest, tb, type, msg) ({			\
	struct netlink_ext_ack *__ack = (extack);			\
	bool __missing = NL_REQ_ATTR_CHECK(__ack, nest, tb, type);	\
									\
	if (__missing)							\
		NL_SET_ERR_MSG(__ack, msg);				\
	__missing;							\
})

/* Fetch a required, valid name from a parsed nest. */
static int cimrepl_get_name(struct nlattr **tb, unsigned int type,
			    const struct nlattr *nest,
			    struct netlink_ext_ack *extack, const char **name)
{
	if (cimrepl_require(extack, nest, tb, type, "missing name"))
		return -EINVAL;
	*name = nla_data(tb[type]);
	if (!cimrepl_name_valid(*name)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[type],
				    "name must be [A-Za-z0-9_.+-], not starting with '.' or '-'");
		return -EINVAL;
	}
	return 0;
}

/* Parse a required top-level nest with the same policy the op validated. */
static int cimrepl_parse_nest(struct genl_info *info, unsigned int type,
			      const struct nla_policy *policy,
			      unsigned int maxtype, struct nlattr **tb)
{
	if (cimrepl_require(info->extack, NULL, info->attrs, type,
			    "missing the object's attribute nest"))
		return -EINVAL;
	return nla_parse_nested(tb, maxtype, info->attrs[type], policy,
				info->extack);
}

static int cimrepl_put_caps(struct sk_buff *skb)
{
	const struct cimrepl_engine *engine;
	struct nlattr *caps;
	unsigned int i, j;

	caps = nla_nest_start(skb, CIMREPL_A_CAPS);
	if (!caps)
		return -EMSGSIZE;

	for (i = 0; i < cimrepl_n_engines; i++) {
		engine = cimrepl_engines[i];
		if (nla_put_u16(skb, CIMREPL_A_CAPS_SYNC_TYPE, engine->sync_type))
			goto cancel;
		for (j = 0; j < engine->n_modes; j++)
			if (nla_put_u16(skb, CIMREPL_A_CAPS_MODE, engine->modes[j]))
				goto cancel;
		for (j = 0; j < engine->n_operations; j++)
			if (nla_put_u16(skb, CIMREPL_A_CAPS_OPERATION,
					engine->operations[j]))
				goto cancel;
	}

	if (nla_put_u32(skb, CIMREPL_A_CAPS_MAX_ELEMENTS, CIMREPL_MAX_ELEMENTS) ||
	    nla_put_u32(skb, CIMREPL_A_CAPS_MAX_VOLUMES, CIMREPL_MAX_DEVICES) ||
	    nla_put_u32(skb, CIMREPL_A_CAPS_NAME_MAX, CIMREPL_NAME_MAX) ||
	    nla_put_u32(skb, CIMREPL_A_CAPS_CHUNK_SIZE_MIN,
			CIMREPL_CHUNK_SIZE_MIN) ||
	    nla_put_u32(skb, CIMREPL_A_CAPS_CHUNK_SIZE_MAX,
			CIMREPL_CHUNK_SIZE_MAX) ||
	    nla_put_u32(skb, CIMREPL_A_CAPS_CHUNK_SIZE_DEFAULT,
			CIMREPL_CHUNK_SIZE_DEFAULT))
		goto cancel;

	nla_nest_end(skb, caps);
	return 0;

cancel:
	nla_nest_cancel(skb, caps);
	return -EMSGSIZE;
}

static int cimrepl_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &cimrepl_genl_family, 0,
				CIMREPL_CMD_GET_INFO);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free;
	}

	ret = -EMSGSIZE;
	if (nla_put_u32(msg, CIMREPL_A_API_VERSION, CIMREPL_API_VERSION) ||
	    nla_put_string(msg, CIMREPL_A_MODULE_VERSION, CIMREPL_MODULE_VERSION))
		goto err_free;
	ret = cimrepl_put_caps(msg);
	if (ret)
		goto err_free;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
}

static int cimrepl_nl_volume_create(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[CIMREPL_A_VOLUME_MAX + 1];
	const char *name;
	int ret;

	ret = cimrepl_parse_nest(info, CIMREPL_A_VOLUME, cimrepl_volume_policy,
				 CIMREPL_A_VOLUME_MAX, tb);
	if (ret)
		return ret;
	ret = cimrepl_get_name(tb, CIMREPL_A_VOLUME_NAME,
			       info->attrs[CIMREPL_A_VOLUME], info->extack, &name);
	if (ret)
		return ret;
	if (cimrepl_require(info->extack, info->attrs[CIMREPL_A_VOLUME], tb,
			    CIMREPL_A_VOLUME_BACKING_PATH,
			    "missing backing device path"))
		return -EINVAL;

	return cimrepl_volume_create(name,
				     nla_data(tb[CIMREPL_A_VOLUME_BACKING_PATH]),
				     tb[CIMREPL_A_VOLUME_BACKING_PATH],
				     info->extack);
}

/*
 * The attributes of @vol, in a CIMREPL_A_VOLUME nest. The caller holds
 * cimrepl_config_lock.
 */
static int cimrepl_fill_volume(struct sk_buff *skb, struct cimrepl_volume *vol)
{
	struct block_device *backing = vol->backing.bdev;
	u64 flushes, fua_writes;
	struct nlattr *nest;

	cimrepl_volume_flush_stats(vol, &flushes, &fua_writes);
	nest = nla_nest_start(skb, CIMREPL_A_VOLUME);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, CIMREPL_A_VOLUME_NAME, vol->name) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_VOLUME_SIZE,
			      cimrepl_volume_bytes(vol), CIMREPL_A_VOLUME_PAD) ||
	    nla_put_u32(skb, CIMREPL_A_VOLUME_MAJOR, vol->disk->major) ||
	    nla_put_u32(skb, CIMREPL_A_VOLUME_MINOR, vol->disk->first_minor) ||
	    nla_put_u32(skb, CIMREPL_A_VOLUME_OPEN_COUNT,
			cimrepl_volume_open_count(vol)) ||
	    nla_put_u32(skb, CIMREPL_A_VOLUME_REPLICAS, vol->replicas) ||
	    nla_put_u16(skb, CIMREPL_A_VOLUME_ROLE, vol->role) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_VOLUME_FLUSHES, flushes,
			      CIMREPL_A_VOLUME_PAD) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_VOLUME_FUA_WRITES, fua_writes,
			      CIMREPL_A_VOLUME_PAD) ||
	    (vol->origin &&
	     nla_put_string(skb, CIMREPL_A_VOLUME_POOL,
			    cimrepl_snapshot_origin_pool(vol->origin))))
		goto cancel;
	/* a snapshot has no backing device of its own; a clone's is its target */
	if (backing &&
	    (nla_put_string(skb, CIMREPL_A_VOLUME_BACKING_PATH, vol->backing_path) ||
	     nla_put_u32(skb, CIMREPL_A_VOLUME_BACKING_MAJOR,
			 MAJOR(backing->bd_dev)) ||
	     nla_put_u32(skb, CIMREPL_A_VOLUME_BACKING_MINOR,
			 MINOR(backing->bd_dev))))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* Send the reply @msg of a do request, or drop it when @ret says it failed. */
static int cimrepl_reply(struct sk_buff *msg, struct genl_info *info, int ret)
{
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/*
 * The end of one pass of a dump: a full skb ends the pass and the dump goes
 * on from cb->args[0]; any other error ends the dump.
 */
static int cimrepl_dump_result(struct sk_buff *skb, int ret)
{
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ? ret : skb->len;
}

/* Puts one object's nest (a volume, a synchronization) into a message. */
typedef int (*cimrepl_fill_fn)(struct sk_buff *skb, void *object);

/* One message about an object: a GET reply, a dump entry or an event. */
static int cimrepl_object_msg(struct sk_buff *skb, cimrepl_fill_fn fill,
			      void *object, u32 portid, u32 seq, int flags,
			      u8 cmd, u16 event)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &cimrepl_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if ((event && nla_put_u16(skb, CIMREPL_A_EVENT, event)) ||
	    fill(skb, object)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* A CIMREPL_CMD_EVENT about an object to the events group, if anyone listens. */
static void cimrepl_notify(cimrepl_fill_fn fill, void *object, u16 event,
			   gfp_t gfp)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&cimrepl_genl_family, &init_net, 0))
		return;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, gfp);
	if (!skb)
		return;
	if (cimrepl_object_msg(skb, fill, object, 0, 0, 0, CIMREPL_CMD_EVENT,
			       event)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_multicast(&cimrepl_genl_family, skb, 0, 0, gfp);
}

static int cimrepl_fill_volume_object(struct sk_buff *skb, void *vol)
{
	return cimrepl_fill_volume(skb, vol);
}

static int cimrepl_volume_msg(struct sk_buff *skb, struct cimrepl_volume *vol,
			      u32 portid, u32 seq, int flags, u8 cmd, u16 event)
{
	return cimrepl_object_msg(skb, cimrepl_fill_volume_object, vol, portid,
				  seq, flags, cmd, event);
}

void cimrepl_nl_notify_volume(struct cimrepl_volume *vol, u16 event)
{
	cimrepl_notify(cimrepl_fill_volume_object, vol, event, GFP_KERNEL);
}

/* Delete, get (do) and assemble: a volume selected by name. */
static int cimrepl_nl_volume_select(struct genl_info *info, const char **name)
{
	struct nlattr *tb[CIMREPL_A_VOLUME_MAX + 1];
	int ret;

	ret = cimrepl_parse_nest(info, CIMREPL_A_VOLUME, cimrepl_volume_policy,
				 CIMREPL_A_VOLUME_MAX, tb);
	if (ret)
		return ret;
	if (tb[CIMREPL_A_VOLUME_BACKING_PATH] &&
	    info->genlhdr->cmd != CIMREPL_CMD_VOLUME_ASSEMBLE) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[CIMREPL_A_VOLUME_BACKING_PATH],
				    "a volume is selected by its name alone");
		return -EINVAL;
	}
	return cimrepl_get_name(tb, CIMREPL_A_VOLUME_NAME,
				info->attrs[CIMREPL_A_VOLUME], info->extack, name);
}

static int cimrepl_nl_volume_delete(struct sk_buff *skb, struct genl_info *info)
{
	const char *name;
	int ret;

	ret = cimrepl_nl_volume_select(info, &name);
	if (ret)
		return ret;
	return cimrepl_volume_delete(name, info->attrs[CIMREPL_A_VOLUME],
				     info->extack);
}

static int cimrepl_nl_volume_get(struct sk_buff *skb, struct genl_info *info)
{
	struct cimrepl_volume *vol;
	struct sk_buff *msg;
	const char *name;
	int ret;

	ret = cimrepl_nl_volume_select(info, &name);
	if (ret)
		return ret;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&cimrepl_config_lock);
	vol = cimrepl_volume_find(name);
	if (!vol) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CIMREPL_A_VOLUME],
				    "no such volume");
		ret = -ENOENT;
	} else {
		ret = cimrepl_volume_msg(msg, vol, info->snd_portid,
					 info->snd_seq, 0, CIMREPL_CMD_VOLUME_GET,
					 0);
	}
	mutex_unlock(&cimrepl_config_lock);
	return cimrepl_reply(msg, info, ret);
}

/* cb->args[0]: how many volumes earlier passes of this dump sent. */
static int cimrepl_nl_volume_dump(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct cimrepl_volume *vol;
	long index = 0;
	int ret = 0;

	mutex_lock(&cimrepl_config_lock);
	list_for_each_entry(vol, &cimrepl_volumes, node) {
		if (index++ < cb->args[0])
			continue;
		ret = cimrepl_volume_msg(skb, vol, NETLINK_CB(cb->skb).portid,
					 cb->nlh->nlmsg_seq, NLM_F_MULTI,
					 CIMREPL_CMD_VOLUME_GET, 0);
		if (ret)
			break;
		cb->args[0] = index;
	}
	mutex_unlock(&cimrepl_config_lock);
	return cimrepl_dump_result(skb, ret);
}

static int cimrepl_nl_volume_assemble(struct sk_buff *skb,
				      struct genl_info *info)
{
	struct nlattr *tb[CIMREPL_A_VOLUME_MAX + 1];
	const char *name;
	int ret;

	ret = cimrepl_parse_nest(info, CIMREPL_A_VOLUME, cimrepl_volume_policy,
				 CIMREPL_A_VOLUME_MAX, tb);
	if (ret)
		return ret;
	ret = cimrepl_get_name(tb, CIMREPL_A_VOLUME_NAME,
			       info->attrs[CIMREPL_A_VOLUME], info->extack, &name);
	if (ret)
		return ret;
	if (cimrepl_require(info->extack, info->attrs[CIMREPL_A_VOLUME], tb,
			    CIMREPL_A_VOLUME_BACKING_PATH,
			    "missing backing device path"))
		return -EINVAL;

	NL_SET_ERR_MSG(info->extack, "on-disk metadata is not implemented yet");
	return -EOPNOTSUPP;
}

static int cimrepl_nl_pool_create(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[CIMREPL_A_POOL_MAX + 1];
	u32 chunk_size = CIMREPL_CHUNK_SIZE_DEFAULT;
	const char *name;
	int ret;

	ret = cimrepl_parse_nest(info, CIMREPL_A_POOL, cimrepl_pool_policy,
				 CIMREPL_A_POOL_MAX, tb);
	if (ret)
		return ret;
	ret = cimrepl_get_name(tb, CIMREPL_A_POOL_NAME,
			       info->attrs[CIMREPL_A_POOL], info->extack, &name);
	if (ret)
		return ret;
	if (cimrepl_require(info->extack, info->attrs[CIMREPL_A_POOL], tb,
			    CIMREPL_A_POOL_PATH, "missing pool device path"))
		return -EINVAL;
	if (tb[CIMREPL_A_POOL_CHUNK_SIZE]) {
		chunk_size = nla_get_u32(tb[CIMREPL_A_POOL_CHUNK_SIZE]);
		if (!is_power_of_2(chunk_size)) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[CIMREPL_A_POOL_CHUNK_SIZE],
					    "chunk size must be a power of two");
			return -EINVAL;
		}
		if (!tb[CIMREPL_A_POOL_FORMAT]) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[CIMREPL_A_POOL_CHUNK_SIZE],
					    "the chunk size is chosen when a pool is formatted");
			return -EINVAL;
		}
	}
	return cimrepl_pool_create(name, nla_data(tb[CIMREPL_A_POOL_PATH]),
				   chunk_size, !!tb[CIMREPL_A_POOL_FORMAT],
				   tb[CIMREPL_A_POOL_PATH], info->extack);
}

/* Pool delete and get (do): a pool selected by name. */
static int cimrepl_nl_pool_select(struct genl_info *info, const char **name)
{
	struct nlattr *tb[CIMREPL_A_POOL_MAX + 1];
	int ret;

	ret = cimrepl_parse_nest(info, CIMREPL_A_POOL, cimrepl_pool_policy,
				 CIMREPL_A_POOL_MAX, tb);
	if (ret)
		return ret;
	if (tb[CIMREPL_A_POOL_PATH] || tb[CIMREPL_A_POOL_CHUNK_SIZE] ||
	    tb[CIMREPL_A_POOL_FORMAT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CIMREPL_A_POOL],
				    "a pool is selected by its name alone");
		return -EINVAL;
	}
	return cimrepl_get_name(tb, CIMREPL_A_POOL_NAME,
				info->attrs[CIMREPL_A_POOL], info->extack, name);
}

static int cimrepl_nl_pool_delete(struct sk_buff *skb, struct genl_info *info)
{
	const char *name;
	int ret;

	ret = cimrepl_nl_pool_select(info, &name);
	if (ret)
		return ret;
	return cimrepl_pool_delete(name, info->attrs[CIMREPL_A_POOL],
				   info->extack);
}

/* One message about @pool. Caller holds cimrepl_config_lock. */
static int cimrepl_pool_msg(struct sk_buff *skb, struct cimrepl_pool *pool,
			    u32 portid, u32 seq, int flags)
{
	struct cimrepl_meta *meta = &pool->meta;
	u32 snapshots = 0, i;
	struct nlattr *nest;
	u64 free_bytes;
	void *hdr;

	mutex_lock(&meta->lock);
	free_bytes = (pool->free_chunks * cimrepl_meta_chunk_sectors(meta)) <<
		     SECTOR_SHIFT;
	for (i = 0; i < CIMREPL_META_SNAPSHOTS; i++)
		if (meta->snapshots[i].seq)
			snapshots++;
	mutex_unlock(&meta->lock);

	hdr = genlmsg_put(skb, portid, seq, &cimrepl_genl_family, flags,
			  CIMREPL_CMD_POOL_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, CIMREPL_A_POOL);
	if (!nest ||
	    nla_put_string(skb, CIMREPL_A_POOL_NAME, pool->name) ||
	    nla_put_string(skb, CIMREPL_A_POOL_PATH, pool->path) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_POOL_SIZE, cimrepl_pool_bytes(pool),
			      CIMREPL_A_POOL_PAD) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_POOL_FREE, free_bytes,
			      CIMREPL_A_POOL_PAD) ||
	    nla_put_u32(skb, CIMREPL_A_POOL_CHUNK_SIZE,
			cimrepl_meta_chunk_sectors(meta) << SECTOR_SHIFT) ||
	    nla_put_u32(skb, CIMREPL_A_POOL_SNAPSHOTS, snapshots)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

static int cimrepl_nl_pool_get(struct sk_buff *skb, struct genl_info *info)
{
	struct cimrepl_pool *pool;
	struct sk_buff *msg;
	const char *name;
	int ret;

	ret = cimrepl_nl_pool_select(info, &name);
	if (ret)
		return ret;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&cimrepl_config_lock);
	pool = cimrepl_pool_find(name);
	if (!pool) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CIMREPL_A_POOL],
				    "no such pool");
		ret = -ENOENT;
	} else {
		ret = cimrepl_pool_msg(msg, pool, info->snd_portid,
				       info->snd_seq, 0);
	}
	mutex_unlock(&cimrepl_config_lock);
	return cimrepl_reply(msg, info, ret);
}

static int cimrepl_nl_pool_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cimrepl_pool *pool;
	long index = 0;
	int ret = 0;

	mutex_lock(&cimrepl_config_lock);
	list_for_each_entry(pool, &cimrepl_pools, node) {
		if (index++ < cb->args[0])
			continue;
		ret = cimrepl_pool_msg(skb, pool, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (ret)
			break;
		cb->args[0] = index;
	}
	mutex_unlock(&cimrepl_config_lock);
	return cimrepl_dump_result(skb, ret);
}

/*
 * Check the shape of a CIMREPL_A_ELEMENTS list: 1..CIMREPL_MAX_ELEMENTS
 * entries, each with the attributes @required (a bitmap of CIMREPL_A_ELEM_*).
 */
static int cimrepl_check_elements(struct genl_info *info, unsigned long required)
{
	struct nlattr *tb[CIMREPL_A_ELEM_MAX + 1];
	struct nlattr *elements, *elem;
	unsigned int index = 0, type;
	int rem, ret;

	if (cimrepl_require(info->extack, NULL, info->attrs, CIMREPL_A_ELEMENTS,
			    "missing the element list"))
		return -EINVAL;
	elements = info->attrs[CIMREPL_A_ELEMENTS];

	nla_for_each_nested(elem, elements, rem) {
		if (index == CIMREPL_MAX_ELEMENTS) {
			NL_SET_ERR_MSG_ATTR(info->extack, elem,
					    "list is longer than CIMREPL_A_CAPS_MAX_ELEMENTS");
			return -E2BIG;
		}
		ret = nla_parse_nested(tb, CIMREPL_A_ELEM_MAX, elem,
				       cimrepl_elem_policy, info->extack);
		if (ret)
			return ret;
		for_each_set_bit(type, &required, CIMREPL_A_ELEM_MAX + 1) {
			if (NL_REQ_ATTR_CHECK(info->extack, elem, tb, type)) {
				cimrepl_elem_err(info->extack, elem, index,
						 "missing a required attribute");
				return -EINVAL;
			}
			if (type != CIMREPL_A_ELEM_STORE_SIZE &&
			    !cimrepl_name_valid(nla_data(tb[type]))) {
				cimrepl_elem_err(info->extack, tb[type], index,
						 "name must be [A-Za-z0-9_.+-], not starting with '.' or '-'");
				return -EINVAL;
			}
		}
		index++;
	}
	if (!index) {
		NL_SET_ERR_MSG_ATTR(info->extack, elements, "the list is empty");
		return -EINVAL;
	}
	return 0;
}

static int cimrepl_fill_sync_object(struct sk_buff *skb, void *snap)
{
	return cimrepl_snapshot_fill_sync(skb, snap);
}

static int cimrepl_fill_mirror_object(struct sk_buff *skb, void *mirror)
{
	return cimrepl_mirror_fill_sync(skb, mirror);
}

/* The synchronization of replica device @vol (a snapshot, clone or mirror). */
static int cimrepl_sync_msg(struct sk_buff *skb, struct cimrepl_volume *vol,
			    u32 portid, u32 seq, int flags, u8 cmd, u16 event)
{
	if (vol->mirror)
		return cimrepl_object_msg(skb, cimrepl_fill_mirror_object,
					  vol->mirror, portid, seq, flags, cmd,
					  event);
	return cimrepl_object_msg(skb, cimrepl_fill_sync_object, vol->snapshot,
				  portid, seq, flags, cmd, event);
}

/* Sent from the copy worker too: no I/O may be needed to allocate it. */
void cimrepl_nl_notify_sync(struct cimrepl_snapshot *snap, u16 event)
{
	cimrepl_notify(cimrepl_fill_sync_object, snap, event, GFP_NOIO);
}

void cimrepl_nl_notify_mirror(struct cimrepl_mirror *mirror, u16 event)
{
	cimrepl_notify(cimrepl_fill_mirror_object, mirror, event, GFP_NOIO);
}

/* The reply to a create-list: one CIMREPL_A_SYNC nest per new replica. */
static int cimrepl_reply_add_sync(struct cimrepl_snapshot *snap, void *arg)
{
	return cimrepl_snapshot_fill_sync(arg, snap);
}

static int cimrepl_reply_add_mirror(struct cimrepl_mirror *mirror, void *arg)
{
	return cimrepl_mirror_fill_sync(arg, mirror);
}

/* Is @vol a replica device with a synchronization? */
static bool cimrepl_is_replica(const struct cimrepl_volume *vol)
{
	return vol->snapshot || vol->mirror;
}

static int cimrepl_nl_replica_create_list(struct sk_buff *skb,
					  struct genl_info *info)
{
	struct nlattr *tb[CIMREPL_A_ELEM_MAX + 1];
	struct cimrepl_list_request list = {};
	struct cimrepl_snapshot_request *req;
	struct nlattr *elem;
	struct sk_buff *msg;
	unsigned int count = 0;
	void *hdr;
	int rem, ret;

	if (cimrepl_require(info->extack, NULL, info->attrs, CIMREPL_A_SYNC_TYPE,
			    "missing SyncType"))
		return -EINVAL;
	ret = cimrepl_check_elements(info, BIT(CIMREPL_A_ELEM_SOURCE) |
					   BIT(CIMREPL_A_ELEM_TARGET_NAME));
	if (ret)
		return ret;
	if (info->attrs[CIMREPL_A_CHUNK_SIZE]) {
		list.chunk_size = nla_get_u32(info->attrs[CIMREPL_A_CHUNK_SIZE]);
		if (!is_power_of_2(list.chunk_size)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[CIMREPL_A_CHUNK_SIZE],
					    "chunk size must be a power of two");
			return -EINVAL;
		}
	}

	list.sync_type = nla_get_u16(info->attrs[CIMREPL_A_SYNC_TYPE]);
	if (!cimrepl_engine_find(list.sync_type)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CIMREPL_A_SYNC_TYPE],
				    "no engine for this SyncType in this module");
		return -EOPNOTSUPP;
	}
	list.mode = info->attrs[CIMREPL_A_MODE] ?
		    nla_get_u16(info->attrs[CIMREPL_A_MODE]) :
		    CIMREPL_MODE_SYNCHRONOUS;
	if (list.sync_type == CIMREPL_SYNC_TYPE_MIRROR &&
	    list.mode != CIMREPL_MODE_SYNCHRONOUS &&
	    list.mode != CIMREPL_MODE_ASYNCHRONOUS) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CIMREPL_A_MODE],
				    "mirrors are synchronous (Mode 2) or asynchronous (Mode 3)");
		return -EOPNOTSUPP;
	}
	if (list.sync_type != CIMREPL_SYNC_TYPE_MIRROR &&
	    list.mode != CIMREPL_MODE_SYNCHRONOUS) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CIMREPL_A_MODE],
				    "snapshots and clones are established synchronously (Mode 2)");
		return -EOPNOTSUPP;
	}
	if (info->attrs[CIMREPL_A_THROTTLE]) {
		if (list.sync_type == CIMREPL_SYNC_TYPE_SNAPSHOT) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[CIMREPL_A_THROTTLE],
					    "snapshots have no background copy to throttle");
			return -EINVAL;
		}
		list.throttle_set = true;
		list.throttle = nla_get_u32(info->attrs[CIMREPL_A_THROTTLE]);
	}

	req = kcalloc(CIMREPL_MAX_ELEMENTS, sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	nla_for_each_nested(elem, info->attrs[CIMREPL_A_ELEMENTS], rem) {
		/* cimrepl_check_elements() validated all of this */
		nla_parse_nested(tb, CIMREPL_A_ELEM_MAX, elem,
				 cimrepl_elem_policy, NULL);
		if (list.sync_type == CIMREPL_SYNC_TYPE_SNAPSHOT &&
		    (tb[CIMREPL_A_ELEM_TARGET_PATH] || tb[CIMREPL_A_ELEM_STORE_SIZE])) {
			cimrepl_elem_err(info->extack, elem, count,
					 "snapshots take their store from a pool, not a device or a size");
			ret = -EOPNOTSUPP;
			goto out_free;
		}
		if (list.sync_type != CIMREPL_SYNC_TYPE_SNAPSHOT &&
		    tb[CIMREPL_A_ELEM_STORE_SIZE]) {
			cimrepl_elem_err(info->extack,
					 tb[CIMREPL_A_ELEM_STORE_SIZE], count,
					 "a clone or mirror is its source's size: no store size");
			ret = -EINVAL;
			goto out_free;
		}
		if (tb[CIMREPL_A_ELEM_POOL] &&
		    !cimrepl_name_valid(nla_data(tb[CIMREPL_A_ELEM_POOL]))) {
			cimrepl_elem_err(info->extack, tb[CIMREPL_A_ELEM_POOL], count,
					 "pool name must be [A-Za-z0-9_.+-], not starting with '.' or '-'");
			ret = -EINVAL;
			goto out_free;
		}
		req[count].source = nla_data(tb[CIMREPL_A_ELEM_SOURCE]);
		req[count].target = nla_data(tb[CIMREPL_A_ELEM_TARGET_NAME]);
		req[count].pool = tb[CIMREPL_A_ELEM_POOL] ?
				  nla_data(tb[CIMREPL_A_ELEM_POOL]) : NULL;
		req[count].target_path = tb[CIMREPL_A_ELEM_TARGET_PATH] ?
					 nla_data(tb[CIMREPL_A_ELEM_TARGET_PATH]) : NULL;
		req[count].attr = elem;
		count++;
	}

	/* room for every element's CIMREPL_A_SYNC nest */
	ret = -ENOMEM;
	msg = genlmsg_new(NLMSG_GOODSIZE + count * CIMREPL_SYNC_NEST_SIZE,
			  GFP_KERNEL);
	if (!msg)
		goto out_free;
	hdr = genlmsg_put_reply(msg, info, &cimrepl_genl_family, 0,
				CIMREPL_CMD_REPLICA_CREATE_LIST);
	if (!hdr) {
		nlmsg_free(msg);
		goto out_free;
	}
	if (list.sync_type == CIMREPL_SYNC_TYPE_MIRROR)
		ret = cimrepl_mirror_create_list(req, count, &list, info->extack,
						 cimrepl_reply_add_mirror, msg);
	else
		ret = cimrepl_snapshot_create_list(req, count, &list,
						   info->extack,
						   cimrepl_reply_add_sync, msg);
	if (ret) {
		nlmsg_free(msg);
		goto out_free;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out_free:
	kfree(req);
	return ret;
}

/* The replica named by the CIMREPL_A_SYNC nest. Caller holds the lock. */
static int cimrepl_nl_find_replica(struct genl_info *info,
				   struct cimrepl_volume **replica)
{
	struct nlattr *tb[CIMREPL_A_SYNC_MAX + 1];
	struct cimrepl_volume *vol;
	const char *name;
	int ret;

	ret = cimrepl_parse_nest(info, CIMREPL_A_SYNC, cimrepl_sync_select_policy,
				 CIMREPL_A_SYNC_MAX, tb);
	if (ret)
		return ret;
	ret = cimrepl_get_name(tb, CIMREPL_A_SYNC_TARGET,
			       info->attrs[CIMREPL_A_SYNC], info->extack, &name);
	if (ret)
		return ret;
	vol = cimrepl_volume_find(name);
	if (!vol || !cimrepl_is_replica(vol)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CIMREPL_A_SYNC],
				    "no such synchronization");
		return -ENOENT;
	}
	*replica = vol;
	return 0;
}

static int cimrepl_nl_replica_delete(struct sk_buff *skb, struct genl_info *info)
{
	struct cimrepl_volume *vol;
	int ret;

	mutex_lock(&cimrepl_config_lock);
	ret = cimrepl_nl_find_replica(info, &vol);
	if (!ret && vol->mirror)
		ret = cimrepl_mirror_delete(vol, info->attrs[CIMREPL_A_SYNC],
					    info->extack);
	else if (!ret)
		ret = cimrepl_snapshot_delete(vol, info->attrs[CIMREPL_A_SYNC],
					      info->extack);
	mutex_unlock(&cimrepl_config_lock);
	return ret;
}

static int cimrepl_nl_sync_get(struct sk_buff *skb, struct genl_info *info)
{
	struct cimrepl_volume *vol;
	struct sk_buff *msg;
	int ret;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&cimrepl_config_lock);
	ret = cimrepl_nl_find_replica(info, &vol);
	if (!ret)
		ret = cimrepl_sync_msg(msg, vol, info->snd_portid,
				       info->snd_seq, 0, CIMREPL_CMD_SYNC_GET, 0);
	mutex_unlock(&cimrepl_config_lock);
	return cimrepl_reply(msg, info, ret);
}

static int cimrepl_nl_sync_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cimrepl_volume *vol;
	long index = 0;
	int ret = 0;

	mutex_lock(&cimrepl_config_lock);
	list_for_each_entry(vol, &cimrepl_volumes, node) {
		if (!cimrepl_is_replica(vol) || index++ < cb->args[0])
			continue;
		ret = cimrepl_sync_msg(skb, vol,
				       NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI,
				       CIMREPL_CMD_SYNC_GET, 0);
		if (ret)
			break;
		cb->args[0] = index;
	}
	mutex_unlock(&cimrepl_config_lock);
	return cimrepl_dump_result(skb, ret);
}

/*
 * An operation on a list of synchronizations, all of them or none: every
 * element is checked before the first is changed. Snapshots:
 *   Return To ResourcePool (19): delete them (none may be open);
 *   Restore from Replica (15): copy each back onto its source, online, in
 *   the background (one snapshot per source).
 * Clones: Abort (2), Detach (8), Resync Replica (14), see clone.c.
 */
static int cimrepl_nl_sync_modify_list(struct sk_buff *skb,
				       struct genl_info *info)
{
	struct nlattr *tb[CIMREPL_A_ELEM_MAX + 1];
	struct cimrepl_volume *vols[CIMREPL_MAX_ELEMENTS];
	unsigned int count = 0, i;
	struct nlattr *elem;
	int rem, ret;
	u16 op;

	if (cimrepl_require(info->extack, NULL, info->attrs, CIMREPL_A_OPERATION,
			    "missing operation"))
		return -EINVAL;
	ret = cimrepl_check_elements(info, BIT(CIMREPL_A_ELEM_TARGET_NAME));
	if (ret)
		return ret;
	op = nla_get_u16(info->attrs[CIMREPL_A_OPERATION]);
	/* the standard assigns nothing between Suspend and Prepare */
	if (op > CIMREPL_OP_SUSPEND && op < CIMREPL_OP_PREPARE) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CIMREPL_A_OPERATION],
				    "not an Operation value of the standard");
		return -EINVAL;
	}
	if (!cimrepl_engine_op_known(op)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CIMREPL_A_OPERATION],
				    "no engine of this module implements this operation");
		return -EOPNOTSUPP;
	}

	mutex_lock(&cimrepl_config_lock);
	nla_for_each_nested(elem, info->attrs[CIMREPL_A_ELEMENTS], rem) {
		struct cimrepl_volume *vol;

		nla_parse_nested(tb, CIMREPL_A_ELEM_MAX, elem,
				 cimrepl_elem_policy, NULL);
		vol = cimrepl_volume_find(nla_data(tb[CIMREPL_A_ELEM_TARGET_NAME]));
		if (!vol || !cimrepl_is_replica(vol)) {
			cimrepl_elem_err(info->extack, elem, count,
					 "no such synchronization");
			ret = -ENOENT;
			goto out_unlock;
		}
		for (i = 0; i < count; i++) {
			if (vols[i] == vol) {
				cimrepl_elem_err(info->extack, elem, count,
						 "synchronization listed twice");
				ret = -EINVAL;
				goto out_unlock;
			}
		}
		if (vol->role == CIMREPL_ROLE_CLONE) {
			ret = cimrepl_clone_check(vol, op, elem, count,
						  info->extack);
			if (ret)
				goto out_unlock;
			vols[count++] = vol;
			continue;
		}
		if (vol->mirror) {
			ret = cimrepl_mirror_check(vol, op, elem, count,
						   info->extack);
			if (ret)
				goto out_unlock;
			vols[count++] = vol;
			continue;
		}
		if (op != CIMREPL_OP_RETURN_TO_RESOURCE_POOL &&
		    op != CIMREPL_OP_RESTORE_FROM_REPLICA) {
			cimrepl_elem_err(info->extack, elem, count,
					 "snapshots implement Restore from Replica (15) and Return To ResourcePool (19) only");
			ret = -EOPNOTSUPP;
			goto out_unlock;
		}
		for (i = 0; i < count; i++) {
			if (op == CIMREPL_OP_RESTORE_FROM_REPLICA &&
			    vols[i]->role == CIMREPL_ROLE_SNAPSHOT &&
			    cimrepl_snapshot_source(vols[i]) ==
			    cimrepl_snapshot_source(vol)) {
				cimrepl_elem_err(info->extack, elem, count,
						 "two snapshots of one source cannot both be restored onto it");
				ret = -EINVAL;
				goto out_unlock;
			}
		}
		switch (cimrepl_snapshot_check(vol, op)) {
		case CIMREPL_SNAPSHOT_READY:
			break;
		case CIMREPL_SNAPSHOT_SOURCE_RESTORING:
			cimrepl_elem_err(info->extack, elem, count,
					 "a restore onto this source is in progress");
			ret = -EBUSY;
			goto out_unlock;
		case CIMREPL_SNAPSHOT_BEING_RESTORED:
			cimrepl_elem_err(info->extack, elem, count,
					 "the snapshot is being restored onto its source");
			ret = -EBUSY;
			goto out_unlock;
		case CIMREPL_SNAPSHOT_OPEN:
			cimrepl_elem_err(info->extack, elem, count,
					 "the snapshot is open (a LIO backstore or another user holds it)");
			ret = -EBUSY;
			goto out_unlock;
		case CIMREPL_SNAPSHOT_BROKEN:
			cimrepl_elem_err(info->extack, elem, count,
					 "the snapshot is Broken (CopyState 5): it has no point in time to restore");
			ret = -EINVAL;
			goto out_unlock;
		case CIMREPL_SNAPSHOT_SOURCE_MIRRORED:
			cimrepl_elem_err(info->extack, elem, count,
					 "the source has a mirror: detach it first");
			ret = -EBUSY;
			goto out_unlock;
		}
		vols[count++] = vol;
	}
	/* only mirrors stop following; the whole list at one instant */
	if (op == CIMREPL_OP_FRACTURE || op == CIMREPL_OP_SPLIT ||
	    op == CIMREPL_OP_SUSPEND) {
		ret = cimrepl_mirror_stop_list(vols, count, op, info->extack);
		goto out_unlock;
	}
	for (i = 0; i < count && !ret; i++) {
		if (vols[i]->role == CIMREPL_ROLE_CLONE)
			ret = cimrepl_clone_apply(vols[i], op, info->extack);
		else if (vols[i]->mirror)
			ret = cimrepl_mirror_apply(vols[i], op, info->extack);
		else if (op == CIMREPL_OP_RESTORE_FROM_REPLICA)
			ret = cimrepl_snapshot_restore(vols[i], NULL, info->extack);
		else
			ret = cimrepl_snapshot_delete(vols[i], NULL, info->extack);
	}
out_unlock:
	mutex_unlock(&cimrepl_config_lock);
	return ret;
}

static int cimrepl_nl_sync_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[CIMREPL_A_SYNC_MAX + 1];
	const char *name;
	int ret;

	struct cimrepl_volume *vol;

	if (!info->attrs[CIMREPL_A_SYNC]) {
		if (cimrepl_require(info->extack, NULL, info->attrs,
				    CIMREPL_A_THROTTLE,
				    "missing synchronization or throttle"))
			return -EINVAL;
		mutex_lock(&cimrepl_config_lock);
		cimrepl_clone_set_default_throttle(nla_get_u32(info->attrs[CIMREPL_A_THROTTLE]));
		mutex_unlock(&cimrepl_config_lock);
		return 0;
	}
	ret = nla_parse_nested(tb, CIMREPL_A_SYNC_MAX, info->attrs[CIMREPL_A_SYNC],
			       cimrepl_sync_set_policy, info->extack);
	if (ret)
		return ret;
	ret = cimrepl_get_name(tb, CIMREPL_A_SYNC_TARGET,
			       info->attrs[CIMREPL_A_SYNC], info->extack, &name);
	if (ret)
		return ret;
	if (!tb[CIMREPL_A_SYNC_MAX_LAG_MS] &&
	    cimrepl_require(info->extack, info->attrs[CIMREPL_A_SYNC], tb,
			    CIMREPL_A_SYNC_THROTTLE, "nothing to set"))
		return -EINVAL;

	mutex_lock(&cimrepl_config_lock);
	vol = cimrepl_volume_find(name);
	if (!vol || !cimrepl_is_replica(vol)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CIMREPL_A_SYNC],
				    "no such synchronization");
		ret = -ENOENT;
	} else if (vol->mirror) {
		ret = cimrepl_mirror_tune(vol, tb[CIMREPL_A_SYNC_THROTTLE],
					  tb[CIMREPL_A_SYNC_MAX_LAG_MS],
					  info->extack);
	} else if (tb[CIMREPL_A_SYNC_MAX_LAG_MS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[CIMREPL_A_SYNC_MAX_LAG_MS],
				    "only asynchronous mirrors have a lag to bound");
		ret = -EINVAL;
	} else if (vol->role != CIMREPL_ROLE_CLONE) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[CIMREPL_A_SYNC_THROTTLE],
				    "snapshots have no background copy to throttle");
		ret = -EINVAL;
	} else {
		ret = cimrepl_clone_set_throttle(vol, tb[CIMREPL_A_SYNC_THROTTLE],
						 info->extack);
	}
	mutex_unlock(&cimrepl_config_lock);
	return ret;
}

static const struct genl_ops cimrepl_genl_ops[] = {
	{
		.cmd		= CIMREPL_CMD_GET_INFO,
		.policy		= cimrepl_get_info_policy,
		.maxattr	= CIMREPL_A_MAX,
		.doit		= cimrepl_nl_get_info,
	},
	{
		.cmd		= CIMREPL_CMD_VOLUME_CREATE,
		.policy		= cimrepl_volume_op_policy,
		.maxattr	= CIMREPL_A_MAX,
		.doit		= cimrepl_nl_volume_create,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CIMREPL_CMD_VOLUME_DELETE,
		.policy		= cimrepl_volume_op_policy,
		.maxattr	= CIMREPL_A_MAX,
		.doit		= cimrepl_nl_volume_delete,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CIMREPL_CMD_VOLUME_GET,
		.policy		= cimrepl_volume_op_policy,
		.maxattr	= CIMREPL_A_MAX,
		.doit		= cimrepl_nl_volume_get,
		.dumpit		= cimrepl_nl_volume_dump,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CIMREPL_CMD_VOLUME_ASSEMBLE,
		.policy		= cimrepl_volume_op_policy,
		.maxattr	= CIMREPL_A_MAX,
		.doit		= cimrepl_nl_volume_assemble,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CIMREPL_CMD_POOL_CREATE,
		.policy		= cimrepl_pool_op_policy,
		.maxattr	= CIMREPL_A_MAX,
		.doit		= cimrepl_nl_pool_create,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CIMREPL_CMD_POOL_DELETE,
		.policy		= cimrepl_pool_op_policy,
		.maxattr	= CIMREPL_A_MAX,
		.doit		= cimrepl_nl_pool_delete,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CIMREPL_CMD_POOL_GET,
		.policy		= cimrepl_pool_op_policy,
		.maxattr	= CIMREPL_A_MAX,
		.doit		= cimrepl_nl_pool_get,
		.dumpit		= cimrepl_nl_pool_dump,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CIMREPL_CMD_REPLICA_CREATE_LIST,
		.policy		= cimrepl_create_list_policy,
		.maxattr	= CIMREPL_A_MAX,
		.doit		= cimrepl_nl_replica_create_list,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CIMREPL_CMD_REPLICA_DELETE,
		.policy		= cimrepl_sync_select_op_policy,
		.maxattr	= CIMREPL_A_MAX,
		.doit		= cimrepl_nl_replica_delete,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CIMREPL_CMD_SYNC_GET,
		.policy		= cimrepl_sync_select_op_policy,
		.maxattr	= CIMREPL_A_MAX,
		.doit		= cimrepl_nl_sync_get,
		.dumpit		= cimrepl_nl_sync_dump,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CIMREPL_CMD_SYNC_MODIFY_LIST,
		.policy		= cimrepl_modify_list_policy,
		.maxattr	= CIMREPL_A_MAX,
		.doit		= cimrepl_nl_sync_modify_list,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CIMREPL_CMD_SYNC_SET,
		.policy		= cimrepl_sync_set_op_policy,
		.maxattr	= CIMREPL_A_MAX,
		.doit		= cimrepl_nl_sync_set,
		.flags		= GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group cimrepl_genl_mcgrps[] = {
	{ .name = CIMREPL_MCGRP_EVENTS, CIMREPL_MCGRP_ADMIN_FLAGS },
};

static struct genl_family cimrepl_genl_family __ro_after_init = {
	.name = CIMREPL_GENL_NAME,
	.version = CIMREPL_GENL_VERSION,
	.maxattr = CIMREPL_A_MAX,
	.netnsok = false,
	.module = THIS_MODULE,
	.ops = cimrepl_genl_ops,
	.n_ops = ARRAY_SIZE(cimrepl_genl_ops),
	/* every command is new: validate headers and policies strictly */
	.resv_start_op = CIMREPL_CMD_GET_INFO,
	.mcgrps = cimrepl_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(cimrepl_genl_mcgrps),
};

int __init cimrepl_netlink_init(void)
{
	return genl_register_family(&cimrepl_genl_family);
}

void cimrepl_netlink_exit(void)
{
	genl_unregister_family(&cimrepl_genl_family);
}
