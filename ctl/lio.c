// SPDX-License-Identifier: GPL-2.0
/*
 * LIO block backstores, LUNs and tcm_loop targets through configfs, step for
 * step as rtslib-fb 2.1 does them (tcm.py BlockStorageObject and _Backstore,
 * target.py Target, TPG and LUN), so that targetcli sees our objects as its
 * own. See lio.h for the layout.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/fs.h>

#include "lio.h"

/* rtslib's range of backstore indexes (tcm.py _Backstore). */
#define LIO_MAX_HBA_INDEX	1048576

static int fail(struct lio *l, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record one line in l->err; returns -@err (a positive errno). */
static int fail(struct lio *l, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->err, sizeof(l->err), fmt, ap);
	va_end(ap);
	return -err;
}

static int path_fmt(struct lio *l, char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int path_fmt(struct lio *l, char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return fail(l, ENAMETOOLONG, "path too long: %s...", buf);
	return 0;
}

int lio_init(struct lio *l, const char *root, unsigned int flags)
{
	int n;

	memset(l, 0, sizeof(*l));
	l->flags = flags;
	if (!root)
		root = LIO_CONFIGFS_ROOT;
	n = snprintf(l->root, sizeof(l->root), "%s", root);
	if (n < 0 || (size_t)n >= sizeof(l->root))
		return fail(l, ENAMETOOLONG, "configfs root too long: %s", root);
	while (n > 1 && l->root[n - 1] == '/')
		l->root[--n] = '\0';
	if (flags & LIO_CTX_FAKE)
		return path_fmt(l, l->lock_path, sizeof(l->lock_path),
				"%s/.rtslib_backstore.lock", l->root);
	return path_fmt(l, l->lock_path, sizeof(l->lock_path), "%s",
			LIO_LOCK_FILE);
}

const char *lio_error(const struct lio *l)
{
	return l->err;
}

/* ---- configfs files ---------------------------------------------------- */

static void strip(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/*
 * Read attribute file @path into @buf, trailing whitespace stripped (rtslib's
 * fread()). Returns 0 or -errno, without touching l->err: callers decide
 * whether a missing file is an error.
 */
static int read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (got + 1 < len) {
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return (int)n;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	strip(buf);
	return 0;
}

static int mkdir_p(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	return 0;
}

/*
 * Write @value to attribute file @path in one write(), as configfs wants.
 * In a fake tree the file (and its directory) is created.
 */
static int write_file(struct lio *l, const char *path, const char *value)
{
	size_t len = strlen(value);
	int flags = O_WRONLY | O_CLOEXEC;
	ssize_t n;
	int fd, err;

	if (l->flags & LIO_CTX_FAKE) {
		char tmp[PATH_MAX];

		snprintf(tmp, sizeof(tmp), "%s", path);
		mkdir_p(tmp);
		flags |= O_CREAT | O_TRUNC;
	}
	fd = open(path, flags, 0644);
	if (fd < 0)
		return fail(l, errno, "open %s: %s", path, strerror(errno));
	n = write(fd, value, len);
	err = n < 0 ? errno : 0;
	if (close(fd) && !err)
		err = errno;
	if (n >= 0 && (size_t)n != len && !err)
		err = EIO;
	if (err) {
		char shown[128];

		snprintf(shown, sizeof(shown), "%s", value);
		strip(shown);
		return fail(l, err, "write '%s' to %s: %s", shown, path,
			    strerror(err));
	}
	return 0;
}

static int write_attr(struct lio *l, const char *dir, const char *attr,
		      const char *value)
{
	char path[PATH_MAX];
	int ret;

	ret = path_fmt(l, path, sizeof(path), "%s/%s", dir, attr);
	return ret ? ret : write_file(l, path, value);
}

static int make_dir(struct lio *l, const char *path)
{
	if (mkdir(path, 0755))
		return fail(l, errno, "mkdir %s: %s", path, strerror(errno));
	return 0;
}

/* Remove the regular files of a fake-tree directory, recursively. */
static void fake_clear(const char *path)
{
	struct dirent *de;
	char sub[PATH_MAX];
	struct stat st;
	DIR *d;

	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >=
		    (int)sizeof(sub))
			continue;
		if (lstat(sub, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			fake_clear(sub);
			rmdir(sub);
		} else {
			unlink(sub);
		}
	}
	closedir(d);
}

/*
 * rmdir @path. In configfs the kernel's own attribute files and default
 * groups go with it; in a fake tree we remove what we created first.
 */
static int remove_dir(struct lio *l, const char *path)
{
	if (l->flags & LIO_CTX_FAKE)
		fake_clear(path);
	if (rmdir(path))
		return fail(l, errno, "rmdir %s: %s", path, strerror(errno));
	return 0;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static bool has_subdir(const char *path)
{
	struct dirent *de;
	char sub[PATH_MAX];
	bool found = false;
	DIR *d;

	d = opendir(path);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) <
		    (int)sizeof(sub) && is_dir(sub))
			found = true;
	}
	closedir(d);
	return found;
}

/* "PREFIX_N" with N decimal: N, else -1. */
static long suffix_index(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	char *end;
	long v;

	if (strncmp(name, prefix, n) || name[n] != '_' ||
	    !isdigit((unsigned char)name[n + 1]))
		return -1;
	errno = 0;
	v = strtol(name + n + 1, &end, 10);
	if (*end || errno || v < 0 || v > INT_MAX)
		return -1;
	return v;
}

