// SPDX-License-Identifier: GPL-2.0
/*
 * seqwriter - sequence-stamped writes, and the check that a device holds
 * a prefix of their history (what an asynchronous mirror's target must
 * show at every instant, and a split target exactly).
 *
 *   seqwriter write DEV OFFSET_MIB STOPFILE
 *	Write 4 KiB blocks into the BLOCKS blocks at OFFSET_MIB of DEV, one
 *	after the other with O_DIRECT (each acknowledged before the next is
 *	issued), until STOPFILE exists. Write number w (1, 2, ...) goes to
 *	block_of(w): the odd ones sweep the area, the even ones overwrite a
 *	few hot blocks again and again, so that order matters. Each block
 *	carries w, its block number and a filler derived from both. Prints
 *	"acked W" after every 16th write and at the end.
 *
 *   seqwriter check DEV OFFSET_MIB [MIN [MAX]]
 *	Read the area of DEV. Its highest stamp S must be a prefix of the
 *	history: every block holds exactly the last write <= S that went to
 *	it (0: a block never written reads as zeros), untorn. With MIN and
 *	MAX, MIN <= S <= MAX too. Prints "prefix S" and, for a failure, what
 *	differs; exit status 0 when it holds, 1 when not, 2 on errors.
 *
 * The area must be zeros before the writer starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK		4096
#define BLOCKS		512		/* a 2 MiB area */
#define HOT		8
#define WORDS		(BLOCK / sizeof(uint64_t))
#define MAGIC		0x6d6972726f72ULL	/* "mirror" */

static uint64_t block_of(uint64_t w)
{
	if (w & 1)
		return (w / 2) % BLOCKS;
	return BLOCKS - 1 - (w / 2) % HOT;
}

static void fill(uint64_t *b, uint64_t w, uint64_t block)
{
	size_t i;

	b[0] = w;
	b[1] = block;
	b[2] = MAGIC;
	for (i = 3; i < WORDS; i++)
		b[i] = w * 0x9e3779b97f4a7c15ULL + block * 1000003 + i;
}

static int do_write(const char *dev, off_t base, const char *stopfile)
{
	uint64_t *buf, w;
	int fd;

	fd = open(dev, O_WRONLY | O_DIRECT);
	if (fd < 0 || posix_memalign((void **)&buf, BLOCK, BLOCK)) {
		perror(dev);
		return 2;
	}
	for (w = 1;; w++) {
		uint64_t block = block_of(w);

		fill(buf, w, block);
		if (pwrite(fd, buf, BLOCK, base + (off_t)block * BLOCK) != BLOCK) {
			fprintf(stderr, "seqwriter: write %llu: %s\n",
				(unsigned long long)w, strerror(errno));
			return 2;
		}
		if (w % 16 == 0) {
			printf("acked %llu\n", (unsigned long long)w);
			fflush(stdout);
			if (!access(stopfile, F_OK))
				break;
		}
	}
	printf("acked %llu\n", (unsigned long long)w);
	close(fd);
	free(buf);
	return 0;
}

static int do_check(const char *dev, off_t base, uint64_t min, uint64_t max)
{
	static uint64_t expected[BLOCKS];
	uint64_t *area, top = 0, w, want[WORDS];
	int fd, bad = 0;
	size_t k;

	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0 || posix_memalign((void **)&area, BLOCK, BLOCKS * BLOCK) ||
	    pread(fd, area, BLOCKS * BLOCK, base) != BLOCKS * BLOCK) {
		perror(dev);
		return 2;
	}
	close(fd);
	for (k = 0; k < BLOCKS; k++)
		if (area[k * WORDS] > top)
			top = area[k * WORDS];
	printf("prefix %llu\n", (unsigned long long)top);
	for (w = 1; w <= top; w++)
		expected[block_of(w)] = w;

	for (k = 0; k < BLOCKS; k++) {
		uint64_t *got = area + k * WORDS;

		if (expected[k])
			fill(want, expected[k], k);
		else
			memset(want, 0, sizeof(want));
		if (!memcmp(got, want, BLOCK))
			continue;
		if (bad++ < 5)
			printf("block %zu: stamp %llu, want %llu%s\n", k,
			       (unsigned long long)got[0],
			       (unsigned long long)expected[k],
			       got[0] == expected[k] ? " (torn or foreign data)" : "");
	}
	if (top < min || top > max) {
		printf("prefix %llu is outside [%llu, %llu]\n",
		       (unsigned long long)top, (unsigned long long)min,
		       (unsigned long long)max);
		bad++;
	}
	free(area);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "write"))
		return do_write(argv[2], (off_t)atoi(argv[3]) << 20, argv[4]);
	if (argc >= 4 && argc <= 6 && !strcmp(argv[1], "check"))
		return do_check(argv[2], (off_t)atoi(argv[3]) << 20,
				argc > 4 ? strtoull(argv[4], NULL, 10) : 0,
				argc > 5 ? strtoull(argv[5], NULL, 10) : UINT64_MAX);
	fprintf(stderr, "usage: seqwriter write DEV OFFSET_MIB STOPFILE\n"
			"       seqwriter check DEV OFFSET_MIB [MIN [MAX]]\n");
	return 2;
}
