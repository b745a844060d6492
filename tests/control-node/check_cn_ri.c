/*
 * check_cn_ri.c - routing instances from configurations, and replication
 * between them: default route targets, export to the VPN tables with the
 * SourceRD and OriginVn, import into connected instances, connections by
 * policy and by mirror, re-import after a route-target change, withdraw
 * when a network goes, and that a config change touches exactly the
 * copies that change (counted by a listener).
 */
#include "control-node/cn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/control-node/suites.h"
#include "tests/testutil.h"

#define RED  "default-domain:demo:red:red"
#define BLUE "default-domain:demo:blue:blue"
#define GRN  "default-domain:demo:green:green"
#define ANA  "default-domain:demo:analyzer:analyzer"

#define ROUTER_ID 0x7f000001 /* 127.0.0.1 */

static struct ri_mgr *mgr;
static struct cn_mirrors mirrors;
static struct rt_source *agent1, *agent2, *gw;

static void
setup(void)
{
	log_init("check_cn", LOG_LEVEL_ERR);
	ck_assert_int_eq(schema_init(), 0);
	mgr = ri_mgr_new();
	cn_mirrors_init(&mirrors);
	agent1 = rt_source_new(RT_SRC_XMPP, "compute1");
	agent2 = rt_source_new(RT_SRC_XMPP, "compute2");
	gw = rt_source_new(RT_SRC_BGP, "gateway");
}

static void
teardown(void)
{
	ri_mgr_free(mgr);
	cn_mirrors_fini(&mirrors);
	rt_source_unref(agent1);
	rt_source_unref(agent2);
	rt_source_unref(gw);
	ck_assert_uint_eq(attr_count(), 0);
	schema_fini();
}

/* Applies a configuration given as the inside of <config>. */
static void
apply(const char *objects)
{
	struct schema_config *cfg;
	char *xml;

	xml = xasprintf("<config>%s</config>", objects);
	cfg = test_config(xml);
	cn_mirrors_resolve(&mirrors, cfg);
	ri_mgr_apply(mgr, cfg, &mirrors, 64512, ROUTER_ID);
	schema_config_unref(cfg);
	free(xml);
}

static struct rt_table *
table(const char *ri, enum rt_family f)
{
	struct ri *r = ri_mgr_lookup(mgr, ri);

	ck_assert_msg(r != NULL, "no instance %s", ri);
	return ri_table(r, f);
}

static struct rt_table *
vpn(void)
{
	return ri_table(ri_mgr_master(mgr), RT_L3VPN);
}

/* An agent route: prefix in ri's inet table, next hop nh, label. */
static void
agent_route(struct rt_source *src, const char *ri, const char *prefix,
    const char *nh, uint32_t label)
{
	struct attr a, *ia;
	struct rt_key k;
	uint64_t encap = ecomm_encap(ECOMM_ENCAP_MPLS_UDP);

	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(ipaddr_parse(nh, &a.nexthop), 0);
	a.ecomm = &encap;
	a.necomm = 1;
	ck_assert_int_eq(rt_key_parse(RT_INET, prefix, &k), 0);
	ia = attr_intern(&a);
	ck_assert_int_eq(
	    rt_update(table(ri, RT_INET), &k, src, ia, label, 0), 0);
	attr_unref(ia);
}

static int
agent_withdraw(struct rt_source *src, const char *ri, const char *prefix)
{
	struct rt_key k;

	ck_assert_int_eq(rt_key_parse(RT_INET, prefix, &k), 0);
	return rt_withdraw(table(ri, RT_INET), &k, src);
}

/* The paths for key text s in table t (NULL: no route). */
static const struct rt_path *
paths(struct rt_table *t, const char *s)
{
	const struct rt_entry *e;
	struct rt_key k;

	ck_assert_int_eq(rt_key_parse(rt_table_family(t), s, &k), 0);
	e = rt_lookup(t, &k);
	return e != NULL ? rt_entry_paths(e) : NULL;
}

static bool
has_ecomm(const struct rt_path *p, const char *text)
{
	char buf[ECOMM_STRLEN];
	size_t i;

	for (i = 0; i < p->attr->necomm; i++)
		if (strcmp(ecomm_print(p->attr->ecomm[i], buf, sizeof(buf)),
			text) == 0)
			return true;
	return false;
}

