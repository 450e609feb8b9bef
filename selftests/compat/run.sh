#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [SUITE...]: compile npt6.ko against the kernel headers of each
# Debian suite, with W=1, in a chroot of that suite so that its own gcc
# builds it.  One TEST line per kernel, then a summary.
#
#   bullseye            5.10, the oldest longterm kernel we support
#   bookworm            6.1
#   bookworm-backports  what bookworm users get for newer hardware
#   trixie              6.12
#   sid                 unstable's kernel
#   experimental        the newest Debian packages, usually a release
#                       candidate; skipped when it is not newer than sid
#
# Without arguments every suite above is built.  Kernels that have the
# netdev egress hook are built a second time with NPT6_FORCE_POSTROUTING=1,
# so the POST_ROUTING fallback compiles everywhere, not only on 5.10.
#
# The chroots (debootstrap --variant=buildd plus linux-headers-amd64) are
# made once and kept in $NPT6_CACHE/compat/<suite>; NPT6_COMPAT_REFRESH=1
# upgrades them first, to pick up a newer kernel ABI.  Needs root and
# http://deb.debian.org/debian (NPT6_COMPAT_MIRROR to override).
#
# Exit status: 0 if every build passed or was skipped, 1 otherwise.

set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
NPT6_TAG=compat

MIRROR=${NPT6_COMPAT_MIRROR:-http://deb.debian.org/debian}
ALL_SUITES="bullseye bookworm bookworm-backports trixie sid experimental"


# The Debian release a suite's chroot is made of, and the suite its
# kernel headers come from.
base_of()
{
	case $1 in
	bookworm-backports)	echo bookworm ;;
	experimental)		echo sid ;;
	*)			echo "$1" ;;
	esac
}

host_deps()
{
	command -v debootstrap >/dev/null 2>&1 && return 0
	npt6_log "installing debootstrap"
	apt-get update -q >/dev/null &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null ||
		npt6_die "cannot install debootstrap"
}

# in_root ROOT CMD...: run CMD inside the chroot, with a clean environment.
in_root()
{
	local root=$1
	shift

	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
		DEBIAN_FRONTEND=noninteractive chroot "$root" "$@"
}

# apt-get inside ROOT needs /proc, and resolv.conf for the mirror.
mount_root()
{
	local root=$1

	mountpoint -q "$root/proc" || mount -t proc proc "$root/proc" || return 1
	cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
	return 0
}

umount_root()
{
	local root=$1

	mountpoint -q "$root/proc" && umount "$root/proc"
}

# Unstable's Release files expire a week after they are made; behind a
# mirror that lags, or a clock that runs ahead, apt would refuse them.  A
# compile test does not need the very latest, only packages that fit
# together, which the signed indexes still guarantee.
apt_conf()
{
	echo 'Acquire::Check-Valid-Until "false";' \
		>"$1/etc/apt/apt.conf.d/99npt6-compat"
}

# make_root SUITE ROOT LOG: debootstrap ROOT and install the suite's
# kernel headers.  The chroot is built beside ROOT and renamed only when
# complete, so an interrupted run leaves nothing half made behind.
make_root()
{
	local suite=$1 root=$2 log=$3 base tmp
	local -a target=()

	base=$(base_of "$suite")
	tmp=$root.new
	[ -d "$tmp" ] && umount_root "$tmp"
	# debootstrap removes its own debootstrap/ directory when it is done:
	# a finished base system is kept, and only the rest is done again.
	if [ -x "$tmp/usr/bin/make" ] && [ ! -d "$tmp/debootstrap" ]; then
		npt6_log "$suite: resuming in $tmp"
	else
		rm -rf "$tmp"
		npt6_log "$suite: debootstrap $base (a few minutes, once)"
		debootstrap --variant=buildd "$base" "$tmp" "$MIRROR" >>"$log" 2>&1 ||
			return 1
	fi
	apt_conf "$tmp"

	case $suite in
	bookworm-backports | experimental)
		echo "deb $MIRROR $suite main" >"$tmp/etc/apt/sources.list.d/$suite.list"
		target=(-t "$suite")
		;;
	esac
	mount_root "$tmp" || return 1
	{
		in_root "$tmp" apt-get update -q &&
		in_root "$tmp" apt-get install -y -q --no-install-recommends \
			"${target[@]}" linux-headers-amd64
	} >>"$log" 2>&1
	local rc=$?
	umount_root "$tmp"
	[ $rc = 0 ] || return 1
	in_root "$tmp" apt-get clean >>"$log" 2>&1
	mv "$tmp" "$root"
}

refresh_root()
{
	local suite=$1 root=$2 log=$3 rc
	local -a target=()

	case $suite in
	bookworm-backports | experimental) target=(-t "$suite") ;;
	esac
	npt6_log "$suite: upgrading the chroot"
	apt_conf "$root"
	mount_root "$root" || return 1
	{
		in_root "$root" apt-get update -q &&
		in_root "$root" apt-get dist-upgrade -y -q --no-install-recommends &&
		in_root "$root" apt-get install -y -q --no-install-recommends \
			"${target[@]}" linux-headers-amd64
	} >>"$log" 2>&1
	rc=$?
	umount_root "$root"
	in_root "$root" apt-get clean >>"$log" 2>&1
	return $rc
}

# The newest kernel whose headers the chroot holds, e.g. 6.12.57+deb13-amd64.
headers_ver()
{
	local root=$1 d v best=

	for d in "$root"/lib/modules/*/build; do
		v=${d%/build}
		v=${v##*/}
		# The link is absolute in older releases: resolve it inside.
		d=$(in_root "$root" readlink -f "/lib/modules/$v/build") || continue
		[ -f "$root$d/Makefile" ] || continue
		if [ -z "$best" ] ||
		   [ "$(printf '%s\n%s\n' "$best" "$v" | sort -V | tail -n1)" = "$v" ]; then
			best=$v
		fi
	done
	printf '%s\n' "$best"
}

