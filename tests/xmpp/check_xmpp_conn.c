/*
 * check_xmpp_conn.c - connections, servers and clients on a private loop
 * over 127.0.0.1, port 0.  Peers are our own client and server, or raw
 * sockets that speak bytes, so the tests see the exact stream header,
 * reply, STARTTLS elements and keepalives on the wire.  Timers run for
 * real with short settings (hold 1-3 s, open and send-hold 1 s, back-off
 * 40 ms); TLS certificates are made by the test with OpenSSL.  Every
 * test stops what it started and ends with uv_loop_close() == 0.
 */
#include "xmpp/xmpp.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tests/xmpp/suites.h"
#include "tests/xmpp/test_pki.h"

#define IQ "<iq type=\"set\" from=\"compute-7\" id=\"s1\"><pubsub/></iq>"

static uv_loop_t loop;

/* What one side saw through its xmpp_conn_ops (arg). */
struct side {
	int opens, established, stanzas, writable, closed;
	int reentered; /* closed came from inside a call */
	char reason[XMPP_REASON_MAX];
	char last[512];         /* the last stanza printed, truncated */
	size_t last_len;        /* its whole printed length */
	struct xmpp_conn *conn; /* the last established, until closed */
	uint64_t est_at[16];    /* ms, per established */
	uint64_t closed_at[16]; /* ms, per closed */
	bool echo;              /* sends each stanza back */
	bool close_on_stanza;   /* closes from the stanza hook */
	const char *refuse;     /* open refuses with this reason */
	char tls_peer[XMPP_NAME_MAX + 1];
};
static struct side srv, cli, cli2;
static int in_call; /* inside a call into the library */

/* Raw peers: a socket that the step loop reads unless told not to. */
struct raw {
	int fd;
	bool noread;  /* a peer that does not read */
	bool discard; /* reads and drops */
	bool eof;     /* read 0 or an error */
	size_t len;
	char buf[1 << 16];
};
static struct raw *raws[8];
static size_t nraws;

static struct xmpp_server *servers[4];
static size_t nservers;
static int servers_stopped;
static struct xmpp_client *clients[4];
static size_t nclients;
static int clients_stopped;
static struct xmpp_tls *tlss[4];
static size_t ntlss;

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
pump(void)
{
	struct raw *r;
	ssize_t n;
	size_t i;

	for (i = 0; i < nraws; i++) {
		r = raws[i];
		if (r->noread || r->eof)
			continue;
		for (;;) {
			if (r->discard)
				r->len = 0;
			if (r->len == sizeof(r->buf))
				break;
			n = recv(
			    r->fd, r->buf + r->len, sizeof(r->buf) - r->len, 0);
			if (n > 0) {
				r->len += (size_t)n;
				continue;
			}
			if (n == 0 || (errno != EAGAIN && errno != EINTR))
				r->eof = true;
			break;
		}
	}
}

/* One turn of the loop, the raw peers read, a short nap. */
static void
step(void)
{
	uv_run(&loop, UV_RUN_NOWAIT);
	pump();
	usleep(500);
}

/* Runs the loop until cond or ms pass (cond is checked after). */
#define WAIT(cond, ms)                                                         \
	do {                                                                   \
		uint64_t end_ = mono_ms() + (ms);                              \
		while (!(cond) && mono_ms() < end_)                            \
			step();                                                \
	} while (0)

static void
run_for(unsigned ms)
{
	uint64_t end = mono_ms() + ms;

	while (mono_ms() < end)
		step();
}

/* ------------------------------------------------------------------ */
/* The ops                                                             */
/* ------------------------------------------------------------------ */

static int
on_open(struct xmpp_conn *c, const char *from, const char *to,
    const char **reason, void *arg)
{
	struct side *s = arg;

	(void)c;
	(void)from;
	(void)to;
	s->opens++;
	if (s->refuse != NULL) {
		*reason = s->refuse;
		return -1;
	}
	return 0;
}

static void
on_established(struct xmpp_conn *c, void *arg)
{
	struct side *s = arg;

	if (s->established < 16)
		s->est_at[s->established] = mono_ms();
	s->established++;
	s->conn = c;
	str_lcpy(s->tls_peer, xmpp_conn_tls_peer(c), sizeof(s->tls_peer));
}

static void
on_stanza(struct xmpp_conn *c, const struct xmpp_node *st, void *arg)
{
	struct side *s = arg;
	struct wbuf w;

	s->stanzas++;
	wbuf_init_dyn(&w, 1 << 20);
	ck_assert_int_eq(xmpp_node_print(st, &w, true), 0);
	s->last_len = w.len;
	snprintf(
	    s->last, sizeof(s->last), "%.*s", (int)w.len, (const char *)w.data);
	if (s->echo)
		ck_assert_int_eq(xmpp_conn_send(c, w.data, w.len), 0);
	wbuf_fini(&w);
	if (s->close_on_stanza) {
		in_call++;
		xmpp_conn_close(c, "done with it");
		ck_assert_int_eq(xmpp_conn_send(c, IQ, strlen(IQ)), -ENOTCONN);
		xmpp_conn_close(c, "twice");
		in_call--;
	}
}

static void
on_writable(struct xmpp_conn *c, void *arg)
{
	struct side *s = arg;

	(void)c;
	s->writable++;
}

static void
on_closed(struct xmpp_conn *c, const char *reason, void *arg)
{
	struct side *s = arg;

	if (in_call > 0)
		s->reentered++;
	if (s->closed < 16)
		s->closed_at[s->closed] = mono_ms();
	s->closed++;
	str_lcpy(s->reason, reason, sizeof(s->reason));
	if (s->conn == c)
		s->conn = NULL;
}

static const struct xmpp_conn_ops ops = {
    .open = on_open,
    .established = on_established,
    .stanza = on_stanza,
    .writable = on_writable,
    .closed = on_closed,
};

/* ------------------------------------------------------------------ */
/* Servers, clients, raw peers                                         */
/* ------------------------------------------------------------------ */

static struct xmpp_server *
server_new(const struct xmpp_conn_opts *co, unsigned max_conns)
{
	struct xmpp_server_opts o;
	struct xmpp_server *s;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(sockaddr_parse("127.0.0.1:0", 0, &o.addr), 0);
	if (co != NULL)
		o.conn = *co;
	o.conn.name = "ctl-node-1";
	o.max_conns = max_conns;
	s = xmpp_server_new(&loop, &o, &ops, &srv);
	ck_assert_int_eq(xmpp_server_start(s), 0);
	ck_assert_uint_ne(xmpp_server_port(s), 0);
	servers[nservers++] = s;
	return s;
}

