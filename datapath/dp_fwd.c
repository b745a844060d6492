/*
 * dp_fwd.c - the forwarding engine of mirador-vrouter (DESIGN.md section
 * 5, reference/contrail-protocol.md sections 5 and 6).  One call per
 * received frame: decode, port-RX mirror, ARP, flow (policy, flow
 * mirrors, deny), route or bridge lookup, nexthop (encap to a VM,
 * tunnel to the fabric, composite), port-TX mirror, transmit.  Every
 * frame sent leaves through the tx callback from the frame itself or
 * from one of four scratch buffers allocated once: nothing is allocated
 * per packet.  Copies (mirror_send) run with copy set, so they are never
 * mirrored again and make no flows.  GRE from the fabric is a mirror
 * copy by definition (Cloudpods tap flows to another node's tap
 * service): its key names the nexthop that gets the inner frame as is.
 */
#include "datapath/dp_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* A frame plus the largest headers we put in front of it, and the room
 * kept in front of what we build so headers are pushed, not copied. */
#define FWD_BUF  (DP_PKT_MAX + 2 * DP_UDP4_OVERHEAD + DP_JHDR_MAX + 64)
#define FWD_ROOM 128

/* Bits of the Juniper header's FLAGS TLV (reference 6.2). */
#define FWD_ACT_DENY   (1u << 3)
#define FWD_ACT_PASS   (1u << 5)
#define FWD_ACT_MIRROR (1u << 7)

struct dp_fwd {
	struct dp_host host;    /* router id, vrouter MAC */
	dp_tx_fn tx;            /* transmit callback */
	void *tx_arg;           /* its argument */
	struct dp_fwd_stats st; /* counters */
	uint16_t ip_id;         /* IPv4 id of the packets we build */
	uint8_t *l2;            /* a frame given a new Ethernet header */
	uint8_t *copy;          /* a copy: Ethernet/IPv4/UDP, TLVs, frame */
	uint8_t *out;           /* a packet copied to be tunnelled */
};

/* What is being sent: a frame, with or without its Ethernet header. */
struct fwd_frame {
	uint8_t *data; /* first byte (Ethernet, or IP when !eth) */
	size_t len;    /* bytes */
	size_t l3;     /* offset of the IP header in data */
	size_t l3len;  /* bytes of the IP datagram */
	size_t room;   /* writable bytes in front of data */
	bool eth;      /* data starts with an Ethernet header */
};

enum fwd_mkind {
	FWD_PORT_RX, /* what a VM sends */
	FWD_PORT_TX, /* what a VM receives */
	FWD_FLOW,    /* a flow's mirror */
};

/* One packet (or copy) on its way. */
struct fwd_ctx {
	struct dp *dp;
	struct dp_fwd *fw;
	struct dp_vif *in;       /* received on */
	const struct dp_pkt *p;  /* decoded frame */
	const struct dp_hdrs *h; /* the level forwarded (outer or inner) */
	struct fwd_frame f;      /* what is forwarded */
	uint32_t vrf;            /* lookup VRF */
	uint32_t label;          /* label/VNI to use, 0 for the nexthop's */
	uint64_t now;            /* flow time */
	uint16_t hash;           /* flow hash: ECMP, entropy, mirror sport */
	bool hashed;             /* hash computed (fwd_hash) */
	bool l3;                 /* routed: MACs rewritten, MPLS sends IP */
	bool from_fabric;        /* came out of a tunnel */
	bool copy;               /* a mirror copy */
	bool raw;                /* deliver unchanged (mirror destination) */
	enum dp_fwd_drop why;    /* reason of the last failure */
};

static const char *const fwd_drop_names[DP_FWD_DROP__MAX] = {
    [DP_FWD_DROP_DECODE] = "decode",
    [DP_FWD_DROP_NO_VIF] = "no-vif",
    [DP_FWD_DROP_NO_ROUTE] = "no-route",
    [DP_FWD_DROP_DISCARD] = "discard",
    [DP_FWD_DROP_DENY] = "flow-deny",
    [DP_FWD_DROP_FLOW_FULL] = "flow-table-full",
    [DP_FWD_DROP_NOT_TUNNEL] = "not-tunnel",
    [DP_FWD_DROP_NO_LABEL] = "no-label",
    [DP_FWD_DROP_NO_VNI] = "no-vni",
    [DP_FWD_DROP_MTU] = "mtu",
    [DP_FWD_DROP_TTL] = "ttl",
    [DP_FWD_DROP_LOOP] = "loop",
    [DP_FWD_DROP_NH] = "bad-nexthop",
    [DP_FWD_DROP_NO_KEY] = "no-gre-key",
};

static const struct macaddr fwd_bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

