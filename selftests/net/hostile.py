#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# hostile.py: the hostile-packet corpus of test_hostile.sh.  Every case is
# a byte-defined frame sent into the router of lib.sh's topology through
# one of its paths (DNPT, SNPT, the NDP proxy, tunnel decapsulation), with
# one expected outcome, asserted:
#
#   xlat   these exact packets come out on the far side (the model in
#          npt.py says what the translation is; nothing is taken from
#          the module under test);
#   drop   nothing comes out, and the named counter went up by one;
#   pass   npt6 left it alone: no npt6 counter moved, and what the
#          kernel did with it is checked through the kernel's counters.
#
# On top of the named counters, every npt6 counter of the mapping and of
# the tunnel device that a case does not name must stay where it was.
#
# A second mapping on ge0 is in mode keep-iid (issue 20; its counters are
# kiid.*): its cases (kdnpt-*, ksnpt-*) expect what keepiid.py's model
# says, including the drops of packets whose upper-layer header ends
# before its checksum.
#
# The topology is passed in as JSON (see test_hostile.sh); one line per
# case goes to stdout: "OK<TAB>name<TAB>what" or "FAIL<TAB>name<TAB>why".
# Exit status 0 when every case passed.

import argparse
import ipaddress
import json
import os
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keepiid  # noqa: E402
import npt  # noqa: E402
from pkt import (ETH_P_IPV6, a2b, mac_bytes, netns,  # noqa: E402
                 ones_sum, packet_socket, receive)

ETH_P_IP = 0x0800
NH_HOP, NH_UDP, NH_FRAG, NH_ICMP6, NH_DSTOPTS = 0, 17, 44, 58, 60
NH_ROUTING = 43

# Flow labels (IPv6) and IP IDs (IPv4) of the corpus: TAG | case index.
TAG = 0x90000
# How long a case waits for what must, or must not, come out.
WAIT_OUT = 10.0
WAIT_NOTHING = 1.0


def csum16(data):
    """The Internet checksum of DATA."""
    return ~ones_sum(data) & 0xffff


class Topo:
    def __init__(self, path):
        with open(path) as f:
            t = json.load(f)
        self.t = t
        ipfx, plen = npt.parse_prefix(t['int_pfx'])
        epfx, plen2 = npt.parse_prefix(t['ext_pfx'])
        assert plen == plen2
        self.snpt = npt.Mapping(ipfx, epfx, plen)
        self.dnpt = self.snpt.inverse()
        self.lan_host = a2b(t['lan_host'])
        self.lan_host_ext = self.snpt.map(self.lan_host)
        self.remote = a2b(t['remote'])
        self.wan_addr = a2b(t['wan_addr'])
        self.rtr_wan = a2b(t['rtr_wan'])
        self.kiid = keepiid.KMap(t['kiid_int'], t['kiid_ext'])
        self.kiid_host = a2b(t['kiid_host'])
        self.kiid_host_ext = self.kiid.snpt(self.kiid_host)

    def __getitem__(self, key):
        return self.t[key]


# ---------------------------------------------------------------------
# Counters, read inside the router's namespace without an exec each time.

def read_counters(topo):
    c = {}
    with netns(topo['rtr']):
        with open('/proc/thread-self/net/snmp6') as f:
            for line in f:
                k, v = line.split()
                c['snmp6.' + k] = int(v)
        for name in ('snmp', 'netstat'):
            with open('/proc/thread-self/net/' + name) as f:
                lines = f.read().splitlines()
            for head, vals in zip(lines[0::2], lines[1::2]):
                keys = head.split()
                grp = keys[0].rstrip(':')
                for k, v in zip(keys[1:], vals.split()[1:]):
                    c['%s.%s.%s' % (name, grp, k)] = int(v)
        with open('/proc/thread-self/net/dev') as f:
            for line in f.readlines()[2:]:
                dev, rest = line.split(':', 1)
                v = [int(x) for x in rest.split()]
                dev = dev.strip()
                if dev == topo['tnl']:
                    c['tnl.rx_packets'] = v[1]
                    c['tnl.rx_errors'] = v[2]
                    c['tnl.rx_dropped'] = v[3]
    out = subprocess.run(['ip', 'netns', 'exec', topo['rtr'], topo['nptctl'],
                          '-j', '-s', 'show', 'dev', 'ge0'],
                         capture_output=True, text=True, check=True).stdout
    m = [x for x in json.loads(out) if x['internal'] == topo['int_pfx']][0]
    for grp, ctrs in m['stats'].items():
        for k, v in ctrs.items():
            c['npt6.%s.%s' % (grp, k)] = v
    # The keep-iid mapping's, over netlink: they include the counters
    # only keep-iid has, whatever nptctl prints.
    with netns(topo['rtr']):
        for k, v in (keepiid.map_stats('ge0', topo['kiid_int']) or {}).items():
            c['kiid.' + k] = v
    return c


def watched(c):
    """The counters that must not move unless a case names them."""
    return {k for k in c if k.startswith(('npt6.', 'tnl.', 'kiid.'))}


# ---------------------------------------------------------------------
# Packet building, on bytes: scapy would fix up what the corpus breaks.

def ip6(src, dst, nh, payload, hlim=64, fl=0, plen=None):
    if plen is None:
        plen = len(payload)
    return struct.pack('!IHBB16s16s', 6 << 28 | fl, plen, nh, hlim,
                       src, dst) + payload


def l4csum(src, dst, proto, body):
    pseudo = src + dst + struct.pack('!IxxxB', len(body), proto)
    return csum16(pseudo + body)


def udp(src, dst, sport, dport, data):
    body = struct.pack('!HHHH', sport, dport, 8 + len(data), 0) + data
    c = l4csum(src, dst, NH_UDP, body) or 0xffff
    return body[:6] + struct.pack('!H', c) + body[8:]