/* Backstore HBA directories are "PLUGIN_N" (rtslib globs core/ for them). */
static long hba_index(const char *name)
{
	const char *us = strrchr(name, '_');
	char *end;
	long v;

	if (!us || us == name || !isdigit((unsigned char)us[1]))
		return -1;
	errno = 0;
	v = strtol(us + 1, &end, 10);
	if (*end || errno || v < 0 || v > INT_MAX)
		return -1;
	return v;
}

static bool valid_name(const char *name)
{
	size_t n = strlen(name);

	if (!n || n >= LIO_NAME_MAX || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	return !strpbrk(name, "/ \t\n\r");
}

static void random_hex(char *out, size_t digits)
{
	unsigned char b[32];
	size_t i, got = 0;
	ssize_t n;

	while (got < (digits + 1) / 2) {
		n = getrandom(b + got, (digits + 1) / 2 - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* getrandom() cannot fail for 16 bytes; stay defined */
			memset(b + got, 0, sizeof(b) - got);
			break;
		}
		got += (size_t)n;
	}
	for (i = 0; i < digits; i++)
		out[i] = "0123456789abcdef"[(b[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
	out[digits] = '\0';
}

/* A random (version 4) UUID, lowercase: Python's str(uuid.uuid4()). */
static void uuid4(char out[37])
{
	char h[33];

	random_hex(h, 32);
	h[12] = '4';				/* version */
	h[16] = "89ab"[(h[16] - (h[16] <= '9' ? '0' : 'a' - 10)) & 3];
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12,
		 h + 16, h + 20);
}

/* ---- NAA ---------------------------------------------------------------- */

static int hex_to_bin(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int lio_naa_from_serial(const char *serial, uint32_t company_id,
			char naa[LIO_NAA_LEN + 1])
{
	unsigned char buf[16] = { 0 };
	const char *p = serial;
	int cnt, off = 0, i;
	bool next = true;

	naa[0] = '\0';
	if (company_id >= 0x1000000)
		return -EINVAL;
	/* spc_gen_naa_6h_vendor_specific(), line for line */
	buf[off] = 0x6 << 4;
	buf[off++] |= (company_id >> 20) & 0xf;
	buf[off++] = (company_id >> 12) & 0xff;
	buf[off++] = (company_id >> 4) & 0xff;
	buf[off] = (company_id & 0xf) << 4;
	for (cnt = off + 13; *p && off < cnt; p++) {
		int val = hex_to_bin(*p);

		if (val < 0)
			continue;
		if (next) {
			next = false;
			buf[off++] |= val;
		} else {
			next = true;
			buf[off] = (unsigned char)(val << 4);
		}
	}
	for (i = 0; i < 16; i++)
		snprintf(naa + 2 * i, 3, "%02x", buf[i]);
	return 0;
}

/* ---- backstores --------------------------------------------------------- */

/* Fill @b from configfs directory core/@hba/@name. */
static int load_backstore(struct lio *l, const char *hba, const char *name,
			  struct lio_backstore *b)
{
	char path[PATH_MAX], buf[512], *colon;
	int ret;

	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", name);
	b->hba_index = (unsigned int)hba_index(hba);
	ret = path_fmt(l, b->path, sizeof(b->path), "%s/core/%s/%s", l->root,
		       hba, name);
	if (ret)
		return ret;
	ret = path_fmt(l, path, sizeof(path), "%s/udev_path", b->path);
	if (ret)
		return ret;
	read_file(path, b->dev, sizeof(b->dev));

	ret = path_fmt(l, path, sizeof(path), "%s/enable", b->path);
	if (ret)
		return ret;
	/* rtslib: no enable attribute means always enabled */
	b->enabled = read_file(path, buf, sizeof(buf)) || atoi(buf) == 1;

	ret = path_fmt(l, path, sizeof(path), "%s/wwn/vpd_unit_serial", b->path);
	if (ret)
		return ret;
	if (!read_file(path, buf, sizeof(buf))) {
		/* "T10 VPD Unit Serial Number: SERIAL" (rtslib: partition) */
		colon = strchr(buf, ':');
		colon = colon ? colon + 1 : buf;
		while (isspace((unsigned char)*colon))
			colon++;
		if (strlen(colon) < sizeof(b->serial))
			strcpy(b->serial, colon);
	}

	b->company_id = LIO_COMPANY_ID;
	ret = path_fmt(l, path, sizeof(path), "%s/wwn/company_id", b->path);
	if (ret)
		return ret;
	if (!read_file(path, buf, sizeof(buf)) && buf[0])
		b->company_id = (uint32_t)strtoul(buf, NULL, 0);

	ret = path_fmt(l, path, sizeof(path), "%s/info", b->path);
	if (ret)
		return ret;
	if (!read_file(path, buf, sizeof(buf))) {
		char *ro = strstr(buf, "readonly: ");

		b->readonly = ro && atoi(ro + strlen("readonly: ")) == 1;
	}
	if (b->serial[0])
		lio_naa_from_serial(b->serial, b->company_id, b->naa);
	return 0;
}

typedef int (*backstore_fn)(struct lio *l, const char *hba, const char *name,
			    void *arg);

/*
 * Call @fn for every block backstore (core/iblock_N/NAME) until it returns
 * non-zero; returns that value, 0 at the end, or -errno.
 */
static int each_backstore(struct lio *l, backstore_fn fn, void *arg)
{
	char core[PATH_MAX], hba[PATH_MAX], so[PATH_MAX];
	struct dirent *he, *se;
	DIR *cd, *hd;
	int ret = 0;

	ret = path_fmt(l, core, sizeof(core), "%s/core", l->root);
	if (ret)
		return ret;
	cd = opendir(core);
	if (!cd)
		return fail(l, errno, "open %s: %s", core, strerror(errno));
	while (!ret && (he = readdir(cd))) {
		if (suffix_index(he->d_name, "iblock") < 0)
			continue;
		if (snprintf(hba, sizeof(hba), "%s/%s", core, he->d_name) >=
		    (int)sizeof(hba))
			continue;
		hd = opendir(hba);
		if (!hd)
			continue;
		while (!ret && (se = readdir(hd))) {
			if (se->d_name[0] == '.')
				continue;
			if (snprintf(so, sizeof(so), "%s/%s", hba, se->d_name) >=
			    (int)sizeof(so) || !is_dir(so))
				continue;
			ret = fn(l, he->d_name, se->d_name, arg);
		}
		closedir(hd);
	}
	closedir(cd);
	return ret;
}

struct find_arg {
	const char *name;
	struct lio_backstore *out;
};

static int find_cb(struct lio *l, const char *hba, const char *name, void *arg)
{
	struct find_arg *fa = arg;
	int ret;

	if (strcmp(name, fa->name))
		return 0;
	ret = load_backstore(l, hba, name, fa->out);
	return ret ? ret : 1;
}

int lio_block_find(struct lio *l, const char *name, struct lio_backstore *out)
{
	struct lio_backstore tmp;
	struct find_arg fa = { name, out ? out : &tmp };
	int ret;

	if (!valid_name(name))
		return fail(l, EINVAL, "invalid backstore name '%s'", name);
	ret = each_backstore(l, find_cb, &fa);
	if (ret < 0)
		return ret;
	if (!ret)
		return fail(l, ENOENT, "no block backstore %s", name);
	return 0;
}

struct list_arg {
	struct lio_backstore *v;
	size_t n, cap;
};

static int list_cb(struct lio *l, const char *hba, const char *name, void *arg)
{
	struct list_arg *la = arg;

	if (la->n == la->cap) {
		size_t cap = la->cap ? la->cap * 2 : 8;
		struct lio_backstore *v = realloc(la->v, cap * sizeof(*v));

		if (!v)
			return fail(l, ENOMEM, "out of memory listing backstores");
		la->v = v;
		la->cap = cap;
	}
	return load_backstore(l, hba, name, &la->v[la->n++]);
}

static int cmp_backstore(const void *a, const void *b)
{
	return strcmp(((const struct lio_backstore *)a)->name,
		      ((const struct lio_backstore *)b)->name);
}

int lio_block_list(struct lio *l, struct lio_backstore **out, size_t *count)
{
	struct list_arg la = { 0 };
	int ret;

	*out = NULL;
	*count = 0;
	ret = each_backstore(l, list_cb, &la);
	if (ret < 0) {
		free(la.v);
		return ret;
	}
	if (la.n)
		qsort(la.v, la.n, sizeof(*la.v), cmp_backstore);
	*out = la.v;
	*count = la.n;
	return 0;
}

struct by_dev_arg {
	const char *dev;	/* as given */
	char real[PATH_MAX];	/* realpath, or as given */
	dev_t rdev;		/* 0: not a block device */
	struct lio_backstore *out;
};

static int by_dev_cb(struct lio *l, const char *hba, const char *name,
		     void *arg)
{
	struct by_dev_arg *da = arg;
	struct lio_backstore b;
	char real[PATH_MAX];
	struct stat st;
	bool match;
	int ret;

	ret = load_backstore(l, hba, name, &b);
	if (ret)
		return ret;
	if (!b.dev[0])
		return 0;
	if (da->rdev && !stat(b.dev, &st) && S_ISBLK(st.st_mode))
		match = st.st_rdev == da->rdev;
	else
		match = !strcmp(b.dev, da->dev) ||
			!strcmp(realpath(b.dev, real) ? real : b.dev, da->real);
	if (!match)
		return 0;
	*da->out = b;
	return 1;
}

int lio_block_find_by_dev(struct lio *l, const char *dev,
			  struct lio_backstore *out)
{
	struct lio_backstore tmp;
	struct by_dev_arg da = { .dev = dev, .out = out ? out : &tmp };
	struct stat st;
	int ret;

	if (!realpath(dev, da.real))
		snprintf(da.real, sizeof(da.real), "%s", dev);
	if (!stat(dev, &st) && S_ISBLK(st.st_mode))
		da.rdev = st.st_rdev;
	ret = each_backstore(l, by_dev_cb, &da);
	if (ret < 0)
		return ret;
	if (!ret)
		return fail(l, ENOENT, "no block backstore on %s", dev);
	return 0;
}

/*
 * rtslib's checks of the device (BlockStorageObject._configure and
 * targetcli's read-only probe): a block device of SCSI type 0 (or no SCSI
 * type at all), not held exclusively by anyone. Sets *@ro from BLKROGET.
 */
static int check_device(struct lio *l, const char *dev, int *ro)
{
	char path[PATH_MAX], buf[32];
	struct stat st;
	int fd, val = 0;

	if (stat(dev, &st))
		return fail(l, errno, "%s: %s", dev, strerror(errno));
	if (!S_ISBLK(st.st_mode))
		return fail(l, EINVAL, "%s is not a block device", dev);
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/device/type",
		 major(st.st_rdev), minor(st.st_rdev));
	if (!read_file(path, buf, sizeof(buf)) && atoi(buf) != 0)
		return fail(l, EINVAL,
			    "%s is not a TYPE_DISK block device (SCSI type %s)",
			    dev, buf);
	fd = open(dev, O_RDONLY | O_EXCL | O_NDELAY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EBUSY)
			return fail(l, EBUSY, "device %s is already in use",
				    dev);
		return fail(l, errno, "open %s: %s", dev, strerror(errno));
	}
	if (*ro < 0)
		*ro = !ioctl(fd, BLKROGET, &val) && val;
	close(fd);
	return 0;
}

/* Hold rtslib's backstore lock; returns the fd or -errno. */
static int lock_backstores(struct lio *l)
{
	int fd;

	fd = open(l->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail(l, errno, "open %s: %s", l->lock_path,
			    strerror(errno));
	while (flock(fd, LOCK_EX)) {
		if (errno != EINTR) {
			int err = errno;

			close(fd);
			return fail(l, err, "lock %s: %s", l->lock_path,
				    strerror(err));
		}
	}
	return fd;
}

static void unlock_backstores(int fd)
{
	flock(fd, LOCK_UN);
	close(fd);
}

/*
 * The lowest index no backstore HBA with a storage object uses, whatever
 * its plugin (rtslib's bs_cache holds "PLUGIN/NAME" -> index for every
 * core/PLUGIN_N/NAME/ and takes the first index not among its values).
 */
static int free_hba_index(struct lio *l, unsigned int *index)
{
	char core[PATH_MAX], hba[PATH_MAX];
	unsigned char *used;
	struct dirent *de;
	long v;
	DIR *d;
	int ret;

	ret = path_fmt(l, core, sizeof(core), "%s/core", l->root);
	if (ret)
		return ret;
	used = calloc(LIO_MAX_HBA_INDEX / 8, 1);
	if (!used)
		return fail(l, ENOMEM, "out of memory");
	d = opendir(core);
	if (!d) {
		free(used);
		return fail(l, errno, "open %s: %s", core, strerror(errno));
	}
	while ((de = readdir(d))) {
		v = hba_index(de->d_name);
		if (v < 0 || v >= LIO_MAX_HBA_INDEX)
			continue;
		if (snprintf(hba, sizeof(hba), "%s/%s", core, de->d_name) <
		    (int)sizeof(hba) && has_subdir(hba))
			used[v / 8] |= 1u << (v % 8);
	}
	closedir(d);
	for (v = 0; v < LIO_MAX_HBA_INDEX; v++)
		if (!(used[v / 8] & (1u << (v % 8))))
			break;
	free(used);
	if (v == LIO_MAX_HBA_INDEX)
		return fail(l, ENOSPC, "no available backstore index");
	*index = (unsigned int)v;
	return 0;
}

static int configure_block(struct lio *l, const char *so, const char *dev,
			   int ro, const char *serial, bool model_alias)
{
	char val[PATH_MAX + 16];
	int ret;

	/* BlockStorageObject._configure(), in its order */
	ret = write_attr(l, so, "udev_path", dev);
	if (!ret) {
		snprintf(val, sizeof(val), "udev_path=%s", dev);
		ret = write_attr(l, so, "control", val);
	}
	if (!ret) {
		snprintf(val, sizeof(val), "readonly=%d", ro);
		ret = write_attr(l, so, "control", val);
	}
	if (!ret)
		ret = write_attr(l, so, "enable", "1\n");
	/* StorageObject._configure(): the T10 unit serial */
	if (!ret) {
		snprintf(val, sizeof(val), "%s\n", serial);
		ret = write_attr(l, so, "wwn/vpd_unit_serial", val);
	}
	/* targetcli's export_backstore_name_as_model (default true) */
	if (!ret && model_alias)
		ret = write_attr(l, so, "attrib/emulate_model_alias", "1");
	return ret;
}

int lio_block_create(struct lio *l, const char *name, const char *dev,
		     const struct lio_block_opts *opts,
		     struct lio_backstore *out)
{
	char hba[PATH_MAX], so[PATH_MAX], serial[LIO_SERIAL_MAX];
	bool model_alias = !(opts && opts->no_model_alias);
	int ro = opts ? opts->readonly : -1;
	unsigned int index = 0;
	int lock, ret;

	if (!valid_name(name))
		return fail(l, EINVAL,
			    "invalid backstore name '%s' (no /, spaces or tabs)",
			    name);
	if (!dev[0] || strlen(dev) >= PATH_MAX || strchr(dev, '\n'))
		return fail(l, EINVAL, "invalid device path '%s'", dev);
	if (opts && opts->serial) {
		if (!opts->serial[0] || strlen(opts->serial) >= LIO_SERIAL_MAX ||
		    strpbrk(opts->serial, "\n\r"))
			return fail(l, EINVAL, "invalid unit serial '%s'",
				    opts->serial);
		snprintf(serial, sizeof(serial), "%s", opts->serial);
	} else {
		uuid4(serial);
	}
	if (ro > 1)
		ro = 1;
	if (!(l->flags & LIO_CTX_FAKE)) {
		ret = check_device(l, dev, &ro);
		if (ret)
			return ret;
	}
	if (ro < 0)
		ro = 0;

	lock = lock_backstores(l);
	if (lock < 0)
		return lock;
	ret = lio_block_find(l, name, NULL);
	if (!ret) {
		ret = fail(l, EEXIST, "block backstore %s exists", name);
		goto unlock;
	}
	if (ret != -ENOENT)
		goto unlock;
	ret = free_hba_index(l, &index);
	if (ret)
		goto unlock;
	ret = path_fmt(l, hba, sizeof(hba), "%s/core/iblock_%u", l->root, index);
	if (!ret)
		ret = path_fmt(l, so, sizeof(so), "%s/%s", hba, name);
	if (ret)
		goto unlock;
	/* a stale HBA directory without a storage object is reused */
	if (is_dir(hba)) {
		ret = remove_dir(l, hba);
		if (ret)
			goto unlock;
	}
	ret = make_dir(l, hba);
	if (ret)
		goto unlock;
	ret = make_dir(l, so);
	if (ret) {
		rmdir(hba);
		goto unlock;
	}
	ret = configure_block(l, so, dev, ro, serial, model_alias);
	if (ret) {
		/* keep the first failure's message */
		char msg[LIO_ERR_MAX];

		memcpy(msg, l->err, sizeof(msg));
		remove_dir(l, so);
		remove_dir(l, hba);
		memcpy(l->err, msg, sizeof(msg));
		goto unlock;
	}
	if (out)
		ret = load_backstore(l, strrchr(hba, '/') + 1, name, out);
unlock:
	unlock_backstores(lock);
	return ret;
}

/* ---- LUNs --------------------------------------------------------------- */

/*
 * @tpg relative to the root, checked: "FABRIC/WWN/tpgt_T" with no empty,
 * "." or ".." component. Absolute paths under the root are accepted.
 */
static int tpg_rel(struct lio *l, const char *tpg, char *rel, size_t len)
{
	size_t rn = strlen(l->root);
	const char *c;
	int parts = 0;

	if (!strncmp(tpg, l->root, rn) && tpg[rn] == '/')
		tpg += rn + 1;
	if (snprintf(rel, len, "%s", tpg) >= (int)len)
		return fail(l, ENAMETOOLONG, "TPG path too long: %s", tpg);
	while (rel[0] && rel[strlen(rel) - 1] == '/')
		rel[strlen(rel) - 1] = '\0';
	for (c = rel; *c; parts++) {
		size_t n = strcspn(c, "/");

		if (!n || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			parts = -100;
		c += n;
		if (*c)
			c++;
	}
	if (parts != 3 || suffix_index(strrchr(rel, '/') + 1, "tpgt") < 0)
		return fail(l, EINVAL,
			    "invalid TPG '%s' (want FABRIC/WWN/tpgt_N)", tpg);
	return 0;
}

/* The name of the first symlink in directory @dir (a LUN's alias). */
static int link_in(const char *dir, char *alias, size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	int ret = -ENOENT;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path) || lstat(path, &st) || !S_ISLNK(st.st_mode))
			continue;
		snprintf(alias, len, "%s", de->d_name);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

typedef int (*lun_fn)(struct lio *l, const struct lio_lun *lun,
		      const char *target, void *arg);

/*
 * Call @fn for each LUN of TPG directory root/@rel (lun/lun_L with a symlink
 * in it), @target the realpath of what it links to.
 */
static int each_lun_of_tpg(struct lio *l, const char *rel, lun_fn fn,
			   void *arg)
{
	char luns[PATH_MAX], link[PATH_MAX * 2], target[PATH_MAX];
	struct lio_lun lun;
	struct dirent *de;
	int ret = 0;
	long idx;
	DIR *d;

	if (snprintf(luns, sizeof(luns), "%s/%s/lun", l->root, rel) >=
	    (int)sizeof(luns))
		return 0;
	d = opendir(luns);
	if (!d)
		return 0;
	while (!ret && (de = readdir(d))) {
		idx = suffix_index(de->d_name, "lun");
		if (idx < 0)
			continue;
		memset(&lun, 0, sizeof(lun));
		snprintf(lun.tpg, sizeof(lun.tpg), "%s", rel);
		lun.index = (unsigned int)idx;
		if (snprintf(lun.path, sizeof(lun.path), "%s/%s", luns,
			     de->d_name) >= (int)sizeof(lun.path))
			continue;
		if (link_in(lun.path, lun.alias, sizeof(lun.alias)))
			continue;
		snprintf(link, sizeof(link), "%s/%s", lun.path, lun.alias);
		if (!realpath(link, target))
			continue;
		snprintf(lun.backstore, sizeof(lun.backstore), "%s",
			 strrchr(target, '/') + 1);
		ret = fn(l, &lun, target, arg);
	}
	closedir(d);
	return ret;
}

/*
 * Call @fn for every LUN of every TPG of every fabric (rtslib's
 * _gen_attached_luns walks the same FABRIC/WWN/tpgt_T/lun/lun_L/ tree).
 */
static int each_lun(struct lio *l, lun_fn fn, void *arg)
{
	char fab[PATH_MAX], tgt[PATH_MAX], rel[PATH_MAX];
	struct dirent *fe, *te, *pe;
	DIR *rd, *fd, *td;
	int ret = 0;

	rd = opendir(l->root);
	if (!rd)
		return fail(l, errno, "open %s: %s", l->root, strerror(errno));
	while (!ret && (fe = readdir(rd))) {
		if (fe->d_name[0] == '.' || !strcmp(fe->d_name, "core"))
			continue;
		if (snprintf(fab, sizeof(fab), "%s/%s", l->root, fe->d_name) >=
		    (int)sizeof(fab))
			continue;
		fd = opendir(fab);
		if (!fd)
			continue;
		while (!ret && (te = readdir(fd))) {
			if (te->d_name[0] == '.' ||
			    snprintf(tgt, sizeof(tgt), "%s/%s", fab,
				     te->d_name) >= (int)sizeof(tgt))
				continue;
			td = opendir(tgt);
			if (!td)
				continue;
			while (!ret && (pe = readdir(td))) {
				if (suffix_index(pe->d_name, "tpgt") < 0)
					continue;
				if (snprintf(rel, sizeof(rel), "%s/%s/%s",
					     fe->d_name, te->d_name,
					     pe->d_name) >= (int)sizeof(rel))
					continue;
				ret = each_lun_of_tpg(l, rel, fn, arg);
			}
			closedir(td);
		}
		closedir(fd);
	}
	closedir(rd);
	return ret;
}

struct lun_list_arg {
	const char *so;		/* realpath of the backstore's directory */
	struct lio_lun *v;
	size_t n, cap;
};

static int lun_list_cb(struct lio *l, const struct lio_lun *lun,
		       const char *target, void *arg)
{
	struct lun_list_arg *la = arg;

	if (strcmp(target, la->so))
		return 0;
	if (la->n == la->cap) {
		size_t cap = la->cap ? la->cap * 2 : 4;
		struct lio_lun *v = realloc(la->v, cap * sizeof(*v));

		if (!v)
			return fail(l, ENOMEM, "out of memory listing LUNs");
		la->v = v;
		la->cap = cap;
	}
	la->v[la->n++] = *lun;
	return 0;
}

static int luns_of(struct lio *l, const struct lio_backstore *b,
		   struct lio_lun **out, size_t *count)
{
	struct lun_list_arg la = { 0 };
	char so[PATH_MAX];
	int ret;

	if (!realpath(b->path, so))
		return fail(l, errno, "%s: %s", b->path, strerror(errno));
	la.so = so;
	ret = each_lun(l, lun_list_cb, &la);
	if (ret < 0) {
		free(la.v);
		return ret;
	}
	*out = la.v;
	*count = la.n;
	return 0;
}

int lio_lun_list(struct lio *l, const char *name, struct lio_lun **out,
		 size_t *count)
{
	struct lio_backstore b;
	int ret;

	*out = NULL;
	*count = 0;
	ret = lio_block_find(l, name, &b);
	return ret ? ret : luns_of(l, &b, out, count);
}

int lio_block_delete(struct lio *l, const char *name)
{
	char alua[PATH_MAX], sub[PATH_MAX], hba[PATH_MAX];
	struct lio_backstore b;
	struct lio_lun *luns;
	struct dirent *de;
	size_t n;
	DIR *d;
	int ret;

	ret = lio_block_find(l, name, &b);
	if (ret)
		return ret;
	ret = luns_of(l, &b, &luns, &n);
	if (ret)
		return ret;
	if (n) {
		ret = fail(l, EBUSY,
			   "block backstore %s is exported as %s/lun_%u%s; unexport it first",
			   name, luns[0].tpg, luns[0].index,
			   n > 1 ? " and more" : "");
		free(luns);
		return ret;
	}
	/* rtslib: the ALUA groups other than the default go first */
	ret = path_fmt(l, alua, sizeof(alua), "%s/alua", b.path);
	if (ret)
		return ret;
	d = opendir(alua);
	if (d) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.' ||
			    !strcmp(de->d_name, "default_tg_pt_gp"))
				continue;
			if (snprintf(sub, sizeof(sub), "%s/%s", alua,
				     de->d_name) < (int)sizeof(sub) &&
			    is_dir(sub))
				remove_dir(l, sub);
		}
		closedir(d);
	}
	ret = remove_dir(l, b.path);
	if (ret)
		return ret;
	/* then the HBA, unless another storage object shares it */
	ret = path_fmt(l, hba, sizeof(hba), "%s/core/iblock_%u", l->root,
		       b.hba_index);
	if (ret)
		return ret;
	if (!has_subdir(hba))
		return remove_dir(l, hba);
	return 0;
}

