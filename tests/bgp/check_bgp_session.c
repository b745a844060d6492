/*
 * check_bgp_session.c - two control nodes in one process, each with its
 * speaker, peering over loopback TCP (127.0.0.1 and 127.0.0.2, iBGP by
 * auto-mesh).  Routes an agent would publish are put into one node's
 * instance tables; the test watches them arrive in the other's, through
 * bgp.l3vpn.0 and bgp.evpn.0 and back into the instance: RD, label,
 * targets, next hop.  Then withdraws, a session that drops (routes go, or
 * stay stale with graceful restart and are swept after End-of-RIB), and a
 * node that restarts while its peer keeps its routes.  Every wait is
 * bounded.
 */
#include "bgp/bgp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/bgp/suites.h"
#include "tests/testutil.h"

#define RED "default-domain:demo:red:red"

static uv_loop_t loop;
static struct cn_node *n1, *n2;
static struct cn_proto *b1, *b2;
static char cfgpath[64];
static struct rt_source *agent;
static uint16_t port;
static bool n1_stopped;

static void
on_stopped(struct cn_node *n)
{
	if (n == n1)
		n1_stopped = true;
}

static const char config_fmt[] =
    "<config>"
    "<global-system-config><autonomous-system>64512</autonomous-system>"
    "%s</global-system-config>"
    "<bgp-router name='cn1'><router-type>control-node</router-type>"
    "<address>127.0.0.1</address><port>%u</port><hold-time>9</hold-time>"
    "%s</bgp-router>"
    "<bgp-router name='cn2'><router-type>control-node</router-type>"
    "<address>127.0.0.2</address><port>%u</port><hold-time>9</hold-time>"
    "%s</bgp-router>"
    "<virtual-network name='default-domain:demo:red'><network-id>1"
    "</network-id><route-target-list><route-target>target:64512:101"
    "</route-target></route-target-list></virtual-network>"
    "</config>";

static const char gr_on[] =
    "<graceful-restart-parameters><enable>true</enable>"
    "<restart-time>30</restart-time><long-lived-restart-time>0"
    "</long-lived-restart-time><end-of-rib-timeout>20</end-of-rib-timeout>"
    "<bgp-helper-enable>true</bgp-helper-enable>"
    "</graceful-restart-parameters>";

static struct cn_node *
node_new(const char *name, struct cn_proto **bp)
{
	struct cn_options opts;
	struct cn_node *n;

	memset(&opts, 0, sizeof(opts));
	opts.config_path = cfgpath;
	opts.name = name;
	sockaddr_parse("127.0.0.1:0", 0, &opts.http_addr);
	n = cn_node_new(&loop, &opts);
	*bp = bgp_attach(n);
	return n;
}

/* Two nodes; gr goes into the global config, x1/x2 into cn1's and
 * cn2's bgp-router. */
static void
start3(const char *gr, const char *x1, const char *x2)
{
	char text[4096];

	log_init("check_bgp", LOG_LEVEL_ERR);
	ck_assert_int_eq(schema_init(), 0);
	/* Both nodes bind their own address on one port picked per run. */
	port = (uint16_t)(20000 + getpid() % 20000);
	snprintf(text, sizeof(text), config_fmt, gr, port, x1, port, x2);
	test_tmpfile("bgp-cfg", cfgpath, sizeof(cfgpath));
	test_write_file(cfgpath, text);
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	n1 = node_new("cn1", &b1);
	n2 = node_new("cn2", &b2);
	n1_stopped = false;
	ck_assert_int_eq(cn_node_start(n1), 0);
	ck_assert_int_eq(cn_node_start(n2), 0);
	agent = rt_source_new(RT_SRC_XMPP, "compute1");
}

static void
setup(void)
{
	start3("", "", "");
}

static void
setup_gr(void)
{
	start3(gr_on, "", "");
}

static void
setup_llgr(void)
{
	start3("<graceful-restart-parameters><enable>true</enable>"
	       "<restart-time>1</restart-time><long-lived-restart-time>30"
	       "</long-lived-restart-time><bgp-helper-enable>true"
	       "</bgp-helper-enable></graceful-restart-parameters>",
	    "", "");
}

static void
setup_md5(void)
{
	start3(
	    "", "<auth-key>s3cret</auth-key>", "<auth-key>s3cret</auth-key>");
}

