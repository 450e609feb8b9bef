#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# npt6 over emulated NICs with their real drivers, instead of veth: NAPI
# GRO on receive, TSO and checksum offload on transmit where the device
# has them.  Needs the guest that selftests/qemu/vm.sh --nic-pairs boots
# (run-all.sh's vm suite does, with "e1000e virtio-net-pci"):
#
#   NPT6_KO=$PWD/npt6.ko selftests/qemu/vm.sh \
#       --nic-pairs "e1000e virtio-net-pci" selftests/net/test_nic.sh
#
# Pair K's NICs have MACs 02:6e:6e:00:0K:01 and :02 and nothing between
# them but a QEMU hub.  The guest has no udev, so we load the drivers and
# move the NICs into the namespaces by MAC.  The router's LAN is pair 1,
# its WAN pair 2; everything beyond the WAN peer is veth:
#
#   host ==pair 1== rtr ==pair 2== peer ---- (veth) ----
#          hlan0  rlan0   rwan0    up0
#
#   npt           rtr translates $INT_PFX <-> $EXT_PFX on rwan0; peer is
#                 the internet host
#   npt_keepiid   the same in mode keep-iid (issue 20): every checksum
#                 that covers the address updated, with the NICs' offloads
#   transix       seed 003: rtr's npt6 tunnel to peer, an AFTR (Linux
#                 ip6tnl, encaplimit none) with NAT44 to an IPv4 host
#   site_to_site  seed 004: rtr (A, npt6 tunnel) to peer (B, ip6tnl)
#
# Each runs iperf3 TCP both ways with a fixed size that must arrive whole,
# then asserts that no namespace counted a receive checksum error.  The
# npt6 tunnel decapsulates GRO trains from the WAN NIC: the LAN NIC must
# get them as TSO trains, not cut by software GSO (issue 16, item 1:
# decap must clear the tunnel offload state GRO put on the train).
# kernel_log then wants no warning at all.  The e1000e get no IPv6 TSO
# (QEMU 7.2 mangles it, see nic_take), so only the tunnels' IPv4 trains
# are checked that way.  When the NICs are not there
# (not that guest) the script skips with exit 4.
#
# Exit status: 0 all passed, 1 something failed, 4 skipped.

ALL_TESTS="
	offloads
	npt
	npt_keepiid
	transix
	site_to_site
	kernel_log
"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Bytes of each exact transfer: 2-5 s under TCG, where Python's reads
# and writes, IPv6 without TSO (see nic_take) and the tunnel's software
# GSO on the WAN make it much slower than the NICs' 300-700 Mbit/s.
SIZE=$((16 * 1024 * 1024))
TCP_BYTES=$NET_DIR/tcp_bytes.py

# transix (S3), as in test_tunnel.sh.
AFTR6=2404:8e00::feed:140
NGN_P1=2001:db8:4e0:1::
INET4=198.51.100.2
AFTR4=198.51.100.1
LAN4_PFX=192.168.1.0/24
LAN4_HOST=192.168.1.10
LAN4_RTR=192.168.1.1
# Site to site (S4): A and B on one link.
A6=2001:db8:e1::a
B6=2001:db8:e1::b
HB4=192.168.2.10
B4=192.168.2.1

MAC_I4=02:6e:6e:01:00:01
MAC_A_I0=02:6e:6e:01:00:02

TRACE=/sys/kernel/tracing/instances/npt6-nic

# ---------------------------------------------------------------------
# The NICs

nic_mac()
{
	printf '02:6e:6e:00:%02x:%02x' "$1" "$2"
}

# The init namespace's interface with MAC $1, if any.
nic_by_mac()
{
	local d

	for d in /sys/class/net/*; do
		[ "$(cat "$d/address" 2>/dev/null)" = "$1" ] && { echo "${d##*/}"; return 0; }
	done
	return 1
}

