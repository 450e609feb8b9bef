// SPDX-License-Identifier: GPL-2.0
/*
 * Network namespaces by name, the way "ip netns" names them: a bind mount
 * of the namespace under /run/netns.
 *
 * "ip -n" also unshares the mount namespace and remounts /sys so that
 * /sys/class/net shows the new namespace's devices.  We do not, because we
 * read nothing per-namespace from /sys: device names are resolved through a
 * socket (if_nametoindex), and sockets belong to the namespace they are
 * created in.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "netns.h"

#define NETNS_RUN_DIR "/run/netns"

int netns_enter(const char *name)
{
	char path[PATH_MAX];
	int fd, ret;

	/* A name with a '/' (or "..") would open a file outside the directory. */
	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, "..") ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR,
			     name) >= sizeof(path)) {
		nptctl_err("invalid netns name \"%s\"", name);
		return -1;
	}

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			nptctl_err("unknown netns \"%s\"", name);
		else
			nptctl_err("Unable to open netns \"%s\": %s", name,
				   strerror(errno));
		return -1;
	}
	ret = setns(fd, CLONE_NEWNET);
	if (ret < 0)
		nptctl_err("Unable to enter netns \"%s\": %s", name,
			   strerror(errno));
	close(fd);
	return ret < 0 ? -1 : 0;
}

uint32_t netns_ifindex(const char *dev)
{
	unsigned int ifindex = if_nametoindex(dev);

	if (ifindex)
		return ifindex;
	/* glibc says ENODEV for names too long to exist, too. */
	if (errno == ENODEV || errno == ENXIO)
		nptctl_err("unknown device \"%s\"", dev);
	else
		nptctl_err("Unable to find device \"%s\": %s", dev,
			   strerror(errno));
	return 0;
}
