/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Delegated prefixes as DHCPv6-PD clients announce them in the routing
 * table ("nptctl add fd00::/64 auto pd dev ge0").
 */
#ifndef _NPT6_PDROUTE_H
#define _NPT6_PDROUTE_H

#include <linux/in6.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

/* More delegated prefixes than this at once, and the oldest are lost. */
#define NPT6_PD_MAX	8

struct npt6_pd {
	struct in6_addr pfx;
	u8 len;
	u64 seq;			/* when we learnt it: newer is larger */
};

/* Part of struct npt6_net. */
struct npt6_pd_set {
	spinlock_t lock;		/* @pd, @n and @seq; any context */
	struct npt6_pd pd[NPT6_PD_MAX];
	unsigned int n;
	u64 seq;
	unsigned int users;		/* auto pd mappings; under rtnl */
	struct mutex reg_lock;		/* @registered */
	bool registered;		/* @nb is on the FIB notifier chain */
	struct notifier_block nb;
	struct work_struct work;	/* registers or unregisters @nb */
};

struct npt6_net;

void npt6_pd_init(struct npt6_net *nn);
void npt6_pd_exit(struct npt6_net *nn);
void npt6_pd_get(struct npt6_net *nn);
void npt6_pd_put(struct npt6_net *nn);
bool npt6_pd_pick(struct npt6_net *nn, u8 plen, struct in6_addr *pfx,
		  u8 *len);

#endif /* _NPT6_PDROUTE_H */
