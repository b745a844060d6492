/*
 * dp_nh.c - the nexthop table: index -> what to do with a packet (drop,
 * receive, rewrite to a local vif, tunnel MPLSoUDP/VXLAN/GRE, UDP to a mirror
 * analyzer, ECMP or flood over members).  A nexthop holds a ref on its
 * vif and members; routes, labels, bridge and mirror entries hold refs
 * on nexthops, so a nexthop in use is never deleted (-EBUSY).
 * Composites may not nest, which keeps the reference graph acyclic.
 */
#include "datapath/dp_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int
dp_nh_check(const struct dp *dp, const struct dp_nh *nh)
{
	const struct dp_nh *m;
	uint32_t i;

	if (nh->idx == 0 || nh->idx >= DP_NH_MAX || nh->vrf >= DP_VRF_MAX)
		return -EINVAL;
	switch (nh->type) {
	case DP_NH_DISCARD:
	case DP_NH_RECEIVE:
		return 0;
	case DP_NH_ENCAP:
		return dp_vif_lookup(dp, nh->vif) != NULL ? 0 : -EINVAL;
	case DP_NH_TUNNEL:
		if (dp_vif_lookup(dp, nh->vif) == NULL || nh->dip.s_addr == 0)
			return -EINVAL;
		if (nh->tun == DP_TUN_MPLSOUDP)
			return nh->label >= DP_MPLS_MIN &&
				nh->label <= DP_LABEL_MAX
			    ? 0
			    : -EINVAL;
		if (nh->tun == DP_TUN_VXLAN)
			return nh->label >= 1 && nh->label <= DP_VNI_MAX
			    ? 0
			    : -EINVAL;
		if (nh->tun == DP_TUN_GRE)
			return 0; /* the key: all 32 bits, 0 included */
		return -EINVAL;
	case DP_NH_MIRROR_UDP:
		if (nh->an_ip.af != AF_INET && nh->an_ip.af != AF_INET6)
			return -EINVAL;
		if (ipaddr_is_unspecified(&nh->an_ip) || nh->an_port == 0)
			return -EINVAL;
		return 0;
	case DP_NH_COMPOSITE:
		if (nh->ncomp < 1 || nh->ncomp > DP_NH_COMP_MAX)
			return -EINVAL;
		for (i = 0; i < nh->ncomp; i++) {
			m = dp_nh_lookup(dp, nh->comp[i]);
			if (m == NULL || m->type == DP_NH_COMPOSITE)
				return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

int
dp_nh_add(struct dp *dp, const struct dp_nh *nh)
{
	struct dp_nh *n;
	uint32_t i;
	int rc;

	if ((rc = dp_nh_check(dp, nh)) != 0)
		return rc;
	if (dp->nh[nh->idx] != NULL)
		return -EEXIST;
	n = xmemdup(nh, sizeof(*nh));
	n->refcnt = 0;
	memset(&n->ctr, 0, sizeof(n->ctr));
	if (n->type != DP_NH_COMPOSITE)
		n->ncomp = 0;
	if (n->type == DP_NH_ENCAP || n->type == DP_NH_TUNNEL)
		dp__ref(&dp->vif[n->vif]->refcnt, "vif", n->vif);
	for (i = 0; i < n->ncomp; i++)
		dp__nh_ref(dp, n->comp[i]);
	dp->nh[n->idx] = n;
	return 0;
}

int
dp_nh_del(struct dp *dp, uint32_t idx)
{
	struct dp_nh *n = dp_nh_lookup(dp, idx);
	uint32_t i;

	if (n == NULL)
		return -ENOENT;
	if (n->refcnt > 0)
		return -EBUSY;
	if (n->type == DP_NH_ENCAP || n->type == DP_NH_TUNNEL)
		dp__unref(&dp->vif[n->vif]->refcnt, "vif", n->vif);
	for (i = 0; i < n->ncomp; i++)
		dp__nh_unref(dp, n->comp[i]);
	dp->nh[idx] = NULL;
	free(n);
	return 0;
}

struct dp_nh *
dp_nh_lookup(const struct dp *dp, uint32_t idx)
{
	return idx < DP_NH_MAX ? dp->nh[idx] : NULL;
}

struct dp_nh *
dp_nh_next(const struct dp *dp, uint32_t *pos)
{
	while (*pos < DP_NH_MAX) {
		struct dp_nh *n = dp->nh[(*pos)++];

		if (n != NULL)
			return n;
	}
	return NULL;
}

struct dp_nh *
dp_nh_ecmp_pick(const struct dp *dp, const struct dp_nh *nh, uint64_t hash)
{
	if (nh->type != DP_NH_COMPOSITE || !nh->ecmp)
		return (struct dp_nh *)(uintptr_t)nh;
	return dp->nh[nh->comp[hash % nh->ncomp]];
}

/* A ref on an existing entry (a missing one is a broken invariant). */
void
dp__nh_ref(struct dp *dp, uint32_t idx)
{
	struct dp_nh *n = dp_nh_lookup(dp, idx);

	if (n == NULL)
		fatalx("ref of missing nexthop %u", idx);
	dp__ref(&n->refcnt, "nexthop", idx);
}

void
dp__nh_unref(struct dp *dp, uint32_t idx)
{
	struct dp_nh *n = dp_nh_lookup(dp, idx);

	if (n == NULL)
		fatalx("unref of missing nexthop %u", idx);
	dp__unref(&n->refcnt, "nexthop", idx);
}

void
dp__nh_free_all(struct dp *dp)
{
	size_t i;

	for (i = 0; i < DP_NH_MAX; i++) {
		free(dp->nh[i]);
		dp->nh[i] = NULL;
	}
}
