/*
 * check_cn_pages.c - the introspect pages of a real node, over HTTP.  A
 * control node runs on a private loop with a config file; the test puts
 * agent routes straight into its tables, then curl (spawned through
 * libuv, so the loop keeps serving) asks for the pages.  Covers the route
 * filters (instance, table, family, exact prefix, longer, source), paging,
 * refusals of bad filters, and the instance, RT group, mirror, config and
 * status pages.  Only 127.0.0.1, on a port the server picks.
 */
#include "control-node/cn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/control-node/suites.h"
#include "tests/testutil.h"

#define RED  "default-domain:demo:red:red"
#define BLUE "default-domain:demo:blue:blue"

static uv_loop_t loop;
static struct cn_node *node;
static char cfgpath[64], outpath[64];
static struct rt_source *agent1, *agent2;
static uint16_t port;
static int64_t exit_status;

static const char config[] =
    "<config>"
    "<bgp-router name='cn1'><router-type>control-node</router-type>"
    "<address>127.0.0.1</address></bgp-router>"
    "<virtual-network name='default-domain:demo:red'><network-id>1"
    "</network-id><network-policies><network-policy>rb</network-policy>"
    "</network-policies></virtual-network>"
    "<virtual-network name='default-domain:demo:blue'><network-id>2"
    "</network-id><network-policies><network-policy>rb</network-policy>"
    "</network-policies></virtual-network>"
    "<network-policy name='rb'><rules><rule><src-addresses><address>"
    "<virtual-network>default-domain:demo:red</virtual-network></address>"
    "</src-addresses><dst-addresses><address><virtual-network>"
    "default-domain:demo:blue</virtual-network></address></dst-addresses>"
    "<action-list><simple-action>pass</simple-action></action-list>"
    "</rule></rules></network-policy>"
    "<virtual-machine-interface name='dpi'><virtual-network>"
    "default-domain:demo:blue</virtual-network><ip-addresses><ip-address>"
    "10.2.0.9</ip-address></ip-addresses><labels><label key='role' "
    "value='dpi'/></labels></virtual-machine-interface>"
    "<mirror-destination name='md'><analyzer-selector><label key='role' "
    "value='dpi'/></analyzer-selector></mirror-destination>"
    "</config>";

static void
route(struct rt_source *src, const char *ri, const char *prefix, const char *nh,
    uint32_t label)
{
	struct ri *r = ri_mgr_lookup(cn_node_ri_mgr(node), ri);
	struct attr a, *ia;
	struct rt_key k;

	ck_assert_ptr_nonnull(r);
	memset(&a, 0, sizeof(a));
	ipaddr_parse(nh, &a.nexthop);
	ck_assert_int_eq(rt_key_parse(RT_INET, prefix, &k), 0);
	ia = attr_intern(&a);
	ck_assert_int_eq(
	    rt_update(ri_table(r, RT_INET), &k, src, ia, label, 0), 0);
	attr_unref(ia);
}

static void
setup(void)
{
	struct cn_options opts;

	log_init("check_cn", LOG_LEVEL_ERR);
	ck_assert_int_eq(schema_init(), 0);
	test_tmpfile("pages-cfg", cfgpath, sizeof(cfgpath));
	test_tmpfile("pages-out", outpath, sizeof(outpath));
	test_write_file(cfgpath, config);
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	memset(&opts, 0, sizeof(opts));
	opts.config_path = cfgpath;
	sockaddr_parse("127.0.0.1:0", 0, &opts.http_addr);
	node = cn_node_new(&loop, &opts);
	ck_assert_int_eq(cn_node_start(node), 0);
	port = intro_port(cn_node_intro(node));
	agent1 = rt_source_new(RT_SRC_XMPP, "compute1");
	agent2 = rt_source_new(RT_SRC_XMPP, "compute2");
	route(agent1, RED, "10.1.1.3/32", "127.0.0.11", 16);
	route(agent1, RED, "10.1.1.4/32", "127.0.0.11", 17);
	route(agent2, RED, "10.1.9.0/24", "127.0.0.12", 18);
	route(agent2, BLUE, "10.2.0.9/32", "127.0.0.12", 19);
}

