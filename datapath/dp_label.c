/*
 * dp_label.c - the MPLS label table (label -> nexthop), the VXLAN VNI
 * table (VNI -> VRF and nexthop) and the GRE key table (key -> nexthop,
 * the receiving end of GRE mirror tunnels), three keyed hashes bounded
 * by DP_MPLS_MAX, DP_VXLAN_MAX and DP_GRE_MAX entries.  Each entry holds a ref on its
 * nexthop; adding an existing key replaces its target.
 */
#include "datapath/dp_int.h"

#include <errno.h>
#include <stdlib.h>

struct dp_label {
	struct ht_node hn; /* in dp->mpls, dp->vxlan or dp->gre */
	uint32_t key;      /* label, VNI or GRE key */
	uint32_t vrf;      /* VXLAN: the VRF */
	uint32_t nh;       /* nexthop (ref held) */
};

static bool
dp_label_eq(const struct ht_node *n, const void *key)
{
	return container_of(n, struct dp_label, hn)->key ==
	    *(const uint32_t *)key;
}

static struct dp_label *
dp_label_find(const struct ht *t, uint32_t key)
{
	struct ht_node *n;

	n = ht_lookup(t, ht_hash(&key, sizeof(key)), &key, dp_label_eq);
	return n != NULL ? container_of(n, struct dp_label, hn) : NULL;
}

static int
dp_label_add(struct dp *dp, struct ht *t, size_t max, uint32_t key,
    uint32_t vrf, uint32_t nh)
{
	struct dp_label *l;

	if (dp_nh_lookup(dp, nh) == NULL)
		return -EINVAL;
	if ((l = dp_label_find(t, key)) != NULL) {
		dp__nh_ref(dp, nh);
		dp__nh_unref(dp, l->nh);
		l->nh = nh;
		l->vrf = vrf;
		return 0;
	}
	if (t->count >= max)
		return -ENOSPC;
	l = xcalloc(1, sizeof(*l));
	l->key = key;
	l->vrf = vrf;
	l->nh = nh;
	dp__nh_ref(dp, nh);
	ht_insert(t, &l->hn, ht_hash(&key, sizeof(key)));
	return 0;
}

static int
dp_label_del(struct dp *dp, struct ht *t, uint32_t key)
{
	struct dp_label *l = dp_label_find(t, key);

	if (l == NULL)
		return -ENOENT;
	ht_remove(t, &l->hn);
	dp__nh_unref(dp, l->nh);
	free(l);
	return 0;
}

int
dp_mpls_add(struct dp *dp, uint32_t label, uint32_t nh)
{
	if (label < DP_MPLS_MIN || label > DP_LABEL_MAX)
		return -EINVAL;
	return dp_label_add(dp, &dp->mpls, DP_MPLS_MAX, label, 0, nh);
}

int
dp_mpls_del(struct dp *dp, uint32_t label)
{
	return dp_label_del(dp, &dp->mpls, label);
}

uint32_t
dp_mpls_lookup(const struct dp *dp, uint32_t label)
{
	const struct dp_label *l = dp_label_find(&dp->mpls, label);

	return l != NULL ? l->nh : 0;
}

int
dp_vxlan_add(struct dp *dp, uint32_t vni, uint32_t vrf, uint32_t nh)
{
	if (vni < 1 || vni > DP_VNI_MAX || vrf >= DP_VRF_MAX)
		return -EINVAL;
	return dp_label_add(dp, &dp->vxlan, DP_VXLAN_MAX, vni, vrf, nh);
}

int
dp_vxlan_del(struct dp *dp, uint32_t vni)
{
	return dp_label_del(dp, &dp->vxlan, vni);
}

uint32_t
dp_vxlan_lookup(const struct dp *dp, uint32_t vni, uint32_t *vrf)
{
	const struct dp_label *l = dp_label_find(&dp->vxlan, vni);

	if (l == NULL)
		return 0;
	if (vrf != NULL)
		*vrf = l->vrf;
	return l->nh;
}

int
dp_gre_add(struct dp *dp, uint32_t key, uint32_t nh)
{
	/* every 32-bit key is valid (RFC 2890 gives it no structure) */
	return dp_label_add(dp, &dp->gre, DP_GRE_MAX, key, 0, nh);
}

int
dp_gre_del(struct dp *dp, uint32_t key)
{
	return dp_label_del(dp, &dp->gre, key);
}

uint32_t
dp_gre_lookup(const struct dp *dp, uint32_t key)
{
	const struct dp_label *l = dp_label_find(&dp->gre, key);

	return l != NULL ? l->nh : 0;
}

static int
dp_label_walk(const struct ht *t, dp_label_walk_cb cb, void *arg)
{
	const struct dp_label *l;
	struct ht_iter it;
	struct ht_node *n;
	int rc;

	for (n = ht_first(t, &it); n != NULL; n = ht_next(&it)) {
		l = container_of(n, struct dp_label, hn);
		if ((rc = cb(l->key, l->vrf, l->nh, arg)) != 0)
			return rc;
	}
	return 0;
}

int
dp_mpls_walk(const struct dp *dp, dp_label_walk_cb cb, void *arg)
{
	return dp_label_walk(&dp->mpls, cb, arg);
}

int
dp_vxlan_walk(const struct dp *dp, dp_label_walk_cb cb, void *arg)
{
	return dp_label_walk(&dp->vxlan, cb, arg);
}

int
dp_gre_walk(const struct dp *dp, dp_label_walk_cb cb, void *arg)
{
	return dp_label_walk(&dp->gre, cb, arg);
}

static void
dp_label_free_table(struct ht *t)
{
	struct ht_iter it;
	struct ht_node *n;

	for (n = ht_first(t, &it); n != NULL; n = ht_next(&it)) {
		ht_remove(t, n);
		free(container_of(n, struct dp_label, hn));
	}
}

void
dp__label_free_all(struct dp *dp)
{
	dp_label_free_table(&dp->mpls);
	dp_label_free_table(&dp->vxlan);
	dp_label_free_table(&dp->gre);
}
