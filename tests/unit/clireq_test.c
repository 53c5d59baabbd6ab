// SPDX-License-Identifier: GPL-2.0
/*
 * cimreplctl's translation of `replica create` options into a
 * CreateListReplica request (ctl/clireq.c): each option becomes its
 * parameter, and the request survives CIM-XML encoding and parsing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimxml.h"
#include "clireq.h"
#include "kselftest_harness.h"

/* The service path cimrepld answers EnumerateInstanceNames with. */
static void service_path(struct cim_path *p)
{
	memset(p, 0, sizeof(*p));
	cim_path_init(p, NULL, NULL, "CIM_ReplicationService");
	cim_path_add_key(p, "CreationClassName", CIM_TYPE_STRING,
			 "CIM_ReplicationService");
	cim_path_add_key(p, "Name", CIM_TYPE_STRING, "cimrepl");
	cim_path_add_key(p, "SystemCreationClassName", CIM_TYPE_STRING,
			 "CIM_ComputerSystem");
	cim_path_add_key(p, "SystemName", CIM_TYPE_STRING, "host1");
}

/*
 * Parse @args (NULL-terminated) as `replica create` options, build the
 * request, encode it and parse it back as cimrepld would.
 */
static struct cim_request *translate(struct __test_metadata *_metadata,
				     const char *const *args)
{
	char *argv[32], err[256] = "", *doc;
	struct replica_options o;
	struct cim_request *req, *back = NULL;
	struct cim_path svc;
	int argc = 0;

	while (args[argc])
		argv[argc] = (char *)args[argc], argc++;
	if (!replica_options_parse(argc, argv, &o, err, sizeof(err))) {
		TH_LOG("%s", err);
		return NULL;
	}
	service_path(&svc);
	req = replica_request(&o, &svc, err, sizeof(err));
	replica_options_free(&o);
	cim_path_free(&svc);
	if (!req) {
		TH_LOG("%s", err);
		return NULL;
	}
	doc = cimxml_request(req, NULL);
	cim_request_free(req);
	EXPECT_NE(NULL, doc);
	if (!doc)
		return NULL;
	EXPECT_EQ(CIM_ERR_OK, cimxml_parse_request(doc, strlen(doc), &back,
						   err, sizeof(err)));
	free(doc);
	return back;
}

static bool parse_fails(const char *const *args, const char *reason)
{
	char *argv[32], err[256] = "";
	struct replica_options o;
	int argc = 0;

	while (args[argc])
		argv[argc] = (char *)args[argc], argc++;
	if (replica_options_parse(argc, argv, &o, err, sizeof(err))) {
		replica_options_free(&o);
		return false;
	}
	return strstr(err, reason) != NULL;
}

TEST(snapshot_of_one_source_is_sync_type_and_source_elements)
{
	static const char *const args[] = { "--sync-type", "snapshot",
					    "--source", "db0", NULL };
	struct cim_request *req = translate(_metadata, args);
	const struct cim_param *p;
	const struct cim_path *ref;

	ASSERT_NE(NULL, req);
	EXPECT_FALSE(req->intrinsic);
	EXPECT_STREQ("CreateListReplica", req->method);
	EXPECT_STREQ("root/cimv2", req->namespace);
	EXPECT_STREQ("cimrepl", cim_path_key(req->target, "Name"));
	EXPECT_EQ(2, req->n_params);
	p = cim_request_param(req, "SyncType");
	ASSERT_NE(NULL, p);
	EXPECT_EQ(CIM_TYPE_UINT16, p->value.type);
	EXPECT_STREQ("7", cim_value_get_string(&p->value, 0));
	p = cim_request_param(req, "SourceElements");
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(p->value.is_array);
	ASSERT_EQ(1, p->value.n);
	ref = cim_value_get_ref(&p->value, 0);
	EXPECT_STREQ("CIM_StorageVolume", ref->classname);
	EXPECT_STREQ("db0", cim_path_key(ref, "DeviceID"));
	EXPECT_STREQ("CIM_StorageVolume", cim_path_key(ref, "CreationClassName"));
	EXPECT_STREQ("host1", cim_path_key(ref, "SystemName"));
	EXPECT_STREQ("CIM_ComputerSystem",
		     cim_path_key(ref, "SystemCreationClassName"));
	EXPECT_EQ(NULL, cim_request_param(req, "Mode"));
	EXPECT_EQ(NULL, cim_request_param(req, "WaitForCopyState"));
	cim_request_free(req);
}

