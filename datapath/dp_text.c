/*
 * dp_text.c - the text form of programming requests, one per line
 * ("vif add idx=1 kind=vm name=tap1 ..."), as `miradorctl dp apply`
 * reads them (datapath/README.md has the grammar).  Pure: a line
 * becomes a struct dp_msg or an error naming the field; the codec and
 * the tables check the rest when the message is sent.
 */
#include "datapath/dp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DP_TEXT_FIELDS_MAX (DP_POLICY_RULES_MAX + 16) /* key=value words */

struct dp_text_field {
	const char *key; /* before '=' */
	const char *val; /* after it, quotes removed */
	bool used;       /* consumed by the object's parser */
};

struct dp_text {
	const char *obj;                            /* first word */
	const char *op;                             /* second word */
	struct dp_text_field f[DP_TEXT_FIELDS_MAX]; /* the rest */
	size_t nf;                                  /* fields */
	char *err;                                  /* caller's */
	size_t errlen;                              /* its size */
};

static int PRINTFLIKE(2, 3)
    dp_text_fail(struct dp_text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->err, t->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool
dp_text_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Splits s (modified) into nwords plain words, then key=value words;
 * a value may be "quoted".  A '#' where a word would start ends the
 * line (a comment). */
static int
dp_text_split(struct dp_text *t, char *s, size_t nwords)
{
	char *w, *eq;
	size_t nw = 0;

	for (;;) {
		while (dp_text_space(*s))
			s++;
		if (*s == '\0' || *s == '#')
			return 0;
		w = s;
		while (*s != '\0' && !dp_text_space(*s) && *s != '=')
			s++;
		eq = s;
		if (*s == '=') {
			s++;
			if (*s == '"') {
				if ((s = strchr(s + 1, '"')) == NULL)
					return dp_text_fail(t,
					    "%.*s: unterminated quote",
					    (int)(eq - w), w);
				s++;
				if (*s != '\0' && !dp_text_space(*s))
					return dp_text_fail(t,
					    "%.*s: text after the closing "
					    "quote",
					    (int)(eq - w), w);
			} else
				while (*s != '\0' && !dp_text_space(*s))
					s++;
		}
		if (*s != '\0')
			*s++ = '\0';
		if (nw < nwords) {
			if (*eq == '=')
				return dp_text_fail(t,
				    "%s: object and "
				    "operation first",
				    w);
			if (nw++ == 0)
				t->obj = w;
			else
				t->op = w;
			continue;
		}
		if (*eq != '=')
			return dp_text_fail(t, "%s: not key=value", w);
		if (t->nf >= DP_TEXT_FIELDS_MAX)
			return dp_text_fail(
			    t, "more than %d fields", DP_TEXT_FIELDS_MAX);
		*eq = '\0';
		t->f[t->nf].key = w;
		t->f[t->nf].val = eq + 1;
		if (eq[1] == '"') {
			t->f[t->nf].val = eq + 2;
			eq[1 + strlen(eq + 1) - 1] = '\0';
		}
		t->nf++;
	}
}

/* The value of key (the first unused one), or NULL. */
static const char *
dp_text_get(struct dp_text *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->nf; i++)
		if (!t->f[i].used && strcmp(t->f[i].key, key) == 0) {
			t->f[i].used = true;
			return t->f[i].val;
		}
	return NULL;
}

/* A number in 0..max; required unless *v has a default (req false). */
static int
dp_text_u32(
    struct dp_text *t, const char *key, uint32_t max, bool req, uint32_t *v)
{
	const char *s = dp_text_get(t, key);
	unsigned long long x;
	char *end;

	if (s == NULL)
		return req ? dp_text_fail(t, "%s: missing", key) : 0;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || x > max)
		return dp_text_fail(
		    t, "%s: '%s' is not a number 0..%u", key, s, max);
	*v = (uint32_t)x;
	return 0;
}

static int
dp_text_mac(struct dp_text *t, const char *key, bool req, struct macaddr *m)
{
	const char *s = dp_text_get(t, key);

	if (s == NULL)
		return req ? dp_text_fail(t, "%s: missing", key) : 0;
	if (macaddr_parse(s, m) != 0)
		return dp_text_fail(t, "%s: '%s' is not a MAC address", key, s);
	return 0;
}

