/*
 * check_dp_srv.c - the programming socket in process: the server runs
 * on a private loop in the test's thread, clients (dp_client, or raw
 * sockets for what a good client never does) in a second thread, which
 * wakes the loop through a uv_async_t when it is done.  Round trips of
 * every type, bad messages, broken framing, too many clients, clients
 * vanishing mid-message and mid-dump, a 100000-route dump and a client
 * that never reads.
 */
#include "tests/datapath/suites.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "datapath/dp_srv.h"

#define ST_TIMEOUT_MS 5000 /* a client's wait */
#define ST_FLOWS      3000 /* flow pairs of the flow dump */

struct st;
typedef void (*st_client_fn)(struct st *t);

struct st {
	uv_loop_t loop;
	uv_async_t done;
	struct dp *dp;
	struct dp_srv *srv;
	char dir[64];
	char path[128];
	st_client_fn fn;
	int added, deleting; /* vif hook calls */
};

static void
st_done_cb(uv_async_t *a)
{
	struct st *t = a->data;

	dp_srv_close(t->srv);
	uv_close((uv_handle_t *)a, NULL);
}

static void *
st_thread(void *arg)
{
	struct st *t = arg;

	t->fn(t);
	uv_async_send(&t->done);
	return NULL;
}

static int
st_vif_added(void *arg, const struct dp_vif *v)
{
	struct st *t = arg;

	t->added++;
	return strcmp(v->name, "fail0") == 0 ? -EIO : 0;
}

static void
st_vif_deleting(void *arg, const struct dp_vif *v)
{
	struct st *t = arg;

	(void)v;
	t->deleting++;
}

static const struct dp_srv_ops st_ops = {st_vif_added, st_vif_deleting};

/* Sets up t: loop, tables (dt_dp_new's), server on a fresh path. */
static void
st_init(struct st *t)
{
	int err = 0;

	memset(t, 0, sizeof(*t));
	ck_assert_int_eq(uv_loop_init(&t->loop), 0);
	t->dp = dt_dp_new(ST_FLOWS * 2 + 64);
	strcpy(t->dir, "/tmp/dpsrv-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/sock", t->dir);
	t->srv = dp_srv_new(&t->loop, t->dp, t->path, &st_ops, t, &err);
	ck_assert_msg(t->srv != NULL, "dp_srv_new: %d", err);
}

/* Runs fn in a thread against the server until it returns, then closes
 * everything and checks that nothing leaked on the loop. */
static void
st_run(struct st *t, st_client_fn fn)
{
	pthread_t th;

	t->fn = fn;
	ck_assert_int_eq(uv_async_init(&t->loop, &t->done, st_done_cb), 0);
	t->done.data = t;
	ck_assert_int_eq(pthread_create(&th, NULL, st_thread, t), 0);
	uv_run(&t->loop, UV_RUN_DEFAULT);
	pthread_join(th, NULL);
	ck_assert_int_eq(uv_loop_close(&t->loop), 0);
	ck_assert_int_ne(access(t->path, F_OK), 0); /* socket file gone */
	rmdir(t->dir);
}

static void
st_fini(struct st *t)
{
	dp_free(t->dp);
}

static struct dp_client *
st_client(struct st *t)
{
	int err = 0;
	struct dp_client *c = dp_client_new(t->path, ST_TIMEOUT_MS, &err);

	DT_ASSERT(c != NULL, "connect: %d", err);
	return c;
}

/* Sends one text line; the reply's status (the transport must work). */
static int
st_line(struct dp_client *c, const char *line, struct dp_msg_reply *r)
{
	static struct dp_msg m;
	char err[DP_TEXT_ERR_MAX];
	int rc;

	DT_ASSERT(dp_text_parse(line, &m, err, sizeof(err)) == 0, "%s: %s",
	    line, err);
	rc = dp_client_request(c, &m, NULL, NULL, r);
	DT_ASSERT(rc == 0, "%s: transport %d", line, rc);
	return r->status;
}

/* Entries collected by a GET or DUMP. */
struct st_ents {
	uint32_t n;             /* entries */
	struct dp_msg_entry *e; /* the last one (heap) */
	struct prefix last;     /* route dump: the previous prefix */
	bool ordered;           /* routes came in (address, length) order */
};

