// SPDX-License-Identifier: GPL-2.0
/*
 * The "cimrepl" generic netlink family: it resolves, reports its version and
 * capabilities, keeps unprivileged users away from every command that
 * changes or reveals state, and rejects malformed requests with -EINVAL and
 * an extended ACK message.
 *
 * Runs as root inside the test VM with cimrepl.ko loaded.
 */
#include <grp.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "cimrepl_nl.h"
#include "kselftest_harness.h"

#define NOBODY 65534

FIXTURE(nl) {
	struct nlt_sock s;
	struct nlt_msg m;
};

FIXTURE_SETUP(nl)
{
	int ret = nlt_open(&self->s);

	ASSERT_EQ(0, ret) TH_LOG("cannot resolve the cimrepl family: %s",
				 strerror(-ret));
}

FIXTURE_TEARDOWN(nl)
{
	nlt_close(&self->s);
}

static uint32_t attr_u32(struct nlattr *a)
{
	return *(uint32_t *)nlt_data(a);
}

static void volume_request(struct nlt_sock *s, struct nlt_msg *m, uint8_t cmd,
			   const char *name, const char *path)
{
	nlt_cmd(s, m, cmd, 0);
	nlt_nest_start(m, CIMREPL_A_VOLUME);
	if (name)
		nlt_put_str(m, CIMREPL_A_VOLUME_NAME, name);
	if (path)
		nlt_put_str(m, CIMREPL_A_VOLUME_BACKING_PATH, path);
	nlt_nest_end(m);
}

/* One element of a create-list request. */
static void element(struct nlt_msg *m, uint16_t index, const char *source,
		    const char *target)
{
	nlt_nest_start(m, index);
	if (source)
		nlt_put_str(m, CIMREPL_A_ELEM_SOURCE, source);
	if (target)
		nlt_put_str(m, CIMREPL_A_ELEM_TARGET_NAME, target);
	nlt_nest_end(m);
}

static void create_list_request(struct nlt_sock *s, struct nlt_msg *m,
				uint16_t sync_type)
{
	nlt_cmd(s, m, CIMREPL_CMD_REPLICA_CREATE_LIST, 0);
	nlt_put_u16(m, CIMREPL_A_SYNC_TYPE, sync_type);
	nlt_nest_start(m, CIMREPL_A_ELEMENTS);
	element(m, 0, "src0", "snap0");
	nlt_nest_end(m);
}

TEST_F(nl, family_reports_api_version_and_module_version)
{
	struct nlattr *a;

	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_GET_INFO, 0);
	ASSERT_EQ(0, nlt_send(&self->s, &self->m));

	a = nlt_reply_find(&self->s, CIMREPL_A_API_VERSION);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(CIMREPL_API_VERSION, attr_u32(a));

	a = nlt_reply_find(&self->s, CIMREPL_A_MODULE_VERSION);
	ASSERT_NE(NULL, a);
	EXPECT_LT(1, nlt_len(a));
	EXPECT_EQ('\0', ((char *)nlt_data(a))[nlt_len(a) - 1]);
}

