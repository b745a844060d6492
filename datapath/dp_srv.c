/*
 * dp_srv.c - the programming socket (the I/O layer of the dp_msg
 * protocol): a libuv unix stream listener, per-client framing into a
 * fixed receive buffer, requests decoded by dp_msg.c and applied to the
 * tables, GET answers and DUMPs streamed in bounded chunks as the
 * client drains them.  A client is untrusted: a bad message gets an
 * error reply, a broken header or a client that stops reading is
 * closed, and nothing a client does stops the loop from forwarding.
 */
#include "datapath/dp_srv.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

/* One write: the libuv request and its payload (STYLE.md C4). */
struct dp_srv_write {
	uv_write_t req; /* req.data is the connection */
	size_t len;     /* bytes of data queued */
	struct wbuf wb; /* over data */
	uint8_t data[]; /* payload */
};

struct dp_srv_conn {
	uv_pipe_t pipe;             /* the client */
	uv_timer_t stall;           /* closes a client not draining */
	uv_shutdown_t shut;         /* close after the last reply */
	struct dp_srv *srv;         /* owner */
	struct dp_srv_conn *next;   /* in srv->conns */
	struct dp_srv_conn **pprev; /* where we are linked from */
	unsigned nopen;             /* handles not closed yet */
	bool closing;               /* no more reads or writes */
	bool counted;               /* counts against DP_SRV_CONN_MAX */
	size_t queued;              /* bytes in writes not completed */
	/* a DUMP in progress: reads stop until its reply is queued */
	bool dumping;             /* entries still to come */
	enum dp_msg_type dtype;   /* what is dumped */
	uint32_t dseq;            /* the request's sequence */
	uint32_t dvrf;            /* route: the VRF */
	sa_family_t daf;          /* route: the family walked now */
	bool dboth;               /* route: IPv6 after IPv4 */
	uint32_t dpos;            /* index, or entries already sent */
	struct dp_flow_key dflow; /* flow: the last one sent */
	size_t rlen;              /* bytes in rbuf */
	uint8_t rbuf[DP_MSG_HLEN + DP_MSG_MAX]; /* one whole message */
};

struct dp_srv {
	uv_loop_t *loop;           /* borrowed */
	struct dp *dp;             /* the tables, borrowed */
	struct dp_srv_ops ops;     /* I/O layer hooks (NULL members ok) */
	void *arg;                 /* for ops */
	uv_pipe_t listener;        /* the socket */
	bool listening;            /* listener open */
	bool closing;              /* dp_srv_close called */
	char *path;                /* socket file, owned */
	struct dp_srv_conn *conns; /* every connection not yet freed */
	unsigned nconns;           /* counted ones */
	uint64_t stall_ms;         /* DP_SRV_STALL_MS unless set */
	struct dp_msg msg;         /* decode scratch (about 40 KiB) */
	struct dp_msg_entry ent;   /* entry scratch */
	uint8_t out[DP_SRV_CHUNK]; /* a GET answer before its exact copy */
};

static void dp_srv_conn_close(struct dp_srv_conn *c);
static void dp_srv_dump_step(struct dp_srv_conn *c);
static void dp_srv_process(struct dp_srv_conn *c);
static void dp_srv_read_start(struct dp_srv_conn *c);

/* Frees s once the listener and every connection are closed. */
static void
dp_srv_maybe_free(struct dp_srv *s)
{
	if (!s->closing || s->listening || s->conns != NULL)
		return;
	free(s->path);
	free(s);
}

static void
dp_srv_conn_closed_cb(uv_handle_t *h)
{
	struct dp_srv_conn *c = h->data;
	struct dp_srv *s = c->srv;

	if (--c->nopen > 0)
		return;
	*c->pprev = c->next;
	if (c->next != NULL)
		c->next->pprev = c->pprev;
	free(c);
	dp_srv_maybe_free(s);
}

/* Closes a connection at once (pending writes are cancelled). */
static void
dp_srv_conn_close(struct dp_srv_conn *c)
{
	if (c->closing && uv_is_closing((uv_handle_t *)&c->pipe))
		return;
	c->closing = true;
	c->dumping = false;
	if (c->counted) {
		c->counted = false;
		c->srv->nconns--;
	}
	uv_close((uv_handle_t *)&c->pipe, dp_srv_conn_closed_cb);
	uv_close((uv_handle_t *)&c->stall, dp_srv_conn_closed_cb);
}

