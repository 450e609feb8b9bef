// SPDX-License-Identifier: GPL-2.0
/*
 * The ipip6 tunnel: IPv4 in IPv6 (RFC 2473), for fixed-IPv4 services such
 * as transix and for site-to-site links.  It interoperates with Linux's
 * ip6tnl in ipip6 mode but removes the traps users fall into with it:
 *
 *   - no encapsulation-limit option unless asked for: the outer header is
 *     exactly 40 bytes and the MTU on a 1500 link is 1460, which is what
 *     AFTRs expect (some drop the option);
 *   - TCP MSS clamping built in, both ways, so nobody needs an iptables
 *     TCPMSS rule for pages to load;
 *   - a local address that follows the prefix RA or DHCPv6-PD put on the
 *     underlying device, with a token such as ::feed (autoprefix.c);
 *   - oversize IPv4 without DF is fragmented before encapsulation, so the
 *     outer IPv6 packet is never fragmented.
 *
 * This file is the packet path: transmit (encapsulation, MSS clamp,
 * fragmentation before encapsulation), receive and ICMPv6 errors.
 * tunnel_link.c creates and configures the device.
 *
 * Receive goes through a tunnel6 handler for IPPROTO_IPIP registered
 * ahead of ip6_tunnel's: packets whose outer addresses are not one of our
 * tunnels' (remote, local) are left to ip6_tunnel, untouched.
 *
 * Locking: the packet path reads the tunnel's endpoints through an RCU
 * pointer and its scalar settings with READ_ONCE(); it never takes a
 * lock.  Configuration changes run under rtnl (tunnel_link.c).
 */

#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/netdevice.h>
#include <linux/tcp.h>
#include <net/dst_cache.h>
#include <net/dst_metadata.h>
#include <net/gro_cells.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ip6_tunnel.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include <net/xfrm.h>

#include <uapi/linux/npt6.h>

#include "net.h"
#include "tunnel.h"

/* The tunnel from @remote to @local, if one is up.  Under RCU. */
struct npt6_tnl *npt6_tnl_lookup(struct net *net,
				 const struct in6_addr *remote,
				 const struct in6_addr *local)
{
	struct npt6_net *nn = npt6_net(net);
	struct npt6_tnl *t;

	hlist_for_each_entry_rcu(t, &nn->tnl_hash[npt6_tnl_hash(remote)], hash) {
		const struct npt6_tnl_ends *ends = rcu_dereference(t->ends);

		if (ends && ipv6_addr_equal(&ends->remote, remote) &&
		    ipv6_addr_equal(&ends->local, local) &&
		    (t->dev->flags & IFF_UP))
			return t;
	}
	return NULL;
}

/*
 * Clamp the MSS option of a TCP SYN (or SYN-ACK) whose IPv4 header starts
 * at skb->data.  Both directions are clamped, so neither end sends a
 * segment that does not fit the tunnel, whatever the other end's MTU.
 */
static void npt6_tnl_clamp_mss(struct sk_buff *skb, unsigned int mss)
{
	unsigned int thoff, optlen, i;
	const struct iphdr *iph;
	struct tcphdr *th;
	u8 *opt;

	iph = ip_hdr(skb);
	if (iph->protocol != IPPROTO_TCP || ip_is_fragment(iph))
		return;
	thoff = skb_network_offset(skb) + iph->ihl * 4;
	if (!pskb_may_pull(skb, thoff + sizeof(*th)))
		return;
	th = (struct tcphdr *)(skb->data + thoff);
	if (!th->syn || th->doff * 4 <= sizeof(*th))
		return;
	optlen = th->doff * 4 - sizeof(*th);
	if (skb_ensure_writable(skb, thoff + th->doff * 4))
		return;
	th = (struct tcphdr *)(skb->data + thoff);
	opt = (u8 *)(th + 1);

	for (i = 0; i < optlen; ) {
		__be16 old;

		if (opt[i] == TCPOPT_EOL)
			return;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= optlen || opt[i + 1] < 2 || i + opt[i + 1] > optlen)
			return;
		if (opt[i] == TCPOPT_MSS && opt[i + 1] == TCPOLEN_MSS) {
			__be16 new = htons(mss);

			/* Options have no alignment: copy, never load. */
			memcpy(&old, opt + i + 2, sizeof(old));
			if (ntohs(old) <= mss)
				return;
			memcpy(opt + i + 2, &new, sizeof(new));
			inet_proto_csum_replace2(&th->check, skb, old, new,
						 false);
			return;
		}
		i += opt[i + 1];
	}
}

