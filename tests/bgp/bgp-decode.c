/*
 * DOC: bgp-decode.c - prints what libbgp's decoder makes of BGP byte
 * streams, one line per field, in the form tests/bgp/tshark.sh also
 * builds from tshark's dissection, so the two can be compared line by
 * line.  Input (stdin): "LABEL HEX" lines as tests/bgp/pcap-streams.sh
 * prints them (LABEL is STREAM/SRC:PORT, HEX one direction's bytes);
 * output: "LABEL#N FIELD VALUE", N counting the messages of the label.
 *
 * The session caps come from the OPENs of the same TCP stream (both
 * directions): 4-octet AS and extended messages when every OPEN offers
 * them, external when the two ASes differ; without an OPEN, an iBGP
 * 4-octet AS session of 4096-byte messages.
 */
#include "bgp/bgp.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BD_MAX_LINES 4096

/* One input line: a direction's bytes. */
struct bd_stream {
	char *label;
	uint8_t *data;
	size_t len;
};

/* What the OPENs of one TCP stream say, for the caps. */
struct bd_session {
	char id[64]; /* the label before '/' */
	unsigned opens;
	bool as4, ext;
	const char *dir[2]; /* the first two directions with an OPEN */
	uint32_t asn[2];    /* the AS of their first OPEN */
};

static struct bd_stream streams[BD_MAX_LINES];
static size_t nstreams;
static struct bd_session sessions[BD_MAX_LINES];
static size_t nsessions;

