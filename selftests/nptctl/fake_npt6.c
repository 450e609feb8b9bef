// SPDX-License-Identifier: GPL-2.0
/*
 * A userspace stand-in for the npt6 generic netlink family, so that run.sh
 * can drive nptctl's netlink code on a host that cannot load the module.
 *
 *   fake_npt6 SCENARIO PORTFILE LOGFILE
 *
 * It binds a NETLINK_GENERIC socket, writes its port id to PORTFILE, and
 * answers whatever a test build of nptctl (NPTCTL_TEST_PEER=port) sends it,
 * the controller's CTRL_CMD_GETFAMILY included, the way SCENARIO says.
 * Every request is decoded into one line of LOGFILE, so that the tests can
 * check the bytes nptctl put on the wire against uapi/linux/npt6.h.  It runs
 * until killed, or for 30 seconds at most (the "table" scenario, which
 * serves a whole series of runs, for 10 minutes).
 *
 * Unicast between two userspace netlink sockets needs CAP_NET_ADMIN; run.sh
 * skips these tests without it.
 *
 * Scenarios:
 *   ok          ack everything; dumps return two mappings, out of order,
 *               with counters, padding and attributes nptctl cannot know
 *   empty       dumps return nothing
 *   extack      requests fail with EEXIST and an extended-ack message
 *   uncapped    the same, with the request echoed whole (no NETLINK_CAP_ACK)
 *   eperm       requests fail with EPERM and no message
 *   warn        requests succeed with an extended-ack warning
 *   nofamily    the family does not exist (ENOENT from the controller)
 *   badversion  the family has version NPT6_GENL_VERSION + 1
 *   intr        the first dump is flagged NLM_F_DUMP_INTR
 *   dumperr     the dump ends in NLMSG_DONE carrying EINVAL and a message
 *   badattr     a dumped INT_PREFIX is 15 bytes long
 *   escape      a dumped device name needs escaping in JSON
 *   auto        dumps return auto mappings: active with a token, active
 *               without one, and inactive (no EXT_PREFIX, ACTIVE 0)
 *   badactive   a dumped mapping says ACTIVE 1 but has no EXT_PREFIX
 *   legacy      dumps as a module from before NDPROXY, ACTIVE and
 *               NDP_STATS did (and MODE, and the keep-iid counters)
 *   modes       dumps return a keep-iid mapping with its counters, an
 *               rfc6296 one, and one in a mode from the future
 *   events      once the nptctl that looked the family up has joined the
 *               "events" group, multicast ADD, CHANGE and DEL events to
 *               it, with things among them that nptctl must ignore
 *   unload      like events, but after one event the controller says that
 *               another family and then ours went away
 *   nomcgrp     the family has no multicast groups
 *   table       a table that keeps what ADD, DEL and FLUSH do to it, as
 *               long as the fake runs, for batch mode: a key already
 *               there is EEXIST, a key not there ENOENT, an external
 *               prefix of another mapping on the same device EEXIST
 *               with the module's message, and an external prefix
 *               2001:db8:bad:: (any length) EINVAL, as the kernel may
 *               refuse what nptctl cannot know; a mapping to
 *               2001:db8:bad:1:: is taken, but DEL of it is refused with
 *               EBUSY, so that a rollback can fail.  Each mapping counts,
 *               in its snpt packets, the how-manyth ADD made it, so
 *               that a test sees whether it was made again.
 *
 * The family advertises its "events" group under an id that no family of
 * the running kernel uses, found by asking the real controller, so that
 * only we send to it.  "unload" also sends to the controller's own
 * "notify" group, where other listeners on the host see a DELFAMILY for
 * ids that do not exist.  A userspace sender needs CAP_NET_ADMIN here too.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/npt6.h>

#define FAMILY_ID	0x2345

#define FAKE_NAME	"fake_npt6"
#include "fake_common.h"

static unsigned int events_group;	/* 1..31 */

/* An ack (error 0) or an error, as netlink_ack() builds them. */
static void put_ack(const struct nlmsghdr *req, uint32_t pid, int error,
		    const char *msg)
{
	bool capped = !is("uncapped") || !error;
	struct nlmsghdr *nlh = put_msg(NLMSG_ERROR, 0, req->nlmsg_seq, pid);
	struct nlmsgerr *e;

	e = mnl_nlmsg_put_extra_header(nlh, capped ? sizeof(*e) :
				       sizeof(int) + req->nlmsg_len);
	e->error = error;
	memcpy(&e->msg, req, capped ? sizeof(*req) : req->nlmsg_len);
	if (capped)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	if (msg) {
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	}
	end_msg(nlh);
}

