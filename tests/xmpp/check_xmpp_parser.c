/*
 * DOC: check_xmpp_parser.c - tests of xmpp/xmpp_parser.c.
 *
 * A table of byte streams with the events the framer must give (each
 * tree printed back), or the error it must die with, or the bytes it must
 * hold when the stream stops inside a unit.  Every stream is fed whole,
 * cut in two at every byte, and one byte at a time, each piece an
 * exact-size heap copy; keepalives are compared only when fed whole,
 * since their count follows the feeds.  Contrail's own framing
 * (contrail-protocol.md 1.2-1.6), then every rejection class: DOCTYPE
 * and entities (billion laughs), processing instructions, bad UTF-8,
 * mismatched tags, junk, each limit.  Then what a table cannot show: a
 * 10 MB stanza refused after 256 KiB, callbacks that stop the feed or
 * reset the parser, configured limits, and xmpp_parse_doc.  Everything
 * is run on the fast path and with expat alone, and the two are compared
 * for every byte value in every place of a plain stanza.
 */
#include "xmpp/xmpp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/xmpp/suites.h"

#define E_KA        "ka\n"
#define E_CLOSE     "close\n"
#define E_OPEN(x)   "open " x "\n"
#define E_STANZA(x) "stanza " x "\n"

#define CLIENT_OPEN                                                            \
	"<stream:stream from=\"compute-7\" "                                   \
	"to=\"network-control@contrailsystems.com\" version=\"1.0\" "          \
	"xml:lang=\"en\" xmlns=\"\" "                                          \
	"xmlns:stream=\"http://etherx.jabber.org/streams\""
#define SERVER_OPEN                                                            \
	"<stream:stream from=\"ctl-node-1\" to=\"compute-7\" id=\"++123\" "    \
	"version=\"1.0\" xml:lang=\"en\" xmlns=\"jabber:client\" "             \
	"xmlns:stream=\"http://etherx.jabber.org/streams\""
#define TLS_NS "urn:ietf:params:xml:ns:xmpp-tls"

/* Contrail's publish and collection pair (2.3 and Appendix A.1). */
#define PUBLISH                                                                \
	"<iq type=\"set\" from=\"compute-7\" "                                 \
	"to=\"network-control@contrailsystems.com/bgp-peer\" "                 \
	"id=\"pubsub31\">\n<pubsub "                                           \
	"xmlns=\"http://jabber.org/protocol/pubsub\">\n<publish "              \
	"node=\"1/1/default-domain:demo:red:red/10.1.1.3/32\">\n<item>\n"      \
	"<entry>\n<nlri>\n<af>1</af>\n<safi>1</safi>\n"                        \
	"<address>10.1.1.3/32</address>\n</nlri>\n<next-hops>\n"               \
	"<next-hop>\n<af>1</af>\n<address>192.168.0.11</address>\n"            \
	"<label>27</label>\n<tag-list />\n</next-hop>\n</next-hops>\n"         \
	"<version>1</version>\n<virtual-network />\n"                          \
	"<mobility sticky=\"false\" seqno=\"0\" />\n</entry>\n</item>\n"       \
	"</publish>\n</pubsub>\n</iq>"
#define COLLECTION                                                             \
	"<iq type=\"set\" from=\"compute-7\" "                                 \
	"to=\"network-control@contrailsystems.com/bgp-peer\" "                 \
	"id=\"collection31\">\n<pubsub "                                       \
	"xmlns=\"http://jabber.org/protocol/pubsub\">\n<collection "           \
	"node=\"default-domain:demo:red:red\">\n<associate "                   \
	"node=\"1/1/default-domain:demo:red:red/10.1.1.3/32\" />\n"            \
	"</collection>\n</pubsub>\n</iq>"
/* The CN's End-of-RIB (1.6), with its own whitespace. */
#define CN_EOR                                                                 \
	"\n<message from=\"network-control@contrailsystems.com\" "             \
	"to=\"compute-7/bgp-peer\">\n\t<event "                                \
	"xmlns=\"http://jabber.org/protocol/pubsub\">\n<items "                \
	"node=\"0/0/EndOfRib\"></items>\n\t</event>\n</message>\n"
#define CN_EOR_TREE                                                            \
	"<message from=\"network-control@contrailsystems.com\" "               \
	"to=\"compute-7/bgp-peer\">\\n\\t\\n<event "                           \
	"xmlns=\"http://jabber.org/protocol/pubsub\">\\n\\n\\t<items "         \
	"node=\"0/0/EndOfRib\"/></event></message>"

/* A long run of one string, for the limits. */
static char *
repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
	char *s = malloc(hl + n * ul + tl + 1);

	XT_ASSERT(s != NULL, "out of memory");
	memcpy(s, head, hl);
	for (i = 0; i < n; i++)
		memcpy(s + hl + i * ul, unit, ul);
	memcpy(s + hl + n * ul, tail, tl + 1);
	return s;
}

