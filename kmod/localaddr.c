// SPDX-License-Identifier: GPL-2.0
/*
 * A per-namespace snapshot of the router's own unicast addresses.
 *
 * Every translated packet asks "is this address ours?": inbound, because
 * a destination we own is delivered untouched rather than DNPT'd, and
 * outbound, to count SNPT results that collide with one of ours.
 * ipv6_chk_addr() answers correctly but walks a hash chain shared by all
 * namespaces, about 40 instructions a packet under icount.  A router owns
 * a handful of addresses, so we keep them in a small array behind a
 * one-word Bloom filter: a packet not for us costs a multiply and a bit
 * test, one for us a scan of the array.
 *
 * The array is rebuilt from the device address lists on every inet6addr
 * event (net.c's notifier: address added or removed, often in softirq
 * context, hence the spinlock and GFP_ATOMIC).  The kernel calls the
 * notifier after linking a new address and after marking a removed one
 * dead, so the last rebuild after any change sees it; rebuilds are
 * serialised, so the snapshot converges on the truth.  Link-local and
 * loopback addresses are left out: mappings cannot cover them
 * (npt6_prefix_link_scope() in map.c).
 *
 * Tentative addresses count as ours, unlike for ipv6_chk_addr(): while
 * this router runs DAD on an address inside the external prefix, traffic
 * for it is not handed to an internal host either.  An address whose DAD
 * failed stays until the next address event, with the same effect.
 *
 * When there is no snapshot (more than NPT6_LOCAL_MAX addresses, or no
 * memory) the packet path falls back to ipv6_chk_addr().
 */

#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/addrconf.h>
#include <net/if_inet6.h>

#include "localaddr.h"

void npt6_local_init(struct npt6_local *l)
{
	RCU_INIT_POINTER(l->snap, NULL);
	spin_lock_init(&l->lock);
	l->on = false;
}

static bool npt6_local_wanted(const struct inet6_ifaddr *ifa)
{
	int type = ipv6_addr_type(&ifa->addr);

	if (type & (IPV6_ADDR_LINKLOCAL | IPV6_ADDR_LOOPBACK |
		    IPV6_ADDR_MULTICAST))
		return false;
	if (READ_ONCE(ifa->state) == INET6_IFADDR_STATE_DEAD)
		return false;
	return !(READ_ONCE(ifa->flags) & IFA_F_DADFAILED);
}

/*
 * Walk the namespace's addresses, storing up to @max of them in @s when
 * it is not NULL.  Returns how many there are.
 */
static unsigned int npt6_local_walk(struct net *net,
				    struct npt6_local_addrs *s,
				    unsigned int max)
{
	const struct inet6_ifaddr *ifa;
	struct net_device *dev;
	unsigned int n = 0;

	for_each_netdev_rcu(net, dev) {
		struct inet6_dev *idev = __in6_dev_get(dev);

		if (!idev)
			continue;
		list_for_each_entry_rcu(ifa, &idev->addr_list, if_list) {
			if (!npt6_local_wanted(ifa))
				continue;
			if (s && n < max) {
				s->addr[n] = ifa->addr;
				s->filter |= BIT_ULL(npt6_local_bit(&ifa->addr));
			}
			n++;
		}
	}
	return n;
}

/* Rebuild the snapshot, if one is wanted.  Any context. */
void npt6_local_refresh(struct npt6_local *l, struct net *net)
{
	struct npt6_local_addrs *s = NULL, *old;
	unsigned int n;

	spin_lock_bh(&l->lock);
	if (!l->on) {
		spin_unlock_bh(&l->lock);
		return;
	}
	rcu_read_lock();
	n = npt6_local_walk(net, NULL, 0);
	if (n <= NPT6_LOCAL_MAX)
		s = kmalloc(struct_size(s, addr, n), GFP_ATOMIC);
	if (s) {
		s->filter = 0;
		/*
		 * An address added since the count shows up in the rebuild
		 * that its own event triggers after ours.
		 */
		s->n = min(n, npt6_local_walk(net, s, n));
	}
	rcu_read_unlock();
	old = rcu_replace_pointer(l->snap, s, lockdep_is_held(&l->lock));
	spin_unlock_bh(&l->lock);
	if (old)
		kfree_rcu(old, rcu);
}

/*
 * Start keeping a snapshot: called when the namespace gets its first
 * mapping, so namespaces without mappings pay nothing on address events.
 */
void npt6_local_enable(struct npt6_local *l, struct net *net)
{
	spin_lock_bh(&l->lock);
	l->on = true;
	spin_unlock_bh(&l->lock);
	npt6_local_refresh(l, net);
}

/* The namespace is going away; no more events can reach it. */
void npt6_local_exit(struct npt6_local *l)
{
	struct npt6_local_addrs *old;

	spin_lock_bh(&l->lock);
	l->on = false;
	old = rcu_replace_pointer(l->snap, NULL, lockdep_is_held(&l->lock));
	spin_unlock_bh(&l->lock);
	if (old)
		kfree_rcu(old, rcu);
}
