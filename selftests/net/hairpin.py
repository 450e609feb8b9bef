#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# hairpin.py: packet checks for test_hairpin.sh.  Two LAN hosts talk by
# their external addresses through the router; every packet is captured
# as its sender put it on the wire and as its receiver got it, and the
# second must be the first translated by the RFC 6296 model in npt.py
# (destination external -> internal, source internal -> external with a
# mapping of the destination's external device), byte for byte.
#
#   udp   datagrams A -> B's external address, B's echo back to the
#         source it saw; both legs checked byte for byte
#   tcp   a TCP exchange by external address with real sockets, checking
#         the peer address each end sees
#
# A mapping is given as INT/LEN=EXT/LEN; several may be given, one for each
# mapping of the external device.  The test turns transmit checksum
# offload off on the hosts, so the L4 checksums on the wire are final and
# are checked too.

import argparse
import ipaddress
import os
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import npt  # noqa: E402
from pkt import (ETH_P_IPV6, NH_UDP, b2a, hexdiff,  # noqa: E402
                 l4_csum_ok, locate_l4, netns, packet_socket)


class Maps:
    """The mappings of one external device, from the command line."""

    def __init__(self, texts):
        self.snpt = []
        for t in texts:
            i, e = t.split('=')
            self.snpt.append(npt.Mapping.parse(i, e))

    def hairpin(self, pkt):
        """What the model says a hairpinned PKT looks like after one hop,
        or None if it is not one (destination in no external prefix)."""
        p = bytearray(pkt)
        src, dst = bytes(p[8:24]), bytes(p[24:40])
        dnpt = [m.inverse() for m in self.snpt if m.inverse().contains(dst)]
        if not dnpt:
            return None
        p[7] -= 1
        p[24:40] = dnpt[0].map(dst)
        for m in self.snpt:
            if m.contains(src):
                p[8:24] = m.map(src)
        return bytes(p)


def frames(sock):
    """IPv6 packets (trimmed to their length) in the frames SOCK holds,
    both the host's own and those it received."""
    out = []
    while True:
        try:
            frame, _ = sock.recvfrom(65535)
        except BlockingIOError:
            return out
        if struct.unpack('!H', frame[12:14])[0] != ETH_P_IPV6:
            continue
        ip6 = frame[14:]
        out.append(ip6[:40 + struct.unpack('!H', ip6[4:6])[0]])
    return out


def udp_of(pkts, port):
    """The UDP packets among PKTS to or from PORT."""
    res = []
    for p in pkts:
        proto, off, _, _ = locate_l4(p)
        if proto != NH_UDP:
            continue
        sp, dp = struct.unpack('!HH', p[off:off + 4])
        if port in (sp, dp):
            res.append(p)
    return res


def check_leg(name, maps, sent, got):
    """Compare each packet in GOT with the model's translation of the
    packet in SENT with the same payload.  Returns a list of failures."""
    fails = []
    if len(sent) != len(got):
        fails.append('%s: %d packets sent, %d arrived' %
                     (name, len(sent), len(got)))
    by_payload = {}
    for p in sent:
        by_payload[p[48:]] = p
    for p in got:
        s = by_payload.get(p[48:])
        if s is None:
            fails.append('%s: a packet arrived that nobody sent: %s' %
                         (name, p.hex()))
            continue
        want = maps.hairpin(s)
        if want is None:
            fails.append('%s: sent to %s, which is no external address' %
                         (name, b2a(s[24:40])))
            continue
        if p != want:
            fails.append('%s: %s -> %s arrived as %s -> %s, model says '
                         '%s -> %s' % (name, b2a(s[8:24]), b2a(s[24:40]),
                                       b2a(p[8:24]), b2a(p[24:40]),
                                       b2a(want[8:24]), b2a(want[24:40])))
            fails.extend(hexdiff('%s, expected vs got' % name, want.hex(),
                                 p.hex()))
        if l4_csum_ok(p) is not True:
            fails.append('%s: UDP checksum invalid on arrival' % name)
    return fails