struct exported_arg {
	const char *so;
	const struct lio_lun *found;
	struct lio_lun lun;
};

static int exported_cb(struct lio *l, const struct lio_lun *lun,
		       const char *target, void *arg)
{
	struct exported_arg *ea = arg;

	(void)l;
	if (strcmp(target, ea->so))
		return 0;
	ea->lun = *lun;
	return 1;
}

static int free_lun(struct lio *l, const char *tpgdir, unsigned int *lun)
{
	char path[PATH_MAX];
	unsigned int i;

	for (i = 0; i <= LIO_MAX_LUN; i++) {
		if (path_fmt(l, path, sizeof(path), "%s/lun/lun_%u", tpgdir, i))
			return -ENAMETOOLONG;
		if (access(path, F_OK))
			break;
	}
	if (i > LIO_MAX_LUN)
		return fail(l, ENOSPC, "all LUNs 0-%d of %s in use",
			    LIO_MAX_LUN, tpgdir);
	*lun = i;
	return 0;
}

int lio_lun_export(struct lio *l, const char *tpg, const char *name, int lun,
		   struct lio_lun *out)
{
	char rel[PATH_MAX], tpgdir[PATH_MAX], lundir[PATH_MAX];
	char so[PATH_MAX], link[PATH_MAX], alias[11];
	struct exported_arg ea = { 0 };
	struct lio_backstore b;
	unsigned int index = 0;
	int ret;

