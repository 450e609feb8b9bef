#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug tier (`make check-debug`): the KUnit suites and every packet
# selftest of selftests/net, on a kernel built to find bugs.
#
#   1. kernel.sh builds, or finds in the cache, an x86_64 kernel from
#      Debian's linux-source-6.1 with KASAN, lockdep (PROVE_LOCKING,
#      PROVE_RCU), kmemleak, DEBUG_OBJECTS, the netdev and netns refcount
#      trackers and UBSAN (./config).  QEMU boots its bzImage: the
#      PVH entry that the vm tier uses for Debian's kernel does not come
#      up with KASAN.
#   2. npt6.ko is built against it twice, from copies under out/debug:
#      as it ships, and with NPT6_KUNIT=y for the KUnit suites.
#   3. The guest's /lib/modules is the kernel's own modules_install plus
#      npt6.ko in updates/, so `modprobe npt6` works as with DKMS.
#   4. vm.sh boots it (two vCPUs under TCG) and runs ./guest.sh, which
#      prints one TEST line per result; with NPT6_DEBUG_SPLIT, two guests
#      side by side share the tests (make check-debug).
#
# vm.sh fails the run on any KASAN, lockdep, RCU, ODEBUG, kmemleak, UBSAN,
# refcount or WARN report in the kernel log; guest.sh asks kmemleak for
# leaks after everything else and fails on any.  The console is kept in
# out/debug/console.log.
#
# For a run that hangs: when no test has printed for NPT6_DEBUG_STALL
# seconds (default 1800; the fuzzer is silent for up to 16 minutes here),
# the guest prints its processes and the kernel stacks of those asleep.
# NPT6_DEBUG_WATCH=SECS prints them every SECS seconds regardless, and
# NPT6_QEMU_GDB=PORT lets gdb read the vCPUs' registers.

set -eu -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source=selftests/lib/common.sh
. "$HERE/../lib/common.sh"
# shellcheck disable=SC2034 # read by common.sh
NPT6_TAG=debug

TOP=$NPT6_REPO
OUT=$TOP/out/debug
JOBS=${NPT6_JOBS:-$(nproc)}

kdir=$("$HERE/kernel.sh")
ksrc=$kdir/src
kbuild=$kdir/build
kver=$(make -s -C "$kbuild" kernelrelease) ||
	npt6_die "cannot tell the debug kernel's release"

# The kernel's own modules (pktgen) and modules.builtin*, once per build.
exec 9> "$kdir/.lock"
flock 9
if [ ! -e "$kdir/root/.complete" ]; then
	npt6_log "installing the debug kernel's modules in the cache"
	rm -rf "$kdir/root"
	make -s -C "$ksrc" O="$kbuild" INSTALL_MOD_PATH="$kdir/root" \
		modules_install >&2 || npt6_die "modules_install failed"
	touch "$kdir/root/.complete"
fi
exec 9>&-

# npt6.ko as it ships, and with the KUnit suites, from copies of the
# source so that the work tree's objects stay those of the host build.
build_npt6()
{
	local tree=$1

	shift
	rm -rf "$tree"
	mkdir -p "$tree"
	cp -a "$TOP/Kbuild" "$TOP/kmod" "$TOP/uapi" "$tree/"
	make -C "$kbuild" M="$tree" -j"$JOBS" "$@" modules \
		> "$tree.log" 2>&1 || {
		cat "$tree.log" >&2
		npt6_die "npt6.ko does not build against the debug kernel"
	}
}

mkdir -p "$OUT"
npt6_log "building npt6.ko and its KUnit flavour for $kver"
build_npt6 "$OUT/module"
build_npt6 "$OUT/kunit" NPT6_KUNIT=y
make -s -C "$TOP/tools/nptctl" >&2 || npt6_die "nptctl does not build"

# The guest's /lib/modules, per run.
root=$OUT/root
rm -rf "$root"
mkdir -p "$root/lib/modules"
cp -a "$kdir/root/lib/modules/$kver" "$root/lib/modules/"
rm -f "$root/lib/modules/$kver/build" "$root/lib/modules/$kver/source"
mkdir -p "$root/lib/modules/$kver/updates"
cp "$OUT/module/npt6.ko" "$root/lib/modules/$kver/updates/"
depmod -b "$root" "$kver" || npt6_die "depmod failed"

