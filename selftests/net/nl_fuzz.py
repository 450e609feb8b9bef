#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# nl_fuzz.py IFNAME COUNT SEED
#
# Random and mutated netlink messages against the npt6 generic netlink
# family and the npt6tnl rtnetlink link kind, run inside a network
# namespace whose device IFNAME may carry mappings.  Every request asks
# for an ack, and the acks are the ground truth:
#
#   - well-formed requests (add, del, flush of IFNAME, tunnel add and
#     del) change a model of the expected state when, and only when,
#     the kernel acks them with 0; an add carries NPT6_A_MODE or not
#     (rfc6296 or keep-iid), and the dump must report the mode it got;
#   - hostile requests (random commands, versions, flags, attributes of
#     random type, length and nesting, truncated or overlong headers,
#     mutated copies of valid requests) must not change state: whatever
#     their garbage, they name a device that does not exist, so a request
#     that got past validation still fails;
#   - dumps are started and abandoned after their first datagram.
#
# At the end the state dumped by the kernel must equal the model.  Prints
# one JSON object with the figures; exit status 1 on a mismatch or when a
# hostile request was acked with 0.

import ipaddress
import json
import os
import random
import socket
import struct
import sys

NETLINK_ROUTE = 0
NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_DUMP = 0x300
NLM_F_CREATE = 0x400
NLM_F_EXCL = 0x200
NLMSG_ERROR = 0x2
NLMSG_DONE = 0x3
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
NLA_F_NESTED = 0x8000
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2

RTM_NEWLINK = 16
RTM_DELLINK = 17
RTM_GETLINK = 18
IFLA_IFNAME = 3
IFLA_LINKINFO = 18
IFLA_INFO_KIND = 1
IFLA_INFO_DATA = 2

# uapi/linux/npt6.h
NPT6_CMD_MAP_ADD = 1
NPT6_CMD_MAP_DEL = 2
NPT6_CMD_MAP_GET = 3
NPT6_CMD_MAP_FLUSH = 4
NPT6_A_IFINDEX = 1
NPT6_A_INT_PREFIX = 3
NPT6_A_EXT_PREFIX = 4
NPT6_A_PREFIX_LEN = 5
NPT6_A_NDPROXY = 8
NPT6_A_MODE = 21
NPT6_A_MAX = 21
NPT6_MODE_MAX = 1
IFLA_NPT6TNL_LINK = 1
IFLA_NPT6TNL_REMOTE = 2
IFLA_NPT6TNL_LOCAL = 3
IFLA_NPT6TNL_MAX = 16		# more than there are: unknown types too

NO_SUCH_IFINDEX = 0x7ffffff0


def attr(kind, payload):
    return struct.pack('=HH', 4 + len(payload), kind) + payload + \
        b'\0' * (-len(payload) % 4)


def nlmsg(kind, flags, seq, body):
    return struct.pack('=IHHII', 16 + len(body), kind, flags, seq, 0) + body


