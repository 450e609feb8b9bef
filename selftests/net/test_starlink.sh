#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Starlink scenario (DESIGN.md S1, seed 000): npt6's NDP proxy and its
# auto external prefix, end to end.  Run as root where npt6 can be loaded,
# i.e. in the test guest:
#
#   selftests/qemu/vm.sh --timeout 900 selftests/net/test_starlink.sh [-t "TESTS"]
#
#          inet  2001:db8:100::1
#           |
#        upstream  the "Starlink router": radvd on br0 announces a global
#           |      /64 (on-link, autonomous) and a ULA; it routes to inet
#          br0     and has no route for the LAN's ULA
#         /   \
#       rtr    wh  wh: another WAN host, SLAAC in the same /64
#    ge0: SLAAC (accept_ra 2); npt6 maps fdce:b680:5c56:5::/64 there
#    lan0: fdce:b680:5c56:5::1/64
#           |
#          lan     ::2 talks; ::3 is deprecated, so it never talks first
#
# Upstream treats the /64 as on-link and resolves every translated address
# with a Neighbor Solicitation on br0, so without the proxy nothing comes
# back.  Prefixes, MACs and addresses are those of the seed's SEIL and its
# Windows client.  The tests share one topology and run in order; each one
# starts by putting the mapping it needs in place.
#
# Expected addresses come from npt.py (an independent RFC 6296 model) and
# from the EUI-64 rule, never from the module's output; NAs are parsed and
# checked byte by byte by starlink_nd.py, which also crafts NSs with scapy.
#
# NPT6_KO=path/npt6.ko loads that module (replacing another npt6); by
# default the installed one, with modprobe npt6.
#
# Exit status: 0 all passed, 1 something failed, 4 a needed tool is missing.

ALL_TESTS="
	topology
	proxy_off_on
	ndisc_proxy
	modes
	dad_nud
	dad_all
	malformed
	scan
	auto_prefix
	auto_token
	wan_flap
	delete
	teardown
	kernel_log
"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ND=$NET_DIR/starlink_nd.py

LAN_PFX=fdce:b680:5c56:5::/64
LAN_RTR=fdce:b680:5c56:5::1
LAN_H2=fdce:b680:5c56:5::2	# the live LAN host
LAN_H3=fdce:b680:5c56:5::3	# the quiet one
WAN_ULA=fdce:b680:5c56::/64	# Starlink announces a ULA on the WAN too
# The RA prefix, and where upstream renumbers to, in turn.
PFX_SEQ=(2406:2d40:3084:e000::/64 2406:2d40:3084:f000::/64 2406:2d40:3000:1b29::/64)
PFX_IDX=0
P1=${PFX_SEQ[0]}
INET_ADDR=2001:db8:100::1
UP_INET=2001:db8:100::fe
# A newer global address on ge0 that a token mapping must not follow.
DECOY=2001:db8:beef:1::1
DECOY_DEPR=2001:db8:beef:2::1

MAC_GE0=00:e0:4d:50:5c:20
MAC_LAN0=00:e0:4d:50:5c:21
MAC_HOST=e8:80:88:f7:69:38
MAC_BR0=74:24:9f:5a:00:01
MAC_WH=02:00:5e:10:00:02
MAC_UP0=02:00:5e:10:01:fe
MAC_INET=02:00:5e:10:01:01

# Polling bounds (ms).
SLAAC_WAIT=30000
MOVE_WAIT=45000

TOPO_OK=0

# ---------------------------------------------------------------------
# Helpers

# pfx_addr PREFIX/64 IID: the address in PREFIX with that interface ID.
pfx_addr()
{
	"$PYTHON" -c '
import ipaddress, sys
p = ipaddress.IPv6Network(sys.argv[1])
i = int(ipaddress.IPv6Address(sys.argv[2]))
print(ipaddress.IPv6Address(int(p.network_address) | (i & (1 << 64) - 1)))' "$1" "$2"
}

# eui64 MAC: the modified EUI-64 interface ID of MAC (RFC 4291), as ::IID.
eui64()
{
	"$PYTHON" -c '
import ipaddress, sys
m = bytes(int(x, 16) for x in sys.argv[1].split(":"))
iid = bytes([m[0] ^ 2]) + m[1:3] + b"\xff\xfe" + m[3:]
print(ipaddress.IPv6Address(bytes(8) + iid))' "$1"
}

# bg_log FILE CMD...: like bg, with the output kept in FILE.
bg_log()
{
	local out=$1

	shift
	"$@" >"$out" 2>&1 &
	BG_PID=$!
	BG_PIDS="$BG_PIDS $BG_PID"
}

# The mapping of LAN_PFX on ge0, as nptctl -j -s show prints it.
rtr_map()
{
	rtr_nptctl -j -s show dev ge0 2>/dev/null |
		jq -c --arg i $LAN_PFX '.[] | select(.internal == $i)' 2>/dev/null
}

# ndp_stat COUNTER: one NDP proxy counter of that mapping (0 if none).
ndp_stat()
{
	local v

	v=$(rtr_map | jq -r --arg c "$1" '.stats.ndp[$c] // empty' 2>/dev/null)
	echo "${v:-0}"
}

ge0_flags()
{
	ip netns exec "$rtr" cat /sys/class/net/ge0/flags
}

# IFF_ALLMULTI (0x200) of ge0, as the kernel keeps it in dev->flags.
ge0_allmulti()
{
	echo $(($(ge0_flags) & 0x200))
}

# ndisc6_ask TARGET [ndisc6 options]: solicit TARGET from upstream on br0,
# as the Starlink router itself would.  Leaves ndisc6's output in
# NDISC_OUT, the (lower-case) link-layer addresses of all answers in
# NDISC_MACS and their sources in NDISC_FROM; returns ndisc6's status.
ndisc6_ask()
{
	local target=$1 rc

	shift
	NDISC_OUT=$(ip netns exec "$upstream" ndisc6 -n -v "$@" "$target" br0 2>&1)
	rc=$?
	NDISC_MACS=$(echo "$NDISC_OUT" |
		sed -n 's/^Target link-layer address: //p' | tr A-F a-f | sort -u)
	NDISC_FROM=$(echo "$NDISC_OUT" | sed -n 's/^ from //p' | sort -u)
	return $rc
}

# ndisc_by_rtr TARGET: answered, with ge0's MAC, from TARGET itself.
ndisc_by_rtr()
{
	local target=$1

	ndisc6_ask "$target" -r 3 -w 1000
	check_err $? "ndisc6 $target: no answer: $NDISC_OUT"
	[ "$NDISC_MACS" = $MAC_GE0 ] && [ "$NDISC_FROM" = "$target" ]
	check_err $? "ndisc6 $target: want $MAC_GE0 from $target, got: $NDISC_OUT"
}

