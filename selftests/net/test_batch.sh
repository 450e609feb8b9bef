#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nptctl -b FILE, batch mode, against the real module in network
# namespaces.  Run as root on a kernel that can load npt6, i.e. inside the
# test guest:
#
#   make module nptctl &&
#   NPT6_NET_TESTS=test_batch selftests/qemu/vm.sh --timeout 1500 \
#       selftests/net/run-guest.sh
#
# The router (rtr) of lib.sh's topology gets its configuration from a file,
# as the systemd unit gives it (ExecStart= and ExecReload= both run
# "nptctl -b /etc/npt6/npt6.conf"):
#
# apply        the file makes the mappings and tunnels it says, and
#              translated traffic flows
# idempotent   applying it again changes nothing: "nptctl monitor" and
#              "ip monitor link" see no event, counters go on counting
# flush_add    the same for a file that starts with "flush"
# edited       after an edit, only what the edit touched changes: one
#              mapping goes, one tunnel setting returns to its default,
#              and the tunnel keeps its ifindex
# rollback     the kernel refuses a line after others were applied: the
#              error names the line, and "nptctl -j show" and "nptctl -j
#              tunnel show" are as before
# version      nptctl -V names the loaded module's version
# kernel_log   no BUG, WARNING, Oops or refcount lines
#
# Exit status: 0 all passed, 1 something failed, 4 a needed tool is missing.

ALL_TESTS="
	apply
	idempotent
	flush_add
	edited
	rollback
	version
	kernel_log
"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TNL_REMOTE=2404:8e00::feed:140
SITE_REMOTE=2001:db8:4e0:2::1
SECOND_INT=fd8e:52a1:3c07:2::/64
SECOND_EXT=2001:db8:5f00:2::/64
AUTO_INT=fd8e:52a1:3c07:3::/64

CONF=
MONITOR_OUT=
LINKMON_OUT=

setup()
{
	topo_create || return 1
	# A global address with ::feed for the auto mapping and tunnel.
	ip -n "$rtr" -6 addr add 2001:db8:ffff:1::feed/64 dev ge0 nodad || return 1
	CONF=$(tmpfile npt6.conf) && MONITOR_OUT=$(tmpfile monitor) &&
		LINKMON_OUT=$(tmpfile linkmon)
}

# The configuration of S1 and S3 on one router: two static mappings, an
# auto one following ::feed, transix and a site-to-site tunnel.
write_conf()
{
	cat >"$CONF" <<EOF
# /etc/npt6/npt6.conf
$1
add $INT_PFX $EXT_PFX dev ge0
add $SECOND_INT $SECOND_EXT dev ge0 ndproxy off
add $AUTO_INT auto token ::feed dev ge0

tunnel add ip6tnl1 remote $TNL_REMOTE local auto token ::feed dev ge0
tunnel add site0 remote $SITE_REMOTE local $RTR_WAN dev ge0 mtu 1400 hoplimit 10  # FLET'S
EOF
}

# monitors_start, monitors_stop: npt6's events and the links' changes,
# in the router, into $MONITOR_OUT and $LINKMON_OUT.
monitors_start()
{
	: >"$MONITOR_OUT"
	: >"$LINKMON_OUT"
	ip netns exec "$rtr" "$NPTCTL" monitor >"$MONITOR_OUT" 2>&1 &
	MON_PID=$!
	BG_PIDS="$BG_PIDS $MON_PID"
	ip -n "$rtr" monitor link >"$LINKMON_OUT" 2>&1 &
	LINKMON_PID=$!
	BG_PIDS="$BG_PIDS $LINKMON_PID"
	# Until both have joined their groups.
	sleep 1
}

monitors_stop()
{
	# What the kernel multicast has arrived by now, even in a slow guest.
	sleep 1
	bg_stop "$MON_PID" "$LINKMON_PID"
}

# The state as JSON, with the mappings' translation counters: the NDP
# proxy's count what the neighbours send when they like, so not those.
# Tunnels with their ifindex, which says whether one was made again.
state_counted()
{
	rtr_nptctl -j -s show | jq -c 'map(del(.stats.ndp))' &&
		rtr_nptctl -j tunnel show | jq -c 'sort_by(.name)'
}

# The state as "nptctl -j show" and "nptctl -j tunnel show" say it, but
# for the ifindex of a tunnel, which a rollback that makes one again
# cannot keep.
state_shape()
{
	rtr_nptctl -j show | jq -c . &&
		rtr_nptctl -j tunnel show | jq -c 'map(del(.ifindex)) | sort_by(.name)'
}

