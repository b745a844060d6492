/*
 * DOC: check_cn_page.c - tests of common/page.c.
 *
 * Golden renderings: a few pages (an ordinary one, one made of hostile
 * strings, an error, a raw document) are rendered in every format and
 * compared byte for byte with the text below, content type included.
 * The limits: a render that does not fit its wbuf fails with -ENOSPC at
 * every size short of the whole; a table keeps at most PAGE_MAX_COLUMNS
 * columns, and cells outside a row or past its columns are dropped.
 */
#include "control-node/cn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/control-node/suites.h"

#define TYPE_JSON  "application/json"
#define TYPE_HTML  "text/html; charset=utf-8"
#define TYPE_TEXT  "text/plain; charset=utf-8"
#define TYPE_XML   "application/xml"
#define RENDER_MAX (64 * 1024) /* every page here renders far smaller */

#define HTML_HEAD(title)                                                       \
	"<!DOCTYPE html>\n<html lang=\"en\">\n"                                \
	"<head><meta charset=\"utf-8\"><title>" title "</title></head>\n"      \
	"<body>\n<nav><a href=\"/\">index</a></nav>\n"
#define HTML_TAIL "</body>\n</html>\n"

static void
setup(void)
{
	log_init("check_cn", LOG_LEVEL_ERR);
}

/* Renders p as fmt; the caller frees the result with free(). */
static char *
render(const struct page *p, enum page_format fmt, const char **ctype)
{
	struct wbuf w;
	char *s;

	wbuf_init_dyn(&w, RENDER_MAX);
	ck_assert_int_eq(page_render(p, fmt, &w, ctype), 0);
	s = xmalloc(w.len + 1);
	if (w.len > 0)
		memcpy(s, w.data, w.len);
	s[w.len] = '\0';
	wbuf_fini(&w);
	return s;
}

static void
check_render(const struct page *p, enum page_format fmt, const char *ctype,
    const char *want)
{
	const char *got_type = NULL;
	char *got = render(p, fmt, &got_type);

	ck_assert_str_eq(got, want);
	ck_assert_str_eq(got_type, ctype);
	free(got);
}

/* Meta of both kinds, every cell kind, a short row, a table w/o rows. */
static struct page *
hello_page(void)
{
	static const char *const cols[] = {
	    "name", "vni", "up", "targets", "link"};
	static const char *const rts[] = {"target:64512:1", "target:64512:2"};
	struct page *p = page_new("hello");

	page_meta_str(p, "version", "0.1.0");
	page_meta_u64(p, "uptime", 42);
	page_table(p, "instances", cols, nitems(cols));
	page_row(p);
	page_str(p, "red");
	page_u64(p, 10);
	page_bool(p, true);
	page_list(p, rts, nitems(rts));
	page_link(p, "red", "/routing-instances/red");
	page_row(p);
	page_str(p, "bl\xc3\xa9u"); /* UTF-8: one column per character */
	page_empty(p);
	page_bool(p, false);
	page_list(p, NULL, 0);
	/* No link cell: it stays empty. */
	page_table(p, "empty", cols, 2);
	return p;
}

START_TEST(hello_json)
{
	static const char json[] =
	    "{\"page\":\"hello\",\"meta\":{\"version\":\"0.1.0\",\"uptime\":42},"
	    "\"tables\":[{\"name\":\"instances\",\"columns\":[\"name\",\"vni\","
	    "\"up\",\"targets\",\"link\"],\"rows\":[{\"name\":\"red\","
	    "\"vni\":10,\"up\":true,\"targets\":[\"target:64512:1\","
	    "\"target:64512:2\"],\"link\":\"red\"},{\"name\":\"bl\xc3\xa9u\","
	    "\"vni\":null,\"up\":false,\"targets\":[],\"link\":null}]},"
	    "{\"name\":\"empty\",\"columns\":[\"name\",\"vni\"],\"rows\":[]}]}"
	    "\n";
	struct page *p = hello_page();

	check_render(p, PAGE_JSON, TYPE_JSON, json);
	/* XML is for raw pages only: the others answer JSON. */
	check_render(p, PAGE_XML, TYPE_JSON, json);
	page_free(p);
}
END_TEST

