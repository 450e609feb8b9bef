#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Move an exact number of bytes over one TCP connection and count them.

  tcp_bytes.py sink PORT       accept one connection on [::]:PORT (IPv4
                               too), read to EOF, print the byte count
  tcp_bytes.py send ADDR PORT SIZE
                               send SIZE zero bytes, half-close, wait for
                               the sink to close, print SIZE
  tcp_bytes.py serve PORT SIZE the same two the other way round, for a
  tcp_bytes.py fetch ADDR PORT receiver that must open the connection
                               (behind NAT): serve sends, fetch counts

iperf3 reports what its receiver had read when the sender said "done",
which leaves out whatever was still in flight; the sink reads to the
sender's FIN, so its count is every byte that arrived.  Exit status 0, or
1 on a socket error or after --timeout seconds (default 60).
"""

import argparse
import socket
import sys

BLOCK = 1 << 20


def accept(port, timeout):
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.bind(("::", port))
    srv.listen(1)
    srv.settimeout(timeout)
    conn, _ = srv.accept()
    conn.settimeout(timeout)
    srv.close()
    return conn


def count(conn):
    buf = bytearray(BLOCK)
    total = 0
    while True:
        n = conn.recv_into(buf)
        if not n:
            break
        total += n
    conn.close()
    print(total)


def pour(conn, size):
    block = bytes(BLOCK)
    left = size
    while left:
        n = min(left, BLOCK)
        conn.sendall(block[:n])
        left -= n
    conn.shutdown(socket.SHUT_WR)
    # The other end closes once it has read everything.
    conn.recv(1)
    conn.close()
    print(size)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=60)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sink")
    s.add_argument("port", type=int)
    s = sub.add_parser("send")
    s.add_argument("addr")
    s.add_argument("port", type=int)
    s.add_argument("size", type=int)
    s = sub.add_parser("serve")
    s.add_argument("port", type=int)
    s.add_argument("size", type=int)
    s = sub.add_parser("fetch")
    s.add_argument("addr")
    s.add_argument("port", type=int)
    args = ap.parse_args()
    try:
        if args.cmd == "sink":
            count(accept(args.port, args.timeout))
        elif args.cmd == "send":
            pour(socket.create_connection((args.addr, args.port),
                                          timeout=args.timeout), args.size)
        elif args.cmd == "serve":
            pour(accept(args.port, args.timeout), args.size)
        else:
            count(socket.create_connection((args.addr, args.port),
                                           timeout=args.timeout))
    except OSError as e:
        print(f"tcp_bytes: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
