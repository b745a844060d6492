/*
 * dp_int.h - private to datapath/: the layout of struct dp, which owns
 * every table, and the helpers the table files share.
 */
#ifndef SDN_DP_INT_H
#define SDN_DP_INT_H

#include "datapath/dp.h"

struct dp_rt_node;
struct dp_policy;
struct dp_fwd;

/* One VRF: its two tries and flags; created on first use. */
struct dp_vrf {
	struct dp_rt_node *root[2]; /* [0] IPv4, [1] IPv6 */
	struct dp_rt_stats st[2];   /* counts per family */
	uint32_t flags;             /* DP_VRF_* */
};

struct dp {
	struct dp_vif *vif[DP_VIF_MAX];          /* owned, NULL if free */
	struct dp_nh **nh;                       /* DP_NH_MAX slots, owned */
	struct dp_vrf *vrf[DP_VRF_MAX];          /* owned, NULL if unused */
	uint32_t nroutes;                        /* over all VRFs */
	struct ht bridge;                        /* struct dp_bridge */
	struct ht mpls;                          /* struct dp_label */
	struct ht vxlan;                         /* struct dp_label */
	struct ht gre;                           /* struct dp_label */
	struct dp_mirror *mirror[DP_MIRROR_MAX]; /* owned */
	struct ht flows;                         /* struct dp_flow */
	struct pool flow_pool;                   /* struct dp_flow */
	struct dp_flow *flow_head;               /* oldest */
	struct dp_flow *flow_tail;               /* newest */
	struct dp_flow *flow_cursor;             /* next for dp_flow_age */
	uint32_t flow_max;                       /* bound */
	uint64_t flow_full;                      /* refusals */
	uint64_t flow_aged;                      /* aged out */
	uint64_t gen;                            /* policy/mirror generation */
	struct dp_policy *policy[DP_VIF_MAX];    /* per vif, owned */
	struct dp_fwd *fwd;                      /* engine state, owned */
};

/* dp_nh.c: refs held on nexthops by the other tables. */
void dp__nh_ref(struct dp *dp, uint32_t idx);
void dp__nh_unref(struct dp *dp, uint32_t idx);
void dp__nh_free_all(struct dp *dp);
/* dp_vif.c */
void dp__vif_free_all(struct dp *dp);
/* dp_rt.c */
void dp__rt_free_all(struct dp *dp);
/* dp_bridge.c */
void dp__bridge_free_all(struct dp *dp);
/* dp_label.c */
void dp__label_free_all(struct dp *dp);
/* dp_mirror.c */
void dp__mirror_ref(struct dp *dp, uint32_t idx);
void dp__mirror_unref(struct dp *dp, uint32_t idx);
void dp__mirror_free_all(struct dp *dp);
/* dp_policy.c */
void dp__policy_free_all(struct dp *dp);
/* dp_fwd.c */
void dp__fwd_init(struct dp *dp);
void dp__fwd_free(struct dp *dp);
/* dp_flow.c */
void dp__flow_init(struct dp *dp, uint32_t max);
void dp__flow_free_all(struct dp *dp);
/* dp_tab.c: refcount steps; fatalx on overflow or underflow (C4). */
void dp__ref(uint32_t *refcnt, const char *what, uint32_t idx);
void dp__unref(uint32_t *refcnt, const char *what, uint32_t idx);
/* A name of at most DP_VN_NAME_MAX bytes (NULL is ""); else -EINVAL. */
int dp__name_check(const char *s);

#endif /* SDN_DP_INT_H */
