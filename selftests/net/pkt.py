#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# pkt.py: packet-level helpers for test_npt6.sh.  Every subcommand works
# across network namespaces from one process: it opens each socket inside
# the namespace it belongs to (setns) and then drives them all, so there
# is no background capture to start, synchronise with and stop.
#
#   craft    build the byte-exact test set (scapy) with the bytes that the
#            model in npt.py predicts for each packet
#   xmit     send one prefix length's packets through the router, both
#            ways, and record what arrives at the far end
#   compare  compare the recorded runs (npt6, ip6t_NPT) and the model
#   udp      UDP exchange, checking the addresses each end observes
#   probe    send one UDP datagram with a given hop limit and size and
#            check the ICMPv6 error that comes back
#   gro      UDP bursts that GRO on the router merges into frag-list
#            trains; check every datagram that comes out, byte for byte
#
# Packets are told apart by their flow label, which forwarding and NPT
# leave alone; the test sets net.ipv6.auto_flowlabels=0 so that nothing
# else in the namespaces carries one.

import argparse
import ctypes
import ipaddress
import json
import os
import random
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import npt  # noqa: E402

ETH_P_ALL = 0x0003
ETH_P_IPV6 = 0x86dd
PACKET_OUTGOING = 4
CLONE_NEWNET = 0x40000000

NH_HOP, NH_TCP, NH_UDP, NH_ROUTING, NH_FRAG = 0, 6, 17, 43, 44
NH_ICMP6, NH_NONE, NH_DSTOPTS = 58, 59, 60
EXT_HDRS = (NH_HOP, NH_ROUTING, NH_DSTOPTS)

# Flow labels of crafted packets: 0x80000 | plen << 10 | index.
TAG_BASE = 0x80000

_libc = ctypes.CDLL(None, use_errno=True)


class netns:
    """Run a block inside network namespace NAME (as `ip netns` names it),
    or where we are if NAME is empty."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        if not self.name:
            return self
        self.orig = os.open('/proc/self/ns/net', os.O_RDONLY)
        fd = os.open('/run/netns/' + self.name, os.O_RDONLY)
        try:
            if _libc.setns(fd, CLONE_NEWNET) != 0:
                err = ctypes.get_errno()
                raise OSError(err, 'setns %s: %s' % (self.name,
                                                     os.strerror(err)))
        finally:
            os.close(fd)
        return self

    def __exit__(self, *exc):
        if self.name:
            _libc.setns(self.orig, CLONE_NEWNET)
            os.close(self.orig)
        return False


def packet_socket(ns, ifname):
    with netns(ns):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ETH_P_ALL))
        s.bind((ifname, ETH_P_ALL))
    s.setblocking(False)
    return s


def receive(rx, timeout, on_frame, enough=lambda: False):
    """Hand every frame that arrives on packet socket RX (not our own
    outgoing ones) to ON_FRAME(frame) for up to TIMEOUT seconds, or until
    ENOUGH() says so."""
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        r, _, _ = select.select([rx], [], [], left)
        if not r:
            return
        while True:
            try:
                frame, addr = rx.recvfrom(65535)
            except BlockingIOError:
                break
            if addr[2] != PACKET_OUTGOING:
                on_frame(frame)
        if enough():
            return


def read_pcap(path):
    """Yield (link type, frame bytes, original length) of a pcap file."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        end = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        end = '>'
    else:
        raise SystemExit('%s: not a pcap file (tcpdump -w writes pcap)' % path)
    linktype = struct.unpack(end + 'I', data[20:24])[0] & 0xffff
    off = 24
    while off + 16 <= len(data):
        _, _, incl, orig = struct.unpack(end + 'IIII', data[off:off + 16])
        off += 16
        yield linktype, data[off:off + incl], orig
        off += incl


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(':'))


def a2b(text):
    return ipaddress.IPv6Address(text).packed


def b2a(raw):
    return str(ipaddress.IPv6Address(bytes(raw)))


# ---------------------------------------------------------------------
# Parsing and checksums, written independently of scapy.

def locate_l4(pkt):
    """Walk the extension headers of IPv6 packet PKT.  Returns
    (protocol, offset of the upper-layer header, first_fragment,
    whole) where whole is False for any fragment of a larger datagram."""
    nh = pkt[6]
    off = 40
    first = True
    whole = True
    while True:
        if nh in EXT_HDRS:
            if off + 2 > len(pkt):
                return nh, off, first, whole
            nxt, hlen = pkt[off], (pkt[off + 1] + 1) * 8
            nh, off = nxt, off + hlen
        elif nh == NH_FRAG:
            fo = struct.unpack('!H', pkt[off + 2:off + 4])[0]
            if fo & ~7 or fo & 1:
                whole = False
            if fo & ~7:
                first = False
            nh, off = pkt[off], off + 8
        else:
            return nh, off, first, whole


def ones_sum(data):
    if len(data) % 2:
        data = data + b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def l4_csum_ok(pkt):
    """True/False for TCP, UDP and ICMPv6 in an unfragmented packet,
    None when there is nothing to check."""
    plen = struct.unpack('!H', pkt[4:6])[0]
    pkt = pkt[:40 + plen]
    proto, off, first, whole = locate_l4(pkt)
    if proto not in (NH_TCP, NH_UDP, NH_ICMP6) or not whole:
        return None
    body = pkt[off:]
    pseudo = pkt[8:40] + struct.pack('!IxxxB', len(body), proto)
    return ones_sum(pseudo + body) == 0xffff