# The NICs come back to the init namespace when theirs goes, under the
# names they had there, and rtnetlink looks up the name of a new link in
# the caller's namespace first: a later test's "ip link add name up0
# netns X" would then fail with EEXIST.  Wait for them and give them
# names nobody uses.
nic_release()
{
	local p e mac dev

	for p in $(seq ${#NICS[@]}); do
		for e in 1 2; do
			mac=$(nic_mac "$p" "$e")
			busywait 20000 nic_by_mac "$mac" >/dev/null || continue
			dev=$(nic_by_mac "$mac")
			[ "$dev" = "npt6nic$p$e" ] && continue
			ip link set "$dev" down 2>/dev/null
			ip link set "$dev" name "npt6nic$p$e" ||
				log_info "cannot rename $dev to npt6nic$p$e"
		done
	done
}

# lib.sh's cleanup calls this on the way out.
cleanup_script()
{
	nic_release
}

# nic_take PAIR END NS NAME: move that NIC into NS as NAME and bring it
# up.  A NIC comes back to the init namespace only once the namespace it
# was in is gone, which the kernel does in the background: wait for it.
nic_take()
{
	local mac dev

	mac=$(nic_mac "$1" "$2")
	busywait 20000 nic_by_mac "$mac" >/dev/null || {
		log_info "no NIC with MAC $mac in the init namespace"
		return 1
	}
	dev=$(nic_by_mac "$mac")
	ip link set "$dev" netns "$3" name "$4" &&
	ip -n "$3" link set "$4" up || return 1
	# QEMU 7.2's e1000e has no TCP segmentation.  Without a vnet-header
	# backend (a hub has none) its TSO sends the train as IP fragments
	# of one datagram, with the TCP header in the first (net_tx_pkt;
	# later QEMU segments).  For IPv6 that is broken outright: TCP crawls
	# at 2 Mbit/s and the receiver counts rx_csum_offload_errors.  For
	# IPv4 every train becomes up to 45 fragments that only the far end
	# can reassemble: one lost on the way (a veth backlog overflows on
	# such bursts) loses all of them, and the incomplete datagrams hold
	# the receiver's reassembly memory for 30 s, so TCP stalls for tens
	# of seconds.  A device defect, not ours, and no real e1000e does
	# it.  So TSO is off, except IPv4 TSO on the router's own NIC
	# ($5 = tso), where xfer_lan checks that the trains reach the
	# driver whole; the host there takes the fragments straight off its
	# NIC and gets the reassembly memory for them (nics_create).
	case ${NICS[$1 - 1]} in
	e1000e)
		ip netns exec "$3" ethtool -K "$4" tx-tcp6-segmentation off >/dev/null &&
		if [ "${5:-}" != tso ]; then
			ip netns exec "$3" ethtool -K "$4" tx-tcp-segmentation off >/dev/null
		fi || return 1
		;;
	esac
}

nic_carrier()
{
	[ "$(ip netns exec "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null)" = 1 ]
}

# The standard wiring (see the top): host, rtr and peer namespaces.
nics_create()
{
	setup_ns host rtr peer || return 1
	nic_take 1 2 "$host" hlan0 &&
	nic_take 1 1 "$rtr" rlan0 tso &&
	nic_take 2 1 "$rtr" rwan0 &&
	nic_take 2 2 "$peer" up0 || return 1
	busywait 15000 nic_carrier "$host" hlan0 &&
	busywait 15000 nic_carrier "$rtr" rlan0 &&
	busywait 15000 nic_carrier "$rtr" rwan0 &&
	busywait 15000 nic_carrier "$peer" up0 || {
		log_info "no carrier: $(ip -n "$rtr" -br link)"
		return 1
	}
	# Room for the fragments of 64 KB trains from rlan0 (see nic_take):
	# 45 e1000e receive buffers each, a TCP window of them in flight.
	ip netns exec "$host" sysctl -qw net.ipv4.ipfrag_high_thresh=67108864
}

# Drop the namespaces of a scenario; the NICs go back to init_net.
end_test()
{
	bg_stop $BG_PIDS
	cleanup_ns $NS_LIST
	nic_release
}

router_sysctls()
{
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
}

# ---------------------------------------------------------------------
# Measurements

# xfer DESC FROM_NS TO_NS ADDR [-R]: data FROM_NS -> TO_NS, with the
# connection opened by FROM_NS toward ADDR in TO_NS, or with -R by TO_NS
# toward ADDR in FROM_NS (a receiver behind NAT44).  First iperf3 TCP for
# 2 s, the client's exit status and byte counts kept; then $SIZE bytes by
# tcp_bytes.py, whose receiver reads to the sender's FIN, so the transfer
# must arrive whole (iperf3's own receiver count leaves out what was still
# in flight when its sender stopped).  One TEST line for both.  The
# iperf3 server's JSON is left in IPERF_SERVER (its remote_host is the
# client as the server saw it).
xfer()
{
	local desc=$1 from=$2 to=$3 addr=$4 rev=${5:-} cns sns js spid rc
	local sent recv got t0

	RET=0
	js=$(tmpfile iperf-c)
	IPERF_SERVER=$(tmpfile iperf-s)
	if [ -n "$rev" ]; then
		cns=$to sns=$from
	else
		cns=$from sns=$to
	fi
	ip netns exec "$sns" iperf3 -s -1 -J -p 5201 >"$IPERF_SERVER" 2>&1 &
	spid=$!
	BG_PIDS="$BG_PIDS $spid"
	if busywait 10000 port_listening "$sns" 5201; then
		ip netns exec "$cns" timeout 60 iperf3 -c "$addr" -p 5201 -t 2 -J \
			$rev >"$js" 2>&1
		rc=$?
		# The server ends by itself once it has written its report.
		busywait 10000 sh -c "! kill -0 $spid 2>/dev/null"
		sent=$(jq -r '.end.sum_sent.bytes // 0 | floor' "$js" 2>/dev/null)
		recv=$(jq -r '.end.sum_received.bytes // 0 | floor' "$js" 2>/dev/null)
		check_err $rc "iperf3 exited $rc: $(tail -n 3 "$js")"
		[ "${recv:-0}" -gt 1000000 ]
		check_err $? "iperf3: only ${recv:-?} bytes received"
	else
		check_err 1 "iperf3 server did not start"
	fi
	bg_stop $spid

	# The exact transfer: the receiver prints what it read.
	got=$(tmpfile got)
	t0=$(date +%s%N)
	if [ -n "$rev" ]; then
		bg ip netns exec "$from" "$PYTHON" "$TCP_BYTES" serve 5202 $SIZE
		spid=$BG_PID
		busywait 15000 port_listening "$from" 5202 &&
		ip netns exec "$to" "$PYTHON" "$TCP_BYTES" fetch "$addr" 5202 >"$got" 2>&1
		rc=$?
	else
		ip netns exec "$to" "$PYTHON" "$TCP_BYTES" sink 5202 >"$got" 2>&1 &
		spid=$!
		BG_PIDS="$BG_PIDS $spid"
		busywait 15000 port_listening "$to" 5202 &&
		ip netns exec "$from" "$PYTHON" "$TCP_BYTES" send "$addr" 5202 $SIZE >/dev/null 2>&1
		rc=$?
		wait "$spid"
	fi
	t0=$((($(date +%s%N) - t0) / 1000000))
	bg_stop $spid
	check_err $rc "tcp_bytes.py failed: $(cat "$got")"
	[ "$(cat "$got")" = $SIZE ]
	check_err $? "$SIZE bytes sent, $(cat "$got") arrived"
	[ "$RET" -eq 0 ] || nic_state
	log_test "$desc: iperf3 2 s ${recv:-?} bytes; $SIZE bytes arrived whole in $t0 ms"
}

# After a failed transfer: what the NICs' drivers say, to tell a device
# that stopped (transmit timeouts, a receive ring that no longer fills)
# from packets lost on the way.
nic_state()
{
	local ns dev q

	for ns in "$host" "$rtr" "$peer"; do
		for dev in hlan0 rlan0 rwan0 up0; do
			q=$(ip netns exec "$ns" cat "/sys/class/net/$dev/queues/tx-0/tx_timeout" 2>/dev/null) || continue
			log_info "$dev: tx_timeout $q; $(ip netns exec "$ns" ethtool -S "$dev" 2>/dev/null |
				awk -F': *' '$1 ~ /^ *(rx|tx)_(queue_0_)?(packets|kicks|drops|xdp_drops|no_buffer_count|timeout)/ && $2 != 0 {
					sub(/^ */, "", $1); printf "%s %s ", $1, $2 }')"
		done
	done
}

