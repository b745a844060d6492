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
 * loop, applying requests to dp.  NULL and *err = -errno on failure.
 */
struct dp_srv *dp_srv_new(uv_loop_t *loop, struct dp *dp, const char *path,
    const struct dp_srv_ops *ops, void *arg, int *err);
/* Closes the listener and every client, removes the socket file; the
 * memory is freed once libuv has closed the handles (run the loop). */
void dp_srv_close(struct dp_srv *s);

#endif /* SDN_DP_SRV_H */
