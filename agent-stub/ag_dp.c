/*
 * ag_dp.c - the agent's side of the datapath: a blocking dp_client on
 * the vrouter's socket (requests are small and local, each bounded by
 * AG_DP_TIMEOUT), index allocators, shared tunnel and composite
 * nexthops, and a journal of every entry added and not deleted.
 *
 * The journal is what makes restarts work.  On every connect (the
 * agent's start, or the vrouter back after a restart) the vrouter's
 * tables are emptied except its VM vifs (their taps may live in a VM's
 * namespace: a vif the agent wants again is adopted by name, updated in
 * place), then the journal is replayed in dependency order.  A timer
 * checks the connection every AG_DP_RETRY_MS and reconnects.
 */
#include "agent-stub/ag_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datapath/dp_srv.h"

/* The key of a journal entry: type and the type's key fields. */
struct jkey {
	uint32_t type;
	uint32_t a;       /* idx, vrf, label or vni */
	struct prefix p;  /* route */
	struct macaddr m; /* bridge */
	uint8_t pad[2];
};
struct jent {
	struct ht_node hn;
	struct jkey k;
	uint64_t seq; /* order of addition (replay keeps it within a rank) */
	union {
		struct dp_vif_cfg vif;
		struct dp_nh nh;
		struct dp_msg_route rt;
		struct dp_msg_bridge br;
		struct dp_msg_mpls mpls;
		struct dp_msg_vxlan vxlan;
		struct dp_mirror_cfg mirror;
		struct dp_msg_vrf vrf;
		struct dp_msg_policy policy;
		struct dp_msg_gre gre;
	} u;
	struct dp_rule *rules; /* policy: u.policy.n rules (heap) */
	char name[DP_VIF_NAME_MAX + 1];
	char analyzer[DP_VN_NAME_MAX + 1];
	char src_vn[DP_VN_NAME_MAX + 1];
	char dst_vn[DP_VN_NAME_MAX + 1];
};

/* A shared nexthop: a tunnel or a composite, by its content. */
struct shnh {
	struct dp_nh nh; /* idx and the fields that make the key */
	uint32_t refs;
};

struct ids {
	struct bitset used;
	uint32_t min, max; /* inclusive */
};

struct adopt {
	char name[DP_VIF_NAME_MAX + 1];
	uint32_t idx;
	bool taken;
};

struct ag_dp {
	struct ag *ag;
	char *path;
	struct dp_client *cl;
	bool up;
	bool ever; /* connected once */
	bool stopping;
	uv_timer_t timer;
	struct ht journal;
	uint64_t seq;
	struct ids ids[AG_IDS_MAX];
	struct shnh *sh;
	size_t nsh, capsh;
	struct adopt *adopt;
	size_t nadopt;
	bool synced;      /* the config has synced: orphans may go */
	struct dp_msg *m; /* scratch (large: policy rules) */
	void (*stopped)(struct ag *);
	/* The dump being collected at connect. */
	struct dp_msg_entry *dump;
	size_t ndump, capdump;
};

static const struct {
	uint32_t min, max;
} id_range[AG_IDS_MAX] = {
    [AG_IDS_VIF] = {1, DP_VIF_MAX - 1},
    [AG_IDS_NH] = {1, DP_NH_MAX - 1},
    [AG_IDS_VRF] = {AG_VRF_MIN, DP_VRF_MAX - 1},
    [AG_IDS_LABEL] = {AG_LABEL_MIN, DP_MPLS_MAX - 1},
    [AG_IDS_MIRROR] = {0, DP_MIRROR_MAX - 1},
};

uint32_t
ag_dp_alloc(struct ag_dp *dp, enum ag_ids kind)
{
	struct ids *d = &dp->ids[kind];
	uint32_t i;

	for (i = d->min; i <= d->max; i++)
		if (!bitset_get(&d->used, i)) {
			bitset_set(&d->used, i, true);
			return i;
		}
	log_warnx("dp: no free %s index",
	    kind == AG_IDS_VIF         ? "vif"
		: kind == AG_IDS_NH    ? "nexthop"
		: kind == AG_IDS_VRF   ? "VRF"
		: kind == AG_IDS_LABEL ? "label"
				       : "mirror");
	return kind == AG_IDS_MIRROR ? DP_MIRROR_NONE : 0;
}

