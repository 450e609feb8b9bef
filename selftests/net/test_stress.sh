#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lifecycle under traffic: while pktgen floods and an iperf3 transfer run
# through rtr's mapping, churn other mappings, storm an auto mapping
# with prefix changes, loop tunnels, namespaces and the module itself,
# and finally delete the external device.  Each phase reports what it
# did; traffic must still flow through the mapping afterwards, and the
# guest run fails on any kernel warning.
#
#   selftests/qemu/vm.sh selftests/net/test_stress.sh
#
# NPT6_STRESS_SECONDS sets the length of the timed phases (default 10),
# NPT6_STRESS_PPS the pktgen rate each way (4000, the most pktgen sends
# without busy-waiting) and
# NPT6_STRESS_IPERF_RATE the iperf3 cap (50M).  `make stress` runs this
# under -icount with 30 s phases, for rates in guest time.
#
# Exit status: 0 all passed, 1 something failed, 4 a needed tool is missing.

ALL_TESTS="
	churn
	auto_storm
	tunnel_loop
	netns_loop
	module_loop
	device_delete
"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SECS=${NPT6_STRESS_SECONDS:-10}
PPS=${NPT6_STRESS_PPS:-4000}
IPERF_RATE=${NPT6_STRESS_IPERF_RATE:-50M}

# The standard topology, the mapping, and traffic through it both ways:
# pktgen floods of $PPS packets a second each way, and an iperf3 TCP
# transfer capped at $IPERF_RATE.  Bounded, so that under -icount (make
# stress) the churn gets CPU time too; as fast as the emulated CPU allows
# otherwise.  The LAN host drops the pktgen datagrams without answering
# with port unreachables, and the far end's are blackholed at wan.
stress_setup()
{
	topo_create || return 1
	rtr_nptctl add $INT_PFX $EXT_PFX dev ge0 || return 1
	LAN_HOST_EXT=$(npt_map $INT_PFX $EXT_PFX $LAN_HOST)
	ip netns exec "$lan" nft -f - <<-EOF || return 1
		table inet sink {
			chain input {
				type filter hook input priority 0;
				udp dport 9 drop
			}
		}
	EOF
	pktgen_start "$lan" lan0 $MAC_GE1 $LAN_HOST ${REMOTE_PFX}9 $PPS &&
	pktgen_start "$inet" i0 $MAC_C1 $INET_ADDR "$LAN_HOST_EXT" $PPS ||
		return 1
	bg ip netns exec "$inet" iperf3 -s -p 5203
	busywait 10000 sh -c "ip netns exec $inet ss -Hltn 'sport = :5203' | grep -q ."
	bg ip netns exec "$lan" iperf3 -c $INET_ADDR -p 5203 -t 600 \
		-b $IPERF_RATE
}

# snpt packets of the mapping of $INT_PFX on ge0, or 0.
snpt_packets()
{
	rtr_nptctl -j -s show dev ge0 2>/dev/null |
		jq -r --arg i $INT_PFX '[.[] | select(.internal == $i) |
			.stats.snpt.packets][0] // 0' 2>/dev/null || echo 0
}

# still_flows WHAT: the mapping translates both ways after WHAT.
still_flows()
{
	ip netns exec "$lan" ping -n -q -c 3 -i 0.2 -w 10 $INET_ADDR >/dev/null
	check_err $? "LAN -> internet ping failed after $1"
	ip netns exec "$inet" ping -n -q -c 3 -i 0.2 -w 10 "$LAN_HOST_EXT" >/dev/null
	check_err $? "internet -> LAN ping failed after $1"
}

churn()
{
	local out p0 p1

	RET=0
	stress_setup || { check_err 1 "setup failed"; log_test "churn: setup"; return; }
	p0=$(snpt_packets)
	out=$(ip netns exec "$rtr" "$PYTHON" "$NET_DIR/nl_churn.py" ge0 "$SECS" 2>&1)
	check_err $? "nl_churn.py: $out"
	p1=$(snpt_packets)
	[ "$(rtr_nptctl -j show | jq length)" = 1 ]
	check_err $? "mappings left behind: $(rtr_nptctl show | head -n 5)"
	[ "$p1" -gt "$p0" ]
	check_err $? "no packets translated during the churn ($p0 -> $p1)"
	still_flows "the churn"
	log_test "churn: add/delete of 500 mappings at a time for ${SECS}s under traffic: $out, $((p1 - p0)) packets translated meanwhile"
	cleanup
}

