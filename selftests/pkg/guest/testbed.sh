#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The world around the router in the package test, made at every boot
# before networking.service, as cables and upstream boxes would be there
# before the router boots.  Each neighbour is a network namespace joined to
# the router by a veth pair whose router end has the name the router's
# /etc/network/interfaces uses:
#
#   ge0          <-> isp0 in "isp": the ISP router, 2001:db8:1::1, sending
#                    Router Advertisements for 2001:db8:1::/64, and routing
#                    2001:db8:1:1::/64 as on-link too
#   ens224(.1000) <-> t0(.1000) in "transix": the AFTR 2404:8e00::feed:140
#                    with Linux's own ip6tnl in ipip6 mode to the router's
#                    ::feed address, and IPv4 192.0.2.1 behind it
#   lan0         <-> eth0 in "lan": a host with fd00::100 and fd00:1::100
#
# None of it is npt6 or its configuration; that is all the router's own.

set -eu

here=$(dirname "$0")

for ns in isp transix lan; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0
done

ip link add ge0 type veth peer name isp0 netns isp
ip link add ens224 type veth peer name t0 netns transix
ip link add lan0 type veth peer name eth0 netns lan
for dev in ge0 ens224 lan0; do
	ip link set "$dev" up
done

# The ISP.
ip netns exec isp sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n isp link set isp0 up
ip -n isp addr add 2001:db8:1::1/64 dev isp0 nodad
ip -n isp route add 2001:db8:1:1::/64 dev isp0
ip netns exec isp radvd -C "$here/radvd-isp.conf" -p /run/radvd-isp.pid \
	-m logfile -l /run/radvd-isp.log

# transix: VLAN 1000, the AFTR, and its end of the tunnel.
ip netns exec transix sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n transix link set t0 up
ip -n transix link add link t0 name t0.1000 type vlan id 1000
ip -n transix link set t0.1000 up
ip -n transix addr add 2404:8e00::feed:140/64 dev t0.1000 nodad
ip -n transix -6 tunnel add aftr mode ipip6 local 2404:8e00::feed:140 \
	remote 2404:8e00::feed dev t0.1000
ip -n transix link set aftr up
ip -n transix addr add 192.0.2.1/32 dev aftr
ip -n transix route add 198.51.100.10/32 dev aftr
ip netns exec transix radvd -C "$here/radvd-transix.conf" \
	-p /run/radvd-transix.pid -m logfile -l /run/radvd-transix.log

# The LAN host.
ip -n lan link set eth0 up
ip -n lan addr add fd00::100/64 dev eth0 nodad
ip -n lan addr add fd00:1::100/64 dev eth0 nodad
ip -n lan route add default via fd00::1