# ndisc_none TARGET: three solicitations, no answer at all.
ndisc_none()
{
	local target=$1

	ndisc6_ask "$target" -r 3 -w 700
	check_fail $? "ndisc6 $target got an answer: $NDISC_OUT"
}

# nd_probe NAME:KIND:TARGET...: crafted NSs from wh; the NAs as JSON.
nd_probe()
{
	ip netns exec "$wh" "$PYTHON" "$ND" probe --iface eth0 --wait 1.2 \
		--peer-mac $MAC_GE0 "$@" 2>&1
}

# json_ok [JQ OPTIONS] FILTER: stdin holds JSON, and jq FILTER is true of
# every value in it.  Unlike a bare jq -e, empty input is a failure.
json_ok()
{
	local filter=${!#}

	jq -e -s "${@:1:$#-1}" "length > 0 and all(.[]; ($filter))" \
		>/dev/null 2>&1
}

# na_check JSON T DST FILTER: FILTER holds for JSON, with $t and $dst bound.
na_check()
{
	echo "$1" | json_ok --arg t "$2" --arg dst "$3" "$4"
}

# What an NA from the proxy for $t to $dst must look like (RFC 4861 7.2.4,
# 7.2.8): from the target, hop limit 255, R=0, O=0, one TLLAO with ge0's
# MAC and a valid checksum.  S is for the caller to check.
NA_PROXY='.eth_src == "'$MAC_GE0'" and .src == $t and .dst == $dst and
	.hlim == 255 and .code == 0 and .router == false and
	.override == false and .target == $t and .tllao == "'$MAC_GE0'" and
	.options == [[2, 8]] and .csum_ok'

# radvd_conf FILE PREFIX[:PREFERRED_LIFETIME]...: upstream's RAs.  The WAN
# ULA is always announced too, after the global prefixes.
radvd_conf()
{
	local file=$1 p pfx pref

	shift
	{
		printf 'interface br0 {\n\tAdvSendAdvert on;\n'
		printf '\tMinRtrAdvInterval 3;\n\tMaxRtrAdvInterval 4;\n'
		printf '\tAdvDefaultLifetime 1800;\n'
		for p in "$@" $WAN_ULA; do
			pfx=$p pref=
			case $p in
			*/64:*) pfx=${p%:*} pref=${p##*:} ;;
			esac
			printf '\tprefix %s {\n\t\tAdvOnLink on;\n\t\tAdvAutonomous on;\n' "$pfx"
			if [ -n "$pref" ]; then
				printf '\t\tAdvPreferredLifetime %s;\n' "$pref"
				printf '\t\tAdvValidLifetime 7200;\n'
			fi
			printf '\t};\n'
		done
		printf '};\n'
	} >"$file"
}

cur_pfx()
{
	echo "${PFX_SEQ[$PFX_IDX]}"
}

# renumber: upstream moves to the next prefix of PFX_SEQ and deprecates
# the ones before it (preferred lifetime 0), by reloading radvd (SIGHUP).
renumber()
{
	local i args=

	PFX_IDX=$((PFX_IDX + 1))
	for i in $(seq 0 $((PFX_IDX - 1))); do
		args="$args ${PFX_SEQ[$i]}:0"
	done
	ip -n "$upstream" -6 addr add "$(pfx_addr "$(cur_pfx)" ::1)/64" \
		dev br0 nodad &&
	radvd_conf "$RADVD_CONF" $args "$(cur_pfx)" &&
	kill -HUP "$RADVD_PID"
}

has_addr()
{
	ip -n "$1" -6 addr show dev "$2" | grep -q "inet6 $3/"
}

rtr_has_default()
{
	ip -n "$rtr" -6 route show default | grep -q 'dev ge0'
}

# map_on PREFIX ADDR: the mapping is active on PREFIX, following ADDR.
map_on()
{
	rtr_map | json_ok --arg e "$1" --arg a "$2" \
		'.active == true and .external == $e and .external_address == $a'
}

map_inactive()
{
	rtr_map | json_ok '.active == false and .external == null'
}

# monitor_start: nptctl -j monitor in rtr, output in MON_FILE, subscribed
# once this returns (it has printed a throwaway mapping on lan0).
monitor_start()
{
	local i

	[ -n "${MON_PID:-}" ] && return 0
	MON_FILE=$(tmpfile monitor)
	bg_log "$MON_FILE" ip netns exec "$rtr" "$NPTCTL" -j monitor
	MON_PID=$BG_PID
	for i in $(seq 30); do
		rtr_nptctl add fd00:5eed::/64 2001:db8:5eed::/64 dev lan0 \
			ndproxy off >/dev/null 2>&1
		rtr_nptctl del fd00:5eed::/64 dev lan0 >/dev/null 2>&1
		grep -q 'fd00:5eed::/64' "$MON_FILE" && return 0
		sleep 0.3
	done
	return 1
}

# monitor_event JQ: some line the monitor printed satisfies JQ.
monitor_event()
{
	jq -e -s "any(.[]; $1)" "$MON_FILE" >/dev/null 2>&1
}

# map_set ARGS...: the mapping of LAN_PFX on ge0 becomes
# "nptctl add LAN_PFX ARGS"; the command fails the test if it fails.
map_set()
{
	local out

	rtr_nptctl del $LAN_PFX dev ge0 >/dev/null 2>&1
	out=$(rtr_nptctl add $LAN_PFX "$@" 2>&1)
	check_err $? "nptctl add $LAN_PFX $*: $out"
}

# Skip a test when the topology it needs is not there.
need_topo()
{
	[ "$TOPO_OK" = 1 ] && return 0
	log_test_skip "$1" "the topology is not up"
	return 1
}

# ---------------------------------------------------------------------
# The topology, built once and shared by the tests.

veth()
{
	ip link add name "$2" address "$3" netns "$1" type veth \
		peer name "$5" address "$6" netns "$4"
}

topo_starlink()
{
	setup_ns upstream inet rtr lan wh || return 1

	# Starlink's LAN side: a bridge that rtr and wh hang off.
	ip -n "$upstream" link add br0 address $MAC_BR0 type bridge \
		mcast_snooping 0 &&
	veth "$rtr" ge0 $MAC_GE0 "$upstream" sl-rtr 02:00:5e:10:00:a1 &&
	veth "$wh" eth0 $MAC_WH "$upstream" sl-wh 02:00:5e:10:00:a2 &&
	veth "$upstream" up0 $MAC_UP0 "$inet" eth0 $MAC_INET &&
	veth "$rtr" lan0 $MAC_LAN0 "$lan" eth0 $MAC_HOST || {
		log_info "cannot create the links"
		return 1
	}

	ip netns exec "$upstream" sysctl -qw net.ipv6.conf.all.forwarding=1 \
		net.ipv6.conf.sl-rtr.disable_ipv6=1 \
		net.ipv6.conf.sl-wh.disable_ipv6=1 &&
	ip netns exec "$rtr" sysctl -qw net.ipv6.conf.all.forwarding=1 \
		net.ipv6.conf.ge0.accept_ra=2 &&
	ip netns exec "$wh" sysctl -qw net.ipv6.conf.eth0.accept_ra=1 || {
		log_info "sysctl failed"
		return 1
	}

	ip -n "$upstream" link set sl-rtr master br0 &&
	ip -n "$upstream" link set sl-wh master br0 &&
	ip -n "$upstream" link set sl-rtr up &&
	ip -n "$upstream" link set sl-wh up &&
	ip -n "$upstream" link set br0 up &&
	ip -n "$upstream" link set up0 up &&
	ip -n "$upstream" -6 addr add "$(pfx_addr $P1 ::1)/64" dev br0 nodad &&
	ip -n "$upstream" -6 addr add "$(pfx_addr $WAN_ULA ::1)/64" dev br0 nodad &&
	ip -n "$upstream" -6 addr add $UP_INET/64 dev up0 nodad &&

	ip -n "$inet" link set eth0 up &&
	ip -n "$inet" -6 addr add $INET_ADDR/64 dev eth0 nodad &&
	ip -n "$inet" -6 route add default via $UP_INET &&

	ip -n "$lan" link set eth0 up &&
	ip -n "$lan" -6 addr add $LAN_H2/64 dev eth0 nodad &&
	ip -n "$lan" -6 addr add $LAN_H3/64 dev eth0 nodad preferred_lft 0 &&
	ip -n "$lan" -6 route add default via $LAN_RTR &&

	ip -n "$rtr" link set lan0 up &&
	ip -n "$rtr" -6 addr add $LAN_RTR/64 dev lan0 nodad || {
		log_info "cannot configure the links"
		return 1
	}

	# br0 has a carrier, hence a link-local address, once a port has
	# one; radvd starts after that, and rtr comes up after radvd.
	ip -n "$wh" link set eth0 up || return 1
	if ! busywait 10000 br0_has_ll; then
		log_info "br0 has no link-local address: $(ip -n "$upstream" addr show dev br0)"
		return 1
	fi
	RADVD_CONF=$(tmpfile radvd.conf)
	RADVD_LOG=$(tmpfile radvd.log)
	radvd_conf "$RADVD_CONF" $P1
	bg_log "$RADVD_LOG" ip netns exec "$upstream" radvd -n -d 1 -m stderr \
		-C "$RADVD_CONF" -p "$TMP_DIR/radvd.pid"
	RADVD_PID=$BG_PID
	ip -n "$rtr" link set ge0 up
}

br0_has_ll()
{
	ip -n "$upstream" -6 addr show dev br0 scope link | grep -q inet6
}

# ---------------------------------------------------------------------
# Tests

topology()
{
	local ula

	RET=0
	if ! topo_starlink; then
		check_err 1 "topology setup failed"
		log_test "topology: Starlink setup (upstream radvd, rtr, lan, wh, inet)"
		return
	fi

	# Expected: SLAAC addresses by the EUI-64 rule (the seed's SEIL had
	# exactly 2406:2d40:3084:e000:2e0:4dff:fe50:5c20).
	IID_GE0=$(eui64 $MAC_GE0)
	RTR_P1=$(pfx_addr $P1 "$IID_GE0")
	WH_P1=$(pfx_addr $P1 "$(eui64 $MAC_WH)")
	WH_LL=$(pfx_addr fe80::/64 "$(eui64 $MAC_WH)")
	UP_LL=$(pfx_addr fe80::/64 "$(eui64 $MAC_BR0)")
	ula=$(pfx_addr $WAN_ULA "$IID_GE0")
	log_info "expecting rtr ge0 $RTR_P1 and $ula, wh $WH_P1"

	busywait $SLAAC_WAIT has_addr "$rtr" ge0 "$RTR_P1" &&
	busywait $SLAAC_WAIT has_addr "$rtr" ge0 "$ula" &&
	busywait $SLAAC_WAIT rtr_has_default &&
	busywait $SLAAC_WAIT has_addr "$wh" eth0 "$WH_P1"
	check_err $? "SLAAC incomplete.  rtr ge0: $(ip -n "$rtr" -6 addr show dev ge0 scope global)
rtr default: $(ip -n "$rtr" -6 route show default)
wh: $(ip -n "$wh" -6 addr show dev eth0 scope global)
radvd: $(tail -n 5 "$RADVD_LOG")"
	log_test "topology: SLAAC from upstream's radvd: rtr ge0 $RTR_P1 + WAN ULA (accept_ra 2), wh $WH_P1"
	[ "$RET" -eq 0 ] && TOPO_OK=1

	LAN_EXT1=$(npt_map $LAN_PFX $P1 $LAN_H2)
	QUIET_EXT1=$(npt_map $LAN_PFX $P1 $LAN_H3)
	UNUSED_EXT1=$(pfx_addr $P1 ::dead:beef)
	log_info "model: $LAN_H2 is $LAN_EXT1 and $LAN_H3 is $QUIET_EXT1 on $P1"

	ALLMULTI0=$(ge0_allmulti)
	log_info "ge0 flags before any mapping: $(ge0_flags)"

	[ "$TOPO_OK" = 1 ] || return
	RET=0
	ping_ok "$lan" $INET_ADDR -c 2 -w 4
	check_fail $? "ping $INET_ADDR from the ULA worked without npt6"
	log_test "topology: without npt6 the LAN's ULA cannot reach inet (the Starlink problem)"
}

proxy_off_on()
{
	local e0 e1 o0 o1 rc out

	need_topo "ndproxy off/auto" || return
	RET=0
	map_set $P1 dev ge0 ndproxy off
	out=$(rtr_map)
	echo "$out" | json_ok '.ndproxy == "off"'
	check_err $? "show: $out"
	[ "$(ge0_allmulti)" = "$ALLMULTI0" ]
	check_err $? "ge0 allmulti changed for a mapping without proxy: flags $(ge0_flags)"
	log_test "ndproxy off: nptctl add $LAN_PFX $P1 dev ge0 ndproxy off; ge0 allmulti untouched"

	RET=0
	e0=$(snmp6 "$inet" Icmp6InEchos)
	o0=$(ndp_stat ign_off)
	ping_ok "$lan" $INET_ADDR -c 3 -w 6
	check_fail $? "ping $INET_ADDR worked with ndproxy off"
	e1=$(snmp6 "$inet" Icmp6InEchos)
	o1=$(ndp_stat ign_off)
	[ $((e1 - e0)) -ge 1 ]
	check_err $? "inet received no echo request ($e0 -> $e1): the failure is not on the way back"
	[ $((o1 - o0)) -ge 1 ]
	check_err $? "ndp ign_off $o0 -> $o1: upstream's NS for $LAN_EXT1 not seen"
	log_test "ndproxy off: ping LAN -> inet fails: requests reach inet, upstream's NSs for $LAN_EXT1 go unanswered (ign_off +$((o1 - o0)))"

	RET=0
	map_set $P1 dev ge0
	out=$(rtr_map)
	echo "$out" | json_ok '.ndproxy == "auto"'
	check_err $? "show: $out"
	[ "$(ge0_allmulti)" != 0 ]
	check_err $? "ge0 flags $(ge0_flags): no allmulti"
	log_test "ndproxy on: the default is auto; ge0 is in allmulti while the proxy is on"

	RET=0
	ping_ok "$lan" $INET_ADDR
	check_err $? "no echo replies from $INET_ADDR"
	log_test "ndproxy auto: ping LAN -> inet works"

	RET=0
	ping_ok "$inet" "$LAN_EXT1"
	check_err $? "no echo replies from $LAN_EXT1"
	log_test "ndproxy auto: ping inet -> LAN host at model address $LAN_EXT1 works"

	RET=0
	iperf_run "$lan" "$inet" $INET_ADDR
	rc=$?
	check_err $rc "iperf3 exited $rc: $(tail -n 3 "$IPERF_JSON")"
	[ "$IPERF_BYTES" -gt 0 ]
	check_err $? "server received no bytes"
	log_test "ndproxy auto: TCP LAN -> inet, iperf3 2 s ($IPERF_BYTES bytes)"

	RET=0
	iperf_run "$inet" "$lan" "$LAN_EXT1"
	rc=$?
	check_err $rc "iperf3 exited $rc: $(tail -n 3 "$IPERF_JSON")"
	[ "$IPERF_BYTES" -gt 0 ]
	check_err $? "server received no bytes"
	log_test "ndproxy auto: TCP inet -> LAN host at $LAN_EXT1, iperf3 2 s ($IPERF_BYTES bytes)"
}

ndisc_proxy()
{
	local pcap nas u0 u1 l0 l1 out

	need_topo "ndisc from upstream" || return
	RET=0
	map_set $P1 dev ge0
	# The live host has talked to rtr, so rtr knows it as a neighbour.
	ping_ok "$lan" $LAN_RTR -c 1
	check_err $? "LAN host cannot ping rtr"
	pcap=$(tmpfile ndisc.pcap)
	capture_start "$upstream" br0 "$pcap" icmp6
	check_err $? "tcpdump on upstream br0 did not start"

	ndisc_by_rtr "$LAN_EXT1"
	log_test "ndisc: upstream's NS for live LAN host $LAN_EXT1 answered, TLLAO $MAC_GE0, from $LAN_EXT1 (ndisc6 -v)"

	RET=0
	u0=$(ndp_stat ign_unresolved)
	ndisc_none "$UNUSED_EXT1"
	u1=$(ndp_stat ign_unresolved)
	[ $((u1 - u0)) -ge 3 ]
	check_err $? "ign_unresolved $u0 -> $u1 for 3 NSs"
	log_test "ndisc: nothing for unused $UNUSED_EXT1 (ign_unresolved +$((u1 - u0)))"

	RET=0
	ndisc6_ask "$QUIET_EXT1" -r 1 -w 1000
	check_fail $? "the first NS for $QUIET_EXT1 was answered: $NDISC_OUT"
	out=$(ip -n "$rtr" neigh show $LAN_H3 dev lan0)
	echo "$out" | grep -qE 'REACHABLE|STALE|DELAY|PROBE'
	check_err $? "rtr did not resolve $LAN_H3 inside: '$out'"
	ndisc_by_rtr "$QUIET_EXT1"
	log_test "ndisc: quiet host $QUIET_EXT1: 1st NS unanswered but rtr resolves $LAN_H3 inside, retransmission answered"

	RET=0
	ndisc6_ask "$WH_P1" -m -r 2 -w 1000
	check_err $? "no answer for $WH_P1: $NDISC_OUT"
	[ "$NDISC_MACS" = $MAC_WH ]
	check_err $? "answers for $WH_P1: $NDISC_OUT"
	log_test "ndisc: another WAN host's $WH_P1 answered by that host alone (auto does not hijack it)"

	RET=0
	l0=$(ndp_stat ign_local)
	ndisc_by_rtr "$RTR_P1"
	l1=$(ndp_stat ign_local)
	[ $((l1 - l0)) -ge 1 ]
	check_err $? "ign_local $l0 -> $l1"
	log_test "ndisc: rtr's own $RTR_P1 answered, from itself with ge0's MAC, left to the kernel (ign_local +$((l1 - l0)))"

	RET=0
	out=$(npt_map $LAN_PFX $P1 $LAN_RTR)
	ndisc_by_rtr "$out"
	log_test "ndisc: rtr's own LAN address $LAN_RTR has an external twin too: $out answered"

	# The LAN host's address routed nowhere inside (unreachable): silent.
	RET=0
	ip -n "$rtr" -6 route add unreachable $LAN_H2/128
	check_err $? "cannot add an unreachable route for $LAN_H2"
	l0=$(ndp_stat ign_outside)
	ndisc_none "$LAN_EXT1"
	l1=$(ndp_stat ign_outside)
	ip -n "$rtr" -6 route del unreachable $LAN_H2/128
	[ $((l1 - l0)) -ge 3 ]
	check_err $? "ign_outside $l0 -> $l1 for 3 NSs"
	ndisc_by_rtr "$LAN_EXT1"
	log_test "ndisc: with $LAN_H2 unreachable inside, $LAN_EXT1 unanswered (ign_outside +$((l1 - l0))); answered again without the route"

	capture_stop $CAP_PID
	nas=$("$PYTHON" "$ND" pcap "$pcap" 2>&1)

	RET=0
	na_check "$nas" "$LAN_EXT1" "$UP_LL" "
		[.[] | select(.target == \$t)] |
		length >= 1 and all(.[]; $NA_PROXY and .solicited == true and
		.eth_dst == \"$MAC_BR0\")"
	check_err $? "NAs for $LAN_EXT1 to $UP_LL: $(echo "$nas" | jq -c --arg t "$LAN_EXT1" '.[] | select(.target == $t)' 2>&1)"
	log_test "ndisc: the NA bytes (tcpdump): from $LAN_EXT1 to upstream, hop limit 255, S=1 O=0 R=0, TLLAO $MAC_GE0 only, checksum valid"

	RET=0
	na_check "$nas" "$UNUSED_EXT1" "" '[.[] | select(.target == $t)] | length == 0'
	check_err $? "NAs for $UNUSED_EXT1: $(echo "$nas" | jq -c --arg t "$UNUSED_EXT1" '.[] | select(.target == $t)' 2>&1)"
	na_check "$nas" "$WH_P1" "" '[.[] | select(.target == $t and .eth_src == "'$MAC_GE0'")] | length == 0'
	check_err $? "NAs for $WH_P1 from ge0: $(echo "$nas" | jq -c --arg t "$WH_P1" '.[] | select(.target == $t)' 2>&1)"
	log_test "ndisc: on the wire, no NA for the unused address, none from ge0 for wh's address"

	RET=0
	na_check "$nas" "$RTR_P1" "$UP_LL" '[.[] | select(.target == $t)] |
		length >= 1 and all(.[]; .eth_src == "'$MAC_GE0'" and .src == $t and
		.router and .override and .solicited and
		.tllao == "'$MAC_GE0'" and .csum_ok)'
	check_err $? "NAs for $RTR_P1: $(echo "$nas" | jq -c --arg t "$RTR_P1" '.[] | select(.target == $t)' 2>&1)"
	log_test "ndisc: the NA for $RTR_P1 is the kernel's own (R=1 O=1), not the proxy's"
}

modes()
{
	local out

	need_topo "ndproxy all/off" || return
	RET=0
	map_set $P1 dev ge0 ndproxy all
	ndisc_by_rtr "$UNUSED_EXT1"
	log_test "ndproxy all: unused $UNUSED_EXT1 answered with ge0's MAC"

	RET=0
	out=$(nd_probe own:mcast:$RTR_P1)
	na_check "$out" "$RTR_P1" "$WH_LL" '.own | length == 1 and all(.[];
		.router and .override and .src == $t and .dst == $dst and
		.tllao == "'$MAC_GE0'")'
	check_err $? "NAs: $out"
	log_test "ndproxy all: rtr's own $RTR_P1 still answered by the kernel alone (R=1 O=1)"

	RET=0
	map_set $P1 dev ge0 ndproxy off
	ping_ok "$lan" $LAN_RTR -c 1
	ndisc_none "$LAN_EXT1"
	ndisc_none "$UNUSED_EXT1"
	log_test "ndproxy off: nothing answered, neither live $LAN_EXT1 nor unused $UNUSED_EXT1"
}

dad_nud()
{
	local out s0 s1 n0 n1

	need_topo "DAD and NUD" || return
	RET=0
	map_set $P1 dev ge0
	ping_ok "$lan" $LAN_RTR -c 1
	check_err $? "LAN host cannot ping rtr"
	s0=$(ndp_stat ns_seen) n0=$(ndp_stat na_sent)
	out=$(nd_probe dad:dad:$LAN_EXT1 dadunused:dad:$UNUSED_EXT1 \
		nud:unicast:$LAN_EXT1 res:mcast:$LAN_EXT1 owndad:dad:$RTR_P1)
	s1=$(ndp_stat ns_seen) n1=$(ndp_stat na_sent)
	na_check "$out" "$LAN_EXT1" ff02::1 ".dad | length == 1 and all(.[];
		$NA_PROXY and .solicited == false and
		.eth_dst == \"33:33:00:00:00:01\")"
	check_err $? "NAs: $(echo "$out" | jq -c .dad 2>&1 || echo "$out")"
	log_test "DAD: NS from :: for $LAN_EXT1 defended: one NA to ff02::1, S=0 O=0 R=0, hop limit 255, TLLAO ge0, checksum valid"

	RET=0
	na_check "$out" "$UNUSED_EXT1" "" '.dadunused | length == 0'
	check_err $? "NAs: $(echo "$out" | jq -c .dadunused 2>&1 || echo "$out")"
	log_test "DAD: NS from :: for unused $UNUSED_EXT1 not answered (auto)"

	RET=0
	na_check "$out" "$LAN_EXT1" "$WH_LL" ".nud | length == 1 and all(.[];
		$NA_PROXY and .solicited and .eth_dst == \"$MAC_WH\")"
	check_err $? "NAs: $(echo "$out" | jq -c .nud 2>&1 || echo "$out")"
	log_test "NUD: unicast NS to $LAN_EXT1 without SLLAO answered to the frame's source, S=1"

	RET=0
	na_check "$out" "$LAN_EXT1" "$WH_LL" ".res | length == 1 and all(.[];
		$NA_PROXY and .solicited and .eth_dst == \"$MAC_WH\")"
	check_err $? "NAs: $(echo "$out" | jq -c .res 2>&1 || echo "$out")"
	log_test "NS: multicast NS from wh with SLLAO answered to wh, S=1"

	RET=0
	na_check "$out" "$RTR_P1" ff02::1 '.owndad | length == 1 and all(.[];
		.src == $t and .dst == $dst and .router and .override and
		.solicited == false and .tllao == "'$MAC_GE0'")'
	check_err $? "NAs: $(echo "$out" | jq -c .owndad 2>&1 || echo "$out")"
	log_test "DAD: NS from :: for rtr's own $RTR_P1 defended by the kernel alone (R=1 O=1 S=0)"

	RET=0
	[ $((s1 - s0)) -eq 5 ] && [ $((n1 - n0)) -eq 3 ]
	check_err $? "ns_seen $s0 -> $s1, na_sent $n0 -> $n1"
	log_test "NS: counters: ns_seen +$((s1 - s0)), na_sent +$((n1 - n0)) for 5 NSs, 3 of them answered by the proxy"
}