static const struct pcase {
	const char *name;
	const char *in;
	const char *events; /* what comes out, keepalives included */
	const char *err;    /* NULL, or a part of the error */
	size_t pending;     /* bytes held at the end */
} pcases[] = {
    /* Contrail's framing. */
    {"client_open", CLIENT_OPEN " >", E_OPEN(CLIENT_OPEN "/>"), NULL, 0},
    {"server_open_reply", SERVER_OPEN " >", E_OPEN(SERVER_OPEN "/>"), NULL, 0},
    {"open_after_xml_decl", "<?xml version=\"1.0\"?>" CLIENT_OPEN ">",
	E_OPEN(CLIENT_OPEN "/>"), NULL, 0},
    {"open_and_keepalive", CLIENT_OPEN " >\xc8\x80",
	E_OPEN(CLIENT_OPEN "/>") E_KA, NULL, 0},
    {"session", SERVER_OPEN ">\xc8\x80" PUBLISH COLLECTION CN_EOR,
	E_OPEN(SERVER_OPEN "/>") E_KA E_STANZA("") E_STANZA("")
	    E_STANZA(CN_EOR_TREE),
	NULL, 0},
    {"stanzas_in_one_feed",
	"<iq type=\"set\"><a/></iq><iq type=\"get\"/><message><b>t</b>"
	"</message>",
	E_STANZA("<iq type=\"set\"><a/></iq>") E_STANZA("<iq type=\"get\"/>")
	    E_STANZA("<message><b>t</b></message>"),
	NULL, 0},
    {"xml_decl_before_stanza",
	"<?xml version=\"1.0\"?>\n<iq type=\"set\"><config/></iq>",
	E_STANZA("<iq type=\"set\"><config/></iq>"), NULL, 0},
    {"xml_decl_each_stanza",
	"<?xml version=\"1.0\" encoding=\"utf-8\"?><a/><?xml "
	"version='1.0'?>\r\n<b/>",
	E_STANZA("<a/>") E_STANZA("<b/>"), NULL, 0},
    {"tls_features",
	"<stream:features><starttls xmlns='" TLS_NS
	"'><required/></starttls></stream:features>",
	E_STANZA("<stream:features><starttls xmlns=\"" TLS_NS
		 "\"><required/></starttls></stream:features>"),
	NULL, 0},
    {"tls_starttls_proceed",
	"<?xml version=\"1.0\"?>\n<starttls xmlns=\"" TLS_NS
	"\"/><?xml version=\"1.0\"?>\n<proceed xmlns=\"" TLS_NS "\"/>",
	E_STANZA("<starttls xmlns=\"" TLS_NS "\"/>")
	    E_STANZA("<proceed xmlns=\"" TLS_NS "\"/>"),
	NULL, 0},
    {"keepalive_c880", "\xc8\x80", E_KA, NULL, 0},
    {"keepalive_spaces", " \t\r\n", E_KA, NULL, 0},
    {"keepalive_mixed", "\xc8\x80 \xc8\x80\n\xc8\x80", E_KA, NULL, 0},
    {"keepalive_once_per_feed", " <a/> <b/> ",
	E_KA E_STANZA("<a/>") E_STANZA("<b/>"), NULL, 0},
    {"close", "</stream:stream>", E_CLOSE, NULL, 0},
    {"close_spaced", "\n</stream:stream \n>\n ", E_KA E_CLOSE, NULL, 0},
    {"open_stanza_close", CLIENT_OPEN ">" PUBLISH "\xc8\x80</stream:stream>",
	E_OPEN(CLIENT_OPEN "/>") E_STANZA("") E_KA E_CLOSE, NULL, 0},
    {"text_entities",
	"<message><body>a &amp; b &lt;c&gt; &#x41;&#66; &quot;&apos;"
	"</body></message>",
	E_STANZA("<message><body>a &amp; b &lt;c&gt; AB &quot;'</body>"
		 "</message>"),
	NULL, 0},
    {"text_cdata_comment",
	"<m><!-- a comment --><t><![CDATA[<x>&]]></t><!--x--></m>",
	E_STANZA("<m><t>&lt;x&gt;&amp;</t></m>"), NULL, 0},
    {"text_mixed", "<m>a<b>c</b>d<e/>f</m>", E_STANZA("<m>adf<b>c</b><e/></m>"),
	NULL, 0},
    {"attr_quotes_whitespace", "<iq a='x\"y' b=\"&#9;t&#10;\" c=\"l\nm\"/>",
	E_STANZA("<iq a=\"x&quot;y\" b=\"&#9;t&#10;\" c=\"l m\"/>"), NULL, 0},
    {"utf8_text", "<m>caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80</m>",
	E_STANZA("<m>caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80</m>"), NULL, 0},
    {"utf8_text_c880", "<m>\xc8\x80</m>", E_STANZA("<m>\xc8\x80</m>"), NULL, 0},

    /* Not whole yet: held, no event, no error. */
    {"truncated_stanza", "<iq type=\"set\"><pubsub>", "", NULL, 23},
    {"truncated_after_stanza", "<a/><iq type=\"set\"><pubsub>",
	E_STANZA("<a/>"), NULL, 23},
    {"truncated_open", CLIENT_OPEN, "", NULL, sizeof(CLIENT_OPEN) - 1},
    {"truncated_lt", " <", E_KA, NULL, 1},
    {"truncated_close", "</stream:str", "", NULL, 12},
    {"truncated_close_end", "</stream:stream  ", "", NULL, 15},
    {"truncated_c8", "\xc8", "", NULL, 1},
    {"truncated_decl", "<?xml version=\"1.0\"?>", "", NULL, 21},

    /* DOCTYPE and entities: refused, billion laughs included. */
    {"doctype", "<!DOCTYPE iq><iq/>", "", "DOCTYPE iq refused", 0},
    {"doctype_after_decl", "<?xml version=\"1.0\"?><!DOCTYPE iq [ ]><iq/>", "",
	"DOCTYPE", 0},
    {"billion_laughs",
	"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	"<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
	"<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
	"<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
	"<lolz>&lol3;</lolz>",
	"", "DOCTYPE lolz refused", 0},
    {"external_entity",
	"<!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><m>&x;</m>",
	"", "DOCTYPE", 0},
    {"undefined_entity", "<m>&lol;</m>", "", "undefined entity", 0},
    {"doctype_between_stanzas", "<a/><!DOCTYPE b><b/>", E_STANZA("<a/>"),
	"DOCTYPE", 0},

    /* Processing instructions other than the XML declaration. */
    {"pi_before_stanza", "<?php echo 1; ?><iq/>", "",
	"processing instruction <?php?> refused", 0},
    {"pi_inside_stanza", "<iq><?x y?></iq>", "", "processing instruction", 0},
    {"pi_after_decl", "<?xml version=\"1.0\"?><?x?><iq/>", "",
	"processing instruction", 0},
    {"xml_decl_inside", "<iq><?xml version=\"1.0\"?></iq>", "",
	"XML or text declaration not at start of entity", 0},
    {"decl_utf16", "<?xml version=\"1.0\" encoding=\"UTF-16\"?><iq/>", "",
	"only UTF-8", 0},
    {"decl_latin1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><iq/>", "",
	"only UTF-8", 0},
    {"utf16_bytes", "<\0i\0q\0/\0>\0", "", "bytes 0x3c 0x00: UTF-16", 0},

    /* Bad UTF-8. */
    {"utf8_invalid_byte", "<iq>\xff</iq>", "", "not well-formed", 0},
    {"utf8_overlong", "<iq>\xc0\xaf</iq>", "", "not well-formed", 0},
    {"utf8_surrogate", "<iq a=\"\xed\xa0\x80\"/>", "", "not well-formed", 0},
    {"utf8_truncated_seq", "<iq>\xe2\x82</iq>", "", "not well-formed", 0},
    {"utf8_in_name", "<i\xff/>", "", "not well-formed", 0},
    {"char_ref_nul", "<iq>&#0;</iq>", "", "reference to invalid character", 0},
    {"control_char", "<iq>\x01</iq>", "", "not well-formed", 0},

    /* Mismatched tags and junk. */
    {"mismatched", "<iq></message>", "", "mismatched tag", 0},
    {"mismatched_deep", "<iq><a><b></a></b></iq>", "", "mismatched tag", 0},
    {"junk_text", "hello", "", "byte 0x68 between stanzas", 0},
    {"junk_after_stanza", "<a/>x", E_STANZA("<a/>"), "byte 0x78 between", 0},
    {"junk_nul", " \0", "", "byte 0x00 between", 0},
    {"junk_c8", "\xc8\x81", "", "byte 0xc8 0x81", 0},
    {"junk_bom", "\xef\xbb\xbf<iq/>", "", "byte 0xef", 0},
    {"end_tag_between", "<a/></a>", E_STANZA("<a/>"), "end tag between stanzas",
	0},
    {"close_misspelt", "</stream:streams>", "", "end tag between", 0},
    {"close_then_data", "</stream:stream><iq/>", E_CLOSE,
	"byte 0x3c after the stream close", 0},
    {"bad_start", "<1a/>", "", "not well-formed", 0},
    {"attr_duplicate", "<iq a=\"1\" a=\"2\"/>", "", "duplicate attribute", 0},
    {"attr_unquoted", "<iq a=1/>", "", "not well-formed", 0},
    {"amp_alone", "<m>a & b</m>", "", "not well-formed", 0},
    {"lt_in_attr", "<m a=\"<\"/>", "", "not well-formed", 0},
    {"cdata_outside", "<![CDATA[x]]>", "", "syntax error", 0},
    {"namespaced_garbage", "<a:b:c/>", "", "bad element name <a:b:c>", 0},
    {"empty_prefix", "<:iq/>", "", "bad element name", 0},
    {"empty_local", "<iq: x=\"1\"/>", "", "bad element name", 0},
    {"attr_name_colons", "<iq x:y:z=\"1\"/>", "", "bad attribute name x:y:z",
	0},
};