static int fwd_nh(struct fwd_ctx *c, uint32_t nhidx);

static bool
fwd_mac_zero(const struct macaddr *m)
{
	static const struct macaddr zero;

	return memcmp(m, &zero, sizeof(zero)) == 0;
}

const char *
dp_fwd_drop_name(enum dp_fwd_drop reason)
{
	if ((unsigned)reason >= DP_FWD_DROP__MAX)
		return "unknown";
	return fwd_drop_names[reason];
}

void
dp__fwd_init(struct dp *dp)
{
	struct dp_fwd *fw = xcalloc(1, sizeof(*fw));
	const struct macaddr vmac = DP_VROUTER_MAC_INIT;

	fw->host.mac = vmac;
	fw->l2 = xmalloc(FWD_ROOM + FWD_BUF);
	fw->copy = xmalloc(FWD_ROOM + FWD_BUF);
	fw->out = xmalloc(FWD_ROOM + FWD_BUF);
	dp->fwd = fw;
}

void
dp__fwd_free(struct dp *dp)
{
	struct dp_fwd *fw = dp->fwd;

	if (fw == NULL)
		return;
	free(fw->l2);

	free(fw->copy);
	free(fw->out);
	free(fw);
	dp->fwd = NULL;
}

void
dp_set_host(struct dp *dp, const struct dp_host *h)
{
	dp->fwd->host = *h;
}

void
dp_get_host(const struct dp *dp, struct dp_host *h)
{
	*h = dp->fwd->host;
}

void
dp_set_tx(struct dp *dp, dp_tx_fn fn, void *arg)
{
	dp->fwd->tx = fn;
	dp->fwd->tx_arg = arg;
}

void
dp_fwd_get_stats(const struct dp *dp, struct dp_fwd_stats *st)
{
	*st = dp->fwd->st;
}

/* The inner flow's hash, computed the first time a tunnel, a copy or an
 * ECMP pick needs it (local delivery does not). */
static uint16_t
fwd_hash(struct fwd_ctx *c)
{
	if (!c->hashed) {
		c->hash = dp_mirror_sport(c->p);
		c->hashed = true;
	}
	return c->hash;
}

static int
fwd_fail(struct fwd_ctx *c, enum dp_fwd_drop why)
{
	c->why = why;
	return -1;
}

/* Hands a frame to the I/O layer and counts it on the vif. */
static int
fwd_tx(struct fwd_ctx *c, struct dp_vif *v, const uint8_t *data, size_t len)
{
	struct dp_fwd *fw = c->fw;

	if (fw->tx == NULL || fw->tx(fw->tx_arg, v, data, len, c->copy) != 0)
		return fwd_fail(c, DP_FWD_DROP_NH);
	fw->st.tx++;
	dp_ctr_add(&v->tx, len);
	return 0;
}

static void
fwd_frame_of(struct fwd_frame *f, uint8_t *base, size_t room,
    const struct dp_hdrs *h, size_t end)
{
	f->eth = (h->flags & DP_F_NOETH) == 0;
	f->data = base + (f->eth ? h->l2_off : h->l3_off);
	f->room = room + (size_t)(f->data - base);
	f->len = end - (size_t)(f->data - base);
	f->l3 = (size_t)h->l3_off - (size_t)(f->data - base);
	f->l3len = (h->flags & (DP_F_IP4 | DP_F_IP6)) != 0
	    ? (size_t)h->end - h->l3_off
	    : f->len - f->l3;
}

/* The flow key of level h in vrf. */
static void
fwd_flow_key(const struct dp_hdrs *h, uint32_t vrf, struct dp_flow_key *k)
{
	uint8_t type;

	memset(k, 0, sizeof(*k));
	k->vrf = vrf;
	k->af = (h->flags & DP_F_IP4) ? AF_INET : AF_INET6;
	k->proto = h->proto;
	memcpy(k->sip, h->src, k->af == AF_INET ? 4 : 16);
	memcpy(k->dip, h->dst, k->af == AF_INET ? 4 : 16);
	if (h->flags & (DP_F_UDP | DP_F_TCP)) {
		k->sport = h->sport;
		k->dport = h->dport;
	} else if (h->flags & DP_F_ICMP) {
		/* echo request and reply share the identifier both ways */
		type = (uint8_t)(h->sport >> 8);
		if (type == 0 || type == 8 || type == 128 || type == 129)
			k->sport = k->dport = h->dport;
	}
}

static void
fwd_jhdr_flags(const struct dp_flow *fl, bool ingress, uint32_t *flags)
{
	*flags = FWD_ACT_MIRROR |
	    (fl->action == DP_FLOW_DENY ? FWD_ACT_DENY : FWD_ACT_PASS) |
	    (ingress ? DP_JHDR_F_INGRESS : 0);
}

