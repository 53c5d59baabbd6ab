// SPDX-License-Identifier: GPL-2.0
/*
 * One CIM operation over HTTP (DSP0200) with libcurl; see cimclient.h.
 */
#include <ctype.h>
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cimclient.h"

/* A response bigger than this is not one of ours. */
#define MAX_RESPONSE (256u << 20)

struct sink {
	struct cim_client_reply *reply;
	size_t cap;
	bool overflow;
};

static void errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int cim_client_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void cim_client_exit(void)
{
	curl_global_cleanup();
}

void cim_client_reply_free(struct cim_client_reply *reply)
{
	if (!reply)
		return;
	free(reply->body);
	free(reply->cim_error);
	*reply = (struct cim_client_reply){ 0 };
}

/*
 * DSP0200 carries CIMMethod and CIMObject %-escaped: keep what a URI may
 * hold as it is, escape the rest (spaces, quotes, '%', non-ASCII).
 */
static char *escape(const char *s)
{
	static const char keep[] = "-_.~/:=,";
	char *out = malloc(strlen(s) * 3 + 1), *o = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || strchr(keep, c)) {
			*o++ = (char)c;
		} else {
			sprintf(o, "%%%02X", c);
			o += 3;
		}
	}
	*o = '\0';
	return out;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *cls)
{
	struct sink *s = cls;
	struct cim_client_reply *r = s->reply;
	size_t n = size * nmemb;

	if (n > MAX_RESPONSE - r->len) {
		s->overflow = true;
		return 0;
	}
	if (r->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 8192;
		char *p;

		while (cap < r->len + n + 1)
			cap *= 2;
		p = realloc(r->body, cap);
		if (!p) {
			s->overflow = true;
			return 0;
		}
		r->body = p;
		s->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return n;
}

/* Header lines, one per call; "NN-" prefixes (an M-POST answer) skipped. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *cls)
{
	struct sink *s = cls;
	size_t n = size * nmemb, name_len, vlen;
	const char *colon, *name = data, *v;

	colon = memchr(data, ':', n);
	if (!colon)
		return n;
	if (n > 3 && isdigit((unsigned char)data[0]) &&
	    isdigit((unsigned char)data[1]) && data[2] == '-')
		name += 3;
	name_len = (size_t)(colon - name);
	v = colon + 1;
	while (v < data + n && (*v == ' ' || *v == '\t'))
		v++;
	vlen = (size_t)(data + n - v);
	while (vlen && isspace((unsigned char)v[vlen - 1]))
		vlen--;
	if (name_len == 8 && !strncasecmp(name, "CIMError", 8)) {
		free(s->reply->cim_error);
		s->reply->cim_error = strndup(v, vlen);
	} else if (name_len == 12 && !strncasecmp(name, "CIMOperation", 12)) {
		s->reply->method_response =
			vlen == 14 && !strncmp(v, "MethodResponse", 14);
	}
	return n;
}

/* The URL: @url with /cimom when it has no path; localhost for UNIX. */
static char *target_url(const struct cim_client_config *cfg)
{
	const char *u = cfg->url, *sep;
	char *out;

	if (!u)
		return strdup("http://localhost/cimom");
	sep = strstr(u, "://");
	if (sep && !strchr(sep + 3, '/')) {
		if (asprintf(&out, "%s/cimom", u) < 0)
			return NULL;
		return out;
	}
	return strdup(u);
}

static struct curl_slist *add_header(struct curl_slist *list, bool *ok,
				     const char *name, const char *value)
{
	struct curl_slist *l;
	char *line;

	if (!*ok)
		return list;
	if (asprintf(&line, "%s: %s", name, value) < 0) {
		*ok = false;
		return list;
	}
	l = curl_slist_append(list, line);
	free(line);
	if (!l) {
		*ok = false;
		return list;
	}
	return l;
}

int cim_client_call(const struct cim_client_config *cfg,
		    const char *cim_method, const char *cim_object,
		    const char *body, size_t len,
		    struct cim_client_reply *reply, char *err, size_t errlen)
{
	char curl_err[CURL_ERROR_SIZE] = "";
	struct sink sink = { .reply = reply };
	char *method = NULL, *object = NULL, *url = NULL;
	struct curl_slist *headers = NULL;
	CURL *curl = NULL;
	bool ok = true;
	CURLcode rc;
	int ret = -1;

	*reply = (struct cim_client_reply){ 0 };
	method = escape(cim_method);
	object = escape(cim_object);
	url = target_url(cfg);
	curl = curl_easy_init();
	if (!method || !object || !url || !curl) {
		errf(err, errlen, "out of memory");
		goto out;
	}
	headers = add_header(headers, &ok, "Content-Type",
			     "application/xml; charset=\"utf-8\"");
	headers = add_header(headers, &ok, "Accept", "application/xml");
	headers = add_header(headers, &ok, "CIMProtocolVersion", "1.0");
	headers = add_header(headers, &ok, "CIMOperation", "MethodCall");
	headers = add_header(headers, &ok, "CIMMethod", method);
	headers = add_header(headers, &ok, "CIMObject", object);
	/* No "Expect: 100-continue" round trip for large bodies. */
	headers = add_header(headers, &ok, "Expect", "");
	if (!ok) {
		errf(err, errlen, "out of memory");
		goto out;
	}

	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
	/* with https this includes the TLS handshake: slow on a busy small VM */
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
			 cfg->url && !strncasecmp(cfg->url, "https:", 6) ? 30L : 10L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, cfg->timeout_s);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink);
	if (cfg->url) {
		if (cfg->cacert)
			curl_easy_setopt(curl, CURLOPT_CAINFO, cfg->cacert);
		if (cfg->insecure) {
			curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
			curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
		}
		if (cfg->user) {
			curl_easy_setopt(curl, CURLOPT_HTTPAUTH,
					 (long)CURLAUTH_BASIC);
			curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->user);
			curl_easy_setopt(curl, CURLOPT_PASSWORD,
					 cfg->password ? cfg->password : "");
		}
	} else {
		curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH,
				 cfg->unix_path ? cfg->unix_path :
				 CIM_CLIENT_UNIX_PATH);
	}

	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		if (sink.overflow)
			errf(err, errlen, "response too large");
		else if (!cfg->url)
			errf(err, errlen, "%s: %s",
			     cfg->unix_path ? cfg->unix_path :
			     CIM_CLIENT_UNIX_PATH,
			     curl_err[0] ? curl_err : curl_easy_strerror(rc));
		else
			errf(err, errlen, "%s: %s", url,
			     curl_err[0] ? curl_err : curl_easy_strerror(rc));
		cim_client_reply_free(reply);
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply->status);
	if (!reply->body) {
		reply->body = strdup("");
		if (!reply->body) {
			errf(err, errlen, "out of memory");
			cim_client_reply_free(reply);
			goto out;
		}
	}
	ret = 0;
out:
	curl_slist_free_all(headers);
	if (curl)
		curl_easy_cleanup(curl);
	free(method);
	free(object);
	free(url);
	return ret;
}
