#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh [vm.sh options]
#
# `make demo`: install what is missing, install npt6 through DKMS and build
# nptctl, then boot Debian's kernel under QEMU to run the Starlink demo,
# selftests/net/demo-guest.sh.  Options go to selftests/qemu/vm.sh (say
# --log FILE); the guest console is shown as it runs.

set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
NPT6_TAG=demo

demo=$NPT6_REPO/selftests/net/demo-guest.sh
[ -f "$demo" ] ||
	npt6_die "selftests/net/demo-guest.sh is missing: there is no demo to run yet"

"$NPT6_REPO/selftests/lib/deps.sh" || npt6_die "could not install the packages the demo needs"
"$NPT6_REPO/selftests/lib/install-module.sh" ||
	npt6_die "npt6 or nptctl did not build and install (see above); no demo without them"

exec "$NPT6_REPO/selftests/qemu/vm.sh" --timeout 1800 "$@" "$demo"
