// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the CIM object model (ctl/cim.c) and the CIM-XML codec
 * (ctl/cimxml.c), run under ASan/UBSan by `make check`: typed reads, dates,
 * builders, requests captured from wbemcli (sblim-wbemcli 1.6.3) and
 * written after pywbem and OpenPegasus clients (tests/unit/fixtures/cimxml),
 * every response kind, round trips, and malformed or hostile documents.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "cimxml.h"
#include "kselftest_harness.h"

/* A fixture from tests/unit/fixtures/cimxml/, read whole; NULL if absent. */
static char *load_fixture(const char *name, size_t *len)
{
	char exe[PATH_MAX], path[PATH_MAX + 64];
	char *buf = NULL;
	ssize_t l;
	long size;
	FILE *f;

	l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (l < 0)
		return NULL;
	exe[l] = '\0';
	snprintf(path, sizeof(path), "%s/fixtures/cimxml/%s", dirname(exe), name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)size + 1);
		if (buf && fread(buf, 1, (size_t)size, f) == (size_t)size) {
			buf[size] = '\0';
			*len = (size_t)size;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

/* Parse fixture @name; the request, or NULL with the error logged. */
static struct cim_request *parse_fixture(const char *name)
{
	struct cim_request *req = NULL;
	char err[256];
	size_t len;
	char *buf = load_fixture(name, &len);
	int status;

	if (!buf) {
		fprintf(stderr, "# fixture %s missing\n", name);
		return NULL;
	}
	status = cimxml_parse_request(buf, len, &req, err, sizeof(err));
	if (status != CIM_ERR_OK)
		fprintf(stderr, "# %s: status %d: %s\n", name, status, err);
	free(buf);
	return req;
}

/* Parse @doc as a request; returns the status, frees any request. */
static int parse_status(const char *doc, char *err, size_t errlen)
{
	struct cim_request *req = NULL;
	int status;

	status = cimxml_parse_request(doc, strlen(doc), &req, err, errlen);
	if (status == CIM_ERR_OK && !req)
		return -1;
	if (status != CIM_ERR_OK && req)
		return -2;
	cim_request_free(req);
	return status;
}

/* Whether @doc is well-formed XML to libxml2 (networking and entities off). */
static bool well_formed(const char *doc)
{
	xmlDoc *d = xmlReadMemory(doc, (int)strlen(doc), NULL, NULL,
				  XML_PARSE_NONET | XML_PARSE_NOERROR |
				  XML_PARSE_NOWARNING);

	xmlFreeDoc(d);
	return d != NULL;
}

#define HEAD "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n" \
	"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">"

/* A request around @call (an IMETHODCALL or METHODCALL element). */
static char *request(const char *call)
{
	static const char head[] = HEAD
		"<MESSAGE ID=\"77\" PROTOCOLVERSION=\"1.0\"><SIMPLEREQ>";
	static const char tail[] = "</SIMPLEREQ></MESSAGE></CIM>";
	char *doc = malloc(sizeof(head) + strlen(call) + sizeof(tail));

	if (doc) {
		strcpy(doc, head);
		strcat(doc, call);
		strcat(doc, tail);
	}
	return doc;
}

#define SERVICE_PATH "<LOCALCLASSPATH><LOCALNAMESPACEPATH>" \
	"<NAMESPACE NAME=\"root\"/><NAMESPACE NAME=\"cimv2\"/>" \
	"</LOCALNAMESPACEPATH><CLASSNAME NAME=\"CIM_ReplicationService\"/>" \
	"</LOCALCLASSPATH>"

/* The status of a METHODCALL of M on the service with @params. */
static int method_status(const char *params, char *err, size_t errlen)
{
	char *call, *doc;
	int status;

	if (asprintf(&call, "<METHODCALL NAME=\"M\">" SERVICE_PATH "%s</METHODCALL>",
		     params) < 0)
		return -3;
	doc = request(call);
	free(call);
	if (!doc)
		return -3;
	status = parse_status(doc, err, errlen);
	free(doc);
	return status;
}

/* Object model */

TEST(type_names_round_trip_and_parse_case_insensitively)
{
	enum cim_type t;

	for (t = CIM_TYPE_STRING; t <= CIM_TYPE_REFERENCE; t++) {
		ASSERT_NE(NULL, cim_type_name(t));
		EXPECT_EQ(t, cim_type_parse(cim_type_name(t)));
	}
	EXPECT_EQ(NULL, cim_type_name(CIM_TYPE_NONE));
	EXPECT_EQ(CIM_TYPE_UINT16, cim_type_parse("UInt16"));
	EXPECT_EQ(CIM_TYPE_DATETIME, cim_type_parse("DATETIME"));
	EXPECT_EQ(CIM_TYPE_NONE, cim_type_parse("uint128"));
	EXPECT_EQ(CIM_TYPE_NONE, cim_type_parse(""));
	EXPECT_EQ(CIM_TYPE_NONE, cim_type_parse(NULL));
	EXPECT_STREQ("CIM_ERR_NOT_FOUND", cim_status_name(CIM_ERR_NOT_FOUND));
	EXPECT_EQ(NULL, cim_status_name(18));
	EXPECT_EQ(NULL, cim_status_name(-1));
}

TEST(typed_reads_are_strict_about_text_and_range)
{
	static const char *const texts[] = {
		"7", "0x1F", "-1", " 7", "7x", "", "65536", "18446744073709551615",
		"18446744073709551616", "TRUE", "false", "yes", "-9223372036854775808",
	};
	struct cim_value v;
	uint64_t u = 0;
	int64_t s = 0;
	bool b = false;
	size_t i;

	cim_value_set_array(&v, CIM_TYPE_NONE);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		ASSERT_TRUE(cim_value_append(&v, texts[i]));
	ASSERT_TRUE(cim_value_append(&v, NULL));

	EXPECT_TRUE(cim_value_get_u64(&v, 0, UINT16_MAX, &u));
	EXPECT_EQ(7, u);
	EXPECT_TRUE(cim_value_get_u64(&v, 1, UINT16_MAX, &u));
	EXPECT_EQ(31, u);
	EXPECT_FALSE(cim_value_get_u64(&v, 2, UINT16_MAX, &u));
	EXPECT_FALSE(cim_value_get_u64(&v, 3, UINT16_MAX, &u));
	EXPECT_FALSE(cim_value_get_u64(&v, 4, UINT16_MAX, &u));
	EXPECT_FALSE(cim_value_get_u64(&v, 5, UINT16_MAX, &u));
	EXPECT_FALSE(cim_value_get_u64(&v, 6, UINT16_MAX, &u));
	EXPECT_TRUE(cim_value_get_u64(&v, 7, UINT64_MAX, &u));
	EXPECT_EQ(UINT64_MAX, u);
	EXPECT_FALSE(cim_value_get_u64(&v, 8, UINT64_MAX, &u));
	EXPECT_TRUE(cim_value_get_s64(&v, 2, -1, 1, &s));
	EXPECT_EQ(-1, s);
	EXPECT_FALSE(cim_value_get_s64(&v, 2, 0, 1, &s));
	EXPECT_TRUE(cim_value_get_s64(&v, 12, INT64_MIN, INT64_MAX, &s));
	EXPECT_EQ(INT64_MIN, s);
	EXPECT_FALSE(cim_value_get_s64(&v, 7, INT64_MIN, INT64_MAX, &s));
	EXPECT_TRUE(cim_value_get_bool(&v, 9, &b));
	EXPECT_TRUE(b);
	EXPECT_TRUE(cim_value_get_bool(&v, 10, &b));
	EXPECT_FALSE(b);
	EXPECT_FALSE(cim_value_get_bool(&v, 11, &b));
	/* The NULL element, and past the end. */
	EXPECT_FALSE(cim_value_get_u64(&v, 13, UINT64_MAX, &u));
	EXPECT_EQ(NULL, cim_value_get_string(&v, 13));
	EXPECT_EQ(NULL, cim_value_get_string(&v, 14));
	EXPECT_STREQ("yes", cim_value_get_string(&v, 11));
	EXPECT_EQ(NULL, cim_value_get_ref(&v, 0));
	cim_value_free(&v);

	/* A NULL scalar reads as nothing. */
	ASSERT_TRUE(cim_value_set(&v, CIM_TYPE_UINT16, NULL));
	EXPECT_TRUE(v.is_null);
	EXPECT_FALSE(cim_value_get_u64(&v, 0, UINT64_MAX, &u));
	EXPECT_EQ(NULL, cim_value_get_string(&v, 0));
	cim_value_free(&v);
}

TEST(literals_are_checked_against_their_type)
{
	EXPECT_TRUE(cim_text_is_valid(CIM_TYPE_UINT8, "255"));
	EXPECT_FALSE(cim_text_is_valid(CIM_TYPE_UINT8, "256"));
	EXPECT_TRUE(cim_text_is_valid(CIM_TYPE_SINT8, "-128"));
	EXPECT_FALSE(cim_text_is_valid(CIM_TYPE_SINT8, "-129"));
	EXPECT_TRUE(cim_text_is_valid(CIM_TYPE_SINT32, "+5"));
	EXPECT_FALSE(cim_text_is_valid(CIM_TYPE_UINT32, "4294967296"));
	EXPECT_TRUE(cim_text_is_valid(CIM_TYPE_REAL64, "-1.5e3"));
	EXPECT_FALSE(cim_text_is_valid(CIM_TYPE_REAL64, "nan"));
	EXPECT_FALSE(cim_text_is_valid(CIM_TYPE_REAL32, "1.0 "));
	EXPECT_TRUE(cim_text_is_valid(CIM_TYPE_BOOLEAN, "True"));
	EXPECT_FALSE(cim_text_is_valid(CIM_TYPE_BOOLEAN, "1"));
	EXPECT_TRUE(cim_text_is_valid(CIM_TYPE_CHAR16, "\xc3\xa9"));
	EXPECT_FALSE(cim_text_is_valid(CIM_TYPE_CHAR16, "ab"));
	EXPECT_TRUE(cim_text_is_valid(CIM_TYPE_DATETIME,
				      "20261125153000.123456+060"));
	EXPECT_TRUE(cim_text_is_valid(CIM_TYPE_DATETIME,
				      "2026112515****.******+000"));
	EXPECT_TRUE(cim_text_is_valid(CIM_TYPE_DATETIME,
				      "00000001020304.000000:000"));
	EXPECT_FALSE(cim_text_is_valid(CIM_TYPE_DATETIME, "2026-11-25"));
	EXPECT_TRUE(cim_text_is_valid(CIM_TYPE_STRING, ""));
	EXPECT_FALSE(cim_text_is_valid(CIM_TYPE_REFERENCE, "x"));
	EXPECT_FALSE(cim_text_is_valid(CIM_TYPE_STRING, NULL));
}

TEST(datetimes_and_intervals_format_as_dsp0004_says)
{
	char buf[CIM_DATETIME_LEN + 1];
	uint64_t ns = 0;

	ASSERT_TRUE(cim_datetime_format(0, buf));
	EXPECT_STREQ("19700101000000.000000+000", buf);
	ASSERT_TRUE(cim_datetime_format(1795620600123456789LL, buf));
	EXPECT_STREQ("20261125153000.123456+000", buf);
	ASSERT_TRUE(cim_datetime_format(-1, buf));
	EXPECT_STREQ("19691231235959.999999+000", buf);
	EXPECT_FALSE(cim_datetime_format(INT64_MAX, buf) &&
		     strlen(buf) != CIM_DATETIME_LEN);

	cim_interval_format(0, buf);
	EXPECT_STREQ("00000000000000.000000:000", buf);
	cim_interval_format(((86400ULL + 3600 * 2 + 60 * 3 + 4) * 1000000 + 5) *
			    1000, buf);
	EXPECT_STREQ("00000001020304.000005:000", buf);
	ASSERT_TRUE(cim_interval_parse(buf, &ns));
	EXPECT_EQ(((86400ULL + 3600 * 2 + 60 * 3 + 4) * 1000000 + 5) * 1000, ns);
	cim_interval_format(UINT64_MAX, buf);
	EXPECT_EQ(CIM_DATETIME_LEN, strlen(buf));
	ASSERT_TRUE(cim_interval_parse(buf, &ns));
	EXPECT_FALSE(cim_interval_parse("00000001240000.000000:000", &ns));
	EXPECT_FALSE(cim_interval_parse("0000000102030*.000000:000", &ns));
	EXPECT_FALSE(cim_interval_parse("20261125153000.123456+000", &ns));
}

TEST(builders_copies_and_frees_hold_together)
{
	struct cim_path vol, pool, copy;
	struct cim_instance *inst;
	struct cim_value refs, dup;

	ASSERT_TRUE(cim_path_init(&vol, "host1", "root/cimv2", "CIM_StorageVolume"));
	ASSERT_TRUE(cim_path_add_key(&vol, "DeviceID", CIM_TYPE_STRING, "db0"));
	ASSERT_TRUE(cim_path_init(&pool, NULL, NULL, "CIM_StoragePool"));
	ASSERT_TRUE(cim_path_add_key(&pool, "InstanceID", CIM_TYPE_STRING, "p"));
	ASSERT_TRUE(cim_path_add_ref_key(&vol, "Pool", &pool));
	ASSERT_TRUE(cim_path_copy(&copy, &vol));
	EXPECT_STREQ("db0", cim_path_key(&copy, "deviceid"));
	EXPECT_EQ(NULL, cim_path_key(&copy, "Pool"));
	ASSERT_NE(NULL, copy.keys[1].ref);
	EXPECT_STREQ("p", cim_path_key(copy.keys[1].ref, "InstanceID"));

	cim_value_set_array(&refs, CIM_TYPE_REFERENCE);
	ASSERT_TRUE(cim_value_append_ref(&refs, &vol));
	ASSERT_TRUE(cim_value_append_ref(&refs, &pool));
	ASSERT_TRUE(cim_value_copy(&dup, &refs));
	EXPECT_EQ(2, dup.n);
	EXPECT_STREQ("CIM_StoragePool", cim_value_get_ref(&dup, 1)->classname);
	EXPECT_EQ(NULL, cim_value_get_ref(&dup, 2));

	inst = cim_instance_new("CIM_StorageVolume");
	ASSERT_NE(NULL, inst);
	ASSERT_TRUE(cim_instance_set_prop(inst, "BlockSize", CIM_TYPE_UINT64, "512"));
	ASSERT_TRUE(cim_value_copy(cim_instance_add_prop(inst, "Refs"), &refs));
	EXPECT_STREQ("512", cim_value_get_string(&cim_instance_prop(inst, "blocksize")->value, 0));
	EXPECT_EQ(NULL, cim_instance_prop(inst, "Missing"));

	cim_instance_free(inst);
	cim_value_free(&dup);
	cim_value_free(&refs);
	cim_path_free(&copy);
	cim_path_free(&pool);
	cim_path_free(&vol);
}

/* Requests from real clients */

TEST(wbemcli_enumerate_instance_names)
{
	struct cim_request *req = parse_fixture("wbemcli-enumerate-instance-names.xml");
	const struct cim_param *p;

	ASSERT_NE(NULL, req);
	EXPECT_TRUE(req->intrinsic);
	EXPECT_STREQ("4711", req->message_id);
	EXPECT_STREQ("EnumerateInstanceNames", req->method);
	EXPECT_STREQ("root/cimv2", req->namespace);
	p = cim_request_param(req, "classname");
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, cim_value_get_ref(&p->value, 0));
	EXPECT_STREQ("CIM_StorageVolume", cim_value_get_ref(&p->value, 0)->classname);
	EXPECT_EQ(0, cim_value_get_ref(&p->value, 0)->n_keys);
	cim_request_free(req);
}

