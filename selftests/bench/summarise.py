#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# summarise.py SAMPLES.tsv [--json FILE] [--md FILE] [--meta K=V ...]
#
# Turn the windows selftests/bench/guest.sh measured (one line each:
# round, case, packets, guest ns, checked) into medians per case and
# compare each case with its plain-forwarding baseline and with
# ip6t_NPT.  Warm-up windows are dropped.  Under -icount shift=0 one
# guest ns is one instruction, so packets/ns*1e9 is "virtual pps" and
# ns/packets is instructions per packet.

import argparse
import json
import statistics
import sys

CASES = [
    # case, label, plain baseline, ip6t_NPT anchor
    ('fwd-l2w', 'plain IPv6 forward, LAN→WAN', None, None),
    ('ip6t-snpt', 'ip6t_NPT SNPT (mangle, iptables-nft)', 'fwd-l2w', None),
    ('npt6-snpt', 'npt6 SNPT', 'fwd-l2w', 'ip6t-snpt'),
    ('fwd-w2l', 'plain IPv6 forward, WAN→LAN', None, None),
    ('ip6t-dnpt', 'ip6t_NPT DNPT (mangle, iptables-nft)', 'fwd-w2l', None),
    ('npt6-dnpt', 'npt6 DNPT', 'fwd-w2l', 'ip6t-dnpt'),
]
PPS_TARGET = 0.98       # npt6 virtual pps >= 0.98 x plain
EXTRA_TARGET = 0.25     # npt6 extra cost <= 1/4 of ip6t_NPT's


def load(path):
    windows = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip('\n').split('\t')
            if len(parts) < 4 or parts[0] == 'warmup':
                continue
            rnd, case, packets, ns = parts[:4]
            checked = parts[4] if len(parts) > 4 else '-'
            packets, ns = int(packets), int(ns)
            if packets <= 0 or ns <= 0:
                raise SystemExit('%s round %s: %d packets in %d ns: no traffic '
                                 'went through' % (case, rnd, packets, ns))
            windows.setdefault(case, []).append({
                'round': int(rnd), 'packets': packets, 'guest_ns': ns,
                'checked': checked,
                'vpps': packets / ns * 1e9, 'ipp': ns / packets})
    return windows


def summarise(windows):
    res = {}
    for case, label, base, anchor in CASES:
        ws = windows.get(case)
        if not ws:
            continue
        vpps = [w['vpps'] for w in ws]
        ipp = [w['ipp'] for w in ws]
        med = statistics.median(vpps)
        r = {
            'label': label, 'rounds': len(ws),
            'vpps_median': med, 'vpps_min': min(vpps), 'vpps_max': max(vpps),
            'spread_pct': (max(vpps) - min(vpps)) / med * 100,
            'ipp_median': statistics.median(ipp),
            'baseline': base, 'anchor': anchor,
            'windows': ws,
        }
        # Did the translator under test see the packets?
        if not case.startswith('fwd'):
            ok = all(w['checked'].isdigit() and int(w['checked']) >= w['packets']
                     for w in ws)
            r['translated_all'] = ok
        res[case] = r
    for case, r in res.items():
        b = res.get(r['baseline']) if r['baseline'] else None
        a = res.get(r['anchor']) if r['anchor'] else None
        if b:
            r['extra_ipp'] = r['ipp_median'] - b['ipp_median']
            r['ratio_vs_plain'] = r['vpps_median'] / b['vpps_median']
        if a:
            r['ratio_vs_ip6t'] = r['vpps_median'] / a['vpps_median']
            if b and a.get('extra_ipp'):
                r['extra_vs_ip6t'] = r['extra_ipp'] / a['extra_ipp']
            r['target_pps'] = r.get('ratio_vs_plain', 0) >= PPS_TARGET
            r['target_extra'] = r.get('extra_vs_ip6t', 1) <= EXTRA_TARGET
    return res


def markdown(res, meta):
    out = ['# npt6 benchmark (virtual pps = packets per 10⁹ guest instructions)',
           '']
    if meta:
        out += ['; '.join('%s: %s' % kv for kv in meta.items()), '']
    out += ['| path | virtual pps (median) | spread | instr/packet | '
            'extra over plain | × plain | × ip6t_NPT | extra / ip6t_NPT extra |',
            '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |']
    for case, *_ in CASES:
        r = res.get(case)
        if not r:
            continue
        extra = ('%+.0f' % r['extra_ipp']) if 'extra_ipp' in r else '—'
        xp = ('%.3f×' % r['ratio_vs_plain']) if 'ratio_vs_plain' in r else '—'
        xa = ('%.3f×' % r['ratio_vs_ip6t']) if 'ratio_vs_ip6t' in r else '—'
        xe = ('%.2f' % r['extra_vs_ip6t']) if 'extra_vs_ip6t' in r else '—'
        label = r['label']
        if r.get('translated_all') is False:
            label += ' (**not all packets translated**)'
        out.append('| %s | %.1fk | %.2f %% (n=%d) | %.0f | %s | %s | %s | %s |' % (
            label, r['vpps_median'] / 1e3, r['spread_pct'], r['rounds'],
            r['ipp_median'], extra, xp, xa, xe))
    out += ['', 'Targets (issue): npt6 ≥ %.2f× plain; npt6 extra ≤ %.2f× '
            'ip6t_NPT extra.' % (PPS_TARGET, EXTRA_TARGET), '']
    for case in ('npt6-snpt', 'npt6-dnpt'):
        r = res.get(case)
        if r and 'target_pps' in r:
            out.append('- %s: × plain %s (%s), extra/ip6t %s (%s)' % (
                case, '%.3f' % r.get('ratio_vs_plain', 0),
                'met' if r['target_pps'] else 'NOT met',
                '%.2f' % r['extra_vs_ip6t'] if 'extra_vs_ip6t' in r else '?',
                'met' if r['target_extra'] else 'NOT met'))
    return '\n'.join(out) + '\n'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('samples')
    ap.add_argument('--json')
    ap.add_argument('--md')
    ap.add_argument('--meta', action='append', default=[])
    args = ap.parse_args()
    meta = dict(m.split('=', 1) for m in args.meta)
    res = summarise(load(args.samples))
    if not res:
        print('summarise: no measured windows in %s' % args.samples,
              file=sys.stderr)
        return 1
    md = markdown(res, meta)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'meta': meta, 'unit': {
                'vpps': 'packets per 1e9 guest instructions',
                'ipp': 'guest instructions per packet'},
                'cases': res}, f, indent=2)
            f.write('\n')
    if args.md:
        with open(args.md, 'w') as f:
            f.write(md)
    if not args.md:
        sys.stdout.write(md)
    return 0


if __name__ == '__main__':
    sys.exit(main())
