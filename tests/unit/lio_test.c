// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the LIO configfs library (ctl/lio.c), on a fake
 * configfs tree in a temporary directory (LIO_CTX_FAKE), under ASan/UBSan.
 * The real thing is selftests/lio_lib_test.sh in the VM.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lio.h"
#include "kselftest_harness.h"

static void slurp(const char *dir, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];
	FILE *f;
	size_t n;

	buf[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return;
	f = fopen(path, "r");
	if (!f)
		return;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
}

/* Whether @a/@b exists (@b may be ""). */
static bool exists(const char *a, const char *b)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s%s%s", a, b[0] ? "/" : "", b) >=
	    (int)sizeof(path))
		return false;
	return !access(path, F_OK);
}

TEST(naa_is_the_kernels_form_of_the_serial)
{
	char naa[LIO_NAA_LEN + 1];

	/* 6h, company id 001405, the first 25 hex digits of the serial */
	ASSERT_EQ(0, lio_naa_from_serial("6d1f4a2e-8c3b-4a5d-9e7f-0123456789ab",
					 LIO_COMPANY_ID, naa));
	EXPECT_STREQ("60014056d1f4a2e8c3b4a5d9e7f01234", naa);
	/* upper case and non-hex characters: hex_to_bin() skips the latter */
	ASSERT_EQ(0, lio_naa_from_serial("ABC-xyz-DEF0123456789abcdef0123456",
					 LIO_COMPANY_ID, naa));
	EXPECT_STREQ("6001405abcdef0123456789abcdef012", naa);
	/* a short serial leaves zeros (the kernel's buffer is zeroed) */
	ASSERT_EQ(0, lio_naa_from_serial("123", LIO_COMPANY_ID, naa));
	EXPECT_STREQ("60014051230000000000000000000000", naa);
	/* an odd count: the last digit is a high nibble */
	ASSERT_EQ(0, lio_naa_from_serial("12", LIO_COMPANY_ID, naa));
	EXPECT_STREQ("60014051200000000000000000000000", naa);
	/* another company id (wwn/company_id) */
	ASSERT_EQ(0, lio_naa_from_serial("f", 0xabcdef, naa));
	EXPECT_STREQ("6abcdeff000000000000000000000000", naa);
	EXPECT_EQ(-EINVAL, lio_naa_from_serial("f", 0x1000000, naa));
}

FIXTURE(tree)
{
	char root[64];
	struct lio l;
};

FIXTURE_SETUP(tree)
{
	char path[PATH_MAX];

	snprintf(self->root, sizeof(self->root), "/tmp/lio_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	snprintf(path, sizeof(path), "%s/core", self->root);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/core/alua", self->root);
	ASSERT_EQ(0, mkdir(path, 0755));
	ASSERT_EQ(0, lio_init(&self->l, self->root, LIO_CTX_FAKE));
}

FIXTURE_TEARDOWN(tree)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->root);
	if (system(cmd))
		TH_LOG("could not remove %s", self->root);
}

TEST_F(tree, create_writes_what_rtslib_writes)
{
	struct lio_block_opts o = { .serial = "0123456789abcdef0123456789", .readonly = 0 };
	struct lio_backstore b, f;
	char buf[256];

	ASSERT_EQ(0, lio_block_create(&self->l, "db0", "/dev/fake0", &o, &b));
	EXPECT_EQ(0u, b.hba_index);
	EXPECT_STREQ("db0", b.name);
	EXPECT_STREQ("/dev/fake0", b.dev);
	EXPECT_STREQ("0123456789abcdef0123456789", b.serial);
	EXPECT_STREQ("60014050123456789abcdef012345678", b.naa);
	EXPECT_TRUE(b.enabled);
	slurp(b.path, "udev_path", buf, sizeof(buf));
	EXPECT_STREQ("/dev/fake0", buf);
	slurp(b.path, "enable", buf, sizeof(buf));
	EXPECT_STREQ("1", buf);
	slurp(b.path, "attrib/emulate_model_alias", buf, sizeof(buf));
	EXPECT_STREQ("1", buf);

	ASSERT_EQ(0, lio_block_find(&self->l, "db0", &f));
	EXPECT_STREQ(b.path, f.path);
	ASSERT_EQ(0, lio_block_find_by_dev(&self->l, "/dev/fake0", &f));
	EXPECT_STREQ("db0", f.name);
	EXPECT_EQ(-ENOENT, lio_block_find_by_dev(&self->l, "/dev/fake1", &f));
	EXPECT_EQ(-ENOENT, lio_block_find(&self->l, "nope", &f));
	EXPECT_NE(NULL, strstr(lio_error(&self->l), "nope"));
}