def icmp_error_inner(pkt):
    """Offset of the packet embedded in ICMPv6 error PKT, or None."""
    proto, off, first, whole = locate_l4(pkt)
    if proto != NH_ICMP6 or not whole or off + 8 + 40 > len(pkt):
        return None
    if pkt[off] >= 128:
        return None
    return off + 8


def translate(pkt, fwd, hops=1):
    """The model: what an RFC 6296 translator that maps with FWD
    (internal->external for SNPT, external->internal for DNPT) makes of
    PKT after HOPS forwarding hops.  Returns None for a packet that must
    be dropped."""
    p = bytearray(pkt)
    p[7] -= hops
    if fwd.snpt:
        field = 8
    else:
        field = 24
    addr = bytes(p[field:field + 16])
    if fwd.m.contains(addr):
        new = fwd.m.map(addr)
        if new is None:
            return None
        p[field:field + 16] = new
    inner = icmp_error_inner(bytes(p))
    if inner is not None:
        # The embedded packet travelled the other way: its destination
        # (SNPT) or its source (DNPT) is the translated address.
        field = inner + (24 if fwd.snpt else 8)
        addr = bytes(p[field:field + 16])
        if fwd.m.contains(addr):
            new = fwd.m.map(addr)
            if new is not None:
                p[field:field + 16] = new
    return bytes(p)


class Fwd:
    def __init__(self, m, snpt):
        self.m = m
        self.snpt = snpt


# ---------------------------------------------------------------------
# craft

def tag(plen, idx):
    return TAG_BASE | plen << 10 | idx


def make_addresses(m, rnd):
    """Interesting addresses inside m's source prefix: (name, bytes)."""
    plen = m.plen
    base = int.from_bytes(m.src, 'big')
    hostbits = 128 - plen

    def rand_host():
        while True:
            a = (base | rnd.getrandbits(hostbits)).to_bytes(16, 'big')
            if m.word_index(a) is not None:
                return a

    def with_words(a, words):
        w = bytearray(a)
        for idx, val in words.items():
            w[idx * 2:idx * 2 + 2] = val.to_bytes(2, 'big')
        return bytes(w)

    out = [('rand1', rand_host()), ('rand2', rand_host()),
           ('hostzero', m.src)]
    pz = m.positive_zero_word()
    if plen <= 48:
        if pz is not None:
            out.append(('poszero', with_words(rand_host(), {3: pz})))
        out.append(('w3ffff', with_words(rand_host(), {3: 0xffff})))
    else:
        r = rand_host()
        if pz is not None:
            out.append(('poszero', with_words(r, {4: pz})))
        out.append(('iid-ffff1', with_words(r, {4: 0xffff})))
        out.append(('iid-ffff2', with_words(r, {4: 0xffff, 5: 0xffff})))
        out.append(('iid-ffff3', with_words(
            r, {4: 0xffff, 5: 0xffff, 6: 0xffff,
                7: rnd.randrange(0, 0xffff)})))
        if pz is not None:
            out.append(('iid-ffff3-poszero', with_words(
                r, {4: 0xffff, 5: 0xffff, 6: 0xffff, 7: pz})))
    return out