TEST(wbemcli_get_instance_with_instancename)
{
	struct cim_request *req = parse_fixture("wbemcli-get-instance.xml");
	const struct cim_path *path;
	bool b = true;

	ASSERT_NE(NULL, req);
	EXPECT_STREQ("GetInstance", req->method);
	ASSERT_TRUE(cim_value_get_bool(&cim_request_param(req, "LocalOnly")->value, 0, &b));
	EXPECT_FALSE(b);
	path = cim_value_get_ref(&cim_request_param(req, "InstanceName")->value, 0);
	ASSERT_NE(NULL, path);
	EXPECT_STREQ("CIM_StorageVolume", path->classname);
	EXPECT_EQ(4, path->n_keys);
	EXPECT_STREQ("db0", cim_path_key(path, "DeviceID"));
	EXPECT_STREQ("host1", cim_path_key(path, "SystemName"));
	EXPECT_EQ(CIM_TYPE_STRING, path->keys[0].type);
	EXPECT_EQ(NULL, path->namespace);
	cim_request_free(req);
}

TEST(wbemcli_and_pywbem_get_class_with_include_qualifiers)
{
	struct cim_request *req = parse_fixture("wbemcli-get-class.xml");
	const struct cim_param *p;
	bool b = false;

	ASSERT_NE(NULL, req);
	EXPECT_STREQ("GetClass", req->method);
	ASSERT_TRUE(cim_value_get_bool(&cim_request_param(req, "IncludeQualifiers")->value, 0, &b));
	EXPECT_TRUE(b);
	EXPECT_STREQ("CIM_ReplicationService",
		     cim_value_get_ref(&cim_request_param(req, "ClassName")->value, 0)->classname);
	cim_request_free(req);

	req = parse_fixture("pywbem-get-class.xml");
	ASSERT_NE(NULL, req);
	p = cim_request_param(req, "PropertyList");
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(p->value.is_array);
	EXPECT_EQ(2, p->value.n);
	EXPECT_STREQ("ElementName", cim_value_get_string(&p->value, 1));
	cim_request_free(req);
}

TEST(wbemcli_enumerate_instances_and_associators)
{
	struct cim_request *req = parse_fixture("wbemcli-enumerate-instances.xml");

	ASSERT_NE(NULL, req);
	EXPECT_STREQ("EnumerateInstances", req->method);
	EXPECT_EQ(5, req->n_params);
	cim_request_free(req);
	req = parse_fixture("wbemcli-associators.xml");
	ASSERT_NE(NULL, req);
	EXPECT_STREQ("Associators", req->method);
	EXPECT_STREQ("CIM_StorageSynchronized",
		     cim_value_get_ref(&cim_request_param(req, "AssocClass")->value, 0)->classname);
	EXPECT_STREQ("db0", cim_path_key(cim_value_get_ref(&cim_request_param(req, "ObjectName")->value, 0), "DeviceID"));
	cim_request_free(req);
}

TEST(wbemcli_association_filters_and_property_list)
{
	struct cim_request *req = parse_fixture("wbemcli-associator-names-filters.xml");
	const struct cim_param *p;

	ASSERT_NE(NULL, req);
	EXPECT_STREQ("AssociatorNames", req->method);
	EXPECT_STREQ("root/cimv2", req->namespace);
	EXPECT_STREQ("CIM_StorageSynchronized",
		     cim_value_get_ref(&cim_request_param(req, "AssocClass")->value, 0)->classname);
	EXPECT_STREQ("CIM_StorageVolume",
		     cim_value_get_ref(&cim_request_param(req, "ResultClass")->value, 0)->classname);
	EXPECT_STREQ("SystemElement",
		     cim_value_get_string(&cim_request_param(req, "Role")->value, 0));
	EXPECT_STREQ("SyncedElement",
		     cim_value_get_string(&cim_request_param(req, "ResultRole")->value, 0));
	EXPECT_EQ(4, cim_value_get_ref(&cim_request_param(req, "ObjectName")->value, 0)->n_keys);
	cim_request_free(req);

	req = parse_fixture("wbemcli-references-interop.xml");
	ASSERT_NE(NULL, req);
	EXPECT_STREQ("References", req->method);
	EXPECT_STREQ("interop", req->namespace);
	EXPECT_STREQ("cimrepl:SNIA:Replication Services:1.6.0",
		     cim_path_key(cim_value_get_ref(&cim_request_param(req, "ObjectName")->value, 0),
				  "InstanceID"));
	p = cim_request_param(req, "PropertyList");
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(p->value.is_array);
	ASSERT_EQ(1, p->value.n);
	EXPECT_STREQ("RegisteredName", cim_value_get_string(&p->value, 0));
	EXPECT_STREQ("ConformantStandard",
		     cim_value_get_string(&cim_request_param(req, "Role")->value, 0));
	cim_request_free(req);
}

