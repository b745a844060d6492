/*
 * DOC: xmpp_parser.c - XMPP framing (STYLE.md C6, layer 1): bytes of one
 * stream in; stream open, stanzas, keepalives and close out.
 *
 * Between units the framer reads the bytes itself (whitespace, the close
 * tag, '<').  Each unit, the stream header or one stanza, is parsed by a
 * reset expat, stopped in the callback that completes it; the event's
 * byte index tells where the unit ended, and the rest is framed again.
 * A partial unit stays in expat's buffer.  Limits are checked while
 * parsing; DOCTYPE, declarations and PIs stop it at once.  A plain
 * stanza takes the fast path instead (xf_unit, below): scanned into the
 * same tree without expat, held in cbuf while it is split across feeds.
 * No I/O, no log.
 */
#include "xmpp/xmpp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define XP_POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define XP_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define XP_POISON(p, n)   ((void)(p), (void)(n))
#define XP_UNPOISON(p, n) ((void)(p), (void)(n))
#endif
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define XP_CLOSE_TAG     "</stream:stream"
#define XP_CLOSE_TAG_LEN (sizeof(XP_CLOSE_TAG) - 1)
#define XP_STREAM_NAME   "stream:stream"
#define XP_ARENA_CHUNK   (16u << 10) /* a usual stanza's tree in one */
#define XP_TEXT_FIRST    1024        /* first size of the text buffer */
#define XP_CHUNK_FIRST   512         /* least first chunk given to expat */
#define XP_CHUNK_HINT    (8u << 10)  /* most first chunk given to expat */
#define XP_CARRY_TRIES   4           /* fast scans of a unit split by feeds */
/*
 * Expat finds the encoding itself; only UTF-8 gets through (RFC 6120
 * 11.6): an XML declaration naming another is refused, and so is "<\0"
 * at the start of a unit, from which expat would guess UTF-16 (even with
 * an encoding forced).  The other guesses need a byte the framer refuses.
 */
#define XP_ENCODING      NULL

enum xp_state {
	XP_BETWEEN,   /* between units */
	XP_C8,        /* after the 0xC8 of a keepalive */
	XP_LT,        /* after a '<' that ended the last feed */
	XP_CLOSE,     /* inside "</stream:stream" */
	XP_CLOSE_END, /* after it, until its '>' */
	XP_CARRY,     /* inside a unit for the fast path: bytes held */
	XP_UNIT,      /* inside a unit: the bytes go to expat */
	XP_CLOSED,    /* after the close: whitespace only */
	XP_DEAD,      /* after an error, until reset */
};

enum xp_unit {
	XU_RUN,  /* parsing */
	XU_DONE, /* the unit is whole: expat was stopped */
	XU_FAIL, /* a handler refused it: expat was stopped, err set */
};

struct xmpp_parser {
	XML_Parser xp;
	xmpp_parser_cb cb;
	void *arg;
	size_t stanza_max;  /* limits in force */
	unsigned depth_max; /* at most XMPP_DEPTH_MAX */
	unsigned attrs_max;
	bool doc;            /* xmpp_parse_doc: the root is all */
	unsigned long salt;  /* expat's hash salt, set at each reset */
	unsigned gen;        /* counts resets, to see one in a callback */
	enum xp_state st;    /* framer state */
	size_t pend;         /* framer bytes held (close tag, C8, '<') */
	size_t close_len;    /* bytes of XP_CLOSE_TAG matched */
	bool expat_used;     /* expat has seen bytes since its reset */
	size_t unit_fed;     /* bytes of this unit given to expat */
	enum xp_unit ustate; /* of the unit being parsed */
	size_t unit_end;     /* XU_DONE: the unit's length */
	size_t chunk;        /* first chunk of a unit: recent units' size */
	bool unit_open;      /* the unit is the stream header */
	struct arena own;    /* the trees of a stream */
	struct arena *arena; /* where trees go: &own, or parse_doc's */
	struct xmpp_node *root, *cur;
	unsigned depth;                    /* of cur; 0 outside the root */
	uint8_t *tbuf;                     /* text of the open elements */
	size_t tlen, tcap;                 /* bytes in tbuf, allocated */
	size_t tstart[XMPP_DEPTH_MAX + 1]; /* where each depth's text starts */
	bool fast;                         /* plain stanzas skip expat */
	uint8_t *fmem;                     /* fast path: its slab's free part */
	size_t fleft;                      /* bytes free there */
	uint8_t *cbuf;                     /* XP_CARRY: the unit so far */
	size_t clen, ccap;                 /* bytes in cbuf, allocated */
	unsigned ctries;                   /* fast scans of the held unit */
	char err[128];                     /* why the parser died */
};

static void xp_fail(struct xmpp_parser *p, const char *fmt, ...)
    PRINTFLIKE(2, 3);

/*
 * Records why and kills the parser.  Inside an expat callback it also
 * stops expat; the framer then sees XU_FAIL.
 */
static void
xp_fail(struct xmpp_parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->st == XP_DEAD && p->err[0] != '\0')
		return; /* the first reason counts */
	if (p->st == XP_UNIT && p->ustate != XU_RUN)
		return; /* the unit was decided: expat is stopping */
	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	if (p->st == XP_UNIT && p->ustate == XU_RUN) {
		p->ustate = XU_FAIL;
		XML_StopParser(p->xp, XML_FALSE);
	}
	p->st = XP_DEAD;
}