def craft(args):
    from scapy.layers.inet import TCP, UDP
    from scapy.layers.inet6 import (IPv6, IPv6ExtHdrDestOpt,
                                    IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                                    ICMPv6DestUnreach, ICMPv6EchoRequest,
                                    ICMPv6PacketTooBig, ICMPv6ParamProblem,
                                    ICMPv6TimeExceeded, PadN)

    rnd = random.Random(args.seed)
    remote = args.remote
    entries = []
    int_base = int.from_bytes(a2b(args.int_base), 'big')
    ext_base = int.from_bytes(a2b(args.ext_base), 'big')

    for plen in args.plens:
        mask = ((1 << plen) - 1) << (128 - plen)
        int_pfx = (int_base & mask).to_bytes(16, 'big')
        ext_pfx = (ext_base & mask).to_bytes(16, 'big')
        snpt = npt.Mapping(int_pfx, ext_pfx, plen)
        dnpt = snpt.inverse()
        idx = 0

        def add(direction, kind, name, scapy_pkt):
            nonlocal idx
            scapy_pkt.fl = tag(plen, idx)
            raw = bytes(scapy_pkt)
            fwd = Fwd(snpt if direction == 'snpt' else dnpt,
                      direction == 'snpt')
            exp = translate(raw, fwd)
            entries.append({
                'plen': plen, 'dir': direction, 'kind': kind,
                'name': name, 'tag': tag(plen, idx), 'raw': raw.hex(),
                'expect': exp.hex() if exp is not None else None,
                'int': '%s/%d' % (b2a(int_pfx), plen),
                'ext': '%s/%d' % (b2a(ext_pfx), plen)})
            idx += 1

        def payload(n):
            return bytes(rnd.getrandbits(8) for _ in range(n))

        for direction, m in (('snpt', snpt), ('dnpt', dnpt)):
            for aname, addr in make_addresses(m, rnd):
                a = b2a(addr)
                far = remote + '%x' % rnd.randrange(1, 0xffff)
                src, dst = (a, far) if direction == 'snpt' else (far, a)
                sport = rnd.randrange(1024, 65535)

                def ip(**kw):
                    return IPv6(src=src, dst=dst, hlim=64, **kw)

                n = aname
                add(direction, 'plain', n + '/udp',
                    ip() / UDP(sport=sport, dport=4789) / payload(37))
                add(direction, 'plain', n + '/echo',
                    ip() / ICMPv6EchoRequest(id=rnd.getrandbits(16),
                                             seq=7, data=payload(56)))
                if aname in ('rand1', 'poszero'):
                    # Every kind of packet for the addresses that matter most.
                    add(direction, 'plain', n + '/tcp-syn',
                        ip(tc=0x28) / TCP(sport=sport, dport=443, flags='S',
                                          seq=rnd.getrandbits(32),
                                          options=[('MSS', 1440),
                                                   ('SAckOK', b''),
                                                   ('Timestamp', (12345, 0)),
                                                   ('NOP', None),
                                                   ('WScale', 7)]))
                    add(direction, 'plain', n + '/hbh-udp',
                        ip() / IPv6ExtHdrHopByHop(options=[PadN(optdata=b'\0' * 4)])
                        / UDP(sport=sport, dport=53) / payload(20))
                    add(direction, 'plain', n + '/dstopt-tcp',
                        ip() / IPv6ExtHdrDestOpt(options=[PadN(optdata=b'\0' * 4)])
                        / TCP(sport=sport, dport=22, flags='PA',
                              seq=rnd.getrandbits(32), ack=rnd.getrandbits(32))
                        / payload(100))
                    # A UDP datagram in two fragments; its checksum covers the
                    # whole datagram, so translation must still keep it valid.
                    data = payload(100)
                    whole = bytes(IPv6(src=src, dst=dst) /
                                  UDP(sport=sport, dport=5001) / data)[40:]
                    fid = rnd.getrandbits(32)
                    add(direction, 'plain', n + '/frag-first',
                        ip() / IPv6ExtHdrFragment(nh=NH_UDP, offset=0, m=1,
                                                  id=fid) / whole[:56])
                    add(direction, 'plain', n + '/frag-last',
                        ip() / IPv6ExtHdrFragment(nh=NH_UDP, offset=7, m=0,
                                                  id=fid) / whole[56:])
                if aname not in ('rand1', 'poszero', 'iid-ffff3'):
                    continue
                # ICMPv6 errors about the reverse flow: the embedded
                # packet was addressed to (SNPT) / sent by (DNPT) ADDR.
                if direction == 'snpt':
                    inner = IPv6(src=far, dst=a, hlim=3) / UDP(
                        sport=53, dport=sport) / payload(24)
                    add(direction, 'icmperr', n + '/unreach',
                        ip() / ICMPv6DestUnreach(code=4) / inner)
                    add(direction, 'icmperr', n + '/ptb-inner-dstopt',
                        ip() / ICMPv6PacketTooBig(mtu=1280)
                        / IPv6(src=far, dst=a) / IPv6ExtHdrDestOpt()
                        / TCP(sport=443, dport=sport, flags='A')
                        / payload(60))
                    add(direction, 'icmperr-exthdr', n + '/dstopt-unreach',
                        ip() / IPv6ExtHdrDestOpt() / ICMPv6DestUnreach(code=1)
                        / inner)
                else:
                    inner = IPv6(src=a, dst=far, hlim=1) / UDP(
                        sport=sport, dport=33434) / payload(24)
                    add(direction, 'icmperr', n + '/time-exceeded',
                        ip() / ICMPv6TimeExceeded(code=0) / inner)
                    add(direction, 'icmperr', n + '/ptb',
                        ip() / ICMPv6PacketTooBig(mtu=1280)
                        / IPv6(src=a, dst=far) / TCP(sport=sport, dport=443,
                                                     flags='PA')
                        / payload(200))
                    add(direction, 'icmperr-exthdr', n + '/dstopt-paramprob',
                        ip() / IPv6ExtHdrDestOpt() / ICMPv6ParamProblem(
                            code=0, ptr=7) / inner)
        # Unmappable: /49../64 and an all-ones interface identifier.
        if plen > 48:
            for direction, m in (('snpt', snpt), ('dnpt', dnpt)):
                addr = m.src[:8] + b'\xff' * 8
                a = b2a(addr)
                far = remote + '%x' % rnd.randrange(1, 0xffff)
                src, dst = (a, far) if direction == 'snpt' else (far, a)
                add(direction, 'unmappable', 'iid-ones/udp',
                    IPv6(src=src, dst=dst, hlim=64) / UDP(sport=1, dport=2)
                    / payload(10))

    # The model must be self-consistent before anything is compared
    # against it: every expected packet keeps valid checksums.
    for e in entries:
        if e['expect'] is None:
            continue
        for which in ('raw', 'expect'):
            if l4_csum_ok(bytes.fromhex(e[which])) is False:
                sys.stderr.write('craft: bad checksum in %s of %s /%d %s\n' %
                                 (which, e['dir'], e['plen'], e['name']))
                return 1
    with open(args.out, 'w') as f:
        json.dump(entries, f, indent=0)
    return 0