/* What every CreateListReplica fixture must carry. */
static void check_replication_setting(struct __test_metadata *_metadata,
				      const struct cim_param *rsd,
				      bool expect_copy_methodology)
{
	struct cim_instance *inst = NULL;
	char err[256];
	uint64_t u = 0;
	bool b = false;

	ASSERT_NE(NULL, rsd);
	ASSERT_NE(NULL, cim_value_get_string(&rsd->value, 0));
	ASSERT_EQ(CIM_ERR_OK, cimxml_parse_instance(cim_value_get_string(&rsd->value, 0),
						    &inst, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_STREQ("CIM_ReplicationSettingData", inst->classname);
	ASSERT_TRUE(cim_value_get_bool(&cim_instance_prop(inst, "ConsistentPointInTime")->value, 0, &b));
	EXPECT_TRUE(b);
	if (expect_copy_methodology) {
		ASSERT_TRUE(cim_value_get_u64(&cim_instance_prop(inst, "DesiredCopyMethodology")->value,
					      0, UINT16_MAX, &u));
		EXPECT_EQ(6, u);
	}
	cim_instance_free(inst);
}

TEST(wbemcli_create_list_replica_with_instancepath_refarray)
{
	static const char *const files[] = {
		"wbemcli-create-list-replica.xml",
		"wbemcli-create-list-replica-unescaped.xml",
	};
	size_t f;

	for (f = 0; f < 2; f++) {
		struct cim_request *req = parse_fixture(files[f]);
		const struct cim_path *src;
		const struct cim_param *p;
		uint64_t u = 0;

		ASSERT_NE(NULL, req);
		EXPECT_FALSE(req->intrinsic);
		EXPECT_STREQ("CreateListReplica", req->method);
		EXPECT_STREQ("root/cimv2", req->namespace);
		ASSERT_NE(NULL, req->target);
		EXPECT_STREQ("CIM_ReplicationService", req->target->classname);
		EXPECT_STREQ("svc", cim_path_key(req->target, "Name"));
		ASSERT_TRUE(cim_value_get_u64(&cim_request_param(req, "SyncType")->value, 0,
					      UINT16_MAX, &u));
		EXPECT_EQ(7, u);
		p = cim_request_param(req, "ElementNames");
		EXPECT_TRUE(p->value.is_array);
		EXPECT_STREQ("db1-snap", cim_value_get_string(&p->value, 1));
		p = cim_request_param(req, "SourceElements");
		ASSERT_NE(NULL, p);
		EXPECT_EQ(CIM_TYPE_REFERENCE, p->value.type);
		EXPECT_TRUE(p->value.is_array);
		ASSERT_EQ(2, p->value.n);
		src = cim_value_get_ref(&p->value, 1);
		EXPECT_STREQ("localhost", src->host);
		EXPECT_STREQ("root/cimv2", src->namespace);
		EXPECT_STREQ("db1", cim_path_key(src, "DeviceID"));
		EXPECT_STREQ("snaps", cim_path_key(cim_value_get_ref(&cim_request_param(req, "TargetPool")->value, 0), "InstanceID"));
		check_replication_setting(_metadata,
					  cim_request_param(req, "ReplicationSettingData"),
					  f == 0);
		cim_request_free(req);
	}
}

TEST(pywbem_create_list_replica_with_paramtypes_and_embedded_object)
{
	struct cim_request *req = parse_fixture("pywbem-create-list-replica.xml");
	const struct cim_param *p;

	ASSERT_NE(NULL, req);
	EXPECT_STREQ("1001", req->message_id);
	p = cim_request_param(req, "SyncType");
	EXPECT_EQ(CIM_TYPE_UINT16, p->value.type);
	p = cim_request_param(req, "ElementNames");
	EXPECT_EQ(2, p->value.n);
	EXPECT_EQ(NULL, cim_value_get_string(&p->value, 1));
	p = cim_request_param(req, "SourceElements");
	ASSERT_EQ(2, p->value.n);
	EXPECT_STREQ("root/cimv2", cim_value_get_ref(&p->value, 0)->namespace);
	EXPECT_EQ(NULL, cim_value_get_ref(&p->value, 0)->host);
	EXPECT_EQ(NULL, cim_value_get_ref(&p->value, 1)->namespace);
	p = cim_request_param(req, "TargetElements");
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(p->value.is_null);
	EXPECT_EQ(CIM_TYPE_REFERENCE, p->value.type);
	p = cim_request_param(req, "ReplicationSettingData");
	EXPECT_TRUE(p->value.embedded_instance);
	check_replication_setting(_metadata, p, false);
	cim_request_free(req);
}

TEST(pegasus_get_instance_with_reference_keys)
{
	struct cim_request *req = parse_fixture("pegasus-get-instance-association.xml");
	const struct cim_path *path, *synced;

	ASSERT_NE(NULL, req);
	path = cim_value_get_ref(&cim_request_param(req, "InstanceName")->value, 0);
	ASSERT_NE(NULL, path);
	ASSERT_EQ(2, path->n_keys);
	EXPECT_EQ(CIM_TYPE_REFERENCE, path->keys[0].type);
	synced = path->keys[0].ref;
	ASSERT_NE(NULL, synced);
	EXPECT_STREQ("root/cimv2", synced->namespace);
	EXPECT_STREQ("db0-snap", cim_path_key(synced, "DeviceID"));
	EXPECT_EQ(CIM_TYPE_SINT64, synced->keys[1].type);
	EXPECT_TRUE(cim_request_param(req, "PropertyList")->value.is_null);
	cim_request_free(req);
}

TEST(modify_synchronization_with_classpath_nulls_hex_and_cdata)
{
	struct cim_request *req = parse_fixture("pywbem-modify-synchronization.xml");
	const struct cim_param *p;
	uint64_t u = 0;

	ASSERT_NE(NULL, req);
	EXPECT_EQ(0, req->target->n_keys);
	EXPECT_STREQ("CIM_ReplicationService", req->target->classname);
	ASSERT_TRUE(cim_value_get_u64(&cim_request_param(req, "Operation")->value, 0,
				      UINT16_MAX, &u));
	EXPECT_EQ(12, u);
	p = cim_request_param(req, "Synchronizations");
	ASSERT_EQ(2, p->value.n);
	EXPECT_EQ(NULL, cim_value_get_ref(&p->value, 0));
	EXPECT_STREQ("array.example.com:5989", cim_value_get_ref(&p->value, 1)->host);
	EXPECT_STREQ("<not markup> & more",
		     cim_value_get_string(&cim_request_param(req, "Note")->value, 0));
	ASSERT_TRUE(cim_interval_parse(cim_value_get_string(&cim_request_param(req, "TimeBeforeRemoval")->value, 0), &u));
	EXPECT_EQ(93784500000000ULL, u);
	cim_request_free(req);
}

/* Malformed and hostile requests */

TEST(truncated_documents_fail_cleanly_at_every_length)
{
	size_t len, cut;
	char *buf = load_fixture("pywbem-create-list-replica.xml", &len);

	ASSERT_NE(NULL, buf);
	for (cut = 0; cut + 1 < len; cut += 7) {
		struct cim_request *req = (void *)1;
		char err[256] = "";

		EXPECT_EQ(CIM_ERR_FAILED, cimxml_parse_request(buf, cut, &req, err,
							       sizeof(err)));
		EXPECT_EQ(NULL, req);
		EXPECT_NE(0, strlen(err));
	}
	free(buf);
}

TEST(wrong_structure_is_refused_with_a_reason)
{
	static const struct {
		const char *doc;
		int status;
		const char *reason;
	} cases[] = {
		{ "", CIM_ERR_FAILED, "malformed" },
		{ "<CIM", CIM_ERR_FAILED, "malformed" },
		{ "<HTML/>", CIM_ERR_FAILED, "not CIM" },
		{ "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE PROTOCOLVERSION=\"1.0\">"
		  "<SIMPLEREQ/></MESSAGE></CIM>", CIM_ERR_FAILED, "without ID" },
		{ "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"2.0\">"
		  "<SIMPLEREQ/></MESSAGE></CIM>", CIM_ERR_FAILED, "PROTOCOLVERSION" },
		{ "<CIM CIMVERSION=\"3.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
		  "<SIMPLEREQ/></MESSAGE></CIM>", CIM_ERR_FAILED, "CIMVERSION" },
		{ "<CIM DTDVERSION=\"2.0\"/>", CIM_ERR_FAILED, "without CIMVERSION" },
		{ "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
		  "<MULTIREQ/></MESSAGE></CIM>", CIM_ERR_NOT_SUPPORTED, "MULTIREQ" },
		{ "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
		  "<SIMPLEREQ></SIMPLEREQ></MESSAGE></CIM>", CIM_ERR_FAILED, "without a method call" },
		{ "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
		  "<SIMPLEREQ><IMETHODCALL NAME=\"GetClass\"/></SIMPLEREQ></MESSAGE></CIM>",
		  CIM_ERR_FAILED, "LOCALNAMESPACEPATH" },
		{ "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
		  "<SIMPLEREQ><IMETHODCALL NAME=\"GetClass\"><LOCALNAMESPACEPATH/></IMETHODCALL>"
		  "</SIMPLEREQ></MESSAGE></CIM>", CIM_ERR_FAILED, "without NAMESPACE" },
		{ "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">junk<MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
		  "<SIMPLEREQ/></MESSAGE></CIM>", CIM_ERR_FAILED, "text where" },
		{ "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
		  "<SIMPLEREQ/></MESSAGE><MESSAGE/></CIM>", CIM_ERR_FAILED, "more than one" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[256] = "";

		EXPECT_EQ(cases[i].status, parse_status(cases[i].doc, err, sizeof(err)))
			TH_LOG("case %zu: %s", i, err);
		EXPECT_NE(NULL, strstr(err, cases[i].reason))
			TH_LOG("case %zu: \"%s\" lacks \"%s\"", i, err, cases[i].reason);
	}
}

TEST(bad_parameters_are_invalid_parameters)
{
	static const char *const params[] = {
		"<PARAMVALUE NAME=\"P\" PARAMTYPE=\"uint99\"><VALUE>1</VALUE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\" PARAMTYPE=\"uint16\"><VALUE>65536</VALUE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\" PARAMTYPE=\"uint16\"><VALUE>-1</VALUE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\" PARAMTYPE=\"boolean\"><VALUE>yes</VALUE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\" PARAMTYPE=\"uint16\"><VALUE.ARRAY><VALUE>1</VALUE><VALUE>x</VALUE></VALUE.ARRAY></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\" PARAMTYPE=\"reference\"><VALUE>1</VALUE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\" PARAMTYPE=\"uint16\"><VALUE.REFERENCE><INSTANCENAME CLASSNAME=\"C\"/></VALUE.REFERENCE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\" PARAMTYPE=\"uint16\" EmbeddedObject=\"instance\"><VALUE>1</VALUE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\" EmbeddedObject=\"class-ish\"><VALUE>1</VALUE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\"><VALUE>1</VALUE></PARAMVALUE><PARAMVALUE NAME=\"p\"><VALUE>2</VALUE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\"><VALUE.REFERENCE><INSTANCENAME CLASSNAME=\"C\"><KEYBINDING NAME=\"K\"><KEYVALUE VALUETYPE=\"numeric\">abc</KEYVALUE></KEYBINDING></INSTANCENAME></VALUE.REFERENCE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\"><VALUE.REFERENCE><INSTANCENAME CLASSNAME=\"C\"><KEYBINDING NAME=\"K\"><KEYVALUE VALUETYPE=\"boolean\">maybe</KEYVALUE></KEYBINDING></INSTANCENAME></VALUE.REFERENCE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\"><VALUE.REFERENCE><INSTANCENAME CLASSNAME=\"C\"><KEYBINDING NAME=\"K\"><KEYVALUE VALUETYPE=\"text\">x</KEYVALUE></KEYBINDING></INSTANCENAME></VALUE.REFERENCE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\"><VALUE.REFERENCE><INSTANCENAME CLASSNAME=\"C\"><KEYBINDING NAME=\"K\"><KEYVALUE>1</KEYVALUE></KEYBINDING><KEYBINDING NAME=\"k\"><KEYVALUE>2</KEYVALUE></KEYBINDING></INSTANCENAME></VALUE.REFERENCE></PARAMVALUE>",
	};
	size_t i;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		char err[256] = "";

		EXPECT_EQ(CIM_ERR_INVALID_PARAMETER, method_status(params[i], err, sizeof(err)))
			TH_LOG("case %zu: %s", i, err);
	}
}

TEST(structural_errors_inside_parameters_fail)
{
	static const char *const params[] = {
		"<PARAMVALUE><VALUE>1</VALUE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"\"><VALUE>1</VALUE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\"><VALUE>1</VALUE><VALUE>2</VALUE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\"><VALUE><B/></VALUE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\"><VALUE.ARRAY><B/></VALUE.ARRAY></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\"><VALUE.REFARRAY><VALUE>1</VALUE></VALUE.REFARRAY></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\"><VALUE.REFERENCE/></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\"><VALUE.REFERENCE><INSTANCENAME/></VALUE.REFERENCE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\"><VALUE.REFERENCE><INSTANCEPATH><INSTANCENAME CLASSNAME=\"C\"/></INSTANCEPATH></VALUE.REFERENCE></PARAMVALUE>",
		"<PARAMVALUE NAME=\"P\"><VALUE.REFERENCE><INSTANCENAME CLASSNAME=\"C\"><KEYBINDING NAME=\"K\"/></INSTANCENAME></VALUE.REFERENCE></PARAMVALUE>",
		"<IPARAMVALUE NAME=\"P\"/>",
		"<PARAMVALUE NAME=\"P\"><WHATEVER/></PARAMVALUE>",
	};
	size_t i;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		char err[256] = "";

		EXPECT_EQ(CIM_ERR_FAILED, method_status(params[i], err, sizeof(err)))
			TH_LOG("case %zu: %s", i, err);
	}
	EXPECT_EQ(CIM_ERR_NOT_SUPPORTED,
		  method_status("<PARAMVALUE NAME=\"P\"><CLASS NAME=\"C\"/></PARAMVALUE>",
				NULL, 0));
}

TEST(too_many_parameters_or_keys_are_refused)
{
	char *params = malloc((CIMXML_MAX_PARAMS + 1) * 64 + 1), *p = params;
	char err[256] = "";
	int i;

	ASSERT_NE(NULL, params);
	for (i = 0; i <= CIMXML_MAX_PARAMS; i++)
		p += sprintf(p, "<PARAMVALUE NAME=\"P%d\"><VALUE>%d</VALUE></PARAMVALUE>", i, i);
	EXPECT_EQ(CIM_ERR_FAILED, method_status(params, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "more than 256 parameters"));
	/* One fewer is fine. */
	*strstr(params, "<PARAMVALUE NAME=\"P256\"") = '\0';
	EXPECT_EQ(CIM_ERR_OK, method_status(params, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	free(params);
}

TEST(entity_declarations_are_refused_billion_laughs_and_xxe)
{
	static const char *const docs[] = {
		"<?xml version=\"1.0\"?><!DOCTYPE CIM [<!ENTITY a \"aaaaaaaaaa\">"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
		"<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
		"<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">]>"
		"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"&g;\" PROTOCOLVERSION=\"1.0\">"
		"<SIMPLEREQ/></MESSAGE></CIM>",
		"<?xml version=\"1.0\"?><!DOCTYPE CIM [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
		"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
		"<SIMPLEREQ><IMETHODCALL NAME=\"X\"><LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/>"
		"</LOCALNAMESPACEPATH><IPARAMVALUE NAME=\"P\"><VALUE>&xxe;</VALUE></IPARAMVALUE>"
		"</IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>",
		"<?xml version=\"1.0\"?><!DOCTYPE CIM [<!ENTITY % pe SYSTEM \"http://127.0.0.1:9/x.dtd\">%pe;]>"
		"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"/>",
		"<?xml version=\"1.0\"?><!DOCTYPE CIM SYSTEM \"http://127.0.0.1:9/cim.dtd\">"
		"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"&undeclared;\" "
		"PROTOCOLVERSION=\"1.0\"><SIMPLEREQ/></MESSAGE></CIM>",
		"<?xml version=\"1.0\"?><!DOCTYPE CIM [<!ENTITY u SYSTEM \"x\" NDATA n>]>"
		"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"/>",
	};
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		char err[256] = "";

		EXPECT_EQ(CIM_ERR_FAILED, parse_status(docs[i], err, sizeof(err)))
			TH_LOG("case %zu: %s", i, err);
		EXPECT_EQ(NULL, strstr(err, "root:"));	/* nothing of /etc/passwd */
	}
}

TEST(huge_and_deeply_nested_documents_are_refused)
{
	size_t huge = CIMXML_MAX_DOCUMENT + 1, i, depth = 10000;
	struct cim_request *req = NULL;
	char *buf = malloc(huge + 1);
	char err[256];

	ASSERT_NE(NULL, buf);
	memset(buf, ' ', huge);
	memcpy(buf, "<CIM>", 5);
	EXPECT_EQ(CIM_ERR_FAILED, cimxml_parse_request(buf, huge, &req, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "more than"));
	free(buf);

	buf = malloc(depth * 7 + 64);
	ASSERT_NE(NULL, buf);
	buf[0] = '\0';
	for (i = 0; i < depth; i++)
		strcat(buf + (i ? i * 3 - 3 : 0), "<a>");
	EXPECT_EQ(CIM_ERR_FAILED, cimxml_parse_request(buf, strlen(buf), &req, err, sizeof(err)));
	free(buf);

	/* Within libxml2's limit but past ours: 100 levels of VALUE.REFERENCE. */
	{
		char *deep = malloc(65536), *p;

		ASSERT_NE(NULL, deep);
		p = deep + sprintf(deep, "<PARAMVALUE NAME=\"P\">");
		for (i = 0; i < 50; i++)
			p += sprintf(p, "<VALUE.REFERENCE><INSTANCENAME CLASSNAME=\"C\">"
				     "<KEYBINDING NAME=\"K\">");
		p += sprintf(p, "<KEYVALUE>1</KEYVALUE>");
		for (i = 0; i < 50; i++)
			p += sprintf(p, "</KEYBINDING></INSTANCENAME></VALUE.REFERENCE>");
		sprintf(p, "</PARAMVALUE>");
		err[0] = '\0';
		EXPECT_EQ(CIM_ERR_FAILED, method_status(deep, err, sizeof(err)));
		EXPECT_NE(NULL, strstr(err, "deeper"));
		free(deep);
	}
}

TEST(embedded_instances_reject_what_is_not_an_instance)
{
	static const char *const texts[] = {
		"", "plain text", "<INSTANCE/>", "<CLASS NAME=\"C\"/>",
		"<INSTANCE CLASSNAME=\"C\"><PROPERTY TYPE=\"string\"/></INSTANCE>",
		"<INSTANCE CLASSNAME=\"C\"><PROPERTY NAME=\"P\" TYPE=\"uint8\"><VALUE>300</VALUE></PROPERTY></INSTANCE>",
		"<INSTANCE CLASSNAME=\"C\"><PROPERTY NAME=\"P\" TYPE=\"reference\"/></INSTANCE>",
		"<INSTANCE CLASSNAME=\"C\"><PROPERTY NAME=\"P\"/><PROPERTY NAME=\"p\"/></INSTANCE>",
		"<INSTANCE CLASSNAME=\"C\"><PROPERTY NAME=\"P\"><VALUE.ARRAY/></PROPERTY></INSTANCE>",
		"<INSTANCE CLASSNAME=\"C\"><METHOD NAME=\"M\"/></INSTANCE>",
		"<!DOCTYPE I [<!ENTITY x \"y\">]><INSTANCE CLASSNAME=\"&x;\"/>",
		"<INSTANCE CLASSNAME=\"C\">",
	};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct cim_instance *inst = (void *)1;
		char err[256] = "";

		EXPECT_NE(CIM_ERR_OK, cimxml_parse_instance(texts[i], &inst, err, sizeof(err)))
			TH_LOG("case %zu accepted", i);
		EXPECT_EQ(NULL, inst);
	}
}

