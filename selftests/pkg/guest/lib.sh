# SPDX-License-Identifier: GPL-2.0
#
# Sourced by install.sh and check.sh, the package test's two boots: TEST
# lines in the kernel-selftest style, on the serial console, which the
# host reads.  $status becomes 1 once anything has failed.

exec >/dev/ttyS0 2>&1

status=0

result()
{
	printf 'TEST: %-60s  [%s]\n' "$1" "$2"
	[ "$2" = " OK " ] || status=1
}

# check WHAT CMD...: one TEST line, OK if CMD succeeds.
check()
{
	what=$1
	shift
	if "$@"; then
		result "$what" " OK "
	else
		result "$what" FAIL
	fi
}
