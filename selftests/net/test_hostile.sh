#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The hostile-packet corpus: malformed, truncated and odd packets through
# every path of npt6 (DNPT, SNPT, the NDP proxy, ipip6 decapsulation, and
# a second mapping in mode keep-iid),
# each with one expected outcome that hostile.py asserts byte for byte and
# counter by counter (see there).  Run as root on a kernel that can load
# npt6: selftests/qemu/vm.sh selftests/net/test_hostile.sh
#
# On top of lib.sh's topology the router has an npt6tnl tunnel to the
# upstream router and IPv4 on its LAN side.  The LAN host and the upstream
# router drop all their input, so nothing they would say back (port
# unreachable, parameter problem) reaches the router and moves a counter
# that a case does not expect.
#
# Exit status: 0 all passed, 1 something failed, 4 a needed tool is missing.

ALL_TESTS="
	corpus
	after_corpus
"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The keep-iid mapping (issue 20) and the LAN host's address in it.
KIID_INT=fd8e:52a1:3c07:2::/64
KIID_EXT=2001:db8:5f00:2::/64
KIID_HOST=fd8e:52a1:3c07:2::10
KIID_RTR=fd8e:52a1:3c07:2::1
LAN4_RTR=192.0.2.1
LAN4_HOST=192.0.2.10
REMOTE4=198.51.100.7

# Input policy drop for IPv4 and IPv6 in namespace $1.
drop_input()
{
	ip netns exec "$1" nft -f - <<-EOF
		table inet hostile {
			chain input {
				type filter hook input priority 0; policy drop;
			}
		}
	EOF
}

# A keep-iid mapping, by nptctl once it knows the mode.
kiid_add()
{
	if "$NPTCTL" -h 2>&1 | grep -q keep-iid; then
		rtr_nptctl add "$1" "$2" dev ge0 ndproxy off mode keep-iid
	else
		ip netns exec "$rtr" "$PYTHON" "$NET_DIR/keepiid.py" nl add \
			--dev ge0 --int "$1" --ext "$2" --ndproxy off --mode keep-iid
	fi
}

setup()
{
	topo_create || return 1
	rtr_nptctl add $INT_PFX $EXT_PFX dev ge0 || return 1
	kiid_add $KIID_INT $KIID_EXT || return 1
	ip -n "$rtr" -6 addr add $KIID_RTR/64 dev ge1 nodad &&
	ip -n "$rtr" neigh replace $KIID_HOST lladdr $MAC_LAN0 dev ge1 \
		nud permanent || return 1
	rtr_nptctl tunnel add tnl4 remote $WAN_ADDR local $RTR_WAN dev ge0 ||
		return 1
	ip -n "$rtr" link set tnl4 up &&
	ip netns exec "$rtr" sysctl -qw net.ipv4.ip_forward=1 &&
	ip -n "$rtr" addr add $LAN4_RTR/24 dev ge1 &&
	ip -n "$rtr" route add 198.51.100.0/24 dev tnl4 &&
	ip -n "$rtr" neigh replace $LAN4_HOST lladdr $MAC_LAN0 dev ge1 \
		nud permanent &&
	ip -n "$lan" addr add $LAN4_HOST/24 dev lan0 || return 1
	drop_input "$lan" && drop_input "$wan"
}

# hostile_run LABEL RAN [ONLY]: hostile.py's cases (ONLY: their names,
# space separated; all if empty) on $topo, a TEST line each, then one
# that every case reported ("LABEL: RAN (N)").
hostile_run()
{
	local label=$1 ran=$2 only=${3:-} out line name what why want n=0

	out=$(tmpfile out)
	"$PYTHON" "$NET_DIR/hostile.py" --topo "$topo" ${only:+--only "$only"} \
		>"$out" 2>&1
	while IFS=$'\t' read -r line name what why; do
		case $line in
		OK)	RET=0 ;;
		FAIL)	RET=$ksft_fail; retmsg=$why ;;
		*)	log_info "hostile.py: $line $name $what $why"; continue ;;
		esac
		log_test "$label: $name: $what"
		n=$((n + 1))
	done <"$out"
	RET=0
	want=$("$PYTHON" "$NET_DIR/hostile.py" --topo "$topo" --list \
		${only:+--only "$only"} | wc -l)
	[ "$n" -gt 0 ] && [ "$n" -eq "$want" ]
	check_err $? "$n of $want cases reported (hostile.py said: $(head -c 2000 "$out"))"
	log_test "$label: $ran ($n)"
}