static void
teardown(void)
{
	cn_node_stop(node, NULL);
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	cn_node_free(node);
	ck_assert_int_eq(uvx_loop_close_all(&loop), 0);
	rt_source_unref(agent1);
	rt_source_unref(agent2);
	unlink(cfgpath);
	unlink(outpath);
	schema_fini();
}

static void
on_exit_cb(uv_process_t *proc, int64_t status, int signal)
{
	(void)signal;
	exit_status = status;
	uv_close((uv_handle_t *)proc, NULL);
	uv_stop(proc->loop);
}

/*
 * GETs path (with ?format=json added) with curl while the loop serves;
 * returns the body (caller frees) and sets *status to the HTTP status.
 */
static char *
get(const char *path, int *status)
{
	char url[1024], code[16];
	char *args[] = {"curl", "-s", "-o", outpath, "-w", "%{http_code}",
	    "--max-time", "10", url, NULL};
	uv_stdio_container_t stdio[3];
	uv_process_options_t po;
	uv_process_t proc;
	int pipefd[2];
	ssize_t n;

	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s%sformat=json", port,
	    path, strchr(path, '?') != NULL ? "&" : "?");
	ck_assert_int_eq(pipe(pipefd), 0);
	memset(&po, 0, sizeof(po));
	memset(stdio, 0, sizeof(stdio));
	stdio[0].flags = UV_IGNORE;
	stdio[1].flags = UV_INHERIT_FD;
	stdio[1].data.fd = pipefd[1];
	stdio[2].flags = UV_IGNORE;
	po.file = "curl";
	po.args = args;
	po.stdio = stdio;
	po.stdio_count = 3;
	po.exit_cb = on_exit_cb;
	exit_status = -1;
	ck_assert_msg(uv_spawn(&loop, &proc, &po) == 0, "cannot run curl");
	close(pipefd[1]);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(exit_status, 0);
	n = read(pipefd[0], code, sizeof(code) - 1);
	close(pipefd[0]);
	ck_assert_int_gt(n, 0);
	code[n] = '\0';
	*status = atoi(code);
	return test_read_file(outpath, NULL);
}

/* The body of a 200 page at path. */
static char *
page_ok(const char *path)
{
	int status;
	char *body = get(path, &status);

	ck_assert_msg(status == 200, "%s: status %d: %s", path, status, body);
	return body;
}

