#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Netlink fuzzing: nl_fuzz.py sends NPT6_FUZZ_COUNT (default 100000)
# random, mutated and well-formed messages to the npt6 genetlink family
# and the npt6tnl link kind, in a namespace with a dummy device, and
# checks that the state the kernel dumps afterwards is exactly what it
# acknowledged.  The guest run fails on any kernel warning on top.
# NPT6_FUZZ_SEED picks the sequence (default: random, and printed, so
# that a failure can be replayed).
#
#   selftests/qemu/vm.sh selftests/net/test_fuzz.sh
#
# Exit status: 0 all passed, 1 something failed, 4 a needed tool is missing.

ALL_TESTS="
	mode_attr
	netlink
"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

COUNT=${NPT6_FUZZ_COUNT:-100000}
SEED=${NPT6_FUZZ_SEED:-$RANDOM$RANDOM}
# Seconds the fuzzer may take: 100 000 messages take about 5 minutes on
# Debian's kernel under TCG, and three times that under KASAN.
FUZZ_TIMEOUT=${NPT6_FUZZ_TIMEOUT:-1800}

# NPT6_A_MODE (issue 20) taken apart by hand: one request for each way
# of getting it wrong, each refused with EINVAL and an extack message;
# for the policy's own refusals the extack also points at the attribute.
mode_attr()
{
	local p out want name payload nested req

	RET=0
	if ! setup_ns fm || ! ip -n "$fm" link add d0 type dummy ||
	   ! ip -n "$fm" link set d0 up; then
		check_err 1 "setup failed"
		log_test "NPT6_A_MODE: setup"
		return
	fi
	# name:payload(hex):nested:request
	for p in "out of range (2):02::add" "out of range (255):ff::add" \
		 "empty::1:add" "u16:0100::add" "u32:01000000::add" \
		 "nested flag set:01:1:add" "empty:::add"; do
		IFS=: read -r name payload nested req <<<"$p"
		out=$(ip netns exec "$fm" "$PYTHON" "$NET_DIR/keepiid.py" nl mode-raw \
			--dev d0 --int fd00:77::/64 --ext 2001:db8:77::/64 \
			--payload "$payload" ${nested:+--nested} --req "$req" 2>&1)
		# Out of range is ERANGE (NLA_POLICY_MAX), the rest EINVAL.
		echo "$out" | jq -e '(.errno == "EINVAL" or .errno == "ERANGE") and
			(.msg | length) > 0 and .names_mode' >/dev/null 2>&1
		check_err $? "$name (payload '$payload'${nested:+, NLA_F_NESTED}): $out"
	done
	log_test "NPT6_A_MODE: out of range (ERANGE), empty, u16, u32 and nested (EINVAL) refused with an extack pointing at it"
	ip netns exec "$fm" "$PYTHON" "$NET_DIR/keepiid.py" nl mode-raw --dev d0 \
		--int fd00:77::/64 --ext 2001:db8:77::/64 --payload 02 2>&1 |
		jq -r '.msg' | sed 's/^/extack: /' | log_indent

	RET=0
	out=$(ip netns exec "$fm" "$PYTHON" "$NET_DIR/keepiid.py" nl mode-raw \
		--dev d0 --int fd00:77::/64 --ext 2001:db8:77::/64 --payload 01 2>&1)
	want=$(ip netns exec "$fm" "$PYTHON" "$NET_DIR/keepiid.py" nl stats --dev d0 2>&1)
	echo "$out" | jq -e '.errno == 0' >/dev/null 2>&1
	check_err $? "mode 1 (keep-iid): $out"
	echo "$want" | jq -e 'length == 1 and .[0].mode == 1' >/dev/null 2>&1
	check_err $? "dump after ADD mode 1: $want"
	for req in del get; do
		out=$(ip netns exec "$fm" "$PYTHON" "$NET_DIR/keepiid.py" nl mode-raw \
			--dev d0 --int fd00:77::/64 --payload 01 --req $req 2>&1)
		echo "$out" | jq -e '.errno == "EINVAL" and (.msg | length) > 0' \
			>/dev/null 2>&1
		check_err $? "$req with NPT6_A_MODE: $out"
	done
	want=$(ip netns exec "$fm" "$PYTHON" "$NET_DIR/keepiid.py" nl stats --dev d0 2>&1)
	echo "$want" | jq -e 'length == 1 and .[0].mode == 1' >/dev/null 2>&1
	check_err $? "the mapping changed: $want"
	log_test "NPT6_A_MODE: 1 is acked and dumped back; with DEL or GET it is refused with an extack, the mapping untouched"
	cleanup_ns "$fm"
}

netlink()
{
	local out rc

	RET=0
	if ! setup_ns fz || ! ip -n "$fz" link add d0 type dummy ||
	   ! ip -n "$fz" link set d0 up; then
		check_err 1 "setup failed"
		log_test "netlink fuzz: setup"
		return
	fi
	out=$(ip netns exec "$fz" timeout "$FUZZ_TIMEOUT" "$PYTHON" "$NET_DIR/nl_fuzz.py" \
		d0 "$COUNT" "$SEED" 2>&1)
	rc=$?
	check_err $rc "nl_fuzz.py exited $rc: $(echo "$out" | tail -n 5)"
	echo "$out" | tail -n 1 | jq -e '.problems == [] and .messages > 0' >/dev/null 2>&1
	check_err $? "problems: $(echo "$out" | tail -n 1)"
	log_test "netlink fuzz: $COUNT messages (seed $SEED), kernel state matches what it acked"
	echo "$out" | tail -n 1 | log_indent

	# Whatever the fuzzer left behind goes with the namespace, and the
	# module is free again.
	cleanup_ns "$fz"
	busywait 20000 sh -c '[ "$(cat /sys/module/npt6/refcnt)" = 0 ]'
	check_err $? "npt6 refcnt $(cat /sys/module/npt6/refcnt) after the namespace went"
	out=$(rmmod npt6 2>&1)
	check_err $? "rmmod: $out"
	npt6_load
	check_err $? "reload failed"
	log_test "netlink fuzz: namespace deleted, npt6 unloads and reloads"
}

require_cmd ip jq timeout
npt6_run_tests "$@"
