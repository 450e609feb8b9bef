/* SPDX-License-Identifier: GPL-2.0 */
/*
 * External prefixes that follow the addresses RA or DHCPv6-PD put on the
 * external device ("nptctl add fd00::/64 auto dev ge0").
 */
#ifndef _NPT6_AUTOPREFIX_H
#define _NPT6_AUTOPREFIX_H

#include <linux/in6.h>
#include <linux/netdevice.h>
#include <linux/workqueue.h>

struct npt6_net;

bool npt6_auto_pick(struct net_device *dev, const struct in6_addr *token,
		    struct in6_addr *addr);
void npt6_auto_kick(struct npt6_net *nn, unsigned long delay);
void npt6_auto_work(struct work_struct *work);
int npt6_auto_init(void);
void npt6_auto_uninit(void);

#endif /* _NPT6_AUTOPREFIX_H */
