/*
 * xmpp_int.h - libxmpp's private header: the connection object shared by
 * xmpp_conn.c, xmpp_server.c and xmpp_client.c, and the per-connection
 * TLS engine of xmpp_tls.c.  Nothing outside xmpp/ includes it.
 */
#ifndef SDN_XMPP_INT_H
#define SDN_XMPP_INT_H

#include "xmpp/xmpp.h"

/*
 * xmpp_tls.c: one connection's TLS engine.  OpenSSL talks to two memory
 * BIOs; the connection moves the bytes: ciphertext read from the socket
 * goes in with xmpp__tls_input, plaintext comes out of xmpp__tls_read;
 * plaintext to send goes in with xmpp__tls_write and the ciphertext to
 * put on the socket comes out of xmpp__tls_take.  Errors fill err with
 * OpenSSL's own text (and the certificate check's, when that failed).
 */
struct xmpp_tls_conn;
struct xmpp_tls_conn *xmpp__tls_conn_new(struct xmpp_tls *tls);
void xmpp__tls_conn_free(struct xmpp_tls_conn *t);
/* Takes len bytes of ciphertext from the socket. */
void xmpp__tls_input(struct xmpp_tls_conn *t, const void *data, size_t len);
/* Runs the handshake: 1 done, 0 more bytes needed, -1 failed (err). */
int xmpp__tls_handshake(struct xmpp_tls_conn *t, char *err, size_t errlen);
/* Plaintext into buf: the byte count, 0 when none is ready yet, -1 on
 * an error or the peer's close_notify (err). */
ssize_t xmpp__tls_read(
    struct xmpp_tls_conn *t, void *buf, size_t len, char *err, size_t errlen);
/* Encrypts len bytes (all of them); 0 or -1 (err). */
int xmpp__tls_write(struct xmpp_tls_conn *t, const void *data, size_t len,
    char *err, size_t errlen);
/* Queues our close_notify (best effort). */
void xmpp__tls_shutdown(struct xmpp_tls_conn *t);
/* Ciphertext waiting to go out, and up to len of it into buf. */
size_t xmpp__tls_pending(const struct xmpp_tls_conn *t);
size_t xmpp__tls_take(struct xmpp_tls_conn *t, void *buf, size_t len);
/* The peer certificate's subject, "" without one. */
const char *xmpp__tls_peer(const struct xmpp_tls_conn *t);

/*
 * xmpp_conn.c: the connection.  A queued write chunk carries its own
 * uv_write_t (libuv echo-server write_req_t); the head chunk is the one
 * in flight while writing is set, the tail takes appends until it is
 * submitted.
 */
struct xmpp_wchunk {
	uv_write_t req;           /* req.data: the connection */
	struct xmpp_wchunk *next; /* queue order */
	size_t len;               /* bytes in data */
	size_t cap;               /* bytes allocated for data */
	uint8_t data[];
};

struct xmpp_conn;
/* The server's and client's hooks: up before ops->established, gone
 * after ops->closed (just before c is freed). */
typedef void (*xmpp_conn_hook_cb)(struct xmpp_conn *c, void *arg);

struct xmpp_conn {
	struct xmpp_fsm fsm;  /* protocol state, stats */
	struct uvx_owner own; /* tcp and timers */
	uv_tcp_t tcp;         /* the socket */
	uv_timer_t timers[XMPP_TIMER_MAX];
	uv_connect_t connect_req;        /* client */
	uv_loop_t *loop;                 /* borrowed */
	const struct xmpp_conn_ops *ops; /* the user's (borrowed) */
	void *arg;                       /* for ops */
	struct xmpp_conn_opts opts;   /* defaults applied; strings borrowed */
	struct xmpp_parser *parser;   /* framing of the current stream */
	uint8_t *rbuf;                /* for a read inside a read, else NULL */
	uint8_t *pbuf;                /* TLS plaintext, XMPP_PBUF_LEN */
	struct xmpp_tls_conn *tls;    /* after STARTTLS */
	bool tls_reset;               /* reset the parser after this feed */
	struct xmpp_wchunk *wq_head;  /* oldest chunk (in flight if writing) */
	struct xmpp_wchunk *wq_tail;  /* newest chunk, takes appends */
	bool writing;                 /* wq_head is in uv_write */
	bool want_writable;           /* a send got -ENOBUFS */
	bool lingering;               /* closed: waits for the queue to go */
	bool abort;                   /* close without waiting for the queue */
	bool closing;                 /* handles closing; freed after */
	char reason[XMPP_REASON_MAX]; /* why it closed */
	struct sockaddr_storage remote, local;
	void *data;           /* xmpp_conn_set_data */
	xmpp_conn_hook_cb up; /* the server's or client's */
	xmpp_conn_hook_cb gone;
	void *hook_arg;
	struct xmpp_conn *prev, *next; /* server's list */
};

/*
 * A new connection on loop, its tcp initialised but not connected; opts
 * are copied with defaults applied (strings stay borrowed: the server or
 * client owns them).
 */
struct xmpp_conn *xmpp__conn_new(uv_loop_t *loop,
    const struct xmpp_conn_opts *opts, const struct xmpp_conn_ops *ops,
    void *arg, bool server);
/* Reads the socket's addresses into remote, local and the log label. */
void xmpp__conn_addrs(struct xmpp_conn *c);
/* Server: the tcp was accepted; starts reading and the FSM. */
void xmpp__conn_accepted(struct xmpp_conn *c);
/* Client: connects to addr (from local when its family is set). */
void xmpp__conn_connect(struct xmpp_conn *c,
    const struct sockaddr_storage *addr, const struct sockaddr_storage *local);
/* Options whose strings the copy owns (the server's, the client's). */
struct xmpp_opts_copy {
	struct xmpp_conn_opts o; /* its strings point below */
	char *name, *to, *xmlns;
};
void xmpp__opts_copy(struct xmpp_opts_copy *d, const struct xmpp_conn_opts *s);
void xmpp__opts_free(struct xmpp_opts_copy *d);
/* Closes c at once, queue or not (the server's and client's stop). */
void xmpp__conn_abort(struct xmpp_conn *c, const char *reason);

#endif /* SDN_XMPP_INT_H */
