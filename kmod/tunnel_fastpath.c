// SPDX-License-Identifier: GPL-2.0
/*
 * The tunnel's opt-in fast path ("fastpath on"): outer packets that the
 * IPv6 stack would only pass along take a short cut past it.
 *
 *   - Receive: a receive handler on the tunnel's underlying device
 *     decapsulates ipip6 packets from the tunnel's remote to its local
 *     address before IPv6 input, and hands the inner IPv4 packet back
 *     to the receive loop as if it had arrived on the tunnel device
 *     (RX_HANDLER_ANOTHER).  The route lookup, ip6_input(), the tunnel6
 *     dispatch and the second receive pass through the tunnel's GRO cell
 *     are gone.
 *   - Transmit: IPv4 routed into the tunnel goes from the tunnel's
 *     neighbour straight to its transmit function, past
 *     __dev_queue_xmit(), while the tunnel device has no qdisc, egress
 *     hook or packet socket; the encapsulated packet goes to the
 *     neighbour of its cached route through the LOCAL_OUT and
 *     POST_ROUTING hooks alone, past the rest of ip6_local_out() and
 *     ip6_output().
 *
 * Nothing the user configured may be skipped.  Transmit runs the
 * netfilter hooks as ip6_output() would, and leaves a route with an xfrm
 * bundle, an lwtunnel or a VRF to the full path, also when a LOCAL_OUT
 * hook rerouted the packet.  Receive cannot run PRE_ROUTING as IPv6
 * input would (a hook may reroute or reassemble), so a packet takes the
 * full path whenever IPv6 PRE_ROUTING or LOCAL_IN has a hook other than
 * npt6's own hairpin hooks, which leave packets to the router's
 * addresses alone: a firewall added later sees every outer packet.  The
 * xfrm input policy check runs on both paths.  What outer packets on
 * the short cut miss: the IPv6 MIB counters (/proc/net/snmp6), raw IPv6
 * sockets, and on receive GRO of the inner packets.  The netdev and tc
 * hooks of the underlying device and packet sockets (tcpdump) see them.
 *
 * The receive handler is the device's only one, so the fast path is
 * refused over a bridge port, bond or team slave, or a macvlan or
 * ipvlan lower device; and while it is on, the device cannot become one.
 * It is registered while at least one fast-path tunnel runs over the
 * device, under rtnl.
 */

#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/arp.h>
#include <net/dst.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/lwtunnel.h>
#include <net/ndisc.h>
#include <net/neighbour.h>
#include <net/sch_generic.h>

#include "net.h"
#include "tunnel.h"

/*
 * Would an IPv6 netfilter hook at @hook see a received outer packet?
 * npt6's own hairpin hooks (priv is our npt6_net) are not counted: they
 * leave packets from and to the router's addresses alone.  Under RCU.
 */
static bool npt6_tnl_nf_hooked(struct net *net, struct npt6_net *nn,
			       unsigned int hook)
{
	const struct nf_hook_entries *e;
	unsigned int i;

	e = rcu_dereference(net->nf.hooks_ipv6[hook]);
	if (!e)
		return false;
	for (i = 0; i < e->num_hook_entries; i++)
		if (e->hooks[i].priv != nn)
			return true;
	return false;
}

/*
 * Can an encapsulated packet on @dst skip ip6_output()?  Only on a plain
 * unicast route out of a real device with IPv6 on: ip6_output() as its
 * output (an xfrm bundle, multicast, a blackhole or an lwtunnel have
 * their own), no lwtunnel that redirects transmit, no VRF.
 */
bool npt6_tnl_fast_xmit_ok(const struct dst_entry *dst)
{
	const struct inet6_dev *idev;

	if (dst->output != ip6_output || dst->lwtstate ||
	    (dst->dev->flags & IFF_LOOPBACK) || netif_is_l3_slave(dst->dev))
		return false;
	idev = ip6_dst_idev(dst);
	return idev && !READ_ONCE(idev->cnf.disable_ipv6);
}

/*
 * The end of the short cut, after POST_ROUTING: what ip6_finish_output2()
 * does for unicast.  Called with BH off, also when a queued packet is
 * reinjected.
 */
static int npt6_tnl_fast_neigh(struct net *net, struct sock *sk,
			       struct sk_buff *skb)
{
	struct dst_entry *dst = skb_dst(skb);
	struct net_device *out = dst->dev;
	const struct in6_addr *nexthop;
	struct neighbour *neigh;
	int ret;