class Sock:
    def __init__(self, proto):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.bind((0, 0))
        self.seq = 0

    def request(self, kind, flags, body):
        """Send one request; return the ack's error (0 = acked)."""
        self.seq += 1
        self.s.send(nlmsg(kind, flags | NLM_F_REQUEST | NLM_F_ACK,
                          self.seq, body))
        return self.ack()[0]

    def ack(self):
        """(error, extack message) of the ack to the last request."""
        return self.ack_offs()[:2]

    def ack_offs(self):
        """(error, extack message, offset into the request of the attribute
        the extack names, or None) of the ack to the last request."""
        while True:
            data = self.s.recv(1 << 16)
            off = 0
            while off + 16 <= len(data):
                ln, typ, flags, seq, _ = struct.unpack_from('=IHHII', data, off)
                if ln < 16:
                    break
                if seq == self.seq and typ == NLMSG_DONE:
                    return 0, None, None
                if seq == self.seq and typ == NLMSG_ERROR:
                    return self._error(data, off, ln, flags)
                off += (ln + 3) & ~3

    @staticmethod
    def _error(data, off, ln, flags):
        err = -struct.unpack_from('=i', data, off + 16)[0]
        # The request comes back after the error: its header, and all of
        # it unless capped; then the extack attributes.
        tlv = off + 20 + 16
        if not flags & NLM_F_CAPPED:
            tlv = off + 20 + struct.unpack_from('=I', data, off + 20)[0]
        msg = offs = None
        if flags & NLM_F_ACK_TLVS:
            a = parse_attrs(data[(tlv + 3) & ~3:off + ln])
            if NLMSGERR_ATTR_MSG in a:
                msg = a[NLMSGERR_ATTR_MSG].split(b'\0')[0].decode()
            if NLMSGERR_ATTR_OFFS in a:
                offs = struct.unpack('=I', a[NLMSGERR_ATTR_OFFS][:4])[0]
        return err, msg, offs

    def send_raw(self, raw):
        """A hostile message as is; its ack, or None if none came.

        The kernel handles a netlink request inside send(), so an ack (or
        the first part of a dump) is queued by the time send() returns:
        an empty queue means the message was dropped without one.
        """
        self.seq += 1
        try:
            self.s.send(raw)
        except OSError:
            return None
        self.s.setblocking(False)
        try:
            while True:
                try:
                    data = self.s.recv(1 << 16)
                except BlockingIOError:
                    return None
                # More of a dump is produced as we read: wait for it.
                self.s.settimeout(1)
                off = 0
                while off + 16 <= len(data):
                    ln, typ, _, seq, _ = struct.unpack_from('=IHHII', data,
                                                            off)
                    if ln < 16:
                        break
                    if typ == NLMSG_ERROR and seq == self.seq:
                        return -struct.unpack_from('=i', data, off + 16)[0]
                    if typ == NLMSG_DONE and seq == self.seq:
                        return 0
                    off += (ln + 3) & ~3
        except socket.timeout:
            return None
        finally:
            self.s.settimeout(None)

    def dump(self, kind, body):
        self.seq += 1
        self.s.send(nlmsg(kind, NLM_F_REQUEST | NLM_F_DUMP, self.seq, body))
        out = []
        while True:
            data = self.s.recv(1 << 16)
            off = 0
            while off + 16 <= len(data):
                ln, typ, _, _, _ = struct.unpack_from('=IHHII', data, off)
                if typ == NLMSG_DONE:
                    return out
                if typ == NLMSG_ERROR:
                    raise OSError(-struct.unpack_from('=i', data, off + 16)[0],
                                  'dump failed')
                out.append(data[off + 16:off + ln])
                off += (ln + 3) & ~3


def parse_attrs(buf):
    out = {}
    off = 0
    while off + 4 <= len(buf):
        ln, typ = struct.unpack_from('=HH', buf, off)
        if ln < 4:
            break
        out[typ & 0x3fff] = buf[off + 4:off + ln]
        off += (ln + 3) & ~3
    return out


def family_id(sock):
    body = struct.pack('=BBH', CTRL_CMD_GETFAMILY, 1, 0) + \
        attr(CTRL_ATTR_FAMILY_NAME, b'npt6\0')
    sock.seq += 1
    sock.s.send(nlmsg(GENL_ID_CTRL, NLM_F_REQUEST, sock.seq, body))
    data = sock.s.recv(1 << 16)
    attrs = parse_attrs(data[20:])
    return struct.unpack('=H', attrs[CTRL_ATTR_FAMILY_ID][:2])[0]


