/*
 * check_cn_xmpp.c - the agent channel of a real control node, driven by
 * mock agents (tests/xmpp/mock_agent.c) over loopback, and by raw bytes
 * written exactly as reference/contrail-protocol.md Appendix A.
 * Subscriptions (options inside and beside, pending instances), publish
 * + collection pairs into the instance tables with RD
 * <nexthop>:<instance-id>, items back to every subscriber (ECMP, own
 * routes, at most 32 per message), retracts, End-of-RIB both ways, the
 * protocol violations that close a session (and only it), bad items
 * dropped, RT-constraint routes, the mirror-destination VRF an agent
 * subscribes with no interface in it, graceful restart, the config
 * channel and the introspect pages.
 */
#include "control-node/cn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/control-node/suites.h"
#include "tests/testutil.h"
#include "tests/xmpp/mock_agent.h"
#include "tests/xmpp/test_pki.h"

#define RED      "default-domain:demo:red:red"
#define ANALYZER "default-domain:demo:analyzer:analyzer"
#define BLUE     "default-domain:demo:blue:blue"

static uv_loop_t loop;
static struct cn_node *node;
static struct cn_proto *xp;
static char cfgpath[64];
static struct mock_agent *ma[4];
static struct xmpp_tls *tls_ctx[4];
static unsigned nstopped;
static char c7[] = "compute-7";

static const char config_fmt[] =
    "<config>"
    "<global-system-config>%s</global-system-config>"
    "<bgp-router name='cn1'><router-type>control-node</router-type>"
    "<address>127.0.0.1</address></bgp-router>"
    "<virtual-network name='default-domain:demo:red'><network-id>1"
    "</network-id><subnets><subnet prefix='10.1.1.0/24'/></subnets>"
    "</virtual-network>"
    "<virtual-network name='default-domain:demo:analyzer'><network-id>9"
    "</network-id><mirror-destination>true</mirror-destination><subnets>"
    "<subnet prefix='10.9.9.0/24'/></subnets></virtual-network>"
    "<virtual-router name='compute-7'><ip-address>192.168.0.11"
    "</ip-address></virtual-router>"
    "<virtual-router name='compute-9'><ip-address>192.168.0.12"
    "</ip-address></virtual-router>"
    "<virtual-machine-interface name='vm1'><virtual-network>"
    "default-domain:demo:red</virtual-network><virtual-router>compute-9"
    "</virtual-router><ip-addresses><ip-address>10.1.1.3</ip-address>"
    "</ip-addresses><interface-mirror><traffic-direction>both"
    "</traffic-direction><mirror-to><analyzer-name>a1</analyzer-name>"
    "<analyzer-mac-address>02:aa:00:00:00:99</analyzer-mac-address>"
    "<routing-instance>" ANALYZER "</routing-instance><juniper-header>"
    "false</juniper-header></mirror-to></interface-mirror>"
    "</virtual-machine-interface>"
    "<virtual-machine-interface name='analyzer1'><virtual-network>"
    "default-domain:demo:analyzer</virtual-network><virtual-router>"
    "compute-7</virtual-router><mac-address>02:aa:00:00:00:99"
    "</mac-address><ip-addresses><ip-address>10.9.9.9</ip-address>"
    "</ip-addresses></virtual-machine-interface>"
    "</config>";

static const char gr_on[] =
    "<graceful-restart-parameters><enable>true</enable><restart-time>60"
    "</restart-time><long-lived-restart-time>0</long-lived-restart-time>"
    "<end-of-rib-timeout>30</end-of-rib-timeout><xmpp-helper-enable>true"
    "</xmpp-helper-enable></graceful-restart-parameters>";

static struct test_pki pki;
static bool tls_on;

static void
start(const char *global)
{
	struct cn_options opts;
	char text[8192];

	log_init("check_cn", LOG_LEVEL_ERR);
	ck_assert_int_eq(schema_init(), 0);
	snprintf(text, sizeof(text), config_fmt, global);
	test_tmpfile("xmpp-cfg", cfgpath, sizeof(cfgpath));
	test_write_file(cfgpath, text);
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	memset(&opts, 0, sizeof(opts));
	opts.config_path = cfgpath;
	sockaddr_parse("127.0.0.1:0", 0, &opts.http_addr);
	sockaddr_parse("127.0.0.1:0", 0, &opts.xmpp_addr);
	if (tls_on) {
		opts.xmpp_cert = pki.srv_crt;
		opts.xmpp_key = pki.srv_key;
		opts.xmpp_ca = pki.ca1;
	}
	node = cn_node_new(&loop, &opts);
	xp = cn_xmpp_attach(node);
	ck_assert_int_eq(cn_node_start(node), 0);
	ck_assert_uint_gt(cn_xmpp_port(xp), 0);
	nstopped = 0;
}

static void
setup(void)
{
	start("");
}

static void
setup_gr(void)
{
	start(gr_on);
}

static void
setup_tls(void)
{
	test_pki_make(&pki);
	tls_on = true;
	start("");
}

static void
agent_stopped(void *arg)
{
	(void)arg;
	nstopped++;
}

