# SPDX-License-Identifier: GPL-2.0
#
# Sourced by run.sh, after the tests before it: every kind of -j output, checked against tools/schema by
# validate_json.py.

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
	for sc in ok auto legacy modes escape empty intr; do
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
			"tunnel add t0 remote ::1 local auto token ::2 dev lo mss 1400 tclass 0x10 flowlabel 7 encaplimit 4 fastpath on" \
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
show|[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"dynamic","active":true,"mode":"rfc6296"}]
show|[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":null,"prefix_len":64,"external_source":"static","active":true,"mode":"rfc6296"}]
show|[{"dev":"ge0","ifindex":3,"internal":"fd00::/80","external":"2406::/80","prefix_len":80,"external_source":"static","active":true,"mode":"rfc6296"}]
show|[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"mode":"rfc6296","colour":"blue"}]
show|[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"mode":"rfc6296","stats":{"snpt":{"packets":-1}}}]
show|[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"auto","token":"fd00::g","active":true,"mode":"rfc6296"}]
show|[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true}]
show|[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"mode":"keep_iid"}]
show|[{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"mode":"rfc6296","stats":{"snpt":{"packets":0,"bytes":0,"icmp_inner":0,"local":0,"collision":0,"drop_unmappable":0,"drop_nomem":0,"csum_unknown":0}}}]
tunnel_show|[{"name":"t0","ifindex":7,"remote":"::1","local":null,"local_auto":false,"token":null,"active_local":null,"dev":"lo"}]
tunnel_show|[{"name":"t0","ifindex":7,"remote":"::1","local":null,"local_auto":true,"token":null,"active_local":null,"dev":"lo","mss":87}]
tunnel_show|[{"name":"t0","ifindex":7,"remote":"::1","local":null,"local_auto":true,"token":null,"active_local":null,"dev":"lo","tclass":"auto"}]
tunnel_show|[{"name":"t0","ifindex":7,"remote":"::1","local":null,"local_auto":true,"token":null,"active_local":null,"dev":"lo","fastpath":"on"}]
tunnel_show|[{"name":"t0","ifindex":7,"remote":"::1","local":null,"local_auto":true,"token":null,"active_local":null,"dev":"lo","fastpath":1}]
event|{"event":"change","mapping":{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"auto","active":true,"mode":"rfc6296"}}
event|{"event":"add","mapping":{"dev":"ge0","ifindex":3,"internal":"fd00::/64","external":"2406::/64","prefix_len":64,"external_source":"static","active":true,"mode":"rfc6296"},"old_external":null}
EOF
	log_test $fail "${SCHEMA_TESTS[5]}"
}
json_schema_tests
