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
 * Receive goes through a tunnel6 handler for IPPROTO_IPIP registered
 * ahead of ip6_tunnel's: packets whose outer addresses are not one of our
 * tunnels' (remote, local) are left to ip6_tunnel, untouched.
 *
 * Locking: configuration changes run under rtnl.  The packet path reads
 * the tunnel's endpoints through an RCU pointer and its scalar settings
 * with READ_ONCE(); it never takes a lock.
 */

#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
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
#include <net/rtnetlink.h>
#include <net/tcp.h>
#include <net/xfrm.h>

#include <uapi/linux/npt6.h>

#include "autoprefix.h"
#include "map.h"
#include "tunnel.h"

/*
 * Where the endpoints live, swapped whole so readers never see half.  The
 * route to the remote is cached here too, not in the tunnel: a transmit
 * that still holds the old endpoints after a change can then only fill
 * the old cache, which goes with them, never leave the old remote's route
 * in the cache the new endpoints use.
 */
struct npt6_tnl_ends {
	struct in6_addr local;
	struct in6_addr remote;
	struct dst_cache dst_cache;	/* outer routes of unmarked packets */
	struct rcu_head rcu;
};

struct npt6_tnl {
	struct hlist_node hash;		/* npt6_net.tnl_hash, by remote */
	unsigned int bucket;		/* which one, while hashed */
	struct net_device *dev;
	struct net *net;
	struct npt6_tnl_ends __rcu *ends;	/* NULL: no local address yet */
	struct gro_cells gro_cells;

	/* Configuration, written under rtnl, read with READ_ONCE(). */
	int link;
	struct in6_addr remote;
	struct in6_addr local;		/* the fixed one, or :: with local_auto */
	struct in6_addr token;
	bool local_auto;
	bool counted_auto;		/* counted in npt6_net.nauto */
	u8 hoplimit;
	u32 tclass;
	u32 flowlabel;
	u16 encaplimit;
	u16 mss;
};

/* RFC 2473 section 4.1.1: Tunnel Encapsulation Limit, padded to 8 bytes. */
#define NPT6_TNL_ELIM_LEN	8

static struct rtnl_link_ops npt6_tnl_link_ops;

static unsigned int npt6_tnl_hash(const struct in6_addr *remote)
{
	return ipv6_addr_hash(remote) & (NPT6_TNL_HASH_SIZE - 1);
}

