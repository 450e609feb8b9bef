#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make stress`: selftests/net/test_stress.sh in a guest with -icount, so
# that its rates (mapping operations a second, packets translated) are in
# deterministic guest time rather than in whatever the emulating host
# manages: one guest second is 10^9 instructions, the clock of a 1 GHz
# single-issue CPU.  Phases last 30 guest seconds (NPT6_STRESS_SECONDS).
#
#   selftests/bench/stress.sh [--no-install]
#
# --no-install uses the npt6.ko DKMS installed last (make dkms-install).
# The TEST lines carry the figures; the console is in out/stress.log.

set -u

HERE=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source=selftests/lib/common.sh
. "$HERE/../lib/common.sh"
# shellcheck disable=SC2034 # read by common.sh
NPT6_TAG=stress

case ${1:-} in
--no-install)	;;
'')		"$NPT6_REPO/selftests/lib/deps.sh" &&
		"$NPT6_REPO/selftests/lib/install-module.sh" ||
			npt6_die "cannot install npt6" ;;
*)		npt6_die "usage: $0 [--no-install]" ;;
esac

NPT6_STRESS_SECONDS=${NPT6_STRESS_SECONDS:-30}
export NPT6_STRESS_SECONDS
mkdir -p "$NPT6_REPO/out"
exec "$NPT6_REPO/selftests/qemu/vm.sh" --icount --timeout 7200 \
	--log "$NPT6_REPO/out/stress.log" "$NPT6_REPO/selftests/net/test_stress.sh"
