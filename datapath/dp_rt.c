/*
 * dp_rt.c - the per-VRF inet tables: a path-compressed binary trie per
 * VRF and family mapping prefixes to nexthop indexes.  A node holds a
 * prefix; its children extend it by at least one bit, branching on the
 * bit at the node's length.  Glue nodes (no route) exist only where two
 * subtrees diverge, so the trie has fewer than 2n nodes for n routes.
 * Lookup walks at most W + 1 nodes (W = 32 or 128), remembering the
 * last route passed: O(W), bounded, no recursion, no allocation.
 */
#include "datapath/dp_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct dp_rt_node {
	struct dp_rt_node *child[2]; /* by the bit at len */
	uint8_t key[16];             /* prefix, host bits zero */
	uint8_t len;                 /* prefix length */
	bool route;                  /* false: glue */
	uint32_t nh;                 /* nexthop (ref held) if route */
};

static int
dp_rt_fam(sa_family_t af)
{
	return af == AF_INET ? 0 : af == AF_INET6 ? 1 : -1;
}

static unsigned
dp_rt_bit(const uint8_t *k, unsigned i)
{
	return (k[i >> 3] >> (7 - (i & 7))) & 1;
}

/* Length of the common prefix of a and b, at most max bits. */
static unsigned
dp_rt_common(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned i, n = 0;
	uint8_t x;

	for (i = 0; n < max; i++) {
		x = a[i] ^ b[i];
		if (x != 0) {
			while ((x & 0x80) == 0) {
				x <<= 1;
				n++;
			}
			return MIN(n, max);
		}
		n += 8;
	}
	return max;
}

/* True if the first len bits of a and b are equal. */
static bool
dp_rt_match(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned full = len >> 3, rest = len & 7, i;

	/* at most 16 bytes: a loop beats a call to memcmp per node */
	for (i = 0; i < full; i++)
		if (a[i] != b[i])
			return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ b[full]) & (0xff00u >> rest)) == 0;
}

static struct dp_vrf *
dp_vrf_get(struct dp *dp, uint32_t vrf)
{
	if (dp->vrf[vrf] == NULL)
		dp->vrf[vrf] = xcalloc(1, sizeof(struct dp_vrf));
	return dp->vrf[vrf];
}

int
dp_vrf_set_flags(struct dp *dp, uint32_t vrf, uint32_t flags)
{
	if (vrf >= DP_VRF_MAX || (flags & ~DP_VRF_MIRROR_DEST) != 0)
		return -EINVAL;
	dp_vrf_get(dp, vrf)->flags = flags;
	return 0;
}

uint32_t
dp_vrf_flags(const struct dp *dp, uint32_t vrf)
{
	return vrf < DP_VRF_MAX && dp->vrf[vrf] != NULL ? dp->vrf[vrf]->flags
							: 0;
}

static unsigned
dp_rt_width(sa_family_t af)
{
	return af == AF_INET ? 32 : af == AF_INET6 ? 128 : 0;
}

/* A valid VRF, family and length, and host bits zero. */
static int
dp_rt_check(uint32_t vrf, const struct prefix *p)
{
	unsigned w = dp_rt_width(p->addr.af), i;

	if (vrf >= DP_VRF_MAX || w == 0 || p->len > w)
		return -EINVAL;
	for (i = p->len; i < w; i++)
		if (dp_rt_bit(p->addr.u.b, i))
			return -EINVAL;
	return 0;
}

static struct dp_rt_node *
dp_rt_node_new(const uint8_t *key, unsigned len, struct dp_vrf *v, int fam)
{
	struct dp_rt_node *n = xcalloc(1, sizeof(*n));
	unsigned full = len >> 3, rest = len & 7;

	memcpy(n->key, key, full);
	if (rest != 0)
		n->key[full] = key[full] & (uint8_t)(0xff00u >> rest);
	n->len = (uint8_t)len;
	v->st[fam].nodes++;
	return n;
}

