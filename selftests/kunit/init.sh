#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the UML kernel that run.sh boots on the host's root (hostfs).
# Loading the module runs its KUnit suites, which print KTAP to the
# console; unloading it exercises the exit path under the debug options.
# run.sh passes the module's path as npt6_module= on the kernel command
# line, which the kernel hands to us in the environment.

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

# These mounts are the guest's own; the host's /proc and /sys are unaffected.
mount -t proc proc /proc
mount -t sysfs sysfs /sys

if [ -z "${npt6_module:-}" ] || [ ! -r "$npt6_module" ]; then
	echo "npt6-kunit: no module to load (npt6_module=${npt6_module:-})"
else
	# run.sh parses the KTAP that follows this line.
	echo "npt6-kunit: insmod $npt6_module"
	name=$(basename "$npt6_module" .ko)
	if ! insmod "$npt6_module"; then
		echo "npt6-kunit: insmod $npt6_module failed"
	elif ! rmmod "$name"; then
		echo "npt6-kunit: rmmod $name failed"
	else
		echo "npt6-kunit: done"
	fi
fi

# Let the console drain, then power off; PID 1 must never exit.
sync
echo o > /proc/sysrq-trigger
sleep 60
