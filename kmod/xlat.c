// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path.  Each external device carries two netfilter netdev
 * hooks: ingress rewrites destinations external->internal (DNPT) before the
 * IPv6 stack, and so conntrack, sees the packet; egress rewrites sources
 * internal->external (SNPT) after routing, conntrack and the firewall are
 * done with it.  The rest of the host therefore only ever sees internal
 * addresses, in both directions.  Kernels without the egress hook call
 * npt6_xlat_egress() from IPv6 POST_ROUTING instead (xlat_postrouting.c).
 *
 * An RFC 6296 rewrite is checksum-neutral, so we never touch an L4
 * checksum, whatever state skb->ip_summed is in: the pseudo-header sum of
 * CHECKSUM_PARTIAL packets, skb->csum of CHECKSUM_COMPLETE ones and the
 * checksums GSO will write into each segment all stay valid.  A keep-iid
 * mapping's rewrite is not, and npt6_xlat_keep_iid() updates the
 * checksums that cover the address, in whichever of those forms they
 * are (l4csum.h).
 *
 * Both hooks run with BH disabled under rcu_read_lock(), which is what
 * the table lookups and the per-cpu counters need.
 */

#include <linux/icmpv6.h>
#include <linux/if_vlan.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <net/addrconf.h>
#include <net/ipv6.h>
#include <net/ndisc.h>

#include "l4csum.h"
#include "map.h"
#include "ndproxy.h"
#include "xlat.h"

static __always_inline bool npt6_is_ipv6(struct sk_buff *skb, unsigned int noff)
{
	if (skb->protocol != htons(ETH_P_IPV6))
		return false;
	if (!pskb_may_pull(skb, noff + sizeof(struct ipv6hdr)))
		return false;
	return ipv6_hdr(skb)->version == 6;
}

/*
 * Our hooks also see the frames of devices stacked on ours, and those are
 * not ours to touch (DESIGN.md, "Frames that are not the device's own"):
 *   - VLAN tagged frames of ge0.10: on the way in the tag is in
 *     skb->vlan_tci by the time our hook runs, whether the NIC stripped it
 *     or __netif_receive_skb_core() did, and vlan_do_receive() only hands
 *     the frame to ge0.10 after us; on the way out the VLAN device puts
 *     its tag there before it queues the frame on ge0.  Router-on-a-stick
 *     sends the LAN's own traffic this way.  A priority tag (VLAN 0) is
 *     ours: the stack delivers such a frame to this device;
 *   - frames for another MAC address on this NIC, a macvlan's say, which
 *     are PACKET_OTHERHOST until the macvlan's rx handler claims them,
 *     also after us.
 * A mapping on the VLAN device itself sees its frames untagged.
 */
static __always_inline bool npt6_not_ours(const struct sk_buff *skb)
{
	return skb->pkt_type == PACKET_OTHERHOST ||
	       (skb_vlan_tag_present(skb) && skb_vlan_tag_get_id(skb));
}

static unsigned int npt6_segs(const struct sk_buff *skb)
{
	return skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
}

/*
 * Could this be an ICMPv6 error, with or without extension headers in
 * front?  TCP and UDP, the bulk of the traffic, are answered inline.
 */
static __always_inline bool npt6_maybe_icmp(const struct sk_buff *skb)
{
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;

	return nexthdr != IPPROTO_TCP && nexthdr != IPPROTO_UDP;
}

/*
 * Offset of the IPv6 header embedded in an ICMPv6 error, or -1 if this is
 * not one.  Unlike ip6t_NPT we walk extension headers, and we give up on
 * non-first fragments, which carry no ICMPv6 header.
 */
static noinline int npt6_icmp_err_inner(const struct sk_buff *skb,
					unsigned int noff)
{
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	int off = noff + sizeof(struct ipv6hdr);
	const struct icmp6hdr *ih;
	struct icmp6hdr _ih;
	__be16 frag_off;

	if (nexthdr != IPPROTO_ICMPV6) {
		if (!ipv6_ext_hdr(nexthdr))
			return -1;
		off = ipv6_skip_exthdr(skb, off, &nexthdr, &frag_off);
		if (off < 0 || nexthdr != IPPROTO_ICMPV6 ||
		    (frag_off & htons(IP6_OFFSET)))
			return -1;
	}
	ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
	if (!ih || !icmpv6_is_err(ih->icmp6_type))
		return -1;
	return off + sizeof(*ih);
}