# ---------------------------------------------------------------------
# xmit

def xmit(args):
    with open(args.set) as f:
        entries = [e for e in json.load(f) if e['plen'] == args.plen]
    got = {}
    legs = (('snpt', args.lan_ns, args.lan_if, args.lan_gw_mac,
             args.wan_ns, args.wan_if),
            ('dnpt', args.wan_ns, args.wan_if, args.wan_gw_mac,
             args.lan_ns, args.lan_if))
    for direction, sns, sif, gw, rns, rif in legs:
        todo = [e for e in entries if e['dir'] == direction]
        # Unmappable packets go first: once everything after them has
        # arrived in order, anything of theirs would have too.
        todo.sort(key=lambda e: e['kind'] != 'unmappable')
        want = {e['tag'] for e in todo if e['kind'] != 'unmappable'}
        tags = {e['tag'] for e in todo}
        rx = packet_socket(rns, rif)
        tx = packet_socket(sns, sif)
        eth = mac_bytes(gw) + tx.getsockname()[4][:6] + \
            struct.pack('!H', ETH_P_IPV6)
        seen = set()

        def on_frame(frame):
            if len(frame) < 54:
                return
            if struct.unpack('!H', frame[12:14])[0] != ETH_P_IPV6:
                return
            ip6 = frame[14:]
            fl = struct.unpack('!I', ip6[:4])[0] & 0xfffff
            if fl in tags:
                plen = struct.unpack('!H', ip6[4:6])[0]
                got.setdefault(fl, []).append(ip6[:40 + plen].hex())
                seen.add(fl)

        def drain(timeout):
            receive(rx, timeout, on_frame, lambda: want <= seen)

        for e in todo:
            tx.send(eth + bytes.fromhex(e['raw']))
            drain(0)
        deadline = time.monotonic() + args.timeout
        while not want <= seen and time.monotonic() < deadline:
            drain(deadline - time.monotonic())
        drain(0.3)
        rx.close()
        tx.close()
    with open(args.out, 'w') as f:
        json.dump({str(k): v for k, v in got.items()}, f)
    return 0


# ---------------------------------------------------------------------
# compare

def hexdiff(label, want, got):
    lines = ['    %s' % label]
    w, g = bytes.fromhex(want), bytes.fromhex(got)
    diff = [i for i in range(max(len(w), len(g)))
            if i >= len(w) or i >= len(g) or w[i] != g[i]]
    lines.append('      differing byte offsets: %s' %
                 ','.join(map(str, diff[:24])))
    for name, b in (('expected', w), ('got     ', g)):
        for off in range(0, len(b), 32):
            lines.append('      %s %04x: %s' % (name, off, b[off:off + 32].hex()))
            name = ' ' * len(name)
    return lines