/* The unit ends with the event expat is reporting. */
static void
xp_unit_done(struct xmpp_parser *p)
{
	XML_Index end;

	end = XML_GetCurrentByteIndex(p->xp) + XML_GetCurrentByteCount(p->xp);
	if (end <= 0 || (size_t)end > p->unit_fed)
		fatalx("xmpp parser: unit ends at %lld of %zu bytes",
		    (long long)end, p->unit_fed);
	p->unit_end = (size_t)end;
	/* A maximum that decays: a unit like the last ones takes one call. */
	p->chunk = MAX((size_t)end + 64, p->chunk - p->chunk / 8);
	p->chunk = MIN(p->chunk, XP_CHUNK_HINT);
	p->ustate = XU_DONE;
	XML_StopParser(p->xp, XML_FALSE);
}

/*
 * A name is at most XMPP_NAME_MAX bytes with at most one ':', which is
 * neither first nor last: the prefixed names XMPP uses ("stream:stream",
 * "xml:lang", "xmlns:stream"), nothing stranger.
 */
static bool
xp_name_ok(const char *name)
{
	size_t len = strnlen(name, XMPP_NAME_MAX + 1);
	const char *colon;

	if (len > XMPP_NAME_MAX)
		return false;
	if ((colon = memchr(name, ':', len)) == NULL)
		return true;
	return colon != name && colon[1] != '\0' &&
	    strchr(colon + 1, ':') == NULL;
}

static void
xp_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xmpp_parser *p = ud;
	struct xmpp_node *n;
	size_t i, count;

	if (p->ustate != XU_RUN)
		return;
	if (p->depth >= p->depth_max) {
		xp_fail(p, "elements nested deeper than %u", p->depth_max);
		return;
	}
	for (count = 0; atts[2 * count] != NULL; count++)
		;
	if (count > p->attrs_max) {
		xp_fail(p, "<%.64s> has %zu attributes, over %u", name, count,
		    p->attrs_max);
		return;
	}
	if (!xp_name_ok(name)) {
		xp_fail(p, "bad element name <%.64s>", name);
		return;
	}
	for (i = 0; i < count; i++)
		if (!xp_name_ok(atts[2 * i])) {
			xp_fail(p, "bad attribute name %.64s", atts[2 * i]);
			return;
		}

	if (p->cur != NULL)
		n = xmpp_node_add(p->arena, p->cur, name);
	else
		n = p->root = xmpp_node_new(p->arena, name);
	if (count > 0) {
		n->attrs = arena_alloc(p->arena, count * sizeof(*n->attrs));
		for (i = 0; i < count; i++) {
			n->attrs[i].name = arena_strdup(p->arena, atts[2 * i]);
			n->attrs[i].value =
			    arena_strdup(p->arena, atts[2 * i + 1]);
		}
		n->nattrs = count;
	}
	p->cur = n;
	p->tstart[++p->depth] = p->tlen;
	/* The stream header is never closed: it is whole at its start tag. */
	if (p->depth == 1 && !p->doc && strcmp(name, XP_STREAM_NAME) == 0) {
		p->unit_open = true;
		xp_unit_done(p);
	}
}

static void
xp_end(void *ud, const XML_Char *name)
{
	struct xmpp_parser *p = ud;
	struct xmpp_node *n = p->cur;
	size_t start, len;
	char *text;

	(void)name; /* expat checked that it matches */
	if (p->ustate != XU_RUN)
		return;
	start = p->tstart[p->depth];
	if ((len = p->tlen - start) > 0) {
		text = arena_alloc(p->arena, len + 1);
		memcpy(text, p->tbuf + start, len);
		text[len] = '\0';
		n->text = text;
		n->text_len = len;
	}
	/* The parent's text goes on where this element's began. */
	p->tlen = start;
	p->cur = n->parent;
	if (--p->depth == 0 && !p->doc)
		xp_unit_done(p);
}

/* Appends n bytes to a growing buffer (first: its first size); callers
 * bound what they put there. */
static void
xp_put(uint8_t **buf, size_t *len, size_t *cap, size_t first, const void *d,
    size_t n)
{
	if (n > *cap - *len) {
		while (n > *cap - *len)
			*cap = *cap == 0 ? first : 2 * *cap;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, d, n);
	*len += n;
}

static void
xp_text(void *ud, const XML_Char *s, int len)
{
	struct xmpp_parser *p = ud;
	size_t n = (size_t)len;

	if (p->ustate != XU_RUN || len <= 0)
		return;
	/* Never more than the unit's bytes: stanza_max bounds it. */
	xp_put(&p->tbuf, &p->tlen, &p->tcap, XP_TEXT_FIRST, s, n);
}

static void
xp_decl(
    void *ud, const XML_Char *version, const XML_Char *encoding, int standalone)
{
	struct xmpp_parser *p = ud;

	(void)version;
	(void)standalone;
	if (p->ustate == XU_RUN && encoding != NULL &&
	    strcasecmp(encoding, "UTF-8") != 0)
		xp_fail(p, "encoding %.32s: only UTF-8 is allowed", encoding);
}

static void
xp_pi(void *ud, const XML_Char *target, const XML_Char *data)
{
	(void)data;
	xp_fail(ud, "processing instruction <?%.32s?> refused", target);
}

static void
xp_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	xp_fail(ud, "DOCTYPE %.32s refused", name);
}

