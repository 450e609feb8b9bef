// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink plumbing that generic netlink and rtnetlink share, on top of
 * libmnl.
 *
 * We send one request at a time, always with NLM_F_ACK, and read until the
 * kernel has said its last word on it: an NLMSG_ERROR (which is also the
 * positive ack) or, for a dump, NLMSG_DONE.  Both can carry an extended
 * ack; we ask for it with NETLINK_EXT_ACK because the kernel's message
 * names the offending attribute, which beats anything we could guess from
 * errno.
 */

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <net/if.h>

#include "err.h"
#include "list.h"
#include "nl.h"

int nl_open(struct nptctl_nl *n, int bus)
{
	int one = 1, err;

	memset(n, 0, sizeof(*n));
	n->tx = malloc(NL_TX_SIZE);
	n->rx = malloc(NL_RX_SIZE);
	if (!n->tx || !n->rx) {
		nptctl_err("Unable to allocate memory: %s", strerror(ENOMEM));
		err = -ENOMEM;
		goto err_free;
	}
	n->peer.nl_family = AF_NETLINK;
#ifdef NPTCTL_TEST_HOOKS
	/*
	 * Test builds only: talk to a userspace stand-in for the kernel at
	 * this port, so that selftests can drive the netlink code without
	 * the module (or without touching the host's links).  Never
	 * compiled into the installed binary.
	 */
	{
		const char *port = getenv(bus == NETLINK_ROUTE ?
					  "NPTCTL_TEST_RTNL_PEER" :
					  "NPTCTL_TEST_PEER");

		if (port)
			n->peer.nl_pid = (uint32_t)strtoul(port, NULL, 10);
	}
#endif
	/* Replies can never be mistaken for those of an earlier process. */
	n->seq = (uint32_t)time(NULL);

	n->sock = mnl_socket_open(bus);
	if (!n->sock) {
		err = -errno;
		nptctl_err("Unable to open netlink socket: %s", strerror(errno));
		goto err_free;
	}
	if (mnl_socket_bind(n->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		nptctl_err("Unable to bind netlink socket: %s", strerror(errno));
		goto err_close;
	}
	n->portid = mnl_socket_get_portid(n->sock);

	/*
	 * Kernels before 4.12 lack these options; we then get plain errnos,
	 * and full echoes of our requests, which handle_error() copes with.
	 */
	mnl_socket_setsockopt(n->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(n->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	return 0;

err_close:
	mnl_socket_close(n->sock);
err_free:
	free(n->rx);
	free(n->tx);
	memset(n, 0, sizeof(*n));
	return err;
}

void nl_close(struct nptctl_nl *n)
{
	if (n->sock)
		mnl_socket_close(n->sock);
	free(n->rx);
	free(n->tx);
	memset(n, 0, sizeof(*n));
}

struct nlmsghdr *nl_msg_start(struct nptctl_nl *n, uint16_t type,
			      uint16_t flags)
{
	struct nlmsghdr *nlh;

	/*
	 * libmnl before 1.0.5 leaves the padding after short attributes
	 * (a u8, "npt6\0") as it finds it; we send zeroes, not old bytes.
	 */
	memset(n->tx, 0, NL_TX_SIZE);
	nlh = mnl_nlmsg_put_header(n->tx);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++n->seq;
	return nlh;
}

/*
 * Keep the NLMSGERR_ATTR_MSG of an error, a done or an ack message.  @off is
 * where its TLVs start in the payload.
 */
static void read_extack(struct nptctl_nl *n, const struct nlmsghdr *nlh,
			size_t off)
{
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (MNL_ALIGN(off) > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_for_each(attr, nlh, off) {
		if (mnl_attr_get_type(attr) != NLMSGERR_ATTR_MSG ||
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			continue;
		snprintf(n->extack, sizeof(n->extack), "%s",
			 mnl_attr_get_str(attr));
	}
}

/* 0 for a positive ack, else the negative errno it carries. */
static int handle_error(struct nptctl_nl *n, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t len = mnl_nlmsg_get_payload_len(nlh);
	size_t off;

	if (len < sizeof(e->error))
		return -EBADMSG;
	if (e->error > 0 || e->error == INT_MIN)
		return -EPROTO;

	/*
	 * The TLVs follow the echoed request: only its header if the kernel
	 * capped it (NETLINK_CAP_ACK, and every positive ack), else all of it.
	 */
	if (len >= sizeof(*e)) {
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off = sizeof(e->error) + (size_t)e->msg.nlmsg_len;
		read_extack(n, nlh, off);
	}
	return e->error;
}

/* A dump ends with NLMSG_DONE, which carries the dump's own error. */
static int handle_done(struct nptctl_nl *n, const struct nlmsghdr *nlh)
{
	size_t len = mnl_nlmsg_get_payload_len(nlh);
	int error;

	if (len < sizeof(error))
		return 0;	/* old kernels sent an empty DONE */
	memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	if (error > 0 || error == INT_MIN)
		return -EPROTO;
	if (error < 0)
		read_extack(n, nlh, sizeof(error));
	return error;
}

/*
 * Read the answer to request @seq.  Returns 0 when it is complete, 1 when
 * it was a dump that the kernel flagged NLM_F_DUMP_INTR (the table changed
 * under it, so it may have missed or repeated entries), or a negative errno.
 * We always read to the end, even after an interrupted dump, so that the
 * next request on this socket starts clean.
 */
static int receive(struct nptctl_nl *n, uint32_t seq, mnl_cb_t cb,
		   void *data)
{
	bool intr = false;
	int err = 0;

	for (;;) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)n->rx;
		ssize_t ret = mnl_socket_recvfrom(n->sock, n->rx, NL_RX_SIZE);
		int len;

		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		len = (int)ret;

		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			/*
			 * Not ours: something left from an earlier request.
			 * The kernel addresses replies to our port, so a
			 * foreign port is no reply to us either.
			 */
			if (nlh->nlmsg_seq != seq ||
			    (nlh->nlmsg_pid && nlh->nlmsg_pid != n->portid))
				continue;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;

			switch (nlh->nlmsg_type) {
			case NLMSG_NOOP:
				continue;
			case NLMSG_ERROR:
				err = handle_error(n, nlh);
				return err ? err : intr;
			case NLMSG_DONE:
				err = handle_done(n, nlh);
				return err ? err : intr;
			case NLMSG_OVERRUN:
				return -ENOBUFS;
			}
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
				continue;	/* reserved control types */

			/*
			 * A callback failure stops us reading, which leaves
			 * the rest of the answer queued; that is fine, since
			 * an error ends nptctl.  Callbacks report in errno.
			 */
			if (!cb)
				continue;
			errno = EPROTO;
			if (cb(nlh, data) < MNL_CB_OK)
				return errno > 0 ? -errno : -EPROTO;
		}
		if (len > 0)
			return -EBADMSG;	/* a truncated message */
	}
}

int nl_transact(struct nptctl_nl *n, struct nlmsghdr *nlh, mnl_cb_t cb,
		void *data)
{
	ssize_t ret;
	int err;

	n->extack[0] = '\0';
	ret = sendto(mnl_socket_get_fd(n->sock), nlh, nlh->nlmsg_len, 0,
		     (const struct sockaddr *)&n->peer, sizeof(n->peer));
	if (ret < 0)
		return -errno;
	if ((size_t)ret != nlh->nlmsg_len)
		return -EMSGSIZE;

	err = receive(n, nlh->nlmsg_seq, cb, data);
	if (err >= 0 && n->extack[0])
		nptctl_warn("%s", n->extack);
	return err;
}

int nl_report(struct nptctl_nl *n, int err, const char *what)
{
	if (n->extack[0])
		nptctl_err("%s", n->extack);
	else
		nptctl_err("Unable to %s: %s", what, strerror(-err));
	return err;
}

struct dump_state {
	const struct nl_dump *d;
	struct list *l;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_state *st = data;
	void *item = list_push(st->l);
	int ret;

	if (!item) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	ret = st->d->decode(nlh, item, st->d->data);
	if (ret <= 0)
		st->l->n--;
	if (ret < 0) {
		errno = -ret;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

int nl_dump(struct nptctl_nl *n, struct nlmsghdr *nlh,
	    const struct nl_dump *d, struct list *l)
{
	struct dump_state st = { d, l };
	char msg[64];
	int tries, err = 0;

	for (tries = 0; tries < NL_DUMP_TRIES; tries++) {
		l->n = 0;
		if (tries)
			nlh->nlmsg_seq = ++n->seq;
		err = nl_transact(n, nlh, dump_cb, &st);
		if (err <= 0)
			break;
	}
	if (err < 0) {
		free(l->items);
		l->items = NULL;
		l->n = 0;
		snprintf(msg, sizeof(msg), "list %s", d->what);
		return nl_report(n, err, msg);
	}
	if (err > 0)
		nptctl_warn("%s kept changing during the dump; the list may be inconsistent",
			    d->changing);
	qsort(l->items, l->n, l->size, d->cmp);
	return 0;
}

/* Table-driven attribute checks ------------------------------------------ */

struct parse_ctx {
	const uint8_t *policy;
	uint16_t max;
	const struct nlattr **tb;
};

static bool attr_ok(const struct nlattr *attr, uint8_t kind)
{
	static const enum mnl_attr_data_type mnl_type[] = {
		[NL_U8]		= MNL_TYPE_U8,
		[NL_U16]	= MNL_TYPE_U16,
		[NL_U32]	= MNL_TYPE_U32,
		[NL_U64]	= MNL_TYPE_U64,
		[NL_FLAG]	= MNL_TYPE_FLAG,
		[NL_NESTED]	= MNL_TYPE_NESTED,
		[NL_STRING]	= MNL_TYPE_STRING,
		[NL_NUL_STRING]	= MNL_TYPE_NUL_STRING,
		[NL_IFNAME]	= MNL_TYPE_NUL_STRING,
	};

	switch (kind) {
	case NL_ANY:
		return true;
	case NL_IN6:
		return mnl_attr_get_payload_len(attr) == sizeof(struct in6_addr);
	case NL_IFNAME:
		if (mnl_attr_get_payload_len(attr) > IF_NAMESIZE)
			return false;
		break;
	}
	return mnl_attr_validate(attr, mnl_type[kind]) == 0;
}

static int parse_cb(const struct nlattr *attr, void *data)
{
	struct parse_ctx *p = data;
	uint16_t type = mnl_attr_get_type(attr);

	/* Attributes are only ever appended; ones we do not know are new. */
	if (type > p->max)
		return MNL_CB_OK;
	if (!attr_ok(attr, p->policy[type])) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	p->tb[type] = attr;
	return MNL_CB_OK;
}

int nl_parse(const struct nlmsghdr *nlh, size_t off, const uint8_t *policy,
	     uint16_t max, const struct nlattr **tb)
{
	struct parse_ctx p = { policy, max, tb };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	return mnl_attr_parse(nlh, off, parse_cb, &p) < MNL_CB_OK ? -EPROTO : 0;
}

int nl_parse_nested(const struct nlattr *nest, const uint8_t *policy,
		    uint16_t max, const struct nlattr **tb)
{
	struct parse_ctx p = { policy, max, tb };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	return mnl_attr_parse_nested(nest, parse_cb, &p) < MNL_CB_OK ?
	       -EPROTO : 0;
}

int nl_parse_counters(const struct nlattr *nest, uint64_t *c, uint16_t max,
		      uint16_t pad)
{
	const struct nlattr *attr;
	uint16_t type;

	mnl_attr_for_each_nested(attr, nest) {
		type = mnl_attr_get_type(attr);
		/* Padding keeps the u64s aligned; new counters are ignored. */
		if (type == pad || type == 0 || type > max)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			return -EPROTO;
		c[type] = mnl_attr_get_u64(attr);
	}
	return 0;
}