	ret = tpg_rel(l, tpg, rel, sizeof(rel));
	if (ret)
		return ret;
	ret = path_fmt(l, tpgdir, sizeof(tpgdir), "%s/%s", l->root, rel);
	if (ret)
		return ret;
	ret = path_fmt(l, lundir, sizeof(lundir), "%s/lun", tpgdir);
	if (ret)
		return ret;
	if (!is_dir(lundir))
		return fail(l, ENOENT, "no target portal group %s", rel);
	ret = lio_block_find(l, name, &b);
	if (ret)
		return ret;
	if (!b.enabled)
		return fail(l, ENODEV, "block backstore %s is not enabled",
			    name);
	if (!realpath(b.path, so))
		return fail(l, errno, "%s: %s", b.path, strerror(errno));
	ea.so = so;
	ret = each_lun_of_tpg(l, rel, exported_cb, &ea);
	if (ret < 0)
		return ret;
	if (ret)
		return fail(l, EEXIST, "%s already exports %s as lun_%u", rel,
			    name, ea.lun.index);

	if (lun < 0) {
		ret = free_lun(l, tpgdir, &index);
		if (ret)
			return ret;
	} else if (lun > LIO_MAX_LUN) {
		return fail(l, EINVAL, "LUN must be 0 to %d", LIO_MAX_LUN);
	} else {
		index = (unsigned int)lun;
	}
	ret = path_fmt(l, lundir, sizeof(lundir), "%s/lun/lun_%u", tpgdir,
		       index);
	if (ret)
		return ret;
	ret = make_dir(l, lundir);
	if (ret)
		return ret;
	/* rtslib: str(uuid.uuid4())[-10:] */
	random_hex(alias, 10);
	ret = path_fmt(l, link, sizeof(link), "%s/%s", lundir, alias);
	if (!ret && symlink(b.path, link))
		ret = fail(l, errno, "symlink %s -> %s: %s", link, b.path,
			   strerror(errno));
	if (ret) {
		char msg[LIO_ERR_MAX];

		memcpy(msg, l->err, sizeof(msg));
		remove_dir(l, lundir);
		memcpy(l->err, msg, sizeof(msg));
		return ret;
	}
	if (out) {
		memset(out, 0, sizeof(*out));
		snprintf(out->tpg, sizeof(out->tpg), "%s", rel);
		out->index = index;
		snprintf(out->alias, sizeof(out->alias), "%s", alias);
		snprintf(out->backstore, sizeof(out->backstore), "%s", name);
		snprintf(out->path, sizeof(out->path), "%s", lundir);
	}
	return 0;
}

