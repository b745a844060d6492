/*
 * check_schema_limits.c - the loader's bounds: document size, error
 * count, list sizes, nesting depth, entity tricks, many objects, and a
 * document cut at every byte (never a partial generation).
 */
#include "schema/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/schema/suites.h"
#include "tests/testutil.h"

static struct schema_config *
load_w(const struct wbuf *w, struct schema_errs *errs)
{
	return schema_config_load_mem(
	    "limits.xml", (const char *)w->data, w->len, errs);
}

START_TEST(document_too_large)
{
	struct schema_errs errs;
	struct wbuf w;

	wbuf_init_dyn(&w, SCHEMA_MAX_FILE_SIZE + 4096);
	ck_assert_int_eq(wbuf_put_str(&w, "<config>"), 0);
	while (w.len <= SCHEMA_MAX_FILE_SIZE)
		ck_assert_int_eq(
		    wbuf_put_str(&w, "<!-- padding padding -->"), 0);
	ck_assert_int_eq(wbuf_put_str(&w, "</config>"), 0);
	ck_assert_ptr_null(load_w(&w, &errs));
	ck_assert_uint_eq(errs.total, 1);
	ck_assert_msg(strstr(errs.err[0].reason, "over the limit") != NULL,
	    "%s", errs.err[0].reason);
	wbuf_fini(&w);
}
END_TEST

/* 40 bad references: the first SCHEMA_ERR_MAX kept, all counted. */
START_TEST(error_count_bounded)
{
	struct schema_errs errs;
	struct wbuf w;
	int i;

	wbuf_init_dyn(&w, 1u << 20);
	wbuf_put_str(&w, "<config>\n");
	for (i = 0; i < 40; i++)
		wbuf_printf(&w,
		    "<virtual-machine-interface name='i%d'>"
		    "<virtual-network>missing</virtual-network>"
		    "</virtual-machine-interface>\n",
		    i);
	wbuf_put_str(&w, "</config>\n");
	ck_assert_ptr_null(load_w(&w, &errs));
	ck_assert_uint_eq(errs.total, 40);
	ck_assert_uint_eq(errs.n, SCHEMA_ERR_MAX);
	ck_assert_uint_eq(errs.err[0].line, 2);
	wbuf_fini(&w);
}
END_TEST

/* The XSD bounds lists: 64 route targets pass, 65 do not. */
START_TEST(list_bound)
{
	struct schema_config *cfg;
	struct schema_errs errs;
	struct wbuf w;
	int n, i;

	for (n = 64; n <= 65; n++) {
		wbuf_init_dyn(&w, 1u << 20);
		wbuf_put_str(&w,
		    "<config><virtual-network name='v'>"
		    "<route-target-list>");
		for (i = 0; i < n; i++)
			wbuf_printf(&w,
			    "<route-target>target:64512:%d"
			    "</route-target>",
			    i + 1);
		wbuf_put_str(&w,
		    "</route-target-list></virtual-network>"
		    "</config>");
		cfg = load_w(&w, &errs);
		if (n == 64) {
			ck_assert_ptr_nonnull(cfg);
			ck_assert_uint_eq(
			    ((const struct schema_vn *)schema_config_at(
				 cfg, SCHEMA_VIRTUAL_NETWORK, 0))
				->nrt,
			    64);
			schema_config_unref(cfg);
		} else {
			ck_assert_ptr_null(cfg);
			ck_assert_str_eq(errs.err[0].element, "route-target");
		}
		wbuf_fini(&w);
	}
}
END_TEST

/* Deep nesting is refused by the parser's depth limit, not the stack. */
START_TEST(deep_nesting)
{
	struct schema_errs errs;
	struct wbuf w;
	int i;

	wbuf_init_dyn(&w, 1u << 22);
	wbuf_put_str(&w, "<config>");
	for (i = 0; i < 100000; i++)
		wbuf_put_str(&w, "<a>");
	for (i = 0; i < 100000; i++)
		wbuf_put_str(&w, "</a>");
	wbuf_put_str(&w, "</config>");
	ck_assert_ptr_null(load_w(&w, &errs));
	ck_assert_uint_ge(errs.total, 1);
	wbuf_fini(&w);
}
END_TEST