/* The events of one run, as lines; keepalives kept apart. */
struct plog {
	char all[1 << 14];
	char nka[1 << 14]; /* without the keepalives */
	size_t nall, nnka;
	int stop_after; /* return 1 after this many events (0: never) */
	int count;
	struct xmpp_parser *reset; /* reset it in the callback for OPEN */
};

static void
plog_add(struct plog *l, const char *line, bool ka)
{
	size_t n = strlen(line);

	XT_ASSERT(l->nall + n < sizeof(l->all), "event log full");
	memcpy(l->all + l->nall, line, n + 1);
	l->nall += n;
	if (ka)
		return;
	memcpy(l->nka + l->nnka, line, n + 1);
	l->nnka += n;
}

/* "what <tree>\n", with newlines and tabs in the tree as \n and \t. */
static void
plog_tree(char *line, size_t len, const char *what, const struct xmpp_node *n)
{
	const char *t = xt_print(n);
	size_t o;

	o = (size_t)snprintf(line, len, "%s ", what);
	for (; *t != '\0'; t++) {
		XT_ASSERT(o + 4 < len, "tree too long for the log");
		if (*t == '\n' || *t == '\t') {
			line[o++] = '\\';
			line[o++] = *t == '\n' ? 'n' : 't';
		} else
			line[o++] = *t;
	}
	line[o++] = '\n';
	line[o] = '\0';
}

static int
plog_cb(void *arg, enum xmpp_event ev, const struct xmpp_node *node)
{
	struct plog *l = arg;
	char line[1 << 13];

	switch (ev) {
	case XMPP_EV_OPEN:
		XT_ASSERT(node != NULL && node->child == NULL, "OPEN tree");
		plog_tree(line, sizeof(line), "open", node);
		break;
	case XMPP_EV_STANZA:
		XT_ASSERT(node != NULL && node->parent == NULL, "STANZA tree");
		plog_tree(line, sizeof(line), "stanza", node);
		break;
	case XMPP_EV_KEEPALIVE:
		XT_ASSERT(node == NULL, "a KEEPALIVE with a tree");
		snprintf(line, sizeof(line), "ka\n");
		break;
	case XMPP_EV_CLOSE:
		XT_ASSERT(node == NULL, "a CLOSE with a tree");
		snprintf(line, sizeof(line), "close\n");
		break;
	default:
		ck_abort_msg("event %d", (int)ev);
	}
	plog_add(l, line, ev == XMPP_EV_KEEPALIVE);
	l->count++;
	if (ev == XMPP_EV_OPEN && l->reset != NULL)
		xmpp_parser_reset(l->reset);
	return l->stop_after != 0 && l->count >= l->stop_after;
}