START_TEST(hello_html)
{
	struct page *p = hello_page();

	check_render(p, PAGE_HTML, TYPE_HTML,
	    HTML_HEAD("hello") "<h1>hello</h1>\n"
			       "<dl>\n"
			       "<dt>version</dt><dd>0.1.0</dd>\n"
			       "<dt>uptime</dt><dd>42</dd>\n"
			       "</dl>\n"
			       "<h2>instances</h2>\n"
			       "<table>\n"
			       "<tr><th>name</th><th>vni</th><th>up</th>"
			       "<th>targets</th><th>link</th></tr>\n"
			       "<tr><td>red</td><td>10</td><td>true</td>"
			       "<td>target:64512:1, target:64512:2</td>"
			       "<td><a href=\"/routing-instances/red\">red</a>"
			       "</td></tr>\n"
			       "<tr><td>bl\xc3\xa9u</td><td></td><td>false</td>"
			       "<td></td><td></td></tr>\n"
			       "</table>\n"
			       "<h2>empty</h2>\n"
			       "<table>\n"
			       "<tr><th>name</th><th>vni</th></tr>\n"
			       "</table>\n" HTML_TAIL);
	page_free(p);
}
END_TEST

START_TEST(hello_text)
{
	struct page *p = hello_page();

	check_render(p, PAGE_TEXT, TYPE_TEXT,
	    "version: 0.1.0\n"
	    "uptime: 42\n"
	    "\n"
	    "instances\n"
	    "name  vni  up     targets                        link\n"
	    "red   10   true   target:64512:1,target:64512:2  red\n"
	    "bl\xc3\xa9u  -    false  -                              -\n"
	    "\n"
	    "empty\n"
	    "name  vni\n");
	page_free(p);
}
END_TEST

/* Every string a handler passes on may come from a config file. */
static struct page *
hostile_page(void)
{
	static const char *const cols[] = {"<b>", "q\"&"};
	struct page *p = page_new("<script>\"&\x01");

	page_meta_str(p, "k<\"&>", "<script>\"&\x01\\");
	page_table(p, "t<i>", cols, nitems(cols));
	page_row(p);
	page_link(p, "<script>\"&\x01", "/x?a=1&b=\"><script>");
	page_str(p, "\x1b[31m\t\n\x7f");
	return p;
}

START_TEST(hostile_json)
{
	struct page *p = hostile_page();

	check_render(p, PAGE_JSON, TYPE_JSON,
	    "{\"page\":\"<script>\\\"&\\u0001\","
	    "\"meta\":{\"k<\\\"&>\":\"<script>\\\"&\\u0001\\\\\"},"
	    "\"tables\":[{\"name\":\"t<i>\",\"columns\":[\"<b>\",\"q\\\"&\"],"
	    "\"rows\":[{\"<b>\":\"<script>\\\"&\\u0001\","
	    "\"q\\\"&\":\"\\u001b[31m\\u0009\\u000a\x7f\"}]}]}\n");
	page_free(p);
}
END_TEST

START_TEST(hostile_html)
{
	struct page *p = hostile_page();

	check_render(p, PAGE_HTML, TYPE_HTML,
	    HTML_HEAD(
		"&lt;script&gt;&quot;&amp;\\x01") "<h1>&lt;script&gt;&quot;&amp;\\x01</h1>\n"
						  "<dl>\n"
						  "<dt>k&lt;&quot;&amp;&gt;</dt>"
						  "<dd>&lt;script&gt;&quot;&amp;\\x01\\</dd>\n"
						  "</dl>\n"
						  "<h2>t&lt;i&gt;</h2>\n"
						  "<table>\n"
						  "<tr><th>&lt;b&gt;</th><th>q&quot;&amp;</th></tr>\n"
						  "<tr><td><a href=\"/x?a=1&amp;b=&quot;&gt;&lt;script&gt;\">"
						  "&lt;script&gt;&quot;&amp;\\x01</a></td>"
						  "<td>\\x1b[31m\\x09\\x0a\\x7f</td></tr>\n"
						  "</table>\n" HTML_TAIL);
	page_free(p);
}
END_TEST

