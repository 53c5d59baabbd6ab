// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of cimrepld's translation of CreateListReplica and
 * CreateElementReplica parameters into a replicate request (ctl/replargs.c):
 * requests are CIM-XML documents as clients send them, parsed by the
 * daemon's codec, then translated; every parameter's checks and the return
 * code each misuse gets (5 Invalid Parameter, 1 Not Supported), and the
 * errno-to-return-code mapping of the later steps (4 Failed, 6 In Use).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/cimrepl.h>

#include "cimxml.h"
#include "replargs.h"
#include "kselftest_harness.h"

#define HOST	"host1"

/* A reference to volume @id of system @system as a VALUE.REFERENCE. */
static char *vol_ref(char *buf, size_t len, const char *id, const char *system)
{
	snprintf(buf, len,
		 "<VALUE.REFERENCE><INSTANCEPATH><NAMESPACEPATH><HOST>localhost</HOST>"
		 "<LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/><NAMESPACE NAME=\"cimv2\"/>"
		 "</LOCALNAMESPACEPATH></NAMESPACEPATH>"
		 "<INSTANCENAME CLASSNAME=\"CIM_StorageVolume\">"
		 "<KEYBINDING NAME=\"CreationClassName\"><KEYVALUE VALUETYPE=\"string\">CIM_StorageVolume</KEYVALUE></KEYBINDING>"
		 "<KEYBINDING NAME=\"DeviceID\"><KEYVALUE VALUETYPE=\"string\">%s</KEYVALUE></KEYBINDING>"
		 "<KEYBINDING NAME=\"SystemCreationClassName\"><KEYVALUE VALUETYPE=\"string\">CIM_ComputerSystem</KEYVALUE></KEYBINDING>"
		 "<KEYBINDING NAME=\"SystemName\"><KEYVALUE VALUETYPE=\"string\">%s</KEYVALUE></KEYBINDING>"
		 "</INSTANCENAME></INSTANCEPATH></VALUE.REFERENCE>", id, system);
	return buf;
}

/* PARAMVALUE @name holding volume references to @ids (comma-separated). */
static char *vols_param(char *buf, size_t len, const char *name, bool array,
			const char *ids)
{
	char ref[1024], idbuf[1024];
	char *save = NULL, *id;
	size_t n;

	snprintf(idbuf, sizeof(idbuf), "%s", ids);
	n = (size_t)snprintf(buf, len, "<PARAMVALUE NAME=\"%s\" PARAMTYPE=\"reference\">%s",
			     name, array ? "<VALUE.REFARRAY>" : "");
	for (id = strtok_r(idbuf, ",", &save); id && n < len;
	     id = strtok_r(NULL, ",", &save))
		n += (size_t)snprintf(buf + n, len - n, "%s",
				      vol_ref(ref, sizeof(ref), id, HOST));
	if (n < len)
		snprintf(buf + n, len - n, "%s</PARAMVALUE>",
			 array ? "</VALUE.REFARRAY>" : "");
	return buf;
}

/*
 * A uint16 PARAMVALUE; one that is not a uint16 goes untyped (as wbemcli
 * sends them all), since the codec refuses a typed one.
 */
static char *u16_param(char *buf, size_t len, const char *name,
		       const char *value)
{
	char *end;
	unsigned long n = strtoul(value, &end, 10);
	bool typed = !*end && n <= UINT16_MAX;

	snprintf(buf, len, "<PARAMVALUE NAME=\"%s\"%s><VALUE>%s</VALUE></PARAMVALUE>",
		 name, typed ? " PARAMTYPE=\"uint16\"" : "", value);
	return buf;
}

/* The ReplicationSettingData parameter: an escaped INSTANCE of @props. */
static char *rsd_param(char *buf, size_t len, const char *cls,
		       const char *props)
{
	snprintf(buf, len,
		 "<PARAMVALUE NAME=\"ReplicationSettingData\" PARAMTYPE=\"string\" EmbeddedObject=\"instance\">"
		 "<VALUE>&lt;INSTANCE CLASSNAME=&quot;%s&quot;&gt;%s&lt;/INSTANCE&gt;</VALUE></PARAMVALUE>",
		 cls, props);
	return buf;
}

