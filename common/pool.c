/*
 * DOC: pool.c - fixed-size object pools (BIRD's slab, OpenBGPD's pool(9)
 * use in rde_rib.c, without giving pages back).
 *
 * For objects made and freed by the million, such as routing table
 * entries and paths: they come from chunks of about 64 KiB, with no
 * header per object (malloc's costs 8 to 16 bytes and rounds to 16), and
 * a freed one goes on a free list for the next allocation of its pool.
 * A new chunk is handed out from the front as needed, so its pages are
 * touched only when used.  Chunks are kept until pool_fini: memory freed
 * by objects serves later objects of the same pool (glibc keeps most of a
 * heap's freed memory as well).
 *
 * Under AddressSanitizer free objects and the unused part of a chunk are
 * poisoned, so a use after free or a double free is still caught, and a
 * freed object is cleared first so that its stale pointers do not keep
 * what it pointed to "reachable" for LeakSanitizer.
 */
#include "common/common.h"

#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POOL_POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define POOL_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#define POOL_ASAN           1
#else
#define POOL_POISON(p, n)   ((void)(p), (void)(n))
#define POOL_UNPOISON(p, n) ((void)(p), (void)(n))
#define POOL_ASAN           0
#endif

#define POOL_ALIGN       sizeof(void *)
/* malloc's own header kept out, so a chunk is 64 KiB from the heap. */
#define POOL_CHUNK_BYTES ((64 << 10) - 2 * sizeof(size_t))

struct pool_chunk {
	struct pool_chunk *next; /* older chunk */
	void *data[];            /* objects */
};

void
pool_init(struct pool *p, size_t size)
{
	memset(p, 0, sizeof(*p));
	size = MAX(size, sizeof(void *));
	p->size = (size + POOL_ALIGN - 1) & ~(POOL_ALIGN - 1);
	p->per_chunk = (POOL_CHUNK_BYTES - sizeof(struct pool_chunk)) / p->size;
	if (p->per_chunk == 0)
		fatalx("pool_init: objects of %zu bytes", size);
}

void
pool_fini(struct pool *p)
{
	struct pool_chunk *c, *next;

	for (c = p->chunks; c != NULL; c = next) {
		next = c->next;
		POOL_UNPOISON(c->data, p->per_chunk * p->size);
		free(c);
	}
	memset(p, 0, sizeof(*p));
}

void *
pool_zalloc(struct pool *p)
{
	struct pool_chunk *c;
	void *obj;

	if ((obj = p->free) != NULL) {
		POOL_UNPOISON(obj, p->size);
		p->free = *(void **)obj;
	} else {
		if (p->fresh == 0) {
			c = xmalloc(sizeof(*c) + p->per_chunk * p->size);
			POOL_POISON(c->data, p->per_chunk * p->size);
			c->next = p->chunks;
			p->chunks = c;
			p->nchunks++;
			p->next = (uint8_t *)c->data;
			p->fresh = p->per_chunk;
		}
		obj = p->next;
		p->next += p->size;
		p->fresh--;
		POOL_UNPOISON(obj, p->size);
	}
	p->nobjs++;
	memset(obj, 0, p->size);
	return obj;
}

void
pool_free(struct pool *p, void *obj)
{
	if (obj == NULL)
		return;
#if POOL_ASAN
	if (__asan_address_is_poisoned(obj))
		fatalx("pool_free: %p is not in use", obj);
	memset(obj, 0, p->size);
#endif
	if (p->nobjs == 0)
		fatalx("pool_free: pool of %zu-byte objects is empty", p->size);
	*(void **)obj = p->free;
	p->free = obj;
	p->nobjs--;
	POOL_POISON(obj, p->size);
}

size_t
pool_bytes(const struct pool *p)
{
	return p->nchunks *
	    (sizeof(struct pool_chunk) + p->per_chunk * p->size);
}
