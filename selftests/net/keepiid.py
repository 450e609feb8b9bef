#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# keepiid.py: packet checks for test_keepiid.sh, `mode keep-iid` (issue
# 20): a mapping that swaps the prefix, keeps the rest of the address and
# updates every checksum that covers it.  Nothing is taken from the module
# under test: the translated address is the prefix swap computed here from
# the configuration, and checksums are recomputed here and by scapy.
#
#   swap FROM/LEN TO/LEN ADDR   ADDR with its prefix swapped (the model)
#   nl add|flush|stats|mode-raw   npt6 generic netlink requests (NPT6_A_MODE
#            and the keep-iid counters, whatever nptctl knows)
#   craft    the byte-exact set: TCP SYN, TCP data, UDP (one whose
#            translated checksum is 0, sent as 0xffff), ICMPv6 echo, for
#            each prefix length, both ways; pkt.py xmit sends it
#   compare  npt6's run against nftables' (snat/dnat ip6 prefix to) and
#            against the model
#   partial  real sockets whose TCP and UDP reach the translator as
#            CHECKSUM_PARTIAL; the router finishes the checksum in
#            software on its way out, after the translation; what comes
#            out must be the packet as sent, translated, with the final
#            checksum
#   check    hand-made packets through a keep-iid mapping, each checked on
#            its own: TCP, UDP, UDP-Lite, DCCP, ICMPv6, fragments, ICMPv6
#            errors both ways, an unknown protocol, truncated headers, UDP
#            without checksum; with --counters the npt6 counters each one
#            must move
#
# Output of compare, partial and check: one line per check, "OK<TAB>what"
# or "FAIL<TAB>what<TAB>why" (or "SKIP<TAB>what<TAB>why").

import argparse
import errno
import ipaddress
import json
import os
import random
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkt import (ETH_P_IPV6, PACKET_OUTGOING, a2b, b2a,  # noqa: E402
                 hexdiff, mac_bytes, netns, ones_sum, packet_socket, receive)
from nl_fuzz import (NETLINK_GENERIC, NLA_F_NESTED, NLM_F_ACK,  # noqa: E402
                     NLM_F_REQUEST, Sock, attr, family_id, nlmsg,
                     parse_attrs)

NH_HOP, NH_TCP, NH_UDP, NH_ROUTING, NH_FRAG = 0, 6, 17, 43, 44
NH_DCCP, NH_ICMP6, NH_NONE, NH_DSTOPTS, NH_UDPLITE = 33, 58, 59, 60, 136
EXT_HDRS = (NH_HOP, NH_ROUTING, NH_DSTOPTS)
# Where each protocol keeps its checksum, from the start of its header.
CSUM_OFF = {NH_TCP: 16, NH_UDP: 6, NH_UDPLITE: 6, NH_DCCP: 6, NH_ICMP6: 2}

# Flow labels: 0x80000 | plen << 10 | index, as pkt.py's, for the byte-exact
# set; 0xa0000 | index for check's packets.
TAG_BASE = 0x80000
TAG_CHECK = 0xa0000

# uapi/linux/npt6.h
NPT6_CMD_MAP_ADD, NPT6_CMD_MAP_DEL, NPT6_CMD_MAP_GET = 1, 2, 3
NPT6_CMD_MAP_FLUSH = 4
NPT6_A_IFINDEX, NPT6_A_INT_PREFIX, NPT6_A_EXT_PREFIX = 1, 3, 4
NPT6_A_PREFIX_LEN, NPT6_A_STATS, NPT6_A_NDPROXY = 5, 6, 8
NPT6_A_NDP_STATS = 14
NPT6_A_AUTO_PD = 20
NPT6_A_MODE = NPT6_A_AUTO_PD + 1
MODES = {'rfc6296': 0, 'keep-iid': 1}
NDPROXY = {'off': 0, 'auto': 1, 'all': 2}
STATS_DIR = {1: 'snpt', 2: 'dnpt'}
DSTATS = {2: 'packets', 3: 'bytes', 4: 'icmp_inner', 5: 'local',
          6: 'collision', 7: 'drop_unmappable', 8: 'drop_nomem',
          9: 'csum_unknown', 10: 'drop_truncated'}
NSTATS = {2: 'ns_seen', 3: 'na_sent', 4: 'ign_local', 5: 'ign_off',
          6: 'ign_unresolved', 7: 'ign_outside', 8: 'drop_malformed',
          9: 'ign_budget'}


# ---------------------------------------------------------------------
# The model: a prefix swap, and RFC 1624 incremental checksum updates.

class KMap:
    """A keep-iid mapping INT/LEN <-> EXT/LEN."""

    def __init__(self, int_text, ext_text):
        i = ipaddress.IPv6Network(int_text, strict=True)
        e = ipaddress.IPv6Network(ext_text, strict=True)
        assert i.prefixlen == e.prefixlen
        self.plen = i.prefixlen
        self.int = i
        self.ext = e
        self.host = (1 << (128 - self.plen)) - 1

    def _swap(self, addr, to):
        a = int.from_bytes(addr, 'big') & self.host
        return (a | int(to.network_address)).to_bytes(16, 'big')

    def snpt(self, addr):
        return self._swap(addr, self.ext)

    def dnpt(self, addr):
        return self._swap(addr, self.int)

    def is_int(self, addr):
        return ipaddress.IPv6Address(bytes(addr)) in self.int

    def is_ext(self, addr):
        return ipaddress.IPv6Address(bytes(addr)) in self.ext


def csum_adjust(old, before, after):
    """RFC 1624 eqn. 3: checksum OLD once the bytes BEFORE (an even-aligned
    run of 16-bit words that it covers) have become AFTER."""
    s = (~old & 0xffff) + (~ones_sum(before) & 0xffff) + ones_sum(after)
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def walk(pkt, off=40, nh=None):
    """Extension headers of the IPv6 packet at PKT[off - 40:]: returns
    (protocol, offset of its header, fragment offset, more fragments),
    offset None when the chain runs past the end."""
    if nh is None:
        nh = pkt[off - 34]
    fo, mf = 0, 0
    while nh in EXT_HDRS or nh == NH_FRAG:
        if off + 8 > len(pkt):
            return nh, None, fo, mf
        if nh == NH_FRAG:
            v = struct.unpack('!H', pkt[off + 2:off + 4])[0]
            fo, mf = v >> 3, v & 1
            nh, off = pkt[off], off + 8
        else:
            nh, off = pkt[off], off + (pkt[off + 1] + 1) * 8
    return nh, off, fo, mf


def pseudo(src, dst, length, proto):
    return src + dst + struct.pack('!IxxxB', length, proto)


def l4_sum_ok(src, dst, proto, body):
    """Does the checksum of the whole upper-layer BODY verify?  None when
    PROTO has none we know or it is UDP's 0 (no checksum)."""
    if proto not in CSUM_OFF or len(body) < CSUM_OFF[proto] + 2:
        return None
    cover = body
    if proto == NH_UDP and body[6:8] == b'\0\0':
        return None
    if proto == NH_UDPLITE:
        cov = struct.unpack('!H', body[4:6])[0]
        cover = body if cov == 0 else body[:cov]
    if proto == NH_DCCP:
        cscov = body[5] & 15
        doff = body[4] * 4
        if cscov:
            cover = body[:doff + (cscov - 1) * 4]
    return ones_sum(pseudo(src, dst, len(body), proto) + cover) == 0xffff


