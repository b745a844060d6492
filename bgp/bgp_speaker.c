/*
 * bgp_speaker.c - the BGP speaker of one control node: which peers the
 * configuration asks for, the listening socket, the restart deferral, and
 * the /bgp-neighbors page.
 *
 * Peers come from the bgp-routers of the configuration (Contrail's
 * BgpConfigManager): with ibgp-auto-mesh every other control node is an
 * iBGP peer; any other router is a peer when a peering links it to this
 * node, written on either side.  A new generation changes only what
 * changed: a peer whose session parameters moved is reset with Cease
 * "configuration change" (RFC 4486), a removed one gets "peer
 * deconfigured", the others carry on.
 *
 * Restart (RFC 4724 4.1, the restarting role): with graceful restart on,
 * exports wait until every peer that answers has sent End-of-RIB, or the
 * End-of-RIB timeout, so that peers keeping our routes stale never see an
 * End-of-RIB before the routes are back.  Loop thread only.
 */
#include "bgp/bgp_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The listening socket, owned apart so that it can move. */
struct bgp_listener {
	struct uvx_owner own;
	struct bgp *bgp;
	uv_tcp_t tcp;
	struct sockaddr_storage addr;
};

static void stop_next(struct bgp *b);

struct rt_table *
bgp__table(const struct bgp *b, enum bgp_af af)
{
	return ri_table(
	    ri_mgr_master(cn_node_ri_mgr(b->node)), bgp_af_family(af));
}

/* ------------------------------------------------------------------ */
/* Listening                                                           */
/* ------------------------------------------------------------------ */

static struct bgp_peer *
peer_by_addr(const struct bgp *b, const struct sockaddr *sa)
{
	struct ipaddr want, have;
	size_t i;

	if (ipaddr_from_sockaddr(&want, sa) != 0)
		return NULL;
	for (i = 0; i < b->npeers; i++) {
		ipaddr_from_sockaddr(
		    &have, (const struct sockaddr *)&b->peers[i]->cfg.remote);
		if (ipaddr_cmp(&want, &have) == 0)
			return b->peers[i];
	}
	return NULL;
}

static void
accept_cb(uv_stream_t *server, int status)
{
	struct bgp_listener *ls = container_of(
	    uvx_owner_of((uv_handle_t *)server), struct bgp_listener, own);
	struct bgp *b = ls->bgp;
	struct bgp_conn *c;
	struct bgp_peer *p;
	char addr[SOCKADDR_STRLEN];
	int len = sizeof(struct sockaddr_storage);

	if (status != 0) {
		log_warnx("bgp: accept: %s", uv_strerror(status));
		return;
	}
	c = bgp__conn_new(b);
	if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0 ||
	    uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&c->remote, &len) !=
		0) {
		bgp__conn_drop(c);
		return;
	}
	p = b->stopping ? NULL
			: peer_by_addr(b, (const struct sockaddr *)&c->remote);
	if (p == NULL) {
		log_info("bgp: connection from %s refused: not a configured "
			 "peer",
		    sockaddr_print((const struct sockaddr *)&c->remote, addr,
			sizeof(addr)));
		bgp__conn_drop(c);
		return;
	}
	bgp__peer_accept(p, c);
}

static void
listener_closed(struct uvx_owner *own)
{
	struct bgp_listener *ls = container_of(own, struct bgp_listener, own);
	struct bgp *b = ls->bgp;

	free(ls);
	if (b->stopping)
		stop_next(b);
}

static void
listen_close(struct bgp *b)
{
	struct bgp_listener *ls = b->listener;

	if (ls == NULL)
		return;
	b->listener = NULL;
	b->listen_port = 0;
	uvx_owner_close(&ls->own, listener_closed);
}

/* TCP MD5 for one address on the listener: key, or none for "". */
static void
md5_listener(
    struct bgp *b, const struct sockaddr_storage *addr, const char *key)
{
	char a[SOCKADDR_STRLEN];
	uv_os_fd_t fd;
	int rc;

	if (b->listener == NULL ||
	    uv_fileno((uv_handle_t *)&b->listener->tcp, &fd) != 0)
		return;
	rc = bgp__set_md5(fd, addr, key);
	if (rc != 0 && key[0] != '\0')
		log_warnx("bgp: TCP MD5 for %s on the listener: %s",
		    sockaddr_print((const struct sockaddr *)addr, a, sizeof(a)),
		    strerror(-rc));
}