static void
teardown(void)
{
	unsigned i, n = 0;

	for (i = 0; i < nitems(ma); i++)
		if (ma[i] != NULL) {
			mock_agent_stop(ma[i], agent_stopped, NULL);
			n++;
		}
	cn_node_stop(node, NULL);
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	ck_assert_uint_eq(nstopped, n);
	for (i = 0; i < nitems(ma); i++) {
		mock_agent_free(ma[i]);
		ma[i] = NULL;
		xmpp_tls_free(tls_ctx[i]);
		tls_ctx[i] = NULL;
	}
	cn_node_free(node);
	ck_assert_int_eq(uvx_loop_close_all(&loop), 0);
	unlink(cfgpath);
	schema_fini();
	if (tls_on) {
		test_pki_remove(&pki);
		tls_on = false;
	}
}

/* Runs the loop until cond(arg) or ms pass; returns cond(arg). */
static bool
run_until(bool (*cond)(void *), void *arg, unsigned ms)
{
	uint64_t end;

	uv_update_time(&loop);
	end = uv_now(&loop) + ms;
	while (!cond(arg) && uv_now(&loop) < end) {
		uv_run(&loop, UV_RUN_NOWAIT);
		usleep(1000);
		uv_update_time(&loop);
	}
	return cond(arg);
}

static void
run_ms(unsigned ms)
{
	uint64_t end;

	uv_update_time(&loop);
	end = uv_now(&loop) + ms;
	while (uv_now(&loop) < end) {
		uv_run(&loop, UV_RUN_NOWAIT);
		usleep(1000);
		uv_update_time(&loop);
	}
}

static bool
is_up(void *arg)
{
	return mock_agent_established(arg);
}

static bool
is_down(void *arg)
{
	return !mock_agent_established(arg);
}

/* Agent i named name, from 127.0.0.<2+i>, connected. */
static struct mock_agent *
agent(unsigned i, const char *name)
{
	struct mock_agent_opts o;
	char ip[16];

	snprintf(ip, sizeof(ip), "127.0.0.%u", 2 + i);
	memset(&o, 0, sizeof(o));
	o.name = name;
	o.local_ip = ip;
	o.keep_routes = true;
	sockaddr_parse("127.0.0.1", cn_xmpp_port(xp), &o.server);
	ma[i] = mock_agent_new(&loop, &o);
	ck_assert_int_eq(mock_agent_start(ma[i]), 0);
	ck_assert_msg(run_until(is_up, ma[i], 5000), "%s: no session", name);
	return ma[i];
}

/* compute-7 (instance-id 3) and compute-9 (5), both subscribed to red. */
static void
both_in_red(struct mock_agent **a7, struct mock_agent **a9)
{
	*a7 = agent(0, "compute-7");
	*a9 = agent(1, "compute-9");
	ck_assert_int_eq(mock_agent_subscribe(*a7, RED, 3, false), 0);
	ck_assert_int_eq(mock_agent_subscribe(*a9, RED, 5, false), 0);
}

static struct rt_table *
table(const char *ri, enum rt_family f)
{
	struct ri *r = ri_mgr_lookup(cn_node_ri_mgr(node), ri);

	ck_assert_ptr_nonnull(r);
	return ri_table(r, f);
}

/* The path of source name for key text in an instance's table. */
static const struct rt_path *
path_of(const char *ri, enum rt_family f, const char *key, const char *src)
{
	struct rt_key k;
	const struct rt_entry *e;
	const struct rt_path *p;

	ck_assert_int_eq(rt_key_parse(f, key, &k), 0);
	if ((e = rt_lookup(table(ri, f), &k)) == NULL)
		return NULL;
	for (p = rt_entry_paths(e); p != NULL; p = p->next)
		if (!(p->flags & RT_PATH_SECONDARY) &&
		    strcmp(p->src->name, src) == 0)
			return p;
	return NULL;
}

struct want {
	struct mock_agent *a;
	const char *node, *id;
	size_t nnh;
};

static bool
has_route(void *arg)
{
	const struct want *w = arg;
	const struct mock_route *r = mock_agent_route(w->a, w->node, w->id);

	return r != NULL && (w->nnh == 0 || r->nnh == w->nnh);
}

static bool
no_route(void *arg)
{
	const struct want *w = arg;

	return mock_agent_route(w->a, w->node, w->id) == NULL;
}

static bool
got_eor(void *arg)
{
	return mock_agent_eor_received(arg);
}

/* Appendix A.1 is tests/data/xmpp/good/a1-inet-publish.xml (a golden
 * file of the codec's tests); this is its collection. */
static const char a1_collection[] =
    "<iq type=\"set\" from=\"compute-7\" "
    "to=\"network-control@contrailsystems.com/bgp-peer\" "
    "id=\"collection31\">\n"
    "<pubsub xmlns=\"http://jabber.org/protocol/pubsub\">\n"
    "<collection node=\"default-domain:demo:red:red\">\n"
    "<associate node=\"1/1/default-domain:demo:red:red/10.1.1.3/32\" />\n"
    "</collection>\n</pubsub>\n</iq>\n";

