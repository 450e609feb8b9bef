/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "-n NETNS": run in a network namespace named by "ip netns add".
 */
#ifndef NPTCTL_NETNS_H
#define NPTCTL_NETNS_H

/*
 * Move this process into /run/netns/@name.  Must come before any socket
 * is opened or any device name is resolved, since both are per-namespace.
 * Prints the error and returns -1 on failure.
 */
int netns_enter(const char *name);

#endif /* NPTCTL_NETNS_H */