# csum_errors NS...: every *CsumErrors counter of each namespace that is
# not zero, as "ns: Counter N"; nothing when all are zero.  nstat shows
# whatever this kernel has (TcpInCsumErrors, UdpInCsumErrors,
# Icmp6InCsumErrors, Udp6InCsumErrors, IpExtInCsumErrors, ...); the
# namespaces are fresh, so their counters began at zero.
csum_errors()
{
	local ns

	for ns in "$@"; do
		ip netns exec "$ns" nstat -asz 2>/dev/null |
			awk -v ns="${ns%%-*}" '$1 ~ /CsumErr/ && $2 != 0 { print ns ": " $1 " " $2 }'
	done
}

# check_csum DESC NS...: one TEST line; also lists the counters it read.
check_csum()
{
	local desc=$1 out names

	shift
	out=$(csum_errors "$@")
	[ -z "$out" ]
	check_err $? "$out"
	names=$(ip netns exec "$1" nstat -asz 2>/dev/null | awk '$1 ~ /CsumErr/ { print $1 }' | xargs)
	[ -n "$names" ]
	check_err $? "nstat shows no CsumErrors counters"
	log_test "$desc: no receive checksum errors in $# namespaces ($names)"
}

# icmp_unreach NS: ICMP destination-unreachable messages NS sent
# (frag-needed among them).
icmp_unreach()
{
	ip netns exec "$1" nstat -asz IcmpOutDestUnreachs 2>/dev/null |
		awk '$1 == "IcmpOutDestUnreachs" { print $2 }'
}

