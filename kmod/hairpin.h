/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hairpinning: LAN hosts that reach each other by their external
 * addresses (RFC 6296 section 4.3).
 */
#ifndef _NPT6_HAIRPIN_H
#define _NPT6_HAIRPIN_H

/* One hook before conntrack, one after: hairpin.c says why. */
#define NPT6_HAIRPIN_HOOKS	2

struct npt6_net;
struct npt6_table_node;

int npt6_hairpin_register(struct npt6_net *nn);
void npt6_hairpin_unregister(struct npt6_net *nn);
void npt6_hairpin_update(struct npt6_net *nn,
			 const struct npt6_table_node *added);

#endif /* _NPT6_HAIRPIN_H */