TEST(every_option_becomes_its_parameter)
{
	static const char *const args[] = {
		"--sync-type=clone", "--mode", "async", "--source", "db0",
		"--source=db1", "--name", "c0", "--name", "c1",
		"--wait-for", "synchronized", "--setting",
		"DesiredCopyMethodology=3", "--setting", "ReadOnly=false",
		"--setting", "DeltaUpdateInterval=00000000000100.000000:000",
		NULL };
	struct cim_request *req = translate(_metadata, args);
	struct cim_instance *rsd;
	const struct cim_param *p;
	char err[128];

	ASSERT_NE(NULL, req);
	EXPECT_STREQ("8", cim_value_get_string(&cim_request_param(req, "SyncType")->value, 0));
	EXPECT_STREQ("3", cim_value_get_string(&cim_request_param(req, "Mode")->value, 0));
	EXPECT_STREQ("4", cim_value_get_string(&cim_request_param(req, "WaitForCopyState")->value, 0));
	p = cim_request_param(req, "SourceElements");
	ASSERT_EQ(2, p->value.n);
	EXPECT_STREQ("db1", cim_path_key(cim_value_get_ref(&p->value, 1), "DeviceID"));
	p = cim_request_param(req, "ElementNames");
	ASSERT_NE(NULL, p);
	EXPECT_EQ(CIM_TYPE_STRING, p->value.type);
	ASSERT_EQ(2, p->value.n);
	EXPECT_STREQ("c0", cim_value_get_string(&p->value, 0));
	EXPECT_STREQ("c1", cim_value_get_string(&p->value, 1));
	EXPECT_EQ(NULL, cim_request_param(req, "TargetElements"));
	EXPECT_EQ(NULL, cim_request_param(req, "TargetPool"));
	p = cim_request_param(req, "ReplicationSettingData");
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(p->value.embedded_instance);
	ASSERT_EQ(CIM_ERR_OK, cimxml_parse_instance(cim_value_get_string(&p->value, 0),
						    &rsd, err, sizeof(err)));
	EXPECT_STREQ("CIM_ReplicationSettingData", rsd->classname);
	ASSERT_EQ(3, rsd->n_props);
	EXPECT_EQ(CIM_TYPE_UINT16, rsd->props[0].value.type);
	EXPECT_STREQ("3", cim_value_get_string(&rsd->props[0].value, 0));
	EXPECT_EQ(CIM_TYPE_BOOLEAN, rsd->props[1].value.type);
	EXPECT_EQ(CIM_TYPE_DATETIME, rsd->props[2].value.type);
	cim_instance_free(rsd);
	cim_request_free(req);
}

TEST(targets_and_pool_are_references)
{
	static const char *const targets[] = {
		"--sync-type", "8", "--source", "db0", "--target", "free0", NULL };
	static const char *const pool[] = {
		"--sync-type", "snapshot", "--source", "db0", "--pool", "snaps",
		NULL };
	struct cim_request *req = translate(_metadata, targets);
	const struct cim_param *p;

	ASSERT_NE(NULL, req);
	p = cim_request_param(req, "TargetElements");
	ASSERT_NE(NULL, p);
	ASSERT_EQ(1, p->value.n);
	EXPECT_STREQ("free0", cim_path_key(cim_value_get_ref(&p->value, 0), "DeviceID"));
	cim_request_free(req);

	req = translate(_metadata, pool);
	ASSERT_NE(NULL, req);
	p = cim_request_param(req, "TargetPool");
	ASSERT_NE(NULL, p);
	EXPECT_FALSE(p->value.is_array);
	EXPECT_STREQ("CIM_StoragePool", cim_value_get_ref(&p->value, 0)->classname);
	EXPECT_STREQ("cimrepl:pool:snaps",
		     cim_path_key(cim_value_get_ref(&p->value, 0), "InstanceID"));
	cim_request_free(req);
}