def full_csum(src, dst, proto, body, partial=False):
    """BODY with its checksum computed from scratch (UDP's 0 as 0xffff;
    with PARTIAL every 0, as skb_checksum_help() writes it)."""
    off = CSUM_OFF[proto]
    b = bytearray(body)
    b[off:off + 2] = b'\0\0'
    c = ~ones_sum(pseudo(src, dst, len(b), proto) + bytes(b)) & 0xffff
    if c == 0 and (proto == NH_UDP or partial):
        c = 0xffff
    b[off:off + 2] = struct.pack('!H', c)
    return bytes(b)


NH_AH = 51
# Upper layers that have no checksum over the pseudo-header: nothing to
# update, and nothing unknown either.
NO_CSUM = (NH_NONE, 132, 50, 108, 4, 41, 47, 143, 137, 115)


def find_csum(p, off, nh, daddr):
    """Where the checksum that covers the addresses of the IPv6 packet
    whose upper layers start at P[off:] (next header NH) is: ('csum',
    protocol, offset of the field), or ('none',) when there is none to
    update (a later fragment, a protocol without one, a routing header
    with segments left when the destination changes: the pseudo-header
    holds the final one), ('unknown',) for a protocol we know nothing of,
    ('trunc',) when the packet ends before the field or inside the
    extension headers on the way to it."""
    while True:
        if nh in CSUM_OFF:
            coff = off + CSUM_OFF[nh]
            return ('csum', nh, coff) if coff + 2 <= len(p) else ('trunc',)
        if nh in EXT_HDRS or nh in (NH_FRAG, NH_AH):
            if off + 4 > len(p):
                return ('trunc',)
            h = p[off:off + 4]
            if nh == NH_FRAG:
                if struct.unpack('!H', h[2:4])[0] & ~7:
                    return ('none',)
                nh, off = h[0], off + 8
            elif nh == NH_AH:
                nh, off = h[0], off + (h[1] + 2) * 4
            else:
                if nh == NH_ROUTING and daddr and h[3]:
                    return ('none',)
                nh, off = h[0], off + (h[1] + 1) * 8
            continue
        return ('none',) if nh in NO_CSUM else ('unknown',)


def fix_csum(p, where, before, after):
    """Update the checksum at WHERE (a find_csum() answer) of bytearray P
    for bytes BEFORE that became AFTER.  False if there was none."""
    if where[0] != 'csum':
        return False
    proto, off = where[1], where[2]
    c = struct.unpack('!H', p[off:off + 2])[0]
    if proto == NH_UDP and c == 0:
        return False
    c = csum_adjust(c, before, after)
    if proto in (NH_UDP, NH_UDPLITE) and c == 0:
        c = 0xffff
    p[off:off + 2] = struct.pack('!H', c)
    return True


def kind(pkt, snpt):
    """find_csum() of a whole IPv6 packet, as translated SNPT or not."""
    return find_csum(pkt, 40, pkt[6], not snpt)[0]


def translate(pkt, m, snpt, hops=1):
    """What a keep-iid translator of mapping M makes of IPv6 packet PKT
    (SNPT: source internal -> external; else DNPT of the destination),
    after HOPS hops.  An ICMPv6 error's embedded packet is translated the
    other way, with its own checksum when the error quotes the field; if
    not, the ICMPv6 checksum takes the change.  None for a packet that
    must be dropped: its upper-layer header ends before its checksum."""
    p = bytearray(pkt)
    p[7] -= hops
    field = 8 if snpt else 24
    xl = m.snpt if snpt else m.dnpt
    inside = m.is_int if snpt else m.is_ext
    if not inside(p[field:field + 16]):
        return bytes(p)
    where = find_csum(p, 40, p[6], not snpt)
    if where[0] == 'trunc':
        return None
    old = bytes(p[field:field + 16])
    new = xl(old)
    p[field:field + 16] = new
    fix_csum(p, where, old, new)
    # An ICMPv6 error: the embedded packet went the other way.
    if where[0] == 'csum' and where[1] == NH_ICMP6:
        icmp = where[2] - 2
        inner = icmp + 8
        ifield = inner + (24 if snpt else 8)
        if p[icmp] < 128 and len(p) >= ifield + 16 and \
                inside(p[ifield:ifield + 16]):
            iold = bytes(p[ifield:ifield + 16])
            inew = xl(iold)
            p[ifield:ifield + 16] = inew
            iwhere = find_csum(p, inner + 40, p[inner + 6], snpt) \
                if len(p) >= inner + 40 else ('trunc',)
            if not fix_csum(p, iwhere, iold, inew):
                fix_csum(p, where, iold, inew)
    return bytes(p)


# ---------------------------------------------------------------------
# Netlink

def mode_value(text):
    return MODES[text] if text in MODES else int(text, 0)


def request(sock, fam, cmd, attrs):
    """One acked request; (errno, extack message, offset of the attribute
    the extack names from the start of the request, or None)."""
    sock.seq += 1
    sock.s.send(nlmsg(fam, NLM_F_REQUEST | NLM_F_ACK, sock.seq,
                      struct.pack('=BBH', cmd, 1, 0) + b''.join(attrs)))
    return sock.ack_offs()


def map_attrs(dev, int_text, ext_text=None):
    i = ipaddress.IPv6Network(int_text, strict=True)
    a = [attr(NPT6_A_IFINDEX, struct.pack('=I', socket.if_nametoindex(dev))),
         attr(NPT6_A_INT_PREFIX, i.network_address.packed)]
    if ext_text:
        e = ipaddress.IPv6Network(ext_text, strict=True)
        a.append(attr(NPT6_A_EXT_PREFIX, e.network_address.packed))
    a.append(attr(NPT6_A_PREFIX_LEN, struct.pack('=B', i.prefixlen)))
    return a


def counters(nest, names):
    out = {}
    for typ, val in parse_attrs(nest).items():
        if typ in names and len(val) == 8:
            out[names[typ]] = struct.unpack('=Q', val)[0]
    return out


def dump_maps(sock, fam, dev=None):
    """Every mapping (of DEV) as a dict: int, ext, mode, stats."""
    body = struct.pack('=BBH', NPT6_CMD_MAP_GET, 1, 0)
    if dev:
        body += attr(NPT6_A_IFINDEX, struct.pack('=I',
                                                 socket.if_nametoindex(dev)))
    out = []
    for msg in sock.dump(fam, body):
        a = parse_attrs(msg[4:])
        plen = a[NPT6_A_PREFIX_LEN][0]
        m = {'int': '%s/%d' % (ipaddress.IPv6Address(a[NPT6_A_INT_PREFIX]),
                               plen),
             'mode': a[NPT6_A_MODE][0] if NPT6_A_MODE in a else None,
             'stats': {}}
        if NPT6_A_EXT_PREFIX in a:
            m['ext'] = '%s/%d' % (ipaddress.IPv6Address(
                a[NPT6_A_EXT_PREFIX]), plen)
        if NPT6_A_STATS in a:
            for typ, nest in parse_attrs(a[NPT6_A_STATS]).items():
                if typ in STATS_DIR:
                    m['stats'][STATS_DIR[typ]] = counters(nest, DSTATS)
        if NPT6_A_NDP_STATS in a:
            m['stats']['ndp'] = counters(a[NPT6_A_NDP_STATS], NSTATS)
        out.append(m)
    return out


