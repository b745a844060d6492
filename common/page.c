/*
 * DOC: page.c - the introspect page model and its renderers.
 *
 * A handler fills a struct page (meta pairs, tables of typed cells, an
 * error, or a raw document); this file turns it into JSON, HTML or
 * aligned text.  It is pure: no I/O, no loop.  Every string a handler
 * gives is copied into the page's arena, so it may come from the stack.
 * Rendering writes through a bounded wbuf and fails whole with -ENOSPC,
 * so the size of an answer is the caller's choice, never the data's.
 * Everything that came from a handler (config names are user input) is
 * escaped for the format: JSON strings, HTML text and attributes, and
 * control characters in text, which a terminal would otherwise obey.
 */
#include "common/intro.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_ARENA_CHUNK 4096 /* bytes per arena chunk: most pages fit */
#define PAGE_GROW_MIN    8    /* first capacity of a growing array */

#define PAGE_TYPE_JSON "application/json"
#define PAGE_TYPE_HTML "text/html; charset=utf-8"
#define PAGE_TYPE_TEXT "text/plain; charset=utf-8"

enum cell_kind {
	CELL_EMPTY = 0, /* null in JSON, "-" in text; zeroed rows */
	CELL_STR,
	CELL_U64,
	CELL_BOOL,
	CELL_LIST,
	CELL_LINK,
};

struct cell {
	enum cell_kind kind;
	union {
		const char *str; /* CELL_STR, in the arena */
		uint64_t u64;    /* CELL_U64 */
		bool b;          /* CELL_BOOL */
		struct {
			const char **items; /* in the arena */
			size_t n;
		} list; /* CELL_LIST */
		struct {
			const char *text; /* shown */
			const char *href; /* HTML only */
		} link;                   /* CELL_LINK */
	} u;
};

struct meta {
	const char *key;   /* in the arena */
	struct cell value; /* CELL_STR, CELL_U64 or CELL_EMPTY */
};

struct table {
	const char *name;                      /* in the arena */
	const char *columns[PAGE_MAX_COLUMNS]; /* in the arena */
	size_t ncolumns;                       /* <= PAGE_MAX_COLUMNS */
	struct cell *cells;                    /* nrows x ncolumns, owned */
	size_t nrows;                          /* rows started */
	size_t caprows;                        /* rows allocated */
	size_t ncur;                           /* cells in the last row */
};

struct page {
	struct arena arena; /* every string and list of the page */
	const char *name;   /* "routes" */
	int status;         /* of a successful page: 200, 201, 204 */
	struct meta *meta;  /* owned array */
	size_t nmeta, capmeta;
	struct table *tables; /* owned array; the last one takes rows */
	size_t ntables, captables;
	bool error;           /* page_error called: only the error renders */
	int error_status;     /* 4xx or 5xx */
	const char *reason;   /* in the arena */
	const char **details; /* owned array of arena strings */
	size_t ndetails, capdetails;
	bool raw;             /* page_raw called */
	const char *raw_type; /* content type, in the arena */
	const void *raw_data; /* in the arena */
	size_t raw_len;
	bool dropped; /* a misplaced cell was dropped (logged once) */
};

/*
 * Makes room for one more element in *arr (n used of *cap), doubling.
 */
static void *
page_grow(void *arr, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return arr;
	*cap = *cap == 0 ? PAGE_GROW_MIN : *cap * 2;
	return xreallocarray(arr, *cap, size);
}

static const char *
page_strdup(struct page *p, const char *s)
{
	return arena_strdup(&p->arena, s != NULL ? s : "");
}

struct page *
page_new(const char *name)
{
	struct page *p = xcalloc(1, sizeof(*p));

	arena_init(&p->arena, PAGE_ARENA_CHUNK);
	p->name = page_strdup(p, name);
	p->status = 200;
	return p;
}

void
page_free(struct page *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->ntables; i++)
		free(p->tables[i].cells);
	free(p->tables);
	free(p->meta);
	free(p->details);
	arena_fini(&p->arena);
	free(p);
}