/* Binds and listens on addr (an unchanged address keeps its socket). */
static void
listen_on(struct bgp *b, const struct sockaddr_storage *addr)
{
	struct bgp_listener *ls;
	struct sockaddr_storage bound;
	char a[SOCKADDR_STRLEN];
	int rc, len = sizeof(bound);
	size_t i;

	if (b->listener != NULL &&
	    sockaddr_cmp((const struct sockaddr *)&b->listener->addr,
		(const struct sockaddr *)addr) == 0)
		return;
	listen_close(b);
	ls = xcalloc(1, sizeof(*ls));
	ls->bgp = b;
	ls->addr = *addr;
	uvx_owner_init(&ls->own);
	uv_tcp_init(b->loop, &ls->tcp);
	uvx_own(&ls->own, (uv_handle_t *)&ls->tcp);
	sockaddr_print((const struct sockaddr *)addr, a, sizeof(a));
	if ((rc = uv_tcp_bind(&ls->tcp, (const struct sockaddr *)addr, 0)) !=
		0 ||
	    (rc = uv_listen((uv_stream_t *)&ls->tcp, 64, accept_cb)) != 0) {
		log_warnx("bgp: cannot listen on %s: %s; connecting out only",
		    a, uv_strerror(rc));
		snprintf(b->listen_error, sizeof(b->listen_error), "%s: %s", a,
		    uv_strerror(rc));
		uvx_owner_close(&ls->own, listener_closed);
		return;
	}
	b->listener = ls;
	b->listen_error[0] = '\0';
	if (uv_tcp_getsockname(&ls->tcp, (struct sockaddr *)&bound, &len) == 0)
		b->listen_port = sockaddr_port((const struct sockaddr *)&bound);
	log_info("bgp: listening on %s (port %u)", a, b->listen_port);
	for (i = 0; i < b->npeers; i++)
		if (b->peers[i]->cfg.auth_key[0] != '\0')
			md5_listener(b, &b->peers[i]->cfg.remote,
			    b->peers[i]->cfg.auth_key);
}

/* ------------------------------------------------------------------ */
/* Restart deferral                                                    */
/* ------------------------------------------------------------------ */

static void
defer_end(struct bgp *b, const char *why)
{
	size_t i;

	if (!b->deferring)
		return;
	b->deferring = false;
	uv_timer_stop(&b->defer);
	log_info("bgp: restart: advertising (%s)", why);
	for (i = 0; i < b->npeers; i++)
		bgp__rib_resume(b->peers[i]);
}

static void
defer_cb(uv_timer_t *h)
{
	defer_end(container_of(uvx_owner_of((uv_handle_t *)h), struct bgp, own),
	    "End-of-RIB timeout");
}

/*
 * A peer is done when it sent End-of-RIB for every family, or when
 * BGP_DEFER_FAILS connects in a row failed (nobody listens there: it has
 * nothing to send us soon).  One that accepts and closes is alive, and
 * waited for.
 */
static bool
peer_settled(const struct bgp_peer *p)
{
	unsigned af;

	if (p->cfg.admin_down)
		return true;
	if (p->est == NULL)
		return p->connect_fails >= BGP_DEFER_FAILS;
	for (af = 0; af < BGP_AF_MAX; af++)
		if ((p->est->fsm.caps.afs & BGP_AF_BIT(af)) && !p->eor_rcvd[af])
			return false;
	return true;
}

void
bgp__defer_check(struct bgp *b)
{
	size_t i;

	if (!b->deferring)
		return;
	for (i = 0; i < b->npeers; i++)
		if (!peer_settled(b->peers[i]))
			return;
	defer_end(b, "End-of-RIB from every peer");
}

/* ------------------------------------------------------------------ */
/* Route-target membership                                             */
/* ------------------------------------------------------------------ */

static void
rtc_key(const struct bgp *b, uint64_t rt, struct rt_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = RT_RTARGET;
	k->origin_as = b->asn;
	k->rtarget = rt;
	k->rt_plen = 96;
}

