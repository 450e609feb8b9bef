// SPDX-License-Identifier: GPL-2.0
/*
 * Auto external prefixes.  Behind Starlink or on a FLET'S line the global
 * /64 on the external device is not ours to choose: it comes from RA or
 * DHCPv6-PD and changes when the dish, the plan or the ISP says so.  An
 * auto mapping takes its external /64 from an address on the device and
 * follows it.
 *
 * The kernel tells us when addresses appear and disappear (the inet6addr
 * notifier, often in softirq context while an RA is processed), but not
 * when one becomes deprecated, which is how a renumbering RA retires the
 * old prefix.  So we re-evaluate from a work item: shortly after every
 * address event, and every NPT6_AUTO_PERIOD while auto mappings exist.
 * An address event may bring the next run forward but never pushes it
 * past the periodic one, so a device whose addresses never stop changing
 * cannot starve the others.  The work runs under rtnl like every other
 * change to mappings.
 */

#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/if_inet6.h>
#include <net/ipv6.h>

#include "autoprefix.h"
#include "map.h"
#include "tunnel.h"

#define NPT6_AUTO_PERIOD	(2 * HZ)
#define NPT6_AUTO_SETTLE	(HZ / 5)

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

/* Under rtnl.  Returns false if @dev has no address to follow. */
bool npt6_auto_pick(struct net_device *dev, const struct in6_addr *token,
		    struct in6_addr *addr)
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
	if (best)
		*addr = best->addr;
	read_unlock_bh(&idev->lock);
	return best;
}

/*
 * Run the work in @delay, or at its deadline if that comes first.  Any
 * context.  The deadline is read without a lock: a stale one is from the
 * previous period and already past, which only makes this run sooner.
 */
void npt6_auto_kick(struct npt6_net *nn, unsigned long delay)
{
	unsigned long now = jiffies;
	unsigned long due = READ_ONCE(nn->auto_due);

	if (time_before(due, now + delay))
		delay = time_after(due, now) ? due - now : 0;
	mod_delayed_work(system_wq, &nn->auto_work, delay);
}

static void npt6_auto_update(struct npt6_net *nn)
{
	struct npt6_map *map, *tmp;
	struct npt6_dev *xdev;
	struct in6_addr addr;

	list_for_each_entry(xdev, &nn->devs, list) {
		/* npt6_map_set_ext() replaces the entry we stand on. */
		list_for_each_entry_safe(map, tmp, &xdev->maps, list) {
			bool found;

			if (!map->ext_auto)
				continue;
			found = npt6_auto_pick(xdev->dev, &map->token, &addr);
			if (found ? map->active && ipv6_addr_equal(&addr, &map->ext_addr) :
				    !map->active)
				continue;
			npt6_map_set_ext(nn->net, map, found ? &addr : NULL);
		}
	}
}

void npt6_auto_work(struct work_struct *work)
{
	struct npt6_net *nn = container_of(to_delayed_work(work),
					   struct npt6_net, auto_work);

	/*
	 * Before we look at any address: an event from now on must lead to
	 * another run, and it may wait up to a period for it.
	 */
	WRITE_ONCE(nn->auto_due, jiffies + NPT6_AUTO_PERIOD);
	rtnl_lock();
	if (nn->nauto) {
		npt6_auto_update(nn);
		npt6_tnl_auto_update(nn->net);
		/*
		 * An event while we ran has queued us sooner: keep that.
		 * mod_delayed_work() would push it back to the period.
		 */
		queue_delayed_work(system_wq, &nn->auto_work, NPT6_AUTO_PERIOD);
	}
	rtnl_unlock();
}

/*
 * Atomic context: only schedule.  One RA, or one "ip token set", adds or
 * re-creates several addresses in a row, in no useful order; each event
 * pushes the work back a little, so we decide once the burst is over
 * rather than follow a deprecated address for a moment.  Events on any
 * device of the namespace count, and a burst that never ends (a loop
 * adding and removing addresses, a flapping link) would push it back for
 * ever: npt6_auto_kick() stops at the periodic deadline.
 */
static int npt6_inet6addr_event(struct notifier_block *nb,
				unsigned long event, void *ptr)
{
	struct inet6_ifaddr *ifa = ptr;
	struct npt6_net *nn = npt6_net(dev_net(ifa->idev->dev));

	if (READ_ONCE(nn->nauto))
		npt6_auto_kick(nn, NPT6_AUTO_SETTLE);
	return NOTIFY_DONE;
}

static struct notifier_block npt6_inet6addr_notifier = {
	.notifier_call = npt6_inet6addr_event,
};

int npt6_auto_init(void)
{
	return register_inet6addr_notifier(&npt6_inet6addr_notifier);
}

void npt6_auto_uninit(void)
{
	unregister_inet6addr_notifier(&npt6_inet6addr_notifier);
}
