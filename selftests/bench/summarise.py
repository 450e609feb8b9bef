#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# summarise.py SAMPLES.tsv [--json FILE] [--md FILE] [--png FILE]
#              [--meta K=V ...]
#
# Turn the windows selftests/bench/guest.sh measured (one line each:
# round, case, count, guest ns, checked, sent, sunk) into medians per case,
# compare each case with its baseline and its anchor, and hold the
# results against npt6's targets.  Warm-up windows are dropped.  Under
# -icount shift=0 one guest ns is one instruction, so count/ns*1e9 is a
# rate per 10^9 instructions ("virtual pps") and ns/count is
# instructions per packet.
#
# Exits 1 if a case measured nothing, if the thing under test did not
# handle (its own counter says so) the traffic a window credits it with,
# or if the sink did not get that traffic with the address rtr had to
# make: then the figures are not what they claim to be.  Targets not met
# are reported, not failed: this is a benchmark, not a test.

import argparse
import json
import statistics
import sys

# kind: pps (pktgen, packets), tcp (iperf3, bits), ndp (advertisements
# rtr sent; solicitations it got are "sent").
GROUPS = [
    ('npt', 'NPT: 100-byte UDP, LAN↔WAN'),
    ('scaling', 'Scaling: SNPT LAN→WAN, the traffic hits the mapping (rule) added last'),
    ('tunnel', 'Tunnel: 100-byte IPv4 UDP through an ipip6 tunnel, rtr is the tunnel head'),
    ('tcp', 'TCP bulk: iperf3 LAN → a host behind the far end'),
    ('ndp', 'NDP proxy: multicast Neighbor Solicitations from WAN for an external address'),
    ('firewall', 'With a stateful firewall: the NPT and tunnel cases with nftables and conntrack in rtr'),
]

