#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh: the package test (`make check`'s pkg suite).  It proves the
# README's install section on a fresh Debian 12 router:
#
#   1. `make deb` builds npt6-dkms and nptctl; lintian finds no error.
#   2. A Debian 12 root file system from debootstrap (rootfs.sh, cached)
#      becomes a disk image, with the two .debs and the test's own units
#      (guest/): the router's neighbours, made at every boot, and a unit
#      that runs guest/install.sh on the first boot, guest/check.sh on
#      the second.
#   3. QEMU boots the image's own kernel and initramfs from the disk, with
#      systemd.  First boot: apt install ./npt6-dkms_*.deb ./nptctl_*.deb,
#      write /etc/npt6/npt6.conf and /etc/network/interfaces, reboot.
#      Second boot, with nothing typed: npt6 must be loaded, configured and
#      translating and tunnelling; then reload, ifdown and ifup.
#   4. The addresses the ISP saw are checked against selftests/net/npt.py.
#   5. upgrade.sh: a kernel upgrade rebuilds the module through DKMS.
#
# Prints kernel-selftest style TEST lines; exit status 1 if any failed.
#
#   NPT6_PKG_TIMEOUT  seconds both boots together may take (default 2400)

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/../lib/common.sh"
NPT6_TAG=pkg

out=$NPT6_REPO/out/pkg
timeout=${NPT6_PKG_TIMEOUT:-2400}
status=0

result()
{
	printf 'TEST: %-60s  [%s]\n' "$1" "$2"
	[ "$2" = " OK " ] || [ "$2" = SKIP ] || status=1
}

npt6_need qemu-system-x86_64 debootstrap mkfs.ext4 dpkg-deb lintian fakeroot

rm -rf "$out"
mkdir -p "$out/debs"

# 1. The packages.
if "$NPT6_REPO/tools/debian/build-debs.sh" "$out/debs"; then
	result "make deb builds npt6-dkms and nptctl" " OK "
else
	result "make deb builds npt6-dkms and nptctl" FAIL
	exit 1
fi
# Errors fail; warnings are shown.  The one warning expected is that the
# changelog closes no bug, as a package outside the archive's never does.
lintian --no-tag-display-limit "$out"/debs/*.deb 2>/dev/null | tee "$out/lintian.txt"
if grep -q '^E: ' "$out/lintian.txt"; then
	result "lintian finds no error in either package" FAIL
else
	result "lintian finds no error in either package" " OK "
fi

# 2. The router's disk.
tarball=$("$here/rootfs.sh") || { result "debootstrap a Debian 12 root" FAIL; exit 1; }
root=$out/root
mkdir -p "$root"
tar -C "$root" -xf "$tarball" || npt6_die "cannot unpack $tarball"
t=$root/root/npt6-test
mkdir -p "$t/debs"
cp "$out"/debs/*.deb "$t/debs/"
cp "$here"/guest/*.sh "$here"/guest/*.conf "$here/guest/interfaces" "$t/"
touch "$t/first-boot"
cp "$here/guest/npt6-testbed.service" "$here/guest/npt6-test.service" \
	"$root/etc/systemd/system/"
mkdir -p "$root/etc/systemd/system/sysinit.target.wants" \
	 "$root/etc/systemd/system/multi-user.target.wants"
ln -sf ../npt6-testbed.service "$root/etc/systemd/system/sysinit.target.wants/"
ln -sf ../npt6-test.service "$root/etc/systemd/system/multi-user.target.wants/"
# The serial console is the test's output: a getty there would hang up
# the test's writes to it (vhangup) and print login prompts over them.
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"

kernel=$(ls "$root"/boot/vmlinuz-* | sort -V | tail -n1)
initrd=$(ls "$root"/boot/initrd.img-* | sort -V | tail -n1)
[ -f "$kernel" ] && [ -f "$initrd" ] || npt6_die "no kernel or initramfs in $root/boot"
cp "$kernel" "$out/vmlinuz"
cp "$initrd" "$out/initrd.img"
img=$out/disk.img
mkfs.ext4 -q -F -L npt6root -d "$root" "$img" 6G >/dev/null ||
	npt6_die "cannot make the disk image"
rm -rf "$root"

# 3. Two boots: QEMU restarts the guest on its reboot, and exits when the
# second boot powers off.
npt6_log "booting $(basename "$kernel") from the disk (two boots, up to ${timeout}s)"
# thread=single, as in qemu/vm.sh, which says why: with a host thread per
# vCPU a guest can livelock when its kernel patches a static key.
timeout -k 10 "$timeout" qemu-system-x86_64 \
	-accel tcg,thread=single -nodefaults -nographic -machine pc -smp 2 -m 2048 \
	-kernel "$out/vmlinuz" -initrd "$out/initrd.img" \
	-append "root=/dev/vda rw console=ttyS0,115200 loglevel=4 tsc=reliable panic=-1 systemd.show_status=error" \
	-drive "file=$img,format=raw,if=virtio" \
	-serial stdio -monitor none </dev/null 2>&1 |
	sed -u -e 's/\r$//' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' |
	tee "$out/console.log" | grep --line-buffered -E '^(TEST:|OBSERVED|# )'
qstatus=${PIPESTATUS[0]}
if [ "$qstatus" = 124 ] || [ "$qstatus" = 137 ]; then
	result "both boots finished within ${timeout}s" FAIL
else
	result "both boots finished within ${timeout}s" " OK "
fi
grep -q '# ==== pkg: second boot' "$out/console.log" ||
	result "the router came back from its reboot" FAIL
grep -q '# second boot done' "$out/console.log" ||
	result "the second boot's checks ran to the end" FAIL
grep -E '^TEST: .*\[FAIL\]' "$out/console.log" >/dev/null && status=1
if grep -E 'Kernel panic|BUG:|WARNING:.*npt6|general protection' "$out/console.log"; then
	result "no kernel splat on either boot" FAIL
else
	result "no kernel splat on either boot" " OK "
fi

# 4. What the ISP saw, against an independent model of RFC 6296.
while read -r _ _ from to addr seen; do
	want=$(python3 "$NPT6_REPO/selftests/net/npt.py" map "$from" "$to" "$addr")
	if [ -n "$seen" ] && [ "$seen" = "$want" ]; then
		result "the ISP saw $addr as $want" " OK "
	else
		result "the ISP saw $addr as $want (saw '${seen:-nothing}')" FAIL
	fi
done < <(grep '^OBSERVED snpt ' "$out/console.log")
[ "$(grep -c '^OBSERVED snpt ' "$out/console.log")" = 3 ] ||
	result "all three translated sources were observed" FAIL

# 5. A kernel upgrade.
"$here/upgrade.sh" "$tarball" "$out/debs" || status=1

exit $status