TEST(bad_options_are_usage_errors)
{
	static const char *const no_type[] = { "--source", "db0", NULL };
	static const char *const no_source[] = { "--sync-type", "clone", NULL };
	static const char *const bad_type[] = { "--sync-type", "copy", "--source", "a", NULL };
	static const char *const bad_mode[] = { "--sync-type", "clone", "--mode", "x",
						"--source", "a", NULL };
	static const char *const bad_state[] = { "--sync-type", "clone", "--wait-for",
						 "done", "--source", "a", NULL };
	static const char *const missing[] = { "--sync-type", "clone", "--source", NULL };
	static const char *const unknown[] = { "--sync-type", "clone", "--source", "a",
					       "--frob", NULL };

	EXPECT_TRUE(parse_fails(no_type, "--sync-type is required"));
	EXPECT_TRUE(parse_fails(no_source, "--source is required"));
	EXPECT_TRUE(parse_fails(bad_type, "unknown SyncType"));
	EXPECT_TRUE(parse_fails(bad_mode, "unknown Mode"));
	EXPECT_TRUE(parse_fails(bad_state, "unknown CopyState"));
	EXPECT_TRUE(parse_fails(missing, "needs a value"));
	EXPECT_TRUE(parse_fails(unknown, "unknown argument"));
}

TEST(bad_settings_are_refused)
{
	static const char *const args[] = { "--sync-type", "clone", "--source", "a",
					    "--setting", "CopyPriority", NULL };
	static const char *const text[] = { "--sync-type", "clone", "--source", "a",
					    "--setting", "CopyPriority=high", NULL };
	static const char *const twice[] = { "--sync-type", "clone", "--source", "a",
					     "--setting", "A=1", "--setting", "a=2", NULL };
	char *argv[16], err[256];
	const char *const *cases[] = { args, text, twice };
	const char *reasons[] = { "not KEY=VALUE", "is not a number", "given twice" };
	struct replica_options o;
	struct cim_request *req;
	struct cim_path svc;
	size_t c;

	service_path(&svc);
	for (c = 0; c < 3; c++) {
		int argc = 0;

		while (cases[c][argc])
			argv[argc] = (char *)cases[c][argc], argc++;
		ASSERT_TRUE(replica_options_parse(argc, argv, &o, err, sizeof(err)));
		req = replica_request(&o, &svc, err, sizeof(err));
		EXPECT_EQ(NULL, req);
		EXPECT_NE(NULL, strstr(err, reasons[c]));
		cim_request_free(req);
		replica_options_free(&o);
	}
	cim_path_free(&svc);
}

TEST(job_ids_and_intrinsic_requests)
{
	struct cim_request *req;
	struct cim_path path;
	char *doc;

	ASSERT_TRUE(cli_job_path("7", &path));
	EXPECT_STREQ("cimrepl:job:7", cim_path_key(&path, "InstanceID"));
	req = cli_intrinsic_request("GetInstance", NULL, &path);
	cim_path_free(&path);
	ASSERT_NE(NULL, req);
	doc = cimxml_request(req, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_NE(NULL, strstr(doc, "<IPARAMVALUE NAME=\"InstanceName\"><INSTANCENAME CLASSNAME=\"CIM_ConcreteJob\">"));
	free(doc);
	cim_request_free(req);
	ASSERT_TRUE(cli_job_path("cimrepl:job:12", &path));
	EXPECT_STREQ("cimrepl:job:12", cim_path_key(&path, "InstanceID"));
	cim_path_free(&path);
	EXPECT_FALSE(cli_job_path("x7", &path));
	EXPECT_FALSE(cli_job_path("", &path));

	req = cli_intrinsic_request("EnumerateInstanceNames",
				    "CIM_ReplicationService", NULL);
	ASSERT_NE(NULL, req);
	doc = cimxml_request(req, NULL);
	ASSERT_NE(NULL, doc);
	EXPECT_NE(NULL, strstr(doc, "<IMETHODCALL NAME=\"EnumerateInstanceNames\"><LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/><NAMESPACE NAME=\"cimv2\"/></LOCALNAMESPACEPATH><IPARAMVALUE NAME=\"ClassName\"><CLASSNAME NAME=\"CIM_ReplicationService\"/></IPARAMVALUE>"));
	free(doc);
	cim_request_free(req);
}

TEST_HARNESS_MAIN
