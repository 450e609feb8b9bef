#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `mode keep-iid` (issue 20): a mapping that replaces the prefix, keeps the
# rest of the address (fd00:1::10 -> 2406:1::10) and updates every
# checksum that covers the address.  lib.sh's topology; the mapping under
# test is on ge0.
#
#   byte_exact  crafted TCP SYN, TCP data, UDP (one whose translated
#               checksum is 0, so 0xffff goes out), ICMPv6 echo, /48 /56
#               /60 /64, both ways: npt6 against nftables' stateful
#               "snat/dnat ip6 prefix to" (conntrack flushed between
#               runs) and against keepiid.py's model, byte for byte
#   partial     real TCP and UDP sockets whose packets reach the router
#               as CHECKSUM_PARTIAL; the router's far veth has tx off, so
#               the checksum is finished in software after the
#               translation: the final bytes against the model and, for
#               UDP, npt6 against nftables
#   check       hand-made packets, each judged on its own by keepiid.py
#               and scapy: TCP, UDP, UDP-Lite, DCCP, ICMPv6, extension
#               headers, fragments, ICMPv6 errors both ways, protocol 253
#               (csum_unknown), truncated L4 headers (drop_truncated),
#               UDP without checksum; every npt6 counter checked
#   errors      ICMPv6 errors about real sockets' packets: the router's
#               own, the next hop's, the far host's and the LAN host's,
#               each back on the sender's error queue with the embedded
#               packet exactly as it was sent; checksums offloaded and not
#   gso_gro     iperf3 both ways with GRO trains on the router and
#               checksums verified in software at the receivers: no
#               checksum errors (nstat)
#   gro_fraglist  UDP bursts that the router's GRO merges into frag-list
#               trains (each datagram keeps its own header and checksum):
#               every datagram translated and its checksum updated, as
#               trains and split on the router's way out
#   modes       an rfc6296 and a keep-iid mapping on one device, each
#               translating its own way; the NDP proxy answers for the
#               keep-iid twin only
#   hairpin     two LAN hosts by their keep-iid external addresses
#
# NPT6_KIID_XLAT=nft runs the packet tests against nftables alone (no npt6
# mapping): the harness checked against the oracle.  The tests that only
# npt6 can pass (counters, NDP proxy, hairpinning) then skip.
#
# Exit status: 0 all passed, 1 something failed, 4 a needed tool is missing.

ALL_TESTS="
	byte_exact
	partial
	check
	errors
	gso_gro
	gro_fraglist
	modes
	hairpin
	kernel_log
"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KIID=$NET_DIR/keepiid.py
PKT=$NET_DIR/pkt.py
XLAT=${NPT6_KIID_XLAT:-npt6}

INT2_PFX=fd8e:52a1:3c07:2::/64
EXT2_PFX=2001:db8:5f00:2::/64
INT3_PFX=fd8e:52a1:3c07:3::/64
EXT3_PFX=2001:db8:5f00:3::/64
LAN2_HOST=fd8e:52a1:3c07:2::10
RTR_LAN2=fd8e:52a1:3c07:2::1
RTR_LAN3=fd8e:52a1:3c07:3::1
B_HOST=fd8e:52a1:3c07:3::b
MAC_B0=02:6e:70:00:0b:00
MAC_GE2=02:6e:70:00:0b:01

# kiid_swap FROM/LEN TO/LEN ADDR: ADDR with its prefix swapped (the model).
kiid_swap()
{
	"$PYTHON" "$KIID" swap "$@"
}

# Does nptctl know "mode keep-iid" yet?  Until it does, keepiid.py sends
# the same request (NPT6_A_MODE) itself.
nptctl_has_mode()
{
	"$NPTCTL" -h 2>&1 | grep -q keep-iid
}

