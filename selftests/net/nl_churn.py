#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# nl_churn.py IFNAME SECONDS [BATCH]
#
# Add BATCH (default 500) mappings on IFNAME in one burst of requests,
# delete them again, and repeat for SECONDS; every request is acked and
# any error ends the run.  Prints {"ops": N, "seconds": S, "per_second": R}.
# The prefixes are fd77:N::/64 -> 2001:db8:77:N::/64, clear of whatever
# else the caller maps.

import json
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nl_fuzz import (NLM_F_ACK, NLM_F_REQUEST, NLMSG_ERROR,  # noqa: E402
                     NPT6_A_EXT_PREFIX, NPT6_A_IFINDEX, NPT6_A_INT_PREFIX,
                     NPT6_A_NDPROXY, NPT6_A_PREFIX_LEN, NPT6_CMD_MAP_ADD,
                     NPT6_CMD_MAP_DEL, Sock, attr, family_id, nlmsg)

# Requests per send(): their acks must fit the receive buffer.
CHUNK = 64


def requests(fam, cmd, ifindex, first, count):
    """The requests of one burst, CHUNK to a string, built once: the
    churn measures the kernel, not how fast Python packs messages.  Each
    request has its own sequence number within a burst; the same numbers
    come round again with every burst."""
    chunks = []
    for c in range(first, first + count, CHUNK):
        msgs = []
        for k in range(c, min(c + CHUNK, first + count)):
            hi = struct.pack('>HHH', 0xfd77, k >> 16, k & 0xffff) + b'\0' * 10
            ext = struct.pack('>HHHH', 0x2001, 0x0db8, 0x77, k) + b'\0' * 8
            attrs = [attr(NPT6_A_IFINDEX, struct.pack('=I', ifindex)),
                     attr(NPT6_A_INT_PREFIX, hi),
                     attr(NPT6_A_PREFIX_LEN, b'\x40')]
            if cmd == NPT6_CMD_MAP_ADD:
                attrs += [attr(NPT6_A_EXT_PREFIX, ext),
                          attr(NPT6_A_NDPROXY, b'\0')]
            msgs.append(nlmsg(fam, NLM_F_REQUEST | NLM_F_ACK, k,
                              struct.pack('=BBH', cmd, 1, 0) + b''.join(attrs)))
        chunks.append((len(msgs), b''.join(msgs)))
    return chunks


def burst(sock, cmd, chunks):
    """Send CHUNKS; every request must be acked with success."""
    done = 0
    for n, msgs in chunks:
        sock.s.send(msgs)
        acks = 0
        while acks < n:
            data = sock.s.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                ln, typ = struct.unpack_from('=IH', data, off)
                if typ == NLMSG_ERROR:
                    err = struct.unpack_from('=i', data, off + 16)[0]
                    if err:
                        raise OSError(-err, 'request %d failed' % cmd)
                    acks += 1
                off += (ln + 3) & ~3
        done += n
    return done


def main():
    ifindex = socket.if_nametoindex(sys.argv[1])
    seconds = float(sys.argv[2])
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    sock = Sock(16)
    sock.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    fam = family_id(sock)
    adds = requests(fam, NPT6_CMD_MAP_ADD, ifindex, 1, batch)
    dels = requests(fam, NPT6_CMD_MAP_DEL, ifindex, 1, batch)
    ops = 0
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        ops += burst(sock, NPT6_CMD_MAP_ADD, adds)
        ops += burst(sock, NPT6_CMD_MAP_DEL, dels)
    took = time.monotonic() - start
    print(json.dumps({'ops': ops, 'seconds': round(took, 2),
                      'per_second': round(ops / took)}))


if __name__ == '__main__':
    main()
