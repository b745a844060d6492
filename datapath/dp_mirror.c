/*
 * dp_mirror.c - the mirror table (reference/contrail-protocol.md 5):
 * index -> nexthop to the analyzer, mode flags (dynamic with or without
 * the Juniper header, static VXLAN with a VNI), analyzer and VN names
 * for the header TLVs, snap length and 1-in-N sampling.  Names longer
 * than DP_VN_NAME_MAX bytes are refused, never truncated.  An entry
 * holds a ref on its nexthop; vifs mirroring to it hold refs on it.
 * Flows name entries by index, so every change bumps the generation.
 */
#include "datapath/dp_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int
dp_mirror_check(const struct dp *dp, const struct dp_mirror_cfg *c)
{
	uint32_t mode = c->flags & (DP_MIRROR_DYNAMIC | DP_MIRROR_STATIC);

	if (c->idx >= DP_MIRROR_MAX || dp_nh_lookup(dp, c->nh) == NULL)
		return -EINVAL;
	if ((c->flags &
		~(DP_MIRROR_DYNAMIC | DP_MIRROR_STATIC |
		    DP_MIRROR_JUNIPER_HDR)) != 0)
		return -EINVAL;
	/* exactly one mode; the header only with dynamic */
	if (mode != DP_MIRROR_DYNAMIC && mode != DP_MIRROR_STATIC)
		return -EINVAL;
	if (mode == DP_MIRROR_STATIC &&
	    ((c->flags & DP_MIRROR_JUNIPER_HDR) != 0 || c->vni < 1 ||
		c->vni > DP_VNI_MAX))
		return -EINVAL;
	if (mode == DP_MIRROR_DYNAMIC && c->vni > DP_VNI_MAX)
		return -EINVAL;
	if (dp__name_check(c->analyzer) != 0 ||
	    dp__name_check(c->src_vn) != 0 || dp__name_check(c->dst_vn) != 0)
		return -EINVAL;
	if (c->snaplen != 0 && (c->snaplen < 14 || c->snaplen > DP_SNAPLEN_MAX))
		return -EINVAL;
	if (c->vlan > DP_VLAN_MAX)
		return -EINVAL;
	if (c->sample > DP_SAMPLE_MAX)
		return -EINVAL;
	return 0;
}

int
dp_mirror_add(struct dp *dp, const struct dp_mirror_cfg *cfg)
{
	struct dp_mirror *m;
	int rc;

	if ((rc = dp_mirror_check(dp, cfg)) != 0)
		return rc;
	if (dp->mirror[cfg->idx] != NULL)
		return -EEXIST;
	m = xcalloc(1, sizeof(*m));
	m->idx = cfg->idx;
	m->nh = cfg->nh;
	m->flags = cfg->flags;
	m->vni = cfg->vni;
	str_lcpy(m->analyzer, cfg->analyzer ? cfg->analyzer : "",
	    sizeof(m->analyzer));
	str_lcpy(m->src_vn, cfg->src_vn ? cfg->src_vn : "", sizeof(m->src_vn));
	str_lcpy(m->dst_vn, cfg->dst_vn ? cfg->dst_vn : "", sizeof(m->dst_vn));
	m->snaplen = cfg->snaplen;
	m->sample = cfg->sample > 1 ? cfg->sample : 1;
	m->vlan = cfg->vlan;
	dp__nh_ref(dp, m->nh);
	dp->mirror[m->idx] = m;
	dp_flow_invalidate_all(dp);
	return 0;
}

int
dp_mirror_del(struct dp *dp, uint32_t idx)
{
	struct dp_mirror *m = dp_mirror_lookup(dp, idx);

	if (m == NULL)
		return -ENOENT;
	if (m->refcnt > 0)
		return -EBUSY;
	dp__nh_unref(dp, m->nh);
	dp->mirror[idx] = NULL;
	free(m);
	dp_flow_invalidate_all(dp);
	return 0;
}

struct dp_mirror *
dp_mirror_lookup(const struct dp *dp, uint32_t idx)
{
	return idx < DP_MIRROR_MAX ? dp->mirror[idx] : NULL;
}

struct dp_mirror *
dp_mirror_next(const struct dp *dp, uint32_t *pos)
{
	while (*pos < DP_MIRROR_MAX) {
		struct dp_mirror *m = dp->mirror[(*pos)++];

		if (m != NULL)
			return m;
	}
	return NULL;
}

uint32_t
dp_mirror_snap(const struct dp_mirror *m, uint32_t len)
{
	return m->snaplen != 0 && len > m->snaplen ? m->snaplen : len;
}

bool
dp_mirror_sample(struct dp_mirror *m, uint32_t len)
{
	/* the first packet is copied, then every sample-th one */
	if (m->sample_ctr != 0) {
		if (++m->sample_ctr >= m->sample)
			m->sample_ctr = 0;
		dp_ctr_add(&m->skipped, len);
		return false;
	}
	if (m->sample > 1)
		m->sample_ctr = 1;
	dp_ctr_add(&m->ctr, dp_mirror_snap(m, len));
	return true;
}

/* A ref on an existing entry (a missing one is a broken invariant). */
void
dp__mirror_ref(struct dp *dp, uint32_t idx)
{
	struct dp_mirror *m = dp_mirror_lookup(dp, idx);

	if (m == NULL)
		fatalx("ref of missing mirror %u", idx);
	dp__ref(&m->refcnt, "mirror", idx);
}

void
dp__mirror_unref(struct dp *dp, uint32_t idx)
{
	struct dp_mirror *m = dp_mirror_lookup(dp, idx);

	if (m == NULL)
		fatalx("unref of missing mirror %u", idx);
	dp__unref(&m->refcnt, "mirror", idx);
}

void
dp__mirror_free_all(struct dp *dp)
{
	size_t i;

	for (i = 0; i < DP_MIRROR_MAX; i++) {
		free(dp->mirror[i]);
		dp->mirror[i] = NULL;
	}
}
