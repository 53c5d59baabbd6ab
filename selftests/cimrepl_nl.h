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
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
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

#endif /* CIMREPL_SELFTEST_NL_H */