CASES = [
    # case, group, kind, label, baseline, anchor
    ('fwd-l2w', 'npt', 'pps', 'plain IPv6 forward, LAN→WAN', None, None),
    ('ip6t-snpt', 'npt', 'pps', 'ip6t_NPT SNPT (mangle, iptables-nft)', 'fwd-l2w', None),
    ('npt6-snpt', 'npt', 'pps', 'npt6 SNPT', 'fwd-l2w', 'ip6t-snpt'),
    ('npt6k-snpt', 'npt', 'pps', 'npt6 SNPT, mode keep-iid', 'fwd-l2w', 'nft-snpt'),
    ('nft-snpt', 'npt', 'pps', 'nftables snat ip6 prefix (conntrack, established flow)',
     'fwd-l2w', None),
    ('fwd-w2l', 'npt', 'pps', 'plain IPv6 forward, WAN→LAN', None, None),
    ('ip6t-dnpt', 'npt', 'pps', 'ip6t_NPT DNPT (mangle, iptables-nft)', 'fwd-w2l', None),
    ('npt6-dnpt', 'npt', 'pps', 'npt6 DNPT', 'fwd-w2l', 'ip6t-dnpt'),
    ('npt6k-dnpt', 'npt', 'pps', 'npt6 DNPT, mode keep-iid', 'fwd-w2l', 'nft-dnpt'),
    ('nft-dnpt', 'npt', 'pps', 'nftables dnat ip6 prefix (conntrack, established flow)',
     'fwd-w2l', None),
    ('fwd-l2l', 'npt', 'pps', 'plain IPv6 forward, LAN→LAN (out of the port it came in)', None, None),
    ('npt6-hairpin', 'npt', 'pps', 'npt6 hairpin: LAN→another LAN host\'s external address', 'fwd-l2l', None),
    ('hook-l2w', 'npt', 'pps', 'floor: empty nftables netdev chains on ge0, LAN→WAN', 'fwd-l2w', None),
    ('hook-w2l', 'npt', 'pps', 'floor: empty nftables netdev chains on ge0, WAN→LAN', 'fwd-w2l', None),
    ('npt6-n100', 'scaling', 'pps', 'npt6, 100 mappings', 'fwd-l2w', 'npt6-snpt'),
    ('npt6-n10k', 'scaling', 'pps', 'npt6, 10000 mappings', 'fwd-l2w', 'npt6-snpt'),
    ('ip6t-n100', 'scaling', 'pps', 'ip6t_NPT, 100 SNPT rules', 'fwd-l2w', 'ip6t-snpt'),
    ('ip6t-n10k', 'scaling', 'pps', 'ip6t_NPT, 10000 SNPT rules', 'fwd-l2w', 'ip6t-snpt'),
    ('fwd4-enc', 'tunnel', 'pps', 'plain IPv4 forward, LAN→WAN', None, None),
    ('ip6tnl-enc', 'tunnel', 'pps', 'encap: ip6tnl ipip6, encaplimit none', 'fwd4-enc', None),
    ('npt6tnl-enc', 'tunnel', 'pps', 'encap: npt6 tunnel', 'fwd4-enc', 'ip6tnl-enc'),
    ('npt6fptnl-enc', 'tunnel', 'pps', 'encap: npt6 tunnel, fastpath on', 'fwd4-enc', 'ip6tnl-enc'),
    ('fwd4-dec', 'tunnel', 'pps', 'plain IPv4 forward, far→WAN→LAN', None, None),
    ('ip6tnl-dec', 'tunnel', 'pps', 'decap: ip6tnl (WAN encaps with ip6tnl)', 'fwd4-dec', None),
    ('npt6tnl-dec', 'tunnel', 'pps', 'decap: npt6 tunnel (WAN encaps with ip6tnl)', 'fwd4-dec', 'ip6tnl-dec'),
    ('npt6fptnl-dec', 'tunnel', 'pps', 'decap: npt6 tunnel, fastpath on (WAN encaps with ip6tnl)',
     'fwd4-dec', 'ip6tnl-dec'),
    ('tcp-fwd4', 'tcp', 'tcp', 'plain IPv4 forward', None, None),
    ('tcp-ip6tnl', 'tcp', 'tcp', 'ip6tnl ipip6, encaplimit none', 'tcp-fwd4', None),
    ('tcp-npt6tnl', 'tcp', 'tcp', 'npt6 tunnel', 'tcp-fwd4', 'tcp-ip6tnl'),
    ('tcp-npt6fptnl', 'tcp', 'tcp', 'npt6 tunnel, fastpath on', 'tcp-fwd4', 'tcp-ip6tnl'),
    ('ndp-none', 'ndp', 'ndp', 'no proxy (the solicitations alone)', None, None),
    ('ndp-kernel', 'ndp', 'ndp', 'kernel proxy_ndp (proxy_delay 0)', 'ndp-none', None),
    ('ndp-ndppd', 'ndp', 'ndp', 'ndppd, static rule', 'ndp-none', None),
    ('ndp-npt6', 'ndp', 'ndp', 'npt6 ndproxy all', 'ndp-none', 'ndp-ndppd'),
    ('fwd-l2w+ct', 'firewall', 'pps', 'plain IPv6 forward, LAN→WAN', None, None),
    ('ip6t-snpt+ct', 'firewall', 'pps', 'ip6t_NPT SNPT', 'fwd-l2w+ct', None),
    ('npt6-snpt+ct', 'firewall', 'pps', 'npt6 SNPT', 'fwd-l2w+ct', 'ip6t-snpt+ct'),
    ('fwd-w2l+ct', 'firewall', 'pps', 'plain IPv6 forward, WAN→LAN', None, None),
    ('ip6t-dnpt+ct', 'firewall', 'pps', 'ip6t_NPT DNPT', 'fwd-w2l+ct', None),
    ('npt6-dnpt+ct', 'firewall', 'pps', 'npt6 DNPT', 'fwd-w2l+ct', 'ip6t-dnpt+ct'),
    ('hook-l2w+ct', 'firewall', 'pps', 'floor: empty nftables netdev chains on ge0, LAN→WAN', 'fwd-l2w+ct', None),
    ('hook-w2l+ct', 'firewall', 'pps', 'floor: empty nftables netdev chains on ge0, WAN→LAN', 'fwd-w2l+ct', None),
    ('fwd4-enc+ct', 'firewall', 'pps', 'plain IPv4 forward, LAN→WAN', None, None),
    ('ip6tnl-enc+ct', 'firewall', 'pps', 'encap: ip6tnl', 'fwd4-enc+ct', None),
    ('npt6tnl-enc+ct', 'firewall', 'pps', 'encap: npt6 tunnel', 'fwd4-enc+ct', 'ip6tnl-enc+ct'),
    ('npt6fptnl-enc+ct', 'firewall', 'pps', 'encap: npt6 tunnel, fastpath on', 'fwd4-enc+ct',
     'ip6tnl-enc+ct'),
    ('fwd4-dec+ct', 'firewall', 'pps', 'plain IPv4 forward, far→WAN→LAN', None, None),
    ('ip6tnl-dec+ct', 'firewall', 'pps', 'decap: ip6tnl', 'fwd4-dec+ct', None),
    ('npt6tnl-dec+ct', 'firewall', 'pps', 'decap: npt6 tunnel', 'fwd4-dec+ct', 'ip6tnl-dec+ct'),
    ('npt6fptnl-dec+ct', 'firewall', 'pps', 'decap: npt6 tunnel, fastpath on (the firewall\'s '
     'hooks send it the full way)', 'fwd4-dec+ct', 'ip6tnl-dec+ct'),
]
# The scaling group's @1 rows are the NPT group's single-mapping cases.
SCALE_ONE = {'npt6-snpt': 'npt6, 1 mapping (npt6 SNPT above)',
             'ip6t-snpt': 'ip6t_NPT, 1 SNPT rule (ip6t_NPT SNPT above)'}
