// SPDX-License-Identifier: GPL-2.0
/*
 * A userspace stand-in for the links side of rtnetlink, so that run.sh can
 * drive "nptctl tunnel" without the module and without touching a single
 * link of the host.
 *
 *   fake_rtnl SCENARIO PORTFILE LOGFILE
 *
 * It binds a NETLINK_ROUTE socket, writes its port id to PORTFILE, and
 * answers RTM_NEWLINK, RTM_DELLINK and RTM_GETLINK from a test build of
 * nptctl (NPTCTL_TEST_RTNL_PEER=port) from a table of made-up links.  Every
 * request is decoded into one line of LOGFILE, attribute by attribute, so
 * that the tests can check what nptctl put on the wire against the tunnel
 * section of uapi/linux/npt6.h.  It runs until killed, or for 30 seconds
 * (the "table" scenario, which serves a whole series of runs, 10 minutes).
 *
 * Unicast between two userspace netlink sockets needs CAP_NET_ADMIN; run.sh
 * skips these tests without it.
 *
 * The links: lo (no kind), eth0 (veth), fake0 (kind "npt6tnlx", which only
 * starts like ours), and three npt6 tunnels: t0 (auto with token ::feed,
 * following 2400:1:2:3::feed, over lo), t1 (auto, no address yet, over a
 * device that does not exist, and as a module older than FASTPATH reports
 * it: without one) and tun1 (fixed ends, every setting off its default).
 * Dumps send them all, out of order, with attributes from the future at
 * every level.
 *
 * Scenarios:
 *   ok          GETLINK by name finds the table's links, else ENODEV;
 *               NEWLINK and DELLINK are acked
 *   notloaded   NEWLINK fails as for an unknown kind: EOPNOTSUPP and
 *               "Unknown device type"
 *   exists      NEWLINK fails with EEXIST and no message
 *   extack      NEWLINK and DELLINK fail with EINVAL and the module's message
 *   eperm       everything fails with EPERM and no message
 *   gone        like ok, but NEWLINK and DELLINK say ENODEV: the link went
 *               away after nptctl looked it up
 *   intr        the first dump is flagged NLM_F_DUMP_INTR
 *   badattr     a dumped tunnel's REMOTE is 15 bytes long
 *   nolocal     a dumped tunnel has neither LOCAL nor LOCAL_AUTO
 *   shortstats  a dumped tunnel's IFLA_STATS64 is cut before tx_carrier_errors
 *   table       for batch mode: only lo and eth0 at first, and NEWLINK and
 *               DELLINK make, change and delete npt6 tunnels for as long
 *               as the fake runs.  A remote of 2001:db8:dead::1 is
 *               refused with EINVAL, as is a token with a fixed local
 *               address; each new tunnel's counters start at the
 *               how-manyth creation it was times 1000, so that a test
 *               sees whether it was made again.
 *   oldtable    the same, as a module older than FASTPATH: it ignores
 *               the attribute and reports none.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/npt6.h>
#include <linux/rtnetlink.h>

#define FAKE_NAME	"fake_rtnl"
#include "fake_common.h"

/* An ack or an error, capped as for NETLINK_CAP_ACK, as netlink_ack() does. */
static void put_ack(const struct nlmsghdr *req, uint32_t pid, int error,
		    const char *msg)
{
	struct nlmsghdr *nlh = put_msg(NLMSG_ERROR, NLM_F_CAPPED,
				       req->nlmsg_seq, pid);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = error;
	e->msg = *req;
	if (msg) {
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	}
	end_msg(nlh);
}

/* A link of the table; strings are "" where absent. */
struct fake_link {
	int ifindex;
	char name[IF_NAMESIZE];
	char kind[16];			/* "": no IFLA_LINKINFO */
	unsigned int mtu;
	/* npt6 tunnels only */
	uint32_t link;
	char remote[INET6_ADDRSTRLEN];
	char local[INET6_ADDRSTRLEN];	/* "": LOCAL_AUTO */
	char token[INET6_ADDRSTRLEN];
	char active_local[INET6_ADDRSTRLEN];
	uint8_t hoplimit;
	uint32_t tclass, flowlabel;
	uint16_t encaplimit, mss;
	uint8_t fastpath;
	bool no_fastpath;		/* a module older than FASTPATH */
	uint64_t stats_base;		/* counters are base + 1, + 2, ... */
	bool long_stats;		/* a stats64 from a newer kernel */
};