# kiid_add DEV INT EXT [ndproxy MODE]: a keep-iid mapping on DEV in rtr;
# with NPT6_KIID_XLAT=nft, nftables' prefix NAT on DEV instead.
kiid_add()
{
	local dev=$1 int=$2 ext=$3 out

	if [ "$XLAT" = nft ]; then
		nft_prefix_nat "$dev" "$int" "$ext"
		return
	fi
	if nptctl_has_mode; then
		out=$(rtr_nptctl add "$int" "$ext" dev "$dev" "${@:4}" mode keep-iid 2>&1)
	else
		out=$(ip netns exec "$rtr" "$PYTHON" "$KIID" nl add --dev "$dev" \
			--int "$int" --ext "$ext" ${5:+--ndproxy $5} --mode keep-iid 2>&1)
	fi || { log_info "keep-iid $int $ext dev $dev: $out"; return 1; }
}

# nft_prefix_nat DEV INT EXT: the oracle, stateful NETMAP both ways.
nft_prefix_nat()
{
	ip netns exec "$rtr" nft -f - <<-EOF
	table ip6 kiid {
		chain pre {
			type nat hook prerouting priority dstnat; policy accept;
			iifname "$1" ip6 daddr $3 dnat ip6 prefix to $2
		}
		chain post {
			type nat hook postrouting priority srcnat; policy accept;
			oifname "$1" ip6 saddr $2 snat ip6 prefix to $3
		}
	}
	EOF
}

# Undo either translator completely: mappings, rules, conntrack entries.
xlat_flush()
{
	rtr_nptctl flush 2>/dev/null
	ip netns exec "$rtr" nft flush ruleset
	ip netns exec "$rtr" conntrack -F >/dev/null 2>&1
	return 0
}

# kiid_stats DEV INT: the counters of that mapping as flat JSON
# ({"snpt.packets": N, ...}), read over netlink by keepiid.py.
kiid_stat()
{
	ip netns exec "$rtr" "$PYTHON" "$KIID" nl stats --dev "$1" |
		jq -r --arg i "$2" --arg d "$3" --arg c "$4" \
		'.[] | select(.int == $i) | .stats[$d][$c] // empty'
}

# The checksum is computed and verified by the kernel's software:
# nothing left to a device that veth is not, nothing waved through.
csum_in_software()
{
	ip netns exec "$1" ethtool -K "$2" tx off rx off >/dev/null
}

# verdicts PREFIX FILE: one TEST line for each "OK|FAIL|SKIP<TAB>what
# [<TAB>why]" line of FILE; returns how many there were in N_VERDICTS.
verdicts()
{
	local prefix=$1 file=$2 v what why

	N_VERDICTS=0
	while IFS=$'\t' read -r v what why; do
		case $v in
		OK)	RET=0 ;;
		FAIL)	RET=$ksft_fail; retmsg=$why ;;
		SKIP)	RET=$ksft_skip; retmsg=$why ;;
		*)	[ -n "$v$what" ] && log_info "$prefix: $v $what $why"; continue ;;
		esac
		log_test "$prefix: $what"
		N_VERDICTS=$((N_VERDICTS + 1))
	done <"$file"
	RET=0
}

# The standard topology, the keep-iid mapping INT_PFX <-> EXT_PFX on ge0;
# LAN_EXT is the LAN host's external address by the model.
setup_kiid()
{
	topo_create || { log_info "topology setup failed"; return 1; }
	kiid_add ge0 $INT_PFX $EXT_PFX || return 1
	LAN_EXT=$(kiid_swap $INT_PFX $EXT_PFX $LAN_HOST)
}

npt6_only()
{
	[ "$XLAT" = npt6 ] && return 0
	log_test_skip "$1" "NPT6_KIID_XLAT=$XLAT: npt6 only"
	return 1
}

# ---------------------------------------------------------------------
# Tests