def map_stats(dev, int_text):
    """The counters of the mapping of DEV whose internal prefix is
    INT_TEXT, flattened to {'snpt.packets': n, ...}, read in the current
    namespace."""
    sock = Sock(NETLINK_GENERIC)
    fam = family_id(sock)
    want = str(ipaddress.IPv6Network(int_text, strict=True))
    for m in dump_maps(sock, fam, dev):
        if m['int'] == want:
            flat = {}
            for d, c in m['stats'].items():
                for k, v in c.items():
                    flat['%s.%s' % (d, k)] = v
            return flat
    return None


def nl(args):
    sock = Sock(NETLINK_GENERIC)
    fam = family_id(sock)
    if args.op == 'add':
        a = map_attrs(args.dev, args.int, args.ext)
        if args.ndproxy:
            a.append(attr(NPT6_A_NDPROXY,
                          struct.pack('=B', NDPROXY[args.ndproxy])))
        if args.mode is not None:
            a.append(attr(NPT6_A_MODE, struct.pack('=B',
                                                   mode_value(args.mode))))
        err, msg, _ = request(sock, fam, NPT6_CMD_MAP_ADD, a)
    elif args.op == 'flush':
        a = []
        if args.dev:
            a.append(attr(NPT6_A_IFINDEX, struct.pack(
                '=I', socket.if_nametoindex(args.dev))))
        err, msg, _ = request(sock, fam, NPT6_CMD_MAP_FLUSH, a)
    elif args.op == 'stats':
        print(json.dumps(dump_maps(sock, fam, args.dev)))
        return 0
    else:
        # mode-raw: an ADD (or --cmd) whose NPT6_A_MODE has exactly the
        # payload --payload (hex); prints errno, the extack message and
        # whether the extack points at that attribute.
        cmd = {'add': NPT6_CMD_MAP_ADD, 'del': NPT6_CMD_MAP_DEL,
               'get': NPT6_CMD_MAP_GET}[args.req]
        a = map_attrs(args.dev, args.int,
                      args.ext if args.req == 'add' else None)
        hdr_len = 16 + 4 + sum(len(x) for x in a)
        typ = NPT6_A_MODE | (NLA_F_NESTED if args.nested else 0)
        a.append(attr(typ, bytes.fromhex(args.payload)))
        err, msg, offs = request(sock, fam, cmd, a)
        print(json.dumps({'errno': errno.errorcode.get(err, err) if err
                          else 0, 'msg': msg, 'offset': offs,
                          'names_mode': offs == hdr_len}))
        return 0
    if err:
        print('Error: %s' % (msg or os.strerror(err)), file=sys.stderr)
        return 1
    return 0


# ---------------------------------------------------------------------
# craft: the byte-exact set

def udp_body(src, dst, sport, dport, data):
    return full_csum(src, dst, NH_UDP,
                     struct.pack('!HHHH', sport, dport, 8 + len(data), 0) +
                     data)


def zero_after(src, dst, new_src, new_dst, sport, dport, data):
    """DATA with its last two bytes chosen so that the UDP checksum of the
    datagram from NEW_SRC to NEW_DST is 0 (and so sent as 0xffff), while
    from SRC to DST it is an ordinary one."""
    d = bytearray(data)
    d[-2:] = b'\0\0'
    body = struct.pack('!HHHH', sport, dport, 8 + len(d), 0) + bytes(d)
    s = ones_sum(pseudo(new_src, new_dst, len(body), NH_UDP) + body)
    # Make the sum 0xffff: the complement of what is there.
    fill = ~s & 0xffff
    if len(d) % 2:
        raise ValueError('even payload only')
    d[-2:] = struct.pack('!H', fill)
    return bytes(d)


def craft(args):
    from scapy.layers.inet import TCP
    from scapy.layers.inet6 import IPv6, ICMPv6EchoRequest

    rnd = random.Random(args.seed)
    entries = []
    int_base = int(ipaddress.IPv6Address(args.int_base))
    ext_base = int(ipaddress.IPv6Address(args.ext_base))
    for plen in args.plens:
        mask = ((1 << plen) - 1) << (128 - plen)
        ip_ = ipaddress.IPv6Address(int_base & mask)
        ep_ = ipaddress.IPv6Address(ext_base & mask)
        m = KMap('%s/%d' % (ip_, plen), '%s/%d' % (ep_, plen))
        idx = 0

        def add(direction, name, raw):
            nonlocal idx
            t = TAG_BASE | plen << 10 | idx
            p = bytearray(raw)
            struct.pack_into('!I', p, 0, 6 << 28 | t)
            raw = bytes(p)
            exp = translate(raw, m, direction == 'snpt')
            entries.append({'plen': plen, 'dir': direction, 'kind': 'plain',
                            'name': name, 'tag': t, 'raw': raw.hex(),
                            'expect': exp.hex(), 'int': str(m.int),
                            'ext': str(m.ext)})
            idx += 1

        for direction in ('snpt', 'dnpt'):
            for host in ('rand', 'low'):
                hb = rnd.getrandbits(128 - plen) if host == 'rand' else 0x10
                a_int = (int(m.int.network_address) | hb).to_bytes(16, 'big')
                a_ext = m.snpt(a_int)
                far = a2b(args.remote) [:14] + \
                    struct.pack('!H', rnd.randrange(1, 0xffff))
                if direction == 'snpt':
                    src, dst, nsrc, ndst = a_int, far, a_ext, far
                else:
                    src, dst, nsrc, ndst = far, a_ext, far, a_int
                sa, da = b2a(src), b2a(dst)
                sport = rnd.randrange(1024, 65535)
                n = host
                add(direction, n + '/tcp-syn', bytes(
                    IPv6(src=sa, dst=da, hlim=64) /
                    TCP(sport=sport, dport=443, flags='S',
                        seq=rnd.getrandbits(32),
                        options=[('MSS', 1440), ('SAckOK', b''),
                                 ('Timestamp', (rnd.getrandbits(32), 0)),
                                 ('NOP', None), ('WScale', 7)])))
                add(direction, n + '/tcp-data', bytes(
                    IPv6(src=sa, dst=da, hlim=64) /
                    TCP(sport=sport + 1, dport=80, flags='PA',
                        seq=rnd.getrandbits(32), ack=rnd.getrandbits(32)) /
                    bytes(rnd.getrandbits(8) for _ in range(120))))
                data = bytes(rnd.getrandbits(8) for _ in range(64))
                add(direction, n + '/udp', b''.join([
                    struct.pack('!IHBB', 6 << 28, 72, NH_UDP, 64), src, dst,
                    udp_body(src, dst, sport + 2, 53, data)]))
                data = zero_after(src, dst, nsrc, ndst, sport + 3, 4789, data)
                body = udp_body(src, dst, sport + 3, 4789, data)
                add(direction, n + '/udp-csum-to-0xffff', b''.join([
                    struct.pack('!IHBB', 6 << 28, 72, NH_UDP, 64), src, dst,
                    body]))
                add(direction, n + '/echo', bytes(
                    IPv6(src=sa, dst=da, hlim=64) /
                    ICMPv6EchoRequest(id=rnd.getrandbits(16), seq=1,
                                      data=bytes(rnd.getrandbits(8)
                                                 for _ in range(40)))))
    # The model must be self-consistent: every expected packet verifies,
    # and the 0xffff case really is one.
    for e in entries:
        for which in ('raw', 'expect'):
            p = bytes.fromhex(e[which])
            proto, l4, _, _ = walk(p)
            if l4_sum_ok(p[8:24], p[24:40], proto, p[l4:]) is False:
                sys.stderr.write('craft: bad checksum in %s of %s /%d %s\n' %
                                 (which, e['dir'], e['plen'], e['name']))
                return 1
        if e['name'].endswith('0xffff') and \
                bytes.fromhex(e['expect'])[46:48] != b'\xff\xff':
            sys.stderr.write('craft: %s does not come out as 0xffff\n' %
                             e['name'])
            return 1
    with open(args.out, 'w') as f:
        json.dump(entries, f, indent=0)
    return 0


