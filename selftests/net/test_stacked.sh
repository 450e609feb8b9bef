#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Devices stacked on the external device (issue 15, DESIGN.md "Frames that
# are not the device's own"): npt6's netdev hooks on eth0 also see the
# frames of VLANs and macvlans on the same NIC, and must leave them alone.
#
#        up   the upstream router: u0 untagged in VLAN 1, with the external
#         |   /64 on-link; u0.1000 tagged, a second WAN (seed 003's vlan1000)
#       [sw]  a VLAN-aware bridge: VLAN 1 untagged to rtr and up, VLAN 10
#       /  \  tagged to rtr and untagged to lan, VLAN 1000 tagged to rtr/up
#     rtr   lan
#   eth0: WAN, untagged, the mapping; eth0.10: the LAN (router-on-a-stick);
#   eth0.1000: the second WAN; mv0, a macvlan on eth0, lives in ctr with
#   its own address inside the external /64 (a container on the WAN NIC).
#
# Expected addresses come from npt.py, never from the module.
#
# Exit status: 0 all passed, 1 something failed, 4 a needed tool is missing.

ALL_TESTS="
	topology
	stick_router_to_lan
	stick_lan_out
	stick_tagged_ns
	macvlan
	vlan_wan
	type_change
	kernel_log
"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ND=$NET_DIR/starlink_nd.py
PKT=$NET_DIR/pkt.py

UP_WAN=2001:db8:5f00:1::1	# up on the external /64, on-link
RTR_EXT=2001:db8:5f00:1::2	# rtr's own address there: never translated
CTR_ADDR=2001:db8:5f00:1::c0	# the container's, on the macvlan
EXT2_PFX=2001:db8:5f00:2::/64	# VLAN 1000's on-link /64
UP_V1000=2001:db8:5f00:2::1
RTR_V1000=2001:db8:5f00:2::2
MAC_RTR=02:6e:70:00:01:00
MAC_UP=02:6e:70:00:02:00
MAC_LAN=02:6e:70:00:00:10
MAC_MV=02:6e:70:00:05:00

TOPO_OK=0
TOPO_TRIED=0

# Every test needs the topology; the first one to run builds it.
need_topo()
{
	[ "$TOPO_TRIED" = 1 ] || topology
	[ "$TOPO_OK" = 1 ] && return 0
	log_test_skip "$1" "the topology is not up"
	return 1
}

# udp_ok A_NS B_NS B_ADDR EXPECT_SRC [pkt.py options]: datagrams from A
# reach B, which sees them from EXPECT_SRC, and its echoes come back.
udp_ok()
{
	local a=$1 b=$2 addr=$3 src=$4

	shift 4
	UDP_OUT=$("$PYTHON" "$PKT" udp --a-ns "$a" --b-ns "$b" \
		--b-addr "$addr" --expect-src "$src" "$@" 2>&1)
}

ndp_stat()
{
	rtr_nptctl -j -s show dev "$1" 2>/dev/null |
		jq -r --arg c "$2" '.[0].stats.ndp[$c] // 0' 2>/dev/null
}

# Neighbor Advertisements for TARGET in a pcap file.
nas_for()
{
	"$PYTHON" "$ND" pcap "$1" 2>/dev/null |
		jq -c --arg t "$2" '[.[] | select(.target == $t)]'
}

topo_stacked()
{
	setup_ns sw up rtr lan ctr || return 1

	ip -n "$sw" link add br0 type bridge vlan_filtering 1 \
		mcast_snooping 0 &&
	ip link add name eth0 address $MAC_RTR netns "$rtr" type veth \
		peer name p-rtr netns "$sw" &&
	ip link add name u0 address $MAC_UP netns "$up" type veth \
		peer name p-up netns "$sw" &&
	ip link add name h0 address $MAC_LAN netns "$lan" type veth \
		peer name p-lan netns "$sw" || return 1

	local p
	for p in p-rtr p-up p-lan; do
		ip -n "$sw" link set "$p" master br0 &&
		ip -n "$sw" link set "$p" up || return 1
	done
	ip -n "$sw" link set br0 up &&
	ip netns exec "$sw" bridge vlan add dev p-rtr vid 10 &&
	ip netns exec "$sw" bridge vlan add dev p-rtr vid 1000 &&
	ip netns exec "$sw" bridge vlan add dev p-up vid 1000 &&
	ip netns exec "$sw" bridge vlan del dev p-lan vid 1 &&
	ip netns exec "$sw" bridge vlan add dev p-lan vid 10 pvid untagged ||
		return 1

	ip netns exec "$rtr" sysctl -qw net.ipv6.conf.all.forwarding=1 &&
	ip -n "$rtr" link set eth0 up &&
	ip -n "$rtr" link add link eth0 name eth0.10 type vlan id 10 &&
	ip -n "$rtr" link add link eth0 name eth0.1000 type vlan id 1000 &&
	ip -n "$rtr" link add link eth0 name mv0 address $MAC_MV \
		type macvlan mode bridge &&
	ip -n "$rtr" link set mv0 netns "$ctr" &&
	ip -n "$rtr" link set eth0.10 up &&
	ip -n "$rtr" link set eth0.1000 up &&
	ip -n "$rtr" -6 addr add $RTR_EXT/64 dev eth0 nodad &&
	ip -n "$rtr" -6 addr add $RTR_LAN/64 dev eth0.10 nodad &&
	ip -n "$rtr" -6 addr add $RTR_V1000/64 dev eth0.1000 nodad &&
	ip -n "$rtr" -6 route add default via $UP_WAN dev eth0 || return 1

	ip -n "$up" link set u0 up &&
	ip -n "$up" link add link u0 name u0.1000 type vlan id 1000 &&
	ip -n "$up" link set u0.1000 up &&
	ip -n "$up" -6 addr add $UP_WAN/64 dev u0 nodad &&
	ip -n "$up" -6 addr add $UP_V1000/64 dev u0.1000 nodad || return 1

	ip -n "$lan" link set h0 up &&
	ip -n "$lan" -6 addr add $LAN_HOST/64 dev h0 nodad &&
	ip -n "$lan" -6 route add default via $RTR_LAN || return 1

	ip -n "$ctr" link set mv0 up &&
	ip -n "$ctr" -6 addr add $CTR_ADDR/64 dev mv0 nodad &&
	ip -n "$ctr" -6 route add default via $UP_WAN
}

