/*
 * cn_rt.c - routing tables: entries, paths, best-path selection, copies
 * and listeners.  The state layer of the routing core (cn.h explains the
 * model).  Nothing here does I/O; protocols put paths in with rt_update
 * and read changes out through listeners.
 *
 * Entries live in a keyed hash (lookup) and on a change list ordered by
 * their last change (listeners, walks).  Tombstones (entries whose last
 * path went) are freed by a small queue once every listener has passed
 * them.  Entries, paths and copies come from pools shared by every table
 * (one per entry size), not from malloc: a route costs no allocator
 * header and no rounding, and a table of a million routes no million
 * mallocs.  Loop thread only.
 */
#include "control-node/cn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A secondary path: the copy of a primary made by replication. */
struct rt_copy {
	struct rt_path path;     /* first; path.repl is the primary */
	struct rt_copy *sibling; /* next copy of the same primary */
	struct rt_entry *entry;  /* where the copy lives */
};

struct rt_entry {
	struct ht_node node;    /* in table->entries */
	struct rt_entry *prev;  /* change list, older */
	struct rt_entry *next;  /* change list, newer */
	struct rt_table *table; /* owner */
	struct rt_path *paths;  /* best first; NULL: tombstone */
	uint64_t seq;           /* table seq of the last change */
	uint32_t id;            /* small id (rt_entry_id) */
	uint16_t ncursor;       /* listeners whose next entry is this */
	uint8_t keylen;         /* bytes in key */
	uint8_t in_gc;          /* queued on table->gc */
	uint8_t key[];          /* rt_key_encode form */
};

struct rt_listener {
	struct rt_table *table;
	struct rt_listener *prev, *next; /* table->busy or table->idle */
	struct rt_entry *cur;            /* next entry to deliver, or NULL */
	struct rt_entry *held;           /* last delivered, kept alive */
	uint64_t feed_seq;               /* table seq when it came */
	bool busy;                       /* on table->busy */
	rt_notify_cb notify;
	void *arg;
};

/* Tombstones waiting for every listener to pass them. */
struct rt_gc {
	struct rt_entry **v; /* queue, oldest at head */
	size_t head, n, cap;
};

struct rt_table {
	char *name;
	enum rt_family family;
	void *owner;
	struct ht entries;             /* rt_entry by encoded key */
	struct rt_entry *first, *last; /* change list */
	uint64_t seq;                  /* last change number */
	size_t nprefixes, npaths;
	struct rt_listener *busy, *idle; /* listeners with/without work */
	unsigned nlisteners;
	struct rt_gc gc;
	uint32_t *free_ids; /* ids of freed entries, a stack */
	size_t nfree_ids, capfree_ids;
	uint32_t id_limit; /* ids handed out so far */
	rt_repl_cb repl;
	void *repl_arg;
};

/*
 * The pools: entries by key length, in steps of ENTRY_KEY_STEP bytes
 * (inet keys take the first, inet-vpn keys the second), paths, copies.
 */
#define ENTRY_KEY_STEP 8
#define ENTRY_POOLS    ((RT_KEY_MAX + ENTRY_KEY_STEP - 1) / ENTRY_KEY_STEP)
static struct pool entry_pools[ENTRY_POOLS];
static struct pool path_pool, copy_pool;
static bool pools_ready;

static void
pools_init(void)
{
	size_t i;

	if (pools_ready)
		return;
	for (i = 0; i < ENTRY_POOLS; i++)
		pool_init(&entry_pools[i],
		    sizeof(struct rt_entry) + (i + 1) * ENTRY_KEY_STEP);
	pool_init(&path_pool, sizeof(struct rt_path));
	pool_init(&copy_pool, sizeof(struct rt_copy));
	pools_ready = true;
}

static struct pool *
entry_pool(size_t keylen)
{
	return &entry_pools[keylen == 0 ? 0 : (keylen - 1) / ENTRY_KEY_STEP];
}

/*
 * Keys hinted by rt_prefetch, in a ring shared by every table (loop
 * thread only): a lookup finds its hash here instead of computing it
 * again.  A hint is used once; an unused one is overwritten in time.
 * HINT_NODE hints after a key's bucket was prefetched, its first entry
 * is: the bucket has had time to arrive.
 */