def compare(args):
    """Judge the recorded runs.  Writes one line per test: OK or FAIL, a
    tab, the description; then the details, indented by two tabs."""
    with open(args.set) as f:
        entries = json.load(f)
    runs = {}
    for label, pattern in (('npt6', args.npt6), ('oracle', args.oracle)):
        for plen in args.plens:
            path = pattern.replace('%L', str(plen))
            try:
                with open(path) as f:
                    runs[label, plen] = {int(k): v for k, v in
                                         json.load(f).items()}
            except OSError:
                runs[label, plen] = None

    def one(e, label):
        """The single copy of E that run LABEL delivered, or a reason."""
        run = runs[label, e['plen']]
        if run is None:
            return None, '%s run missing' % label
        copies = run.get(e['tag'], [])
        if len(copies) > 1:
            return None, '%s delivered %d copies' % (label, len(copies))
        return (copies[0] if copies else None), None

    def judge_plain(e, log):
        """npt6 == ip6t_NPT == model; both drop what is unmappable."""
        g6, why6 = one(e, 'npt6')
        go, whyo = one(e, 'oracle')
        why = why6 or whyo
        if not why and e['kind'] == 'unmappable':
            if g6 is not None:
                why = 'npt6 forwarded an unmappable address'
            elif go is not None:
                why = 'ip6t_NPT forwarded an unmappable address'
        elif not why:
            if g6 is None:
                why = 'npt6 delivered nothing'
            elif go is None:
                why = 'ip6t_NPT delivered nothing'
            elif go != e['expect']:
                why = 'model disagrees with ip6t_NPT'
                log += hexdiff('ip6t_NPT vs model', e['expect'], go)
            elif g6 != go:
                why = 'npt6 differs from ip6t_NPT'
                log += hexdiff('npt6 vs ip6t_NPT', go, g6)
        return why

    def judge_icmp(e, log):
        """npt6 == model, checksum valid; ip6t_NPT is only noted."""
        g6, why = one(e, 'npt6')
        if not why:
            if g6 is None:
                why = 'npt6 delivered nothing'
            elif g6 != e['expect']:
                why = 'not translated as modelled'
                log += hexdiff('npt6 vs model', e['expect'], g6)
            elif l4_csum_ok(bytes.fromhex(g6)) is not True:
                why = 'ICMPv6 checksum invalid'
        return why

    tests = []

    def run_test(desc, sel, judge, note_oracle=False):
        log, bad, agree = [], 0, 0
        for e in sel:
            elog = []
            why = judge(e, elog)
            if note_oracle:
                g6, _ = one(e, 'npt6')
                go, _ = one(e, 'oracle')
                agree += go is not None and go == e['expect']
            if why:
                bad += 1
                log.append('%s /%d %s: %s' % (e['dir'].upper(), e['plen'],
                                              e['name'], why))
                log.append('    sent:     %s' % e['raw'])
                log += elog
        detail = ['%d of %d packets wrong' % (bad, len(sel))] + log \
            if bad else []
        if note_oracle:
            detail.append('(ip6t_NPT, for comparison, gets %d of %d right)' %
                          (agree, len(sel)))
        tests.append((bool(sel) and not bad, desc % len(sel), detail))

    for plen in args.plens:
        for d in ('snpt', 'dnpt'):
            mine = [e for e in entries if e['plen'] == plen and e['dir'] == d]
            run_test('%s /%d: %%d packets byte-identical to ip6t_NPT' %
                     (d.upper(), plen),
                     [e for e in mine if e['kind'] in ('plain', 'unmappable')],
                     judge_plain)
            run_test('%s /%d: %%d ICMPv6 errors, embedded %s translated' %
                     (d.upper(), plen,
                      'destination' if d == 'snpt' else 'source'),
                     [e for e in mine if e['kind'] == 'icmperr'],
                     judge_icmp, note_oracle=True)
    for d in ('snpt', 'dnpt'):
        run_test('%s: %%d ICMPv6 errors behind an extension header, '
                 'embedded %s translated' %
                 (d.upper(), 'destination' if d == 'snpt' else 'source'),
                 [e for e in entries if e['dir'] == d and
                  e['kind'] == 'icmperr-exthdr' and e['plen'] in args.plens],
                 judge_icmp, note_oracle=True)

    with open(args.out, 'w') as f:
        for ok, desc, detail in tests:
            f.write('%s\t%s\n' % ('OK' if ok else 'FAIL', desc))
            for line in detail:
                f.write('\t\t%s\n' % line)
    return 0


# ---------------------------------------------------------------------
# udp

def udp(args):
    """A sends datagrams to B's address as A knows it; B checks the source
    address it sees and echoes; A checks the source of the echo."""
    with netns(args.b_ns):
        b = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        b.bind(('::', args.port))
    with netns(args.a_ns):
        a = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        if args.a_src:
            a.bind((args.a_src, 0))
    a.settimeout(args.timeout)
    b.settimeout(args.timeout)
    ok = True
    for size in args.sizes:
        data = os.urandom(size)
        a.sendto(data, (args.b_addr, args.port))
        try:
            msg, peer = b.recvfrom(65535)
        except socket.timeout:
            print('udp: %d-byte datagram to [%s]:%d never arrived' %
                  (size, args.b_addr, args.port))
            return 1
        if msg != data:
            print('udp: payload corrupted (%d bytes)' % size)
            ok = False
        if args.expect_src and peer[0] != args.expect_src:
            print('udp: receiver saw source %s, expected %s' %
                  (peer[0], args.expect_src))
            ok = False
        b.sendto(msg, peer)
        try:
            echo, epeer = a.recvfrom(65535)
        except socket.timeout:
            print('udp: echo of %d bytes to [%s] never arrived' %
                  (size, peer[0]))
            return 1
        if echo != data:
            print('udp: echo payload corrupted (%d bytes)' % size)
            ok = False
        if epeer[0] != args.b_addr:
            print('udp: echo came from %s, expected %s' %
                  (epeer[0], args.b_addr))
            ok = False
    return 0 if ok else 1


# ---------------------------------------------------------------------
# probe

IPV6_RECVERR = 25
IPV6_MTU_DISCOVER = 23
IPV6_PMTUDISC_DO = 2
IPV6_MTU = 24
MSG_ERRQUEUE = 0x2000


def scapy_icmp_csum_ok(raw):
    """Let scapy recompute the ICMPv6 checksum of RAW, as a second opinion
    independent of l4_csum_ok()."""
    from scapy.layers.inet6 import IPv6
    from scapy.packet import NoPayload

    def icmp_layer(p):
        layer = p.payload
        while not isinstance(layer, NoPayload) and \
                not any(f.name == 'cksum' for f in layer.fields_desc):
            layer = layer.payload
        return None if isinstance(layer, NoPayload) else layer

    p = IPv6(raw)
    layer = icmp_layer(p)
    if layer is None:
        return False
    got = layer.cksum
    del layer.cksum
    again = icmp_layer(IPv6(bytes(p)))
    return again is not None and again.cksum == got


