#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rootfs.sh: print the path of a tarball holding a fresh Debian 12 root
# file system for the package test (selftests/pkg/run.sh), building it with
# debootstrap from the Debian mirror the first time and caching it under
# /var/cache/npt6/pkg, keyed by the package list below.
#
# It is what a router operator starts from: Debian 12 with systemd,
# ifupdown, a kernel and its headers, and DKMS with its compiler, so that
# `apt install ./npt6-dkms_*.deb ./nptctl_*.deb` needs nothing from the
# network.  The test's own peers (radvd for the ISP's Router Advertisements,
# kea-dhcp6-server for its DHCPv6-PD, tcpdump, ping) are in it too; npt6 is
# not.

set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
NPT6_TAG=pkg-rootfs

SUITE=bookworm
MIRROR=${NPT6_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PACKAGES=(
	systemd-sysv udev dbus ifupdown iproute2 kmod initramfs-tools
	linux-image-amd64 linux-headers-amd64 dkms gcc make libc6-dev
	libmnl0 iputils-ping tcpdump radvd procps kea-dhcp6-server
)

cache=/var/cache/npt6/pkg
key=$(printf '%s\n' "$SUITE" "$MIRROR" "${PACKAGES[@]}" | sha256sum | cut -c1-12)
tarball=$cache/rootfs-$SUITE-$key.tar

if [ -s "$tarball" ]; then
	echo "$tarball"
	exit 0
fi

command -v debootstrap >/dev/null || npt6_die "debootstrap is not installed"
mkdir -p "$cache"
exec 9>"$cache/rootfs.lock"
flock 9
[ -s "$tarball" ] && { echo "$tarball"; exit 0; }

root=$(mktemp -d "$cache/root.XXXXXX")
trap 'rm -rf "$root"' EXIT
npt6_log "debootstrap $SUITE into $root (a few minutes, once)"
include=$(IFS=,; echo "${PACKAGES[*]}")
debootstrap --variant=minbase --include="$include" "$SUITE" "$root" "$MIRROR" \
	>"$cache/debootstrap.log" 2>&1 ||
	npt6_die "debootstrap failed; see $cache/debootstrap.log"

# What the installer would have set: a name, a root file system to mount,
# a root password for the console, and the serial console.
echo npt6-router >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tnpt6-router\n::1\tlocalhost ip6-localhost\n' \
	>"$root/etc/hosts"
printf '/dev/vda\t/\text4\terrors=remount-ro\t0\t1\n' >"$root/etc/fstab"
printf 'auto lo\niface lo inet loopback\n' >"$root/etc/network/interfaces"
chroot "$root" sh -c 'echo root:npt6 | chpasswd'
rm -f "$root"/var/cache/apt/archives/*.deb

tar -C "$root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
echo "$tarball"