#define HINTS     16
#define HINT_NODE 4
struct hint {
	const struct rt_table *t; /* NULL: free or used */
	uint64_t hash;
	uint8_t len;
	uint8_t key[RT_KEY_MAX];
};
static struct hint hints[HINTS];
static unsigned hint_next;  /* the slot the next hint takes */
static unsigned hint_taken; /* the slot of the last hint used */

/* ------------------------------------------------------------------ */
/* Sources                                                             */
/* ------------------------------------------------------------------ */

struct rt_source *
rt_source_new(enum rt_source_type type, const char *name)
{
	struct rt_source *src = xcalloc(1, sizeof(*src));

	src->type = type;
	str_lcpy(src->name, name, sizeof(src->name));
	src->refcnt = 1;
	return src;
}

struct rt_source *
rt_source_ref(struct rt_source *src)
{
	if (src->refcnt == 0 || src->refcnt == UINT32_MAX)
		fatalx("%s: refcnt %u", __func__, src->refcnt);
	src->refcnt++;
	return src;
}

void
rt_source_unref(struct rt_source *src)
{
	if (src == NULL)
		return;
	if (src->refcnt == 0)
		fatalx("%s: unref of a freed source", __func__);
	if (--src->refcnt == 0)
		free(src);
}

const char *
rt_source_type_name(enum rt_source_type type)
{
	switch (type) {
	case RT_SRC_LOCAL:
		return "local";
	case RT_SRC_XMPP:
		return "xmpp";
	case RT_SRC_BGP:
		return "bgp";
	}
	return "?";
}

/* ------------------------------------------------------------------ */
/* Tables                                                              */
/* ------------------------------------------------------------------ */

struct rt_table *
rt_table_new(enum rt_family family, const char *name, void *owner)
{
	struct rt_table *t = xcalloc(1, sizeof(*t));

	pools_init();
	t->name = xstrdup(name);
	t->family = family;
	t->owner = owner;
	ht_init(&t->entries, 0);
	return t;
}

void
rt_table_free(struct rt_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	if (t->first != NULL || t->nlisteners != 0)
		fatalx(
		    "%s: %s still has entries or listeners", __func__, t->name);
	for (i = 0; i < HINTS; i++)
		if (hints[i].t == t)
			hints[i].t = NULL;
	ht_fini(&t->entries);
	free(t->gc.v);
	free(t->free_ids);
	free(t->name);
	free(t);
}

const char *
rt_table_name(const struct rt_table *t)
{
	return t->name;
}

enum rt_family
rt_table_family(const struct rt_table *t)
{
	return t->family;
}

void *
rt_table_owner(const struct rt_table *t)
{
	return t->owner;
}

size_t
rt_table_prefixes(const struct rt_table *t)
{
	return t->nprefixes;
}

size_t
rt_table_paths(const struct rt_table *t)
{
	return t->npaths;
}

uint64_t
rt_table_seq(const struct rt_table *t)
{
	return t->seq;
}

void
rt_table_set_repl(struct rt_table *t, rt_repl_cb cb, void *arg)
{
	t->repl = cb;
	t->repl_arg = arg;
}

/* ------------------------------------------------------------------ */
/* Entries                                                             */
/* ------------------------------------------------------------------ */

/* An encoded key and its hash, computed once per operation. */
struct key_ref {
	const uint8_t *key;
	size_t len;
	uint64_t hash;
};

static bool
hint_take(const struct rt_table *t, struct key_ref *ref)
{
	struct hint *h;
	unsigned i;

	/* From the one after the last used: hints are mostly used in the
	 * order they were given. */
	for (i = 1; i <= HINTS; i++) {
		h = &hints[(hint_taken + i) % HINTS];
		if (h->t == t && h->len == ref->len &&
		    memcmp(h->key, ref->key, ref->len) == 0) {
			ref->hash = h->hash;
			h->t = NULL;
			hint_taken = (hint_taken + i) % HINTS;
			return true;
		}
	}
	return false;
}

/* Encodes k for t into buf and hashes it; false for a key t cannot hold. */
static bool
key_make(const struct rt_table *t, const struct rt_key *k, uint8_t *buf,
    struct key_ref *ref)
{
	if (k->family != t->family || (ref->len = rt_key_encode(k, buf)) == 0)
		return false;
	ref->key = buf;
	if (!hint_take(t, ref))
		ref->hash = ht_hash(buf, ref->len);
	return true;
}