/* Remove the symlinks in @dir whose target resolves to @target (or all). */
static int unlink_links(struct lio *l, const char *dir, const char *target)
{
	char path[PATH_MAX], real[PATH_MAX];
	struct dirent *de;
	struct stat st;
	int ret = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return fail(l, errno, "open %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path) || lstat(path, &st) ||
		    !S_ISLNK(st.st_mode))
			continue;
		if (target && (!realpath(path, real) || strcmp(real, target)))
			continue;
		if (unlink(path) && !ret)
			ret = fail(l, errno, "unlink %s: %s", path,
				   strerror(errno));
	}
	closedir(d);
	return ret;
}

/* The node ACLs' mapped LUNs that point at LUN directory @lun_real. */
static int unmap_acls(struct lio *l, const char *tpgdir, const char *lun_real)
{
	char acls[PATH_MAX], acl[PATH_MAX], mlun[PATH_MAX], alias[LIO_NAME_MAX];
	char link[PATH_MAX * 2], real[PATH_MAX];
	struct dirent *ae, *me;
	DIR *ad, *md;
	int ret = 0;

	if (path_fmt(l, acls, sizeof(acls), "%s/acls", tpgdir))
		return -ENAMETOOLONG;
	ad = opendir(acls);
	if (!ad)
		return 0;
	while (!ret && (ae = readdir(ad))) {
		if (ae->d_name[0] == '.' ||
		    snprintf(acl, sizeof(acl), "%s/%s", acls, ae->d_name) >=
		    (int)sizeof(acl))
			continue;
		md = opendir(acl);
		if (!md)
			continue;
		while (!ret && (me = readdir(md))) {
			if (suffix_index(me->d_name, "lun") < 0 ||
			    snprintf(mlun, sizeof(mlun), "%s/%s", acl,
				     me->d_name) >= (int)sizeof(mlun) ||
			    link_in(mlun, alias, sizeof(alias)))
				continue;
			snprintf(link, sizeof(link), "%s/%s", mlun, alias);
			if (!realpath(link, real) || strcmp(real, lun_real))
				continue;
			ret = unlink_links(l, mlun, NULL);
			if (!ret)
				ret = remove_dir(l, mlun);
		}
		closedir(md);
	}
	closedir(ad);
	return ret;
}