/* Appendix A.2 in the analyzer's instance, then its collection. */
static const char a2_publish[] =
    "<iq type=\"set\" from=\"compute-7\" "
    "to=\"network-control@contrailsystems.com/bgp-peer\" "
    "id=\"pubsub_l25\">\n"
    "<pubsub xmlns=\"http://jabber.org/protocol/pubsub\">\n"
    "<publish node=\"25/242/02:aa:00:00:00:99,10.9.9.9/32\">\n"
    "<item>\n<entry>\n<nlri>\n"
    "<af>25</af><safi>242</safi><ethernet-tag>0</ethernet-tag>\n"
    "<mac>02:aa:00:00:00:99</mac><address>10.9.9.9/32</address>\n"
    "<group /><source /><flags>0</flags>\n</nlri>\n<next-hops>\n"
    "<next-hop>\n<af>1</af><address>192.168.0.11</address><mac />"
    "<label>5009</label><l3-label>0</l3-label>\n"
    "<tunnel-encapsulation-list><tunnel-encapsulation>vxlan"
    "</tunnel-encapsulation></tunnel-encapsulation-list>\n<tag-list />\n"
    "</next-hop>\n</next-hops>\n<olist />\n<virtual-network />\n"
    "<mobility sticky=\"false\" seqno=\"0\" />\n"
    "<sequence-number>0</sequence-number>\n<security-group-list>"
    "<security-group>8000002</security-group></security-group-list>\n"
    "<local-preference>100</local-preference>\n<med>0</med>\n"
    "<edge-replication-not-supported>false"
    "</edge-replication-not-supported>\n<assisted-replication-supported>"
    "false</assisted-replication-supported>\n<leaf-olist />\n"
    "<replicator-address />\n<etree-leaf>true</etree-leaf>\n</entry>\n"
    "</item>\n</publish>\n</pubsub>\n</iq>\n"
    "<iq type=\"set\" from=\"compute-7\" "
    "to=\"network-control@contrailsystems.com/bgp-peer\" "
    "id=\"collection_l25\">\n"
    "<pubsub xmlns=\"http://jabber.org/protocol/pubsub\">\n"
    "<collection node=\"" ANALYZER "\">\n"
    "<associate node=\"25/242/02:aa:00:00:00:99,10.9.9.9/32\" />\n"
    "</collection>\n</pubsub>\n</iq>\n";

/* The pubsub_sub.xml shape: options beside <subscribe>. */
static const char sub_beside[] =
    "<iq type=\"set\" from=\"compute-7\" "
    "to=\"network-control@contrailsystems.com/bgp-peer\" id=\"sub1\">"
    "<pubsub xmlns=\"http://jabber.org/protocol/pubsub\">"
    "<subscribe node=\"" ANALYZER "\"/>"
    "<options><instance-id>4</instance-id></options></pubsub></iq>";

static void
raw(struct mock_agent *a, const char *s)
{
	ck_assert_int_eq(mock_agent_send_raw(a, s, strlen(s)), 0);
}

/* Sends a file of tests/data/xmpp/ as it is, then more. */
static void
raw_file(struct mock_agent *a, const char *rel, const char *then)
{
	size_t len;
	char *text = test_read_file(test_srcpath(rel), &len);

	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(mock_agent_send_raw(a, text, len), 0);
	free(text);
	raw(a, then);
}

static bool
red_path_compute7(void *arg)
{
	(void)arg;
	return path_of(RED, RT_INET, "10.1.1.3/32", "compute-7") != NULL;
}

/* Appendix A.1 makes a path with RD <nexthop>:<instance-id>, exported
 * to bgp.l3vpn.0; both agents get it back (its publisher too). */
START_TEST(publish_appendix_a1)
{
	struct mock_agent *a7 = agent(0, "compute-7"),
			  *a9 = agent(1, "compute-9");
	const struct rt_path *p;
	const struct mock_route *r;
	char rd[RT_RD_STRLEN];
	struct want w = {a9, "1/1/" RED, "10.1.1.3/32", 1};
	struct rt_key k;

	ck_assert_int_eq(mock_agent_subscribe(a7, RED, 3, false), 0);
	ck_assert_int_eq(mock_agent_subscribe(a9, RED, 5, false), 0);
	raw_file(a7, "tests/data/xmpp/good/a1-inet-publish.xml", a1_collection);
	ck_assert(run_until(red_path_compute7, NULL, 3000));
	p = path_of(RED, RT_INET, "10.1.1.3/32", "compute-7");
	ck_assert_uint_eq(p->label, 27);
	ck_assert_str_eq(
	    rt_rd_print(&p->attr->source_rd, rd, sizeof(rd)), "192.168.0.11:3");
	ck_assert_uint_eq(attr_local_pref(p->attr), 100);
	ck_assert_uint_eq(p->attr->med, 200); /* from LP 100 */
	ck_assert(attr_has_ecomm(p->attr, ecomm_encap(ECOMM_ENCAP_GRE)));
	ck_assert(attr_has_ecomm(p->attr, ecomm_encap(ECOMM_ENCAP_MPLS_UDP)));
	ck_assert(
	    attr_has_ecomm(p->attr, ecomm_security_group(64512, 8000002)));
	/* In the VPN table under that RD. */
	ck_assert_int_eq(
	    rt_key_parse(RT_L3VPN, "192.168.0.11:3:10.1.1.3/32", &k), 0);
	ck_assert_ptr_nonnull(rt_lookup(
	    ri_table(ri_mgr_master(cn_node_ri_mgr(node)), RT_L3VPN), &k));
	/* Both agents get the item, the publisher included. */
	ck_assert(run_until(has_route, &w, 3000));
	w.a = a7;
	ck_assert(run_until(has_route, &w, 3000));
	r = mock_agent_route(a9, "1/1/" RED, "10.1.1.3/32");
	ck_assert_uint_eq(r->nh[0].label, 27);
	ck_assert_str_eq(r->vn, "default-domain:demo:red");
	ck_assert_uint_eq(r->local_pref, 100);
	ck_assert(r->nh[0].encaps & XMPP_ENCAP_GRE);
	ck_assert(r->nh[0].encaps & XMPP_ENCAP_UDP);
	ck_assert_uint_eq(mock_agent_bad_messages(a9), 0);
	/* End-of-RIB after the initial feed. */
	ck_assert(run_until(got_eor, a9, 5000));
}
END_TEST