void
rt_prefetch(const struct rt_table *t, const struct rt_key *k)
{
	struct hint *h = &hints[hint_next], *back;
	size_t len;

	h->t = NULL; /* its key bytes are overwritten now */
	if (k->family != t->family || (len = rt_key_encode(k, h->key)) == 0)
		return;
	h->t = t;
	h->len = (uint8_t)len;
	h->hash = ht_hash(h->key, len);
	ht_prefetch(&t->entries, h->hash);
	back = &hints[(hint_next + HINTS - HINT_NODE) % HINTS];
	if (back->t != NULL)
		ht_prefetch_node(&back->t->entries, back->hash);
	hint_next = (hint_next + 1) % HINTS;
}

static bool
entry_eq(const struct ht_node *n, const void *arg)
{
	const struct rt_entry *e = container_of(n, const struct rt_entry, node);
	const struct key_ref *k = arg;

	return e->keylen == k->len && memcmp(e->key, k->key, k->len) == 0;
}

static struct rt_entry *
entry_find(const struct rt_table *t, const struct key_ref *k)
{
	struct ht_node *n;

	n = ht_lookup(&t->entries, k->hash, k, entry_eq);
	return n != NULL ? container_of(n, struct rt_entry, node) : NULL;
}

static void
list_unlink(struct rt_table *t, struct rt_entry *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		t->first = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		t->last = e->prev;
	e->prev = e->next = NULL;
}

static void
list_append(struct rt_table *t, struct rt_entry *e)
{
	e->prev = t->last;
	e->next = NULL;
	if (t->last != NULL)
		t->last->next = e;
	else
		t->first = e;
	t->last = e;
}

static void
listener_link(struct rt_listener **head, struct rt_listener *l)
{
	l->prev = NULL;
	l->next = *head;
	if (*head != NULL)
		(*head)->prev = l;
	*head = l;
}

static void
listener_unlink(struct rt_listener **head, struct rt_listener *l)
{
	if (l->prev != NULL)
		l->prev->next = l->next;
	else
		*head = l->next;
	if (l->next != NULL)
		l->next->prev = l->prev;
	l->prev = l->next = NULL;
}

/*
 * Points l at e (NULL: caught up).  A listener is on table->busy exactly
 * while it has an entry to read, on table->idle otherwise.
 */
static void
cursor_set(struct rt_listener *l, struct rt_entry *e)
{
	struct rt_table *t = l->table;

	if (l->cur != NULL)
		l->cur->ncursor--;
	l->cur = e;
	if (e != NULL)
		e->ncursor++;
	if (e == NULL && l->busy) {
		listener_unlink(&t->busy, l);
		listener_link(&t->idle, l);
		l->busy = false;
	} else if (e != NULL && !l->busy) {
		listener_unlink(&t->idle, l);
		listener_link(&t->busy, l);
		l->busy = true;
	}
}

/*
 * e changed: give it the next sequence number and move it to the tail of
 * the change list.  Listeners resting on e step over it (they will meet
 * it again at the tail); caught-up listeners now have e to read.
 */
static void
entry_touch(struct rt_entry *e)
{
	struct rt_table *t = e->table;
	struct rt_listener *l, *next;

	e->seq = ++t->seq;
	if (e->next != NULL) {
		if (e->ncursor > 0)
			for (l = t->busy; l != NULL; l = l->next)
				if (l->cur == e)
					cursor_set(l, e->next);
		list_unlink(t, e);
		list_append(t, e);
	}
	/* Every idle listener now has e to read: tell it (once). */
	for (l = t->idle; l != NULL; l = next) {
		next = l->next;
		cursor_set(l, e);
		if (l->notify != NULL)
			l->notify(l, l->arg);
	}
}

static void
entry_free(struct rt_entry *e)
{
	struct rt_table *t = e->table;

	if (e->paths != NULL || e->ncursor != 0)
		fatalx("%s: entry still in use", __func__);
	ht_remove(&t->entries, &e->node);
	list_unlink(t, e);
	if (t->nfree_ids == t->capfree_ids) {
		t->capfree_ids = t->capfree_ids ? t->capfree_ids * 2 : 64;
		t->free_ids = xreallocarray(
		    t->free_ids, t->capfree_ids, sizeof(*t->free_ids));
	}
	t->free_ids[t->nfree_ids++] = e->id;
	pool_free(entry_pool(e->keylen), e);
}