/* Under rcu_read_lock(). */
static struct npt6_tnl *npt6_tnl_lookup(struct net *net,
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

static unsigned int npt6_tnl_hlen(u16 encaplimit)
{
	return sizeof(struct ipv6hdr) +
	       (encaplimit == NPT6_TNL_ENCAPLIMIT_NONE ? 0 : NPT6_TNL_ELIM_LEN);
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

static int npt6_tnl_xmit_frag(struct net *net, struct sock *sk,
			      struct sk_buff *skb);
static netdev_tx_t npt6_tnl_xmit_segs(struct sk_buff *skb,
				      struct net_device *dev);

static netdev_tx_t npt6_tnl_xmit(struct sk_buff *skb, struct net_device *dev)
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
	if (cfg_label == NPT6_TNL_INHERIT)
		label = ip6_make_flowlabel(t->net, skb, 0, true, &fl6);
	else
		label = htonl(cfg_label);

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

/* tunnel6 handler for IPPROTO_IPIP; skb->data is the inner IPv4 header. */
static int npt6_tnl_rcv(struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	const struct iphdr *iph;
	struct npt6_tnl *t;
	unsigned int mss;
	u8 outer_ds;
	int err;

	t = npt6_tnl_lookup(dev_net(skb->dev), &ip6h->saddr, &ip6h->daddr);
	if (!t)
		return -1;	/* not ours: ip6_tunnel's turn */
	/* The pulls below may move the headers: keep what we need now. */
	outer_ds = ipv6_get_dsfield(ip6h);

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
	gro_cells_receive(&t->gro_cells, skb);
	return 0;

drop_err:
	DEV_STATS_INC(t->dev, rx_errors);
drop:
	DEV_STATS_INC(t->dev, rx_dropped);
	kfree_skb(skb);
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

static struct npt6_tnl_ends *npt6_tnl_alloc_ends(const struct in6_addr *local,
						 const struct in6_addr *remote)
{
	struct npt6_tnl_ends *ends = kzalloc(sizeof(*ends), GFP_KERNEL);

	if (!ends)
		return NULL;
	if (dst_cache_init(&ends->dst_cache, GFP_KERNEL)) {
		kfree(ends);
		return NULL;
	}
	ends->local = *local;
	ends->remote = *remote;
	return ends;
}

/* Endpoints nobody has seen yet, or no longer can: NULL is fine. */
static void npt6_tnl_free_ends(struct npt6_tnl_ends *ends)
{
	if (!ends)
		return;
	dst_cache_destroy(&ends->dst_cache);
	kfree(ends);
}

/*
 * Transmits on other CPUs may still use, and fill, the cache of endpoints
 * we replaced: destroy it only after them.  Module unload waits for these
 * in npt6_map_uninit()'s rcu_barrier(), after the tunnels are gone.
 */
static void npt6_tnl_free_ends_rcu(struct rcu_head *head)
{
	npt6_tnl_free_ends(container_of(head, struct npt6_tnl_ends, rcu));
}

/*
 * Point the tunnel at @ends (from npt6_tnl_alloc_ends(), ours from now
 * on), or at nothing.  Cannot fail, so that newlink can call it after
 * register_netdevice() with nothing to unwind.  Under rtnl.
 *
 * A tunnel without a local address (local auto before the RA) has no
 * carrier: routing daemons and `ip link` see it down, instead of a
 * device that takes packets only to count errors.
 */
static void npt6_tnl_set_ends(struct npt6_tnl *t, struct npt6_tnl_ends *ends)
{
	struct npt6_tnl_ends *old;
	unsigned int bucket;

	ASSERT_RTNL();
	old = rtnl_dereference(t->ends);
	rcu_assign_pointer(t->ends, ends);
	bucket = npt6_tnl_hash(&t->remote);
	if (hlist_unhashed(&t->hash) || bucket != t->bucket) {
		/*
		 * A reader standing on our node must not be led into the new
		 * bucket and miss the rest of the old one: let it leave first.
		 */
		if (!hlist_unhashed(&t->hash)) {
			hlist_del_init_rcu(&t->hash);
			synchronize_net();
		}
		t->bucket = bucket;
		hlist_add_head_rcu(&t->hash, &npt6_net(t->net)->tnl_hash[bucket]);
	}
	if (ends)
		netif_carrier_on(t->dev);
	else
		netif_carrier_off(t->dev);
	if (old)
		call_rcu(&old->rcu, npt6_tnl_free_ends_rcu);
}

/*
 * The local address an auto tunnel over @ifindex with @token should use
 * now, if any.  Under rtnl.
 */
static bool npt6_tnl_pick_local(struct net *net, int ifindex,
				const struct in6_addr *token,
				struct in6_addr *local)
{
	struct net_device *link = __dev_get_by_index(net, ifindex);
	struct in6_addr addr;

	if (!link || !npt6_auto_pick(link, token, &addr))
		return false;
	*local = addr;
	return true;
}

/* Called by the auto-prefix watcher, under rtnl. */
void npt6_tnl_auto_update(struct net *net)
{
	const struct npt6_tnl_ends *ends;
	struct npt6_tnl_ends *new;
	struct net_device *dev;
	struct in6_addr local;
	struct npt6_tnl *t;
	bool found;

	ASSERT_RTNL();
	for_each_netdev(net, dev) {
		if (dev->rtnl_link_ops != &npt6_tnl_link_ops)
			continue;
		t = netdev_priv(dev);
		if (!t->local_auto)
			continue;
		found = npt6_tnl_pick_local(net, t->link, &t->token, &local);
		ends = rtnl_dereference(t->ends);
		if (found ? ends && ipv6_addr_equal(&ends->local, &local) : !ends)
			continue;
		new = NULL;
		if (found) {
			/* Out of memory: the next period tries again. */
			new = npt6_tnl_alloc_ends(&local, &t->remote);
			if (!new)
				continue;
			netdev_info(dev, "local address now %pI6c\n", &local);
		} else {
			netdev_info(dev, "no local address on the link; tunnel idle\n");
		}
		npt6_tnl_set_ends(t, new);
	}
}

static int npt6_tnl_dev_init(struct net_device *dev)
{
	struct npt6_tnl *t = netdev_priv(dev);
	int err;

	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;
	err = gro_cells_init(&t->gro_cells, dev);
	if (err)
		goto err_stats;
	return 0;

err_stats:
	free_percpu(dev->tstats);
	dev->tstats = NULL;
	return err;
}

/* Unlinked here; freed in npt6_tnl_free() once nobody can reach it. */
static void npt6_tnl_dev_uninit(struct net_device *dev)
{
	struct npt6_tnl *t = netdev_priv(dev);
	struct npt6_tnl_ends *ends = rtnl_dereference(t->ends);

	hlist_del_init_rcu(&t->hash);
	RCU_INIT_POINTER(t->ends, NULL);
	if (ends)
		call_rcu(&ends->rcu, npt6_tnl_free_ends_rcu);
	if (t->counted_auto)
		npt6_net(t->net)->nauto--;
	t->counted_auto = false;
	pr_debug("tunnel %s destroyed\n", dev->name);
}

static void npt6_tnl_free(struct net_device *dev)
{
	struct npt6_tnl *t = netdev_priv(dev);

	gro_cells_destroy(&t->gro_cells);
	free_percpu(dev->tstats);
}

static int npt6_tnl_get_iflink(const struct net_device *dev)
{
	const struct npt6_tnl *t = netdev_priv(dev);

	return READ_ONCE(t->link);
}

static const struct net_device_ops npt6_tnl_netdev_ops = {
	.ndo_init = npt6_tnl_dev_init,
	.ndo_uninit = npt6_tnl_dev_uninit,
	.ndo_start_xmit = npt6_tnl_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
	.ndo_get_iflink = npt6_tnl_get_iflink,
};

#define NPT6_TNL_FEATURES (NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HIGHDMA | \
			   NETIF_F_GSO_SOFTWARE | NETIF_F_HW_CSUM)

static void npt6_tnl_setup(struct net_device *dev)
{
	dev->netdev_ops = &npt6_tnl_netdev_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = npt6_tnl_free;
	dev->type = ARPHRD_TUNNEL6;
	dev->flags = IFF_NOARP | IFF_POINTOPOINT;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->addr_len = 0;
	dev->mtu = ETH_DATA_LEN - sizeof(struct ipv6hdr);
	dev->min_mtu = IPV4_MIN_MTU;
	dev->max_mtu = IP6_MAX_MTU - sizeof(struct ipv6hdr) - NPT6_TNL_ELIM_LEN;
	/*
	 * Room for an Ethernet header and ours; npt6_tnl_xmit() raises it
	 * when the route goes out of something that needs more.  Asking for
	 * LL_MAX_HEADER up front, as we once did, made IPv4 forwarding
	 * reallocate the head of every packet routed into the tunnel.
	 */
	dev->needed_headroom = ETH_HLEN + sizeof(struct ipv6hdr);
	/*
	 * Transmit needs no queue lock: it only reads RCU-protected state.
	 * The tunnel's outer packets belong to the namespace it was made in,
	 * so it cannot move to another one.
	 */
	npt6_netdev_set_lltx(dev);
	npt6_netdev_set_netns_immutable(dev);
	dev->features |= NPT6_TNL_FEATURES;
	dev->hw_features |= NPT6_TNL_FEATURES;
	netif_keep_dst(dev);
}

static const struct nla_policy npt6_tnl_policy[IFLA_NPT6TNL_MAX + 1] = {
	[IFLA_NPT6TNL_LINK]	    = NLA_POLICY_MIN(NLA_U32, 1),
	[IFLA_NPT6TNL_REMOTE]	    = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_NPT6TNL_LOCAL]	    = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_NPT6TNL_LOCAL_AUTO]   = { .type = NLA_FLAG },
	[IFLA_NPT6TNL_TOKEN]	    = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_NPT6TNL_HOPLIMIT]	    = NLA_POLICY_MIN(NLA_U8, 1),
	[IFLA_NPT6TNL_TCLASS]	    = { .type = NLA_U32 },
	[IFLA_NPT6TNL_FLOWLABEL]    = { .type = NLA_U32 },
	[IFLA_NPT6TNL_ENCAPLIMIT]   = { .type = NLA_U16 },
	[IFLA_NPT6TNL_MSS]	    = { .type = NLA_U16 },
	[IFLA_NPT6TNL_ACTIVE_LOCAL] = { .type = NLA_REJECT,
					.reject_message = "Reported, not accepted" },
};

