// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of cimrepld's TLS listener and of the authentication both TCP
 * listeners share (ctl/httpd.c, ctl/tls.c, ctl/auth_pam.c), with the
 * client cimreplctl uses (ctl/cimclient.c), under ASan/UBSan: a
 * self-signed certificate made with openssl(1) at test time, a handler
 * that echoes, and what refuses to start: a key others may read, a key of
 * another certificate, files that are not PEM.
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
#include <unistd.h>

#include "cimclient.h"
#include "httpd.h"
#include "kselftest_harness.h"
#include "tls.h"

#define USER "alice"
#define PASSWORD "s3cret.pass"

static const char body[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
	"<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" "
	"PROTOCOLVERSION=\"1.0\"><SIMPLEREQ><IMETHODCALL NAME=\"GetClass\">"
	"<LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/><NAMESPACE NAME=\"cimv2\"/>"
	"</LOCALNAMESPACEPATH></IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>\n";

static pthread_mutex_t calls_lock = PTHREAD_MUTEX_INITIALIZER;
static int calls;
static char seen_user[64];

static int echo(void *arg, const struct cim_httpd_request *req,
		struct cim_httpd_response *resp)
{
	(void)arg;
	pthread_mutex_lock(&calls_lock);
	calls++;
	snprintf(seen_user, sizeof(seen_user), "%s", req->user);
	pthread_mutex_unlock(&calls_lock);
	resp->body = strdup(req->body);
	if (!resp->body)
		return -ENOMEM;
	resp->len = req->len;
	return 0;
}

static int seen_calls(void)
{
	int n;

	pthread_mutex_lock(&calls_lock);
	n = calls;
	pthread_mutex_unlock(&calls_lock);
	return n;
}

static void remove_dir(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		perror(cmd);
}

static int leaks(void)
{
	return __lsan_do_recoverable_leak_check();
}

/* Run the shell command @cmd in @dir. */
static int sh(const char *dir, const char *cmd)
{
	char line[1024];

	snprintf(line, sizeof(line), "cd '%s' && %s", dir, cmd);
	return system(line);
}

/*
 * In @dir: cert.pem / key.pem (CN localhost, SAN 127.0.0.1), other.pem /
 * otherkey.pem (a second pair), passwd (alice's sha512crypt hash).
 */
static int make_files(const char *dir)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE], line[512], path[128];
	struct crypt_data cd = { 0 };
	const char *hash;
	FILE *f;

	if (sh(dir, "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
	       "-nodes -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost "
	       "-keyout key.pem -out cert.pem 2>/dev/null && "
	       "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
	       "-nodes -days 2 -subj /CN=other -keyout otherkey.pem -out other.pem 2>/dev/null && "
	       "chmod 600 key.pem otherkey.pem"))
		return -1;
	if (!crypt_gensalt_rn("$6$", 0, NULL, 0, salt, sizeof(salt)))
		return -1;
	hash = crypt_r(PASSWORD, salt, &cd);
	if (!hash || hash[0] != '$')
		return -1;
	snprintf(path, sizeof(path), "%s/passwd", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	snprintf(line, sizeof(line), "%s:%s\n", USER, hash);
	fputs(line, f);
	fclose(f);
	return chmod(path, 0600);
}

FIXTURE(tls) {
	char dir[64];
	char cert[96], key[96], creds[96];
	char url[64], http_url[64];
	struct cim_httpd *h;
	int port, tcp_port;
};

