/*
 * dp_policy.c - per-vif policy: an ordered list of rules matched against
 * a flow key when a VM vif sees the first packet of a flow.  The first
 * matching rule decides; the engine (dp_fwd.c) makes the flow from it.
 * A policy is replaced whole; any change bumps the flow generation so
 * existing flows are evaluated again.
 */
#include "datapath/dp_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct dp_policy {
	uint32_t n;            /* rules */
	struct dp_rule rule[]; /* in match order */
};

static bool
dp_rule_prefix_ok(const struct dp_rule *r, const struct prefix *p)
{
	if (r->af == 0)
		return p->len == 0;
	if (p->len == 0 && p->addr.af == 0)
		return true;
	if (p->addr.af != r->af)
		return false;
	return p->len <= (r->af == AF_INET ? 32 : 128);
}

static int
dp_rule_check(const struct dp_rule *r)
{
	uint32_t i;

	if (r->af != 0 && r->af != AF_INET && r->af != AF_INET6)
		return -EINVAL;
	if (!dp_rule_prefix_ok(r, &r->src) || !dp_rule_prefix_ok(r, &r->dst))
		return -EINVAL;
	if (r->sport_lo > r->sport_hi || r->dport_lo > r->dport_hi)
		return -EINVAL;
	if (r->action != DP_FLOW_PASS && r->action != DP_FLOW_DENY)
		return -EINVAL;
	for (i = 0; i < DP_FLOW_MIRRORS; i++)
		if (r->mirror[i] != DP_MIRROR_NONE &&
		    r->mirror[i] >= DP_MIRROR_MAX)
			return -EINVAL;
	if (memchr(r->src_vn, 0, sizeof(r->src_vn)) == NULL ||
	    memchr(r->dst_vn, 0, sizeof(r->dst_vn)) == NULL)
		return -EINVAL;
	return 0;
}

int
dp_policy_set(
    struct dp *dp, uint32_t vif, const struct dp_rule *rules, uint32_t n)
{
	const struct dp_vif *v = dp_vif_lookup(dp, vif);
	struct dp_policy *pol;
	uint32_t i;

	if (v == NULL || v->kind != DP_VIF_VM || rules == NULL || n < 1 ||
	    n > DP_POLICY_RULES_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (dp_rule_check(&rules[i]) != 0)
			return -EINVAL;
	pol = xmalloc(sizeof(*pol) + n * sizeof(pol->rule[0]));
	pol->n = n;
	memcpy(pol->rule, rules, n * sizeof(pol->rule[0]));
	free(dp->policy[vif]);
	dp->policy[vif] = pol;
	dp_flow_invalidate_all(dp);
	return 0;
}

int
dp_policy_del(struct dp *dp, uint32_t vif)
{
	if (vif >= DP_VIF_MAX || dp->policy[vif] == NULL)
		return -ENOENT;
	free(dp->policy[vif]);
	dp->policy[vif] = NULL;
	dp_flow_invalidate_all(dp);
	return 0;
}

const struct dp_rule *
dp_policy_get(const struct dp *dp, uint32_t vif, uint32_t *n)
{
	const struct dp_policy *pol;

	pol = vif < DP_VIF_MAX ? dp->policy[vif] : NULL;
	if (pol == NULL)
		return NULL;
	*n = pol->n;
	return pol->rule;
}

/* Whether p (length 0: anything) holds the address a of family af. */
static bool
dp_rule_holds(const struct prefix *p, uint8_t af, const uint8_t *a)
{
	struct ipaddr ip;

	if (p->len == 0)
		return true;
	memset(&ip, 0, sizeof(ip));
	ip.af = af;
	memcpy(ip.u.b, a, af == AF_INET ? 4 : 16);
	return prefix_contains(p, &ip);
}

static bool
dp_rule_match(const struct dp_rule *r, const struct dp_flow_key *k)
{
	if (r->af != 0 && r->af != k->af)
		return false;
	if (r->proto != 0 && r->proto != k->proto)
		return false;
	if (!dp_rule_holds(&r->src, k->af, k->sip) ||
	    !dp_rule_holds(&r->dst, k->af, k->dip))
		return false;
	return k->sport >= r->sport_lo && k->sport <= r->sport_hi &&
	    k->dport >= r->dport_lo && k->dport <= r->dport_hi;
}

const struct dp_rule *
dp_policy_match(const struct dp *dp, uint32_t vif, const struct dp_flow_key *k)
{
	const struct dp_policy *pol;
	uint32_t i;

	pol = vif < DP_VIF_MAX ? dp->policy[vif] : NULL;
	if (pol == NULL)
		return NULL;
	for (i = 0; i < pol->n; i++)
		if (dp_rule_match(&pol->rule[i], k))
			return &pol->rule[i];
	return NULL;
}

void
dp__policy_free_all(struct dp *dp)
{
	uint32_t i;

	for (i = 0; i < DP_VIF_MAX; i++) {
		free(dp->policy[i]);
		dp->policy[i] = NULL;
	}
}
