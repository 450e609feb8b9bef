// SPDX-License-Identifier: GPL-2.0
/*
 * NDP proxy for translated addresses.
 *
 * Behind Starlink (and on any network where the upstream router treats the
 * external /64 as on-link) the upstream resolves every translated address
 * with a Neighbor Solicitation on the external device.  Nobody owns those
 * addresses: they exist only as the external twins of internal hosts.  We
 * answer for them from the ingress hook, before the IPv6 stack, so the
 * cost is one table lookup and one small skb.
 *
 * Modes (per mapping):
 *   auto  answer only if the internal twin is a live neighbour reached
 *         through another interface; otherwise start resolution inside and
 *         stay silent: the upstream retransmits, and by then we know;
 *   all   answer for every address in the prefix;
 *   off   never.
 * Never for this host's own addresses: the kernel answers those itself,
 * and answering for them would hijack them.  A DAD probe is defended only
 * for an address whose internal twin is live, in every mode: otherwise
 * every other host on the WAN link would fail DAD for all it tries.
 *
 * Anyone on the Internet can make the upstream solicit any number of
 * targets: it resolves the destination of every packet that a scan of the
 * /64 sends it.  Starting resolution inside for each of them would cost a
 * neighbour entry and three multicast solicitations on the LAN per
 * target, until the LAN device's neighbour table overflows and live hosts
 * can no longer be resolved.  So a solicitation costs at most a lookup;
 * resolution inside is started only within a small per-mapping budget
 * (npt6_resolve_budget()), and what it refuses is counted.  Live hosts
 * have a valid neighbour entry and need no budget to be answered.
 *
 * The NA follows RFC 4861 section 7.2.4: Solicited set when replying to a
 * unicast-sourced NS, Override clear (we are a proxy, section 7.2.8), the
 * Target Link-Layer Address option carrying our MAC, hop limit 255, and
 * the target as its source address.  A
 * DAD probe (source ::) for an address in use inside is defended with an
 * NA to all-nodes.
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/icmpv6.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <net/addrconf.h>
#include <net/if_inet6.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ndisc.h>
#include <net/neighbour.h>

#include <uapi/linux/npt6.h>

#include "map.h"
#include "ndproxy.h"

/* Size of a Target Link-Layer Address option for an Ethernet device. */
#define NPT6_TLLAO_LEN	8

/*
 * The resolution budget: NPT6_RESOLVE_BURST resolutions at once, then
 * NPT6_RESOLVE_RATE a second.  A LAN host that comes up is resolved at its
 * first solicitation unless a scan is under way, and then at a later one:
 * the upstream retransmits.
 */
#define NPT6_RESOLVE_RATE	4
#define NPT6_RESOLVE_BURST	16
#define NPT6_RESOLVE_GAP	(HZ / NPT6_RESOLVE_RATE)
#define NPT6_RESOLVE_TAU	((NPT6_RESOLVE_BURST - 1) * NPT6_RESOLVE_GAP)

/*
 * RFC 4861 section 7.1.1 validity checks, beyond the length and the ICMPv6
 * type the caller has seen.  @len is the ICMPv6 length; the whole message
 * is in the linear area.  Sets *@sllao to the source link-layer address
 * option's address if there is one.
 */
static bool npt6_ns_valid(const struct sk_buff *skb, unsigned int noff,
			  unsigned int len, const u8 **sllao)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	const struct nd_msg *msg = (void *)(skb->data + noff + sizeof(*ip6h));
	bool dad = ipv6_addr_any(&ip6h->saddr);
	const u8 *opt = msg->opt;
	unsigned int left;

	*sllao = NULL;
	if (ip6h->hop_limit != 255 || msg->icmph.icmp6_code)
		return false;
	if (csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len, IPPROTO_ICMPV6,
			    csum_partial(msg, len, 0)))
		return false;
	if (ipv6_addr_is_multicast(&msg->target))
		return false;
	if (dad && !ipv6_addr_is_solict_mult(&ip6h->daddr))
		return false;

	for (left = len - sizeof(*msg); left; ) {
		unsigned int olen;

		if (left < 2)
			return false;
		olen = opt[1] * 8;
		if (!olen || olen > left)
			return false;
		if (opt[0] == ND_OPT_SOURCE_LL_ADDR) {
			/* DAD probes must not carry one (section 7.1.1). */
			if (dad)
				return false;
			if (olen >= 2 + ETH_ALEN)
				*sllao = opt + 2;
		}
		opt += olen;
		left -= olen;
	}
	return true;
}

enum npt6_inside {
	NPT6_INSIDE_ALIVE,
	NPT6_INSIDE_UNRESOLVED,
	NPT6_INSIDE_REFUSED,
	NPT6_INSIDE_NOT,
};

/*
 * May we start one more resolution inside for @map?  A token bucket kept
 * as a single word, the time at which the bucket will be full again (the
 * generic cell rate algorithm), so that CPUs share it with cmpxchg() and
 * no lock; the mapping struct may be copied at any time by
 * npt6_map_set_ext(), and a lock must not be.  A legitimate stamp is never
 * more than TAU + GAP ahead of now; one that seems to be is so old that
 * jiffies wrapped around it (32-bit), and means a full bucket too.
 */