static struct rt_entry *
entry_get(struct rt_table *t, const struct rt_key *k)
{
	uint8_t key[RT_KEY_MAX];
	struct key_ref ref;
	struct rt_entry *e;

	if (!key_make(t, k, key, &ref))
		return NULL;
	if ((e = entry_find(t, &ref)) != NULL)
		return e;
	e = pool_zalloc(entry_pool(ref.len));
	e->table = t;
	e->id = t->nfree_ids > 0 ? t->free_ids[--t->nfree_ids] : t->id_limit++;
	e->keylen = (uint8_t)ref.len;
	memcpy(e->key, key, ref.len);
	ht_insert(&t->entries, &e->node, ref.hash);
	list_append(t, e);
	return e;
}

static void
gc_push(struct rt_table *t, struct rt_entry *e)
{
	struct rt_gc *g = &t->gc;

	if (e->in_gc)
		return;
	if (g->head + g->n == g->cap) {
		if (g->head > 0) {
			memmove(g->v, g->v + g->head, g->n * sizeof(*g->v));
			g->head = 0;
		} else {
			g->cap = g->cap ? g->cap * 2 : 16;
			g->v = xreallocarray(g->v, g->cap, sizeof(*g->v));
		}
	}
	g->v[g->head + g->n++] = e;
	e->in_gc = 1;
}

/* The change number below which every listener has read everything. */
static uint64_t
gc_horizon(const struct rt_table *t)
{
	const struct rt_listener *l;
	uint64_t min = UINT64_MAX;

	for (l = t->busy; l != NULL; l = l->next) {
		if (l->cur != NULL && l->cur->seq < min)
			min = l->cur->seq;
		if (l->held != NULL && l->held->seq < min)
			min = l->held->seq;
	}
	for (l = t->idle; l != NULL; l = l->next)
		if (l->held != NULL && l->held->seq < min)
			min = l->held->seq;
	return min;
}

/* Frees the tombstones every listener has passed. */
static void
gc_run(struct rt_table *t)
{
	struct rt_gc *g = &t->gc;
	struct rt_entry *e;
	uint64_t horizon;

	if (g->n == 0)
		return;
	horizon = gc_horizon(t);
	while (g->n > 0) {
		e = g->v[g->head];
		if (e->paths == NULL && e->seq >= horizon)
			break;
		g->head++;
		g->n--;
		e->in_gc = 0;
		if (e->paths == NULL)
			entry_free(e);
	}
	if (g->n == 0)
		g->head = 0;
}

/* ------------------------------------------------------------------ */
/* Best path                                                           */
/* ------------------------------------------------------------------ */

static int
cmp_u32(uint32_t a, uint32_t b)
{
	return (a > b) - (a < b);
}

/*
 * The ECMP part of the order: paths equal here are equal cost.  Contrail
 * (BgpPath::PathCompare) and RFC 4271 9.1.2.2 (a)-(e).
 */
static int
cmp_ecmp(const struct rt_path *a, const struct rt_path *b)
{
	const struct attr *x = a->attr, *y = b->attr;
	int c;

	/* Usable first; stale and long-lived stale last (RFC 9494). */
	if ((c = (int)!!(a->flags & RT_PATH_INFEASIBLE) -
		    (int)!!(b->flags & RT_PATH_INFEASIBLE)) != 0)
		return c;
	if ((c = (int)!!(a->flags & RT_PATH_LLGR_STALE) -
		    (int)!!(b->flags & RT_PATH_LLGR_STALE)) != 0)
		return c;
	/* Higher LOCAL_PREF. */
	if ((c = cmp_u32(attr_local_pref(y), attr_local_pref(x))) != 0)
		return c;
	/* Higher MAC mobility sequence: the newer location (RFC 7432 15). */
	if ((c = cmp_u32(attr_mac_mobility_seq(y), attr_mac_mobility_seq(x))) !=
	    0)
		return c;
	/* Shorter AS path, lower origin. */
	if ((c = cmp_u32(attr_aspath_count(x), attr_aspath_count(y))) != 0)
		return c;
	if ((c = cmp_u32(x->origin, y->origin)) != 0)
		return c;
	/* Lower MED, between paths from the same neighbour AS. */
	if (attr_aspath_first(x) == attr_aspath_first(y) &&
	    (c = cmp_u32((x->flags & ATTR_F_MED) ? x->med : 0,
		 (y->flags & ATTR_F_MED) ? y->med : 0)) != 0)
		return c;
	/* Local and agent routes over learned ones; eBGP over iBGP. */
	if ((c = (a->src->type == RT_SRC_BGP) - (b->src->type == RT_SRC_BGP)) !=
	    0)
		return c;
	if (a->src->type == RT_SRC_BGP &&
	    (c = (int)!a->src->ebgp - (int)!b->src->ebgp) != 0)
		return c;
	return 0;
}

