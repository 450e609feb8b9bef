// SPDX-License-Identifier: GPL-2.0
/*
 * A mapping as a netlink message: the one layout that replies, dumps and
 * the events group share.  Events come from map.c, which changes
 * mappings on its own too (a device goes away, an auto prefix moves); the
 * request handlers in netlink.c use the same layout for their answers.
 * This file calls nothing of ours but reads the family netlink.c
 * registers.
 */

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include <uapi/linux/npt6.h>

#include "map.h"
#include "msg.h"
#include "netlink.h"

/* Sum the per-cpu counters; nothing stops the packet path meanwhile. */
static void npt6_msg_read_stats(const struct npt6_map *map,
				u64 out[NPT6_DIR_MAX][NPT6_CTR_MAX],
				u64 ndp[NPT6_NDP_MAX])
{
	int cpu, dir, ctr;

	memset(out, 0, sizeof(u64) * NPT6_DIR_MAX * NPT6_CTR_MAX);
	memset(ndp, 0, sizeof(u64) * NPT6_NDP_MAX);
	for_each_possible_cpu(cpu) {
		const struct npt6_stats *s = per_cpu_ptr(map->stats, cpu);
		u64 tmp[NPT6_DIR_MAX][NPT6_CTR_MAX];
		u64 tmp_ndp[NPT6_NDP_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (dir = 0; dir < NPT6_DIR_MAX; dir++)
				for (ctr = 0; ctr < NPT6_CTR_MAX; ctr++)
					tmp[dir][ctr] = u64_stats_read(&s->ctr[dir][ctr]);
			for (ctr = 0; ctr < NPT6_NDP_MAX; ctr++)
				tmp_ndp[ctr] = u64_stats_read(&s->ndp[ctr]);
		} while (u64_stats_fetch_retry(&s->syncp, start));

		for (dir = 0; dir < NPT6_DIR_MAX; dir++)
			for (ctr = 0; ctr < NPT6_CTR_MAX; ctr++)
				out[dir][ctr] += tmp[dir][ctr];
		for (ctr = 0; ctr < NPT6_NDP_MAX; ctr++)
			ndp[ctr] += tmp_ndp[ctr];
	}
}

/*
 * A nest of @n counters; counter i is attribute @first + i (map.h keeps
 * them in the UAPI's order), padded with @pad.
 */
static int npt6_put_counters(struct sk_buff *skb, int attr, const u64 *ctr,
			     int n, int first, int pad)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		if (nla_put_u64_64bit(skb, first + i, ctr[i], pad)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int npt6_put_stats(struct sk_buff *skb, const struct npt6_map *map)
{
	u64 ctr[NPT6_DIR_MAX][NPT6_CTR_MAX];
	u64 ndp[NPT6_NDP_MAX];
	struct nlattr *nest;

	npt6_msg_read_stats(map, ctr, ndp);
	nest = nla_nest_start(skb, NPT6_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (npt6_put_counters(skb, NPT6_STATS_SNPT, ctr[NPT6_DIR_SNPT],
			      NPT6_CTR_MAX, NPT6_CTR_FIRST, NPT6_DSTATS_PAD) ||
	    npt6_put_counters(skb, NPT6_STATS_DNPT, ctr[NPT6_DIR_DNPT],
			      NPT6_CTR_MAX, NPT6_CTR_FIRST, NPT6_DSTATS_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return npt6_put_counters(skb, NPT6_A_NDP_STATS, ndp, NPT6_NDP_MAX,
				 NPT6_NDP_FIRST, NPT6_NSTATS_PAD);
}

/* What an auto mapping follows, and what it follows now or why not. */
static int npt6_put_auto(struct sk_buff *skb, const struct npt6_map *map)
{
	const struct npt6_auto_cfg *ac = &map->autocfg;

	if (nla_put_flag(skb, NPT6_A_EXT_AUTO) ||
	    (!ipv6_addr_any(&ac->token) &&
	     nla_put_in6_addr(skb, NPT6_A_TOKEN, &ac->token)) ||
	    (ac->ifindex && nla_put_u32(skb, NPT6_A_AUTO_IFINDEX, ac->ifindex)) ||
	    (ac->pd && nla_put_flag(skb, NPT6_A_AUTO_PD)) ||
	    (ac->subnet_set && nla_put_u32(skb, NPT6_A_SUBNET, ac->subnet)))
		return -EMSGSIZE;
	if (!map->active)
		return nla_put_u8(skb, NPT6_A_INACTIVE, map->inactive);
	if ((!ac->pd &&
	     nla_put_in6_addr(skb, NPT6_A_EXT_ADDR, &map->ext_addr)) ||
	    nla_put_in6_addr(skb, NPT6_A_SOURCE, &map->src_pfx) ||
	    nla_put_u8(skb, NPT6_A_SOURCE_LEN, map->src_len))
		return -EMSGSIZE;
	return 0;
}

/* What a mapping is configured as, and what is in effect. */
static int npt6_put_config(struct sk_buff *skb, const struct npt6_map *map)
{
	if (nla_put_u8(skb, NPT6_A_NDPROXY, map->ndproxy) ||
	    nla_put_u8(skb, NPT6_A_MODE, map->mode) ||
	    nla_put_u8(skb, NPT6_A_ACTIVE, map->active))
		return -EMSGSIZE;
	if (map->active &&
	    nla_put_in6_addr(skb, NPT6_A_EXT_PREFIX, &map->ext_pfx))
		return -EMSGSIZE;
	if (!map->ext_auto)
		return 0;
	return npt6_put_auto(skb, map);
}

int npt6_msg_fill_map(struct sk_buff *skb, const struct npt6_map *map,
		      u32 portid, u32 seq, int flags, u8 cmd,
		      struct netlink_callback *cb)
{
	const struct net_device *dev = map->xdev->dev;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &npt6_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, NPT6_A_IFINDEX, dev->ifindex) ||
	    nla_put_string(skb, NPT6_A_IFNAME, dev->name) ||
	    nla_put_in6_addr(skb, NPT6_A_INT_PREFIX, &map->int_pfx) ||
	    nla_put_u8(skb, NPT6_A_PREFIX_LEN, map->node.plen) ||
	    npt6_put_config(skb, map) ||
	    npt6_put_stats(skb, map)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Tell listeners on the events group that @map was added, deleted or
 * moved (@cmd); for a move, @old_ext is where it was.  Under rtnl.
 */
void npt6_msg_notify(struct net *net, const struct npt6_map *map, u8 cmd,
		     const struct in6_addr *old_ext)
{
	struct sk_buff *msg;

	/* Module unload flushes mappings after the family is gone. */
	if (!READ_ONCE(npt6_netlink_live) ||
	    !genl_has_listeners(&npt6_genl_family, net, NPT6_MCGRP_EVENTS_ID))
		return;
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (npt6_msg_fill_map(msg, map, 0, 0, 0, cmd, NULL) ||
	    (old_ext && !ipv6_addr_any(old_ext) &&
	     nla_put_in6_addr(msg, NPT6_A_OLD_EXT_PREFIX, old_ext))) {
		nlmsg_free(msg);
		return;
	}
	/* npt6_msg_fill_map() closed the message; reopen it for the extra attribute. */
	nlmsg_end(msg, nlmsg_hdr(msg));
	genlmsg_multicast_netns(&npt6_genl_family, net, msg, 0,
				NPT6_MCGRP_EVENTS_ID, GFP_KERNEL);
}