/*
 * The Juniper-header copy of f (mode 1) in fw->copy: Ethernet, IPv4 to
 * the analyzer, UDP, the TLVs, the frame cut to caplen; a flow copy is
 * flagged ingress when the frame did not come out of a tunnel (the
 * caller's context: the copy's own is reset).  0 or -1.
 */
static int
fwd_jcopy(struct fwd_ctx *c, const struct dp_mirror *m, const struct dp_nh *nh,
    const struct fwd_frame *f, uint32_t caplen, enum fwd_mkind kind,
    const struct dp_flow *fl, bool ingress)
{
	struct dp_fwd *fw = c->fw;
	struct dp_jhdr j;
	struct dp_udp4 u;
	struct wbuf pay;
	uint32_t flags;
	size_t len;
	int err;

	if (kind == FWD_PORT_RX)
		dp_jhdr_port_rx(&j, m->src_vn);
	else if (kind == FWD_PORT_TX)
		dp_jhdr_port_tx(&j, m->dst_vn);
	else {
		fwd_jhdr_flags(fl, ingress, &flags);
		dp_jhdr_flow(&j, ntohl(fw->host.router_id.s_addr), flags,
		    fl->src_vn, fl->dst_vn);
	}
	wbuf_init(&pay, fw->copy + FWD_ROOM, FWD_BUF);
	if (dp_jhdr_encode(&pay, &j) != 0 ||
	    wbuf_put_bytes(&pay, f->data, caplen) == -1)
		return -1;
	memset(&u, 0, sizeof(u));
	memcpy(u.dmac, fw->host.mac.b, 6);
	memcpy(u.smac, fw->host.mac.b, 6);
	u.src = ntohl(
	    nh->sip.s_addr != 0 ? nh->sip.s_addr : fw->host.router_id.s_addr);
	u.dst = ntohl(nh->an_ip.u.v4.s_addr);
	u.sport = fwd_hash(c);
	u.dport = nh->an_port;
	u.ttl = DP_FWD_TTL;
	u.ip_id = fw->ip_id++;
	len = pay.len;
	c->f.data = dp_encap_push(pay.data, &len, &u, DP_ENCAP_NONE, 0, &err);
	if (c->f.data == NULL)
		return -1;
	c->f.len = len;
	c->f.room = (size_t)(c->f.data - fw->copy);
	c->f.eth = true;
	c->f.l3 = DP_ETH_HLEN;
	c->f.l3len = len - DP_ETH_HLEN;
	return 0;
}

/*
 * One mirror copy of frame f through mirror entry idx: in mode 1 the
 * Juniper header in UDP to the analyzer, routed in the mirror nexthop's
 * VRF (or over the underlay through its fabric vif when that VRF has no
 * route); in modes 2 and 4 the frame itself through the mirror's
 * nexthop (a tunnel, or a local analyzer vif), with the mirror's VNI.
 */
static void
fwd_mirror(struct fwd_ctx *c, uint32_t idx, const struct fwd_frame *f,
    enum fwd_mkind kind, const struct dp_flow *fl)
{
	struct dp_fwd *fw = c->fw;
	struct dp_mirror *m;
	struct dp_nh *nh;
	struct dp_vif *fab;
	struct fwd_ctx cc;
	uint32_t caplen, rtnh;
	int rc = -1;

	if (c->copy || !f->eth)
		return;
	if ((m = dp_mirror_lookup(c->dp, idx)) == NULL) {
		fw->st.mirror_missing++;
		return;
	}
	/* a VLAN filter (a Cloudpods vswitch flow): that tag only */
	if (m->vlan != 0 &&
	    (f->len < DP_ETH_HLEN + DP_VLAN_HLEN || f->data[12] != 0x81 ||
		f->data[13] != 0x00 ||
		((f->data[14] << 8 | f->data[15]) & 0x0fff) != m->vlan))
		return;
	if (!dp_mirror_sample(m, (uint32_t)f->len))
		return;
	caplen = dp_mirror_snap(m, (uint32_t)f->len);
	nh = dp_nh_lookup(c->dp, m->nh);
	cc = *c;
	cc.copy = true;
	cc.raw = false;
	cc.from_fabric = false;
	cc.label = 0;
	cc.l3 = false;
	if ((m->flags & DP_MIRROR_JUNIPER_HDR) == 0) {
		cc.f = *f;
		cc.f.len = caplen;
		cc.f.l3len = 0; /* sent as a frame: no IP view of it */
		cc.label = m->vni;
		rc = fwd_nh(&cc, m->nh);
	} else if (nh != NULL && nh->type == DP_NH_MIRROR_UDP &&
	    nh->an_ip.af == AF_INET &&
	    fwd_jcopy(&cc, m, nh, f, caplen, kind, fl, !c->from_fabric) == 0) {
		cc.l3 = true;
		cc.vrf = nh->vrf;
		rtnh = dp_rt_lookup(c->dp, nh->vrf, &nh->an_ip, NULL);
		fab = dp_vif_lookup(c->dp, nh->vif);
		if (rtnh != 0)
			rc = fwd_nh(&cc, rtnh);
		else if (fab != NULL && fab->kind == DP_VIF_FABRIC)
			rc = fwd_tx(&cc, fab, cc.f.data, cc.f.len);
	}
	if (rc == 0)
		fw->st.mirror_copies++;
	else
		fw->st.mirror_fail++;
}

