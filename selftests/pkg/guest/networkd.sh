# SPDX-License-Identifier: GPL-2.0
#
# Sourced by check.sh: DHCPv6-PD with systemd-networkd (issue 19), on the
# installed packages.  An ISP in namespace ispd runs kea-dhcp6-server with
# 2001:db8:c000::/48 delegated as /56s; networkd asks for an address and a
# prefix on nwan0 and, with DHCPPrefixDelegation=, puts subnet 0 of the
# prefix on the dummy nlan0 and installs "unreachable <the /56> proto
# dhcp".  npt6 follows both: the address on nlan0 (auto from) and the
# route (auto pd).  A LAN host in namespace lan9 then pings the ISP; the
# source the ISP saw goes to the host on an OBSERVED line, which it checks
# against npt.py.

nd=/run/npt6-test

# Has nlan0 an address in 2001:db8:c000::/64 (EUI-64, networkd's default)?
nlan0_has_pd()
{
	ip -6 -o addr show dev nlan0 scope global |
		grep -Eq ' inet6 2001:db8:c000:(0:|:)[0-9a-f:]*/64 '
}

mkdir -p "$nd" /run/systemd/network
ip netns add ispd
ip netns add lan9
ip link add nwan0 type veth peer name isp0 netns ispd
ip link add nl9 type veth peer name eth0 netns lan9
ip link add nlan0 type dummy
ip netns exec ispd sh -c 'sysctl -qw net.ipv6.conf.default.accept_dad=0 &&
	ip link set lo up && ip link set isp0 up &&
	ip -6 addr add 2001:db8:fe::1/64 dev isp0 nodad'
ip netns exec lan9 sh -c 'ip link set lo up && ip link set eth0 up &&
	ip -6 addr add fd00:9::100/64 dev eth0 nodad &&
	ip -6 route add default via fd00:9::1'
ip link set nl9 up
ip -6 addr add fd00:9::1/64 dev nl9 nodad
cat >"$nd/kea.conf" <<KEA
{ "Dhcp6": {
  "interfaces-config": { "interfaces": [ "isp0" ] },
  "lease-database": { "type": "memfile", "persist": false },
  "server-id": { "type": "LLT", "persist": false },
  "preferred-lifetime": 300, "valid-lifetime": 600,
  "subnet6": [ { "subnet": "2001:db8:fe::/64", "interface": "isp0",
    "pools": [ { "pool": "2001:db8:fe::100-2001:db8:fe::1ff" } ],
    "pd-pools": [ { "prefix": "2001:db8:c000::", "prefix-len": 48,
                    "delegated-len": 56 } ] } ]
} }
KEA
# kea opens no socket on a link without carrier: both ends up first.
ip link set nwan0 up
wait_for 10 sh -c 'ip netns exec ispd ip -6 addr show dev isp0 scope link |
	grep -v tentative | grep -q inet6'
KEA_LOCKFILE_DIR=$nd KEA_PIDFILE_DIR=$nd \
	ip netns exec ispd kea-dhcp6 -c "$nd/kea.conf" >"$nd/kea.log" 2>&1 &
kea=$!
wait_for 10 sh -c "ip netns exec ispd ss -uln | grep -q ':547 '" ||
	tail -n 5 "$nd/kea.log"
cat >/run/systemd/network/50-nwan0.network <<NET
[Match]
Name=nwan0

[Network]
DHCP=ipv6
IPv6AcceptRA=no

[DHCPv6]
WithoutRA=solicit
NET
cat >/run/systemd/network/50-nlan0.network <<NET
[Match]
Name=nlan0

[Network]
DHCPPrefixDelegation=yes
IPv6AcceptRA=no

[DHCPPrefixDelegation]
UplinkInterface=nwan0
SubnetId=0
Announce=no
NET
sleep 2
systemctl restart systemd-networkd
check "networkd: DHCPPrefixDelegation= puts 2001:db8:c000::/64 on nlan0" \
	wait_for 60 nlan0_has_pd
ip -6 route show type unreachable
ip -6 -o addr show dev nlan0 scope global
if ! nlan0_has_pd; then
	networkctl --no-pager status nwan0 nlan0 | head -n 30
	journalctl -u systemd-networkd --no-pager | tail -n 20
	tail -n 10 "$nd/kea.log"
fi
check "networkd: and installs unreachable 2001:db8:c000::/56 proto dhcp" \
	sh -c 'ip -6 route show type unreachable | grep -q "^unreachable 2001:db8:c000::/56 .*proto dhcp"'

nptctl add fd00:9::/64 auto from nlan0 dev nwan0
nptctl add fd00:a::/64 auto pd subnet 3 dev nwan0
nptctl show dev nwan0
check "networkd: auto from nlan0 takes its 2001:db8:c000::/64" \
	wait_for 10 sh -c 'nptctl show dev nwan0 | grep -q "^fd00:9::/64 -> 2001:db8:c000::/64 dev nwan0 auto from nlan0"'
check "networkd: auto pd subnet 3 takes 2001:db8:c000:3::/64 of the /56" \
	wait_for 10 sh -c 'nptctl show dev nwan0 | grep -q "^fd00:a::/64 -> 2001:db8:c000:3::/64 dev nwan0 auto pd subnet 3 (in 2001:db8:c000::/56)"'

# The LAN host reaches the ISP through auto from; the ISP routes the pool
# back to the address networkd got for nwan0.
wan=$(ip -6 -o addr show dev nwan0 scope global | sed -n 's/.* inet6 \([0-9a-f:]*\)\/.*/\1/p' | head -n 1)
ip -6 route add 2001:db8:fe::/64 dev nwan0
ip netns exec ispd ip -6 route add 2001:db8:c000::/48 via "$wan" dev isp0
out=$(capture ispd "icmp6 and ip6[40] == 128" isp0 -- \
	ip netns exec lan9 ping -6 -c 3 -W 5 2001:db8:fe::1)
check "networkd: LAN host fd00:9::100 pings the ISP through auto from nlan0" \
	ip netns exec lan9 ping -6 -c 2 -W 5 2001:db8:fe::1
echo "OBSERVED snpt fd00:9::/64 2001:db8:c000::/64 fd00:9::100 ${out%% *}"

nptctl flush dev nwan0
rm -f /run/systemd/network/50-nwan0.network /run/systemd/network/50-nlan0.network
systemctl restart systemd-networkd
kill "$kea" 2>/dev/null
ip link del nwan0
ip link del nl9
ip link del nlan0
ip netns del ispd
ip netns del lan9