static int
st_ent_cb(const struct dp_msg_entry *e, void *arg)
{
	struct st_ents *s = arg;
	int cmp;

	if (e->msg.type == DP_MSG_ROUTE) {
		cmp = s->n == 0
		    ? -1
		    : ipaddr_cmp(&s->last.addr, &e->msg.u.rt.p.addr);
		if (cmp > 0 || (cmp == 0 && s->last.len >= e->msg.u.rt.p.len))
			s->ordered = false;
		s->last = e->msg.u.rt.p;
	}
	if (s->e == NULL)
		s->e = xmalloc(sizeof(*s->e));
	*s->e = *e;
	s->n++;
	return 0;
}

/* A GET or DUMP by type and key fields already in m; entries counted. */
static int
st_query(
    struct dp_client *c, struct dp_msg *m, enum dp_msg_op op, struct st_ents *s)
{
	struct dp_msg_reply r;
	int rc;

	free(s->e);
	memset(s, 0, sizeof(*s));
	s->ordered = true;
	m->op = op;
	rc = dp_client_request(c, m, st_ent_cb, s, &r);
	DT_ASSERT(rc == 0, "query type %d: transport %d", m->type, rc);
	return r.status;
}

/* The parsed message of a line, to reuse as a GET/DUMP key. */
static void
st_parse(const char *line, struct dp_msg *m)
{
	char err[DP_TEXT_ERR_MAX];

	DT_ASSERT(dp_text_parse(line, m, err, sizeof(err)) == 0, "%s", err);
}

/* Every type: add, get (fields and state), dump, delete, get again. */
static const struct {
	const char *add;
	const char *del;
	uint32_t ndump; /* entries a DUMP of the type gives after the add */
} st_types[] = {
    {"vif add idx=7 kind=vm name=tap7 mac=02:00:00:00:00:07 vrf=1 mtu=1400",
	"vif del idx=7", 3},
    {"nh add idx=10 type=encap vrf=1 vif=1 dmac=02:00:00:00:00:01 "
     "smac=00:00:5e:00:01:00",
	"nh del idx=10", 4},
    {"route add vrf=1 prefix=10.1.0.3/32 nh=2",
	"route del vrf=1 "
	"prefix=10.1.0.3/32",
	1},
    {"bridge add vrf=1 mac=02:00:00:00:00:01 nh=2 label=5",
	"bridge del vrf=1 mac=02:00:00:00:00:01", 1},
    {"mpls add label=100 nh=2", "mpls del label=100", 1},
    {"vxlan add vni=5001 vrf=1 nh=2", "vxlan del vni=5001", 1},
    {"gre add key=4000000000 nh=2", "gre del key=4000000000", 1},
    {"vrf add vrf=2 flags=mirror-dest", "vrf del vrf=2", 1},
    {"mirror add idx=0 nh=1 flags=dynamic,juniper analyzer=an1 src-vn=red",
	"mirror del idx=0", 1},
    {"policy add vif=1 rule=\"af=4 proto=6 dst=10.1.0.0/24 dport=80 "
     "action=pass src-vn=red\" rule=\"action=deny\"",
	"policy del vif=1", 1},
    {"flow add vrf=1 proto=6 src=10.1.0.3 dst=10.1.0.4 sport=1000 dport=80 "
     "action=pass src-vn=red dst-vn=blue",
	"flow del vrf=1 proto=6 src=10.1.0.3 dst=10.1.0.4 sport=1000 dport=80",
	2},
};
#define ST_TYPES_N (sizeof(st_types) / sizeof(st_types[0]))

static int st_type_i;

