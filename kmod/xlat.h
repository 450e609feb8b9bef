/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet path: netfilter netdev hooks on each external device.
 */
#ifndef _NPT6_XLAT_H
#define _NPT6_XLAT_H

#include <linux/netfilter.h>

#include "map.h"

unsigned int npt6_xlat_ingress(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state);
unsigned int npt6_xlat_egress(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state);
/* Both addresses a hairpinned packet needs, @dir's outer one first. */
unsigned int npt6_xlat_packet(struct npt6_dev *xdev, struct npt6_map *map,
			      struct sk_buff *skb, enum npt6_dir dir);
/* In place of npt6_xlat_egress() where there is no egress hook (compat.h). */
unsigned int npt6_xlat_postrouting(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state);

#endif /* _NPT6_XLAT_H */