static struct fake_link links[] = {
	{ .ifindex = 8, .name = "t1", .kind = NPT6_TNL_KIND, .mtu = 1460,
	  .link = 99999, .remote = "2404:8e00::feed:140", .hoplimit = 64,
	  .tclass = NPT6_TNL_INHERIT, .flowlabel = NPT6_TNL_INHERIT,
	  .encaplimit = NPT6_TNL_ENCAPLIMIT_NONE, .mss = NPT6_TNL_MSS_AUTO,
	  .no_fastpath = true },
	{ .ifindex = 2, .name = "eth0", .kind = "veth", .mtu = 1500 },
	{ .ifindex = 9, .name = "tun1", .kind = NPT6_TNL_KIND, .mtu = 1400,
	  .link = 1, .remote = "2001:db8:2::7", .local = "2001:db8:1::c53b",
	  .active_local = "2001:db8:1::c53b", .hoplimit = 255,
	  .tclass = 0xb8, .flowlabel = 0x12345, .encaplimit = 4, .mss = 0,
	  .fastpath = 1, .stats_base = 1ULL << 40, .long_stats = true },
	{ .ifindex = 1, .name = "lo", .mtu = 65536 },
	{ .ifindex = 7, .name = "t0", .kind = NPT6_TNL_KIND, .mtu = 1460,
	  .link = 1, .remote = "2404:8e00::feed:140", .token = "::feed",
	  .active_local = "2400:1:2:3::feed", .hoplimit = 64,
	  .tclass = NPT6_TNL_INHERIT, .flowlabel = NPT6_TNL_INHERIT,
	  .encaplimit = NPT6_TNL_ENCAPLIMIT_NONE, .mss = NPT6_TNL_MSS_AUTO,
	  .stats_base = 100 },
	{ .ifindex = 3, .name = "fake0", .kind = "npt6tnlx", .mtu = 1500 },
};

#define N_LINKS	(sizeof(links) / sizeof(links[0]))

/* The links we answer with: links[], or those of the "table" scenario. */
static struct fake_link *tab = links;
static size_t ntab = N_LINKS;

#define STATE_MAX	32

static struct fake_link state[STATE_MAX] = {
	{ .ifindex = 1, .name = "lo", .mtu = 65536 },
	{ .ifindex = 2, .name = "eth0", .kind = "veth", .mtu = 1500 },
};
static int next_ifindex = 100;
static unsigned int ncreated;

static void put_addr(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	mnl_attr_put(nlh, type, is("badattr") ? 15 : sizeof(a), &a);
}

static void put_stats(struct nlmsghdr *nlh, const struct fake_link *l)
{
	struct {
		struct rtnl_link_stats64 s;
		uint64_t future[2];
	} st;
	uint64_t *c = (uint64_t *)&st;
	size_t i, len = sizeof(st.s);

	for (i = 0; i < sizeof(st) / sizeof(*c); i++)
		c[i] = l->stats_base ? l->stats_base + i : 0;
	if (l->long_stats)
		len = sizeof(st);
	if (is("shortstats"))
		len = offsetof(struct rtnl_link_stats64, tx_carrier_errors);
	/* 64-bit attributes are padded to 8 bytes as the kernel does. */
	mnl_attr_put(nlh, IFLA_PAD, 0, NULL);
	mnl_attr_put(nlh, IFLA_STATS64, len, &st);
}

