/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A deliberately small raw generic netlink client for the selftests. It
 * builds messages byte by byte so that tests can send exactly the malformed
 * requests a library would refuse to build, and it returns the kernel's
 * errno and extended ACK (message and offending attribute offset).
 */
#ifndef CIMREPL_SELFTEST_NL_H
#define CIMREPL_SELFTEST_NL_H

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/cimrepl.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

#define NLT_BUF_SIZE	32768
#define NLT_MAX_NEST	8

struct nlt_msg {
	union {
		struct nlmsghdr nlh;
		char buf[NLT_BUF_SIZE];
	};
	size_t nest[NLT_MAX_NEST];
	int depth;
};

struct nlt_sock {
	int fd;
	uint16_t family;
	uint32_t events_group;	/* multicast group id of "events", 0 if none */
	uint32_t seq;
	/* from the last ACK or error */
	char ext_msg[256];
	int32_t ext_offset;	/* offset of the offending attribute, -1 none */
	/* the last data reply (for do requests) */
	char reply[NLT_BUF_SIZE];
	size_t reply_len;
	unsigned int dump_count;
};

static inline size_t nlt_align(size_t len)
{
	return NLMSG_ALIGN(len);
}

static inline void nlt_init(struct nlt_msg *m, uint16_t type, uint16_t flags,
			    uint8_t cmd, uint8_t version)
{
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	m->nlh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = version;
}

static inline struct genlmsghdr *nlt_genl(struct nlt_msg *m)
{
	return (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
}

static inline void nlt_put(struct nlt_msg *m, uint16_t type, const void *data,
			   size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->nlh.nlmsg_len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0,
	       NLA_ALIGN(a->nla_len) - a->nla_len);
	m->nlh.nlmsg_len += NLA_ALIGN(a->nla_len);
}

static inline void nlt_put_u16(struct nlt_msg *m, uint16_t type, uint16_t v)
{
	nlt_put(m, type, &v, sizeof(v));
}

static inline void nlt_put_u32(struct nlt_msg *m, uint16_t type, uint32_t v)
{
	nlt_put(m, type, &v, sizeof(v));
}

static inline void nlt_put_u64(struct nlt_msg *m, uint16_t type, uint64_t v)
{
	nlt_put(m, type, &v, sizeof(v));
}

static inline void nlt_put_str(struct nlt_msg *m, uint16_t type, const char *s)
{
	nlt_put(m, type, s, strlen(s) + 1);
}

static inline void nlt_nest_start(struct nlt_msg *m, uint16_t type)
{
	m->nest[m->depth++] = m->nlh.nlmsg_len;
	nlt_put(m, type | NLA_F_NESTED, NULL, 0);
}

static inline void nlt_nest_end(struct nlt_msg *m)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->nest[--m->depth]);

	a->nla_len = m->nlh.nlmsg_len - m->nest[m->depth];
}

/* Iterate over the attributes in [data, data + len). */
#define nlt_for_each_attr(a, data, len)					\
	for (a = (struct nlattr *)(data);				\
	     (char *)(a) + NLA_HDRLEN <= (char *)(data) + (len) &&	\
	     a->nla_len >= NLA_HDRLEN &&				\
	     (char *)(a) + a->nla_len <= (char *)(data) + (len);	\
	     a = (struct nlattr *)((char *)(a) + NLA_ALIGN(a->nla_len)))

static inline void *nlt_data(const struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static inline int nlt_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static inline int nlt_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

/* Find attribute @type among the attributes of a nest or a message body. */
static inline struct nlattr *nlt_find(void *data, size_t len, int type)
{
	struct nlattr *a;

	nlt_for_each_attr(a, data, len)
		if (nlt_type(a) == type)
			return a;
	return NULL;
}

/* The attributes of the last reply (after the genl header). */
static inline struct nlattr *nlt_reply_find(struct nlt_sock *s, int type)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)s->reply;

	if (!s->reply_len)
		return NULL;
	return nlt_find(s->reply + NLMSG_HDRLEN + GENL_HDRLEN,
			nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, type);
}

