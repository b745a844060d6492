/*
 * testutil.c - helpers shared by the test runners (see testutil.h).
 */
#include "tests/testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "common/common.h"
#include "schema/schema.h"

const char *
test_srcpath(const char *rel)
{
	static char buf[4096];
	const char *top = getenv("top_srcdir");

	snprintf(buf, sizeof(buf), "%s/%s", top != NULL ? top : ".", rel);
	return buf;
}

char *
test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	do {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = xrealloc(buf, cap + 1);
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

void
test_expect_file(const char *path, const char *got, size_t len)
{
	const char *u = getenv("MIRADOR_UPDATE_GOLDEN");
	char *want;
	size_t wlen;

	if (u != NULL && strcmp(u, "1") == 0) {
		test_write_file(path, got);
		ck_assert_uint_eq(strlen(got), len);
		return;
	}
	want = test_read_file(path, &wlen);
	ck_assert_msg(want != NULL, "missing expected file %s", path);
	ck_assert_msg(wlen == len && memcmp(want, got, len) == 0,
	    "%s differs:\n--- want\n%s\n--- got\n%.*s", path, want, (int)len,
	    got);
	free(want);
}

void
test_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "cannot write %s", path);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

void
test_tmpfile(const char *what, char *path, size_t len)
{
	int fd;

	snprintf(path, len, "/tmp/mirador-%s-XXXXXX", what);
	fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp %s", path);
	close(fd);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
test_list_dir(const char *dir, const char *suffix, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t cap = 0, len, slen = strlen(suffix);

	*n = 0;
	if (d == NULL)
		return xcalloc(1, sizeof(char *));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= slen || strcmp(de->d_name + len - slen, suffix) != 0)
			continue;
		if (*n + 1 >= cap) {
			cap = cap ? cap * 2 : 32;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (names == NULL)
		return xcalloc(1, sizeof(char *));
	qsort(names, *n, sizeof(*names), name_cmp);
	names[*n] = NULL;
	return names;
}

void
test_free_list(char **names)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		free(names[i]);
	free(names);
}

struct schema_config *
test_config(const char *xml)
{
	struct schema_errs errs;
	struct schema_config *cfg;
	char buf[768];
	size_t i;

	cfg = schema_config_load_mem("test.xml", xml, strlen(xml), &errs);
	for (i = 0; cfg == NULL && i < errs.n; i++)
		fprintf(stderr, "%s\n",
		    schema_err_print(&errs.err[i], buf, sizeof(buf)));
	ck_assert_msg(cfg != NULL, "config did not load");
	return cfg;
}
