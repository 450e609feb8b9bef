#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Seed 001 (DESIGN.md S2, issue 22) end to end: two routers, two uplinks,
# one ULA LAN behind VRRP, with keepalived from Debian as the VRRP
# implementation.  npt6 keeps no state, so when VRRP moves the LAN from
# router A to router B nothing has to be synchronised: this test moves it,
# and configures nothing on either router while it does.
#
#               host      fd00:192:168:1::150, 192.168.1.150;
#                |        default routers fe80::1 and 192.168.1.1
#               sw        a bridge: the LAN switch
#             /    \
#     [ge1] rta    rtb [ge1]   keepalived: VRRP ids 61 (fe80::1) and 1
#     [ge0]  |      |  [ge0]   (192.168.1.1); A priority 100, B 99
#          ispa    ispb
#             \    /
#              inet       2001:db8:ffff::80, 198.51.100.80
#
#   rta  FLET'S as in seed 001: ispa announces 2001:db8:a:1::/64 by RA and
#        ge0 takes ::feed in it (ip token); the LAN maps to that /64 with
#        "nptctl add fd00:192:168:1::/64 auto token ::feed dev ge0" (the
#        /64 is on-link at ispa: the NDP proxy answers for it).  IPv4
#        goes through "nptctl tunnel add tun0 ... local auto token ::feed"
#        (mtu 1460, mss 1420) to a Linux ip6tnl AFTR in ispa, NAT44 to
#        the fixed address 203.0.113.10 on lo.
#   rtb  Starlink: ispb routes 2001:db8:b:1::/64 to rtb, which maps the
#        same LAN to it (the README's unreachable loop guard in place);
#        plain IPv4 with NAT44 to 192.0.2.2.
#
#   topology     keepalived elects A; A's mapping and tunnel are up
#   via_a        new connections leave through A: inet sees the source
#                npt.py predicts for A's prefix, and 203.0.113.10 for
#                IPv4; ispa's capture has them (IPv4 in ipip6, 40-byte
#                outer header, MSS 1420), ispb's has nothing
#   lan_down     A's switch port goes down: within a few seconds new
#                connections leave through B with B's prefix and B's
#                IPv4 (ispb's capture has them, ispa's nothing); the port
#                comes back and A preempts: through A again
#   daemon_kill  keepalived on A is killed (SIGKILL, its address left
#                behind as after a crash): B takes over within a few
#                seconds; keepalived starts again on A and A preempts
#   unchanged    the routers' npt6 mappings and tunnel, NAT rules and
#                addresses (the VRRP addresses aside) are what they were
#                before the failovers: nobody configured anything
#   no_leak      keepalived stopped and the namespaces gone, npt6 holds no
#                reference and unloads
#
# Expected external addresses come from npt.py, never from the module.
#
# Exit status: 0 all passed, 1 something failed, 4 a needed tool is missing.

ALL_TESTS="
	topology
	via_a
	lan_down
	daemon_kill
	unchanged
	no_leak
	kernel_log
"
FIRST_TEST=topology

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VRRP_PY=$NET_DIR/vrrp.py

LAN_PFX=fd00:192:168:1::/64	# seed 001's LAN
HOST6=fd00:192:168:1::150
RTA_LAN6=fd00:192:168:1::2
RTB_LAN6=fd00:192:168:1::3
VIP6=fe80::1
VIP4=192.168.1.1
HOST4=192.168.1.150
RTA4=192.168.1.2
RTB4=192.168.1.3
A_PFX=2001:db8:a:1::/64		# ispa's RA prefix, on-link on rta's ge0
A_FEED=2001:db8:a:1::feed
ISPA6=2001:db8:a:1::1
AFTR6=2404:8e00::feed:140
FIXED4=203.0.113.10		# rta's fixed IPv4, on lo
B_PFX=2001:db8:b:1::/64		# routed by ispb to rtb
RTB_WAN6=2001:db8:b:ff::2
ISPB6=2001:db8:b:ff::1
RTB_WAN4=192.0.2.2
ISPB4=192.0.2.1
INET6=2001:db8:ffff::80
INET4=198.51.100.80
PORT=7070
# Seconds within which new connections must work through the new master.
# VRRP itself needs 3 advertisements (advert_int 1) and a skew; this
# guest takes 4 to 5 s in all.  The debug tier's kernel (the one with
# kmemleak) runs everything several times slower.
if [ -e /sys/kernel/debug/kmemleak ]; then
	FAILOVER_LIMIT=${FAILOVER_LIMIT:-30}
