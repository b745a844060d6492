/*
 * schema_keyword.c - the words of the schema's enumerations and their
 * values, shared by the parser (word -> value) and the printer
 * (value -> word) so that the two can never disagree.
 */
#include "schema/schema_int.h"

#include <errno.h>
#include <string.h>

const struct schema_keyword schema__router_types[] = {
    {"control-node", SCHEMA_ROUTER_CONTROL_NODE},
    {"external-control-node", SCHEMA_ROUTER_EXTERNAL_CONTROL_NODE},
    {"router", SCHEMA_ROUTER_ROUTER},
    {NULL, 0},
};

const struct schema_keyword schema__families[] = {
    {"inet", SCHEMA_AF_INET},
    {"inet-vpn", SCHEMA_AF_INET_VPN},
    {"inet6-vpn", SCHEMA_AF_INET6_VPN},
    {"e-vpn", SCHEMA_AF_EVPN},
    {"route-target", SCHEMA_AF_RTARGET},
    {NULL, 0},
};

const struct schema_keyword schema__protocols[] = {
    {"any", SCHEMA_PROTO_ANY},
    {"icmp", 1},
    {"tcp", 6},
    {"udp", 17},
    {"icmp6", 58},
    {"sctp", 132},
    {NULL, 0},
};

const struct schema_keyword schema__traffic_dirs[] = {
    {"ingress", SCHEMA_DIR_INGRESS},
    {"egress", SCHEMA_DIR_EGRESS},
    {"both", SCHEMA_DIR_BOTH},
    {NULL, 0},
};

const struct schema_keyword schema__nh_modes[] = {
    {"dynamic", SCHEMA_NH_DYNAMIC},
    {"static", SCHEMA_NH_STATIC},
    {NULL, 0},
};

const struct schema_keyword schema__tap_types[] = {
    {"guest", SCHEMA_TAP_GUEST},
    {"host", SCHEMA_TAP_HOST},
    {NULL, 0},
};

const struct schema_keyword schema__flow_types[] = {
    {"vnic", SCHEMA_FLOW_VNIC},
    {"vswitch", SCHEMA_FLOW_VSWITCH},
    {NULL, 0},
};

const struct schema_keyword schema__flow_dirs[] = {
    {"IN", SCHEMA_FLOW_IN},
    {"OUT", SCHEMA_FLOW_OUT},
    {"BOTH", SCHEMA_FLOW_BOTH},
    {NULL, 0},
};

/* Policy rule direction: "<>" both ways, ">" one way. */
const struct schema_keyword schema__rule_dirs[] = {
    {"<>", 1},
    {">", 0},
    {NULL, 0},
};

const struct schema_keyword schema__simple_actions[] = {
    {"pass", 1},
    {"deny", 0},
    {NULL, 0},
};

const struct schema_keyword schema__ethertypes[] = {
    {"IPv4", 0},
    {"IPv6", 1},
    {NULL, 0},
};

const char *
schema__keyword_name(const struct schema_keyword *kw, int value)
{
	for (; kw->name != NULL; kw++)
		if (kw->value == value)
			return kw->name;
	return NULL;
}

int
schema__keyword_value(
    const struct schema_keyword *kw, const char *name, int *value)
{
	for (; kw->name != NULL; kw++) {
		if (strcmp(kw->name, name) == 0) {
			*value = kw->value;
			return 0;
		}
	}
	return -EINVAL;
}
