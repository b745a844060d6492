/*
 * dp_msg.c - the programming protocol's codec and its application to the
 * tables.  A message is a 12-byte header (magic, version, type, op,
 * flags, body length, sequence) and a typed body: the key of the entry,
 * then for an ADD the rest of it (datapath/README.md has each layout).
 * The entries answering a GET or DUMP carry the ADD body and a state
 * tail of counters.  Decoding is pure and checks every field against
 * the limits of dp.h before anything is applied, so a bad message
 * changes nothing; dp_srv.c frames the socket stream and replies.
 * Types: vif, nh, route, bridge, mpls, vxlan, mirror, policy, flow,
 * vrf and gre (key -> nexthop).
 */
#include "datapath/dp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Records why and where a decode failed; returns rc. */
static int
dp_msg_fail(struct dp_msg_err *err, size_t off, const char *why, int rc)
{
	err->reason = why;
	err->off = off;
	return rc;
}

/* A length-prefixed string: at most DP_MSG_STR_MAX bytes, else -EINVAL. */
static int
dp_msg_put_str(struct wbuf *w, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n > DP_MSG_STR_MAX)
		return -EINVAL;
	if (wbuf_put_u8(w, (uint8_t)n) == -1 ||
	    wbuf_put_bytes(w, s != NULL ? s : "", n) == -1)
		return -ENOBUFS;
	return 0;
}

/*
 * Reads a length-prefixed string of at most max bytes into out (max + 1
 * bytes).  0, -EPROTO when cut, -EINVAL when too long or holding a NUL.
 */
