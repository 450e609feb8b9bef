#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# tunnel_pkt.py: packet-level helpers for test_tunnel.sh, the integration
# tests of npt6's ipip6 tunnel (link kind "npt6tnl").
#
#   encap  check every IPv6 packet SRC -> DST in a pcap byte by byte: the
#          outer header is exactly 40 bytes with next header 4 (IPIP), or
#          40 + the 8-byte RFC 2473 destination option with a given
#          encapsulation limit; and no IPv6 packet in the whole capture
#          carries a fragment header
#   list   one JSON object per packet of a pcap (outer IPv6, inner or plain
#          IPv4, TCP/UDP ports, TCP flags and MSS), for jq
#   craft  send hand-made ipip6 packets with scapy (ECN, unknown remotes)
#   udp    UDP between two namespaces from one process (setns): datagram
#          size, DF or not, TOS, several flows; reports what arrived and
#          the ICMP errors and path MTU the sending sockets learned
#   tcp    one short TCP connection between two namespaces
#
# pcap parsing is written out here with struct, independently of scapy,
# so that the checks are about the bytes on the wire.

import argparse
import errno
import ipaddress
import json
import os
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkt import netns, read_pcap  # noqa: E402

NH_HOP, NH_ROUTING, NH_FRAG, NH_DSTOPTS = 0, 43, 44, 60
EXT_HDRS = (NH_HOP, NH_ROUTING, NH_DSTOPTS)
IPPROTO_IPIP, IPPROTO_TCP, IPPROTO_UDP = 4, 6, 17

# Socket options the socket module may not name.
IP_MTU_DISCOVER, IP_RECVERR, IP_MTU = 10, 11, 14
IP_PMTUDISC_DONT, IP_PMTUDISC_DO = 0, 2
MSG_ERRQUEUE = 0x2000


# ---------------------------------------------------------------------
# pcap

def l3_of(linktype, frame):
    """(ethertype, layer 3 bytes) of a captured frame."""
    if linktype == 1:			# Ethernet
        et = struct.unpack('!H', frame[12:14])[0]
        off = 14
        while et in (0x8100, 0x88a8) and len(frame) >= off + 4:
            et = struct.unpack('!H', frame[off + 2:off + 4])[0]
            off += 4
        return et, frame[off:]
    if linktype == 113:			# Linux cooked
        return struct.unpack('!H', frame[14:16])[0], frame[16:]
    if linktype in (12, 101):		# raw IP
        v = frame[0] >> 4 if frame else 0
        return {4: 0x0800, 6: 0x86dd}.get(v, 0), frame
    return 0, b''


def ip4_csum_ok(hdr):
    s = 0
    for i in range(0, len(hdr), 2):
        s += (hdr[i] << 8) + (hdr[i + 1] if i + 1 < len(hdr) else 0)
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s == 0xffff


def parse_ip4(b, out):
    if len(b) < 20 or b[0] >> 4 != 4:
        out['ip4_bad'] = True
        return
    ihl = (b[0] & 0xf) * 4
    tot, ident, frag = struct.unpack('!HHH', b[2:8])
    out['ip4'] = ip4 = {
        'src': socket.inet_ntop(socket.AF_INET, b[12:16]),
        'dst': socket.inet_ntop(socket.AF_INET, b[16:20]),
        'tos': b[1], 'len': tot, 'id': ident,
        'df': bool(frag & 0x4000), 'mf': bool(frag & 0x2000),
        'off': (frag & 0x1fff) * 8, 'ttl': b[8], 'proto': b[9],
        'csum_ok': len(b) >= ihl and ip4_csum_ok(b[:ihl]),
    }
    if ip4['off']:
        return
    l4 = b[ihl:]
    if ip4['proto'] in (IPPROTO_TCP, IPPROTO_UDP) and len(l4) >= 4:
        out['sport'], out['dport'] = struct.unpack('!HH', l4[:4])
    if ip4['proto'] == IPPROTO_TCP and len(l4) >= 20:
        flags = l4[13]
        out['tcp_flags'] = ''.join(c for bit, c in ((0x02, 'S'), (0x10, 'A'),
                                                    (0x01, 'F'), (0x04, 'R'))
                                   if flags & bit)
        doff = (l4[12] >> 4) * 4
        opts = l4[20:doff]
        i = 0
        while i < len(opts):
            kind = opts[i]
            if kind == 0:
                break
            if kind == 1:
                i += 1
                continue
            if i + 1 >= len(opts) or opts[i + 1] < 2:
                break
            if kind == 2 and opts[i + 1] == 4 and i + 4 <= len(opts):
                out['mss'] = struct.unpack('!H', opts[i + 2:i + 4])[0]
            i += opts[i + 1]