void
ag_dp_release(struct ag_dp *dp, enum ag_ids kind, uint32_t idx)
{
	bitset_set(&dp->ids[kind].used, idx, false);
}

static void
jkey_of(const struct dp_msg *m, struct jkey *k)
{
	memset(k, 0, sizeof(*k));
	k->type = m->type;
	switch (m->type) {
	case DP_MSG_VIF:
		k->a = m->u.vif.idx;
		break;
	case DP_MSG_NH:
		k->a = m->u.nh.idx;
		break;
	case DP_MSG_ROUTE:
		k->a = m->u.rt.vrf;
		k->p = m->u.rt.p;
		break;
	case DP_MSG_BRIDGE:
		k->a = m->u.br.vrf;
		k->m = m->u.br.mac;
		break;
	case DP_MSG_MPLS:
		k->a = m->u.mpls.label;
		break;
	case DP_MSG_VXLAN:
		k->a = m->u.vxlan.vni;
		break;
	case DP_MSG_MIRROR:
		k->a = m->u.mirror.idx;
		break;
	case DP_MSG_VRF:
		k->a = m->u.vrf.vrf;
		break;
	case DP_MSG_POLICY:
		k->a = m->u.policy.vif;
		break;
	case DP_MSG_GRE:
		k->a = m->u.gre.key;
		break;
	default:
		k->a = UINT32_MAX;
		break;
	}
}

static bool
jent_eq(const struct ht_node *n, const void *key)
{
	const struct jent *e = container_of(n, struct jent, hn);

	return memcmp(&e->k, key, sizeof(e->k)) == 0;
}

static struct jent *
jfind(struct ag_dp *dp, const struct jkey *k)
{
	struct ht_node *n =
	    ht_lookup(&dp->journal, ht_hash(k, sizeof(*k)), k, jent_eq);

	return n != NULL ? container_of(n, struct jent, hn) : NULL;
}

/* Copies an ADD into the journal (replacing an entry with its key). */
static void
jrecord(struct ag_dp *dp, const struct dp_msg *m)
{
	struct jkey k;
	struct jent *e;

	jkey_of(m, &k);
	if ((e = jfind(dp, &k)) == NULL) {
		e = xcalloc(1, sizeof(*e));
		e->k = k;
		e->seq = ++dp->seq;
		ht_insert(&dp->journal, &e->hn, ht_hash(&k, sizeof(k)));
	}
	switch (m->type) {
	case DP_MSG_VIF:
		e->u.vif = m->u.vif;
		str_lcpy(e->name, m->u.vif.name, sizeof(e->name));
		e->u.vif.name = e->name;
		break;
	case DP_MSG_NH:
		e->u.nh = m->u.nh;
		break;
	case DP_MSG_ROUTE:
		e->u.rt = m->u.rt;
		break;
	case DP_MSG_BRIDGE:
		e->u.br = m->u.br;
		break;
	case DP_MSG_MPLS:
		e->u.mpls = m->u.mpls;
		break;
	case DP_MSG_VXLAN:
		e->u.vxlan = m->u.vxlan;
		break;
	case DP_MSG_MIRROR:
		e->u.mirror = m->u.mirror;
		str_lcpy(e->analyzer,
		    m->u.mirror.analyzer ? m->u.mirror.analyzer : "",
		    sizeof(e->analyzer));
		str_lcpy(e->src_vn,
		    m->u.mirror.src_vn ? m->u.mirror.src_vn : "",
		    sizeof(e->src_vn));
		str_lcpy(e->dst_vn,
		    m->u.mirror.dst_vn ? m->u.mirror.dst_vn : "",
		    sizeof(e->dst_vn));
		e->u.mirror.analyzer = e->analyzer;
		e->u.mirror.src_vn = e->src_vn;
		e->u.mirror.dst_vn = e->dst_vn;
		break;
	case DP_MSG_VRF:
		e->u.vrf = m->u.vrf;
		break;
	case DP_MSG_GRE:
		e->u.gre = m->u.gre;
		break;
	case DP_MSG_POLICY:
		e->u.policy = m->u.policy;
		free(e->rules);
		e->rules = xcalloc(m->u.policy.n + 1, sizeof(*e->rules));
		memcpy(e->rules, m->rules, m->u.policy.n * sizeof(*e->rules));
		break;
	default:
		break;
	}
}