static void put_genl(struct nlmsghdr *nlh, uint8_t cmd, uint8_t version)
{
	struct genlmsghdr *gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));

	gh->cmd = cmd;
	gh->version = version;
}

/* @n u64 counters of a nest, numbered from @first, as the kernel puts them. */
static void put_counters(struct nlmsghdr *nlh, uint16_t type, uint16_t pad,
			 uint16_t first, uint16_t max, const uint64_t *c,
			 int n)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	int i;

	/* As nla_put_u64_64bit() may: an empty pad attribute first. */
	mnl_attr_put(nlh, pad, 0, NULL);
	for (i = 0; i < n; i++)
		mnl_attr_put_u64(nlh, first + i, c[i]);
	/* A counter from the future, which nptctl must skip. */
	mnl_attr_put_u64(nlh, max + 1, 999);
	mnl_attr_nest_end(nlh, nest);
}

/*
 * The counters of one direction: PACKETS to DROP_NOMEM (7), and the two
 * of keep-iid after them, which a legacy module does not have.
 */
#define NDSTATS	9

static void put_dstats(struct nlmsghdr *nlh, uint16_t type,
		       const uint64_t c[NDSTATS])
{
	put_counters(nlh, type, NPT6_DSTATS_PAD, NPT6_DSTATS_PACKETS,
		     NPT6_DSTATS_MAX, c, is("legacy") ? 7 : NDSTATS);
}

/* A mapping, as npt6_fill_map() describes one. */
struct fake_map {
	uint32_t ifindex;
	const char *ifname;
	const char *int_pfx;
	const char *ext_pfx;	/* NULL: inactive */
	uint8_t plen;
	uint8_t ndproxy;
	uint8_t mode;		/* enum npt6_mode */
	bool ext_auto;
	const char *token;	/* NULL: none */
	const char *ext_addr;	/* NULL: none */
	const uint64_t *snpt, *dnpt, *ndp;
};

static void put_addr(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	mnl_attr_put(nlh, type, sizeof(a), &a);
}

static void put_map_attrs(struct nlmsghdr *nlh, const struct fake_map *fm)
{
	static const uint64_t zero[NDSTATS];
	struct in6_addr a;
	struct nlattr *nest;

	mnl_attr_put_u32(nlh, NPT6_A_IFINDEX, fm->ifindex);
	mnl_attr_put_strz(nlh, NPT6_A_IFNAME, fm->ifname);
	inet_pton(AF_INET6, fm->int_pfx, &a);
	mnl_attr_put(nlh, NPT6_A_INT_PREFIX, is("badattr") ? 15 : sizeof(a),
		     &a);
	if (is("legacy")) {
		/* The order and the attributes of the first version. */
		put_addr(nlh, NPT6_A_EXT_PREFIX, fm->ext_pfx);
		mnl_attr_put_u8(nlh, NPT6_A_PREFIX_LEN, fm->plen);
	} else {
		mnl_attr_put_u8(nlh, NPT6_A_PREFIX_LEN, fm->plen);
		mnl_attr_put_u8(nlh, NPT6_A_NDPROXY, fm->ndproxy);
		mnl_attr_put_u8(nlh, NPT6_A_MODE, fm->mode);
		mnl_attr_put_u8(nlh, NPT6_A_ACTIVE,
				fm->ext_pfx || is("badactive"));
		if (fm->ext_pfx && !is("badactive"))
			put_addr(nlh, NPT6_A_EXT_PREFIX, fm->ext_pfx);
		if (fm->ext_auto)
			mnl_attr_put(nlh, NPT6_A_EXT_AUTO, 0, NULL);
		if (fm->token)
			put_addr(nlh, NPT6_A_TOKEN, fm->token);
		if (fm->ext_addr)
			put_addr(nlh, NPT6_A_EXT_ADDR, fm->ext_addr);
	}
	/* An attribute from the future, which nptctl must skip. */
	mnl_attr_put_u32(nlh, NPT6_A_MAX + 1, 0xdeadbeef);
	nest = mnl_attr_nest_start(nlh, NPT6_A_STATS);
	put_dstats(nlh, NPT6_STATS_SNPT, fm->snpt ? fm->snpt : zero);
	put_dstats(nlh, NPT6_STATS_DNPT, fm->dnpt ? fm->dnpt : zero);
	mnl_attr_nest_end(nlh, nest);
	if (!is("legacy"))
		put_counters(nlh, NPT6_A_NDP_STATS, NPT6_NSTATS_PAD,
			     NPT6_NSTATS_NS_SEEN, NPT6_NSTATS_MAX,
			     fm->ndp ? fm->ndp : zero, 7);
}

