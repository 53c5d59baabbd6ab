/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cimrepld's TLS identity: the PEM certificate (chain) and private key the
 * HTTPS listener (port 5989) presents, read once at start and checked with
 * GnuTLS before the listener starts, so that a wrong file is one clear line
 * instead of a listener that fails every handshake.
 *
 * Rules (tls_load() refuses the files otherwise):
 *   - both are regular files (symbolic links are followed: certbot keeps
 *     live/ as links), at most TLS_MAX_FILE bytes;
 *   - the key is not readable or writable by others, like the credentials
 *     file (mode 0600 or 0640 with a group that may read it);
 *   - the certificate parses as PEM X.509, the key as a PEM private key
 *     (PKCS#1, PKCS#8 or SEC1; not encrypted), and the key belongs to the
 *     first certificate.
 */
#ifndef CIMREPL_TLS_H
#define CIMREPL_TLS_H

#include <stddef.h>

#define TLS_MAX_FILE	(256u << 10)

/* A certificate and its key as read from their files, NUL-terminated. */
struct tls_identity {
	char *cert_pem;
	char *key_pem;
};

/*
 * Read and check @cert_path and @key_path into @id. Returns 0, or -1 with
 * one line in @err (@id then holds nothing to free).
 */
int tls_load(const char *cert_path, const char *key_path,
	     struct tls_identity *id, char *err, size_t errlen);

/* Wipe the key from memory and free both; @id may be empty. */
void tls_identity_free(struct tls_identity *id);

#endif /* CIMREPL_TLS_H */
