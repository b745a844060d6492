/*
 * DOC: fuzz_check.c - the failure of a FUZZ_CHECK (fuzz_check.h): the
 * condition, where, and why on stderr, then abort.
 */
#include "tests/fuzz/fuzz_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void
fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
