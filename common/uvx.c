/*
 * DOC: uvx.c - libuv ownership helpers (knot-resolver session2, libuv
 * test/echo-server.c write_req_t).
 *
 * An object that embeds libuv handles embeds a struct uvx_owner too and
 * registers each handle with it.  Closing the owner closes every handle
 * and counts the close callbacks; the owner's free_cb runs after the last
 * one, so it is never freed while libuv still holds a handle of it.
 * uvx_write queues a request that carries its own copy of the payload and
 * frees itself in its callback.  Loop thread only.
 */
#include "common/common.h"

#include <stdlib.h>
#include <string.h>

/* A queued write and the copy of its payload, freed in uvx_write_done. */
struct uvx_wreq {
	uv_write_t req;  /* req.data unused */
	uvx_write_cb cb; /* may be NULL */
	void *arg;       /* for cb */
	uint8_t data[];  /* payload copy */
};

void
uvx_owner_init(struct uvx_owner *o)
{
	memset(o, 0, sizeof(*o));
}

void
uvx_own(struct uvx_owner *o, uv_handle_t *h)
{
	if (o->closing)
		fatalx("uvx_own: owner %p is closing", (void *)o);
	if (o->nhandles >= UVX_MAX_HANDLES)
		fatalx("uvx_own: owner %p has %d handles already", (void *)o,
		    UVX_MAX_HANDLES);
	o->handles[o->nhandles++] = h;
	o->nopen++;
	h->data = o;
}

/* One handle closed; after the last the owner may go. */
static void
uvx_close_done(uv_handle_t *h)
{
	struct uvx_owner *o = uvx_owner_of(h);

	if (o->nopen == 0)
		fatalx("uvx: close count underflow on owner %p", (void *)o);
	if (--o->nopen == 0 && o->free_cb != NULL)
		o->free_cb(o);
}

/*
 * The handles must not have been closed behind the owner's back: their
 * close_cb would not be ours and the count would never reach zero.
 */
void
uvx_owner_close(struct uvx_owner *o, uvx_free_cb free_cb)
{
	unsigned i;

	if (o->closing)
		return;
	o->closing = true;
	o->free_cb = free_cb;
	if (o->nopen == 0) {
		if (free_cb != NULL)
			free_cb(o);
		return;
	}
	for (i = 0; i < o->nhandles; i++) {
		if (uv_is_closing(o->handles[i]))
			fatalx("uvx_owner_close: handle %p closed elsewhere",
			    (void *)o->handles[i]);
		uv_close(o->handles[i], uvx_close_done);
	}
}

static void
uvx_write_done(uv_write_t *req, int status)
{
	struct uvx_wreq *w = container_of(req, struct uvx_wreq, req);

	if (w->cb != NULL)
		w->cb(req->handle, status, w->arg);
	free(w);
}

int
uvx_write(uv_stream_t *stream, const void *data, size_t len, uvx_write_cb cb,
    void *arg)
{
	struct uvx_wreq *w;
	uv_buf_t buf;
	int rc;

	if (len > SIZE_MAX - sizeof(*w))
		return UV_ENOBUFS;
	w = xmalloc(sizeof(*w) + len);
	w->cb = cb;
	w->arg = arg;
	if (len > 0)
		memcpy(w->data, data, len);
	/* Not uv_buf_init: its length is an unsigned int. */
	buf.base = (char *)w->data;
	buf.len = len;
	if ((rc = uv_write(&w->req, stream, &buf, 1, uvx_write_done)) != 0) {
		free(w);
		return rc;
	}
	return 0;
}

static void
uvx_close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

int
uvx_loop_close_all(uv_loop_t *loop)
{
	uv_walk(loop, uvx_close_walk, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	return uv_loop_close(loop);
}
