/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NDP proxy for translated addresses: answers the upstream router's
 * Neighbor Solicitations on the external device.
 */
#ifndef _NPT6_NDPROXY_H
#define _NPT6_NDPROXY_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>

struct npt6_dev;

unsigned int npt6_ndproxy_ns(struct npt6_dev *xdev, struct sk_buff *skb,
			     unsigned int noff,
			     const struct nf_hook_state *state);

#endif /* _NPT6_NDPROXY_H */
