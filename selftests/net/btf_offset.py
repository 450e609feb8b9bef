#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Byte offsets of struct members in the running kernel, from its BTF
# (/sys/kernel/btf/vmlinux), for kprobe event fetch arguments:
#
#   btf_offset.py sk_buff _skb_refdst dst_entry dev dst_entry flags
#
# prints one offset a line, in the order asked.  Members of anonymous
# structs and unions are found as the compiler would find them.  Exits 1
# if a struct or member is not there.  Reads the format described in the
# kernel's Documentation/bpf/btf.rst; no bpftool or pahole needed.

import struct
import sys

BTF = '/sys/kernel/btf/vmlinux'

KIND_STRUCT, KIND_UNION = 4, 5


def load(path):
    data = open(path, 'rb').read()
    magic, _ver, _flags, hdr_len = struct.unpack_from('<HBBI', data, 0)
    if magic != 0xeb9f:
        raise SystemExit('%s: not BTF' % path)
    type_off, type_len, str_off, _str_len = struct.unpack_from('<IIII', data, 8)
    types = data[hdr_len + type_off:hdr_len + type_off + type_len]
    strs = data[hdr_len + str_off:]

    def name(off):
        return strs[off:strs.index(b'\0', off)].decode()

    # Type ids start at 1; each entry: (kind, name, members or None).
    table = [None]
    pos = 0
    while pos < len(types):
        name_off, info, _size = struct.unpack_from('<III', types, pos)
        pos += 12
        kind = (info >> 24) & 0x1f
        vlen = info & 0xffff
        kflag = info >> 31
        members = None
        if kind in (KIND_STRUCT, KIND_UNION):
            members = []
            for i in range(vlen):
                m_name, m_type, m_off = struct.unpack_from('<III', types,
                                                           pos + 12 * i)
                bits = m_off & 0xffffff if kflag else m_off
                members.append((name(m_name), m_type, bits))
        # Bytes following struct btf_type, by kind.
        extra = {1: 4, 3: 12, 4: 12 * vlen, 5: 12 * vlen, 6: 8 * vlen,
                 13: 8 * vlen, 14: 4, 15: 12 * vlen, 17: 4,
                 19: 12 * vlen}.get(kind, 0)
        pos += extra
        table.append((kind, name(name_off), members))
    return table


def find(table, tid, member):
    """Bit offset of MEMBER in type TID, through anonymous members."""
    for m_name, m_type, bits in table[tid][2]:
        if m_name == member:
            return bits
        if not m_name and table[m_type][0] in (KIND_STRUCT, KIND_UNION):
            sub = find(table, m_type, member)
            if sub is not None:
                return bits + sub
    return None


def main(argv):
    if len(argv) < 2 or len(argv) % 2:
        raise SystemExit('usage: btf_offset.py STRUCT MEMBER [STRUCT MEMBER...]')
    table = load(BTF)
    structs = {}
    for tid, (kind, nm, _m) in enumerate(table[1:], 1):
        if kind == KIND_STRUCT and nm not in structs:
            structs[nm] = tid
    for i in range(0, len(argv), 2):
        tid = structs.get(argv[i])
        bits = find(table, tid, argv[i + 1]) if tid else None
        if bits is None or bits % 8:
            print('no byte-aligned %s.%s' % (argv[i], argv[i + 1]),
                  file=sys.stderr)
            return 1
        print(bits // 8)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
