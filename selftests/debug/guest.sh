#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the debug guest (selftests/debug/run.sh boots it): the KUnit
# suites, every packet selftest, and then kmemleak.  Prints one TEST line
# per result; the kernel log itself is judged by vm.sh afterwards.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
NPT6_TEST_PREFIX="debug: "
KMEMLEAK=/sys/kernel/debug/kmemleak

# Slab memory in use, KiB: active objects times object size, all caches.
slab_kib()
{
	awk 'NR > 2 { s += $2 * $4 } END { printf "%d", s / 1024 }' /proc/slabinfo
}

npt6_loaded()
{
	[ -d /sys/module/npt6 ]
}

# Leak reports from before the tests (boot) are not ours: find them and
# set them aside.
kmemleak_baseline()
{
	if [ ! -w "$KMEMLEAK" ]; then
		log_test 1 "kmemleak is available"
		return 1
	fi
	echo scan >"$KMEMLEAK" && echo clear >"$KMEMLEAK"
}

# The KUnit suites of npt6.ko built with NPT6_KUNIT=y: one TEST line per
# case from the KTAP in the kernel log, and every suite in kmod/tests
# must have reported.
kunit()
{
	local ko=${NPT6_DEBUG_KUNIT_KO:-} log=/tmp/kunit.log suite line rc
	local -A seen=()

	if [ ! -f "$ko" ]; then
		log_test 1 "kunit: npt6.ko with NPT6_KUNIT=y ($ko) exists"
		return
	fi
	dmesg -C
	modprobe -a tunnel6 ip_tunnel 2>/dev/null
	insmod "$ko" 2>&1
	rc=$?
	log_test $rc "kunit: insmod npt6.ko with the KUnit suites"
	[ $rc -eq 0 ] || return
	rmmod npt6
	log_test $? "kunit: rmmod after the suites"
	dmesg -t >"$log"
	cp "$log" "$RESULTS/kunit.log"

	suite=
	while IFS= read -r line; do
		case $line in
		"    # Subtest: "*)
			suite=${line#"    # Subtest: "}
			seen[$suite]=1
			;;
		"    ok "*" # SKIP"*)
			line=${line#"    ok "}
			line=${line#* }
			log_test 4 "kunit: $suite.${line%% *}"
			;;
		"    ok "*)
			line=${line#"    ok "}
			log_test 0 "kunit: $suite.${line#* }"
			;;
		"    not ok "*)
			line=${line#"    not ok "}
			log_test 1 "kunit: $suite.${line#* }"
			;;
		esac
	done <"$log"

	for suite in $(sed -n 's/^[[:space:]]*\.name = "\(npt6_[a-z0-9_]*\)",$/\1/p' \
			"$NPT6_REPO"/kmod/tests/*_test.c); do
		[ -n "${seen[$suite]:-}" ]
		log_test $? "kunit: suite $suite ran"
	done
}

# Every packet selftest, as the vm tier runs them, against the npt6.ko
# that run.sh put in updates/.
packet_tests()
{
	bash "$NPT6_REPO/selftests/net/run-guest.sh"
	log_test $? "selftests/net all passed on the debug kernel"
}

# With npt6 gone, nothing it allocated may be left unreferenced.
kmemleak_check()
{
	local n

	if npt6_loaded; then
		[ "$(cat /sys/module/npt6/refcnt)" = 0 ]
		log_test $? "npt6 holds no references after the tests"
		rmmod npt6
		log_test $? "npt6 unloads after the tests"
	fi
	# An object must be unreferenced in two scans, and a few seconds
	# old, to be reported.
	sleep 6
	echo scan >"$KMEMLEAK"
	sleep 2
	echo scan >"$KMEMLEAK"
	cat "$KMEMLEAK" >"$RESULTS/kmemleak.txt"
	n=$(grep -c '^unreferenced object' "$RESULTS/kmemleak.txt")
	printf '# kmemleak: %d unreferenced objects after all tests\n' "$n"
	if [ "$n" -gt 0 ]; then
		head -60 "$RESULTS/kmemleak.txt" | sed 's/^/#   /'
	fi
	[ "$n" -eq 0 ]
	log_test $? "kmemleak: no leaked objects after KUnit and selftests/net"
}

# The user processes, and the kernel stack of each one that is asleep
# (state S or D): where a test that stopped making progress is waiting.
show_processes()
{
	local pid

	echo "# ---- processes at $(cut -d' ' -f1 /proc/uptime)s: $1 ----"
	ps -eo pid,ppid,stat,wchan:32,etime,args --sort=pid |
		grep -v ' \[' | sed 's/^/# /'
	for pid in $(ps -eo pid=,stat=,args= |
			awk '$2 ~ /^[SD]/ && $3 !~ /^\[/ { print $1 }'); do
		[ "$pid" = "$BASHPID" ] && continue
		echo "# stack of $pid ($(cat "/proc/$pid/comm" 2>/dev/null)):"
		sed 's/^/#   /' "/proc/$pid/stack" 2>/dev/null
	done
}

# NPT6_DEBUG_WATCH=SECS: print them every SECS seconds.
watch_processes()
{
	while sleep "$1"; do
		show_processes "NPT6_DEBUG_WATCH"
	done
}

# NPT6_DEBUG_STALL=SECS (default 1800): print them when no selftests/net
# test has printed anything for SECS seconds, and again every SECS
# seconds while that lasts.  run-guest.sh tees each test's output to
# /tmp/test_*.
watch_stalls()
{
	local limit=$1 last quiet shown=0

	while sleep 60; do
		last=$(stat -c %Y /tmp/test_*.* 2>/dev/null | sort -n | tail -n 1)
		[ -n "$last" ] || continue
		quiet=$(($(date +%s) - last))
		if [ "$quiet" -lt "$limit" ]; then
			shown=0
		elif [ $((quiet - shown)) -ge "$limit" ]; then
			show_processes "no test output for ${quiet}s"
			shown=$quiet
		fi
	done
}

echo "# debug guest: $(uname -r), $(nproc) CPUs"
[ -n "${NPT6_DEBUG_WATCH:-}" ] && watch_processes "$NPT6_DEBUG_WATCH" &
[ "${NPT6_DEBUG_STALL:-1800}" != 0 ] && watch_stalls "${NPT6_DEBUG_STALL:-1800}" &
kmemleak_baseline
slab_before=$(slab_kib)
# NPT6_DEBUG_KUNIT=0: another guest of this run has them (run.sh).
[ "${NPT6_DEBUG_KUNIT:-1}" = 0 ] || kunit
packet_tests
kmemleak_check
# For the record only: other subsystems' caches grow and shrink too.
printf '# slab: %d KiB in use before the tests, %d KiB after\n' \
	"$slab_before" "$(slab_kib)"
exit $EXIT_STATUS
