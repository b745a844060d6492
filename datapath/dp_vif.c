/*
 * dp_vif.c - the vif table: index -> interface (VM tap, fabric, agent)
 * with its MAC, VRF, MTU, port-mirroring flags and counters.  A fixed
 * array of DP_VIF_MAX slots; a vif in use by a nexthop is never deleted
 * (-EBUSY), and a mirroring vif holds a ref on its mirror entry.
 */
#include "datapath/dp_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int
dp_vif_check(const struct dp *dp, const struct dp_vif_cfg *c)
{
	size_t n;

	if (c->idx >= DP_VIF_MAX || c->vrf >= DP_VRF_MAX)
		return -EINVAL;
	if (c->kind != DP_VIF_VM && c->kind != DP_VIF_FABRIC &&
	    c->kind != DP_VIF_AGENT)
		return -EINVAL;
	if (c->name == NULL)
		return -EINVAL;
	n = strnlen(c->name, DP_VIF_NAME_MAX + 1);
	if (n == 0 || n > DP_VIF_NAME_MAX)
		return -EINVAL;
	if (c->mtu < DP_VIF_MTU_MIN || c->mtu > DP_VIF_MTU_MAX)
		return -EINVAL;
	if ((c->flags & ~(DP_VIF_MIRROR_RX | DP_VIF_MIRROR_TX)) != 0)
		return -EINVAL;
	if (c->flags != 0 && dp_mirror_lookup(dp, c->mirror) == NULL)
		return -EINVAL;
	return 0;
}

/*
 * The same vif (kind and name) added again: its MAC, VRF, mirroring and
 * MTU change in place (the agent turns port mirroring on and off so);
 * the new mirror's ref is taken before the old one's is dropped.
 */
static int
dp_vif_update(struct dp *dp, struct dp_vif *v, const struct dp_vif_cfg *cfg)
{
	uint32_t old = v->mirror;

	if (v->kind != cfg->kind || strcmp(v->name, cfg->name) != 0)
		return -EEXIST;
	v->mirror = DP_MIRROR_NONE;
	if (cfg->flags != 0) {
		v->mirror = cfg->mirror;
		dp__mirror_ref(dp, v->mirror);
	}
	if (old != DP_MIRROR_NONE)
		dp__mirror_unref(dp, old);
	v->mac = cfg->mac;
	v->vrf = cfg->vrf;
	v->flags = cfg->flags;
	v->mtu = cfg->mtu;
	return 0;
}

int
dp_vif_add(struct dp *dp, const struct dp_vif_cfg *cfg)
{
	struct dp_vif *v;
	int rc;

	if ((rc = dp_vif_check(dp, cfg)) != 0)
		return rc;
	if ((v = dp->vif[cfg->idx]) != NULL)
		return dp_vif_update(dp, v, cfg);
	v = xcalloc(1, sizeof(*v));
	v->idx = cfg->idx;
	v->kind = cfg->kind;
	str_lcpy(v->name, cfg->name, sizeof(v->name));
	v->mac = cfg->mac;
	v->vrf = cfg->vrf;
	v->flags = cfg->flags;
	v->mtu = cfg->mtu;
	v->mirror = DP_MIRROR_NONE;
	if (v->flags != 0) {
		v->mirror = cfg->mirror;
		dp__mirror_ref(dp, v->mirror);
	}
	dp->vif[v->idx] = v;
	return 0;
}

int
dp_vif_del(struct dp *dp, uint32_t idx)
{
	struct dp_vif *v = dp_vif_lookup(dp, idx);

	if (v == NULL)
		return -ENOENT;
	if (v->refcnt > 0)
		return -EBUSY;
	if (v->mirror != DP_MIRROR_NONE)
		dp__mirror_unref(dp, v->mirror);
	if (dp->policy[idx] != NULL)
		(void)dp_policy_del(dp, idx);
	dp->vif[idx] = NULL;
	free(v);
	return 0;
}

struct dp_vif *
dp_vif_lookup(const struct dp *dp, uint32_t idx)
{
	return idx < DP_VIF_MAX ? dp->vif[idx] : NULL;
}

struct dp_vif *
dp_vif_next(const struct dp *dp, uint32_t *pos)
{
	while (*pos < DP_VIF_MAX) {
		struct dp_vif *v = dp->vif[(*pos)++];

		if (v != NULL)
			return v;
	}
	return NULL;
}

void
dp__vif_free_all(struct dp *dp)
{
	size_t i;

	for (i = 0; i < DP_VIF_MAX; i++) {
		free(dp->vif[i]);
		dp->vif[i] = NULL;
	}
}