static void put_mapping(const struct nlmsghdr *req, uint32_t pid,
			uint16_t flags, const struct fake_map *fm)
{
	struct nlmsghdr *nlh = put_msg(FAMILY_ID, NLM_F_MULTI | flags,
				       req->nlmsg_seq, pid);

	put_genl(nlh, NPT6_CMD_MAP_GET, NPT6_GENL_VERSION);
	put_map_attrs(nlh, fm);
	end_msg(nlh);
}

static void log_attrs(const struct nlmsghdr *nlh)
{
	const struct nlattr *attr;
	char a[INET6_ADDRSTRLEN];

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		uint16_t type = mnl_attr_get_type(attr);
		uint16_t len = mnl_attr_get_payload_len(attr);

		if (type == NPT6_A_IFINDEX && len == 4) {
			fprintf(logf, " ifindex=%u", mnl_attr_get_u32(attr));
		} else if ((type == NPT6_A_INT_PREFIX ||
			    type == NPT6_A_EXT_PREFIX) && len == 16) {
			inet_ntop(AF_INET6, mnl_attr_get_payload(attr), a,
				  sizeof(a));
			fprintf(logf, " %s=%s",
				type == NPT6_A_INT_PREFIX ? "int" : "ext", a);
		} else if (type == NPT6_A_PREFIX_LEN && len == 1) {
			fprintf(logf, " plen=%u", mnl_attr_get_u8(attr));
		} else if (type == NPT6_A_NDPROXY && len == 1) {
			fprintf(logf, " ndproxy=%u", mnl_attr_get_u8(attr));
		} else if (type == NPT6_A_MODE && len == 1) {
			fprintf(logf, " mode=%u", mnl_attr_get_u8(attr));
		} else if (type == NPT6_A_EXT_AUTO && len == 0) {
			fprintf(logf, " auto");
		} else if (type == NPT6_A_TOKEN && len == 16) {
			inet_ntop(AF_INET6, mnl_attr_get_payload(attr), a,
				  sizeof(a));
			fprintf(logf, " token=%s", a);
		} else {
			fprintf(logf, " attr%u(len %u)", type, len);
		}
	}
}

static void handle_ctrl(const struct nlmsghdr *req, uint32_t pid)
{
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(req);
	const struct nlattr *attr;
	const char *name = "";
	struct nlmsghdr *nlh;

	mnl_attr_for_each(attr, req, sizeof(*gh))
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_NAME)
			name = mnl_attr_get_str(attr);
	fprintf(logf, "ctrl cmd=%u flags=0x%x name=%s\n", gh->cmd,
		req->nlmsg_flags, name);

	if (gh->cmd != CTRL_CMD_GETFAMILY || strcmp(name, NPT6_GENL_NAME) ||
	    is("nofamily")) {
		put_ack(req, pid, -ENOENT, NULL);
		return;
	}
	nlh = put_msg(GENL_ID_CTRL, 0, req->nlmsg_seq, pid);
	put_genl(nlh, CTRL_CMD_NEWFAMILY, 2);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY_ID);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NPT6_GENL_NAME);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, is("badversion") ?
			 NPT6_GENL_VERSION + 1 : NPT6_GENL_VERSION);
	mnl_attr_put_u32(nlh, CTRL_ATTR_HDRSIZE, 0);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MAXATTR, NPT6_A_MAX);
	if (!is("nomcgrp")) {
		struct nlattr *groups, *grp;

		/* Another group first: nptctl must pick ours by name. */
		groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
		grp = mnl_attr_nest_start(nlh, 1);
		mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "eventsx");
		mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 0xfff);
		mnl_attr_nest_end(nlh, grp);
		grp = mnl_attr_nest_start(nlh, 2);
		mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, events_group);
		mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME,
				  NPT6_MCGRP_EVENTS);
		mnl_attr_nest_end(nlh, grp);
		mnl_attr_nest_end(nlh, groups);
	}
	end_msg(nlh);
	put_ack(req, pid, 0, NULL);
}

