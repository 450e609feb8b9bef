# SPDX-License-Identifier: GPL-2.0
#
# Sourced by run.sh, after the tests before it: the real kernel without the module: valid input fails cleanly at the
# family lookup; "-n NETNS"; "nptctl tunnel" against real rtnetlink in a
# scratch namespace.  And, with NPT6_KO set, the real module in the test
# guest (module.sh).

# ------------------------------------------- the real kernel, no module

# Valid input passes every local check and reaches the family lookup.  If
# the module is installed, the lookup loads it, and these tests mean
# nothing: skip them then.
notloaded()
{
	local desc=$1 rc
	shift

	if [ -d /sys/module/npt6 ]; then
		log_test $ksft_skip "$desc"
		return
	fi
	compare "$desc" 1 "$NOTLOADED" "" -- "${WRAP[@]}" "$NPTCTL" "$@"
	rc=$?
	# The lookup may have loaded it (request_module): that is no failure.
	[ -d /sys/module/npt6 ] && rc=$ksft_skip
	log_test $rc "$desc"
}

notloaded "kernel: add without the module" add fd00::/64 2406::/64 dev lo
notloaded "kernel: Starlink example without the module" \
	add fdce:b680:5c56:5::/64 2406:2d40:3084:e000::/64 dev lo
notloaded "kernel: del without the module" delete fd00::/64 dev lo
notloaded "kernel: show without the module" -j -s show
notloaded "kernel: flush without the module" flush dev lo
notloaded "kernel: add keep-iid without the module" \
	add fd00::/64 2406::/64 dev lo mode keep-iid
notloaded "kernel: change to rfc6296 without the module" \
	change fd00::/64 2406::/64 mode rfc6296 dev lo
notloaded "kernel: add auto without the module" \
	add fd00:192:168:1::/64 auto token ::feed dev lo ndproxy all
notloaded "kernel: monitor without the module" -j monitor

# ---------------------------------------------------------------- netns

netns_tests()
{
	local dev=npt6t0 kind

	if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
		log_test $ksft_skip "netns: -n resolves devices in the namespace"
		log_test $ksft_skip "netns: -n -b FILE resolves devices in the namespace"
		log_test $ksft_skip "netns: device of another namespace is unknown"
		return
	fi
	NETNS="nptctl-test-$$-$RANDOM"
	if ! ip netns add "$NETNS" 2>/dev/null; then
		NETNS=""
		log_test $ksft_skip "netns: -n resolves devices in the namespace"
		log_test $ksft_skip "netns: -n -b FILE resolves devices in the namespace"
		log_test $ksft_skip "netns: device of another namespace is unknown"
		return
	fi
	# Any device kind will do; kernels differ in which they have.
	for kind in dummy ifb "veth peer name npt6t1"; do
		# shellcheck disable=SC2086
		ip -n "$NETNS" link add "$dev" type $kind 2>/dev/null && break
	done
	if ! ip -n "$NETNS" link show "$dev" >/dev/null 2>&1 ||
	   ip link show "$dev" >/dev/null 2>&1 || [ -d /sys/module/npt6 ]; then
		log_test $ksft_skip "netns: -n resolves devices in the namespace"
		log_test $ksft_skip "netns: -n -b FILE resolves devices in the namespace"
	else
		expect "netns: -n resolves devices in the namespace" 1 \
			"$NOTLOADED" "" -- "${WRAP[@]}" "$NPTCTL" -n "$NETNS" \
			add fd00::/64 2406::/64 dev "$dev"
		# The file's devices too: parsed there, then the lookup fails.
		printf 'flush\nadd fd00::/64 2406::/64 dev %s\n' "$dev" >"$TMP/ns.conf"
		expect "netns: -n -b FILE resolves devices in the namespace" 1 \
			"$NOTLOADED" "" -- "${WRAP[@]}" "$NPTCTL" -n "$NETNS" \
			-b "$TMP/ns.conf"
	fi
	if ip link show "$dev" >/dev/null 2>&1; then
		log_test $ksft_skip "netns: device of another namespace is unknown"
	else
		bad "netns: device of another namespace is unknown" \
			"Error: unknown device \"$dev\"" add fd00::/64 2406::/64 dev "$dev"
	fi
	ip netns del "$NETNS"
	NETNS=""
}
netns_tests

# ------------------------------------------------ tunnels, the real kernel

