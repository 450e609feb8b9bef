#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# npt.py: an independent model of RFC 6296 section 3 as Linux's ip6t_NPT
# computes it.  The selftests use it to predict what npt6 must produce,
# so that no expected address is ever taken from the module under test.
#
#   npt.py map FROM_PFX/LEN TO_PFX/LEN ADDR   print ADDR translated, or
#                                             exit 1 if it is unmappable
#   npt.py selftest                           check the model against the
#                                             RFC 6296 worked example
#
# The arithmetic is written out the way the RFC describes it, on 16-bit
# big-endian words.  One's-complement sums do not depend on byte order,
# so this computes the same bytes as the kernel's csum_*() on __be16
# words read in host order.

import ipaddress
import sys

MANGLED_ZERO = 0xffff


def _add32(a, b):
    """csum_add(): 32-bit one's-complement addition (end-around carry)."""
    s = a + b
    return (s & 0xffffffff) + (s >> 32)


def _fold(s):
    """csum_fold(): fold a 32-bit sum to 16 bits and complement it."""
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def _words(addr):
    return [int.from_bytes(addr[i:i + 2], 'big') for i in range(0, 16, 2)]


def parse_prefix(text):
    """'fd00::/48' -> (16-byte prefix, length); host bits must be clear."""
    net = ipaddress.IPv6Network(text, strict=True)
    return net.network_address.packed, net.prefixlen


class Mapping:
    """One direction of an NPTv6 mapping, as one ip6t_NPT rule holds it."""

    def __init__(self, src_pfx, dst_pfx, plen):
        if not 1 <= plen <= 64:
            raise ValueError('prefix length %d out of 1..64' % plen)
        self.src = bytes(src_pfx)
        self.dst = bytes(dst_pfx)
        self.plen = plen
        src_sum = dst_sum = 0
        for w in _words(self.src):
            src_sum = _add32(src_sum, w)
        for w in _words(self.dst):
            dst_sum = _add32(dst_sum, w)
        # csum_sub(a, b) is csum_add(a, ~b); the adjustment is
        # ~csum_fold() of that, i.e. the folded sum itself.
        diff = _add32(src_sum, ~dst_sum & 0xffffffff)
        self.adjustment = ~_fold(diff) & 0xffff

    @classmethod
    def parse(cls, src_text, dst_text):
        src, slen = parse_prefix(src_text)
        dst, dlen = parse_prefix(dst_text)
        if slen != dlen:
            raise ValueError('prefix lengths differ')
        return cls(src, dst, slen)

    def inverse(self):
        return Mapping(self.dst, self.src, self.plen)

    def contains(self, addr):
        """Is ADDR (16 bytes) inside the source prefix?"""
        a = int.from_bytes(addr, 'big') >> (128 - self.plen)
        p = int.from_bytes(self.src, 'big') >> (128 - self.plen)
        return a == p

    def word_index(self, addr):
        """Which 16-bit word takes the adjustment; None if unmappable."""
        if self.plen <= 48:
            return 3
        w = _words(addr)
        for idx in range(4, 8):
            if w[idx] != MANGLED_ZERO:
                return idx
        return None

    def map(self, addr):
        """Translate 16-byte ADDR; None when RFC 6296 says it cannot be."""
        addr = bytes(addr)
        idx = self.word_index(addr)
        if idx is None:
            return None
        host_mask = (1 << (128 - self.plen)) - 1
        a = int.from_bytes(addr, 'big')
        a = (a & host_mask) | (int.from_bytes(self.dst, 'big') & ~host_mask)
        w = _words(a.to_bytes(16, 'big'))
        s = ~_fold(_add32(w[idx], self.adjustment)) & 0xffff
        if s == MANGLED_ZERO:
            s = 0
        w[idx] = s
        return b''.join(x.to_bytes(2, 'big') for x in w)

    def map_text(self, text):
        out = self.map(ipaddress.IPv6Address(text).packed)
        return None if out is None else str(ipaddress.IPv6Address(out))

    def positive_zero_word(self):
        """The value of the adjusted word that comes out as 0xffff, which
        RFC 6296 writes as 0x0000; None if no such value exists."""
        w = 0xffff - self.adjustment
        if w == MANGLED_ZERO:
            return None
        assert ~_fold(_add32(w, self.adjustment)) & 0xffff == MANGLED_ZERO
        return w


def addr_sum(addr):
    s = 0
    for w in _words(addr):
        s = _add32(s, w)
    return _fold(s)


def selftest():
    """RFC 6296 section 3.3 example, plus the invariants the model rests on."""
    m = Mapping.parse('fd01:203:405::/48', '2001:db8:1::/48')
    got = m.map_text('fd01:203:405:1::1234')
    want = '2001:db8:1:d550::1234'
    ok = True
    if got != want:
        print('RFC 6296 example: got %s, want %s' % (got, want))
        ok = False
    back = m.inverse().map_text(want)
    if back != 'fd01:203:405:1::1234':
        print('RFC 6296 example reversed: got %s' % back)
        ok = False
    # Checksum neutrality and round trips over awkward lengths.
    import random
    rnd = random.Random(6296)
    for plen in (1, 17, 33, 47, 48, 49, 56, 60, 63, 64):
        for _ in range(200):
            sp = rnd.getrandbits(plen) << (128 - plen)
            dp = rnd.getrandbits(plen) << (128 - plen)
            m = Mapping(sp.to_bytes(16, 'big'), dp.to_bytes(16, 'big'), plen)
            a = (sp | rnd.getrandbits(128 - plen)).to_bytes(16, 'big')
            b = m.map(a)
            if b is None:
                continue
            if addr_sum(a) != addr_sum(b) and \
                    {addr_sum(a), addr_sum(b)} != {0, 0xffff}:
                print('/%d not checksum-neutral: %s -> %s' %
                      (plen, a.hex(), b.hex()))
                ok = False
            if m.inverse().map(b) != a:
                print('/%d no round trip: %s -> %s -> %s' %
                      (plen, a.hex(), b.hex(), m.inverse().map(b)))
                ok = False
    return ok


def main(argv):
    if len(argv) == 5 and argv[1] == 'map':
        out = Mapping.parse(argv[2], argv[3]).map_text(argv[4])
        if out is None:
            return 1
        print(out)
        return 0
    if len(argv) == 2 and argv[1] == 'selftest':
        return 0 if selftest() else 1
    sys.stderr.write('usage: npt.py map FROM/LEN TO/LEN ADDR | selftest\n')
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
