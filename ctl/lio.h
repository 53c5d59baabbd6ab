/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LIO through configfs, the way targetcli/rtslib-fb does it, so that what
 * cimrepld creates is what `targetcli ls` shows and `targetcli saveconfig`
 * keeps, and what targetcli creates cimrepld can find:
 *
 *   core/iblock_N/NAME/             a `block` backstore (rtslib's
 *                                   BlockStorageObject); one HBA directory
 *                                   per backstore, N the lowest index no
 *                                   backstore of any kind uses
 *     udev_path, control, enable    udev_path=DEV, readonly=0|1, then 1
 *     wwn/vpd_unit_serial           a UUID unless one is given
 *     attrib/emulate_model_alias    1: the SCSI model string is NAME
 *   FABRIC/WWN/tpgt_T/lun/lun_L/ALIAS -> core/iblock_N/NAME
 *                                   a LUN (rtslib's LUN: the lowest free L,
 *                                   ALIAS 10 random hex digits)
 *   loopback/naa.5001405XXXXXXXXX/tpgt_1/nexus
 *                                   a tcm_loop target (local SCSI disks)
 *
 * Every function returns 0 or a negative errno and, on failure, leaves one
 * line in lio_error() naming what failed ("mkdir /sys/.../iblock_3: File
 * exists"). The library keeps no state besides the context: everything is
 * read back from configfs on each call, so changes made by targetcli or
 * anyone else are seen at once.
 *
 * Not thread-safe per context; creating backstores is serialised against
 * rtslib (and other processes using this library) by rtslib's own lock
 * file, /var/run/rtslib_backstore.lock.
 */
#ifndef CIMREPL_LIO_H
#define CIMREPL_LIO_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LIO_CONFIGFS_ROOT	"/sys/kernel/config/target"
#define LIO_LOCK_FILE		"/var/run/rtslib_backstore.lock"

/* 32 hex digits: the 16-byte NAA IEEE Registered Extended designator. */
#define LIO_NAA_LEN		32
/* The kernel's INQUIRY_VPD_SERIAL_LEN, terminating NUL included. */
#define LIO_SERIAL_MAX		254
/* LIO's default IEEE company id (OpenFabrics), wwn/company_id. */
#define LIO_COMPANY_ID		0x001405
#define LIO_MAX_LUN		65535
#define LIO_NAME_MAX		256
#define LIO_ERR_MAX		512

/* Context flags. */
enum {
	/*
	 * @root is a plain directory tree standing in for configfs (host unit
	 * tests): attribute files the kernel would provide are created when
	 * written, directories are removed with their files, and the backing
	 * device is not checked (it need not be a block device).
	 */
	LIO_CTX_FAKE = 1 << 0,
};

struct lio {
	char root[PATH_MAX];		/* configfs target directory */
	char lock_path[PATH_MAX];	/* rtslib's backstore lock file */
	unsigned int flags;		/* LIO_CTX_* */
	char err[LIO_ERR_MAX];		/* the last failure, one line */
};

/*
 * Initialise @l for the configfs tree at @root (NULL: LIO_CONFIGFS_ROOT).
 * With LIO_CTX_FAKE the lock file lives in @root itself. Returns 0 or
 * -ENAMETOOLONG.
 */
int lio_init(struct lio *l, const char *root, unsigned int flags);

/* The last failure's message ("" when none yet). */
const char *lio_error(const struct lio *l);

struct lio_backstore {
	char name[LIO_NAME_MAX];	/* the storage object's name */
	unsigned int hba_index;		/* N of core/iblock_N */
	char path[PATH_MAX];		/* its configfs directory */
	char dev[PATH_MAX];		/* udev_path: the backing device */
	char serial[LIO_SERIAL_MAX];	/* VPD unit serial, "" when unset */
	uint32_t company_id;		/* wwn/company_id (LIO_COMPANY_ID) */
	char naa[LIO_NAA_LEN + 1];	/* VPD 0x83 NAA, "" without serial */
	bool enabled;
	bool readonly;
};

struct lio_block_opts {
	const char *serial;	/* VPD unit serial; NULL: a new UUID */
	int readonly;		/* 0, 1, or -1: the device's own (BLKROGET) */
	bool no_model_alias;	/* keep LIO's model string ("IBLOCK") */
};

/*
 * Create block backstore @name over the block device @dev, as targetcli's
 * `/backstores/block create name=NAME dev=DEV` does. @opts may be NULL
 * (generated serial, read-only as the device is, model alias on). @out, when
 * not NULL, receives the new backstore.
 *
 * Fails with -EINVAL for a bad name, serial or device (not a TYPE_DISK block
 * device), -EEXIST when a block backstore @name exists, -EBUSY when @dev is
 * in use (held exclusively: mounted, another backstore, a volume...). On
 * failure nothing is left behind in configfs.
 */
int lio_block_create(struct lio *l, const char *name, const char *dev,
		     const struct lio_block_opts *opts,
		     struct lio_backstore *out);

/*
 * Delete block backstore @name and its HBA directory. Refuses with -EBUSY,
 * touching nothing, while a LUN exports it (unexport its LUNs first);
 * -ENOENT when there is no such backstore.
 */
int lio_block_delete(struct lio *l, const char *name);

/* Block backstore @name, or -ENOENT. */
int lio_block_find(struct lio *l, const char *name, struct lio_backstore *out);

/*
 * The block backstore over @dev, or -ENOENT. Devices are compared by device
 * number, so /dev/mapper/x and /dev/dm-0 are the same device; paths that do
 * not exist are compared as written (after realpath where possible).
 */
int lio_block_find_by_dev(struct lio *l, const char *dev,
			  struct lio_backstore *out);

/*
 * Every block backstore, sorted by name, in a malloc()ed array the caller
 * frees; *@count may be 0 (and *@out NULL).
 */
int lio_block_list(struct lio *l, struct lio_backstore **out, size_t *count);

/*
 * The NAA designator an initiator reads from VPD page 0x83 of a LUN whose
 * backstore has unit serial @serial and IEEE company id @company_id, as 32
 * lowercase hex digits ("6001405" and 25 more): target_core_spc.c's
 * spc_gen_naa_6h_vendor_specific() (6.1 to 6.12): 6h, the 24-bit company
 * id, then the first 25 hex digits of the serial, other characters skipped,
 * zeros when the serial has fewer. This is CIM_StorageVolume.Name with
 * NameFormat NAA. -EINVAL when @company_id does not fit 24 bits.
 */
int lio_naa_from_serial(const char *serial, uint32_t company_id,
			char naa[LIO_NAA_LEN + 1]);

struct lio_lun {
	char tpg[PATH_MAX];		/* "loopback/naa.5001405.../tpgt_1" */
	unsigned int index;		/* L of lun_L */
	char alias[LIO_NAME_MAX];	/* the symlink's name in lun_L/ */
	char backstore[LIO_NAME_MAX];	/* the block backstore it exports */
	char path[PATH_MAX];		/* lun_L's configfs directory */
};

/*
 * Export block backstore @name as a LUN of the target portal group @tpg
 * ("FABRIC/WWN/tpgt_T", relative to the configfs root, or absolute under
 * it): LUN @lun, or the lowest free one when @lun < 0. As targetcli, a
 * backstore is exported at most once per TPG (-EEXIST). Node ACLs are not
 * touched: mapped LUNs for them are the caller's business. @out may be
 * NULL.
 */
int lio_lun_export(struct lio *l, const char *tpg, const char *name, int lun,
		   struct lio_lun *out);

/*
 * Remove LUN @lun of @tpg, with the node ACLs' mapped LUNs that point at it
 * (rtslib's LUN.delete()). -ENOENT when there is no such LUN.
 */
int lio_lun_unexport(struct lio *l, const char *tpg, unsigned int lun);

/*
 * The LUNs that export block backstore @name, on every fabric, in a
 * malloc()ed array the caller frees. -ENOENT when there is no such backstore.
 */
int lio_lun_list(struct lio *l, const char *name, struct lio_lun **out,
		 size_t *count);

/*
 * Create a tcm_loop target @wwn ("naa.5" and 15 hex digits; NULL: a random
 * naa.5001405...) with TPG 1 and its nexus, as `targetcli /loopback create`.
 * Its LUNs become local SCSI disks. @tpg_out (may be NULL) receives
 * "loopback/WWN/tpgt_1".
 */
int lio_loopback_create(struct lio *l, const char *wwn, char *tpg_out,
			size_t tpg_len);

/*
 * Delete tcm_loop target @wwn with its LUNs (its disks go away), as
 * `targetcli /loopback delete WWN`.
 */
int lio_loopback_delete(struct lio *l, const char *wwn);

#endif /* CIMREPL_LIO_H */