# DAD in "all" mode: the proxy answers every solicitation, but a DAD
# probe only for an address whose internal twin is live.  Another host on
# the WAN link (wh) that picks an unused address must be let have it.
dad_all()
{
	local out

	need_topo "DAD in ndproxy all" || return
	RET=0
	map_set $P1 dev ge0 ndproxy all
	ping_ok "$lan" $LAN_RTR -c 1
	check_err $? "LAN host cannot ping rtr"
	out=$(nd_probe unused:dad:$UNUSED_EXT1 live:dad:$LAN_EXT1 \
		res:mcast:$UNUSED_EXT1)
	na_check "$out" "$UNUSED_EXT1" "" '.unused | length == 0'
	check_err $? "NAs: $(echo "$out" | jq -c .unused 2>&1 || echo "$out")"
	log_test "ndproxy all: DAD probe for unused $UNUSED_EXT1 not answered: a WAN host may take it"

	RET=0
	na_check "$out" "$LAN_EXT1" ff02::1 ".live | length == 1 and all(.[];
		$NA_PROXY and .solicited == false)"
	check_err $? "NAs: $(echo "$out" | jq -c .live 2>&1 || echo "$out")"
	log_test "ndproxy all: DAD probe for live $LAN_EXT1 defended (NA to ff02::1)"

	RET=0
	na_check "$out" "$UNUSED_EXT1" "$WH_LL" ".res | length == 1 and all(.[];
		$NA_PROXY and .solicited)"
	check_err $? "NAs: $(echo "$out" | jq -c .res 2>&1 || echo "$out")"
	log_test "ndproxy all: ordinary NS for unused $UNUSED_EXT1 still answered"
	map_set $P1 dev ge0
}