/* An escaped PROPERTY of an embedded instance. */
static char *rsd_prop(char *buf, size_t len, const char *name,
		      const char *type, const char *value)
{
	snprintf(buf, len,
		 "&lt;PROPERTY NAME=&quot;%s&quot; TYPE=&quot;%s&quot;&gt;&lt;VALUE&gt;%s&lt;/VALUE&gt;&lt;/PROPERTY&gt;",
		 name, type, value);
	return buf;
}

/* The outcome of one translation: the request it points into, kept. */
struct outcome {
	struct cim_request *req;
	struct replicate_request rr;
	struct method_out o;
};

/*
 * Parse a METHODCALL of @method on the service with the PARAMVALUEs given
 * (NULL-terminated) and translate it.
 */
static int translate(struct outcome *out, const char *method, ...)
{
	static const char head[] =
		"<?xml version=\"1.0\" encoding=\"utf-8\"?><CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">"
		"<MESSAGE ID=\"7\" PROTOCOLVERSION=\"1.0\"><SIMPLEREQ><METHODCALL NAME=\"%s\">"
		"<LOCALINSTANCEPATH><LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/><NAMESPACE NAME=\"cimv2\"/></LOCALNAMESPACEPATH>"
		"<INSTANCENAME CLASSNAME=\"CIM_ReplicationService\">"
		"<KEYBINDING NAME=\"Name\"><KEYVALUE VALUETYPE=\"string\">cimrepl</KEYVALUE></KEYBINDING>"
		"</INSTANCENAME></LOCALINSTANCEPATH>";
	size_t cap = 65536, len;
	char *doc = malloc(cap), err[256];
	const char *part;
	va_list ap;
	int ret;

	if (!doc)
		return -ENOMEM;
	len = (size_t)snprintf(doc, cap, head, method);
	va_start(ap, method);
	while ((part = va_arg(ap, const char *)))
		len += (size_t)snprintf(doc + len, cap - len, "%s", part);
	va_end(ap);
	len += (size_t)snprintf(doc + len, cap - len,
				"</METHODCALL></SIMPLEREQ></MESSAGE></CIM>");
	memset(out, 0, sizeof(*out));
	out->rr = (struct replicate_request) { .mode = -1, .wait_state = -1,
					       .throttle = -1 };
	ret = cimxml_parse_request(doc, len, &out->req, err, sizeof(err));
	free(doc);
	if (ret) {
		fprintf(stderr, "# parse: %s\n", err);
		return -EINVAL;
	}
	replargs_translate(out->req, !strcmp(method, "CreateListReplica"), HOST,
			   &out->rr, &out->o);
	if (out->o.rc)
		fprintf(stderr, "# %s: %u %s\n", method, out->o.rc,
			out->o.description);
	return 0;
}

static void outcome_free(struct outcome *out)
{
	cim_request_free(out->req);
	out->req = NULL;
}

#define LIST	"CreateListReplica"
#define ELEMENT	"CreateElementReplica"

/* The rc of a CreateListReplica with SyncType 8 and two sources plus @extra. */
static uint32_t list_rc(const char *extra, const char *extra2)
{
	char a[4096], b[160];
	struct outcome out;
	uint32_t rc;

	if (translate(&out, LIST, u16_param(b, sizeof(b), "SyncType", "8"),
		      vols_param(a, sizeof(a), "SourceElements", true, "db0,db1"),
		      extra ? extra : "", extra2 ? extra2 : "", NULL))
		return 9999;
	rc = out.o.rc;
	outcome_free(&out);
	return rc;
}

