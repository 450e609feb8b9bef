#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Integration tests of npt6's ipip6 tunnel (RFC 2473, link kind "npt6tnl")
# in network namespaces.  Run as root on a kernel that can load npt6, i.e.
# inside the test guest:
#
#   make module nptctl &&
#   selftests/qemu/vm.sh --timeout 900 selftests/net/test_tunnel.sh [-t "TESTS"]
#
# Scenarios (DESIGN.md S3, S4):
#
# transix   transix / ZOOT NATIVE fixed IPv4 (seed 003):
#
#     lan ---- rtr ==wan0== ra ---- aftr ---- inet4
#     IPv4     npt6tnl      radvd,  Linux     IPv4 "internet"
#     host     local auto   IPv6    ip6tnl
#              token ::feed router  + NAT44
#
#   rtr learns <prefix>::feed by RA (accept_ra=2, ip token ::feed) and
#   follows the prefix when radvd renumbers.
#
# site_to_site, coexist, encaplimit, ptb, flow_ecn, unload: two routers
#   over the FLET'S NGN (seed 004), optionally a third (C):
#
#     ha ---- A ==g0== ngn ==g0== B ---- hb
#     .1.10            |              .2.10
#                      C
#
# Everything a test asserts is observed from outside the module: pings,
# iperf3, UDP and TCP sockets, interface counters, nptctl tunnel show, and
# byte-level checks of tcpdump -w captures by tunnel_pkt.py (its own pcap
# reader, independent of scapy).  Crafted packets are made with scapy.
# Captures are taken where a real wire would be cut: on veths whose GSO
# is limited to one segment, so they show wire-sized packets.
#
# NPT6_KO=path/npt6.ko loads that module (replacing another npt6); by
# default the installed one, with modprobe npt6 (lib.sh's npt6_load).
# NPT6_TNL_FASTPATH=1 makes every npt6 tunnel of the scenarios a
# "fastpath on" one (test_tunnel_fastpath.sh runs the suite so); the
# fastpath test sets the option itself either way.
#
# Exit status: 0 all passed, 1 something failed, 4 a needed tool is missing.

ALL_TESTS="
	transix
	site_to_site
	coexist
	encaplimit
	ptb
	flow_ecn
	unload
	bad_config
	gso_nodf
	fwmark
	xfrm_esp
	change_remote
	carrier
	md_dst
	fastpath
	kernel_log
"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TNL_PKT=$NET_DIR/tunnel_pkt.py

# The option every npt6 tunnel of the scenarios gets (see the header).
FASTARGS=()
[ "${NPT6_TNL_FASTPATH:-0}" = 1 ] && FASTARGS=(fastpath on)

# transix (S3).  2404:8e00::feed:140 is transix's AFTR, as in seed 003.
AFTR6=2404:8e00::feed:140
AFTR_GW6=2404:8e00::1
NGN_P1=2001:db8:4e0:1::
NGN_P2=2001:db8:4e0:2::
TOKEN=::feed
INET4=198.51.100.2
AFTR4=198.51.100.1
LAN4_PFX=192.168.1.0/24
LAN4_HOST=192.168.1.10
LAN4_RTR=192.168.1.1

# Site to site (S4).
A6=2001:db8:e1::a
A6_OTHER=2001:db8:e1::aa
NGN_A6=2001:db8:e1::1
B6=2001:db8:e2::b
NGN_B6=2001:db8:e2::1
C6=2001:db8:e3::c
NGN_C6=2001:db8:e3::1
Z6=2001:db8:e1::99		# an ipip6 sender nobody configured
HA4=192.168.1.10
A4=192.168.1.1
HB4=192.168.2.10
HB4_2=192.168.2.11
B4=192.168.2.1
A_C4=172.16.2.1
C_A4=172.16.2.2

# Fixed MACs, so that crafted frames can be addressed without asking.
MAC_T_LAN0=02:6e:74:01:00:10
MAC_T_GE1=02:6e:74:01:01:01
MAC_T_WAN0=02:6e:74:01:01:00
MAC_T_R0=02:6e:74:01:02:00
MAC_T_R1=02:6e:74:01:02:01
MAC_T_A0=02:6e:74:01:03:00
MAC_T_AI0=02:6e:74:01:03:01
MAC_T_E0=02:6e:74:01:04:00
MAC_HA=02:6e:74:02:00:10
MAC_A_L0=02:6e:74:02:0a:01
MAC_A_G0=02:6e:74:02:0a:00
MAC_N0=02:6e:74:02:01:00
MAC_N1=02:6e:74:02:01:01
MAC_N2=02:6e:74:02:01:02
MAC_B_G0=02:6e:74:02:0b:00
MAC_B_L0=02:6e:74:02:0b:01
MAC_HB=02:6e:74:02:00:20
MAC_C_G0=02:6e:74:02:0c:00

# ---------------------------------------------------------------------
# Shared pieces

tpkt()
{
	"$PYTHON" "$TNL_PKT" "$@"
}

# ping_ok NS DST [ARGS...]: 3 echoes, all answered within 10 s.
ping_ok()
{
	local ns=$1 dst=$2

	shift 2
	ip netns exec "$ns" ping -n -q -c 3 -i 0.2 -w 10 "$@" "$dst" >/dev/null 2>&1
}

# ping_df_mtu NS DST SIZE: DF pings of SIZE bytes of data, with the
# sender's learned path MTUs forgotten first; prints the MTUs that ICMP
# frag-needed errors coming back reported (not the sender's own
# "message too long" errors, which only repeat what it learned).
ping_df_mtu()
{
	ip -n "$1" route flush cache >/dev/null 2>&1
	ip netns exec "$1" ping -n -c 4 -i 0.5 -W 1 -M "do" -s "$3" "$2" 2>&1 |
		sed -n 's/.*Frag needed.*mtu = \([0-9]*\).*/\1/p' | sort -u | xargs
}

# tnl_active_is NS NAME ADDR: the tunnel's local address in effect is ADDR.
tnl_active_is()
{
	[ "$(active_local "$1" "$2")" = "$3" ]
}

# iperf_check DESC CLIENT_NS SERVER_NS ADDR [ARGS...]: one TEST line.
iperf_check()
{
	local desc=$1 rc

	shift
	iperf_run "$@"
	rc=$?
	check_err $rc "iperf3 exited $rc: $(tail -n 3 "$IPERF_JSON")"
	[ "$IPERF_BYTES" -gt 100000 ]
	check_err $? "only $IPERF_BYTES bytes received"
	log_test "$desc ($IPERF_BYTES bytes)"
}

# cap_start [-c COUNT] NS IF FILE [FILTER...]: tcpdump -w in the
# background; its pid is left in CAP_PID.  Only headers are kept, and
# with -c only the first COUNT packets: under emulation every captured
# packet costs, in tcpdump and in the checks.  Returns once tcpdump says
# it is listening, which it does after its filter is in place (libpcap
# drops what arrived before that, so an open socket is not enough).
cap_start()
{
	local count=() ns ifname file

	if [ "$1" = -c ]; then
		count=(-c "$2")
		shift 2
	fi
	ns=$1 ifname=$2 file=$3
	shift 3
	ip netns exec "$ns" tcpdump -i "$ifname" -n -U --immediate-mode -s 256 -Z root \
		"${count[@]}" -w "$file" "$@" >/dev/null 2>"$file.log" &
	CAP_PID=$!
	BG_PIDS="$BG_PIDS $CAP_PID"
	busywait 15000 grep -q 'listening on' "$file.log" ||
		log_info "tcpdump on $ifname did not start: $(cat "$file.log")"
}

