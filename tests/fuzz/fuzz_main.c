/*
 * DOC: fuzz_main.c - a main for the fuzz targets without libFuzzer: runs
 * LLVMFuzzerTestOneInput once on each file named, or on each file of a
 * directory named, so any compiler (gcc, with the sanitizers of the
 * build) replays the seeds and the crashes kept as regression seeds.
 * Prints "N inputs" and exits 0; a failing input aborts, after its name
 * was printed on stderr.
 */
#include "tests/fuzz/fuzz_check.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FUZZ_MAX_INPUT (1 << 20)

static int
fuzz_run_file(const char *path)
{
	uint8_t *data;
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	data = xmalloc(FUZZ_MAX_INPUT);
	n = fread(data, 1, FUZZ_MAX_INPUT, f);
	if (ferror(f) || !feof(f)) {
		fprintf(stderr, "%s: unreadable or over %d bytes\n", path,
		    FUZZ_MAX_INPUT);
		fclose(f);
		free(data);
		return -1;
	}
	fclose(f);
	fprintf(stderr, "running %s (%zu bytes)\n", path, n);
	/* An exact-size copy, so that ASan sees any read past the input. */
	data = xrealloc(data, n == 0 ? 1 : n);
	(void)LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

/* A file, or every regular file of a directory (sorted); the count. */
static int
fuzz_run_path(const char *path, unsigned *count)
{
	struct dirent **ents;
	struct stat st;
	char sub[4096];
	int n, i, rc = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		rc = fuzz_run_file(path);
		*count += rc == 0;
		return rc;
	}
	if ((n = scandir(path, &ents, NULL, alphasort)) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", path, ents[i]->d_name);
		/* Dot files are skipped; anything but a file is an error. */
		if (ents[i]->d_name[0] != '.') {
			if (stat(sub, &st) != 0 || !S_ISREG(st.st_mode) ||
			    fuzz_run_file(sub) != 0)
				rc = -1;
			else
				(*count)++;
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned count = 0;
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++)
		if (fuzz_run_path(argv[i], &count) != 0)
			rc = 1;
	printf("%u inputs\n", count);
	return rc;
}