def icmp6(src, dst, typ, code, rest, data):
    body = struct.pack('!BBH', typ, code, 0) + rest + data
    c = l4csum(src, dst, NH_ICMP6, body)
    return body[:2] + struct.pack('!H', c) + body[4:]


def dstopts(nh, padlen=6):
    """A destination-options header of 8 bytes: PadN of PADLEN - 2."""
    return struct.pack('!BBBB', nh, 0, 1, padlen - 2) + b'\0' * (padlen - 2)


def frag(nh, offset, more, ident):
    return struct.pack('!BxHI', nh, offset << 3 | more, ident)


def ip4(src, dst, proto, payload, ttl=64, ident=0, tot=None, ihl=5,
        version=4, bad_csum=False):
    if tot is None:
        tot = 20 + len(payload)
    h = struct.pack('!BBHHHBBH4s4s', version << 4 | ihl, 0, tot, ident, 0,
                    ttl, proto, 0, socket.inet_aton(src),
                    socket.inet_aton(dst))
    c = csum16(h)
    if bad_csum:
        c ^= 0x5a5a
    return h[:10] + struct.pack('!H', c) + h[12:] + payload


def udp4(src, dst, data):
    body = struct.pack('!HHHH', 4000, 5000, 8 + len(data), 0) + data
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack('!xBH', 17, len(body))
    c = csum16(pseudo + body) or 0xffff
    return body[:6] + struct.pack('!H', c) + body[8:]


def forwarded4(pkt):
    """PKT as IPv4 forwarding emits it: TTL - 1, header checksum redone."""
    p = bytearray(pkt)
    p[8] -= 1
    p[10:12] = b'\0\0'
    p[10:12] = struct.pack('!H', csum16(bytes(p[:(p[0] & 15) * 4])))
    return bytes(p)


def hop(pkt):
    """PKT as IPv6 forwarding emits it: hop limit - 1."""
    p = bytearray(pkt)
    p[7] -= 1
    return bytes(p)


def patch(pkt, off, new):
    return pkt[:off] + new + pkt[off + len(new):]


def solicited_node(addr):
    return a2b('ff02::1:ff00:0')[:13] + addr[13:]


# ---------------------------------------------------------------------
# The corpus

class Case:
    def __init__(self, name, what, path, frames, outcome, expect=(),
                 counters=None, match=None):
        self.name = name
        self.what = what
        self.path = path          # 'dnpt', 'snpt' (sender side) or 'ndp'
        self.frames = frames      # list of IP packets (no Ethernet header)
        self.outcome = outcome    # 'xlat', 'drop' or 'pass'
        self.expect = list(expect)
        self.counters = dict(counters or {})
        self.match = match        # custom matcher of received packets
        # npt6 counts the bytes of what it translates, IPv6 header on.
        for m in ('npt6', 'kiid'):
            for d in ('snpt', 'dnpt'):
                if self.counters.get('%s.%s.packets' % (m, d)):
                    self.counters.setdefault('%s.%s.bytes' % (m, d),
                                             sum(len(f) for f in frames))