int
rt_path_cmp(const struct rt_path *a, const struct rt_path *b)
{
	const struct attr *x = a->attr, *y = b->attr;
	uint32_t ida, idb;
	int c;

	if ((c = cmp_ecmp(a, b)) != 0)
		return c;
	/* Graceful-restart stale paths lose ties. */
	if ((c = (int)!!(a->flags & RT_PATH_STALE) -
		    (int)!!(b->flags & RT_PATH_STALE)) != 0)
		return c;
	/* Lower router id (ORIGINATOR_ID when reflected), shorter cluster
	 * list, lower peer address (RFC 4271 (f)-(g), RFC 4456 9). */
	ida = (x->flags & ATTR_F_ORIGINATOR) ? x->originator_id
					     : a->src->router_id;
	idb = (y->flags & ATTR_F_ORIGINATOR) ? y->originator_id
					     : b->src->router_id;
	if ((c = cmp_u32(ida, idb)) != 0)
		return c;
	if ((c = cmp_u32(x->ncluster, y->ncluster)) != 0)
		return c;
	if ((c = ipaddr_cmp(&a->src->addr, &b->src->addr)) != 0)
		return c;
	/* Deterministic to the end: name, then primary before copy. */
	if ((c = strcmp(a->src->name, b->src->name)) != 0)
		return c;
	return (int)!!(a->flags & RT_PATH_SECONDARY) -
	    (int)!!(b->flags & RT_PATH_SECONDARY);
}

/* What listeners see of an entry: the ECMP set, path by path. */
struct visible {
	size_t n;
	struct {
		const struct attr *attr;
		const struct rt_source *src;
		uint32_t label;
		uint16_t flags;
	} p[8];
	bool overflow; /* more than fit: treat as always changed */
};

static void
visible_get(const struct rt_entry *e, struct visible *v)
{
	const struct rt_path *p;

	/* Zeroed, padding included: visible_eq compares with memcmp. */
	memset(v, 0, sizeof(*v));
	for (p = e->paths; p != NULL && (p->flags & RT_PATH_ECMP);
	     p = p->next) {
		if (v->n == nitems(v->p)) {
			v->overflow = true;
			return;
		}
		v->p[v->n].attr = p->attr;
		v->p[v->n].src = p->src;
		v->p[v->n].label = p->label;
		v->p[v->n].flags = p->flags;
		v->n++;
	}
}

static bool
visible_eq(const struct visible *a, const struct visible *b)
{
	return !a->overflow && !b->overflow && a->n == b->n &&
	    (a->n == 0 || memcmp(a->p, b->p, a->n * sizeof(a->p[0])) == 0);
}

/* Re-sorts e's paths (insertion sort: entries have few) and marks the
 * best path and the ECMP set. */
static void
entry_select(struct rt_entry *e)
{
	struct rt_path *sorted = NULL, *p, *next, **pp;

	for (p = e->paths; p != NULL; p = next) {
		next = p->next;
		p->flags &= (uint16_t) ~(RT_PATH_BEST | RT_PATH_ECMP);
		for (pp = &sorted; *pp != NULL && rt_path_cmp(*pp, p) <= 0;
		     pp = &(*pp)->next)
			;
		p->next = *pp;
		*pp = p;
	}
	e->paths = sorted;
	if (sorted == NULL || (sorted->flags & RT_PATH_INFEASIBLE))
		return;
	sorted->flags |= RT_PATH_BEST | RT_PATH_ECMP;
	for (p = sorted->next; p != NULL && cmp_ecmp(sorted, p) == 0;
	     p = p->next)
		p->flags |= RT_PATH_ECMP;
}

/*
 * After e's paths changed: select, and if what listeners see changed,
 * touch e.  A new tombstone is freed at once when no listener can need
 * it, else queued for the collector.
 */