else
	FAILOVER_LIMIT=${FAILOVER_LIMIT:-10}
fi

MAC_HOST=02:6e:76:00:00:50
MAC_SW_H=02:6e:76:00:00:51
MAC_A_GE1=02:6e:76:00:0a:01
MAC_SW_A=02:6e:76:00:0a:02
MAC_A_GE0=02:6e:76:00:0a:00
MAC_ISPA0=02:6e:76:00:1a:00
MAC_ISPA1=02:6e:76:00:1a:01
MAC_B_GE1=02:6e:76:00:0b:01
MAC_SW_B=02:6e:76:00:0b:02
MAC_B_GE0=02:6e:76:00:0b:00
MAC_ISPB0=02:6e:76:00:1b:00
MAC_ISPB1=02:6e:76:00:1b:01
MAC_INET_A=02:6e:76:00:2a:00
MAC_INET_B=02:6e:76:00:2b:00

# ---------------------------------------------------------------------
# keepalived

# ka_conf NAME PRIORITY: keepalived.conf of one router, as README.md's S2
# recipe gives it: VRRPv3, one instance for IPv4 and one for IPv6 (seed
# 001's vrid 1 and 61), each dropping out when the WAN link goes.
ka_conf()
{
	cat <<-EOF
	global_defs {
	    router_id $1
	    vrrp_version 3
	}

	vrrp_instance lan4 {
	    interface ge1
	    virtual_router_id 1
	    priority $2
	    advert_int 1
	    track_interface {
	        ge0
	    }
	    virtual_ipaddress {
	        $VIP4/24
	    }
	}

	vrrp_instance lan6 {
	    interface ge1
	    virtual_router_id 61
	    priority $2
	    advert_int 1
	    track_interface {
	        ge0
	    }
	    virtual_ipaddress {
	        $VIP6/64
	    }
	}
	EOF
}

# ka_start a|b: keepalived (VRRP only) in the router's namespace, in the
# foreground, logging to $TMP_DIR/keepalived-X.log; its pid files are in
# $TMP_DIR, so the two daemons do not see each other's.
ka_start()
{
	local r=$1 ns conf=$TMP_DIR/keepalived-$1.conf prio=100

	[ "$r" = b ] && prio=99
	ns=rt$r
	ka_conf "rt$r" $prio >"$conf"
	ip netns exec "${!ns}" keepalived --dont-fork --log-console \
		--no-syslog --log-detail --vrrp --use-file "$conf" \
		--pid "$TMP_DIR/keepalived-$r.pid" \
		--vrrp_pid "$TMP_DIR/keepalived-$r-vrrp.pid" \
		>>"$TMP_DIR/keepalived-$r.log" 2>&1 &
	eval "KA_$r=\$!"
	BG_PIDS="$BG_PIDS $!"
}

# ka_kill a|b: SIGKILL to both keepalived processes of the router, as a
# crash would end them.  The parent is stopped first so that it cannot
# start a new VRRP process in between.
ka_kill()
{
	local parent child

	parent=$(eval echo "\$KA_$1")
	child=$(cat "$TMP_DIR/keepalived-$1-vrrp.pid" 2>/dev/null)
	kill -STOP "$parent"
	[ -n "$child" ] && kill -KILL "$child"
	kill -KILL "$parent"
	kill -CONT "$parent" 2>/dev/null
	bg_stop "$parent"
}

# ka_stop a|b: the orderly way, SIGTERM.
ka_stop()
{
	local pid

	pid=$(eval echo "\$KA_$1")
	[ -n "$pid" ] && bg_stop "$pid"
	eval "KA_$1="
}

# has_vip NS: does NS's ge1 hold both virtual addresses?
has_vip()
{
	ip -n "$1" -6 addr show dev ge1 | grep -q "inet6 $VIP6/64" &&
		ip -n "$1" -4 addr show dev ge1 | grep -q "inet $VIP4/24"
}

no_vip()
{
	! ip -n "$1" addr show dev ge1 | grep -qE "inet6 $VIP6/|inet $VIP4/"
}

ka_logs()
{
	tail -n 8 "$TMP_DIR/keepalived-a.log" "$TMP_DIR/keepalived-b.log" 2>&1
}