static void handle_dump(const struct nlmsghdr *req, uint32_t pid)
{
	static const uint64_t a_snpt[NDSTATS] = { 10, 1040, 1, 0, 2, 3, 4 };
	static const uint64_t a_dnpt[NDSTATS] = { 20, 2080, 5, 6, 0, 7, 8 };
	/* keep-iid: some unknown protocol, some truncated headers. */
	static const uint64_t k_snpt[NDSTATS] = { 40, 4160, 0, 0, 0, 0, 0, 3, 1 };
	static const uint64_t k_dnpt[NDSTATS] = { 50, 5200, 0, 0, 0, 0, 0, 5, 2 };
	static const uint64_t a_ndp[7] = { 30, 25, 1, 0, 2, 1, 1 };
	static const uint64_t b_snpt[NDSTATS] = { UINT64_MAX, 1ULL << 40 };
	static const uint64_t b_ndp[7] = { 0, 0, 0, 0, 0, 0, UINT64_MAX };
	static const struct fake_map a = {
		.ifindex = 3, .ifname = "ge0", .int_pfx = "fd00::",
		.ext_pfx = "2406::", .plen = 64, .ndproxy = NPT6_NDPROXY_AUTO,
		.snpt = a_snpt, .dnpt = a_dnpt, .ndp = a_ndp,
	};
	static const struct fake_map b = {
		.ifindex = 5, .ifname = "ge1", .int_pfx = "fdce:b680:5c56:5::",
		.ext_pfx = "2406:2d40:3084:e000::", .plen = 64,
		.ndproxy = NPT6_NDPROXY_ALL, .snpt = b_snpt, .ndp = b_ndp,
	};
	static const struct fake_map esc = {
		.ifindex = 7, .ifname = "q\"b\\s", .int_pfx = "fd00::",
		.ext_pfx = "2406::", .plen = 64, .ndproxy = NPT6_NDPROXY_OFF,
	};
	/* S1 and S2: following RA behind Starlink, and ::feed on FLET'S. */
	static const struct fake_map autos[] = {
		{ .ifindex = 3, .ifname = "ge0", .int_pfx = "fd00:192:168:1::",
		  .ext_pfx = "2409:10:2020:3c00::", .plen = 64,
		  .ndproxy = NPT6_NDPROXY_AUTO, .ext_auto = true,
		  .token = "::feed", .ext_addr = "2409:10:2020:3c00::feed",
		  .ndp = a_ndp },
		{ .ifindex = 3, .ifname = "ge0", .int_pfx = "fd00::",
		  .plen = 64, .ndproxy = NPT6_NDPROXY_AUTO, .ext_auto = true,
		  .token = "::feed" },
		{ .ifindex = 5, .ifname = "ge1", .int_pfx = "fdce:b680:5c56:5::",
		  .ext_pfx = "2406:2d40:3084:e000::", .plen = 64,
		  .ndproxy = NPT6_NDPROXY_ALL, .ext_auto = true,
		  .ext_addr = "2406:2d40:3084:e000:1a2b:3c4d:5e6f:7a8b" },
		{ .ifindex = 5, .ifname = "ge1", .int_pfx = "fd01::",
		  .plen = 64, .ndproxy = 7, .ext_auto = true },
	};
	/* Starlink without the RFC 6296 arithmetic, and its neighbours. */
	static const struct fake_map modes[] = {
		{ .ifindex = 3, .ifname = "ge0", .int_pfx = "fd00::",
		  .ext_pfx = "2406::", .plen = 64, .ndproxy = NPT6_NDPROXY_AUTO,
		  .mode = NPT6_MODE_KEEP_IID, .snpt = k_snpt, .dnpt = k_dnpt },
		{ .ifindex = 3, .ifname = "ge0", .int_pfx = "fd01::",
		  .ext_pfx = "2406:1::", .plen = 64, .ndproxy = NPT6_NDPROXY_AUTO,
		  .mode = NPT6_MODE_RFC6296 },
		{ .ifindex = 5, .ifname = "ge1", .int_pfx = "fd02::",
		  .plen = 64, .ndproxy = NPT6_NDPROXY_OFF, .ext_auto = true,
		  .mode = NPT6_MODE_MAX + 1 },
	};
	uint16_t flags = 0;
	struct nlmsghdr *nlh;
	int error = 0;
	size_t i;

	dumps++;
	if (is("intr") && dumps == 1)
		flags = NLM_F_DUMP_INTR;

	if (is("escape")) {
		put_mapping(req, pid, flags, &esc);
	} else if (is("auto")) {
		for (i = 0; i < sizeof(autos) / sizeof(autos[0]); i++)
			put_mapping(req, pid, flags, &autos[i]);
	} else if (is("modes")) {
		for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
			put_mapping(req, pid, flags, &modes[i]);
	} else if (!is("empty") && !is("dumperr")) {
		/* Deliberately out of order: nptctl sorts. */
		put_mapping(req, pid, flags, &b);
		put_mapping(req, pid, flags, &a);
	}

	if (is("dumperr"))
		error = -EINVAL;
	nlh = put_msg(NLMSG_DONE, NLM_F_MULTI | flags, req->nlmsg_seq, pid);
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = error;
	if (error) {
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "bad dump filter");
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	}
	end_msg(nlh);
}

/* Events ---------------------------------------------------------------- */

/*
 * The highest multicast group id of NETLINK_GENERIC, up to 31, that no
 * family of the running kernel has: the controller lists them all.
 */
