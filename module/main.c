// SPDX-License-Identifier: GPL-2.0
/*
 * cimrepl - block-layer snapshot, clone and mirror engines for LIO, managed
 * over the "cimrepl" generic netlink family.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "cimrepl.h"
#include "netlink.h"
#include "volume.h"

static int __init cimrepl_init(void)
{
	int ret;

	ret = cimrepl_volumes_init();
	if (ret)
		return ret;
	ret = cimrepl_netlink_init();
	if (ret) {
		cimrepl_volumes_exit();
		return ret;
	}

	pr_info("cimrepl %s loaded (netlink API %u)\n", CIMREPL_MODULE_VERSION,
		CIMREPL_API_VERSION);
	return 0;
}

static void __exit cimrepl_exit(void)
{
	cimrepl_netlink_exit();
	cimrepl_volumes_exit();
}

module_init(cimrepl_init);
module_exit(cimrepl_exit);

MODULE_DESCRIPTION("Block-layer replication (snapshot, clone, mirror) for LIO");
MODULE_AUTHOR("The cimrepl developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(CIMREPL_MODULE_VERSION);
MODULE_ALIAS_GENL_FAMILY(CIMREPL_GENL_NAME);
