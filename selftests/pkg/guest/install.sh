#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# First boot of the package test: what the README's install section tells
# an operator to do, on a fresh Debian 12 router, and nothing else.
#
#   apt install ./npt6-dkms_*.deb ./nptctl_*.deb
#   edit /etc/npt6/npt6.conf and /etc/network/interfaces
#   enable forwarding, and reboot
#
# TEST lines go to the serial console, which the host reads.

here=$(dirname "$0")
. "$here/lib.sh"

echo "# ==== pkg: first boot, $(uname -r) ===="
cd "$here/debs" || exit 1
check "apt install ./npt6-dkms_*.deb ./nptctl_*.deb" \
	env DEBIAN_FRONTEND=noninteractive apt-get install -y ./npt6-dkms_*.deb ./nptctl_*.deb
cd /
dkms status npt6
check "dkms built and installed npt6 for the running kernel" \
	sh -c "dkms status -m npt6 -k '$(uname -r)' | grep -q ': installed'"
check "npt6.service is enabled by the package" \
	sh -c '[ "$(systemctl is-enabled npt6.service)" = enabled ]'
check "/etc/npt6/npt6.conf is the package's conffile" \
	sh -c 'dpkg-query --showformat="\${Conffiles}" -W nptctl | grep -q /etc/npt6/npt6.conf'

# The operator's configuration.
install -m 0644 "$here/npt6.conf" /etc/npt6/npt6.conf
install -m 0644 "$here/interfaces" /etc/network/interfaces
printf 'net.ipv6.conf.all.forwarding = 1\nnet.ipv4.ip_forward = 1\n' \
	>/etc/sysctl.d/90-router.conf

rm -f "$here/first-boot"
echo "# first boot done, status $status: rebooting"
sync
if [ "$status" = 0 ]; then
	systemctl reboot
else
	systemctl poweroff
fi
