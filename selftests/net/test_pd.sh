#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# External prefixes that follow a delegated prefix (issue 19): on a Linux
# router the DHCPv6-PD client puts the delegated prefix on a LAN-side or
# dummy device, not on the WAN, and renumbers it when the ISP does.
#
#   host --- [lan0] rtr [wan0] --- [isp0] isp
#                 [pd0] dummy: dhcpcd's ia_pd puts the delegated /64 here
#                 [pdx] dummy: addresses the tests move by hand
#
# isp runs kea-dhcp6-server (an address and a /56 out of a /48 pool);
# rtr runs dhcpcd with "ia_pd 2 pd0/0/64".  rtr translates the LAN's ULA
# with "nptctl add LAN auto from pd0 dev wan0", and isp routes the pool to
# rtr.  Expected external addresses come from npt.py, never from the
# module.
#
#   topology  kea leases a /56 to dhcpcd: pd0 has a /64 of it, and rtr an
#             unreachable route (proto dhcp) for the whole /56
#   from_dev  the mapping takes pd0's /64; isp sees the LAN host at the
#             address npt.py predicts and reaches it there
#   subnet    "subnet N" picks the N-th /64 of the prefix pdx's address is
#             on-link in; too large an N, or no address, is inactive and
#             says why
#   change    "nptctl change" re-points the mapping with traffic flowing:
#             counters kept, one change event; then pdx's address is
#             replaced and no packet leaves with the old prefix after the
#             move, and the counters are still kept
#   pd        "auto pd subnet 1" follows the delegated /56 itself, by its
#             unreachable route: a second LAN prefix leaves as the second
#             /64 of it
#   renumber  kea hands out another pool and dhcpcd starts over: both
#             mappings are inactive while there is no lease, then follow
#             to the new /56; monitor says so
#
# Exit status: 0 all passed, 1 something failed, 4 a needed tool is missing.

ALL_TESTS="
	topology
	from_dev
	subnet
	change
	pd
	renumber
	kernel_log
"
FIRST_TEST=topology

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LAN_PFX=fd00:19::/64
HOST=fd00:19::10
RTR_LAN=fd00:19::1
PD_PFX=fd00:1b::/64		# the second LAN prefix, for "auto pd"
HOST_PD=fd00:1b::10		# the host's second address: pings say -I
ISP=2001:db8:ffff::1
POOL1=2001:db8:a000::		# /48, delegated as /56s
POOL2=2001:db8:b000::
ISP_ROUTE=2001:db8:a000::/35	# both pools
PDX_NET=2001:db8:d00::/40	# pdx's prefixes, routed to rtr by hand
MAC_HOST=02:6e:19:00:00:10
MAC_LAN0=02:6e:19:00:00:01
MAC_WAN0=02:6e:19:00:01:00
MAC_ISP0=02:6e:19:00:01:01

# ---------------------------------------------------------------------
# Shared pieces

# The mapping of LAN_PFX on wan0, as nptctl -j -s show prints it.
rtr_map()
{
	rtr_nptctl -j -s show dev wan0 2>/dev/null |
		jq -c --arg p "$LAN_PFX" '.[] | select(.internal == $p)'
}

# json_ok JQ-ARGS... FILTER: stdin satisfies FILTER.
json_ok()
{
	jq -e "$@" >/dev/null 2>&1
}

map_on()
{
	rtr_map | json_ok --arg e "$1" '.active == true and .external == $e'
}

# The "auto pd" mapping of PD_PFX on wan0.
pd_map()
{
	rtr_nptctl -j show dev wan0 2>/dev/null |
		jq -c --arg p "$PD_PFX" '.[] | select(.internal == $p)'
}

pd_map_on()
{
	pd_map | json_ok --arg e "$1" '.active == true and .external == $e'
}

pd_map_inactive()
{
	pd_map | json_ok '.active == false and .inactive == "no_source"'
}

# The /64 of pd0's global address in rtr, e.g. 2001:db8:a000::/64.
pd0_prefix()
{
	ip -n "$rtr" -j -6 addr show dev pd0 scope global 2>/dev/null |
		jq -r '.[0].addr_info[] | select(.family == "inet6") | .local' |
		head -n1 | sed 's/::*[0-9a-f]*$/::\/64/'
}