static void
dp_srv_shutdown_cb(uv_shutdown_t *req, int status)
{
	(void)status;
	dp_srv_conn_close(req->data);
}

/* Stops reading and closes once what is queued is written (or the
 * stall timer fires first). */
static void
dp_srv_conn_close_after(struct dp_srv_conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	c->dumping = false;
	uv_read_stop((uv_stream_t *)&c->pipe);
	c->shut.data = c;
	if (uv_shutdown(
		&c->shut, (uv_stream_t *)&c->pipe, dp_srv_shutdown_cb) != 0)
		dp_srv_conn_close(c);
}

static void
dp_srv_stall_cb(uv_timer_t *t)
{
	struct dp_srv_conn *c = t->data;

	log_warnx("dp_srv: a client left %zu bytes unread for %llu ms, "
		  "closed",
	    c->queued, (unsigned long long)c->srv->stall_ms);
	dp_srv_conn_close(c);
}

static struct dp_srv_write *
dp_srv_write_new(size_t cap)
{
	struct dp_srv_write *w = xmalloc(sizeof(*w) + cap);

	wbuf_init(&w->wb, w->data, cap);
	return w;
}

static void
dp_srv_write_cb(uv_write_t *req, int status)
{
	struct dp_srv_write *w = container_of(req, struct dp_srv_write, req);
	struct dp_srv_conn *c = req->data;

	c->queued -= w->len;
	free(w);
	if (uv_is_closing((uv_handle_t *)&c->pipe))
		return;
	if (status < 0) {
		dp_srv_conn_close(c);
		return;
	}
	/* progress: the stall clock starts again, or stops when drained */
	if (c->queued > 0)
		uv_timer_start(&c->stall, dp_srv_stall_cb, c->srv->stall_ms, 0);
	else
		uv_timer_stop(&c->stall);
	if (c->dumping && c->queued == 0)
		dp_srv_dump_step(c);
}

/*
 * Queues w (takes it).  A client whose queue would pass DP_SRV_WQ_MAX is
 * not reading: it is closed and -ENOBUFS returned.
 */
static int
dp_srv_send(struct dp_srv_conn *c, struct dp_srv_write *w)
{
	uv_buf_t b = uv_buf_init((char *)w->data, (unsigned)w->wb.len);
	int rc;

	if (uv_is_closing((uv_handle_t *)&c->pipe) || w->wb.len == 0) {
		free(w);
		return 0;
	}
	if (c->queued + w->wb.len > DP_SRV_WQ_MAX) {
		log_warnx("dp_srv: a client's queue passed %u bytes, closed",
		    DP_SRV_WQ_MAX);
		free(w);
		dp_srv_conn_close(c);
		return -ENOBUFS;
	}
	w->len = w->wb.len;
	w->req.data = c;
	if ((rc = uv_write(&w->req, (uv_stream_t *)&c->pipe, &b, 1,
		 dp_srv_write_cb)) != 0) {
		free(w);
		dp_srv_conn_close(c);
		return rc;
	}
	c->queued += w->len;
	if (!uv_is_active((uv_handle_t *)&c->stall))
		uv_timer_start(&c->stall, dp_srv_stall_cb, c->srv->stall_ms, 0);
	return 0;
}

/* Sends one reply. */
static void
dp_srv_reply(struct dp_srv_conn *c, const struct dp_msg_reply *r)
{
	struct dp_srv_write *w = dp_srv_write_new(DP_MSG_HLEN + 5 + 128);

	if (dp_msg_reply_encode(&w->wb, r) != 0)
		fatalx("dp_srv: reply does not fit");
	(void)dp_srv_send(c, w);
}

static void
dp_srv_reply_err(struct dp_srv_conn *c, uint32_t seq, int status,
    const char *what, const struct dp_msg_err *err)
{
	struct dp_msg_reply r;

	memset(&r, 0, sizeof(r));
	r.seq = seq;
	r.status = status;
	snprintf(r.text, sizeof(r.text), "%s: %s at byte %zu", what,
	    err->reason, err->off);
	dp_srv_reply(c, &r);
}

