/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "-n NETNS": run in a network namespace named by "ip netns add".
 */
#ifndef NPTCTL_NETNS_H
#define NPTCTL_NETNS_H

#include <stdint.h>

/*
 * Move this process into /run/netns/@name.  Must come before any socket
 * is opened or any device name is resolved, since both are per-namespace.
 * Prints the error and returns -1 on failure.
 */
int netns_enter(const char *name);

/*
 * The index of device @dev in the namespace we are in; 0 after printing
 * an error if there is no such device.
 */
uint32_t netns_ifindex(const char *dev);

#endif /* NPTCTL_NETNS_H */