/* As rtnl_fill_ifinfo() would, with only what nptctl reads and some noise. */
static void put_link(const struct nlmsghdr *req, uint32_t pid, uint16_t flags,
		     const struct fake_link *l)
{
	struct nlmsghdr *nlh = put_msg(RTM_NEWLINK, flags, req->nlmsg_seq, pid);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *info, *data;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = l->ifindex;
	ifi->ifi_flags = 0x1043;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, l->name);
	mnl_attr_put_u32(nlh, IFLA_TXQLEN, 1000);
	mnl_attr_put_u32(nlh, IFLA_MTU, l->mtu);
	put_stats(nlh, l);
	/* An attribute from the future, which nptctl must skip. */
	mnl_attr_put_u32(nlh, IFLA_MAX + 1, 0xdeadbeef);
	if (!l->kind[0])
		goto out;

	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, l->kind);
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	if (strcmp(l->kind, NPT6_TNL_KIND)) {
		mnl_attr_put_u32(nlh, 1, 42);	/* someone else's settings */
		goto end_data;
	}
	/* In the order of npt6_tnl_fill_info(). */
	mnl_attr_put_u32(nlh, IFLA_NPT6TNL_LINK, l->link);
	put_addr(nlh, IFLA_NPT6TNL_REMOTE, l->remote);
	mnl_attr_put_u8(nlh, IFLA_NPT6TNL_HOPLIMIT, l->hoplimit);
	mnl_attr_put_u32(nlh, IFLA_NPT6TNL_TCLASS, l->tclass);
	mnl_attr_put_u32(nlh, IFLA_NPT6TNL_FLOWLABEL, l->flowlabel);
	mnl_attr_put_u16(nlh, IFLA_NPT6TNL_ENCAPLIMIT, l->encaplimit);
	mnl_attr_put_u16(nlh, IFLA_NPT6TNL_MSS, l->mss);
	if (!l->no_fastpath)
		mnl_attr_put_u8(nlh, IFLA_NPT6TNL_FASTPATH, l->fastpath);
	if (l->local[0]) {
		put_addr(nlh, IFLA_NPT6TNL_LOCAL, l->local);
	} else if (!is("nolocal")) {
		mnl_attr_put(nlh, IFLA_NPT6TNL_LOCAL_AUTO, 0, NULL);
		if (l->token[0])
			put_addr(nlh, IFLA_NPT6TNL_TOKEN, l->token);
	}
	if (l->active_local[0])
		put_addr(nlh, IFLA_NPT6TNL_ACTIVE_LOCAL, l->active_local);
	mnl_attr_put_u32(nlh, IFLA_NPT6TNL_MAX + 1, 7);
end_data:
	mnl_attr_nest_end(nlh, data);
	mnl_attr_put_strz(nlh, IFLA_INFO_MAX + 1, "future");
	mnl_attr_nest_end(nlh, info);
out:
	end_msg(nlh);
}

/* Logging ---------------------------------------------------------------- */

static void log_addr(const char *what, const struct nlattr *attr)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, mnl_attr_get_payload(attr), a, sizeof(a));
	fprintf(logf, " %s=%s", what, a);
}

static void log_data(const struct nlattr *nest)
{
	const struct nlattr *attr;

	fputs(" data{", logf);
	mnl_attr_for_each_nested(attr, nest) {
		uint16_t type = mnl_attr_get_type(attr);
		uint16_t len = mnl_attr_get_payload_len(attr);

		if (type == IFLA_NPT6TNL_LINK && len == 4)
			fprintf(logf, " link=%u", mnl_attr_get_u32(attr));
		else if (type == IFLA_NPT6TNL_REMOTE && len == 16)
			log_addr("remote", attr);
		else if (type == IFLA_NPT6TNL_LOCAL && len == 16)
			log_addr("local", attr);
		else if (type == IFLA_NPT6TNL_LOCAL_AUTO && len == 0)
			fputs(" local_auto", logf);
		else if (type == IFLA_NPT6TNL_TOKEN && len == 16)
			log_addr("token", attr);
		else if (type == IFLA_NPT6TNL_HOPLIMIT && len == 1)
			fprintf(logf, " hoplimit=%u", mnl_attr_get_u8(attr));
		else if (type == IFLA_NPT6TNL_TCLASS && len == 4)
			fprintf(logf, " tclass=0x%x", mnl_attr_get_u32(attr));
		else if (type == IFLA_NPT6TNL_FLOWLABEL && len == 4)
			fprintf(logf, " flowlabel=0x%x", mnl_attr_get_u32(attr));
		else if (type == IFLA_NPT6TNL_ENCAPLIMIT && len == 2)
			fprintf(logf, " encaplimit=%u", mnl_attr_get_u16(attr));
		else if (type == IFLA_NPT6TNL_MSS && len == 2)
			fprintf(logf, " mss=%u", mnl_attr_get_u16(attr));
		else if (type == IFLA_NPT6TNL_FASTPATH && len == 1)
			fprintf(logf, " fastpath=%u", mnl_attr_get_u8(attr));
		else
			fprintf(logf, " attr%u(len %u)", type, len);
	}
	fputs(" }", logf);
}

