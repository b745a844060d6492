/*
 * dp_flow.c - the flow table: VRF + 5-tuple (v4 or v6) -> action,
 * mirror indexes and VN metadata.  Entries come in linked pairs, the
 * forward one and its reverse, created and removed together; the table
 * holds at most flow_max entries and refuses more (-ENOSPC, counted).
 * Entries sit in a keyed hash and on a list in creation order, which
 * dp_flow_age walks a bounded number of entries per call from a cursor.
 * Each entry records the policy generation it was evaluated at; a
 * policy or mirror change bumps the generation so callers re-evaluate.
 */
#include "datapath/dp_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint64_t
dp_flow_hash(const struct dp_flow_key *k)
{
	uint8_t b[offsetof(struct dp_flow_key, sip) + 32];
	size_t a = k->af == AF_INET ? 4 : 16,
	       h = offsetof(struct dp_flow_key, sip);

	/* an IPv4 key's 24 zero bytes are not hashed: SipHash is most of
	 * a flow lookup's cost */
	memcpy(b, k, h);
	memcpy(b + h, k->sip, a);
	memcpy(b + h + a, k->dip, a);
	return ht_hash(b, h + 2 * a);
}

static bool
dp_flow_eq(const struct ht_node *n, const void *key)
{
	return memcmp(&container_of(n, struct dp_flow, hn)->key, key,
		   sizeof(struct dp_flow_key)) == 0;
}

void
dp__flow_init(struct dp *dp, uint32_t max)
{
	ht_init(&dp->flows, MIN(max, 4096));
	pool_init(&dp->flow_pool, sizeof(struct dp_flow));
	dp->flow_max = max;
	dp->gen = 1;
}

static int
dp_flow_key_check(const struct dp_flow_key *k)
{
	static const uint8_t zero[16];

	if (k->vrf >= DP_VRF_MAX || k->pad[0] != 0 || k->pad[1] != 0)
		return -EINVAL;
	if (k->af == AF_INET)
		return memcmp(k->sip + 4, zero, 12) == 0 &&
			memcmp(k->dip + 4, zero, 12) == 0
		    ? 0
		    : -EINVAL;
	return k->af == AF_INET6 ? 0 : -EINVAL;
}

static int
dp_flow_cfg_check(const struct dp *dp, const struct dp_flow_cfg *c)
{
	int i;

	if (c->action != DP_FLOW_PASS && c->action != DP_FLOW_DENY)
		return -EINVAL;
	for (i = 0; i < DP_FLOW_MIRRORS; i++)
		if (c->mirror[i] != DP_MIRROR_NONE &&
		    dp_mirror_lookup(dp, c->mirror[i]) == NULL)
			return -EINVAL;
	if (dp__name_check(c->src_vn) != 0 || dp__name_check(c->dst_vn) != 0)
		return -EINVAL;
	return 0;
}

struct dp_flow_key *
dp_flow_key_reverse(const struct dp_flow_key *k, struct dp_flow_key *r)
{
	struct dp_flow_key t = *k;

	memcpy(t.sip, k->dip, sizeof(t.sip));
	memcpy(t.dip, k->sip, sizeof(t.dip));
	t.sport = k->dport;
	t.dport = k->sport;
	*r = t;
	return r;
}

struct dp_flow *
dp_flow_lookup(const struct dp *dp, const struct dp_flow_key *k)
{
	struct ht_node *n;

	n = ht_lookup(&dp->flows, dp_flow_hash(k), k, dp_flow_eq);
	return n != NULL ? container_of(n, struct dp_flow, hn) : NULL;
}

static void
dp_flow_set(
    struct dp *dp, struct dp_flow *f, const struct dp_flow_cfg *c, bool reverse)
{
	const char *s = reverse ? c->dst_vn : c->src_vn;
	const char *d = reverse ? c->src_vn : c->dst_vn;

	f->action = c->action;
	memcpy(f->mirror, c->mirror, sizeof(f->mirror));
	free(f->src_vn);
	free(f->dst_vn);
	f->src_vn = xstrdup(s != NULL ? s : "");
	f->dst_vn = xstrdup(d != NULL ? d : "");
	f->gen = dp->gen;
}

static struct dp_flow *
dp_flow_link(struct dp *dp, const struct dp_flow_key *k, uint64_t now)
{
	struct dp_flow *f = pool_zalloc(&dp->flow_pool);

	f->key = *k;
	f->created = f->last_used = now;
	f->vif = DP_VIF_MAX;
	ht_insert(&dp->flows, &f->hn, dp_flow_hash(k));
	f->prev_all = dp->flow_tail;
	if (dp->flow_tail != NULL)
		dp->flow_tail->next_all = f;
	else
		dp->flow_head = f;
	dp->flow_tail = f;
	return f;
}

