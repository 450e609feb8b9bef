#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# starlink_nd.py: Neighbor Discovery probes and checks for test_starlink.sh.
# Run it inside the namespace whose interface it uses (ip netns exec).
#
#   starlink_nd.py probe --iface IF [--wait SEC] [--peer-mac MAC]
#                        NAME:KIND:TARGET...
#       Send one crafted Neighbor Solicitation (scapy) per NAME:KIND:TARGET,
#       each followed by SEC seconds of listening, and print a JSON object
#       {NAME: [NA, ...]} with every Neighbor Advertisement for TARGET that
#       arrived on IF in that time.  KIND is one of
#         mcast     from our link-local to TARGET's solicited-node group,
#                   with a source link-layer address option (resolution)
#         unicast   to TARGET itself at --peer-mac, no option (NUD probe)
#         dad       from :: to the solicited-node group, no option (DAD)
#         hlim254   mcast, but hop limit 254
#         badcsum   mcast, but with a wrong ICMPv6 checksum
#         zeroopt   mcast, but the option has length 0
#         dadsllao  dad, but with a source link-layer address option
#   starlink_nd.py scan --iface IF --prefix PREFIX/64 [--count N] [--seed S]
#       An address scan as the upstream router sees it: N multicast
#       Neighbor Solicitations (as for "mcast" above), each for another
#       random target in PREFIX, sent as fast as the receivers keep up
#       with (a 2 ms pause every 32).  Prints a JSON
#       object {"sent": N, "seconds": T}.
#   starlink_nd.py pcap FILE
#       Print a JSON list of the Neighbor Advertisements in a pcap file
#       (tcpdump -w, Ethernet).
#
# Each NA is an object: eth_src, eth_dst, src, dst, hlim, code, router,
# solicited, override, target, tllao (MAC or null), options ([type, length
# in bytes] each) and csum_ok.  The NA is parsed here byte by byte, and the
# checksum verified with our own arithmetic, not with scapy's.

import argparse
import ipaddress
import json
import random
import select
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkt import ETH_P_IPV6, PACKET_OUTGOING, read_pcap  # noqa: E402

ND_NS, ND_NA = 135, 136
OPT_SLLAO, OPT_TLLAO = 1, 2


def mac_str(raw):
    return ':'.join('%02x' % b for b in raw)


def ones_sum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def parse_na(frame):
    """The NA in Ethernet frame FRAME as a dict, or None if it is none."""
    if len(frame) < 14 + 40 + 24:
        return None
    if struct.unpack('!H', frame[12:14])[0] != ETH_P_IPV6:
        return None
    ip6 = frame[14:]
    if ip6[0] >> 4 != 6 or ip6[6] != 58:
        return None
    plen = struct.unpack('!H', ip6[4:6])[0]
    icmp = ip6[40:40 + plen]
    if len(icmp) < 24 or icmp[0] != ND_NA:
        return None
    pseudo = ip6[8:40] + struct.pack('!IxxxB', len(icmp), 58)
    flags = icmp[4]
    opts, tllao, off = [], None, 24
    while off + 2 <= len(icmp):
        otype, olen = icmp[off], icmp[off + 1] * 8
        opts.append([otype, olen])
        if olen == 0:
            break
        if otype == OPT_TLLAO and olen >= 8:
            tllao = mac_str(icmp[off + 2:off + 8])
        off += olen
    return {
        'eth_dst': mac_str(frame[0:6]),
        'eth_src': mac_str(frame[6:12]),
        'src': str(ipaddress.IPv6Address(ip6[8:24])),
        'dst': str(ipaddress.IPv6Address(ip6[24:40])),
        'hlim': ip6[7],
        'code': icmp[1],
        'router': bool(flags & 0x80),
        'solicited': bool(flags & 0x40),
        'override': bool(flags & 0x20),
        'target': str(ipaddress.IPv6Address(icmp[8:24])),
        'tllao': tllao,
        'options': opts,
        'csum_ok': ones_sum(pseudo + icmp) == 0xffff,
    }


def read_nas(path):
    """The Neighbor Advertisements in an Ethernet pcap file."""
    out = []
    for linktype, frame, _ in read_pcap(path):
        if linktype != 1:
            raise SystemExit('%s: link type %d, not Ethernet' % (path, linktype))
        na = parse_na(frame)
        if na is not None:
            out.append(na)
    return out


def if_lladdr(iface):
    with open('/sys/class/net/%s/address' % iface) as f:
        return f.read().strip()


def if_linklocal(iface):
    with open('/proc/net/if_inet6') as f:
        for line in f:
            w = line.split()
            if w[5] == iface and w[3] == '20':
                return str(ipaddress.IPv6Address(bytes.fromhex(w[0])))
    raise SystemExit('%s has no link-local address' % iface)


def solicited_node(target):
    t = ipaddress.IPv6Address(target).packed
    return str(ipaddress.IPv6Address(
        bytes.fromhex('ff0200000000000000000001ff') + t[13:]))


def mcast_mac(group):
    return mac_str(b'\x33\x33' + ipaddress.IPv6Address(group).packed[12:])


