#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh checkpatch|sparse|w1...
#
#   checkpatch  scripts/checkpatch.pl --strict on every source file under
#               kmod/ and uapi/, with --codespell when a codespell
#               dictionary is installed.  checkpatch.pl comes out of
#               Debian's linux-source-6.1 tarball, once, into $NPT6_CACHE.
#   sparse      build the module with C=2 and fail on any sparse report
#               about our files
#   w1          build the module with W=1 and fail on any warning about
#               our files
#
# Both builds run on a copy of the sources in a temporary directory, so
# they always compile every file and never disturb a build in the tree.
# KDIR as in the Makefile (default: the guest kernel's headers).  Exit
# status 1 if anything was found; the findings are printed.

set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
NPT6_TAG=lint

SOURCE_TARBALL=/usr/src/linux-source-6.1.tar.xz
CHECKPATCH_FILES="scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch"

# The files we own: sources only, not what a build leaves next to them.
our_sources()
{
	(cd "$NPT6_REPO" && find kmod uapi -type f \( -name '*.c' -o -name '*.h' \) \
		! -name '*.mod.c' | LC_ALL=C sort)
}

# Extract checkpatch.pl and its data files once per source tarball; print
# the directory that holds scripts/.
checkpatch_dir()
{
	local key dir top f tmp members=()

	[ -r "$SOURCE_TARBALL" ] ||
		npt6_die "$SOURCE_TARBALL missing; run selftests/lib/deps.sh"
	key=$(stat -c '%s-%Y' "$SOURCE_TARBALL")
	dir=$(npt6_cache_dir)/checkpatch-$key
	if [ -f "$dir/scripts/checkpatch.pl" ]; then
		echo "$dir"
		return
	fi

	npt6_log "extracting checkpatch.pl from $SOURCE_TARBALL"
	top=$(tar -tJf "$SOURCE_TARBALL" | head -n1)
	top=${top%%/*}
	tmp=$(mktemp -d "$dir.XXXXXX") || exit 1
	for f in $CHECKPATCH_FILES; do
		members+=("$top/$f")
	done
	if ! tar -xJf "$SOURCE_TARBALL" -C "$tmp" --strip-components=1 "${members[@]}"; then
		rm -rf "$tmp"
		npt6_die "cannot extract checkpatch.pl from $SOURCE_TARBALL"
	fi
	rm -rf "$dir"
	mv "$tmp" "$dir"
	echo "$dir"
}

do_checkpatch()
{
	local dir dict file out status=0 args n=0

	dir=$(checkpatch_dir) || return 1
	args=(--strict --no-tree --show-types --quiet --color=never)
	# checkpatch.pl's own default, else Debian's codespell package.
	for dict in /usr/share/codespell/dictionary.txt \
		    /usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt; do
		if [ -r "$dict" ]; then
			args+=(--codespell "--codespellfile=$dict")
			break
		fi
	done
	[ -r "$dict" ] || npt6_log "no codespell dictionary: spelling not checked"

	cd "$NPT6_REPO" || return 1
	while read -r file; do
		n=$((n + 1))
		if ! out=$(perl "$dir/scripts/checkpatch.pl" "${args[@]}" -f "$file" 2>&1); then
			printf '%s\n' "$out"
			status=1
		fi
	done < <(our_sources)

	[ "$n" -gt 0 ] || { npt6_log "checkpatch: no sources under kmod/ or uapi/"; return 1; }
	if [ "$status" = 0 ]; then
		npt6_log "checkpatch --strict: $n files clean"
	else
		npt6_log "checkpatch --strict: findings above"
	fi
	return $status
}

# build NAME MAKEARGS...: build a copy of the module; print our files'
# diagnostics with repository-relative paths; fail on any.
build()
{
	local tmp rc

	tmp=$(mktemp -d "${TMPDIR:-/tmp}/npt6-lint.XXXXXX") || return 1
	build_in "$tmp" "$@"
	rc=$?
	rm -rf "$tmp"
	return $rc
}

build_in()
{
	local tmp=$1 name=$2 kdir log found rc
	shift 2

	kdir=${KDIR:-/lib/modules/$(npt6_kver)/build}
	[ -d "$kdir" ] || npt6_die "no kernel build directory $kdir"
	npt6_need make
	cp -r "$NPT6_REPO/Kbuild" "$NPT6_REPO/kmod" "$NPT6_REPO/uapi" "$tmp/" || return 1
	find "$tmp" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \) \
		-delete

	log=$tmp/build.log
	LC_ALL=C make -C "$kdir" M="$tmp" "$@" modules >"$log" 2>&1
	rc=$?
	sed -i "s|$tmp/||g" "$log"

	# Reports about our files: compiler and sparse ones start with the
	# file name, modpost's with "WARNING: modpost:".
	found=$(grep -E '^(kmod|uapi)/[^:]+:[0-9]+(:[0-9]+)?: (warning|error|note):|^(WARNING|ERROR): modpost:' "$log")
	if [ "$rc" != 0 ]; then
		npt6_log "$name: the build failed:"
		grep -v '^make\[' "$log" | tail -n 40
		return 1
	fi
	if [ -n "$found" ]; then
		printf '%s\n' "$found"
		npt6_log "$name: $(printf '%s\n' "$found" | wc -l) findings"
		return 1
	fi
	npt6_log "$name: clean"
}

[ $# -ge 1 ] || { echo "usage: $0 checkpatch|sparse|w1..." >&2; exit 2; }
status=0
for what in "$@"; do
	case $what in
	checkpatch)	do_checkpatch || status=1 ;;
	sparse)		npt6_need sparse; build "sparse (C=2)" C=2 || status=1 ;;
	w1)		build W=1 W=1 || status=1 ;;
	*)		echo "usage: $0 checkpatch|sparse|w1..." >&2; exit 2 ;;
	esac
done
exit $status