static unsigned int pick_group(void)
{
	static char buf[65536] __attribute__((aligned(8)));
	uint32_t used = 1;	/* bit 0 is no group */
	struct mnl_socket *nl = mnl_socket_open(NETLINK_GENERIC);
	struct nlmsghdr *nlh;
	unsigned int g;
	bool done = false;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return 0;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = 1;
	put_genl(nlh, CTRL_CMD_GETFAMILY, 1);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	while (!done) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		int len = (int)n;

		if (n <= 0)
			goto out;
		for (nlh = (void *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlattr *attr, *grp, *a;

			if (nlh->nlmsg_type == NLMSG_DONE ||
			    nlh->nlmsg_type == NLMSG_ERROR) {
				done = nlh->nlmsg_type == NLMSG_DONE;
				if (!done)
					goto out;
				break;
			}
			mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
				if (mnl_attr_get_type(attr) != CTRL_ATTR_MCAST_GROUPS)
					continue;
				mnl_attr_for_each_nested(grp, attr)
					mnl_attr_for_each_nested(a, grp)
						if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
						    mnl_attr_get_u32(a) < 32)
							used |= 1U << mnl_attr_get_u32(a);
			}
		}
	}
out:
	mnl_socket_close(nl);
	if (!done)
		return 0;
	for (g = 31; g > 0; g--)
		if (!(used & (1U << g)))
			return g;
	return 0;
}

/* Has the socket of @port joined our group?  /proc/net/netlink says. */
static bool joined(uint32_t port)
{
	unsigned int proto, pid, groups;
	char line[512];
	bool yes = false;
	FILE *f = fopen("/proc/net/netlink", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %u %u %x", &proto, &pid, &groups) == 3 &&
		    proto == NETLINK_GENERIC && pid == port &&
		    (groups & (1U << (events_group - 1))))
			yes = true;
	fclose(f);
	return yes;
}

static void multicast(int sock, unsigned int group)
{
	struct sockaddr_nl to = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1U << (group - 1),
	};

	/* Port 0 gets it too, but the kernel ignores what is no request. */
	if (sendto(sock, out, olen, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		perror("fake_npt6: multicast");
	olen = 0;
}

/* A notification, as npt6_netlink_notify() makes one, into out[]. */
static void put_event(uint8_t cmd, const struct fake_map *fm,
		      const char *old_ext)
{
	struct nlmsghdr *nlh = put_msg(FAMILY_ID, 0, 0, 0);

	put_genl(nlh, cmd, NPT6_GENL_VERSION);
	put_map_attrs(nlh, fm);
	if (old_ext)
		put_addr(nlh, NPT6_A_OLD_EXT_PREFIX, old_ext);
	end_msg(nlh);
}

/*
 * Wait for the nptctl at @port to join, then tell it a story: a static
 * and an auto mapping come, the auto one gets a prefix, moves, loses it,
 * and the static one goes.  Things it must ignore come in between.
 */
static void send_events(uint32_t port)
{
	static const uint64_t snpt[NDSTATS] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const uint64_t ndp[7] = { 8, 9, 10, 11, 12, 13, 14 };
	struct fake_map st = {
		.ifindex = 3, .ifname = "ge0", .int_pfx = "fd00::",
		.ext_pfx = "2406::", .plen = 64, .ndproxy = NPT6_NDPROXY_AUTO,
		.snpt = snpt, .ndp = ndp,
	};
	struct fake_map au = {
		.ifindex = 3, .ifname = "ge0", .int_pfx = "fd00:1::",
		.plen = 64, .ndproxy = NPT6_NDPROXY_ALL, .ext_auto = true,
		.token = "::feed", .mode = NPT6_MODE_KEEP_IID,
	};
	struct mnl_socket *other;
	struct nlmsghdr *nlh;
	int i;

	for (i = 0; i < 200 && !joined(port); i++)
		nanosleep(&(struct timespec){ .tv_nsec = 50000000 }, NULL);
	if (!joined(port)) {
		fprintf(logf, "events: nobody joined\n");
		return;
	}
	fprintf(logf, "events: joined\n");

	put_event(NPT6_CMD_MAP_ADD, &st, NULL);
	multicast(fd, events_group);

	if (is("unload")) {
		/* Logged first: nptctl may be gone before we get further. */
		fprintf(logf, "events: unloaded\n");
		/*
		 * As genl_ctrl_event() tells of unregistered families: first
		 * another one, which changes nothing, then ours.
		 */
		for (i = 1; i >= 0; i--) {
			nlh = put_msg(GENL_ID_CTRL, 0, 0, 0);
			put_genl(nlh, CTRL_CMD_DELFAMILY, 2);
			mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY_ID + i);
			mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME,
					  i ? "other" : NPT6_GENL_NAME);
			end_msg(nlh);
			multicast(fd, GENL_ID_CTRL);
			put_event(NPT6_CMD_MAP_ADD, &au, NULL);
			multicast(fd, events_group);
		}
		return;
	}
	put_event(NPT6_CMD_MAP_ADD, &au, NULL);
	multicast(fd, events_group);

	/* Two in one datagram that are no events: a reply, and a new command. */
	nlh = put_msg(FAMILY_ID, 0, 0, 0);
	put_genl(nlh, NPT6_CMD_MAP_GET, NPT6_GENL_VERSION);
	put_map_attrs(nlh, &st);
	end_msg(nlh);
	put_event(NPT6_CMD_MAX + 1, &st, NULL);
	multicast(fd, events_group);

	au.ext_pfx = "2406:1::";
	au.ext_addr = "2406:1::feed";
	put_event(NPT6_CMD_MAP_CHANGE, &au, NULL);
	multicast(fd, events_group);

	/* Malformed: an external address where a prefix must be. */
	nlh = put_msg(FAMILY_ID, 0, 0, 0);
	put_genl(nlh, NPT6_CMD_MAP_CHANGE, NPT6_GENL_VERSION);
	mnl_attr_put_u32(nlh, NPT6_A_IFINDEX, 3);
	put_addr(nlh, NPT6_A_INT_PREFIX, "fd00:1::");
	mnl_attr_put_u8(nlh, NPT6_A_PREFIX_LEN, 64);
	mnl_attr_put_u32(nlh, NPT6_A_EXT_PREFIX, 0x24060002);
	end_msg(nlh);
	multicast(fd, events_group);

	au.ext_pfx = "2406:2::";
	au.ext_addr = "2406:2::feed";
	put_event(NPT6_CMD_MAP_CHANGE, &au, "2406:1::");
	multicast(fd, events_group);
	au.ext_pfx = NULL;
	au.ext_addr = NULL;
	put_event(NPT6_CMD_MAP_CHANGE, &au, "2406:2::");
	multicast(fd, events_group);

	/* From another port than the family's: not the kernel, ignored. */
	other = mnl_socket_open(NETLINK_GENERIC);
	if (other && mnl_socket_bind(other, 0, MNL_SOCKET_AUTOPID) == 0) {
		struct fake_map forged = st;

		forged.int_pfx = "fd66::";
		put_event(NPT6_CMD_MAP_ADD, &forged, NULL);
		multicast(mnl_socket_get_fd(other), events_group);
	}
	if (other)
		mnl_socket_close(other);

	put_event(NPT6_CMD_MAP_DEL, &st, NULL);
	multicast(fd, events_group);
	fprintf(logf, "events: sent\n");
}

