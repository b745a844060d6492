/*
 * DOC: check_common_uvx.c - tests of common/uvx.c.
 *
 * Each case runs a private uv_loop_t.  Timers exercise the owner's close
 * accounting: free_cb runs once, after the last close_cb, never early.
 * A loopback TCP pair (127.0.0.1, port 0) carries uvx_write payloads,
 * checking that the request copied its payload and called back with the
 * caller's argument.  Every case ends with uvx_loop_close_all() == 0, and
 * LeakSanitizer catches a request or owner that was not freed.
 */
#include "common/common.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/suites.h"

#define NTIMERS   3
#define BIG_WRITE (1024 * 1024 + 7) /* more than one read */
#define TAIL      "tail"

/* An object owning timers, freed by its free_cb. */
struct tobj {
	struct uvx_owner owner; /* its timers' owner */
	uv_timer_t timers[NTIMERS];
	int *nfreed; /* bumped by tobj_free */
};

static void
tobj_free(struct uvx_owner *o)
{
	struct tobj *t = container_of(o, struct tobj, owner);
	unsigned i;

	/* Every handle is closed by now, none is active. */
	for (i = 0; i < NTIMERS; i++)
		ck_assert(!uv_is_active((uv_handle_t *)&t->timers[i]));
	(*t->nfreed)++;
	free(t);
}

static struct tobj *
tobj_new(uv_loop_t *loop, int *nfreed)
{
	struct tobj *t = xcalloc(1, sizeof(*t));
	unsigned i;

	uvx_owner_init(&t->owner);
	t->nfreed = nfreed;
	for (i = 0; i < NTIMERS; i++) {
		ck_assert_int_eq(uv_timer_init(loop, &t->timers[i]), 0);
		uvx_own(&t->owner, (uv_handle_t *)&t->timers[i]);
		ck_assert_ptr_eq(
		    uvx_owner_of((uv_handle_t *)&t->timers[i]), &t->owner);
	}
	ck_assert_uint_eq(t->owner.nhandles, NTIMERS);
	ck_assert_uint_eq(t->owner.nopen, NTIMERS);
	return t;
}

static void
never_cb(uv_timer_t *h)
{
	(void)h;
	ck_abort_msg("timer of a closed owner fired");
}

/* free_cb waits for every close_cb, and runs once however often closed. */
START_TEST(test_uvx_owner_close)
{
	struct tobj *t;
	uv_loop_t loop;
	int nfreed = 0;

	ck_assert_int_eq(uv_loop_init(&loop), 0);
	t = tobj_new(&loop, &nfreed);
	ck_assert_int_eq(uv_timer_start(&t->timers[1], never_cb, 10, 0), 0);
	uvx_owner_close(&t->owner, tobj_free);
	ck_assert_int_eq(nfreed, 0); /* closes are pending */
	ck_assert(t->owner.closing);
	uvx_owner_close(&t->owner, tobj_free); /* no-op */
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	ck_assert_int_eq(nfreed, 1);
	ck_assert_int_eq(uvx_loop_close_all(&loop), 0);
}
END_TEST

static void
close_owner_cb(uv_timer_t *h)
{
	uvx_owner_close(uvx_owner_of((uv_handle_t *)h), tobj_free);
}

/* The usual path: a callback of one handle closes its owner. */
START_TEST(test_uvx_owner_close_from_cb)
{
	struct tobj *a, *b;
	uv_loop_t loop;
	int nfreed = 0;

	ck_assert_int_eq(uv_loop_init(&loop), 0);
	a = tobj_new(&loop, &nfreed);
	b = tobj_new(&loop, &nfreed);
	ck_assert_int_eq(
	    uv_timer_start(&a->timers[0], close_owner_cb, 1, 0), 0);
	ck_assert_int_eq(uv_timer_start(&a->timers[2], never_cb, 50, 0), 0);
	/* b's second timer closes b while b's first is still repeating. */
	ck_assert_int_eq(uv_timer_start(&b->timers[0], never_cb, 100, 100), 0);
	ck_assert_int_eq(
	    uv_timer_start(&b->timers[1], close_owner_cb, 2, 0), 0);
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	ck_assert_int_eq(nfreed, 2);
	ck_assert_int_eq(uvx_loop_close_all(&loop), 0);
}
END_TEST

/* With no handle open, free_cb runs at once; a NULL free_cb is allowed. */
START_TEST(test_uvx_owner_empty)
{
	struct tobj *t;
	uv_loop_t loop;
	int nfreed = 0;

	ck_assert_int_eq(uv_loop_init(&loop), 0);
	t = xcalloc(1, sizeof(*t));
	uvx_owner_init(&t->owner);
	t->nfreed = &nfreed;
	uvx_owner_close(&t->owner, tobj_free);
	ck_assert_int_eq(nfreed, 1);

	t = tobj_new(&loop, &nfreed);
	uvx_owner_close(&t->owner, NULL);
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	ck_assert_uint_eq(t->owner.nopen, 0);
	ck_assert_int_eq(nfreed, 1); /* nobody was told */
	free(t);
	ck_assert_int_eq(uvx_loop_close_all(&loop), 0);
}
END_TEST

