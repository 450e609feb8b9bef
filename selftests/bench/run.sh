#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [--rounds N] [--window SEC] [--tcp-time SEC] [--cases "A B ..."]
#        [--no-install] [--ko PATH] [vm.sh options]
#
# `make bench`: install npt6 through DKMS and build nptctl, boot Debian's
# kernel once under QEMU TCG with deterministic icount (vm.sh --icount),
# run selftests/bench/guest.sh in it (its header lists the cases), and
# summarise the windows it measured into out/bench/results.json,
# out/bench/results.md and the chart out/bench/results.png.
#
# --ko PATH (or NPT6_KO=PATH) has the guest insmod that npt6.ko instead
# of `modprobe npt6`, e.g. a `make module` of a work tree, so nothing is
# installed; it must not live under /tmp, which the guest does not see.
#
# The figures are virtual: packets per 10^9 guest instructions.  They do
# not depend on host load, so the run is repeatable on a busy machine.
# It exits non-zero if a case measured nothing or if the thing under
# test did not handle the traffic it was credited with.

set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
NPT6_TAG=bench

t0=$(date +%s)
install=1
vmopts=()
while [ $# -gt 0 ]; do
	case $1 in
	--rounds)	export NPT6_BENCH_ROUNDS=${2:?}; shift ;;
	--window)	export NPT6_BENCH_WINDOW=${2:?}; shift ;;
	--tcp-time)	export NPT6_BENCH_TCP_TIME=${2:?}; shift ;;
	--cases)	export NPT6_BENCH_CASES=${2:?}; shift ;;
	--no-install)	install=0 ;;
	--ko)		export NPT6_KO=${2:?}; shift ;;
	-h|--help)	sed -n '4,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*)		vmopts+=("$1") ;;
	esac
	shift
done

out=$NPT6_REPO/out/bench
mkdir -p "$out" || npt6_die "cannot create $out"

# ndppd and the chart's matplotlib come from here, like the other tools.
"$NPT6_REPO/selftests/lib/deps.sh" || npt6_die "could not install the packages the benchmark needs"

# vm.sh passes NPT6_* into the guest, NPT6_KO with them.  The guest sees
# the host's root, except /tmp and /var/tmp, which are its own tmpfs.
if [ -n "${NPT6_KO:-}" ]; then
	NPT6_KO=$(realpath -e -- "$NPT6_KO" 2>/dev/null) || npt6_die "no such module: $NPT6_KO"
	case $NPT6_KO in
	/tmp/*|/var/tmp/*) npt6_die "the guest cannot see $NPT6_KO: put it elsewhere" ;;
	esac
	modinfo -F srcversion "$NPT6_KO" >/dev/null 2>&1 || npt6_die "$NPT6_KO is no kernel module"
	install=0
	npt6_log "using $NPT6_KO ($(modinfo -F vermagic "$NPT6_KO" | cut -d' ' -f1)) instead of the installed npt6"
fi

if [ "$install" = 1 ]; then
	"$NPT6_REPO/selftests/lib/install-module.sh" ||
		npt6_die "npt6 or nptctl did not build and install (see above)"
else
	make -s -C "$NPT6_REPO" nptctl || npt6_die "nptctl did not build"
fi

rm -rf "$out/vm"
"$NPT6_REPO/selftests/qemu/vm.sh" --icount --timeout 3600 \
	--results "$out/vm" --log "$out/console.log" "${vmopts[@]}" \
	"$NPT6_REPO/selftests/bench/guest.sh"
status=$?
[ -s "$out/vm/samples.tsv" ] || npt6_die "the guest measured nothing (console: $out/console.log)"
cp "$out/vm/samples.tsv" "$out/samples.tsv"
# Debian's python3, whose python3-matplotlib draws the chart, even if
# another python3 comes first in PATH.
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
"$py" "$NPT6_REPO/selftests/bench/summarise.py" "$out/samples.tsv" \
	--json "$out/results.json" --md "$out/results.md" --png "$out/results.png" \
	--meta "kernel=$(npt6_kver)" --meta "wall_s=$(( $(date +%s) - t0 ))" \
	$(sed 's/^/--meta=/' "$out/vm/meta" 2>/dev/null | tr ' ' '_') || status=1
[ -s "$out/results.md" ] && cat "$out/results.md"
npt6_log "$(( $(date +%s) - t0 ))s wall in all; results in $out"
exit "$status"
