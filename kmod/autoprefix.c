// SPDX-License-Identifier: GPL-2.0
/*
 * Which address an auto external prefix or a local auto tunnel follows.
 * Behind Starlink or on a FLET'S line the global /64 on the external
 * device is not ours to choose: it comes from RA or DHCPv6-PD and changes
 * when the dish, the plan or the ISP says so.  This file only picks the
 * address to follow now; net.c decides when to look again, and map.c and
 * tunnel_link.c act on the answer.
 */

#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/if_inet6.h>
#include <net/ipv6.h>

#include "autoprefix.h"

static bool npt6_addr_deprecated(const struct inet6_ifaddr *ifp)
{
	return (ifp->flags & IFA_F_DEPRECATED) || !ifp->prefered_lft;
}

/* Could the external /64 come from this address? */
static bool npt6_addr_usable(const struct inet6_ifaddr *ifp,
			     const struct in6_addr *token)
{
	int type = ipv6_addr_type(&ifp->addr);

	if (!(type & IPV6_ADDR_UNICAST) ||
	    (type & (IPV6_ADDR_LINKLOCAL | IPV6_ADDR_SITELOCAL |
		     IPV6_ADDR_LOOPBACK | IPV6_ADDR_MAPPED)))
		return false;
	/* Starlink announces a ULA on the WAN too; that is not the way out. */
	if ((ifp->addr.s6_addr[0] & 0xfe) == 0xfc)
		return false;
	/* Temporary addresses share the /64 but never carry the token. */
	if (ifp->flags & (IFA_F_DADFAILED | IFA_F_TEMPORARY))
		return false;
	if (ipv6_addr_any(token))
		return true;
	return ifp->addr.s6_addr32[2] == token->s6_addr32[2] &&
	       ifp->addr.s6_addr32[3] == token->s6_addr32[3];
}

/*
 * Prefer a preferred address over a deprecated one, then the newest: a
 * renumbering RA adds the new prefix before the old one is deprecated.
 */
static bool npt6_addr_better(const struct inet6_ifaddr *a,
			     const struct inet6_ifaddr *b)
{
	if (npt6_addr_deprecated(a) != npt6_addr_deprecated(b))
		return npt6_addr_deprecated(b);
	return time_after(a->cstamp, b->cstamp);
}

/*
 * Under rtnl.  Returns false if @dev has no address to follow; else the
 * address, and the length of the prefix it is on-link in (@plen).
 */
bool npt6_auto_pick(struct net_device *dev, const struct in6_addr *token,
		    struct in6_addr *addr, u8 *plen)
{
	struct inet6_ifaddr *ifp, *best = NULL;
	struct inet6_dev *idev;

	ASSERT_RTNL();
	idev = __in6_dev_get(dev);
	if (!idev)
		return false;
	read_lock_bh(&idev->lock);
	list_for_each_entry(ifp, &idev->addr_list, if_list) {
		if (!npt6_addr_usable(ifp, token))
			continue;
		if (!best || npt6_addr_better(ifp, best))
			best = ifp;
	}
	if (best) {
		*addr = best->addr;
		*plen = best->prefix_len;
	}
	read_unlock_bh(&idev->lock);
	return best;
}
