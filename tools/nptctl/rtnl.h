/* SPDX-License-Identifier: GPL-2.0 */
/*
 * npt6 tunnels over rtnetlink, as nptctl sees them.  Every function prints
 * its own "Error: ..." line on failure, naming the kernel's extended-ack
 * message when there is one, and returns a negative errno.
 */
#ifndef NPTCTL_RTNL_H
#define NPTCTL_RTNL_H

#include <stddef.h>

#include "tunnel.h"

struct nptctl_rtnl;

/* A NETLINK_ROUTE socket in the current network namespace, or NULL. */
struct nptctl_rtnl *rtnl_open(void);
void rtnl_close(struct nptctl_rtnl *r);

/*
 * Look up the link called @name, of any kind: @t->is_npt6 says whether it
 * is one of ours, and only then is the rest of @t filled.  -ENODEV, as
 * "unknown device", if there is none.
 */
int rtnl_tunnel_get(struct nptctl_rtnl *r, const char *name,
		    struct npt6_tunnel *t);

/* The same, but silent about -ENODEV: for who only asks whether it exists. */
int rtnl_tunnel_lookup(struct nptctl_rtnl *r, const char *name,
		       struct npt6_tunnel *t);

/*
 * Create @t (RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL) with what it has:
 * name, remote, local or local_auto and link at least.
 */
int rtnl_tunnel_add(struct nptctl_rtnl *r, const struct npt6_tunnel *t);

/* Change the tunnel @t->ifindex: RTM_NEWLINK with only what @t has. */
int rtnl_tunnel_change(struct nptctl_rtnl *r, const struct npt6_tunnel *t);

/* Delete the link @t->ifindex, which the caller has checked is ours. */
int rtnl_tunnel_del(struct nptctl_rtnl *r, const struct npt6_tunnel *t);

/*
 * Collect the npt6 tunnels into a new array for the caller to free(),
 * sorted by ifindex.
 */
int rtnl_tunnel_dump(struct nptctl_rtnl *r, struct npt6_tunnel **tuns,
		     size_t *n);

#endif /* NPTCTL_RTNL_H */
