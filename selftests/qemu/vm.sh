#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one script as root inside Debian's own kernel under QEMU (TCG), with
# the host's root filesystem as the guest's, read-only over virtio-9p.
# The build host cannot load modules, so this is where npt6.ko is tested:
# a module that `dkms install` put under /lib/modules/$KVER on the host is
# what `modprobe npt6` finds in the guest.
#
# How the guest comes up: a cached busybox initramfs (mkinitramfs.sh,
# initramfs-init) loads virtio and 9p, mounts the host / and switch_roots
# into it (switch_root, not chroot, or request_module() would not work);
# guest-init.sh then mounts tmpfs where tests need to write, runs SCRIPT
# with bash and leaves its exit code and dmesg in the results share.
#
# The exit status is SCRIPT's.  On top of that the run fails if the guest
# kernel logged a warning, oops or similar (dmesg-allow.txt lists the
# known-benign lines), if no exit code came back (crash, panic, failed
# boot: 125) or if the guest outlived --timeout (124).

# Everything below is one compound command, so bash reads the whole file
# before running any of it: editing the script during a long run cannot
# change what the run does.
{
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
NPT6_TAG=vm

usage()
{
	cat <<EOF
usage: $0 [options] SCRIPT [ARGS...]

Boot Debian's kernel under QEMU TCG with the host root read-only over
virtio-9p and run 'bash SCRIPT ARGS' in it as root.  Inside, \$RESULTS
(/run/npt6/results) is writable and visible on the host afterwards.

  --icount        deterministic virtual time for benchmarks:
                  -icount shift=0,sleep=off, forces --smp 1
  --smp N         virtual CPUs (default 2)
  --mttcg         one host thread per virtual CPU, QEMU's default; see
                  "thread=single" below for why it is not ours
  --mem MiB       guest memory (default 1536)
  --timeout SEC   kill the guest and fail after SEC seconds (default 1200)
  --log FILE      also write the console to FILE
  --results DIR   keep the results share in DIR (default: a temporary
                  directory, removed after a successful run)
  --kernel IMAGE  boot IMAGE (a bzImage with every driver the boot
                  needs built in) instead of Debian's kernel;
                  needs --modules
  --modules DIR   the guest's /lib/modules: DIR holds one KVER/ directory,
                  that of IMAGE (the debug tier builds both)
  --append ARGS   add ARGS to the kernel command line
  --nic-pairs "MODEL..."
                  one pair of emulated NICs per MODEL (a QEMU -device
                  name: e1000e, virtio-net-pci, e1000, vmxnet3, rtl8139),
                  the two NICs of pair K joined by QEMU hub K and nothing
                  else, with fixed MACs 02:6e:6e:00:0K:01 and
                  02:6e:6e:00:0K:02 (K = 1..9, in the order given).  The
                  guest has no udev: their drivers are not loaded and no
                  interface exists until a test runs modprobe; the test
                  finds the NICs by MAC.  \$NPT6_NIC_PAIRS carries MODEL...
                  into the guest.  selftests/net/test_nic.sh runs iperf3
                  through npt6 and its tunnel over them, the first pair as
                  the router's LAN, the second as its WAN; run-all.sh's vm
                  suite boots with "e1000e virtio-net-pci"
  --verbose       print every kernel message on the console, not only
                  warnings and worse
  -h, --help      this text

Environment: NPT6_KVER picks the guest kernel; NPT6_* and CI are passed
into the guest; NPT6_QEMU_GDB=PORT opens QEMU's gdb stub on
localhost:PORT.  Exit status: SCRIPT's; 124 timeout; 125 no exit code came
back; 1 for a dirty kernel log or a usage or setup error.
EOF
}

icount=0
mttcg=0
smp=2
mem=1536
timeout=1200
log=
results=
keep=0
loglevel=5
image=
moddir=
append=
nic_pairs=

while [ $# -gt 0 ]; do
	case $1 in
	--icount)	icount=1 ;;
	--smp)		smp=${2:?--smp needs a value}; shift ;;
	--mttcg)	mttcg=1 ;;
	--mem)		mem=${2:?--mem needs a value}; shift ;;
	--timeout)	timeout=${2:?--timeout needs a value}; shift ;;
	--log)		log=${2:?--log needs a value}; shift ;;
	--results)	results=${2:?--results needs a value}; keep=1; shift ;;
	--kernel)	image=${2:?--kernel needs a value}; shift ;;
	--modules)	moddir=${2:?--modules needs a value}; shift ;;
	--append)	append=${2?--append needs a value}; shift ;;
	--nic-pairs)	nic_pairs=${2?--nic-pairs needs a value}; shift ;;
	--verbose)	loglevel=8 ;;
	-h|--help)	usage; exit 0 ;;
	--)		shift; break ;;
	-*)		usage >&2; npt6_die "unknown option $1" ;;
	*)		break ;;
	esac
	shift