/* The events expected, without keepalives. */
static void
strip_ka(const char *in, char *out, size_t len)
{
	const char *ka = E_KA;
	size_t n = 0;

	while (*in != '\0') {
		const char *nl = strchr(in, '\n');
		size_t ll = (size_t)(nl - in) + 1;

		if (strncmp(in, ka, ll) != 0) {
			XT_ASSERT(n + ll < len, "expected events too long");
			memcpy(out + n, in, ll);
			n += ll;
		}
		in += ll;
	}
	out[n] = '\0';
}

/*
 * Stanzas named "" in the table are compared by their shape only: the
 * long ones come back with their own whitespace, which the table does
 * not spell out.  Replaces each "stanza <...>" line's tree by "".
 */
static void
blank_long(const struct pcase *c, char *log)
{
	char out[sizeof(((struct plog *)0)->all)];
	const char *want = c->events, *in = log;
	size_t n = 0, ll, wl;

	while (*in != '\0' && *want != '\0') {
		ll = (size_t)(strchr(in, '\n') - in) + 1;
		wl = (size_t)(strchr(want, '\n') - want) + 1;
		if (strncmp(want, "stanza \n", wl) == 0 &&
		    strncmp(in, "stanza <", 8) == 0) {
			memcpy(out + n, "stanza \n", 8);
			n += 8;
		} else {
			memcpy(out + n, in, ll);
			n += ll;
		}
		in += ll;
		want += wl;
	}
	strcpy(out + n, in);
	strcpy(log, out);
}

/*
 * Feeds c cut at the offsets in cuts (ascending, inside the input), each
 * piece an exact-size copy; stops at the first error.  Returns the rc of
 * the last feed.
 */
static ssize_t
run_pieces(const struct pcase *c, size_t len, const size_t *cuts, size_t ncuts,
    struct plog *l, struct xmpp_parser *p)
{
	size_t i, from = 0, to;
	ssize_t rc = 0;
	char *piece;

	for (i = 0; i <= ncuts; i++) {
		to = i < ncuts ? cuts[i] : len;
		piece = xt_copy(c->in + from, to - from);
		rc = xmpp_parser_feed(p, piece, to - from);
		free(piece);
		if (rc < 0) {
			XT_ASSERT(rc == -EPROTO, "%s: rc %zd", c->name, rc);
			/* Dead until reset. */
			XT_ASSERT(xmpp_parser_feed(p, "<a/>", 4) == -EPROTO,
			    "%s: alive after an error", c->name);
			break;
		}
		XT_ASSERT((size_t)rc == to - from, "%s: %zd of %zu taken",
		    c->name, rc, to - from);
		from = to;
	}
	(void)l;
	return rc;
}

/* One run of c, on the fast path or expat alone; what mode says it
 * was, for the messages. */
static void
check_run1(const struct pcase *c, size_t len, const size_t *cuts, size_t ncuts,
    const char *mode, bool fast)
{
	struct plog *l = calloc(1, sizeof(*l));
	char want[sizeof(l->all)];
	struct xmpp_parser *p;
	ssize_t rc;

	XT_ASSERT(l != NULL, "out of memory");
	p = xmpp_parser_new(NULL, plog_cb, l);
	xmpp_parser_set_fast(p, fast);
	rc = run_pieces(c, len, cuts, ncuts, l, p);
	if (c->err != NULL) {
		XT_ASSERT(rc == -EPROTO, "%s (%s): no error", c->name, mode);
		XT_ASSERT(strstr(xmpp_parser_error(p), c->err) != NULL,
		    "%s (%s): error \"%s\", not \"%s\"", c->name, mode,
		    xmpp_parser_error(p), c->err);
	} else {
		XT_ASSERT(rc >= 0, "%s (%s): %s", c->name, mode,
		    xmpp_parser_error(p));
		XT_ASSERT(xmpp_parser_error(p)[0] == '\0',
		    "%s (%s): an error without a failure", c->name, mode);
		XT_ASSERT(xmpp_parser_pending(p) == c->pending,
		    "%s (%s): %zu bytes pending, not %zu", c->name, mode,
		    xmpp_parser_pending(p), c->pending);
	}
	if (ncuts == 0) {
		blank_long(c, l->all);
		XT_ASSERT(strcmp(l->all, c->events) == 0,
		    "%s: events\n%s\nnot\n%s", c->name, l->all, c->events);
	} else {
		strip_ka(c->events, want, sizeof(want));
		/* blank_long reads c->events: compare without keepalives. */
		{
			struct pcase nk = *c;

			nk.events = want;
			blank_long(&nk, l->nka);
		}
		XT_ASSERT(strcmp(l->nka, want) == 0,
		    "%s (%s): events\n%s\nnot\n%s", c->name, mode, l->nka,
		    want);
	}
	xmpp_parser_free(p);
	free(l);
}

/* Both paths must give what the table says. */
static void
check_run(const struct pcase *c, size_t len, const size_t *cuts, size_t ncuts,
    const char *mode)
{
	char m[48];

	snprintf(m, sizeof(m), "%s, fast path", mode);
	check_run1(c, len, cuts, ncuts, m, true);
	snprintf(m, sizeof(m), "%s, expat alone", mode);
	check_run1(c, len, cuts, ncuts, m, false);
}

