# SPDX-License-Identifier: GPL-2.0
#
# Sourced by run.sh, after the tests before it: the test build of nptctl against fake_npt6: mappings, their
# requests, replies, errors, extended acks, dumps and events.

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
	"fake: add mode keep-iid sends MODE 1"
	"fake: add mode rfc6296 sends MODE 0"
	"fake: change mode keep-iid sends MODE 1"
	"fake: change without mode sends no MODE"
	"fake: local errors send nothing (bad mode)"
	"fake: local errors send nothing (mode on del)"
	"fake: show modes, keep-iid after ndproxy, rfc6296 not shown"
	"fake: -s show modes, keep-iid counters"
	"fake: -j -s show modes"
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

# pretty_json JSON: each line of JSON indented as -p prints it, which is
# what Python prints with indent=4.
pretty_json()
{
	printf '%s\n' "$1" | python3 -c 'import json, sys
for line in sys.stdin: print(json.dumps(json.loads(line), indent=4))'
}

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
	local ge0 ge1 ge0s ge1s j0 j1 j0s j1s st0 ndp0 sz dz nz auto ev evs ej jev malformed
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
	st0='    snpt: packets 10 bytes 1040 icmp_inner 1 local 0 collision 2 drop_unmappable 3 drop_nomem 4 csum_unknown 0 drop_truncated 0
    dnpt: packets 20 bytes 2080 icmp_inner 5 local 6 collision 0 drop_unmappable 7 drop_nomem 8 csum_unknown 0 drop_truncated 0'
	# Counters at zero.
	sz='    snpt: packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0 csum_unknown 0 drop_truncated 0'
	dz='    dnpt: packets 0 bytes 0 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0 csum_unknown 0 drop_truncated 0'
	nz='    ndp: ns_seen 0 na_sent 0 ign_local 0 ign_off 0 ign_unresolved 0 ign_outside 0 drop_malformed 0 ign_budget 0'
	ndp0='    ndp: ns_seen 30 na_sent 25 ign_local 1 ign_off 0 ign_unresolved 2 ign_outside 1 drop_malformed 1 ign_budget 0'
	ge0s="$ge0
$st0
$ndp0"
	ge1s="$ge1
    snpt: packets 18446744073709551615 bytes 1099511627776 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0 csum_unknown 0 drop_truncated 0
$dz
    ndp: ns_seen 0 na_sent 0 ign_local 0 ign_off 0 ign_unresolved 0 ign_outside 0 drop_malformed 18446744073709551615 ign_budget 0"
	j0='{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"ndproxy":"auto","mode":"rfc6296"'
	j1='{"dev":"ge1","ifindex":5,"internal":"fdce:b680:5c56:5::/64","external":"2406:2d40:3084:e000::/64","prefix_len":64,"external_source":"static","active":true,"ndproxy":"all","mode":"rfc6296"'
	j0s="$j0"',"stats":{"snpt":{"packets":10,"bytes":1040,"icmp_inner":1,"local":0,"collision":2,"drop_unmappable":3,"drop_nomem":4,"csum_unknown":0,"drop_truncated":0},"dnpt":{"packets":20,"bytes":2080,"icmp_inner":5,"local":6,"collision":0,"drop_unmappable":7,"drop_nomem":8,"csum_unknown":0,"drop_truncated":0},"ndp":{"ns_seen":30,"na_sent":25,"ign_local":1,"ign_off":0,"ign_unresolved":2,"ign_outside":1,"drop_malformed":1,"ign_budget":0}}}'
	j1s="$j1"',"stats":{"snpt":{"packets":18446744073709551615,"bytes":1099511627776,"icmp_inner":0,"local":0,"collision":0,"drop_unmappable":0,"drop_nomem":0,"csum_unknown":0,"drop_truncated":0},"dnpt":{"packets":0,"bytes":0,"icmp_inner":0,"local":0,"collision":0,"drop_unmappable":0,"drop_nomem":0,"csum_unknown":0,"drop_truncated":0},"ndp":{"ns_seen":0,"na_sent":0,"ign_local":0,"ign_off":0,"ign_unresolved":0,"ign_outside":0,"drop_malformed":18446744073709551615,"ign_budget":0}}}'

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
	fake ok "${FAKE_TESTS[8]}" 0 "" "$(pretty_json "[$j0},$j1}]")" "$ctrl
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
		'[{"dev":"q\"b\\s","ifindex":7,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"ndproxy":"off","mode":"rfc6296"}]' \
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
		'[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":null,"prefix_len":64,"external_source":"auto","token":"::feed","active":false,"ndproxy":"auto","mode":"rfc6296"},{"dev":"ge0","ifindex":3,"internal":"fd00:192:168:1::/64","external":"2409:10:2020:3c00::/64","prefix_len":64,"external_source":"auto","token":"::feed","external_address":"2409:10:2020:3c00::feed","active":true,"ndproxy":"auto","mode":"rfc6296"},{"dev":"ge1","ifindex":5,"internal":"fd01::/64","external":null,"prefix_len":64,"external_source":"auto","active":false,"ndproxy":"7","mode":"rfc6296"},{"dev":"ge1","ifindex":5,"internal":"fdce:b680:5c56:5::/64","external":"2406:2d40:3084:e000::/64","prefix_len":64,"external_source":"auto","external_address":"2406:2d40:3084:e000:1a2b:3c4d:5e6f:7a8b","active":true,"ndproxy":"all","mode":"rfc6296"}]' \
		"$ctrl