/*
 * Entries from the tables: each fills the scratch entry of type t with
 * the ADD fields and the state tail of one object.
 */
static struct dp_msg_entry *
dp_srv_ent(
    struct dp_srv *s, enum dp_msg_type t, enum dp_msg_op op, uint32_t seq)
{
	struct dp_msg_entry *e = &s->ent;

	memset(&e->msg.u, 0, sizeof(e->msg.u));
	memset(&e->st, 0, sizeof(e->st));
	e->msg.type = t;
	e->msg.op = op;
	e->msg.seq = seq;
	return e;
}

static void
dp_srv_fill_vif(struct dp_msg_entry *e, const struct dp_vif *v)
{
	struct dp_vif_cfg *c = &e->msg.u.vif;

	c->idx = v->idx;
	c->kind = v->kind;
	c->name = v->name;
	c->mac = v->mac;
	c->vrf = v->vrf;
	c->flags = v->flags;
	c->mirror = v->mirror;
	c->mtu = v->mtu;
	e->st.refcnt = v->refcnt;
	e->st.ctr = v->rx;
	e->st.tx = v->tx;
	e->st.drop = v->drop;
}

static void
dp_srv_fill_nh(struct dp_msg_entry *e, const struct dp_nh *nh)
{
	e->msg.u.nh = *nh;
	e->st.refcnt = nh->refcnt;
	e->st.ctr = nh->ctr;
}

static void
dp_srv_fill_mirror(struct dp_msg_entry *e, const struct dp_mirror *m)
{
	struct dp_mirror_cfg *c = &e->msg.u.mirror;

	c->idx = m->idx;
	c->nh = m->nh;
	c->flags = m->flags;
	c->vni = m->vni;
	c->analyzer = m->analyzer;
	c->src_vn = m->src_vn;
	c->dst_vn = m->dst_vn;
	c->snaplen = m->snaplen;
	c->sample = m->sample;
	c->vlan = m->vlan;
	e->st.refcnt = m->refcnt;
	e->st.ctr = m->ctr;
	e->st.drop = m->skipped;
}

static void
dp_srv_fill_flow(struct dp_msg_entry *e, const struct dp_flow *f)
{
	struct dp_msg_flow *c = &e->msg.u.flow;

	c->key = f->key;
	c->cfg.action = f->action;
	c->cfg.mirror[0] = f->mirror[0];
	c->cfg.mirror[1] = f->mirror[1];
	c->cfg.src_vn = f->src_vn;
	c->cfg.dst_vn = f->dst_vn;
	e->st.reverse = f->reverse;
	e->st.created = f->created;
	e->st.last_used = f->last_used;
	e->st.ctr = f->ctr;
	e->st.gen = f->gen;
}

static void
dp_srv_fill_bridge(struct dp_msg_entry *e, const struct dp_bridge *b)
{
	e->msg.u.br.vrf = b->vrf;
	e->msg.u.br.mac = b->mac;
	e->msg.u.br.nh = b->nh;
	e->msg.u.br.label = b->label;
	e->st.ctr = b->ctr;
}

/* vif's policy into e; false without one. */
static bool
dp_srv_fill_policy(struct dp_srv *s, struct dp_msg_entry *e, uint32_t vif)
{
	const struct dp_rule *rules;
	uint32_t n = 0;

	if ((rules = dp_policy_get(s->dp, vif, &n)) == NULL || n == 0 ||
	    n > DP_POLICY_RULES_MAX)
		return false;
	e->msg.u.policy.vif = vif;
	e->msg.u.policy.n = n;
	memcpy(e->msg.rules, rules, n * sizeof(*rules));
	return true;
}