done
[ $# -ge 1 ] || { usage >&2; exit 1; }

for n in "$smp" "$mem" "$timeout"; do
	case $n in
	''|*[!0-9]*|0) npt6_die "'$n' is not a positive number" ;;
	esac
done
[ "$icount" = 1 ] && smp=1
read -r -a nics <<<"$nic_pairs"
for n in "${nics[@]}"; do
	case $n in
	[!a-z]*|*[!a-z0-9-]*) npt6_die "--nic-pairs: '$n' is not a QEMU device name" ;;
	esac
done
[ ${#nics[@]} -le 9 ] || npt6_die "--nic-pairs: at most 9 pairs"

script=$(realpath -e -- "$1" 2>/dev/null) || npt6_die "no such script: $1"
shift

npt6_need qemu-system-x86_64 timeout realpath
[ "$(id -u)" = 0 ] ||
	npt6_warn "not root: QEMU may not be able to read the whole host root"

# Debian's bzImage is xz-compressed, and unpacking it under TCG takes
# 3-4 s of every boot.  The kernel is built with CONFIG_PVH, so QEMU can
# start the bare ELF vmlinux at its PVH entry point instead: unpack it once
# into the cache.  Print the image to boot, the bzImage if that fails.
guest_kernel()
{
	local bz=$1 out off magic tool sum tmp

	sum=$(sha256sum <"$bz" | cut -c1-16)
	out=$NPT6_CACHE/vmlinux-$kver-$sum
	if [ ! -s "$out" ]; then
		mkdir -p "$NPT6_CACHE" &&
			tmp=$(mktemp "$out.XXXXXX") || { echo "$bz"; return; }
		for magic in '\xfd7zXZ\x00:xz' '\x28\xb5\x2f\xfd:zstd' '\x1f\x8b\x08\x00:gzip'; do
			tool=${magic##*:}
			command -v "$tool" >/dev/null || continue
			off=$(LC_ALL=C grep -obUaP "${magic%:*}" "$bz" | head -n1 | cut -d: -f1)
			[ -n "$off" ] || continue
			# The payload is followed by more data, hence the noise.
			tail -c +$((off + 1)) "$bz" | "$tool" -dc >"$tmp" 2>/dev/null
			# PVH entry: Xen ELF note 18 (XEN_ELFNOTE_PHYS32_ENTRY).
			if [ "$(head -c4 "$tmp" | od -An -c | tr -d ' ')" = '177ELF' ] &&
			   LC_ALL=C readelf -n "$tmp" 2>/dev/null | grep -q '(0x00000012)'; then
				chmod 644 "$tmp"
				mv "$tmp" "$out"
				# 60 MiB each: keep only the newest.
				find "$NPT6_CACHE" -maxdepth 1 -regextype posix-extended \
					-regex '.*/vmlinux-.*-[0-9a-f]{16}' ! -path "$out" -delete
				break
			fi
		done
		rm -f "$tmp"
	fi
	if [ -s "$out" ]; then
		echo "$out"
	else
		echo "$bz"
	fi
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
if [ -n "$image" ]; then
	[ -n "$moddir" ] || npt6_die "--kernel needs --modules"
	kernel=$(realpath -e -- "$image") || npt6_die "no such kernel: $image"
	moddir=$(realpath -e -- "$moddir") || npt6_die "no such directory: $moddir"
	kver=$(cd "$moddir" && ls -d -- */ 2>/dev/null)
	kver=${kver%/}
	case $kver in
	''|*/*) npt6_die "$moddir must hold exactly one KVER/ directory" ;;
	esac
	initrd=$("$here/mkinitramfs.sh" --builtin) ||
		npt6_die "cannot build the initramfs"
else
	[ -z "$moddir" ] || npt6_die "--modules goes with --kernel"
	kver=$(npt6_kver) || exit 1
	[ -r "/boot/vmlinuz-$kver" ] || npt6_die "cannot read /boot/vmlinuz-$kver"
	kernel=$(guest_kernel "/boot/vmlinuz-$kver")
	initrd=$("$here/mkinitramfs.sh" "$kver") ||
		npt6_die "cannot build the initramfs"
fi

# Console output goes to stdout and, with --log, to a file: say() does the
# same for our own lines so both read in order.
if [ -n "$log" ]; then
	mkdir -p "$(dirname "$log")" && : >"$log" || npt6_die "cannot write $log"
else
	log=/dev/null
fi

say()
{
	printf 'vm: %s\n' "$*" | tee -a "$log"
}

# A kernel-selftest style result line, counted by run-all.sh.
result()
{
	printf 'TEST: %-60s  [%s]\n' "vm: $1" "$2" | tee -a "$log"
}

if [ -n "$results" ]; then
	mkdir -p "$results" || npt6_die "cannot create $results"
	results=$(cd "$results" && pwd -P)
	rm -f "$results"/{job,rc,dmesg,console,uptime-start,uptime-end}
	rm -f "$results"/{qemu.pid,qemu.status,timeout.pid}
	rm -rf "$results/modules"
else
	results=$(mktemp -d "${TMPDIR:-/tmp}/npt6-vm.XXXXXX") ||
		npt6_die "cannot create a results directory"
fi

# The guest sees the host's /lib/modules live, and another run of
# install-module.sh (DKMS remove, build, install) may replace npt6.ko
# while this guest still wants to load it.  So we freeze what modprobe
# reads, the modules.* indexes and updates/, in the results share, and
# guest-init.sh mounts that copy over the live one.  The lock (exclusive
# in install-module.sh) makes sure the copy is of a finished install.
# (A --modules tree is the caller's own and needs none of this.)
[ -n "$moddir" ] ||
{
exec 8>"$NPT6_CACHE/install.lock" || npt6_die "cannot open $NPT6_CACHE/install.lock"
if ! flock -s -n 8; then
	npt6_log "waiting for a module install (install-module.sh) to finish"
	flock -s 8
fi
mkdir -p "$results/modules"
cp -a "/lib/modules/$kver"/modules.* "$results/modules/" &&
	{ [ ! -d "/lib/modules/$kver/updates" ] ||
	  cp -a "/lib/modules/$kver/updates" "$results/modules/"; } ||
	npt6_die "cannot copy /lib/modules/$kver to the results share"
exec 8>&-
}

# The job, as bash source for guest-init.sh.  The caller's NPT6_* and CI
# go first so that ours win.
{
	while read -r var; do
		case $var in
		NPT6_*|CI) printf 'export %s=%q\n' "$var" "${!var}" ;;
		esac
	done < <(compgen -e)
	printf 'NPT6_SCRIPT=%q\n' "$script"
	printf 'NPT6_ARGS=('
	[ $# -gt 0 ] && printf ' %q' "$@"
	printf ' )\n'
	printf 'NPT6_CWD=%q\n' "$PWD"
	printf 'NPT6_REPO=%q\n' "$NPT6_REPO"
	if [ ${#nics[@]} -gt 0 ]; then
		printf 'export NPT6_NIC_PAIRS=%q\n' "${nics[*]}"
	else
		printf 'unset NPT6_NIC_PAIRS\n'
	fi
} >"$results/job"

# Parameters the kernel does not know (npt6_init) end up in init's
# environment; it is a path, so it must survive the command line as is.
for path in "$here" "$moddir"; do
	case $path in
	*[!A-Za-z0-9_./+-]*) npt6_die "the path '$path' has characters the kernel command line cannot carry" ;;
	esac
done
# tsc=reliable: TCG's TSC is the host's, steady across vCPUs, but the
# guest's PIT calibration and clocksource watchdog often fail under load
# and fall back to the HPET, whose every read is an emulated MMIO access.
cmdline="console=ttyS0,115200 rdinit=/init panic=-1 loglevel=$loglevel tsc=reliable"
cmdline+=" npt6_init=$here/guest-init.sh"
[ -n "$moddir" ] && cmdline+=" npt6_modules=$moddir"
[ -n "$append" ] && cmdline+=" $append"

# thread=single: one host thread runs every vCPU in turn.  With a thread
# per vCPU (MTTCG), QEMU 7.2 can go on running code it translated from an
# int3 that the guest's text_poke_bp() has since replaced; as far as we
# can tell, one vCPU translates the page while another patches it, and
# the write does not invalidate the new translation.  The guest patches
# its receive path whenever a netfilter netdev hook comes or goes (the
# hooks' static keys), i.e. each time npt6 attaches to or leaves its last
# device.  Under traffic both vCPUs then spun at the patched NOP in
# __netif_receive_skb_core for good, in and out of the int3 handler,
# which sees the byte restored and retries: a soft lockup on both CPUs in
# test_npt6's module_unload, in 1 run of 1 here and in 2 CI runs of 2.
# (Without kprobes the same int3 kills the kernel.)  With thread=single,
# 10 runs of that test, 30 unloads under traffic, passed.  The guest
# still has two CPUs that interleave, so its SMP paths still run, and on
# this 2-core host it was even faster: the vm suite took 721 s, 845 s
# with MTTCG.
accel=tcg,thread=single
[ "$mttcg" = 1 ] && accel=tcg,thread=multi

qemu=(qemu-system-x86_64
	-accel "$accel" -nodefaults -nographic -no-reboot
	-machine pc -smp "$smp" -m "$mem"
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline"
	-serial stdio -monitor none
	-pidfile "$results/qemu.pid"
	-fsdev "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap"
	-device virtio-9p-pci,fsdev=root,mount_tag=npt6root
	-fsdev "local,id=res,path=$results,security_model=none,multidevs=remap"
	-device virtio-9p-pci,fsdev=res,mount_tag=npt6results)
[ "$icount" = 1 ] && qemu+=(-icount shift=0,sleep=off)
# --nic-pairs: hub K has exactly two ports, the NICs of pair K, so each
# pair is a private wire (a hub repeats every frame to its other ports).
# virtio-net without mergeable receive buffers: in one CI run and one of
# about 25 test_nic runs here a virtio NIC's transmit stopped for good
# (NETDEV WATCHDOG every 5 s, surviving namespace moves).  On a hub only
# the other NIC's receive side can hold a transmit back, and QEMU's
# virtio-net waits for a guest kick when its check whether the free
# mergeable buffers hold a frame fails, the check where it fixed two
# such stalls after 7.2.  Fixed-size buffers take the plain empty-ring
# check.  Likely, not proven: the stall was too rare to bisect.
for ((k = 1; k <= ${#nics[@]}; k++)); do
	dev=${nics[k - 1]}
	[ "$dev" = virtio-net-pci ] && dev+=,mrg_rxbuf=off
	for end in 1 2; do
		qemu+=(-netdev "hubport,id=nic$k$end,hubid=$k"
			-device "$dev,netdev=nic$k$end,mac=02:6e:6e:00:0$k:0$end")
	done
done
# For a guest that hangs: attach gdb to the port and read each vCPU's
# registers (gdb vmlinux -ex 'target remote :PORT' -ex 'info threads').
[ -n "${NPT6_QEMU_GDB:-}" ] && qemu+=(-gdb "tcp:127.0.0.1:$NPT6_QEMU_GDB")

cleanup()
{
	local pid

	# Whatever happens to us, QEMU must not outlive the run: timeout(1)
	# passes the TERM on, and the pidfile catches the rest.
	pid=$(cat "$results/timeout.pid" 2>/dev/null) && kill -TERM "$pid" 2>/dev/null
	pid=$(cat "$results/qemu.pid" 2>/dev/null) && kill -KILL "$pid" 2>/dev/null
	if [ "$keep" = 0 ] && [ "${status:-1}" = 0 ]; then
		rm -rf "$results"
	fi
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM HUP

say "booting $kver, smp $smp, ${mem} MiB$([ "$icount" = 1 ] && echo ", icount")$([ ${#nics[@]} -gt 0 ] && echo ", NIC pairs: ${nics[*]}") ($(basename "$script") $*)"
t0=$(date +%s.%N)
# In the background, so that a signal to us is handled at once and not
# only when QEMU is gone; the shell records timeout's pid and status.
{
	sh -c 'echo $$ >"$0"; exec "$@"' "$results/timeout.pid" \
		timeout -k 10 "$timeout" "${qemu[@]}" </dev/null 2>&1
	echo $? >"$results/qemu.status"
} | sed -u -e 's/\r$//' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' |
	tee -a "$log" "$results/console" &
wait $!
qstatus=$(cat "$results/qemu.status" 2>/dev/null || echo 1)
t1=$(date +%s.%N)

status=0
if [ "$qstatus" = 124 ] || [ "$qstatus" = 137 ]; then
	say "the guest was still running after ${timeout}s, killed"
	result "guest finished within ${timeout}s" FAIL
	# Indented under the FAIL line, so that run-all.sh's summary, the
	# part of a CI log anyone sees, says where the guest was.
	where=$(grep -E 'npt6-[^ ]* start$' "$results/console" | tail -n1)
	last=$(grep -E '^TEST: ' "$results/console" | tail -n1)
	printf '    last test started: %s\n    last result: %s\n' \
		"${where:-none}" "${last:-none}" | tee -a "$log"
	status=124
elif [ "$qstatus" != 0 ]; then
	say "qemu exited $qstatus"
fi

rc=$(cat "$results/rc" 2>/dev/null)
case $rc in
'')
	if [ "$status" = 0 ]; then
		say "no exit code came back: the guest crashed, panicked or failed to boot (console above)"
		status=125
	fi
	;;
*[!0-9]*)
	say "garbled exit code '$rc'"
	status=125
	;;
*)
	[ "$status" = 0 ] && status=$rc
	;;
esac

# The kernel log must be clean.  Without a dmesg file (panic, timeout) the
# console is all we have; it carries every warning at our loglevel.
dmesg_file=$results/dmesg
[ -s "$dmesg_file" ] || dmesg_file=$results/console
bad='BUG:|WARNING:|Oops|KASAN|UBSAN|rcu.*(detected stall|self-detected stall)|RCU stall'
bad+='|circular locking|general protection|Kernel panic|soft lockup|hard LOCKUP'
bad+='|blocked for more than|list_(add|del) corruption|refcount_t: '
# What the debug kernel's checkers say (selftests/debug).
bad+='|ODEBUG:|suspected memory leak|ref_tracker:|unregister_netdevice: waiting'
allow=$(mktemp)
sed -e 's/[[:space:]]*#.*//' -e '/^$/d' "$here/dmesg-allow.txt" >"$allow" 2>/dev/null
if [ -s "$dmesg_file" ]; then
	found=$(grep -E -- "$bad" "$dmesg_file" | grep -v -E -f "$allow")
	if [ -n "$found" ]; then
		first=$(grep -n -F -- "$(printf '%s\n' "$found" | head -n1)" "$dmesg_file" |
			head -n1 | cut -d: -f1)
		say "the guest kernel logged problems:"
		printf '%s\n' "$found" | sed 's/^/vm:   /' | tee -a "$log"
		say "first one in context ($dmesg_file):"
		sed -n "$((first > 5 ? first - 5 : 1)),$((first + 40))p" "$dmesg_file" |
			sed 's/^/vm:   /' | tee -a "$log"
		result "guest kernel log has no warnings" FAIL
		printf '%s\n' "$found" | head -n3 | sed 's/^/    /' | tee -a "$log"
		[ "$status" = 0 ] && status=1
	elif [ -s "$results/dmesg" ]; then
		result "guest kernel log has no warnings" " OK "
	fi
fi
rm -f "$allow"

# Timings: guest clock from kernel start to the script and of the script,
# and host wall clock for the whole run.  Under --icount the guest clock
# counts instructions (1 ns each), not seconds, so only the wall clock
# figure means time there.
start=$(cat "$results/uptime-start" 2>/dev/null)
end=$(cat "$results/uptime-end" 2>/dev/null)
if [ -n "$start" ] && [ -n "$end" ]; then
	say "$(awk -v s="$start" -v e="$end" -v t0="$t0" -v t1="$t1" \
		-v ic="$([ "$icount" = 1 ] && echo ", virtual")" 'BEGIN {
		printf "time: kernel start to script %.2fs, script %.2fs (guest clock%s); ", s, e - s, ic
		printf "%.2fs wall in all, %.2fs of it not the script", t1 - t0, t1 - t0 - (e - s) }')"
fi

rm -rf "$results/modules"
if [ "$status" != 0 ]; then
	say "exit $status; results kept in $results"
fi
exit "$status"
}
