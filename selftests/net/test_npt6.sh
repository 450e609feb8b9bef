#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Integration tests of npt6 in network namespaces (see lib.sh for the
# topology).  Run as root on a kernel that can load npt6, i.e. inside the
# test guest: selftests/qemu/vm.sh selftests/net/test_npt6.sh [-t "TESTS"]
#
# Nothing the module computes is taken on trust: expected addresses come
# from npt.py, an independent model of RFC 6296 as ip6t_NPT implements it,
# and the byte-exact tests compare against ip6t_NPT itself.
#
# Exit status: 0 all passed, 1 something failed, 4 a needed tool is missing.

ALL_TESTS="
	model
	basic
	byte_exact
	hop_limit
	ptb
	router_owned
	conntrack
	gro_fraglist
	module_unload
	netns_delete
	kernel_log
"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ---------------------------------------------------------------------
# Shared pieces

# Standard topology plus the mapping under test; sets LAN_HOST_EXT, the
# LAN host's external address according to the model.
setup_mapped()
{
	topo_create || { log_info "topology setup failed"; return 1; }
	rtr_nptctl add $INT_PFX $EXT_PFX dev ge0 || {
		log_info "nptctl add $INT_PFX $EXT_PFX dev ge0 failed"
		return 1
	}
	LAN_HOST_EXT=$(npt_map $INT_PFX $EXT_PFX $LAN_HOST)
}

# ping_ok NS DST [ARGS...]: 3 echoes, all answered within 10 s.
ping_ok()
{
	local ns=$1 dst=$2

	shift 2
	ip netns exec "$ns" ping -n -q -c 3 -i 0.2 -w 10 "$@" "$dst" >/dev/null
}

# Has a packet socket (tcpdump) been opened in namespace NS?
capturing()
{
	[ "$(ip netns exec "$1" cat /proc/net/packet | wc -l)" -gt 1 ]
}

# Drop the namespaces of the previous test, keep its verdicts.
# ---------------------------------------------------------------------
# Tests

model()
{
	local out

	out=$("$PYTHON" "$NET_DIR/npt.py" selftest 2>&1)
	check_err $? "$out"
	log_test "npt.py model: RFC 6296 worked example, neutrality, round trips"
}

