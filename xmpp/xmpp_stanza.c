/*
 * DOC: xmpp_stanza.c - a stanza as a tree: nodes in an arena, builders,
 * the finders the codec and the FSM use, and the printer.
 *
 * The codec layer's data structure (STYLE.md C6): the parser builds these
 * trees, xmpp_item.c reads them, the connection code builds small ones
 * (stream features, STARTTLS) and prints them.  Every node and string is
 * in the arena given, so a tree is freed with its arena and nothing here
 * frees.  Names keep their prefix; finders compare local names, as
 * Contrail does.  Pure code: no I/O, no logging.
 */
#include "xmpp/xmpp.h"

#include <errno.h>
#include <string.h>

struct xmpp_node *
xmpp_node_new(struct arena *a, const char *name)
{
	struct xmpp_node *n;

	n = arena_zalloc(a, sizeof(*n));
	n->name = arena_strdup(a, name);
	n->text = "";
	return n;
}

struct xmpp_node *
xmpp_node_add(struct arena *a, struct xmpp_node *parent, const char *name)
{
	struct xmpp_node *n;

	n = xmpp_node_new(a, name);
	n->parent = parent;
	if (parent->last != NULL)
		parent->last->next = n;
	else
		parent->child = n;
	parent->last = n;
	return n;
}

struct xmpp_node *
xmpp_node_add_text(struct arena *a, struct xmpp_node *parent, const char *name,
    const char *text)
{
	struct xmpp_node *n;

	n = xmpp_node_add(a, parent, name);
	xmpp_node_set_text(a, n, text);
	return n;
}

void
xmpp_node_set_attr(
    struct arena *a, struct xmpp_node *n, const char *name, const char *value)
{
	struct xmpp_attr *grown;
	size_t i;

	for (i = 0; i < n->nattrs; i++)
		if (strcmp(n->attrs[i].name, name) == 0) {
			n->attrs[i].value = arena_strdup(a, value);
			return;
		}
	/*
	 * A new array each time: nodes have a handful of attributes, and
	 * a parsed node's array is exactly full, so no capacity to track.
	 */
	grown = arena_alloc(a, (n->nattrs + 1) * sizeof(*grown));
	if (n->nattrs > 0)
		memcpy(grown, n->attrs, n->nattrs * sizeof(*grown));
	n->attrs = grown;
	n->attrs[n->nattrs].name = arena_strdup(a, name);
	n->attrs[n->nattrs].value = arena_strdup(a, value);
	n->nattrs++;
}

void
xmpp_node_set_text(struct arena *a, struct xmpp_node *n, const char *text)
{
	n->text_len = strlen(text);
	n->text = arena_memdup(a, text, n->text_len + 1);
}

const char *
xmpp_node_attr(const struct xmpp_node *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->nattrs; i++)
		if (strcmp(n->attrs[i].name, name) == 0)
			return n->attrs[i].value;
	return NULL;
}

const char *
xmpp_node_local(const struct xmpp_node *n)
{
	const char *colon = strrchr(n->name, ':');

	return colon != NULL ? colon + 1 : n->name;
}

bool
xmpp_node_is(const struct xmpp_node *n, const char *local)
{
	return strcmp(xmpp_node_local(n), local) == 0;
}

struct xmpp_node *
xmpp_node_child(const struct xmpp_node *n, const char *local)
{
	struct xmpp_node *c;

	for (c = n->child; c != NULL; c = c->next)
		if (xmpp_node_is(c, local))
			return c;
	return NULL;
}

struct xmpp_node *
xmpp_node_next_same(const struct xmpp_node *c)
{
	const char *local = xmpp_node_local(c);
	struct xmpp_node *s;

	for (s = c->next; s != NULL; s = s->next)
		if (xmpp_node_is(s, local))
			return s;
	return NULL;
}

/*
 * Depth first, in document order, without recursion: down to the first
 * child, else to the next sibling of the nearest ancestor below n that
 * has one.
 */
