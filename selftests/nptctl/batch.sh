# SPDX-License-Identifier: GPL-2.0
#
# Sourced by run.sh, after the tests before it: nptctl -b against both fakes: what a file sends, again and edited,
# and how a refusal is rolled back.

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
	"fake batch: mode keep-iid is one CHANGE, counters kept"
	"fake batch: a line without mode is rfc6296: one CHANGE back"
	"fake batch: a rollback brings a mapping back in its mode"
	"fake batch: a line without ndproxy is the default: one CHANGE back"
	"fake batch: fastpath on and a line without it are one CHANGE each"
	"fake batch: a rollback brings fastpath back"
	"fake batch: a module without fastpath: off sends nothing, on refused"
)

# Start fake_npt6 and fake_rtnl in their "table" scenario, which keep what
# they are told for as long as they run, or fake_rtnl in RTNL_SCENARIO
# ("oldtable"); 1 if they did not come up.
#   batch_start [RTNL_SCENARIO]
batch_start()
{
	local p

	rm -f "$TMP"/bport "$TMP"/blog "$TMP"/brport "$TMP"/brlog
	"$TMP/fake_npt6" table "$TMP/bport" "$TMP/blog" 2>"$TMP/fake.err" &
	BATCH_PIDS=($!)
	"$TMP/fake_rtnl" "${1:-table}" "$TMP/brport" "$TMP/brlog" 2>>"$TMP/fake.err" &
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
# CHANGE, NEWLINK and DELLINK.
changes() { since | grep -E '^(cmd=[1245] |newlink|dellink)'; }

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

# apply DESC RC STDERR FILE [CHANGES]: nptctl -b FILE must exit RC with
# STDERR and print nothing, and, if CHANGES is given, send those change
# requests; 1 if not.
apply()
{
	local rc=0

	mark
	compare "$1" "$2" "$3" "" -- bctl -b "$4" || rc=1
	if [ $# -ge 5 ]; then want_changes "$1" "$5" || rc=1; fi
	return $rc
}

fake_batch_tests()
{
	local t fail B="$TMP/site.conf" R=2404:8e00::feed:140 D
	local data='linkinfo{ kind=npt6tnl data{'
	local dflt='hoplimit=64 tclass=0xffffffff flowlabel=0xffffffff encaplimit=65535 mss=65535 fastpath=0'

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

	apply "${FAKE_BATCH_TESTS[1]}" 0 "" "$B" "cmd=1 flags=0x5 ver=1 ifindex=1 int=fd00:: ext=2406:: plen=64
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd01:: plen=64 ndproxy=0 auto token=::feed
newlink flags=0x605 index=0 ifname=ip6tnl1 $data link=1 remote=$R local_auto token=::feed $dflt } }
newlink flags=0x605 index=0 ifname=site0 mtu=1400 $data link=1 remote=2001:db8:2::7 local=2001:db8:1::c53b hoplimit=10 tclass=0xffffffff flowlabel=0xffffffff encaplimit=65535 mss=65535 fastpath=0 } }"
	fail=$?
	{ bctl show && bctl tunnel show; } >"$TMP/out" 2>"$TMP/err"
	check_output "${FAKE_BATCH_TESTS[1]}" $? 0 "" "fd00::/64 -> 2406::/64 dev lo ndproxy off
fd01::/64 -> auto (no address yet) dev lo token ::feed ndproxy off
ip6tnl1: remote $R local auto token ::feed (no address yet) dev lo mtu 1460 mss auto hoplimit 64 tclass inherit flowlabel inherit encaplimit none fastpath off
site0: remote 2001:db8:2::7 local 2001:db8:1::c53b dev lo mtu 1400 mss auto hoplimit 10 tclass inherit flowlabel inherit encaplimit none fastpath off" ||
		fail=1
	log_test $fail "${FAKE_BATCH_TESTS[1]}"

	state >"$TMP/state0" 2>&1
	apply "${FAKE_BATCH_TESTS[2]}" 0 "" "$B" ""
	fail=$?
	same_state "${FAKE_BATCH_TESTS[2]}" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[2]}"

	# What systemd's ExecReload= runs: a file that says flush first.
	sed -i '1a flush' "$B"
	apply "${FAKE_BATCH_TESTS[3]}" 0 "" "$B" ""
	fail=$?
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
	apply "${FAKE_BATCH_TESTS[4]}" 0 "" "$B" "cmd=2 flags=0x5 ver=1 ifindex=1 int=fd00:: plen=64
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd02:: ext=2406:2:: plen=64
newlink flags=0x5 index=101 $data hoplimit=64 } }"
	fail=$?
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
	# Deletions first, then changes (fd02's new external side and proxy
	# mode re-point it in place), then additions; undone newest first.
	apply "${FAKE_BATCH_TESTS[5]}" 1 \
		"Error: $TMP/refuse.conf:6: npt6: external prefix refused" \
		"$TMP/refuse.conf" "cmd=2 flags=0x5 ver=1 ifindex=1 int=fd01:: plen=64