static void
page_meta(struct page *p, const char *key, const struct cell *value)
{
	struct meta *m;

	p->meta = page_grow(p->meta, p->nmeta, &p->capmeta, sizeof(*p->meta));
	m = &p->meta[p->nmeta++];
	m->key = page_strdup(p, key);
	m->value = *value;
}

void
page_meta_str(struct page *p, const char *key, const char *value)
{
	struct cell c = {.kind = CELL_EMPTY};

	if (value != NULL) {
		c.kind = CELL_STR;
		c.u.str = page_strdup(p, value);
	}
	page_meta(p, key, &c);
}

void
page_meta_u64(struct page *p, const char *key, uint64_t value)
{
	struct cell c = {.kind = CELL_U64, .u.u64 = value};

	page_meta(p, key, &c);
}

/* A handler bug, not a client's: say so once per page, then carry on. */
static void
page_drop(struct page *p, const char *what)
{
	if (!p->dropped)
		log_warnx("page %s: %s dropped", p->name, what);
	p->dropped = true;
}

void
page_table(struct page *p, const char *name, const char *const *columns,
    size_t ncolumns)
{
	struct table *t;
	size_t i;

	if (ncolumns > PAGE_MAX_COLUMNS) {
		page_drop(p, "columns past PAGE_MAX_COLUMNS");
		ncolumns = PAGE_MAX_COLUMNS;
	}
	p->tables =
	    page_grow(p->tables, p->ntables, &p->captables, sizeof(*p->tables));
	t = &p->tables[p->ntables++];
	memset(t, 0, sizeof(*t));
	t->name = page_strdup(p, name);
	t->ncolumns = ncolumns;
	for (i = 0; i < ncolumns; i++)
		t->columns[i] = page_strdup(p, columns[i]);
}

void
page_row(struct page *p)
{
	struct table *t;
	size_t old;

	if (p->ntables == 0) {
		page_drop(p, "row before any table");
		return;
	}
	t = &p->tables[p->ntables - 1];
	if (t->ncolumns > 0 && t->nrows == t->caprows) {
		old = t->caprows;
		t->caprows = old == 0 ? PAGE_GROW_MIN : old * 2;
		t->cells = xreallocarray(
		    t->cells, t->caprows * t->ncolumns, sizeof(*t->cells));
	}
	/* Cells a row does not get stay empty (CELL_EMPTY is 0). */
	if (t->ncolumns > 0)
		memset(&t->cells[t->nrows * t->ncolumns], 0,
		    t->ncolumns * sizeof(*t->cells));
	t->nrows++;
	t->ncur = 0;
}

/*
 * The slot of the next cell of the current row, set to kind, or NULL
 * when there is none (no row yet, or the row is full): the cell is then
 * dropped, so a handler that miscounts its columns never writes out of
 * bounds.  Callers copy strings only once they have a slot.
 */
static struct cell *
page_cell(struct page *p, enum cell_kind kind)
{
	struct table *t;
	struct cell *c;

	if (p->ntables == 0 || p->tables[p->ntables - 1].nrows == 0) {
		page_drop(p, "cell outside a row");
		return NULL;
	}
	t = &p->tables[p->ntables - 1];
	if (t->ncur >= t->ncolumns) {
		page_drop(p, "cell past the last column");
		return NULL;
	}
	c = &t->cells[(t->nrows - 1) * t->ncolumns + t->ncur++];
	c->kind = kind;
	return c;
}

void
page_str(struct page *p, const char *value)
{
	struct cell *c;

	c = page_cell(p, value != NULL ? CELL_STR : CELL_EMPTY);
	if (c != NULL && value != NULL)
		c->u.str = page_strdup(p, value);
}

void
page_u64(struct page *p, uint64_t value)
{
	struct cell *c = page_cell(p, CELL_U64);

	if (c != NULL)
		c->u.u64 = value;
}

void
page_bool(struct page *p, bool value)
{
	struct cell *c = page_cell(p, CELL_BOOL);

	if (c != NULL)
		c->u.b = value;
}

