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
#                IPv4 (ispb's capture has them, ispa's nothing), and a
#                connection opened through A breaks (its next segment
#                leaves from B's prefix); the port comes back and A
#                preempts: through A again
#   daemon_kill  keepalived on A is killed (SIGKILL, its address left
#                behind as after a crash): B takes over within a few
#                seconds; keepalived starts again on A and A preempts
#   wan_down     ispa's end of A's uplink goes down: keepalived on A
#                (track_interface ge0) hands the LAN to B; it comes back,
#                and so does the LAN
#   unchanged    the routers' npt6 mappings and tunnel, NAT rules and
#                addresses (the VRRP addresses aside) are what they were
#                before the failovers: nobody configured anything
#   no_leak      keepalived stopped and the namespaces gone, npt6 holds no
#                reference and unloads
#
# Expected external addresses come from npt.py, never from the module.
# Failover times are the LAN host's own: vrrp.py probe opens a new IPv6 and
# a new IPv4 connection every 0.25 s from the event until both are answered
# through the new master; FAILOVER_LIMIT (10 s) bounds that.
#
#   make nptctl &&
#   selftests/qemu/vm.sh --timeout 900 selftests/net/test_vrrp.sh [-t "TESTS"]
#
# Exit status: 0 all passed, 1 something failed, 4 a needed tool is missing.

ALL_TESTS="
	topology
	via_a
	lan_down
	daemon_kill
	wan_down
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
# VRRP itself needs 3 advertisements (advert_int 1) and a skew when the
# master goes silent; the LAN host sees 3 to 4 s here, under 1 s when
# keepalived hands over (the uplink).  The debug tier's kernel (the one
# with kmemleak) runs everything several times slower.
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

# failover_to a|b WHAT CMD...: the LAN host's prober (vrrp.py probe) tries
# a new IPv6 and a new IPv4 connection every 0.25 s while CMD makes WHAT
# happen; from when CMD returns, how long until both families were
# answered through router a|b.  One check, on that time.  The prober
# closes what it still has open before it ends, so nothing of it is in a
# later capture.
failover_to()
{
	local r=$1 what=$2 f pid t0 ok6 ok4 ms secs

	shift 2
	f=$(tmpfile probe)
	ip netns exec "$host" "$PYTHON" "$VRRP_PY" probe $PORT \
		"$(want6 "$r")@$INET6" "$(want4 "$r")@$INET4" >"$f" 2>&1 &
	pid=$!
	BG_PIDS="$BG_PIDS $pid"
	busywait 20000 grep -q '^ready' "$f"
	"$@"
	t0=$(date +%s%3N)
	wait "$pid"
	BG_PIDS=$(echo "$BG_PIDS" | sed "s/ $pid\b//")
	ok6=$(tail -n 1 "$f" | jq -r --arg a $INET6 '.first[$a] // empty' 2>/dev/null)
	ok4=$(tail -n 1 "$f" | jq -r --arg a $INET4 '.first[$a] // empty' 2>/dev/null)
	if [ -z "$ok6" ] || [ -z "$ok4" ]; then
		check_err 1 "new connections not through router ${r^^} after 40 s: $(tail -n 1 "$f" | jq -c '.log[-4:]' 2>/dev/null || tail -n 3 "$f")
$(ka_logs)"
		log_test "$what: new IPv6 and IPv4 connections go through router ${r^^}"
		return
	fi
	ms=$(( (ok6 > ok4 ? ok6 : ok4) - t0 ))
	secs=$((ms / 1000)).$((ms % 1000 / 100))
	[ "$ms" -le $((FAILOVER_LIMIT * 1000)) ]
	check_err $? "new connections through router ${r^^} only after ${secs}s (limit ${FAILOVER_LIMIT}s)"
	log_test "$what: new IPv6 and IPv4 connections go through router ${r^^} after ${secs}s (IPv6 $(((ok6 - t0) / 100))ds, IPv4 $(((ok4 - t0) / 100))ds; limit ${FAILOVER_LIMIT}s)"
}