/* Unreachable with the DOCTYPE refused; kept so that nothing is parsed
 * by default should that ever change. */
static void
xp_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
    int value_len, const XML_Char *base, const XML_Char *sysid,
    const XML_Char *pubid, const XML_Char *notation)
{
	(void)is_param;
	(void)value;
	(void)value_len;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	xp_fail(ud, "entity declaration %.32s refused", name);
}

static void
xp_notation(void *ud, const XML_Char *name, const XML_Char *base,
    const XML_Char *sysid, const XML_Char *pubid)
{
	(void)base;
	(void)sysid;
	(void)pubid;
	xp_fail(ud, "notation declaration %.32s refused", name);
}

static int
xp_extent(XML_Parser xp, const XML_Char *context, const XML_Char *base,
    const XML_Char *sysid, const XML_Char *pubid)
{
	(void)context;
	(void)base;
	(void)pubid;
	xp_fail(XML_GetUserData(xp), "external entity %.32s refused",
	    sysid != NULL ? sysid : "");
	return XML_STATUS_ERROR;
}

/* What XML_ParserReset clears: handlers, user data, salt, options. */
static void
xp_expat_setup(struct xmpp_parser *p)
{
	XML_SetUserData(p->xp, p);
	XML_SetElementHandler(p->xp, xp_start, xp_end);
	XML_SetCharacterDataHandler(p->xp, xp_text);
	XML_SetXmlDeclHandler(p->xp, xp_decl);
	XML_SetProcessingInstructionHandler(p->xp, xp_pi);
	XML_SetStartDoctypeDeclHandler(p->xp, xp_doctype);
	XML_SetEntityDeclHandler(p->xp, xp_entity);
	XML_SetNotationDeclHandler(p->xp, xp_notation);
	XML_SetExternalEntityRefHandler(p->xp, xp_extent);
	XML_SetParamEntityParsing(p->xp, XML_PARAM_ENTITY_PARSING_NEVER);
	XML_SetHashSalt(p->xp, p->salt);
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 6)
	/* A stanza that ends a read is delivered at once. */
	XML_SetReparseDeferralEnabled(p->xp, XML_FALSE);
#endif
}

static void
xp_expat_reset(struct xmpp_parser *p)
{
	if (!XML_ParserReset(p->xp, XP_ENCODING))
		fatalx("xmpp parser: XML_ParserReset failed");
	xp_expat_setup(p);
	p->expat_used = false;
}

static struct xmpp_parser *
xp_new(const struct xmpp_limits *lim, bool doc, struct arena *a)
{
	struct xmpp_parser *p;
	uint64_t salt;

	p = xcalloc(1, sizeof(*p));
	p->stanza_max = XMPP_STANZA_MAX;
	p->depth_max = XMPP_DEPTH_MAX;
	p->attrs_max = XMPP_ATTRS_MAX;
	if (lim != NULL) {
		if (lim->stanza_max != 0)
			p->stanza_max = MIN(lim->stanza_max, XMPP_STANZA_MAX);
		if (lim->depth_max != 0)
			p->depth_max = MIN(lim->depth_max, XMPP_DEPTH_MAX);
		if (lim->attrs_max != 0)
			p->attrs_max = MIN(lim->attrs_max, XMPP_ATTRS_MAX);
	}
	p->doc = doc;
	p->fast = !doc;
	arena_init(&p->own, XP_ARENA_CHUNK);
	p->arena = a != NULL ? a : &p->own;
	if ((p->xp = XML_ParserCreate(XP_ENCODING)) == NULL)
		fatalx("xmpp parser: XML_ParserCreate: out of memory");
	/*
	 * Expat's name tables take peer input: a salt from the keyed
	 * process hash (ht_seed_random's key), different per parser.
	 */
	salt = ht_hash(&p, sizeof(p));
	p->salt = (unsigned long)salt;
	xp_expat_setup(p);
	return p;
}

struct xmpp_parser *
xmpp_parser_new(const struct xmpp_limits *lim, xmpp_parser_cb cb, void *arg)
{
	struct xmpp_parser *p;

	p = xp_new(lim, false, NULL);
	p->cb = cb;
	p->arg = arg;
	return p;
}

void
xmpp_parser_free(struct xmpp_parser *p)
{
	if (p == NULL)
		return;
	XML_ParserFree(p->xp);
	arena_fini(&p->own);
	free(p->tbuf);
	free(p->cbuf);
	free(p);
}

void
xmpp_parser_reset(struct xmpp_parser *p)
{
	xp_expat_reset(p);
	p->gen++;
	p->st = XP_BETWEEN;
	p->pend = 0;
	p->close_len = 0;
	p->unit_fed = 0;
	p->clen = 0;
	p->ustate = XU_RUN;
	p->root = p->cur = NULL;
	p->depth = 0;
	p->tlen = 0;
	p->err[0] = '\0';
	arena_reset(&p->own);
}

const char *
xmpp_parser_error(const struct xmpp_parser *p)
{
	return p->err;
}

size_t
xmpp_parser_pending(const struct xmpp_parser *p)
{
	if (p->st == XP_UNIT)
		return p->unit_fed;
	return p->st == XP_CARRY ? p->clen : p->pend;
}

void
xmpp_parser_set_fast(struct xmpp_parser *p, bool on)
{
	p->fast = on && !p->doc;
}