START_TEST(hostile_text)
{
	struct page *p = hostile_page();

	/* No control character reaches the terminal. */
	check_render(p, PAGE_TEXT, TYPE_TEXT,
	    "k<\"&>: <script>\"&\\x01\\\n"
	    "\n"
	    "t<i>\n"
	    "<b>             q\"&\n"
	    "<script>\"&\\x01  \\x1b[31m\\x09\\x0a\\x7f\n");
	page_free(p);
}
END_TEST

static struct page *
error_page(void)
{
	struct page *p = page_new("x");

	page_meta_str(p, "replaced", "by the error");
	page_error(p, 404, "no page %s", "/x<\"&>");
	page_error_detail(p, "a\x01 %d", 1);
	page_error_detail(p, "b");
	return p;
}

START_TEST(error_all_formats)
{
	struct page *p = error_page();
	static const char json[] = "{\"error\":{\"status\":404,"
				   "\"reason\":\"no page /x<\\\"&>\","
				   "\"details\":[\"a\\u0001 1\",\"b\"]}}\n";

	ck_assert_int_eq(page_status(p), 404);
	check_render(p, PAGE_JSON, TYPE_JSON, json);
	check_render(p, PAGE_XML, TYPE_JSON, json);
	check_render(p, PAGE_HTML, TYPE_HTML,
	    HTML_HEAD("x") "<h1>error 404</h1>\n"
			   "<p>no page /x&lt;&quot;&amp;&gt;</p>\n"
			   "<ul>\n"
			   "<li>a\\x01 1</li>\n"
			   "<li>b</li>\n"
			   "</ul>\n" HTML_TAIL);
	check_render(p, PAGE_TEXT, TYPE_TEXT,
	    "error 404: no page /x<\"&>\n"
	    "a\\x01 1\n"
	    "b\n");
	page_free(p);
}
END_TEST

START_TEST(error_without_details)
{
	struct page *p = page_new("x");

	page_error(p, 409, "in use");
	check_render(p, PAGE_JSON, TYPE_JSON,
	    "{\"error\":{\"status\":409,\"reason\":\"in use\","
	    "\"details\":[]}}\n");
	check_render(p, PAGE_HTML, TYPE_HTML,
	    HTML_HEAD("x") "<h1>error 409</h1>\n<p>in use</p>\n" HTML_TAIL);
	check_render(p, PAGE_TEXT, TYPE_TEXT, "error 409: in use\n");
	/* A second error replaces the first, details too. */
	page_error_detail(p, "gone");
	page_error(p, 400, "bad");
	check_render(p, PAGE_TEXT, TYPE_TEXT, "error 400: bad\n");
	page_free(p);
}
END_TEST

START_TEST(status)
{
	struct page *p = page_new("x");

	ck_assert_int_eq(page_status(p), 200);
	page_set_status(p, 201);
	ck_assert_int_eq(page_status(p), 201);
	page_set_status(p, 404); /* not a success: ignored */
	ck_assert_int_eq(page_status(p), 201);
	page_error(p, 200, "not an error status"); /* becomes 500 */
	ck_assert_int_eq(page_status(p), 500);
	page_free(p);
}
END_TEST

