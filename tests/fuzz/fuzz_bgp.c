/*
 * DOC: fuzz_bgp.c - the body of the BGP fuzz targets: a byte stream as a
 * peer sends it, framed by bgp_frame_check and decoded message by message
 * the way the session does (bgp_fsm.c, bgp_rib.c): OPEN, NOTIFICATION,
 * ROUTE-REFRESH and KEEPALIVE by bgp_msg.c; UPDATE by bgp_update_decode
 * into a per-message arena, every NLRI section walked with bgp_nlri_next
 * and the attributes interned in the routing core and released.
 *
 * Besides "no crash, no leak, no undefined behaviour", it checks what the
 * codec promises its callers: a decoded NLRI has a key the core holds
 * (rt_key_encode takes it, rt_key_decode gives it back, rt_key_print
 * prints it), and an interned set interns to itself.
 */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bgp_session_caps
fuzz_caps(uint8_t sel)
{
	struct bgp_session_caps c;

	memset(&c, 0, sizeof(c));
	c.as4 = (sel & FUZZ_SEL_AS4) != 0;
	c.ebgp = (sel & FUZZ_SEL_EBGP) != 0;
	c.afs = (1u << BGP_AF_MAX) - 1;
	c.max_len = (sel & FUZZ_SEL_EXT) ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
	return c;
}

/* A protocol error as bgp.h describes it: an offset inside the input,
 * data within its array, a reason for the log. */
static void
fuzz_err_check(const struct bgp_err *err, size_t len)
{
	char name[64];

	FUZZ_CHECK(err->off <= len, "error %u/%u at offset %zu of %zu",
	    err->code, err->subcode, err->off, len);
	FUZZ_CHECK(err->datalen <= sizeof(err->data), "error data of %zu",
	    err->datalen);
	FUZZ_CHECK(memchr(err->reason, '\0', sizeof(err->reason)) != NULL &&
		err->reason[0] != '\0',
	    "error without a reason");
	(void)bgp_err_name(err->code, err->subcode, name, sizeof(name));
}

/*
 * What the routing core does with a received key: encode it for the
 * table, decode it back for listeners, print it for introspect.
 */
static void
fuzz_key_check(enum bgp_af af, const struct bgp_nlri *n)
{
	uint8_t enc[RT_KEY_MAX], enc2[RT_KEY_MAX];
	char text[RT_KEY_STRLEN];
	struct rt_key back;
	size_t len;

	FUZZ_CHECK(n->key.family == bgp_af_family(af),
	    "family %d from a %s section", (int)n->key.family, bgp_af_name(af));
	len = rt_key_encode(&n->key, enc);
	FUZZ_CHECK(
	    len > 0, "a decoded %s key the core refuses", bgp_af_name(af));
	FUZZ_CHECK(rt_key_decode(n->key.family, enc, len, &back) == 0,
	    "rt_key_decode refuses what rt_key_encode made");
	FUZZ_CHECK(
	    rt_key_encode(&back, enc2) == len && memcmp(enc, enc2, len) == 0,
	    "rt_key_decode(rt_key_encode(k)) is not k");
	FUZZ_CHECK(rt_key_print(&n->key, text, sizeof(text)) != NULL,
	    "a decoded %s key does not print", bgp_af_name(af));
}

void
fuzz_nlri_walk(enum bgp_af af, struct buf b, bool withdraw, struct arena *arena,
    struct fuzz_nlris *out)
{
	struct bgp_nlri n;
	size_t cap = 0;
	struct bgp_nlri *grown;

	memset(out, 0, sizeof(*out));
	out->present = true;
	out->af = af;
	out->withdraw = withdraw;
	while (bgp_nlri_next(af, &b, withdraw, &n) == 1) {
		fuzz_key_check(af, &n);
		if (out->count == cap) {
			cap = cap == 0 ? 16 : 2 * cap;
			grown = arena_alloc(arena, cap * sizeof(*grown));
			if (out->count > 0)
				memcpy(
				    grown, out->n, out->count * sizeof(*grown));
			out->n = grown;
		}
		out->n[out->count++] = n;
	}
}

/* The printers the introspect pages use on a received set. */
static void
fuzz_attr_print(const struct attr *a)
{
	char text[8192], ec[ECOMM_STRLEN];
	size_t i;

	(void)attr_aspath_print(a, text, sizeof(text));
	(void)attr_aspath_count(a);
	(void)attr_aspath_first(a);
	(void)attr_local_pref(a);
	(void)attr_mac_mobility_seq(a);
	for (i = 0; i < a->necomm; i++)
		FUZZ_CHECK(ecomm_print(a->ecomm[i], ec, sizeof(ec)) != NULL,
		    "ecomm_print of %016llx", (unsigned long long)a->ecomm[i]);
}