/* Leftover handles, owned or not, are closed; the loop closes clean. */
START_TEST(test_uvx_close_all)
{
	uv_timer_t timer;
	uv_idle_t idle;
	uv_tcp_t tcp;
	uv_loop_t loop;

	ck_assert_int_eq(uv_loop_init(&loop), 0);
	ck_assert_int_eq(uv_timer_init(&loop, &timer), 0);
	ck_assert_int_eq(uv_timer_start(&timer, never_cb, 10000, 0), 0);
	ck_assert_int_eq(uv_idle_init(&loop, &idle), 0);
	ck_assert_int_eq(uv_tcp_init(&loop, &tcp), 0);
	/* Without the walk the loop is busy. */
	ck_assert_int_eq(uv_loop_close(&loop), UV_EBUSY);
	ck_assert_int_eq(uvx_loop_close_all(&loop), 0);
	ck_assert(uv_is_closing((uv_handle_t *)&tcp));
}
END_TEST

static void
dummy_free(struct uvx_owner *o)
{
	(void)o;
}

/* Registering a ninth handle is a broken invariant. */
START_TEST(test_uvx_own_full)
{
	uv_timer_t timers[UVX_MAX_HANDLES + 1];
	struct uvx_owner o;
	uv_loop_t loop;
	unsigned i;

	ck_assert_int_eq(log_open_file("/dev/null"), 0);
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	uvx_owner_init(&o);
	for (i = 0; i < UVX_MAX_HANDLES; i++) {
		ck_assert_int_eq(uv_timer_init(&loop, &timers[i]), 0);
		uvx_own(&o, (uv_handle_t *)&timers[i]);
	}
	ck_assert_int_eq(uv_timer_init(&loop, &timers[i]), 0);
	uvx_own(&o, (uv_handle_t *)&timers[i]);
	ck_abort_msg("uvx_own took handle %u", i + 1);
}
END_TEST

/* So is registering a handle with an owner that is closing. */
START_TEST(test_uvx_own_closing)
{
	struct uvx_owner o;
	uv_timer_t timer;
	uv_loop_t loop;

	ck_assert_int_eq(log_open_file("/dev/null"), 0);
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	uvx_owner_init(&o);
	uvx_owner_close(&o, dummy_free);
	ck_assert_int_eq(uv_timer_init(&loop, &timer), 0);
	uvx_own(&o, (uv_handle_t *)&timer);
	ck_abort_msg("uvx_own took a handle while closing");
}
END_TEST

/*
 * Loopback TCP.  The server and both ends are owners; the test closes
 * them all once the receiver has every byte.
 */
struct peer {
	struct uvx_owner owner; /* of tcp */
	uv_tcp_t tcp;           /* listener, client or accepted end */
	uv_connect_t connect;   /* client only */
	struct tcptest *test;   /* back pointer */
	uint8_t *rx;            /* receive buffer (receiving end only) */
	size_t got;             /* bytes in rx */
};

struct tcptest {
	uv_loop_t loop;
	struct peer server, client, accepted;
	uint8_t *payload; /* what the client sent first */
	int nwritten;     /* write_done calls */
	int wstatus;      /* their last status */
	int nfreed;       /* owners freed */
};

static void
peer_free(struct uvx_owner *o)
{
	struct peer *p = container_of(o, struct peer, owner);

	p->test->nfreed++;
	free(p->rx);
	p->rx = NULL;
}

static void
write_done(uv_stream_t *stream, int status, void *arg)
{
	struct tcptest *t = arg;

	ck_assert_ptr_eq(stream, (uv_stream_t *)&t->client.tcp);
	t->nwritten++;
	t->wstatus = status;
}

/* The receiver's own buffer, never a fresh allocation (STYLE C4). */
static void
rx_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct peer *p = container_of(uvx_owner_of(h), struct peer, owner);

	(void)hint;
	buf->base = (char *)p->rx + p->got;
	buf->len = BIG_WRITE + sizeof(TAIL) - 1 - p->got;
}

static void
rx_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct peer *p =
	    container_of(uvx_owner_of((uv_handle_t *)s), struct peer, owner);
	struct tcptest *t = p->test;

	(void)buf;
	ck_assert_int_ge(n, 0);
	p->got += (size_t)n;
	if (p->got < BIG_WRITE + sizeof(TAIL) - 1)
		return;
	ck_assert_int_eq(memcmp(p->rx, t->payload, BIG_WRITE), 0);
	ck_assert_int_eq(memcmp(p->rx + BIG_WRITE, TAIL, 4), 0);
	uvx_owner_close(&t->accepted.owner, peer_free);
	uvx_owner_close(&t->client.owner, peer_free);
	uvx_owner_close(&t->server.owner, peer_free);
}

