#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the directory of the cached debug kernel, building it first if
# needed: x86_64_defconfig plus ./config from Debian's linux-source-6.1
# (see selftests/lib/kbuild.sh).  In it, build/vmlinux is the image QEMU
# boots at its PVH entry and build/ is the tree modules build against.
# A cold build takes about 15 minutes on two cores.
# With --cached, build nothing: succeed if the cache has it.

set -eu -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source=selftests/lib/common.sh
. "$HERE/../lib/common.sh"
# shellcheck source=selftests/lib/kbuild.sh
. "$HERE/../lib/kbuild.sh"
# shellcheck disable=SC2034 # read by common.sh
NPT6_TAG=debug-kernel

# Bump when the way the kernel is built changes, to invalidate old caches.
RECIPE=1

if [ "${1:-}" = --cached ]; then
	kbuild_cached debug "$HERE/config" "$RECIPE"
	exit
fi
kbuild_kernel debug x86_64 x86_64_defconfig "$HERE/config" "$RECIPE"
[ -s "$KBUILD_OBJ/vmlinux" ] || npt6_die "no vmlinux in $KBUILD_OBJ"
printf '%s\n' "$KBUILD_DIR"
