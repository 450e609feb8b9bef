#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Userspace tests of nptctl.  None but the last needs the npt6 module:
#
#   1. test_parse: unit tests of prefix parsing, keyword matching, tunnel
#      setting values and output formatting (tools/nptctl/parse.c,
#      print.c and json.c).
#   2. The built nptctl on bad input: exact exit status and exact
#      "Error: ..." line for every mistake caught before netlink, for the
#      mappings and for "nptctl tunnel".
#   3. The same binary against the real kernel without the module: valid
#      input gets as far as the family lookup and fails there, cleanly;
#      "nptctl tunnel" in a scratch namespace (needs root) meets real
#      rtnetlink: lookups, a dump of links of other kinds only, and the
#      kernel's answer to a link kind it does not know.
#   4. "-n NETNS" against a scratch namespace (needs root), and the bash
#      completion in tools/completion.
#   5. A test build of nptctl (-DNPTCTL_TEST_HOOKS) against fake_npt6, a
#      userspace stand-in for the kernel family: the bytes it sends, and
#      how it prints replies, errors, extended acks, dumps and the events
#      the fake multicasts to "nptctl monitor"; and against fake_rtnl, one
#      for rtnetlink's links: the attributes "nptctl tunnel" sends, and how
#      it decodes and prints what comes back (needs CAP_NET_ADMIN).
#   6. With NPT6_KO=path/npt6.ko, and as root: module.sh in the test guest
#      (selftests/qemu/vm.sh, about a minute), nptctl against that module:
#      the mode it takes and reports, counters kept across a change,
#      events, a batch.  Skipped without NPT6_KO.
#
# Nothing here creates, changes or deletes a link of the host.
#
# This file builds what the tests need and holds the helpers they share;
# the tests themselves are in files by subject, sourced in this order:
# cli.sh (2), kernel.sh (3, 4, 6), completion.sh (4), fake_map.sh and
# fake_tunnel.sh (5), batch.sh (batch mode against both fakes) and json.sh
# (every -j output against tools/schema).
#
# Each result is one "TEST: ... [ OK ]" / "[FAIL]" / "[SKIP]" line on
# stdout, kernel-selftest style; details of failures go to stderr.  Exits 1
# if any test failed.
#
#   NPTCTL_VALGRIND=1 selftests/nptctl/run.sh   every nptctl run under memcheck
#   NPT6_KO=$PWD/kmod/npt6.ko selftests/nptctl/run.sh   and the module in a guest

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
TOOL="$REPO/tools/nptctl"
NPTCTL="$TOOL/nptctl"

ksft_skip=4
EXIT_STATUS=0
TMP=$(mktemp -d)
NETNS=""
FAKE_PID=""
BATCH_PIDS=()

