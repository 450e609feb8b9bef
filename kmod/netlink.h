/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "npt6" generic netlink family.  msg.c builds the messages; the
 * family and its events group are here so that it can send them.
 */
#ifndef _NPT6_NETLINK_H
#define _NPT6_NETLINK_H

#include <net/genetlink.h>

enum npt6_mcgrp {
	NPT6_MCGRP_EVENTS_ID,
};

extern struct genl_family npt6_genl_family;
/* The family is registered: events may be sent.  Written under rtnl. */
extern bool npt6_netlink_live;

int npt6_netlink_init(void);
void npt6_netlink_uninit(void);

#endif /* _NPT6_NETLINK_H */