/* The one entry a GET names into the scratch entry; false if missing. */
static bool
dp_srv_get(struct dp_srv *s, const struct dp_msg *m, struct dp_msg_entry *e)
{
	struct dp *dp = s->dp;
	const struct dp_vif *v;
	const struct dp_nh *nh;
	const struct dp_mirror *mi;
	const struct dp_bridge *b;
	const struct dp_flow *f;
	uint32_t x, vrf = 0;

	switch (m->type) {
	case DP_MSG_VIF:
		if ((v = dp_vif_lookup(dp, m->u.vif.idx)) == NULL)
			return false;
		dp_srv_fill_vif(e, v);
		return true;
	case DP_MSG_NH:
		if ((nh = dp_nh_lookup(dp, m->u.nh.idx)) == NULL)
			return false;
		dp_srv_fill_nh(e, nh);
		return true;
	case DP_MSG_ROUTE:
		if ((x = dp_rt_get(dp, m->u.rt.vrf, &m->u.rt.p)) == 0)
			return false;
		e->msg.u.rt = m->u.rt;
		e->msg.u.rt.nh = x;
		return true;
	case DP_MSG_BRIDGE:
		b = dp_bridge_lookup(dp, m->u.br.vrf, &m->u.br.mac);
		if (b == NULL)
			return false;
		dp_srv_fill_bridge(e, b);
		return true;
	case DP_MSG_MPLS:
		if ((x = dp_mpls_lookup(dp, m->u.mpls.label)) == 0)
			return false;
		e->msg.u.mpls.label = m->u.mpls.label;
		e->msg.u.mpls.nh = x;
		return true;
	case DP_MSG_VXLAN:
		if ((x = dp_vxlan_lookup(dp, m->u.vxlan.vni, &vrf)) == 0)
			return false;
		e->msg.u.vxlan.vni = m->u.vxlan.vni;
		e->msg.u.vxlan.vrf = vrf;
		e->msg.u.vxlan.nh = x;
		return true;
	case DP_MSG_GRE:
		if ((x = dp_gre_lookup(dp, m->u.gre.key)) == 0)
			return false;
		e->msg.u.gre.key = m->u.gre.key;
		e->msg.u.gre.nh = x;
		return true;
	case DP_MSG_MIRROR:
		if ((mi = dp_mirror_lookup(dp, m->u.mirror.idx)) == NULL)
			return false;
		dp_srv_fill_mirror(e, mi);
		return true;
	case DP_MSG_POLICY:
		return dp_srv_fill_policy(s, e, m->u.policy.vif);
	case DP_MSG_FLOW:
		if ((f = dp_flow_lookup(dp, &m->u.flow.key)) == NULL)
			return false;
		dp_srv_fill_flow(e, f);
		return true;
	case DP_MSG_VRF:
		/* every VRF id exists; one never flagged has flags 0 */
		e->msg.u.vrf.vrf = m->u.vrf.vrf;
		e->msg.u.vrf.flags = dp_vrf_flags(dp, m->u.vrf.vrf);
		return true;
	case DP_MSG_REPLY:
		break;
	}
	return false;
}

/* The GET answer: the entry (if any) and the reply, in one write of
 * exactly their size. */
static void
dp_srv_do_get(struct dp_srv_conn *c, const struct dp_msg *m)
{
	struct dp_srv *s = c->srv;
	struct dp_msg_entry *e = dp_srv_ent(s, m->type, m->op, m->seq);
	struct dp_srv_write *w;
	struct dp_msg_reply r;
	struct wbuf out;

	wbuf_init(&out, s->out, sizeof(s->out));
	memset(&r, 0, sizeof(r));
	r.seq = m->seq;
	if (!dp_srv_get(s, m, e)) {
		r.status = -ENOENT;
		snprintf(r.text, sizeof(r.text), "%s get: %s",
		    dp_msg_type_name(m->type), strerror(ENOENT));
	} else if (dp_msg_encode_entry(&out, e) != 0) {
		r.status = -EINVAL;
		snprintf(r.text, sizeof(r.text), "%s get: entry not encodable",
		    dp_msg_type_name(m->type));
	}
	if (dp_msg_reply_encode(&out, &r) != 0)
		fatalx("dp_srv: GET answer does not fit");
	w = dp_srv_write_new(out.len);
	(void)wbuf_put_bytes(&w->wb, out.data, out.len);
	(void)dp_srv_send(c, w);
}