# cap_stop PID FILE...: stop captures once their files stop growing:
# under emulation tcpdump can lag well behind the traffic, and what it
# has not written yet when killed is lost.  (--immediate-mode in
# cap_start keeps libpcap from holding packets back in a ring block.)
# A file still without a packet gets up to 6 s more before we give up.
cap_stop()
{
	local pid=$1 file=$2 size=-1 same=0 i

	shift 2
	for ((i = 0; i < 60; i++)); do
		if [ "$(stat -c %s "$file" 2>/dev/null)" = "$size" ]; then
			same=$((same + 1))
			# 24 bytes: the pcap file header alone.
			[ "$same" -ge 2 ] && { [ "$size" -gt 24 ] || [ "$i" -ge 20 ]; } &&
				break
		else
			same=0
			size=$(stat -c %s "$file" 2>/dev/null)
		fi
		sleep 0.3
	done
	bg_stop "$pid"
	[ $# -gt 0 ] && cap_stop "$@"
	return 0
}

# link_stat NS DEV COUNTER: a /sys/class/net statistics counter.
link_stat()
{
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3" 2>/dev/null ||
		echo -1
}

# tnl_show NS NAME: nptctl -j -s tunnel show NAME
tnl_show()
{
	ip netns exec "$1" "$NPTCTL" -j -s tunnel show "$2" 2>&1
}

icmp6_out_unreach()
{
	ip netns exec "$1" awk '$1 == "Icmp6OutDestUnreachs" { print $2 }' \
		/proc/net/snmp6
}

# No GSO across this veth: big TCP segments are cut to the MTU before
# they leave, as on a real wire, so captures show wire-sized packets.
nogso()
{
	ip -n "$1" link set "$2" gso_max_segs 1
}

# Drop the namespaces of the previous test, keep its verdicts.
# setup_failed DESC: report a setup that did not work and end the test.
router_sysctls()
{
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.icmp_ratelimit=0
}

# ---------------------------------------------------------------------
# transix (S3)

# radvd_conf FILE PREFIX:PREFERRED...: radvd announcing each /64 on r0.
radvd_conf()
{
	local file=$1 p

	shift
	{
		echo 'interface r0 {'
		echo '	AdvSendAdvert on;'
		echo '	MinRtrAdvInterval 3;'
		echo '	MaxRtrAdvInterval 4;'
		for p in "$@"; do
			echo "	prefix ${p%:*}/64 {"
			echo '		AdvOnLink on; AdvAutonomous on;'
			echo "		AdvPreferredLifetime ${p##*:}; AdvValidLifetime 1200;"
			echo '	};'
		done
		echo '};'
	} >"$file"
	chmod 600 "$file"
}

has_addr6()
{
	ip -n "$1" -6 addr show dev "$2" | grep -q "inet6 $3/"
}

active_local()
{
	ip netns exec "$1" "$NPTCTL" -j tunnel show "$2" 2>/dev/null |
		jq -r '.[0].active_local // empty' 2>/dev/null
}

transix_create()
{
	setup_ns lan rtr ra aftr inet4 || return 1

	veth_pair "$lan" lan0 $MAC_T_LAN0 "$rtr" ge1 $MAC_T_GE1 &&
	veth_pair "$rtr" wan0 $MAC_T_WAN0 "$ra" r0 $MAC_T_R0 &&
	veth_pair "$ra" r1 $MAC_T_R1 "$aftr" a0 $MAC_T_A0 &&
	veth_pair "$aftr" i0 $MAC_T_AI0 "$inet4" e0 $MAC_T_E0 || return 1

	# The NGN: routes the customer prefixes and the AFTR, and announces
	# the customer /64 by RA.
	ip netns exec "$ra" sysctl -qw net.ipv6.conf.all.forwarding=1 &&
	ip -n "$ra" -6 addr add ${NGN_P1}1/64 dev r0 nodad &&
	ip -n "$ra" -6 addr add $AFTR_GW6/64 dev r1 nodad || return 1
	RADVD_CONF=$(tmpfile radvd.conf)
	radvd_conf "$RADVD_CONF" "$NGN_P1:600"
	bg ip netns exec "$ra" radvd -n -C "$RADVD_CONF" \
		-p "$TMP_DIR/radvd.pid" -m logfile -l "$TMP_DIR/radvd.log"
	RADVD_PID=$BG_PID

	# The AFTR: Linux ip6tnl without the encapsulation-limit option,
	# NAT44 toward the IPv4 internet.
	ip -n "$aftr" -6 addr add $AFTR6/64 dev a0 nodad &&
	ip -n "$aftr" -6 route add default via $AFTR_GW6 &&
	ip -n "$aftr" addr add $AFTR4/24 dev i0 &&
	router_sysctls "$aftr" &&
	ip netns exec "$aftr" iptables -t nat -A POSTROUTING -s $LAN4_PFX \
		-o i0 -j MASQUERADE || return 1
	ip -n "$inet4" addr add $INET4/24 dev e0 &&
	ip -n "$lan" addr add $LAN4_HOST/24 dev lan0 &&
	ip -n "$lan" route add default via $LAN4_RTR || return 1

	# The home router; its WAN address will come from RA (transix()).
	router_sysctls "$rtr" &&
	ip -n "$rtr" addr add $LAN4_RTR/24 dev ge1 || return 1

	# Wire-sized packets on the tunnel's path, for the captures.
	nogso "$rtr" wan0 && nogso "$aftr" a0
}

transix()
{
	local p1feed=${NGN_P1}feed p2feed=${NGN_P2}feed
	local out js cap tcpcap syncap lancap cap2 acap scap lcap n mtus syn synack reasm reasm0

	RET=0
	if ! require_radvd; then
		log_test_skip "transix: local auto token ::feed behind RA" \
			"radvd not installed"
		return
	fi
	transix_create || { setup_failed "topology setup failed" transix; return; }

	# The tunnel, as the design's example has it, made before wan0 has
	# any global address: it must wait for one.
	out=$(ip netns exec "$rtr" "$NPTCTL" tunnel add tun0 remote $AFTR6 \
		local auto token $TOKEN dev wan0 "${FASTARGS[@]}" 2>&1)
	check_err $? "nptctl tunnel add: $out"
	ip -n "$rtr" link set tun0 up &&
	ip -n "$rtr" route add default dev tun0
	check_err $? "cannot bring tun0 up or route through it"
	js=$(tnl_show "$rtr" tun0)
	echo "$js" | jq -e '.[0].active_local == null' >/dev/null
	check_err $? "active local before any RA: $js"
	# No local address, no carrier: the stack itself holds the packets
	# back, as for a NIC without link, and none is sent.
	ip -n "$rtr" link show tun0 | grep -q 'NO-CARRIER'
	check_err $? "tun0 has a carrier without a local address: $(ip -n "$rtr" link show tun0)"
	ip netns exec "$lan" ping -n -q -c 2 -i 0.2 -w 2 $INET4 >/dev/null 2>&1
	check_fail $? "ping went through a tunnel without a local address"
	js=$(tnl_show "$rtr" tun0)
	echo "$js" | jq -e '.[0].stats.tx.packets == 0' >/dev/null
	check_err $? "counters without a local address: $js"
	log_test "transix: tunnel add ... local auto token ::feed dev wan0 before RA: no local address, no carrier, nothing sent"

	# Now the NGN's RA, with interface ID ::feed as transix wants it.
	ip netns exec "$rtr" sysctl -qw net.ipv6.conf.wan0.accept_ra=2 &&
	ip -n "$rtr" token set $TOKEN dev wan0
	check_err $? "cannot set accept_ra or the token on wan0"
	if ! busywait 20000 has_addr6 "$rtr" wan0 "$p1feed"; then
		setup_failed "rtr got no $p1feed by RA: $(ip -n "$rtr" -6 addr show dev wan0; cat "$TMP_DIR/radvd.log")" transix
		return
	fi
	busywait 5000 tnl_active_is "$rtr" tun0 "$p1feed"
	js=$(tnl_show "$rtr" tun0)
	echo "$js" | jq -e --arg l "$p1feed" --arg r $AFTR6 '
		.[0].active_local == $l and .[0].local_auto == true and
		.[0].token == "::feed" and .[0].remote == $r and
		.[0].mtu == 1460 and .[0].encaplimit == "none" and
		.[0].mss == "auto" and .[0].dev == "wan0"' >/dev/null
	check_err $? "nptctl -j tunnel show: $js"
	[ "$(ip -n "$rtr" -j link show tun0 | jq '.[0].mtu')" = 1460 ]
	check_err $? "tun0 MTU: $(ip -n "$rtr" link show tun0)"
	busywait 5000 sh -c "ip -n $rtr link show tun0 | grep -q LOWER_UP"
	check_err $? "tun0 has no carrier with a local address: $(ip -n "$rtr" link show tun0)"
	log_test "transix: RA gives wan0 $p1feed; show reports it as the active local, mtu 1460, encaplimit none, mss auto; carrier up"
	ip netns exec "$rtr" "$NPTCTL" tunnel show | log_indent

	ip -n "$aftr" -6 tunnel add tun0 mode ip4ip6 local $AFTR6 \
		remote "$p1feed" encaplimit none dev a0 &&
	ip -n "$aftr" link set tun0 up &&
	ip -n "$aftr" route add $LAN4_PFX dev tun0 || {
		setup_failed "AFTR ip6tnl setup failed" transix
		return
	}

	# Phase 1, pings and UDP: everything the AFTR receives from rtr.
	cap=$(tmpfile aftr.pcap)
	cap_start "$aftr" a0 "$cap" ip6
	acap=$CAP_PID
	reasm0=$(ip netns exec "$aftr" awk '$1 == "Ip6ReasmReqds" { print $2 }' /proc/net/snmp6)

	ping_ok "$lan" $INET4
	check_err $? "no echo replies from $INET4"
	log_test "transix: ping LAN $LAN4_HOST -> $INET4 via npt6tnl, AFTR ip6tnl and NAT44"

	ping_ok "$lan" $INET4 -M "do" -s 1432
	check_err $? "DF ping of 1460 bytes failed"
	mtus=$(ping_df_mtu "$lan" $INET4 1433)
	[ "$mtus" = 1460 ]
	check_err $? "DF ping of 1461 bytes: reported MTUs '$mtus', want 1460"
	log_test "transix: tunnel MTU 1460: DF ping of 1460 bytes passes, of 1461 gets frag-needed mtu 1460"

	# A 3000-byte datagram cannot leave the LAN host with DF; the
	# largest that can is 1472 bytes (1500 with headers).
	ip -n "$lan" route flush cache
	out=$(tpkt udp --a-ns "$lan" --b-ns "$inet4" --b-addr $INET4 \
		--size 1472 --count 3 --interval 0.3 --wait 1 --df 2>&1)
	echo "$out" | jq -e '.received == [] and .mtu == 1460 and
		any(.icmp[]; .type == 3 and .code == 4 and .info == 1460) and
		(.send_errors | index("EMSGSIZE") != null)' >/dev/null
	check_err $? "$out"
	log_test "transix: UDP 1472 bytes + DF: ICMP frag-needed mtu 1460 reaches the socket, later sends EMSGSIZE"

	# Forgotten again: the LAN host sends 1500-byte fragments, rtr has
	# to cut them for the tunnel.
	ip -n "$lan" route flush cache
	out=$(tpkt udp --a-ns "$lan" --b-ns "$inet4" --b-addr $INET4 \
		--size 3000 --count 3 --no-df 2>&1)
	echo "$out" | jq -e '.received == [3000, 3000, 3000]' >/dev/null
	check_err $? "$out"
	log_test "transix: UDP 3000 bytes without DF delivered (3 of 3)"
	cap_stop $acap "$cap"

	# Under a loaded emulator the capture can miss packets (delivery is
	# asserted above), so it only checks the packets it saw: 40-byte,
	# unfragmented outer headers.  That the outer packet was never
	# fragmented is proven by the AFTR's own counter: it had nothing to
	# reassemble.
	out=$(tpkt encap --pcap "$cap" --src "$p1feed" --dst $AFTR6 \
		--max-outer 1500 --min 1 2>&1)
	check_err $? "$out"
	n=$(tpkt list --pcap "$cap" --src "$p1feed" --dst $AFTR6 |
		jq -s '[.[] | select(.ip4.proto == 17 and (.ip4.mf or .ip4.off > 0))] | length')
	reasm=$(ip netns exec "$aftr" awk '$1 == "Ip6ReasmReqds" { print $2 }' /proc/net/snmp6)
	[ "${reasm:-x}" = "$reasm0" ]
	check_err $? "the AFTR reassembled outer IPv6 fragments (Ip6ReasmReqds $reasm0 -> $reasm)"
	log_test "transix: AFTR side: outer header 40 bytes, nexthdr 4, outer <= 1500; outer never fragmented ($n inner fragments captured)"
	echo "$out" | log_indent

	# Phase 2, TCP.  The LAN host forgets the PMTU it learned, so that
	# its SYNs carry MSS 1460 again and only rtr can make them 1420.
	ip -n "$lan" route flush cache
	tcpcap=$(tmpfile aftr-tcp.pcap)
	syncap=$(tmpfile aftr-syn.pcap)
	lancap=$(tmpfile lan.pcap)
	cap_start -c 2000 "$aftr" a0 "$tcpcap" ip6
	acap=$CAP_PID
	# Inner TCP SYNs: next header 4, IPv4 without options, TCP, SYN.
	cap_start "$aftr" a0 "$syncap" 'ip6[6] = 4 and ip6[40] = 0x45 and ip6[49] = 6 and ip6[73] & 2 != 0'
	scap=$CAP_PID
	cap_start "$lan" lan0 "$lancap" 'tcp[tcpflags] & tcp-syn != 0'
	lcap=$CAP_PID

	iperf_check "transix: TCP LAN -> inet4, iperf3 2 s" "$lan" "$inet4" $INET4
	iperf_check "transix: TCP inet4 -> LAN, iperf3 -R 2 s" "$lan" "$inet4" $INET4 -R
	cap_stop $acap "$tcpcap" $scap "$syncap" $lcap "$lancap"

	out=$(tpkt encap --pcap "$tcpcap" --src "$p1feed" --dst $AFTR6 \
		--max-outer 1500 --min 500 2>&1)
	check_err $? "$out"
	log_test "transix: AFTR side, TCP segments (GSO): outer header 40 bytes, nexthdr 4, outer <= 1500"
	echo "$out" | log_indent

	syn=$(tpkt list --pcap "$syncap" --src "$p1feed" --dst $AFTR6 |
		jq -s -c '[.[] | select(.tcp_flags == "S") | .mss] | unique')
	synack=$(tpkt list --pcap "$syncap" --src $AFTR6 --dst "$p1feed" |
		jq -s -c '[.[] | select(.tcp_flags == "SA") | .mss] | unique')
	[ "$syn" = "[1420]" ]
	check_err $? "SYN MSS at the AFTR: $syn, want [1420]"
	[ "$synack" = "[1460]" ]
	check_err $? "SYN-ACK MSS from the AFTR: $synack, want [1460] (the AFTR does not clamp)"
	out=$(tpkt list --pcap "$lancap" | jq -s -c '
		{syn: [.[] | select(.tcp_flags == "S") | .mss] | unique,
		 synack: [.[] | select(.tcp_flags == "SA") | .mss] | unique}')
	[ "$out" = '{"syn":[1460],"synack":[1420]}' ]
	check_err $? "MSS seen on the LAN: $out, want SYN 1460, SYN-ACK 1420"
	log_test "transix: MSS clamped both ways: SYN 1460 -> 1420 at the AFTR, SYN-ACK 1460 -> 1420 on the LAN"

	# Renumbering: the NGN announces a new /64 and deprecates the old.
	ip -n "$ra" -6 addr add ${NGN_P2}1/64 dev r0 nodad
	radvd_conf "$RADVD_CONF" "$NGN_P1:0" "$NGN_P2:600"
	kill -HUP "$RADVD_PID"
	busywait 20000 tnl_active_is "$rtr" tun0 "$p2feed"
	check_err $? "active local still $(active_local "$rtr" tun0) 20 s after the renumbering RA"
	ip -n "$rtr" -6 addr show dev wan0 | grep "inet6 $p1feed/" | grep -q deprecated
	check_err $? "the old address is not deprecated: $(ip -n "$rtr" -6 addr show dev wan0)"
	log_test "transix: renumbering RA ($NGN_P1/64 deprecated, $NGN_P2/64 new): active local now $p2feed"
	ip netns exec "$rtr" "$NPTCTL" tunnel show | log_indent

	# Only the AFTR is told; rtr is left alone.
	cap2=$(tmpfile aftr2.pcap)
	cap_start -c 2000 "$aftr" a0 "$cap2" ip6
	ip -n "$aftr" -6 tunnel change tun0 mode ip4ip6 local $AFTR6 \
		remote "$p2feed" encaplimit none dev a0
	check_err $? "ip -6 tunnel change on the AFTR failed"
	ping_ok "$lan" $INET4
	check_err $? "no echo replies after the AFTR moved to $p2feed"
	iperf_check "transix: after renumbering, TCP LAN -> inet4 resumes without touching rtr" \
		"$lan" "$inet4" $INET4
	cap_stop $CAP_PID "$cap2"
	out=$(tpkt encap --pcap "$cap2" --src "$p2feed" --dst $AFTR6 \
		--max-outer 1500 --min 10 2>&1)
	check_err $? "$out"
	n=$(tpkt list --pcap "$cap2" --src "$p1feed" | wc -l)
	[ "$n" -eq 0 ]
	check_err $? "$n packets still from $p1feed"
	log_test "transix: after renumbering, ping resumes; outer source $p2feed only, 40-byte header"
	echo "$out" | log_indent

	end_test
}

require_radvd()
{
	command -v radvd >/dev/null 2>&1
}

# ---------------------------------------------------------------------
# Site to site (S4)

# s2s_create [c]: ha - A - ngn - B - hb, and C on ngn with "c".
s2s_create()
{
	setup_ns ha rta ngn rtb hb || return 1
	veth_pair "$ha" e0 $MAC_HA "$rta" l0 $MAC_A_L0 &&
	veth_pair "$rta" g0 $MAC_A_G0 "$ngn" n0 $MAC_N0 &&
	veth_pair "$ngn" n1 $MAC_N1 "$rtb" g0 $MAC_B_G0 &&
	veth_pair "$rtb" l0 $MAC_B_L0 "$hb" e0 $MAC_HB || return 1

	ip netns exec "$ngn" sysctl -qw net.ipv6.conf.all.forwarding=1 &&
	ip -n "$ngn" -6 addr add $NGN_A6/64 dev n0 nodad &&
	ip -n "$ngn" -6 addr add $NGN_B6/64 dev n1 nodad &&

	router_sysctls "$rta" &&
	ip -n "$rta" -6 addr add $A6/64 dev g0 nodad &&
	ip -n "$rta" -6 route add default via $NGN_A6 &&
	ip -n "$rta" addr add $A4/24 dev l0 &&

	router_sysctls "$rtb" &&
	ip -n "$rtb" -6 addr add $B6/64 dev g0 nodad &&
	ip -n "$rtb" -6 route add default via $NGN_B6 &&
	ip -n "$rtb" addr add $B4/24 dev l0 &&

	ip -n "$ha" addr add $HA4/24 dev e0 &&
	ip -n "$ha" route add default via $A4 &&
	ip -n "$hb" addr add $HB4/24 dev e0 &&
	ip -n "$hb" addr add $HB4_2/24 dev e0 &&
	ip -n "$hb" route add default via $B4 || return 1

	if [ "${1:-}" = c ]; then
		setup_ns rtc || return 1
		veth_pair "$ngn" n2 $MAC_N2 "$rtc" g0 $MAC_C_G0 &&
		ip -n "$ngn" -6 addr add $NGN_C6/64 dev n2 nodad &&
		router_sysctls "$rtc" &&
		ip -n "$rtc" -6 addr add $C6/64 dev g0 nodad &&
		ip -n "$rtc" -6 route add default via $NGN_C6 || return 1
	fi
	# Neighbours resolved up front: no ND delays under emulation.
	ip -n "$rta" neigh replace $NGN_A6 lladdr $MAC_N0 dev g0 nud permanent &&
	ip -n "$ngn" neigh replace $A6 lladdr $MAC_A_G0 dev n0 nud permanent &&
	ip -n "$ngn" neigh replace $B6 lladdr $MAC_B_G0 dev n1 nud permanent &&
	ip -n "$rtb" neigh replace $NGN_B6 lladdr $MAC_N1 dev g0 nud permanent
}

# tun_up NS npt6|linux LOCAL REMOTE LAN [ARGS...]: tunnel "tun0" over g0
# carrying LAN, either npt6's or Linux's ip6tnl as in seed 004.
tun_up()
{
	local ns=$1 kind=$2 local=$3 remote=$4 lan=$5 out

	shift 5
	if [ "$kind" = npt6 ]; then
		out=$(ip netns exec "$ns" "$NPTCTL" tunnel add tun0 \
			remote "$remote" local "$local" dev g0 "${FASTARGS[@]}" \
			"$@" 2>&1) || {
			log_info "nptctl tunnel add in $ns: $out"
			return 1
		}
	else
		ip -n "$ns" -6 tunnel add tun0 mode ip4ip6 local "$local" \
			remote "$remote" "$@" || return 1
	fi
	ip -n "$ns" link set tun0 up &&
	ip -n "$ns" route add "$lan" dev tun0
}

tun_down()
{
	local ns=$1 kind=$2

	if [ "$kind" = npt6 ]; then
		ip netns exec "$ns" "$NPTCTL" tunnel del tun0
	else
		ip -n "$ns" link del tun0
	fi
}

# s2s_tunnels KIND_A KIND_B [ARGS_A...]: tun0 on A and on B.
s2s_tunnels()
{
	local ka=$1 kb=$2

	shift 2
	tun_up "$rta" "$ka" $A6 $B6 192.168.2.0/24 "$@" &&
	tun_up "$rtb" "$kb" $B6 $A6 192.168.1.0/24
}

site_to_site()
{
	local ka kb d0 d1 label out pair

	RET=0
	s2s_create || { setup_failed "topology setup failed" "site-to-site"; return; }

	for pair in "npt6 npt6" "npt6 linux" "linux npt6"; do
		read -r ka kb <<<"$pair"
		label="site-to-site A $ka <-> B $kb"
		[ "$ka" = linux ] && label="$label (A ip6tnl mode ip4ip6)"
		[ "$kb" = linux ] && label="$label (B ip6tnl mode ip4ip6)"
		RET=0
		if ! s2s_tunnels "$ka" "$kb"; then
			check_err 1 "tunnel setup failed"
			log_test "$label: setup"
			tun_down "$rta" "$ka" 2>/dev/null
			tun_down "$rtb" "$kb" 2>/dev/null
			continue
		fi
		d0=$(link_stat "$rta" tun0 rx_packets)
		ping_ok "$ha" $HB4
		check_err $? "no echo replies from $HB4"
		d1=$(link_stat "$rta" tun0 rx_packets)
		[ $((d1 - d0)) -ge 3 ]
		check_err $? "A's tun0 rx_packets +$((d1 - d0))"
		log_test "$label: ping $HA4 -> $HB4"
		iperf_check "$label: TCP ha -> hb, iperf3 2 s" "$ha" "$hb" $HB4
		# One direction already has each end encapsulate and
		# decapsulate (data one way, ACKs the other); npt6 <-> npt6
		# gets both.
		[ "$pair" = "npt6 npt6" ] &&
			iperf_check "$label: TCP hb -> ha, iperf3 2 s" "$hb" "$ha" $HA4
		tun_down "$rta" "$ka"
		tun_down "$rtb" "$kb"
	done

	# MSS: a fixed value on A, then off on both ends.
	RET=0
	s2s_tunnels npt6 npt6 &&
	ip netns exec "$rta" "$NPTCTL" tunnel change tun0 mss 1300
	check_err $? "nptctl tunnel change tun0 mss 1300 failed"
	tnl_show "$rta" tun0 | jq -e '.[0].mss == 1300' >/dev/null
	check_err $? "show after mss 1300: $(tnl_show "$rta" tun0)"
	out=$(syn_mss "$ha" "$hb" $HB4)
	[ "$out" = '{"syn":[1300],"synack":[1420]}' ]
	check_err $? "MSS on the NGN: $out, want SYN 1300 (A fixed), SYN-ACK 1420 (B auto)"
	log_test "site-to-site MSS: mss 1300 on A: SYN 1460 -> 1300; B's auto: SYN-ACK 1460 -> 1420"

	ip netns exec "$rta" "$NPTCTL" tunnel change tun0 mss off &&
	ip netns exec "$rtb" "$NPTCTL" tunnel change tun0 mss off
	check_err $? "nptctl tunnel change tun0 mss off failed"
	tnl_show "$rta" tun0 | jq -e '.[0].mss == "off"' >/dev/null
	check_err $? "show after mss off: $(tnl_show "$rta" tun0)"
	out=$(syn_mss "$ha" "$hb" $HB4)
	[ "$out" = '{"syn":[1460],"synack":[1460]}' ]
	check_err $? "MSS on the NGN: $out, want 1460 both (not clamped)"
	log_test "site-to-site MSS: mss off on both: SYN and SYN-ACK keep 1460"
	end_test
}

# syn_mss CLIENT_NS SERVER_NS ADDR: one TCP connection; prints the MSS
# of the inner SYNs and SYN-ACKs seen on the NGN next to A, as JSON.
syn_mss()
{
	local cap out

	# The hosts forget learned PMTUs, which would lower their own MSS.
	ip -n "$1" route flush cache
	ip -n "$2" route flush cache
	cap=$(tmpfile syn.pcap)
	cap_start "$ngn" n0 "$cap" 'ip6[6] = 4 and ip6[40] = 0x45 and ip6[49] = 6 and ip6[73] & 2 != 0'
	out=$(tpkt tcp --a-ns "$1" --b-ns "$2" --b-addr "$3" 2>&1) ||
		log_info "TCP connection failed: $out"
	cap_stop $CAP_PID "$cap"
	tpkt list --pcap "$cap" | jq -s -c --arg a $A6 --arg b $B6 '
		{syn: [.[] | select(.ip6.src == $a and .tcp_flags == "S") | .mss] | unique,
		 synack: [.[] | select(.ip6.src == $b and .tcp_flags == "SA") | .mss] | unique}'
}

# ---------------------------------------------------------------------
# Coexistence with Linux ip6tnl on one host

coexist()
{
	local p1 p2 t0 t1 i0 i1 c0 n0 n1 out cap

	RET=0
	s2s_create c || { setup_failed "topology setup failed" coexist; return; }
	s2s_tunnels npt6 npt6 &&
	ip -n "$rta" -6 tunnel add tun1 mode ip4ip6 local $A6 remote $C6 &&
	ip -n "$rta" link set tun1 up &&
	ip -n "$rta" addr add $A_C4/30 dev tun1 &&
	ip -n "$rtc" -6 tunnel add tun1 mode ip4ip6 local $C6 remote $A6 &&
	ip -n "$rtc" link set tun1 up &&
	ip -n "$rtc" addr add $C_A4/30 dev tun1 &&
	ip -n "$rta" -6 addr add $A6_OTHER/64 dev g0 nodad || {
		setup_failed "tunnel setup failed" coexist
		return
	}

	# Both at once: npt6 to B, ip6tnl to C, from the same local address.
	t0=$(link_stat "$rta" tun0 rx_packets)
	n0=$(link_stat "$rta" tun1 rx_packets)
	ip netns exec "$ha" ping -n -q -c 10 -i 0.2 -w 15 $HB4 >/dev/null 2>&1 &
	p1=$!
	ip netns exec "$rta" ping -n -q -c 10 -i 0.2 -w 15 $C_A4 >/dev/null 2>&1 &
	p2=$!
	wait $p1
	check_err $? "ping through npt6 tun0 to $HB4 failed"
	wait $p2
	check_err $? "ping through ip6tnl tun1 to $C_A4 failed"
	t1=$(link_stat "$rta" tun0 rx_packets)
	n1=$(link_stat "$rta" tun1 rx_packets)
	[ $((t1 - t0)) -ge 10 ] && [ $((n1 - n0)) -ge 10 ]
	check_err $? "rx_packets: npt6 tun0 +$((t1 - t0)), ip6tnl tun1 +$((n1 - n0))"
	log_test "coexist: npt6 tun0 (remote $B6) and ip6tnl tun1 (remote $C6) on one host, both at once"

	# Crafted ipip6 packets toward A, inner destination ha:
	#  dport 7001 from B, the configured remote: the control, accepted;
	#  dport 7002 from an unknown remote $Z6;
	#  dport 7003 from B but to A's other address $A6_OTHER.
	cap=$(tmpfile ha.pcap)
	cap_start "$ha" e0 "$cap" udp and portrange 7001-7003
	t0=$(link_stat "$rta" tun0 rx_packets)
	n0=$(link_stat "$rta" tun1 rx_packets)
	i0=$(icmp6_out_unreach "$rta")
	out=$(ip netns exec "$ngn" "$PYTHON" "$TNL_PKT" craft --iface n0 \
		--dmac $MAC_A_G0 \
		--pkt "src=$B6,dst=$A6,isrc=$HB4,idst=$HA4,dport=7001,count=5" \
		--pkt "src=$Z6,dst=$A6,isrc=$HB4,idst=$HA4,dport=7002,count=5" \
		--pkt "src=$B6,dst=$A6_OTHER,isrc=$HB4,idst=$HA4,dport=7003,count=5" 2>&1)
	check_err $? "craft: $out"
	sleep 1
	cap_stop $CAP_PID "$cap"
	t1=$(link_stat "$rta" tun0 rx_packets)
	n1=$(link_stat "$rta" tun1 rx_packets)
	i1=$(icmp6_out_unreach "$rta")
	c0=$(tpkt list --pcap "$cap" | jq -s -c '[.[] | .dport] | group_by(.) | map({(.[0] | tostring): length}) | add // {}')
	[ "$c0" = '{"7001":5}' ]
	check_err $? "datagrams reaching ha by port: $c0, want only 7001 x 5"
	[ $((t1 - t0)) -eq 5 ]
	check_err $? "npt6 tun0 rx_packets +$((t1 - t0)), want exactly +5 (the control)"
	[ $((n1 - n0)) -eq 0 ]
	check_err $? "ip6tnl tun1 rx_packets +$((n1 - n0))"
	[ $((i1 - i0)) -ge 10 ]
	check_err $? "A sent $((i1 - i0)) ICMPv6 unreachables, want 10 (rejected)"
	log_test "coexist: ipip6 from unknown remote $Z6, or to another local address, not delivered (rejected), control from B is"

	# A second npt6 tunnel with tun0's endpoints could never receive a
	# packet (lookups find one of them); it must be refused, as
	# ip6tnl refuses a duplicate with EEXIST.
	out=$(ip netns exec "$rta" "$NPTCTL" tunnel add tun2 remote $B6 \
		local $A6 dev g0 2>&1)
	check_fail $? "a second tunnel with remote $B6 local $A6 was accepted"
	if [ "$RET" -ne 0 ]; then
		ip -n "$rta" link set tun2 up
		t0=$(link_stat "$rta" tun0 rx_packets)
		n0=$(link_stat "$rta" tun2 rx_packets)
		ping_ok "$ha" $HB4
		t1=$(link_stat "$rta" tun0 rx_packets)
		n1=$(link_stat "$rta" tun2 rx_packets)
		retmsg="$retmsg; with both up, 3 pings: tun0 rx +$((t1 - t0)), tun2 rx +$((n1 - n0))"
	fi
	log_test "coexist: a second npt6 tunnel with the same remote and local is refused"
	[ -n "$out" ] && echo "$out" | log_indent

	end_test
}

# ---------------------------------------------------------------------
# encaplimit 4 against ip6tnl's default

encaplimit()
{
	local js out mtus cap

	RET=0
	s2s_create || { setup_failed "topology setup failed" encaplimit; return; }
	nogso "$rta" g0 && nogso "$rtb" g0
	if ! s2s_tunnels npt6 linux encaplimit 4; then
		setup_failed "tunnel setup failed" encaplimit
		return
	fi
	js=$(tnl_show "$rta" tun0)
	echo "$js" | jq -e '.[0].encaplimit == 4 and .[0].mtu == 1452' >/dev/null
	check_err $? "nptctl -j tunnel show: $js"
	log_test "encaplimit: npt6 tunnel with encaplimit 4 has MTU 1452"

	cap=$(tmpfile ngn.pcap)
	cap_start -c 3000 "$ngn" n0 "$cap" ip6
	ping_ok "$ha" $HB4
	check_err $? "no echo replies from $HB4"
	log_test "encaplimit: ping through npt6 (encaplimit 4) <-> ip6tnl (default, encaplimit 4)"
	iperf_check "encaplimit: TCP ha -> hb, iperf3 2 s" "$ha" "$hb" $HB4

	ping_ok "$ha" $HB4 -M "do" -s 1424
	check_err $? "DF ping of 1452 bytes failed"
	mtus=$(ping_df_mtu "$ha" $HB4 1425)
	[ "$mtus" = 1452 ]
	check_err $? "DF ping of 1453 bytes: reported MTUs '$mtus', want 1452"
	log_test "encaplimit: DF ping of 1452 bytes passes, of 1453 gets frag-needed mtu 1452"
	cap_stop $CAP_PID "$cap"

	out=$(tpkt encap --pcap "$cap" --src $A6 --dst $B6 --encaplimit 4 \
		--hlim 64 --max-outer 1500 --min 20 2>&1)
	check_err $? "$out"
	log_test "encaplimit: A -> B outer header 48 bytes: destination option, encapsulation limit 4, then IPIP"
	echo "$out" | log_indent
	out=$(tpkt encap --pcap "$cap" --src $B6 --dst $A6 --encaplimit 4 \
		--min 20 2>&1)
	check_err $? "$out"
	log_test "encaplimit: ip6tnl's packets with the option are decapsulated by npt6"
	echo "$out" | log_indent
	end_test
}

# ---------------------------------------------------------------------
# Packet Too Big from the path

ptb()
{
	local out mtus cap n

	RET=0
	s2s_create || { setup_failed "topology setup failed" ptb; return; }
	nogso "$rta" g0 && nogso "$rtb" g0 && nogso "$ngn" n0 && nogso "$ngn" n1
	if ! s2s_tunnels npt6 npt6; then
		setup_failed "tunnel setup failed" ptb
		return
	fi
	ping_ok "$ha" $HB4
	check_err $? "no echo replies before the MTU change"
	# The NGN hop toward B shrinks to the IPv6 minimum.
	ip -n "$ngn" link set n1 mtu 1280 &&
	ip -n "$rtb" link set g0 mtu 1280
	check_err $? "cannot set MTU 1280"
	# ngn's Packet Too Big goes out of n0, toward A.
	cap=$(tmpfile ngn-ptb.pcap)
	cap_start "$ngn" n0 "$cap" icmp6

	out=$(ip -n "$rta" -6 route get $B6)
	echo "$out" | grep -q 'mtu 1280'
	check_fail $? "A knows the path MTU before any packet: $out"
	mtus=$(ping_df_mtu "$ha" $HB4 1400)
	[ "$mtus" = 1240 ]
	check_err $? "DF ping of 1428 bytes: reported MTUs '$mtus', want 1240"
	cap_stop $CAP_PID "$cap"
	tcpdump -r "$cap" -n 2>/dev/null | grep -q "$NGN_A6 > $A6: ICMP6, packet too big, mtu 1280"
	check_err $? "no PTB from ngn to A captured: $(tcpdump -r "$cap" -n 2>/dev/null | head -n 3)"
	out=$(ip -n "$rta" -6 route get $B6)
	echo "$out" | grep -q 'mtu 1280'
	check_err $? "A's route to $B6 after the PTB: $out"
	log_test "PTB: first oversize packet draws a PTB 1280 from the NGN; then DF ping reports mtu 1240"
	echo "$out" | log_indent

	ping_ok "$ha" $HB4 -M "do" -s 1212
	check_err $? "DF ping of 1240 bytes failed"
	mtus=$(ping_df_mtu "$ha" $HB4 1213)
	[ "$mtus" = 1240 ]
	check_err $? "DF ping of 1241 bytes: reported MTUs '$mtus', want 1240"
	log_test "PTB: DF ping of 1240 bytes passes, of 1241 gets frag-needed mtu 1240"

	# The first packets of each transfer, on the 1280 hop.
	cap=$(tmpfile ngn-ab.pcap)
	cap_start -c 1500 "$ngn" n1 "$cap" ip6
	iperf_check "PTB: TCP ha -> hb through the 1280 hop" "$ha" "$hb" $HB4
	cap_stop $CAP_PID "$cap"
	out=$(tpkt encap --pcap "$cap" --src $A6 --dst $B6 --hlim 63 \
		--max-outer 1280 --min 500 2>&1)
	check_err $? "$out"
	cap=$(tmpfile ngn-ba.pcap)
	cap_start -c 1500 "$ngn" n1 "$cap" ip6
	iperf_check "PTB: TCP hb -> ha through the 1280 hop" "$hb" "$ha" $HA4
	cap_stop $CAP_PID "$cap"
	out="$out
$(tpkt encap --pcap "$cap" --src $B6 --dst $A6 --hlim 64 \
		--max-outer 1280 --min 500 2>&1)"
	check_err $? "$out"
	log_test "PTB: TCP on the 1280 hop both ways: outer <= 1280, 40-byte header, no IPv6 fragment header"
	echo "$out" | log_indent

	# No DF, to an address with no PMTU history: the tunnels cut the
	# inner IPv4 packets, A's the requests and B's the replies.
	cap=$(tmpfile ngn2.pcap)
	cap_start "$ngn" n1 "$cap" ip6
	ping_ok "$ha" $HB4_2 -M dont -s 1400
	check_err $? "ping -M dont -s 1400 $HB4_2 failed"
	cap_stop $CAP_PID "$cap"
	out=$(tpkt encap --pcap "$cap" --src $A6 --dst $B6 --hlim 63 \
		--max-outer 1280 --min 6 2>&1 &&
	      tpkt encap --pcap "$cap" --src $B6 --dst $A6 --hlim 64 \
		--max-outer 1280 --min 6 2>&1)
	check_err $? "$out"
	n=$(tpkt list --pcap "$cap" | jq -s -c --arg h $HB4_2 '
		[.[] | select(.ip4.proto == 1 and (.ip4.mf or .ip4.off > 0))] |
		{requests: map(select(.ip4.dst == $h)) | length,
		 replies: map(select(.ip4.src == $h)) | length}')
	echo "$n" | jq -e '.requests >= 6 and .replies >= 6' >/dev/null
	check_err $? "inner IPv4 fragments of the no-DF pings: $n"
	log_test "PTB: no-DF 1428-byte pings cut inside by both tunnels $n, outer <= 1280, no IPv6 fragment header"
	echo "$out" | log_indent
	end_test
}

# ---------------------------------------------------------------------
# Flow label, DSCP, ECN

flow_ecn()
{
	local cap hcap out js n e0 e1

	RET=0
	s2s_create || { setup_failed "topology setup failed" "flow/ECN"; return; }
	nogso "$rta" g0
	# Linux's default: flow labels from the flow hash.  (setup_ns turns
	# them off; with auto_flowlabels=0 npt6, like ip6tnl, sends 0.)
	ip netns exec "$rta" sysctl -qw net.ipv6.auto_flowlabels=1
	if ! s2s_tunnels npt6 npt6; then
		setup_failed "tunnel setup failed" "flow/ECN"
		return
	fi
	cap=$(tmpfile ngn.pcap)
	cap_start "$ngn" n0 "$cap" ip6

	out=$(tpkt udp --a-ns "$ha" --b-ns "$hb" --b-addr $HB4 --port 9000 \
		--sport 41000 --flows 4 --count 5 --no-df 2>&1)
	echo "$out" | jq -e '.received | length == 20' >/dev/null
	check_err $? "$out"
	ping_ok "$ha" $HB4 -Q 0xb8
	check_err $? "ping -Q 0xb8 failed"
	ping_ok "$ha" $HB4 -Q 0xba
	check_err $? "ping -Q 0xba failed"
	cap_stop $CAP_PID "$cap"

	js=$(tpkt list --pcap "$cap" --src $A6 --dst $B6 | jq -s -c '
		[.[] | select(.ip4.proto == 17 and .dport == 9000)] |
		group_by(.sport) | map({sport: .[0].sport, n: length,
			labels: ([.[].ip6.fl] | unique)})')
	echo "$js" | jq -e 'length == 4 and all(.[]; .n == 5 and
		(.labels | length) == 1 and .labels[0] != 0) and
		([.[].labels[0]] | unique | length) == 4' >/dev/null
	check_err $? "flows (sport, packets, labels): $js"
	log_test "flow label: nonzero, one per flow, different for 4 flows"
	echo "$js" | jq -r '.[] | "sport \(.sport): \(.n) packets, label \(.labels[0])"' | log_indent

	js=$(tpkt list --pcap "$cap" --src $A6 --dst $B6 | jq -s -c '
		[.[] | select(.ip4.proto == 1) | [.ip4.tos, .ip6.tc]] | unique')
	[ "$js" = "[[184,184],[186,186]]" ]
	check_err $? "[inner tos, outer tclass] of the pings: $js"
	log_test "DSCP/ECN on encap: inner tos 0xb8 -> outer tclass 0xb8, 0xba (ECT(0)) -> 0xba"

	# Fixed values instead of inherited ones; ECN still follows RFC 6040.
	out=$(ip netns exec "$rta" "$NPTCTL" tunnel change tun0 tclass 0x20 \
		flowlabel 0x12345 hoplimit 10 2>&1)
	check_err $? "nptctl tunnel change: $out"
	cap=$(tmpfile ngn-fixed.pcap)
	cap_start "$ngn" n0 "$cap" ip6
	ping_ok "$ha" $HB4 -Q 0xba
	check_err $? "ping -Q 0xba failed"
	cap_stop $CAP_PID "$cap"
	js=$(tpkt list --pcap "$cap" --src $A6 --dst $B6 | jq -s -c '
		[.[] | select(.ip4.proto == 1) | [.ip6.tc, .ip6.fl, .ip6.hlim]] | unique')
	[ "$js" = "[[34,74565,10]]" ]
	check_err $? "[tclass, flow label, hop limit]: $js, want [[34 (0x20 | ECT(0)), 74565 (0x12345), 10]]"
	log_test "fixed tclass 0x20 (+ inner ECN), flowlabel 0x12345, hoplimit 10 on the outer header"

	# RFC 6040 decapsulation, with crafted packets from B's address:
	#  9001: outer CE, inner ECT(0)  -> delivered as CE
	#  9002: outer Not-ECT, inner ECT(0) -> delivered as ECT(0) (control)
	#  9003: outer CE, inner Not-ECT -> dropped
	hcap=$(tmpfile ha.pcap)
	cap_start "$ha" e0 "$hcap" udp and portrange 9001-9003
	e0=$(link_stat "$rta" tun0 rx_errors)
	out=$(ip netns exec "$ngn" "$PYTHON" "$TNL_PKT" craft --iface n0 \
		--dmac $MAC_A_G0 \
		--pkt "src=$B6,dst=$A6,tc=0x3,isrc=$HB4,idst=$HA4,tos=0x2,dport=9001,count=3" \
		--pkt "src=$B6,dst=$A6,tc=0x0,isrc=$HB4,idst=$HA4,tos=0x2,dport=9002,count=3" \
		--pkt "src=$B6,dst=$A6,tc=0x3,isrc=$HB4,idst=$HA4,tos=0x0,dport=9003,count=3" 2>&1)
	check_err $? "craft: $out"
	sleep 1
	cap_stop $CAP_PID "$hcap"
	e1=$(link_stat "$rta" tun0 rx_errors)
	js=$(tpkt list --pcap "$hcap" | jq -s -c '
		[.[] | {p: .dport, tos: .ip4.tos, ok: .ip4.csum_ok}] | group_by(.p) |
		map({p: .[0].p, n: length, tos: ([.[].tos] | unique),
		     csum_ok: all(.[]; .ok)})')
	[ "$js" = '[{"p":9001,"n":3,"tos":[3],"csum_ok":true},{"p":9002,"n":3,"tos":[2],"csum_ok":true}]' ]
	check_err $? "arrived at ha: $js"
	[ $((e1 - e0)) -eq 3 ]
	check_err $? "tun0 rx_errors +$((e1 - e0)), want +3"
	log_test "ECN on decap (RFC 6040): outer CE marks inner ECT(0) as CE (checksum fixed); outer CE + inner Not-ECT dropped"
	echo "$js" | log_indent
	end_test
}

# ---------------------------------------------------------------------
# rmmod under traffic

unload()
{
	local out rc t0 t1 left ns

	RET=0
	s2s_create || { setup_failed "topology setup failed" unload; return; }
	if ! s2s_tunnels npt6 npt6; then
		setup_failed "tunnel setup failed" unload
		return
	fi
	# One more, following g0's address: the prefix watcher is running.
	out=$(ip netns exec "$rta" "$NPTCTL" tunnel add tun9 \
		remote 2001:db8:e9::9 local auto dev g0 "${FASTARGS[@]}" 2>&1) &&
	ip -n "$rta" link set tun9 up
	check_err $? "auto tunnel: $out"

	bg ip netns exec "$ha" ping -f -q -w 60 $HB4
	bg ip netns exec "$hb" iperf3 -s -p 5202
	busywait 10000 port_listening "$hb" 5202
	bg ip netns exec "$ha" iperf3 -c $HB4 -p 5202 -t 60
	sleep 2
	t0=$(link_stat "$rta" tun0 tx_packets)
	sleep 0.5
	t1=$(link_stat "$rta" tun0 tx_packets)
	[ "$t1" -gt "$t0" ]
	check_err $? "no traffic through tun0 before rmmod ($t0 -> $t1)"

	out=$(timeout 60 rmmod npt6 2>&1)
	rc=$?
	check_err $rc "rmmod exited $rc: $out"
	npt6_loaded
	check_fail $? "npt6 still loaded"
	left=
	for ns in "$rta" "$rtb"; do
		left="$left$(ip -n "$ns" -d link show 2>/dev/null | grep -B2 npt6tnl)"
	done
	ip -n "$rta" link show tun0 >/dev/null 2>&1 ||
	ip -n "$rta" link show tun9 >/dev/null 2>&1 ||
	ip -n "$rtb" link show tun0 >/dev/null 2>&1
	check_fail $? "a tunnel device is left"
	[ -z "$left" ]
	check_err $? "npt6tnl devices left: $left"
	log_test "unload: rmmod npt6 with 3 tunnels (one local auto) under ping -f and TCP; no device left"

	bg_stop $BG_PIDS
	# With npt6 installed, as on a user's machine, the first tunnel
	# loads it through its link-kind alias (rtnl-link-npt6tnl); a build
	# tree's module (NPT6_KO) cannot be found that way.
	if [ -n "${NPT6_KO:-}" ]; then
		log_test_skip "unload: nptctl tunnel add autoloads npt6" \
			"NPT6_KO set, module not installed"
	else
		RET=0
		out=$(ip netns exec "$rta" "$NPTCTL" tunnel add auto0 \
			remote $B6 local $A6 dev g0 2>&1)
		check_err $? "nptctl tunnel add without the module: $out"
		npt6_loaded
		check_err $? "npt6 was not autoloaded"
		ip -n "$rta" -d link show auto0 2>/dev/null | grep -q npt6tnl
		check_err $? "no npt6tnl device auto0"
		ip netns exec "$rta" "$NPTCTL" tunnel del auto0
		log_test "unload: nptctl tunnel add autoloads npt6 (link kind alias)"
	fi
	RET=0
	npt6_load
	check_err $? "cannot load npt6 again"
	tun_up "$rta" npt6 $A6 $B6 192.168.2.0/24 &&
	tun_up "$rtb" npt6 $B6 $A6 192.168.1.0/24
	check_err $? "cannot create tunnels after reloading"
	ping_ok "$ha" $HB4
	check_err $? "no echo replies after reloading"
	log_test "unload: module loads again and new tunnels carry traffic"

	# B's namespace, tunnel and all, goes away under traffic.
	RET=0
	bg ip netns exec "$ha" ping -f -q -w 60 $HB4
	bg ip netns exec "$hb" ping -f -q -w 60 $HA4
	sleep 1
	ip netns del "$rtb"
	check_err $? "ip netns del failed"
	cleanup_ns "$rtb"
	busywait 20000 sh -c "! ip -n $ngn link show n1 >/dev/null 2>&1"
	check_err $? "B's links still exist 20 s later"
	t0=$(link_stat "$rta" tun0 tx_packets)
	sleep 0.5
	t1=$(link_stat "$rta" tun0 tx_packets)
	[ "$t1" -gt "$t0" ]
	check_err $? "A's tun0 stopped sending ($t0 -> $t1)"
	log_test "unload: namespace with an npt6 tunnel deleted under traffic; the peer's tunnel carries on"
	end_test
}

# ---------------------------------------------------------------------
# Issue 16: field hardening of the transmit path and the carrier

# A's second WAN (multi-WAN, policy routing): g1 <-> ngn n3.
A6_W2=2001:db8:e4::a
NGN_W2=2001:db8:e4::1
MAC_A_G1=02:6e:74:02:0a:02
MAC_N3=02:6e:74:02:01:03
# ESP keys for the xfrm test (static, test only).
ESP_ENC=0x6e7074362d746e6c2d6573702d656e63
ESP_AUTH=0x6e7074362d746e6c2d6573702d617574682d6b65792d7368613235362d2d2d21

s2s_wan2()
{
	veth_pair "$rta" g1 $MAC_A_G1 "$ngn" n3 $MAC_N3 &&
	ip -n "$ngn" -6 addr add $NGN_W2/64 dev n3 nodad &&
	ip -n "$rta" -6 addr add $A6_W2/64 dev g1 nodad &&
	ip -n "$rta" neigh replace $NGN_W2 lladdr $MAC_N3 dev g1 nud permanent &&
	ip -n "$ngn" neigh replace $A6_W2 lladdr $MAC_A_G1 dev n3 nud permanent
}

# snmp4 NS GROUP FIELD: a counter of /proc/net/snmp (Ip, Icmp, ...).
snmp4()
{
	ip netns exec "$1" awk -v g="$2:" -v f="$3" '
		$1 == g && !hdr { for (i = 2; i <= NF; i++) col[$i] = i; hdr = 1; next }
		$1 == g && hdr { print $col[f]; exit }' /proc/net/snmp
}

# pcap_count FILE JQ_FILTER: how many packets of FILE (tunnel_pkt.py
# list) the jq select() expression FILTER matches.
pcap_count()
{
	tpkt list --pcap "$1" | jq -s "[.[] | select($2)] | length"
}

# Kernel log lines that must never appear, since the mark $1 in dmesg.
kmsg_bad_since()
{
	dmesg | sed -n "/$1/,\$p" |
		grep -E 'BUG|WARNING|Oops|KASAN|UBSAN|refcount|general protection|Call Trace'
}

# Item 2.  tc on A's LAN port: UDP to port 9100 gets tunnel metadata
# (tunnel_key set, a metadata_dst, as from a collect_md device or a BPF
# program) and is redirected into tun0.  A kprobe on npt6_tnl_xmit reads
# skb->_skb_refdst and the dst's dev and flags (offsets from the kernel's
# BTF) to show that the packet really arrives with a dst whose dev is
# NULL (DST_METADATA).  Oversize packets without DF then must neither
# reach ip_do_fragment() with it (a NULL dereference, today) nor vanish
# uncounted.
MD_KPROBE=npt6_md/xmit

md_probe_start()
{
	local tr=/sys/kernel/tracing offs

	[ -w $tr/kprobe_events ] || return 1
	offs=($("$PYTHON" "$NET_DIR/btf_offset.py" sk_buff _skb_refdst \
		dst_entry dev dst_entry flags)) || return 1
	echo "p:$MD_KPROBE npt6:npt6_tnl_xmit refdst=+${offs[0]}(\$arg1):x64 dev=+${offs[1]}(+${offs[0]}(\$arg1)):x64 flags=+${offs[2]}(+${offs[0]}(\$arg1)):x16" \
		>>$tr/kprobe_events 2>/dev/null || return 1
	echo >$tr/trace
	echo 1 >$tr/events/$MD_KPROBE/enable
}

md_probe_stop()
{
	local tr=/sys/kernel/tracing

	echo 0 >$tr/events/$MD_KPROBE/enable 2>/dev/null
	echo "-:$MD_KPROBE" >>$tr/kprobe_events 2>/dev/null
}

# Hits of the probe whose skb carries a metadata dst: a dst, its dev
# NULL, DST_METADATA (0x80) in its flags.
md_probe_hits()
{
	grep -cE ' xmit: .* refdst=0x[1-9a-f][0-9a-f]* dev=0x0 flags=0x[0-9a-f]*[89a-f][0-9a-f][[:space:]]*$' \
		/sys/kernel/tracing/trace
}

md_dst()
{
	local out p0 p1 d0 d1 hits mark probe=0

	RET=0
	s2s_create || { setup_failed "topology setup failed" md_dst; return; }
	if ! s2s_tunnels npt6 npt6; then
		setup_failed "tunnel setup failed" md_dst
		return
	fi
	tc -n "$rta" qdisc add dev l0 clsact &&
	tc -n "$rta" filter add dev l0 ingress protocol ip pref 1 flower \
		ip_proto udp dst_port 9100 \
		action tunnel_key set src_ip $A6 dst_ip $B6 id 42 \
		action mirred egress redirect dev tun0
	check_err $? "tc tunnel_key + mirred setup failed"
	if md_probe_start; then
		probe=1
	else
		log_info "md_dst: no kprobe on npt6_tnl_xmit; metadata dst not verified"
	fi

	p0=$(link_stat "$rta" tun0 tx_packets)
	d0=$(link_stat "$rta" tun0 tx_dropped)
	out=$(tpkt udp --a-ns "$ha" --b-ns "$hb" --b-addr $HB4 --port 9100 \
		--size 100 --count 5 --wait 1 --no-df 2>&1)
	p1=$(link_stat "$rta" tun0 tx_packets)
	d1=$(link_stat "$rta" tun0 tx_dropped)
	[ $((p1 - p0 + d1 - d0)) -ge 5 ]
	check_err $? "the redirect did not reach tun0: tx_packets +$((p1 - p0)), tx_dropped +$((d1 - d0)); $(tc -n "$rta" -s filter show dev l0 ingress | head -n 20)"
	if [ $probe = 1 ]; then
		hits=$(md_probe_hits)
		[ "$hits" -ge 5 ]
		check_err $? "$hits of the packets reached npt6_tnl_xmit with a metadata dst: $(grep xmit: /sys/kernel/tracing/trace | tail -n 3)"
	fi
	log_test "md_dst: tc tunnel_key set + mirred from l0 ingress into tun0: 100-byte packets reach npt6_tnl_xmit with a metadata dst (kprobe: ${hits:-n/a} of 5)"

	# The risky step: flush what we have said so far.
	log_info "md_dst: now 1500-byte UDP without DF with that metadata dst: a guest that dies here (vm.sh: no exit code came back, 125) is this test failing"
	mark="npt6-md-dst-$$-$(date +%s%N)"
	echo "$mark" >/dev/kmsg
	sync
	p0=$(link_stat "$rta" tun0 tx_packets)
	d0=$(link_stat "$rta" tun0 tx_dropped)
	out=$(tpkt udp --a-ns "$ha" --b-ns "$hb" --b-addr $HB4 --port 9100 \
		--size 1472 --count 3 --wait 1 --no-df 2>&1)
	sleep 0.5
	p1=$(link_stat "$rta" tun0 tx_packets)
	d1=$(link_stat "$rta" tun0 tx_dropped)
	[ $((p1 - p0 + d1 - d0)) -ge 3 ]
	check_err $? "3 oversize packets, tx_packets +$((p1 - p0)), tx_dropped +$((d1 - d0)); udp: $out"
	out=$(kmsg_bad_since "$mark")
	[ -z "$out" ]
	check_err $? "kernel log: $(echo "$out" | head -n 10)"
	[ $probe = 1 ] && md_probe_stop
	log_test "md_dst: 1500-byte UDP without DF carrying a metadata dst: no crash, counted (tx_packets +$((p1 - p0)), tx_dropped +$((d1 - d0))), kernel log clean"
	end_test
}

# Item 3.  The path to B is 1400 (a route MTU on A, as after a PTB), the
# tunnel's MTU 1460; ha's link is 1460 with MSS clamping off, so its TCP
# segments of 1460 bytes fit tun0's MTU and reach it as GSO trains
# (veth keeps them whole), above the 1360 the path allows.  ha does not
# set DF (ip_no_pmtu_disc=1): the trains must be segmented and each
# segment fragmented, with no ICMP frag-needed.
# tcp_bulk CLIENT_NS SERVER_NS ADDR BYTES: one TCP connection sending
# BYTES; prints what the server read before EOF.  (iperf3 -n reports the
# server's count at its end of test, which can miss bytes still queued.)
tcp_bulk()
{
	local out spid

	out=$(tmpfile bulk)
	bg ip netns exec "$2" "$PYTHON" -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5203))
s.listen(1)
c, _ = s.accept()
n = 0
while True:
    d = c.recv(1 << 16)
    if not d:
        break
    n += len(d)
open(sys.argv[1], "w").write(str(n))
c.close()
' "$out"
	spid=$BG_PID
	busywait 10000 port_listening "$2" 5203 || { bg_stop $spid; echo 0; return; }
	ip netns exec "$1" timeout 60 "$PYTHON" -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 5203))
left = int(sys.argv[2])
b = bytes(1 << 16)
while left > 0:
    left -= s.send(b[:min(left, len(b))])
s.shutdown(socket.SHUT_WR)
s.recv(1)
' "$3" "$4"
	busywait 30000 test -s "$out"
	bg_stop $spid
	cat "$out" 2>/dev/null || echo 0
}

gso_nodf()
{
	local cap icmp0 icmp1 drop0 drop1 reasm0 reasm1 frag0 frag1 big got want=3145728

	RET=0
	s2s_create || { setup_failed "topology setup failed" gso_nodf; return; }
	if ! tun_up "$rta" npt6 $A6 $B6 192.168.2.0/24 mss off ||
	   ! tun_up "$rtb" npt6 $B6 $A6 192.168.1.0/24 mss off; then
		setup_failed "tunnel setup failed" gso_nodf
		return
	fi
	ip -n "$rta" -6 route add $B6 via $NGN_A6 dev g0 mtu 1400 &&
	ip -n "$ha" link set e0 mtu 1460 &&
	ip -n "$rta" link set l0 mtu 1460 &&
	ip netns exec "$ha" sysctl -qw net.ipv4.ip_no_pmtu_disc=1
	check_err $? "setup of MTUs failed"

	# What tun0 is given: TCP payloads above 1420 are GSO trains.
	cap=$(tmpfile tun0.pcap)
	cap_start -c 400 "$rta" tun0 "$cap" tcp
	icmp0=$(snmp4 "$rta" Icmp OutDestUnreachs)
	drop0=$(link_stat "$rta" tun0 tx_dropped)
	reasm0=$(snmp4 "$hb" Ip ReasmOKs)
	frag0=$(snmp6 "$rtb" Ip6ReasmReqds)
	got=$(tcp_bulk "$ha" "$hb" $HB4 $want)
	icmp1=$(snmp4 "$rta" Icmp OutDestUnreachs)
	drop1=$(link_stat "$rta" tun0 tx_dropped)
	reasm1=$(snmp4 "$hb" Ip ReasmOKs)
	frag1=$(snmp6 "$rtb" Ip6ReasmReqds)
	cap_stop $CAP_PID "$cap"
	big=$(tcpdump -r "$cap" -n 2>/dev/null |
		awk '{ for (i = 1; i < NF; i++) if ($i == "length") l = $(i + 1) + 0; if (l > m) m = l } END { print m + 0 }')

	[ "$big" -gt 1420 ]
	check_err $? "no GSO train reached tun0 (largest TCP payload seen there: $big)"
	[ "$got" -eq $want ]
	check_err $? "received $got of $want bytes"
	[ $((icmp1 - icmp0)) -eq 0 ]
	check_err $? "A sent $((icmp1 - icmp0)) ICMP destination unreachables (frag-needed)"
	[ $((drop1 - drop0)) -eq 0 ]
	check_err $? "tun0 tx_dropped +$((drop1 - drop0))"
	[ $((reasm1 - reasm0)) -gt 0 ]
	check_err $? "hb reassembled no IPv4 fragments (ReasmOKs $reasm0 -> $reasm1)"
	[ "$frag1" = "$frag0" ]
	check_err $? "B reassembled outer IPv6 fragments (Ip6ReasmReqds $frag0 -> $frag1)"
	log_test "gso_nodf: TCP without DF, GSO trains (payload up to $big) above the 1360 path MTU: $got of $want bytes, frag-needed +$((icmp1 - icmp0)), tx_dropped +$((drop1 - drop0)), hb ReasmOKs +$((reasm1 - reasm0)), B Ip6ReasmReqds +$((frag1 - frag0))"
	end_test
}

# Item 4a.  Outer packets of marked traffic must follow "ip -6 rule
# fwmark 1 table 100" (B via A's second WAN g1) even once unmarked
# traffic has warmed the tunnel's route cache, and unmarked traffic
# must keep using g0.  The sender is pinned to one CPU so that both
# kinds meet the same per-cpu cache.
fwmark()
{
	local c0 c1 p0 out js port

	RET=0
	s2s_create || { setup_failed "topology setup failed" fwmark; return; }
	if ! s2s_wan2 || ! s2s_tunnels npt6 npt6; then
		setup_failed "tunnel setup failed" fwmark
		return
	fi
	ip -n "$rta" -6 route add $B6 via $NGN_W2 dev g1 table 100 &&
	ip -n "$rta" -6 rule add fwmark 1 table 100 &&
	ip netns exec "$rta" nft -f - <<-NFT
		table ip npt6mark {
			chain pre {
				type filter hook prerouting priority mangle;
				udp dport 9001 meta mark set 1
			}
		}
	NFT
	check_err $? "policy routing or nftables setup failed"
	ip -n "$rta" -6 route get $B6 mark 1 | grep -q 'dev g1'
	check_err $? "route get $B6 mark 1: $(ip -n "$rta" -6 route get $B6 mark 1)"

	c0=$(tmpfile wan0.pcap)
	c1=$(tmpfile wan1.pcap)
	cap_start "$ngn" n0 "$c0" 'ip6 and ip6[6] = 4'
	p0=$CAP_PID
	cap_start "$ngn" n3 "$c1" 'ip6 and ip6[6] = 4'
	out=
	for port in 9000 9001 9000 9001; do
		out="$out $(ip netns exec "$ha" taskset -c 0 "$PYTHON" "$TNL_PKT" \
			udp --b-ns "$hb" --b-addr $HB4 --port $port --count 5 \
			--interval 0.1 --wait 2 --no-df 2>&1 |
			jq -c '.received | length')"
	done
	cap_stop $p0 "$c0" $CAP_PID "$c1"
	[ "$out" = " 5 5 5 5" ]
	check_err $? "received per round (9000 9001 9000 9001): $out"
	js=$(jq -n -c --argjson a "$(tpkt list --pcap "$c0" --src $A6 --dst $B6 | jq -s -c '[.[] | .dport] | group_by(.) | map({(.[0] | tostring): length}) | add // {}')" \
		--argjson b "$(tpkt list --pcap "$c1" --src $A6 --dst $B6 | jq -s -c '[.[] | .dport] | group_by(.) | map({(.[0] | tostring): length}) | add // {}')" \
		'{g0: $a, g1: $b}')
	echo "$js" | jq -e '(.g0["9000"] // 0) > 0 and (.g0["9001"] // 0) == 0 and
		(.g1["9001"] // 0) > 0 and (.g1["9000"] // 0) == 0' >/dev/null
	check_err $? "outer packets by WAN and inner port: $js, want 9000 on g0 only, 9001 (mark 1) on g1 only"
	log_test "fwmark: ip -6 rule fwmark 1 routes marked traffic's outer packets via WAN 2, unmarked via WAN 1, interleaved on one CPU $js"
	end_test
}

# Item 4b.  ESP transport between A6 and B6, static keys; B is Linux's
# ip6tnl, which checks its inbound policy.  A's outer packets must be
# ESP (next header 50), never plain IPIP (4).
xfrm_sa()
{
	local ns=$1 me=$2 peer=$3 spi_out=$4 spi_in=$5

	ip -n "$ns" xfrm state add src "$me" dst "$peer" proto esp spi "$spi_out" \
		mode transport enc 'cbc(aes)' $ESP_ENC auth 'hmac(sha256)' $ESP_AUTH &&
	ip -n "$ns" xfrm state add src "$peer" dst "$me" proto esp spi "$spi_in" \
		mode transport enc 'cbc(aes)' $ESP_ENC auth 'hmac(sha256)' $ESP_AUTH &&
	ip -n "$ns" xfrm policy add src "$me/128" dst "$peer/128" dir out \
		tmpl src "$me" dst "$peer" proto esp mode transport &&
	ip -n "$ns" xfrm policy add src "$peer/128" dst "$me/128" dir in \
		tmpl src "$peer" dst "$me" proto esp mode transport
}

xfrm_esp()
{
	local cap out js

	RET=0
	s2s_create || { setup_failed "topology setup failed" xfrm_esp; return; }
	if ! s2s_tunnels npt6 linux; then
		setup_failed "tunnel setup failed" xfrm_esp
		return
	fi
	xfrm_sa "$rta" $A6 $B6 0x1001 0x1002 &&
	xfrm_sa "$rtb" $B6 $A6 0x1002 0x1001
	check_err $? "ip xfrm setup failed"

	cap=$(tmpfile ngn.pcap)
	cap_start "$ngn" n0 "$cap" ip6
	ping_ok "$ha" $HB4
	check_err $? "no echo replies from $HB4 through ESP"
	out=$(tpkt udp --a-ns "$ha" --b-ns "$hb" --b-addr $HB4 --count 5 --no-df 2>&1)
	echo "$out" | jq -e '.received | length == 5' >/dev/null
	check_err $? "UDP: $out"
	cap_stop $CAP_PID "$cap"
	js=$(tpkt list --pcap "$cap" --src $A6 --dst $B6 |
		jq -s -c '[.[] | .ip6.upper] | group_by(.) | map({(.[0] | tostring): length}) | add // {}')
	echo "$js" | jq -e '(.["50"] // 0) >= 5 and (.["4"] // 0) == 0' >/dev/null
	check_err $? "A -> B outer packets by next header: $js, want ESP (50) only"
	log_test "xfrm_esp: ESP transport policy A6 <-> B6 (B Linux ip6tnl): A's outer packets are ESP $js, ping and UDP pass"
	end_test
}

# Item 5.  tun0 on A alternates its remote between B and C, both of which
# accept it; B is reached through g0, C through g1, so a route cached for
# the old remote shows as the new remote's packets on the wrong WAN.
# Senders keep both CPUs transmitting.  The race needs a transmit on one
# CPU to be inside its route lookup for the old remote when the other
# changes the remote; so lookups are made slow (every one walks past
# many policy rules, each looking into a table of its own) and frequent
# (tnl_churn.py adds and deletes routes inside the remotes' prefixes,
# which invalidates the cached route, right up to the change).  After
# each change nothing may go to the old remote nor by the old one's WAN.
CHURN_B=2001:db8:e2::99
CHURN_C=2001:db8:e3::99

udp_blast()
{
	# exec: the pid that bg() records is the sender's own.
	exec ip netns exec "$1" taskset -c "$2" nice -n 10 "$PYTHON" -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + float(sys.argv[2])
b = bytes(64)
while time.time() < end:
    for i in range(8):
        try:
            s.sendto(b, (sys.argv[1], 9))
        except OSError:
            pass
    time.sleep(0.002)
' "$3" "$4"
}

# lookup_ms NS DST N: milliseconds per "route get DST", over N of them.
lookup_ms()
{
	local f t0 t1 t2 i

	f=$(tmpfile get)
	for ((i = 0; i < $3; i++)); do echo "route get $2"; done >"$f"
	t0=$(date +%s%N)
	ip -n "$1" -6 route get "$2" >/dev/null
	t1=$(date +%s%N)
	ip -n "$1" -6 -batch "$f" >/dev/null
	t2=$(date +%s%N)
	echo $(((t2 - t1 - (t1 - t0)) / 1000000 / ($3 - 1)))
}

# tunnel change remote under traffic: afterwards every outer packet goes
# to the new remote.  The race issue 16 names (a transmit on another CPU
# re-caching the old remote's route) was never hit under QEMU, with the
# lookups slowed by policy rules or not; so by default this is a short
# regression check, and NPT6_CR_ROUNDS=10 NPT6_CR_RULES=1500 (about 5
# minutes of guest time) the long hunt.
change_remote()
{
	local i rounds=${NPT6_CR_ROUNDS:-3} nrules=${NPT6_CR_RULES:-200}
	local bad=0 rules c0 c1 new js n0 n1 cpus out

	RET=0
	s2s_create c || { setup_failed "topology setup failed" change_remote; return; }
	if ! s2s_wan2; then
		setup_failed "second WAN setup failed" change_remote
		return
	fi
	ip -n "$ngn" neigh replace $C6 lladdr $MAC_C_G0 dev n2 nud permanent &&
	ip -n "$rtc" neigh replace $NGN_C6 lladdr $MAC_N2 dev g0 nud permanent &&
	ip -n "$rta" -6 route add 2001:db8:e2::/64 via $NGN_A6 dev g0 &&
	ip -n "$rta" -6 route add 2001:db8:e3::/64 via $NGN_W2 dev g1 &&
	tun_up "$rta" npt6 $A6 $B6 192.168.2.0/24 &&
	tun_up "$rtb" npt6 $B6 $A6 192.168.1.0/24 &&
	ip -n "$rtc" -6 tunnel add tun0 mode ip4ip6 local $C6 remote $A6 &&
	ip -n "$rtc" link set tun0 up || {
		setup_failed "tunnel setup failed" change_remote
		return
	}
	rules=$(tmpfile rules)
	for ((i = 0; i < nrules; i++)); do
		echo "route add unreachable 2001:db8:ffff:ffff::/64 table $((1000 + i))"
		echo "rule add pref $((1000 + i)) table $((1000 + i))"
	done >"$rules"
	ip -n "$rta" -6 -batch "$rules"
	check_err $? "cannot add the policy rules"
	log_info "change_remote: $nrules rules, a route lookup takes $(lookup_ms "$rta" $B6 11) ms"

	cpus=$(nproc)
	for ((i = 0; i < cpus; i++)); do
		bg udp_blast "$ha" $i $HB4 900
	done
	sleep 1
	for ((i = 1; i <= rounds; i++)); do
		if [ $((i % 2)) = 1 ]; then new=$C6; else new=$B6; fi
		out=$(ip netns exec "$rta" "$PYTHON" "$NET_DIR/tnl_churn.py" \
			tun0 "$new" 20 $CHURN_B $CHURN_C 2>&1)
		check_err $? "tnl_churn.py: $out"
		sleep 0.5
		c0=$(tmpfile g0.pcap)
		c1=$(tmpfile g1.pcap)
		cap_start -c 300 "$ngn" n0 "$c0" "ip6 and src $A6 and ip6[6] = 4"
		n0=$CAP_PID
		cap_start -c 300 "$ngn" n3 "$c1" "ip6 and src $A6 and ip6[6] = 4"
		n1=$CAP_PID
		sleep 1
		cap_stop $n0 "$c0" $n1 "$c1"
		if [ "$new" = $B6 ]; then
			js=$(jq -n -c --argjson r "$(pcap_count "$c0" ".ip6.dst == \"$B6\"")" \
				--argjson w "$(pcap_count "$c1" 'true')" \
				--argjson o "$(pcap_count "$c0" ".ip6.dst != \"$B6\"")" \
				'{right: $r, wrong_wan: $w, other: $o}')
		else
			js=$(jq -n -c --argjson r "$(pcap_count "$c1" ".ip6.dst == \"$C6\"")" \
				--argjson w "$(pcap_count "$c0" 'true')" \
				--argjson o "$(pcap_count "$c1" ".ip6.dst != \"$C6\"")" \
				'{right: $r, wrong_wan: $w, other: $o}')
		fi
		log_info "change_remote: round $i, remote $new: $js"
		if ! echo "$js" | jq -e '.right > 0 and .wrong_wan == 0 and .other == 0' >/dev/null; then
			bad=$((bad + 1))
			check_err 1 "round $i, remote now $new: outer packets $js (right: to $new by its WAN)"
		fi
	done
	log_test "change_remote: $rounds changes of remote B <-> C under route churn and traffic on $cpus CPUs: after each, all outer packets go to the new remote by its WAN ($bad bad rounds)"
	end_test
}

# Item 6.  local auto token ::feed on a link that has a global address,
# just not the ::feed one: no carrier until it exists, carrier once it
# does, none again when it goes.
carrier_is()
{
	local js

	js=$(ip -n "$1" -j link show "$2")
	if [ "$3" = up ]; then
		echo "$js" | jq -e '.[0] | (.flags | index("LOWER_UP")) != null and
			(.flags | index("NO-CARRIER")) == null' >/dev/null
	else
		# Down for everyone: no LOWER_UP, NO-CARRIER in the flags
		# and operationally down (or lower layer down), not "unknown",
		# which counts as up.
		echo "$js" | jq -e '.[0] | (.flags | index("LOWER_UP")) == null and
			(.flags | index("NO-CARRIER")) != null and
			(.operstate == "DOWN" or .operstate == "LOWERLAYERDOWN")' >/dev/null
	fi
}

carrier()
{
	local ns out feed=2001:db8:e1::feed

	RET=0
	setup_ns ns || { setup_failed "setup_ns failed" carrier; return; }
	ip -n "$ns" link add g0 type dummy &&
	ip -n "$ns" link set g0 up &&
	ip -n "$ns" -6 addr add 2001:db8:e1::1/64 dev g0 nodad &&
	out=$(ip netns exec "$ns" "$NPTCTL" tunnel add tun0 remote $B6 \
		local auto token $TOKEN dev g0 2>&1) &&
	ip -n "$ns" link set tun0 up
	check_err $? "tunnel setup: $out"
	# At once, not after linkwatch's next run: a second in which the
	# device looks running is a second in which routing daemons use it.
	tnl_active_is "$ns" tun0 ""
	check_err $? "active local without ::feed: $(active_local "$ns" tun0)"
	carrier_is "$ns" tun0 down
	check_err $? "carrier without a local address: $(ip -n "$ns" -j link show tun0 | jq -c '.[0] | {flags, operstate}')"
	log_test "carrier: local auto token ::feed, no ::feed address on g0: tun0 has no carrier"

	RET=0
	ip -n "$ns" -6 addr add $feed/64 dev g0 nodad
	busywait 20000 tnl_active_is "$ns" tun0 $feed
	check_err $? "active local still '$(active_local "$ns" tun0)' 20 s after adding $feed"
	busywait 5000 carrier_is "$ns" tun0 up
	check_err $? "no carrier with local $feed: $(ip -n "$ns" -j link show tun0 | jq -c '.[0] | {flags, operstate}')"
	log_test "carrier: $feed added to g0: tun0 takes it as local and has carrier"

	RET=0
	ip -n "$ns" -6 addr del $feed/64 dev g0
	busywait 20000 tnl_active_is "$ns" tun0 ""
	check_err $? "active local still '$(active_local "$ns" tun0)' 20 s after removing $feed"
	busywait 5000 carrier_is "$ns" tun0 down
	check_err $? "carrier after $feed went: $(ip -n "$ns" -j link show tun0 | jq -c '.[0] | {flags, operstate}')"
	log_test "carrier: $feed removed: tun0 loses its local address and its carrier"
	end_test
}

# ---------------------------------------------------------------------
# Refused configuration

# bad_try DESC WANT CMD...: CMD, run in $bcns, must fail and print
# "Error: WANT"; the tunnel it names (the word after "add") must not
# exist afterwards.
bad_try()
{
	local desc=$1 want=$2 out rc name

	shift 2
	name=$(echo "$*" | sed -n 's/.*add \([^ ]*\) .*/\1/p')
	RET=0
	out=$(ip netns exec "$bcns" "$@" 2>&1)
	rc=$?
	[ $rc -ne 0 ]
	check_err $? "succeeded: $out"
	echo "$out" | grep -qxF "Error: $want"
	check_err $? "want \"Error: $want\", got: $out"
	if ip -n "$bcns" link show "$name" >/dev/null 2>&1; then
		check_err 1 "$name exists: $(ip -n "$bcns" -d link show "$name")"
		ip -n "$bcns" link del "$name"
	fi
	log_test "bad config: $desc: \"Error: $want\""
}

# bad_mark FILE: (re)create the marker link mark0 in $bcns; true once
# the monitor writing FILE has reported it.
bad_mark()
{
	ip -n "$bcns" link del mark0 2>/dev/null
	ip -n "$bcns" link add mark0 type dummy &&
	sleep 0.2 &&
	grep -qw mark0 "$1"
}

# A refused tunnel must be refused before it becomes a network device, so
# that nobody watching rtnetlink sees it come and go.  The kernel is asked
# directly (nl_req.py) where nptctl would refuse first or cannot express
# the request.
bad_config()
{
	local bcns mon out idx a
	local nlreq=("$PYTHON" "$NET_DIR/nl_req.py" tnl-add)

	RET=0
	setup_ns bcns || { setup_failed "setup_ns failed" "bad config"; return; }
	ip -n "$bcns" link add g0 type dummy &&
	ip -n "$bcns" link set g0 up &&
	ip -n "$bcns" -6 addr add $A6/64 dev g0 nodad &&
	out=$(ip netns exec "$bcns" "$NPTCTL" tunnel add tun0 remote $B6 \
		local $A6 dev g0 2>&1)
	check_err $? "tunnel add tun0: $out"
	idx=$(ip netns exec "$bcns" cat /sys/class/net/g0/ifindex)

	# Everything rtnetlink says in this namespace from here on.  The
	# marker link tells us when the monitor listens, and the last, good
	# tunnel when it has seen all that came before.  (On 6.1 a device
	# that newlink registers and then unregisters shows as netconf
	# events; RTM_NEWLINK is held back until newlink has succeeded.)
	mon=$(tmpfile monitor)
	ip netns exec "$bcns" ip -o monitor all >"$mon" 2>&1 &
	BG_PIDS="$BG_PIDS $!"
	busywait 5000 bad_mark "$mon"
	check_err $? "ip monitor did not start: $(cat "$mon")"
	if [ $RET -ne 0 ]; then
		log_test "bad config: setup"
		end_test
		return
	fi

	bad_try "duplicate endpoints (nptctl)" "Another tunnel has these endpoints" \
		"$NPTCTL" tunnel add bad1 remote $B6 local $A6 dev g0
	bad_try "dev ifindex that does not exist" \
		"No such device in this network namespace" \
		"${nlreq[@]}" bad2 link 999999 remote $B6 local $A6
	bad_try "token with a fixed local" "A token needs local auto" \
		"${nlreq[@]}" bad3 link "$idx" remote $B6 local $A6 token ::feed
	bad_try "no remote" "Need remote, local (or auto) and dev" \
		"${nlreq[@]}" bad4 link "$idx" local $A6

	bad_try "remote link-local (nptctl)" "Remote must not be link-local" \
		"$NPTCTL" tunnel add bad5 remote fe80::b local $A6 dev g0
	bad_try "remote link-local" "Remote must not be link-local" \
		"${nlreq[@]}" bad6 link "$idx" remote fe80::b local $A6
	bad_try "local multicast (nptctl)" \
		'local address "ff02::1" is not a unicast address' \
		"$NPTCTL" tunnel add bad7 remote $B6 local ff02::1 dev g0
	for a in ff02::1 :: ::ffff:192.0.2.1; do
		bad_try "local $a" "Local must be a unicast IPv6 address" \
			"${nlreq[@]}" bad8 link "$idx" remote $B6 local $a
	done

	RET=0
	out=$(ip netns exec "$bcns" "$NPTCTL" tunnel add good9 remote $B6 \
		local $A6_OTHER dev g0 2>&1)
	check_err $? "tunnel add good9: $out"
	busywait 5000 grep -q good9 "$mon"
	check_err $? "the monitor did not see good9: $(cat "$mon")"
	# A device that came and went is named by its ifindex ("if7") in
	# the monitor's lines, as it is gone when they are printed: so no
	# link or netconf event may be about anything but the two we made.
	out=$(grep -E '^\[(LINK|NETCONF)\]' "$mon" | grep -vwE 'mark0|good9')
	[ -z "$out" ]
	check_err $? "rtnetlink events for refused tunnels: $out"
	log_test "bad config: no rtnetlink link or netconf event for a refused tunnel; a good one is announced"
	end_test
}

# ---------------------------------------------------------------------
# Issue 21: "fastpath on", the short cut of the outer packets past the
# IPv6 stack (kmod/tunnel_fastpath.c)

# fp_send4 NS IFACE DMAC SRC DST SPORT...: one crafted UDP packet per
# source port, to port 9000, from a packet socket: the kernel computes
# no flow hash for these, unlike for a UDP socket's.
fp_send4()
{
	ip netns exec "$1" "$PYTHON" - "$@" <<'PY'
import sys
from scapy.all import Ether, IP, UDP, Raw, sendp, conf
conf.verb = 0
_, iface, dmac, src, dst, *sports = sys.argv[1:]
sendp([Ether(dst=dmac) / IP(src=src, dst=dst, id=7, flags='DF') /
       UDP(sport=int(p), dport=9000) / Raw(b'npt6-fastpath-%s' % p.encode())
       for p in sports], iface=iface)
PY
}

# fp_in NS DEV: DEV's Ip6InReceives.  IPv6 output counts nothing for
# packets the host sends through ip6_local_out(), so the transmit side
# is watched with a kprobe on ip6_output() instead (fp_check).
fp_in()
{
	ip netns exec "$1" awk '$1 == "Ip6InReceives" { print $2 }' \
		"/proc/net/dev_snmp6/$2"
}

# fp_traffic N: N UDP datagrams ha -> hb and N hb -> ha, through A's
# tunnel; prints how many arrived each way.
fp_traffic()
{
	local n=$1 a b

	a=$(tpkt udp --a-ns "$ha" --b-ns "$hb" --b-addr $HB4 --count "$n" \
		--interval 0.005 --no-df 2>&1 | jq '.received | length')
	b=$(tpkt udp --a-ns "$hb" --b-ns "$ha" --b-addr $HA4 --count "$n" \
		--interval 0.005 --no-df --port 9001 2>&1 | jq '.received | length')
	echo "${a:-0} ${b:-0}"
}

# fp_enslave NS DEV: can DEV become a bridge port (is its receive
# handler free)?  Leaves it unenslaved again.
fp_enslave()
{
	ip -n "$1" link set "$2" master fpbr0 2>/dev/null || return 1
	ip -n "$1" link set "$2" nomaster
}

# fp_check on|off|in-full: 100 datagrams each way through A's tunnel
# all arrive, and A's IPv6 stack handles the outer packets (off), none
# of them (on), or the received but not the sent ones (in-full): g0's
# Ip6InReceives for the received ones, calls of ip6_output() for fpa0's
# packets (a kprobe) for the sent ones.
fp_check()
{
	local in0 in1 got din dout rc off miss hist tr=/sys/kernel/tracing
	local ev=/sys/kernel/tracing/events/kprobes/npt6_fp

	# A histogram of the probe's hits by device counts every hit, which
	# the ring buffer, shared with whatever else records, need not keep.
	echo '-:npt6_fp' >>$tr/kprobe_events 2>/dev/null
	off=$("$PYTHON" "$NET_DIR/btf_offset.py" sk_buff dev) &&
	echo "p:npt6_fp ip6_output dev=+0(+$off(\$arg3)):string" >>$tr/kprobe_events &&
	echo 'hist:keys=dev' >$ev/trigger &&
	echo 1 >$ev/enable
	check_err $? "no kprobe histogram on ip6_output"
	in0=$(fp_in "$rta" g0)
	got=$(fp_traffic 100)
	in1=$(fp_in "$rta" g0)
	echo 0 >$ev/enable
	# At ip6_output(), skb->dev is still the tunnel.
	hist=$(grep -v '^#' $ev/hist | tr -s ' \n' ' ')
	dout=$(sed -n 's/.*dev: *fpa0 *} *hitcount: *\([0-9]*\).*/\1/p' $ev/hist)
	dout=${dout:-0}
	miss=$(awk '$1 == "npt6_fp" { print $3 }' $tr/kprobe_profile)
	echo '!hist:keys=dev' >$ev/trigger
	echo '-:npt6_fp' >>$tr/kprobe_events
	din=$((in1 - in0))
	[ "$got" = "100 100" ]
	check_err $? "datagrams that arrived (ha->hb hb->ha): $got"
	case $1 in
	on)	[ $din -lt 20 ] && [ $dout -lt 20 ] ;;
	off)	[ $din -ge 100 ] && [ $dout -ge 100 ] ;;
	in-full) [ $din -ge 100 ] && [ $dout -lt 20 ] ;;
	esac
	rc=$?
	check_err $rc "fastpath $1: g0 Ip6InReceives +$din, ip6_output() called $dout times for fpa0 (kprobe misses: ${miss:-?})"
	[ $rc -eq 0 ] || log_info "ip6_output() calls by skb->dev: $hist"
}