static int
dp_msg_get_str(struct buf *b, char *out, size_t max)
{
	const uint8_t *p;
	uint8_t n;

	/* checked before copying: out holds max + 1 bytes, not 256 */
	if (buf_get_u8(b, &n) == -1 || (p = buf_get_ptr(b, n)) == NULL)
		return -EPROTO;
	if (n > max || memchr(p, '\0', n) != NULL)
		return -EINVAL;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* Address family on the wire: 4 or 6 (0 for none where allowed). */
static uint8_t
dp_msg_af_code(sa_family_t af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 6 : 0;
}

static int
dp_msg_put_ip(struct wbuf *w, const struct ipaddr *ip)
{
	uint8_t c = dp_msg_af_code(ip->af);

	if (wbuf_put_u8(w, c) == -1 ||
	    wbuf_put_bytes(w, ip->u.b,
		c == 4       ? 4
		    : c == 6 ? 16
			     : 0) == -1)
		return -ENOBUFS;
	return 0;
}

/* An address; none (code 0) only if may_none.  0, -EPROTO or -EINVAL. */
static int
dp_msg_get_ip(struct buf *b, struct ipaddr *ip, bool may_none)
{
	uint8_t c;

	memset(ip, 0, sizeof(*ip));
	if (buf_get_u8(b, &c) == -1)
		return -EPROTO;
	if (c == 4)
		ip->af = AF_INET;
	else if (c == 6)
		ip->af = AF_INET6;
	else if (c != 0 || !may_none)
		return -EINVAL;
	if (buf_get_bytes(b, ip->u.b, c == 4 ? 4 : c == 6 ? 16 : 0) == -1)
		return -EPROTO;
	return 0;
}

/* An address of the family af (AF_INET or AF_INET6), without a code. */
static int
dp_msg_put_addr(struct wbuf *w, sa_family_t af, const uint8_t *a)
{
	return wbuf_put_bytes(w, a, af == AF_INET ? 4 : 16) == -1 ? -ENOBUFS
								  : 0;
}

/* A rule's prefix: family 0 (any, no address or length) when its
 * length is 0, else family, address and length. */
static int
dp_msg_put_rule_prefix(struct wbuf *w, const struct prefix *p)
{
	if (p->len == 0)
		return wbuf_put_u8(w, 0) == -1 ? -ENOBUFS : 0;
	if (p->addr.af != AF_INET && p->addr.af != AF_INET6)
		return -EINVAL;
	if (dp_msg_put_ip(w, &p->addr) != 0 || wbuf_put_u8(w, p->len) == -1)
		return -ENOBUFS;
	return 0;
}

/* What a rule or a flow does: action, two mirrors, two VN names. */
static int
dp_msg_put_verdict(struct wbuf *w, enum dp_flow_action action,
    const uint32_t *mirror, const char *src, const char *dst)
{
	int rc;

	if (wbuf_put_u8(w, (uint8_t)action) == -1 ||
	    wbuf_put_u32(w, mirror[0]) == -1 ||
	    wbuf_put_u32(w, mirror[1]) == -1)
		return -ENOBUFS;
	if ((rc = dp_msg_put_str(w, src)) != 0 ||
	    (rc = dp_msg_put_str(w, dst)) != 0)
		return rc;
	return 0;
}

static int
dp_msg_put_rule(struct wbuf *w, const struct dp_rule *r)
{
	int rc;

	if (wbuf_put_u8(w, dp_msg_af_code(r->af)) == -1 ||
	    wbuf_put_u8(w, r->proto) == -1)
		return -ENOBUFS;
	if ((rc = dp_msg_put_rule_prefix(w, &r->src)) != 0 ||
	    (rc = dp_msg_put_rule_prefix(w, &r->dst)) != 0)
		return rc;
	if (wbuf_put_u16(w, r->sport_lo) == -1 ||
	    wbuf_put_u16(w, r->sport_hi) == -1 ||
	    wbuf_put_u16(w, r->dport_lo) == -1 ||
	    wbuf_put_u16(w, r->dport_hi) == -1)
		return -ENOBUFS;
	return dp_msg_put_verdict(
	    w, r->action, r->mirror, r->src_vn, r->dst_vn);
}

/* A flow key: VRF, family, protocol, ports, source, destination. */
static int
dp_msg_put_flow_key(struct wbuf *w, const struct dp_flow_key *k)
{
	if (k->af != AF_INET && k->af != AF_INET6)
		return -EINVAL;
	if (wbuf_put_u32(w, k->vrf) == -1 ||
	    wbuf_put_u8(w, dp_msg_af_code(k->af)) == -1 ||
	    wbuf_put_u8(w, k->proto) == -1 || wbuf_put_u16(w, k->sport) == -1 ||
	    wbuf_put_u16(w, k->dport) == -1 ||
	    dp_msg_put_addr(w, k->af, k->sip) != 0 ||
	    dp_msg_put_addr(w, k->af, k->dip) != 0)
		return -ENOBUFS;
	return 0;
}

/*
 * The key of each type, then for ADD (and an entry) the rest; a DUMP
 * has no body but a route DUMP's VRF and optional family.
 */
static int
dp_msg_encode_body(struct wbuf *w, const struct dp_msg *m, bool add)
{
	const struct dp_vif_cfg *v = &m->u.vif;
	const struct dp_nh *nh = &m->u.nh;
	const struct dp_mirror_cfg *mi = &m->u.mirror;
	int rc = 0;
	uint32_t i;

	if (m->op == DP_MSG_DUMP && !add) {
		if (m->type != DP_MSG_ROUTE)
			return 0;
		if (wbuf_put_u32(w, m->u.rt.vrf) == -1 ||
		    (m->u.rt.p.addr.af != 0 &&
			wbuf_put_u8(w, dp_msg_af_code(m->u.rt.p.addr.af)) ==
			    -1))
			return -ENOBUFS;
		return 0;
	}
	switch (m->type) {
	case DP_MSG_VIF:
		if (wbuf_put_u32(w, v->idx) == -1)
			return -ENOBUFS;
		if (!add)
			return 0;
		if (v->name == NULL || strlen(v->name) > DP_VIF_NAME_MAX)
			return -EINVAL;
		if (wbuf_put_u8(w, (uint8_t)v->kind) == -1 ||
		    (rc = dp_msg_put_str(w, v->name)) != 0 ||
		    wbuf_put_bytes(w, v->mac.b, 6) == -1 ||
		    wbuf_put_u32(w, v->vrf) == -1 ||
		    wbuf_put_u32(w, v->flags) == -1 ||
		    wbuf_put_u32(w, v->mirror) == -1 ||
		    wbuf_put_u32(w, v->mtu) == -1)
			return rc != 0 ? rc : -ENOBUFS;
		return 0;
	case DP_MSG_NH:
		if (wbuf_put_u32(w, nh->idx) == -1)
			return -ENOBUFS;
		if (!add)
			return 0;
		if (nh->ncomp > DP_NH_COMP_MAX)
			return -EINVAL;
		if (wbuf_put_u8(w, (uint8_t)nh->type) == -1 ||
		    wbuf_put_u32(w, nh->vrf) == -1 ||
		    wbuf_put_u32(w, nh->vif) == -1 ||
		    wbuf_put_bytes(w, nh->dmac.b, 6) == -1 ||
		    wbuf_put_bytes(w, nh->smac.b, 6) == -1 ||
		    wbuf_put_u8(w, (uint8_t)nh->tun) == -1 ||
		    wbuf_put_bytes(w, &nh->sip, 4) == -1 ||
		    wbuf_put_bytes(w, &nh->dip, 4) == -1 ||
		    wbuf_put_u32(w, nh->label) == -1 ||
		    dp_msg_put_ip(w, &nh->an_ip) != 0 ||
		    wbuf_put_u16(w, nh->an_port) == -1 ||
		    wbuf_put_u8(w, nh->ecmp ? 1 : 0) == -1 ||
		    wbuf_put_u8(w, (uint8_t)nh->ncomp) == -1)
			return -ENOBUFS;
		for (i = 0; i < nh->ncomp; i++)
			if (wbuf_put_u32(w, nh->comp[i]) == -1)
				return -ENOBUFS;
		return 0;
	case DP_MSG_ROUTE:
		if (m->u.rt.p.addr.af != AF_INET &&
		    m->u.rt.p.addr.af != AF_INET6)
			return -EINVAL;
		if (wbuf_put_u32(w, m->u.rt.vrf) == -1 ||
		    dp_msg_put_ip(w, &m->u.rt.p.addr) != 0 ||
		    wbuf_put_u8(w, m->u.rt.p.len) == -1 ||
		    (add && wbuf_put_u32(w, m->u.rt.nh) == -1))
			return -ENOBUFS;
		return 0;
	case DP_MSG_BRIDGE:
		if (wbuf_put_u32(w, m->u.br.vrf) == -1 ||
		    wbuf_put_bytes(w, m->u.br.mac.b, 6) == -1 ||
		    (add &&
			(wbuf_put_u32(w, m->u.br.nh) == -1 ||
			    wbuf_put_u32(w, m->u.br.label) == -1)))
			return -ENOBUFS;
		return 0;
	case DP_MSG_MPLS:
		if (wbuf_put_u32(w, m->u.mpls.label) == -1 ||
		    (add && wbuf_put_u32(w, m->u.mpls.nh) == -1))
			return -ENOBUFS;
		return 0;
	case DP_MSG_VXLAN:
		if (wbuf_put_u32(w, m->u.vxlan.vni) == -1 ||
		    (add &&
			(wbuf_put_u32(w, m->u.vxlan.vrf) == -1 ||
			    wbuf_put_u32(w, m->u.vxlan.nh) == -1)))
			return -ENOBUFS;
		return 0;
	case DP_MSG_MIRROR:
		if (wbuf_put_u32(w, mi->idx) == -1)
			return -ENOBUFS;
		if (!add)
			return 0;
		if (wbuf_put_u32(w, mi->nh) == -1 ||
		    wbuf_put_u32(w, mi->flags) == -1 ||
		    wbuf_put_u32(w, mi->vni) == -1)
			return -ENOBUFS;
		if ((rc = dp_msg_put_str(w, mi->analyzer)) != 0 ||
		    (rc = dp_msg_put_str(w, mi->src_vn)) != 0 ||
		    (rc = dp_msg_put_str(w, mi->dst_vn)) != 0)
			return rc;
		if (wbuf_put_u32(w, mi->snaplen) == -1 ||
		    wbuf_put_u32(w, mi->sample) == -1 ||
		    wbuf_put_u16(w, mi->vlan) == -1)
			return -ENOBUFS;
		return 0;
	case DP_MSG_POLICY:
		if (wbuf_put_u32(w, m->u.policy.vif) == -1)
			return -ENOBUFS;
		if (!add)
			return 0;
		if (m->u.policy.n < 1 || m->u.policy.n > DP_POLICY_RULES_MAX)
			return -EINVAL;
		if (wbuf_put_u8(w, (uint8_t)m->u.policy.n) == -1)
			return -ENOBUFS;
		for (i = 0; i < m->u.policy.n; i++)
			if ((rc = dp_msg_put_rule(w, &m->rules[i])) != 0)
				return rc;
		return 0;
	case DP_MSG_FLOW:
		if ((rc = dp_msg_put_flow_key(w, &m->u.flow.key)) != 0)
			return rc;
		return add ? dp_msg_put_verdict(w, m->u.flow.cfg.action,
				 m->u.flow.cfg.mirror, m->u.flow.cfg.src_vn,
				 m->u.flow.cfg.dst_vn)
			   : 0;
	case DP_MSG_VRF:
		if (wbuf_put_u32(w, m->u.vrf.vrf) == -1 ||
		    (add && wbuf_put_u32(w, m->u.vrf.flags) == -1))
			return -ENOBUFS;
		return 0;
	case DP_MSG_GRE:
		if (wbuf_put_u32(w, m->u.gre.key) == -1 ||
		    (add && wbuf_put_u32(w, m->u.gre.nh) == -1))
			return -ENOBUFS;
		return 0;
	case DP_MSG_REPLY:
		break;
	}
	return -EINVAL;
}

/* The fixed header with a zero length, fixed up by dp_msg_put_end. */
static int
dp_msg_put_hdr(
    struct wbuf *w, uint8_t type, uint8_t op, uint8_t flags, uint32_t seq)
{
	if (wbuf_put_u16(w, DP_MSG_MAGIC) == -1 ||
	    wbuf_put_u8(w, DP_MSG_VERSION) == -1 ||
	    wbuf_put_u8(w, type) == -1 || wbuf_put_u8(w, op) == -1 ||
	    wbuf_put_u8(w, flags) == -1 || wbuf_put_u16(w, 0) == -1 ||
	    wbuf_put_u32(w, seq) == -1)
		return -ENOBUFS;
	return 0;
}

/* Sets the body length of the message begun at start, or -ENOBUFS when
 * the body is above DP_MSG_MAX. */
static int
dp_msg_put_end(struct wbuf *w, size_t start)
{
	size_t blen = w->len - start - DP_MSG_HLEN;

	if (blen > DP_MSG_MAX)
		return -ENOBUFS;
	return wbuf_set_u16(w, start + 6, (uint16_t)blen) == -1 ? -ENOBUFS : 0;
}

static bool
dp_msg_type_ok(int type)
{
	return type >= DP_MSG_VIF && type <= DP_MSG_TYPE_LAST &&
	    type != DP_MSG_REPLY;
}

int
dp_msg_encode(struct wbuf *w, const struct dp_msg *m)
{
	size_t start = w->len;
	int rc;

	if (!dp_msg_type_ok(m->type) || m->op < DP_MSG_ADD ||
	    m->op > DP_MSG_DUMP)
		return -EINVAL;
	if ((rc = dp_msg_put_hdr(
		 w, (uint8_t)m->type, (uint8_t)m->op, 0, m->seq)) != 0 ||
	    (rc = dp_msg_encode_body(w, m, m->op == DP_MSG_ADD)) != 0 ||
	    (rc = dp_msg_put_end(w, start)) != 0) {
		w->len = start; /* nothing half written */
		return rc;
	}
	return 0;
}

static int
dp_msg_put_ctr(struct wbuf *w, const struct dp_ctr *c)
{
	return wbuf_put_u64(w, c->pkts) == -1 || wbuf_put_u64(w, c->bytes) == -1
	    ? -ENOBUFS
	    : 0;
}

/* The state tail of each type (datapath/README.md, entries). */
static int
dp_msg_put_state(
    struct wbuf *w, enum dp_msg_type type, const struct dp_msg_state *st)
{
	switch (type) {
	case DP_MSG_VIF:
		if (wbuf_put_u32(w, st->refcnt) == -1 ||
		    dp_msg_put_ctr(w, &st->ctr) != 0 ||
		    dp_msg_put_ctr(w, &st->tx) != 0 ||
		    dp_msg_put_ctr(w, &st->drop) != 0)
			return -ENOBUFS;
		return 0;
	case DP_MSG_NH:
		if (wbuf_put_u32(w, st->refcnt) == -1 ||
		    dp_msg_put_ctr(w, &st->ctr) != 0)
			return -ENOBUFS;
		return 0;
	case DP_MSG_BRIDGE:
		return dp_msg_put_ctr(w, &st->ctr);
	case DP_MSG_MIRROR:
		if (wbuf_put_u32(w, st->refcnt) == -1 ||
		    dp_msg_put_ctr(w, &st->ctr) != 0 ||
		    dp_msg_put_ctr(w, &st->drop) != 0)
			return -ENOBUFS;
		return 0;
	case DP_MSG_FLOW:
		if (wbuf_put_u8(w, st->reverse ? 1 : 0) == -1 ||
		    wbuf_put_u64(w, st->created) == -1 ||
		    wbuf_put_u64(w, st->last_used) == -1 ||
		    dp_msg_put_ctr(w, &st->ctr) != 0 ||
		    wbuf_put_u64(w, st->gen) == -1)
			return -ENOBUFS;
		return 0;
	default:
		return 0;
	}
}

int
dp_msg_encode_entry(struct wbuf *w, const struct dp_msg_entry *e)
{
	const struct dp_msg *m = &e->msg;
	size_t start = w->len;
	int rc;

	if (!dp_msg_type_ok(m->type) || m->op < DP_MSG_ADD ||
	    m->op > DP_MSG_DUMP)
		return -EINVAL;
	if ((rc = dp_msg_put_hdr(w, (uint8_t)m->type, (uint8_t)m->op,
		 DP_MSG_F_ENTRY, m->seq)) != 0 ||
	    (rc = dp_msg_encode_body(w, m, true)) != 0 ||
	    (rc = dp_msg_put_state(w, m->type, &e->st)) != 0 ||
	    (rc = dp_msg_put_end(w, start)) != 0) {
		w->len = start;
		return rc;
	}
	return 0;
}

/* A nexthop index as tables take it: 1..DP_NH_MAX-1. */
static bool
dp_msg_nh_ok(uint32_t nh)
{
	return nh >= 1 && nh < DP_NH_MAX;
}

/* True if p has no bits set past its length. */
static bool
dp_msg_prefix_ok(const struct prefix *p)
{
	unsigned int bits = p->addr.af == AF_INET ? 32 : 128;
	unsigned int i;

	if (p->len > bits)
		return false;
	for (i = p->len; i < bits; i++)
		if (p->addr.u.b[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

/* Reads the ADD part of a vif; *why gets the reason of a -EINVAL. */
static int
dp_msg_get_vif(struct buf *b, struct dp_msg *m, const char **why)
{
	struct dp_vif_cfg *v = &m->u.vif;
	uint8_t kind;
	int rc;

	if (buf_get_u8(b, &kind) == -1)
		return -EPROTO;
	if (kind < DP_VIF_VM || kind > DP_VIF_AGENT)
		return (*why = "vif kind unknown", -EINVAL);
	v->kind = (enum dp_vif_kind)kind;
	if ((rc = dp_msg_get_str(b, m->name, DP_VIF_NAME_MAX)) != 0)
		return (*why = "vif name too long or with a NUL", rc);
	if (m->name[0] == '\0')
		return (*why = "vif name empty", -EINVAL);
	v->name = m->name;
	if (buf_get_bytes(b, v->mac.b, 6) == -1 ||
	    buf_get_u32(b, &v->vrf) == -1 || buf_get_u32(b, &v->flags) == -1 ||
	    buf_get_u32(b, &v->mirror) == -1 || buf_get_u32(b, &v->mtu) == -1)
		return -EPROTO;
	if (v->vrf >= DP_VRF_MAX)
		return (*why = "vif VRF out of range", -EINVAL);
	if ((v->flags & ~(DP_VIF_MIRROR_RX | DP_VIF_MIRROR_TX)) != 0)
		return (*why = "vif flags unknown", -EINVAL);
	if (v->flags != 0 && v->mirror >= DP_MIRROR_MAX)
		return (*why = "vif mirror index out of range", -EINVAL);
	if (v->mtu < DP_VIF_MTU_MIN || v->mtu > DP_VIF_MTU_MAX)
		return (*why = "vif MTU out of range", -EINVAL);
	return 0;
}

static int
dp_msg_get_nh(struct buf *b, struct dp_nh *nh, const char **why)
{
	uint8_t type, tun, ecmp, ncomp;
	uint32_t i;
	int rc;

	if (buf_get_u8(b, &type) == -1)
		return -EPROTO;
	if (type < DP_NH_DISCARD || type > DP_NH_COMPOSITE)
		return (*why = "nh type unknown", -EINVAL);
	nh->type = (enum dp_nh_type)type;
	if (buf_get_u32(b, &nh->vrf) == -1 || buf_get_u32(b, &nh->vif) == -1 ||
	    buf_get_bytes(b, nh->dmac.b, 6) == -1 ||
	    buf_get_bytes(b, nh->smac.b, 6) == -1 ||
	    buf_get_u8(b, &tun) == -1 || buf_get_bytes(b, &nh->sip, 4) == -1 ||
	    buf_get_bytes(b, &nh->dip, 4) == -1 ||
	    buf_get_u32(b, &nh->label) == -1)
		return -EPROTO;
	if (nh->vrf >= DP_VRF_MAX)
		return (*why = "nh VRF out of range", -EINVAL);
	if (nh->vif >= DP_VIF_MAX)
		return (*why = "nh vif out of range", -EINVAL);
	if (tun > DP_TUN_GRE)
		return (*why = "nh tunnel type unknown", -EINVAL);
	nh->tun = (enum dp_tun_type)tun;
	/* a GRE key takes all 32 bits; a label or VNI at most 24 */
	if (nh->label > DP_VNI_MAX &&
	    (nh->type != DP_NH_TUNNEL || nh->tun != DP_TUN_GRE))
		return (*why = "nh label or VNI out of range", -EINVAL);
	if ((rc = dp_msg_get_ip(b, &nh->an_ip, true)) != 0)
		return (*why = "nh analyzer address family unknown", rc);
	if (buf_get_u16(b, &nh->an_port) == -1 || buf_get_u8(b, &ecmp) == -1 ||
	    buf_get_u8(b, &ncomp) == -1)
		return -EPROTO;
	if (ecmp > 1)
		return (*why = "nh ecmp not 0 or 1", -EINVAL);
	nh->ecmp = ecmp == 1;
	if (ncomp > DP_NH_COMP_MAX)
		return (*why = "nh members above DP_NH_COMP_MAX", -EINVAL);
	nh->ncomp = ncomp;
	for (i = 0; i < ncomp; i++) {
		if (buf_get_u32(b, &nh->comp[i]) == -1)
			return -EPROTO;
		if (!dp_msg_nh_ok(nh->comp[i]))
			return (*why = "nh member out of range", -EINVAL);
	}
	return 0;
}

static int
dp_msg_get_mirror(struct buf *b, struct dp_msg *m, const char **why)
{
	struct dp_mirror_cfg *mi = &m->u.mirror;
	int rc;

	if (buf_get_u32(b, &mi->nh) == -1 || buf_get_u32(b, &mi->flags) == -1 ||
	    buf_get_u32(b, &mi->vni) == -1)
		return -EPROTO;
	if (!dp_msg_nh_ok(mi->nh))
		return (*why = "mirror nh out of range", -EINVAL);
	if ((mi->flags &
		~(DP_MIRROR_DYNAMIC | DP_MIRROR_STATIC |
		    DP_MIRROR_JUNIPER_HDR)) != 0)
		return (*why = "mirror flags unknown", -EINVAL);
	if (mi->vni > DP_VNI_MAX)
		return (*why = "mirror VNI out of range", -EINVAL);
	if ((rc = dp_msg_get_str(b, m->analyzer, DP_VN_NAME_MAX)) != 0 ||
	    (rc = dp_msg_get_str(b, m->src_vn, DP_VN_NAME_MAX)) != 0 ||
	    (rc = dp_msg_get_str(b, m->dst_vn, DP_VN_NAME_MAX)) != 0)
		return (*why = "mirror name with a NUL", rc);
	mi->analyzer = m->analyzer;
	mi->src_vn = m->src_vn;
	mi->dst_vn = m->dst_vn;
	if (buf_get_u32(b, &mi->snaplen) == -1 ||
	    buf_get_u32(b, &mi->sample) == -1 ||
	    buf_get_u16(b, &mi->vlan) == -1)
		return -EPROTO;
	if (mi->vlan > DP_VLAN_MAX)
		return (*why = "mirror VLAN out of range", -EINVAL);
	if (mi->snaplen != 0 &&
	    (mi->snaplen < DP_ETH_HLEN || mi->snaplen > DP_SNAPLEN_MAX))
		return (*why = "mirror snap length out of range", -EINVAL);
	if (mi->sample > DP_SAMPLE_MAX)
		return (*why = "mirror sampling rate out of range", -EINVAL);
	return 0;
}

/* A rule's prefix (family 0 is any: length 0, the rule's family). */
static int
dp_msg_get_rule_prefix(
    struct buf *b, uint8_t af, struct prefix *p, const char **why)
{
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = dp_msg_get_ip(b, &p->addr, true)) != 0)
		return (*why = "policy rule prefix family unknown", rc);
	if (p->addr.af == 0) {
		p->addr.af = af;
		return 0;
	}
	if (buf_get_u8(b, &p->len) == -1)
		return -EPROTO;
	if (p->addr.af != af)
		return (
		    *why = "policy rule prefix family not the rule's", -EINVAL);
	if (!dp_msg_prefix_ok(p))
		return (
		    *why = "policy rule prefix length or host bits", -EINVAL);
	return 0;
}

/* A mirror index of a rule or flow: < DP_MIRROR_MAX or none. */
static bool
dp_msg_mirror_ok(uint32_t idx)
{
	return idx < DP_MIRROR_MAX || idx == DP_MIRROR_NONE;
}

/*
 * What a rule or a flow does: action, two mirror indexes, source and
 * destination VN names (into src and dst, DP_VN_NAME_MAX + 1 bytes).
 */
static int
dp_msg_get_verdict(struct buf *b, enum dp_flow_action *action, uint32_t *mirror,
    char *src, char *dst, bool rule, const char **why)
{
	uint8_t a;
	int rc;

	if (buf_get_u8(b, &a) == -1 || buf_get_u32(b, &mirror[0]) == -1 ||
	    buf_get_u32(b, &mirror[1]) == -1)
		return -EPROTO;
	if (a != DP_FLOW_PASS && a != DP_FLOW_DENY)
		return (*why = rule ? "policy rule action unknown"
				    : "flow action unknown",
		    -EINVAL);
	*action = (enum dp_flow_action)a;
	if (!dp_msg_mirror_ok(mirror[0]) || !dp_msg_mirror_ok(mirror[1]))
		return (*why = rule ? "policy rule mirror out of range"
				    : "flow mirror out of range",
		    -EINVAL);
	if ((rc = dp_msg_get_str(b, src, DP_VN_NAME_MAX)) != 0 ||
	    (rc = dp_msg_get_str(b, dst, DP_VN_NAME_MAX)) != 0)
		return (*why = rule ? "policy rule VN name with a NUL"
				    : "flow VN name with a NUL",
		    rc);
	return 0;
}

static int
dp_msg_get_rule(struct buf *b, struct dp_rule *r, const char **why)
{
	uint8_t af;
	int rc;

	memset(r, 0, sizeof(*r));
	if (buf_get_u8(b, &af) == -1 || buf_get_u8(b, &r->proto) == -1)
		return -EPROTO;
	if (af != 0 && af != 4 && af != 6)
		return (*why = "policy rule af not 0, 4 or 6", -EINVAL);
	r->af = af == 4 ? AF_INET : af == 6 ? AF_INET6 : 0;
	if ((rc = dp_msg_get_rule_prefix(b, r->af, &r->src, why)) != 0 ||
	    (rc = dp_msg_get_rule_prefix(b, r->af, &r->dst, why)) != 0)
		return rc;
	if (buf_get_u16(b, &r->sport_lo) == -1 ||
	    buf_get_u16(b, &r->sport_hi) == -1 ||
	    buf_get_u16(b, &r->dport_lo) == -1 ||
	    buf_get_u16(b, &r->dport_hi) == -1)
		return -EPROTO;
	if (r->sport_lo > r->sport_hi || r->dport_lo > r->dport_hi)
		return (*why = "policy rule port range reversed", -EINVAL);
	return dp_msg_get_verdict(
	    b, &r->action, r->mirror, r->src_vn, r->dst_vn, true, why);
}

static int
dp_msg_get_flow_key(struct buf *b, struct dp_flow_key *k, const char **why)
{
	uint8_t af;
	size_t n;

	memset(k, 0, sizeof(*k));
	if (buf_get_u32(b, &k->vrf) == -1 || buf_get_u8(b, &af) == -1 ||
	    buf_get_u8(b, &k->proto) == -1 || buf_get_u16(b, &k->sport) == -1 ||
	    buf_get_u16(b, &k->dport) == -1)
		return -EPROTO;
	if (k->vrf >= DP_VRF_MAX)
		return (*why = "flow VRF out of range", -EINVAL);
	if (af != 4 && af != 6)
		return (*why = "flow family not 4 or 6", -EINVAL);
	k->af = af == 4 ? AF_INET : AF_INET6;
	n = af == 4 ? 4 : 16;
	if (buf_get_bytes(b, k->sip, n) == -1 ||
	    buf_get_bytes(b, k->dip, n) == -1)
		return -EPROTO;
	return 0;
}

static int
dp_msg_get_flow_cfg(struct buf *b, struct dp_msg *m, const char **why)
{
	struct dp_flow_cfg *c = &m->u.flow.cfg;

	c->src_vn = m->src_vn;
	c->dst_vn = m->dst_vn;
	return dp_msg_get_verdict(
	    b, &c->action, c->mirror, m->src_vn, m->dst_vn, false, why);
}

/* A route DUMP: the VRF, then optionally the family (4 or 6). */
static int
dp_msg_get_rt_dump(struct buf *b, struct dp_msg *m, const char **why)
{
	uint8_t af;

	if (buf_get_u32(b, &m->u.rt.vrf) == -1)
		return -EPROTO;
	if (m->u.rt.vrf >= DP_VRF_MAX)
		return (*why = "route VRF out of range", -EINVAL);
	if (buf_left(b) == 0)
		return 0;
	if (buf_get_u8(b, &af) == -1)
		return -EPROTO;
	if (af != 4 && af != 6)
		return (*why = "route dump family not 4 or 6", -EINVAL);
	m->u.rt.p.addr.af = af == 4 ? AF_INET : AF_INET6;
	return 0;
}

/* The body of m's type and op (as an ADD if add); *why set on -EINVAL. */
static int
dp_msg_decode_body(struct buf *b, struct dp_msg *m, bool add, const char **why)
{
	uint8_t n;
	uint32_t i;
	int rc;

	if (m->op == DP_MSG_DUMP && !add)
		return m->type == DP_MSG_ROUTE ? dp_msg_get_rt_dump(b, m, why)
					       : 0;
	switch (m->type) {
	case DP_MSG_VIF:
		if (buf_get_u32(b, &m->u.vif.idx) == -1)
			return -EPROTO;
		if (m->u.vif.idx >= DP_VIF_MAX)
			return (*why = "vif index out of range", -EINVAL);
		return add ? dp_msg_get_vif(b, m, why) : 0;
	case DP_MSG_NH:
		if (buf_get_u32(b, &m->u.nh.idx) == -1)
			return -EPROTO;
		if (!dp_msg_nh_ok(m->u.nh.idx))
			return (*why = "nh index out of range", -EINVAL);
		return add ? dp_msg_get_nh(b, &m->u.nh, why) : 0;
	case DP_MSG_ROUTE:
		if (buf_get_u32(b, &m->u.rt.vrf) == -1)
			return -EPROTO;
		if (m->u.rt.vrf >= DP_VRF_MAX)
			return (*why = "route VRF out of range", -EINVAL);
		if ((rc = dp_msg_get_ip(b, &m->u.rt.p.addr, false)) != 0)
			return (*why = "route address family unknown", rc);
		if (buf_get_u8(b, &m->u.rt.p.len) == -1)
			return -EPROTO;
		if (!dp_msg_prefix_ok(&m->u.rt.p))
			return (
			    *why = "route prefix length or host bits", -EINVAL);
		if (!add)
			return 0;
		if (buf_get_u32(b, &m->u.rt.nh) == -1)
			return -EPROTO;
		if (!dp_msg_nh_ok(m->u.rt.nh))
			return (*why = "route nh out of range", -EINVAL);
		return 0;
	case DP_MSG_BRIDGE:
		if (buf_get_u32(b, &m->u.br.vrf) == -1 ||
		    buf_get_bytes(b, m->u.br.mac.b, 6) == -1)
			return -EPROTO;
		if (m->u.br.vrf >= DP_VRF_MAX)
			return (*why = "bridge VRF out of range", -EINVAL);
		if (!add)
			return 0;
		if (buf_get_u32(b, &m->u.br.nh) == -1 ||
		    buf_get_u32(b, &m->u.br.label) == -1)
			return -EPROTO;
		if (!dp_msg_nh_ok(m->u.br.nh))
			return (*why = "bridge nh out of range", -EINVAL);
		if (m->u.br.label > DP_VNI_MAX)
			return (*why = "bridge label out of range", -EINVAL);
		return 0;
	case DP_MSG_MPLS:
		if (buf_get_u32(b, &m->u.mpls.label) == -1)
			return -EPROTO;
		if (m->u.mpls.label < DP_MPLS_MIN ||
		    m->u.mpls.label > DP_LABEL_MAX)
			return (*why = "MPLS label out of range", -EINVAL);
		if (!add)
			return 0;
		if (buf_get_u32(b, &m->u.mpls.nh) == -1)
			return -EPROTO;
		if (!dp_msg_nh_ok(m->u.mpls.nh))
			return (*why = "MPLS nh out of range", -EINVAL);
		return 0;
	case DP_MSG_VXLAN:
		if (buf_get_u32(b, &m->u.vxlan.vni) == -1)
			return -EPROTO;
		if (m->u.vxlan.vni < 1 || m->u.vxlan.vni > DP_VNI_MAX)
			return (*why = "VXLAN VNI out of range", -EINVAL);
		if (!add)
			return 0;
		if (buf_get_u32(b, &m->u.vxlan.vrf) == -1 ||
		    buf_get_u32(b, &m->u.vxlan.nh) == -1)
			return -EPROTO;
		if (m->u.vxlan.vrf >= DP_VRF_MAX)
			return (*why = "VXLAN VRF out of range", -EINVAL);
		if (!dp_msg_nh_ok(m->u.vxlan.nh))
			return (*why = "VXLAN nh out of range", -EINVAL);
		return 0;
	case DP_MSG_MIRROR:
		if (buf_get_u32(b, &m->u.mirror.idx) == -1)
			return -EPROTO;
		if (m->u.mirror.idx >= DP_MIRROR_MAX)
			return (*why = "mirror index out of range", -EINVAL);
		return add ? dp_msg_get_mirror(b, m, why) : 0;
	case DP_MSG_POLICY:
		if (buf_get_u32(b, &m->u.policy.vif) == -1)
			return -EPROTO;
		if (m->u.policy.vif >= DP_VIF_MAX)
			return (*why = "policy vif out of range", -EINVAL);
		if (!add)
			return 0;
		if (buf_get_u8(b, &n) == -1)
			return -EPROTO;
		if (n < 1 || n > DP_POLICY_RULES_MAX)
			return (*why = "policy rule count not 1..64", -EINVAL);
		m->u.policy.n = n;
		for (i = 0; i < n; i++)
			if ((rc = dp_msg_get_rule(b, &m->rules[i], why)) != 0)
				return rc;
		return 0;
	case DP_MSG_FLOW:
		if ((rc = dp_msg_get_flow_key(b, &m->u.flow.key, why)) != 0)
			return rc;
		return add ? dp_msg_get_flow_cfg(b, m, why) : 0;
	case DP_MSG_VRF:
		if (buf_get_u32(b, &m->u.vrf.vrf) == -1)
			return -EPROTO;
		if (m->u.vrf.vrf >= DP_VRF_MAX)
			return (*why = "VRF out of range", -EINVAL);
		if (!add)
			return 0;
		if (buf_get_u32(b, &m->u.vrf.flags) == -1)
			return -EPROTO;
		if ((m->u.vrf.flags & ~DP_VRF_MIRROR_DEST) != 0)
			return (*why = "VRF flags unknown", -EINVAL);
		return 0;
	case DP_MSG_GRE:
		/* every 32-bit key is valid */
		if (buf_get_u32(b, &m->u.gre.key) == -1)
			return -EPROTO;
		if (!add)
			return 0;
		if (buf_get_u32(b, &m->u.gre.nh) == -1)
			return -EPROTO;
		if (!dp_msg_nh_ok(m->u.gre.nh))
			return (*why = "GRE nh out of range", -EINVAL);
		return 0;
	case DP_MSG_REPLY:
		break;
	}
	return (*why = "message type unknown", -EINVAL);
}

int
dp_msg_decode_frame(const uint8_t *data, size_t len, size_t *blen,
    uint32_t *seq, struct dp_msg_err *err)
{
	struct buf b;
	uint16_t magic, n;
	uint8_t ver;

	buf_init(&b, data, len);
	if (buf_get_u16(&b, &magic) == -1 || buf_get_u8(&b, &ver) == -1 ||
	    buf_skip(&b, 3) == -1 || buf_get_u16(&b, &n) == -1 ||
	    buf_get_u32(&b, seq) == -1)
		return dp_msg_fail(err, b.pos, "header truncated", -EPROTO);
	if (magic != DP_MSG_MAGIC)
		return dp_msg_fail(err, 0, "bad magic", -EPROTO);
	if (ver != DP_MSG_VERSION)
		return dp_msg_fail(err, 2, "unsupported version", -EPROTO);
#if DP_MSG_MAX < 65535
	if (n > DP_MSG_MAX)
		return dp_msg_fail(err, 6, "body above DP_MSG_MAX", -EPROTO);
#endif
	*blen = n;
	return 0;
}

/*
 * The header: magic, version, flags equal to want_flags and a body
 * length within DP_MSG_MAX matching the bytes given.  *sub gets the body.
 */
static int
dp_msg_decode_hdr(const uint8_t *data, size_t len, uint8_t want_flags,
    uint8_t *type, uint8_t *op, uint32_t *seq, struct buf *sub,
    struct dp_msg_err *err)
{
	struct buf b;
	size_t blen;
	uint8_t flags;
	int rc;

	if ((rc = dp_msg_decode_frame(data, len, &blen, seq, err)) != 0)
		return rc;
	buf_init(&b, data, len);
	(void)buf_skip(&b, 3);
	(void)buf_get_u8(&b, type);
	(void)buf_get_u8(&b, op);
	(void)buf_get_u8(&b, &flags);
	(void)buf_skip(&b, 6);
	if (flags != want_flags)
		return dp_msg_fail(err, 5,
		    want_flags != 0 ? "not an entry" : "flags not zero",
		    -EPROTO);
	if (buf_get_sub(&b, blen, sub) == -1)
		return dp_msg_fail(err, len, "body truncated", -EPROTO);
	if (buf_left(&b) != 0)
		return dp_msg_fail(err, b.pos, "bytes after the body", -EPROTO);
	return 0;
}

/* Header, type and op of a request or an entry, then its body. */
static int
dp_msg_decode_one(const uint8_t *data, size_t len, bool entry, struct dp_msg *m,
    struct buf *body, struct dp_msg_err *err)
{
	const char *why = "field out of range";
	uint8_t type, op;
	int rc;

	memset(m, 0, sizeof(*m));
	if ((rc = dp_msg_decode_hdr(data, len, entry ? DP_MSG_F_ENTRY : 0,
		 &type, &op, &m->seq, body, err)) != 0)
		return rc;
	if (!dp_msg_type_ok(type))
		return dp_msg_fail(err, 3, "message type unknown", -EINVAL);
	if (op < DP_MSG_ADD || op > DP_MSG_DUMP)
		return dp_msg_fail(err, 4, "operation unknown", -EINVAL);
	m->type = (enum dp_msg_type)type;
	m->op = (enum dp_msg_op)op;
	rc = dp_msg_decode_body(body, m, entry || op == DP_MSG_ADD, &why);
	if (rc == -EPROTO)
		return dp_msg_fail(
		    err, DP_MSG_HLEN + body->pos, "body truncated", rc);
	if (rc != 0)
		return dp_msg_fail(err, DP_MSG_HLEN + body->pos, why, rc);
	return 0;
}

int
dp_msg_decode(
    const uint8_t *data, size_t len, struct dp_msg *m, struct dp_msg_err *err)
{
	struct buf body;
	int rc;

	if ((rc = dp_msg_decode_one(data, len, false, m, &body, err)) != 0)
		return rc;
	if (buf_left(&body) != 0)
		return dp_msg_fail(err, DP_MSG_HLEN + body.pos,
		    "bytes after the body's fields", -EPROTO);
	return 0;
}

static int
dp_msg_get_ctr(struct buf *b, struct dp_ctr *c)
{
	return buf_get_u64(b, &c->pkts) == -1 || buf_get_u64(b, &c->bytes) == -1
	    ? -EPROTO
	    : 0;
}

static int
dp_msg_get_state(struct buf *b, enum dp_msg_type type, struct dp_msg_state *st)
{
	uint8_t rev;

	switch (type) {
	case DP_MSG_VIF:
		if (buf_get_u32(b, &st->refcnt) == -1 ||
		    dp_msg_get_ctr(b, &st->ctr) != 0 ||
		    dp_msg_get_ctr(b, &st->tx) != 0 ||
		    dp_msg_get_ctr(b, &st->drop) != 0)
			return -EPROTO;
		return 0;
	case DP_MSG_NH:
		if (buf_get_u32(b, &st->refcnt) == -1 ||
		    dp_msg_get_ctr(b, &st->ctr) != 0)
			return -EPROTO;
		return 0;
	case DP_MSG_BRIDGE:
		return dp_msg_get_ctr(b, &st->ctr);
	case DP_MSG_MIRROR:
		if (buf_get_u32(b, &st->refcnt) == -1 ||
		    dp_msg_get_ctr(b, &st->ctr) != 0 ||
		    dp_msg_get_ctr(b, &st->drop) != 0)
			return -EPROTO;
		return 0;
	case DP_MSG_FLOW:
		if (buf_get_u8(b, &rev) == -1 ||
		    buf_get_u64(b, &st->created) == -1 ||
		    buf_get_u64(b, &st->last_used) == -1 ||
		    dp_msg_get_ctr(b, &st->ctr) != 0 ||
		    buf_get_u64(b, &st->gen) == -1)
			return -EPROTO;
		if (rev > 1)
			return -EINVAL;
		st->reverse = rev == 1;
		return 0;
	default:
		return 0;
	}
}

int
dp_msg_decode_entry(const uint8_t *data, size_t len, struct dp_msg_entry *e,
    struct dp_msg_err *err)
{
	struct buf body;
	int rc;

	memset(&e->st, 0, sizeof(e->st));
	if ((rc = dp_msg_decode_one(data, len, true, &e->msg, &body, err)) != 0)
		return rc;
	rc = dp_msg_get_state(&body, e->msg.type, &e->st);
	if (rc == -EPROTO)
		return dp_msg_fail(
		    err, DP_MSG_HLEN + body.pos, "entry state truncated", rc);
	if (rc != 0)
		return dp_msg_fail(err, DP_MSG_HLEN + body.pos,
		    "flow reverse flag not 0 or 1", rc);
	if (buf_left(&body) != 0)
		return dp_msg_fail(err, DP_MSG_HLEN + body.pos,
		    "bytes after the entry's state", -EPROTO);
	return 0;
}

int
dp_msg_reply_encode(struct wbuf *w, const struct dp_msg_reply *r)
{
	size_t n = strnlen(r->text, DP_MSG_ERR_MAX - 1);
	size_t start = w->len;

	if (dp_msg_put_hdr(w, DP_MSG_REPLY, 0, 0, r->seq) != 0 ||
	    wbuf_put_u32(w, (uint32_t)r->status) == -1 ||
	    wbuf_put_u8(w, (uint8_t)n) == -1 ||
	    wbuf_put_bytes(w, r->text, n) == -1 ||
	    dp_msg_put_end(w, start) != 0) {
		w->len = start;
		return -ENOBUFS;
	}
	return 0;
}

int
dp_msg_reply_decode(const uint8_t *data, size_t len, struct dp_msg_reply *r,
    struct dp_msg_err *err)
{
	struct buf body;
	uint32_t status;
	uint8_t type, op;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = dp_msg_decode_hdr(
		 data, len, 0, &type, &op, &r->seq, &body, err)) != 0)
		return rc;
	if (type != DP_MSG_REPLY || op != 0)
		return dp_msg_fail(err, 3, "not a reply", -EINVAL);
	if (buf_get_u32(&body, &status) == -1)
		return dp_msg_fail(err, DP_MSG_HLEN, "body truncated", -EPROTO);
	r->status = (int32_t)status;
	/* 0, or a negative errno (Linux errnos stay below 4096). */
	if (r->status > 0 || r->status < -4095)
		return dp_msg_fail(
		    err, DP_MSG_HLEN, "status not -errno", -EINVAL);
	rc = dp_msg_get_str(&body, r->text, DP_MSG_ERR_MAX - 1);
	if (rc == -EPROTO)
		return dp_msg_fail(
		    err, DP_MSG_HLEN + body.pos, "body truncated", rc);
	if (rc != 0)
		return dp_msg_fail(err, DP_MSG_HLEN + 4, "text too long", rc);
	if (buf_left(&body) != 0)
		return dp_msg_fail(err, DP_MSG_HLEN + body.pos,
		    "bytes after the text", -EPROTO);
	return 0;
}