static size_t
pcase_len(const struct pcase *c)
{
	/* Two cases hold NUL bytes: their length is spelt here. */
	if (strcmp(c->name, "utf16_bytes") == 0)
		return 10;
	if (strcmp(c->name, "junk_nul") == 0)
		return 2;
	return strlen(c->in);
}

START_TEST(test_table_whole)
{
	const struct pcase *c = &pcases[_i];

	check_run(c, pcase_len(c), NULL, 0, "whole");
}
END_TEST

START_TEST(test_table_split)
{
	const struct pcase *c = &pcases[_i];
	size_t len = pcase_len(c), k;
	char mode[32];

	for (k = 1; k < len; k++) {
		snprintf(mode, sizeof(mode), "cut at %zu", k);
		check_run(c, len, &k, 1, mode);
	}
}
END_TEST

START_TEST(test_table_bytes)
{
	const struct pcase *c = &pcases[_i];
	size_t len = pcase_len(c), k, *cuts;

	if (len < 2)
		return;
	cuts = calloc(len, sizeof(*cuts));
	XT_ASSERT(cuts != NULL, "out of memory");
	for (k = 1; k < len; k++)
		cuts[k - 1] = k;
	check_run(c, len, cuts, len - 1, "byte by byte");
	free(cuts);
}
END_TEST

/* A 10 MB stanza is refused once 256 KiB of it came, never buffered. */
/*
 * The fast path against expat alone, for every byte value in every
 * place a plain stanza has bytes: element and attribute names, values
 * in either quote, text, entity names, end tags, the white space in
 * tags.  The byte goes at each offset of a run longer than the scanner's
 * 16-byte steps, and the stanza is fed whole and cut before and after
 * it.  Same events, same error, same bytes held.
 */
static const char *const fast_tpl[] = {
    "<iqABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh a='1'>t</iqABCDEFGHIJKLMNOPQRSTUVW"
    "XYZabcdefgh>",
    "<iq to=\"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh\"/>",
    "<iq to='ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh'/>",
    "<iq ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh=\"v\"/>",
    "<iq><a>ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh</a></iq>",
    "<iq>x&amp;&lt;&gt;&quot;&apos;ABCDEFGHIJKLMNOPQRSTUVWXYZ</iq>",
    "<iq a=\"&amp;&lt;&gt;&quot;&apos;ABCDEFGHIJKLMNOPQRSTUVWXYZ\"/>",
    "<iq><a></aABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh></iq>",
    "<iq ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh a=\"1\"></iq>",
    "<iq>ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh<b/>ABCDEFGH</iq>",
};

static void
fast_run(const char *in, size_t len, size_t cut, bool fast, struct plog *l,
    char *err, size_t errlen, size_t *held)
{
	struct xmpp_parser *p = xmpp_parser_new(NULL, plog_cb, l);
	ssize_t rc = 0;

	xmpp_parser_set_fast(p, fast);
	if (cut > 0)
		rc = xmpp_parser_feed(p, in, cut);
	if (rc >= 0)
		rc = xmpp_parser_feed(p, in + cut, len - cut);
	snprintf(err, errlen, "%s", rc < 0 ? xmpp_parser_error(p) : "");
	*held = rc < 0 ? 0 : xmpp_parser_pending(p);
	xmpp_parser_free(p);
}

START_TEST(test_fast_every_byte)
{
	const char *tpl = fast_tpl[_i];
	size_t len = strlen(tpl), at, k, cuts[3], held[2], n = 0;
	char *in = malloc(len + 1), err[2][160];
	struct plog *l[2];
	/* The run: from the entities, or the letters. */
	const char *run = strstr(tpl, "&amp;") != NULL
	    ? strstr(tpl, "&amp;")
	    : strstr(tpl, "ABCDEFGH");
	unsigned b, f;

	XT_ASSERT(in != NULL && run != NULL, "setup");
	for (f = 0; f < 2; f++)
		XT_ASSERT((l[f] = calloc(1, sizeof(*l[f]))) != NULL, "memory");
	for (at = (size_t)(run - tpl); at < (size_t)(run - tpl) + 34; at++) {
		for (b = 0; b < 256; b++) {
			memcpy(in, tpl, len + 1);
			in[at] = (char)b;
			cuts[0] = 0;
			cuts[1] = at;
			cuts[2] = at + 1;
			for (k = 0; k < 3; k++) {
				for (f = 0; f < 2; f++) {
					memset(l[f], 0, sizeof(*l[f]));
					fast_run(in, len, cuts[k], f == 0, l[f],
					    err[f], sizeof(err[f]), &held[f]);
				}
				XT_ASSERT(strcmp(l[0]->nka, l[1]->nka) == 0 &&
					strcmp(err[0], err[1]) == 0 &&
					held[0] == held[1],
				    "byte 0x%02x at %zu, cut at %zu: fast "
				    "\"%s\" %s (%zu held), expat \"%s\" %s "
				    "(%zu held)",
				    b, at, cuts[k], l[0]->nka, err[0], held[0],
				    l[1]->nka, err[1], held[1]);
				n += l[0]->count > 0;
			}
		}
	}
	/* Most bytes keep the stanza whole somewhere: not all refused. */
	XT_ASSERT(n > 0, "%s: no byte gave a stanza", tpl);
	for (f = 0; f < 2; f++)
		free(l[f]);
	free(in);
}
END_TEST

