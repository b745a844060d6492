/*
 * ag_ctl.c - the agent and its control-node sessions.
 *
 * One xmpp_client per control node (at most AG_SESS_MAX), reconnecting
 * with back-off.  The config subscription (virtual-router:<name>) lives
 * on one session, the first up; when it goes, the model is marked for
 * resync and the subscription moves to the other session (or waits for
 * one).  Every session subscribes every VRF (instance-id = VRF index),
 * publishes every interface's routes, and sends End-of-RIB once the
 * config has synced.  Received routes are kept per session (ag_rib.c).
 * With every session lost the datapath stays as it is (headless).
 */
#include "agent-stub/ag_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GLOBAL_NAME "default-global-system-config"

static void
to_bgp(char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", XMPP_CONTROL_JID, XMPP_RES_BGP);
}

bool
ag__send(struct ag_sess *s, struct wbuf *w)
{
	int rc;

	if (s->conn == NULL || w->len == 0) {
		wbuf_reset(w);
		return s->conn != NULL;
	}
	rc = xmpp_conn_send(s->conn, w->data, w->len);
	wbuf_reset(w);
	if (rc != 0) {
		/* A full queue: start over on a new session (it resyncs). */
		log_warnx("session %s: send failed: %s; reconnecting", s->addr,
		    strerror(-rc));
		xmpp_conn_close(s->conn, "send failed");
		return false;
	}
	return true;
}

static void
sess_subscribe(struct ag_sess *s, const struct ag_vrf *v, bool on)
{
	char to[XMPP_NAME_MAX];

	to_bgp(to, sizeof(to));
	if (xmpp_iq_subscribe(
		&s->ag->w, s->ag->name, to, v->ri, v->idx, !on, false) != 0) {
		wbuf_reset(&s->ag->w);
		return;
	}
	ag__send(s, &s->ag->w);
}

void
ag__vrf_subscribe(struct ag *ag, struct ag_vrf *v, bool on)
{
	unsigned i;

	for (i = 0; i < ag->nsess; i++)
		if (ag->sess[i].conn != NULL)
			sess_subscribe(&ag->sess[i], v, on);
}

static void
publish_one(struct ag_sess *s, const char *vrf, bool add)
{
	char to[XMPP_NAME_MAX];

	to_bgp(to, sizeof(to));
	if (xmpp_iq_publish(
		&s->ag->w, s->ag->name, to, vrf, &s->ag->item, add) != 0) {
		log_warnx("session %s: cannot write a publish", s->addr);
		wbuf_reset(&s->ag->w);
		return;
	}
	ag__send(s, &s->ag->w);
}

/* The items of one interface: inet/inet6 per address with the label
 * (MPLSoUDP), enet MAC-only and MAC+address with the VNI (VXLAN). */
static void
sess_publish(struct ag_sess *s, const struct ag_intf *in, bool add)
{
	struct ag *ag = s->ag;
	struct xmpp_item *it = &ag->item;
	struct xmpp_nexthop *nh;
	size_t i, k;

	if (ag->self.af != AF_INET) {
		log_warnx("interface %s: not published: no ip-address for "
			  "virtual-router %s",
		    in->name, ag->name);
		return;
	}
	for (k = 0; k <= in->nips; k++) {
		/* k < nips: inet then enet with the address; k == nips:
		 * enet MAC-only. */
		for (i = 0; i < 2; i++) {
			if (k == in->nips && i == 0)
				continue;
			memset(it, 0, sizeof(*it));
			it->nnh = 1;
			nh = &it->nh[0];
			nh->addr = ag->self;
			str_lcpy(it->vn, in->vn, sizeof(it->vn));
			str_lcpy(nh->vn, in->vn, sizeof(nh->vn));
			if (i == 0) {
				bool v6 = in->ips[k].af == AF_INET6;

				it->family =
				    v6 ? XMPP_ITEM_INET6 : XMPP_ITEM_INET;
				it->afi = v6 ? XMPP_AFI_IP6 : XMPP_AFI_IP;
				it->safi = XMPP_SAFI_UNICAST;
				it->prefix.addr = in->ips[k];
				it->prefix.len = v6 ? 128 : 32;
				nh->label = in->label;
				nh->encaps = XMPP_ENCAP_UDP | XMPP_ENCAP_MPLS;
			} else {
				it->family = XMPP_ITEM_ENET;
				it->afi = XMPP_AFI_L2VPN;
				it->safi = XMPP_SAFI_ENET;
				it->mac = in->mac;
				if (k < in->nips) {
					it->prefix.addr = in->ips[k];
					it->prefix.len =
					    in->ips[k].af == AF_INET ? 32 : 128;
				} else {
					it->prefix.addr.af = AF_INET;
					it->prefix.len = 32;
				}
				nh->label = in->vni != 0 ? in->vni : in->label;
				nh->encaps = in->vni != 0 ? XMPP_ENCAP_VXLAN
							  : XMPP_ENCAP_UDP;
			}
			publish_one(s, in->vrf->ri, add);
		}
	}
}

