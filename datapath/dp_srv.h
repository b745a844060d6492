/*
 * dp_srv.h - the programming socket of mirador-vrouter: a libuv unix
 * stream server speaking the dp_msg protocol (datapath/README.md) to the
 * agent and to miradorctl.  Each request gets exactly one reply (after
 * the entries of a GET or DUMP); a bad message gets an error reply and
 * changes nothing; a connection that breaks the framing is closed, and
 * the datapath goes on forwarding whatever its clients do.
 */
#ifndef SDN_DP_SRV_H
#define SDN_DP_SRV_H

#include <uv.h>

#include "datapath/dp.h"

#define DP_SRV_CONN_MAX 16 /* clients at once; more are closed at once */
#define DP_SRV_WQ_MAX   (1u << 20) /* bytes queued to one client, at most */
#define DP_SRV_CHUNK    (2 * (DP_MSG_HLEN + DP_MSG_MAX)) /* one dump write */
#define DP_SRV_STALL_MS 10000 /* a client not reading this long is closed */
#define DP_SRV_BACKLOG  16    /* listen(2) backlog */

/* What the I/O layer does when vifs come and go (may be NULL). */
struct dp_srv_ops {
	/* After a vif was added: open its port (a VM vif's tap by name).
	 * A negative errno undoes the add and is the reply's status. */
	int (*vif_added)(void *arg, const struct dp_vif *v);
	/* Before a vif is deleted from the tables: close its port. */
	void (*vif_deleting)(void *arg, const struct dp_vif *v);
};

struct dp_srv;
/*
 * Listens on the unix socket path (an old socket file is replaced) in
 * loop, applying requests to dp.  NULL and *err = -errno on failure
 * (UV_ENAMETOOLONG for a path that does not fit a sockaddr_un); what was
 * allocated is freed when the loop next runs.  Ignores SIGPIPE.
 */
struct dp_srv *dp_srv_new(uv_loop_t *loop, struct dp *dp, const char *path,
    const struct dp_srv_ops *ops, void *arg, int *err);
/* Closes the listener and every client, removes the socket file; the
 * memory is freed once libuv has closed the handles (run the loop). */
void dp_srv_close(struct dp_srv *s);
/* Sets how long a client may leave its queue undrained (tests). */
void dp_srv_set_stall(struct dp_srv *s, uint64_t ms);
/* Clients connected now (those refused over DP_SRV_CONN_MAX not counted). */
unsigned dp_srv_clients(const struct dp_srv *s);

/*
 * dp_client.c: a small blocking client of the socket, for miradorctl and
 * tests.  One request at a time: the entries of a GET or DUMP go to a
 * callback as they arrive, then the reply ends it.  Every wait is
 * bounded by the timeout and every message by DP_MSG_MAX.
 */
struct dp_client;
/* Called per entry (borrowed, valid during the call); nonzero stops
 * reading (the connection is then unusable). */
typedef int (*dp_client_entry_cb)(const struct dp_msg_entry *e, void *arg);
/* Connects to path.  NULL and *err = -errno on failure. */
struct dp_client *dp_client_new(const char *path, int timeout_ms, int *err);
void dp_client_free(struct dp_client *c);
/*
 * Sends m (its seq replaced by the client's next) and reads the entries
 * (to cb, may be NULL) and the reply into *r.  0 when a reply came (its
 * status may be an error), -ETIMEDOUT, -EPROTO (a bad or unexpected
 * message), -ECONNRESET (closed), -ECANCELED (cb stopped) or -errno.
 */
int dp_client_request(struct dp_client *c, const struct dp_msg *m,
    dp_client_entry_cb cb, void *arg, struct dp_msg_reply *r);

#endif /* SDN_DP_SRV_H */