/* The headline: an agent subscribes the mirror-destination network's
 * instance with no interface in it and gets the analyzer's MAC route
 * with its next hop and label (Appendix A.3). */
START_TEST(mirror_destination_vrf)
{
	struct mock_agent *a7 = agent(0, "compute-7"),
			  *a9 = agent(1, "compute-9");
	struct want w = {
	    a9, "25/242/" ANALYZER, "02:aa:00:00:00:99,10.9.9.9/32", 1};
	struct want wi = {a9, "1/1/" ANALYZER, "10.9.9.9/32", 1};
	const struct mock_route *r;
	char ip[IPADDR_STRLEN];

	raw(a7, sub_beside); /* options beside <subscribe> */
	raw(a7, a2_publish);
	ck_assert_int_eq(mock_agent_publish_inet(a7, ANALYZER, "10.9.9.9/32",
			     "192.168.0.11", 39, true),
	    0);
	/* compute-9 has no interface in the analyzer network. */
	ck_assert_int_eq(mock_agent_subscribe(a9, ANALYZER, 7, false), 0);
	ck_assert(run_until(has_route, &w, 3000));
	r = mock_agent_route(a9, w.node, w.id);
	ck_assert_str_eq(
	    ipaddr_print(&r->nh[0].addr, ip, sizeof(ip)), "192.168.0.11");
	ck_assert_uint_eq(r->nh[0].label, 5009);
	ck_assert_uint_eq(r->nh[0].encaps, XMPP_ENCAP_VXLAN);
	ck_assert_str_eq(r->vn, "default-domain:demo:analyzer");
	ck_assert(run_until(has_route, &wi, 3000));
	ck_assert_uint_eq(
	    mock_agent_route(a9, wi.node, wi.id)->nh[0].label, 39);
	/* The EVPN path went to bgp.evpn.0 with RD 192.168.0.11:4. */
	{
		struct rt_key k;

		ck_assert_int_eq(rt_key_parse(RT_EVPN,
				     "2-192.168.0.11:4-0-02:aa:00:00:00:99,"
				     "10.9.9.9",
				     &k),
		    0);
		ck_assert_ptr_nonnull(rt_lookup(
		    ri_table(ri_mgr_master(cn_node_ri_mgr(node)), RT_EVPN),
		    &k));
	}
	/* The analyzer moves: withdraw, then the route from compute-9. */
	ck_assert_int_eq(
	    mock_agent_publish_enet(a7, ANALYZER, "02:aa:00:00:00:99",
		"10.9.9.9/32", "192.168.0.11", 5009, true, false),
	    0);
	ck_assert(run_until(no_route, &w, 3000));
	ck_assert_int_eq(
	    mock_agent_publish_enet(a9, ANALYZER, "02:aa:00:00:00:99",
		"10.9.9.9/32", "192.168.0.12", 6009, true, true),
	    0);
	ck_assert(run_until(has_route, &w, 3000));
	r = mock_agent_route(a9, w.node, w.id);
	ck_assert_str_eq(
	    ipaddr_print(&r->nh[0].addr, ip, sizeof(ip)), "192.168.0.12");
	ck_assert_uint_eq(r->nh[0].label, 6009);
}
END_TEST

/* Two agents with the same prefix: one item with both next-hops. */
START_TEST(ecmp_two_nexthops)
{
	struct mock_agent *a7, *a9;
	struct want w = {NULL, "1/1/" RED, "10.1.1.100/32", 2};

	both_in_red(&a7, &a9);
	w.a = a9;
	mock_agent_publish_inet(
	    a7, RED, "10.1.1.100/32", "192.168.0.11", 30, true);
	mock_agent_publish_inet(
	    a9, RED, "10.1.1.100/32", "192.168.0.12", 31, true);
	ck_assert_msg(run_until(has_route, &w, 3000), "no ECMP item");
	/* One goes: back to one next-hop. */
	mock_agent_publish_inet(
	    a7, RED, "10.1.1.100/32", "192.168.0.11", 30, false);
	w.nnh = 1;
	ck_assert(run_until(has_route, &w, 3000));
}
END_TEST