static void
jent_free(struct jent *e)
{
	free(e->rules);
	free(e);
}

static void
jforget(struct ag_dp *dp, const struct dp_msg *m)
{
	struct jkey k;
	struct jent *e;

	jkey_of(m, &k);
	if ((e = jfind(dp, &k)) != NULL) {
		ht_remove(&dp->journal, &e->hn);
		jent_free(e);
	}
	/* A vif deleted takes its policy with it in the datapath. */
	if (m->type == DP_MSG_VIF) {
		k.type = DP_MSG_POLICY;
		if ((e = jfind(dp, &k)) != NULL) {
			ht_remove(&dp->journal, &e->hn);
			jent_free(e);
		}
	}
}

/* A short text of a request for the log. */
static const char *
describe(const struct dp_msg *m, char *buf, size_t len)
{
	char a[PREFIX_STRLEN];
	const char *op = m->op == DP_MSG_ADD ? "add"
	    : m->op == DP_MSG_DEL            ? "del"
					     : "get";

	switch (m->type) {
	case DP_MSG_VIF:
		snprintf(buf, len, "vif %s idx=%" PRIu32 " name=%s", op,
		    m->u.vif.idx, m->u.vif.name ? m->u.vif.name : "");
		break;
	case DP_MSG_NH:
		snprintf(buf, len, "nh %s idx=%" PRIu32 " type=%d", op,
		    m->u.nh.idx, (int)m->u.nh.type);
		break;
	case DP_MSG_ROUTE:
		snprintf(buf, len,
		    "route %s vrf=%" PRIu32 " prefix=%s nh=%" PRIu32, op,
		    m->u.rt.vrf, prefix_print(&m->u.rt.p, a, sizeof(a)),
		    m->u.rt.nh);
		break;
	case DP_MSG_BRIDGE:
		snprintf(buf, len,
		    "bridge %s vrf=%" PRIu32 " mac=%s nh=%" PRIu32, op,
		    m->u.br.vrf, macaddr_print(&m->u.br.mac, a, sizeof(a)),
		    m->u.br.nh);
		break;
	case DP_MSG_MPLS:
		snprintf(buf, len, "mpls %s label=%" PRIu32 " nh=%" PRIu32, op,
		    m->u.mpls.label, m->u.mpls.nh);
		break;
	case DP_MSG_VXLAN:
		snprintf(buf, len,
		    "vxlan %s vni=%" PRIu32 " vrf=%" PRIu32 " nh=%" PRIu32, op,
		    m->u.vxlan.vni, m->u.vxlan.vrf, m->u.vxlan.nh);
		break;
	case DP_MSG_MIRROR:
		snprintf(buf, len, "mirror %s idx=%" PRIu32 " nh=%" PRIu32, op,
		    m->u.mirror.idx, m->u.mirror.nh);
		break;
	case DP_MSG_POLICY:
		snprintf(buf, len, "policy %s vif=%" PRIu32 " rules=%" PRIu32,
		    op, m->u.policy.vif, m->u.policy.n);
		break;
	case DP_MSG_GRE:
		snprintf(buf, len, "gre %s key=%" PRIu32 " nh=%" PRIu32, op,
		    m->u.gre.key, m->u.gre.nh);
		break;
	default:
		snprintf(buf, len, "%s %s", dp_msg_type_name(m->type), op);
		break;
	}
	return buf;
}

static void
dp_down(struct ag_dp *dp, const char *why)
{
	if (dp->cl == NULL)
		return;
	log_warnx("dp: lost the vrouter at %s (%s): the journal is replayed "
		  "when it is back",
	    dp->path, why);
	dp_client_free(dp->cl);
	dp->cl = NULL;
	dp->up = false;
}