static void
st_round_trip_client(struct st *t)
{
	struct dp_client *c = st_client(t);
	struct dp_msg_reply r;
	struct st_ents s = {0};
	static struct dp_msg m;
	int i = st_type_i;

	DT_ASSERT(st_line(c, st_types[i].add, &r) == 0, "%s: %s",
	    st_types[i].add, r.text);
	st_parse(st_types[i].add, &m);
	DT_ASSERT(st_query(c, &m, DP_MSG_GET, &s) == 0, "get %d", i);
	DT_ASSERT(s.n == 1, "get gave %u entries", s.n);
	DT_ASSERT(s.e->msg.type == m.type && s.e->msg.op == DP_MSG_GET,
	    "entry type/op");
	switch (m.type) {
	case DP_MSG_VIF:
		DT_ASSERT(strcmp(s.e->msg.u.vif.name, "tap7") == 0 &&
			s.e->msg.u.vif.mtu == 1400,
		    "vif fields");
		break;
	case DP_MSG_NH:
		DT_ASSERT(
		    s.e->msg.u.nh.vif == 1 && s.e->st.refcnt == 0, "nh fields");
		break;
	case DP_MSG_BRIDGE:
		DT_ASSERT(s.e->msg.u.br.label == 5, "bridge label");
		break;
	case DP_MSG_VXLAN:
		DT_ASSERT(s.e->msg.u.vxlan.vrf == 1, "vxlan vrf");
		break;
	case DP_MSG_GRE:
		DT_ASSERT(
		    s.e->msg.u.gre.key == 4000000000u && s.e->msg.u.gre.nh == 2,
		    "gre fields");
		break;
	case DP_MSG_MIRROR:
		DT_ASSERT(strcmp(s.e->msg.u.mirror.src_vn, "red") == 0 &&
			s.e->msg.u.mirror.flags ==
			    (DP_MIRROR_DYNAMIC | DP_MIRROR_JUNIPER_HDR),
		    "mirror fields");
		break;
	case DP_MSG_FLOW:
		DT_ASSERT(strcmp(s.e->msg.u.flow.cfg.dst_vn, "blue") == 0 &&
			!s.e->st.reverse,
		    "flow fields");
		break;
	case DP_MSG_VRF:
		DT_ASSERT(s.e->msg.u.vrf.flags == DP_VRF_MIRROR_DEST, "vrf");
		break;
	case DP_MSG_POLICY:
		DT_ASSERT(s.e->msg.u.policy.n == 2 &&
			s.e->msg.rules[0].dport_lo == 80 &&
			s.e->msg.rules[1].action == DP_FLOW_DENY,
		    "policy rules");
		break;
	default:
		DT_ASSERT(s.e->msg.u.rt.nh == 2 || m.type != DP_MSG_ROUTE,
		    "route nh");
		break;
	}
	if (m.type == DP_MSG_ROUTE)
		m.u.rt.p.addr.af = 0; /* DUMP: both families of VRF 1 */
	DT_ASSERT(st_query(c, &m, DP_MSG_DUMP, &s) == 0, "dump");
	DT_ASSERT(s.n == st_types[i].ndump, "dump of %d: %u entries", i, s.n);
	DT_ASSERT(st_line(c, st_types[i].del, &r) == 0, "%s: %s",
	    st_types[i].del, r.text);
	st_parse(st_types[i].add, &m);
	if (m.type != DP_MSG_VRF) {
		DT_ASSERT(st_query(c, &m, DP_MSG_GET, &s) == -ENOENT,
		    "get after delete");
		DT_ASSERT(s.n == 0, "entries after delete");
		DT_ASSERT(st_line(c, st_types[i].del, &r) == -ENOENT,
		    "second delete");
	}
	free(s.e);
	dp_client_free(c);
}

START_TEST(test_round_trip)
{
	struct st t;

	st_type_i = _i;
	st_init(&t);
	st_run(&t, st_round_trip_client);
	st_fini(&t);
}
END_TEST

/* A refused message: error reply, tables unchanged, connection kept. */
static void
st_bad_client(struct st *t)
{
	struct dp_client *c = st_client(t);
	struct dp_msg_reply r;
	struct st_ents s = {0};
	static struct dp_msg m;

	/* the tables refuse it: the nexthop's vif does not exist */
	DT_ASSERT(st_line(c,
		      "nh add idx=11 type=encap vrf=1 vif=99 "
		      "dmac=02:00:00:00:00:01 smac=02:00:00:00:00:02",
		      &r) == -EINVAL,
	    "nh to a missing vif");
	DT_ASSERT(strstr(r.text, "nh add") != NULL, "text %s", r.text);
	/* the port hook refuses a vif: undone */
	DT_ASSERT(st_line(c,
		      "vif add idx=9 kind=vm name=fail0 "
		      "mac=02:00:00:00:00:09 vrf=1",
		      &r) == -EIO,
	    "hook refusal");
	st_parse("vif del idx=9", &m);
	DT_ASSERT(st_query(c, &m, DP_MSG_GET, &s) == -ENOENT, "vif undone");
	st_parse("nh del idx=11", &m);
	DT_ASSERT(st_query(c, &m, DP_MSG_GET, &s) == -ENOENT, "nh absent");
	/* vif 1 is used by nexthop 2: -EBUSY, no deleting hook */
	DT_ASSERT(st_line(c, "vif del idx=1", &r) == -EBUSY, "busy vif");
	free(s.e);
	dp_client_free(c);
}