/* ADD and DEL, with the I/O layer's hooks around vif changes. */
static void
dp_srv_do_apply(struct dp_srv_conn *c, const struct dp_msg *m)
{
	struct dp_srv *s = c->srv;
	struct dp_msg_reply r;
	const struct dp_vif *v;
	bool vif_new = m->type == DP_MSG_VIF && m->op == DP_MSG_ADD &&
	    dp_vif_lookup(s->dp, m->u.vif.idx) == NULL;
	int rc;

	if (m->type == DP_MSG_VIF && m->op == DP_MSG_DEL &&
	    s->ops.vif_deleting != NULL &&
	    (v = dp_vif_lookup(s->dp, m->u.vif.idx)) != NULL && v->refcnt == 0)
		s->ops.vif_deleting(s->arg, v); /* the delete will succeed */
	rc = dp_msg_apply_at(s->dp, m, uv_now(s->loop), &r);
	/* a vif added again is updated in place: its port stays */
	if (rc == 0 && vif_new && s->ops.vif_added != NULL &&
	    (rc = s->ops.vif_added(
		 s->arg, dp_vif_lookup(s->dp, m->u.vif.idx))) < 0) {
		(void)dp_vif_del(s->dp, m->u.vif.idx);
		r.status = rc;
		snprintf(
		    r.text, sizeof(r.text), "vif add: port: %s", strerror(-rc));
	}
	dp_srv_reply(c, &r);
}

/* A walk of a table without an index: entries before dpos are skipped
 * (sent in earlier chunks), the rest written until the chunk is full. */
struct dp_srv_walk {
	struct dp_srv_conn *c; /* the dumping connection */
	struct wbuf *wb;       /* the chunk */
	uint32_t i;            /* entries seen */
};

/* Writes the scratch entry; 1 (stop the walk) when the chunk is full. */
static int
dp_srv_walk_put(struct dp_srv_walk *wk)
{
	if (wk->i++ < wk->c->dpos)
		return 0;
	if (dp_msg_encode_entry(wk->wb, &wk->c->srv->ent) != 0)
		return 1;
	wk->c->dpos++;
	return 0;
}

static int
dp_srv_walk_rt(const struct prefix *p, uint32_t nh, void *arg)
{
	struct dp_srv_walk *wk = arg;
	struct dp_msg_entry *e = &wk->c->srv->ent;

	if (wk->i < wk->c->dpos) {
		wk->i++;
		return 0;
	}
	e->msg.u.rt.vrf = wk->c->dvrf;
	e->msg.u.rt.p = *p;
	e->msg.u.rt.nh = nh;
	return dp_srv_walk_put(wk);
}

static int
dp_srv_walk_bridge(const struct dp_bridge *b, void *arg)
{
	struct dp_srv_walk *wk = arg;

	if (wk->i < wk->c->dpos) {
		wk->i++;
		return 0;
	}
	dp_srv_fill_bridge(&wk->c->srv->ent, b);
	return dp_srv_walk_put(wk);
}

static int
dp_srv_walk_label(uint32_t key, uint32_t vrf, uint32_t nh, void *arg)
{
	struct dp_srv_walk *wk = arg;
	struct dp_msg *m = &wk->c->srv->ent.msg;

	if (m->type == DP_MSG_MPLS) {
		m->u.mpls.label = key;
		m->u.mpls.nh = nh;
	} else if (m->type == DP_MSG_GRE) {
		m->u.gre.key = key;
		m->u.gre.nh = nh;
	} else {
		m->u.vxlan.vni = key;
		m->u.vxlan.vrf = vrf;
		m->u.vxlan.nh = nh;
	}
	return dp_srv_walk_put(wk);
}

static int
dp_srv_walk_flow(struct dp_flow *f, void *arg)
{
	struct dp_srv_walk *wk = arg;

	if (wk->i < wk->c->dpos) {
		wk->i++;
		return 0;
	}
	dp_srv_fill_flow(&wk->c->srv->ent, f);
	if (dp_srv_walk_put(wk) != 0)
		return 1;
	wk->c->dflow = f->key;
	return 0;
}

/*
 * A flow dump goes on after the last flow sent, found again by its key,
 * along the table's creation-order list: no walk from the start per
 * chunk.  false when the chunk filled or that flow is gone (the caller
 * then falls back on the count).  Sets *done at the end of the list.
 */
static bool
dp_srv_dump_flow_resume(struct dp_srv_conn *c, struct wbuf *wb, bool *done)
{
	struct dp_srv *s = c->srv;
	const struct dp_flow *f = dp_flow_lookup(s->dp, &c->dflow);

	*done = false;
	if (c->dpos == 0 || f == NULL)
		return false;
	for (f = f->next_all; f != NULL; f = f->next_all) {
		dp_srv_fill_flow(&s->ent, f);
		if (dp_msg_encode_entry(wb, &s->ent) != 0)
			return true;
		c->dpos++;
		c->dflow = f->key;
	}
	*done = true;
	return true;
}

