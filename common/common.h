/*
 * common.h - the one public header of libcommon: logging, allocation that
 * aborts on OOM, bounded byte reader/writer, intrusive keyed hash table,
 * per-message arena, network address text forms, and libuv ownership helpers.
 * Everything else in Mirador depends on this directory; it depends on
 * nothing of Mirador.
 */
#ifndef SDN_COMMON_H
#define SDN_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <uv.h>

#define nitems(a) (sizeof(a) / sizeof((a)[0]))
/*
 * Through uintptr_t so that a const member pointer (an ht_eq_cb's node)
 * gives a "const type *" without -Wcast-qual; type carries the const.
 */
#define container_of(ptr, type, member)                                        \
	((type *)((uintptr_t)(ptr)-offsetof(type, member)))
/* <uv.h> pulls in <sys/param.h>, which may have defined these already. */
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif
#define PRINTFLIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#define NORETURN              __attribute__((noreturn))

/* log.c */
enum log_level {
	LOG_LEVEL_ERR = 0, /* errors only */
	LOG_LEVEL_WARN,    /* errors and warnings */
	LOG_LEVEL_INFO,    /* default: state changes */
	LOG_LEVEL_DEBUG,   /* everything */
};
/* Sets the program name used in each line and the level; logs to stderr. */
void log_init(const char *procname, enum log_level level);
/* Appends to path (created 0640); 0 or -errno, old target kept on error. */
int log_open_file(const char *path);
/* Re-opens the log file (after rotation): 0 (also when logging to stderr
 * or syslog: nothing to do) or -errno, the old file kept. */
int log_reopen(void);
/* Sends lines to syslog(3) instead of stderr or a file. */
void log_use_syslog(void);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* "err", "warn", "info", "debug" -> level; 0 or -EINVAL. */
int log_level_parse(const char *s, enum log_level *level);
const char *log_level_name(enum log_level level);
/* Closes the log file or syslog; later lines go to stderr. */
void log_fini(void);

/*
 * Each line: "<ISO-8601 UTC time> <procname>[<pid>]: <level>: [<peer>: ]msg".
 * log_warn and log_peer_warn append ": strerror(errno)"; the x forms do not.
 */
void log_err(const char *fmt, ...) PRINTFLIKE(1, 2);
void log_warn(const char *fmt, ...) PRINTFLIKE(1, 2);
void log_warnx(const char *fmt, ...) PRINTFLIKE(1, 2);
void log_info(const char *fmt, ...) PRINTFLIKE(1, 2);
void log_debug(const char *fmt, ...) PRINTFLIKE(1, 2);
void log_peer_warn(const char *peer, const char *fmt, ...) PRINTFLIKE(2, 3);
void log_peer_warnx(const char *peer, const char *fmt, ...) PRINTFLIKE(2, 3);
void log_peer_info(const char *peer, const char *fmt, ...) PRINTFLIKE(2, 3);
void log_peer_debug(const char *peer, const char *fmt, ...) PRINTFLIKE(2, 3);
/* OOM and broken invariants only: logs (fatal adds strerror) and aborts. */
NORETURN void fatal(const char *fmt, ...) PRINTFLIKE(1, 2);
NORETURN void fatalx(const char *fmt, ...) PRINTFLIKE(1, 2);

/* xalloc.c: never return NULL; fatalx on OOM or size overflow. */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xmemdup(const void *p, size_t n);
char *xasprintf(const char *fmt, ...) PRINTFLIKE(1, 2);
/* strlcpy(3): copies at most size-1 bytes, NUL-terminates; returns strlen(src). */
size_t str_lcpy(char *dst, const char *src, size_t size);

/*
 * buf.c: bounded reader.  Every get checks the remaining length first and
 * returns -1 on underrun, leaving the reader unchanged; 0 on success.
 * Multi-byte integers are read in network (big-endian) order.
 */
struct buf {
	const uint8_t *data; /* borrowed */
	size_t len;          /* bytes in data */
	size_t pos;          /* next byte to read */
};
void buf_init(struct buf *b, const void *data, size_t len);
static inline size_t
buf_left(const struct buf *b)
{
	return b->len - b->pos;
}
int buf_get_u8(struct buf *b, uint8_t *v);
int buf_get_u16(struct buf *b, uint16_t *v);
int buf_get_u24(struct buf *b, uint32_t *v);
int buf_get_u32(struct buf *b, uint32_t *v);
int buf_get_u64(struct buf *b, uint64_t *v);
int buf_get_bytes(struct buf *b, void *dst, size_t n);
/* A sub-reader over the next n bytes, which are consumed from b. */
int buf_get_sub(struct buf *b, size_t n, struct buf *sub);
int buf_skip(struct buf *b, size_t n);
int buf_peek_u8(const struct buf *b, uint8_t *v);
/* Pointer to the next n bytes (borrowed), consumed; NULL on underrun. */
const uint8_t *buf_get_ptr(struct buf *b, size_t n);