/* One request; transport errors take the connection down. */
static int
send_msg(struct ag_dp *dp, const struct dp_msg *m, dp_client_entry_cb cb,
    void *arg, bool quiet)
{
	struct dp_msg_reply r;
	char buf[160];
	int rc;

	if (dp->cl == NULL)
		return -ENOTCONN;
	rc = dp_client_request(dp->cl, m, cb, arg, &r);
	if (rc != 0) {
		dp_down(dp, strerror(-rc));
		return rc;
	}
	if (r.status != 0 && !quiet)
		log_warnx("dp: %s: %s (%s)", describe(m, buf, sizeof(buf)),
		    r.text[0] != '\0' ? r.text : "error", strerror(-r.status));
	return r.status;
}

int
ag_dp_request(struct ag_dp *dp, const struct dp_msg *m)
{
	char buf[160];

	if (m->op == DP_MSG_ADD)
		jrecord(dp, m);
	else if (m->op == DP_MSG_DEL)
		jforget(dp, m);
	if (!dp->up)
		return 0;
	log_debug("dp: %s", describe(m, buf, sizeof(buf)));
	return send_msg(dp, m, NULL, NULL, false);
}

bool
ag_dp_up(const struct ag_dp *dp)
{
	return dp->up;
}

static struct shnh *
sh_find(struct ag_dp *dp, const struct dp_nh *nh)
{
	struct shnh *s;
	size_t i;

	for (i = 0; i < dp->nsh; i++) {
		s = &dp->sh[i];
		if (s->nh.type != nh->type || s->nh.vrf != nh->vrf)
			continue;
		if (nh->type == DP_NH_TUNNEL && s->nh.tun == nh->tun &&
		    s->nh.dip.s_addr == nh->dip.s_addr &&
		    s->nh.label == nh->label)
			return s;
		if (nh->type == DP_NH_COMPOSITE && s->nh.ecmp == nh->ecmp &&
		    s->nh.ncomp == nh->ncomp &&
		    memcmp(s->nh.comp, nh->comp,
			nh->ncomp * sizeof(nh->comp[0])) == 0)
			return s;
	}
	return NULL;
}

static uint32_t
sh_ref(struct ag_dp *dp, struct dp_nh *nh)
{
	struct shnh *s = sh_find(dp, nh);
	struct dp_msg *m = dp->m;

	if (s != NULL) {
		s->refs++;
		return s->nh.idx;
	}
	if ((nh->idx = ag_dp_alloc(dp, AG_IDS_NH)) == 0)
		return 0;
	memset(m, 0, sizeof(*m));
	m->type = DP_MSG_NH;
	m->op = DP_MSG_ADD;
	m->u.nh = *nh;
	if (ag_dp_request(dp, m) != 0) {
		jforget(dp, m);
		ag_dp_release(dp, AG_IDS_NH, nh->idx);
		return 0;
	}
	if (dp->nsh == dp->capsh) {
		dp->capsh = MAX(16, dp->capsh * 2);
		dp->sh = xreallocarray(dp->sh, dp->capsh, sizeof(*dp->sh));
	}
	dp->sh[dp->nsh].nh = *nh;
	dp->sh[dp->nsh++].refs = 1;
	return nh->idx;
}

uint32_t
ag_dp_tunnel_ref(
    struct ag_dp *dp, struct in_addr dip, enum dp_tun_type tun, uint32_t label)
{
	const struct ipaddr *self = ag_self_ip(dp->ag);
	struct dp_nh nh;

	if (self == NULL || self->af != AF_INET)
		return 0;
	memset(&nh, 0, sizeof(nh));
	nh.type = DP_NH_TUNNEL;
	nh.vrf = 0;
	nh.vif = AG_FABRIC_VIF;
	nh.tun = tun;
	nh.sip = self->u.v4;
	nh.dip = dip;
	nh.label = label;
	return sh_ref(dp, &nh);
}

uint32_t
ag_dp_composite_ref(
    struct ag_dp *dp, uint32_t vrf, bool ecmp, const uint32_t *m, size_t n)
{
	struct dp_nh nh;

