// SPDX-License-Identifier: GPL-2.0
/*
 * cimrepld's HTTP front door (DSP0200 transport) on libmicrohttpd; the
 * rules it enforces are listed in httpd.h.
 *
 * One MHD daemon per listener (UNIX socket, TCP, TLS), each in
 * thread-per-connection mode on a socket we create ourselves (MHD cannot
 * make a UNIX socket, and we want the TCP port the kernel picked). Every
 * request carries a struct request in MHD's per-request pointer from its
 * first call (headers only: all the checks happen there, before any body
 * is read) to MHD_OPTION_NOTIFY_COMPLETED, which frees it.
 */
#define MHD_NO_DEPRECATION
#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "auth_pam.h"
#include "httpd.h"
#include "tls.h"

#define MAN_URI "http://www.dmtf.org/cim/mapping.http/v1.0"
/* Hashed when the user is unknown, so that the answer takes as long. */
#define DUMMY_SETTING "$6$cimrepl.nouser$"
#define MAX_CONNECTIONS 32
#define IDLE_TIMEOUT_S 120
/* TLS 1.2 and 1.3 with GnuTLS's usual ciphers; nothing older. */
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

struct user {
	char *name;
	char *hash;
};

struct listener {
	struct cim_httpd *h;
	struct MHD_Daemon *mhd;
	bool local;
};

struct cim_httpd {
	cim_httpd_handler handler;
	void *arg;
	size_t max_body;
	struct user *users;	/* read once at start, then read-only */
	size_t n_users;
	struct listener unix_l;
	struct listener tcp_l;
	int tcp_port;
	struct listener tls_l;
	int tls_port;
	struct tls_identity tls;	/* MHD reads it at start; kept till stop */
	enum cim_httpd_auth auth;
	char *pam_service;
	char *unix_path;	/* removed at stop if still ours */
	dev_t unix_dev;
	ino_t unix_ino;
};

