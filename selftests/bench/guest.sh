#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`, inside the test guest (selftests/qemu/vm.sh --icount).
#
#   lan (pktgen) --eth0==ge1-- rtr --ge0==eth0-- wan (pktgen)
#
# In-kernel pktgen sends 100-byte UDP across rtr in one direction at a
# time; the receiving namespace drops everything in its raw table, and
# the packets rtr sent on its egress veth are counted.  Under
# -icount shift=0 the guest clock advances one nanosecond per executed
# instruction, so packets per guest second are packets per 10^9
# instructions ("virtual pps").
#
# Cases, interleaved and repeated:
#   fwd-l2w    plain IPv6 forwarding LAN->WAN
#   ip6t-snpt  ip6tables (nft) mangle POSTROUTING -j SNPT
#   npt6-snpt  npt6 mapping on ge0
#   fwd-w2l    plain IPv6 forwarding WAN->LAN
#   ip6t-dnpt  ip6tables (nft) mangle PREROUTING -j DNPT
#   npt6-dnpt  npt6 mapping on ge0
#
# Environment: NPT6_BENCH_ROUNDS (default 5), NPT6_BENCH_WINDOW (guest
# seconds per window, default 1), NPT6_BENCH_SETTLE (guest seconds of
# traffic before a window opens, default 0.2), NPT6_BENCH_CASES (a
# subset, space separated), NPT6_KO (an npt6.ko to insmod instead of
# `modprobe npt6`).  One warm-up round is run and discarded.
#
# Writes $RESULTS/samples.tsv: one line per window,
#   round case packets guest_ns checked
# where checked is the translation counter seen in rtr for the window
# (ip6tables rule or npt6 mapping counter; "-" for the plain cases).

set -u

REPO=${NPT6_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)}
NPTCTL=${NPT6_NPTCTL:-$REPO/tools/nptctl/nptctl}
NPTPY=$REPO/selftests/net/npt.py
OUT=${RESULTS:-/tmp}/samples.tsv

ROUNDS=${NPT6_BENCH_ROUNDS:-5}
WINDOW=${NPT6_BENCH_WINDOW:-1}
SETTLE=${NPT6_BENCH_SETTLE:-0.2}
CASES=${NPT6_BENCH_CASES:-"fwd-l2w ip6t-snpt npt6-snpt fwd-w2l ip6t-dnpt npt6-dnpt"}

INT_PFX=fd8e:52a1:3c07:1::/64
EXT_PFX=2001:db8:5f00:1::/64
LAN_HOST=fd8e:52a1:3c07:1::10
RTR_LAN=fd8e:52a1:3c07:1::1
RTR_WAN=2001:db8:ffff:1::2
WAN_ADDR=2001:db8:ffff:1::1
INET_ADDR=2001:db8:ffff:3::80
LAN_MAC=02:00:00:00:01:01
GE1_MAC=02:00:00:00:01:02
GE0_MAC=02:00:00:00:02:01
WAN_MAC=02:00:00:00:02:02

LAN=bench-lan
RTR=bench-rtr
WAN=bench-wan

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
	[ -n "${holder:-}" ] && kill "$holder" 2>/dev/null
	ip netns del $LAN 2>/dev/null
	ip netns del $RTR 2>/dev/null
	ip netns del $WAN 2>/dev/null
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || die "must run as root (inside the test guest)"
[ -x "$NPTCTL" ] || die "$NPTCTL is not built (make nptctl)"
for cmd in ip ip6tables nft python3; do
	command -v $cmd >/dev/null || die "$cmd is missing"
done
modprobe pktgen || die "cannot load pktgen"
# NPT6_KO: a module built in a work tree, tried without installing it.
# insmod does not resolve dependencies, so we load them first.
if [ -n "${NPT6_KO:-}" ]; then
	modprobe -a tunnel6 ip_tunnel || die "cannot load tunnel6 and ip_tunnel"
	insmod "$NPT6_KO" || die "cannot insmod $NPT6_KO"