# kea_start POOL: kea-dhcp6 on isp0 with an address pool and POOL/48
# delegated as /56s.  Leases live in memory only.
kea_start()
{
	local conf=$TMP_DIR/kea.conf

	cat >"$conf" <<-EOF
	{ "Dhcp6": {
	  "interfaces-config": { "interfaces": [ "isp0" ] },
	  "lease-database": { "type": "memfile", "persist": false },
	  "server-id": { "type": "LLT", "persist": false },
	  "preferred-lifetime": 300, "valid-lifetime": 600,
	  "renew-timer": 100, "rebind-timer": 200,
	  "subnet6": [ { "subnet": "2001:db8:ffff::/64", "interface": "isp0",
	    "pools": [ { "pool": "2001:db8:ffff::100-2001:db8:ffff::1ff" } ],
	    "pd-pools": [ { "prefix": "$1", "prefix-len": 48,
	                    "delegated-len": 56 } ] } ],
	  "loggers": [ { "name": "kea-dhcp6", "severity": "INFO",
	    "output_options": [ { "output": "$TMP_DIR/kea.log" } ] } ]
	} }
	EOF
	KEA_LOCKFILE_DIR=$TMP_DIR KEA_PIDFILE_DIR=$TMP_DIR \
		bg ip netns exec "$isp" kea-dhcp6 -c "$conf"
	KEA_PID=$BG_PID
	busywait 10000 sh -c "ip netns exec $isp ss -uln | grep -q ':547 '"
}

# dhcpcd_start: dhcpcd in rtr, in the foreground (-B), an address on wan0
# and the delegated prefix's first /64 on pd0.  Its state goes to a
# private directory: the guest's root is read-only.
dhcpcd_start()
{
	local conf=$TMP_DIR/dhcpcd.conf

	cat >"$conf" <<-EOF
	noipv4
	ipv6only
	noipv6rs
	nohook resolv.conf
	allowinterfaces wan0 pd0
	interface wan0
	  ia_na 1
	  ia_pd 2 pd0/0/64
	EOF
	bg ip netns exec "$rtr" unshare -m sh -c "
		mount -t tmpfs none /var/lib/dhcpcd 2>/dev/null
		exec dhcpcd -f $conf -B wan0"
	DHCPCD_PID=$BG_PID
}

# The delegated prefix is on pd0.
pd0_has() { [ "$(pd0_prefix)" = "$1" ]; }

# monitor_start: nptctl -j monitor in rtr, output in MON_FILE.
monitor_start()
{
	MON_FILE=$(tmpfile monitor)
	ip netns exec "$rtr" "$NPTCTL" -j monitor >"$MON_FILE" 2>&1 &
	MON_PID=$!
	BG_PIDS="$BG_PIDS $MON_PID"
	sleep 0.5
}

# monitor_count JQ: how many lines the monitor printed satisfy JQ.
monitor_count()
{
	jq -s "[.[] | select($1)] | length" "$MON_FILE" 2>/dev/null || echo 0
}

# The SNPT packet counter of the mapping.
snpt_packets()
{
	rtr_map | jq -r '.stats.snpt.packets // empty'
}

# echo_sources PCAP: the source of every echo request in PCAP, in order.
echo_sources()
{
	ip netns exec "$isp" tcpdump -n -r "$1" 'icmp6 and ip6[40] == 128' \
		2>/dev/null | awk '{ print $3 }'
}

# isp_sees SRC WANT: the host pings isp from SRC, and isp sees every echo
# request come from WANT.  One check_err for each thing that went wrong.
isp_sees()
{
	local pcap out

	pcap=$(tmpfile isp_sees.pcap)
	capture_start "$isp" isp0 "$pcap" icmp6
	ping_ok "$host" $ISP -I "$1"
	check_err $? "host cannot ping isp from $1"
	capture_stop "$CAP_PID"
	out=$(echo_sources "$pcap" | sort -u)
	[ "$out" = "$2" ]
	check_err $? "isp saw echo requests from '$out', npt.py says $2"
}

# ---------------------------------------------------------------------
# Tests

