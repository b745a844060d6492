/*
 * mock_agent.h - a vRouter agent emulator for tests and the scale tool
 * (after Contrail's network_agent_mock): an XMPP client on the real
 * libxmpp that subscribes instances, publishes inet and enet routes as
 * publish + collection pairs, sends End-of-RIB, subscribes its config,
 * and keeps what the control node sends it: routes per items node (the
 * latest item of each id), retracts applied, End-of-RIB, config objects.
 * It checks the shape of every message it gets (at most 32 items or 256
 * retracts, never both) and counts violations.
 */
#ifndef SDN_MOCK_AGENT_H
#define SDN_MOCK_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "schema/schema.h"
#include "xmpp/xmpp.h"

struct mock_agent;

/* A route as received: the next-hops of its item. */
#define MOCK_MAX_NH 8
struct mock_route {
	char node[320]; /* "1/1/<vrf>", "25/242/<vrf>" */
	char id[160];   /* item id */
	size_t nnh;
	struct {
		struct ipaddr addr;
		uint32_t label;
		uint8_t encaps;
	} nh[MOCK_MAX_NH];
	char vn[XMPP_VN_MAX]; /* entry virtual-network */
	uint32_t local_pref, med;
};

struct mock_agent_opts {
	const char *name;               /* stream 'from' */
	struct sockaddr_storage server; /* control node */
	const char *local_ip;           /* bind, e.g. "127.0.0.2" */
	struct xmpp_tls *tls;           /* or NULL */
	unsigned hold_time;             /* 0: default */
	bool keep_routes; /* store items (else only count distinct ids) */
};
struct mock_agent *mock_agent_new(
    uv_loop_t *loop, const struct mock_agent_opts *opts);
int mock_agent_start(struct mock_agent *ma);
/* Closes its session; cb(arg) once every handle is closed. */
void mock_agent_stop(struct mock_agent *ma, void (*cb)(void *), void *arg);
void mock_agent_free(struct mock_agent *ma);

bool mock_agent_established(const struct mock_agent *ma);
/* Sessions it had closed on it, and the last reason. */
unsigned mock_agent_closes(const struct mock_agent *ma);
const char *mock_agent_close_reason(const struct mock_agent *ma);

/* Sends; 0 or a negative errno (-ENOTCONN, -ENOBUFS). */
int mock_agent_subscribe(struct mock_agent *ma, const char *instance,
    uint32_t instance_id, bool options_beside);
int mock_agent_unsubscribe(struct mock_agent *ma, const char *instance);
int mock_agent_publish_inet(struct mock_agent *ma, const char *vrf,
    const char *prefix, const char *nh, uint32_t label, bool add);
/* The bytes mock_agent_publish_inet sends, appended to out instead (for
 * a sender that renders ahead of time); 0 or -EINVAL. */
int mock_agent_render_inet(struct mock_agent *ma, struct wbuf *out,
    const char *vrf, const char *prefix, const char *nh, uint32_t label,
    bool add);
int mock_agent_publish_enet(struct mock_agent *ma, const char *vrf,
    const char *mac, const char *ip_plen, const char *nh, uint32_t label,
    bool vxlan, bool add);
int mock_agent_eor(struct mock_agent *ma);
int mock_agent_config_subscribe(struct mock_agent *ma, const char *vrouter);
int mock_agent_send_raw(struct mock_agent *ma, const char *bytes, size_t len);

/* What it got (routes by node and id only with keep_routes). */
size_t mock_agent_route_count(const struct mock_agent *ma, const char *node);
size_t mock_agent_total_routes(const struct mock_agent *ma);
const struct mock_route *mock_agent_route(
    const struct mock_agent *ma, const char *node, const char *id);
bool mock_agent_eor_received(const struct mock_agent *ma);
uint64_t mock_agent_items(const struct mock_agent *ma); /* all received */
uint64_t mock_agent_retracts(const struct mock_agent *ma);
uint64_t mock_agent_bad_messages(const struct mock_agent *ma);
/* Config channel: objects it holds ("<type>/<name>") and end-of-config. */
size_t mock_agent_config_count(const struct mock_agent *ma);
bool mock_agent_config_has(const struct mock_agent *ma, const char *key);
/* The XML text of the last update of an object, or NULL. */
const char *mock_agent_config_text(
    const struct mock_agent *ma, const char *key);
bool mock_agent_end_of_config(const struct mock_agent *ma);
/* uv_now when it last got a route item (convergence timing). */
uint64_t mock_agent_last_item_ms(const struct mock_agent *ma);

#endif /* SDN_MOCK_AGENT_H */