static void
fuzz_update(const uint8_t *body, size_t len,
    const struct bgp_session_caps *caps, size_t write_max, bool roundtrip)
{
	struct fuzz_nlris secs[4];
	struct bgp_update u;
	struct bgp_err err;
	struct arena arena;
	struct attr *a, *again;
	size_t before = attr_count();

	arena_init(&arena, 0);
	if (bgp_update_decode(body, len, caps, &arena, &u, &err) != 0) {
		FUZZ_CHECK(err.code == BGP_ERR_UPDATE,
		    "UPDATE reset with %u/%u", err.code, err.subcode);
		fuzz_err_check(&err, len);
		goto done;
	}
	FUZZ_CHECK(u.outcome <= BGP_WITHDRAW, "outcome %d", (int)u.outcome);
	FUZZ_CHECK(u.outcome == BGP_OK || u.reason[0] != '\0',
	    "outcome %d without a reason", (int)u.outcome);
	memset(secs, 0, sizeof(secs));
	fuzz_nlri_walk(BGP_AF_INET, u.withdrawn, true, &arena, &secs[0]);
	fuzz_nlri_walk(BGP_AF_INET, u.nlri, false, &arena, &secs[1]);
	if (u.has_reach)
		fuzz_nlri_walk(
		    u.reach_af, u.reach_nlri, false, &arena, &secs[2]);
	if (u.has_unreach)
		fuzz_nlri_walk(
		    u.unreach_af, u.unreach_nlri, true, &arena, &secs[3]);

	/* What bgp_rib.c does: intern the template, keep the set. */
	a = attr_intern(&u.attr);
	again = attr_intern(a);
	FUZZ_CHECK(a == again, "an interned set interns to another");
	attr_unref(again);
	fuzz_attr_print(a);
	if (roundtrip)
		fuzz_rt_update(&u, a, caps, write_max, secs);
	attr_unref(a);
done:
	arena_fini(&arena);
	FUZZ_CHECK(attr_count() == before, "%zu attribute sets left over",
	    attr_count() - before);
}

/* One whole message of type t; body/len without the header. */
static void
fuzz_message(uint8_t t, const uint8_t *body, size_t len,
    const struct bgp_session_caps *caps, size_t write_max, bool roundtrip)
{
	struct bgp_notification n;
	struct bgp_refresh r;
	struct bgp_open o;
	struct bgp_err err;
	char name[64];

	switch (t) {
	case BGP_MSG_OPEN:
		if (bgp_msg_decode_open(body, len, &o, &err) != 0)
			fuzz_err_check(&err, len);
		else if (roundtrip)
			fuzz_rt_open(&o);
		break;
	case BGP_MSG_UPDATE:
		fuzz_update(body, len, caps, write_max, roundtrip);
		break;
	case BGP_MSG_NOTIFICATION:
		if (bgp_msg_decode_notification(body, len, &n, &err) != 0) {
			fuzz_err_check(&err, len);
			break;
		}
		(void)bgp_err_name(n.code, n.subcode, name, sizeof(name));
		if (n.has_shutdown)
			FUZZ_CHECK(strlen(n.shutdown) < sizeof(n.shutdown),
			    "shutdown text not terminated");
		if (roundtrip)
			fuzz_rt_notification(&n);
		break;
	case BGP_MSG_KEEPALIVE:
		FUZZ_CHECK(len == 0, "KEEPALIVE with a %zu-byte body", len);
		if (roundtrip)
			fuzz_rt_keepalive();
		break;
	case BGP_MSG_ROUTE_REFRESH:
		if (bgp_msg_decode_refresh(body, len, &r, &err) != 0)
			fuzz_err_check(&err, len);
		else if (roundtrip)
			fuzz_rt_refresh(&r);
		break;
	default:
		FUZZ_CHECK(0, "bgp_frame_check passed message type %u", t);
	}
}

void
fuzz_bgp_stream(const uint8_t *data, size_t size, bool roundtrip)
{
	static const uint8_t key[16] = {'m', 'i', 'r', 'a', 'd', 'o', 'r'};
	struct bgp_session_caps caps;
	struct bgp_err err;
	size_t off, len, write_max;
	uint8_t type;
	int rc;

	if (size == 0)
		return;
	/* A fixed hash key: the same input always takes the same path. */
	ht_seed(key);
	caps = fuzz_caps(data[0]);
	write_max = FUZZ_SEL_WRITE(data[0]);
	if (write_max == 0 || write_max > caps.max_len)
		write_max = caps.max_len;
	for (off = 1; off < size; off += len) {
		rc = bgp_frame_check(
		    data + off, size - off, caps.max_len, &len, &type, &err);
		if (rc < 0)
			fuzz_err_check(&err, BGP_HDR_LEN);
		if (rc <= 0)
			break; /* a header error, or a partial message */
		FUZZ_CHECK(len >= BGP_HDR_LEN && len <= size - off,
		    "frame of %zu bytes with %zu left", len, size - off);
		fuzz_message(type, data + off + BGP_HDR_LEN, len - BGP_HDR_LEN,
		    &caps, write_max, roundtrip);
	}
}