FIXTURE_SETUP(tls)
{
	struct cim_httpd_config cfg;
	char err[256] = "";

	snprintf(self->dir, sizeof(self->dir), "/tmp/cimrepl-tls.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, make_files(self->dir));
	snprintf(self->cert, sizeof(self->cert), "%s/cert.pem", self->dir);
	snprintf(self->key, sizeof(self->key), "%s/key.pem", self->dir);
	snprintf(self->creds, sizeof(self->creds), "%s/passwd", self->dir);
	ASSERT_EQ(0, cim_client_init());

	cim_httpd_config_init(&cfg);
	cfg.unix_path = NULL;
	cfg.tcp_port = CIM_HTTPD_PORT_ANY;
	cfg.tls_port = CIM_HTTPD_PORT_ANY;
	cfg.tls_cert = self->cert;
	cfg.tls_key = self->key;
	cfg.credentials = self->creds;
	self->h = cim_httpd_start(&cfg, echo, NULL, err, sizeof(err));
	ASSERT_NE(NULL, self->h) TH_LOG("start: %s", err);
	self->port = cim_httpd_tls_port(self->h);
	self->tcp_port = cim_httpd_tcp_port(self->h);
	ASSERT_GT(self->port, 0);
	ASSERT_NE(self->port, self->tcp_port);
	snprintf(self->url, sizeof(self->url), "https://127.0.0.1:%d",
		 self->port);
	snprintf(self->http_url, sizeof(self->http_url), "http://127.0.0.1:%d",
		 self->port);
}

FIXTURE_TEARDOWN(tls)
{
	cim_httpd_stop(self->h);
	cim_client_exit();
	remove_dir(self->dir);
	EXPECT_EQ(0, leaks());
}

TEST_F(tls, https_with_the_ca_and_credentials_reaches_the_handler)
{
	struct cim_client_config cfg = {
		.url = self->url, .user = USER, .password = PASSWORD,
		.cacert = self->cert, .timeout_s = 20,
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
	EXPECT_STREQ(USER, seen_user);
	cim_client_reply_free(&r);
}

TEST_F(tls, wrong_or_missing_credentials_get_401_on_both_ports)
{
	struct cim_client_config cfg = {
		.url = self->url, .user = USER, .password = "wrong",
		.cacert = self->cert, .timeout_s = 20,
	};
	char tcp_url[64], err[256] = "";
	struct cim_client_reply r;

	snprintf(tcp_url, sizeof(tcp_url), "http://127.0.0.1:%d",
		 self->tcp_port);
	ASSERT_EQ(0, cim_client_call(&cfg, "GetClass", "root/cimv2", body,
				     strlen(body), &r, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(401, r.status);
	cim_client_reply_free(&r);
	cfg.user = NULL;
	ASSERT_EQ(0, cim_client_call(&cfg, "GetClass", "root/cimv2", body,
				     strlen(body), &r, err, sizeof(err)));
	EXPECT_EQ(401, r.status);
	cim_client_reply_free(&r);
	cfg.url = tcp_url;
	cfg.user = USER;
	ASSERT_EQ(0, cim_client_call(&cfg, "GetClass", "root/cimv2", body,
				     strlen(body), &r, err, sizeof(err)));
	EXPECT_EQ(401, r.status);
	cim_client_reply_free(&r);
	EXPECT_EQ(0, seen_calls());
}

TEST_F(tls, plain_http_on_the_tls_port_gets_no_http_answer)
{
	struct cim_client_config cfg = {
		.url = self->http_url, .user = USER, .password = PASSWORD,
		.timeout_s = 10,
	};
	struct cim_client_reply r;
	char err[256] = "";

	EXPECT_EQ(-1, cim_client_call(&cfg, "GetClass", "root/cimv2", body,
				      strlen(body), &r, err, sizeof(err)));
	TH_LOG("plain HTTP: %s", err);
	EXPECT_EQ(0, seen_calls());
}

TEST_F(tls, an_unknown_ca_is_refused_unless_insecure)
{
	struct cim_client_config cfg = {
		.url = self->url, .user = USER, .password = PASSWORD,
		.timeout_s = 20,
	};
	char other[128], err[256] = "";
	struct cim_client_reply r;

	snprintf(other, sizeof(other), "%s/other.pem", self->dir);
	cfg.cacert = other;
	EXPECT_EQ(-1, cim_client_call(&cfg, "GetClass", "root/cimv2", body,
				      strlen(body), &r, err, sizeof(err)));
	EXPECT_EQ(0, seen_calls());
	cfg.cacert = NULL;
	cfg.insecure = true;
	ASSERT_EQ(0, cim_client_call(&cfg, "GetClass", "root/cimv2", body,
				     strlen(body), &r, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(200, r.status);
	EXPECT_EQ(1, seen_calls());
	cim_client_reply_free(&r);
}

/* Start a TLS-only server with @cert and @key; NULL and @err if refused. */
static struct cim_httpd *start_tls(const char *dir, const char *cert,
				   const char *key, char *err, size_t len)
{
	char c[128], k[128], creds[128];
	struct cim_httpd_config cfg;

	snprintf(c, sizeof(c), "%s/%s", dir, cert);
	snprintf(k, sizeof(k), "%s/%s", dir, key);
	snprintf(creds, sizeof(creds), "%s/passwd", dir);
	cim_httpd_config_init(&cfg);
	cfg.unix_path = NULL;
	cfg.tcp_port = 0;
	cfg.tls_port = CIM_HTTPD_PORT_ANY;
	cfg.tls_cert = c;
	cfg.tls_key = k;
	cfg.credentials = creds;
	err[0] = '\0';
	return cim_httpd_start(&cfg, echo, NULL, err, len);
}

TEST(bad_tls_files_are_refused_with_a_reason)
{
	char dir[] = "/tmp/cimrepl-tlsbad.XXXXXX", path[128], err[256];
	struct cim_httpd *h;

	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, make_files(dir));

	EXPECT_NE(NULL, h = start_tls(dir, "cert.pem", "key.pem", err,
				      sizeof(err))) TH_LOG("%s", err);
	cim_httpd_stop(h);

	snprintf(path, sizeof(path), "%s/key.pem", dir);
	ASSERT_EQ(0, chmod(path, 0644));
	EXPECT_EQ(NULL, h = start_tls(dir, "cert.pem", "key.pem", err,
				      sizeof(err)));
	cim_httpd_stop(h);
	EXPECT_NE(NULL, strstr(err, "accessible to others")) TH_LOG("%s", err);
	ASSERT_EQ(0, chmod(path, 0640));	/* group may read: fine */
	EXPECT_NE(NULL, h = start_tls(dir, "cert.pem", "key.pem", err,
				      sizeof(err))) TH_LOG("%s", err);
	cim_httpd_stop(h);

	EXPECT_EQ(NULL, h = start_tls(dir, "cert.pem", "otherkey.pem", err,
				      sizeof(err)));
	cim_httpd_stop(h);
	EXPECT_NE(NULL, strstr(err, "does not belong")) TH_LOG("%s", err);

	EXPECT_EQ(NULL, h = start_tls(dir, "passwd", "key.pem", err,
				      sizeof(err)));
	cim_httpd_stop(h);
	EXPECT_NE(NULL, strstr(err, "TLS certificate")) TH_LOG("%s", err);

	EXPECT_EQ(NULL, h = start_tls(dir, "cert.pem", "nonexistent.pem", err,
				      sizeof(err)));
	cim_httpd_stop(h);
	EXPECT_NE(NULL, strstr(err, "No such file")) TH_LOG("%s", err);

	EXPECT_EQ(NULL, h = start_tls(dir, "cert.pem", ".", err, sizeof(err)));
	cim_httpd_stop(h);
	EXPECT_NE(NULL, strstr(err, "not a regular file")) TH_LOG("%s", err);

	remove_dir(dir);
	EXPECT_EQ(0, leaks());
}

TEST(pam_refusal_is_401_and_never_reaches_the_handler)
{
	struct cim_client_config ccfg = {
		.user = "cimrepl-no-such-user", .password = "x", .timeout_s = 20,
	};
	struct cim_httpd_config cfg;
	struct cim_client_reply r;
	char url[64], err[256] = "";
	struct cim_httpd *h;
	int before = seen_calls();

	ASSERT_EQ(0, cim_client_init());
	cim_httpd_config_init(&cfg);
	cfg.unix_path = NULL;
	cfg.tcp_port = CIM_HTTPD_PORT_ANY;
	cfg.credentials = NULL;	/* PAM needs none */
	cfg.auth = CIM_HTTPD_AUTH_PAM;
	cfg.pam_service = "cimrepld-unit-test";	/* /etc/pam.d/other */
	h = cim_httpd_start(&cfg, echo, NULL, err, sizeof(err));
	ASSERT_NE(NULL, h) TH_LOG("%s", err);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", cim_httpd_tcp_port(h));
	ccfg.url = url;
	ASSERT_EQ(0, cim_client_call(&ccfg, "GetClass", "root/cimv2", body,
				     strlen(body), &r, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(401, r.status);
	cim_client_reply_free(&r);
	EXPECT_EQ(before, seen_calls());
	cim_httpd_stop(h);
	cim_client_exit();
	EXPECT_EQ(0, leaks());
}

TEST_HARNESS_MAIN