basic()
{
	local pcap out n rc s0 s1 d0 d1 b0 b1 e0 e1 tpid

	RET=0
	if ! setup_mapped; then
		check_err 1 "setup failed"
		log_test "basic: nptctl add $INT_PFX $EXT_PFX dev ge0"
		end_test
		return
	fi

	out=$(rtr_nptctl -j show)
	echo "$out" | jq -e --arg i $INT_PFX --arg e $EXT_PFX '
		length == 1 and .[0].dev == "ge0" and .[0].internal == $i and
		.[0].external == $e and .[0].prefix_len == 64' >/dev/null
	check_err $? "nptctl -j show: $out"
	log_test "basic: nptctl add; -j show lists ge0 $INT_PFX -> $EXT_PFX"

	[ "$("$NPTCTL" -n "$rtr" -j show)" = "$out" ]
	check_err $? "nptctl -n $rtr -j show differs from ip netns exec's"
	log_test "basic: nptctl -n NETNS shows the same mapping"

	# Translating link-local or multicast space would break the link.
	for p in "fe80::/64 2001:db8:77::/64" "fd00:77::/64 ff02::/64" \
		 "::/1 8000::/1"; do
		set -- $p
		out=$(rtr_nptctl add "$1" "$2" dev ge0 2>&1)
		[ $? -ne 0 ] && [[ $out == *"link-local or multicast"* ]]
		check_err $? "nptctl add $p: $out"
	done
	[ "$(rtr_nptctl -j show | jq length)" = 1 ]
	check_err $? "a refused mapping was added: $(rtr_nptctl show)"
	log_test "basic: prefixes in fe80::/10 or ff00::/8 are refused with a reason"

	# Everything from here on is watched from the ISP's side.
	pcap=$(tmpfile wan.pcap)
	bg ip netns exec "$wan" tcpdump -i w0 -n -U --immediate-mode -s 200 -w "$pcap" ip6 \
		2>/dev/null
	tpid=$BG_PID
	busywait 5000 capturing "$wan"

	ping_ok "$lan" $INET_ADDR
	check_err $? "no echo replies from $INET_ADDR"
	log_test "basic: ping LAN host -> internet host"

	ping_ok "$inet" "$LAN_HOST_EXT"
	check_err $? "no echo replies from $LAN_HOST_EXT"
	log_test "basic: ping internet host -> LAN host at model address $LAN_HOST_EXT"

	iperf_run "$lan" "$inet" $INET_ADDR
	rc=$?
	check_err $rc "iperf3 exited $rc: $(tail -n 3 "$IPERF_JSON")"
	[ "$IPERF_BYTES" -gt 0 ]
	check_err $? "server received no bytes"
	log_test "basic: TCP LAN -> internet, iperf3 2 s ($IPERF_BYTES bytes)"

	iperf_run "$inet" "$lan" "$LAN_HOST_EXT"
	rc=$?
	check_err $rc "iperf3 exited $rc: $(tail -n 3 "$IPERF_JSON")"
	[ "$IPERF_BYTES" -gt 0 ]
	check_err $? "server received no bytes"
	log_test "basic: TCP internet -> LAN at $LAN_HOST_EXT, iperf3 2 s ($IPERF_BYTES bytes)"

	out=$("$PYTHON" "$NET_DIR/pkt.py" udp --a-ns "$lan" --b-ns "$inet" \
		--b-addr $INET_ADDR --expect-src "$LAN_HOST_EXT" 2>&1)
	check_err $? "$out"
	log_test "basic: UDP LAN -> internet delivered, seen from $LAN_HOST_EXT"

	out=$("$PYTHON" "$NET_DIR/pkt.py" udp --a-ns "$inet" --b-ns "$lan" \
		--b-addr "$LAN_HOST_EXT" --expect-src $INET_ADDR 2>&1)
	check_err $? "$out"
	log_test "basic: UDP internet -> LAN delivered, replies from $LAN_HOST_EXT"

	sleep 0.5
	bg_stop $tpid
	n=$(tcpdump -r "$pcap" -n 2>/dev/null | wc -l)
	[ "$n" -gt 0 ]
	check_err $? "tcpdump on w0 captured nothing"
	out=$(tcpdump -r "$pcap" -n "net $INT_PFX" 2>/dev/null)
	[ -z "$out" ]
	check_err $? "internal addresses seen on the WAN side:
$(echo "$out" | head -n 5)"
	[ "$(tcpdump -r "$pcap" -n "src host $LAN_HOST_EXT" 2>/dev/null | wc -l)" -gt 0 ]
	check_err $? "no packet from $LAN_HOST_EXT seen on the WAN side"
	log_test "basic: WAN side sees only external addresses ($n packets captured)"
	tcpdump -r "$pcap" -n -c 4 "src host $LAN_HOST_EXT and icmp6" 2>/dev/null |
		log_indent

	# Counters: an exact number of echoes of a known size, both ways.
	s0=$(npt6_stat "$rtr" ge0 snpt packets)
	b0=$(npt6_stat "$rtr" ge0 snpt bytes)
	d0=$(npt6_stat "$rtr" ge0 dnpt packets)
	e0=$(npt6_stat "$rtr" ge0 dnpt bytes)
	ip netns exec "$lan" ping -n -q -c 5 -i 0.2 -w 10 -s 100 $INET_ADDR \
		>/dev/null
	check_err $? "ping for the counters failed"
	s1=$(npt6_stat "$rtr" ge0 snpt packets)
	b1=$(npt6_stat "$rtr" ge0 snpt bytes)
	d1=$(npt6_stat "$rtr" ge0 dnpt packets)
	e1=$(npt6_stat "$rtr" ge0 dnpt bytes)
	if [ -z "$s0$s1" ] || [ -z "$d0$d1" ]; then
		check_err 1 "no counters in nptctl -j -s show: $(rtr_nptctl -j -s show)"
	else
		# 100 bytes of data + 8 ICMPv6 + 40 IPv6 = 148 per packet.
		[ $((s1 - s0)) -eq 5 ] && [ $((b1 - b0)) -eq 740 ] &&
		[ $((d1 - d0)) -eq 5 ] && [ $((e1 - e0)) -eq 740 ]
		check_err $? "5 echoes of 148 bytes each way, got snpt +$((s1 - s0)) pkts +$((b1 - b0)) bytes, dnpt +$((d1 - d0)) pkts +$((e1 - e0)) bytes"
	fi
	log_test "basic: nptctl -j -s counters: snpt and dnpt +5 packets, +740 bytes"
	rtr_nptctl -s show | log_indent

	end_test
}