malformed()
{
	local out d0 d1 n0 n1 kind desc

	need_topo "malformed NS" || return
	RET=0
	map_set $P1 dev ge0
	ping_ok "$lan" $LAN_RTR -c 1
	d0=$(ndp_stat drop_malformed) n0=$(ndp_stat na_sent)
	out=$(nd_probe hlim254:hlim254:$LAN_EXT1 badcsum:badcsum:$LAN_EXT1 \
		zeroopt:zeroopt:$LAN_EXT1 dadsllao:dadsllao:$LAN_EXT1 \
		ctrl:mcast:$LAN_EXT1)
	d1=$(ndp_stat drop_malformed) n1=$(ndp_stat na_sent)
	for kind in hlim254 badcsum zeroopt dadsllao; do
		case $kind in
		hlim254) desc="hop limit 254" ;;
		badcsum) desc="bad ICMPv6 checksum" ;;
		zeroopt) desc="option of length 0" ;;
		dadsllao) desc="source :: with an SLLAO" ;;
		esac
		RET=0
		na_check "$out" "$LAN_EXT1" "" ".$kind | length == 0"
		check_err $? "NAs: $(echo "$out" | jq -c ".$kind" 2>&1 || echo "$out")"
		log_test "malformed NS for live $LAN_EXT1 ($desc): no answer"
	done

	RET=0
	[ $((d1 - d0)) -eq 4 ] && [ $((n1 - n0)) -eq 1 ]
	check_err $? "drop_malformed $d0 -> $d1, na_sent $n0 -> $n1"
	log_test "malformed NS: drop_malformed counted exactly 4 ($d0 -> $d1), na_sent +1 (the control)"

	RET=0
	na_check "$out" "$LAN_EXT1" "$WH_LL" ".ctrl | length == 1 and all(.[];
		$NA_PROXY and .solicited)"
	check_err $? "NAs: $(echo "$out" | jq -c .ctrl 2>&1 || echo "$out")"
	log_test "malformed NS: the same NS well formed is answered (control)"
}