/*
 * Writes the next entries of an index table from dpos; true when the
 * table is done, false when the chunk filled (dpos then names the entry
 * that did not fit).
 */
static bool
dp_srv_dump_index(struct dp_srv_conn *c, struct wbuf *wb)
{
	struct dp_srv *s = c->srv;
	struct dp_msg_entry *e = &s->ent;
	const struct dp_vif *v;
	const struct dp_nh *nh;
	const struct dp_mirror *mi;
	uint32_t pos, lim;

	lim = c->dtype == DP_MSG_VRF ? DP_VRF_MAX : DP_VIF_MAX;
	for (;;) {
		pos = c->dpos;
		switch (c->dtype) {
		case DP_MSG_VIF:
			if ((v = dp_vif_next(s->dp, &pos)) == NULL)
				return true;
			dp_srv_fill_vif(e, v);
			break;
		case DP_MSG_NH:
			if ((nh = dp_nh_next(s->dp, &pos)) == NULL)
				return true;
			dp_srv_fill_nh(e, nh);
			break;
		case DP_MSG_MIRROR:
			if ((mi = dp_mirror_next(s->dp, &pos)) == NULL)
				return true;
			dp_srv_fill_mirror(e, mi);
			break;
		case DP_MSG_POLICY:
		case DP_MSG_VRF:
			/* sparse over the id space: skip empty ids */
			while (pos < lim &&
			    (c->dtype == DP_MSG_VRF
				    ? dp_vrf_flags(s->dp, pos) == 0
				    : !dp_srv_fill_policy(s, e, pos)))
				pos++;
			if (pos >= lim)
				return true;
			if (c->dtype == DP_MSG_VRF) {
				e->msg.u.vrf.vrf = pos;
				e->msg.u.vrf.flags = dp_vrf_flags(s->dp, pos);
			}
			pos++;
			break;
		default:
			return true;
		}
		if (dp_msg_encode_entry(wb, e) != 0)
			return false;
		c->dpos = pos;
	}
}

/* The same for the walked tables; routes go IPv4 then IPv6. */
static bool
dp_srv_dump_walk(struct dp_srv_conn *c, struct wbuf *wb)
{
	struct dp_srv_walk wk = {.c = c, .wb = wb};
	struct dp *dp = c->srv->dp;
	bool done;
	int rc = 0;

	switch (c->dtype) {
	case DP_MSG_ROUTE:
		rc = dp_rt_walk(dp, c->dvrf, c->daf, dp_srv_walk_rt, &wk);
		if (rc == 0 && c->dboth && c->daf == AF_INET) {
			c->daf = AF_INET6;
			c->dpos = 0;
			return dp_srv_dump_walk(c, wb);
		}
		break;
	case DP_MSG_BRIDGE:
		rc = dp_bridge_walk(dp, dp_srv_walk_bridge, &wk);
		break;
	case DP_MSG_MPLS:
		rc = dp_mpls_walk(dp, dp_srv_walk_label, &wk);
		break;
	case DP_MSG_VXLAN:
		rc = dp_vxlan_walk(dp, dp_srv_walk_label, &wk);
		break;
	case DP_MSG_GRE:
		rc = dp_gre_walk(dp, dp_srv_walk_label, &wk);
		break;
	case DP_MSG_FLOW:
		if (dp_srv_dump_flow_resume(c, wb, &done))
			return done;
		rc = dp_flow_walk(dp, dp_srv_walk_flow, &wk);
		break;
	default:
		break;
	}
	return rc == 0;
}

/*
 * One chunk of a DUMP: as many entries as fit in DP_SRV_CHUNK bytes,
 * then the reply once the table is done.  Called again from write_cb
 * when the chunk has gone, so at most one chunk is queued at a time.
 * The cursor is an index or a count of entries sent, so a table that
 * changes between chunks may show an entry twice or miss one (a dump is
 * not a snapshot), but every step moves on and the dump ends.
 */
