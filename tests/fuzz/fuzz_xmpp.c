/*
 * DOC: fuzz_xmpp.c - the bodies of the XMPP fuzz targets (fuzz_xmpp.h).
 *
 * xmpp-stanza runs a byte stream through the framer three times: whole,
 * in pieces (or stopping after every event), and whole with expat alone
 * (the fast path off).  It checks what xmpp.h promises: the same stanzas
 * and the same outcome however the bytes come and whichever path parses
 * them, feeds that take what they say, -EPROTO with a reason and a dead
 * parser after an error, nothing held over the unit limit, and trees
 * within the limits that print to XML which parses back to the same tree.
 * xmpp-item reads every item of a document as each family, and whatever
 * parses must print (as an item, in a CN message, in an agent publish)
 * to what the framer takes and the item parser reads back to the same
 * struct; ids and node strings likewise.
 */
#include "tests/fuzz/fuzz_xmpp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FX_LOG_MAX (16u << 20) /* events of one run, printed */

/* A tree must print to XML that parses back to a tree printing the same. */
static void
fx_reprint(const struct xmpp_node *n)
{
	struct wbuf w1, w2;
	struct arena a;
	struct xmpp_node *back;
	char err[128];

	wbuf_init_dyn(&w1, FX_LOG_MAX);
	wbuf_init_dyn(&w2, FX_LOG_MAX);
	FUZZ_CHECK(xmpp_node_print(n, &w1, false) == 0, "<%s> does not print",
	    n->name);
	if (w1.len <= XMPP_STANZA_MAX) {
		arena_init(&a, 0);
		back =
		    xmpp_parse_doc(&a, w1.data, w1.len, NULL, err, sizeof(err));
		FUZZ_CHECK(back != NULL, "printed <%s> does not parse: %s",
		    n->name, err);
		FUZZ_CHECK(xmpp_node_print(back, &w2, false) == 0, "reprint");
		FUZZ_CHECK(
		    w1.len == w2.len && memcmp(w1.data, w2.data, w1.len) == 0,
		    "<%s> printed twice differs", n->name);
		arena_fini(&a);
	}
	wbuf_fini(&w1);
	wbuf_fini(&w2);
}

/* The parser's name rule: at most one ':', neither first nor last. */
static bool
fx_name_ok(const char *s)
{
	const char *c = strchr(s, ':');

	if (strlen(s) == 0 || strlen(s) > XMPP_NAME_MAX)
		return false;
	return c == NULL ||
	    (c != s && c[1] != '\0' && strchr(c + 1, ':') == NULL);
}

/* Links, limits and strings of a received tree, without recursion. */
static void
fx_tree_check(const struct xmpp_node *root, const struct xmpp_limits *lim)
{
	const struct xmpp_node *n = root, *c, *last;
	unsigned depth = 1;
	size_t i;

	FUZZ_CHECK(root->parent == NULL, "a stanza with a parent");
	for (;;) {
		FUZZ_CHECK(depth <= lim->depth_max, "depth %u", depth);
		FUZZ_CHECK(fx_name_ok(n->name), "name <%.40s>", n->name);
		FUZZ_CHECK(
		    n->nattrs <= lim->attrs_max, "%zu attributes", n->nattrs);
		for (i = 0; i < n->nattrs; i++)
			FUZZ_CHECK(fx_name_ok(n->attrs[i].name) &&
				n->attrs[i].value != NULL,
			    "attribute %zu of <%.40s>", i, n->name);
		FUZZ_CHECK(n->text != NULL && strlen(n->text) == n->text_len,
		    "text of <%.40s>", n->name);
		for (last = NULL, c = n->child; c != NULL;
		     last = c, c = c->next)
			FUZZ_CHECK(c->parent == n, "a child's parent");
		FUZZ_CHECK(n->last == last, "last child of <%.40s>", n->name);
		/* Next in document order. */
		if (n->child != NULL) {
			n = n->child;
			depth++;
			continue;
		}
		while (n != root && n->next == NULL) {
			n = n->parent;
			depth--;
		}
		if (n == root)
			break;
		n = n->next;
	}
}