static void log_linkinfo(const struct nlattr *nest)
{
	const struct nlattr *attr;

	fputs(" linkinfo{", logf);
	mnl_attr_for_each_nested(attr, nest) {
		uint16_t type = mnl_attr_get_type(attr);

		if (type == IFLA_INFO_KIND &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			fprintf(logf, " kind=%s", mnl_attr_get_str(attr));
		else if (type == IFLA_INFO_DATA)
			log_data(attr);
		else
			fprintf(logf, " attr%u(len %u)", type,
				mnl_attr_get_payload_len(attr));
	}
	fputs(" }", logf);
}

/* One line per request: type, flags, the ifinfomsg and every attribute. */
static void log_request(const struct nlmsghdr *req)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(req);
	const struct nlattr *attr;

	switch (req->nlmsg_type) {
	case RTM_NEWLINK:
		fputs("newlink", logf);
		break;
	case RTM_DELLINK:
		fputs("dellink", logf);
		break;
	case RTM_GETLINK:
		fputs("getlink", logf);
		break;
	default:
		fprintf(logf, "type=%u", req->nlmsg_type);
		break;
	}
	fprintf(logf, " flags=0x%x", req->nlmsg_flags);
	if (mnl_nlmsg_get_payload_len(req) < sizeof(*ifi)) {
		fputs(" short\n", logf);
		return;
	}
	fprintf(logf, " index=%d", ifi->ifi_index);
	if (ifi->ifi_family || ifi->ifi_type || ifi->ifi_flags ||
	    ifi->ifi_change)
		fprintf(logf, " family=%u type=%u ifflags=0x%x change=0x%x",
			ifi->ifi_family, ifi->ifi_type, ifi->ifi_flags,
			ifi->ifi_change);
	mnl_attr_for_each(attr, req, sizeof(*ifi)) {
		uint16_t type = mnl_attr_get_type(attr);

		if (type == IFLA_IFNAME &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			fprintf(logf, " ifname=%s", mnl_attr_get_str(attr));
		else if (type == IFLA_MTU &&
			 mnl_attr_get_payload_len(attr) == 4)
			fprintf(logf, " mtu=%u", mnl_attr_get_u32(attr));
		else if (type == IFLA_LINKINFO)
			log_linkinfo(attr);
		else
			fprintf(logf, " attr%u(len %u)", type,
				mnl_attr_get_payload_len(attr));
	}
	fputc('\n', logf);
}

/* Answers ---------------------------------------------------------------- */

/* The scenarios that keep a table of links. */
static bool is_table(void)
{
	return is("table") || is("oldtable");
}

static const struct fake_link *find_link(const struct nlmsghdr *req)
{
	const struct nlattr *attr;
	size_t i;

	mnl_attr_for_each(attr, req, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(attr) != IFLA_IFNAME ||
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			continue;
		for (i = 0; i < ntab; i++)
			if (!strcmp(tab[i].name, mnl_attr_get_str(attr)))
				return &tab[i];
	}
	return NULL;
}

static void handle_dump(const struct nlmsghdr *req, uint32_t pid)
{
	uint16_t flags = NLM_F_MULTI;
	struct nlmsghdr *nlh;
	size_t i;

	dumps++;
	if (is("intr") && dumps == 1)
		flags |= NLM_F_DUMP_INTR;
	/* The kernel fills a datagram, then the next: two links in each. */
	for (i = 0; i < ntab; i++) {
		put_link(req, pid, flags, &tab[i]);
		if (i % 2)
			flush_out(pid);
	}
	nlh = put_msg(NLMSG_DONE, flags, req->nlmsg_seq, pid);
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = 0;
	end_msg(nlh);
}

/* The "table" scenario ------------------------------------------------ */

static void data_ntop(char *buf, const struct nlattr *attr)
{
	inet_ntop(AF_INET6, mnl_attr_get_payload(attr), buf, INET6_ADDRSTRLEN);
}

/*
 * What RTM_NEWLINK asks for, onto @l; the error to answer with, and
 * *@msg, if the module would refuse it.
 */
static int table_apply(const struct nlmsghdr *req, struct fake_link *l,
		       const char **msg)
{
	const struct nlattr *attr, *info, *data;

	*msg = NULL;
	mnl_attr_for_each(attr, req, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(attr) == IFLA_MTU)
			l->mtu = mnl_attr_get_u32(attr);
		if (mnl_attr_get_type(attr) != IFLA_LINKINFO)
			continue;
		mnl_attr_for_each_nested(info, attr) {
			if (mnl_attr_get_type(info) != IFLA_INFO_DATA)
				continue;
			mnl_attr_for_each_nested(data, info) {
				switch (mnl_attr_get_type(data)) {
				case IFLA_NPT6TNL_LINK:
					l->link = mnl_attr_get_u32(data);
					break;
				case IFLA_NPT6TNL_REMOTE:
					data_ntop(l->remote, data);
					break;
				case IFLA_NPT6TNL_LOCAL:
					data_ntop(l->local, data);
					break;
				case IFLA_NPT6TNL_LOCAL_AUTO:
					l->local[0] = '\0';
					break;
				case IFLA_NPT6TNL_TOKEN:
					data_ntop(l->token, data);
					if (!strcmp(l->token, "::"))
						l->token[0] = '\0';
					break;
				case IFLA_NPT6TNL_HOPLIMIT:
					l->hoplimit = mnl_attr_get_u8(data);
					break;
				case IFLA_NPT6TNL_TCLASS:
					l->tclass = mnl_attr_get_u32(data);
					break;
				case IFLA_NPT6TNL_FLOWLABEL:
					l->flowlabel = mnl_attr_get_u32(data);
					break;
				case IFLA_NPT6TNL_ENCAPLIMIT:
					l->encaplimit = mnl_attr_get_u16(data);
					break;
				case IFLA_NPT6TNL_MSS:
					l->mss = mnl_attr_get_u16(data);
					break;
				case IFLA_NPT6TNL_FASTPATH:
					/* Beyond an older module's maxtype. */
					if (!l->no_fastpath)
						l->fastpath = mnl_attr_get_u8(data);
					break;
				}
			}
		}
	}
	if (!strcmp(l->remote, "2001:db8:dead::1")) {
		*msg = "fake: remote refused";
		return -EINVAL;
	}
	if (l->local[0] && l->token[0]) {
		*msg = "A token needs local auto";
		return -EINVAL;
	}
	if (!l->link || !l->remote[0]) {
		*msg = "Need remote, local (or auto) and dev";
		return -EINVAL;
	}
	/* A fixed address is in use at once; auto finds none here. */
	memcpy(l->active_local, l->local, sizeof(l->local));
	return 0;
}