TEST_F(nl, capabilities_report_limits_and_only_cim_values)
{
	uint32_t min = 0, max = 0, def = 0, elements = 0, name_max = 0;
	struct nlattr *caps, *a;

	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_GET_INFO, 0);
	ASSERT_EQ(0, nlt_send(&self->s, &self->m));
	caps = nlt_reply_find(&self->s, CIMREPL_A_CAPS);
	ASSERT_NE(NULL, caps);

	nlt_for_each_attr(a, nlt_data(caps), nlt_len(caps)) {
		uint16_t v = *(uint16_t *)nlt_data(a);

		switch (nlt_type(a)) {
		case CIMREPL_A_CAPS_SYNC_TYPE:
			EXPECT_TRUE(v == CIMREPL_SYNC_TYPE_MIRROR ||
				    v == CIMREPL_SYNC_TYPE_SNAPSHOT ||
				    v == CIMREPL_SYNC_TYPE_CLONE);
			break;
		case CIMREPL_A_CAPS_MODE:
			EXPECT_TRUE(v == CIMREPL_MODE_SYNCHRONOUS ||
				    v == CIMREPL_MODE_ASYNCHRONOUS);
			break;
		case CIMREPL_A_CAPS_OPERATION:
			EXPECT_LE(CIMREPL_OP_ABORT, v);
			EXPECT_GE(CIMREPL_OP_RESET_TO_ADAPTIVE, v);
			break;
		case CIMREPL_A_CAPS_MAX_ELEMENTS:
			elements = attr_u32(a);
			break;
		case CIMREPL_A_CAPS_NAME_MAX:
			name_max = attr_u32(a);
			break;
		case CIMREPL_A_CAPS_CHUNK_SIZE_MIN:
			min = attr_u32(a);
			break;
		case CIMREPL_A_CAPS_CHUNK_SIZE_MAX:
			max = attr_u32(a);
			break;
		case CIMREPL_A_CAPS_CHUNK_SIZE_DEFAULT:
			def = attr_u32(a);
			break;
		}
	}
	EXPECT_LT(0, elements);
	EXPECT_EQ(CIMREPL_NAME_MAX, name_max);
	EXPECT_LE(4096, min);
	EXPECT_LE(min, def);
	EXPECT_LE(def, max);
	EXPECT_EQ(0, def & (def - 1)) TH_LOG("default chunk size %u is not a power of two", def);
}

/*
 * Every command but GET_INFO needs CAP_NET_ADMIN; an unprivileged user gets
 * -EPERM before any validation or lookup, for valid and invalid requests.
 */
TEST_F(nl, unprivileged_user_gets_eperm_on_every_admin_command)
{
	static const uint8_t admin_cmds[] = {
		CIMREPL_CMD_VOLUME_CREATE, CIMREPL_CMD_VOLUME_DELETE,
		CIMREPL_CMD_VOLUME_GET, CIMREPL_CMD_VOLUME_ASSEMBLE,
		CIMREPL_CMD_POOL_CREATE, CIMREPL_CMD_POOL_DELETE,
		CIMREPL_CMD_POOL_GET, CIMREPL_CMD_REPLICA_CREATE_LIST,
		CIMREPL_CMD_REPLICA_DELETE, CIMREPL_CMD_SYNC_GET,
		CIMREPL_CMD_SYNC_MODIFY_LIST, CIMREPL_CMD_SYNC_SET,
	};
	struct nlt_sock user;
	unsigned int i;

	ASSERT_EQ(0, setgroups(0, NULL));
	ASSERT_EQ(0, setresgid(NOBODY, NOBODY, NOBODY));
	ASSERT_EQ(0, setresuid(NOBODY, NOBODY, NOBODY));
	ASSERT_EQ(0, nlt_open(&user));

	for (i = 0; i < sizeof(admin_cmds); i++) {
		nlt_cmd(&user, &self->m, admin_cmds[i], 0);
		EXPECT_EQ(-EPERM, nlt_send(&user, &self->m))
			TH_LOG("command %u", admin_cmds[i]);
	}
	volume_request(&user, &self->m, CIMREPL_CMD_VOLUME_CREATE, "v", "/dev/ram0");
	EXPECT_EQ(-EPERM, nlt_send(&user, &self->m));
	nlt_cmd(&user, &self->m, CIMREPL_CMD_VOLUME_GET, NLM_F_DUMP);
	EXPECT_EQ(-EPERM, nlt_send(&user, &self->m));

	/* the read-only capability query stays open to everyone */
	nlt_cmd(&user, &self->m, CIMREPL_CMD_GET_INFO, 0);
	EXPECT_EQ(0, nlt_send(&user, &self->m));
	nlt_close(&user);
}

TEST_F(nl, events_group_exists_and_is_admin_only)
{
	struct nlt_sock user;
	uint32_t group = self->s.events_group;

	ASSERT_NE(0, group);
	EXPECT_EQ(0, setsockopt(self->s.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&group, sizeof(group)));

	ASSERT_EQ(0, setgroups(0, NULL));
	ASSERT_EQ(0, setresuid(NOBODY, NOBODY, NOBODY));
	ASSERT_EQ(0, nlt_open(&user));
	EXPECT_EQ(-1, setsockopt(user.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				 &group, sizeof(group)));
	EXPECT_EQ(EPERM, errno);
	nlt_close(&user);
}