static struct xmpp_client *
client_new(uint16_t port, const struct xmpp_conn_opts *co, struct side *side,
    unsigned backoff_ms)
{
	struct xmpp_client_opts o;
	struct xmpp_client *cl;
	char addr[32];

	memset(&o, 0, sizeof(o));
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", port);
	ck_assert_int_eq(sockaddr_parse(addr, 0, &o.server), 0);
	ck_assert_int_eq(sockaddr_parse("127.0.0.1:0", 0, &o.local), 0);
	if (co != NULL)
		o.conn = *co;
	o.conn.name = side == &cli2 ? "compute-8" : "compute-7";
	o.backoff_ms = backoff_ms;
	cl = xmpp_client_new(&loop, &o, &ops, side);
	ck_assert_int_eq(xmpp_client_start(cl), 0);
	clients[nclients++] = cl;
	return cl;
}

static struct xmpp_tls *
tls_new(const char *cert, const char *key, const char *ca, bool server)
{
	struct xmpp_tls_opts o = {cert, key, ca};
	struct xmpp_tls *t;
	char err[256];

	t = xmpp_tls_new(&o, server, err, sizeof(err));
	ck_assert_msg(t != NULL, "TLS context: %s", err);
	tlss[ntlss++] = t;
	return t;
}

static struct raw *
raw_add(int fd)
{
	struct raw *r = calloc(1, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	r->fd = fd;
	raws[nraws++] = r;
	return r;
}

static struct sockaddr_in
loopback(uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

/* A raw client (rcvbuf: SO_RCVBUF, 0 to leave it). */
static struct raw *
raw_connect(uint16_t port, int rcvbuf)
{
	struct sockaddr_in sin = loopback(port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	if (rcvbuf > 0)
		ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				     sizeof(rcvbuf)),
		    0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return raw_add(fd);
}

/* A socket bound on 127.0.0.1, listening when listen_too. */
static int
raw_bind(uint16_t *port, bool listen_too)
{
	struct sockaddr_in sin = loopback(0);
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	if (listen_too)
		ck_assert_int_eq(listen(fd, 8), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	ck_assert_int_eq(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	return fd;
}

static struct raw *
raw_accept(int lfd)
{
	int fd = -1;

	WAIT((fd = accept(lfd, NULL, NULL)) >= 0, 2000);
	ck_assert_int_ge(fd, 0);
	return raw_add(fd);
}

/* Writes all of p unless the socket fails; returns the bytes written. */
static size_t
raw_write(struct raw *r, const void *p, size_t n)
{
	const char *s = p;
	size_t off = 0;
	ssize_t w;

	while (off < n) {
		w = send(r->fd, s + off, n - off, MSG_NOSIGNAL);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			break;
		step();
	}
	return off;
}

static void
raw_send(struct raw *r, const char *s)
{
	ck_assert_uint_eq(raw_write(r, s, strlen(s)), strlen(s));
}

static bool
raw_has(const struct raw *r, const char *s)
{
	return memmem(r->buf, r->len, s, strlen(s)) != NULL;
}

/* The next bytes r read must be exactly s; they are consumed. */
static void
raw_expect(struct raw *r, const char *s)
{
	size_t n = strlen(s);

	WAIT(r->len >= n, 3000);
	ck_assert_msg(r->len >= n && memcmp(r->buf, s, n) == 0,
	    "expected \"%s\", got \"%.*s\"", s, (int)r->len, r->buf);
	memmove(r->buf, r->buf + n, r->len - n);
	r->len -= n;
}

/* A raw client through the open and reply, established on the server. */
static struct raw *
raw_open(uint16_t port, int rcvbuf)
{
	int est = srv.established;
	struct raw *r = raw_connect(port, rcvbuf);

	raw_send(r, XT_OPEN);
	raw_expect(r, XT_REPLY);
	WAIT(srv.established == est + 1, 2000);
	ck_assert_int_eq(srv.established, est + 1);
	return r;
}

/* A raw client whose open the server answers with the TCP close alone. */
static void
raw_refused(uint16_t port)
{
	struct raw *r = raw_connect(port, 0);

	raw_send(r, XT_OPEN);
	WAIT(r->eof, 2000);
	ck_assert(r->eof);
	ck_assert_uint_eq(r->len, 0);
}

/* A client of ours (options co) and the raw server it connected to,
 * which has read the client's open. */
static struct raw *
raw_server(const struct xmpp_conn_opts *co)
{
	uint16_t port;
	int lfd = raw_bind(&port, true);
	struct raw *r;

	client_new(port, co, &cli, 10000);
	r = raw_accept(lfd);
	close(lfd);
	raw_expect(r, XT_OPEN);
	return r;
}

/* ------------------------------------------------------------------ */
/* Fixture                                                             */
/* ------------------------------------------------------------------ */

static void
setup(void)
{
	log_init("check_xmpp", LOG_LEVEL_ERR);
	signal(SIGPIPE, SIG_IGN);
	memset(&srv, 0, sizeof(srv));
	memset(&cli, 0, sizeof(cli));
	memset(&cli2, 0, sizeof(cli2));
	nraws = nservers = nclients = ntlss = 0;
	servers_stopped = clients_stopped = 0;
	in_call = 0;
	ck_assert_int_eq(uv_loop_init(&loop), 0);
}

static void
server_stopped(struct xmpp_server *s, void *arg)
{
	(void)s;
	(void)arg;
	servers_stopped++;
}

static void
client_stopped(struct xmpp_client *cl, void *arg)
{
	(void)cl;
	(void)arg;
	clients_stopped++;
}

static void
teardown(void)
{
	size_t i;

	for (i = 0; i < nclients; i++)
		xmpp_client_stop(clients[i], client_stopped, NULL);
	for (i = 0; i < nservers; i++)
		xmpp_server_stop(servers[i], server_stopped, NULL);
	for (i = 0; i < nraws; i++) {
		close(raws[i]->fd);
		free(raws[i]);
	}
	nraws = 0;
	WAIT(servers_stopped == (int)nservers &&
		clients_stopped == (int)nclients,
	    5000);
	ck_assert_int_eq(servers_stopped, (int)nservers);
	ck_assert_int_eq(clients_stopped, (int)nclients);
	for (i = 0; i < nclients; i++)
		xmpp_client_free(clients[i]);
	for (i = 0; i < nservers; i++)
		xmpp_server_free(servers[i]);
	for (i = 0; i < ntlss; i++)
		xmpp_tls_free(tlss[i]);
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	ck_assert_int_eq(srv.reentered + cli.reentered + cli2.reentered, 0);
}

/* ------------------------------------------------------------------ */
/* Stream open, exchange, close                                        */
/* ------------------------------------------------------------------ */

/* The server's reply, byte for byte, to the open of section 1.3. */
START_TEST(server_reply_exact)
{
	struct xmpp_server *s = server_new(NULL, 0);
	struct raw *r = raw_open(xmpp_server_port(s), 0);
	struct xmpp_conn *c = srv.conn;

	ck_assert_int_eq(srv.opens, 1);
	ck_assert_str_eq(xmpp_conn_peer_name(c), "compute-7");
	ck_assert_int_eq(xmpp_conn_state(c), XMPP_ST_ESTABLISHED);
	ck_assert(!xmpp_conn_tls(c));
	ck_assert_str_eq(xmpp_conn_tls_peer(c), "");
	ck_assert_uint_eq(xmpp_server_conn_count(s), 1);
	ck_assert_uint_eq(
	    sockaddr_port((const struct sockaddr *)xmpp_conn_local(c)),
	    xmpp_server_port(s));
	ck_assert_uint_ne(xmpp_conn_stats(c)->est_at_ms, 0);
	/* The server says nothing more: no features, no keepalive yet. */
	run_for(50);
	ck_assert_uint_eq(r->len, 0);

	raw_send(r, IQ);
	WAIT(srv.stanzas == 1, 2000);
	ck_assert_str_eq(srv.last, IQ);
	ck_assert_uint_eq(xmpp_conn_stats(c)->rx_stanzas, 1);

	/* Its close is answered with ours, then the TCP close. */
	raw_send(r, XT_CLOSE);
	WAIT(r->eof, 2000);
	raw_expect(r, XT_CLOSE);
	ck_assert(r->eof);
	ck_assert_int_eq(srv.closed, 1);
	ck_assert_str_eq(srv.reason, "the peer closed the stream");
	ck_assert_uint_eq(xmpp_server_conn_count(s), 0);
}
END_TEST

/* The client's open, byte for byte, and a keepalive at once after the
 * reply; an XML declaration before a stanza is accepted. */
START_TEST(client_open_exact)
{
	struct xmpp_conn_opts co = {.hold_time = 3};
	struct raw *r = raw_server(&co);
	struct xmpp_conn *c;

	ck_assert_int_eq(cli.established, 0);
	raw_send(r, XT_REPLY);
	raw_expect(r, XT_KA);
	ck_assert_int_eq(cli.established, 1);
	c = cli.conn;
	ck_assert_str_eq(xmpp_conn_peer_name(c), "ctl-node-1");
	ck_assert_uint_eq(xmpp_conn_stats(c)->tx_keepalives, 1);
	ck_assert_uint_eq(xmpp_client_attempts(clients[0]), 0);
	ck_assert_ptr_eq(xmpp_client_conn(clients[0]), c);

	raw_send(r,
	    "<?xml version=\"1.0\"?>\n<message from=\"a\" to=\"b\">"
	    "<event/></message>");
	WAIT(cli.stanzas == 1, 2000);
	ck_assert_str_eq(
	    cli.last, "<message from=\"a\" to=\"b\"><event/></message>");
	/* hold 3: the next keepalive a second later. */
	raw_expect(r, XT_KA);
}
END_TEST

/* Our client and server: stanzas both ways, several in one turn of the
 * loop and a large one; the counters. */
START_TEST(exchange)
{
	struct xmpp_server *s = server_new(NULL, 0);
	struct xmpp_conn *sc, *cc;
	char *big;
	size_t i;

	srv.echo = true;
	client_new(xmpp_server_port(s), NULL, &cli, 10000);
	WAIT(srv.established == 1 && cli.established == 1, 2000);
	ck_assert_int_eq(cli.established, 1);
	sc = srv.conn;
	cc = cli.conn;
	ck_assert_str_eq(xmpp_conn_peer_name(sc), "compute-7");
	ck_assert_str_eq(xmpp_conn_peer_name(cc), "ctl-node-1");
	ck_assert_int_eq(
	    sockaddr_cmp((const struct sockaddr *)xmpp_conn_local(cc),
		(const struct sockaddr *)xmpp_conn_remote(sc)),
	    0);

	for (i = 0; i < 3; i++)
		ck_assert_int_eq(xmpp_conn_send(cc, IQ, strlen(IQ)), 0);
	big = malloc(100000);
	ck_assert_ptr_nonnull(big);
	memcpy(big, "<iq type=\"set\" id=\"big\">", 24);
	memset(big + 24, 'x', 100000 - 24);
	memcpy(big + 100000 - 5, "</iq>", 5);
	ck_assert_int_eq(xmpp_conn_send(cc, big, 100000), 0);
	free(big);
	WAIT(cli.stanzas == 4, 3000);
	ck_assert_int_eq(srv.stanzas, 4);
	ck_assert_int_eq(cli.stanzas, 4);
	ck_assert_uint_eq(cli.last_len, 100000);
	ck_assert_uint_eq(xmpp_conn_stats(cc)->tx_msgs, 4);
	ck_assert_uint_eq(xmpp_conn_stats(sc)->rx_stanzas, 4);
	ck_assert_uint_eq(xmpp_conn_stats(sc)->tx_msgs, 4);
	ck_assert_uint_eq(xmpp_conn_stats(cc)->rx_stanzas, 4);
	ck_assert_uint_ge(xmpp_conn_stats(sc)->rx_bytes, 100000);
	WAIT(xmpp_conn_stats(sc)->wq_bytes == 0, 1000);
	ck_assert_uint_ge(xmpp_conn_stats(sc)->tx_bytes, 100000);
	ck_assert_uint_ge(xmpp_conn_stats(sc)->wq_peak, 100000);
}
END_TEST

/* A close from inside a hook: the peer gets our close tag, and
 * ops->closed comes later from the loop, once. */
START_TEST(close_from_hook)
{
	struct xmpp_server *s = server_new(NULL, 0);
	struct raw *r = raw_open(xmpp_server_port(s), 0);
	struct xmpp_conn *c;

	srv.close_on_stanza = true;
	raw_send(r, IQ);
	WAIT(r->eof, 2000);
	raw_expect(r, XT_CLOSE);
	ck_assert_int_eq(srv.closed, 1);
	ck_assert_str_eq(srv.reason, "done with it");

	/* The same from the program, on a client. */
	client_new(xmpp_server_port(s), NULL, &cli, 10000);
	WAIT(cli.established == 1, 2000);
	c = cli.conn;
	in_call++;
	xmpp_conn_close(c, "bye");
	ck_assert_int_eq(cli.closed, 0);
	ck_assert_int_eq(xmpp_conn_state(c), XMPP_ST_CLOSED);
	ck_assert_int_eq(xmpp_conn_send(c, IQ, strlen(IQ)), -ENOTCONN);
	ck_assert(!xmpp_conn_can_send(c, 1));
	xmpp_conn_close(c, "again");
	ck_assert_ptr_null(xmpp_client_conn(clients[0]));
	in_call--;
	WAIT(srv.closed == 2, 2000);
	ck_assert_int_eq(cli.closed, 1);
	ck_assert_str_eq(cli.reason, "bye");
	ck_assert_str_eq(srv.reason, "the peer closed the stream");
}
END_TEST

/* ops->open refuses: nothing is sent back, the TCP closes. */
START_TEST(open_refused)
{
	struct xmpp_server *s = server_new(NULL, 0);

	srv.refuse = "no such virtual-router";
	raw_refused(xmpp_server_port(s));
	ck_assert_int_eq(srv.opens, 1);
	ck_assert_int_eq(srv.established, 0);
	ck_assert_int_eq(srv.closed, 1);
	ck_assert_str_eq(srv.reason, "no such virtual-router");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Timers                                                              */
/* ------------------------------------------------------------------ */

/* hold 3: C8 80 every second, from the server (after set_hold) and from
 * the client. */
START_TEST(keepalive_sent)
{
	struct xmpp_conn_opts co = {.hold_time = 3};
	struct xmpp_server *s = server_new(NULL, 0);
	struct raw *r = raw_open(xmpp_server_port(s), 0);
	struct xmpp_conn *rc = srv.conn;
	uint64_t t0;

	client_new(xmpp_server_port(s), &co, &cli, 10000);
	WAIT(srv.established == 2, 2000);
	t0 = mono_ms();
	xmpp_server_set_hold(s, 3);
	raw_expect(r, XT_KA);
	/* about hold / 3; the bound that matters is before the peer's hold
	 * time runs out (a loaded machine was seen 1 s late) */
	ck_assert_uint_ge(mono_ms() - t0, 900);
	ck_assert_uint_lt(mono_ms() - t0, 3000);
	ck_assert_uint_eq(xmpp_conn_stats(rc)->tx_keepalives, 1);
	/* The client's: one at once, one a second later. */
	WAIT(xmpp_conn_stats(srv.conn)->rx_keepalives >= 2, 1500);
	ck_assert_uint_ge(xmpp_conn_stats(srv.conn)->rx_keepalives, 2);
	ck_assert_uint_ge(xmpp_conn_stats(cli.conn)->tx_keepalives, 2);
}
END_TEST

/* hold 1: keepalives (C8 80, spaces, newlines) and stanzas keep the
 * session up; silence closes it after the hold time. */
START_TEST(keepalive_accepted_hold_expires)
{
	struct xmpp_conn_opts co = {.hold_time = 1};
	static const char *const pings[] = {XT_KA, " ", "\r\n\t", IQ};
	struct xmpp_server *s = server_new(&co, 0);
	struct raw *r = raw_open(xmpp_server_port(s), 0);
	struct xmpp_conn *c = srv.conn;
	uint64_t t0;
	size_t i;

	r->discard = true;
	/* 1.6 s of pings 200 ms apart: longer than the hold time. */
	for (i = 0; i < 8; i++) {
		raw_send(r, pings[i % nitems(pings)]);
		run_for(200);
	}
	ck_assert_int_eq(srv.closed, 0);
	ck_assert_uint_ge(xmpp_conn_stats(c)->rx_keepalives, 5);
	ck_assert_int_eq(srv.stanzas, 2);
	r->discard = false;
	r->len = 0;
	t0 = mono_ms();
	WAIT(srv.closed == 1, 3000);
	ck_assert_int_eq(srv.closed, 1);
	ck_assert_str_eq(srv.reason, "hold timer expired");
	ck_assert_uint_ge(mono_ms() - t0, 700);
	WAIT(r->eof, 1000);
	ck_assert(raw_has(r, XT_CLOSE));
}
END_TEST

/* The hold timer expires while the loop was busy and a keepalive waits
 * unread in the socket: it re-arms instead of closing. */
START_TEST(hold_rearms_on_unread_bytes)
{
	struct xmpp_conn_opts co = {.hold_time = 1};
	struct xmpp_server *s = server_new(&co, 0);
	struct raw *r = raw_open(xmpp_server_port(s), 0);
	struct xmpp_conn *c = srv.conn;

	r->discard = true;
	raw_send(r, " ");
	WAIT(xmpp_conn_stats(c)->rx_keepalives == 1, 1000);
	raw_send(r, XT_KA);
	usleep(1300 * 1000);
	run_for(100);
	ck_assert_int_eq(srv.closed, 0);
	ck_assert_uint_eq(xmpp_conn_stats(c)->rx_keepalives, 2);
}
END_TEST

/* open 1 s: a client that connects and says nothing, and a server that
 * never replies. */
START_TEST(open_timer)
{
	struct xmpp_conn_opts co = {.open_time = 1};
	struct xmpp_server *s = server_new(&co, 0);
	struct raw *r = raw_connect(xmpp_server_port(s), 0);
	struct raw *silent = raw_server(&co);
	uint64_t t0 = mono_ms();

	WAIT(srv.closed == 1 && cli.closed == 1, 3000);
	ck_assert_int_eq(srv.closed, 1);
	ck_assert_str_eq(srv.reason, "open timer expired in Active");
	ck_assert_int_eq(cli.closed, 1);
	ck_assert_str_eq(cli.reason, "open timer expired in OpenSent");
	ck_assert_uint_ge(mono_ms() - t0, 900);
	ck_assert_int_eq(srv.established + cli.established, 0);
	WAIT(r->eof && silent->eof, 1000);
	ck_assert(r->eof);
	ck_assert_uint_eq(r->len, 0);
	/* The client closes the stream it opened. */
	raw_expect(silent, XT_CLOSE);
}
END_TEST

/* The TCP keepalive of section 1.5 on the accepted socket, found among
 * our descriptors by its addresses. */
static void
check_tcp_keepalive(
    uint16_t sport, const struct raw *r, int idle, int intvl, int tmo)
{
	struct sockaddr_in a, b;
	socklen_t len = sizeof(b);
	const struct {
		int level, name, want;
	} opt[] = {
	    {SOL_SOCKET, SO_KEEPALIVE, 1},
	    {IPPROTO_TCP, TCP_KEEPIDLE, idle},
	    {IPPROTO_TCP, TCP_KEEPINTVL, intvl},
	    {IPPROTO_TCP, TCP_KEEPCNT, 3},
	    {IPPROTO_TCP, TCP_USER_TIMEOUT, tmo},
	};
	int fd, v, found = -1;
	size_t i;

	ck_assert_int_eq(getsockname(r->fd, (struct sockaddr *)&b, &len), 0);
	for (fd = 3; fd < 1024 && found < 0; fd++) {
		len = sizeof(a);
		if (getsockname(fd, (struct sockaddr *)&a, &len) != 0 ||
		    a.sin_family != AF_INET || ntohs(a.sin_port) != sport)
			continue;
		len = sizeof(a);
		if (getpeername(fd, (struct sockaddr *)&a, &len) == 0 &&
		    a.sin_port == b.sin_port)
			found = fd;
	}
	ck_assert_int_ge(found, 0);
	for (i = 0; i < nitems(opt); i++) {
		len = sizeof(v);
		ck_assert_int_eq(
		    getsockopt(found, opt[i].level, opt[i].name, &v, &len), 0);
		ck_assert_msg(v == opt[i].want, "option %zu is %d, not %d", i,
		    v, opt[i].want);
	}
}

START_TEST(tcp_keepalive)
{
	struct xmpp_conn_opts co = {.tcp_hold = 12};
	struct xmpp_server *s = server_new(NULL, 0);
	struct xmpp_server *s12 = server_new(&co, 0);
	struct raw *r = raw_open(xmpp_server_port(s), 0);
	struct raw *r12 = raw_open(xmpp_server_port(s12), 0);

	/* 30: h 15, idle 5, interval 3; 12: h 12, idle 4, interval 2. */
	check_tcp_keepalive(xmpp_server_port(s), r, 5, 3, 15000);
	check_tcp_keepalive(xmpp_server_port(s12), r12, 4, 2, 12000);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Write queue                                                         */
/* ------------------------------------------------------------------ */

/* Sends 4 KiB stanzas to c until the queue is full; returns how many. */
static unsigned
fill(struct xmpp_conn *c, size_t wq_max)
{
	static char st[4096];
	unsigned n;
	int rc = 0;

	memcpy(st, "<message>", 9);
	memset(st + 9, 'm', sizeof(st) - 9 - 10);
	memcpy(st + sizeof(st) - 10, "</message>", 10);
	for (n = 0; n < 8192; n++) {
		if ((rc = xmpp_conn_send(c, st, sizeof(st))) != 0)
			break;
		step();
	}
	ck_assert_int_eq(rc, -ENOBUFS);
	ck_assert(!xmpp_conn_can_send(c, sizeof(st)));
	ck_assert_uint_ge(xmpp_conn_stats(c)->wq_full, 1);
	ck_assert_uint_gt(xmpp_conn_stats(c)->wq_bytes, wq_max - sizeof(st));
	ck_assert_uint_le(xmpp_conn_stats(c)->wq_peak, wq_max + 16);
	ck_assert_int_eq(xmpp_conn_send(c, st, wq_max + 1), -EMSGSIZE);
	return n;
}

/* A peer that never reads: the queue fills (-ENOBUFS), the send-hold
 * timer closes that connection, another keeps working. */
START_TEST(slow_reader)
{
	struct xmpp_conn_opts co = {.wq_max = 64 << 10, .send_hold = 1};
	struct xmpp_server *s = server_new(&co, 0);
	struct raw *r = raw_open(xmpp_server_port(s), 4096);
	struct xmpp_conn *rc = srv.conn;
	struct xmpp_conn *cc;
	uint64_t t0;

	r->noread = true;
	client_new(xmpp_server_port(s), NULL, &cli, 10000);
	WAIT(srv.established == 2 && cli.established == 1, 2000);
	cc = cli.conn;
	ck_assert_ptr_nonnull(cc);
	ck_assert_uint_gt(fill(rc, 64 << 10), 0);
	t0 = mono_ms();
	srv.echo = true;
	ck_assert_int_eq(xmpp_conn_send(cc, IQ, strlen(IQ)), 0);
	WAIT(cli.stanzas == 1, 1000);
	ck_assert_int_eq(cli.stanzas, 1);
	WAIT(srv.closed == 1, 3000);
	ck_assert_int_eq(srv.closed, 1);
	ck_assert_str_eq(srv.reason, "send hold timer expired");
	ck_assert_uint_le(mono_ms() - t0, 2500);
	/* The other one is still served. */
	ck_assert_int_eq(xmpp_conn_send(cc, IQ, strlen(IQ)), 0);
	WAIT(cli.stanzas == 2, 1000);
	ck_assert_int_eq(cli.stanzas, 2);
	ck_assert_int_eq(cli.closed, 0);
	ck_assert_uint_eq(xmpp_server_conn_count(s), 1);
}
END_TEST

/* A full queue, then the peer reads: ops->writable, once. */
START_TEST(writable_after_drain)
{
	struct xmpp_conn_opts co = {.wq_max = 64 << 10};
	struct xmpp_server *s = server_new(&co, 0);
	struct raw *r = raw_open(xmpp_server_port(s), 4096);
	struct xmpp_conn *c = srv.conn;

	r->noread = true;
	fill(c, 64 << 10);
	run_for(50);
	ck_assert_int_eq(srv.writable, 0);
	r->noread = false;
	r->discard = true;
	WAIT(srv.writable == 1, 2000);
	ck_assert_int_eq(srv.writable, 1);
	ck_assert_uint_lt(xmpp_conn_stats(c)->wq_bytes, 32 << 10);
	ck_assert(xmpp_conn_can_send(c, 4096));
	ck_assert_int_eq(xmpp_conn_send(c, IQ, strlen(IQ)), 0);
	WAIT(xmpp_conn_stats(c)->wq_bytes == 0, 2000);
	ck_assert_int_eq(srv.writable, 1);
	ck_assert_int_eq(srv.closed, 0);
}
END_TEST

/* A sender that asks first (xmpp_conn_can_send) and never gets
 * -ENOBUFS is told too when the queue drains. */
START_TEST(writable_after_can_send)
{
	struct xmpp_conn_opts co = {.wq_max = 64 << 10};
	struct xmpp_server *s = server_new(&co, 0);
	struct raw *r = raw_open(xmpp_server_port(s), 4096);
	struct xmpp_conn *c = srv.conn;
	static char big[8192];
	unsigned n = 0;

	(void)s;
	memset(big, ' ', sizeof(big));
	r->noread = true;
	/* Until the kernel's buffers are full too and the queue stays full
	 * (each refusal asks for writable; the kernel drains the queue
	 * below half at first, so writable comes and is counted here). */
	for (n = 0; n < 4096; n++) {
		if (xmpp_conn_can_send(c, sizeof(big)))
			ck_assert_int_eq(
			    xmpp_conn_send(c, big, sizeof(big)), 0);
		else if (xmpp_conn_stats(c)->wq_bytes > (48u << 10))
			break;
		step();
	}
	ck_assert_uint_lt(n, 4096);
	ck_assert_uint_eq(xmpp_conn_stats(c)->wq_full, 0);
	srv.writable = 0;
	run_for(50);
	ck_assert_int_eq(srv.writable, 0);
	r->noread = false;
	r->discard = true;
	WAIT(srv.writable == 1, 2000);
	ck_assert_int_eq(srv.writable, 1);
	ck_assert(xmpp_conn_can_send(c, sizeof(big)));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Protocol errors                                                     */
/* ------------------------------------------------------------------ */

/* Each bad peer closes its own session; the good client is served
 * before, between and after. */
static void
still_served(int n)
{
	ck_assert_int_eq(xmpp_conn_send(cli.conn, IQ, strlen(IQ)), 0);
	WAIT(cli.stanzas == n, 2000);
	ck_assert_int_eq(cli.stanzas, n);
	ck_assert_int_eq(cli.closed, 0);
}

/* One raw session: bytes, then the server must close it with a reason
 * that starts with want (NULL: any). */
static void
bad_peer(uint16_t port, const char *bytes, const char *want, int n)
{
	struct raw *r = raw_connect(port, 0);

	raw_send(r, bytes);
	WAIT(srv.closed == n, 2000);
	ck_assert_int_eq(srv.closed, n);
	if (want != NULL)
		ck_assert_msg(strncmp(srv.reason, want, strlen(want)) == 0,
		    "reason \"%s\", not \"%s\"", srv.reason, want);
	ck_assert_str_ne(srv.reason, "connection closed by the peer");
	still_served(n + 1);
}

START_TEST(protocol_errors)
{
	struct xmpp_server *s = server_new(NULL, 0);
	uint16_t port = xmpp_server_port(s);
	struct raw *r;
	char name[400], open[600];
	static char chunk[1 << 16];
	size_t sent = 0, w;

	srv.echo = true;
	client_new(port, NULL, &cli, 10000);
	WAIT(cli.established == 1, 2000);
	still_served(1);

	bad_peer(port, XT_OPEN "<iq type=\"set\"><<garbage", NULL, 1);
	bad_peer(port,
	    "<stream:stream to=\"x\" xmlns:stream=\"" XMPP_STREAM_NS "\" >",
	    "stream header without 'from'", 2);
	bad_peer(port,
	    "<stream:stream from=\"x\" xmlns:stream=\"" XMPP_STREAM_NS "\" >",
	    "stream header without 'to'", 3);
	memset(name, 'a', 300);
	name[300] = '\0';
	snprintf(open, sizeof(open),
	    "<stream:stream from=\"%s\" to=\"y\" xmlns:stream=\"%s\" >", name,
	    XMPP_STREAM_NS);
	bad_peer(
	    port, open, "a name in the stream header is past 256 bytes", 4);
	bad_peer(
	    port, XT_OPEN XT_OPEN, "a second stream header in Established", 5);

	/* A 10 MB stanza: closed at the parser's limit, long before. */
	r = raw_open(port, 0);
	r->discard = true;
	raw_send(r, "<iq type=\"set\">");
	memset(chunk, 'z', sizeof(chunk));
	while (sent < (10u << 20) && !r->eof) {
		w = raw_write(r, chunk, sizeof(chunk));
		sent += w;
		if (w < sizeof(chunk))
			break;
	}
	WAIT(srv.closed == 6, 2000);
	ck_assert_int_eq(srv.closed, 6);
	ck_assert_uint_lt(sent, 10u << 20);
	ck_assert_int_eq(srv.stanzas, 6);
	still_served(7);
	ck_assert_uint_eq(xmpp_server_conn_count(s), 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Server and client                                                   */
/* ------------------------------------------------------------------ */

/* Stop with live connections: each gets ops->closed, then the
 * callback; raw peers see our close tag. */
static int stop_seen_closed;

static void
server_stopped_check(struct xmpp_server *s, void *arg)
{
	(void)s;
	(void)arg;
	stop_seen_closed = srv.closed;
	servers_stopped++;
}

START_TEST(server_stop)
{
	struct xmpp_server *s = server_new(NULL, 0);
	struct raw *r = raw_open(xmpp_server_port(s), 0);

	client_new(xmpp_server_port(s), NULL, &cli, 10000);
	client_new(xmpp_server_port(s), NULL, &cli2, 10000);
	WAIT(srv.established == 3 && cli2.established == 1, 2000);
	ck_assert_uint_eq(xmpp_server_conn_count(s), 3);
	stop_seen_closed = -1;
	xmpp_server_stop(s, server_stopped_check, NULL);
	ck_assert_int_eq(srv.closed, 0);
	WAIT(servers_stopped == 1, 2000);
	ck_assert_int_eq(servers_stopped, 1);
	ck_assert_int_eq(stop_seen_closed, 3);
	ck_assert_str_eq(srv.reason, "server stopping");
	WAIT(r->eof && cli.closed == 1 && cli2.closed == 1, 2000);
	ck_assert(raw_has(r, XT_CLOSE));
	ck_assert_int_eq(cli.closed + cli2.closed, 2);
}
END_TEST

/* max_conns 1: the second connection is closed unseen. */
START_TEST(max_conns)
{
	struct xmpp_server *s = server_new(NULL, 1);
	struct raw *a = raw_open(xmpp_server_port(s), 0);

	raw_refused(xmpp_server_port(s));
	ck_assert_int_eq(srv.opens, 1);
	ck_assert_int_eq(srv.closed, 0);
	ck_assert_uint_eq(xmpp_server_conn_count(s), 1);
	raw_send(a, IQ);
	WAIT(srv.stanzas == 1, 1000);
	ck_assert_int_eq(srv.stanzas, 1);
}
END_TEST

/* Back-off 40 ms: refused connects retried after 40, 80, 160, 320 ms;
 * once Established, a loss is retried after 40 ms again. */
START_TEST(client_backoff)
{
	uint16_t port;
	int fd = raw_bind(&port, false);
	struct xmpp_server_opts so;
	struct xmpp_server *s;
	char addr[32];
	uint64_t d;
	int i;

	client_new(port, NULL, &cli, 40);
	WAIT(cli.closed == 5, 3000);
	ck_assert_int_eq(cli.closed, 5);
	ck_assert_uint_eq(xmpp_client_attempts(clients[0]), 5);
	ck_assert_str_eq(cli.reason, "connect: connection refused");
	for (i = 0; i < 4; i++) {
		d = cli.closed_at[i + 1] - cli.closed_at[i];
		ck_assert_msg(d >= (40u << i) - 2 && d <= (40u << i) + 100,
		    "retry %d after %llu ms, not %u", i + 1,
		    (unsigned long long)d, 40u << i);
	}
	/* The server comes: the sixth attempt (640 ms later) gets in. */
	close(fd);
	memset(&so, 0, sizeof(so));
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", port);
	ck_assert_int_eq(sockaddr_parse(addr, 0, &so.addr), 0);
	so.conn.name = "ctl-node-1";
	s = xmpp_server_new(&loop, &so, &ops, &srv);
	ck_assert_int_eq(xmpp_server_start(s), 0);
	servers[nservers++] = s;
	WAIT(cli.established == 1, 2000);
	ck_assert_int_eq(cli.established, 1);
	d = cli.est_at[0] - cli.closed_at[4];
	ck_assert_msg(d >= 630 && d <= 900, "sixth attempt after %llu ms",
	    (unsigned long long)d);
	ck_assert_uint_eq(xmpp_client_attempts(clients[0]), 0);

	WAIT(srv.established == 1, 1000);
	xmpp_conn_close(srv.conn, "kicked");
	WAIT(cli.established == 2, 2000);
	ck_assert_int_eq(cli.established, 2);
	ck_assert_str_eq(cli.reason, "the peer closed the stream");
	d = cli.est_at[1] - cli.closed_at[5];
	ck_assert_msg(d >= 38 && d <= 200, "reconnect after %llu ms",
	    (unsigned long long)d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* STARTTLS                                                               */
/* ------------------------------------------------------------------ */

static struct test_pki pki;

static void
setup_tls(void)
{
	setup();
	test_pki_make(&pki);
}

static void
teardown_tls(void)
{
	teardown();
	test_pki_remove(&pki);
}

/* Files that do not load, or a server without a certificate. */
START_TEST(tls_contexts)
{
	struct xmpp_tls_opts o = {pki.srv_crt, pki.cli_key, NULL};
	char err[256];

	ck_assert_ptr_null(xmpp_tls_new(&o, true, err, sizeof(err)));
	ck_assert_msg(
	    strstr(err, pki.cli_key) == err && strstr(err, "mismatch") != NULL,
	    "%s", err);
	o.key = "/nonexistent.key";
	ck_assert_ptr_null(xmpp_tls_new(&o, true, err, sizeof(err)));
	ck_assert_msg(strstr(err, "/nonexistent.key") != NULL, "%s", err);
	o.cert = o.key = NULL;
	ck_assert_ptr_null(xmpp_tls_new(&o, true, err, sizeof(err)));
	ck_assert_msg(strstr(err, "certificate") != NULL, "%s", err);
	o.ca = "/nonexistent.pem";
	ck_assert_ptr_null(xmpp_tls_new(&o, false, err, sizeof(err)));
	o.ca = pki.ca1;
	xmpp_tls_free(xmpp_tls_new(&o, false, err, sizeof(err)));
}
END_TEST

/* Server TLS, the client verifies it against the CA: established both
 * ways over TLS, stanzas both ways. */
START_TEST(tls_established)
{
	struct xmpp_conn_opts so = {
	    .tls = tls_new(pki.srv_crt, pki.srv_key, NULL, true)};
	struct xmpp_conn_opts co = {.tls = tls_new(NULL, NULL, pki.ca1, false)};
	struct xmpp_server *s = server_new(&so, 0);

	srv.echo = true;
	client_new(xmpp_server_port(s), &co, &cli, 10000);
	WAIT(srv.established == 1 && cli.established == 1, 3000);
	ck_assert_int_eq(cli.established, 1);
	ck_assert(xmpp_conn_tls(srv.conn));
	ck_assert(xmpp_conn_tls(cli.conn));
	ck_assert_str_eq(srv.tls_peer, "");
	ck_assert_msg(
	    strstr(cli.tls_peer, "CN=ctl-node-1") != NULL, "%s", cli.tls_peer);
	ck_assert_str_eq(xmpp_conn_peer_name(srv.conn), "compute-7");
	ck_assert_int_eq(srv.opens, 1);
	ck_assert_int_eq(xmpp_conn_send(cli.conn, IQ, strlen(IQ)), 0);
	WAIT(cli.stanzas == 1, 2000);
	ck_assert_str_eq(srv.last, IQ);
	ck_assert_str_eq(cli.last, IQ);
	/* A client without TLS is told to use it, and gives up. */
	client_new(xmpp_server_port(s), NULL, &cli2, 10000);
	WAIT(cli2.closed == 1, 2000);
	ck_assert_int_eq(cli2.closed, 1);
	ck_assert_str_eq(cli2.reason, "the server requires STARTTLS");
	ck_assert_int_eq(cli.closed, 0);
}
END_TEST

/* Mutual TLS: the server verifies the client's certificate (CA 1); a
 * client with a certificate of CA 2 fails its handshake alone. */
START_TEST(tls_mutual)
{
	struct xmpp_conn_opts so = {
	    .tls = tls_new(pki.srv_crt, pki.srv_key, pki.ca1, true)};
	struct xmpp_conn_opts co = {
	    .tls = tls_new(pki.cli_crt, pki.cli_key, pki.ca1, false)};
	struct xmpp_conn_opts bo = {
	    .tls = tls_new(pki.bad_crt, pki.bad_key, pki.ca1, false)};
	struct xmpp_server *s = server_new(&so, 0);

	srv.echo = true;
	client_new(xmpp_server_port(s), &co, &cli, 10000);
	WAIT(cli.established == 1, 3000);
	ck_assert_int_eq(cli.established, 1);
	ck_assert_msg(
	    strstr(srv.tls_peer, "CN=compute-7") != NULL, "%s", srv.tls_peer);

	client_new(xmpp_server_port(s), &bo, &cli2, 10000);
	WAIT(srv.closed == 1 && cli2.closed == 1, 3000);
	ck_assert_int_eq(srv.closed, 1);
	ck_assert_msg(strstr(srv.reason, "TLS handshake: ") == srv.reason &&
		strstr(srv.reason, "certificate verify failed") != NULL,
	    "%s", srv.reason);
	ck_assert_int_eq(cli2.closed, 1);
	ck_assert_int_eq(cli2.established, 0);
	ck_assert_int_eq(srv.established, 1);

	ck_assert_int_eq(xmpp_conn_send(cli.conn, IQ, strlen(IQ)), 0);
	WAIT(cli.stanzas == 1, 2000);
	ck_assert_int_eq(cli.stanzas, 1);
	ck_assert_int_eq(cli.closed, 0);
}
END_TEST

/* The server's STARTTLS elements byte for byte (the client's <starttls/>
 * after an XML declaration, as Contrail writes it); then a client that
 * speaks plain after <proceed/> fails the handshake; one that sends a
 * stanza instead of <starttls/> is closed. */
START_TEST(tls_server_exact)
{
	struct xmpp_conn_opts so = {
	    .tls = tls_new(pki.srv_crt, pki.srv_key, NULL, true)};
	struct xmpp_server *s = server_new(&so, 0);
	struct raw *r = raw_connect(xmpp_server_port(s), 0);

	raw_send(r, XT_OPEN);
	raw_expect(r, XT_REPLY XT_FEATURES);
	raw_send(r, "<?xml version=\"1.0\"?>\n" XT_STARTTLS);
	raw_expect(r, XT_PROCEED);
	raw_send(r, XT_OPEN);
	WAIT(srv.closed == 1, 2000);
	ck_assert_int_eq(srv.closed, 1);
	ck_assert_msg(
	    strncmp(srv.reason, "TLS handshake: ", 15) == 0, "%s", srv.reason);
	ck_assert_int_eq(srv.established, 0);

	r = raw_connect(xmpp_server_port(s), 0);
	raw_send(r, XT_OPEN);
	raw_expect(r, XT_REPLY XT_FEATURES);
	raw_send(r, IQ);
	WAIT(r->eof, 2000);
	ck_assert_int_eq(srv.closed, 2);
	ck_assert_str_eq(
	    srv.reason, "unexpected <iq> in OpenConfirm (STARTTLS)");
	raw_expect(r, XT_CLOSE);
}
END_TEST

/* The client's <starttls/> byte for byte, after the server's features
 * (behind XML declarations, as Contrail's CN sends them). */
START_TEST(tls_client_exact)
{
	struct xmpp_conn_opts co = {.tls = tls_new(NULL, NULL, pki.ca1, false)};
	struct raw *r = raw_server(&co);

	raw_send(r, XT_REPLY);
	raw_send(r, "<?xml version=\"1.0\"?>\n" XT_FEATURES);
	raw_expect(r, XT_STARTTLS);
	ck_assert_uint_eq(r->len, 0);
	/* proceed, then the client's TLS hello (a handshake record). */
	raw_send(r, "<?xml version=\"1.0\"?>\n" XT_PROCEED);
	WAIT(r->len >= 5, 2000);
	ck_assert_uint_ge(r->len, 5);
	ck_assert_int_eq(r->buf[0], 0x16);
	ck_assert_int_eq(cli.established, 0);
}
END_TEST

static TCase *
io_tcase(Suite *s, const char *name, void (*su)(void), void (*td)(void))
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, su, td);
	tcase_set_timeout(tc, 15);
	suite_add_tcase(s, tc);
	return tc;
}

Suite *
xmpp_conn_suite(void)
{
	Suite *s = suite_create("xmpp_conn");
	TCase *tc;

	tc = io_tcase(s, "io", setup, teardown);
	tcase_add_test(tc, server_reply_exact);
	tcase_add_test(tc, client_open_exact);
	tcase_add_test(tc, exchange);
	tcase_add_test(tc, close_from_hook);
	tcase_add_test(tc, open_refused);
	tcase_add_test(tc, keepalive_sent);
	tcase_add_test(tc, keepalive_accepted_hold_expires);
	tcase_add_test(tc, hold_rearms_on_unread_bytes);
	tcase_add_test(tc, open_timer);
	tcase_add_test(tc, tcp_keepalive);
	tcase_add_test(tc, server_stop);
	tcase_add_test(tc, max_conns);
	tcase_add_test(tc, client_backoff);

	tc = io_tcase(s, "limits", setup, teardown);
	tcase_add_test(tc, slow_reader);
	tcase_add_test(tc, writable_after_drain);
	tcase_add_test(tc, writable_after_can_send);
	tcase_add_test(tc, protocol_errors);

	tc = io_tcase(s, "tls", setup_tls, teardown_tls);
	tcase_add_test(tc, tls_contexts);
	tcase_add_test(tc, tls_established);
	tcase_add_test(tc, tls_mutual);
	tcase_add_test(tc, tls_server_exact);
	tcase_add_test(tc, tls_client_exact);
	return s;
}