/* A new unit: a fresh expat and an empty tree. */
static void
xp_unit_begin(struct xmpp_parser *p)
{
	if (p->expat_used)
		xp_expat_reset(p);
	p->expat_used = true;
	p->st = XP_UNIT;
	p->pend = 0;
	p->unit_fed = 0;
	p->unit_end = 0;
	p->unit_open = false;
	p->ustate = XU_RUN;
	p->root = p->cur = NULL;
	p->depth = 0;
	p->tlen = 0;
}

/*
 * Gives expat the next bytes of the unit, at most what the unit may
 * still have.  Expat copies all it is given into its own buffer (it keeps
 * context bytes), so it gets the bytes in chunks: first about the size of
 * recent units (at least XP_CHUNK_FIRST, at most XP_CHUNK_HINT), then
 * doubling.  A unit costs one call usually, and at most about twice its
 * length (plus XP_CHUNK_HINT) in copies, however much input follows it
 * in the feed; the whole rest of a 64 KiB read for every stanza cost a
 * third of the time.  Returns
 * the bytes of data that belong to the unit (all of them while it is not
 * whole) or -1 when the parser died.
 */
static ssize_t
xp_unit_feed(struct xmpp_parser *p, const uint8_t *data, size_t len)
{
	size_t n, off = 0, base;
	enum XML_Status rc;
	enum XML_Error code;

	while (off < len) {
		n = MIN(len - off, p->stanza_max - p->unit_fed);
		n = MIN(n, MAX(p->unit_fed, MAX(p->chunk, XP_CHUNK_FIRST)));
		base = p->unit_fed;
		p->unit_fed += n;
		rc = XML_Parse(
		    p->xp, (const char *)data + off, (int)n, XML_FALSE);
		if (p->ustate == XU_FAIL)
			return -1;
		if (p->ustate == XU_DONE)
			return (ssize_t)(off + p->unit_end - base);
		if (rc != XML_STATUS_OK) {
			code = XML_GetErrorCode(p->xp);
			xp_fail(p, "%s at byte %lld of the %s",
			    XML_ErrorString(code),
			    (long long)XML_GetCurrentByteIndex(p->xp),
			    p->depth == 0 ? "unit" : "stanza");
			return -1;
		}
		if (p->unit_fed >= p->stanza_max) {
			xp_fail(p, "stanza over %zu bytes", p->stanza_max);
			return -1;
		}
		off += n;
	}
	return (ssize_t)len;
}

/* Hands an event up; true when feeding must stop (the callback said so,
 * or reset the parser). */
static bool
xp_emit(struct xmpp_parser *p, enum xmpp_event ev, const struct xmpp_node *n)
{
	unsigned gen = p->gen;
	int rc;

	rc = p->cb(p->arg, ev, n);
	return rc != 0 || p->gen != gen;
}

static bool
xp_is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * The fast path.  Most stanzas are plain: ASCII names, attribute values
 * and text of printable ASCII, the five predefined entities, no comment,
 * CDATA, PI or character reference.  Such a stanza, once all its bytes
 * are at hand, is scanned here into the same tree expat would build, at
 * several times expat's speed (the ingest benchmark, docs/benchmarks.md).
 * The scanner accepts a strict subset of well-formed XML and never
 * reports an error: anything else (a byte it does not take, a limit, a
 * bad name, the stream header) makes it give the unit to expat, from its
 * first byte, so what is refused and why is always expat's and the
 * framer's (the xmpp-stanza fuzz target compares the two paths).
 */
#define XF_NO   (-1) /* not for the fast path: expat parses the unit */
#define XF_MORE 0    /* plain so far, not whole: more bytes needed */

#define XF_NSTART 0x01 /* may start a name */
#define XF_NAME   0x02 /* may go on a name */
#define XF_TEXT   0x04 /* character data taken as it is */
#define XF_ATTR   0x08 /* attribute value byte taken as it is (bar quote) */
#define XF_SPACE  0x10 /* white space inside tags */

/*
 * The classes of a byte; the table is the whole definition of "plain".
 * Printable ASCII is text and attribute value, but for '<' and '&'
 * (markup) and '>' in text (it could end "]]>"); tab and newline are
 * text as they are, white space in tags, but never in a value (it would
 * be normalised to a space); carriage return (line-end normalisation),
 * other controls, DEL and every byte over 0x7f are not plain.
 */
static const uint8_t xf_class[256] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x14, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x0c, 0x0c, 0x0c,
    0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c, 0x0e, 0x0e, 0x0c,
    0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0f, 0x0c,
    0x00, 0x0c, 0x08, 0x0c, 0x0c, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f,
    0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f,
    0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0c, 0x0c, 0x0c, 0x0c, 0x0f,
    0x0c, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f,
    0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f,
    0x0f, 0x0f, 0x0f, 0x0c, 0x0c, 0x0c, 0x0c, 0x00,
    /* 0x80-0xff: 0, never plain */
};

/*
 * A predefined entity at d (just after its '&', at most len bytes):
 * its character in *c and its length after the '&', XF_MORE when the
 * bytes end inside it, XF_NO for anything else.
 */
static ssize_t
xf_entity(const uint8_t *d, size_t len, char *c)
{
	static const struct {
		const char *name;
		size_t len;
		char c;
	} ent[] = {
	    {"lt;", 3, '<'},
	    {"gt;", 3, '>'},
	    {"amp;", 4, '&'},
	    {"quot;", 5, '"'},
	    {"apos;", 5, '\''},
	};
	size_t i;

	for (i = 0; i < nitems(ent); i++) {
		if (memcmp(d, ent[i].name, MIN(len, ent[i].len)) != 0)
			continue;
		if (len < ent[i].len)
			return XF_MORE;
		*c = ent[i].c;
		return (ssize_t)ent[i].len;
	}
	return XF_NO;
}

