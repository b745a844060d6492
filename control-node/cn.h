/*
 * cn.h - the public header of libcn: the control node.  For now the
 * config store (running generation, load and reload) and the node that
 * owns the event loop's handles and signals; the routing core, BGP and
 * XMPP channels and introspect attach here in later steps.
 */
#ifndef SDN_CN_H
#define SDN_CN_H

#include <stdbool.h>
#include <sys/socket.h>

#include <uv.h>

#include "common/common.h"
#include "schema/schema.h"

/* Default listen addresses (DESIGN.md section 1). */
#define CN_DEFAULT_XMPP "0.0.0.0:5269"
#define CN_DEFAULT_BGP  "0.0.0.0:179"
#define CN_DEFAULT_HTTP "127.0.0.1:8083"

struct cn_options {
	const char *config_path;           /* NULL: the embedded default */
	struct sockaddr_storage xmpp_addr; /* agents (XMPP) */
	struct sockaddr_storage bgp_addr;  /* BGP peers */
	struct sockaddr_storage http_addr; /* REST introspect */
};

/* cn_config.c */
struct cn_config;
/* The embedded default configuration (NUL-terminated XML). */
const char *cn_default_config_text(void);
/* A store for path (NULL: the embedded default); nothing loaded yet. */
struct cn_config *cn_config_new(const char *path);
void cn_config_free(struct cn_config *store);
/*
 * Loads the source into a new generation.  On success it becomes the
 * running one and the change is logged; on failure errs says why, every
 * error is logged, and the running generation stays.  0 or -EINVAL.
 */
int cn_config_load(struct cn_config *store, struct schema_errs *errs);
/* The running generation (borrowed), NULL before the first load. */
const struct schema_config *cn_config_running(const struct cn_config *store);
/* The file name, or "(embedded default)". */
const char *cn_config_source(const struct cn_config *store);
/* "N objects (N virtual-network, ...)" into buf. */
const char *cn_config_summary(
    const struct schema_config *cfg, char *buf, size_t len);

/* cn_node.c */
struct cn_node;
typedef void (*cn_node_stopped_cb)(struct cn_node *node);
/* A node on loop with opts (copied); nothing runs until start. */
struct cn_node *cn_node_new(uv_loop_t *loop, const struct cn_options *opts);
/*
 * Loads the configuration and installs SIGTERM/SIGINT (stop) and SIGHUP
 * (reload config, reopen log) handlers.  0, or -EINVAL when the
 * configuration does not load (errors logged).
 */
int cn_node_start(struct cn_node *node);
/* Reloads the configuration as SIGHUP does; 0 or -EINVAL (old kept). */
int cn_node_reload(struct cn_node *node);
/* Closes every handle; cb runs after the last close. */
void cn_node_stop(struct cn_node *node, cn_node_stopped_cb cb);
/* Frees a stopped (or never started) node. */
void cn_node_free(struct cn_node *node);
const struct cn_config *cn_node_config(const struct cn_node *node);

#endif /* SDN_CN_H */
