#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Who may do what with npt6.  Run as root inside the test guest:
#   selftests/qemu/vm.sh selftests/net/test_privilege.sh
#
#   unprivileged  a user without CAP_NET_ADMIN gets EPERM for every
#                 nptctl command that reads or changes npt6 state, and
#                 nothing changes
#   userns        root of a user namespace manages the mappings and
#                 tunnels of its own network namespace, and cannot reach
#                 the host's
#   isolation     one network namespace neither sees nor touches
#                 another's mappings and tunnels
#
# Tunnels are network devices: like `ip -d link show`, `nptctl tunnel
# show` is open to any user of the namespace; creating, changing and
# deleting them is not.
#
# Exit status: 0 all passed, 1 something failed, 4 a needed tool is missing.

ALL_TESTS="
	unprivileged
	userns
	isolation
"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

INT=fd00:5::/64
EXT=2001:db8:5::/64
INT2=fd00:6::/64
EXT2=2001:db8:6::/64
REMOTE=2001:db8:ff::2
LOCAL=2001:db8:ff::1

# priv_ns VAR: a namespace with a dummy external device d0 carrying one
# mapping and one tunnel, set up by root.
priv_ns()
{
	setup_ns "$1" || return 1
	local ns=${!1}

	ip -n "$ns" link add d0 type dummy &&
	ip -n "$ns" link set d0 up &&
	ip -n "$ns" -6 addr add $LOCAL/64 dev d0 nodad &&
	ip netns exec "$ns" "$NPTCTL" add $INT $EXT dev d0 ndproxy off &&
	ip netns exec "$ns" "$NPTCTL" tunnel add tun0 remote $REMOTE \
		local $LOCAL dev d0 >/dev/null
}

# state NS: what root sees of npt6 in NS, to compare before and after.
state()
{
	ip netns exec "$1" "$NPTCTL" -j show 2>&1
	ip netns exec "$1" "$NPTCTL" -j tunnel show 2>&1
}

# as_nobody NS CMD...: CMD in NS as uid/gid 65534 with no capabilities.
as_nobody()
{
	local ns=$1

	shift
	ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all -- "$@"
}

