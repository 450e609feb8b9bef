#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the test guest itself: run as `selftests/qemu/vm.sh
# selftests/qemu/smoke.sh`.  Every tool and kernel feature the netns tests
# lean on must work in the guest before their failures mean anything.

status=0

check()
{
	local what=$1
	shift

	if out=$("$@" 2>&1); then
		printf 'TEST: %-60s  [ OK ]\n' "guest: $what"
	else
		printf 'TEST: %-60s  [FAIL]\n' "guest: $what"
		printf '%s\n' "$out" | sed 's/^/\t/'
		status=1
	fi
}

ns=smoke-$RANDOM
cleanup()
{
	kill "$srv" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT

check "running in the test guest" test "${NPT6_GUEST:-}" = 1
check "\$RESULTS is writable" touch "$RESULTS/smoke"
check "ip netns add" ip netns add "$ns"
check "veth, its module autoloaded" \
	ip -n "$ns" link add a type veth peer name b
check "modprobe ip6t_NPT" modprobe ip6t_NPT
check "ip6tables SNPT rule" ip netns exec "$ns" ip6tables -t mangle -A POSTROUTING \
	-j SNPT --src-pfx fd00::/64 --dst-pfx 2001:db8::/64
check "python3 -c 'import scapy.all'" /usr/bin/python3 -c 'import scapy.all'
check "iperf3 --version" iperf3 --version
check "tcpdump --version" tcpdump --version

# The same tools for real, on the namespace's loopback.
ip -n "$ns" link set lo up
ip netns exec "$ns" iperf3 -s -1 -B ::1 >/dev/null 2>&1 &
srv=$!
check "iperf3 over ::1 in a netns" bash -c "
	for i in \$(seq 50); do
		ip netns exec $ns iperf3 -c ::1 -t 1 >/dev/null 2>&1 && exit 0
		sleep 0.1
	done
	exit 1"
check "tcpdump captures a ping on lo" bash -c "
	ip netns exec $ns timeout 30 tcpdump -ni lo -c 1 -w /tmp/smoke.pcap icmp6 &
	pid=\$!
	while kill -0 \$pid 2>/dev/null; do
		ip netns exec $ns ping -6 -c1 -W1 ::1 >/dev/null
		sleep 0.2
	done
	wait \$pid"

if modinfo -n npt6 >/dev/null 2>&1; then
	check "modprobe npt6 (the DKMS install)" modprobe npt6
	check "rmmod npt6" rmmod npt6
else
	printf 'TEST: %-60s  [SKIP]\n' "guest: npt6 not installed (selftests/lib/install-module.sh)"
fi

exit $status