static void
bd_read(void)
{
	char *line = NULL, *sp;
	size_t cap = 0, n, i;
	struct bd_stream *s;
	unsigned v;
	ssize_t got;

	while ((got = getline(&line, &cap, stdin)) > 0) {
		while (
		    got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
			line[--got] = '\0';
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		if (nstreams == BD_MAX_LINES)
			fatalx("more than %d streams", BD_MAX_LINES);
		s = &streams[nstreams++];
		*sp++ = '\0';
		s->label = xmemdup(line, strlen(line) + 1);
		n = strlen(sp) / 2;
		s->data = xmalloc(n == 0 ? 1 : n);
		for (i = 0; i < n; i++) {
			if (!isxdigit((unsigned char)sp[2 * i]) ||
			    !isxdigit((unsigned char)sp[2 * i + 1]) ||
			    sscanf(sp + 2 * i, "%2x", &v) != 1)
				fatalx("%s: bad hex at %zu", s->label, 2 * i);
			s->data[i] = (uint8_t)v;
		}
		s->len = n;
	}
	free(line);
}

static struct bd_session *
bd_session(const char *label)
{
	size_t n = strcspn(label, "/"), i;
	struct bd_session *s;

	for (i = 0; i < nsessions; i++)
		if (strlen(sessions[i].id) == n &&
		    strncmp(sessions[i].id, label, n) == 0)
			return &sessions[i];
	s = &sessions[nsessions++];
	snprintf(s->id, sizeof(s->id), "%.*s", (int)n, label);
	s->as4 = s->ext = true;
	return s;
}

/* First pass: every OPEN of every stream. */
static void
bd_sessions(void)
{
	struct bd_session *se;
	struct bgp_open o;
	struct bgp_err err;
	size_t i, off, len;
	uint8_t type;

	for (i = 0; i < nstreams; i++) {
		se = bd_session(streams[i].label);
		for (off = 0; bgp_frame_check(streams[i].data + off,
				  streams[i].len - off, BGP_EXT_MAX_LEN, &len,
				  &type, &err) == 1;
		     off += len) {
			if (type != BGP_MSG_OPEN ||
			    bgp_msg_decode_open(
				streams[i].data + off + BGP_HDR_LEN,
				len - BGP_HDR_LEN, &o, &err) != 0)
				continue;
			se->as4 = se->as4 && o.as4;
			se->ext = se->ext && o.ext_msg;
			se->opens++;
			if (se->dir[0] == NULL) {
				se->dir[0] = streams[i].label;
				se->asn[0] = o.asn;
			} else if (se->dir[1] == NULL &&
			    strcmp(se->dir[0], streams[i].label) != 0) {
				se->dir[1] = streams[i].label;
				se->asn[1] = o.asn;
			}
		}
	}
}

static struct bgp_session_caps
bd_caps(const char *label)
{
	struct bd_session *se = bd_session(label);
	struct bgp_session_caps c;

	memset(&c, 0, sizeof(c));
	c.afs = (1u << BGP_AF_MAX) - 1;
	c.as4 = se->opens == 0 || se->as4;
	c.max_len = se->opens > 0 && se->ext ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
	c.ebgp = se->dir[1] != NULL && se->asn[0] != se->asn[1];
	return c;
}

/*
 * Printing.
 */

static char key[256]; /* "LABEL#N" of the message printed */

static void
bd_afsafi(const char *field, enum bgp_af af, const char *rest)
{
	uint16_t afi;
	uint8_t safi;

	bgp_af_to_wire(af, &afi, &safi);
	printf("%s %s %u/%u%s\n", key, field, afi, safi, rest);
}

static void
bd_open(const uint8_t *body, size_t len)
{
	struct bgp_open o;
	struct bgp_err err;
	char addr[IPADDR_STRLEN], rest[64];
	struct in_addr id;
	unsigned af;
	size_t i;

	if (bgp_msg_decode_open(body, len, &o, &err) != 0) {
		printf("%s error %u/%u\n", key, err.code, err.subcode);
		return;
	}
	id.s_addr = htonl(o.bgp_id);
	printf("%s open.version %u\n", key, o.version);
	printf("%s open.as %u\n", key, o.asn);
	printf("%s open.hold %u\n", key, o.hold_time);
	printf("%s open.id %s\n", key,
	    inet_ntop(AF_INET, &id, addr, sizeof(addr)));
	for (af = 0; af < BGP_AF_MAX; af++)
		if (o.afs & BGP_AF_BIT(af))
			bd_afsafi("open.cap.mp", af, "");
	if (o.unknown_afs > 0)
		printf("%s open.cap.mp.other %u\n", key, o.unknown_afs);
	if (o.as4)
		printf("%s open.cap.as4 %u\n", key, o.asn);
	if (o.route_refresh)
		printf("%s open.cap.rr\n", key);
	if (o.enhanced_refresh)
		printf("%s open.cap.err\n", key);
	if (o.ext_msg)
		printf("%s open.cap.extmsg\n", key);
	if (o.gr.present)
		printf("%s open.cap.gr R%d N%d time %u\n", key, o.gr.restarted,
		    o.gr.notification, o.gr.restart_time);
	for (af = 0; af < BGP_AF_MAX; af++)
		if (o.gr.afs & BGP_AF_BIT(af))
			bd_afsafi("open.cap.gr.af", af,
			    o.gr.forwarding & BGP_AF_BIT(af) ? " F1" : " F0");
	if (o.llgr.present)
		printf("%s open.cap.llgr\n", key);
	for (af = 0; af < BGP_AF_MAX; af++) {
		if (!(o.llgr.afs & BGP_AF_BIT(af)))
			continue;
		snprintf(rest, sizeof(rest), " F%d time %u",
		    (o.llgr.forwarding & BGP_AF_BIT(af)) != 0,
		    o.llgr.stale_time[af]);
		bd_afsafi("open.cap.llgr.af", af, rest);
	}
	for (i = 0; i < o.nunknown_caps; i++)
		printf("%s open.cap.other %u\n", key, o.unknown_caps[i]);
}

/* One NLRI of af as a line's value; labels only where the wire has them
 * (VPN reach, every EVPN route). */
static void
bd_nlri(const char *field, size_t i, enum bgp_af af, const struct bgp_nlri *n,
    bool withdraw)
{
	char rd[RT_RD_STRLEN], p[PREFIX_STRLEN], mac[MACADDR_STRLEN];
	char ip[IPADDR_STRLEN];
	const struct rt_key *k = &n->key;

	printf("%s %s[%zu] ", key, field, i);
	rd[0] = '\0';
	if (af == BGP_AF_INET_VPN || af == BGP_AF_INET6_VPN ||
	    af == BGP_AF_EVPN)
		(void)rt_rd_print(&k->rd, rd, sizeof(rd));
	switch (af) {
	case BGP_AF_INET:
		printf("%s\n", prefix_print(&k->prefix, p, sizeof(p)));
		break;
	case BGP_AF_INET_VPN:
	case BGP_AF_INET6_VPN:
		printf("rd %s ", rd);
		if (!withdraw)
			printf("label %u ", n->label);
		printf("%s\n", prefix_print(&k->prefix, p, sizeof(p)));
		break;
	case BGP_AF_EVPN:
		printf("evpn %u rd %s etag %u", k->evpn_type, rd, k->eth_tag);
		if (k->evpn_type == RT_EVPN_MAC_IP)
			printf(" mac %s",
			    macaddr_print(&k->mac, mac, sizeof(mac)));
		if (k->evpn_type != RT_EVPN_PREFIX && k->ip.af != 0)
			printf(" ip %s", ipaddr_print(&k->ip, ip, sizeof(ip)));
		if (k->evpn_type == RT_EVPN_PREFIX)
			printf(" prefix %s",
			    prefix_print(&k->prefix, p, sizeof(p)));
		if (k->evpn_type != RT_EVPN_IMET)
			printf(" label %u", n->label);
		if (n->label2 != 0)
			printf(" label2 %u", n->label2);
		printf("\n");
		break;
	default: /* BGP_AF_RTARGET */
		if (k->rt_plen == 0)
			printf("rtc default\n");
		else
			printf("rtc origin %u rt %016llx plen %u\n",
			    k->origin_as, (unsigned long long)k->rtarget,
			    k->rt_plen);
		break;
	}
}

static void
bd_section(const char *field, enum bgp_af af, struct buf b, bool withdraw)
{
	struct bgp_nlri n;
	size_t i = 0;

	while (bgp_nlri_next(af, &b, withdraw, &n) == 1)
		bd_nlri(field, i++, af, &n, withdraw);
}

static void
bd_ecomm(size_t i, uint64_t e)
{
	uint8_t t = ECOMM_TYPE(e), st = ECOMM_SUBTYPE(e);

	printf("%s update.ecomm[%zu] 0x%02x 0x%02x\n", key, i, t, st);
	if (st == 0x02 && t == 0x00)
		printf("%s update.ecomm[%zu].rt %u:%u\n", key, i,
		    (unsigned)(e >> 32 & 0xffff), (unsigned)(e & 0xffffffff));
	else if (st == 0x02 && t == 0x01)
		printf("%s update.ecomm[%zu].rt %u.%u.%u.%u:%u\n", key, i,
		    (unsigned)(e >> 40 & 0xff), (unsigned)(e >> 32 & 0xff),
		    (unsigned)(e >> 24 & 0xff), (unsigned)(e >> 16 & 0xff),
		    (unsigned)(e & 0xffff));
	else if (st == 0x02 && t == 0x02)
		printf("%s update.ecomm[%zu].rt %u:%u\n", key, i,
		    (unsigned)(e >> 16 & 0xffffffff), (unsigned)(e & 0xffff));
	else if (t == 0x03 && st == 0x0c)
		printf("%s update.ecomm[%zu].encap %u\n", key, i,
		    (unsigned)(e & 0xffff));
}

/* The AS path, segment by segment (4-octet ASes, as decoded). */
static void
bd_aspath(const struct attr *a)
{
	struct buf v;
	uint8_t type, count;
	uint32_t as;
	size_t seg = 0, n = 0, i;

	buf_init(&v, a->aspath, a->aspath_len);
	while (buf_get_u8(&v, &type) == 0 && buf_get_u8(&v, &count) == 0) {
		printf("%s update.as_path.seg[%zu] %u %u\n", key, seg++, type,
		    count);
		for (i = 0; i < count && buf_get_u32(&v, &as) == 0; i++)
			printf("%s update.as_path.as[%zu] %u\n", key, n++, as);
	}
}

/* The kept unknown attributes' type codes. */
static void
bd_unknown(const struct attr *a)
{
	struct buf v;
	uint8_t flags, type, len8;
	uint16_t len;

	buf_init(&v, a->unknown, a->unknown_len);
	while (buf_get_u8(&v, &flags) == 0 && buf_get_u8(&v, &type) == 0) {
		if (flags & 0x10) {
			if (buf_get_u16(&v, &len) != 0)
				break;
		} else {
			if (buf_get_u8(&v, &len8) != 0)
				break;
			len = len8;
		}
		if (buf_skip(&v, len) != 0)
			break;
		printf("%s update.kept %u\n", key, type);
	}
}

static void
bd_pmsi(const struct attr *a)
{
	char ip[IPADDR_STRLEN];
	struct ipaddr id;
	const uint8_t *p = a->pmsi;

	printf("%s update.pmsi flags %u type %u label %u", key, p[0], p[1],
	    (unsigned)(p[2] << 16 | p[3] << 8 | p[4]));
	memset(&id, 0, sizeof(id));
	if (p[1] == 6 && (a->pmsi_len == 9 || a->pmsi_len == 21)) {
		id.af = a->pmsi_len == 9 ? AF_INET : AF_INET6;
		memcpy(id.u.b, p + 5, a->pmsi_len - 5);
		printf(" id %s", ipaddr_print(&id, ip, sizeof(ip)));
	}
	printf("\n");
}

static void
bd_update(const uint8_t *body, size_t len, const struct bgp_session_caps *caps)
{
	struct bgp_update u;
	struct bgp_err err;
	struct arena arena;
	const struct attr *a = &u.attr;
	char addr[IPADDR_STRLEN];
	struct in_addr in;
	unsigned t;
	size_t i;

	arena_init(&arena, 0);
	if (bgp_update_decode(body, len, caps, &arena, &u, &err) != 0) {
		printf("%s error %u/%u\n", key, err.code, err.subcode);
		goto done;
	}
	if (u.outcome != BGP_OK)
		printf("%s outcome %d %s\n", key, (int)u.outcome, u.reason);
	bd_section("update.withdrawn", BGP_AF_INET, u.withdrawn, true);
	bd_section("update.nlri", BGP_AF_INET, u.nlri, false);
	for (t = 0; t < 64; t++)
		if (u.seen & UINT64_C(1) << t)
			printf("%s update.attr %u\n", key, t);
	if (u.seen & UINT64_C(1) << 1)
		printf("%s update.origin %u\n", key, a->origin);
	bd_aspath(a);
	if (u.seen & UINT64_C(1) << 3)
		printf("%s update.next_hop %s\n", key,
		    ipaddr_print(&u.inet_nexthop, addr, sizeof(addr)));
	if (a->flags & ATTR_F_MED)
		printf("%s update.med %u\n", key, a->med);
	if (a->flags & ATTR_F_LOCAL_PREF)
		printf("%s update.local_pref %u\n", key, a->local_pref);
	if (a->flags & ATTR_F_ATOMIC_AGG)
		printf("%s update.atomic_aggregate\n", key);
	if (a->flags & ATTR_F_AGGREGATOR) {
		in.s_addr = htonl(a->aggregator_id);
		printf("%s update.aggregator %u %s\n", key, a->aggregator_as,
		    inet_ntop(AF_INET, &in, addr, sizeof(addr)));
	}
	for (i = 0; i < a->ncomm; i++)
		printf("%s update.community[%zu] %08x\n", key, i, a->comm[i]);
	if (a->flags & ATTR_F_ORIGINATOR) {
		in.s_addr = htonl(a->originator_id);
		printf("%s update.originator_id %s\n", key,
		    inet_ntop(AF_INET, &in, addr, sizeof(addr)));
	}
	for (i = 0; i < a->ncluster; i++) {
		in.s_addr = htonl(a->cluster[i]);
		printf("%s update.cluster[%zu] %s\n", key, i,
		    inet_ntop(AF_INET, &in, addr, sizeof(addr)));
	}
	for (i = 0; i < a->necomm; i++)
		bd_ecomm(i, a->ecomm[i]);
	if (a->pmsi_len >= 5)
		bd_pmsi(a);
	bd_unknown(a);
	if (u.has_reach) {
		bd_afsafi("update.mp_reach", u.reach_af, "");
		printf("%s update.mp_reach.nh %s\n", key,
		    ipaddr_print(&a->nexthop, addr, sizeof(addr)));
		bd_section("update.mp_reach", u.reach_af, u.reach_nlri, false);
	}
	if (u.has_unreach) {
		bd_afsafi("update.mp_unreach", u.unreach_af, "");
		bd_section(
		    "update.mp_unreach", u.unreach_af, u.unreach_nlri, true);
	}
done:
	arena_fini(&arena);
}

static void
bd_notification(const uint8_t *body, size_t len)
{
	struct bgp_notification n;
	struct bgp_err err;
	size_t i;

	if (bgp_msg_decode_notification(body, len, &n, &err) != 0) {
		printf("%s error %u/%u\n", key, err.code, err.subcode);
		return;
	}
	printf("%s notification %u/%u\n", key, n.code, n.subcode);
	if (n.has_shutdown) {
		printf("%s notification.shutdown %s\n", key, n.shutdown);
	} else if (n.datalen > 0) {
		printf("%s notification.data ", key);
		for (i = 0; i < n.datalen; i++)
			printf("%02x", n.data[i]);
		printf("\n");
	}
}

static void
bd_refresh(const uint8_t *body, size_t len)
{
	struct bgp_refresh r;
	struct bgp_err err;

	if (bgp_msg_decode_refresh(body, len, &r, &err) != 0)
		printf("%s error %u/%u\n", key, err.code, err.subcode);
	else
		printf("%s refresh %u/%u subtype %u\n", key, r.afi, r.safi,
		    r.subtype);
}

static void
bd_stream(const struct bd_stream *s)
{
	struct bgp_session_caps caps = bd_caps(s->label);
	struct bgp_err err;
	size_t off, len;
	unsigned n = 0;
	uint8_t type;
	int rc;

	for (off = 0; off < s->len; off += len) {
		snprintf(key, sizeof(key), "%s#%u", s->label, n++);
		rc = bgp_frame_check(s->data + off, s->len - off, caps.max_len,
		    &len, &type, &err);
		if (rc != 1) {
			printf("%s frame %s\n", key,
			    rc == 0 ? "partial" : err.reason);
			return;
		}
		printf("%s type %u\n", key, type);
		switch (type) {
		case BGP_MSG_OPEN:
			bd_open(s->data + off + BGP_HDR_LEN, len - BGP_HDR_LEN);
			break;
		case BGP_MSG_UPDATE:
			bd_update(s->data + off + BGP_HDR_LEN,
			    len - BGP_HDR_LEN, &caps);
			break;
		case BGP_MSG_NOTIFICATION:
			bd_notification(
			    s->data + off + BGP_HDR_LEN, len - BGP_HDR_LEN);
			break;
		case BGP_MSG_ROUTE_REFRESH:
			bd_refresh(
			    s->data + off + BGP_HDR_LEN, len - BGP_HDR_LEN);
			break;
		default: /* KEEPALIVE: nothing but its type */
			break;
		}
	}
}

int
main(void)
{
	size_t i;

	bd_read();
	bd_sessions();
	for (i = 0; i < nstreams; i++) {
		bd_stream(&streams[i]);
		free(streams[i].label);
		free(streams[i].data);
	}
	return 0;
}