/* A fresh raw socket, n bytes of data written to it. */
static int
st_raw(struct st *t, const uint8_t *data, size_t n)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	DT_ASSERT(fd >= 0, "socket");
	memcpy(sun.sun_path, t->path, strlen(t->path) + 1);
	DT_ASSERT(
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0, "connect");
	DT_ASSERT(n == 0 || write(fd, data, n) == (ssize_t)n, "write");
	return fd;
}

/* Reads until EOF (or the timeout); the bytes read. */
static size_t
st_drain(int fd, uint8_t *buf, size_t cap)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	size_t len = 0;
	ssize_t n;
	uint8_t junk[4096];

	while (poll(&p, 1, ST_TIMEOUT_MS) == 1) {
		if (len < cap)
			n = read(fd, buf + len, cap - len);
		else
			n = read(fd, junk, sizeof(junk));
		if (n <= 0)
			return len;
		if (len < cap)
			len += (size_t)n;
	}
	ck_abort_msg("no EOF");
	return len;
}

static void
st_framing_client(struct st *t)
{
	uint8_t bad[32], in[256];
	struct dp_client *c;
	struct dp_msg_reply r;
	struct dp_msg_err err;
	size_t n;
	int fd;

	/* a wrong magic: one error reply with its sequence, then EOF */
	n = dt_unhex("4d45 01 01 02 00 0004 0000002a", bad, sizeof(bad));
	fd = st_raw(t, bad, n);
	n = st_drain(fd, in, sizeof(in));
	DT_ASSERT(n > DP_MSG_HLEN, "no reply");
	DT_ASSERT(
	    dp_msg_reply_decode(in, n, &r, &err) == 0, "reply: %s", err.reason);
	DT_ASSERT(r.status == -EPROTO && r.seq == 42, "status %d", r.status);
	DT_ASSERT(strstr(r.text, "magic") != NULL, "text %s", r.text);
	close(fd);
	/* version 2 likewise */
	n = dt_unhex("4d44 02 01 02 00 0004 0000002a", bad, sizeof(bad));
	fd = st_raw(t, bad, n);
	n = st_drain(fd, in, sizeof(in));
	DT_ASSERT(dp_msg_reply_decode(in, n, &r, &err) == 0, "reply");
	DT_ASSERT(strstr(r.text, "version") != NULL, "text %s", r.text);
	close(fd);
	/* a well-framed message with a bad field: error, connection kept */
	c = st_client(t);
	n = dt_unhex(
	    "4d44 01 01 02 00 0004 00000001 00001000", bad, sizeof(bad));
	fd = st_raw(t, bad, n);
	DT_ASSERT(st_line(c, "mpls add label=100 nh=2", &r) == 0, "other");
	close(fd);
	dp_client_free(c);
}

static void
st_many_client(struct st *t)
{
	struct dp_client *c[DP_SRV_CONN_MAX + 1];
	struct dp_msg_reply r;
	struct dp_msg_err err;
	uint8_t in[256];
	size_t n;
	int i, fd;

	for (i = 0; i < DP_SRV_CONN_MAX; i++) {
		c[i] = st_client(t);
		DT_ASSERT(st_line(c[i], "vrf add vrf=3 flags=none", &r) == 0,
		    "client %d", i);
	}
	/* the 17th: a reply saying why, then EOF */
	fd = st_raw(t, NULL, 0);
	n = st_drain(fd, in, sizeof(in));
	DT_ASSERT(dp_msg_reply_decode(in, n, &r, &err) == 0, "reply");
	DT_ASSERT(r.status == -EUSERS, "status %d", r.status);
	close(fd);
	/* one goes: a new one gets in (once the server saw the EOF) */
	dp_client_free(c[0]);
	for (i = 0; i < 100; i++) {
		c[0] = st_client(t);
		if (dp_client_request(c[0],
			&(struct dp_msg){.type = DP_MSG_VRF, .op = DP_MSG_GET},
			NULL, NULL, &r) == 0 &&
		    r.status == 0)
			break;
		dp_client_free(c[0]);
		usleep(10000);
	}
	DT_ASSERT(i < 100, "no room after a client left");
	for (i = 0; i < DP_SRV_CONN_MAX; i++)
		dp_client_free(c[i]);
}

