// SPDX-License-Identifier: GPL-2.0
/*
 * Replays the fuzz corpus (tests/fuzz/corpus/, or the directories given as
 * arguments) through LLVMFuzzerTestOneInput() without libFuzzer, so that
 * `make unit` runs every seed under ASan/UBSan even where clang is missing.
 * TAP output: one test per file; a crash or sanitizer report fails the run.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read the whole of @path into a new buffer; NULL on failure. */
static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *grown;
	size_t used = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (used == cap) {
			cap = cap ? cap * 2 : 65536;
			grown = realloc(buf, cap);
			if (!grown) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = grown;
		}
		n = fread(buf + used, 1, cap - used, f);
		used += n;
	} while (n > 0);
	fclose(f);
	*size = used;
	return buf;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Replay every regular file of @dir; returns how many could not be read. */
static int replay_dir(const char *dir, int *test)
{
	struct dirent **names;
	int n, i, failed = 0;

	n = scandir(dir, &names, NULL, by_name);
	if (n < 0) {
		printf("not ok %d - cannot read %s: %s\n", ++*test, dir,
		       strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		char path[PATH_MAX];
		uint8_t *data;
		size_t size;

		if (names[i]->d_name[0] == '.') {
			free(names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		data = read_file(path, &size);
		if (!data) {
			printf("not ok %d - %s: cannot read\n", ++*test, path);
			failed++;
		} else {
			LLVMFuzzerTestOneInput(data, size);
			printf("ok %d - %s (%zu bytes)\n", ++*test, names[i]->d_name,
			       size);
			free(data);
		}
		fflush(stdout);
		free(names[i]);
	}
	free(names);
	return failed;
}

int main(int argc, char **argv)
{
	char exe[PATH_MAX], dflt[PATH_MAX + 32];
	int test = 0, failed = 0, i;
	ssize_t l;

	printf("TAP version 13\n");
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			failed += replay_dir(argv[i], &test);
	} else {
		/* The corpus beside this binary's source: ../fuzz/corpus. */
		l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (l < 0) {
			printf("not ok 1 - /proc/self/exe: %s\n", strerror(errno));
			return 1;
		}
		exe[l] = '\0';
		snprintf(dflt, sizeof(dflt), "%s/../fuzz/corpus", dirname(exe));
		failed += replay_dir(dflt, &test);
	}
	if (test == 0) {
		printf("not ok 1 - empty corpus\n");
		test = failed = 1;
	}
	printf("1..%d\n", test);
	printf("# %d replayed, %d failed\n", test, failed);
	return failed ? 1 : 0;
}