unprivileged()
{
	local before after out rc c failed=

	RET=0
	if ! priv_ns pa; then
		check_err 1 "setup failed"
		log_test "unprivileged: setup"
		cleanup_ns "$pa"
		return
	fi
	before=$(state "$pa")

	# The refusals below must come from npt6, not from setpriv failing to
	# switch users (which says "Operation not permitted" too).
	out=$(as_nobody "$pa" sh -c 'id -u; grep ^CapEff /proc/self/status' 2>&1)
	[ "$out" = "65534
CapEff:	0000000000000000" ]
	check_err $? "setpriv did not drop to an unprivileged user: $out"
	log_test "unprivileged: the test user is uid 65534 with no capabilities"

	# Each command as it would be typed; all of them must fail with
	# EPERM, which nptctl reports as "Operation not permitted".
	while read -r c; do
		[ -n "$c" ] || continue
		# shellcheck disable=SC2086
		out=$(as_nobody "$pa" timeout 10 "$NPTCTL" $c 2>&1)
		rc=$?
		if [ $rc -eq 0 ] || [ $rc -eq 124 ] || [[ $out == *setpriv:* ]] ||
		   [[ $out != *"Operation not permitted"* ]]; then
			failed="$failed
nptctl $c: exit $rc: $out"
		fi
	done <<-EOF
		show
		-s show
		show dev d0
		add $INT2 $EXT2 dev d0
		add fd00:7::/64 auto dev d0
		del $INT dev d0
		flush
		flush dev d0
		monitor
		tunnel add tun1 remote $REMOTE local $LOCAL dev d0
		tunnel change tun0 mss 1300
		tunnel del tun0
	EOF
	[ -z "$failed" ]
	check_err $? "not refused with EPERM:$failed"
	log_test "unprivileged: every nptctl command that reads or changes npt6 state gets EPERM"

	after=$(state "$pa")
	[ "$after" = "$before" ]
	check_err $? "state changed: before $before, after $after"
	log_test "unprivileged: mappings and tunnels unchanged afterwards"

	# Tunnels are links: their configuration is as public as ip -d link.
	out=$(as_nobody "$pa" "$NPTCTL" -j tunnel show tun0 2>&1)
	check_err $? "$out"
	[ "$(echo "$out" | jq -r '.[0].remote' 2>/dev/null)" = "$REMOTE" ]
	check_err $? "tunnel show as nobody: $out"
	log_test "unprivileged: tunnel show works, like ip -d link show"

	cleanup_ns "$pa"
}

# in_userns NS CMD...: CMD as root of a new user namespace that owns a
# new network namespace; NS (the host's) is where it starts from.
in_userns()
{
	local ns=$1

	shift
	ip netns exec "$ns" unshare --user --map-root-user --net -- "$@"
}

userns()
{
	local out

	RET=0
	if ! priv_ns pb; then
		check_err 1 "setup failed"
		log_test "userns: setup"
		cleanup_ns "$pb"
		return
	fi

	# Inside: a dummy device of its own, a mapping and a tunnel on it,
	# then what it can see.  One script so that all of it runs in the
	# one user and network namespace.
	out=$(in_userns "$pb" bash -c '
		set -e
		N=$1
		ip link add d1 type dummy
		ip link set d1 up
		ip -6 addr add 2001:db8:fe::1/64 dev d1 nodad
		"$N" add fd00:9::/64 2001:db8:9::/64 dev d1 ndproxy off
		"$N" tunnel add tun9 remote 2001:db8:fe::2 local 2001:db8:fe::1 dev d1 >/dev/null
		"$N" -j show
		"$N" -j tunnel show | jq -c "[.[].name]"
		"$N" del fd00:9::/64 dev d1
		"$N" tunnel del tun9
		"$N" -j show
	' - "$NPTCTL" 2>&1)
	check_err $? "inside the user namespace: $out"
	echo "$out" | sed -n 1p | jq -e 'length == 1 and .[0].dev == "d1" and
		.[0].internal == "fd00:9::/64"' >/dev/null 2>&1
	check_err $? "its own mapping, and only it: $out"
	[ "$(echo "$out" | sed -n 2p)" = '["tun9"]' ]
	check_err $? "its own tunnel, and only it: $out"
	[ "$(echo "$out" | sed -n 3p)" = '[]' ]
	check_err $? "after del: $out"
	log_test "userns: root of a user namespace adds, lists and deletes its own mappings and tunnels"

	# The host's namespace belongs to the initial user namespace: from
	# inside, neither setns() into it nor a request there is allowed.
	out=$(in_userns "$pb" "$NPTCTL" -n "$pb" flush 2>&1)
	[ $? -ne 0 ]
	check_err $? "nptctl -n $pb flush from a user namespace succeeded: $out"
	[ "$(ip netns exec "$pb" "$NPTCTL" -j show | jq length)" = 1 ]
	check_err $? "the host namespace's mapping is gone"
	log_test "userns: cannot reach the host namespace's mappings ($(echo "$out" | head -n 1))"

	cleanup_ns "$pb"
}

isolation()
{
	local out before

	RET=0
	if ! priv_ns pc || ! setup_ns pd; then
		check_err 1 "setup failed"
		log_test "isolation: setup"
		cleanup_ns "$pc" "$pd"
		return
	fi
	before=$(state "$pc")

	out=$(ip netns exec "$pd" "$NPTCTL" -j show 2>&1)
	[ "$out" = "[]" ]
	check_err $? "another namespace's mappings are visible: $out"
	out=$(ip netns exec "$pd" "$NPTCTL" -j tunnel show 2>&1)
	[ "$out" = "[]" ]
	check_err $? "another namespace's tunnels are visible: $out"
	log_test "isolation: a namespace sees none of another's mappings and tunnels"

	out=$(ip netns exec "$pd" "$NPTCTL" del $INT dev d0 2>&1)
	[ $? -ne 0 ]
	check_err $? "del of another namespace's mapping succeeded: $out"
	ip netns exec "$pd" "$NPTCTL" flush >/dev/null 2>&1
	out=$(ip netns exec "$pd" "$NPTCTL" tunnel del tun0 2>&1)
	[ $? -ne 0 ]
	check_err $? "del of another namespace's tunnel succeeded: $out"
	[ "$(state "$pc")" = "$before" ]
	check_err $? "state of $pc changed: $(state "$pc")"
	log_test "isolation: del, flush and tunnel del in one namespace leave another's state alone"

	cleanup_ns "$pc" "$pd"
}

require_cmd ip jq setpriv unshare timeout
npt6_run_tests "$@"