static char *
rts_text(const uint64_t *v, size_t n)
{
	static char buf[512];
	char one[RTARGET_STRLEN];
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
		    i ? " " : "", rtarget_print(v[i], one, sizeof(one)));
	return buf;
}

static const char *
imports(const char *ri)
{
	size_t n;
	const uint64_t *v = ri_import_rts(ri_mgr_lookup(mgr, ri), &n);

	return rts_text(v, n);
}

static const char *
exports(const char *ri)
{
	size_t n;
	const uint64_t *v = ri_export_rts(ri_mgr_lookup(mgr, ri), &n);

	return rts_text(v, n);
}

#define VN(name, id, extra)                                                    \
	"<virtual-network name='default-domain:demo:" name "'>"                \
	"<network-id>" #id "</network-id>" extra "</virtual-network>"

/* A policy letting red and blue talk, attached to both. */
#define RED_BLUE_POLICY                                                        \
	"<network-policy name='rb'><rules><rule>"                              \
	"<src-addresses><address><virtual-network>default-domain:demo:red"     \
	"</virtual-network></address></src-addresses>"                         \
	"<dst-addresses><address><virtual-network>default-domain:demo:blue"    \
	"</virtual-network></address></dst-addresses>"                         \
	"<action-list><simple-action>pass</simple-action></action-list>"       \
	"</rule></rules></network-policy>"
#define WITH_RB                                                                \
	"<network-policies><network-policy>rb</network-policy>"                \
	"</network-policies>"

START_TEST(instances_from_config)
{
	struct ri *red;
	size_t n;

	apply(VN("red", 1, "") VN("blue", 2, ""));
	ck_assert_uint_eq(ri_mgr_count(mgr), 3);
	ck_assert_str_eq(ri_name(ri_mgr_at(mgr, 0)), RI_MASTER_NAME);
	red = ri_mgr_lookup(mgr, RED);
	ck_assert_ptr_nonnull(red);
	ck_assert(!ri_is_master(red));
	ck_assert_str_eq(ri_vn(red), "default-domain:demo:red");
	ck_assert_uint_eq(ri_index(red), 1);
	ck_assert_uint_eq(ri_vn_index(red), 1);
	ck_assert_uint_eq(ri_vxlan_id(red), 1);
	ck_assert_str_eq(rt_table_name(ri_table(red, RT_INET)), RED ".inet.0");
	ck_assert_str_eq(
	    rt_table_name(ri_table(red, RT_INET6)), RED ".inet6.0");
	ck_assert_str_eq(rt_table_name(ri_table(red, RT_EVPN)), RED ".evpn.0");
	ck_assert_ptr_null(ri_table(red, RT_L3VPN));
	ck_assert_ptr_eq(ri_of_table(ri_table(red, RT_INET)), red);
	/* The master's tables. */
	ck_assert_str_eq(rt_table_name(vpn()), "bgp.l3vpn.0");
	ck_assert_str_eq(rt_table_name(ri_table(ri_mgr_master(mgr), RT_L3VPN6)),
	    "bgp.l3vpn-inet6.0");
	ck_assert_str_eq(
	    rt_table_name(ri_table(ri_mgr_master(mgr), RT_EVPN)), "bgp.evpn.0");
	ck_assert_str_eq(
	    rt_table_name(ri_table(ri_mgr_master(mgr), RT_RTARGET)),
	    "bgp.rtarget.0");
	ck_assert_str_eq(
	    rt_table_name(ri_table(ri_mgr_master(mgr), RT_INET)), "inet.0");
	/* Default targets: 8000000 + network-id, import and export. */
	ck_assert_str_eq(exports(RED), "target:64512:8000001");
	ck_assert_str_eq(imports(RED), "target:64512:8000001");
	ck_assert_str_eq(imports(BLUE), "target:64512:8000002");
	ri_connections(red, &n);
	ck_assert_uint_eq(n, 0);
	/* Configured targets replace the default; imports add to them. */
	apply(VN("red", 1,
	    "<route-target-list><route-target>target:64512:100</route-target>"
	    "</route-target-list>"
	    "<import-route-target-list><route-target>target:64512:7"
	    "</route-target></import-route-target-list>"));
	ck_assert_str_eq(exports(RED), "target:64512:100");
	ck_assert_str_eq(imports(RED), "target:64512:7 target:64512:100");
	ck_assert_ptr_null(ri_mgr_lookup(mgr, BLUE));
}
END_TEST

