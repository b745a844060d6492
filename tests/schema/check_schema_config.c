/*
 * check_schema_config.c - generations: lookups, defaults that depend on
 * other objects, network-id allocation, sharing, equality and diffs,
 * loading from files, the examples shipped in docs/, and the XSD that is
 * compiled into the library.
 */
#include "schema/schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/schema/suites.h"
#include "tests/testutil.h"

static const struct schema_vn *
vn(const struct schema_config *cfg, const char *name)
{
	const struct schema_obj *o;

	o = schema_config_lookup(cfg, SCHEMA_VIRTUAL_NETWORK, name);
	ck_assert_msg(o != NULL, "no virtual-network %s", name);
	return (const struct schema_vn *)o;
}

START_TEST(lookup_and_order)
{
	struct schema_config *cfg = test_config(
	    "<config>"
	    "<virtual-network name='c'/><virtual-network name='a'/>"
	    "<virtual-network name='b'/>"
	    "<virtual-router name='r'><ip-address>127.0.0.5</ip-address>"
	    "</virtual-router></config>");

	ck_assert_uint_eq(schema_config_count(cfg, SCHEMA_VIRTUAL_NETWORK), 3);
	ck_assert_uint_eq(schema_config_count(cfg, SCHEMA_VIRTUAL_ROUTER), 1);
	ck_assert_uint_eq(schema_config_count(cfg, SCHEMA_TAP_FLOW), 0);
	ck_assert_uint_eq(schema_config_count(cfg, SCHEMA_TYPE_MAX), 0);
	/* Name order, whatever the document order. */
	ck_assert_str_eq(
	    schema_config_at(cfg, SCHEMA_VIRTUAL_NETWORK, 0)->name, "a");
	ck_assert_str_eq(
	    schema_config_at(cfg, SCHEMA_VIRTUAL_NETWORK, 2)->name, "c");
	ck_assert_ptr_null(schema_config_at(cfg, SCHEMA_VIRTUAL_NETWORK, 3));
	ck_assert_ptr_null(
	    schema_config_lookup(cfg, SCHEMA_VIRTUAL_NETWORK, "d"));
	ck_assert_ptr_null(
	    schema_config_lookup(cfg, SCHEMA_VIRTUAL_ROUTER, "a"));
	ck_assert_uint_eq(vn(cfg, "b")->obj.line, 1);
	ck_assert_str_eq(vn(cfg, "b")->obj.source, "test.xml");
	schema_config_unref(cfg);
}
END_TEST

START_TEST(type_names)
{
	enum schema_type t;
	unsigned i;

	for (i = 0; i < SCHEMA_TYPE_MAX; i++) {
		ck_assert_int_eq(schema_type_parse(
				     schema_type_name((enum schema_type)i), &t),
		    0);
		ck_assert_int_eq(t, i);
	}
	ck_assert_ptr_null(schema_type_name(SCHEMA_TYPE_MAX));
	ck_assert_int_eq(schema_type_parse("config", &t), -EINVAL);
	ck_assert_str_eq(schema_type_name(SCHEMA_VIRTUAL_MACHINE_INTERFACE),
	    "virtual-machine-interface");
}
END_TEST

START_TEST(global_defaults)
{
	struct schema_config *cfg = test_config("<config/>");
	const struct schema_global *g = schema_config_global(cfg);

	ck_assert_uint_eq(g->asn, 64512);
	ck_assert(g->ibgp_auto_mesh);
	ck_assert(!g->gr.enable);
	ck_assert_uint_eq(g->gr.restart_time, 300);
	ck_assert_uint_eq(g->gr.eor_timeout, 300);
	ck_assert_str_eq(g->obj.name, "default-global-system-config");
	schema_config_unref(cfg);

	cfg = test_config("<config><global-system-config>"
			  "<autonomous-system>65000</autonomous-system>"
			  "</global-system-config></config>");
	g = schema_config_global(cfg);
	ck_assert_uint_eq(g->asn, 65000);
	ck_assert_uint_eq(g->gr.restart_time, 300);
	ck_assert_uint_eq(
	    schema_config_count(cfg, SCHEMA_GLOBAL_SYSTEM_CONFIG), 1);
	schema_config_unref(cfg);
}
END_TEST