/* The "table" scenario ------------------------------------------------ */

struct stored_map {
	struct fake_map fm;	/* its strings point into the arrays below */
	char ifname[IF_NAMESIZE];
	char int_pfx[INET6_ADDRSTRLEN], ext_pfx[INET6_ADDRSTRLEN];
	char token[INET6_ADDRSTRLEN];
	uint64_t snpt[NDSTATS];
};

#define TABLE_MAX	64

static struct stored_map table[TABLE_MAX];
static unsigned int ntable, nadds;

/* The attributes of a request, by type; NULL where absent. */
static void req_attrs(const struct nlmsghdr *req,
		      const struct nlattr *tb[NPT6_A_MAX + 1])
{
	const struct nlattr *attr;

	memset(tb, 0, (NPT6_A_MAX + 1) * sizeof(*tb));
	mnl_attr_for_each(attr, req, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) <= NPT6_A_MAX)
			tb[mnl_attr_get_type(attr)] = attr;
}

static void attr_ntop(char *buf, const struct nlattr *attr)
{
	inet_ntop(AF_INET6, mnl_attr_get_payload(attr), buf, INET6_ADDRSTRLEN);
}

/* The entry with the key of @tb, or -1. */
static int table_find(const struct nlattr *tb[NPT6_A_MAX + 1])
{
	char pfx[INET6_ADDRSTRLEN];
	unsigned int i;

	if (!tb[NPT6_A_IFINDEX] || !tb[NPT6_A_INT_PREFIX] ||
	    !tb[NPT6_A_PREFIX_LEN])
		return -1;
	attr_ntop(pfx, tb[NPT6_A_INT_PREFIX]);
	for (i = 0; i < ntable; i++)
		if (table[i].fm.ifindex == mnl_attr_get_u32(tb[NPT6_A_IFINDEX]) &&
		    table[i].fm.plen == mnl_attr_get_u8(tb[NPT6_A_PREFIX_LEN]) &&
		    !strcmp(table[i].int_pfx, pfx))
			return (int)i;
	return -1;
}