struct xmpp_node *
xmpp_node_find(const struct xmpp_node *n, const char *local)
{
	const struct xmpp_node *c = n->child;

	while (c != NULL) {
		if (xmpp_node_is(c, local))
			return (struct xmpp_node *)(uintptr_t)c;
		if (c->child != NULL) {
			c = c->child;
			continue;
		}
		while (c != n && c->next == NULL)
			c = c->parent;
		if (c == n)
			break;
		c = c->next;
	}
	return NULL;
}

const char *
xmpp_node_child_text(const struct xmpp_node *n, const char *local)
{
	const struct xmpp_node *c = xmpp_node_child(n, local);

	return c != NULL ? c->text : NULL;
}

/*
 * Escapes len bytes of s.  In an attribute value tab, newline and
 * carriage return become character references, since a parser would
 * turn them into spaces; in text only the carriage return does (a parser
 * turns "\r\n" into "\n").  Other control characters cannot be written
 * in XML 1.0 at all: -EINVAL.
 */
static int
xmpp_escape_n(struct wbuf *out, const char *s, size_t len, bool attr)
{
	const char *run = s, *end = s + len, *rep;
	unsigned char c;

	for (; s < end; s++) {
		c = (unsigned char)*s;
		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\r':
			rep = "&#13;";
			break;
		case '\n':
			rep = attr ? "&#10;" : NULL;
			break;
		case '\t':
			rep = attr ? "&#9;" : NULL;
			break;
		default:
			if (c < 0x20)
				return -EINVAL;
			rep = NULL;
			break;
		}
		if (rep == NULL)
			continue;
		if (wbuf_put_bytes(out, run, (size_t)(s - run)) != 0 ||
		    wbuf_put_str(out, rep) != 0)
			return -ENOSPC;
		run = s + 1;
	}
	if (wbuf_put_bytes(out, run, (size_t)(end - run)) != 0)
		return -ENOSPC;
	return 0;
}

int
xmpp_escape(struct wbuf *out, const char *s)
{
	return xmpp_escape_n(out, s, strlen(s), true);
}

static int
xmpp_node_print_at(
    const struct xmpp_node *n, struct wbuf *out, bool full, unsigned depth)
{
	const struct xmpp_node *c;
	size_t i;
	int rc;

	if (wbuf_put_u8(out, '<') != 0 || wbuf_put_str(out, n->name) != 0)
		return -ENOSPC;
	for (i = 0; i < n->nattrs; i++) {
		if (wbuf_put_u8(out, ' ') != 0 ||
		    wbuf_put_str(out, n->attrs[i].name) != 0 ||
		    wbuf_put_str(out, "=\"") != 0)
			return -ENOSPC;
		if ((rc = xmpp_escape(out, n->attrs[i].value)) != 0)
			return rc;
		if (wbuf_put_u8(out, '"') != 0)
			return -ENOSPC;
	}
	if (n->child == NULL && n->text_len == 0 && !(full && depth == 0))
		return wbuf_put_str(out, "/>") == 0 ? 0 : -ENOSPC;
	if (wbuf_put_u8(out, '>') != 0)
		return -ENOSPC;
	if ((rc = xmpp_escape_n(out, n->text, n->text_len, false)) != 0)
		return rc;
	for (c = n->child; c != NULL; c = c->next)
		if ((rc = xmpp_node_print_at(c, out, full, depth + 1)) != 0)
			return rc;
	if (wbuf_put_str(out, "</") != 0 || wbuf_put_str(out, n->name) != 0 ||
	    wbuf_put_u8(out, '>') != 0)
		return -ENOSPC;
	return 0;
}

/*
 * Recursive: a parsed tree is at most XMPP_DEPTH_MAX deep, and a built
 * one as deep as its builder made it.
 */
int
xmpp_node_print(const struct xmpp_node *n, struct wbuf *out, bool full)
{
	return xmpp_node_print_at(n, out, full, 0);
}