/*
 * The end of a run of text (cls XF_TEXT) or of an attribute value
 * (XF_ATTR, ended by the quote q too) from d[i] (before end): the index
 * of the first byte not in it.  The first bytes one at a time (most text
 * is "\n" between elements, or a short number), then with SSE2 16 a
 * step, the vector tests being the table's classes written out.
 */
static inline size_t
xf_span(const uint8_t *d, size_t i, size_t end, uint8_t cls, uint8_t q)
{
	size_t stop = MIN(end, i + 8);

	for (; i < stop; i++)
		if ((xf_class[d[i]] & cls) == 0 ||
		    (cls == XF_ATTR && d[i] == q))
			return i;
#ifdef __SSE2__
	const __m128i c1f = _mm_set1_epi8(0x1f), c7f = _mm_set1_epi8(0x7f);
	const __m128i lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&');
	const __m128i gt = _mm_set1_epi8((char)(cls == XF_TEXT ? '>' : q));
	const __m128i tab = _mm_set1_epi8('\t'), nl = _mm_set1_epi8('\n');
	__m128i b, ok, l;
	unsigned bad;

	for (; end - i >= 16; i += 16) {
		b = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
		/* Printable ASCII (bytes over 0x7f are negative) but '<',
		 * '&' and '>' (text) or the quote (a value); text also
		 * takes tab and newline. */
		ok = _mm_and_si128(
		    _mm_cmpgt_epi8(b, c1f), _mm_cmpgt_epi8(c7f, b));
		l = _mm_or_si128(_mm_cmpeq_epi8(b, lt), _mm_cmpeq_epi8(b, amp));
		ok = _mm_andnot_si128(
		    _mm_or_si128(l, _mm_cmpeq_epi8(b, gt)), ok);
		if (cls == XF_TEXT)
			ok = _mm_or_si128(ok,
			    _mm_or_si128(
				_mm_cmpeq_epi8(b, tab), _mm_cmpeq_epi8(b, nl)));
		bad = (unsigned)_mm_movemask_epi8(ok) ^ 0xffffu;
		if (bad != 0)
			return i + (size_t)__builtin_ctz(bad);
	}
#endif
	while (i < end && (xf_class[d[i]] & cls) != 0 &&
	    (cls != XF_ATTR || d[i] != q))
		i++;
	return i;
}

/* Whether n bytes at a and b are the same: short names, no call. */
static inline bool
xf_same(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t x, y;

	for (; n >= 8; a += 8, b += 8, n -= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return false;
	}
	while (n-- > 0)
		if (*a++ != *b++)
			return false;
	return true;
}

/* A name at d[*i]: its length, with *i past it; 0 when not a plain one
 * or not one the framer takes (xp_name_ok).  Names are short: a byte at
 * a time beats setting up a vector. */
static size_t
xf_name(const uint8_t *d, size_t end, size_t *i)
{
	size_t s = *i, colons = 0, colon = 0, n;

	if (s >= end || (xf_class[d[s]] & XF_NSTART) == 0)
		return 0;
	for (n = s + 1; n < end && (xf_class[d[n]] & XF_NAME) != 0; n++)
		if (d[n] == ':') {
			colons++;
			colon = n;
		}
	/* At most one ':', neither first nor last. */
	if (n - s > XMPP_NAME_MAX || d[s] == ':' || colons > 1 ||
	    (colons == 1 && colon == n - 1))
		return 0;
	*i = n;
	return n - s;
}

/* Appends bytes of text to the open elements' buffer. */
static void
xf_text(struct xmpp_parser *p, const uint8_t *s, size_t n)
{
	xp_put(&p->tbuf, &p->tlen, &p->tcap, XP_TEXT_FIRST, s, n);
}

/*
 * The fast path's allocator: slabs of XF_SLAB from the arena (reset with
 * it after each unit), handed out a bump at a time without a call.
 * Under AddressSanitizer a slab's free part stays poisoned, as the
 * arena's chunks are.
 */
#define XF_SLAB  (8u << 10) /* half of XP_ARENA_CHUNK: a regular chunk */
#define XF_ALIGN _Alignof(max_align_t)

static inline void *
xf_alloc(struct xmpp_parser *p, size_t n)
{
	size_t need = (n + XF_ALIGN - 1) & ~(XF_ALIGN - 1);
	void *r;

	if (need > p->fleft) {
		p->fleft = MAX(need, XF_SLAB);
		p->fmem = arena_alloc(p->arena, p->fleft);
		XP_POISON(p->fmem, p->fleft);
	}
	r = p->fmem;
	XP_UNPOISON(r, n);
	p->fmem += need;
	p->fleft -= need;
	return r;
}

/* A string of len bytes at s, copied into the arena. */
static const char *
xf_str(struct xmpp_parser *p, const uint8_t *s, size_t len)
{
	char *c;

	c = xf_alloc(p, len + 1);
	memcpy(c, s, len);
	c[len] = '\0';
	return c;
}