$dump" -j show
	fake auto "${FAKE_TESTS[34]}" 0 "" \
		"fd00::/64 -> auto (no address yet) dev ge0 token ::feed ndproxy auto
$sz
$dz
$nz
fd00:192:168:1::/64 -> 2409:10:2020:3c00::/64 dev ge0 auto token ::feed (from 2409:10:2020:3c00::feed) ndproxy auto
$sz
$dz
$ndp0
fd01::/64 -> auto (no address yet) dev ge1 ndproxy 7
$sz
$dz
$nz
fdce:b680:5c56:5::/64 -> 2406:2d40:3084:e000::/64 dev ge1 auto (from 2406:2d40:3084:e000:1a2b:3c4d:5e6f:7a8b) ndproxy all
$sz
$dz
$nz" "$ctrl
$dump" -s show
	fake badactive "${FAKE_TESTS[35]}" 1 \
		"Error: Unable to list mappings: Protocol error" "" "$ctrl
$dump" show
	fake legacy "${FAKE_TESTS[36]}" 0 "" \
		"fd00::/64 -> 2406::/64 dev ge0
$st0
fdce:b680:5c56:5::/64 -> 2406:2d40:3084:e000::/64 dev ge1
    snpt: packets 18446744073709551615 bytes 1099511627776 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0 csum_unknown 0 drop_truncated 0
$dz" \
		"$ctrl
$dump" -s show
	fake legacy "${FAKE_TESTS[37]}" 0 "" \
		'[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"mode":"rfc6296"},{"dev":"ge1","ifindex":5,"internal":"fdce:b680:5c56:5::/64","external":"2406:2d40:3084:e000::/64","prefix_len":64,"external_source":"static","active":true,"mode":"rfc6296"}]' \
		"$ctrl
$dump" -j show

	# monitor: the fake multicasts once we have joined (see fake_npt6.c).
	events="$ctrl
events: joined
events: sent"
	malformed='Warning: ignoring a malformed event: Protocol error'
	ev='add fd00::/64 -> 2406::/64 dev ge0 ndproxy auto