# fp_inner: 20 datagrams ha -> hb through A's tunnel, with a kprobe on
# __dev_queue_xmit() that takes A's outer packets as they reach g0
# (inner protocol IPIP); prints "inner-MAC inner-network count" for each
# pair of header offsets seen.
fp_inner()
{
	local offs tr=/sys/kernel/tracing
	local ev=/sys/kernel/tracing/events/kprobes/npt6_inner
	local hist='hist:keys=imac,inet if dev == "g0" && proto == 4'

	echo '-:npt6_inner' >>$tr/kprobe_events 2>/dev/null
	offs=($("$PYTHON" "$NET_DIR/btf_offset.py" sk_buff dev sk_buff inner_ipproto \
		sk_buff inner_mac_header sk_buff inner_network_header)) &&
	[ ${#offs[@]} -eq 4 ] &&
	echo "p:npt6_inner __dev_queue_xmit dev=+0(+${offs[0]}(\$arg1)):string proto=+${offs[1]}(\$arg1):u8 imac=+${offs[2]}(\$arg1):u16 inet=+${offs[3]}(\$arg1):u16" \
		>>$tr/kprobe_events &&
	echo "$hist" >$ev/trigger &&
	echo 1 >$ev/enable || {
		echo '-:npt6_inner' >>$tr/kprobe_events 2>/dev/null
		return 1
	}
	tpkt udp --a-ns "$ha" --b-ns "$hb" --b-addr $HB4 --count 20 \
		--interval 0.005 --no-df >/dev/null 2>&1
	echo 0 >$ev/enable
	sed -n 's/.*imac: *\([0-9]*\), *inet: *\([0-9]*\) *} *hitcount: *\([0-9]*\).*/\1 \2 \3/p' $ev/hist
	echo "!$hist" >$ev/trigger
	echo '-:npt6_inner' >>$tr/kprobe_events
}

fastpath()
{
	local js out cap1 cap2 hex1 hex2 n m bad
	# This test sets the option itself, also under NPT6_TNL_FASTPATH=1.
	local FASTARGS=()

	RET=0
	s2s_create || { setup_failed "topology setup failed" fastpath; return; }
	if ! s2s_tunnels npt6 linux fastpath on; then
		setup_failed "tunnel setup failed" fastpath
		return
	fi
	# A name of its own for A's tunnel: the kprobe of fp_check tells
	# A's outer packets from B's (ip6tnl's tun0) by it.
	ip -n "$rta" link set tun0 down && ip -n "$rta" link set tun0 name fpa0 &&
	ip -n "$rta" link set fpa0 up &&
	ip -n "$rta" route add 192.168.2.0/24 dev fpa0
	check_err $? "renaming A's tun0 to fpa0 failed"
	tnl_show "$rta" fpa0 | jq -e '.[0].fastpath == true' >/dev/null
	check_err $? "show: $(tnl_show "$rta" fpa0)"
	ping_ok "$ha" $HB4
	check_err $? "no echo replies from $HB4"
	# The short cut is taken: g0's IPv6 MIB does not count the outer
	# packets of 2 x 100 datagrams (each at least 88 bytes), which the
	# tunnel carries; fp_check says so, with fastpath on and off.
	fp_check on
	log_test "fastpath on: 100 datagrams each way through A (B Linux ip6tnl, encaplimit option): A's IPv6 stack handles none of the outer packets (g0 Ip6InReceives, ip6_output() calls)"
	RET=0
	ip netns exec "$rta" "$NPTCTL" tunnel change fpa0 fastpath off
	check_err $? "tunnel change fpa0 fastpath off failed"
	fp_check off
	log_test "fastpath off: A's IPv6 stack handles every outer packet (the check above can fail)"
	RET=0
	ip netns exec "$rta" "$NPTCTL" tunnel change fpa0 fastpath on
	check_err $? "tunnel change fpa0 fastpath on failed"
	fp_check on
	log_test "fastpath off, then on again: the short cut again"

	# Byte for byte the same outer packets, with or without the short
	# cut; and one flow label per inner flow although these packets
	# come with no flow hash (before, one label for the whole tunnel).
	RET=0
	ip netns exec "$rta" sysctl -qw net.ipv6.auto_flowlabels=1
	ip netns exec "$rta" "$NPTCTL" tunnel change fpa0 fastpath off
	check_err $? "tunnel change fpa0 fastpath off failed"
	cap1=$(tmpfile fp-off.pcap)
	cap_start "$ngn" n0 "$cap1" "ip6 and src $A6 and ip6[6] = 4"
	fp_send4 "$ha" e0 $MAC_A_L0 $HA4 $HB4 41000 41001 41002 41003
	cap_stop $CAP_PID "$cap1"
	ip netns exec "$rta" "$NPTCTL" tunnel change fpa0 fastpath on
	check_err $? "tunnel change fpa0 fastpath on failed"
	cap2=$(tmpfile fp-on.pcap)
	cap_start "$ngn" n0 "$cap2" "ip6 and src $A6 and ip6[6] = 4"
	fp_send4 "$ha" e0 $MAC_A_L0 $HA4 $HB4 41000 41001 41002 41003
	cap_stop $CAP_PID "$cap2"
	hex1=$(tcpdump -r "$cap1" -nn -t -x 2>/dev/null)
	hex2=$(tcpdump -r "$cap2" -nn -t -x 2>/dev/null)
	[ "$(grep -c '^IP6' <<<"$hex1")" -eq 4 ] && [ "$hex1" = "$hex2" ]
	check_err $? "outer packets differ: off: $hex1 on: $hex2"
	log_test "fastpath on and off: the 4 outer packets are the same, byte for byte"
	RET=0
	js=$(tpkt list --pcap "$cap2" --src $A6 --dst $B6 |
		jq -s -c '[.[] | {sport, fl: .ip6.fl}] | sort_by(.sport)')
	echo "$js" | jq -e 'length == 4 and all(.[]; .fl != 0) and
		([.[].fl] | unique | length) == 4' >/dev/null
	check_err $? "(sport, flow label) of the outer packets: $js"
	log_test "flow label from the inner flow for packets without a flow hash: 4 flows, 4 labels"
	ip netns exec "$rta" sysctl -qw net.ipv6.auto_flowlabels=0

	# What the outer packets carry for the underlying device beyond
	# their bytes: a driver with tunnel offloads reads the inner MAC
	# header, which must be where the inner IPv4 header is (there is no
	# inner Ethernet header), as on the full path.
	RET=0
	for m in off on; do
		ip netns exec "$rta" "$NPTCTL" tunnel change fpa0 fastpath $m
		check_err $? "tunnel change fpa0 fastpath $m failed"
		out=$(fp_inner)
		check_err $? "no kprobe histogram on __dev_queue_xmit"
		n=$(awk '{ n += $3 } END { print n + 0 }' <<<"$out")
		bad=$(awk '$1 != $2' <<<"$out")
		[ "$n" -ge 20 ] && [ -z "$bad" ]
		check_err $? "fastpath $m: $n outer packets at g0; (inner MAC, inner network header offset, packets): $(echo $out)"
	done
	log_test "fastpath on and off: the outer packets reach g0 with the inner MAC header at the inner IPv4 header"

	# A firewall sees every outer packet: transmit runs LOCAL_OUT and
	# POST_ROUTING itself; receive goes the full way while PRE_ROUTING
	# or LOCAL_IN has a hook.  Removed again, receive is short again.
	RET=0
	ip netns exec "$rta" nft -f - <<-'EOF'
	table inet fp {
		chain pre { type filter hook prerouting priority 0; meta nfproto ipv6 meta l4proto 4 counter; }
		chain in { type filter hook input priority 0; meta nfproto ipv6 meta l4proto 4 counter; }
		chain out { type filter hook output priority 0; meta nfproto ipv6 meta l4proto 4 counter; }
		chain post { type filter hook postrouting priority 0; meta nfproto ipv6 meta l4proto 4 counter; }
	}
	EOF
	check_err $? "nft table failed"
	fp_check in-full
	js=$(ip netns exec "$rta" nft -j list table inet fp | jq -c '
		[.nftables[] | select(.rule) | {(.rule.chain): .rule.expr[2].counter.packets}] | add')
	echo "$js" | jq -e '.pre >= 100 and .in >= 100 and .out >= 100 and .post >= 100' >/dev/null
	check_err $? "nft counters of ipip6 packets: $js, want >= 100 each"
	log_test "fastpath with nftables: every outer packet meets prerouting, input, output and postrouting $js; receive takes the full path, transmit the short cut"
	RET=0
	ip netns exec "$rta" nft delete table inet fp
	check_err $? "nft delete table failed"
	fp_check on
	log_test "fastpath: without the table, receive takes the short cut again"

	# The receive handler: one per device, shared by its fast-path
	# tunnels, gone with the last; refused where another is.
	RET=0
	ip -n "$rta" link add fpbr0 type bridge &&
	ip -n "$rta" link add d1 type dummy &&
	ip -n "$rta" link add d2 type dummy &&
	ip -n "$rta" link set d1 up && ip -n "$rta" link set d2 up &&
	ip -n "$rta" -6 addr add 2001:db8:e5::a/64 dev d1 nodad &&
	ip -n "$rta" -6 addr add 2001:db8:e6::a/64 dev d2 nodad
	check_err $? "dummy devices failed"
	fp_enslave "$rta" d1
	check_err $? "d1 cannot be enslaved before any tunnel"
	out=$(ip netns exec "$rta" "$NPTCTL" tunnel add fp1 remote 2001:db8:e5::1 \
		local 2001:db8:e5::a dev d1 fastpath on 2>&1) &&
	out=$out$(ip netns exec "$rta" "$NPTCTL" tunnel add fp2 remote 2001:db8:e5::2 \
		local 2001:db8:e5::a dev d1 fastpath on 2>&1)
	check_err $? "tunnel add fp1, fp2: $out"
	fp_enslave "$rta" d1
	check_fail $? "d1 became a bridge port under two fast-path tunnels"
	ip netns exec "$rta" "$NPTCTL" tunnel del fp1
	fp_enslave "$rta" d1
	check_fail $? "d1 became a bridge port with fp2 still fast"
	ip netns exec "$rta" "$NPTCTL" tunnel change fp2 dev d2
	fp_enslave "$rta" d1
	check_err $? "d1 still held after fp2 moved to d2"
	fp_enslave "$rta" d2
	check_fail $? "d2 became a bridge port under fp2"
	ip netns exec "$rta" "$NPTCTL" tunnel change fp2 fastpath off
	fp_enslave "$rta" d2
	check_err $? "d2 still held after fastpath off"
	log_test "fastpath: the receive handler follows its tunnels (two on d1, one moved to d2, off)"

	RET=0
	ip -n "$rta" link set d1 master fpbr0
	check_err $? "d1 cannot join the bridge"
	out=$(ip netns exec "$rta" "$NPTCTL" tunnel add fp3 remote 2001:db8:e5::3 \
		local 2001:db8:e5::a dev d1 fastpath on 2>&1)
	check_fail $? "tunnel add over a bridge port succeeded"
	grep -q "already has a receive handler" <<<"$out"
	check_err $? "the error says: $out"
	ip -n "$rta" link show fp3 >/dev/null 2>&1
	check_fail $? "the refused tunnel fp3 exists"
	out=$(ip netns exec "$rta" "$NPTCTL" tunnel change fp2 dev d1 fastpath on 2>&1)
	check_fail $? "tunnel change onto a bridge port succeeded"
	tnl_show "$rta" fp2 | jq -e '.[0].fastpath == false and .[0].dev == "d2"' >/dev/null
	check_err $? "the refused change changed fp2: $(tnl_show "$rta" fp2)"
	log_test "fastpath over a bridge port: refused with \"$out\"; nothing changed"

	# The underlying device goes away under a fast-path tunnel; then
	# traffic, a rapid on/off and fastpath toggled under a ping flood.
	RET=0
	ip netns exec "$rta" "$NPTCTL" tunnel change fp2 fastpath on &&
	ip -n "$rta" link del d2 &&
	ip netns exec "$rta" "$NPTCTL" tunnel change fp2 fastpath off &&
	ip netns exec "$rta" "$NPTCTL" tunnel change fp2 fastpath on
	check_err $? "fastpath on, deleting d2, or fastpath off and on without d2 failed"
	bg ip netns exec "$ha" ping -f -q -w 30 $HB4
	bg ip netns exec "$hb" ping -f -q -w 30 $HA4
	for n in $(seq 20); do
		ip netns exec "$rta" "$NPTCTL" tunnel change fpa0 fastpath off &&
		ip netns exec "$rta" "$NPTCTL" tunnel change fpa0 fastpath on ||
			{ check_err 1 "toggle $n failed"; break; }
	done
	bg_stop $BG_PIDS
	ping_ok "$ha" $HB4
	check_err $? "no echo replies after the toggles"
	log_test "fastpath: its device deleted under a tunnel, which is then turned off and on; toggled 20 times under ping -f both ways"
	end_test
}

# ---------------------------------------------------------------------

# npt6_run_tests asks: the tool must know tunnels, and Linux's own ip6tnl
# is a peer in these tests, loaded beside npt6.
npt6_script_ready()
{
	if ! "$NPTCTL" tunnel help >/dev/null 2>&1; then
		echo "SKIP: $NPTCTL has no tunnel command yet"
		return 1
	fi
	modprobe -q ip6_tunnel
	return 0
}

require_cmd ip jq ping iperf3 tcpdump iptables ss timeout modinfo
require_scapy
npt6_run_tests "$@"
