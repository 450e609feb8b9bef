/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What fake_npt6.c and fake_rtnl.c, the userspace stand-ins for the
 * kernel, share: the scenario they play, their socket and log, and the
 * building and sending of the messages of one reply.  Each defines
 * FAKE_NAME, for its messages, before it includes this.
 */
#ifndef NPTCTL_FAKE_COMMON_H
#define NPTCTL_FAKE_COMMON_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

static const char *scenario;
static FILE *logf;
static int fd;
static unsigned int dumps;

static char out[65536] __attribute__((aligned(8)));
static size_t olen;

static bool is(const char *s)
{
	return !strcmp(scenario, s);
}

static struct nlmsghdr *put_msg(uint16_t type, uint16_t flags, uint32_t seq,
				uint32_t pid)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(out + olen);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = pid;
	return nlh;
}

static void end_msg(struct nlmsghdr *nlh)
{
	olen += MNL_ALIGN(nlh->nlmsg_len);
}

static void flush_out(uint32_t pid)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = pid };

	if (olen && sendto(fd, out, olen, 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0)
		perror(FAKE_NAME ": sendto");
	olen = 0;
}

/*
 * The log @logname, line-buffered, and a socket of netlink @bus whose
 * port goes into @portfile for the test to send to.  NULL after saying
 * why not.
 */
static struct mnl_socket *fake_open(int bus, const char *portfile,
				    const char *logname)
{
	struct mnl_socket *nl;
	FILE *pf;

	logf = fopen(logname, "w");
	nl = mnl_socket_open(bus);
	if (!logf || !nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror(FAKE_NAME);
		return NULL;
	}
	setvbuf(logf, NULL, _IOLBF, 0);
	fd = mnl_socket_get_fd(nl);

	pf = fopen(portfile, "w");
	if (!pf) {
		perror(FAKE_NAME);
		return NULL;
	}
	fprintf(pf, "%u\n", mnl_socket_get_portid(nl));
	fclose(pf);
	return nl;
}

/*
 * Pass each message that a port sends us to @handle, and send the reply
 * it built, until killed, or SIGALRM after 10 minutes in the "table"
 * scenario, which a whole batch of tests uses, and 30 seconds in any
 * other.  Returns 1 if receiving fails.
 */
static int fake_serve(void (*handle)(const struct nlmsghdr *nlh, uint32_t pid))
{
	static char buf[65536] __attribute__((aligned(8)));

	alarm(is("table") ? 600 : 30);
	for (;;) {
		struct sockaddr_nl from;
		socklen_t flen = sizeof(from);
		const struct nlmsghdr *nlh = (void *)buf;
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &flen);
		int len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror(FAKE_NAME ": recvfrom");
			return 1;
		}
		/*
		 * The kernel multicasts link events to whoever listens, and
		 * we listen to nothing; only unicast from a port is ours.
		 */
		if (!from.nl_pid)
			continue;
		len = (int)n;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			handle(nlh, from.nl_pid);
		flush_out(from.nl_pid);
	}
}

#endif /* NPTCTL_FAKE_COMMON_H */