def build_corpus(topo):
    cases = []
    tag = [0]
    T = topo
    ext_host = T.lan_host_ext
    far = T.remote[:14] + b'\x00\x77'
    data = b'npt6-hostile-corpus-' * 2

    def nt():
        tag[0] += 1
        return TAG | tag[0]

    def dn(pkt):
        """The model's DNPT of PKT: outer destination, then hop."""
        p = bytearray(pkt)
        p[24:40] = T.dnpt.map(bytes(p[24:40]))
        return hop(bytes(p))

    def sn(pkt):
        p = bytearray(pkt)
        p[8:24] = T.snpt.map(bytes(p[8:24]))
        return hop(bytes(p))

    def add(*a, **kw):
        cases.append(Case(*a, **kw))

    # ---- DNPT: from the upstream router to an internal host's twin ----
    fl = nt()
    good = ip6(far, ext_host, NH_UDP, udp(far, ext_host, 9, 9, data), fl=fl)
    add('dnpt-control', 'well-formed UDP: translated (the harness works)',
        'dnpt', [good], 'xlat', [dn(good)],
        {'npt6.dnpt.packets': 1})

    fl = nt()
    add('dnpt-trunc-hdr', 'IPv6 header cut at 20 bytes: left to the stack, '
        'which drops it (Ip6InHdrErrors)', 'dnpt',
        [ip6(far, ext_host, NH_UDP, b'', fl=fl)[:20]], 'drop',
        counters={'snmp6.Ip6InHdrErrors': 1})

    fl = nt()
    add('dnpt-bad-version', 'version 4 in an IPv6 frame: not npt6\'s, the '
        'stack drops it (Ip6InHdrErrors)', 'dnpt',
        [b'\x40' + ip6(far, ext_host, NH_UDP, udp(far, ext_host, 9, 9, data),
                       fl=fl)[1:]], 'drop',
        counters={'snmp6.Ip6InHdrErrors': 1})

    fl = nt()
    p = ip6(far, ext_host, NH_UDP, udp(far, ext_host, 9, 9, data), fl=fl,
            plen=len(data) + 8 + 100)
    add('dnpt-trunc-payload', 'payload length 100 bytes past the end: '
        'translated at ingress, then dropped by the stack '
        '(Ip6InTruncatedPkts)', 'dnpt', [p], 'drop',
        counters={'npt6.dnpt.packets': 1, 'snmp6.Ip6InTruncatedPkts': 1})

    fl = nt()
    chain = b''
    nh = NH_UDP
    body = udp(far, ext_host, 9, 9, data)
    for _ in range(100):
        chain = dstopts(nh) + chain
        nh = NH_DSTOPTS
    p = ip6(far, ext_host, NH_DSTOPTS, chain + body, fl=fl)
    add('dnpt-exthdr-chain', '100 destination-options headers before UDP: '
        'translated, the chain intact', 'dnpt', [p], 'xlat', [dn(p)],
        {'npt6.dnpt.packets': 1})

    fl = nt()
    inner = ip6(ext_host, far, NH_UDP, udp(ext_host, far, 9, 9, data))
    err = icmp6(far, ext_host, 1, 4, b'\0' * 4, inner)
    chain = b''
    nh = NH_ICMP6
    for _ in range(50):
        chain = dstopts(nh) + chain
        nh = NH_DSTOPTS
    p = ip6(far, ext_host, NH_DSTOPTS, chain + err, fl=fl)
    want = bytearray(dn(p))
    io = 40 + len(chain) + 8
    want[io + 8:io + 24] = T.lan_host
    add('dnpt-exthdr-chain-icmp', 'ICMPv6 error behind 50 extension headers: '
        'outer destination and embedded source translated', 'dnpt', [p],
        'xlat', [bytes(want)],
        {'npt6.dnpt.packets': 1, 'npt6.dnpt.icmp_inner': 1})

    fl = nt()
    bad = dstopts(NH_DSTOPTS)[:1] + b'\x20' + dstopts(NH_DSTOPTS)[2:]
    p = ip6(far, ext_host, NH_DSTOPTS, bad + b'\0' * 16, fl=fl)
    add('dnpt-exthdr-overrun', 'extension header whose length runs 256 '
        'bytes past the packet: outer translated, nothing read beyond',
        'dnpt', [p], 'xlat', [dn(p)], {'npt6.dnpt.packets': 1})

    fl = nt()
    p = ip6(far, ext_host, NH_DSTOPTS,
            dstopts(NH_HOP) + dstopts(NH_UDP) + udp(far, ext_host, 9, 9,
                                                    data), fl=fl)
    add('dnpt-hbh-not-first', 'hop-by-hop header after another header: '
        'forwarded translated', 'dnpt', [p], 'xlat', [dn(p)],
        {'npt6.dnpt.packets': 1})

    fl = nt()
    ident = 0x1000 | fl
    p = ip6(far, ext_host, NH_FRAG, frag(NH_DSTOPTS, 0, 1, ident) +
            dstopts(NH_UDP), fl=fl)
    add('dnpt-frag-no-l4', 'first fragment without the upper-layer header: '
        'translated', 'dnpt', [p], 'xlat', [dn(p)], {'npt6.dnpt.packets': 1})

    fl = nt()
    p = ip6(far, ext_host, NH_FRAG, frag(NH_ICMP6, 0, 1, ident + 1) +
            b'\x01\x04', fl=fl)
    add('dnpt-frag-icmp-2-bytes', 'first fragment with 2 bytes of an '
        'ICMPv6 header: outer translated, no inner read', 'dnpt', [p],
        'xlat', [dn(p)], {'npt6.dnpt.packets': 1})

    fl = nt()
    whole = udp(far, ext_host, 9, 9, data * 2)
    f1 = ip6(far, ext_host, NH_FRAG, frag(NH_UDP, 0, 1, ident + 2) +
             whole[:48], fl=fl)
    f2 = ip6(far, ext_host, NH_FRAG, frag(NH_UDP, 3, 0, ident + 2) +
             whole[24:], fl=fl)
    add('dnpt-frag-overlap', 'two overlapping fragments: each translated '
        'on its own, no reassembly', 'dnpt', [f1, f2], 'xlat',
        [dn(f1), dn(f2)], {'npt6.dnpt.packets': 2})

    fl = nt()
    err = icmp6(far, ext_host, 1, 4, b'\0' * 4, inner)
    p = ip6(far, ext_host, NH_FRAG, frag(NH_ICMP6, 10, 0, ident + 3) + err,
            fl=fl)
    add('dnpt-frag-icmp-later', 'an ICMPv6 error in a non-first fragment is '
        'payload: outer translated only', 'dnpt', [p], 'xlat', [dn(p)],
        {'npt6.dnpt.packets': 1})

    for cut, inner_xlat in ((20, False), (23, False), (24, True)):
        fl = nt()
        err = icmp6(far, ext_host, 3, 0, b'\0' * 4, inner[:cut])
        p = ip6(far, ext_host, NH_ICMP6, err, fl=fl)
        want = bytearray(dn(p))
        if inner_xlat:
            want[48 + 8:48 + 24] = T.lan_host
        add('dnpt-icmp-inner-%d' % cut, 'ICMPv6 error whose embedded packet '
            'is cut at %d bytes: %s' % (
                cut, 'its whole source address is there, translated' if
                inner_xlat else 'source address incomplete, left alone'),
            'dnpt', [p], 'xlat', [bytes(want)],
            {'npt6.dnpt.packets': 1,
             'npt6.dnpt.icmp_inner': 1 if inner_xlat else 0})

    fl = nt()
    inner_err = ip6(ext_host, far, NH_ICMP6,
                    icmp6(ext_host, far, 1, 0, b'\0' * 4,
                          ip6(far, ext_host, NH_UDP,
                              udp(far, ext_host, 9, 9, data))))
    err = icmp6(far, ext_host, 1, 0, b'\0' * 4, inner_err)
    p = ip6(far, ext_host, NH_ICMP6, err, fl=fl)
    want = bytearray(dn(p))
    want[48 + 8:48 + 24] = T.lan_host
    add('dnpt-icmp-in-icmp', 'ICMPv6 error about an ICMPv6 error: one level '
        'translated, the innermost packet untouched', 'dnpt', [p], 'xlat',
        [bytes(want)], {'npt6.dnpt.packets': 1, 'npt6.dnpt.icmp_inner': 1})

    fl = nt()
    ones = ext_host[:8] + b'\xff' * 8
    add('dnpt-unmappable', 'destination whose interface ID is all ones '
        '(/64): dropped, counted', 'dnpt',
        [ip6(far, ones, NH_UDP, udp(far, ones, 9, 9, data), fl=fl)], 'drop',
        counters={'npt6.dnpt.drop_unmappable': 1})

    # ---- SNPT: from the internal host out ----
    lan = T.lan_host
    fl = nt()
    good = ip6(lan, far, NH_UDP, udp(lan, far, 9, 9, data), fl=fl)
    add('snpt-control', 'well-formed UDP: translated (the harness works)',
        'snpt', [good], 'xlat', [sn(good)], {'npt6.snpt.packets': 1})

    fl = nt()
    chain = b''
    nh = NH_UDP
    for _ in range(100):
        chain = dstopts(nh) + chain
        nh = NH_DSTOPTS
    p = ip6(lan, far, NH_DSTOPTS, chain + udp(lan, far, 9, 9, data), fl=fl)
    add('snpt-exthdr-chain', '100 destination-options headers: translated',
        'snpt', [p], 'xlat', [sn(p)], {'npt6.snpt.packets': 1})

    fl = nt()
    whole = udp(lan, far, 9, 9, data * 2)
    f1 = ip6(lan, far, NH_FRAG, frag(NH_UDP, 0, 1, ident + 4) + whole[:48],
             fl=fl)
    f2 = ip6(lan, far, NH_FRAG, frag(NH_UDP, 3, 0, ident + 4) + whole[24:],
             fl=fl)
    add('snpt-frag-overlap', 'two overlapping fragments: each translated',
        'snpt', [f1, f2], 'xlat', [sn(f1), sn(f2)],
        {'npt6.snpt.packets': 2})

    fl = nt()
    p = ip6(lan, far, NH_FRAG, frag(NH_DSTOPTS, 0, 1, ident + 5) +
            dstopts(NH_UDP), fl=fl)
    add('snpt-frag-no-l4', 'first fragment without the upper-layer header: '
        'translated', 'snpt', [p], 'xlat', [sn(p)], {'npt6.snpt.packets': 1})

    inner_in = ip6(far, lan, NH_UDP, udp(far, lan, 9, 9, data))
    for cut, inner_xlat in ((39, False), (40, True)):
        fl = nt()
        err = icmp6(lan, far, 1, 4, b'\0' * 4, inner_in[:cut])
        p = ip6(lan, far, NH_ICMP6, err, fl=fl)
        want = bytearray(sn(p))
        if inner_xlat:
            want[48 + 24:48 + 40] = ext_host
        add('snpt-icmp-inner-%d' % cut, 'ICMPv6 error from inside, embedded '
            'packet cut at %d bytes: %s' % (
                cut, 'destination complete, translated' if inner_xlat else
                'destination incomplete, left alone'), 'snpt', [p], 'xlat',
            [bytes(want)], {'npt6.snpt.packets': 1,
                            'npt6.snpt.icmp_inner': 1 if inner_xlat else 0})

    fl = nt()
    inner_err = ip6(far, lan, NH_ICMP6,
                    icmp6(far, lan, 1, 0, b'\0' * 4,
                          ip6(lan, far, NH_UDP, udp(lan, far, 9, 9, data))))
    err = icmp6(lan, far, 1, 0, b'\0' * 4, inner_err)
    p = ip6(lan, far, NH_ICMP6, err, fl=fl)
    want = bytearray(sn(p))
    want[48 + 24:48 + 40] = ext_host
    add('snpt-icmp-in-icmp', 'ICMPv6 error about an ICMPv6 error: one level '
        'translated', 'snpt', [p], 'xlat', [bytes(want)],
        {'npt6.snpt.packets': 1, 'npt6.snpt.icmp_inner': 1})

    fl = nt()
    add('snpt-trunc-hdr', 'IPv6 header cut at 20 bytes from inside: the '
        'stack drops it before npt6 (Ip6InHdrErrors)', 'snpt',
        [ip6(lan, far, NH_UDP, b'', fl=fl)[:20]], 'drop',
        counters={'snmp6.Ip6InHdrErrors': 1})

    # ---- keep-iid: the second mapping, prefix swapped, checksums updated ----
    K = T.kiid
    kh, kx = T.kiid_host, T.kiid_host_ext

    def kxl(pkts, snpt):
        """The model's translation of each of PKTS (None: dropped)."""
        return [keepiid.translate(p, K, snpt) for p in pkts]

    def kadd(name, what, path, frames, counters):
        """A keep-iid case whose outcome the model gives: dropped (and
        counted in drop_truncated) or these exact packets."""
        snpt = path == 'snpt'
        out = kxl(frames, snpt)
        d = 'kiid.%s.' % path
        if any(o is None for o in out):
            add(name, what, path, frames, 'drop',
                counters={d + 'drop_truncated': len(frames)})
        else:
            add(name, what, path, frames, 'xlat', out,
                {d + k: v for k, v in counters.items()})

    one = {'packets': 1}
    tcp = struct.pack('!HHIIBBHHH', 4000, 80, 1, 2, 5 << 4, 0x18, 512, 0, 0)
    body = udp(far, kx, 9, 9, data)
    kadd('kdnpt-control', 'keep-iid: well-formed UDP: translated, checksum '
         'updated (the harness works)', 'dnpt',
         [ip6(far, kx, NH_UDP, body, fl=nt())], one)
    for n in (0, 10, 17):
        kadd('kdnpt-tcp-%d' % n, 'keep-iid: %d bytes of TCP, its checksum '
             'not all there: dropped (drop_truncated)' % n, 'dnpt',
             [ip6(far, kx, 6, tcp[:n], fl=nt())], one)
    kadd('kdnpt-tcp-18', 'keep-iid: 18 bytes of TCP, the checksum whole: '
         'translated, checksum updated, forwarded', 'dnpt',
         [ip6(far, kx, 6, tcp[:18], fl=nt())], one)
    for n in (0, 7):
        kadd('kdnpt-udp-%d' % n, 'keep-iid: %d bytes of UDP: dropped '
             '(drop_truncated)' % n, 'dnpt',
             [ip6(far, kx, NH_UDP, body[:n], fl=nt())], one)
    kadd('kdnpt-icmp6-3', 'keep-iid: 3 bytes of ICMPv6: dropped '
         '(drop_truncated)', 'dnpt',
         [ip6(far, kx, NH_ICMP6, b'\x80\0\0', fl=nt())], one)
    chain = b''
    nh = NH_UDP
    for _ in range(100):
        chain = dstopts(nh) + chain
        nh = NH_DSTOPTS
    kadd('kdnpt-exthdr-chain', 'keep-iid: UDP behind 100 destination-options '
         'headers: its checksum found and updated', 'dnpt',
         [ip6(far, kx, NH_DSTOPTS, chain + body, fl=nt())], one)
    bad = dstopts(NH_DSTOPTS)[:1] + b'\x20' + dstopts(NH_DSTOPTS)[2:]
    kadd('kdnpt-exthdr-overrun', 'keep-iid: an extension header running 256 '
         'bytes past the end: no checksum to find, dropped', 'dnpt',
         [ip6(far, kx, NH_DSTOPTS, bad + b'\0' * 16, fl=nt())], one)
    kadd('kdnpt-exthdr-cut', 'keep-iid: packet ends 2 bytes into its second '
         'extension header: dropped', 'dnpt',
         [ip6(far, kx, NH_DSTOPTS, dstopts(NH_DSTOPTS) + b'\x11\0',
              fl=nt())], one)
    ident = 0x5000
    kadd('kdnpt-frag-tiny', 'keep-iid: first fragment with 4 bytes of UDP '
         '(no checksum): dropped', 'dnpt',
         [ip6(far, kx, NH_FRAG, frag(NH_UDP, 0, 1, ident) + body[:4],
              fl=nt())], one)
    kadd('kdnpt-frag-no-l4', 'keep-iid: first fragment that ends after a '
         'destination-options header: dropped', 'dnpt',
         [ip6(far, kx, NH_FRAG, frag(NH_DSTOPTS, 0, 1, ident + 1) +
              dstopts(NH_UDP), fl=nt())], one)
    kadd('kdnpt-frag-later', 'keep-iid: a later fragment: only the address, '
         'the bytes that look like UDP untouched', 'dnpt',
         [ip6(far, kx, NH_FRAG, frag(NH_UDP, 3, 1, ident + 2) + body,
              fl=nt())], one)
    whole = udp(far, kx, 9, 9, data * 2)
    fl = nt()
    kadd('kdnpt-frag-overlap', 'keep-iid: two overlapping fragments: each '
         'translated on its own, the first one\'s checksum updated', 'dnpt',
         [ip6(far, kx, NH_FRAG, frag(NH_UDP, 0, 1, ident + 3) + whole[:48],
              fl=fl),
          ip6(far, kx, NH_FRAG, frag(NH_UDP, 3, 0, ident + 3) + whole[24:],
              fl=fl)], {'packets': 2})
    # Type 253 (experimental), one segment left: the pseudo-header holds
    # the final destination, which DNPT does not touch.
    rh = struct.pack('!BBBB', NH_UDP, 2, 253, 1) + b'\0' * 4 + far
    kadd('kdnpt-routing-segleft', 'keep-iid: UDP behind a routing header '
         'with a segment left: destination swapped, checksum untouched (it '
         'covers the final destination)', 'dnpt',
         [ip6(far, kx, NH_ROUTING, rh + udp(far, far, 9, 9, data),
              fl=nt())], one)
    ah = struct.pack('!BBHII', NH_UDP, 4, 0, 0x1234, 1) + b'\0' * 12
    kadd('kdnpt-ah-udp', 'keep-iid: UDP behind an authentication header: '
         'checksum found past it and updated', 'dnpt',
         [ip6(far, kx, 51, ah + body, fl=nt())], one)
    kadd('kdnpt-proto-253', 'keep-iid: protocol 253: translated, counted in '
         'csum_unknown', 'dnpt', [ip6(far, kx, 253, data, fl=nt())],
         {'packets': 1, 'csum_unknown': 1})
    kadd('kdnpt-no-next', 'keep-iid: no next header (59) with trailing bytes: '
         'translated, nothing unknown', 'dnpt',
         [ip6(far, kx, 59, data, fl=nt())], one)
    kadd('kdnpt-udp-csum-0', 'keep-iid: UDP with checksum 0: translated, '
         'stays 0', 'dnpt',
         [ip6(far, kx, NH_UDP, body[:6] + b'\0\0' + body[8:], fl=nt())],
         one)
    inner = ip6(kx, far, NH_UDP, udp(kx, far, 9, 9, data))
    for cut, ix in ((20, 0), (24, 1), (47, 1), (48, 1)):
        err = icmp6(far, kx, 1, 4, b'\0' * 4, inner[:cut])
        kadd('kdnpt-icmp-inner-%d' % cut, 'keep-iid: ICMPv6 error quoting %d '
             'bytes: %s' % (cut, {
                 20: 'embedded source incomplete, left alone',
                 24: 'embedded source translated, ICMPv6 checksum takes it',
                 47: 'embedded UDP checksum cut in half: ICMPv6 checksum '
                     'takes the change',
                 48: 'embedded UDP checksum whole: it takes the change'}[cut]),
             'dnpt', [ip6(far, kx, NH_ICMP6, err, fl=nt())],
             {'packets': 1, 'icmp_inner': ix})
    inner_err = ip6(kx, far, NH_ICMP6, icmp6(kx, far, 1, 0, b'\0' * 4,
                                             ip6(far, kx, NH_UDP, body)))
    kadd('kdnpt-icmp-in-icmp', 'keep-iid: ICMPv6 error about an ICMPv6 '
         'error: one level translated, checksums consistent', 'dnpt',
         [ip6(far, kx, NH_ICMP6, icmp6(far, kx, 1, 0, b'\0' * 4, inner_err),
              fl=nt())], {'packets': 1, 'icmp_inner': 1})

    sbody = udp(kh, far, 9, 9, data)
    kadd('ksnpt-control', 'keep-iid: well-formed UDP from inside: '
         'translated (the harness works)', 'snpt',
         [ip6(kh, far, NH_UDP, sbody, fl=nt())], one)
    kadd('ksnpt-tcp-10', 'keep-iid: 10 bytes of TCP from inside: dropped '
         '(drop_truncated)', 'snpt', [ip6(kh, far, 6, tcp[:10], fl=nt())],
         one)
    kadd('ksnpt-exthdr-chain', 'keep-iid: UDP behind 100 '
         'destination-options headers from inside: checksum updated',
         'snpt', [ip6(kh, far, NH_DSTOPTS, chain + sbody, fl=nt())], one)
    rh = struct.pack('!BBBB', NH_UDP, 2, 253, 1) + b'\0' * 4 + far
    kadd('ksnpt-routing-segleft', 'keep-iid: a routing header with a segment '
         'left from inside: the source is in the pseudo-header, updated',
         'snpt', [ip6(kh, far, NH_ROUTING, rh + udp(kh, far, 9, 9, data),
                      fl=nt())], one)
    kadd('ksnpt-frag-tiny', 'keep-iid: first fragment with 4 bytes of UDP '
         'from inside: dropped', 'snpt',
         [ip6(kh, far, NH_FRAG, frag(NH_UDP, 0, 1, ident + 4) + sbody[:4],
              fl=nt())], one)
    inner_in = ip6(far, kh, NH_UDP, udp(far, kh, 9, 9, data))
    for cut, ix in ((39, 0), (40, 1), (48, 1)):
        kadd('ksnpt-icmp-inner-%d' % cut, 'keep-iid: ICMPv6 error from '
             'inside quoting %d bytes: %s' % (cut, {
                 39: 'embedded destination incomplete, left alone',
                 40: 'embedded destination translated, ICMPv6 checksum '
                     'takes it',
                 48: 'embedded UDP checksum takes the change'}[cut]),
             'snpt', [ip6(kh, far, NH_ICMP6, icmp6(kh, far, 1, 4, b'\0' * 4,
                                                   inner_in[:cut]),
                          fl=nt())], {'packets': 1, 'icmp_inner': ix})

    # ---- NDP proxy: Neighbor Solicitations for the internal host's twin ----
    def ns(target, src=T.wan_addr, dst=None, hlim=255, code=0, opts=None,
           cut=None):
        if dst is None:
            dst = solicited_node(target)
        if opts is None:
            opts = b'\x01\x01' + mac_bytes(T['mac_w0'])
        body = struct.pack('!BBHI16s', 135, code, 0, 0, target) + opts
        body = body[:cut]
        c = l4csum(src, dst, NH_ICMP6, body)
        body = body[:2] + struct.pack('!H', c) + body[4:]
        return ip6(src, dst, NH_ICMP6, body, hlim=hlim)

    def na_for(target):
        def match(pkt):
            return (len(pkt) >= 64 and pkt[6] == NH_ICMP6 and
                    pkt[40] == 136 and pkt[48:64] == target)
        return match

    def na_ok(target, dst, solicited):
        """What the proxy must send: an NA from our link-local address."""
        def check(pkt):
            flags = pkt[44]
            if pkt[7] != 255:
                return 'NA hop limit %d' % pkt[7]
            if pkt[24:40] != dst:
                return 'NA to %s' % ipaddress.IPv6Address(pkt[24:40])
            if bool(flags & 0x40) != solicited:
                return 'NA solicited flag %d' % bool(flags & 0x40)
            if pkt[64:72] != b'\x02\x01' + mac_bytes(T['mac_ge0']):
                return 'NA target link-layer option %s' % pkt[64:72].hex()
            if l4csum(pkt[8:24], pkt[24:40], NH_ICMP6, pkt[40:]) != 0:
                return 'NA checksum'
            return None
        return check

    tgt = ext_host
    add('ndp-control', 'valid NS for the twin: answered (the harness works)',
        'ndp', [ns(tgt)], 'xlat', [na_ok(tgt, T.wan_addr, True)],
        {'npt6.ndp.ns_seen': 1, 'npt6.ndp.na_sent': 1}, match=na_for(tgt))
    add('ndp-dad', 'DAD probe (from ::, no options): answered to all-nodes',
        'ndp', [ns(tgt, src=bytes(16), opts=b'')], 'xlat',
        [na_ok(tgt, a2b('ff02::1'), False)],
        {'npt6.ndp.ns_seen': 1, 'npt6.ndp.na_sent': 1}, match=na_for(tgt))
    # Type 200 is unassigned: receivers must skip it (RFC 4861 4.6).
    many = b''.join(b'\xc8\x01' + b'\0' * 6 for _ in range(60))
    add('ndp-many-options', '60 unknown options and a source link-layer '
        'option: answered', 'ndp',
        [ns(tgt, opts=many + b'\x01\x01' + mac_bytes(T['mac_w0']))], 'xlat',
        [na_ok(tgt, T.wan_addr, True)],
        {'npt6.ndp.ns_seen': 1, 'npt6.ndp.na_sent': 1}, match=na_for(tgt))

    malformed = {'npt6.ndp.ns_seen': 1, 'npt6.ndp.drop_malformed': 1}
    for name, what, pkt in (
            ('ndp-hlim-254', 'hop limit 254', ns(tgt, hlim=254)),
            ('ndp-bad-csum', 'bad checksum', patch(ns(tgt), 42, b'\xde\xad')),
            ('ndp-code-1', 'ICMPv6 code 1', ns(tgt, code=1)),
            ('ndp-opt-len-0', 'an option of length 0',
             ns(tgt, opts=b'\x01\x00' + b'\0' * 6)),
            ('ndp-opt-oversize', 'an option 32 bytes long in 8',
             ns(tgt, opts=b'\x01\x04' + mac_bytes(T['mac_w0']))),
            ('ndp-opt-1-byte', 'a 1-byte trailing option',
             ns(tgt, opts=b'\x01\x01' + mac_bytes(T['mac_w0']) + b'\x0e')),
            ('ndp-dad-sllao', 'DAD source :: and a source link-layer option',
             ns(tgt, src=bytes(16))),
            ('ndp-dad-unicast', 'DAD source :: to a unicast address',
             ns(tgt, src=bytes(16), dst=T.rtr_wan, opts=b''))):
        add(name, 'NS with %s: dropped (drop_malformed), not answered' % what,
            'ndp', [pkt], 'drop', counters=malformed, match=na_for(tgt))

    add('ndp-mcast-target', 'NS for a multicast target: not npt6\'s, not '
        'answered', 'ndp', [ns(a2b('ff02::1'), dst=a2b('ff02::1'))], 'pass',
        counters={'snmp6.Icmp6InNeighborSolicits': 1},
        match=na_for(a2b('ff02::1')))
    add('ndp-truncated', 'NS of 16 bytes, its target cut short: left to '
        'the kernel, not answered', 'ndp', [ns(tgt, opts=b'', cut=16)],
        'pass', match=na_for(tgt))
    p = ns(tgt)
    p = ip6(T.wan_addr, solicited_node(tgt), NH_HOP,
            struct.pack('!BB', NH_ICMP6, 0) + b'\x01\x04\0\0\0\0' + p[40:],
            hlim=255)
    add('ndp-behind-hbh', 'NS behind a hop-by-hop header: not the proxy\'s, '
        'not answered', 'ndp', [p], 'pass', match=na_for(tgt))

    # ---- ipip6 decapsulation by the npt6tnl tunnel ----
    v4src, v4dst = T['remote4'], T['lan4_host']

    def ipip6(inner, src=T.wan_addr):
        return ip6(src, T.rtr_wan, 4, inner)

    def tag4():
        return nt() & 0xffff

    def v4match(ident):
        def match(pkt):
            return len(pkt) >= 20 and pkt[0] >> 4 == 4 and \
                struct.unpack('!H', pkt[4:6])[0] == ident
        return match

    i = tag4()
    good = ip4(v4src, v4dst, 17, udp4(v4src, v4dst, data), ident=i)
    add('tnl-control', 'well-formed ipip6: decapsulated and forwarded',
        'tnl', [ipip6(good)], 'xlat', [forwarded4(good)],
        {'tnl.rx_packets': 1}, match=v4match(i))
    # Broken inner packets: (name, what, ip4() arguments, bytes kept,
    # expected counters).
    rx_err = {'tnl.rx_errors': 1, 'tnl.rx_dropped': 1}
    for name, what, kw, cut, counters in (
            ('tnl-inner-truncated', 'inner IPv4 header cut at 12 bytes: '
             'tunnel6 drops it before any tunnel sees it (Ip6InDelivers, '
             'no tunnel counter)', {}, 12, {'snmp6.Ip6InDelivers': 1}),
            ('tnl-inner-ihl-4', 'inner IPv4 header length 16: dropped '
             '(rx_errors)', {'ihl': 4}, None, rx_err),
            ('tnl-inner-version-6', 'inner version 6: dropped (rx_errors)',
             {'version': 6}, None, rx_err),
            ('tnl-inner-ihl-past-end', 'inner header length 60 in a '
             '48-byte packet: dropped (rx_errors)', {'ihl': 15}, 48, rx_err),
            ('tnl-inner-tot-len', 'inner total length past the end: '
             'decapsulated, then dropped by IPv4 (InTruncatedPkts)',
             {'tot': 400}, None,
             {'tnl.rx_packets': 1, 'netstat.IpExt.InTruncatedPkts': 1}),
            ('tnl-inner-bad-csum', 'inner header checksum wrong: '
             'decapsulated, then dropped by IPv4 (InCsumErrors)',
             {'bad_csum': True}, None,
             {'tnl.rx_packets': 1, 'snmp.Ip.InHdrErrors': 1,
              'netstat.IpExt.InCsumErrors': 1}),
            ('tnl-inner-ttl-0', 'inner TTL 0: decapsulated, not forwarded '
             '(InHdrErrors, ICMP time exceeded)', {'ttl': 0}, None,
             {'tnl.rx_packets': 1, 'snmp.Ip.InHdrErrors': 1,
              'snmp.Icmp.OutTimeExcds': 1})):
        i = tag4()
        inner = ip4(v4src, v4dst, 17, udp4(v4src, v4dst, data), ident=i,
                    **kw)[:cut]
        add(name, what, 'tnl', [ipip6(inner)], 'drop', counters=counters,
            match=v4match(i))
    i = tag4()
    add('tnl-wrong-remote', 'ipip6 from an address that is not the remote: '
        'not the tunnel\'s (no counter moves), refused by the stack', 'tnl',
        [ipip6(ip4(v4src, v4dst, 17, udp4(v4src, v4dst, data), ident=i),
               src=T.wan_addr[:15] + b'\x99')], 'pass',
        counters={'snmp6.Icmp6OutDestUnreachs': 1},
        match=v4match(i))
    # Destination options in front of the inner packet: Linux's ip6tnl
    # sends the encapsulation limit so by default; the fast path takes
    # that one, and leaves an unknown option to IPv6 input, which skips
    # it (its type says so) and delivers the rest to the tunnel.
    for name, what, opts in (
            ('tnl-encaplimit', 'ipip6 with an encapsulation-limit option '
             '(ip6tnl\'s default): decapsulated and forwarded',
             bytes([4, 1, 4, 1, 1, 0])),
            ('tnl-destopt-unknown', 'ipip6 with an unknown skippable '
             'destination option: decapsulated and forwarded',
             bytes([0x1e, 1, 0, 1, 1, 0]))):
        i = tag4()
        good = ip4(v4src, v4dst, 17, udp4(v4src, v4dst, data), ident=i)
        add(name, what, 'tnl',
            [ip6(T.wan_addr, T.rtr_wan, 60, bytes([4, 0]) + opts + good)],
            'xlat', [forwarded4(good)], {'tnl.rx_packets': 1},
            match=v4match(i))
    # The payload length says less than the inner header: IPv6 input
    # trims the packet to it, and tunnel6 drops the rest as truncated.
    i = tag4()
    good = ip4(v4src, v4dst, 17, udp4(v4src, v4dst, data), ident=i)
    add('tnl-short-plen', 'ipip6 whose payload length (12) ends inside the '
        'inner header: trimmed, then dropped by tunnel6 (Ip6InDelivers, '
        'no tunnel counter)', 'tnl',
        [ip6(T.wan_addr, T.rtr_wan, 4, good, plen=12)], 'drop',
        counters={'snmp6.Ip6InDelivers': 1}, match=v4match(i))
    i = tag4()
    good = ip4(v4src, v4dst, 17, udp4(v4src, v4dst, data * 20), ident=i)
    outer = ipip6(good)
    body = outer[40:]
    f1 = ip6(T.wan_addr, T.rtr_wan, NH_FRAG,
             frag(4, 0, 1, 0x4242) + body[:512])
    f2 = ip6(T.wan_addr, T.rtr_wan, NH_FRAG,
             frag(4, 64, 0, 0x4242) + body[512:])
    add('tnl-outer-fragments', 'ipip6 in two outer fragments: reassembled, '
        'decapsulated and forwarded', 'tnl', [f1, f2], 'xlat',
        [forwarded4(good)],
        {'tnl.rx_packets': 1, 'snmp6.Ip6ReasmOKs': 1}, match=v4match(i))
    return cases


