// SPDX-License-Identifier: GPL-2.0
/*
 * The ipip6 tunnel device's configuration: the rtnl link ops of kind
 * "npt6tnl", the endpoints the packet path (tunnel.c) reads, and the
 * local address that follows the prefix RA or DHCPv6-PD put on the
 * underlying device ("local auto token ::feed", autoprefix.c).
 *
 * A tunnel is named by its endpoints (struct npt6_tnl_id): a change is
 * worked out and checked in full first (npt6_tnl_prepare()), then
 * installed in one go (npt6_tnl_commit()), so a refused request leaves
 * the tunnel as it was and a refused new tunnel never appears.  All of it
 * runs under rtnl.
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/rtnetlink.h>

#include <uapi/linux/npt6.h>

#include "autoprefix.h"
#include "net.h"
#include "tunnel.h"

static struct rtnl_link_ops npt6_tnl_link_ops;

/* Is @dev one of our tunnels? */
bool npt6_tnl_dev(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &npt6_tnl_link_ops;
}

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
 * in npt6_net_uninit()'s rcu_barrier(), after the tunnels are gone.
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
	bucket = npt6_tnl_hash(&t->id.remote);
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
	u8 plen;

	if (!link || !npt6_auto_pick(link, token, &addr, &plen))
		return false;
	*local = addr;
	return true;
}

/*
 * Point every local auto tunnel of @net at the address it should use
 * now, or idle it.  Called by the watcher in net.c, under rtnl.
 */
void npt6_tnl_follow(struct net *net)
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
		if (!t->id.local_auto)
			continue;
		found = npt6_tnl_pick_local(net, t->id.link, &t->id.token,
					    &local);
		ends = rtnl_dereference(t->ends);
		if (found ? ends && ipv6_addr_equal(&ends->local, &local) : !ends)
			continue;
		new = NULL;
		if (found) {
			/* Out of memory: the next period tries again. */
			new = npt6_tnl_alloc_ends(&local, &t->id.remote);
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
		npt6_auto_put(npt6_net(t->net));
	t->counted_auto = false;
	if (t->fastpath) {
		struct net_device *link = __dev_get_by_index(t->net, t->id.link);

		if (link)
			npt6_tnl_fast_sync(link, t);
	}
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

	return READ_ONCE(t->id.link);
}