# build_in_root ROOT KVER LOG MAKEARGS...: build a fresh copy of the module
# in ROOT; fail on a failed build or any diagnostic about our files.
build_in_root()
{
	local root=$1 kver=$2 log=$3 src rc found
	shift 3

	src=$root/build/npt6
	rm -rf "$src"
	mkdir -p "$src" || return 1
	cp -r "$NPT6_REPO/Kbuild" "$NPT6_REPO/kmod" "$NPT6_REPO/uapi" "$src/" || return 1
	find "$src" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \) \
		-delete

	# objtool of newer kernels reads its limits in /proc.
	mount_root "$root" || return 1
	in_root "$root" make -C "/lib/modules/$kver/build" M=/build/npt6 W=1 \
		"$@" modules >"$log" 2>&1
	rc=$?
	umount_root "$root"
	sed -i 's|/build/npt6/||g' "$log"
	found=$(grep -E '^(kmod|uapi)/[^:]+:[0-9]+(:[0-9]+)?: (warning|error):|^(WARNING|ERROR): modpost:' "$log")
	if [ $rc != 0 ] || [ -n "$found" ] || [ ! -f "$src/npt6.ko" ]; then
		{ [ -n "$found" ] && printf '%s\n' "$found"; } ||
			grep -v '^make\[' "$log" | tail -n 30
		return 1
	fi
	return 0
}

# test_suite SUITE: make or reuse its chroot, then build against it.
test_suite()
{
	local suite=$1 dir root log kver sidver

	dir=$(npt6_cache_dir)/compat/$suite
	root=$dir/root
	log=$dir/setup.log
	mkdir -p "$dir" || npt6_die "cannot create $dir"

	if [ ! -x "$root/usr/bin/make" ]; then
		: >"$log"
		if ! make_root "$suite" "$root" "$log"; then
			tail -n 20 "$log" | sed 's/^/\t/'
			log_test 4 "compat: cannot make a $suite chroot (see $log)"
			return
		fi
	elif [ -n "${NPT6_COMPAT_REFRESH:-}" ]; then
		refresh_root "$suite" "$root" "$log" ||
			npt6_warn "$suite: upgrade failed; building against what is there"
	fi

	kver=$(headers_ver "$root")
	if [ -z "$kver" ]; then
		log_test 4 "compat: no kernel headers in the $suite chroot"
		return
	fi
	# Experimental only matters when it is ahead of unstable.
	if [ "$suite" = experimental ] && [ -x "$(npt6_cache_dir)/compat/sid/root/usr/bin/make" ]; then
		sidver=$(headers_ver "$(npt6_cache_dir)/compat/sid/root")
		if [ -n "$sidver" ] &&
		   [ "$(printf '%s\n%s\n' "$sidver" "$kver" | sort -V | tail -n1)" = "$sidver" ]; then
			log_test 4 "compat: linux-headers-$kver ($suite) is not newer than sid's $sidver"
			return
		fi
	fi

	npt6_log "$suite: building against $kver"
	if build_in_root "$root" "$kver" "$dir/build.log" 2>&1 | sed 's/^/\t/' &&
	   [ "${PIPESTATUS[0]}" = 0 ]; then
		log_test 0 "compat: builds against linux-headers-$kver ($suite)"
	else
		log_test 1 "compat: builds against linux-headers-$kver ($suite)"
	fi

	# Kbuild builds the POST_ROUTING fallback only where the kernel has
	# no egress hook.  Where it has one, build the fallback too, forced.
	if [ -f "$root/build/npt6/npt6.ko" ] &&
	   [ ! -e "$root/build/npt6/kmod/xlat_postrouting.o" ]; then
		if build_in_root "$root" "$kver" "$dir/build-postrouting.log" \
				NPT6_FORCE_POSTROUTING=1 2>&1 | sed 's/^/\t/' &&
		   [ "${PIPESTATUS[0]}" = 0 ]; then
			log_test 0 "compat: builds against linux-headers-$kver ($suite), POST_ROUTING fallback forced"
		else
			log_test 1 "compat: builds against linux-headers-$kver ($suite), POST_ROUTING fallback forced"
		fi
	elif [ -f "$root/build/npt6/npt6.ko" ]; then
		printf '\tno netdev egress hook: SNPT runs at POST_ROUTING\n'
	fi
	rm -rf "$root/build/npt6"
}

# An interrupted run must not leave /proc mounted in a cached chroot.
cleanup()
{
	local m

	for m in "$NPT6_CACHE"/compat/*/root/proc "$NPT6_CACHE"/compat/*/root.new/proc; do
		mountpoint -q "$m" 2>/dev/null && umount "$m"
	done
}

main()
{
	local s suites=${*:-$ALL_SUITES}

	[ "$(id -u)" = 0 ] || npt6_die "needs root (debootstrap, chroot)"
	for s in $suites; do
		case " $ALL_SUITES " in
		*" $s "*) ;;
		*) npt6_die "unknown suite '$s' (known: $ALL_SUITES)" ;;
		esac
	done
	npt6_need make chroot mount mountpoint
	trap cleanup EXIT
	host_deps

	for s in $suites; do
		test_suite "$s"
	done

	echo
	echo "compat summary: $NUM_PASS passed, $NUM_FAIL failed, $NUM_SKIP skipped"
	printf '  %s\n' "${REPORT[@]}"
	[ "$NUM_FAIL" = 0 ]
}

# One line, read at once: editing this file during a run changes nothing.
main "$@"; exit
