/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The router's own unicast addresses, as the packet path needs to know
 * them: a destination we own is never DNPT'd, and an SNPT result we own is
 * a collision worth counting.
 */
#ifndef _NPT6_LOCALADDR_H
#define _NPT6_LOCALADDR_H

#include <linux/bits.h>
#include <linux/hash.h>
#include <linux/in6.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <net/addrconf.h>
#include <net/ipv6.h>

#include "rfc6296.h"

struct net;

/* A snapshot of one namespace's addresses; replaced, never changed. */
struct npt6_local_addrs {
	struct rcu_head rcu;
	u64 filter;		/* bit npt6_local_bit(a) set for each a below */
	unsigned int n;
	struct in6_addr addr[];
};

/*
 * A one-word Bloom filter in front of the scan: most translated packets
 * are not for us, and for them one multiply and a bit test settle it.
 */
static inline unsigned int npt6_local_bit(const struct in6_addr *a)
{
	return hash_64((__force u64)(npt6_addr_hi(a) ^ npt6_addr_lo(a)), 6);
}

struct npt6_local {
	/* NULL: no snapshot (not wanted yet, too many addresses, no memory) */
	struct npt6_local_addrs __rcu *snap;
	spinlock_t lock;	/* serialises refreshes */
	bool on;		/* keep a snapshot; under @lock */
};

/* More than this many addresses and a linear scan is no longer cheap. */
#define NPT6_LOCAL_MAX	16

void npt6_local_init(struct npt6_local *l);
void npt6_local_enable(struct npt6_local *l, struct net *net);
void npt6_local_refresh(struct npt6_local *l, struct net *net);
void npt6_local_exit(struct npt6_local *l);

/*
 * Packet path, under rcu_read_lock().  Without a snapshot we ask the
 * kernel, which is always right but costs a hash walk per packet.
 */
static inline bool npt6_local_addr(const struct npt6_local *l,
				   struct net *net, const struct in6_addr *addr)
{
	const struct npt6_local_addrs *s = rcu_dereference(l->snap);
	unsigned int i;

	if (unlikely(!s))
		return ipv6_chk_addr(net, addr, NULL, 0);
	if (!(s->filter & BIT_ULL(npt6_local_bit(addr))))
		return false;
	for (i = 0; i < s->n; i++)
		if (ipv6_addr_equal(&s->addr[i], addr))
			return true;
	return false;
}

#endif /* _NPT6_LOCALADDR_H */