static void
entry_changed(struct rt_entry *e, const struct visible *before, bool was_new)
{
	struct rt_table *t = e->table;
	struct visible after;

	entry_select(e);
	visible_get(e, &after);
	if (!was_new && visible_eq(before, &after) && e->paths != NULL)
		return;
	if (was_new && e->paths == NULL)
		goto gone;
	entry_touch(e);
	if (e->paths != NULL)
		return;
gone:
	if (t->nlisteners == 0 && e->ncursor == 0 && !e->in_gc)
		entry_free(e);
	else
		gc_push(t, e);
}

static void
path_unlink(struct rt_entry *e, struct rt_path *path)
{
	struct rt_path **pp;

	for (pp = &e->paths; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == path) {
			*pp = path->next;
			path->next = NULL;
			return;
		}
	}
	fatalx("%s: path not in its entry", __func__);
}

static void
path_free(struct rt_path *path)
{
	attr_unref(path->attr);
	rt_source_unref(path->src);
	pool_free(&path_pool, path);
}

/* ------------------------------------------------------------------ */
/* Primary paths                                                       */
/* ------------------------------------------------------------------ */

static struct rt_path *
primary_find(const struct rt_entry *e, const struct rt_source *src)
{
	struct rt_path *p;

	for (p = e->paths; p != NULL; p = p->next)
		if (p->src == src && !(p->flags & RT_PATH_SECONDARY))
			return p;
	return NULL;
}

static void
copies_remove_all(struct rt_path *primary)
{
	while (primary->repl != NULL)
		rt_copy_remove(primary->repl);
}

static void
primary_remove(struct rt_entry *e, struct rt_path *path)
{
	struct visible before;

	visible_get(e, &before);
	copies_remove_all(path);
	path_unlink(e, path);
	e->table->npaths--;
	if (e->paths == NULL)
		e->table->nprefixes--;
	path->src->nprimary--;
	path_free(path);
	entry_changed(e, &before, false);
}

int
rt_update(struct rt_table *t, const struct rt_key *k, struct rt_source *src,
    struct attr *attr, uint32_t label, uint16_t flags)
{
	struct visible before;
	struct rt_entry *e;
	struct rt_path *p;
	bool was_new;

	if ((e = entry_get(t, k)) == NULL)
		return -EINVAL;
	flags &= RT_PATH_USER_FLAGS;
	was_new = e->paths == NULL;
	visible_get(e, &before);
	if ((p = primary_find(e, src)) != NULL) {
		if (p->attr == attr && p->label == label &&
		    (p->flags & RT_PATH_USER_FLAGS) == flags)
			return 0;
		attr_ref(attr);
		attr_unref(p->attr);
		p->attr = attr;
		p->label = label;
		p->flags = (uint16_t)((p->flags & ~RT_PATH_USER_FLAGS) | flags);
	} else {
		p = pool_zalloc(&path_pool);
		p->attr = attr_ref(attr);
		p->src = rt_source_ref(src);
		p->label = label;
		p->flags = flags;
		p->next = e->paths;
		e->paths = p;
		t->npaths++;
		if (was_new)
			t->nprefixes++;
		src->nprimary++;
	}
	entry_changed(e, &before, was_new);
	if (t->repl != NULL)
		t->repl(t, e, p, t->repl_arg);
	return 0;
}

int
rt_withdraw(struct rt_table *t, const struct rt_key *k, struct rt_source *src)
{
	uint8_t key[RT_KEY_MAX];
	struct key_ref ref;
	struct rt_entry *e;
	struct rt_path *p;

	if (!key_make(t, k, key, &ref))
		return -EINVAL;
	if ((e = entry_find(t, &ref)) == NULL ||
	    (p = primary_find(e, src)) == NULL)
		return -ENOENT;
	primary_remove(e, p);
	return 0;
}

size_t
rt_table_mark_stale(
    struct rt_table *t, const struct rt_source *src, uint16_t flag)
{
	struct ht_iter it;
	struct ht_node *n;
	struct rt_entry *e;
	struct rt_path *p;
	struct visible before;
	size_t count = 0;

	flag &= RT_PATH_USER_FLAGS;
	for (n = ht_first(&t->entries, &it); n != NULL; n = ht_next(&it)) {
		e = container_of(n, struct rt_entry, node);
		if ((p = primary_find(e, src)) == NULL || (p->flags & flag))
			continue;
		visible_get(e, &before);
		p->flags |= flag;
		entry_changed(e, &before, false);
		if (t->repl != NULL)
			t->repl(t, e, p, t->repl_arg);
		count++;
	}
	return count;
}

