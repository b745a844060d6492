/*
 * DOC: buf.c - bounded byte reader and writer for the wire codecs.
 *
 * struct buf reads from borrowed memory; every get checks what is left
 * before touching a byte and fails with -1 without moving (OpenBGPD
 * ibuf_get_n16), so decoders chain gets and jump to one error exit.
 * struct wbuf writes into caller memory (fixed) or into memory it grows
 * itself up to a hard maximum (dynamic); a put that would pass the bound
 * fails with -1 and writes nothing.  Integers are big-endian on the wire.
 * Pure code: no I/O, no logging.
 */
#include "common/common.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WBUF_MIN_ALLOC 64 /* first allocation of a dynamic writer */

/*
 * Reader.
 */

/* A NULL data is an empty reader whatever len says. */
void
buf_init(struct buf *b, const void *data, size_t len)
{
	b->data = data;
	b->len = data == NULL ? 0 : len;
	b->pos = 0;
}

/* The next n bytes, consumed; NULL (and b unchanged) on underrun. */
const uint8_t *
buf_get_ptr(struct buf *b, size_t n)
{
	const uint8_t *p;

	/* n against what is left, not pos + n against len: no wrap. */
	if (n > buf_left(b))
		return NULL;
	p = b->data + b->pos;
	b->pos += n;
	return p;
}

/*
 * Reads an n-byte big-endian unsigned integer, n <= 8.  Every fixed-width
 * get goes through here, so there is one bounds check to get right.
 */
