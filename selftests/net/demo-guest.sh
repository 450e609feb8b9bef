#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`, inside the test guest: a Linux router behind Starlink (the
# first scenario of DESIGN.md, after an IIJ engineer's SEIL write-up).
#
#   pc ---- rtr ==ge0== starlink ---- internet
#
# Starlink's Wi-Fi router announces the global /64 2406:2d40:3084:e000::/64
# on-link on ge0 but delegates only a ULA prefix, so the LAN behind rtr,
# fdce:b680:5c56:5::/64, cannot reach the IPv6 internet.  npt6 translates
# that LAN prefix to the global one on ge0, statelessly.
#
# The script narrates each step, checks it, and exits non-zero if any
# check failed.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAN=fdce:b680:5c56:5::/64
GLOBAL=2406:2d40:3084:e000::/64
PC_MAC=02:11:22:33:44:55
PC=fdce:b680:5c56:5:11:22ff:fe33:4455		# SLAAC from PC_MAC
RTR_GE1=fdce:b680:5c56:5::1
GE0_MAC=00:e0:4d:50:5c:20
GE1_MAC=00:e0:4d:50:5c:21
RTR_GE0=2406:2d40:3084:e000:2e0:4dff:fe50:5c20	# rtr's SLAAC address
RTR_GE0_ULA=fdce:b680:5c56:0:2e0:4dff:fe50:5c20
SL_MAC=02:00:5e:00:53:01
SL_LL=fe80::1
SL_GLOBAL=2406:2d40:3084:e000::1
SL_UP=2001:db8:5e:1::2
NET_MAC=02:00:5e:00:53:02
SERVER=2001:db8:5e:1::80			# "the internet"

failures=0

say()
{
	printf '\n== %s\n' "$*"
}

# on HOST CMD...: run CMD on HOST (pc, rtr, starlink, internet) and show
# it as a root prompt there, with the output indented.  Returns CMD's
# status.
on()
{
	local host=$1 ns rc

	shift
	case $host in
	pc)		ns=$pc ;;
	rtr)		ns=$rtr ;;
	starlink)	ns=$sl ;;
	internet)	ns=$net ;;
	esac
	printf '  %s# %s\n' "$host" "$*"
	[ "$1" = nptctl ] && set -- "$NPTCTL" "${@:2}"
	ip netns exec "$ns" "$@" 2>&1 | sed 's/^/    /'
	rc=${PIPESTATUS[0]}
	return $rc
}

# check DESC CMD...: run CMD quietly and report.
check()
{
	local desc=$1

	shift
	if "$@" >/dev/null 2>&1; then
		printf '  [ OK ] %s\n' "$desc"
	else
		printf '  [FAIL] %s\n' "$desc"
		failures=$((failures + 1))
	fi
}

demo_cleanup()
{
	cleanup
}
trap demo_cleanup EXIT

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: must run as root (inside the test guest)" >&2
	exit 1
fi
for cmd in ip ping iperf3 tcpdump jq; do
	command -v $cmd >/dev/null || { echo "demo: $cmd is missing" >&2; exit 1; }
done

say "Building the network: pc (LAN) -- rtr -- Starlink router -- internet"
setup_ns pc rtr sl net || exit 1
veth_pair "$pc" eth0 $PC_MAC "$rtr" ge1 $GE1_MAC &&
veth_pair "$rtr" ge0 $GE0_MAC "$sl" lan0 $SL_MAC &&
veth_pair "$sl" wan0 02:00:5e:00:53:03 "$net" eth0 $NET_MAC || exit 1
ip netns exec "$rtr" sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec "$sl" sysctl -qw net.ipv6.conf.all.forwarding=1

ip -n "$pc" -6 addr add $PC/64 dev eth0 nodad
ip -n "$pc" -6 route add default via $RTR_GE1
ip -n "$rtr" -6 addr add $RTR_GE1/64 dev ge1 nodad
ip -n "$rtr" -6 addr add $RTR_GE0/64 dev ge0 nodad
ip -n "$rtr" -6 addr add $RTR_GE0_ULA/64 dev ge0 nodad
ip -n "$rtr" -6 route add default via $SL_LL dev ge0
ip -n "$sl" -6 addr add $SL_LL/64 dev lan0 nodad
ip -n "$sl" -6 addr add $SL_GLOBAL/64 dev lan0 nodad
ip -n "$sl" -6 addr add fdce:b680:5c56::1/64 dev lan0 nodad
ip -n "$sl" -6 addr add 2001:db8:5e:1::1/64 dev wan0 nodad
# The delegated ULA /48 is routed to rtr, as DHCPv6-PD would arrange.
ip -n "$sl" -6 route add fdce:b680:5c56::/48 via $RTR_GE0_ULA
ip -n "$net" -6 addr add $SERVER/64 dev eth0 nodad
ip -n "$net" -6 route add default via 2001:db8:5e:1::1
# The internet does not route ULA (RFC 4193); say so explicitly.
ip -n "$net" -6 route add unreachable fc00::/7

echo "  pc:       $PC on eth0 (ULA only, as Starlink's DHCPv6-PD gives it)"
echo "  rtr:      ge1 $RTR_GE1; ge0 $RTR_GE0 (SLAAC in Starlink's /64)"
echo "  starlink: $SL_GLOBAL/64 on-link toward rtr, default gateway $SL_LL"
echo "  internet: $SERVER"

say "The problem: from a ULA-only LAN the internet is out of reach"
on pc ip -6 addr show dev eth0 scope global
on pc ping -n -c 2 -i 0.3 -W 1 $SERVER
if [ $? -eq 0 ]; then
	printf '  [FAIL] the internet answered a ULA source: the demo network is wrong\n'
	failures=$((failures + 1))