cmd=5 flags=0x5 ver=1 ifindex=1 int=fd02:: ext=2406:22:: plen=64 ndproxy=2 mode=0
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd03:: ext=2001:db8:bad:: plen=64
cmd=5 flags=0x5 ver=1 ifindex=1 int=fd02:: ext=2406:2:: plen=64 ndproxy=0 mode=0
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd01:: plen=64 ndproxy=0 auto token=::feed mode=0
dellink flags=0x5 index=101
newlink flags=0x5 index=100 $data local=2001:db8::5 token=:: hoplimit=5 } }
newlink flags=0x605 index=0 ifname=new0 $data link=1 remote=2001:db8::7 local_auto $dflt } }
dellink flags=0x5 index=102
newlink flags=0x5 index=100 $data local_auto token=::feed hoplimit=64 } }
newlink flags=0x605 index=0 ifname=site0 mtu=1400 $data link=1 remote=2001:db8:2::7 local=2001:db8:1::c53b $dflt } }"
	fail=$?
	same_shape "${FAKE_BATCH_TESTS[5]}" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[5]}"

	# The same with a tunnel the kernel refuses, after mapping changes.
	printf '%s\n' "flush" "add fd09::/64 2406:9::/64 dev lo" \
		"tunnel change site0 mtu 1280" \
		"tunnel add bad0 remote 2001:db8:dead::1 local auto dev lo" \
		>"$TMP/refuse.conf"
	# Two deleted and one changed, then the refusal, then three undone.
	apply "${FAKE_BATCH_TESTS[6]}" 1 \
		"Error: $TMP/refuse.conf:4: fake: remote refused" \
		"$TMP/refuse.conf" "cmd=2 flags=0x5 ver=1 ifindex=1 int=fd01:: plen=64