int
dp_rt_add(struct dp *dp, uint32_t vrf, const struct prefix *p, uint32_t nh)
{
	struct dp_rt_node **pp, *n, *nn, *glue;
	const uint8_t *k = p->addr.u.b;
	struct dp_vrf *v;
	unsigned c;
	int fam, rc;

	if ((rc = dp_rt_check(vrf, p)) != 0)
		return rc;
	if (dp_nh_lookup(dp, nh) == NULL)
		return -EINVAL;
	fam = dp_rt_fam(p->addr.af);
	v = dp_vrf_get(dp, vrf);
	pp = &v->root[fam];
	while ((n = *pp) != NULL) {
		c = dp_rt_common(k, n->key, MIN(p->len, n->len));
		if (c == n->len && n->len == p->len) {
			/* the node itself */
			if (!n->route) {
				if (dp->nroutes >= DP_RT_MAX)
					return -ENOSPC;
				dp->nroutes++;
				v->st[fam].routes++;
			} else
				dp__nh_unref(dp, n->nh);
			dp__nh_ref(dp, nh);
			n->route = true;
			n->nh = nh;
			return 0;
		}
		if (c == n->len) {
			/* n covers p: go down */
			pp = &n->child[dp_rt_bit(k, n->len)];
			continue;
		}
		/* they diverge at c < n->len, or p is above n */
		if (dp->nroutes >= DP_RT_MAX)
			return -ENOSPC;
		nn = dp_rt_node_new(k, p->len, v, fam);
		if (c == p->len) {
			nn->child[dp_rt_bit(n->key, p->len)] = n;
			*pp = nn;
		} else {
			glue = dp_rt_node_new(k, c, v, fam);
			glue->child[dp_rt_bit(k, c)] = nn;
			glue->child[dp_rt_bit(n->key, c)] = n;
			*pp = glue;
		}
		goto set;
	}
	if (dp->nroutes >= DP_RT_MAX)
		return -ENOSPC;
	nn = dp_rt_node_new(k, p->len, v, fam);
	*pp = nn;
set:
	nn->route = true;
	nn->nh = nh;
	dp__nh_ref(dp, nh);
	dp->nroutes++;
	v->st[fam].routes++;
	return 0;
}

int
dp_rt_del(struct dp *dp, uint32_t vrf, const struct prefix *p)
{
	struct dp_rt_node **pp, **ppar = NULL, *n, *par, *c;
	const uint8_t *k = p->addr.u.b;
	struct dp_vrf *v;
	int fam, rc;

	if ((rc = dp_rt_check(vrf, p)) != 0)
		return rc;
	fam = dp_rt_fam(p->addr.af);
	if ((v = dp->vrf[vrf]) == NULL)
		return -ENOENT;
	pp = &v->root[fam];
	while ((n = *pp) != NULL) {
		if (n->len > p->len || !dp_rt_match(k, n->key, n->len))
			return -ENOENT;
		if (n->len == p->len)
			break;
		ppar = pp;
		pp = &n->child[dp_rt_bit(k, n->len)];
	}
	if (n == NULL || !n->route)
		return -ENOENT;
	dp__nh_unref(dp, n->nh);
	n->route = false;
	dp->nroutes--;
	v->st[fam].routes--;
	if (n->child[0] != NULL && n->child[1] != NULL)
		return 0; /* stays as glue */
	/* zero or one child: splice it out */
	*pp = n->child[0] != NULL ? n->child[0] : n->child[1];
	free(n);
	v->st[fam].nodes--;
	/* a glue parent left with one child goes too */
	if (ppar != NULL && *pp == NULL) {
		par = *ppar;
		if (!par->route) {
			c = par->child[0] != NULL ? par->child[0]
						  : par->child[1];
			*ppar = c;
			free(par);
			v->st[fam].nodes--;
		}
	}
	return 0;
}