static void
setup_md5_differ(void)
{
	start3("", "<auth-key>s3cret</auth-key>", "<auth-key>other</auth-key>");
}

static void
stop_node(struct cn_node **n)
{
	if (*n == NULL)
		return;
	cn_node_stop(*n, on_stopped);
}

static void
teardown(void)
{
	stop_node(&n1);
	stop_node(&n2);
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	if (n1 != NULL)
		cn_node_free(n1);
	if (n2 != NULL)
		cn_node_free(n2);
	n1 = n2 = NULL;
	ck_assert_int_eq(uvx_loop_close_all(&loop), 0);
	rt_source_unref(agent);
	unlink(cfgpath);
	schema_fini();
}

/* Runs the loop until cond() or ms pass; returns cond(). */
static bool
run_until(bool (*cond)(void), unsigned ms)
{
	uint64_t end;

	uv_update_time(&loop);
	end = uv_now(&loop) + ms;
	while (!cond() && uv_now(&loop) < end)
		uv_run(&loop, UV_RUN_NOWAIT), usleep(1000),
		    uv_update_time(&loop);
	return cond();
}

/* What node 1 (n 1) or node 2 shows of its peer. */
static struct bgp_neighbor
nbr(int n)
{
	struct bgp_neighbor x;

	ck_assert_int_eq(
	    bgp_neighbor_get(n == 1 ? b1 : b2, n == 1 ? "cn2" : "cn1", &x), 0);
	return x;
}

/* Both sessions up and both initial feeds sent. */
static bool
both_up(void)
{
	return nbr(1).established && nbr(2).established && nbr(1).eor_sent &&
	    nbr(2).eor_sent;
}

static struct rt_table *
red(struct cn_node *n, enum rt_family f)
{
	return ri_table(ri_mgr_lookup(cn_node_ri_mgr(n), RED), f);
}

static void
publish_comm(const char *prefix, const char *nh, uint32_t label, uint32_t comm)
{
	struct attr a, *ia;
	struct rt_key k;

	memset(&a, 0, sizeof(a));
	ipaddr_parse(nh, &a.nexthop);
	if (comm != 0) {
		a.comm = &comm;
		a.ncomm = 1;
	}
	ck_assert_int_eq(rt_key_parse(RT_INET, prefix, &k), 0);
	ia = attr_intern(&a);
	ck_assert_int_eq(
	    rt_update(red(n1, RT_INET), &k, agent, ia, label, 0), 0);
	attr_unref(ia);
}

static void
publish(const char *prefix, const char *nh, uint32_t label)
{
	publish_comm(prefix, nh, label, 0);
}

/* The path of prefix in n2's red.inet.0, or NULL. */
static const struct rt_path *
at_n2(const char *prefix)
{
	const struct rt_entry *e;
	struct rt_key k;

	ck_assert_int_eq(rt_key_parse(RT_INET, prefix, &k), 0);
	e = rt_lookup(red(n2, RT_INET), &k);
	return e != NULL ? rt_entry_paths(e) : NULL;
}

static bool
has_3(void)
{
	return at_n2("10.1.1.3/32") != NULL;
}

static bool
gone_3(void)
{
	return at_n2("10.1.1.3/32") == NULL;
}

static bool
has_both(void)
{
	return at_n2("10.1.1.3/32") != NULL && at_n2("10.1.1.4/32") != NULL;
}