def parse(linktype, frame, orig):
    """A dict describing one captured frame."""
    out = {'caplen': len(frame), 'len': orig}
    et, b = l3_of(linktype, frame)
    if et == 0x0800:
        parse_ip4(b, out)
        return out
    if et != 0x86dd or len(b) < 40:
        return out
    plen, nh, hlim = struct.unpack('!HBB', b[4:8])
    ip6 = out['ip6'] = {
        'src': socket.inet_ntop(socket.AF_INET6, b[8:24]),
        'dst': socket.inet_ntop(socket.AF_INET6, b[24:40]),
        'tc': ((b[0] & 0xf) << 4) | (b[1] >> 4),
        'fl': ((b[1] & 0xf) << 16) | (b[2] << 8) | b[3],
        'plen': plen, 'hlim': hlim, 'nh': nh, 'ext': [], 'frag': False,
    }
    off = 40
    while nh in EXT_HDRS + (NH_FRAG,) and len(b) >= off + 8:
        hl = 8 if nh == NH_FRAG else (b[off + 1] + 1) * 8
        if nh == NH_FRAG:
            ip6['frag'] = True
        ip6['ext'].append({'type': nh, 'hex': b[off:off + hl].hex()})
        nh = b[off]
        off += hl
    ip6['upper'] = nh
    ip6['hlen'] = off
    if nh == IPPROTO_IPIP:
        parse_ip4(b[off:], out)
    return out


def packets(path):
    for linktype, frame, orig in read_pcap(path):
        yield parse(linktype, frame, orig)


# ---------------------------------------------------------------------
# encap

def cmd_encap(args):
    src = str(ipaddress.IPv6Address(args.src))
    dst = str(ipaddress.IPv6Address(args.dst))
    if args.encaplimit == 'none':
        want_ext, want_hlen = [], 40
    else:
        # RFC 2473 4.1.1: Tunnel Encapsulation Limit (type 4, length 1)
        # then PadN of one byte; next header IPIP, header length 0.
        elim = int(args.encaplimit)
        want_ext = [{'type': NH_DSTOPTS,
                     'hex': bytes([IPPROTO_IPIP, 0, 4, 1, elim, 1, 1, 0]).hex()}]
        want_hlen = 48
    n = n6 = nfrag = 0
    max_outer = max_inner = 0
    bad = []
    frags = []
    for i, p in enumerate(packets(args.pcap)):
        ip6 = p.get('ip6')
        if not ip6:
            continue
        n6 += 1
        if ip6['frag']:
            nfrag += 1
            if len(frags) < 5:
                frags.append('#%d %s > %s' % (i + 1, ip6['src'], ip6['dst']))
        if ip6['src'] != src or ip6['dst'] != dst:
            continue
        n += 1
        why = []
        if ip6['ext'] != want_ext:
            why.append('extension headers %s, want %s' % (ip6['ext'], want_ext))
        if ip6['upper'] != IPPROTO_IPIP:
            why.append('upper-layer protocol %d, want 4' % ip6['upper'])
        ip4 = p.get('ip4')
        if not ip4:
            why.append('no inner IPv4 header')
        elif ip6['plen'] + 40 - want_hlen != ip4['len']:
            why.append('payload length %d, inner IPv4 %d: outer header %d bytes, want %d'
                       % (ip6['plen'], ip4['len'], ip6['plen'] + 40 - ip4['len'],
                          want_hlen))
        if args.hlim is not None and ip6['hlim'] != args.hlim:
            why.append('hop limit %d, want %d' % (ip6['hlim'], args.hlim))
        if args.max_outer and 40 + ip6['plen'] > args.max_outer:
            why.append('outer packet %d bytes, more than %d'
                       % (40 + ip6['plen'], args.max_outer))
        if why and len(bad) < 5:
            bad.append('#%d: %s' % (i + 1, '; '.join(why)))
        elif why:
            bad.append(None)
        max_outer = max(max_outer, 40 + ip6['plen'])
        if ip4:
            max_inner = max(max_inner, ip4['len'])
    ok = True
    print('%d packets %s > %s, largest %d bytes outer, %d inner; '
          '%d IPv6 packets in all, %d with a fragment header'
          % (n, src, dst, max_outer, max_inner, n6, nfrag))
    if n < args.min:
        print('FAIL: fewer than %d packets %s > %s' % (args.min, src, dst))
        ok = False
    if bad:
        print('FAIL: %d packets not as expected:' % len(bad))
        for b in bad:
            if b:
                print('  ' + b)
        ok = False
    if nfrag:
        print('FAIL: IPv6 fragment headers: ' + ', '.join(frags))
        ok = False
    return 0 if ok else 1


