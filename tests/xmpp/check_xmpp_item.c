/*
 * DOC: check_xmpp_item.c - tests of xmpp/xmpp_item.c.
 *
 * Golden files: tests/data/xmpp/good/NAME.xml (the Appendix A messages of
 * contrail-protocol.md, and more of each family and shape) is parsed with
 * xmpp_parse_doc, each item, retract and node string read, and the dump
 * of all of it plus each item printed again must equal NAME.ok; every
 * item printed must parse back to the same.  tests/data/xmpp/bad/
 * FAM-NAME.xml is one <item> with one fault that xmpp_item_parse must
 * refuse with exactly the line of NAME.err.  With MIRADOR_UPDATE_GOLDEN=1
 * the expected files are written instead.  Then tables: full items of
 * each family built, printed, parsed back equal; every truncation of a
 * printed item; ids and node strings good and bad; the CN's message
 * framing and the agent's IQs to the byte; writers out of space.
 */
#include "xmpp/xmpp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testutil.h"
#include "tests/xmpp/suites.h"

#define JID_CN    XMPP_CONTROL_JID
#define JID_AGENT XMPP_CONTROL_JID "/bgp-peer"

static char **good_names, **bad_names;
static size_t ngood, nbad;

/* "NAME.xml" in dir -> "tests/data/xmpp/<dir>/NAME<ext>" in the source. */
static const char *
data_path(const char *dir, const char *name, const char *ext)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "tests/data/xmpp/%s/%.*s%s", dir,
	    (int)(strlen(name) - strlen(".xml")), name, ext);
	return test_srcpath(rel);
}

static const char *const fam_names[] = {"inet", "inet6", "enet"};

/* The family a file's name starts with ("inet6-..."). */
static enum xmpp_item_family
name_family(const char *name)
{
	if (strncmp(name, "inet6-", 6) == 0)
		return XMPP_ITEM_INET6;
	if (strncmp(name, "enet-", 5) == 0)
		return XMPP_ITEM_ENET;
	ck_assert_msg(strncmp(name, "inet-", 5) == 0, "%s: no family", name);
	return XMPP_ITEM_INET;
}

static const char *
addr_text(const struct ipaddr *a, char *buf, size_t len)
{
	if (a->af == 0)
		return "-";
	XT_ASSERT(ipaddr_print(a, buf, len) != NULL, "address");
	return buf;
}

static void
dump_u32s(struct wbuf *w, const char *what, const uint32_t *v, size_t n)
{
	size_t i;

	wbuf_printf(w, " %s", what);
	if (n == 0)
		wbuf_printf(w, " -");
	for (i = 0; i < n; i++)
		wbuf_printf(w, "%s%u", i == 0 ? " " : ",", v[i]);
}

static void
dump_bits(struct wbuf *w, const char *what, unsigned bits,
    const char *const *names, size_t n)
{
	bool any = false;
	size_t i;

	wbuf_printf(w, " %s ", what);
	for (i = 0; i < n; i++)
		if (bits & (1u << i)) {
			wbuf_printf(w, "%s%s", any ? "," : "", names[i]);
			any = true;
		}
	if (!any)
		wbuf_printf(w, "-");
}

/* Every member of an item, one group a line. */
static void
dump_item(struct wbuf *w, const struct xmpp_item *it)
{
	static const char *const encaps[] = {
	    "gre", "udp", "vxlan", "mpls", "native", "?", "?", "BAD"};
	static const char *const lbf[] = {
	    "l3-src", "l3-dst", "l4-proto", "l4-src", "l4-dst"};
	static const char *const lbd[] = {
	    "default", "field-hash", "source-bias"};
	char a[PREFIX_STRLEN], b[IPADDR_STRLEN], m[MACADDR_STRLEN];
	char id[XMPP_ITEM_ID_MAX];
	const struct xmpp_nexthop *nh;
	size_t i;

	wbuf_printf(w, "  %s afi %u safi %u id %s\n", fam_names[it->family],
	    it->afi, it->safi,
	    xmpp_item_id(it, id, sizeof(id)) ? id : "(none)");
	if (it->prefix.addr.af != 0)
		XT_ASSERT(prefix_print(&it->prefix, a, sizeof(a)), "prefix");
	else
		snprintf(a, sizeof(a), "-");
	wbuf_printf(w, "  prefix %s", a);
	if (it->family == XMPP_ITEM_ENET) {
		macaddr_print(&it->mac, m, sizeof(m));
		wbuf_printf(w, " mac %s eth-tag %u flags %u", m, it->eth_tag,
		    it->flags);
		wbuf_printf(w, " group %s",
		    it->has_group ? addr_text(&it->group, b, sizeof(b))
				  : "none");
		wbuf_printf(
		    w, " source %s", addr_text(&it->source, b, sizeof(b)));
	}
	wbuf_printf(w, "\n");
	for (i = 0; i < it->nnh; i++) {
		nh = &it->nh[i];
		wbuf_printf(w, "  next-hop %zu %s mac %s label %u", i + 1,
		    addr_text(&nh->addr, b, sizeof(b)),
		    nh->has_mac ? macaddr_print(&nh->mac, m, sizeof(m)) : "-",
		    nh->label);
		if (it->family == XMPP_ITEM_ENET)
			wbuf_printf(w, " l3-label %u", nh->l3_label);
		else
			wbuf_printf(w, " vni %u vn \"%s\"", nh->vni, nh->vn);
		dump_bits(w, "encaps", nh->encaps, encaps, nitems(encaps));
		dump_u32s(w, "tags", nh->tags, nh->ntags);
		wbuf_printf(w, "\n");
	}
	wbuf_printf(w,
	    "  version %u vn \"%s\" mobility %s sticky %s seqno %u\n",
	    it->version, it->vn, it->has_mobility ? "yes" : "no",
	    it->sticky ? "yes" : "no", it->seqno);
	wbuf_printf(w, "  local-pref %u med %u", it->local_pref, it->med);
	dump_u32s(w, "sg", it->sg, it->nsg);
	if (it->family != XMPP_ITEM_ENET) {
		wbuf_printf(w, " comm");
		if (it->ncomm == 0)
			wbuf_printf(w, " -");
		for (i = 0; i < it->ncomm; i++)
			wbuf_printf(
			    w, "%s%08x", i == 0 ? " " : ",", it->comm[i]);
		wbuf_printf(w, "\n ");
		dump_bits(w, "lb", it->lb_fields, lbf, nitems(lbf));
		wbuf_printf(w, " %s sub-protocol \"%s\"\n",
		    it->lb_decision < nitems(lbd) ? lbd[it->lb_decision] : "?",
		    it->sub_protocol);
	} else
		wbuf_printf(w,
		    "\n  etree-leaf %d edge-repl-not-supported %d "
		    "assisted-repl %d replicator %s\n",
		    it->etree_leaf, it->edge_repl_not_supported,
		    it->assisted_repl,
		    addr_text(&it->replicator, b, sizeof(b)));
}