def probe(args):
    """Send one UDP datagram from a real socket in NS and wait for the
    ICMPv6 error about it, captured on IFACE in the same namespace."""
    cap = packet_socket(args.ns, args.iface)
    with netns(args.ns):
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        if args.src:
            s.bind((args.src, 0))
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, args.hlim)
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVERR, 1)
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO)
    s.setblocking(False)
    payload = os.urandom(args.size)
    s.sendto(payload, (args.dst, args.port))
    sport = s.getsockname()[1]
    sent = None
    err = None
    errq = None
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline and (err is None or
                                           (args.errqueue and errq is None)):
        r, _, x = select.select([cap], [], [s], 0.2)
        while True:
            try:
                frame, addr = cap.recvfrom(65535)
            except BlockingIOError:
                break
            if struct.unpack('!H', frame[12:14])[0] != ETH_P_IPV6:
                continue
            ip6 = frame[14:]
            ip6 = ip6[:40 + struct.unpack('!H', ip6[4:6])[0]]
            proto, off, _, _ = locate_l4(ip6)
            if addr[2] == PACKET_OUTGOING:
                if proto == NH_UDP and ip6[off:off + 2] == \
                        struct.pack('!H', sport) and sent is None:
                    sent = ip6
                continue
            inner = icmp_error_inner(ip6)
            if inner is None:
                continue
            iproto, ioff, _, _ = locate_l4(ip6[inner:])
            if iproto == NH_UDP and \
                    ip6[inner + ioff:inner + ioff + 2] == \
                    struct.pack('!H', sport):
                err = ip6
        if args.errqueue and errq is None:
            try:
                _, anc, _, _ = s.recvmsg(65535, 512, MSG_ERRQUEUE)
                for level, typ, data in anc:
                    if level == socket.IPPROTO_IPV6 and typ == IPV6_RECVERR:
                        ee_errno, origin, etype, ecode, _, info, _ = \
                            struct.unpack('=IBBBBII', data[:16])
                        errq = (ee_errno, etype, ecode, info)
            except (BlockingIOError, InterruptedError):
                pass
    ok = True

    def fail(msg):
        nonlocal ok
        print('probe: ' + msg)
        ok = False

    if sent is None:
        fail('did not see our own probe leave %s' % args.iface)
        return 1
    print('probe sent:     %s' % sent.hex())
    if err is None:
        fail('no ICMPv6 error about the probe arrived on %s' % args.iface)
        return 1
    print('error received: %s' % err.hex())
    _, off, _, _ = locate_l4(err)
    etype, ecode = err[off], err[off + 1]
    einfo = struct.unpack('!I', err[off + 4:off + 8])[0]
    inner = err[off + 8:]
    print('error: type %d code %d info %d from %s to %s; embedded %s -> %s'
          ' hlim %d' % (etype, ecode, einfo, b2a(err[8:24]), b2a(err[24:40]),
                        b2a(inner[8:24]), b2a(inner[24:40]), inner[7]))
    if (etype, ecode) != (args.type, args.code):
        fail('expected type %d code %d' % (args.type, args.code))
    if args.mtu is not None and einfo != args.mtu:
        fail('expected MTU %d, got %d' % (args.mtu, einfo))
    if args.outer_dst and b2a(err[24:40]) != \
            str(ipaddress.IPv6Address(args.outer_dst)):
        fail('outer destination %s, expected %s' %
             (b2a(err[24:40]), args.outer_dst))
    if args.outer_src and b2a(err[8:24]) != \
            str(ipaddress.IPv6Address(args.outer_src)):
        fail('outer source %s, expected %s' % (b2a(err[8:24]), args.outer_src))
    if b2a(inner[8:24]) != b2a(sent[8:24]):
        fail('embedded source %s, expected %s' %
             (b2a(inner[8:24]), b2a(sent[8:24])))
    if b2a(inner[24:40]) != b2a(sent[24:40]):
        fail('embedded destination %s, expected %s' %
             (b2a(inner[24:40]), b2a(sent[24:40])))
    # The embedded packet is the probe as the reporting node saw it
    # (hop limit decremented by the hops before it), cut to fit.
    want = bytearray(sent)
    want[7] = args.inner_hlim
    want = bytes(want[:len(inner)])
    if inner != want:
        fail('embedded packet differs from the probe')
        for line in hexdiff('embedded vs probe', want.hex(), inner.hex()):
            print(line)
    if l4_csum_ok(err) is not True:
        fail('ICMPv6 checksum of the error is invalid')
    if not scapy_icmp_csum_ok(err):
        fail('scapy recomputes a different ICMPv6 checksum')
    else:
        print('ICMPv6 checksum 0x%04x valid (own sum and scapy)' %
              struct.unpack('!H', err[off + 2:off + 4])[0])
    # veth leaves the UDP checksum to "hardware" (CHECKSUM_PARTIAL), so
    # the probe may never carry a final one; then the byte comparison
    # above is all there is to say about it.
    if len(inner) == len(sent) and l4_csum_ok(sent):
        if l4_csum_ok(inner) is not True:
            fail('embedded UDP checksum invalid')
    if args.errqueue:
        if errq is None:
            fail('the sending socket got no error (its error queue is empty)')
        else:
            print('socket error queue: errno %d type %d code %d info %d' % errq)
            if (errq[1], errq[2]) != (args.type, args.code):
                fail('socket got type %d code %d' % errq[1:3])
            if args.mtu is not None and errq[3] != args.mtu:
                fail('socket got MTU %d' % errq[3])
    return 0 if ok else 1


# ---------------------------------------------------------------------
# gro