START_TEST(effective_values)
{
	struct schema_config *cfg = test_config(
	    "<config><global-system-config>"
	    "<autonomous-system>65001</autonomous-system>"
	    "</global-system-config>"
	    "<bgp-router name='a'><address>192.0.2.1</address></bgp-router>"
	    "<bgp-router name='b'><address>192.0.2.2</address>"
	    "<identifier>10.0.0.9</identifier>"
	    "<autonomous-system>7</autonomous-system></bgp-router>"
	    "<virtual-network name='d:p:red'><network-id>5</network-id>"
	    "</virtual-network>"
	    "<virtual-network name='blue'><network-id>6</network-id>"
	    "<vxlan-id>6006</vxlan-id></virtual-network></config>");
	const struct schema_bgp_router *a, *b;
	char buf[SCHEMA_RI_NAME_MAX];

	a = (const struct schema_bgp_router *)schema_config_lookup(
	    cfg, SCHEMA_BGP_ROUTER, "a");
	b = (const struct schema_bgp_router *)schema_config_lookup(
	    cfg, SCHEMA_BGP_ROUTER, "b");
	ck_assert_uint_eq(schema_bgp_router_asn(cfg, a), 65001);
	ck_assert_uint_eq(schema_bgp_router_asn(cfg, b), 7);
	ck_assert_uint_eq(schema_bgp_router_identifier(a), 0xc0000201);
	ck_assert_uint_eq(schema_bgp_router_identifier(b), 0x0a000009);
	ck_assert_uint_eq(a->port, 179);
	ck_assert_uint_eq(a->hold_time, 90);
	ck_assert_uint_eq(a->families, SCHEMA_AF_DEFAULT);
	ck_assert_int_eq(a->router_type, SCHEMA_ROUTER_ROUTER);
	ck_assert_uint_eq(schema_vn_vxlan_id(vn(cfg, "d:p:red")), 5);
	ck_assert_uint_eq(schema_vn_vxlan_id(vn(cfg, "blue")), 6006);
	ck_assert_str_eq(
	    schema_vn_ri_name(vn(cfg, "d:p:red"), buf, sizeof(buf)),
	    "d:p:red:red");
	ck_assert_str_eq(
	    schema_vn_ri_name(vn(cfg, "blue"), buf, sizeof(buf)), "blue:blue");
	schema_config_unref(cfg);
}
END_TEST

/* Missing network-ids take the smallest free ids, in document order. */
START_TEST(network_id_allocation)
{
	const char *xml = "<config>"
			  "<virtual-network name='z'/>"
			  "<virtual-network name='x'><network-id>1</network-id>"
			  "</virtual-network>"
			  "<virtual-network name='y'/>"
			  "<virtual-network name='w'><network-id>3</network-id>"
			  "</virtual-network>"
			  "<virtual-network name='v'/></config>";
	struct schema_config *cfg = test_config(xml), *again = test_config(xml);

	ck_assert_uint_eq(vn(cfg, "x")->network_id, 1);
	ck_assert_uint_eq(vn(cfg, "z")->network_id, 2);
	ck_assert_uint_eq(vn(cfg, "w")->network_id, 3);
	ck_assert_uint_eq(vn(cfg, "y")->network_id, 4);
	ck_assert_uint_eq(vn(cfg, "v")->network_id, 5);
	/* The same file gives the same ids. */
	ck_assert_uint_eq(schema_config_diff(cfg, again, NULL, NULL), 0);
	schema_config_unref(cfg);
	schema_config_unref(again);
}
END_TEST

/* Interfaces without a MAC get 02:xx:.. from their name, stably. */
START_TEST(derived_mac)
{
	const char *xml = "<config><virtual-network name='n'/>"
			  "<virtual-machine-interface name='i1'>"
			  "<virtual-network>n</virtual-network>"
			  "</virtual-machine-interface>"
			  "<virtual-machine-interface name='i2'>"
			  "<virtual-network>n</virtual-network>"
			  "</virtual-machine-interface></config>";
	struct schema_config *a = test_config(xml), *b = test_config(xml);
	const struct schema_vmi *a1, *a2, *b1;

	a1 = (const struct schema_vmi *)schema_config_lookup(
	    a, SCHEMA_VIRTUAL_MACHINE_INTERFACE, "i1");
	a2 = (const struct schema_vmi *)schema_config_lookup(
	    a, SCHEMA_VIRTUAL_MACHINE_INTERFACE, "i2");
	b1 = (const struct schema_vmi *)schema_config_lookup(
	    b, SCHEMA_VIRTUAL_MACHINE_INTERFACE, "i1");
	ck_assert_uint_eq(a1->mac.b[0], 0x02);
	ck_assert_uint_eq(a1->mac_line, 0);
	ck_assert(memcmp(a1->mac.b, b1->mac.b, 6) == 0);
	ck_assert(memcmp(a1->mac.b, a2->mac.b, 6) != 0);
	schema_config_unref(a);
	schema_config_unref(b);
}
END_TEST

