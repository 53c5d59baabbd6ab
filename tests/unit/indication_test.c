// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of what indications are made of, under ASan/UBSan: the
 * filter query subset (ctl/cql.c) - what it accepts, what it refuses and
 * with which CIM status, how it matches job and synchronization changes -
 * and the CIM-XML export request (ctl/cimxml_export.c), read back with
 * libxml2 and the daemon's own instance parser.
 */
#include <sanitizer/lsan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cimxml.h"
#include "cimxml_export.h"
#include "cql.h"
#include "kselftest_harness.h"

static int leaks(void)
{
	return __lsan_do_recoverable_leak_check();
}

/* The class tree the tests need. */
static bool test_isa(const char *name, const char *ancestor)
{
	static const char *const tree[][2] = {
		{ "CIM_ConcreteJob", "CIM_Job" },
		{ "CIM_ConcreteJob", "CIM_LogicalElement" },
		{ "CIM_StorageSynchronized", "CIM_Synchronized" },
	};
	size_t i;

	if (!strcasecmp(name, ancestor))
		return true;
	for (i = 0; i < sizeof(tree) / sizeof(tree[0]); i++)
		if (!strcasecmp(tree[i][0], name) &&
		    !strcasecmp(tree[i][1], ancestor))
			return true;
	return false;
}

static struct cim_instance *job(const char *state, const char *percent,
				bool done_ok)
{
	struct cim_instance *inst = cim_instance_new("CIM_ConcreteJob");
	struct cim_value *v;

	cim_instance_set_prop(inst, "InstanceID", CIM_TYPE_STRING,
			      "cimrepl:job:1");
	cim_instance_set_prop(inst, "JobState", CIM_TYPE_UINT16, state);
	cim_instance_set_prop(inst, "PercentComplete", CIM_TYPE_UINT16, percent);
	cim_instance_set_prop(inst, "JobStatus", CIM_TYPE_STRING, "it's \"fine\"");
	v = cim_instance_add_prop(inst, "OperationalStatus");
	cim_value_set_array(v, CIM_TYPE_UINT16);
	cim_value_append(v, done_ok ? "2" : "6");
	if (!strcmp(state, "7") || !strcmp(state, "10"))
		cim_value_append(v, "17");
	return inst;
}

static struct cim_instance *sync_instance(const char *copy_state)
{
	struct cim_instance *inst = cim_instance_new("CIM_StorageSynchronized");

	cim_instance_set_prop(inst, "CopyState", CIM_TYPE_UINT16, copy_state);
	cim_instance_set_prop(inst, "SyncType", CIM_TYPE_UINT16, "8");
	return inst;
}

static int parse_status(const char *language, const char *text)
{
	struct cql_query *q = NULL;
	char err[256];
	int rc = cql_parse(language, text, &q, err, sizeof(err));

	cql_free(q);
	return rc;
}

static bool matches(const char *text, const struct cim_instance *src,
		    const struct cim_instance *prev)
{
	struct cql_query *q = NULL;
	char err[256] = "";
	bool m;

	if (cql_parse("DMTF:CQL", text, &q, err, sizeof(err))) {
		fprintf(stderr, "# %s: %s\n", text, err);
		return false;
	}
	m = cql_match(q, "CIM_InstModification", src, prev, test_isa);
	cql_free(q);
	return m;
}

#define JOB_CHANGE "SELECT * FROM CIM_InstModification WHERE SourceInstance " \
	"ISA CIM_ConcreteJob AND SourceInstance.CIM_ConcreteJob::JobState <> " \
	"PreviousInstance.CIM_ConcreteJob::JobState"
#define JOB_DONE_OK "SELECT * FROM CIM_InstModification WHERE " \
	"SourceInstance ISA CIM_ConcreteJob AND ANY " \
	"SourceInstance.CIM_ConcreteJob::OperationalStatus[*] = 17 AND ANY " \
	"SourceInstance.CIM_ConcreteJob::OperationalStatus[*] = 2"