# The byte-exact comparison with ip6t_NPT.  For each prefix length the
# same crafted packets cross rtr once translated by npt6 and once by
# ip6t_NPT (in a router whose previous ruleset was flushed completely);
# what arrives at the far end must be identical, and identical to the
# model.  Link-layer headers are the only thing ignored.
byte_exact()
{
	local plens=33,48,49,56,60,63,64
	local dir set L ipfx epfx out st line ok desc details u1 u2
	local int_base=fd6b:c4e2:97d3:a5f1:: ext_base=2001:db8:6a3c:e5f1::

	RET=0
	dir=$(mktemp -d "${TMP_DIR:-/tmp}/byte_exact.XXXXXX")
	set=$dir/set.json
	if ! topo_create; then
		check_err 1 "topology setup failed"
		log_test "byte-exact: setup"
		end_test
		return
	fi
	out=$("$PYTHON" "$NET_DIR/pkt.py" craft --int-base $int_base \
		--ext-base $ext_base --remote $REMOTE_PFX --plens $plens \
		--out "$set" 2>&1)
	check_err $? "pkt.py craft: $out"
	if [ "$RET" -ne 0 ]; then
		log_test "byte-exact: crafting the packets"
		end_test
		return
	fi

	for L in ${plens//,/ }; do
		ipfx=$(jq -r --argjson L "$L" 'map(select(.plen == $L))[0].int' "$set")
		epfx=$(jq -r --argjson L "$L" 'map(select(.plen == $L))[0].ext' "$set")
		ip -n "$rtr" -6 route add "$ipfx" via $LAN_HOST

		# npt6.
		rtr_nptctl add "$ipfx" "$epfx" dev ge0 ||
			log_info "/$L: nptctl add $ipfx $epfx dev ge0 failed"
		xmit "$L" "$dir/npt6-$L.json"
		if [ "$L" -gt 48 ]; then
			u1=$(npt6_stat "$rtr" ge0 snpt drop_unmappable)
			u2=$(npt6_stat "$rtr" ge0 dnpt drop_unmappable)
			[ "${u1:-0}" -ge 1 ] && [ "${u2:-0}" -ge 1 ]
			check_err $? "/$L: drop_unmappable snpt=${u1:-none} dnpt=${u2:-none}"
		fi
		rtr_nptctl flush

		# ip6t_NPT.
		ip netns exec "$rtr" ip6tables -t mangle -A POSTROUTING -o ge0 \
			-s "$ipfx" -j SNPT --src-pfx "$ipfx" --dst-pfx "$epfx" &&
		ip netns exec "$rtr" ip6tables -t mangle -A PREROUTING -i ge0 \
			-d "$epfx" -j DNPT --src-pfx "$epfx" --dst-pfx "$ipfx" ||
			log_info "/$L: ip6tables SNPT/DNPT rules failed"
		xmit "$L" "$dir/oracle-$L.json"
		ip netns exec "$rtr" nft flush ruleset
		st=$(ip netns exec "$rtr" nft list ruleset 2>&1)
		[ -z "$st" ] || log_info "/$L: ruleset not empty after flush: $st"

		ip -n "$rtr" -6 route del "$ipfx" via $LAN_HOST
	done
	log_test "byte-exact: drop_unmappable counted both ways for /49../64"

	"$PYTHON" "$NET_DIR/pkt.py" compare --set "$set" --plens $plens \
		--npt6 "$dir/npt6-%L.json" --oracle "$dir/oracle-%L.json" \
		--out "$dir/verdicts" 2>&1 | log_indent
	if [ ! -s "$dir/verdicts" ]; then
		check_err 1 "pkt.py compare produced no verdicts"
		log_test "byte-exact: comparison"
	fi
	# Verdict lines, each followed by its details indented by two tabs.
	desc=
	while IFS= read -r line; do
		case $line in
		$'\t'*)
			details="$details${details:+$'\n'}${line#$'\t\t'}"
			;;
		*)
			[ -n "$desc" ] && verdict "$ok" "$desc" "$details"
			ok=${line%%$'\t'*}
			desc=${line#*$'\t'}
			details=
			;;
		esac
	done <"$dir/verdicts"
	[ -n "$desc" ] && verdict "$ok" "$desc" "$details"

	end_test
}

# verdict OK|FAIL DESC DETAILS: one TEST line from pkt.py compare.
verdict()
{
	if [ "$1" = OK ]; then
		RET=0
		log_test "byte-exact: $2"
		[ -n "$3" ] && printf '%s\n' "$3" | log_indent
	else
		RET=$ksft_fail
		retmsg=$3
		log_test "byte-exact: $2"
	fi
	return 0
}

