#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# callgraph.sh [--ko PATH] [--before PATH] [--packets N]: where the
# instructions of the tunnel and of SNPT go (make callgraph).  Boots Debian's kernel under QEMU with -icount
# shift=0 (one guest nanosecond per instruction, as `make bench` does),
# with the module DKMS installs or the one --ko names, sends N 100-byte
# IPv4 UDP packets through rtr's tunnel in each direction, with ip6tnl,
# npt6 and npt6 with "fastpath on", and N 100-byte IPv6 UDP packets from
# a LAN host to the Internet through ip6t_NPT's SNPT and npt6's (and the
# npt6.ko --before names, an older build to compare with), and records
# them with the
# function_graph tracer, limited to the functions of the path (the
# lists below), so that the rest of the kernel runs untraced.  Then
# callgraph.py turns the traces into instructions per packet for each
# function: out/bench/callgraph.md.
#
#   lan ---- rtr ==ge0== wan
#   IPv4     tunnel      encap: the sink of the outer packets
#   sink     head        decap: sends crafted ipip6 packets (scapy)
#   IPv6     NPT         snpt: the sink
#
# The durations are inclusive and have the tracer's own cost taken out
# (callgraph.py); the bench's figures, measured without a tracer, are
# the ones to quote for totals.

set -uo pipefail

# Encapsulation: lan's pktgen sends into rtr, which forwards into tun0.
# Only rtr runs these (lan's pktgen transmits without dev_queue_xmit,
# wan receives IPv6 and drops it in raw PREROUTING).
FUNCS_ENC="ip_forward __dev_queue_xmit npt6_tnl_neigh_output npt6_tnl_xmit
	ip6_tnl_start_xmit dst_cache_get_ip6 ip6_local_out ip6_output
	ip6_finish_output npt6_tnl_fast_xmit nf_hook_slow veth_xmit skb_push"
# Decapsulation: wan's packet socket sends ipip6 into rtr, which
# decapsulates and forwards to lan (which drops in raw PREROUTING).
FUNCS_DEC="ipv6_rcv ip6_rcv_finish ip6_route_input ip6_input
	ip6_protocol_deliver_rcu tunnel46_rcv ip4ip6_rcv npt6_tnl_rcv
	npt6_tnl_rx_handler npt6_tnl_decap gro_cells_receive napi_gro_receive
	ip_rcv ip_list_rcv ip_forward veth_xmit skb_push"
# SNPT: lan's pktgen sends IPv6 into rtr, which translates the source on
# ge0 (npt6's egress hook, or ip6t_NPT in mangle POSTROUTING).
FUNCS_SNPT="ipv6_rcv ip6_rcv_finish ip6_forward ip6_output nf_hook_slow
	__dev_queue_xmit npt6_xlat_egress npt6_hairpin_src npt6_hairpin_dst
	ip6t_do_table ip6t_snpt_tg veth_xmit"

if [ "${NPT6_CALLGRAPH_GUEST:-}" != 1 ]; then
	. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
	NPT6_TAG=callgraph
	packets=200
	while [ $# -gt 0 ]; do
		case $1 in
		--ko)		export NPT6_KO=${2:?}; shift ;;
		--packets)	packets=${2:?}; shift ;;
		--before)	before=$(realpath -e -- "${2:?}") ||
					npt6_die "no such module: $2"
				export NPT6_CALLGRAPH_BEFORE=$before; shift ;;
		-h|--help)	sed -n '4,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*)		npt6_die "unknown argument $1" ;;
		esac
		shift
	done
	out=$NPT6_REPO/out/bench/callgraph
	rm -rf "$out"
	mkdir -p "$out" || npt6_die "cannot create $out"
	"$NPT6_REPO/selftests/lib/deps.sh" ||
		npt6_die "could not install the packages it needs"
	if [ -n "${NPT6_KO:-}" ]; then
		NPT6_KO=$(realpath -e -- "$NPT6_KO") || npt6_die "no such module"
		export NPT6_KO
		make -s -C "$NPT6_REPO" nptctl || npt6_die "nptctl did not build"
	else
		# As make bench: the module users get, through DKMS.
		"$NPT6_REPO/selftests/lib/install-module.sh" ||
			npt6_die "npt6 or nptctl did not build and install"
	fi
	NPT6_CALLGRAPH_GUEST=1 NPT6_CALLGRAPH_PACKETS=$packets \
		"$NPT6_REPO/selftests/qemu/vm.sh" --icount --timeout 1800 \
		--results "$out" --log "$out/console.log" "$0" ||
		npt6_die "the guest failed (console: $out/console.log)"
	python3 "$NPT6_REPO/selftests/bench/callgraph.py" "$out" \
		>"$NPT6_REPO/out/bench/callgraph.md" ||
		npt6_die "callgraph.py failed"
	cat "$NPT6_REPO/out/bench/callgraph.md"
	exit 0