cmd=2 flags=0x5 ver=1 ifindex=1 int=fd02:: plen=64
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd02:: ext=2406:2:: plen=64 ndproxy=0 mode=0
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd01:: plen=64 ndproxy=0 auto token=::feed mode=0
newlink flags=0x5 index=103 mtu=1280
newlink flags=0x605 index=0 ifname=bad0 $data link=1 remote=2001:db8:dead::1 local_auto $dflt } }
newlink flags=0x5 index=103 mtu=1400"
	fail=$?
	same_shape "${FAKE_BATCH_TESTS[6]}" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[6]}"

	# A mapping the kernel refuses as an overlap, on line 3.
	printf '%s\n' "add fd07::/64 2406:7::/64 dev lo" "" \
		"add fd08::/64 2406:7::/64 dev lo" >"$TMP/refuse.conf"
	apply "${FAKE_BATCH_TESTS[7]}" 1 \
		"Error: $TMP/refuse.conf:3: External prefix overlaps another mapping" \
		"$TMP/refuse.conf"
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
	apply "${FAKE_BATCH_TESTS[9]}" 1 \
		"Error: $TMP/x.conf:2: \"eth0\" is not an npt6 tunnel" "$TMP/x.conf" ""
	fail=$?
	printf 'tunnel del eth0\n' >"$TMP/x.conf"
	apply "${FAKE_BATCH_TESTS[9]}" 1 \
		"Error: $TMP/x.conf:1: \"eth0\" is not an npt6 tunnel" "$TMP/x.conf" "" ||
		fail=1
	log_test $fail "${FAKE_BATCH_TESTS[9]}"

	printf '%s\n' "del fd0f::/64 dev lo" "tunnel del nope0" "flush dev lo" \
		"add fd02::/64 2406:2::/64 dev lo" "tunnel del nope0" >"$TMP/x.conf"
	apply "${FAKE_BATCH_TESTS[10]}" 0 "" "$TMP/x.conf" ""
	fail=$?
	log_test $fail "${FAKE_BATCH_TESTS[10]}"

	printf '%s\n' "tunnel del site0" "tunnel change site0 mtu 1280" \
		>"$TMP/x.conf"
	apply "${FAKE_BATCH_TESTS[11]}" 1 \
		"Error: $TMP/x.conf:2: tunnel \"site0\" is deleted by line 1" "$TMP/x.conf"
	fail=$?
	printf '%s\n' "tunnel change nope0 mtu 1280" >"$TMP/x.conf"
	apply "${FAKE_BATCH_TESTS[11]}" 1 \
		"Error: $TMP/x.conf:1: unknown device \"nope0\"" "$TMP/x.conf" || fail=1
	printf '%s\n' "tunnel change site0 token ::1" >"$TMP/x.conf"
	apply "${FAKE_BATCH_TESTS[11]}" 1 \
		"Error: $TMP/x.conf:1: token needs \"local auto\"" "$TMP/x.conf" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[11]}"

	# "tunnel add" of an existing tunnel: one change request with what
	# differs, which a change line of the same tunnel joins.
	printf '%s\n' "tunnel add site0 remote 2001:db8:2::8 local auto token ::9 dev lo mtu 1400" \
		"tunnel change site0 mss off" >"$TMP/x.conf"
	apply "${FAKE_BATCH_TESTS[12]}" 0 "" "$TMP/x.conf" \
		"newlink flags=0x5 index=103 $data remote=2001:db8:2::8 local_auto token=::9 mss=0 } }"
	fail=$?
	apply "${FAKE_BATCH_TESTS[12]}" 0 "" "$TMP/x.conf" "" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[12]}"

	# Each protocol only when the file needs it.
	printf 'flush dev lo\n' >"$TMP/x.conf"
	apply "${FAKE_BATCH_TESTS[13]}" 0 "" "$TMP/x.conf"
	fail=$?
	[ -z "$(tail -n +$((M2 + 1)) "$TMP/brlog")" ] || fail=1
	printf 'tunnel del site0\n' >"$TMP/x.conf"
	apply "${FAKE_BATCH_TESTS[13]}" 0 "" "$TMP/x.conf" \
		"dellink flags=0x5 index=103" || fail=1
	[ -z "$(tail -n +$((M1 + 1)) "$TMP/blog")" ] || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[13]}"

	# Line 2 is refused, and so is the undoing of line 1: both are
	# reported with their lines, the count of what stayed, and the
	# mapping of line 1 is still there to be seen.
	printf '%s\n' "add fd0e::/64 2001:db8:bad:1::/64 dev lo" \
		"add fd0f::/64 2001:db8:bad::/64 dev lo" >"$TMP/stuck.conf"
	apply "${FAKE_BATCH_TESTS[14]}" 1 "Error: $TMP/stuck.conf:2: npt6: external prefix refused
