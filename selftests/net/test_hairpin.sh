#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hairpinning (issue 17, RFC 6296 section 4.3, DESIGN.md "Hairpinning"):
# LAN hosts reach each other by their external addresses.
#
#      up         the upstream router
#       |
#     [ge0]  rtr  [wan2]  a second external device (dummy), same ULA
#   [br0]    [ge2]
#   /   \       \
#  a     b       c   c sits on its own segment, MTU 1280, in a second
#                    internal prefix with its own mapping on ge0
#
# Three external set-ups, each built from scratch:
#   onlink-auto  the external /64 on-link on ge0 (Starlink), ndproxy auto
#   onlink-all   the same, ndproxy all
#   routed       the external prefixes routed to rtr by up, behind the
#                README's `unreachable EXT metric 4096` loop guards
# and a stateful nftables forward chain in force on rtr: invalid dropped,
# established accepted, and the README's rule for LAN-to-LAN traffic by
# external address.
#
# Expected addresses and bytes come from npt.py, never from the module.
#
# Exit status: 0 all passed, 1 something failed, 4 a needed tool is missing.

ALL_TESTS="
	onlink_auto
	onlink_all
	routed
	kernel_log
"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HP=$NET_DIR/hairpin.py
PKT=$NET_DIR/pkt.py

INT2_PFX=fd8e:52a1:3c07:2::/64		# c's segment
EXT2_PFX=2001:db8:5f00:2::/64		# its mapping on ge0, always routed
EXT3_PFX=2001:db8:5f00:3::/64		# INT_PFX again, on wan2
A_ADDR=fd8e:52a1:3c07:1::a
B_ADDR=fd8e:52a1:3c07:1::b
C_ADDR=fd8e:52a1:3c07:2::c
RTR_LAN2=fd8e:52a1:3c07:2::1
UP_EXT=2001:db8:5f00:1::1		# onlink: up's address in the /64
RTR_EXT=2001:db8:5f00:1::2		# onlink: rtr's own, never translated

# The firewall in force: what README.md gives for hairpinning, on top of a
# usual stateful forward chain.  Counters say what conntrack made of it.
firewall()
{
	ip netns exec "$rtr" nft -f - <<-EOF
	table inet fw {
		counter invalid {}
		counter established {}
		counter hairpin {}
		chain forward {
			type filter hook forward priority filter; policy drop;
			ct state invalid counter name "invalid" drop
			ct state established,related counter name "established" accept
			iifname { "br0", "ge2" } oifname { "ge0", "wan2" } accept
			iifname { "br0", "ge2" } oifname { "br0", "ge2" } ct original ip6 daddr { $EXT_PFX, $EXT2_PFX, $EXT3_PFX } counter name "hairpin" accept
		}
	}
	EOF
}

nft_counter()
{
	ip netns exec "$rtr" nft -j list counter inet fw "$1" |
		jq '.nftables[] | select(.counter) | .counter.packets'
}