static void table_remove(unsigned int i)
{
	unsigned int j;

	/* Moved one by one: each entry's strings point into itself. */
	for (j = i; j + 1 < ntable; j++) {
		table[j] = table[j + 1];
		table[j].fm.ifname = table[j].ifname;
		table[j].fm.int_pfx = table[j].int_pfx;
		table[j].fm.ext_pfx = table[j].ext_pfx[0] ? table[j].ext_pfx : NULL;
		table[j].fm.token = table[j].token[0] ? table[j].token : NULL;
		table[j].fm.snpt = table[j].snpt;
	}
	ntable--;
}

/*
 * The external side of ADD or CHANGE, checked as the module would: -errno
 * with the ack sent, or 0 with @ext set ("" for auto).  @self is the entry
 * a CHANGE re-points, which may keep its own prefix; -1 for ADD.
 */
static int table_check_ext(const struct nlmsghdr *req, uint32_t pid,
			   const struct nlattr *tb[NPT6_A_MAX + 1], int self,
			   char ext[INET6_ADDRSTRLEN])
{
	unsigned int i;

	ext[0] = '\0';
	if (!tb[NPT6_A_EXT_PREFIX])
		return 0;
	attr_ntop(ext, tb[NPT6_A_EXT_PREFIX]);
	if (!strcmp(ext, "2001:db8:bad::")) {
		put_ack(req, pid, -EINVAL, "npt6: external prefix refused");
		return -EINVAL;
	}
	for (i = 0; i < ntable; i++)
		if ((int)i != self &&
		    table[i].fm.ifindex == mnl_attr_get_u32(tb[NPT6_A_IFINDEX]) &&
		    !strcmp(table[i].ext_pfx, ext)) {
			put_ack(req, pid, -EEXIST,
				"External prefix overlaps another mapping");
			return -EEXIST;
		}
	return 0;
}

/* Give @sm the external side of @tb (@ext from table_check_ext()). */
static void table_set_ext(struct stored_map *sm,
			  const struct nlattr *tb[NPT6_A_MAX + 1],
			  const char *ext)
{
	/* An auto mapping waits for an address that the fake never has. */
	memcpy(sm->ext_pfx, ext, INET6_ADDRSTRLEN);
	sm->fm.ext_pfx = ext[0] ? sm->ext_pfx : NULL;
	sm->fm.ext_auto = !!tb[NPT6_A_EXT_AUTO];
	sm->token[0] = '\0';
	sm->fm.token = NULL;
	if (tb[NPT6_A_TOKEN]) {
		attr_ntop(sm->token, tb[NPT6_A_TOKEN]);
		sm->fm.token = sm->token;
	}
}

static void table_add(const struct nlmsghdr *req, uint32_t pid,
		      const struct nlattr *tb[NPT6_A_MAX + 1])
{
	char ext[INET6_ADDRSTRLEN];
	struct stored_map *sm;

	if (table_find(tb) >= 0) {
		put_ack(req, pid, -EEXIST, "npt6: mapping exists");
		return;
	}
	if (table_check_ext(req, pid, tb, -1, ext))
		return;
	if (ntable == TABLE_MAX) {
		put_ack(req, pid, -ENOSPC, NULL);
		return;
	}
	sm = &table[ntable++];
	memset(sm, 0, sizeof(*sm));
	sm->fm.ifindex = mnl_attr_get_u32(tb[NPT6_A_IFINDEX]);
	if (!if_indextoname(sm->fm.ifindex, sm->ifname))
		snprintf(sm->ifname, sizeof(sm->ifname), "if%u", sm->fm.ifindex);
	sm->fm.ifname = sm->ifname;
	attr_ntop(sm->int_pfx, tb[NPT6_A_INT_PREFIX]);
	sm->fm.int_pfx = sm->int_pfx;
	sm->fm.plen = mnl_attr_get_u8(tb[NPT6_A_PREFIX_LEN]);
	table_set_ext(sm, tb, ext);
	/* The module's default on anything but Ethernet, such as lo. */
	sm->fm.ndproxy = tb[NPT6_A_NDPROXY] ?
			 mnl_attr_get_u8(tb[NPT6_A_NDPROXY]) : NPT6_NDPROXY_OFF;
	sm->fm.mode = tb[NPT6_A_MODE] ? mnl_attr_get_u8(tb[NPT6_A_MODE]) :
					NPT6_MODE_RFC6296;
	sm->snpt[0] = ++nadds;
	sm->fm.snpt = sm->snpt;
	put_ack(req, pid, 0, NULL);
}