/*
 * Makes our RTC routes the targets in rts (sorted, unique): a peer that
 * filters by RTC then sends us the VPN routes our instances import, and
 * peers we reflect for learn them too.  nh: our next hop.
 */
static void
rtc_set(struct bgp *b, const uint64_t *rts, size_t n, const struct ipaddr *nh)
{
	struct rt_table *t = bgp__table(b, BGP_AF_RTARGET);
	struct attr a, *ia = NULL;
	struct rt_key k;
	size_t i = 0, j = 0;

	if (n > 0) {
		memset(&a, 0, sizeof(a));
		a.origin = ATTR_ORIGIN_IGP;
		a.nexthop = *nh;
		ia = attr_intern(&a);
	}
	/* A merge of the old list (i) and the new (j). */
	while (i < b->nrtc || j < n) {
		if (j == n || (i < b->nrtc && b->rtc_rts[i] < rts[j])) {
			rtc_key(b, b->rtc_rts[i++], &k);
			rt_withdraw(t, &k, b->local_src);
			continue;
		}
		rtc_key(b, rts[j++], &k);
		rt_update(t, &k, b->local_src, ia, 0, 0);
		if (i < b->nrtc && b->rtc_rts[i] == rts[j - 1])
			i++;
	}
	attr_unref(ia);
	free(b->rtc_rts);
	b->rtc_rts = n > 0 ? xreallocarray(NULL, n, sizeof(*rts)) : NULL;
	if (n > 0)
		memcpy(b->rtc_rts, rts, n * sizeof(*rts));
	b->nrtc = n;
}

/* The targets every instance but the master imports. */
static void
rtc_update(struct bgp *b, const struct ipaddr *nh)
{
	struct ri_mgr *m = cn_node_ri_mgr(b->node);
	const uint64_t *v;
	uint64_t *rts = NULL;
	size_t i, n = 0, cap = 0, nv;

	for (i = 0; i < ri_mgr_count(m); i++) {
		if (ri_is_master(ri_mgr_at(m, i)))
			continue;
		v = ri_import_rts(ri_mgr_at(m, i), &nv);
		if (n + nv > cap) {
			cap = MAX(cap * 2, n + nv);
			rts = xreallocarray(rts, cap, sizeof(*rts));
		}
		memcpy(rts + n, v, nv * sizeof(*v));
		n += nv;
	}
	/* A new AS makes new keys: withdraw under the old one first. */
	rtc_set(b, rts, u64_sort_unique(rts, n), nh);
	free(rts);
}

/* ------------------------------------------------------------------ */
/* Configuration                                                       */
/* ------------------------------------------------------------------ */

static uint32_t
afs_of(uint32_t schema_afs)
{
	static const struct {
		uint32_t schema;
		enum bgp_af af;
	} map[] = {
	    {SCHEMA_AF_INET, BGP_AF_INET},
	    {SCHEMA_AF_INET_VPN, BGP_AF_INET_VPN},
	    {SCHEMA_AF_INET6_VPN, BGP_AF_INET6_VPN},
	    {SCHEMA_AF_EVPN, BGP_AF_EVPN},
	    {SCHEMA_AF_RTARGET, BGP_AF_RTARGET},
	};
	uint32_t afs = 0;
	size_t i;

	for (i = 0; i < nitems(map); i++)
		if (schema_afs & map[i].schema)
			afs |= BGP_AF_BIT(map[i].af);
	return afs;
}

/* The peering between self and r, written on either side, or NULL. */
static const struct schema_bgp_peer *
peering(
    const struct schema_bgp_router *from, const struct schema_bgp_router *to)
{
	size_t i;

	for (i = 0; i < from->npeers; i++)
		if (from->peers[i].router.name != NULL &&
		    strcmp(from->peers[i].router.name, to->obj.name) == 0)
			return &from->peers[i];
	return NULL;
}

/*
 * The session with r, or false when there is none: a peering on either
 * side, or (auto-mesh) two control nodes.
 */
static bool
make_cfg(const struct bgp *b, const struct schema_config *cfg,
    const struct schema_bgp_router *self, const struct schema_bgp_router *r,
    struct bgp_peer_cfg *pc)
{
	const struct schema_global *g = schema_config_global(cfg);
	const struct schema_bgp_peer *mine = peering(self, r),
				     *theirs = peering(r, self);
	struct ipaddr local;
	uint16_t port;