/* Checks that need no state; the rest happens in newlink/changelink. */
static int npt6_tnl_validate(struct nlattr *tb[], struct nlattr *data[],
			     struct netlink_ext_ack *extack)
{
	struct nlattr *nla;
	u32 v;

	if (!data)
		return 0;
	nla = data[IFLA_NPT6TNL_REMOTE];
	if (nla) {
		struct in6_addr a = nla_get_in6_addr(nla);
		int type = ipv6_addr_type(&a);

		if (!(type & IPV6_ADDR_UNICAST) || (type & IPV6_ADDR_MAPPED)) {
			NL_SET_ERR_MSG_ATTR(extack, nla, "Remote must be a unicast IPv6 address");
			return -EINVAL;
		}
		/*
		 * A link-local address names a host only together with a
		 * link, and we have none to give: the outer route lookup
		 * leaves the output device to the routing table, where
		 * fe80::/64 is on every link, and receive matches addresses
		 * alone.  The packets would leave through whichever link
		 * the table lists first.
		 */
		if (type & IPV6_ADDR_LINKLOCAL) {
			NL_SET_ERR_MSG_ATTR(extack, nla, "Remote must not be link-local");
			return -EINVAL;
		}
	}
	/* "local auto" is its own flag: :: is no local address. */
	nla = data[IFLA_NPT6TNL_LOCAL];
	if (nla) {
		struct in6_addr a = nla_get_in6_addr(nla);
		int type = ipv6_addr_type(&a);

		if (!(type & IPV6_ADDR_UNICAST) || (type & IPV6_ADDR_MAPPED)) {
			NL_SET_ERR_MSG_ATTR(extack, nla, "Local must be a unicast IPv6 address");
			return -EINVAL;
		}
	}
	if (data[IFLA_NPT6TNL_LOCAL] && data[IFLA_NPT6TNL_LOCAL_AUTO]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_NPT6TNL_LOCAL],
				    "Give a local address or auto, not both");
		return -EINVAL;
	}
	nla = data[IFLA_NPT6TNL_TOKEN];
	if (nla) {
		struct in6_addr a = nla_get_in6_addr(nla);

		if (a.s6_addr32[0] || a.s6_addr32[1]) {
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "A token is an interface ID: its first 64 bits must be zero");
			return -EINVAL;
		}
	}
	nla = data[IFLA_NPT6TNL_TCLASS];
	if (nla) {
		v = nla_get_u32(nla);
		if (v > 0xff && v != NPT6_TNL_INHERIT) {
			NL_SET_ERR_MSG_ATTR(extack, nla, "Traffic class is 0..255 or inherit");
			return -ERANGE;
		}
	}
	nla = data[IFLA_NPT6TNL_FLOWLABEL];
	if (nla) {
		v = nla_get_u32(nla);
		if (v > 0xfffff && v != NPT6_TNL_INHERIT) {
			NL_SET_ERR_MSG_ATTR(extack, nla, "Flow label is 0..0xfffff or inherit");
			return -ERANGE;
		}
	}
	nla = data[IFLA_NPT6TNL_ENCAPLIMIT];
	if (nla && nla_get_u16(nla) > 0xff &&
	    nla_get_u16(nla) != NPT6_TNL_ENCAPLIMIT_NONE) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "Encapsulation limit is 0..255 or none");
		return -ERANGE;
	}
	nla = data[IFLA_NPT6TNL_MSS];
	if (nla && nla_get_u16(nla) && nla_get_u16(nla) < 88 &&
	    nla_get_u16(nla) != NPT6_TNL_MSS_AUTO) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "MSS is off, auto or at least 88");
		return -ERANGE;
	}
	return 0;
}