/* The MSS to clamp to for a tunnel MTU of @mtu, or 0 for none. */
static unsigned int npt6_tnl_mss(const struct npt6_tnl *t, unsigned int mtu)
{
	u16 mss = READ_ONCE(t->mss);

	if (mss == NPT6_TNL_MSS_AUTO)
		return mtu - sizeof(struct iphdr) - sizeof(struct tcphdr);
	return mss;
}

/*
 * The route to the remote end, from the per-cpu cache when we can.  A
 * packet with a mark may be policy-routed (fwmark rules for a second
 * WAN), so only unmarked packets use and fill the cache, as ip6_tunnel
 * does.  xfrm_lookup() turns the route into an IPsec bundle when a policy
 * covers the outer flow; the cache keeps the bundle, whose validity
 * dst_check() follows.
 */
static struct dst_entry *npt6_tnl_route(struct npt6_tnl *t,
					struct npt6_tnl_ends *ends,
					struct flowi6 *fl6)
{
	struct in6_addr saddr;
	struct dst_entry *dst;

	if (!fl6->flowi6_mark) {
		dst = dst_cache_get_ip6(&ends->dst_cache, &saddr);
		if (dst)
			return dst;
	}

	dst = ip6_route_output(t->net, NULL, fl6);
	if (dst->error) {
		dst_release(dst);
		return NULL;
	}
	dst = xfrm_lookup(t->net, dst, flowi6_to_flowi(fl6), NULL, 0);
	if (IS_ERR(dst))
		return NULL;
	/* Routing the outer packet into ourselves would loop forever. */
	if (dst->dev == t->dev) {
		dst_release(dst);
		return NULL;
	}
	if (!fl6->flowi6_mark)
		dst_cache_set_ip6(&ends->dst_cache, dst, &ends->local);
	return dst;
}

/*
 * The outer flow label comes from the packet's flow hash.  A packet from
 * a local socket or a NIC with receive hashing has one; for one without,
 * ip6_make_flowlabel() would hash the outer addresses, one label for
 * every flow in the tunnel, which defeats the label's purpose (ECMP and
 * LAG on the path spread by it).  Hash the inner flow instead: addresses,
 * protocol and, unless it is a fragment, the ports (as the flow dissector
 * does by default, so all fragments of a datagram share a label).  It is
 * cheaper than the flow dissector, and the hash also spreads the outer
 * packets over the underlying device's transmit queues.
 */
static void npt6_tnl_inner_hash(struct sk_buff *skb)
{
	static u32 seed __read_mostly;
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int thoff = skb_network_offset(skb) + iph->ihl * 4;
	bool l4 = false;
	u32 ports = 0;

	if (skb->l4_hash || skb->sw_hash)
		return;
	net_get_random_once(&seed, sizeof(seed));
	switch (iph->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		if (ip_is_fragment(iph))
			break;
		if (skb_headlen(skb) < thoff + sizeof(ports))
			break;
		memcpy(&ports, skb->data + thoff, sizeof(ports));
		l4 = true;
		break;
	}
	__skb_set_sw_hash(skb, jhash_3words((__force u32)iph->saddr,
					    (__force u32)iph->daddr, ports,
					    iph->protocol ^ seed), l4);
}

static int npt6_tnl_xmit_frag(struct net *net, struct sock *sk,
			      struct sk_buff *skb);