# hairpin_topo MODE NDPROXY
hairpin_topo()
{
	local mode=$1 proxy=$2 h

	setup_ns a b c rtr up || return 1
	veth_pair "$a" eth0 02:6e:70:00:0a:00 "$rtr" pa 02:6e:70:00:0a:01 &&
	veth_pair "$b" eth0 02:6e:70:00:0b:00 "$rtr" pb 02:6e:70:00:0b:01 &&
	veth_pair "$c" eth0 02:6e:70:00:0c:00 "$rtr" ge2 02:6e:70:00:0c:01 &&
	veth_pair "$rtr" ge0 $MAC_GE0 "$up" u0 $MAC_W0 || return 1

	ip netns exec "$rtr" sysctl -qw net.ipv6.conf.all.forwarding=1 &&
	ip netns exec "$up" sysctl -qw net.ipv6.conf.all.forwarding=1 &&
	ip -n "$rtr" link add br0 type bridge &&
	ip -n "$rtr" link set pa master br0 &&
	ip -n "$rtr" link set pb master br0 &&
	ip -n "$rtr" link set br0 up &&
	ip -n "$rtr" link add wan2 type dummy &&
	ip -n "$rtr" link set wan2 up &&
	ip -n "$rtr" -6 addr add $RTR_LAN/64 dev br0 nodad &&
	ip -n "$rtr" link set ge2 mtu 1280 &&
	ip -n "$c" link set eth0 mtu 1280 &&
	ip -n "$rtr" -6 addr add $RTR_LAN2/64 dev ge2 nodad || return 1

	for h in a b c; do
		# Final checksums on the wire, so that they can be compared.
		ip netns exec "${!h}" ethtool -K eth0 tx off >/dev/null || return 1
	done
	ip -n "$a" -6 addr add $A_ADDR/64 dev eth0 nodad &&
	ip -n "$a" -6 route add default via $RTR_LAN &&
	ip -n "$b" -6 addr add $B_ADDR/64 dev eth0 nodad &&
	ip -n "$b" -6 route add default via $RTR_LAN &&
	ip -n "$c" -6 addr add $C_ADDR/64 dev eth0 nodad &&
	ip -n "$c" -6 route add default via $RTR_LAN2 || return 1

	if [ "$mode" = onlink ]; then
		ip -n "$rtr" -6 addr add $RTR_EXT/64 dev ge0 nodad &&
		ip -n "$rtr" -6 route add default via $UP_EXT &&
		ip -n "$up" -6 addr add $UP_EXT/64 dev u0 nodad &&
		ip -n "$up" -6 route add $EXT2_PFX via $RTR_EXT || return 1
	else
		ip -n "$rtr" -6 addr add $RTR_WAN/64 dev ge0 nodad &&
		ip -n "$rtr" -6 route add default via $WAN_ADDR &&
		ip -n "$rtr" -6 route add unreachable $EXT_PFX metric 4096 &&
		ip -n "$up" -6 addr add $WAN_ADDR/64 dev u0 nodad &&
		ip -n "$up" -6 route add $EXT_PFX via $RTR_WAN &&
		ip -n "$up" -6 route add $EXT2_PFX via $RTR_WAN || return 1
	fi
	# The README's loop guards, for the prefixes that are always routed.
	ip -n "$rtr" -6 route add unreachable $EXT2_PFX metric 4096 &&
	ip -n "$rtr" -6 route add unreachable $EXT3_PFX metric 4096 || return 1

	rtr_nptctl add $INT_PFX $EXT_PFX dev ge0 ndproxy "$proxy" &&
	rtr_nptctl add $INT2_PFX $EXT2_PFX dev ge0 ndproxy "$proxy" &&
	rtr_nptctl add $INT_PFX $EXT3_PFX dev wan2 ndproxy off &&
	firewall
}