static bool npt6_resolve_budget(struct npt6_map *map)
{
	unsigned long now = jiffies;
	unsigned long old = READ_ONCE(map->resolve_tat);
	unsigned long tat, prev;

	for (;;) {
		tat = old;
		if (time_before(old, now) ||
		    time_after(old, now + NPT6_RESOLVE_TAU + NPT6_RESOLVE_GAP))
			tat = now;
		if (time_after(tat, now + NPT6_RESOLVE_TAU))
			return false;
		prev = cmpxchg(&map->resolve_tat, old, tat + NPT6_RESOLVE_GAP);
		if (prev == old)
			return true;
		old = prev;
	}
}

/*
 * Is @addr, an internal address of @map, a live host inside?  If its
 * neighbour entry is not valid, start resolution, within the budget, so
 * that the upstream's next NS finds it.  An entry that is resolving
 * already costs nothing more.  Called under rcu_read_lock() with BH
 * disabled.
 */
static enum npt6_inside npt6_inside_state(struct npt6_map *map,
					  struct net *net,
					  const struct net_device *ext,
					  const struct in6_addr *addr)
{
	enum npt6_inside ret = NPT6_INSIDE_NOT;
	const struct in6_addr *nexthop;
	struct net_device *dev;
	struct neighbour *n;
	struct rt6_info *rt;
	u8 nud;

	/* This router's own internal address has an external twin too. */
	if (ipv6_chk_addr(net, addr, NULL, 0))
		return NPT6_INSIDE_ALIVE;

	rt = rt6_lookup(net, addr, NULL, 0, NULL, 0);
	if (!rt)
		return NPT6_INSIDE_NOT;
	dev = rt->dst.dev;
	if (dev == ext || (dev->flags & IFF_LOOPBACK) ||
	    (rt->rt6i_flags & RTF_REJECT))
		goto out;

	nexthop = rt6_nexthop(rt, (struct in6_addr *)addr);
	n = __ipv6_neigh_lookup_noref(dev, nexthop);
	nud = n ? READ_ONCE(n->nud_state) : NUD_NONE;
	if (nud & NUD_VALID) {
		ret = NPT6_INSIDE_ALIVE;
		goto out;
	}
	ret = NPT6_INSIDE_UNRESOLVED;
	if (nud & NUD_INCOMPLETE)
		goto out;
	if (!npt6_resolve_budget(map)) {
		ret = NPT6_INSIDE_REFUSED;
		goto out;
	}
	if (n) {
		/* Failed before: try again, as the kernel would for a packet. */
		neigh_event_send(n, NULL);
		goto out;
	}
	n = neigh_create(&nd_tbl, nexthop, dev);
	if (!IS_ERR(n)) {
		neigh_event_send(n, NULL);
		neigh_release(n);
	}
out:
	ip6_rt_put(rt);
	return ret;
}

/* Build and send the NA for @target in reply to @ns. */
static bool npt6_send_na(struct net_device *dev, const struct sk_buff *ns,
			 unsigned int noff, const u8 *sllao,
			 const struct in6_addr *target)
{
	const struct ipv6hdr *nsh = ipv6_hdr(ns);
	bool dad = ipv6_addr_any(&nsh->saddr);
	unsigned int len = sizeof(struct nd_msg) + NPT6_TLLAO_LEN;
	int hlen = LL_RESERVED_SPACE(dev);
	struct in6_addr saddr, daddr;
	u8 dmac[ETH_ALEN];
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;
	struct nd_msg *msg;

	/*
	 * Everything below is Ethernet.  map.c refuses a proxy on any other
	 * device and a type change under one; this keeps dev_hard_header()
	 * from reading a longer address out of dmac if that ever failed.
	 */
	if (unlikely(dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN))
		return false;

	if (dad) {
		daddr = in6addr_linklocal_allnodes;
		ipv6_eth_mc_map(&daddr, dmac);
	} else {
		daddr = nsh->saddr;
		if (sllao)
			memcpy(dmac, sllao, ETH_ALEN);
		else if (skb_mac_header_was_set(ns))
			memcpy(dmac, eth_hdr(ns)->h_source, ETH_ALEN);
		else
			return false;
	}
	/*
	 * We answer as the target itself would if it were on this link, from
	 * its own address.  Section 7.1.2 puts no condition on the source
	 * of an NA, and clients such as ndisc6 accept only this form.
	 */
	saddr = *target;

	skb = alloc_skb(hlen + sizeof(*ip6h) + len + dev->needed_tailroom,
			GFP_ATOMIC);
	if (!skb)
		return false;
	skb_reserve(skb, hlen);
	skb_reset_network_header(skb);
	ip6h = skb_put(skb, sizeof(*ip6h));
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->payload_len = htons(len);
	ip6h->nexthdr = IPPROTO_ICMPV6;
	ip6h->hop_limit = 255;
	ip6h->saddr = saddr;
	ip6h->daddr = daddr;

	skb_set_transport_header(skb, skb->len);
	msg = skb_put_zero(skb, len);
	msg->icmph.icmp6_type = NDISC_NEIGHBOUR_ADVERTISEMENT;
	msg->icmph.icmp6_solicited = !dad;
	msg->target = *target;
	msg->opt[0] = ND_OPT_TARGET_LL_ADDR;
	msg->opt[1] = NPT6_TLLAO_LEN / 8;
	memcpy(&msg->opt[2], dev->dev_addr, ETH_ALEN);
	msg->icmph.icmp6_cksum = csum_ipv6_magic(&saddr, &daddr, len,
						 IPPROTO_ICMPV6,
						 csum_partial(msg, len, 0));

	skb->protocol = htons(ETH_P_IPV6);
	skb->dev = dev;
	if (dev_hard_header(skb, dev, ETH_P_IPV6, dmac, dev->dev_addr,
			    skb->len) < 0) {
		kfree_skb(skb);
		return false;
	}
	return dev_queue_xmit(skb) == NET_XMIT_SUCCESS;
}

