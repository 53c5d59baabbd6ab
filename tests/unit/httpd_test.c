// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of cimrepld's HTTP front door (ctl/httpd.c) and of the client
 * cimreplctl uses (ctl/cimclient.c), under ASan/UBSan: a server on a
 * temporary UNIX socket and a loopback TCP port picked by the kernel, with
 * a handler that echoes, driven by the client library, by raw HTTP, by
 * curl(1) and by wbemcli (Debian's sblim-wbemcli, a real WBEM client).
 */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sanitizer/lsan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cimclient.h"
#include "httpd.h"
#include "kselftest_harness.h"

#define USER "alice"
#define PASSWORD "s3cret.pass"
#define MAX_BODY (64u << 10)

/* What the handler saw; the server calls it from its own threads. */
static struct {
	pthread_mutex_t lock;
	int calls;
	char method[128];
	char object[256];
	char user[64];
	bool local;
	size_t len;
} seen = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int seen_calls(void)
{
	int n;

	pthread_mutex_lock(&seen.lock);
	n = seen.calls;
	pthread_mutex_unlock(&seen.lock);
	return n;
}

/* A valid, empty answer to an intrinsic method, for wbemcli. */
static char *empty_answer(const char *req, const char *method)
{
	const char *id = strstr(req, "MESSAGE ID=\"");
	char *out;
	int idlen;

	id = id ? id + 12 : "1\"";
	idlen = (int)strcspn(id, "\"");
	if (asprintf(&out,
		     "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
		     "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">"
		     "<MESSAGE ID=\"%.*s\" PROTOCOLVERSION=\"1.0\"><SIMPLERSP>"
		     "<IMETHODRESPONSE NAME=\"%s\"><IRETURNVALUE>"
		     "</IRETURNVALUE></IMETHODRESPONSE></SIMPLERSP></MESSAGE>"
		     "</CIM>\n", idlen, id, method) < 0)
		return NULL;
	return out;
}

static int echo(void *arg, const struct cim_httpd_request *req,
		struct cim_httpd_response *resp)
{
	(void)arg;
	pthread_mutex_lock(&seen.lock);
	seen.calls++;
	snprintf(seen.method, sizeof(seen.method), "%s", req->cim_method);
	snprintf(seen.object, sizeof(seen.object), "%s", req->cim_object);
	snprintf(seen.user, sizeof(seen.user), "%s", req->user);
	seen.local = req->local;
	seen.len = req->len;
	pthread_mutex_unlock(&seen.lock);

	if (!strcmp(req->body, "fail"))
		return -EIO;
	if (!strncmp(req->body, "bad-xml", 7)) {
		resp->status = 400;
		resp->cim_error = CIM_HTTPD_ERR_NOT_WELL_FORMED;
		return 0;
	}
	if (!strcmp(req->cim_method, "EnumerateInstanceNames")) {
		resp->body = empty_answer(req->body, req->cim_method);
		if (!resp->body)
			return -ENOMEM;
		resp->len = strlen(resp->body);
		return 0;
	}
	resp->body = malloc(req->len + 1);
	if (!resp->body)
		return -ENOMEM;
	memcpy(resp->body, req->body, req->len + 1);
	resp->len = req->len;
	return 0;
}

/*
 * The harness ends each test with _exit(), which skips LeakSanitizer's
 * own check at exit: run it by hand once everything is freed.
 */
static int leaks(void)
{
	return __lsan_do_recoverable_leak_check();
}

/* A file holding @text, mode @mode. */
static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	if (fchmod(fd, mode) || close(fd) || n != (ssize_t)strlen(text))
		return -1;
	return 0;
}