START_TEST(routes_flow)
{
	const struct rt_path *p;
	const struct rt_entry *e;
	const struct rt_table *vpn;
	struct rt_key k;
	char buf[RT_KEY_STRLEN];
	struct ipaddr nh;

	ck_assert_msg(run_until(both_up, 5000), "sessions did not come up");
	publish("10.1.1.3/32", "127.0.0.11", 17);
	publish("10.1.1.4/32", "127.0.0.11", 18);
	ck_assert_msg(run_until(has_both, 5000), "routes did not arrive");
	p = at_n2("10.1.1.3/32");
	/* A copy of cn1's path, through bgp.l3vpn.0: label, next hop, the
	 * network's target. */
	ck_assert(p->flags & RT_PATH_SECONDARY);
	ck_assert_uint_eq(p->label, 17);
	ck_assert_str_eq(p->src->name, "cn1");
	ipaddr_parse("127.0.0.11", &nh);
	ck_assert_int_eq(ipaddr_cmp(&p->attr->nexthop, &nh), 0);
	ck_assert(attr_has_ecomm(p->attr, 0x0002fc0000000065ull));
	/* In cn2's bgp.l3vpn.0 under cn1's RD (router id : instance id). */
	vpn = ri_table(ri_mgr_master(cn_node_ri_mgr(n2)), RT_L3VPN);
	ck_assert_int_eq(
	    rt_key_parse(RT_L3VPN, "127.0.0.1:1:10.1.1.3/32", &k), 0);
	e = rt_lookup(vpn, &k);
	ck_assert_msg(e != NULL && rt_entry_paths(e) != NULL, "no %s",
	    rt_key_print(&k, buf, sizeof(buf)));
	ck_assert_uint_eq(rt_entry_paths(e)->attr->local_pref, 100);
	/* A withdraw follows. */
	ck_assert_int_eq(rt_key_parse(RT_INET, "10.1.1.3/32", &k), 0);
	ck_assert_int_eq(rt_withdraw(red(n1, RT_INET), &k, agent), 0);
	ck_assert_msg(run_until(gone_3, 5000), "withdraw did not arrive");
	ck_assert_ptr_nonnull(at_n2("10.1.1.4/32"));
	/* The other inet-vpn route and cn1's route-target membership. */
	ck_assert_uint_eq(nbr(2).prefixes_in, 2);
}
END_TEST

/* EVPN type 2 with a VXLAN VNI: the label field is the VNI as is. */
START_TEST(evpn_flows)
{
	struct attr a, *ia;
	struct rt_key k;
	const struct rt_entry *e;
	const struct rt_path *p;
	uint64_t ecomm[1] = {0};

	ck_assert_msg(run_until(both_up, 5000), "sessions did not come up");
	memset(&a, 0, sizeof(a));
	ipaddr_parse("127.0.0.11", &a.nexthop);
	ecomm[0] = ecomm_encap(ECOMM_ENCAP_VXLAN);
	a.ecomm = ecomm;
	a.necomm = 1;
	ia = attr_intern(&a);
	ck_assert_int_eq(
	    rt_key_parse(RT_EVPN, "2-0:0-0-02:00:00:00:01:03,10.1.1.3", &k), 0);
	ck_assert_int_eq(
	    rt_update(red(n1, RT_EVPN), &k, agent, ia, 5001, 0), 0);
	attr_unref(ia);
	for (int i = 0; i < 500; i++) {
		uv_run(&loop, UV_RUN_NOWAIT);
		usleep(1000);
		e = rt_lookup(red(n2, RT_EVPN), &k);
		if (e != NULL && rt_entry_paths(e) != NULL)
			break;
	}
	e = rt_lookup(red(n2, RT_EVPN), &k);
	ck_assert_msg(e != NULL && rt_entry_paths(e) != NULL,
	    "EVPN route did not arrive");
	p = rt_entry_paths(e);
	ck_assert_uint_eq(p->label, 5001);
	ck_assert(attr_has_ecomm(p->attr, ecomm_encap(ECOMM_ENCAP_VXLAN)));
}
END_TEST

static bool
n2_peer_down(void)
{
	return !nbr(2).established;
}

/* Without graceful restart a peer's routes go with its session. */
START_TEST(down_withdraws)
{
	ck_assert_msg(run_until(both_up, 5000), "sessions did not come up");
	publish("10.1.1.3/32", "127.0.0.11", 17);
	ck_assert(run_until(has_3, 5000));
	stop_node(&n1);
	ck_assert(run_until(n2_peer_down, 5000));
	ck_assert_ptr_null(at_n2("10.1.1.3/32"));
	ck_assert_str_eq(
	    nbr(2).last_error, "received Cease/administrative shutdown");
	ck_assert_uint_eq(nbr(2).prefixes_in, 0);
}
END_TEST

static bool
stale_3(void)
{
	const struct rt_path *p = at_n2("10.1.1.3/32");

	return p != NULL && (p->flags & RT_PATH_STALE);
}

static bool
fresh_3(void)
{
	const struct rt_path *p = at_n2("10.1.1.3/32");

	return p != NULL && !(p->flags & RT_PATH_STALE) && both_up() &&
	    nbr(2).gr_state[0] == '\0';
}