static int
dp_text_ip(struct dp_text *t, const char *key, bool req, struct ipaddr *ip)
{
	const char *s = dp_text_get(t, key);

	if (s == NULL)
		return req ? dp_text_fail(t, "%s: missing", key) : 0;
	if (ipaddr_parse(s, ip) != 0)
		return dp_text_fail(t, "%s: '%s' is not an address", key, s);
	return 0;
}

static int
dp_text_ip4(struct dp_text *t, const char *key, bool req, struct in_addr *a)
{
	struct ipaddr ip = {.af = AF_INET, .u.v4 = *a};
	int rc;

	if ((rc = dp_text_ip(t, key, req, &ip)) != 0)
		return rc;
	if (ip.af != AF_INET)
		return dp_text_fail(t, "%s: not an IPv4 address", key);
	*a = ip.u.v4;
	return 0;
}

/* A string of at most max bytes into out (max + 1), "" if absent. */
static int
dp_text_str(struct dp_text *t, const char *key, size_t max, char *out)
{
	const char *s = dp_text_get(t, key);

	if (s == NULL)
		return 0;
	if (strlen(s) > max)
		return dp_text_fail(t, "%s: longer than %zu bytes", key, max);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

/* One of names[] (NULL-terminated), the value its index + base. */
static int
dp_text_enum(struct dp_text *t, const char *key, const char *const *names,
    int base, bool req, int *v)
{
	const char *s = dp_text_get(t, key);
	int i;

	if (s == NULL)
		return req ? dp_text_fail(t, "%s: missing", key) : 0;
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(s, names[i]) == 0) {
			*v = base + i;
			return 0;
		}
	return dp_text_fail(t, "%s: '%s' unknown", key, s);
}

/* "0" or "0,1": mirror indexes, the rest DP_MIRROR_NONE. */
static int
dp_text_mirrors(struct dp_text *t, const char *key, uint32_t *mirror)
{
	const char *s = dp_text_get(t, key);
	unsigned long x;
	char *end;
	int i;

	mirror[0] = mirror[1] = DP_MIRROR_NONE;
	if (s == NULL)
		return 0;
	for (i = 0; i < DP_FLOW_MIRRORS; i++) {
		x = strtoul(s, &end, 10);
		if (end == s || x >= DP_MIRROR_MAX)
			break;
		mirror[i] = (uint32_t)x;
		if (*end == '\0')
			return 0;
		if (*end != ',')
			break;
		s = end + 1;
	}
	return dp_text_fail(t, "%s: not one or two mirror indexes below %d",
	    key, DP_MIRROR_MAX);
}