static bool
count_is(void *arg)
{
	const struct want *w = arg;

	return mock_agent_route_count(w->a, w->node) == w->nnh;
}

/* 300 routes: every message at most 32 items; 300 withdraws: retracts
 * (the mock counts any message that breaks the limits). */
START_TEST(many_routes_batched)
{
	struct mock_agent *a7, *a9;
	struct want w = {NULL, "1/1/" RED, NULL, 300};
	char pfx[32];
	unsigned i;

	both_in_red(&a7, &a9);
	w.a = a9;
	for (i = 0; i < 300; i++) {
		snprintf(pfx, sizeof(pfx), "10.1.%u.%u/32", i / 250, i % 250);
		ck_assert_int_eq(mock_agent_publish_inet(a7, RED, pfx,
				     "192.168.0.11", 100 + i, true),
		    0);
	}
	ck_assert(run_until(count_is, &w, 5000));
	ck_assert_uint_ge(mock_agent_items(a9), 300);
	for (i = 0; i < 300; i++) {
		snprintf(pfx, sizeof(pfx), "10.1.%u.%u/32", i / 250, i % 250);
		mock_agent_publish_inet(
		    a7, RED, pfx, "192.168.0.11", 100 + i, false);
	}
	w.nnh = 0;
	ck_assert(run_until(count_is, &w, 5000));
	ck_assert_uint_eq(mock_agent_retracts(a9), 300);
	ck_assert_uint_eq(mock_agent_bad_messages(a9), 0);
}
END_TEST

/* A subscription to an instance not configured yet waits, with the
 * routes published for it, until the configuration adds it. */
START_TEST(pending_subscription)
{
	struct mock_agent *a7 = agent(0, "compute-7");
	struct want w = {a7, "1/1/" BLUE, "10.2.0.5/32", 1};
	struct schema_errs errs;
	size_t created = 0, replaced = 0;
	const char *vn = "<virtual-network name='default-domain:demo:blue'>"
			 "<network-id>2</network-id></virtual-network>";

	mock_agent_subscribe(a7, BLUE, 8, false);
	mock_agent_publish_inet(
	    a7, BLUE, "10.2.0.5/32", "192.168.0.11", 44, true);
	run_ms(300);
	ck_assert(mock_agent_established(a7));
	ck_assert_ptr_null(ri_mgr_lookup(cn_node_ri_mgr(node), BLUE));
	ck_assert_int_eq(
	    cn_config_put(cn_node_config_store(node), "test", vn, strlen(vn),
		NULL, NULL, &created, &replaced, &errs),
	    0);
	ck_assert_ptr_nonnull(
	    path_of(BLUE, RT_INET, "10.2.0.5/32", "compute-7"));
	ck_assert(run_until(has_route, &w, 3000));
	/* The instance goes again: the agent gets the retract. */
	ck_assert_int_eq(
	    cn_config_delete(cn_node_config_store(node), "test",
		SCHEMA_VIRTUAL_NETWORK, "default-domain:demo:blue", &errs),
	    0);
	ck_assert(run_until(no_route, &w, 3000));
	ck_assert(mock_agent_established(a7));
}
END_TEST

/* Violations close that session only; the other agent carries on. */
static void
violation(const char *what, void (*act)(struct mock_agent *))
{
	struct mock_agent *bad = agent(0, "compute-7"),
			  *good = agent(1, "compute-9");
	struct want w = {good, "1/1/" RED, "10.1.1.77/32", 1};

	mock_agent_subscribe(good, RED, 5, false);
	act(bad);
	ck_assert_msg(run_until(is_down, bad, 3000), "%s: still up", what);
	mock_agent_publish_inet(
	    good, RED, "10.1.1.77/32", "192.168.0.12", 77, true);
	ck_assert_msg(run_until(has_route, &w, 3000), "%s: other agent", what);
	ck_assert(mock_agent_established(good));
}

static void
dup_subscribe(struct mock_agent *a)
{
	mock_agent_subscribe(a, RED, 3, false);
	mock_agent_subscribe(a, RED, 3, false);
}

static void
unsubscribed_route(struct mock_agent *a)
{
	mock_agent_publish_inet(a, RED, "10.1.1.9/32", "192.168.0.11", 9, true);
}

static void
unsub_without_sub(struct mock_agent *a)
{
	mock_agent_unsubscribe(a, RED);
}

static void
no_instance_id(struct mock_agent *a)
{
	raw(a,
	    "<iq type=\"set\" to=\"network-control@contrailsystems.com"
	    "/bgp-peer\"><pubsub xmlns=\"http://jabber.org/protocol/"
	    "pubsub\"><subscribe node=\"" RED "\"/></pubsub></iq>");
}

static void
doctype(struct mock_agent *a)
{
	raw(a, "<!DOCTYPE lol [<!ENTITY lol \"lol\">]><iq>&lol;</iq>");
}