static size_t
count(const char *body, const char *needle)
{
	const char *p;
	size_t n = 0;

	for (p = body; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

START_TEST(routes_by_instance)
{
	char *b = page_ok("/routes?instance=" RED);

	/* Red's three routes, and blue's, copied in (connected). */
	ck_assert_ptr_nonnull(strstr(b, "\"total\":4"));

	ck_assert_uint_eq(count(b,
			      "{\"table\":\"" RED ".inet.0\",\"prefix\":"
			      "\"10.1.1.3/32\",\"protocol\":\"xmpp\","
			      "\"source\":\"compute1\""),
	    1);
	ck_assert_ptr_nonnull(strstr(b,
	    "\"prefix\":\"10.2.0.9/32\","
	    "\"protocol\":\"xmpp\",\"source\":"
	    "\"compute2\""));
	ck_assert_ptr_nonnull(strstr(b, "\"flags\":[\"secondary\"]"));
	/* Sorted by key within the table. */
	ck_assert_ptr_nonnull(strstr(b, "10.1.1.3/32"));
	ck_assert_ptr_nonnull(strstr(b, "10.1.9.0/24"));
	ck_assert(strstr(b, "10.1.1.3/32") < strstr(b, "10.1.1.4/32"));
	ck_assert(strstr(b, "10.1.1.4/32") < strstr(b, "10.1.9.0/24"));
	free(b);
}
END_TEST

START_TEST(routes_filters)
{
	char *b;

	b = page_ok("/routes?instance=" RED "&prefix=10.1.1.3/32");
	ck_assert_ptr_nonnull(strstr(b, "\"total\":1"));
	free(b);
	b = page_ok("/routes?instance=" RED "&prefix=10.1.0.0/16&longer=1");
	ck_assert_ptr_nonnull(strstr(b, "\"total\":3"));
	free(b);
	b = page_ok("/routes?prefix=10.1.0.0/16");
	ck_assert_ptr_nonnull(strstr(b, "\"total\":0"));
	free(b);
	b = page_ok("/routes?source=compute2&table=" RED ".inet.0");
	ck_assert_ptr_nonnull(strstr(b, "\"total\":2"));
	ck_assert_ptr_null(strstr(b, "compute1"));
	free(b);
	/* The VPN copies carry the SourceRD <router id>:<index>. */
	b = page_ok("/routes?family=l3vpn");
	ck_assert_ptr_nonnull(strstr(b, "\"total\":4"));
	ck_assert_ptr_nonnull(strstr(b, "127.0.0.1:1:10.1.1.3/32"));
	ck_assert_ptr_nonnull(strstr(b, "127.0.0.1:2:10.2.0.9/32"));
	ck_assert_ptr_nonnull(strstr(b, "origin-vn:64512:1"));
	free(b);
}
END_TEST

START_TEST(routes_paging)
{
	char *b = page_ok("/routes?table=" RED ".inet.0&offset=1&limit=1");

	ck_assert_ptr_nonnull(strstr(b, "\"total\":4"));
	ck_assert_ptr_nonnull(strstr(b, "\"offset\":1"));
	ck_assert_ptr_nonnull(strstr(b, "\"limit\":1"));
	ck_assert_ptr_nonnull(strstr(b, "10.1.1.4/32"));
	ck_assert_ptr_null(strstr(b, "10.1.1.3/32"));
	ck_assert_ptr_null(strstr(b, "10.1.9.0/24"));
	free(b);
}
END_TEST

START_TEST(routes_refusals)
{
	int status;
	char *b;

	b = get("/routes?family=bogus", &status);
	ck_assert_int_eq(status, 400);
	ck_assert_ptr_nonnull(strstr(b, "unknown family 'bogus'"));
	free(b);
	b = get("/routes?limit=10001", &status);
	ck_assert_int_eq(status, 400);
	free(b);
	b = get("/routes?offset=-1", &status);
	ck_assert_int_eq(status, 400);
	free(b);
	b = get("/routes?instance=nowhere", &status);
	ck_assert_int_eq(status, 404);
	ck_assert_ptr_nonnull(strstr(b, "no routing instance named nowhere"));
	free(b);
}
END_TEST

START_TEST(other_pages)
{
	int status;
	char *b;

	b = page_ok("/routing-instances/" RED);
	ck_assert_ptr_nonnull(strstr(b,
	    "\"table\":\"" RED ".inet.0\","
	    "\"family\":\"inet\",\"prefixes\":4"));
	ck_assert_ptr_nonnull(strstr(b, BLUE));
	free(b);
	b = page_ok("/rt-groups");
	ck_assert_ptr_nonnull(strstr(b,
	    "{\"route-target\":\"target:64512:"
	    "8000001\",\"importers\":[\"" BLUE "\",\"" RED
	    "\"],\"exporters\":[\"" RED "\"]}"));
	free(b);
	b = page_ok("/mirror-destinations");
	ck_assert_ptr_nonnull(strstr(b,
	    "\"name\":\"md\",\"via\":null,"
	    "\"resolved\":true,\"analyzer\":"
	    "\"dpi\",\"ip\":\"10.2.0.9\""));
	free(b);
	b = page_ok("/status");
	ck_assert_ptr_nonnull(strstr(b, "\"router-id\":\"127.0.0.1\""));
	ck_assert_ptr_nonnull(strstr(b, "\"routing-instances\":3"));
	ck_assert_ptr_nonnull(strstr(b, "\"prefixes\":"));
	free(b);
	b = get("/config/virtual-network/default-domain:demo:red", &status);
	ck_assert_int_eq(status, 200);
	ck_assert_ptr_nonnull(strstr(b, "<network-id>1</network-id>"));
	free(b);
	b = get("/config/routing-instance", &status);
	ck_assert_int_eq(status, 404);
	free(b);
}
END_TEST

Suite *
cn_pages_suite(void)
{
	Suite *s = suite_create("cn_pages");
	TCase *tc = tcase_create("io");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, routes_by_instance);
	tcase_add_test(tc, routes_filters);
	tcase_add_test(tc, routes_paging);
	tcase_add_test(tc, routes_refusals);
	tcase_add_test(tc, other_pages);
	suite_add_tcase(s, tc);
	return s;
}