/* A node named d[0..len) under p->cur, its name copied into the arena. */
static struct xmpp_node *
xf_node(struct xmpp_parser *p, const uint8_t *name, size_t len)
{
	struct xmpp_node *n;
	char *s;

	/* One allocation: the node, then its name. */
	n = xf_alloc(p, sizeof(*n) + len + 1);
	memset(n, 0, sizeof(*n));
	s = (char *)(n + 1);
	memcpy(s, name, len);
	s[len] = '\0';
	n->name = s;
	n->text = "";
	if ((n->parent = p->cur) == NULL)
		p->root = n;
	else if (p->cur->last != NULL)
		p->cur->last = p->cur->last->next = n;
	else
		p->cur->last = p->cur->child = n;
	return n;
}

/*
 * An attribute value from its opening quote d[*i]: the decoded value in
 * the arena, *i past the closing quote; NULL with *rc XF_MORE or XF_NO.
 */
static const char *
xf_value(
    struct xmpp_parser *p, const uint8_t *d, size_t end, size_t *i, ssize_t *rc)
{
	uint8_t q = d[*i];
	size_t s = *i + 1, n = s, out = 0, vlen;
	ssize_t el;
	char *v, c;

	/* A plain run first: most values have no entity. */
	n = xf_span(d, n, end, XF_ATTR, q);
	if (n < end && d[n] == q) {
		*i = n + 1;
		return xf_str(p, d + s, n - s);
	}
	/* With entities: decode into a copy no longer than the source. */
	for (vlen = n; vlen < end && d[vlen] != q; vlen++)
		;
	v = xf_alloc(p, vlen - s + 1);
	for (n = s; n < end && d[n] != q;) {
		if ((xf_class[d[n]] & XF_ATTR) != 0) {
			v[out++] = (char)d[n++];
			continue;
		}
		if (d[n] != '&') {
			*rc = XF_NO;
			return NULL;
		}
		if ((el = xf_entity(d + n + 1, end - n - 1, &c)) <= 0) {
			*rc = el; /* XF_NO, or XF_MORE at the end */
			return NULL;
		}
		v[out++] = c;
		n += 1 + (size_t)el;
	}
	if (n >= end) {
		*rc = XF_MORE;
		return NULL;
	}
	v[out] = '\0';
	*i = n + 1;
	return v;
}

/*
 * Scans one unit from its '<' at d[0] (len bytes at hand) into p->root.
 * Returns the unit's length, XF_MORE or XF_NO (the tree is then garbage
 * in the arena, dropped with it).
 */
static ssize_t
xf_unit(struct xmpp_parser *p, const uint8_t *d, size_t len)
{
	struct {
		const uint8_t *name;
		size_t len;
		const char *value;
	} att[XMPP_ATTRS_MAX], open[XMPP_DEPTH_MAX + 1];
	size_t end = MIN(len, p->stanza_max), i = 0, s, nl, na, k, j;
	/* Out of bytes: whole only up to the unit limit, then expat's. */
	ssize_t out = len < p->stanza_max ? XF_MORE : XF_NO, el, rc;
	struct xmpp_node *n;
	bool empty;
	char c;

	p->root = p->cur = NULL;
	p->depth = 0;
	p->tlen = 0;
	p->fleft = 0; /* the arena was reset since */
	for (;;) {
		/* At a '<'. */
		if (++i >= end)
			return out;
		if (d[i] == '/') {
			/* An end tag: the open element's name, S?, '>'. */
			if (p->depth == 0)
				return XF_NO;
			i++;
			s = i;
			nl = open[p->depth].len;
			if (!xf_same(
				d + i, open[p->depth].name, MIN(nl, end - i)))
				return XF_NO;
			if (end - i < nl)
				return out;
			i += nl;
			while (i < end && (xf_class[d[i]] & XF_SPACE) != 0)
				i++;
			if (i >= end)
				return out;
			if (d[i] != '>')
				return XF_NO; /* a longer name, or junk */
			i++;
			n = p->cur;
			s = p->tstart[p->depth];
			if ((nl = p->tlen - s) > 0) {
				n->text = xf_str(p, p->tbuf + s, nl);
				n->text_len = nl;
			}
			p->tlen = s;
			p->cur = n->parent;
			if (--p->depth == 0)
				return (ssize_t)i;
		} else {
			/* A start tag. */
			s = i;
			if ((nl = xf_name(d, end, &i)) == 0)
				return i >= end ? out : XF_NO;
			if (i >= end)
				return out;
			if (p->depth >= p->depth_max)
				return XF_NO;
			if (p->depth == 0 && nl == sizeof(XP_STREAM_NAME) - 1 &&
			    memcmp(d + s, XP_STREAM_NAME, nl) == 0)
				return XF_NO; /* the header: expat's */
			n = xf_node(p, d + s, nl);
			open[p->depth + 1].name = d + s;
			open[p->depth + 1].len = nl;
			na = 0;
			for (;;) {
				k = i;
				while (
				    i < end && (xf_class[d[i]] & XF_SPACE) != 0)
					i++;
				if (i >= end)
					return out;
				if (d[i] == '>' || d[i] == '/')
					break;
				if (k == i || na == p->attrs_max)
					return XF_NO;
				s = i;
				if ((nl = xf_name(d, end, &i)) == 0)
					return i >= end ? out : XF_NO;
				for (j = 0; j < na; j++)
					if (att[j].len == nl &&
					    xf_same(att[j].name, d + s, nl))
						return XF_NO; /* a duplicate */
				att[na].name = d + s;
				att[na].len = nl;
				while (
				    i < end && (xf_class[d[i]] & XF_SPACE) != 0)
					i++;
				if (i < end && d[i] != '=')
					return XF_NO;
				for (i++; i < end &&
				     (xf_class[d[i]] & XF_SPACE) != 0;
				     i++)
					;
				if (i >= end)
					return out;
				if (d[i] != '"' && d[i] != '\'')
					return XF_NO;
				rc = XF_NO;
				att[na].value = xf_value(p, d, end, &i, &rc);
				if (att[na].value == NULL)
					return rc == XF_MORE ? out : XF_NO;
				na++;
			}
			if (na > 0) {
				n->attrs = xf_alloc(p, na * sizeof(*n->attrs));
				for (j = 0; j < na; j++) {
					n->attrs[j].name =
					    xf_str(p, att[j].name, att[j].len);
					n->attrs[j].value = att[j].value;
				}
				n->nattrs = na;
			}
			empty = d[i] == '/';
			if (empty) {
				if (++i >= end)
					return out;
				if (d[i] != '>')
					return XF_NO;
			}
			i++;
			if (empty) {
				if (p->depth == 0)
					return (ssize_t)i;
			} else {
				p->cur = n;
				p->tstart[++p->depth] = p->tlen;
			}
		}
		/* Character data up to the next '<'. */
		for (;;) {
			s = i;
			i = xf_span(d, i, end, XF_TEXT, 0);
			if (i > s)
				xf_text(p, d + s, i - s);
			if (i >= end)
				return out;
			if (d[i] == '<')
				break;
			if (d[i] != '&')
				return XF_NO;
			if ((el = xf_entity(d + i + 1, end - i - 1, &c)) < 0)
				return XF_NO;
			if (el == XF_MORE)
				return out;
			xf_text(p, (const uint8_t *)&c, 1);
			i += 1 + (size_t)el;
		}
	}
}