/*
 * Translate one address of the packet embedded in an ICMPv6 error: its
 * destination on the way out (it was sent to an internal host), its source
 * on the way in (one of our internal hosts sent it).  The embedded packet
 * may be truncated anywhere; if the address is not all there, we leave it.
 * A failure here never drops the error itself.
 */
static void npt6_xlat_inner(struct npt6_dev *xdev, struct sk_buff *skb,
			    unsigned int ioff, enum npt6_dir dir)
{
	struct npt6_l4 l4 = { .kind = NPT6_L4_NONE };
	const struct npt6_rewrite *rw;
	struct npt6_table_node *node;
	unsigned int aoff, end;
	struct npt6_map *map;
	struct in6_addr addr;
	u8 nexthdr;

	aoff = ioff + (dir == NPT6_DIR_SNPT ? offsetof(struct ipv6hdr, daddr) :
					      offsetof(struct ipv6hdr, saddr));
	if (skb_copy_bits(skb, aoff, &addr, sizeof(addr)))
		return;
	node = dir == NPT6_DIR_SNPT ? npt6_table_match_int(&xdev->table, &addr) :
				      npt6_table_match_ext(&xdev->table, &addr);
	if (!node)
		return;
	map = container_of(node, struct npt6_map, node);
	rw = &map->rw[dir];
	if (!npt6_rewrite_addr(rw, &addr))
		return;
	end = aoff + sizeof(addr);
	/*
	 * keep-iid: the embedded packet's own checksum, if the error quotes
	 * enough of it to hold the field.  The embedded packet was sent to
	 * (SNPT) or by (DNPT) the host, so it is the destination that
	 * changes in the first case.
	 */
	if (rw->keep_iid &&
	    !skb_copy_bits(skb, ioff + offsetof(struct ipv6hdr, nexthdr),
			   &nexthdr, sizeof(nexthdr))) {
		l4 = npt6_l4_find(skb, ioff + sizeof(struct ipv6hdr), nexthdr,
				  dir == NPT6_DIR_SNPT);
		if (l4.kind == NPT6_L4_CSUM)
			end = max_t(unsigned int, end,
				    l4.off + sizeof(__sum16));
	}
	if (skb_ensure_writable(skb, end)) {
		npt6_map_count(map, dir, NPT6_DSTATS_DROP_NOMEM, 1);
		return;
	}
	memcpy(skb->data + aoff, &addr, sizeof(addr));
	npt6_map_count(map, dir, NPT6_DSTATS_ICMP_INNER, 1);
	if (!rw->keep_iid ||
	    (l4.kind == NPT6_L4_CSUM && npt6_l4_update(skb, l4, rw->delta, false)))
		return;
	/*
	 * Nothing inside took the change: the ICMPv6 checksum, which covers
	 * the embedded packet, must.  Then the packet's sum as a whole is
	 * unchanged again.  The ICMPv6 header is in front of the embedded
	 * one, and so writable now.
	 */
	l4 = (struct npt6_l4) {
		.off = ioff - sizeof(struct icmp6hdr) +
		       offsetof(struct icmp6hdr, icmp6_cksum),
		.kind = NPT6_L4_CSUM,
		.proto = IPPROTO_ICMPV6,
	};
	/* Unless the field is to be summed later, embedded packet and all. */
	if (!npt6_l4_pseudo(skb, l4))
		npt6_l4_update(skb, l4, rw->delta, false);
}

/*
 * A frag-list GRO train (SKB_GSO_FRAGLIST, rx-gro-list) keeps the
 * datagrams it merged whole on its frag_list, each with its own IPv6
 * header in its headroom, and skb_segment_list() sends them on with those
 * headers: it copies only the MAC header from the head.  Some kernels then
 * copy the head's addresses and ports into every segment
 * (__udpv6_gso_segment_list_csum()), others do not, and there segments
 * 2..n would leave with the address we did not translate.  So we
 * translate the address in every header of the train, as we did in the
 * head's; the rewrite is checksum-neutral there too.  Out of line: only
 * rx-gro-list makes trains.  Returns the verdict, and counts the packets
 * as npt6_xlat_outer() would.
 */
