# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Build a test kernel from Debian's linux-source-6.1 and cache it.  Shared
# by the KUnit runner (a UML kernel) and the debug tier (an x86_64 kernel
# for QEMU).  Source selftests/lib/common.sh first.
#
#   kbuild_source
#       install linux-source-6.1 if needed; sets KBUILD_SRC_TAR and
#       KBUILD_SRC_VERSION
#   kbuild_cached NAME FRAGMENT RECIPE [PATCH...]
#       succeed if the cache already holds that kernel, installing and
#       building nothing
#   kbuild_kernel NAME ARCH DEFCONFIG FRAGMENT RECIPE [PATCH...]
#       unless the cache has it, extract the source, apply each PATCH
#       (git apply, -p1), configure it as DEFCONFIG plus FRAGMENT, check
#       that every line of FRAGMENT survived olddefconfig, and build.  The
#       cache directory is $NPT6_CACHE/NAME-<source version>-<hash of
#       RECIPE, FRAGMENT and the patches>, so a fresh clone shares it and
#       a changed fragment or patch builds anew.
#       Sets KBUILD_DIR (that directory), KBUILD_SRC (the source tree) and
#       KBUILD_OBJ (the O= build tree).  Concurrent callers wait for each
#       other rather than build twice.

KBUILD_SRC_PKG=linux-source-6.1
KBUILD_SRC_TAR=/usr/src/linux-source-6.1.tar.xz
KBUILD_SRC_TOPDIR=linux-source-6.1

# kbuild_dir NAME FRAGMENT RECIPE [PATCH...]: set KBUILD_DIR, the cache
# directory.  Without patches the key is what it was before they existed.
kbuild_dir()
{
	local name=$1 fragment=$2 recipe=$3 key

	shift 3
	key=$( { echo "recipe $recipe"; cat "$fragment"; [ $# -eq 0 ] || cat "$@"; } |
	       sha256sum | cut -c1-12)
	KBUILD_DIR=$(npt6_cache_dir)/$name-$KBUILD_SRC_VERSION-$key
}

# Set KBUILD_SRC_VERSION, part of the cache key, from the installed source.
kbuild_version()
{
	KBUILD_SRC_VERSION=$(dpkg-query -W -f='${Version}' "$KBUILD_SRC_PKG" \
			     2>/dev/null) || KBUILD_SRC_VERSION=
	[ -n "$KBUILD_SRC_VERSION" ] ||
		KBUILD_SRC_VERSION=$(stat -c %Y "$KBUILD_SRC_TAR")
}

kbuild_cached()
{
	[ -r "$KBUILD_SRC_TAR" ] || return 1
	kbuild_version
	kbuild_dir "$@"
	[ -e "$KBUILD_DIR/.complete" ]
}

kbuild_source()
{
	if [ ! -r "$KBUILD_SRC_TAR" ]; then
		npt6_log "installing $KBUILD_SRC_PKG"
		apt-get install -y "$KBUILD_SRC_PKG" >&2 ||
			{ apt-get update >&2 &&
			  apt-get install -y "$KBUILD_SRC_PKG" >&2; } ||
			npt6_die "cannot install $KBUILD_SRC_PKG"
	fi
	kbuild_version
}

# Fail unless every line of the fragment is what the final .config says.
kbuild_check_config()
{
	local fragment=$1 cfg=$2
	local line sym bad=0

	while read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF "$line" "$cfg" || {
				npt6_log "option did not stick: $line"
				bad=1
			}
			;;
		"# CONFIG_"*" is not set")
			sym=${line#"# "}
			sym=${sym%" is not set"}
			if grep -q "^$sym=" "$cfg"; then
				npt6_log "option did not stick: $line"
				bad=1
			fi
			;;
		esac
	done < "$fragment"
	return $bad
}

kbuild_kernel()
{
	local name=$1 arch=$2 defconfig=$3 fragment=$4 recipe=$5 patch
	local jobs=${NPT6_JOBS:-$(nproc)}

	shift 5
	kbuild_source
	kbuild_dir "$name" "$fragment" "$recipe" "$@"
	KBUILD_SRC=$KBUILD_DIR/src
	KBUILD_OBJ=$KBUILD_DIR/build
	mkdir -p "$KBUILD_DIR"

	exec 9> "$KBUILD_DIR/.lock"
	flock 9

	if [ -e "$KBUILD_DIR/.complete" ]; then
		npt6_log "using the cached $arch kernel in $KBUILD_DIR"
		exec 9>&-
		return
	fi

	if [ ! -d "$KBUILD_SRC" ]; then
		npt6_log "extracting $KBUILD_SRC_TAR"
		rm -rf "$KBUILD_SRC.tmp"
		mkdir -p "$KBUILD_SRC.tmp"
		tar -xJf "$KBUILD_SRC_TAR" -C "$KBUILD_SRC.tmp" \
			--strip-components=1 "$KBUILD_SRC_TOPDIR"
		for patch in "$@"; do
			npt6_log "applying ${patch#"$NPT6_REPO/"}"
			(cd "$KBUILD_SRC.tmp" && git apply -p1 "$patch") ||
				npt6_die "${patch#"$NPT6_REPO/"} does not apply"
		done
		mv "$KBUILD_SRC.tmp" "$KBUILD_SRC"
	fi

	npt6_log "configuring the $arch kernel in $KBUILD_OBJ"
	mkdir -p "$KBUILD_OBJ"
	{
		make -C "$KBUILD_SRC" O="$KBUILD_OBJ" ARCH="$arch" \
			"$defconfig" &&
		cat "$fragment" >> "$KBUILD_OBJ/.config" &&
		make -C "$KBUILD_SRC" O="$KBUILD_OBJ" ARCH="$arch" olddefconfig
	} > "$KBUILD_DIR/config.log" 2>&1 || {
		cat "$KBUILD_DIR/config.log" >&2
		npt6_die "cannot configure the $arch kernel"
	}
	kbuild_check_config "$fragment" "$KBUILD_OBJ/.config" ||
		npt6_die "the $arch kernel cannot take ${fragment#"$NPT6_REPO/"} as written"

	npt6_log "building the $arch kernel with $jobs jobs (long when cold)"
	make -s -C "$KBUILD_SRC" O="$KBUILD_OBJ" ARCH="$arch" -j"$jobs" >&2 ||
		npt6_die "the $arch kernel build failed"
	touch "$KBUILD_DIR/.complete"
	exec 9>&-
}
