#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# callgraph.py DIR: the function_graph traces callgraph.sh left in DIR
# ({enc,dec}-{ip6tnl,npt6,npt6fp}.txt, snpt-{ip6t,npt6-before,npt6}.txt,
# and "packets") as Markdown tables of instructions per packet per
# function, one column per variant.
#
# Under -icount shift=0 a traced duration in ns is a count of guest
# instructions, the tracer's own included: each cell is a function's
# inclusive count per packet (what it calls counts too, traced or not),
# then how often it runs per packet, then how many traced calls below it
# per packet.  Each traced call costs the tracer about 700 to 1400
# instructions, some inside the call and some in its caller's interval,
# and the share varies from run to run: callgraph.sh measures it for
# every variant (the difference ip_forward() or ip6_forward() shows
# with one traced function below it and without), and the line above each table gives
# it, but the per-function figures are only good to a few hundred
# instructions.  Read the tables for where a packet goes and roughly
# what each step costs; `make bench`, which runs untraced, for totals.

import os
import re
import sys

TUNNEL = [('ip6tnl', 'ip6tnl'), ('npt6', 'npt6'), ('npt6fp', 'npt6, fastpath on')]
# (direction, title, variants, the function whose calls of the
# calibration function measure the tracer)
DIRECTIONS = [
    ('enc', 'Encapsulation (rtr forwards IPv4 into the tunnel)', TUNNEL, 'ip_forward'),
    ('dec', 'Decapsulation (rtr receives ipip6, forwards IPv4)', TUNNEL, 'ip_forward'),
    ('snpt', 'SNPT (rtr forwards IPv6 from the LAN to the Internet)',
     [('ip6t', 'ip6t_NPT'), ('npt6-before', 'npt6 before issue 21 (6169585^)'),
      ('npt6', 'npt6')], 'ip6_forward'),
]
LINE = re.compile(r'^\s*\d+\)\s+(?:([+!#*@$]?\s*[\d.]+) us\s+)?\|\s+(\S.*)$')


def parse(path, cal=None):
    """Per function: [calls, total ns, traced calls below, calls of cal
    below]; the cheapest leaf's duration."""
    stats = {}
    stack = []          # [name, traced calls below, calls of cal below]
    cheapest = None
    for raw in open(path):
        m = LINE.match(raw)
        if not m:
            continue
        dur, what = m.groups()
        ns = float(re.sub(r'[^\d.]', '', dur)) * 1000 if dur else None
        what = what.strip()
        if what.endswith('{'):
            stack.append([what.split('(')[0].split()[0], 0, 0])
            continue
        if what.endswith('();'):
            name, below, cbelow = what.split('(')[0].split()[0], 0, 0
        elif what.startswith('}') and stack:
            name, below, cbelow = stack.pop()
        else:
            continue
        if ns is None:
            continue
        s = stats.setdefault(name, [0, 0.0, 0, 0])
        s[0] += 1
        s[1] += ns
        s[2] += below
        s[3] += cbelow
        if below == 0 and (cheapest is None or ns < cheapest):
            cheapest = ns
        if stack:
            stack[-1][1] += 1 + below
            stack[-1][2] += cbelow + (name == cal)
    return stats, cheapest


def main():
    d = sys.argv[1]
    n = int(open(os.path.join(d, 'packets')).read())
    print('Guest instructions per packet under QEMU -icount shift=0, %d '
          '100-byte UDP packets per variant, function_graph limited '
          'to the functions below.  A cell: inclusive instructions with '
          'the tracer\'s own cost (a row counts what the function calls), '
          'calls per packet, traced calls below it per packet.  "—": not '
          'called.' % n)
    for direction, title, variants, parent in DIRECTIONS:
        variants = [(v, label) for v, label in variants
                    if os.path.exists(os.path.join(d, '%s-%s.txt' % (direction, v)))]
        if not variants:
            continue
        res = {}
        inner = None
        over = {}
        cal = open(os.path.join(d, '%s.cal' % direction)).read().strip()
        for v, _ in variants:
            path = os.path.join(d, '%s-%s.txt' % (direction, v))
            res[v], cheapest = parse(path, cal)
            if cheapest is not None:
                inner = cheapest if inner is None else min(inner, cheapest)
            # The parent without cal traced: the difference is what the
            # tracer cost the calls of cal inside it.
            without, _ = parse(os.path.join(d, '%s-%s.cal.txt' % (direction, v)))
            a, b = res[v][parent], without[parent]
            over[v] = (a[1] / a[0] - b[1] / b[0]) / (a[3] / a[0])
        inner = inner or 0.0
        names = []
        for v, _ in variants:
            for name in res[v]:
                if name not in names:
                    names.append(name)
        print()
        print('**%s** (the tracer\'s cost per traced call, by variant: %s '
              'instructions, about %.0f of them inside the call)'
              % (title, ', '.join('%.0f' % over[v] for v, _ in variants), inner))
        print()
        print('| function | ' + ' | '.join(label for _, label in variants) + ' |')
        print('| --- |' + ' ---: |' * len(variants))
        for name in names:
            if name == 'skb_push':
                continue
            cells = []
            for v, _ in variants:
                s = res[v].get(name)
                if not s:
                    cells.append('—')
                    continue
                calls, total, below, _ = s
                num = lambda x: ('%.2f' % x).rstrip('0').rstrip('.')
                cells.append('%.0f, %s×, %s' % (total / n, num(calls / n), num(below / n)))
            print('| `%s` | %s |' % (name, ' | '.join(cells)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
