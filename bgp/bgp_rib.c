/*
 * bgp_rib.c - what a BGP session carries, between the wire and the
 * routing core (OpenBGPD rde.c, BIRD proto/bgp/attrs.c export).
 *
 * In: an UPDATE is decoded into a scratch arena, its attributes interned
 * once, and each NLRI becomes a path of the peer's source in the master
 * table of its family (RFC 7606 outcomes applied; AS-path, originator and
 * cluster loops dropped).  Route-target constraint routes also form the
 * peer's RTC set (RFC 4684).
 *
 * Out: one listener per negotiated family.  For each changed entry the
 * best path is announced if this peer may have it (split horizon, iBGP and
 * route-reflection rules of RFC 4456, the peer's RTC set, LLGR support)
 * with its attributes rewritten for the session (eBGP: AS prepended,
 * LOCAL_PREF, MED and reflection attributes gone; iBGP: LOCAL_PREF set,
 * ORIGINATOR_ID and CLUSTER_LIST when reflecting), else withdrawn if it
 * was announced.  A bit per entry says what was announced, so nothing is
 * withdrawn that the peer never had.  Consecutive entries with the same
 * attributes share UPDATE messages.  End-of-RIB follows each first feed.
 *
 * Graceful restart (RFC 4724, RFC 9494) in the helper role: a peer that
 * goes away keeps its routes, stale, for its restart time, then long-lived
 * stale, until it is back and has sent End-of-RIB.
 */
#include "bgp/bgp_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COMM_LLGR_STALE 0xffff0006u /* RFC 9494 */
#define COMM_NO_LLGR    0xffff0007u

#define AS_SET      1
#define AS_SEQUENCE 2

static const char *
pname(const struct bgp_peer *p)
{
	return p->cfg.name;
}

static bool
vpn_af(enum bgp_af af)
{
	return af == BGP_AF_INET_VPN || af == BGP_AF_INET6_VPN ||
	    af == BGP_AF_EVPN;
}

static bool
negotiated(const struct bgp_peer *p, enum bgp_af af)
{
	return p->est != NULL && (p->est->fsm.caps.afs & BGP_AF_BIT(af));
}

static bool
has_comm(const struct attr *a, uint32_t c)
{
	size_t i;

	for (i = 0; a != NULL && i < a->ncomm; i++)
		if (a->comm[i] == c)
			return true;
	return false;
}

/* True when the attribute set says VXLAN (EVPN labels are then VNIs). */
static bool
is_vxlan(const struct attr *a)
{
	return a != NULL && attr_has_ecomm(a, ecomm_encap(ECOMM_ENCAP_VXLAN));
}

/* ------------------------------------------------------------------ */
/* Route-target constraint                                             */
/* ------------------------------------------------------------------ */

/* Rebuilds the peer's RTC set from its routes in bgp.rtarget.0. */
static void
rtc_rebuild(struct bgp_peer *p)
{
	const struct rt_table *t = bgp__table(p->bgp, BGP_AF_RTARGET);
	const struct rt_entry *e;
	const struct rt_path *path;
	struct rt_key k;

	p->rtc.any = false;
	p->rtc.n = 0;
	for (e = rt_table_first(t); e != NULL; e = rt_table_next(e)) {
		for (path = rt_entry_paths(e); path != NULL;
		     path = path->next) {
			if (path->src != p->src ||
			    (path->flags & RT_PATH_SECONDARY))
				continue;
			rt_entry_key(e, &k);
			/* Default, or origin AS only: every target. */
			if (k.rt_plen <= 32) {
				p->rtc.any = true;
				continue;
			}
			if (p->rtc.n == p->rtc.cap) {
				p->rtc.cap = p->rtc.cap ? p->rtc.cap * 2 : 16;
				p->rtc.rts = xreallocarray(p->rtc.rts,
				    p->rtc.cap, sizeof(*p->rtc.rts));
			}
			p->rtc.rts[p->rtc.n].rt = k.rtarget;
			p->rtc.rts[p->rtc.n].rtbits = (uint8_t)(k.rt_plen - 32);
			p->rtc.n++;
		}
	}
}