#define JOB_FAILED "SELECT * FROM CIM_InstModification WHERE " \
	"SourceInstance ISA CIM_ConcreteJob AND ANY " \
	"SourceInstance.CIM_ConcreteJob::OperationalStatus[*] = 17 AND ANY " \
	"SourceInstance.CIM_ConcreteJob::OperationalStatus[*] = 6"
#define SYNC_CHANGE "SELECT * FROM CIM_InstModification WHERE " \
	"SourceInstance ISA CIM_StorageSynchronized AND " \
	"SourceInstance.CIM_StorageSynchronized::CopyState <> " \
	"PreviousInstance.CIM_StorageSynchronized::CopyState"

TEST(smis_job_and_sync_queries_parse_in_cql_and_wql)
{
	EXPECT_EQ(CIM_ERR_OK, parse_status("DMTF:CQL", JOB_CHANGE));
	EXPECT_EQ(CIM_ERR_OK, parse_status("DMTF:CQL", JOB_DONE_OK));
	EXPECT_EQ(CIM_ERR_OK, parse_status("DMTF:CQL", JOB_FAILED));
	EXPECT_EQ(CIM_ERR_OK, parse_status("DMTF:CQL", SYNC_CHANGE));
	EXPECT_EQ(CIM_ERR_OK, parse_status("CQL", "select * from cim_instmodification"));
	EXPECT_EQ(CIM_ERR_OK, parse_status("WQL",
		"SELECT * FROM CIM_InstModification WHERE SourceInstance ISA "
		"\"CIM_ConcreteJob\" AND SourceInstance.JobState = 7"));
	EXPECT_EQ(CIM_ERR_OK, parse_status("WQL",
		"SELECT * FROM CIM_InstModification WHERE (SourceInstance ISA "
		"CIM_StorageSynchronized) AND NOT (SourceInstance.CopyState = "
		"PreviousInstance.CopyState OR SourceInstance.CopyState IS NULL)"));
	EXPECT_EQ(0, leaks());
}

TEST(outside_the_subset_is_not_supported_and_garbage_invalid)
{
	/* other languages, indication classes, projections, operators */
	EXPECT_EQ(CIM_ERR_NOT_SUPPORTED, parse_status("SQL", JOB_CHANGE));
	EXPECT_EQ(CIM_ERR_NOT_SUPPORTED, parse_status(NULL, JOB_CHANGE));
	EXPECT_EQ(CIM_ERR_NOT_SUPPORTED, parse_status("DMTF:CQL",
		"SELECT * FROM CIM_InstCreation WHERE SourceInstance ISA CIM_ConcreteJob"));
	EXPECT_EQ(CIM_ERR_NOT_SUPPORTED, parse_status("DMTF:CQL",
		"SELECT * FROM CIM_AlertIndication"));
	EXPECT_EQ(CIM_ERR_NOT_SUPPORTED, parse_status("DMTF:CQL",
		"SELECT SourceInstance FROM CIM_InstModification"));
	EXPECT_EQ(CIM_ERR_NOT_SUPPORTED, parse_status("DMTF:CQL",
		"SELECT * FROM CIM_InstModification WHERE SourceInstance.Name LIKE 'x%'"));
	EXPECT_EQ(CIM_ERR_NOT_SUPPORTED, parse_status("DMTF:CQL",
		"SELECT * FROM CIM_InstModification WHERE UPPER(SourceInstance.Name) = 'X'"));
	EXPECT_EQ(CIM_ERR_NOT_SUPPORTED, parse_status("DMTF:CQL",
		"SELECT * FROM CIM_InstModification WHERE SourceInstance.OperationalStatus[0] = 2"));
	EXPECT_EQ(CIM_ERR_NOT_SUPPORTED, parse_status("DMTF:CQL",
		"SELECT * FROM CIM_InstModification WHERE SourceInstance.PercentComplete > 1.5"));
	EXPECT_EQ(CIM_ERR_NOT_SUPPORTED, parse_status("DMTF:CQL",
		"SELECT * FROM CIM_InstModification WHERE IndicationTime > 0"));
	EXPECT_EQ(CIM_ERR_NOT_SUPPORTED, parse_status("DMTF:CQL",
		"SELECT * FROM CIM_InstModification, CIM_InstCreation"));
	EXPECT_EQ(CIM_ERR_NOT_SUPPORTED, parse_status("DMTF:CQL",
		"SELECT * FROM CIM_InstModification WHERE SourceInstance.X = 1 ORDER BY X"));
	/* not a query at all */
	EXPECT_EQ(CIM_ERR_INVALID_PARAMETER, parse_status("DMTF:CQL", ""));
	EXPECT_EQ(CIM_ERR_INVALID_PARAMETER, parse_status("DMTF:CQL", "hello"));
	EXPECT_EQ(CIM_ERR_INVALID_PARAMETER, parse_status("DMTF:CQL",
		"SELECT * FROM CIM_InstModification WHERE"));
	EXPECT_EQ(CIM_ERR_INVALID_PARAMETER, parse_status("DMTF:CQL",
		"SELECT * FROM CIM_InstModification WHERE (SourceInstance ISA CIM_ConcreteJob"));
	EXPECT_EQ(CIM_ERR_INVALID_PARAMETER, parse_status("DMTF:CQL",
		"SELECT * FROM CIM_InstModification WHERE SourceInstance.Name = 'open"));
	EXPECT_EQ(CIM_ERR_INVALID_PARAMETER, parse_status("DMTF:CQL",
		"SELECT * FROM CIM_InstModification WHERE SourceInstance.Name = ;"));
	EXPECT_EQ(CIM_ERR_INVALID_PARAMETER, parse_status("DMTF:CQL",
		"SELECT * FROM CIM_InstModification WHERE SourceInstance ISA"));
	EXPECT_EQ(0, leaks());
}