	if (n == 0 || n > DP_NH_COMP_MAX)
		return 0;
	memset(&nh, 0, sizeof(nh));
	nh.type = DP_NH_COMPOSITE;
	nh.vrf = vrf;
	nh.ecmp = ecmp;
	nh.ncomp = (uint32_t)n;
	memcpy(nh.comp, m, n * sizeof(*m));
	return sh_ref(dp, &nh);
}

void
ag_dp_nh_unref(struct ag_dp *dp, uint32_t idx)
{
	struct dp_msg *m = dp->m;
	size_t i;

	for (i = 0; i < dp->nsh; i++)
		if (dp->sh[i].nh.idx == idx)
			break;
	if (i == dp->nsh) {
		log_warnx("dp: unref of nexthop %" PRIu32 " not shared", idx);
		return;
	}
	if (--dp->sh[i].refs > 0)
		return;
	memset(m, 0, sizeof(*m));
	m->type = DP_MSG_NH;
	m->op = DP_MSG_DEL;
	m->u.nh.idx = idx;
	ag_dp_request(dp, m);
	ag_dp_release(dp, AG_IDS_NH, idx);
	dp->sh[i] = dp->sh[--dp->nsh];
}

/*
 * Connect: empty the vrouter but its VM vifs, then replay the journal.
 */
static int
collect(const struct dp_msg_entry *e, void *arg)
{
	struct ag_dp *dp = arg;

	if (dp->ndump == dp->capdump) {
		dp->capdump = MAX(64, dp->capdump * 2);
		dp->dump =
		    xreallocarray(dp->dump, dp->capdump, sizeof(*dp->dump));
	}
	dp->dump[dp->ndump++] = *e;
	return 0;
}

static int
dump(struct ag_dp *dp, enum dp_msg_type type, uint32_t vrf)
{
	struct dp_msg *m = dp->m;

	dp->ndump = 0;
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->op = DP_MSG_DUMP;
	if (type == DP_MSG_ROUTE)
		m->u.rt.vrf = vrf;
	return send_msg(dp, m, collect, dp, false);
}

/* Deletes each entry dumped (of the type dumped), keys from the entry. */
static void
del_dumped(struct ag_dp *dp, bool composites)
{
	struct dp_msg *m = dp->m;
	size_t i;

	for (i = 0; i < dp->ndump && dp->up; i++) {
		const struct dp_msg *e = &dp->dump[i].msg;

		if (e->type == DP_MSG_NH &&
		    (e->u.nh.type == DP_NH_COMPOSITE) != composites)
			continue;
		memset(m, 0, sizeof(*m));
		m->type = e->type;
		m->op = DP_MSG_DEL;
		m->u = e->u;
		send_msg(dp, m, NULL, NULL, true);
	}
}

