/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cimrepl internals shared by the files of the module: limits and the
 * engine descriptor. Devices live in volume.h, pools in pool.h.
 */
#ifndef CIMREPL_H
#define CIMREPL_H

#include <linux/types.h>
#include <linux/sizes.h>
#include <linux/mutex.h>
#include <uapi/linux/cimrepl.h>

#define CIMREPL_MODULE_VERSION		"0.1.0"

/* Longest list a create-list or modify-list request may carry. */
#define CIMREPL_MAX_ELEMENTS		64
/* Most managed devices (volumes and replicas) at once. */
#define CIMREPL_MAX_DEVICES		1024

/* Chunk: the unit of copy-on-write, copy and dirty tracking. */
#define CIMREPL_CHUNK_SIZE_MIN		SZ_4K
#define CIMREPL_CHUNK_SIZE_MAX		SZ_1M
#define CIMREPL_CHUNK_SIZE_DEFAULT	SZ_64K

/**
 * struct cimrepl_engine - what one replication engine offers
 * @sync_type: CIMREPL_SYNC_TYPE_* it implements
 * @modes: CIMREPL_MODE_* values it accepts, @n_modes of them
 * @operations: CIMREPL_OP_* values it implements, @n_operations of them
 *
 * Engines list themselves in cimrepl_engines[] (engine.c); the netlink
 * capabilities reply and request validation are derived from that table, so
 * an engine that is not built is never advertised.
 */
struct cimrepl_engine {
	u16 sync_type;
	const u16 *modes;
	unsigned int n_modes;
	const u16 *operations;
	unsigned int n_operations;
};

extern const struct cimrepl_engine *const cimrepl_engines[];
extern const unsigned int cimrepl_n_engines;

const struct cimrepl_engine *cimrepl_engine_find(u16 sync_type);
/* Does any engine built in implement Operation @op? */
bool cimrepl_engine_op_known(u16 op);

#endif /* CIMREPL_H */