	if (r == self)
		return false;
	if (mine == NULL && theirs == NULL &&
	    !(g->ibgp_auto_mesh &&
		self->router_type == SCHEMA_ROUTER_CONTROL_NODE &&
		r->router_type == SCHEMA_ROUTER_CONTROL_NODE))
		return false;
	memset(pc, 0, sizeof(*pc));
	snprintf(pc->name, sizeof(pc->name), "%s", r->obj.name);
	sockaddr_from_ipaddr(&pc->remote, &r->address, r->port);
	/* Connect from the address we listen on when it is a specific one,
	 * else from the configured address of this node. */
	local = self->address;
	if (b->listen_addr.ss_family != 0)
		ipaddr_from_sockaddr(
		    &local, (const struct sockaddr *)&b->listen_addr);
	if (ipaddr_is_unspecified(&local))
		local = self->address;
	port = self->source_port;
	if (local.af == r->address.af)
		sockaddr_from_ipaddr(&pc->local, &local, port);
	pc->local_as = schema_bgp_router_asn(cfg, self);
	pc->remote_as = schema_bgp_router_asn(cfg, r);
	pc->router_id = schema_bgp_router_identifier(self);
	pc->hold_time = self->hold_time;
	if (mine != NULL && mine->hold_time != 0)
		pc->hold_time = mine->hold_time;
	else if (theirs != NULL && theirs->hold_time != 0)
		pc->hold_time = theirs->hold_time;
	pc->afs = afs_of(self->families & r->families);
	/* TCP MD5 when either router has a key; two keys must agree. */
	snprintf(pc->auth_key, sizeof(pc->auth_key), "%s",
	    r->auth_key != NULL          ? r->auth_key
		: self->auth_key != NULL ? self->auth_key
					 : "");
	/* Only one side connects when a peering says passive. */
	pc->passive = mine != NULL && mine->passive;
	pc->admin_down = r->admin_down || self->admin_down;
	if (r->auth_key != NULL && self->auth_key != NULL &&
	    strcmp(r->auth_key, self->auth_key) != 0) {
		snprintf(pc->conf_error, sizeof(pc->conf_error),
		    "auth-key of %s and %s differ", self->obj.name,
		    r->obj.name);
		pc->admin_down = true;
	}
	if (self->cluster_id != 0 && pc->local_as == pc->remote_as &&
	    r->router_type != SCHEMA_ROUTER_CONTROL_NODE) {
		/* Gateways are our clients; control nodes a full mesh. */
		pc->rr_client = true;
		pc->cluster_id = self->cluster_id;
	}
	pc->gr = g->gr.enable;
	pc->gr_time = g->gr.restart_time;
	pc->llgr = g->gr.enable && g->gr.llgr_time > 0;
	pc->llgr_time = g->gr.llgr_time;
	pc->eor_timeout = g->gr.eor_timeout;
	pc->helper = g->gr.enable && g->gr.bgp_helper;
	return true;
}

/* Whether a change from a to b needs a new session. */
static bool
cfg_needs_reset(const struct bgp_peer_cfg *a, const struct bgp_peer_cfg *b)
{
	return sockaddr_cmp((const struct sockaddr *)&a->remote,
		   (const struct sockaddr *)&b->remote) != 0 ||
	    sockaddr_cmp((const struct sockaddr *)&a->local,
		(const struct sockaddr *)&b->local) != 0 ||
	    a->remote_as != b->remote_as || a->local_as != b->local_as ||
	    a->router_id != b->router_id || a->cluster_id != b->cluster_id ||
	    a->hold_time != b->hold_time || a->afs != b->afs ||
	    strcmp(a->auth_key, b->auth_key) != 0 ||
	    a->rr_client != b->rr_client || a->gr != b->gr ||
	    a->llgr != b->llgr || a->gr_time != b->gr_time ||
	    a->llgr_time != b->llgr_time ||
	    strcmp(a->conf_error, b->conf_error) != 0;
}