cleanup()
{
	local p

	if [ -n "$FAKE_PID" ]; then
		kill "$FAKE_PID" 2>/dev/null
		wait "$FAKE_PID" 2>/dev/null
	fi
	for p in "${BATCH_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ -n "$NETNS" ] && ip netns del "$NETNS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

log_test()
{
	local rc=$1 msg=$2

	if [ "$rc" -eq "$ksft_skip" ]; then
		printf "TEST: %-60s  [SKIP]\n" "$msg"
	elif [ "$rc" -eq 0 ]; then
		printf "TEST: %-60s  [ OK ]\n" "$msg"
	else
		printf "TEST: %-60s  [FAIL]\n" "$msg"
		EXIT_STATUS=1
	fi
}

WRAP=()
if [ "${NPTCTL_VALGRIND:-0}" = 1 ]; then
	command -v valgrind >/dev/null || { echo "valgrind not found" >&2; exit 1; }
	# Errors and leaks turn into exit status 99, which no test expects.
	WRAP=(valgrind -q --error-exitcode=99 --leak-check=full
	      --log-file="$TMP/valgrind.%p")
fi

# ---------------------------------------------------------------- builds

VERSION=$(sed -n 's/^#define NPT6_VERSION "\(.*\)"$/\1/p' "$REPO/kmod/version.h")

make -C "$TOOL" >"$TMP/build.log" 2>&1
rc=$?
[ $rc -ne 0 ] && cat "$TMP/build.log" >&2
log_test $rc "build nptctl (-Wall -Wextra -Werror)"
[ $rc -ne 0 ] && exit 1

MNL_CFLAGS=$(pkg-config --cflags libmnl)
MNL_LIBS=$(pkg-config --libs libmnl)
CFLAGS=(-std=gnu11 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE -I"$REPO/uapi")

cc "${CFLAGS[@]}" -I"$TOOL" -o "$HERE/test_parse" "$HERE/test_parse.c" \
	"$TOOL/parse.c" "$TOOL/print.c" "$TOOL/json.c" >"$TMP/build.log" 2>&1
rc=$?
[ $rc -ne 0 ] && cat "$TMP/build.log" >&2
log_test $rc "build test_parse"

# ------------------------------------------------------------ unit tests

if [ $rc -eq 0 ]; then
	"${WRAP[@]}" "$HERE/test_parse" || EXIT_STATUS=1
fi

# -------------------------------------------------------------- CLI tests

# Compare exit status RC and the output in $TMP/out and $TMP/err with what
# is wanted.  An empty want means no output at all; otherwise the output
# is want plus "\n".  Returns 1 and explains on stderr if anything differs.
#   check_output DESC RC WANT_RC WANT_STDERR WANT_STDOUT
check_output()
{
	local desc=$1 rc=$2 want_rc=$3 want_err=$4 want_out=$5 fail=0

	if [ -n "$want_err" ]; then printf '%s\n' "$want_err"; fi >"$TMP/want_err"
	if [ -n "$want_out" ]; then printf '%s\n' "$want_out"; fi >"$TMP/want_out"

	if [ "$rc" -ne "$want_rc" ]; then
		echo "    $desc: exit status $rc, want $want_rc" >&2
		fail=1
	fi
	if ! cmp -s "$TMP/err" "$TMP/want_err"; then
		echo "    $desc: stderr differs (-want +got):" >&2
		diff "$TMP/want_err" "$TMP/err" | sed 's/^/    /' >&2
		fail=1
	fi
	if ! cmp -s "$TMP/out" "$TMP/want_out"; then
		echo "    $desc: stdout differs (-want +got):" >&2
		diff "$TMP/want_out" "$TMP/out" | sed 's/^/    /' >&2
		fail=1
	fi
	return $fail
}

# Run "$@" and check_output() what it did.
#   compare DESC RC STDERR STDOUT -- CMD...
compare()
{
	local desc=$1 want_rc=$2 want_err=$3 want_out=$4 rc
	shift 5

	"$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
	check_output "$desc" "$rc" "$want_rc" "$want_err" "$want_out"
}

# The same, as one test.
expect()
{
	compare "$@"
	log_test $? "$1"
}

# nptctl ARGS... must fail with exit status 1 and exactly this error line.
bad()
{
	local desc=$1 err=$2
	shift 2

	expect "$desc" 1 "$err" "" -- "${WRAP[@]}" "$NPTCTL" "$@"
}

NODEV=nptctl-nodev0
while ip link show "$NODEV" >/dev/null 2>&1; do NODEV="${NODEV}x"; done
NONS="nptctl-no-such-netns-$$"
LONGDEV=abcdefghijklmnopqrstuvwxyz
NOTLOADED='Error: npt6 kernel module is not loaded (try: modprobe npt6)'

# ------------------------------------------------------------ by subject

# In this order: each file may use what the ones before it built (the
# fake tests build the test nptctl and the fakes that batch.sh and
# json.sh use).
for subject in cli kernel completion fake_map fake_tunnel batch json; do
	. "$HERE/$subject.sh"
done

if [ "${NPTCTL_VALGRIND:-0}" = 1 ]; then
	cat "$TMP"/valgrind.* 2>/dev/null | grep . >&2
	! cat "$TMP"/valgrind.* 2>/dev/null | grep -q .
	log_test $? "valgrind: no errors or leaks reported"
fi

exit $EXIT_STATUS
