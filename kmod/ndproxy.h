/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NDP proxy for translated addresses: answers the upstream router's
 * Neighbor Solicitations on the external device.
 */
#ifndef _NPT6_NDPROXY_H
#define _NPT6_NDPROXY_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>

struct in6_addr;
struct net;
struct net_device;
struct npt6_dev;
struct npt6_map;

bool npt6_ndproxy_twin_alive(struct npt6_map *map, struct net *net,
			     const struct net_device *ext,
			     const struct in6_addr *inner);

unsigned int npt6_ndproxy_ns(struct npt6_dev *xdev, struct sk_buff *skb,
			     unsigned int noff,
			     const struct nf_hook_state *state);

#endif /* _NPT6_NDPROXY_H */
