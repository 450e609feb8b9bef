#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nptctl against the real npt6 module: what the fakes of run.sh cannot
# show, that the module takes the words nptctl sends and reports back
# what nptctl prints.  Root only, with the module loadable: kernel.sh
# boots the test guest for it when NPT6_KO names a module,
#
#   NPT6_KO=$PWD/kmod/npt6.ko selftests/nptctl/run.sh
#
# or, by hand, selftests/qemu/vm.sh selftests/nptctl/module.sh.  It uses
# tools/nptctl/nptctl as built (run.sh builds it first), and changes
# nothing outside three namespaces of its own:
#
#   lan (fd00::10) -- rtr (fd00::1 | ge0 2406::1) -- wan (2406::2)
#
# Prints "TEST: ... [ OK ]" / "[FAIL]" lines, details on stderr; exits 1
# if any failed, 4 if it cannot run here.

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
NPTCTL="$REPO/tools/nptctl/nptctl"
PYTHON=/usr/bin/python3
ksft_skip=4
EXIT_STATUS=0
TMP=$(mktemp -d)
SFX=$$-$RANDOM
LAN=nptm-lan-$SFX RTR=nptm-rtr-$SFX WAN=nptm-wan-$SFX
MON_PID=""

cleanup()
{
	[ -n "$MON_PID" ] && kill "$MON_PID" 2>/dev/null
	ip netns del "$LAN" 2>/dev/null
	ip netns del "$RTR" 2>/dev/null
	ip netns del "$WAN" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

log_test()
{
	if [ "$1" -eq 0 ]; then
		printf "TEST: %-60s  [ OK ]\n" "$2"
	else
		printf "TEST: %-60s  [FAIL]\n" "$2"
		EXIT_STATUS=1
	fi
}

# want DESC WANT GOT: explain on stderr if GOT is not WANT; 1 then.
want()
{
	[ "$2" = "$3" ] && return 0
	printf '    %s:\n    want: %s\n    got:  %s\n' "$1" "$2" "$3" >&2
	return 1
}

N() { "$NPTCTL" -n "$RTR" "$@"; }

# One counter of the mapping of fd00::/64, from -j -s show.
stat() { N -j -s show | jq -r ".[] | select(.internal == \"fd00::/64\") | .stats.$1"; }

# The events "nptctl monitor" prints while "$@" runs.
monitor_during()
{
	# Not through N(): $! must be nptctl itself, not a subshell.
	"$NPTCTL" -n "$RTR" monitor >"$TMP/mon" 2>&1 &
	MON_PID=$!
	# It has joined the group once the family is looked up; give it time.
	sleep 1
	"$@"
	sleep 1
	kill "$MON_PID" 2>/dev/null
	wait "$MON_PID" 2>/dev/null
	MON_PID=""
}

if [ "$(id -u)" -ne 0 ] || [ ! -x "$NPTCTL" ] ||
   ! command -v ip >/dev/null || ! command -v jq >/dev/null; then
	echo "module.sh: needs root, ip, jq and a built $NPTCTL" >&2
	exit $ksft_skip
fi

# The module under test: NPT6_KO if given (replacing another npt6), else
# the installed one.
if [ -n "${NPT6_KO:-}" ]; then
	[ -d /sys/module/npt6 ] && rmmod npt6
	modprobe -a tunnel6 ip_tunnel 2>/dev/null
	insmod "$NPT6_KO"
else
	modprobe npt6
fi
log_test $? "module: npt6 loads${NPT6_KO:+ ($(basename "$NPT6_KO"))}"
[ -d /sys/module/npt6 ] || exit 1

ip netns add "$LAN" && ip netns add "$RTR" && ip netns add "$WAN" &&
	ip -n "$LAN" link add l0 type veth peer name l1 netns "$RTR" &&
	ip -n "$RTR" link add ge0 type veth peer name w0 netns "$WAN" &&
	ip -n "$LAN" addr add fd00::10/64 dev l0 nodad &&
	ip -n "$RTR" addr add fd00::1/64 dev l1 nodad &&
	ip -n "$RTR" addr add 2406::1/64 dev ge0 nodad &&
	ip -n "$WAN" addr add 2406::2/64 dev w0 nodad &&
	ip netns exec "$RTR" sysctl -qw net.ipv6.conf.all.forwarding=1 &&
	for ns in "$LAN" "$RTR" "$WAN"; do
		ip -n "$ns" link set lo up || exit 1
		for d in l0 l1 ge0 w0; do
			ip -n "$ns" link set "$d" up 2>/dev/null
		done
	done &&
	ip -n "$LAN" route add default via fd00::1
log_test $? "module: topology lan -- rtr -- wan"

# add: the mode reaches the module, which reports it back.
N add fd00::/64 2406::/64 dev ge0 mode keep-iid
log_test $? "module: add mode keep-iid"
want "show" "fd00::/64 -> 2406::/64 dev ge0 ndproxy auto mode keep-iid" \
	"$(N show 2>&1)"
log_test $? "module: show names keep-iid after ndproxy"

# Translated packets count in keep-iid too (the echo requests leave ge0;
# whether the replies come back is the packet tests' business).
ip netns exec "$LAN" ping -c 3 -i 0.2 -W 1 2406::2 >/dev/null 2>&1
# The requests wait in rtr's neighbour queue until 2406::2 resolves, which
# may take longer than ping does on a busy guest: wait for them to leave.
for _ in $(seq 100); do
	[ "$(stat snpt.packets)" -ge 3 ] 2>/dev/null && break
	sleep 0.1
done
N -j -s show >"$TMP/show.json" 2>&1
fail=0
want "-j mode" "keep-iid" "$(jq -r '.[0].mode' "$TMP/show.json")" || fail=1
want "-j new counters" "0 0 0 0" \
	"$(jq -r '.[0].stats | [.snpt.csum_unknown, .snpt.drop_truncated, .dnpt.csum_unknown, .dnpt.drop_truncated] | map(tostring) | join(" ")' "$TMP/show.json")" ||
	fail=1
before=$(stat snpt.packets)
[ "${before:-0}" -ge 3 ] || { echo "    snpt packets: $before, want >= 3" >&2; fail=1; }
if "$PYTHON" -c 'import jsonschema' 2>/dev/null; then
	"$PYTHON" "$HERE/validate_json.py" "$REPO/tools/schema/nptctl.schema.json" \
		show "$TMP/show.json" >&2 || fail=1
fi
log_test $fail "module: -j -s show: mode, counters, schema"

# change: without mode the module keeps it; with mode it changes, and the
# counters stay.
fail=0
N change fd00::/64 2406:1::/64 dev ge0 || fail=1
want "show after change" \
	"fd00::/64 -> 2406:1::/64 dev ge0 ndproxy auto mode keep-iid" \
	"$(N show 2>&1)" || fail=1
log_test $fail "module: change without mode keeps keep-iid"

fail=0
monitor_during N change fd00::/64 2406:1::/64 dev ge0 mode rfc6296 || fail=1
want "show after mode rfc6296" "fd00::/64 -> 2406:1::/64 dev ge0 ndproxy auto" \
	"$(N show 2>&1)" || fail=1
want "-j mode" "rfc6296" "$(N -j show | jq -r '.[0].mode')" || fail=1
want "snpt packets" "$before" "$(stat snpt.packets)" || fail=1
want "events" "change fd00::/64 dev ge0: 2406:1::/64 -> 2406:1::/64" \
	"$(cat "$TMP/mon")" || fail=1
log_test $fail "module: change to rfc6296: one event, counters kept"

# monitor: add and del events show the mode, as they show ndproxy.
monitor_during sh -c "\"$NPTCTL\" -n $RTR add fd01::/64 2406:9::/64 dev ge0 mode keep-iid &&
	\"$NPTCTL\" -n $RTR del fd01::/64 dev ge0"
want "events" "add fd01::/64 -> 2406:9::/64 dev ge0 ndproxy auto mode keep-iid
del fd01::/64 -> 2406:9::/64 dev ge0 ndproxy auto mode keep-iid" "$(cat "$TMP/mon")"
log_test $? "module: monitor shows keep-iid in add and del"

# del names a mapping: nptctl refuses a mode, and so does the module
# (sent without nptctl, which will not).
fail=0
want "del mode" 'Error: unknown argument "mode"' \
	"$(N del fd00::/64 dev ge0 mode rfc6296 2>&1)" || fail=1
ifindex=$(ip -n "$RTR" -o link show ge0 | cut -d: -f1)
want "module's answer" "Error: A mapping is named by device and internal prefix only" \
	"$(ip netns exec "$RTR" "$PYTHON" - "$REPO" "$ifindex" <<'EOF' 2>&1 | head -n1
import ipaddress, os, re, struct, sys
sys.path.insert(0, os.path.join(sys.argv[1], 'selftests/net'))
from nl_fuzz import (NLM_F_ACK, NLM_F_REQUEST, NPT6_A_IFINDEX,
                     NPT6_A_INT_PREFIX, NPT6_A_PREFIX_LEN, NPT6_CMD_MAP_DEL,
                     NETLINK_GENERIC, Sock, attr, family_id, nlmsg)
# NPT6_A_MODE's number, from the header the module was built with.
uapi = open(os.path.join(sys.argv[1], 'uapi/linux/npt6.h')).read()
names = re.findall(r'^\s*(NPT6_A_\w+)', uapi.split('enum npt6_attr {')[1].split('};')[0], re.M)
mode = names.index('NPT6_A_MODE')
sock = Sock(NETLINK_GENERIC)
fam = family_id(sock)
sock.seq += 1
body = (struct.pack('=BBH', NPT6_CMD_MAP_DEL, 1, 0) +
        attr(NPT6_A_IFINDEX, struct.pack('=I', int(sys.argv[2]))) +
        attr(NPT6_A_INT_PREFIX, ipaddress.IPv6Address('fd00::').packed) +
        attr(NPT6_A_PREFIX_LEN, struct.pack('=B', 64)) +
        attr(mode, struct.pack('=B', 0)))
sock.s.send(nlmsg(fam, NLM_F_REQUEST | NLM_F_ACK, sock.seq, body))
err, msg = sock.ack()
print('Error: %s' % msg if err else 'accepted')
EOF
)" || fail=1
want "show after refused dels" "fd00::/64 -> 2406:1::/64 dev ge0 ndproxy auto" \
	"$(N show 2>&1)" || fail=1
