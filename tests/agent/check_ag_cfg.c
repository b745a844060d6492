/*
 * check_ag_cfg.c - the agent's config model: config IQs written as
 * control-node/cn_xmpp_cfg.c writes them (objects printed by
 * schema_obj_print at depth 2, <routing-instance> and
 * <mirror-resolution> as attributes) applied to an ag_cfg; changes
 * reported; bad objects refused without touching the rest; resync sweep.
 */
#include "tests/agent/suites.h"

#include <string.h>

#include "agent-stub/ag_cfg.h"

#define IQ_HEAD(op)                                                            \
	"<iq type=\"set\" from=\"network-control@contrailsystems.com\" "       \
	"to=\"compute-1/config\" id=\"config1\">\n<config>\n<" op ">\n"
#define IQ_TAIL(op) "</" op ">\n</config>\n</iq>\n"

static const char iq_full[] = IQ_HEAD(
    "update") "    <global-system-config>\n"
	      "      <autonomous-system>64512</autonomous-system>\n"
	      "    </global-system-config>\n"
	      "    <mirror-resolution name=\"interface-mirror:vm1\" "
	      "kind=\"interface-mirror\" object=\"vm1\" resolved=\"true\" "
	      "via=\"md1\" analyzer=\"an1\" ip=\"10.9.0.5\" mac=\"02:00:00:00:09:05\" "
	      "routing-instance=\"d:p:mirror:mirror\" virtual-network=\"d:p:mirror\" "
	      "vrouter=\"compute-2\" juniper-header=\"false\" udp-port=\"8099\" "
	      "nh-mode=\"dynamic\" enabled=\"true\"/>\n"
	      "    <network-policy name=\"d:p:pol\">\n"
	      "      <mirror-to>\n"
	      "        <analyzer-name>an2</analyzer-name>\n"
	      "        <analyzer-ip-address>10.9.0.6</analyzer-ip-address>\n"
	      "        <juniper-header>true</juniper-header>\n"
	      "        <udp-port>8099</udp-port>\n"
	      "        <nh-mode>dynamic</nh-mode>\n"
	      "        <nic-assisted-mirroring>false</nic-assisted-mirroring>\n"
	      "      </mirror-to>\n"
	      "      <rules>\n"
	      "        <rule name=\"r1\">\n"
	      "          <direction>&lt;&gt;</direction>\n"
	      "          <protocol>tcp</protocol>\n"
	      "          <ethertype>IPv4</ethertype>\n"
	      "          <src-addresses>\n"
	      "            <address>\n"
	      "              <virtual-network>local</virtual-network>\n"
	      "            </address>\n"
	      "          </src-addresses>\n"
	      "          <dst-addresses>\n"
	      "            <address>\n"
	      "              <subnet>10.2.0.0/16</subnet>\n"
	      "            </address>\n"
	      "            <address>\n"
	      "              <virtual-network>d:p:blue</virtual-network>\n"
	      "            </address>\n"
	      "          </dst-addresses>\n"
	      "          <dst-ports>80-90</dst-ports>\n"
	      "          <action-list>\n"
	      "            <simple-action>deny</simple-action>\n"
	      "            <mirror-to>\n"
	      "              <mirror-destination>md1</mirror-destination>\n"
	      "            </mirror-to>\n"
	      "            <log>false</log>\n"
	      "          </action-list>\n"
	      "        </rule>\n"
	      "      </rules>\n"
	      "    </network-policy>\n"
	      "\t\t<routing-instance name=\"d:p:red:red\" virtual-network=\"d:p:red\" "
	      "index=\"3\" vn-index=\"5\" vxlan-id=\"5005\" "
	      "mirror-destination=\"false\"/>\n"
	      "    <virtual-machine-interface name=\"vm1\">\n"
	      "      <virtual-network>d:p:red</virtual-network>\n"
	      "      <virtual-router>compute-1</virtual-router>\n"
	      "      <mac-address>02:00:00:00:00:01</mac-address>\n"
	      "      <ip-addresses>\n"
	      "        <ip-address>10.1.0.3</ip-address>\n"
	      "        <ip-address>fd00::3</ip-address>\n"
	      "      </ip-addresses>\n"
	      "      <tap-name>tapvm1</tap-name>\n"
	      "      <labels>\n"
	      "        <label key=\"role\" value=\"web\"/>\n"
	      "      </labels>\n"
	      "      <network-policies>\n"
	      "        <network-policy>d:p:pol</network-policy>\n"
	      "      </network-policies>\n"
	      "      <interface-mirror>\n"
	      "        <traffic-direction>ingress</traffic-direction>\n"
	      "        <mirror-to>\n"
	      "          <mirror-destination>md1</mirror-destination>\n"
	      "        </mirror-to>\n"
	      "      </interface-mirror>\n"
	      "    </virtual-machine-interface>\n"
	      "    <virtual-network name=\"d:p:red\">\n"
	      "      <network-id>5</network-id>\n"
	      "      <vxlan-id>5005</vxlan-id>\n"
	      "      <mirror-destination>false</mirror-destination>\n"
	      "      <subnets>\n"
	      "        <subnet prefix=\"10.1.0.0/24\" gateway=\"10.1.0.1\"/>\n"
	      "      </subnets>\n"
	      "      <network-policies>\n"
	      "        <network-policy>d:p:pol</network-policy>\n"
	      "      </network-policies>\n"
	      "    </virtual-network>\n"
	      "    <virtual-router name=\"compute-1\">\n"
	      "      <ip-address>127.0.5.11</ip-address>\n"
	      "    </virtual-router>\n"
	      "    <tap-service name=\"ts1\">\n"
	      "      <type>host</type>\n"
	      "      <target>compute-2</target>\n"
	      "      <mac-address>02:00:00:00:aa:01</mac-address>\n"
	      "      <enabled>true</enabled>\n"
	      "    </tap-service>\n"
	      "    <tap-flow name=\"tf1\">\n"
	      "      <tap-service>ts1</tap-service>\n"
	      "      <type>vnic</type>\n"
	      "      <interface>vm1</interface>\n"
	      "      <direction>IN</direction>\n"
	      "      <enabled>false</enabled>\n"
	      "    </tap-flow>\n"
	      "    <mirror-destination name=\"md1\">\n"
	      "      <analyzer-interface>an1</analyzer-interface>\n"
	      "      <juniper-header>false</juniper-header>\n"
	      "      <udp-port>8099</udp-port>\n"
	      "      <nh-mode>static</nh-mode>\n"
	      "      <static-nh-header>\n"
	      "        <vtep-dst-ip-address>192.0.2.9</vtep-dst-ip-address>\n"
	      "        <vni>77</vni>\n"
	      "      </static-nh-header>\n"
	      "      <nic-assisted-mirroring>false</nic-assisted-mirroring>\n"
	      "      <traffic-direction>both</traffic-direction>\n"
	      "    </mirror-destination>\n" IQ_TAIL("update");