# ---------------------------------------------------------------------
# Connections and captures

# conn ADDR: a new TCP connection from the LAN host to inet's server at
# ADDR; prints the client address the server saw, nothing on failure.
conn()
{
	ip netns exec "$host" timeout 3 bash -c \
		'exec 3<>"/dev/tcp/$1/$2" && read -r -t 2 l <&3 && echo "$l"' \
		_ "$1" $PORT 2>/dev/null
}

# want6 a|b, want4 a|b: the LAN host's address as inet must see it when
# it leaves through router A or B.
want6()
{
	if [ "$1" = a ]; then
		echo "$HOST_A6"
	else
		echo "$HOST_B6"
	fi
}

want4()
{
	if [ "$1" = a ]; then
		echo $FIXED4
	else
		echo $RTB_WAN4
	fi
}

# answered_via a|b: new IPv6 and IPv4 connections both leave through it.
answered_via()
{
	[ "$(conn $INET6)" = "$(want6 "$1")" ] &&
		[ "$(conn $INET4)" = "$(want4 "$1")" ]
}

# probe ADDR FILE: one new connection to ADDR, in the background; when
# it ends, "END_MS ADDR SEEN_AS" is appended to FILE.
probe()
{
	local seen

	seen=$(ip netns exec "$host" timeout 4 bash -c \
		'exec 3<>"/dev/tcp/$1/$2" && read -r -t 2 l <&3 && echo "$l"' \
		_ "$1" $PORT 2>/dev/null)
	echo "$(date +%s%3N) $1 ${seen:--}" >>"$2"
}

# first_ok FILE ADDR WANT: when the first connection to ADDR that was
# seen as WANT ended (ms), or nothing.
first_ok()
{
	awk -v a="$2" -v w="$3" '$2 == a && $3 == w && (t == "" || $1 < t) { t = $1 }
		END { if (t != "") print t }' "$1"
}

# failover_to a|b WHAT: from the moment WHAT happened (T0, in ms), a new
# IPv6 and a new IPv4 connection every second, each allowed 4 s (SYN
# retransmissions included), until both families have been answered
# through the router; one check, on how long that took.  The connections
# still open are waited for, so that none is in the captures after it.
failover_to()
{
	local r=$1 what=$2 f i ok6= ok4= pids= ms secs

	f=$(tmpfile probes)
	: >"$f"
	for ((i = 0; i < 40; i++)); do
		if [ -z "$ok6" ]; then
			probe $INET6 "$f" &
			pids="$pids $!"
		fi
		if [ -z "$ok4" ]; then
			probe $INET4 "$f" &
			pids="$pids $!"
		fi
		sleep 1
		ok6=$(first_ok "$f" $INET6 "$(want6 "$r")")
		ok4=$(first_ok "$f" $INET4 "$(want4 "$r")")
		[ -n "$ok6" ] && [ -n "$ok4" ] && break
	done
	wait $pids
	ok6=$(first_ok "$f" $INET6 "$(want6 "$r")")
	ok4=$(first_ok "$f" $INET4 "$(want4 "$r")")
	if [ -z "$ok6" ] || [ -z "$ok4" ]; then
		check_err 1 "new connections not through router ${r^^} after 40 s: $(tail -n 4 "$f" | tr '\n' ' ')
$(ka_logs)"
		log_test "$what: new IPv6 and IPv4 connections go through router ${r^^}"
		return
	fi
	ms=$(( (ok6 > ok4 ? ok6 : ok4) - T0 ))
	secs=$((ms / 1000)).$((ms % 1000 / 100))
	[ "$ms" -le $((FAILOVER_LIMIT * 1000)) ]
	check_err $? "new connections through router ${r^^} only after ${secs}s (limit ${FAILOVER_LIMIT}s): $(tr '\n' ' ' <"$f")"
	log_test "$what: new IPv6 and IPv4 connections go through router ${r^^} after ${secs}s (IPv6 $(((ok6 - T0) / 100))ds, IPv4 $(((ok4 - T0) / 100))ds; limit ${FAILOVER_LIMIT}s)"
}

# syns NAME=PCAP...: the TCP SYNs captured, one JSON object each.
syns()
{
	"$PYTHON" "$VRRP_PY" syns "$@"
}