static void
gone_add(struct bgp *b, struct bgp_peer *p)
{
	b->gone = xreallocarray(b->gone, b->ngone + 1, sizeof(*b->gone));
	b->gone[b->ngone++] = p;
}

/* Removes the peer at i, stopping it with a Cease subcode. */
static void
peer_remove(struct bgp *b, size_t i, uint8_t subcode)
{
	struct bgp_peer *p = b->peers[i];

	memmove(b->peers + i, b->peers + i + 1,
	    (b->npeers - i - 1) * sizeof(*b->peers));
	b->npeers--;
	gone_add(b, p);
	if (p->cfg.auth_key[0] != '\0' &&
	    peer_by_addr(b, (const struct sockaddr *)&p->cfg.remote) == NULL)
		md5_listener(b, &p->cfg.remote, "");
	bgp__peer_stop(p, subcode);
}

static struct bgp_peer *
peer_find(const struct bgp *b, const char *name, size_t *at)
{
	size_t i;

	for (i = 0; i < b->npeers; i++)
		if (strcmp(b->peers[i]->cfg.name, name) == 0) {
			*at = i;
			return b->peers[i];
		}
	return NULL;
}

static void
peer_insert(struct bgp *b, struct bgp_peer *p)
{
	size_t i = 0;

	while (i < b->npeers && strcmp(b->peers[i]->cfg.name, p->cfg.name) < 0)
		i++;
	b->peers = xreallocarray(b->peers, b->npeers + 1, sizeof(*b->peers));
	memmove(b->peers + i + 1, b->peers + i,
	    (b->npeers - i) * sizeof(*b->peers));
	b->peers[i] = p;
	b->npeers++;
}

static void
apply_peer(struct bgp *b, const struct bgp_peer_cfg *pc)
{
	struct bgp_peer *p;
	size_t at;

	if ((p = peer_find(b, pc->name, &at)) != NULL) {
		if (!cfg_needs_reset(&p->cfg, pc) &&
		    p->cfg.admin_down == pc->admin_down) {
			/* passive, helper and timeouts apply from now on */
			bool was_passive = p->cfg.passive;

			p->cfg = *pc;
			if (was_passive && !pc->passive)
				bgp__peer_start(p);
			return;
		}
		log_peer_info(pc->name, "%s",
		    pc->admin_down ? "administratively down"
				   : "session parameters changed: resetting");
		peer_remove(b, at, pc->admin_down ? 2 : 6);
	}
	p = bgp__peer_new(b, pc);
	peer_insert(b, p);
	if (pc->conf_error[0] != '\0') {
		log_peer_warnx(pc->name, "not started: %s", pc->conf_error);
		snprintf(
		    p->last_error, sizeof(p->last_error), "%s", pc->conf_error);
	}
	if (pc->auth_key[0] != '\0' && !pc->admin_down)
		md5_listener(b, &pc->remote, pc->auth_key);
	if (!pc->admin_down)
		log_peer_info(pc->name, "configured: AS %u, %s%s",
		    pc->remote_as,
		    pc->remote_as == pc->local_as ? "iBGP" : "eBGP",
		    pc->passive ? ", passive" : "");
	bgp__peer_start(p);
}