int lio_lun_unexport(struct lio *l, const char *tpg, unsigned int lun)
{
	char rel[PATH_MAX], tpgdir[PATH_MAX], lundir[PATH_MAX];
	char real[PATH_MAX];
	int ret;

	ret = tpg_rel(l, tpg, rel, sizeof(rel));
	if (ret)
		return ret;
	ret = path_fmt(l, tpgdir, sizeof(tpgdir), "%s/%s", l->root, rel);
	if (!ret)
		ret = path_fmt(l, lundir, sizeof(lundir), "%s/lun/lun_%u",
			       tpgdir, lun);
	if (ret)
		return ret;
	if (!is_dir(lundir) || !realpath(lundir, real))
		return fail(l, ENOENT, "no LUN %u in %s", lun, rel);
	ret = unmap_acls(l, tpgdir, real);
	if (!ret)
		ret = unlink_links(l, lundir, NULL);
	if (!ret)
		ret = remove_dir(l, lundir);
	return ret;
}

/* ---- tcm_loop ----------------------------------------------------------- */

/* rtslib's normalize_wwn for 'naa': naa.[125] and 15 hex digits. */
static bool valid_naa_wwn(const char *wwn)
{
	int i;

	if (strncmp(wwn, "naa.", 4) || !strchr("125", wwn[4]) ||
	    strlen(wwn) != 20)
		return false;
	for (i = 5; i < 20; i++)
		if (!isxdigit((unsigned char)wwn[i]))
			return false;
	return true;
}

