#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# ns_flood.py DEV SRC_MAC SRC_ADDR TARGET [MAX_SECONDS]
#
# Send one Neighbor Solicitation for TARGET out of DEV, over and over,
# until killed (or after MAX_SECONDS of guest time, default 60, so a
# forgotten sender cannot run away).  pktgen cannot make ICMPv6, so the
# NDP proxy benchmark drives its solicitations from here: the frame is
# built once (multicast to TARGET's solicited-node group, hop limit 255,
# a source link-layer address option, a correct checksum), and the loop
# only calls send() on an AF_PACKET socket that bypasses the qdisc.  The
# loop costs the same for every proxy under test, and the benchmark's
# "no proxy" case measures it.
#
# Prints "ready" on stdout once the socket is bound, so the caller can
# open its measurement window only when solicitations flow.

import ipaddress
import socket
import struct
import sys
import time

ETH_P_IPV6 = 0x86dd
SOL_PACKET = 263
PACKET_QDISC_BYPASS = 20


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def solicitation(src_mac, src, target):
    snm = ipaddress.IPv6Address(b'\xff\x02' + b'\0' * 9 + b'\x01\xff' +
                                target.packed[13:])
    dst_mac = b'\x33\x33' + snm.packed[12:]
    # type 135, code 0, checksum, reserved, target, SLLAO (type 1, 8 bytes)
    body = struct.pack('!BBHI', 135, 0, 0, 0) + target.packed + \
        struct.pack('!BB', 1, 1) + src_mac
    pseudo = src.packed + snm.packed + struct.pack('!I3xB', len(body), 58)
    body = body[:2] + struct.pack('!H', checksum(pseudo + body)) + body[4:]
    ip6 = struct.pack('!IHBB', 6 << 28, len(body), 58, 255) + src.packed + snm.packed
    return dst_mac + src_mac + struct.pack('!H', ETH_P_IPV6) + ip6 + body


def main():
    if len(sys.argv) not in (5, 6):
        print('usage: ns_flood.py DEV SRC_MAC SRC_ADDR TARGET [MAX_SECONDS]',
              file=sys.stderr)
        return 1
    dev = sys.argv[1]
    src_mac = bytes.fromhex(sys.argv[2].replace(':', ''))
    src = ipaddress.IPv6Address(sys.argv[3])
    target = ipaddress.IPv6Address(sys.argv[4])
    limit = float(sys.argv[5]) if len(sys.argv) == 6 else 60.0

    frame = solicitation(src_mac, src, target)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((dev, 0))
    sock.setsockopt(SOL_PACKET, PACKET_QDISC_BYPASS, 1)
    print('ready', flush=True)

    send = sock.send
    end = time.monotonic() + limit
    batch = range(256)
    while time.monotonic() < end:
        for _ in batch:
            try:
                send(frame)
            except OSError:
                pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