TEST_F(tree, generated_serial_is_a_uuid4)
{
	struct lio_backstore b;
	size_t i;

	ASSERT_EQ(0, lio_block_create(&self->l, "db0", "/dev/fake0", NULL, &b));
	ASSERT_EQ(36u, strlen(b.serial));
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			EXPECT_EQ('-', b.serial[i]);
		} else {
			EXPECT_NE(NULL, strchr("0123456789abcdef", b.serial[i]));
		}
	}
	EXPECT_EQ('4', b.serial[14]);
	EXPECT_NE(NULL, strchr("89ab", b.serial[19]));
	EXPECT_EQ(0, strncmp(b.naa, "6001405", 7));
}

TEST_F(tree, hba_index_is_the_lowest_no_backstore_uses)
{
	struct lio_backstore b;
	char path[PATH_MAX];

	/* fileio_0 holds an object; iblock_1 is a stale, empty HBA */
	snprintf(path, sizeof(path), "%s/core/fileio_0", self->root);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/core/fileio_0/f0", self->root);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/core/iblock_1", self->root);
	ASSERT_EQ(0, mkdir(path, 0755));

	ASSERT_EQ(0, lio_block_create(&self->l, "a", "/dev/a", NULL, &b));
	EXPECT_EQ(1u, b.hba_index);
	ASSERT_EQ(0, lio_block_create(&self->l, "b", "/dev/b", NULL, &b));
	EXPECT_EQ(2u, b.hba_index);
	ASSERT_EQ(0, lio_block_delete(&self->l, "a"));
	EXPECT_FALSE(exists(self->root, "core/iblock_1"));
	ASSERT_EQ(0, lio_block_create(&self->l, "c", "/dev/c", NULL, &b));
	EXPECT_EQ(1u, b.hba_index);
}

TEST_F(tree, bad_names_and_duplicates_are_refused)
{
	struct lio_block_opts o = { .serial = "x\ny", .readonly = 0 };

	EXPECT_EQ(-EINVAL, lio_block_create(&self->l, "a/b", "/dev/a", NULL, NULL));
	EXPECT_EQ(-EINVAL, lio_block_create(&self->l, "a b", "/dev/a", NULL, NULL));
	EXPECT_EQ(-EINVAL, lio_block_create(&self->l, "", "/dev/a", NULL, NULL));
	EXPECT_EQ(-EINVAL, lio_block_create(&self->l, "a", "/dev/a", &o, NULL));
	ASSERT_EQ(0, lio_block_create(&self->l, "a", "/dev/a", NULL, NULL));
	EXPECT_EQ(-EEXIST, lio_block_create(&self->l, "a", "/dev/b", NULL, NULL));
	EXPECT_NE(NULL, strstr(lio_error(&self->l), "exists"));
	EXPECT_EQ(-ENOENT, lio_block_delete(&self->l, "b"));
}

TEST_F(tree, list_is_sorted_by_name)
{
	struct lio_backstore *v;
	size_t n;

	ASSERT_EQ(0, lio_block_list(&self->l, &v, &n));
	EXPECT_EQ(0u, n);
	free(v);
	ASSERT_EQ(0, lio_block_create(&self->l, "zz", "/dev/z", NULL, NULL));
	ASSERT_EQ(0, lio_block_create(&self->l, "aa", "/dev/a", NULL, NULL));
	ASSERT_EQ(0, lio_block_list(&self->l, &v, &n));
	ASSERT_EQ(2u, n);
	EXPECT_STREQ("aa", v[0].name);
	EXPECT_STREQ("zz", v[1].name);
	free(v);
}