/*
 * Bounded writer.  A fixed writer writes into caller memory of cap bytes;
 * a dynamic writer grows with xrealloc up to max bytes.  A put that would
 * pass the bound returns -1 and writes nothing.
 */
struct wbuf {
	uint8_t *data; /* fixed: borrowed; dynamic: owned */
	size_t len;    /* bytes written */
	size_t cap;    /* bytes allocated */
	size_t max;    /* hard bound on len */
	bool dynamic;  /* data is ours to grow and free */
};
void wbuf_init(struct wbuf *w, void *mem, size_t cap);
void wbuf_init_dyn(struct wbuf *w, size_t max);
/* Frees a dynamic writer's memory; no-op for a fixed one. */
void wbuf_fini(struct wbuf *w);
void wbuf_reset(struct wbuf *w);
int wbuf_put_u8(struct wbuf *w, uint8_t v);
int wbuf_put_u16(struct wbuf *w, uint16_t v);
int wbuf_put_u24(struct wbuf *w, uint32_t v);
int wbuf_put_u32(struct wbuf *w, uint32_t v);
int wbuf_put_u64(struct wbuf *w, uint64_t v);
int wbuf_put_bytes(struct wbuf *w, const void *src, size_t n);
int wbuf_put_str(struct wbuf *w, const char *s); /* without the NUL */
int wbuf_printf(struct wbuf *w, const char *fmt, ...) PRINTFLIKE(2, 3);
/* Reserves n zero bytes, returns their offset (for later fix-up) or -1. */
ssize_t wbuf_reserve(struct wbuf *w, size_t n);
/* Overwrite already written bytes at off; -1 if [off, off+n) > len. */
int wbuf_set_u8(struct wbuf *w, size_t off, uint8_t v);
int wbuf_set_u16(struct wbuf *w, size_t off, uint16_t v);
int wbuf_set_u32(struct wbuf *w, size_t off, uint32_t v);

/*
 * ht.c: intrusive hash table.  Nodes are embedded in their objects; the
 * table never allocates or frees nodes.  Hashes are keyed (SipHash-2-4)
 * with a key seeded at start-up, since peers control the input.
 */
struct ht_node {
	struct ht_node *next; /* bucket chain */
	uint64_t hash;        /* full hash, kept for resize */
};
struct ht {
	struct ht_node **buckets; /* nbuckets heads */
	size_t nbuckets;          /* power of two */
	size_t count;             /* nodes linked */
};
struct ht_stats {
	size_t count;     /* nodes */
	size_t nbuckets;  /* buckets */
	size_t used;      /* non-empty buckets */
	size_t max_chain; /* longest chain */
};
/* True if node's key equals key. */
typedef bool (*ht_eq_cb)(const struct ht_node *node, const void *key);
/* Seeds the hash key from getrandom(); called once before any hash. */
void ht_seed_random(void);
/* Fixed key for reproducible tests. */
void ht_seed(const uint8_t key[16]);
uint64_t ht_hash(const void *data, size_t len);
uint64_t ht_hash_str(const char *s);
/* Streaming form of ht_hash, for composite keys. */
struct ht_hasher {
	uint64_t v[4];   /* SipHash state */
	uint8_t tail[8]; /* bytes not yet compressed */
	size_t ntail;    /* valid bytes in tail */
	uint64_t total;  /* bytes added */
};
void ht_hasher_init(struct ht_hasher *h);
void ht_hasher_add(struct ht_hasher *h, const void *data, size_t len);
uint64_t ht_hasher_final(const struct ht_hasher *h);

void ht_init(struct ht *t, size_t hint);
/* Frees the bucket array; the nodes still linked are the caller's. */
void ht_fini(struct ht *t);
/* Borrowed node with this hash and key, or NULL. */
struct ht_node *ht_lookup(
    const struct ht *t, uint64_t hash, const void *key, ht_eq_cb eq);
/*
 * Cache hints for a lookup of hash coming soon (they change nothing):
 * ht_prefetch starts loading its bucket; ht_prefetch_node, called some
 * time later when the bucket is in, the first node of its chain.
 */
