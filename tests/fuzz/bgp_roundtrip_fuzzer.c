/*
 * DOC: bgp_roundtrip_fuzzer.c - fuzz target (b): as bgp_msg_fuzzer.c,
 * and whatever decodes is encoded again with the codec's encoders and
 * decoded again, which must agree (fuzz_roundtrip.c).
 */
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_bgp_stream(data, size, true);
	return 0;
}
