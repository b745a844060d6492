/*
 * check_dp_text.c - the text form of requests (dp_text.c): good lines of
 * every object give the fields meant and survive the codec; blank and
 * comment lines are skipped; each bad field is named in the error.
 */
#include "tests/datapath/suites.h"

#include <errno.h>
#include <string.h>

/* Parses line (must succeed), then encodes and decodes it again. */
static void
tx_parse(const char *line, struct dp_msg *m)
{
	static uint8_t buf[DP_MSG_HLEN + DP_MSG_MAX];
	static struct dp_msg d;
	char err[DP_TEXT_ERR_MAX] = "";
	struct dp_msg_err derr;
	struct wbuf w;

	DT_ASSERT(
	    dp_text_parse(line, m, err, sizeof(err)) == 0, "%s: %s", line, err);
	wbuf_init(&w, buf, sizeof(buf));
	DT_ASSERT(dp_msg_encode(&w, m) == 0, "%s: encode", line);
	DT_ASSERT(dp_msg_decode(buf, w.len, &d, &derr) == 0, "%s: decode: %s",
	    line, derr.reason);
	DT_ASSERT(d.type == m->type && d.op == m->op, "%s: type/op", line);
}

START_TEST(test_good)
{
	static struct dp_msg m;
	char err[DP_TEXT_ERR_MAX];

	tx_parse("vif add idx=1 kind=vm name=mtap1 mac=02:00:00:00:00:01 "
		 "vrf=1 mtu=1500 mirror=both mirror-idx=3",
	    &m);
	ck_assert_int_eq(m.type, DP_MSG_VIF);
	ck_assert_str_eq(m.u.vif.name, "mtap1");
	ck_assert_uint_eq(m.u.vif.flags, DP_VIF_MIRROR_RX | DP_VIF_MIRROR_TX);
	ck_assert_uint_eq(m.u.vif.mirror, 3);
	ck_assert_uint_eq(m.u.vif.mac.b[5], 1);
	tx_parse("vif del idx=1", &m);
	ck_assert_int_eq(m.op, DP_MSG_DEL);
	tx_parse("  nh add idx=20 type=tunnel vrf=0 vif=0 tun=vxlan "
		 "sip=127.0.0.1 dip=127.0.0.2 label=5001\t",
	    &m);
	ck_assert_int_eq(m.u.nh.type, DP_NH_TUNNEL);
	ck_assert_int_eq(m.u.nh.tun, DP_TUN_VXLAN);
	ck_assert_uint_eq(ntohl(m.u.nh.dip.s_addr), 0x7f000002);
	ck_assert_uint_eq(m.u.nh.label, 5001);
	tx_parse("nh add idx=40 type=composite ecmp=0 members=10,11", &m);
	ck_assert_uint_eq(m.u.nh.ncomp, 2);
	ck_assert_uint_eq(m.u.nh.comp[1], 11);
	ck_assert(!m.u.nh.ecmp);
	tx_parse("nh add idx=30 type=mirror-udp vrf=1 analyzer=2001:db8::9 "
		 "port=8099",
	    &m);
	ck_assert_int_eq(m.u.nh.an_ip.af, AF_INET6);
	ck_assert_uint_eq(m.u.nh.an_port, 8099);
	tx_parse("nh add idx=2 type=discard", &m);
	ck_assert_int_eq(m.u.nh.type, DP_NH_DISCARD);
	tx_parse("route add vrf=1 prefix=2001:db8::/64 nh=10", &m);
	ck_assert_uint_eq(m.u.rt.p.len, 64);
	tx_parse("bridge add vrf=1 mac=02:00:00:00:00:01 nh=10", &m);
	ck_assert_uint_eq(m.u.br.label, 0);
	tx_parse("mpls add label=100 nh=10", &m);
	ck_assert_uint_eq(m.u.mpls.label, 100);
	tx_parse("vxlan del vni=5001", &m);
	ck_assert_uint_eq(m.u.vxlan.vni, 5001);
	tx_parse("nh add idx=21 type=tunnel tun=gre sip=127.0.6.1 "
		 "dip=127.0.6.2 label=4294967295",
	    &m);
	ck_assert_int_eq(m.u.nh.tun, DP_TUN_GRE);
	ck_assert_uint_eq(m.u.nh.label, 0xffffffffu);
	tx_parse("gre add key=4242 nh=10", &m);
	ck_assert_int_eq(m.type, DP_MSG_GRE);
	ck_assert_uint_eq(m.u.gre.key, 4242);
	ck_assert_uint_eq(m.u.gre.nh, 10);
	tx_parse("gre del key=0xffffffff", &m);
	ck_assert_int_eq(m.op, DP_MSG_DEL);
	ck_assert_uint_eq(m.u.gre.key, 0xffffffffu);
	tx_parse("vrf add vrf=2 flags=mirror-dest", &m);
	ck_assert_uint_eq(m.u.vrf.flags, DP_VRF_MIRROR_DEST);
	tx_parse("mirror add idx=0 nh=30 flags=static vni=7 analyzer=an1 "
		 "src-vn=red dst-vn=blue snaplen=128 sample=10",
	    &m);
	ck_assert_uint_eq(m.u.mirror.flags, DP_MIRROR_STATIC);
	ck_assert_str_eq(m.u.mirror.dst_vn, "blue");
	ck_assert_uint_eq(m.u.mirror.sample, 10);
	tx_parse("policy add vif=1 rule=\"af=4 proto=6 dst=10.1.0.0/24 "
		 "dport=80-90 action=pass mirror=0,1 src-vn=red dst-vn=blue\" "
		 "rule=\"action=deny\"",
	    &m);
	ck_assert_uint_eq(m.u.policy.n, 2);
	ck_assert_int_eq(m.rules[0].af, AF_INET);
	ck_assert_uint_eq(m.rules[0].proto, 6);
	ck_assert_uint_eq(m.rules[0].dst.len, 24);
	ck_assert_uint_eq(m.rules[0].src.len, 0);
	ck_assert_uint_eq(m.rules[0].dport_lo, 80);
	ck_assert_uint_eq(m.rules[0].dport_hi, 90);
	ck_assert_uint_eq(m.rules[0].sport_hi, 65535);
	ck_assert_uint_eq(m.rules[0].mirror[1], 1);
	ck_assert_str_eq(m.rules[0].dst_vn, "blue");
	ck_assert_int_eq(m.rules[1].action, DP_FLOW_DENY);
	ck_assert_int_eq(m.rules[1].af, 0);
	ck_assert_uint_eq(m.rules[1].mirror[0], DP_MIRROR_NONE);
	tx_parse("policy add vif=1 rule=\"src=2001:db8::/32 action=pass\"", &m);
	ck_assert_int_eq(m.rules[0].af, AF_INET6);
	ck_assert_int_eq(m.rules[0].dst.addr.af, AF_INET6);
	tx_parse("policy del vif=1", &m);
	tx_parse("flow add vrf=1 proto=17 src=2001:db8::1 dst=2001:db8::2 "
		 "sport=1000 dport=53 action=deny mirror=2",
	    &m);
	ck_assert_int_eq(m.u.flow.key.af, AF_INET6);
	ck_assert_uint_eq(m.u.flow.key.dip[15], 2);
	ck_assert_uint_eq(m.u.flow.cfg.mirror[0], 2);
	ck_assert_uint_eq(m.u.flow.cfg.mirror[1], DP_MIRROR_NONE);
	tx_parse("flow del vrf=1 proto=6 src=10.1.0.3 dst=10.1.0.4 sport=1000 "
		 "dport=80",
	    &m);
	ck_assert_uint_eq(m.u.flow.key.sport, 1000);
	/* nothing to send */
	ck_assert_int_eq(dp_text_parse("", &m, err, sizeof(err)), 1);
	ck_assert_int_eq(dp_text_parse("  \t\r\n", &m, err, sizeof(err)), 1);
	ck_assert_int_eq(
	    dp_text_parse("# vif add idx=1", &m, err, sizeof(err)), 1);
}
END_TEST