TEST(nesting_and_size_are_bounded)
{
	char *deep = malloc(CQL_MAX_QUERY + 64), *p;
	int i;

	ASSERT_NE(NULL, deep);
	p = deep + sprintf(deep, "SELECT * FROM CIM_InstModification WHERE ");
	for (i = 0; i < 100; i++)
		*p++ = '(';
	sprintf(p, "SourceInstance IS NULL");
	EXPECT_EQ(CIM_ERR_NOT_SUPPORTED, parse_status("DMTF:CQL", deep));
	memset(deep, ' ', CQL_MAX_QUERY + 1);
	deep[CQL_MAX_QUERY + 1] = '\0';
	memcpy(deep, "SELECT", 6);
	EXPECT_EQ(CIM_ERR_INVALID_PARAMETER, parse_status("DMTF:CQL", deep));
	free(deep);
	EXPECT_EQ(0, leaks());
}

TEST(job_state_change_and_completion_match_what_they_say)
{
	struct cim_instance *running = job("4", "40", true);
	struct cim_instance *running2 = job("4", "60", true);
	struct cim_instance *done = job("7", "100", true);
	struct cim_instance *failed = job("10", "60", false);
	struct cim_instance *sync = sync_instance("4");

	EXPECT_TRUE(matches(JOB_CHANGE, done, running));
	EXPECT_FALSE(matches(JOB_CHANGE, running2, running));
	EXPECT_TRUE(matches(JOB_DONE_OK, done, running));
	EXPECT_FALSE(matches(JOB_DONE_OK, running2, running));
	EXPECT_FALSE(matches(JOB_DONE_OK, failed, running));
	EXPECT_TRUE(matches(JOB_FAILED, failed, running));
	EXPECT_FALSE(matches(JOB_FAILED, done, running));
	/* a synchronization is not a job; scoped properties are NULL for it */
	EXPECT_FALSE(matches(JOB_CHANGE, sync, sync));
	/* without a previous instance, a comparison with it is unknown */
	EXPECT_FALSE(matches(JOB_CHANGE, done, NULL));
	EXPECT_TRUE(matches("SELECT * FROM CIM_InstModification WHERE "
			    "PreviousInstance IS NULL", done, NULL));
	EXPECT_TRUE(matches("SELECT * FROM CIM_InstModification WHERE "
			    "SourceInstance.PercentComplete >= 100 AND "
			    "SourceInstance.PercentComplete > PreviousInstance.PercentComplete",
			    done, running));
	EXPECT_TRUE(matches("SELECT * FROM CIM_InstModification WHERE "
			    "SourceInstance ISA CIM_Job AND SourceInstance.JobStatus = "
			    "'it''s \"fine\"'", done, running));
	EXPECT_TRUE(matches("SELECT * FROM CIM_InstModification WHERE "
			    "EVERY SourceInstance.OperationalStatus[*] <> 6",
			    done, running));
	EXPECT_FALSE(matches("SELECT * FROM CIM_InstModification WHERE "
			     "NOT SourceInstance.Missing = 1", done, running));
	EXPECT_TRUE(matches("SELECT * FROM CIM_InstModification WHERE "
			    "SourceInstance.Missing = 1 OR SourceInstance.JobState = 7",
			    done, running));
	cim_instance_free(running);
	cim_instance_free(running2);
	cim_instance_free(done);
	cim_instance_free(failed);
	cim_instance_free(sync);
	EXPECT_EQ(0, leaks());
}

