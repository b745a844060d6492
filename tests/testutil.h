/*
 * testutil.h - helpers shared by the test runners: files under the
 * source tree (found through $top_srcdir, so VPATH builds and distcheck
 * work), whole-file reads and writes, temporary files, sorted listings.
 */
#ifndef SDN_TESTUTIL_H
#define SDN_TESTUTIL_H

#include <stddef.h>

/* "$top_srcdir/rel" in a static buffer (top_srcdir from the harness). */
const char *test_srcpath(const char *rel);
/* Whole file into a NUL-terminated malloc'd buffer; NULL if unreadable. */
char *test_read_file(const char *path, size_t *len);
/*
 * Golden files: got must equal the file at path byte for byte (the test
 * fails with both texts), or, with MIRADOR_UPDATE_GOLDEN=1 in the
 * environment, is written there.
 */
void test_expect_file(const char *path, const char *got, size_t len);
/* Writes text to path (created or truncated); fails the test on error. */
void test_write_file(const char *path, const char *text);
/* Creates an empty /tmp/mirador-<what>-XXXXXX file; its name into path. */
void test_tmpfile(const char *what, char *path, size_t len);
struct schema_config;
/* A generation from XML text (source "test.xml"), +1 ref; on errors
 * prints each to stderr and fails the test. */
struct schema_config *test_config(const char *xml);
/* Sorted names of the files in dir ending in suffix; NULL-terminated. */
char **test_list_dir(const char *dir, const char *suffix, size_t *n);
void test_free_list(char **names);

#endif /* SDN_TESTUTIL_H */