# ---------------------------------------------------------------------
# compare

def compare(args):
    """npt6 == nftables == model, per prefix length and direction.  With
    --only-oracle, nftables against the model alone (no npt6 run yet)."""
    with open(args.set) as f:
        entries = json.load(f)
    runs = {}
    for label, pattern in (('npt6', args.npt6), ('nft', args.oracle)):
        if pattern is None:
            continue
        for plen in args.plens:
            try:
                with open(pattern.replace('%L', str(plen))) as f:
                    runs[label, plen] = {int(k): v for k, v in
                                         json.load(f).items()}
            except OSError:
                runs[label, plen] = None
    rc = 0
    for plen in args.plens:
        for d in ('snpt', 'dnpt'):
            sel = [e for e in entries if e['plen'] == plen and e['dir'] == d]
            log = []
            for e in sel:
                why = None
                got = {}
                for label in ('nft', 'npt6'):
                    if (label, plen) not in runs:
                        continue
                    run = runs[label, plen]
                    copies = run.get(e['tag'], []) if run is not None else []
                    if run is None:
                        why = '%s run missing' % label
                    elif len(copies) != 1:
                        why = '%s delivered %d copies' % (label, len(copies))
                    else:
                        got[label] = copies[0]
                    if why:
                        break
                if not why and 'nft' in got and got['nft'] != e['expect']:
                    why = 'model disagrees with nftables'
                    log.append('%s %s: %s' % (d.upper(), e['name'], why))
                    log.append('    sent:     %s' % e['raw'])
                    log += hexdiff('nftables vs model', e['expect'],
                                   got['nft'])
                    continue
                if not why and 'npt6' in got and got['npt6'] != e['expect']:
                    why = 'npt6 differs from nftables and the model'
                    log.append('%s %s: %s' % (d.upper(), e['name'], why))
                    log.append('    sent:     %s' % e['raw'])
                    log += hexdiff('npt6 vs nftables', e['expect'],
                                   got['npt6'])
                    continue
                if why:
                    log.append('%s %s: %s' % (d.upper(), e['name'], why))
            who = ' and '.join(x for x in ('npt6', 'nft')
                               if (x, plen) in runs)
            desc = '%s /%d: %d packets (TCP SYN, TCP data, UDP, UDP to ' \
                '0xffff, echo), %s byte-identical to the model%s' % (
                    d.upper(), plen, len(sel), who,
                    ' and to each other' if 'and' in who else '')
            if log or not sel:
                rc = 1
                print('FAIL\t%s\t%s' % (desc, ' | '.join(log)[:6000]))
            else:
                print('OK\t%s' % desc)
    return rc


# ---------------------------------------------------------------------
# partial: real sockets, CHECKSUM_PARTIAL through the translator

PACKET_AUXDATA = 8
TP_STATUS_CSUMNOTREADY = 0x8


def frames_of(sock, outgoing):
    """The IPv6 packets SOCK holds: (packet, checksum not ready) of the
    outgoing ones if OUTGOING, else of the incoming ones."""
    out = []
    while True:
        try:
            frame, anc, _, addr = sock.recvmsg(65535, 256)
        except BlockingIOError:
            return out
        if (addr[2] == PACKET_OUTGOING) != outgoing:
            continue
        if struct.unpack('!H', frame[12:14])[0] != ETH_P_IPV6:
            continue
        status = 0
        for level, typ, data in anc:
            if level == 263 and typ == PACKET_AUXDATA:
                status = struct.unpack('=I', data[:4])[0]
        ip6 = frame[14:]
        ip6 = ip6[:40 + struct.unpack('!H', ip6[4:6])[0]]
        out.append((ip6, bool(status & TP_STATUS_CSUMNOTREADY)))


def aux_socket(ns, ifname):
    s = packet_socket(ns, ifname)
    s.setsockopt(263, PACKET_AUXDATA, 1)
    return s