TEST_F(nl, unknown_attribute_is_einval_with_message)
{
	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_CREATE, 0);
	nlt_put_u32(&self->m, CIMREPL_A_MAX + 1, 1);
	EXPECT_EQ(-EINVAL, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	EXPECT_LE(0, self->s.ext_offset);
}

TEST_F(nl, attribute_of_another_command_is_einval)
{
	/* CIMREPL_A_SYNC_TYPE means nothing to VOLUME_CREATE */
	volume_request(&self->s, &self->m, CIMREPL_CMD_VOLUME_CREATE, "v0",
		       "/dev/ram0");
	nlt_put_u16(&self->m, CIMREPL_A_SYNC_TYPE, CIMREPL_SYNC_TYPE_SNAPSHOT);
	EXPECT_EQ(-EINVAL, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);
}

TEST_F(nl, read_only_attribute_in_request_is_einval)
{
	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_CREATE, 0);
	nlt_nest_start(&self->m, CIMREPL_A_VOLUME);
	nlt_put_str(&self->m, CIMREPL_A_VOLUME_NAME, "v0");
	nlt_put_str(&self->m, CIMREPL_A_VOLUME_BACKING_PATH, "/dev/ram0");
	nlt_put_u64(&self->m, CIMREPL_A_VOLUME_SIZE, 1 << 20);
	nlt_nest_end(&self->m);
	EXPECT_EQ(-EINVAL, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);
}

TEST_F(nl, wrong_attribute_length_is_einval)
{
	uint8_t one_byte = CIMREPL_SYNC_TYPE_SNAPSHOT;

	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_REPLICA_CREATE_LIST, 0);
	nlt_put(&self->m, CIMREPL_A_SYNC_TYPE, &one_byte, 1);
	EXPECT_EQ(-EINVAL, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);
}

/* Values outside a policy's range get the netlink core's -ERANGE. */
TEST_F(nl, sync_type_outside_the_cim_value_map_is_erange)
{
	create_list_request(&self->s, &self->m, 5);
	EXPECT_EQ(-ERANGE, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);
	EXPECT_LE(0, self->s.ext_offset);

	create_list_request(&self->s, &self->m, 10);
	EXPECT_EQ(-ERANGE, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);
}

/* 23 lies inside the policy's range but is not a value of the standard. */
TEST_F(nl, operation_value_the_standard_skips_is_einval)
{
	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_SYNC_MODIFY_LIST, 0);
	nlt_put_u16(&self->m, CIMREPL_A_OPERATION, CIMREPL_OP_SUSPEND + 1);
	nlt_nest_start(&self->m, CIMREPL_A_ELEMENTS);
	element(&self->m, 0, NULL, "snap0");
	nlt_nest_end(&self->m);
	EXPECT_EQ(-EINVAL, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);
}

TEST_F(nl, tokenized_clone_is_not_supported)
{
	create_list_request(&self->s, &self->m, CIMREPL_SYNC_TYPE_TOKENIZED_CLONE);
	EXPECT_EQ(-EOPNOTSUPP, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);
}

TEST_F(nl, missing_required_attribute_is_einval)
{
	/* no CIMREPL_A_VOLUME at all */
	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_CREATE, 0);
	EXPECT_EQ(-EINVAL, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);

	/* a volume without its backing device */
	volume_request(&self->s, &self->m, CIMREPL_CMD_VOLUME_CREATE, "v0", NULL);
	EXPECT_EQ(-EINVAL, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);

	/* a list without its SyncType */
	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_REPLICA_CREATE_LIST, 0);
	nlt_nest_start(&self->m, CIMREPL_A_ELEMENTS);
	element(&self->m, 0, "src0", "snap0");
	nlt_nest_end(&self->m);
	EXPECT_EQ(-EINVAL, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);
}