/* The flow of the level being forwarded, created or re-evaluated from
 * vif's policy; its mirrors; -1 (deny, no room) or 0. */
static int
fwd_flow(struct fwd_ctx *c, uint32_t vif, const struct fwd_frame *mf)
{
	struct dp_fwd *fw = c->fw;
	const struct dp_rule *r;
	struct dp_flow_key k;
	struct dp_flow_cfg cfg;
	struct dp_flow *fl, *fwdf;
	uint32_t i, owner;
	int rc;

	fwd_flow_key(c->h, c->vrf, &k);
	fl = dp_flow_lookup(c->dp, &k);
	if (fl == NULL || (fl->vif < DP_VIF_MAX && dp_flow_stale(c->dp, fl))) {
		fwdf = fl == NULL ? NULL : fl->reverse ? fl->rev : fl;
		owner = fwdf == NULL ? vif : fwdf->vif;
		memset(&cfg, 0, sizeof(cfg));
		r = dp_policy_match(
		    c->dp, owner, fwdf == NULL ? &k : &fwdf->key);
		if (r != NULL) {
			cfg.action = r->action;
			cfg.src_vn = r->src_vn;
			cfg.dst_vn = r->dst_vn;
		} else {
			/* no rule matched: implicit deny; no policy: pass */
			uint32_t n;

			cfg.action = dp_policy_get(c->dp, owner, &n) != NULL
			    ? DP_FLOW_DENY
			    : DP_FLOW_PASS;
		}
		for (i = 0; i < DP_FLOW_MIRRORS; i++) {
			cfg.mirror[i] =
			    r != NULL ? r->mirror[i] : DP_MIRROR_NONE;
			if (cfg.mirror[i] != DP_MIRROR_NONE &&
			    dp_mirror_lookup(c->dp, cfg.mirror[i]) == NULL) {
				fw->st.mirror_missing++;
				cfg.mirror[i] = DP_MIRROR_NONE;
			}
		}
		if (fwdf != NULL) {
			(void)dp_flow_update(c->dp, fwdf, &cfg);
			fw->st.flows_reevaluated++;
		} else {
			rc = dp_flow_add(c->dp, &k, &cfg, c->now, &fl);
			if (rc == -ENOSPC)
				return fwd_fail(c, DP_FWD_DROP_FLOW_FULL);
			if (rc != 0)
				return fwd_fail(c, DP_FWD_DROP_NH);
			fl->vif = fl->rev->vif = vif;
			fw->st.flows_created++;
		}
	}
	dp_flow_touch(fl, c->now, (uint32_t)mf->len);
	for (i = 0; i < DP_FLOW_MIRRORS; i++)
		if (fl->mirror[i] != DP_MIRROR_NONE)
			fwd_mirror(c, fl->mirror[i], mf, FWD_FLOW, fl);
	if (fl->action == DP_FLOW_DENY)
		return fwd_fail(c, DP_FWD_DROP_DENY);
	return 0;
}

/* Out of a local vif: MTU, the egress flow, port-TX mirroring, send. */
static int
fwd_deliver(struct fwd_ctx *c, struct dp_vif *out, const struct fwd_frame *f)
{
	size_t hl = DP_ETH_HLEN;

	if (out->kind == DP_VIF_VM && !c->raw) {
		if (f->len > DP_ETH_HLEN + DP_VLAN_HLEN &&
		    f->data[12] == 0x81 && f->data[13] == 0x00)
			hl += DP_VLAN_HLEN;
		if (f->len > hl + out->mtu)
			return fwd_fail(c, DP_FWD_DROP_MTU);
		if (!c->copy && c->from_fabric &&
		    (c->h->flags & (DP_F_IP4 | DP_F_IP6)) &&
		    c->dp->policy[out->idx] != NULL &&
		    fwd_flow(c, out->idx, f) != 0)
			return -1;
		if (!c->copy && (out->flags & DP_VIF_MIRROR_TX))
			fwd_mirror(c, out->mirror, f, FWD_PORT_TX, NULL);
	}
	return fwd_tx(c, out, f->data, f->len);
}

