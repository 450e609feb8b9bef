// SPDX-License-Identifier: GPL-2.0
/*
 * Hairpinning (RFC 6296 section 4.3, with RFC 4787's "external source IP
 * address" behaviour): a LAN host that reaches another by its external
 * address.  Such a packet never reaches the hooks on the external device:
 * with an on-link external /64 the router solicits the address on the WAN,
 * where nobody answers, and with a routed prefix it meets the unreachable
 * loop guard.  So we catch it before routing, in IPv6 PRE_ROUTING, and
 * translate it as if it had left through the external device and come
 * back: the destination is DNPT'd to the internal host, and an internal
 * source is SNPT'd with a mapping of that same device, so the target sees
 * the sender's external address and its reply hairpins the same way.
 *
 * Conntrack must see one flow in both directions.  A's packet to B is
 * fd00::a -> EXT::b, and B's reply fd00::b -> EXT::a.  Rewrite both
 * addresses before conntrack and it sees EXT::a -> fd00::b and then
 * EXT::b -> fd00::a, two unrelated half-flows (the SYN-ACK is INVALID).
 * Rewrite them after it and the same happens with the original addresses.
 * So the source is rewritten just before conntrack and the destination
 * just after: conntrack sees EXT::a -> EXT::b and EXT::b -> EXT::a, the
 * two ends by their public names, and the rest of the stack (routing,
 * the forward chain) sees EXT::a -> fd00::b.  When the source is not
 * internal there is nothing to rewrite on its side, and the destination
 * is rewritten before conntrack, as the ingress hook does for traffic from
 * the Internet, so that the reply (which leaves untranslated) matches.
 *
 * The errors this router owes the sender, hop limit exceeded and Packet
 * Too Big, would be addressed to its external address once translated and
 * so reach it only through the very routes hairpinning works around.  We
 * send them ourselves, about the packet as its sender wrote it, before
 * anything is rewritten; the stack's forwarding path then never meets a
 * hairpinned packet that it would have to refuse.
 *
 * The price is two hook calls for every IPv6 packet the namespace
 * receives, while it has a mapping.  Each returns after a one-word filter
 * (a prefix that holds every external prefix), or failing that one table
 * probe per external device (npt6_hairpin_maybe()), when the destination
 * is not in an external prefix; README.md, "Performance", has the figures.
 */

#include <linux/icmpv6.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <net/addrconf.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>

#include <uapi/linux/npt6.h>

#include "hairpin.h"
#include "map.h"
#include "ndproxy.h"
#include "net.h"
#include "xlat.h"

/*
 * The filter in front of the tables: the longest prefix, up to
 * NPT6_HAIRPIN_FILTER_MAX bits, that holds every active external prefix
 * of the namespace.  Most packets a router receives are for the Internet,
 * or for the router, outside it, and a shift and a compare turn them
 * away.  Its length fits in the low byte of the word because the prefix
 * is never longer than 56 bits.
 */
#define NPT6_HAIRPIN_FILTER_MAX		56
#define NPT6_HAIRPIN_FILTER_LEN		0xffULL

/* Up to this many mappings the filter is recomputed exactly on a change. */
#define NPT6_HAIRPIN_EXACT		256

static __always_inline bool npt6_hairpin_filtered(u64 filter, __be64 hi)
{
	unsigned int len = filter & NPT6_HAIRPIN_FILTER_LEN;

	return len && ((be64_to_cpu(hi) ^ filter) >> (64 - len));
}

/* @filter made to hold @n's external prefix too; @filter 0 holds nothing. */
static u64 npt6_hairpin_widen(u64 filter, bool empty,
			      const struct npt6_table_node *n)
{
	unsigned int len = min_t(unsigned int, n->plen,
				 NPT6_HAIRPIN_FILTER_MAX);
	u64 key = be64_to_cpu(n->ext_key), diff;

	if (!empty) {
		len = min_t(unsigned int, len,
			    filter & NPT6_HAIRPIN_FILTER_LEN);
		diff = (key ^ filter) & ~NPT6_HAIRPIN_FILTER_LEN;
		if (diff)
			len = min_t(unsigned int, len, 63 - __fls(diff));
	}
	if (!len)
		return 0;
	return (key & (~0ULL << (64 - len))) | len;
}