struct fx_run {
	struct xmpp_limits lim; /* as in force: the defaults filled in */
	struct wbuf log;        /* events but keepalives, printed */
	bool stop;              /* callbacks stop the feed */
	bool check;             /* check the trees (once is enough) */
	bool slow;              /* expat for every unit: no fast path */
	bool dead;              /* the parser refused the stream */
	char err[128];          /* why */
	size_t pending;         /* held at the end, when alive */
};

static int
fx_cb(void *arg, enum xmpp_event ev, const struct xmpp_node *n)
{
	struct fx_run *r = arg;

	switch (ev) {
	case XMPP_EV_OPEN:
	case XMPP_EV_STANZA:
		FUZZ_CHECK(n != NULL, "event %d without a tree", (int)ev);
		if (ev == XMPP_EV_OPEN)
			FUZZ_CHECK(strcmp(n->name, "stream:stream") == 0 &&
				n->child == NULL,
			    "OPEN <%.40s>", n->name);
		if (r->check) {
			fx_tree_check(n, &r->lim);
			fx_reprint(n);
		}
		wbuf_printf(&r->log, "%d ", (int)ev);
		FUZZ_CHECK(xmpp_node_print(n, &r->log, false) == 0, "log");
		wbuf_put_u8(&r->log, '\n');
		break;
	case XMPP_EV_KEEPALIVE:
		FUZZ_CHECK(n == NULL, "KEEPALIVE with a tree");
		break;
	case XMPP_EV_CLOSE:
		FUZZ_CHECK(n == NULL, "CLOSE with a tree");
		wbuf_printf(&r->log, "close\n");
		break;
	default:
		FUZZ_CHECK(false, "event %d", (int)ev);
	}
	return r->stop ? 1 : 0;
}

