/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HTTP Basic credentials checked by PAM (cimrepld --auth pam): the user
 * and password go through the PAM service (default "cimrepld", i.e.
 * /etc/pam.d/cimrepld; scripts/pam.d/cimrepld is the one we ship), whose
 * auth stack must accept the password and whose account stack the account.
 * No session is opened: every request is checked on its own.
 */
#ifndef CIMREPL_AUTH_PAM_H
#define CIMREPL_AUTH_PAM_H

#include <stdbool.h>

#define AUTH_PAM_SERVICE	"cimrepld"

/*
 * Does PAM service @service accept @user with @password? Calls are
 * serialized (pam_unix reads the shadow file with non-reentrant calls);
 * a refusal may take the module's failure delay (pam_unix: 2 s).
 */
bool auth_pam_check(const char *service, const char *user,
		    const char *password);

#endif /* CIMREPL_AUTH_PAM_H */