static void
huge_stanza(struct mock_agent *a)
{
	static char buf[1u << 20];
	unsigned i;

	raw(a, "<iq type=\"set\"><pubsub>");
	memset(buf, 'x', sizeof(buf) - 1);
	for (i = 0; i < 10; i++)
		mock_agent_send_raw(a, buf, sizeof(buf) - 1);
}

static void
not_xml(struct mock_agent *a)
{
	raw(a, "<iq><message></iq>");
}

START_TEST(violation_dup_subscribe)
{
	violation("duplicate subscribe", dup_subscribe);
}
END_TEST

START_TEST(violation_unsubscribed_route)
{
	violation("route for an unsubscribed instance", unsubscribed_route);
}
END_TEST

START_TEST(violation_unsubscribe)
{
	violation("unsubscribe without subscribe", unsub_without_sub);
}
END_TEST

START_TEST(violation_no_instance_id)
{
	violation("subscribe without instance-id", no_instance_id);
}
END_TEST

START_TEST(violation_doctype)
{
	violation("DOCTYPE", doctype);
}
END_TEST

START_TEST(violation_10mb)
{
	violation("10 MB stanza", huge_stanza);
}
END_TEST

START_TEST(violation_not_xml)
{
	violation("mismatched tags", not_xml);
}
END_TEST

/* Bad items are dropped with a log line; the session stays. */
START_TEST(bad_items_dropped)
{
	struct mock_agent *a7 = agent(0, "compute-7");
	struct want w = {a7, "1/1/" RED, "10.1.1.8/32", 1};

	mock_agent_subscribe(a7, RED, 3, false);
	/* Label 0 in a virtual network. */
	mock_agent_publish_inet(
	    a7, RED, "10.1.1.6/32", "192.168.0.11", 0, true);
	/* An address that does not parse, an unknown element beside. */
	raw(a7,
	    "<iq type=\"set\" to=\"x/bgp-peer\"><pubsub><publish "
	    "node=\"1/1/" RED "/10.1.1.777/32\"><item><entry><nlri><af>1</af>"
	    "<safi>1</safi><address>10.1.1.777/32</address></nlri>"
	    "<next-hops><next-hop><af>1</af><address>192.168.0.11</address>"
	    "<label>5</label></next-hop></next-hops><frobnicate/></entry>"
	    "</item></publish></pubsub></iq><iq type=\"set\" "
	    "to=\"x/bgp-peer\"><pubsub><collection node=\"" RED "\">"
	    "<associate node=\"1/1/" RED "/10.1.1.777/32\"/></collection>"
	    "</pubsub></iq>");
	/* An unknown stanza is ignored. */
	raw(a7, "<presence/>");
	mock_agent_publish_inet(
	    a7, RED, "10.1.1.8/32", "192.168.0.11", 8, true);
	ck_assert(run_until(has_route, &w, 3000));
	ck_assert_ptr_null(path_of(RED, RT_INET, "10.1.1.6/32", "compute-7"));
	ck_assert(mock_agent_established(a7));
}
END_TEST

static bool
rtc_count_is(void *arg)
{
	struct rt_table *t =
	    ri_table(ri_mgr_master(cn_node_ri_mgr(node)), RT_RTARGET);
	const struct rt_entry *e;
	const struct rt_path *p;
	size_t n = 0;

	for (e = rt_table_first(t); e != NULL; e = rt_table_next(e))
		for (p = rt_entry_paths(e); p != NULL; p = p->next)
			if (p->src->type == RT_SRC_XMPP)
				n++;
	return n == *(size_t *)arg;
}

/* A subscription adds the instance's import targets as RT-constraint
 * routes of the agent; unsubscribe removes them. */
START_TEST(rtc_per_subscription)
{
	struct mock_agent *a7 = agent(0, "compute-7");
	size_t n, none = 0;

	/* Red imports its own target and the analyzer's (vm1 mirrors to
	 * the analyzer network: a connection). */
	ri_import_rts(ri_mgr_lookup(cn_node_ri_mgr(node), RED), &n);
	ck_assert_uint_eq(n, 2);
	ck_assert(rtc_count_is(&none));
	mock_agent_subscribe(a7, RED, 3, false);
	ck_assert(run_until(rtc_count_is, &n, 3000));
	mock_agent_unsubscribe(a7, RED);
	ck_assert(run_until(rtc_count_is, &none, 3000));
	ck_assert(mock_agent_established(a7));
}
END_TEST

/* Without graceful restart a lost agent's routes go at once. */
START_TEST(down_without_gr)
{
	struct mock_agent *a7, *a9;
	struct want w = {NULL, "1/1/" RED, "10.1.1.3/32", 1};

	both_in_red(&a7, &a9);
	w.a = a9;
	mock_agent_publish_inet(
	    a7, RED, "10.1.1.3/32", "192.168.0.11", 3, true);
	ck_assert(run_until(has_route, &w, 3000));
	mock_agent_stop(a7, agent_stopped, NULL);
	ck_assert(run_until(no_route, &w, 3000));
	ck_assert_ptr_null(path_of(RED, RT_INET, "10.1.1.3/32", "compute-7"));
	mock_agent_free(a7);
	ma[0] = NULL;
	nstopped = 0;
}
END_TEST

