#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`, inside the test guest (selftests/qemu/vm.sh --icount).
#
#   lan --eth0==ge1-- rtr --ge0==eth0-- wan --eth1==eth0-- far
#
# In-kernel pktgen sends 100-byte UDP across rtr in one direction at a
# time; the receiving namespace drops everything in its raw table, and
# the packets rtr sent on its egress veth are counted.  Under
# -icount shift=0 the guest clock advances one nanosecond per executed
# instruction, so packets per guest second are packets per 10^9
# instructions ("virtual pps").  Every namespace shares the one CPU, so
# what the sender and the sink cost is in every figure: compare a case
# only with the cases of its own group, which share them.
#
# The IPv6 packets carry a UDP checksum (pktgen's flag UDPCSUM).  Without
# it the checksum is 0, which keep-iid rightly leaves alone, so keep-iid
# would look free.  veth has NETIF_F_HW_CSUM, so pktgen sends them
# CHECKSUM_PARTIAL, only the pseudo-header sum in the field, and nothing
# on the way sums the payload: keep-iid and nftables update that sum for
# the new address, and conntrack trusts a partial checksum as it trusts
# one a NIC verified (CHECKSUM_UNNECESSARY).
#
# In the NPT and scaling groups the sink checks the translation too: its
# first rule drops and counts ("sunk") only the packets that carry the
# address rtr must have made, or left alone: the source on the way out,
# the destination on the way in.  The catch-all behind it drops the
# rest.  Every case of these groups pays for that rule alike; comparing
# one address costs some 60 instructions less than the catch-all's
# device name, and the UDP checksum some 85 more for pktgen.
#
# pktgen varies nothing: one UDP flow.  So the first packet of an nft
# case makes a conntrack entry and runs the nat chain, and every later
# one, every packet of a window, finds that entry with its NAT binding
# made (unreplied, its ctinfo stays NEW, but the nat chain does not run
# again): the nft rows are what an established flow costs, conntrack's
# cheapest case.  Each nft case starts with rtr's conntrack table empty.
# Its nat rule counts that one first packet, and conntrack counts
# packets only with nf_conntrack_acct, which costs; what shows that
# nftables handled a window is the sink, which counted the packets with
# the translated address while rtr had no npt6 mapping to make it.
#
# Cases, interleaved and repeated (NPT6_BENCH_CASES picks some):
#  NPT, IPv6 pktgen lan<->wan
#   fwd-l2w     plain IPv6 forwarding LAN->WAN
#   ip6t-snpt   ip6tables (nft) mangle POSTROUTING -j SNPT
#   npt6-snpt   npt6 mapping on ge0
#   npt6k-snpt  npt6 mapping on ge0, mode keep-iid
#   nft-snpt    nftables prefix NAT: `snat ip6 prefix to` in a nat
#               POSTROUTING chain, conntrack and all
#   fwd-w2l     plain IPv6 forwarding WAN->LAN
#   ip6t-dnpt   ip6tables (nft) mangle PREROUTING -j DNPT
#   npt6-dnpt   npt6 mapping on ge0
#   npt6k-dnpt  npt6 mapping on ge0, mode keep-iid
#   nft-dnpt    nftables prefix NAT: `dnat ip6 prefix to` in a nat
#               PREROUTING chain
#   fwd-l2l     plain IPv6 forwarding LAN->LAN: lan sends to a second
#               LAN address through rtr, which sends it back out of ge1
#   npt6-hairpin  the same to that host's external address: npt6's
#               hairpin hooks translate both addresses (RFC 6296 4.3)
#   hook-l2w hook-w2l   plain forwarding with an empty nftables base chain
#               on ge0's netdev ingress and egress hooks: the price of the
#               hook points npt6 uses, before any work
#  scaling, SNPT LAN->WAN, the traffic hits the mapping (rule) added last;
#  with one, these are npt6-snpt and ip6t-snpt
#   npt6-n100 npt6-n10k    100 / 10000 npt6 mappings on ge0
#   ip6t-n100 ip6t-n10k    100 / 10000 SNPT rules in mangle POSTROUTING
#  tunnel, IPv4 pktgen; rtr is the tunnel head, wan the far end
#   fwd4-enc    plain IPv4 forwarding lan->rtr->wan (sink in wan)
#   ip6tnl-enc  rtr encapsulates: ip6tnl ipip6 encaplimit none
#   npt6tnl-enc rtr encapsulates: npt6 tunnel
#   fwd4-dec    plain IPv4 forwarding far->wan->rtr->lan
#   ip6tnl-dec  wan's ip6tnl encapsulates, rtr's ip6tnl decapsulates
#   npt6tnl-dec wan's ip6tnl encapsulates, rtr's npt6 tunnel decapsulates
#   npt6fptnl-enc npt6fptnl-dec   the same with the npt6 tunnel's
#               "fastpath on" (the short cut past the IPv6 stack)
#  TCP bulk, iperf3 lan -> far for NPT6_BENCH_TCP_TIME guest seconds
#   tcp-fwd4 tcp-ip6tnl tcp-npt6tnl tcp-npt6fptnl   (wan's end is always
#               ip6tnl)
#  with a firewall: CASE+ct is CASE with a typical stateful firewall in
#  rtr (the inet table of firewall_on below: conntrack, established and
#  related accepted in input and forward, new flows from the LAN and to
#  the one published UDP port accepted, the rest dropped), as routers
#  run; plain forwarding, ip6t_NPT, npt6 and both tunnels all pay for it
#   fwd-l2w+ct ip6t-snpt+ct npt6-snpt+ct fwd-w2l+ct ip6t-dnpt+ct npt6-dnpt+ct
#   hook-l2w+ct hook-w2l+ct
#   fwd4-enc+ct ip6tnl-enc+ct npt6tnl-enc+ct fwd4-dec+ct ip6tnl-dec+ct
#   npt6tnl-dec+ct npt6fptnl-enc+ct npt6fptnl-dec+ct
#  NDP proxy: ns_flood.py in wan solicits an address of the external
#  prefix on ge0, multicast; the advertisements rtr sends are counted
#   ndp-none    nobody answers: what the solicitations alone cost
#   ndp-kernel  proxy_ndp=1, proxy_delay=0 and an `ip neigh add proxy`
#   ndp-ndppd   ndppd with a static rule for the external /64
#   ndp-npt6    npt6 mapping with ndproxy all
#
# Environment: NPT6_BENCH_ROUNDS (default 3), NPT6_BENCH_WINDOW (guest
# seconds per window, default 1), NPT6_BENCH_SETTLE (guest seconds of
# traffic before a window opens, default 0.2), NPT6_BENCH_QUIESCE (idle
# guest seconds after each setup, default 0.5), NPT6_BENCH_TCP_TIME
# (default 3), NPT6_BENCH_CASES (a subset, space separated), NPT6_KO (an
# npt6.ko to insmod instead of `modprobe npt6`).  One warm-up round is
# run and discarded; each round starts at another case and every other
# round runs backwards, so no case always follows the same one.
#
# Writes $RESULTS/samples.tsv: one line per window,
#   round case count guest_ns checked sent sunk
# count is packets sent by rtr on the egress veth (for ndp-*: Neighbor
# Advertisements, for tcp-*: bits iperf3 received); checked is how much
# the thing under test handled meanwhile (ip6tables rule, npt6 mapping
# or tunnel counter, for nft-* the sink's; "-" where there is none); sent
# is, for ndp-*, the solicitations rtr received, else "-"; sunk is what
# the sink's first rule dropped meanwhile (NPT and scaling groups, else
# "-").