/* Responses */

static const struct cimxml_response intrinsic_response = {
	.message_id = "4711", .method = "EnumerateInstanceNames",
	.intrinsic = true, .host = "array1", .namespace = "root/cimv2",
};

/* A volume path with keys of each VALUETYPE, in @ns (may be NULL). */
static void volume_path(struct cim_path *p, const char *host, const char *ns,
			const char *id)
{
	cim_path_init(p, host, ns, "CIM_StorageVolume");
	cim_path_add_key(p, "DeviceID", CIM_TYPE_STRING, id);
	cim_path_add_key(p, "Number", CIM_TYPE_UINT32, "5");
	cim_path_add_key(p, "Primordial", CIM_TYPE_BOOLEAN, "false");
}

/* Whether @doc begins exactly as wbemcli insists. */
static bool has_strict_head(const char *doc, const char *id)
{
	char want[256];

	snprintf(want, sizeof(want), HEAD "<MESSAGE ID=\"%s\" PROTOCOLVERSION=\"1.0\">"
		 "<SIMPLERSP>", id);
	return strncmp(doc, want, strlen(want)) == 0;
}

TEST(instance_names_response)
{
	struct cim_path paths[2];
	size_t len = 0;
	char *doc;

	volume_path(&paths[0], NULL, NULL, "db0");
	volume_path(&paths[1], NULL, NULL, "a<b>&\"c\"");
	doc = cimxml_respond_instance_names(&intrinsic_response, paths, 2, &len);
	ASSERT_NE(NULL, doc);
	EXPECT_EQ(strlen(doc), len);
	EXPECT_TRUE(has_strict_head(doc, "4711"));
	EXPECT_TRUE(well_formed(doc));
	EXPECT_NE(NULL, strstr(doc, "<IMETHODRESPONSE NAME=\"EnumerateInstanceNames\"><IRETURNVALUE>"
			      "<INSTANCENAME CLASSNAME=\"CIM_StorageVolume\"><KEYBINDING NAME=\"DeviceID\">"
			      "<KEYVALUE VALUETYPE=\"string\">db0</KEYVALUE></KEYBINDING>"
			      "<KEYBINDING NAME=\"Number\"><KEYVALUE VALUETYPE=\"numeric\">5</KEYVALUE>"
			      "</KEYBINDING><KEYBINDING NAME=\"Primordial\"><KEYVALUE VALUETYPE=\"boolean\">"
			      "false</KEYVALUE></KEYBINDING></INSTANCENAME>"));
	EXPECT_NE(NULL, strstr(doc, "a&lt;b&gt;&amp;&quot;c&quot;"));
	free(doc);
	doc = cimxml_respond_instance_names(&intrinsic_response, NULL, 0, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_NE(NULL, strstr(doc, "<IRETURNVALUE></IRETURNVALUE>"));
	free(doc);
	cim_path_free(&paths[0]);
	cim_path_free(&paths[1]);
}

/* A volume instance with a property of every kind; its path in @ns. */
static struct cim_instance *volume_instance(const char *host, const char *ns)
{
	struct cim_instance *inst = cim_instance_new("CIM_StorageVolume");
	struct cim_path pool;
	struct cim_value *v;

	inst->path = calloc(1, sizeof(*inst->path));
	volume_path(inst->path, host, ns, "db0");
	cim_instance_set_prop(inst, "DeviceID", CIM_TYPE_STRING, "db0");
	cim_instance_set_prop(inst, "BlockSize", CIM_TYPE_UINT64, "512");
	cim_instance_set_prop(inst, "Caption", CIM_TYPE_STRING, NULL);
	v = cim_instance_add_prop(inst, "OperationalStatus");
	cim_value_set_array(v, CIM_TYPE_UINT16);
	cim_value_append(v, "2");
	cim_value_append(v, NULL);
	cim_value_append(v, "17");
	cim_path_init(&pool, NULL, "root/cimv2", "CIM_StoragePool");
	cim_path_add_key(&pool, "InstanceID", CIM_TYPE_STRING, "snaps");
	cim_value_set_ref(cim_instance_add_prop(inst, "Pool"), &pool);
	cim_path_free(&pool);
	return inst;
}

TEST(named_instances_instance_and_objects_with_path_responses)
{
	struct cim_instance *inst = volume_instance(NULL, NULL);
	const struct cim_instance *list[1] = { inst };
	struct cimxml_response r = intrinsic_response;
	char *doc;

	r.method = "EnumerateInstances";
	doc = cimxml_respond_named_instances(&r, list, 1, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_TRUE(well_formed(doc));
	EXPECT_NE(NULL, strstr(doc, "<VALUE.NAMEDINSTANCE><INSTANCENAME CLASSNAME=\"CIM_StorageVolume\">"));
	EXPECT_NE(NULL, strstr(doc, "</INSTANCENAME><INSTANCE CLASSNAME=\"CIM_StorageVolume\">"));
	/* wbemcli reads no empty-element PROPERTY tag. */
	EXPECT_NE(NULL, strstr(doc, "<PROPERTY NAME=\"Caption\" TYPE=\"string\"></PROPERTY>"));
	EXPECT_NE(NULL, strstr(doc, "<PROPERTY.ARRAY NAME=\"OperationalStatus\" TYPE=\"uint16\">"
			      "<VALUE.ARRAY><VALUE>2</VALUE><VALUE.NULL/><VALUE>17</VALUE>"
			      "</VALUE.ARRAY></PROPERTY.ARRAY>"));
	EXPECT_NE(NULL, strstr(doc, "<PROPERTY.REFERENCE NAME=\"Pool\"><VALUE.REFERENCE>"
			      "<LOCALINSTANCEPATH><LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/>"
			      "<NAMESPACE NAME=\"cimv2\"/></LOCALNAMESPACEPATH>"));
	free(doc);

	r.method = "GetInstance";
	doc = cimxml_respond_instance(&r, inst, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_TRUE(well_formed(doc));
	EXPECT_NE(NULL, strstr(doc, "<IRETURNVALUE><INSTANCE CLASSNAME=\"CIM_StorageVolume\">"
			      "<PROPERTY NAME=\"DeviceID\" TYPE=\"string\"><VALUE>db0</VALUE></PROPERTY>"));
	free(doc);

	r.method = "Associators";
	doc = cimxml_respond_objects_with_path(&r, list, 1, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_TRUE(well_formed(doc));
	EXPECT_NE(NULL, strstr(doc, "<VALUE.OBJECTWITHPATH><INSTANCEPATH><NAMESPACEPATH>"
			      "<HOST>array1</HOST><LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/>"
			      "<NAMESPACE NAME=\"cimv2\"/></LOCALNAMESPACEPATH></NAMESPACEPATH>"
			      "<INSTANCENAME CLASSNAME=\"CIM_StorageVolume\">"));
	free(doc);
	cim_instance_free(inst);
}

TEST(object_paths_and_class_names_responses)
{
	static const char *const names[] = { "CIM_StorageVolume", "CIM_ReplicationService" };
	struct cimxml_response r = intrinsic_response;
	struct cim_path path;
	char *doc;

	volume_path(&path, "other-host", "interop", "db0");
	r.method = "ReferenceNames";
	doc = cimxml_respond_object_paths(&r, &path, 1, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_TRUE(well_formed(doc));
	EXPECT_NE(NULL, strstr(doc, "<OBJECTPATH><INSTANCEPATH><NAMESPACEPATH><HOST>other-host</HOST>"
			      "<LOCALNAMESPACEPATH><NAMESPACE NAME=\"interop\"/></LOCALNAMESPACEPATH>"));
	free(doc);
	r.method = "EnumerateClassNames";
	doc = cimxml_respond_class_names(&r, names, 2, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_NE(NULL, strstr(doc, "<IRETURNVALUE><CLASSNAME NAME=\"CIM_StorageVolume\"/>"
			      "<CLASSNAME NAME=\"CIM_ReplicationService\"/></IRETURNVALUE>"));
	free(doc);
	doc = cimxml_respond_instance_name(&r, &path, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_NE(NULL, strstr(doc, "<IRETURNVALUE><INSTANCENAME "));
	free(doc);
	r.method = "DeleteInstance";
	doc = cimxml_respond_void(&r, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_NE(NULL, strstr(doc, "<IMETHODRESPONSE NAME=\"DeleteInstance\"></IMETHODRESPONSE>"));
	free(doc);
	cim_path_free(&path);
}

static const struct cim_qualifier in_qualifier[] = {
	{ .name = "In", .type = CIM_TYPE_BOOLEAN, .value = "true" },
};
static const struct cim_qualifier key_qualifier[] = {
	{ .name = "Key", .type = CIM_TYPE_BOOLEAN, .value = "true",
	  .disable_override = true },
};
static const struct cim_qualifier method_qualifiers[] = {
	{ .name = "ValueMap", .type = CIM_TYPE_STRING, .is_array = true,
	  .values = (const char *const[]){ "0", "4096" }, .n_values = 2 },
	{ .name = "Description", .type = CIM_TYPE_STRING, .value = "Make <copies>",
	  .translatable = true, .restricted = true, .propagated = true },
};
static const struct cim_parameter clr_parameters[] = {
	{ .name = "ElementNames", .type = CIM_TYPE_STRING, .is_array = true,
	  .qualifiers = in_qualifier, .n_qualifiers = 1 },
	{ .name = "SyncType", .type = CIM_TYPE_UINT16,
	  .qualifiers = in_qualifier, .n_qualifiers = 1 },
	{ .name = "SourceElements", .type = CIM_TYPE_REFERENCE, .is_array = true,
	  .reference_class = "CIM_LogicalElement",
	  .qualifiers = in_qualifier, .n_qualifiers = 1 },
	{ .name = "TargetPool", .type = CIM_TYPE_REFERENCE,
	  .reference_class = "CIM_StoragePool",
	  .qualifiers = in_qualifier, .n_qualifiers = 1 },
};
static const struct cim_method service_methods[] = {
	{ .name = "CreateListReplica", .return_type = CIM_TYPE_UINT32,
	  .class_origin = "CIM_ReplicationService",
	  .qualifiers = method_qualifiers, .n_qualifiers = 2,
	  .parameters = clr_parameters, .n_parameters = 4 },
};
static const struct cim_property_decl service_properties[] = {
	{ .name = "Name", .type = CIM_TYPE_STRING, .class_origin = "CIM_ManagedSystemElement",
	  .propagated = true, .qualifiers = key_qualifier, .n_qualifiers = 1 },
	{ .name = "OperationalStatus", .type = CIM_TYPE_UINT16, .is_array = true,
	  .default_values = (const char *const[]){ "2" }, .n_default_values = 1 },
	{ .name = "Dependent", .type = CIM_TYPE_REFERENCE, .reference_class = "CIM_System" },
	{ .name = "Setting", .type = CIM_TYPE_STRING, .embedded_object = "instance",
	  .default_value = "" },
};
static const struct cim_class service_class = {
	.name = "CIM_ReplicationService", .superclass = "CIM_Service",
	.qualifiers = in_qualifier, .n_qualifiers = 1,
	.properties = service_properties, .n_properties = 4,
	.methods = service_methods, .n_methods = 1,
};

TEST(class_response_with_and_without_qualifiers)
{
	const struct cim_class *classes[1] = { &service_class };
	struct cimxml_response r = intrinsic_response;
	char *doc;

	r.method = "GetClass";
	doc = cimxml_respond_classes(&r, classes, 1,
				     CIMXML_CLASS_QUALIFIERS | CIMXML_CLASS_ORIGIN, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_TRUE(well_formed(doc));
	EXPECT_NE(NULL, strstr(doc, "<CLASS NAME=\"CIM_ReplicationService\" SUPERCLASS=\"CIM_Service\">"
			      "<QUALIFIER NAME=\"In\" TYPE=\"boolean\"><VALUE>true</VALUE></QUALIFIER>"));
	EXPECT_NE(NULL, strstr(doc, "<PROPERTY NAME=\"Name\" TYPE=\"string\" CLASSORIGIN="
			      "\"CIM_ManagedSystemElement\" PROPAGATED=\"true\"><QUALIFIER NAME=\"Key\" "
			      "TYPE=\"boolean\" OVERRIDABLE=\"false\"><VALUE>true</VALUE></QUALIFIER>"
			      "</PROPERTY>"));
	EXPECT_NE(NULL, strstr(doc, "<PROPERTY.ARRAY NAME=\"OperationalStatus\" TYPE=\"uint16\">"
			      "<VALUE.ARRAY><VALUE>2</VALUE></VALUE.ARRAY></PROPERTY.ARRAY>"));
	EXPECT_NE(NULL, strstr(doc, "<PROPERTY.REFERENCE NAME=\"Dependent\" REFERENCECLASS=\"CIM_System\">"
			      "</PROPERTY.REFERENCE>"));
	EXPECT_NE(NULL, strstr(doc, "<PROPERTY NAME=\"Setting\" TYPE=\"string\" EmbeddedObject=\"instance\">"
			      "<VALUE></VALUE></PROPERTY>"));
	EXPECT_NE(NULL, strstr(doc, "<METHOD NAME=\"CreateListReplica\" TYPE=\"uint32\" CLASSORIGIN="
			      "\"CIM_ReplicationService\"><QUALIFIER NAME=\"ValueMap\" TYPE=\"string\">"
			      "<VALUE.ARRAY><VALUE>0</VALUE><VALUE>4096</VALUE></VALUE.ARRAY></QUALIFIER>"
			      "<QUALIFIER NAME=\"Description\" TYPE=\"string\" PROPAGATED=\"true\" "
			      "TOSUBCLASS=\"false\" TRANSLATABLE=\"true\"><VALUE>Make &lt;copies&gt;</VALUE>"));
	EXPECT_NE(NULL, strstr(doc, "<PARAMETER.ARRAY NAME=\"ElementNames\" TYPE=\"string\"><QUALIFIER"));
	EXPECT_NE(NULL, strstr(doc, "<PARAMETER NAME=\"SyncType\" TYPE=\"uint16\"><QUALIFIER"));
	EXPECT_NE(NULL, strstr(doc, "<PARAMETER.REFARRAY NAME=\"SourceElements\" "
			      "REFERENCECLASS=\"CIM_LogicalElement\"><QUALIFIER"));
	EXPECT_NE(NULL, strstr(doc, "<PARAMETER.REFERENCE NAME=\"TargetPool\" "
			      "REFERENCECLASS=\"CIM_StoragePool\"><QUALIFIER"));
	free(doc);

	doc = cimxml_respond_classes(&r, classes, 1, 0, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_TRUE(well_formed(doc));
	EXPECT_EQ(NULL, strstr(doc, "QUALIFIER"));
	EXPECT_EQ(NULL, strstr(doc, "CLASSORIGIN"));
	EXPECT_NE(NULL, strstr(doc, "<PARAMETER.REFARRAY NAME=\"SourceElements\" "
			      "REFERENCECLASS=\"CIM_LogicalElement\"></PARAMETER.REFARRAY>"));
	free(doc);
}

/*
 * Turn a METHODRESPONSE into a METHODCALL with the same PARAMVALUEs (the
 * syntax is shared), so that parse(encode(x)) can be compared with x.
 */
static char *response_as_request(const char *doc)
{
	const char *params = strstr(doc, "<PARAMVALUE ");
	const char *end = strstr(doc, "</METHODRESPONSE>");
	char *call, *req;
	size_t n;

	if (!params || !end || end < params)
		return NULL;
	n = (size_t)(end - params);
	call = malloc(n + 256);
	if (!call)
		return NULL;
	strcpy(call, "<METHODCALL NAME=\"M\">" SERVICE_PATH);
	strncat(call, params, n);
	strcat(call, "</METHODCALL>");
	req = request(call);
	free(call);
	return req;
}

TEST(method_response_round_trips_every_parameter_kind)
{
	struct cimxml_response r = {
		.message_id = "m-1", .method = "CreateListReplica",
		.host = "array1", .namespace = "root/cimv2",
	};
	struct cim_instance *setting = cim_instance_new("CIM_ReplicationSettingData");
	struct cim_path job, vol0, vol1;
	struct cim_param out[6];
	struct cim_request *back;
	struct cim_value ret;
	char err[256], *doc, *req;
	size_t i, j;

	memset(out, 0, sizeof(out));
	cim_path_init(&job, "array1", "root/cimv2", "CIM_ConcreteJob");
	cim_path_add_key(&job, "InstanceID", CIM_TYPE_STRING, "job:1");
	volume_path(&vol0, NULL, "root/cimv2", "db0-snap");
	volume_path(&vol1, NULL, NULL, "db1-snap");
	cim_instance_set_prop(setting, "ElementName", CIM_TYPE_STRING, "x < y & \"z\"");
	cim_instance_set_prop(setting, "ConsistentPointInTime", CIM_TYPE_BOOLEAN, "true");

	ASSERT_TRUE(cim_value_set(&ret, CIM_TYPE_UINT32, "4096"));
	out[0].name = "Job";
	ASSERT_TRUE(cim_value_set_ref(&out[0].value, &job));
	out[1].name = "TargetElements";
	cim_value_set_array(&out[1].value, CIM_TYPE_REFERENCE);
	ASSERT_TRUE(cim_value_append_ref(&out[1].value, &vol0));
	ASSERT_TRUE(cim_value_append_ref(&out[1].value, &vol1));
	out[2].name = "ElementNames";
	cim_value_set_array(&out[2].value, CIM_TYPE_STRING);
	ASSERT_TRUE(cim_value_append(&out[2].value, "a&b"));
	ASSERT_TRUE(cim_value_append(&out[2].value, NULL));
	out[3].name = "Progress";
	ASSERT_TRUE(cim_value_set(&out[3].value, CIM_TYPE_UINT16, "42"));
	out[4].name = "Nothing";
	ASSERT_TRUE(cim_value_set(&out[4].value, CIM_TYPE_UINT16, NULL));
	out[5].name = "Setting";
	out[5].value.type = CIM_TYPE_STRING;
	{
		char *text = cimxml_instance_string(setting);

		ASSERT_NE(NULL, text);
		ASSERT_TRUE(cim_value_set(&out[5].value, CIM_TYPE_STRING, text));
		free(text);
	}
	out[5].value.embedded_instance = true;

	doc = cimxml_respond_method(&r, &ret, out, 6, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_TRUE(has_strict_head(doc, "m-1"));
	EXPECT_TRUE(well_formed(doc));
	EXPECT_NE(NULL, strstr(doc, "<METHODRESPONSE NAME=\"CreateListReplica\"><RETURNVALUE "
			      "PARAMTYPE=\"uint32\"><VALUE>4096</VALUE></RETURNVALUE>"));
	EXPECT_NE(NULL, strstr(doc, "<PARAMVALUE NAME=\"Job\" PARAMTYPE=\"reference\">"
			      "<VALUE.REFERENCE><INSTANCEPATH><NAMESPACEPATH><HOST>array1</HOST>"));
	EXPECT_NE(NULL, strstr(doc, "<PARAMVALUE NAME=\"TargetElements\" PARAMTYPE=\"reference\">"
			      "<VALUE.REFARRAY><VALUE.REFERENCE><LOCALINSTANCEPATH>"));
	EXPECT_NE(NULL, strstr(doc, "</VALUE.REFERENCE><VALUE.REFERENCE><INSTANCENAME "));
	EXPECT_NE(NULL, strstr(doc, "<PARAMVALUE NAME=\"Nothing\" PARAMTYPE=\"uint16\"></PARAMVALUE>"));
	EXPECT_NE(NULL, strstr(doc, "<PARAMVALUE NAME=\"Setting\" PARAMTYPE=\"string\" "
			      "EmbeddedObject=\"instance\"><VALUE>&lt;INSTANCE CLASSNAME="));

	req = response_as_request(doc);
	ASSERT_NE(NULL, req);
	ASSERT_EQ(CIM_ERR_OK, cimxml_parse_request(req, strlen(req), &back, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	ASSERT_EQ(6, back->n_params);
	for (i = 0; i < 6; i++) {
		const struct cim_value *a = &out[i].value, *b = &back->params[i].value;

		EXPECT_STREQ(out[i].name, back->params[i].name);
		EXPECT_EQ(a->type, b->type);
		EXPECT_EQ(a->is_array, b->is_array);
		EXPECT_EQ(a->is_null, b->is_null);
		EXPECT_EQ(a->embedded_instance, b->embedded_instance);
		ASSERT_EQ(a->n, b->n);
		for (j = 0; j < a->n; j++) {
			if (a->type == CIM_TYPE_REFERENCE) {
				const struct cim_path *pa = &a->refs[j], *pb = &b->refs[j];
				size_t k;

				EXPECT_STREQ(pa->classname, pb->classname);
				EXPECT_EQ(pa->n_keys, pb->n_keys);
				EXPECT_EQ(!pa->namespace, !pb->namespace);
				EXPECT_EQ(!pa->host, !pb->host);
				for (k = 0; k < pa->n_keys && k < pb->n_keys; k++)
					EXPECT_STREQ(pa->keys[k].value, pb->keys[k].value);
			} else if (a->text[j]) {
				EXPECT_STREQ(a->text[j], b->text[j]);
			} else {
				EXPECT_EQ(NULL, b->text[j]);
			}
		}
	}
	{
		struct cim_instance *inst;

		ASSERT_EQ(CIM_ERR_OK, cimxml_parse_instance(cim_value_get_string(&back->params[5].value, 0),
							    &inst, err, sizeof(err)));
		EXPECT_STREQ("x < y & \"z\"",
			     cim_value_get_string(&cim_instance_prop(inst, "ElementName")->value, 0));
		cim_instance_free(inst);
	}
	cim_request_free(back);
	free(req);
	free(doc);

	/* wbemcli's form of reference arrays. */
	r.wbemcli_refarrays = true;
	doc = cimxml_respond_method(&r, &ret, out, 2, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_EQ(NULL, strstr(doc, "VALUE.REFARRAY"));
	EXPECT_NE(NULL, strstr(doc, "<VALUE.ARRAY><VALUE.REFERENCE>"));
	free(doc);

	for (i = 0; i < 6; i++)
		cim_value_free(&out[i].value);
	cim_value_free(&ret);
	cim_instance_free(setting);
	cim_path_free(&job);
	cim_path_free(&vol0);
	cim_path_free(&vol1);
}

TEST(instance_string_round_trips)
{
	struct cim_instance *inst = volume_instance("h", "root/cimv2"), *back;
	char err[256], *text;
	size_t i;

	cim_instance_set_prop(inst, "Odd", CIM_TYPE_STRING, "\xc3\xa9t\xc3\xa9 <&> \t\n");
	text = cimxml_instance_string(inst);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(0, strncmp(text, "<INSTANCE CLASSNAME=\"CIM_StorageVolume\">", 40));
	EXPECT_NE('\n', text[strlen(text) - 1]);
	ASSERT_EQ(CIM_ERR_OK, cimxml_parse_instance(text, &back, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	ASSERT_EQ(inst->n_props, back->n_props);
	for (i = 0; i < inst->n_props; i++) {
		EXPECT_STREQ(inst->props[i].name, back->props[i].name);
		EXPECT_EQ(inst->props[i].value.type, back->props[i].value.type);
		EXPECT_EQ(inst->props[i].value.is_null, back->props[i].value.is_null);
		EXPECT_EQ(inst->props[i].value.n, back->props[i].value.n);
	}
	EXPECT_STREQ("\xc3\xa9t\xc3\xa9 <&> \t\n",
		     cim_value_get_string(&cim_instance_prop(back, "Odd")->value, 0));
	EXPECT_STREQ("snaps", cim_path_key(cim_value_get_ref(&cim_instance_prop(back, "Pool")->value, 0),
					   "InstanceID"));
	cim_instance_free(back);
	free(text);
	cim_instance_free(inst);
}

TEST(error_responses_for_intrinsic_and_extrinsic_calls)
{
	struct cimxml_response r = intrinsic_response;
	char *doc;

	r.method = "GetInstance";
	doc = cimxml_respond_error(&r, CIM_ERR_NOT_FOUND, "no <volume> \"db9\"\x01\xff", NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_TRUE(has_strict_head(doc, "4711"));
	EXPECT_TRUE(well_formed(doc));
	EXPECT_NE(NULL, strstr(doc, "<IMETHODRESPONSE NAME=\"GetInstance\"><ERROR CODE=\"6\" "
			      "DESCRIPTION=\"no &lt;volume&gt; &quot;db9&quot;??\"/></IMETHODRESPONSE>"));
	free(doc);
	r.intrinsic = false;
	r.method = "CreateListReplica";
	doc = cimxml_respond_error(&r, CIM_ERR_INVALID_PARAMETER, NULL, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_NE(NULL, strstr(doc, "<METHODRESPONSE NAME=\"CreateListReplica\"><ERROR CODE=\"4\"/>"));
	free(doc);
}

TEST(text_xml_cannot_carry_is_refused_with_eilseq)
{
	struct cimxml_response r = intrinsic_response;
	struct cim_instance *inst = cim_instance_new("C");
	char *doc;

	cim_instance_set_prop(inst, "Bad", CIM_TYPE_STRING, "a\x01" "b");
	errno = 0;
	doc = cimxml_respond_instance(&r, inst, NULL);
	EXPECT_EQ(NULL, doc);
	EXPECT_EQ(EILSEQ, errno);
	free(doc);
	cim_instance_free(inst);

	inst = cim_instance_new("C");
	cim_instance_set_prop(inst, "Bad", CIM_TYPE_STRING, "\xc3(");
	errno = 0;
	EXPECT_EQ(NULL, cimxml_instance_string(inst));
	EXPECT_EQ(EILSEQ, errno);
	cim_instance_free(inst);
}

/* The client side: requests written, responses read */

/* Parse @doc as a response; NULL (test failure) when it does not parse. */
static struct cimxml_reply *reply_of(struct __test_metadata *_metadata,
				     const char *doc)
{
	struct cimxml_reply *reply = NULL;
	char err[256] = "";

	EXPECT_EQ(CIM_ERR_OK, cimxml_parse_response(doc, strlen(doc), &reply,
						    err, sizeof(err)));
	if (!reply)
		TH_LOG("%s", err);
	return reply;
}

TEST(instance_names_response_reads_back)
{
	struct cim_path paths[2];
	struct cimxml_reply *reply;
	char *doc;

	volume_path(&paths[0], NULL, NULL, "db0");
	volume_path(&paths[1], NULL, NULL, "a<b>&\"c\"");
	doc = cimxml_respond_instance_names(&intrinsic_response, paths, 2, NULL);
	ASSERT_NE(NULL, doc);
	reply = reply_of(_metadata, doc);
	ASSERT_NE(NULL, reply);
	EXPECT_TRUE(reply->intrinsic);
	EXPECT_STREQ("4711", reply->message_id);
	EXPECT_STREQ("EnumerateInstanceNames", reply->method);
	EXPECT_EQ(0, reply->error);
	EXPECT_EQ(CIMXML_IRETURN_NAMES, reply->kind);
	ASSERT_EQ(2, reply->n_names);
	EXPECT_STREQ("CIM_StorageVolume", reply->names[0].classname);
	EXPECT_STREQ("db0", cim_path_key(&reply->names[0], "DeviceID"));
	EXPECT_STREQ("a<b>&\"c\"", cim_path_key(&reply->names[1], "DeviceID"));
	EXPECT_EQ(CIM_TYPE_UINT64, reply->names[0].keys[1].type);
	EXPECT_EQ(CIM_TYPE_BOOLEAN, reply->names[0].keys[2].type);
	cimxml_reply_free(reply);
	free(doc);

	/* an empty IRETURNVALUE, and a void response */
	doc = cimxml_respond_instance_names(&intrinsic_response, NULL, 0, NULL);
	reply = reply_of(_metadata, doc);
	ASSERT_NE(NULL, reply);
	EXPECT_EQ(CIMXML_IRETURN_NONE, reply->kind);
	cimxml_reply_free(reply);
	free(doc);
	doc = cimxml_respond_void(&intrinsic_response, NULL);
	reply = reply_of(_metadata, doc);
	ASSERT_NE(NULL, reply);
	EXPECT_EQ(CIMXML_IRETURN_NONE, reply->kind);
	cimxml_reply_free(reply);
	free(doc);
	cim_path_free(&paths[0]);
	cim_path_free(&paths[1]);
}

TEST(objects_with_path_keep_each_objects_namespace)
{
	struct cim_instance *inst = cim_instance_new("CIM_ElementConformsToProfile");
	const struct cim_instance *list[1] = { inst };
	struct cimxml_response r = intrinsic_response;
	struct cim_path profile = { 0 }, service = { 0 };
	struct cimxml_reply *reply = NULL;
	const struct cim_path *ref;
	char err[256];
	size_t len;
	char *doc;

	cim_path_init(&profile, "array1", "interop", "CIM_RegisteredProfile");
	cim_path_add_key(&profile, "InstanceID", CIM_TYPE_STRING, "p1");
	cim_path_init(&service, "array1", "root/cimv2", "CIM_ReplicationService");
	cim_path_add_key(&service, "Name", CIM_TYPE_STRING, "cimrepl");
	inst->path = calloc(1, sizeof(*inst->path));
	cim_path_init(inst->path, NULL, NULL, "CIM_ElementConformsToProfile");
	cim_path_add_ref_key(inst->path, "ConformantStandard", &profile);
	cim_path_add_ref_key(inst->path, "ManagedElement", &service);
	cim_value_set_ref(cim_instance_add_prop(inst, "ConformantStandard"), &profile);
	cim_value_set_ref(cim_instance_add_prop(inst, "ManagedElement"), &service);
	r.method = "References";
	r.namespace = "interop";
	doc = cimxml_respond_objects_with_path(&r, list, 1, &len);
	ASSERT_NE(NULL, doc);
	ASSERT_EQ(CIM_ERR_OK, cimxml_parse_response(doc, len, &reply, err, sizeof(err)));
	ASSERT_EQ(CIMXML_IRETURN_INSTANCES, reply->kind);
	ASSERT_EQ(1, reply->n_instances);
	/* the association's own path: the request's namespace */
	EXPECT_STREQ("interop", reply->instances[0]->path->namespace);
	ref = cim_value_get_ref(&cim_instance_prop(reply->instances[0],
						   "ManagedElement")->value, 0);
	ASSERT_NE(NULL, ref);
	EXPECT_STREQ("root/cimv2", ref->namespace);
	EXPECT_STREQ("array1", ref->host);
	ref = cim_value_get_ref(&cim_instance_prop(reply->instances[0],
						   "ConformantStandard")->value, 0);
	ASSERT_NE(NULL, ref);
	EXPECT_STREQ("interop", ref->namespace);
	cimxml_reply_free(reply);
	free(doc);
	cim_path_free(&profile);
	cim_path_free(&service);
	cim_instance_free(inst);
}

TEST(instance_responses_read_back)
{
	struct cim_instance *inst = volume_instance(NULL, NULL);
	const struct cim_instance *list[2] = { inst, inst };
	const struct cim_param *prop;
	struct cimxml_reply *reply;
	const char *names[2] = { "CIM_StorageVolume", "CIM_StoragePool" };
	char *doc;
	size_t i;

	doc = cimxml_respond_named_instances(&intrinsic_response, list, 2, NULL);
	reply = reply_of(_metadata, doc);
	ASSERT_NE(NULL, reply);
	EXPECT_EQ(CIMXML_IRETURN_INSTANCES, reply->kind);
	ASSERT_EQ(2, reply->n_instances);
	for (i = 0; i < 2; i++) {
		const struct cim_instance *got = reply->instances[i];

		ASSERT_NE(NULL, got->path);
		EXPECT_STREQ("db0", cim_path_key(got->path, "DeviceID"));
		EXPECT_EQ(inst->n_props, got->n_props);
		prop = cim_instance_prop(got, "OperationalStatus");
		ASSERT_NE(NULL, prop);
		ASSERT_EQ(3, prop->value.n);
		EXPECT_STREQ("17", cim_value_get_string(&prop->value, 2));
		EXPECT_EQ(NULL, cim_value_get_string(&prop->value, 1));
		prop = cim_instance_prop(got, "Caption");
		ASSERT_NE(NULL, prop);
		EXPECT_TRUE(prop->value.is_null);
		prop = cim_instance_prop(got, "Pool");
		ASSERT_NE(NULL, prop);
		EXPECT_STREQ("snaps", cim_path_key(cim_value_get_ref(&prop->value, 0),
						   "InstanceID"));
	}
	cimxml_reply_free(reply);
	free(doc);

	doc = cimxml_respond_instance(&intrinsic_response, inst, NULL);
	reply = reply_of(_metadata, doc);
	ASSERT_NE(NULL, reply);
	EXPECT_EQ(CIMXML_IRETURN_INSTANCES, reply->kind);
	ASSERT_EQ(1, reply->n_instances);
	EXPECT_EQ(NULL, reply->instances[0]->path);
	EXPECT_STREQ("db0", cim_value_get_string(
		&cim_instance_prop(reply->instances[0], "DeviceID")->value, 0));
	cimxml_reply_free(reply);
	free(doc);

	doc = cimxml_respond_objects_with_path(&intrinsic_response, list, 1, NULL);
	reply = reply_of(_metadata, doc);
	ASSERT_NE(NULL, reply);
	ASSERT_EQ(1, reply->n_instances);
	EXPECT_STREQ("array1", reply->instances[0]->path->host);
	EXPECT_STREQ("root/cimv2", reply->instances[0]->path->namespace);
	cimxml_reply_free(reply);
	free(doc);

	doc = cimxml_respond_class_names(&intrinsic_response, names, 2, NULL);
	reply = reply_of(_metadata, doc);
	ASSERT_NE(NULL, reply);
	EXPECT_EQ(CIMXML_IRETURN_CLASSNAMES, reply->kind);
	ASSERT_EQ(2, reply->n_names);
	EXPECT_STREQ("CIM_StoragePool", reply->names[1].classname);
	EXPECT_EQ(0, reply->names[1].n_keys);
	cimxml_reply_free(reply);
	free(doc);
	cim_instance_free(inst);
}

/* A CreateListReplica answer: 4096, a Job, reference arrays, a string. */
static char *method_answer(bool wbemcli_refarrays, bool embedded)
{
	struct cimxml_response r = {
		.message_id = "9", .method = "CreateListReplica",
		.wbemcli_refarrays = wbemcli_refarrays,
	};
	struct cim_instance *setting = cim_instance_new("CIM_ReplicationSettingData");
	struct cim_param out[4];
	struct cim_value ret = { 0 };
	struct cim_path job, vol;
	char *doc, *text;
	size_t i;

	memset(out, 0, sizeof(out));
	cim_value_set(&ret, CIM_TYPE_UINT32, "4096");
	cim_path_init(&job, NULL, "root/cimv2", "CIM_ConcreteJob");
	cim_path_add_key(&job, "InstanceID", CIM_TYPE_STRING, "cimrepl:job:3");
	out[0].name = strdup("Job");
	cim_value_set_ref(&out[0].value, &job);
	out[1].name = strdup("TargetElements");
	cim_value_set_array(&out[1].value, CIM_TYPE_REFERENCE);
	volume_path(&vol, "array1", "root/cimv2", "db0.c1");
	cim_value_append_ref(&out[1].value, &vol);
	cim_path_free(&vol);
	volume_path(&vol, NULL, NULL, "db1.c1");
	cim_value_append_ref(&out[1].value, &vol);
	cim_path_free(&vol);
	out[2].name = strdup("Note");
	cim_value_set(&out[2].value, CIM_TYPE_STRING, "a <note> & more");
	cim_instance_set_prop(setting, "CopyPriority", CIM_TYPE_UINT16, "2");
	text = cimxml_instance_string(setting);
	out[3].name = strdup("Setting");
	cim_value_set(&out[3].value, CIM_TYPE_STRING, text);
	out[3].value.embedded_instance = embedded;
	free(text);
	doc = cimxml_respond_method(&r, &ret, out, 4, NULL);
	for (i = 0; i < 4; i++)
		cim_param_free(&out[i]);
	cim_value_free(&ret);
	cim_path_free(&job);
	cim_instance_free(setting);
	return doc;
}

TEST(method_response_reads_back_in_both_reference_array_forms)
{
	int form;

	for (form = 0; form < 2; form++) {
		char *doc = method_answer(form, true);
		const struct cim_param *p;
		struct cimxml_reply *reply;
		struct cim_instance *setting;
		uint64_t rc;
		char err[128];

		ASSERT_NE(NULL, doc);
		EXPECT_NE(NULL, strstr(doc, form ? "<VALUE.ARRAY><VALUE.REFERENCE>" :
				       "<VALUE.REFARRAY>"));
		reply = reply_of(_metadata, doc);
		ASSERT_NE(NULL, reply);
		EXPECT_FALSE(reply->intrinsic);
		EXPECT_STREQ("CreateListReplica", reply->method);
		ASSERT_TRUE(reply->has_return);
		ASSERT_TRUE(cim_value_get_u64(&reply->ret, 0, UINT32_MAX, &rc));
		EXPECT_EQ(4096, rc);
		ASSERT_EQ(4, reply->n_params);
		p = cimxml_reply_param(reply, "job");
		ASSERT_NE(NULL, p);
		EXPECT_STREQ("cimrepl:job:3",
			     cim_path_key(cim_value_get_ref(&p->value, 0), "InstanceID"));
		p = cimxml_reply_param(reply, "TargetElements");
		ASSERT_NE(NULL, p);
		EXPECT_TRUE(p->value.is_array);
		EXPECT_EQ(CIM_TYPE_REFERENCE, p->value.type);
		ASSERT_EQ(2, p->value.n);
		EXPECT_STREQ("array1", cim_value_get_ref(&p->value, 0)->host);
		EXPECT_STREQ("db0.c1", cim_path_key(cim_value_get_ref(&p->value, 0),
						    "DeviceID"));
		EXPECT_STREQ("db1.c1", cim_path_key(cim_value_get_ref(&p->value, 1),
						    "DeviceID"));
		p = cimxml_reply_param(reply, "Note");
		ASSERT_NE(NULL, p);
		EXPECT_STREQ("a <note> & more", cim_value_get_string(&p->value, 0));
		p = cimxml_reply_param(reply, "Setting");
		ASSERT_NE(NULL, p);
		EXPECT_TRUE(p->value.embedded_instance);
		ASSERT_EQ(CIM_ERR_OK, cimxml_parse_instance(
			cim_value_get_string(&p->value, 0), &setting, err,
			sizeof(err)));
		EXPECT_STREQ("2", cim_value_get_string(
			&cim_instance_prop(setting, "CopyPriority")->value, 0));
		cim_instance_free(setting);
		cimxml_reply_free(reply);
		free(doc);
	}
}

TEST(error_responses_read_back)
{
	struct cimxml_response r = intrinsic_response;
	struct cimxml_reply *reply;
	char *doc;

	doc = cimxml_respond_error(&r, CIM_ERR_NOT_FOUND, "no <such> job", NULL);
	reply = reply_of(_metadata, doc);
	ASSERT_NE(NULL, reply);
	EXPECT_EQ(CIM_ERR_NOT_FOUND, reply->error);
	EXPECT_STREQ("no <such> job", reply->error_description);
	cimxml_reply_free(reply);
	free(doc);
	r.intrinsic = false;
	doc = cimxml_respond_error(&r, CIM_ERR_INVALID_PARAMETER, NULL, NULL);
	reply = reply_of(_metadata, doc);
	ASSERT_NE(NULL, reply);
	EXPECT_FALSE(reply->intrinsic);
	EXPECT_EQ(CIM_ERR_INVALID_PARAMETER, reply->error);
	EXPECT_EQ(NULL, reply->error_description);
	cimxml_reply_free(reply);
	free(doc);
}

TEST(bad_responses_are_refused)
{
	static const char *const bad[] = {
		"",
		"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
		"<SIMPLEREQ/></MESSAGE></CIM>",
		"<CIM CIMVERSION=\"3.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
		"<SIMPLERSP><IMETHODRESPONSE NAME=\"X\"/></SIMPLERSP></MESSAGE></CIM>",
		"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
		"<SIMPLERSP><IMETHODRESPONSE NAME=\"X\"><IRETURNVALUE>"
		"<CLASSNAME NAME=\"A\"/><INSTANCENAME CLASSNAME=\"B\"/>"
		"</IRETURNVALUE></IMETHODRESPONSE></SIMPLERSP></MESSAGE></CIM>",
		"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
		"<SIMPLERSP><METHODRESPONSE NAME=\"X\"><ERROR CODE=\"zero\"/>"
		"</METHODRESPONSE></SIMPLERSP></MESSAGE></CIM>",
		"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
		"<SIMPLERSP><METHODRESPONSE NAME=\"X\"><RETURNVALUE PARAMTYPE=\"uint32\">"
		"<VALUE>x</VALUE></RETURNVALUE></METHODRESPONSE></SIMPLERSP></MESSAGE></CIM>",
		"<!DOCTYPE CIM [<!ENTITY a \"aaaa\">]><CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">"
		"<MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\"><SIMPLERSP><IMETHODRESPONSE NAME=\"&a;\"/>"
		"</SIMPLERSP></MESSAGE></CIM>",
	};
	struct cimxml_reply *reply = (void *)1;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(CIM_ERR_FAILED, cimxml_parse_response(bad[i], strlen(bad[i]),
								&reply, err,
								sizeof(err)));
		EXPECT_EQ(NULL, reply);
		EXPECT_NE(0, err[0]);
	}
}

TEST(requests_written_read_back)
{
	struct cim_request req = { 0 }, *back = NULL;
	struct cim_param params[5];
	struct cim_path cls = { 0 }, svc = { 0 }, vol;
	char err[256], *doc;

	/* IMETHODCALL: ClassName as CLASSNAME, a boolean */
	memset(params, 0, sizeof(params));
	req.message_id = "77";
	req.method = "EnumerateInstances";
	req.namespace = "root/cimv2";
	req.intrinsic = true;
	cim_path_init(&cls, NULL, NULL, "CIM_StorageVolume");
	params[0].name = "ClassName";
	cim_value_set_ref(&params[0].value, &cls);
	params[1].name = "DeepInheritance";
	cim_value_set(&params[1].value, CIM_TYPE_BOOLEAN, "TRUE");
	req.params = params;
	req.n_params = 2;
	doc = cimxml_request(&req, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_NE(NULL, strstr(doc, "<IPARAMVALUE NAME=\"ClassName\"><CLASSNAME NAME=\"CIM_StorageVolume\"/>"));
	ASSERT_EQ(CIM_ERR_OK, cimxml_parse_request(doc, strlen(doc), &back, err,
						   sizeof(err)));
	EXPECT_TRUE(back->intrinsic);
	EXPECT_STREQ("77", back->message_id);
	EXPECT_STREQ("root/cimv2", back->namespace);
	ASSERT_EQ(2, back->n_params);
	EXPECT_STREQ("CIM_StorageVolume",
		     cim_value_get_ref(&back->params[0].value, 0)->classname);
	EXPECT_STREQ("TRUE", cim_value_get_string(&back->params[1].value, 0));
	cim_request_free(back);
	free(doc);
	cim_value_free(&params[0].value);
	cim_value_free(&params[1].value);

	/* GetInstance: InstanceName as INSTANCENAME */
	req.method = "GetInstance";
	volume_path(&vol, NULL, NULL, "db0");
	params[0].name = "InstanceName";
	cim_value_set_ref(&params[0].value, &vol);
	req.n_params = 1;
	doc = cimxml_request(&req, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_NE(NULL, strstr(doc, "<IPARAMVALUE NAME=\"InstanceName\"><INSTANCENAME CLASSNAME=\"CIM_StorageVolume\">"));
	ASSERT_EQ(CIM_ERR_OK, cimxml_parse_request(doc, strlen(doc), &back, err,
						   sizeof(err)));
	EXPECT_STREQ("db0", cim_path_key(cim_value_get_ref(&back->params[0].value, 0),
					 "DeviceID"));
	cim_request_free(back);
	free(doc);
	cim_value_free(&params[0].value);

	/* METHODCALL: a scalar, arrays, a reference array, a reference, an
	 * embedded instance, a NULL */
	cim_path_init(&svc, NULL, NULL, "CIM_ReplicationService");
	cim_path_add_key(&svc, "Name", CIM_TYPE_STRING, "cimrepl");
	req.intrinsic = false;
	req.method = "CreateListReplica";
	req.target = &svc;
	params[0].name = "SyncType";
	cim_value_set(&params[0].value, CIM_TYPE_UINT16, "7");
	params[1].name = "SourceElements";
	cim_value_set_array(&params[1].value, CIM_TYPE_REFERENCE);
	cim_value_append_ref(&params[1].value, &vol);
	cim_value_append_ref(&params[1].value, &vol);
	params[2].name = "ElementNames";
	cim_value_set_array(&params[2].value, CIM_TYPE_STRING);
	cim_value_append(&params[2].value, "a&b");
	params[3].name = "ReplicationSettingData";
	cim_value_set(&params[3].value, CIM_TYPE_STRING,
		      "<INSTANCE CLASSNAME=\"CIM_ReplicationSettingData\"><PROPERTY NAME=\"CopyPriority\" TYPE=\"uint16\"><VALUE>2</VALUE></PROPERTY></INSTANCE>");
	params[3].value.embedded_instance = true;
	params[4].name = "TargetPool";
	cim_value_set_ref(&params[4].value, &cls);	/* replaced below */
	cim_value_free(&params[4].value);
	cim_value_set(&params[4].value, CIM_TYPE_UINT16, NULL);
	req.n_params = 5;
	doc = cimxml_request(&req, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_NE(NULL, strstr(doc, "<METHODCALL NAME=\"CreateListReplica\"><LOCALINSTANCEPATH>"));
	EXPECT_NE(NULL, strstr(doc, "EmbeddedObject=\"instance\"><VALUE>&lt;INSTANCE"));
	EXPECT_NE(NULL, strstr(doc, "<VALUE.REFARRAY>"));
	ASSERT_EQ(CIM_ERR_OK, cimxml_parse_request(doc, strlen(doc), &back, err,
						   sizeof(err)));
	EXPECT_FALSE(back->intrinsic);
	EXPECT_STREQ("cimrepl", cim_path_key(back->target, "Name"));
	EXPECT_STREQ("root/cimv2", back->target->namespace);
	ASSERT_EQ(5, back->n_params);
	EXPECT_STREQ("7", cim_value_get_string(&back->params[0].value, 0));
	EXPECT_EQ(CIM_TYPE_UINT16, back->params[0].value.type);
	EXPECT_EQ(2, back->params[1].value.n);
	EXPECT_STREQ("db0", cim_path_key(cim_value_get_ref(&back->params[1].value, 1),
					 "DeviceID"));
	EXPECT_STREQ("a&b", cim_value_get_string(&back->params[2].value, 0));
	EXPECT_TRUE(back->params[3].value.embedded_instance);
	EXPECT_STREQ(params[3].value.text[0],
		     cim_value_get_string(&back->params[3].value, 0));
	EXPECT_TRUE(back->params[4].value.is_null);
	cim_request_free(back);
	free(doc);

	/* no method: EINVAL */
	req.method = NULL;
	errno = 0;
	EXPECT_EQ(NULL, cimxml_request(&req, NULL));
	EXPECT_EQ(EINVAL, errno);
	for (size_t i = 0; i < 5; i++)
		cim_value_free(&params[i].value);
	cim_path_free(&vol);
	cim_path_free(&svc);
	cim_path_free(&cls);
}

TEST_HARNESS_MAIN
