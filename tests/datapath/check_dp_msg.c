/*
 * check_dp_msg.c - the programming protocol: exact bytes of one ADD per
 * type and of a reply, round trips of every type and op, truncation at
 * every byte, each field out of range (-EINVAL or -EPROTO with a
 * reason), and dp_msg_apply's replies for what the tables refuse, with
 * the tables left as they were.
 */
#include "tests/datapath/suites.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One ADD of each type, all with sequence 7. */
static void
msg_init(struct dp_msg *m, enum dp_msg_type type)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->op = DP_MSG_ADD;
	m->seq = 7;
}

static void
msg_vif(struct dp_msg *m)
{
	msg_init(m, DP_MSG_VIF);
	m->u.vif.idx = 5;
	m->u.vif.kind = DP_VIF_VM;
	m->u.vif.name = "tap5";
	m->u.vif.mac.b[0] = 0x02;
	m->u.vif.mac.b[5] = 0x05;
	m->u.vif.vrf = 1;
	m->u.vif.mtu = 1500;
}

static void
msg_nh(struct dp_msg *m)
{
	msg_init(m, DP_MSG_NH);
	m->u.nh.idx = 4;
	m->u.nh.type = DP_NH_TUNNEL;
	m->u.nh.tun = DP_TUN_MPLSOUDP;
	m->u.nh.sip.s_addr = htonl(0x0a000001);
	m->u.nh.dip.s_addr = htonl(0x0a000003);
	m->u.nh.label = 200;
}

static void
msg_route(struct dp_msg *m)
{
	msg_init(m, DP_MSG_ROUTE);
	m->u.rt.vrf = 1;
	m->u.rt.p = dt_prefix("10.1.0.0/16");
	m->u.rt.nh = 2;
}

static void
msg_bridge(struct dp_msg *m)
{
	msg_init(m, DP_MSG_BRIDGE);
	m->u.br.vrf = 1;
	m->u.br.mac.b[0] = 0x02;
	m->u.br.mac.b[5] = 0x09;
	m->u.br.nh = 3;
	m->u.br.label = 300;
}

static void
msg_mpls(struct dp_msg *m)
{
	msg_init(m, DP_MSG_MPLS);
	m->u.mpls.label = 100;
	m->u.mpls.nh = 2;
}

static void
msg_vxlan(struct dp_msg *m)
{
	msg_init(m, DP_MSG_VXLAN);
	m->u.vxlan.vni = 5000;
	m->u.vxlan.vrf = 1;
	m->u.vxlan.nh = 2;
}

static void
msg_mirror(struct dp_msg *m)
{
	msg_init(m, DP_MSG_MIRROR);
	m->u.mirror.idx = 3;
	m->u.mirror.nh = 1;
	m->u.mirror.flags = DP_MIRROR_DYNAMIC | DP_MIRROR_JUNIPER_HDR;
	m->u.mirror.analyzer = "an";
	m->u.mirror.src_vn = "vn1";
	m->u.mirror.dst_vn = NULL;
}

static void
msg_policy(struct dp_msg *m)
{
	struct dp_rule *r = &m->rules[0];

	msg_init(m, DP_MSG_POLICY);
	m->u.policy.vif = 5;
	m->u.policy.n = 1;
	r->af = AF_INET;
	r->proto = 6;
	r->src.addr.af = AF_INET;
	r->dst = dt_prefix("10.1.0.0/24");
	r->sport_hi = 65535;
	r->dport_lo = r->dport_hi = 80;
	r->action = DP_FLOW_PASS;
	r->mirror[0] = 0;
	r->mirror[1] = DP_MIRROR_NONE;
	strcpy(r->src_vn, "red");
}

static void
msg_flow(struct dp_msg *m)
{
	struct dp_flow_key *k = &m->u.flow.key;

	msg_init(m, DP_MSG_FLOW);
	k->vrf = 1;
	k->af = AF_INET;
	k->proto = 6;
	k->sport = 1000;
	k->dport = 80;
	memcpy(k->sip, "\x0a\x01\x00\x03", 4);
	memcpy(k->dip, "\x0a\x01\x00\x04", 4);
	m->u.flow.cfg.action = DP_FLOW_DENY;
	m->u.flow.cfg.mirror[0] = m->u.flow.cfg.mirror[1] = DP_MIRROR_NONE;
	m->u.flow.cfg.dst_vn = "b";
}

static void
msg_vrf(struct dp_msg *m)
{
	msg_init(m, DP_MSG_VRF);
	m->u.vrf.vrf = 2;
	m->u.vrf.flags = DP_VRF_MIRROR_DEST;
}

static void
msg_gre(struct dp_msg *m)
{
	msg_init(m, DP_MSG_GRE);
	m->u.gre.key = 0xfedcba98; /* all 32 bits: any key */
	m->u.gre.nh = 3;
}

/* A GRE tunnel nexthop: its key above 2^24. */
static void
msg_nh_gre(struct dp_msg *m)
{
	msg_init(m, DP_MSG_NH);
	m->u.nh.idx = 9;
	m->u.nh.type = DP_NH_TUNNEL;
	m->u.nh.vif = 0;
	m->u.nh.tun = DP_TUN_GRE;
	inet_pton(AF_INET, "127.0.6.1", &m->u.nh.sip);
	inet_pton(AF_INET, "127.0.6.2", &m->u.nh.dip);
	m->u.nh.label = 0x01001092;
}