auto_storm()
{
	local i n=0 p0 p1

	RET=0
	stress_setup || { check_err 1 "setup failed"; log_test "auto storm: setup"; return; }
	# No LAN host in fd00:a5::/64: one there would be the LAN's newest
	# address, and the pings of still_flows would leave from it.
	rtr_nptctl add fd00:a5::/64 auto dev ge0 ||
		check_err 1 "nptctl add auto failed"
	p0=$(snpt_packets)
	SECONDS=0
	while [ $SECONDS -lt "$SECS" ]; do
		i=$((n % 16))
		ip -n "$rtr" -6 addr add 2001:db8:a5:$i::1/64 dev ge0 nodad 2>/dev/null
		ip -n "$rtr" -6 addr del 2001:db8:a5:$(((n + 15) % 16))::1/64 dev ge0 2>/dev/null
		n=$((n + 1))
	done
	p1=$(snpt_packets)
	[ "$p1" -gt "$p0" ]
	check_err $? "no packets translated during the storm ($p0 -> $p1)"
	rtr_nptctl del fd00:a5::/64 dev ge0
	check_err $? "cannot delete the auto mapping afterwards"
	still_flows "the prefix storm"
	log_test "auto storm: $n external address changes in ${SECS}s under an auto mapping, traffic undisturbed"
	cleanup
}

tunnel_loop()
{
	local n=0 out

	RET=0
	stress_setup || { check_err 1 "setup failed"; log_test "tunnel loop: setup"; return; }
	SECONDS=0
	while [ $SECONDS -lt "$SECS" ]; do
		out=$(rtr_nptctl tunnel add st0 remote 2001:db8:ffff:3::80 \
			local $RTR_WAN dev ge0 2>&1) || { check_err 1 "tunnel add: $out"; break; }
		ip -n "$rtr" link set st0 up
		ip -n "$rtr" addr add 198.18.0.2/15 dev st0
		ip netns exec "$rtr" ping -n -q -c 1 -W 1 198.18.0.1 >/dev/null 2>&1
		out=$(rtr_nptctl tunnel del st0 2>&1) || { check_err 1 "tunnel del: $out"; break; }
		n=$((n + 1))
	done
	[ -z "$(rtr_nptctl tunnel show)" ]
	check_err $? "tunnels left: $(rtr_nptctl tunnel show)"
	still_flows "the tunnel loop"
	log_test "tunnel loop: $n tunnel add/up/send/del cycles in ${SECS}s under traffic"
	cleanup
}

netns_loop()
{
	local n=0 ns

	RET=0
	stress_setup || { check_err 1 "setup failed"; log_test "netns loop: setup"; return; }
	SECONDS=0
	while [ $SECONDS -lt "$SECS" ]; do
		ns=npt6-stress-$n
		ip netns add $ns &&
		ip -n $ns link add d0 type dummy &&
		ip -n $ns link set d0 up &&
		ip -n $ns -6 addr add 2001:db8:fe::1/64 dev d0 nodad &&
		ip netns exec $ns "$NPTCTL" add fd00:1::/64 2001:db8:1::/64 dev d0 &&
		ip netns exec $ns "$NPTCTL" tunnel add t0 remote 2001:db8:fe::2 \
			local 2001:db8:fe::1 dev d0 >/dev/null ||
			{ check_err 1 "namespace $ns setup failed"; ip netns del $ns; break; }
		ip netns del $ns
		n=$((n + 1))
	done
	still_flows "the namespace loop"
	log_test "netns loop: $n namespaces with a mapping and a tunnel created and deleted in ${SECS}s"
	cleanup
}

module_loop()
{
	local i out

	RET=0
	stress_setup || { check_err 1 "setup failed"; log_test "module loop: setup"; return; }
	for i in 1 2 3 4 5; do
		out=$(rmmod npt6 2>&1)
		check_err $? "rmmod $i: $out"
		npt6_load
		check_err $? "reload $i failed"
		rtr_nptctl add $INT_PFX $EXT_PFX dev ge0
		check_err $? "mapping not restored after reload $i"
		ip netns exec "$lan" ping -n -q -c 1 -w 5 $INET_ADDR >/dev/null
		check_err $? "no translation after reload $i"
	done
	still_flows "the module loop"
	log_test "module loop: npt6 unloaded and reloaded 5 times under traffic, mapping restored each time"
	cleanup
}

device_delete()
{
	local out

	RET=0
	stress_setup || { check_err 1 "setup failed"; log_test "device delete: setup"; return; }
	rtr_nptctl tunnel add dt0 remote 2001:db8:ffff:3::80 local $RTR_WAN dev ge0 >/dev/null
	check_err $? "tunnel add failed"
	sleep 1
	ip -n "$rtr" link del ge0
	check_err $? "ip link del ge0 failed"
	out=$(rtr_nptctl -j show)
	[ "$out" = "[]" ]
	check_err $? "mappings on a deleted device remain: $out"
	log_test "device delete: ge0 deleted under traffic, its mappings go with it"
	cleanup
	busywait 20000 sh -c '[ "$(cat /sys/module/npt6/refcnt)" = 0 ]'
	check_err $? "npt6 refcnt $(cat /sys/module/npt6/refcnt) after every namespace went"
	out=$(rmmod npt6 2>&1)
	check_err $? "rmmod: $out"
	npt6_load
	check_err $? "reload failed"
	log_test "device delete: afterwards npt6 holds no references and unloads"
}

require_cmd ip jq ping iperf3 ss timeout
npt6_run_tests "$@"