/*
 * Under rtnl, after a mapping's external prefix became active (@added),
 * or went away or moved (NULL; then also after @added's move).  With few
 * mappings the filter is made anew, as tight as it can be; with many,
 * each new prefix only widens it, and one that went away leaves it as it
 * was, which is merely less selective.  A filter of 0 lets everything
 * through to the tables, which is always right.
 */
void npt6_hairpin_update(struct npt6_net *nn,
			 const struct npt6_table_node *added)
{
	unsigned int budget = NPT6_HAIRPIN_EXACT;
	const struct npt6_dev *xdev;
	const struct npt6_map *map;
	bool empty = true;
	u64 filter = 0;

	ASSERT_RTNL();
	list_for_each_entry(xdev, &nn->devs, list) {
		list_for_each_entry(map, &xdev->maps, list) {
			if (!budget--)
				goto too_many;
			if (!map->active)
				continue;
			filter = npt6_hairpin_widen(filter, empty, &map->node);
			empty = false;
			if (!filter)
				goto out;
		}
	}
	goto out;

too_many:
	filter = READ_ONCE(nn->hairpin_filter);
	if (added && filter)
		filter = npt6_hairpin_widen(filter, false, added);
out:
	WRITE_ONCE(nn->hairpin_filter, filter);
}

/*
 * Is @daddr in an active external prefix?  Every IPv6 packet the namespace
 * receives asks, so this is the whole cost of hairpinning for everything
 * that is not hairpinned: the filter, and for what passes it one probe of
 * each external device's table, which costs the same for one mapping as
 * for 10 000.
 */
static __always_inline bool npt6_hairpin_maybe(const struct npt6_net *nn,
					       const struct in6_addr *daddr)
{
	const struct npt6_dev *xdev;

	if (npt6_hairpin_filtered(READ_ONCE(nn->hairpin_filter),
				  npt6_addr_hi(daddr)))
		return false;
	list_for_each_entry_rcu(xdev, &nn->devs, list)
		if (npt6_table_match_ext(&xdev->table, daddr))
			return true;
	return false;
}

/*
 * The mapping to hairpin this packet through, if any: one whose external
 * prefix holds the destination, on a device other than the one the packet
 * came in through (that device's ingress hook has done its work), and not
 * for one of our own addresses.  Under rcu_read_lock(), after
 * npt6_hairpin_maybe() said it could be.
 */
static struct npt6_map *
npt6_hairpin_target(struct npt6_net *nn, const struct sk_buff *skb,
		    const struct nf_hook_state *state, struct npt6_dev **xdevp)
{
	const struct in6_addr *daddr = &ipv6_hdr(skb)->daddr;
	struct npt6_table_node *node;
	struct npt6_dev *xdev;

	list_for_each_entry_rcu(xdev, &nn->devs, list) {
		node = npt6_table_match_ext(&xdev->table, daddr);
		if (likely(!node))
			continue;
		if (state->in == xdev->dev ||
		    npt6_local_addr(&nn->local, state->net, daddr))
			return NULL;
		*xdevp = xdev;
		return container_of(node, struct npt6_map, node);
	}
	return NULL;
}

/*
 * Is @daddr, in the external prefix of @map on @xdev and with internal twin
 * @inner, one of the mapping's addresses rather than a host's on the WAN
 * link?  With a routed external
 * prefix nobody else can own it.  With an on-link one, other hosts on the
 * link do (the upstream router, a container on the WAN NIC): there, in
 * ndproxy auto, an address is the mapping's when its internal twin is a
 * live host inside, as for the NDP proxy, and the others are left to
 * routing.  A silent twin is resolved now, within the proxy's budget, so
 * that the sender's retransmission hairpins.  In "all" and "off" every
 * address is the mapping's, as the proxy says too.
 */
