// SPDX-License-Identifier: GPL-2.0
/*
 * keep-iid mode (NPT6_MODE_KEEP_IID): the prefix is swapped and the
 * interface ID kept, so the address's one's-complement sum changes, and
 * with it every checksum whose pseudo-header covers the address (RFC 8200
 * section 8.1).  This file finds that checksum; l4csum.h updates it.
 *
 * Which protocols have one we can only know protocol by protocol: TCP,
 * UDP, UDP-Lite, DCCP and ICMPv6 do, and we update them.  SCTP (CRC32c
 * over its own packet only), ESP, IPComp, the tunnels (their checksums
 * cover inner addresses) and "no next header" have none.  Anything else
 * (OSPFv3, PIM and the Mobility Header have one; most have not) is
 * translated and left as it is, counted as NPT6_DSTATS_CSUM_UNKNOWN.
 *
 * We walk extension headers ourselves rather than with ipv6_skip_exthdr()
 * because two of them change the answer: a non-first fragment carries no
 * upper-layer header at all, and a routing header with segments left
 * puts the final destination, not the current one, into the
 * pseudo-header.  (The Home Address option of Mobile IPv6 would do the
 * same for the source; we do not look for it.)
 */

#include <linux/dccp.h>
#include <linux/icmpv6.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>

#include "l4csum.h"

/* Extension headers: where the next one starts, or 0 to stop walking. */
static unsigned int npt6_l4_exthdr(const struct sk_buff *skb,
				   unsigned int off, u8 *nexthdr, bool daddr,
				   enum npt6_l4_kind *kind)
{
	const u8 *h;
	u8 _h[4];

	/* Enough for the next header, the length and what we look at. */
	h = skb_header_pointer(skb, off, sizeof(_h), _h);
	if (!h) {
		*kind = NPT6_L4_TRUNCATED;
		return 0;
	}
	switch (*nexthdr) {
	case NEXTHDR_FRAGMENT:
		/* Not the first fragment: nothing to update here. */
		if (((h[2] << 8) | h[3]) & IP6_OFFSET) {
			*kind = NPT6_L4_NONE;
			return 0;
		}
		off += sizeof(struct frag_hdr);
		break;
	case NEXTHDR_AUTH:
		off += ipv6_authlen((const struct ip_auth_hdr *)h);
		break;
	case NEXTHDR_ROUTING:
		/* Segments left: the destination is not the final one. */
		if (daddr && h[3]) {
			*kind = NPT6_L4_NONE;
			return 0;
		}
		fallthrough;
	default:
		off += ipv6_optlen((const struct ipv6_opt_hdr *)h);
		break;
	}
	*nexthdr = h[0];
	return off;
}

enum npt6_l4_kind npt6_l4_walk(const struct sk_buff *skb, unsigned int off,
			       u8 nexthdr, bool daddr, struct npt6_l4 *l4)
{
	enum npt6_l4_kind kind;
	unsigned int coff;

	l4->zero_is_none = false;
	l4->never_zero = false;
	for (;;) {
		switch (nexthdr) {
		case IPPROTO_TCP:
			coff = offsetof(struct tcphdr, check);
			goto found;
		case IPPROTO_UDP:
			l4->zero_is_none = true;
			fallthrough;
		case IPPROTO_UDPLITE:
			l4->never_zero = true;
			coff = offsetof(struct udphdr, check);
			goto found;
		case IPPROTO_DCCP:
			coff = offsetof(struct dccp_hdr, dccph_checksum);
			goto found;
		case IPPROTO_ICMPV6:
			coff = offsetof(struct icmp6hdr, icmp6_cksum);
			goto found;
		case NEXTHDR_HOP:
		case NEXTHDR_DEST:
		case NEXTHDR_ROUTING:
		case NEXTHDR_FRAGMENT:
		case NEXTHDR_AUTH:
			off = npt6_l4_exthdr(skb, off, &nexthdr, daddr, &kind);
			if (!off)
				return kind;
			continue;
		case NEXTHDR_NONE:
		case IPPROTO_SCTP:
		case IPPROTO_ESP:
		case IPPROTO_COMP:
		case IPPROTO_IPIP:
		case IPPROTO_IPV6:
		case IPPROTO_GRE:
		case IPPROTO_ETHERNET:
		case IPPROTO_MPLS:
		case IPPROTO_L2TP:
			return NPT6_L4_NONE;
		default:
			return NPT6_L4_UNKNOWN;
		}
	}
found:
	l4->off = off + coff;
	l4->proto = nexthdr;
	return l4->off + sizeof(__sum16) <= skb->len ? NPT6_L4_CSUM :
						       NPT6_L4_TRUNCATED;
}

/*
 * One datagram of a frag-list GRO train (xlat.c), whose address has just
 * been swapped.  Its headers are in its linear area, in front of skb->data
 * (GRO pulled them), and GRO checked its checksum: a full one, whatever its ip_summed says.
 * Returns false if the checksum is not where a datagram GRO merged would
 * have it.
 */
bool npt6_l4_list_seg(struct sk_buff *seg, __wsum delta, bool daddr)
{
	int hlen = -skb_network_offset(seg);
	enum npt6_l4_kind kind;
	struct npt6_l4 l4;

	if (hlen < 0)
		return false;
	__skb_push(seg, hlen);
	kind = npt6_l4_find(seg, sizeof(struct ipv6hdr), ipv6_hdr(seg)->nexthdr,
			    daddr, &l4);
	if (kind == NPT6_L4_CSUM && l4.off + sizeof(__sum16) <= skb_headlen(seg))
		npt6_l4_update(seg, &l4, delta, false);
	else if (kind != NPT6_L4_NONE)
		kind = NPT6_L4_TRUNCATED;
	__skb_pull(seg, hlen);
	return kind != NPT6_L4_TRUNCATED;
}