/*
 * An item printed must parse back to itself (the dumps agree), and print
 * the same again.  The printed form goes to w after the dump.
 */
static void
roundtrip(struct wbuf *w, const struct xmpp_item *it)
{
	struct xmpp_item *back = calloc(1, sizeof(*back));
	struct xmpp_item *want = calloc(1, sizeof(*want));
	struct wbuf p1, p2, d1, d2;
	struct xmpp_node *n;
	struct arena a;
	char err[128];

	XT_ASSERT(back != NULL && want != NULL, "out of memory");
	arena_init(&a, 0);
	wbuf_init_dyn(&p1, 1u << 20);
	wbuf_init_dyn(&p2, 1u << 20);
	wbuf_init_dyn(&d1, 1u << 20);
	wbuf_init_dyn(&d2, 1u << 20);
	XT_ASSERT(xmpp_item_print(it, &p1) == 0, "print");
	n = xmpp_parse_doc(&a, p1.data, p1.len, NULL, err, sizeof(err));
	XT_ASSERT(n != NULL, "printed item does not parse: %s", err);
	XT_ASSERT(xmpp_item_parse(n, it->family, back, err, sizeof(err)) == 0,
	    "printed item refused: %s\n%.*s", err, (int)p1.len, p1.data);
	XT_ASSERT(xmpp_item_print(back, &p2) == 0, "print again");
	XT_ASSERT(p1.len == p2.len && memcmp(p1.data, p2.data, p1.len) == 0,
	    "printed twice, not the same:\n%.*s\n%.*s", (int)p1.len, p1.data,
	    (int)p2.len, p2.data);
	/* The printer always writes <mobility>, as the CN does: back has
	 * it whatever it had. */
	XT_ASSERT(back->has_mobility, "no <mobility> printed");
	*want = *it;
	want->has_mobility = true;
	/* An unknown encapsulation has no name to print. */
	for (size_t i = 0; i < want->nnh && i < XMPP_ITEM_MAX_NH; i++)
		want->nh[i].encaps &= (uint8_t)~XMPP_ENCAP_BAD;
	dump_item(&d1, want);
	dump_item(&d2, back);
	wbuf_put_u8(&d1, 0);
	wbuf_put_u8(&d2, 0);
	XT_ASSERT(strcmp((char *)d1.data, (char *)d2.data) == 0,
	    "parse(print(x)) is not x:\n%s\n%s", d1.data, d2.data);
	wbuf_printf(w, "  print:\n");
	wbuf_put_bytes(w, p1.data, p1.len);
	wbuf_fini(&p1);
	wbuf_fini(&p2);
	wbuf_fini(&d1);
	wbuf_fini(&d2);
	arena_fini(&a);
	free(back);
	free(want);
}

static void
item_case(struct wbuf *w, const struct xmpp_node *n, enum xmpp_item_family f)
{
	struct xmpp_item *it = calloc(1, sizeof(*it));
	char err[128];

	XT_ASSERT(it != NULL, "out of memory");
	XT_ASSERT(xmpp_item_parse(n, f, it, err, sizeof(err)) == 0, "%s", err);
	wbuf_printf(w, "item\n");
	dump_item(w, it);
	roundtrip(w, it);
	free(it);
}

/* <message><event><items>: the node, then each item or retract. */
static void
dump_message(struct wbuf *w, const struct xmpp_node *root)
{
	const struct xmpp_node *items = xmpp_node_find(root, "items"), *c;
	struct xmpp_item *key = calloc(1, sizeof(*key));
	enum xmpp_item_family f;
	const char *node;
	char vrf[XMPP_NAME_MAX], id[XMPP_ITEM_ID_MAX];

	XT_ASSERT(items != NULL && key != NULL, "no <items>");
	node = xmpp_node_attr(items, "node");
	XT_ASSERT(node != NULL, "no items node");
	if (strcmp(node, XMPP_EOR_NODE) == 0) {
		XT_ASSERT(items->child == NULL, "items in an EoR");
		wbuf_printf(w, "end-of-rib message\n");
		free(key);
		return;
	}
	XT_ASSERT(xmpp_items_node_parse(node, &f, vrf, sizeof(vrf)) == 0,
	    "items node %s", node);
	wbuf_printf(w, "items %s vrf %s\n", fam_names[f], vrf);
	for (c = items->child; c != NULL; c = c->next) {
		if (xmpp_node_is(c, "item")) {
			item_case(w, c, f);
			continue;
		}
		XT_ASSERT(xmpp_node_is(c, "retract"), "<%s>", c->name);
		node = xmpp_node_attr(c, "id");
		XT_ASSERT(node != NULL, "retract without id");
		XT_ASSERT(xmpp_item_id_parse(node, f, key) == 0,
		    "retract id %s", node);
		XT_ASSERT(xmpp_item_id(key, id, sizeof(id)) != NULL, "id");
		wbuf_printf(w, "retract %s -> %s\n", node, id);
	}
	free(key);
}

/* An agent IQ: publish, collection, subscribe (the options anywhere). */
static void
dump_iq(struct wbuf *w, const struct xmpp_node *root)
{
	const struct xmpp_node *ps = xmpp_node_child(root, "pubsub"), *op, *c;
	enum xmpp_item_family f;
	const char *node, *iid;
	uint32_t primary;

	XT_ASSERT(ps != NULL && ps->child != NULL, "no <pubsub> action");
	op = ps->child; /* Contrail reads the first child's name */
	node = xmpp_node_attr(op, "node");
	if (xmpp_node_is(op, "publish")) {
		if (xmpp_node_child(op, "item") == NULL) {
			XT_ASSERT(node == NULL, "an empty publish with a node");
			wbuf_printf(w, "end-of-rib publish\n");
			return;
		}
		XT_ASSERT(node != NULL &&
			xmpp_publish_node_parse(node, &f, &primary) == 0,
		    "publish node %s", node ? node : "(none)");
		wbuf_printf(
		    w, "publish %s primary-id %u\n", fam_names[f], primary);
		item_case(w, xmpp_node_child(op, "item"), f);
	} else if (xmpp_node_is(op, "collection")) {
		for (c = op->child; c != NULL; c = c->next)
			wbuf_printf(w, "collection %s %s %s\n", node,
			    xmpp_node_local(c), xmpp_node_attr(c, "node"));
	} else {
		iid = xmpp_node_child_text(
		    xmpp_node_find(ps, "options"), "instance-id");
		wbuf_printf(w, "%s %s instance-id %s\n", xmpp_node_local(op),
		    node, iid);
	}
}

