// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target for the CIM-XML codec (ctl/cimxml.c): every input is parsed
 * as a request, as a response (cimreplctl's side) and as an embedded
 * instance; whatever parses is encoded again (a method response echoing
 * every parameter, an error, the request written back and read again, a
 * response's instances and out parameters re-encoded, the instance as
 * text and parsed back), so the writer sees what the reader accepts.
 *
 * `make fuzz` builds it with clang -fsanitize=fuzzer,address,undefined and
 * runs libFuzzer over tests/fuzz/corpus; tests/fuzz/replay.c replays the
 * corpus through it under ASan/UBSan in `make unit` without clang.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cimxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Encode responses from a parsed request, and check what must hold. */
static void encode_from_request(const struct cim_request *req)
{
	struct cimxml_response r = {
		.message_id = req->message_id,
		.method = req->method,
		.intrinsic = req->intrinsic,
		.namespace = req->namespace,
	};
	char *doc;
	size_t i;

	doc = cimxml_respond_method(&r, NULL, req->params, req->n_params, NULL);
	free(doc);
	r.wbemcli_refarrays = true;
	doc = cimxml_respond_method(&r, NULL, req->params, req->n_params, NULL);
	free(doc);
	doc = cimxml_respond_error(&r, CIM_ERR_FAILED, req->method, NULL);
	if (!doc)
		abort();	/* only fails for lack of memory */
	free(doc);
	if (req->target) {
		doc = cimxml_respond_instance_names(&r, req->target, 1, NULL);
		free(doc);
		doc = cimxml_respond_object_paths(&r, req->target, 1, NULL);
		free(doc);
	}
	for (i = 0; i < req->n_params; i++) {
		const struct cim_value *v = &req->params[i].value;
		struct cim_instance *inst;
		struct cim_value copy;
		char err[128];

		if (cim_value_copy(&copy, v))
			cim_value_free(&copy);
		if (v->embedded_instance && cim_value_get_string(v, 0) &&
		    cimxml_parse_instance(cim_value_get_string(v, 0), &inst, err,
					  sizeof(err)) == CIM_ERR_OK)
			cim_instance_free(inst);
	}
}

/* Write a parsed request back out as a request, and read that again. */
static void request_round_trip(const struct cim_request *req)
{
	struct cim_request *again;
	char err[256], *doc;
	size_t len;

	doc = cimxml_request(req, &len);
	if (!doc)
		return;
	if (cimxml_parse_request(doc, len, &again, err, sizeof(err)) ==
	    CIM_ERR_OK)
		cim_request_free(again);
	free(doc);
}

/* Parse @data as a response; encode what it held again. */
static void response_round_trip(const uint8_t *data, size_t size)
{
	struct cimxml_response r = { .message_id = "1", .method = "M",
				     .namespace = "root/cimv2" };
	struct cimxml_reply *reply, *again;
	char err[256], *doc;
	size_t len;

	if (cimxml_parse_response((const char *)data, size, &reply, err,
				  sizeof(err)) != CIM_ERR_OK)
		return;
	r.intrinsic = reply->intrinsic;
	if (reply->error)
		doc = cimxml_respond_error(&r, reply->error,
					   reply->error_description, &len);
	else if (!reply->intrinsic)
		doc = cimxml_respond_method(&r, reply->has_return ?
					    &reply->ret : NULL, reply->params,
					    reply->n_params, &len);
	else if (reply->kind == CIMXML_IRETURN_INSTANCES)
		doc = cimxml_respond_named_instances(&r,
			(const struct cim_instance *const *)reply->instances,
			reply->n_instances, &len);
	else if (reply->kind == CIMXML_IRETURN_NAMES)
		doc = cimxml_respond_instance_names(&r, reply->names,
						    reply->n_names, &len);
	else
		doc = cimxml_respond_void(&r, &len);
	if (doc && cimxml_parse_response(doc, len, &again, err, sizeof(err)) ==
	    CIM_ERR_OK)
		cimxml_reply_free(again);
	free(doc);
	cimxml_reply_free(reply);
}

/* Parse @text as an instance; encode it and parse the encoding again. */
static void instance_round_trip(const char *text)
{
	struct cim_instance *inst, *again;
	char err[128], *encoded;

	if (cimxml_parse_instance(text, &inst, err, sizeof(err)) != CIM_ERR_OK)
		return;
	encoded = cimxml_instance_string(inst);
	if (encoded) {
		/* What we write, we must read back, with as many properties. */
		if (cimxml_parse_instance(encoded, &again, err, sizeof(err)) !=
		    CIM_ERR_OK || again->n_props != inst->n_props)
			abort();
		cim_instance_free(again);
		free(encoded);
	}
	cim_instance_free(inst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cim_request *req;
	char err[256], *text;

	if (cimxml_parse_request((const char *)data, size, &req, err,
				 sizeof(err)) == CIM_ERR_OK) {
		encode_from_request(req);
		request_round_trip(req);
		cim_request_free(req);
	}
	response_round_trip(data, size);
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	instance_round_trip(text);
	free(text);
	return 0;
}