START_TEST(test_stanza_10mb)
{
	struct plog *l = calloc(1, sizeof(*l));
	struct xmpp_parser *p = xmpp_parser_new(NULL, plog_cb, l);
	static char chunk[64 << 10];
	size_t fed = 0;
	ssize_t rc = 0;

	memset(chunk, 'a', sizeof(chunk));
	memcpy(chunk, "<message><body>", 15);
	while (fed < (10u << 20)) {
		rc = xmpp_parser_feed(p, chunk, sizeof(chunk));
		if (rc < 0)
			break;
		ck_assert_uint_le(xmpp_parser_pending(p), XMPP_STANZA_MAX);
		fed += sizeof(chunk);
		memset(chunk, 'a', 15);
	}
	ck_assert_int_eq(rc, -EPROTO);
	ck_assert_uint_lt(fed, XMPP_STANZA_MAX);
	ck_assert_str_eq(xmpp_parser_error(p), "stanza over 262144 bytes");
	ck_assert_uint_eq(l->count, 0);
	xmpp_parser_free(p);
	free(l);
}
END_TEST

/* Exactly the limit passes, one byte more does not; also the header. */
START_TEST(test_stanza_limit_exact)
{
	struct xmpp_limits lim = {.stanza_max = 100};
	struct plog *l = calloc(1, sizeof(*l));
	struct xmpp_parser *p = xmpp_parser_new(&lim, plog_cb, l);
	char *s;

	/* "<m>", 93 x, "</m>": 100 bytes; then 101. */
	s = repeat("<m>", "x", 93, "</m>");
	ck_assert_uint_eq(strlen(s), 100);
	ck_assert_int_eq(xmpp_parser_feed(p, s, 100), 100);
	ck_assert_int_eq(l->count, 1);
	free(s);
	s = repeat("<m>", "x", 94, "</m>");
	ck_assert_int_eq(xmpp_parser_feed(p, s, 101), -EPROTO);
	ck_assert_str_eq(xmpp_parser_error(p), "stanza over 100 bytes");
	free(s);
	/* Above the header's maximum: clamped to it. */
	xmpp_parser_free(p);
	lim.stanza_max = 1u << 30;
	p = xmpp_parser_new(&lim, plog_cb, l);
	s = repeat("<m>", "x", XMPP_STANZA_MAX, "</m>");
	ck_assert_int_eq(xmpp_parser_feed(p, s, strlen(s)), -EPROTO);
	ck_assert_str_eq(xmpp_parser_error(p), "stanza over 262144 bytes");
	free(s);
	xmpp_parser_free(p);
	free(l);
}
END_TEST

START_TEST(test_depth_limit)
{
	struct plog *l = calloc(1, sizeof(*l));
	struct xmpp_parser *p = xmpp_parser_new(NULL, plog_cb, l);
	struct xmpp_limits lim = {.depth_max = 3};
	char *open, *s;

	open = repeat("", "<a>", XMPP_DEPTH_MAX, "");
	s = repeat(open, "</a>", XMPP_DEPTH_MAX, "");
	free(open);
	ck_assert_int_eq(xmpp_parser_feed(p, s, strlen(s)), (ssize_t)strlen(s));
	ck_assert_int_eq(l->count, 1);
	free(s);
	s = repeat("", "<a>", XMPP_DEPTH_MAX + 1, "");
	ck_assert_int_eq(xmpp_parser_feed(p, s, strlen(s)), -EPROTO);
	ck_assert_str_eq(
	    xmpp_parser_error(p), "elements nested deeper than 32");
	free(s);
	xmpp_parser_free(p);

	p = xmpp_parser_new(&lim, plog_cb, l);
	ck_assert_int_eq(xmpp_parser_feed(p, "<a><b><c/></b></a>", 18), 18);
	ck_assert_int_eq(xmpp_parser_feed(p, "<a><b><c><d/>", 13), -EPROTO);
	ck_assert_str_eq(xmpp_parser_error(p), "elements nested deeper than 3");
	xmpp_parser_free(p);
	free(l);
}
END_TEST

START_TEST(test_attrs_limit)
{
	struct plog *l = calloc(1, sizeof(*l));
	struct xmpp_parser *p = xmpp_parser_new(NULL, plog_cb, l);
	char s[512];
	size_t n;
	int i;

	n = (size_t)snprintf(s, sizeof(s), "<iq");
	for (i = 0; i < XMPP_ATTRS_MAX; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n, " a%d='%d'", i, i);
	n += (size_t)snprintf(s + n, sizeof(s) - n, "/>");
	ck_assert_int_eq(xmpp_parser_feed(p, s, n), (ssize_t)n);
	ck_assert_int_eq(l->count, 1);
	snprintf(s + n - 2, sizeof(s) - n + 2, " b='x'/>");
	ck_assert_int_eq(xmpp_parser_feed(p, s, n + 6), -EPROTO);
	ck_assert_str_eq(
	    xmpp_parser_error(p), "<iq> has 17 attributes, over 16");
	xmpp_parser_free(p);
	free(l);
}
END_TEST

START_TEST(test_name_limit)
{
	struct plog *l = calloc(1, sizeof(*l));
	struct xmpp_parser *p = xmpp_parser_new(NULL, plog_cb, l);
	char *name, s[1024];
	int n;

	name = repeat("", "n", XMPP_NAME_MAX, "");
	n = snprintf(s, sizeof(s), "<%s %s='1'/>", name, name);
	ck_assert_int_eq(xmpp_parser_feed(p, s, (size_t)n), n);
	ck_assert_int_eq(l->count, 1);
	n = snprintf(s, sizeof(s), "<a %sn='1'/>", name);
	ck_assert_int_eq(xmpp_parser_feed(p, s, (size_t)n), -EPROTO);
	ck_assert_ptr_nonnull(strstr(xmpp_parser_error(p), "bad attribute"));
	xmpp_parser_reset(p);
	n = snprintf(s, sizeof(s), "<%sn/>", name);
	ck_assert_int_eq(xmpp_parser_feed(p, s, (size_t)n), -EPROTO);
	ck_assert_ptr_nonnull(strstr(xmpp_parser_error(p), "bad element"));
	free(name);
	xmpp_parser_free(p);
	free(l);
}
END_TEST