# lan_ns_count: Neighbor Solicitations the LAN host has received on eth0,
# counted by an nftables netdev rule that scan_counter_start put there.
lan_ns_count()
{
	ip netns exec "$lan" nft -j list counter netdev npt6scan ns 2>/dev/null |
		jq -r '.nftables[] | select(.counter) | .counter.packets' 2>/dev/null
}

scan_counter_start()
{
	ip netns exec "$lan" nft -f - <<-EOF
		table netdev npt6scan {
			counter ns { }
			chain in {
				type filter hook ingress device eth0 priority 0;
				icmpv6 type nd-neighbor-solicit counter name ns
			}
		}
	EOF
}

# rtr's neighbour entries on lan0, most seen every 0.5 s, into FILE.
neigh_watch()
{
	local file=$1 n max=0

	while :; do
		n=$(ip -n "$rtr" -6 neigh show dev lan0 | wc -l)
		[ "$n" -gt "$max" ] && max=$n && echo $max >"$file"
		sleep 0.5
	done
}

# An Internet scan of the /64, as the upstream router passes it on: an NS
# for every address tried.  Each unused target may cost the router a
# neighbour entry and the LAN three solicitations only within the
# mapping's budget (16, then 4 a second); the live host is answered
# throughout, and after.
scan()
{
	local out lan0 lan1 b0 b1 s0 s1 secs sent max limit mfile before after

	need_topo "address scan" || return
	RET=0
	map_set $P1 dev ge0
	ping_ok "$lan" $LAN_RTR -c 1
	check_err $? "LAN host cannot ping rtr"
	scan_counter_start
	check_err $? "cannot add the nftables counter in lan"
	lan0=$(lan_ns_count)
	b0=$(ndp_stat ign_budget)
	s0=$(ndp_stat ns_seen)
	before=$(dmesg | grep -c 'table overflow')
	mfile=$(tmpfile neighmax)
	echo 0 >"$mfile"
	neigh_watch "$mfile" &
	BG_PIDS="$BG_PIDS $!"
	local watch=$!

	out=$(ip netns exec "$wh" "$PYTHON" "$ND" scan --iface eth0 \
		--prefix $P1 --count 10000 2>&1)
	check_err $? "scan: $out"
	sent=$(echo "$out" | jq -r '.sent // 0' 2>/dev/null)
	secs=$(echo "$out" | jq -r '.seconds // 0' 2>/dev/null | cut -d. -f1)
	log_info "scan: $out"

	# The live host, during the tail of the scan's resolution traffic.
	ndisc_by_rtr "$LAN_EXT1"
	log_test "scan: live $LAN_EXT1 answered right after 10000 NSs for distinct targets"

	RET=0
	# Resolutions still running end within 3 s (3 probes, 1 s apart).
	sleep 4
	bg_stop $watch
	lan1=$(lan_ns_count)
	b1=$(ndp_stat ign_budget)
	s1=$(ndp_stat ns_seen)
	max=$(cat "$mfile")
	after=$(dmesg | grep -c 'table overflow')
	# 16 at once, then 4 a second while the scan lasts and 4 s after,
	# three solicitations each; with a margin for the ping and the
	# live host's own resolution.
	limit=$((3 * (16 + 4 * (${secs:-0} + 5)) + 20))
	[ "${sent:-0}" -eq 10000 ]
	check_err $? "the scan sent ${sent:-0} NSs, not 10000"
	[ -n "$lan0" ] && [ -n "$lan1" ] && [ $((lan1 - lan0)) -le $limit ]
	check_err $? "the LAN received $((lan1 - lan0)) NSs (limit $limit for a ${secs}s scan)"
	log_test "scan: the LAN received $((lan1 - lan0)) NSs for 10000 scanned targets (at most $limit)"

	RET=0
	[ "$after" -eq "$before" ] && [ "$max" -lt 512 ]
	check_err $? "neighbour table: $max entries on lan0 at most, 'table overflow' logged $((after - before)) times"
	log_test "scan: rtr's neighbour table stayed small ($max entries on lan0 at most, no overflow)"

	RET=0
	# All but the budget's worth (and the live host's) are refused.
	[ $((s1 - s0)) -ge 5000 ] && [ $((b1 - b0)) -ge $((s1 - s0 - limit)) ]
	check_err $? "ns_seen $s0 -> $s1, ign_budget $b0 -> $b1"
	log_test "scan: $((s1 - s0)) NSs reached the proxy, $((b1 - b0)) refused resolution (ign_budget)"

	RET=0
	ndisc_by_rtr "$LAN_EXT1"
	ping_ok "$inet" "$LAN_EXT1"
	check_err $? "no echo replies from $LAN_EXT1"
	log_test "scan: afterwards upstream still resolves $LAN_EXT1 and inet pings it"
	ip netns exec "$lan" nft delete table netdev npt6scan
}