static bool
stale_path(void *arg)
{
	const struct rt_path *p = path_of(RED, RT_INET, "10.1.1.3/32", arg);

	return p != NULL && (p->flags & RT_PATH_STALE);
}

static bool
fresh_path(void *arg)
{
	const struct rt_path *p = path_of(RED, RT_INET, "10.1.1.3/32", arg);

	return p != NULL && !(p->flags & RT_PATH_STALE);
}

static bool
no_path(void *arg)
{
	return path_of(RED, RT_INET, "10.1.1.4/32", arg) == NULL;
}

/* With the XMPP helper: a lost agent's paths stay stale; it comes back,
 * renews one route, sends End-of-RIB, and the other is swept. */
START_TEST(graceful_restart_helper)
{
	struct mock_agent *a7, *a9;
	struct want w = {NULL, "1/1/" RED, "10.1.1.3/32", 1};

	both_in_red(&a7, &a9);
	w.a = a9;
	mock_agent_publish_inet(
	    a7, RED, "10.1.1.3/32", "192.168.0.11", 3, true);
	mock_agent_publish_inet(
	    a7, RED, "10.1.1.4/32", "192.168.0.11", 4, true);
	ck_assert(run_until(has_route, &w, 3000));
	mock_agent_stop(a7, agent_stopped, NULL);
	ck_assert(run_until(stale_path, c7, 3000));
	/* Still sent to the other agent meanwhile. */
	run_ms(200);
	ck_assert(has_route(&w));
	mock_agent_free(a7);
	ma[0] = NULL;
	nstopped = 0;
	a7 = agent(0, "compute-7");
	mock_agent_subscribe(a7, RED, 3, false);
	mock_agent_publish_inet(
	    a7, RED, "10.1.1.3/32", "192.168.0.11", 3, true);
	ck_assert(run_until(fresh_path, c7, 3000));
	ck_assert(!no_path(c7)); /* .4 still there, stale */
	mock_agent_eor(a7);
	ck_assert(run_until(no_path, c7, 3000));
	ck_assert(fresh_path(c7));
}
END_TEST

/* Same name from another address while connected: refused. */
START_TEST(same_name_other_address)
{
	struct mock_agent *a7 = agent(0, "compute-7");
	struct mock_agent_opts o;

	memset(&o, 0, sizeof(o));
	o.name = "compute-7";
	o.local_ip = "127.0.0.9";
	sockaddr_parse("127.0.0.1", cn_xmpp_port(xp), &o.server);
	ma[1] = mock_agent_new(&loop, &o);
	ck_assert_int_eq(mock_agent_start(ma[1]), 0);
	run_ms(500);
	ck_assert(!mock_agent_established(ma[1]));
	ck_assert(mock_agent_established(a7));
}
END_TEST

static bool
eoc(void *arg)
{
	return mock_agent_end_of_config(arg);
}

static bool
cfg_has_vn_blue(void *arg)
{
	return mock_agent_config_has(
	    arg, "virtual-network/default-domain:demo:blue");
}

static bool
cfg_lost_vmi(void *arg)
{
	return !mock_agent_config_has(arg, "virtual-machine-interface/vm1");
}

/* The config channel: what compute-9's router reaches, an update when
 * the config grows, a delete when an object goes. */
START_TEST(config_channel)
{
	struct mock_agent *a9 = agent(1, "compute-9");
	struct schema_errs errs;
	size_t created = 0, replaced = 0;
	const char *add = "<config><virtual-network name='default-domain:demo:"
			  "blue'><network-id>2</network-id></virtual-network>"
			  "<virtual-network name='default-domain:demo:"
			  "green'><network-id>3</network-id><subnets>"
			  "<subnet prefix='10.3.0.0/24'/></subnets>"
			  "</virtual-network>"
			  "<network-policy name='p1'><rules><rule>"
			  "<dst-addresses><address><virtual-network>"
			  "default-domain:demo:green</virtual-network>"
			  "</address></dst-addresses><action-list>"
			  "<simple-action>pass</simple-action>"
			  "</action-list></rule></rules></network-policy>"
			  "<virtual-machine-interface name='vm2'>"
			  "<virtual-network>default-domain:demo:blue"
			  "</virtual-network><virtual-router>compute-9"
			  "</virtual-router><network-policies>"
			  "<network-policy>p1</network-policy>"
			  "</network-policies></virtual-machine-interface>"
			  "</config>";
	const char *t;

	ck_assert_int_eq(mock_agent_config_subscribe(a9, "compute-9"), 0);
	ck_assert(run_until(eoc, a9, 3000));
	ck_assert(mock_agent_config_has(a9, "virtual-router/compute-9"));
	ck_assert(mock_agent_config_has(a9, "virtual-machine-interface/vm1"));
	ck_assert(mock_agent_config_has(
	    a9, "virtual-network/default-domain:demo:red"));
	ck_assert(mock_agent_config_has(a9, "routing-instance/" RED));
	/* vm1 mirrors to the analyzer: its resolution and network. */
	t = mock_agent_config_text(
	    a9, "mirror-resolution/interface-mirror:vm1");
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(strstr(t, "routing-instance=\"" ANALYZER "\""));
	ck_assert_ptr_nonnull(strstr(t, "mac=\"02:aa:00:00:00:99\""));
	ck_assert(mock_agent_config_has(a9, "routing-instance/" ANALYZER));
	/* Nothing of compute-7's. */
	ck_assert(!mock_agent_config_has(a9, "virtual-router/compute-7"));
	ck_assert(
	    !mock_agent_config_has(a9, "virtual-machine-interface/analyzer1"));
	ck_assert_int_eq(
	    cn_config_put(cn_node_config_store(node), "test", add, strlen(add),
		NULL, NULL, &created, &replaced, &errs),
	    0);
	ck_assert(run_until(cfg_has_vn_blue, a9, 3000));
	ck_assert(mock_agent_config_has(a9, "virtual-machine-interface/vm2"));
	/* vm2's policy names green: its subnets come too */
	ck_assert(mock_agent_config_has(a9, "network-policy/p1"));
	ck_assert(mock_agent_config_has(
	    a9, "virtual-network/default-domain:demo:green"));
	ck_assert_int_eq(cn_config_delete(cn_node_config_store(node), "test",
			     SCHEMA_VIRTUAL_MACHINE_INTERFACE, "vm1", &errs),
	    0);
	ck_assert(run_until(cfg_lost_vmi, a9, 3000));
}
END_TEST

