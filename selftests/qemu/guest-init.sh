#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test guest, after the initramfs has switch_root-ed into the
# host's root filesystem (read-only over 9p).  It makes the few writable
# places tests need, runs the job vm.sh left in the results share, records
# its exit code and the kernel log there, and powers off.
#
# What a test script can rely on inside the guest:
#   $RESULTS (/run/npt6/results)  writable, and the host sees it after the run
#   /tmp /var/tmp /run /dev/shm   empty tmpfs
#   $HOME                         /tmp/home, writable
#   $NPT6_REPO                    the repository, as on the host
#   $NPT6_GUEST=1, $NPT6_KVER     to tell where it runs
#   debugfs and tracefs mounted, lo up, kernel.panic_on_oops=1, no network
#   and no daemons; everything else, /etc included, is the host's, read-only.

RESULTS=/run/npt6/results
HOSTROOT=/run/npt6/host

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp/home LANG=C.UTF-8 TERM=dumb PYTHONDONTWRITEBYTECODE=1
export RESULTS NPT6_GUEST=1
# npt6_modules: the guest's /lib/modules when vm.sh boots a kernel of
# our own (--kernel, --modules).
modules_dir=${npt6_modules:-}
unset npt6_init npt6_modules

poweroff()
{
	sync
	echo o >/proc/sysrq-trigger
	# sysrq returns before the machine stops; PID 1 must not exit.
	sleep 60
}
trap poweroff EXIT

say()
{
	echo "guest-init: $*"
}

# Every program comes over 9p, and under TCG each exec of a dynamically
# linked one costs about 0.1 s in opens alone, so this part runs the static
# busybox (busybox-static is needed for the initramfs anyway) and builtins.
bb=
[ -x /bin/busybox ] && bb=/bin/busybox

# Mount, or complain on the console.  The one mount the job cannot work
# without, the results share, is checked separately below.
mnt()
{
	local type=$1 dir=$2 opts=$3

	$bb mount -n -t "$type" -o "$opts" "$type" "$dir" ||
		say "warning: cannot mount $type on $dir"
}

mnt proc /proc nosuid,nodev,noexec
mnt sysfs /sys nosuid,nodev,noexec
mnt devtmpfs /dev mode=0755,nosuid
mnt tmpfs /run nosuid,nodev,mode=0755
$bb mkdir -p /dev/pts /dev/shm /run/lock /run/netns "$RESULTS" "$HOSTROOT"
mnt devpts /dev/pts gid=5,mode=620,ptmxmode=666
mnt tmpfs /dev/shm nosuid,nodev,mode=1777

# A view of the host root before tmpfs hides /tmp and /var/tmp, so a
# repository checked out under them stays reachable (see keep_visible).
$bb mount -n -o bind / "$HOSTROOT"

mnt tmpfs /tmp nosuid,nodev,mode=1777
mnt tmpfs /var/tmp nosuid,nodev,mode=1777

# The results share takes writes straight through: cache=mmap still allows
# shared writable mappings, which plain cache=none does not.
$bb mount -n -t 9p -o trans=virtio,version=9p2000.L,cache=mmap,msize=512000 \
	npt6results "$RESULTS" || { say "cannot mount the results share"; exit 1; }

mnt debugfs /sys/kernel/debug nosuid,nodev,noexec
mnt tracefs /sys/kernel/tracing nosuid,nodev,noexec
mnt cgroup2 /sys/fs/cgroup nosuid,nodev,noexec
mnt bpf /sys/fs/bpf nosuid,nodev,noexec,mode=700
$bb mkdir -p "$HOME"

$bb ip link set lo up
# sysctl kernel.panic_on_oops=1 and hostname, without two more execs.
echo 1 >/proc/sys/kernel/panic_on_oops
echo npt6-guest >/proc/sys/kernel/hostname

# The job: NPT6_SCRIPT, NPT6_ARGS (array), NPT6_CWD, NPT6_REPO and any
# NPT6_* or CI variables of the caller, written by vm.sh with printf %q.
# shellcheck source=/dev/null
. "$RESULTS/job" || { say "no job in the results share"; exit 1; }
read -r NPT6_KVER </proc/sys/kernel/osrelease
export NPT6_REPO NPT6_KVER

# Through the view from before /tmp was hidden: the tree may be under /tmp.
[ -n "$modules_dir" ] &&
	$bb mount -n -o bind "$HOSTROOT$modules_dir" /lib/modules

# modprobe reads the module indexes and updates/ as vm.sh froze them at
# boot, not the host's live ones, which a concurrent install may rewrite.
snap=$RESULTS/modules
mods=/lib/modules/$NPT6_KVER
if [ -d "$snap" ]; then
	for f in "$snap"/modules.*; do
		[ -f "$mods/${f##*/}" ] && $bb mount -n -o bind "$f" "$mods/${f##*/}"
	done
	[ -d "$snap/updates" ] && [ -d "$mods/updates" ] &&
		$bb mount -n -o bind "$snap/updates" "$mods/updates"
fi

# Put back what a tmpfs mount above may have hidden, once per tree.
bound=()
keep_visible()
{
	local path=$1 top b

	for b in "${bound[@]}"; do
		case $path in
		"$b"|"$b"/*) return ;;
		esac
	done
	for top in /tmp /var/tmp; do
		case $path in
		"$top"/*)
			$bb mkdir -p "$path" &&
				$bb mount -n -o bind "$HOSTROOT$path" "$path" &&
				bound+=("$path")
			;;
		esac
	done
}
keep_visible "$NPT6_REPO"
keep_visible "$NPT6_CWD"
keep_visible "${NPT6_SCRIPT%/*}"

cd "$NPT6_CWD" 2>/dev/null || cd "$NPT6_REPO" || cd /

read -r up _ </proc/uptime
echo "$up" >"$RESULTS/uptime-start"
say "kernel $NPT6_KVER, up ${up}s, running $NPT6_SCRIPT ${NPT6_ARGS[*]}"

bash "$NPT6_SCRIPT" "${NPT6_ARGS[@]}" </dev/null
rc=$?

read -r up _ </proc/uptime
echo "$up" >"$RESULTS/uptime-end"
dmesg >"$RESULTS/dmesg" 2>&1
echo "$rc" >"$RESULTS/rc"
say "$NPT6_SCRIPT exited $rc"