static const char iq_eoc[] = IQ_HEAD("end-of-config") IQ_TAIL("end-of-config");

struct seen {
	size_t calls, n, add, mod, del;
	bool eoc;
	char last[300];
};

static void
on_change(struct ag_cfg *cfg, const struct ag_cfg_change *ch, size_t n,
    bool eoc, void *arg)
{
	struct seen *s = arg;
	size_t i;

	(void)cfg;
	s->calls++;
	s->n += n;
	s->eoc |= eoc;
	for (i = 0; i < n; i++) {
		ck_assert(ch[i].name != NULL);
		switch (ch[i].op) {
		case AG_CHG_ADD:
			ck_assert(ch[i].old == NULL && ch[i].cur != NULL);
			s->add++;
			break;
		case AG_CHG_MOD:
			ck_assert(ch[i].old != NULL && ch[i].cur != NULL);
			s->mod++;
			break;
		case AG_CHG_DEL:
			ck_assert(ch[i].old != NULL && ch[i].cur == NULL);
			s->del++;
			break;
		}
		snprintf(s->last, sizeof(s->last), "%s/%s",
		    ag_type_name(ch[i].type), ch[i].name);
	}
}

static int
apply(struct ag_cfg *cfg, const char *s)
{
	return ag_cfg_apply_text(cfg, s, strlen(s));
}

