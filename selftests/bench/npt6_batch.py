#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# npt6_batch.py DEV FILE
#
# Add many npt6 mappings on DEV in one process: FILE (or - for stdin)
# holds one "INT_PFX EXT_PFX [ndproxy auto|all|off]" per line.  The
# benchmark needs 10000 mappings, and under TCG every exec of nptctl
# costs ~12M guest instructions, a quarter of an hour of wall time for
# 10000 of them; nptctl has no batch mode, so we speak the generic
# netlink family of uapi/linux/npt6.h ourselves and put many requests
# into one send.  Nothing here is clever: each request is acked, and the
# first error (with the kernel's extack message) ends the run with
# status 1.  Run it in the netns of DEV (ip netns exec).

import ipaddress
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NETLINK_CAP_ACK = 10
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLMSG_ERROR = 0x2
NLMSG_DONE = 0x3
NLMSGERR_ATTR_MSG = 1
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_VERSION = 3

# uapi/linux/npt6.h
NPT6_GENL_VERSION = 1
NPT6_CMD_MAP_ADD = 1
NPT6_A_IFINDEX = 1
NPT6_A_INT_PREFIX = 3
NPT6_A_EXT_PREFIX = 4
NPT6_A_PREFIX_LEN = 5
NPT6_A_NDPROXY = 8
NDPROXY = {'off': 0, 'auto': 1, 'all': 2}

# Requests per send(); their acks must fit the default receive buffer.
CHUNK = 64


def attr(kind, payload):
    hdr = struct.pack('=HH', 4 + len(payload), kind)
    return hdr + payload + b'\0' * (-len(payload) % 4)


def message(kind, flags, seq, cmd, version, attrs):
    body = struct.pack('=BBH', cmd, version, 0) + b''.join(attrs)
    return struct.pack('=IHHII', 16 + len(body), kind, flags, seq, 0) + body


def parse_attrs(buf):
    out = {}
    while len(buf) >= 4:
        length, kind = struct.unpack_from('=HH', buf)
        if length < 4:
            break
        out[kind & 0x3fff] = buf[4:length]
        buf = buf[(length + 3) & ~3:]
    return out


def errors(data):
    """Yield (seq, errno, extack message) for every ack in data."""
    while len(data) >= 16:
        length, kind, flags, seq, _ = struct.unpack_from('=IHHII', data)
        if length < 16:
            break
        msg = data[16:length]
        if kind == NLMSG_ERROR:
            err = -struct.unpack_from('=i', msg)[0]
            text = ''
            # With NETLINK_CAP_ACK the request is not echoed: the TLVs
            # follow the 20-byte error header and nlmsghdr copy at once.
            tlv = parse_attrs(msg[20:]) if flags & 0x200 else {}
            if NLMSGERR_ATTR_MSG in tlv:
                text = tlv[NLMSGERR_ATTR_MSG].rstrip(b'\0').decode(errors='replace')
            yield seq, err, text
        data = data[(length + 3) & ~3:]


def family(sock):
    sock.send(message(GENL_ID_CTRL, NLM_F_REQUEST, 1, CTRL_CMD_GETFAMILY, 1,
                      [attr(CTRL_ATTR_FAMILY_NAME, b'npt6\0')]))
    data = sock.recv(65536)
    length, kind = struct.unpack_from('=IH', data)
    if kind == NLMSG_ERROR:
        err = -struct.unpack_from('=i', data, 16)[0]
        raise SystemExit('npt6_batch: Unable to find the npt6 family: %s '
                         '(is the module loaded?)' % os.strerror(err))
    attrs = parse_attrs(data[20:length])
    version = struct.unpack('=I', attrs[CTRL_ATTR_VERSION])[0]
    if version != NPT6_GENL_VERSION:
        raise SystemExit('npt6_batch: npt6 family version %d, we speak %d'
                         % (version, NPT6_GENL_VERSION))
    return struct.unpack('=H', attrs[CTRL_ATTR_FAMILY_ID])[0]


def requests(lines, ifindex):
    for no, line in enumerate(lines, 1):
        words = line.split()
        if not words or words[0].startswith('#'):
            continue
        ndproxy = None
        if len(words) == 4 and words[2] == 'ndproxy' and words[3] in NDPROXY:
            ndproxy = NDPROXY[words[3]]
        elif len(words) != 2:
            raise SystemExit('npt6_batch: line %d: expected "INT_PFX EXT_PFX '
                             '[ndproxy MODE]"' % no)
        intp = ipaddress.IPv6Network(words[0])
        extp = ipaddress.IPv6Network(words[1])
        if intp.prefixlen != extp.prefixlen:
            raise SystemExit('npt6_batch: line %d: prefix lengths differ' % no)
        attrs = [attr(NPT6_A_IFINDEX, struct.pack('=I', ifindex)),
                 attr(NPT6_A_INT_PREFIX, intp.network_address.packed),
                 attr(NPT6_A_EXT_PREFIX, extp.network_address.packed),
                 attr(NPT6_A_PREFIX_LEN, struct.pack('=B', intp.prefixlen))]
        if ndproxy is not None:
            attrs.append(attr(NPT6_A_NDPROXY, struct.pack('=B', ndproxy)))
        yield no, line.strip(), attrs


def main():
    if len(sys.argv) != 3:
        print('usage: npt6_batch.py DEV FILE', file=sys.stderr)
        return 1
    dev, path = sys.argv[1:]
    try:
        ifindex = socket.if_nametoindex(dev)
    except OSError as e:
        raise SystemExit('npt6_batch: Unable to find device %s: %s' % (dev, e.strerror))
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
    sock.bind((0, 0))
    fam = family(sock)
    with (sys.stdin if path == '-' else open(path)) as f:
        reqs = list(requests(f, ifindex))
    added = 0
    seq = 100
    for i in range(0, len(reqs), CHUNK):
        chunk = reqs[i:i + CHUNK]
        pending = {}
        buf = []
        for no, text, attrs in chunk:
            seq += 1
            pending[seq] = (no, text)
            buf.append(message(fam, NLM_F_REQUEST | NLM_F_ACK, seq,
                               NPT6_CMD_MAP_ADD, NPT6_GENL_VERSION, attrs))
        sock.send(b''.join(buf))
        while pending:
            for s, err, text in errors(sock.recv(65536)):
                no, line = pending.pop(s, (0, '?'))
                if err:
                    raise SystemExit('npt6_batch: line %d (%s): Unable to add '
                                     'the mapping: %s%s' % (
                                         no, line, os.strerror(err),
                                         ' (%s)' % text if text else ''))
                added += 1
    print('npt6_batch: %d mappings added on %s' % (added, dev))
    return 0


if __name__ == '__main__':
    sys.exit(main())