struct seen {
	char log[2048];
	size_t len;
};

static void
record(enum schema_change change, const struct schema_obj *old,
    const struct schema_obj *new, void *arg)
{
	static const char *const what[] = {"+", "-", "~"};
	struct seen *s = arg;
	const struct schema_obj *o = new != NULL ? new : old;

	if (change == SCHEMA_ADDED)
		ck_assert(old == NULL && new != NULL);
	else if (change == SCHEMA_REMOVED)
		ck_assert(old != NULL && new == NULL);
	else
		ck_assert(old != NULL && new != NULL);
	s->len += (size_t)snprintf(s->log + s->len, sizeof(s->log) - s->len,
	    "%s%s:%s ", what[change], schema_type_name(o->type), o->name);
}

START_TEST(diff)
{
	struct schema_config *a = test_config(
	    "<config>"
	    "<virtual-network name='keep'><network-id>1</network-id>"
	    "</virtual-network>"
	    "<virtual-network name='gone'><network-id>2</network-id>"
	    "</virtual-network>"
	    "<virtual-network name='edit'><network-id>3</network-id>"
	    "</virtual-network>"
	    "<virtual-router name='r'><ip-address>127.0.0.5</ip-address>"
	    "</virtual-router></config>");
	struct schema_config *b = test_config(
	    "<config>"
	    "<virtual-router name='r'><ip-address>127.0.0.5</ip-address>"
	    "</virtual-router>"
	    "<virtual-network name='new'><network-id>4</network-id>"
	    "</virtual-network>"
	    "<virtual-network name='edit'><network-id>3</network-id>"
	    "<mirror-destination>true</mirror-destination>"
	    "</virtual-network>"
	    "<virtual-network name='keep'><network-id>1</network-id>"
	    "</virtual-network></config>");
	struct seen s = {.len = 0};

	ck_assert_uint_eq(schema_config_diff(a, b, record, &s), 3);
	ck_assert_str_eq(s.log,
	    "~virtual-network:edit -virtual-network:gone "
	    "+virtual-network:new ");
	s.len = 0;
	s.log[0] = '\0';
	ck_assert_uint_eq(schema_config_diff(NULL, a, record, &s), 4);
	ck_assert_str_eq(s.log,
	    "+virtual-network:edit +virtual-network:gone "
	    "+virtual-network:keep +virtual-router:r ");
	ck_assert_uint_eq(schema_config_diff(a, a, record, &s), 0);
	ck_assert(schema_obj_equal(
	    schema_config_lookup(a, SCHEMA_VIRTUAL_NETWORK, "keep"),
	    schema_config_lookup(b, SCHEMA_VIRTUAL_NETWORK, "keep")));
	ck_assert(!schema_obj_equal(
	    schema_config_lookup(a, SCHEMA_VIRTUAL_NETWORK, "edit"),
	    schema_config_lookup(b, SCHEMA_VIRTUAL_NETWORK, "edit")));
	ck_assert(!schema_obj_equal(
	    schema_config_lookup(a, SCHEMA_VIRTUAL_NETWORK, "keep"),
	    schema_config_lookup(a, SCHEMA_VIRTUAL_NETWORK, "edit")));
	schema_config_unref(a);
	schema_config_unref(b);
}
END_TEST

START_TEST(refcount)
{
	struct schema_config *cfg =
	    test_config("<config><virtual-network name='a'/>"
			"</config>");
	const struct schema_obj *o;

	schema_config_ref(cfg);
	schema_config_unref(cfg);
	o = schema_config_lookup(cfg, SCHEMA_VIRTUAL_NETWORK, "a");
	ck_assert_uint_eq(o->refcnt, 1);
	ck_assert_str_eq(o->name, "a");
	schema_config_unref(cfg);
	schema_config_unref(NULL);
}
END_TEST