/* An encap nexthop: the frame to a local vif, MACs rewritten if routed. */
static int
fwd_encap(struct fwd_ctx *c, const struct dp_nh *nh)
{
	struct dp_vif *out = dp_vif_lookup(c->dp, nh->vif);
	struct fwd_frame f = c->f;
	uint8_t *ip;

	if (out == NULL)
		return fwd_fail(c, DP_FWD_DROP_NH);
	if (c->raw || !c->l3)
		return fwd_deliver(c, out, &f);
	if (f.eth) {
		memcpy(f.data, nh->dmac.b, 6);
		memcpy(f.data + 6, nh->smac.b, 6);
		return fwd_deliver(c, out, &f);
	}
	/* routed IP out of a tunnel: give it an Ethernet header */
	ip = f.data + f.l3;
	if (f.l3len + DP_ETH_HLEN > DP_PKT_MAX)
		return fwd_fail(c, DP_FWD_DROP_MTU);
	f.data = c->fw->l2 + FWD_ROOM;
	memcpy(f.data, nh->dmac.b, 6);
	memcpy(f.data + 6, nh->smac.b, 6);
	f.data[12] = (ip[0] >> 4) == 6 ? 0x86 : 0x08;
	f.data[13] = (ip[0] >> 4) == 6 ? 0xdd : 0x00;
	memcpy(f.data + DP_ETH_HLEN, ip, f.l3len);
	f.room = FWD_ROOM;
	f.len = f.l3len + DP_ETH_HLEN;
	f.l3 = DP_ETH_HLEN;
	f.eth = true;
	return fwd_deliver(c, out, &f);
}

/*
 * A tunnel nexthop: MPLSoUDP (IP if routed, else the frame), VXLAN or
 * GRE (always a frame) to the nexthop's remote address, out of its vif.
 * A GRE key is always the nexthop's: it is 32 bits, which the 24-bit
 * label/VNI of bridge and mirror entries cannot carry.
 */
static int
fwd_tunnel(struct fwd_ctx *c, const struct dp_nh *nh)
{
	struct dp_fwd *fw = c->fw;
	struct dp_vif *fab = dp_vif_lookup(c->dp, nh->vif);
	uint8_t *pay = c->f.data, *start;
	size_t plen = c->f.len, room = c->f.room;
	uint32_t label = c->label != 0 ? c->label : nh->label;
	enum dp_encap kind;
	struct dp_udp4 u;
	int err;

	if (fab == NULL)
		return fwd_fail(c, DP_FWD_DROP_NH);
	/* split horizon: a bridged frame from the fabric does not go back */
	if (c->from_fabric && !c->l3)
		return fwd_fail(c, DP_FWD_DROP_LOOP);
	memset(&u, 0, sizeof(u));
	memcpy(u.dmac, nh->dmac.b, 6);
	memcpy(
	    u.smac, fwd_mac_zero(&nh->smac) ? fw->host.mac.b : nh->smac.b, 6);
	u.src = ntohl(
	    nh->sip.s_addr != 0 ? nh->sip.s_addr : fw->host.router_id.s_addr);
	u.dst = ntohl(nh->dip.s_addr);
	u.sport = fwd_hash(c);
	u.ttl = DP_FWD_TTL;
	u.ip_id = fw->ip_id++;
	if (nh->tun == DP_TUN_MPLSOUDP) {
		kind = DP_ENCAP_MPLSOUDP;
		u.dport = DP_PORT_MPLSOUDP;
		if (label < DP_MPLS_MIN || label > DP_LABEL_MAX)
			return fwd_fail(c, DP_FWD_DROP_NH);
		if (c->l3 && !c->raw) {
			/* routed: the IP datagram only */
			pay = c->f.data + c->f.l3;
			room += c->f.l3;
			plen = c->f.l3len;
		}
	} else {
		if (nh->tun == DP_TUN_GRE) {
			kind = DP_ENCAP_GRE;
			label = nh->label;
		} else {
			kind = DP_ENCAP_VXLAN;
			u.dport = DP_PORT_VXLAN;
			if (label < 1 || label > DP_VNI_MAX)
				return fwd_fail(c, DP_FWD_DROP_NH);
		}
		if (!c->f.eth) {
			/* routed IP from an MPLS tunnel: a frame to our MAC */
			if (c->f.l3len + DP_ETH_HLEN > DP_PKT_MAX)
				return fwd_fail(c, DP_FWD_DROP_MTU);
			pay = fw->l2 + FWD_ROOM;
			memcpy(pay, fw->host.mac.b, 6);
			memcpy(pay + 6, fw->host.mac.b, 6);
			pay[12] = (c->f.data[c->f.l3] >> 4) == 6 ? 0x86 : 0x08;
			pay[13] = (c->f.data[c->f.l3] >> 4) == 6 ? 0xdd : 0x00;
			memcpy(
			    pay + DP_ETH_HLEN, c->f.data + c->f.l3, c->f.l3len);
			plen = c->f.l3len + DP_ETH_HLEN;
			room = FWD_ROOM;
		}
	}
	if (room < DP_ENCAP_ROOM) {
		/* no room in front of the caller's frame: copy it */
		memcpy(fw->out + FWD_ROOM, pay, plen);
		pay = fw->out + FWD_ROOM;
	}
	if ((start = dp_encap_push(pay, &plen, &u, kind, label, &err)) == NULL)
		return fwd_fail(
		    c, err == -EMSGSIZE ? DP_FWD_DROP_MTU : DP_FWD_DROP_NH);
	return fwd_tx(c, fab, start, plen);
}

