// SPDX-License-Identifier: GPL-2.0
/*
 * SNPT for kernels without the netfilter netdev egress hook (before 5.16),
 * or built with NPT6_FORCE_POSTROUTING=1 to test this path on newer ones.
 * Only Kbuild decides whether this file is part of the module; compat.h
 * points the SNPT half of a device's hooks here (NPT6_NF_EGRESS_OPS).
 *
 * Each external device then gets an IPv6 POST_ROUTING hook in its own
 * namespace instead of an egress hook on itself.  POST_ROUTING is not
 * per device: every IPv6 packet the namespace sends or forwards passes
 * every such hook, and each hook leaves alone what is not leaving through
 * its own device.  A router has one or two external devices, so a
 * compare per device costs less than any lookup structure would.
 *
 * The hook runs last at POST_ROUTING (NF_IP6_PRI_LAST), after filter and
 * NAT, so that, as with the egress hook, the rest of the host only ever
 * sees internal addresses.  Conntrack confirms at that same priority,
 * before or after us depending on who registered first; it does not
 * matter, as confirmation uses the tuples conntrack recorded when the
 * packet entered, not the addresses in the packet now.  The hook sees
 * a packet before the IPv6 stack fragments it, which the checksum-neutral
 * rewrite does not mind: every fragment copies the rewritten header.
 *
 * The egress hook always runs with BH disabled, and the packet path
 * counts on it: its per-cpu counters must not move to another CPU, or be
 * updated by a softirq, halfway through an update.  POST_ROUTING runs
 * in process context for packets this host sends itself (say, from its
 * own address inside an internal prefix), so we disable BH around it.
 *
 * Lifetime is the egress hook's: the hook's priv is the npt6_dev, which
 * map.c frees only after unregistering the hook and a synchronize_net().
 */

#include <linux/bottom_half.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>

#include "map.h"
#include "xlat.h"

unsigned int npt6_xlat_postrouting(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	const struct npt6_dev *xdev = priv;
	unsigned int verdict;

	if (state->out != xdev->dev)
		return NF_ACCEPT;
	local_bh_disable();
	verdict = npt6_xlat_egress(priv, skb, state);
	local_bh_enable();
	return verdict;
}
