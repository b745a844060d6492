/*
 * DOC: xmpp-parse-bench.c - throughput of the XMPP framer (xmpp_parser.c)
 * on what a control node mostly receives: Contrail's publish and
 * collection IQ pair for an inet route (contrail-protocol.md Appendix
 * A.1, 2.3), or the publish IQs alone, after one stream header, fed in
 * reads of a given size as a socket would give them.  Prints stanzas/s
 * and MB/s, the best of a few rounds, with the fast path (the default)
 * and with expat alone, and their ratio.
 *
 *   tests/bench/xmpp-parse-bench [ROUTES [READ_SIZE [ROUNDS [publish]]]]
 *
 * Build without sanitizers (and with -O2) for numbers worth quoting.
 */
#include "xmpp/xmpp.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_OPEN                                                             \
	"<stream:stream from=\"compute-7\" "                                   \
	"to=\"network-control@contrailsystems.com\" version=\"1.0\" "          \
	"xml:lang=\"en\" xmlns=\"\" "                                          \
	"xmlns:stream=\"http://etherx.jabber.org/streams\" >"

/* %u: the route's last octet, so that no two stanzas are alike. */
static const char bench_publish[] =
    "<iq type=\"set\" from=\"compute-7\" "
    "to=\"network-control@contrailsystems.com/bgp-peer\" id=\"pubsub%u\">\n"
    "<pubsub xmlns=\"http://jabber.org/protocol/pubsub\">\n"
    "<publish node=\"1/1/default-domain:demo:red:red/10.1.%u.%u/32\">\n"
    "<item>\n<entry>\n<nlri>\n<af>1</af>\n<safi>1</safi>\n"
    "<address>10.1.%u.%u/32</address>\n</nlri>\n<next-hops>\n<next-hop>\n"
    "<af>1</af>\n<address>192.168.0.11</address>\n"
    "<mac>52:54:00:aa:bb:01</mac>\n<label>27</label>\n<vni>0</vni>\n"
    "<tunnel-encapsulation-list>\n"
    "<tunnel-encapsulation>gre</tunnel-encapsulation>\n"
    "<tunnel-encapsulation>udp</tunnel-encapsulation>\n"
    "</tunnel-encapsulation-list>\n"
    "<virtual-network>default-domain:demo:red</virtual-network>\n"
    "<tag-list />\n</next-hop>\n</next-hops>\n<version>1</version>\n"
    "<virtual-network />\n<mobility sticky=\"false\" seqno=\"0\" />\n"
    "<sequence-number>0</sequence-number>\n<security-group-list>\n"
    "<security-group>8000002</security-group>\n</security-group-list>\n"
    "<community-tag-list />\n<local-preference>100</local-preference>\n"
    "<med>0</med>\n<load-balance>\n<load-balance-fields />\n"
    "<load-balance-decision>field-hash</load-balance-decision>\n"
    "</load-balance>\n<sub-protocol>interface</sub-protocol>\n</entry>\n"
    "</item>\n</publish>\n</pubsub>\n</iq>\n";
static const char bench_collection[] =
    "<iq type=\"set\" from=\"compute-7\" "
    "to=\"network-control@contrailsystems.com/bgp-peer\" "
    "id=\"collection%u\">\n"
    "<pubsub xmlns=\"http://jabber.org/protocol/pubsub\">\n"
    "<collection node=\"default-domain:demo:red:red\">\n"
    "<associate node=\"1/1/default-domain:demo:red:red/10.1.%u.%u/32\" />\n"
    "</collection>\n</pubsub>\n</iq>\n";

struct bench {
	unsigned long stanzas, opens, items;
};

static int
bench_cb(void *arg, enum xmpp_event ev, const struct xmpp_node *n)
{
	struct bench *b = arg;

	if (ev == XMPP_EV_OPEN)
		b->opens++;
	if (ev != XMPP_EV_STANZA)
		return 0;
	b->stanzas++;
	/* What a consumer does first: find the item. */
	if (xmpp_node_find(n, "entry") != NULL)
		b->items++;
	return 0;
}

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	unsigned routes = argc > 1 ? (unsigned)atoi(argv[1]) : 100000;
	size_t rd = argc > 2 ? (size_t)atoi(argv[2]) : 65536;
	unsigned rounds = argc > 3 ? (unsigned)atoi(argv[3]) : 3, r, i, a, b3;
	bool pairs = argc <= 4 || strcmp(argv[4], "publish") != 0;
	unsigned long want;
	struct wbuf w;
	struct xmpp_parser *p;
	struct bench b;
	double t, best[2] = {0, 0};
	size_t off, n, head;
	unsigned f;

	if (routes == 0 || rd == 0 || rounds == 0) {
		fprintf(stderr,
		    "usage: %s [ROUTES [READ_SIZE [ROUNDS [publish]]]]\n",
		    argv[0]);
		return 2;
	}
	wbuf_init_dyn(&w, SIZE_MAX);
	wbuf_put_str(&w, BENCH_OPEN);
	head = w.len;
	for (i = 0; i < routes; i++) {
		a = (i >> 8) & 0xff;
		b3 = i & 0xff;
		wbuf_printf(&w, bench_publish, i, a, b3, a, b3);
		if (pairs)
			wbuf_printf(&w, bench_collection, i, a, b3);
	}
	want = pairs ? 2ul * routes : routes;

	for (r = 0; r < 2 * rounds; r++) {
		f = r % 2; /* 0: the fast path, 1: expat alone */
		memset(&b, 0, sizeof(b));
		p = xmpp_parser_new(NULL, bench_cb, &b);
		xmpp_parser_set_fast(p, f == 0);
		t = bench_now();
		for (off = 0; off < w.len; off += n) {
			n = MIN(rd, w.len - off);
			if (xmpp_parser_feed(p, w.data + off, n) != (ssize_t)n)
				fatalx("feed: %s", xmpp_parser_error(p));
		}
		t = bench_now() - t;
		xmpp_parser_free(p);
		if (b.stanzas != want || b.items != routes || b.opens != 1)
			fatalx("%lu stanzas, %lu items, %lu opens", b.stanzas,
			    b.items, b.opens);
		if (best[f] == 0 || t < best[f])
			best[f] = t;
	}
	printf("%lu %s (%zu bytes each on average), reads of %zu bytes, "
	       "best of %u:\n",
	    want, pairs ? "publish and collection IQs" : "publish IQs",
	    (w.len - head) / want, rd, rounds);
	for (f = 0; f < 2; f++)
		printf("  %-12s %9.0f stanzas/s, %6.1f MB/s\n",
		    f == 0 ? "fast path" : "expat alone",
		    (double)want / best[f], (double)w.len / best[f] / 1e6);
	printf("  fast path / expat alone: %.1fx\n", best[1] / best[0]);
	wbuf_fini(&w);
	return 0;
}