else
	modprobe npt6 || die "cannot load npt6"
fi
modprobe ip6t_NPT || die "cannot load ip6t_NPT"

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
printf 'npt6=%s srcversion %s\nmodule=%s\nwindow_s=%s\nsettle_s=%s\nksoftirqd=SCHED_FIFO\n' \
	"$(cat /sys/module/npt6/version 2>/dev/null)" \
	"$(cat /sys/module/npt6/srcversion 2>/dev/null)" "${NPT6_KO:-modprobe}" \
	"$WINDOW" "$SETTLE" >"${RESULTS:-/tmp}/meta"

LAN_EXT=$(python3 "$NPTPY" map $INT_PFX $EXT_PFX $LAN_HOST) ||
	die "npt.py cannot map $LAN_HOST"

# ---------------------------------------------------------------------
# Topology

for ns in $LAN $RTR $WAN; do
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
ip netns exec $RTR sysctl -qw net.ipv6.conf.all.forwarding=1
for l in "$LAN eth0" "$RTR ge1" "$RTR ge0" "$WAN eth0"; do
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
# The sinks: drop everything as early as the stack allows.
ip netns exec $LAN ip6tables -t raw -A PREROUTING -j DROP || die "lan raw DROP"
ip netns exec $WAN ip6tables -t raw -A PREROUTING -j DROP || die "wan raw DROP"

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

# tx_packets of DEV in rtr, into the variable named by $2.
tx_packets()
{
	local name rest

	while read -r name rest; do
		if [ "$name" = "$1:" ]; then
			set -- "$1" "$2" $rest
			printf -v "$2" '%s' "${12}"
			return 0
		fi
	done <"/proc/$holder/net/dev"
	return 1
}

# flowing DEV: wait until rtr's DEV sends packets.  Starting pktgen takes
# execs over 9p, and under -icount sleep=off the guest time that takes
# depends on the host (the guest idles while the host reads): a window
# opened after a fixed delay would sometimes open on a sender still
# starting, and count a fraction of the packets or none.
flowing()
{
	local i p0 p

	tx_packets "$1" p0
	for ((i = 0; i < 2000; i++)); do
		pause 0.01
		tx_packets "$1" p
		[ "$p" -gt $((p0 + 100)) ] && return 0
	done
	die "no traffic on rtr's $1 after 20 guest seconds"
}

# The router must be plain between cases: no nf_tables table at all
# (an emptied ip6tables mangle table still costs ~600 instructions per
# packet) and no npt6 mapping (its hooks go away with the last one).
rtr_reset()
{
	ip netns exec $RTR nft flush ruleset
	"$NPTCTL" -n $RTR flush >/dev/null 2>&1
	[ -z "$(ip netns exec $RTR nft list ruleset)" ] ||
		die "rtr still has nf_tables state after nft flush ruleset"
	[ -z "$("$NPTCTL" -n $RTR show 2>/dev/null)" ] ||
		die "rtr still has npt6 mappings after nptctl flush"
}

# ---------------------------------------------------------------------
# pktgen

pg()	# NS FILE CMD
{
	ip netns exec "$1" sh -c "echo '$3' >/proc/net/pktgen/$2" ||
		die "pktgen: $1 $2: $3"
}

pg_setup()	# NS DEV DST_MAC SRC6
{
	pg "$1" kpktgend_0 rem_device_all
	pg "$1" kpktgend_0 "add_device $2"
	pg "$1" "$2" "count 0"
	pg "$1" "$2" "clone_skb 0"
	pg "$1" "$2" "pkt_size 100"
	pg "$1" "$2" "delay 0"
	pg "$1" "$2" "dst_mac $3"
	pg "$1" "$2" "src6 $4"
	pg "$1" "$2" "udp_src_min 9"
	pg "$1" "$2" "udp_src_max 9"
	pg "$1" "$2" "udp_dst_min 9"
	pg "$1" "$2" "udp_dst_max 9"
}