# The tests of one set-up.
hairpin_case()
{
	local name=$1 mode=$2 proxy=$3
	local a_ext b_ext c_ext b_ext3 a_ext3 out inv est hp before

	RET=0
	if ! hairpin_topo "$mode" "$proxy"; then
		setup_failed "topology setup failed" "$name"
		return
	fi
	a_ext=$(npt_map $INT_PFX $EXT_PFX $A_ADDR)
	b_ext=$(npt_map $INT_PFX $EXT_PFX $B_ADDR)
	c_ext=$(npt_map $INT2_PFX $EXT2_PFX $C_ADDR)
	a_ext3=$(npt_map $INT_PFX $EXT3_PFX $A_ADDR)
	b_ext3=$(npt_map $INT_PFX $EXT3_PFX $B_ADDR)
	log_info "$name: model: a $A_ADDR is $a_ext, b $B_ADDR is $b_ext, c $C_ADDR is $c_ext; on wan2 a is $a_ext3, b $b_ext3"

	ping_ok "$a" "$b_ext"
	check_err $? "a cannot ping b by $b_ext"
	ping_ok "$b" "$a_ext"
	check_err $? "b cannot ping a by $a_ext"
	log_test "$name: a and b ping each other by external address"

	RET=0
	out=$("$PYTHON" "$HP" udp --a-ns "$a" --a-if eth0 --b-ns "$b" \
		--b-if eth0 --b-ext "$b_ext" --expect-src "$a_ext" \
		--map "$INT_PFX=$EXT_PFX" --map "$INT2_PFX=$EXT2_PFX" 2>&1)
	check_err $? "$out"
	log_indent "$out"
	log_test "$name: UDP a -> $b_ext: b sees $a_ext, both legs byte-exact against npt.py"

	RET=0
	before=$(nft_counter hairpin)
	out=$("$PYTHON" "$HP" tcp --a-ns "$a" --b-ns "$b" --b-ext "$b_ext" \
		--expect-src "$a_ext" 2>&1)
	check_err $? "$out"
	inv=$(nft_counter invalid)
	est=$(nft_counter established)
	hp=$(nft_counter hairpin)
	[ "$inv" = 0 ]
	check_err $? "conntrack found $inv packets invalid"
	[ "$((hp - before))" = 1 ] && [ "$est" -gt 100 ]
	check_err $? "firewall: $((hp - before)) new hairpinned connections (1 expected), $est established packets"
	log_indent "$out"
	log_test "$name: TCP a -> $b_ext, 1 MiB each way through the stateful forward chain: one new flow, then established both ways, nothing invalid"

	RET=0
	# b's port unreachable about a's datagram, hairpinned back: from
	# b's external address, about the datagram exactly as a sent it
	# (one hop less).
	out=$("$PYTHON" "$PKT" probe --ns "$a" --iface eth0 --dst "$b_ext" \
		--port 9 --type 1 --code 4 --outer-src "$b_ext" \
		--inner-hlim 63 --errqueue 2>&1)
	check_err $? "$out"
	log_test "$name: b's port unreachable reaches a from $b_ext, embedded packet as a sent it"

	RET=0
	# traceroute's first probe: this router is the hop that answers.
	out=$("$PYTHON" "$PKT" probe --ns "$a" --iface eth0 --dst "$b_ext" \
		--hlim 1 --type 3 --code 0 --outer-src $RTR_LAN \
		--inner-hlim 1 --errqueue 2>&1)
	check_err $? "$out"
	log_test "$name: hop limit 1 to $b_ext: time exceeded from rtr, embedded packet as a sent it"

	RET=0
	# c's segment takes 1280: PMTUD by external address.
	out=$("$PYTHON" "$PKT" probe --ns "$a" --iface eth0 --dst "$c_ext" \
		--size 1400 --type 2 --code 0 --mtu 1280 --outer-src $RTR_LAN \
		--inner-hlim 64 --errqueue 2>&1)
	check_err $? "$out"
	log_test "$name: 1448 bytes to $c_ext over a 1280 segment: Packet Too Big (1280) to a's socket, about the packet as sent"

	RET=0
	out=$("$PYTHON" "$HP" udp --a-ns "$a" --a-if eth0 --b-ns "$c" \
		--b-if eth0 --b-ext "$c_ext" --expect-src "$a_ext" \
		--sizes 64,700,1200 \
		--map "$INT_PFX=$EXT_PFX" --map "$INT2_PFX=$EXT2_PFX" 2>&1)
	check_err $? "$out"
	log_test "$name: two mappings on ge0: a -> $c_ext, c sees a's $a_ext, byte-exact"

	RET=0
	out=$("$PYTHON" "$HP" udp --a-ns "$a" --a-if eth0 --b-ns "$b" \
		--b-if eth0 --b-ext "$b_ext3" --expect-src "$a_ext3" \
		--map "$INT_PFX=$EXT3_PFX" 2>&1)
	check_err $? "$out"
	log_test "$name: same ULA on wan2 too: a -> $b_ext3, b sees a by wan2's prefix ($a_ext3), byte-exact"

	if [ "$mode" = onlink ]; then
		RET=0
		ping_ok "$a" $RTR_EXT
		check_err $? "a cannot reach rtr's own $RTR_EXT"
		out=$("$PYTHON" "$HP" tcp --a-ns "$a" --b-ns "$rtr" \
			--b-ext $RTR_EXT --expect-src $A_ADDR --bytes 65536 2>&1)
		check_err $? "$out"
		log_test "$name: rtr's own $RTR_EXT is never hairpinned: a reaches rtr itself, untranslated"
	fi
	end_test
}

onlink_auto()
{
	hairpin_case onlink-auto onlink auto
}

onlink_all()
{
	hairpin_case onlink-all onlink all
}

routed()
{
	hairpin_case routed routed auto
}

# ---------------------------------------------------------------------

require_cmd ip jq ping nft ethtool
require_scapy
npt6_run_tests "$@"
