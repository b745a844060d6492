/*
 * DOC: bgp_msg_fuzzer.c - fuzz target (a): a selector byte and a byte
 * stream, framed and decoded message by message (fuzz_bgp.c).  Built
 * with libFuzzer by `make fuzz`, and with fuzz_main.c as a plain program
 * that runs the seeds in `make check`.
 */
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_bgp_stream(data, size, false);
	return 0;
}
