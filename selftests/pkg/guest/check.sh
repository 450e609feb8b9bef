#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Second boot of the package test: nobody has typed anything since the
# reboot.  npt6 must have been loaded, configured from /etc/npt6/npt6.conf
# and from the interfaces stanzas, and be translating and tunnelling.
# Then reload, ifdown and ifup must do what an operator expects.
#
# TEST lines go to the serial console.  Lines starting "OBSERVED" carry
# addresses seen on the wire, which the host checks against its own model
# of RFC 6296 (selftests/net/npt.py), so nothing here trusts npt6's
# arithmetic.

here=$(dirname "$0")
. "$here/lib.sh"
conf=/etc/npt6/npt6.conf

# wait_for SECONDS CMD...: until CMD succeeds.
wait_for()
{
	n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 1
		n=$((n - 1))
	done
	return 1
}

# capture NS FILTER IFACE -- CMD...: run CMD while tcpdump listens in NS,
# and print the first matching packet's "SRC > DST" addresses.
capture()
{
	ns=$1 filter=$2 dev=$3
	shift 4
	rm -f /tmp/cap.txt
	ip netns exec "$ns" timeout 30 tcpdump -l -n -c 1 -i "$dev" "$filter" \
		>/tmp/cap.txt 2>/dev/null &
	pid=$!
	sleep 2
	"$@" >/dev/null 2>&1
	rc=$?
	wait "$pid"
	sed -n 's/^[0-9:.]* IP6 \([0-9a-f:]*\) > \([0-9a-f:]*\):.*/\1 \2/p' /tmp/cap.txt
	return $rc
}

mappings()
{
	nptctl show | sort
}

echo "# ==== pkg: second boot, $(uname -r), nothing typed ===="
systemctl --no-pager status npt6.service | head -n 5
nptctl show
nptctl tunnel show

check "npt6 was loaded with no modprobe typed" \
	grep -q '^npt6 ' /proc/modules
check "the loaded npt6 is DKMS's, for this kernel" \
	sh -c "modinfo -F filename npt6 | grep -q '^/lib/modules/$(uname -r)/updates/dkms/npt6.ko'"
check "npt6.service applied /etc/npt6/npt6.conf at boot" \
	sh -c '[ "$(systemctl is-active npt6.service)" = active ]'
check "npt6.conf's mapping is in place" \
	sh -c 'nptctl show | grep -q "^fd00:1::/64 -> 2001:db8:1:1::/64 dev ge0 ndproxy all"'
check "ge0 got its /64 from the ISP by SLAAC" \
	wait_for 60 sh -c '[ -n "$(ip -6 -o addr show dev ge0 scope global)" ]'
check "the npt6-map stanza's auto mapping took ge0's prefix" \
	wait_for 30 sh -c 'nptctl show | grep -q "^fd00::/64 -> 2001:db8:1::/64 dev ge0 auto .*ndproxy auto"'

# SNPT out, DNPT back, and the NDP proxy in between: a LAN host pings the
# ISP router, which has to find the translated address on its link first.
out=$(capture isp "icmp6 and ip6[40] == 128" isp0 -- \
	ip netns exec lan ping -6 -c 3 -W 5 -I fd00::100 2001:db8:1::1)
check "LAN host fd00::100 pings the ISP through the auto mapping" \
	ip netns exec lan ping -6 -c 2 -W 5 -I fd00::100 2001:db8:1::1
echo "OBSERVED snpt fd00::/64 2001:db8:1::/64 fd00::100 ${out%% *}"
out=$(capture isp "icmp6 and ip6[40] == 128" isp0 -- \
	ip netns exec lan ping -6 -c 3 -W 5 -I fd00:1::100 2001:db8:1::1)
check "LAN host fd00:1::100 pings the ISP through npt6.conf's mapping" \
	ip netns exec lan ping -6 -c 2 -W 5 -I fd00:1::100 2001:db8:1::1
echo "OBSERVED snpt fd00:1::/64 2001:db8:1:1::/64 fd00:1::100 ${out%% *}"

# The transix tunnel: made by the npt6-tunnel stanza over VLAN 1000, from
# the ::feed address that its token asked SLAAC for.
check "the npt6-tunnel stanza made transix0 as an npt6 tunnel" \
	sh -c 'ip -d link show transix0 | grep -q npt6tnl'
check "ens224.1000 has the ::feed address from the stanza's token" \
	wait_for 60 sh -c 'ip -6 -o addr show dev ens224.1000 | grep -q "2404:8e00::feed/64"'
out=$(capture transix "ip6 and ip6[6] == 4" t0.1000 -- \
	ping -4 -c 3 -W 5 192.0.2.1)
check "the router pings 192.0.2.1 over the transix tunnel" \
	ping -4 -c 2 -W 5 192.0.2.1
check "the AFTR saw IPv4 in IPv6 from 2404:8e00::feed" \
	[ "$out" = "2404:8e00::feed 2404:8e00::feed:140" ]

# systemctl reload: the edited file is applied, and only the edit.
before=$(mappings)
echo "add fd00:2::/64 2001:db8:1:2::/64 dev ge0" >>"$conf"
check "systemctl reload npt6 applies a line added to npt6.conf" \
	sh -c 'systemctl reload npt6 &&
	       nptctl show | grep -q "^fd00:2::/64 -> 2001:db8:1:2::/64 dev ge0"'
nptctl monitor >/tmp/monitor.txt 2>&1 &
mon=$!
sleep 1
systemctl reload npt6
sleep 1
kill "$mon"
check "a second reload of the same file changes nothing" \
	[ ! -s /tmp/monitor.txt ]
cp "$conf" /tmp/npt6.conf.good
echo "add fd00:3::/64 2001:db8:1:3::/64 dev nosuchdev" >>"$conf"
mid=$(mappings)
check "a reload with a bad line fails" \
	sh -c '! systemctl reload npt6'
check "and leaves every mapping as it was" \
	[ "$(mappings)" = "$mid" ]
journalctl -u npt6 --no-pager | tail -n 3
check "and the journal names the file and line" \
	sh -c "journalctl -u npt6 --no-pager | grep -q 'npt6.conf:$(wc -l <"$conf")'"
cp /tmp/npt6.conf.good "$conf"
sed -i '/^add fd00:2::/d' "$conf"
systemctl reload npt6
check "a removed line's mapping stays until deleted (nptctl(8), BATCH)" \
	sh -c 'nptctl show | grep -q "^fd00:2::/64 "'
nptctl del fd00:2::/64 dev ge0
systemctl reload npt6
check "then a reload leaves exactly what was there before the edit" \
	[ "$(mappings)" = "$before" ]

# ifdown and ifup.
ifdown ge0
check "ifdown ge0 deletes the stanza's mapping, keeps npt6.conf's" \
	sh -c '! nptctl show | grep -q "^fd00::/64 " &&
	       nptctl show | grep -q "^fd00:1::/64 "'
ifup ge0
check "ifup ge0 makes it again" \
	wait_for 30 sh -c 'nptctl show | grep -q "^fd00::/64 -> 2001:db8:1::/64"'
ifdown transix0
ifdown ens224.1000
check "ifdown ens224.1000 deletes the tunnel" \
	[ ! -e /sys/class/net/transix0 ]
ifup ens224.1000
ifup transix0
check "ifup ens224.1000 and transix0: IPv4 over transix again" \
	wait_for 30 ping -4 -c 1 -W 2 192.0.2.1

# DHCPv6-PD with systemd-networkd.
. "$here/networkd.sh"

dmesg | grep -E 'BUG|WARNING|Oops|npt6' | head -n 20
echo "# second boot done"
systemctl poweroff