static int
fwd_nh(struct fwd_ctx *c, uint32_t nhidx)
{
	struct dp_nh *nh = dp_nh_lookup(c->dp, nhidx), *m;
	struct dp_vif *v;
	uint32_t i, sent = 0;

	if (nh == NULL)
		return fwd_fail(c, DP_FWD_DROP_NH);
	switch (nh->type) {
	case DP_NH_DISCARD:
		return fwd_fail(c, DP_FWD_DROP_DISCARD);
	case DP_NH_RECEIVE:
		v = dp_vif_lookup(c->dp, nh->vif);
		if (v == NULL || v->kind != DP_VIF_AGENT)
			return fwd_fail(c, DP_FWD_DROP_DISCARD);
		dp_ctr_add(&nh->ctr, c->f.len);
		return fwd_tx(c, v, c->f.data, c->f.len);
	case DP_NH_ENCAP:
		dp_ctr_add(&nh->ctr, c->f.len);
		return fwd_encap(c, nh);
	case DP_NH_TUNNEL:
		dp_ctr_add(&nh->ctr, c->f.len);
		return fwd_tunnel(c, nh);
	case DP_NH_MIRROR_UDP:
		return fwd_fail(c, DP_FWD_DROP_NH);
	case DP_NH_COMPOSITE:
		dp_ctr_add(&nh->ctr, c->f.len);
		if (nh->ecmp)
			return fwd_nh(
			    c, dp_nh_ecmp_pick(c->dp, nh, fwd_hash(c))->idx);
		/* flood: every member but the way it came in */
		for (i = 0; i < nh->ncomp; i++) {
			m = dp_nh_lookup(c->dp, nh->comp[i]);
			if (m == NULL ||
			    (m->type == DP_NH_ENCAP && m->vif == c->in->idx) ||
			    (m->type == DP_NH_TUNNEL && c->from_fabric))
				continue;
			if (fwd_nh(c, m->idx) == 0)
				sent++;
		}
		return sent > 0 ? 0 : fwd_fail(c, DP_FWD_DROP_NO_ROUTE);
	}
	return fwd_fail(c, DP_FWD_DROP_NH);
}

/* A routed packet's TTL or hop limit down by one (checksum redone). */
static int
fwd_ttl(struct fwd_ctx *c)
{
	uint8_t *ip = c->f.data + c->f.l3;
	uint32_t sum;

	if (c->h->flags & DP_F_IP4) {
		if (ip[8] <= 1)
			return fwd_fail(c, DP_FWD_DROP_TTL);
		ip[8]--;
		/* RFC 1624: the TTL's word went down by 0x0100 */
		sum = (uint32_t)(ip[10] << 8 | ip[11]) + 0x0100;
		sum = (sum & 0xffff) + (sum >> 16);
		ip[10] = (uint8_t)(sum >> 8);
		ip[11] = (uint8_t)sum;
	} else {
		if (ip[7] <= 1)
			return fwd_fail(c, DP_FWD_DROP_TTL);
		ip[7]--;
	}
	return 0;
}