START_TEST(four_byte_as)
{
	struct schema_config *cfg;
	struct schema_errs errs;
	const char *xml = "<config>" VN("red", 1, "") "</config>";

	cfg = schema_config_load_mem("t.xml", xml, strlen(xml), &errs);
	ck_assert_ptr_nonnull(cfg);
	cn_mirrors_resolve(&mirrors, cfg);
	ri_mgr_apply(mgr, cfg, &mirrors, 4200000001u, ROUTER_ID);
	ck_assert_str_eq(exports(RED), "target:4200000001:8001");
	schema_config_unref(cfg);
}
END_TEST

/* An agent route goes to bgp.l3vpn.0 with RD, targets and OriginVn. */
START_TEST(export_to_vpn)
{
	const struct rt_path *p;

	apply(VN("red", 1, "") VN("blue", 2, ""));
	agent_route(agent1, RED, "10.1.1.3/32", "127.0.0.11", 16);
	p = paths(vpn(), "127.0.0.1:1:10.1.1.3/32");
	ck_assert_ptr_nonnull(p);
	ck_assert(p->flags & RT_PATH_SECONDARY);
	ck_assert_uint_eq(p->label, 16);
	ck_assert_ptr_eq(p->src, agent1);
	ck_assert(has_ecomm(p, "target:64512:8000001"));
	ck_assert(has_ecomm(p, "origin-vn:64512:1"));
	ck_assert(has_ecomm(p, "encapsulation:mpls-udp") ||
	    has_ecomm(p, "encapsulation:udp"));
	/* Not in blue: no connection. */
	ck_assert_ptr_null(paths(table(BLUE, RT_INET), "10.1.1.3/32"));
	ck_assert_uint_eq(rt_table_paths(vpn()), 1);
	/* A SourceRD given by the source is used instead. */
	{
		struct attr a, *ia;
		struct rt_key k;

		memset(&a, 0, sizeof(a));
		ipaddr_parse("127.0.0.12", &a.nexthop);
		rt_rd_make_ip(&a.source_rd, 0x7f00000c, 7);
		ia = attr_intern(&a);
		rt_key_parse(RT_INET, "10.1.1.4/32", &k);
		rt_update(table(RED, RT_INET), &k, agent2, ia, 17, 0);
		attr_unref(ia);
	}
	ck_assert_ptr_nonnull(paths(vpn(), "127.0.0.12:7:10.1.1.4/32"));
	/* Withdraw: the copy goes too. */
	ck_assert_int_eq(agent_withdraw(agent1, RED, "10.1.1.3/32"), 0);
	ck_assert_ptr_null(paths(vpn(), "127.0.0.1:1:10.1.1.3/32"));
	ck_assert_uint_eq(rt_table_paths(vpn()), 1);
}
END_TEST