TEST_F(tree, lun_export_links_the_backstore_and_blocks_its_delete)
{
	struct lio_backstore b;
	struct lio_lun lun, *v;
	char tpg[256], link[PATH_MAX * 2], target[PATH_MAX];
	size_t n;
	ssize_t len;

	ASSERT_EQ(0, lio_block_create(&self->l, "db0", "/dev/fake0", NULL, &b));
	ASSERT_EQ(0, lio_block_create(&self->l, "db1", "/dev/fake1", NULL, NULL));
	ASSERT_EQ(0, lio_loopback_create(&self->l, NULL, tpg, sizeof(tpg)));
	EXPECT_EQ(0, strncmp(tpg, "loopback/naa.5001405", 20));
	snprintf(link, sizeof(link), "%s/%s/nexus", self->root, tpg);
	EXPECT_TRUE(exists(link, ""));

	ASSERT_EQ(0, lio_lun_export(&self->l, tpg, "db0", -1, &lun));
	EXPECT_EQ(0u, lun.index);
	EXPECT_EQ(10u, strlen(lun.alias));
	snprintf(link, sizeof(link), "%s/%s", lun.path, lun.alias);
	len = readlink(link, target, sizeof(target) - 1);
	ASSERT_GT(len, 0);
	target[len] = '\0';
	EXPECT_STREQ(b.path, target);

	/* once per TPG; the next LUN is the lowest free one */
	EXPECT_EQ(-EEXIST, lio_lun_export(&self->l, tpg, "db0", -1, NULL));
	ASSERT_EQ(0, lio_lun_export(&self->l, tpg, "db1", 5, &lun));
	EXPECT_EQ(5u, lun.index);
	EXPECT_EQ(-EINVAL, lio_lun_export(&self->l, "loopback/../core", "db1", -1, NULL));
	EXPECT_EQ(-ENOENT, lio_lun_export(&self->l, "loopback/naa.5001405000000000/tpgt_1",
					  "db1", -1, NULL));

	ASSERT_EQ(0, lio_lun_list(&self->l, "db0", &v, &n));
	ASSERT_EQ(1u, n);
	EXPECT_STREQ(tpg, v[0].tpg);
	EXPECT_EQ(0u, v[0].index);
	EXPECT_STREQ("db0", v[0].backstore);
	free(v);

	EXPECT_EQ(-EBUSY, lio_block_delete(&self->l, "db0"));
	EXPECT_NE(NULL, strstr(lio_error(&self->l), "lun_0"));
	EXPECT_TRUE(exists(b.path, ""));

	ASSERT_EQ(0, lio_lun_unexport(&self->l, tpg, 0));
	EXPECT_EQ(-ENOENT, lio_lun_unexport(&self->l, tpg, 0));
	ASSERT_EQ(0, lio_lun_list(&self->l, "db0", &v, &n));
	EXPECT_EQ(0u, n);
	free(v);
	ASSERT_EQ(0, lio_block_delete(&self->l, "db0"));
	EXPECT_FALSE(exists(b.path, ""));

	/* deleting the target takes its LUNs, then db1 can go */
	*strrchr(tpg, '/') = '\0';
	ASSERT_EQ(0, lio_loopback_delete(&self->l, strchr(tpg, '/') + 1));
	ASSERT_EQ(0, lio_block_delete(&self->l, "db1"));
}

TEST_F(tree, loopback_delete_takes_its_luns)
{
	char tpg[256], wwn[64], path[PATH_MAX];

	ASSERT_EQ(0, lio_block_create(&self->l, "db1", "/dev/fake1", NULL, NULL));
	ASSERT_EQ(0, lio_loopback_create(&self->l, "naa.6001405aabbccdde", tpg,
					 sizeof(tpg)));
	/* rtslib turns the old naa.6 prefix into naa.5 */
	EXPECT_STREQ("loopback/naa.5001405aabbccdde/tpgt_1", tpg);
	EXPECT_EQ(-EINVAL, lio_loopback_create(&self->l, "naa.123", NULL, 0));
	EXPECT_EQ(-EEXIST, lio_loopback_create(&self->l, "naa.5001405aabbccdde",
					       NULL, 0));
	ASSERT_EQ(0, lio_lun_export(&self->l, tpg, "db1", -1, NULL));
	EXPECT_EQ(-EBUSY, lio_block_delete(&self->l, "db1"));
	snprintf(wwn, sizeof(wwn), "%s", "naa.5001405aabbccdde");
	ASSERT_EQ(0, lio_loopback_delete(&self->l, wwn));
	snprintf(path, sizeof(path), "%s/loopback/%s", self->root, wwn);
	EXPECT_FALSE(exists(path, ""));
	ASSERT_EQ(0, lio_block_delete(&self->l, "db1"));
}

TEST_HARNESS_MAIN