/* Another client is still served after whatever the last one did. */
static void
st_still_served(struct st *t)
{
	struct dp_client *c = st_client(t);
	struct dp_msg_reply r;

	DT_ASSERT(st_line(c, "mpls add label=100 nh=2", &r) == 0, "after");
	dp_client_free(c);
}

/* 100000 routes in VRF 1: 10.0.0.0/32 upwards by 4, and a /8. */
#ifndef ST_ROUTES
#define ST_ROUTES 100000
#endif
static void
st_add_routes(struct st *t)
{
	struct prefix p;
	uint32_t i, a;

	memset(&p, 0, sizeof(p));
	p.addr.af = AF_INET;
	for (i = 0; i < ST_ROUTES; i++) {
		a = htonl(0x0a000000u + 4 * i);
		memcpy(p.addr.u.b, &a, 4);
		p.len = 30;
		DT_ASSERT(dp_rt_add(t->dp, 1, &p, 2) == 0, "route %u", i);
	}
}

/* One client function against tables with or without the 100000
 * routes, and a stall timeout (0: the default). */
static void
st_test(st_client_fn fn, bool routes, uint64_t stall_ms)
{
	struct st t;

	st_init(&t);
	if (routes)
		st_add_routes(&t);
	if (stall_ms != 0)
		dp_srv_set_stall(t.srv, stall_ms);
	st_run(&t, fn);
	st_fini(&t);
}

static void
st_big_client(struct st *t)
{
	struct dp_client *c = st_client(t);
	struct st_ents s = {0};
	static struct dp_msg m;

	st_parse("route del vrf=1 prefix=0.0.0.0/0", &m);
	m.u.rt.p.addr.af = AF_INET;
	DT_ASSERT(st_query(c, &m, DP_MSG_DUMP, &s) == 0, "dump");
	DT_ASSERT(s.n == ST_ROUTES, "%u routes", s.n);
	DT_ASSERT(s.ordered, "out of order");
	/* the same connection goes on */
	DT_ASSERT(st_query(c, &m, DP_MSG_DUMP, &s) == 0, "dump again");
	DT_ASSERT(s.n == ST_ROUTES, "%u routes", s.n);
	free(s.e);
	dp_client_free(c);
}

START_TEST(test_big_dump)
{
	st_test(st_big_client, true, 0);
}
END_TEST

/* Bytes of a route DUMP of VRF 1, IPv4. */
static size_t
st_dump_req(uint8_t *buf)
{
	return dt_unhex("4d44 01 03 04 00 0005 00000001 00000001 04", buf, 32);
}

static void
st_vanish_client(struct st *t)
{
	uint8_t req[32];
	size_t n = st_dump_req(req);
	int fd;

	/* half a message, then gone */
	fd = st_raw(t, req, 7);
	close(fd);
	/* a dump asked for and some of it read, then gone */
	fd = st_raw(t, req, n);
	DT_ASSERT(read(fd, req, sizeof(req)) > 0, "read");
	close(fd);
	/* a dump asked for, nothing read, gone */
	fd = st_raw(t, req, n);
	close(fd);
	/* the server goes on */
	st_still_served(t);
}

/*
 * Reads a raw connection's answer to a DUMP: *n entries, then the
 * reply's status.
 */
static int
st_count_dump(int fd, uint32_t *n)
{
	static uint8_t buf[DP_MSG_HLEN + DP_MSG_MAX];
	static struct dp_msg_reply r;
	struct dp_msg_err err;
	size_t len = 0, blen, mlen;
	uint32_t seq;
	ssize_t got;

	*n = 0;
	for (;;) {
		while (len >= DP_MSG_HLEN &&
		    dp_msg_decode_frame(buf, len, &blen, &seq, &err) == 0 &&
		    len >= (mlen = DP_MSG_HLEN + blen)) {
			if (buf[3] == DP_MSG_REPLY) {
				DT_ASSERT(dp_msg_reply_decode(
					      buf, mlen, &r, &err) == 0,
				    "reply");
				return r.status;
			}
			DT_ASSERT(buf[5] == DP_MSG_F_ENTRY, "not an entry");
			(*n)++;
			memmove(buf, buf + mlen, len - mlen);
			len -= mlen;
		}
		got = read(fd, buf + len, sizeof(buf) - len);
		DT_ASSERT(got > 0, "dump cut after %u entries", *n);
		len += (size_t)got;
	}
}