/* Hand-written wire bytes of each ADD above (README.md tables). */
static const struct {
	const char *name;
	void (*build)(struct dp_msg *);
	const char *hex;
} msg_tab[] = {
    {"vif", msg_vif,
	"4d44 01 01 01 00 0020 00000007"
	"00000005 01 04 74617035 020000000005 00000001 00000000"
	"00000000 000005dc"},
    {"nh", msg_nh,
	"4d44 01 02 01 00 002b 00000007"
	"00000004 04 00000000 00000000 000000000000 000000000000"
	"01 0a000001 0a000003 000000c8 00 0000 00 00"},
    {"route", msg_route,
	"4d44 01 03 01 00 000e 00000007"
	"00000001 04 0a010000 10 00000002"},
    {"bridge", msg_bridge,
	"4d44 01 04 01 00 0012 00000007"
	"00000001 020000000009 00000003 0000012c"},
    {"mpls", msg_mpls, "4d44 01 05 01 00 0008 00000007 00000064 00000002"},
    {"vxlan", msg_vxlan,
	"4d44 01 06 01 00 000c 00000007 00001388 00000001 00000002"},
    {"mirror", msg_mirror,
	"4d44 01 07 01 00 0022 00000007"
	"00000003 00000001 00000005 00000000 02 616e 03 766e31 00"
	"00000000 00000000 0000"},
    {"policy", msg_policy,
	"4d44 01 09 01 00 0024 00000007"
	"00000005 01 04 06 00 04 0a010000 18 0000 ffff 0050 0050"
	"01 00000000 ffffffff 03 726564 00"},
    {"flow", msg_flow,
	"4d44 01 0a 01 00 001e 00000007"
	"00000001 04 06 03e8 0050 0a010003 0a010004"
	"02 ffffffff ffffffff 00 01 62"},
    {"vrf", msg_vrf, "4d44 01 0b 01 00 0008 00000007 00000002 00000001"},
    {"gre", msg_gre, "4d44 01 0c 01 00 0008 00000007 fedcba98 00000003"},
    {"nh gre", msg_nh_gre,
	"4d44 01 02 01 00 002b 00000007"
	"00000009 04 00000000 00000000 000000000000 000000000000"
	"03 7f000601 7f000602 01001092 00 0000 00 00"},
};
#define MSG_TAB_N (sizeof(msg_tab) / sizeof(msg_tab[0]))

/* Encodes m into buf (DP_MSG_HLEN + DP_MSG_MAX); the length. */
static size_t
msg_enc(const struct dp_msg *m, uint8_t *buf)
{
	struct wbuf w;

	wbuf_init(&w, buf, DP_MSG_HLEN + DP_MSG_MAX);
	DT_ASSERT(
	    dp_msg_encode(&w, m) == 0, "encode type %d op %d", m->type, m->op);
	return w.len;
}

/* Exact bytes, decode, re-encode, and every cut is -EPROTO. */
START_TEST(test_bytes)
{
	static uint8_t want[256], got[DP_MSG_HLEN + DP_MSG_MAX];
	static uint8_t again[DP_MSG_HLEN + DP_MSG_MAX];
	struct dp_msg m, d;
	struct dp_msg_err err;
	size_t n, len, cut;
	uint8_t *c;

	msg_tab[_i].build(&m);
	n = dt_unhex(msg_tab[_i].hex, want, sizeof(want));
	len = msg_enc(&m, got);
	ck_assert_uint_eq(len, n);
	ck_assert_mem_eq(got, want, n);
	c = dt_copy(want, n);
	ck_assert_int_eq(dp_msg_decode(c, n, &d, &err), 0);
	free(c);
	ck_assert_int_eq(d.type, m.type);
	ck_assert_int_eq(d.op, DP_MSG_ADD);
	ck_assert_uint_eq(d.seq, 7);
	ck_assert_uint_eq(msg_enc(&d, again), n);
	ck_assert_mem_eq(again, want, n);
	for (cut = 0; cut < n; cut++) {
		c = dt_copy(want, cut);
		err.reason = NULL;
		DT_ASSERT(dp_msg_decode(c, cut, &d, &err) == -EPROTO,
		    "%s cut at %zu", msg_tab[_i].name, cut);
		DT_ASSERT(err.reason != NULL, "no reason at %zu", cut);
		free(c);
	}
}
END_TEST

/* The key-only bodies: DEL and GET of each type, and DUMP (empty). */
START_TEST(test_key_ops)
{
	static uint8_t buf[DP_MSG_HLEN + DP_MSG_MAX];
	static uint8_t again[DP_MSG_HLEN + DP_MSG_MAX];
	static const size_t keylen[] = {4, 4, 10, 10, 4, 4, 4, 4, 18, 4, 4, 4};
	struct dp_msg m, d;
	struct dp_msg_err err;
	enum dp_msg_op op;
	size_t n;

	for (op = DP_MSG_DEL; op <= DP_MSG_DUMP; op++) {
		msg_tab[_i].build(&m);
		m.op = op;
		n = msg_enc(&m, buf);
		/* a route DUMP carries its VRF and family */
		ck_assert_uint_eq(n,
		    DP_MSG_HLEN +
			(op != DP_MSG_DUMP               ? keylen[_i]
				: m.type == DP_MSG_ROUTE ? 5
							 : 0));
		ck_assert_int_eq(dp_msg_decode(buf, n, &d, &err), 0);
		ck_assert_int_eq(d.op, op);
		ck_assert_uint_eq(msg_enc(&d, again), n);
		ck_assert_mem_eq(again, buf, n);
	}
}
END_TEST