TEST(sync_copy_state_change_matches_only_when_it_changes)
{
	struct cim_instance *unsync = sync_instance("3");
	struct cim_instance *synced = sync_instance("4");
	struct cim_instance *done = job("7", "100", true);
	struct cql_query *q = NULL;
	char err[128];

	EXPECT_TRUE(matches(SYNC_CHANGE, synced, unsync));
	EXPECT_FALSE(matches(SYNC_CHANGE, synced, synced));
	EXPECT_FALSE(matches(SYNC_CHANGE, done, done));
	EXPECT_TRUE(matches("SELECT * FROM CIM_InstModification WHERE "
			    "SourceInstance ISA CIM_Synchronized AND "
			    "SourceInstance.CopyState = 4", synced, unsync));
	/* a query matches only the indication class it names */
	ASSERT_EQ(CIM_ERR_OK, cql_parse("WQL", SYNC_CHANGE, &q, err, sizeof(err)));
	EXPECT_FALSE(cql_match(q, "CIM_InstCreation", synced, unsync, test_isa));
	EXPECT_STREQ("CIM_InstModification", cql_from(q));
	cql_free(q);
	cim_instance_free(unsync);
	cim_instance_free(synced);
	cim_instance_free(done);
	EXPECT_EQ(0, leaks());
}

static xmlNode *child(xmlNode *parent, const char *name)
{
	xmlNode *c;

	for (c = parent ? parent->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !xmlStrcmp(c->name, BAD_CAST name))
			return c;
	return NULL;
}