add fd00:1::/64 -> auto (no address yet) dev ge0 token ::feed ndproxy all mode keep-iid
change fd00:1::/64 dev ge0: inactive -> 2406:1::/64
change fd00:1::/64 dev ge0: 2406:1::/64 -> 2406:2::/64
change fd00:1::/64 dev ge0: 2406:2::/64 -> inactive
del fd00::/64 -> 2406::/64 dev ge0 ndproxy auto'
	fake_monitor events "${FAKE_TESTS[38]}" INT "$malformed" "$ev" "$events" monitor
	ej='{"dev":"ge0","ifindex":3,"internal":"fd00:1::/64"'
	jev='{"event":"add","mapping":{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"ndproxy":"auto","mode":"rfc6296"}}
{"event":"add","mapping":'"$ej"',"external":null,"prefix_len":64,"external_source":"auto","token":"::feed","active":false,"ndproxy":"all","mode":"keep-iid"}}
{"event":"change","mapping":'"$ej"',"external":"2406:1::/64","prefix_len":64,"external_source":"auto","token":"::feed","external_address":"2406:1::feed","active":true,"ndproxy":"all","mode":"keep-iid"},"old_external":null}
{"event":"change","mapping":'"$ej"',"external":"2406:2::/64","prefix_len":64,"external_source":"auto","token":"::feed","external_address":"2406:2::feed","active":true,"ndproxy":"all","mode":"keep-iid"},"old_external":"2406:1::/64"}
{"event":"change","mapping":'"$ej"',"external":null,"prefix_len":64,"external_source":"auto","token":"::feed","active":false,"ndproxy":"all","mode":"keep-iid"},"old_external":"2406:2::/64"}
{"event":"del","mapping":{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"ndproxy":"auto","mode":"rfc6296"}}'
	fake_monitor events "${FAKE_TESTS[39]}" TERM "$malformed" "$jev" \
		"$events" -j monitor
	evs="    snpt: packets 1 bytes 2 icmp_inner 3 local 4 collision 5 drop_unmappable 6 drop_nomem 7 csum_unknown 8 drop_truncated 9
$dz
    ndp: ns_seen 8 na_sent 9 ign_local 10 ign_off 11 ign_unresolved 12 ign_outside 13 drop_malformed 14 ign_budget 0"
	fake_monitor events "${FAKE_TESTS[40]}" INT "$malformed" \
		"add fd00::/64 -> 2406::/64 dev ge0 ndproxy auto
$evs
add fd00:1::/64 -> auto (no address yet) dev ge0 token ::feed ndproxy all mode keep-iid
$sz
$dz
$nz
change fd00:1::/64 dev ge0: inactive -> 2406:1::/64
change fd00:1::/64 dev ge0: 2406:1::/64 -> 2406:2::/64
change fd00:1::/64 dev ge0: 2406:2::/64 -> inactive
del fd00::/64 -> 2406::/64 dev ge0 ndproxy auto
$evs" "$events" -s mon
	fake_monitor events "${FAKE_TESTS[41]}" TERM "$malformed" \
		"$(pretty_json "$jev")" "$events" -p monitor
	fake nomcgrp "${FAKE_TESTS[42]}" 1 \
		'Error: npt6 kernel module has no "events" multicast group (install matching versions)' \
		"" "$ctrl" monitor
	fake unload "${FAKE_TESTS[43]}" 1 'Error: npt6 kernel module was unloaded' \
		'add fd00::/64 -> 2406::/64 dev ge0 ndproxy auto
add fd00:1::/64 -> auto (no address yet) dev ge0 token ::feed ndproxy all mode keep-iid' "$ctrl
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

	# Modes: what add and change send, and how mappings in each print.
	fake ok "${FAKE_TESTS[52]}" 0 "" "" "$ctrl
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd00:: ext=2406:: plen=64 mode=1" \
		add fd00::/64 2406::/64 dev lo mode keep-iid
	fake ok "${FAKE_TESTS[53]}" 0 "" "" "$ctrl
cmd=1 flags=0x5 ver=1 ifindex=1 int=fd00:: plen=64 ndproxy=2 auto token=::feed mode=0" \
		add fd00::/64 auto mo rfc6296 token ::feed dev lo ndproxy all
	fake ok "${FAKE_TESTS[54]}" 0 "" "" "$ctrl
cmd=5 flags=0x5 ver=1 ifindex=1 int=fd00:: ext=2406:1:: plen=64 mode=1" \
		change fd00::/64 2406:1::/64 mode keep-iid dev lo
	fake ok "${FAKE_TESTS[55]}" 0 "" "" "$ctrl
