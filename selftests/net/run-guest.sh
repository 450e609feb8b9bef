#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every selftests/net/test_*.sh in turn, inside the test guest (see
# selftests/run-all.sh vm, which boots it once for all of them).  Their
# output is shown as it comes and, when $RESULTS is set, kept there as
# net-<test>.log.  Exit status: 0 if nothing failed (skips are reported
# but do not fail the run), 1 otherwise.
#
#   NPT6_TEST_TIMEOUT  seconds one test script may take (default 900)
#   NPT6_NET_TESTS     only these scripts, e.g. "test_npt6 test_hostile"

dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
limit=${NPT6_TEST_TIMEOUT:-900}
status=0
pass=0
fail=0
skip=0
summary=

for t in "$dir"/test_*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	case " ${NPT6_NET_TESTS:-$name} " in
	*" $name "*) ;;
	*) continue ;;
	esac
	log=$(mktemp "/tmp/$name.XXXXXX")
	echo "# ==== $name ===="
	start=$(date +%s)
	timeout -k 10 "$limit" bash "$t" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	secs=$(($(date +%s) - start))

	p=$(grep -c '^TEST: .*  \[ OK \]$' "$log")
	f=$(grep -c '^TEST: .*  \[FAIL\]$' "$log")
	s=$(grep -c '^TEST: .*  \[SKIP\]$' "$log")
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
	case $rc in
	0)
		verdict=ok
		# A script that says it passed must also have passed nothing
		# but OK lines.
		if [ "$f" -gt 0 ]; then
			verdict="FAIL (exit 0 but $f TEST lines failed)"
			status=1
		fi
		;;
	4)
		verdict=SKIP
		printf 'TEST: %s  [SKIP]\n' "$name: whole script skipped"
		skip=$((skip + 1))
		;;
	124|137)
		verdict="FAIL (killed after ${limit}s)"
		printf 'TEST: %s  [FAIL]\n' "$name: finished within ${limit}s"
		fail=$((fail + 1))
		status=1
		;;
	*)
		verdict="FAIL (exit $rc)"
		# Say so in a TEST line of its own unless one already failed.
		if [ "$f" -eq 0 ]; then
			printf 'TEST: %s  [FAIL]\n' "$name: exited $rc"
			fail=$((fail + 1))
		fi
		status=1
		;;
	esac
	summary="$summary$(printf '# %-20s %s, %d ok, %d failed, %d skipped, %ds' \
		"$name" "$verdict" "$p" "$f" "$s" "$secs")"$'\n'
	[ -n "${RESULTS:-}" ] && [ -d "$RESULTS" ] && cp "$log" "$RESULTS/net-$name.log"
	rm -f "$log"
done

echo "# ==== summary ===="
printf '%s' "$summary"
printf '%d passed, %d failed, %d skipped\n' "$pass" "$fail" "$skip"
exit $status