def main():
    ifname, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rnd = random.Random(seed)
    ifindex = socket.if_nametoindex(ifname)
    g = Sock(NETLINK_GENERIC)
    r = Sock(NETLINK_ROUTE)
    fam = family_id(g)

    # A small pool, so that adds collide, overlap and get deleted.
    pool = [(ipaddress.IPv6Network('fd00:%x::/64' % i),
             ipaddress.IPv6Network('2001:db8:%x::/64' % i)) for i in range(16)]
    pool += [(ipaddress.IPv6Network('fd01::/48'),
              ipaddress.IPv6Network('2001:db8:100::/48')),
             (ipaddress.IPv6Network('fd01:0:0:5::/64'),
              ipaddress.IPv6Network('2001:db8:200::/64'))]
    model = set()
    tunnels = set()
    created = 0
    figures = {'messages': 0, 'valid': 0, 'valid_acked': 0, 'hostile': 0,
               'hostile_rejected': 0, 'hostile_no_ack': 0, 'dumps_abandoned': 0,
               'rtnl': 0, 'mode_invalid': 0}
    bad = []

    def genl(cmd, attrs, version=1, flags=0):
        return struct.pack('=BBH', cmd, version, 0) + b''.join(attrs), flags

    def map_attrs(i, e, idx):
        return [attr(NPT6_A_IFINDEX, struct.pack('=I', idx)),
                attr(NPT6_A_INT_PREFIX, i.network_address.packed),
                attr(NPT6_A_EXT_PREFIX, e.network_address.packed),
                attr(NPT6_A_PREFIX_LEN, struct.pack('=B', i.prefixlen)),
                attr(NPT6_A_NDPROXY, struct.pack('=B', 0))]

    def mode_attr():
        """NPT6_A_MODE: mostly valid, sometimes out of range or of the
        wrong size, which must be refused."""
        r = rnd.random()
        if r < 0.8:
            return attr(NPT6_A_MODE, struct.pack('=B', rnd.randrange(
                NPT6_MODE_MAX + 1))), True
        if r < 0.9:
            return attr(NPT6_A_MODE, struct.pack('=B', rnd.randrange(
                NPT6_MODE_MAX + 1, 256))), False
        return attr(NPT6_A_MODE, rnd.choice([b'', b'\x01\x00',
                                             b'\x01\0\0\0', b'\x01' * 9])), \
            False

    def garbage_attr(maxtype):
        typ = rnd.randrange(0, maxtype + 3)
        if rnd.random() < 0.2:
            typ |= NLA_F_NESTED
        ln = rnd.choice([0, 1, 2, 3, 4, 8, 15, 16, 17, rnd.randrange(0, 300)])
        payload = bytes(rnd.getrandbits(8) for _ in range(ln))
        if rnd.random() < 0.15:
            payload = b''.join(garbage_attr(maxtype) for _ in range(rnd.randrange(1, 4)))
        return attr(typ, payload)

    def mutate(raw):
        b = bytearray(raw)
        for _ in range(rnd.randrange(1, 6)):
            op = rnd.random()
            pos = rnd.randrange(20, len(b)) if len(b) > 20 else len(b)
            if op < 0.4 and pos < len(b):
                b[pos] = rnd.getrandbits(8)
            elif op < 0.6:
                del b[pos:pos + rnd.randrange(1, 8)]
            elif op < 0.8:
                b[pos:pos] = bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 12)))
            else:
                b = b[:pos]
        # Keep or break the length field, both are worth trying.
        if rnd.random() < 0.7 and len(b) >= 4:
            struct.pack_into('=I', b, 0, len(b))
        return bytes(b)

    for n in range(count):
        figures['messages'] += 1
        kind = rnd.random()
        if kind < 0.25:
            # Well formed, on the real device: the model follows the acks.
            figures['valid'] += 1
            op = rnd.random()
            i, e = rnd.choice(pool)
            if op < 0.5:
                a = map_attrs(i, e, ifindex)
                mode, valid = 0, True
                if rnd.random() < 0.5:
                    m, valid = mode_attr()
                    a.append(m)
                    mode = m[4] if valid else None
                body, _ = genl(NPT6_CMD_MAP_ADD, a)
                err = g.request(fam, 0, body)
                if not valid:
                    figures['mode_invalid'] += 1
                    if err == 0:
                        bad.append('an invalid NPT6_A_MODE was acked: %s' %
                                   body.hex())
                if err == 0:
                    model = {x for x in model if x[0] != str(i)}
                    model.add((str(i), str(e), mode))
            elif op < 0.9:
                body, _ = genl(NPT6_CMD_MAP_DEL, map_attrs(i, e, ifindex)[:4])
                err = g.request(fam, 0, body)
                if err == 0:
                    model = {m for m in model if m[0] != str(i)}
            else:
                body, _ = genl(NPT6_CMD_MAP_FLUSH,
                               [attr(NPT6_A_IFINDEX, struct.pack('=I', ifindex))])
                err = g.request(fam, 0, body)
                if err == 0:
                    model = set()
            figures['valid_acked'] += err == 0
        elif kind < 0.30:
            # Start a dump and abandon it after the first datagram.
            s = Sock(NETLINK_GENERIC)
            s.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            body, _ = genl(NPT6_CMD_MAP_GET, [])
            s.s.send(nlmsg(fam, NLM_F_REQUEST | NLM_F_DUMP, 1, body))
            s.s.recv(4096)
            s.s.close()
            figures['dumps_abandoned'] += 1
        elif kind < 0.36:
            # rtnetlink: npt6tnl links with garbage IFLA_INFO_DATA.
            figures['rtnl'] += 1
            name = b'fz%d\0' % rnd.randrange(4)
            info = attr(IFLA_INFO_KIND, b'npt6tnl\0')
            data = b''
            if rnd.random() < 0.5:
                # A tunnel that may well be created, then garbage or not.
                data = attr(IFLA_NPT6TNL_LINK, struct.pack('=I', ifindex)) + \
                    attr(IFLA_NPT6TNL_REMOTE, ipaddress.IPv6Address(
                        '2001:db8:ff::%d' % (name[2] - 0x2f)).packed) + \
                    attr(IFLA_NPT6TNL_LOCAL, ipaddress.IPv6Address(
                        '2001:db8:fe::1').packed)
            if rnd.random() < 0.6:
                data += b''.join(garbage_attr(IFLA_NPT6TNL_MAX)
                                 for _ in range(rnd.randrange(1, 6)))
            if data or rnd.random() < 0.5:
                info += attr(IFLA_INFO_DATA | NLA_F_NESTED, data)
            body = struct.pack('=BxHiII', socket.AF_UNSPEC, 0, 0, 0, 0) + \
                attr(IFLA_IFNAME, name) + attr(IFLA_LINKINFO | NLA_F_NESTED, info)
            if rnd.random() < 0.7:
                err = r.request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, body)
                if err == 0:
                    tunnels.add(name[:-1].decode())
                    created += 1
            else:
                body = struct.pack('=BxHiII', socket.AF_UNSPEC, 0, 0, 0, 0) + \
                    attr(IFLA_IFNAME, name)
                err = r.request(RTM_DELLINK, 0, body)
                if err == 0:
                    tunnels.discard(name[:-1].decode())
        else:
            # Hostile: never names a device that exists.
            figures['hostile'] += 1
            cmd = rnd.choice([0, 1, 2, 3, 4, 5, 6, 7, 200, 255])
            attrs = []
            if rnd.random() < 0.5:
                i, e = rnd.choice(pool)
                attrs = map_attrs(i, e, NO_SUCH_IFINDEX)[:rnd.randrange(0, 6)]
            attrs += [garbage_attr(NPT6_A_MAX) for _ in range(rnd.randrange(0, 5))]
            # Last wins in nla_parse: the device that does not exist.
            rnd.shuffle(attrs)
            attrs.append(attr(NPT6_A_IFINDEX, struct.pack('=I', NO_SUCH_IFINDEX)))
            version = rnd.choice([1, 1, 1, 0, 2, 255])
            flags = NLM_F_REQUEST | NLM_F_ACK | rnd.choice([0, 0, 0, NLM_F_DUMP, 0x20])
            body = struct.pack('=BBH', cmd, version, rnd.choice([0, 0, 0xffff])) + \
                b''.join(attrs)
            raw = nlmsg(fam, flags, g.seq + 1, body)
            # Mutation could turn the device into a real one: only for
            # commands that cannot change anything.
            if cmd not in (1, 2, 4) and rnd.random() < 0.5:
                raw = mutate(raw)
            err = g.send_raw(raw)
            if err is None:
                figures['hostile_no_ack'] += 1
            elif err == 0 and not flags & NLM_F_DUMP and cmd in (1, 2, 4):
                # A dump acks with 0 after its (empty or not) answer and
                # a GET of nothing may succeed; a change must not.
                bad.append('hostile request acked: cmd %d flags %#x %s' %
                           (cmd, flags, raw.hex()))
            else:
                figures['hostile_rejected'] += err != 0
            # A hostile dump leaves its answer queued: drain it.
            g.s.setblocking(False)
            try:
                while g.s.recv(1 << 16):
                    pass
            except BlockingIOError:
                pass
            g.s.setblocking(True)

    # The state, as dumped, against the model.
    got = set()
    body, _ = genl(NPT6_CMD_MAP_GET, [])
    for msg in g.dump(fam, body):
        a = parse_attrs(msg[4:])
        if struct.unpack('=I', a[NPT6_A_IFINDEX][:4])[0] != ifindex:
            bad.append('a mapping on another device: %s' % msg.hex())
            continue
        plen = a[NPT6_A_PREFIX_LEN][0]
        i = ipaddress.IPv6Network((ipaddress.IPv6Address(a[NPT6_A_INT_PREFIX]), plen))
        e = ipaddress.IPv6Network((ipaddress.IPv6Address(a[NPT6_A_EXT_PREFIX]), plen))
        mode = a[NPT6_A_MODE][0] if NPT6_A_MODE in a else None
        got.add((str(i), str(e), mode))
    if got != model:
        bad.append('mappings: kernel %s, acked %s' % (sorted(got, key=str),
                                                      sorted(model, key=str)))

    links = set()
    for msg in r.dump(RTM_GETLINK, struct.pack('=BxHiII', socket.AF_UNSPEC, 0, 0, 0, 0)):
        a = parse_attrs(msg[16:])
        name = a.get(IFLA_IFNAME, b'').rstrip(b'\0').decode()
        if name.startswith('fz'):
            links.add(name)
    if links != tunnels:
        bad.append('tunnels: kernel %s, acked %s' % (sorted(links), sorted(tunnels)))

    figures['tunnels_created'] = created
    figures['mappings_at_end'] = len(model)
    figures['tunnels_at_end'] = len(tunnels)
    figures['problems'] = bad[:10]
    print(json.dumps(figures))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