/* The peer asked (RFC 4684) for a target of a: it gets the route. */
static bool
rtc_match(const struct bgp_peer *p, const struct attr *a)
{
	const struct bgp_rtc_ent *r;
	uint64_t mask;
	size_t i, j;

	if (!negotiated(p, BGP_AF_RTARGET) || p->rtc.any)
		return true;
	for (i = 0; i < a->necomm; i++) {
		if (!ecomm_is_rt(a->ecomm[i]))
			continue;
		for (j = 0; j < p->rtc.n; j++) {
			/* A prefix shorter than a whole target matches the
			 * targets that start with its bits. */
			r = &p->rtc.rts[j];
			mask = ~0ull << (64 - r->rtbits);
			if ((a->ecomm[i] & mask) == (r->rt & mask))
				return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* In                                                                  */
/* ------------------------------------------------------------------ */

static bool
aspath_has(const struct attr *a, uint32_t asn)
{
	struct buf b, seg;
	uint8_t type, count, i;
	uint32_t as;

	buf_init(&b, a->aspath, a->aspath_len);
	while (buf_get_u8(&b, &type) == 0 && buf_get_u8(&b, &count) == 0) {
		if (buf_get_sub(&b, 4u * count, &seg) != 0)
			break;
		for (i = 0; i < count; i++)
			if (buf_get_u32(&seg, &as) == 0 && as == asn)
				return true;
	}
	return false;
}

/* A route we sent ourselves, back through a loop: drop it. */
static const char *
looped(const struct bgp_peer *p, const struct attr *a)
{
	uint32_t cluster = p->bgp->cluster_id;
	size_t i;

	if (p->est->fsm.caps.ebgp && aspath_has(a, p->cfg.local_as))
		return "our AS in the AS path";
	if ((a->flags & ATTR_F_ORIGINATOR) &&
	    a->originator_id == p->cfg.router_id)
		return "ORIGINATOR_ID is ours";
	for (i = 0; cluster != 0 && i < a->ncluster; i++)
		if (a->cluster[i] == cluster)
			return "our cluster id in CLUSTER_LIST";
	return NULL;
}

static uint32_t
import_label(enum bgp_af af, const struct attr *a, uint32_t raw)
{
	if (af != BGP_AF_EVPN)
		return raw;
	return is_vxlan(a) ? raw : raw >> 4;
}

/*
 * Applies one NLRI section: withdraws, or paths with attr.  Returns true
 * when it touched the route-target table.  NLRI are decoded IMPORT_AHEAD
 * ahead of the one applied and their keys given to rt_prefetch: a big
 * table's lookups wait on memory, and so they wait in parallel.
 */
#define IMPORT_AHEAD 8
static bool
apply_section(struct bgp_peer *p, enum bgp_af af, struct buf *b, bool withdraw,
    struct attr *attr)
{
	struct rt_table *t = bgp__table(p->bgp, af);
	struct bgp_nlri ahead[IMPORT_AHEAD], *n;
	size_t had, head = 0, count = 0;
	bool any = false;
	/* A route that is long-lived stale already (RFC 9494 4.5) stays
	 * least preferred here too. */
	uint16_t flags =
	    has_comm(attr, COMM_LLGR_STALE) ? RT_PATH_LLGR_STALE : 0;

	if (!negotiated(p, af))
		return false;
	for (;;) {
		while (count < IMPORT_AHEAD &&
		    bgp_nlri_next(af, b, withdraw,
			&ahead[(head + count) % IMPORT_AHEAD]) == 1) {
			rt_prefetch(
			    t, &ahead[(head + count) % IMPORT_AHEAD].key);
			count++;
		}
		if (count == 0)
			break;
		n = &ahead[head];
		head = (head + 1) % IMPORT_AHEAD;
		count--;
		any = true;
		if (withdraw || attr == NULL) {
			if (rt_withdraw(t, &n->key, p->src) == 0)
				p->prefixes_in--;
			continue;
		}
		/* A new route of the peer's, not a replacement, when the
		 * source gained a primary path (no second lookup for it). */
		had = p->src->nprimary;
		if (rt_update(t, &n->key, p->src, attr,
			import_label(af, attr, n->label), flags) == 0 &&
		    p->src->nprimary > had)
			p->prefixes_in++;
	}
	return any && af == BGP_AF_RTARGET;
}

static void
refeed_vpn(struct bgp_peer *p)
{
	static const enum bgp_af vpns[] = {
	    BGP_AF_INET_VPN, BGP_AF_INET6_VPN, BGP_AF_EVPN};
	size_t i;

	for (i = 0; i < nitems(vpns); i++)
		if (p->lsn[vpns[i]] != NULL)
			bgp__rib_feed(p, vpns[i]);
}

static void
flush_stale(struct bgp_peer *p, enum bgp_af af)
{
	size_t n;

	n = rt_table_flush(bgp__table(p->bgp, af), p->src, RT_PATH_STALE);
	p->prefixes_in -= MIN(n, p->prefixes_in);
	p->stale_afs &= ~BGP_AF_BIT(af);
	if (af == BGP_AF_RTARGET) {
		rtc_rebuild(p);
		refeed_vpn(p);
	}
}

static void
rib_eor(struct bgp_peer *p, enum bgp_af af)
{
	log_peer_debug(pname(p), "End-of-RIB for %s", bgp_af_name(af));
	p->eor_rcvd[af] = true;
	if (p->stale_afs & BGP_AF_BIT(af)) {
		flush_stale(p, af);
		if (p->stale_afs == 0) {
			p->gr_state = BGP_GR_NONE;
			uv_timer_stop(&p->gr_timer);
		}
	}
	bgp__defer_check(p->bgp);
}

int
bgp__rib_update(
    struct bgp_peer *p, const uint8_t *body, size_t len, struct bgp_err *err)
{
	struct bgp *b = p->bgp;
	struct bgp_update u;
	struct attr *attr = NULL, *inet_attr = NULL, tmpl;
	const char *loop = NULL;
	bool withdraw, rtc = false;

	arena_reset(&b->arena);
	if (bgp_update_decode(
		body, len, &p->est->fsm.caps, &b->arena, &u, err) != 0)
		return -1;
	if (u.eor) {
		rib_eor(p, u.eor_af);
		return 0;
	}
	withdraw = u.outcome == BGP_WITHDRAW;
	if (!withdraw && u.has_attrs && (loop = looped(p, &u.attr)) != NULL)
		withdraw = true;
	if (u.outcome != BGP_OK || loop != NULL)
		log_peer_debug(pname(p), "UPDATE %s: %s",
		    withdraw ? "treated as withdraw" : "attribute discarded",
		    loop != NULL ? loop : u.reason);
	if (!withdraw && (buf_left(&u.nlri) > 0 || u.has_reach))
		attr = attr_intern(&u.attr);
	/* IPv4 NLRI beside an MP_REACH take NEXT_HOP's address. */
	inet_attr = attr != NULL ? attr_ref(attr) : NULL;
	if (attr != NULL && u.has_reach && buf_left(&u.nlri) > 0) {
		tmpl = u.attr;
		tmpl.nexthop = u.inet_nexthop;
		attr_unref(inet_attr);
		inet_attr = attr_intern(&tmpl);
	}
	rtc |= apply_section(p, BGP_AF_INET, &u.withdrawn, true, NULL);
	if (u.has_unreach)
		rtc |=
		    apply_section(p, u.unreach_af, &u.unreach_nlri, true, NULL);
	rtc |= apply_section(p, BGP_AF_INET, &u.nlri, withdraw, inet_attr);
	if (u.has_reach)
		rtc |=
		    apply_section(p, u.reach_af, &u.reach_nlri, withdraw, attr);
	attr_unref(inet_attr);
	attr_unref(attr);
	if (rtc) {
		rtc_rebuild(p);
		refeed_vpn(p);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Out                                                                 */
/* ------------------------------------------------------------------ */

/*
 * The path this peer gets for e, or NULL for none: the best path, unless
 * it came from this peer, is iBGP-learned and may not be reflected to it,
 * is long-lived stale for a peer without LLGR, or carries no target the
 * peer asked for.
 */
static const struct rt_path *
eligible(const struct bgp_peer *p, enum bgp_af af, const struct rt_entry *e)
{
	const struct rt_path *path;
	const struct rt_source *src;

	for (path = rt_entry_paths(e); path != NULL; path = path->next)
		if (path->flags & RT_PATH_BEST)
			break;
	if (path == NULL)
		return NULL;
	src = path->src;
	if (src == p->src)
		return NULL;
	if (src->type == RT_SRC_BGP && !src->ebgp && !p->est->fsm.caps.ebgp) {
		/* iBGP to iBGP: only when we reflect (RFC 4456 8). */
		if (p->bgp->cluster_id == 0 ||
		    (!src->rr_client && !p->cfg.rr_client))
			return NULL;
	}
	if ((path->flags & RT_PATH_LLGR_STALE) &&
	    !(p->peer_llgr.present && p->cfg.llgr))
		return NULL;
	if (vpn_af(af) && !rtc_match(p, path->attr))
		return NULL;
	return path;
}

/* AS_PATH with asn in front, into buf (4-octet segments). */
static uint16_t
aspath_prepend(const struct attr *a, uint32_t asn, uint8_t *buf, size_t cap)
{
	size_t len = a->aspath_len;

	if (len + 6 > cap)
		return a->aspath_len;
	if (len >= 2 && a->aspath[0] == AS_SEQUENCE && a->aspath[1] < 255) {
		buf[0] = AS_SEQUENCE;
		buf[1] = (uint8_t)(a->aspath[1] + 1);
		buf[2] = (uint8_t)(asn >> 24);
		buf[3] = (uint8_t)(asn >> 16);
		buf[4] = (uint8_t)(asn >> 8);
		buf[5] = (uint8_t)asn;
		memcpy(buf + 6, a->aspath + 2, len - 2);
		return (uint16_t)(len + 4);
	}
	buf[0] = AS_SEQUENCE;
	buf[1] = 1;
	buf[2] = (uint8_t)(asn >> 24);
	buf[3] = (uint8_t)(asn >> 16);
	buf[4] = (uint8_t)(asn >> 8);
	buf[5] = (uint8_t)asn;
	if (len > 0)
		memcpy(buf + 6, a->aspath, len);
	return (uint16_t)(len + 6);
}

/* The attributes path goes out with to p (+1 ref). */
static struct attr *
export_attr(struct bgp_peer *p, const struct rt_path *path)
{
	static uint8_t aspath[ATTR_MAX_ASPATH];
	static uint32_t cluster[ATTR_MAX_CLUSTER];
	static uint32_t comm[ATTR_MAX_COMM];
	const struct attr *a = path->attr;
	const struct rt_source *src = path->src;
	struct attr t = *a;
	size_t n;

	memset(&t.source_rd, 0, sizeof(t.source_rd)); /* not on the wire */
	if (p->est->fsm.caps.ebgp) {
		t.aspath = aspath;
		t.aspath_len =
		    aspath_prepend(a, p->cfg.local_as, aspath, sizeof(aspath));
		t.flags &= (uint8_t) ~(ATTR_F_LOCAL_PREF | ATTR_F_ORIGINATOR);
		t.ncluster = 0;
		t.cluster = NULL;
		/* A MED from another AS does not go to a third (RFC 4271
		 * 5.1.4). */
		if (src->type == RT_SRC_BGP && src->ebgp)
			t.flags &= (uint8_t)~ATTR_F_MED;
	} else {
		if (!(t.flags & ATTR_F_LOCAL_PREF)) {
			t.flags |= ATTR_F_LOCAL_PREF;
			t.local_pref = ATTR_DEFAULT_LOCAL_PREF;
		}
		if (src->type == RT_SRC_BGP && !src->ebgp) {
			/* Reflecting (RFC 4456 8). */
			if (!(t.flags & ATTR_F_ORIGINATOR)) {
				t.flags |= ATTR_F_ORIGINATOR;
				t.originator_id = src->router_id;
			}
			n = MIN((size_t)a->ncluster, nitems(cluster) - 1);
			cluster[0] = p->bgp->cluster_id;
			if (n > 0)
				memcpy(cluster + 1, a->cluster,
				    n * sizeof(*cluster));
			t.cluster = cluster;
			t.ncluster = (uint16_t)(n + 1);
		}
	}
	if ((path->flags & RT_PATH_LLGR_STALE) &&
	    !has_comm(a, COMM_LLGR_STALE) && a->ncomm < nitems(comm)) {
		if (a->ncomm > 0)
			memcpy(comm, a->comm, a->ncomm * sizeof(*comm));
		comm[a->ncomm] = COMM_LLGR_STALE;
		t.comm = comm;
		t.ncomm = (uint16_t)(a->ncomm + 1);
	}
	return attr_intern(&t);
}

/* The export of one peer step: its writer and what it writes. */
struct exp {
	struct bgp_peer *p;
	struct bgp_update_writer uw;
	bool open; /* a message is being written */
	enum bgp_af af;
	bool withdraw;
	struct attr *attr; /* the exported set of the open message */
	/* the last translation, reused for runs of the same set */
	const struct attr *last_in;
	uint16_t last_flags;
	struct attr *last_out;
};

static void
out_flush(struct bgp_peer *p)
{
	struct wbuf *w = &p->bgp->out;

	if (w->len > 0)
		bgp__peer_send(p, w->data, w->len);
	wbuf_reset(w);
}

static void
exp_close(struct exp *x)
{
	if (!x->open)
		return;
	bgp_update_writer_finish(&x->uw);
	if (x->uw.count > 0)
		x->p->updates_out++;
	x->open = false;
	attr_unref(x->attr);
	x->attr = NULL;
	if (x->p->bgp->out.len >= BGP_OUT_CHUNK)
		out_flush(x->p);
}

/* 0, or -EINVAL / -EMSGSIZE when these attributes cannot be sent. */
static int
exp_open(struct exp *x, enum bgp_af af, bool withdraw, struct attr *attr)
{
	struct wbuf *w = &x->p->bgp->out;
	const struct ipaddr *nh = attr != NULL ? &attr->nexthop : NULL;
	int rc;

	rc = bgp_update_writer_start(
	    &x->uw, w, af, attr, nh, &x->p->est->fsm.caps);
	if (rc == -ENOSPC) {
		out_flush(x->p);
		rc = bgp_update_writer_start(
		    &x->uw, w, af, attr, nh, &x->p->est->fsm.caps);
	}
	if (rc != 0)
		return rc == -ENOSPC ? -EMSGSIZE : rc;
	x->af = af;
	x->withdraw = withdraw;
	x->attr = attr != NULL ? attr_ref(attr) : NULL;
	x->open = true;
	return 0;
}

/* Adds n to the message being written, or to a new one; 0 or -errno. */
static int
exp_add(struct exp *x, enum bgp_af af, bool withdraw, struct attr *attr,
    const struct bgp_nlri *n)
{
	int rc;

	if (x->open &&
	    (x->af != af || x->withdraw != withdraw || x->attr != attr))
		exp_close(x);
	if (!x->open && (rc = exp_open(x, af, withdraw, attr)) != 0)
		return rc;
	if ((rc = bgp_update_writer_add(&x->uw, n)) != -ENOSPC)
		return rc;
	exp_close(x);
	if ((rc = exp_open(x, af, withdraw, attr)) != 0)
		return rc;
	rc = bgp_update_writer_add(&x->uw, n);
	return rc == -ENOSPC ? -EMSGSIZE : rc;
}

static void
export_entry(struct exp *x, enum bgp_af af, const struct rt_entry *e)
{
	struct bgp_peer *p = x->p;
	const struct rt_path *path = eligible(p, af, e);
	struct bitset *s = &p->sent[af];
	uint32_t id = rt_entry_id(e);
	struct bgp_nlri n;
	struct attr *attr;

	char buf[RT_KEY_STRLEN];
	int rc;

	memset(&n, 0, sizeof(n));
	rt_entry_key(e, &n.key);
	if (path == NULL)
		goto withdraw;
	if (x->last_in != path->attr || x->last_flags != path->flags) {
		attr_unref(x->last_out);
		x->last_out = export_attr(p, path);
		x->last_in = path->attr;
		x->last_flags = path->flags;
	}
	attr = x->last_out;
	n.label = path->label;
	if (af == BGP_AF_EVPN && !is_vxlan(attr))
		n.label = path->label << 4 | 1;
	if ((rc = exp_add(x, af, false, attr, &n)) == 0) {
		bitset_set(s, id, true);
		return;
	}
	/* A next hop the family cannot carry, attributes too long for a
	 * message: the peer cannot have this route. */
	log_peer_debug(pname(p), "%s: not sent: %s",
	    rt_key_print(&n.key, buf, sizeof(buf)),
	    rc == -EMSGSIZE ? "too long for a message"
			    : "next hop or key the family cannot carry");
withdraw:
	if (!bitset_get(s, id))
		return;
	bitset_set(s, id, false);
	n.label = n.label2 = 0;
	if (exp_add(x, af, true, NULL, &n) != 0)
		log_peer_warnx(pname(p), "%s: withdraw not sent",
		    rt_key_print(&n.key, buf, sizeof(buf)));
}

static void
send_small(struct bgp_peer *p, int (*enc)(enum bgp_af, uint8_t, struct wbuf *),
    enum bgp_af af, uint8_t arg)
{
	if (enc(af, arg, &p->bgp->out) == 0)
		p->updates_out++;
}

static int
enc_eor(enum bgp_af af, uint8_t unused, struct wbuf *w)
{
	(void)unused;
	return bgp_msg_encode_eor(af, w);
}

bool
bgp__rib_export(struct bgp_peer *p)
{
	struct exp x = {.p = p};
	unsigned budget = BGP_EXPORT_BUDGET;
	const struct rt_entry *e;
	bool more = false;
	unsigned af;

	if (p->est == NULL || !p->exporting)
		return false;
	for (af = 0; af < BGP_AF_MAX && !more; af++) {
		if (p->lsn[af] == NULL)
			continue;
		while (budget > 0) {
			if (bgp__peer_congested(p)) {
				/* write_cb kicks again below the low mark. */
				exp_close(&x);
				attr_unref(x.last_out);
				out_flush(p);
				return false;
			}
			if ((e = rt_listener_next(p->lsn[af])) == NULL)
				break;
			export_entry(&x, af, e);
			budget--;
		}
		if (budget == 0) {
			more = true;
			break;
		}
		exp_close(&x);
		if (!p->eor_sent[af]) {
			send_small(p, enc_eor, af, 0);
			p->eor_sent[af] = true;
		}
		if (p->refresh_eorr[af]) {
			if (bgp_msg_encode_refresh(
				af, BGP_REFRESH_EORR, &p->bgp->out) == 0)
				p->updates_out++;
			p->refresh_eorr[af] = false;
		}
	}
	exp_close(&x);
	attr_unref(x.last_out);
	out_flush(p);
	return more;
}

static void
notify_cb(struct rt_listener *l, void *arg)
{
	(void)l;
	bgp__peer_kick(arg);
}

void
bgp__rib_feed(struct bgp_peer *p, enum bgp_af af)
{
	/* A feed again (refresh, RTC change) rewinds: withdraws the old
	 * cursor has not reached yet stay in view. */
	if (p->lsn[af] != NULL)
		rt_listener_rewind(p->lsn[af]);
	else
		p->lsn[af] = rt_listen(bgp__table(p->bgp, af), notify_cb, p);
	bgp__peer_kick(p);
}

void
bgp__rib_unlisten(struct bgp_peer *p)
{
	unsigned af;

	for (af = 0; af < BGP_AF_MAX; af++) {
		rt_unlisten(p->lsn[af]);
		p->lsn[af] = NULL;
	}
	p->exporting = false;
}

/* Starts the exports of an established peer (after any deferral). */
static void
start_exports(struct bgp_peer *p)
{
	unsigned af;

	if (p->exporting || p->est == NULL)
		return;
	p->exporting = true;
	for (af = 0; af < BGP_AF_MAX; af++)
		if (negotiated(p, (enum bgp_af)af))
			bgp__rib_feed(p, (enum bgp_af)af);
}

void
bgp__rib_up(struct bgp_peer *p)
{
	const struct bgp_gr_cap *gr = &p->est->fsm.rcvd_open.gr;
	unsigned af;

	p->src->router_id = p->est->fsm.rcvd_open.bgp_id;
	for (af = 0; af < BGP_AF_MAX; af++) {
		p->eor_sent[af] = p->eor_rcvd[af] = false;
		p->refresh_eorr[af] = false;
		bitset_fini(&p->sent[af]);
	}
	if (p->stale_afs != 0) {
		/* Back after a restart: families whose forwarding state the
		 * peer did not keep, or no longer offers, go now. */
		for (af = 0; af < BGP_AF_MAX; af++)
			if ((p->stale_afs & BGP_AF_BIT(af)) &&
			    (!gr->present ||
				!(gr->forwarding & BGP_AF_BIT(af)) ||
				!negotiated(p, (enum bgp_af)af)))
				flush_stale(p, (enum bgp_af)af);
		if (p->stale_afs != 0) {
			p->gr_state = BGP_GR_EOR_WAIT;
			uv_timer_start(&p->gr_timer, bgp__gr_cb,
			    p->cfg.eor_timeout * 1000ull, 0);
		} else {
			p->gr_state = BGP_GR_NONE;
			uv_timer_stop(&p->gr_timer);
		}
	}
	/* While we defer (restarting), a peer that restarted too gets our
	 * routes at once: it MUST NOT be made to wait (RFC 4724 3), and
	 * two restarting speakers would otherwise wait for each other. */
	if (!p->bgp->deferring || gr->restarted)
		start_exports(p);
	else
		bgp__defer_check(p->bgp);
}

void
bgp__rib_resume(struct bgp_peer *p)
{
	start_exports(p);
}

void
bgp__rib_down(struct bgp_peer *p, bool graceful)
{
	unsigned af;
	size_t n;

	bgp__rib_unlisten(p);
	for (af = 0; af < BGP_AF_MAX; af++) {
		if (graceful && (p->peer_gr.afs & BGP_AF_BIT(af))) {
			if (rt_table_mark_stale(bgp__table(p->bgp, af), p->src,
				RT_PATH_STALE) > 0 ||
			    (p->stale_afs & BGP_AF_BIT(af)))
				p->stale_afs |= BGP_AF_BIT(af);
			continue;
		}
		n = rt_table_flush(bgp__table(p->bgp, af), p->src, 0);
		p->prefixes_in -= MIN(n, p->prefixes_in);
		p->stale_afs &= ~BGP_AF_BIT(af);
	}
	rtc_rebuild(p);
	if (graceful && p->stale_afs != 0) {
		p->gr_state = BGP_GR_RESTART;
		log_peer_info(pname(p),
		    "graceful restart: routes kept stale "
		    "for %us",
		    p->peer_gr.restart_time);
		uv_timer_start(&p->gr_timer, bgp__gr_cb,
		    p->peer_gr.restart_time * 1000ull, 0);
	} else {
		p->gr_state = BGP_GR_NONE;
		uv_timer_stop(&p->gr_timer);
	}
}

/* RFC 9494 4.3: the peer's routes marked NO_LLGR go rather than becoming
 * long-lived stale. */
static void
flush_no_llgr(struct bgp_peer *p, enum bgp_af af)
{
	struct rt_table *t = bgp__table(p->bgp, af);
	const struct rt_entry *e;
	const struct rt_path *path;
	struct rt_key *keys = NULL;
	size_t n = 0, cap = 0, i;

	for (e = rt_table_first(t); e != NULL; e = rt_table_next(e)) {
		for (path = rt_entry_paths(e); path != NULL;
		     path = path->next) {
			if (path->src != p->src ||
			    (path->flags & RT_PATH_SECONDARY) ||
			    !has_comm(path->attr, COMM_NO_LLGR))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				keys = xreallocarray(keys, cap, sizeof(*keys));
			}
			rt_entry_key(e, &keys[n++]);
			break;
		}
	}
	for (i = 0; i < n; i++)
		if (rt_withdraw(t, &keys[i], p->src) == 0 && p->prefixes_in > 0)
			p->prefixes_in--;
	free(keys);
}

void
bgp__rib_gr_timer(struct bgp_peer *p)
{
	uint32_t llst = 0;
	unsigned af;

	switch (p->gr_state) {
	case BGP_GR_RESTART:
		if (p->peer_llgr.present && p->cfg.llgr) {
			for (af = 0; af < BGP_AF_MAX; af++) {
				if (!(p->stale_afs & BGP_AF_BIT(af)))
					continue;
				if (!(p->peer_llgr.afs & BGP_AF_BIT(af))) {
					flush_stale(p, (enum bgp_af)af);
					continue;
				}
				flush_no_llgr(p, (enum bgp_af)af);
				rt_table_mark_stale(bgp__table(p->bgp, af),
				    p->src, RT_PATH_LLGR_STALE);
				llst = MAX(llst,
				    MIN(p->peer_llgr.stale_time[af],
					p->cfg.llgr_time));
			}
			if (p->stale_afs != 0 && llst > 0) {
				p->gr_state = BGP_GR_LLGR;
				log_peer_info(pname(p),
				    "long-lived graceful "
				    "restart: routes kept "
				    "for %us",
				    llst);
				uv_timer_start(&p->gr_timer, bgp__gr_cb,
				    llst * 1000ull, 0);
				return;
			}
		}
		/* FALLTHROUGH */
	case BGP_GR_LLGR:
	case BGP_GR_EOR_WAIT:
		for (af = 0; af < BGP_AF_MAX; af++)
			if (p->stale_afs & BGP_AF_BIT(af))
				flush_stale(p, (enum bgp_af)af);
		log_peer_info(pname(p), "stale routes swept");
		p->gr_state = BGP_GR_NONE;
		break;
	case BGP_GR_NONE:
		break;
	}
}

void
bgp__rib_refresh(struct bgp_peer *p, enum bgp_af af, uint8_t subtype)
{
	bool enhanced = p->est->fsm.sent_open.enhanced_refresh &&
	    p->est->fsm.rcvd_open.enhanced_refresh;
	size_t n;

	switch (subtype) {
	case BGP_REFRESH_BORR:
		/* The peer re-sends af: what it does not re-send goes. */
		rt_table_mark_stale(
		    bgp__table(p->bgp, af), p->src, RT_PATH_STALE);
		return;
	case BGP_REFRESH_EORR:
		n = rt_table_flush(
		    bgp__table(p->bgp, af), p->src, RT_PATH_STALE);
		p->prefixes_in -= MIN(n, p->prefixes_in);
		return;
	default:
		break;
	}
	if (!p->exporting || p->lsn[af] == NULL)
		return;
	if (enhanced) {
		if (bgp_msg_encode_refresh(
			af, BGP_REFRESH_BORR, &p->bgp->out) == 0)
			out_flush(p);
		p->refresh_eorr[af] = true;
	}
	bgp__rib_feed(p, af);
}
