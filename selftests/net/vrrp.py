#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# vrrp.py: helpers for test_vrrp.sh.
#
#   serve PORT  a TCP server on [::]:PORT (IPv4 too) that writes each
#               client's address, as it sees it, and closes: the far end's
#               view of which router a new connection left through
#   syns NAME=PCAP...
#               one JSON object per TCP SYN (not SYN-ACK) in each PCAP:
#               where (NAME), family, source, destination, port and MSS,
#               and for IPv4 inside IPv6 (ipip6) the outer source,
#               destination and header length
#
# pcap parsing uses pkt.py's reader and is written out here, independently
# of scapy and of the module, so that the checks are about the bytes on
# the wire.

import ipaddress
import json
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkt import read_pcap  # noqa: E402

IPPROTO_IPIP, IPPROTO_TCP = 4, 6


def serve(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(('::', port))
    s.listen(64)
    while True:
        c, peer = s.accept()
        a = ipaddress.ip_address(peer[0].split('%')[0])
        if a.ipv4_mapped:
            a = a.ipv4_mapped
        try:
            c.sendall(('%s\n' % a).encode())
        except OSError:
            pass
        c.close()


def tcp_syn(b, out):
    """Fill OUT from TCP header B if it is a SYN without ACK."""
    if len(b) < 20:
        return False
    sport, dport = struct.unpack('!HH', b[:4])
    flags = b[13]
    if flags & 0x12 != 0x02:
        return False
    out['sport'], out['dport'] = sport, dport
    opts = b[20:(b[12] >> 4) * 4]
    i = 0
    while i < len(opts) and opts[i] != 0:
        if opts[i] == 1:
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2:
            break
        if opts[i] == 2 and opts[i + 1] == 4 and i + 4 <= len(opts):
            out['mss'] = struct.unpack('!H', opts[i + 2:i + 4])[0]
        i += opts[i + 1]
    return True


def ip4_syn(b, out):
    if len(b) < 20 or b[0] >> 4 != 4 or b[9] != IPPROTO_TCP:
        return False
    if struct.unpack('!H', b[6:8])[0] & 0x1fff:
        return False
    out['v'] = 4
    out['src'] = socket.inet_ntop(socket.AF_INET, b[12:16])
    out['dst'] = socket.inet_ntop(socket.AF_INET, b[16:20])
    return tcp_syn(b[(b[0] & 0xf) * 4:], out)


def ip6_syn(b, out):
    if len(b) < 40 or b[0] >> 4 != 6:
        return False
    src = str(ipaddress.IPv6Address(b[8:24]))
    dst = str(ipaddress.IPv6Address(b[24:40]))
    # npt6tnl and ip6tnl here send no extension headers: the upper
    # layer follows the fixed header or it is not ours.
    if b[6] == IPPROTO_IPIP:
        out['outer'] = {'src': src, 'dst': dst, 'hlen': 40}
        return ip4_syn(b[40:], out)
    if b[6] != IPPROTO_TCP:
        return False
    out['v'] = 6
    out['src'], out['dst'] = src, dst
    return tcp_syn(b[40:], out)


def syns(name, path):
    for linktype, frame, _ in read_pcap(path):
        if linktype != 1 or len(frame) < 14:
            continue
        et = struct.unpack('!H', frame[12:14])[0]
        out = {'at': name}
        if ((et == 0x86dd and ip6_syn(frame[14:], out)) or
                (et == 0x0800 and ip4_syn(frame[14:], out))):
            print(json.dumps(out, sort_keys=True))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == 'serve':
        return serve(int(sys.argv[2]))
    if len(sys.argv) >= 3 and sys.argv[1] == 'syns':
        for arg in sys.argv[2:]:
            syns(*arg.split('=', 1))
        return 0
    sys.stderr.write('usage: vrrp.py serve PORT | syns NAME=PCAP...\n')
    return 2


if __name__ == '__main__':
    sys.exit(main())