void
ag__intf_publish(struct ag *ag, const struct ag_intf *in, bool add)
{
	unsigned i;

	for (i = 0; i < ag->nsess; i++)
		if (ag->sess[i].conn != NULL)
			sess_publish(&ag->sess[i], in, add);
}

static void
send_eor(struct ag_sess *s)
{
	char to[XMPP_NAME_MAX];

	if (s->eor_sent || s->conn == NULL)
		return;
	to_bgp(to, sizeof(to));
	if (xmpp_iq_eor(&s->ag->w, s->ag->name, to) == 0 &&
	    ag__send(s, &s->ag->w)) {
		s->eor_sent = true;
		log_info("session %s: End-of-RIB sent", s->addr);
	}
}

void
ag__sess_sync(struct ag_sess *s)
{
	struct ag *ag = s->ag;
	const struct ag_vrf *v;
	const struct ag_intf *in;

	for (v = ag->vrfs; v != NULL; v = v->next)
		sess_subscribe(s, v, true);
	for (in = ag->intfs; in != NULL; in = in->next)
		sess_publish(s, in, true);
	if (ag_cfg_synced(ag->cfg))
		send_eor(s);
}

static void
cfg_subscribe(struct ag *ag)
{
	struct ag_sess *s = NULL;
	char to[XMPP_NAME_MAX];
	unsigned i;

	if (ag->closing > 0)
		return; /* ag_stop: the other session is closing too */
	for (i = 0; i < ag->nsess; i++) {
		if (ag->sess[i].cfg)
			return;
		if (s == NULL && ag->sess[i].conn != NULL)
			s = &ag->sess[i];
	}
	if (s == NULL)
		return;
	snprintf(to, sizeof(to), "%s/%s", XMPP_CONTROL_JID, XMPP_RES_CONFIG);
	wbuf_printf(&ag->w, "<iq type=\"set\" from=\"");
	xmpp_escape(&ag->w, ag->name);
	wbuf_printf(&ag->w,
	    "\" to=\"%s\" id=\"config\"><pubsub xmlns=\"" XMPP_PUBSUB_NS
	    "\"><subscribe node=\"virtual-router:" GLOBAL_NAME ":",
	    to);
	xmpp_escape(&ag->w, ag->name);
	wbuf_put_str(&ag->w, "\"/></pubsub></iq>");
	ag_cfg_resync(ag->cfg);
	if (ag__send(s, &ag->w)) {
		s->cfg = true;
		log_info("session %s: config subscribed for virtual-router %s",
		    s->addr, ag->name);
	}
}

static void
on_cfg(struct ag_cfg *cfg, const struct ag_cfg_change *ch, size_t n, bool eoc,
    void *arg)
{
	struct ag *ag = arg;
	unsigned i;

	(void)cfg;
	ag__intf_cfg(ag, ch, n, eoc);
	if (ag->hooks.cfg_changed != NULL)
		ag->hooks.cfg_changed(ag, ch, n, ag->hooks.arg);
	if (eoc) {
		log_info("config: synced (%zu interfaces' objects)",
		    ag_cfg_count(ag->cfg, AG_VMI));
		for (i = 0; i < ag->nsess; i++)
			send_eor(&ag->sess[i]);
	}
}

static void
op_established(struct xmpp_conn *c, void *arg)
{
	struct ag_sess *s = arg;

	s->conn = c;
	s->eor_sent = s->eor_rcvd = false;
	s->up_at = uv_now(s->ag->loop);
	log_info("session %s: up", s->addr);
	cfg_subscribe(s->ag);
	ag__sess_sync(s);
}

static void
op_stanza(struct xmpp_conn *c, const struct xmpp_node *st, void *arg)
{
	struct ag_sess *s = arg;

	(void)c;
	if (xmpp_node_is(st, "message"))
		ag__rib_message(s, st);
	else if (xmpp_node_is(st, "iq") && xmpp_node_child(st, "config")) {
		if (!s->cfg) {
			log_warnx("session %s: config IQ on a session without "
				  "the config subscription ignored",
			    s->addr);
			return;
		}
		ag_cfg_apply(s->ag->cfg, st);
	}
}

