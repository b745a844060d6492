# tshark-fields.awk - reads tshark's PDML of a capture (tshark -T pdml)
# and prints what tshark shows of each BGP message in the line form of
# tests/bgp/bgp-decode.c: "STREAM/SRC:PORT#N FIELD VALUE".  Only fields
# tshark dissects are used, with two exceptions, both said where they
# are: LLGR tuples (tshark 4.0 shows the capability's bytes raw, read
# here), and which attributes a speaker passes on (optional transitive
# ones that are not decoded into a route's attributes).
function attr(s, a,   i, r) {
	i = index(s, " " a "=\"")
	if (i == 0)
		return ""
	r = substr(s, i + length(a) + 3)
	return unxml(substr(r, 1, index(r, "\"") - 1))
}
function unxml(s) {
	gsub(/&quot;/, "\"", s)
	gsub(/&apos;/, "'", s)
	gsub(/&lt;/, "<", s)
	gsub(/&gt;/, ">", s)
	gsub(/&amp;/, "\\&", s)
	return s
}
function hexval(c) { return index("0123456789abcdef", tolower(c)) - 1 }
function hexnum(h,   i, n) {
	n = 0
	for (i = 1; i <= length(h); i++)
		n = n * 16 + hexval(substr(h, i, 1))
	return n
}
function out(field, value) {
	print key " " field (value == "" ? "" : " " value)
}
function known_af(p) {
	return p == "1/1" || p == "1/128" || p == "2/128" || p == "25/70" ||
	    p == "1/132"
}
# What our codec decodes into a route's attributes (bgp_attr.c's table,
# less the opaque ones it passes on: 23, 25, 32, 35).
function decoded_attr(t) {
	return (t >= 1 && t <= 10) || (t >= 14 && t <= 18) || t == 22
}
# The deferred parts of a message: OPEN summary, an EVPN route, PMSI.
function flush_evpn() {
	if (ev_type == "")
		return
	s = "evpn " ev_type " rd " ev_rd " etag " ev_tag
	if (ev_type == 2)
		s = s " mac " ev_mac
	if (ev_type != 5 && ev_ip != "")
		s = s " ip " ev_ip
	if (ev_type == 5)
		s = s " prefix " ev_ip "/" ev_plen
	if (ev_l1 != "")
		s = s " " ev_l1
	if (ev_l2 != "" && ev_l2v != 0)
		s = s " " ev_l2
	out("update." ctx "[" nidx[ctx]++ "]", s)
	ev_type = ""
}
function flush_pmsi() {
	if (pm_type == "")
		return
	s = "flags " pm_flags " type " pm_type " " pm_label
	if (pm_id != "")
		s = s " id " pm_id
	out("update.pmsi", s)
	pm_type = ""
}
function flush_msg(   p, c, i, t, n) {
	flush_evpn()
	flush_pmsi()
	if (mtype == 1) {
		out("open.as", as4 != "" ? as4 : myas)
		for (p in mp)
			out("open.cap.mp", p)
		if (mpother > 0)
			out("open.cap.mp.other", mpother)
		if (as4 != "")
			out("open.cap.as4", as4)
		if (cap[2])
			out("open.cap.rr")
		if (cap[70])
			out("open.cap.err")
		if (cap[6])
			out("open.cap.extmsg")
		if (cap[64])
			out("open.cap.gr", "R" gr_r " N" gr_n " time " gr_time)
		for (p in gr_af)
			out("open.cap.gr.af", p " F" gr_af[p])
		if (cap[71])
			out("open.cap.llgr")
		# LLGR: tshark 4.0 does not dissect it; its bytes, 7 a tuple.
		for (i = 1; i + 13 < length(llgr_hex) + 1; i += 14) {
			t = substr(llgr_hex, i, 14)
			p = hexnum(substr(t, 1, 4)) "/" hexnum(substr(t, 5, 2))
			if (known_af(p))
				out("open.cap.llgr.af", p " F" \
				    (hexnum(substr(t, 7, 2)) >= 128 ? 1 : 0) \
				    " time " hexnum(substr(t, 9, 6)))
		}
		for (c in other)
			out("open.cap.other", c)
	}
	mtype = 0
}
function reset_msg() {
	mtype = 0; myas = ""; as4 = ""; mpother = 0; gr_r = gr_n = 0
	gr_time = 0; llgr_hex = ""; curcap = ""; curattr = ""
	split("", cap); split("", mp); split("", gr_af); split("", other)
	split("", seen); split("", nidx); ctx = ""; ei = 0; seg = 0; asn = 0
	ci = 0; ev_type = ""; pm_type = ""; comm_as = ""
}
/<packet>/ { flush_msg(); src = ""; port = ""; stream = "" }
/<proto name="bgp"/ {
	flush_msg()
	reset_msg()
	label = stream "/" src ":" port
	key = label "#" (msgs[label]++)
	next
}
!/<field / { next }
{
	name = attr($0, "name")
	show = attr($0, "show")
	value = attr($0, "value")
}
name == "tcp.stream" { stream = show }
name == "ip.src" || name == "ipv6.src" { src = show }
name == "tcp.srcport" { port = show }
name !~ /^bgp\./ { next }
name == "bgp.type" { mtype = show + 0; out("type", show) }
# OPEN
name == "bgp.open.version" { out("open.version", show) }
name == "bgp.open.myas" { myas = show }
name == "bgp.open.holdtime" { out("open.hold", show) }
name == "bgp.open.identifier" { out("open.id", show) }
name == "bgp.cap.type" {
	curcap = show + 0
	cap[curcap] = 1
	if (curcap != 1 && curcap != 2 && curcap != 6 && curcap != 64 &&
	    curcap != 65 && curcap != 70 && curcap != 71)
		other[curcap] = 1
}
name == "bgp.cap.mp.afi" { mpafi = show }
name == "bgp.cap.mp.safi" {
	p = mpafi "/" show
	if (known_af(p))
		mp[p] = 1
	else
		mpother++
}
name == "bgp.cap.4as" { as4 = show }
name == "bgp.cap.gr.timers.restart_flag" { gr_r = (show == "1" || show == "True") }
name == "bgp.cap.gr.timers.notification_flag" { gr_n = (show == "1" || show == "True") }
name == "bgp.cap.gr.timers.restart_time" { gr_time = show }
name == "bgp.cap.gr.afi" { grafi = show }
name == "bgp.cap.gr.safi" { grsafi = show }
name == "bgp.cap.gr.flag" {
	p = grafi "/" grsafi
	if (known_af(p))
		gr_af[p] = hexnum(value) >= 128 ? 1 : 0
}
name == "bgp.cap.unknown" && curcap == 71 { llgr_hex = value }
# UPDATE: legacy sections
name == "bgp.prefix_length" { plen = show }
name == "bgp.withdrawn_prefix" {
	out("update.withdrawn[" nidx["w"]++ "]", show "/" plen)
}
name == "bgp.nlri_prefix" { out("update.nlri[" nidx["n"]++ "]", show "/" plen) }
# attributes
name == "bgp.update.path_attribute.flags" { curflags = hexnum(value) }
name == "bgp.update.path_attribute.type_code" {
	flush_evpn()
	flush_pmsi()
	curattr = show + 0
	ctx = ""
	if (seen[curattr]++)
		next
	if (curattr < 64)
		out("update.attr", curattr)
	if (curattr == 6)
		out("update.atomic_aggregate")
	# Passed on: optional transitive ones not decoded (our policy).
	if (curflags >= 192 && !decoded_attr(curattr))
		out("update.kept", curattr)
}
name == "bgp.update.path_attribute.origin" { out("update.origin", show) }
name == "bgp.update.path_attribute.as_path_segment.type" && curattr == 2 {
	segtype = show
}
name == "bgp.update.path_attribute.as_path_segment.length" && curattr == 2 {
	out("update.as_path.seg[" seg++ "]", segtype " " show)
}
name ~ /^bgp\.update\.path_attribute\.as_path_segment\.as[24]$/ && curattr == 2 {
	out("update.as_path.as[" asn++ "]", show)
}
name == "bgp.update.path_attribute.next_hop" { out("update.next_hop", show) }
name == "bgp.update.path_attribute.multi_exit_disc" { out("update.med", show) }
name == "bgp.update.path_attribute.local_pref" { out("update.local_pref", show) }
name == "bgp.update.path_attribute.aggregator_as" { agg = show }
name == "bgp.update.path_attribute.aggregator_origin" {
	out("update.aggregator", agg " " show)
}
name == "bgp.update.path_attribute.community_as" { comm_as = value }
name == "bgp.update.path_attribute.community_value" {
	out("update.community[" nidx["c"]++ "]", comm_as value)
}
name == "bgp.update.path_attribute.community_wellknown" {
	out("update.community[" nidx["c"]++ "]", value)
}
name == "bgp.update.path_attribute.originator_id" {
	out("update.originator_id", show)
}
name == "bgp.path_attribute.cluster_id" { out("update.cluster[" ci++ "]", show) }
name == "bgp.ext_community" { ei++ }
name == "bgp.ext_com.type" { etype = value }
name ~ /^bgp\.ext_com\.stype_/ {
	estype = value
	out("update.ecomm[" ei - 1 "]", "0x" etype " 0x" estype)
}
name == "bgp.ext_com.value_as2" || name == "bgp.ext_com.value_as4" ||
    name == "bgp.ext_com.value_IP4" { rt_admin = show }