INFO = {c[0]: dict(zip(('group', 'kind', 'label', 'baseline', 'anchor'), c[1:]))
        for c in CASES}
# The NPT group's rows have anchors of two kinds; its cells name them.
ANCHOR_NAME = {'ip6t-snpt': 'ip6t_NPT', 'ip6t-dnpt': 'ip6t_NPT',
               'nft-snpt': 'nft', 'nft-dnpt': 'nft'}
# keep-iid against rfc6296 mode and nftables prefix NAT, per direction:
# (direction, plain, rfc6296, keep-iid, nft)
KEEP_IID = [('SNPT, LAN→WAN', 'fwd-l2w', 'npt6-snpt', 'npt6k-snpt', 'nft-snpt'),
            ('DNPT, WAN→LAN', 'fwd-w2l', 'npt6-dnpt', 'npt6k-dnpt', 'nft-dnpt')]

# (name, case, what, op, bound); what compares case with other:
#   'ratio'    their figures
#   'extra'    case's extra instructions as a share of other's
#   'cheaper'  other's extra instructions over case's
#   'more'     case's extra instructions minus other's
TARGETS = [
    ('npt6 SNPT ≥ 0.98× plain', 'npt6-snpt', 'fwd-l2w', 'ratio', '>=', 0.98),
    ('npt6 SNPT extra ≤ ¼ of ip6t_NPT\'s', 'npt6-snpt', 'ip6t-snpt', 'extra', '<=', 0.25),
    ('npt6 DNPT ≥ 0.98× plain', 'npt6-dnpt', 'fwd-w2l', 'ratio', '>=', 0.98),
    ('npt6 DNPT extra ≤ ¼ of ip6t_NPT\'s', 'npt6-dnpt', 'ip6t-dnpt', 'extra', '<=', 0.25),
    ('keep-iid SNPT extra ≤ rfc6296 SNPT extra + 60', 'npt6k-snpt', 'npt6-snpt',
     'more', '<=', 60),
    ('keep-iid DNPT extra ≤ rfc6296 DNPT extra + 60', 'npt6k-dnpt', 'npt6-dnpt',
     'more', '<=', 60),
    ('keep-iid SNPT ≥ 3× cheaper than nft prefix NAT (extra)', 'npt6k-snpt', 'nft-snpt',
     'cheaper', '>=', 3.0),
    ('keep-iid DNPT ≥ 3× cheaper than nft prefix NAT (extra)', 'npt6k-dnpt', 'nft-dnpt',
     'cheaper', '>=', 3.0),
    ('npt6 @10000 within 2 % of @1', 'npt6-n10k', 'npt6-snpt', 'ratio', '>=', 0.98),
    ('npt6 tunnel encap ≥ 1.15× ip6tnl', 'npt6tnl-enc', 'ip6tnl-enc', 'ratio', '>=', 1.15),
    ('npt6 tunnel decap ≥ 1.15× ip6tnl', 'npt6tnl-dec', 'ip6tnl-dec', 'ratio', '>=', 1.15),
    ('fastpath on: npt6 tunnel encap ≥ 1.15× ip6tnl', 'npt6fptnl-enc', 'ip6tnl-enc',
     'ratio', '>=', 1.15),
    ('fastpath on: npt6 tunnel decap ≥ 1.15× ip6tnl', 'npt6fptnl-dec', 'ip6tnl-dec',
     'ratio', '>=', 1.15),
    ('npt6 tunnel TCP ≥ ip6tnl', 'tcp-npt6tnl', 'tcp-ip6tnl', 'ratio', '>=', 1.0),
    ('fastpath on: npt6 tunnel TCP ≥ ip6tnl', 'tcp-npt6fptnl', 'tcp-ip6tnl', 'ratio', '>=', 1.0),
    ('npt6 NDP proxy ≥ 10× ndppd', 'ndp-npt6', 'ndp-ndppd', 'ratio', '>=', 10.0),
    ('npt6 NDP proxy ≥ proxy_ndp', 'ndp-npt6', 'ndp-kernel', 'ratio', '>=', 1.0),
    ('with a firewall: npt6 SNPT extra ≤ ¼ of ip6t_NPT\'s', 'npt6-snpt+ct', 'ip6t-snpt+ct', 'extra', '<=', 0.25),
    ('with a firewall: npt6 DNPT extra ≤ ¼ of ip6t_NPT\'s', 'npt6-dnpt+ct', 'ip6t-dnpt+ct', 'extra', '<=', 0.25),
    ('with a firewall: npt6 tunnel encap ≥ 1.15× ip6tnl', 'npt6tnl-enc+ct', 'ip6tnl-enc+ct', 'ratio', '>=', 1.15),
    ('with a firewall: npt6 tunnel decap ≥ 1.15× ip6tnl', 'npt6tnl-dec+ct', 'ip6tnl-dec+ct', 'ratio', '>=', 1.15),
    ('with a firewall, fastpath on: npt6 tunnel encap ≥ 1.15× ip6tnl', 'npt6fptnl-enc+ct',
     'ip6tnl-enc+ct', 'ratio', '>=', 1.15),
    ('with a firewall, fastpath on: npt6 tunnel decap ≥ 1.15× ip6tnl', 'npt6fptnl-dec+ct',
     'ip6tnl-dec+ct', 'ratio', '>=', 1.15),
]