# caps_start: captures at both ISPs, on their links to the routers, of
# what the tests send (TCP to inet's port, and ipip6 at ISP A).  An ISP
# whose link is down (wan_down) has none: nothing can pass there.
caps_start()
{
	local na nb

	CAP_A='' CAP_B='' PID_A='' PID_B=''
	na=$(ip netns exec "$ispa" cat /proc/net/packet | wc -l)
	nb=$(ip netns exec "$ispb" cat /proc/net/packet | wc -l)
	if ip -n "$ispa" link show a0 | grep -q '[<,]UP[,>]'; then
		CAP_A=$(tmpfile ispa.pcap)
		bg ip netns exec "$ispa" tcpdump -i a0 -n -U --immediate-mode \
			-s 256 -w "$CAP_A" "tcp port $PORT or ip6 proto 4"
		PID_A=$BG_PID
	fi
	CAP_B=$(tmpfile ispb.pcap)
	bg ip netns exec "$ispb" tcpdump -i b0 -n -U --immediate-mode \
		-s 256 -w "$CAP_B" "tcp port $PORT"
	PID_B=$BG_PID
	# Both listening before anything is sent.
	{ [ -z "$PID_A" ] || busywait 10000 packet_sockets_above "$ispa" "$na"; } &&
		busywait 10000 packet_sockets_above "$ispb" "$nb"
}

# caps_stop: the TCP segments captured, one JSON object each, in SEGS;
# "at" says where ("a" or "b").
caps_stop()
{
	sleep 0.3
	bg_stop $PID_A $PID_B
	SEGS=$("$PYTHON" "$VRRP_PY" tcp ${CAP_A:+a="$CAP_A"} b="$CAP_B")
}

# through a|b WHEN: one new IPv6 and one new IPv4 connection, and what
# each ISP captured of them: everything leaves through the router named,
# from the address it must have there, and nothing through the other.
through()
{
	local r=$1 when=$2 got6 got4 on off n w6 w4 o

	w6=$(want6 "$r")
	w4=$(want4 "$r")
	o=a
	[ "$r" = a ] && o=b
	caps_start
	got6=$(conn $INET6)
	got4=$(conn $INET4)
	caps_stop
	on=$(echo "$SEGS" | jq -c --arg r "$r" 'select(.at == $r and .flags == "S")')
	off=$(echo "$SEGS" | jq -c --arg o "$o" 'select(.at == $o and .flags == "S")')

	[ "$got6" = "$w6" ]
	check_err $? "IPv6: inet saw '$got6', npt.py says $w6"
	[ "$got4" = "$w4" ]
	check_err $? "IPv4: inet saw '$got4', want $w4"
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
	check_err $? "ISP ${o^^} captured SYNs: $off"
	log_test "$when: through router ${r^^}: inet sees $w6 (npt.py) and $w4; only ISP ${r^^} carries them$([ "$r" = a ] && echo ', IPv4 in ipip6 with MSS 1420')$([ "$o" = a ] && [ -z "$CAP_A" ] && echo ' (ISP A: link down)')"
}

# held_open: an IPv6 connection from the LAN host to inet that stays open
# until held_send; HELD_OUT gets "open SEEN_AS" at once.
held_open()
{
	HELD_FIFO=$TMP_DIR/held.fifo
	HELD_OUT=$(tmpfile held)
	rm -f "$HELD_FIFO"
	mkfifo "$HELD_FIFO"
	ip netns exec "$host" bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		read -r -t 5 l <&3 && echo "open $l"
		read -r _ <"$3"
		if echo more >&3 && read -r -t 8 l <&3; then
			echo "after $l"
		else
			echo "after broken"
		fi' _ $INET6 $PORT "$HELD_FIFO" >"$HELD_OUT" 2>/dev/null &
	HELD_PID=$!
	BG_PIDS="$BG_PIDS $HELD_PID"
	busywait 10000 grep -q '^open' "$HELD_OUT"
}

