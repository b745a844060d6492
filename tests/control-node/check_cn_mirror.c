/*
 * check_cn_mirror.c - mirror resolution: a label selector matching no,
 * one and three interfaces, a named interface, an external analyzer,
 * static VXLAN, mirror-tos through a destination or with their own
 * fields, tap services, and a change of analyzer between generations.
 */
#include "control-node/cn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/control-node/suites.h"
#include "tests/testutil.h"

static struct cn_mirrors mirrors;
static struct schema_config *cfg;

static void
setup(void)
{
	log_init("check_cn", LOG_LEVEL_ERR);
	ck_assert_int_eq(schema_init(), 0);
	cn_mirrors_init(&mirrors);
	cfg = NULL;
}

static void
teardown(void)
{
	cn_mirrors_fini(&mirrors);
	schema_config_unref(cfg);
	schema_fini();
}

/* The analyzer network and n interfaces labelled role=dpi in it. */
static void
resolve(int n_dpi, const char *more)
{
	char *xml, *ifs = xstrdup(""), *tmp;
	int k;

	for (k = 0; k < n_dpi; k++) {
		tmp = xasprintf("%s<virtual-machine-interface name='dpi-%d'>"
				"<virtual-network>d:p:ana</virtual-network>"
				"<virtual-router>c%d</virtual-router>"
				"<mac-address>02:00:00:00:09:0%d</mac-address>"
				"<ip-addresses><ip-address>10.9.0.%d"
				"</ip-address></ip-addresses>"
				"<labels><label key='role' value='dpi'/>"
				"</labels></virtual-machine-interface>",
		    ifs, 3 - k, k, 3 - k, 3 - k);
		free(ifs);
		ifs = tmp;
	}
	xml = xasprintf("<config>"
			"<virtual-network name='d:p:ana'><network-id>9"
			"</network-id><mirror-destination>true"
			"</mirror-destination><subnets><subnet "
			"prefix='10.9.0.0/24'/></subnets></virtual-network>"
			"<virtual-network name='d:p:red'><network-id>1"
			"</network-id></virtual-network>"
			"<virtual-router name='c0'><ip-address>127.0.0.10"
			"</ip-address></virtual-router>"
			"<virtual-router name='c1'><ip-address>127.0.0.11"
			"</ip-address></virtual-router>"
			"<virtual-router name='c2'><ip-address>127.0.0.12"
			"</ip-address></virtual-router>"
			"<mirror-destination name='md'><analyzer-selector>"
			"<label key='role' value='dpi'/></analyzer-selector>"
			"</mirror-destination>%s%s</config>",
	    ifs, more);
	schema_config_unref(cfg);
	cfg = test_config(xml);
	cn_mirrors_resolve(&mirrors, cfg);
	free(xml);
	free(ifs);
}

static const struct cn_mirror *
find(enum cn_mirror_kind kind, const char *name)
{
	const struct cn_mirror *r = cn_mirrors_find(&mirrors, kind, name);

	ck_assert_msg(r != NULL, "no resolution for %s %s",
	    cn_mirror_kind_name(kind), name);
	return r;
}

static const char *
ip(const struct cn_mirror *r)
{
	static char buf[IPADDR_STRLEN];

	ck_assert(r->has_ip);
	return ipaddr_print(&r->ip, buf, sizeof(buf));
}

START_TEST(selector_none)
{
	const struct cn_mirror *r;

	resolve(0, "");
	r = find(CN_MIRROR_DESTINATION, "md");
	ck_assert(!r->resolved);
	ck_assert_str_eq(r->reason, "no interface has the labels role=dpi");
	ck_assert_uint_eq(r->candidates, 0);
	ck_assert_ptr_null(r->analyzer);
}
END_TEST

START_TEST(selector_one)
{
	const struct cn_mirror *r;
	char mac[MACADDR_STRLEN];

	resolve(1, "");
	r = find(CN_MIRROR_DESTINATION, "md");
	ck_assert(r->resolved);
	ck_assert_uint_eq(r->candidates, 1);
	ck_assert_str_eq(r->analyzer, "dpi-3");
	ck_assert_str_eq(ip(r), "10.9.0.3");
	ck_assert(r->has_mac);
	ck_assert_str_eq(
	    macaddr_print(&r->mac, mac, sizeof(mac)), "02:00:00:00:09:03");
	ck_assert_str_eq(r->ri, "d:p:ana:ana");
	ck_assert_str_eq(r->vn, "d:p:ana");
	ck_assert_str_eq(r->vrouter, "c0");
	ck_assert_str_eq(
	    r->reason, "selector role=dpi matched interface dpi-3 (10.9.0.3)");
	ck_assert(r->mode.juniper_header);
	ck_assert_uint_eq(r->mode.udp_port, 8099);
}
END_TEST