static netdev_tx_t npt6_tnl_xmit_segs(struct sk_buff *skb,
				      struct net_device *dev);

netdev_tx_t npt6_tnl_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct npt6_tnl *t = netdev_priv(dev);
	struct npt6_tnl_ends *ends;
	unsigned int hlen, headroom, mtu, mss;
	u16 encaplimit;
	struct dst_entry *dst;
	struct ipv6hdr *ip6h;
	struct flowi6 fl6;
	u32 tclass, cfg_label;
	__be32 label;
	u8 dsfield;

	/*
	 * The IPv6 stack configures a link-local address on any tunnel and
	 * sends router solicitations and MLD over it; this tunnel carries
	 * IPv4 only, so those are dropped quietly, not counted as errors.
	 */
	if (skb->protocol != htons(ETH_P_IP))
		goto tx_drop;
	if (!pskb_inet_may_pull(skb))
		goto tx_err;

	ends = rcu_dereference_bh(t->ends);
	if (!ends) {
		DEV_STATS_INC(dev, tx_carrier_errors);
		goto tx_err;
	}

	memset(&fl6, 0, sizeof(fl6));
	fl6.flowi6_proto = IPPROTO_IPIP;
	fl6.flowi6_mark = skb->mark;
	fl6.daddr = ends->remote;
	fl6.saddr = ends->local;
	dst = npt6_tnl_route(t, ends, &fl6);
	if (!dst) {
		DEV_STATS_INC(dev, tx_carrier_errors);
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
		goto tx_err;
	}

	encaplimit = READ_ONCE(t->encaplimit);
	hlen = npt6_tnl_hlen(encaplimit);
	headroom = LL_RESERVED_SPACE(dst->dev) + hlen;
	if (unlikely(headroom > READ_ONCE(dev->needed_headroom)))
		WRITE_ONCE(dev->needed_headroom, headroom);
	mtu = dst_mtu(dst);
	mtu = mtu > hlen + IPV4_MIN_MTU ? mtu - hlen : IPV4_MIN_MTU;
	mtu = min(mtu, READ_ONCE(dev->mtu));
	/*
	 * Let the IPv4 route learn the path MTU behind us, too.  Not a
	 * metadata dst (tc mirred from a collect_md device, a BPF program
	 * setting tunnel keys): it is no route, and has no device.
	 */
	if (mtu < READ_ONCE(dev->mtu) && skb_valid_dst(skb))
		skb_dst_update_pmtu_no_confirm(skb, mtu);

	if (skb_is_gso(skb) ? !skb_gso_validate_network_len(skb, mtu) :
			      skb->len > mtu) {
		if (ip_hdr(skb)->frag_off & htons(IP_DF)) {
			icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
				      htonl(mtu));
			dst_release(dst);
			goto tx_drop;
		}
		/*
		 * No DF: fragment the IPv4 packet and tunnel each fragment,
		 * so that the outer IPv6 packet is never fragmented.  A GSO
		 * packet is cut into its segments first, each of which comes
		 * back here to be fragmented in turn.  ip_do_fragment() needs
		 * a real IPv4 route.
		 */
		dst_release(dst);
		if (skb_is_gso(skb))
			return npt6_tnl_xmit_segs(skb, dev);
		if (!skb_valid_dst(skb))
			goto tx_err;
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		IPCB(skb)->frag_max_size = mtu;
		ip_do_fragment(t->net, NULL, skb, npt6_tnl_xmit_frag);
		return NETDEV_TX_OK;
	}

	/* Behind a smaller path MTU, "auto" clamps to what fits now. */
	mss = npt6_tnl_mss(t, mtu);
	if (mss)
		npt6_tnl_clamp_mss(skb, mss);

	dsfield = ipv4_get_dsfield(ip_hdr(skb));
	tclass = READ_ONCE(t->tclass);
	/* RFC 6040 normal mode: the outer ECN field is a copy of the inner. */
	if (tclass == NPT6_TNL_INHERIT)
		tclass = dsfield;
	else
		tclass = (tclass & ~INET_ECN_MASK) | (dsfield & INET_ECN_MASK);
	cfg_label = READ_ONCE(t->flowlabel);
	if (cfg_label == NPT6_TNL_INHERIT) {
		npt6_tnl_inner_hash(skb);
		label = ip6_make_flowlabel(t->net, skb, 0, true, &fl6);
	} else {
		label = htonl(cfg_label);
	}

	if (iptunnel_handle_offloads(skb, SKB_GSO_IPXIP6)) {
		dst_release(dst);
		goto tx_err;
	}
	skb_set_inner_ipproto(skb, IPPROTO_IPIP);
	if (skb_cow_head(skb, headroom)) {
		dst_release(dst);
		goto tx_err;
	}
	skb_scrub_packet(skb, false);
	skb_dst_set(skb, dst);

	if (encaplimit != NPT6_TNL_ENCAPLIMIT_NONE) {
		u8 *opt = skb_push(skb, NPT6_TNL_ELIM_LEN);

		opt[0] = IPPROTO_IPIP;		/* next header */
		opt[1] = 0;			/* length: 8 bytes */
		opt[2] = IPV6_TLV_TNL_ENCAP_LIMIT;
		opt[3] = 1;
		opt[4] = encaplimit;
		opt[5] = IPV6_TLV_PADN;
		opt[6] = 1;
		opt[7] = 0;
	}
	ip6h = skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6_flow_hdr(ip6h, tclass, label);
	ip6h->nexthdr = encaplimit == NPT6_TNL_ENCAPLIMIT_NONE ?
			IPPROTO_IPIP : NEXTHDR_DEST;
	ip6h->hop_limit = READ_ONCE(t->hoplimit);
	ip6h->saddr = ends->local;
	ip6h->daddr = ends->remote;
	skb->protocol = htons(ETH_P_IPV6);

	if (READ_ONCE(t->fastpath) && npt6_tnl_fast_xmit_ok(dst))
		npt6_tnl_fast_xmit(skb, dev);
	else
		ip6tunnel_xmit(NULL, skb, dev, 0);
	return NETDEV_TX_OK;