static void
dp_srv_dump_step(struct dp_srv_conn *c)
{
	struct dp_srv *s = c->srv;
	struct dp_srv_write *w = dp_srv_write_new(DP_SRV_CHUNK);
	struct dp_msg_reply r;
	bool done;

	dp_srv_ent(s, c->dtype, DP_MSG_DUMP, c->dseq);
	switch (c->dtype) {
	case DP_MSG_VIF:
	case DP_MSG_NH:
	case DP_MSG_MIRROR:
	case DP_MSG_POLICY:
	case DP_MSG_VRF:
		done = dp_srv_dump_index(c, &w->wb);
		break;
	default:
		done = dp_srv_dump_walk(c, &w->wb);
		break;
	}
	if (done) {
		memset(&r, 0, sizeof(r));
		r.seq = c->dseq;
		if (dp_msg_reply_encode(&w->wb, &r) != 0)
			done = false; /* next chunk: the table stays done */
	}
	if (!done && w->wb.len == 0) {
		/* an entry that never encodes: end rather than spin */
		memset(&r, 0, sizeof(r));
		r.seq = c->dseq;
		r.status = -EIO;
		snprintf(r.text, sizeof(r.text),
		    "%s dump: entry %u not encodable",
		    dp_msg_type_name(c->dtype), c->dpos);
		(void)dp_msg_reply_encode(&w->wb, &r);
		done = true;
	}
	if (done)
		c->dumping = false;
	if (dp_srv_send(c, w) != 0 || c->closing)
		return;
	if (!c->dumping) {
		/* requests that came during the dump, then read again */
		dp_srv_process(c);
		if (!c->closing && !c->dumping)
			dp_srv_read_start(c);
	}
}

static void
dp_srv_do_dump(struct dp_srv_conn *c, const struct dp_msg *m)
{
	c->dumping = true;
	c->dtype = m->type;
	c->dseq = m->seq;
	c->dpos = 0;
	c->dvrf = m->type == DP_MSG_ROUTE ? m->u.rt.vrf : 0;
	c->dboth = m->type == DP_MSG_ROUTE && m->u.rt.p.addr.af == 0;
	c->daf = c->dboth ? AF_INET : m->u.rt.p.addr.af;
	uv_read_stop((uv_stream_t *)&c->pipe);
	if (c->queued == 0)
		dp_srv_dump_step(c);
}

/*
 * The whole message of len bytes at the head of c->rbuf: decoded (into
 * the server's scratch, which copies what it needs), consumed, then
 * acted on, since a DUMP that ends at once processes what follows.
 */
static void
dp_srv_handle(struct dp_srv_conn *c, size_t len)
{
	struct dp_srv *s = c->srv;
	struct dp_msg *m = &s->msg;
	struct dp_msg_err err;
	int rc;

	rc = dp_msg_decode(c->rbuf, len, m, &err);
	memmove(c->rbuf, c->rbuf + len, c->rlen - len);
	c->rlen -= len;
	if (rc != 0) {
		dp_srv_reply_err(c, m->seq, rc, "refused", &err);
		return;
	}
	switch (m->op) {
	case DP_MSG_ADD:
	case DP_MSG_DEL:
		dp_srv_do_apply(c, m);
		break;
	case DP_MSG_GET:
		dp_srv_do_get(c, m);
		break;
	case DP_MSG_DUMP:
		dp_srv_do_dump(c, m);
		break;
	}
}

/* Handles every whole message buffered, unless a dump is running. */
static void
dp_srv_process(struct dp_srv_conn *c)
{
	struct dp_msg_err err;
	size_t blen, total;
	uint32_t seq = 0;

	while (!c->closing && !c->dumping && c->rlen >= DP_MSG_HLEN) {
		if (dp_msg_decode_frame(c->rbuf, c->rlen, &blen, &seq, &err) !=
		    0) {
			/* no way to find the next message: say why, close */
			dp_srv_reply_err(c, seq, -EPROTO, "framing", &err);
			dp_srv_conn_close_after(c);
			return;
		}
		total = DP_MSG_HLEN + blen;
		if (c->rlen < total)
			return;
		dp_srv_handle(c, total);
	}
}

static void
dp_srv_alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	struct dp_srv_conn *c = h->data;

	(void)hint;
	/* never full: a whole message is handled as soon as it is in */
	*b = uv_buf_init(
	    (char *)c->rbuf + c->rlen, (unsigned)(sizeof(c->rbuf) - c->rlen));
}