else
	printf '  [ OK ] no answer, as expected: nobody routes %s back\n' "$LAN"
fi

say "Load npt6 and map the LAN prefix onto Starlink's global /64 on ge0"
if ! npt6_load; then
	printf '  [FAIL] cannot load npt6 (selftests/lib/install-module.sh)\n'
	exit 1
fi
printf '  rtr# lsmod | grep npt6\n'
lsmod | grep -E '^npt6' | sed 's/^/    /'
echo "  'auto' takes the /64 from ge0's global address (not the ULA Starlink"
echo "  also announces) and follows it when the dish or plan renumbers."
on rtr nptctl add $LAN auto dev ge0
check "nptctl add $LAN auto dev ge0" test $? -eq 0
on rtr nptctl show
check "the mapping follows $GLOBAL (from $RTR_GE0)" \
	sh -c "ip netns exec $rtr $NPTCTL -j show | jq -e '.[0].external == \"$GLOBAL\" and .[0].external_address == \"$RTR_GE0\"'"

PC_GLOBAL=$(npt_map $LAN $GLOBAL $PC)
echo
echo "  RFC 6296 is checksum-neutral: it does not just swap the prefix, it"
echo "  also adjusts one word of the interface ID.  pc therefore appears on"
echo "  the internet as:"
echo "      $PC  ->  $PC_GLOBAL"
echo "  (computed independently by selftests/net/npt.py)"

say "Neighbour discovery on Starlink's on-link /64"
echo "  Starlink's router treats $GLOBAL as on-link, so it sends a Neighbor"
echo "  Solicitation for $PC_GLOBAL and expects an answer on ge0.  npt6's"
echo "  NDP proxy (ndproxy auto, the default) answers it for pc, because pc"
echo "  is a live neighbour on the LAN side.  No static entries anywhere."
on starlink ip -6 neigh show dev lan0

say "pc pings the internet; tcpdump on the Starlink router watches ge0's link"
pcap=$(tmpfile demo.pcap)
bg ip netns exec "$sl" tcpdump -i lan0 -n -U --immediate-mode -w "$pcap" ip6
tpid=$BG_PID
busywait 5000 sh -c "[ \$(ip netns exec $sl cat /proc/net/packet | wc -l) -gt 1 ]"
on pc ping -n -c 3 -i 0.3 -w 10 $SERVER
check "pc -> internet: echo replies received" test $? -eq 0

say "The internet pings pc at its translated address"
on internet ping -n -c 3 -i 0.3 -w 10 "$PC_GLOBAL"
check "internet -> pc at $PC_GLOBAL: echo replies received" test $? -eq 0

say "TCP: iperf3 for 2 seconds from pc to a server on the internet"
bg ip netns exec "$net" iperf3 -s -1 -p 5201
spid=$BG_PID
busywait 10000 sh -c "ip netns exec $net ss -Hltn 'sport = :5201' | grep -q ."
json=$(tmpfile iperf)
ip netns exec "$pc" timeout 60 iperf3 -c $SERVER -p 5201 -t 2 -J >"$json" 2>&1
rc=$?
bytes=$(jq -r '.end.sum_received.bytes // 0' "$json" 2>/dev/null | cut -d. -f1)
bps=$(jq -r '.end.sum_received.bits_per_second // 0' "$json" 2>/dev/null | cut -d. -f1)
printf '    %s bytes received by the server, %s Mbit/s (emulated CPU)\n' \
	"${bytes:-0}" "$(( ${bps:-0} / 1000000 ))"
check "iperf3 completed and moved data" test "$rc" -eq 0 -a "${bytes:-0}" -gt 0
bg_stop $spid

say "What the Starlink router saw (tcpdump on its LAN port, excerpt)"
sleep 0.5
bg_stop $tpid
tcpdump -r "$pcap" -n -c 6 "icmp6 and (icmp6[0] == 128 or icmp6[0] == 129)" \
	2>/dev/null | sed 's/^/    /'
tcpdump -r "$pcap" -n -c 2 tcp 2>/dev/null | sed 's/^/    /'
check "packets from pc arrive upstream with source $PC_GLOBAL" \
	sh -c "[ \$(tcpdump -r $pcap -n 'src host $PC_GLOBAL' 2>/dev/null | wc -l) -gt 0 ]"
check "no ULA of the LAN ($LAN) ever reaches the Starlink router" \
	sh -c "[ -z \"\$(tcpdump -r $pcap -n 'net $LAN' 2>/dev/null)\" ]"

say "Counters: nptctl show -s"
on rtr nptctl -s show
snpt=$(npt6_stat "$rtr" ge0 snpt packets)
dnpt=$(npt6_stat "$rtr" ge0 dnpt packets)
check "snpt and dnpt both translated packets (snpt ${snpt:-?}, dnpt ${dnpt:-?})" \
	test "${snpt:-0}" -gt 0 -a "${dnpt:-0}" -gt 0
na=$(npt6_stat "$rtr" ge0 ndp na_sent)
check "the NDP proxy answered the Starlink router (na_sent ${na:-?})" \
	test "${na:-0}" -gt 0
check "the Starlink router resolved $PC_GLOBAL to rtr's ge0 MAC" \
	sh -c "ip netns exec $sl ip -6 neigh show $PC_GLOBAL dev lan0 | grep -qi $GE0_MAC"

echo
if [ "$failures" -eq 0 ]; then
	echo "demo: all checks passed"
	exit 0
fi
echo "demo: $failures check(s) failed"
exit 1