TEST(list_of_two_clones_into_the_default_pool)
{
	char a[8192], b[160], names[256];
	struct outcome out;

	snprintf(names, sizeof(names),
		 "<PARAMVALUE NAME=\"ElementNames\" PARAMTYPE=\"string\"><VALUE.ARRAY><VALUE>first</VALUE></VALUE.ARRAY></PARAMVALUE>");
	ASSERT_EQ(0, translate(&out, LIST, u16_param(b, sizeof(b), "SyncType", "8"),
			       vols_param(a, sizeof(a), "SourceElements", true, "db0,db1"),
			       names, NULL));
	EXPECT_EQ(0, out.o.rc);
	EXPECT_EQ(CIMREPL_SYNC_TYPE_CLONE, out.rr.sync_type);
	EXPECT_EQ(2, out.rr.n);
	EXPECT_STREQ("db0", out.rr.sources[0]);
	EXPECT_STREQ("db1", out.rr.sources[1]);
	EXPECT_EQ(NULL, out.rr.targets[0]);
	EXPECT_EQ(NULL, out.rr.targets[1]);
	/* one-to-one, system-supplied names past the end */
	EXPECT_STREQ("first", out.rr.names[0]);
	EXPECT_EQ(NULL, out.rr.names[1]);
	EXPECT_EQ(NULL, out.rr.pool);
	EXPECT_EQ(-1, out.rr.mode);
	EXPECT_EQ(-1, out.rr.wait_state);
	outcome_free(&out);
}

TEST(element_names_keep_their_order)
{
	char a[8192], b[160];
	struct outcome out;
	const char *names =
		"<PARAMVALUE NAME=\"ElementNames\" PARAMTYPE=\"string\"><VALUE.ARRAY>"
		"<VALUE>z</VALUE><VALUE>a</VALUE><VALUE>m</VALUE></VALUE.ARRAY></PARAMVALUE>";

	ASSERT_EQ(0, translate(&out, LIST, u16_param(b, sizeof(b), "SyncType", "7"),
			       vols_param(a, sizeof(a), "SourceElements", true, "v2,v0,v1"),
			       names, NULL));
	EXPECT_EQ(0, out.o.rc);
	EXPECT_EQ(CIMREPL_SYNC_TYPE_SNAPSHOT, out.rr.sync_type);
	ASSERT_EQ(3, out.rr.n);
	EXPECT_STREQ("v2", out.rr.sources[0]);
	EXPECT_STREQ("v0", out.rr.sources[1]);
	EXPECT_STREQ("v1", out.rr.sources[2]);
	EXPECT_STREQ("z", out.rr.names[0]);
	EXPECT_STREQ("a", out.rr.names[1]);
	EXPECT_STREQ("m", out.rr.names[2]);
	outcome_free(&out);
}

TEST(more_element_names_than_sources_is_invalid)
{
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER,
		  list_rc("<PARAMVALUE NAME=\"ElementNames\" PARAMTYPE=\"string\"><VALUE.ARRAY>"
			  "<VALUE>a</VALUE><VALUE>b</VALUE><VALUE>c</VALUE></VALUE.ARRAY></PARAMVALUE>",
			  NULL));
	/* the list form takes an array, the element form one string */
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER,
		  list_rc("<PARAMVALUE NAME=\"ElementNames\" PARAMTYPE=\"string\"><VALUE>a</VALUE></PARAMVALUE>",
			  NULL));
}