static struct fake_link *table_by_index(int ifindex)
{
	size_t i;

	for (i = 0; i < ntab; i++)
		if (tab[i].ifindex == ifindex)
			return &tab[i];
	return NULL;
}

static void table_request(const struct nlmsghdr *req, uint32_t pid)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(req);
	const struct nlattr *attr;
	struct fake_link *l, new;
	const char *msg;
	int err;

	if (req->nlmsg_type == RTM_DELLINK) {
		l = table_by_index(ifi->ifi_index);
		if (!l) {
			put_ack(req, pid, -ENODEV, NULL);
			return;
		}
		memmove(l, l + 1, (size_t)(tab + ntab - l - 1) * sizeof(*l));
		ntab--;
		put_ack(req, pid, 0, NULL);
		return;
	}

	/* RTM_NEWLINK: a new link, or a change of one by its index. */
	if (req->nlmsg_flags & NLM_F_CREATE) {
		if (find_link(req)) {
			put_ack(req, pid, -EEXIST, NULL);
			return;
		}
		memset(&new, 0, sizeof(new));
		mnl_attr_for_each(attr, req, sizeof(*ifi))
			if (mnl_attr_get_type(attr) == IFLA_IFNAME)
				snprintf(new.name, sizeof(new.name), "%s",
					 mnl_attr_get_str(attr));
		snprintf(new.kind, sizeof(new.kind), "%s", NPT6_TNL_KIND);
		new.mtu = 1460;
		new.hoplimit = 64;
		new.tclass = NPT6_TNL_INHERIT;
		new.flowlabel = NPT6_TNL_INHERIT;
		new.encaplimit = NPT6_TNL_ENCAPLIMIT_NONE;
		new.mss = NPT6_TNL_MSS_AUTO;
		new.fastpath = NPT6_TNL_DEFAULT_FASTPATH;
		new.no_fastpath = is("oldtable");
		err = table_apply(req, &new, &msg);
		if (!err && ntab == STATE_MAX)
			err = -ENOSPC;
		if (err) {
			put_ack(req, pid, err, msg);
			return;
		}
		new.ifindex = next_ifindex++;
		new.stats_base = ++ncreated * 1000;
		tab[ntab++] = new;
		put_ack(req, pid, 0, NULL);
		return;
	}
	l = table_by_index(ifi->ifi_index);
	if (!l) {
		put_ack(req, pid, -ENODEV, NULL);
		return;
	}
	/* All or nothing, as the module's changelink is. */
	new = *l;
	err = table_apply(req, &new, &msg);
	if (!err)
		*l = new;
	put_ack(req, pid, err, msg);
}