/* Appends n bytes to the held unit (never over stanza_max in all). */
static void
xp_carry_put(struct xmpp_parser *p, const uint8_t *d, size_t n)
{
	xp_put(&p->cbuf, &p->clen, &p->ccap, XP_CHUNK_HINT, d, n);
}

/*
 * A unit starting at d (its '<'): scanned whole from the feed when it
 * is plain and all there; held in cbuf when plain so far (XP_CARRY);
 * else given to expat (XP_UNIT).  Returns the bytes of d taken, whole
 * units emitted (*stop when feeding must stop).
 */
/* The unit in p->root is whole: hands it up, then drops its tree.  True
 * when feeding must stop (xp_emit). */
static bool
xp_deliver(struct xmpp_parser *p, enum xmpp_event ev)
{
	bool stop;

	p->st = XP_BETWEEN;
	stop = xp_emit(p, ev, p->root);
	p->root = p->cur = NULL;
	arena_reset(&p->own);
	return stop;
}

static ssize_t
xp_fast_begin(struct xmpp_parser *p, const uint8_t *d, size_t len, bool *stop)
{
	ssize_t r;

	*stop = false;
	r = xf_unit(p, d, len);
	if (r > 0) {
		*stop = xp_deliver(p, XMPP_EV_STANZA);
		return r;
	}
	arena_reset(&p->own);
	if (r == XF_MORE) {
		/* Less than stanza_max bytes: all of them are held. */
		xp_carry_put(p, d, len);
		p->st = XP_CARRY;
		p->ctries = 1;
		return (ssize_t)len;
	}
	xp_unit_begin(p); /* XP_UNIT takes it from its '<' */
	return 0;
}

/*
 * XP_CARRY: more bytes of a held unit, in chunks as for expat (about a
 * unit, then doubling), each scan from the unit's start.  After
 * XP_CARRY_TRIES scans, or when the bytes turn out not plain, the held
 * bytes go to expat, which cannot end the unit inside them (the scanner
 * found them plain and not whole), and feeding goes on there.  So a unit
 * trickled byte by byte is scanned at most XP_CARRY_TRIES times.
 */
static ssize_t
xp_carry_feed(struct xmpp_parser *p, const uint8_t *d, size_t len, bool *stop)
{
	size_t old = p->clen, n;
	ssize_t r;

	*stop = false;
	n = MIN(len, p->stanza_max - old);
	n = MIN(n, MAX(old, XP_CHUNK_HINT));
	if (n > 0 && p->ctries < XP_CARRY_TRIES) {
		xp_carry_put(p, d, n);
		p->ctries++;
		r = xf_unit(p, p->cbuf, p->clen);
		if (r > 0) {
			p->clen = 0;
			*stop = xp_deliver(p, XMPP_EV_STANZA);
			return r - (ssize_t)old;
		}
		arena_reset(&p->own);
		if (r == XF_MORE)
			return (ssize_t)n;
		p->clen = old;
	}
	/* To expat: the held bytes, then the feed's. */
	p->clen = 0;
	xp_unit_begin(p);
	r = xp_unit_feed(p, p->cbuf, old);
	if (r < 0)
		return -1;
	if (p->ustate == XU_DONE) {
		/* Never: the fast path said these bytes were not whole. */
		xp_fail(p, "internal: a held unit ended inside its bytes");
		return -1;
	}
	return 0;
}

