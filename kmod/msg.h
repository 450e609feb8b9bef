/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A mapping as a netlink message, for replies, dumps and events.
 */
#ifndef _NPT6_MSG_H
#define _NPT6_MSG_H

#include <linux/in6.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <linux/types.h>

struct net;
struct npt6_map;

int npt6_msg_fill_map(struct sk_buff *skb, const struct npt6_map *map,
		      u32 portid, u32 seq, int flags, u8 cmd,
		      struct netlink_callback *cb);
void npt6_msg_notify(struct net *net, const struct npt6_map *map, u8 cmd,
		     const struct in6_addr *old_ext);

#endif /* _NPT6_MSG_H */