# Trains, with ftrace: during a transfer into the LAN, how many GRO trains
# (len > 1500 at netif_receive_skb) rtr's WAN NIC received, how many
# trains (len > 1514 with the Ethernet header, at dev_queue_xmit) rtr
# handed to its LAN NIC, and how many of those reached the driver whole
# (net_dev_start_xmit with gso_segs > 1, i.e. sent by TSO).  A train
# queued but not sent whole was cut by software GSO in
# validate_xmit_skb(): the device lacked a feature the train asked for,
# such as NETIF_F_GSO_IPXIP6 for one still marked as tunnelled.  The
# trace instance is our own, filtered on rtr's device names.
trace_start()
{
	local ev

	[ -d /sys/kernel/tracing/instances ] || return 1
	rmdir "$TRACE" 2>/dev/null
	mkdir "$TRACE" || return 1
	echo 0 >"$TRACE/tracing_on"
	echo 4096 >"$TRACE/buffer_size_kb"
	echo 'name == "rwan0" && len > 1500' >"$TRACE/events/net/netif_receive_skb/filter" &&
	echo 'name == "rlan0" && len > 1514' >"$TRACE/events/net/net_dev_queue/filter" &&
	echo 'name == "rlan0" && gso_segs > 1' >"$TRACE/events/net/net_dev_start_xmit/filter" ||
		return 1
	for ev in netif_receive_skb net_dev_queue net_dev_start_xmit; do
		echo 1 >"$TRACE/events/net/$ev/enable" || return 1
	done
	echo >"$TRACE/trace"
	echo 1 >"$TRACE/tracing_on"
}

# trace_stop: sets TR_RX (WAN GRO trains), TR_Q (trains queued to the
# LAN NIC), TR_TSO (of them, sent whole) and TR_LOST (events the ring
# dropped, which would make the counts meaningless).
trace_stop()
{
	local ev

	echo 0 >"$TRACE/tracing_on"
	for ev in netif_receive_skb net_dev_queue net_dev_start_xmit; do
		echo 0 >"$TRACE/events/net/$ev/enable"
	done
	TR_RX=$(grep -c ' netif_receive_skb: ' "$TRACE/trace")
	TR_Q=$(grep -c ' net_dev_queue: ' "$TRACE/trace")
	TR_TSO=$(grep -c ' net_dev_start_xmit: ' "$TRACE/trace")
	TR_LOST=$(awk '/^overrun:/ { n += $2 } END { print n + 0 }' \
		"$TRACE"/per_cpu/cpu*/stats 2>/dev/null)
	echo >"$TRACE/trace"
	rmdir "$TRACE" 2>/dev/null
	return 0
}

# xfer_lan DESC FROM_NS TO_NS ADDR [-R]: xfer of IPv4 data that flows
# from rtr's WAN to its LAN, then a TEST line that rtr's LAN NIC got the
# trains whole.
xfer_lan()
{
	local desc=$1 traced=0 drops

	trace_start && traced=1
	xfer "$@"
	[ "$traced" = 1 ] && trace_stop
	RET=0
	if [ "$traced" = 0 ]; then
		log_test_skip "$desc: LAN NIC sent the trains by TSO" "no tracefs instances here"
		return
	fi
	if ! ip netns exec "$rtr" ethtool -k rlan0 2>/dev/null |
	     grep -q '^	tx-tcp-segmentation: on'; then
		log_test_skip "$desc: LAN NIC sent the trains by TSO" \
			"rtr's LAN NIC has no TSO for IPv4"
		return
	fi
	if [ "$TR_RX" -eq 0 ] && [ "$TR_Q" -eq 0 ]; then
		log_test_skip "$desc: LAN NIC sent the trains by TSO" \
			"rtr's WAN NIC made no GRO trains; nothing to show"
		return
	fi
	drops=$(ip netns exec "$rtr" tc -s qdisc show dev rlan0 2>/dev/null |
		awk '/dropped/ { sub(",", "", $7); n += $7 } END { print n + 0 }')
	[ "$TR_LOST" -eq 0 ]
	check_err $? "the trace ring dropped $TR_LOST events"
	[ "$TR_Q" -gt 0 ]
	check_err $? "$TR_RX GRO trains came in on rwan0 but none was queued to rlan0"
	# With the tunnel offload state left on (SKB_GSO_IPXIP6, which no
	# e1000e feature covers) every train is cut, none goes by TSO.
	# Without it (decap through iptunnel_pull_offloads(), tried out of
	# tree) most do, not all: 44-77 % of the trains queued reached the
	# driver whole, with no qdisc drop; we have not found where the rest
	# were cut.
	[ "$TR_TSO" -gt 0 ]
	check_err $? "none of the $TR_Q trains queued to rlan0 reached the driver whole: all were cut by software GSO (still marked as tunnelled after decap?)"
	log_test "$desc: rwan0 GRO made $TR_RX trains; $TR_Q queued to rlan0, $TR_TSO sent by TSO (qdisc drops $drops)"
}

