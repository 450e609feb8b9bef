/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NPT6_NETLINK_H
#define _NPT6_NETLINK_H

int npt6_netlink_init(void);
void npt6_netlink_uninit(void);

#endif /* _NPT6_NETLINK_H */
