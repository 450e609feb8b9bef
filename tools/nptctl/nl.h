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
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <netinet/in.h>

struct list;

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

/*
 * Turns one message of a dump into @item: 1 to keep it, 0 to pass it
 * over, or a negative errno to end the dump.
 */
typedef int (*nl_decode_t)(const struct nlmsghdr *nlh, void *item,
			   void *data);

/* How to collect one dump, for nl_dump(). */
struct nl_dump {
	nl_decode_t decode;
	void *data;				/* for @decode */
	int (*cmp)(const void *a, const void *b);	/* the order */
	const char *what;			/* "Unable to list @what" */
	const char *changing;			/* "@changing kept changing" */
};

/*
 * Send the dump request @nlh and collect its answer into @l, emptied
 * first, with @d->decode.  A dump the kernel flags as interrupted (the
 * table changed under it) is sent again, with a new sequence number, up
 * to NL_DUMP_TRIES times, and then taken with a warning.  The items are
 * sorted by @d->cmp.  Returns 0, or a negative errno, reported, with @l
 * freed.
 */
#define NL_DUMP_TRIES	5
int nl_dump(struct nptctl_nl *n, struct nlmsghdr *nlh,
	    const struct nl_dump *d, struct list *l);

/*
 * What an attribute must be, for nl_parse(): nothing checked (NL_ANY),
 * libmnl's checks of a type, or ours.
 */
enum nl_attr_kind {
	NL_ANY,
	NL_U8,
	NL_U16,
	NL_U32,
	NL_U64,
	NL_FLAG,
	NL_NESTED,
	NL_STRING,
	NL_NUL_STRING,
	NL_IFNAME,		/* a NUL-terminated device name */
	NL_IN6,			/* a struct in6_addr */
};

/*
 * The attributes of @nlh from @off on, or those nested in @nest, into
 * @tb[0..@max], each checked against @policy[type] (enum nl_attr_kind).
 * Types above @max are newer than our headers and left out.  Returns 0,
 * or -EPROTO for an attribute that fails its check.
 */
int nl_parse(const struct nlmsghdr *nlh, size_t off, const uint8_t *policy,
	     uint16_t max, const struct nlattr **tb);
int nl_parse_nested(const struct nlattr *nest, const uint8_t *policy,
		    uint16_t max, const struct nlattr **tb);

/*
 * A nest of u64 counters into @c[0..@max], indexed by type; @pad (the
 * attribute that aligns them), type 0 and types above @max are skipped.
 * Returns 0 or -EPROTO.
 */
int nl_parse_counters(const struct nlattr *nest, uint64_t *c, uint16_t max,
		      uint16_t pad);

/* An NL_IN6 attribute's address. */
static inline void nl_attr_get_in6(struct in6_addr *a,
				   const struct nlattr *attr)
{
	memcpy(a, mnl_attr_get_payload(attr), sizeof(*a));
}

#endif /* NPTCTL_NL_H */
