// SPDX-License-Identifier: GPL-2.0
/*
 * Delegated prefixes, as the DHCPv6-PD client announces them in the
 * routing table.  dhcpcd and systemd-networkd both install a route of
 * protocol dhcp that drops what the router has no more specific route
 * for (unreachable, or prohibit or blackhole if so configured) for the
 * whole delegated prefix, whether or not they put any of it on a device;
 * that route appears and goes with the lease.  An "auto pd" mapping
 * follows it: its external prefix is a subnet of the newest such route
 * in the main table (autoprefix.c's job for an address, ours for a
 * route).
 *
 * We learn the routes from a FIB notifier, which replays the table when
 * registered and then reports each change, in atomic context.  Only the
 * namespaces that have an auto pd mapping register one: every route
 * change of a router with a full table would pass through it.
 * register_fib_notifier() takes rtnl itself, and mappings change under
 * rtnl, so a work item registers and unregisters the notifier; the
 * watcher in net.c looks again once it is in place.
 */

#include <linux/rtnetlink.h>
#include <net/fib_notifier.h>
#include <net/ip6_fib.h>
#include <net/ipv6.h>

#include "net.h"
#include "pdroute.h"

/* Is @rt the route a PD client installs for a delegated prefix? */
static bool npt6_pd_route(const struct fib6_info *rt)
{
	if (rt->fib6_protocol != RTPROT_DHCP ||
	    !rt->fib6_table || rt->fib6_table->tb6_id != RT6_TABLE_MAIN)
		return false;
	if (rt->fib6_type != RTN_UNREACHABLE && rt->fib6_type != RTN_PROHIBIT &&
	    rt->fib6_type != RTN_BLACKHOLE)
		return false;
	return rt->fib6_dst.plen >= 1 && rt->fib6_dst.plen <= 64;
}

/* The entry for @pfx/@len, or -1.  Under @set->lock. */
static int npt6_pd_find(const struct npt6_pd_set *set,
			const struct in6_addr *pfx, u8 len)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		if (set->pd[i].len == len && ipv6_addr_equal(&set->pd[i].pfx, pfx))
			return i;
	return -1;
}

/* Learn (@add) or forget @pfx/@len.  Any context.  Did anything change? */
static bool npt6_pd_update(struct npt6_pd_set *set, const struct in6_addr *pfx,
			   u8 len, bool add)
{
	unsigned int i, oldest = 0;
	bool changed = false;
	int k;

	spin_lock_bh(&set->lock);
	k = npt6_pd_find(set, pfx, len);
	if (!add && k >= 0) {
		set->pd[k] = set->pd[--set->n];
		changed = true;
	} else if (add && k < 0) {
		if (set->n == NPT6_PD_MAX) {
			for (i = 1; i < set->n; i++)
				if (set->pd[i].seq < set->pd[oldest].seq)
					oldest = i;
			k = oldest;
		} else {
			k = set->n++;
		}
		set->pd[k].pfx = *pfx;
		set->pd[k].len = len;
		set->pd[k].seq = ++set->seq;
		changed = true;
	}
	spin_unlock_bh(&set->lock);
	return changed;
}

static int npt6_pd_fib_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct npt6_pd_set *set = container_of(nb, struct npt6_pd_set, nb);
	struct npt6_net *nn = container_of(set, struct npt6_net, pd);
	struct fib_notifier_info *info = ptr;
	struct fib6_entry_notifier_info *fen;
	const struct fib6_info *rt;

	if (info->family != AF_INET6)
		return NOTIFY_DONE;
	switch (event) {
	case FIB_EVENT_ENTRY_REPLACE:
	case FIB_EVENT_ENTRY_APPEND:
	case FIB_EVENT_ENTRY_ADD:
	case FIB_EVENT_ENTRY_DEL:
		break;
	default:
		return NOTIFY_DONE;
	}
	fen = container_of(info, struct fib6_entry_notifier_info, info);
	rt = fen->rt;
	/*
	 * The notifier reports the route in use for a prefix.  When another
	 * one takes the place of a PD route, the delegated prefix is gone.
	 */
	if (npt6_pd_update(set, &rt->fib6_dst.addr, rt->fib6_dst.plen,
			   event != FIB_EVENT_ENTRY_DEL && npt6_pd_route(rt)))
		npt6_auto_kick(nn, NPT6_AUTO_SETTLE);
	return NOTIFY_DONE;
}