# Wait for the move to the next prefix; ADDR is what rtr should follow.
# Leaves the time taken in MOVE_SECS.
wait_move()
{
	local pfx=$1 addr=$2 t0

	t0=$(date +%s%3N)
	busywait $MOVE_WAIT map_on "$pfx" "$addr"
	check_err $? "after $((MOVE_WAIT / 1000)) s: $(rtr_map)
ge0: $(ip -n "$rtr" -6 addr show dev ge0 scope global)
radvd: $(tail -n 3 "$RADVD_LOG")"
	MOVE_SECS=$(awk -v d=$(($(date +%s%3N) - t0)) 'BEGIN { printf "%.1f", d / 1000 }')
}

# After a move to PFX: traffic and the proxy on the new prefix only.
check_after_move()
{
	local tag=$1 old=$2 new=$3 ext_old ext_new

	ext_old=$(npt_map $LAN_PFX "$old" $LAN_H2)
	ext_new=$(npt_map $LAN_PFX "$new" $LAN_H2)
	RET=0
	ping_ok "$lan" $INET_ADDR
	check_err $? "no echo replies from $INET_ADDR"
	ping_ok "$inet" "$ext_new"
	check_err $? "no echo replies from $ext_new"
	log_test "$tag: traffic resumes, rtr untouched: ping LAN -> inet, inet -> $ext_new"

	RET=0
	ndisc_by_rtr "$ext_new"
	ndisc_none "$ext_old"
	log_test "$tag: proxy answers for $ext_new, no longer for the old $ext_old"
}