static void
bgp_apply(struct cn_proto *proto, const struct schema_config *cfg)
{
	struct bgp *b = container_of(proto, struct bgp, proto);
	const struct schema_bgp_router *self = cn_node_self(b->node), *r;
	const struct cn_options *opts = cn_node_options(b->node);
	struct bgp_peer_cfg pc;
	struct sockaddr_storage addr;
	size_t i, n;
	bool first = !b->applied;

	if (b->stopping)
		return;
	b->applied = true;
	if (self == NULL || self->admin_down) {
		if (b->npeers > 0 || first)
			log_info("bgp: %s",
			    self == NULL
				? "no bgp-router for this node: BGP is off"
				: "this node is admin-down: BGP is off");
		while (b->npeers > 0)
			peer_remove(b, b->npeers - 1, 2);
		listen_close(b);
		rtc_set(b, NULL, 0, NULL);
		b->asn = b->router_id = 0;
		return;
	}
	if (b->asn != schema_bgp_router_asn(cfg, self))
		rtc_set(b, NULL, 0, NULL); /* keys carry the AS */
	b->asn = schema_bgp_router_asn(cfg, self);
	b->router_id = schema_bgp_router_identifier(self);
	b->cluster_id = self->cluster_id;
	/* Listen where the options say, else on the node's own address. */
	if (opts->bgp_addr.ss_family != 0)
		addr = opts->bgp_addr;
	else
		sockaddr_from_ipaddr(&addr, &self->address, self->port);
	b->listen_addr = addr;
	listen_on(b, &addr);
	b->local_src->router_id = b->router_id;
	rtc_update(b, &self->address);

	n = schema_config_count(cfg, SCHEMA_BGP_ROUTER);
	for (i = 0; i < n; i++) {
		r = (const struct schema_bgp_router *)schema_config_at(
		    cfg, SCHEMA_BGP_ROUTER, i);
		if (!make_cfg(b, cfg, self, r, &pc))
			continue;
		apply_peer(b, &pc);
	}
	/* Peers the configuration no longer has go. */
	for (i = b->npeers; i-- > 0;) {
		r = (const struct schema_bgp_router *)schema_config_lookup(
		    cfg, SCHEMA_BGP_ROUTER, b->peers[i]->cfg.name);
		if (r == NULL || !make_cfg(b, cfg, self, r, &pc)) {
			log_peer_info(b->peers[i]->cfg.name, "deconfigured");
			peer_remove(b, i, 3);
		}
	}
	if (first && schema_config_global(cfg)->gr.enable && b->npeers > 0) {
		/* We may be restarting: hold exports (see the top). */
		b->deferring = true;
		uv_timer_start(&b->defer, defer_cb,
		    schema_config_global(cfg)->gr.eor_timeout * 1000ull, 0);
		log_info("bgp: graceful restart: advertising after End-of-RIB "
			 "from every peer, at most %us",
		    schema_config_global(cfg)->gr.eor_timeout);
	}
	bgp__defer_check(b);
}

/* ------------------------------------------------------------------ */
/* Stop                                                                */
/* ------------------------------------------------------------------ */

static void
own_closed(struct uvx_owner *own)
{
	struct bgp *b = container_of(own, struct bgp, own);

	b->stopped = true;
	if (b->stop_done != NULL)
		b->stop_done(&b->proto);
}

/* The next step of a stop: peers, then the listener, then our timer. */
static void
stop_next(struct bgp *b)
{
	if (b->ngone > 0 || b->npeers > 0)
		return;
	if (b->listener != NULL) {
		listen_close(b);
		return;
	}
	uvx_owner_close(&b->own, own_closed);
}

void
bgp__peer_gone(struct bgp_peer *p)
{
	struct bgp *b = p->bgp;
	size_t i;

	for (i = 0; i < b->ngone; i++)
		if (b->gone[i] == p) {
			b->gone[i] = b->gone[--b->ngone];
			break;
		}
	bgp__peer_free(p);
	if (b->stopping)
		stop_next(b);
}

static void
bgp_stop(struct cn_proto *proto, cn_proto_done_cb done)
{
	struct bgp *b = container_of(proto, struct bgp, proto);

	if (b->stopping)
		return;
	b->stopping = true;
	b->stop_done = done;
	b->deferring = false;
	uv_timer_stop(&b->defer);
	rtc_set(b, NULL, 0, NULL);
	/* Cease/administrative shutdown: with RFC 8538 on both sides the
	 * peers keep our routes while we restart. */
	while (b->npeers > 0)
		peer_remove(b, b->npeers - 1, 2);
	stop_next(b);
}

static void
bgp_free(struct cn_proto *proto)
{
	struct bgp *b = container_of(proto, struct bgp, proto);

	if (!b->stopped && b->own.nopen != 0)
		fatalx("%s: the speaker was not stopped", __func__);
	free(b->peers);
	free(b->gone);
	free(b->rtc_rts);
	rt_source_unref(b->local_src);
	arena_fini(&b->arena);
	free(b->out_mem);
	free(b);
}

static const struct cn_proto_ops bgp_ops = {
    .name = "bgp",
    .apply = bgp_apply,
    .stop = bgp_stop,
    .free = bgp_free,
};

/* ------------------------------------------------------------------ */
/* /bgp-neighbors                                                      */
/* ------------------------------------------------------------------ */