/* Round trips of what the byte table leaves out. */
START_TEST(test_round_trip)
{
	static uint8_t buf[DP_MSG_HLEN + DP_MSG_MAX];
	static char vn[DP_VN_NAME_MAX + 1];
	struct dp_msg m, d;
	struct dp_msg_err err;
	size_t n;
	uint32_t i;

	/* a composite of DP_NH_COMP_MAX members */
	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_NH;
	m.op = DP_MSG_ADD;
	m.seq = 0xdeadbeef;
	m.u.nh.idx = DP_NH_MAX - 1;
	m.u.nh.type = DP_NH_COMPOSITE;
	m.u.nh.ecmp = true;
	m.u.nh.ncomp = DP_NH_COMP_MAX;
	for (i = 0; i < DP_NH_COMP_MAX; i++)
		m.u.nh.comp[i] = i + 1;
	n = msg_enc(&m, buf);
	ck_assert_uint_eq(n, DP_MSG_HLEN + 43 + 4 * DP_NH_COMP_MAX);
	ck_assert_int_eq(dp_msg_decode(buf, n, &d, &err), 0);
	ck_assert_uint_eq(d.seq, 0xdeadbeef);
	ck_assert(d.u.nh.ecmp);
	ck_assert_uint_eq(d.u.nh.ncomp, DP_NH_COMP_MAX);
	ck_assert_uint_eq(d.u.nh.comp[DP_NH_COMP_MAX - 1], DP_NH_COMP_MAX);

	/* a UDP mirror nexthop to an IPv6 analyzer */
	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_NH;
	m.op = DP_MSG_ADD;
	m.u.nh.idx = 9;
	m.u.nh.type = DP_NH_MIRROR_UDP;
	m.u.nh.an_ip = dt_ip("2001:db8::9");
	m.u.nh.an_port = DP_PORT_JMIRROR;
	n = msg_enc(&m, buf);
	ck_assert_int_eq(dp_msg_decode(buf, n, &d, &err), 0);
	ck_assert_int_eq(d.u.nh.an_ip.af, AF_INET6);
	ck_assert_int_eq(ipaddr_cmp(&d.u.nh.an_ip, &m.u.nh.an_ip), 0);
	ck_assert_uint_eq(d.u.nh.an_port, DP_PORT_JMIRROR);

	/* an IPv6 route */
	msg_route(&m);
	m.u.rt.p = dt_prefix("2001:db8::/32");
	n = msg_enc(&m, buf);
	ck_assert_uint_eq(n, DP_MSG_HLEN + 4 + 1 + 16 + 1 + 4);
	ck_assert_int_eq(dp_msg_decode(buf, n, &d, &err), 0);
	ck_assert_uint_eq(d.u.rt.p.len, 32);
	ck_assert_int_eq(ipaddr_cmp(&d.u.rt.p.addr, &m.u.rt.p.addr), 0);

	/* mirror names of exactly DP_VN_NAME_MAX bytes */
	memset(vn, 'v', DP_VN_NAME_MAX);
	msg_mirror(&m);
	m.u.mirror.analyzer = vn;
	m.u.mirror.src_vn = vn;
	m.u.mirror.dst_vn = vn;
	m.u.mirror.snaplen = 128;
	m.u.mirror.sample = DP_SAMPLE_MAX;
	n = msg_enc(&m, buf);
	ck_assert_int_eq(dp_msg_decode(buf, n, &d, &err), 0);
	ck_assert_str_eq(d.u.mirror.dst_vn, vn);
	ck_assert_str_eq(d.u.mirror.analyzer, vn);
	ck_assert_uint_eq(d.u.mirror.snaplen, 128);
	ck_assert_uint_eq(d.u.mirror.sample, DP_SAMPLE_MAX);
}
END_TEST

