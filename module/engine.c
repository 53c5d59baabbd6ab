// SPDX-License-Identifier: GPL-2.0
/*
 * The table of replication engines built into this module. An engine that
 * lands adds itself here; nothing else advertises SyncTypes, Modes or
 * operations.
 */
#include <linux/kernel.h>

#include "cimrepl.h"
#include "snapshot.h"

const struct cimrepl_engine *const cimrepl_engines[] = {
	&cimrepl_snapshot_engine,
};

const unsigned int cimrepl_n_engines = ARRAY_SIZE(cimrepl_engines);

const struct cimrepl_engine *cimrepl_engine_find(u16 sync_type)
{
	unsigned int i;

	for (i = 0; i < cimrepl_n_engines; i++)
		if (cimrepl_engines[i]->sync_type == sync_type)
			return cimrepl_engines[i];
	return NULL;
}