auto_prefix()
{
	local out old new addr

	need_topo "auto prefix" || return
	RET=0
	rtr_nptctl del $LAN_PFX dev ge0 >/dev/null 2>&1
	monitor_start
	check_err $? "nptctl -j monitor printed nothing: $(head -c 500 "$MON_FILE")"
	old=$(cur_pfx)
	addr=$(pfx_addr "$old" "$IID_GE0")
	map_set auto dev ge0
	out=$(rtr_map)
	echo "$out" | json_ok --arg e "$old" --arg a "$addr" '.active == true and
		.external == $e and .external_source == "auto" and
		.external_address == $a and .ndproxy == "auto"'
	check_err $? "show: $out"
	log_test "auto: nptctl add $LAN_PFX auto dev ge0 takes $old from SLAAC $addr, not the WAN ULA"

	RET=0
	busywait 5000 monitor_event '.event == "add" and .mapping.dev == "ge0" and
		.mapping.external == "'"$old"'"'
	check_err $? "monitor: $(cat "$MON_FILE")"
	log_test "auto: nptctl -j monitor printed the add event"

	RET=0
	out=$(rtr_nptctl add fd00:decd::/64 auto dev lan0 ndproxy off 2>&1 &&
		rtr_nptctl -j show dev lan0 2>&1)
	echo "$out" | json_ok 'length == 1 and .[0].active == false and
		.[0].external == null'
	check_err $? "nptctl add fd00:decd::/64 auto dev lan0, show: $out"
	rtr_nptctl del fd00:decd::/64 dev lan0 >/dev/null 2>&1
	log_test "auto: on lan0, which has only a ULA, an auto mapping stays inactive (external null)"

	RET=0
	ping_ok "$lan" $INET_ADDR
	check_err $? "no echo replies from $INET_ADDR"
	log_test "auto: ping LAN -> inet works on $old"

	RET=0
	renumber
	check_err $? "could not renumber upstream"
	new=$(cur_pfx)
	addr=$(pfx_addr "$new" "$IID_GE0")
	wait_move "$new" "$addr"
	log_test "auto: upstream renumbers to $new ($old preferred lifetime 0): mapping follows $addr in ${MOVE_SECS}s"

	RET=0
	busywait 5000 monitor_event '.event == "change" and
		.mapping.external == "'"$new"'" and .old_external == "'"$old"'"'
	check_err $? "monitor: $(cat "$MON_FILE")"
	log_test "auto: nptctl -j monitor printed the change event, old_external $old"

	check_after_move auto "$old" "$new"
	rtr_nptctl -s show dev ge0 | log_indent
}

auto_token()
{
	local out old new addr decoy

	need_topo "auto prefix with token" || return
	RET=0
	rtr_nptctl del $LAN_PFX dev ge0 >/dev/null 2>&1
	monitor_start
	check_err $? "nptctl -j monitor printed nothing: $(head -c 500 "$MON_FILE")"
	old=$(cur_pfx)
	addr=$(pfx_addr "$old" ::feed)
	# Configured before ge0 has an address with that interface ID, as at
	# boot before the first RA.
	map_set auto token ::feed dev ge0
	out=$(rtr_map)
	echo "$out" | json_ok '.active == false and .external == null and
		.external_source == "auto" and .token == "::feed"'
	check_err $? "show: $out"
	log_test "auto token ::feed: nptctl add $LAN_PFX auto token ::feed dev ge0 is inactive while no ::feed address exists"

	RET=0
	ip -n "$rtr" token set ::feed dev ge0
	check_err $? "ip token set ::feed dev ge0 failed"
	wait_move "$old" "$addr"
	log_test "auto token ::feed: ip token set ::feed, RA gives ge0 $addr: mapping active on $old in ${MOVE_SECS}s"

	RET=0
	busywait 5000 monitor_event '.event == "change" and .mapping.active and
		.mapping.external == "'"$old"'" and .old_external == null'
	check_err $? "monitor: $(tail -n 3 "$MON_FILE")"
	log_test "auto token ::feed: monitor printed the change event, from inactive (old_external null)"

	# A newer, preferred global address with another interface ID; the
	# notifier re-evaluates at once, and a period (2 s) passes too.
	RET=0
	ip -n "$rtr" -6 addr add $DECOY/64 dev ge0 nodad
	check_err $? "cannot add $DECOY to ge0"
	sleep 2.5
	map_on "$old" "$addr"
	check_err $? "show: $(rtr_map)"
	log_test "auto token ::feed: stays on $addr when a newer $DECOY appears on ge0"

	# Without a token, the newest preferred address wins: the decoy.
	RET=0
	decoy=$(rtr_nptctl add fd00:decc::/64 auto dev ge0 2>&1 &&
		rtr_nptctl -j show dev ge0 |
		jq -r '.[] | select(.internal == "fd00:decc::/64") | .external_address')
	[ "$decoy" = $DECOY ]
	check_err $? "a token-less auto mapping follows '$decoy'"
	log_test "auto: a token-less mapping on the same ge0 follows the newest address, $DECOY"

	# ... but a preferred address beats a newer deprecated one.
	RET=0
	ip -n "$rtr" -6 addr add $DECOY_DEPR/64 dev ge0 nodad preferred_lft 0
	check_err $? "cannot add $DECOY_DEPR to ge0"
	sleep 2.5
	decoy=$(rtr_nptctl -j show dev ge0 |
		jq -r '.[] | select(.internal == "fd00:decc::/64") | .external_address')
	[ "$decoy" = $DECOY ]
	check_err $? "the token-less auto mapping follows '$decoy'"
	rtr_nptctl del fd00:decc::/64 dev ge0 >/dev/null 2>&1
	log_test "auto: it stays there when a newer but deprecated $DECOY_DEPR appears"

	RET=0
	renumber
	check_err $? "could not renumber upstream"
	new=$(cur_pfx)
	addr=$(pfx_addr "$new" ::feed)
	wait_move "$new" "$addr"
	log_test "auto token ::feed: upstream renumbers to $new: mapping follows $addr in ${MOVE_SECS}s"

	RET=0
	busywait 5000 monitor_event '.event == "change" and
		.mapping.external == "'"$new"'" and .old_external == "'"$old"'" and
		.mapping.token == "::feed"'
	check_err $? "monitor: $(cat "$MON_FILE")"
	log_test "auto token ::feed: monitor printed the change event, old_external $old"

	check_after_move "auto token ::feed" "$old" "$new"
}