ssize_t
xmpp_parser_feed(struct xmpp_parser *p, const void *data, size_t len)
{
	const uint8_t *d = data;
	size_t i = 0;
	bool ka = false, ka_sent = false, stop;
	ssize_t n;

	/*
	 * ka: whitespace seen and not yet reported; it is reported (once
	 * a feed) before the next event, or at the end of the feed.
	 */
#define XP_FLUSH_KA()                                                          \
	do {                                                                   \
		if (ka && !ka_sent) {                                          \
			ka_sent = true;                                        \
			if (xp_emit(p, XMPP_EV_KEEPALIVE, NULL))               \
				return (ssize_t)i;                             \
		}                                                              \
	} while (0)

	while (i < len && p->st != XP_DEAD) {
		switch (p->st) {
		case XP_BETWEEN:
			if (xp_is_space(d[i])) {
				ka = true;
				i++;
			} else if (d[i] == 0xc8) {
				p->st = XP_C8;
				p->pend = 1;
				i++;
			} else if (d[i] != '<') {
				xp_fail(p, "byte 0x%02x between stanzas", d[i]);
			} else {
				XP_FLUSH_KA();
				if (i + 1 < len && d[i + 1] == '\0') {
					xp_fail(p, "bytes 0x3c 0x00: UTF-16");
				} else if (i + 1 == len) {
					p->st = XP_LT;
					p->pend = 1;
					i++;
				} else if (d[i + 1] == '/') {
					p->st = XP_CLOSE;
					p->close_len = p->pend = 2;
					i += 2;
				} else if (!p->fast) {
					xp_unit_begin(p);
				} else {
					n = xp_fast_begin(
					    p, d + i, len - i, &stop);
					if (n < 0)
						break;
					i += (size_t)n;
					if (stop)
						return (ssize_t)i;
				}
			}
			break;
		case XP_C8:
			if (d[i] != 0x80) {
				xp_fail(p, "byte 0xc8 0x%02x between stanzas",
				    d[i]);
				break;
			}
			ka = true;
			p->st = XP_BETWEEN;
			p->pend = 0;
			i++;
			break;
		case XP_LT:
			if (d[i] == '\0') {
				xp_fail(p, "bytes 0x3c 0x00: UTF-16");
			} else if (d[i] == '/') {
				p->st = XP_CLOSE;
				p->close_len = p->pend = 2;
				i++;
			} else if (p->fast) {
				/* The '<' came in the last feed. */
				p->clen = p->pend = 0;
				xp_carry_put(p, (const uint8_t *)"<", 1);
				p->st = XP_CARRY;
				p->ctries = 0;
			} else {
				xp_unit_begin(p);
				if (xp_unit_feed(p, (const uint8_t *)"<", 1) <
				    0)
					break;
			}
			break;
		case XP_CARRY:
			if ((n = xp_carry_feed(p, d + i, len - i, &stop)) < 0)
				break;
			i += (size_t)n;
			if (stop)
				return (ssize_t)i;
			break;
		case XP_CLOSE:
			if (d[i] != (uint8_t)XP_CLOSE_TAG[p->close_len]) {
				xp_fail(p, "end tag between stanzas");
				break;
			}
			p->pend++;
			i++;
			if (++p->close_len == XP_CLOSE_TAG_LEN)
				p->st = XP_CLOSE_END;
			break;
		case XP_CLOSE_END:
			/* Not held, not counted: as many as the peer likes. */
			if (xp_is_space(d[i])) {
				i++;
			} else if (d[i] != '>') {
				xp_fail(p, "end tag between stanzas");
			} else {
				i++;
				p->st = XP_CLOSED;
				p->pend = 0;
				if (xp_emit(p, XMPP_EV_CLOSE, NULL))
					return (ssize_t)i;
			}
			break;
		case XP_UNIT:
			if ((n = xp_unit_feed(p, d + i, len - i)) < 0)
				break;
			i += (size_t)n;
			if (p->ustate != XU_DONE)
				break;
			stop = xp_deliver(
			    p, p->unit_open ? XMPP_EV_OPEN : XMPP_EV_STANZA);
			if (stop)
				return (ssize_t)i;
			break;
		case XP_CLOSED:
			if (!xp_is_space(d[i]))
				xp_fail(p, "byte 0x%02x after the stream close",
				    d[i]);
			else
				i++;
			break;
		case XP_DEAD:
			break;
		}
	}
	if (p->st == XP_DEAD)
		return -EPROTO;
	XP_FLUSH_KA();
#undef XP_FLUSH_KA
	return (ssize_t)len;
}

struct xmpp_node *
xmpp_parse_doc(struct arena *a, const void *data, size_t len,
    const struct xmpp_limits *lim, char *err, size_t errlen)
{
	struct xmpp_parser *p;
	struct xmpp_node *root = NULL;
	enum XML_Error code;

	p = xp_new(lim, true, a);
	if (len > p->stanza_max) {
		xp_fail(
		    p, "document of %zu bytes, over %zu", len, p->stanza_max);
		goto done;
	}
	xp_unit_begin(p);
	p->unit_fed = len;
	if (XML_Parse(p->xp, data, (int)len, XML_TRUE) != XML_STATUS_OK) {
		if (p->ustate == XU_RUN) {
			code = XML_GetErrorCode(p->xp);
			xp_fail(p, "%s at byte %lld", XML_ErrorString(code),
			    (long long)XML_GetCurrentByteIndex(p->xp));
		}
		goto done;
	}
	root = p->root;
done:
	if (root == NULL && err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", p->err);
	xmpp_parser_free(p);
	return root;
}