# through a|b WHEN: one IPv6 and one IPv4 connection, and what each ISP
# captured of them: everything leaves through the router named, from
# the address it must have there, and nothing through the other.
through()
{
	local r=$1 when=$2 capa capb pida pidb got6 got4 all sa sb on off n
	local w6 w4

	w6=$(want6 "$r")
	w4=$(want4 "$r")
	capa=$(tmpfile ispa.pcap)
	capb=$(tmpfile ispb.pcap)
	capture_start "$ispa" a0 "$capa" "tcp port $PORT or ip6 proto 4"
	pida=$CAP_PID
	capture_start "$ispb" b0 "$capb" "tcp port $PORT"
	pidb=$CAP_PID

	got6=$(conn $INET6)
	got4=$(conn $INET4)
	capture_stop $pida
	capture_stop $pidb
	all=$(syns a="$capa" b="$capb")
	sa=$(echo "$all" | grep '"at": "a"')
	sb=$(echo "$all" | grep '"at": "b"')

	[ "$got6" = "$w6" ]
	check_err $? "IPv6: inet saw '$got6', npt.py says $w6"
	[ "$got4" = "$w4" ]
	check_err $? "IPv4: inet saw '$got4', want $w4"
	if [ "$r" = a ]; then
		on=$sa off=$sb
	else
		on=$sb off=$sa
	fi
	n=$(echo "$on" | jq -s --arg s "$w6" --arg d $INET6 --argjson p $PORT \
		'[.[] | select(.v == 6 and .src == $s and .dst == $d and .dport == $p)] | length')
	[ "${n:-0}" -ge 1 ]
	check_err $? "ISP ${r^^} captured no IPv6 SYN from $w6: $on"
	if [ "$r" = a ]; then
		n=$(echo "$on" | jq -s --arg s $FIXED4 --arg d $INET4 \
			--arg os $A_FEED --arg od $AFTR6 --argjson p $PORT \
			'[.[] | select(.v == 4 and .src == $s and .dst == $d and
			  .dport == $p and .mss == 1420 and .outer.src == $os and
			  .outer.dst == $od and .outer.hlen == 40)] | length')
		[ "${n:-0}" -ge 1 ]
		check_err $? "ISP A captured no IPv4 SYN from $FIXED4 in ipip6 from $A_FEED to $AFTR6 with MSS 1420: $on"
	else
		n=$(echo "$on" | jq -s --arg s $RTB_WAN4 --arg d $INET4 --argjson p $PORT \
			'[.[] | select(.v == 4 and .src == $s and .dst == $d and
			  .dport == $p and .mss == 1460 and .outer == null)] | length')
		[ "${n:-0}" -ge 1 ]
		check_err $? "ISP B captured no plain IPv4 SYN from $RTB_WAN4 with MSS 1460: $on"
	fi
	# Nothing else: no other source at this ISP, nothing at the other.
	n=$(echo "$on" | jq -s --arg s6 "$w6" --arg s4 "$w4" \
		'[.[] | select(.src != $s6 and .src != $s4)] | length')
	[ "${n:-1}" -eq 0 ]
	check_err $? "ISP ${r^^} captured SYNs from other sources: $on"
	[ -z "$off" ]
	check_err $? "the other ISP captured SYNs: $off"
	log_test "$when: through router ${r^^}: inet sees $w6 (npt.py) and $w4; only ISP ${r^^} carries them$([ "$r" = a ] && echo ', IPv4 in ipip6 with MSS 1420')"
}

# ---------------------------------------------------------------------
# The network

router_sysctls()
{
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
}

