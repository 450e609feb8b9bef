/* SPDX-License-Identifier: GPL-2.0 */
/*
 * keep-iid mode: finding and updating the checksums that cover an address
 * the mapping rewrote.  RFC 6296 mode never needs any of this.
 */
#ifndef _NPT6_L4CSUM_H
#define _NPT6_L4CSUM_H

#include <linux/in.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>

/* What covers the addresses of an IPv6 packet, as far as npt6 knows. */
enum npt6_l4_kind {
	NPT6_L4_CSUM,		/* a checksum we update: struct npt6_l4 */
	NPT6_L4_NONE,		/* nothing: no upper layer here, or one without */
	NPT6_L4_UNKNOWN,	/* an upper layer npt6 does not know */
	NPT6_L4_TRUNCATED,	/* the headers end before the checksum does */
};

/* Where that checksum is, and its protocol's rules about zero. */
struct npt6_l4 {
	unsigned int off;	/* of the checksum field, from skb->data */
	u8 proto;
	/* UDP: a checksum of 0 means there is none (RFC 6935), keep it 0 */
	bool zero_is_none;
	/* UDP, UDP-Lite: a computed 0 goes out as 0xffff (RFC 768) */
	bool never_zero;
};

enum npt6_l4_kind npt6_l4_walk(const struct sk_buff *skb, unsigned int off,
			       u8 nexthdr, bool daddr, struct npt6_l4 *l4);

/*
 * The upper-layer checksum of the IPv6 packet whose first header after the
 * fixed one is @nexthdr at @off (both from skb->data).  @daddr: it is the
 * destination that changes, which a routing header still to be processed
 * takes out of the pseudo-header.  The bulk of the traffic, TCP and UDP
 * right after the fixed header, is answered inline.
 */
static __always_inline enum npt6_l4_kind
npt6_l4_find(const struct sk_buff *skb, unsigned int off, u8 nexthdr,
	     bool daddr, struct npt6_l4 *l4)
{
	bool udp = nexthdr == IPPROTO_UDP;

	if (likely(udp || nexthdr == IPPROTO_TCP)) {
		l4->off = off + (udp ? offsetof(struct udphdr, check) :
				       offsetof(struct tcphdr, check));
		l4->proto = nexthdr;
		l4->zero_is_none = udp;
		l4->never_zero = udp;
		return l4->off + sizeof(__sum16) <= skb->len ?
		       NPT6_L4_CSUM : NPT6_L4_TRUNCATED;
	}
	return npt6_l4_walk(skb, off, nexthdr, daddr, l4);
}

/*
 * Does the checksum field hold the pseudo-header sum only, which the
 * device or skb_checksum_help() completes later?  That is what
 * CHECKSUM_PARTIAL says of the field it points at, and what a GSO packet
 * of a UDP tunnel with outer checksums has in its outer UDP header
 * (udp6_set_csum()), whatever CHECKSUM_PARTIAL points at.
 */
static __always_inline bool npt6_l4_pseudo(const struct sk_buff *skb,
					   const struct npt6_l4 *l4)
{
	if (skb->ip_summed == CHECKSUM_PARTIAL &&
	    skb_checksum_start_offset(skb) + skb->csum_offset == l4->off)
		return true;
	return unlikely(skb_is_gso(skb)) && l4->proto == IPPROTO_UDP &&
	       (skb_shinfo(skb)->gso_type & SKB_GSO_UDP_TUNNEL_CSUM);
}

/*
 * The one's-complement sum of what the checksum at @l4 covers grew by
 * @delta (an address changed); make the checksum follow.  The field must
 * be writable.  Returns true when the checksum took the change, so that
 * the sum of the packet as a whole, field included, is what it was (and a
 * CHECKSUM_COMPLETE skb->csum stays right); false when it had nothing to
 * take it with, a UDP checksum of 0.  The results are the bytes nftables'
 * prefix NAT writes (nf_nat_proto.c), 0xffff for a UDP 0 included.
 */
static __always_inline bool npt6_l4_update(struct sk_buff *skb,
					   const struct npt6_l4 *l4,
					   __wsum delta, bool pseudo)
{
	__sum16 *check = (__sum16 *)(skb->data + l4->off);

	if (!pseudo && !*check && l4->zero_is_none)
		return false;
	if (pseudo)
		*check = ~csum_fold(csum_add(csum_unfold(*check), delta));
	else
		*check = csum_fold(csum_add(csum_unfold(~*check), delta));
	if (!*check && l4->never_zero)
		*check = CSUM_MANGLED_0;
	return true;
}

/*
 * The address at @aoff (from skb->data) grew by @delta and no checksum
 * took the change: a CHECKSUM_COMPLETE sum covers the address, from
 * skb->data on, so it has to.
 */
static __always_inline void npt6_l4_complete(struct sk_buff *skb,
					     unsigned int aoff, __wsum delta)
{
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->csum = csum_block_add(skb->csum, delta, aoff);
}

bool npt6_l4_list_seg(struct sk_buff *seg, __wsum delta, bool daddr);

#endif /* _NPT6_L4CSUM_H */
