/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cimrepld's HTTP front door: the transport of CIM operations over HTTP
 * (DMTF DSP0200), served with libmicrohttpd. It moves request bodies to a
 * handler and the handler's response bodies back; it never parses XML
 * (ctl/cimxml.c does, in the handler).
 *
 * Listeners
 *   - a UNIX socket (cimreplctl's door), created mode 0600 and owned by the
 *     daemon's user; a stale socket left by a dead daemon is replaced, a live
 *     one is refused. Every request's peer is checked with SO_PEERCRED: only
 *     uid 0, or the daemon's own uid, may call (anyone else gets 403). No
 *     password: the peer's uid is the authentication.
 *   - optionally TCP (default 127.0.0.1:5988) for remote WBEM clients, with
 *     HTTP Basic authentication;
 *   - optionally TLS (HTTPS, default 127.0.0.1:5989) with the same
 *     authentication, GnuTLS through libmicrohttpd, TLS 1.2 and 1.3 only,
 *     presenting the certificate and key tls.h reads and checks. Plain HTTP
 *     on this port fails the handshake: the connection is closed unanswered.
 * On both TCP listeners, Basic credentials are checked against the
 * credentials file (auth CIM_HTTPD_AUTH_FILE) or by PAM (CIM_HTTPD_AUTH_PAM,
 * auth_pam.h). A request whose credentials are missing or wrong gets 401
 * with `WWW-Authenticate: Basic realm="cimrepl"` and never reaches the
 * handler.
 *
 * The credentials file has one `user:hash` line per user, the hash a
 * crypt(3) string ($6$ sha512crypt, $y$ yescrypt, $5$, $2b$); blank lines
 * and lines starting with '#' are ignored. It must be a regular file not
 * readable or writable by others, or the server refuses to start. Make one
 * with:
 *
 *     install -m 0600 /dev/null /etc/cimrepl/passwd
 *     printf 'admin:%s\n' "$(openssl passwd -6)" >> /etc/cimrepl/passwd
 *
 * (or `mkpasswd -m sha-512` / `mkpasswd -m yescrypt` from Debian's whois
 * package instead of `openssl passwd -6`). It is read once, at start.
 *
 * DSP0200 rules enforced before the handler is called
 *   - the path must be /cimom (else 404); the method POST, or M-POST with a
 *     `Man: http://www.dmtf.org/cim/mapping.http/v1.0 ; ns=NN` header whose
 *     NN- prefix is then used for the CIM headers of the request and of the
 *     response, with `Ext:` (else 405, `Allow: POST, M-POST`);
 *   - CIMOperation must be MethodCall (missing or other: 400, CIMError
 *     unsupported-operation); CIMMethod and CIMObject must be present and
 *     validly %-escaped (else 400, CIMError header-mismatch); they are
 *     decoded for the handler; CIMProtocolVersion, when sent, must be 1.x
 *     (else 501, unsupported-protocol-version); CIMBatch is refused (501,
 *     multiple-requests-unsupported);
 *   - Content-Type must be application/xml or text/xml, with charset utf-8
 *     or no charset (else 400, CIMError request-not-valid);
 *   - a body larger than the configured limit gets 413.
 * Checking that CIMMethod and CIMObject match the body is the codec's work:
 * the handler answers 400 with CIMError header-mismatch when they do not.
 *
 * Threads: each connection is served by its own libmicrohttpd thread, so
 * the handler may be called from several threads at once, and never from
 * the thread that called cim_httpd_start(). The daemon serializes its state
 * with its own mutex; a handler may block (WaitForCopyState) without
 * stopping other connections.
 */
#ifndef CIMREPL_HTTPD_H
#define CIMREPL_HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CIM_HTTPD_UNIX_PATH	"/run/cimrepl/cimrepld.sock"
#define CIM_HTTPD_TCP_ADDRESS	"127.0.0.1"
#define CIM_HTTPD_TCP_PORT	5988
#define CIM_HTTPD_CREDENTIALS	"/etc/cimrepl/passwd"
#define CIM_HTTPD_TLS_PORT	5989
#define CIM_HTTPD_TLS_CERT	"/etc/cimrepl/tls/cert.pem"
#define CIM_HTTPD_TLS_KEY	"/etc/cimrepl/tls/key.pem"
#define CIM_HTTPD_MAX_BODY	(4u << 20)
#define CIM_HTTPD_REALM		"cimrepl"
#define CIM_HTTPD_PATH		"/cimom"
/* tcp_port: listen on a free port the kernel picks (tests). */
#define CIM_HTTPD_PORT_ANY	(-1)

/* CIMError header values (DSP0200) a handler may answer with. */
#define CIM_HTTPD_ERR_UNSUPPORTED_PROTOCOL_VERSION "unsupported-protocol-version"
#define CIM_HTTPD_ERR_MULTIPLE_REQUESTS	"multiple-requests-unsupported"
#define CIM_HTTPD_ERR_UNSUPPORTED_CIM_VERSION "unsupported-cim-version"
#define CIM_HTTPD_ERR_UNSUPPORTED_DTD_VERSION "unsupported-dtd-version"
#define CIM_HTTPD_ERR_REQUEST_NOT_VALID	"request-not-valid"
#define CIM_HTTPD_ERR_NOT_WELL_FORMED	"request-not-well-formed"
#define CIM_HTTPD_ERR_NOT_LOOSELY_VALID	"request-not-loosely-valid"
#define CIM_HTTPD_ERR_HEADER_MISMATCH	"header-mismatch"
#define CIM_HTTPD_ERR_UNSUPPORTED_OPERATION "unsupported-operation"

/* Who checks the Basic credentials of the TCP and TLS listeners. */
enum cim_httpd_auth {
	CIM_HTTPD_AUTH_FILE,	/* the credentials file */
	CIM_HTTPD_AUTH_PAM,	/* PAM service @pam_service */
};

struct cim_httpd_config {
	const char *unix_path;	/* NULL: no UNIX socket */
	const char *tcp_address; /* numeric IPv4 or IPv6; NULL: 127.0.0.1 */
	int tcp_port;		/* 0: no TCP listener; CIM_HTTPD_PORT_ANY */
	const char *credentials; /* required when TCP or TLS listens (file) */
	const char *tls_address; /* numeric IPv4 or IPv6; NULL: 127.0.0.1 */
	int tls_port;		/* 0: no TLS listener; CIM_HTTPD_PORT_ANY */
	const char *tls_cert;	/* PEM certificate (chain), required for TLS */
	const char *tls_key;	/* its PEM private key, not readable by others */
	enum cim_httpd_auth auth;
	const char *pam_service; /* NULL: AUTH_PAM_SERVICE ("cimrepld") */
	size_t max_body;	/* bytes; 0: CIM_HTTPD_MAX_BODY */
	unsigned int max_connections; /* per listener; 0: 32 */
};

/* One request that passed every transport check. */
struct cim_httpd_request {
	const char *body;	/* NUL-terminated copy of the body */
	size_t len;		/* its length, without the NUL */
	const char *cim_method;	/* CIMMethod, decoded: "EnumerateInstanceNames" */
	const char *cim_object;	/* CIMObject, decoded: "root/cimv2" */
	const char *user;	/* the Basic user (TCP), the peer's name (UNIX) */
	uid_t peer_uid;		/* UNIX only: the peer's uid */
	bool local;		/* came over the UNIX socket */
};

/*
 * What the handler answers. On entry @status is 200 and the rest empty.
 * @body is malloc()ed by the handler and freed by the server. A non-200
 * status with @cim_error (a static string, one of CIM_HTTPD_ERR_*) becomes
 * an HTTP-level error of DSP0200 (e.g. 400 request-not-well-formed);
 * a 200 carries a CIM-XML MESSAGE, even one with an ERROR element.
 */
struct cim_httpd_response {
	unsigned int status;
	char *body;
	size_t len;
	const char *cim_error;
};

/* Returns 0, or a negative errno: the client then gets 500. */
typedef int (*cim_httpd_handler)(void *arg,
				 const struct cim_httpd_request *req,
				 struct cim_httpd_response *resp);

struct cim_httpd;

/*
 * Fill @cfg with the defaults above (UNIX socket and TCP 127.0.0.1:5988,
 * the credentials file; no TLS listener).
 */
void cim_httpd_config_init(struct cim_httpd_config *cfg);

/*
 * Start listening as @cfg says, calling @handler(@arg, ...) for each
 * request that passes the transport checks. NULL on failure, with one
 * line in @err.
 */
struct cim_httpd *cim_httpd_start(const struct cim_httpd_config *cfg,
				  cim_httpd_handler handler, void *arg,
				  char *err, size_t errlen);

/* The TCP port listened on (useful with CIM_HTTPD_PORT_ANY); 0 if none. */
int cim_httpd_tcp_port(const struct cim_httpd *h);
/* Likewise for the TLS listener. */
int cim_httpd_tls_port(const struct cim_httpd *h);

/*
 * Stop listening, wait for the requests in progress to finish, remove the
 * UNIX socket and free @h. NULL is allowed.
 */
void cim_httpd_stop(struct cim_httpd *h);

#endif /* CIMREPL_HTTPD_H */
