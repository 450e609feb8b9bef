#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian 12 package that building and testing npt6 needs.
# Idempotent: when all of them are installed it only asks dpkg and exits,
# so every test entry point runs it first.

set -euo pipefail

PACKAGES=(
	# The guest kernel, its headers, and what boots and fills the guest.
	linux-image-amd64 linux-headers-amd64 qemu-system-x86 busybox-static
	kmod xz-utils
	# Building and installing the module the user's way, and nptctl.
	dkms build-essential libmnl-dev pkg-config
	# Test tools run inside the guest (the host root is its root).
	iperf3 python3 python3-scapy ndisc6 radvd iptables nftables tcpdump
	iputils-ping iproute2 traceroute procps ethtool
	conntrack	# test_keepiid flushes nftables' state between runs
	# test_pd: the ISP's DHCPv6 server and the router's PD client.
	kea-dhcp6-server dhcpcd-base
	# test_vrrp: the VRRP daemon of the two routers.
	keepalived
	# make bench: the NDP proxy daemon it compares npt6 with, and what
	# draws its chart.
	ndppd python3-matplotlib
	# make deb and the package test: a Debian 12 root from the mirror,
	# made into a disk image, and lintian on the packages.
	dpkg-dev fakeroot lintian debootstrap e2fsprogs
	# The nptctl suite runs the tool under valgrind.
	valgrind
	python3-jsonschema	# and checks its -j output against tools/schema
	# Lint: sparse, and checkpatch.pl from the kernel source; the rest
	# builds the UML kernel for KUnit.
	sparse linux-source-6.1 bc flex bison libelf-dev libssl-dev
)

# One dpkg-query for all: it lists the installed ones (by their bare
# name) and is silent about packages it has never heard of.
installed=" $(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PACKAGES[@]}" \
	2>/dev/null | awk '$2 == "installed" { sub(/:.*/, "", $1); printf "%s ", $1 }' || true)"
missing=()
for pkg in "${PACKAGES[@]}"; do
	case $installed in
	*" $pkg "*) ;;
	*) missing+=("$pkg") ;;
	esac
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null ||
		{ echo "deps: error: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
	sudo="sudo -n"
fi

export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	--no-install-recommends "${missing[@]}" </dev/null