NPT6_DEBUG_KUNIT_KO=$OUT/kunit/npt6.ko
# Everything is several times slower under KASAN and lockdep.
NPT6_TEST_TIMEOUT=${NPT6_TEST_TIMEOUT:-2400}
NPT6_FUZZ_TIMEOUT=${NPT6_FUZZ_TIMEOUT:-$((NPT6_TEST_TIMEOUT - 120))}
# test_stress's traffic is sized for the production kernel; here it would
# take both vCPUs.  Worse, kmemleak queues an RCU callback for every object
# freed, and every pernet module's unload waits in rcu_barrier() for all
# callbacks queued so far: at 500 pps each way the softirq CPU fell behind
# and the module loop's second rmmod waited there for over ten minutes
# (NPT6_DEBUG_WATCH showed it).  At 100 pps the five reloads take about
# five minutes of guest time.
NPT6_STRESS_PPS=${NPT6_STRESS_PPS:-100}
NPT6_STRESS_IPERF_RATE=${NPT6_STRESS_IPERF_RATE:-5M}
export NPT6_DEBUG_KUNIT_KO NPT6_TEST_TIMEOUT NPT6_FUZZ_TIMEOUT NPT6_STRESS_PPS \
	NPT6_STRESS_IPERF_RATE

# One debug guest: vm.sh with the debug kernel; its TEST lines on stdout.
# acpi=noirq: under KASAN and TCG the firmware's PCI interrupt routing
# method runs into ACPICA's 30 s loop timeout, once per virtio device.
boot_guest()
{
	local name=$1

	"$TOP/selftests/qemu/vm.sh" --kernel "$kbuild/arch/x86/boot/bzImage" \
		--append acpi=noirq \
		--modules "$root/lib/modules" --smp 2 \
		--mem "${NPT6_DEBUG_MEM:-3072}" \
		--timeout "${NPT6_DEBUG_TIMEOUT:-3000}" \
		--log "$OUT/console$name.log" --results "$OUT/results$name" \
		"$HERE/guest.sh"
}

# The selftests/net tests this run asks for, in run-guest.sh's order.
selected_tests()
{
	local t name

	for t in "$TOP"/selftests/net/test_*.sh; do
		name=$(basename "$t" .sh)
		case " ${NPT6_NET_TESTS:-$name} " in
		*" $name "*) echo "$name" ;;
		esac
	done
}

# NPT6_DEBUG_SPLIT="test_a test_b": a second guest runs those tests while
# the first runs KUnit and the rest.  A test guest keeps one vCPU busy
# and the other mostly idle (perf in the guest: 45 % idle), so two of
# them share the host's two cores at about 1.4 times the throughput of
# one.  Each guest is its own kernel: each ends with its own kmemleak
# scan, and vm.sh judges each one's kernel log.
first=()
second=()
for name in $(selected_tests); do
	case " ${NPT6_DEBUG_SPLIT:-} " in
	*" $name "*) second+=("$name") ;;
	*) first+=("$name") ;;
	esac
done
if [ ${#first[@]} -eq 0 ] || [ ${#second[@]} -eq 0 ]; then
	boot_guest ""
	exit
fi

# Both guests would build the same cached initramfs on a fresh machine.
"$TOP/selftests/qemu/mkinitramfs.sh" --builtin >/dev/null ||
	npt6_die "cannot build the guests' initramfs"
NPT6_NET_TESTS="${first[*]}" boot_guest 1 >"$OUT/guest1.log" 2>&1 &
guest1=$!
NPT6_NET_TESTS="${second[*]}" NPT6_DEBUG_KUNIT=0 boot_guest 2 \
	>"$OUT/guest2.log" 2>&1 &
guest2=$!
trap 'kill $guest1 $guest2 2>/dev/null' INT TERM
npt6_log "two guests side by side; follow them in $OUT/guest1.log and guest2.log"
npt6_log "guest 1: KUnit ${first[*]}"
npt6_log "guest 2: ${second[*]}"
status=0
wait $guest1 || status=1
wait $guest2 || status=1
for name in 1 2; do
	echo "# ==== debug guest $name ===="
	cat "$OUT/guest$name.log"
done
exit $status