static noinline unsigned int npt6_xlat_fraglist(struct npt6_map *map,
						struct sk_buff *skb,
						unsigned int noff,
						unsigned int aoff,
						enum npt6_dir dir)
{
	enum npt6_dir_stats_attr why = NPT6_DSTATS_DROP_NOMEM;
	struct sk_buff **pprev, *seg, *nseg;
	struct in6_addr *addr;

	/*
	 * The list hangs off the shared info, which a clone of the head,
	 * say a packet socket's, shares with us.  Unsharing it makes the
	 * list ours and takes a reference on each datagram in it.
	 */
	if (skb_cloned(skb) && pskb_expand_head(skb, 0, 0, GFP_ATOMIC))
		goto drop;

	for (pprev = &skb_shinfo(skb)->frag_list; (seg = *pprev);
	     pprev = &seg->next) {
		/*
		 * Someone else's list holds this datagram too: we put our
		 * own sk_buff in its place and leave theirs, and the chain
		 * its ->next pointers make, as it was.
		 */
		if (skb_shared(seg)) {
			nseg = skb_clone(seg, GFP_ATOMIC);
			if (!nseg)
				goto drop;
			nseg->next = seg->next;
			*pprev = nseg;
			consume_skb(seg);
			seg = nseg;
		}
		if (skb_unclone(seg, GFP_ATOMIC))
			goto drop;
		/*
		 * GRO merged only datagrams of the head's flow, so this is
		 * the address the head had; should it be another, the
		 * rewrite is still checksum-neutral.
		 */
		addr = (struct in6_addr *)(skb_network_header(seg) + aoff);
		if (!npt6_rewrite_addr(&map->rw[dir], addr)) {
			why = NPT6_DSTATS_DROP_UNMAPPABLE;
			goto drop;
		}
		if (map->rw[dir].keep_iid &&
		    !npt6_l4_list_seg(seg, map->rw[dir].delta,
				      dir == NPT6_DIR_DNPT)) {
			why = NPT6_DSTATS_DROP_TRUNCATED;
			goto drop;
		}
	}
	npt6_map_count_xlat(map, dir, npt6_segs(skb), skb->len - noff);
	return NF_ACCEPT;

drop:
	/* Half a train translated is no use to anyone: the whole goes. */
	npt6_map_count(map, dir, why, 1);
	return NF_DROP;
}

/*
 * npt6_xlat_outer() for a keep-iid mapping: swap the prefix of the address
 * at @aoff (from the IPv6 header) and update the checksum that covers it.
 * Inline: RFC 6296 mappings still pay only for the test (the bench shows
 * no change), and a call with its saved registers was a third of what
 * keep-iid cost over RFC 6296.
 */
static __always_inline unsigned int
npt6_xlat_keep_iid(struct npt6_map *map, struct sk_buff *skb,
		   unsigned int noff, unsigned int aoff, enum npt6_dir dir)
{
	const struct npt6_rewrite *rw = &map->rw[dir];
	unsigned int end = noff + sizeof(struct ipv6hdr);
	struct npt6_l4 l4;

	l4 = npt6_l4_find(skb, end, ipv6_hdr(skb)->nexthdr,
			  dir == NPT6_DIR_DNPT);
	switch (l4.kind) {
	case NPT6_L4_CSUM:
		end = l4.off + sizeof(__sum16);
		break;
	case NPT6_L4_TRUNCATED:
		/* What would we update?  nftables drops these too. */
		npt6_map_count(map, dir, NPT6_DSTATS_DROP_TRUNCATED, 1);
		return NF_DROP;
	case NPT6_L4_UNKNOWN:
		npt6_map_count(map, dir, NPT6_DSTATS_CSUM_UNKNOWN, 1);
		break;
	default:
		break;
	}
	/*
	 * The headers must be in the linear area and ours alone; they
	 * usually are, and skb_ensure_writable() makes them so otherwise.
	 */
	if (unlikely((end > skb_headlen(skb) ||
		      (skb_cloned(skb) && !skb_clone_writable(skb, end))) &&
		     skb_ensure_writable(skb, end))) {
		npt6_map_count(map, dir, NPT6_DSTATS_DROP_NOMEM, 1);
		return NF_DROP;
	}
	npt6_swap_prefix(rw, (struct in6_addr *)(skb_network_header(skb) +
						 aoff));
	if (l4.kind != NPT6_L4_CSUM ||
	    !npt6_l4_update(skb, l4, rw->delta, npt6_l4_pseudo(skb, l4)))
		npt6_l4_complete(skb, noff + aoff, rw->delta);
	if (unlikely(skb_shinfo(skb)->gso_type & SKB_GSO_FRAGLIST))
		return npt6_xlat_fraglist(map, skb, noff, aoff, dir);
	npt6_map_count_xlat(map, dir, npt6_segs(skb), skb->len - noff);
	return NF_ACCEPT;
}

