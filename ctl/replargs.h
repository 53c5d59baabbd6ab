/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CreateListReplica's and CreateElementReplica's parameters, as a CIM-XML
 * request carries them, checked and translated into a replicate_request
 * (replicate.h): counts, references to this system's volumes and pools,
 * SyncType, Mode, Consistency, ElementNames, WaitForCopyState, the
 * embedded ReplicationSettingData. No kernel, LIO or store here: what needs
 * them is checked by replicate_create_list().
 */
#ifndef CIMREPL_REPLARGS_H
#define CIMREPL_REPLARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cim.h"
#include "replicate.h"

/* The result of a method whose parameters were decoded. */
struct method_out {
	uint32_t rc;			/* CIMREPL_RC_* */
	char description[512];		/* ErrorDescription */
};

/* Set @o's rc and description unless a first reason is there already. */
void method_fail(struct method_out *o, uint32_t rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The value of parameter @name, or NULL when absent or NULL. */
const struct cim_value *replargs_param(const struct cim_request *req,
				       const char *name);

/* A uint16 parameter: -1 when absent or NULL (and when wrong, with @o set). */
int replargs_u16(const struct cim_request *req, const char *name,
		 struct method_out *o);

/*
 * The references of parameter @name, an array (@array) or one, into @out
 * (at most @max). Returns how many; 0 and @o set when they are not that.
 */
size_t replargs_refs(const struct cim_request *req, const char *name,
		     bool array, const struct cim_path **out, size_t max,
		     struct method_out *o);

/*
 * The DeviceID of @path, a reference to a CIM_StorageVolume of the system
 * @system_name; NULL and @o set when it is not (@what[@index] names it).
 */
const char *replargs_volume(const struct cim_path *path,
			    const char *system_name, const char *what,
			    size_t index, struct method_out *o);

/*
 * Fill @rr from the parameters of @req, a CreateListReplica (@list_form)
 * or CreateElementReplica call on the service of @system_name. @rr points
 * into @req, which must outlive it. On a wrong parameter, @o->rc is
 * CIMREPL_RC_INVALID_PARAMETER or CIMREPL_RC_NOT_SUPPORTED (the first
 * reason found) and @rr is not to be used. @rr->method is left as it is.
 */
void replargs_translate(const struct cim_request *req, bool list_form,
			const char *system_name, struct replicate_request *rr,
			struct method_out *o);

/*
 * The return code of a step that failed with -errno @err: a name or size
 * that does not fit is 5, a device in use 6, what the system cannot do 1,
 * anything else 4 (Failed).
 */
uint32_t replargs_rc_of_errno(int err);

#endif /* CIMREPL_REPLARGS_H */
