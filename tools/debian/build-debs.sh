#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-debs.sh [OUTDIR]: `make deb`.  Builds two Debian packages from this
# tree with dpkg-deb, into OUTDIR (default out/deb):
#
#   npt6-dkms_VERSION-1_all.deb   the module's source under /usr/src,
#                                 registered with DKMS by its postinst
#   nptctl_VERSION-1_ARCH.deb     the tool, its man page and completion,
#                                 npt6.service with /etc/npt6/npt6.conf,
#                                 and the ifupdown hooks
#
# The repository's top level is fixed, so there is no debian/ directory and
# no dpkg-buildpackage: the control files and maintainer scripts are here,
# and this script stages each package as dh would.  The version is the one
# in kmod/version.h; the Debian revision is 1.  Timestamps come from the
# last commit, so two builds of one commit are byte-identical.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
out=${1:-$repo/out/deb}

die()
{
	echo "build-debs: error: $*" >&2
	exit 1
}

version=$(sed -n 's/^#define NPT6_VERSION "\(.*\)"$/\1/p' "$repo/kmod/version.h")
[ -n "$version" ] || die "cannot read NPT6_VERSION from kmod/version.h"
debversion=$version-1
# Who signs the changelog, as for dch(1).
maintainer="${DEBFULLNAME:-npt6 developers} <${DEBEMAIL:-npt6@example.org}>"
arch=$(dpkg --print-architecture)

for tool in dpkg-deb dpkg-shlibdeps dpkg-buildflags fakeroot; do
	command -v "$tool" >/dev/null ||
		die "$tool not found: apt-get install dpkg-dev fakeroot"
done

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$repo" log -1 --format=%ct 2>/dev/null ||
			    stat -c %Y "$repo/kmod/version.h")
fi
export SOURCE_DATE_EPOCH

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# subst FILE: the control template with this build's values filled in.
subst()
{
	sed -e "s/@VERSION@/$version/g" -e "s/@DEBVERSION@/$debversion/g" \
	    -e "s/@ARCH@/$arch/g" -e "s/@SHLIBDEPS@/${shlibdeps:-}/g" \
	    -e "s/@SIZE@/${size:-0}/g" -e "s/@MAINTAINER@/$maintainer/g" "$1"
}

# docs ROOT PKG: copyright and a changelog, as policy wants for every
# package.
docs()
{
	local doc=$1/usr/share/doc/$2

	install -d "$doc"
	install -m 0644 "$here/copyright" "$doc/copyright"
	cat >"$work/changelog" <<-CHANGES
	$2 ($debversion) unstable; urgency=medium

	  * Built from the npt6 tree at version $version.

	 -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")
	CHANGES
	gzip -9nc "$work/changelog" >"$doc/changelog.Debian.gz"
	chmod 0644 "$doc/changelog.Debian.gz"
}

# package ROOT PKG: control files, checksums, and the .deb.
package()
{
	local root=$1 pkg=$2 src=$here/$2 f deb

	install -d -m 0755 "$root/DEBIAN"
	size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
	subst "$src/control" >"$root/DEBIAN/control"
	for f in postinst prerm postrm conffiles; do
		[ -f "$src/$f" ] || continue
		subst "$src/$f" >"$root/DEBIAN/$f"
		case $f in
		conffiles) chmod 0644 "$root/DEBIAN/$f" ;;
		*) chmod 0755 "$root/DEBIAN/$f" ;;
		esac
	done
	(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' |
		LC_ALL=C sort -z | xargs -0r md5sum) >"$root/DEBIAN/md5sums"
	chmod 0644 "$root/DEBIAN/md5sums"
	# Nothing here may keep the builder's clock or umask.
	find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	deb=$out/${pkg}_${debversion}_$(sed -n 's/^Architecture: //p' "$root/DEBIAN/control").deb
	fakeroot dpkg-deb -Zxz --build "$root" "$deb" >/dev/null
	echo "$deb"
}

umask 022

# npt6-dkms: exactly what DKMS builds from, nothing of the build tree.
root=$work/npt6-dkms
src=$root/usr/src/npt6-$version
install -d "$src/kmod/tests" "$src/uapi/linux"
install -m 0644 "$repo/Kbuild" "$repo/dkms.conf" "$src/"
install -m 0644 "$repo"/kmod/*.[ch] "$src/kmod/"
install -m 0644 "$repo"/kmod/tests/*.c "$src/kmod/tests/"
install -m 0644 "$repo"/uapi/linux/*.h "$src/uapi/linux/"
docs "$root" npt6-dkms
shlibdeps= size=
package "$root" npt6-dkms

# nptctl: built with Debian's hardening flags, stripped as dh_strip would.
# It is built in a copy, so the tree's own objects are neither used nor
# disturbed.
root=$work/tree/debian/nptctl
build=$work/build
install -d "$build/tools" "$build/kmod"
cp -r "$repo/tools/nptctl" "$repo/tools/man" "$repo/tools/completion" \
	"$repo/tools/schema" "$build/tools/"
cp -r "$repo/uapi" "$build/"
cp "$repo/kmod/version.h" "$build/kmod/"
make -s -C "$build/tools/nptctl" clean
make -s -C "$build/tools/nptctl" \
	CFLAGS="$(dpkg-buildflags --get CFLAGS) -ffile-prefix-map=$build=." \
	CPPFLAGS="$(dpkg-buildflags --get CPPFLAGS)" \
	LDFLAGS="$(dpkg-buildflags --get LDFLAGS)"
make -s -C "$build/tools/nptctl" install DESTDIR="$root" PREFIX=/usr
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
	"$root/usr/sbin/nptctl"
gzip -9n "$root/usr/share/man/man8/nptctl.8"
install -D -m 0644 "$repo/tools/systemd/npt6.service" \
	"$root/lib/systemd/system/npt6.service"
install -D -m 0644 "$repo/tools/etc/npt6.conf" "$root/etc/npt6/npt6.conf"
for d in if-pre-up.d if-up.d if-down.d; do
	install -D -m 0755 "$repo/tools/ifupdown/npt6" "$root/etc/network/$d/npt6"
done
docs "$root" nptctl
# dpkg-shlibdeps wants to run from a source tree with debian/control,
# with the package staged in debian/PACKAGE next to its DEBIAN.
install -d "$root/DEBIAN"
printf 'Source: npt6\n\nPackage: nptctl\nArchitecture: any\n' \
	>"$work/tree/debian/control"
# (Its warning that the binary is not installed in its package's
# directory is spurious for a tree staged this way.)
shlibdeps=$(cd "$work/tree" &&
	dpkg-shlibdeps -O -e debian/nptctl/usr/sbin/nptctl 2>"$work/shlibdeps.err" |
	sed -n 's/^shlibs:Depends=//p')
grep -v "should already be installed in their package" "$work/shlibdeps.err" >&2 || true
[ -n "$shlibdeps" ] || die "dpkg-shlibdeps found no dependencies for nptctl"
package "$root" nptctl