/* What names a tunnel's endpoints; changed all together or not at all. */
struct npt6_tnl_id {
	int link;
	struct in6_addr remote;
	struct in6_addr local;
	struct in6_addr token;
	bool local_auto;
};

/*
 * Two tunnels with the same endpoints would fight over received packets:
 * refuse a fixed pair that another tunnel has, or the same auto recipe.
 * Two auto tunnels can still meet on one address after a renumbering; the
 * newer one then receives, as the lookup finds it first.
 */
static int npt6_tnl_check_dup(const struct npt6_tnl *t,
			      const struct npt6_tnl_id *id,
			      struct netlink_ext_ack *extack)
{
	const struct npt6_tnl *o;
	struct net_device *dev;
	bool same;

	for_each_netdev(t->net, dev) {
		if (dev->rtnl_link_ops != &npt6_tnl_link_ops || dev == t->dev)
			continue;
		o = netdev_priv(dev);
		if (!ipv6_addr_equal(&o->remote, &id->remote) ||
		    o->local_auto != id->local_auto)
			continue;
		if (id->local_auto)
			same = o->link == id->link &&
			       ipv6_addr_equal(&o->token, &id->token);
		else
			same = ipv6_addr_equal(&o->local, &id->local);
		if (same) {
			NL_SET_ERR_MSG(extack, "Another tunnel has these endpoints");
			return -EEXIST;
		}
	}
	return 0;
}

