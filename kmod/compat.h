/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included into every npt6 object (see Kbuild), so that differences
 * between kernels are handled here and nowhere else.  The core files are
 * written against the newest API; this file bends older kernels to it.
 *
 * Kbuild detects features by looking at the target kernel's headers and
 * defines NPT6_HAVE_*; we test those rather than version numbers, which
 * distribution kernels make unreliable: stable releases and vendors
 * backport the very features below.  The versions named in comments are
 * where mainline got a feature, for orientation only.
 *
 * We are included before any kernel header, so whatever needs kernel
 * types includes its headers itself, and only on kernels that need it.
 */
#ifndef _NPT6_COMPAT_H
#define _NPT6_COMPAT_H

/*
 * SNPT runs in the netfilter netdev egress hook (5.16).  Without it, the
 * SNPT half of a device's hooks becomes an IPv6 POST_ROUTING hook in the
 * device's namespace that only acts on packets leaving through that
 * device; kmod/xlat_postrouting.c explains the difference.  map.c fills
 * the egress nf_hook_ops from this, and nothing else changes.
 */
#ifdef NPT6_HAVE_NF_NETDEV_EGRESS
#define NPT6_NF_EGRESS_OPS			\
	.hook = npt6_xlat_egress,		\
	.pf = NFPROTO_NETDEV,			\
	.hooknum = NF_NETDEV_EGRESS,		\
	.priority = 0
#else
#define NPT6_NF_EGRESS_OPS			\
	.hook = npt6_xlat_postrouting,		\
	.pf = NFPROTO_IPV6,			\
	.hooknum = NF_INET_POST_ROUTING,	\
	.priority = INT_MAX	/* NF_IP6_PRI_LAST */
#endif

/*
 * The events group reveals every mapping, so joining it takes
 * CAP_NET_ADMIN over the namespace, as configuring does.  Generic netlink
 * lets anyone join a group unless its bind check says otherwise, and
 * which flag asks for the check depends on the kernel:
 *
 *   - 6.7, and 6.1/6.6 stable releases since December 2023:
 *     GENL_MCAST_CAP_NET_ADMIN in the group's flags;
 *   - 5.12 to 6.6, and 5.4/5.10 stable releases since December 2023:
 *     GENL_UNS_ADMIN_PERM in the group's flags buys the same check,
 *     ns_capable(net->user_ns, CAP_NET_ADMIN) at bind time.  6.7 gave
 *     the flags new values, so the core only ever names the new flag and
 *     we map it here;
 *   - older 5.10 releases have neither flags nor a check: anyone could
 *     listen.  We refuse to build there rather than leak.
 */
#ifndef NPT6_HAVE_GENL_MCAST_CAP
#ifdef NPT6_HAVE_GENL_MCGRP_FLAGS
#define GENL_MCAST_CAP_NET_ADMIN	GENL_UNS_ADMIN_PERM
#else
#error "npt6 needs multicast groups that can require CAP_NET_ADMIN (5.12, 5.10 stable)"
#endif
#endif

/* 6.0: GENL_REQ_ATTR_CHECK() also reports which attribute is missing. */
#ifndef NPT6_HAVE_GENL_REQ_ATTR_CHECK
#define GENL_REQ_ATTR_CHECK(info, attr) ({				\
	const struct genl_info *__info = (info);			\
	bool __missing = !__info->attrs[(attr)];			\
									\
	if (__missing)							\
		NL_SET_ERR_MSG(__info->extack,				\
			       "A required attribute is missing");	\
	__missing;							\
})
#endif

/*
 * The attributes of a dump request: genl_info_dump(cb)->attrs since 6.6.
 * The core uses nothing but ->attrs, which 6.2 to 6.5 keep in the
 * genl_info inside genl_dumpit_info, and older kernels in
 * genl_dumpit_info itself.
 */
#ifndef NPT6_HAVE_GENL_INFO_DUMP
#ifdef NPT6_HAVE_GENL_DUMPIT_INFO_INFO
#define genl_info_dump(cb)	(&genl_dumpit_info(cb)->info)
#else
#define genl_info_dump(cb)	genl_dumpit_info(cb)
#endif
#endif

/*
 * Reference tracking of devices: netdevice_tracker came in 5.17,
 * netdev_hold()/netdev_put() in 6.0.  Without them a plain reference.
 */