def load(path):
    windows = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip('\n').split('\t')
            if len(parts) < 4 or parts[0] == 'warmup':
                continue
            rnd, case, count, ns = parts[:4]
            checked = parts[4] if len(parts) > 4 else '-'
            sent = parts[5] if len(parts) > 5 else '-'
            sunk = parts[6] if len(parts) > 6 else '-'
            w = {'round': int(rnd), 'count': int(count), 'guest_ns': int(ns),
                 'checked': checked, 'sunk': sunk}
            if sent.isdigit():
                w['sent'] = int(sent)
            windows.setdefault(case, []).append(w)
    return windows


def problems_of(case, w):
    """Why a window does not show what it claims to, or None."""
    count, ns, chk = w['count'], w['guest_ns'], w['checked']
    if ns <= 0:
        return 'no guest time measured'
    if case == 'ndp-none':
        if w.get('sent', 0) <= 0:
            return 'no solicitation reached rtr'
        if chk != '0':
            return 'something answered (%s advertisements) with no proxy' % chk
        return None
    if count <= 0:
        return 'nothing went through'
    sunk = w.get('sunk', '-')
    if sunk != '-':
        if not sunk.isdigit():
            return 'the sink\'s counter could not be read'
        if int(sunk) < count:
            return ('the sink got %s packets with the address rtr had to make, '
                    'fewer than the %d credited: the others were translated '
                    'otherwise, or lost' % (sunk, count))
    if chk == '-':
        return None
    if not chk.isdigit():
        return 'the counter of the thing under test could not be read'
    if int(chk) < count:
        return ('the thing under test counted %s, fewer than the %d credited: '
                'traffic bypassed it' % (chk, count))
    return None