	/* NAT at POST_ROUTING may have found an xfrm bundle for it. */
	if (unlikely(dst_xfrm(dst)))
		return dst_output(net, sk, skb);
	rcu_read_lock();
	nexthop = rt6_nexthop(container_of(dst, struct rt6_info, dst),
			      &ipv6_hdr(skb)->daddr);
	neigh = __ipv6_neigh_lookup_noref(out, nexthop);
	if (unlikely(!neigh))
		neigh = __neigh_create(&nd_tbl, nexthop, out, false);
	if (IS_ERR(neigh)) {
		rcu_read_unlock();
		kfree_skb(skb);
		return -EINVAL;
	}
	ret = neigh_output(neigh, skb, false);
	rcu_read_unlock();
	return ret;
}

/*
 * Send @skb, a finished outer packet whose route passed
 * npt6_tnl_fast_xmit_ok(): ip6_local_out() and ip6_output() less their
 * counters, and the fragmentation and GSO checks, which the caller has
 * made already (the packet fits the path MTU).  The netfilter hooks of
 * both run, as there: a firewall sees every outer packet.  The headroom
 * is the caller's, which reserved the output device's.  Called from
 * ndo_start_xmit: BH off, under rcu_read_lock_bh().
 */
void npt6_tnl_fast_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct dst_entry *dst = skb_dst(skb);
	struct net_device *out = dst->dev;
	struct net *net = dev_net(out);
	int pkt_len, len, err;

	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	pkt_len = skb->len - skb_inner_network_offset(skb);
	len = skb->len - sizeof(struct ipv6hdr);
	ipv6_hdr(skb)->payload_len = htons(len > IPV6_MAXPLEN ? 0 : len);
	IP6CB(skb)->nhoff = offsetof(struct ipv6hdr, nexthdr);

	/*
	 * A LOCAL_OUT hook may route the packet anew (a mark for policy
	 * routing, an xfrm policy that now matches): from a new route on,
	 * and for a packet a hook queued, the full output path.
	 */
	err = nf_hook(NFPROTO_IPV6, NF_INET_LOCAL_OUT, net, NULL, skb, NULL,
		      out, dst_output);
	if (err == 1) {
		if (likely(skb_dst(skb) == dst)) {
			/* skb->dev is still the tunnel: "in" at POST_ROUTING. */
			skb->dev = out;
			err = NF_HOOK(NFPROTO_IPV6, NF_INET_POST_ROUTING, net,
				      NULL, skb, dev, out, npt6_tnl_fast_neigh);
		} else {
			err = dst_output(net, NULL, skb);
		}
	}
	iptunnel_xmit_stats(dev, net_xmit_eval(err) ? -1 : pkt_len);
}

/*
 * Does anything classify or filter what @dev transmits at its egress: a
 * tc classifier (clsact's mini qdisc before 6.6, tcx after) or a
 * netfilter egress hook (5.16)?  Kbuild says which fields this kernel
 * has.  Under RCU; the answer may be stale by a packet, as it may be for
 * __dev_queue_xmit().
 */
static bool npt6_netdev_egress_hooked(const struct net_device *dev)
{
#if defined(NPT6_HAVE_NETDEV_TCX_EGRESS) && defined(CONFIG_NET_XGRESS)
	if (rcu_access_pointer(dev->tcx_egress))
		return true;
#elif defined(NPT6_HAVE_NETDEV_MINIQ_EGRESS) && defined(CONFIG_NET_CLS_ACT)
	if (rcu_access_pointer(dev->miniq_egress))
		return true;
#endif
#if defined(NPT6_HAVE_NETDEV_NF_HOOKS_EGRESS) && defined(CONFIG_NETFILTER_EGRESS)
	if (rcu_access_pointer(dev->nf_hooks_egress))
		return true;
#endif
	return false;
}

/*
 * IPv4 routed into the tunnel reaches it through its neighbour, whose
 * output for a device like ours is dev_queue_xmit().  A fast-path tunnel
 * has nothing on that way worth the walk while it keeps its default
 * setup: no qdisc (IFF_NO_QUEUE), no tc or netfilter egress hook, no
 * packet socket listening.  Then the neighbour hands a forwarded packet
 * to the transmit function itself; otherwise, and for the host's own
 * packets (socket priorities, timestamps), it takes the usual way.
 */
static int npt6_tnl_neigh_output(struct neighbour *n, struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	const struct npt6_tnl *t = netdev_priv(dev);
	struct netdev_queue *txq;

	/* A local socket's packet keeps what its socket asked for. */
	if (!READ_ONCE(t->fastpath) || !(dev->flags & IFF_UP) || skb->sk)
		return dev_queue_xmit(skb);
	rcu_read_lock_bh();
	txq = netdev_get_tx_queue(dev, 0);
	if (rcu_dereference_bh(txq->qdisc)->enqueue ||
	    npt6_netdev_egress_hooked(dev) || dev_nit_active(dev)) {
		rcu_read_unlock_bh();
		return dev_queue_xmit(skb);
	}
	/*
	 * As __dev_queue_xmit() would: the MAC header is still the one the
	 * packet came in with, and encapsulation copies it into the inner
	 * MAC header, which tunnel offload drivers read.
	 */
	skb_reset_mac_header(skb);
	skb_set_queue_mapping(skb, 0);	/* as queue selection would */
	npt6_tnl_xmit(skb, dev);
	rcu_read_unlock_bh();
	return NET_XMIT_SUCCESS;
}