TEST(element_form_with_a_given_target_and_a_wait)
{
	char a[4096], t[4096], b[160], w[160];
	struct outcome out;

	ASSERT_EQ(0, translate(&out, ELEMENT, u16_param(b, sizeof(b), "SyncType", "8"),
			       vols_param(a, sizeof(a), "SourceElement", false, "db0"),
			       vols_param(t, sizeof(t), "TargetElement", false, "free0"),
			       u16_param(w, sizeof(w), "WaitForCopyState", "4"),
			       "<PARAMVALUE NAME=\"ElementName\" PARAMTYPE=\"string\"><VALUE>nightly</VALUE></PARAMVALUE>",
			       NULL));
	EXPECT_EQ(0, out.o.rc);
	EXPECT_EQ(1, out.rr.n);
	EXPECT_STREQ("db0", out.rr.sources[0]);
	EXPECT_STREQ("free0", out.rr.targets[0]);
	EXPECT_STREQ("nightly", out.rr.names[0]);
	EXPECT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED, out.rr.wait_state);
	outcome_free(&out);

	/* the element form's parameters are single references */
	ASSERT_EQ(0, translate(&out, ELEMENT, u16_param(b, sizeof(b), "SyncType", "8"),
			       vols_param(a, sizeof(a), "SourceElement", true, "db0"),
			       NULL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, out.o.rc);
	outcome_free(&out);
	/* and the list form's arrays */
	ASSERT_EQ(0, translate(&out, LIST, u16_param(b, sizeof(b), "SyncType", "8"),
			       vols_param(a, sizeof(a), "SourceElements", false, "db0"),
			       NULL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, out.o.rc);
	EXPECT_NE(NULL, strstr(out.o.description, "an array of references"));
	outcome_free(&out);
}

TEST(sync_types_map_to_return_codes)
{
	static const struct {
		const char *value;
		uint32_t rc;
		uint16_t sync_type;
	} cases[] = {
		{ "7", 0, CIMREPL_SYNC_TYPE_SNAPSHOT },
		{ "8", 0, CIMREPL_SYNC_TYPE_CLONE },
		{ "6", 0, CIMREPL_SYNC_TYPE_MIRROR },
		/* defined by the standard, not done here */
		{ "9", CIMREPL_RC_NOT_SUPPORTED, 0 },
		/* not defined by the standard, or not a uint16 */
		{ "5", CIMREPL_RC_INVALID_PARAMETER, 0 },
		{ "10", CIMREPL_RC_INVALID_PARAMETER, 0 },
		{ "70000", CIMREPL_RC_INVALID_PARAMETER, 0 },
		{ "clone", CIMREPL_RC_INVALID_PARAMETER, 0 },
	};
	char a[4096], b[160];
	struct outcome out;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_EQ(0, translate(&out, LIST,
				       u16_param(b, sizeof(b), "SyncType", cases[i].value),
				       vols_param(a, sizeof(a), "SourceElements", true, "db0"),
				       NULL));
		EXPECT_EQ(cases[i].rc, out.o.rc) TH_LOG("SyncType %s", cases[i].value);
		if (!cases[i].rc)
			EXPECT_EQ(cases[i].sync_type, out.rr.sync_type);
		outcome_free(&out);
	}
	/* SyncType is required */
	ASSERT_EQ(0, translate(&out, LIST,
			       vols_param(a, sizeof(a), "SourceElements", true, "db0"),
			       NULL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, out.o.rc);
	EXPECT_NE(NULL, strstr(out.o.description, "SyncType is required"));
	outcome_free(&out);
}

TEST(modes_of_the_standard_pass_to_the_request)
{
	static const struct {
		const char *value;
		uint32_t rc;
	} cases[] = {
		{ "2", 0 }, { "3", 0 }, { "4", 0 },
		{ "0", CIMREPL_RC_INVALID_PARAMETER },
		{ "1", CIMREPL_RC_INVALID_PARAMETER },
		{ "5", CIMREPL_RC_INVALID_PARAMETER },
		{ "sync", CIMREPL_RC_INVALID_PARAMETER },
	};
	char a[4096], b[160], m[160];
	struct outcome out;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_EQ(0, translate(&out, LIST,
				       u16_param(b, sizeof(b), "SyncType", "8"),
				       vols_param(a, sizeof(a), "SourceElements", true, "db0"),
				       u16_param(m, sizeof(m), "Mode", cases[i].value),
				       NULL));
		EXPECT_EQ(cases[i].rc, out.o.rc) TH_LOG("Mode %s", cases[i].value);
		/* what a Mode the engines lack gets is replicate_create_list's */
		if (!cases[i].rc)
			EXPECT_EQ(atoi(cases[i].value), out.rr.mode);
		outcome_free(&out);
	}
	/* an explicit NULL is "the implementation decides" */
	ASSERT_EQ(0, translate(&out, LIST, u16_param(b, sizeof(b), "SyncType", "8"),
			       vols_param(a, sizeof(a), "SourceElements", true, "db0"),
			       "<PARAMVALUE NAME=\"Mode\" PARAMTYPE=\"uint16\"/>", NULL));
	EXPECT_EQ(0, out.o.rc);
	EXPECT_EQ(-1, out.rr.mode);
	outcome_free(&out);
}