START_TEST(raw_every_format)
{
	static const char xml[] = "<vn name='a'/>\n\0tail"; /* NUL kept */
	struct page *p = page_new("vn");
	const char *ctype;
	struct wbuf w;
	int fmt;

	page_raw(p, TYPE_XML, xml, sizeof(xml) - 1);
	for (fmt = PAGE_JSON; fmt <= PAGE_XML; fmt++) {
		wbuf_init_dyn(&w, RENDER_MAX);
		ck_assert_int_eq(
		    page_render(p, (enum page_format)fmt, &w, &ctype), 0);
		ck_assert_str_eq(ctype, TYPE_XML);
		ck_assert_uint_eq(w.len, sizeof(xml) - 1);
		ck_assert_mem_eq(w.data, xml, sizeof(xml) - 1);
		wbuf_fini(&w);
	}
	/* An error wins over the raw body. */
	page_error(p, 404, "no such object");
	check_render(p, PAGE_XML, TYPE_JSON,
	    "{\"error\":{\"status\":404,\"reason\":\"no such object\","
	    "\"details\":[]}}\n");
	page_free(p);
}
END_TEST

START_TEST(empty_page)
{
	struct page *p = page_new("nothing");

	check_render(p, PAGE_JSON, TYPE_JSON,
	    "{\"page\":\"nothing\",\"meta\":{},\"tables\":[]}\n");
	check_render(p, PAGE_HTML, TYPE_HTML,
	    HTML_HEAD("nothing") "<h1>nothing</h1>\n" HTML_TAIL);
	check_render(p, PAGE_TEXT, TYPE_TEXT, "");
	page_free(p);
}
END_TEST

START_TEST(format_parse)
{
	enum page_format fmt;

	ck_assert_int_eq(page_format_parse("json", &fmt), 0);
	ck_assert_int_eq(fmt, PAGE_JSON);
	ck_assert_int_eq(page_format_parse("html", &fmt), 0);
	ck_assert_int_eq(fmt, PAGE_HTML);
	ck_assert_int_eq(page_format_parse("text", &fmt), 0);
	ck_assert_int_eq(fmt, PAGE_TEXT);
	ck_assert_int_eq(page_format_parse("xml", &fmt), 0);
	ck_assert_int_eq(fmt, PAGE_XML);
	ck_assert_int_eq(page_format_parse("JSON", &fmt), -EINVAL);
	ck_assert_int_eq(page_format_parse("", &fmt), -EINVAL);
	ck_assert_int_eq(page_format_parse("yaml", &fmt), -EINVAL);
	ck_assert_int_eq(page_format_parse(NULL, &fmt), -EINVAL);
}
END_TEST

/*
 * Every size short of the whole rendering fails with -ENOSPC; the exact
 * size succeeds and gives the same bytes.
 */
START_TEST(enospc_at_every_size)
{
	struct page *p = hello_page();
	enum page_format fmt = (enum page_format)_i;
	const char *ctype;
	struct wbuf w;
	uint8_t *mem;
	char *whole;
	size_t len, cap;

	whole = render(p, fmt, &ctype);
	len = strlen(whole);
	mem = xmalloc(len);
	for (cap = 0; cap <= len; cap++) {
		wbuf_init(&w, mem, cap);
		if (cap < len) {
			ck_assert_int_eq(
			    page_render(p, fmt, &w, &ctype), -ENOSPC);
			ck_assert_uint_le(w.len, cap);
		} else {
			ck_assert_int_eq(page_render(p, fmt, &w, &ctype), 0);
			ck_assert_mem_eq(mem, whole, len);
		}
	}
	free(mem);
	free(whole);
	page_free(p);
}
END_TEST

START_TEST(enospc_small_bound)
{
	struct page *p = page_new("big");
	uint8_t mem[64];
	const char *ctype;
	struct wbuf w;

	page_raw(p, TYPE_XML,
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789",
	    80);
	wbuf_init(&w, mem, sizeof(mem));
	ck_assert_int_eq(page_render(p, PAGE_XML, &w, &ctype), -ENOSPC);
	ck_assert_uint_eq(w.len, 0); /* a failed put writes nothing */
	page_free(p);
}
END_TEST