static const struct neigh_ops npt6_tnl_neigh_ops = {
	.family = AF_INET,
	.output = npt6_tnl_neigh_output,
	.connected_output = npt6_tnl_neigh_output,
};

/*
 * ndo_neigh_construct: the tunnel's IPv4 neighbours (there is no ARP on
 * it: arp_constructor() made them direct) output through the above.
 */
int npt6_tnl_neigh_construct(struct net_device *dev, struct neighbour *n)
{
	if (n->tbl == &arp_tbl && n->ops->output == neigh_direct_output) {
		n->ops = &npt6_tnl_neigh_ops;
		n->output = npt6_tnl_neigh_output;
	}
	return 0;
}

/*
 * The length of the destination options header at @opt, which Linux's
 * ip6tnl puts in front of the inner packet by default (RFC 2473's tunnel
 * encapsulation limit), if it holds nothing else but padding and is
 * followed by IPv4; else 0.  IPv6 input would accept it and leave the
 * limit to the tunnel, which has no use for it on receive.
 */
static unsigned int npt6_tnl_fast_destopt(const u8 *opt, unsigned int avail)
{
	unsigned int len, i;

	if (avail < 8 || opt[0] != IPPROTO_IPIP)
		return 0;
	len = (opt[1] + 1) * 8;
	if (len > avail)
		return 0;
	for (i = 2; i < len; ) {
		if (opt[i] == IPV6_TLV_PAD1) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + opt[i + 1] > len ||
		    (opt[i] != IPV6_TLV_PADN &&
		     opt[i] != IPV6_TLV_TNL_ENCAP_LIMIT))
			return 0;
		i += 2 + opt[i + 1];
	}
	return len;
}

/*
 * The receive handler on a device that fast-path tunnels run over.  It
 * takes only what the full path would deliver to the tunnel unchanged:
 * an ipip6 packet for us, with no extension header but the encapsulation
 * limit, from and to a fast-path tunnel's endpoints, its length right,
 * with nobody at PRE_ROUTING or LOCAL_IN; anything else goes on to IPv6
 * input as before.
 */
static rx_handler_result_t npt6_tnl_rx_handler(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	const struct ipv6hdr *ip6h;
	struct inet6_dev *idev;
	struct npt6_net *nn;
	struct npt6_tnl *t;
	unsigned int len, hlen;
	struct net *net;
	u8 outer_ds;

	if (skb->protocol != htons(ETH_P_IPV6) ||
	    skb->pkt_type != PACKET_HOST ||
	    skb_headlen(skb) < sizeof(*ip6h) + sizeof(struct iphdr))
		return RX_HANDLER_PASS;
	ip6h = (const struct ipv6hdr *)skb->data;
	if (ip6h->version != 6)
		return RX_HANDLER_PASS;
	hlen = sizeof(*ip6h);
	if (ip6h->nexthdr == NEXTHDR_DEST) {
		len = npt6_tnl_fast_destopt(skb->data + hlen,
					    skb_headlen(skb) - hlen);
		if (!len || skb_headlen(skb) < hlen + len + sizeof(struct iphdr))
			return RX_HANDLER_PASS;
		hlen += len;
	} else if (ip6h->nexthdr != IPPROTO_IPIP) {
		return RX_HANDLER_PASS;
	}

	net = dev_net(skb->dev);
	t = npt6_tnl_lookup(net, &ip6h->saddr, &ip6h->daddr);
	if (!t || !READ_ONCE(t->fastpath))
		return RX_HANDLER_PASS;
	/* The full path drops, reports or parses (jumbograms) these. */
	len = ntohs(ip6h->payload_len);
	if (len + sizeof(*ip6h) > skb->len ||
	    len + sizeof(*ip6h) < hlen + sizeof(struct iphdr))
		return RX_HANDLER_PASS;
	idev = __in6_dev_get(skb->dev);
	if (!idev || READ_ONCE(idev->cnf.disable_ipv6) ||
	    netif_is_l3_slave(skb->dev))
		return RX_HANDLER_PASS;
	nn = npt6_net(net);
	if (npt6_tnl_nf_hooked(net, nn, NF_INET_PRE_ROUTING) ||
	    npt6_tnl_nf_hooked(net, nn, NF_INET_LOCAL_IN))
		return RX_HANDLER_PASS;
	/*
	 * IPv6 input delivers only to an address the host has; a fixed
	 * local address may have gone from every device.
	 */
	if (!ipv6_chk_addr(net, &ip6h->daddr, NULL, 0))
		return RX_HANDLER_PASS;

	/* Packet sockets may hold it too: we are about to change it. */
	skb = skb_share_check(skb, GFP_ATOMIC);
	*pskb = skb;
	if (!skb)
		return RX_HANDLER_CONSUMED;
	if (pskb_trim_rcsum(skb, len + sizeof(*ip6h))) {
		kfree_skb(skb);
		return RX_HANDLER_CONSUMED;
	}
	ip6h = (const struct ipv6hdr *)skb->data;
	outer_ds = ipv6_get_dsfield(ip6h);
	/*
	 * What IPv6 input leaves for the xfrm policy check to read, which
	 * walks the extension headers from the fixed header's nexthdr.
	 */
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	IP6CB(skb)->iif = skb->dev->ifindex;
	IP6CB(skb)->nhoff = offsetof(struct ipv6hdr, nexthdr);
	skb_reset_network_header(skb);
	__skb_pull(skb, hlen);
	skb_postpull_rcsum(skb, ip6h, hlen);
	skb_reset_transport_header(skb);

	if (!npt6_tnl_decap(t, skb, outer_ds))
		return RX_HANDLER_CONSUMED;
	return RX_HANDLER_ANOTHER;
}