/* One request, from its headers to its completion. */
struct request {
	bool answered;		/* a response was queued on the first call */
	bool too_big;
	char prefix[16];	/* "" for POST, "NN-" for M-POST */
	char *cim_method;
	char *cim_object;
	char *user;
	uid_t peer_uid;
	char *body;
	size_t len;
	size_t cap;
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

static void mhd_log(void *cls, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("cimrepld: http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* ---- credentials ---- */

static void free_users(struct cim_httpd *h)
{
	size_t i;

	for (i = 0; i < h->n_users; i++) {
		free(h->users[i].name);
		explicit_bzero(h->users[i].hash, strlen(h->users[i].hash));
		free(h->users[i].hash);
	}
	free(h->users);
	h->users = NULL;
	h->n_users = 0;
}

static int add_user(struct cim_httpd *h, const char *name, const char *hash)
{
	struct user *u;

	u = realloc(h->users, (h->n_users + 1) * sizeof(*u));
	if (!u)
		return -1;
	h->users = u;
	u = &h->users[h->n_users];
	u->name = strdup(name);
	u->hash = strdup(hash);
	if (!u->name || !u->hash) {
		free(u->name);
		free(u->hash);
		return -1;
	}
	h->n_users++;
	return 0;
}

/* libcrypt knows the method and @hash is well-formed. */
static bool hash_ok(const char *hash)
{
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	const char *out;
	bool ok;

	if (!cd)
		return false;
	out = crypt_r("", hash, cd);
	ok = out && out[0] == '$' && strlen(out) == strlen(hash);
	free(cd);
	return ok;
}

static int load_credentials(struct cim_httpd *h, const char *path,
			    char *err, size_t errlen)
{
	unsigned int lineno = 0;
	char *line = NULL;
	size_t linecap = 0;
	struct stat st;
	ssize_t n;
	FILE *f;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		errf(err, errlen, "credentials file %s: %s", path,
		     strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		errf(err, errlen, "credentials file %s: not a regular file",
		     path);
		close(fd);
		return -1;
	}
	if (st.st_mode & (S_IROTH | S_IWOTH)) {
		errf(err, errlen,
		     "credentials file %s is accessible to others (mode %04o); refusing it: chmod 0600 it",
		     path, (unsigned int)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	f = fdopen(fd, "r");
	if (!f) {
		errf(err, errlen, "credentials file %s: %s", path,
		     strerror(errno));
		close(fd);
		return -1;
	}
	while ((n = getline(&line, &linecap, f)) >= 0) {
		char *colon, *hash, *end;
		size_t i;

		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
				 line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		colon = strchr(line, ':');
		hash = colon ? colon + 1 : NULL;
		end = hash ? strchr(hash, ':') : NULL;
		if (end)
			*end = '\0';	/* shadow(5)-like trailing fields */
		if (!colon || colon == line || hash[0] != '$' ||
		    strpbrk(hash, " \t")) {
			errf(err, errlen,
			     "credentials file %s:%u: expected user:$id$... (a crypt(3) hash)",
			     path, lineno);
			goto fail;
		}
		*colon = '\0';
		for (i = 0; i < h->n_users; i++)
			if (!strcmp(h->users[i].name, line))
				break;
		if (i < h->n_users) {
			errf(err, errlen, "credentials file %s:%u: user %s twice",
			     path, lineno, line);
			goto fail;
		}
		if (!hash_ok(hash)) {
			errf(err, errlen,
			     "credentials file %s:%u: not a hash this system's crypt(3) knows",
			     path, lineno);
			goto fail;
		}
		if (add_user(h, line, hash)) {
			errf(err, errlen, "out of memory");
			goto fail;
		}
	}
	if (ferror(f)) {
		errf(err, errlen, "credentials file %s: read error", path);
		goto fail;
	}
	if (line)
		explicit_bzero(line, linecap);
	free(line);
	fclose(f);
	if (!h->n_users) {
		errf(err, errlen, "credentials file %s has no users", path);
		return -1;
	}
	return 0;
fail:
	if (line)
		explicit_bzero(line, linecap);
	free(line);
	fclose(f);
	free_users(h);
	return -1;
}

static bool same_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)a[i] ^ (unsigned char)b[i];
	return !d;
}

static bool password_ok(const struct cim_httpd *h, const char *user,
			const char *password)
{
	const char *setting = DUMMY_SETTING;
	struct crypt_data *cd;
	bool known = false, ok;
	const char *out;
	size_t i;

	if (h->auth == CIM_HTTPD_AUTH_PAM)
		return auth_pam_check(h->pam_service, user, password);
	for (i = 0; i < h->n_users; i++)
		if (!strcmp(h->users[i].name, user)) {
			setting = h->users[i].hash;
			known = true;
			break;
		}
	cd = calloc(1, sizeof(*cd));
	if (!cd)
		return false;
	out = crypt_r(password, setting, cd);
	ok = known && out && out[0] == '$' && same_secret(out, setting);
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

/* ---- sockets ---- */

static int unix_listen(struct cim_httpd *h, const char *path,
		       char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	char *dir, *slash;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errf(err, errlen, "socket path %s is too long", path);
		return -1;
	}
	strcpy(sa.sun_path, path);

	/* The directory, like /run/cimrepl, which a reboot empties. */
	dir = strdup(path);
	if (!dir) {
		errf(err, errlen, "out of memory");
		return -1;
	}
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST) {
			errf(err, errlen, "%s: %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
	}
	free(dir);

	if (!lstat(path, &st)) {
		int probe;

		if (!S_ISSOCK(st.st_mode)) {
			errf(err, errlen, "%s exists and is not a socket", path);
			return -1;
		}
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe < 0) {
			errf(err, errlen, "socket: %s", strerror(errno));
			return -1;
		}
		if (!connect(probe, (struct sockaddr *)&sa, sizeof(sa))) {
			close(probe);
			errf(err, errlen, "%s: another daemon is listening",
			     path);
			return -1;
		}
		if (errno != ECONNREFUSED) {
			errf(err, errlen, "%s: %s", path, strerror(errno));
			close(probe);
			return -1;
		}
		close(probe);
		/* Stale: its daemon is gone. */
		if (unlink(path) && errno != ENOENT) {
			errf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		errf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		errf(err, errlen, "bind %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	/* Nobody can connect before listen(): no window for others. */
	if (chmod(path, 0600) ||
	    (geteuid() == 0 && chown(path, 0, 0)) || stat(path, &st)) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	h->unix_dev = st.st_dev;
	h->unix_ino = st.st_ino;
	h->unix_path = strdup(path);
	if (!h->unix_path) {
		errf(err, errlen, "out of memory");
		goto fail;
	}
	if (listen(fd, 64)) {
		errf(err, errlen, "listen %s: %s", path, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	unlink(path);
	free(h->unix_path);
	h->unix_path = NULL;
	return -1;
}

static int tcp_listen(const char *address, int port, int *bound_port,
		      bool *v6, char *err, size_t errlen)
{
	struct addrinfo hints = {
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
		.ai_socktype = SOCK_STREAM,
	};
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct addrinfo *ai;
	char portstr[16];
	int fd, one = 1, rc;

	snprintf(portstr, sizeof(portstr), "%d",
		 port == CIM_HTTPD_PORT_ANY ? 0 : port);
	rc = getaddrinfo(address, portstr, &hints, &ai);
	if (rc) {
		errf(err, errlen, "TCP address %s: %s", address,
		     gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family,
		    ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		errf(err, errlen, "socket: %s", strerror(errno));
		freeaddrinfo(ai);
		return -1;
	}
	*v6 = ai->ai_family == AF_INET6;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (*v6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen)) {
		errf(err, errlen, "TCP %s port %s: %s", address, portstr,
		     strerror(errno));
		freeaddrinfo(ai);
		close(fd);
		return -1;
	}
	freeaddrinfo(ai);
	if (ss.ss_family == AF_INET6)
		*bound_port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		*bound_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* ---- requests ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* %XX-decode @s (RFC 2396 escaping, '+' is itself); NULL if invalid. */
static char *unescape(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		if (*s == '%') {
			int hi = hexval((unsigned char)s[1]);
			int lo = hi < 0 ? -1 : hexval((unsigned char)s[2]);

			if (lo < 0 || (!hi && !lo))
				goto bad;
			*o++ = (char)(hi << 4 | lo);
			s += 2;
		} else if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			goto bad;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	if (o == out)
		goto bad;
	return out;
bad:
	free(out);
	return NULL;
}

static const char *header(struct MHD_Connection *c, const struct request *r,
			  const char *name)
{
	char full[64];

	snprintf(full, sizeof(full), "%s%s", r->prefix, name);
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, full);
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* "application/xml" or "text/xml", charset utf-8 or none. */
static bool content_type_ok(const char *v)
{
	const char *semi, *p;
	size_t n;

	if (!v)
		return false;
	v = skip_ws(v);
	semi = strchr(v, ';');
	n = semi ? (size_t)(semi - v) : strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (!((n == 15 && !strncasecmp(v, "application/xml", n)) ||
	      (n == 8 && !strncasecmp(v, "text/xml", n))))
		return false;
	for (p = semi; p; p = strchr(p + 1, ';')) {
		const char *q = skip_ws(p + 1);
		size_t vn;

		if (strncasecmp(q, "charset", 7))
			continue;
		q = skip_ws(q + 7);
		if (*q++ != '=')
			return false;
		q = skip_ws(q);
		if (*q == '"')
			q++;
		vn = strcspn(q, "\"; \t");
		return vn == 5 && !strncasecmp(q, "utf-8", 5);
	}
	return true;
}

/* M-POST: the ns prefix from "Man: http://www.dmtf.org/...v1.0 ; ns=NN". */
static bool man_prefix(const char *man, char *prefix, size_t size)
{
	const char *p, *ns, *comma;
	size_t n;

	if (!man)
		return false;
	p = strcasestr(man, MAN_URI);
	if (!p)
		return false;
	p += strlen(MAN_URI);
	comma = strchr(p, ',');
	ns = strstr(p, "ns=");
	if (!ns || (comma && ns > comma))
		return false;
	ns += 3;
	n = strspn(ns, "0123456789");
	if (!n || n > 4)
		return false;
	snprintf(prefix, size, "%.*s-", (int)n, ns);
	return true;
}

static enum MHD_Result queue(struct MHD_Connection *c, struct request *r,
			     unsigned int status, struct MHD_Response *resp)
{
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	/* RFC 2774's empty Ext header (MHD wants a value: blank is empty). */
	if (r->prefix[0])
		MHD_add_response_header(resp, "Ext", " ");
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	r->answered = true;
	return ret;
}

/* A transport-level refusal: @status, a CIMError if any, a line of text. */
static enum MHD_Result refuse(struct MHD_Connection *c, struct request *r,
			      unsigned int status, const char *cim_error,
			      const char *why)
{
	struct MHD_Response *resp;
	char name[64];

	resp = MHD_create_response_from_buffer(strlen(why), (void *)why,
					       MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; charset=utf-8");
	if (cim_error) {
		snprintf(name, sizeof(name), "%sCIMError", r->prefix);
		MHD_add_response_header(resp, name, cim_error);
	}
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
					"POST, M-POST");
	return queue(c, r, status, resp);
}

static char *peer_name(uid_t uid)
{
	struct passwd pw, *res = NULL;
	char buf[1024], *name;

	if (!getpwuid_r(uid, &pw, buf, sizeof(buf), &res) && res)
		return strdup(res->pw_name);
	if (asprintf(&name, "uid %u", (unsigned int)uid) < 0)
		return NULL;
	return name;
}

/* Who may use the UNIX socket: root, or the daemon's own user. */
static bool peer_ok(struct MHD_Connection *c, struct request *r)
{
	const union MHD_ConnectionInfo *ci;
	struct ucred cred;
	socklen_t len = sizeof(cred);

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!ci || getsockopt(ci->connect_fd, SOL_SOCKET, SO_PEERCRED,
			      &cred, &len))
		return false;
	if (cred.uid != 0 && cred.uid != geteuid())
		return false;
	r->peer_uid = cred.uid;
	r->user = peer_name(cred.uid);
	return r->user != NULL;
}

/*
 * The first call for a request: its headers. Either queue a refusal or
 * leave the request to receive its body.
 */
static enum MHD_Result admit(struct listener *l, struct MHD_Connection *c,
			     const char *url, const char *method,
			     struct request *r)
{
	struct cim_httpd *h = l->h;
	const char *v;

	if (l->local && !peer_ok(c, r))
		return refuse(c, r, MHD_HTTP_FORBIDDEN, NULL,
			      "only root may use this socket\n");
	if (strcmp(url, CIM_HTTPD_PATH))
		return refuse(c, r, MHD_HTTP_NOT_FOUND, NULL,
			      "CIM operations go to " CIM_HTTPD_PATH "\n");
	if (!strcmp(method, "M-POST")) {
		if (!man_prefix(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							    "Man"),
				r->prefix, sizeof(r->prefix)))
			return refuse(c, r, MHD_HTTP_BAD_REQUEST,
				      CIM_HTTPD_ERR_REQUEST_NOT_VALID,
				      "M-POST needs Man: " MAN_URI " ; ns=NN\n");
	} else if (strcmp(method, "POST")) {
		return refuse(c, r, MHD_HTTP_METHOD_NOT_ALLOWED, NULL,
			      "CIM operations use POST or M-POST\n");
	}

	if (!l->local) {
		char *password = NULL;
		char *user;
		bool ok;

		user = MHD_basic_auth_get_username_password(c, &password);
		ok = user && password && password_ok(h, user, password);
		if (password) {
			explicit_bzero(password, strlen(password));
			MHD_free(password);
		}
		if (ok)
			r->user = strdup(user);
		if (user)
			MHD_free(user);
		if (!ok) {
			struct MHD_Response *resp;
			static const char why[] = "authentication required\n";

			resp = MHD_create_response_from_buffer(
				sizeof(why) - 1, (void *)why,
				MHD_RESPMEM_PERSISTENT);
			if (!resp)
				return MHD_NO;
			MHD_add_response_header(resp,
						MHD_HTTP_HEADER_CONTENT_TYPE,
						"text/plain; charset=utf-8");
			if (MHD_queue_basic_auth_fail_response(
				    c, CIM_HTTPD_REALM, resp) != MHD_YES) {
				MHD_destroy_response(resp);
				return MHD_NO;
			}
			MHD_destroy_response(resp);
			r->answered = true;
			return MHD_YES;
		}
		if (!r->user)
			return MHD_NO;
	}

	v = header(c, r, "CIMOperation");
	if (!v || strcmp(v, "MethodCall"))
		return refuse(c, r, MHD_HTTP_BAD_REQUEST,
			      CIM_HTTPD_ERR_UNSUPPORTED_OPERATION,
			      "CIMOperation must be MethodCall\n");
	v = header(c, r, "CIMProtocolVersion");
	if (v && (strncmp(v, "1.", 2) || !isdigit((unsigned char)v[2])))
		return refuse(c, r, MHD_HTTP_NOT_IMPLEMENTED,
			      CIM_HTTPD_ERR_UNSUPPORTED_PROTOCOL_VERSION,
			      "CIMProtocolVersion 1.x only\n");
	if (header(c, r, "CIMBatch"))
		return refuse(c, r, MHD_HTTP_NOT_IMPLEMENTED,
			      CIM_HTTPD_ERR_MULTIPLE_REQUESTS,
			      "multiple operation requests are not supported\n");
	v = header(c, r, "CIMMethod");
	r->cim_method = v ? unescape(v) : NULL;
	if (!r->cim_method)
		return refuse(c, r, MHD_HTTP_BAD_REQUEST,
			      CIM_HTTPD_ERR_HEADER_MISMATCH,
			      "CIMMethod missing or badly escaped\n");
	v = header(c, r, "CIMObject");
	r->cim_object = v ? unescape(v) : NULL;
	if (!r->cim_object)
		return refuse(c, r, MHD_HTTP_BAD_REQUEST,
			      CIM_HTTPD_ERR_HEADER_MISMATCH,
			      "CIMObject missing or badly escaped\n");
	if (!content_type_ok(MHD_lookup_connection_value(
		    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE)))
		return refuse(c, r, MHD_HTTP_BAD_REQUEST,
			      CIM_HTTPD_ERR_REQUEST_NOT_VALID,
			      "Content-Type must be application/xml; charset=\"utf-8\"\n");

	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (v) {
		char *end;
		unsigned long long n;

		errno = 0;
		n = strtoull(v, &end, 10);
		if (errno || end == v || n > h->max_body)
			return refuse(c, r, MHD_HTTP_PAYLOAD_TOO_LARGE, NULL,
				      "request body too large\n");
		r->cap = (size_t)n + 1;
		r->body = malloc(r->cap);
		if (!r->body)
			return MHD_NO;
	}
	return MHD_YES;
}

static void take_body(struct cim_httpd *h, struct request *r,
		      const char *data, size_t n)
{
	if (r->too_big)
		return;
	if (n > h->max_body - r->len) {
		r->too_big = true;	/* read and drop the rest, then 413 */
		return;
	}
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		char *p;

		while (cap < r->len + n + 1)
			cap *= 2;
		if (cap > h->max_body + 1)
			cap = h->max_body + 1;
		p = realloc(r->body, cap);
		if (!p) {
			r->too_big = true;
			return;
		}
		r->body = p;
		r->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
}

static enum MHD_Result respond(struct listener *l, struct MHD_Connection *c,
			       struct request *r)
{
	struct cim_httpd *h = l->h;
	struct cim_httpd_response out = { .status = MHD_HTTP_OK };
	struct cim_httpd_request in = {
		.body = r->body ? r->body : "",
		.len = r->len,
		.cim_method = r->cim_method,
		.cim_object = r->cim_object,
		.user = r->user,
		.peer_uid = r->peer_uid,
		.local = l->local,
	};
	struct MHD_Response *resp;
	bool has_body;
	char name[64];

	if (r->body)
		r->body[r->len] = '\0';
	if (h->handler(h->arg, &in, &out) < 0 ||
	    out.status < 200 || out.status > 599) {
		free(out.body);
		return refuse(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL,
			      "internal error\n");
	}
	has_body = out.body != NULL;
	if (has_body && out.len) {
		resp = MHD_create_response_from_buffer(out.len, out.body,
						       MHD_RESPMEM_MUST_FREE);
	} else {
		free(out.body);
		out.body = NULL;
		resp = MHD_create_response_from_buffer(0, (void *)"",
						       MHD_RESPMEM_PERSISTENT);
	}
	if (!resp) {
		free(out.body);
		return MHD_NO;
	}
	if (has_body)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					"application/xml; charset=\"utf-8\"");
	snprintf(name, sizeof(name), "%sCIMOperation", r->prefix);
	MHD_add_response_header(resp, name, "MethodResponse");
	if (out.cim_error) {
		snprintf(name, sizeof(name), "%sCIMError", r->prefix);
		MHD_add_response_header(resp, name, out.cim_error);
	}
	return queue(c, r, out.status, resp);
}

static enum MHD_Result serve(void *cls, struct MHD_Connection *c,
			     const char *url, const char *method,
			     const char *version, const char *upload_data,
			     size_t *upload_data_size, void **con_cls)
{
	struct listener *l = cls;
	struct request *r = *con_cls;

	(void)version;
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		*con_cls = r;
		return admit(l, c, url, method, r);
	}
	if (*upload_data_size) {
		if (!r->answered)
			take_body(l->h, r, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->answered)
		return MHD_YES;
	if (r->too_big)
		return refuse(c, r, MHD_HTTP_PAYLOAD_TOO_LARGE, NULL,
			      "request body too large\n");
	return respond(l, c, r);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct request *r = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (!r)
		return;
	free(r->cim_method);
	free(r->cim_object);
	free(r->user);
	free(r->body);
	free(r);
	*con_cls = NULL;
}

static int start_listener(struct cim_httpd *h, struct listener *l, int fd,
			  bool local, bool v6, bool tls, unsigned int max_conn,
			  char *err, size_t errlen)
{
	unsigned int flags = MHD_USE_THREAD_PER_CONNECTION |
			     MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
			     MHD_USE_ERROR_LOG;
	struct MHD_OptionItem tls_options[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, h->tls.cert_pem },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, h->tls.key_pem },
		{ MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)TLS_PRIORITIES },
		{ MHD_OPTION_END, 0, NULL },
	};
	struct MHD_OptionItem no_options[] = {
		{ MHD_OPTION_END, 0, NULL },
	};

	if (v6)
		flags |= MHD_USE_IPv6;
	if (tls)
		flags |= MHD_USE_TLS;
	l->h = h;
	l->local = local;
	l->mhd = MHD_start_daemon(flags, 0, NULL, NULL, serve, l,
				  MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				  MHD_OPTION_LISTEN_SOCKET, fd,
				  MHD_OPTION_NOTIFY_COMPLETED, completed, l,
				  MHD_OPTION_CONNECTION_LIMIT, max_conn,
				  MHD_OPTION_CONNECTION_TIMEOUT,
				  (unsigned int)IDLE_TIMEOUT_S,
				  MHD_OPTION_ARRAY,
				  tls ? tls_options : no_options,
				  MHD_OPTION_END);
	if (!l->mhd) {
		errf(err, errlen, "cannot start the HTTP server (%s)",
		     local ? "UNIX socket" : tls ? "TLS" : "TCP");
		if (fcntl(fd, F_GETFD) >= 0)
			close(fd);
		return -1;
	}
	return 0;
}

void cim_httpd_config_init(struct cim_httpd_config *cfg)
{
	*cfg = (struct cim_httpd_config){
		.unix_path = CIM_HTTPD_UNIX_PATH,
		.tcp_address = CIM_HTTPD_TCP_ADDRESS,
		.tcp_port = CIM_HTTPD_TCP_PORT,
		.credentials = CIM_HTTPD_CREDENTIALS,
		.max_body = CIM_HTTPD_MAX_BODY,
		.max_connections = MAX_CONNECTIONS,
	};
}

struct cim_httpd *cim_httpd_start(const struct cim_httpd_config *cfg,
				  cim_httpd_handler handler, void *arg,
				  char *err, size_t errlen)
{
	unsigned int max_conn = cfg->max_connections ? cfg->max_connections :
				MAX_CONNECTIONS;
	bool tcp = cfg->tcp_port != 0, tls = cfg->tls_port != 0;
	bool pam = cfg->auth == CIM_HTTPD_AUTH_PAM;
	struct cim_httpd *h;
	bool v6 = false;
	int fd;

	if (!handler || (!cfg->unix_path && !tcp && !tls) ||
	    cfg->tcp_port < CIM_HTTPD_PORT_ANY || cfg->tcp_port > 65535 ||
	    cfg->tls_port < CIM_HTTPD_PORT_ANY || cfg->tls_port > 65535) {
		errf(err, errlen, "no listener, no handler or a bad port");
		return NULL;
	}
	if ((tcp || tls) && !pam && !cfg->credentials) {
		errf(err, errlen,
		     "TCP needs a credentials file for HTTP Basic authentication");
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	h->handler = handler;
	h->arg = arg;
	h->max_body = cfg->max_body ? cfg->max_body : CIM_HTTPD_MAX_BODY;
	h->auth = pam ? CIM_HTTPD_AUTH_PAM : CIM_HTTPD_AUTH_FILE;
	h->pam_service = strdup(cfg->pam_service ? cfg->pam_service :
				AUTH_PAM_SERVICE);
	if (!h->pam_service) {
		errf(err, errlen, "out of memory");
		goto fail;
	}

	if ((tcp || tls) && !pam &&
	    load_credentials(h, cfg->credentials, err, errlen))
		goto fail;
	if (tls && tls_load(cfg->tls_cert, cfg->tls_key, &h->tls, err, errlen))
		goto fail;
	if (cfg->unix_path) {
		fd = unix_listen(h, cfg->unix_path, err, errlen);
		if (fd < 0 || start_listener(h, &h->unix_l, fd, true, false,
					     false, max_conn, err, errlen))
			goto fail;
	}
	if (tcp) {
		fd = tcp_listen(cfg->tcp_address ? cfg->tcp_address :
				CIM_HTTPD_TCP_ADDRESS, cfg->tcp_port,
				&h->tcp_port, &v6, err, errlen);
		if (fd < 0 || start_listener(h, &h->tcp_l, fd, false, v6,
					     false, max_conn, err, errlen))
			goto fail;
	}
	if (tls) {
		fd = tcp_listen(cfg->tls_address ? cfg->tls_address :
				CIM_HTTPD_TCP_ADDRESS, cfg->tls_port,
				&h->tls_port, &v6, err, errlen);
		if (fd < 0 || start_listener(h, &h->tls_l, fd, false, v6,
					     true, max_conn, err, errlen))
			goto fail;
	}
	return h;
fail:
	cim_httpd_stop(h);
	return NULL;
}

int cim_httpd_tcp_port(const struct cim_httpd *h)
{
	return h && h->tcp_l.mhd ? h->tcp_port : 0;
}

int cim_httpd_tls_port(const struct cim_httpd *h)
{
	return h && h->tls_l.mhd ? h->tls_port : 0;
}

void cim_httpd_stop(struct cim_httpd *h)
{
	struct stat st;

	if (!h)
		return;
	if (h->tls_l.mhd)
		MHD_stop_daemon(h->tls_l.mhd);
	if (h->tcp_l.mhd)
		MHD_stop_daemon(h->tcp_l.mhd);
	if (h->unix_l.mhd)
		MHD_stop_daemon(h->unix_l.mhd);
	/* Remove the socket unless another daemon has replaced it. */
	if (h->unix_path && !lstat(h->unix_path, &st) &&
	    st.st_dev == h->unix_dev && st.st_ino == h->unix_ino)
		unlink(h->unix_path);
	free(h->unix_path);
	free_users(h);
	tls_identity_free(&h->tls);
	free(h->pam_service);
	free(h);
}
