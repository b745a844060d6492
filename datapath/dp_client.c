/*
 * dp_client.c - a blocking client of the programming socket (dp_srv.c),
 * for miradorctl and the tests: one request, then its entries and its
 * reply read back through the same framing as the server, every wait
 * bounded by poll(2) and the timeout, every message by DP_MSG_MAX.
 */
#include "datapath/dp_srv.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct dp_client {
	int fd;                                /* the socket */
	int timeout_ms;                        /* per wait */
	uint32_t seq;                          /* last sequence sent */
	size_t len;                            /* bytes in buf */
	uint8_t buf[DP_MSG_HLEN + DP_MSG_MAX]; /* one message at most */
	uint8_t out[DP_MSG_HLEN + DP_MSG_MAX]; /* the request */
	struct dp_msg_entry ent;               /* decode scratch */
};

static int
dp_client_wait(const struct dp_client *c, short events)
{
	struct pollfd pfd = {.fd = c->fd, .events = events};
	int rc;

	do
		rc = poll(&pfd, 1, c->timeout_ms);
	while (rc == -1 && errno == EINTR);
	if (rc == 0)
		return -ETIMEDOUT;
	return rc < 0 ? -errno : 0;
}

struct dp_client *
dp_client_new(const char *path, int timeout_ms, int *err)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct dp_client *c;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		*err = -errno;
		return NULL;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		*err = -errno;
		close(fd);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->timeout_ms = timeout_ms;
	return c;
}

void
dp_client_free(struct dp_client *c)
{
	if (c == NULL)
		return;
	close(c->fd);
	free(c);
}

static int
dp_client_send(struct dp_client *c, const uint8_t *p, size_t len)
{
	ssize_t n;
	int rc;

	while (len > 0) {
		if ((rc = dp_client_wait(c, POLLOUT)) != 0)
			return rc;
		n = send(c->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1)
			return errno == EPIPE ? -ECONNRESET : -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads until buf holds one whole message; its length in *mlen. */
static int
dp_client_read_msg(struct dp_client *c, size_t *mlen)
{
	struct dp_msg_err err;
	size_t blen;
	uint32_t seq;
	ssize_t n;
	int rc;

	for (;;) {
		if (c->len >= DP_MSG_HLEN) {
			if (dp_msg_decode_frame(
				c->buf, c->len, &blen, &seq, &err) != 0)
				return -EPROTO;
			if (c->len >= DP_MSG_HLEN + blen) {
				*mlen = DP_MSG_HLEN + blen;
				return 0;
			}
		}
		if ((rc = dp_client_wait(c, POLLIN)) != 0)
			return rc;
		n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len,
		    MSG_DONTWAIT);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		c->len += (size_t)n;
	}
}

int
dp_client_request(struct dp_client *c, const struct dp_msg *m,
    dp_client_entry_cb cb, void *arg, struct dp_msg_reply *r)
{
	static const size_t hdr_type = 3, hdr_flags = 5, hdr_seq = 8;
	uint32_t seq = ++c->seq;
	struct dp_msg_err err;
	struct wbuf w;
	size_t mlen = 0; /* set by dp_client_read_msg; gcc -O2 cannot tell */
	bool reply;
	int rc;

	wbuf_init(&w, c->out, sizeof(c->out));
	if ((rc = dp_msg_encode(&w, m)) != 0)
		return rc;
	(void)wbuf_set_u32(&w, hdr_seq, seq);
	if ((rc = dp_client_send(c, c->out, w.len)) != 0)
		return rc;
	for (;;) {
		if ((rc = dp_client_read_msg(c, &mlen)) != 0)
			return rc;
		reply = c->buf[hdr_type] == DP_MSG_REPLY;
		if (reply) {
			rc = dp_msg_reply_decode(c->buf, mlen, r, &err);
			if (rc == 0 && r->seq != seq)
				rc = -EPROTO;
		} else if (c->buf[hdr_flags] == DP_MSG_F_ENTRY) {
			rc = dp_msg_decode_entry(c->buf, mlen, &c->ent, &err);
			if (rc == 0 && c->ent.msg.seq != seq)
				rc = -EPROTO;
			if (rc == 0 && cb != NULL && cb(&c->ent, arg) != 0)
				rc = -ECANCELED;
		} else
			rc = -EPROTO;
		memmove(c->buf, c->buf + mlen, c->len - mlen);
		c->len -= mlen;
		if (rc == -ECANCELED)
			return rc;
		if (rc != 0)
			return -EPROTO;
		if (reply)
			return 0;
	}
}
