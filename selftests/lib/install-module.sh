#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install npt6.ko for the guest kernel the way a user does, through DKMS
# (`make dkms-install`), and build nptctl.  The guest's root is the host's,
# so the module DKMS installs under /lib/modules/$KVER/updates/dkms is the
# one `modprobe npt6` loads in the guest: the install path is tested too.
#
# Prints one TEST line per step.  Exit status: 0 if both worked, else bit
# 0 set if the module did not install and bit 1 if nptctl did not build.
# The full output of each step is kept in out/ (dkms-install.log,
# nptctl-build.log).

set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
NPT6_TAG=install-module

result()
{
	printf 'TEST: %-60s  [%s]\n' "$1" "$2"
}

# Show the tail of a log, indented, so a failure explains itself.
show()
{
	local file=$1 lines=$2

	[ -s "$file" ] || return 0
	echo "# ---- last $lines lines of $file"
	tail -n "$lines" "$file" | sed 's/^/# /'
}

npt6_need make dkms modinfo
kver=$(npt6_kver) || exit 1
cd "$NPT6_REPO" || exit 1
out=$NPT6_REPO/out
mkdir -p "$out" || npt6_die "cannot create $out"
version=$(sed -n 's/^#define NPT6_VERSION "\(.*\)"$/\1/p' kmod/version.h 2>/dev/null)
[ -n "$version" ] || npt6_die "no NPT6_VERSION in kmod/version.h"
status=0

# Exclusive: two installs must not race through one DKMS tree, and a
# guest that is running (vm.sh holds this lock shared) must not see its
# module replaced under it.
exec 9>"$(npt6_cache_dir)/dkms.lock"
if ! flock -n 9; then
	npt6_log "waiting for running guests (vm.sh) or another install to finish"
	flock 9
fi

log=$out/dkms-install.log
npt6_log "make dkms-install DKMS_KVER=$kver (log: out/dkms-install.log)"
if ! make dkms-install DKMS_KVER="$kver" >"$log" 2>&1; then
	npt6_log "DKMS could not build or install npt6 $version for $kver"
	show "$log" 25
	show "/var/lib/dkms/npt6/$version/build/make.log" 40
	result "install: dkms install npt6 $version for $kver" FAIL
	status=1
else
	# DKMS must have put it where modprobe in the guest looks, and run
	# depmod so that modprobe finds it there and not elsewhere.
	path=$(modinfo -k "$kver" -n npt6 2>/dev/null)
	case $path in
	/lib/modules/"$kver"/updates/dkms/npt6.ko*)
		result "install: dkms install npt6 $version for $kver" " OK "
		;;
	*)
		npt6_log "after dkms install, modprobe would load '${path:-nothing}'," \
			"not /lib/modules/$kver/updates/dkms/npt6.ko"
		ls -l "/lib/modules/$kver/updates/dkms/" 2>&1 | sed 's/^/# /'
		result "install: dkms install npt6 $version for $kver" FAIL
		status=1
		;;
	esac
fi
exec 9>&-

log=$out/nptctl-build.log
npt6_log "make nptctl (log: out/nptctl-build.log)"
if make nptctl >"$log" 2>&1; then
	result "install: build nptctl" " OK "
else
	show "$log" 30
	result "install: build nptctl" FAIL
	status=$((status | 2))
fi

exit $status