pg_setup $LAN eth0 $GE1_MAC $LAN_HOST
pg_setup $WAN eth0 $GE0_MAC $INET_ADDR

# ---------------------------------------------------------------------
# Cases

# case_setup CASE: configure rtr and pktgen; sets SRC_NS, EGRESS.
case_setup()
{
	rtr_reset
	case $1 in
	*-snpt|fwd-l2w)
		SRC_NS=$LAN EGRESS=ge0
		pg $LAN eth0 "dst6 $INET_ADDR"
		;;
	fwd-w2l)
		SRC_NS=$WAN EGRESS=ge1
		pg $WAN eth0 "dst6 $LAN_HOST"
		;;
	*-dnpt)
		SRC_NS=$WAN EGRESS=ge1
		pg $WAN eth0 "dst6 $LAN_EXT"
		;;
	*)	die "unknown case $1" ;;
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
	npt6-*)
		"$NPTCTL" -n $RTR add $INT_PFX $EXT_PFX dev ge0 ndproxy off ||
			die "nptctl add"
		;;
	esac
}

# case_check CASE: how many packets the translator under test handled.
case_check()
{
	case $1 in
	ip6t-snpt)
		ip netns exec $RTR ip6tables -t mangle -nvxL POSTROUTING |
			awk '/SNPT/ { print $1; exit }'
		;;
	ip6t-dnpt)
		ip netns exec $RTR ip6tables -t mangle -nvxL PREROUTING |
			awk '/DNPT/ { print $1; exit }'
		;;
	npt6-snpt|npt6-dnpt)
		"$NPTCTL" -n $RTR -j -s show | python3 -c '
import json, sys
d = sys.argv[1].split("-")[1]
def walk(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == d and isinstance(v, dict) and "packets" in v:
                yield v["packets"]
            elif k == d + "_packets" or k == d + "-packets":
                yield v
            else:
                yield from walk(v)
    elif isinstance(o, list):
        for v in o:
            yield from walk(v)
print(sum(int(x) for x in walk(json.load(sys.stdin))))' "$1" 2>/dev/null || echo "?"
		;;
	*)	echo - ;;
	esac
}

# window CASE ROUND: one measurement; appends a line to $OUT.
window()
{
	local c=$1 round=$2 t0 t1 p0 p1 gen ns chk

	case_setup "$c"
	ip netns exec $SRC_NS sh -c 'echo start >/proc/net/pktgen/pgctrl' &
	gen=$!
	flowing $EGRESS
	pause "$SETTLE"
	tx_packets $EGRESS p0
	t0=$EPOCHREALTIME
	pause "$WINDOW"
	t1=$EPOCHREALTIME
	tx_packets $EGRESS p1
	pg $SRC_NS pgctrl stop
	wait $gen 2>/dev/null
	chk=$(case_check "$c")
	ns=$(( (${t1/./} - ${t0/./}) * 1000 ))
	printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$c" $((p1 - p0)) "$ns" "$chk" >>"$OUT"
	log "$(printf 'round %-6s %-10s %8d packets in %12d guest ns: %7.1fk virtual pps (checked %s)' \
		"$round" "$c" $((p1 - p0)) "$ns" \
		"$(awk -v p=$((p1 - p0)) -v n="$ns" 'BEGIN { printf "%.1f", n ? p / n * 1e6 : 0 }')" "$chk")"
}

: >"$OUT"
log "LAN host $LAN_HOST maps to $LAN_EXT; rounds $ROUNDS + 1 warm-up, window ${WINDOW}s, settle ${SETTLE}s"
for c in $CASES; do
	window "$c" warmup
done
for ((r = 1; r <= ROUNDS; r++)); do
	for c in $CASES; do
		window "$c" $r
	done
done
rtr_reset
log "done"