def median_spread(values):
    med = statistics.median(values)
    return med, ((max(values) - min(values)) / med * 100 if med else 0.0)


def summarise(windows):
    res = {}
    for case, *_ in CASES:
        ws = windows.get(case)
        if not ws:
            continue
        info = INFO[case]
        kind = info['kind']
        for w in ws:
            # figure: per 10^9 instructions; cost: instructions per unit
            if kind == 'ndp' and case == 'ndp-none':
                w['figure'] = w['sent'] / w['guest_ns'] * 1e9
            else:
                w['figure'] = w['count'] / w['guest_ns'] * 1e9
            if kind == 'tcp':
                w['cost'] = w['guest_ns'] / (w['count'] / 8) if w['count'] else None
            elif kind == 'ndp':
                w['cost'] = w['guest_ns'] / w['sent'] if w.get('sent') else None
            else:
                w['cost'] = w['guest_ns'] / w['count'] if w['count'] else None
            w['problem'] = problems_of(case, w)
        med, spread = median_spread([w['figure'] for w in ws])
        costs = [w['cost'] for w in ws if w['cost']]
        r = dict(info)
        r.update({
            'n': len(ws),
            'unit': {'pps': 'packets per 1e9 guest instructions',
                     'tcp': 'bits per 1e9 guest instructions (virtual bit/s)',
                     'ndp': 'advertisements per 1e9 guest instructions'
                            if case != 'ndp-none' else
                            'solicitations per 1e9 guest instructions'}[kind],
            'cost_unit': {'pps': 'instructions per packet',
                          'tcp': 'instructions per payload byte',
                          'ndp': 'instructions per solicitation'}[kind],
            'median': med, 'min': min(w['figure'] for w in ws),
            'max': max(w['figure'] for w in ws), 'spread_pct': spread,
            'cost_median': statistics.median(costs) if costs else None,
            'checked_ok': all(w['problem'] is None for w in ws),
            'problems': sorted({w['problem'] for w in ws if w['problem']}),
            'windows': ws,
        })
        if kind == 'ndp':
            sent = [w['sent'] / w['guest_ns'] * 1e9 for w in ws if 'sent' in w]
            r['ns_median'] = statistics.median(sent) if sent else None
            ans = [w['count'] / w['sent'] for w in ws if w.get('sent')]
            r['answered'] = statistics.median(ans) if ans else None
            if case == 'ndp-none':
                r['answered'] = 0.0
        res[case] = r
    for case, r in res.items():
        b = res.get(r['baseline']) if r['baseline'] else None
        if b and r['cost_median'] is not None and b['cost_median'] is not None:
            r['extra_cost'] = r['cost_median'] - b['cost_median']
            if r['kind'] != 'ndp':
                r['ratio_vs_baseline'] = r['median'] / b['median']
    # an anchor may come after its case (npt6k-* before nft-*)
    for case, r in res.items():
        a = res.get(r['anchor']) if r['anchor'] else None
        if a:
            r['ratio_vs_anchor'] = r['median'] / a['median']
            if 'extra_cost' in r and a.get('extra_cost'):
                r['extra_vs_anchor'] = r['extra_cost'] / a['extra_cost']
    return res


