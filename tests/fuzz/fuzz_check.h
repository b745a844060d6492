/*
 * fuzz_check.h - what every fuzz target of tests/fuzz/ shares: the
 * libFuzzer entry point and FUZZ_CHECK, for the libFuzzer builds (clang,
 * `make fuzz`) and the plain regression runners (the build's compiler,
 * fuzz_main.c, part of `make check`).
 */
#ifndef SDN_TESTS_FUZZ_CHECK_H
#define SDN_TESTS_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

/* The libFuzzer entry point; each target file defines it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * An invariant the code under test must keep: says what and where on
 * stderr, then aborts, which libFuzzer and the regression runner both
 * report as a crash with the input that caused it.
 */
#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond))                                                   \
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);     \
	} while (0)
NORETURN void fuzz_fail(const char *file, int line, const char *cond,
    const char *fmt, ...) PRINTFLIKE(4, 5);

#endif /* SDN_TESTS_FUZZ_CHECK_H */