static char *attr(xmlNode *n, const char *name)
{
	xmlChar *v = n ? xmlGetProp(n, BAD_CAST name) : NULL;
	char *s = v ? strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

static const char ok_answer[] =
	"<?xml version=\"1.0\"?><CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.4\">"
	"<MESSAGE ID=\"9\" PROTOCOLVERSION=\"1.0\"><SIMPLEEXPRSP>"
	"<EXPMETHODRESPONSE NAME=\"ExportIndication\"/></SIMPLEEXPRSP>"
	"</MESSAGE></CIM>";
static const char error_answer[] =
	"<CIM><MESSAGE><SIMPLEEXPRSP><EXPMETHODRESPONSE NAME=\"x\">"
	"<ERROR CODE=\"1\" DESCRIPTION=\"no\"/></EXPMETHODRESPONSE>"
	"</SIMPLEEXPRSP></MESSAGE></CIM>";

TEST(export_request_carries_the_indication_with_embedded_instances)
{
	struct cim_instance *ind = cim_instance_new("CIM_InstModification");
	struct cim_instance *src = job("7", "100", true), *back = NULL;
	char *src_text = cimxml_instance_string(src), *doc, *s, err[256];
	struct cim_value *v;
	xmlNode *n, *inst, *prop;
	xmlChar *content;
	xmlDoc *x;
	size_t len;

	ASSERT_NE(NULL, src_text);
	cim_instance_set_prop(ind, "IndicationIdentifier", CIM_TYPE_STRING, "cimrepl:9");
	cim_instance_set_prop(ind, "IndicationTime", CIM_TYPE_DATETIME,
			      "20261125183000.000000+000");
	v = cim_instance_add_prop(ind, "SourceInstance");
	cim_value_set(v, CIM_TYPE_STRING, src_text);
	v->embedded_instance = true;

	doc = cimxml_export_indication("9", ind, &len);
	ASSERT_NE(NULL, doc);
	EXPECT_EQ(strlen(doc), len);
	EXPECT_EQ(0, strncmp(doc, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n", 39));
	x = xmlReadMemory(doc, (int)len, NULL, NULL, XML_PARSE_NONET);
	ASSERT_NE(NULL, x);
	n = child((xmlNode *)x, "CIM");
	s = attr(n, "CIMVERSION");
	EXPECT_STREQ("2.0", s);
	free(s);
	n = child(n, "MESSAGE");
	s = attr(n, "ID");
	EXPECT_STREQ("9", s);
	free(s);
	s = attr(n, "PROTOCOLVERSION");
	EXPECT_STREQ("1.0", s);
	free(s);
	n = child(child(n, "SIMPLEEXPREQ"), "EXPMETHODCALL");
	s = attr(n, "NAME");
	EXPECT_STREQ("ExportIndication", s);
	free(s);
	n = child(n, "EXPPARAMVALUE");
	s = attr(n, "NAME");
	EXPECT_STREQ("NewIndication", s);
	free(s);
	inst = child(n, "INSTANCE");
	ASSERT_NE(NULL, inst);
	s = attr(inst, "CLASSNAME");
	EXPECT_STREQ("CIM_InstModification", s);
	free(s);
	for (prop = inst->children; prop; prop = prop->next) {
		s = attr(prop, "NAME");
		if (s && !strcmp(s, "SourceInstance"))
			break;
		free(s);
	}
	ASSERT_NE(NULL, prop);
	free(s);
	s = attr(prop, "EmbeddedObject");
	EXPECT_STREQ("instance", s);
	free(s);
	/* the embedded instance is escaped text: decoded, it is the job */
	content = xmlNodeGetContent(child(prop, "VALUE"));
	ASSERT_NE(NULL, content);
	ASSERT_EQ(0, cimxml_parse_instance((const char *)content, &back, err,
					   sizeof(err))) TH_LOG("%s", err);
	EXPECT_STREQ("CIM_ConcreteJob", back->classname);
	ASSERT_NE(NULL, cim_instance_prop(back, "JobState"));
	EXPECT_STREQ("7", cim_value_get_string(&cim_instance_prop(back, "JobState")->value, 0));
	xmlFree(content);
	xmlFreeDoc(x);

	/* a listener's answers */
	EXPECT_TRUE(cimxml_export_response_ok(ok_answer, strlen(ok_answer),
					      err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_FALSE(cimxml_export_response_ok(error_answer,
					       strlen(error_answer), err,
					       sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "ERROR 1: no")) TH_LOG("%s", err);
	EXPECT_FALSE(cimxml_export_response_ok("not xml", 7, err, sizeof(err)));

	/* text XML cannot carry is refused, not sent */
	cim_instance_set_prop(ind, "OtherSeverity", CIM_TYPE_STRING, "bell\a");
	errno = 0;
	EXPECT_EQ(NULL, cimxml_export_indication("10", ind, NULL));
	EXPECT_EQ(EILSEQ, errno);
	EXPECT_EQ(NULL, cimxml_export_indication("10", NULL, NULL));

	free(doc);
	free(src_text);
	cim_instance_free(back);
	cim_instance_free(src);
	cim_instance_free(ind);
	EXPECT_EQ(0, leaks());
}

TEST_HARNESS_MAIN