# ---------------------------------------------------------------------
# Tests

# Report what the drivers offer; GRO must be on, the rest is what the
# device has: QEMU's virtio-net without a vnet-header backend (a hub has
# none) offers no checksum offload and hence no TSO.
offloads()
{
	local k e mac dev drv feat on off

	RET=0
	for ((k = 1; k <= NPAIRS; k++)); do
		for e in 1 2; do
			mac=$(nic_mac $k $e)
			if ! dev=$(nic_by_mac "$mac"); then
				check_err 1 "no interface with MAC $mac"
				continue
			fi
			drv=$(ethtool -i "$dev" 2>/dev/null | awk '$1 == "driver:" { print $2 }')
			feat=$(ethtool -k "$dev" 2>/dev/null)
			on=$(echo "$feat" | awk -F': ' '$2 ~ /^on/ && $1 !~ /^\t/ { print $1 }' | xargs)
			off=$(echo "$feat" | awk -F': ' '
				$1 ~ /^(rx-checksumming|tx-checksumming|scatter-gather|tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload|large-receive-offload|tx-ipxip6-segmentation)$/ &&
				$2 !~ /^on/ { print $1 }' | xargs)
			log_info "pair $k.$e ${NICS[k - 1]} ($drv, $mac): on: $on; off: $off"
			echo "$feat" | grep -q '^generic-receive-offload: on'
			check_err $? "GRO is off on $dev ($drv)"
		done
	done
	log_test "offloads: $((NPAIRS * 2)) NICs found by MAC, GRO on in all, features listed above"
}

npt()
{
	local ext seen out

	RET=0
	nics_create || { setup_failed "NIC setup failed" npt; return; }
	router_sysctls "$rtr"
	ip -n "$host" -6 addr add $LAN_HOST/64 dev hlan0 nodad &&
	ip -n "$host" -6 route add default via $RTR_LAN &&
	ip -n "$rtr" -6 addr add $RTR_LAN/64 dev rlan0 nodad &&
	ip -n "$rtr" -6 addr add $RTR_WAN/64 dev rwan0 nodad &&
	ip -n "$rtr" -6 route add default via $WAN_ADDR &&
	ip -n "$peer" -6 addr add $WAN_ADDR/64 dev up0 nodad &&
	ip -n "$peer" -6 route add $EXT_PFX via $RTR_WAN || {
		setup_failed "addresses and routes" npt
		return
	}
	out=$(rtr_nptctl add $INT_PFX $EXT_PFX dev rwan0 2>&1)
	check_err $? "nptctl add $INT_PFX $EXT_PFX dev rwan0: $out"
	ext=$(npt_map $INT_PFX $EXT_PFX $LAN_HOST)
	[ -n "$ext" ]
	check_err $? "npt.py gave no mapping for $LAN_HOST"
	ip netns exec "$host" ping -n -q -c 3 -i 0.2 -w 10 $WAN_ADDR >/dev/null 2>&1
	check_err $? "no echo replies from $WAN_ADDR"
	log_test "npt: nptctl add $INT_PFX $EXT_PFX dev rwan0 (${NICS[1]}), LAN on ${NICS[0]}; ping through"

	RET=0
	xfer "npt: TCP host -> peer" "$host" "$peer" $WAN_ADDR
	seen=$(jq -r '.start.connected[0].remote_host // empty' "$IPERF_SERVER" 2>/dev/null)
	RET=0
	[ "$seen" = "$ext" ]
	check_err $? "peer saw the client as '$seen', want $ext"
	log_test "npt: peer saw the host as $ext, npt.py's mapping of $LAN_HOST"

	# No TSO check toward the LAN here: an e1000e has no IPv6 TSO (see
	# nic_take), so those trains are cut by software GSO by design.
	xfer "npt: TCP peer -> host, opened by the host" "$peer" "$host" $WAN_ADDR -R
	# Opened from outside, to the host's external address (DNPT of the
	# SYN).
	xfer "npt: TCP peer -> host, opened by the peer to $ext" "$peer" "$host" "$ext"

	RET=0
	out=$(rtr_nptctl -j -s show dev rwan0 2>/dev/null |
		jq -c '.[0].stats | {snpt: .snpt.packets, dnpt: .dnpt.packets}' 2>/dev/null)
	echo "$out" | jq -e '.snpt > 1000 and .dnpt > 1000' >/dev/null 2>&1
	check_err $? "mapping counters: $out"
	check_csum "npt" "$host" "$rtr" "$peer"
	log_info "npt counters: $out"
	end_test
}

# npt_keepiid: npt with a keep-iid mapping: the prefix swapped, the
# interface ID kept, TCP checksums updated under the NICs' GRO and
# checksum offloads.  The peer must see the host as the prefix swap of
# its address, and no namespace may count a checksum error.
npt_keepiid()
{
	local ext seen out

	RET=0
	nics_create || { setup_failed "NIC setup failed" npt_keepiid; return; }
	router_sysctls "$rtr"
	ip -n "$host" -6 addr add $LAN_HOST/64 dev hlan0 nodad &&
	ip -n "$host" -6 route add default via $RTR_LAN &&
	ip -n "$rtr" -6 addr add $RTR_LAN/64 dev rlan0 nodad &&
	ip -n "$rtr" -6 addr add $RTR_WAN/64 dev rwan0 nodad &&
	ip -n "$rtr" -6 route add default via $WAN_ADDR &&
	ip -n "$peer" -6 addr add $WAN_ADDR/64 dev up0 nodad &&
	ip -n "$peer" -6 route add $EXT_PFX via $RTR_WAN || {
		setup_failed "addresses and routes" npt_keepiid
		return
	}
	if "$NPTCTL" -h 2>&1 | grep -q keep-iid; then
		out=$(rtr_nptctl add $INT_PFX $EXT_PFX dev rwan0 mode keep-iid 2>&1)
	else
		out=$(ip netns exec "$rtr" "$PYTHON" "$NET_DIR/keepiid.py" nl add \
			--dev rwan0 --int $INT_PFX --ext $EXT_PFX --mode keep-iid 2>&1)
	fi
	check_err $? "keep-iid mapping $INT_PFX $EXT_PFX dev rwan0: $out"
	ext=$("$PYTHON" "$NET_DIR/keepiid.py" swap $INT_PFX $EXT_PFX $LAN_HOST)
	ip netns exec "$host" ping -n -q -c 3 -i 0.2 -w 10 $WAN_ADDR >/dev/null 2>&1
	check_err $? "no echo replies from $WAN_ADDR"
	log_test "npt_keepiid: keep-iid $INT_PFX $EXT_PFX on rwan0 (${NICS[1]}), LAN on ${NICS[0]}; ping through"

	xfer "npt_keepiid: TCP host -> peer" "$host" "$peer" $WAN_ADDR
	seen=$(jq -r '.start.connected[0].remote_host // empty' "$IPERF_SERVER" 2>/dev/null)
	RET=0
	[ "$seen" = "$ext" ]
	check_err $? "peer saw the client as '$seen', want $ext"
	log_test "npt_keepiid: peer saw the host as $ext, the prefix swap of $LAN_HOST"

	xfer "npt_keepiid: TCP peer -> host, opened by the peer to $ext" "$peer" "$host" "$ext"

	RET=0
	check_csum "npt_keepiid" "$host" "$rtr" "$peer"
	end_test
}

transix()
{
	local feed=${NGN_P1}feed out js u0 u1

	RET=0
	nics_create && setup_ns inet4 || { setup_failed "NIC setup failed" transix; return; }
	# The AFTR: ip6tnl without the encapsulation limit, NAT44 to inet4.
	router_sysctls "$peer" &&
	ip -n "$peer" -6 addr add ${NGN_P1}1/64 dev up0 nodad &&
	ip -n "$peer" -6 addr add $AFTR6/128 dev lo &&
	ip link add name i0 address $MAC_A_I0 netns "$peer" type veth \
		peer name e0 address $MAC_I4 netns "$inet4" &&
	ip -n "$peer" link set i0 up && ip -n "$inet4" link set e0 up &&
	ip -n "$peer" addr add $AFTR4/24 dev i0 &&
	ip -n "$inet4" addr add $INET4/24 dev e0 &&
	ip netns exec "$peer" iptables -t nat -A POSTROUTING -s $LAN4_PFX \
		-o i0 -j MASQUERADE &&
	ip -n "$peer" -6 tunnel add tun0 mode ipip6 local $AFTR6 \
		remote "$feed" encaplimit none &&
	ip -n "$peer" link set tun0 up &&
	ip -n "$peer" route add $LAN4_PFX dev tun0 &&
	# The home router: seed 003's ::feed address on its WAN.
	router_sysctls "$rtr" &&
	ip -n "$rtr" -6 addr add "$feed"/64 dev rwan0 nodad &&
	ip -n "$rtr" -6 route add default via ${NGN_P1}1 &&
	ip -n "$rtr" addr add $LAN4_RTR/24 dev rlan0 &&
	ip -n "$host" addr add $LAN4_HOST/24 dev hlan0 &&
	ip -n "$host" route add default via $LAN4_RTR || {
		setup_failed "addresses, routes and the AFTR" transix
		return
	}
	out=$(rtr_nptctl tunnel add tun0 remote $AFTR6 local "$feed" dev rwan0 2>&1)
	check_err $? "nptctl tunnel add: $out"
	ip -n "$rtr" link set tun0 up &&
	ip -n "$rtr" route add default dev tun0
	check_err $? "cannot bring tun0 up or route through it"
	js=$(rtr_nptctl -j tunnel show tun0 2>&1)
	echo "$js" | jq -e '.[0].mss == "auto" and .[0].mtu == 1460' >/dev/null
	check_err $? "tunnel show: $js"
	ip netns exec "$host" ping -n -q -c 3 -i 0.2 -w 10 $INET4 >/dev/null 2>&1
	check_err $? "no echo replies from $INET4"
	log_test "transix: npt6 tunnel over rwan0 (${NICS[1]}) to an ip6tnl AFTR with NAT44, mss auto, mtu 1460; ping through"

	u0=$(icmp_unreach "$peer")
	xfer "transix: TCP host -> inet4" "$host" "$inet4" $INET4
	xfer_lan "transix: TCP inet4 -> host" "$inet4" "$host" $INET4 -R
	# Only the clamped MSS keeps the AFTR from sending frag-needed for
	# 1500-byte IPv4 packets into its 1460 tunnel.
	RET=0
	u1=$(icmp_unreach "$peer")
	[ "${u1:-x}" = "${u0:-y}" ]
	check_err $? "the AFTR sent $((u1 - u0)) ICMP unreachables (frag-needed?)"
	check_csum "transix" "$host" "$rtr" "$peer" "$inet4"
	end_test
}

site_to_site()
{
	local out u0 u1 i0 i1 r0 r1

	RET=0
	nics_create && setup_ns hb || { setup_failed "NIC setup failed" "site-to-site"; return; }
	# A is rtr with its LAN on pair 1; B is peer, with its LAN on veth.
	router_sysctls "$rtr" &&
	router_sysctls "$peer" &&
	ip -n "$rtr" -6 addr add $A6/64 dev rwan0 nodad &&
	ip -n "$peer" -6 addr add $B6/64 dev up0 nodad &&
	ip -n "$rtr" addr add 192.168.1.1/24 dev rlan0 &&
	ip -n "$host" addr add 192.168.1.10/24 dev hlan0 &&
	ip -n "$host" route add default via 192.168.1.1 &&
	ip link add name l0 netns "$peer" type veth peer name e0 netns "$hb" &&
	ip -n "$peer" link set l0 up && ip -n "$hb" link set e0 up &&
	ip -n "$peer" addr add $B4/24 dev l0 &&
	ip -n "$hb" addr add $HB4/24 dev e0 &&
	ip -n "$hb" route add default via $B4 &&
	ip -n "$peer" -6 tunnel add tun0 mode ip4ip6 local $B6 remote $A6 \
		encaplimit none &&
	ip -n "$peer" link set tun0 up &&
	ip -n "$peer" route add 192.168.1.0/24 dev tun0 || {
		setup_failed "addresses, routes and B's ip6tnl" "site-to-site"
		return
	}
	out=$(rtr_nptctl tunnel add tun0 remote $B6 local $A6 dev rwan0 2>&1)
	check_err $? "nptctl tunnel add: $out"
	ip -n "$rtr" link set tun0 up &&
	ip -n "$rtr" route add 192.168.2.0/24 dev tun0
	check_err $? "cannot bring tun0 up or route through it"
	ip netns exec "$host" ping -n -q -c 3 -i 0.2 -w 10 $HB4 >/dev/null 2>&1
	check_err $? "no echo replies from $HB4"
	log_test "site-to-site: A npt6 tunnel over rwan0 (${NICS[1]}) <-> B ip6tnl ip4ip6 encaplimit none; ping through"

	u0=$(icmp_unreach "$peer")
	xfer "site-to-site: TCP A's host -> B's host" "$host" "$hb" $HB4
	xfer_lan "site-to-site: TCP B's host -> A's host" "$hb" "$host" $HB4 -R
	RET=0
	u1=$(icmp_unreach "$peer")
	[ "${u1:-x}" = "${u0:-y}" ]
	check_err $? "B sent $((u1 - u0)) ICMP unreachables (frag-needed?)"
	check_csum "site-to-site" "$host" "$rtr" "$peer" "$hb"

	# The same with A's tunnel on the fast path: the receive handler on
	# rwan0 decapsulates what the NIC's GRO merged, before IPv6 input.
	RET=0
	out=$(rtr_nptctl tunnel change tun0 fastpath on 2>&1)
	check_err $? "tunnel change tun0 fastpath on: $out"
	log_test "site-to-site: fastpath on for A's tunnel over rwan0 (${NICS[1]})"
	xfer "site-to-site, fastpath on: TCP A's host -> B's host" "$host" "$hb" $HB4
	i0=$(dev_in6 "$rtr" rwan0) r0=$(ip netns exec "$rtr" cat /sys/class/net/tun0/statistics/rx_packets)
	xfer "site-to-site, fastpath on: TCP B's host -> A's host" "$hb" "$host" $HB4 -R
	i1=$(dev_in6 "$rtr" rwan0) r1=$(ip netns exec "$rtr" cat /sys/class/net/tun0/statistics/rx_packets)
	RET=0
	[ $((r1 - r0)) -ge 100 ] && [ $(((i1 - i0) * 10)) -lt $((r1 - r0)) ]
	check_err $? "tun0 rx_packets +$((r1 - r0)), rwan0 Ip6InReceives +$((i1 - i0))"
	log_test "site-to-site, fastpath on: the tunnel received $((r1 - r0)) packets (GRO trains), rwan0's IPv6 input $((i1 - i0))"
	check_csum "site-to-site, fastpath on" "$host" "$rtr" "$peer" "$hb"
	end_test
}

# dev_in6 NS DEV: DEV's Ip6InReceives.
dev_in6()
{
	ip netns exec "$1" awk '$1 == "Ip6InReceives" { print $2 }' "/proc/net/dev_snmp6/$2"
}

# Any warning fails, with one exception.  "TCP: DEV: Driver has suspect
# GRO implementation" is printed at most once per boot, when a socket
# first gets a segment bigger than its own MSS + 40 and the MTU.  We saw
# it with nothing of npt6 in the path (iperf3 between the two e1000e of
# pair 1, plain IPv4), and in transix on the veth behind the AFTR; we
# have not found which segment it is.  It is printed as INFO only.
kernel_log()
{
	dmesg | sed -n "/$KMSG_MARK/,\$p" | grep -F 'suspect GRO' |
		while read -r line; do
			log_info "kernel log, not counted: $line"
		done
	kernel_log_check 'bad offload|csum failure|[Tt]ransmit timeout|TX timeout|Unit Hang' \
		"bad offload, csum failure or TX timeout"
}

# ---------------------------------------------------------------------

# The NIC pairs vm.sh --nic-pairs made: skip unless there are two.
read -r -a NICS <<<"${NPT6_NIC_PAIRS:-}"
NPAIRS=${#NICS[@]}
if [ "$NPAIRS" -lt 2 ]; then
	echo "SKIP: needs two NIC pairs (selftests/qemu/vm.sh --nic-pairs \"e1000e virtio-net-pci\")"
	exit $ksft_skip
fi
if [ "$(id -u)" -eq 0 ]; then
	for drv in "${NICS[@]}"; do
		case $drv in
		virtio-net*) modprobe -q virtio_net ;;
		*) modprobe -q "$drv" ;;
		esac
	done
	for ((k = 1; k <= NPAIRS; k++)); do
		if ! busywait 20000 nic_by_mac "$(nic_mac $k 1)" >/dev/null ||
		   ! busywait 5000 nic_by_mac "$(nic_mac $k 2)" >/dev/null; then
			echo "SKIP: the NICs of pair $k (${NICS[k - 1]}) did not appear"
			exit $ksft_skip
		fi
	done
fi
require_cmd ip jq iperf3 ethtool nstat iptables ss timeout
modprobe -q ip6_tunnel
npt6_run_tests "$@"