/* CHANGE: the same entry, counters and all, with a new external side. */
static void table_change(const struct nlmsghdr *req, uint32_t pid,
			 const struct nlattr *tb[NPT6_A_MAX + 1])
{
	char ext[INET6_ADDRSTRLEN];
	int k = table_find(tb);

	if (k < 0) {
		put_ack(req, pid, -ENOENT, "npt6: no such mapping");
		return;
	}
	if (table_check_ext(req, pid, tb, k, ext))
		return;
	table_set_ext(&table[k], tb, ext);
	if (tb[NPT6_A_NDPROXY])
		table[k].fm.ndproxy = mnl_attr_get_u8(tb[NPT6_A_NDPROXY]);
	/* As the module: the mode stays unless it is given. */
	if (tb[NPT6_A_MODE])
		table[k].fm.mode = mnl_attr_get_u8(tb[NPT6_A_MODE]);
	put_ack(req, pid, 0, NULL);
}

static void table_request(const struct nlmsghdr *req, uint32_t pid)
{
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(req);
	const struct nlattr *tb[NPT6_A_MAX + 1];
	struct nlmsghdr *nlh;
	unsigned int i;
	uint32_t ifindex;
	int k;

	req_attrs(req, tb);
	switch (gh->cmd) {
	case NPT6_CMD_MAP_GET:
		for (i = 0; i < ntable; i++)
			put_mapping(req, pid, 0, &table[i].fm);
		nlh = put_msg(NLMSG_DONE, NLM_F_MULTI, req->nlmsg_seq, pid);
		*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = 0;
		end_msg(nlh);
		return;
	case NPT6_CMD_MAP_ADD:
		table_add(req, pid, tb);
		return;
	case NPT6_CMD_MAP_CHANGE:
		table_change(req, pid, tb);
		return;
	case NPT6_CMD_MAP_DEL:
		if (tb[NPT6_A_MODE]) {
			put_ack(req, pid, -EINVAL,
				"A mapping is named by device and internal prefix only");
			return;
		}
		k = table_find(tb);
		if (k < 0) {
			put_ack(req, pid, -ENOENT, "npt6: no such mapping");
			return;
		}
		if (!strcmp(table[k].ext_pfx, "2001:db8:bad:1::")) {
			put_ack(req, pid, -EBUSY, "fake: mapping cannot be deleted");
			return;
		}
		table_remove((unsigned int)k);
		put_ack(req, pid, 0, NULL);
		return;
	case NPT6_CMD_MAP_FLUSH:
		ifindex = tb[NPT6_A_IFINDEX] ? mnl_attr_get_u32(tb[NPT6_A_IFINDEX]) : 0;
		for (i = ntable; i-- > 0;)
			if (!ifindex || table[i].fm.ifindex == ifindex)
				table_remove(i);
		put_ack(req, pid, 0, NULL);
		return;
	default:
		put_ack(req, pid, -EOPNOTSUPP, NULL);
		return;
	}
}

static void handle_npt6(const struct nlmsghdr *req, uint32_t pid)
{
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(req);

	fprintf(logf, "cmd=%u flags=0x%x ver=%u", gh->cmd, req->nlmsg_flags,
		gh->version);
	log_attrs(req);
	fputc('\n', logf);

	if (is("table")) {
		table_request(req, pid);
		return;
	}
	if (gh->cmd == NPT6_CMD_MAP_GET && (req->nlmsg_flags & NLM_F_DUMP) &&
	    !is("extack") && !is("uncapped") && !is("eperm")) {
		handle_dump(req, pid);
		return;
	}
	if (is("extack") || is("uncapped"))
		put_ack(req, pid, -EEXIST, "npt6: mapping exists");
	else if (is("eperm"))
		put_ack(req, pid, -EPERM, NULL);
	else if (is("warn"))
		put_ack(req, pid, 0, "npt6: just so you know");
	else
		put_ack(req, pid, 0, NULL);
}

/* One request of nptctl: to the controller, or to the family. */
static void handle(const struct nlmsghdr *nlh, uint32_t pid)
{
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		handle_ctrl(nlh, pid);
		/* Answer first: nptctl joins after the lookup. */
		if (is("events") || is("unload")) {
			flush_out(pid);
			send_events(pid);
		}
	} else if (nlh->nlmsg_type == FAMILY_ID) {
		handle_npt6(nlh, pid);
	} else {
		fprintf(logf, "unexpected type %u\n", nlh->nlmsg_type);
	}
}

int main(int argc, char *argv[])
{
	if (argc != 4) {
		fprintf(stderr, "usage: fake_npt6 SCENARIO PORTFILE LOGFILE\n");
		return 2;
	}
	scenario = argv[1];
	events_group = pick_group();
	if (!events_group) {
		fprintf(stderr, "fake_npt6: no free multicast group id\n");
		return 1;
	}
	if (!fake_open(NETLINK_GENERIC, argv[2], argv[3]))
		return 1;
	return fake_serve(handle);
}