Error: $TMP/stuck.conf:1: rollback: fake: mapping cannot be deleted
Error: $TMP/stuck.conf: 1 of 1 changes could not be undone" "$TMP/stuck.conf" \
		"cmd=1 flags=0x5 ver=1 ifindex=1 int=fd0e:: ext=2001:db8:bad:1:: plen=64
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd0f:: ext=2001:db8:bad:: plen=64
cmd=2 flags=0x5 ver=1 ifindex=1 int=fd0e:: plen=64"
	fail=$?
	bctl show dev lo | grep -q '^fd0e::/64 ' || {
		echo "    the mapping that could not be undone is not shown" >&2
		fail=1
	}
	log_test $fail "${FAKE_BATCH_TESTS[14]}"

	# The mode is configuration: changed in place like the external
	# side, and a line that does not name it asks for rfc6296.
	# (No flush: the mapping of the test before cannot be deleted.)
	printf '%s\n' "add fd0a::/64 2406:a::/64 dev lo" >"$TMP/mode.conf"
	apply "${FAKE_BATCH_TESTS[15]}" 0 "" "$TMP/mode.conf" \
		"cmd=1 flags=0x5 ver=1 ifindex=1 int=fd0a:: ext=2406:a:: plen=64"
	fail=$?
	bctl -j -s show >"$TMP/mode0.json" 2>&1
	printf '%s\n' "add fd0a::/64 2406:a::/64 dev lo mode keep-iid" \
		>"$TMP/mode.conf"
	apply "${FAKE_BATCH_TESTS[15]}" 0 "" "$TMP/mode.conf" \
		"cmd=5 flags=0x5 ver=1 ifindex=1 int=fd0a:: ext=2406:a:: plen=64 ndproxy=0 mode=1" ||
		fail=1
	apply "${FAKE_BATCH_TESTS[15]}" 0 "" "$TMP/mode.conf" "" || fail=1
	# Only the mode differs from before: the counters are the same.
	bctl -j -s show | sed 's/"mode":"keep-iid"/"mode":"rfc6296"/' \
		>"$TMP/mode1.json" 2>&1
	same_files "${FAKE_BATCH_TESTS[15]}" "states" "$TMP/mode0.json" \
		"$TMP/mode1.json" || fail=1
	grep -q '"mode":"keep-iid"' <(bctl -j show) || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[15]}"

	printf '%s\n' "add fd0a::/64 2406:a::/64 dev lo" >"$TMP/mode.conf"
	apply "${FAKE_BATCH_TESTS[16]}" 0 "" "$TMP/mode.conf" \
		"cmd=5 flags=0x5 ver=1 ifindex=1 int=fd0a:: ext=2406:a:: plen=64 ndproxy=0 mode=0"
	fail=$?
	apply "${FAKE_BATCH_TESTS[16]}" 0 "" "$TMP/mode.conf" "" || fail=1
	bctl -j -s show >"$TMP/mode1.json" 2>&1
	same_files "${FAKE_BATCH_TESTS[16]}" "states" "$TMP/mode0.json" \
		"$TMP/mode1.json" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[16]}"

	# A keep-iid mapping deleted, then a refusal: it comes back keep-iid.
	printf '%s\n' "add fd0a::/64 2406:a::/64 dev lo mode keep-iid" >"$TMP/mode.conf"
	bctl -b "$TMP/mode.conf" || echo "    could not make fd0a keep-iid" >&2
	shape >"$TMP/state0"
	printf '%s\n' "del fd0a::/64 dev lo" "add fd0b::/64 2001:db8:bad::/64 dev lo" \
		>"$TMP/mode.conf"
	apply "${FAKE_BATCH_TESTS[17]}" 1 \
		"Error: $TMP/mode.conf:2: npt6: external prefix refused" \
		"$TMP/mode.conf" "cmd=2 flags=0x5 ver=1 ifindex=1 int=fd0a:: plen=64
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd0b:: ext=2001:db8:bad:: plen=64
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd0a:: ext=2406:a:: plen=64 ndproxy=0 mode=1"
	fail=$?
	same_shape "${FAKE_BATCH_TESTS[17]}" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[17]}"

	# Likewise the proxy mode, whose default on lo is off: taking
	# "ndproxy all" out of a line must say so to CHANGE, which would keep
	# it, or every later run would send the same CHANGE again.
	printf '%s\n' "add fd0c::/64 2406:c::/64 dev lo ndproxy all" >"$TMP/ndp.conf"
	apply "${FAKE_BATCH_TESTS[18]}" 0 "" "$TMP/ndp.conf" \
		"cmd=1 flags=0x5 ver=1 ifindex=1 int=fd0c:: ext=2406:c:: plen=64 ndproxy=2"
	fail=$?
	printf '%s\n' "add fd0c::/64 2406:c::/64 dev lo" >"$TMP/ndp.conf"
	apply "${FAKE_BATCH_TESTS[18]}" 0 "" "$TMP/ndp.conf" \
		"cmd=5 flags=0x5 ver=1 ifindex=1 int=fd0c:: ext=2406:c:: plen=64 ndproxy=0 mode=0" ||
		fail=1
	apply "${FAKE_BATCH_TESTS[18]}" 0 "" "$TMP/ndp.conf" "" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[18]}"

	# fastpath is configuration too: off unless a line says on, changed
	# in place with the counters kept.
	printf '%s\n' "tunnel add fp0 remote 2001:db8:2::9 local auto dev lo fastpath on" \
		>"$TMP/fp.conf"
	apply "${FAKE_BATCH_TESTS[19]}" 0 "" "$TMP/fp.conf" \
		"newlink flags=0x605 index=0 ifname=fp0 $data link=1 remote=2001:db8:2::9 local_auto hoplimit=64 tclass=0xffffffff flowlabel=0xffffffff encaplimit=65535 mss=65535 fastpath=1 } }"
	fail=$?
	apply "${FAKE_BATCH_TESTS[19]}" 0 "" "$TMP/fp.conf" "" || fail=1
	bctl -j -s tunnel show fp0 >"$TMP/fp0.json" 2>&1
	grep -q '"fastpath":true' "$TMP/fp0.json" || fail=1
	printf '%s\n' "tunnel add fp0 remote 2001:db8:2::9 local auto dev lo" \
		>"$TMP/fp.conf"
	apply "${FAKE_BATCH_TESTS[19]}" 0 "" "$TMP/fp.conf" \
		"newlink flags=0x5 index=104 $data fastpath=0 } }" || fail=1
	apply "${FAKE_BATCH_TESTS[19]}" 0 "" "$TMP/fp.conf" "" || fail=1
	# Only fastpath differs from before: the counters are the same.
	bctl -j -s tunnel show fp0 | sed 's/"fastpath":false/"fastpath":true/' \
		>"$TMP/fp1.json" 2>&1
	same_files "${FAKE_BATCH_TESTS[19]}" "states" "$TMP/fp0.json" \
		"$TMP/fp1.json" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[19]}"

	shape >"$TMP/state0"
	printf '%s\n' "tunnel change fp0 fastpath on" \
		"add fd0f::/64 2001:db8:bad::/64 dev lo" >"$TMP/fp.conf"
	apply "${FAKE_BATCH_TESTS[20]}" 1 \
		"Error: $TMP/fp.conf:2: npt6: external prefix refused" \
		"$TMP/fp.conf" "cmd=1 flags=0x5 ver=1 ifindex=1 int=fd0f:: ext=2001:db8:bad:: plen=64