void
page_list(struct page *p, const char *const *items, size_t n)
{
	struct cell *c = page_cell(p, CELL_LIST);
	const char **copy;
	size_t i;

	if (c == NULL)
		return;
	if (n > SIZE_MAX / sizeof(*copy))
		fatalx("%s: %zu items", __func__, n);
	copy = arena_alloc(&p->arena, n * sizeof(*copy));
	for (i = 0; i < n; i++)
		copy[i] = page_strdup(p, items[i]);
	c->u.list.items = copy;
	c->u.list.n = n;
}

void
page_link(struct page *p, const char *text, const char *href)
{
	struct cell *c = page_cell(p, CELL_LINK);

	if (c == NULL)
		return;
	c->u.link.text = page_strdup(p, text);
	c->u.link.href = page_strdup(p, href);
}

void
page_empty(struct page *p)
{
	page_cell(p, CELL_EMPTY);
}

/* printf into the arena: exact size, no truncation. */
static const char *
page_vprintf(struct page *p, const char *fmt, va_list ap)
{
	const char *copy;
	char *s;

	if (vasprintf(&s, fmt, ap) == -1)
		fatal("%s", __func__);
	copy = page_strdup(p, s);
	free(s);
	return copy;
}

void
page_error(struct page *p, int status, const char *fmt, ...)
{
	va_list ap;

	if (status < 400 || status > 599) {
		log_warnx(
		    "page %s: error status %d, answering 500", p->name, status);
		status = 500;
	}
	p->error = true;
	p->error_status = status;
	p->ndetails = 0;
	va_start(ap, fmt);
	p->reason = page_vprintf(p, fmt, ap);
	va_end(ap);
}

void
page_error_detail(struct page *p, const char *fmt, ...)
{
	va_list ap;

	p->details = page_grow(
	    p->details, p->ndetails, &p->capdetails, sizeof(*p->details));
	va_start(ap, fmt);
	p->details[p->ndetails++] = page_vprintf(p, fmt, ap);
	va_end(ap);
}

void
page_raw(struct page *p, const char *content_type, const void *data, size_t len)
{
	p->raw = true;
	p->raw_type = page_strdup(p, content_type);
	p->raw_data = arena_memdup(&p->arena, data, len);
	p->raw_len = len;
}

void
page_set_status(struct page *p, int status)
{
	if (status < 200 || status > 299) {
		log_warnx(
		    "page %s: success status %d ignored", p->name, status);
		return;
	}
	p->status = status;
}

int
page_status(const struct page *p)
{
	return p->error ? p->error_status : p->status;
}