log_test $fail "module: del with a mode refused, mapping kept"

# -b: the mode is part of the file's mapping: one CHANGE, then nothing.
fail=0
echo "add fd00::/64 2406:1::/64 dev ge0 mode keep-iid" >"$TMP/npt6.conf"
monitor_during N -b "$TMP/npt6.conf" || fail=1
want "events of -b" "change fd00::/64 dev ge0: 2406:1::/64 -> 2406:1::/64" \
	"$(cat "$TMP/mon")" || fail=1
want "mode after -b" "keep-iid" "$(N -j show | jq -r '.[0].mode')" || fail=1
monitor_during N -b "$TMP/npt6.conf" || fail=1
want "events of the second -b" "" "$(cat "$TMP/mon")" || fail=1
want "snpt packets" "$before" "$(stat snpt.packets)" || fail=1
log_test $fail "module: -b changes the mode in place, once"

fail=0
echo "add fd00::/64 2406:1::/64 dev ge0" >"$TMP/npt6.conf"
N -b "$TMP/npt6.conf" || fail=1
want "mode after -b without mode" "rfc6296" "$(N -j show | jq -r '.[0].mode')" ||
	fail=1
want "snpt packets" "$before" "$(stat snpt.packets)" || fail=1
log_test $fail "module: -b line without mode is rfc6296"

N flush
exit $EXIT_STATUS