vrrp_create()
{
	setup_ns host sw rta rtb ispa ispb inet || return 1

	veth_pair "$host" eth0 $MAC_HOST "$sw" ph $MAC_SW_H &&
	veth_pair "$rta" ge1 $MAC_A_GE1 "$sw" pa $MAC_SW_A &&
	veth_pair "$rtb" ge1 $MAC_B_GE1 "$sw" pb $MAC_SW_B &&
	veth_pair "$rta" ge0 $MAC_A_GE0 "$ispa" a0 $MAC_ISPA0 &&
	veth_pair "$rtb" ge0 $MAC_B_GE0 "$ispb" b0 $MAC_ISPB0 &&
	veth_pair "$ispa" a1 $MAC_ISPA1 "$inet" ia $MAC_INET_A &&
	veth_pair "$ispb" b1 $MAC_ISPB1 "$inet" ib $MAC_INET_B || return 1

	# The switch.  No multicast snooping: VRRP and NDP are flooded.
	ip -n "$sw" link add br0 type bridge mcast_snooping 0 &&
	ip -n "$sw" link set ph master br0 &&
	ip -n "$sw" link set pa master br0 &&
	ip -n "$sw" link set pb master br0 &&
	ip -n "$sw" link set br0 up || return 1

	ip -n "$host" -6 addr add $HOST6/64 dev eth0 nodad &&
	ip -n "$host" -6 route add default via $VIP6 dev eth0 &&
	ip -n "$host" addr add $HOST4/24 dev eth0 &&
	ip -n "$host" route add default via $VIP4 || return 1

	# inet: the far host, reachable through either ISP.
	ip -n "$inet" -6 addr add $INET6/128 dev lo &&
	ip -n "$inet" addr add $INET4/32 dev lo &&
	ip -n "$inet" -6 addr add 2001:db8:f:a::2/64 dev ia nodad &&
	ip -n "$inet" -6 addr add 2001:db8:f:b::2/64 dev ib nodad &&
	ip -n "$inet" addr add 172.16.1.2/30 dev ia &&
	ip -n "$inet" addr add 172.16.2.2/30 dev ib &&
	ip -n "$inet" -6 route add 2001:db8:a::/48 via 2001:db8:f:a::1 &&
	ip -n "$inet" -6 route add 2404:8e00::/32 via 2001:db8:f:a::1 &&
	ip -n "$inet" -6 route add 2001:db8:b::/48 via 2001:db8:f:b::1 &&
	ip -n "$inet" route add $FIXED4/32 via 172.16.1.1 &&
	ip -n "$inet" route add 192.0.2.0/24 via 172.16.2.1 || return 1

	# ispa: the NGN, announcing A_PFX by RA, and the AFTR (Linux
	# ip6tnl, no encapsulation limit) for rta's fixed IPv4.
	router_sysctls "$ispa" &&
	ip -n "$ispa" -6 addr add $ISPA6/64 dev a0 nodad &&
	ip -n "$ispa" -6 addr add $AFTR6/128 dev lo &&
	ip -n "$ispa" -6 addr add 2001:db8:f:a::1/64 dev a1 nodad &&
	ip -n "$ispa" addr add 172.16.1.1/30 dev a1 &&
	ip -n "$ispa" -6 route add default via 2001:db8:f:a::2 &&
	ip -n "$ispa" route add default via 172.16.1.2 &&
	ip -n "$ispa" -6 tunnel add aftr0 mode ip4ip6 local $AFTR6 \
		remote $A_FEED encaplimit none &&
	ip -n "$ispa" link set aftr0 up &&
	ip -n "$ispa" route add $FIXED4/32 dev aftr0 || return 1
	RADVD_CONF=$(tmpfile radvd.conf)
	cat >"$RADVD_CONF" <<-EOF
	interface a0 {
		AdvSendAdvert on;
		MinRtrAdvInterval 3;
		MaxRtrAdvInterval 4;
		prefix $A_PFX {
			AdvOnLink on; AdvAutonomous on;
		};
	};
	EOF
	chmod 600 "$RADVD_CONF"
	bg ip netns exec "$ispa" radvd -n -C "$RADVD_CONF" \
		-p "$TMP_DIR/radvd.pid" -m logfile -l "$TMP_DIR/radvd.log"

	# ispb: routes B_PFX to rtb; IPv4 192.0.2.0/24 on the link.
	router_sysctls "$ispb" &&
	ip -n "$ispb" -6 addr add $ISPB6/64 dev b0 nodad &&
	ip -n "$ispb" addr add $ISPB4/24 dev b0 &&
	ip -n "$ispb" -6 addr add 2001:db8:f:b::1/64 dev b1 nodad &&
	ip -n "$ispb" addr add 172.16.2.1/30 dev b1 &&
	ip -n "$ispb" -6 route add $B_PFX via $RTB_WAN6 &&
	ip -n "$ispb" -6 route add default via 2001:db8:f:b::2 &&
	ip -n "$ispb" route add default via 172.16.2.2 || return 1

	# Router A, seed 001's FLET'S router.  Its WAN address comes by RA
	# with interface ID ::feed; the mapping and the tunnel follow it.
	router_sysctls "$rta" &&
	ip netns exec "$rta" sysctl -qw net.ipv6.conf.ge0.accept_ra=2 &&
	ip -n "$rta" token set ::feed dev ge0 &&
	ip -n "$rta" -6 addr add $RTA_LAN6/64 dev ge1 nodad &&
	ip -n "$rta" addr add $RTA4/24 dev ge1 &&
	ip -n "$rta" addr add $FIXED4/32 dev lo &&
	rta_nptctl add $LAN_PFX auto token ::feed dev ge0 &&
	rta_nptctl tunnel add tun0 remote $AFTR6 local auto token ::feed \
		dev ge0 mtu 1460 mss 1420 &&
	ip -n "$rta" link set tun0 up &&
	ip -n "$rta" route add default dev tun0 &&
	ip netns exec "$rta" iptables -t nat -A POSTROUTING -s 192.168.1.0/24 \
		-o tun0 -j SNAT --to-source $FIXED4 || return 1

	# Router B, seed 001's Starlink router, with the same LAN mapped to
	# its own prefix.
	router_sysctls "$rtb" &&
	ip -n "$rtb" -6 addr add $RTB_LAN6/64 dev ge1 nodad &&
	ip -n "$rtb" addr add $RTB4/24 dev ge1 &&
	ip -n "$rtb" -6 addr add $RTB_WAN6/64 dev ge0 nodad &&
	ip -n "$rtb" addr add $RTB_WAN4/24 dev ge0 &&
	ip -n "$rtb" -6 route add default via $ISPB6 &&
	ip -n "$rtb" route add default via $ISPB4 &&
	ip -n "$rtb" -6 route add unreachable $B_PFX metric 4096 &&
	rtb_nptctl add $LAN_PFX $B_PFX dev ge0 &&
	ip netns exec "$rtb" iptables -t nat -A POSTROUTING -s 192.168.1.0/24 \
		-o ge0 -j MASQUERADE || return 1

	bg ip netns exec "$inet" "$PYTHON" "$VRRP_PY" serve $PORT
	# A first, as when B is added to a working network: both starting
	# together would both claim the addresses for a moment.
	ka_start a
	busywait 20000 has_vip "$rta" || return 1
	ka_start b
}

