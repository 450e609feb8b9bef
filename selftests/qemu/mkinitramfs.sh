#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KVER
# mkinitramfs.sh --builtin
#
# Print the path of a busybox initramfs for Debian's kernel KVER that mounts
# the host root over virtio-9p (see initramfs-init).  With --builtin the
# image has no modules, for a kernel with virtio and 9p built in.  The image is cached in
# $NPT6_CACHE under a hash of everything that goes into it, so it is built
# once per kernel, busybox or script change and costs nothing afterwards.

set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

# The order matters: insmod does not resolve dependencies.
MODULES="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev
	 virtio_pci netfs fscache 9pnet 9pnet_virtio 9p"

[ $# -eq 1 ] || npt6_die "usage: $0 KVER|--builtin"
kver=$1
if [ "$kver" = --builtin ]; then
	kver=builtin
	MODULES=
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
init=$here/initramfs-init
busybox=$(command -v busybox || true)
[ -n "$busybox" ] || npt6_die "busybox not found; run selftests/lib/deps.sh"
# A dynamically linked busybox would need its libraries in the image.
if LC_ALL=C ldd "$busybox" >/dev/null 2>&1; then
	npt6_die "$busybox is not static; install busybox-static"
fi

# Locate each module, compressed or not, and hash it all.
declare -A modpath
for mod in $MODULES; do
	f=$(find "/lib/modules/$kver/kernel" -name "$mod.ko" -o -name "$mod.ko.xz" \
		-o -name "$mod.ko.zst" -o -name "$mod.ko.gz" | head -n1)
	[ -n "$f" ] || npt6_die "$mod.ko* not found under /lib/modules/$kver"
	modpath[$mod]=$f
done

key=$( {
	echo "$kver"
	for mod in $MODULES; do
		echo "$mod"
		sha256sum <"${modpath[$mod]}"
	done
	sha256sum <"$busybox"
	sha256sum <"$init"
	sha256sum <"${BASH_SOURCE[0]}"
} | sha256sum | cut -c1-16)

cache=$(npt6_cache_dir)
out=$cache/initramfs-$kver-$key.cpio
if [ -s "$out" ]; then
	printf '%s\n' "$out"
	exit 0
fi

npt6_log "building initramfs for $kver"
stage=$(mktemp -d "$cache/initramfs.XXXXXX")
trap 'rm -rf "$stage" "$stage.cpio"' EXIT

mkdir -p "$stage"/{bin,dev,proc,newroot,modules}
cp "$busybox" "$stage/bin/busybox"
for applet in sh mount umount insmod switch_root sleep echo; do
	ln -s busybox "$stage/bin/$applet"
done
install -m 0755 "$init" "$stage/init"
# The kernel opens /dev/console for PID 1 before anything is mounted.
mknod -m 600 "$stage/dev/console" c 5 1

: >"$stage/modules.list"
for mod in $MODULES; do
	f=${modpath[$mod]}
	case $f in
	*.ko.xz)  xz -dc "$f" ;;
	*.ko.zst) zstd -dcq "$f" ;;
	*.ko.gz)  gzip -dc "$f" ;;
	*)        cat "$f" ;;
	esac >"$stage/modules/$mod.ko" || npt6_die "cannot decompress $f"
	echo "$mod" >>"$stage/modules.list"
done

# Uncompressed: decompressing under TCG costs more than loading the bytes.
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	"$busybox" cpio -o -H newc 2>/dev/null) >"$stage.cpio"
mv "$stage.cpio" "$out"
# Drop the images that this one replaces.
find "$cache" -maxdepth 1 -name "initramfs-$kver-*.cpio" ! -path "$out" -delete
printf '%s\n' "$out"
