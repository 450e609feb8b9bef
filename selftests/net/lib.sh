#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the npt6 netns selftests, in the manner of the kernel's
# tools/testing/selftests/net/lib.sh: namespaces with random suffixes that
# a `trap cleanup EXIT` removes, check_err/log_test bookkeeping into
# EXIT_STATUS, and one topology builder shared by every test:
#
#   lan ---- rtr ==ge0== wan ---- core ---- inet
#   host     NPT66       ISP      transit   internet host
#
#   lan  lan0 $LAN_HOST in $INT_PFX (a ULA /64)
#   rtr  ge1  $RTR_LAN  in $INT_PFX; ge0 $RTR_WAN on the transit link;
#             the npt6 mapping $INT_PFX <-> $EXT_PFX lives on ge0
#   wan  w0   $WAN_ADDR; routes $EXT_PFX to rtr; w1 toward core
#   core c0/c1, a plain forwarder (its link to wan can be made 1280)
#   inet i0   $INET_ADDR
#
# Every test builds its own copy (topo_create) so that nothing, conntrack
# and ip6tables state in particular, leaks from one test into the next.

# Kselftest exit codes.
ksft_pass=0
ksft_fail=1
ksft_skip=4

NET_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
NPT6_ROOT=$(cd "$NET_DIR/../.." && pwd -P)
# NPT6_NPTCTL overrides the tool to test (vm.sh passes NPT6_* into the guest).
NPTCTL=${NPT6_NPTCTL:-$NPT6_ROOT/tools/nptctl/nptctl}
# Debian's interpreter, which has python3-scapy, whatever PATH says.
PYTHON=${PYTHON:-/usr/bin/python3}
export PYTHONDONTWRITEBYTECODE=1
export LC_ALL=C

EXIT_STATUS=0
RET=0
retmsg=
NUM_PASS=0
NUM_FAIL=0
NUM_SKIP=0
# Space-separated lists of what cleanup must undo.
NS_LIST=
BG_PIDS=
TMP_DIR=

# Prefixes and addresses of the standard topology.
INT_PFX=fd8e:52a1:3c07:1::/64
EXT_PFX=2001:db8:5f00:1::/64
LAN_HOST=fd8e:52a1:3c07:1::10
RTR_LAN=fd8e:52a1:3c07:1::1
RTR_WAN=2001:db8:ffff:1::2
WAN_ADDR=2001:db8:ffff:1::1
WAN_CORE=2001:db8:ffff:2::1
CORE_WAN=2001:db8:ffff:2::2
CORE_INET=2001:db8:ffff:3::1
INET_ADDR=2001:db8:ffff:3::80
# Far-end addresses for crafted packets; wan discards them silently.
REMOTE_PFX=2001:db8:dead::

# Fixed MACs, so crafted frames can be addressed without asking.
MAC_LAN0=02:6e:70:00:00:10
MAC_GE1=02:6e:70:00:01:01
MAC_GE0=02:6e:70:00:01:00
MAC_W0=02:6e:70:00:02:00
MAC_W1=02:6e:70:00:02:01
MAC_C0=02:6e:70:00:03:00
MAC_C1=02:6e:70:00:03:01
MAC_I0=02:6e:70:00:04:00

# ---------------------------------------------------------------------
# Bookkeeping

check_err()
{
	local err=$1
	local msg=$2

	if [ "$RET" -eq 0 ] && [ "$err" -ne 0 ]; then
		RET=$err
		retmsg=$msg
	fi
}

# check_fail ERR MSG: the opposite, for a command that must fail.
check_fail()
{
	check_err "$(($1 == 0 ? ksft_fail : 0))" "$2"
}

log_test()
{
	local desc=$1

	if [ "$RET" -eq "$ksft_skip" ]; then
		printf 'TEST: %s  [SKIP]\n' "$desc"
		[ -n "$retmsg" ] && printf '%s\n' "$retmsg" | log_indent
		NUM_SKIP=$((NUM_SKIP + 1))
	elif [ "$RET" -ne 0 ]; then
		printf 'TEST: %s  [FAIL]\n' "$desc"
		[ -n "$retmsg" ] && printf '%s\n' "$retmsg" | log_indent
		NUM_FAIL=$((NUM_FAIL + 1))
		EXIT_STATUS=$ksft_fail
	else
		printf 'TEST: %s  [ OK ]\n' "$desc"
		NUM_PASS=$((NUM_PASS + 1))
	fi
	RET=0
	retmsg=
}

log_test_skip()
{
	RET=$ksft_skip
	retmsg=$2
	log_test "$1"
}