START_TEST(columns_bounded)
{
	const char *cols[PAGE_MAX_COLUMNS + 8];
	char names[PAGE_MAX_COLUMNS + 8][8];
	struct page *p = page_new("wide");
	const char *ctype;
	char *json, *s;
	size_t i, n;

	for (i = 0; i < nitems(cols); i++) {
		snprintf(names[i], sizeof(names[i]), "c%zu", i);
		cols[i] = names[i];
	}
	page_table(p, "t", cols, nitems(cols));
	page_row(p);
	for (i = 0; i < nitems(cols); i++)
		page_u64(p, i);
	json = render(p, PAGE_JSON, &ctype);
	/* 32 columns named once in "columns" and once in the row. */
	for (n = 0, s = json; (s = strstr(s, "\"c")) != NULL; s++)
		if (s[2] >= '0' && s[2] <= '9')
			n++;
	ck_assert_uint_eq(n, 2 * PAGE_MAX_COLUMNS);
	ck_assert_ptr_nonnull(strstr(json, "\"c31\":31}"));
	ck_assert_ptr_null(strstr(json, "c32"));
	free(json);
	page_free(p);
}
END_TEST

START_TEST(misplaced_cells_dropped)
{
	static const char *const cols[] = {"a", "b"};
	static const char *const items[] = {"x"};
	struct page *p = page_new("drops");

	page_row(p);         /* no table yet */
	page_str(p, "lost"); /* no table, no row */
	page_table(p, "t", cols, nitems(cols));
	page_u64(p, 1); /* no row yet */
	page_row(p);
	page_str(p, "one");
	page_str(p, NULL);    /* empty */
	page_str(p, "three"); /* past the columns: every kind is dropped */
	page_u64(p, 4);
	page_bool(p, true);
	page_list(p, items, 1);
	page_link(p, "x", "/x");
	page_empty(p);
	check_render(p, PAGE_JSON, TYPE_JSON,
	    "{\"page\":\"drops\",\"meta\":{},\"tables\":[{\"name\":\"t\","
	    "\"columns\":[\"a\",\"b\"],\"rows\":[{\"a\":\"one\",\"b\":null}]}]}"
	    "\n");
	check_render(p, PAGE_TEXT, TYPE_TEXT, "t\na    b\none  -\n");
	page_free(p);
}
END_TEST

/* Many rows: the row array grows and keeps every cell. */
START_TEST(many_rows)
{
	static const char *const cols[] = {"n", "sq"};
	struct page *p = page_new("rows");
	const char *ctype;
	char *text;
	uint64_t i;

	page_table(p, "squares", cols, nitems(cols));
	for (i = 0; i < 1000; i++) {
		page_row(p);
		page_u64(p, i);
		page_u64(p, i * i);
	}
	text = render(p, PAGE_TEXT, &ctype);
	ck_assert_ptr_nonnull(strstr(text, "n    sq\n0    0\n1    1\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n999  998001\n"));
	free(text);
	page_free(p);
}
END_TEST

Suite *
cn_page_suite(void)
{
	Suite *s = suite_create("cn_page");
	TCase *tc = tcase_create("core");
	TCase *lim = tcase_create("limits");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, hello_json);
	tcase_add_test(tc, hello_html);
	tcase_add_test(tc, hello_text);
	tcase_add_test(tc, hostile_json);
	tcase_add_test(tc, hostile_html);
	tcase_add_test(tc, hostile_text);
	tcase_add_test(tc, error_all_formats);
	tcase_add_test(tc, error_without_details);
	tcase_add_test(tc, status);
	tcase_add_test(tc, raw_every_format);
	tcase_add_test(tc, empty_page);
	tcase_add_test(tc, format_parse);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(lim, setup, NULL);
	tcase_add_loop_test(
	    lim, enospc_at_every_size, PAGE_JSON, PAGE_TEXT + 1);
	tcase_add_test(lim, enospc_small_bound);
	tcase_add_test(lim, columns_bounded);
	tcase_add_test(lim, misplaced_cells_dropped);
	tcase_add_test(lim, many_rows);
	suite_add_tcase(s, lim);
	return s;
}