/* "80" or "80-90" into lo and hi; absent is 0-65535. */
static int
dp_text_ports(struct dp_text *t, const char *key, uint16_t *lo, uint16_t *hi)
{
	const char *s = dp_text_get(t, key);
	unsigned long a, b;
	char *end;

	*lo = 0;
	*hi = 65535;
	if (s == NULL)
		return 0;
	a = strtoul(s, &end, 10);
	b = a;
	if (end != s && *end == '-')
		b = strtoul(end + 1, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || a > b || b > 65535)
		return dp_text_fail(
		    t, "%s: '%s' is not a port or lo-hi", key, s);
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/* Every field was used: one left over is unknown (or given twice). */
static int
dp_text_done(struct dp_text *t)
{
	size_t i;

	for (i = 0; i < t->nf; i++)
		if (!t->f[i].used)
			return dp_text_fail(
			    t, "%s: unknown or repeated field", t->f[i].key);
	return 0;
}

static int
dp_text_vif(struct dp_text *t, struct dp_msg *m, bool add)
{
	static const char *const kinds[] = {"vm", "fabric", "agent", NULL};
	static const char *const mir[] = {"rx", "tx", "both", NULL};
	struct dp_vif_cfg *v = &m->u.vif;
	int kind = 0, flags = 0, rc;

	if ((rc = dp_text_u32(t, "idx", DP_VIF_MAX - 1, true, &v->idx)) != 0 ||
	    !add)
		return rc;
	v->mtu = 1500;
	v->mirror = DP_MIRROR_NONE;
	if ((rc = dp_text_enum(t, "kind", kinds, DP_VIF_VM, true, &kind)) !=
		0 ||
	    (rc = dp_text_str(t, "name", DP_VIF_NAME_MAX, m->name)) != 0 ||
	    (rc = dp_text_mac(t, "mac", true, &v->mac)) != 0 ||
	    (rc = dp_text_u32(t, "vrf", DP_VRF_MAX - 1, true, &v->vrf)) != 0 ||
	    (rc = dp_text_u32(t, "mtu", DP_VIF_MTU_MAX, false, &v->mtu)) != 0 ||
	    (rc = dp_text_enum(t, "mirror", mir, 1, false, &flags)) != 0)
		return rc;
	v->kind = (enum dp_vif_kind)kind;
	v->name = m->name;
	if (m->name[0] == '\0')
		return dp_text_fail(t, "name: missing");
	v->flags = (uint32_t)flags;
	if (flags != 0 &&
	    (rc = dp_text_u32(
		 t, "mirror-idx", DP_MIRROR_MAX - 1, true, &v->mirror)) != 0)
		return rc;
	return 0;
}

static int
dp_text_nh(struct dp_text *t, struct dp_msg *m, bool add)
{
	static const char *const types[] = {"discard", "receive", "encap",
	    "tunnel", "mirror-udp", "composite", NULL};
	static const char *const tuns[] = {"mplsoudp", "vxlan", "gre", NULL};
	struct dp_nh *nh = &m->u.nh;
	const char *s;
	uint32_t port = 0, ecmp = 0;
	unsigned long x;
	char *end;
	int type = 0, tun = 0, rc;

	if ((rc = dp_text_u32(t, "idx", DP_NH_MAX - 1, true, &nh->idx)) != 0 ||
	    !add)
		return rc;
	if ((rc = dp_text_enum(t, "type", types, DP_NH_DISCARD, true, &type)) !=
		0 ||
	    (rc = dp_text_u32(t, "vrf", DP_VRF_MAX - 1, false, &nh->vrf)) !=
		0 ||
	    (rc = dp_text_u32(t, "vif", DP_VIF_MAX - 1, false, &nh->vif)) !=
		0 ||
	    (rc = dp_text_mac(t, "dmac", false, &nh->dmac)) != 0 ||
	    (rc = dp_text_mac(t, "smac", false, &nh->smac)) != 0 ||
	    (rc = dp_text_enum(t, "tun", tuns, DP_TUN_MPLSOUDP,
		 type == DP_NH_TUNNEL, &tun)) != 0 ||
	    (rc = dp_text_ip4(t, "sip", false, &nh->sip)) != 0 ||
	    (rc = dp_text_ip4(t, "dip", type == DP_NH_TUNNEL, &nh->dip)) != 0 ||
	    (rc = dp_text_u32(t, "label",
		 tun == DP_TUN_GRE ? UINT32_MAX : DP_VNI_MAX,
		 type == DP_NH_TUNNEL, &nh->label)) != 0 ||
	    (rc = dp_text_ip(
		 t, "analyzer", type == DP_NH_MIRROR_UDP, &nh->an_ip)) != 0 ||
	    (rc = dp_text_u32(
		 t, "port", 65535, type == DP_NH_MIRROR_UDP, &port)) != 0 ||
	    (rc = dp_text_u32(t, "ecmp", 1, false, &ecmp)) != 0)
		return rc;
	nh->type = (enum dp_nh_type)type;
	nh->tun = (enum dp_tun_type)tun;
	nh->an_port = (uint16_t)port;
	nh->ecmp = ecmp == 1;
	if ((s = dp_text_get(t, "members")) == NULL)
		return type == DP_NH_COMPOSITE
		    ? dp_text_fail(t, "members: missing")
		    : 0;
	for (;;) {
		x = strtoul(s, &end, 10);
		if (end == s || x < 1 || x >= DP_NH_MAX ||
		    nh->ncomp >= DP_NH_COMP_MAX || (*end != ',' && *end != 0))
			return dp_text_fail(t,
			    "members: not 1..%d nexthop indexes 1..%d",
			    DP_NH_COMP_MAX, DP_NH_MAX - 1);
		nh->comp[nh->ncomp++] = (uint32_t)x;
		if (*end == '\0')
			return 0;
		s = end + 1;
	}
}

static int
dp_text_prefix(struct dp_text *t, const char *key, struct prefix *p)
{
	const char *s = dp_text_get(t, key);

	if (s == NULL)
		return dp_text_fail(t, "%s: missing", key);
	if (prefix_parse(s, p, false) != 0)
		return dp_text_fail(
		    t, "%s: '%s' is not a prefix (host bits?)", key, s);
	return 0;
}

static int
dp_text_mirror(struct dp_text *t, struct dp_msg *m, bool add)
{
	struct dp_mirror_cfg *mi = &m->u.mirror;
	const char *s;
	char buf[64], *w, *save = NULL;
	uint32_t vlan = 0;
	int rc;

	if ((rc = dp_text_u32(t, "idx", DP_MIRROR_MAX - 1, true, &mi->idx)) !=
		0 ||
	    !add)
		return rc;
	if ((rc = dp_text_u32(t, "nh", DP_NH_MAX - 1, true, &mi->nh)) != 0 ||
	    (rc = dp_text_u32(t, "vni", DP_VNI_MAX, false, &mi->vni)) != 0 ||
	    (rc = dp_text_str(t, "analyzer", DP_VN_NAME_MAX, m->analyzer)) !=
		0 ||
	    (rc = dp_text_str(t, "src-vn", DP_VN_NAME_MAX, m->src_vn)) != 0 ||
	    (rc = dp_text_str(t, "dst-vn", DP_VN_NAME_MAX, m->dst_vn)) != 0 ||
	    (rc = dp_text_u32(
		 t, "snaplen", DP_SNAPLEN_MAX, false, &mi->snaplen)) != 0 ||
	    (rc = dp_text_u32(
		 t, "sample", DP_SAMPLE_MAX, false, &mi->sample)) != 0 ||
	    (rc = dp_text_u32(t, "vlan", DP_VLAN_MAX, false, &vlan)) != 0)
		return rc;
	mi->vlan = (uint16_t)vlan;
	mi->analyzer = m->analyzer;
	mi->src_vn = m->src_vn;
	mi->dst_vn = m->dst_vn;
	if ((s = dp_text_get(t, "flags")) == NULL)
		return dp_text_fail(t, "flags: missing");
	if (strlen(s) >= sizeof(buf))
		return dp_text_fail(t, "flags: too long");
	memcpy(buf, s, strlen(s) + 1);
	for (w = strtok_r(buf, ",", &save); w != NULL;
	     w = strtok_r(NULL, ",", &save)) {
		if (strcmp(w, "dynamic") == 0)
			mi->flags |= DP_MIRROR_DYNAMIC;
		else if (strcmp(w, "static") == 0)
			mi->flags |= DP_MIRROR_STATIC;
		else if (strcmp(w, "juniper") == 0)
			mi->flags |= DP_MIRROR_JUNIPER_HDR;
		else
			return dp_text_fail(t, "flags: '%s' unknown", w);
	}
	return 0;
}

/* A rule's optional prefix: absent is any (length 0); sets *af from
 * the prefix when the rule has none yet. */
static int
dp_text_rule_prefix(
    struct dp_text *t, const char *key, struct prefix *p, uint8_t *af)
{
	const char *s = dp_text_get(t, key);

	memset(p, 0, sizeof(*p));
	if (s == NULL)
		return 0;
	if (prefix_parse(s, p, false) != 0)
		return dp_text_fail(
		    t, "%s: '%s' is not a prefix (host bits?)", key, s);
	if (*af == 0)
		*af = (uint8_t)p->addr.af;
	else if (*af != p->addr.af)
		return dp_text_fail(t, "%s: not of the rule's af", key);
	return 0;
}

/* A rule="..." value: its own key=value words. */
static int
dp_text_rule(struct dp_text *t, const char *text, struct dp_rule *r)
{
	static const char *const actions[] = {"pass", "deny", NULL};
	struct dp_text rt = {.err = t->err, .errlen = t->errlen};
	char *copy = xstrdup(text);
	uint32_t af = 0, proto = 0;
	int action = 0, rc;

	memset(r, 0, sizeof(*r));
	if ((rc = dp_text_split(&rt, copy, 0)) != 0 ||
	    (rc = dp_text_u32(&rt, "af", 6, false, &af)) != 0)
		goto done;
	if (af != 0 && af != 4 && af != 6) {
		rc = dp_text_fail(&rt, "af: not 4 or 6");
		goto done;
	}
	r->af = af == 4 ? AF_INET : af == 6 ? AF_INET6 : 0;
	if ((rc = dp_text_rule_prefix(&rt, "src", &r->src, &r->af)) != 0 ||
	    (rc = dp_text_rule_prefix(&rt, "dst", &r->dst, &r->af)) != 0)
		goto done;
	if (r->src.len == 0)
		r->src.addr.af = r->af;
	if (r->dst.len == 0)
		r->dst.addr.af = r->af;
	if (r->src.addr.af != r->af || r->dst.addr.af != r->af) {
		rc = dp_text_fail(&rt, "src, dst: families differ");
		goto done;
	}
	if ((rc = dp_text_u32(&rt, "proto", 255, false, &proto)) != 0 ||
	    (rc = dp_text_ports(&rt, "sport", &r->sport_lo, &r->sport_hi)) !=
		0 ||
	    (rc = dp_text_ports(&rt, "dport", &r->dport_lo, &r->dport_hi)) !=
		0 ||
	    (rc = dp_text_enum(
		 &rt, "action", actions, DP_FLOW_PASS, true, &action)) != 0 ||
	    (rc = dp_text_mirrors(&rt, "mirror", r->mirror)) != 0 ||
	    (rc = dp_text_str(&rt, "src-vn", DP_VN_NAME_MAX, r->src_vn)) != 0 ||
	    (rc = dp_text_str(&rt, "dst-vn", DP_VN_NAME_MAX, r->dst_vn)) != 0 ||
	    (rc = dp_text_done(&rt)) != 0)
		goto done;
	r->proto = (uint8_t)proto;
	r->action = (enum dp_flow_action)action;
done:
	free(copy);
	return rc;
}

static int
dp_text_policy(struct dp_text *t, struct dp_msg *m, bool add)
{
	char why[DP_TEXT_ERR_MAX];
	const char *s;
	uint32_t n = 0;
	int rc;

	if ((rc = dp_text_u32(
		 t, "vif", DP_VIF_MAX - 1, true, &m->u.policy.vif)) != 0 ||
	    !add)
		return rc;
	while ((s = dp_text_get(t, "rule")) != NULL) {
		if (n >= DP_POLICY_RULES_MAX)
			return dp_text_fail(
			    t, "rule: more than %d", DP_POLICY_RULES_MAX);
		if ((rc = dp_text_rule(t, s, &m->rules[n])) != 0) {
			snprintf(why, sizeof(why), "%s", t->err);
			return dp_text_fail(t, "rule %u: %s", n + 1, why);
		}
		n++;
	}
	if (n == 0)
		return dp_text_fail(t, "rule: missing");
	m->u.policy.n = n;
	return 0;
}

/* A flow's key: VRF, protocol, addresses, ports. */
static int
dp_text_flow(struct dp_text *t, struct dp_msg *m, bool add)
{
	static const char *const actions[] = {"pass", "deny", NULL};
	struct dp_flow_key *k = &m->u.flow.key;
	struct dp_flow_cfg *c = &m->u.flow.cfg;
	struct ipaddr src, dst;
	uint32_t proto = 0, sport = 0, dport = 0;
	int action = 0, rc;

	if ((rc = dp_text_u32(t, "vrf", DP_VRF_MAX - 1, true, &k->vrf)) != 0 ||
	    (rc = dp_text_u32(t, "proto", 255, true, &proto)) != 0 ||
	    (rc = dp_text_ip(t, "src", true, &src)) != 0 ||
	    (rc = dp_text_ip(t, "dst", true, &dst)) != 0 ||
	    (rc = dp_text_u32(t, "sport", 65535, true, &sport)) != 0 ||
	    (rc = dp_text_u32(t, "dport", 65535, true, &dport)) != 0)
		return rc;
	if (src.af != dst.af)
		return dp_text_fail(t, "dst: not of src's family");
	k->af = (uint8_t)src.af;
	k->proto = (uint8_t)proto;
	k->sport = (uint16_t)sport;
	k->dport = (uint16_t)dport;
	memcpy(k->sip, src.u.b, src.af == AF_INET ? 4 : 16);
	memcpy(k->dip, dst.u.b, dst.af == AF_INET ? 4 : 16);
	if (!add)
		return 0;
	if ((rc = dp_text_enum(
		 t, "action", actions, DP_FLOW_PASS, true, &action)) != 0 ||
	    (rc = dp_text_mirrors(t, "mirror", c->mirror)) != 0 ||
	    (rc = dp_text_str(t, "src-vn", DP_VN_NAME_MAX, m->src_vn)) != 0 ||
	    (rc = dp_text_str(t, "dst-vn", DP_VN_NAME_MAX, m->dst_vn)) != 0)
		return rc;
	c->action = (enum dp_flow_action)action;
	c->src_vn = m->src_vn;
	c->dst_vn = m->dst_vn;
	return 0;
}

/* The objects whose fields are few enough for one function. */
static int
dp_text_small(struct dp_text *t, struct dp_msg *m, bool add)
{
	const char *s;
	int rc = 0;

	switch (m->type) {
	case DP_MSG_ROUTE:
		if ((rc = dp_text_u32(
			 t, "vrf", DP_VRF_MAX - 1, true, &m->u.rt.vrf)) != 0 ||
		    (rc = dp_text_prefix(t, "prefix", &m->u.rt.p)) != 0 || !add)
			return rc;
		return dp_text_u32(t, "nh", DP_NH_MAX - 1, true, &m->u.rt.nh);
	case DP_MSG_BRIDGE:
		if ((rc = dp_text_u32(
			 t, "vrf", DP_VRF_MAX - 1, true, &m->u.br.vrf)) != 0 ||
		    (rc = dp_text_mac(t, "mac", true, &m->u.br.mac)) != 0 ||
		    !add)
			return rc;
		if ((rc = dp_text_u32(
			 t, "nh", DP_NH_MAX - 1, true, &m->u.br.nh)) != 0)
			return rc;
		return dp_text_u32(
		    t, "label", DP_VNI_MAX, false, &m->u.br.label);
	case DP_MSG_MPLS:
		if ((rc = dp_text_u32(t, "label", DP_LABEL_MAX, true,
			 &m->u.mpls.label)) != 0 ||
		    !add)
			return rc;
		return dp_text_u32(t, "nh", DP_NH_MAX - 1, true, &m->u.mpls.nh);
	case DP_MSG_VXLAN:
		if ((rc = dp_text_u32(
			 t, "vni", DP_VNI_MAX, true, &m->u.vxlan.vni)) != 0 ||
		    !add)
			return rc;
		if ((rc = dp_text_u32(
			 t, "vrf", DP_VRF_MAX - 1, true, &m->u.vxlan.vrf)) != 0)
			return rc;
		return dp_text_u32(
		    t, "nh", DP_NH_MAX - 1, true, &m->u.vxlan.nh);
	case DP_MSG_GRE:
		if ((rc = dp_text_u32(
			 t, "key", UINT32_MAX, true, &m->u.gre.key)) != 0 ||
		    !add)
			return rc;
		return dp_text_u32(t, "nh", DP_NH_MAX - 1, true, &m->u.gre.nh);
	case DP_MSG_VRF:
		if ((rc = dp_text_u32(
			 t, "vrf", DP_VRF_MAX - 1, true, &m->u.vrf.vrf)) != 0 ||
		    !add)
			return rc;
		if ((s = dp_text_get(t, "flags")) == NULL)
			return dp_text_fail(t, "flags: missing");
		if (strcmp(s, "mirror-dest") == 0)
			m->u.vrf.flags = DP_VRF_MIRROR_DEST;
		else if (strcmp(s, "none") != 0)
			return dp_text_fail(t, "flags: '%s' unknown", s);
		return 0;
	default:
		return dp_text_fail(t, "object unknown");
	}
}

static const char *const dp_text_objs[] = {
    [DP_MSG_VIF] = "vif",
    [DP_MSG_NH] = "nh",
    [DP_MSG_ROUTE] = "route",
    [DP_MSG_BRIDGE] = "bridge",
    [DP_MSG_MPLS] = "mpls",
    [DP_MSG_VXLAN] = "vxlan",
    [DP_MSG_MIRROR] = "mirror",
    [DP_MSG_POLICY] = "policy",
    [DP_MSG_FLOW] = "flow",
    [DP_MSG_VRF] = "vrf",
    [DP_MSG_GRE] = "gre",
};

/*
 * The decoder's checks are the protocol's: a line is accepted only when
 * its message encodes and decodes (a range the line parser does not
 * check itself, such as an MPLS label below 16, is refused here).
 */
static int
dp_text_decodes(struct dp_text *t, const struct dp_msg *m)
{
	uint8_t *buf = xmalloc(DP_MSG_HLEN + DP_MSG_MAX);
	struct dp_msg *back = xmalloc(sizeof(*back));
	struct dp_msg_err derr;
	struct wbuf w;
	int rc = 0;

	wbuf_init(&w, buf, DP_MSG_HLEN + DP_MSG_MAX);
	if (dp_msg_encode(&w, m) != 0)
		rc = dp_text_fail(t, "%s: does not encode", t->obj);
	else if (dp_msg_decode(w.data, w.len, back, &derr) != 0)
		rc = dp_text_fail(t, "%s: %s", t->obj, derr.reason);
	free(back);
	free(buf);
	return rc;
}

int
dp_text_parse(const char *line, struct dp_msg *m, char *err, size_t errlen)
{
	struct dp_text *t = xcalloc(1, sizeof(*t));
	char *copy = NULL;
	bool add;
	size_t i;
	int rc;

	t->err = err;
	t->errlen = errlen;
	memset(m, 0, sizeof(*m));
	if (strlen(line) > DP_TEXT_LINE_MAX) {
		rc = dp_text_fail(
		    t, "line longer than %d bytes", DP_TEXT_LINE_MAX);
		goto done;
	}
	copy = xstrdup(line);
	if ((rc = dp_text_split(t, copy, 2)) != 0)
		goto done;
	if (t->obj == NULL) {
		rc = 1; /* blank or comment */
		goto done;
	}
	if (t->op == NULL) {
		rc = dp_text_fail(t, "%s: operation missing", t->obj);
		goto done;
	}
	for (i = 1; i < nitems(dp_text_objs); i++)
		if (dp_text_objs[i] != NULL &&
		    strcmp(t->obj, dp_text_objs[i]) == 0)
			m->type = (enum dp_msg_type)i;
	if (m->type == 0) {
		rc = dp_text_fail(t, "%s: object unknown", t->obj);
		goto done;
	}
	if (strcmp(t->op, "add") == 0)
		m->op = DP_MSG_ADD;
	else if (strcmp(t->op, "del") == 0)
		m->op = DP_MSG_DEL;
	else {
		rc = dp_text_fail(t, "%s: operation not add or del", t->op);
		goto done;
	}
	add = m->op == DP_MSG_ADD;
	switch (m->type) {
	case DP_MSG_VIF:
		rc = dp_text_vif(t, m, add);
		break;
	case DP_MSG_NH:
		rc = dp_text_nh(t, m, add);
		break;
	case DP_MSG_MIRROR:
		rc = dp_text_mirror(t, m, add);
		break;
	case DP_MSG_POLICY:
		rc = dp_text_policy(t, m, add);
		break;
	case DP_MSG_FLOW:
		rc = dp_text_flow(t, m, add);
		break;
	default:
		rc = dp_text_small(t, m, add);
		break;
	}
	if (rc == 0)
		rc = dp_text_done(t);
	if (rc == 0)
		rc = dp_text_decodes(t, m);
done:
	free(copy);
	free(t);
	return rc;
}