/*
 * Keepalives are reported once a feed, when the whitespace is whole: a
 * C8 that ends a feed waits for its 80.
 */
START_TEST(test_keepalive_feeds)
{
	struct plog *l = calloc(1, sizeof(*l));
	struct xmpp_parser *p = xmpp_parser_new(NULL, plog_cb, l);

	ck_assert_int_eq(xmpp_parser_feed(p, "\xc8", 1), 1);
	ck_assert_int_eq(l->count, 0);
	ck_assert_uint_eq(xmpp_parser_pending(p), 1);
	ck_assert_int_eq(xmpp_parser_feed(p, "\x80", 1), 1);
	ck_assert_str_eq(l->all, "ka\n");
	ck_assert_uint_eq(xmpp_parser_pending(p), 0);
	ck_assert_int_eq(xmpp_parser_feed(p, " \xc8\x80\xc8", 4), 4);
	ck_assert_str_eq(l->all, "ka\nka\n");
	ck_assert_int_eq(xmpp_parser_feed(p, "\x80\n", 2), 2);
	ck_assert_str_eq(l->all, "ka\nka\nka\n");
	ck_assert_int_eq(xmpp_parser_feed(p, "", 0), 0);
	ck_assert_int_eq(xmpp_parser_feed(p, "<a/>", 4), 4);
	ck_assert_str_eq(l->all, "ka\nka\nka\nstanza <a/>\n");
	ck_assert_int_eq(xmpp_parser_feed(p, "\xc8", 1), 1);
	ck_assert_int_eq(xmpp_parser_feed(p, "<", 1), -EPROTO);
	ck_assert_str_eq(
	    xmpp_parser_error(p), "byte 0xc8 0x3c between stanzas");
	xmpp_parser_free(p);
	free(l);
}
END_TEST

/* A callback that returns 1 stops the feed after its event. */
START_TEST(test_cb_stop)
{
	static const char in[] = " <a/><b/>\xc8\x80<c/>";
	struct plog *l = calloc(1, sizeof(*l));
	struct xmpp_parser *p = xmpp_parser_new(NULL, plog_cb, l);
	size_t off = 0, len = sizeof(in) - 1;
	ssize_t rc;
	int feeds = 0;

	l->stop_after = 1;
	while (off < len) {
		l->count = 0;
		rc = xmpp_parser_feed(p, in + off, len - off);
		ck_assert_int_gt(rc, 0);
		off += (size_t)rc;
		feeds++;
	}
	ck_assert_str_eq(
	    l->all, "ka\nstanza <a/>\nstanza <b/>\nka\nstanza <c/>\n");
	ck_assert_int_eq(feeds, 5);
	xmpp_parser_free(p);
	free(l);
}
END_TEST

/*
 * STARTTLS: the parser is reset in a callback (here on the open); the
 * feed stops there, and what follows is a new stream.
 */
START_TEST(test_cb_reset)
{
	static const char in[] = CLIENT_OPEN ">" CLIENT_OPEN ">";
	struct plog *l = calloc(1, sizeof(*l));
	struct xmpp_parser *p = xmpp_parser_new(NULL, plog_cb, l);
	size_t len = sizeof(in) - 1;
	ssize_t rc;

	l->reset = p;
	rc = xmpp_parser_feed(p, in, len);
	ck_assert_int_eq(rc, (ssize_t)len / 2);
	ck_assert_uint_eq(xmpp_parser_pending(p), 0);
	rc = xmpp_parser_feed(p, in + len / 2, len / 2);
	ck_assert_int_eq(rc, (ssize_t)len / 2);
	ck_assert_int_eq(l->count, 2);
	/* After an error and a close, reset gives a working parser. */
	ck_assert_int_eq(xmpp_parser_feed(p, "</a>", 4), -EPROTO);
	xmpp_parser_reset(p);
	ck_assert_str_eq(xmpp_parser_error(p), "");
	l->reset = NULL;
	ck_assert_int_eq(xmpp_parser_feed(p, "</stream:stream>", 16), 16);
	ck_assert_int_eq(xmpp_parser_feed(p, "<a/>", 4), -EPROTO);
	xmpp_parser_reset(p);
	ck_assert_int_eq(xmpp_parser_feed(p, "<a/>", 4), 4);
	ck_assert_int_eq(l->count, 4);
	xmpp_parser_free(p);
	free(l);
}
END_TEST