static bool
flush_match(const struct rt_path *p, const struct rt_source *src, uint16_t flag)
{
	return !(p->flags & RT_PATH_SECONDARY) &&
	    (src == NULL || p->src == src) && (flag == 0 || (p->flags & flag));
}

size_t
rt_table_flush(struct rt_table *t, const struct rt_source *src, uint16_t flag)
{
	struct ht_iter it;
	struct ht_node *n;
	struct rt_entry *e;
	struct rt_path *p;
	size_t count = 0;
	bool last;

	/* The hash walk tolerates the removal of its current entry only:
	 * every matching path of e goes before the walk moves on. */
	for (n = ht_first(&t->entries, &it); n != NULL; n = ht_next(&it)) {
		e = container_of(n, struct rt_entry, node);
		for (;;) {
			for (p = e->paths; p != NULL; p = p->next)
				if (flush_match(p, src, flag))
					break;
			if (p == NULL)
				break;
			/* Removing the last path may free e at once. */
			last = e->paths == p && p->next == NULL;
			primary_remove(e, p);
			count++;
			if (last)
				break;
		}
	}
	return count;
}

/* ------------------------------------------------------------------ */
/* Copies                                                              */
/* ------------------------------------------------------------------ */

static struct rt_copy *
copy_of(const struct rt_path *p)
{
	if (!(p->flags & RT_PATH_SECONDARY))
		fatalx("%s: not a copy", __func__);
	return container_of(p, struct rt_copy, path);
}

struct rt_path *
rt_copy_add(struct rt_table *t, const struct rt_key *k, struct rt_path *primary,
    struct attr *attr)
{
	struct visible before;
	struct rt_entry *e;
	struct rt_copy *c;
	bool was_new;

	if (primary->flags & RT_PATH_SECONDARY)
		fatalx("%s: a copy of a copy", __func__);
	if ((e = entry_get(t, k)) == NULL)
		fatalx("%s: bad key for %s", __func__, t->name);
	was_new = e->paths == NULL;
	visible_get(e, &before);
	c = pool_zalloc(&copy_pool);
	c->path.attr = attr_ref(attr);
	c->path.src = rt_source_ref(primary->src);
	c->path.label = primary->label;
	c->path.flags = (uint16_t)((primary->flags & RT_PATH_USER_FLAGS) |
	    RT_PATH_SECONDARY);
	c->path.repl = primary;
	c->entry = e;
	c->sibling = primary->repl != NULL ? copy_of(primary->repl) : NULL;
	primary->repl = &c->path;
	c->path.next = e->paths;
	e->paths = &c->path;
	t->npaths++;
	if (was_new)
		t->nprefixes++;
	entry_changed(e, &before, was_new);
	return &c->path;
}

void
rt_copy_update(struct rt_path *copy, struct attr *attr)
{
	struct rt_copy *c = copy_of(copy);
	const struct rt_path *primary = copy->repl;
	struct visible before;
	uint16_t flags;

	flags = (uint16_t)((primary->flags & RT_PATH_USER_FLAGS) |
	    RT_PATH_SECONDARY);
	if (copy->attr == attr && copy->label == primary->label &&
	    (copy->flags & ~(RT_PATH_BEST | RT_PATH_ECMP)) == flags)
		return;
	visible_get(c->entry, &before);
	attr_ref(attr);
	attr_unref(copy->attr);
	copy->attr = attr;
	copy->label = primary->label;
	copy->flags = flags;
	entry_changed(c->entry, &before, false);
}

void
rt_copy_remove(struct rt_path *copy)
{
	struct rt_copy *c = copy_of(copy), *s;
	struct rt_path *primary = copy->repl;
	struct rt_entry *e = c->entry;
	struct visible before;

	/* Unlink from the primary's copies. */
	if (primary->repl == copy)
		primary->repl = c->sibling != NULL ? &c->sibling->path : NULL;
	else {
		for (s = copy_of(primary->repl); s->sibling != c;
		     s = s->sibling)
			if (s->sibling == NULL)
				fatalx("%s: copy not linked to its primary",
				    __func__);
		s->sibling = c->sibling;
	}
	visible_get(e, &before);
	path_unlink(e, copy);
	e->table->npaths--;
	if (e->paths == NULL)
		e->table->nprefixes--;
	attr_unref(copy->attr);
	rt_source_unref(copy->src);
	pool_free(&copy_pool, c);
	entry_changed(e, &before, false);
}