uint32_t
dp_rt_lookup(
    const struct dp *dp, uint32_t vrf, const struct ipaddr *ip, uint8_t *plen)
{
	const struct dp_rt_node *n, *best = NULL;
	const uint8_t *k = ip->u.b;
	unsigned w;
	int fam;

	if (vrf >= DP_VRF_MAX || dp->vrf[vrf] == NULL ||
	    (fam = dp_rt_fam(ip->af)) < 0)
		return 0;
	w = fam == 0 ? 32 : 128;
	n = dp->vrf[vrf]->root[fam];
	while (n != NULL && dp_rt_match(k, n->key, n->len)) {
		if (n->route)
			best = n;
		if (n->len == w)
			break;
		n = n->child[dp_rt_bit(k, n->len)];
	}
	if (best == NULL)
		return 0;
	if (plen != NULL)
		*plen = best->len;
	return best->nh;
}

uint32_t
dp_rt_get(const struct dp *dp, uint32_t vrf, const struct prefix *p)
{
	const struct dp_rt_node *n;
	int fam;

	if (dp_rt_check(vrf, p) != 0 || dp->vrf[vrf] == NULL)
		return 0;
	fam = dp_rt_fam(p->addr.af);
	n = dp->vrf[vrf]->root[fam];
	while (n != NULL && n->len <= p->len &&
	    dp_rt_match(p->addr.u.b, n->key, n->len)) {
		if (n->len == p->len)
			return n->route ? n->nh : 0;
		n = n->child[dp_rt_bit(p->addr.u.b, n->len)];
	}
	return 0;
}

/* Pre-order walk with an explicit stack: depth is at most 129. */
int
dp_rt_walk(const struct dp *dp, uint32_t vrf, sa_family_t af, dp_rt_walk_cb cb,
    void *arg)
{
	const struct dp_rt_node *stack[130], *n;
	struct prefix p;
	size_t sp = 0;
	int fam, rc;

	if (vrf >= DP_VRF_MAX || dp->vrf[vrf] == NULL ||
	    (fam = dp_rt_fam(af)) < 0)
		return 0;
	if (dp->vrf[vrf]->root[fam] != NULL)
		stack[sp++] = dp->vrf[vrf]->root[fam];
	while (sp > 0) {
		n = stack[--sp];
		if (n->route) {
			memset(&p, 0, sizeof(p));
			p.addr.af = af;
			memcpy(p.addr.u.b, n->key, sizeof(n->key));
			p.len = n->len;
			if ((rc = cb(&p, n->nh, arg)) != 0)
				return rc;
		}
		if (n->child[1] != NULL)
			stack[sp++] = n->child[1];
		if (n->child[0] != NULL)
			stack[sp++] = n->child[0];
	}
	return 0;
}

void
dp_rt_get_stats(
    const struct dp *dp, uint32_t vrf, sa_family_t af, struct dp_rt_stats *st)
{
	int fam = dp_rt_fam(af);

	memset(st, 0, sizeof(*st));
	if (vrf < DP_VRF_MAX && dp->vrf[vrf] != NULL && fam >= 0)
		*st = dp->vrf[vrf]->st[fam];
}

static void
dp_rt_free_trie(struct dp_rt_node *root)
{
	struct dp_rt_node *stack[130], *n;
	size_t sp = 0;

	if (root != NULL)
		stack[sp++] = root;
	while (sp > 0) {
		n = stack[--sp];
		if (n->child[0] != NULL)
			stack[sp++] = n->child[0];
		if (n->child[1] != NULL)
			stack[sp++] = n->child[1];
		free(n);
	}
}

void
dp__rt_free_all(struct dp *dp)
{
	size_t i;

	for (i = 0; i < DP_VRF_MAX; i++) {
		if (dp->vrf[i] == NULL)
			continue;
		dp_rt_free_trie(dp->vrf[i]->root[0]);
		dp_rt_free_trie(dp->vrf[i]->root[1]);
		free(dp->vrf[i]);
		dp->vrf[i] = NULL;
	}
	dp->nroutes = 0;
}