static void gen_naa_wwn(char out[21])
{
	char h[10];

	random_hex(h, 9);
	snprintf(out, 21, "naa.5001405%s", h);
}

int lio_loopback_create(struct lio *l, const char *wwn, char *tpg_out,
			size_t tpg_len)
{
	char w[32], fab[PATH_MAX], tgt[PATH_MAX], tpg[PATH_MAX], path[PATH_MAX];
	char nexus[21], buf[16];
	int ret, i;

	if (wwn) {
		if (strlen(wwn) >= sizeof(w))
			return fail(l, EINVAL, "invalid loopback WWN '%s'", wwn);
		for (i = 0; wwn[i]; i++)
			w[i] = (char)tolower((unsigned char)wwn[i]);
		w[i] = '\0';
		/* rtslib: old versions used the wrong NAA prefix */
		if (!strncmp(w, "naa.6", 5))
			w[4] = '5';
		if (!valid_naa_wwn(w))
			return fail(l, EINVAL,
				    "invalid loopback WWN '%s' (want naa. and 16 hex digits, 1, 2 or 5 first)",
				    wwn);
	} else {
		gen_naa_wwn(w);
	}
	ret = path_fmt(l, fab, sizeof(fab), "%s/loopback", l->root);
	if (!ret)
		ret = path_fmt(l, tgt, sizeof(tgt), "%s/%s", fab, w);
	if (!ret)
		ret = path_fmt(l, tpg, sizeof(tpg), "%s/tpgt_1", tgt);
	if (ret)
		return ret;
	/* mkdir of the fabric directory makes the kernel load tcm_loop */
	if (!is_dir(fab)) {
		ret = make_dir(l, fab);
		if (ret)
			return ret;
	}
	ret = make_dir(l, tgt);
	if (ret)
		return ret;
	ret = make_dir(l, tpg);
	if (ret)
		goto out_tgt;
	if (l->flags & LIO_CTX_FAKE) {
		/* what tcm_loop's configfs provides */
		ret = path_fmt(l, path, sizeof(path), "%s/lun", tpg);
		if (ret)
			goto out_tpg;
		mkdir(path, 0755);
	}
	gen_naa_wwn(nexus);
	ret = write_attr(l, tpg, "nexus", nexus);
	if (ret)
		goto out_tpg;
	/* targetcli's UITarget: enable the TPG where the fabric has the file */
	ret = path_fmt(l, path, sizeof(path), "%s/enable", tpg);
	if (ret)
		goto out_tpg;
	if (!read_file(path, buf, sizeof(buf)) && atoi(buf) != 1) {
		ret = write_file(l, path, "1");
		if (ret)
			goto out_tpg;
	}
	if (tpg_out && snprintf(tpg_out, tpg_len, "loopback/%s/tpgt_1", w) >=
	    (int)tpg_len) {
		ret = fail(l, ENAMETOOLONG, "TPG name buffer too small");
		goto out_tpg;
	}
	return 0;

out_tpg:
	{
		char msg[LIO_ERR_MAX];

		memcpy(msg, l->err, sizeof(msg));
		remove_dir(l, tpg);
		remove_dir(l, tgt);
		memcpy(l->err, msg, sizeof(msg));
	}
	return ret;
out_tgt:
	{
		char msg[LIO_ERR_MAX];

		memcpy(msg, l->err, sizeof(msg));
		remove_dir(l, tgt);
		memcpy(l->err, msg, sizeof(msg));
	}
	return ret;
}

