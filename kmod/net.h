/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-namespace core: what one network namespace holds for npt6, and
 * the watcher that re-evaluates auto prefixes and auto tunnel addresses.
 * The files below it (map.c, tunnel_link.c, hairpin.c, the packet path)
 * reach the namespace through these inlines and never call into net.c.
 */
#ifndef _NPT6_NET_H
#define _NPT6_NET_H

#include <linux/list.h>
#include <linux/netfilter.h>
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "hairpin.h"
#include "localaddr.h"
#include "pdroute.h"

/* Buckets of the per-namespace lookup of tunnels by remote address. */
#define NPT6_TNL_HASH_SIZE	16

struct npt6_net {
	struct net *net;
	/* struct npt6_dev (map.c); changed under rtnl, read under RCU */
	struct list_head devs;
	/* PRE_ROUTING hooks for hairpinning, while @devs is not empty */
	struct nf_hook_ops hairpin_ops[NPT6_HAIRPIN_HOOKS];
	/*
	 * A prefix that holds every active external prefix of the namespace
	 * (hairpin.c): its top bits in host order, its length in the low
	 * byte, 0 for none.  One word, so readers never see half an update.
	 */
	u64 hairpin_filter;
	unsigned int gen;		/* bumped on every change, for dumps */
	/*
	 * Auto mappings and auto tunnels: the watcher runs while this is not
	 * zero.  Written under rtnl; the address notifier reads it.
	 */
	unsigned int nauto;
	struct delayed_work auto_work;	/* re-evaluates what follows addresses */
	unsigned long auto_due;		/* jiffies: it runs by then at the
					 * latest; address events never defer
					 * it further
					 */
	/* Tunnels by remote address, for receive (tunnel.c); RCU. */
	struct hlist_head tnl_hash[NPT6_TNL_HASH_SIZE];
	struct npt6_local local;	/* our own addresses, for the packet path */
	struct npt6_pd_set pd;		/* delegated prefixes (pdroute.c) */
};

extern unsigned int npt6_net_id;

static inline struct npt6_net *npt6_net(struct net *net)
{
	return net_generic(net, npt6_net_id);
}

/* The watcher looks again this long after an event, and this often. */
#define NPT6_AUTO_SETTLE	(HZ / 5)
#define NPT6_AUTO_PERIOD	(2 * HZ)

/*
 * Run the watcher in @delay, or at its deadline if that comes first.  Any
 * context.  The deadline is read without a lock: a stale one is from the
 * previous period and already past, which only makes this run sooner.
 */
static inline void npt6_auto_kick(struct npt6_net *nn, unsigned long delay)
{
	unsigned long now = jiffies;
	unsigned long due = READ_ONCE(nn->auto_due);

	if (time_before(due, now + delay))
		delay = time_after(due, now) ? due - now : 0;
	mod_delayed_work(system_wq, &nn->auto_work, delay);
}

/*
 * Something in @nn now follows an address (an auto mapping, a local auto
 * tunnel): the watcher runs while anything does, and looks at once when
 * the first one comes.  Under rtnl.
 */
static inline void npt6_auto_get(struct npt6_net *nn)
{
	ASSERT_RTNL();
	WRITE_ONCE(nn->nauto, nn->nauto + 1);
	if (nn->nauto == 1)
		mod_delayed_work(system_wq, &nn->auto_work, 0);
}

/* The watcher stops re-arming itself after the last put.  Under rtnl. */
static inline void npt6_auto_put(struct npt6_net *nn)
{
	ASSERT_RTNL();
	if (!WARN_ON_ONCE(!nn->nauto))
		WRITE_ONCE(nn->nauto, nn->nauto - 1);
}

int npt6_net_init(void);
void npt6_net_uninit(void);

#endif /* _NPT6_NET_H */