/* One byte of a table message changed, and the error it must give. */
static const struct {
	int msg;    /* index in msg_tab */
	size_t off; /* byte changed */
	uint8_t v;  /* new value */
	int rc;     /* expected */
} bad_tab[] = {
    {0, 0, 0x4e, -EPROTO},   /* magic */
    {0, 2, 0x02, -EPROTO},   /* version */
    {0, 3, 0x0d, -EINVAL},   /* type */
    {0, 3, 0x08, -EINVAL},   /* a reply is no request */
    {0, 4, 0x05, -EINVAL},   /* op */
    {0, 5, 0x01, -EPROTO},   /* flags */
    {0, 6, 0x10, -EPROTO},   /* body longer than the bytes */
    {0, 7, 0x21, -EPROTO},   /* body longer than the bytes */
    {0, 7, 0x1f, -EPROTO},   /* a byte after the body */
    {0, 14, 0x10, -EINVAL},  /* vif index 4096 */
    {0, 16, 0x04, -EINVAL},  /* vif kind */
    {0, 17, 0x00, -EINVAL},  /* vif name empty */
    {0, 17, 0x05, -EPROTO},  /* vif name runs on */
    {0, 19, 0x00, -EINVAL},  /* vif name with a NUL */
    {0, 29, 0x10, -EINVAL},  /* vif VRF 4096 */
    {0, 35, 0x04, -EINVAL},  /* vif flags */
    {0, 40, 0xff, -EINVAL},  /* vif MTU above 9216 */
    {0, 42, 0x24, -EINVAL},  /* vif MTU 9436 */
    {1, 12, 0x01, -EINVAL},  /* nh index 65536 */
    {1, 15, 0x00, -EINVAL},  /* nh index 0 */
    {1, 16, 0x07, -EINVAL},  /* nh type */
    {1, 19, 0x10, -EINVAL},  /* nh VRF 4096 */
    {1, 23, 0x10, -EINVAL},  /* nh vif 4096 */
    {1, 37, 0x04, -EINVAL},  /* nh tunnel type */
    {1, 46, 0x01, -EINVAL},  /* nh label above 2^24 */
    {1, 50, 0x05, -EINVAL},  /* nh analyzer family */
    {1, 50, 0x04, -EPROTO},  /* an IPv4 analyzer runs on */
    {1, 53, 0x02, -EINVAL},  /* nh ecmp */
    {1, 54, 0x21, -EINVAL},  /* nh 33 members */
    {1, 54, 0x01, -EPROTO},  /* nh member missing */
    {2, 12, 0x01, -EINVAL},  /* route VRF */
    {2, 16, 0x05, -EINVAL},  /* route family */
    {2, 16, 0x06, -EPROTO},  /* an IPv6 prefix runs on */
    {2, 21, 0x21, -EINVAL},  /* route length 33 */
    {2, 21, 0x08, -EINVAL},  /* route host bits */
    {2, 25, 0x00, -EINVAL},  /* route nh 0 */
    {2, 23, 0x01, -EINVAL},  /* route nh 65538 */
    {3, 13, 0x01, -EINVAL},  /* bridge VRF */
    {3, 25, 0x00, -EINVAL},  /* bridge nh 0 */
    {3, 26, 0x01, -EINVAL},  /* bridge label above 2^24 */
    {4, 15, 0x0f, -EINVAL},  /* MPLS label 15 reserved */
    {4, 13, 0x10, -EINVAL},  /* MPLS label above 2^20 */
    {4, 19, 0x00, -EINVAL},  /* MPLS nh 0 */
    {5, 12, 0x01, -EINVAL},  /* VNI above 2^24 */
    {5, 17, 0x10, -EINVAL},  /* VXLAN VRF */
    {5, 23, 0x00, -EINVAL},  /* VXLAN nh 0 */
    {6, 14, 0x01, -EINVAL},  /* mirror index 259 */
    {6, 19, 0x00, -EINVAL},  /* mirror nh 0 */
    {6, 23, 0x0d, -EINVAL},  /* mirror flags */
    {6, 24, 0x01, -EINVAL},  /* mirror VNI above 2^24 */
    {6, 29, 0x00, -EINVAL},  /* mirror analyzer with a NUL */
    {6, 31, 0x0f, -EPROTO},  /* mirror source VN runs on */
    {6, 39, 0x0d, -EINVAL},  /* mirror snap length 13 */
    {6, 36, 0x01, -EINVAL},  /* mirror snap length above 65535 */
    {6, 40, 0x01, -EINVAL},  /* mirror sampling above 10^6 */
    {6, 44, 0x10, -EINVAL},  /* mirror VLAN 4096 */
    {7, 14, 0x10, -EINVAL},  /* policy vif 4096 + 5 */
    {7, 16, 0x00, -EINVAL},  /* policy without rules */
    {7, 16, 0x41, -EINVAL},  /* policy of 65 rules */
    {7, 16, 0x02, -EPROTO},  /* policy rule 2 missing */
    {7, 17, 0x05, -EINVAL},  /* rule af */
    {7, 19, 0x06, -EINVAL},  /* rule src family not the rule's */
    {7, 19, 0x07, -EINVAL},  /* rule src family unknown */
    {7, 20, 0x06, -EINVAL},  /* rule dst family not the rule's */
    {7, 25, 0x21, -EINVAL},  /* rule dst length 33 */
    {7, 25, 0x08, -EINVAL},  /* rule dst host bits */
    {7, 30, 0x01, -EINVAL},  /* rule dport 336-80 */
    {7, 34, 0x03, -EINVAL},  /* rule action */
    {7, 37, 0x01, -EINVAL},  /* rule mirror 256 */
    {7, 42, 0xfe, -EINVAL},  /* rule mirror 0xfffffffe */
    {7, 44, 0x00, -EINVAL},  /* rule VN with a NUL */
    {7, 43, 0x05, -EPROTO},  /* rule VN runs on */
    {8, 13, 0x10, -EINVAL},  /* flow VRF */
    {8, 16, 0x05, -EINVAL},  /* flow family */
    {8, 16, 0x06, -EPROTO},  /* an IPv6 flow runs on */
    {8, 30, 0x03, -EINVAL},  /* flow action */
    {8, 33, 0x01, -EINVAL},  /* flow mirror */
    {8, 40, 0x02, -EPROTO},  /* flow dst VN runs on */
    {9, 13, 0x10, -EINVAL},  /* VRF 4098 */
    {9, 19, 0x03, -EINVAL},  /* VRF flags */
    {10, 19, 0x00, -EINVAL}, /* GRE nh 0 */
    {10, 17, 0x01, -EINVAL}, /* GRE nh 65539 */
    {10, 7, 0x07, -EPROTO},  /* GRE without its nh */
    {10, 7, 0x04, -EPROTO},  /* a GRE delete's length as an add */
    {11, 37, 0x02, -EINVAL}, /* the key above 2^24 as a VXLAN VNI */
    {11, 16, 0x03, -EINVAL}, /* the key above 2^24 on an encap nh */
};
#define BAD_TAB_N (sizeof(bad_tab) / sizeof(bad_tab[0]))