/* Route (IP to the vrouter MAC, or IP without Ethernet) or bridge. */
static int
fwd_lookup(struct fwd_ctx *c)
{
	const struct dp_hdrs *h = c->h;
	const struct macaddr *dmac;
	struct dp_bridge *b;
	struct ipaddr dst;
	uint32_t nh;

	if ((h->flags & (DP_F_IP4 | DP_F_IP6)) &&
	    (!c->f.eth || memcmp(c->f.data, c->fw->host.mac.b, 6) == 0)) {
		memset(&dst, 0, sizeof(dst));
		dst.af = (h->flags & DP_F_IP4) ? AF_INET : AF_INET6;
		memcpy(dst.u.b, h->dst, dst.af == AF_INET ? 4 : 16);
		if ((nh = dp_rt_lookup(c->dp, c->vrf, &dst, NULL)) == 0)
			return fwd_fail(c, DP_FWD_DROP_NO_ROUTE);
		if (fwd_ttl(c) != 0)
			return -1;
		c->l3 = true;
		return fwd_nh(c, nh);
	}
	if (!c->f.eth)
		return fwd_fail(c, DP_FWD_DROP_NO_ROUTE);
	dmac = (c->f.data[0] & 1) ? &fwd_bcast
				  : (const struct macaddr *)(void *)c->f.data;
	if ((b = dp_bridge_lookup(c->dp, c->vrf, dmac)) == NULL)
		return fwd_fail(c, DP_FWD_DROP_NO_ROUTE);
	dp_ctr_add(&b->ctr, c->f.len);
	c->label = b->label;
	return fwd_nh(c, b->nh);
}

/* An ARP request from a VM for an address the VRF routes: answered
 * with the vrouter MAC.  0 answered, 1 not ours (bridge it), -1. */
static int
fwd_arp(struct fwd_ctx *c)
{
	const uint8_t *a = c->f.data + c->f.l3;
	uint8_t *r = c->fw->l2;
	struct fwd_frame f;
	struct ipaddr tip;

	if (c->h->arp_op != 1 || c->f.len < c->f.l3 + 28 ||
	    memcmp(a + 14, a + 24, 4) == 0)
		return 1;
	memset(&tip, 0, sizeof(tip));
	tip.af = AF_INET;
	memcpy(tip.u.b, a + 24, 4);
	if (dp_rt_lookup(c->dp, c->vrf, &tip, NULL) == 0)
		return 1;
	memcpy(r, a + 8, 6);
	memcpy(r + 6, c->fw->host.mac.b, 6);
	r[12] = 0x08;
	r[13] = 0x06;
	memcpy(r + 14, "\x00\x01\x08\x00\x06\x04\x00\x02", 8);
	memcpy(r + 22, c->fw->host.mac.b, 6);
	memcpy(r + 28, a + 24, 4);
	memcpy(r + 32, a + 8, 6);
	memcpy(r + 38, a + 14, 4);
	memset(&f, 0, sizeof(f));
	f.data = r;
	f.len = 42;
	f.l3 = DP_ETH_HLEN;
	f.l3len = 28;
	f.eth = true;
	c->fw->st.arp_replies++;
	return fwd_deliver(c, c->in, &f);
}

static int
fwd_from_vm(struct fwd_ctx *c)
{
	int rc;

	if (c->in->flags & DP_VIF_MIRROR_RX)
		fwd_mirror(c, c->in->mirror, &c->f, FWD_PORT_RX, NULL);
	if ((c->h->flags & DP_F_ARP) && (rc = fwd_arp(c)) <= 0)
		return rc;
	if ((c->h->flags & (DP_F_IP4 | DP_F_IP6)) &&
	    c->dp->policy[c->in->idx] != NULL &&
	    fwd_flow(c, c->in->idx, &c->f) != 0)
		return -1;
	return fwd_lookup(c);
}

/* The VRF of a tunnelled packet and whether it is a mirror destination's. */
static int
fwd_tunnel_vrf(struct fwd_ctx *c, const struct dp_pkt *p, uint32_t *nh)
{
	struct dp_nh *n;

	if (p->encap == DP_ENCAP_GRE) {
		/* always a mirror copy: handed on unchanged, whatever VRF */
		if ((*nh = dp_gre_lookup(c->dp, p->key)) == 0 ||
		    (n = dp_nh_lookup(c->dp, *nh)) == NULL)
			return fwd_fail(c, DP_FWD_DROP_NO_KEY);
		c->vrf = n->vrf;
		c->raw = c->f.eth;
		return 0;
	}
	if (p->encap == DP_ENCAP_VXLAN) {
		if ((*nh = dp_vxlan_lookup(c->dp, p->vni, &c->vrf)) == 0)
			return fwd_fail(c, DP_FWD_DROP_NO_VNI);
	} else {
		if ((*nh = dp_mpls_lookup(c->dp, p->label)) == 0 ||
		    (n = dp_nh_lookup(c->dp, *nh)) == NULL)
			return fwd_fail(c, DP_FWD_DROP_NO_LABEL);
		c->vrf = n->vrf;
	}
	/* IP behind an MPLS label is routed even into a mirror VRF */
	c->raw =
	    (dp_vrf_flags(c->dp, c->vrf) & DP_VRF_MIRROR_DEST) != 0 && c->f.eth;
	return 0;
}

