#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# upgrade.sh ROOTFS_TARBALL DEBDIR: a kernel upgrade rebuilds npt6.
#
# In a chroot of the same fresh Debian 12 root as the boot test, install
# the two packages, then upgrade to the newest kernel Debian offers for
# bookworm (bookworm-backports) the way an operator does:
#
#   apt install -t bookworm-backports linux-image-amd64 linux-headers-amd64
#
# DKMS's kernel hooks must then build and install npt6 for the new kernel
# with nobody asking.  A chroot is enough here: nothing is booted, and
# the build runs at native speed.  The downloaded kernel packages are
# kept under /var/cache/npt6/pkg/archives for the next run.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/../lib/common.sh"
NPT6_TAG=pkg-upgrade

tarball=$1
debs=$2
root=$NPT6_REPO/out/pkg/upgrade-root
archives=/var/cache/npt6/pkg/archives
status=0

result()
{
	printf 'TEST: %-60s  [%s]\n' "$1" "$2"
	[ "$2" = " OK " ] || status=1
}

in_root()
{
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

cleanup()
{
	local m

	for m in var/cache/apt/archives dev/pts dev sys proc; do
		mountpoint -q "$root/$m" && umount -l "$root/$m"
	done
	rm -rf "$root"
}

rm -rf "$root"
mkdir -p "$root" "$archives/partial"
trap cleanup EXIT
tar -C "$root" -xf "$tarball" || npt6_die "cannot unpack $tarball"
mount -t proc proc "$root/proc" &&
mount -t sysfs sys "$root/sys" &&
mount --bind /dev "$root/dev" &&
mount --bind /dev/pts "$root/dev/pts" &&
mount --bind "$archives" "$root/var/cache/apt/archives" ||
	npt6_die "cannot mount the chroot's file systems"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/root/debs"
cp "$debs"/*.deb "$root/root/debs/"

old=$(basename "$(ls -d "$root"/lib/modules/* | sort -V | tail -n1)")
in_root sh -c 'cd /root/debs && apt-get install -y -q ./npt6-dkms_*.deb ./nptctl_*.deb' \
	>"$NPT6_REPO/out/pkg/upgrade-install.log" 2>&1
if in_root dkms status -m npt6 -k "$old" | grep -q ': installed'; then
	result "npt6-dkms installs npt6 for $old" " OK "
else
	tail -n 20 "$NPT6_REPO/out/pkg/upgrade-install.log"
	result "npt6-dkms installs npt6 for $old" FAIL
fi

echo "deb http://deb.debian.org/debian bookworm-backports main" \
	>"$root/etc/apt/sources.list.d/backports.list"
if ! in_root apt-get update -q >"$NPT6_REPO/out/pkg/upgrade.log" 2>&1 ||
   ! in_root apt-get install -y -q -t bookworm-backports \
	linux-image-amd64 linux-headers-amd64 >>"$NPT6_REPO/out/pkg/upgrade.log" 2>&1; then
	tail -n 20 "$NPT6_REPO/out/pkg/upgrade.log"
	# A module that does not build fails the kernel's own postinst.
	for log in "$root"/var/lib/dkms/npt6/*/build/make.log; do
		[ -f "$log" ] && grep -E 'error|Error' "$log" | head -n 20
	done
	result "apt upgrades the kernel from bookworm-backports" FAIL
	exit 1
fi
new=$(basename "$(ls -d "$root"/lib/modules/* | sort -V | tail -n1)")
if [ "$new" = "$old" ]; then
	result "apt upgrades the kernel from bookworm-backports" FAIL
	exit 1
fi
result "apt upgrades the kernel from bookworm-backports ($new)" " OK "
grep -E 'npt6|dkms' "$NPT6_REPO/out/pkg/upgrade.log" | tail -n 12
# Newer Debian kernels compress their modules, and DKMS follows suit.
ko=$(ls "$root/lib/modules/$new/updates/dkms"/npt6.ko* 2>/dev/null | head -n1)
if in_root dkms status -m npt6 -k "$new" | grep -q ': installed' && [ -n "$ko" ]; then
	result "the upgrade rebuilt and installed npt6 for $new" " OK "
else
	result "the upgrade rebuilt and installed npt6 for $new" FAIL
fi
vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null)
if [ "${vermagic%% *}" = "$new" ]; then
	result "that npt6.ko is built for $new" " OK "
else
	result "that npt6.ko is built for $new (vermagic '$vermagic')" FAIL
fi
if in_root dkms status -m npt6 -k "$old" | grep -q ': installed'; then
	result "and the module for $old is still installed" " OK "
else
	result "and the module for $old is still installed" FAIL
fi
exit $status
