// SPDX-License-Identifier: GPL-2.0
/*
 * HTTP Basic credentials through PAM (auth_pam.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

#include "auth_pam.h"

/* pam_unix and friends are not all thread-safe: one check at a time. */
static pthread_mutex_t pam_lock = PTHREAD_MUTEX_INITIALIZER;

/* The conversation: the password for every hidden prompt, nothing else. */
static int converse(int n, const struct pam_message **msg,
		    struct pam_response **resp, void *arg)
{
	const char *password = arg;
	struct pam_response *r;
	int i;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	r = calloc((size_t)n, sizeof(*r));
	if (!r)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
			r[i].resp = strdup(password);
			if (!r[i].resp)
				goto fail;
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			break;
		default:	/* a question we cannot answer over HTTP */
			goto fail;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
fail:
	for (i = 0; i < n; i++)
		if (r[i].resp) {
			explicit_bzero(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	free(r);
	return PAM_CONV_ERR;
}

bool auth_pam_check(const char *service, const char *user,
		    const char *password)
{
	struct pam_conv conv = { converse, (void *)password };
	pam_handle_t *pamh = NULL;
	int rc;

	if (!user[0])
		return false;
	pthread_mutex_lock(&pam_lock);
	rc = pam_start(service ? service : AUTH_PAM_SERVICE, user, &conv,
		       &pamh);
	if (rc == PAM_SUCCESS)
		rc = pam_authenticate(pamh, PAM_DISALLOW_NULL_AUTHTOK);
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(pamh, PAM_DISALLOW_NULL_AUTHTOK);
	if (pamh)
		pam_end(pamh, rc);
	pthread_mutex_unlock(&pam_lock);
	return rc == PAM_SUCCESS;
}
