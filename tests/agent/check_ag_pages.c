/*
 * check_ag_pages.c - the agent's introspect pages (agent-stub/ag_pages.c)
 * rendered as text and JSON.  An agent is built but never started: its
 * config is applied straight to the model (an interface, its VRF), and
 * a mirror entry with a tunnel nexthop and one with a discard nexthop go
 * into the datapath journal through the public programming API; the
 * vrouter is away, so counters are empty cells.
 */
#include "tests/agent/suites.h"

#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "agent-stub/ag.h"
#include "common/intro.h"

#define IQ_HEAD(op)                                                            \
	"<iq type=\"set\" from=\"network-control@contrailsystems.com\" "       \
	"to=\"compute-1/config\" id=\"config1\">\n<config>\n<" op ">\n"
#define IQ_TAIL(op) "</" op ">\n</config>\n</iq>\n"

static const char iq_cfg[] = IQ_HEAD(
    "update") "<routing-instance name=\"d:p:red:red\" "
	      "virtual-network=\"d:p:red\" index=\"3\" vn-index=\"5\" "
	      "vxlan-id=\"5005\" mirror-destination=\"false\"/>\n"
	      "<network-policy name=\"d:p:pol\"><rules>"
	      "<rule name=\"r1\"><direction>&gt;</direction>"
	      "<protocol>any</protocol>"
	      "<action-list><simple-action>pass</simple-action>"
	      "</action-list></rule></rules></network-policy>\n"
	      "<virtual-machine-interface name=\"vm1\">"
	      "<virtual-network>d:p:red</virtual-network>"
	      "<virtual-router>compute-1</virtual-router>"
	      "<mac-address>02:00:00:00:00:01</mac-address>"
	      "<ip-addresses><ip-address>10.1.0.3</ip-address></ip-addresses>"
	      "<tap-name>tapvm1</tap-name>"
	      "<network-policies><network-policy>d:p:pol</network-policy>"
	      "</network-policies>"
	      "</virtual-machine-interface>\n"
	      "<virtual-network name=\"d:p:red\"><network-id>5</network-id>"
	      "<vxlan-id>5005</vxlan-id></virtual-network>\n"
	      "<virtual-router name=\"compute-1\">"
	      "<ip-address>127.0.8.11</ip-address></virtual-router>\n" IQ_TAIL(
		  "update");
static const char iq_eoc[] = IQ_HEAD("end-of-config") IQ_TAIL("end-of-config");

static uv_loop_t loop;
static struct ag *ag;
static struct wbuf out;

static void
setup(void)
{
	struct ag_opts o;

	memset(&o, 0, sizeof(o));
	o.name = "compute-1";
	o.ncontrol = 2;
	ck_assert_int_eq(sockaddr_parse("127.0.8.1:5269", 0, &o.control[0]), 0);
	ck_assert_int_eq(sockaddr_parse("127.0.8.2:5269", 0, &o.control[1]), 0);
	o.dp_socket = "/nonexistent/vrouter.sock";
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	ag = ag_new(&loop, &o);
	ck_assert_ptr_nonnull(ag);
	ck_assert_int_eq(
	    ag_cfg_apply_text(ag_config(ag), iq_cfg, sizeof(iq_cfg) - 1), 0);
	ck_assert_int_eq(
	    ag_cfg_apply_text(ag_config(ag), iq_eoc, sizeof(iq_eoc) - 1), 0);
	wbuf_init_dyn(&out, 1 << 20);
}

static void
stopped(struct ag *a, void *arg)
{
	(void)a;
	*(bool *)arg = true;
}

static void
teardown(void)
{
	bool done = false;

	wbuf_fini(&out);
	ag_stop(ag, stopped, &done);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert(done);
	ag_free(ag);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
}

/* Renders pg in fmt into out (NUL-terminated), frees pg; the status. */
static int
render(struct page *pg, enum page_format fmt)
{
	const char *ctype;
	int st = page_status(pg);

	wbuf_reset(&out);
	ck_assert_int_eq(page_render(pg, fmt, &out, &ctype), 0);
	wbuf_put_u8(&out, 0);
	page_free(pg);
	return st;
}

static void
has(const char *s)
{
	if (strstr((const char *)out.data, s) == NULL)
		ck_abort_msg("'%s' not in:\n%s", s, (const char *)out.data);
}