/*
 * Graceful restart, helper role (RFC 8538: the N bit makes a Cease other
 * than a hard reset graceful): cn1 resets the session; cn2 keeps cn1's
 * routes stale, cn1 comes back and sends them again, and its End-of-RIB
 * sweeps the route it no longer has.
 */
START_TEST(gr_helper)
{
	struct rt_key k;

	ck_assert_msg(run_until(both_up, 5000), "sessions did not come up");
	ck_assert(!bgp_deferring(b1));
	publish("10.1.1.3/32", "127.0.0.11", 17);
	publish("10.1.1.4/32", "127.0.0.11", 18);
	ck_assert(run_until(has_both, 5000));
	ck_assert_int_eq(bgp_neighbor_reset(b1, "cn2", false), 0);
	ck_assert(run_until(n2_peer_down, 5000));
	ck_assert(stale_3());
	ck_assert_str_eq(nbr(2).gr_state, "restarting (routes stale)");
	ck_assert_int_eq(rt_key_parse(RT_INET, "10.1.1.4/32", &k), 0);
	ck_assert_int_eq(rt_withdraw(red(n1, RT_INET), &k, agent), 0);
	/* cn1 reconnects after a second: fresh again, and the route it no
	 * longer has is swept at its End-of-RIB. */
	ck_assert_msg(run_until(fresh_3, 8000), "routes not refreshed");
	ck_assert_ptr_null(at_n2("10.1.1.4/32"));
	ck_assert_uint_eq(nbr(2).flaps, 1);
	ck_assert_int_eq(bgp_neighbor_reset(b1, "nobody", false), -ENOENT);
}
END_TEST

/* A hard reset (RFC 8538) is never graceful: the routes go at once. */
START_TEST(hard_reset)
{
	ck_assert_msg(run_until(both_up, 5000), "sessions did not come up");
	publish("10.1.1.3/32", "127.0.0.11", 17);
	ck_assert(run_until(has_3, 5000));
	ck_assert_int_eq(bgp_neighbor_reset(b1, "cn2", true), 0);
	ck_assert(run_until(n2_peer_down, 5000));
	ck_assert_ptr_null(at_n2("10.1.1.3/32"));
	ck_assert_str_eq(nbr(2).last_error, "received Cease/hard reset");
	ck_assert_msg(run_until(fresh_3, 8000), "routes did not come back");
}
END_TEST

static bool
llgr_3(void)
{
	const struct rt_path *p = at_n2("10.1.1.3/32");

	return p != NULL && (p->flags & RT_PATH_LLGR_STALE);
}

/*
 * Long-lived graceful restart (RFC 9494): cn1 stops; after its restart
 * time (1 s) its routes at cn2 become long-lived stale, except the one
 * marked NO_LLGR, which goes.
 */
START_TEST(llgr)
{
	ck_assert_msg(run_until(both_up, 5000), "sessions did not come up");
	publish("10.1.1.3/32", "127.0.0.11", 17);
	publish_comm("10.1.1.4/32", "127.0.0.11", 18, 0xffff0007u);
	ck_assert(run_until(has_both, 5000));
	stop_node(&n1);
	ck_assert(run_until(n2_peer_down, 5000));
	ck_assert(stale_3());
	ck_assert_msg(run_until(llgr_3, 5000), "no long-lived stale route");
	ck_assert_str_eq(nbr(2).gr_state, "long-lived stale");
	ck_assert_ptr_null(at_n2("10.1.1.4/32"));
}
END_TEST

static bool
n1_is_stopped(void)
{
	return n1_stopped;
}

/*
 * Restarting role: cn1 stops (Cease with the N bit: cn2 keeps its routes,
 * RFC 8538) and a new cn1 starts; it defers its exports until cn2's
 * End-of-RIB, then sends its routes again; at no point does cn2 lose
 * them.
 */
START_TEST(gr_restart)
{
	ck_assert_msg(run_until(both_up, 5000), "sessions did not come up");
	publish("10.1.1.3/32", "127.0.0.11", 17);
	ck_assert(run_until(has_3, 5000));
	stop_node(&n1);
	ck_assert(run_until(n2_peer_down, 5000));
	ck_assert(stale_3());
	ck_assert(run_until(n1_is_stopped, 5000));
	cn_node_free(n1);
	n1 = node_new("cn1", &b1);
	ck_assert_int_eq(cn_node_start(n1), 0);
	ck_assert(bgp_deferring(b1));
	publish("10.1.1.3/32", "127.0.0.11", 17);
	ck_assert_msg(run_until(fresh_3, 8000), "routes not refreshed");
	ck_assert(!bgp_deferring(b1));
	ck_assert_uint_eq(at_n2("10.1.1.3/32")->label, 17);
}
END_TEST

