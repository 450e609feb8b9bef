/* SPDX-License-Identifier: GPL-2.0 */
/*
 * External prefixes that follow the addresses RA or DHCPv6-PD put on the
 * external device ("nptctl add fd00::/64 auto dev ge0").
 */
#ifndef _NPT6_AUTOPREFIX_H
#define _NPT6_AUTOPREFIX_H

#include <linux/in6.h>
#include <linux/netdevice.h>

bool npt6_auto_pick(struct net_device *dev, const struct in6_addr *token,
		    struct in6_addr *addr, u8 *plen);

#endif /* _NPT6_AUTOPREFIX_H */