START_TEST(test_full)
{
	struct seen s = {0};
	struct ag_cfg *cfg = ag_cfg_new(on_change, &s);
	const struct ag_vmi *vmi;
	const struct ag_vn *vn;
	const struct ag_ri *ri;
	const struct ag_policy *pol;
	const struct ag_mirror_res *mr;
	const struct ag_mirror_dest *md;
	const struct ag_tap_flow *tf;
	const struct ag_tap_service *ts;
	const struct ag_vrouter *vr;
	char buf[64];

	ck_assert_int_eq(apply(cfg, iq_full), 0);
	ck_assert_uint_eq(s.calls, 1);
	ck_assert_uint_eq(s.add, 10);
	ck_assert_uint_eq(ag_cfg_stats(cfg)->bad, 0);
	ck_assert(!ag_cfg_synced(cfg));

	vr = ag_cfg_vrouter(cfg, "compute-1");
	ck_assert_ptr_nonnull(vr);
	ck_assert_str_eq(ipaddr_print(&vr->ip, buf, sizeof(buf)), "127.0.5.11");

	vn = ag_cfg_vn(cfg, "d:p:red");
	ck_assert_ptr_nonnull(vn);
	ck_assert_uint_eq(vn->network_id, 5);
	ck_assert_uint_eq(vn->vxlan_id, 5005);
	ck_assert_uint_eq(vn->nsubnets, 1);
	ck_assert(vn->subnets[0].has_gateway);
	ck_assert_uint_eq(vn->npolicies, 1);
	ck_assert_str_eq(vn->policies[0], "d:p:pol");

	ri = ag_cfg_vn_ri(cfg, "d:p:red");
	ck_assert_ptr_nonnull(ri);
	ck_assert_str_eq(ri->obj.name, "d:p:red:red");
	ck_assert_uint_eq(ri->index, 3);
	ck_assert_uint_eq(ri->vn_index, 5);
	ck_assert_uint_eq(ri->vxlan_id, 5005);
	ck_assert(!ri->mirror_destination);

	vmi = ag_cfg_vmi(cfg, "vm1");
	ck_assert_ptr_nonnull(vmi);
	ck_assert_str_eq(vmi->vn, "d:p:red");
	ck_assert_str_eq(vmi->vrouter, "compute-1");
	ck_assert_str_eq(vmi->tap_name, "tapvm1");
	ck_assert_uint_eq(vmi->nips, 2);
	ck_assert_int_eq(vmi->ips[1].af, AF_INET6);
	ck_assert_str_eq(
	    macaddr_print(&vmi->mac, buf, sizeof(buf)), "02:00:00:00:00:01");
	ck_assert_uint_eq(vmi->nlabels, 1);
	ck_assert_str_eq(vmi->labels[0].value, "web");
	ck_assert(vmi->has_mirror);
	ck_assert_int_eq(vmi->mirror_dir, AG_DIR_INGRESS);
	ck_assert_str_eq(vmi->mirror.mirror_destination, "md1");

	pol = ag_cfg_policy(cfg, "d:p:pol");
	ck_assert_ptr_nonnull(pol);
	ck_assert(pol->has_mirror);
	ck_assert(pol->mirror.has_analyzer_ip);
	ck_assert(pol->mirror.mode.juniper_header);
	ck_assert_uint_eq(pol->mirror.mode.udp_port, 8099);
	ck_assert_uint_eq(pol->nrules, 1);
	ck_assert(pol->rules[0].bidirectional);
	ck_assert_int_eq(pol->rules[0].protocol, 6);
	ck_assert_int_eq(pol->rules[0].src[0].kind, AG_ADDR_LOCAL);
	ck_assert_int_eq(pol->rules[0].dst[0].kind, AG_ADDR_SUBNET);
	ck_assert_int_eq(pol->rules[0].dst[1].kind, AG_ADDR_VN);
	ck_assert_str_eq(pol->rules[0].dst[1].vn, "d:p:blue");
	ck_assert_uint_eq(pol->rules[0].sport.start, 0);
	ck_assert_uint_eq(pol->rules[0].sport.end, 65535);
	ck_assert_uint_eq(pol->rules[0].dport.start, 80);
	ck_assert_uint_eq(pol->rules[0].dport.end, 90);
	ck_assert(!pol->rules[0].pass);
	ck_assert(pol->rules[0].has_mirror);

	mr = ag_cfg_mirror_res(cfg, AG_MRES_INTERFACE, "vm1");
	ck_assert_ptr_nonnull(mr);
	ck_assert(mr->resolved && mr->enabled && mr->has_ip && mr->has_mac);
	ck_assert_str_eq(mr->ri, "d:p:mirror:mirror");
	ck_assert_str_eq(mr->vrouter, "compute-2");
	ck_assert(!mr->mode.juniper_header);
	ck_assert_int_eq(mr->mode.nh_mode, AG_NH_DYNAMIC);

	md = ag_cfg_mirror_dest(cfg, "md1");
	ck_assert_ptr_nonnull(md);
	ck_assert_int_eq(md->kind, AG_ANALYZER_INTERFACE);
	ck_assert_int_eq(md->mode.nh_mode, AG_NH_STATIC);
	ck_assert_uint_eq(md->mode.vni, 77);

	ts = ag_cfg_tap_service(cfg, "ts1");
	ck_assert_ptr_nonnull(ts);
	ck_assert_int_eq(ts->type, AG_TAP_HOST);
	ck_assert(ts->has_mac && ts->enabled);
	tf = ag_cfg_tap_flow(cfg, "tf1");
	ck_assert_ptr_nonnull(tf);
	ck_assert_int_eq(tf->direction, AG_FLOW_IN);
	ck_assert(!tf->enabled);
	ck_assert_ptr_nonnull(ag_cfg_lookup(cfg, AG_GLOBAL, ""));

	/* The same again: nothing changes. */
	ck_assert_int_eq(apply(cfg, iq_full), 0);
	ck_assert_uint_eq(s.calls, 1);
	ck_assert_uint_eq(ag_cfg_stats(cfg)->unchanged, 10);
	ck_assert_int_eq(apply(cfg, iq_eoc), 0);
	ck_assert(s.eoc && ag_cfg_synced(cfg));
	ag_cfg_free(cfg);
}
END_TEST