static int
buf_get_be(struct buf *b, size_t n, uint64_t *v)
{
	const uint8_t *p;
	uint64_t x = 0;
	size_t i;

	if ((p = buf_get_ptr(b, n)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		x = x << 8 | p[i];
	*v = x;
	return 0;
}

int
buf_get_u8(struct buf *b, uint8_t *v)
{
	uint64_t x;

	if (buf_get_be(b, 1, &x) == -1)
		return -1;
	*v = (uint8_t)x;
	return 0;
}

int
buf_get_u16(struct buf *b, uint16_t *v)
{
	uint64_t x;

	if (buf_get_be(b, 2, &x) == -1)
		return -1;
	*v = (uint16_t)x;
	return 0;
}

int
buf_get_u24(struct buf *b, uint32_t *v)
{
	uint64_t x;

	if (buf_get_be(b, 3, &x) == -1)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

int
buf_get_u32(struct buf *b, uint32_t *v)
{
	uint64_t x;

	if (buf_get_be(b, 4, &x) == -1)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

int
buf_get_u64(struct buf *b, uint64_t *v)
{
	return buf_get_be(b, 8, v);
}

int
buf_get_bytes(struct buf *b, void *dst, size_t n)
{
	const uint8_t *p;

	if ((p = buf_get_ptr(b, n)) == NULL)
		return -1;
	if (n > 0)
		memcpy(dst, p, n);
	return 0;
}

int
buf_get_sub(struct buf *b, size_t n, struct buf *sub)
{
	const uint8_t *p;

	if ((p = buf_get_ptr(b, n)) == NULL)
		return -1;
	sub->data = p;
	sub->len = n;
	sub->pos = 0;
	return 0;
}

int
buf_skip(struct buf *b, size_t n)
{
	return buf_get_ptr(b, n) == NULL ? -1 : 0;
}

int
buf_peek_u8(const struct buf *b, uint8_t *v)
{
	if (buf_left(b) < 1)
		return -1;
	*v = b->data[b->pos];
	return 0;
}

/*
 * Writer.
 */

/* A NULL mem gives a writer that takes nothing but empty puts. */
void
wbuf_init(struct wbuf *w, void *mem, size_t cap)
{
	w->data = mem;
	w->len = 0;
	w->cap = mem == NULL ? 0 : cap;
	w->max = w->cap;
	w->dynamic = false;
}

/* Allocates nothing until the first put. */
void
wbuf_init_dyn(struct wbuf *w, size_t max)
{
	w->data = NULL;
	w->len = 0;
	w->cap = 0;
	w->max = max;
	w->dynamic = true;
}

void
wbuf_fini(struct wbuf *w)
{
	if (w->dynamic) {
		free(w->data);
		w->data = NULL;
		w->cap = 0;
	}
	w->len = 0;
}

/* Empties the writer; a dynamic one keeps its memory for reuse. */
void
wbuf_reset(struct wbuf *w)
{
	w->len = 0;
}

/*
 * Makes room for n more bytes, growing a dynamic writer by doubling (but
 * never past max); -1 when len + n would pass max.
 */
static int
wbuf_room(struct wbuf *w, size_t n)
{
	size_t want, cap;

	if (n > w->max - w->len)
		return -1;
	want = w->len + n;
	if (want <= w->cap)
		return 0;
	/* Only a dynamic writer can have cap < max. */
	cap = w->cap == 0 ? WBUF_MIN_ALLOC : w->cap;
	while (cap < want && cap <= SIZE_MAX / 2)
		cap *= 2;
	cap = MIN(MAX(cap, want), w->max);
	w->data = xrealloc(w->data, cap);
	w->cap = cap;
	return 0;
}

/* Appends v as an n-byte big-endian integer, n <= 8. */
static int
wbuf_put_be(struct wbuf *w, size_t n, uint64_t v)
{
	size_t i;

	if (wbuf_room(w, n) == -1)
		return -1;
	for (i = 0; i < n; i++)
		w->data[w->len + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	w->len += n;
	return 0;
}

int
wbuf_put_u8(struct wbuf *w, uint8_t v)
{
	return wbuf_put_be(w, 1, v);
}

int
wbuf_put_u16(struct wbuf *w, uint16_t v)
{
	return wbuf_put_be(w, 2, v);
}

/* A value that does not fit in 24 bits is refused rather than cut. */
int
wbuf_put_u24(struct wbuf *w, uint32_t v)
{
	if (v > 0xffffff)
		return -1;
	return wbuf_put_be(w, 3, v);
}

int
wbuf_put_u32(struct wbuf *w, uint32_t v)
{
	return wbuf_put_be(w, 4, v);
}

int
wbuf_put_u64(struct wbuf *w, uint64_t v)
{
	return wbuf_put_be(w, 8, v);
}

int
wbuf_put_bytes(struct wbuf *w, const void *src, size_t n)
{
	if (wbuf_room(w, n) == -1)
		return -1;
	if (n > 0)
		memcpy(w->data + w->len, src, n);
	w->len += n;
	return 0;
}

int
wbuf_put_str(struct wbuf *w, const char *s)
{
	return wbuf_put_bytes(w, s, strlen(s));
}

/*
 * Formats in place.  vsnprintf needs a byte for its NUL past the text;
 * when that byte is beyond the writer's memory the text goes through a
 * temporary, so a fixed writer never writes past cap.
 */
int
wbuf_printf(struct wbuf *w, const char *fmt, ...)
{
	va_list ap;
	char *tmp;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || wbuf_room(w, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	if (w->cap - w->len > (size_t)n) {
		vsnprintf((char *)w->data + w->len, (size_t)n + 1, fmt, ap);
	} else {
		tmp = xmalloc((size_t)n + 1);
		vsnprintf(tmp, (size_t)n + 1, fmt, ap);
		memcpy(w->data + w->len, tmp, (size_t)n);
		free(tmp);
	}
	va_end(ap);
	w->len += (size_t)n;
	return 0;
}

ssize_t
wbuf_reserve(struct wbuf *w, size_t n)
{
	size_t off = w->len;

	if (off > SSIZE_MAX || wbuf_room(w, n) == -1)
		return -1;
	if (n > 0)
		memset(w->data + off, 0, n);
	w->len += n;
	return (ssize_t)off;
}

/* Overwrites n already written bytes at off with v, big-endian. */
static int
wbuf_set_be(struct wbuf *w, size_t off, size_t n, uint64_t v)
{
	size_t i;

	if (off > w->len || n > w->len - off)
		return -1;
	for (i = 0; i < n; i++)
		w->data[off + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return 0;
}

int
wbuf_set_u8(struct wbuf *w, size_t off, uint8_t v)
{
	return wbuf_set_be(w, off, 1, v);
}

int
wbuf_set_u16(struct wbuf *w, size_t off, uint16_t v)
{
	return wbuf_set_be(w, off, 2, v);
}

int
wbuf_set_u32(struct wbuf *w, size_t off, uint32_t v)
{
	return wbuf_set_be(w, off, 4, v);
}