tx_err:
	DEV_STATS_INC(dev, tx_errors);
tx_drop:
	DEV_STATS_INC(dev, tx_dropped);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

/*
 * A GSO packet without DF whose segments do not fit the tunnel: segment it
 * in software and send each segment on its own, to be fragmented.
 */
static noinline netdev_tx_t npt6_tnl_xmit_segs(struct sk_buff *skb,
					       struct net_device *dev)
{
	struct sk_buff *segs, *seg, *next;

	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		DEV_STATS_INC(dev, tx_errors);
		DEV_STATS_INC(dev, tx_dropped);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		npt6_tnl_xmit(seg, dev);
	}
	return NETDEV_TX_OK;
}

/* ip_do_fragment() output: each fragment now fits; tunnel it. */
static int npt6_tnl_xmit_frag(struct net *net, struct sock *sk,
			      struct sk_buff *skb)
{
	npt6_tnl_xmit(skb, skb->dev);
	return 0;
}

/*
 * Decapsulation, for both receive paths: check @skb, whose outer header
 * was just pulled (skb->data is the inner IPv4 header; IP6CB() is the
 * outer one's), and make it the tunnel device's IPv4 packet.  Returns
 * false when it was dropped.
 */
bool npt6_tnl_decap(struct npt6_tnl *t, struct sk_buff *skb, u8 outer_ds)
{
	const struct iphdr *iph;
	unsigned int mss;
	int err;

	if (!xfrm6_policy_check(NULL, XFRM_POLICY_IN, skb))
		goto drop;
	if (!pskb_may_pull(skb, sizeof(*iph)))
		goto drop_err;
	iph = (const struct iphdr *)skb->data;
	if (iph->version != 4 || iph->ihl < 5 ||
	    !pskb_may_pull(skb, iph->ihl * 4))
		goto drop_err;

	/*
	 * IPv6 GRO merged a train of ipip6 packets as one tunnelled GSO
	 * packet (encapsulation set, SKB_GSO_IPXIP6); without the outer
	 * header it is a plain IPv4 one, and must say so, or the device it
	 * is forwarded to treats it as tunnelled.
	 */
	if (iptunnel_pull_offloads(skb))
		goto drop_err;
	skb->protocol = htons(ETH_P_IP);
	skb_reset_network_header(skb);
	skb_reset_mac_header(skb);
	skb_reset_mac_len(skb);
	/* RFC 6040: CE on the outside marks the inside, or drops Not-ECT. */
	err = INET_ECN_decapsulate(skb, outer_ds, ip_hdr(skb)->tos);
	if (err > 1)
		goto drop_err;

	mss = npt6_tnl_mss(t, READ_ONCE(t->dev->mtu));
	if (mss)
		npt6_tnl_clamp_mss(skb, mss);

	skb_scrub_packet(skb, !net_eq(t->net, dev_net(t->dev)));
	skb->dev = t->dev;
	skb->pkt_type = PACKET_HOST;
	dev_sw_netstats_rx_add(t->dev, skb->len);
	return true;

drop_err:
	DEV_STATS_INC(t->dev, rx_errors);
drop:
	DEV_STATS_INC(t->dev, rx_dropped);
	kfree_skb(skb);
	return false;
}