def craft(kind, target, mymac, myll, peer_mac):
    from scapy.layers.inet6 import (IPv6, ICMPv6ND_NS,
                                    ICMPv6NDOptSrcLLAddr)
    from scapy.layers.l2 import Ether

    snm = solicited_node(target)
    src, dst, emac, hlim, opt = myll, snm, mcast_mac(snm), 255, True
    if kind == 'unicast':
        if not peer_mac:
            raise SystemExit('unicast probes need --peer-mac')
        dst, emac, opt = target, peer_mac, False
    elif kind in ('dad', 'dadsllao'):
        src, opt = '::', kind == 'dadsllao'
    elif kind == 'hlim254':
        hlim = 254
    elif kind not in ('mcast', 'badcsum', 'zeroopt'):
        raise SystemExit('unknown probe kind %s' % kind)
    pkt = (Ether(src=mymac, dst=emac) /
           IPv6(src=src, dst=dst, hlim=hlim) / ICMPv6ND_NS(tgt=target))
    if opt:
        o = ICMPv6NDOptSrcLLAddr(lladdr=mymac)
        if kind == 'zeroopt':
            o.len = 0
        pkt = pkt / o
    raw = bytearray(bytes(pkt))
    if kind == 'badcsum':
        # ICMPv6 checksum: Ethernet 14 + IPv6 40 + 2.
        raw[56] ^= 0x55
        raw[57] ^= 0xaa
        assert ones_sum(bytes(raw[22:54]) +
                        struct.pack('!IxxxB', len(raw) - 54, 58) +
                        bytes(raw[54:])) != 0xffff
    return bytes(raw)


def ns_frame(mymac, myll, target):
    """A multicast NS for TARGET with an SLLAO, built by hand: scapy
    takes milliseconds a packet under emulation, and a scan needs
    thousands."""
    snm = solicited_node(target)
    src = ipaddress.IPv6Address(myll).packed
    dst = ipaddress.IPv6Address(snm).packed
    mac = bytes(int(x, 16) for x in mymac.split(':'))
    icmp = bytearray(struct.pack('!BBHI', ND_NS, 0, 0, 0) +
                     ipaddress.IPv6Address(target).packed +
                     struct.pack('!BB', OPT_SLLAO, 1) + mac)
    csum = ones_sum(src + dst + struct.pack('!IxxxB', len(icmp), 58) +
                    bytes(icmp))
    struct.pack_into('!H', icmp, 2, ~csum & 0xffff)
    ip6 = struct.pack('!IHBB', 6 << 28, len(icmp), 58, 255) + src + dst
    eth = (bytes(int(x, 16) for x in mcast_mac(snm).split(':')) + mac +
           struct.pack('!H', ETH_P_IPV6))
    return eth + ip6 + bytes(icmp)


def scan(args):
    net = ipaddress.IPv6Network(args.prefix)
    mymac = if_lladdr(args.iface)
    myll = if_linklocal(args.iface)
    rnd = random.Random(args.seed)
    iids = set()
    while len(iids) < args.count:
        iids.add(rnd.getrandbits(64) | 0x1000)
    base = int(net.network_address)
    frames = [ns_frame(mymac, myll, str(ipaddress.IPv6Address(base | i)))
              for i in sorted(iids)]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_IPV6))
    s.bind((args.iface, ETH_P_IPV6))
    start = time.monotonic()
    sent = 0
    for i, f in enumerate(frames):
        s.send(f)
        sent += 1
        # A breath now and then, so that ksoftirqd, if the receive work
        # went there, drains the backlog before it overflows (1000).
        if i % 32 == 31:
            time.sleep(0.002)
    secs = time.monotonic() - start
    s.close()
    print(json.dumps({'sent': sent, 'seconds': round(secs, 3)}))
    return 0


def probe(args):
    mymac = if_lladdr(args.iface)
    myll = if_linklocal(args.iface)
    frames = []
    for spec in args.probes:
        try:
            name, kind, target = spec.split(':', 2)
            target = str(ipaddress.IPv6Address(target))
        except ValueError:
            raise SystemExit('bad probe %r: want NAME:KIND:TARGET' % spec)
        frames.append((name, target,
                       craft(kind, target, mymac, myll, args.peer_mac)))

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_IPV6))
    s.bind((args.iface, ETH_P_IPV6))
    result = {}
    for name, target, raw in frames:
        # Whatever came before belongs to nobody.
        s.setblocking(False)
        try:
            while True:
                s.recv(65536)
        except BlockingIOError:
            pass
        result[name] = []
        s.send(raw)
        deadline = time.monotonic() + args.wait
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            if not select.select([s], [], [], left)[0]:
                continue
            frame, addr = s.recvfrom(65536)
            if addr[2] == PACKET_OUTGOING:
                continue
            na = parse_na(frame)
            if na is not None and na['target'] == target:
                result[name].append(na)
    s.close()
    print(json.dumps(result))
    return 0


def main():
    ap = argparse.ArgumentParser(
        description='Neighbor Discovery probes and checks for '
                    'test_starlink.sh')
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('probe')
    p.add_argument('--iface', required=True)
    p.add_argument('--wait', type=float, default=1.5)
    p.add_argument('--peer-mac')
    p.add_argument('probes', nargs='+', metavar='NAME:KIND:TARGET')
    c = sub.add_parser('pcap')
    c.add_argument('file')
    s = sub.add_parser('scan')
    s.add_argument('--iface', required=True)
    s.add_argument('--prefix', required=True)
    s.add_argument('--count', type=int, default=10000)
    s.add_argument('--seed', type=int, default=6296)
    args = ap.parse_args()
    if args.cmd == 'probe':
        return probe(args)
    if args.cmd == 'scan':
        return scan(args)
    print(json.dumps(read_nas(args.file)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