START_TEST(test_bad_field)
{
	uint8_t wire[256];
	struct dp_msg d;
	struct dp_msg_err err;
	size_t n;
	int rc;

	n = dt_unhex(msg_tab[bad_tab[_i].msg].hex, wire, sizeof(wire));
	ck_assert_uint_lt(bad_tab[_i].off, n);
	wire[bad_tab[_i].off] = bad_tab[_i].v;
	err.reason = NULL;
	rc = dp_msg_decode(wire, n, &d, &err);
	ck_assert_msg(rc == bad_tab[_i].rc, "case %d (byte %zu): %d", _i,
	    bad_tab[_i].off, rc);
	ck_assert_ptr_nonnull(err.reason);
	ck_assert_uint_le(err.off, n);
}
END_TEST

/* Limits of the encoder and the lengths. */
START_TEST(test_limits)
{
	static uint8_t buf[DP_MSG_HLEN + DP_MSG_MAX + 64];
	static char vn[DP_VN_NAME_MAX + 2];
	struct dp_msg m, d;
	struct dp_msg_err err;
	struct wbuf w;
	size_t n;

	/* a VN name of 256 bytes is refused, never truncated */
	memset(vn, 'v', DP_VN_NAME_MAX + 1);
	msg_mirror(&m);
	m.u.mirror.src_vn = vn;
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(dp_msg_encode(&w, &m), -EINVAL);
	ck_assert_uint_eq(w.len, 0);
	/* a vif name of 16 bytes likewise, and on the wire */
	msg_vif(&m);
	m.u.vif.name = "abcdefghijklmnop";
	ck_assert_int_eq(dp_msg_encode(&w, &m), -EINVAL);
	n = dt_unhex("4d44 01 01 01 00 002c 00000007"
		     "00000005 01 10 6162636465666768696a6b6c6d6e6f70"
		     "020000000005 00000001 00000000 00000000 000005dc",
	    buf, sizeof(buf));
	ck_assert_int_eq(dp_msg_decode(buf, n, &d, &err), -EINVAL);
	/* a 255-byte vif name is refused without being copied anywhere */
	memset(buf, 'x', sizeof(buf));
	dt_unhex(
	    "4d44 01 01 01 00 011b 00000007 00000005 01 ff", buf, sizeof(buf));
	dt_unhex("020000000005 00000001 00000000 00000000 000005dc",
	    buf + 18 + 255, sizeof(buf) - 18 - 255);
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(dp_msg_decode(buf, 18 + 255 + 22, &d, &err), -EINVAL);
	ck_assert_str_eq(d.analyzer, "");
	ck_assert_uint_eq(err.off, 18 + 255);
	/* the same with 15 bytes is fine */
	n = dt_unhex("4d44 01 01 01 00 002b 00000007"
		     "00000005 01 0f 6162636465666768696a6b6c6d6e6f"
		     "020000000005 00000001 00000000 00000000 000005dc",
	    buf, sizeof(buf));
	ck_assert_int_eq(dp_msg_decode(buf, n, &d, &err), 0);
	ck_assert_str_eq(d.u.vif.name, "abcdefghijklmno");
	/* a body of 4097 bytes (the old DP_MSG_MAX + 1) decodes as far as
	 * its fields go: the length is 16 bits, DP_MSG_MAX 65535 */
	memset(buf, 0, sizeof(buf));
	n = dt_unhex("4d44 01 05 02 00 1001 00000001", buf, sizeof(buf));
	ck_assert_int_eq(dp_msg_decode(buf, n + 4097, &d, &err), -EINVAL);
	ck_assert_int_eq(dp_msg_decode(buf, n + 4096, &d, &err), -EPROTO);
	ck_assert_uint_eq(err.off, n + 4096);
	/* a body one byte longer than its fields */
	n = dt_unhex("4d44 01 05 01 00 0009 00000007 00000064 00000002 00", buf,
	    sizeof(buf));
	ck_assert_int_eq(dp_msg_decode(buf, n, &d, &err), -EPROTO);
	ck_assert_uint_eq(err.off, DP_MSG_HLEN + 8);
	/* a DUMP with a body */
	n = dt_unhex(
	    "4d44 01 05 04 00 0004 00000007 00000064", buf, sizeof(buf));
	ck_assert_int_eq(dp_msg_decode(buf, n, &d, &err), -EPROTO);
	/* a writer too small: -ENOBUFS and nothing written */
	msg_mpls(&m);
	wbuf_init(&w, buf, DP_MSG_HLEN + 7);
	ck_assert_int_eq(dp_msg_encode(&w, &m), -ENOBUFS);
	ck_assert_uint_eq(w.len, 0);
}
END_TEST

/* Entries: a vif with its counters, a reverse flow; bytes, round trip,
 * cuts, and neither decoder takes the other's messages. */