def partial(args):
    """SNPT (--dir snpt): the LAN host's TCP connection to the WAN host,
    and two UDP datagrams (one whose translated checksum is 0); DNPT: the
    same from the WAN host to the LAN host's external address.  The
    sender's veth leaves the checksums to the "hardware"
    (CHECKSUM_PARTIAL), the router's far veth finishes them in software
    after the translation.  Every packet that comes out is compared with
    the packet as sent, translated by the model, with its final checksum.
    Segments the router cut from a larger (TSO) packet are checked for
    addresses, checksum and payload."""
    m = KMap(args.int, args.ext)
    snpt = args.dir == 'snpt'
    if snpt:
        sns, sif, rns, rif = args.lan_ns, args.lan_if, args.wan_ns, args.wan_if
        src, dst_seen = a2b(args.lan_addr), a2b(args.wan_addr)
        dst = dst_seen
        src_seen = m.snpt(src)
    else:
        sns, sif, rns, rif = args.wan_ns, args.wan_if, args.lan_ns, args.lan_if
        src = src_seen = a2b(args.wan_addr)
        dst = m.snpt(a2b(args.lan_addr))
        dst_seen = a2b(args.lan_addr)
    tx_cap = aux_socket(sns, sif)
    rx_cap = aux_socket(rns, rif)
    port = args.port
    tport = args.tcp_port
    with netns(rns):
        srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(('::', tport))
        srv.listen(1)
        usrv = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        usrv.bind(('::', port + 1))
    with netns(sns):
        cli = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        cli.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        cli.bind((b2a(src), tport + 1))
        ucli = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        ucli.bind((b2a(src), port + 3))
    cli.settimeout(args.timeout)
    srv.settimeout(args.timeout)
    usrv.settimeout(args.timeout)
    payload = random.Random(20).randbytes(args.bytes)
    results = []

    def res(ok, what, why=''):
        results.append((ok, what, why))

    try:
        cli.connect((b2a(dst), tport))
        conn, peer = srv.accept()
        conn.settimeout(args.timeout)
        cli.sendall(payload)
        got = b''
        while len(got) < len(payload):
            chunk = conn.recv(65536)
            if not chunk:
                break
            got += chunk
        res(got == payload and a2b(peer[0]) == src_seen,
            'TCP %d bytes arrive whole, the receiver sees %s' %
            (len(payload), b2a(src_seen)),
            'got %d bytes, peer %s' % (len(got), peer[0]))
        conn.close()
    except OSError as e:
        res(False, 'TCP connection through the mapping', str(e))
    cli.close()
    # UDP: an ordinary datagram, and one whose translated checksum is 0.
    data = random.Random(21).randbytes(100)
    udp_sent = []
    for name, d in (('udp', data),
                    ('udp-0xffff', zero_after(src, dst, src_seen, dst_seen,
                                              port + 3, port + 1, data))):
        ucli.sendto(d, (b2a(dst), port + 1))
        try:
            r, peer = usrv.recvfrom(65535)
            res(r == d and a2b(peer[0]) == src_seen,
                'UDP (%s) arrives, from %s' % (name, b2a(src_seen)),
                'got %d bytes from %s' % (len(r), peer[0]))
        except socket.timeout:
            res(False, 'UDP (%s) arrives' % name, 'nothing came')
        udp_sent.append(name)
    time.sleep(0.3)
    sent = frames_of(tx_cap, True)
    came = frames_of(rx_cap, False)

    def flow(p):
        if p[6] not in (NH_TCP, NH_UDP) or len(p) < 48:
            return None
        sp, dp = struct.unpack('!HH', p[40:44])
        if p[6] == NH_TCP and (sp, dp) == (tport + 1, tport) or \
                p[6] == NH_UDP and (sp, dp) == (port + 3, port + 1):
            return p
        return None

    sent = [(p, nr) for p, nr in sent if flow(p) and p[8:24] == src]
    came = [p for p, _ in came if flow(p) and p[24:40] == dst_seen]
    n_partial = sum(nr for _, nr in sent)

    def key(p):
        if p[6] == NH_TCP:
            # Ports, sequence and acknowledgment numbers, flags, length:
            # a FIN and the ACK before it can share all but the flags.
            doff = (p[52] >> 4) * 4
            return (NH_TCP, p[40:52], p[53], len(p) - 40 - doff)
        return (NH_UDP, bytes(p[48:]))

    by_key = {}
    for p, nr in sent:
        by_key.setdefault(key(p), p)
    exact = seg = 0
    bad = []
    for p in came:
        s = by_key.get(key(p))
        if s is not None:
            want = translate(s, m, snpt)
            proto = want[6]
            want = want[:40] + full_csum(want[8:24], want[24:40], proto,
                                         want[40:], partial=True)
            if p != want:
                bad.append('packet differs:\n' +
                           '\n'.join(hexdiff('model vs out', want.hex(),
                                             p.hex())))
            exact += 1
            continue
        # A segment cut from a TSO packet: addresses, checksum, payload.
        seg += 1
        ok = p[8:24] == src_seen and p[24:40] == dst_seen and \
            l4_sum_ok(p[8:24], p[24:40], p[6], p[40:]) is True
        if p[6] == NH_TCP:
            doff = (p[52] >> 4) * 4
            data_ = p[40 + doff:]
            ok = ok and data_ in payload
        if not ok:
            bad.append('segment wrong: %s' % p.hex())
    zero = [p for p in came if p[6] == NH_UDP and p[46:48] == b'\xff\xff']
    res(not bad and exact > 0,
        '%d packets byte-exact against the model from the packet as sent '
        '(%d of %d sent with the checksum left to the device), %d segments '
        'of TSO packets verified' % (exact, n_partial, len(sent), seg),
        ' | '.join(bad)[:4000] or 'nothing came out')
    res(len(zero) == 1, 'UDP whose translated checksum is 0 goes out with '
        '0xffff', '%d such datagrams' % len(zero))
    res(n_partial > 0, 'the sender left the checksum to the device '
        '(CHECKSUM_PARTIAL) for %d of %d packets' % (n_partial, len(sent)),
        'none: the router did not get CHECKSUM_PARTIAL packets')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump([p.hex() for p in came if p[6] == NH_UDP], f)
    rc = 0
    for ok, what, why in results:
        if ok:
            print('OK\t%s: %s' % (args.dir.upper(), what))
        else:
            rc = 1
            print('FAIL\t%s: %s\t%s' % (args.dir.upper(), what,
                                        why.replace('\n', ' ')))
    return rc


# ---------------------------------------------------------------------
# check: packets through a keep-iid mapping, each judged on its own

def ip6(src, dst, nh, payload, hlim=64, fl=0, plen=None):
    if plen is None:
        plen = len(payload)
    return struct.pack('!IHBB16s16s', 6 << 28 | fl, plen, nh, hlim,
                       src, dst) + payload


def l4(src, dst, proto, body):
    """BODY, an upper-layer header and payload, with its checksum."""
    if proto == NH_UDPLITE:
        cov = struct.unpack('!H', body[4:6])[0]
        b = bytearray(body)
        b[6:8] = b'\0\0'
        c = ~ones_sum(pseudo(src, dst, len(b), proto) +
                      bytes(b[:cov] if cov else b)) & 0xffff
        b[6:8] = struct.pack('!H', c or 0xffff)
        return bytes(b)
    if proto == NH_DCCP:
        b = bytearray(body)
        b[6:8] = b'\0\0'
        c = ~ones_sum(pseudo(src, dst, len(b), proto) + bytes(b)) & 0xffff
        b[6:8] = struct.pack('!H', c)
        return bytes(b)
    return full_csum(src, dst, proto, body)


def frag(nh, offset, more, ident):
    return struct.pack('!BxHI', nh, offset << 3 | more, ident)


def dstopts(nh):
    return struct.pack('!BBBB', nh, 0, 1, 4) + b'\0' * 4


def scapy_ok(pkt):
    """scapy's opinion of the upper-layer checksum of PKT (TCP, UDP,
    ICMPv6: the first layer with a checksum field after the IPv6 header
    and its extension headers): it recomputes it from scratch.  None when
    scapy knows no such layer, or for UDP's 0."""
    from scapy.layers.inet6 import IPv6
    from scapy.packet import NoPayload

    def l4layer(p):
        layer = p.payload
        while not isinstance(layer, NoPayload):
            for f in ('chksum', 'cksum'):
                if any(x.name == f for x in layer.fields_desc):
                    return layer, f
            layer = layer.payload
        return None, None

    p = IPv6(pkt)
    layer, f = l4layer(p)
    if layer is None:
        return None
    got = getattr(layer, f)
    if got == 0 and layer.name == 'UDP':
        return None
    delattr(layer, f)
    again, f2 = l4layer(IPv6(bytes(p)))
    return again is not None and getattr(again, f2) == got