struct rt_table *
rt_copy_table(const struct rt_path *copy)
{
	return copy_of(copy)->entry->table;
}

const struct rt_entry *
rt_copy_entry(const struct rt_path *copy)
{
	return copy_of(copy)->entry;
}

struct rt_path *
rt_copy_next(const struct rt_path *copy)
{
	struct rt_copy *s = copy_of(copy)->sibling;

	return s != NULL ? &s->path : NULL;
}

/* ------------------------------------------------------------------ */
/* Entry accessors and walks                                           */
/* ------------------------------------------------------------------ */

const struct rt_entry *
rt_lookup(const struct rt_table *t, const struct rt_key *k)
{
	uint8_t key[RT_KEY_MAX];
	struct key_ref ref;

	if (!key_make(t, k, key, &ref))
		return NULL;
	return entry_find(t, &ref);
}

void
rt_entry_key(const struct rt_entry *e, struct rt_key *k)
{
	if (rt_key_decode(e->table->family, e->key, e->keylen, k) != 0)
		fatalx("%s: stored key does not decode", __func__);
}

const struct rt_path *
rt_entry_paths(const struct rt_entry *e)
{
	return e->paths;
}

struct rt_table *
rt_entry_table(const struct rt_entry *e)
{
	return e->table;
}

uint64_t
rt_entry_seq(const struct rt_entry *e)
{
	return e->seq;
}

uint32_t
rt_entry_id(const struct rt_entry *e)
{
	return e->id;
}

uint32_t
rt_table_id_limit(const struct rt_table *t)
{
	return t->id_limit;
}

const struct rt_entry *
rt_table_first(const struct rt_table *t)
{
	return t->first;
}

const struct rt_entry *
rt_table_next(const struct rt_entry *e)
{
	return e->next;
}

void
rt_table_walk(struct rt_table *t, rt_walk_cb cb, void *arg)
{
	struct rt_entry *e;
	struct rt_path *p;

	/* The change list, in order; cb does not change t, so it is stable. */
	for (e = t->first; e != NULL; e = e->next)
		for (p = e->paths; p != NULL; p = p->next)
			if (!(p->flags & RT_PATH_SECONDARY))
				cb(t, e, p, arg);
}

void
rt_table_clear(struct rt_table *t)
{
	struct ht_iter it;
	struct ht_node *n;
	struct rt_entry *e;
	struct rt_path *p;
	bool last;

	rt_table_flush(t, NULL, 0);
	for (n = ht_first(&t->entries, &it); n != NULL; n = ht_next(&it)) {
		e = container_of(n, struct rt_entry, node);
		while ((p = e->paths) != NULL) {
			last = p->next == NULL;
			rt_copy_remove(p);
			if (last)
				break;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Listeners                                                           */
/* ------------------------------------------------------------------ */

struct rt_listener *
rt_listen(struct rt_table *t, rt_notify_cb notify, void *arg)
{
	struct rt_listener *l = xcalloc(1, sizeof(*l));

	l->table = t;
	l->notify = notify;
	l->arg = arg;
	l->feed_seq = t->seq;
	t->nlisteners++;
	listener_link(&t->idle, l);
	/* Fed from the head: the whole table, then whatever changes. */
	cursor_set(l, t->first);
	return l;
}

void
rt_unlisten(struct rt_listener *l)
{
	struct rt_table *t;

	if (l == NULL)
		return;
	t = l->table;
	cursor_set(l, NULL);
	listener_unlink(&t->idle, l);
	t->nlisteners--;
	free(l);
	gc_run(t);
}

const struct rt_entry *
rt_listener_next(struct rt_listener *l)
{
	struct rt_entry *e;

	l->held = NULL;
	while ((e = l->cur) != NULL) {
		cursor_set(l, e->next);
		/* The first feed needs no withdraws of routes gone before. */
		if (e->paths == NULL && e->seq <= l->feed_seq)
			continue;
		l->held = e;
		return e;
	}
	/* Caught up: let the tombstones everyone has passed go. */
	gc_run(l->table);
	return NULL;
}

void
rt_listener_rewind(struct rt_listener *l)
{
	l->feed_seq = 0;
	l->held = NULL;
	cursor_set(l, l->table->first);
}

bool
rt_listener_pending(const struct rt_listener *l)
{
	return l->cur != NULL;
}

struct rt_table *
rt_listener_table(const struct rt_listener *l)
{
	return l->table;
}