static void
dp_flow_unlink(struct dp *dp, struct dp_flow *f)
{
	if (dp->flow_cursor == f)
		dp->flow_cursor = f->next_all;
	if (f->prev_all != NULL)
		f->prev_all->next_all = f->next_all;
	else
		dp->flow_head = f->next_all;
	if (f->next_all != NULL)
		f->next_all->prev_all = f->prev_all;
	else
		dp->flow_tail = f->prev_all;
	ht_remove(&dp->flows, &f->hn);
	free(f->src_vn);
	free(f->dst_vn);
	pool_free(&dp->flow_pool, f);
}

int
dp_flow_add(struct dp *dp, const struct dp_flow_key *k,
    const struct dp_flow_cfg *cfg, uint64_t now, struct dp_flow **out)
{
	struct dp_flow_key rk;
	struct dp_flow *f, *r;
	int rc;

	if ((rc = dp_flow_key_check(k)) != 0 ||
	    (rc = dp_flow_cfg_check(dp, cfg)) != 0)
		return rc;
	dp_flow_key_reverse(k, &rk);
	/* a flow to itself would be its own reverse */
	if (memcmp(&rk, k, sizeof(rk)) == 0)
		return -EINVAL;
	if (dp_flow_lookup(dp, k) != NULL || dp_flow_lookup(dp, &rk) != NULL)
		return -EEXIST;
	if (dp->flows.count + 2 > dp->flow_max) {
		dp->flow_full++;
		return -ENOSPC;
	}
	f = dp_flow_link(dp, k, now);
	r = dp_flow_link(dp, &rk, now);
	f->rev = r;
	r->rev = f;
	r->reverse = true;
	dp_flow_set(dp, f, cfg, false);
	dp_flow_set(dp, r, cfg, true);
	if (out != NULL)
		*out = f;
	return 0;
}

int
dp_flow_del(struct dp *dp, const struct dp_flow_key *k)
{
	struct dp_flow *f = dp_flow_lookup(dp, k);

	if (f == NULL)
		return -ENOENT;
	dp_flow_unlink(dp, f->rev);
	dp_flow_unlink(dp, f);
	return 0;
}

void
dp_flow_touch(struct dp_flow *f, uint64_t now, uint32_t len)
{
	dp_ctr_add(&f->ctr, len);
	if (now > f->last_used)
		f->last_used = now;
}

int
dp_flow_update(struct dp *dp, struct dp_flow *f, const struct dp_flow_cfg *cfg)
{
	char src[DP_VN_NAME_MAX + 1], dst[DP_VN_NAME_MAX + 1];
	struct dp_flow *fwd = f->reverse ? f->rev : f;
	struct dp_flow_cfg c = *cfg;
	int rc;

	if ((rc = dp_flow_cfg_check(dp, cfg)) != 0)
		return rc;
	/* the names may be the flow's own, which dp_flow_set frees */
	str_lcpy(src, cfg->src_vn != NULL ? cfg->src_vn : "", sizeof(src));
	str_lcpy(dst, cfg->dst_vn != NULL ? cfg->dst_vn : "", sizeof(dst));
	c.src_vn = src;
	c.dst_vn = dst;
	cfg = &c;
	dp_flow_set(dp, fwd, cfg, false);
	dp_flow_set(dp, fwd->rev, cfg, true);
	return 0;
}

bool
dp_flow_stale(const struct dp *dp, const struct dp_flow *f)
{
	return f->gen != dp->gen;
}

uint64_t
dp_flow_invalidate_all(struct dp *dp)
{
	return ++dp->gen;
}

uint32_t
dp_flow_age(struct dp *dp, uint64_t now, uint64_t idle, uint32_t budget)
{
	struct dp_flow *f, *r;
	uint32_t seen, removed = 0;

	budget = MIN(budget, DP_FLOW_AGE_MAX);
	for (seen = 0; seen < budget && dp->flow_head != NULL; seen++) {
		/* a removed pair counts as two examined */
		if (dp->flow_cursor == NULL)
			dp->flow_cursor = dp->flow_head;
		f = dp->flow_cursor;
		dp->flow_cursor = f->next_all;
		r = f->rev;
		if (now < f->last_used || now - f->last_used <= idle ||
		    now < r->last_used || now - r->last_used <= idle)
			continue;
		/* the cursor moves past both if it points at either */
		dp_flow_unlink(dp, r);
		dp_flow_unlink(dp, f);
		removed += 2;
		seen++;
	}
	dp->flow_aged += removed;
	return removed;
}

int
dp_flow_walk(struct dp *dp, dp_flow_walk_cb cb, void *arg)
{
	struct dp_flow *f;
	int rc;

	for (f = dp->flow_head; f != NULL; f = f->next_all)
		if ((rc = cb(f, arg)) != 0)
			return rc;
	return 0;
}

void
dp_flow_get_stats(const struct dp *dp, struct dp_flow_stats *st)
{
	st->count = (uint32_t)dp->flows.count;
	st->max = dp->flow_max;
	st->full = dp->flow_full;
	st->aged = dp->flow_aged;
	st->gen = dp->gen;
}

void
dp__flow_free_all(struct dp *dp)
{
	while (dp->flow_head != NULL)
		dp_flow_unlink(dp, dp->flow_head);
	ht_fini(&dp->flows);
	pool_fini(&dp->flow_pool);
}