static void
wipe(struct ag_dp *dp)
{
	struct bitset vrfs = {0};
	struct dp_msg *m = dp->m;
	struct dp_vif_cfg *v;
	size_t i, nv;
	uint32_t vrf;
	struct dp_msg_entry *vifs;

	if (dump(dp, DP_MSG_VIF, 0) != 0)
		return;
	nv = dp->ndump;
	vifs = xcalloc(nv + 1, sizeof(*vifs));
	if (nv > 0)
		memcpy(vifs, dp->dump, nv * sizeof(*vifs));
	for (i = 0; i < nv; i++)
		bitset_set(&vrfs, vifs[i].msg.u.vif.vrf, true);
	if (dump(dp, DP_MSG_NH, 0) == 0)
		for (i = 0; i < dp->ndump; i++)
			bitset_set(&vrfs, dp->dump[i].msg.u.nh.vrf, true);
	for (vrf = 0; vrf < DP_VRF_MAX && dp->up; vrf++) {
		if (!bitset_get(&vrfs, vrf))
			continue;
		if (dump(dp, DP_MSG_ROUTE, vrf) == 0)
			del_dumped(dp, false);
		memset(m, 0, sizeof(*m));
		m->type = DP_MSG_VRF;
		m->op = DP_MSG_ADD;
		m->u.vrf.vrf = vrf;
		send_msg(dp, m, NULL, NULL, true);
	}
	if (dump(dp, DP_MSG_BRIDGE, 0) == 0)
		del_dumped(dp, false);
	if (dump(dp, DP_MSG_MPLS, 0) == 0)
		del_dumped(dp, false);
	if (dump(dp, DP_MSG_VXLAN, 0) == 0)
		del_dumped(dp, false);
	if (dump(dp, DP_MSG_GRE, 0) == 0)
		del_dumped(dp, false);
	/* Policies of the VM vifs kept (the journal sets them again). */
	if (dump(dp, DP_MSG_POLICY, 0) == 0)
		del_dumped(dp, false);
	/* Vifs let go of their mirrors before the mirrors go. */
	for (i = 0; i < nv && dp->up; i++) {
		v = &vifs[i].msg.u.vif;
		if (v->flags == 0)
			continue;
		memset(m, 0, sizeof(*m));
		m->type = DP_MSG_VIF;
		m->op = DP_MSG_ADD;
		m->u.vif = *v;
		m->u.vif.name = vifs[i].msg.name;
		m->u.vif.flags = 0;
		send_msg(dp, m, NULL, NULL, false);
	}
	if (dump(dp, DP_MSG_MIRROR, 0) == 0)
		del_dumped(dp, false);
	if (dump(dp, DP_MSG_NH, 0) == 0) {
		del_dumped(dp, true);
		del_dumped(dp, false);
	}
	/* VM vifs stay for adoption; others are the agent's to re-add. */
	free(dp->adopt);
	dp->adopt = xcalloc(nv + 1, sizeof(*dp->adopt));
	dp->nadopt = 0;
	for (i = 0; i < nv; i++) {
		v = &vifs[i].msg.u.vif;
		if (v->kind != DP_VIF_VM)
			continue;
		str_lcpy(dp->adopt[dp->nadopt].name, vifs[i].msg.name,
		    sizeof(dp->adopt[0].name));
		dp->adopt[dp->nadopt].idx = v->idx;
		/* Its index is taken unless the journal has it already. */
		bitset_set(&dp->ids[AG_IDS_VIF].used, v->idx, true);
		dp->nadopt++;
	}
	free(vifs);
	bitset_fini(&vrfs);
}

/*
 * Replay order: vifs (without their port mirror), VRFs, nexthops,
 * composites and mirrors, the port mirrors, then what refers to
 * nexthops (routes, bridge, labels, VNIs) and policies.
 */
static int
rank(const struct jent *e)
{
	switch (e->k.type) {
	case DP_MSG_VIF:
		return 0;
	case DP_MSG_VRF:
		return 1;
	case DP_MSG_NH:
		return e->u.nh.type == DP_NH_COMPOSITE ? 3 : 2;
	case DP_MSG_MIRROR:
		return 3;
	default:
		return 5;
	}
}

