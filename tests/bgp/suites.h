/*
 * suites.h - the Check suites of libbgp, collected by check_bgp.c, and
 * the helpers they share (defined in check_bgp.c).
 */
#ifndef SDN_TESTS_BGP_SUITES_H
#define SDN_TESTS_BGP_SUITES_H

#include <check.h>

#include "bgp/bgp.h"

Suite *bgp_frame_suite(void);
Suite *bgp_open_suite(void);
Suite *bgp_msg_suite(void);
Suite *bgp_attr_suite(void);
Suite *bgp_nlri_suite(void);
Suite *bgp_update_suite(void);
Suite *bgp_rfc7606_suite(void);
Suite *bgp_fsm_suite(void);
Suite *bgp_session_suite(void);

/*
 * An assertion for loops and helpers: unlike ck_assert it tells Check
 * nothing unless it fails (every ck_assert sends its location to the
 * parent process, which makes tight loops slow).
 */
#define BT_ASSERT(cond, ...)                                                   \
	do {                                                                   \
		if (!(cond))                                                   \
			ck_abort_msg(__VA_ARGS__);                             \
	} while (0)

/*
 * Bytes from hex text; spaces are ignored, and "[...]" and "{...}" are
 * the bytes inside preceded by their count in 1 and 2 bytes, so tables
 * spell TLVs without counting by hand ("40 01 [00]" is ORIGIN IGP).
 * Fails the test past cap or on bad text.  Returns the byte count.
 */
size_t bt_unhex(const char *s, uint8_t *out, size_t cap);
/* An exact-size heap copy of p (so ASan sees any read past n); free it. */
uint8_t *bt_copy(const void *p, size_t n);
/* The usual session: 4-octet AS, iBGP, every family, 4096 bytes. */
struct bgp_session_caps bt_caps(void);
/* The caps of a test table: IBGP4 is bt_caps, the others change as4/ebgp. */
enum bt_session { BT_IBGP4, BT_EBGP4, BT_IBGP2, BT_EBGP2 };
struct bgp_session_caps bt_session(enum bt_session s);

/*
 * An UPDATE decoded from an exact-size heap copy of its body; the arrays
 * of u point into body and arena, so they live until bt_upd_free.
 */
struct bt_upd {
	uint8_t *body;
	size_t len;
	struct arena arena;
	struct bgp_update u;
	struct bgp_err err;
	int rc;
};
void bt_upd_decode(struct bt_upd *t, const uint8_t *body, size_t len,
    const struct bgp_session_caps *caps);
/* The body "{withdrawn} {attrs} nlri" of the three hex parts. */
void bt_upd_decode_parts(struct bt_upd *t, const char *withdrawn,
    const char *attrs, const char *nlri, const struct bgp_session_caps *caps);
void bt_upd_free(struct bt_upd *t);

/*
 * The message at off in w must be one whole message of type; returns an
 * exact-size heap copy of its body (*len bytes; free it).
 */
uint8_t *bt_body(const struct wbuf *w, size_t off, uint8_t type, size_t *len);
/*
 * Writes one UPDATE of af for caps with the count routes at n, announced
 * with a and next hop nh, or withdrawn (a NULL), into a fresh dynamic w.
 */
void bt_write(struct wbuf *w, enum bgp_af af, const struct attr *a,
    const struct ipaddr *nh, const struct bgp_session_caps *caps,
    const struct bgp_nlri *n, size_t count);

/*
 * A section's routes as text, "; " between them: the key (rt_key_print),
 * then " label N" and " label2 N" when nonzero.  Returns out.
 */
char *bt_nlri_text(
    enum bgp_af af, struct buf sec, bool withdraw, char *out, size_t len);

/* An OPEN of version 4, hold time 90, 4-octet AS, families afs. */
void bt_open(struct bgp_open *o, uint32_t asn, uint32_t id, uint32_t afs);

#endif /* SDN_TESTS_BGP_SUITES_H */
