/*
 * check_ag_mirror_cfg.c - the mirror resolution on a model built by the
 * real config codec (ag_cfg_apply_text, from an IQ as cn_xmpp_cfg.c
 * writes it), so the resolution names, defaults and references the
 * resolution relies on are those the model really has.  The cases
 * themselves are in check_ag_mirror.c, on hand-built objects.
 */
#include "tests/agent/suites.h"

#include <string.h>

#include "agent-stub/ag_cfg.h"
#include "agent-stub/ag_mirror.h"

static const char iq[] =
    "<iq type=\"set\" from=\"network-control@contrailsystems.com\" "
    "to=\"compute-1/config\" id=\"config1\">\n<config>\n<update>\n"
    "<mirror-resolution name=\"interface-mirror:vm1\" "
    "kind=\"interface-mirror\" object=\"vm1\" resolved=\"true\" "
    "via=\"md1\" analyzer=\"an1\" ip=\"10.9.0.5\" "
    "mac=\"02:00:00:00:09:05\" routing-instance=\"d:p:mirror:mirror\" "
    "virtual-network=\"d:p:mirror\" vrouter=\"compute-2\" "
    "juniper-header=\"false\" udp-port=\"8099\" nh-mode=\"dynamic\" "
    "enabled=\"false\"/>\n"
    "<mirror-resolution name=\"policy-rule:d:p:pol#1\" "
    "kind=\"policy-rule\" object=\"d:p:pol#1\" resolved=\"true\" "
    "analyzer=\"an2\" ip=\"10.9.0.6\" juniper-header=\"true\" "
    "udp-port=\"9000\" nh-mode=\"dynamic\" enabled=\"false\"/>\n"
    "<network-policy name=\"d:p:pol\"><rules><rule>"
    "<direction>&gt;</direction><protocol>tcp</protocol>"
    "<dst-addresses><address><subnet>10.2.0.0/16</subnet></address>"
    "</dst-addresses><dst-ports>80</dst-ports>"
    "<action-list><simple-action>deny</simple-action>"
    "<mirror-to><analyzer-ip-address>10.9.0.6</analyzer-ip-address>"
    "</mirror-to></action-list></rule></rules></network-policy>\n"
    "<routing-instance name=\"d:p:red:red\" virtual-network=\"d:p:red\" "
    "index=\"3\" vn-index=\"5\" vxlan-id=\"5005\" "
    "mirror-destination=\"false\"/>\n"
    "<virtual-network name=\"d:p:red\"><network-id>5</network-id>"
    "<subnets><subnet prefix=\"10.1.0.0/24\"/></subnets>"
    "</virtual-network>\n"
    "<virtual-machine-interface name=\"vm1\">"
    "<virtual-network>d:p:red</virtual-network>"
    "<virtual-router>compute-1</virtual-router>"
    "<mac-address>02:00:00:00:00:01</mac-address>"
    "<network-policies><network-policy>d:p:pol</network-policy>"
    "</network-policies>"
    "<interface-mirror><traffic-direction>ingress</traffic-direction>"
    "<mirror-to><mirror-destination>md1</mirror-destination></mirror-to>"
    "</interface-mirror></virtual-machine-interface>\n"
    "</update>\n</config>\n</iq>\n";

static bool
inet(void *arg, const char *ri, const struct ipaddr *ip, struct ag_mpath *o)
{
	(void)arg;
	(void)ip;
	memset(o, 0, sizeof(*o));
	o->local = true;
	o->vif = 4;
	return strcmp(ri, "d:p:red:red") == 0;
}

static bool
enet(void *arg, const char *ri, const struct macaddr *mac, struct ag_mpath *o)
{
	(void)arg;
	(void)mac;
	memset(o, 0, sizeof(*o));
	o->nexthop.af = AF_INET;
	o->nexthop.u.v4.s_addr = htonl(0x0a000002);
	o->vni = 6006;
	o->encaps = AG_ENCAP_VXLAN;
	return strcmp(ri, "d:p:mirror:mirror") == 0;
}

static bool
vrf(void *arg, const char *ri, uint32_t *out)
{
	(void)arg;
	*out = 3;
	return strcmp(ri, "d:p:red:red") == 0;
}

START_TEST(mirror_from_parsed_config)
{
	struct ag_mirror_view view = {.inet = inet, .enet = enet, .vrf = vrf};
	struct ag_cfg *cfg = ag_cfg_new(NULL, NULL);
	const struct ag_mpolicy *p;
	const struct ag_mentry *e;
	struct ag_mirror_state st;

	ck_assert_int_eq(ag_cfg_apply_text(cfg, iq, strlen(iq)), 0);
	ag_mirror_state_init(&st);
	ag_mirror_compute(cfg, "compute-1", &view, NULL, &st);
	e = ag_mirror_find(&st, "interface-mirror:vm1");
	ck_assert_ptr_nonnull(e);
	ck_assert_msg(e->resolved, "%s", e->reason);
	ck_assert_int_eq(e->mode, AG_MMODE_NO_HEADER);
	ck_assert_int_eq(e->nh.tun, AG_MTUN_VXLAN);
	ck_assert_uint_eq(e->nh.label, 6006);
	ck_assert_str_eq(e->analyzer, "an1");
	ck_assert_str_eq(e->src_vn, "d:p:red");
	ck_assert_uint_eq(st.nris, 1);
	ck_assert_str_eq(st.ris[0], "d:p:mirror:mirror");
	ck_assert_uint_eq(ag_mirror_vif(&st, "vm1")->flags, DP_VIF_MIRROR_RX);
	e = ag_mirror_find(&st, "policy-rule:d:p:pol#1@d:p:red:red");
	ck_assert_ptr_nonnull(e);
	ck_assert_msg(e->resolved, "%s", e->reason);
	ck_assert_int_eq(e->nh.type, AG_MNH_MIRROR_UDP);
	ck_assert_uint_eq(e->nh.port, 9000);
	ck_assert_uint_eq(e->nh.vrf, 3);
	p = ag_mirror_policy(&st, "vm1");
	ck_assert(p->set);
	/* the "any" source: red's subnet (named), then the rest */
	ck_assert_uint_eq(p->n, 2);
	ck_assert_int_eq(p->rules[0].action, DP_FLOW_DENY);
	ck_assert_uint_eq(p->rules[0].proto, 6);
	ck_assert_uint_eq(p->rules[0].dport_lo, 80);
	ck_assert_uint_eq(p->rules[0].dst.len, 16);
	ck_assert_uint_eq(p->rules[0].mirror[0], e->idx);
	ck_assert_str_eq(p->rules[0].src_vn, "d:p:red");
	ck_assert_uint_eq(p->rules[1].src.len, 0);
	ck_assert_str_eq(p->rules[1].src_vn, "__UNKNOWN__");
	ck_assert_uint_eq(p->rules[1].mirror[0], e->idx);
	ag_mirror_state_fini(&st);
	ag_cfg_free(cfg);
}
END_TEST

Suite *
ag_mirror_cfg_suite(void)
{
	Suite *s = suite_create("ag_mirror_cfg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, mirror_from_parsed_config);
	suite_add_tcase(s, tc);
	return s;
}