static int
jent_cmp(const void *a, const void *b)
{
	const struct jent *x = *(const struct jent *const *)a;
	const struct jent *y = *(const struct jent *const *)b;

	if (rank(x) != rank(y))
		return rank(x) - rank(y);
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
replay(struct ag_dp *dp)
{
	struct jent **v;
	struct ht_iter it;
	struct ht_node *n;
	struct dp_msg *m = dp->m;
	size_t nv = 0, i, cnt = dp->journal.count;

	if (cnt == 0)
		return;
	v = xcalloc(cnt, sizeof(*v));
	for (n = ht_first(&dp->journal, &it); n != NULL; n = ht_next(&it))
		v[nv++] = container_of(n, struct jent, hn);
	qsort(v, nv, sizeof(*v), jent_cmp);
	for (i = 0; i < nv && dp->up; i++) {
		memset(m, 0, sizeof(*m));
		m->type = (enum dp_msg_type)v[i]->k.type;
		m->op = DP_MSG_ADD;
		memcpy(&m->u, &v[i]->u, sizeof(v[i]->u));
		if (m->type == DP_MSG_VIF)
			m->u.vif.flags = 0; /* its mirror comes later */
		if (m->type == DP_MSG_POLICY)
			memcpy(m->rules, v[i]->rules,
			    m->u.policy.n * sizeof(m->rules[0]));
		send_msg(dp, m, NULL, NULL, false);
	}
	/* Port mirrors once the mirror entries are there (rank 3). */
	for (i = 0; i < nv && dp->up; i++) {
		if (v[i]->k.type != DP_MSG_VIF || v[i]->u.vif.flags == 0)
			continue;
		memset(m, 0, sizeof(*m));
		m->type = DP_MSG_VIF;
		m->op = DP_MSG_ADD;
		m->u.vif = v[i]->u.vif;
		send_msg(dp, m, NULL, NULL, false);
	}
	log_info("dp: %zu entries programmed again", nv);
	free(v);
}

static void
dp_connect(struct ag_dp *dp)
{
	struct dp_msg *m = dp->m;
	int err = 0;

	dp->cl = dp_client_new(dp->path, AG_DP_TIMEOUT, &err);
	if (dp->cl == NULL) {
		if (!dp->ever)
			log_warnx("dp: cannot connect to %s: %s (retrying)",
			    dp->path, strerror(-err));
		return;
	}
	dp->up = true;
	log_info("dp: connected to the vrouter at %s%s", dp->path,
	    dp->ever ? " again" : "");
	wipe(dp);
	/* The fabric vif first, every time. */
	memset(m, 0, sizeof(*m));
	m->type = DP_MSG_VIF;
	m->op = DP_MSG_ADD;
	m->u.vif.idx = AG_FABRIC_VIF;
	m->u.vif.kind = DP_VIF_FABRIC;
	m->u.vif.name = "fabric0";
	macaddr_parse("02:00:00:00:00:fe", &m->u.vif.mac);
	m->u.vif.vrf = 0;
	m->u.vif.mtu = AG_FABRIC_MTU;
	ag_dp_request(dp, m);
	replay(dp);
	dp->ever = true;
	if (dp->synced)
		ag__dp_adopt_done(dp);
}

static void
on_timer(uv_timer_t *t)
{
	struct ag_dp *dp = t->data;
	struct dp_msg *m = dp->m;

	if (dp->stopping)
		return;
	if (!dp->up) {
		dp_connect(dp);
		return;
	}
	/* Liveness: a vrouter that restarted closed our socket. */
	memset(m, 0, sizeof(*m));
	m->type = DP_MSG_VIF;
	m->op = DP_MSG_GET;
	m->u.vif.idx = AG_FABRIC_VIF;
	send_msg(dp, m, NULL, NULL, true);
	if (!dp->up)
		dp_connect(dp);
}

uint32_t
ag__dp_adopt_vif(struct ag_dp *dp, const char *name, bool *found)
{
	size_t i;

	*found = false;
	for (i = 0; i < dp->nadopt; i++)
		if (!dp->adopt[i].taken &&
		    strcmp(dp->adopt[i].name, name) == 0) {
			dp->adopt[i].taken = true;
			*found = true;
			log_info("dp: vif %" PRIu32 " (%s) adopted",
			    dp->adopt[i].idx, name);
			return dp->adopt[i].idx;
		}
	return ag_dp_alloc(dp, AG_IDS_VIF);
}

void
ag__dp_adopt_done(struct ag_dp *dp)
{
	struct dp_msg *m = dp->m;
	struct jkey k;
	size_t i;

	dp->synced = true;
	if (!dp->up)
		return;
	for (i = 0; i < dp->nadopt; i++) {
		if (dp->adopt[i].taken)
			continue;
		memset(m, 0, sizeof(*m));
		m->type = DP_MSG_VIF;
		m->op = DP_MSG_DEL;
		m->u.vif.idx = dp->adopt[i].idx;
		jkey_of(m, &k);
		if (jfind(dp, &k) != NULL)
			continue; /* the agent uses the index since */
		log_info("dp: vif %" PRIu32 " (%s) left by an earlier agent "
			 "deleted",
		    dp->adopt[i].idx, dp->adopt[i].name);
		send_msg(dp, m, NULL, NULL, false);
		ag_dp_release(dp, AG_IDS_VIF, dp->adopt[i].idx);
	}
	dp->nadopt = 0;
}

struct ag_dp *
ag__dp_new(struct ag *ag, const char *path)
{
	struct ag_dp *dp = xcalloc(1, sizeof(*dp));
	int i;

	dp->ag = ag;
	dp->path = xstrdup(path);
	dp->m = xcalloc(1, sizeof(*dp->m));
	ht_init(&dp->journal, 256);
	for (i = 0; i < AG_IDS_MAX; i++) {
		dp->ids[i].min = id_range[i].min;
		dp->ids[i].max = id_range[i].max;
	}
	bitset_set(&dp->ids[AG_IDS_VIF].used, AG_FABRIC_VIF, true);
	uv_timer_init(ag->loop, &dp->timer);
	dp->timer.data = dp;
	return dp;
}

void
ag__dp_start(struct ag_dp *dp)
{
	dp_connect(dp);
	uv_timer_start(&dp->timer, on_timer, AG_DP_RETRY_MS, AG_DP_RETRY_MS);
}

static void
on_timer_closed(uv_handle_t *h)
{
	struct ag_dp *dp = h->data;

	if (dp->stopped != NULL)
		dp->stopped(dp->ag);
}

void
ag__dp_stop(struct ag_dp *dp, void (*cb)(struct ag *ag))
{
	dp->stopping = true;
	dp->stopped = cb;
	if (dp->cl != NULL) {
		dp_client_free(dp->cl);
		dp->cl = NULL;
	}
	dp->up = false;
	uv_close((uv_handle_t *)&dp->timer, on_timer_closed);
}

void
ag__dp_free(struct ag_dp *dp)
{
	struct ht_iter it;
	struct ht_node *n;
	int i;

	if (dp == NULL)
		return;
	while ((n = ht_first(&dp->journal, &it)) != NULL) {
		ht_remove(&dp->journal, n);
		jent_free(container_of(n, struct jent, hn));
	}
	ht_fini(&dp->journal);
	for (i = 0; i < AG_IDS_MAX; i++)
		bitset_fini(&dp->ids[i].used);
	free(dp->sh);
	free(dp->adopt);
	free(dp->dump);
	free(dp->m);
	free(dp->path);
	free(dp);
}

struct ag_dp *
ag_datapath(struct ag *ag)
{
	return ag->dp;
}

/* Introspect: what the journal holds (programmed, or waiting for the
 * vrouter) by type and index, and the vrouter's counters by GET. */
static const struct jent *
jget(struct ag_dp *dp, enum dp_msg_type type, uint32_t a)
{
	struct jkey k;

	memset(&k, 0, sizeof(k));
	k.type = type;
	k.a = a;
	return jfind(dp, &k);
}

const struct dp_vif_cfg *
ag__dp_vif(struct ag_dp *dp, uint32_t idx)
{
	const struct jent *e = jget(dp, DP_MSG_VIF, idx);

	return e != NULL ? &e->u.vif : NULL;
}

const struct dp_nh *
ag__dp_nh(struct ag_dp *dp, uint32_t idx)
{
	const struct jent *e = jget(dp, DP_MSG_NH, idx);

	return e != NULL ? &e->u.nh : NULL;
}

const struct dp_mirror_cfg *
ag__dp_mirror(struct ag_dp *dp, uint32_t idx)
{
	const struct jent *e = jget(dp, DP_MSG_MIRROR, idx);

	return e != NULL ? &e->u.mirror : NULL;
}

static int
state_copy(const struct dp_msg_entry *e, void *arg)
{
	*(struct dp_msg_state *)arg = e->st;
	return 0;
}

int
ag__dp_state(struct ag_dp *dp, enum dp_msg_type type, uint32_t idx,
    struct dp_msg_state *st)
{
	struct dp_msg *m = dp->m;

	memset(st, 0, sizeof(*st));
	if (!dp->up)
		return -ENOTCONN;
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->op = DP_MSG_GET;
	switch (type) {
	case DP_MSG_VIF:
		m->u.vif.idx = idx;
		break;
	case DP_MSG_NH:
		m->u.nh.idx = idx;
		break;
	case DP_MSG_MIRROR:
		m->u.mirror.idx = idx;
		break;
	default:
		return -EINVAL;
	}
	return send_msg(dp, m, state_copy, st, true);
}