topology()
{
	local out

	RET=0
	setup_ns host rtr isp || { setup_failed "cannot create namespaces" topology; return; }
	veth_pair "$host" eth0 $MAC_HOST "$rtr" lan0 $MAC_LAN0 &&
	veth_pair "$rtr" wan0 $MAC_WAN0 "$isp" isp0 $MAC_ISP0 &&
	ip -n "$rtr" link add pd0 type dummy &&
	ip -n "$rtr" link add pdx type dummy &&
	ip -n "$rtr" link set pd0 up && ip -n "$rtr" link set pdx up &&
	ip -n "$host" -6 addr add $HOST/64 dev eth0 nodad &&
	ip -n "$host" -6 addr add $HOST_PD/64 dev eth0 nodad &&
	ip -n "$rtr" -6 addr add ${PD_PFX%/64}1/64 dev lan0 nodad &&
	ip -n "$host" -6 route add default via $RTR_LAN &&
	ip -n "$rtr" -6 addr add $RTR_LAN/64 dev lan0 nodad &&
	ip netns exec "$rtr" sysctl -qw net.ipv6.conf.all.forwarding=1 &&
	ip -n "$rtr" -6 route add 2001:db8:ffff::/64 dev wan0 &&
	ip -n "$rtr" -6 route add default via $ISP dev wan0 &&
	ip -n "$isp" -6 addr add $ISP/64 dev isp0 nodad ||
		{ setup_failed "cannot build the topology" topology; return; }

	kea_start "$POOL1"
	check_err $? "kea-dhcp6 did not listen on isp0: $(tail -n 5 "$TMP_DIR/kea.log" 2>/dev/null)"
	dhcpcd_start
	busywait 30000 pd0_has 2001:db8:a000::/64
	check_err $? "pd0 has no address from the delegated prefix: '$(pd0_prefix)'"
	RTR_WAN=$(ip -n "$rtr" -j -6 addr show dev wan0 scope global |
		  jq -r '.[0].addr_info[0].local // empty')
	[ -n "$RTR_WAN" ]
	check_err $? "wan0 got no address by DHCPv6"
	out=$(ip -n "$rtr" -6 route show type unreachable)
	echo "$out" | grep -q "^unreachable 2001:db8:a000::/56 .*proto dhcp"
	check_err $? "no unreachable route for the delegated /56: '$out'"
	# The ISP routes its pools, and pdx's prefixes, to the customer.
	ip -n "$isp" -6 route add $ISP_ROUTE via "$RTR_WAN" dev isp0 &&
	ip -n "$isp" -6 route add $PDX_NET via "$RTR_WAN" dev isp0
	check_err $? "cannot route the pools to rtr"
	log_test "topology: kea leases 2001:db8:a000::/56 to dhcpcd, pd0 has its first /64, rtr ${RTR_WAN:-?} has the unreachable /56 (proto dhcp)"
	[ $RET -eq 0 ] || { TOPO_OK=0; return; }
	TOPO_OK=1
}

from_dev()
{
	local out ext want

	[ "${TOPO_OK:-0}" = 1 ] || { setup_failed "no topology" from_dev; return; }
	RET=0
	out=$(rtr_nptctl add $LAN_PFX auto from pd0 dev wan0 2>&1)
	check_err $? "nptctl add $LAN_PFX auto from pd0 dev wan0: $out"
	ext=$(pd0_prefix)
	busywait 5000 map_on "$ext"
	check_err $? "the mapping is not on $ext: $(rtr_map)"
	rtr_map | json_ok --arg a "${ext%/64}1" '.auto_dev == "pd0" and
		.external_address == $a and .source == .external'
	check_err $? "show does not say where the prefix comes from: $(rtr_map)"
	out=$(rtr_nptctl show dev wan0)
	echo "$out" | grep -q "^$LAN_PFX -> $ext dev wan0 auto from pd0 (from ${ext%/64}1)"
	check_err $? "text show: $out"
	log_test "from_dev: nptctl add $LAN_PFX auto from pd0 dev wan0 takes pd0's $ext, and show says so"

	RET=0
	want=$(npt_map $LAN_PFX "$ext" $HOST)
	isp_sees $HOST "$want"
	ping_ok "$isp" "$want"
	check_err $? "isp cannot reach the host at $want"
	log_test "from_dev: isp sees the host as $want (npt.py) and reaches it there"
}