/* A policy on both networks connects them; on one only, it does not. */
START_TEST(connection_by_policy)
{
	const struct rt_path *p;
	const char *const *conns;
	size_t n;

	apply(VN("red", 1, WITH_RB) VN("blue", 2, "") RED_BLUE_POLICY);
	ck_assert_str_eq(imports(RED), "target:64512:8000001");
	agent_route(agent1, RED, "10.1.1.3/32", "127.0.0.11", 16);
	agent_route(agent2, BLUE, "10.2.2.3/32", "127.0.0.12", 17);
	ck_assert_ptr_null(paths(table(BLUE, RT_INET), "10.1.1.3/32"));

	/* Attached to both: connected, and existing routes re-import. */
	apply(VN("red", 1, WITH_RB) VN("blue", 2, WITH_RB) RED_BLUE_POLICY);
	conns = ri_connections(ri_mgr_lookup(mgr, RED), &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(conns[0], BLUE);
	ck_assert_str_eq(
	    imports(RED), "target:64512:8000001 target:64512:8000002");
	ck_assert_str_eq(
	    imports(BLUE), "target:64512:8000001 target:64512:8000002");
	p = paths(table(BLUE, RT_INET), "10.1.1.3/32");
	ck_assert_ptr_nonnull(p);
	ck_assert(p->flags & RT_PATH_SECONDARY);
	ck_assert_ptr_eq(p->src, agent1);
	ck_assert(has_ecomm(p, "origin-vn:64512:1"));
	ck_assert_ptr_nonnull(paths(table(RED, RT_INET), "10.2.2.3/32"));
	/* A new route follows the connection at once. */
	agent_route(agent1, RED, "10.1.1.4/32", "127.0.0.11", 18);
	ck_assert_ptr_nonnull(paths(table(BLUE, RT_INET), "10.1.1.4/32"));
	/* The route does not come back into red as a copy of itself. */
	p = paths(table(RED, RT_INET), "10.1.1.4/32");
	ck_assert_ptr_null(p->next);

	/* Policy detached: the copies go. */
	apply(VN("red", 1, "") VN("blue", 2, WITH_RB) RED_BLUE_POLICY);
	ck_assert_ptr_null(paths(table(BLUE, RT_INET), "10.1.1.3/32"));
	ck_assert_ptr_null(paths(table(RED, RT_INET), "10.2.2.3/32"));
	ck_assert_str_eq(imports(BLUE), "target:64512:8000002");
}
END_TEST

/* Change of a network's target: copies move to the new importers. */
START_TEST(rt_change_reimports)
{
	const struct rt_path *p;

	apply(VN("red", 1,
	    "<route-target-list><route-target>target:64512:100"
	    "</route-target></route-target-list>") VN("green", 3,
	    "<import-route-target-list><route-target>"
	    "target:64512:100</route-target>"
	    "</import-route-target-list>"));
	agent_route(agent1, RED, "10.1.1.3/32", "127.0.0.11", 16);
	ck_assert_ptr_nonnull(paths(table(GRN, RT_INET), "10.1.1.3/32"));
	p = paths(vpn(), "127.0.0.1:1:10.1.1.3/32");
	ck_assert(has_ecomm(p, "target:64512:100"));

	/* red now exports 200: green (importing 100) loses the route, the
	 * VPN copy carries 200. */
	apply(VN("red", 1,
	    "<route-target-list><route-target>target:64512:200"
	    "</route-target></route-target-list>") VN("green", 3,
	    "<import-route-target-list><route-target>"
	    "target:64512:100</route-target>"
	    "</import-route-target-list>"));
	ck_assert_ptr_null(paths(table(GRN, RT_INET), "10.1.1.3/32"));
	p = paths(vpn(), "127.0.0.1:1:10.1.1.3/32");
	ck_assert(has_ecomm(p, "target:64512:200"));
	ck_assert(!has_ecomm(p, "target:64512:100"));

	/* green imports 200 instead: the route comes back. */
	apply(VN("red", 1,
	    "<route-target-list><route-target>target:64512:200"
	    "</route-target></route-target-list>") VN("green", 3,
	    "<import-route-target-list><route-target>"
	    "target:64512:200</route-target>"
	    "</import-route-target-list>"));
	ck_assert_ptr_nonnull(paths(table(GRN, RT_INET), "10.1.1.3/32"));
}
END_TEST

/* Deleting a network withdraws its routes everywhere. */
START_TEST(delete_withdraws)
{
	apply(VN("red", 1, WITH_RB) VN("blue", 2, WITH_RB) RED_BLUE_POLICY);
	agent_route(agent1, RED, "10.1.1.3/32", "127.0.0.11", 16);
	agent_route(agent2, BLUE, "10.2.2.3/32", "127.0.0.12", 17);
	ck_assert_ptr_nonnull(paths(table(RED, RT_INET), "10.2.2.3/32"));
	ck_assert_uint_eq(rt_table_paths(vpn()), 2);

	/* (The policy names blue, so it goes too: a config naming a
	 * network that does not exist is refused.) */
	apply(VN("red", 1, ""));
	ck_assert_ptr_null(ri_mgr_lookup(mgr, BLUE));
	ck_assert_ptr_null(paths(table(RED, RT_INET), "10.2.2.3/32"));
	ck_assert_uint_eq(rt_table_paths(vpn()), 1);
	ck_assert_ptr_nonnull(paths(vpn(), "127.0.0.1:1:10.1.1.3/32"));
	ck_assert_str_eq(imports(RED), "target:64512:8000001");
	ck_assert_uint_eq(ri_mgr_count(mgr), 2);
}
END_TEST

/* A BGP route in bgp.l3vpn.0 is imported by target. */
START_TEST(import_from_vpn)
{
	struct attr a, *ia;
	struct rt_key k;
	uint64_t rt;
	const struct rt_path *p;

	apply(VN("red", 1, "") VN("blue", 2, ""));
	memset(&a, 0, sizeof(a));
	ipaddr_parse("192.0.2.1", &a.nexthop);
	rtarget_parse("target:64512:8000002", &rt);
	a.ecomm = &rt;
	a.necomm = 1;
	ia = attr_intern(&a);
	ck_assert_int_eq(
	    rt_key_parse(RT_L3VPN, "192.0.2.1:5:203.0.113.0/24", &k), 0);
	ck_assert_int_eq(rt_update(vpn(), &k, gw, ia, 3000, 0), 0);
	p = paths(table(BLUE, RT_INET), "203.0.113.0/24");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_eq(p->attr, ia);
	ck_assert_uint_eq(p->label, 3000);
	ck_assert_ptr_null(paths(table(RED, RT_INET), "203.0.113.0/24"));
	/* Infeasible: no copy. */
	ck_assert_int_eq(
	    rt_update(vpn(), &k, gw, ia, 3000, RT_PATH_INFEASIBLE), 0);
	ck_assert_ptr_null(paths(table(BLUE, RT_INET), "203.0.113.0/24"));
	ck_assert_int_eq(rt_update(vpn(), &k, gw, ia, 3000, 0), 0);
	ck_assert_ptr_nonnull(paths(table(BLUE, RT_INET), "203.0.113.0/24"));
	ck_assert_int_eq(rt_withdraw(vpn(), &k, gw), 0);
	ck_assert_ptr_null(paths(table(BLUE, RT_INET), "203.0.113.0/24"));
	attr_unref(ia);
}
END_TEST

/* A mirror to an analyzer in another network connects the networks. */
START_TEST(connection_by_mirror)
{
	const char *const *conns;
	size_t n;

	apply(VN("red", 1, "") VN("analyzer", 9,
	    "<mirror-destination>true</mirror-destination>"
	    "<subnets><subnet prefix='10.9.0.0/24'/></subnets>") "<virtual-machine-interface name='dpi'>"
								 "<virtual-network>default-domain:demo:analyzer"
								 "</virtual-network>"
								 "<ip-addresses><ip-address>10.9.0.5</ip-address>"
								 "</ip-addresses>"
								 "<labels><label key='role' value='dpi'/></labels>"
								 "</virtual-machine-interface>"
								 "<virtual-machine-interface name='vm1'>"
								 "<virtual-network>default-domain:demo:red</virtual-network>"
								 "<interface-mirror><traffic-direction>both"
								 "</traffic-direction><mirror-to><mirror-destination>md"
								 "</mirror-destination></mirror-to></interface-mirror>"
								 "</virtual-machine-interface>"
								 "<mirror-destination name='md'><analyzer-selector>"
								 "<label key='role' value='dpi'/></analyzer-selector>"
								 "</mirror-destination>");
	conns = ri_connections(ri_mgr_lookup(mgr, RED), &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(conns[0], ANA);
	ck_assert(ri_mirror_destination(ri_mgr_lookup(mgr, ANA)));
	/* The analyzer's route reaches red (the agent needs it). */
	agent_route(agent2, ANA, "10.9.0.5/32", "127.0.0.12", 40);
	ck_assert_ptr_nonnull(paths(table(RED, RT_INET), "10.9.0.5/32"));
}
END_TEST

/* RT groups: who imports and who exports each target. */
START_TEST(rt_groups)
{
	struct ri *const *imp, *const *exp;
	size_t nimp, nexp, i, n;
	char buf[RTARGET_STRLEN];
	uint64_t rt;
	bool seen = false;

	apply(VN("red", 1, WITH_RB) VN("blue", 2, WITH_RB) RED_BLUE_POLICY);
	n = ri_mgr_rtgroup_count(mgr);
	ck_assert_uint_eq(n, 2);
	for (i = 0; i < n; i++) {
		rt = ri_mgr_rtgroup(mgr, i, &imp, &nimp, &exp, &nexp);
		if (strcmp(rtarget_print(rt, buf, sizeof(buf)),
			"target:64512:8000001") != 0)
			continue;
		seen = true;
		ck_assert_uint_eq(nimp, 2);
		ck_assert_uint_eq(nexp, 1);
		ck_assert_str_eq(ri_name(exp[0]), RED);
	}
	ck_assert(seen);
}
END_TEST

/* A config change touches exactly the routes that change. */
START_TEST(exactly_what_changed)
{
	struct rt_listener *lb, *lv;
	size_t nb = 0, nv = 0;

	apply(VN("red", 1, WITH_RB) VN("blue", 2, "")
		RED_BLUE_POLICY VN("green", 3, ""));
	agent_route(agent1, RED, "10.1.1.3/32", "127.0.0.11", 16);
	agent_route(agent1, RED, "10.1.1.4/32", "127.0.0.11", 17);
	agent_route(agent2, GRN, "10.3.3.3/32", "127.0.0.12", 18);
	lb = rt_listen(table(BLUE, RT_INET), NULL, NULL);
	lv = rt_listen(vpn(), NULL, NULL);
	while (rt_listener_next(lb) != NULL)
		nb++;
	while (rt_listener_next(lv) != NULL)
		nv++;
	ck_assert_uint_eq(nb, 0);
	ck_assert_uint_eq(nv, 3);

	/* Connect red and blue: blue gets red's two routes, the VPN table
	 * sees no change at all. */
	apply(VN("red", 1, WITH_RB) VN("blue", 2, WITH_RB)
		RED_BLUE_POLICY VN("green", 3, ""));
	nb = nv = 0;
	while (rt_listener_next(lb) != NULL)
		nb++;
	while (rt_listener_next(lv) != NULL)
		nv++;
	ck_assert_uint_eq(nb, 2);
	ck_assert_uint_eq(nv, 0);
	/* The same config again changes nothing anywhere. */
	apply(VN("red", 1, WITH_RB) VN("blue", 2, WITH_RB)
		RED_BLUE_POLICY VN("green", 3, ""));
	ck_assert(!rt_listener_pending(lb));
	ck_assert(!rt_listener_pending(lv));
	rt_unlisten(lb);
	rt_unlisten(lv);
}
END_TEST

/* A deleted network whose table is listened to waits for the listener. */
START_TEST(delete_with_listener)
{
	struct rt_listener *l;
	const struct rt_entry *e;

	apply(VN("red", 1, "") VN("blue", 2, ""));
	agent_route(agent2, BLUE, "10.2.2.3/32", "127.0.0.12", 17);
	l = rt_listen(table(BLUE, RT_INET), NULL, NULL);
	ck_assert_ptr_nonnull(rt_listener_next(l));
	apply(VN("red", 1, ""));
	ck_assert_ptr_null(ri_mgr_lookup(mgr, BLUE));
	/* The listener is told of the withdraw. */
	e = rt_listener_next(l);
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_null(rt_entry_paths(e));
	ck_assert_ptr_null(rt_listener_next(l));
	rt_unlisten(l);
	ck_assert_uint_eq(rt_table_paths(vpn()), 0);
}
END_TEST

Suite *
cn_ri_suite(void)
{
	Suite *s = suite_create("cn_ri");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, instances_from_config);
	tcase_add_test(tc, four_byte_as);
	tcase_add_test(tc, export_to_vpn);
	tcase_add_test(tc, connection_by_policy);
	tcase_add_test(tc, rt_change_reimports);
	tcase_add_test(tc, delete_withdraws);
	tcase_add_test(tc, import_from_vpn);
	tcase_add_test(tc, connection_by_mirror);
	tcase_add_test(tc, rt_groups);
	tcase_add_test(tc, exactly_what_changed);
	tcase_add_test(tc, delete_with_listener);
	suite_add_tcase(s, tc);
	return s;
}