START_TEST(good_file)
{
	const char *name = good_names[_i];
	struct xmpp_node *root;
	struct arena a;
	struct wbuf w;
	char *xml, err[128];
	size_t len;

	xml = test_read_file(data_path("good", name, ".xml"), &len);
	ck_assert_msg(xml != NULL, "cannot read %s", name);
	arena_init(&a, 0);
	root = xmpp_parse_doc(&a, xml, len, NULL, err, sizeof(err));
	ck_assert_msg(root != NULL, "%s: %s", name, err);
	wbuf_init_dyn(&w, 1u << 22);
	if (xmpp_node_is(root, "message"))
		dump_message(&w, root);
	else if (xmpp_node_is(root, "iq"))
		dump_iq(&w, root);
	else
		item_case(&w, root, name_family(name));
	wbuf_put_u8(&w, 0);
	test_expect_file(
	    data_path("good", name, ".ok"), (const char *)w.data, w.len - 1);
	wbuf_fini(&w);
	arena_fini(&a);
	free(xml);
}
END_TEST

START_TEST(bad_file)
{
	const char *name = bad_names[_i];
	struct xmpp_item *it = calloc(1, sizeof(*it));
	struct xmpp_node *root;
	char *xml, err[128], line[160];
	struct arena a;
	size_t len;

	xml = test_read_file(data_path("bad", name, ".xml"), &len);
	ck_assert_msg(xml != NULL && it != NULL, "cannot read %s", name);
	arena_init(&a, 0);
	root = xmpp_parse_doc(&a, xml, len, NULL, err, sizeof(err));
	ck_assert_msg(root != NULL, "%s is not even XML: %s", name, err);
	err[0] = '\0';
	ck_assert_msg(xmpp_item_parse(root, name_family(name), it, err,
			  sizeof(err)) == -EINVAL,
	    "%s: parsed", name);
	ck_assert_msg(err[0] != '\0', "%s: no reason", name);
	snprintf(line, sizeof(line), "%s\n", err);
	test_expect_file(data_path("bad", name, ".err"), line, strlen(line));
	arena_fini(&a);
	free(xml);
	free(it);
}
END_TEST

/* A harness that finds no files must fail, not pass vacuously. */
START_TEST(files_present)
{
	ck_assert_uint_ge(ngood, 15);
	ck_assert_uint_ge(nbad, 50);
}
END_TEST

/* Full items of each family, built by hand. */
static void
full_item(struct xmpp_item *it, enum xmpp_item_family f)
{
	size_t i, j;
	char s[64];

	memset(it, 0, sizeof(*it));
	it->family = f;
	it->afi = f == XMPP_ITEM_INET ? 1 : f == XMPP_ITEM_INET6 ? 2 : 25;
	it->safi = f == XMPP_ITEM_ENET ? 242 : f == XMPP_ITEM_INET ? 4 : 1;
	XT_ASSERT(
	    prefix_parse(f == XMPP_ITEM_INET6 ? "fd00:1::/64" : "10.20.0.0/16",
		&it->prefix, false) == 0,
	    "prefix");
	it->nnh = XMPP_ITEM_MAX_NH;
	for (i = 0; i < it->nnh; i++) {
		struct xmpp_nexthop *nh = &it->nh[i];

		snprintf(
		    s, sizeof(s), i % 2 ? "fd00::%zx" : "192.168.%zu.1", i + 1);
		XT_ASSERT(ipaddr_parse(s, &nh->addr) == 0, "nh %s", s);
		nh->has_mac = i % 3 == 0;
		nh->mac.b[5] = nh->has_mac ? (uint8_t)i : 0;
		nh->label = f == XMPP_ITEM_ENET ? XMPP_VNI_MAX : XMPP_LABEL_MAX;
		if (f == XMPP_ITEM_ENET)
			nh->l3_label = (uint32_t)i;
		else {
			nh->vni = (uint32_t)i * 1000;
			snprintf(nh->vn, sizeof(nh->vn), "vn<%zu>&\"q\"", i);
		}
		nh->encaps = (uint8_t)(i & 0x1f);
		nh->ntags = i == 0 ? XMPP_ITEM_MAX_LIST : i % 4;
		for (j = 0; j < nh->ntags; j++)
			nh->tags[j] = UINT32_MAX - (uint32_t)j;
	}
	it->version = f == XMPP_ITEM_ENET ? 0 : 1;
	memset(it->vn, 'v', XMPP_VN_MAX - 1);
	it->has_mobility = true;
	it->sticky = true;
	it->seqno = 12345;
	it->local_pref = 200;
	it->med = UINT32_MAX;
	it->nsg = XMPP_ITEM_MAX_LIST;
	for (i = 0; i < it->nsg; i++)
		it->sg[i] = 8000000 + (uint32_t)i;
	if (f != XMPP_ITEM_ENET) {
		it->ncomm = XMPP_ITEM_MAX_LIST;
		for (i = 0; i < it->ncomm; i++)
			it->comm[i] = i < 3 ? 0xffffff01u + (uint32_t)i
					    : (uint32_t)i << 16 | 7;
		snprintf(it->sub_protocol, sizeof(it->sub_protocol),
		    "interface-static");
		it->lb_fields = 0x1f;
		it->lb_decision = XMPP_LB_SOURCE_BIAS;
		return;
	}
	XT_ASSERT(macaddr_parse("02:aa:00:00:00:03", &it->mac) == 0, "mac");
	XT_ASSERT(prefix_parse("fd00::3/128", &it->prefix, false) == 0, "pfx");
	it->eth_tag = 7;
	it->has_group = true;
	XT_ASSERT(ipaddr_parse("ff05::1", &it->group) == 0, "group");
	XT_ASSERT(ipaddr_parse("fd00::9", &it->source) == 0, "source");
	it->flags = 1;
	it->etree_leaf = true;
	it->edge_repl_not_supported = true;
	it->assisted_repl = true;
	XT_ASSERT(ipaddr_parse("192.168.0.20", &it->replicator) == 0, "repl");
}