def targets(res):
    out = []
    for name, case, other, what, op, bound in TARGETS:
        r, o = res.get(case), res.get(other)
        t = {'target': name, 'case': case, 'versus': other, 'what': what,
             'op': op, 'bound': bound, 'value': None, 'met': None}
        if r and o:
            if what == 'ratio':
                t['value'] = r['median'] / o['median']
            elif 'extra_cost' not in r or not o.get('extra_cost'):
                pass
            elif what == 'extra':
                t['value'] = r['extra_cost'] / o['extra_cost']
            elif what == 'cheaper':
                t['value'] = o['extra_cost'] / r['extra_cost'] if r['extra_cost'] > 0 else None
            elif what == 'more':
                t['value'] = r['extra_cost'] - o['extra_cost']
            if t['value'] is not None:
                t['met'] = (t['value'] >= bound if op == '>=' else t['value'] <= bound)
        out.append(t)
    return out


def fmt_figure(r):
    if r['kind'] == 'tcp':
        return '%.3f Gbit/s' % (r['median'] / 1e9)
    return '%.1fk' % (r['median'] / 1e3)


def fmt_cost(v, kind):
    if v is None:
        return '—'
    return ('%.2f' if kind == 'tcp' else '%.0f') % v


def fmt_extra(r):
    if 'extra_cost' not in r:
        return '—'
    return ('%+.2f' if r['kind'] == 'tcp' else '%+.0f') % r['extra_cost']


def checked(r):
    if not r['checked_ok']:
        return '**NO**'
    if all(w['checked'] == '-' for w in r['windows']):
        return '—'
    return 'yes'


def opt(r, key, f):
    return f % r[key] if r.get(key) is not None else '—'