int
page_format_parse(const char *s, enum page_format *fmt)
{
	static const struct {
		const char *name;
		enum page_format fmt;
	} names[] = {
	    {"json", PAGE_JSON},
	    {"html", PAGE_HTML},
	    {"text", PAGE_TEXT},
	    {"xml", PAGE_XML},
	};
	size_t i;

	if (s == NULL)
		return -EINVAL;
	for (i = 0; i < nitems(names); i++) {
		if (strcmp(s, names[i].name) == 0) {
			*fmt = names[i].fmt;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * Output.  A put that does not fit sets full and every later put is a
 * no-op, so renderers write straight through and check once at the
 * end.  With w NULL nothing is written and width only counts: that is
 * how text measures its columns with the same code that prints them.
 */
struct out {
	struct wbuf *w; /* NULL: measure only */
	size_t width;   /* UTF-8 code points put so far */
	bool full;      /* a put did not fit */
};

static void
out_bytes(struct out *o, const void *data, size_t n)
{
	const uint8_t *b = data;
	size_t i;

	/* Continuation bytes (10xxxxxx) do not start a character. */
	for (i = 0; i < n; i++)
		if ((b[i] & 0xc0) != 0x80)
			o->width++;
	if (o->w == NULL || o->full)
		return;
	if (wbuf_put_bytes(o->w, data, n) == -1)
		o->full = true;
}

static void
out_str(struct out *o, const char *s)
{
	out_bytes(o, s, strlen(s));
}

static void
out_u64(struct out *o, uint64_t v)
{
	char buf[24]; /* 20 digits of UINT64_MAX and the NUL */

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	out_str(o, buf);
}

static void
out_spaces(struct out *o, size_t n)
{
	static const char spaces[] = "                ";
	size_t k;

	while (n > 0) {
		k = MIN(n, sizeof(spaces) - 1);
		out_bytes(o, spaces, k);
		n -= k;
	}
}

/*
 * Escaping: an escaper returns the replacement for byte c (written into
 * buf if it must be built) or NULL to keep it.  Runs of kept bytes go
 * out in one put.  Bytes >= 0x80 are always kept: UTF-8 passes through.
 */
#define ESC_MAX 8 /* longest replacement and its NUL: "\u001f" */
typedef const char *(*esc_fn)(unsigned char c, char buf[ESC_MAX]);

static void
out_esc(struct out *o, const char *s, esc_fn esc)
{
	const char *run = s, *rep;
	char buf[ESC_MAX];

	for (; *s != '\0'; s++) {
		if ((rep = esc((unsigned char)*s, buf)) == NULL)
			continue;
		out_bytes(o, run, (size_t)(s - run));
		out_str(o, rep);
		run = s + 1;
	}
	out_bytes(o, run, (size_t)(s - run));
}

/* RFC 8259: quote, backslash and C0 controls must be escaped. */
static const char *
esc_json(unsigned char c, char buf[ESC_MAX])
{
	if (c == '"')
		return "\\\"";
	if (c == '\\')
		return "\\\\";
	if (c < 0x20) {
		snprintf(buf, ESC_MAX, "\\u%04x", c);
		return buf;
	}
	return NULL;
}

/*
 * Controls are shown, not obeyed: "\x1b" instead of ESC.  HTML has no
 * way to carry most C0 controls anyway, so both human formats agree.
 */
static const char *
esc_text(unsigned char c, char buf[ESC_MAX])
{
	if (c < 0x20 || c == 0x7f) {
		snprintf(buf, ESC_MAX, "\\x%02x", c);
		return buf;
	}
	return NULL;
}

/* Safe in text and in double- or single-quoted attributes. */
static const char *
esc_html(unsigned char c, char buf[ESC_MAX])
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	default:
		return esc_text(c, buf);
	}
}

static void
json_str(struct out *o, const char *s)
{
	out_str(o, "\"");
	out_esc(o, s, esc_json);
	out_str(o, "\"");
}

/* ["a","b"] */
static void
json_strs(struct out *o, const char *const *v, size_t n)
{
	size_t i;

	out_str(o, "[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			out_str(o, ",");
		json_str(o, v[i]);
	}
	out_str(o, "]");
}

static void
json_cell(struct out *o, const struct cell *c)
{
	switch (c->kind) {
	case CELL_EMPTY:
		out_str(o, "null");
		break;
	case CELL_STR:
		json_str(o, c->u.str);
		break;
	case CELL_U64:
		out_u64(o, c->u.u64);
		break;
	case CELL_BOOL:
		out_str(o, c->u.b ? "true" : "false");
		break;
	case CELL_LIST:
		json_strs(o, c->u.list.items, c->u.list.n);
		break;
	case CELL_LINK:
		/* Machines get the text; the contract has no link type. */
		json_str(o, c->u.link.text);
		break;
	}
}

static void
json_error(struct out *o, const struct page *p)
{
	out_str(o, "{\"error\":{\"status\":");
	out_u64(o, (uint64_t)p->error_status);
	out_str(o, ",\"reason\":");
	json_str(o, p->reason);
	out_str(o, ",\"details\":");
	json_strs(o, p->details, p->ndetails);
	out_str(o, "}}\n");
}

static void
json_table(struct out *o, const struct table *t)
{
	size_t r, c;

	out_str(o, "{\"name\":");
	json_str(o, t->name);
	out_str(o, ",\"columns\":");
	json_strs(o, t->columns, t->ncolumns);
	out_str(o, ",\"rows\":[");
	for (r = 0; r < t->nrows; r++) {
		out_str(o, r > 0 ? ",{" : "{");
		for (c = 0; c < t->ncolumns; c++) {
			if (c > 0)
				out_str(o, ",");
			json_str(o, t->columns[c]);
			out_str(o, ":");
			json_cell(o, &t->cells[r * t->ncolumns + c]);
		}
		out_str(o, "}");
	}
	out_str(o, "]}");
}

static void
json_page(struct out *o, const struct page *p)
{
	size_t i;

	out_str(o, "{\"page\":");
	json_str(o, p->name);
	out_str(o, ",\"meta\":{");
	for (i = 0; i < p->nmeta; i++) {
		if (i > 0)
			out_str(o, ",");
		json_str(o, p->meta[i].key);
		out_str(o, ":");
		json_cell(o, &p->meta[i].value);
	}
	out_str(o, "},\"tables\":[");
	for (i = 0; i < p->ntables; i++) {
		if (i > 0)
			out_str(o, ",");
		json_table(o, &p->tables[i]);
	}
	out_str(o, "]}\n");
}

/* Shared by HTML and text: what a human reads in a cell. */
static void
human_cell(struct out *o, const struct cell *c, esc_fn esc, const char *sep)
{
	size_t i;

	switch (c->kind) {
	case CELL_EMPTY:
		break;
	case CELL_STR:
		out_esc(o, c->u.str, esc);
		break;
	case CELL_U64:
		out_u64(o, c->u.u64);
		break;
	case CELL_BOOL:
		out_str(o, c->u.b ? "true" : "false");
		break;
	case CELL_LIST:
		for (i = 0; i < c->u.list.n; i++) {
			if (i > 0)
				out_str(o, sep);
			out_esc(o, c->u.list.items[i], esc);
		}
		break;
	case CELL_LINK:
		out_esc(o, c->u.link.text, esc);
		break;
	}
}

static void
html_cell(struct out *o, const struct cell *c)
{
	if (c->kind != CELL_LINK) {
		human_cell(o, c, esc_html, ", ");
		return;
	}
	out_str(o, "<a href=\"");
	out_esc(o, c->u.link.href, esc_html);
	out_str(o, "\">");
	out_esc(o, c->u.link.text, esc_html);
	out_str(o, "</a>");
}

/* <tag>escaped s</tag> */
static void
html_elem(struct out *o, const char *tag, const char *s)
{
	out_str(o, "<");
	out_str(o, tag);
	out_str(o, ">");
	out_esc(o, s, esc_html);
	out_str(o, "</");
	out_str(o, tag);
	out_str(o, ">");
}

static void
html_table(struct out *o, const struct table *t)
{
	size_t r, c;

	html_elem(o, "h2", t->name);
	out_str(o, "\n<table>\n<tr>");
	for (c = 0; c < t->ncolumns; c++)
		html_elem(o, "th", t->columns[c]);
	out_str(o, "</tr>\n");
	for (r = 0; r < t->nrows; r++) {
		out_str(o, "<tr>");
		for (c = 0; c < t->ncolumns; c++) {
			out_str(o, "<td>");
			html_cell(o, &t->cells[r * t->ncolumns + c]);
			out_str(o, "</td>");
		}
		out_str(o, "</tr>\n");
	}
	out_str(o, "</table>\n");
}

static void
html_page(struct out *o, const struct page *p)
{
	size_t i;

	out_str(o,
	    "<!DOCTYPE html>\n<html lang=\"en\">\n"
	    "<head><meta charset=\"utf-8\">");
	html_elem(o, "title", p->name);
	out_str(o, "</head>\n<body>\n<nav><a href=\"/\">index</a></nav>\n");
	if (p->error) {
		out_str(o, "<h1>error ");
		out_u64(o, (uint64_t)p->error_status);
		out_str(o, "</h1>\n");
		html_elem(o, "p", p->reason);
		out_str(o, "\n");
		if (p->ndetails > 0) {
			out_str(o, "<ul>\n");
			for (i = 0; i < p->ndetails; i++) {
				html_elem(o, "li", p->details[i]);
				out_str(o, "\n");
			}
			out_str(o, "</ul>\n");
		}
		goto done;
	}
	html_elem(o, "h1", p->name);
	out_str(o, "\n");
	if (p->nmeta > 0) {
		out_str(o, "<dl>\n");
		for (i = 0; i < p->nmeta; i++) {
			html_elem(o, "dt", p->meta[i].key);
			out_str(o, "<dd>");
			html_cell(o, &p->meta[i].value);
			out_str(o, "</dd>\n");
		}
		out_str(o, "</dl>\n");
	}
	for (i = 0; i < p->ntables; i++)
		html_table(o, &p->tables[i]);
done:
	out_str(o, "</body>\n</html>\n");
}

static void
text_cell(struct out *o, const struct cell *c)
{
	human_cell(o, c, esc_text, ",");
}

static size_t
text_width(const struct cell *c)
{
	struct out m = {.w = NULL};

	text_cell(&m, c);
	return m.width != 0 ? m.width : 1; /* "-" */
}

/* One cell padded to width, unless it is the last of its line. */
static void
text_put(struct out *o, const struct cell *c, size_t width, bool last)
{
	size_t before = o->width;

	text_cell(o, c);
	if (o->width == before)
		out_str(o, "-");
	if (!last)
		out_spaces(o, width + 2 - (o->width - before));
}

static void
text_table(struct out *o, const struct table *t)
{
	struct cell head[PAGE_MAX_COLUMNS];
	size_t width[PAGE_MAX_COLUMNS];
	const struct cell *line;
	size_t r, c;

	out_esc(o, t->name, esc_text);
	out_str(o, "\n");
	if (t->ncolumns == 0)
		return;
	for (c = 0; c < t->ncolumns; c++) {
		head[c].kind = CELL_STR;
		head[c].u.str = t->columns[c];
		width[c] = text_width(&head[c]);
		for (r = 0; r < t->nrows; r++)
			width[c] = MAX(width[c],
			    text_width(&t->cells[r * t->ncolumns + c]));
	}
	/* Line 0 is the header, then one line a row. */
	for (r = 0; r <= t->nrows; r++) {
		line = r == 0 ? head : &t->cells[(r - 1) * t->ncolumns];
		for (c = 0; c < t->ncolumns; c++)
			text_put(o, &line[c], width[c], c + 1 == t->ncolumns);
		out_str(o, "\n");
	}
}

static void
text_page(struct out *o, const struct page *p)
{
	size_t i;

	if (p->error) {
		out_str(o, "error ");
		out_u64(o, (uint64_t)p->error_status);
		out_str(o, ": ");
		out_esc(o, p->reason, esc_text);
		out_str(o, "\n");
		for (i = 0; i < p->ndetails; i++) {
			out_esc(o, p->details[i], esc_text);
			out_str(o, "\n");
		}
		return;
	}
	for (i = 0; i < p->nmeta; i++) {
		out_esc(o, p->meta[i].key, esc_text);
		out_str(o, ": ");
		text_put(o, &p->meta[i].value, 0, true);
		out_str(o, "\n");
	}
	for (i = 0; i < p->ntables; i++) {
		if (i > 0 || p->nmeta > 0)
			out_str(o, "\n");
		text_table(o, &p->tables[i]);
	}
}

int
page_render(const struct page *p, enum page_format fmt, struct wbuf *w,
    const char **content_type)
{
	struct out o = {.w = w};

	if (p->raw && !p->error) {
		*content_type = p->raw_type;
		out_bytes(&o, p->raw_data, p->raw_len);
		return o.full ? -ENOSPC : 0;
	}
	switch (fmt) {
	case PAGE_HTML:
		*content_type = PAGE_TYPE_HTML;
		html_page(&o, p);
		break;
	case PAGE_TEXT:
		*content_type = PAGE_TYPE_TEXT;
		text_page(&o, p);
		break;
	case PAGE_JSON:
	case PAGE_XML: /* only raw pages have an XML form */
	default:
		*content_type = PAGE_TYPE_JSON;
		if (p->error)
			json_error(&o, p);
		else
			json_page(&o, p);
		break;
	}
	return o.full ? -ENOSPC : 0;
}