START_TEST(test_entry)
{
	static struct dp_msg_entry e, d;
	static struct dp_msg req;
	uint8_t want[256], got[256];
	struct dp_msg_err err;
	struct wbuf w;
	size_t n, cut;
	uint8_t *c;

	memset(&e, 0, sizeof(e));
	if (_i == 0) {
		msg_vif(&e.msg);
		e.msg.op = DP_MSG_DUMP;
		e.st.refcnt = 2;
		e.st.ctr.pkts = 3;
		e.st.ctr.bytes = 300;
		e.st.drop.pkts = 1;
		e.st.drop.bytes = 60;
		n = dt_unhex("4d44 01 01 04 01 0054 00000007"
			     "00000005 01 04 74617035 020000000005 00000001"
			     "00000000 00000000 000005dc"
			     "00000002 0000000000000003 000000000000012c"
			     "0000000000000000 0000000000000000"
			     "0000000000000001 000000000000003c",
		    want, sizeof(want));
	} else {
		msg_flow(&e.msg);
		e.msg.op = DP_MSG_GET;
		e.st.reverse = true;
		e.st.created = 5;
		e.st.last_used = 9;
		e.st.ctr.pkts = 2;
		e.st.ctr.bytes = 120;
		e.st.gen = 3;
		n = dt_unhex("4d44 01 0a 03 01 0047 00000007"
			     "00000001 04 06 03e8 0050 0a010003 0a010004"
			     "02 ffffffff ffffffff 00 01 62"
			     "01 0000000000000005 0000000000000009"
			     "0000000000000002 0000000000000078"
			     "0000000000000003",
		    want, sizeof(want));
	}
	wbuf_init(&w, got, sizeof(got));
	ck_assert_int_eq(dp_msg_encode_entry(&w, &e), 0);
	ck_assert_uint_eq(w.len, n);
	ck_assert_mem_eq(got, want, n);
	ck_assert_int_eq(dp_msg_decode_entry(want, n, &d, &err), 0);
	ck_assert_int_eq(d.msg.op, e.msg.op);
	ck_assert_mem_eq(&d.st, &e.st, sizeof(d.st));
	for (cut = 0; cut < n; cut++) {
		c = dt_copy(want, cut);
		DT_ASSERT(dp_msg_decode_entry(c, cut, &d, &err) == -EPROTO,
		    "entry cut at %zu", cut);
		free(c);
	}
	/* an entry is no request, a request no entry */
	ck_assert_int_eq(dp_msg_decode(want, n, &req, &err), -EPROTO);
	ck_assert_uint_eq(err.off, 5);
	n = dt_unhex(msg_tab[_i == 0 ? 0 : 8].hex, want, sizeof(want));
	ck_assert_int_eq(dp_msg_decode_entry(want, n, &d, &err), -EPROTO);
	if (_i == 1) {
		/* a reverse flag of 2 */
		n = dt_unhex("4d44 01 0a 03 01 0047 00000007"
			     "00000001 04 06 03e8 0050 0a010003 0a010004"
			     "02 ffffffff ffffffff 00 01 62 02",
		    want, sizeof(want));
		memset(want + n, 0, 40);
		ck_assert_int_eq(
		    dp_msg_decode_entry(want, n + 40, &d, &err), -EINVAL);
	}
}
END_TEST

/* A route DUMP's body: the VRF and an optional family. */
START_TEST(test_rt_dump)
{
	static struct dp_msg d;
	uint8_t b[32];
	struct dp_msg_err err;
	size_t n;

	n = dt_unhex("4d44 01 03 04 00 0005 00000007 00000001 06", b, 32);
	ck_assert_int_eq(dp_msg_decode(b, n, &d, &err), 0);
	ck_assert_uint_eq(d.u.rt.vrf, 1);
	ck_assert_int_eq(d.u.rt.p.addr.af, AF_INET6);
	n = dt_unhex("4d44 01 03 04 00 0004 00000007 00000fff", b, 32);
	ck_assert_int_eq(dp_msg_decode(b, n, &d, &err), 0);
	ck_assert_uint_eq(d.u.rt.vrf, 4095);
	ck_assert_int_eq(d.u.rt.p.addr.af, 0);
	n = dt_unhex("4d44 01 03 04 00 0005 00000007 00000001 05", b, 32);
	ck_assert_int_eq(dp_msg_decode(b, n, &d, &err), -EINVAL);
	n = dt_unhex("4d44 01 03 04 00 0004 00000007 00001000", b, 32);
	ck_assert_int_eq(dp_msg_decode(b, n, &d, &err), -EINVAL);
	n = dt_unhex("4d44 01 03 04 00 0000 00000007", b, 32);
	ck_assert_int_eq(dp_msg_decode(b, n, &d, &err), -EPROTO);
	n = dt_unhex("4d44 01 03 04 00 0006 00000007 00000001 04 00", b, 32);
	ck_assert_int_eq(dp_msg_decode(b, n, &d, &err), -EPROTO);
}
END_TEST

/* A policy of DP_POLICY_RULES_MAX rules with the longest VN names fits
 * in DP_MSG_MAX and comes back whole. */
START_TEST(test_policy_max)
{
	static uint8_t buf[DP_MSG_HLEN + DP_MSG_MAX];
	static struct dp_msg m, d;
	struct dp_msg_err err;
	size_t n;
	uint32_t i;

	msg_policy(&m);
	m.u.policy.n = DP_POLICY_RULES_MAX;
	for (i = 0; i < DP_POLICY_RULES_MAX; i++) {
		m.rules[i] = m.rules[0];
		m.rules[i].af = AF_INET6;
		m.rules[i].src = dt_prefix("2001:db8::/32");
		m.rules[i].dst = dt_prefix("2001:db8:1::/48");
		memset(m.rules[i].src_vn, 's', DP_VN_NAME_MAX);
		memset(m.rules[i].dst_vn, 'd', DP_VN_NAME_MAX);
		m.rules[i].dport_lo = (uint16_t)i;
	}
	n = msg_enc(&m, buf);
	ck_assert_uint_le(n, DP_MSG_HLEN + DP_MSG_MAX);
	ck_assert_int_eq(dp_msg_decode(buf, n, &d, &err), 0);
	ck_assert_uint_eq(d.u.policy.n, DP_POLICY_RULES_MAX);
	ck_assert_mem_eq(d.rules, m.rules, sizeof(m.rules));
}
END_TEST

