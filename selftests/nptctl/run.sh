#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Userspace tests of nptctl.  None of them needs the npt6 module:
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
#
# Nothing here creates, changes or deletes a link of the host.
#
# Each result is one "TEST: ... [ OK ]" / "[FAIL]" / "[SKIP]" line on
# stdout, kernel-selftest style; details of failures go to stderr.  Exits 1
# if any test failed.
#
#   NPTCTL_VALGRIND=1 selftests/nptctl/run.sh   every nptctl run under memcheck

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

# Help and version.
"${WRAP[@]}" "$NPTCTL" -h >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 0 ] && [ ! -s "$TMP/err" ] &&
	head -n1 "$TMP/out" | grep -qx 'Usage: nptctl \[OPTIONS\] COMMAND \[ARGS\]' &&
	grep -qx '  add INT_PFX EXT_PFX|auto \[token IID\] dev DEV \[ndproxy auto|all|off\]' "$TMP/out" &&
	grep -q '^  monitor  *print mapping events until interrupted$' "$TMP/out"
log_test $? "cli: -h prints usage and exits 0"

"${WRAP[@]}" "$NPTCTL" help >"$TMP/out2" 2>"$TMP/err"
[ $? -eq 0 ] && [ ! -s "$TMP/err" ] && cmp -s "$TMP/out" "$TMP/out2"
log_test $? "cli: help is -h"

"${WRAP[@]}" "$NPTCTL" --help >"$TMP/out2" 2>"$TMP/err"
[ $? -eq 0 ] && cmp -s "$TMP/out" "$TMP/out2"
log_test $? "cli: --help is -h"

"${WRAP[@]}" "$NPTCTL" -V >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 0 ] && [ -n "$VERSION" ] &&
	[ "$(head -n1 "$TMP/out")" = "nptctl $VERSION" ]
log_test $? "cli: -V prints nptctl $VERSION from kmod/version.h"

if [ -r /sys/module/npt6/version ]; then
	log_test $ksft_skip "cli: -V without the module prints one line"
else
	expect "cli: -V without the module prints one line" 0 "" \
		"nptctl $VERSION" -- "${WRAP[@]}" "$NPTCTL" -V
fi

expect "cli: add help" 0 "" \
	"Usage: nptctl [OPTIONS] add INT_PFX EXT_PFX|auto [token IID] dev DEV [ndproxy auto|all|off]" -- \
	"${WRAP[@]}" "$NPTCTL" add help
expect "cli: monitor help" 0 "" "Usage: nptctl [OPTIONS] monitor" -- \
	"${WRAP[@]}" "$NPTCTL" monitor help

# Global options and commands.
bad "cli: no command" 'Error: missing command (try "nptctl help")'
bad "cli: only options" 'Error: missing command (try "nptctl help")' -j -s
bad "cli: unknown command" 'Error: unknown command "bogus" (try "nptctl help")' bogus
bad "cli: unknown option" 'Error: unknown option "-x" (try "nptctl -h")' -x show
bad "cli: lone dash" 'Error: unknown option "-" (try "nptctl -h")' - show
bad "cli: -n without NETNS" 'Error: missing "NETNS" after "-n"' -n
bad "cli: unknown netns" "Error: unknown netns \"$NONS\"" -n "$NONS" show
bad "cli: netns name with a slash" 'Error: invalid netns name "../x"' -n ../x show
bad "cli: help takes no argument" 'Error: unknown argument "bar"' help bar

# add: arguments.
bad "add: nothing" 'Error: missing "INT_PFX"' add
bad "add: no internal prefix" 'Error: missing "INT_PFX"' add dev lo
bad "add: no external prefix" 'Error: missing "EXT_PFX"' add fd00::/64 dev lo
bad "add: no dev" 'Error: missing "dev DEV"' add fd00::/64 2406::/64
bad "add: dev without name" 'Error: missing device name after "dev"' \
	add fd00::/64 2406::/64 dev
bad "add: dev twice" 'Error: duplicate "dev"' add fd00::/64 2406::/64 dev lo dev lo
bad "add: extra argument at the end" 'Error: unknown argument "bar"' \
	add fd00::/64 2406::/64 dev lo bar
bad "add: extra argument before dev" 'Error: unknown argument "bar"' \
	add fd00::/64 2406::/64 bar dev lo

# add: prefixes.
bad "add: malformed internal prefix" 'Error: invalid prefix "fd00::zz/64"' \
	add fd00::zz/64 2406::/64 dev lo
bad "add: malformed external prefix" 'Error: invalid prefix "2406::zz/64"' \
	add fd00::/64 2406::zz/64 dev lo
bad "add: IPv4 prefix" 'Error: invalid prefix "10.0.0.0/8"' \
	add 10.0.0.0/8 2406::/64 dev lo
bad "add: prefix with a space" 'Error: invalid prefix " fd00::/64"' \
	add " fd00::/64" 2406::/64 dev lo
bad "add: control character shown as ?" 'Error: invalid prefix "fd00::?/64"' \
	add $'fd00::\n/64' 2406::/64 dev lo
bad "add: missing length" \
	'Error: missing length in prefix "fd00::" (expected ADDR/LEN, LEN 1..64)' \
	add fd00:: 2406::/64 dev lo
bad "add: length /0" \
	'Error: invalid length in prefix "fd00::/0" (expected 1..64)' \
	add fd00::/0 2406::/0 dev lo
bad "add: length /129" \
	'Error: invalid length in prefix "fd00::/129" (expected 1..64)' \
	add fd00::/129 2406::/129 dev lo
bad "add: length /65 unsupported" \
	'Error: prefix "fd00::/65" is too long: prefixes longer than /64 are unsupported' \
	add fd00::/65 2406::/65 dev lo
bad "add: length /128 unsupported" \
	'Error: prefix "fd00::/128" is too long: prefixes longer than /64 are unsupported' \
	add fd00::/128 2406::/128 dev lo
bad "add: external /96 unsupported" \
	'Error: prefix "2406::/96" is too long: prefixes longer than /64 are unsupported' \
	add fd00::/64 2406::/96 dev lo
bad "add: host bits in internal prefix" \
	'Error: prefix "fd00::1/64" has host bits set (did you mean fd00::/64?)' \
	add fd00::1/64 2406::/64 dev lo
bad "add: host bits in external prefix" \
	'Error: prefix "2406:2d40:3084:e000::1/64" has host bits set (did you mean 2406:2d40:3084:e000::/64?)' \
	add fdce:b680:5c56:5::/64 2406:2d40:3084:e000::1/64 dev lo
bad "add: prefix lengths differ" \
	'Error: prefix lengths differ: "fd00::/64" and "2406::/56"' \
	add fd00::/64 2406::/56 dev lo
bad "add: unknown device" "Error: unknown device \"$NODEV\"" \
	add fd00::/64 2406::/64 dev "$NODEV"
bad "add: device name too long" "Error: unknown device \"$LONGDEV\"" \
	add fd00::/64 2406::/64 dev "$LONGDEV"
bad "add: abbreviated keyword, unknown device" "Error: unknown device \"$NODEV\"" \
	a fd00::/64 2406::/64 d "$NODEV"

# add: auto, token, ndproxy.
bad "add: auto needs a /64" 'Error: "auto" needs a /64 internal prefix' \
	add fd00::/48 auto dev lo
bad "add: auto needs a /64, not /56" 'Error: "auto" needs a /64 internal prefix' \
	add fd00:0:0:100::/56 auto token ::feed dev lo
bad "add: auto is no internal prefix" 'Error: invalid prefix "auto"' \
	add auto 2406::/64 dev lo
bad "add: auto is lower case" 'Error: invalid prefix "AUTO"' \
	add fd00::/64 AUTO dev lo
bad "add: bad internal prefix before auto" \
	'Error: prefix "fd00::1/64" has host bits set (did you mean fd00::/64?)' \
	add fd00::1/64 auto dev lo
bad "add: token without auto" 'Error: token "::feed" is only valid with "auto"' \
	add fd00::/64 2406::/64 token ::feed dev lo
bad "add: token not an interface ID" \
	'Error: token "2001::feed" is not an interface ID (first 64 bits must be zero)' \
	add fd00::/64 auto token 2001::feed dev lo
bad "add: token with a length" \
	'Error: invalid token "::feed/64" (expected an interface ID such as ::feed)' \
	add fd00::/64 auto token ::feed/64 dev lo
bad "add: token is a word" \
	'Error: invalid token "feed" (expected an interface ID such as ::feed)' \
	add fd00::/64 auto token feed dev lo
bad "add: zero token" \
	'Error: token "::" is the zero interface ID, which no address has' \
	add fd00::/64 auto token :: dev lo
bad "add: token without value" 'Error: missing interface ID after "token"' \
	add fd00::/64 auto dev lo token
bad "add: token twice" 'Error: duplicate "token"' \
	add fd00::/64 auto token ::feed token ::1 dev lo
bad "add: invalid ndproxy mode" \
	'Error: invalid ndproxy mode "x" (expected auto, all or off)' \
	add fd00::/64 2406::/64 dev lo ndproxy x
bad "add: ndproxy mode not abbreviated" \
	'Error: invalid ndproxy mode "al" (expected auto, all or off)' \
	add fd00::/64 auto dev lo ndproxy al
bad "add: ndproxy enable is SEIL's, not ours" \
	'Error: invalid ndproxy mode "enable" (expected auto, all or off)' \
	add fd00::/64 2406::/64 dev lo ndproxy enable
bad "add: ndproxy without value" 'Error: missing NDP proxy mode after "ndproxy"' \
	add fd00::/64 2406::/64 dev lo ndproxy
bad "add: ndproxy twice" 'Error: duplicate "ndproxy"' \
	add fd00::/64 2406::/64 ndproxy all dev lo ndproxy off
bad "add: auto, unknown device" "Error: unknown device \"$NODEV\"" \
	add fd00:192:168:1::/64 auto token ::feed dev "$NODEV" ndproxy auto
bad "add: abbreviated token and ndproxy, unknown device" \
	"Error: unknown device \"$NODEV\"" \
	add fd00::/64 auto t ::feed n all d "$NODEV"

# del.
bad "del: nothing" 'Error: missing "INT_PFX"' del
bad "del: no dev" 'Error: missing "dev DEV"' del fd00::/64
bad "del: no prefix" 'Error: missing "INT_PFX"' del dev lo
bad "del: external prefix given" 'Error: unknown argument "2406::/64"' \
	del fd00::/64 2406::/64 dev lo
bad "del: malformed prefix" 'Error: invalid prefix "fd00::zz/64"' \
	del fd00::zz/64 dev lo
bad "del: host bits" \
	'Error: prefix "fd00::1/64" has host bits set (did you mean fd00::/64?)' \
	del fd00::1/64 dev lo
bad "delete: length /65 unsupported" \
	'Error: prefix "fd00::/65" is too long: prefixes longer than /64 are unsupported' \
	delete fd00::/65 dev lo
bad "del: unknown device" "Error: unknown device \"$NODEV\"" \
	del fd00::/64 dev "$NODEV"
bad "del: no token" 'Error: unknown argument "token"' \
	del fd00::/64 token ::feed dev lo
bad "del: no ndproxy" 'Error: unknown argument "ndproxy"' \
	del fd00::/64 dev lo ndproxy all

# show, flush.
bad "show: unknown argument" 'Error: unknown argument "bar"' show bar
bad "show: dev without name" 'Error: missing device name after "dev"' show dev
bad "show: unknown device" "Error: unknown device \"$NODEV\"" show dev "$NODEV"
bad "list: unknown device" "Error: unknown device \"$NODEV\"" list dev "$NODEV"
bad "ls: unknown argument" 'Error: unknown argument "bar"' -j ls bar
bad "flush: unknown argument" 'Error: unknown argument "bar"' flush bar
bad "flush: unknown device" "Error: unknown device \"$NODEV\"" flush dev "$NODEV"
bad "show: no ndproxy" 'Error: unknown argument "ndproxy"' show ndproxy all

# monitor.
bad "monitor: unknown argument" 'Error: unknown argument "bar"' monitor bar
bad "monitor: no dev" 'Error: unknown argument "dev"' monitor dev lo

# tunnel: commands and help.
TADD="Usage: nptctl [OPTIONS] tunnel add NAME remote ADDR local ADDR|auto [token IID] dev DEV [mtu N] [mss auto|N|off] [hoplimit N] [tclass inherit|N] [flowlabel inherit|N] [encaplimit none|N]"
"${WRAP[@]}" "$NPTCTL" -h >"$TMP/out" 2>"$TMP/err"
[ $? -eq 0 ] && grep -q '^  tunnel add|change|del|show \.\.\.$' "$TMP/out"
log_test $? "cli: -h lists tunnel"
"${WRAP[@]}" "$NPTCTL" tunnel help >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 0 ] && [ ! -s "$TMP/err" ] && [ "$(head -n1 "$TMP/out")" = "$TADD" ] &&
	grep -qx '       nptctl \[OPTIONS\] tunnel del NAME' "$TMP/out" &&
	grep -qx '       nptctl \[OPTIONS\] tunnel show \[NAME\]' "$TMP/out" &&
	grep -q '^       nptctl \[OPTIONS\] tunnel change NAME \[remote ADDR\] .*\[token IID|none\]' "$TMP/out"