(name == "bgp.ext_com.value_an4" || name == "bgp.ext_com.value_an2") &&
    estype == "02" && (etype == "00" || etype == "01" || etype == "02") {
	out("update.ecomm[" ei - 1 "].rt", rt_admin ":" show)
}
name == "bgp.ext_com.tunnel_type" && etype == "03" && estype == "0c" {
	out("update.ecomm[" ei - 1 "].encap", show)
}
# PMSI tunnel: its label is shown as a VNI next to a VXLAN community
name == "bgp.update.path_attribute.pmsi.tunnel.flags" { pm_flags = show }
name == "bgp.update.path_attribute.pmsi.tunnel.type" {
	pm_type = show; pm_id = ""; pm_label = ""
}
curattr == 22 && name == "bgp.evpn.nlri.vni" { pm_label = "label " show }
curattr == 22 && name ~ /pmsi.*label|mpls/ { pm_label = "label.mpls " show }
name ~ /^bgp\.update\.path_attribute\.pmsi\.ingress_rep_ip/ { pm_id = show }
# MP_REACH_NLRI and MP_UNREACH_NLRI
name == "bgp.update.path_attribute.mp_reach_nlri.afi" ||
    name == "bgp.update.path_attribute.mp_unreach_nlri.afi" { afi = show }