# ---------------------------------------------------------------------
# Tests

topology()
{
	local out

	[ "$TOPO_TRIED" = 1 ] && return
	TOPO_TRIED=1
	RET=0
	topo_stacked
	check_err $? "topology setup failed"
	if [ "$RET" = 0 ]; then
		out=$(rtr_nptctl add $INT_PFX $EXT_PFX dev eth0 2>&1)
		check_err $? "nptctl add $INT_PFX $EXT_PFX dev eth0: $out"
	fi
	LAN_EXT=$(npt_map $INT_PFX $EXT_PFX $LAN_HOST)
	LAN_EXT2=$(npt_map $INT_PFX $EXT2_PFX $LAN_HOST)
	log_info "model: $LAN_HOST is $LAN_EXT on $EXT_PFX, $LAN_EXT2 on $EXT2_PFX"
	# Both ends of the LAN have talked, as they would have by now.
	ping_ok "$lan" $RTR_LAN -c 1
	check_err $? "lan cannot ping rtr on VLAN 10"
	log_test "topology: WAN untagged on eth0 (mapping, ndproxy auto), LAN on eth0.10, macvlan in ctr"
	[ "$RET" = 0 ] && TOPO_OK=1
}

# The router talks to its own LAN from its ULA: that leaves through eth0
# tagged, and must not be translated (nor may its NDP there).
stick_router_to_lan()
{
	need_topo "router-on-a-stick: rtr to its LAN host" || return
	RET=0
	ping_ok "$rtr" $LAN_HOST -I $RTR_LAN
	check_err $? "no echo replies"
	log_test "router-on-a-stick: rtr pings $LAN_HOST from $RTR_LAN through eth0.10"

	RET=0
	udp_ok "$rtr" "$lan" $LAN_HOST $RTR_LAN --a-src $RTR_LAN
	check_err $? "$UDP_OUT"
	log_test "router-on-a-stick: the LAN host sees rtr's untranslated $RTR_LAN"
}

stick_lan_out()
{
	need_topo "router-on-a-stick: LAN to upstream" || return
	RET=0
	ping_ok "$lan" $UP_WAN
	check_err $? "no echo replies from $UP_WAN"
	udp_ok "$lan" "$up" $UP_WAN "$LAN_EXT"
	check_err $? "$UDP_OUT"
	log_test "router-on-a-stick: LAN -> upstream translated, seen from $LAN_EXT"

	RET=0
	ping_ok "$up" "$LAN_EXT"
	check_err $? "no echo replies from $LAN_EXT"
	log_test "router-on-a-stick: upstream resolves and pings $LAN_EXT (proxy, untagged)"
}

# An NS that arrives tagged belongs to eth0.10; the proxy must not answer
# it, least of all untagged, into the WAN's VLAN.
stick_tagged_ns()
{
	local pcap out s0 s1

	need_topo "router-on-a-stick: tagged NS" || return
	RET=0
	pcap=$(tmpfile up.pcap)
	capture_start "$up" u0 "$pcap" icmp6
	check_err $? "tcpdump did not start in up"
	s0=$(ndp_stat eth0 ns_seen)
	out=$(ip netns exec "$lan" "$PYTHON" "$ND" probe --iface h0 --wait 1.5 \
		tagged:mcast:$LAN_EXT 2>&1)
	s1=$(ndp_stat eth0 ns_seen)
	capture_stop $CAP_PID
	echo "$out" | jq -e '.tagged | length == 0' >/dev/null 2>&1
	check_err $? "the LAN host got NAs: $out"
	[ "$(nas_for "$pcap" "$LAN_EXT")" = "[]" ]
	check_err $? "NAs for $LAN_EXT on the WAN: $(nas_for "$pcap" "$LAN_EXT")"
	[ "$s1" = "$s0" ]
	check_err $? "the proxy saw the tagged NS: ns_seen $s0 -> $s1"
	log_test "router-on-a-stick: an NS for $LAN_EXT arriving tagged (VLAN 10) is not the proxy's: no NA anywhere"
}

