#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# nl_req.py: single netlink requests that nptctl cannot, or will not, send,
# so that a test proves what the kernel itself accepts and refuses.
#
#   nl_req.py genl CMD RESERVED [dump]
#       one npt6 generic netlink request (CMD: get or flush) whose
#       genlmsghdr.reserved is RESERVED
#   nl_req.py tnl-add NAME [link IFINDEX] [remote ADDR] [local ADDR]
#                          [local-auto] [token IID]
#       RTM_NEWLINK of kind npt6tnl with exactly these attributes
#
# Prints what the kernel answered, as nptctl would: nothing on success,
# "Error: <extack message>" or "Error: <errno name>" on failure, and the
# errno name on a second line (e.g. EINVAL).  Exit status 0 when the
# request was acked with 0, 1 otherwise.

import errno
import ipaddress
import os
import socket
import struct
import sys

from nl_fuzz import (IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND,
                     IFLA_LINKINFO, IFLA_NPT6TNL_LINK, IFLA_NPT6TNL_LOCAL,
                     IFLA_NPT6TNL_REMOTE, NLA_F_NESTED, NLM_F_ACK,
                     NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST,
                     NPT6_CMD_MAP_FLUSH, NPT6_CMD_MAP_GET, RTM_NEWLINK, Sock,
                     attr, family_id, nlmsg, NETLINK_GENERIC, NETLINK_ROUTE)

IFLA_NPT6TNL_LOCAL_AUTO = 4
IFLA_NPT6TNL_TOKEN = 5


def report(err, msg):
    if err:
        print('Error: %s' % (msg or os.strerror(err)))
        print(errno.errorcode.get(err, str(err)))
    return 1 if err else 0


def genl(argv):
    cmd = {'get': NPT6_CMD_MAP_GET, 'flush': NPT6_CMD_MAP_FLUSH}[argv[0]]
    reserved = int(argv[1], 0)
    flags = NLM_F_REQUEST | NLM_F_ACK
    if argv[2:] == ['dump']:
        flags |= NLM_F_DUMP
    sock = Sock(NETLINK_GENERIC)
    fam = family_id(sock)
    sock.seq += 1
    sock.s.send(nlmsg(fam, flags, sock.seq,
                      struct.pack('=BBH', cmd, 1, reserved)))
    return report(*sock.ack())


def tnl_add(argv):
    name, args = argv[0], argv[1:]
    data = []
    while args:
        key = args.pop(0)
        if key == 'local-auto':
            data.append(attr(IFLA_NPT6TNL_LOCAL_AUTO, b''))
        elif key == 'link':
            data.append(attr(IFLA_NPT6TNL_LINK,
                             struct.pack('=I', int(args.pop(0)))))
        else:
            typ = {'remote': IFLA_NPT6TNL_REMOTE, 'local': IFLA_NPT6TNL_LOCAL,
                   'token': IFLA_NPT6TNL_TOKEN}[key]
            data.append(attr(typ, ipaddress.IPv6Address(args.pop(0)).packed))
    linkinfo = attr(IFLA_INFO_KIND, b'npt6tnl\0') + \
        attr(IFLA_INFO_DATA | NLA_F_NESTED, b''.join(data))
    body = struct.pack('=BxHiII', socket.AF_UNSPEC, 0, 0, 0, 0) + \
        attr(IFLA_IFNAME, name.encode() + b'\0') + \
        attr(IFLA_LINKINFO | NLA_F_NESTED, linkinfo)
    sock = Sock(NETLINK_ROUTE)
    sock.seq += 1
    sock.s.send(nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE |
                      NLM_F_EXCL, sock.seq, body))
    return report(*sock.ack())


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ('genl', 'tnl-add'):
        print('usage: nl_req.py genl CMD RESERVED [dump] | tnl-add NAME ...',
              file=sys.stderr)
        return 2
    if sys.argv[1] == 'genl':
        return genl(sys.argv[2:])
    return tnl_add(sys.argv[2:])


if __name__ == '__main__':
    sys.exit(main())