# ---------------------------------------------------------------------
# Running

def run_case(topo, case, legs):
    sender, receiver, eth_dst = legs[case.path]
    tx = packet_socket(*sender)
    rx = packet_socket(*receiver)
    src_mac = tx.getsockname()[4][:6]
    before = read_counters(topo)
    got = []

    def default_match(pkt):
        if len(pkt) < 4:
            return False
        if pkt[0] >> 4 == 6:
            fl = struct.unpack('!I', pkt[:4])[0] & 0xfffff
            return fl & ~0xfff == TAG and any(
                struct.unpack('!I', f[:4])[0] & 0xfffff == fl
                for f in case.frames if f[0] >> 4 == 6)
        return False

    match = case.match or default_match

    def on_frame(frame):
        if len(frame) < 15:
            return
        et = struct.unpack('!H', frame[12:14])[0]
        pkt = frame[14:]
        if et == ETH_P_IPV6 and len(pkt) >= 40:
            pkt = pkt[:40 + struct.unpack('!H', pkt[4:6])[0]]
        elif et == ETH_P_IP and len(pkt) >= 20:
            pkt = pkt[:struct.unpack('!H', pkt[2:4])[0]]
        elif et not in (ETH_P_IPV6, ETH_P_IP):
            return
        if match(pkt):
            got.append(pkt)

    def drain(timeout):
        receive(rx, timeout, on_frame, lambda: case.outcome == 'xlat' and
                len(got) >= len(case.expect))

    for f in case.frames:
        tx.send(mac_bytes(eth_dst) + src_mac +
                struct.pack('!H', ETH_P_IPV6) + f)
    drain(WAIT_OUT if case.outcome == 'xlat' else WAIT_NOTHING)
    # Counters of the last packet may trail its delivery by a moment.
    time.sleep(0.2)
    drain(0)
    after = read_counters(topo)
    tx.close()
    rx.close()

    errs = []
    if case.outcome == 'xlat':
        if len(got) != len(case.expect):
            errs.append('%d packet(s) came out, want %d' %
                        (len(got), len(case.expect)))
        for n, (want, pkt) in enumerate(zip(case.expect, got)):
            if callable(want):
                e = want(pkt)
                if e:
                    errs.append(e)
            elif pkt != want:
                errs.append('packet %d differs:\n    want %s\n    got  %s' %
                            (n, want.hex(), pkt.hex()))
    elif got:
        errs.append('%d packet(s) came out, want none: %s' %
                    (len(got), got[0].hex()))

    for k in sorted(watched(before) | set(case.counters)):
        if k not in before or k not in after:
            errs.append('no counter %s' % k)
            continue
        d = after[k] - before[k]
        want = case.counters.get(k, 0)
        if d != want:
            errs.append('%s went up by %d, want %d' % (k, d, want))
    return errs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--topo', required=True)
    ap.add_argument('--only', default='')
    ap.add_argument('--list', action='store_true')
    args = ap.parse_args()
    topo = Topo(args.topo)
    cases = build_corpus(topo)
    only = set(args.only.split()) if args.only else None
    if args.list:
        for c in cases:
            if only and c.name not in only:
                continue
            print('%s\t%s' % (c.name, c.what))
        return 0
    legs = {
        'dnpt': ((topo['wan'], 'w0'), (topo['lan'], 'lan0'), topo['mac_ge0']),
        'snpt': ((topo['lan'], 'lan0'), (topo['wan'], 'w0'), topo['mac_ge1']),
        'ndp': ((topo['wan'], 'w0'), (topo['wan'], 'w0'), topo['mac_ge0']),
        'tnl': ((topo['wan'], 'w0'), (topo['lan'], 'lan0'), topo['mac_ge0']),
    }
    rc = 0
    for case in cases:
        if only and case.name not in only:
            continue
        try:
            errs = run_case(topo, case, legs)
        except Exception as e:  # a harness failure fails the case
            errs = ['%s: %s' % (type(e).__name__, e)]
        if errs:
            rc = 1
            print('FAIL\t%s\t%s\t%s' % (case.name, case.what,
                                       '; '.join(errs).replace('\n', ' ')))
        else:
            print('OK\t%s\t%s' % (case.name, case.what))
        sys.stdout.flush()
    return rc


if __name__ == '__main__':
    sys.exit(main())