# rtnetlink without the module, in a scratch namespace so that not even a
# mistake could touch the host's links: lookups by name, a dump that the
# kernel cannot filter by a kind it does not know, and its answer to that
# kind in RTM_NEWLINK.
tunnel_kernel_tests()
{
	local dev=nptd0 kind before after t
	local -a tests=(
		"kernel: tunnel show lists no other kind of link"
		"kernel: -j tunnel show prints []"
		"kernel: bare tunnel lists no other kind of link"
		"kernel: tunnel del of lo refused"
		"kernel: tunnel show of lo refused"
		"kernel: tunnel change of lo refused"
		"kernel: tunnel del of another kind refused"
		"kernel: tunnel del of an unknown device"
		"kernel: tunnel show of an impossible name"
		"kernel: tunnel add without the module"
		"kernel: tunnel commands changed no link"
	)

	if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
		for t in "${tests[@]}"; do log_test $ksft_skip "$t"; done
		return
	fi
	NETNS="nptctl-tnl-$$-$RANDOM"
	if ! ip netns add "$NETNS" 2>/dev/null; then
		NETNS=""
		for t in "${tests[@]}"; do log_test $ksft_skip "$t"; done
		return
	fi
	for kind in dummy ifb "veth peer name nptd1"; do
		# shellcheck disable=SC2086
		ip -n "$NETNS" link add "$dev" type $kind 2>/dev/null && break
	done
	before=$(ip -n "$NETNS" -o link show 2>&1 | sed 's/ link\/.*//')

	local -a N=("${WRAP[@]}" "$NPTCTL" -n "$NETNS")
	expect "${tests[0]}" 0 "" "" -- "${N[@]}" tunnel show
	expect "${tests[1]}" 0 "" "[]" -- "${N[@]}" -j -s tunnel show
	expect "${tests[2]}" 0 "" "" -- "${N[@]}" tunnel
	expect "${tests[3]}" 1 'Error: "lo" is not an npt6 tunnel' "" -- \
		"${N[@]}" tunnel del lo
	expect "${tests[4]}" 1 'Error: "lo" is not an npt6 tunnel' "" -- \
		"${N[@]}" -j tunnel show lo
	expect "${tests[5]}" 1 'Error: "lo" is not an npt6 tunnel' "" -- \
		"${N[@]}" tunnel change lo mtu 1400 encaplimit 4
	if ip -n "$NETNS" link show "$dev" >/dev/null 2>&1; then
		expect "${tests[6]}" 1 "Error: \"$dev\" is not an npt6 tunnel" "" -- \
			"${N[@]}" tunnel del "$dev"
	else
		log_test $ksft_skip "${tests[6]}"
	fi
	expect "${tests[7]}" 1 'Error: unknown device "nosuch0"' "" -- \
		"${N[@]}" tunnel delete nosuch0
	expect "${tests[8]}" 1 'Error: unknown device "abcdefghijklmnop"' "" -- \
		"${N[@]}" tunnel show abcdefghijklmnop
	# The device exists in the namespace only: -n resolves it there.
	if [ -d /sys/module/npt6 ] ||
	   ! ip -n "$NETNS" link show "$dev" >/dev/null 2>&1; then
		log_test $ksft_skip "${tests[9]}"
	else
		compare "${tests[9]}" 1 "$NOTLOADED" "" -- "${N[@]}" \
			tunnel add sit1 remote 2404:8e00::feed:140 local auto \
			token ::feed dev "$dev"
		rc=$?
		[ -d /sys/module/npt6 ] && rc=$ksft_skip
		log_test $rc "${tests[9]}"
	fi
	after=$(ip -n "$NETNS" -o link show 2>&1 | sed 's/ link\/.*//')
	[ "$before" = "$after" ] && [ -n "$before" ]
	log_test $? "${tests[10]}"

	ip netns del "$NETNS"
	NETNS=""
}
tunnel_kernel_tests

# ------------------------------------------ the real module, in a guest

# The build host cannot load modules, so module.sh runs in the test guest
# (selftests/qemu/vm.sh) with the module NPT6_KO names; without NPT6_KO
# this is skipped.  The guest's TEST lines are ours.
module_tests()
{
	local desc="module: nptctl against npt6 in the test guest" ko rc

	# The vm suite runs module.sh with the installed module anyway
	# (selftests/net/test_nptctl.sh); here only on request.
	if [ -z "${NPT6_KO:-}" ]; then
		echo "# $desc: in the vm suite (test_nptctl), or set NPT6_KO=path/npt6.ko"
		return
	fi
	if ! ko=$(realpath -e -- "$NPT6_KO" 2>/dev/null); then
		echo "    no such module: $NPT6_KO" >&2
		log_test 1 "$desc"
		return
	fi
	if [ "$(id -u)" -ne 0 ] || ! command -v qemu-system-x86_64 >/dev/null; then
		log_test $ksft_skip "$desc (needs root and qemu-system-x86_64)"
		return
	fi
	NPT6_KO=$ko "$REPO/selftests/qemu/vm.sh" --timeout 900 "$HERE/module.sh" \
		>"$TMP/vm.log" 2>&1 </dev/null
	rc=$?
	tr -d '\r' <"$TMP/vm.log" >"$TMP/vm.out"
	grep '^TEST: ' "$TMP/vm.out"
	if grep -q '^TEST: .*\[FAIL\]$' "$TMP/vm.out"; then
		EXIT_STATUS=1
	elif [ $rc -ne 0 ]; then
		log_test 1 "$desc (vm.sh exited $rc)"
	fi
	# Whatever went wrong, the guest's console says more.
	[ $rc -eq 0 ] || grep -v '^TEST: ' "$TMP/vm.out" | tail -n 40 |
		sed 's/^/    /' >&2
}
module_tests