TEST(counts_of_sources_and_targets)
{
	char a[4096], t[8192], b[160], many[65 * 8];
	struct outcome out;
	size_t i;

	/* no sources */
	ASSERT_EQ(0, translate(&out, LIST, u16_param(b, sizeof(b), "SyncType", "8"),
			       NULL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, out.o.rc);
	EXPECT_NE(NULL, strstr(out.o.description, "at least one volume"));
	outcome_free(&out);
	/* an empty array is no sources either */
	ASSERT_EQ(0, translate(&out, LIST, u16_param(b, sizeof(b), "SyncType", "8"),
			       "<PARAMVALUE NAME=\"SourceElements\" PARAMTYPE=\"reference\"><VALUE.REFARRAY/></PARAMVALUE>",
			       NULL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, out.o.rc);
	outcome_free(&out);
	/* targets go one to one */
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER,
		  list_rc(vols_param(t, sizeof(t), "TargetElements", true, "t0"), NULL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER,
		  list_rc(vols_param(t, sizeof(t), "TargetElements", true, "t0,t1,t2"),
			  NULL));
	ASSERT_EQ(0, translate(&out, LIST, u16_param(b, sizeof(b), "SyncType", "8"),
			       vols_param(a, sizeof(a), "SourceElements", true, "db0,db1"),
			       vols_param(t, sizeof(t), "TargetElements", true, "t0,t1"),
			       NULL));
	EXPECT_EQ(0, out.o.rc);
	EXPECT_STREQ("t0", out.rr.targets[0]);
	EXPECT_STREQ("t1", out.rr.targets[1]);
	outcome_free(&out);
	/* more than a list holds */
	many[0] = '\0';
	for (i = 0; i <= REPLICATE_MAX; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
			 "%sv%zu", i ? "," : "", i);
	{
		char *big = malloc(REPLICATE_MAX * 1024 * 2);

		ASSERT_NE(NULL, big);
		ASSERT_EQ(0, translate(&out, LIST, u16_param(b, sizeof(b), "SyncType", "7"),
				       vols_param(big, REPLICATE_MAX * 1024 * 2,
						  "SourceElements", true, many),
				       NULL));
		free(big);
	}
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, out.o.rc);
	EXPECT_NE(NULL, strstr(out.o.description, "at most 64"));
	outcome_free(&out);
}

TEST(target_elements_exclude_pool_and_setting_goal)
{
	char t[8192];
	const char *pool =
		"<PARAMVALUE NAME=\"TargetPool\" PARAMTYPE=\"reference\"><VALUE.REFERENCE>"
		"<INSTANCENAME CLASSNAME=\"CIM_StoragePool\"><KEYBINDING NAME=\"InstanceID\">"
		"<KEYVALUE VALUETYPE=\"string\">cimrepl:pool:fast</KEYVALUE></KEYBINDING>"
		"</INSTANCENAME></VALUE.REFERENCE></PARAMVALUE>";
	const char *goal =
		"<PARAMVALUE NAME=\"TargetSettingGoal\" PARAMTYPE=\"reference\"><VALUE.REFERENCE>"
		"<INSTANCENAME CLASSNAME=\"CIM_StorageSetting\"><KEYBINDING NAME=\"InstanceID\">"
		"<KEYVALUE VALUETYPE=\"string\">x</KEYVALUE></KEYBINDING>"
		"</INSTANCENAME></VALUE.REFERENCE></PARAMVALUE>";
	struct outcome out;
	char a[4096], b[160];

	vols_param(t, sizeof(t), "TargetElements", true, "t0,t1");
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, list_rc(t, pool));
	/* the standard wants it NULL here: 5, not the 1 it gets alone */
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, list_rc(t, goal));
	EXPECT_EQ(CIMREPL_RC_NOT_SUPPORTED, list_rc(goal, NULL));
	/* a pool of ours, alone */
	ASSERT_EQ(0, translate(&out, LIST, u16_param(b, sizeof(b), "SyncType", "7"),
			       vols_param(a, sizeof(a), "SourceElements", true, "db0"),
			       pool, NULL));
	EXPECT_EQ(0, out.o.rc);
	EXPECT_STREQ("fast", out.rr.pool);
	outcome_free(&out);
}

