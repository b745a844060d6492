/*
 * DOC: ht.c - keyed hashing and the intrusive chained hash table.
 *
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012) with one process-wide 128-bit key, seeded at start-up, so peers
 * cannot aim their input at one bucket.  The table links struct ht_node
 * embedded in the caller's objects and owns only its bucket array.  It
 * doubles when the load passes 1 and halves when under 1/8.  Buckets are
 * picked by the top bits of a multiplicative (Fibonacci) hash, and resizes
 * keep chain order, so a walk that removes its current node, which may
 * shrink the table, still visits every other node exactly once.
 */
#include "common/common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_GETRANDOM
#include <sys/random.h>
#endif

#define HT_MIN_BUCKETS 8 /* power of two, > 1: see ht_index() */
#define HT_FIB         0x9e3779b97f4a7c15ULL /* 2^64 / golden ratio, odd */

static uint64_t ht_key[2]; /* SipHash k0, k1 */
static bool ht_seeded;     /* ht_key is set */

/*
 * SipHash-2-4.  The state is four 64-bit words, initialised from the key
 * xor the constants "somepseudorandomlygeneratedbytes".  Each 8-byte
 * little-endian message word m is absorbed as v3 ^= m, two SipRounds,
 * v0 ^= m.  The last word carries the leftover bytes with the length mod
 * 256 in its top byte; then v2 ^= 0xff, four SipRounds, and the hash is
 * v0 ^ v1 ^ v2 ^ v3.
 */
#define ROTL64(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

/*
 * One SipRound on four locals, so that the state stays in registers (as
 * a function on an array it stayed in memory: a hash of a route key and
 * one of an attribute set cost twice as much).
 */
#define HT_SIPROUND(v0, v1, v2, v3)                                            \
	do {                                                                   \
		(v0) += (v1);                                                  \
		(v2) += (v3);                                                  \
		(v1) = ROTL64((v1), 13);                                       \
		(v3) = ROTL64((v3), 16);                                       \
		(v1) ^= (v0);                                                  \
		(v3) ^= (v2);                                                  \
		(v0) = ROTL64((v0), 32);                                       \
		(v2) += (v1);                                                  \
		(v0) += (v3);                                                  \
		(v1) = ROTL64((v1), 17);                                       \
		(v3) = ROTL64((v3), 21);                                       \
		(v1) ^= (v2);                                                  \
		(v3) ^= (v0);                                                  \
		(v2) = ROTL64((v2), 32);                                       \
	} while (0)

/* SipHash-2-4's compression of one word m. */
#define HT_SIP_ABSORB(v0, v1, v2, v3, m)                                       \
	do {                                                                   \
		(v3) ^= (m);                                                   \
		HT_SIPROUND(v0, v1, v2, v3);                                   \
		HT_SIPROUND(v0, v1, v2, v3);                                   \
		(v0) ^= (m);                                                   \
	} while (0)

static inline uint64_t
ht_le64(const uint8_t *p)
{
	uint64_t x;

	memcpy(&x, p, sizeof(x));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x;
}

void
ht_seed(const uint8_t key[16])
{
	ht_key[0] = ht_le64(key);
	ht_key[1] = ht_le64(key + 8);
	ht_seeded = true;
}

