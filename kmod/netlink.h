/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NPT6_NETLINK_H
#define _NPT6_NETLINK_H

#include <linux/in6.h>
#include <linux/types.h>

struct net;
struct npt6_map;

void npt6_netlink_notify(struct net *net, const struct npt6_map *map, u8 cmd,
			 const struct in6_addr *old_ext);
int npt6_netlink_init(void);
void npt6_netlink_uninit(void);

#endif /* _NPT6_NETLINK_H */