/* Reads exactly one message (an entry) from a raw connection. */
static void
st_read_one(int fd)
{
	static uint8_t buf[DP_MSG_HLEN + DP_MSG_MAX];
	struct dp_msg_err err;
	size_t len = 0, want = DP_MSG_HLEN, blen;
	uint32_t seq;
	ssize_t got;

	while (len < want) {
		got = read(fd, buf + len, want - len);
		DT_ASSERT(got > 0, "read");
		len += (size_t)got;
		if (len == DP_MSG_HLEN) {
			DT_ASSERT(dp_msg_decode_frame(
				      buf, len, &blen, &seq, &err) == 0,
			    "frame");
			want += blen;
		}
	}
	DT_ASSERT(buf[5] == DP_MSG_F_ENTRY, "not an entry");
}

/* The table changes between the chunks of a dump: it still ends, with
 * about as many entries as there were routes. */
static void
st_change_client(struct st *t)
{
	uint8_t req[32];
	struct dp_client *c = st_client(t);
	struct dp_msg_reply r;
	char line[128];
	uint32_t n, i;
	int fd;

	fd = st_raw(t, req, st_dump_req(req));
	st_read_one(fd); /* the dump has begun */
	for (i = 0; i < 500; i++) {
		snprintf(line, sizeof(line),
		    "route del vrf=1 prefix=10.0.%u.%u/30", i / 64, i % 64 * 4);
		DT_ASSERT(st_line(c, line, &r) == 0, "%s: %s", line, r.text);
		snprintf(line, sizeof(line),
		    "route add vrf=1 prefix=11.0.%u.%u/32 nh=2", i / 256,
		    i % 256);
		DT_ASSERT(st_line(c, line, &r) == 0, "%s: %s", line, r.text);
	}
	DT_ASSERT(st_count_dump(fd, &n) == 0, "dump status");
	DT_ASSERT(n + 1 >= ST_ROUTES - 500 && n + 1 <= ST_ROUTES + 500,
	    "%u entries", n + 1);
	close(fd);
	dp_client_free(c);
}

/* ST_FLOWS pairs in VRF 1: 10.1.0.3:i -> 10.1.0.4:80, i = 1.. */
static void
st_add_flows(struct st *t)
{
	struct dp_flow_key k;
	struct dp_flow_cfg cfg = {
	    .action = DP_FLOW_PASS, .mirror = {DP_MIRROR_NONE, DP_MIRROR_NONE}};
	uint32_t i;

	memset(&k, 0, sizeof(k));
	k.vrf = 1;
	k.af = AF_INET;
	k.proto = 6;
	k.dport = 80;
	memcpy(k.sip, "\x0a\x01\x00\x03", 4);
	memcpy(k.dip, "\x0a\x01\x00\x04", 4);
	for (i = 1; i <= ST_FLOWS; i++) {
		k.sport = (uint16_t)i;
		DT_ASSERT(
		    dp_flow_add(t->dp, &k, &cfg, i, NULL) == 0, "flow %u", i);
	}
}

/* Every forward and reverse entry exactly once. */
static uint8_t st_seen[2][ST_FLOWS + 1];

static int
st_flow_cb(const struct dp_msg_entry *e, void *arg)
{
	const struct dp_flow_key *k = &e->msg.u.flow.key;
	uint16_t i = e->st.reverse ? k->dport : k->sport;

	(void)arg;
	DT_ASSERT(i >= 1 && i <= ST_FLOWS, "flow port %u", i);
	st_seen[e->st.reverse][i]++;
	return 0;
}

