/*
 * dp_tab.c - the datapath instance: creates and frees struct dp, the
 * owner of every forwarding table (vif, nexthop, inet, bridge, label,
 * mirror, flow).  Pure data structures, no I/O; the tables themselves
 * live one per file.  Frees in dependency order: users of nexthops
 * first, then nexthops, then vifs.
 */
#include "datapath/dp_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct dp *
dp_new(uint32_t flow_max)
{
	struct dp *dp;

	if (flow_max < 1 || flow_max > DP_FLOW_MAX)
		return NULL;
	dp = xcalloc(1, sizeof(*dp));
	dp->nh = xcalloc(DP_NH_MAX, sizeof(*dp->nh));
	ht_init(&dp->bridge, 64);
	ht_init(&dp->mpls, 64);
	ht_init(&dp->vxlan, 64);
	ht_init(&dp->gre, 64);
	dp__flow_init(dp, flow_max);
	dp__fwd_init(dp);
	return dp;
}

void
dp_free(struct dp *dp)
{
	if (dp == NULL)
		return;
	dp__flow_free_all(dp);
	dp__policy_free_all(dp);
	dp__fwd_free(dp);
	dp__rt_free_all(dp);
	dp__bridge_free_all(dp);
	dp__label_free_all(dp);
	/* vifs hold refs on mirrors, mirrors on nexthops, nexthops on vifs */
	dp__vif_free_all(dp);
	dp__mirror_free_all(dp);
	dp__nh_free_all(dp);
	ht_fini(&dp->bridge);
	ht_fini(&dp->mpls);
	ht_fini(&dp->vxlan);
	ht_fini(&dp->gre);
	free(dp->nh);
	free(dp);
}

int
dp__name_check(const char *s)
{
	if (s == NULL)
		return 0;
	return strnlen(s, DP_VN_NAME_MAX + 1) > DP_VN_NAME_MAX ? -EINVAL : 0;
}

void
dp__ref(uint32_t *refcnt, const char *what, uint32_t idx)
{
	if (*refcnt == UINT32_MAX)
		fatalx("%s %u: refcnt overflow", what, idx);
	(*refcnt)++;
}

void
dp__unref(uint32_t *refcnt, const char *what, uint32_t idx)
{
	if (*refcnt == 0)
		fatalx("%s %u: refcnt underflow", what, idx);
	(*refcnt)--;
}
