// SPDX-License-Identifier: GPL-2.0
/*
 * cimrepld's TLS identity (tls.h): read the certificate and key files and
 * let GnuTLS say whether they make a usable server credential.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "tls.h"

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

/* The whole of @path, NUL-terminated; @secret: refuse if others may read. */
static char *read_pem(const char *what, const char *path, bool secret,
		      char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		errf(err, errlen, "%s %s: not a regular file", what, path);
		goto fail;
	}
	if (secret && (st.st_mode & (S_IROTH | S_IWOTH))) {
		errf(err, errlen,
		     "%s %s is accessible to others (mode %04o); refusing it: chmod 0600 it",
		     what, path, (unsigned int)(st.st_mode & 07777));
		goto fail;
	}
	if (st.st_size <= 0 || (size_t)st.st_size > TLS_MAX_FILE) {
		errf(err, errlen, "%s %s: empty or larger than %u bytes", what,
		     path, TLS_MAX_FILE);
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		errf(err, errlen, "out of memory");
		goto fail;
	}
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			errf(err, errlen, "%s %s: short read", what, path);
			goto fail;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
fail:
	if (buf) {
		explicit_bzero(buf, len);
		free(buf);
	}
	close(fd);
	return NULL;
}

void tls_identity_free(struct tls_identity *id)
{
	if (id->key_pem) {
		explicit_bzero(id->key_pem, strlen(id->key_pem));
		free(id->key_pem);
	}
	free(id->cert_pem);
	id->cert_pem = NULL;
	id->key_pem = NULL;
}

int tls_load(const char *cert_path, const char *key_path,
	     struct tls_identity *id, char *err, size_t errlen)
{
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_datum_t cert, key;
	int rc;

	*id = (struct tls_identity){ 0 };
	if (!cert_path || !key_path) {
		errf(err, errlen, "TLS needs a certificate and a key file");
		return -1;
	}
	id->cert_pem = read_pem("TLS certificate", cert_path, false, err,
				errlen);
	if (!id->cert_pem)
		return -1;
	id->key_pem = read_pem("TLS key", key_path, true, err, errlen);
	if (!id->key_pem)
		goto fail;
	if (gnutls_certificate_allocate_credentials(&cred) < 0) {
		errf(err, errlen, "out of memory");
		goto fail;
	}
	cert.data = (unsigned char *)id->cert_pem;
	cert.size = (unsigned int)strlen(id->cert_pem);
	key.data = (unsigned char *)id->key_pem;
	key.size = (unsigned int)strlen(id->key_pem);
	rc = gnutls_certificate_set_x509_key_mem(cred, &cert, &key,
						 GNUTLS_X509_FMT_PEM);
	gnutls_certificate_free_credentials(cred);
	if (rc < 0) {
		errf(err, errlen, "TLS certificate %s with key %s: %s", cert_path,
		     key_path, rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH ?
		     "the key does not belong to the certificate" :
		     gnutls_strerror(rc));
		goto fail;
	}
	return 0;
fail:
	tls_identity_free(id);
	return -1;
}