/* A checked change, ready to be committed: nothing in it can fail. */
struct npt6_tnl_change {
	struct npt6_tnl_id id;
	struct npt6_tnl_ends *ends;	/* NULL: no local address yet */
};

/*
 * Work out what @data on top of @t's current settings gives, and check
 * and allocate everything that could fail, changing nothing: newlink
 * does this before register_netdevice(), so that a refused tunnel never
 * appears, and changelink so that a refused change leaves the tunnel as
 * it was.  The caller owns @c->ends until npt6_tnl_commit().  Under rtnl.
 */
static int npt6_tnl_prepare(const struct npt6_tnl *t, struct nlattr *data[],
			    struct npt6_tnl_change *c,
			    struct netlink_ext_ack *extack)
{
	struct npt6_tnl_id *id = &c->id;
	struct in6_addr local;
	int err;

	c->ends = NULL;
	*id = (struct npt6_tnl_id) {
		.link = t->link, .remote = t->remote, .local = t->local,
		.token = t->token, .local_auto = t->local_auto,
	};
	if (data[IFLA_NPT6TNL_LINK]) {
		id->link = nla_get_u32(data[IFLA_NPT6TNL_LINK]);
		if (!__dev_get_by_index(t->net, id->link)) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_NPT6TNL_LINK],
					    "No such device in this network namespace");
			return -ENODEV;
		}
	}
	if (data[IFLA_NPT6TNL_REMOTE])
		id->remote = nla_get_in6_addr(data[IFLA_NPT6TNL_REMOTE]);
	if (data[IFLA_NPT6TNL_LOCAL]) {
		id->local = nla_get_in6_addr(data[IFLA_NPT6TNL_LOCAL]);
		id->local_auto = false;
	}
	if (data[IFLA_NPT6TNL_LOCAL_AUTO]) {
		id->local = in6addr_any;
		id->local_auto = true;
	}
	if (data[IFLA_NPT6TNL_TOKEN])
		id->token = nla_get_in6_addr(data[IFLA_NPT6TNL_TOKEN]);
	if (!id->local_auto && !ipv6_addr_any(&id->token)) {
		NL_SET_ERR_MSG(extack, "A token needs local auto");
		return -EINVAL;
	}
	if (ipv6_addr_any(&id->remote) || !id->link ||
	    (!id->local_auto && ipv6_addr_any(&id->local))) {
		NL_SET_ERR_MSG(extack, "Need remote, local (or auto) and dev");
		return -EINVAL;
	}

	err = npt6_tnl_check_dup(t, id, extack);
	if (err)
		return err;

	if (id->local_auto) {
		if (!npt6_tnl_pick_local(t->net, id->link, &id->token, &local))
			return 0;
	} else {
		local = id->local;
	}
	c->ends = npt6_tnl_alloc_ends(&local, &id->remote);
	return c->ends ? 0 : -ENOMEM;
}

/*
 * Install a change from npt6_tnl_prepare(), and the settings in @data
 * that cannot be wrong once validated.  Cannot fail.  Under rtnl, on a
 * registered device: npt6_tnl_set_ends() needs what ndo_init set up.
 */
static void npt6_tnl_commit(struct npt6_tnl *t, struct nlattr *data[],
			    struct npt6_tnl_change *c)
{
	struct npt6_net *nn = npt6_net(t->net);