TEST(references_to_what_is_not_here)
{
	char a[4096], t[4096], b[160];
	struct outcome out;

	/* a volume of another system */
	ASSERT_EQ(0, translate(&out, LIST, u16_param(b, sizeof(b), "SyncType", "8"),
			       "<PARAMVALUE NAME=\"SourceElements\" PARAMTYPE=\"reference\"><VALUE.REFARRAY>",
			       vol_ref(a, sizeof(a), "db0", "otherhost"),
			       "</VALUE.REFARRAY></PARAMVALUE>", NULL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, out.o.rc);
	EXPECT_NE(NULL, strstr(out.o.description, "SourceElements[0]"));
	outcome_free(&out);
	/* the second target is a pool, not a volume */
	ASSERT_EQ(0, translate(&out, LIST, u16_param(b, sizeof(b), "SyncType", "8"),
			       vols_param(a, sizeof(a), "SourceElements", true, "db0,db1"),
			       "<PARAMVALUE NAME=\"TargetElements\" PARAMTYPE=\"reference\"><VALUE.REFARRAY>",
			       vol_ref(t, sizeof(t), "t0", HOST),
			       "<VALUE.REFERENCE><INSTANCENAME CLASSNAME=\"CIM_StoragePool\">"
			       "<KEYBINDING NAME=\"InstanceID\"><KEYVALUE VALUETYPE=\"string\">cimrepl:pool:default</KEYVALUE></KEYBINDING>"
			       "</INSTANCENAME></VALUE.REFERENCE></VALUE.REFARRAY></PARAMVALUE>",
			       NULL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, out.o.rc);
	EXPECT_NE(NULL, strstr(out.o.description, "TargetElements[1]"));
	outcome_free(&out);
	/* a key a volume does not have */
	ASSERT_EQ(0, translate(&out, ELEMENT, u16_param(b, sizeof(b), "SyncType", "7"),
			       "<PARAMVALUE NAME=\"SourceElement\" PARAMTYPE=\"reference\"><VALUE.REFERENCE>"
			       "<INSTANCENAME CLASSNAME=\"CIM_StorageVolume\">"
			       "<KEYBINDING NAME=\"DeviceID\"><KEYVALUE VALUETYPE=\"string\">db0</KEYVALUE></KEYBINDING>"
			       "<KEYBINDING NAME=\"Color\"><KEYVALUE VALUETYPE=\"string\">blue</KEYVALUE></KEYBINDING>"
			       "</INSTANCENAME></VALUE.REFERENCE></PARAMVALUE>", NULL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, out.o.rc);
	EXPECT_NE(NULL, strstr(out.o.description, "no key Color"));
	outcome_free(&out);
	/* a pool not of this daemon */
	ASSERT_EQ(0, translate(&out, LIST, u16_param(b, sizeof(b), "SyncType", "7"),
			       vols_param(a, sizeof(a), "SourceElements", true, "db0"),
			       "<PARAMVALUE NAME=\"TargetPool\" PARAMTYPE=\"reference\"><VALUE.REFERENCE>"
			       "<INSTANCENAME CLASSNAME=\"CIM_StoragePool\"><KEYBINDING NAME=\"InstanceID\">"
			       "<KEYVALUE VALUETYPE=\"string\">LSI:pool0</KEYVALUE></KEYBINDING>"
			       "</INSTANCENAME></VALUE.REFERENCE></PARAMVALUE>", NULL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, out.o.rc);
	EXPECT_NE(NULL, strstr(out.o.description, "TargetPool"));
	outcome_free(&out);
	/* a string where a reference goes */
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER,
		  list_rc("<PARAMVALUE NAME=\"TargetElements\" PARAMTYPE=\"string\"><VALUE.ARRAY>"
			  "<VALUE>t0</VALUE><VALUE>t1</VALUE></VALUE.ARRAY></PARAMVALUE>", NULL));
}

TEST(remote_access_points_are_not_supported)
{
	const char *ap =
		"<VALUE.REFERENCE><INSTANCENAME CLASSNAME=\"CIM_ServiceAccessPoint\">"
		"<KEYBINDING NAME=\"Name\"><KEYVALUE VALUETYPE=\"string\">far</KEYVALUE></KEYBINDING>"
		"</INSTANCENAME></VALUE.REFERENCE></PARAMVALUE>";
	char p[1024];

	snprintf(p, sizeof(p), "<PARAMVALUE NAME=\"SourceAccessPoint\" PARAMTYPE=\"reference\">%s", ap);
	EXPECT_EQ(CIMREPL_RC_NOT_SUPPORTED, list_rc(p, NULL));
	snprintf(p, sizeof(p), "<PARAMVALUE NAME=\"TargetAccessPoint\" PARAMTYPE=\"reference\">%s", ap);
	EXPECT_EQ(CIMREPL_RC_NOT_SUPPORTED, list_rc(p, NULL));
	/* NULL is local */
	EXPECT_EQ(0, list_rc("<PARAMVALUE NAME=\"TargetAccessPoint\" PARAMTYPE=\"reference\"/>",
			     NULL));
}

TEST(wait_for_copy_state_and_consistency)
{
	char w[160];

	EXPECT_EQ(0, list_rc(u16_param(w, sizeof(w), "WaitForCopyState", "4"), NULL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER,
		  list_rc(u16_param(w, sizeof(w), "WaitForCopyState", "soon"), NULL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER,
		  list_rc("<PARAMVALUE NAME=\"WaitForCopyState\" PARAMTYPE=\"uint16\"><VALUE.ARRAY>"
			  "<VALUE>4</VALUE></VALUE.ARRAY></PARAMVALUE>", NULL));
	EXPECT_EQ(0, list_rc(u16_param(w, sizeof(w), "Consistency", "2"), NULL));
	EXPECT_EQ(0, list_rc(u16_param(w, sizeof(w), "Consistency", "3"), NULL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER,
		  list_rc(u16_param(w, sizeof(w), "Consistency", "7"), NULL));
}

TEST(the_first_reason_stands)
{
	char a[4096], b[160], m[160];
	struct outcome out;

	ASSERT_EQ(0, translate(&out, LIST, u16_param(b, sizeof(b), "SyncType", "9"),
			       vols_param(a, sizeof(a), "SourceElements", true, "db0"),
			       u16_param(m, sizeof(m), "Mode", "99"), NULL));
	EXPECT_EQ(CIMREPL_RC_NOT_SUPPORTED, out.o.rc);
	EXPECT_NE(NULL, strstr(out.o.description, "SyncType 9"));
	outcome_free(&out);
}

/* The rc of a two-source clone list with setting data of @props. */
static uint32_t settings_rc(const char *cls, const char *props,
			    const char *extra)
{
	char rsd[4096];

	return list_rc(rsd_param(rsd, sizeof(rsd), cls, props), extra);
}

TEST(replication_setting_data_is_honored_or_refused)
{
	char p[512], p2[512], both[1024], t[8192];

	/* what the engines do */
	EXPECT_EQ(0, settings_rc("CIM_ReplicationSettingData", "", NULL));
	EXPECT_EQ(0, settings_rc("CIM_ReplicationSettingData",
				 rsd_prop(p, sizeof(p), "DesiredCopyMethodology", "uint16", "3"),
				 NULL));
	EXPECT_EQ(0, settings_rc("CIM_ReplicationSettingData",
				 rsd_prop(p, sizeof(p), "ReadOnly", "boolean", "false"),
				 NULL));
	EXPECT_EQ(0, settings_rc("CIM_ReplicationSettingData",
				 rsd_prop(p, sizeof(p), "TargetElementSupplier", "uint16", "2"),
				 NULL));
	/* a clone is a full copy, not copy-on-write */
	EXPECT_EQ(CIMREPL_RC_NOT_SUPPORTED,
		  settings_rc("CIM_ReplicationSettingData",
			      rsd_prop(p, sizeof(p), "DesiredCopyMethodology", "uint16", "6"),
			      NULL));
	EXPECT_EQ(CIMREPL_RC_NOT_SUPPORTED,
		  settings_rc("CIM_ReplicationSettingData",
			      rsd_prop(p, sizeof(p), "ReadOnly", "boolean", "true"), NULL));
	EXPECT_EQ(CIMREPL_RC_NOT_SUPPORTED,
		  settings_rc("CIM_ReplicationSettingData",
			      rsd_prop(p, sizeof(p), "DeltaUpdateInterval", "uint64", "60"),
			      NULL));
	EXPECT_EQ(CIMREPL_RC_NOT_SUPPORTED,
		  settings_rc("CIM_ReplicationSettingData",
			      rsd_prop(p, sizeof(p), "OnGroupOrListError", "uint16", "2"),
			      NULL));
	/* not a value, not the class, not an instance */
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER,
		  settings_rc("CIM_ReplicationSettingData",
			      rsd_prop(p, sizeof(p), "CopyPriority", "uint16", "high"),
			      NULL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER,
		  settings_rc("CIM_StorageSetting", "", NULL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER,
		  list_rc("<PARAMVALUE NAME=\"ReplicationSettingData\" PARAMTYPE=\"string\">"
			  "<VALUE>&lt;INSTANCE</VALUE></PARAMVALUE>", NULL));
	/* TargetElementSupplier against TargetElements */
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER,
		  settings_rc("CIM_ReplicationSettingData",
			      rsd_prop(p, sizeof(p), "TargetElementSupplier", "uint16", "5"),
			      NULL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER,
		  settings_rc("CIM_ReplicationSettingData",
			      rsd_prop(p, sizeof(p), "TargetElementSupplier", "uint16", "1"),
			      NULL));
	vols_param(t, sizeof(t), "TargetElements", true, "t0,t1");
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER,
		  settings_rc("CIM_ReplicationSettingData",
			      rsd_prop(p, sizeof(p), "TargetElementSupplier", "uint16", "2"),
			      t));
	EXPECT_EQ(0, settings_rc("CIM_ReplicationSettingData",
				 rsd_prop(p, sizeof(p), "TargetElementSupplier", "uint16", "1"),
				 t));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER,
		  settings_rc("CIM_ReplicationSettingData",
			      rsd_prop(p, sizeof(p), "TargetElementSupplier", "uint16", "9"),
			      NULL));
	/* several properties, one refused */
	snprintf(both, sizeof(both), "%s%s",
		 rsd_prop(p, sizeof(p), "CopyPriority", "uint16", "2"),
		 rsd_prop(p2, sizeof(p2), "AutoDelete", "boolean", "true"));
	EXPECT_EQ(CIMREPL_RC_NOT_SUPPORTED,
		  settings_rc("CIM_ReplicationSettingData", both, NULL));
}

TEST(snapshot_settings_are_copy_on_write)
{
	char a[4096], b[160], rsd[2048], p[512];
	struct outcome out;

	ASSERT_EQ(0, translate(&out, LIST, u16_param(b, sizeof(b), "SyncType", "7"),
			       vols_param(a, sizeof(a), "SourceElements", true, "db0"),
			       rsd_param(rsd, sizeof(rsd), "CIM_ReplicationSettingData",
					 rsd_prop(p, sizeof(p), "DesiredCopyMethodology",
						  "uint16", "6")), NULL));
	EXPECT_EQ(0, out.o.rc);
	outcome_free(&out);
	ASSERT_EQ(0, translate(&out, LIST, u16_param(b, sizeof(b), "SyncType", "7"),
			       vols_param(a, sizeof(a), "SourceElements", true, "db0"),
			       rsd_param(rsd, sizeof(rsd), "CIM_ReplicationSettingData",
					 rsd_prop(p, sizeof(p), "DesiredCopyMethodology",
						  "uint16", "3")), NULL));
	EXPECT_EQ(CIMREPL_RC_NOT_SUPPORTED, out.o.rc);
	outcome_free(&out);
}

TEST(later_failures_map_errno_to_return_codes)
{
	EXPECT_EQ(CIMREPL_RC_IN_USE, replargs_rc_of_errno(-EBUSY));
	EXPECT_EQ(CIMREPL_RC_FAILED, replargs_rc_of_errno(-EIO));
	EXPECT_EQ(CIMREPL_RC_FAILED, replargs_rc_of_errno(-ENOSPC));
	EXPECT_EQ(CIMREPL_RC_FAILED, replargs_rc_of_errno(-ENOMEM));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, replargs_rc_of_errno(-EINVAL));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, replargs_rc_of_errno(-ENOENT));
	EXPECT_EQ(CIMREPL_RC_NOT_SUPPORTED, replargs_rc_of_errno(-EOPNOTSUPP));
}

TEST_HARNESS_MAIN