void ht_prefetch(const struct ht *t, uint64_t hash);
void ht_prefetch_node(const struct ht *t, uint64_t hash);
/* Links node (not linked elsewhere); duplicates are the caller's concern. */
void ht_insert(struct ht *t, struct ht_node *node, uint64_t hash);
/* Unlinks a linked node. fatalx if it is not in the table. */
void ht_remove(struct ht *t, struct ht_node *node);
void ht_get_stats(const struct ht *t, struct ht_stats *st);
/*
 * Iteration; the current node may be removed during the walk:
 *   struct ht_iter it; for (n = ht_first(t, &it); n; n = ht_next(&it))
 */
struct ht_iter {
	const struct ht *t;   /* table walked */
	size_t bucket;        /* bucket of next */
	struct ht_node *next; /* node after the current one */
};
struct ht_node *ht_first(const struct ht *t, struct ht_iter *it);
struct ht_node *ht_next(struct ht_iter *it);

/*
 * arena.c: per-message arena.  Allocations are aligned for any type and
 * freed together by arena_reset (keeps the first chunk for reuse) or
 * arena_fini.  arena_save/arena_restore free everything allocated after
 * the mark.  Allocation never fails (fatalx on OOM).
 */
struct arena_chunk;
struct arena {
	struct arena_chunk *head; /* newest chunk first */
	size_t chunk_size;        /* default chunk payload */
	size_t total;             /* bytes handed out since reset */
};
struct arena_mark {
	struct arena_chunk *chunk; /* head at save time */
	size_t used;               /* bytes used in it */
	size_t total;              /* arena total at save time */
};
void arena_init(struct arena *a, size_t chunk_size);
void arena_fini(struct arena *a);
void arena_reset(struct arena *a);
void *arena_alloc(struct arena *a, size_t size);
void *arena_zalloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void *arena_memdup(struct arena *a, const void *p, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) PRINTFLIKE(2, 3);
struct arena_mark arena_save(const struct arena *a);
void arena_restore(struct arena *a, struct arena_mark m);
/* Bytes handed out since the last reset (for stats and limits). */
size_t arena_used(const struct arena *a);

/*
 * pool.c: fixed-size object pools (BIRD slab).  Objects of one size, with
 * no per-object header, from chunks of about 64 KiB that the pool keeps
 * until pool_fini; freed objects serve the next allocations.  One thread.
 */
struct pool_chunk;
struct pool {
	size_t size;               /* object size, rounded to a pointer's */
	size_t per_chunk;          /* objects per chunk */
	struct pool_chunk *chunks; /* newest first */
	void *free;                /* freed objects, linked through their
				    * first word */
	uint8_t *next;             /* next never-used object of the newest
				    * chunk */
	size_t fresh;              /* never-used objects left there */
	size_t nobjs;              /* objects in use */
	size_t nchunks;
};
void pool_init(struct pool *p, size_t size);
/* Frees every chunk; objects still in use go with them. */
void pool_fini(struct pool *p);
/* A zeroed object; aborts when out of memory, like xcalloc. */
void *pool_zalloc(struct pool *p);
/* Gives obj (from p, or NULL) back; fatalx when p has none in use. */
void pool_free(struct pool *p, void *obj);
/* Bytes the pool holds in chunks (for stats). */
size_t pool_bytes(const struct pool *p);

/*
 * bitset.c: a growable bit per small id (what was sent to a listener, by
 * rt_entry_id).  Zero-initialised is empty; bits beyond the end read 0.
 */
struct bitset {
	uint8_t *bits;
	size_t nbytes;
};
bool bitset_get(const struct bitset *s, uint32_t id);
/* Sorts v ascending and drops repeats; returns how many are left. */
size_t u64_sort_unique(uint64_t *v, size_t n);
void bitset_set(struct bitset *s, uint32_t id, bool on);
/* Bits set (for stats; walks the set). */
size_t bitset_count(const struct bitset *s);
void bitset_fini(struct bitset *s);

/*
 * netaddr.c: text forms of addresses.  parse returns 0 or -EINVAL and
 * accepts only the canonical syntax (no trailing garbage, no leading
 * spaces); print writes a NUL-terminated string into buf and returns it,
 * or NULL if len is too small (buf is then unspecified).
 */