TEST_F(nl, overlong_or_unterminated_name_is_einval)
{
	char name[CIMREPL_NAME_MAX + 1];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	volume_request(&self->s, &self->m, CIMREPL_CMD_VOLUME_CREATE, name,
		       "/dev/ram0");
	EXPECT_EQ(-EINVAL, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);

	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_VOLUME_CREATE, 0);
	nlt_nest_start(&self->m, CIMREPL_A_VOLUME);
	nlt_put(&self->m, CIMREPL_A_VOLUME_NAME, "abc", 3);	/* no NUL */
	nlt_put_str(&self->m, CIMREPL_A_VOLUME_BACKING_PATH, "/dev/ram0");
	nlt_nest_end(&self->m);
	EXPECT_EQ(-EINVAL, nlt_send(&self->s, &self->m));
}

TEST_F(nl, name_with_bad_characters_is_einval)
{
	static const char *const bad[] = { "", ".", "..", "-v", "a/b", "a b",
					   "a\nb", "v!" };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		volume_request(&self->s, &self->m, CIMREPL_CMD_VOLUME_CREATE,
			       bad[i], "/dev/ram0");
		EXPECT_EQ(-EINVAL, nlt_send(&self->s, &self->m))
			TH_LOG("name \"%s\" accepted", bad[i]);
		EXPECT_NE('\0', self->s.ext_msg[0]);
	}
}

TEST_F(nl, reserved_header_byte_is_einval)
{
	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_GET_INFO, 0);
	nlt_genl(&self->m)->reserved = 1;
	EXPECT_EQ(-EINVAL, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);
}

TEST_F(nl, chunk_size_must_be_a_power_of_two_in_range)
{
	static const struct {
		uint32_t size;
		int error;
	} bad[] = {
		{ 4096 + 512, -EINVAL },
		{ 512, -ERANGE },
		{ 64 << 20, -ERANGE },
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		create_list_request(&self->s, &self->m, CIMREPL_SYNC_TYPE_SNAPSHOT);
		nlt_put_u32(&self->m, CIMREPL_A_CHUNK_SIZE, bad[i].size);
		EXPECT_EQ(bad[i].error, nlt_send(&self->s, &self->m))
			TH_LOG("chunk size %u", bad[i].size);
		EXPECT_NE('\0', self->s.ext_msg[0]);
	}
}

TEST_F(nl, empty_element_list_is_einval)
{
	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_REPLICA_CREATE_LIST, 0);
	nlt_put_u16(&self->m, CIMREPL_A_SYNC_TYPE, CIMREPL_SYNC_TYPE_SNAPSHOT);
	nlt_nest_start(&self->m, CIMREPL_A_ELEMENTS);
	nlt_nest_end(&self->m);
	EXPECT_EQ(-EINVAL, nlt_send(&self->s, &self->m));
	EXPECT_NE(NULL, strstr(self->s.ext_msg, "empty"));
}

TEST_F(nl, overlong_element_list_is_rejected)
{
	uint32_t max_elements;
	struct nlattr *caps;
	unsigned int i;

	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_GET_INFO, 0);
	ASSERT_EQ(0, nlt_send(&self->s, &self->m));
	caps = nlt_reply_find(&self->s, CIMREPL_A_CAPS);
	ASSERT_NE(NULL, caps);
	max_elements = attr_u32(nlt_find(nlt_data(caps), nlt_len(caps),
					 CIMREPL_A_CAPS_MAX_ELEMENTS));

	create_list_request(&self->s, &self->m, CIMREPL_SYNC_TYPE_SNAPSHOT);
	self->m.nlh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	nlt_put_u16(&self->m, CIMREPL_A_SYNC_TYPE, CIMREPL_SYNC_TYPE_SNAPSHOT);
	nlt_nest_start(&self->m, CIMREPL_A_ELEMENTS);
	for (i = 0; i <= max_elements; i++)
		element(&self->m, i, "src0", "snap0");
	nlt_nest_end(&self->m);
	EXPECT_EQ(-E2BIG, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);
}

