/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The client side of cimrepld's front door: send one CIM-XML request body
 * as a DSP0200 CIM operation (POST /cimom with CIMOperation: MethodCall,
 * CIMMethod, CIMObject) and return the response as it came: HTTP status,
 * CIMError header, body. Over the daemon's UNIX socket (no password: the
 * daemon checks the caller's uid) or over HTTP with Basic credentials.
 * Built on libcurl; it neither writes nor reads XML (ctl/cimxml.c does).
 *
 * Call cim_client_init() once before the first call (before any thread is
 * started) and cim_client_exit() once at the end.
 */
#ifndef CIMREPL_CIMCLIENT_H
#define CIMREPL_CIMCLIENT_H

#include <stdbool.h>
#include <stddef.h>

#define CIM_CLIENT_UNIX_PATH	"/run/cimrepl/cimrepld.sock"

struct cim_client_config {
	/*
	 * "http://host:port" (the path defaults to /cimom) or a full URL;
	 * NULL: the UNIX socket.
	 */
	const char *url;
	const char *unix_path;	/* NULL: CIM_CLIENT_UNIX_PATH */
	const char *user;	/* HTTP Basic, with @url only */
	const char *password;
	/*
	 * https:// URLs: the server's certificate is verified against @cacert
	 * (a PEM file of CA certificates; NULL: the system's store) and must
	 * name the URL's host, unless @insecure (no verification at all).
	 */
	const char *cacert;
	bool insecure;
	long timeout_s;		/* whole call; 0: no limit (a wait can be long) */
};

struct cim_client_reply {
	long status;		/* HTTP status: 200, 400, 401... */
	char *cim_error;	/* the CIMError header, or NULL */
	bool method_response;	/* CIMOperation: MethodResponse was there */
	char *body;		/* NUL-terminated; never NULL after success */
	size_t len;
};

int cim_client_init(void);
void cim_client_exit(void);

/*
 * Send @body (@len bytes) for the operation @cim_method ("GetInstance",
 * "CreateListReplica") on @cim_object ("root/cimv2", or an instance path
 * for an extrinsic method); both are %-escaped here as DSP0200 wants.
 * Returns 0 when a response came back, whatever its status (see @reply,
 * then release it with cim_client_reply_free()), or -1 with one line in
 * @err when none did (no daemon, refused connection, timeout).
 */
int cim_client_call(const struct cim_client_config *cfg,
		    const char *cim_method, const char *cim_object,
		    const char *body, size_t len,
		    struct cim_client_reply *reply, char *err, size_t errlen);

void cim_client_reply_free(struct cim_client_reply *reply);

#endif /* CIMREPL_CIMCLIENT_H */