/*
 * Can fast-path tunnels run over @link?  Its receive handler must be
 * free, or ours already.  A tunnel whose device has gone (@link NULL)
 * gets the handler if a device comes back with its ifindex, from the
 * notifier below.  Under rtnl.
 */
int npt6_tnl_fast_check(struct net_device *link,
			struct netlink_ext_ack *extack)
{
	if (!link ||
	    rtnl_dereference(link->rx_handler) == npt6_tnl_rx_handler)
		return 0;
	if (netdev_is_rx_handler_busy(link) ||
	    (link->priv_flags & IFF_NO_RX_HANDLER)) {
		NL_SET_ERR_MSG(extack,
			       "The device already has a receive handler (bridge port, bond or team slave, macvlan or ipvlan lower device): fastpath needs it");
		return -EBUSY;
	}
	return 0;
}

/*
 * Give @link our receive handler while a registered fast-path tunnel
 * other than @except runs over it, and take it away when none does.
 * npt6_tnl_fast_check() said yes before, so registering cannot fail;
 * if something took the handler meanwhile, the tunnels simply stay on
 * the full path.  Under rtnl.
 */
void npt6_tnl_fast_sync(struct net_device *link, const struct npt6_tnl *except)
{
	bool ours, want = false;
	struct net_device *dev;

	ASSERT_RTNL();
	for_each_netdev(dev_net(link), dev) {
		const struct npt6_tnl *t;

		if (!npt6_tnl_dev(dev))
			continue;
		t = netdev_priv(dev);
		if (t != except && t->fastpath && t->id.link == link->ifindex) {
			want = true;
			break;
		}
	}
	ours = rtnl_dereference(link->rx_handler) == npt6_tnl_rx_handler;
	if (want && !ours) {
		if (netdev_rx_handler_register(link, npt6_tnl_rx_handler, NULL))
			netdev_warn(link, "receive handler taken: npt6 tunnels over it stay on the full path\n");
	} else if (!want && ours) {
		netdev_rx_handler_unregister(link);
	}
}

/* Does @net have a tunnel at all?  Under rtnl. */
static bool npt6_tnl_any(struct net *net)
{
	struct npt6_net *nn = npt6_net(net);
	unsigned int i;

	for (i = 0; i < NPT6_TNL_HASH_SIZE; i++)
		if (!hlist_empty(&nn->tnl_hash[i]))
			return true;
	return false;
}

/*
 * A device going away, or leaving the namespace, must not keep our
 * handler; one arriving may be what a fast-path tunnel waits for.
 */
static int npt6_tnl_fast_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (event == NETDEV_UNREGISTER) {
		if (rtnl_dereference(dev->rx_handler) == npt6_tnl_rx_handler)
			netdev_rx_handler_unregister(dev);
	} else if (event == NETDEV_REGISTER && npt6_tnl_any(dev_net(dev))) {
		npt6_tnl_fast_sync(dev, NULL);
	}
	return NOTIFY_DONE;
}

static struct notifier_block npt6_tnl_fast_notifier = {
	.notifier_call = npt6_tnl_fast_event,
};

int __init npt6_tnl_fast_init(void)
{
	return register_netdevice_notifier(&npt6_tnl_fast_notifier);
}

/* After every tunnel is gone, so no device has our handler any more. */
void npt6_tnl_fast_uninit(void)
{
	unregister_netdevice_notifier(&npt6_tnl_fast_notifier);
}