def cmd_list(args):
    for p in packets(args.pcap):
        ip6 = p.get('ip6')
        if args.src and (not ip6 or ip6['src'] != args.src):
            continue
        if args.dst and (not ip6 or ip6['dst'] != args.dst):
            continue
        print(json.dumps(p, sort_keys=True))
    return 0


# ---------------------------------------------------------------------
# craft

def cmd_craft(args):
    # Only the layers needed: importing scapy.all takes seconds under TCG.
    from scapy.layers.inet import IP, UDP
    from scapy.layers.inet6 import IPv6
    from scapy.layers.l2 import Ether
    from scapy.packet import Raw
    from scapy.sendrecv import sendp

    frames = []
    for spec in args.pkt:
        kv = dict(item.split('=', 1) for item in spec.split(','))
        count = int(kv.pop('count', '1'))
        p = (Ether(dst=args.dmac) /
             IPv6(src=kv.pop('src'), dst=kv.pop('dst'), nh=IPPROTO_IPIP,
                  tc=int(kv.pop('tc', '0'), 0), fl=int(kv.pop('fl', '0'), 0),
                  hlim=64) /
             IP(src=kv.pop('isrc'), dst=kv.pop('idst'),
                tos=int(kv.pop('tos', '0'), 0), ttl=64, id=0x4e54) /
             UDP(sport=int(kv.pop('sport', '40000')),
                 dport=int(kv.pop('dport'))) /
             Raw(b'npt6-tunnel-test'.ljust(int(kv.pop('size', '32')), b'.')))
        if kv:
            raise SystemExit('unknown keys in --pkt: %s' % ', '.join(kv))
        frames += [p] * count
    sendp(frames, iface=args.iface, verbose=False, inter=args.inter)
    print('sent %d frames on %s' % (len(frames), args.iface))
    return 0


# ---------------------------------------------------------------------
# udp

def read_errqueue(s):
    """ICMP errors queued on socket S (IP_RECVERR)."""
    errs = []
    while True:
        try:
            _, anc, _, _ = s.recvmsg(2048, 512, MSG_ERRQUEUE | socket.MSG_DONTWAIT)
        except BlockingIOError:
            return errs
        except OSError as e:
            errs.append({'recvmsg': e.errno})
            return errs
        for level, typ, data in anc:
            if level == socket.IPPROTO_IP and typ == IP_RECVERR and len(data) >= 16:
                ee_errno, origin, etype, code, _, info, _ = \
                    struct.unpack('=IBBBBII', data[:16])
                errs.append({'errno': ee_errno, 'origin': origin,
                             'type': etype, 'code': code, 'info': info})