static const char *
gr_state_name(enum bgp_gr_state s)
{
	switch (s) {
	case BGP_GR_NONE:
		return "";
	case BGP_GR_RESTART:
		return "restarting (routes stale)";
	case BGP_GR_LLGR:
		return "long-lived stale";
	case BGP_GR_EOR_WAIT:
		return "waiting for End-of-RIB";
	}
	return "?";
}

static void
cell_afs(struct page *pg, uint32_t afs)
{
	const char *items[BGP_AF_MAX];
	size_t n = 0;
	unsigned af;

	for (af = 0; af < BGP_AF_MAX; af++)
		if (afs & BGP_AF_BIT(af))
			items[n++] = bgp_af_name((enum bgp_af)af);
	page_list(pg, items, n);
}

static void
neighbors_page(const struct intro_req *req, struct page *pg, void *arg)
{
	static const char *const cols[] = {"name", "address", "asn", "type",
	    "state", "families", "negotiated", "hold-time", "up-seconds",
	    "flaps", "prefixes-in", "updates-in", "updates-out", "messages-in",
	    "messages-out", "graceful-restart", "last-error"};
	struct bgp *b = arg;
	const char *want = intro_req_arg(req, "name");
	const char *sub = intro_req_subpath(req);
	char buf[SOCKADDR_STRLEN];
	struct ipaddr rid;
	const struct bgp_peer *p;
	const struct bgp_conn *c;
	uint64_t now = uv_now(b->loop);
	size_t i;

	if (sub[0] != '\0')
		want = sub;
	memset(&rid, 0, sizeof(rid));
	rid.af = AF_INET;
	rid.u.v4.s_addr = htonl(b->router_id);
	page_meta_u64(pg, "local-as", b->asn);
	page_meta_str(pg, "router-id", ipaddr_print(&rid, buf, sizeof(buf)));
	if (b->listener != NULL) {
		page_meta_str(pg, "listening",
		    sockaddr_print((const struct sockaddr *)&b->listener->addr,
			buf, sizeof(buf)));
	} else
		page_meta_str(pg, "listening",
		    b->listen_error[0] != '\0' ? b->listen_error : "no");
	page_meta_str(pg, "restart-deferral", b->deferring ? "on" : "off");
	page_meta_u64(pg, "peers", b->npeers);
	page_table(pg, "neighbors", cols, nitems(cols));
	for (i = 0; i < b->npeers; i++) {
		p = b->peers[i];
		if (want != NULL && strcmp(want, p->cfg.name) != 0)
			continue;
		c = p->est;
		page_row(pg);
		page_str(pg, p->cfg.name);
		page_str(pg,
		    sockaddr_print((const struct sockaddr *)&p->cfg.remote, buf,
			sizeof(buf)));
		page_u64(pg, p->cfg.remote_as);
		page_str(pg,
		    p->cfg.remote_as == p->cfg.local_as
			? (p->cfg.rr_client ? "internal (client)" : "internal")
			: "external");
		page_str(pg, bgp__peer_state(p));
		cell_afs(pg, p->cfg.afs);
		if (c != NULL) {
			cell_afs(pg, c->fsm.caps.afs);
			page_u64(pg, c->fsm.hold_time);
			page_u64(pg, (now - p->up_since_ms) / 1000);
		} else {
			page_empty(pg);
			page_empty(pg);
			page_empty(pg);
		}
		page_u64(pg, p->flaps);
		page_u64(pg, p->prefixes_in);
		page_u64(pg, p->updates_in);
		page_u64(pg, p->updates_out);
		page_u64(pg, c != NULL ? c->fsm.msgs_in : 0);
		page_u64(pg, c != NULL ? c->fsm.msgs_out : 0);
		page_str(pg, gr_state_name(p->gr_state));
		page_str(pg, p->last_error);
	}
	if (want != NULL && peer_find(b, want, &i) == NULL)
		page_error(pg, 404, "no BGP neighbor %s", want);
}