static bool npt6_hairpin_ours(struct npt6_dev *xdev, struct npt6_map *map,
			      const struct in6_addr *daddr,
			      const struct in6_addr *inner,
			      const struct nf_hook_state *state)
{
	struct rt6_info *rt;
	bool onlink;

	if (map->ndproxy != NPT6_NDPROXY_AUTO)
		return true;
	if (npt6_ndproxy_twin_alive(map, state->net, xdev->dev, inner))
		return true;
	rt = rt6_lookup(state->net, daddr, NULL, 0, NULL, 0);
	if (!rt)
		return true;
	onlink = rt->dst.dev == xdev->dev &&
		 !(rt->rt6i_flags & (RTF_GATEWAY | RTF_REJECT));
	ip6_rt_put(rt);
	return !onlink;
}

/* ip6_forward()'s test, which it keeps to itself. */
static bool npt6_too_big(const struct sk_buff *skb, unsigned int mtu)
{
	if (skb->len <= mtu)
		return false;
	if (IP6CB(skb)->frag_max_size && IP6CB(skb)->frag_max_size > mtu)
		return true;
	if (skb->ignore_df)
		return false;
	return !skb_is_gso(skb) || !skb_gso_validate_network_len(skb, mtu);
}

/*
 * Send the error forwarding to @inner, the destination's internal twin,
 * would send about this packet, if any, while it is still as its sender
 * wrote it.  Returns true if it did: the packet is then dropped, as
 * forwarding would.  Packets for one of our own internal addresses are
 * delivered here and owe nothing.
 */
static bool npt6_hairpin_error(struct npt6_net *nn, struct sk_buff *skb,
			       const struct in6_addr *inner,
			       const struct nf_hook_state *state)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct dst_entry *dst;
	unsigned int mtu = 0;
	struct flowi6 fl6;

	if (npt6_local_addr(&nn->local, state->net, inner))
		return false;

	if (ip6h->hop_limit <= 1) {
		__IP6_INC_STATS(state->net, __in6_dev_get(skb->dev),
				IPSTATS_MIB_INHDRERRORS);
		icmpv6_send(skb, ICMPV6_TIME_EXCEED, ICMPV6_EXC_HOPLIMIT, 0);
		return true;
	}

	/* Nothing smaller is ever too big: spare the route lookup. */
	if (skb->len <= IPV6_MIN_MTU)
		return false;
	memset(&fl6, 0, sizeof(fl6));
	fl6.flowi6_iif = skb->dev->ifindex;
	fl6.daddr = *inner;
	fl6.saddr = ip6h->saddr;
	fl6.flowlabel = ip6_flowinfo(ip6h);
	fl6.flowi6_mark = skb->mark;
	fl6.flowi6_proto = ip6h->nexthdr;
	dst = ip6_route_input_lookup(state->net, skb->dev, &fl6, skb,
				     RT6_LOOKUP_F_HAS_SADDR);
	if (!dst->error)
		mtu = ip6_dst_mtu_maybe_forward(dst, true);
	dst_release(dst);
	if (!mtu || !npt6_too_big(skb, mtu))
		return false;
	__IP6_INC_STATS(state->net, __in6_dev_get(skb->dev),
			IPSTATS_MIB_INTOOBIGERRORS);
	icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
	return true;
}

/*
 * The hooks themselves only ask npt6_hairpin_maybe(); the rest is out of
 * line, so that the question costs no stack frame.
 */