/* tunnel6 handler for IPPROTO_IPIP; skb->data is the inner IPv4 header. */
static int npt6_tnl_rcv(struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct npt6_tnl *t;

	t = npt6_tnl_lookup(dev_net(skb->dev), &ip6h->saddr, &ip6h->daddr);
	if (!t)
		return -1;	/* not ours: ip6_tunnel's turn */
	if (npt6_tnl_decap(t, skb, ipv6_get_dsfield(ip6h)))
		gro_cells_receive(&t->gro_cells, skb);
	return 0;
}

/*
 * An ICMPv6 error about a packet we sent; skb->data is our outer header.
 * Packet Too Big lowers the path MTU to the remote, which the next
 * transmit turns into a lower tunnel MTU.
 */
static int npt6_tnl_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
			u8 type, u8 code, int offset, __be32 info)
{
	const struct ipv6hdr *ip6h = (const struct ipv6hdr *)skb->data;
	struct net *net = dev_net(skb->dev);
	struct npt6_tnl *t;

	rcu_read_lock();
	t = npt6_tnl_lookup(net, &ip6h->daddr, &ip6h->saddr);
	if (!t) {
		rcu_read_unlock();
		return -ENOENT;
	}
	/*
	 * The error's own mark picks the route whose path MTU it updates:
	 * with fwmark-routed outer packets, a connmark restored on input
	 * makes it the flow's.  Unmarked, it is the main route's, which
	 * unmarked packets use.
	 */
	if (type == ICMPV6_PKT_TOOBIG)
		ip6_update_pmtu(skb, net, info, 0, skb->mark,
				sock_net_uid(net, NULL));
	else if (type == NDISC_REDIRECT)
		ip6_redirect(skb, net, 0, skb->mark, sock_net_uid(net, NULL));
	rcu_read_unlock();
	return 0;
}

/* Ahead of ip6_tunnel (priority 1), which gets what we leave. */
static struct xfrm6_tunnel npt6_tnl_handler __read_mostly = {
	.handler = npt6_tnl_rcv,
	.err_handler = npt6_tnl_err,
	.priority = 0,
};

int npt6_tnl_rcv_register(void)
{
	return xfrm6_tunnel_register(&npt6_tnl_handler, AF_INET);
}

void npt6_tnl_rcv_unregister(void)
{
	xfrm6_tunnel_deregister(&npt6_tnl_handler, AF_INET);
}