/* The reply: exact bytes, round trip, cuts, bad status. */
START_TEST(test_reply)
{
	uint8_t want[64], buf[DP_MSG_HLEN + DP_MSG_ERR_MAX + 8];
	struct dp_msg_reply r, d;
	struct dp_msg req;
	struct dp_msg_err err;
	struct wbuf w;
	size_t n, cut;
	uint8_t *c;

	memset(&r, 0, sizeof(r));
	r.seq = 7;
	r.status = -EBUSY;
	strcpy(r.text, "busy");
	n = dt_unhex("4d44 01 08 00 00 0009 00000007 fffffff0 04 62757379",
	    want, sizeof(want));
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(dp_msg_reply_encode(&w, &r), 0);
	ck_assert_uint_eq(w.len, n);
	ck_assert_mem_eq(buf, want, n);
	ck_assert_int_eq(dp_msg_reply_decode(want, n, &d, &err), 0);
	ck_assert_uint_eq(d.seq, 7);
	ck_assert_int_eq(d.status, -EBUSY);
	ck_assert_str_eq(d.text, "busy");
	for (cut = 0; cut < n; cut++) {
		c = dt_copy(want, cut);
		DT_ASSERT(dp_msg_reply_decode(c, cut, &d, &err) == -EPROTO,
		    "reply cut at %zu", cut);
		free(c);
	}
	want[12] = 0x00; /* status 0x00fffff0 > 0 */
	ck_assert_int_eq(dp_msg_reply_decode(want, n, &d, &err), -EINVAL);
	want[12] = 0xff;
	want[3] = DP_MSG_VIF; /* a request is no reply */
	ck_assert_int_eq(dp_msg_reply_decode(want, n, &d, &err), -EINVAL);
	/* a request is not decoded as a reply, nor a reply as a request */
	want[3] = DP_MSG_REPLY;
	ck_assert_int_eq(dp_msg_decode(want, n, &req, &err), -EINVAL);
}
END_TEST

/* Decodes a table message and applies it; the reply's status. */
static int
apply_hex(struct dp *dp, const struct dp_msg *m, struct dp_msg_reply *r)
{
	static uint8_t buf[DP_MSG_HLEN + DP_MSG_MAX];
	struct dp_msg d;
	struct dp_msg_err err;
	size_t n;

	n = msg_enc(m, buf);
	DT_ASSERT(dp_msg_decode(buf, n, &d, &err) == 0, "decode");
	return dp_msg_apply(dp, &d, r);
}

/* Every ADD applied, then the table errors as replies. */
START_TEST(test_apply)
{
	struct dp *dp = dt_dp_new(64);
	struct dp_msg m;
	struct dp_msg_reply r;
	struct prefix p = dt_prefix("10.1.0.0/16");
	struct macaddr mac = {{0x02, 0, 0, 0, 0, 0x09}};
	uint32_t vrf = 0, n = 0;
	size_t i;

	for (i = 0; i < MSG_TAB_N; i++) {
		msg_tab[i].build(&m);
		m.seq = (uint32_t)(100 + i);
		ck_assert_int_eq(apply_hex(dp, &m, &r), 0);
		ck_assert_uint_eq(r.seq, 100 + i);
		ck_assert_int_eq(r.status, 0);
		ck_assert_str_eq(r.text, "");
	}
	ck_assert_str_eq(dp_vif_lookup(dp, 5)->name, "tap5");
	ck_assert_uint_eq(dp_nh_lookup(dp, 4)->label, 200);
	ck_assert_uint_eq(dp_rt_get(dp, 1, &p), 2);
	ck_assert_uint_eq(dp_bridge_lookup(dp, 1, &mac)->label, 300);
	ck_assert_uint_eq(dp_mpls_lookup(dp, 100), 2);
	ck_assert_uint_eq(dp_vxlan_lookup(dp, 5000, &vrf), 2);
	ck_assert_uint_eq(vrf, 1);
	ck_assert_str_eq(dp_mirror_lookup(dp, 3)->src_vn, "vn1");
	ck_assert_ptr_nonnull(dp_policy_get(dp, 5, &n));
	ck_assert_uint_eq(n, 1);
	msg_flow(&m);
	ck_assert_int_eq(
	    dp_flow_lookup(dp, &m.u.flow.key)->action, DP_FLOW_DENY);
	ck_assert_uint_eq(dp_vrf_flags(dp, 2), DP_VRF_MIRROR_DEST);

	/* another vif at the index: -EEXIST, the first one kept */
	msg_vif(&m);
	m.u.vif.mtu = 9000;
	m.u.vif.name = "other";
	ck_assert_int_eq(apply_hex(dp, &m, &r), -EEXIST);
	ck_assert_int_eq(r.status, -EEXIST);
	ck_assert_uint_eq(r.seq, 7);
	ck_assert_ptr_nonnull(strstr(r.text, "vif add"));
	ck_assert_uint_eq(dp_vif_lookup(dp, 5)->mtu, 1500);

	/* nexthop 2 is used by the route, the label and the VNI */
	msg_nh(&m);
	m.op = DP_MSG_DEL;
	m.u.nh.idx = 2;
	ck_assert_int_eq(apply_hex(dp, &m, &r), -EBUSY);
	ck_assert_ptr_nonnull(strstr(r.text, "nh delete"));
	ck_assert_ptr_nonnull(dp_nh_lookup(dp, 2));
	ck_assert_uint_eq(dp_rt_get(dp, 1, &p), 2);

	/* mirror 3 is used by no vif: deleted, then -ENOENT */
	msg_mirror(&m);
	m.op = DP_MSG_DEL;
	ck_assert_int_eq(apply_hex(dp, &m, &r), 0);
	ck_assert_ptr_null(dp_mirror_lookup(dp, 3));
	ck_assert_int_eq(apply_hex(dp, &m, &r), -ENOENT);

	/* every user of nexthop 2 deleted, then nexthop 2 itself */
	msg_route(&m);
	m.op = DP_MSG_DEL;
	ck_assert_int_eq(apply_hex(dp, &m, &r), 0);
	ck_assert_uint_eq(dp_rt_get(dp, 1, &p), 0);
	ck_assert_int_eq(apply_hex(dp, &m, &r), -ENOENT);
	msg_mpls(&m);
	m.op = DP_MSG_DEL;
	ck_assert_int_eq(apply_hex(dp, &m, &r), 0);
	ck_assert_int_eq(apply_hex(dp, &m, &r), -ENOENT);
	msg_vxlan(&m);
	m.op = DP_MSG_DEL;
	ck_assert_int_eq(apply_hex(dp, &m, &r), 0);
	ck_assert_int_eq(apply_hex(dp, &m, &r), -ENOENT);
	msg_nh(&m);
	m.op = DP_MSG_DEL;
	m.u.nh.idx = 2;
	ck_assert_int_eq(apply_hex(dp, &m, &r), 0);
	ck_assert_ptr_null(dp_nh_lookup(dp, 2));

	/* the bridge entry and vif 5 */
	msg_bridge(&m);
	m.op = DP_MSG_DEL;
	ck_assert_int_eq(apply_hex(dp, &m, &r), 0);
	ck_assert_ptr_null(dp_bridge_lookup(dp, 1, &mac));
	ck_assert_int_eq(apply_hex(dp, &m, &r), -ENOENT);
	msg_vif(&m);
	m.op = DP_MSG_DEL;
	ck_assert_int_eq(apply_hex(dp, &m, &r), 0);
	ck_assert_ptr_null(dp_vif_lookup(dp, 5));

	/* GET and DUMP are not applied */
	m.op = DP_MSG_DUMP;
	ck_assert_int_eq(apply_hex(dp, &m, &r), -EOPNOTSUPP);
	dp_free(dp);
}
END_TEST