def cmd_udp(args):
    with netns(args.b_ns):
        r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        r.bind(('0.0.0.0', args.port))
        r.setblocking(False)
    senders = []
    with netns(args.a_ns):
        for i in range(args.flows):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER,
                         IP_PMTUDISC_DO if args.df else IP_PMTUDISC_DONT)
            s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
            if args.tos is not None:
                s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, args.tos)
            if args.sport:
                s.bind(('0.0.0.0', args.sport + i))
            s.connect((args.b_addr, args.port))
            senders.append(s)
    res = {'sent': 0, 'send_errors': [], 'received': [], 'icmp': [],
           'mtu': None}
    want = 0
    payload = bytes(args.size)
    for k in range(args.count):
        for s in senders:
            try:
                s.send(payload)
                res['sent'] += 1
                want += 1
            except OSError as e:
                res['send_errors'].append(errno.errorcode.get(e.errno, e.errno))
            res['icmp'] += read_errqueue(s)
        time.sleep(args.interval)
    deadline = time.time() + args.wait
    while time.time() < deadline and len(res['received']) < want:
        ready, _, _ = select.select([r], [], [], 0.1)
        while ready:
            try:
                data, peer = r.recvfrom(70000)
            except BlockingIOError:
                break
            res['received'].append(len(data))
    # The last ICMP error may still be on its way.
    time.sleep(0.2 if args.df else 0)
    for s in senders:
        res['icmp'] += read_errqueue(s)
        try:
            res['mtu'] = s.getsockopt(socket.IPPROTO_IP, IP_MTU)
        except OSError:
            pass
    print(json.dumps(res, sort_keys=True))
    return 0


# ---------------------------------------------------------------------
# tcp

def cmd_tcp(args):
    """One TCP connection A -> B, a few bytes each way."""
    with netns(args.b_ns):
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(('0.0.0.0', args.port))
        ls.listen(1)
        ls.settimeout(args.wait)
    with netns(args.a_ns):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.settimeout(args.wait)
    res = {}
    try:
        c.connect((args.b_addr, args.port))
        s, _ = ls.accept()
        s.settimeout(args.wait)
        c.sendall(b'ping')
        res['server_got'] = s.recv(16).decode()
        s.sendall(b'pong')
        res['client_got'] = c.recv(16).decode()
        res['client_mss'] = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG)
        res['server_mss'] = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG)
        s.close()
    except OSError as e:
        res['error'] = str(e)
    c.close()
    ls.close()
    print(json.dumps(res, sort_keys=True))
    return 0 if 'error' not in res else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    sub = ap.add_subparsers(dest='cmd', required=True)

    p = sub.add_parser('encap')
    p.add_argument('--pcap', required=True)
    p.add_argument('--src', required=True)
    p.add_argument('--dst', required=True)
    p.add_argument('--encaplimit', default='none')
    p.add_argument('--hlim', type=int)
    p.add_argument('--max-outer', type=int, default=0)
    p.add_argument('--min', type=int, default=1)

    p = sub.add_parser('list')
    p.add_argument('--pcap', required=True)
    p.add_argument('--src')
    p.add_argument('--dst')

    p = sub.add_parser('craft')
    p.add_argument('--iface', required=True)
    p.add_argument('--dmac', required=True)
    p.add_argument('--inter', type=float, default=0.02)
    p.add_argument('--pkt', action='append', required=True,
                   help='src=,dst=,isrc=,idst=,dport=[,tc=,tos=,sport=,fl=,size=,count=]')

    p = sub.add_parser('udp')
    p.add_argument('--a-ns')
    p.add_argument('--b-ns')
    p.add_argument('--b-addr', required=True)
    p.add_argument('--port', type=int, default=9000)
    p.add_argument('--sport', type=int, default=0)
    p.add_argument('--size', type=int, default=100)
    p.add_argument('--count', type=int, default=1)
    p.add_argument('--flows', type=int, default=1)
    p.add_argument('--interval', type=float, default=0.05)
    p.add_argument('--wait', type=float, default=3.0)
    p.add_argument('--tos', type=lambda v: int(v, 0))
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument('--df', dest='df', action='store_true')
    g.add_argument('--no-df', dest='df', action='store_false')

    p = sub.add_parser('tcp')
    p.add_argument('--a-ns')
    p.add_argument('--b-ns')
    p.add_argument('--b-addr', required=True)
    p.add_argument('--port', type=int, default=9100)
    p.add_argument('--wait', type=float, default=5.0)

    args = ap.parse_args()
    return {'encap': cmd_encap, 'list': cmd_list, 'craft': cmd_craft,
            'udp': cmd_udp, 'tcp': cmd_tcp}[args.cmd](args)


if __name__ == '__main__':
    sys.exit(main())