/* An error in element k of a list points at element k. */
TEST_F(nl, element_error_points_at_the_element)
{
	int ok_offset;

	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_REPLICA_CREATE_LIST, 0);
	nlt_put_u16(&self->m, CIMREPL_A_SYNC_TYPE, CIMREPL_SYNC_TYPE_SNAPSHOT);
	nlt_nest_start(&self->m, CIMREPL_A_ELEMENTS);
	element(&self->m, 0, "src0", "snap0");
	ok_offset = self->m.nlh.nlmsg_len;
	element(&self->m, 1, "src1", NULL);	/* no target name */
	nlt_nest_end(&self->m);

	EXPECT_EQ(-EINVAL, nlt_send(&self->s, &self->m));
	EXPECT_EQ(ok_offset, self->s.ext_offset);
	EXPECT_NE('\0', self->s.ext_msg[0]);
	/* kernels with formatted extack messages also name it in words */
	if (strstr(self->s.ext_msg, "element"))
		EXPECT_NE(NULL, strstr(self->s.ext_msg, "element 1"));
}

/* Until an engine lands, its valid requests fail with -EOPNOTSUPP. */
TEST_F(nl, requests_for_engines_not_built_are_eopnotsupp)
{
	static const uint16_t types[] = { CIMREPL_SYNC_TYPE_MIRROR,
					  CIMREPL_SYNC_TYPE_SNAPSHOT,
					  CIMREPL_SYNC_TYPE_CLONE };
	bool built[3] = { false, false, false };
	struct nlattr *caps, *a;
	unsigned int i, tested = 0;

	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_GET_INFO, 0);
	ASSERT_EQ(0, nlt_send(&self->s, &self->m));
	caps = nlt_reply_find(&self->s, CIMREPL_A_CAPS);
	ASSERT_NE(NULL, caps);
	nlt_for_each_attr(a, nlt_data(caps), nlt_len(caps))
		for (i = 0; i < 3; i++)
			if (nlt_type(a) == CIMREPL_A_CAPS_SYNC_TYPE &&
			    *(uint16_t *)nlt_data(a) == types[i])
				built[i] = true;

	for (i = 0; i < 3; i++) {
		if (built[i])
			continue;
		create_list_request(&self->s, &self->m, types[i]);
		EXPECT_EQ(-EOPNOTSUPP, nlt_send(&self->s, &self->m))
			TH_LOG("SyncType %u", types[i]);
		EXPECT_NE('\0', self->s.ext_msg[0]);
		tested++;
	}
	if (!tested)
		SKIP(return, "every engine is built");
}

TEST_F(nl, lookups_of_missing_objects_are_enoent)
{
	volume_request(&self->s, &self->m, CIMREPL_CMD_VOLUME_DELETE,
		       "no-such-volume", NULL);
	EXPECT_EQ(-ENOENT, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);

	volume_request(&self->s, &self->m, CIMREPL_CMD_VOLUME_GET,
		       "no-such-volume", NULL);
	EXPECT_EQ(-ENOENT, nlt_send(&self->s, &self->m));

	nlt_cmd(&self->s, &self->m, CIMREPL_CMD_SYNC_GET, 0);
	nlt_nest_start(&self->m, CIMREPL_A_SYNC);
	nlt_put_str(&self->m, CIMREPL_A_SYNC_TARGET, "no-such-replica");
	nlt_nest_end(&self->m);
	EXPECT_EQ(-ENOENT, nlt_send(&self->s, &self->m));
	EXPECT_NE('\0', self->s.ext_msg[0]);
}

TEST_F(nl, dumps_of_an_idle_module_are_empty)
{
	static const uint8_t dumps[] = { CIMREPL_CMD_VOLUME_GET,
					 CIMREPL_CMD_POOL_GET,
					 CIMREPL_CMD_SYNC_GET };
	unsigned int i;

	for (i = 0; i < sizeof(dumps); i++) {
		nlt_cmd(&self->s, &self->m, dumps[i], NLM_F_DUMP);
		EXPECT_EQ(0, nlt_send(&self->s, &self->m));
		EXPECT_EQ(0, self->s.dump_count);
	}
}

TEST_HARNESS_MAIN
