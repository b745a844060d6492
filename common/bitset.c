/*
 * bitset.c - a bit per small id, growing on demand: what a listener (a
 * BGP peer, an XMPP agent) was sent, indexed by rt_entry_id, so that a
 * withdraw goes only where the route went; and sets of 64-bit values
 * (route targets) as sorted arrays.  No I/O, one thread.
 */
#include "common/common.h"

#include <stdlib.h>
#include <string.h>

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

size_t
u64_sort_unique(uint64_t *v, size_t n)
{
	size_t i, j;

	if (n > 1)
		qsort(v, n, sizeof(*v), u64_cmp);
	for (i = j = 0; i < n; i++)
		if (j == 0 || v[j - 1] != v[i])
			v[j++] = v[i];
	return j;
}

bool
bitset_get(const struct bitset *s, uint32_t id)
{
	return id / 8 < s->nbytes && (s->bits[id / 8] & (1u << (id % 8)));
}

void
bitset_set(struct bitset *s, uint32_t id, bool on)
{
	size_t need = id / 8 + 1, n;

	if (need > s->nbytes) {
		if (!on)
			return;
		n = MAX(need, s->nbytes * 2);
		s->bits = xrealloc(s->bits, n);
		memset(s->bits + s->nbytes, 0, n - s->nbytes);
		s->nbytes = n;
	}
	if (on)
		s->bits[id / 8] |= (uint8_t)(1u << (id % 8));
	else
		s->bits[id / 8] &= (uint8_t) ~(1u << (id % 8));
}

size_t
bitset_count(const struct bitset *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nbytes; i++)
		n += (size_t)__builtin_popcount(s->bits[i]);
	return n;
}

void
bitset_fini(struct bitset *s)
{
	free(s->bits);
	s->bits = NULL;
	s->nbytes = 0;
}