static void
dp_srv_read_cb(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
	struct dp_srv_conn *c = st->data;

	(void)b;
	if (n < 0) {
		dp_srv_conn_close(c); /* EOF or error, maybe mid-message */
		return;
	}
	c->rlen += (size_t)n;
	dp_srv_process(c);
}

static void
dp_srv_read_start(struct dp_srv_conn *c)
{
	if (uv_read_start(
		(uv_stream_t *)&c->pipe, dp_srv_alloc_cb, dp_srv_read_cb) != 0)
		dp_srv_conn_close(c);
}

static void
dp_srv_connection_cb(uv_stream_t *ls, int status)
{
	struct dp_srv *s = ls->data;
	struct dp_srv_conn *c;
	struct dp_msg_reply r;

	if (status < 0) {
		log_warnx("dp_srv: accept: %s", uv_strerror(status));
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->srv = s;
	uv_pipe_init(s->loop, &c->pipe, 0);
	uv_timer_init(s->loop, &c->stall);
	c->pipe.data = c;
	c->stall.data = c;
	c->nopen = 2;
	c->next = s->conns;
	if (c->next != NULL)
		c->next->pprev = &c->next;
	c->pprev = &s->conns;
	s->conns = c;
	if (uv_accept(ls, (uv_stream_t *)&c->pipe) != 0) {
		dp_srv_conn_close(c);
		return;
	}
	if (s->nconns >= DP_SRV_CONN_MAX) {
		memset(&r, 0, sizeof(r));
		r.status = -EUSERS;
		snprintf(r.text, sizeof(r.text), "more than %d clients",
		    DP_SRV_CONN_MAX);
		dp_srv_reply(c, &r);
		dp_srv_conn_close_after(c);
		return;
	}
	c->counted = true;
	s->nconns++;
	if (uv_read_start(
		(uv_stream_t *)&c->pipe, dp_srv_alloc_cb, dp_srv_read_cb) != 0)
		dp_srv_conn_close(c);
}

struct dp_srv *
dp_srv_new(uv_loop_t *loop, struct dp *dp, const char *path,
    const struct dp_srv_ops *ops, void *arg, int *err)
{
	struct dp_srv *s = xcalloc(1, sizeof(*s));
	int rc;

	s->loop = loop;
	s->dp = dp;
	if (ops != NULL)
		s->ops = *ops;
	s->arg = arg;
	s->path = xstrdup(path);
	s->stall_ms = DP_SRV_STALL_MS;
	/* a client gone before its reply must cost EPIPE, not the process */
	signal(SIGPIPE, SIG_IGN);
	uv_pipe_init(loop, &s->listener, 0);
	s->listener.data = s;
	s->listening = true;
	if (strlen(path) >= sizeof(((struct sockaddr_un *)NULL)->sun_path)) {
		/* libuv 1.44 would bind a truncated name */
		*err = UV_ENAMETOOLONG;
		dp_srv_close(s);
		return NULL;
	}
	(void)unlink(path); /* an old socket file */
	if ((rc = uv_pipe_bind(&s->listener, path)) != 0 ||
	    (rc = uv_listen((uv_stream_t *)&s->listener, DP_SRV_BACKLOG,
		 dp_srv_connection_cb)) != 0) {
		*err = rc;
		dp_srv_close(s);
		return NULL;
	}
	return s;
}

static void
dp_srv_listener_closed_cb(uv_handle_t *h)
{
	struct dp_srv *s = h->data;

	s->listening = false;
	dp_srv_maybe_free(s);
}

void
dp_srv_close(struct dp_srv *s)
{
	struct dp_srv_conn *c;

	if (s->closing)
		return;
	s->closing = true;
	for (c = s->conns; c != NULL; c = c->next)
		dp_srv_conn_close(c);
	(void)unlink(s->path);
	uv_close((uv_handle_t *)&s->listener, dp_srv_listener_closed_cb);
}

void
dp_srv_set_stall(struct dp_srv *s, uint64_t ms)
{
	s->stall_ms = ms;
}

unsigned
dp_srv_clients(const struct dp_srv *s)
{
	return s->nconns;
}