class Case:
    def __init__(self, name, what, path, frames, judge, counters=None,
                 nft=True):
        self.name, self.what, self.path = name, what, path
        self.frames = frames
        self.judge = judge        # fn(list of packets out) -> error or None
        self.counters = counters or {}
        self.nft = nft            # meaningful with nftables too


def build_cases(m, lan_host, remote, rnd):
    cases = []
    tagn = [0]
    lan = a2b(lan_host)
    lan_ext = m.snpt(lan)
    far = a2b(remote)
    data = b'npt6-keep-iid-' * 4

    def nt():
        tagn[0] += 1
        return TAG_CHECK | tagn[0]

    def add(*a, **kw):
        cases.append(Case(*a, **kw))

    # Debian 6.1's nftables passes UDP-Lite through its prefix NAT
    # untranslated (SNPT) or not at all (DNPT): no oracle for it there.
    nft_knows = {'udplite-full': False, 'udplite-cov8': False}

    def verify(pkts, n, snpt, exact=None, proto_note=''):
        """N packets out, each with the swapped address, the other
        address untouched, every checksum verifying (own and scapy)."""
        if len(pkts) != n:
            return '%d packet(s) came out, want %d' % (len(pkts), n)
        for i, p in enumerate(pkts):
            if snpt and (p[8:24] != lan_ext or p[24:40] != far):
                return 'packet %d: %s -> %s, want %s -> %s' % (
                    i, b2a(p[8:24]), b2a(p[24:40]), b2a(lan_ext), b2a(far))
            if not snpt and (p[24:40] != lan or p[8:24] != far):
                return 'packet %d: %s -> %s, want %s -> %s' % (
                    i, b2a(p[8:24]), b2a(p[24:40]), b2a(far), b2a(lan))
            proto, off, fo, mf = walk(p)
            if fo == 0 and not mf:
                ok = l4_sum_ok(p[8:24], p[24:40], proto, p[off:])
                if ok is False:
                    return 'packet %d: %s checksum does not verify: %s' % (
                        i, proto, p.hex())
                if scapy_ok(p) is False:
                    return 'packet %d: scapy recomputes another checksum' % i
            if exact is not None and p != exact[i]:
                return 'packet %d differs from the model:\n%s' % (
                    i, '\n'.join(hexdiff('model vs out', exact[i].hex(),
                                         p.hex())))
        return None

    def judge_xlat(n, snpt, exact=None):
        return lambda pkts: verify(pkts, n, snpt, exact)

    def judge_none(pkts):
        return '%d packet(s) came out: %s' % (len(pkts), pkts[0].hex()) \
            if pkts else None

    # One packet of each protocol, both ways.
    def protos(snpt):
        s, d = (lan, far) if snpt else (far, lan_ext)
        out = []
        sp = rnd.randrange(1024, 60000)
        out.append(('tcp', 'TCP', NH_TCP, l4(s, d, NH_TCP, struct.pack(
            '!HHIIBBHHH', sp, 80, rnd.getrandbits(32), rnd.getrandbits(32),
            5 << 4, 0x18, 512, 0, 0) + data)))
        out.append(('udp', 'UDP', NH_UDP, l4(s, d, NH_UDP, struct.pack(
            '!HHHH', sp, 53, 8 + len(data), 0) + data)))
        out.append(('udplite-full', 'UDP-Lite, coverage 0 (all)',
                    NH_UDPLITE, l4(s, d, NH_UDPLITE, struct.pack(
                        '!HHHH', sp, 5000, 0, 0) + data)))
        out.append(('udplite-cov8', 'UDP-Lite, coverage 8 (header only)',
                    NH_UDPLITE, l4(s, d, NH_UDPLITE, struct.pack(
                        '!HHHH', sp, 5001, 8, 0) + data)))
        # DCCP-Request: 16-byte generic header (X=1, 48-bit sequence
        # number, as RFC 4340 5.1 requires of a Request), service code.
        out.append(('dccp', 'DCCP Request (checksum at offset 6)', NH_DCCP,
                    l4(s, d, NH_DCCP, struct.pack(
                        '!HHBBHBBHI', sp, 5002, 5, 0, 0, 0 << 1 | 1, 0, 0,
                        rnd.getrandbits(32)) +
                       struct.pack('!I', 42) + data)))
        out.append(('echo', 'ICMPv6 echo request', NH_ICMP6,
                    l4(s, d, NH_ICMP6, struct.pack('!BBHHH', 128, 0, 0,
                                                   rnd.getrandbits(16), 1) +
                       data)))
        out.append(('exthdr-udp', 'UDP behind a destination-options header',
                    NH_DSTOPTS, dstopts(NH_UDP) + l4(s, d, NH_UDP,
                                                      struct.pack(
                        '!HHHH', sp, 54, 8 + len(data), 0) + data)))
        return s, d, out

    for snpt in (True, False):
        path = 'snpt' if snpt else 'dnpt'
        s, d, out = protos(snpt)
        for name, what, nh, body in out:
            pkt = ip6(s, d, nh, body, fl=nt())
            add('%s-%s' % (path, name), '%s: %s, translated, checksum '
                'verifies' % (path.upper(), what), path, [pkt],
                judge_xlat(1, snpt, [translate(pkt, m, snpt)]),
                {'%s.packets' % path: 1}, nft=nft_knows.get(name, True))
        # UDP without a checksum: left 0.
        pkt = ip6(s, d, NH_UDP, struct.pack('!HHHH', 7, 9, 8 + len(data), 0) +
                  data, fl=nt())
        want = translate(pkt, m, snpt)

        def udp0(pkts, want=want, snpt=snpt):
            e = verify(pkts, 1, snpt, [want])
            if e:
                return e
            return None if pkts[0][46:48] == b'\0\0' else \
                'UDP checksum %s, want 0' % pkts[0][46:48].hex()
        add('%s-udp-csum-0' % path, '%s: UDP with checksum 0 stays 0' %
            path.upper(), path, [pkt], udp0, {'%s.packets' % path: 1},
            nft=False)

        # A fragmented UDP datagram: the first fragment carries the
        # checksum, the second only gets its address.
        whole = l4(s, d, NH_UDP, struct.pack('!HHHH', 11, 12,
                                             8 + 3 * len(data), 0) +
                   data * 3)
        ident = rnd.getrandbits(32)
        fl = nt()
        f1 = ip6(s, d, NH_FRAG, frag(NH_UDP, 0, 1, ident) + whole[:96], fl=fl)
        f2 = ip6(s, d, NH_FRAG, frag(NH_UDP, 12, 0, ident) + whole[96:],
                 fl=fl)

        def reasm(pkts, snpt=snpt, whole=whole):
            """The fragments out reassemble to a datagram whose UDP
            checksum verifies with the translated addresses."""
            if not pkts:
                return 'nothing came out'
            parts = {}
            for p in pkts:
                proto, off, fo, mf = walk(p)
                if p[6] != NH_FRAG:
                    parts[0] = p[40:]
                    continue
                # The payload after the fragment header (at 40 here).
                parts[fo * 8] = p[48:]
            body = b''
            for off in sorted(parts):
                body = body[:off] + parts[off]
            src, dst = pkts[0][8:24], pkts[0][24:40]
            want_s, want_d = (lan_ext, far) if snpt else (far, lan)
            if (src, dst) != (want_s, want_d):
                return 'fragments %s -> %s' % (b2a(src), b2a(dst))
            if len(body) != len(whole) or body[8:] != whole[8:]:
                return 'reassembled %d bytes, want %d' % (len(body),
                                                          len(whole))
            if l4_sum_ok(src, dst, NH_UDP, body) is not True:
                return 'reassembled datagram: UDP checksum does not verify'
            return None

        def reasm_exact(pkts, reasm=reasm,
                        exact=[translate(f1, m, snpt),
                               translate(f2, m, snpt)]):
            e = reasm(pkts)
            if e:
                return e
            if pkts != exact:
                return 'fragments differ from the model: first %s' % \
                    pkts[0].hex()
            return None
        add('%s-fragments' % path, '%s: UDP in 2 fragments: first one\'s '
            'checksum updated, second only readdressed, reassembled datagram '
            'verifies' % path.upper(), path, [f1, f2], reasm_exact,
            {'%s.packets' % path: 2}, nft=False)
        add('%s-fragments-reasm' % path, '%s: UDP in 2 fragments, '
            'reassembled at the far end, verifies' % path.upper(), path,
            [f1, f2], reasm, {'%s.packets' % path: 2}, nft=True)

        # An unknown upper-layer protocol: translated, counted.
        pkt = ip6(s, d, 253, data, fl=nt())
        add('%s-proto-253' % path, '%s: protocol 253: translated, payload '
            'untouched, counted in csum_unknown' % path.upper(), path, [pkt],
            judge_xlat(1, snpt, [translate(pkt, m, snpt)]),
            {'%s.packets' % path: 1, '%s.csum_unknown' % path: 1},
            nft=False)

        # Truncated: the L4 header ends before its checksum.
        for name, nh, ln in (('tcp-10', NH_TCP, 10), ('udp-7', NH_UDP, 7),
                             ('icmp6-3', NH_ICMP6, 3)):
            pkt = ip6(s, d, nh, data[:ln], fl=nt())
            add('%s-trunc-%s' % (path, name), '%s: %s with %d bytes of its '
                'header: dropped, counted in drop_truncated' % (
                    path.upper(), name.split('-')[0].upper(), ln), path,
                [pkt], judge_none, {'%s.drop_truncated' % path: 1},
                nft=False)

    # ICMPv6 errors.  DNPT: from beyond the router, about a packet the LAN
    # host sent (by its external address): the outer destination, the
    # embedded source, its UDP checksum and the ICMPv6 checksum.
    for typ, code, rest, name in ((3, 0, b'\0' * 4, 'time-exceeded'),
                                  (1, 4, b'\0' * 4, 'port-unreachable'),
                                  (2, 0, struct.pack('!I', 1280), 'ptb')):
        inner = ip6(lan_ext, far, NH_UDP, l4(lan_ext, far, NH_UDP,
                                            struct.pack('!HHHH', 33434, 33435,
                                                        8 + len(data), 0) +
                                            data), hlim=1)
        err = l4(far, lan_ext, NH_ICMP6, struct.pack('!BBH', typ, code, 0) +
                 rest + inner)
        pkt = ip6(far, lan_ext, NH_ICMP6, err, fl=nt())
        want = translate(pkt, m, False)

        def icmp_judge(pkts, want=want, snpt=False):
            e = verify(pkts, 1, snpt, [want])
            if e:
                return e
            p = pkts[0]
            inner = p[48:]
            if inner[8:24] != lan:
                return 'embedded source %s, want %s' % (b2a(inner[8:24]),
                                                        b2a(lan))
            if l4_sum_ok(inner[8:24], inner[24:40], NH_UDP,
                         inner[40:]) is not True:
                return 'embedded UDP checksum does not verify'
            return None
        add('dnpt-icmp-%s' % name, 'DNPT: ICMPv6 %s about the LAN host\'s '
            'datagram: destination, embedded source and its UDP checksum '
            'translated, ICMPv6 checksum valid' % name, 'dnpt', [pkt],
            icmp_judge, {'dnpt.packets': 1, 'dnpt.icmp_inner': 1}, nft=False)

    # The embedded packet cut inside its payload: the TCP checksum field
    # is there and updated, though it cannot be verified; the ICMPv6 one
    # can.
    inner = ip6(lan_ext, far, NH_TCP, l4(lan_ext, far, NH_TCP, struct.pack(
        '!HHIIBBHHH', 4000, 443, 1, 2, 5 << 4, 0x18, 512, 0, 0) + data * 8))
    err = l4(far, lan_ext, NH_ICMP6, struct.pack('!BBHI', 1, 0, 0, 0) +
             inner[:40 + 20 + 8])
    pkt = ip6(far, lan_ext, NH_ICMP6, err, fl=nt())
    want = translate(pkt, m, False)
    add('dnpt-icmp-cut-tcp', 'DNPT: ICMPv6 error quoting 28 bytes of a TCP '
        'segment: embedded checksum updated as RFC 1624 says, ICMPv6 checksum '
        'valid', 'dnpt', [pkt], judge_xlat(1, False, [want]),
        {'dnpt.packets': 1, 'dnpt.icmp_inner': 1}, nft=False)
    # Cut before the embedded checksum: only the address.
    err = l4(far, lan_ext, NH_ICMP6, struct.pack('!BBHI', 1, 0, 0, 0) +
             inner[:40 + 12])
    pkt = ip6(far, lan_ext, NH_ICMP6, err, fl=nt())
    want = translate(pkt, m, False)
    add('dnpt-icmp-cut-before-csum', 'DNPT: ICMPv6 error quoting 12 bytes of '
        'TCP (no checksum field): embedded address translated, ICMPv6 '
        'checksum valid, not dropped', 'dnpt', [pkt],
        judge_xlat(1, False, [want]),
        {'dnpt.packets': 1, 'dnpt.icmp_inner': 1}, nft=False)

    # SNPT: the LAN host reports a packet from outside: outer source,
    # embedded destination, embedded checksum, ICMPv6 checksum.
    for name, inner_proto in (('udp', NH_UDP), ('tcp', NH_TCP)):
        if inner_proto == NH_UDP:
            ib = l4(far, lan, NH_UDP, struct.pack('!HHHH', 53, 5353,
                                                  8 + len(data), 0) + data)
        else:
            ib = l4(far, lan, NH_TCP, struct.pack(
                '!HHIIBBHHH', 443, 4001, 7, 8, 5 << 4, 0x10, 512, 0, 0) +
                data)
        inner = ip6(far, lan, inner_proto, ib, hlim=60)
        err = l4(lan, far, NH_ICMP6, struct.pack('!BBHI', 1, 4, 0, 0) + inner)
        pkt = ip6(lan, far, NH_ICMP6, err, fl=nt())
        want = translate(pkt, m, True)

        def icmp_s(pkts, want=want, ip=inner_proto):
            e = verify(pkts, 1, True, [want])
            if e:
                return e
            inner = pkts[0][48:]
            if inner[24:40] != lan_ext:
                return 'embedded destination %s, want %s' % (
                    b2a(inner[24:40]), b2a(lan_ext))
            if l4_sum_ok(inner[8:24], inner[24:40], ip,
                         inner[40:]) is not True:
                return 'embedded checksum does not verify'
            return None
        add('snpt-icmp-%s' % name, 'SNPT: the LAN host\'s port unreachable '
            'about a %s packet from outside: source, embedded destination, '
            'embedded and ICMPv6 checksums' % name.upper(), 'snpt', [pkt],
            icmp_s, {'snpt.packets': 1, 'snpt.icmp_inner': 1}, nft=False)
    return cases