UDP_SEGMENT = 103
SO_RCVBUFFORCE = 33


def udp_seed_ok(ip):
    """Does the UDP checksum field of IPv6 packet IP hold the sum of its
    pseudo-header, as CHECKSUM_PARTIAL leaves it for the device to finish?
    skb_segment_list() leaves frag-list segments so even on a device that
    cannot finish them (veth passes them on as they are)."""
    ulen = len(ip) - 40
    seed = ones_sum(ip[8:40] + struct.pack('!IxxxB', ulen, NH_UDP))
    check = struct.unpack('!H', ip[46:48])[0]
    return check == seed or (seed == 0xffff and check == 0)


def gro(args):
    """Send BURSTS bursts of COUNT datagrams of SIZE bytes from TX_NS to
    DST, each burst one UDP_SEGMENT send that the sender's veth segments in
    software, so that the datagrams reach the router back to back and its
    GRO can merge them into a frag-list train.  Check every datagram the
    receiving socket gets (peer address, destination address, payload) and,
    with --wire-if, every frame that arrives there (addresses, length,
    payload, UDP checksum or, left for the device, pseudo-header sum).
    --gro-if is where the router receives the
    trains: frames longer than one datagram there show that GRO merged."""
    block = random.Random(6296).randbytes(4096)
    port = args.port

    def payload(b, i):
        off = (b * 61 + i * 7) % 2048
        return struct.pack('!HH', b, i) + block[off:off + args.size - 4]

    with netns(args.rx_ns):
        rx = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        rx.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
        rx.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
        rx.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1)
        rx.bind(('::', port))
    rx.setblocking(False)
    with netns(args.tx_ns):
        tx = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        tx.bind((args.tx_src, 0))
        tx.setsockopt(socket.IPPROTO_UDP, UDP_SEGMENT, args.size)
    caps = {}
    if args.gro_if:
        caps['gro'] = packet_socket(args.gro_ns, args.gro_if)
    if args.wire_if:
        caps['wire'] = packet_socket(args.wire_ns, args.wire_if)

    errors = []
    got = {}
    hlims = {}
    trains = []
    wire = {}
    csum = {'full': 0, 'partial': 0}

    def err(msg):
        if len(errors) < 20:
            errors.append(msg)

    def udp_frame(frame):
        """(IPv6 packet, UDP header offset) of a UDP frame to our port."""
        if frame[12:14] != b'\x86\xdd' or len(frame) < 62 or frame[20] != 17:
            return None
        if struct.unpack('!H', frame[56:58])[0] != port:
            return None
        return frame[14:]

    def on_gro(frame):
        ip = udp_frame(frame)
        if ip and len(ip) > 48 + args.size:
            trains.append((len(ip) - 48) // args.size)

    def on_wire(frame):
        ip = udp_frame(frame)
        if not ip:
            return
        b, i = struct.unpack('!HH', ip[48:52])
        wire[(b, i)] = wire.get((b, i), 0) + 1
        if b2a(ip[8:24]) != args.expect_src or b2a(ip[24:40]) != args.expect_dst:
            err('wire: datagram %d/%d from %s to %s' %
                (b, i, b2a(ip[8:24]), b2a(ip[24:40])))
        if len(ip) != 48 + args.size or ip[48:] != payload(b, i):
            err('wire: datagram %d/%d: %d bytes, payload differs' %
                (b, i, len(ip)))
        elif l4_csum_ok(ip):
            csum['full'] += 1
        elif udp_seed_ok(ip):
            csum['partial'] += 1
        else:
            # The bytes of the first one, for whoever has to find out why.
            err('wire: datagram %d/%d: bad UDP checksum%s' %
                (b, i, '' if csum.get('bad') else ': ' + ip.hex()))
            csum['bad'] = csum.get('bad', 0) + 1

    def on_rx():
        while True:
            try:
                data, anc, _, peer = rx.recvmsg(65535, 256)
            except BlockingIOError:
                return
            dst = hlim = None
            for level, kind, val in anc:
                if level == socket.IPPROTO_IPV6 and kind == socket.IPV6_PKTINFO:
                    dst = b2a(val[:16])
                elif level == socket.IPPROTO_IPV6 and kind == socket.IPV6_HOPLIMIT:
                    hlim = struct.unpack('i', val[:4])[0]
            hlims[hlim] = hlims.get(hlim, 0) + 1
            if len(data) < 4:
                err('socket: %d-byte datagram' % len(data))
                continue
            b, i = struct.unpack('!HH', data[:4])
            got[(b, i)] = got.get((b, i), 0) + 1
            if peer[0] != args.expect_src or dst != args.expect_dst:
                err('socket: datagram %d/%d from %s to %s' %
                    (b, i, peer[0], dst))
            if data != payload(b, i):
                err('socket: datagram %d/%d: %d bytes, payload differs' %
                    (b, i, len(data)))

    def drain(timeout, enough):
        end = time.monotonic() + timeout
        socks = [rx] + list(caps.values())
        while not enough():
            left = end - time.monotonic()
            if left <= 0:
                return
            r, _, _ = select.select(socks, [], [], left)
            for s in r:
                if s is rx:
                    on_rx()
                    continue
                while True:
                    try:
                        frame, addr = s.recvfrom(65535)
                    except BlockingIOError:
                        break
                    if addr[2] == PACKET_OUTGOING:
                        continue
                    if s is caps.get('gro'):
                        on_gro(frame)
                    else:
                        on_wire(frame)

    for b in range(args.bursts):
        tx.sendto(b''.join(payload(b, i) for i in range(args.count)),
                  (args.dst, port))
        want = (b + 1) * args.count
        drain(args.timeout, lambda: len(got) >= want and
              (not args.wire_if or len(wire) >= want))
    # Late frames and duplicates.
    drain(0.3, lambda: False)

    total = args.bursts * args.count
    missing = total - len(got)
    if missing:
        err('socket: %d of %d datagrams never arrived' % (missing, total))
    dups = sum(n - 1 for n in got.values() if n > 1)
    if dups:
        err('socket: %d duplicates' % dups)
    if args.wire_if:
        if len(wire) != total or any(n != 1 for n in wire.values()):
            err('wire: %d distinct datagrams of %d, %d frames' %
                (len(wire), total, sum(wire.values())))
    if args.gro_if and not trains:
        err('%s: no frame longer than one datagram: GRO merged nothing' %
            args.gro_if)
    print('gro: %d datagrams sent, %d received; %d trains on %s '
          '(largest %d datagrams); %d frames on %s (UDP checksum %d full, '
          '%d pseudo-header sum); hop limits %s' %
          (total, len(got), len(trains), args.gro_if or '-',
           max(trains, default=0), sum(wire.values()), args.wire_if or '-',
           csum['full'], csum['partial'], dict(sorted(hlims.items()))))
    for e in errors:
        print(e)
    return 1 if errors else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    sub = ap.add_subparsers(dest='cmd', required=True)

    p = sub.add_parser('craft')
    p.add_argument('--int-base', required=True)
    p.add_argument('--ext-base', required=True)
    p.add_argument('--remote', required=True,
                   help='prefix text for far-end addresses, e.g. 2001:db8:dead::')
    p.add_argument('--plens', type=lambda s: [int(x) for x in s.split(',')],
                   required=True)
    p.add_argument('--seed', type=int, default=6296)
    p.add_argument('--out', required=True)

    p = sub.add_parser('xmit')
    p.add_argument('--set', required=True)
    p.add_argument('--plen', type=int, required=True)
    for side in ('lan', 'wan'):
        p.add_argument('--%s-ns' % side, required=True)
        p.add_argument('--%s-if' % side, required=True)
        p.add_argument('--%s-gw-mac' % side, required=True)
    p.add_argument('--timeout', type=float, default=10)
    p.add_argument('--out', required=True)

    p = sub.add_parser('compare')
    p.add_argument('--set', required=True)
    p.add_argument('--plens', type=lambda s: [int(x) for x in s.split(',')],
                   required=True)
    p.add_argument('--npt6', required=True, help='result path, %%L = plen')
    p.add_argument('--oracle', required=True, help='result path, %%L = plen')
    p.add_argument('--out', required=True)

    p = sub.add_parser('udp')
    p.add_argument('--a-ns', required=True)
    p.add_argument('--a-src')
    p.add_argument('--b-ns', required=True)
    p.add_argument('--b-addr', required=True)
    p.add_argument('--expect-src')
    p.add_argument('--port', type=int, default=7007)
    p.add_argument('--sizes', type=lambda s: [int(x) for x in s.split(',')],
                   default=[1, 512, 1400])
    p.add_argument('--timeout', type=float, default=5)

    p = sub.add_parser('gro')
    p.add_argument('--tx-ns', required=True)
    p.add_argument('--tx-src', required=True)
    p.add_argument('--dst', required=True)
    p.add_argument('--rx-ns', required=True)
    p.add_argument('--expect-src', required=True)
    p.add_argument('--expect-dst', required=True)
    p.add_argument('--gro-ns')
    p.add_argument('--gro-if')
    p.add_argument('--wire-ns')
    p.add_argument('--wire-if')
    p.add_argument('--port', type=int, default=7008)
    p.add_argument('--size', type=int, default=1000)
    p.add_argument('--count', type=int, default=32)
    p.add_argument('--bursts', type=int, default=40)
    p.add_argument('--timeout', type=float, default=5)

    p = sub.add_parser('probe')
    p.add_argument('--ns', required=True)
    p.add_argument('--iface', required=True)
    p.add_argument('--src')
    p.add_argument('--dst', required=True)
    p.add_argument('--port', type=int, default=33434)
    p.add_argument('--hlim', type=int, default=64)
    p.add_argument('--size', type=int, default=32)
    p.add_argument('--type', type=int, required=True)
    p.add_argument('--code', type=int, default=0)
    p.add_argument('--mtu', type=int)
    p.add_argument('--outer-src')
    p.add_argument('--outer-dst')
    p.add_argument('--inner-hlim', type=int, required=True)
    p.add_argument('--errqueue', action='store_true',
                   help='also require the error on the socket error queue')
    p.add_argument('--timeout', type=float, default=5)

    args = ap.parse_args()
    return globals()[args.cmd](args)


if __name__ == '__main__':
    sys.exit(main())