# A ping from the LAN host to the internet host, through the mapping.
traffic()
{
	ip netns exec "$lan" ping -n -q -c 3 -i 0.2 -w 10 $INET_ADDR >/dev/null
}

# differ A B: A and B, lines of text, as a diff (the guest has no
# /dev/fd for <(...)).
differ()
{
	local a b

	a=$(tmpfile a) && b=$(tmpfile b) || return
	echo "$1" >"$a"
	echo "$2" >"$b"
	diff "$a" "$b"
}

snpt_packets()
{
	npt6_stat "$rtr" ge0 snpt packets
}

apply()
{
	local out

	RET=0
	if ! setup; then
		check_err 1 "setup failed"
		log_test "batch: setup"
		return
	fi
	write_conf ""
	out=$(rtr_nptctl -b "$CONF" 2>&1)
	check_err $? "nptctl -b failed: $out"
	[ -z "$out" ]
	check_err $? "nptctl -b printed: $out"
	out=$(rtr_nptctl show)
	echo "$out" | grep -q "^$INT_PFX -> $EXT_PFX dev ge0 ndproxy auto$"
	check_err $? "no static mapping with ndproxy auto: $out"
	echo "$out" | grep -q "^$SECOND_INT -> $SECOND_EXT dev ge0 ndproxy off$"
	check_err $? "no second mapping: $out"
	echo "$out" | grep -q "^$AUTO_INT -> 2001:db8:ffff:1::/64 dev ge0 auto token ::feed (from 2001:db8:ffff:1::feed)"
	check_err $? "no active auto mapping: $out"
	out=$(rtr_nptctl tunnel show)
	echo "$out" | grep -q "^ip6tnl1: remote $TNL_REMOTE local auto token ::feed (now 2001:db8:ffff:1::feed) dev ge0 "
	check_err $? "no transix tunnel: $out"
	echo "$out" | grep -q "^site0: remote $SITE_REMOTE local $RTR_WAN dev ge0 mtu 1400 mss auto hoplimit 10 "
	check_err $? "no site-to-site tunnel: $out"
	traffic
	check_err $? "no ping through the mapping"
	log_test "batch: the file makes its mappings and tunnels, traffic flows"
}

# Apply $CONF again with the monitors on: nothing may happen.
reapply_silent()
{
	local desc=$1 before after out p0 p1

	traffic
	before=$(state_counted)
	p0=$(snpt_packets)
	monitors_start
	out=$(rtr_nptctl -b "$CONF" 2>&1)
	check_err $? "nptctl -b failed: $out"
	monitors_stop
	[ ! -s "$MONITOR_OUT" ]
	check_err $? "nptctl monitor saw: $(cat "$MONITOR_OUT")"
	[ ! -s "$LINKMON_OUT" ]
	check_err $? "ip monitor link saw: $(cat "$LINKMON_OUT")"
	after=$(state_counted)
	[ "$before" = "$after" ]
	check_err $? "state or counters changed: $(differ "$before" "$after")"
	# The same mapping goes on counting: it was not made again.
	traffic
	p1=$(snpt_packets)
	[ -n "$p0" ] && [ "$p0" -gt 0 ] && [ "$p1" -gt "$p0" ]
	check_err $? "snpt packets $p0 before, $p1 after more traffic"
	log_test "$desc"
}

idempotent()
{
	RET=0
	reapply_silent "batch: applied again, no event, counters kept"
}

flush_add()
{
	RET=0
	write_conf flush
	reapply_silent "batch: flush then add applied again, no event, counters kept"
}

# site0_is PATTERN IFINDEX: "tunnel show site0" matches PATTERN, and the
# tunnel is the same link as before.
site0_is()
{
	local out ifindex

	out=$(rtr_nptctl tunnel show site0)
	echo "$out" | grep -q "$1"
	check_err $? "site0 is not as the file says: $out"
	ifindex=$(rtr_nptctl -j tunnel show site0 | jq '.[0].ifindex')
	[ "$ifindex" = "$2" ]
	check_err $? "site0 was made again: ifindex $2, now $ifindex"
}