fi

# ---------------------------------------------------------------------
# In the guest.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
NPTCTL=$REPO/tools/nptctl/nptctl
OUT=${RESULTS:?}
N=${NPT6_CALLGRAPH_PACKETS:-200}
T=/sys/kernel/tracing
RTR6=2001:db8:cf::1 WAN6=2001:db8:cf::2
LAN4=198.51.100.10 RTR4=198.51.100.1 FAR4=203.0.113.10
LAN6=fd8e:52a1:3c07:1::10 INET6=2001:db8:ffff::1
INT_PFX=fd8e:52a1:3c07:1::/64 EXT_PFX=2001:db8:5f00:1::/64

die() { echo "callgraph: $*" >&2; exit 1; }

modprobe -a ip6_tunnel pktgen ip6t_NPT || die "modprobe ip6_tunnel pktgen ip6t_NPT"
if [ -n "${NPT6_KO:-}" ]; then
	insmod "$NPT6_KO" || die "insmod $NPT6_KO"
else
	modprobe npt6 || die "modprobe npt6"
fi

for ns in lan rtr wan; do ip netns add cg-$ns || die "netns"; done
ip link add eth0 netns cg-lan type veth peer name ge1 netns cg-rtr &&
ip link add ge0 netns cg-rtr type veth peer name eth0 netns cg-wan || die "veth"
for d in "cg-lan eth0" "cg-rtr ge1" "cg-rtr ge0" "cg-wan eth0"; do
	set -- $d
	ip -n "$1" link set "$2" up && ip -n "$1" link set lo up || die "up"
done
mac() { ip -n "$1" -j link show "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])'; }
GE1_MAC=$(mac cg-rtr ge1) GE0_MAC=$(mac cg-rtr ge0)
LAN_MAC=$(mac cg-lan eth0) WAN_MAC=$(mac cg-wan eth0)
ip netns exec cg-rtr sysctl -qw net.ipv4.ip_forward=1 &&
ip -n cg-rtr -6 addr add $RTR6/64 dev ge0 nodad &&
ip -n cg-wan -6 addr add $WAN6/64 dev eth0 nodad &&
ip -n cg-rtr -6 neigh replace $WAN6 lladdr "$WAN_MAC" dev ge0 nud permanent &&
ip -n cg-lan addr add $LAN4/24 dev eth0 &&
ip -n cg-rtr addr add $RTR4/24 dev ge1 &&
ip -n cg-rtr neigh replace $LAN4 lladdr "$LAN_MAC" dev ge1 nud permanent &&
ip netns exec cg-rtr sysctl -qw net.ipv6.conf.all.forwarding=1 &&
ip -n cg-lan -6 addr add $LAN6/64 dev eth0 nodad &&
ip -n cg-rtr -6 addr add ${LAN6%::*}::1/64 dev ge1 nodad &&
ip -n cg-rtr -6 route add default via $WAN6 dev ge0 &&
ip netns exec cg-lan iptables -t raw -A PREROUTING -i eth0 -j DROP &&
ip netns exec cg-wan ip6tables -t raw -A PREROUTING -i eth0 -j DROP ||
	die "addresses"

tunnel()	# ip6tnl|npt6|npt6fp
{
	case $1 in
	ip6tnl)	ip -n cg-rtr -6 tunnel add tun0 mode ipip6 remote $WAN6 \
			local $RTR6 encaplimit none dev ge0 ;;
	npt6)	"$NPTCTL" -n cg-rtr tunnel add tun0 remote $WAN6 local $RTR6 \
			dev ge0 ;;
	npt6fp)	"$NPTCTL" -n cg-rtr tunnel add tun0 remote $WAN6 local $RTR6 \
			dev ge0 fastpath on ;;
	esac || die "tunnel $1"
	ip -n cg-rtr link set tun0 up &&
	ip -n cg-rtr route add 203.0.113.0/24 dev tun0 || die "tun0 up"
}

trace_on()	# FUNCS
{
	local f list=

	echo 0 >$T/tracing_on
	echo nop >$T/current_tracer
	for f in $1; do
		grep -qxE "$f( \[[a-z0-9_]+\])?" $T/available_filter_functions &&
			list="$list $f"
	done
	echo "$list" >$T/set_ftrace_filter || die "set_ftrace_filter"
	echo function_graph >$T/current_tracer
	echo 0 >$T/options/funcgraph-proc 2>/dev/null
	echo 8192 >$T/buffer_size_kb
	echo >$T/trace
	echo 1 >$T/tracing_on
}

trace_off()	# FILE
{
	echo 0 >$T/tracing_on
	cat $T/trace >"$1"
	echo nop >$T/current_tracer
	echo >$T/set_ftrace_filter
}