static int write_credentials(const char *path, mode_t mode)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE], line[512];
	struct crypt_data cd = { 0 };
	const char *hash;

	if (!crypt_gensalt_rn("$6$", 0, NULL, 0, salt, sizeof(salt)))
		return -1;
	hash = crypt_r(PASSWORD, salt, &cd);
	if (!hash || hash[0] != '$')
		return -1;
	snprintf(line, sizeof(line), "# test users\n\n%s:%s\nbob:%s\n",
		 USER, hash, hash);
	return write_file(path, line, mode);
}

/* Send @req as it is, read the answer to EOF; returns the HTTP status. */
static int raw_http(const char *unix_path, int port, const char *req,
		    char *resp, size_t cap)
{
	size_t len = 0, sent = 0, reqlen = strlen(req);
	int fd, status = -1;
	ssize_t n;

	if (unix_path) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", unix_path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			goto out;
	} else {
		struct sockaddr_in sa = {
			.sin_family = AF_INET,
			.sin_port = htons((uint16_t)port),
			.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
		};

		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			goto out;
	}
	while (sent < reqlen) {
		n = write(fd, req + sent, reqlen - sent);
		if (n <= 0)
			goto out;
		sent += (size_t)n;
	}
	while (len + 1 < cap && (n = read(fd, resp + len, cap - len - 1)) > 0)
		len += (size_t)n;
	resp[len] = '\0';
	if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1)
		status = -1;
out:
	if (fd >= 0)
		close(fd);
	return status;
}

/* "Name: value" is one of the header lines of @resp. */
static bool has_header(const char *resp, const char *line)
{
	const char *end = strstr(resp, "\r\n\r\n");
	size_t n = strlen(line);
	const char *p;

	for (p = strstr(resp, "\r\n"); p && p < end; p = strstr(p + 2, "\r\n"))
		if (!strncasecmp(p + 2, line, n) && !strncmp(p + 2 + n, "\r\n", 2))
			return true;
	return false;
}

