/*
 * DOC: xmpp_stanza_fuzzer.c - fuzz target xmpp-stanza: two selector bytes
 * and a byte stream, framed by xmpp_parser whole and in pieces, and
 * parsed as one document (fuzz_xmpp.c).  Built with libFuzzer by `make
 * fuzz`, and with fuzz_main.c as a plain program that runs the seeds in
 * `make check`.
 */
#include "tests/fuzz/fuzz_xmpp.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_xmpp_stream(data, size);
	return 0;
}
