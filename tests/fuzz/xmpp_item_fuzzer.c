/*
 * DOC: xmpp_item_fuzzer.c - fuzz target xmpp-item: an XML document whose
 * items, retract ids and node strings are read as each family, printed
 * and read back (fuzz_xmpp.c).  Built with libFuzzer by `make fuzz`, and
 * with fuzz_main.c as a plain program that runs the seeds in `make
 * check`.
 */
#include "tests/fuzz/fuzz_xmpp.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_xmpp_items(data, size);
	return 0;
}