set -u

REPO=${NPT6_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)}
NPTCTL=${NPT6_NPTCTL:-$REPO/tools/nptctl/nptctl}
NPTPY=$REPO/selftests/net/npt.py
BENCH=$REPO/selftests/bench
OUT=${RESULTS:-/tmp}/samples.tsv

ROUNDS=${NPT6_BENCH_ROUNDS:-3}
WINDOW=${NPT6_BENCH_WINDOW:-1}
SETTLE=${NPT6_BENCH_SETTLE:-0.2}
QUIESCE=${NPT6_BENCH_QUIESCE:-0.5}
TCP_TIME=${NPT6_BENCH_TCP_TIME:-3}
CASES=${NPT6_BENCH_CASES:-"fwd-l2w ip6t-snpt npt6-snpt npt6k-snpt nft-snpt
	fwd-w2l ip6t-dnpt npt6-dnpt npt6k-dnpt nft-dnpt
	fwd-l2l npt6-hairpin hook-l2w hook-w2l
	npt6-n100 npt6-n10k ip6t-n100 ip6t-n10k
	fwd4-enc ip6tnl-enc npt6tnl-enc npt6fptnl-enc
	fwd4-dec ip6tnl-dec npt6tnl-dec npt6fptnl-dec
	tcp-fwd4 tcp-ip6tnl tcp-npt6tnl tcp-npt6fptnl
	ndp-none ndp-kernel ndp-ndppd ndp-npt6
	fwd-l2w+ct ip6t-snpt+ct npt6-snpt+ct fwd-w2l+ct ip6t-dnpt+ct npt6-dnpt+ct
	hook-l2w+ct hook-w2l+ct
	fwd4-enc+ct ip6tnl-enc+ct npt6tnl-enc+ct npt6fptnl-enc+ct
	fwd4-dec+ct ip6tnl-dec+ct npt6tnl-dec+ct npt6fptnl-dec+ct"}

INT_PFX=fd8e:52a1:3c07:1::/64
EXT_PFX=2001:db8:5f00:1::/64
LAN_HOST=fd8e:52a1:3c07:1::10
LAN_HOST2=fd8e:52a1:3c07:1::20	# the hairpin cases' target, also in lan
LAN_KEEP=2001:db8:5f00:1::10	# LAN_HOST under keep-iid and nft prefix NAT
RTR_LAN=fd8e:52a1:3c07:1::1
RTR_WAN=2001:db8:ffff:1::2
WAN_ADDR=2001:db8:ffff:1::1
INET_ADDR=2001:db8:ffff:3::80
LAN4=198.51.100.10
LAN4_NET=198.51.100.0/24
RTR_LAN4=198.51.100.1
RTR_WAN4=192.0.2.2
WAN4=192.0.2.1
WAN_FAR4=203.0.113.1
FAR4=203.0.113.80
FAR4_NET=203.0.113.0/24
LAN_MAC=02:00:00:00:01:01
GE1_MAC=02:00:00:00:01:02
GE0_MAC=02:00:00:00:02:01
WAN_MAC=02:00:00:00:02:02
WAN1_MAC=02:00:00:00:03:01
FAR_MAC=02:00:00:00:03:02

LAN=bench-lan
RTR=bench-rtr
WAN=bench-wan
FAR=bench-far

log()
{
	echo "bench: $*"
}

die()
{
	echo "bench: error: $*" >&2
	exit 1
}

cleanup()
{
	[ -n "${flood:-}" ] && kill "$flood" 2>/dev/null
	[ -s /tmp/bench-ndppd.pid ] && kill "$(cat /tmp/bench-ndppd.pid)" 2>/dev/null
	[ -n "${holder:-}" ] && kill "$holder" 2>/dev/null
	ip netns del $LAN 2>/dev/null
	ip netns del $RTR 2>/dev/null
	ip netns del $WAN 2>/dev/null
	ip netns del $FAR 2>/dev/null
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || die "must run as root (inside the test guest)"
[ -x "$NPTCTL" ] || die "$NPTCTL is not built (make nptctl)"
for cmd in ip iptables ip6tables ip6tables-restore nft python3 iperf3 ndppd; do
	command -v $cmd >/dev/null || die "$cmd is missing (selftests/lib/deps.sh)"
done
# NPT6_KO: a module built in a work tree, tried without installing it.
# insmod does not resolve dependencies, so we load them first.
if [ -n "${NPT6_KO:-}" ]; then
	modprobe -a tunnel6 ip_tunnel || die "cannot load tunnel6 and ip_tunnel"
	insmod "$NPT6_KO" || die "cannot insmod $NPT6_KO"
else
	modprobe npt6 || die "cannot load npt6"
fi
modprobe -a pktgen ip6t_NPT ip6_tunnel || die "cannot load pktgen, ip6t_NPT and ip6_tunnel"

# pktgen hands each packet to the receiving veth's backlog and, when it
# re-enables bottom halves, runs the softirq that forwards it, inline.
# Once softirq work spills over to ksoftirqd (a tick during a long
# softirq is enough, and a 10000-rule ip6tables walk is one), pktgen, at
# the same priority, fills the backlog and most of what it makes is
# dropped: the window then measures the scheduler (a quarter of the
# usual figure for ip6tnl-dec, nothing at all for ip6t-n10k, both with
# tens of thousands of backlog drops).  A real-time ksoftirqd runs as
# soon as it is woken, which keeps the forwarding as good as inline.
for p in /proc/[0-9]*; do
	read -r comm 2>/dev/null <"$p/comm" || continue
	case $comm in
	ksoftirqd/*) chrt -f -p 1 "${p#/proc/}" || die "cannot make $comm SCHED_FIFO" ;;
	esac
done
log "npt6 $(cat /sys/module/npt6/version 2>/dev/null) from ${NPT6_KO:-modprobe}, kernel $(uname -r)"
printf 'npt6=%s srcversion %s\nmodule=%s\nwindow_s=%s\nsettle_s=%s\ntcp_s=%s\nksoftirqd=SCHED_FIFO\n' \
	"$(cat /sys/module/npt6/version 2>/dev/null)" \
	"$(cat /sys/module/npt6/srcversion 2>/dev/null)" "${NPT6_KO:-modprobe}" \
	"$WINDOW" "$SETTLE" "$TCP_TIME" >"${RESULTS:-/tmp}/meta"

LAN_EXT=$(python3 "$NPTPY" map $INT_PFX $EXT_PFX $LAN_HOST) ||
	die "npt.py cannot map $LAN_HOST"
LAN2_EXT=$(python3 "$NPTPY" map $INT_PFX $EXT_PFX $LAN_HOST2) ||
	die "npt.py cannot map $LAN_HOST2"

# ---------------------------------------------------------------------
# Topology

for ns in $LAN $RTR $WAN $FAR; do
	ip netns add $ns || die "cannot create netns $ns"
	ip -n $ns link set lo up
	ip netns exec $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.accept_ra=0 \
		net.ipv6.conf.default.accept_ra=0 \
		net.ipv6.auto_flowlabels=0
done
ip link add eth0 address $LAN_MAC netns $LAN type veth \
	peer ge1 address $GE1_MAC netns $RTR || die "veth lan-rtr"
ip link add eth0 address $WAN_MAC netns $WAN type veth \
	peer ge0 address $GE0_MAC netns $RTR || die "veth rtr-wan"
ip link add eth0 address $FAR_MAC netns $FAR type veth \
	peer eth1 address $WAN1_MAC netns $WAN || die "veth wan-far"
ip netns exec $RTR sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1
ip netns exec $WAN sysctl -qw net.ipv4.ip_forward=1
for l in "$LAN eth0" "$RTR ge1" "$RTR ge0" "$WAN eth0" "$WAN eth1" "$FAR eth0"; do
	set -- $l
	ip -n $1 link set $2 up
done
ip -n $LAN -6 addr add $LAN_HOST/64 dev eth0 nodad
ip -n $RTR -6 addr add $RTR_LAN/64 dev ge1 nodad
ip -n $RTR -6 addr add $RTR_WAN/64 dev ge0 nodad
ip -n $WAN -6 addr add $WAN_ADDR/64 dev eth0 nodad
ip -n $RTR -6 route add default via $WAN_ADDR dev ge0
ip -n $RTR -6 neigh replace $WAN_ADDR lladdr $WAN_MAC dev ge0 nud permanent
ip -n $RTR -6 neigh replace $LAN_HOST lladdr $LAN_MAC dev ge1 nud permanent
ip -n $RTR -6 neigh replace $LAN_HOST2 lladdr $LAN_MAC dev ge1 nud permanent
ip -n $WAN -6 neigh replace $RTR_WAN lladdr $GE0_MAC dev eth0 nud permanent

# IPv4 for the tunnel cases: lan's 198.51.100.0/24 behind rtr, far's
# 203.0.113.0/24 behind wan.  rtr reaches far's net through wan in plain
# IPv4 (metric 100) unless a tunnel case puts a better route into tun0.
ip -n $LAN addr add $LAN4/24 dev eth0
ip -n $LAN route add default via $RTR_LAN4
ip -n $LAN neigh replace $RTR_LAN4 lladdr $GE1_MAC dev eth0 nud permanent
ip -n $RTR addr add $RTR_LAN4/24 dev ge1
ip -n $RTR addr add $RTR_WAN4/24 dev ge0
ip -n $RTR route add $FAR4_NET via $WAN4 dev ge0 metric 100
ip -n $RTR neigh replace $LAN4 lladdr $LAN_MAC dev ge1 nud permanent
ip -n $RTR neigh replace $WAN4 lladdr $WAN_MAC dev ge0 nud permanent
ip -n $WAN addr add $WAN4/24 dev eth0
ip -n $WAN addr add $WAN_FAR4/24 dev eth1
ip -n $WAN neigh replace $RTR_WAN4 lladdr $GE0_MAC dev eth0 nud permanent
ip -n $WAN neigh replace $FAR4 lladdr $FAR_MAC dev eth1 nud permanent
ip -n $FAR addr add $FAR4/24 dev eth0
ip -n $FAR route add default via $WAN_FAR4
ip -n $FAR neigh replace $WAN_FAR4 lladdr $WAN1_MAC dev eth0 nud permanent
# wan's end of every tunnel case is the kernel's ip6tnl, so that only
# rtr's end differs between ip6tnl-* and npt6tnl-*.
ip -n $WAN -6 tunnel add tun0 mode ipip6 remote $RTR_WAN local $WAN_ADDR \
	encaplimit none dev eth0 || die "wan ip6tnl"
ip -n $WAN link set tun0 up

# A process that stays in rtr, so /proc/PID/net/dev reads rtr's counters
# with bash builtins only: no fork inside a measurement window.
ip netns exec $RTR sleep 1000000 &
holder=$!
# A fifo nobody writes: `read -t` on it is a sleep without a fork.
mkfifo /tmp/bench.fifo && exec {sleepfd}<>/tmp/bench.fifo || die "fifo"

pause()
{
	read -r -t "$1" -u "$sleepfd" _
}

# devstats DEV: rtr's counters of DEV into RXP, TXP and TXB.
devstats()
{
	local name rest

	while read -r name rest; do
		if [ "$name" = "$1:" ]; then
			set -- $rest
			RXP=$2 TXB=$9 TXP=${10}
			return 0
		fi
	done <"/proc/$holder/net/dev"
	RXP='?' TXB='?' TXP='?'
	return 1
}

# snmp6 NAME VAR: one of rtr's IPv6 MIB counters.
snmp6()
{
	local key val

	while read -r key val; do
		if [ "$key" = "$1" ]; then
			printf -v "$2" '%s' "$val"
			return 0
		fi
	done <"/proc/$holder/net/snmp6"
	printf -v "$2" '?'
	return 1
}

# flowing DEV RXP|TXP: wait until rtr's DEV counts packets.  Starting a
# sender takes execs over 9p, and under -icount sleep=off the guest time
# that takes depends on the host (the guest idles while the host reads):
# a window opened after a fixed delay would sometimes open on a sender
# still starting.
flowing()
{
	local i c0

	devstats "$1"
	c0=${!2}
	for ((i = 0; i < 2000; i++)); do
		pause 0.01
		devstats "$1"
		[ "${!2}" -gt $((c0 + 100)) ] && return 0
	done
	die "no traffic on rtr's $1 after 20 guest seconds"
}

# softnet: the CPU's backlog drops and squeezes so far, into DROPS and
# SQUEEZE (/proc/net/softnet_stat is in hex).
softnet()
{
	local dropped squeeze rest

	read -r _ dropped squeeze rest </proc/net/softnet_stat
	DROPS=$((16#$dropped)) SQUEEZE=$((16#$squeeze))
}

# sinks on|off: lan and wan drop all that arrives on eth0 as early as
# the stack allows, in the raw table; off for TCP, which needs both ends.
# wan's eth1 is never a sink: far's traffic passes through it.
SINKS=
sinks()
{
	local ns ipt

	[ "$SINKS" = "$1" ] && return 0
	for ns in $LAN $WAN; do
		for ipt in iptables ip6tables; do
			ip netns exec $ns $ipt -t raw -F PREROUTING 2>/dev/null
			if [ "$1" = on ]; then
				ip netns exec $ns $ipt -t raw -A PREROUTING -i eth0 -j DROP ||
					die "$ns $ipt raw DROP"
			fi
		done
	done
	SINKS=$1 SINK6=
}

# sink6: make the sink's first IPv6 rule in SINK_NS drop and count the
# packets SINK_MATCH selects, or have no such rule if SINK_NS is empty
# (the tunnel cases' ipip6 packets meet the catch-all alone, as they
# always did).
SINK6=
sink6()
{
	local want="$SINK_NS $SINK_MATCH" old

	[ "$SINK6" = "$want" ] && return 0
	if [ -n "$SINK6" ]; then
		read -r old _ <<<"$SINK6"
		ip netns exec "$old" ip6tables -t raw -D PREROUTING 1 ||
			die "$old: cannot delete the sink's first rule"
	fi
	SINK6=
	[ -n "$SINK_NS" ] || return 0
	ip netns exec "$SINK_NS" ip6tables -t raw -I PREROUTING 1 $SINK_MATCH -j DROP ||
		die "$SINK_NS: sink rule $SINK_MATCH"
	SINK6=$want
}

# sunk VAR: packets the sink's first IPv6 rule dropped so far, "-" if
# there is none.
sunk()
{
	local ns pkts=-

	if [ -n "$SINK6" ]; then
		read -r ns _ <<<"$SINK6"
		pkts=$(ip netns exec "$ns" ip6tables -t raw -nvxL PREROUTING 1 2>/dev/null)
		read -r pkts _ <<<"$pkts"
		[[ $pkts =~ ^[0-9]+$ ]] || pkts='?'
	fi
	printf -v "$1" '%s' "$pkts"
}

# ct_flush: empty rtr's conntrack table (IPCTNL_MSG_CT_DELETE with no
# tuple), with no conntrack(8) needed.
ct_flush()
{
	ip netns exec $RTR python3 -c '
import os, socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)  # NETLINK_NETFILTER
# nlmsghdr: NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_DELETE, REQUEST|ACK;
# nfgenmsg: AF_UNSPEC, NFNETLINK_V0
s.send(struct.pack("=IHHIIBBH", 20, 1 << 8 | 2, 1 | 4, 1, 0, 0, 0, 0))
err = -struct.unpack_from("=i", s.recv(4096), 16)[0]
if err:
    raise SystemExit("conntrack flush: " + os.strerror(err))' ||
		die "cannot flush rtr's conntrack table"
}

# wan_route fwd|tun: how wan reaches lan's IPv4 net, through rtr in plain
# IPv4 or into its ip6tnl towards rtr.
WANROUTE=
wan_route()
{
	[ "$WANROUTE" = "$1" ] && return 0
	case $1 in
	fwd)	ip -n $WAN route replace $LAN4_NET via $RTR_WAN4 dev eth0 ;;
	tun)	ip -n $WAN route replace $LAN4_NET dev tun0 ;;
	esac || die "wan route $1"
	WANROUTE=$1
}

# The router must be plain between cases: no nf_tables table at all
# (an emptied ip6tables mangle table still costs ~600 instructions per
# packet), no npt6 mapping (its hooks go away with the last one) and no
# tunnel.  case_teardown stops the NDP proxies.
rtr_reset()
{
	ip netns exec $RTR nft flush ruleset
	"$NPTCTL" -n $RTR flush >/dev/null 2>&1
	[ -z "$(ip netns exec $RTR nft list ruleset)" ] ||
		die "rtr still has nf_tables state after nft flush ruleset"
	[ -z "$("$NPTCTL" -n $RTR show 2>/dev/null)" ] ||
		die "rtr still has npt6 mappings after nptctl flush"
	! devstats tun0 || die "rtr still has tun0"
}

# ---------------------------------------------------------------------
# pktgen

pg()	# NS FILE CMD
{
	ip netns exec "$1" sh -c "echo '$3' >/proc/net/pktgen/$2" ||
		die "pktgen: $1 $2: $3"
}

# pg_dev NS DEV CMD...: give NS's pktgen thread DEV alone, configured
# afresh (a new device also forgets IPv6 mode) with CMDs on top of the
# common 100-byte UDP flood; one exec for all of it.
pg_dev()
{
	local ns=$1 dev=$2

	shift 2
	ip netns exec "$ns" sh -c '
		dev=$1; shift
		echo rem_device_all >/proc/net/pktgen/kpktgend_0 &&
		echo "add_device $dev" >/proc/net/pktgen/kpktgend_0 || exit 1
		for c in "count 0" "clone_skb 0" "pkt_size 100" "delay 0" \
			 "udp_src_min 9" "udp_src_max 9" "udp_dst_min 9" \
			 "udp_dst_max 9" "$@"; do
			echo "$c" >"/proc/net/pktgen/$dev" ||
				{ echo "pktgen: $dev: $c" >&2; exit 1; }
		done' sh "$dev" "$@" || die "pktgen setup of $dev in $ns failed"
}

# ---------------------------------------------------------------------
# Scaling: the mapping files and ip6tables-restore files, made once.
# Mapping i is fd8e:52a1:3c07:i::/64 -> 2001:db8:5f00:i::/64 (i in hex),
# the traffic comes from the last one's /64.

scale_files()	# N
{
	local i h

	{
		for ((i = 1; i <= $1; i++)); do
			printf -v h %x $i
			echo "fd8e:52a1:3c07:$h::/64 2001:db8:5f00:$h::/64 ndproxy off"
		done
	} >/tmp/bench-maps-$1
	{
		echo '*mangle'
		for ((i = 1; i <= $1; i++)); do
			printf -v h %x $i
			echo "-A POSTROUTING -s fd8e:52a1:3c07:$h::/64 -o ge0 -j SNPT --src-pfx fd8e:52a1:3c07:$h::/64 --dst-pfx 2001:db8:5f00:$h::/64"
		done
		echo COMMIT
	} >/tmp/bench-rules-$1
}

# npt6_stat INT_PFX DIR KEY: a counter of one mapping in rtr ("?" if none).
npt6_stat()
{
	"$NPTCTL" -n $RTR -j -s show dev ge0 2>/dev/null | python3 -c '
import json, sys
pfx, d, k = sys.argv[1:]
for m in json.load(sys.stdin):
    if m["internal"] == pfx:
        print(m["stats"][d][k])
        break
else:
    print("?")' "$@" 2>/dev/null || echo "?"
}

# ip6t_stat CHAIN: packets of the last NPT rule of mangle CHAIN in rtr.
ip6t_stat()
{
	ip netns exec $RTR ip6tables -t mangle -nvxL "$1" 2>/dev/null |
		awk '/NPT/ { n = $1 } END { print (n == "" ? "?" : n) }'
}

# ---------------------------------------------------------------------
# Cases

cat >/tmp/bench-ndppd.conf <<EOF
proxy ge0 {
	rule $EXT_PFX {
		static
	}
}
EOF

# lan_ext CASE VAR: LAN_HOST's address on the WAN side in CASE: itself
# where rtr only forwards, else its twin under RFC 6296 or keep-iid.
lan_ext()
{
	local addr=$LAN_EXT

	case $1 in
	fwd-*|hook-*) addr=$LAN_HOST ;;
	npt6k-*|nft-*) addr=$LAN_KEEP ;;
	esac
	printf -v "$2" '%s' "$addr"
}

# case_setup CASE: configure the namespaces for CASE and set
#   KIND      pps (pktgen), tcp (iperf3) or ndp (ns_flood.py)
#   SRC_NS    where pktgen runs (pps)
#   EGRESS    rtr's device whose tx_packets count
#   TUN       ip6tnl, npt6tnl or nothing: rtr's tunnel
#   SCALE     mappings or rules of a scaling case, else nothing
#   SINK_NS   where the packets arrive (NPT and scaling groups, else
#             nothing)
#   SINK_MATCH  -s or -d, and the address rtr must have made (or left)
case_setup()
{
	local n=${1##*-n} h a fp

	rtr_reset
	KIND=pps TUN='' SCALE='' SINK_NS='' SINK_MATCH=''
	case $1 in
	*-snpt|fwd-l2w|hook-l2w)
		lan_ext "$1" a
		SRC_NS=$LAN EGRESS=ge0
		SINK_NS=$WAN SINK_MATCH="-s $a"
		pg_dev $LAN eth0 "dst_mac $GE1_MAC" "src6 $LAN_HOST" "dst6 $INET_ADDR" \
			"flag UDPCSUM"
		;;
	*-dnpt|fwd-w2l|hook-w2l)
		lan_ext "$1" a
		SRC_NS=$WAN EGRESS=ge1
		SINK_NS=$LAN SINK_MATCH="-d $LAN_HOST"
		pg_dev $WAN eth0 "dst_mac $GE0_MAC" "src6 $INET_ADDR" "dst6 $a" \
			"flag UDPCSUM"
		;;
	fwd-l2l)
		SRC_NS=$LAN EGRESS=ge1
		SINK_NS=$LAN SINK_MATCH="-s $LAN_HOST"
		pg_dev $LAN eth0 "dst_mac $GE1_MAC" "src6 $LAN_HOST" "dst6 $LAN_HOST2" \
			"flag UDPCSUM"
		;;
	npt6-hairpin)
		SRC_NS=$LAN EGRESS=ge1
		SINK_NS=$LAN SINK_MATCH="-s $LAN_EXT"
		pg_dev $LAN eth0 "dst_mac $GE1_MAC" "src6 $LAN_HOST" "dst6 $LAN2_EXT" \
			"flag UDPCSUM"
		;;
	*-n100|*-n10k)
		[ "$n" = 10k ] && n=10000
		SCALE=$n SRC_NS=$LAN EGRESS=ge0
		SINK_NS=$WAN SINK_MATCH="-s ${SCALE_EXT[$n]}"
		printf -v h %x "$n"
		pg_dev $LAN eth0 "dst_mac $GE1_MAC" "src6 fd8e:52a1:3c07:$h::10" \
			"dst6 $INET_ADDR" "flag UDPCSUM"
		;;
	*-enc)
		SRC_NS=$LAN EGRESS=ge0
		pg_dev $LAN eth0 "dst_mac $GE1_MAC" "src_min $LAN4" "src_max $LAN4" \
			"dst_min $FAR4" "dst_max $FAR4"
		;;
	*-dec)
		SRC_NS=$FAR EGRESS=ge1
		pg_dev $FAR eth0 "dst_mac $WAN1_MAC" "src_min $FAR4" "src_max $FAR4" \
			"dst_min $LAN4" "dst_max $LAN4"
		;;
	tcp-*)
		KIND=tcp EGRESS=ge0
		;;
	ndp-*)
		KIND=ndp EGRESS=ge0
		;;
	*)	die "unknown case $1" ;;
	esac
	if [ "$KIND" = tcp ]; then
		sinks off
	else
		sinks on
	fi
	sink6
	case $1 in
	*-fwd4|fwd4-dec) wan_route fwd ;;
	*tnl*) wan_route tun ;;
	esac
	case $1 in
	ip6t-snpt)
		ip netns exec $RTR ip6tables -t mangle -A POSTROUTING \
			-s $INT_PFX -o ge0 -j SNPT \
			--src-pfx $INT_PFX --dst-pfx $EXT_PFX || die "ip6tables SNPT"
		;;
	ip6t-dnpt)
		ip netns exec $RTR ip6tables -t mangle -A PREROUTING \
			-d $EXT_PFX -i ge0 -j DNPT \
			--src-pfx $EXT_PFX --dst-pfx $INT_PFX || die "ip6tables DNPT"
		;;
	npt6-snpt|npt6-dnpt|npt6-hairpin)
		"$NPTCTL" -n $RTR add $INT_PFX $EXT_PFX dev ge0 ndproxy off ||
			die "nptctl add"
		;;
	npt6k-*)
		"$NPTCTL" -n $RTR add $INT_PFX $EXT_PFX dev ge0 ndproxy off \
			mode keep-iid || die "nptctl add mode keep-iid"
		;;
	nft-snpt)
		ip netns exec $RTR nft -f - <<-NFT || die "nft snat ip6 prefix"
		table ip6 bench_nat {
			chain post {
				type nat hook postrouting priority srcnat;
				oifname "ge0" ip6 saddr $INT_PFX snat ip6 prefix to $EXT_PFX
			}
		}
		NFT
		;;
	nft-dnpt)
		ip netns exec $RTR nft -f - <<-NFT || die "nft dnat ip6 prefix"
		table ip6 bench_nat {
			chain pre {
				type nat hook prerouting priority dstnat;
				iifname "ge0" ip6 daddr $EXT_PFX dnat ip6 prefix to $INT_PFX
			}
		}
		NFT
		;;
	hook-*)
		# What npt6's hooks cost before npt6 runs a line: an empty
		# base chain on each of ge0's netdev hooks.
		ip netns exec $RTR nft -f - <<-NFT || die "nft netdev chains"
		table netdev npt6_floor {
			chain floor_in { type filter hook ingress device ge0 priority 0; }
			chain floor_out { type filter hook egress device ge0 priority 0; }
		}
		NFT
		;;
	npt6-n*)
		ip netns exec $RTR python3 "$BENCH/npt6_batch.py" ge0 \
			/tmp/bench-maps-$SCALE >/dev/null || die "npt6_batch.py $SCALE"
		;;
	ip6t-n*)
		ip netns exec $RTR ip6tables-restore --noflush /tmp/bench-rules-$SCALE ||
			die "ip6tables-restore of $SCALE rules"
		;;
	*ip6tnl*)
		TUN=ip6tnl
		ip -n $RTR -6 tunnel add tun0 mode ipip6 remote $WAN_ADDR \
			local $RTR_WAN encaplimit none dev ge0 || die "ip6tnl"
		;;
	*npt6tnl*|*npt6fptnl*)
		TUN=npt6tnl
		fp=off
		case $1 in *npt6fptnl*) fp=on ;; esac
		"$NPTCTL" -n $RTR tunnel add tun0 remote $WAN_ADDR local $RTR_WAN \
			dev ge0 fastpath $fp >/dev/null || die "nptctl tunnel add"
		;;
	ndp-kernel)
		ip netns exec $RTR sysctl -qw net.ipv6.conf.ge0.proxy_ndp=1 \
			net.ipv6.neigh.ge0.proxy_delay=0 || die "proxy_ndp"
		ip -n $RTR -6 neigh add proxy $LAN_EXT dev ge0 || die "neigh add proxy"
		;;
	ndp-ndppd)
		rm -f /tmp/bench-ndppd.pid
		ip netns exec $RTR ndppd -d -c /tmp/bench-ndppd.conf \
			-p /tmp/bench-ndppd.pid >/dev/null 2>&1 || die "ndppd did not start"
		;;
	ndp-npt6)
		"$NPTCTL" -n $RTR add $INT_PFX $EXT_PFX dev ge0 ndproxy all ||
			die "nptctl add ndproxy all"
		;;
	esac
	if [ -n "$TUN" ]; then
		ip -n $RTR link set tun0 up &&
			ip -n $RTR route add $FAR4_NET dev tun0 metric 10 ||
			die "tun0 up and routed"
	fi
}

# firewall_on: the stateful firewall of the CASE+ct cases, in rtr.  The
# pktgen flows are one-way, so conntrack keeps them NEW (unreplied) and
# every packet is looked up and then accepted by a new-flow rule: LAN
# out, or the published UDP port 9 in (DNPT, decapsulation).  The ipip6
# packets a tunnel receives are accepted in input the same way.
firewall_on()
{
	ip netns exec $RTR nft -f - <<-NFT || die "nft firewall"
	table inet fw {
		chain input {
			type filter hook input priority filter; policy drop;
			ct state established,related accept
			ct state invalid drop
			iifname "lo" accept
			meta l4proto ipv6-icmp accept
			iifname "ge0" meta l4proto 4 accept
		}
		chain forward {
			type filter hook forward priority filter; policy drop;
			ct state established,related accept
			ct state invalid drop
			meta l4proto ipv6-icmp accept
			iifname "ge1" accept
			iifname { "ge0", "tun0" } udp dport 9 accept
		}
	}
	NFT
}

# case_teardown CASE: undo what case_setup did beyond rtr_reset's reach.
case_teardown()
{
	local pid i

	[ -n "$TUN" ] && { ip -n $RTR link del tun0 || die "cannot delete tun0"; }
	case $1 in
	nft-*)
		# The ruleset goes with rtr_reset, but the flow's entry would
		# outlive it and greet the next nft case: nft-dnpt's packets
		# are replies to nft-snpt's flow.
		ct_flush
		;;
	ndp-kernel)
		ip -n $RTR -6 neigh del proxy $LAN_EXT dev ge0 || die "neigh del proxy"
		ip netns exec $RTR sysctl -qw net.ipv6.conf.ge0.proxy_ndp=0
		;;
	ndp-ndppd)
		pid=$(cat /tmp/bench-ndppd.pid 2>/dev/null)
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
		for ((i = 0; i < 50; i++)); do
			[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
			pause 0.1
		done
		rm -f /tmp/bench-ndppd.pid
		;;
	esac
}

# counter CASE VAR: the counter of the thing under test in CASE: how
# many packets (tcp-*: bits) it handled so far, "-" if there is none.
counter()
{
	local v=-

	case $1 in
	ip6t-snpt|ip6t-n*) v=$(ip6t_stat POSTROUTING) ;;
	ip6t-dnpt) v=$(ip6t_stat PREROUTING) ;;
	npt6-snpt|npt6k-snpt|npt6-hairpin) v=$(npt6_stat $INT_PFX snpt packets) ;;
	npt6-dnpt|npt6k-dnpt) v=$(npt6_stat $INT_PFX dnpt packets) ;;
	nft-*) sunk v ;;
	npt6-n*) v=$(npt6_stat "$(printf 'fd8e:52a1:3c07:%x::/64' "$SCALE")" snpt packets) ;;
	*tnl-enc) devstats tun0; v=$TXP ;;
	*tnl-dec) devstats tun0; v=$RXP ;;
	tcp-*tnl) devstats tun0; v=$((TXB * 8)) ;;
	ndp-npt6) v=$(npt6_stat $INT_PFX ndp na_sent) ;;
	ndp-*) snmp6 Icmp6OutNeighborAdvertisements v ;;
	esac
	printf -v "$2" '%s' "$v"
}

# measure_pps: pktgen from SRC_NS; packets rtr sent on EGRESS in WINDOW.
measure_pps()
{
	local gen t0 t1 p0 p1 d0 q0

	ip netns exec $SRC_NS sh -c 'echo start >/proc/net/pktgen/pgctrl' &
	gen=$!
	flowing $EGRESS TXP
	pause "$SETTLE"
	devstats $EGRESS; p0=$TXP
	softnet; d0=$DROPS q0=$SQUEEZE
	t0=$EPOCHREALTIME
	pause "$WINDOW"
	t1=$EPOCHREALTIME
	devstats $EGRESS; p1=$TXP
	softnet; DROPS=$((DROPS - d0)) SQUEEZE=$((SQUEEZE - q0))
	pg $SRC_NS pgctrl stop
	wait $gen 2>/dev/null
	COUNT=$((p1 - p0)) NS=$(( (${t1/./} - ${t0/./}) * 1000 )) SENT=-
}

# measure_ndp: solicitations from wan; advertisements rtr sent on ge0 and
# solicitations it received there in WINDOW.
measure_ndp()
{
	local line t0 t1 tx0 tx1 rx0 rx1 d0 q0

	# A coprocess, not a process substitution: the guest has no /dev/fd.
	coproc FLOOD { exec ip netns exec $WAN python3 "$BENCH/ns_flood.py" \
		eth0 $WAN_MAC $WAN_ADDR $LAN_EXT 60; }
	flood=$FLOOD_PID
	read -r -t 120 -u "${FLOOD[0]}" line && [ "$line" = ready ] ||
		die "ns_flood.py did not start"
	flowing ge0 RXP
	pause "$SETTLE"
	devstats ge0; tx0=$TXP rx0=$RXP
	softnet; d0=$DROPS q0=$SQUEEZE
	t0=$EPOCHREALTIME
	pause "$WINDOW"
	t1=$EPOCHREALTIME
	devstats ge0; tx1=$TXP rx1=$RXP
	softnet; DROPS=$((DROPS - d0)) SQUEEZE=$((SQUEEZE - q0))
	kill $flood
	wait $flood 2>/dev/null
	flood=
	COUNT=$((tx1 - tx0)) NS=$(( (${t1/./} - ${t0/./}) * 1000 )) SENT=$((rx1 - rx0))
}

# measure_tcp: iperf3 from lan to far for TCP_TIME guest seconds; what the
# receiver got, in bits and guest ns (iperf3 times with the guest clock,
# so its rate is already virtual).
measure_tcp()
{
	local line res up=0 srv

	coproc IPERF { exec ip netns exec $FAR iperf3 -s -1 -B $FAR4 --forceflush 2>&1; }
	srv=$IPERF_PID
	while read -r -t 120 -u "${IPERF[0]}" line; do
		case $line in
		*listening*) up=1; break ;;
		esac
	done
	[ "$up" = 1 ] || die "iperf3 server did not start"
	res=$(ip netns exec $LAN iperf3 -c $FAR4 -t "$TCP_TIME" -J 2>&1 | python3 -c '
import json, sys
try:
    s = json.load(sys.stdin)["end"]["sum_received"]
    print(int(s["bytes"]) * 8, int(s["seconds"] * 1e9))
except Exception as e:
    print("0 0", e)')
	kill $srv 2>/dev/null
	wait $srv 2>/dev/null
	set -- $res
	[ "$1" != 0 ] || log "iperf3 failed: $res"
	COUNT=$1 NS=$2 SENT=- DROPS=- SQUEEZE=-
}

# window CASE ROUND: one measurement; appends a line to $OUT.
window()
{
	local c=$1 round=$2 c0 c1 chk fig s0 s1 snk=- base=${1%+ct}

	case_setup "$base"
	[ "$c" = "$base" ] || firewall_on
	# Whatever the setup left to workqueues and RCU (a 10000-mapping
	# table growing, rules freed) runs now, not in the window: an idle
	# pause costs no wall time under -icount sleep=off.
	pause "$QUIESCE"
	if [ "$c" = ndp-ndppd ] && ! kill -0 "$(cat /tmp/bench-ndppd.pid 2>/dev/null)" 2>/dev/null; then
		die "ndppd is not running"
	fi
	counter "$base" c0
	sunk s0
	measure_$KIND
	counter "$base" c1
	sunk s1
	case_teardown "$base"
	# The firewall's flows must not greet the next case (an nft-* case's
	# NAT is set up only by a flow's first packet).
	[ "$c" = "$base" ] || ct_flush
	chk=-
	if [ "$c0" != - ]; then
		chk='?'
		[[ $c0 =~ ^[0-9]+$ && $c1 =~ ^[0-9]+$ ]] && chk=$((c1 - c0))
	fi
	if [ "$s0" != - ]; then
		snk='?'
		[[ $s0 =~ ^[0-9]+$ && $s1 =~ ^[0-9]+$ ]] && snk=$((s1 - s0))
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$c" "$COUNT" "$NS" "$chk" "$SENT" "$snk" >>"$OUT"
	case $KIND in
	tcp)	fig=$(awk -v b="$COUNT" -v n="$NS" 'BEGIN { printf "%.3f virtual Gbit/s", n ? b / n : 0 }') ;;
	ndp)	fig=$(awk -v p="$COUNT" -v s="$SENT" -v n="$NS" 'BEGIN { printf "%.1fk NA, %.1fk NS per 1e9 instr", n ? p / n * 1e6 : 0, n ? s / n * 1e6 : 0 }') ;;
	*)	fig=$(awk -v p="$COUNT" -v n="$NS" 'BEGIN { printf "%.1fk virtual pps", n ? p / n * 1e6 : 0 }') ;;
	esac
	log "$(printf '[%d/%d] round %-6s %-11s %10d in %11d guest ns: %s (checked %s, sunk %s, backlog drops %s squeezed %s)' \
		"$DONE" "$TOTAL" "$round" "$c" "$COUNT" "$NS" "$fig" "$chk" "$snk" "$DROPS" "$SQUEEZE")"
}

# run_round R: all cases once.  Round R starts at case R mod n, and
# even rounds (the warm-up is round 0) run backwards, so that neither
# the first place nor any case's predecessor is always the same.
run_round()
{
	local r=$1 name=$2 n=${#LIST[@]} i k

	for ((i = 0; i < n; i++)); do
		if ((r % 2)); then
			k=$(( (r + i) % n ))
		else
			k=$(( ((r - i) % n + n) % n ))
		fi
		DONE=$((DONE + 1))
		window "${LIST[k]}" "$name"
	done
}

read -r -a LIST <<<"$(echo $CASES)"
declare -A SCALE_EXT
for c in "${LIST[@]}"; do
	case $c in
	*-n100) n=100 ;;
	*-n10k) n=10000 ;;
	*) continue ;;
	esac
	[ -s /tmp/bench-maps-$n ] || scale_files $n
	[ -n "${SCALE_EXT[$n]:-}" ] && continue
	printf -v h %x $n
	SCALE_EXT[$n]=$(python3 "$NPTPY" map fd8e:52a1:3c07:$h::/64 \
		2001:db8:5f00:$h::/64 fd8e:52a1:3c07:$h::10) ||
		die "npt.py cannot map the scaling cases' host"
done
DONE=0
TOTAL=$(( (ROUNDS + 1) * ${#LIST[@]} ))
: >"$OUT"
log "LAN host $LAN_HOST maps to $LAN_EXT; ${#LIST[@]} cases, rounds $ROUNDS + 1 warm-up, window ${WINDOW}s, settle ${SETTLE}s, TCP ${TCP_TIME}s"
run_round 0 warmup
for ((r = 1; r <= ROUNDS; r++)); do
	run_round $r $r
done
rtr_reset
log "done"
