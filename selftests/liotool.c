// SPDX-License-Identifier: GPL-2.0
/*
 * liotool - a thin command line over ctl/lio.c, for lio_lib_test.sh and for
 * poking at LIO by hand. One verb per library call:
 *
 *   liotool [--root DIR] [--fake] block create NAME DEV [--serial S]
 *                                 [--readonly 0|1] [--no-model-alias]
 *   liotool ... block delete NAME
 *   liotool ... block show NAME          key=value lines
 *   liotool ... block find-dev DEV       the backstore's name
 *   liotool ... block list               NAME DEV NAA per line
 *   liotool ... block naa NAME           the 32 hex digits of VPD 0x83
 *   liotool naa SERIAL [COMPANY_ID]      the same, computed from a serial
 *   liotool ... lun export TPG NAME [LUN]   prints the LUN number
 *   liotool ... lun unexport TPG LUN
 *   liotool ... lun list NAME            TPG LUN per line
 *   liotool ... loopback create [WWN]    prints loopback/WWN/tpgt_1
 *   liotool ... loopback delete WWN
 *
 * Errors: "liotool: MESSAGE" on stderr and the errno as exit status (so a
 * script can tell EBUSY, 16, from ENOENT, 2); 64 for bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lio.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: liotool [--root DIR] [--fake] block create NAME DEV [--serial S] [--readonly 0|1] [--no-model-alias]\n"
		"       liotool ... block delete|show|naa NAME | block find-dev DEV | block list\n"
		"       liotool naa SERIAL [COMPANY_ID]\n"
		"       liotool ... lun export TPG NAME [LUN] | lun unexport TPG LUN | lun list NAME\n"
		"       liotool ... loopback create [WWN] | loopback delete WWN\n");
	exit(64);
}

static int done(struct lio *l, int ret)
{
	if (!ret)
		return 0;
	fprintf(stderr, "liotool: %s\n", lio_error(l));
	return -ret > 0 && -ret < 64 ? -ret : 1;
}

static void show(const struct lio_backstore *b)
{
	printf("name=%s\nhba_index=%u\npath=%s\ndev=%s\nserial=%s\n"
	       "company_id=%#08x\nnaa=%s\nenabled=%d\nreadonly=%d\n",
	       b->name, b->hba_index, b->path, b->dev, b->serial,
	       b->company_id, b->naa, b->enabled, b->readonly);
}

static int block(struct lio *l, int argc, char **argv)
{
	struct lio_backstore b, *v;
	size_t n, i;
	int ret;

	if (argc < 1)
		usage();
	if (!strcmp(argv[0], "create")) {
		struct lio_block_opts o = { .readonly = -1 };

		if (argc < 3)
			usage();
		for (i = 3; i < (size_t)argc; i++) {
			if (!strcmp(argv[i], "--serial") && i + 1 < (size_t)argc)
				o.serial = argv[++i];
			else if (!strcmp(argv[i], "--readonly") &&
				 i + 1 < (size_t)argc)
				o.readonly = atoi(argv[++i]);
			else if (!strcmp(argv[i], "--no-model-alias"))
				o.no_model_alias = true;
			else
				usage();
		}
		ret = lio_block_create(l, argv[1], argv[2], &o, &b);
		if (!ret)
			show(&b);
		return done(l, ret);
	}
	if (!strcmp(argv[0], "list")) {
		ret = lio_block_list(l, &v, &n);
		for (i = 0; !ret && i < n; i++)
			printf("%s %s %s\n", v[i].name, v[i].dev,
			       v[i].naa[0] ? v[i].naa : "-");
		free(v);
		return done(l, ret);
	}
	if (argc != 2)
		usage();
	if (!strcmp(argv[0], "delete"))
		return done(l, lio_block_delete(l, argv[1]));
	if (!strcmp(argv[0], "find-dev")) {
		ret = lio_block_find_by_dev(l, argv[1], &b);
		if (!ret)
			printf("%s\n", b.name);
		return done(l, ret);
	}
	ret = lio_block_find(l, argv[1], &b);
	if (!ret && !strcmp(argv[0], "show"))
		show(&b);
	else if (!ret && !strcmp(argv[0], "naa"))
		printf("%s\n", b.naa);
	else if (!ret)
		usage();
	return done(l, ret);
}

static int lun(struct lio *l, int argc, char **argv)
{
	struct lio_lun out, *v;
	size_t n, i;
	int ret;

	if (argc >= 3 && !strcmp(argv[0], "export")) {
		ret = lio_lun_export(l, argv[1], argv[2],
				     argc > 3 ? atoi(argv[3]) : -1, &out);
		if (!ret)
			printf("%u\n", out.index);
		return done(l, ret);
	}
	if (argc == 3 && !strcmp(argv[0], "unexport"))
		return done(l, lio_lun_unexport(l, argv[1],
						(unsigned int)atoi(argv[2])));
	if (argc == 2 && !strcmp(argv[0], "list")) {
		ret = lio_lun_list(l, argv[1], &v, &n);
		for (i = 0; !ret && i < n; i++)
			printf("%s %u\n", v[i].tpg, v[i].index);
		free(v);
		return done(l, ret);
	}
	usage();
	return 1;
}

static int loopback(struct lio *l, int argc, char **argv)
{
	char tpg[512];
	int ret;

	if (argc >= 1 && argc <= 2 && !strcmp(argv[0], "create")) {
		ret = lio_loopback_create(l, argc > 1 ? argv[1] : NULL, tpg,
					  sizeof(tpg));
		if (!ret)
			printf("%s\n", tpg);
		return done(l, ret);
	}
	if (argc == 2 && !strcmp(argv[0], "delete"))
		return done(l, lio_loopback_delete(l, argv[1]));
	usage();
	return 1;
}

int main(int argc, char **argv)
{
	const char *root = NULL;
	unsigned int flags = 0;
	struct lio l;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--root") && i + 1 < argc)
			root = argv[++i];
		else if (!strcmp(argv[i], "--fake"))
			flags |= LIO_CTX_FAKE;
		else
			usage();
	}
	if (i >= argc)
		usage();
	if (lio_init(&l, root, flags))
		return done(&l, -ENAMETOOLONG);
	if (!strcmp(argv[i], "naa") && argc - i >= 2) {
		char naa[LIO_NAA_LEN + 1];
		unsigned long cid = argc - i > 2 ?
			strtoul(argv[i + 2], NULL, 0) : LIO_COMPANY_ID;

		if (lio_naa_from_serial(argv[i + 1], (uint32_t)cid, naa)) {
			fprintf(stderr, "liotool: company id %#lx too large\n",
				cid);
			return EINVAL;
		}
		printf("%s\n", naa);
		return 0;
	}
	if (!strcmp(argv[i], "block"))
		return block(&l, argc - i - 1, argv + i + 1);
	if (!strcmp(argv[i], "lun"))
		return lun(&l, argc - i - 1, argv + i + 1);
	if (!strcmp(argv[i], "loopback"))
		return loopback(&l, argc - i - 1, argv + i + 1);
	usage();
	return 1;
}