rta_nptctl()
{
	ip netns exec "$rta" "$NPTCTL" "$@"
}

rtb_nptctl()
{
	ip netns exec "$rtb" "$NPTCTL" "$@"
}

rta_map_active()
{
	rta_nptctl -j show dev ge0 2>/dev/null | jq -e --arg p $A_PFX \
		'.[0].active == true and .[0].external == $p' >/dev/null 2>&1
}

tun0_up()
{
	rta_nptctl -j tunnel show tun0 2>/dev/null |
		jq -e --arg l $A_FEED '.[0].active_local == $l' >/dev/null 2>&1 &&
		ip -n "$rta" link show tun0 | grep -q LOWER_UP
}

# The configuration a failover must leave alone: npt6's mappings and
# tunnel without counters, the NAT rules, the addresses but the VRRP ones.
router_state()
{
	local ns

	for ns in "$rta" "$rtb"; do
		ip netns exec "$ns" "$NPTCTL" -j show | jq -c 'map(del(.stats))'
		ip netns exec "$ns" "$NPTCTL" -j tunnel show |
			jq -c 'map(del(.stats))'
		ip netns exec "$ns" iptables -t nat -S
		ip -n "$ns" -br addr show | sed -E "s# ($VIP6/64|$VIP4/24)\b##g"
	done
}

# ---------------------------------------------------------------------
# Tests