/* Fills key from the kernel's CSPRNG; fatal if it cannot. */
static void
ht_random_bytes(uint8_t *key, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int fd;

#ifdef HAVE_GETRANDOM
	while (got < len) {
		n = getrandom(key + got, len - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
#endif
	if (got == len)
		return;
	/* No getrandom(2) (old kernel, seccomp): try the device. */
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1)
		fatal("ht_seed_random: /dev/urandom");
	while (got < len) {
		n = read(fd, key + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fatal("ht_seed_random: read /dev/urandom");
		got += (size_t)n;
	}
	close(fd);
}

void
ht_seed_random(void)
{
	uint8_t key[16];

	ht_random_bytes(key, sizeof(key));
	ht_seed(key);
	memset(key, 0, sizeof(key));
}

void
ht_hasher_init(struct ht_hasher *h)
{
	/* A forgotten seed must not mean a predictable key. */
	if (!ht_seeded)
		ht_seed_random();
	h->v[0] = ht_key[0] ^ 0x736f6d6570736575ULL;
	h->v[1] = ht_key[1] ^ 0x646f72616e646f6dULL;
	h->v[2] = ht_key[0] ^ 0x6c7967656e657261ULL;
	h->v[3] = ht_key[1] ^ 0x7465646279746573ULL;
	h->ntail = 0;
	h->total = 0;
}

void
ht_hasher_add(struct ht_hasher *h, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t v0 = h->v[0], v1 = h->v[1], v2 = h->v[2], v3 = h->v[3], m;
	size_t n;

	h->total += len;
	/* Complete a word begun by an earlier call. */
	if (h->ntail > 0) {
		n = MIN(len, sizeof(h->tail) - h->ntail);
		memcpy(h->tail + h->ntail, p, n);
		h->ntail += n;
		p += n;
		len -= n;
		if (h->ntail < sizeof(h->tail))
			return;
		m = ht_le64(h->tail);
		HT_SIP_ABSORB(v0, v1, v2, v3, m);
		h->ntail = 0;
	}
	for (; len >= 8; p += 8, len -= 8) {
		m = ht_le64(p);
		HT_SIP_ABSORB(v0, v1, v2, v3, m);
	}
	if (len > 0)
		memcpy(h->tail, p, len);
	h->ntail = len;
	h->v[0] = v0;
	h->v[1] = v1;
	h->v[2] = v2;
	h->v[3] = v3;
}

uint64_t
ht_hasher_final(const struct ht_hasher *h)
{
	uint64_t v0 = h->v[0], v1 = h->v[1], v2 = h->v[2], v3 = h->v[3], m;
	size_t i;

	m = (h->total & 0xff) << 56;
	for (i = 0; i < h->ntail; i++)
		m |= (uint64_t)h->tail[i] << (8 * i);
	HT_SIP_ABSORB(v0, v1, v2, v3, m);
	v2 ^= 0xff;
	for (i = 0; i < 4; i++)
		HT_SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t
ht_hash(const void *data, size_t len)
{
	struct ht_hasher h;

	ht_hasher_init(&h);
	ht_hasher_add(&h, data, len);
	return ht_hasher_final(&h);
}

uint64_t
ht_hash_str(const char *s)
{
	return ht_hash(s, strlen(s));
}

/*
 * Table.
 */

/*
 * Bucket of hash in a table of n buckets (a power of two, n > 1, so the
 * shift stays below 64).  Taking the top bits means that halving n merges
 * buckets 2j and 2j+1 into j: neighbours in walk order stay neighbours.
 */
static size_t
ht_index(uint64_t hash, size_t n)
{
	return (size_t)((hash * HT_FIB) >> (64 - __builtin_ctzll(n)));
}

static size_t
ht_pow2(size_t n)
{
	size_t p = HT_MIN_BUCKETS;

	while (p < n && p <= SIZE_MAX / 4)
		p *= 2;
	return p;
}

/* The bucket array is allocated by the first insert. */
void
ht_init(struct ht *t, size_t hint)
{
	t->buckets = NULL;
	t->nbuckets = ht_pow2(hint);
	t->count = 0;
}

void
ht_fini(struct ht *t)
{
	free(t->buckets);
	t->buckets = NULL;
	t->nbuckets = HT_MIN_BUCKETS;
	t->count = 0;
}

/*
 * Rehashes into n buckets, keeping the order of nodes: old buckets are
 * taken last to first, each chain reversed, then pushed node by node on
 * the front of its new chain.  A new chain is thus the old chains that
 * land in it, in bucket order, each in its own order (see ht_next).
 */
static void
ht_resize(struct ht *t, size_t n)
{
	struct ht_node **nb, *node, *rev, *next;
	size_t i, j;

	nb = xcalloc(n, sizeof(*nb));
	for (i = t->nbuckets; i-- > 0;) {
		rev = NULL;
		for (node = t->buckets[i]; node != NULL; node = next) {
			next = node->next;
			node->next = rev;
			rev = node;
		}
		for (node = rev; node != NULL; node = next) {
			next = node->next;
			j = ht_index(node->hash, n);
			node->next = nb[j];
			nb[j] = node;
		}
	}
	free(t->buckets);
	t->buckets = nb;
	t->nbuckets = n;
}

struct ht_node *
ht_lookup(const struct ht *t, uint64_t hash, const void *key, ht_eq_cb eq)
{
	struct ht_node *node;

	if (t->buckets == NULL)
		return NULL;
	node = t->buckets[ht_index(hash, t->nbuckets)];
	for (; node != NULL; node = node->next)
		if (node->hash == hash && eq(node, key))
			return node;
	return NULL;
}

void
ht_prefetch(const struct ht *t, uint64_t hash)
{
	if (t->buckets != NULL)
		__builtin_prefetch(&t->buckets[ht_index(hash, t->nbuckets)]);
}

void
ht_prefetch_node(const struct ht *t, uint64_t hash)
{
	const struct ht_node *node;

	if (t->buckets == NULL)
		return;
	node = t->buckets[ht_index(hash, t->nbuckets)];
	if (node != NULL)
		__builtin_prefetch(node);
}

void
ht_insert(struct ht *t, struct ht_node *node, uint64_t hash)
{
	size_t i;

	if (t->buckets == NULL)
		t->buckets = xcalloc(t->nbuckets, sizeof(*t->buckets));
	node->hash = hash;
	i = ht_index(hash, t->nbuckets);
	node->next = t->buckets[i];
	t->buckets[i] = node;
	if (++t->count > t->nbuckets && t->nbuckets <= SIZE_MAX / 4)
		ht_resize(t, t->nbuckets * 2);
}

void
ht_remove(struct ht *t, struct ht_node *node)
{
	struct ht_node **pp;

	if (t->buckets == NULL)
		fatalx("ht_remove: node %p not in empty table", (void *)node);
	pp = &t->buckets[ht_index(node->hash, t->nbuckets)];
	while (*pp != node) {
		if (*pp == NULL)
			fatalx("ht_remove: node %p not in table", (void *)node);
		pp = &(*pp)->next;
	}
	*pp = node->next;
	node->next = NULL;
	t->count--;
	if (t->nbuckets > HT_MIN_BUCKETS && t->count < t->nbuckets / 8)
		ht_resize(t, t->nbuckets / 2);
}

void
ht_get_stats(const struct ht *t, struct ht_stats *st)
{
	struct ht_node *node;
	size_t i, len;

	memset(st, 0, sizeof(*st));
	st->count = t->count;
	st->nbuckets = t->nbuckets;
	if (t->buckets == NULL)
		return;
	for (i = 0; i < t->nbuckets; i++) {
		len = 0;
		for (node = t->buckets[i]; node != NULL; node = node->next)
			len++;
		if (len > 0)
			st->used++;
		st->max_chain = MAX(st->max_chain, len);
	}
}

/* Points it->next at the first node in bucket >= from, or NULL. */
static void
ht_iter_scan(struct ht_iter *it, size_t from)
{
	const struct ht *t = it->t;
	size_t i;

	it->next = NULL;
	if (t->buckets == NULL)
		return;
	for (i = from; i < t->nbuckets; i++) {
		if (t->buckets[i] != NULL) {
			it->bucket = i;
			it->next = t->buckets[i];
			return;
		}
	}
	it->bucket = t->nbuckets;
}

struct ht_node *
ht_first(const struct ht *t, struct ht_iter *it)
{
	it->t = t;
	it->bucket = 0;
	ht_iter_scan(it, 0);
	return ht_next(it);
}

/*
 * The successor is found before the node is handed out, because the
 * caller may then unlink it.  The walk resumes from the successor's
 * bucket as it is now: if a shrink ran meanwhile, the successor's new
 * chain holds the rest of its old chain followed by old buckets not yet
 * walked, and the earlier buckets it absorbed were all walked already.
 */
struct ht_node *
ht_next(struct ht_iter *it)
{
	struct ht_node *cur = it->next;

	if (cur == NULL)
		return NULL;
	if (cur->next != NULL) {
		it->bucket = ht_index(cur->hash, it->t->nbuckets);
		it->next = cur->next;
	} else
		ht_iter_scan(it, ht_index(cur->hash, it->t->nbuckets) + 1);
	return cur;
}
