/*
 * bitset.c - a bit per small id, growing on demand: what a listener (a
 * BGP peer, an XMPP agent) was sent, indexed by rt_entry_id, so that a
 * withdraw goes only where the route went.  No I/O, one thread.
 */
#include "common/common.h"

#include <stdlib.h>
#include <string.h>

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