START_TEST(test_mod_delete)
{
	struct seen s = {0};
	struct ag_cfg *cfg = ag_cfg_new(on_change, &s);

	ck_assert_int_eq(apply(cfg, iq_full), 0);
	ck_assert_int_eq(
	    apply(cfg,
		IQ_HEAD(
		    "update") "<virtual-router name=\"compute-1\"><ip-address>"
			      "127.0.5.21</ip-address></virtual-router>" IQ_TAIL(
				  "update")),
	    0);
	ck_assert_uint_eq(s.mod, 1);
	ck_assert_str_eq(s.last, "virtual-router/compute-1");
	ck_assert_int_eq(
	    apply(cfg,
		IQ_HEAD(
		    "delete") "\t\t<virtual-machine-interface name=\"vm1\"/>\n"
			      "\t\t<mirror-resolution "
			      "name=\"interface-mirror:vm1\"/>\n"
			      "\t\t<virtual-network name=\"nope\"/>\n" IQ_TAIL(
				  "delete")),
	    0);
	ck_assert_uint_eq(s.del, 2);
	ck_assert_ptr_null(ag_cfg_vmi(cfg, "vm1"));
	ck_assert_ptr_null(ag_cfg_mirror_res(cfg, AG_MRES_INTERFACE, "vm1"));
	ck_assert_uint_eq(ag_cfg_count(cfg, AG_VMI), 0);
	ck_assert_uint_eq(ag_cfg_count(cfg, AG_VN), 1);
	ag_cfg_free(cfg);
}
END_TEST

START_TEST(test_resync)
{
	struct seen s = {0};
	struct ag_cfg *cfg = ag_cfg_new(on_change, &s);

	ck_assert_int_eq(apply(cfg, iq_full), 0);
	ck_assert_int_eq(apply(cfg, iq_eoc), 0);
	ag_cfg_resync(cfg);
	ck_assert(!ag_cfg_synced(cfg));
	/* Only the router is sent again: the rest goes at end-of-config. */
	ck_assert_int_eq(
	    apply(cfg,
		IQ_HEAD(
		    "update") "<virtual-router name=\"compute-1\"><ip-address>"
			      "127.0.5.11</ip-address></virtual-router>" IQ_TAIL(
				  "update")),
	    0);
	ck_assert_uint_eq(s.del, 0);
	ck_assert_int_eq(apply(cfg, iq_eoc), 0);
	ck_assert_uint_eq(s.del, 9);
	ck_assert_uint_eq(ag_cfg_stats(cfg)->swept, 9);
	ck_assert_uint_eq(ag_cfg_count(cfg, AG_VROUTER), 1);
	ck_assert_ptr_null(ag_cfg_vmi(cfg, "vm1"));
	/* A second end-of-config sweeps nothing. */
	ck_assert_int_eq(apply(cfg, iq_eoc), 0);
	ck_assert_uint_eq(s.del, 9);
	ag_cfg_free(cfg);
}
END_TEST

/* Bad objects: each refused alone, the rest of the IQ applied, the old
 * version kept. */