def udp(args):
    maps = Maps(args.map)
    cap_a = packet_socket(args.a_ns, args.a_if)
    cap_b = packet_socket(args.b_ns, args.b_if)
    with netns(args.b_ns):
        b = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        b.bind(('::', args.port))
    with netns(args.a_ns):
        a = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        a.bind(('::', 0))
    a.settimeout(args.timeout)
    b.settimeout(args.timeout)
    fails = []
    seen = set()
    for i, size in enumerate(args.sizes):
        data = struct.pack('!I', i) + os.urandom(size - 4)
        a.sendto(data, (args.b_ext, args.port))
        try:
            msg, peer = b.recvfrom(65535)
        except socket.timeout:
            print('udp: datagram %d to [%s]:%d never arrived' %
                  (i, args.b_ext, args.port))
            return 1
        seen.add(peer[0])
        b.sendto(msg, peer)
        try:
            echo, epeer = a.recvfrom(65535)
        except socket.timeout:
            print('udp: echo %d to [%s] never arrived' % (i, peer[0]))
            return 1
        if echo != data or msg != data:
            fails.append('udp: payload %d corrupted' % i)
        if epeer[0] != str(ipaddress.IPv6Address(args.b_ext)):
            fails.append('udp: echo came from %s, expected %s' %
                         (epeer[0], args.b_ext))
    time.sleep(0.2)
    a_all = frames(cap_a)
    b_all = frames(cap_b)
    cap_a.close()
    cap_b.close()
    # Split by direction again: a packet socket marks what its host sent.
    a_out = [p for p in udp_of(a_all, args.port) if p[40 + 2:40 + 4] ==
             struct.pack('!H', args.port)]
    a_in = [p for p in udp_of(a_all, args.port) if p[40:40 + 2] ==
            struct.pack('!H', args.port)]
    b_in = [p for p in udp_of(b_all, args.port) if p[40 + 2:40 + 4] ==
            struct.pack('!H', args.port)]
    b_out = [p for p in udp_of(b_all, args.port) if p[40:40 + 2] ==
             struct.pack('!H', args.port)]
    print('udp: B saw the source as %s' % ', '.join(sorted(seen)))
    if args.expect_src and seen != {args.expect_src}:
        fails.append('udp: B saw source %s, expected %s' %
                     (', '.join(sorted(seen)), args.expect_src))
    fails += check_leg('A -> B', maps, a_out, b_in)
    fails += check_leg('B -> A', maps, b_out, a_in)
    for p in a_out + b_out:
        if l4_csum_ok(p) is not True:
            fails.append('a packet left its sender with a bad UDP checksum '
                         '(is tx checksum offload still on?)')
            break
    if not fails:
        print('udp: %d datagrams each way, every one byte-exact against the'
              ' model' % len(b_in))
    for f in fails:
        print(f)
    return 1 if fails else 0


def tcp(args):
    """A connects to B's external address and sends; B, in a thread of
    its own so that neither end waits on the other's full buffers, reads
    everything and sends it back reversed."""
    with netns(args.b_ns):
        srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(('::', args.port))
        srv.listen(1)
    with netns(args.a_ns):
        cli = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.settimeout(args.timeout)
    cli.settimeout(args.timeout)
    data = os.urandom(args.bytes)
    res = {}

    def serve():
        try:
            conn, peer = srv.accept()
            conn.settimeout(args.timeout)
            res['peer'] = peer[0]
            res['local'] = conn.getsockname()[0]
            got = b''
            while len(got) < len(data):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                got += chunk
            res['got'] = got
            conn.sendall(got[::-1])
            conn.close()
        except OSError as e:
            res['error'] = 'B: %s' % e

    t = threading.Thread(target=serve)
    t.start()
    back = b''
    try:
        cli.connect((args.b_ext, args.port))
        cli.sendall(data)
        while len(back) < len(data):
            chunk = cli.recv(65536)
            if not chunk:
                break
            back += chunk
    except OSError as e:
        res.setdefault('error', 'A: %s' % e)
    t.join()
    if 'error' in res:
        print('tcp: %s' % res['error'])
        return 1
    fails = []
    print('tcp: B accepted from %s on %s; %d bytes each way' %
          (res['peer'], res['local'], len(res['got'])))
    if res['got'] != data:
        fails.append('tcp: B got %d of %d bytes, or other bytes' %
                     (len(res['got']), len(data)))
    if back != data[::-1]:
        fails.append('tcp: A got %d bytes back, not what B sent' % len(back))
    if args.expect_src and res['peer'] != args.expect_src:
        fails.append('tcp: B sees the connection from %s, expected %s' %
                     (res['peer'], args.expect_src))
    for f in fails:
        print(f)
    return 1 if fails else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)

    p = sub.add_parser('udp')
    p.add_argument('--a-ns', required=True)
    p.add_argument('--a-if', required=True)
    p.add_argument('--b-ns', required=True)
    p.add_argument('--b-if', required=True)
    p.add_argument('--b-ext', required=True)
    p.add_argument('--map', action='append', required=True,
                   help='INT/LEN=EXT/LEN, a mapping of the device')
    p.add_argument('--expect-src')
    p.add_argument('--port', type=int, default=7009)
    p.add_argument('--sizes', type=lambda s: [int(x) for x in s.split(',')],
                   default=[64, 700, 1400])
    p.add_argument('--timeout', type=float, default=5)

    p = sub.add_parser('tcp')
    p.add_argument('--a-ns', required=True)
    p.add_argument('--b-ns', required=True)
    p.add_argument('--b-ext', required=True)
    p.add_argument('--expect-src')
    p.add_argument('--port', type=int, default=7010)
    p.add_argument('--bytes', type=int, default=1 << 20)
    p.add_argument('--timeout', type=float, default=10)

    args = ap.parse_args()
    return globals()[args.cmd](args)


if __name__ == '__main__':
    sys.exit(main())
