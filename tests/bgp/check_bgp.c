/*
 * check_bgp.c - runner for the libbgp unit tests (the codec: framing,
 * OPEN, NOTIFICATION, ROUTE-REFRESH, attributes, NLRI, UPDATE decode
 * and writing, RFC 7606 outcomes), and the helpers the suites share.
 */
#include "tests/bgp/suites.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One hex group up to its closing bracket (close 0: the end). */
static size_t
bt_unhex_group(const char **sp, int close, uint8_t *out, size_t cap)
{
	const char *s = *sp;
	size_t n = 0, inner, hdr;
	unsigned v;

	while (*s != '\0' && *s != close) {
		if (*s == ' ') {
			s++;
			continue;
		}
		if (*s == '[' || *s == '{') {
			hdr = *s == '[' ? 1 : 2;
			BT_ASSERT(n + hdr <= cap, "hex past %zu bytes", cap);
			s++;
			inner = bt_unhex_group(&s, hdr == 1 ? ']' : '}',
			    out + n + hdr, cap - n - hdr);
			BT_ASSERT(*s != '\0', "unclosed group");
			s++;
			if (hdr == 1) {
				BT_ASSERT(inner <= 255, "[] of %zu", inner);
				out[n] = (uint8_t)inner;
			} else {
				BT_ASSERT(inner <= 65535, "{} of %zu", inner);
				out[n] = (uint8_t)(inner >> 8);
				out[n + 1] = (uint8_t)inner;
			}
			n += hdr + inner;
			continue;
		}
		BT_ASSERT(n < cap, "hex past %zu bytes", cap);
		BT_ASSERT(isxdigit((unsigned char)s[0]) &&
			isxdigit((unsigned char)s[1]) &&
			sscanf(s, "%2x", &v) == 1,
		    "bad hex at \"%.10s\"", s);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	BT_ASSERT(close == 0 || *s == close, "unclosed group");
	*sp = s;
	return n;
}

size_t
bt_unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = bt_unhex_group(&s, 0, out, cap);

	BT_ASSERT(*s == '\0', "stray closing bracket");
	return n;
}

uint8_t *
bt_copy(const void *p, size_t n)
{
	uint8_t *c = malloc(n);

	BT_ASSERT(c != NULL || n == 0, "out of memory");
	if (n > 0)
		memcpy(c, p, n);
	return c;
}

struct bgp_session_caps
bt_caps(void)
{
	struct bgp_session_caps c;

	memset(&c, 0, sizeof(c));
	c.as4 = true;
	c.ebgp = false;
	c.afs = (1u << BGP_AF_MAX) - 1;
	c.max_len = BGP_MAX_LEN;
	return c;
}

struct bgp_session_caps
bt_session(enum bt_session s)
{
	struct bgp_session_caps c = bt_caps();

	c.as4 = s == BT_IBGP4 || s == BT_EBGP4;
	c.ebgp = s == BT_EBGP4 || s == BT_EBGP2;
	return c;
}

void
bt_upd_decode(struct bt_upd *t, const uint8_t *body, size_t len,
    const struct bgp_session_caps *caps)
{
	memset(t, 0, sizeof(*t));
	t->body = bt_copy(body, len);
	t->len = len;
	arena_init(&t->arena, 0);
	t->rc =
	    bgp_update_decode(t->body, len, caps, &t->arena, &t->u, &t->err);
}

void
bt_upd_decode_parts(struct bt_upd *t, const char *withdrawn, const char *attrs,
    const char *nlri, const struct bgp_session_caps *caps)
{
	static uint8_t body[70000];
	char *hex;
	size_t n;

	n = strlen(withdrawn) + strlen(attrs) + strlen(nlri) + 16;
	hex = malloc(n);
	BT_ASSERT(hex != NULL, "out of memory");
	snprintf(hex, n, "{%s}{%s}%s", withdrawn, attrs, nlri);
	n = bt_unhex(hex, body, sizeof(body));
	free(hex);
	bt_upd_decode(t, body, n, caps);
}

void
bt_upd_free(struct bt_upd *t)
{
	arena_fini(&t->arena);
	free(t->body);
	t->body = NULL;
}

uint8_t *
bt_body(const struct wbuf *w, size_t off, uint8_t type, size_t *len)
{
	struct bgp_err err;
	uint8_t t;
	size_t n;

	BT_ASSERT(bgp_frame_check(w->data + off, w->len - off, BGP_EXT_MAX_LEN,
		      &n, &t, &err) == 1,
	    "no whole message at %zu: %s", off, err.reason);
	BT_ASSERT(t == type, "message type %u, not %u", t, type);
	*len = n - BGP_HDR_LEN;
	return bt_copy(w->data + off + BGP_HDR_LEN, *len);
}

void
bt_write(struct wbuf *w, enum bgp_af af, const struct attr *a,
    const struct ipaddr *nh, const struct bgp_session_caps *caps,
    const struct bgp_nlri *n, size_t count)
{
	struct bgp_update_writer uw;
	size_t i;
	int rc;

	wbuf_init_dyn(w, BGP_EXT_MAX_LEN);
	rc = bgp_update_writer_start(&uw, w, af, a, nh, caps);
	BT_ASSERT(rc == 0, "writer start: %d", rc);
	for (i = 0; i < count; i++) {
		rc = bgp_update_writer_add(&uw, &n[i]);
		BT_ASSERT(rc == 0, "writer add %zu: %d", i, rc);
	}
	BT_ASSERT(bgp_update_writer_finish(&uw) == 0, "writer finish");
}

char *
bt_nlri_text(
    enum bgp_af af, struct buf sec, bool withdraw, char *out, size_t len)
{
	char key[RT_KEY_STRLEN];
	struct bgp_nlri n;
	size_t used = 0;

	out[0] = '\0';
	while (bgp_nlri_next(af, &sec, withdraw, &n) == 1) {
		BT_ASSERT(rt_key_print(&n.key, key, sizeof(key)) != NULL,
		    "a key that does not print");
		used += (size_t)snprintf(
		    out + used, len - used, "%s%s", used > 0 ? "; " : "", key);
		if (n.label != 0)
			used += (size_t)snprintf(
			    out + used, len - used, " label %u", n.label);
		if (n.label2 != 0)
			used += (size_t)snprintf(
			    out + used, len - used, " label2 %u", n.label2);
		BT_ASSERT(used < len, "text past %zu bytes", len);
	}
	return out;
}

void
bt_open(struct bgp_open *o, uint32_t asn, uint32_t id, uint32_t afs)
{
	memset(o, 0, sizeof(*o));
	o->version = BGP_VERSION;
	o->asn = asn;
	o->hold_time = 90;
	o->bgp_id = id;
	o->as4 = true;
	o->afs = afs;
}

int
main(void)
{
	SRunner *sr;
	int nfailed;

	sr = srunner_create(bgp_frame_suite());
	srunner_add_suite(sr, bgp_open_suite());
	srunner_add_suite(sr, bgp_msg_suite());
	srunner_add_suite(sr, bgp_attr_suite());
	srunner_add_suite(sr, bgp_nlri_suite());
	srunner_add_suite(sr, bgp_update_suite());
	srunner_add_suite(sr, bgp_rfc7606_suite());
	srunner_add_suite(sr, bgp_fsm_suite());
	srunner_add_suite(sr, bgp_session_suite());
	srunner_run_all(sr, CK_ENV);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
