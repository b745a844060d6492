/*
 * check_cn_node.c - a control node on a private loop: it starts on a
 * configuration, reloads on SIGHUP (keeping the old one when the new file
 * is bad), stops on SIGTERM and SIGINT with every handle closed, so that
 * uv_loop_close() succeeds.  Signals are real (raise(3)); each test runs
 * in its own forked process.
 */
#include "control-node/cn.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/control-node/suites.h"
#include "tests/testutil.h"

static char path[64];
static uv_loop_t loop;
static struct cn_node *node;
static uv_timer_t timer;
static int step;
static bool stopped;

static void
write_config(const char *xml)
{
	test_write_file(path, xml);
}

static size_t
running_vns(void)
{
	return schema_config_count(
	    cn_config_running(cn_node_config(node)), SCHEMA_VIRTUAL_NETWORK);
}

static void
setup(void)
{
	struct cn_options opts;

	ck_assert_int_eq(schema_init(), 0);
	log_init("check_cn", LOG_LEVEL_ERR);
	test_tmpfile("node", path, sizeof(path));
	write_config("<config><virtual-network name='a'/></config>");
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	memset(&opts, 0, sizeof(opts));
	opts.config_path = path;
	node = cn_node_new(&loop, &opts);
	step = 0;
	stopped = false;
}

static void
teardown(void)
{
	unlink(path);
	schema_fini();
}

/* After uv_run: free the node; nothing may be left open on the loop. */
static void
finish(void)
{
	cn_node_free(node);
	ck_assert_int_eq(uvx_loop_close_all(&loop), 0);
}

static void
on_stopped(struct cn_node *n)
{
	ck_assert_ptr_eq(n, node);
	stopped = true;
}

/* One step per tick: change the file, signal, check, and finally stop. */
static void
script_cb(uv_timer_t *t)
{
	switch (step++) {
	case 0:
		ck_assert_uint_eq(running_vns(), 1);
		write_config("<config><virtual-network name='a'/>"
			     "<virtual-network name='b'/></config>");
		raise(SIGHUP);
		break;
	case 1:
		ck_assert_uint_eq(running_vns(), 2);
		write_config("<config><virtual-network name='a'>"
			     "<bogus/></virtual-network></config>");
		raise(SIGHUP);
		break;
	case 2:
		/* Rejected: the running configuration stays. */
		ck_assert_uint_eq(running_vns(), 2);
		raise(SIGTERM);
		uv_close((uv_handle_t *)t, NULL);
		break;
	}
}

START_TEST(reload_then_sigterm)
{
	ck_assert_int_eq(cn_node_start(node), 0);
	ck_assert_int_eq(uv_timer_init(&loop, &timer), 0);
	ck_assert_int_eq(uv_timer_start(&timer, script_cb, 20, 20), 0);
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	ck_assert_int_eq(step, 3);
	finish();
}
END_TEST

static void
sigint_cb(uv_timer_t *t)
{
	raise(SIGINT);
	uv_close((uv_handle_t *)t, NULL);
}

START_TEST(sigint_stops)
{
	ck_assert_int_eq(cn_node_start(node), 0);
	ck_assert_int_eq(uv_timer_init(&loop, &timer), 0);
	ck_assert_int_eq(uv_timer_start(&timer, sigint_cb, 10, 0), 0);
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	finish();
}
END_TEST

START_TEST(stop_calls_back_once)
{
	ck_assert_int_eq(cn_node_start(node), 0);
	ck_assert_int_eq(cn_node_reload(node), 0);
	cn_node_stop(node, on_stopped);
	cn_node_stop(node, on_stopped); /* a second stop is a no-op */
	ck_assert(!stopped);            /* closes are asynchronous */
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	ck_assert(stopped);
	finish();
}
END_TEST

START_TEST(bad_config_does_not_start)
{
	write_config("<config><virtual-network/></config>");
	ck_assert_int_eq(cn_node_start(node), -EINVAL);
	ck_assert_ptr_null(cn_config_running(cn_node_config(node)));
	cn_node_stop(node, on_stopped);
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	ck_assert(stopped);
	finish();
}
END_TEST

START_TEST(free_unstarted)
{
	finish();
}
END_TEST

Suite *
cn_node_suite(void)
{
	Suite *s = suite_create("cn_node");
	TCase *tc = tcase_create("io");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, reload_then_sigterm);
	tcase_add_test(tc, sigint_stops);
	tcase_add_test(tc, stop_calls_back_once);
	tcase_add_test(tc, bad_config_does_not_start);
	tcase_add_test(tc, free_unstarted);
	suite_add_tcase(s, tc);
	return s;
}