/* Billion laughs: the DOCTYPE stops the parse before any expansion. */
START_TEST(entity_expansion)
{
	const char *xml =
	    "<?xml version='1.0'?>\n"
	    "<!DOCTYPE config [\n"
	    " <!ENTITY a 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'>\n"
	    " <!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>\n"
	    " <!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>\n"
	    " <!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>\n"
	    " <!ENTITY e '&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;'>\n"
	    " <!ENTITY f '&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;'>\n"
	    " <!ENTITY g '&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;'>\n"
	    "]>\n"
	    "<config><virtual-network name='&g;'/></config>\n";
	struct schema_errs errs;

	ck_assert_ptr_null(
	    schema_config_load_mem("laughs.xml", xml, strlen(xml), &errs));
	ck_assert_uint_eq(errs.total, 1);
	ck_assert_str_eq(errs.err[0].reason,
	    "DOCTYPE is not allowed in a configuration document");
}
END_TEST

/* An external entity cannot be declared, so none is ever read. */
START_TEST(external_entity)
{
	const char *xml =
	    "<!DOCTYPE config [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
	    "<config><virtual-network name='&x;'/></config>";
	struct schema_errs errs;

	ck_assert_ptr_null(
	    schema_config_load_mem("xxe.xml", xml, strlen(xml), &errs));
	ck_assert_uint_eq(errs.total, 1);
	ck_assert_ptr_null(strstr(errs.err[0].reason, "root:"));
}
END_TEST

/* 20000 networks with interfaces load, and every lookup finds its own. */
START_TEST(many_objects)
{
	struct schema_config *cfg;
	struct schema_errs errs;
	const struct schema_vmi *vmi;
	char name[32];
	struct wbuf w;
	int i;

	wbuf_init_dyn(&w, 1u << 24);
	wbuf_put_str(&w, "<config>");
	for (i = 0; i < 20000; i++)
		wbuf_printf(&w,
		    "<virtual-network name='n%d'/>"
		    "<virtual-machine-interface name='i%d'>"
		    "<virtual-network>n%d</virtual-network>"
		    "</virtual-machine-interface>",
		    i, i, i);
	wbuf_put_str(&w, "</config>");
	cfg = load_w(&w, &errs);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(
	    schema_config_count(cfg, SCHEMA_VIRTUAL_NETWORK), 20000);
	for (i = 0; i < 20000; i += 997) {
		snprintf(name, sizeof(name), "i%d", i);
		vmi = (const struct schema_vmi *)schema_config_lookup(
		    cfg, SCHEMA_VIRTUAL_MACHINE_INTERFACE, name);
		ck_assert_ptr_nonnull(vmi);
		snprintf(name, sizeof(name), "n%d", i);
		ck_assert_str_eq(vmi->vn.name, name);
	}
	schema_config_unref(cfg);
	wbuf_fini(&w);
}
END_TEST

/*
 * A valid document cut short anywhere before its end tag never loads: a
 * truncated file or body cannot half-apply.
 */
START_TEST(truncated_everywhere)
{
	const char *xml =
	    "<config>\n"
	    " <virtual-network name='d:p:red'><network-id>1</network-id>\n"
	    "  <subnets><subnet prefix='10.1.1.0/24'/></subnets>\n"
	    " </virtual-network>\n"
	    " <virtual-machine-interface name='vm1'>\n"
	    "  <virtual-network>d:p:red</virtual-network>\n"
	    "  <ip-addresses><ip-address>10.1.1.3</ip-address></ip-addresses>\n"
	    "  <interface-mirror><traffic-direction>both</traffic-direction>\n"
	    "   <mirror-to><analyzer-ip-address>10.1.1.9</analyzer-ip-address>"
	    "</mirror-to>\n"
	    "  </interface-mirror>\n"
	    " </virtual-machine-interface>\n"
	    "</config>\n";
	size_t len = strlen(xml), end = strstr(xml, "</config>") - xml + 9;
	struct schema_config *cfg;
	struct schema_errs errs;
	size_t cut;

	for (cut = 0; cut < end; cut++) {
		cfg = schema_config_load_mem("cut.xml", xml, cut, &errs);
		ck_assert_msg(cfg == NULL, "loaded when cut at %zu", cut);
		ck_assert_uint_ge(errs.total, 1);
	}
	cfg = schema_config_load_mem("cut.xml", xml, len, &errs);
	ck_assert_ptr_nonnull(cfg);
	schema_config_unref(cfg);
}
END_TEST

Suite *
schema_limits_suite(void)
{
	Suite *s = suite_create("schema_limits");
	TCase *tc = tcase_create("limits");

	tcase_add_checked_fixture(tc, schema_setup, schema_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, document_too_large);
	tcase_add_test(tc, error_count_bounded);
	tcase_add_test(tc, list_bound);
	tcase_add_test(tc, deep_nesting);
	tcase_add_test(tc, entity_expansion);
	tcase_add_test(tc, external_entity);
	tcase_add_test(tc, many_objects);
	tcase_add_test(tc, truncated_everywhere);
	suite_add_tcase(s, tc);
	return s;
}