/* The tree of a received stanza: names, attributes, text, links. */
START_TEST(test_tree)
{
	static const char in[] =
	    "<?xml version='1.0'?><iq type='set' id='x'>\n <pubsub xmlns='p'>"
	    "<publish node='n'><item><entry><label> 27 </label></entry>"
	    "</item></publish></pubsub></iq>";
	struct plog *l = calloc(1, sizeof(*l));
	struct xmpp_parser *p;
	struct arena a;
	struct xmpp_node *n, *e;
	char err[128];

	arena_init(&a, 0);
	n = xmpp_parse_doc(&a, in, sizeof(in) - 1, NULL, err, sizeof(err));
	ck_assert_msg(n != NULL, "%s", err);
	ck_assert_str_eq(n->name, "iq");
	ck_assert_uint_eq(n->nattrs, 2);
	ck_assert_str_eq(n->attrs[1].name, "id");
	ck_assert_str_eq(n->attrs[1].value, "x");
	ck_assert_str_eq(n->text, "\n ");
	ck_assert_uint_eq(n->text_len, 2);
	ck_assert_ptr_eq(n->child, n->last);
	e = xmpp_node_find(n, "entry");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(xmpp_node_child_text(e, "label"), " 27 ");
	ck_assert_ptr_eq(e->parent->parent->parent->parent, n);
	ck_assert_str_eq(
	    xmpp_node_attr(xmpp_node_find(n, "publish"), "node"), "n");
	arena_fini(&a);

	/* The same through the framer. */
	p = xmpp_parser_new(NULL, plog_cb, l);
	ck_assert_int_eq(
	    xmpp_parser_feed(p, in, sizeof(in) - 1), (ssize_t)sizeof(in) - 1);
	ck_assert_str_eq(l->all,
	    "stanza <iq type=\"set\" id=\"x\">\\n <pubsub xmlns=\"p\"><publish "
	    "node=\"n\"><item><entry><label> 27 </label></entry></item>"
	    "</publish></pubsub></iq>\n");
	xmpp_parser_free(p);
	free(l);
}
END_TEST

static const struct {
	const char *name;
	const char *in;
	const char *out; /* printed tree, or NULL */
	const char *err; /* a part of the error */
} docs[] = {
    {"plain", "<a b='1'><c/></a>", "<a b=\"1\"><c/></a>", NULL},
    {"decl_and_space", "<?xml version=\"1.0\"?>\n<a/>\n", "<a/>", NULL},
    {"leading_space", " \n<a/>", "<a/>", NULL},
    {"comments", "<!-- x --><a><!-- y --></a><!-- z -->", "<a/>", NULL},
    {"stream_root", "<stream:stream a='1'><x/></stream:stream>",
	"<stream:stream a=\"1\"><x/></stream:stream>", NULL},
    {"empty", "", NULL, "no element found"},
    {"spaces", "  ", NULL, "no element found"},
    {"two_roots", "<a/><b/>", NULL, "junk after document element"},
    {"trailing_text", "<a/>x", NULL, "junk after document element"},
    {"truncated", "<a><b>", NULL, "no element found"},
    {"unclosed_stream", "<stream:stream>", NULL, "no element found"},
    {"doctype", "<!DOCTYPE a><a/>", NULL, "DOCTYPE a refused"},
    {"billion_laughs",
	"<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
	"\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c "
	"\"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><l>&c;&c;&c;&c;</l>",
	NULL, "DOCTYPE l refused"},
    {"pi_after_root", "<a/><?x?>", NULL, "processing instruction"},
    {"decl_late", " <?xml version=\"1.0\"?><a/>", NULL,
	"XML or text declaration not at start"},
    {"too_deep",
	"<a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a>"
	"<a><a><a><a><a><a><a><a><a><a><a>",
	NULL, "elements nested deeper than 32"},
};

START_TEST(test_doc)
{
	struct arena a;
	struct xmpp_node *n;
	char err[128] = "unchanged", *in;
	size_t len = strlen(docs[_i].in);

	arena_init(&a, 0);
	in = xt_copy(docs[_i].in, len);
	n = xmpp_parse_doc(&a, in, len, NULL, err, sizeof(err));
	if (docs[_i].out != NULL) {
		ck_assert_msg(n != NULL, "%s: %s", docs[_i].name, err);
		ck_assert_str_eq(xt_print(n), docs[_i].out);
		ck_assert_str_eq(err, "unchanged");
	} else {
		ck_assert_msg(n == NULL, "%s: parsed", docs[_i].name);
		ck_assert_msg(strstr(err, docs[_i].err) != NULL,
		    "%s: error \"%s\", not \"%s\"", docs[_i].name, err,
		    docs[_i].err);
	}
	free(in);
	arena_fini(&a);
}
END_TEST

START_TEST(test_doc_limit)
{
	struct xmpp_limits lim = {.stanza_max = 10};
	struct arena a;
	char err[128];

	arena_init(&a, 0);
	/* Refused before parsing: more bytes than a stanza may have. */
	ck_assert_ptr_null(
	    xmpp_parse_doc(&a, "<a>1234</a>", 11, &lim, err, sizeof(err)));
	ck_assert_str_eq(err, "document of 11 bytes, over 10");
	ck_assert_ptr_nonnull(
	    xmpp_parse_doc(&a, "<a>123</a>", 10, &lim, err, sizeof(err)));
	arena_fini(&a);
}
END_TEST

Suite *
xmpp_parser_suite(void)
{
	Suite *s = suite_create("xmpp_parser");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_loop_test(tc, test_table_whole, 0, (int)nitems(pcases));
	tcase_add_loop_test(tc, test_table_split, 0, (int)nitems(pcases));
	tcase_add_loop_test(tc, test_table_bytes, 0, (int)nitems(pcases));
	tcase_add_test(tc, test_keepalive_feeds);
	tcase_add_test(tc, test_cb_stop);
	tcase_add_test(tc, test_cb_reset);
	tcase_add_test(tc, test_tree);
	tcase_add_loop_test(tc, test_fast_every_byte, 0, (int)nitems(fast_tpl));
	tcase_add_loop_test(tc, test_doc, 0, (int)nitems(docs));
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_stanza_10mb);
	tcase_add_test(tc, test_stanza_limit_exact);
	tcase_add_test(tc, test_depth_limit);
	tcase_add_test(tc, test_attrs_limit);
	tcase_add_test(tc, test_name_limit);
	tcase_add_test(tc, test_doc_limit);
	suite_add_tcase(s, tc);
	return s;
}
