/*
 * check_schema_golden.c - golden tests of the config loader.
 *
 * tests/data/schema/valid/NAME.xml must load, and its canonical dump must
 * equal NAME.ok byte for byte; loading the dump again must print the same
 * text (the printer and the loader agree).  tests/data/schema/invalid/
 * NAME.xml must be rejected with exactly the lines of NAME.err, one error
 * per line as mirador-control --check prints them.  The file lists are
 * read from the source tree, so a new case is a new pair of files.  With
 * MIRADOR_UPDATE_GOLDEN=1 the expected files are (re)written instead.
 */
#include "schema/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/schema/suites.h"
#include "tests/testutil.h"

static char **valid_names, **invalid_names;
static size_t nvalid, ninvalid;

/* Loads tests/data/schema/<dir>/<name> with source = name. */
static struct schema_config *
load_case(const char *dir, const char *name, struct schema_errs *errs)
{
	char rel[512];
	struct schema_config *cfg;
	char *xml;
	size_t len;

	snprintf(rel, sizeof(rel), "tests/data/schema/%s/%s", dir, name);
	xml = test_read_file(test_srcpath(rel), &len);
	ck_assert_msg(xml != NULL, "cannot read %s", rel);
	cfg = schema_config_load_mem(name, xml, len, errs);
	free(xml);
	return cfg;
}

/* "NAME.xml" -> "tests/data/schema/<dir>/NAME<ext>" under the source. */
static const char *
expected_path(const char *dir, const char *name, const char *ext)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "tests/data/schema/%s/%.*s%s", dir,
	    (int)(strlen(name) - strlen(".xml")), name, ext);
	return test_srcpath(rel);
}

START_TEST(valid_file)
{
	const char *name = valid_names[_i];
	struct schema_config *cfg, *again;
	struct schema_errs errs;
	struct wbuf out, out2;
	char buf[768];
	size_t i;

	cfg = load_case("valid", name, &errs);
	for (i = 0; cfg == NULL && i < errs.n; i++)
		fprintf(stderr, "%s\n",
		    schema_err_print(&errs.err[i], buf, sizeof(buf)));
	ck_assert_msg(cfg != NULL, "%s: %zu errors", name, errs.total);
	wbuf_init_dyn(&out, 1u << 24);
	ck_assert_int_eq(schema_config_print(cfg, &out), 0);
	test_expect_file(expected_path("valid", name, ".ok"),
	    (const char *)out.data, out.len);

	/* The dump loads to a generation that prints the same. */
	again = schema_config_load_mem(
	    "dump", (const char *)out.data, out.len, &errs);
	ck_assert_msg(again != NULL, "%s: dump does not load", name);
	wbuf_init_dyn(&out2, 1u << 24);
	ck_assert_int_eq(schema_config_print(again, &out2), 0);
	ck_assert_uint_eq(out.len, out2.len);
	ck_assert(memcmp(out.data, out2.data, out.len) == 0);
	ck_assert_uint_eq(schema_config_diff(cfg, again, NULL, NULL), 0);

	wbuf_fini(&out);
	wbuf_fini(&out2);
	schema_config_unref(again);
	schema_config_unref(cfg);
}
END_TEST

START_TEST(invalid_file)
{
	const char *name = invalid_names[_i];
	struct schema_config *cfg;
	struct schema_errs errs;
	struct wbuf out;
	char buf[768];
	size_t i;

	cfg = load_case("invalid", name, &errs);
	ck_assert_msg(cfg == NULL, "%s: loaded but must not", name);
	ck_assert_uint_gt(errs.total, 0);
	ck_assert_uint_eq(errs.n, MIN(errs.total, (size_t)SCHEMA_ERR_MAX));
	wbuf_init_dyn(&out, 1u << 20);
	for (i = 0; i < errs.n; i++) {
		/* Every error says where it is. */
		ck_assert_str_eq(errs.err[i].source, name);
		ck_assert_msg(errs.err[i].reason[0] != '\0', "empty reason");
		wbuf_printf(&out, "%s\n",
		    schema_err_print(&errs.err[i], buf, sizeof(buf)));
	}
	if (errs.total > errs.n)
		wbuf_printf(
		    &out, "(%zu more errors not shown)\n", errs.total - errs.n);
	test_expect_file(expected_path("invalid", name, ".err"),
	    (const char *)out.data, out.len);
	wbuf_fini(&out);
}
END_TEST

/* A harness that finds no files must fail, not pass vacuously. */
START_TEST(files_present)
{
	ck_assert_uint_ge(nvalid, 3);
	ck_assert_uint_ge(ninvalid, 10);
}
END_TEST

Suite *
schema_golden_suite(void)
{
	Suite *s = suite_create("schema_golden");
	TCase *tc;

	valid_names = test_list_dir(
	    test_srcpath("tests/data/schema/valid"), ".xml", &nvalid);
	invalid_names = test_list_dir(
	    test_srcpath("tests/data/schema/invalid"), ".xml", &ninvalid);

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, schema_setup, schema_teardown);
	tcase_add_test(tc, files_present);
	tcase_add_loop_test(tc, valid_file, 0, (int)nvalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, schema_setup, schema_teardown);
	tcase_add_loop_test(tc, invalid_file, 0, (int)ninvalid);
	suite_add_tcase(s, tc);
	return s;
}