START_TEST(load_file_errors)
{
	struct schema_errs errs;
	char path[] = "/tmp/mirador-schema-XXXXXX";
	const char *xml = "<config><virtual-network name='a'/></config>\n";
	struct schema_config *cfg;
	int fd;

	ck_assert_ptr_null(
	    schema_config_load_file("/nonexistent/mirador.xml", &errs));
	ck_assert_uint_eq(errs.total, 1);
	ck_assert_str_eq(errs.err[0].source, "/nonexistent/mirador.xml");
	ck_assert_str_eq(
	    errs.err[0].reason, "cannot open: No such file or directory");

	ck_assert_ptr_null(schema_config_load_file("/tmp", &errs));
	ck_assert_str_eq(errs.err[0].reason, "not a regular file");

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, xml, strlen(xml)), (int)strlen(xml));
	close(fd);
	cfg = schema_config_load_file(path, &errs);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(
	    schema_config_lookup(cfg, SCHEMA_VIRTUAL_NETWORK, "a")->source,
	    path);
	schema_config_unref(cfg);
	unlink(path);
}
END_TEST

/* Every example configuration in docs/examples loads. */
START_TEST(examples_load)
{
	struct schema_config *cfg;
	struct schema_errs errs;
	char **names, rel[512], buf[768];
	size_t n, i, j;

	names = test_list_dir(test_srcpath("docs/examples"), ".xml", &n);
	ck_assert_uint_ge(n, 1);
	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "docs/examples/%s", names[i]);
		cfg = schema_config_load_file(test_srcpath(rel), &errs);
		for (j = 0; cfg == NULL && j < errs.n; j++)
			fprintf(stderr, "%s\n",
			    schema_err_print(&errs.err[j], buf, sizeof(buf)));
		ck_assert_msg(cfg != NULL, "%s does not load", names[i]);
		schema_config_unref(cfg);
	}
	test_free_list(names);
}
END_TEST

/* The XSD compiled into the library is schema/mirador.xsd. */
START_TEST(embedded_xsd)
{
	char *want = test_read_file(test_srcpath("schema/mirador.xsd"), NULL);

	ck_assert_ptr_nonnull(want);
	ck_assert_str_eq(schema_xsd_text(), want);
	free(want);
}
END_TEST

START_TEST(err_print)
{
	struct schema_errs errs;
	char buf[256];

	schema_errs_init(&errs);
	schema_errs_add(&errs, "f.xml", 7, "vni", "bad %d.\n", 1);
	schema_errs_add(&errs, "f.xml", 0, "", "whole file");
	schema_errs_add(&errs, "f.xml", 3, "", "no element");
	ck_assert_str_eq(schema_err_print(&errs.err[0], buf, sizeof(buf)),
	    "f.xml:7: element 'vni': bad 1");
	ck_assert_str_eq(schema_err_print(&errs.err[1], buf, sizeof(buf)),
	    "f.xml: whole file");
	ck_assert_str_eq(schema_err_print(&errs.err[2], buf, sizeof(buf)),
	    "f.xml:3: no element");
	schema_errs_sort(&errs);
	ck_assert_uint_eq(errs.err[0].line, 0);
	ck_assert_uint_eq(errs.err[1].line, 3);
	ck_assert_uint_eq(errs.err[2].line, 7);
}
END_TEST

Suite *
schema_config_suite(void)
{
	Suite *s = suite_create("schema_config");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, schema_setup, schema_teardown);
	tcase_add_test(tc, lookup_and_order);
	tcase_add_test(tc, type_names);
	tcase_add_test(tc, global_defaults);
	tcase_add_test(tc, effective_values);
	tcase_add_test(tc, network_id_allocation);
	tcase_add_test(tc, derived_mac);
	tcase_add_test(tc, diff);
	tcase_add_test(tc, refcount);
	tcase_add_test(tc, load_file_errors);
	tcase_add_test(tc, examples_load);
	tcase_add_test(tc, embedded_xsd);
	tcase_add_test(tc, err_print);
	suite_add_tcase(s, tc);
	return s;
}