/* Run @cmd, its stdout into @out; returns its exit status. */
static int run(const char *cmd, char *out, size_t cap)
{
	size_t len = 0, n;
	FILE *f = popen(cmd, "r");
	int st;

	if (!f)
		return -1;
	while (len + 1 < cap && (n = fread(out + len, 1, cap - len - 1, f)) > 0)
		len += n;
	out[len] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char body[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
	"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"4711\" "
	"PROTOCOLVERSION=\"1.0\"><SIMPLEREQ><IMETHODCALL NAME=\"GetClass\">"
	"<LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/><NAMESPACE NAME=\"cimv2\"/>"
	"</LOCALNAMESPACEPATH></IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>\n";

FIXTURE(httpd) {
	char dir[64];
	char sock[128];
	char creds[128];
	char url[64];
	struct cim_httpd *h;
	int port;
};

FIXTURE_SETUP(httpd)
{
	struct cim_httpd_config cfg;
	char err[256] = "";

	snprintf(self->dir, sizeof(self->dir), "/tmp/cimrepl-httpd.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->sock, sizeof(self->sock), "%s/run/cimrepld.sock",
		 self->dir);
	snprintf(self->creds, sizeof(self->creds), "%s/passwd", self->dir);
	ASSERT_EQ(0, write_credentials(self->creds, 0600));
	ASSERT_EQ(0, cim_client_init());

	cim_httpd_config_init(&cfg);
	cfg.unix_path = self->sock;
	cfg.tcp_port = CIM_HTTPD_PORT_ANY;
	cfg.credentials = self->creds;
	cfg.max_body = MAX_BODY;
	self->h = cim_httpd_start(&cfg, echo, NULL, err, sizeof(err));
	ASSERT_NE(NULL, self->h) TH_LOG("start: %s", err);
	self->port = cim_httpd_tcp_port(self->h);
	ASSERT_GT(self->port, 0);
	snprintf(self->url, sizeof(self->url), "http://127.0.0.1:%d",
		 self->port);
}

FIXTURE_TEARDOWN(httpd)
{
	char path[160];

	cim_httpd_stop(self->h);
	cim_client_exit();
	EXPECT_NE(0, access(self->sock, F_OK));	/* removed at stop */
	unlink(self->creds);
	snprintf(path, sizeof(path), "%s/run", self->dir);
	rmdir(path);
	rmdir(self->dir);
	EXPECT_EQ(0, leaks());
}

TEST_F(httpd, unix_socket_request_reaches_the_handler_with_decoded_headers)
{
	struct cim_client_config cfg = { .unix_path = self->sock };
	struct cim_client_reply r;
	char err[256] = "";
	struct stat st;

	ASSERT_EQ(0, stat(self->sock, &st));
	EXPECT_TRUE(S_ISSOCK(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(geteuid(), st.st_uid);

	ASSERT_EQ(0, cim_client_call(&cfg, "GetClass",
				     "root/cimv2:CIM_Foo.Name=\"a b%\"",
				     body, strlen(body), &r, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(200, r.status);
	EXPECT_TRUE(r.method_response);
	EXPECT_EQ(NULL, r.cim_error);
	EXPECT_EQ(strlen(body), r.len);
	EXPECT_STREQ(body, r.body);
	EXPECT_EQ(1, seen_calls());
	EXPECT_STREQ("GetClass", seen.method);
	EXPECT_STREQ("root/cimv2:CIM_Foo.Name=\"a b%\"", seen.object);
	EXPECT_TRUE(seen.local);
	if (geteuid() == 0) {
		EXPECT_STREQ("root", seen.user);
	}
	cim_client_reply_free(&r);
}

TEST_F(httpd, tcp_request_with_basic_credentials_reaches_the_handler)
{
	struct cim_client_config cfg = {
		.url = self->url, .user = USER, .password = PASSWORD,
	};
	struct cim_client_reply r;
	char err[256] = "";

	ASSERT_EQ(0, cim_client_call(&cfg, "GetClass", "root/cimv2", body,
				     strlen(body), &r, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(200, r.status);
	EXPECT_TRUE(r.method_response);
	EXPECT_STREQ(body, r.body);
	EXPECT_EQ(1, seen_calls());
	EXPECT_STREQ(USER, seen.user);
	EXPECT_FALSE(seen.local);
	EXPECT_STREQ("root/cimv2", seen.object);
	cim_client_reply_free(&r);
}

TEST_F(httpd, curl_sees_the_dsp0200_response_headers)
{
	char cmd[1024], out[8192];
	const char *via[2] = { "tcp", "unix" };
	int i;

	for (i = 0; i < 2; i++) {
		if (i == 0)
			snprintf(cmd, sizeof(cmd),
				 "curl -s -D - -o /dev/null -u '%s:%s' "
				 "-H 'Content-Type: application/xml; charset=\"utf-8\"' "
				 "-H 'CIMOperation: MethodCall' -H 'CIMMethod: GetClass' "
				 "-H 'CIMObject: root%%2Fcimv2' --data-binary '<CIM/>' "
				 "%s/cimom", USER, PASSWORD, self->url);
		else
			snprintf(cmd, sizeof(cmd),
				 "curl -s -D - -o /dev/null --unix-socket '%s' "
				 "-H 'Content-Type: text/xml' "
				 "-H 'CIMOperation: MethodCall' -H 'CIMMethod: GetClass' "
				 "-H 'CIMObject: root%%2Fcimv2' --data-binary '<CIM/>' "
				 "http://localhost/cimom", self->sock);
		ASSERT_EQ(0, run(cmd, out, sizeof(out))) TH_LOG("%s", via[i]);
		EXPECT_EQ(0, strncmp(out, "HTTP/1.1 200", 12)) TH_LOG("%s", out);
		EXPECT_TRUE(has_header(out, "Content-Type: application/xml; charset=\"utf-8\""))
			TH_LOG("%s: %s", via[i], out);
		EXPECT_TRUE(has_header(out, "CIMOperation: MethodResponse"))
			TH_LOG("%s: %s", via[i], out);
		EXPECT_TRUE(has_header(out, "Content-Length: 6"));
	}
	EXPECT_EQ(2, seen_calls());
	EXPECT_STREQ("root/cimv2", seen.object);
}

TEST_F(httpd, other_methods_are_405_and_other_paths_404)
{
	char resp[4096], cmd[512];

	EXPECT_EQ(405, raw_http(self->sock, 0,
				"GET /cimom HTTP/1.1\r\nHost: x\r\n"
				"Connection: close\r\n\r\n", resp, sizeof(resp)));
	EXPECT_TRUE(has_header(resp, "Allow: POST, M-POST")) TH_LOG("%s", resp);
	EXPECT_EQ(404, raw_http(self->sock, 0,
				"GET / HTTP/1.1\r\nHost: x\r\n"
				"Connection: close\r\n\r\n", resp, sizeof(resp)));
	EXPECT_EQ(404, raw_http(self->sock, 0,
				"POST /other HTTP/1.1\r\nHost: x\r\n"
				"CIMOperation: MethodCall\r\nCIMMethod: GetClass\r\n"
				"CIMObject: root/cimv2\r\nContent-Type: application/xml\r\n"
				"Content-Length: 6\r\nConnection: close\r\n\r\n<CIM/>",
				resp, sizeof(resp)));
	snprintf(cmd, sizeof(cmd),
		 "curl -s -o /dev/null -w '%%{http_code}' -u '%s:%s' %s/cimom",
		 USER, PASSWORD, self->url);
	ASSERT_EQ(0, run(cmd, resp, sizeof(resp)));
	EXPECT_STREQ("405", resp);
	EXPECT_EQ(0, seen_calls());
}

/* POST /cimom over the UNIX socket with @headers. */
static int post(const char *sock, const char *headers, char *resp, size_t cap)
{
	char req[2048];

	snprintf(req, sizeof(req),
		 "POST /cimom HTTP/1.1\r\nHost: x\r\n%s"
		 "Content-Length: 6\r\nConnection: close\r\n\r\n<CIM/>", headers);
	return raw_http(sock, 0, req, resp, cap);
}

#define CT "Content-Type: application/xml; charset=\"utf-8\"\r\n"
#define OP "CIMOperation: MethodCall\r\n"
#define ME "CIMMethod: GetClass\r\n"
#define OB "CIMObject: root/cimv2\r\n"

TEST_F(httpd, bad_cim_headers_are_refused_with_their_cimerror)
{
	static const struct {
		const char *headers;
		int status;
		const char *cim_error;
	} cases[] = {
		{ CT ME OB, 400, "CIMError: unsupported-operation" },
		{ CT "CIMOperation: MethodResponse\r\n" ME OB, 400,
		  "CIMError: unsupported-operation" },
		{ CT OP OB, 400, "CIMError: header-mismatch" },
		{ CT OP ME, 400, "CIMError: header-mismatch" },
		{ CT OP ME "CIMObject: root%2\r\n", 400,
		  "CIMError: header-mismatch" },
		{ CT OP ME "CIMObject: root%00x\r\n", 400,
		  "CIMError: header-mismatch" },
		{ OP ME OB, 400, "CIMError: request-not-valid" },
		{ "Content-Type: text/plain\r\n" OP ME OB, 400,
		  "CIMError: request-not-valid" },
		{ "Content-Type: application/xml; charset=iso-8859-1\r\n"
		  OP ME OB, 400, "CIMError: request-not-valid" },
		{ CT OP ME OB "CIMProtocolVersion: 2.0\r\n", 501,
		  "CIMError: unsupported-protocol-version" },
		{ CT OP ME OB "CIMBatch: CIMBatch\r\n", 501,
		  "CIMError: multiple-requests-unsupported" },
		{ CT OP ME OB "CIMProtocolVersion: 1.0\r\n", 200, NULL },
		{ "Content-Type: TEXT/XML;charset=UTF-8\r\n" OP ME OB, 200,
		  NULL },
	};
	char resp[4096];
	int calls = 0;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_EQ(cases[i].status,
			  post(self->sock, cases[i].headers, resp, sizeof(resp)))
			TH_LOG("case %zu: %s", i, resp);
		if (cases[i].cim_error) {
			EXPECT_TRUE(has_header(resp, cases[i].cim_error))
				TH_LOG("case %zu: %s", i, resp);
		} else {
			calls++;
		}
		EXPECT_EQ(calls, seen_calls());
	}
}

TEST_F(httpd, missing_or_wrong_credentials_are_401_and_never_reach_the_handler)
{
	static const char *const who[][2] = {
		{ USER, "wrong" }, { "mallory", PASSWORD }, { USER, "" },
		{ NULL, NULL },
	};
	struct cim_client_reply r;
	char err[256], cmd[1024], out[4096];
	size_t i;

	for (i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
		struct cim_client_config cfg = {
			.url = self->url, .user = who[i][0],
			.password = who[i][1],
		};

		ASSERT_EQ(0, cim_client_call(&cfg, "GetClass", "root/cimv2",
					     body, strlen(body), &r, err,
					     sizeof(err))) TH_LOG("%s", err);
		EXPECT_EQ(401, r.status) TH_LOG("case %zu", i);
		EXPECT_FALSE(r.method_response);
		cim_client_reply_free(&r);
	}
	/* Not even a bad header is looked at before the credentials. */
	EXPECT_EQ(401, raw_http(NULL, self->port,
				"POST /cimom HTTP/1.1\r\nHost: x\r\n"
				"Content-Length: 6\r\nConnection: close\r\n\r\n<CIM/>",
				out, sizeof(out)));
	EXPECT_TRUE(has_header(out, "WWW-Authenticate: Basic realm=\"cimrepl\""))
		TH_LOG("%s", out);
	snprintf(cmd, sizeof(cmd),
		 "curl -s -D - -o /dev/null -u '%s:nope' "
		 "-H 'Content-Type: application/xml' "
		 "-H 'CIMOperation: MethodCall' -H 'CIMMethod: GetClass' "
		 "-H 'CIMObject: root/cimv2' --data-binary '<CIM/>' %s/cimom",
		 USER, self->url);
	ASSERT_EQ(0, run(cmd, out, sizeof(out)));
	EXPECT_EQ(0, strncmp(out, "HTTP/1.1 401", 12)) TH_LOG("%s", out);
	EXPECT_TRUE(has_header(out, "WWW-Authenticate: Basic realm=\"cimrepl\""))
		TH_LOG("%s", out);
	EXPECT_EQ(0, seen_calls());
}

TEST_F(httpd, m_post_uses_the_ns_prefix_both_ways)
{
	char req[1024], resp[4096];

	snprintf(req, sizeof(req),
		 "M-POST /cimom HTTP/1.1\r\nHost: x\r\n"
		 "Man: http://www.dmtf.org/cim/mapping.http/v1.0 ; ns=73\r\n"
		 "Content-Type: application/xml; charset=\"utf-8\"\r\n"
		 "73-CIMOperation: MethodCall\r\n73-CIMMethod: GetClass\r\n"
		 "73-CIMObject: root%%2Fcimv2\r\n"
		 "Content-Length: 6\r\nConnection: close\r\n\r\n<CIM/>");
	EXPECT_EQ(200, raw_http(self->sock, 0, req, resp, sizeof(resp)))
		TH_LOG("%s", resp);
	EXPECT_TRUE(has_header(resp, "73-CIMOperation: MethodResponse"))
		TH_LOG("%s", resp);
	EXPECT_TRUE(has_header(resp, "Ext:  ") || has_header(resp, "Ext: ") ||
		    has_header(resp, "Ext:")) TH_LOG("%s", resp);
	EXPECT_EQ(1, seen_calls());
	EXPECT_STREQ("GetClass", seen.method);
	EXPECT_STREQ("root/cimv2", seen.object);

	/* The unprefixed headers do not count in an M-POST. */
	snprintf(req, sizeof(req),
		 "M-POST /cimom HTTP/1.1\r\nHost: x\r\n"
		 "Man: \"http://www.dmtf.org/cim/mapping.http/v1.0\"; ns=12\r\n"
		 "Content-Type: application/xml\r\n"
		 OP ME OB "Content-Length: 6\r\nConnection: close\r\n\r\n<CIM/>");
	EXPECT_EQ(400, raw_http(self->sock, 0, req, resp, sizeof(resp)));
	EXPECT_TRUE(has_header(resp, "12-CIMError: unsupported-operation"))
		TH_LOG("%s", resp);
	/* No Man header: not a DSP0200 M-POST. */
	snprintf(req, sizeof(req),
		 "M-POST /cimom HTTP/1.1\r\nHost: x\r\n"
		 "Content-Type: application/xml\r\n" OP ME OB
		 "Content-Length: 6\r\nConnection: close\r\n\r\n<CIM/>");
	EXPECT_EQ(400, raw_http(self->sock, 0, req, resp, sizeof(resp)));
	EXPECT_EQ(1, seen_calls());
}

TEST_F(httpd, oversized_body_is_413)
{
	struct cim_client_config cfg = { .unix_path = self->sock };
	char *big = malloc(MAX_BODY + 2), *req, resp[4096];
	struct cim_client_reply r;
	char err[256] = "";
	size_t i, off;

	ASSERT_NE(NULL, big);
	memset(big, 'x', MAX_BODY + 1);
	big[MAX_BODY + 1] = '\0';
	ASSERT_EQ(0, cim_client_call(&cfg, "GetClass", "root/cimv2", big,
				     MAX_BODY + 1, &r, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(413, r.status);
	cim_client_reply_free(&r);
	/* Exactly the limit is fine. */
	ASSERT_EQ(0, cim_client_call(&cfg, "GetClass", "root/cimv2", big,
				     MAX_BODY, &r, err, sizeof(err)));
	EXPECT_EQ(200, r.status);
	EXPECT_EQ(MAX_BODY, r.len);
	cim_client_reply_free(&r);
	EXPECT_EQ(1, seen_calls());

	/* Chunked, so no Content-Length to refuse it early. */
	req = malloc(2 * MAX_BODY);
	ASSERT_NE(NULL, req);
	off = (size_t)sprintf(req, "POST /cimom HTTP/1.1\r\nHost: x\r\n" CT OP
			      ME OB "Transfer-Encoding: chunked\r\n"
			      "Connection: close\r\n\r\n");
	for (i = 0; i < 17; i++)
		off += (size_t)sprintf(req + off, "1000\r\n%.*s\r\n", 4096,
				       big);
	sprintf(req + off, "0\r\n\r\n");
	EXPECT_EQ(413, raw_http(self->sock, 0, req, resp, sizeof(resp)))
		TH_LOG("%s", resp);
	EXPECT_EQ(1, seen_calls());
	free(req);
	free(big);
}

TEST_F(httpd, handler_answers_with_a_cimerror_or_fails_with_500)
{
	struct cim_client_config cfg = { .unix_path = self->sock };
	struct cim_client_reply r;
	char err[256] = "";

	ASSERT_EQ(0, cim_client_call(&cfg, "GetClass", "root/cimv2",
				     "bad-xml <", 9, &r, err, sizeof(err)));
	EXPECT_EQ(400, r.status);
	EXPECT_STREQ("request-not-well-formed", r.cim_error);
	cim_client_reply_free(&r);
	ASSERT_EQ(0, cim_client_call(&cfg, "GetClass", "root/cimv2",
				     "fail", 4, &r, err, sizeof(err)));
	EXPECT_EQ(500, r.status);
	cim_client_reply_free(&r);
	EXPECT_EQ(2, seen_calls());
}

TEST_F(httpd, another_uid_on_the_unix_socket_is_forbidden)
{
	char resp[4096];
	int pipefd[2], status;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to act as another user");
	/* Let anyone connect, so that only SO_PEERCRED stands in the way. */
	snprintf(resp, sizeof(resp), "%s/run", self->dir);
	ASSERT_EQ(0, chmod(self->dir, 0711));
	ASSERT_EQ(0, chmod(resp, 0711));
	ASSERT_EQ(0, chmod(self->sock, 0666));
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int st = -1;

		if (!setgid(65534) && !setuid(65534))
			st = post(self->sock, CT OP ME OB, resp, sizeof(resp));
		if (write(pipefd[1], &st, sizeof(st)) != sizeof(st))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	status = 0;
	ASSERT_EQ((ssize_t)sizeof(status), read(pipefd[0], &status,
						sizeof(status)));
	close(pipefd[0]);
	waitpid(pid, NULL, 0);
	EXPECT_EQ(403, status);
	EXPECT_EQ(0, seen_calls());
}

TEST_F(httpd, wbemcli_ein_reaches_the_handler)
{
	char cmd[512], out[4096];

	if (access("/usr/bin/wbemcli", X_OK))
		SKIP(return, "wbemcli (sblim-wbemcli) not installed");
	snprintf(cmd, sizeof(cmd),
		 "wbemcli -noverify ein 'http://%s:%s@127.0.0.1:%d/root/cimv2:CIM_ReplicationService' 2>&1",
		 USER, PASSWORD, self->port);
	EXPECT_EQ(0, run(cmd, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(1, seen_calls());
	EXPECT_STREQ("EnumerateInstanceNames", seen.method);
	EXPECT_STREQ("root/cimv2", seen.object);
	EXPECT_STREQ(USER, seen.user);

	snprintf(cmd, sizeof(cmd),
		 "wbemcli -noverify ein 'http://%s:wrong@127.0.0.1:%d/root/cimv2:CIM_ReplicationService' 2>&1",
		 USER, self->port);
	EXPECT_NE(0, run(cmd, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(1, seen_calls());
}

/* Start with @creds and the TCP listener; NULL and @err if refused. */
static struct cim_httpd *start_tcp(const char *creds, char *err, size_t len)
{
	struct cim_httpd_config cfg;

	cim_httpd_config_init(&cfg);
	cfg.unix_path = NULL;
	cfg.tcp_port = CIM_HTTPD_PORT_ANY;
	cfg.credentials = creds;
	return cim_httpd_start(&cfg, echo, NULL, err, len);
}

TEST(credentials_file_accessible_to_others_or_malformed_is_refused)
{
	char dir[] = "/tmp/cimrepl-creds.XXXXXX", path[64], err[256];
	struct cim_httpd *h;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/passwd", dir);

	ASSERT_EQ(0, write_credentials(path, 0644));
	err[0] = '\0';
	EXPECT_EQ(NULL, h = start_tcp(path, err, sizeof(err)));
	cim_httpd_stop(h);
	EXPECT_NE(NULL, strstr(err, "accessible to others")) TH_LOG("%s", err);

	ASSERT_EQ(0, write_credentials(path, 0640));
	EXPECT_NE(NULL, h = start_tcp(path, err, sizeof(err)))
		TH_LOG("%s", err);
	cim_httpd_stop(h);

	ASSERT_EQ(0, write_file(path, "alice:plaintext\n", 0600));
	EXPECT_EQ(NULL, h = start_tcp(path, err, sizeof(err)));
	cim_httpd_stop(h);
	EXPECT_NE(NULL, strstr(err, ":1:")) TH_LOG("%s", err);

	ASSERT_EQ(0, write_file(path, "# a comment\nalice:$6$abc$tooshort\n",
				0600));
	EXPECT_EQ(NULL, h = start_tcp(path, err, sizeof(err)));
	cim_httpd_stop(h);
	EXPECT_NE(NULL, strstr(err, ":2:")) TH_LOG("%s", err);

	ASSERT_EQ(0, write_file(path, "# nobody\n", 0600));
	EXPECT_EQ(NULL, h = start_tcp(path, err, sizeof(err)));
	cim_httpd_stop(h);

	/* TCP never runs without credentials. */
	EXPECT_EQ(NULL, h = start_tcp(NULL, err, sizeof(err)));
	cim_httpd_stop(h);
	unlink(path);
	EXPECT_EQ(NULL, h = start_tcp(path, err, sizeof(err)));
	cim_httpd_stop(h);
	rmdir(dir);
	EXPECT_EQ(0, leaks());
}

TEST(a_hash_made_with_openssl_passwd_is_accepted)
{
	char dir[] = "/tmp/cimrepl-creds.XXXXXX", path[64], cmd[256];
	char hash[256], line[320], err[256] = "", url[64];
	struct cim_client_config cfg = { .user = "admin", .password = "pw1" };
	struct cim_client_reply r;
	struct cim_httpd *h;

	if (access("/usr/bin/openssl", X_OK))
		SKIP(return, "openssl not installed");
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/passwd", dir);
	snprintf(cmd, sizeof(cmd), "echo pw1 | openssl passwd -6 -stdin");
	ASSERT_EQ(0, run(cmd, hash, sizeof(hash)));
	hash[strcspn(hash, "\n")] = '\0';
	snprintf(line, sizeof(line), "admin:%s\n", hash);
	ASSERT_EQ(0, write_file(path, line, 0600));
	ASSERT_EQ(0, cim_client_init());
	h = start_tcp(path, err, sizeof(err));
	ASSERT_NE(NULL, h) TH_LOG("%s", err);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/cimom",
		 cim_httpd_tcp_port(h));
	cfg.url = url;
	ASSERT_EQ(0, cim_client_call(&cfg, "GetClass", "root/cimv2", "<CIM/>",
				     6, &r, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(200, r.status);
	cim_client_reply_free(&r);
	cim_httpd_stop(h);
	cim_client_exit();
	unlink(path);
	rmdir(dir);
	EXPECT_EQ(0, leaks());
}

TEST(stale_socket_is_replaced_and_a_live_one_refused)
{
	char dir[] = "/tmp/cimrepl-sock.XXXXXX", path[64], err[256] = "";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct cim_httpd_config cfg;
	struct cim_httpd *h, *h2;
	int fd;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.sock", dir);
	/* A socket file whose listener is gone. */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	close(fd);

	cim_httpd_config_init(&cfg);
	cfg.unix_path = path;
	cfg.tcp_port = 0;
	h = cim_httpd_start(&cfg, echo, NULL, err, sizeof(err));
	ASSERT_NE(NULL, h) TH_LOG("%s", err);
	EXPECT_EQ(0, cim_httpd_tcp_port(h));

	h2 = cim_httpd_start(&cfg, echo, NULL, err, sizeof(err));
	EXPECT_EQ(NULL, h2);
	EXPECT_NE(NULL, strstr(err, "another daemon")) TH_LOG("%s", err);
	cim_httpd_stop(h2);
	EXPECT_EQ(0, access(path, F_OK));	/* still the first one's */
	cim_httpd_stop(h);
	EXPECT_NE(0, access(path, F_OK));

	/* Not a socket: left alone. */
	ASSERT_EQ(0, write_file(path, "x", 0600));
	EXPECT_EQ(NULL, h = cim_httpd_start(&cfg, echo, NULL, err,
					    sizeof(err)));
	cim_httpd_stop(h);
	unlink(path);
	rmdir(dir);
	EXPECT_EQ(0, leaks());
}

TEST_HARNESS_MAIN