/* Three match: the first by name is chosen, and the reason says so. */
START_TEST(selector_three)
{
	const struct cn_mirror *r;

	resolve(3, "");
	r = find(CN_MIRROR_DESTINATION, "md");
	ck_assert(r->resolved);
	ck_assert_uint_eq(r->candidates, 3);
	ck_assert_str_eq(r->analyzer, "dpi-1");
	ck_assert_str_eq(ip(r), "10.9.0.1");
	ck_assert_str_eq(r->reason,
	    "selector role=dpi matched 3 interfaces; "
	    "chose dpi-1, the first by name (10.9.0.1)");
}
END_TEST

/* The analyzer changes when the configuration does. */
START_TEST(change_of_analyzer)
{
	resolve(1, "");
	ck_assert_str_eq(find(CN_MIRROR_DESTINATION, "md")->analyzer, "dpi-3");
	resolve(3, "");
	ck_assert_str_eq(find(CN_MIRROR_DESTINATION, "md")->analyzer, "dpi-1");
	resolve(0, "");
	ck_assert(!find(CN_MIRROR_DESTINATION, "md")->resolved);
}
END_TEST

START_TEST(named_interface_and_external)
{
	const struct cn_mirror *r;

	resolve(2,
	    "<mirror-destination name='by-name'><analyzer-interface>"
	    "dpi-3</analyzer-interface><juniper-header>false"
	    "</juniper-header></mirror-destination>"
	    "<mirror-destination name='ext'><external-analyzer-ip>"
	    "198.51.100.7</external-analyzer-ip><udp-port>9000"
	    "</udp-port></mirror-destination>"
	    "<mirror-destination name='vtep'><nh-mode>static</nh-mode>"
	    "<static-nh-header><vtep-dst-ip-address>127.0.0.12"
	    "</vtep-dst-ip-address><vni>5001</vni></static-nh-header>"
	    "</mirror-destination>");
	r = find(CN_MIRROR_DESTINATION, "by-name");
	ck_assert(r->resolved);
	ck_assert_str_eq(r->analyzer, "dpi-3");
	ck_assert(!r->mode.juniper_header);
	ck_assert_str_eq(r->reason, "analyzer interface dpi-3 (10.9.0.3)");
	r = find(CN_MIRROR_DESTINATION, "ext");
	ck_assert(r->resolved);
	ck_assert_ptr_null(r->analyzer);
	ck_assert_str_eq(ip(r), "198.51.100.7");
	ck_assert_uint_eq(r->mode.udp_port, 9000);
	ck_assert_ptr_null(r->ri);
	ck_assert_str_eq(r->reason,
	    "external analyzer 198.51.100.7, reached "
	    "by routes in the mirrored interface's "
	    "instance");
	r = find(CN_MIRROR_DESTINATION, "vtep");
	ck_assert(r->resolved);
	ck_assert_str_eq(ip(r), "127.0.0.12");
	ck_assert_str_eq(
	    r->reason, "static: VXLAN to VTEP 127.0.0.12, VNI 5001");
}
END_TEST