cmd=5 flags=0x5 ver=1 ifindex=1 int=fd00:: ext=2406:1:: plen=64 ndproxy=0" \
		change fd00::/64 2406:1::/64 dev lo ndproxy off
	fake ok "${FAKE_TESTS[56]}" 1 \
		'Error: invalid mode "keepiid" (expected rfc6296 or keep-iid)' "" "" \
		change fd00::/64 2406:1::/64 dev lo mode keepiid
	fake ok "${FAKE_TESTS[57]}" 1 'Error: unknown argument "mode"' "" "" \
		del fd00::/64 dev lo mode keep-iid
	local modes='fd00::/64 -> 2406::/64 dev ge0 ndproxy auto mode keep-iid
fd01::/64 -> 2406:1::/64 dev ge0 ndproxy auto
fd02::/64 -> auto (no address yet) dev ge1 ndproxy off mode 2'
	fake modes "${FAKE_TESTS[58]}" 0 "" "$modes" "$ctrl
$dump" show
	fake modes "${FAKE_TESTS[59]}" 0 "" "fd00::/64 -> 2406::/64 dev ge0 ndproxy auto mode keep-iid
    snpt: packets 40 bytes 4160 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0 csum_unknown 3 drop_truncated 1
    dnpt: packets 50 bytes 5200 icmp_inner 0 local 0 collision 0 drop_unmappable 0 drop_nomem 0 csum_unknown 5 drop_truncated 2
$nz
fd01::/64 -> 2406:1::/64 dev ge0 ndproxy auto
$sz
$dz
$nz
fd02::/64 -> auto (no address yet) dev ge1 ndproxy off mode 2
$sz
$dz
$nz" "$ctrl
$dump" -s show
	local jz='{"packets":0,"bytes":0,"icmp_inner":0,"local":0,"collision":0,"drop_unmappable":0,"drop_nomem":0,"csum_unknown":0,"drop_truncated":0}'
	local jn='"ndp":{"ns_seen":0,"na_sent":0,"ign_local":0,"ign_off":0,"ign_unresolved":0,"ign_outside":0,"drop_malformed":0,"ign_budget":0}'
	fake modes "${FAKE_TESTS[60]}" 0 "" \
		'[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"ndproxy":"auto","mode":"keep-iid","stats":{"snpt":{"packets":40,"bytes":4160,"icmp_inner":0,"local":0,"collision":0,"drop_unmappable":0,"drop_nomem":0,"csum_unknown":3,"drop_truncated":1},"dnpt":{"packets":50,"bytes":5200,"icmp_inner":0,"local":0,"collision":0,"drop_unmappable":0,"drop_nomem":0,"csum_unknown":5,"drop_truncated":2},'"$jn"'}},{"dev":"ge0","ifindex":3,"internal":"fd01::/64","external":"2406:1::/64","prefix_len":64,"external_source":"static","active":true,"ndproxy":"auto","mode":"rfc6296","stats":{"snpt":'"$jz"',"dnpt":'"$jz"','"$jn"'}},{"dev":"ge1","ifindex":5,"internal":"fd02::/64","external":null,"prefix_len":64,"external_source":"auto","active":false,"ndproxy":"off","mode":"2","stats":{"snpt":'"$jz"',"dnpt":'"$jz"','"$jn"'}}]' \
		"$ctrl
$dump" -j -s show

	fake_monitor events "${FAKE_TESTS[48]}" INT "$malformed" \
		"add ${B}fd00::/64$O -> ${B}2406::/64$O dev ${C}ge0$O ndproxy auto
add ${B}fd00:1::/64$O -> ${R}auto (no address yet)$O dev ${C}ge0$O token ::feed ndproxy all mode keep-iid
change ${B}fd00:1::/64$O dev ${C}ge0$O: ${R}inactive$O -> ${B}2406:1::/64$O
change ${B}fd00:1::/64$O dev ${C}ge0$O: ${B}2406:1::/64$O -> ${B}2406:2::/64$O
change ${B}fd00:1::/64$O dev ${C}ge0$O: ${B}2406:2::/64$O -> ${R}inactive$O
del ${B}fd00::/64$O -> ${B}2406::/64$O dev ${C}ge0$O ndproxy auto" "$events" -c monitor
}
fake_tests
