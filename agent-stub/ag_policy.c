/*
 * ag_policy.c - one network-policy rule of the config model as datapath
 * rules (struct dp_rule): the datapath matches prefixes only, so a
 * network address becomes its subnets (from the config), "local" the
 * subnets of the interface's own network, "any" a zero-length prefix of
 * the rule's family; several addresses per side give every pair, and a
  * "<>" rule both ways.  The VN names a datapath rule carries are labels
  * for the flow's Juniper header, never matched: so that a flow matched
 * through "any" still names its network (Contrail takes the names from
 * the routes of the flow's addresses), an "any" side is given first as
 * the subnets of the interface's own network, with its name, then as the
 * zero-length prefix ("__UNKNOWN__", Contrail's name for what it cannot
 * tell: here any other network) — when the
 * caller says so (ag_mirror.c does when the whole policy fits the
 * datapath's rule budget that way); if not, as the zero-length prefix
 * only (names empty).  The action and mirrors are the same on every
 * expanded rule, so what matches is unchanged.  Pure.
 */
#include "agent-stub/ag_mirror.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One side's prefixes, each with the network it stands for. */
struct side {
	size_t n, cap;
	struct prefix *p;
	const char **vn; /* borrowed from cfg; "" when none */
};

static void
side_add(struct side *s, const struct prefix *p, const char *vn)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->p = xreallocarray(s->p, s->cap, sizeof(*s->p));
		s->vn = xreallocarray(s->vn, s->cap, sizeof(*s->vn));
	}
	s->p[s->n] = *p;
	s->vn[s->n++] = vn != NULL ? vn : "";
}

static void
side_free(struct side *s)
{
	free(s->p);
	free(s->vn);
}

/* The subnets of vn in family af (a network without any matches
 * nothing, as it has no addresses). */
static void
side_add_vn(struct side *s, const struct ag_vn *vn, sa_family_t af)
{
	size_t i;

	for (i = 0; i < vn->nsubnets; i++)
		if (vn->subnets[i].prefix.addr.af == af)
			side_add(s, &vn->subnets[i].prefix, vn->obj.name);
}

#define AG_VN_UNKNOWN "__UNKNOWN__"

/* "any": the interface's own network's subnets by name, then the rest
 * (named only when expand). */
static void
side_add_any(
    struct side *s, const struct ag_vn *own, sa_family_t af, bool expand)
{
	struct prefix any;

	memset(&any, 0, sizeof(any));
	any.addr.af = af;
	if (expand && own != NULL)
		side_add_vn(s, own, af);
	side_add(s, &any, expand ? AG_VN_UNKNOWN : "");
}

/* Fills s from a rule side; -ENOENT (why set) for an unknown network. */
static int
side_build(struct side *s, const struct ag_cfg *cfg, const struct ag_vn *own,
    const struct ag_addr *a, size_t na, sa_family_t af, bool expand, char *why,
    size_t whylen)
{
	const struct ag_vn *vn;
	size_t i;

	if (na == 0) {
		side_add_any(s, own, af, expand);
		return 0;
	}
	for (i = 0; i < na; i++) {
		switch (a[i].kind) {
		case AG_ADDR_ANY:
			side_add_any(s, own, af, expand);
			break;
		case AG_ADDR_LOCAL:
			if (own == NULL) {
				snprintf(why, whylen,
				    "'local' with the interface's network "
				    "unknown");
				return -ENOENT;
			}
			side_add_vn(s, own, af);
			break;
		case AG_ADDR_VN:
			vn = a[i].vn != NULL ? ag_cfg_vn(cfg, a[i].vn) : NULL;
			if (vn == NULL) {
				snprintf(why, whylen,
				    "network %s unknown to this node",
				    a[i].vn != NULL ? a[i].vn : "(none)");
				return -ENOENT;
			}
			side_add_vn(s, vn, af);
			break;
		case AG_ADDR_SUBNET:
			if (a[i].subnet.addr.af == af)
				side_add(s, &a[i].subnet, "");
			break;
		}
	}
	return 0;
}

static void
copy_name(char *dst, const char *src)
{
	snprintf(dst, DP_VN_NAME_MAX + 1, "%s", src);
}

/* Appends one rule unless it equals the last (a "<>" rule whose two
 * ways are the same). */
static int
emit(struct dp_rule *out, uint32_t cap, uint32_t *n, const struct dp_rule *r)
{
	if (*n > 0 && memcmp(&out[*n - 1], r, sizeof(*r)) == 0)
		return 0;
	if (*n >= cap)
		return -ENOSPC;
	out[(*n)++] = *r;
	return 0;
}

int
ag_policy_rule_expand(const struct ag_cfg *cfg, const struct ag_vn *vn,
    const struct ag_rule *rule, uint32_t mirror, bool expand,
    struct dp_rule *out, uint32_t cap, uint32_t *n, char *why, size_t whylen)
{
	sa_family_t af = rule->ipv6 ? AF_INET6 : AF_INET;
	struct side src, dst;
	struct dp_rule r, rev;
	size_t i, j;
	int rc;

	memset(&src, 0, sizeof(src));
	memset(&dst, 0, sizeof(dst));
	if ((rc = side_build(&src, cfg, vn, rule->src, rule->nsrc, af, expand,
		 why, whylen)) != 0 ||
	    (rc = side_build(&dst, cfg, vn, rule->dst, rule->ndst, af, expand,
		 why, whylen)) != 0)
		goto done;
	for (i = 0; i < src.n; i++) {
		for (j = 0; j < dst.n; j++) {
			memset(&r, 0, sizeof(r));
			r.af = (uint8_t)af;
			r.proto = rule->protocol == AG_PROTO_ANY
			    ? 0
			    : (uint8_t)rule->protocol;
			r.src = src.p[i];
			r.dst = dst.p[j];
			r.sport_lo = rule->sport.start;
			r.sport_hi = rule->sport.end;
			r.dport_lo = rule->dport.start;
			r.dport_hi = rule->dport.end;
			r.action = rule->pass ? DP_FLOW_PASS : DP_FLOW_DENY;
			r.mirror[0] = mirror;
			r.mirror[1] = DP_MIRROR_NONE;
			copy_name(r.src_vn, src.vn[i]);
			copy_name(r.dst_vn, dst.vn[j]);
			if ((rc = emit(out, cap, n, &r)) != 0)
				goto done;
			if (!rule->bidirectional)
				continue;
			rev = r;
			rev.src = r.dst;
			rev.dst = r.src;
			rev.sport_lo = r.dport_lo;
			rev.sport_hi = r.dport_hi;
			rev.dport_lo = r.sport_lo;
			rev.dport_hi = r.sport_hi;
			copy_name(rev.src_vn, r.dst_vn);
			copy_name(rev.dst_vn, r.src_vn);
			if ((rc = emit(out, cap, n, &rev)) != 0)
				goto done;
		}
	}
done:
	if (rc == -ENOSPC)
		snprintf(why, whylen, "more than %u datapath rules", cap);
	side_free(&src);
	side_free(&dst);
	return rc;
}