subnet()
{
	local out

	[ "${TOPO_OK:-0}" = 1 ] || { setup_failed "no topology" subnet; return; }
	RET=0
	ip -n "$rtr" -6 addr add 2001:db8:d00:ab00::1/56 dev pdx nodad
	out=$(rtr_nptctl add fd00:1a::/64 auto from pdx subnet 5 dev wan0 2>&1)
	check_err $? "nptctl add ... subnet 5: $out"
	out=$(rtr_nptctl -j show dev wan0 | jq -c '.[] | select(.internal == "fd00:1a::/64")')
	echo "$out" | json_ok '.active and .external == "2001:db8:d00:ab05::/64" and
		.subnet == 5 and .source == "2001:db8:d00:ab00::/56"'
	check_err $? "subnet 5 of 2001:db8:d00:ab00::/56: $out"
	log_test "subnet: auto from pdx subnet 5, pdx in 2001:db8:d00:ab00::/56: 2001:db8:d00:ab05::/64"

	RET=0
	out=$(rtr_nptctl change fd00:1a::/64 auto from pdx subnet 256 dev wan0 2>&1)
	check_err $? "nptctl change ... subnet 256: $out"
	out=$(rtr_nptctl -j show dev wan0 | jq -c '.[] | select(.internal == "fd00:1a::/64")')
	echo "$out" | json_ok '.active == false and .external == null and .inactive == "subnet"'
	check_err $? "subnet 256 of a /56: $out"
	out=$(rtr_nptctl show dev wan0 | grep '^fd00:1a::/64')
	echo "$out" | grep -q "auto (subnet outside the prefix)"
	check_err $? "text show: $out"
	ip -n "$rtr" -6 addr del 2001:db8:d00:ab00::1/56 dev pdx
	rtr_nptctl change fd00:1a::/64 auto from pdx subnet 5 dev wan0
	out=$(rtr_nptctl -j show dev wan0 | jq -c '.[] | select(.internal == "fd00:1a::/64")')
	echo "$out" | json_ok '.active == false and .inactive == "no_source"'
	check_err $? "no address on pdx: $out"
	rtr_nptctl del fd00:1a::/64 dev wan0
	log_test "subnet: subnet 256 of a /56 is inactive (subnet), and so is pdx without an address (no_source)"
}

