// SPDX-License-Identifier: GPL-2.0
/*
 * The table of replication engines built into this module. An engine that
 * lands adds itself here; nothing else advertises SyncTypes, Modes or
 * operations.
 */
#include <linux/kernel.h>

#include "cimrepl.h"
#include "clone.h"
#include "mirror.h"
#include "snapshot.h"

const struct cimrepl_engine *const cimrepl_engines[] = {
	&cimrepl_snapshot_engine,
	&cimrepl_clone_engine,
	&cimrepl_mirror_engine,
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

bool cimrepl_engine_op_known(u16 op)
{
	unsigned int i, j;

	for (i = 0; i < cimrepl_n_engines; i++)
		for (j = 0; j < cimrepl_engines[i]->n_operations; j++)
			if (cimrepl_engines[i]->operations[j] == op)
				return true;
	return false;
}