/*
 * A misbehaving peer, played by the test on 127.0.0.2: it answers cn1's
 * OPEN, then sends an UPDATE whose withdrawn-routes length runs past the
 * message (RFC 7606: a session reset).  cn1 must reset with the right
 * NOTIFICATION and come back with a growing wait (bad-inputs U12), not
 * every second.
 */
static const char fault_config_fmt[] =
    "<config><global-system-config>%s</global-system-config>"
    "<bgp-router name='cn1'><router-type>control-node</router-type>"
    "<address>127.0.0.1</address><port>%u</port>%s</bgp-router>"
    "<bgp-router name='bad'><router-type>router</router-type>"
    "<address>127.0.0.2</address><port>%u</port>%s"
    "<peers><peer name='cn1'/></peers></bgp-router>"
    "</config>";
static const char *fault_extra = "", *fault_global = "", *fault_cn1 = "";

struct fake {
	uv_tcp_t tcp;
	uv_connect_t req;
	uint8_t buf[8192];
	size_t len;
	bool sent_open, opened;
};
static uv_tcp_t fake_server;
static unsigned fake_accepts, fake_notifications;
static uint8_t fake_notif_code;
/* The deaf peer: after the OPEN exchange it reads nothing more and only
 * sends KEEPALIVEs (so cn1's hold timer stays quiet). */
static bool fake_deaf;
static struct fake *fake_last;
static uv_timer_t fake_ka;
/* The restarting peer: it offers graceful restart and stays quiet; the
 * test opens a second session from it while the first looks alive. */
static bool fake_gr;
/* A peer that sends no bad UPDATE (the GR and passive tests). */
static bool fake_quiet;
static unsigned fake_eofs;

static void
fake_open(struct wbuf *w, bool restarted)
{
	struct bgp_open o;

	bt_open(&o, 64512, 0x7f000002, BGP_AF_BIT(BGP_AF_INET_VPN));
	if (fake_deaf)
		o.hold_time = 3;
	if (fake_gr) {
		o.gr.present = true;
		o.gr.restarted = restarted;
		o.gr.restart_time = 60;
		o.gr.afs = o.gr.forwarding = o.afs;
	}
	bgp_msg_encode_open(&o, w);
}

static void
fake_send(struct fake *f, const uint8_t *data, size_t len)
{
	uv_buf_t b = uv_buf_init((char *)(uintptr_t)data, (unsigned)len);

	uv_try_write((uv_stream_t *)&f->tcp, &b, 1);
}

static void
fake_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct fake *f = h->data;

	(void)hint;
	buf->base = (char *)f->buf + f->len;
	buf->len = sizeof(f->buf) - f->len;
}

static void
fake_closed(uv_handle_t *h)
{
	free(h->data);
}

/* Answers OPEN with OPEN + KEEPALIVE, KEEPALIVE with the bad UPDATE. */
static void
fake_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
	static const uint8_t bad_update[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 23,
	    BGP_MSG_UPDATE, 0, 9, 0, 0};
	struct fake *f = st->data;
	uint8_t mem[BGP_MAX_LEN];
	struct bgp_err err;
	struct wbuf w;
	size_t mlen;
	uint8_t type;

	(void)buf;
	if (n < 0) {
		fake_eofs++;
		if (!uv_is_closing((uv_handle_t *)st))
			uv_close((uv_handle_t *)st, fake_closed);
		return;
	}
	f->len += (size_t)n;
	while (bgp_frame_check(
		   f->buf, f->len, BGP_MAX_LEN, &mlen, &type, &err) == 1) {
		wbuf_init(&w, mem, sizeof(mem));
		if (type == BGP_MSG_OPEN && !f->opened) {
			if (!f->sent_open)
				fake_open(&w, false);
			bgp_msg_encode_keepalive(&w);
			fake_send(f, w.data, w.len);
			f->opened = f->sent_open = true;
			if (fake_deaf) {
				uv_read_stop(st);
				fake_last = f;
				return;
			}
		} else if (type == BGP_MSG_KEEPALIVE && f->opened &&
		    !fake_quiet) {
			fake_send(f, bad_update, sizeof(bad_update));
		} else if (type == BGP_MSG_NOTIFICATION) {
			fake_notifications++;
			fake_notif_code = f->buf[BGP_HDR_LEN];
		}
		memmove(f->buf, f->buf + mlen, f->len - mlen);
		f->len -= mlen;
	}
}