xmit()
{
	"$PYTHON" "$NET_DIR/pkt.py" xmit --set "$set" --plen "$1" \
		--lan-ns "$lan" --lan-if lan0 --lan-gw-mac $MAC_GE1 \
		--wan-ns "$wan" --wan-if w0 --wan-gw-mac $MAC_GE0 --out "$2" ||
		log_info "pkt.py xmit /$1 failed"
}

probe()
{
	"$PYTHON" "$NET_DIR/pkt.py" probe "$@" 2>&1
}

hop_limit()
{
	local out i0 i1 hops

	RET=0
	if ! setup_mapped; then
		check_err 1 "setup failed"
		log_test "hop limit: setup"
		end_test
		return
	fi

	# rtr itself reports the expiry, for a packet it has just DNPT'd: the
	# error it sends out of ge0 must carry the address the sender used.
	i0=$(npt6_stat "$rtr" ge0 snpt icmp_inner)
	out=$(probe --ns "$wan" --iface w0 --dst "$LAN_HOST_EXT" --hlim 1 \
		--type 3 --code 0 --inner-hlim 1 --outer-src $RTR_WAN --errqueue)
	check_err $? "$out"
	log_test "hop limit: Time Exceeded from rtr embeds destination $LAN_HOST_EXT, checksum valid"
	echo "$out" | log_indent
	i1=$(npt6_stat "$rtr" ge0 snpt icmp_inner)
	[ "${i1:-0}" -gt "${i0:-0}" ]
	check_err $? "snpt icmp_inner ${i0:-none} -> ${i1:-none}"
	log_test "hop limit: snpt icmp_inner counts the router's own error"

	# The hop after ge0 reports it: the error comes in through DNPT and
	# must reach the sending socket with the internal source inside.
	i0=$(npt6_stat "$rtr" ge0 dnpt icmp_inner)
	out=$(probe --ns "$lan" --iface lan0 --dst $INET_ADDR --hlim 2 \
		--type 3 --code 0 --inner-hlim 1 --outer-src $WAN_ADDR \
		--outer-dst $LAN_HOST --errqueue)
	check_err $? "$out"
	log_test "hop limit: Time Exceeded from beyond ge0 embeds source $LAN_HOST, reaches the socket"
	echo "$out" | log_indent
	i1=$(npt6_stat "$rtr" ge0 dnpt icmp_inner)
	[ "${i1:-0}" -gt "${i0:-0}" ]
	check_err $? "dnpt icmp_inner ${i0:-none} -> ${i1:-none}"
	log_test "hop limit: dnpt icmp_inner counts it"

	if command -v traceroute >/dev/null; then
		out=$(ip netns exec "$lan" timeout 60 traceroute -6 -n -q 1 \
			-w 3 -m 6 $INET_ADDR 2>&1)
		hops=$(echo "$out" | awk 'NR > 1 { printf "%s ", $2 }')
		[ "$hops" = "$RTR_LAN $WAN_ADDR $CORE_WAN $INET_ADDR " ]
		check_err $? "hops: $hops"
		log_test "hop limit: traceroute from LAN lists rtr, wan, core, inet"
		echo "$out" | log_indent
	else
		log_test_skip "hop limit: traceroute from LAN" "traceroute not installed"
	fi
	end_test
}

