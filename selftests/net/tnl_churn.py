#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# tnl_churn.py NAME REMOTE OPS CHURN_ADDR...: for test_tunnel.sh's
# change_remote.  Adds and deletes blackhole host routes CHURN_ADDR (each
# inside the prefix that routes one of the tunnel's remotes, so that every
# add and delete invalidates the tunnel's cached route: transmits on every
# CPU keep looking the route up again) OPS times, then, with no pause,
# points npt6 tunnel NAME at REMOTE (RTM_NEWLINK with IFLA_NPT6TNL_REMOTE
# alone, as "nptctl tunnel change NAME remote REMOTE" sends).  A transmit
# whose lookup of the old remote's route is still under way at that moment
# is the race of issue 16 item 5.  Leaves no churn route behind.
#
# Prints "Error: ..." and exits 1 if the kernel refuses a request.

import ipaddress
import socket
import struct
import sys

from nl_fuzz import (IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND,
                     IFLA_LINKINFO, IFLA_NPT6TNL_REMOTE, NLA_F_NESTED,
                     NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST,
                     RTM_NEWLINK, Sock, attr, nlmsg, NETLINK_ROUTE)

RTM_NEWROUTE = 24
RTM_DELROUTE = 25
RTA_DST = 1
RT_TABLE_MAIN = 254
RTPROT_STATIC = 4
RTN_BLACKHOLE = 6


def request(sock, kind, flags, body):
    sock.seq += 1
    sock.s.send(nlmsg(kind, NLM_F_REQUEST | NLM_F_ACK | flags, sock.seq,
                      body))
    err, msg = sock.ack()
    if err:
        print('Error: %s' % (msg or socket.errno.errorcode.get(err, err)))
        sys.exit(1)


def route(addr):
    return struct.pack('=BBBBBBBBI', socket.AF_INET6, 128, 0, 0,
                       RT_TABLE_MAIN, RTPROT_STATIC, 0, RTN_BLACKHOLE, 0) + \
        attr(RTA_DST, ipaddress.IPv6Address(addr).packed)


def main(argv):
    if len(argv) < 4:
        print('usage: tnl_churn.py NAME REMOTE OPS CHURN_ADDR...',
              file=sys.stderr)
        return 2
    name, remote, ops, churn = argv[0], argv[1], int(argv[2]), argv[3:]
    sock = Sock(NETLINK_ROUTE)
    for _ in range(ops):
        for a in churn:
            request(sock, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, route(a))
        for a in churn:
            request(sock, RTM_DELROUTE, 0, route(a))
    linkinfo = attr(IFLA_INFO_KIND, b'npt6tnl\0') + \
        attr(IFLA_INFO_DATA | NLA_F_NESTED,
             attr(IFLA_NPT6TNL_REMOTE,
                  ipaddress.IPv6Address(remote).packed))
    body = struct.pack('=BxHiII', socket.AF_UNSPEC, 0, 0, 0, 0) + \
        attr(IFLA_IFNAME, name.encode() + b'\0') + \
        attr(IFLA_LINKINFO | NLA_F_NESTED, linkinfo)
    request(sock, RTM_NEWLINK, 0, body)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