static int
fwd_from_fabric(
    struct fwd_ctx *c, uint8_t *frame, size_t room, const struct dp_pkt *p)
{
	const struct dp_hdrs *o = &p->outer;
	uint32_t nh;

	if (p->encap == DP_ENCAP_NONE)
		return fwd_fail(c, DP_FWD_DROP_NOT_TUNNEL);
	if (c->fw->host.router_id.s_addr != 0 &&
	    memcmp(o->dst, &c->fw->host.router_id.s_addr, 4) != 0)
		return fwd_fail(c, DP_FWD_DROP_NOT_TUNNEL);
	c->from_fabric = true;
	c->h = &p->inner;
	fwd_frame_of(&c->f, frame, room, &p->inner, p->len);
	if (fwd_tunnel_vrf(c, p, &nh) != 0)
		return -1;
	if (c->raw) {
		/* a mirror copy for the local analyzers, whatever its MAC */
		c->copy = true;
		return fwd_nh(c, nh);
	}
	if (p->encap == DP_ENCAP_VXLAN)
		return fwd_lookup(c);
	/* MPLS: the label names the nexthop; IP behind it is routed */
	c->l3 = !c->f.eth ||
	    ((c->h->flags & (DP_F_IP4 | DP_F_IP6)) &&
		memcmp(c->f.data, c->fw->host.mac.b, 6) == 0);
	return fwd_nh(c, nh);
}

/*
 * A fabric frame whose inner frame did not decode: still a mirror copy
 * when its VNI, label or GRE key leads to a mirror destination (copies may
 * be cut to a snap length), else a drop.
 */
static int
fwd_cut_copy(struct fwd_ctx *c, uint8_t *frame, const struct dp_pkt *p)
{
	uint32_t nh;

	if (c->in->kind != DP_VIF_FABRIC || p->encap == DP_ENCAP_NONE ||
	    p->inner_off == 0 || p->inner_off >= p->len ||
	    (c->fw->host.router_id.s_addr != 0 &&
		memcmp(p->outer.dst, &c->fw->host.router_id.s_addr, 4) != 0))
		return -1;
	c->f.data = frame + p->inner_off;
	c->f.len = (size_t)p->len - p->inner_off;
	c->f.l3 = 0;
	c->f.l3len = 0;
	c->f.room = 0;
	c->f.eth = true;
	if (fwd_tunnel_vrf(c, p, &nh) != 0 || !c->raw)
		return -1;
	c->from_fabric = c->copy = true;
	return fwd_nh(c, nh);
}

int
dp_fwd(struct dp *dp, uint32_t vif, uint8_t *frame, size_t len, uint64_t now,
    enum dp_fwd_drop *why)
{
	return dp_fwd_room(dp, vif, frame, len, 0, now, why);
}

int
dp_fwd_room(struct dp *dp, uint32_t vif, uint8_t *frame, size_t len,
    size_t room, uint64_t now, enum dp_fwd_drop *why)
{
	struct dp_fwd *fw = dp->fwd;
	struct fwd_ctx c;
	enum dp_drop reason;
	struct dp_pkt p;
	int rc;

	fw->st.rx++;
	memset(&c, 0, sizeof(c));
	c.dp = dp;
	c.fw = fw;
	c.now = now;
	c.p = &p;
	if ((c.in = dp_vif_lookup(dp, vif)) == NULL) {
		rc = fwd_fail(&c, DP_FWD_DROP_NO_VIF);
		goto out;
	}
	memset(&p, 0, sizeof(p));
	if (dp_pkt_decode(frame, len, &p, &reason) != 0) {
		if (fwd_cut_copy(&c, frame, &p) == 0) {
			dp_ctr_add(&c.in->rx, len);
			return 0;
		}
		fw->st.decode[reason < DP_DROP__MAX ? reason : 0]++;
		rc = fwd_fail(&c, DP_FWD_DROP_DECODE);
		goto out;
	}
	dp_ctr_add(&c.in->rx, len);

	c.vrf = c.in->vrf;
	if (c.in->kind == DP_VIF_FABRIC)
		rc = fwd_from_fabric(&c, frame, room, &p);
	else {
		c.h = &p.outer;
		fwd_frame_of(&c.f, frame, room, &p.outer, p.len);
		rc = fwd_from_vm(&c);
	}
out:
	if (rc == 0)
		return 0;
	fw->st.drop[c.why]++;
	if (c.in != NULL)
		dp_ctr_add(&c.in->drop, len);
	if (why != NULL)
		*why = c.why;
	return -1;
}