static void
op_closed(struct xmpp_conn *c, const char *reason, void *arg)
{
	struct ag_sess *s = arg;
	struct ag *ag = s->ag;
	bool was_up = s->conn != NULL;

	(void)c;
	s->conn = NULL;
	str_lcpy(
	    s->last_error, reason != NULL ? reason : "", sizeof(s->last_error));
	if (!was_up)
		return;
	s->flaps++;
	log_warnx("session %s: down (%s)%s", s->addr, reason,
	    ag_sessions_up(ag) == 0 ? "; headless: the datapath is kept" : "");
	ag__rib_sess_down(ag, s->i);
	if (s->cfg) {
		s->cfg = false;
		cfg_subscribe(ag);
	}
}

static const struct xmpp_conn_ops conn_ops = {
    .established = op_established,
    .stanza = op_stanza,
    .closed = op_closed,
};

struct ag *
ag_new(uv_loop_t *loop, const struct ag_opts *opts)
{
	struct xmpp_client_opts co;
	struct xmpp_tls_opts to;
	struct ag *ag;
	char err[256];
	unsigned i;

	ag = xcalloc(1, sizeof(*ag));
	ag->loop = loop;
	ag->opts = *opts;
	str_lcpy(ag->name, opts->name, sizeof(ag->name));
	wbuf_init_dyn(&ag->w, XMPP_STANZA_MAX);
	ag->cfg = ag_cfg_new(on_cfg, ag);
	ag->dp = ag__dp_new(ag, opts->dp_socket);
	if (opts->xmpp_cert != NULL) {
		to.cert = opts->xmpp_cert;
		to.key = opts->xmpp_key;
		to.ca = opts->xmpp_ca;
		if ((ag->tls = xmpp_tls_new(&to, false, err, sizeof(err))) ==
		    NULL) {
			log_warnx("tls: %s", err);
			ag_free(ag);
			return NULL;
		}
	}
	ag->nsess = (unsigned)MIN(opts->ncontrol, (size_t)AG_SESS_MAX);
	for (i = 0; i < ag->nsess; i++) {
		struct ag_sess *s = &ag->sess[i];

		s->ag = ag;
		s->i = i;
		sockaddr_print((const struct sockaddr *)&opts->control[i],
		    s->addr, sizeof(s->addr));
		memset(&co, 0, sizeof(co));
		co.server = opts->control[i];
		co.conn.name = ag->name;
		co.conn.to = XMPP_CONTROL_JID;
		co.conn.xmlns = "";
		co.conn.tls = ag->tls;
		co.backoff_ms = opts->backoff_ms;
		s->cl = xmpp_client_new(loop, &co, &conn_ops, s);
	}
	return ag;
}

int
ag_start(struct ag *ag)
{
	unsigned i;
	int rc;

	ag__dp_start(ag->dp);
	for (i = 0; i < ag->nsess; i++)
		if ((rc = xmpp_client_start(ag->sess[i].cl)) != 0)
			return rc;
	return 0;
}

static void
closed_one(struct ag *ag)
{
	if (--ag->closing == 0 && ag->stopped != NULL)
		ag->stopped(ag, ag->stopped_arg);
}

static void
client_stopped(struct xmpp_client *cl, void *arg)
{
	(void)cl;
	closed_one(arg);
}

void
ag_stop(struct ag *ag, ag_stopped_cb cb, void *arg)
{
	unsigned i;

	ag->stopped = cb;
	ag->stopped_arg = arg;
	ag->closing = ag->nsess + 1;
	for (i = 0; i < ag->nsess; i++)
		xmpp_client_stop(ag->sess[i].cl, client_stopped, ag);
	ag__dp_stop(ag->dp, closed_one);
}

void
ag_free(struct ag *ag)
{
	unsigned i;

	if (ag == NULL)
		return;
	for (i = 0; i < ag->nsess; i++)
		if (ag->sess[i].cl != NULL)
			xmpp_client_free(ag->sess[i].cl);
	ag__mprog_free(ag->mprog);
	ag__intf_fini(ag);
	ag__hnic_fini(ag);
	ag__dp_free(ag->dp);
	ag_cfg_free(ag->cfg);
	xmpp_tls_free(ag->tls);
	wbuf_fini(&ag->w);
	free(ag);
}

struct ag_cfg *
ag_config(struct ag *ag)
{
	return ag->cfg;
}

unsigned
ag_sessions_up(const struct ag *ag)
{
	unsigned i, n = 0;

	for (i = 0; i < ag->nsess; i++)
		n += ag->sess[i].conn != NULL;
	return n;
}

void
ag_set_hooks(struct ag *ag, const struct ag_hooks *h)
{
	if (h != NULL)
		ag->hooks = *h;
	else
		memset(&ag->hooks, 0, sizeof(ag->hooks));
}