static void
on_connection(uv_stream_t *server, int status)
{
	struct peer *srv = container_of(
	    uvx_owner_of((uv_handle_t *)server), struct peer, owner);
	struct peer *acc = &srv->test->accepted;

	ck_assert_int_eq(status, 0);
	ck_assert_int_eq(uv_tcp_init(server->loop, &acc->tcp), 0);
	uvx_own(&acc->owner, (uv_handle_t *)&acc->tcp);
	ck_assert_int_eq(uv_accept(server, (uv_stream_t *)&acc->tcp), 0);
	ck_assert_int_eq(
	    uv_read_start((uv_stream_t *)&acc->tcp, rx_alloc, rx_read), 0);
}

static void
on_connect(uv_connect_t *req, int status)
{
	(void)req;
	ck_assert_int_eq(status, 0);
}

START_TEST(test_uvx_write_loopback)
{
	struct sockaddr_storage ss;
	struct sockaddr_in sin;
	struct tcptest *t;
	int len = sizeof(ss);
	uint8_t *src;
	size_t i;

	t = xcalloc(1, sizeof(*t));
	ck_assert_int_eq(uv_loop_init(&t->loop), 0);
	t->payload = xmalloc(BIG_WRITE);
	for (i = 0; i < BIG_WRITE; i++)
		t->payload[i] = (uint8_t)(i * 31 + i / 251);
	uvx_owner_init(&t->server.owner);
	uvx_owner_init(&t->client.owner);
	uvx_owner_init(&t->accepted.owner);
	t->server.test = t->client.test = t->accepted.test = t;
	t->accepted.rx = xmalloc(BIG_WRITE + sizeof(TAIL));

	/* Listen on 127.0.0.1, port chosen by the kernel. */
	ck_assert_int_eq(uv_ip4_addr("127.0.0.1", 0, &sin), 0);
	ck_assert_int_eq(uv_tcp_init(&t->loop, &t->server.tcp), 0);
	uvx_own(&t->server.owner, (uv_handle_t *)&t->server.tcp);
	ck_assert_int_eq(
	    uv_tcp_bind(&t->server.tcp, (const struct sockaddr *)&sin, 0), 0);
	ck_assert_int_eq(
	    uv_listen((uv_stream_t *)&t->server.tcp, 1, on_connection), 0);
	ck_assert_int_eq(
	    uv_tcp_getsockname(&t->server.tcp, (struct sockaddr *)&ss, &len),
	    0);
	ck_assert_int_ne(((struct sockaddr_in *)&ss)->sin_port, 0);

	ck_assert_int_eq(uv_tcp_init(&t->loop, &t->client.tcp), 0);
	uvx_own(&t->client.owner, (uv_handle_t *)&t->client.tcp);
	ck_assert_int_eq(uv_tcp_connect(&t->client.connect, &t->client.tcp,
			     (const struct sockaddr *)&ss, on_connect),
	    0);

	/*
	 * libuv holds writes back until the connection is up, so nothing is
	 * sent before the loop runs: the request must have its own copy.
	 */
	src = xmemdup(t->payload, BIG_WRITE);
	ck_assert_int_eq(uvx_write((uv_stream_t *)&t->client.tcp, src,
			     BIG_WRITE, write_done, t),
	    0);
	memset(src, 0, BIG_WRITE);
	free(src);
	ck_assert_int_eq(
	    uvx_write((uv_stream_t *)&t->client.tcp, TAIL, 4, NULL, NULL), 0);

	ck_assert_int_eq(uv_run(&t->loop, UV_RUN_DEFAULT), 0);
	ck_assert_uint_eq(t->accepted.got, BIG_WRITE + 4);
	ck_assert_int_eq(t->nwritten, 1);
	ck_assert_int_eq(t->wstatus, 0);
	ck_assert_int_eq(t->nfreed, 3);
	ck_assert_int_eq(uvx_loop_close_all(&t->loop), 0);
	free(t->payload);
	free(t);
}
END_TEST

/* A write that cannot be queued returns the error and leaks nothing. */
START_TEST(test_uvx_write_unconnected)
{
	uv_loop_t loop;
	uv_tcp_t tcp;
	int rc;

	ck_assert_int_eq(uv_loop_init(&loop), 0);
	ck_assert_int_eq(uv_tcp_init(&loop, &tcp), 0);
	rc = uvx_write((uv_stream_t *)&tcp, "x", 1, NULL, NULL);
	ck_assert_int_lt(rc, 0);
	ck_assert_int_eq(rc, UV_EBADF);
	ck_assert_int_eq(uvx_loop_close_all(&loop), 0);
}
END_TEST

Suite *
common_uvx_suite(void)
{
	Suite *s = suite_create("common_uvx");
	TCase *tc;

	tc = tcase_create("core");
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_uvx_owner_close);
	tcase_add_test(tc, test_uvx_owner_close_from_cb);
	tcase_add_test(tc, test_uvx_owner_empty);
	tcase_add_test(tc, test_uvx_close_all);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test_raise_signal(tc, test_uvx_own_full, SIGABRT);
	tcase_add_test_raise_signal(tc, test_uvx_own_closing, SIGABRT);
	suite_add_tcase(s, tc);

	tc = tcase_create("io");
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_uvx_write_loopback);
	tcase_add_test(tc, test_uvx_write_unconnected);
	suite_add_tcase(s, tc);
	return s;
}