ptb()
{
	local out rc p0 p1

	RET=0
	if ! setup_mapped; then
		check_err 1 "setup failed"
		log_test "PTB: setup"
		end_test
		return
	fi
	ip -n "$wan" link set w1 mtu 1280
	ip -n "$core" link set c0 mtu 1280

	out=$(probe --ns "$lan" --iface lan0 --dst $INET_ADDR --size 1400 \
		--type 2 --code 0 --mtu 1280 --inner-hlim 63 \
		--outer-dst $LAN_HOST --errqueue)
	check_err $? "$out"
	log_test "PTB: 1280 hop beyond ge0 reports to the LAN socket, embedded source $LAN_HOST, checksum valid"
	echo "$out" | log_indent

	out=$(ip -n "$lan" -6 route get $INET_ADDR)
	echo "$out" | grep -q 'mtu 1280'
	check_err $? "route cache: $out"
	log_test "PTB: LAN host learned path MTU 1280 to $INET_ADDR"

	# TCP must find the path MTU by itself: a socket that never hears
	# of the PTB (embedded source untranslated) stalls for good.
	ip -n "$lan" -6 route flush cache
	p0=$(snmp6 "$lan" Icmp6InPktTooBigs)
	iperf_run "$lan" "$inet" $INET_ADDR
	rc=$?
	check_err $rc "iperf3 exited $rc: $(tail -n 3 "$IPERF_JSON")"
	[ "$IPERF_BYTES" -gt 100000 ]
	check_err $? "server received only $IPERF_BYTES bytes"
	p1=$(snmp6 "$lan" Icmp6InPktTooBigs)
	[ "$p1" -gt "$p0" ]
	check_err $? "no PTB reached the LAN host during the transfer"
	log_test "PTB: TCP LAN -> internet through the 1280 hop completes ($IPERF_BYTES bytes, PMTUD)"

	# rtr reports a packet too big for the LAN link: an error generated
	# by the router for inbound, DNPT'd traffic.  Only rtr's end of the
	# link is lowered, so the LAN host keeps advertising a 1440-byte MSS
	# and the sender has to learn the bottleneck from rtr's PTB.
	ip -n "$wan" link set w1 mtu 1500
	ip -n "$core" link set c0 mtu 1500
	ip -n "$rtr" link set ge1 mtu 1280
	out=$(probe --ns "$inet" --iface i0 --dst "$LAN_HOST_EXT" --size 1400 \
		--type 2 --code 0 --mtu 1280 --inner-hlim 62 --outer-src $RTR_WAN \
		--errqueue)
	check_err $? "$out"
	log_test "PTB: from rtr for inbound traffic embeds destination $LAN_HOST_EXT, checksum valid"
	echo "$out" | log_indent

	# Forget every path MTU learnt so far, the LAN host's too: with the
	# 1280 it learnt above toward the internet host it would advertise a
	# 1220-byte MSS and no segment would ever need the PTB.
	ip -n "$inet" -6 route flush cache
	ip -n "$lan" -6 route flush cache
	p0=$(snmp6 "$inet" Icmp6InPktTooBigs)
	iperf_run "$inet" "$lan" "$LAN_HOST_EXT"
	rc=$?
	check_err $rc "iperf3 exited $rc: $(tail -n 3 "$IPERF_JSON")"
	[ "$IPERF_BYTES" -gt 100000 ]
	check_err $? "server received only $IPERF_BYTES bytes"
	p1=$(snmp6 "$inet" Icmp6InPktTooBigs)
	[ "$p1" -gt "$p0" ]
	check_err $? "no PTB reached the internet host during the transfer"
	log_test "PTB: TCP internet -> LAN through rtr's 1280 LAN link completes ($IPERF_BYTES bytes, PMTUD)"
	end_test
}