byte_exact()
{
	local plens=48,56,60,64 dir set L ipfx epfx out n runs

	RET=0
	dir=$(mktemp -d "$TMP_DIR/byte_exact.XXXXXX")
	set=$dir/set.json
	if ! topo_create; then
		setup_failed "topology setup failed" "byte-exact"
		return
	fi
	out=$("$PYTHON" "$KIID" craft --int-base fd6b:c4e2:97d3:a5f1:: \
		--ext-base 2001:db8:6a3c:e5f1:: --remote $REMOTE_PFX \
		--plens $plens --out "$set" 2>&1)
	check_err $? "keepiid.py craft: $out"
	log_test "byte-exact: $(jq length "$set" 2>/dev/null) packets crafted, the model's own checksums verify"

	for L in ${plens//,/ }; do
		ipfx=$(jq -r --argjson L "$L" 'map(select(.plen == $L))[0].int' "$set")
		epfx=$(jq -r --argjson L "$L" 'map(select(.plen == $L))[0].ext' "$set")
		ip -n "$rtr" -6 route add "$ipfx" via $LAN_HOST

		if [ "$XLAT" = npt6 ]; then
			kiid_add ge0 "$ipfx" "$epfx" ||
				log_info "/$L: keep-iid mapping $ipfx $epfx failed"
			xmit "$L" "$dir/npt6-$L.json"
			xlat_flush
		fi
		nft_prefix_nat ge0 "$ipfx" "$epfx" ||
			log_info "/$L: nft prefix NAT $ipfx $epfx failed"
		xmit "$L" "$dir/nft-$L.json"
		xlat_flush
		out=$(ip netns exec "$rtr" conntrack -C 2>&1)
		[ "$out" = 0 ] || log_info "/$L: $out conntrack entries left after the flush"
		ip -n "$rtr" -6 route del "$ipfx" via $LAN_HOST
	done

	runs=(--oracle "$dir/nft-%L.json")
	[ "$XLAT" = npt6 ] && runs+=(--npt6 "$dir/npt6-%L.json")
	"$PYTHON" "$KIID" compare --set "$set" --plens $plens "${runs[@]}" \
		>"$dir/verdicts" 2>&1
	verdicts "byte-exact" "$dir/verdicts"
	n=$N_VERDICTS
	[ "$n" -eq 8 ]
	check_err $? "$n comparisons, want 8: $(head -c 1000 "$dir/verdicts")"
	log_test "byte-exact: 4 prefix lengths x 2 directions compared"
	end_test
}

xmit()
{
	"$PYTHON" "$PKT" xmit --set "$set" --plen "$1" \
		--lan-ns "$lan" --lan-if lan0 --lan-gw-mac $MAC_GE1 \
		--wan-ns "$wan" --wan-if w0 --wan-gw-mac $MAC_GE0 --out "$2" ||
		log_info "pkt.py xmit /$1 failed"
}

partial()
{
	local out runs x d port f

	RET=0
	if ! topo_create; then
		setup_failed "topology setup failed" "CHECKSUM_PARTIAL"
		return
	fi
	LAN_EXT=$(kiid_swap $INT_PFX $EXT_PFX $LAN_HOST)
	# The senders' veths keep their offloads (checksum left to the
	# device); the router's finish it in software on the way out.
	out=$(ip netns exec "$rtr" ethtool -K ge0 tx off 2>&1 &&
	      ip netns exec "$rtr" ethtool -K ge1 tx off 2>&1)
	check_err $? "ethtool: $out"
	log_test "CHECKSUM_PARTIAL: router's ge0 and ge1 with tx off, senders' veths with tx on"

	runs=nft
	[ "$XLAT" = npt6 ] && runs="npt6 nft"
	port=7300
	for x in $runs; do
		if [ "$x" = npt6 ]; then
			kiid_add ge0 $INT_PFX $EXT_PFX
		else
			nft_prefix_nat ge0 $INT_PFX $EXT_PFX
		fi
		for d in snpt dnpt; do
			f=$(tmpfile partial)
			"$PYTHON" "$KIID" partial --dir $d --int $INT_PFX \
				--ext $EXT_PFX --lan-ns "$lan" --lan-if lan0 \
				--lan-addr $LAN_HOST --wan-ns "$wan" --wan-if w0 \
				--wan-addr $WAN_ADDR --tcp-port $port \
				--out "$TMP_DIR/partial-$x-$d.json" >"$f" 2>&1
			verdicts "CHECKSUM_PARTIAL ($x)" "$f"
			[ "$N_VERDICTS" -gt 0 ] || {
				check_err 1 "$(head -c 1000 "$f")"
				log_test "CHECKSUM_PARTIAL ($x): $d ran"
			}
			port=$((port + 10))
		done
		xlat_flush
	done
	if [ "$XLAT" = npt6 ]; then
		for d in snpt dnpt; do
			cmp -s "$TMP_DIR/partial-npt6-$d.json" "$TMP_DIR/partial-nft-$d.json" &&
			[ "$(jq length "$TMP_DIR/partial-npt6-$d.json")" -eq 2 ]
			check_err $? "npt6: $(cat "$TMP_DIR/partial-npt6-$d.json"), nft: $(cat "$TMP_DIR/partial-nft-$d.json")"
			log_test "CHECKSUM_PARTIAL: ${d^^} UDP datagrams (checksum finished after translation) byte-identical for npt6 and nftables"
		done
	fi
	end_test
}

# Everything the LAN host and the WAN router would answer to the crafted
# packets (RSTs, parameter problems) would move counters: they drop all.
drop_input()
{
	ip netns exec "$1" nft -f - <<-EOF
		table inet kiid {
			chain input {
				type filter hook input priority 0; policy drop;
			}
		}
	EOF
}

check()
{
	local f out counters=

	RET=0
	if ! setup_kiid || ! drop_input "$lan" || ! drop_input "$wan"; then
		setup_failed "setup failed" "check"
		return
	fi
	[ "$XLAT" = npt6 ] && counters=--counters
	# Why conntrack refuses what it refuses, in the kernel log.
	[ "$XLAT" = nft ] && ip netns exec "$rtr" sysctl -qw net.netfilter.nf_conntrack_log_invalid=255
	f=$(tmpfile check)
	"$PYTHON" "$KIID" check --int $INT_PFX --ext $EXT_PFX \
		--lan-host $LAN_HOST --remote ${REMOTE_PFX}1 \
		--lan-ns "$lan" --lan-gw-mac $MAC_GE1 --wan-ns "$wan" \
		--wan-gw-mac $MAC_GE0 --rtr-ns "$rtr" --dev ge0 --xlat "$XLAT" \
		$counters ${NPT6_KIID_CASES:+--only "$NPT6_KIID_CASES"} >"$f" 2>&1
	verdicts "check" "$f"
	[ "$N_VERDICTS" -gt 0 ]
	check_err $? "keepiid.py check said: $(head -c 2000 "$f")"
	log_test "check: $N_VERDICTS cases ran"

	# What nptctl shows is what the kernel counted (read over netlink
	# by keepiid.py above): 1 unknown protocol and 3 truncated headers
	# each way.
	if [ -z "${NPT6_KIID_CASES:-}" ] &&
	   npt6_only "check: nptctl -j -s show has the keep-iid counters"; then
		out=$(rtr_nptctl -j -s show dev ge0 2>&1)
		echo "$out" | jq -e '.[0].mode == "keep-iid" and
			.[0].stats.snpt.csum_unknown == 1 and
			.[0].stats.dnpt.csum_unknown == 1 and
			.[0].stats.snpt.drop_truncated == 3 and
			.[0].stats.dnpt.drop_truncated == 3' >/dev/null 2>&1
		check_err $? "nptctl -j -s show: $out"
		log_test "check: nptctl -j -s show: mode keep-iid, csum_unknown 1 and drop_truncated 3 each way"
	fi
	end_test
}

# probe_ok DESC ARGS...: one pkt.py probe, one TEST line.
probe_ok()
{
	local desc=$1 out

	shift
	RET=0
	out=$("$PYTHON" "$PKT" probe "$@" 2>&1)
	check_err $? "$out"
	log_test "$desc"
	[ "$RET" -eq 0 ] && echo "$out" | grep -E '^(error:|ICMPv6)' | log_indent
}

errors()
{
	local i0 i1 j0 j1 own_src

	RET=0
	if ! setup_kiid; then
		setup_failed "setup failed" "errors"
		return
	fi
	i0=$(kiid_stat ge0 $INT_PFX snpt icmp_inner)
	j0=$(kiid_stat ge0 $INT_PFX dnpt icmp_inner)
	# Final checksums on the wire: an error quotes the packet as the
	# reporting node saw it, and a checksum still left to the device
	# (veth) is a pseudo-header sum that no translator can update as a
	# checksum and get back; pkt.py probe also verifies the embedded
	# checksum when it is final.
	ip netns exec "$lan" ethtool -K lan0 tx off >/dev/null
	ip netns exec "$wan" ethtool -K w0 tx off >/dev/null
	ip netns exec "$inet" ethtool -K i0 tx off >/dev/null
	# nftables rewrites the outer source of the router's own error about
	# a DNATed packet into the NATed host's; npt6 leaves it the router's.
	own_src=(--outer-src $RTR_WAN)
	[ "$XLAT" = nft ] && own_src=()
	probe_ok "errors: router's Time Exceeded for inbound traffic embeds $LAN_EXT as sent" \
		--ns "$wan" --iface w0 --dst "$LAN_EXT" --hlim 1 \
		--type 3 --code 0 --inner-hlim 1 "${own_src[@]}" --errqueue
	probe_ok "errors: next hop's Time Exceeded reaches the LAN socket, embedded $LAN_HOST as sent" \
		--ns "$lan" --iface lan0 --dst $INET_ADDR --hlim 2 \
		--type 3 --code 0 --inner-hlim 1 --outer-src $WAN_ADDR \
		--outer-dst $LAN_HOST --errqueue
	probe_ok "errors: internet host's Port Unreachable reaches the LAN socket, embedded $LAN_HOST as sent" \
		--ns "$lan" --iface lan0 --dst $INET_ADDR --port 9 \
		--type 1 --code 4 --inner-hlim 61 --outer-src $INET_ADDR \
		--outer-dst $LAN_HOST --errqueue
	probe_ok "errors: LAN host's Port Unreachable comes from $LAN_EXT, embedded packet as sent" \
		--ns "$inet" --iface i0 --dst "$LAN_EXT" --port 9 \
		--type 1 --code 4 --inner-hlim 61 --outer-src "$LAN_EXT" \
		--outer-dst $INET_ADDR --errqueue
	if npt6_only "errors: icmp_inner counts them"; then
		i1=$(kiid_stat ge0 $INT_PFX snpt icmp_inner)
		j1=$(kiid_stat ge0 $INT_PFX dnpt icmp_inner)
		[ "${i1:-0}" -ge $((${i0:-0} + 2)) ] && [ "${j1:-0}" -ge $((${j0:-0} + 2)) ]
		check_err $? "snpt icmp_inner ${i0:-none} -> ${i1:-none}, dnpt ${j0:-none} -> ${j1:-none}"
		log_test "errors: icmp_inner counts them (snpt ${i0:-none} -> ${i1:-none}, dnpt ${j0:-none} -> ${j1:-none})"
	fi
	end_test
}

# csum_err_sum NS: TCP and UDP receive checksum errors in NS, summed.
csum_err_sum()
{
	ip netns exec "$1" nstat -asz 2>/dev/null |
		awk '$1 ~ /^(Tcp|Udp6|Udp|TcpExt)InCsumErrors$/ { n += $2 } END { print n + 0 }'
}

# gro_leg DESC CLIENT_NS SERVER_NS ADDR GRO_DEV: iperf3 2 s, GRO trains on
# rtr's GRO_DEV counted, checksum errors at the server.
gro_leg()
{
	local desc=$1 cns=$2 sns=$3 addr=$4 gdev=$5 pcap e0 e1 trains rc

	RET=0
	pcap=$(tmpfile gro.pcap)
	capture_start "$rtr" "$gdev" "$pcap" -s 96 ip6 and greater 3000
	e0=$(csum_err_sum "$sns")
	iperf_run "$cns" "$sns" "$addr"
	rc=$?
	e1=$(csum_err_sum "$sns")
	capture_stop "$CAP_PID"
	trains=$(tcpdump -r "$pcap" -n 2>/dev/null | wc -l)
	check_err $rc "iperf3 exited $rc: $(tail -n 3 "$IPERF_JSON")"
	[ "${IPERF_BYTES:-0}" -gt 1000000 ]
	check_err $? "only ${IPERF_BYTES:-0} bytes arrived"
	[ "$e1" -eq "$e0" ]
	check_err $? "receive checksum errors at the server: $e0 -> $e1"
	[ "$trains" -gt 0 ]
	check_err $? "rtr's $gdev made no GRO train (no frame over 3000 bytes)"
	log_test "$desc: iperf3 $IPERF_BYTES bytes, $trains GRO trains on rtr's $gdev, no checksum error at the receiver"
}

gso_gro()
{
	local out

	RET=0
	if ! setup_kiid; then
		setup_failed "setup failed" "GSO/GRO"
		return
	fi
	# Senders without TSO, so that veth hands their segments to the
	# router's GRO; the router segments and checksums in software after
	# the translation; the receivers verify every checksum themselves.
	out=$(ip netns exec "$lan" ethtool -K lan0 tso off rx off 2>&1 &&
	      ip netns exec "$wan" ethtool -K w0 tso off rx off 2>&1 &&
	      ip netns exec "$rtr" ethtool -K ge0 gro on tx off 2>&1 &&
	      ip netns exec "$rtr" ethtool -K ge1 gro on tx off 2>&1)
	check_err $? "ethtool: $out"
	log_test "GSO/GRO: GRO on rtr's ge0/ge1, software checksums at the receivers"

	gro_leg "GSO/GRO: TCP LAN -> WAN host" "$lan" "$wan" $WAN_ADDR ge1
	gro_leg "GSO/GRO: TCP WAN host -> LAN at $LAN_EXT" "$wan" "$lan" "$LAN_EXT" ge0
	end_test
}

# As test_npt6's gro_fraglist, through a keep-iid mapping: the datagrams a
# train swallowed keep their own IPv6 headers and UDP checksums, and each
# must be translated and updated, not only the head's.  pkt.py gro checks
# every datagram at the socket and, once the router splits the trains
# itself, every frame on the wire with its UDP checksum.
gro_fraglist()
{
	local phase d p0 p1 total out ns v
	local wire_in=() wire_out=()

	RET=0
	if ! setup_kiid; then
		setup_failed "setup failed" "GRO frag-list"
		return
	fi
	out=$(ip netns exec "$rtr" ethtool -K ge0 gro on rx-gro-list on 2>&1 &&
	      ip netns exec "$rtr" ethtool -K ge1 gro on rx-gro-list on 2>&1 &&
	      ip netns exec "$wan" ethtool -K w0 tx-udp-segmentation off rx off 2>&1 &&
	      ip netns exec "$lan" ethtool -K lan0 tx-udp-segmentation off rx off 2>&1)
	check_err $? "ethtool: $out"
	log_test "GRO frag-list: rx-gro-list on ge0 and ge1, receivers verify checksums"

	for phase in train split; do
		if [ $phase = split ]; then
			out=$(ip netns exec "$rtr" ethtool -K ge0 tx-gso-list off 2>&1 &&
			      ip netns exec "$rtr" ethtool -K ge1 tx-gso-list off 2>&1)
			check_err $? "ethtool: $out"
			wire_in=(--wire-ns "$lan" --wire-if lan0)
			wire_out=(--wire-ns "$wan" --wire-if w0)
		fi
		d="GRO frag-list ($phase):"
		RET=0
		out=$("$PYTHON" "$PKT" gro --bursts 10 --tx-ns "$wan" \
			--tx-src $WAN_ADDR --dst "$LAN_EXT" --rx-ns "$lan" \
			--expect-src $WAN_ADDR --expect-dst $LAN_HOST \
			--gro-ns "$rtr" --gro-if ge0 "${wire_in[@]}" 2>&1)
		check_err $? "$out"
		log_test "$d inbound UDP trains, every datagram to $LAN_EXT translated"
		printf '%s\n' "${out%%$'\n'*}" | log_indent
		RET=0
		out=$("$PYTHON" "$PKT" gro --bursts 10 --tx-ns "$lan" \
			--tx-src $LAN_HOST --dst $WAN_ADDR --rx-ns "$wan" \
			--expect-src "$LAN_EXT" --expect-dst $WAN_ADDR \
			--gro-ns "$rtr" --gro-if ge1 "${wire_out[@]}" 2>&1)
		check_err $? "$out"
		log_test "$d outbound UDP trains, every datagram from $LAN_EXT"
		printf '%s\n' "${out%%$'\n'*}" | log_indent
	done
	total=$((2 * 10 * 32))
	RET=0
	if npt6_only "GRO frag-list: nptctl counts every datagram"; then
		p0=$(kiid_stat ge0 $INT_PFX dnpt packets)
		p1=$(kiid_stat ge0 $INT_PFX snpt packets)
		[ "${p0:-0}" -eq $total ] && [ "${p1:-0}" -eq $total ]
		check_err $? "packets: dnpt ${p0:-none}, snpt ${p1:-none}, want $total each"
		log_test "GRO frag-list: the counters count every datagram ($total each way)"
	fi
	RET=0
	out=
	for ns in "$lan" "$wan"; do
		v=$(snmp6 "$ns" Udp6InCsumErrors)
		[ "${v:-0}" -eq 0 ] || out="$out ${ns%%-*} Udp6InCsumErrors=$v"
	done
	[ -z "$out" ]
	check_err $? "snmp6:$out"
	log_test "GRO frag-list: no UDP checksum errors at either end"
	end_test
}

modes()
{
	local out rfc_ext lan2_ext m0 m1 na0 na1

	RET=0
	npt6_only "modes: rfc6296 and keep-iid on one device" || return
	if ! topo_create ||
	   ! rtr_nptctl add $INT_PFX $EXT_PFX dev ge0 ||
	   ! kiid_add ge0 $INT2_PFX $EXT2_PFX; then
		setup_failed "setup failed" "modes"
		return
	fi
	ip -n "$lan" -6 addr add $LAN2_HOST/64 dev lan0 nodad &&
	ip -n "$rtr" -6 addr add $RTR_LAN2/64 dev ge1 nodad &&
	ip -n "$rtr" neigh replace $LAN2_HOST lladdr $MAC_LAN0 dev ge1 nud permanent &&
	ip -n "$rtr" -6 route add unreachable $EXT2_PFX metric 4096 &&
	ip -n "$wan" -6 route add $EXT2_PFX dev w0 || {
		setup_failed "addresses and routes" "modes"
		return
	}
	# Checksums computed and verified in software at both ends.
	csum_in_software "$lan" lan0 && csum_in_software "$inet" i0
	rfc_ext=$(npt_map $INT_PFX $EXT_PFX $LAN_HOST)
	lan2_ext=$(kiid_swap $INT2_PFX $EXT2_PFX $LAN2_HOST)
	log_info "modes: rfc6296 $LAN_HOST -> $rfc_ext, keep-iid $LAN2_HOST -> $lan2_ext"

	out=$(ip netns exec "$rtr" "$PYTHON" "$KIID" nl stats --dev ge0 |
		jq -c 'map({(.int): .mode}) | add')
	m0=$(echo "$out" | jq -r --arg i $INT_PFX '.[$i]')
	m1=$(echo "$out" | jq -r --arg i $INT2_PFX '.[$i]')
	[ "$m0" = 0 ] && [ "$m1" = 1 ]
	check_err $? "NPT6_A_MODE in the dump: $out"
	log_test "modes: the dump reports mode 0 (rfc6296) for $INT_PFX, 1 (keep-iid) for $INT2_PFX"

	out=$("$PYTHON" "$PKT" udp --a-ns "$lan" --a-src $LAN_HOST \
		--b-ns "$inet" --b-addr $INET_ADDR --expect-src "$rfc_ext" 2>&1)
	check_err $? "$out"
	log_test "modes: rfc6296 mapping: $LAN_HOST leaves as $rfc_ext (npt.py), replies delivered"

	out=$("$PYTHON" "$PKT" udp --a-ns "$lan" --a-src $LAN2_HOST \
		--b-ns "$inet" --b-addr $INET_ADDR --expect-src "$lan2_ext" 2>&1)
	check_err $? "$out"
	log_test "modes: keep-iid mapping: $LAN2_HOST leaves as $lan2_ext, replies delivered, checksums verified"

	# Pings: an echo reply leaves from the address the request was sent
	# to, where a UDP reply would pick its source by address selection.
	ping_ok "$inet" "$lan2_ext"
	check_err $? "no echo replies from $lan2_ext"
	ping_ok "$inet" "$rfc_ext"
	check_err $? "no echo replies from $rfc_ext"
	log_test "modes: inbound to $lan2_ext (keep-iid) and $rfc_ext (rfc6296) answered"

	# The NDP proxy: wan takes EXT2 as on-link and asks for the twin of
	# the LAN host's keep-iid address; nobody lives at ::11.
	na0=$(kiid_stat ge0 $INT2_PFX ndp na_sent)
	out=$(ip netns exec "$wan" ndisc6 -1 -r 3 -w 1000 -n "$lan2_ext" w0 2>&1)
	check_err $? "ndisc6 $lan2_ext: $out"
	echo "$out" | grep -qi "$MAC_GE0"
	check_err $? "answer is not ge0's MAC: $out"
	na1=$(kiid_stat ge0 $INT2_PFX ndp na_sent)
	[ "${na1:-0}" -gt "${na0:-0}" ]
	check_err $? "ndp na_sent ${na0:-none} -> ${na1:-none}"
	log_test "modes: NS for $lan2_ext answered with ge0's MAC: its keep-iid twin $LAN2_HOST lives inside"

	out=$(ip netns exec "$wan" ndisc6 -1 -r 2 -w 500 -n \
		"$(kiid_swap $INT2_PFX $EXT2_PFX ${LAN2_HOST%10}11)" w0 2>&1)
	check_fail $? "ndisc6 for ::11 got an answer: $out"
	log_test "modes: NS for ${EXT2_PFX%/64}11 (no twin inside) not answered"

	ping_ok "$wan" "$lan2_ext"
	check_err $? "wan cannot ping $lan2_ext on-link"
	log_test "modes: on-link ping to $lan2_ext through the proxy"
	end_test
}

hairpin()
{
	local out a_ext b_ext

	RET=0
	npt6_only "hairpin: LAN hosts by keep-iid external address" || return
	if ! topo_create || ! setup_ns lanb; then
		setup_failed "topology setup failed" "hairpin"
		return
	fi
	veth_pair "$lanb" b0 $MAC_B0 "$rtr" ge2 $MAC_GE2 &&
	ip -n "$lanb" -6 addr add $B_HOST/64 dev b0 nodad &&
	ip -n "$lanb" -6 route add default via $RTR_LAN3 &&
	ip -n "$rtr" -6 addr add $RTR_LAN3/64 dev ge2 nodad &&
	ip -n "$rtr" neigh replace $B_HOST lladdr $MAC_B0 dev ge2 nud permanent &&
	ip -n "$lanb" neigh replace $RTR_LAN3 lladdr $MAC_GE2 dev b0 nud permanent &&
	ip -n "$rtr" -6 route add unreachable $EXT3_PFX metric 4096 &&
	kiid_add ge0 $INT_PFX $EXT_PFX && kiid_add ge0 $INT3_PFX $EXT3_PFX &&
	csum_in_software "$lan" lan0 && csum_in_software "$lanb" b0 || {
		setup_failed "setup failed" "hairpin"
		return
	}
	a_ext=$(kiid_swap $INT_PFX $EXT_PFX $LAN_HOST)
	b_ext=$(kiid_swap $INT3_PFX $EXT3_PFX $B_HOST)

	ping_ok "$lan" "$b_ext"
	check_err $? "A cannot ping B by $b_ext"
	log_test "hairpin: A pings B by $b_ext"

	out=$("$PYTHON" "$PKT" udp --a-ns "$lan" --a-src $LAN_HOST \
		--b-ns "$lanb" --b-addr "$b_ext" --expect-src "$a_ext" 2>&1)
	check_err $? "$out"
	log_test "hairpin: UDP A -> $b_ext: B sees $a_ext, echo back from $b_ext, checksums verified by the receivers"

	out=$("$PYTHON" "$PKT" udp --a-ns "$lanb" --a-src $B_HOST \
		--b-ns "$lan" --b-addr "$a_ext" --expect-src "$b_ext" --port 7009 2>&1)
	check_err $? "$out"
	log_test "hairpin: UDP B -> $a_ext: A sees $b_ext"
	end_test
}

# ---------------------------------------------------------------------

require_cmd ip jq nft conntrack iperf3 tcpdump ethtool nstat ndisc6 ping ss timeout
require_scapy
npt6_run_tests "$@"
