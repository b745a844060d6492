/*
 * DOC: xalloc.c - allocation that cannot fail.
 *
 * Wrappers around the libc allocator that never return NULL: on OOM or on
 * a size computation that would overflow they log through fatalx() and
 * abort (OpenBGPD xmalloc, Redis zmalloc_oom), so callers never check.
 * A zero size is served as one byte so that the result is always a unique
 * pointer that free() accepts.  Also str_lcpy(), strlcpy(3) for glibc.
 */
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a * b, or fatalx when the product does not fit in size_t. */
static size_t
xmul(size_t a, size_t b, const char *who)
{
	size_t r;

	if (__builtin_mul_overflow(a, b, &r))
		fatalx("%s: %zu * %zu bytes overflows", who, a, b);
	return r;
}

void *
xmalloc(size_t size)
{
	void *p;

	if ((p = malloc(size == 0 ? 1 : size)) == NULL)
		fatalx("xmalloc: out of memory allocating %zu bytes", size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	xmul(nmemb, size, "xcalloc");
	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = calloc(nmemb, size)) == NULL)
		fatalx("xcalloc: out of memory allocating %zu * %zu bytes",
		    nmemb, size);
	return p;
}

void *
xrealloc(void *ptr, size_t size)
{
	void *p;

	/* realloc(ptr, 0) may free ptr and return NULL: ask for 1 byte. */
	if ((p = realloc(ptr, size == 0 ? 1 : size)) == NULL)
		fatalx("xrealloc: out of memory allocating %zu bytes", size);
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	return xrealloc(ptr, xmul(nmemb, size, "xreallocarray"));
}

char *
xstrdup(const char *s)
{
	return xmemdup(s, strlen(s) + 1);
}

char *
xstrndup(const char *s, size_t n)
{
	char *p;

	n = strnlen(s, n);
	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void *
xmemdup(const void *p, size_t n)
{
	void *q;

	q = xmalloc(n);
	if (n > 0)
		memcpy(q, p, n);
	return q;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("xasprintf: out of memory");
	return s;
}

size_t
str_lcpy(char *dst, const char *src, size_t size)
{
	size_t len;

	len = strlen(src);
	if (size > 0) {
		size_t n = MIN(len, size - 1);

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