router_owned()
{
	local r c out a0 a1 l0 l1 n0 n1 c0 c1 rtr_ula_ext

	RET=0
	if ! setup_mapped; then
		check_err 1 "setup failed"
		log_test "router-owned: setup"
		end_test
		return
	fi
	# R: rtr's own address inside the external prefix, as SLAAC would
	# give it; C: the internal address DNPT would turn R into, given to
	# the LAN host so that a wrong translation would have a taker.
	r=${EXT_PFX%/64}1
	c=$(npt_map $EXT_PFX $INT_PFX "$r")
	ip -n "$rtr" -6 addr add "$r/64" dev ge0 nodad
	ip -n "$lan" -6 addr add "$c/64" dev lan0 nodad
	ip -n "$rtr" neigh replace "$c" lladdr $MAC_LAN0 dev ge1 nud permanent

	a0=$(snmp6 "$rtr" Icmp6InEchos)
	l0=$(snmp6 "$lan" Icmp6InEchos)
	n0=$(npt6_stat "$rtr" ge0 dnpt local)
	out=$(ip netns exec "$inet" ping -n -c 3 -i 0.2 -w 10 "$r" 2>&1)
	check_err $? "ping $r: $out"
	a1=$(snmp6 "$rtr" Icmp6InEchos)
	l1=$(snmp6 "$lan" Icmp6InEchos)
	n1=$(npt6_stat "$rtr" ge0 dnpt local)
	[ $((a1 - a0)) -ge 3 ]
	check_err $? "rtr Icmp6InEchos +$((a1 - a0))"
	log_test "router-owned: $r on ge0 answered by rtr itself"

	[ $((l1 - l0)) -eq 0 ]
	check_err $? "LAN host got $((l1 - l0)) echo requests"
	log_test "router-owned: LAN host at $c (DNPT image of $r) receives nothing"

	[ $((${n1:-0} - ${n0:-0})) -ge 3 ]
	check_err $? "dnpt local ${n0:-none} -> ${n1:-none}"
	log_test "router-owned: dnpt 'local' counts the packets left alone"

	ping_ok "$inet" "$LAN_HOST_EXT"
	check_err $? "ping $LAN_HOST_EXT failed"
	log_test "router-owned: LAN host still reachable at $LAN_HOST_EXT"

	# The reverse is no exception: rtr's own ULA is translated.
	rtr_ula_ext=$(npt_map $INT_PFX $EXT_PFX $RTR_LAN)
	out=$("$PYTHON" "$NET_DIR/pkt.py" udp --a-ns "$rtr" --a-src $RTR_LAN \
		--b-ns "$inet" --b-addr $INET_ADDR --expect-src "$rtr_ula_ext" 2>&1)
	check_err $? "$out"
	log_test "router-owned: rtr's own ULA $RTR_LAN leaves as $rtr_ula_ext, replies delivered locally"

	c0=$(npt6_stat "$rtr" ge0 snpt collision)
	ip netns exec "$lan" ping -n -q -c 1 -w 3 -I "$c" $INET_ADDR >/dev/null 2>&1
	c1=$(npt6_stat "$rtr" ge0 snpt collision)
	[ "${c1:-0}" -gt "${c0:-0}" ]
	check_err $? "snpt collision ${c0:-none} -> ${c1:-none}"
	log_test "router-owned: SNPT of $c onto rtr's $r counted as collision"

	# Once rtr gives R up it is an ordinary external address again: the
	# module's copy of rtr's addresses follows the removal at once.
	ip -n "$rtr" -6 addr del "$r/64" dev ge0
	l0=$(snmp6 "$lan" Icmp6InEchos)
	out=$(ip netns exec "$inet" ping -n -c 3 -i 0.2 -w 10 "$r" 2>&1)
	check_err $? "ping $r after rtr gave it up: $out"
	l1=$(snmp6 "$lan" Icmp6InEchos)
	[ $((l1 - l0)) -ge 3 ]
	check_err $? "LAN host at $c got $((l1 - l0)) echo requests"
	log_test "router-owned: after 'ip addr del $r' on rtr, $r is DNPT'd to the LAN host at $c"
	end_test
}