change()
{
	local out c0 c1 c2 ext1 ext2 pcap ping_pid seen_new bad

	[ "${TOPO_OK:-0}" = 1 ] || { setup_failed "no topology" change; return; }
	RET=0
	ext1=2001:db8:d00:1::/64
	ext2=2001:db8:d00:2::/64
	ip -n "$rtr" -6 addr add 2001:db8:d00:1::1/64 dev pdx nodad
	monitor_start
	ping_ok "$host" $ISP -I $HOST
	c0=$(snpt_packets)
	out=$(rtr_nptctl change $LAN_PFX auto from pdx dev wan0 2>&1)
	check_err $? "nptctl change $LAN_PFX auto from pdx dev wan0: $out"
	busywait 3000 map_on $ext1
	check_err $? "not re-pointed to $ext1: $(rtr_map)"
	c1=$(snpt_packets)
	[ -n "$c0" ] && [ -n "$c1" ] && [ "$c0" -gt 0 ] && [ "$c1" -ge "$c0" ]
	check_err $? "counters not kept by change: snpt packets $c0 -> $c1"
	sleep 0.5
	[ "$(monitor_count '.event == "change" and .mapping.external == "'$ext1'"')" = 1 ]
	check_err $? "want one change event to $ext1: $(cat "$MON_FILE")"
	log_test "change: nptctl change re-points $LAN_PFX from pd0's /64 to $ext1: one change event, snpt packets $c0 -> $c1 kept"

	# pdx's address replaced under a steady ping: after the first packet
	# with the new prefix, none with the old one.
	RET=0
	pcap=$(tmpfile change.pcap)
	capture_start "$isp" isp0 "$pcap" icmp6
	ip netns exec "$host" ping -n -q -i 0.1 -w 15 -I $HOST $ISP >/dev/null 2>&1 &
	ping_pid=$!
	sleep 1
	ip -n "$rtr" -6 addr add 2001:db8:d00:2::1/64 dev pdx nodad &&
	ip -n "$rtr" -6 addr del 2001:db8:d00:1::1/64 dev pdx
	busywait 6000 map_on $ext2
	check_err $? "the mapping did not follow pdx to $ext2: $(rtr_map)"
	sleep 1.5
	kill $ping_pid 2>/dev/null
	wait $ping_pid 2>/dev/null
	capture_stop "$CAP_PID"
	c2=$(snpt_packets)
	# Not "read < <(...)": the guest has no /dev/fd.
	out=$(echo_sources "$pcap" | awk '
		/^2001:db8:d00:2:/ { n = 1 }
		/^2001:db8:d00:1:/ && n { bad++ }
		END { print n + 0, bad + 0 }')
	seen_new=${out% *}
	bad=${out#* }
	[ "$seen_new" = 1 ] && [ "$bad" = 0 ]
	check_err $? "after the move: new prefix seen $seen_new, $bad packets with the old one after it; sources: $(echo_sources "$pcap" | uniq -c | tr '\n' ' ')"
	[ -n "$c2" ] && [ "$c2" -gt "$c1" ]
	check_err $? "counters not kept by the move: snpt packets $c1 -> $c2"
	[ "$(monitor_count '.event == "change" and .mapping.external == "'$ext2'" and .old_external == "'$ext1'"')" = 1 ]
	check_err $? "want one change event $ext1 -> $ext2: $(cat "$MON_FILE")"
	log_test "change: pdx's address replaced under traffic: no packet with $ext1 after the first with $ext2, snpt packets $c1 -> $c2"
	bg_stop "$MON_PID"
}

pd()
{
	local out want

	[ "${TOPO_OK:-0}" = 1 ] || { setup_failed "no topology" pd; return; }
	RET=0
	out=$(rtr_nptctl add $PD_PFX auto pd subnet 1 dev wan0 2>&1)
	check_err $? "nptctl add $PD_PFX auto pd subnet 1 dev wan0: $out"
	busywait 5000 pd_map_on 2001:db8:a000:1::/64
	check_err $? "not on the /56's second /64: $(pd_map)"
	pd_map | json_ok '.auto_pd == true and .subnet == 1 and
		.source == "2001:db8:a000::/56" and (has("external_address") | not)'
	check_err $? "show: $(pd_map)"
	out=$(rtr_nptctl show dev wan0 | grep "^$PD_PFX")
	[ "$out" = "$PD_PFX -> 2001:db8:a000:1::/64 dev wan0 auto pd subnet 1 (in 2001:db8:a000::/56) ndproxy auto" ]
	check_err $? "text show: $out"
	log_test "pd: auto pd subnet 1 follows the unreachable 2001:db8:a000::/56 (proto dhcp) to 2001:db8:a000:1::/64"

	RET=0
	want=$(npt_map $PD_PFX 2001:db8:a000:1::/64 $HOST_PD)
	isp_sees $HOST_PD "$want"
	log_test "pd: isp sees $HOST_PD as $want (npt.py)"
}

renumber()
{
	local out ext want

	[ "${TOPO_OK:-0}" = 1 ] || { setup_failed "no topology" renumber; return; }
	RET=0
	out=$(rtr_nptctl change $LAN_PFX auto from pd0 dev wan0 2>&1)
	check_err $? "nptctl change back to pd0: $out"
	monitor_start
	# The ISP renumbers: a new pool, and the customer starts over.
	bg_stop "$DHCPCD_PID" "$KEA_PID"
	busywait 5000 pd_map_inactive
	check_err $? "the pd mapping stays active without a lease: $(pd_map)"
	kea_start "$POOL2"
	check_err $? "kea-dhcp6 did not come back"
	dhcpcd_start
	busywait 30000 pd0_has 2001:db8:b000::/64
	check_err $? "pd0 did not get the new /64: '$(pd0_prefix)'"
	ext=$(pd0_prefix)
	busywait 6000 map_on "$ext"
	check_err $? "the mapping did not follow pd0 to $ext: $(rtr_map)"
	busywait 6000 pd_map_on 2001:db8:b000:1::/64
	check_err $? "the pd mapping did not follow to 2001:db8:b000:1::/64: $(pd_map)"
	sleep 0.5
	[ "$(monitor_count '.event == "change" and .mapping.external == "'"$ext"'"')" -ge 1 ]
	check_err $? "no change event to $ext: $(cat "$MON_FILE")"
	want=$(npt_map $LAN_PFX "$ext" $HOST)
	isp_sees $HOST "$want"
	log_test "renumber: kea moves to 2001:db8:b000::/48; the mappings go inactive, then follow to $ext and 2001:db8:b000:1::/64; isp sees $want"
	bg_stop "$MON_PID"
}

cleanup_script()
{
	# dhcpcd and kea are in BG_PIDS; nothing else outlives the namespaces.
	:
}

require_cmd ip jq ping tcpdump ss kea-dhcp6 dhcpcd unshare
npt6_run_tests "$@"
