/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink socket under both of nptctl's protocols: generic netlink for
 * the mapping table (genl.c) and rtnetlink for the tunnels (rtnl.c).  One
 * request at a time, always acknowledged, with the kernel's extended-ack
 * message kept for the error line.
 */
#ifndef NPTCTL_NL_H
#define NPTCTL_NL_H

#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

/*
 * Requests are a few dozen bytes.  Replies are read into a buffer of the
 * largest size the kernel fills a dump skb to (32 KiB), doubled for slack:
 * a smaller one would make the kernel's datagrams fail with MSG_TRUNC.
 */
#define NL_TX_SIZE	4096
#define NL_RX_SIZE	65536

struct nptctl_nl {
	struct mnl_socket *sock;
	struct sockaddr_nl peer;	/* the kernel (port 0) */
	uint32_t portid;
	uint32_t seq;
	char extack[256];		/* the last request's message, or "" */
	char *tx;
	char *rx;
};

/*
 * Open and bind a socket of netlink protocol @bus (NETLINK_GENERIC,
 * NETLINK_ROUTE) in the current network namespace, asking for extended
 * acks.  Prints the error and returns a negative errno on failure, with
 * nothing left to close.
 */
int nl_open(struct nptctl_nl *n, int bus);
void nl_close(struct nptctl_nl *n);

/*
 * Start a request of @type in the zeroed transmit buffer: NLM_F_REQUEST,
 * NLM_F_ACK and @flags, and the next sequence number.
 */
struct nlmsghdr *nl_msg_start(struct nptctl_nl *n, uint16_t type,
			      uint16_t flags);

/*
 * Send @nlh and pass each message of the answer to @cb (if not NULL) until
 * the kernel has said its last word: an NLMSG_ERROR (which is also the
 * positive ack) or, for a dump, NLMSG_DONE.  Returns 0, 1 for a dump that
 * the kernel flagged NLM_F_DUMP_INTR, or a negative errno; an error's
 * message stays in n->extack for nl_report(), and a positive ack's is
 * printed as a warning.  Callbacks report their failures in errno.
 */
int nl_transact(struct nptctl_nl *n, struct nlmsghdr *nlh, mnl_cb_t cb,
		void *data);

/*
 * "Error: <the kernel's message>" if it had one, else "Error: Unable to
 * <what>: <strerror>".  Returns @err.
 */
int nl_report(struct nptctl_nl *n, int err, const char *what);

#endif /* NPTCTL_NL_H */