def check(args):
    m = KMap(args.int, args.ext)
    rnd = random.Random(args.seed)
    cases = build_cases(m, args.lan_host, args.remote, rnd)
    legs = {'snpt': ((args.lan_ns, args.lan_if), (args.wan_ns, args.wan_if),
                     args.lan_gw_mac),
            'dnpt': ((args.wan_ns, args.wan_if), (args.lan_ns, args.lan_if),
                     args.wan_gw_mac)}
    only = set(args.only.split()) if args.only else None
    if args.list:
        for c in cases:
            if not only or c.name in only:
                print('%s\t%s' % (c.name, c.what))
        return 0
    rc = 0

    def stats():
        if not args.counters:
            return {}
        with netns(args.rtr_ns):
            return map_stats(args.dev, args.int) or {}

    for c in cases:
        if only and c.name not in only:
            continue
        if args.xlat == 'nft' and not c.nft:
            print('SKIP\t%s: %s\tnpt6 only' % (c.name, c.what))
            continue
        (sns, sif), (rns, rif), gw = legs[c.path]
        tx = packet_socket(sns, sif)
        rx = packet_socket(rns, rif)
        eth = mac_bytes(gw) + tx.getsockname()[4][:6] + \
            struct.pack('!H', ETH_P_IPV6)
        tags = {struct.unpack('!I', f[:4])[0] & 0xfffff for f in c.frames}
        got = []

        def on_frame(frame):
            if struct.unpack('!H', frame[12:14])[0] != ETH_P_IPV6:
                return
            p = frame[14:]
            if len(p) < 40:
                return
            if struct.unpack('!I', p[:4])[0] & 0xfffff in tags:
                got.append(p[:40 + struct.unpack('!H', p[4:6])[0]])

        before = stats()
        for f in c.frames:
            tx.send(eth + f)
        # Wait for as many packets as went in (nftables reassembles, so a
        # datagram may come out in other pieces: the judge says), or for
        # a second for nothing to come.
        out = c.judge.__name__ != 'judge_none'
        receive(rx, args.timeout if out else 1.0, on_frame,
                lambda: out and len(got) >= len(c.frames))
        receive(rx, 0.3, on_frame)
        # Counters of the last packet may trail its delivery by a moment.
        time.sleep(0.1)
        after = stats()
        tx.close()
        rx.close()
        errs = []
        try:
            e = c.judge(got)
        except Exception as ex:  # a harness failure fails the case
            e = '%s: %s' % (type(ex).__name__, ex)
        if e:
            errs.append(e)
        if args.counters:
            for k in sorted(set(after) | set(c.counters)):
                d = after.get(k, 0) - before.get(k, 0)
                want = c.counters.get(k, 0)
                if k.endswith('.bytes') or k.startswith('ndp.'):
                    continue
                if k not in after:
                    errs.append('no counter %s' % k)
                elif d != want:
                    errs.append('%s went up by %d, want %d' % (k, d, want))
        if errs:
            rc = 1
            print('FAIL\t%s: %s\t%s' % (c.name, c.what,
                                        '; '.join(errs).replace('\n', ' ')))
        else:
            print('OK\t%s: %s' % (c.name, c.what))
        sys.stdout.flush()
    return rc


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    sub = ap.add_subparsers(dest='cmd', required=True)

    p = sub.add_parser('nl')
    p.add_argument('op', choices=('add', 'flush', 'stats', 'mode-raw'))
    p.add_argument('--dev')
    p.add_argument('--int')
    p.add_argument('--ext')
    p.add_argument('--mode')
    p.add_argument('--ndproxy', choices=list(NDPROXY))
    p.add_argument('--payload', default='01')
    p.add_argument('--nested', action='store_true')
    p.add_argument('--req', choices=('add', 'del', 'get'), default='add')

    p = sub.add_parser('craft')
    p.add_argument('--int-base', required=True)
    p.add_argument('--ext-base', required=True)
    p.add_argument('--remote', required=True)
    p.add_argument('--plens', type=lambda s: [int(x) for x in s.split(',')],
                   required=True)
    p.add_argument('--seed', type=int, default=20)
    p.add_argument('--out', required=True)

    p = sub.add_parser('compare')
    p.add_argument('--set', required=True)
    p.add_argument('--plens', type=lambda s: [int(x) for x in s.split(',')],
                   required=True)
    p.add_argument('--npt6')
    p.add_argument('--oracle')

    p = sub.add_parser('partial')
    p.add_argument('--dir', choices=('snpt', 'dnpt'), required=True)
    p.add_argument('--int', required=True)
    p.add_argument('--ext', required=True)
    p.add_argument('--lan-ns', required=True)
    p.add_argument('--lan-if', required=True)
    p.add_argument('--lan-addr', required=True)
    p.add_argument('--wan-ns', required=True)
    p.add_argument('--wan-if', required=True)
    p.add_argument('--wan-addr', required=True)
    p.add_argument('--port', type=int, default=7100)
    p.add_argument('--tcp-port', type=int, default=7110)
    p.add_argument('--bytes', type=int, default=6000)
    p.add_argument('--timeout', type=float, default=10)
    p.add_argument('--out')

    p = sub.add_parser('check')
    p.add_argument('--int', required=True)
    p.add_argument('--ext', required=True)
    p.add_argument('--lan-host', required=True)
    p.add_argument('--remote', required=True)
    p.add_argument('--lan-ns')
    p.add_argument('--lan-if', default='lan0')
    p.add_argument('--lan-gw-mac')
    p.add_argument('--wan-ns')
    p.add_argument('--wan-if', default='w0')
    p.add_argument('--wan-gw-mac')
    p.add_argument('--rtr-ns')
    p.add_argument('--dev', default='ge0')
    p.add_argument('--xlat', choices=('npt6', 'nft'), default='npt6')
    p.add_argument('--counters', action='store_true')
    p.add_argument('--only', default='')
    p.add_argument('--list', action='store_true')
    p.add_argument('--seed', type=int, default=20)
    p.add_argument('--timeout', type=float, default=5)

    p = sub.add_parser('swap')
    p.add_argument('frm')
    p.add_argument('to')
    p.add_argument('addr')

    args = ap.parse_args()
    if args.cmd == 'swap':
        m = KMap(args.frm, args.to)
        print(b2a(m.snpt(a2b(args.addr))))
        return 0
    if args.cmd == 'nl':
        return nl(args)
    return globals()[args.cmd](args)


if __name__ == '__main__':
    sys.exit(main())