static void
st_flows_client(struct st *t)
{
	struct dp_client *c = st_client(t);
	struct dp_msg_reply r;
	static struct dp_msg m;
	uint32_t i;

	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_FLOW;
	m.op = DP_MSG_DUMP;
	DT_ASSERT(dp_client_request(c, &m, st_flow_cb, NULL, &r) == 0 &&
		r.status == 0,
	    "flow dump");
	for (i = 1; i <= ST_FLOWS; i++)
		DT_ASSERT(st_seen[0][i] == 1 && st_seen[1][i] == 1,
		    "flow %u seen %u and %u times", i, st_seen[0][i],
		    st_seen[1][i]);
	dp_client_free(c);
}

/* A flow dump of several chunks, resumed after the last flow sent. */
START_TEST(test_flow_dump)
{
	struct st t;

	st_init(&t);
	st_add_flows(&t);
	st_run(&t, st_flows_client);
	st_fini(&t);
}
END_TEST

START_TEST(test_change)
{
	st_test(st_change_client, true, 0);
}
END_TEST

START_TEST(test_vanish)
{
	st_test(st_vanish_client, true, 0);
}
END_TEST

static void
st_stall_client(struct st *t)
{
	uint8_t req[32];
	size_t n = st_dump_req(req);
	int fd;

	/* a dump never read: closed by the stall timer */
	fd = st_raw(t, req, n);
	usleep(600000);
	(void)st_drain(fd, NULL, 0); /* some chunks, then EOF */
	close(fd);
	st_still_served(t);
}

/* GETs sent without reading the replies: closed when the queue would
 * pass DP_SRV_WQ_MAX (the stall timer is at its 10 s default). */
static void
st_flood_client(struct st *t)
{
	uint8_t get[16];
	size_t gn;
	int fd, i;

	gn = dt_unhex("4d44 01 01 03 00 0004 00000001 00000063", get, 16);
	fd = st_raw(t, NULL, 0);
	for (i = 0; i < 400000; i++)
		if (send(fd, get, gn, MSG_NOSIGNAL) != (ssize_t)gn)
			break;
	DT_ASSERT(i < 400000, "never closed");
	close(fd);
	st_still_served(t);
}

START_TEST(test_flood)
{
	st_test(st_flood_client, false, 0);
}
END_TEST

START_TEST(test_stall)
{
	st_test(st_stall_client, true, 200);
}
END_TEST

static void
st_one(struct st *t, st_client_fn fn)
{
	st_init(t);
	st_run(t, fn);
}

/* A path too long for a sockaddr_un is refused, not truncated. */
START_TEST(test_long_path)
{
	uv_loop_t loop;
	struct dp *dp = dt_dp_new(16);
	char path[200];
	int err = 0;

	memset(path, 'x', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	ck_assert_ptr_null(dp_srv_new(&loop, dp, path, NULL, NULL, &err));
	ck_assert_int_eq(err, UV_ENAMETOOLONG);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	dp_free(dp);
}
END_TEST

START_TEST(test_bad)
{
	struct st t;
	struct prefix p = dt_prefix("10.1.0.3/32");

	st_one(&t, st_bad_client);
	ck_assert_ptr_null(dp_nh_lookup(t.dp, 11));
	ck_assert_ptr_null(dp_vif_lookup(t.dp, 9));
	ck_assert_ptr_nonnull(dp_vif_lookup(t.dp, 1));
	ck_assert_uint_eq(dp_rt_get(t.dp, 1, &p), 0);
	ck_assert_int_eq(t.added, 1);
	ck_assert_int_eq(t.deleting, 0);
	st_fini(&t);
}
END_TEST

START_TEST(test_framing)
{
	struct st t;

	st_one(&t, st_framing_client);
	ck_assert_uint_eq(dp_mpls_lookup(t.dp, 100), 2);
	st_fini(&t);
}
END_TEST

START_TEST(test_many)
{
	struct st t;

	st_one(&t, st_many_client);
	st_fini(&t);
}
END_TEST

Suite *
dp_srv_suite(void)
{
	Suite *s = suite_create("dp_srv");
	TCase *tc;

	tc = tcase_create("io");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_round_trip, 0, (int)ST_TYPES_N);
	tcase_add_test(tc, test_bad);
	tcase_add_test(tc, test_framing);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_vanish);
	tcase_add_test(tc, test_big_dump);
	tcase_add_test(tc, test_change);
	tcase_add_test(tc, test_flow_dump);
	tcase_add_test(tc, test_long_path);
	tcase_add_test(tc, test_stall);
	tcase_add_test(tc, test_flood);
	suite_add_tcase(s, tc);
	return s;
}