	WRITE_ONCE(t->link, c->id.link);
	t->remote = c->id.remote;
	t->local = c->id.local;
	t->token = c->id.token;
	t->local_auto = c->id.local_auto;
	npt6_tnl_set_ends(t, c->ends);
	c->ends = NULL;

	if (data[IFLA_NPT6TNL_HOPLIMIT])
		WRITE_ONCE(t->hoplimit, nla_get_u8(data[IFLA_NPT6TNL_HOPLIMIT]));
	if (data[IFLA_NPT6TNL_TCLASS])
		WRITE_ONCE(t->tclass, nla_get_u32(data[IFLA_NPT6TNL_TCLASS]));
	if (data[IFLA_NPT6TNL_FLOWLABEL])
		WRITE_ONCE(t->flowlabel, nla_get_u32(data[IFLA_NPT6TNL_FLOWLABEL]));
	if (data[IFLA_NPT6TNL_ENCAPLIMIT])
		WRITE_ONCE(t->encaplimit, nla_get_u16(data[IFLA_NPT6TNL_ENCAPLIMIT]));
	if (data[IFLA_NPT6TNL_MSS])
		WRITE_ONCE(t->mss, nla_get_u16(data[IFLA_NPT6TNL_MSS]));

	/* The auto-prefix watcher runs while someone needs it. */
	if (t->local_auto && !t->counted_auto) {
		t->counted_auto = true;
		if (!nn->nauto++)
			npt6_auto_kick(nn, 0);
	} else if (!t->local_auto && t->counted_auto) {
		t->counted_auto = false;
		nn->nauto--;
	}
}

static int npt6_tnl_newlink(struct net_device *dev,
			    struct rtnl_newlink_params *params,
			    struct netlink_ext_ack *extack)
{
	struct npt6_tnl *t = netdev_priv(dev);
	struct nlattr **data = params->data;
	struct nlattr **tb = params->tb;
	struct npt6_tnl_change c;
	struct net_device *link;
	int err;

	if (!data) {
		NL_SET_ERR_MSG(extack, "Need remote, local (or auto) and dev");
		return -EINVAL;
	}
	t->dev = dev;
	t->net = dev_net(dev);
	INIT_HLIST_NODE(&t->hash);
	t->hoplimit = 64;
	t->tclass = NPT6_TNL_INHERIT;
	t->flowlabel = NPT6_TNL_INHERIT;
	t->encaplimit = NPT6_TNL_ENCAPLIMIT_NONE;
	t->mss = NPT6_TNL_MSS_AUTO;

	/*
	 * Everything that can fail comes before register_netdevice(): once
	 * registered, the device has been announced to every netdevice
	 * notifier, and undoing that is an unregistration for all to see.
	 */
	err = npt6_tnl_prepare(t, data, &c, extack);
	if (err)
		return err;

	link = __dev_get_by_index(t->net, c.id.link);
	if (link && !tb[IFLA_MTU]) {
		u16 elim = data[IFLA_NPT6TNL_ENCAPLIMIT] ?
			   nla_get_u16(data[IFLA_NPT6TNL_ENCAPLIMIT]) :
			   NPT6_TNL_ENCAPLIMIT_NONE;

		dev->mtu = max_t(int, link->mtu - npt6_tnl_hlen(elim),
				 IPV4_MIN_MTU);
	}

	/*
	 * Without a local address the device is born without carrier.
	 * Said before registration, registration itself makes it
	 * operationally down; said after, linkwatch would do so only up
	 * to a second later, and `ip link` would show it running till then.
	 */
	if (!c.ends)
		netif_carrier_off(dev);

	err = register_netdevice(dev);
	if (err) {
		npt6_tnl_free_ends(c.ends);
		return err;
	}
	npt6_tnl_commit(t, data, &c);
	pr_debug("tunnel %s created\n", dev->name);
	return 0;
}

/* Kernels before 6.15 pass newlink's parameters one by one: compat.h. */
NPT6_RTNL_NEWLINK_ADAPTER(npt6_tnl_newlink)

static int npt6_tnl_changelink(struct net_device *dev, struct nlattr *tb[],
			       struct nlattr *data[],
			       struct netlink_ext_ack *extack)
{
	struct npt6_tnl *t = netdev_priv(dev);
	struct npt6_tnl_change c;
	int err;

