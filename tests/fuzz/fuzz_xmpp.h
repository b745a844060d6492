/*
 * fuzz_xmpp.h - the XMPP codec's fuzz targets (tests/fuzz/), built like
 * the BGP ones (fuzz.h): with libFuzzer by `make fuzz`, and as plain
 * regression runners of the seeds in `make check`.
 *
 * xmpp-stanza: an input is two selector bytes, then a byte stream as a
 * peer sends it:
 *   byte 0  bits 0-5  k: the stream is fed in pieces of 1..k bytes (their
 *                     sizes drawn from the selector), or whole for 0
 *           bit 6     every callback stops the feed (returns 1), so the
 *                     stream is fed again from where it stopped
 *           bit 7     the stream is also parsed with xmpp_parse_doc
 *   byte 1  bits 0-3  n: stanza_max 32 << n bytes (0: the default)
 *           bits 4-7  m: depth_max and attrs_max m (0: the defaults)
 * xmpp-item: an input is one XML document (a message, an IQ, an item).
 * Seeds in tests/fuzz/seeds/<target>/ have those forms.
 */
#ifndef SDN_TESTS_FUZZ_XMPP_H
#define SDN_TESTS_FUZZ_XMPP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xmpp/xmpp.h"
#include "tests/fuzz/fuzz_check.h"

#define FUZZ_XSEL_PIECE(sel) ((size_t)((sel)&0x3f))
#define FUZZ_XSEL_STOP       0x40
#define FUZZ_XSEL_DOC        0x80

/* fuzz_xmpp.c */
/*
 * Frames the stream (after the two selector bytes) with an xmpp_parser,
 * whole and in the pieces the selector says, and checks that both give
 * the same events and outcome, that every tree is sane and prints to XML
 * that parses back to the same tree, and the parser's error contract.
 */
void fuzz_xmpp_stream(const uint8_t *data, size_t size);
/*
 * Parses the document, then every <item> in it as each family and every
 * retract id and node string; what parses is printed (an item, a CN
 * message, an agent publish) and must parse back to the same.
 */
void fuzz_xmpp_items(const uint8_t *data, size_t size);

#endif /* SDN_TESTS_FUZZ_XMPP_H */