# held_send: the held connection sends a line and reads the answer (8 s
# at most); HELD_OUT gets "after SEEN_AS" or "after broken".
held_send()
{
	echo go >"$HELD_FIFO"
	wait "$HELD_PID"
	BG_PIDS=$(echo "$BG_PIDS" | sed "s/ $HELD_PID\b//")
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
	# wan_down takes a0 down: its addresses must stay, as a cable
	# pulled at the router's end would leave them.
	ip netns exec "$ispa" sysctl -qw net.ipv6.conf.a0.keep_addr_on_down=1 &&
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
	local out n

	RET=0
	busywait 20000 has_vip "$rta"
	held_open
	failover_to b "router A's LAN port down" ip -n "$sw" link set pa down
	has_vip "$rtb" && no_vip "$rta"
	check_err $? "the virtual addresses are not (only) on router B: $(ip -n "$rta" addr show dev ge1; ip -n "$rtb" addr show dev ge1)"
	through b "A's LAN port down"

	# What does not survive: a connection opened through A now leaves
	# through B, from B's prefix, and inet knows no such connection.
	RET=0
	caps_start
	held_send
	caps_stop
	out=$(cat "$HELD_OUT")
	[ "$out" = "open $HOST_A6
after broken" ]
	check_err $? "the connection opened through A: '${out//$'\n'/ }', want 'open $HOST_A6 after broken'"
	n=$(echo "$SEGS" | jq -s --arg s "$HOST_B6" --arg d $INET6 --argjson p $PORT \
		'[.[] | select(.at == "b" and .src == $s and .dst == $d and
		  .dport == $p and (.flags | test("P")))] | length')
	[ "${n:-0}" -ge 1 ]
	check_err $? "ISP B captured no data from $HOST_B6: $SEGS"
	n=$(echo "$SEGS" | jq -s --arg s $INET6 --arg d "$HOST_B6" \
		'[.[] | select(.at == "b" and .src == $s and .dst == $d and
		  (.flags | test("R")))] | length')
	[ "${n:-0}" -ge 1 ]
	check_err $? "ISP B captured no reset from inet to $HOST_B6: $SEGS"
	log_test "A's LAN port down: a connection opened through A ($HOST_A6) does not survive: its next segment leaves through ISP B from $HOST_B6, inet resets it"

	failover_to a "router A's LAN port up again (preemption)" \
		ip -n "$sw" link set pa up
	busywait 5000 no_vip "$rtb"
	check_err $? "router B kept a virtual address: $(ip -n "$rtb" addr show dev ge1)"
	through a "A's LAN port back"
}

# ka_restart_a: keepalived on A again, until its VRRP process is up.
ka_restart_a()
{
	rm -f "$TMP_DIR"/keepalived-a*.pid
	ka_start a
	busywait 20000 test -s "$TMP_DIR/keepalived-a-vrrp.pid"
}

daemon_kill()
{
	RET=0
	busywait 20000 has_vip "$rta"
	failover_to b "keepalived on router A killed" ka_kill a
	# As after a crash, A still holds the addresses and answers for
	# fe80::1: the LAN host followed B's unsolicited advertisements.
	has_vip "$rta" && has_vip "$rtb"
	check_err $? "the virtual addresses are not on both routers: $(ip -n "$rta" addr show dev ge1; ip -n "$rtb" addr show dev ge1)"
	through b "keepalived on A killed, its addresses left behind on A"

	# Timed from the moment A's new VRRP process is up.
	failover_to a "keepalived on router A started again (preemption)" \
		ka_restart_a
	busywait 5000 no_vip "$rtb"
	check_err $? "router B kept a virtual address: $(ip -n "$rtb" addr show dev ge1)"
	through a "keepalived on A back"
}

wan_down()
{
	RET=0
	busywait 20000 has_vip "$rta"
	failover_to b "router A's uplink down (track_interface ge0)" \
		ip -n "$ispa" link set a0 down
	has_vip "$rtb" && no_vip "$rta"
	check_err $? "the virtual addresses are not (only) on router B: $(ip -n "$rta" addr show dev ge1; ip -n "$rtb" addr show dev ge1)"
	through b "A's uplink down"

	failover_to a "router A's uplink up again (preemption)" \
		ip -n "$ispa" link set a0 up
	busywait 5000 no_vip "$rtb"
	check_err $? "router B kept a virtual address: $(ip -n "$rtb" addr show dev ge1)"
	through a "A's uplink back"
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