static inline void nlt_parse_ext_ack(struct nlt_sock *s, struct nlmsghdr *nlh)
{
	struct nlmsgerr *err = NLMSG_DATA(nlh);
	size_t off = sizeof(*err);
	struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(err->msg);
	if (NLMSG_HDRLEN + off > nlh->nlmsg_len)
		return;
	nlt_for_each_attr(a, (char *)err + off, nlh->nlmsg_len - NLMSG_HDRLEN - off) {
		if (nlt_type(a) == NLMSGERR_ATTR_MSG)
			snprintf(s->ext_msg, sizeof(s->ext_msg), "%.*s",
				 nlt_len(a), (char *)nlt_data(a));
		else if (nlt_type(a) == NLMSGERR_ATTR_OFFS)
			s->ext_offset = *(uint32_t *)nlt_data(a);
	}
}

/*
 * Send @m and read until its ACK (or the end of a dump). Returns 0 or the
 * negative errno the kernel answered; the extack and the last data message
 * are kept in @s.
 */
static inline int nlt_send(struct nlt_sock *s, struct nlt_msg *m)
{
	static char rbuf[65536];
	bool dump = (m->nlh.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	ssize_t n;

	m->nlh.nlmsg_seq = ++s->seq;
	s->ext_msg[0] = '\0';
	s->ext_offset = -1;
	s->reply_len = 0;
	s->dump_count = 0;
	if (send(s->fd, m->buf, m->nlh.nlmsg_len, 0) < 0)
		return -errno;

	for (;;) {
		struct nlmsghdr *nlh;

		n = recv(s->fd, rbuf, sizeof(rbuf), 0);
		if (n < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)rbuf; NLMSG_OK(nlh, (size_t)n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != s->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *err = NLMSG_DATA(nlh);

				nlt_parse_ext_ack(s, nlh);
				return err->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				if (dump)
					return *(int *)NLMSG_DATA(nlh);
				continue;
			}
			s->dump_count++;
			if (nlh->nlmsg_len <= sizeof(s->reply)) {
				memcpy(s->reply, nlh, nlh->nlmsg_len);
				s->reply_len = nlh->nlmsg_len;
			}
		}
	}
}

/* Resolve a family and, optionally, one of its multicast groups. */
static inline int nlt_resolve(struct nlt_sock *s, const char *family,
			      const char *group)
{
	struct nlt_msg m;
	struct nlattr *a, *grp, *g;
	int ret;

	nlt_init(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	nlt_put_str(&m, CTRL_ATTR_FAMILY_NAME, family);
	ret = nlt_send(s, &m);
	if (ret)
		return ret;
	a = nlt_reply_find(s, CTRL_ATTR_FAMILY_ID);
	if (!a)
		return -ENOENT;
	s->family = *(uint16_t *)nlt_data(a);

	a = nlt_reply_find(s, CTRL_ATTR_MCAST_GROUPS);
	if (!a || !group)
		return 0;
	nlt_for_each_attr(grp, nlt_data(a), nlt_len(a)) {
		struct nlattr *name = nlt_find(nlt_data(grp), nlt_len(grp),
					       CTRL_ATTR_MCAST_GRP_NAME);

		g = nlt_find(nlt_data(grp), nlt_len(grp), CTRL_ATTR_MCAST_GRP_ID);
		if (name && g && !strcmp(nlt_data(name), group))
			s->events_group = *(uint32_t *)nlt_data(g);
	}
	return 0;
}

static inline int nlt_open(struct nlt_sock *s)
{
	int one = 1;

	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0)
		return -errno;
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)))
		return -errno;
	return nlt_resolve(s, CIMREPL_GENL_NAME, CIMREPL_MCGRP_EVENTS);
}

