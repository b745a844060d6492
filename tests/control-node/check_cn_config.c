/*
 * check_cn_config.c - the config store: the embedded default loads, a
 * reload replaces the running generation, and a bad file leaves the
 * running generation exactly as it was.
 */
#include "control-node/cn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/control-node/suites.h"
#include "tests/testutil.h"

static char path[64];

static void
write_config(const char *xml)
{
	test_write_file(path, xml);
}

static void
setup(void)
{
	ck_assert_int_eq(schema_init(), 0);
	log_init("check_cn", LOG_LEVEL_ERR);
	test_tmpfile("cn", path, sizeof(path));
}

static void
teardown(void)
{
	unlink(path);
	schema_fini();
}

START_TEST(default_config)
{
	struct cn_config *store = cn_config_new(NULL);
	struct schema_errs errs;
	const struct schema_config *cfg;
	char buf[256];

	ck_assert_ptr_null(cn_config_running(store));
	ck_assert_str_eq(cn_config_source(store), "(embedded default)");
	ck_assert_int_eq(cn_config_load(store, &errs), 0);
	cfg = cn_config_running(store);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(schema_config_count(cfg, SCHEMA_BGP_ROUTER), 1);
	ck_assert_uint_eq(schema_config_count(cfg, SCHEMA_VIRTUAL_NETWORK), 3);
	ck_assert_ptr_nonnull(schema_config_lookup(cfg, SCHEMA_VIRTUAL_NETWORK,
	    "default-domain:default-project:analyzer"));
	ck_assert_str_eq(cn_config_summary(cfg, buf, sizeof(buf)),
	    "5 objects (1 global-system-config, 1 bgp-router, "
	    "3 virtual-network)");
	ck_assert_ptr_nonnull(strstr(cn_default_config_text(), "<config>"));
	cn_config_free(store);
}
END_TEST

START_TEST(summary_truncates)
{
	struct cn_config *store = cn_config_new(NULL);
	struct schema_errs errs;
	char small[12];

	ck_assert_int_eq(cn_config_load(store, &errs), 0);
	cn_config_summary(cn_config_running(store), small, sizeof(small));
	ck_assert_str_eq(small, "5 objects (");
	cn_config_free(store);
}
END_TEST

START_TEST(reload_and_reject)
{
	struct cn_config *store = cn_config_new(path);
	const struct schema_config *first, *second;
	struct schema_errs errs;

	write_config("<config><virtual-network name='a'/></config>");
	ck_assert_int_eq(cn_config_load(store, &errs), 0);
	first = cn_config_running(store);
	ck_assert_uint_eq(
	    schema_config_count(first, SCHEMA_VIRTUAL_NETWORK), 1);

	write_config("<config><virtual-network name='a'/>"
		     "<virtual-network name='b'/></config>");
	ck_assert_int_eq(cn_config_load(store, &errs), 0);
	second = cn_config_running(store);
	ck_assert_ptr_ne(first, second);
	ck_assert_uint_eq(
	    schema_config_count(second, SCHEMA_VIRTUAL_NETWORK), 2);

	/* A bad file: -EINVAL, its errors, and the same generation. */
	write_config("<config><virtual-network name='a'>\n"
		     "<network-id>0</network-id></virtual-network></config>");
	ck_assert_int_eq(cn_config_load(store, &errs), -EINVAL);
	ck_assert_uint_eq(errs.total, 1);
	ck_assert_uint_eq(errs.err[0].line, 2);
	ck_assert_str_eq(errs.err[0].element, "network-id");
	ck_assert_ptr_eq(cn_config_running(store), second);

	/* So is a missing one. */
	unlink(path);
	ck_assert_int_eq(cn_config_load(store, &errs), -EINVAL);
	ck_assert_ptr_eq(cn_config_running(store), second);
	cn_config_free(store);
}
END_TEST

START_TEST(first_load_fails)
{
	struct cn_config *store = cn_config_new("/nonexistent/x.xml");
	struct schema_errs errs;

	ck_assert_int_eq(cn_config_load(store, &errs), -EINVAL);
	ck_assert_ptr_null(cn_config_running(store));
	ck_assert_str_eq(cn_config_source(store), "/nonexistent/x.xml");
	cn_config_free(store);
}
END_TEST

Suite *
cn_config_suite(void)
{
	Suite *s = suite_create("cn_config");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, default_config);
	tcase_add_test(tc, summary_truncates);
	tcase_add_test(tc, reload_and_reject);
	tcase_add_test(tc, first_load_fails);
	suite_add_tcase(s, tc);
	return s;
}