/* POST /bgp-neighbors/<name>/reset or /hard-reset. */
static void
reset_page(const struct intro_req *req, struct page *pg, void *arg)
{
	struct bgp *b = arg;
	char name[128];
	const char *sub = intro_req_subpath(req), *slash = strrchr(sub, '/');
	bool hard;

	if (slash == NULL || slash == sub ||
	    (size_t)(slash - sub) >= sizeof(name) ||
	    (strcmp(slash, "/reset") != 0 &&
		strcmp(slash, "/hard-reset") != 0)) {
		page_error(
		    pg, 404, "POST /bgp-neighbors/<name>/reset or /hard-reset");
		return;
	}
	memcpy(name, sub, (size_t)(slash - sub));
	name[slash - sub] = '\0';
	hard = strcmp(slash, "/hard-reset") == 0;
	log_info("bgp: %s of %s asked by %s", hard ? "hard reset" : "reset",
	    name, intro_req_peer(req));
	if (bgp_neighbor_reset(&b->proto, name, hard) != 0) {
		page_error(pg, 404, "no BGP neighbor %s", name);
		return;
	}
	page_meta_str(pg, "neighbor", name);
	page_meta_str(pg, "action", hard ? "hard-reset" : "reset");
}

/* ------------------------------------------------------------------ */
/* Operator API                                                        */
/* ------------------------------------------------------------------ */

int
bgp_neighbor_get(
    const struct cn_proto *proto, const char *name, struct bgp_neighbor *n)
{
	const struct bgp *b = container_of(proto, const struct bgp, proto);
	const struct bgp_peer *p;
	size_t at;
	unsigned af;

	if ((p = peer_find(b, name, &at)) == NULL)
		return -ENOENT;
	memset(n, 0, sizeof(*n));
	n->state = bgp__peer_state(p);
	n->established = p->est != NULL;
	if (p->est != NULL) {
		n->afs = p->est->fsm.caps.afs;
		n->eor_sent = n->eor_rcvd = true;
		for (af = 0; af < BGP_AF_MAX; af++) {
			if (!(n->afs & BGP_AF_BIT(af)))
				continue;
			n->eor_sent = n->eor_sent && p->eor_sent[af];
			n->eor_rcvd = n->eor_rcvd && p->eor_rcvd[af];
		}
	}
	n->prefixes_in = p->prefixes_in;
	n->updates_in = p->updates_in;
	n->updates_out = p->updates_out;
	n->flaps = p->flaps;
	n->gr_state = gr_state_name(p->gr_state);
	n->last_error = p->last_error;
	return 0;
}

bool
bgp_deferring(const struct cn_proto *proto)
{
	return container_of(proto, const struct bgp, proto)->deferring;
}

int
bgp_neighbor_reset(struct cn_proto *proto, const char *name, bool hard)
{
	struct bgp *b = container_of(proto, struct bgp, proto);
	struct bgp_peer *p;
	size_t at;

	if ((p = peer_find(b, name, &at)) == NULL)
		return -ENOENT;
	log_peer_info(
	    name, "%s by the operator", hard ? "hard reset" : "reset");
	bgp__peer_reset(p, hard ? 9 : 4,
	    hard ? "hard reset by the operator"
		 : "administrative reset by the operator");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Creation                                                            */
/* ------------------------------------------------------------------ */

struct cn_proto *
bgp_attach(struct cn_node *node)
{
	struct bgp *b = xcalloc(1, sizeof(*b));

	b->proto.ops = &bgp_ops;
	b->node = node;
	b->loop = cn_node_loop(node);
	b->local_src = rt_source_new(RT_SRC_LOCAL, "local");
	uvx_owner_init(&b->own);
	uv_timer_init(b->loop, &b->defer);
	uvx_own(&b->own, (uv_handle_t *)&b->defer);
	arena_init(&b->arena, 64 << 10);
	b->out_mem = xmalloc(BGP_OUT_CHUNK + BGP_EXT_MAX_LEN);
	wbuf_init(&b->out, b->out_mem, BGP_OUT_CHUNK + BGP_EXT_MAX_LEN);
	intro_route(cn_node_intro(node), "GET", "/bgp-neighbors",
	    "BGP peers: state, families, counters, graceful restart",
	    neighbors_page, b);
	intro_route(
	    cn_node_intro(node), "POST", "/bgp-neighbors", NULL, reset_page, b);
	cn_node_add_proto(node, &b->proto);
	return &b->proto;
}