static void
fake_accept(uv_stream_t *server, int status)
{
	struct fake *f;

	if (status != 0)
		return;
	f = xcalloc(1, sizeof(*f));
	uv_tcp_init(&loop, &f->tcp);
	f->tcp.data = f;
	if (uv_accept(server, (uv_stream_t *)&f->tcp) != 0) {
		uv_close((uv_handle_t *)&f->tcp, fake_closed);
		return;
	}
	fake_accepts++;
	uv_read_start((uv_stream_t *)&f->tcp, fake_alloc, fake_read);
}

static void
setup_fault(void)
{
	struct sockaddr_storage ss;
	char text[2048];

	log_init("check_bgp", LOG_LEVEL_ERR);
	ck_assert_int_eq(schema_init(), 0);
	port = (uint16_t)(20000 + getpid() % 20000);
	snprintf(text, sizeof(text), fault_config_fmt, fault_global, port,
	    fault_cn1, port, fault_extra);
	test_tmpfile("bgp-cfg", cfgpath, sizeof(cfgpath));
	test_write_file(cfgpath, text);
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	fake_accepts = fake_notifications = 0;
	uv_tcp_init(&loop, &fake_server);
	snprintf(text, sizeof(text), "127.0.0.2:%u", port);
	sockaddr_parse(text, 0, &ss);
	ck_assert_int_eq(
	    uv_tcp_bind(&fake_server, (struct sockaddr *)&ss, 0), 0);
	ck_assert_int_eq(
	    uv_listen((uv_stream_t *)&fake_server, 8, fake_accept), 0);
	n1 = node_new("cn1", &b1);
	n2 = NULL;
	ck_assert_int_eq(cn_node_start(n1), 0);
	agent = rt_source_new(RT_SRC_XMPP, "compute1");
}

static void
teardown_fault(void)
{
	uv_close((uv_handle_t *)&fake_server, NULL);
	if (fake_deaf)
		uv_close((uv_handle_t *)&fake_ka, NULL);
	fake_deaf = false;
	fake_last = NULL;
	fault_extra = fault_global = fault_cn1 = "";
	fake_gr = fake_quiet = false;
	teardown();
}

static void
fake_keepalive(uv_timer_t *h)
{
	static const uint8_t ka[BGP_HDR_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0,
	    BGP_HDR_LEN, BGP_MSG_KEEPALIVE};

	(void)h;
	if (fake_last != NULL && !uv_is_closing((uv_handle_t *)&fake_last->tcp))
		fake_send(fake_last, ka, sizeof(ka));
}