log_test $? "tunnel: help lists add, change, del, show"
"${WRAP[@]}" "$NPTCTL" t h >"$TMP/out2" 2>"$TMP/err"
[ $? -eq 0 ] && cmp -s "$TMP/out" "$TMP/out2"
log_test $? "tunnel: abbreviated help"
expect "tunnel: add help" 0 "" "$TADD" -- "${WRAP[@]}" "$NPTCTL" tunnel add help
expect "tunnel: help after a name" 0 "" "$TADD" -- \
	"${WRAP[@]}" "$NPTCTL" tunnel a t0 remote 2001:db8::1 help
expect "tunnel: del help" 0 "" "Usage: nptctl [OPTIONS] tunnel del NAME" -- \
	"${WRAP[@]}" "$NPTCTL" tunnel delete help
expect "tunnel: ls help" 0 "" "Usage: nptctl [OPTIONS] tunnel show [NAME]" -- \
	"${WRAP[@]}" "$NPTCTL" tunnel ls help
bad "tunnel: unknown command" \
	'Error: unknown tunnel command "bogus" (try "nptctl tunnel help")' tunnel bogus
bad "tunnel: help takes no argument" 'Error: unknown argument "x"' tunnel help x

# tunnel add: what is missing.
R=2404:8e00::feed:140
bad "tunnel add: nothing" 'Error: missing "NAME"' tunnel add
bad "tunnel add: a keyword is no name" 'Error: missing "NAME"' \
	tunnel add remote $R local auto dev lo
bad "tunnel add: no remote" 'Error: missing "remote ADDR"' tunnel add t0
bad "tunnel add: no local" 'Error: missing "local ADDR|auto"' \
	tunnel add t0 remote $R dev lo
bad "tunnel add: no dev" 'Error: missing "dev DEV"' \
	tunnel add t0 remote $R local auto token ::feed
bad "tunnel add: remote without value" 'Error: missing address after "remote"' \
	tunnel add t0 remote
bad "tunnel add: local without value" \
	'Error: missing address or "auto" after "local"' tunnel add t0 remote $R local
bad "tunnel add: mtu without value" 'Error: missing MTU after "mtu"' \
	tunnel add t0 remote $R local auto dev lo mtu
bad "tunnel add: encaplimit without value" \
	'Error: missing encapsulation limit after "encaplimit"' \
	tunnel add t0 remote $R local auto dev lo encaplimit
bad "tunnel add: remote twice" 'Error: duplicate "remote"' \
	tunnel add t0 remote $R local auto remote $R dev lo
bad "tunnel add: mss twice, abbreviated" 'Error: duplicate "ms"' \
	tunnel add t0 remote $R local auto dev lo mss off ms auto
bad "tunnel add: unknown argument" 'Error: unknown argument "bar"' \
	tunnel add t0 remote $R local auto dev lo bar
bad "tunnel add: ambiguous t (token, tclass)" 'Error: ambiguous argument "t"' \
	tunnel add t0 remote $R local auto t ::feed dev lo
bad "tunnel add: ambiguous m (mtu, mss)" 'Error: ambiguous argument "m"' \
	tunnel add t0 remote $R local auto dev lo m 1400

# tunnel add: names and addresses.
bad "tunnel add: name too long" \
	'Error: invalid tunnel name "abcdefghijklmnop" (1 to 15 characters, no "/", ":" or spaces)' \
	tunnel add abcdefghijklmnop remote $R local auto dev lo
bad "tunnel add: name with a slash" \
	'Error: invalid tunnel name "a/b" (1 to 15 characters, no "/", ":" or spaces)' \
	tunnel add a/b remote $R local auto dev lo
bad "tunnel add: name with a colon" \
	'Error: invalid tunnel name "t:0" (1 to 15 characters, no "/", ":" or spaces)' \
	tunnel add t:0 remote $R local auto dev lo
bad "tunnel add: name .." \
	'Error: invalid tunnel name ".." (1 to 15 characters, no "/", ":" or spaces)' \
	tunnel add .. remote $R local auto dev lo
bad "tunnel add: invalid remote" 'Error: invalid remote address "x"' \
	tunnel add t0 remote x local auto dev lo
bad "tunnel add: remote with a length" \
	'Error: invalid remote address "2001:db8::1/64"' \
	tunnel add t0 remote 2001:db8::1/64 local auto dev lo
bad "tunnel add: IPv4 remote" 'Error: invalid remote address "192.0.2.1"' \
	tunnel add t0 remote 192.0.2.1 local auto dev lo
bad "tunnel add: multicast remote" \
	'Error: remote address "ff02::1" is not a unicast address' \
	tunnel add t0 remote ff02::1 local auto dev lo
bad "tunnel add: remote ::" 'Error: remote address "::" is not a unicast address' \
	tunnel add t0 remote :: local auto dev lo
bad "tunnel add: IPv4-mapped remote" \
	'Error: remote address "::ffff:192.0.2.1" is not a unicast address' \
	tunnel add t0 remote ::ffff:192.0.2.1 local auto dev lo
bad "tunnel add: invalid local" 'Error: invalid local address "x"' \
	tunnel add t0 remote $R local x dev lo
bad "tunnel add: local AUTO is no word" 'Error: invalid local address "AUTO"' \
	tunnel add t0 remote $R local AUTO dev lo
bad "tunnel add: multicast local" \
	'Error: local address "ff02::2" is not a unicast address' \
	tunnel add t0 remote $R local ff02::2 dev lo

# tunnel add: token.
bad "tunnel add: token with a fixed local" 'Error: token needs "local auto"' \
	tunnel add t0 remote $R local 2001:db8::1 token ::feed dev lo
bad "tunnel add: token not an interface ID" \
	'Error: token "2001::feed" is not an interface ID (first 64 bits must be zero)' \
	tunnel add t0 remote $R local auto token 2001::feed dev lo
bad "tunnel add: zero token" \
	'Error: token "::" is the zero interface ID, which no address has' \
	tunnel add t0 remote $R local auto token :: dev lo
bad "tunnel add: token none is for change" \
	'Error: invalid token "none" (expected an interface ID such as ::feed)' \
	tunnel add t0 remote $R local auto token none dev lo
bad "tunnel add: token is a word" \
	'Error: invalid token "feed" (expected an interface ID such as ::feed)' \
	tunnel add t0 remote $R local auto token feed dev lo

# tunnel add: numbers.
badnum()
{
	local what=$1 val=$2 expected=$3

	bad "tunnel add: $what \"$val\"" \
		"Error: invalid $what \"$val\" (expected $expected)" \
		tunnel add t0 remote $R local auto dev lo "$what" "$val"
}
for v in x 67 65488 -1 0x 1e3 " 1460" 70000; do badnum mtu "$v" 68..65487; done
for v in 87 0 65535 x AUTO of 0x10000; do
	badnum mss "$v" "auto, off or 88..65534"
done
for v in 0 256 x -1; do badnum hoplimit "$v" 1..255; done
for v in 256 0x100 inherited -1 ff; do badnum tclass "$v" "inherit or 0..255"; done
for v in 0x100000 1048576 x none; do
	badnum flowlabel "$v" "inherit or 0..0xfffff"
done
for v in 256 0x100 65535 inherit x; do badnum encaplimit "$v" "none or 0..255"; done
bad "tunnel add: abbreviated keyword, value named in full" \
	'Error: invalid encaplimit "9999" (expected none or 0..255)' \
	tunnel add t0 remote $R local auto dev lo e 9999
bad "tunnel add: unknown device" "Error: unknown device \"$NODEV\"" \
	tunnel add t0 remote $R local auto token ::feed dev "$NODEV" mtu 1460 mss auto
bad "tunnel add: abbreviated keywords, unknown device" \
	"Error: unknown device \"$NODEV\"" \
	tu a t0 r $R l auto to ::feed d "$NODEV" mt 1400 ms 1360 ho 64 tc 0x20 f 7 e none
bad "tunnel add: bad value wins over unknown device" \
	'Error: invalid hoplimit "0" (expected 1..255)' \
	tunnel add t0 remote $R local auto dev "$NODEV" hoplimit 0

# tunnel change, del, show: arguments.
bad "tunnel change: nothing" 'Error: missing "NAME"' tunnel change
bad "tunnel change: no settings" \
	'Error: nothing to change (try "nptctl tunnel change help")' tunnel change t0
bad "tunnel change: bad mtu" 'Error: invalid mtu "65536" (expected 68..65487)' \
	tunnel change t0 mtu 65536
bad "tunnel change: token with a fixed local" 'Error: token needs "local auto"' \
	tunnel change t0 local 2001:db8::1 token ::feed
bad "tunnel change: bad remote" 'Error: remote address "ff02::1" is not a unicast address' \
	tunnel change t0 remote ff02::1
bad "tunnel change: unknown device" "Error: unknown device \"$NODEV\"" \
	tunnel change t0 dev "$NODEV"
bad "tunnel del: nothing" 'Error: missing "NAME"' tunnel del
bad "tunnel del: unknown argument" 'Error: unknown argument "extra"' \
	tunnel del t0 extra
bad "tunnel delete: no settings" 'Error: unknown argument "remote"' \
	tunnel delete t0 remote $R
bad "tunnel show: two names" 'Error: unknown argument "b"' tunnel show a b
bad "tunnel ls: no dev" 'Error: unknown argument "lo"' tunnel ls dev lo

# batch: mistakes found before anything is sent, each named by file and line.
B="$TMP/batch.conf"
# batchfile LINES...: write $B, one argument a line.
batchfile() { printf '%s\n' "$@" >"$B"; }
batchfile "# comment" "" "add fd00::/64 2406::/64 dev lo" \
	"add fd00::1/64 2406::/64 dev lo"
bad "batch: error names the file, the line and the word" \
	"Error: $B:4: prefix \"fd00::1/64\" has host bits set (did you mean fd00::/64?)" -b "$B"
batchfile "frob fd00::/64"
bad "batch: unknown command" "Error: $B:1: unknown command \"frob\"" -b "$B"
batchfile "flush" "  sh dev lo"
bad "batch: show is no batch command" \
	"Error: $B:2: command \"sh\" is not allowed in a batch file (only add, del, flush and tunnel add|change|del)" -b "$B"
batchfile "monitor"
bad "batch: monitor is no batch command" \
	"Error: $B:1: command \"monitor\" is not allowed in a batch file (only add, del, flush and tunnel add|change|del)" -b "$B"
batchfile "tunnel show"
bad "batch: tunnel show is no batch command" \
	"Error: $B:1: \"tunnel show\" is not allowed in a batch file (only add, change and del)" -b "$B"
batchfile "add help"
bad "batch: help is refused" "Error: $B:1: \"help\" is not allowed in a batch file" -b "$B"
batchfile "-j add fd00::/64 2406::/64 dev lo"
bad "batch: global options are refused on a line" \
	"Error: $B:1: global option \"-j\" is not allowed in a batch file (give it before -b)" -b "$B"
batchfile "nptctl flush"
bad "batch: a leading nptctl is refused" \
	"Error: $B:1: unexpected \"nptctl\": batch lines are commands without it" -b "$B"
batchfile "flush" "add fd00::/64 2406::/64 dev $NODEV"
bad "batch: unknown device" "Error: $B:2: unknown device \"$NODEV\"" -b "$B"
batchfile "tunnel change t0"
bad "batch: tunnel change without settings" \
	"Error: $B:1: nothing to change (try \"nptctl tunnel change help\")" -b "$B"
batchfile "tunnel del $LONGDEV"
bad "batch: tunnel del of a name no device can have" \
	"Error: $B:1: unknown device \"$LONGDEV\"" -b "$B"
printf 'flush\nadd fd00::/64 2406::/64 dev lo\0 x\n' >"$B"
bad "batch: NUL byte" "Error: $B:2: NUL byte in line" -b "$B"
bad "batch: missing file" "Error: Unable to open \"$TMP/nope\": No such file or directory" \
	-b "$TMP/nope"
bad "batch: -b without FILE" 'Error: missing "FILE" after "-b"' -b
batchfile "flush"
bad "batch: a command after -b FILE" \
	"Error: unexpected \"flush\" after \"-b $B\" (the commands are in the file)" -b "$B" flush
printf '# nothing\n\n   # at all\n' >"$B"
expect "batch: only comments change nothing, successfully" 0 "" "" -- \
	"${WRAP[@]}" "$NPTCTL" -b "$B"
printf 'flush\n  add fd00::/64 2406::/64 dev lo ndproxy on\n' |
	"${WRAP[@]}" "$NPTCTL" -b - >"$TMP/out" 2>"$TMP/err"
check_output "batch: stdin is <stdin> in messages" $? 1 \
	'Error: <stdin>:2: invalid ndproxy mode "on" (expected auto, all or off)' ""
log_test $? "batch: stdin is <stdin> in messages"

# -c: colour.
bad "cli: -color=WHEN" \
	'Error: invalid color "sometimes" in "-color=sometimes" (expected always, auto or never)' \
	-color=sometimes show