/*
 * Rewrite the outer address at @aoff with @map in direction @dir.  Returns
 * the verdict.
 */
static __always_inline unsigned int
npt6_xlat_outer(struct npt6_map *map, struct sk_buff *skb, unsigned int noff,
		enum npt6_dir dir)
{
	unsigned int aoff = dir == NPT6_DIR_SNPT ?
			    offsetof(struct ipv6hdr, saddr) :
			    offsetof(struct ipv6hdr, daddr);
	struct in6_addr *addr;

	if (unlikely(map->rw[dir].keep_iid))
		return npt6_xlat_keep_iid(map, skb, noff, aoff, dir);

	/*
	 * npt6_is_ipv6() has pulled the header into the linear area; a
	 * clone, say one a packet socket holds, must not see our write.
	 */
	if (unlikely(skb_cloned(skb) &&
		     !skb_clone_writable(skb, noff + sizeof(struct ipv6hdr)) &&
		     pskb_expand_head(skb, 0, 0, GFP_ATOMIC))) {
		npt6_map_count(map, dir, NPT6_DSTATS_DROP_NOMEM, 1);
		return NF_DROP;
	}
	addr = (struct in6_addr *)(skb_network_header(skb) + aoff);
	if (unlikely(!npt6_rewrite_addr(&map->rw[dir], addr))) {
		npt6_map_count(map, dir, NPT6_DSTATS_DROP_UNMAPPABLE, 1);
		return NF_DROP;
	}
	if (unlikely(skb_shinfo(skb)->gso_type & SKB_GSO_FRAGLIST))
		return npt6_xlat_fraglist(map, skb, noff, aoff, dir);
	npt6_map_count_xlat(map, dir, npt6_segs(skb), skb->len - noff);
	return NF_ACCEPT;
}

/*
 * Neighbor Discovery is link-local business: it is never translated.  A
 * Neighbor Solicitation may be ours to answer, though.  Returns the
 * verdict for a Neighbor Discovery message, -1 for any other ICMPv6
 * message.  Out of line: ICMPv6 is rare, and its buffer would cost every
 * packet a stack canary.
 */
static noinline int npt6_ingress_ndisc(struct npt6_dev *xdev,
				       struct sk_buff *skb, unsigned int noff,
				       const struct nf_hook_state *state)
{
	u8 _type;
	const u8 *type = skb_header_pointer(skb, noff + sizeof(struct ipv6hdr),
					    sizeof(_type), &_type);

	if (!type || *type < NDISC_ROUTER_SOLICITATION ||
	    *type > NDISC_REDIRECT)
		return -1;
	if (*type == NDISC_NEIGHBOUR_SOLICITATION)
		return npt6_ndproxy_ns(xdev, skb, noff, state);
	return NF_ACCEPT;
}

/* Count, and say once, that SNPT produced @ext, one of our own addresses. */
static noinline void __cold npt6_collision(const struct npt6_dev *xdev,
					   struct npt6_map *map,
					   const struct in6_addr *ext)
{
	struct in6_addr host = *ext;

	npt6_map_count(map, NPT6_DIR_SNPT, NPT6_DSTATS_COLLISION, 1);
	if (test_and_set_bit(NPT6_MAP_COLLISION_LOGGED, &map->flags))
		return;
	npt6_rewrite_addr(&map->rw[NPT6_DIR_DNPT], &host);
	pr_warn("%s: internal host %pI6c translates to local address %pI6c; its replies will be delivered to this host\n",
		xdev->dev->name, &host, ext);
}

