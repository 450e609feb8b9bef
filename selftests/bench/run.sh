#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [--rounds N] [--window SEC] [--cases "A B ..."] [--no-install]
#        [vm.sh options]
#
# `make bench`: install npt6 through DKMS and build nptctl, boot Debian's
# kernel once under QEMU TCG with deterministic icount (vm.sh --icount),
# run selftests/bench/guest.sh in it, and summarise the windows it
# measured into out/bench/results.json and out/bench/results.md.
#
# The figures are virtual: packets per 10^9 guest instructions.  They do
# not depend on host load, so the run is repeatable on a busy machine.

set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
NPT6_TAG=bench

install=1
vmopts=()
while [ $# -gt 0 ]; do
	case $1 in
	--rounds)	export NPT6_BENCH_ROUNDS=${2:?}; shift ;;
	--window)	export NPT6_BENCH_WINDOW=${2:?}; shift ;;
	--cases)	export NPT6_BENCH_CASES=${2:?}; shift ;;
	--no-install)	install=0 ;;
	-h|--help)	sed -n '4,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*)		vmopts+=("$1") ;;
	esac
	shift
done

out=$NPT6_REPO/out/bench
mkdir -p "$out" || npt6_die "cannot create $out"

if [ "$install" = 1 ]; then
	"$NPT6_REPO/selftests/lib/install-module.sh" ||
		npt6_die "npt6 or nptctl did not build and install (see above)"
else
	make -s -C "$NPT6_REPO" nptctl || npt6_die "nptctl did not build"
fi

rm -rf "$out/vm"
"$NPT6_REPO/selftests/qemu/vm.sh" --icount --timeout 1500 \
	--results "$out/vm" --log "$out/console.log" "${vmopts[@]}" \
	"$NPT6_REPO/selftests/bench/guest.sh"
status=$?
[ -s "$out/vm/samples.tsv" ] || npt6_die "the guest measured nothing (console: $out/console.log)"
cp "$out/vm/samples.tsv" "$out/samples.tsv"
python3 "$NPT6_REPO/selftests/bench/summarise.py" "$out/samples.tsv" \
	--json "$out/results.json" --md "$out/results.md" \
	--meta "kernel=$(npt6_kver)" \
	$(sed 's/^/--meta=/' "$out/vm/meta" 2>/dev/null | tr ' ' '_') || status=1
[ -s "$out/results.md" ] && cat "$out/results.md"
exit "$status"