static inline void nlt_close(struct nlt_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* Start a cimrepl request. */
static inline void nlt_cmd(struct nlt_sock *s, struct nlt_msg *m, uint8_t cmd,
			   uint16_t flags)
{
	nlt_init(m, s->family, flags, cmd, CIMREPL_GENL_VERSION);
}

/* An unsigned attribute of any width (u8..u64), by its length. */
static inline uint64_t nlt_uint(const struct nlattr *a)
{
	switch (nlt_len(a)) {
	case 1:
		return *(uint8_t *)nlt_data(a);
	case 2:
		return *(uint16_t *)nlt_data(a);
	case 4:
		return *(uint32_t *)nlt_data(a);
	case 8:
		return *(uint64_t *)nlt_data(a);
	}
	return 0;
}

/* Attribute @attr inside the nest @type of the last reply, or NULL. */
static inline struct nlattr *nlt_reply_nested(struct nlt_sock *s, int type,
					      int attr)
{
	struct nlattr *nest = nlt_reply_find(s, type);

	return nest ? nlt_find(nlt_data(nest), nlt_len(nest), attr) : NULL;
}

/* SYNC_GET of the synchronization of replica @target; 0 or -errno. */
static inline int nlt_sync_get(struct nlt_sock *s, struct nlt_msg *m,
			       const char *target)
{
	nlt_cmd(s, m, CIMREPL_CMD_SYNC_GET, 0);
	nlt_nest_start(m, CIMREPL_A_SYNC);
	nlt_put_str(m, CIMREPL_A_SYNC_TARGET, target);
	nlt_nest_end(m);
	return nlt_send(s, m);
}

/*
 * Attribute @attr of @target's synchronization, fetched now, as a number;
 * (uint64_t)-1 when the request fails or the attribute is absent.
 */
static inline uint64_t nlt_sync_attr(struct nlt_sock *s, struct nlt_msg *m,
				     const char *target, int attr)
{
	struct nlattr *a;

	if (nlt_sync_get(s, m, target))
		return (uint64_t)-1;
	a = nlt_reply_nested(s, CIMREPL_A_SYNC, attr);
	return a ? nlt_uint(a) : (uint64_t)-1;
}

/*
 * SYNC_SET: the throttle (KiB/s, 0 = none) of @target's background copy,
 * or with @target NULL the module-wide default.
 */
static inline int nlt_sync_set_throttle(struct nlt_sock *s, struct nlt_msg *m,
					const char *target, uint32_t kibs)
{
	nlt_cmd(s, m, CIMREPL_CMD_SYNC_SET, 0);
	if (target) {
		nlt_nest_start(m, CIMREPL_A_SYNC);
		nlt_put_str(m, CIMREPL_A_SYNC_TARGET, target);
		nlt_put_u32(m, CIMREPL_A_SYNC_THROTTLE, kibs);
		nlt_nest_end(m);
	} else {
		nlt_put_u32(m, CIMREPL_A_THROTTLE, kibs);
	}
	return nlt_send(s, m);
}

/* Join the "events" multicast group on @s, a socket kept for listening. */
static inline int nlt_join_events(struct nlt_sock *s)
{
	int bytes = 1 << 20;

	if (!s->events_group)
		return -ENOENT;
	setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
		       &s->events_group, sizeof(s->events_group)))
		return -errno;
	return 0;
}

static inline int64_t nlt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Read events from @s (joined with nlt_join_events) until one is @event
 * about the synchronization of replica @target with CopyState @state (any
 * CopyState when @state < 0). Returns 0, or -ETIMEDOUT when none came in
 * @ms milliseconds. Other events are consumed.
 */
static inline int nlt_wait_event(struct nlt_sock *s, int event,
				 const char *target, int state, int ms)
{
	static char ebuf[65536];
	int64_t deadline = nlt_now_ms() + ms;

	for (;;) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
		int64_t left = deadline - nlt_now_ms();
		struct nlmsghdr *nlh;
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) != 1)
			return -ETIMEDOUT;
		n = recv(s->fd, ebuf, sizeof(ebuf), 0);
		if (n < 0) {
			if (errno == ENOBUFS || errno == EINTR)
				continue;	/* overrun: keep reading */
			return -errno;
		}
		for (nlh = (struct nlmsghdr *)ebuf; NLMSG_OK(nlh, (size_t)n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			void *attrs = (char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
			size_t len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
			struct nlattr *ev, *sync, *tgt, *cs;

			if (nlh->nlmsg_type != s->family)
				continue;
			ev = nlt_find(attrs, len, CIMREPL_A_EVENT);
			sync = nlt_find(attrs, len, CIMREPL_A_SYNC);
			if (!ev || !sync || nlt_uint(ev) != (uint64_t)event)
				continue;
			tgt = nlt_find(nlt_data(sync), nlt_len(sync),
				       CIMREPL_A_SYNC_TARGET);
			cs = nlt_find(nlt_data(sync), nlt_len(sync),
				      CIMREPL_A_SYNC_COPY_STATE);
			if (!tgt || strcmp(nlt_data(tgt), target))
				continue;
			if (state < 0 || (cs && nlt_uint(cs) == (uint64_t)state))
				return 0;
		}
	}
}

#endif /* CIMREPL_SELFTEST_NL_H */