/* Messages that decode but that the tables refuse change nothing. */
START_TEST(test_apply_refused)
{
	struct dp *dp = dt_dp_new(64);
	struct dp_msg m;
	struct dp_msg_reply r;
	struct prefix p = dt_prefix("10.1.0.0/16");
	struct macaddr mac = {{0x02, 0, 0, 0, 0, 0x09}};

	/* a vif mirroring to a missing mirror entry */
	msg_vif(&m);
	m.u.vif.flags = DP_VIF_MIRROR_RX;
	m.u.vif.mirror = 3;
	ck_assert_int_eq(apply_hex(dp, &m, &r), -EINVAL);
	ck_assert_ptr_nonnull(strstr(r.text, "vif add"));
	ck_assert_ptr_null(dp_vif_lookup(dp, 5));
	/* a tunnel over a missing vif */
	msg_nh(&m);
	m.u.nh.vif = 7;
	ck_assert_int_eq(apply_hex(dp, &m, &r), -EINVAL);
	ck_assert_ptr_null(dp_nh_lookup(dp, 4));
	/* routes, bridge, label, VNI and mirror to a missing nexthop */
	msg_route(&m);
	m.u.rt.nh = 99;
	ck_assert_int_eq(apply_hex(dp, &m, &r), -EINVAL);
	ck_assert_uint_eq(dp_rt_get(dp, 1, &p), 0);
	msg_bridge(&m);
	m.u.br.nh = 99;
	ck_assert_int_eq(apply_hex(dp, &m, &r), -EINVAL);
	ck_assert_ptr_null(dp_bridge_lookup(dp, 1, &mac));
	msg_mpls(&m);
	m.u.mpls.nh = 99;
	ck_assert_int_eq(apply_hex(dp, &m, &r), -EINVAL);
	ck_assert_uint_eq(dp_mpls_lookup(dp, 100), 0);
	msg_vxlan(&m);
	m.u.vxlan.nh = 99;
	ck_assert_int_eq(apply_hex(dp, &m, &r), -EINVAL);
	ck_assert_uint_eq(dp_vxlan_lookup(dp, 5000, NULL), 0);
	msg_mirror(&m);
	m.u.mirror.flags = DP_MIRROR_STATIC; /* without a VNI */
	ck_assert_int_eq(apply_hex(dp, &m, &r), -EINVAL);
	ck_assert_ptr_null(dp_mirror_lookup(dp, 3));
	/* the existing nexthops kept their refs */
	ck_assert_uint_eq(dp_nh_lookup(dp, 2)->refcnt, 0);
	ck_assert_int_eq(dp_nh_del(dp, 2), 0);
	dp_free(dp);
}
END_TEST

Suite *
dp_msg_suite(void)
{
	Suite *s = suite_create("dp_msg");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_loop_test(tc, test_bytes, 0, (int)MSG_TAB_N);
	tcase_add_loop_test(tc, test_key_ops, 0, (int)MSG_TAB_N);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_reply);
	tcase_add_loop_test(tc, test_entry, 0, 2);
	tcase_add_test(tc, test_rt_dump);
	tcase_add_test(tc, test_policy_max);
	tcase_add_test(tc, test_apply);
	tcase_add_test(tc, test_apply_refused);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_bad_field, 0, (int)BAD_TAB_N);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	return s;
}
