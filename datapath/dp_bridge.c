/*
 * dp_bridge.c - the per-VRF bridge tables: (VRF, MAC) -> nexthop and the
 * label or VNI to send with, in one keyed hash over all VRFs bounded by
 * DP_BRIDGE_MAX.  Each entry holds a ref on its nexthop.
 */
#include "datapath/dp_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct dp_bridge_key {
	uint32_t vrf;
	struct macaddr mac;
};

static uint64_t
dp_bridge_hash(uint32_t vrf, const struct macaddr *mac)
{
	struct ht_hasher h;

	ht_hasher_init(&h);
	ht_hasher_add(&h, &vrf, sizeof(vrf));
	ht_hasher_add(&h, mac->b, sizeof(mac->b));
	return ht_hasher_final(&h);
}

static bool
dp_bridge_eq(const struct ht_node *n, const void *key)
{
	const struct dp_bridge *b = container_of(n, struct dp_bridge, hn);
	const struct dp_bridge_key *k = key;

	return b->vrf == k->vrf && memcmp(b->mac.b, k->mac.b, 6) == 0;
}

struct dp_bridge *
dp_bridge_lookup(const struct dp *dp, uint32_t vrf, const struct macaddr *mac)
{
	struct dp_bridge_key k = {.vrf = vrf, .mac = *mac};
	struct ht_node *n;

	n = ht_lookup(&dp->bridge, dp_bridge_hash(vrf, mac), &k, dp_bridge_eq);
	return n != NULL ? container_of(n, struct dp_bridge, hn) : NULL;
}

int
dp_bridge_add(struct dp *dp, uint32_t vrf, const struct macaddr *mac,
    uint32_t nh, uint32_t label)
{
	struct dp_bridge *b;

	if (vrf >= DP_VRF_MAX || dp_nh_lookup(dp, nh) == NULL ||
	    label > DP_VNI_MAX)
		return -EINVAL;
	if ((b = dp_bridge_lookup(dp, vrf, mac)) != NULL) {
		dp__nh_ref(dp, nh);
		dp__nh_unref(dp, b->nh);
		b->nh = nh;
		b->label = label;
		return 0;
	}
	if (dp->bridge.count >= DP_BRIDGE_MAX)
		return -ENOSPC;
	b = xcalloc(1, sizeof(*b));
	b->vrf = vrf;
	b->mac = *mac;
	b->nh = nh;
	b->label = label;
	dp__nh_ref(dp, nh);
	ht_insert(&dp->bridge, &b->hn, dp_bridge_hash(vrf, mac));
	return 0;
}

int
dp_bridge_del(struct dp *dp, uint32_t vrf, const struct macaddr *mac)
{
	struct dp_bridge *b = dp_bridge_lookup(dp, vrf, mac);

	if (b == NULL)
		return -ENOENT;
	ht_remove(&dp->bridge, &b->hn);
	dp__nh_unref(dp, b->nh);
	free(b);
	return 0;
}

int
dp_bridge_walk(const struct dp *dp, dp_bridge_walk_cb cb, void *arg)
{
	struct ht_iter it;
	struct ht_node *n;
	int rc;

	for (n = ht_first(&dp->bridge, &it); n != NULL; n = ht_next(&it))
		if ((rc = cb(container_of(n, struct dp_bridge, hn), arg)) != 0)
			return rc;
	return 0;
}

void
dp__bridge_free_all(struct dp *dp)
{
	struct ht_iter it;
	struct ht_node *n;

	for (n = ht_first(&dp->bridge, &it); n != NULL; n = ht_next(&it)) {
		ht_remove(&dp->bridge, n);
		free(container_of(n, struct dp_bridge, hn));
	}
}