log_info()
{
	printf 'INFO: %s\n' "$*"
}

# Indent command output under the TEST line it explains.
log_indent()
{
	sed 's/^/\t/'
}

require_cmd()
{
	local cmd

	for cmd in "$@"; do
		if ! command -v "$cmd" >/dev/null 2>&1; then
			echo "SKIP: $cmd not found"
			exit $ksft_skip
		fi
	done
}

require_scapy()
{
	if ! "$PYTHON" -c 'import scapy.layers.inet6' 2>/dev/null; then
		echo "SKIP: $PYTHON cannot import scapy (install python3-scapy)"
		exit $ksft_skip
	fi
}

# Poll CMD every 0.1 s until it succeeds or TIMEOUT_MS passes.
busywait()
{
	local timeout_ms=$1
	local deadline

	shift
	deadline=$(($(date +%s%3N) + timeout_ms))
	while true; do
		"$@" && return 0
		[ "$(date +%s%3N)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

tmpfile()
{
	[ -n "$TMP_DIR" ] || TMP_DIR=$(mktemp -d /tmp/npt6-test.XXXXXX)
	mktemp "$TMP_DIR/$1.XXXXXX"
}

# ---------------------------------------------------------------------
# Namespaces and background jobs

# setup_ns VAR...: create one namespace per VAR, named VAR-<random>, and
# store the name in VAR.  IPv6 is set up to be quick and deterministic:
# no DAD, no automatic flow labels (pkt.py tags packets with them).
setup_ns()
{
	local var name

	for var in "$@"; do
		name=$var-$(mktemp -u XXXXXX)
		ip netns add "$name" || return 1
		NS_LIST="$NS_LIST $name"
		eval "$var=\$name"
		ip -n "$name" link set lo up
		ip netns exec "$name" sysctl -qw \
			net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.accept_ra=0 \
			net.ipv6.conf.default.accept_ra=0 \
			net.ipv6.auto_flowlabels=0 \
			net.ipv6.icmp.ratelimit=0 || return 1
	done
}

cleanup_ns()
{
	local ns

	for ns in "$@"; do
		ip netns del "$ns" 2>/dev/null
		NS_LIST=$(echo "$NS_LIST" | sed "s/ $ns\b//")
	done
}

# bg CMD...: run CMD in the background and remember it for cleanup.
# The pid is left in BG_PID.
bg()
{
	"$@" >/dev/null 2>&1 &
	BG_PID=$!
	BG_PIDS="$BG_PIDS $BG_PID"
}

bg_stop()
{
	local pid

	for pid in "$@"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		BG_PIDS=$(echo "$BG_PIDS" | sed "s/ $pid\b//")
	done
	return 0
}

cleanup()
{
	local pid

	for pid in $BG_PIDS; do
		kill "$pid" 2>/dev/null
	done
	for pid in $BG_PIDS; do
		wait "$pid" 2>/dev/null
	done
	BG_PIDS=
	cleanup_ns $NS_LIST
	[ -n "$TMP_DIR" ] && rm -rf "$TMP_DIR"
	TMP_DIR=
	# A script's own last words, if it has any (test_nic.sh's NICs).
	if declare -F cleanup_script >/dev/null; then
		cleanup_script
	fi
}

# kernel_log_check [EXTRA WHAT]: one check that the kernel log since
# npt6_run_tests (or the script) wrote $KMSG_MARK has no BUG, WARNING,
# Oops, KASAN or refcount line, nor one matching the extended regexp
# EXTRA, which WHAT names in the check's description.
kernel_log_check()
{
	local bad='BUG|WARNING|Oops|KASAN|UBSAN|refcount|general protection|unregister_netdevice: waiting|Call Trace'
	local out

	RET=0
	[ -n "${1:-}" ] && bad="$bad|$1"
	out=$(dmesg | sed -n "/$KMSG_MARK/,\$p" | grep -E "$bad")
	[ -z "$out" ]
	check_err $? "$(echo "$out" | head -n 20)"
	log_test "kernel log: no BUG, WARNING, Oops, KASAN or refcount lines${2:+, no $2,} during the tests"
}

# kernel_log: the test function of that name, for scripts that need no
# more than kernel_log_check.
kernel_log()
{
	kernel_log_check
}

# end_test: what a test built goes: its background jobs and namespaces.
# A script with more to undo (test_nic.sh's NICs) defines its own.
end_test()
{
	bg_stop $BG_PIDS
	cleanup_ns $NS_LIST
}

# setup_failed MESSAGE NAME: NAME's topology could not be built; one
# failed check says why, and the rest of it goes.
setup_failed()
{
	RET=$ksft_fail
	retmsg=${1:-setup failed}
	log_test "$2: setup"
	end_test
}

# port_listening NS PORT: is a TCP socket listening on PORT in NS?
port_listening()
{
	ip netns exec "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q .
}

# snmp6 NS COUNTER: a counter from the namespace's /proc/net/snmp6.
snmp6()
{
	ip netns exec "$1" awk -v c="$2" '$1 == c { print $2 }' /proc/net/snmp6
}

# iperf_run CLIENT_NS SERVER_NS ADDR [iperf3 client options]: a 2 s iperf3
# TCP run from CLIENT_NS to a one-off server in SERVER_NS at ADDR.  The
# bytes received are left in IPERF_BYTES, the JSON report in IPERF_JSON.
iperf_run()
{
	local cns=$1 sns=$2 addr=$3 rc spid

	shift 3
	IPERF_BYTES=0
	IPERF_JSON=$(tmpfile iperf)
	bg ip netns exec "$sns" iperf3 -s -1 -p 5201
	spid=$BG_PID
	if ! busywait 10000 port_listening "$sns" 5201; then
		bg_stop $spid
		echo "iperf3 server did not start" >"$IPERF_JSON"
		return 1
	fi
	ip netns exec "$cns" timeout 60 iperf3 -c "$addr" -p 5201 -t 2 -J \
		"$@" >"$IPERF_JSON" 2>&1
	rc=$?
	IPERF_BYTES=$(jq -r '.end.sum_received.bytes // 0' "$IPERF_JSON" \
		2>/dev/null | cut -d. -f1)
	: "${IPERF_BYTES:=0}"
	bg_stop $spid
	return $rc
}

# ping_ok NS DST [ping options]: 3 echoes, all answered within 10 s.
ping_ok()
{
	local ns=$1 dst=$2

	shift 2
	ip netns exec "$ns" ping -n -q -c 3 -i 0.3 -w 10 "$@" "$dst" \
		>/dev/null 2>&1
}

# More packet sockets in NS than N?
packet_sockets_above()
{
	[ "$(ip netns exec "$1" cat /proc/net/packet | wc -l)" -gt "$2" ]
}

# capture_start NS IF FILE FILTER...: tcpdump into FILE, already running
# when this returns; its pid is left in CAP_PID.
capture_start()
{
	local ns=$1 ifc=$2 file=$3 n

	shift 3
	n=$(ip netns exec "$ns" cat /proc/net/packet | wc -l)
	bg ip netns exec "$ns" tcpdump -i "$ifc" -n -U --immediate-mode -s 256 -w "$file" "$@"
	CAP_PID=$BG_PID
	busywait 10000 packet_sockets_above "$ns" "$n"
}

capture_stop()
{
	sleep 0.3
	bg_stop "$1"
}

# pktgen_start NS DEV DST_MAC SRC6 DST6 PPS: the kernel's packet generator
# sends 200-byte IPv6 UDP datagrams from DEV in NS at PPS packets a second
# until pktgen_stop NS, or until NS goes.  Background job; pid in BG_PID.
# pktgen busy-waits for gaps under 100 us, which takes a whole CPU
# whatever the rate, and veth takes no bursts; so PPS is at most 4000,
# gaps of 250 us that pktgen sleeps through.
pktgen_start()
{
	local ns=$1 dev=$2 mac=$3 src=$4 dst=$5 pps=$6

	[ "$pps" -le 4000 ] || { log_info "pktgen_start: $pps > 4000 pps"; return 1; }
	modprobe pktgen || return 1
	ip netns exec "$ns" sh -c '
		dev=$1; shift
		echo rem_device_all >/proc/net/pktgen/kpktgend_0 &&
		echo "add_device $dev" >/proc/net/pktgen/kpktgend_0 || exit 1
		for c in "$@"; do
			echo "$c" >"/proc/net/pktgen/$dev" ||
				{ echo "pktgen: $dev: $c" >&2; exit 1; }
		done' sh "$dev" "count 0" "clone_skb 0" "pkt_size 200" \
		"delay $((1000000000 / pps))" \
		"dst_mac $mac" "src6 $src" "dst6 $dst" "udp_src_min 9" \
		"udp_src_max 9" "udp_dst_min 9" "udp_dst_max 9" || return 1
	bg ip netns exec "$ns" sh -c 'echo start >/proc/net/pktgen/pgctrl'
}

pktgen_stop()
{
	ip netns exec "$1" sh -c 'echo stop >/proc/net/pktgen/pgctrl' 2>/dev/null
}

# ---------------------------------------------------------------------
# The topology

# veth_pair NS1 IF1 MAC1 NS2 IF2 MAC2
veth_pair()
{
	ip link add name "$2" address "$3" netns "$1" type veth \
		peer name "$5" address "$6" netns "$4" || return 1
	ip -n "$1" link set "$2" up && ip -n "$4" link set "$5" up
}

topo_create()
{
	setup_ns lan rtr wan core inet || return 1

	veth_pair "$lan" lan0 $MAC_LAN0 "$rtr" ge1 $MAC_GE1 &&
	veth_pair "$rtr" ge0 $MAC_GE0 "$wan" w0 $MAC_W0 &&
	veth_pair "$wan" w1 $MAC_W1 "$core" c0 $MAC_C0 &&
	veth_pair "$core" c1 $MAC_C1 "$inet" i0 $MAC_I0 || return 1

	local ns
	for ns in "$rtr" "$wan" "$core"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.forwarding=1 ||
			return 1
	done

	ip -n "$lan" -6 addr add $LAN_HOST/64 dev lan0 nodad &&
	ip -n "$lan" -6 route add default via $RTR_LAN &&

	ip -n "$rtr" -6 addr add $RTR_LAN/64 dev ge1 nodad &&
	ip -n "$rtr" -6 addr add $RTR_WAN/64 dev ge0 nodad &&
	ip -n "$rtr" -6 route add default via $WAN_ADDR &&
	# As on a real router: the external prefix is routed to us, so with
	# no translation (module unloaded) it must not bounce back upstream
	# and loop until the hop limit runs out, as a ping flood then would.
	ip -n "$rtr" -6 route add unreachable $EXT_PFX metric 4096 &&

	ip -n "$wan" -6 addr add $WAN_ADDR/64 dev w0 nodad &&
	ip -n "$wan" -6 addr add $WAN_CORE/64 dev w1 nodad &&
	ip -n "$wan" -6 route add $EXT_PFX via $RTR_WAN &&
	ip -n "$wan" -6 route add 2001:db8:ffff:3::/64 via $CORE_WAN &&
	ip -n "$wan" -6 route add blackhole ${REMOTE_PFX}/48 &&

	ip -n "$core" -6 addr add $CORE_WAN/64 dev c0 nodad &&
	ip -n "$core" -6 addr add $CORE_INET/64 dev c1 nodad &&
	ip -n "$core" -6 route add default via $WAN_CORE &&

	ip -n "$inet" -6 addr add $INET_ADDR/64 dev i0 nodad &&
	ip -n "$inet" -6 route add default via $CORE_INET || return 1

	# Resolved neighbours: no first-packet ND delays under emulation.
	ip -n "$lan" neigh replace $RTR_LAN lladdr $MAC_GE1 dev lan0 nud permanent &&
	ip -n "$rtr" neigh replace $LAN_HOST lladdr $MAC_LAN0 dev ge1 nud permanent &&
	ip -n "$rtr" neigh replace $WAN_ADDR lladdr $MAC_W0 dev ge0 nud permanent &&
	ip -n "$wan" neigh replace $RTR_WAN lladdr $MAC_GE0 dev w0 nud permanent &&
	ip -n "$wan" neigh replace $CORE_WAN lladdr $MAC_C0 dev w1 nud permanent &&
	ip -n "$core" neigh replace $WAN_CORE lladdr $MAC_W1 dev c0 nud permanent &&
	ip -n "$core" neigh replace $INET_ADDR lladdr $MAC_I0 dev c1 nud permanent &&
	ip -n "$inet" neigh replace $CORE_INET lladdr $MAC_C1 dev i0 nud permanent
}

topo_destroy()
{
	cleanup_ns "$lan" "$rtr" "$wan" "$core" "$inet"
}

# ---------------------------------------------------------------------
# npt6 and the model

# npt_map FROM_PFX TO_PFX ADDR: ADDR translated by the independent model.
npt_map()
{
	"$PYTHON" "$NET_DIR/npt.py" map "$@"
}

nptctl()
{
	"$NPTCTL" "$@"
}

# rtr_nptctl ARGS...: nptctl inside the router namespace.
rtr_nptctl()
{
	ip netns exec "$rtr" "$NPTCTL" "$@"
}

# npt6_stat NS DEV DIRECTION COUNTER: one counter of the (first) mapping
# on DEV, from `nptctl -j -s show`.  Prints nothing on error.
npt6_stat()
{
	ip netns exec "$1" "$NPTCTL" -j -s show dev "$2" 2>/dev/null |
		jq -r --arg d "$3" --arg c "$4" '.[0].stats[$d][$c] // empty' \
		2>/dev/null
}

npt6_loaded()
{
	[ -d /sys/module/npt6 ]
}

# Make sure the module can be loaded: it is what is under test, so not
# being able to load it is a failure, not a reason to skip.  By default
# the installed module, as users load it (DKMS).  NPT6_KO=path/npt6.ko
# makes it insmod a build tree's module instead, replacing an npt6 of
# another build that is already loaded; tests never set it themselves.
npt6_load()
{
	local ko=${NPT6_KO:-} want have

	if [ -z "$ko" ] || [ ! -f "$ko" ]; then
		npt6_loaded || modprobe npt6
		return
	fi
	want=$(modinfo -F srcversion "$ko" 2>/dev/null)
	if npt6_loaded; then
		have=$(cat /sys/module/npt6/srcversion 2>/dev/null)
		[ -n "$want" ] && [ "$have" = "$want" ] && return 0
		log_info "replacing the loaded npt6 ($have) with $ko ($want)"
		rmmod npt6 || return 1
	fi
	# insmod resolves no dependencies: load what npt6 links against.
	modprobe -a tunnel6 ip_tunnel 2>/dev/null
	insmod "$ko"
}

npt6_usage()
{
	cat <<EOF
usage: ${0##*/} [-t "TESTS"] [-h]

	-t TESTS  run only these tests, in this order (default: all, or
	          \$NPT6_TESTS)${FIRST_TEST:+; $FIRST_TEST always runs first}
Tests: $(echo $ALL_TESTS)
EOF
}

# npt6_run_tests "$@": the main of a test script whose test functions
# $ALL_TESTS names (NPT6_TESTS or -t picks some): skip unless root with
# nptctl built, load npt6, run the tests, print the summary line and exit
# with the kselftest status.  Check other tools with require_cmd first.
# A script whose tests all build on one (test_starlink's topology) names
# it in $FIRST_TEST, and it runs first whatever -t picks.
npt6_run_tests()
{
	local opt t t0

	TESTS=${NPT6_TESTS:-${TESTS:-$ALL_TESTS}}
	while getopts "t:h" opt; do
		case $opt in
		t) TESTS=$OPTARG ;;
		h) npt6_usage; exit 0 ;;
		*) npt6_usage; exit 1 ;;
		esac
	done
	for t in $TESTS; do
		case " $(echo $ALL_TESTS) " in
		*" $t "*) ;;
		*) echo "unknown test '$t'"; npt6_usage; exit 1 ;;
		esac
	done
	if [ -n "${FIRST_TEST:-}" ]; then
		case " $(echo $TESTS) " in
		*" $FIRST_TEST "*) ;;
		*) TESTS="$FIRST_TEST $TESTS" ;;
		esac
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: need root"
		exit $ksft_skip
	fi
	if [ ! -x "$NPTCTL" ]; then
		echo "SKIP: $NPTCTL not built (make nptctl)"
		exit $ksft_skip
	fi
	# A script's own preconditions, and what it loads beside npt6.
	if declare -F npt6_script_ready >/dev/null && ! npt6_script_ready; then
		exit $ksft_skip
	fi

	trap cleanup EXIT
	# Here, not lazily in tmpfile: that runs in $(...), whose TMP_DIR
	# would be lost to cleanup.
	TMP_DIR=$(mktemp -d "/tmp/npt6-${0##*/}.XXXXXX")
	KMSG_MARK="npt6-${0##*/}-$$-$(date +%s)"
	echo "$KMSG_MARK start" >/dev/kmsg 2>/dev/null

	if ! npt6_load; then
		RET=$ksft_fail
		retmsg="cannot load npt6 (is it installed? selftests/lib/install-module.sh)"
		log_test "npt6 module loads"
		exit $EXIT_STATUS
	fi
	log_info "npt6 $(cat /sys/module/npt6/srcversion 2>/dev/null), nptctl $NPTCTL"
	# Per-phase times show where a slow (debug) kernel spends its hours.
	# Not $SECONDS: some phases reset it for their own loops.
	for t in $TESTS; do
		t0=$EPOCHSECONDS
		$t
		log_info "$t took $((EPOCHSECONDS - t0))s"
	done

	printf '%d passed, %d failed, %d skipped\n' $NUM_PASS $NUM_FAIL $NUM_SKIP
	exit $EXIT_STATUS
}
