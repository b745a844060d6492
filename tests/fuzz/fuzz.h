/*
 * fuzz.h - the BGP codec's fuzz targets (tests/fuzz/), shared by the
 * libFuzzer builds (clang, `make fuzz`) and the plain regression runners
 * (gcc, fuzz_main.c, part of `make check`).
 *
 * An input is one selector byte, then a byte stream as a peer sends it:
 *   bit 0    4-octet AS negotiated     bit 1  external peer
 *   bit 2    extended messages (65535)
 *   bits 3-7 k: when not 0, the round-trip target writes UPDATEs of at
 *            most 256 * k bytes (and the session's limit), so that the
 *            writer splits routes over several messages
 * every family is negotiated.  Seeds in tests/fuzz/seeds/bgp/ have that
 * form.
 */
#ifndef SDN_TESTS_FUZZ_H
#define SDN_TESTS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp/bgp.h"
#include "tests/fuzz/fuzz_check.h"

#define FUZZ_SEL_AS4        0x01
#define FUZZ_SEL_EBGP       0x02
#define FUZZ_SEL_EXT        0x04
#define FUZZ_SEL_WRITE(sel) ((size_t)((sel) >> 3) * 256)

/* fuzz_bgp.c */
/* The session caps of a selector byte. */
struct bgp_session_caps fuzz_caps(uint8_t sel);
/*
 * Frames the stream with bgp_frame_check and decodes every message by
 * type; UPDATE NLRI are walked and their keys checked against the
 * routing core (rt_key_encode/decode/print), attributes interned and
 * released.  With roundtrip, whatever decodes is also re-encoded and
 * decoded again (fuzz_roundtrip.c).  Stops at the first framing error
 * or partial message.
 */
void fuzz_bgp_stream(const uint8_t *data, size_t size, bool roundtrip);

/*
 * One walked NLRI section of an UPDATE: the routes bgp_nlri_next gave,
 * in order (an array in the caller's arena).
 */
struct fuzz_nlris {
	bool present; /* the section is in the UPDATE */
	enum bgp_af af;
	bool withdraw;
	struct bgp_nlri *n;
	size_t count;
};
/* Walks a checked section (b by value: the update keeps its reader). */
void fuzz_nlri_walk(enum bgp_af af, struct buf b, bool withdraw,
    struct arena *arena, struct fuzz_nlris *out);

/* fuzz_roundtrip.c: each re-encodes what decoded and checks the result. */
void fuzz_rt_open(const struct bgp_open *o);
void fuzz_rt_notification(const struct bgp_notification *n);
void fuzz_rt_refresh(const struct bgp_refresh *r);
void fuzz_rt_keepalive(void);
/* u decoded with caps; a is u->attr interned; secs are its 4 sections
 * (withdrawn, nlri, reach, unreach); write_max the writer's limit. */
void fuzz_rt_update(const struct bgp_update *u, struct attr *a,
    const struct bgp_session_caps *caps, size_t write_max,
    const struct fuzz_nlris secs[4]);

#endif /* SDN_TESTS_FUZZ_H */