conntrack()
{
	local out rc

	RET=0
	if ! setup_mapped; then
		check_err 1 "setup failed"
		log_test "conntrack: setup"
		end_test
		return
	fi
	ip netns exec "$rtr" ip6tables -P FORWARD DROP &&
	ip netns exec "$rtr" ip6tables -A FORWARD -m conntrack \
		--ctstate ESTABLISHED,RELATED -j ACCEPT &&
	ip netns exec "$rtr" ip6tables -A FORWARD -s $INT_PFX -o ge0 -j ACCEPT
	check_err $? "ip6tables setup failed"

	ping_ok "$lan" $INET_ADDR
	check_err $? "no echo replies"
	log_test "conntrack: ping LAN -> internet, replies pass as ESTABLISHED"

	iperf_run "$lan" "$inet" $INET_ADDR
	rc=$?
	check_err $rc "iperf3 exited $rc: $(tail -n 3 "$IPERF_JSON")"
	[ "$IPERF_BYTES" -gt 0 ]
	check_err $? "server received no bytes"
	log_test "conntrack: TCP LAN -> internet through a stateful firewall ($IPERF_BYTES bytes)"

	out=$(probe --ns "$lan" --iface lan0 --dst $INET_ADDR --hlim 2 \
		--type 3 --code 0 --inner-hlim 1 --errqueue)
	check_err $? "$out"
	log_test "conntrack: Time Exceeded from beyond ge0 passes as RELATED"

	ip netns exec "$inet" ping -n -q -c 2 -i 0.2 -w 3 "$LAN_HOST_EXT" \
		>/dev/null 2>&1
	check_fail $? "unsolicited ping from the internet got through"
	log_test "conntrack: unsolicited internet -> LAN ping dropped (the firewall is real)"

	# What conntrack saw: internal addresses only.
	out=$(ip netns exec "$rtr" cat /proc/net/nf_conntrack 2>&1 |
		"$PYTHON" -c '
import ipaddress, re, sys
for line in sys.stdin:
    for a in re.findall(r"(?:src|dst)=([0-9a-f:]+)", line):
        print(ipaddress.IPv6Address(a))' | sort -u)
	echo "$out" | grep -qx $LAN_HOST
	check_err $? "no conntrack entry with $LAN_HOST: $out"
	echo "$out" | grep -qx "$LAN_HOST_EXT"
	check_fail $? "conntrack saw the external address $LAN_HOST_EXT"
	log_test "conntrack: entries carry $LAN_HOST, never $LAN_HOST_EXT"
	end_test
}

# gro_burst DESC ARGS...: one run of pkt.py gro; its report under the
# TEST line.
gro_burst()
{
	local desc=$1 out rc

	shift
	out=$("$PYTHON" "$NET_DIR/pkt.py" gro "$@" 2>&1)
	rc=$?
	check_err $rc "$out"
	log_test "$desc"
	[ $rc -ne 0 ] || printf '%s\n' "${out%%$'\n'*}" | log_indent
}

# With rx-gro-list on, GRO merges a burst of UDP datagrams into one
# frag-list train: the head skb, with the datagrams it swallowed hanging
# off its frag_list, each keeping its own IPv6 header.  Segmentation hands
# those headers back out, so the translation must reach all of them, not
# only the head's.  We check the trains both ways, first as they are
# forwarded to the far host and split by its UDP receive path, then split
# by the router's own transmit path (tx-gso-list off) and captured on the
# wire, where pkt.py also checks each UDP checksum against the addresses.
gro_fraglist()
{
	local phase d p0 p1 n total out ns c v
	local wire_in=() wire_out=()

	RET=0
	if ! command -v ethtool >/dev/null; then
		log_test_skip "GRO frag-list" "ethtool not installed"
		return
	fi
	if ! setup_mapped; then
		check_err 1 "setup failed"
		log_test "GRO frag-list: setup"
		end_test
		return
	fi
	echo "npt6 gro_fraglist $KMSG_MARK" >/dev/kmsg
	# The router merges on both of its links.  The senders' veths leave
	# UDP_SEGMENT to software GSO, so each burst reaches the router back
	# to back, in one NAPI poll, with the sender's socket still attached
	# (veth only uses NAPI, and so GRO, for such skbs).
	out=$(ip netns exec "$rtr" ethtool -K ge0 gro on rx-gro-list on 2>&1 &&
	      ip netns exec "$rtr" ethtool -K ge1 gro on rx-gro-list on 2>&1 &&
	      ip netns exec "$wan" ethtool -K w0 tx-udp-segmentation off 2>&1 &&
	      ip netns exec "$lan" ethtool -K lan0 tx-udp-segmentation off 2>&1)
	check_err $? "ethtool: $out"
	log_test "GRO frag-list: rx-gro-list on ge0 and ge1"

	n=$((32 * 40))
	for phase in train split; do
		if [ $phase = split ]; then
			out=$(ip netns exec "$rtr" ethtool -K ge0 tx-gso-list off 2>&1 &&
			      ip netns exec "$rtr" ethtool -K ge1 tx-gso-list off 2>&1)
			check_err $? "ethtool: $out"
			wire_in=(--wire-ns "$lan" --wire-if lan0)
			wire_out=(--wire-ns "$wan" --wire-if w0)
		fi
		d="GRO frag-list ($phase):"
		gro_burst "$d inbound UDP trains, every datagram DNPT'd" \
			--tx-ns "$wan" --tx-src $WAN_ADDR --dst "$LAN_HOST_EXT" \
			--rx-ns "$lan" --expect-src $WAN_ADDR \
			--expect-dst $LAN_HOST --gro-ns "$rtr" --gro-if ge0 \
			"${wire_in[@]}"
		gro_burst "$d outbound UDP trains, every datagram SNPT'd" \
			--tx-ns "$lan" --tx-src $LAN_HOST --dst $WAN_ADDR \
			--rx-ns "$wan" --expect-src "$LAN_HOST_EXT" \
			--expect-dst $WAN_ADDR --gro-ns "$rtr" --gro-if ge1 \
			"${wire_out[@]}"
	done
	total=$((2 * n))

	# Counters count datagrams, not trains; nothing else crossed.
	p0=$(npt6_stat "$rtr" ge0 dnpt packets)
	p1=$(npt6_stat "$rtr" ge0 snpt packets)
	[ "${p0:-0}" -eq $total ] && [ "${p1:-0}" -eq $total ]
	check_err $? "packets: dnpt ${p0:-none}, snpt ${p1:-none}, want $total each"
	log_test "GRO frag-list: nptctl counts every datagram of a train"

	out=
	for ns in "$lan" "$wan"; do
		for c in Udp6InCsumErrors Udp6InErrors Udp6RcvbufErrors; do
			v=$(snmp6 "$ns" $c)
			[ "${v:-0}" -eq 0 ] || out="$out ${ns%%-*} $c=$v"
		done
	done
	[ -z "$out" ]
	check_err $? "snmp6:$out"
	log_test "GRO frag-list: no UDP checksum or receive errors at either end"

	out=$(dmesg | sed -n "/npt6 gro_fraglist $KMSG_MARK/,\$p" | sed 1d)
	[ -z "$out" ]
	check_err $? "$(echo "$out" | head -n 20)"
	log_test "GRO frag-list: nothing in the kernel log"

	end_test
}

# Reload the module and check that translation works again.
reload_and_check()
{
	npt6_load
	check_err $? "cannot load npt6 again"
	rtr_nptctl add $INT_PFX $EXT_PFX dev ge0
	check_err $? "nptctl add after reload failed"
	ping_ok "$inet" "$LAN_HOST_EXT"
	check_err $? "no translation after reload"
}

# Traffic both ways for as long as the test needs it.
start_traffic()
{
	bg ip netns exec "$lan" ping -f -q -w 60 $INET_ADDR
	bg ip netns exec "$inet" ping -f -q -w 60 "$LAN_HOST_EXT"
	bg ip netns exec "$inet" iperf3 -s -p 5202
	busywait 10000 port_listening "$inet" 5202
	bg ip netns exec "$lan" iperf3 -c $INET_ADDR -p 5202 -t 60
	sleep 1
}

module_unload()
{
	local out rc

	RET=0
	if ! setup_mapped; then
		check_err 1 "setup failed"
		log_test "unload: setup"
		end_test
		return
	fi
	start_traffic

	rtr_nptctl flush
	check_err $? "nptctl flush failed"
	out=$(rmmod npt6 2>&1)
	check_err $? "rmmod: $out"
	npt6_loaded
	check_fail $? "npt6 still loaded"
	log_test "unload: nptctl flush, then rmmod npt6 under traffic"

	reload_and_check
	log_test "unload: modprobe again, translation works"

	out=$(rmmod npt6 2>&1)
	check_err $? "rmmod with a mapping: $out"
	npt6_loaded
	check_fail $? "npt6 still loaded"
	log_test "unload: rmmod npt6 with a mapping in place, under traffic"

	reload_and_check
	log_test "unload: modprobe again, translation works"

	# The installed module is found through its genl family alias, as
	# on a user's machine; a build-tree module (NPT6_KO) cannot be.
	if [ -n "${NPT6_KO:-}" ]; then
		log_test_skip "unload: nptctl autoloads npt6" "NPT6_KO set, module not installed"
	else
		out=$(rmmod npt6 2>&1)
		check_err $? "rmmod: $out"
		out=$(rtr_nptctl show 2>&1)
		check_err $? "nptctl show without the module: $out"
		npt6_loaded
		check_err $? "npt6 was not autoloaded"
		log_test "unload: nptctl autoloads npt6 (genl family alias)"
		npt6_load
	fi
	end_test
}

netns_delete()
{
	local out gone

	RET=0
	if ! setup_mapped; then
		check_err 1 "setup failed"
		log_test "netns delete: setup"
		end_test
		return
	fi
	start_traffic

	ip netns del "$rtr"
	check_err $? "ip netns del failed"
	cleanup_ns "$rtr"
	# The veth pairs go with the namespace, once it is really gone.
	busywait 20000 sh -c "! ip -n $lan link show lan0 >/dev/null 2>&1 &&
		! ip -n $wan link show w0 >/dev/null 2>&1"
	check_err $? "rtr's links still exist 20 s later"
	log_test "netns delete: router namespace with a mapping deleted under traffic"

	end_test
	out=$(rmmod npt6 2>&1)
	check_err $? "rmmod: $out"
	npt6_load
	check_err $? "modprobe npt6 failed"
	log_test "netns delete: module unloads and reloads cleanly afterwards"
}

# ---------------------------------------------------------------------

require_cmd ip jq ping iperf3 tcpdump ip6tables nft ss timeout
require_scapy
npt6_run_tests "$@"
