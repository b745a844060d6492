/*
 * cn_xmpp_pages.c - the XMPP introspect pages (Contrail's
 * ShowXmppConnectionReq and the XMPP half of BgpNeighborReq):
 *   /xmpp-connections[/NAME]  one row per agent: state, endpoints, TLS,
 *                             counters, flaps, why the last session ended;
 *   /xmpp-agents/NAME         one agent's subscriptions: instance,
 *                             instance-id, state, items sent, and its
 *                             config channel.
 * Loop thread only.
 */
#include "control-node/cn_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
cell_sockaddr(struct page *pg, const struct sockaddr_storage *ss)
{
	char buf[SOCKADDR_STRLEN];

	if (ss == NULL || ss->ss_family == 0)
		page_empty(pg);
	else
		page_str(pg,
		    sockaddr_print(
			(const struct sockaddr *)ss, buf, sizeof(buf)));
}

static void
connections_page(const struct intro_req *req, struct page *pg, void *arg)
{
	static const char *const cols[] = {"name", "state", "remote", "local",
	    "tls", "tls-peer", "up-seconds", "subscriptions", "paths",
	    "routes-in", "withdraws-in", "bad-items", "items-out",
	    "retracts-out", "messages-out", "rx-bytes", "tx-bytes",
	    "rx-stanzas", "rx-keepalives", "tx-keepalives", "queue-bytes",
	    "queue-peak", "queue-full", "eor-sent", "eor-received", "flaps",
	    "last-reason"};
	struct cx *cx = arg;
	const char *want = intro_req_subpath(req);
	const struct xmpp_conn_stats *st;
	struct cx_agent **v, *ag;
	uint64_t now = uv_now(cx->loop);
	size_t i, n;
	bool found = false;

	if (want[0] == '\0')
		want = intro_req_arg(req, "name");
	page_meta_u64(
	    pg, "port", cx->server != NULL ? xmpp_server_port(cx->server) : 0);
	page_meta_str(pg, "tls", cx->tls != NULL ? "required" : "off");
	page_meta_u64(pg, "hold-time", cx->hold);
	page_meta_str(pg, "graceful-restart-helper",
	    cx->gr.enable && cx->gr.xmpp_helper ? "on" : "off");
	page_meta_u64(pg, "agents", cx->nagents);
	page_meta_u64(pg, "sessions-accepted", cx->accepted);
	page_meta_u64(pg, "sessions-refused", cx->refused);
	page_table(pg, "connections", cols, nitems(cols));
	v = cx__agents_sorted(cx, &n);
	for (i = 0; i < n; i++) {
		ag = v[i];
		if (want != NULL && strcmp(want, ag->name) != 0)
			continue;
		found = true;
		st = ag->conn != NULL ? xmpp_conn_stats(ag->conn)
				      : &ag->last_stats;
		page_row(pg);
		page_str(pg, ag->name);
		page_str(pg, cx__agent_state(ag));
		cell_sockaddr(
		    pg, ag->conn != NULL ? xmpp_conn_remote(ag->conn) : NULL);
		cell_sockaddr(
		    pg, ag->conn != NULL ? xmpp_conn_local(ag->conn) : NULL);
		page_bool(pg, ag->conn != NULL && xmpp_conn_tls(ag->conn));
		page_str(
		    pg, ag->conn != NULL ? xmpp_conn_tls_peer(ag->conn) : "");
		page_u64(pg,
		    ag->conn != NULL && st->est_at_ms != 0
			? (now - st->est_at_ms) / 1000
			: 0);
		page_u64(pg, ag->nsubs);
		page_u64(pg, ag->src->nprimary);
		page_u64(pg, ag->routes_in);
		page_u64(pg, ag->withdraws_in);
		page_u64(pg, ag->bad_items);
		page_u64(pg, ag->items_out);
		page_u64(pg, ag->retracts_out);
		page_u64(pg, ag->msgs_out);
		page_u64(pg, st->rx_bytes);
		page_u64(pg, st->tx_bytes);
		page_u64(pg, st->rx_stanzas);
		page_u64(pg, st->rx_keepalives);
		page_u64(pg, st->tx_keepalives);
		page_u64(pg, st->wq_bytes);
		page_u64(pg, st->wq_peak);
		page_u64(pg, st->wq_full);
		page_bool(pg, ag->eor_sent);
		page_bool(pg, ag->eor_rcvd);
		page_u64(pg, ag->flaps);
		page_str(pg, ag->last_reason);
	}
	free(v);
	if (want != NULL && !found)
		page_error(pg, 404, "no XMPP agent %s", want);
}

static void
agents_page(const struct intro_req *req, struct page *pg, void *arg)
{
	static const char *const cols[] = {"agent", "instance", "instance-id",
	    "state", "no-ribout", "virtual-network", "items-out",
	    "retracts-out", "deferred-routes"};
	static const char *const ccols[] = {"agent", "virtual-router",
	    "objects", "updates", "deletes", "messages", "end-of-config"};
	struct cx *cx = arg;
	const char *want = intro_req_subpath(req);
	struct cx_agent **v, *ag;
	const struct cx_sub *sub;
	size_t i, j, n;
	bool found = false;

	if (want[0] == '\0')
		want = intro_req_arg(req, "name");
	v = cx__agents_sorted(cx, &n);
	page_table(pg, "subscriptions", cols, nitems(cols));
	for (i = 0; i < n; i++) {
		ag = v[i];
		if (want != NULL && strcmp(want, ag->name) != 0)
			continue;
		found = true;
		for (j = 0; j < ag->nsubs; j++) {
			sub = ag->subs[j];
			page_row(pg);
			page_str(pg, ag->name);
			page_str(pg, sub->name);
			page_u64(pg, sub->instance_id);
			page_str(pg,
			    sub->stale            ? "stale"
				: sub->ri == NULL ? "pending"
						  : "active");
			page_bool(pg, sub->no_ribout);
			page_str(pg, sub->ri != NULL ? ri_vn(sub->ri) : "");
			page_u64(pg, sub->items_out);
			page_u64(pg, sub->retracts_out);
			page_u64(pg, sub->ndefer);
		}
	}
	page_table(pg, "config", ccols, nitems(ccols));
	for (i = 0; i < n; i++) {
		ag = v[i];
		if ((want != NULL && strcmp(want, ag->name) != 0) ||
		    ag->cfg == NULL)
			continue;
		page_row(pg);
		page_str(pg, ag->name);
		page_str(pg, ag->cfg->vrouter);
		page_u64(pg, ag->cfg->nsent);
		page_u64(pg, ag->cfg->updates);
		page_u64(pg, ag->cfg->deletes);
		page_u64(pg, ag->cfg->msgs);
		page_bool(pg, ag->cfg->eoc_sent);
	}
	free(v);
	if (want != NULL && !found)
		page_error(pg, 404, "no XMPP agent %s", want);
}

void
cx__pages_register(struct cx *cx)
{
	struct intro *in = cn_node_intro(cx->node);

	intro_route(in, "GET", "/xmpp-connections",
	    "XMPP agents: sessions, endpoints, TLS, counters, flaps",
	    connections_page, cx);
	intro_route(in, "GET", "/xmpp-agents",
	    "XMPP agents' subscriptions (instance-ids) and config channel",
	    agents_page, cx);
}