/* Agent i, with a client certificate (crt NULL: no TLS at all). */
static struct mock_agent *
tls_agent(unsigned i, const char *name, const char *crt, const char *key)
{
	struct xmpp_tls_opts to = {crt, key, pki.ca1};
	struct mock_agent_opts o;
	char err[256], ip[16];

	snprintf(ip, sizeof(ip), "127.0.0.%u", 2 + i);
	memset(&o, 0, sizeof(o));
	o.name = name;
	o.local_ip = ip;
	o.keep_routes = true;
	if (crt != NULL) {
		o.tls = tls_ctx[i] = xmpp_tls_new(&to, false, err, sizeof(err));
		ck_assert_msg(o.tls != NULL, "%s", err);
	}
	sockaddr_parse("127.0.0.1", cn_xmpp_port(xp), &o.server);
	ma[i] = mock_agent_new(&loop, &o);
	ck_assert_int_eq(mock_agent_start(ma[i]), 0);
	return ma[i];
}

/* --xmpp-cert/-key/-ca: an agent with a certificate of the CA gets its
 * routes over TLS; one without TLS, or with another CA's certificate,
 * never gets a session, and does not disturb the first. */
START_TEST(tls_mutual)
{
	struct mock_agent *good =
	    tls_agent(0, "compute-7", pki.cli_crt, pki.cli_key);
	struct mock_agent *plain = tls_agent(1, "compute-9", NULL, NULL);
	struct mock_agent *bad =
	    tls_agent(2, "compute-8", pki.bad_crt, pki.bad_key);
	struct want w = {good, "1/1/" RED, "10.1.1.3/32", 1};

	ck_assert(run_until(is_up, good, 5000));
	mock_agent_subscribe(good, RED, 3, false);
	mock_agent_publish_inet(
	    good, RED, "10.1.1.3/32", "192.168.0.11", 3, true);
	ck_assert(run_until(has_route, &w, 3000));
	run_ms(500);
	ck_assert(!mock_agent_established(plain));
	ck_assert(!mock_agent_established(bad));
	ck_assert_uint_ge(mock_agent_closes(plain), 1);
	ck_assert_uint_ge(mock_agent_closes(bad), 1);
	ck_assert(mock_agent_established(good));
}
END_TEST

Suite *
cn_xmpp_suite(void)
{
	Suite *s = suite_create("cn_xmpp");
	TCase *tc = tcase_create("io");
	TCase *gr = tcase_create("gr");
	TCase *tls = tcase_create("tls");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, publish_appendix_a1);
	tcase_add_test(tc, mirror_destination_vrf);
	tcase_add_test(tc, ecmp_two_nexthops);
	tcase_add_test(tc, many_routes_batched);
	tcase_add_test(tc, pending_subscription);
	tcase_add_test(tc, violation_dup_subscribe);
	tcase_add_test(tc, violation_unsubscribed_route);
	tcase_add_test(tc, violation_unsubscribe);
	tcase_add_test(tc, violation_no_instance_id);
	tcase_add_test(tc, violation_doctype);
	tcase_add_test(tc, violation_10mb);
	tcase_add_test(tc, violation_not_xml);
	tcase_add_test(tc, bad_items_dropped);
	tcase_add_test(tc, rtc_per_subscription);
	tcase_add_test(tc, down_without_gr);
	tcase_add_test(tc, same_name_other_address);
	tcase_add_test(tc, config_channel);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(gr, setup_gr, teardown);
	tcase_set_timeout(gr, 30);
	tcase_add_test(gr, graceful_restart_helper);
	suite_add_tcase(s, gr);
	tcase_add_checked_fixture(tls, setup_tls, teardown);
	tcase_set_timeout(tls, 30);
	tcase_add_test(tls, tls_mutual);
	suite_add_tcase(s, tls);
	return s;
}