/* The replay was not consistent: it is replayed again from scratch. */
static void npt6_pd_forget_all(struct notifier_block *nb)
{
	struct npt6_pd_set *set = container_of(nb, struct npt6_pd_set, nb);

	spin_lock_bh(&set->lock);
	set->n = 0;
	spin_unlock_bh(&set->lock);
}

/* Have the notifier registered exactly while some mapping needs it. */
static void npt6_pd_work(struct work_struct *work)
{
	struct npt6_pd_set *set = container_of(work, struct npt6_pd_set, work);
	struct npt6_net *nn = container_of(set, struct npt6_net, pd);
	bool want = READ_ONCE(set->users);
	int err;

	mutex_lock(&set->reg_lock);
	if (want && !set->registered) {
		err = register_fib_notifier(nn->net, &set->nb,
					    npt6_pd_forget_all, NULL);
		if (err)
			net_warn_ratelimited("npt6: cannot follow delegated prefixes in the routing table: %d\n",
					     err);
		else
			set->registered = true;
		npt6_auto_kick(nn, 0);
	} else if (!want && set->registered) {
		unregister_fib_notifier(nn->net, &set->nb);
		set->registered = false;
		npt6_pd_forget_all(&set->nb);
	}
	mutex_unlock(&set->reg_lock);
}

void npt6_pd_init(struct npt6_net *nn)
{
	struct npt6_pd_set *set = &nn->pd;

	spin_lock_init(&set->lock);
	mutex_init(&set->reg_lock);
	set->nb.notifier_call = npt6_pd_fib_event;
	INIT_WORK(&set->work, npt6_pd_work);
}

/* The namespace is going; its mappings are gone.  Not under rtnl. */
void npt6_pd_exit(struct npt6_net *nn)
{
	struct npt6_pd_set *set = &nn->pd;

	cancel_work_sync(&set->work);
	mutex_lock(&set->reg_lock);
	if (set->registered)
		unregister_fib_notifier(nn->net, &set->nb);
	set->registered = false;
	mutex_unlock(&set->reg_lock);
}

/* An auto pd mapping comes, or goes.  Under rtnl. */
void npt6_pd_get(struct npt6_net *nn)
{
	ASSERT_RTNL();
	WRITE_ONCE(nn->pd.users, nn->pd.users + 1);
	if (nn->pd.users == 1)
		schedule_work(&nn->pd.work);
}

void npt6_pd_put(struct npt6_net *nn)
{
	ASSERT_RTNL();
	if (WARN_ON_ONCE(!nn->pd.users))
		return;
	WRITE_ONCE(nn->pd.users, nn->pd.users - 1);
	if (!nn->pd.users)
		schedule_work(&nn->pd.work);
}

/*
 * The newest delegated prefix no longer than @plen, if any.  With more
 * than one (a second PD, or the old one not yet expired after a
 * renumbering), the one learnt last.  Any context.
 */
bool npt6_pd_pick(struct npt6_net *nn, u8 plen, struct in6_addr *pfx,
		  u8 *len)
{
	struct npt6_pd_set *set = &nn->pd;
	const struct npt6_pd *best = NULL;
	unsigned int i;

	spin_lock_bh(&set->lock);
	for (i = 0; i < set->n; i++)
		if (set->pd[i].len <= plen &&
		    (!best || set->pd[i].seq > best->seq))
			best = &set->pd[i];
	if (best) {
		*pfx = best->pfx;
		*len = best->len;
	}
	spin_unlock_bh(&set->lock);
	return best;
}
