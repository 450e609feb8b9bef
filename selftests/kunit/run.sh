#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the npt6 KUnit suites in a User-Mode Linux kernel.
#
#   1. Build a UML kernel from Debian's linux-source-6.1 with ./config on
#      top of defconfig: KUnit, modules, hostfs and the debug options
#      (KASAN, lockdep, PROVE_RCU), and ./uml-xstate.patch, without which
#      UML 6.1 cannot run a process on a host CPU with AMX (the patch
#      says why).  The build is cached under $NPT6_CACHE (default
#      /var/cache/npt6) in a directory named after the source package
#      version and a hash of ./config and the patch, so reruns and fresh
#      clones share it.  A cold build takes several minutes.
#   2. Build the suites as a module against that kernel.  Preferred is
#      npt6.ko itself with NPT6_KUNIT=y, so the tests see the module as
#      it ships; while the rest of the module does not compile, we fall
#      back to npt6_kunit.ko (./Kbuild): the arithmetic, the table and
#      the tests, nothing else.  NPT6_KUNIT_MODULE=full|standalone
#      forces one.  Both build from a copy under out/, so the objects of
#      the host-kernel build in the work tree are never touched.
#   3. Boot the kernel on the host's root over hostfs with ./init.sh as
#      PID 1, which loads and unloads the module and powers off.
#   4. Parse the KTAP on the console with kunit.py and print one
#      "TEST: kunit <suite>.<case>  [ OK ]" line per case.  A KASAN,
#      lockdep, RCU, WARNING or BUG splat anywhere on the console is a
#      failure of its own.
#
# The whole console is kept in out/kunit-console.log.  Exit status is 0
# when every case passed (or was skipped) and nothing splatted.

set -eu -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source=selftests/lib/common.sh
. "$HERE/../lib/common.sh"
# shellcheck source=selftests/lib/kbuild.sh
. "$HERE/../lib/kbuild.sh"
# shellcheck disable=SC2034 # read by common.sh
NPT6_TAG=kunit

TOP=$NPT6_REPO
OUT=$TOP/out
STAGE=$OUT/kunit
CONSOLE=$OUT/kunit-console.log

MODULE_MODE=${NPT6_KUNIT_MODULE:-auto}
BOOT_TIMEOUT=${NPT6_KUNIT_TIMEOUT:-600}
JOBS=${NPT6_JOBS:-$(nproc)}

# Bump when the way the kernel is built changes, to invalidate old caches.
RECIPE=1



# Build (or find in the cache) the UML kernel: defconfig plus ./config.
build_kernel()
{
	kbuild_kernel uml um defconfig "$HERE/config" "$RECIPE" \
		"$HERE/uml-xstate.patch"
	KSRC=$KBUILD_SRC
	KBUILD=$KBUILD_OBJ
}

# Copy what the module needs to out/kunit/tree and build it there.
build_module()
{
	local tree=$STAGE/tree

	rm -rf "$tree"
	mkdir -p "$tree/selftests"
	cp -a "$TOP/Kbuild" "$TOP/kmod" "$TOP/uapi" "$tree/"
	cp -a "$HERE" "$tree/selftests/kunit"

	if [ "$MODULE_MODE" != standalone ]; then
		npt6_log "building npt6.ko with NPT6_KUNIT=y"
		if make -C "$KBUILD" ARCH=um M="$tree" NPT6_KUNIT=y \
			-j"$JOBS" modules > "$STAGE/build-full.log" 2>&1; then
			MODULE=$tree/npt6.ko
			return
		fi
		[ "$MODULE_MODE" = auto ] || {
			cat "$STAGE/build-full.log" >&2
			npt6_die "npt6.ko does not build"
		}
		npt6_log "npt6.ko does not build yet (see out/kunit/build-full.log);"
		npt6_log "falling back to the standalone npt6_kunit.ko"
	fi

	npt6_log "building npt6_kunit.ko"
	make -C "$KBUILD" ARCH=um M="$tree/selftests/kunit" -j"$JOBS" \
		modules > "$STAGE/build-standalone.log" 2>&1 || {
		cat "$STAGE/build-standalone.log" >&2
		npt6_die "npt6_kunit.ko does not build"
	}
	MODULE=$tree/selftests/kunit/npt6_kunit.ko
}

# Boot UML with init.sh as PID 1; it loads $MODULE and powers off.
boot()
{
	local rc=0

	npt6_log "booting UML, console in ${CONSOLE#"$TOP/"}"
	# UML backs guest memory with a file in $TMPDIR.  Parameters the
	# kernel does not know are handed to init as environment variables.
	TMPDIR=/dev/shm timeout -k 10 "$BOOT_TIMEOUT" \
		"$KBUILD/linux" mem=768M rootfstype=hostfs rw \
		init="$HERE/init.sh" kunit.filter_glob='npt6*' \
		npt6_module="$MODULE" < /dev/null > "$CONSOLE" 2>&1 || rc=$?
	return $rc
}