corpus()
{
	local topo

	RET=0
	if ! setup; then
		check_err 1 "setup failed"
		log_test "hostile: topology, mapping and tunnel"
		return
	fi
	topo=$(tmpfile topo)
	jq -n --arg lan "$lan" --arg rtr "$rtr" --arg wan "$wan" \
		--arg nptctl "$NPTCTL" --arg int_pfx $INT_PFX \
		--arg ext_pfx $EXT_PFX --arg lan_host $LAN_HOST \
		--arg remote ${REMOTE_PFX}1 --arg wan_addr $WAN_ADDR \
		--arg rtr_wan $RTR_WAN --arg mac_w0 $MAC_W0 \
		--arg mac_ge0 $MAC_GE0 --arg mac_ge1 $MAC_GE1 \
		--arg remote4 $REMOTE4 --arg lan4_host $LAN4_HOST \
		--arg kiid_int $KIID_INT --arg kiid_ext $KIID_EXT \
		--arg kiid_host $KIID_HOST '{
			lan: $lan, rtr: $rtr, wan: $wan, nptctl: $nptctl,
			int_pfx: $int_pfx, ext_pfx: $ext_pfx,
			lan_host: $lan_host, remote: $remote,
			wan_addr: $wan_addr, rtr_wan: $rtr_wan, mac_w0: $mac_w0,
			mac_ge0: $mac_ge0, mac_ge1: $mac_ge1, tnl: "tnl4",
			remote4: $remote4, lan4_host: $lan4_host,
			kiid_int: $kiid_int, kiid_ext: $kiid_ext,
			kiid_host: $kiid_host }' >"$topo"

	hostile_run hostile "every case of the corpus ran" "${NPT6_HOSTILE_CASES:-}"

	# The tunnel's cases again with "fastpath on": the receive handler
	# must end each the same way (what it does not take, IPv6 input
	# does, as before).
	RET=0
	rtr_nptctl tunnel change tnl4 fastpath on
	check_err $? "tunnel change tnl4 fastpath on failed"
	log_test "hostile: tnl4 fastpath on"
	hostile_run "hostile, fastpath on" "every tunnel case ran" \
		"$("$PYTHON" "$NET_DIR/hostile.py" --topo "$topo" --list |
		   cut -f1 | grep '^tnl-' | xargs)"
	rtr_nptctl tunnel change tnl4 fastpath off
}

# After the corpus the mapping and the tunnel still work, and everything
# comes apart cleanly.
after_corpus()
{
	local rc

	RET=0
	if [ -z "$rtr" ] && ! setup; then
		check_err 1 "setup failed"
		log_test "hostile: after the corpus"
		return
	fi
	ip netns exec "$lan" ping -n -q -c 2 -i 0.2 -w 10 $INET_ADDR \
		>/dev/null 2>&1
	# The LAN host drops its input, so only the way out can be checked:
	# the echo requests were translated.
	[ "$(rtr_nptctl -j -s show dev ge0 | jq --arg i $INT_PFX \
		'.[] | select(.internal == $i) | .stats.snpt.packets')" -ge 2 ] \
		2>/dev/null
	check_err $? "no echo request was translated after the corpus"
	rtr_nptctl tunnel del tnl4
	check_err $? "nptctl tunnel del tnl4 failed"
	rtr_nptctl flush
	check_err $? "nptctl flush failed"
	rc=$(rtr_nptctl -j show)
	[ "$rc" = "[]" ]
	check_err $? "mappings left: $rc"
	log_test "hostile: after the corpus, translation works and all is removed"
	cleanup_ns $NS_LIST
}

npt6_run_tests "$@"
