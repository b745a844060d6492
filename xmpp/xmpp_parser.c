/*
 * DOC: xmpp_parser.c - XMPP framing (STYLE.md C6, layer 1): bytes of one
 * stream in; stream open, stanzas, keepalives and close out.
 *
 * Between units the framer reads the bytes itself (whitespace, the close
 * tag, '<').  Each unit, the stream header or one stanza, is parsed by a
 * reset expat, stopped in the callback that completes it; the event's
 * byte index tells where the unit ended, and the rest is framed again.
 * A partial unit stays in expat's buffer.  Limits are checked while
 * parsing; DOCTYPE, declarations and PIs stop it at once.  No I/O, no log.
 */
#include "xmpp/xmpp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#define XP_CLOSE_TAG     "</stream:stream"
#define XP_CLOSE_TAG_LEN (sizeof(XP_CLOSE_TAG) - 1)
#define XP_STREAM_NAME   "stream:stream"
#define XP_ARENA_CHUNK   (16u << 10) /* a usual stanza's tree in one */
#define XP_TEXT_FIRST    1024        /* first size of the text buffer */
#define XP_CHUNK_FIRST   512         /* least first chunk given to expat */
#define XP_CHUNK_HINT    (8u << 10)  /* most first chunk given to expat */
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
	char *tbuf;                        /* text of the open elements */
	size_t tlen, tcap;                 /* bytes in tbuf, allocated */
	size_t tstart[XMPP_DEPTH_MAX + 1]; /* where each depth's text starts */
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

static void
xp_text(void *ud, const XML_Char *s, int len)
{
	struct xmpp_parser *p = ud;
	size_t n = (size_t)len;

	if (p->ustate != XU_RUN || len <= 0)
		return;
	/* Never more than the unit's bytes: stanza_max bounds it. */
	if (n > p->tcap - p->tlen) {
		while (n > p->tcap - p->tlen)
			p->tcap = p->tcap == 0 ? XP_TEXT_FIRST : 2 * p->tcap;
		p->tbuf = xrealloc(p->tbuf, p->tcap);
	}
	memcpy(p->tbuf + p->tlen, s, n);
	p->tlen += n;
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
	return p->st == XP_UNIT ? p->unit_fed : p->pend;
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
				} else
					xp_unit_begin(p);
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
			} else {
				/* The '<' came in the last feed. */
				xp_unit_begin(p);
				if (xp_unit_feed(p, (const uint8_t *)"<", 1) <
				    0)
					break;
			}
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
			p->st = XP_BETWEEN;
			stop = xp_emit(p,
			    p->unit_open ? XMPP_EV_OPEN : XMPP_EV_STANZA,
			    p->root);
			p->root = p->cur = NULL;
			arena_reset(&p->own);
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