# The WAN link goes down and up (ifdown/ifup, a reboot of the box): ge0
# loses its SLAAC addresses, the auto mapping goes inactive, and comes back
# when the RA gives them back.
wan_flap()
{
	local pfx addr ext

	need_topo "WAN link flap" || return
	RET=0
	monitor_start
	check_err $? "nptctl -j monitor printed nothing: $(head -c 500 "$MON_FILE")"
	pfx=$(cur_pfx)
	addr=$(pfx_addr "$pfx" ::feed)
	ext=$(npt_map $LAN_PFX "$pfx" $LAN_H2)
	# Setting the token again would renumber ge0 from scratch: not twice.
	ip -n "$rtr" token get dev ge0 | grep -q 'token ::feed ' ||
		ip -n "$rtr" token set ::feed dev ge0
	busywait $SLAAC_WAIT has_addr "$rtr" ge0 "$addr"
	check_err $? "no $addr on ge0: $(ip -n "$rtr" -6 addr show dev ge0 scope global)"
	map_on "$pfx" "$addr" || map_set auto token ::feed dev ge0
	map_on "$pfx" "$addr"
	check_err $? "show: $(rtr_map)"

	ip -n "$rtr" link set ge0 down
	busywait 10000 map_inactive
	check_err $? "after ge0 down: $(rtr_map)"
	busywait 5000 monitor_event '.event == "change" and
		.mapping.active == false and .old_external == "'"$pfx"'"'
	check_err $? "monitor: $(tail -n 3 "$MON_FILE")"
	log_test "WAN flap: ge0 down drops its SLAAC addresses: mapping inactive, change event from $pfx"

	RET=0
	ip -n "$rtr" link set ge0 up
	wait_move "$pfx" "$addr"
	busywait 5000 monitor_event '.event == "change" and .mapping.active and
		.mapping.external == "'"$pfx"'" and .old_external == null'
	check_err $? "monitor: $(tail -n 3 "$MON_FILE")"
	log_test "WAN flap: ge0 up, SLAAC again: mapping back on $pfx from $addr in ${MOVE_SECS}s, change event"

	RET=0
	[ "$(ge0_allmulti)" != 0 ]
	check_err $? "ge0 flags $(ge0_flags): no allmulti"
	ping_ok "$lan" $INET_ADDR
	check_err $? "no echo replies from $INET_ADDR"
	ndisc_by_rtr "$ext"
	log_test "WAN flap: ge0 still allmulti, ping LAN -> inet works, $ext answered"
}

delete()
{
	local out ext

	need_topo "delete" || return
	RET=0
	rtr_map | json_ok '.active' || map_set auto dev ge0
	ext=$(npt_map $LAN_PFX "$(rtr_map | jq -r .external)" $LAN_H2)
	ping_ok "$lan" $LAN_RTR -c 1
	ndisc_by_rtr "$ext"
	[ "$(ge0_allmulti)" != 0 ]
	check_err $? "ge0 flags $(ge0_flags): no allmulti while proxying"
	out=$(rtr_nptctl del $LAN_PFX dev ge0 2>&1)
	check_err $? "nptctl del: $out"
	out=$(rtr_nptctl -j show)
	[ "$out" = "[]" ]
	check_err $? "show after del: $out"
	ndisc_none "$ext"
	log_test "delete: after nptctl del, live $ext is no longer answered"

	RET=0
	[ "$(ge0_allmulti)" = "$ALLMULTI0" ]
	check_err $? "ge0 flags $(ge0_flags), allmulti was $ALLMULTI0"
	log_test "delete: ge0's allmulti flag back to what it was (flags $(ge0_flags))"

	if [ -n "${MON_PID:-}" ]; then
		RET=0
		busywait 5000 monitor_event '.event == "del" and .mapping.dev == "ge0" and
			.mapping.internal == "'$LAN_PFX'"'
		check_err $? "monitor: $(tail -n 3 "$MON_FILE")"
		log_test "delete: nptctl -j monitor printed the del event"
		grep '"dev":"ge0"' "$MON_FILE" | log_indent
	fi
}

# The router goes away with an auto mapping in place and traffic flowing,
# then the module is unloaded and loaded again.
teardown()
{
	local out

	need_topo "teardown" || return
	RET=0
	rtr_map | json_ok '.active' || map_set auto dev ge0
	[ -n "${MON_PID:-}" ] && bg_stop "$MON_PID"
	MON_PID=
	bg ip netns exec "$lan" ping -f -q -w 30 $INET_ADDR
	bg ip netns exec "$inet" ping -f -q -w 30 \
		"$(npt_map $LAN_PFX "$(rtr_map | jq -r .external)" $LAN_H2)"
	sleep 1
	ip netns del "$rtr"
	check_err $? "ip netns del failed"
	cleanup_ns "$rtr"
	busywait 20000 sh -c "! ip -n $lan link show eth0 >/dev/null 2>&1"
	check_err $? "rtr's links still exist 20 s later"
	log_test "teardown: rtr's namespace deleted with an auto mapping in place, under traffic"

	RET=0
	out=$(rmmod npt6 2>&1)
	check_err $? "rmmod: $out"
	npt6_load
	check_err $? "cannot load npt6 again"
	log_test "teardown: npt6 unloads and loads again afterwards"
	TOPO_OK=0
}

# ---------------------------------------------------------------------

FIRST_TEST=topology
require_cmd ip jq ping iperf3 tcpdump ss timeout radvd ndisc6 modinfo nft
require_scapy
npt6_run_tests "$@"