# Turn the KTAP on the console into TEST: lines, one per case.
report()
{
	local json=$STAGE/results.json
	local ktap=$STAGE/ktap.log
	local suites line cases=0

	# Every suite in kmod/tests must report, if only as crashed.
	mapfile -t suites < <(sed -n \
		's/^[[:space:]]*\.name = "\(npt6_[a-z0-9_]*\)",$/\1/p' \
		"$TOP"/kmod/tests/*_test.c)

	# The boot prints an empty KTAP header for the built-in suites (there
	# are none) and a module's suites come without one, so we hand the
	# parser what follows the insmod with a header of our own.
	{
		echo "KTAP version 1"
		echo "1..${#suites[@]}"
		sed -n '/^npt6-kunit: insmod /,$p' "$CONSOLE"
	} > "$ktap"

	rm -f "$json"
	"$KSRC/tools/testing/kunit/kunit.py" parse --json="$json" \
		"$ktap" > "$STAGE/kunit-parse.log" 2>&1 || true

	if [ ! -s "$json" ]; then
		npt6_log "kunit.py parse produced no results:"
		cat "$STAGE/kunit-parse.log" >&2
		log_test 1 "kunit results"
		return
	fi

	while read -r line; do
		log_test "${line%% *}" "kunit ${line#* }"
		cases=$((cases + 1))
	done < <(python3 - "$json" "${suites[@]}" <<-'EOF'
		import json
		import sys

		CODES = {"PASS": 0, "SKIP": 4}

		def code(group):
		    """A parameterised case: failed if any parameter failed."""
		    codes = [CODES.get(c.get("status"), 1)
		             for c in group.get("test_cases", [])]
		    codes += [code(g) for g in group.get("sub_groups", [])]
		    if not codes or 1 in codes:
		        return 1
		    return 4 if set(codes) == {4} else 0

		with open(sys.argv[1]) as f:
		    top = json.load(f)
		seen = set()
		for suite in top.get("sub_groups", []):
		    seen.add(suite["name"])
		    for case in suite.get("test_cases", []):
		        print(CODES.get(case.get("status"), 1),
		              f"{suite['name']}.{case['name']}")
		    for case in suite.get("sub_groups", []):
		        print(code(case), f"{suite['name']}.{case['name']}")
		# A suite that ran no case at all shows up as a bare result;
		# one that never printed is a nameless placeholder, reported
		# below under its real name.
		for case in top.get("test_cases", []):
		    if case["name"] and not case["name"].isdigit():
		        seen.add(case["name"])
		        print(CODES.get(case.get("status"), 1), case["name"])
		for name in sys.argv[2:]:
		    if name not in seen:
		        print(1, f"{name} (did not run)")
		EOF
	)
	[ $cases -gt 0 ] || log_test 1 "kunit results"

	if [ $EXIT_STATUS -ne 0 ]; then
		npt6_log "failed expectations (all of it in ${CONSOLE#"$TOP/"}):"
		awk '/(EXPECTATION|ASSERTION) FAILED/ { p = 1 }
		     p { print }
		     /^ *(not )?ok / { p = 0 }' "$ktap" | head -100 >&2
	fi
}

# Anything the debug options report is a bug, even when every case passed.
# The one exception is a bug of UML 6.1 itself, which splats at every
# boot: force_flush_all() in arch/um/kernel/tlb.c walks the VMAs of the
# forking task with for_each_vma() but holds neither its mmap lock nor
# the RCU read lock, and PROVE_RCU complains from lib/maple_tree.c.
check_splats()
{
	local rc=0

	python3 - "$CONSOLE" <<-'EOF' >&2 || rc=$?
		import re
		import sys

		# A report starts with one of these lines.
		HEADER = re.compile(r"BUG:|WARNING:|Kernel panic|Oops|"
		                    r"general protection|UBSAN:|kernel BUG|"
		                    r"\[ cut here \]|INFO: task|INFO: trying")
		KNOWN = [
		    ("UML 6.1 force_flush_all() without mmap lock",
		     ["suspicious RCU usage", "lib/maple_tree.c",
		      "force_flush_all"]),
		]

		with open(sys.argv[1], errors="replace") as f:
		    lines = f.read().splitlines()

		starts = []
		for i, line in enumerate(lines):
		    # A bare stack dump counts too, unless a report holds it.
		    if HEADER.search(line) or ("Call Trace:" in line and
		                               (not starts or i - starts[-1] > 60)):
		        if not starts or i - starts[-1] > 3:
		            starts.append(i)
		bad = 0
		for n, start in enumerate(starts):
		    end = starts[n + 1] if n + 1 < len(starts) else len(lines)
		    text = "\n".join(lines[start:min(end, start + 120)])
		    for name, needles in KNOWN:
		        if all(needle in text for needle in needles):
		            print(f"kunit: known splat at console line {start + 1}:"
		                  f" {name}")
		            break
		    else:
		        bad += 1
		        print(f"kunit: splat at console line {start + 1}:")
		        print("\n".join(lines[start:min(end, start + 30)]))
		sys.exit(1 if bad else 0)
		EOF
	log_test $rc "kunit console free of kernel splats"

	if grep -q '^npt6-kunit: done' "$CONSOLE"; then
		log_test 0 "kunit module load and unload"
	else
		tail -20 "$CONSOLE" >&2
		log_test 1 "kunit module load and unload"
	fi
}

main()
{
	local rc

	mkdir -p "$OUT" "$STAGE"
	build_kernel
	build_module
	rc=0
	boot || rc=$?
	[ $rc -eq 0 ] || npt6_log "UML exited with status $rc"
	report
	check_splats
	exit $EXIT_STATUS
}

main "$@"