topology()
{
	local t0=$EPOCHSECONDS

	RET=0
	if ! vrrp_create; then
		setup_failed "topology setup failed: $(ka_logs)" topology
		exit $EXIT_STATUS
	fi
	log_info "network built, A elected, in $((EPOCHSECONDS - t0))s"
	HOST_A6=$(npt_map $LAN_PFX $A_PFX $HOST6)
	HOST_B6=$(npt_map $LAN_PFX $B_PFX $HOST6)

	busywait 20000 rta_map_active
	check_err $? "rta's mapping not active on $A_PFX: $(rta_nptctl show; ip -n "$rta" -6 addr show dev ge0; cat "$TMP_DIR/radvd.log")"
	busywait 5000 tun0_up
	check_err $? "tun0 not up from $A_FEED: $(rta_nptctl tunnel show; ip -n "$rta" link show tun0)"
	[ "$(ip -n "$rta" -j link show tun0 | jq '.[0].mtu')" = 1460 ]
	check_err $? "tun0's MTU: $(ip -n "$rta" link show tun0)"
	log_test "topology: ispa's RA gives rta $A_FEED; auto token ::feed maps $LAN_PFX to $A_PFX; tun0 up from it, MTU 1460"

	busywait 20000 has_vip "$rta"
	check_err $? "router A does not hold $VIP6 and $VIP4: $(ip -n "$rta" addr show dev ge1; ka_logs)"
	no_vip "$rtb"
	check_err $? "router B holds a virtual address: $(ip -n "$rtb" addr show dev ge1)"
	log_test "topology: keepalived makes router A (priority 100) master of $VIP6 and $VIP4, router B (99) backup"

	STATE_BEFORE=$(router_state)
	busywait 30000 answered_via a
	check_err $? "no connection through router A: IPv6 seen as '$(conn $INET6)', IPv4 as '$(conn $INET4)'"
	log_test "topology: the LAN host reaches inet through router A by $VIP6 and $VIP4"
}

via_a()
{
	RET=0
	through a "master A"
}

lan_down()
{
	RET=0
	busywait 20000 has_vip "$rta"
	T0=$(date +%s%3N)
	ip -n "$sw" link set pa down
	failover_to b "router A's LAN port down"
	has_vip "$rtb" && no_vip "$rta"
	check_err $? "the virtual addresses are not (only) on router B: $(ip -n "$rta" addr show dev ge1; ip -n "$rtb" addr show dev ge1)"
	through b "A's LAN port down"

	T0=$(date +%s%3N)
	ip -n "$sw" link set pa up
	failover_to a "router A's LAN port up again (preemption)"
	busywait 5000 no_vip "$rtb"
	check_err $? "router B kept a virtual address: $(ip -n "$rtb" addr show dev ge1)"
	through a "A's LAN port back"
}

daemon_kill()
{
	RET=0
	busywait 20000 has_vip "$rta"
	T0=$(date +%s%3N)
	ka_kill a
	# As after a crash, A still holds the addresses and answers for
	# fe80::1; the LAN host follows B's unsolicited advertisements.
	has_vip "$rta"
	check_err $? "router A lost the virtual addresses with keepalived killed: $(ip -n "$rta" addr show dev ge1)"
	failover_to b "keepalived on router A killed, its addresses left behind"
	has_vip "$rtb"
	check_err $? "router B does not hold the virtual addresses: $(ip -n "$rtb" addr show dev ge1)"
	through b "keepalived on A killed"

	# From the moment A's new VRRP process is up.
	rm -f "$TMP_DIR"/keepalived-a*.pid
	ka_start a
	busywait 20000 test -s "$TMP_DIR/keepalived-a-vrrp.pid"
	T0=$(date +%s%3N)
	failover_to a "keepalived on router A started again (preemption)"
	busywait 5000 no_vip "$rtb"
	check_err $? "router B kept a virtual address: $(ip -n "$rtb" addr show dev ge1)"
	through a "keepalived on A back"
}

unchanged()
{
	local before now

	RET=0
	before=$(tmpfile state-before)
	now=$(tmpfile state-now)
	echo "$STATE_BEFORE" >"$before"
	router_state >"$now"
	diff -u "$before" "$now" >/dev/null
	check_err $? "$(diff -u "$before" "$now")"
	log_test "unchanged: mappings, tunnel, NAT rules and addresses of both routers as before the failovers"
}

no_leak()
{
	local out

	RET=0
	ka_stop a
	ka_stop b
	end_test
	busywait 20000 sh -c '[ "$(cat /sys/module/npt6/refcnt)" = 0 ]'
	check_err $? "npt6 refcnt $(cat /sys/module/npt6/refcnt) after every namespace went"
	out=$(rmmod npt6 2>&1)
	check_err $? "rmmod: $out"
	npt6_load
	check_err $? "reload failed"
	log_test "no_leak: keepalived stopped, namespaces gone: npt6 holds no reference and unloads"
}

npt6_script_ready()
{
	require_cmd keepalived radvd tcpdump jq iptables timeout
}

npt6_run_tests "$@"