# pktgen_send CMD...: N 100-byte UDP packets from lan into rtr, with the
# pktgen commands CMD for the addresses.
pktgen_send()
{
	ip netns exec cg-lan sh -c '
		pg=/proc/net/pktgen
		echo rem_device_all >$pg/kpktgend_0
		echo "add_device eth0" >$pg/kpktgend_0
		for c in "$@"; do
			echo "$c" >$pg/eth0 || exit 1
		done
		echo start >$pg/pgctrl' sh "count $N" "clone_skb 0" \
		"pkt_size 100" "delay 0" "udp_src_min 9" "udp_src_max 9" \
		"udp_dst_min 9" "udp_dst_max 9" "dst_mac $GE1_MAC" "$@" ||
		die "pktgen"
}

send_enc()
{
	pktgen_send "src_min $LAN4" "src_max $LAN4" "dst_min $FAR4" \
		"dst_max $FAR4"
}

send_snpt()
{
	pktgen_send "src6 $LAN6" "dst6 $INET6" "flag UDPCSUM"
}

send_dec()
{
	ip netns exec cg-wan python3 - "$GE0_MAC" "$WAN6" "$RTR6" "$FAR4" "$LAN4" "$N" <<'PY' || die "scapy"
import sys
from scapy.all import Ether, IPv6, IP, UDP, Raw, sendp, conf
conf.verb = 0
dmac, src6, dst6, src4, dst4, n = sys.argv[1:]
p = (Ether(dst=dmac) / IPv6(src=src6, dst=dst6, nh=4, hlim=64) /
     IP(src=src4, dst=dst4, ttl=64) / UDP(sport=9, dport=9) / Raw(b'\0' * 58))
sendp([p] * int(n), iface='eth0')
PY
}

# Each direction is traced twice, the second time without the function
# CAL_ENC or CAL_DEC, called once per packet inside ip_forward(): the
# difference in ip_forward()'s duration is what the tracer costs a call
# (callgraph.py).
CAL_ENC=skb_push
CAL_DEC=veth_xmit
for variant in ip6tnl npt6 npt6fp; do
	tunnel $variant
	for dir in enc dec; do
		if [ $dir = enc ]; then
			funcs=$FUNCS_ENC cal=$CAL_ENC
		else
			funcs=$FUNCS_DEC cal=$CAL_DEC
		fi
		send_$dir		# warm: caches, neighbours, routes
		trace_on "$funcs"
		send_$dir
		trace_off "$OUT/$dir-$variant.txt"
		trace_on "$(echo $funcs | tr ' ' '\n' | grep -vx "$cal")"
		send_$dir
		trace_off "$OUT/$dir-$variant.cal.txt"
		echo "$cal" >"$OUT/$dir.cal"
	done
	echo "$variant: tun0 $(ip -n cg-rtr -s -j link show tun0 | python3 -c 'import json,sys; s=json.load(sys.stdin)[0]["stats64"]; print("tx", s["tx"]["packets"], "rx", s["rx"]["packets"])')"
	ip -n cg-rtr link del tun0 || die "del tun0"
done
# SNPT, the same way, with ip6t_NPT, npt6, and the older npt6.
CAL_SNPT=veth_xmit
echo "$CAL_SNPT" >"$OUT/snpt.cal"
npt()	# VARIANT: trace SNPT through it
{
	send_snpt
	trace_on "$FUNCS_SNPT"
	send_snpt
	trace_off "$OUT/snpt-$1.txt"
	trace_on "$(echo $FUNCS_SNPT | tr ' ' '\n' | grep -vx "$CAL_SNPT")"
	send_snpt
	trace_off "$OUT/snpt-$1.cal.txt"
}
ip netns exec cg-rtr ip6tables -t mangle -A POSTROUTING -s $INT_PFX -o ge0 \
	-j SNPT --src-pfx $INT_PFX --dst-pfx $EXT_PFX || die "ip6tables SNPT"
npt ip6t
ip netns exec cg-rtr ip6tables -t mangle -F POSTROUTING || die "ip6tables -F"
"$NPTCTL" -n cg-rtr add $INT_PFX $EXT_PFX dev ge0 ndproxy off >/dev/null ||
	die "nptctl add"
npt npt6
"$NPTCTL" -n cg-rtr flush
if [ -n "${NPT6_CALLGRAPH_BEFORE:-}" ]; then
	rmmod npt6 && insmod "$NPT6_CALLGRAPH_BEFORE" || die "the older npt6"
	"$NPTCTL" -n cg-rtr add $INT_PFX $EXT_PFX dev ge0 ndproxy off >/dev/null ||
		die "nptctl add (older npt6)"
	npt npt6-before
	modinfo -F srcversion "$NPT6_CALLGRAPH_BEFORE" >"$OUT/snpt-before.srcversion"
fi
echo "$N" >"$OUT/packets"