edited()
{
	local out ifindex0 ndel nadd

	RET=0
	ifindex0=$(rtr_nptctl -j tunnel show site0 | jq '.[0].ifindex')
	# The second mapping and site0's hop limit leave the file.
	sed -i -e "\\|^add $SECOND_INT|d" -e 's/ hoplimit 10//' "$CONF"
	monitors_start
	out=$(rtr_nptctl -b "$CONF" 2>&1)
	check_err $? "nptctl -b failed: $out"
	monitors_stop
	ndel=$(grep -c '^del ' "$MONITOR_OUT")
	nadd=$(grep -c -v '^del ' "$MONITOR_OUT")
	[ "$ndel" = 1 ] && [ "$nadd" = 0 ] &&
		grep -q "^del $SECOND_INT -> $SECOND_EXT dev ge0" "$MONITOR_OUT"
	check_err $? "want one del of $SECOND_INT, monitor saw: $(cat "$MONITOR_OUT")"
	site0_is " mtu 1400 mss auto hoplimit 64 " "$ifindex0"
	! grep -q 'ip6tnl1' "$LINKMON_OUT"
	check_err $? "ip6tnl1 changed: $(cat "$LINKMON_OUT")"
	# And a tunnel moved to another remote and to local auto.
	sed -i "s/^tunnel add site0 .*/tunnel add site0 remote 2001:db8:4e0:3::1 local auto dev ge0 mtu 1400/" "$CONF"
	out=$(rtr_nptctl -b "$CONF" 2>&1)
	check_err $? "nptctl -b failed: $out"
	site0_is "^site0: remote 2001:db8:4e0:3::1 local auto (now 2001:db8:ffff:1::[0-9a-f:]*) dev ge0 mtu 1400 " \
		"$ifindex0"
	log_test "batch: edited file, only what the edit touched changes"
}

rollback()
{
	local before after out bad

	RET=0
	before=$(state_shape)
	bad=$(tmpfile bad.conf)
	# Line 7 takes the external prefix that line 6 has just taken.
	cat >"$bad" <<EOF
flush
add $INT_PFX $EXT_PFX dev ge0 ndproxy off
tunnel change ip6tnl1 hoplimit 5
tunnel del site0
tunnel add new0 remote $SITE_REMOTE local $RTR_WAN dev ge0
add fd8e:52a1:3c07:8::/64 2001:db8:5f00:8::/64 dev ge0
add fd8e:52a1:3c07:9::/64 2001:db8:5f00:8::/64 dev ge0
EOF
	monitors_start
	out=$(rtr_nptctl -b "$bad" 2>&1)
	[ $? = 1 ]
	check_err $? "nptctl -b did not fail: $out"
	monitors_stop
	[ "$(echo "$out" | wc -l)" = 1 ] && echo "$out" | grep -q "^Error: $bad:7: "
	check_err $? "want one error at line 7: $out"
	after=$(state_shape)
	[ "$before" = "$after" ]
	check_err $? "state changed: $(differ "$before" "$after")"
	# It did apply and undo: the monitor saw both.
	grep -q '^del ' "$MONITOR_OUT" && grep -q '^add ' "$MONITOR_OUT"
	check_err $? "nptctl monitor saw no apply and undo: $(cat "$MONITOR_OUT")"
	traffic
	check_err $? "no ping through the mapping after the rollback"
	log_test "batch: kernel refuses line 7, everything rolled back"

	RET=0
	# A syntax error on the last line: nothing at all happens.
	printf 'flush\ntunnel del ip6tnl1\nadd %s %s dev ge0 ndproxy maybe\n' \
		$INT_PFX $EXT_PFX >"$bad"
	monitors_start
	out=$(rtr_nptctl -b - <"$bad" 2>&1)
	[ $? = 1 ] && [ "$out" = 'Error: <stdin>:3: invalid ndproxy mode "maybe" (expected auto, all or off)' ]
	check_err $? "unexpected: $out"
	monitors_stop
	[ ! -s "$MONITOR_OUT" ] && [ ! -s "$LINKMON_OUT" ]
	check_err $? "something changed: $(cat "$MONITOR_OUT" "$LINKMON_OUT")"
	log_test "batch: syntax error on line 3 from stdin, nothing changed"
}

version()
{
	local out mod

	RET=0
	mod=$(cat /sys/module/npt6/version 2>/dev/null)
	out=$(nptctl -V 2>&1)
	[ -n "$mod" ] && echo "$out" | grep -qx "npt6 module $mod"
	check_err $? "nptctl -V: $out (module: $mod)"
	log_test "nptctl -V names the loaded module's version"
}

kernel_log()
{
	topo_destroy 2>/dev/null
	kernel_log_check
}

require_cmd jq ping
npt6_run_tests "$@"