static void handle(const struct nlmsghdr *req, uint32_t pid)
{
	const struct fake_link *l;

	log_request(req);
	if (is("eperm")) {
		put_ack(req, pid, -EPERM, NULL);
		return;
	}
	switch (req->nlmsg_type) {
	case RTM_GETLINK:
		if (req->nlmsg_flags & NLM_F_DUMP) {
			handle_dump(req, pid);
			return;
		}
		l = find_link(req);
		if (!l) {
			put_ack(req, pid, -ENODEV, NULL);
			return;
		}
		put_link(req, pid, 0, l);
		put_ack(req, pid, 0, NULL);
		return;
	case RTM_NEWLINK:
		if (is_table()) {
			table_request(req, pid);
			return;
		}
		if (is("notloaded")) {
			put_ack(req, pid, -EOPNOTSUPP, "Unknown device type");
			return;
		}
		if (is("exists")) {
			put_ack(req, pid, -EEXIST, NULL);
			return;
		}
		/* fall through */
	case RTM_DELLINK:
		if (is_table()) {
			table_request(req, pid);
			return;
		}
		if (is("extack"))
			put_ack(req, pid, -EINVAL, "A token needs local auto");
		else if (is("gone"))
			put_ack(req, pid, -ENODEV, NULL);
		else
			put_ack(req, pid, 0, NULL);
		return;
	default:
		put_ack(req, pid, -EOPNOTSUPP, NULL);
		return;
	}
}

int main(int argc, char *argv[])
{
	if (argc != 4) {
		fprintf(stderr, "usage: fake_rtnl SCENARIO PORTFILE LOGFILE\n");
		return 2;
	}
	scenario = argv[1];
	if (is_table()) {
		tab = state;
		ntab = 2;
	}
	if (!fake_open(NETLINK_ROUTE, argv[2], argv[3]))
		return 1;
	return fake_serve(handle);
}
