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
 * until killed, or for 30 seconds at most.
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
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/npt6.h>

#define FAMILY_ID	0x2345

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
		perror("fake_npt6: sendto");
	olen = 0;
}

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

static void put_dstats(struct nlmsghdr *nlh, uint16_t type,
		       const uint64_t c[7])
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	int i;

	/* As nla_put_u64_64bit() may: an empty pad attribute first. */
	mnl_attr_put(nlh, NPT6_DSTATS_PAD, 0, NULL);
	for (i = 0; i < 7; i++)
		mnl_attr_put_u64(nlh, NPT6_DSTATS_PACKETS + i, c[i]);
	/* A counter from the future, which nptctl must skip. */
	mnl_attr_put_u64(nlh, NPT6_DSTATS_MAX + 1, 999);
	mnl_attr_nest_end(nlh, nest);
}

static void put_mapping(const struct nlmsghdr *req, uint32_t pid,
			uint16_t flags, uint32_t ifindex, const char *ifname,
			const char *int_pfx, const char *ext_pfx, uint8_t plen,
			const uint64_t snpt[7], const uint64_t dnpt[7])
{
	struct nlmsghdr *nlh = put_msg(FAMILY_ID, NLM_F_MULTI | flags,
				       req->nlmsg_seq, pid);
	struct in6_addr a;
	struct nlattr *nest;

	put_genl(nlh, NPT6_CMD_MAP_GET, NPT6_GENL_VERSION);
	mnl_attr_put_u32(nlh, NPT6_A_IFINDEX, ifindex);
	mnl_attr_put_strz(nlh, NPT6_A_IFNAME, ifname);
	inet_pton(AF_INET6, int_pfx, &a);
	mnl_attr_put(nlh, NPT6_A_INT_PREFIX, is("badattr") ? 15 : sizeof(a),
		     &a);
	inet_pton(AF_INET6, ext_pfx, &a);
	mnl_attr_put(nlh, NPT6_A_EXT_PREFIX, sizeof(a), &a);
	mnl_attr_put_u8(nlh, NPT6_A_PREFIX_LEN, plen);
	/* An attribute from the future, which nptctl must skip. */
	mnl_attr_put_u32(nlh, NPT6_A_MAX + 1, 0xdeadbeef);
	nest = mnl_attr_nest_start(nlh, NPT6_A_STATS);
	put_dstats(nlh, NPT6_STATS_SNPT, snpt);
	put_dstats(nlh, NPT6_STATS_DNPT, dnpt);
	mnl_attr_nest_end(nlh, nest);
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
	end_msg(nlh);
	put_ack(req, pid, 0, NULL);
}

static void handle_dump(const struct nlmsghdr *req, uint32_t pid)
{
	static const uint64_t a_snpt[7] = { 10, 1040, 1, 0, 2, 3, 4 };
	static const uint64_t a_dnpt[7] = { 20, 2080, 5, 6, 0, 7, 8 };
	static const uint64_t b_snpt[7] = { UINT64_MAX, 1ULL << 40 };
	static const uint64_t b_dnpt[7] = { 0 };
	uint16_t flags = 0;
	struct nlmsghdr *nlh;
	int error = 0;

	dumps++;
	if (is("intr") && dumps == 1)
		flags = NLM_F_DUMP_INTR;

	if (is("escape")) {
		put_mapping(req, pid, flags, 7, "q\"b\\s", "fd00::", "2406::",
			    64, a_snpt, a_dnpt);
	} else if (!is("empty") && !is("dumperr")) {
		/* Deliberately out of order: nptctl sorts. */
		put_mapping(req, pid, flags, 5, "ge1", "fdce:b680:5c56:5::",
			    "2406:2d40:3084:e000::", 64, b_snpt, b_dnpt);
		put_mapping(req, pid, flags, 3, "ge0", "fd00::", "2406::",
			    64, a_snpt, a_dnpt);
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

static void handle_npt6(const struct nlmsghdr *req, uint32_t pid)
{
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(req);

	fprintf(logf, "cmd=%u flags=0x%x ver=%u", gh->cmd, req->nlmsg_flags,
		gh->version);
	log_attrs(req);
	fputc('\n', logf);

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

int main(int argc, char *argv[])
{
	static char buf[65536] __attribute__((aligned(8)));
	struct mnl_socket *nl;
	FILE *pf;

	if (argc != 4) {
		fprintf(stderr, "usage: fake_npt6 SCENARIO PORTFILE LOGFILE\n");
		return 2;
	}
	scenario = argv[1];
	logf = fopen(argv[3], "w");
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!logf || !nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("fake_npt6");
		return 1;
	}
	setvbuf(logf, NULL, _IOLBF, 0);
	fd = mnl_socket_get_fd(nl);

	pf = fopen(argv[2], "w");
	if (!pf) {
		perror("fake_npt6");
		return 1;
	}
	fprintf(pf, "%u\n", mnl_socket_get_portid(nl));
	fclose(pf);

	alarm(30);
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
			perror("fake_npt6: recvfrom");
			return 1;
		}
		len = (int)n;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type == GENL_ID_CTRL)
				handle_ctrl(nlh, from.nl_pid);
			else if (nlh->nlmsg_type == FAMILY_ID)
				handle_npt6(nlh, from.nl_pid);
			else
				fprintf(logf, "unexpected type %u\n",
					nlh->nlmsg_type);
		}
		flush_out(from.nl_pid);
	}
}
