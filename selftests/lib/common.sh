# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Host-side helpers shared by the npt6 test scripts.  Source it; it sets
# no shell options of its own, so each caller keeps its own `set -e` policy.
#
#   NPT6_REPO    absolute path of the repository (this file is in
#                selftests/lib/ of it)
#   NPT6_CACHE   where slow-to-make artefacts are kept between runs
#                (initramfs images, checkpatch.pl); /var/cache/npt6 unless
#                set in the environment
#   NPT6_KVER    if set, the guest kernel to use instead of the newest one
#
#   npt6_kver           print the guest kernel version
#   npt6_log MSG...     progress message on stderr, tagged with $NPT6_TAG
#   npt6_warn MSG...    the same, marked as a warning
#   npt6_die MSG...     error message on stderr, then exit 1
#   npt6_need CMD...    die unless every CMD is on $PATH
#   npt6_cache_dir      create $NPT6_CACHE and print it
#   log_test RC NAME    one result line as the kernel's selftests print
#                       it; see below

NPT6_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
NPT6_CACHE=${NPT6_CACHE:-/var/cache/npt6}
NPT6_TAG=${NPT6_TAG:-$(basename "$0" .sh)}

npt6_log()
{
	printf '%s: %s\n' "$NPT6_TAG" "$*" >&2
}

npt6_warn()
{
	printf '%s: warning: %s\n' "$NPT6_TAG" "$*" >&2
}

npt6_die()
{
	printf '%s: error: %s\n' "$NPT6_TAG" "$*" >&2
	exit 1
}

npt6_need()
{
	local cmd

	for cmd in "$@"; do
		command -v "$cmd" >/dev/null 2>&1 ||
			npt6_die "'$cmd' not found; run selftests/lib/deps.sh"
	done
}

npt6_cache_dir()
{
	mkdir -p "$NPT6_CACHE" || npt6_die "cannot create $NPT6_CACHE"
	printf '%s\n' "$NPT6_CACHE"
}

# The kernel the guest boots: Debian's own, i.e. the newest
# /boot/vmlinuz-*-amd64 whose headers are installed too (the module is
# built against them).  The host's running kernel plays no part: it may
# not even have modules.
npt6_kver()
{
	local img v best=

	if [ -n "${NPT6_KVER:-}" ]; then
		[ -r "/boot/vmlinuz-$NPT6_KVER" ] ||
			npt6_die "NPT6_KVER=$NPT6_KVER but /boot/vmlinuz-$NPT6_KVER is missing"
		printf '%s\n' "$NPT6_KVER"
		return 0
	fi

	for img in /boot/vmlinuz-*-amd64; do
		[ -e "$img" ] || continue
		v=${img#/boot/vmlinuz-}
		[ -d "/lib/modules/$v/build" ] || continue
		if [ -z "$best" ] ||
		   [ "$(printf '%s\n%s\n' "$best" "$v" | sort -V | tail -n1)" = "$v" ]; then
			best=$v
		fi
	done

	[ -n "$best" ] ||
		npt6_die "no /boot/vmlinuz-*-amd64 with headers; run selftests/lib/deps.sh"
	printf '%s\n' "$best"
}

# log_test RC NAME: "TEST: NAME  [ OK ]" for RC 0, [SKIP] for 4 (kselftest's
# skip), [FAIL] for anything else.  Counts them in NUM_PASS, NUM_SKIP and
# NUM_FAIL, keeps "OK   NAME" lines in REPORT for a closing summary, and
# a failure sets EXIT_STATUS to 1.  $NPT6_TEST_PREFIX goes before each
# NAME.  (selftests/net/lib.sh has the guest's own, driven by $RET.)
NUM_PASS=0
NUM_SKIP=0
NUM_FAIL=0
REPORT=()
EXIT_STATUS=0

log_test()
{
	local rc=$1 name=${NPT6_TEST_PREFIX:-}$2 result

	case $rc in
	0)	result=" OK "; NUM_PASS=$((NUM_PASS + 1)) ;;
	4)	result=SKIP; NUM_SKIP=$((NUM_SKIP + 1)) ;;
	*)	result=FAIL; NUM_FAIL=$((NUM_FAIL + 1)); EXIT_STATUS=1 ;;
	esac
	printf 'TEST: %-60s  [%s]\n' "$name" "$result"
	REPORT+=("$(printf '%-4s %s' "$result" "$name")")
}