def markdown(res, tgts, meta):
    out = ['# npt6 benchmark (virtual: per 10⁹ guest instructions)', '']
    if meta:
        out += ['; '.join('%s: %s' % kv for kv in meta.items()), '']
    out += ['Medians over the measured rounds; spread = (max − min) / median; '
            'n = windows.  "checked" = the counter of the thing under test '
            '(rule, mapping, tunnel, proxy; for nftables NAT the sink) covered '
            'every packet credited to it.  In the NPT and scaling groups the '
            'sink also got every credited packet with the address rtr had to '
            'make (or leave), and the UDP carries a checksum (CHECKSUM_PARTIAL '
            'on veth), which keep-iid and nftables update.',
            '']
    for group, title in GROUPS:
        rows = [(c, res[c]) for c, g, *_ in CASES if g == group and c in res]
        if group == 'scaling':
            rows = [(c, res[c]) for c in ('npt6-snpt', 'npt6-n100', 'npt6-n10k',
                                          'ip6t-snpt', 'ip6t-n100', 'ip6t-n10k')
                    if c in res]
        if not rows:
            continue
        out += ['## ' + title, '']
        if group == 'ndp':
            out += ['| proxy | NA / 10⁹ instr | spread | NS / 10⁹ instr | '
                    'answered | instr / NS | extra / NS over none | × ndppd | checked |',
                    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |']
            for c, r in rows:
                na = '0' if c == 'ndp-none' else fmt_figure(r)
                out.append('| %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
                    r['label'], na,
                    '%.2f %% (n=%d)' % (r['spread_pct'], r['n']),
                    opt(r, 'ns_median', '%.0f'),
                    opt(r, 'answered', '%.3f'),
                    fmt_cost(r['cost_median'], 'ndp'), fmt_extra(r),
                    '%.2f×' % (r['median'] / res['ndp-ndppd']['median'])
                    if 'ndp-ndppd' in res and c not in ('ndp-none', 'ndp-ndppd') else '—',
                    checked(r)))
            out.append('')
            continue
        fig = 'virtual Gbit/s' if group == 'tcp' else 'virtual pps'
        cost = 'instr / byte' if group == 'tcp' else 'instr / packet'
        anc = {'npt': 'anchor', 'scaling': '@1', 'tunnel': 'ip6tnl',
               'tcp': 'ip6tnl', 'firewall': 'anchor'}[group]
        out += ['| path | %s (median) | spread | %s | extra over baseline | '
                '× baseline | × %s | extra / %s extra | checked |' % (fig, cost, anc, anc),
                '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |']
        for c, r in rows:
            label = r['label']
            if group == 'scaling' and c in SCALE_ONE:
                # the @1 reference of its rows; its own anchor is elsewhere
                label = SCALE_ONE[c]
                r = dict(r)
                r.pop('ratio_vs_anchor', None)
                r.pop('extra_vs_anchor', None)
            # the NPT group's anchors differ from row to row: name them
            name = (' ' + ANCHOR_NAME[r['anchor']]) if group == 'npt' and r['anchor'] else ''
            out.append('| %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
                label, fmt_figure(r),
                '%.2f %% (n=%d)' % (r['spread_pct'], r['n']),
                fmt_cost(r['cost_median'], r['kind']), fmt_extra(r),
                opt(r, 'ratio_vs_baseline', '%.3f×'),
                opt(r, 'ratio_vs_anchor', ('%.4f×' if group == 'scaling' else '%.3f×') + name),
                opt(r, 'extra_vs_anchor', '%.2f' + (' of' + name if name else '')),
                checked(r)))
        out.append('')
        if group == 'npt':
            out += keep_iid(res)
    out += ['## Targets', '',
            '| target | measured | required | |',
            '| --- | ---: | ---: | --- |']
    for t in tgts:
        unit = {'ratio': '×', 'extra': ' of its extra', 'cheaper': '×',
                'more': ' instr'}[t['what']]
        out.append('| %s | %s | %s %s%s | %s |' % (
            t['target'],
            '—' if t['value'] is None else
            ('%+.0f%s' if t['what'] == 'more' else '%.3f%s') % (t['value'], unit),
            '≥' if t['op'] == '>=' else '≤', t['bound'], unit,
            'not measured' if t['met'] is None else
            ('met' if t['met'] else '**not met**')))
    bad = [(c, r['problems']) for c, r in res.items() if not r['checked_ok']]
    if bad:
        out += ['', '**Invalid figures** (the run fails):', '']
        out += ['- %s: %s' % (c, '; '.join(p)) for c, p in bad]
    return '\n'.join(out) + '\n'


def keep_iid(res):
    """The keep-iid rows side by side with their three references."""
    rows = [k for k in KEEP_IID if all(c in res for c in k[1:])]
    if not rows:
        return []
    out = ['## keep-iid: npt6 mode keep-iid against rfc6296 mode and nftables prefix NAT',
           '',
           'Instructions per packet; "extra" is over plain forwarding in the same '
           'direction.  The UDP checksum keep-iid updates is partial (CHECKSUM_PARTIAL), '
           'so only its pseudo-header part changes, as for nftables.',
           '',
           '| direction | plain | rfc6296 extra | keep-iid extra | keep-iid − rfc6296 | '
           'nft prefix NAT extra | nft extra ÷ keep-iid extra |',
           '| --- | ---: | ---: | ---: | ---: | ---: | ---: |']
    for name, plain, rfc, keep, nft in rows:
        e = {c: res[c].get('extra_cost') for c in (rfc, keep, nft)}
        if None in e.values():
            continue
        out.append('| %s | %.0f | %+.0f | %+.0f | %+.0f | %+.0f | %s |' % (
            name, res[plain]['cost_median'], e[rfc], e[keep], e[keep] - e[rfc],
            e[nft], '%.2f×' % (e[nft] / e[keep]) if e[keep] > 0 else '—'))
    return out + ['']