static const struct net_device_ops npt6_tnl_netdev_ops = {
	.ndo_init = npt6_tnl_dev_init,
	.ndo_uninit = npt6_tnl_dev_uninit,
	.ndo_start_xmit = npt6_tnl_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
	.ndo_get_iflink = npt6_tnl_get_iflink,
	.ndo_neigh_construct = npt6_tnl_neigh_construct,
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
	[IFLA_NPT6TNL_FASTPATH]	    = NLA_POLICY_MAX(NLA_U8, 1),
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
		if (!ipv6_addr_equal(&o->id.remote, &id->remote) ||
		    o->id.local_auto != id->local_auto)
			continue;
		if (id->local_auto)
			same = o->id.link == id->link &&
			       ipv6_addr_equal(&o->id.token, &id->token);
		else
			same = ipv6_addr_equal(&o->id.local, &id->local);
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
	u8 fastpath;
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
	*id = t->id;
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

	c->fastpath = t->fastpath;
	if (data[IFLA_NPT6TNL_FASTPATH])
		c->fastpath = nla_get_u8(data[IFLA_NPT6TNL_FASTPATH]);
	if (c->fastpath) {
		err = npt6_tnl_fast_check(__dev_get_by_index(t->net, id->link),
					  extack);
		if (err)
			return err;
	}

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
	int old_link = t->fastpath ? t->id.link : 0;
	struct net_device *link;

	t->id = c->id;
	npt6_tnl_set_ends(t, c->ends);
	c->ends = NULL;

	/*
	 * The receive handler follows: on the new link if the fast path is
	 * on (npt6_tnl_prepare() checked that it can be), off the old one
	 * if no other fast-path tunnel needs it there.
	 */
	WRITE_ONCE(t->fastpath, c->fastpath);
	if (old_link && old_link != t->id.link) {
		link = __dev_get_by_index(t->net, old_link);
		if (link)
			npt6_tnl_fast_sync(link, NULL);
	}
	link = __dev_get_by_index(t->net, t->id.link);
	if (link && (old_link || t->fastpath))
		npt6_tnl_fast_sync(link, NULL);

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
	if (t->id.local_auto && !t->counted_auto) {
		t->counted_auto = true;
		npt6_auto_get(nn);
	} else if (!t->id.local_auto && t->counted_auto) {
		t->counted_auto = false;
		npt6_auto_put(nn);
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
	t->hoplimit = NPT6_TNL_DEFAULT_HOPLIMIT;
	t->tclass = NPT6_TNL_DEFAULT_TCLASS;
	t->flowlabel = NPT6_TNL_DEFAULT_FLOWLABEL;
	t->encaplimit = NPT6_TNL_DEFAULT_ENCAPLIMIT;
	t->mss = NPT6_TNL_DEFAULT_MSS;

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
			   NPT6_TNL_DEFAULT_ENCAPLIMIT;

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
	       nla_total_size(sizeof(struct in6_addr)) +	/* ACTIVE_LOCAL */
	       nla_total_size(1);			/* FASTPATH */
}

static int npt6_tnl_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct npt6_tnl *t = netdev_priv(dev);
	const struct npt6_tnl_ends *ends = rtnl_dereference(t->ends);

	if (nla_put_u32(skb, IFLA_NPT6TNL_LINK, t->id.link) ||
	    nla_put_in6_addr(skb, IFLA_NPT6TNL_REMOTE, &t->id.remote) ||
	    nla_put_u8(skb, IFLA_NPT6TNL_HOPLIMIT, t->hoplimit) ||
	    nla_put_u32(skb, IFLA_NPT6TNL_TCLASS, t->tclass) ||
	    nla_put_u32(skb, IFLA_NPT6TNL_FLOWLABEL, t->flowlabel) ||
	    nla_put_u16(skb, IFLA_NPT6TNL_ENCAPLIMIT, t->encaplimit) ||
	    nla_put_u16(skb, IFLA_NPT6TNL_MSS, t->mss) ||
	    nla_put_u8(skb, IFLA_NPT6TNL_FASTPATH, t->fastpath))
		return -EMSGSIZE;
	if (t->id.local_auto) {
		if (nla_put_flag(skb, IFLA_NPT6TNL_LOCAL_AUTO) ||
		    (!ipv6_addr_any(&t->id.token) &&
		     nla_put_in6_addr(skb, IFLA_NPT6TNL_TOKEN, &t->id.token)))
			return -EMSGSIZE;
	} else if (nla_put_in6_addr(skb, IFLA_NPT6TNL_LOCAL, &t->id.local)) {
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

	err = npt6_tnl_fast_init();
	if (err)
		return err;
	err = rtnl_link_register(&npt6_tnl_link_ops);
	if (err)
		goto err_fast;
	err = npt6_tnl_rcv_register();
	if (err) {
		pr_err("cannot register the ipip6 receive handler: %d\n", err);
		goto err_link;
	}
	return 0;

err_link:
	rtnl_link_unregister(&npt6_tnl_link_ops);
err_fast:
	npt6_tnl_fast_uninit();
	return err;
}

void npt6_tnl_uninit(void)
{
	/*
	 * Stop receiving first, then take every tunnel down, which takes
	 * the fast path's receive handlers off their devices.
	 */
	npt6_tnl_rcv_unregister();
	rtnl_link_unregister(&npt6_tnl_link_ops);
	npt6_tnl_fast_uninit();
}

MODULE_ALIAS_RTNL_LINK(NPT6_TNL_KIND);
