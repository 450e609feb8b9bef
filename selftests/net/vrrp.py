#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# vrrp.py: helpers for test_vrrp.sh.
#
#   serve PORT  a TCP server on [::]:PORT (IPv4 too) that writes each
#               client's address as it sees it: the far end's view of
#               which router a new connection left through.  It writes
#               it again for every line the client sends, until the
#               client closes.
#   probe PORT WANT6@ADDR6 WANT4@ADDR4
#               from where it runs (the LAN host), a new connection to
#               each ADDR every 0.25 s, each given 4 s (SYN
#               retransmissions included), until one to each has been
#               answered by the server seeing the client as WANT, or for
#               40 s; "ready" first, then one JSON object: when the first
#               such connection to each ended (ms since the epoch, as
#               date +%s%3N), and every attempt's end and outcome
#   tcp NAME=PCAP...
#               one JSON object per TCP segment in each PCAP: where
#               (NAME), family, source, destination, ports, flags (S, A,
#               P, F, R) and MSS, and for IPv4 inside IPv6 (ipip6) the
#               outer source, destination and header length
#
# pcap parsing uses pkt.py's reader and is written out here, independently
# of scapy and of the module, so that the checks are about the bytes on
# the wire.

import ipaddress
import json
import os
import selectors
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkt import read_pcap  # noqa: E402

IPPROTO_IPIP, IPPROTO_TCP = 4, 6


def serve(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(('::', port))
    s.listen(64)
    while True:
        c, peer = s.accept()
        threading.Thread(target=client, args=(c, peer), daemon=True).start()


def client(c, peer):
    a = ipaddress.ip_address(peer[0].split('%')[0])
    if a.ipv4_mapped:
        a = a.ipv4_mapped
    line = ('%s\n' % a).encode()
    try:
        with c, c.makefile('rb') as f:
            c.sendall(line)
            for _ in f:
                c.sendall(line)
    except OSError:
        pass


def now_ms():
    return int(time.time() * 1000)


def probe(port, targets):
    """targets: [(want, addr)].  See the header."""
    sel = selectors.DefaultSelector()
    first = {addr: None for _, addr in targets}
    log = []
    pending = {}			# socket -> (addr, deadline, data)
    end = time.monotonic() + 40
    next_try = 0
    print('ready', flush=True)

    def finish(sk, seen):
        addr = pending.pop(sk)[0]
        sel.unregister(sk)
        sk.close()
        t = now_ms()
        log.append([t, addr, seen])
        want = dict((a, w) for w, a in targets)[addr]
        if seen == want and first[addr] is None:
            first[addr] = t

    while time.monotonic() < end and None in first.values():
        now = time.monotonic()
        if now >= next_try:
            next_try = now + 0.25
            for _, addr in targets:
                if first[addr] is not None:
                    continue
                fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
                sk = socket.socket(fam, socket.SOCK_STREAM)
                sk.setblocking(False)
                sk.connect_ex((addr, port))
                pending[sk] = (addr, now + 4, b'')
                sel.register(sk, selectors.EVENT_READ)
        for key, _ in sel.select(timeout=0.05):
            sk = key.fileobj
            try:
                data = sk.recv(256)
            except OSError as e:
                finish(sk, 'error %d' % e.errno)
                continue
            addr, deadline, got = pending[sk]
            got += data
            if b'\n' in got or not data:
                finish(sk, got.decode(errors='replace').strip() or 'closed')
            else:
                pending[sk] = (addr, deadline, got)
        for sk, (addr, deadline, _) in list(pending.items()):
            if time.monotonic() >= deadline:
                finish(sk, 'timeout')
    for sk in list(pending):
        sk.close()
    print(json.dumps({'first': first, 'log': log}), flush=True)
    return 0


def tcp_seg(b, out):
    """Fill OUT from TCP header B."""
    if len(b) < 20:
        return False
    sport, dport = struct.unpack('!HH', b[:4])
    out['sport'], out['dport'] = sport, dport
    out['flags'] = ''.join(c for bit, c in ((0x02, 'S'), (0x01, 'F'), (0x04, 'R'),
                                            (0x08, 'P'), (0x10, 'A'))
                           if b[13] & bit)
    opts = b[20:(b[12] >> 4) * 4]
    i = 0
    while i < len(opts) and opts[i] != 0:
        if opts[i] == 1:
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2:
            break
        if opts[i] == 2 and opts[i + 1] == 4 and i + 4 <= len(opts):
            out['mss'] = struct.unpack('!H', opts[i + 2:i + 4])[0]
        i += opts[i + 1]
    return True


def ip4_seg(b, out):
    if len(b) < 20 or b[0] >> 4 != 4 or b[9] != IPPROTO_TCP:
        return False
    if struct.unpack('!H', b[6:8])[0] & 0x1fff:
        return False
    out['v'] = 4
    out['src'] = socket.inet_ntop(socket.AF_INET, b[12:16])
    out['dst'] = socket.inet_ntop(socket.AF_INET, b[16:20])
    return tcp_seg(b[(b[0] & 0xf) * 4:], out)


def ip6_seg(b, out):
    if len(b) < 40 or b[0] >> 4 != 6:
        return False
    src = str(ipaddress.IPv6Address(b[8:24]))
    dst = str(ipaddress.IPv6Address(b[24:40]))
    # npt6tnl and ip6tnl here send no extension headers: the upper
    # layer follows the fixed header or it is not ours.
    if b[6] == IPPROTO_IPIP:
        out['outer'] = {'src': src, 'dst': dst, 'hlen': 40}
        return ip4_seg(b[40:], out)
    if b[6] != IPPROTO_TCP:
        return False
    out['v'] = 6
    out['src'], out['dst'] = src, dst
    return tcp_seg(b[40:], out)


def segments(name, path):
    for linktype, frame, _ in read_pcap(path):
        if linktype != 1 or len(frame) < 14:
            continue
        et = struct.unpack('!H', frame[12:14])[0]
        out = {'at': name}
        if ((et == 0x86dd and ip6_seg(frame[14:], out)) or
                (et == 0x0800 and ip4_seg(frame[14:], out))):
            print(json.dumps(out, sort_keys=True))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == 'serve':
        return serve(int(sys.argv[2]))
    if len(sys.argv) >= 4 and sys.argv[1] == 'probe':
        return probe(int(sys.argv[2]),
                     [tuple(t.split('@', 1)) for t in sys.argv[3:]])
    if len(sys.argv) >= 3 and sys.argv[1] == 'tcp':
        for arg in sys.argv[2:]:
            segments(*arg.split('=', 1))
        return 0
    sys.stderr.write('usage: vrrp.py serve PORT | probe PORT WANT@ADDR... | '
                     'tcp NAME=PCAP...\n')
    return 2


if __name__ == '__main__':
    sys.exit(main())