struct ipaddr {
	sa_family_t af; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t b[16];
	} u;
};
struct prefix {
	struct ipaddr addr; /* host bits are zero */
	uint8_t len;        /* 0..32 or 0..128 */
};
struct macaddr {
	uint8_t b[6];
};
#define IPADDR_STRLEN   INET6_ADDRSTRLEN
#define PREFIX_STRLEN   (INET6_ADDRSTRLEN + 4)
#define MACADDR_STRLEN  18
#define RTARGET_STRLEN  32
#define SOCKADDR_STRLEN (INET6_ADDRSTRLEN + 8)
int ipaddr_parse(const char *s, struct ipaddr *ip);
const char *ipaddr_print(const struct ipaddr *ip, char *buf, size_t len);
int ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b);
/* "10.1.0.0/16"; host bits set -> -EINVAL unless allow_host_bits. */
int prefix_parse(const char *s, struct prefix *p, bool allow_host_bits);
const char *prefix_print(const struct prefix *p, char *buf, size_t len);
/* True if ip is inside p. */
bool prefix_contains(const struct prefix *p, const struct ipaddr *ip);
/* "02:00:5e:00:01:0a" (either case, exactly 6 two-digit groups). */
int macaddr_parse(const char *s, struct macaddr *mac);
const char *macaddr_print(const struct macaddr *mac, char *buf, size_t len);
/*
 * Route targets as 8-byte extended communities (RFC 4360, 5668) in host
 * order: type << 56 | subtype 0x02 << 48 | value.  Text forms:
 *   target:<asn 0..65535>:<0..4294967295>   type 0x00 (two-octet AS)
 *   target:<ipv4>:<0..65535>                type 0x01
 *   target:<asn 65536..4294967295>:<0..65535>  type 0x02 (four-octet AS)
 */
int rtarget_parse(const char *s, uint64_t *rt);
/* NULL also for a value rtarget_parse never returns (other type or
 * subtype; type 0x02 with an AS below 65536), which has no text form. */
const char *rtarget_print(uint64_t rt, char *buf, size_t len);
/* "127.0.0.1:179", "[::1]:179", or an address alone with default_port. */
int sockaddr_parse(
    const char *s, uint16_t default_port, struct sockaddr_storage *ss);
const char *sockaddr_print(const struct sockaddr *sa, char *buf, size_t len);
/* The address part of an AF_INET/AF_INET6 sockaddr; 0 or -EINVAL. */
int ipaddr_from_sockaddr(struct ipaddr *ip, const struct sockaddr *sa);
/* Order by family, address, then port; 0 when equal. */
int sockaddr_cmp(const struct sockaddr *a, const struct sockaddr *b);
/* The port (host order) of an AF_INET/AF_INET6 sockaddr, else 0. */
uint16_t sockaddr_port(const struct sockaddr *sa);
/* True for 0.0.0.0, ::, and an address of no family. */
bool ipaddr_is_unspecified(const struct ipaddr *ip);
/* ip and port as a sockaddr (zeroed first); 0 or -EINVAL. */
int sockaddr_from_ipaddr(
    struct sockaddr_storage *ss, const struct ipaddr *ip, uint16_t port);

/*
 * uvx.c: libuv handle ownership (knot-resolver session2).  An owner embeds
 * a struct uvx_owner and registers its handles with uvx_own(); each
 * handle's data points at the owner.  uvx_owner_close() closes every open
 * handle and calls free_cb after the last close_cb, so the owner is freed
 * exactly once, never while libuv still holds one of its handles.
 */
#define UVX_MAX_HANDLES 8
struct uvx_owner;
typedef void (*uvx_free_cb)(struct uvx_owner *owner);
struct uvx_owner {
	uv_handle_t *handles[UVX_MAX_HANDLES]; /* registered, borrowed */
	unsigned nhandles;                     /* registered */
	unsigned nopen;                        /* not yet closed */
	bool closing;                          /* uvx_owner_close called */
	uvx_free_cb free_cb;                   /* after the last close */
};
void uvx_owner_init(struct uvx_owner *o);
/* Registers an initialised handle; sets h->data = o. fatalx if full. */
void uvx_own(struct uvx_owner *o, uv_handle_t *h);
/* Closes all handles; free_cb(o) runs once all are closed (at once when
 * none is open).  Calling it again is a no-op. */
void uvx_owner_close(struct uvx_owner *o, uvx_free_cb free_cb);
/* The owner of a registered handle. */
static inline struct uvx_owner *
uvx_owner_of(const uv_handle_t *h)
{
	return (struct uvx_owner *)h->data;
}
/*
 * A write request that carries a copy of its payload and frees itself
 * after write_cb; cb (may be NULL) sees the libuv status.
 */
typedef void (*uvx_write_cb)(uv_stream_t *stream, int status, void *arg);
/* Queues a copy of data; 0 or a negative UV_E* code (nothing queued). */
int uvx_write(uv_stream_t *stream, const void *data, size_t len,
    uvx_write_cb cb, void *arg);
/*
 * Closes every handle still open on loop (calling their owners' paths is
 * the callers' job first), runs the loop until they are closed and returns
 * uv_loop_close(loop): 0 when nothing leaked.
 */
int uvx_loop_close_all(uv_loop_t *loop);

#endif /* SDN_COMMON_H */