newlink flags=0x5 index=104 $data fastpath=1 } }
newlink flags=0x5 index=104 $data fastpath=0 } }"
	fail=$?
	same_shape "${FAKE_BATCH_TESTS[20]}" || fail=1
	log_test $fail "${FAKE_BATCH_TESTS[20]}"
	batch_stop

	# A module older than fastpath ignores the attribute and reports
	# none: its tunnels have it off.  A file that asks for off (or says
	# nothing) is applied once and then sends nothing; on is refused,
	# as it could not be had.
	fail=1
	if batch_start oldtable; then
		printf '%s\n' "tunnel add old0 remote 2001:db8:2::a local auto dev lo" \
			>"$TMP/old.conf"
		apply "${FAKE_BATCH_TESTS[21]}" 0 "" "$TMP/old.conf" \
			"newlink flags=0x605 index=0 ifname=old0 $data link=1 remote=2001:db8:2::a local_auto $dflt } }"
		fail=$?
		apply "${FAKE_BATCH_TESTS[21]}" 0 "" "$TMP/old.conf" "" || fail=1
		compare "${FAKE_BATCH_TESTS[21]}" 0 "" \
			"old0: remote 2001:db8:2::a local auto (no address yet) dev lo mtu 1460 mss auto hoplimit 64 tclass inherit flowlabel inherit encaplimit none" \
			-- bctl tunnel show || fail=1
		printf '%s\n' "tunnel add old0 remote 2001:db8:2::a local auto dev lo fastpath off" \
			"tunnel change old0 fastpath off" >"$TMP/old.conf"
		apply "${FAKE_BATCH_TESTS[21]}" 0 "" "$TMP/old.conf" "" || fail=1
		# Deleted and added again by the file: compared as it is.
		printf '%s\n' "tunnel del old0" \
			"tunnel add old0 remote 2001:db8:2::a local auto dev lo" >"$TMP/old.conf"
		apply "${FAKE_BATCH_TESTS[21]}" 0 "" "$TMP/old.conf" "" || fail=1
		printf '%s\n' "tunnel add old0 remote 2001:db8:2::a local auto dev lo fastpath on" \
			>"$TMP/old.conf"
		apply "${FAKE_BATCH_TESTS[21]}" 1 \
			"Error: $TMP/old.conf:1: the npt6 module is too old for fastpath" \
			"$TMP/old.conf" "" || fail=1
		printf '%s\n' "tunnel add old0 remote 2001:db8:2::a local auto dev lo" \
			"tunnel change old0 mtu 1400 fastpath on" >"$TMP/old.conf"
		apply "${FAKE_BATCH_TESTS[21]}" 1 \
			"Error: $TMP/old.conf:2: the npt6 module is too old for fastpath" \
			"$TMP/old.conf" "" || fail=1
	fi
	batch_stop
	log_test $fail "${FAKE_BATCH_TESTS[21]}"
}
fake_batch_tests