START_TEST(sessions)
{
	struct page *pg = page_new("xmpp-sessions");

	ag_page_sessions(ag, pg);
	ck_assert_int_eq(render(pg, PAGE_TEXT), 200);
	has("virtual-router: compute-1");
	has("sessions-up: 0");
	has("mode: headless");
	has("127.0.8.1:5269  Idle");
	has("127.0.8.2:5269  Idle");
	pg = page_new("xmpp-sessions");
	ag_page_sessions(ag, pg);
	render(pg, PAGE_JSON);
	has("\"control-node\":\"127.0.8.1:5269\"");
	has("\"end-of-rib-received\":false");
}
END_TEST

START_TEST(vrfs)
{
	struct page *pg = page_new("vrfs");

	ag_page_vrfs(ag, pg);
	render(pg, PAGE_TEXT);
	has("d:p:red:red  1      d:p:red          5005  false   ");
	has("  vm1         0       interface\n");
	ck_assert_uint_ne(ag_ri_want(ag, "d:p:red:red", true), 0);
	pg = page_new("vrfs");
	ag_page_vrfs(ag, pg);
	render(pg, PAGE_JSON);
	has("\"subscribed-for\":[\"interface\",\"mirror\"]");
	ag_ri_want(ag, "d:p:red:red", false);
}
END_TEST

START_TEST(routes)
{
	struct page *pg = page_new("routes");

	ag_page_routes(ag, NULL, pg);
	ck_assert_int_eq(render(pg, PAGE_TEXT), 400);
	has("/routes?vrf=NAME");
	pg = page_new("routes");
	ag_page_routes(ag, "d:p:blue:blue", pg);
	ck_assert_int_eq(render(pg, PAGE_JSON), 404);
	has("no VRF d:p:blue:blue");
	pg = page_new("routes");
	ag_page_routes(ag, "d:p:red:red", pg);
	ck_assert_int_eq(render(pg, PAGE_TEXT), 200);
	has("vrf: d:p:red:red");
	has("routes: 0");
}
END_TEST

START_TEST(interfaces)
{
	struct page *pg = page_new("interfaces");

	ag_page_interfaces(ag, pg);
	render(pg, PAGE_TEXT);
	has("datapath: down");
	has("vm1   tapvm1  1    02:00:00:00:00:01  10.1.0.3  d:p:red:red");
	pg = page_new("interfaces");
	ag_page_interfaces(ag, pg);
	render(pg, PAGE_JSON);
	has("\"policy-rules\":1");
	has("\"rx-packets\":null");
	has("\"mirror\":\"-\"");
}
END_TEST

START_TEST(mirrors)
{
	struct ag_dp *dp = ag_datapath(ag);
	struct in_addr dip = {htonl(0x7f00080c)};
	struct dp_msg m;
	struct page *pg;
	uint32_t tnh, dnh;

	tnh = ag_dp_tunnel_ref(dp, dip, DP_TUN_MPLSOUDP, 20);
	ck_assert_uint_ne(tnh, 0);
	dnh = ag_dp_alloc(dp, AG_IDS_NH);
	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_NH;
	m.op = DP_MSG_ADD;
	m.u.nh.idx = dnh;
	m.u.nh.type = DP_NH_DISCARD;
	ag_dp_request(dp, &m);
	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_MIRROR;
	m.op = DP_MSG_ADD;
	m.u.mirror.idx = 0;
	m.u.mirror.nh = tnh;
	m.u.mirror.flags = DP_MIRROR_DYNAMIC;
	m.u.mirror.analyzer = "an1";
	ag_dp_request(dp, &m);
	m.u.mirror.idx = 1;
	m.u.mirror.nh = dnh;
	m.u.mirror.flags = DP_MIRROR_DYNAMIC | DP_MIRROR_JUNIPER_HDR;
	m.u.mirror.analyzer = "an2";
	ag_dp_request(dp, &m);

	pg = page_new("mirrors");
	ag_page_mirrors(ag, pg);
	render(pg, PAGE_TEXT);
	/* programmed without the resolver wanting them: shown as leaks */
	has("0      -    datapath  -       an1       no-header");
	has("mplsoudp to 127.0.8.12 label 20");
	has("1      -    datapath  -       an2       header");
	has("4: discard");
	has("programmed, not wanted by the mirror resolution");
	pg = page_new("mirrors");
	ag_page_mirrors(ag, pg);
	render(pg, PAGE_JSON);
	has("\"analyzer\":\"an1\"");
	has("\"copies\":null");
}
END_TEST

Suite *
ag_pages_suite(void)
{
	Suite *s = suite_create("ag_pages");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, sessions);
	tcase_add_test(tc, vrfs);
	tcase_add_test(tc, routes);
	tcase_add_test(tc, interfaces);
	tcase_add_test(tc, mirrors);
	suite_add_tcase(s, tc);
	return s;
}
