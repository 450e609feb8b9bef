#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The control plane under pressure and at its edges.  Run as root inside
# the test guest:
#   selftests/qemu/vm.sh selftests/net/test_control.sh [-t "TESTS"]
#
#   auto_storm     an auto mapping follows its device's new global address
#                  within a few seconds even while another device's
#                  addresses change all the time (each change is an
#                  inet6addr event; the re-evaluation must not starve)
#   genl_reserved  the npt6 generic netlink family refuses every request
#                  whose genlmsghdr.reserved is not zero, as a family
#                  that validates its header must; nptctl sends zero
#
# Exit status: 0 all passed, 1 something failed, 4 a needed tool is missing.

ALL_TESTS="
	auto_storm
	genl_reserved
"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NL_REQ=$NET_DIR/nl_req.py

AS_INT=fd00:a5::/64
AS_OLD=2001:db8:a5:1::1
AS_NEW=2001:db8:a5:2::1
# How long the mapping may take to follow: the re-evaluation runs at the
# latest every 2 s, and the guest is slow.
AS_FOLLOW_MS=4000

# as_follows NS EXT: the auto mapping's external prefix is EXT.
as_follows()
{
	ip netns exec "$1" "$NPTCTL" -j show dev ge0 2>/dev/null |
		jq -e --arg e "$2" '.[0].active and .[0].external == $e' \
		>/dev/null 2>&1
}

# as_storm NS: add and remove an address on d1 for ever, an inet6addr
# event every 20 ms or so: one ip process, fed by one python process, so
# that no fork sets the pace.  Killing it (bg_stop) ends both: we kill
# ip, and python dies of the broken pipe.
as_storm()
{
	local pid

	"$PYTHON" -c '
import sys, time
i = 0
while True:
    i = (i + 1) % 256
    print("addr add 2001:db8:5:ff::%d/64 dev d1 nodad" % i, flush=True)
    time.sleep(0.02)
    print("addr del 2001:db8:5:ff::%d/64 dev d1" % i, flush=True)
    time.sleep(0.02)
' | ip -n "$1" -force -batch - &
	pid=$!
	trap 'kill $pid; exit 0' TERM
	wait $pid
}

# as_storming NS: the storm has put an address on d1.
as_storming()
{
	ip -n "$1" -6 addr show dev d1 scope global | grep -q inet6
}

auto_storm()
{
	local ns_as t0 ms out

	RET=0
	setup_ns ns_as || { check_err 1 "setup_ns failed"; log_test "auto storm: setup"; return; }
	ip -n "$ns_as" link add ge0 type dummy &&
	ip -n "$ns_as" link add d1 type dummy &&
	ip -n "$ns_as" link set ge0 up &&
	ip -n "$ns_as" link set d1 up &&
	ip -n "$ns_as" -6 addr add $AS_OLD/64 dev ge0 nodad &&
	out=$(ip netns exec "$ns_as" "$NPTCTL" add $AS_INT auto dev ge0 ndproxy off 2>&1)
	check_err $? "setup: $out"
	busywait 2000 as_follows "$ns_as" 2001:db8:a5:1::/64
	check_err $? "the mapping did not take 2001:db8:a5:1::/64: $(ip netns exec "$ns_as" "$NPTCTL" -j show 2>&1)"
	log_test "auto storm: nptctl add $AS_INT auto dev ge0 takes ge0's 2001:db8:a5:1::/64"

	# The storm runs on d1, which no mapping uses: only its events matter.
	bg as_storm "$ns_as"
	RET=0
	# Python takes a second or two to start in the guest: the address
	# on ge0 must change while the storm is on, not before it begins.
	busywait 20000 as_storming "$ns_as"
	check_err $? "the address storm on d1 did not start"
	ip -n "$ns_as" -6 addr add $AS_NEW/64 dev ge0 nodad &&
	ip -n "$ns_as" -6 addr del $AS_OLD/64 dev ge0
	check_err $? "could not move ge0 to $AS_NEW"
	t0=$(date +%s%3N)
	busywait $AS_FOLLOW_MS as_follows "$ns_as" 2001:db8:a5:2::/64
	check_err $? "not after $AS_FOLLOW_MS ms: $(ip netns exec "$ns_as" "$NPTCTL" -j show 2>&1)"
	ms=$(($(date +%s%3N) - t0))
	# How late, for the record: never, while the storm lasts, was the
	# answer before the deadline existed.
	if [ $RET -ne 0 ]; then
		busywait 10000 as_follows "$ns_as" 2001:db8:a5:2::/64 &&
			log_info "it followed after $(($(date +%s%3N) - t0)) ms" ||
			log_info "it had not followed after $(($(date +%s%3N) - t0)) ms"
	fi
	kill -0 "$BG_PID" 2>/dev/null
	check_err $? "the address storm on d1 was not running"
	log_test "auto storm: with d1's addresses changing all the time, the mapping follows ge0 to 2001:db8:a5:2::/64 (${ms} ms, at most $AS_FOLLOW_MS)"

	bg_stop "$BG_PID"
	cleanup_ns "$ns_as"
}

genl_reserved()
{
	local ns_gr out

	RET=0
	setup_ns ns_gr || { check_err 1 "setup_ns failed"; log_test "genl reserved: setup"; return; }
	ip -n "$ns_gr" link add d0 type dummy &&
	ip -n "$ns_gr" link set d0 up &&
	ip netns exec "$ns_gr" "$NPTCTL" add fd00:b5::/64 2001:db8:b5::/64 dev d0 ndproxy off
	check_err $? "setup: nptctl add failed"
	out=$(ip netns exec "$ns_gr" "$NPTCTL" -j show 2>&1)
	echo "$out" | jq -e 'length == 1' >/dev/null 2>&1
	check_err $? "nptctl show: $out"
	log_test "genl reserved: nptctl add and show work (nptctl sends reserved 0)"

	# One dump and one doit each way; the flush would empty the table.
	local c r d
	while read -r c r d; do
		RET=0
		out=$(ip netns exec "$ns_gr" "$PYTHON" "$NL_REQ" genl $c $r $d 2>&1 </dev/null)
		if [ "$r" = 0 ]; then
			check_err $? "want success, got: $out"
			log_test "genl reserved: ${d:-do} $c with reserved 0 is acked"
			continue
		fi
		[ "$(echo "$out" | tail -n 1)" = EINVAL ]
		check_err $? "want EINVAL, got: ${out:-success}"
		log_test "genl reserved: ${d:-do} $c with reserved $r is refused with EINVAL"
	done <<-EOT
		get 0 dump
		get 0x1 dump
		get 0x8000 dump
		flush 0xffff
	EOT

	RET=0
	out=$(ip netns exec "$ns_gr" "$NPTCTL" -j show 2>&1)
	echo "$out" | jq -e 'length == 1' >/dev/null 2>&1
	check_err $? "after the refused flush: $out"
	out=$(ip netns exec "$ns_gr" "$PYTHON" "$NL_REQ" genl flush 0 2>&1)
	check_err $? "flush with reserved 0: $out"
	out=$(ip netns exec "$ns_gr" "$NPTCTL" -j show 2>&1)
	[ "$out" = "[]" ]
	check_err $? "after the flush with reserved 0: $out"
	log_test "genl reserved: the refused flush left the mapping; with reserved 0 it empties the table"

	cleanup_ns "$ns_gr"
}

require_cmd ip jq
npt6_run_tests "$@"
