/*
 * ag_hnic.c - host NIC ports: a Cloudpods tap service of type host whose
 * target is this virtual-router names a NIC of this host (by its MAC)
 * that gets the copies of its tap flows.  The agent gives it a port in
 * the datapath: a vif of kind vm (the vrouter creates the tap, named
 * "th" + 8 hex digits of a hash of the service) with the NIC's MAC, in
 * VRF 0, where nothing is routed: it only receives copies (local ones
 * through an encap nexthop of the mirror entry, remote ones through the
 * GRE key table, both ag_mprog.c's).  The operator's capture tool reads
 * that tap.  Driven by config changes, after the interfaces.
 */
#include "agent-stub/ag_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ag_hnic *
ag__hnic_by_mac(const struct ag *ag, const struct macaddr *mac)
{
	struct ag_hnic *h;

	for (h = ag->hnics; h != NULL; h = h->next)
		if (memcmp(&h->mac, mac, sizeof(*mac)) == 0)
			return h;
	return NULL;
}

static struct ag_hnic *
hnic_find(const struct ag *ag, const char *service)
{
	struct ag_hnic *h;

	for (h = ag->hnics; h != NULL; h = h->next)
		if (strcmp(h->service, service) == 0)
			return h;
	return NULL;
}

/* A host service whose NIC is on this node. */
static bool
ts_mine(const struct ag *ag, const struct ag_tap_service *ts)
{
	return ts->type == AG_TAP_HOST && ts->has_mac && ts->target != NULL &&
	    strcmp(ts->target, ag->name) == 0;
}

static void
hnic_add(struct ag *ag, const struct ag_tap_service *ts)
{
	struct ag_hnic *h, *other;
	struct dp_msg m;
	char mac[MACADDR_STRLEN];
	bool adopted;

	macaddr_print(&ts->mac, mac, sizeof(mac));
	if ((other = ag__hnic_by_mac(ag, &ts->mac)) != NULL) {
		log_warnx("tap service %s: host NIC %s has a port already "
			  "(tap service %s): none made",
		    ts->obj.name, mac, other->service);
		return;
	}
	h = xcalloc(1, sizeof(*h));
	h->service = xstrdup(ts->obj.name);
	h->mac = ts->mac;
	ag__tap_name(AG_HNIC_PREFIX, ts->obj.name, h->tap, sizeof(h->tap));
	h->vif = ag__dp_adopt_vif(ag->dp, h->tap, &adopted);
	if (h->vif == 0) {
		free(h->service);
		free(h);
		return;
	}
	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_VIF;
	m.op = DP_MSG_ADD;
	m.u.vif.idx = h->vif;
	m.u.vif.kind = DP_VIF_VM;
	m.u.vif.name = h->tap;
	m.u.vif.mac = h->mac;
	m.u.vif.vrf = 0; /* nothing routed: it only receives copies */
	m.u.vif.mtu = AG_MTU;
	ag_dp_request(ag->dp, &m);
	h->next = ag->hnics;
	ag->hnics = h;
	log_info("tap service %s: host NIC %s, vif %" PRIu32 " tap %s%s",
	    h->service, mac, h->vif, h->tap, adopted ? " (adopted)" : "");
}

static void
hnic_del(struct ag *ag, struct ag_hnic *h)
{
	struct ag_hnic **pp;
	struct dp_msg m;

	for (pp = &ag->hnics; *pp != h; pp = &(*pp)->next)
		;
	*pp = h->next;
	/* Unlinked: mirror entries and GRE keys leave its vif first. */
	ag__mprog_recompute(ag);
	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_VIF;
	m.op = DP_MSG_DEL;
	m.u.vif.idx = h->vif;
	ag_dp_request(ag->dp, &m);
	ag_dp_release(ag->dp, AG_IDS_VIF, h->vif);
	log_info(
	    "tap service %s: host NIC port %s removed", h->service, h->tap);
	free(h->service);
	free(h);
}

void
ag__hnic_sync(struct ag *ag)
{
	const struct ag_tap_service *ts;
	struct ag_hnic *h, *next;
	size_t i, n;

	for (h = ag->hnics; h != NULL; h = next) {
		next = h->next;
		ts = ag_cfg_tap_service(ag->cfg, h->service);
		if (ts == NULL || !ts_mine(ag, ts) ||
		    memcmp(&ts->mac, &h->mac, sizeof(h->mac)) != 0)
			hnic_del(ag, h);
	}
	n = ag_cfg_count(ag->cfg, AG_TAP_SERVICE);
	for (i = 0; i < n; i++) {
		ts = (const struct ag_tap_service *)ag_cfg_at(
		    ag->cfg, AG_TAP_SERVICE, i);
		if (ts_mine(ag, ts) && hnic_find(ag, ts->obj.name) == NULL)
			hnic_add(ag, ts);
	}
}

void
ag__hnic_fini(struct ag *ag)
{
	struct ag_hnic *h;

	while ((h = ag->hnics) != NULL) {
		ag->hnics = h->next;
		free(h->service);
		free(h);
	}
}