def chart(res, path, meta):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    panels = [g for g in GROUPS if any(INFO[c]['group'] == g[0] for c in res)]
    rows = [sum(INFO[c]['group'] == g for c in res) + (g == 'scaling') * 2
            for g, _ in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(10, 1 + sum(0.9 + 0.32 * n for n in rows)),
                             squeeze=False, gridspec_kw={'height_ratios': rows})
    for ax, (group, title) in zip(axes[:, 0], panels):
        cases = [c for c, g, *_ in CASES if g == group and c in res]
        if group == 'scaling':
            cases = [c for c in ('npt6-snpt', 'npt6-n100', 'npt6-n10k',
                                 'ip6t-snpt', 'ip6t-n100', 'ip6t-n10k') if c in res]
        if group == 'tcp':
            vals = [res[c]['median'] / 1e9 for c in cases]
            xlabel = 'virtual Gbit/s (more is better)'
        elif group == 'ndp':
            # the target's measure; with no proxy nothing is answered
            vals = [0 if c == 'ndp-none' else res[c]['median'] for c in cases]
            xlabel = 'Neighbor Advertisements per 10⁹ instructions (more is better)'
        else:
            vals = [res[c]['cost_median'] or 0 for c in cases]
            xlabel = 'instructions per packet (less is better)'
        colours = ['#4c72b0' if c.startswith('npt6') or 'npt6' in c else
                   '#999999' if c.startswith(('fwd', 'tcp-fwd', 'ndp-none')) else
                   '#dd8452' for c in cases]
        y = range(len(cases))
        ax.barh(y, vals, color=colours)
        ax.set_yticks(list(y))
        ax.set_yticklabels([SCALE_ONE[c] if group == 'scaling' and c in SCALE_ONE
                            else res[c]['label'] for c in cases], fontsize=8)
        if group == 'scaling':
            ax.set_xscale('log')
        for i, v in enumerate(vals):
            ax.text(v, i, ' %.3f' % v if group == 'tcp' else ' %.0f' % v,
                    va='center', fontsize=7)
        ax.set_ylim(len(cases) - 0.5, -0.5)
        ax.set_title(title, fontsize=9, loc='left')
        ax.set_xlabel(xlabel, fontsize=8)
        ax.tick_params(axis='x', labelsize=7)
        ax.margins(x=0.15)
    fig.suptitle('npt6 make bench (QEMU -icount: per 10⁹ guest instructions)',
                 fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('samples')
    ap.add_argument('--json')
    ap.add_argument('--md')
    ap.add_argument('--png')
    ap.add_argument('--meta', action='append', default=[])
    args = ap.parse_args()
    meta = dict(m.split('=', 1) for m in args.meta)
    windows = load(args.samples)
    unknown = sorted(set(windows) - set(INFO))
    if unknown:
        print('summarise: unknown cases %s' % ' '.join(unknown), file=sys.stderr)
        return 1
    res = summarise(windows)
    if not res:
        print('summarise: no measured windows in %s' % args.samples,
              file=sys.stderr)
        return 1
    tgts = targets(res)
    md = markdown(res, tgts, meta)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'meta': meta, 'cases': res, 'targets': tgts}, f, indent=2)
            f.write('\n')
    if args.md:
        with open(args.md, 'w') as f:
            f.write(md)
    else:
        sys.stdout.write(md)
    status = 0
    if args.png:
        try:
            chart(res, args.png, meta)
        except ImportError as e:
            print('summarise: no chart, %s (python3-matplotlib)' % e, file=sys.stderr)
            status = 1
    for c, r in res.items():
        for p in r['problems']:
            print('summarise: %s: %s' % (c, p), file=sys.stderr)
            status = 1
    return status


if __name__ == '__main__':
    sys.exit(main())
