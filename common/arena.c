/*
 * DOC: arena.c - per-message bump allocator (BIRD linpool lp_save/lp_restore).
 *
 * Decoders take their temporaries from an arena that is reset after each
 * message, so nothing is freed one by one.  Memory comes in chunks linked
 * newest first; every allocation is rounded to max_align_t.  A request
 * larger than half a chunk gets a chunk of its own, so big items neither
 * waste nor force up the default chunk size.  arena_reset keeps the first
 * (oldest) regular chunk for the next message.  Under AddressSanitizer the
 * unused tail of each chunk is poisoned, so overruns inside a chunk and
 * use after reset or restore are caught too.
 */
#include "common/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define ARENA_POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define ARENA_POISON(p, n)   ((void)(p), (void)(n))
#define ARENA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ARENA_ALIGN     _Alignof(max_align_t)
#define ARENA_CHUNK_DEF 4000 /* payload when arena_init is given 0 */

struct arena_chunk {
	struct arena_chunk *next; /* older chunk */
	size_t size;              /* payload bytes */
	size_t used;              /* payload bytes handed out */
	max_align_t data[];       /* payload, aligned for any type */
};

static uint8_t *
arena_payload(struct arena_chunk *c)
{
	return (uint8_t *)c->data;
}

void
arena_init(struct arena *a, size_t chunk_size)
{
	if (chunk_size == 0)
		chunk_size = ARENA_CHUNK_DEF;
	if (chunk_size > SIZE_MAX / 2)
		fatalx("arena_init: chunk size %zu", chunk_size);
	/* Round up so that every chunk ends aligned. */
	a->chunk_size = (chunk_size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	a->head = NULL;
	a->total = 0;
}

static void
arena_chunk_free(struct arena_chunk *c)
{
	ARENA_UNPOISON(arena_payload(c), c->size);
	free(c);
}

/* Frees the chunks newer than stop (NULL: all of them). */
static void
arena_free_until(struct arena *a, struct arena_chunk *stop)
{
	struct arena_chunk *c;

	while ((c = a->head) != NULL && c != stop) {
		a->head = c->next;
		arena_chunk_free(c);
	}
}

void
arena_fini(struct arena *a)
{
	arena_free_until(a, NULL);
	a->total = 0;
}

/* Marks chunk c as used up to used; the rest is off limits again. */
static void
arena_rewind(struct arena_chunk *c, size_t used)
{
	c->used = used;
	ARENA_POISON(arena_payload(c) + used, c->size - used);
}

void
arena_reset(struct arena *a)
{
	struct arena_chunk *first;

	for (first = a->head; first != NULL && first->next != NULL;)
		first = first->next;
	/* A big chunk is not worth keeping: it would serve one size only. */
	if (first != NULL && first->size != a->chunk_size)
		first = NULL;
	arena_free_until(a, first);
	if (first != NULL)
		arena_rewind(first, 0);
	a->total = 0;
}

/* A new chunk with size payload bytes, linked as head. */
static struct arena_chunk *
arena_chunk_new(struct arena *a, size_t size)
{
	struct arena_chunk *c;

	if (size > SIZE_MAX - sizeof(*c))
		fatalx("arena: chunk of %zu bytes overflows", size);
	c = xmalloc(sizeof(*c) + size);
	c->size = size;
	c->used = 0;
	c->next = a->head;
	a->head = c;
	ARENA_POISON(arena_payload(c), size);
	return c;
}

void *
arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->head;
	size_t need;
	uint8_t *p;

	/* Zero bytes still get a unique pointer. */
	if (size > SIZE_MAX - ARENA_ALIGN)
		fatalx("arena_alloc: %zu bytes overflows", size);
	need = (MAX(size, 1) + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (c == NULL || need > c->size - c->used) {
		/*
		 * The space left in a full head is given up; the new head
		 * is a big chunk used at once in full, or a regular one.
		 */
		if (need > a->chunk_size / 2)
			c = arena_chunk_new(a, need);
		else
			c = arena_chunk_new(a, a->chunk_size);
	}
	p = arena_payload(c) + c->used;
	c->used += need;
	a->total += need;
	ARENA_UNPOISON(p, size);
	return p;
}

void *
arena_zalloc(struct arena *a, size_t size)
{
	void *p;

	p = arena_alloc(a, size);
	memset(p, 0, size);
	return p;
}

void *
arena_memdup(struct arena *a, const void *p, size_t n)
{
	void *q;

	q = arena_alloc(a, n);
	if (n > 0)
		memcpy(q, p, n);
	return q;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	n = strnlen(s, n);
	p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_memdup(a, s, strlen(s) + 1);
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("arena_printf: bad format \"%s\"", fmt);
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

struct arena_mark
arena_save(const struct arena *a)
{
	struct arena_mark m;

	m.chunk = a->head;
	m.used = a->head == NULL ? 0 : a->head->used;
	m.total = a->total;
	return m;
}

/*
 * Frees what was allocated after m was taken.  m must come from this
 * arena, after its last reset and before any restore to an older mark
 * (the chunk it names must still be linked).  A mark taken on an empty
 * arena restores like arena_reset.
 */
void
arena_restore(struct arena *a, struct arena_mark m)
{
	if (m.chunk == NULL) {
		arena_reset(a);
		return;
	}
	arena_free_until(a, m.chunk);
	if (a->head != m.chunk)
		fatalx("arena_restore: mark not in this arena");
	arena_rewind(m.chunk, m.used);
	a->total = m.total;
}

size_t
arena_used(const struct arena *a)
{
	return a->total;
}