/*
 * For hairpin.c: is @inner, the internal twin of an address of @map, a
 * live host inside?  Starts resolution within the budget if not.  Under
 * rcu_read_lock() with BH disabled.
 */
bool npt6_ndproxy_twin_alive(struct npt6_map *map, struct net *net,
			     const struct net_device *ext,
			     const struct in6_addr *inner)
{
	return npt6_inside_state(map, net, ext, inner) == NPT6_INSIDE_ALIVE;
}

/*
 * A Neighbor Solicitation arrived on the external device.  Returns the
 * verdict: NF_ACCEPT hands it on to the kernel's own NDP (not ours, or
 * ours to ignore), NF_STOLEN when we answered, NF_DROP when it is bad.
 */
unsigned int npt6_ndproxy_ns(struct npt6_dev *xdev, struct sk_buff *skb,
			     unsigned int noff,
			     const struct nf_hook_state *state)
{
	unsigned int off = noff + sizeof(struct ipv6hdr);
	struct npt6_table_node *node;
	struct in6_addr target, inner;
	const struct nd_msg *msg;
	struct npt6_map *map;
	const u8 *sllao;
	unsigned int len;

	len = ntohs(ipv6_hdr(skb)->payload_len);
	/* Too short to name a target: not ours to judge, the kernel drops it. */
	if (len < sizeof(*msg) || skb->len < off + len ||
	    !pskb_may_pull(skb, off + len))
		return NF_ACCEPT;
	msg = (const struct nd_msg *)(skb->data + off);
	target = msg->target;

	node = npt6_table_match_ext(&xdev->table, &target);
	if (!node)
		return NF_ACCEPT;
	map = container_of(node, struct npt6_map, node);
	npt6_map_count_ndp(map, NPT6_NSTATS_NS_SEEN);

	if (map->ndproxy == NPT6_NDPROXY_OFF) {
		npt6_map_count_ndp(map, NPT6_NSTATS_IGN_OFF);
		return NF_ACCEPT;
	}
	if (!npt6_ns_valid(skb, noff, len, &sllao)) {
		npt6_map_count_ndp(map, NPT6_NSTATS_DROP_MALFORMED);
		return NF_DROP;
	}
	/* Tentative ones too: the kernel runs DAD for those. */
	if (ipv6_chk_addr_and_flags(state->net, &target, NULL, true, 0, 0)) {
		npt6_map_count_ndp(map, NPT6_NSTATS_IGN_LOCAL);
		return NF_ACCEPT;
	}

	inner = target;
	if (!npt6_rewrite_addr(&map->rw[NPT6_DIR_DNPT], &inner)) {
		npt6_map_count_ndp(map, NPT6_NSTATS_IGN_OUTSIDE);
		return NF_ACCEPT;
	}
	/* In "all" mode only DAD probes need the twin to be alive. */
	if (map->ndproxy == NPT6_NDPROXY_AUTO ||
	    ipv6_addr_any(&ipv6_hdr(skb)->saddr)) {
		switch (npt6_inside_state(map, state->net, xdev->dev, &inner)) {
		case NPT6_INSIDE_ALIVE:
			break;
		case NPT6_INSIDE_UNRESOLVED:
			npt6_map_count_ndp(map, NPT6_NSTATS_IGN_UNRESOLVED);
			return NF_ACCEPT;
		case NPT6_INSIDE_REFUSED:
			npt6_map_count_ndp(map, NPT6_NSTATS_IGN_BUDGET);
			return NF_ACCEPT;
		case NPT6_INSIDE_NOT:
			npt6_map_count_ndp(map, NPT6_NSTATS_IGN_OUTSIDE);
			return NF_ACCEPT;
		}
	}

	if (npt6_send_na(xdev->dev, skb, noff, sllao, &target))
		npt6_map_count_ndp(map, NPT6_NSTATS_NA_SENT);
	consume_skb(skb);
	return NF_STOLEN;
}