/*
 * Rewrite the outer address of @dir with @map (the source for SNPT, the
 * destination for DNPT), then the matching address of the packet an
 * ICMPv6 error carries.  Returns the verdict.
 */
static __always_inline unsigned int
npt6_xlat_both(struct npt6_dev *xdev, struct npt6_map *map,
	       struct sk_buff *skb, unsigned int noff, enum npt6_dir dir)
{
	unsigned int verdict;
	int ioff;

	verdict = npt6_xlat_outer(map, skb, noff, dir);
	if (verdict != NF_ACCEPT || !npt6_maybe_icmp(skb))
		return verdict;
	ioff = npt6_icmp_err_inner(skb, noff);
	if (ioff >= 0)
		npt6_xlat_inner(xdev, skb, ioff, dir);
	return NF_ACCEPT;
}

/* For hairpin.c, which rewrites as the ingress and egress hooks do. */
unsigned int npt6_xlat_packet(struct npt6_dev *xdev, struct npt6_map *map,
			      struct sk_buff *skb, enum npt6_dir dir)
{
	return npt6_xlat_both(xdev, map, skb, skb_network_offset(skb), dir);
}

unsigned int npt6_xlat_ingress(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	unsigned int noff = skb_network_offset(skb);
	struct npt6_dev *xdev = priv;
	struct npt6_table_node *node;
	struct npt6_map *map;

	if (!npt6_is_ipv6(skb, noff) || npt6_not_ours(skb))
		return NF_ACCEPT;

	if (ipv6_hdr(skb)->nexthdr == IPPROTO_ICMPV6) {
		int verdict = npt6_ingress_ndisc(xdev, skb, noff, state);

		if (verdict >= 0)
			return verdict;
	}

	node = npt6_table_match_ext(&xdev->table, &ipv6_hdr(skb)->daddr);
	if (!node)
		return NF_ACCEPT;
	map = container_of(node, struct npt6_map, node);

	/*
	 * Our own addresses inside the external prefix (say, the SLAAC
	 * address of this very device) are ours, not some internal host's.
	 */
	if (npt6_local_addr(xdev->local, state->net, &ipv6_hdr(skb)->daddr)) {
		npt6_map_count(map, NPT6_DIR_DNPT, NPT6_DSTATS_LOCAL, 1);
		return NF_ACCEPT;
	}

	return npt6_xlat_both(xdev, map, skb, noff, NPT6_DIR_DNPT);
}

unsigned int npt6_xlat_egress(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	unsigned int noff = skb_network_offset(skb);
	struct npt6_dev *xdev = priv;
	struct npt6_table_node *node;
	struct npt6_map *map;
	int ioff;

	if (!npt6_is_ipv6(skb, noff) || npt6_not_ours(skb))
		return NF_ACCEPT;

	node = npt6_table_match_int(&xdev->table, &ipv6_hdr(skb)->saddr);
	if (node) {
		unsigned int verdict;

		map = container_of(node, struct npt6_map, node);
		verdict = npt6_xlat_outer(map, skb, noff, NPT6_DIR_SNPT);
		if (verdict != NF_ACCEPT)
			return verdict;
		/*
		 * An internal host whose external twin is one of our own
		 * addresses cannot get replies: they are delivered to us.
		 * Nothing stateless can fix that; make it visible.
		 */
		if (unlikely(npt6_local_addr(xdev->local, state->net,
					     &ipv6_hdr(skb)->saddr)))
			npt6_collision(xdev, map, &ipv6_hdr(skb)->saddr);
	}

	/*
	 * Errors about inbound traffic carry the internal destination we
	 * wrote, whether an internal host or this router sent them.
	 */
	if (!npt6_maybe_icmp(skb))
		return NF_ACCEPT;
	ioff = npt6_icmp_err_inner(skb, noff);
	if (ioff >= 0)
		npt6_xlat_inner(xdev, skb, ioff, NPT6_DIR_SNPT);
	return NF_ACCEPT;
}

#ifdef NPT6_KUNIT
#include "tests/xlat_test.c"
#include "tests/l4csum_test.c"
#endif