# A container on the WAN NIC, with its own address in the external /64:
# its frames come in on eth0 for another MAC (PACKET_OTHERHOST).
macvlan()
{
	need_topo "macvlan on the WAN NIC" || return
	RET=0
	ping_ok "$up" $CTR_ADDR
	check_err $? "no echo replies from $CTR_ADDR"
	udp_ok "$up" "$ctr" $CTR_ADDR $UP_WAN
	check_err $? "$UDP_OUT"
	log_test "macvlan: upstream reaches the container's $CTR_ADDR in the external /64 untranslated"

	RET=0
	ping_ok "$ctr" $UP_WAN
	check_err $? "no echo replies from $UP_WAN"
	udp_ok "$ctr" "$up" $UP_WAN $CTR_ADDR
	check_err $? "$UDP_OUT"
	log_test "macvlan: the container reaches upstream from $CTR_ADDR, and replies come back"

	RET=0
	ping_ok "$up" "$LAN_EXT"
	check_err $? "no echo replies from $LAN_EXT"
	log_test "macvlan: the LAN host's $LAN_EXT is still translated beside it"
}

# Seed 003: the mapping on a VLAN device sees that VLAN's frames untagged
# and must translate them, and proxy for them.
vlan_wan()
{
	local out

	need_topo "mapping on a VLAN device" || return
	RET=0
	rtr_nptctl del $INT_PFX dev eth0 &&
	out=$(rtr_nptctl add $INT_PFX $EXT2_PFX dev eth0.1000 2>&1)
	check_err $? "nptctl add $INT_PFX $EXT2_PFX dev eth0.1000: $out"
	ip -n "$rtr" -6 route replace default via $UP_V1000 dev eth0.1000
	check_err $? "cannot route via VLAN 1000"
	udp_ok "$lan" "$up" $UP_V1000 "$LAN_EXT2"
	check_err $? "$UDP_OUT"
	log_test "VLAN WAN: mapping on eth0.1000 translates LAN -> upstream to $LAN_EXT2"

	RET=0
	ping_ok "$up" "$LAN_EXT2"
	check_err $? "no echo replies from $LAN_EXT2"
	log_test "VLAN WAN: upstream resolves and pings $LAN_EXT2 on VLAN 1000 (proxy)"
}

# A bond takes the type of its first slave.  With an ip6gre slave it would
# become a device with 16-byte link addresses, and the proxy builds its
# NAs for Ethernet: the change is refused while a proxy is on, said so in
# the log, and allowed once it is off.
type_change()
{
	local out type mark

	need_topo "device type change under a proxy" || return
	RET=0
	modprobe -q bonding
	ip -n "$rtr" link add bond0 type bond mode active-backup &&
	ip -n "$rtr" link add g0 type ip6gre local $RTR_EXT remote $UP_WAN &&
	ip -n "$rtr" link set bond0 up
	check_err $? "cannot create bond0 and g0"
	out=$(rtr_nptctl add fd00:b0::/64 2001:db8:b0::/64 dev bond0 2>&1)
	check_err $? "nptctl add ... dev bond0: $out"
	mark="npt6-type-change-$$-$RANDOM"
	echo "$mark" >/dev/kmsg
	out=$(ip -n "$rtr" link set g0 master bond0 2>&1)
	check_fail $? "g0 was enslaved under a proxy"
	type=$(ip netns exec "$rtr" cat /sys/class/net/bond0/type)
	[ "$type" = 1 ]
	check_err $? "bond0 changed its type to $type"
	dmesg | sed -n "/$mark/,\$p" | grep -q 'bond0: refusing to change the device type'
	check_err $? "npt6 did not say why: $(dmesg | sed -n "/$mark/,\$p" | tail -n 3)"
	[ "$(rtr_nptctl -j show dev bond0 | jq length)" = 1 ]
	check_err $? "the mapping on bond0 is gone"
	log_test "type change: enslaving ip6gre to bond0 refused while its mapping proxies (\"$out\")"

	RET=0
	rtr_nptctl del fd00:b0::/64 dev bond0 &&
	rtr_nptctl add fd00:b0::/64 2001:db8:b0::/64 dev bond0 ndproxy off
	check_err $? "cannot re-add the mapping without a proxy"
	out=$(ip -n "$rtr" link set g0 master bond0 2>&1)
	check_err $? "g0 not enslaved with the proxy off: $out"
	log_test "type change: allowed once the mapping's proxy is off (bond0 type $(ip netns exec "$rtr" cat /sys/class/net/bond0/type))"
	ip -n "$rtr" link del bond0 2>/dev/null
	ip -n "$rtr" link del g0 2>/dev/null
}

# ---------------------------------------------------------------------

require_cmd ip bridge jq ping tcpdump timeout
require_scapy
npt6_run_tests "$@"