/* Built, printed, parsed: the same struct, to the byte. */
START_TEST(roundtrip_full)
{
	struct xmpp_item *it = calloc(1, sizeof(*it));
	struct xmpp_item *back = calloc(1, sizeof(*back));
	struct wbuf w, p;
	struct xmpp_node *n;
	struct arena a;
	char err[128];

	ck_assert(it != NULL && back != NULL);
	full_item(it, (enum xmpp_item_family)_i);
	wbuf_init_dyn(&w, 1u << 20);
	wbuf_init_dyn(&p, 1u << 20);
	roundtrip(&w, it);
	ck_assert_int_eq(xmpp_item_print(it, &p), 0);
	arena_init(&a, 0);
	n = xmpp_parse_doc(&a, p.data, p.len, NULL, err, sizeof(err));
	ck_assert_msg(n != NULL, "%s", err);
	ck_assert_int_eq(
	    xmpp_item_parse(n, it->family, back, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(*it); i++)
		ck_assert_msg(((uint8_t *)it)[i] == ((uint8_t *)back)[i],
		    "the struct parsed back differs at byte %zu (nh at %zu, "
		    "%zu each; group at %zu)",
		    i, offsetof(struct xmpp_item, nh),
		    sizeof(struct xmpp_nexthop),
		    offsetof(struct xmpp_item, group));
	/* An <entry> alone parses the same. */
	ck_assert_int_eq(xmpp_item_parse(xmpp_node_child(n, "entry"),
			     it->family, back, err, sizeof(err)),
	    0);
	ck_assert(memcmp(it, back, sizeof(*it)) == 0);
	arena_fini(&a);
	wbuf_fini(&w);
	wbuf_fini(&p);
	free(it);
	free(back);
}
END_TEST

/*
 * Closes whatever is open at the end of a cut XML text, so that the
 * item parser sees every partial item: elements missing, texts cut.  A
 * cut inside a tag drops the tag.  Returns the repaired length in out.
 */
static size_t
close_cut(const char *s, size_t cut, char *out, size_t cap)
{
	const char *open[64];
	size_t olen[64], depth = 0, n, i, keep = 0;

	/* Find where the last whole tag or text ends, and what is open. */
	for (i = 0; i < cut;) {
		if (s[i] != '<') {
			i++;
			keep = i;
			continue;
		}
		const char *gt = memchr(s + i, '>', cut - i);

		if (gt == NULL)
			break;
		if (s[i + 1] == '/')
			depth--;
		else if (gt[-1] != '/' && s[i + 1] != '?' && s[i + 1] != '!') {
			open[depth] = s + i + 1;
			for (n = 0; s + i + 1 + n < gt && s[i + 1 + n] != ' ' &&
			     s[i + 1 + n] != '/';
			     n++)
				;
			olen[depth] = n;
			depth++;
		}
		i = (size_t)(gt - s) + 1;
		keep = i;
	}
	XT_ASSERT(keep < cap, "cut too long");
	memcpy(out, s, keep);
	n = keep;
	while (depth > 0) {
		depth--;
		n += (size_t)snprintf(
		    out + n, cap - n, "</%.*s>", (int)olen[depth], open[depth]);
		XT_ASSERT(n < cap, "repair too long");
	}
	return n;
}

/* Every cut of a printed item: an error, or (repaired) a partial item. */
START_TEST(truncation)
{
	struct xmpp_item *it = calloc(1, sizeof(*it));
	struct xmpp_item *back = calloc(1, sizeof(*back));
	struct wbuf p;
	struct xmpp_node *n;
	struct arena a;
	char err[128], *cut, *fixed;
	size_t k, end, flen, fails = 0, oks = 0;
	int rc;

	ck_assert(it != NULL && back != NULL);
	full_item(it, (enum xmpp_item_family)_i);
	it->nnh = 2; /* keeps the n^2 of all cuts small */
	it->nsg = it->ncomm = 3;
	it->nh[0].ntags = 2;
	wbuf_init_dyn(&p, 1u << 20);
	ck_assert_int_eq(xmpp_item_print(it, &p), 0);
	end = p.len - 1; /* the last '>', before the newline */
	fixed = malloc(2 * p.len + 1024);
	ck_assert_ptr_nonnull(fixed);
	arena_init(&a, 0);
	for (k = 0; k < end; k++) {
		cut = xt_copy(p.data, k);
		err[0] = '\0';
		n = xmpp_parse_doc(&a, cut, k, NULL, err, sizeof(err));
		XT_ASSERT(n == NULL && err[0] != '\0',
		    "cut at %zu of %zu parsed", k, end);
		free(cut);

		flen =
		    close_cut((const char *)p.data, k, fixed, 2 * p.len + 1024);
		cut = xt_copy(fixed, flen);
		n = xmpp_parse_doc(&a, cut, flen, NULL, err, sizeof(err));
		if (n != NULL) {
			err[0] = '\0';
			rc = xmpp_item_parse(
			    n, it->family, back, err, sizeof(err));
			XT_ASSERT(rc == 0 || (rc == -EINVAL && err[0] != '\0'),
			    "cut at %zu: rc %d", k, rc);
			rc == 0 ? oks++ : fails++;
		}
		free(cut);
		arena_reset(&a);
	}
	/* The repair works for most cuts, and both outcomes happen. */
	ck_assert_uint_gt(fails + oks, end / 2);
	ck_assert_uint_gt(fails, 0);
	ck_assert_uint_gt(oks, 0);
	arena_fini(&a);
	wbuf_fini(&p);
	free(fixed);
	free(it);
	free(back);
}
END_TEST

static const struct {
	const char *id;
	enum xmpp_item_family fam;
	const char *back; /* NULL: refused */
} ids[] = {
    {"10.1.1.3/32", XMPP_ITEM_INET, "10.1.1.3/32"},
    {"10.1.1.3/24", XMPP_ITEM_INET, "10.1.1.0/24"},
    {"0.0.0.0/0", XMPP_ITEM_INET, "0.0.0.0/0"},
    {"fd00::3/128", XMPP_ITEM_INET6, "fd00::3/128"},
    {"FD00:0::3/128", XMPP_ITEM_INET6, "fd00::3/128"},
    {"02:aa:00:00:00:03,10.1.1.3/32", XMPP_ITEM_ENET,
	"02:aa:00:00:00:03,10.1.1.3/32"},
    {"5-02:aa:00:00:00:03,0.0.0.0/32", XMPP_ITEM_ENET,
	"5-02:aa:00:00:00:03,0.0.0.0/32"},
    {"02:aa:00:00:00:03,fd00::3/128", XMPP_ITEM_ENET,
	"02:aa:00:00:00:03,fd00::3/128"},
    {"0-00:00:00:00:00:00,0.0.0.0/32,225.0.0.1,10.0.0.1", XMPP_ITEM_ENET,
	"00:00:00:00:00:00,0.0.0.0/32,225.0.0.1,10.0.0.1"},
    {"00:00:00:00:00:00,0.0.0.0/32,0.0.0.0,0.0.0.0", XMPP_ITEM_ENET,
	"00:00:00:00:00:00,0.0.0.0/32"},
    {"00:00:00:00:00:00,0.0.0.0/32,0.0.0.0,10.0.0.1", XMPP_ITEM_ENET,
	"00:00:00:00:00:00,0.0.0.0/32"},
    {"4294967295-02:aa:00:00:00:03,10.1.1.3/32", XMPP_ITEM_ENET,
	"4294967295-02:aa:00:00:00:03,10.1.1.3/32"},
    {"", XMPP_ITEM_INET, NULL},
    {"10.1.1.3", XMPP_ITEM_INET, NULL},
    {"10.1.1.777/32", XMPP_ITEM_INET, NULL},
    {"fd00::3/128", XMPP_ITEM_INET, NULL},
    {"10.1.1.3/32", XMPP_ITEM_INET6, NULL},
    {"wxyz::1/128", XMPP_ITEM_INET6, NULL},
    {"02:aa:00:00:00:03", XMPP_ITEM_ENET, NULL},
    {"02:aa:00:00:00:03,10.1.1.3", XMPP_ITEM_ENET, NULL},
    {"02:aa:00:00:00:03:04,10.1.1.3/32", XMPP_ITEM_ENET, NULL},
    {"x-02:aa:00:00:00:03,10.1.1.3/32", XMPP_ITEM_ENET, NULL},
    {"4294967296-02:aa:00:00:00:03,10.1.1.3/32", XMPP_ITEM_ENET, NULL},
    {"02:aa:00:00:00:03,10.1.1.3/32,225.0.0.1", XMPP_ITEM_ENET, NULL},
    {"02:aa:00:00:00:03,10.1.1.3/32,225.0.0.1,1.1.1.1,2", XMPP_ITEM_ENET, NULL},
    {"02:aa:00:00:00:03,10.1.1.3/32,x,1.1.1.1", XMPP_ITEM_ENET, NULL},
    {"10.1.1.3/32", (enum xmpp_item_family)3, NULL},
};

START_TEST(id_case)
{
	struct xmpp_item *it = calloc(1, sizeof(*it));
	char buf[XMPP_ITEM_ID_MAX];
	int rc;

	ck_assert_ptr_nonnull(it);
	rc = xmpp_item_id_parse(ids[_i].id, ids[_i].fam, it);
	if (ids[_i].back == NULL) {
		ck_assert_msg(rc == -EINVAL, "%s: taken", ids[_i].id);
	} else {
		ck_assert_msg(rc == 0, "%s: refused", ids[_i].id);
		ck_assert_str_eq(
		    xmpp_item_id(it, buf, sizeof(buf)), ids[_i].back);
		ck_assert_uint_eq(it->afi,
		    ids[_i].fam == XMPP_ITEM_INET        ? 1
			: ids[_i].fam == XMPP_ITEM_INET6 ? 2
							 : 25);
		/* Too small a buffer: NULL, never a cut id. */
		ck_assert_ptr_null(xmpp_item_id(it, buf, strlen(ids[_i].back)));
	}
	free(it);
}
END_TEST

static const struct {
	const char *node;
	int publish; /* 1 publish node, 0 items node */
	int rc;
	enum xmpp_item_family fam;
	uint32_t primary;
	const char *vrf;
} nodes[] = {
    {"1/1/default-domain:demo:red:red/10.1.1.3/32", 1, 0, XMPP_ITEM_INET, 0,
	NULL},
    {"1/1/default-domain:default-project:ip-fabric:__default__/10.1.1.3/32/"
     "17",
	1, 0, XMPP_ITEM_INET, 17, NULL},
    {"1/4/vrf/10.1.1.3/32", 1, 0, XMPP_ITEM_INET, 0, NULL},
    {"2/1/vrf/fd00::3/128", 1, 0, XMPP_ITEM_INET6, 0, NULL},
    {"25/242/02:aa:00:00:00:03,10.1.1.3/32", 1, 0, XMPP_ITEM_ENET, 0, NULL},
    {"25/242/255.255.255.255,0.0.0.0/32,255.255.255.255,0.0.0.0", 1, 0,
	XMPP_ITEM_ENET, 0, NULL},
    {"", 1, -EINVAL, 0, 0, NULL},
    {"1/1", 1, -EINVAL, 0, 0, NULL},
    {"1/1/", 1, -EINVAL, 0, 0, NULL},
    {"1/1/vrf/10.1.1.3", 1, -EINVAL, 0, 0, NULL},
    {"1/1/vrf/10.1.1.3/32/x", 1, -EINVAL, 0, 0, NULL},
    {"1/1/vrf/10.1.1.3/32/4294967296", 1, -EINVAL, 0, 0, NULL},
    {"1/1/vrf//32", 1, -EINVAL, 0, 0, NULL},
    {"1/1/vrf/10.1.1.3/32/", 1, -EINVAL, 0, 0, NULL},
    {"2/1/vrf/fd00::3/128/5", 1, -EINVAL, 0, 0, NULL},
    {"25/242/02:aa:00:00:00:03/32", 1, -EINVAL, 0, 0, NULL},
    {"1/241/vrf/255.255.255.255", 1, -EINVAL, 0, 0, NULL},
    {"1/5/vrf/1.1.1.1/32", 1, -EINVAL, 0, 0, NULL},
    {"01/1/vrf/10.1.1.3/32/5", 1, 0, XMPP_ITEM_INET, 5, NULL},
    {"+1/1/vrf/10.1.1.3/32", 1, -EINVAL, 0, 0, NULL},
    {"1/1/default-domain:demo:red:red", 0, 0, XMPP_ITEM_INET, 0,
	"default-domain:demo:red:red"},
    {"1/4/inet.3", 0, 0, XMPP_ITEM_INET, 0, "inet.3"},
    {"2/1/red", 0, 0, XMPP_ITEM_INET6, 0, "red"},
    {"25/242/red", 0, 0, XMPP_ITEM_ENET, 0, "red"},
    {XMPP_EOR_NODE, 0, -EINVAL, 0, 0, NULL},
    {"1/1/", 0, -EINVAL, 0, 0, NULL},
    {"1/1/a/b", 0, -EINVAL, 0, 0, NULL},
    {"25/241/red", 0, -EINVAL, 0, 0, NULL},
    {"1/1/a-very-long-name-that-does-not-fit-in-16-bytes", 0, -EINVAL, 0, 0,
	NULL},
};

START_TEST(node_case)
{
	enum xmpp_item_family fam = (enum xmpp_item_family)99;
	uint32_t primary = 99;
	char vrf[32];
	int rc;

	if (nodes[_i].publish)
		rc = xmpp_publish_node_parse(nodes[_i].node, &fam, &primary);
	else
		rc = xmpp_items_node_parse(
		    nodes[_i].node, &fam, vrf, sizeof(vrf));
	ck_assert_msg(rc == nodes[_i].rc, "%s: rc %d", nodes[_i].node, rc);
	if (rc != 0)
		return;
	ck_assert_int_eq(fam, nodes[_i].fam);
	if (nodes[_i].publish)
		ck_assert_uint_eq(primary, nodes[_i].primary);
	else
		ck_assert_str_eq(vrf, nodes[_i].vrf);
}
END_TEST

/* Feeds text to a framer: each stanza must come out whole. */
static int
count_cb(void *arg, enum xmpp_event ev, const struct xmpp_node *n)
{
	(void)n;
	if (ev == XMPP_EV_STANZA)
		(*(int *)arg)++;
	return 0;
}

/* The stanzas a framer finds in w, which it must take whole. */
static int
stanzas(const struct wbuf *w)
{
	struct xmpp_parser *p;
	int count = 0;

	p = xmpp_parser_new(NULL, count_cb, &count);
	XT_ASSERT(xmpp_parser_feed(p, w->data, w->len) == (ssize_t)w->len,
	    "the framer refused: %s", xmpp_parser_error(p));
	xmpp_parser_free(p);
	return count;
}

static void
expect_text(const struct wbuf *w, const char *want, int nstanzas)
{
	ck_assert_msg(
	    w->len == strlen(want) && memcmp(w->data, want, w->len) == 0,
	    "got\n%.*s\nwant\n%s", (int)w->len, w->data, want);
	ck_assert_int_eq(stanzas(w), nstanzas);
}

static const char item_head[] =
    "\t\t\t<item id=\"10.1.1.3/32\">\n"
    "\t\t\t\t<entry>\n"
    "\t\t\t\t\t<nlri>\n"
    "\t\t\t\t\t\t<af>1</af>\n"
    "\t\t\t\t\t\t<safi>1</safi>\n"
    "\t\t\t\t\t\t<address>10.1.1.3/32</address>\n"
    "\t\t\t\t\t</nlri>\n"
    "\t\t\t\t\t<next-hops>\n"
    "\t\t\t\t\t\t<next-hop>\n"
    "\t\t\t\t\t\t\t<af>1</af>\n"
    "\t\t\t\t\t\t\t<address>192.168.0.11</address>\n"
    "\t\t\t\t\t\t\t<mac />\n"
    "\t\t\t\t\t\t\t<label>27</label>\n"
    "\t\t\t\t\t\t\t<vni>0</vni>\n"
    "\t\t\t\t\t\t\t<tunnel-encapsulation-list>\n"
    "\t\t\t\t\t\t\t\t<tunnel-encapsulation>gre</"
    "tunnel-encapsulation>\n"
    "\t\t\t\t\t\t\t</tunnel-encapsulation-list>\n"
    "\t\t\t\t\t\t\t<virtual-network />\n"
    "\t\t\t\t\t\t\t<tag-list>\n"
    "\t\t\t\t\t\t\t\t<tag>5</tag>\n"
    "\t\t\t\t\t\t\t</tag-list>\n"
    "\t\t\t\t\t\t</next-hop>\n"
    "\t\t\t\t\t</next-hops>\n"
    "\t\t\t\t\t<version>1</version>\n";

/* The CN's framing of 2.7 and 1.6, to the byte. */
START_TEST(cn_messages)
{
	struct xmpp_item *it = calloc(1, sizeof(*it));
	struct wbuf w;
	size_t head;

	ck_assert_ptr_nonnull(it);
	wbuf_init_dyn(&w, 1u << 20);
	ck_assert_int_eq(xmpp_msg_begin(&w, JID_CN, "compute-9/bgp-peer",
			     "1/1/default-domain:demo:red:red"),
	    0);
	ck_assert_int_eq(xmpp_msg_retract(&w, "10.1.1.3/32"), 0);
	ck_assert_int_eq(xmpp_msg_retract(&w, "10.1.1.4/32"), 0);
	ck_assert_int_eq(xmpp_msg_end(&w), 0);
	expect_text(&w,
	    "\n<message from=\"network-control@contrailsystems.com\" "
	    "to=\"compute-9/bgp-peer\">\n"
	    "\t<event xmlns=\"http://jabber.org/protocol/pubsub\">\n"
	    "\t\t<items node=\"1/1/default-domain:demo:red:red\">\n"
	    "\t\t\t<retract id=\"10.1.1.3/32\" />\n"
	    "\t\t\t<retract id=\"10.1.1.4/32\" />\n"
	    "\t\t</items>\n\t</event>\n</message>\n",
	    1);

	wbuf_reset(&w);
	ck_assert_int_eq(xmpp_msg_eor(&w, JID_CN, "compute-7/bgp-peer"), 0);
	expect_text(&w,
	    "\n<message from=\"network-control@contrailsystems.com\" "
	    "to=\"compute-7/bgp-peer\">\n"
	    "\t<event xmlns=\"http://jabber.org/protocol/pubsub\">\n"
	    "<items node=\"0/0/EndOfRib\"></items>\n"
	    "\t</event>\n</message>\n",
	    1);

	/* One item between begin and end: the layout of pugixml. */
	wbuf_reset(&w);
	memset(it, 0, sizeof(*it));
	it->family = XMPP_ITEM_INET;
	ck_assert_int_eq(prefix_parse("10.1.1.3/32", &it->prefix, false), 0);
	it->nnh = 1;
	ck_assert_int_eq(ipaddr_parse("192.168.0.11", &it->nh[0].addr), 0);
	it->nh[0].label = 27;
	it->nh[0].encaps = XMPP_ENCAP_GRE;
	it->nh[0].ntags = 1;
	it->nh[0].tags[0] = 5;
	it->version = 1;
	it->local_pref = 100;
	it->med = 200;
	ck_assert_int_eq(
	    xmpp_msg_begin(&w, JID_CN, "compute-9/bgp-peer", "1/1/red"), 0);
	head = w.len;
	ck_assert_int_eq(xmpp_item_print(it, &w), 0);
	ck_assert_int_eq(xmpp_msg_end(&w), 0);
	ck_assert_msg(w.len - head > strlen(item_head) &&
		memcmp(w.data + head, item_head, strlen(item_head)) == 0,
	    "item layout:\n%.*s", (int)(w.len - head), w.data + head);
	ck_assert_int_eq(stanzas(&w), 1);
	wbuf_fini(&w);
	free(it);
}
END_TEST

/* True if w holds the text s somewhere. */
static bool
has(const struct wbuf *w, const char *s)
{
	return memmem(w->data, w->len, s, strlen(s)) != NULL;
}

/* The agent's IQs (2.2, 2.3, A.1, A.2, 1.6), to the byte. */
START_TEST(agent_iqs)
{
	struct xmpp_item *it = calloc(1, sizeof(*it));
	struct wbuf w;

	ck_assert_ptr_nonnull(it);
	wbuf_init_dyn(&w, 1u << 20);
	ck_assert_int_eq(xmpp_iq_subscribe(&w, "compute-7", JID_AGENT,
			     "default-domain:demo:red:red", 4, false, false),
	    0);
	expect_text(&w,
	    "<iq type=\"set\" from=\"compute-7\" "
	    "to=\"network-control@contrailsystems.com/bgp-peer\" "
	    "id=\"subscribe4\">\n"
	    "<pubsub xmlns=\"http://jabber.org/protocol/pubsub\">\n"
	    "<subscribe node=\"default-domain:demo:red:red\">\n"
	    "<options>\n<instance-id>4</instance-id>\n</options>\n"
	    "</subscribe>\n</pubsub>\n</iq>\n",
	    1);
	wbuf_reset(&w);
	ck_assert_int_eq(
	    xmpp_iq_subscribe(&w, "compute-7", JID_AGENT, "r&d", 0, true, true),
	    0);
	expect_text(&w,
	    "<iq type=\"set\" from=\"compute-7\" "
	    "to=\"network-control@contrailsystems.com/bgp-peer\" "
	    "id=\"unsubscribe0\">\n"
	    "<pubsub xmlns=\"http://jabber.org/protocol/pubsub\">\n"
	    "<unsubscribe node=\"r&amp;d\" />\n"
	    "<options>\n<instance-id>0</instance-id>\n</options>\n"
	    "</pubsub>\n</iq>\n",
	    1);

	wbuf_reset(&w);
	ck_assert_int_eq(xmpp_iq_eor(&w, "compute-7", JID_AGENT), 0);
	expect_text(&w,
	    "<iq type=\"set\" from=\"compute-7\" "
	    "to=\"network-control@contrailsystems.com/bgp-peer\" "
	    "id=\"pubsub\">\n"
	    "<pubsub xmlns=\"http://jabber.org/protocol/pubsub\">\n"
	    "<publish />\n</pubsub>\n</iq>\n"
	    "<iq type=\"set\" from=\"compute-7\" "
	    "to=\"network-control@contrailsystems.com/bgp-peer\" "
	    "id=\"collection\">\n"
	    "<pubsub xmlns=\"http://jabber.org/protocol/pubsub\">\n"
	    "<collection />\n</pubsub>\n</iq>\n",
	    2);

	/* A publish and its collection, each family: nodes and shape. */
	full_item(it, XMPP_ITEM_ENET);
	it->nnh = 1;
	wbuf_reset(&w);
	ck_assert_int_eq(
	    xmpp_iq_publish(&w, "compute-7", JID_AGENT, "red", it, false), 0);
	ck_assert(has(&w,
	    "<publish node=\"25/242/02:aa:00:00:00:03,fd00::3/128\">\n<item>\n"
	    "<entry>\n<nlri>\n<af>25</af>\n"));
	ck_assert(has(&w,
	    "id=\"collection\">\n<pubsub "
	    "xmlns=\"http://jabber.org/protocol/pubsub\">\n"
	    "<collection node=\"red\">\n"
	    "<dissociate node=\"25/242/02:aa:00:00:00:03,fd00::3/128\" />\n"
	    "</collection>\n</pubsub>\n</iq>\n"));
	full_item(it, XMPP_ITEM_INET);
	it->nnh = 1;
	wbuf_reset(&w);
	ck_assert_int_eq(
	    xmpp_iq_publish(&w, "compute-7", JID_AGENT, "red", it, true), 0);
	ck_assert(has(&w, "<publish node=\"1/4/red/10.20.0.0/16\">"));
	ck_assert(has(&w, "<associate node=\"1/4/red/10.20.0.0/16\" />"));
	full_item(it, XMPP_ITEM_INET6);
	wbuf_reset(&w);
	ck_assert_int_eq(
	    xmpp_iq_publish(&w, "compute-7", JID_AGENT, "red", it, true), 0);
	ck_assert(has(&w, "<publish node=\"2/1/red/fd00:1::/64\">"));
	ck_assert_int_eq(stanzas(&w), 2);
	wbuf_fini(&w);
	free(it);
}
END_TEST

/* Out of space at every size: -ENOSPC and the writer as it was. */
START_TEST(writers_nospace)
{
	struct xmpp_item *it = calloc(1, sizeof(*it));
	struct wbuf big, w;
	size_t need[6], cap, k;
	uint8_t *mem;
	int rc;

	ck_assert_ptr_nonnull(it);
	full_item(it, XMPP_ITEM_ENET);
	it->nnh = 2;
	wbuf_init_dyn(&big, 1u << 20);
	for (k = 0; k < nitems(need); k++) {
		wbuf_reset(&big);
		ck_assert_int_eq(k == 0 ? xmpp_item_print(it, &big)
			: k == 1        ? xmpp_msg_begin(&big, "a", "b", "c")
			: k == 2        ? xmpp_msg_eor(&big, "a", "b")
			: k == 3        ? xmpp_iq_subscribe(
					      &big, "a", "b", "c", 1, false, false)
			: k == 4
			? xmpp_iq_publish(&big, "a", "b", "c", it, true)
			: xmpp_msg_retract(&big, "x"),
		    0);
		need[k] = big.len;
		mem = malloc(need[k] + 8);
		ck_assert_ptr_nonnull(mem);
		for (cap = 0; cap < need[k]; cap++) {
			wbuf_init(&w, mem, cap);
			/* Something already there stays. */
			if (cap > 0)
				wbuf_put_u8(&w, 'x');
			rc = k == 0  ? xmpp_item_print(it, &w)
			    : k == 1 ? xmpp_msg_begin(&w, "a", "b", "c")
			    : k == 2 ? xmpp_msg_eor(&w, "a", "b")
			    : k == 3 ? xmpp_iq_subscribe(
					   &w, "a", "b", "c", 1, false, false)
			    : k == 4
			    ? xmpp_iq_publish(&w, "a", "b", "c", it, true)
			    : xmpp_msg_retract(&w, "x");
			XT_ASSERT(rc == -ENOSPC && w.len == (cap > 0),
			    "writer %zu in %zu bytes: rc %d len %zu", k, cap,
			    rc, w.len);
		}
		free(mem);
	}
	/* What cannot be written at all: -EINVAL, nothing written. */
	wbuf_reset(&big);
	ck_assert_int_eq(xmpp_msg_begin(&big, "a\x01", "b", "c"), -EINVAL);
	ck_assert_int_eq(xmpp_msg_retract(&big, "\x02"), -EINVAL);
	ck_assert_int_eq(
	    xmpp_iq_subscribe(&big, "a", "b", "c\x1f", 1, false, false),
	    -EINVAL);
	it->nh[1].addr.af = 0;
	ck_assert_int_eq(xmpp_item_print(it, &big), -EINVAL);
	ck_assert_int_eq(
	    xmpp_iq_publish(&big, "a", "b", "c", it, true), -EINVAL);
	it->family = (enum xmpp_item_family)7;
	ck_assert_int_eq(xmpp_item_print(it, &big), -EINVAL);
	ck_assert_int_eq(
	    xmpp_iq_publish(&big, "a", "b", "c", it, true), -EINVAL);
	ck_assert_uint_eq(big.len, 0);
	ck_assert_ptr_null(xmpp_item_family_node(it->family));
	ck_assert_str_eq(xmpp_item_family_node(XMPP_ITEM_INET), "1/1");
	ck_assert_str_eq(xmpp_item_family_node(XMPP_ITEM_INET6), "2/1");
	ck_assert_str_eq(xmpp_item_family_node(XMPP_ITEM_ENET), "25/242");
	wbuf_fini(&big);
	free(it);
}
END_TEST

/* Integers as Contrail reads them, and what we refuse besides. */
START_TEST(integers)
{
	static const struct {
		const char *text;
		long want; /* -1: refused */
	} cases[] = {
	    {"0", 0},
	    {"", 0},
	    {"   ", 0},
	    {"27", 27},
	    {" 27", 27},
	    {"27 \n\t", 27},
	    {"\n 27 \r\n", 27},
	    {"0027", 27},
	    {"1048575", 1048575},
	    {"4294967295", 4294967295},
	    {"4294967296", -1},
	    {"99999999999999999999999", -1},
	    {"-1", -1},
	    {"+1", -1},
	    {"2 7", -1},
	    {"27x", -1},
	    {"0x1b", -1},
	    {"1e3", -1},
	    {"\xc8\x80"
	     "1",
		-1},
	};
	static const char bools[] =
	    "<entry><nlri><af>25</af><safi>242</safi><mac>00:00:00:00:00:01"
	    "</mac></nlri><etree-leaf>True</etree-leaf><edge-replication-not-"
	    "supported>true</edge-replication-not-supported><assisted-"
	    "replication-supported> true</assisted-replication-supported>"
	    "</entry>";
	char xml[256], err[128];
	struct xmpp_item *it = calloc(1, sizeof(*it));
	struct xmpp_node *n;
	struct arena a;
	size_t i;
	int rc;

	ck_assert_ptr_nonnull(it);
	arena_init(&a, 0);
	for (i = 0; i < nitems(cases); i++) {
		snprintf(xml, sizeof(xml),
		    "<entry><nlri><af>1</af><safi>1</safi><address>1.2.3.4/32"
		    "</address></nlri><med>%s</med></entry>",
		    cases[i].text);
		n = xmpp_parse_doc(
		    &a, xml, strlen(xml), NULL, err, sizeof(err));
		XT_ASSERT(n != NULL, "%s", err);
		rc = xmpp_item_parse(n, XMPP_ITEM_INET, it, err, sizeof(err));
		if (cases[i].want < 0)
			XT_ASSERT(rc == -EINVAL && strstr(err, "<med>") != NULL,
			    "\"%s\": rc %d (%s)", cases[i].text, rc, err);
		else
			XT_ASSERT(rc == 0 && it->med == (uint32_t)cases[i].want,
			    "\"%s\": rc %d med %u (%s)", cases[i].text, rc,
			    it->med, err);
	}
	/* Booleans: "true" only. */
	n = xmpp_parse_doc(&a, bools, strlen(bools), NULL, err, sizeof(err));
	ck_assert_msg(n != NULL, "%s", err);
	ck_assert_int_eq(xmpp_item_parse(n, XMPP_ITEM_ENET, it, err, 128), 0);
	ck_assert(!it->etree_leaf);
	ck_assert(it->edge_repl_not_supported);
	ck_assert(!it->assisted_repl);
	ck_assert_uint_eq(it->prefix.addr.af, 0);
	arena_fini(&a);
	free(it);
}
END_TEST

/*
 * A repeated element replaces the first and leaves no trace: the struct
 * is the one of the last alone, to the byte (found by the fuzzer).
 */
START_TEST(repeated_last_counts)
{
	static const char *const pairs[][2] = {
	    {"<virtual-network>default-domain:demo:red</virtual-network>"
	     "<virtual-network>blue</virtual-network>",
		"<virtual-network>blue</virtual-network>"},
	    {"<security-group-list><security-group>1</security-group>"
	     "<security-group>2</security-group></security-group-list>"
	     "<security-group-list><security-group>3</security-group>"
	     "</security-group-list>",
		"<security-group-list><security-group>3</security-group>"
		"</security-group-list>"},
	    {"<next-hops><next-hop><af>1</af><address>1.1.1.1</address>"
	     "<tag-list><tag>4</tag><tag>5</tag></tag-list><tag-list/>"
	     "<virtual-network>long-name</virtual-network><virtual-network>"
	     "x</virtual-network></next-hop><next-hop><af>1</af><address>"
	     "2.2.2.2</address></next-hop></next-hops><next-hops><next-hop>"
	     "<af>1</af><address>3.3.3.3</address><tag-list/>"
	     "<virtual-network>x</virtual-network></next-hop></next-hops>",
		"<next-hops><next-hop><af>1</af><address>3.3.3.3</address>"
		"<virtual-network>x</virtual-network></next-hop></next-hops>"},
	    {"<community-tag-list><community-tag>1:1</community-tag>"
	     "</community-tag-list><community-tag-list/>",
		"<community-tag-list/>"},
	    {"<mobility sticky=\"true\" seqno=\"5\"/><mobility/>",
		"<mobility/>"},
	};
	struct xmpp_item *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	char xml[1024], err[128];
	struct xmpp_node *n;
	struct arena ar;
	size_t i, k;

	ck_assert(a != NULL && b != NULL);
	arena_init(&ar, 0);
	for (i = 0; i < nitems(pairs); i++) {
		for (k = 0; k < 2; k++) {
			snprintf(xml, sizeof(xml),
			    "<entry><nlri><af>1</af><safi>1</safi><address>"
			    "1.2.3.4/32</address></nlri>%s</entry>",
			    pairs[i][k]);
			n = xmpp_parse_doc(
			    &ar, xml, strlen(xml), NULL, err, sizeof(err));
			ck_assert_msg(n != NULL, "%s", err);
			ck_assert_int_eq(xmpp_item_parse(n, XMPP_ITEM_INET,
					     k == 0 ? a : b, err, sizeof(err)),
			    0);
		}
		ck_assert_msg(xmpp_item_equal(a, b),
		    "case %zu: the first left a trace", i);
	}
	/* enet: a second <nlri> without a group drops the first's. */
	for (k = 0; k < 2; k++) {
		snprintf(xml, sizeof(xml),
		    "<entry>%s<nlri><af>25</af><safi>242</safi><mac>"
		    "00:00:00:00:00:01</mac></nlri></entry>",
		    k == 0 ? "<nlri><af>25</af><safi>242</safi><mac>00:00:00:"
			     "00:00:02</mac><group>225.0.0.1</group><source>"
			     "1.1.1.1</source></nlri>"
			   : "");
		n = xmpp_parse_doc(
		    &ar, xml, strlen(xml), NULL, err, sizeof(err));
		ck_assert_msg(n != NULL, "%s", err);
		ck_assert_int_eq(xmpp_item_parse(n, XMPP_ITEM_ENET,
				     k == 0 ? a : b, err, sizeof(err)),
		    0);
	}
	ck_assert(!a->has_group);
	ck_assert(xmpp_item_equal(a, b));
	arena_fini(&ar);
	free(a);
	free(b);
}
END_TEST

Suite *
xmpp_item_suite(void)
{
	Suite *s = suite_create("xmpp_item");
	TCase *tc;

	good_names =
	    test_list_dir(test_srcpath("tests/data/xmpp/good"), ".xml", &ngood);
	bad_names =
	    test_list_dir(test_srcpath("tests/data/xmpp/bad"), ".xml", &nbad);

	tc = tcase_create("core");
	tcase_add_test(tc, files_present);
	tcase_add_loop_test(tc, good_file, 0, (int)ngood);
	tcase_add_loop_test(tc, roundtrip_full, 0, 3);
	tcase_add_loop_test(tc, id_case, 0, (int)nitems(ids));
	tcase_add_loop_test(tc, node_case, 0, (int)nitems(nodes));
	tcase_add_test(tc, cn_messages);
	tcase_add_test(tc, agent_iqs);
	tcase_add_test(tc, integers);
	tcase_add_test(tc, repeated_last_counts);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, bad_file, 0, (int)nbad);
	tcase_add_loop_test(tc, truncation, 0, 3);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, writers_nospace);
	suite_add_tcase(s, tc);
	return s;
}