static void
setup_deaf(void)
{
	int small = 4096;
	uv_os_fd_t fd;

	fake_deaf = true;
	setup_fault();
	/* A small receive window, inherited by the accepted socket. */
	ck_assert_int_eq(uv_fileno((uv_handle_t *)&fake_server, &fd), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	uv_timer_init(&loop, &fake_ka);
	uv_timer_start(&fake_ka, fake_keepalive, 1000, 1000);
}

static bool
never(void)
{
	return false;
}

START_TEST(malformed_update_backs_off)
{
	struct bgp_neighbor x;

	/* 7 s: without back-off cn1 would connect about 7 times; with it,
	 * at 0, 2 and 6 s. */
	run_until(never, 7000);
	ck_assert_uint_ge(fake_accepts, 2);
	ck_assert_uint_le(fake_accepts, 4);
	ck_assert_uint_ge(fake_notifications, 2);
	ck_assert_uint_eq(fake_notif_code, BGP_ERR_UPDATE);
	ck_assert_int_eq(bgp_neighbor_get(b1, "bad", &x), 0);
	ck_assert_msg(strstr(x.last_error,
			  "sent UPDATE message error/malformed attribute "
			  "list") == x.last_error,
	    "%s", x.last_error);
	ck_assert_uint_ge(x.flaps, 2);
}
END_TEST

static void
fake_connected(uv_connect_t *req, int status)
{
	struct fake *f = req->data;
	uint8_t mem[BGP_MAX_LEN];
	struct wbuf w;

	ck_assert_int_eq(status, 0);
	wbuf_init(&w, mem, sizeof(mem));
	fake_open(&w, true);
	fake_send(f, w.data, w.len);
	f->sent_open = true;
	uv_read_start((uv_stream_t *)&f->tcp, fake_alloc, fake_read);
}

/* A second session from the fake peer, to cn1 (from 127.0.0.2). */
static void
fake_connect(void)
{
	struct sockaddr_storage from, to;
	struct fake *f = xcalloc(1, sizeof(*f));
	char text[64];

	sockaddr_parse("127.0.0.2:0", 0, &from);
	snprintf(text, sizeof(text), "127.0.0.1:%u", port);
	sockaddr_parse(text, 0, &to);
	uv_tcp_init(&loop, &f->tcp);
	f->tcp.data = f;
	f->req.data = f;
	ck_assert_int_eq(uv_tcp_bind(&f->tcp, (struct sockaddr *)&from, 0), 0);
	ck_assert_int_eq(uv_tcp_connect(&f->req, &f->tcp,
			     (struct sockaddr *)&to, fake_connected),
	    0);
}

static void
setup_gr_fault(void)
{
	fake_gr = fake_quiet = true;
	fault_global = "<graceful-restart-parameters><enable>true</enable>"
		       "<bgp-helper-enable>true</bgp-helper-enable>"
		       "</graceful-restart-parameters>";
	setup_fault();
}

static bool
fake_old_closed(void)
{
	return fake_eofs >= 1;
}

static bool
bad_up(void)
{
	struct bgp_neighbor x;

	return bgp_neighbor_get(b1, "bad", &x) == 0 && x.established;
}

static bool
bad_flapped_up(void)
{
	struct bgp_neighbor x;

	return bgp_neighbor_get(b1, "bad", &x) == 0 && x.established &&
	    x.flaps == 1;
}

/*
 * RFC 4724 4.2: a peer that restarted while its old TCP connection still
 * looks alive opens a new one with the graceful restart capability.
 * The new session replaces the old, which ends as if the connection had
 * dropped (no NOTIFICATION; the peer's routes would stay stale), instead
 * of the new one being refused as a collision until the hold timer
 * ends the old.
 */
START_TEST(gr_new_connection)
{
	ck_assert_msg(run_until(bad_up, 5000), "no session with the peer");
	fake_eofs = 0;
	fake_connect();
	ck_assert_msg(run_until(bad_flapped_up, 5000), "not replaced");
	ck_assert_uint_eq(fake_notifications, 0);
	ck_assert(run_until(fake_old_closed, 2000));
}
END_TEST

static void
setup_passive(void)
{
	fake_quiet = true;
	fault_cn1 = "<peers><peer name='bad'><passive>true</passive></peer>"
		    "</peers>";
	setup_fault();
}

/* A passive peering: cn1 never connects, and accepts the peer's. */
START_TEST(passive_peer)
{
	run_until(never, 2500);
	ck_assert_uint_eq(fake_accepts, 0);
	ck_assert(!bad_up());
	fake_connect();
	ck_assert_msg(run_until(bad_up, 5000), "the peer's session failed");
	ck_assert_uint_eq(fake_accepts, 0);
}
END_TEST

static void
setup_md5_fault(void)
{
	fault_extra = "<auth-key>s3cret</auth-key>";
	setup_fault();
}

/*
 * TCP MD5 (RFC 2385) is enforced: with a key for the peer, cn1's SYNs
 * are signed, and a peer without the key never sees a connection (the
 * malformed_update test is the same peer without a key: it does).
 */
START_TEST(md5_unsigned_peer)
{
	struct bgp_neighbor x;

	run_until(never, 2500);
	ck_assert_uint_eq(fake_accepts, 0);
	ck_assert_int_eq(bgp_neighbor_get(b1, "bad", &x), 0);
	ck_assert(!x.established);
}
END_TEST

/* With the same key on both ends the session comes up. */
START_TEST(md5_same_key)
{
	ck_assert_msg(run_until(both_up, 5000), "no session with TCP MD5");
}
END_TEST

/* Two different keys are a configuration error, shown, not a retry loop. */
START_TEST(md5_keys_differ)
{
	run_until(never, 500);
	ck_assert_str_eq(nbr(1).state, "Idle (config error)");
	ck_assert_str_eq(nbr(1).last_error, "auth-key of cn1 and cn2 differ");
	ck_assert_str_eq(nbr(2).last_error, "auth-key of cn2 and cn1 differ");
	ck_assert(!nbr(1).established);
}
END_TEST

static bool
bad_is_down(void)
{
	struct bgp_neighbor x;

	return bgp_neighbor_get(b1, "bad", &x) == 0 && x.flaps > 0;
}

/*
 * RFC 9687: a peer that keeps its session alive but stops reading.  cn1
 * has 300000 inet-vpn routes for it, more than the socket buffers hold;
 * once nothing moves for the send hold time (max(8 s, 2 x hold)) it
 * resets the session with error 8, instead of queueing without end.
 */
START_TEST(send_hold_timer)
{
	struct rt_table *vpn =
	    ri_table(ri_mgr_master(cn_node_ri_mgr(n1)), RT_L3VPN);
	struct bgp_neighbor x;
	struct attr a, *ia;
	uint64_t rt[1];
	struct rt_key k;
	char key[64];
	unsigned i;

	memset(&a, 0, sizeof(a));
	ipaddr_parse("127.0.0.11", &a.nexthop);
	rtarget_parse("target:64512:7", &rt[0]);
	a.ecomm = rt;
	a.necomm = 1;
	ia = attr_intern(&a);
	for (i = 0; i < 300000; i++) {
		snprintf(key, sizeof(key), "64512:7:10.%u.%u.%u/32", i >> 16,
		    (i >> 8) & 0xff, i & 0xff);
		ck_assert_int_eq(rt_key_parse(RT_L3VPN, key, &k), 0);
		ck_assert_int_eq(rt_update(vpn, &k, agent, ia, 16, 0), 0);
	}
	attr_unref(ia);
	ck_assert_msg(run_until(bad_is_down, 25000), "no send hold reset");
	ck_assert_int_eq(bgp_neighbor_get(b1, "bad", &x), 0);
	ck_assert_msg(strstr(x.last_error, "Send hold timer expired") != NULL,
	    "%s", x.last_error);
}
END_TEST

Suite *
bgp_session_suite(void)
{
	Suite *s = suite_create("bgp_session");
	TCase *tc = tcase_create("session");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, routes_flow);
	tcase_add_test(tc, evpn_flows);
	tcase_add_test(tc, down_withdraws);
	suite_add_tcase(s, tc);

	tc = tcase_create("graceful-restart");
	tcase_add_checked_fixture(tc, setup_gr, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, gr_helper);
	tcase_add_test(tc, hard_reset);
	tcase_add_test(tc, gr_restart);
	suite_add_tcase(s, tc);

	tc = tcase_create("faults");
	tcase_add_checked_fixture(tc, setup_fault, teardown_fault);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, malformed_update_backs_off);
	suite_add_tcase(s, tc);

	tc = tcase_create("llgr");
	tcase_add_checked_fixture(tc, setup_llgr, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, llgr);
	suite_add_tcase(s, tc);

	tc = tcase_create("gr-new-connection");
	tcase_add_checked_fixture(tc, setup_gr_fault, teardown_fault);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, gr_new_connection);
	suite_add_tcase(s, tc);

	tc = tcase_create("passive");
	tcase_add_checked_fixture(tc, setup_passive, teardown_fault);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, passive_peer);
	suite_add_tcase(s, tc);

	tc = tcase_create("md5");
	tcase_add_checked_fixture(tc, setup_md5, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, md5_same_key);
	suite_add_tcase(s, tc);
	tc = tcase_create("md5-differ");
	tcase_add_checked_fixture(tc, setup_md5_differ, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, md5_keys_differ);
	suite_add_tcase(s, tc);
	tc = tcase_create("md5-enforced");
	tcase_add_checked_fixture(tc, setup_md5_fault, teardown_fault);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, md5_unsigned_peer);
	suite_add_tcase(s, tc);

	tc = tcase_create("deaf-peer");
	tcase_add_checked_fixture(tc, setup_deaf, teardown_fault);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, send_hold_timer);
	suite_add_tcase(s, tc);
	return s;
}
