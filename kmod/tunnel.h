/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ipip6 tunnel device (link kind "npt6tnl").
 */
#ifndef _NPT6_TUNNEL_H
#define _NPT6_TUNNEL_H

struct net;

/* Buckets of the per-namespace lookup of tunnels by remote address. */
#define NPT6_TNL_HASH_SIZE	16

void npt6_tnl_auto_update(struct net *net);
int npt6_tnl_init(void);
void npt6_tnl_uninit(void);

#endif /* _NPT6_TUNNEL_H */
