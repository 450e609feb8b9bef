#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fallback.sh: `make check`'s fallback suite.  Kernels before 5.16 have no
# netfilter egress hook, and npt6 does SNPT from IPv6 POST_ROUTING there
# (kmod/xlat_postrouting.c).  No such kernel boots here, so build npt6.ko
# for Debian's own kernel with NPT6_FORCE_POSTROUTING=1, which registers
# the fallback instead of the egress hook, and run test_npt6's packet
# tests with it in QEMU: the byte-exact comparison with ip6t_NPT, ICMPv6
# errors, router-owned addresses and conntrack, all through the fallback.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/../lib/common.sh"
NPT6_TAG=fallback

kver=$(npt6_kver) || exit 1
kdir=/lib/modules/$kver/build
[ -d "$kdir" ] || npt6_die "no headers for $kver in $kdir"

out=$NPT6_REPO/out/fallback
rm -rf "$out"
mkdir -p "$out/src"
cp -r "$NPT6_REPO/Kbuild" "$NPT6_REPO/kmod" "$NPT6_REPO/uapi" "$out/src/"
if ! make -C "$kdir" M="$out/src" NPT6_FORCE_POSTROUTING=1 modules \
	>"$out/build.log" 2>&1; then
	tail -n 20 "$out/build.log"
	printf 'TEST: %-60s  [FAIL]\n' "fallback: npt6.ko builds with NPT6_FORCE_POSTROUTING=1"
	exit 1
fi
printf 'TEST: %-60s  [ OK ]\n' "fallback: npt6.ko builds with NPT6_FORCE_POSTROUTING=1"
# The proof that this module has no egress hook to fall back on.  grep
# reads all of nm's output: with -q it would stop at the match, nm would
# die of SIGPIPE on a large enough module, and pipefail would call that a
# failure.
if nm "$out/src/npt6.ko" | grep ' npt6_xlat_postrouting$' >/dev/null; then
	printf 'TEST: %-60s  [ OK ]\n' "fallback: the module uses the POST_ROUTING hook"
else
	printf 'TEST: %-60s  [FAIL]\n' "fallback: the module uses the POST_ROUTING hook"
	exit 1
fi

# The tests drive npt6 with the tree's own nptctl.
make -s -C "$NPT6_REPO/tools/nptctl" >"$out/nptctl.log" 2>&1 ||
	{ cat "$out/nptctl.log"; npt6_die "nptctl does not build"; }

NPT6_KO=$out/src/npt6.ko NPT6_NET_TESTS=test_npt6 \
NPT6_TESTS="basic byte_exact hop_limit ptb router_owned conntrack kernel_log" \
	"$NPT6_REPO/selftests/qemu/vm.sh" --timeout "${NPT6_VM_TIMEOUT:-1800}" \
	--log "$out/vm.log" "$NPT6_REPO/selftests/net/run-guest.sh"