static const char *const dp_msg_type_names[] = {
    [DP_MSG_VIF] = "vif",
    [DP_MSG_NH] = "nh",
    [DP_MSG_ROUTE] = "route",
    [DP_MSG_BRIDGE] = "bridge",
    [DP_MSG_MPLS] = "mpls",
    [DP_MSG_VXLAN] = "vxlan",
    [DP_MSG_MIRROR] = "mirror",
    [DP_MSG_REPLY] = "reply",
    [DP_MSG_POLICY] = "policy",
    [DP_MSG_FLOW] = "flow",
    [DP_MSG_VRF] = "vrf",
    [DP_MSG_GRE] = "gre",
};
static const char *const dp_msg_op_names[] = {
    [DP_MSG_ADD] = "add",
    [DP_MSG_DEL] = "delete",
    [DP_MSG_GET] = "get",
    [DP_MSG_DUMP] = "dump",
};

const char *
dp_msg_type_name(enum dp_msg_type type)
{
	if ((unsigned)type >= nitems(dp_msg_type_names) ||
	    dp_msg_type_names[type] == NULL)
		return "unknown";
	return dp_msg_type_names[type];
}

/* The table call of one ADD or DEL: 0 or the table's negative errno. */
static int
dp_msg_apply_one(struct dp *dp, const struct dp_msg *m, uint64_t now)
{
	bool add = m->op == DP_MSG_ADD;

	switch (m->type) {
	case DP_MSG_VIF:
		return add ? dp_vif_add(dp, &m->u.vif)
			   : dp_vif_del(dp, m->u.vif.idx);
	case DP_MSG_NH:
		return add ? dp_nh_add(dp, &m->u.nh)
			   : dp_nh_del(dp, m->u.nh.idx);
	case DP_MSG_ROUTE:
		return add ? dp_rt_add(dp, m->u.rt.vrf, &m->u.rt.p, m->u.rt.nh)
			   : dp_rt_del(dp, m->u.rt.vrf, &m->u.rt.p);
	case DP_MSG_BRIDGE:
		return add ? dp_bridge_add(dp, m->u.br.vrf, &m->u.br.mac,
				 m->u.br.nh, m->u.br.label)
			   : dp_bridge_del(dp, m->u.br.vrf, &m->u.br.mac);
	case DP_MSG_MPLS:
		return add ? dp_mpls_add(dp, m->u.mpls.label, m->u.mpls.nh)
			   : dp_mpls_del(dp, m->u.mpls.label);
	case DP_MSG_VXLAN:
		return add ? dp_vxlan_add(dp, m->u.vxlan.vni, m->u.vxlan.vrf,
				 m->u.vxlan.nh)
			   : dp_vxlan_del(dp, m->u.vxlan.vni);
	case DP_MSG_MIRROR:
		return add ? dp_mirror_add(dp, &m->u.mirror)
			   : dp_mirror_del(dp, m->u.mirror.idx);
	case DP_MSG_POLICY:
		return add ? dp_policy_set(
				 dp, m->u.policy.vif, m->rules, m->u.policy.n)
			   : dp_policy_del(dp, m->u.policy.vif);
	case DP_MSG_FLOW:
		return add
		    ? dp_flow_add(dp, &m->u.flow.key, &m->u.flow.cfg, now, NULL)
		    : dp_flow_del(dp, &m->u.flow.key);
	case DP_MSG_VRF:
		/* a VRF exists with or without flags: delete clears them */
		return dp_vrf_set_flags(
		    dp, m->u.vrf.vrf, add ? m->u.vrf.flags : 0);
	case DP_MSG_GRE:
		return add ? dp_gre_add(dp, m->u.gre.key, m->u.gre.nh)
			   : dp_gre_del(dp, m->u.gre.key);
	case DP_MSG_REPLY:
		break;
	}
	return -EINVAL;
}

int
dp_msg_apply_at(
    struct dp *dp, const struct dp_msg *m, uint64_t now, struct dp_msg_reply *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->seq = m->seq;
	if (!dp_msg_type_ok(m->type) || m->op < DP_MSG_ADD ||
	    m->op > DP_MSG_DUMP) {
		r->status = -EINVAL;
		snprintf(r->text, sizeof(r->text), "unknown type or operation");
		return r->status;
	}
	if (m->op == DP_MSG_GET || m->op == DP_MSG_DUMP)
		rc = -EOPNOTSUPP;
	else
		rc = dp_msg_apply_one(dp, m, now);
	r->status = rc;
	if (rc != 0)
		snprintf(r->text, sizeof(r->text), "%s %s: %s",
		    dp_msg_type_names[m->type], dp_msg_op_names[m->op],
		    strerror(-rc));
	return rc;
}

int
dp_msg_apply(struct dp *dp, const struct dp_msg *m, struct dp_msg_reply *r)
{
	return dp_msg_apply_at(dp, m, 0, r);
}