	if (!data)
		return 0;
	err = npt6_tnl_prepare(t, data, &c, extack);
	if (err)
		return err;
	npt6_tnl_commit(t, data, &c);
	return 0;
}

static size_t npt6_tnl_get_size(const struct net_device *dev)
{
	return nla_total_size(4) +			/* LINK */
	       nla_total_size(sizeof(struct in6_addr)) +	/* REMOTE */
	       nla_total_size(sizeof(struct in6_addr)) +	/* LOCAL */
	       nla_total_size(0) +			/* LOCAL_AUTO */
	       nla_total_size(sizeof(struct in6_addr)) +	/* TOKEN */
	       nla_total_size(1) +			/* HOPLIMIT */
	       nla_total_size(4) +			/* TCLASS */
	       nla_total_size(4) +			/* FLOWLABEL */
	       nla_total_size(2) +			/* ENCAPLIMIT */
	       nla_total_size(2) +			/* MSS */
	       nla_total_size(sizeof(struct in6_addr));	/* ACTIVE_LOCAL */
}

static int npt6_tnl_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct npt6_tnl *t = netdev_priv(dev);
	const struct npt6_tnl_ends *ends = rtnl_dereference(t->ends);

	if (nla_put_u32(skb, IFLA_NPT6TNL_LINK, t->link) ||
	    nla_put_in6_addr(skb, IFLA_NPT6TNL_REMOTE, &t->remote) ||
	    nla_put_u8(skb, IFLA_NPT6TNL_HOPLIMIT, t->hoplimit) ||
	    nla_put_u32(skb, IFLA_NPT6TNL_TCLASS, t->tclass) ||
	    nla_put_u32(skb, IFLA_NPT6TNL_FLOWLABEL, t->flowlabel) ||
	    nla_put_u16(skb, IFLA_NPT6TNL_ENCAPLIMIT, t->encaplimit) ||
	    nla_put_u16(skb, IFLA_NPT6TNL_MSS, t->mss))
		return -EMSGSIZE;
	if (t->local_auto) {
		if (nla_put_flag(skb, IFLA_NPT6TNL_LOCAL_AUTO) ||
		    (!ipv6_addr_any(&t->token) &&
		     nla_put_in6_addr(skb, IFLA_NPT6TNL_TOKEN, &t->token)))
			return -EMSGSIZE;
	} else if (nla_put_in6_addr(skb, IFLA_NPT6TNL_LOCAL, &t->local)) {
		return -EMSGSIZE;
	}
	if (ends && nla_put_in6_addr(skb, IFLA_NPT6TNL_ACTIVE_LOCAL, &ends->local))
		return -EMSGSIZE;
	return 0;
}

static struct net *npt6_tnl_get_link_net(const struct net_device *dev)
{
	const struct npt6_tnl *t = netdev_priv(dev);

	return t->net;
}

static struct rtnl_link_ops npt6_tnl_link_ops __read_mostly = {
	.kind = NPT6_TNL_KIND,
	.maxtype = IFLA_NPT6TNL_MAX,
	.policy = npt6_tnl_policy,
	.priv_size = sizeof(struct npt6_tnl),
	.setup = npt6_tnl_setup,
	.validate = npt6_tnl_validate,
	.newlink = NPT6_RTNL_NEWLINK(npt6_tnl_newlink),
	.changelink = npt6_tnl_changelink,
	.get_size = npt6_tnl_get_size,
	.fill_info = npt6_tnl_fill_info,
	.get_link_net = npt6_tnl_get_link_net,
};

int __init npt6_tnl_init(void)
{
	int err;

	err = rtnl_link_register(&npt6_tnl_link_ops);
	if (err)
		return err;
	err = xfrm6_tunnel_register(&npt6_tnl_handler, AF_INET);
	if (err) {
		pr_err("cannot register the ipip6 receive handler: %d\n", err);
		rtnl_link_unregister(&npt6_tnl_link_ops);
	}
	return err;
}

void npt6_tnl_uninit(void)
{
	/* Stop receiving first, then take every tunnel down. */
	xfrm6_tunnel_deregister(&npt6_tnl_handler, AF_INET);
	rtnl_link_unregister(&npt6_tnl_link_ops);
}

MODULE_ALIAS_RTNL_LINK(NPT6_TNL_KIND);