static noinline unsigned int
npt6_hairpin_src_slow(struct npt6_net *nn, struct sk_buff *skb,
		      const struct nf_hook_state *state)
{
	const struct in6_addr *daddr = &ipv6_hdr(skb)->daddr;
	struct npt6_table_node *node;
	struct in6_addr inner;
	struct npt6_dev *xdev;
	struct npt6_map *map;

	map = npt6_hairpin_target(nn, skb, state, &xdev);
	if (!map)
		return NF_ACCEPT;
	inner = *daddr;
	/* Unmappable (RFC 6296 3.5): the rewrite drops it and counts it. */
	if (!npt6_rewrite_addr(&map->rw[NPT6_DIR_DNPT], &inner))
		return npt6_xlat_packet(xdev, map, skb, NPT6_DIR_DNPT);
	if (!npt6_hairpin_ours(xdev, map, daddr, &inner, state))
		return NF_ACCEPT;
	if (npt6_hairpin_error(nn, skb, &inner, state))
		return NF_DROP;
	node = npt6_table_match_int(&xdev->table, &ipv6_hdr(skb)->saddr);
	if (!node)
		return npt6_xlat_packet(xdev, map, skb, NPT6_DIR_DNPT);
	return npt6_xlat_packet(xdev, container_of(node, struct npt6_map, node),
				skb, NPT6_DIR_SNPT);
}

static noinline unsigned int
npt6_hairpin_dst_slow(struct npt6_net *nn, struct sk_buff *skb,
		      const struct nf_hook_state *state)
{
	struct npt6_dev *xdev;
	struct npt6_map *map;

	map = npt6_hairpin_target(nn, skb, state, &xdev);
	if (!map)
		return NF_ACCEPT;
	/*
	 * The first hook decided: it rewrote the source to an external
	 * address of this device, or left the packet alone, and then so do
	 * we (a foreign source it hairpinned has its destination rewritten
	 * already, and does not get here).
	 */
	if (!npt6_table_match_ext(&xdev->table, &ipv6_hdr(skb)->saddr))
		return NF_ACCEPT;
	return npt6_xlat_packet(xdev, map, skb, NPT6_DIR_DNPT);
}

/* Before conntrack: the source, or the destination of a foreign source. */
static unsigned int npt6_hairpin_src(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	if (likely(!npt6_hairpin_maybe(priv, &ipv6_hdr(skb)->daddr)))
		return NF_ACCEPT;
	return npt6_hairpin_src_slow(priv, skb, state);
}

/* After conntrack: the destination, whose source the first hook rewrote. */
static unsigned int npt6_hairpin_dst(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	if (likely(!npt6_hairpin_maybe(priv, &ipv6_hdr(skb)->daddr)))
		return NF_ACCEPT;
	return npt6_hairpin_dst_slow(priv, skb, state);
}

static const struct nf_hook_ops npt6_hairpin_ops[NPT6_HAIRPIN_HOOKS] = {
	{
		.hook = npt6_hairpin_src,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_CONNTRACK - 1,
	},
	{
		.hook = npt6_hairpin_dst,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_CONNTRACK + 1,
	},
};

/* Under rtnl, when the namespace gets its first external device. */
int npt6_hairpin_register(struct npt6_net *nn)
{
	unsigned int i;

	for (i = 0; i < NPT6_HAIRPIN_HOOKS; i++) {
		nn->hairpin_ops[i] = npt6_hairpin_ops[i];
		nn->hairpin_ops[i].priv = nn;
	}
	return nf_register_net_hooks(nn->net, nn->hairpin_ops,
				     NPT6_HAIRPIN_HOOKS);
}

/*
 * Under rtnl, when its last external device goes.  The caller waits for
 * the packets still inside (synchronize_net()) before freeing anything
 * they may look at.
 */
void npt6_hairpin_unregister(struct npt6_net *nn)
{
	nf_unregister_net_hooks(nn->net, nn->hairpin_ops, NPT6_HAIRPIN_HOOKS);
}

#ifdef NPT6_KUNIT
#include "tests/hairpin_test.c"
#endif