static uint32_t
fx_rand(uint32_t *s)
{
	/* xorshift32: piece sizes reproducible from the selector. */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* One run: pieces of 1..k bytes (k 0: whole), each an exact-size copy. */
static void
fx_run(struct fx_run *r, const uint8_t *d, size_t len, size_t k, uint32_t seed)
{
	struct xmpp_parser *p;
	size_t off = 0, n;
	uint8_t *piece;
	ssize_t rc;

	p = xmpp_parser_new(&r->lim, fx_cb, r);
	xmpp_parser_set_fast(p, !r->slow);
	while (off < len) {
		n = k == 0 ? len - off : 1 + fx_rand(&seed) % k;
		n = MIN(n, len - off);
		piece = xmemdup(d + off, n);
		rc = xmpp_parser_feed(p, piece, n);
		free(piece);
		if (rc < 0) {
			FUZZ_CHECK(rc == -EPROTO, "feed: %zd", rc);
			snprintf(
			    r->err, sizeof(r->err), "%s", xmpp_parser_error(p));
			FUZZ_CHECK(
			    r->err[0] != '\0', "an error without reason");
			FUZZ_CHECK(xmpp_parser_feed(p, "<a/>", 4) == -EPROTO,
			    "alive after: %s", r->err);
			r->dead = true;
			break;
		}
		FUZZ_CHECK(rc > 0 && (size_t)rc <= n, "took %zd of %zu", rc, n);
		FUZZ_CHECK(
		    r->stop || (size_t)rc == n, "took %zd of %zu", rc, n);
		FUZZ_CHECK(xmpp_parser_error(p)[0] == '\0', "alive with: %s",
		    xmpp_parser_error(p));
		FUZZ_CHECK(xmpp_parser_pending(p) <= r->lim.stanza_max,
		    "%zu bytes held", xmpp_parser_pending(p));
		off += (size_t)rc;
	}
	if (!r->dead)
		r->pending = xmpp_parser_pending(p);
	xmpp_parser_free(p);
}

static void
fx_run_init(struct fx_run *r, uint8_t lim)
{
	memset(r, 0, sizeof(*r));
	r->lim.stanza_max =
	    (lim & 0x0f) == 0 ? XMPP_STANZA_MAX : (size_t)32 << (lim & 0x0f);
	r->lim.stanza_max = MIN(r->lim.stanza_max, XMPP_STANZA_MAX);
	r->lim.depth_max = (lim >> 4) == 0 ? XMPP_DEPTH_MAX : lim >> 4;
	r->lim.attrs_max = (lim >> 4) == 0 ? XMPP_ATTRS_MAX : lim >> 4;
	wbuf_init_dyn(&r->log, FX_LOG_MAX);
}

/* Two runs of one stream had the same outcome: events, error, held. */
static void
fx_same(const struct fx_run *a, const struct fx_run *b, const char *an,
    const char *bn)
{
	FUZZ_CHECK(a->dead == b->dead, "%s %s, %s %s", an,
	    a->dead ? a->err : "alive", bn, b->dead ? b->err : "alive");
	FUZZ_CHECK(a->log.len == b->log.len &&
		(a->log.len == 0 ||
		    memcmp(a->log.data, b->log.data, a->log.len) == 0),
	    "events differ %s and %s", an, bn);
	if (a->dead)
		FUZZ_CHECK(strcmp(a->err, b->err) == 0, "%s: %s; %s: %s", an,
		    a->err, bn, b->err);
	else
		FUZZ_CHECK(a->pending == b->pending, "held %zu %s and %zu %s",
		    a->pending, an, b->pending, bn);
}

void
fuzz_xmpp_stream(const uint8_t *data, size_t size)
{
	struct fx_run whole, cut, slow;
	uint8_t sel, lim;
	struct arena a;
	struct xmpp_node *doc;
	char err[128];

	if (size < 2)
		return;
	sel = data[0];
	lim = data[1];
	data += 2;
	size -= 2;

	fx_run_init(&whole, lim);
	whole.check = true;
	fx_run(&whole, data, size, 0, 0);
	fx_run_init(&cut, lim);
	cut.stop = (sel & FUZZ_XSEL_STOP) != 0;
	fx_run(&cut, data, size, FUZZ_XSEL_PIECE(sel), 0x9e3779b9u ^ sel);
	fx_same(&whole, &cut, "whole", "in pieces");
	/* The fast path changes nothing but the speed: expat alone. */
	fx_run_init(&slow, lim);
	slow.slow = true;
	fx_run(&slow, data, size, 0, 0);
	fx_same(&whole, &slow, "fast", "expat alone");
	wbuf_fini(&whole.log);
	wbuf_fini(&cut.log);
	wbuf_fini(&slow.log);

	if ((sel & FUZZ_XSEL_DOC) == 0)
		return;
	arena_init(&a, 0);
	err[0] = '\0';
	doc = xmpp_parse_doc(&a, data, size, &whole.lim, err, sizeof(err));
	if (doc != NULL) {
		fx_tree_check(doc, &whole.lim);
		fx_reprint(doc);
	} else
		FUZZ_CHECK(err[0] != '\0', "a document refused without reason");
	arena_fini(&a);
}

/*
 * xmpp-item.
 */

/* What printing cannot keep: it always writes <mobility>, and has no
 * name for an unknown encapsulation. */
static void
fx_item_normalize(struct xmpp_item *it)
{
	size_t i;

	it->has_mobility = true;
	for (i = 0; i < it->nnh; i++)
		it->nh[i].encaps &= (uint8_t)~XMPP_ENCAP_BAD;
}

static void
fx_item_sane(const struct xmpp_item *it, enum xmpp_item_family fam)
{
	uint32_t max = fam == XMPP_ITEM_ENET ? XMPP_VNI_MAX : XMPP_LABEL_MAX;
	const struct xmpp_nexthop *nh;
	size_t i;

	FUZZ_CHECK(it->family == fam, "family %d", (int)it->family);
	FUZZ_CHECK(it->nnh <= XMPP_ITEM_MAX_NH &&
		it->nsg <= XMPP_ITEM_MAX_LIST &&
		it->ncomm <= XMPP_ITEM_MAX_LIST,
	    "counts %zu %zu %zu", it->nnh, it->nsg, it->ncomm);
	FUZZ_CHECK(memchr(it->vn, '\0', sizeof(it->vn)) != NULL &&
		memchr(it->sub_protocol, '\0', sizeof(it->sub_protocol)),
	    "strings");
	for (i = 0; i < it->nnh; i++) {
		nh = &it->nh[i];
		FUZZ_CHECK(
		    (nh->addr.af == AF_INET || nh->addr.af == AF_INET6) &&
			!ipaddr_is_unspecified(&nh->addr),
		    "next-hop %zu address", i);
		FUZZ_CHECK(nh->label <= max && nh->l3_label <= XMPP_VNI_MAX &&
			nh->vni <= XMPP_VNI_MAX &&
			nh->ntags <= XMPP_ITEM_MAX_LIST,
		    "next-hop %zu bounds", i);
		FUZZ_CHECK(memchr(nh->vn, '\0', sizeof(nh->vn)) != NULL, "vn");
	}
	if (fam != XMPP_ITEM_ENET)
		FUZZ_CHECK(it->prefix.addr.af ==
			(fam == XMPP_ITEM_INET ? AF_INET : AF_INET6),
		    "prefix family");
}

/* Stanzas the framer finds in text, which it must take whole. */
static int
fx_stanzas_cb(void *arg, enum xmpp_event ev, const struct xmpp_node *n)
{
	(void)n;
	if (ev == XMPP_EV_STANZA)
		(*(int *)arg)++;
	return 0;
}

static int
fx_stanzas(const struct wbuf *w)
{
	struct xmpp_parser *p;
	int count = 0;

	p = xmpp_parser_new(NULL, fx_stanzas_cb, &count);
	FUZZ_CHECK(xmpp_parser_feed(p, w->data, w->len) == (ssize_t)w->len,
	    "printed text refused: %s", xmpp_parser_error(p));
	FUZZ_CHECK(xmpp_parser_pending(p) == 0, "printed text unfinished");
	xmpp_parser_free(p);
	return count;
}

/* An id prints, parses back, and prints the same. */
static void
fx_id(const char *id, enum xmpp_item_family fam)
{
	static struct xmpp_item key;
	char a[XMPP_ITEM_ID_MAX], b[XMPP_ITEM_ID_MAX];

	if (xmpp_item_id_parse(id, fam, &key) != 0)
		return;
	FUZZ_CHECK(xmpp_item_id(&key, a, sizeof(a)) != NULL, "id of %.60s", id);
	FUZZ_CHECK(xmpp_item_id_parse(a, fam, &key) == 0, "id %s", a);
	FUZZ_CHECK(
	    xmpp_item_id(&key, b, sizeof(b)) != NULL && strcmp(a, b) == 0,
	    "id %s, then %s", a, b);
}

static void
fx_item(const struct xmpp_node *n, enum xmpp_item_family fam)
{
	static struct xmpp_item it, back;
	struct wbuf w1, w2;
	struct arena a;
	struct xmpp_node *doc;
	enum xmpp_item_family pf;
	char err[128] = "", id[XMPP_ITEM_ID_MAX];
	int rc;

	rc = xmpp_item_parse(n, fam, &it, err, sizeof(err));
	if (rc != 0) {
		FUZZ_CHECK(rc == -EINVAL && err[0] != '\0', "rc %d", rc);
		return;
	}
	fx_item_sane(&it, fam);
	wbuf_init_dyn(&w1, FX_LOG_MAX);
	wbuf_init_dyn(&w2, FX_LOG_MAX);
	FUZZ_CHECK(xmpp_item_print(&it, &w1) == 0, "an item does not print");
	FUZZ_CHECK(w1.len <= XMPP_STANZA_MAX, "printed %zu bytes", w1.len);
	arena_init(&a, 0);
	doc = xmpp_parse_doc(&a, w1.data, w1.len, NULL, err, sizeof(err));
	FUZZ_CHECK(doc != NULL, "printed item does not parse: %s", err);
	FUZZ_CHECK(xmpp_item_parse(doc, fam, &back, err, sizeof(err)) == 0,
	    "printed item refused: %s", err);
	FUZZ_CHECK(xmpp_item_print(&back, &w2) == 0 && w1.len == w2.len &&
		memcmp(w1.data, w2.data, w1.len) == 0,
	    "an item printed twice differs");
	fx_item_normalize(&it);
	FUZZ_CHECK(
	    xmpp_item_equal(&it, &back), "parse(print(item)) is not the item");
	arena_fini(&a);

	FUZZ_CHECK(xmpp_item_id(&it, id, sizeof(id)) != NULL, "no id");
	fx_id(id, fam);
	FUZZ_CHECK(xmpp_item_id_parse(id, fam, &back) == 0, "id %s", id);

	/* In a CN message, and in an agent's publish + collection. */
	wbuf_reset(&w1);
	FUZZ_CHECK(xmpp_msg_begin(
		       &w1, XMPP_CONTROL_JID, "c/bgp-peer", "1/1/vrf") == 0 &&
		xmpp_item_print(&it, &w1) == 0 && xmpp_msg_end(&w1) == 0,
	    "message");
	FUZZ_CHECK(fx_stanzas(&w1) == 1, "a message is not one stanza");
	wbuf_reset(&w1);
	FUZZ_CHECK(
	    xmpp_iq_publish(&w1, "c", XMPP_CONTROL_JID, "vrf", &it, true) == 0,
	    "publish");
	FUZZ_CHECK(fx_stanzas(&w1) == 2, "a publish is not two stanzas");
	doc = xmpp_parse_doc(&a, w1.data,
	    (size_t)((uint8_t *)memmem(w1.data, w1.len, "</iq>", 5) - w1.data) +
		5,
	    NULL, err, sizeof(err));
	FUZZ_CHECK(doc != NULL, "publish: %s", err);
	FUZZ_CHECK(xmpp_publish_node_parse(
		       xmpp_node_attr(xmpp_node_find(doc, "publish"), "node"),
		       &pf, NULL) == 0 &&
		pf == fam,
	    "publish node");
	arena_fini(&a);
	wbuf_fini(&w1);
	wbuf_fini(&w2);
}

void
fuzz_xmpp_items(const uint8_t *data, size_t size)
{
	const struct xmpp_node *root, *n;
	enum xmpp_item_family f;
	const char *v;
	struct arena a;
	char err[128] = "", vrf[XMPP_NAME_MAX];
	uint32_t primary;
	int fam;

	arena_init(&a, 0);
	root = xmpp_parse_doc(&a, data, size, NULL, err, sizeof(err));
	if (root == NULL) {
		FUZZ_CHECK(err[0] != '\0', "a document refused without reason");
		arena_fini(&a);
		return;
	}
	/* Every element, in document order, the root included. */
	for (n = root; n != NULL;) {
		v = xmpp_node_attr(n, "node");
		if (xmpp_node_is(n, "item") ||
		    (n == root && xmpp_node_is(n, "entry")))
			for (fam = 0; fam < 3; fam++)
				fx_item(n, (enum xmpp_item_family)fam);
		if (xmpp_node_is(n, "retract") &&
		    (v = xmpp_node_attr(n, "id")) != NULL)
			for (fam = 0; fam < 3; fam++)
				fx_id(v, (enum xmpp_item_family)fam);
		if (xmpp_node_is(n, "publish") && v != NULL &&
		    xmpp_publish_node_parse(v, &f, &primary) == 0)
			FUZZ_CHECK((unsigned)f < 3, "family %d", (int)f);
		if (xmpp_node_is(n, "items") && v != NULL &&
		    xmpp_items_node_parse(v, &f, vrf, sizeof(vrf)) == 0)
			FUZZ_CHECK(strlen(vrf) < strlen(v) &&
				strcmp(v + strlen(v) - strlen(vrf), vrf) == 0,
			    "vrf %s of %s", vrf, v);
		if (n->child != NULL) {
			n = n->child;
			continue;
		}
		while (n != root && n->next == NULL)
			n = n->parent;
		n = n == root ? NULL : n->next;
	}
	arena_fini(&a);
}