#ifndef NPT6_HAVE_NETDEVICE_TRACKER
struct npt6_netdevice_tracker {};
#define netdevice_tracker struct npt6_netdevice_tracker
#endif
#ifndef NPT6_HAVE_NETDEV_HOLD
#define netdev_hold(dev, tracker, gfp)	dev_hold(dev)
#define netdev_put(dev, tracker)	dev_put(dev)
#endif

/* 5.11: the ndo_get_stats64 of devices that count in dev->tstats. */
#ifndef NPT6_HAVE_DEV_GET_TSTATS64
#include <linux/netdevice.h>

static inline void dev_get_tstats64(struct net_device *dev,
				    struct rtnl_link_stats64 *s)
{
	netdev_stats_to_stats64(s, &dev->stats);
	dev_fetch_sw_netstats(s, dev->tstats);
}
#endif

/*
 * DEV_STATS_INC() (6.0, and 5.10/5.15 stable since late 2022) counts
 * atomically, for devices like ours whose transmit takes no lock.  Older
 * releases counted in plain unsigned longs, as their own tunnels do.
 */
#ifndef NPT6_HAVE_DEV_STATS_INC
#define DEV_STATS_INC(dev, field)	(++(dev)->stats.field)
#endif

/*
 * 6.12 turned the LLTX and NETNS_LOCAL feature bits into net_device
 * fields, and 6.15 renamed netns_local to netns_immutable.  A field
 * cannot be emulated, so the core sets them through these two helpers.
 */
#ifdef NPT6_HAVE_NETDEV_LLTX
#define npt6_netdev_set_lltx(dev)	((dev)->lltx = true)
#else
#define npt6_netdev_set_lltx(dev)	((dev)->features |= NETIF_F_LLTX)
#endif
#if defined(NPT6_HAVE_NETDEV_NETNS_IMMUTABLE)
#define npt6_netdev_set_netns_immutable(dev)	\
	((dev)->netns_immutable = true)
#elif defined(NPT6_HAVE_NETDEV_NETNS_LOCAL)
#define npt6_netdev_set_netns_immutable(dev)	((dev)->netns_local = true)
#else
#define npt6_netdev_set_netns_immutable(dev)	\
	((dev)->features |= NETIF_F_NETNS_LOCAL)
#endif

/*
 * 6.15 packed the arguments of rtnl_link_ops.newlink into struct
 * rtnl_newlink_params.  The core writes newlink that way; on older
 * kernels NPT6_RTNL_NEWLINK_ADAPTER(fn) defines fn's stand-in with the
 * old signature and NPT6_RTNL_NEWLINK(fn) names it.  Only src_net, tb and
 * data exist in every version of the struct, so only those are filled.
 */
#ifdef NPT6_HAVE_RTNL_NEWLINK_PARAMS
#define NPT6_RTNL_NEWLINK(fn)		fn
#define NPT6_RTNL_NEWLINK_ADAPTER(fn)
#else
struct net;
struct net_device;
struct nlattr;
struct netlink_ext_ack;

struct rtnl_newlink_params {
	struct net *src_net;
	struct nlattr **tb;
	struct nlattr **data;
};

#define NPT6_RTNL_NEWLINK(fn)		fn##_unpacked
#define NPT6_RTNL_NEWLINK_ADAPTER(fn)					\
static int fn##_unpacked(struct net *src_net, struct net_device *dev,	\
			 struct nlattr *tb[], struct nlattr *data[],	\
			 struct netlink_ext_ack *extack)		\
{									\
	struct rtnl_newlink_params params = {				\
		.src_net = src_net, .tb = tb, .data = data,		\
	};								\
									\
	return fn(dev, &params, extack);				\
}
#endif

/*
 * ip6tunnel_xmit() takes the IP6CB flags to start from since a release
 * after 6.12 (Debian's 7.2 has it); before, they always started from 0.
 * The macro must come after the real definition, which it then calls.
 */
#ifndef NPT6_HAVE_IP6TUNNEL_XMIT_FLAGS
#include <net/ip6_tunnel.h>
#define ip6tunnel_xmit(sk, skb, dev, ip6cb_flags)	\
	ip6tunnel_xmit(sk, skb, dev)
#endif

/*
 * The GSO helpers moved from linux/skbuff.h to net/gso.h in 6.5; the
 * core uses them without naming either, so we include the new home.
 */
#ifdef NPT6_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

/* kvzalloc() and kvfree() moved from linux/mm.h to linux/slab.h in 6.1. */
#ifndef NPT6_HAVE_KVZALLOC_IN_SLAB_H
#include <linux/mm.h>
#endif

#endif /* _NPT6_COMPAT_H */