int lio_loopback_delete(struct lio *l, const char *wwn)
{
	char tgt[PATH_MAX], tpg[PATH_MAX], luns[PATH_MAX], rel[PATH_MAX];
	struct dirent *te, *le;
	DIR *td, *ld;
	long idx;
	int ret;

	if (!valid_name(wwn))
		return fail(l, EINVAL, "invalid loopback WWN '%s'", wwn);
	ret = path_fmt(l, tgt, sizeof(tgt), "%s/loopback/%s", l->root, wwn);
	if (ret)
		return ret;
	td = opendir(tgt);
	if (!td)
		return fail(l, errno, "no loopback target %s: %s", wwn,
			    strerror(errno));
	/* rtslib Target.delete(): each TPG's LUNs, then the TPG */
	while (!ret && (te = readdir(td))) {
		if (suffix_index(te->d_name, "tpgt") < 0)
			continue;
		ret = path_fmt(l, tpg, sizeof(tpg), "%s/%s", tgt, te->d_name);
		if (!ret)
			ret = path_fmt(l, luns, sizeof(luns), "%s/lun", tpg);
		if (!ret)
			ret = path_fmt(l, rel, sizeof(rel), "loopback/%s/%s", wwn,
				       te->d_name);
		if (ret)
			break;
		ld = opendir(luns);
		while (!ret && ld && (le = readdir(ld))) {
			idx = suffix_index(le->d_name, "lun");
			if (idx >= 0)
				ret = lio_lun_unexport(l, rel,
						       (unsigned int)idx);
		}
		if (ld)
			closedir(ld);
		if (!ret)
			ret = remove_dir(l, tpg);
	}
	closedir(td);
	return ret ? ret : remove_dir(l, tgt);
}
