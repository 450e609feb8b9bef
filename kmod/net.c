// SPDX-License-Identifier: GPL-2.0
/*
 * The per-namespace core.  It owns struct npt6_net, creates and tears it
 * down with the namespace, and runs the one piece of work that acts on
 * both mappings and tunnels: following the addresses RA or DHCPv6-PD put
 * on a device.
 *
 * The kernel tells us when addresses appear and disappear (the inet6addr
 * notifier, often in softirq context while an RA is processed), but not
 * when one becomes deprecated, which is how a renumbering RA retires the
 * old prefix.  So we re-evaluate from a work item: shortly after every
 * address event, and every NPT6_AUTO_PERIOD while anything follows an
 * address.  An event may bring the next run forward but never pushes it
 * past the periodic one, so a device whose addresses never stop changing
 * cannot starve the others.  The work runs under rtnl like every other
 * change to mappings and tunnels.
 *
 * The same notifier keeps the packet path's snapshot of our own addresses
 * current (localaddr.c): one registration, two consumers.  Delegated
 * prefixes come from the routing table instead (pdroute.c), and kick the
 * same watcher.
 */

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/if_inet6.h>

#include "map.h"
#include "net.h"
#include "tunnel.h"

unsigned int npt6_net_id __read_mostly;

static void npt6_auto_work(struct work_struct *work)
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
		npt6_map_follow(nn);
		npt6_tnl_follow(nn->net);
		/*
		 * An event while we ran has queued us sooner: keep that.
		 * mod_delayed_work() would push it back to the period.
		 */
		queue_delayed_work(system_wq, &nn->auto_work, NPT6_AUTO_PERIOD);
	}
	rtnl_unlock();
}

/*
 * Atomic context: refresh the address snapshot and only schedule the
 * rest.  One RA, or one "ip token set", adds or re-creates several
 * addresses in a row, in no useful order; each event pushes the work back
 * a little, so we decide once the burst is over rather than follow a
 * deprecated address for a moment.  Events on any device of the namespace
 * count, and a burst that never ends (a loop adding and removing
 * addresses, a flapping link) would push it back for ever:
 * npt6_auto_kick() stops at the periodic deadline.
 */
static int npt6_inet6addr_event(struct notifier_block *nb,
				unsigned long event, void *ptr)
{
	struct inet6_ifaddr *ifa = ptr;
	struct net *net = dev_net(ifa->idev->dev);
	struct npt6_net *nn = npt6_net(net);

	npt6_local_refresh(&nn->local, net);
	if (READ_ONCE(nn->nauto))
		npt6_auto_kick(nn, NPT6_AUTO_SETTLE);
	return NOTIFY_DONE;
}

static struct notifier_block npt6_inet6addr_notifier = {
	.notifier_call = npt6_inet6addr_event,
};

static int __net_init npt6_net_create(struct net *net)
{
	struct npt6_net *nn = npt6_net(net);

	nn->net = net;
	INIT_LIST_HEAD(&nn->devs);
	INIT_DELAYED_WORK(&nn->auto_work, npt6_auto_work);
	npt6_local_init(&nn->local);
	npt6_pd_init(nn);
	return 0;
}

/*
 * Devices leave a dying namespace before pernet subsystems exit, and the
 * netdevice notifier (map.c) has already flushed their mappings; this
 * only catches what remains when the module itself is unloaded.  Once
 * nothing follows an address, the watcher does not re-arm, so cancelling
 * it is final.
 */
static void __net_exit npt6_net_destroy(struct net *net)
{
	struct npt6_net *nn = npt6_net(net);

	rtnl_lock();
	npt6_map_flush(net, NULL);
	rtnl_unlock();
	npt6_pd_exit(nn);
	cancel_delayed_work_sync(&nn->auto_work);
	npt6_local_exit(&nn->local);
}

static struct pernet_operations npt6_net_ops = {
	.init = npt6_net_create,
	.exit = npt6_net_destroy,
	.id = &npt6_net_id,
	.size = sizeof(struct npt6_net),
};

int __init npt6_net_init(void)
{
	int err;

	err = register_pernet_subsys(&npt6_net_ops);
	if (err)
		return err;
	err = register_inet6addr_notifier(&npt6_inet6addr_notifier);
	if (err)
		unregister_pernet_subsys(&npt6_net_ops);
	return err;
}

void npt6_net_uninit(void)
{
	/* The address notifier reaches into pernet data: stop it first. */
	unregister_inet6addr_notifier(&npt6_inet6addr_notifier);
	unregister_pernet_subsys(&npt6_net_ops);
	/*
	 * Mappings and tunnel endpoints freed by call_rcu() must be gone
	 * before our code is.
	 */
	rcu_barrier();
}