bad "cli: only -color takes =" 'Error: unknown option "-json=yes" (try "nptctl -h")' \
	-json=yes show

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

# ------------------------------------------------------------ completion

# What the completion offers for the command line LINE (cursor at its end),
# space-separated, in a clean bash of its own.
complete_line()
{
	COMPLETION="$REPO/tools/completion/nptctl" LINE="$1" bash --norc -c '
		complete() { :; }
		. "$COMPLETION" || exit 1
		COMP_LINE=$LINE
		COMP_POINT=${#LINE}
		_nptctl
		if [ ${#COMPREPLY[@]} -gt 0 ]; then printf "%s\n" "${COMPREPLY[*]}"; fi'
}

# completes DESC LINE WANT
completes()
{
	expect "completion: $1" 0 "" "$3" -- complete_line "$2"
}

completes "commands" "nptctl " "add del delete show list ls flush monitor tunnel help"
completes "monitor takes nothing but help" "nptctl -j monitor " "help"
completes "auto in place of EXT_PFX" "nptctl add fd00::/64 a" "auto"
completes "token only after auto" "nptctl add fd00::/64 auto " "dev token ndproxy"
completes "no token after a prefix" "nptctl add fd00::/64 2406::/64 " "dev ndproxy"
completes "nothing for an IID" "nptctl add fd00::/64 auto token " ""
completes "ndproxy modes" "nptctl add fd00::/64 auto token ::feed dev lo ndproxy " \
	"auto all off"
completes "keywords used up" \
	"nptctl add fd00::/64 auto token ::feed ndproxy all dev lo " ""
completes "devices after dev" "nptctl add fd00::/64 auto dev l" "lo"
completes "del has no ndproxy" "nptctl del fd00::/64 " "dev"
completes "tunnel commands" "nptctl -n x tunnel " \
	"add change del delete show list ls help"
completes "tunnel add: a new name" "nptctl tunnel add " "help"
completes "tunnel add: keywords, no token before local auto" \
	"nptctl tunnel add t0 " "remote local dev mtu mss hoplimit tclass flowlabel encaplimit"
completes "tunnel add: token after local auto" \
	"nptctl tunnel add t0 remote 2404:8e00::feed:140 local auto " \
	"token dev mtu mss hoplimit tclass flowlabel encaplimit"
completes "tunnel add: no token after a fixed local" \
	"nptctl tunnel add t0 local 2001:db8::1 remote 2404:8e00::feed:140 d" "dev"
completes "tunnel add: local auto" "nptctl tunnel add t0 remote ::1 local " "auto"
completes "tunnel add: nothing for an address" "nptctl tunnel add t0 remote " ""
completes "tunnel add: nothing for an IID" "nptctl tunnel add t0 local auto token " ""
completes "tunnel add: mss words" "nptctl tunnel add t0 mss " "auto off"
completes "tunnel add: tclass inherit" "nptctl tunnel add t0 tclass i" "inherit"
completes "tunnel add: flowlabel inherit" "nptctl tunnel add t0 flowlabel " "inherit"
completes "tunnel add: encaplimit none" "nptctl tunnel add t0 encaplimit " "none"
completes "tunnel add: devices after dev" "nptctl tunnel add t0 dev l" "lo"
completes "tunnel add: keywords used up" \
	"nptctl tunnel add t0 remote ::1 local auto token ::feed dev lo mtu 1460 mss auto hoplimit 64 tclass inherit flowlabel inherit encaplimit none " ""
completes "tunnel change: token any time" "nptctl tunnel change t0 mtu 1400 t" \
	"token tclass"
completes "tunnel change: token none" "nptctl t c t0 token " "none"
completes "tunnel del: nothing after the name" "nptctl tunnel del t0 " ""
completes "tunnel show: nothing after the name" "nptctl tunnel show t0 " ""
completes "options" "nptctl -" \
	"-j -p -s -n -b -c -V -h -json -pretty -stats -netns -batch -color -Version -help"
completes "-color=WHEN" "nptctl -color=a" "always auto"
completes "-c=WHEN" "nptctl -j -c=" "always auto never"
mkdir -p "$TMP/conf.d" && : >"$TMP/conf.d/npt6.conf"
completes "a file after -b" "nptctl -n x -b $TMP/conf.d/n" "$TMP/conf.d/npt6.conf"
completes "- for stdin after -b" "nptctl -b " "$(compgen -f -- "" | tr '\n' ' ')-"
completes "nothing after -b FILE" "nptctl -b $TMP/conf.d/npt6.conf " ""

# ------------------------------------------------- netlink, against a fake

FAKE_TESTS=(
	"fake: add sends IFINDEX, INT/EXT_PREFIX, PREFIX_LEN, no NDPROXY"
	"fake: del sends IFINDEX, INT_PREFIX, PREFIX_LEN"
	"fake: flush sends no IFINDEX"
	"fake: flush dev sends IFINDEX"
	"fake: show, text, sorted"
	"fake: show -s, text with counters"
	"fake: -s -s is -s"
	"fake: -j -s show"
	"fake: -p show (pretty implies JSON)"
	"fake: show dev filters"
	"fake: empty table, text"
	"fake: empty table, JSON"
	"fake: extack message printed as the error"
	"fake: extack after an uncapped echo"
	"fake: EPERM without extack"
	"fake: extack warning on success"
	"fake: missing family"
	"fake: family version mismatch refused"
	"fake: interrupted dump retried"
	"fake: error at the end of a dump"
	"fake: malformed attribute refused"
	"fake: JSON escapes device names"
	"fake: local errors send nothing (host bits)"
	"fake: local errors send nothing (unknown device)"
	"fake: local errors send nothing (unknown argument)"
	"fake: add auto token ndproxy sends EXT_AUTO, TOKEN, NDPROXY"
	"fake: add auto without token sends no TOKEN, no NDPROXY"
	"fake: add with ndproxy off sends NDPROXY 0"
	"fake: add with ndproxy auto sends NDPROXY 1"
	"fake: add, keywords in any order, same message"
	"fake: local errors send nothing (token without auto)"
	"fake: local errors send nothing (bad ndproxy mode)"
	"fake: show auto mappings, active and inactive, text"
	"fake: -j show auto mappings, inactive external is null"
	"fake: -s show auto mappings, NDP counters"
	"fake: ACTIVE 1 without EXT_PREFIX refused"
	"fake: replies of a module without NDPROXY and ACTIVE, text"
	"fake: replies of a module without NDPROXY and ACTIVE, JSON"
	"fake: monitor prints ADD, CHANGE, DEL; SIGINT exits 0"
	"fake: -j monitor, one object per line; SIGTERM exits 0"
	"fake: -s monitor adds counters to add and del"
	"fake: -p monitor, indented objects"
	"fake: monitor without an events group"
	"fake: monitor ends with an error when the module goes"
	"fake: -c show colours prefixes, devices and inactive"
	"fake: -color=never, and auto into a pipe, print no colour"
	"fake: -c=auto on a terminal colours, NO_COLOR stops it"
	"fake: -c -j show has no colour"
	"fake: -c monitor colours change events"
	"fake: -V with a module of the same version, no warning"
	"fake: -V with a module of another version warns, exits 0"
	"fake: -V with an empty module version prints one line"
)

# Unicast to a userspace netlink port needs CAP_NET_ADMIN.
has_net_admin()
{
	local eff

	eff=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
	[ -n "$eff" ] && (( (16#$eff >> 12) & 1 ))
}

# Start fake_npt6 (or PROG) SCENARIO in the background; 1 if it did not
# come up.
#   start_fake SCENARIO [PROG]
start_fake()
{
	rm -f "$TMP/port" "$TMP/log"
	"${2:-$TMP/fake_npt6}" "$1" "$TMP/port" "$TMP/log" 2>"$TMP/fake.err" &
	FAKE_PID=$!
	for _ in $(seq 100); do
		[ -s "$TMP/port" ] && return 0
		sleep 0.05
	done
	cat "$TMP/fake.err" >&2
	return 1
}

# Stop it.
quit_fake()
{
	kill "$FAKE_PID" 2>/dev/null
	wait "$FAKE_PID" 2>/dev/null
	FAKE_PID=""
}

# Stop it, then compare the requests it logged with WANT_LOG.
#   stop_fake DESC WANT_LOG
stop_fake()
{
	local desc=$1 want_log=$2

	quit_fake

	if [ -n "$want_log" ]; then printf '%s\n' "$want_log"; fi >"$TMP/want_log"
	if ! cmp -s "$TMP/log" "$TMP/want_log"; then
		echo "    $desc: requests differ (-want +got):" >&2
		diff "$TMP/want_log" "$TMP/log" | sed 's/^/    /' >&2
		return 1
	fi
	return 0
}

# fake_cmd SCENARIO DESC RC STDERR STDOUT LOG CMD...: run CMD, which runs
# the test build of nptctl, against fake_npt6, then compare its requests
# with LOG too.
fake_cmd()
{
	local scenario=$1 desc=$2 want_rc=$3 want_err=$4 want_out=$5 want_log=$6
	local fail=1
	shift 6

	if start_fake "$scenario"; then
		compare "$desc" "$want_rc" "$want_err" "$want_out" -- \
			env NPTCTL_TEST_PEER="$(cat "$TMP/port")" "$@"
		fail=$?
	fi
	stop_fake "$desc" "$want_log" || fail=1
	log_test $fail "$desc"
}

# fake SCENARIO DESC RC STDERR STDOUT LOG ARGS...: fake_cmd with nptctl ARGS.
fake()
{
	fake_cmd "$1" "$2" "$3" "$4" "$5" "$6" \
		timeout 10 "${WRAP[@]}" "$TMP/nptctl-hooked" "${@:7}"
}

lines() { wc -l <"$1" 2>/dev/null || echo 0; }

# fake_monitor SCENARIO DESC SIGNAL STDERR STDOUT LOG ARGS...: start the test
# build of nptctl (ARGS... ends in "monitor") against fake_npt6, wait for
# all of STDOUT while it still runs (it must flush every event as it comes),
# stop it with SIGNAL, and compare: it must exit 0.
fake_monitor()
{
	local scenario=$1 desc=$2 sig=$3 want_err=$4 want_out=$5 want_log=$6
	local fail=1 pid rc want_lines log_lines
	shift 6

	want_lines=$(printf '%s\n' "$want_out" | wc -l)
	log_lines=$(printf '%s\n' "$want_log" | wc -l)
	if start_fake "$scenario"; then
		NPTCTL_TEST_PEER="$(cat "$TMP/port")" "${WRAP[@]}" \
			"$TMP/nptctl-hooked" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null &
		pid=$!
		for _ in $(seq 200); do
			[ "$(lines "$TMP/out")" -ge "$want_lines" ] &&
				[ "$(lines "$TMP/log")" -ge "$log_lines" ] && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		fail=0
		if [ "$(lines "$TMP/out")" -lt "$want_lines" ]; then
			echo "    $desc: $(lines "$TMP/out") of $want_lines lines before SIG$sig" >&2
			fail=1
		fi
		# It must end on the signal, in 10 seconds at most.  (A watchdog
		# subshell killed early could run our EXIT trap: poll instead.)
		kill -"$sig" "$pid" 2>/dev/null
		for _ in $(seq 200); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid"
		rc=$?
		check_output "$desc" "$rc" 0 "$want_err" "$want_out" || fail=1
	fi
	stop_fake "$desc" "$want_log" || fail=1
	log_test $fail "$desc"
}

fake_tests()
{
	local t ctrl='ctrl cmd=3 flags=0x5 name=npt6' dump='cmd=3 flags=0x305 ver=1'
	local ge0 ge1 ge0s ge1s j0 j1 j0s j1s st0 ndp0 auto ev evs ej malformed
	local events

	if ! has_net_admin; then
		for t in "${FAKE_TESTS[@]}"; do log_test $ksft_skip "$t"; done
		return
	fi

	if ! cc "${CFLAGS[@]}" -DNPTCTL_VERSION="\"$VERSION\"" -DNPTCTL_TEST_HOOKS \
		$MNL_CFLAGS -o "$TMP/nptctl-hooked" \
		"$TOOL"/*.c \
		$MNL_LIBS >"$TMP/build.log" 2>&1 ||
	   ! cc "${CFLAGS[@]}" $MNL_CFLAGS -o "$TMP/fake_npt6" "$HERE/fake_npt6.c" \
		$MNL_LIBS >>"$TMP/build.log" 2>&1; then
		cat "$TMP/build.log" >&2
		for t in "${FAKE_TESTS[@]}"; do log_test 1 "$t"; done
		return
	fi

	ge0='fd00::/64 -> 2406::/64 dev ge0 ndproxy auto'
	ge1='fdce:b680:5c56:5::/64 -> 2406:2d40:3084:e000::/64 dev ge1 ndproxy all'
	st0='    snpt: packets 10 bytes 1040 icmp_inner 1 local 0 collision 2 drop_unmappable 3 drop_nomem 4
    dnpt: packets 20 bytes 2080 icmp_inner 5 local 6 collision 0 drop_unmappable 7 drop_nomem 8'
	ndp0='    ndp: ns_seen 30 na_sent 25 ign_local 1 ign_off 0 ign_unresolved 2 ign_outside 1 drop_malformed 1 ign_budget 0'
	ge0s="$ge0
$st0
$ndp0"
	ge1s="$ge1
    snpt: packets 18446744073709551615 bytes 1099511627776 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0
    dnpt: packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0
    ndp: ns_seen 0 na_sent 0 ign_local 0 ign_off 0 ign_unresolved 0 ign_outside 0 drop_malformed 18446744073709551615 ign_budget 0"
	j0='{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"ndproxy":"auto"'
	j1='{"dev":"ge1","ifindex":5,"internal":"fdce:b680:5c56:5::/64","external":"2406:2d40:3084:e000::/64","prefix_len":64,"external_source":"static","active":true,"ndproxy":"all"'
	j0s="$j0"',"stats":{"snpt":{"packets":10,"bytes":1040,"icmp_inner":1,"local":0,"collision":2,"drop_unmappable":3,"drop_nomem":4},"dnpt":{"packets":20,"bytes":2080,"icmp_inner":5,"local":6,"collision":0,"drop_unmappable":7,"drop_nomem":8},"ndp":{"ns_seen":30,"na_sent":25,"ign_local":1,"ign_off":0,"ign_unresolved":2,"ign_outside":1,"drop_malformed":1,"ign_budget":0}}}'
	j1s="$j1"',"stats":{"snpt":{"packets":18446744073709551615,"bytes":1099511627776,"icmp_inner":0,"local":0,"collision":0,"drop_unmappable":0,"drop_nomem":0},"dnpt":{"packets":0,"bytes":0,"icmp_inner":0,"local":0,"collision":0,"drop_unmappable":0,"drop_nomem":0},"ndp":{"ns_seen":0,"na_sent":0,"ign_local":0,"ign_off":0,"ign_unresolved":0,"ign_outside":0,"drop_malformed":18446744073709551615,"ign_budget":0}}}'

	fake ok "${FAKE_TESTS[0]}" 0 "" "" \
		"$ctrl
cmd=1 flags=0x5 ver=1 ifindex=1 int=fdce:b680:5c56:5:: ext=2406:2d40:3084:e000:: plen=64" \
		add fdce:b680:5c56:5::/64 2406:2d40:3084:e000::/64 dev lo
	fake ok "${FAKE_TESTS[1]}" 0 "" "" \
		"$ctrl
cmd=2 flags=0x5 ver=1 ifindex=1 int=fd00:: plen=48" \
		del fd00::/48 dev lo
	fake ok "${FAKE_TESTS[2]}" 0 "" "" "$ctrl
cmd=4 flags=0x5 ver=1" flush
	fake ok "${FAKE_TESTS[3]}" 0 "" "" "$ctrl
cmd=4 flags=0x5 ver=1 ifindex=1" flush dev lo
	fake ok "${FAKE_TESTS[4]}" 0 "" "$ge0
$ge1" "$ctrl
$dump" show
	fake ok "${FAKE_TESTS[5]}" 0 "" "$ge0s
$ge1s" "$ctrl
$dump" -s show
	fake ok "${FAKE_TESTS[6]}" 0 "" "$ge0s
$ge1s" "$ctrl
$dump" -s -s ls
	fake ok "${FAKE_TESTS[7]}" 0 "" "[$j0s,$j1s]" "$ctrl
$dump" -j -s show
	fake ok "${FAKE_TESTS[8]}" 0 "" '[
    {
        "dev": "ge0",
        "ifindex": 3,
        "internal": "fd00::/64",
        "external": "2406::/64",
        "prefix_len": 64,
        "external_source": "static",
        "active": true,
        "ndproxy": "auto"
    },
    {
        "dev": "ge1",
        "ifindex": 5,
        "internal": "fdce:b680:5c56:5::/64",
        "external": "2406:2d40:3084:e000::/64",
        "prefix_len": 64,
        "external_source": "static",
        "active": true,
        "ndproxy": "all"
    }
]' "$ctrl
$dump" -p show
	# The fake ignores the filter, so this also checks our own filtering.
	fake ok "${FAKE_TESTS[9]}" 0 "" "" "$ctrl
$dump ifindex=1" show dev lo
	fake empty "${FAKE_TESTS[10]}" 0 "" "" "$ctrl
$dump" -s show
	fake empty "${FAKE_TESTS[11]}" 0 "" "[]" "$ctrl
$dump" -j show
	fake extack "${FAKE_TESTS[12]}" 1 "Error: npt6: mapping exists" "" \
		"$ctrl
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd00:: ext=2406:: plen=64" \
		add fd00::/64 2406::/64 dev lo
	fake uncapped "${FAKE_TESTS[13]}" 1 "Error: npt6: mapping exists" "" \
		"$ctrl
cmd=2 flags=0x5 ver=1 ifindex=1 int=fd00:: plen=64" \
		del fd00::/64 dev lo
	fake eperm "${FAKE_TESTS[14]}" 1 \
		"Error: Unable to add mapping: Operation not permitted" "" \
		"$ctrl
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd00:: ext=2406:: plen=64" \
		add fd00::/64 2406::/64 dev lo
	fake warn "${FAKE_TESTS[15]}" 0 "Warning: npt6: just so you know" "" \
		"$ctrl
cmd=4 flags=0x5 ver=1" flush
	fake nofamily "${FAKE_TESTS[16]}" 1 "$NOTLOADED" "" "$ctrl" show
	fake badversion "${FAKE_TESTS[17]}" 1 \
		"Error: npt6 kernel module speaks netlink version 2 but nptctl speaks version 1 (install matching versions)" \
		"" "$ctrl" add fd00::/64 2406::/64 dev lo
	fake intr "${FAKE_TESTS[18]}" 0 "" "$ge0
$ge1" "$ctrl
$dump
$dump" show
	fake dumperr "${FAKE_TESTS[19]}" 1 "Error: bad dump filter" "" "$ctrl
$dump" -j show
	fake badattr "${FAKE_TESTS[20]}" 1 \
		"Error: Unable to list mappings: Protocol error" "" "$ctrl
$dump" show
	fake escape "${FAKE_TESTS[21]}" 0 "" \
		'[{"dev":"q\"b\\s","ifindex":7,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"ndproxy":"off"}]' \
		"$ctrl
$dump" -j show
	fake ok "${FAKE_TESTS[22]}" 1 \
		'Error: prefix "fd00::1/64" has host bits set (did you mean fd00::/64?)' \
		"" "" add fd00::1/64 2406::/64 dev lo
	fake ok "${FAKE_TESTS[23]}" 1 "Error: unknown device \"$NODEV\"" "" "" \
		flush dev "$NODEV"
	fake ok "${FAKE_TESTS[24]}" 1 'Error: unknown argument "bar"' "" "" \
		show bar

	# add: what auto, token and ndproxy put on the wire.
	fake ok "${FAKE_TESTS[25]}" 0 "" "" "$ctrl
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd00:192:168:1:: plen=64 ndproxy=2 auto token=::feed" \
		add fd00:192:168:1::/64 auto token ::feed dev lo ndproxy all
	fake ok "${FAKE_TESTS[26]}" 0 "" "" "$ctrl
cmd=1 flags=0x5 ver=1 ifindex=1 int=fdce:b680:5c56:5:: plen=64 auto" \
		add fdce:b680:5c56:5::/64 auto dev lo
	fake ok "${FAKE_TESTS[27]}" 0 "" "" "$ctrl
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd00:: ext=2406:: plen=48 ndproxy=0" \
		add fd00::/48 2406::/48 dev lo ndproxy off
	fake ok "${FAKE_TESTS[28]}" 0 "" "" "$ctrl
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd00:: ext=2406:: plen=64 ndproxy=1" \
		add fd00::/64 2406::/64 ndproxy auto dev lo
	fake ok "${FAKE_TESTS[29]}" 0 "" "" "$ctrl
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd00:: plen=64 ndproxy=2 auto token=::1:2:3:4" \
		add ndproxy all fd00::/64 dev lo auto token 0:0:0:0:1:2:3:4
	fake ok "${FAKE_TESTS[30]}" 1 'Error: token "::feed" is only valid with "auto"' \
		"" "" add fd00::/64 2406::/64 token ::feed dev lo
	fake ok "${FAKE_TESTS[31]}" 1 \
		'Error: invalid ndproxy mode "on" (expected auto, all or off)' "" "" \
		add fd00::/64 auto dev lo ndproxy on

	# Auto mappings as the kernel reports them, and the NDP counters.
	auto='fd00::/64 -> auto (no address yet) dev ge0 token ::feed ndproxy auto
fd00:192:168:1::/64 -> 2409:10:2020:3c00::/64 dev ge0 auto token ::feed (from 2409:10:2020:3c00::feed) ndproxy auto
fd01::/64 -> auto (no address yet) dev ge1 ndproxy 7
fdce:b680:5c56:5::/64 -> 2406:2d40:3084:e000::/64 dev ge1 auto (from 2406:2d40:3084:e000:1a2b:3c4d:5e6f:7a8b) ndproxy all'
	fake auto "${FAKE_TESTS[32]}" 0 "" "$auto" "$ctrl
$dump" show
	fake auto "${FAKE_TESTS[33]}" 0 "" \
		'[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":null,"prefix_len":64,"external_source":"auto","token":"::feed","active":false,"ndproxy":"auto"},{"dev":"ge0","ifindex":3,"internal":"fd00:192:168:1::/64","external":"2409:10:2020:3c00::/64","prefix_len":64,"external_source":"auto","token":"::feed","external_address":"2409:10:2020:3c00::feed","active":true,"ndproxy":"auto"},{"dev":"ge1","ifindex":5,"internal":"fd01::/64","external":null,"prefix_len":64,"external_source":"auto","active":false,"ndproxy":"7"},{"dev":"ge1","ifindex":5,"internal":"fdce:b680:5c56:5::/64","external":"2406:2d40:3084:e000::/64","prefix_len":64,"external_source":"auto","external_address":"2406:2d40:3084:e000:1a2b:3c4d:5e6f:7a8b","active":true,"ndproxy":"all"}]' \
		"$ctrl
$dump" -j show
	fake auto "${FAKE_TESTS[34]}" 0 "" \
		"fd00::/64 -> auto (no address yet) dev ge0 token ::feed ndproxy auto
    snpt: packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0
    dnpt: packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0
    ndp: ns_seen 0 na_sent 0 ign_local 0 ign_off 0 ign_unresolved 0 ign_outside 0 drop_malformed 0 ign_budget 0
fd00:192:168:1::/64 -> 2409:10:2020:3c00::/64 dev ge0 auto token ::feed (from 2409:10:2020:3c00::feed) ndproxy auto
    snpt: packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0
    dnpt: packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0
$ndp0
fd01::/64 -> auto (no address yet) dev ge1 ndproxy 7
    snpt: packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0
    dnpt: packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0
    ndp: ns_seen 0 na_sent 0 ign_local 0 ign_off 0 ign_unresolved 0 ign_outside 0 drop_malformed 0 ign_budget 0
fdce:b680:5c56:5::/64 -> 2406:2d40:3084:e000::/64 dev ge1 auto (from 2406:2d40:3084:e000:1a2b:3c4d:5e6f:7a8b) ndproxy all
    snpt: packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0
    dnpt: packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0
    ndp: ns_seen 0 na_sent 0 ign_local 0 ign_off 0 ign_unresolved 0 ign_outside 0 drop_malformed 0 ign_budget 0" "$ctrl
$dump" -s show
	fake badactive "${FAKE_TESTS[35]}" 1 \
		"Error: Unable to list mappings: Protocol error" "" "$ctrl
$dump" show
	fake legacy "${FAKE_TESTS[36]}" 0 "" \
		"fd00::/64 -> 2406::/64 dev ge0
$st0
fdce:b680:5c56:5::/64 -> 2406:2d40:3084:e000::/64 dev ge1
    snpt: packets 18446744073709551615 bytes 1099511627776 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0
    dnpt: packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0" \
		"$ctrl
$dump" -s show
	fake legacy "${FAKE_TESTS[37]}" 0 "" \
		'[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true},{"dev":"ge1","ifindex":5,"internal":"fdce:b680:5c56:5::/64","external":"2406:2d40:3084:e000::/64","prefix_len":64,"external_source":"static","active":true}]' \
		"$ctrl
$dump" -j show

	# monitor: the fake multicasts once we have joined (see fake_npt6.c).
	events="$ctrl
events: joined
events: sent"
	malformed='Warning: ignoring a malformed event: Protocol error'
	ev='add fd00::/64 -> 2406::/64 dev ge0 ndproxy auto
add fd00:1::/64 -> auto (no address yet) dev ge0 token ::feed ndproxy all
change fd00:1::/64 dev ge0: inactive -> 2406:1::/64
change fd00:1::/64 dev ge0: 2406:1::/64 -> 2406:2::/64
change fd00:1::/64 dev ge0: 2406:2::/64 -> inactive
del fd00::/64 -> 2406::/64 dev ge0 ndproxy auto'
	fake_monitor events "${FAKE_TESTS[38]}" INT "$malformed" "$ev" "$events" monitor
	ej='{"dev":"ge0","ifindex":3,"internal":"fd00:1::/64"'
	fake_monitor events "${FAKE_TESTS[39]}" TERM "$malformed" \
		'{"event":"add","mapping":{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"ndproxy":"auto"}}
{"event":"add","mapping":'"$ej"',"external":null,"prefix_len":64,"external_source":"auto","token":"::feed","active":false,"ndproxy":"all"}}
{"event":"change","mapping":'"$ej"',"external":"2406:1::/64","prefix_len":64,"external_source":"auto","token":"::feed","external_address":"2406:1::feed","active":true,"ndproxy":"all"},"old_external":null}
{"event":"change","mapping":'"$ej"',"external":"2406:2::/64","prefix_len":64,"external_source":"auto","token":"::feed","external_address":"2406:2::feed","active":true,"ndproxy":"all"},"old_external":"2406:1::/64"}
{"event":"change","mapping":'"$ej"',"external":null,"prefix_len":64,"external_source":"auto","token":"::feed","active":false,"ndproxy":"all"},"old_external":"2406:2::/64"}
{"event":"del","mapping":{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"ndproxy":"auto"}}' \
		"$events" -j monitor
	evs='    snpt: packets 1 bytes 2 icmp_inner 3 local 4 collision 5 drop_unmappable 6 drop_nomem 7
    dnpt: packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0
    ndp: ns_seen 8 na_sent 9 ign_local 10 ign_off 11 ign_unresolved 12 ign_outside 13 drop_malformed 14 ign_budget 0'
	fake_monitor events "${FAKE_TESTS[40]}" INT "$malformed" \
		"add fd00::/64 -> 2406::/64 dev ge0 ndproxy auto
$evs
add fd00:1::/64 -> auto (no address yet) dev ge0 token ::feed ndproxy all
    snpt: packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0
    dnpt: packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0
    ndp: ns_seen 0 na_sent 0 ign_local 0 ign_off 0 ign_unresolved 0 ign_outside 0 drop_malformed 0 ign_budget 0
change fd00:1::/64 dev ge0: inactive -> 2406:1::/64
change fd00:1::/64 dev ge0: 2406:1::/64 -> 2406:2::/64
change fd00:1::/64 dev ge0: 2406:2::/64 -> inactive
del fd00::/64 -> 2406::/64 dev ge0 ndproxy auto
$evs" "$events" -s mon
	fake_monitor events "${FAKE_TESTS[41]}" TERM "$malformed" "$(cat <<'EOF'
{
    "event": "add",
    "mapping": {
        "dev": "ge0",
        "ifindex": 3,
        "internal": "fd00::/64",
        "external": "2406::/64",
        "prefix_len": 64,
        "external_source": "static",
        "active": true,
        "ndproxy": "auto"
    }
}
{
    "event": "add",
    "mapping": {
        "dev": "ge0",
        "ifindex": 3,
        "internal": "fd00:1::/64",
        "external": null,
        "prefix_len": 64,
        "external_source": "auto",
        "token": "::feed",
        "active": false,
        "ndproxy": "all"
    }
}
{
    "event": "change",
    "mapping": {
        "dev": "ge0",
        "ifindex": 3,
        "internal": "fd00:1::/64",
        "external": "2406:1::/64",
        "prefix_len": 64,
        "external_source": "auto",
        "token": "::feed",
        "external_address": "2406:1::feed",
        "active": true,
        "ndproxy": "all"
    },
    "old_external": null
}
{
    "event": "change",
    "mapping": {
        "dev": "ge0",
        "ifindex": 3,
        "internal": "fd00:1::/64",
        "external": "2406:2::/64",
        "prefix_len": 64,
        "external_source": "auto",
        "token": "::feed",
        "external_address": "2406:2::feed",
        "active": true,
        "ndproxy": "all"
    },
    "old_external": "2406:1::/64"
}
{
    "event": "change",
    "mapping": {
        "dev": "ge0",
        "ifindex": 3,
        "internal": "fd00:1::/64",
        "external": null,
        "prefix_len": 64,
        "external_source": "auto",
        "token": "::feed",
        "active": false,
        "ndproxy": "all"
    },
    "old_external": "2406:2::/64"
}
{
    "event": "del",
    "mapping": {
        "dev": "ge0",
        "ifindex": 3,
        "internal": "fd00::/64",
        "external": "2406::/64",
        "prefix_len": 64,
        "external_source": "static",
        "active": true,
        "ndproxy": "auto"
    }
}
EOF
)" "$events" -p monitor
	fake nomcgrp "${FAKE_TESTS[42]}" 1 \
		'Error: npt6 kernel module has no "events" multicast group (install matching versions)' \
		"" "$ctrl" monitor
	fake unload "${FAKE_TESTS[43]}" 1 'Error: npt6 kernel module was unloaded' \
		'add fd00::/64 -> 2406::/64 dev ge0 ndproxy auto
add fd00:1::/64 -> auto (no address yet) dev ge0 token ::feed ndproxy all' "$ctrl
events: joined
events: unloaded" monitor

	# -c: the colours of ip(8); the auto scenario has inactive mappings.
	local B=$'\e[34m' C=$'\e[36m' R=$'\e[31m' O=$'\e[0m'
	local cauto="${B}fd00::/64$O -> ${R}auto (no address yet)$O dev ${C}ge0$O token ::feed ndproxy auto
${B}fd00:192:168:1::/64$O -> ${B}2409:10:2020:3c00::/64$O dev ${C}ge0$O auto token ::feed (from ${B}2409:10:2020:3c00::feed$O) ndproxy auto
${B}fd01::/64$O -> ${R}auto (no address yet)$O dev ${C}ge1$O ndproxy 7
${B}fdce:b680:5c56:5::/64$O -> ${B}2406:2d40:3084:e000::/64$O dev ${C}ge1$O auto (from ${B}2406:2d40:3084:e000:1a2b:3c4d:5e6f:7a8b$O) ndproxy all"
	fake auto "${FAKE_TESTS[44]}" 0 "" "$cauto" "$ctrl
$dump" -c show
	fake_cmd auto "${FAKE_TESTS[45]}" 0 "" "$auto
$auto" "$ctrl
$dump
$ctrl
$dump" sh -c '"$0" -color=never show && "$0" -c=auto show' "$TMP/nptctl-hooked"
	if command -v script >/dev/null; then
		# script(1) gives nptctl a terminal, which ends lines in \r\n.
		fake_cmd auto "${FAKE_TESTS[46]}" 0 "" "$cauto
$auto" "$ctrl
$dump
$ctrl
$dump" sh -c 'script -qec "$0 show && NO_COLOR=1 $0 -c=auto show" /dev/null |
			tr -d "\r"' "$TMP/nptctl-hooked"
	else
		log_test $ksft_skip "${FAKE_TESTS[46]}"
	fi
	fake ok "${FAKE_TESTS[47]}" 0 "" "[$j0},$j1}]" "$ctrl
$dump" -c=always -j show
	# -V: the module's version from sysfs, and a warning if it differs.
	echo "$VERSION" >"$TMP/modversion"
	compare "${FAKE_TESTS[49]}" 0 "" "nptctl $VERSION
npt6 module $VERSION" -- env NPTCTL_TEST_MODULE_VERSION="$TMP/modversion" \
		"${WRAP[@]}" "$TMP/nptctl-hooked" -V
	log_test $? "${FAKE_TESTS[49]}"
	echo "0.0.1-old" >"$TMP/modversion"
	compare "${FAKE_TESTS[50]}" 0 \
		"Warning: nptctl $VERSION and npt6 module 0.0.1-old differ" \
		"nptctl $VERSION
npt6 module 0.0.1-old" -- env NPTCTL_TEST_MODULE_VERSION="$TMP/modversion" \
		"${WRAP[@]}" "$TMP/nptctl-hooked" -V
	log_test $? "${FAKE_TESTS[50]}"
	: >"$TMP/modversion"
	compare "${FAKE_TESTS[51]}" 0 "" "nptctl $VERSION" -- \
		env NPTCTL_TEST_MODULE_VERSION="$TMP/modversion" \
		"${WRAP[@]}" "$TMP/nptctl-hooked" -V
	log_test $? "${FAKE_TESTS[51]}"

	fake_monitor events "${FAKE_TESTS[48]}" INT "$malformed" \
		"add ${B}fd00::/64$O -> ${B}2406::/64$O dev ${C}ge0$O ndproxy auto
add ${B}fd00:1::/64$O -> ${R}auto (no address yet)$O dev ${C}ge0$O token ::feed ndproxy all
change ${B}fd00:1::/64$O dev ${C}ge0$O: ${R}inactive$O -> ${B}2406:1::/64$O
change ${B}fd00:1::/64$O dev ${C}ge0$O: ${B}2406:1::/64$O -> ${B}2406:2::/64$O
change ${B}fd00:1::/64$O dev ${C}ge0$O: ${B}2406:2::/64$O -> ${R}inactive$O
del ${B}fd00::/64$O -> ${B}2406::/64$O dev ${C}ge0$O ndproxy auto" "$events" -c monitor
}
fake_tests

# ------------------------------------------ tunnels, against a fake rtnetlink

FAKE_TNL_TESTS=(
	"fake tunnel: add transix sends LINK, REMOTE, LOCAL_AUTO, TOKEN"
	"fake tunnel: add site-to-site with every setting"
	"fake tunnel: add with the words for the defaults"
	"fake tunnel: add at the bounds, decimal tclass and flowlabel"
	"fake tunnel: change mtu only sends no LINKINFO"
	"fake tunnel: change mss and encaplimit"
	"fake tunnel: change to a fixed local drops the token"
	"fake tunnel: change a fixed tunnel to auto with a token"
	"fake tunnel: change token of a fixed tunnel refused"
	"fake tunnel: change token none sends TOKEN ::"
	"fake tunnel: change token of an auto tunnel"
	"fake tunnel: change remote and dev"
	"fake tunnel: change of another kind refused"
	"fake tunnel: change of a kind that only starts like ours"
	"fake tunnel: change of an unknown device"
	"fake tunnel: del looks up, then deletes by index"
	"fake tunnel: del of another kind sends no DELLINK"
	"fake tunnel: del of a link without a kind"
	"fake tunnel: del of an unknown device"
	"fake tunnel: show, sorted, other kinds left out"
	"fake tunnel: -s show adds the counters"
	"fake tunnel: -j -s show"
	"fake tunnel: -j show of an inactive auto tunnel"
	"fake tunnel: show of one tunnel"
	"fake tunnel: -p show of a fixed tunnel"
	"fake tunnel: show of another kind refused"
	"fake tunnel: bare tunnel is show"
	"fake tunnel: unknown kind means no module"
	"fake tunnel: add of an existing name"
	"fake tunnel: add, extack message printed as the error"
	"fake tunnel: del, extack message printed as the error"
	"fake tunnel: EPERM on the dump"
	"fake tunnel: EPERM on the lookup"
	"fake tunnel: change of a link gone since the lookup"
	"fake tunnel: del of a link gone since the lookup"
	"fake tunnel: interrupted dump retried"
	"fake tunnel: malformed REMOTE refused"
	"fake tunnel: tunnel without a local address refused"
	"fake tunnel: short IFLA_STATS64 refused"
	"fake tunnel: local errors send nothing"
)

# fake_tnl SCENARIO DESC RC STDERR STDOUT LOG ARGS...: run the test build of
# nptctl against fake_rtnl, then compare its requests with LOG too.
fake_tnl()
{
	local scenario=$1 desc=$2 want_rc=$3 want_err=$4 want_out=$5 want_log=$6
	local fail=1
	shift 6

	if start_fake "$scenario" "$TMP/fake_rtnl"; then
		compare "$desc" "$want_rc" "$want_err" "$want_out" -- \
			env NPTCTL_TEST_RTNL_PEER="$(cat "$TMP/port")" \
			timeout 10 "${WRAP[@]}" "$TMP/nptctl-hooked" "$@"
		fail=$?
	fi
	stop_fake "$desc" "$want_log" || fail=1
	log_test $fail "$desc"
}

fake_tunnel_tests()
{
	local t R=2404:8e00::feed:140 dump get0 t0 t1 tun1 s0 s1 s2 j0 j1 j2
	local new='newlink flags=0x605 index=0' data='linkinfo{ kind=npt6tnl data{'
	local NOTNPT='is not an npt6 tunnel'

	if ! has_net_admin; then
		for t in "${FAKE_TNL_TESTS[@]}"; do log_test $ksft_skip "$t"; done
		return
	fi
	if [ ! -x "$TMP/nptctl-hooked" ] ||
	   ! cc "${CFLAGS[@]}" $MNL_CFLAGS -o "$TMP/fake_rtnl" "$HERE/fake_rtnl.c" \
		$MNL_LIBS >"$TMP/build.log" 2>&1; then
		cat "$TMP/build.log" >&2
		for t in "${FAKE_TNL_TESTS[@]}"; do log_test 1 "$t"; done
		return
	fi

	# add: exactly what goes on the wire.
	fake_tnl ok "${FAKE_TNL_TESTS[0]}" 0 "" "" \
		"$new ifname=sit1 $data link=1 remote=$R local_auto token=::feed } }" \
		tunnel add sit1 remote $R local auto token ::feed dev lo
	fake_tnl ok "${FAKE_TNL_TESTS[1]}" 0 "" "" \
		"$new ifname=tun1 mtu=1400 $data link=1 remote=2001:db8:2::7 local=2001:db8:1::c53b hoplimit=255 tclass=0xb8 flowlabel=0x12345 encaplimit=4 mss=0 } }" \
		tunnel add tun1 remote 2001:db8:2::7 local 2001:db8:1::c53b dev lo \
		mtu 1400 mss off hoplimit 255 tclass 0xb8 flowlabel 0x12345 encaplimit 4
	fake_tnl ok "${FAKE_TNL_TESTS[2]}" 0 "" "" \
		"$new ifname=t0 $data link=1 remote=$R local_auto tclass=0xffffffff flowlabel=0xffffffff encaplimit=65535 mss=65535 } }" \
		tunnel add t0 encaplimit none flowlabel inherit remote $R dev lo \
		tclass inherit mss auto local auto
	fake_tnl ok "${FAKE_TNL_TESTS[3]}" 0 "" "" \
		"$new ifname=abcdefghijklmno mtu=65487 $data link=1 remote=::1 local=::2 hoplimit=1 tclass=0xff flowlabel=0xfffff encaplimit=0 mss=88 } }" \
		tu a abcdefghijklmno r ::1 l ::2 d lo mt 65487 ms 88 ho 1 tc 255 \
		f 1048575 e 0

	# change: looked up first, then only what was given, by index.
	get0='getlink flags=0x5 index=0 ifname=t0'
	fake_tnl ok "${FAKE_TNL_TESTS[4]}" 0 "" "" "$get0
newlink flags=0x5 index=7 mtu=1280" tunnel change t0 mtu 1280
	fake_tnl ok "${FAKE_TNL_TESTS[5]}" 0 "" "" "$get0
newlink flags=0x5 index=7 $data encaplimit=4 mss=1400 } }" \
		tunnel change t0 mss 1400 encaplimit 4
	fake_tnl ok "${FAKE_TNL_TESTS[6]}" 0 "" "" "$get0
newlink flags=0x5 index=7 $data local=2001:db8::1 token=:: } }" \
		tunnel change t0 local 2001:db8::1
	fake_tnl ok "${FAKE_TNL_TESTS[7]}" 0 "" "" "getlink flags=0x5 index=0 ifname=tun1
newlink flags=0x5 index=9 $data local_auto token=::1 } }" \
		tunnel c tun1 token ::1 local auto
	fake_tnl ok "${FAKE_TNL_TESTS[8]}" 1 'Error: token needs "local auto"' "" \
		"getlink flags=0x5 index=0 ifname=tun1" tunnel change tun1 token ::1
	fake_tnl ok "${FAKE_TNL_TESTS[9]}" 0 "" "" "$get0
newlink flags=0x5 index=7 $data token=:: } }" tunnel change t0 token none
	fake_tnl ok "${FAKE_TNL_TESTS[10]}" 0 "" "" "$get0
newlink flags=0x5 index=7 $data token=::2 } }" tunnel change t0 token ::2
	fake_tnl ok "${FAKE_TNL_TESTS[11]}" 0 "" "" "$get0
newlink flags=0x5 index=7 $data link=1 remote=2001:db8::9 } }" \
		tunnel change t0 dev lo remote 2001:db8::9
	fake_tnl ok "${FAKE_TNL_TESTS[12]}" 1 "Error: \"eth0\" $NOTNPT" "" \
		"getlink flags=0x5 index=0 ifname=eth0" tunnel change eth0 mtu 1400
	fake_tnl ok "${FAKE_TNL_TESTS[13]}" 1 "Error: \"fake0\" $NOTNPT" "" \
		"getlink flags=0x5 index=0 ifname=fake0" tunnel change fake0 mss off
	fake_tnl ok "${FAKE_TNL_TESTS[14]}" 1 'Error: unknown device "nope"' "" \
		"getlink flags=0x5 index=0 ifname=nope" tunnel change nope mtu 1400

	# del: never of a link that is not ours.
	fake_tnl ok "${FAKE_TNL_TESTS[15]}" 0 "" "" "$get0
dellink flags=0x5 index=7" tunnel del t0
	fake_tnl ok "${FAKE_TNL_TESTS[16]}" 1 "Error: \"eth0\" $NOTNPT" "" \
		"getlink flags=0x5 index=0 ifname=eth0" tunnel delete eth0
	fake_tnl ok "${FAKE_TNL_TESTS[17]}" 1 "Error: \"lo\" $NOTNPT" "" \
		"getlink flags=0x5 index=0 ifname=lo" tunnel d lo
	fake_tnl ok "${FAKE_TNL_TESTS[18]}" 1 'Error: unknown device "nope"' "" \
		"getlink flags=0x5 index=0 ifname=nope" tunnel del nope

	# show.
	dump="getlink flags=0x305 index=0 linkinfo{ kind=npt6tnl }"
	t0="t0: remote $R local auto token ::feed (now 2400:1:2:3::feed) dev lo mtu 1460 mss auto hoplimit 64 tclass inherit flowlabel inherit encaplimit none"
	t1="t1: remote $R local auto (no address yet) dev if99999 mtu 1460 mss auto hoplimit 64 tclass inherit flowlabel inherit encaplimit none"
	tun1="tun1: remote 2001:db8:2::7 local 2001:db8:1::c53b dev lo mtu 1400 mss off hoplimit 255 tclass 0xb8 flowlabel 0x12345 encaplimit 4"
	s0='    rx: packets 100 bytes 102 errors 104 dropped 106  tx: packets 101 bytes 103 errors 105 dropped 107 carrier 117'
	s1='    rx: packets 0 bytes 0 errors 0 dropped 0  tx: packets 0 bytes 0 errors 0 dropped 0 carrier 0'
	s2='    rx: packets 1099511627776 bytes 1099511627778 errors 1099511627780 dropped 1099511627782  tx: packets 1099511627777 bytes 1099511627779 errors 1099511627781 dropped 1099511627783 carrier 1099511627793'
	j0="{\"name\":\"t0\",\"ifindex\":7,\"remote\":\"$R\",\"local\":null,\"local_auto\":true,\"token\":\"::feed\",\"active_local\":\"2400:1:2:3::feed\",\"dev\":\"lo\",\"mtu\":1460,\"mss\":\"auto\",\"hoplimit\":64,\"tclass\":\"inherit\",\"flowlabel\":\"inherit\",\"encaplimit\":\"none\""
	j1="{\"name\":\"t1\",\"ifindex\":8,\"remote\":\"$R\",\"local\":null,\"local_auto\":true,\"token\":null,\"active_local\":null,\"dev\":\"if99999\",\"mtu\":1460,\"mss\":\"auto\",\"hoplimit\":64,\"tclass\":\"inherit\",\"flowlabel\":\"inherit\",\"encaplimit\":\"none\""
	j2='{"name":"tun1","ifindex":9,"remote":"2001:db8:2::7","local":"2001:db8:1::c53b","local_auto":false,"token":null,"active_local":"2001:db8:1::c53b","dev":"lo","mtu":1400,"mss":"off","hoplimit":255,"tclass":184,"flowlabel":74565,"encaplimit":4'
	fake_tnl ok "${FAKE_TNL_TESTS[19]}" 0 "" "$t0
$t1
$tun1" "$dump" tunnel show
	fake_tnl ok "${FAKE_TNL_TESTS[20]}" 0 "" "$t0
$s0
$t1
$s1
$tun1
$s2" "$dump" -s tunnel ls
	fake_tnl ok "${FAKE_TNL_TESTS[21]}" 0 "" \
		"[$j0,\"stats\":{\"rx\":{\"packets\":100,\"bytes\":102,\"errors\":104,\"dropped\":106},\"tx\":{\"packets\":101,\"bytes\":103,\"errors\":105,\"dropped\":107,\"carrier\":117}}},$j1,\"stats\":{\"rx\":{\"packets\":0,\"bytes\":0,\"errors\":0,\"dropped\":0},\"tx\":{\"packets\":0,\"bytes\":0,\"errors\":0,\"dropped\":0,\"carrier\":0}}},$j2,\"stats\":{\"rx\":{\"packets\":1099511627776,\"bytes\":1099511627778,\"errors\":1099511627780,\"dropped\":1099511627782},\"tx\":{\"packets\":1099511627777,\"bytes\":1099511627779,\"errors\":1099511627781,\"dropped\":1099511627783,\"carrier\":1099511627793}}}]" \
		"$dump" -j -s tunnel show
	fake_tnl ok "${FAKE_TNL_TESTS[22]}" 0 "" "[$j1}]" "getlink flags=0x5 index=0 ifname=t1" \
		-j tunnel show t1
	fake_tnl ok "${FAKE_TNL_TESTS[23]}" 0 "" "$t0" "$get0" tunnel list t0
	fake_tnl ok "${FAKE_TNL_TESTS[24]}" 0 "" '[
    {
        "name": "tun1",
        "ifindex": 9,
        "remote": "2001:db8:2::7",
        "local": "2001:db8:1::c53b",
        "local_auto": false,
        "token": null,
        "active_local": "2001:db8:1::c53b",
        "dev": "lo",
        "mtu": 1400,
        "mss": "off",
        "hoplimit": 255,
        "tclass": 184,
        "flowlabel": 74565,
        "encaplimit": 4
    }
]' "getlink flags=0x5 index=0 ifname=tun1" -p tunnel show tun1
	fake_tnl ok "${FAKE_TNL_TESTS[25]}" 1 "Error: \"eth0\" $NOTNPT" "" \
		"getlink flags=0x5 index=0 ifname=eth0" tunnel show eth0
	fake_tnl ok "${FAKE_TNL_TESTS[26]}" 0 "" "$t0
$t1
$tun1" "$dump" tunnel

	# The kernel's errors.
	fake_tnl notloaded "${FAKE_TNL_TESTS[27]}" 1 "$NOTLOADED" "" \
		"$new ifname=sit1 $data link=1 remote=$R local_auto token=::feed } }" \
		tunnel add sit1 remote $R local auto token ::feed dev lo
	fake_tnl exists "${FAKE_TNL_TESTS[28]}" 1 'Error: device "t0" already exists' "" \
		"$new ifname=t0 $data link=1 remote=$R local=2001:db8::1 } }" \
		tunnel add t0 remote $R local 2001:db8::1 dev lo
	fake_tnl extack "${FAKE_TNL_TESTS[29]}" 1 'Error: A token needs local auto' "" \
		"$new ifname=t0 $data link=1 remote=$R local=2001:db8::1 } }" \
		tunnel add t0 remote $R local 2001:db8::1 dev lo
	fake_tnl extack "${FAKE_TNL_TESTS[30]}" 1 'Error: A token needs local auto' "" "$get0
dellink flags=0x5 index=7" tunnel del t0
	fake_tnl eperm "${FAKE_TNL_TESTS[31]}" 1 \
		'Error: Unable to list tunnels: Operation not permitted' "" \
		"$dump" -j tunnel show
	fake_tnl eperm "${FAKE_TNL_TESTS[32]}" 1 \
		'Error: Unable to find device "t0": Operation not permitted' "" \
		"$get0" tunnel del t0
	fake_tnl gone "${FAKE_TNL_TESTS[33]}" 1 'Error: unknown device "t0"' "" "$get0
newlink flags=0x5 index=7 mtu=1400" tunnel change t0 mtu 1400
	fake_tnl gone "${FAKE_TNL_TESTS[34]}" 1 'Error: unknown device "t0"' "" "$get0
dellink flags=0x5 index=7" tunnel del t0
	fake_tnl intr "${FAKE_TNL_TESTS[35]}" 0 "" "$t0
$t1
$tun1" "$dump
$dump" tunnel show
	fake_tnl badattr "${FAKE_TNL_TESTS[36]}" 1 \
		'Error: Unable to list tunnels: Protocol error' "" "$dump" tunnel show
	fake_tnl nolocal "${FAKE_TNL_TESTS[37]}" 1 \
		'Error: Unable to list tunnels: Protocol error' "" "$dump" tunnel show
	fake_tnl shortstats "${FAKE_TNL_TESTS[38]}" 1 \
		'Error: Unable to list tunnels: Protocol error' "" "$dump" -s tunnel show
	fake_tnl ok "${FAKE_TNL_TESTS[39]}" 1 'Error: invalid mss "87" (expected auto, off or 88..65534)' \
		"" "" tunnel add t0 remote $R local auto dev lo mss 87
}
fake_tunnel_tests

# ------------------------------------------------- batch mode, against fakes

FAKE_BATCH_TESTS=(
	"fake batch: parse error sends nothing at all"
	"fake batch: applies mappings and tunnels"
	"fake batch: second run sends no change, counters kept"
	"fake batch: flush then add, second run sends no change"
	"fake batch: edited file, only what changed is sent"
	"fake batch: refused mapping rolls everything back"
	"fake batch: refused tunnel rolls everything back"
	"fake batch: error names the line the kernel refused"
	"fake batch: from stdin"
	"fake batch: tunnel add of another kind's name refused"
	"fake batch: del and tunnel del of what is absent send nothing"
	"fake batch: tunnel change of an unknown tunnel"
	"fake batch: tunnel add of an existing tunnel converges it"
	"fake batch: only mappings, no rtnetlink; only tunnels, no genl"
	"fake batch: a rollback the kernel refuses is reported, line by line"
)

# Start fake_npt6 and fake_rtnl in their "table" scenario, which keep what
# they are told for as long as they run; 1 if they did not come up.
batch_start()
{
	local p

	rm -f "$TMP"/bport "$TMP"/blog "$TMP"/brport "$TMP"/brlog
	"$TMP/fake_npt6" table "$TMP/bport" "$TMP/blog" 2>"$TMP/fake.err" &
	BATCH_PIDS=($!)
	"$TMP/fake_rtnl" table "$TMP/brport" "$TMP/brlog" 2>>"$TMP/fake.err" &
	BATCH_PIDS+=($!)
	for _ in $(seq 100); do
		[ -s "$TMP/bport" ] && [ -s "$TMP/brport" ] && return 0
		sleep 0.05
	done
	cat "$TMP/fake.err" >&2
	return 1
}

batch_stop()
{
	local p

	for p in "${BATCH_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	BATCH_PIDS=()
}

# The test build of nptctl against both fakes.
bctl()
{
	env NPTCTL_TEST_PEER="$(cat "$TMP/bport")" \
		NPTCTL_TEST_RTNL_PEER="$(cat "$TMP/brport")" \
		timeout 10 "${WRAP[@]}" "$TMP/nptctl-hooked" "$@"
}

# Remember how far the fakes' logs are; "since" prints what came after.
mark() { M1=$(lines "$TMP/blog"); M2=$(lines "$TMP/brlog"); }
since() { tail -n +$((M1 + 1)) "$TMP/blog"; tail -n +$((M2 + 1)) "$TMP/brlog"; }
# The requests since the mark that change something: ADD, DEL, FLUSH,
# NEWLINK and DELLINK.
changes() { since | grep -E '^(cmd=[124] |newlink|dellink)'; }

# All of the state, counters included, as JSON.
state() { bctl -j -s show && bctl -j -s tunnel show; }
# The same without counters and tunnel indexes, which a rollback cannot
# bring back for what it makes again.
shape() { bctl -j show && bctl -j tunnel show | sed 's/"ifindex":[0-9]*,//g'; }

# same_files DESC WHAT WANT GOT: files WANT and GOT, of WHAT, must be the
# same; explains if not.
same_files()
{
	cmp -s "$3" "$4" && return 0
	echo "    $1: $2 differ (-want +got):" >&2
	diff "$3" "$4" | sed 's/^/    /' >&2
	return 1
}

# want_changes DESC WANT: the change requests since the mark must be WANT.
want_changes()
{
	if [ -n "$2" ]; then printf '%s\n' "$2"; fi >"$TMP/want_log"
	changes >"$TMP/got_log"
	same_files "$1" "change requests" "$TMP/want_log" "$TMP/got_log"
}

# same_state DESC, same_shape DESC: the state, or its shape, must be what
# $TMP/state0 holds.
same_state()
{
	state >"$TMP/state1" 2>&1
	same_files "$1" "states" "$TMP/state0" "$TMP/state1"
}

same_shape()
{
	shape >"$TMP/state1" 2>&1
	same_files "$1" "states" "$TMP/state0" "$TMP/state1"
}

fake_batch_tests()
{
	local t fail B="$TMP/site.conf" R=2404:8e00::feed:140 D
	local data='linkinfo{ kind=npt6tnl data{'
	local dflt='hoplimit=64 tclass=0xffffffff flowlabel=0xffffffff encaplimit=65535 mss=65535'

	if ! has_net_admin; then
		for t in "${FAKE_BATCH_TESTS[@]}"; do log_test $ksft_skip "$t"; done
		return
	fi
	if [ ! -x "$TMP/nptctl-hooked" ] || [ ! -x "$TMP/fake_npt6" ] ||
	   [ ! -x "$TMP/fake_rtnl" ]; then
		for t in "${FAKE_BATCH_TESTS[@]}"; do log_test 1 "$t"; done
		return
	fi

	# S1 and S3 on one router: a static and an auto mapping, and the
	# transix tunnel, and a site-to-site one with settings of its own.
	cat >"$B" <<EOF
# npt6.conf
add fd00::/64 2406::/64 dev lo
add fd01::/64 auto token ::feed dev lo ndproxy off   # follows ::feed

tunnel add ip6tnl1 remote $R local auto token ::feed dev lo
tunnel add site0 remote 2001:db8:2::7 local 2001:db8:1::c53b dev lo mtu 1400 hoplimit 10
EOF
	fail=1
	if batch_start; then
		printf 'add fd00::/64 2406::/64 dev lo\nflush\ntunnel add x remote ::1 local ::2 dev lo mtu 9\n' >"$TMP/bad.conf"
		compare "${FAKE_BATCH_TESTS[0]}" 1 \
			"Error: $TMP/bad.conf:3: invalid mtu \"9\" (expected 68..65487)" "" -- \
			bctl -b "$TMP/bad.conf"
		fail=$?
		[ ! -s "$TMP/blog" ] && [ ! -s "$TMP/brlog" ] || fail=1
	fi
	log_test $fail "${FAKE_BATCH_TESTS[0]}"

	mark
	compare "${FAKE_BATCH_TESTS[1]}" 0 "" "" -- bctl -b "$B"
	fail=$?
	want_changes "${FAKE_BATCH_TESTS[1]}" "cmd=1 flags=0x5 ver=1 ifindex=1 int=fd00:: ext=2406:: plen=64
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd01:: plen=64 ndproxy=0 auto token=::feed
newlink flags=0x605 index=0 ifname=ip6tnl1 $data link=1 remote=$R local_auto token=::feed $dflt } }
newlink flags=0x605 index=0 ifname=site0 mtu=1400 $data link=1 remote=2001:db8:2::7 local=2001:db8:1::c53b hoplimit=10 tclass=0xffffffff flowlabel=0xffffffff encaplimit=65535 mss=65535 } }" || fail=1
	{ bctl show && bctl tunnel show; } >"$TMP/out" 2>"$TMP/err"
	check_output "${FAKE_BATCH_TESTS[1]}" $? 0 "" "fd00::/64 -> 2406::/64 dev lo ndproxy off
fd01::/64 -> auto (no address yet) dev lo token ::feed ndproxy off
ip6tnl1: remote $R local auto token ::feed (no address yet) dev lo mtu 1460 mss auto hoplimit 64 tclass inherit flowlabel inherit encaplimit none
site0: remote 2001:db8:2::7 local 2001:db8:1::c53b dev lo mtu 1400 mss auto hoplimit 10 tclass inherit flowlabel inherit encaplimit none" ||
		fail=1
	log_test $fail "${FAKE_BATCH_TESTS[1]}"

	state >"$TMP/state0" 2>&1
	mark
	compare "${FAKE_BATCH_TESTS[2]}" 0 "" "" -- bctl -b "$B"
	fail=$?
	want_changes "${FAKE_BATCH_TESTS[2]}" "" || fail=1
	same_state "${FAKE_BATCH_TESTS[2]}" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[2]}"

	# What systemd's ExecReload= runs: a file that says flush first.
	sed -i '1a flush' "$B"
	mark
	compare "${FAKE_BATCH_TESTS[3]}" 0 "" "" -- bctl -b "$B"
	fail=$?
	want_changes "${FAKE_BATCH_TESTS[3]}" "" || fail=1
	same_state "${FAKE_BATCH_TESTS[3]}" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[3]}"

	# Edited: one mapping gone, one moved, a tunnel setting back to its
	# default, a new mapping; the rest keep their counters.
	cat >"$B" <<EOF
flush
add fd01::/64 auto token ::feed dev lo ndproxy off
add fd02::/64 2406:2::/64 dev lo
tunnel add ip6tnl1 remote $R local auto token ::feed dev lo
tunnel add site0 remote 2001:db8:2::7 local 2001:db8:1::c53b dev lo mtu 1400
EOF
	mark
	compare "${FAKE_BATCH_TESTS[4]}" 0 "" "" -- bctl -b "$B"
	fail=$?
	want_changes "${FAKE_BATCH_TESTS[4]}" "cmd=2 flags=0x5 ver=1 ifindex=1 int=fd00:: plen=64
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd02:: ext=2406:2:: plen=64
newlink flags=0x5 index=101 $data hoplimit=64 } }" || fail=1
	# fd01 and both tunnels are the ones made first (counters 2, 1000, 2000).
	{
		bctl -j -s show | python3 -c 'import json, sys
for m in json.load(sys.stdin): print(m["internal"], m["stats"]["snpt"]["packets"])' &&
		bctl -j -s tunnel show | python3 -c 'import json, sys
for t in json.load(sys.stdin): print(t["name"], t["stats"]["tx"]["packets"])'
	} >"$TMP/out" 2>"$TMP/err"
	check_output "${FAKE_BATCH_TESTS[4]}" $? 0 "" "fd01::/64 2
fd02::/64 3
ip6tnl1 1001
site0 2001" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[4]}"

	# The kernel refuses line 6; lines 1 to 5 were applied and are undone.
	shape >"$TMP/state0"
	cat >"$TMP/refuse.conf" <<EOF
del fd01::/64 dev lo
add fd02::/64 2406:22::/64 dev lo ndproxy all
tunnel change ip6tnl1 hoplimit 5 local 2001:db8::5
tunnel del site0
tunnel add new0 remote 2001:db8::7 local auto dev lo
add fd03::/64 2001:db8:bad::/64 dev lo
EOF
	mark
	compare "${FAKE_BATCH_TESTS[5]}" 1 \
		"Error: $TMP/refuse.conf:6: npt6: external prefix refused" "" -- \
		bctl -b "$TMP/refuse.conf"
	fail=$?
	# Deletions first, then changes, then additions; undone newest first.
	want_changes "${FAKE_BATCH_TESTS[5]}" "cmd=2 flags=0x5 ver=1 ifindex=1 int=fd01:: plen=64
cmd=2 flags=0x5 ver=1 ifindex=1 int=fd02:: plen=64
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd02:: ext=2406:22:: plen=64 ndproxy=2
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd03:: ext=2001:db8:bad:: plen=64
cmd=2 flags=0x5 ver=1 ifindex=1 int=fd02:: plen=64
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd02:: ext=2406:2:: plen=64 ndproxy=0
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd01:: plen=64 ndproxy=0 auto token=::feed
dellink flags=0x5 index=101
newlink flags=0x5 index=100 $data local=2001:db8::5 token=:: hoplimit=5 } }
newlink flags=0x605 index=0 ifname=new0 $data link=1 remote=2001:db8::7 local_auto $dflt } }
dellink flags=0x5 index=102
newlink flags=0x5 index=100 $data local_auto token=::feed hoplimit=64 } }
newlink flags=0x605 index=0 ifname=site0 mtu=1400 $data link=1 remote=2001:db8:2::7 local=2001:db8:1::c53b $dflt } }" || fail=1
	same_shape "${FAKE_BATCH_TESTS[5]}" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[5]}"

	# The same with a tunnel the kernel refuses, after mapping changes.
	printf '%s\n' "flush" "add fd09::/64 2406:9::/64 dev lo" \
		"tunnel change site0 mtu 1280" \
		"tunnel add bad0 remote 2001:db8:dead::1 local auto dev lo" \
		>"$TMP/refuse.conf"
	mark
	compare "${FAKE_BATCH_TESTS[6]}" 1 \
		"Error: $TMP/refuse.conf:4: fake: remote refused" "" -- \
		bctl -b "$TMP/refuse.conf"
	fail=$?
	# Two deleted and one changed, then the refusal, then three undone.
	want_changes "${FAKE_BATCH_TESTS[6]}" "cmd=2 flags=0x5 ver=1 ifindex=1 int=fd01:: plen=64
cmd=2 flags=0x5 ver=1 ifindex=1 int=fd02:: plen=64
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd02:: ext=2406:2:: plen=64 ndproxy=0
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd01:: plen=64 ndproxy=0 auto token=::feed
newlink flags=0x5 index=103 mtu=1280
newlink flags=0x605 index=0 ifname=bad0 $data link=1 remote=2001:db8:dead::1 local_auto $dflt } }
newlink flags=0x5 index=103 mtu=1400" || fail=1
	same_shape "${FAKE_BATCH_TESTS[6]}" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[6]}"

	# A mapping the kernel refuses as an overlap, on line 3.
	printf '%s\n' "add fd07::/64 2406:7::/64 dev lo" "" \
		"add fd08::/64 2406:7::/64 dev lo" >"$TMP/refuse.conf"
	compare "${FAKE_BATCH_TESTS[7]}" 1 \
		"Error: $TMP/refuse.conf:3: External prefix overlaps another mapping" "" -- \
		bctl -b "$TMP/refuse.conf"
	fail=$?
	same_shape "${FAKE_BATCH_TESTS[7]}" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[7]}"

	# From stdin: the same file, so nothing to change; then one del.
	mark
	bctl -b - <"$B" >"$TMP/out" 2>"$TMP/err"
	check_output "${FAKE_BATCH_TESTS[8]}" $? 0 "" ""
	fail=$?
	want_changes "${FAKE_BATCH_TESTS[8]}" "" || fail=1
	mark
	printf 'del fd01::/64 dev lo\n' | bctl -b - >"$TMP/out" 2>"$TMP/err"
	check_output "${FAKE_BATCH_TESTS[8]}" $? 0 "" "" || fail=1
	want_changes "${FAKE_BATCH_TESTS[8]}" \
		"cmd=2 flags=0x5 ver=1 ifindex=1 int=fd01:: plen=64" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[8]}"

	printf '%s\n' "flush" "tunnel add eth0 remote ::1 local auto dev lo" \
		>"$TMP/x.conf"
	mark
	compare "${FAKE_BATCH_TESTS[9]}" 1 \
		"Error: $TMP/x.conf:2: \"eth0\" is not an npt6 tunnel" "" -- \
		bctl -b "$TMP/x.conf"
	fail=$?
	want_changes "${FAKE_BATCH_TESTS[9]}" "" || fail=1
	printf 'tunnel del eth0\n' >"$TMP/x.conf"
	compare "${FAKE_BATCH_TESTS[9]}" 1 \
		"Error: $TMP/x.conf:1: \"eth0\" is not an npt6 tunnel" "" -- \
		bctl -b "$TMP/x.conf" || fail=1
	want_changes "${FAKE_BATCH_TESTS[9]}" "" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[9]}"

	printf '%s\n' "del fd0f::/64 dev lo" "tunnel del nope0" "flush dev lo" \
		"add fd02::/64 2406:2::/64 dev lo" "tunnel del nope0" >"$TMP/x.conf"
	mark
	compare "${FAKE_BATCH_TESTS[10]}" 0 "" "" -- bctl -b "$TMP/x.conf"
	fail=$?
	want_changes "${FAKE_BATCH_TESTS[10]}" "" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[10]}"

	printf '%s\n' "tunnel del site0" "tunnel change site0 mtu 1280" \
		>"$TMP/x.conf"
	compare "${FAKE_BATCH_TESTS[11]}" 1 \
		"Error: $TMP/x.conf:2: tunnel \"site0\" is deleted by line 1" "" -- \
		bctl -b "$TMP/x.conf"
	fail=$?
	printf '%s\n' "tunnel change nope0 mtu 1280" >"$TMP/x.conf"
	compare "${FAKE_BATCH_TESTS[11]}" 1 \
		"Error: $TMP/x.conf:1: unknown device \"nope0\"" "" -- \
		bctl -b "$TMP/x.conf" || fail=1
	printf '%s\n' "tunnel change site0 token ::1" >"$TMP/x.conf"
	compare "${FAKE_BATCH_TESTS[11]}" 1 \
		"Error: $TMP/x.conf:1: token needs \"local auto\"" "" -- \
		bctl -b "$TMP/x.conf" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[11]}"

	# "tunnel add" of an existing tunnel: one change request with what
	# differs, which a change line of the same tunnel joins.
	printf '%s\n' "tunnel add site0 remote 2001:db8:2::8 local auto token ::9 dev lo mtu 1400" \
		"tunnel change site0 mss off" >"$TMP/x.conf"
	mark
	compare "${FAKE_BATCH_TESTS[12]}" 0 "" "" -- bctl -b "$TMP/x.conf"
	fail=$?
	want_changes "${FAKE_BATCH_TESTS[12]}" \
		"newlink flags=0x5 index=103 $data remote=2001:db8:2::8 local_auto token=::9 mss=0 } }" || fail=1
	mark
	compare "${FAKE_BATCH_TESTS[12]}" 0 "" "" -- bctl -b "$TMP/x.conf" || fail=1
	want_changes "${FAKE_BATCH_TESTS[12]}" "" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[12]}"

	# Each protocol only when the file needs it.
	printf 'flush dev lo\n' >"$TMP/x.conf"
	mark
	compare "${FAKE_BATCH_TESTS[13]}" 0 "" "" -- bctl -b "$TMP/x.conf"
	fail=$?
	[ -z "$(tail -n +$((M2 + 1)) "$TMP/brlog")" ] || fail=1
	printf 'tunnel del site0\n' >"$TMP/x.conf"
	mark
	compare "${FAKE_BATCH_TESTS[13]}" 0 "" "" -- bctl -b "$TMP/x.conf" || fail=1
	[ -z "$(tail -n +$((M1 + 1)) "$TMP/blog")" ] || fail=1
	want_changes "${FAKE_BATCH_TESTS[13]}" "dellink flags=0x5 index=103" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[13]}"

	# Line 2 is refused, and so is the undoing of line 1: both are
	# reported with their lines, the count of what stayed, and the
	# mapping of line 1 is still there to be seen.
	printf '%s\n' "add fd0e::/64 2001:db8:bad:1::/64 dev lo" \
		"add fd0f::/64 2001:db8:bad::/64 dev lo" >"$TMP/stuck.conf"
	mark
	compare "${FAKE_BATCH_TESTS[14]}" 1 "Error: $TMP/stuck.conf:2: npt6: external prefix refused
Error: $TMP/stuck.conf:1: rollback: fake: mapping cannot be deleted
Error: $TMP/stuck.conf: 1 of 1 changes could not be undone" "" -- bctl -b "$TMP/stuck.conf"
	fail=$?
	want_changes "${FAKE_BATCH_TESTS[14]}" "cmd=1 flags=0x5 ver=1 ifindex=1 int=fd0e:: ext=2001:db8:bad:1:: plen=64
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd0f:: ext=2001:db8:bad:: plen=64
cmd=2 flags=0x5 ver=1 ifindex=1 int=fd0e:: plen=64" || fail=1
	bctl show dev lo | grep -q '^fd0e::/64 ' || {
		echo "    the mapping that could not be undone is not shown" >&2
		fail=1
	}
	log_test $fail "${FAKE_BATCH_TESTS[14]}"
	batch_stop
}
fake_batch_tests

# ------------------------------------------------ JSON output, by its schema

SCHEMA="$REPO/tools/schema/nptctl.schema.json"
SCHEMA_TESTS=(
	"schema: nptctl.schema.json is a draft 2020-12 schema"
	"schema: -j show and -j -s show, every fake scenario"
	"schema: -j tunnel show and -j -s tunnel show"
	"schema: -j, -j -s and -p monitor events"
	"schema: mappings and tunnels made by a batch"
	"schema: refuses what nptctl must never print"
)

# valid DEF FILE...: each FILE is valid #/$defs/DEF; explains if not.
valid()
{
	local def=$1 f fail=0
	shift

	for f in "$@"; do
		if ! /usr/bin/python3 "$HERE/validate_json.py" "$SCHEMA" "$def" "$f" \
			>"$TMP/schema.out" 2>&1; then
			echo "    ${f##*/} is no valid $def:" >&2
			sed 's/^/    /' "$TMP/schema.out" >&2
			fail=1
		fi
	done
	return $fail
}

# capture PROG SCENARIO OUT ARGS...: what nptctl ARGS prints against the
# fake PROG (fake_npt6 or fake_rtnl) in SCENARIO, into OUT.
capture()
{
	local prog=$1 scenario=$2 out=$3 var=NPTCTL_TEST_PEER
	shift 3

	[ "$prog" = fake_rtnl ] && var=NPTCTL_TEST_RTNL_PEER
	start_fake "$scenario" "$TMP/$prog" || return 1
	env "$var=$(cat "$TMP/port")" timeout 10 "$TMP/nptctl-hooked" "$@" \
		>"$out" 2>/dev/null
	quit_fake
}

# capture_monitor OUT ARGS...: the events nptctl ARGS (ending in
# "monitor") prints, until the fake has sent them all.
capture_monitor()
{
	local out=$1 pid
	shift

	start_fake events || return 1
	NPTCTL_TEST_PEER="$(cat "$TMP/port")" "$TMP/nptctl-hooked" "$@" \
		>"$out" 2>/dev/null </dev/null &
	pid=$!
	for _ in $(seq 200); do
		grep -q 'events: sent' "$TMP/log" 2>/dev/null && break
		sleep 0.05
	done
	# The last datagram may still be on its way to nptctl.
	sleep 0.3
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	quit_fake
}

json_schema_tests()
{
	local t f sc fail files

	if ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
		for t in "${SCHEMA_TESTS[@]}"; do
			log_test $ksft_skip "$t (no python3-jsonschema)"
		done
		return
	fi
	echo '[]' >"$TMP/empty.json"
	valid show "$TMP/empty.json" && valid tunnel_show "$TMP/empty.json"
	log_test $? "${SCHEMA_TESTS[0]}"

	if ! has_net_admin || [ ! -x "$TMP/nptctl-hooked" ]; then
		for t in "${SCHEMA_TESTS[@]:1}"; do log_test $ksft_skip "$t"; done
		return
	fi

	fail=0
	files=()
	for sc in ok auto legacy escape empty intr; do
		for f in "-j show" "-j -s show" "-p -s show"; do
			capture fake_npt6 $sc "$TMP/show-$sc${f// /}.json" $f || fail=1
			files+=("$TMP/show-$sc${f// /}.json")
		done
	done
	valid show "${files[@]}" || fail=1
	log_test $fail "${SCHEMA_TESTS[1]}"

	fail=0
	files=()
	for f in "-j tunnel show" "-j -s tunnel show" "-p -s tunnel show" \
		 "-j tunnel show t1" "-j -s tunnel show tun1"; do
		capture fake_rtnl ok "$TMP/tnl${f// /}.json" $f || fail=1
		files+=("$TMP/tnl${f// /}.json")
	done
	valid tunnel_show "${files[@]}" || fail=1
	log_test $fail "${SCHEMA_TESTS[2]}"

	fail=0
	files=()
	for f in "-j monitor" "-j -s monitor" "-p monitor"; do
		capture_monitor "$TMP/mon${f// /}.json" $f || fail=1
		# Six events, each of which the schema must take.
		[ "$(grep -c '"event"' "$TMP/mon${f// /}.json")" = 6 ] || {
			echo "    $f: $(grep -c '"event"' "$TMP/mon${f// /}.json") events, want 6" >&2
			fail=1
		}
		files+=("$TMP/mon${f// /}.json")
	done
	valid event "${files[@]}" || fail=1
	log_test $fail "${SCHEMA_TESTS[3]}"

	fail=1
	if batch_start; then
		printf '%s\n' "add fd00::/64 2406::/64 dev lo ndproxy all" \
			"add fd01::/64 auto dev lo" "add fd02::/48 auto token ::1 dev lo" \
			"tunnel add t0 remote ::1 local auto token ::2 dev lo mss 1400 tclass 0x10 flowlabel 7 encaplimit 4" \
			>"$TMP/x.conf"
		# The /48 auto is refused locally: drop it, keep the rest.
		sed -i '3d' "$TMP/x.conf"
		bctl -b "$TMP/x.conf" && bctl -j -s show >"$TMP/b-show.json" &&
			bctl -j -s tunnel show >"$TMP/b-tnl.json" &&
			valid show "$TMP/b-show.json" &&
			valid tunnel_show "$TMP/b-tnl.json"
		fail=$?
	fi
	batch_stop
	log_test $fail "${SCHEMA_TESTS[4]}"

	# The schema is no rubber stamp: each of these breaks one rule.
	fail=0
	while IFS='|' read -r def doc; do
		printf '%s\n' "$doc" >"$TMP/bad.json"
		if valid "$def" "$TMP/bad.json" 2>/dev/null; then
			echo "    taken as $def: $doc" >&2
			fail=1
		fi
	done <<'EOF'
show|[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"dynamic","active":true}]
show|[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":null,"prefix_len":64,"external_source":"static","active":true}]
show|[{"dev":"ge0","ifindex":3,"internal":"fd00::/80","external":"2406::/80","prefix_len":80,"external_source":"static","active":true}]
show|[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"colour":"blue"}]
show|[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"stats":{"snpt":{"packets":-1}}}]
show|[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"auto","token":"fd00::g","active":true}]
tunnel_show|[{"name":"t0","ifindex":7,"remote":"::1","local":null,"local_auto":false,"token":null,"active_local":null,"dev":"lo"}]
tunnel_show|[{"name":"t0","ifindex":7,"remote":"::1","local":null,"local_auto":true,"token":null,"active_local":null,"dev":"lo","mss":87}]
tunnel_show|[{"name":"t0","ifindex":7,"remote":"::1","local":null,"local_auto":true,"token":null,"active_local":null,"dev":"lo","tclass":"auto"}]
event|{"event":"change","mapping":{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"auto","active":true}}
event|{"event":"add","mapping":{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true},"old_external":null}
EOF
	log_test $fail "${SCHEMA_TESTS[5]}"
}
json_schema_tests

if [ "${NPTCTL_VALGRIND:-0}" = 1 ]; then
	cat "$TMP"/valgrind.* 2>/dev/null | grep . >&2
	! cat "$TMP"/valgrind.* 2>/dev/null | grep -q .
	log_test $? "valgrind: no errors or leaks reported"
fi

exit $EXIT_STATUS
