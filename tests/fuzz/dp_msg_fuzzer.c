/*
 * DOC: dp_msg_fuzzer.c - fuzz target dp-msg: any bytes as a programming
 * message (a request, a GET/DUMP entry, a reply) and as a line of the
 * text form.  What decodes encodes again, and that encoding decodes and
 * re-encodes to the same bytes; a request that decodes is applied to
 * the tables of the fixture vrouter A (tests/datapath/dp_topo.h), which
 * must not crash or leak, whatever it adds or deletes; a text line that
 * parses encodes to a request that decodes.  Seeds: the lines of
 * tests/datapath/dp-ctl.sh and a few more, as text, as requests, as
 * DUMP entries, and a reply.  Built with libFuzzer by
 * `make fuzz`, and with fuzz_main.c as a plain program that runs the
 * seeds in `make check`.
 */
#include "tests/fuzz/fuzz_check.h"

#include <stdlib.h>
#include <string.h>

#include "tests/datapath/dp_topo.h"

#define FUZZ_MSG_BUF (DP_MSG_HLEN + DP_MSG_MAX)

/* enc(m) decodes, and encodes again to the same bytes. */
static void
fuzz_msg_again(const struct dp_msg *m, uint8_t *a, uint8_t *b)
{
	static struct dp_msg m2;
	struct dp_msg_err err;
	struct wbuf wa, wb;

	wbuf_init(&wa, a, FUZZ_MSG_BUF);
	wbuf_init(&wb, b, FUZZ_MSG_BUF);
	FUZZ_CHECK(dp_msg_encode(&wa, m) == 0, "a decoded request encodes");
	FUZZ_CHECK(dp_msg_decode(wa.data, wa.len, &m2, &err) == 0,
	    "its encoding decodes: %s at %zu", err.reason, err.off);
	FUZZ_CHECK(dp_msg_encode(&wb, &m2) == 0 && wb.len == wa.len &&
		memcmp(wa.data, wb.data, wa.len) == 0,
	    "and encodes the same again");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dp_msg m;
	static struct dp_msg_entry e;
	uint8_t *a = xmalloc(FUZZ_MSG_BUF), *b = xmalloc(FUZZ_MSG_BUF);
	struct dp_msg_reply r;
	struct dp_msg_err err;
	char line[512], perr[DP_TEXT_ERR_MAX];
	struct wbuf w;
	struct dp *dp;
	size_t n;

	if (dp_msg_decode(data, size, &m, &err) == 0) {
		fuzz_msg_again(&m, a, b);
		if (m.op == DP_MSG_ADD || m.op == DP_MSG_DEL) {
			dp = topo_a(NULL, 64);
			(void)dp_msg_apply(dp, &m, &r);
			FUZZ_CHECK(r.status <= 0 &&
				memchr(r.text, 0, sizeof(r.text)) != NULL,
			    "a reply's status and text");
			dp_free(dp);
		}
	} else
		FUZZ_CHECK(err.reason != NULL && err.off <= size,
		    "a refusal has a reason and an offset");
	if (dp_msg_decode_entry(data, size, &e, &err) == 0) {
		wbuf_init(&w, a, FUZZ_MSG_BUF);
		FUZZ_CHECK(dp_msg_encode_entry(&w, &e) == 0,
		    "a decoded entry encodes");
		FUZZ_CHECK(dp_msg_decode_entry(w.data, w.len, &e, &err) == 0,
		    "and decodes again");
	}
	if (dp_msg_reply_decode(data, size, &r, &err) == 0) {
		wbuf_init(&w, a, FUZZ_MSG_BUF);
		FUZZ_CHECK(dp_msg_reply_encode(&w, &r) == 0 &&
			dp_msg_reply_decode(w.data, w.len, &r, &err) == 0,
		    "a reply round trip");
	}
	/* the same bytes as a line of text */
	n = size < sizeof(line) - 1 ? size : sizeof(line) - 1;
	memcpy(line, data, n);
	line[n] = '\0';
	if (dp_text_parse(line, &m, perr, sizeof(perr)) == 0) {
		wbuf_init(&w, a, FUZZ_MSG_BUF);
		FUZZ_CHECK(dp_msg_encode(&w, &m) == 0, "a parsed line encodes");
		FUZZ_CHECK(dp_msg_decode(w.data, w.len, &m, &err) == 0,
		    "a parsed line decodes: %s", err.reason);
	}
	free(a);
	free(b);
	return 0;
}