static const char *const bad_objs[] = {
    "<virtual-router name=\"compute-1\"><ip-address>10.0.0.300"
    "</ip-address></virtual-router>",
    "<virtual-router name=\"compute-1\"/>",
    "<virtual-router><ip-address>10.0.0.1</ip-address></virtual-router>",
    "<virtual-network name=\"d:p:red\"><network-id>16777216</network-id>"
    "</virtual-network>",
    "<virtual-network name=\"d:p:red\"><network-id>-1</network-id>"
    "</virtual-network>",
    "<virtual-network name=\"d:p:red\"><mirror-destination>yes"
    "</mirror-destination></virtual-network>",
    "<virtual-network name=\"d:p:red\"><subnets><subnet "
    "prefix=\"10.1.0.1/24\"/></subnets></virtual-network>",
    "<virtual-machine-interface name=\"vm1\"><mac-address>02:00:00:00:00:01"
    "</mac-address></virtual-machine-interface>",
    "<virtual-machine-interface name=\"vm1\"><virtual-network>d:p:red"
    "</virtual-network><mac-address>01:00:00:00:00:01</mac-address>"
    "</virtual-machine-interface>",
    "<virtual-machine-interface name=\"vm1\"><virtual-network>d:p:red"
    "</virtual-network><mac-address>02:00:00:00:00:01</mac-address>"
    "<tap-name>a-name-that-is-too-long</tap-name>"
    "</virtual-machine-interface>",
    "<virtual-machine-interface name=\"vm1\"><virtual-network>d:p:red"
    "</virtual-network><mac-address>02:00:00:00:00:01</mac-address>"
    "<interface-mirror><traffic-direction>sideways</traffic-direction>"
    "<mirror-to/></interface-mirror></virtual-machine-interface>",
    "<network-policy name=\"d:p:pol\"><rules><rule><protocol>300</protocol>"
    "<action-list><simple-action>pass</simple-action></action-list></rule>"
    "</rules></network-policy>",
    "<network-policy name=\"d:p:pol\"><rules><rule><dst-ports>90-80"
    "</dst-ports><action-list><simple-action>pass</simple-action>"
    "</action-list></rule></rules></network-policy>",
    "<network-policy name=\"d:p:pol\"><rules><rule></rule></rules>"
    "</network-policy>",
    "<routing-instance name=\"d:p:red:red\" index=\"x\"/>",
    "<mirror-resolution name=\"interface-mirror:vm1\" kind=\"odd\" "
    "object=\"vm1\"/>",
    "<mirror-resolution name=\"interface-mirror:vm1\" "
    "kind=\"interface-mirror\" object=\"vm1\" ip=\"nope\"/>",
    "<tap-service name=\"ts1\"><type>host</type><target>compute-2</target>"
    "</tap-service>",
    "<tap-flow name=\"tf1\"><tap-service>ts1</tap-service><type>vswitch"
    "</type></tap-flow>",
    "<tap-flow name=\"tf1\"><tap-service>ts1</tap-service><type>vnic</type>"
    "<interface>vm1</interface><vlan-id>5000</vlan-id></tap-flow>",
    "<unknown-thing name=\"x\"/>",
};

START_TEST(test_bad)
{
	struct seen s = {0};
	struct ag_cfg *cfg = ag_cfg_new(on_change, &s);
	char iq[2048];
	const struct ag_vn *vn;
	uint64_t nbad;

	ck_assert_int_eq(apply(cfg, iq_full), 0);
	s.add = 0;
	nbad = ag_cfg_stats(cfg)->bad;
	snprintf(iq, sizeof(iq),
	    IQ_HEAD("update") "%s<virtual-network name=\"d:p:new\"/>" IQ_TAIL(
		"update"),
	    bad_objs[_i]);
	ck_assert_int_eq(apply(cfg, iq), 0);
	ck_assert_uint_eq(ag_cfg_stats(cfg)->bad, nbad + 1);
	/* The good object after it went in; the old ones are unchanged. */
	ck_assert_uint_eq(s.add, 1);
	ck_assert_uint_eq(s.mod, 0);
	vn = ag_cfg_vn(cfg, "d:p:red");
	ck_assert_uint_eq(vn->network_id, 5);
	ck_assert_str_eq(ag_cfg_vmi(cfg, "vm1")->tap_name, "tapvm1");
	ag_cfg_free(cfg);
}
END_TEST

START_TEST(test_not_config)
{
	struct ag_cfg *cfg = ag_cfg_new(NULL, NULL);
	static const char msg[] = "<message><event/></message>";
	static const char broken[] = "<iq><config><update>";

	ck_assert_int_eq(ag_cfg_apply_text(cfg, msg, strlen(msg)), -EINVAL);
	ck_assert_int_eq(
	    ag_cfg_apply_text(cfg, broken, strlen(broken)), -EINVAL);
	ck_assert_uint_eq(ag_cfg_stats(cfg)->iqs, 0);
	ag_cfg_free(cfg);
}
END_TEST

Suite *
ag_cfg_suite(void)
{
	Suite *s = suite_create("ag_cfg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_mod_delete);
	tcase_add_test(tc, test_resync);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_bad, 0, (int)nitems(bad_objs));
	tcase_add_test(tc, test_not_config);
	suite_add_tcase(s, tc);
	return s;
}