/* A bad line and what its error must name. */
static const struct {
	const char *line;
	const char *names;
} tx_bad[] = {
    {"vif add idx=4096 kind=vm name=a mac=02:00:00:00:00:01 vrf=1", "idx:"},
    {"vif add idx=1 kind=vx name=a mac=02:00:00:00:00:01 vrf=1", "kind:"},
    {"vif add idx=1 kind=vm name=abcdefghijklmnop mac=02:00:00:00:00:01 "
     "vrf=1",
	"name:"},
    {"vif add idx=1 kind=vm mac=02:00:00:00:00:01 vrf=1", "name: missing"},
    {"vif add idx=1 kind=vm name=a mac=02:00:00:00:01 vrf=1", "mac:"},
    {"vif add idx=1 kind=vm name=a mac=02:00:00:00:00:01", "vrf: missing"},
    {"vif add idx=1 kind=vm name=a mac=02:00:00:00:00:01 vrf=1 mtu=9217",
	"mtu:"},
    {"vif add idx=1 kind=vm name=a mac=02:00:00:00:00:01 vrf=1 mirror=rx",
	"mirror-idx: missing"},
    {"vif add idx=1 kind=vm name=a mac=02:00:00:00:00:01 vrf=1 mirror=up "
     "mirror-idx=0",
	"mirror:"},
    {"vif add idx=1 idx=2 kind=vm name=a mac=02:00:00:00:00:01 vrf=1",
	"idx: unknown or repeated"},
    {"vif add 5", "5: not key=value"},
    {"vif", "operation missing"},
    {"vif set idx=1", "set: operation"},
    {"bogus add x=1", "bogus: object unknown"},
    {"nh add idx=1 type=bogus", "type:"},
    {"nh add idx=65536 type=discard", "idx:"},
    {"nh add idx=20 type=tunnel tun=nvgre dip=1.2.3.4 label=5", "tun:"},
    {"nh add idx=20 type=tunnel tun=vxlan dip=1.2.3.4 label=16777216",
	"label:"},
    {"nh add idx=20 type=tunnel tun=gre dip=1.2.3.4 label=4294967296",
	"label:"},
    {"gre add key=4242", "nh: missing"},
    {"gre add nh=3", "key: missing"},
    {"gre add key=-1 nh=3", "key:"},
    {"gre del key=1 nh=3", "nh: unknown"},
    {"nh add idx=20 type=tunnel tun=vxlan dip=::1 label=5", "dip:"},
    {"nh add idx=20 type=tunnel tun=vxlan dip=1.2.3.4", "label: missing"},
    {"nh add idx=30 type=mirror-udp analyzer=10.1.0.9", "port: missing"},
    {"nh add idx=40 type=composite members=10,x", "members:"},
    {"nh add idx=40 type=composite", "members: missing"},
    {"nh add idx=10 type=encap vif=1 dmac=zz", "dmac:"},
    {"route add vrf=1 prefix=10.1.0.3/24 nh=10", "prefix:"},
    {"route add vrf=1 prefix=10.1.0.0/24", "nh: missing"},
    {"route add vrf=4096 prefix=10.1.0.0/24 nh=1", "vrf:"},
    {"route add vrf=1 prefix=10.1.0.0/24 nh=10 color=red", "color: unknown"},
    {"bridge add vrf=1 mac=02:00:00:00:00:01 nh=10 label=x", "label:"},
    {"mpls add label=2000000 nh=10", "label:"},
    /* ranges only the decoder checks are refused too (fuzz dp-msg) */
    {"mpls add label=1 nh=10", "mpls: MPLS label out of range"},
    {"vxlan add vni=5001 nh=10", "vrf: missing"},
    {"vrf add vrf=2 flags=blue", "flags:"},
    {"mirror add idx=256 nh=30 flags=dynamic", "idx:"},
    {"mirror add idx=0 nh=30 flags=dynamic,foo", "flags: 'foo'"},
    {"mirror add idx=0 nh=30", "flags: missing"},
    {"mirror add idx=0 nh=30 flags=static sample=1000001", "sample:"},
    {"policy add vif=1", "rule: missing"},
    {"policy add vif=1 rule=\"dport=90-80 action=pass\"", "rule 1: dport:"},
    {"policy add vif=1 rule=\"action=pass\" rule=\"af=4 src=2001:db8::/32 "
     "action=deny\"",
	"rule 2: src:"},
    {"policy add vif=1 rule=\"af=5 action=pass\"", "rule 1: af:"},
    {"policy add vif=1 rule=\"proto=6\"", "rule 1: action: missing"},
    {"policy add vif=1 rule=\"action=pass mirror=0,1,2\"", "rule 1: mirror:"},
    {"policy add vif=1 rule=\"action=pass ttl=3\"", "rule 1: ttl:"},
    {"policy add vif=1 rule=\"action=pass", "rule: unterminated quote"},
    {"policy add vif=1 rule=\"action=pass\"x", "rule: text after"},
    {"vif add idx=1 kind=vm name=\"\" mac=02:00:00:00:00:01 vrf=1",
	"name: missing"},
    {"flow add vrf=1 proto=6 src=10.1.0.3 dst=2001:db8::1 sport=1 dport=2 "
     "action=pass",
	"dst:"},
    {"flow add vrf=1 proto=6 src=10.1.0.3 dst=10.1.0.4 sport=1 dport=2 "
     "action=maybe",
	"action:"},
    {"flow add vrf=1 proto=6 src=10.1.0.3 dst=10.1.0.4 sport=1 "
     "action=pass",
	"dport: missing"},
    {"flow add vrf=1 proto=256 src=10.1.0.3 dst=10.1.0.4 sport=1 dport=2 "
     "action=pass",
	"proto:"},
};
#define TX_BAD_N (sizeof(tx_bad) / sizeof(tx_bad[0]))

START_TEST(test_bad)
{
	static struct dp_msg m;
	char err[DP_TEXT_ERR_MAX] = "";
	int rc;

	rc = dp_text_parse(tx_bad[_i].line, &m, err, sizeof(err));
	ck_assert_msg(rc == -EINVAL, "%s: %d", tx_bad[_i].line, rc);
	ck_assert_msg(strstr(err, tx_bad[_i].names) != NULL,
	    "%s: '%s' does not name '%s'", tx_bad[_i].line, err,
	    tx_bad[_i].names);
}
END_TEST

Suite *
dp_text_suite(void)
{
	Suite *s = suite_create("dp_text");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, test_good);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_bad, 0, (int)TX_BAD_N);
	suite_add_tcase(s, tc);
	return s;
}