name == "bgp.update.path_attribute.mp_reach_nlri.safi" ||
    name == "bgp.update.path_attribute.mp_unreach_nlri.safi" {
	ctx = name ~ /unreach/ ? "mp_unreach" : "mp_reach"
	af = afi "/" show
	out("update." ctx, af)
	nh_done = 0
}
name ~ /^bgp\.update\.path_attribute\.mp_reach_nlri\.next_hop\.ipv[46]$/ &&
    !nh_done {
	nh = show
	sub(/^::ffff:/, "", nh)
	out("update.mp_reach.nh", nh)
	nh_done = 1
}
# inet in MP, VPN-IPv4: the prefix field ends a route
name == "bgp.label_stack" && af == "2/128" {
	# VPN-IPv6: one field; RD and prefix only in its text
	sn = attr($0, "showname")
	rd = sn; sub(/.* RD=/, "", rd); sub(/,.*/, "", rd)
	p6 = sn; sub(/.*IPv6=/, "", p6)
	s = "rd " rd " "
	if (ctx == "mp_reach")
		s = s "label " (show + 0) " "
	out("update." ctx "[" nidx[ctx]++ "]", s p6)
	next
}
name == "bgp.label_stack" {
	labels = show
	nlabels = gsub(/,/, ",", labels) + 1
}
name == "bgp.rd" { rd = show }
name ~ /^bgp\.mp_(un)?reach_nlri_ipv4_prefix$/ {
	if (af == "1/1") {
		out("update." ctx "[" nidx[ctx]++ "]", show "/" plen)
	} else {
		s = "rd " rd " "
		if (ctx == "mp_reach")
			s = s "label " (labels + 0) " "
		out("update." ctx "[" nidx[ctx]++ "]",
		    s show "/" (plen - 24 * nlabels - 64))
	}
}
# EVPN
name == "bgp.evpn.nlri" && ctx != "" {
	flush_evpn()
	ev_ip = ""; ev_l1 = ""; ev_l2 = ""; ev_l2v = 0; ev_plen = ""
}
name == "bgp.evpn.nlri.rt" && ctx != "" { ev_type = show }
name == "bgp.evpn.nlri.rd" && ctx != "" {
	ev_rd = attr($0, "showname")
	sub(/.*\(/, "", ev_rd)
	sub(/\).*/, "", ev_rd)
}
name == "bgp.evpn.nlri.etag" && ctx != "" { ev_tag = show }
name == "bgp.evpn.nlri.mac_addr" && ctx != "" { ev_mac = show }
(name == "bgp.evpn.nlri.ip.addr" || name == "bgp.evpn.nlri.ipv6.addr") &&
    ctx != "" { ev_ip = show }
name == "bgp.evpn.nlri.prefix_len" && ctx != "" { ev_plen = show }
(name == "bgp.evpn.nlri.vni" || name ~ /^bgp\.evpn\.nlri\.mpls_ls[12]$/) &&
    ctx != "" {
	l = (name ~ /vni/ ? "" : ".mpls") " " show
	if (ev_l1 == "") {
		ev_l1 = "label" l
	} else {
		ev_l2 = "label2" l
		ev_l2v = show + 0
	}
}
# route-target constraint
name == "bgp.originating_as" { rtc_as = show }
name == "bgp.community_prefix" {
	out("update." ctx "[" nidx[ctx]++ "]",
	    "rtc origin " rtc_as " rt " value " plen " plen)
}
name == "bgp.wildcard_route_target" {
	out("update." ctx "[" nidx[ctx]++ "]", "rtc default")
}
# NOTIFICATION
name == "bgp.notify.major_error" { code = show }
name ~ /^bgp\.notify\.minor_error/ { out("notification", code "/" show) }
name == "bgp.notify.communication" { out("notification.shutdown", show) }
name == "bgp.notify.minor_data" { out("notification.data", value) }
# ROUTE-REFRESH
name == "bgp.route_refresh.afi" { rr_afi = show }
name == "bgp.route_refresh.subtype" { rr_sub = show }
name == "bgp.route_refresh.safi" {
	out("refresh", rr_afi "/" show " subtype " rr_sub)
}
END { flush_msg() }