/* Mirror-tos: by destination, and with their own fields. */
START_TEST(mirror_tos)
{
	const struct cn_mirror *r;

	resolve(1,
	    "<virtual-machine-interface name='vm1'><virtual-network>d:p:red"
	    "</virtual-network><interface-mirror><traffic-direction>ingress"
	    "</traffic-direction><mirror-to><mirror-destination>md"
	    "</mirror-destination></mirror-to></interface-mirror>"
	    "</virtual-machine-interface>"
	    "<virtual-machine-interface name='vm2'><virtual-network>d:p:red"
	    "</virtual-network><interface-mirror><traffic-direction>both"
	    "</traffic-direction><mirror-to><analyzer-ip-address>10.9.0.3"
	    "</analyzer-ip-address><udp-port>8888</udp-port></mirror-to>"
	    "</interface-mirror></virtual-machine-interface>"
	    "<network-policy name='p'><mirror-to><analyzer-ip-address>"
	    "192.0.2.50</analyzer-ip-address></mirror-to><rules><rule>"
	    "<action-list><simple-action>pass</simple-action></action-list>"
	    "</rule><rule><action-list><simple-action>pass</simple-action>"
	    "<mirror-to><mirror-destination>md</mirror-destination>"
	    "</mirror-to></action-list></rule></rules></network-policy>");
	r = find(CN_MIRROR_INTERFACE, "vm1");
	ck_assert(r->resolved);
	ck_assert_str_eq(r->via, "md");
	ck_assert_str_eq(r->analyzer, "dpi-3");
	r = find(CN_MIRROR_INTERFACE, "vm2");
	ck_assert(r->resolved);
	ck_assert_ptr_null(r->via);
	ck_assert_str_eq(r->analyzer, "dpi-3");
	ck_assert_str_eq(r->ri, "d:p:ana:ana");
	ck_assert_uint_eq(r->mode.udp_port, 8888);
	ck_assert_str_eq(r->reason, "analyzer 10.9.0.3 is interface dpi-3");
	r = find(CN_MIRROR_POLICY, "p");
	ck_assert(r->resolved);
	ck_assert_ptr_null(r->analyzer);
	ck_assert_ptr_null(r->ri);
	ck_assert_str_eq(ip(r), "192.0.2.50");
	ck_assert_str_eq(r->reason,
	    "analyzer 192.0.2.50 (no interface of the "
	    "configuration has it: copies are routed "
	    "to it)");
	ck_assert_ptr_null(cn_mirrors_find(&mirrors, CN_MIRROR_RULE, "p#1"));
	r = find(CN_MIRROR_RULE, "p#2");
	ck_assert(r->resolved);
	ck_assert_str_eq(r->analyzer, "dpi-3");
}
END_TEST

START_TEST(tap_services)
{
	const struct cn_mirror *r;
	char mac[MACADDR_STRLEN];

	resolve(1,
	    "<tap-service name='guest'><type>guest</type><target>dpi-3"
	    "</target><enabled>true</enabled></tap-service>"
	    "<tap-service name='host'><type>host</type><target>c2"
	    "</target><mac-address>52:54:00:12:34:56</mac-address>"
	    "</tap-service>");
	r = find(CN_MIRROR_TAP_SERVICE, "guest");
	ck_assert(r->resolved);
	ck_assert(r->enabled);
	ck_assert_str_eq(r->analyzer, "dpi-3");
	ck_assert_str_eq(r->vrouter, "c0");
	r = find(CN_MIRROR_TAP_SERVICE, "host");
	ck_assert(r->resolved);
	ck_assert(!r->enabled);
	ck_assert_str_eq(r->vrouter, "c2");
	ck_assert_str_eq(ip(r), "127.0.0.12");
	ck_assert_str_eq(
	    macaddr_print(&r->mac, mac, sizeof(mac)), "52:54:00:12:34:56");
	ck_assert_str_eq(r->reason, "host c2 NIC 52:54:00:12:34:56 (disabled)");
}
END_TEST

/* An analyzer without an IP cannot take Juniper-header copies. */
START_TEST(no_ip_for_header)
{
	const struct cn_mirror *r;

	resolve(0,
	    "<virtual-machine-interface name='bare'><virtual-network>"
	    "d:p:ana</virtual-network><labels><label key='role' "
	    "value='dpi'/></labels></virtual-machine-interface>");
	r = find(CN_MIRROR_DESTINATION, "md");
	ck_assert(!r->resolved);
	ck_assert_str_eq(r->analyzer, "bare");
	ck_assert_str_eq(r->reason,
	    "selector role=dpi matched interface bare, "
	    "which has no IP address: the Juniper "
	    "header mode sends copies to an IP");
}
END_TEST

Suite *
cn_mirror_suite(void)
{
	Suite *s = suite_create("cn_mirror");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, selector_none);
	tcase_add_test(tc, selector_one);
	tcase_add_test(tc, selector_three);
	tcase_add_test(tc, change_of_analyzer);
	tcase_add_test(tc, named_interface_and_external);
	tcase_add_test(tc, mirror_tos);
	tcase_add_test(tc, tap_services);
	tcase_add_test(tc, no_ip_for_header);
	suite_add_tcase(s, tc);
	return s;
}
