// SPDX-License-Identifier: GPL-2.0
/*
 * Talking to the npt6 generic netlink family through libmnl.
 *
 * The contract is uapi/linux/npt6.h.  The request and ack plumbing,
 * extended acks included, is nl.c's; here we look the family up, put
 * mappings into messages and take them out of replies and events.
 */

#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "err.h"
#include "genl.h"
#include "list.h"
#include "nl.h"

struct nptctl_genl {
	struct nptctl_nl nl;
	uint16_t family;
	uint32_t events_group;		/* NPT6_MCGRP_EVENTS, or 0 if none */
};

static struct nlmsghdr *msg_start(struct nptctl_genl *g, uint16_t type,
				  uint8_t cmd, uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = nl_msg_start(&g->nl, type, flags);
	struct genlmsghdr *gh;

	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = cmd;
	gh->version = version;
	return nlh;
}

static int transact(struct nptctl_genl *g, struct nlmsghdr *nlh,
		    mnl_cb_t cb, void *data)
{
	return nl_transact(&g->nl, nlh, cb, data);
}

static int report(struct nptctl_genl *g, int err, const char *what)
{
	return nl_report(&g->nl, err, what);
}

/* Family lookup --------------------------------------------------------- */

struct family_info {
	uint16_t id;
	uint32_t version;
	bool have_version;
	uint32_t events_group;
};

static const uint8_t family_policy[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID]		= NL_U16,
	[CTRL_ATTR_VERSION]		= NL_U32,
	[CTRL_ATTR_MCAST_GROUPS]	= NL_NESTED,
};

static const uint8_t mcast_group_policy[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
	[CTRL_ATTR_MCAST_GRP_NAME]	= NL_NUL_STRING,
	[CTRL_ATTR_MCAST_GRP_ID]	= NL_U32,
};

/* A controller message about a family into @fi: -EPROTO if malformed. */
static int family_from_msg(const struct nlmsghdr *nlh, struct family_info *fi)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	const struct nlattr *grp[CTRL_ATTR_MCAST_GRP_MAX + 1];
	const struct nlattr *a;

	if (nl_parse(nlh, sizeof(struct genlmsghdr), family_policy,
		     CTRL_ATTR_MAX, tb))
		return -EPROTO;
	if (tb[CTRL_ATTR_FAMILY_ID])
		fi->id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION]) {
		fi->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
		fi->have_version = true;
	}
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	/* An array: nests numbered 1, 2, ..., each one group; keep ours. */
	mnl_attr_for_each_nested(a, tb[CTRL_ATTR_MCAST_GROUPS]) {
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0 ||
		    nl_parse_nested(a, mcast_group_policy,
				    CTRL_ATTR_MCAST_GRP_MAX, grp))
			return -EPROTO;
		if (grp[CTRL_ATTR_MCAST_GRP_NAME] && grp[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(mnl_attr_get_str(grp[CTRL_ATTR_MCAST_GRP_NAME]),
			    NPT6_MCGRP_EVENTS))
			fi->events_group =
				mnl_attr_get_u32(grp[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != GENL_ID_CTRL || family_from_msg(nlh, data))
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

static int resolve_family(struct nptctl_genl *g)
{
	struct family_info fi = { 0 };
	struct nlmsghdr *nlh;
	int err;

	nlh = msg_start(g, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NPT6_GENL_NAME);

	err = transact(g, nlh, family_cb, &fi);
	if (err == -ENOENT) {
		/*
		 * The controller already tried request_module() for us, so
		 * the module is either absent or not installed.
		 */
		nptctl_err("npt6 kernel module is not loaded (try: modprobe npt6)");
		return err;
	}
	if (err < 0)
		return report(g, err, "find generic netlink family \"" NPT6_GENL_NAME "\"");
	if (!fi.id || !fi.have_version) {
		nptctl_err("Unable to find generic netlink family \"" NPT6_GENL_NAME "\": %s",
			   strerror(EPROTO));
		return -EPROTO;
	}

	/*
	 * The family version changes only when the protocol changes
	 * incompatibly, so any other version would misread our requests.
	 */
	if (fi.version != NPT6_GENL_VERSION) {
		nptctl_err("npt6 kernel module speaks netlink version %u but nptctl speaks version %u (install matching versions)",
			   fi.version, NPT6_GENL_VERSION);
		return -EPROTONOSUPPORT;
	}
	g->family = fi.id;
	g->events_group = fi.events_group;
	return 0;
}

struct nptctl_genl *genl_open(void)
{
	struct nptctl_genl *g = calloc(1, sizeof(*g));

	if (!g) {
		nptctl_err("Unable to allocate memory: %s", strerror(ENOMEM));
		return NULL;
	}
	if (nl_open(&g->nl, NETLINK_GENERIC) < 0) {
		free(g);
		return NULL;
	}
	if (resolve_family(g) < 0) {
		genl_close(g);
		return NULL;
	}
	return g;
}

void genl_close(struct nptctl_genl *g)
{
	if (!g)
		return;
	nl_close(&g->nl);
	free(g);
}

/* Mappings -------------------------------------------------------------- */

static const uint8_t map_policy[NPT6_A_MAX + 1] = {
	[NPT6_A_IFINDEX]	= NL_U32,
	[NPT6_A_IFNAME]		= NL_IFNAME,
	[NPT6_A_INT_PREFIX]	= NL_IN6,
	[NPT6_A_EXT_PREFIX]	= NL_IN6,
	[NPT6_A_TOKEN]		= NL_IN6,
	[NPT6_A_EXT_ADDR]	= NL_IN6,
	[NPT6_A_OLD_EXT_PREFIX]	= NL_IN6,
	[NPT6_A_PREFIX_LEN]	= NL_U8,
	[NPT6_A_NDPROXY]	= NL_U8,
	[NPT6_A_ACTIVE]		= NL_U8,
	[NPT6_A_EXT_AUTO]	= NL_FLAG,
	[NPT6_A_STATS]		= NL_NESTED,
	[NPT6_A_NDP_STATS]	= NL_NESTED,
	[NPT6_A_AUTO_IFINDEX]	= NL_U32,
	[NPT6_A_SUBNET]		= NL_U32,
	[NPT6_A_SOURCE]		= NL_IN6,
	[NPT6_A_SOURCE_LEN]	= NL_U8,
	[NPT6_A_INACTIVE]	= NL_U8,
	[NPT6_A_AUTO_PD]	= NL_FLAG,
	[NPT6_A_MODE]		= NL_U8,
};

static const uint8_t stats_policy[NPT6_STATS_MAX + 1] = {
	[NPT6_STATS_SNPT]	= NL_NESTED,
	[NPT6_STATS_DNPT]	= NL_NESTED,
};

/* NPT6_A_STATS: each direction's counters. */
static int get_stats(struct npt6_mapping *m, const struct nlattr *nest)
{
	const struct nlattr *tb[NPT6_STATS_MAX + 1];

	if (nl_parse_nested(nest, stats_policy, NPT6_STATS_MAX, tb) ||
	    (tb[NPT6_STATS_SNPT] &&
	     nl_parse_counters(tb[NPT6_STATS_SNPT], m->snpt.c, NPT6_DSTATS_MAX,
			       NPT6_DSTATS_PAD)) ||
	    (tb[NPT6_STATS_DNPT] &&
	     nl_parse_counters(tb[NPT6_STATS_DNPT], m->dnpt.c, NPT6_DSTATS_MAX,
			       NPT6_DSTATS_PAD)))
		return -EPROTO;
	return 0;
}

/*
 * A MAP_GET reply, or a notification, into @m and @tb (NPT6_A_MAX + 1
 * entries), where the caller finds what is not part of a mapping.  Every
 * attribute is checked before use.
 */
static int map_from_msg(const struct nlmsghdr *nlh, struct npt6_mapping *m,
			const struct nlattr **tb)
{
	memset(m, 0, sizeof(*m));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr) ||
	    nl_parse(nlh, sizeof(struct genlmsghdr), map_policy, NPT6_A_MAX, tb))
		return -EPROTO;
	if (!tb[NPT6_A_IFINDEX] || !tb[NPT6_A_INT_PREFIX] ||
	    !tb[NPT6_A_PREFIX_LEN])
		return -EPROTO;

	m->ifindex = mnl_attr_get_u32(tb[NPT6_A_IFINDEX]);
	nl_attr_get_in6(&m->int_prefix, tb[NPT6_A_INT_PREFIX]);
	m->plen = mnl_attr_get_u8(tb[NPT6_A_PREFIX_LEN]);
	if (m->plen > 128)
		return -EPROTO;

	/*
	 * Modules before NPT6_A_ACTIVE had static mappings only, always
	 * active.  An active mapping has an external prefix; an inactive
	 * one (an auto mapping waiting for an address) has none.
	 */
	m->active = !tb[NPT6_A_ACTIVE] || mnl_attr_get_u8(tb[NPT6_A_ACTIVE]);
	if (m->active) {
		if (!tb[NPT6_A_EXT_PREFIX])
			return -EPROTO;
		nl_attr_get_in6(&m->ext_prefix, tb[NPT6_A_EXT_PREFIX]);
	}
	m->ext_auto = !!tb[NPT6_A_EXT_AUTO];
	if (tb[NPT6_A_TOKEN]) {
		nl_attr_get_in6(&m->token, tb[NPT6_A_TOKEN]);
		m->has_token = true;
	}
	if (tb[NPT6_A_EXT_ADDR]) {
		nl_attr_get_in6(&m->ext_addr, tb[NPT6_A_EXT_ADDR]);
		m->has_ext_addr = true;
	}
	if (tb[NPT6_A_AUTO_IFINDEX]) {
		m->auto_ifindex = mnl_attr_get_u32(tb[NPT6_A_AUTO_IFINDEX]);
		if (!if_indextoname(m->auto_ifindex, m->auto_ifname))
			m->auto_ifname[0] = '\0';
	}
	m->auto_pd = !!tb[NPT6_A_AUTO_PD];
	if (tb[NPT6_A_SUBNET]) {
		m->subnet = mnl_attr_get_u32(tb[NPT6_A_SUBNET]);
		m->has_subnet = true;
	}
	if (tb[NPT6_A_SOURCE] && tb[NPT6_A_SOURCE_LEN]) {
		nl_attr_get_in6(&m->source, tb[NPT6_A_SOURCE]);
		m->source_len = mnl_attr_get_u8(tb[NPT6_A_SOURCE_LEN]);
		m->has_source = true;
	}
	if (tb[NPT6_A_INACTIVE]) {
		m->inactive = mnl_attr_get_u8(tb[NPT6_A_INACTIVE]);
		m->has_inactive = true;
	}
	if (tb[NPT6_A_NDPROXY]) {
		m->ndproxy = mnl_attr_get_u8(tb[NPT6_A_NDPROXY]);
		m->has_ndproxy = true;
	}
	/* Modules before NPT6_A_MODE translate as RFC 6296 says, only. */
	if (tb[NPT6_A_MODE]) {
		m->mode = mnl_attr_get_u8(tb[NPT6_A_MODE]);
		m->has_mode = true;
	}

	if (tb[NPT6_A_IFNAME])
		snprintf(m->ifname, sizeof(m->ifname), "%s",
			 mnl_attr_get_str(tb[NPT6_A_IFNAME]));
	else if (!if_indextoname(m->ifindex, m->ifname))
		m->ifname[0] = '\0';	/* the printer falls back to "ifN" */

	if (tb[NPT6_A_STATS]) {
		if (get_stats(m, tb[NPT6_A_STATS]))
			return -EPROTO;
		m->has_stats = true;
	}
	if (tb[NPT6_A_NDP_STATS]) {
		if (nl_parse_counters(tb[NPT6_A_NDP_STATS], m->ndp.c,
				      NPT6_NSTATS_MAX, NPT6_NSTATS_PAD))
			return -EPROTO;
		m->has_ndp_stats = true;
	}
	return 0;
}

struct dump_filter {
	uint16_t family;
	uint32_t ifindex;
};

static int map_decode(const struct nlmsghdr *nlh, void *item, void *data)
{
	const struct nlattr *tb[NPT6_A_MAX + 1];
	const struct dump_filter *f = data;
	struct npt6_mapping *m = item;
	int err;

	if (nlh->nlmsg_type != f->family)
		return -EPROTO;
	err = map_from_msg(nlh, m, tb);
	if (err)
		return err;
	/* The kernel filters by device already; this guards older ones. */
	return !f->ifindex || m->ifindex == f->ifindex;
}

/* Device, then internal prefix, then length: stable output for scripts. */
static int map_cmp(const void *a, const void *b)
{
	const struct npt6_mapping *x = a, *y = b;
	int c;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	c = memcmp(&x->int_prefix, &y->int_prefix, sizeof(x->int_prefix));
	if (c)
		return c;
	return (int)x->plen - (int)y->plen;
}

int genl_map_dump(struct nptctl_genl *g, uint32_t ifindex,
		  struct npt6_mapping **maps, size_t *n)
{
	struct dump_filter f = { .family = g->family, .ifindex = ifindex };
	const struct nl_dump d = {
		.decode = map_decode,
		.data = &f,
		.cmp = map_cmp,
		.what = "mappings",
		.changing = "mappings",
	};
	struct list l = { .size = sizeof(**maps) };
	struct nlmsghdr *nlh;
	int err;

	nlh = msg_start(g, g->family, NPT6_CMD_MAP_GET, NPT6_GENL_VERSION,
			NLM_F_DUMP);
	if (ifindex)
		mnl_attr_put_u32(nlh, NPT6_A_IFINDEX, ifindex);
	err = nl_dump(&g->nl, nlh, &d, &l);
	if (err < 0)
		return err;
	*maps = l.items;
	*n = l.n;
	return 0;
}

/*
 * A mapping is identified by (IFINDEX, INT_PREFIX, PREFIX_LEN); ADD also
 * describes its external side, its NDP proxy and its mode.  We put them
 * in the order the UAPI lists them.
 */
static void put_mapping(struct nlmsghdr *nlh, const struct npt6_mapping *m,
			bool add)
{
	mnl_attr_put_u32(nlh, NPT6_A_IFINDEX, m->ifindex);
	mnl_attr_put(nlh, NPT6_A_INT_PREFIX, sizeof(m->int_prefix),
		     &m->int_prefix);
	if (add && !m->ext_auto)
		mnl_attr_put(nlh, NPT6_A_EXT_PREFIX, sizeof(m->ext_prefix),
			     &m->ext_prefix);
	mnl_attr_put_u8(nlh, NPT6_A_PREFIX_LEN, m->plen);
	if (!add)
		return;
	/* Left out, the kernel picks: auto on Ethernet, else off. */
	if (m->has_ndproxy)
		mnl_attr_put_u8(nlh, NPT6_A_NDPROXY, m->ndproxy);
	if (m->ext_auto)
		mnl_attr_put(nlh, NPT6_A_EXT_AUTO, 0, NULL);
	if (m->ext_auto && m->has_token)
		mnl_attr_put(nlh, NPT6_A_TOKEN, sizeof(m->token), &m->token);
	if (m->ext_auto && m->auto_ifindex)
		mnl_attr_put_u32(nlh, NPT6_A_AUTO_IFINDEX, m->auto_ifindex);
	if (m->ext_auto && m->has_subnet)
		mnl_attr_put_u32(nlh, NPT6_A_SUBNET, m->subnet);
	if (m->ext_auto && m->auto_pd)
		mnl_attr_put(nlh, NPT6_A_AUTO_PD, 0, NULL);
	/* Left out, ADD makes an rfc6296 mapping and CHANGE keeps the mode. */
	if (m->has_mode)
		mnl_attr_put_u8(nlh, NPT6_A_MODE, m->mode);
}

/* Send @nlh, a request that changes something; "Unable to @what". */
static int request(struct nptctl_genl *g, struct nlmsghdr *nlh,
		   const char *what)
{
	int err = transact(g, nlh, NULL, NULL);

	return err < 0 ? report(g, err, what) : 0;
}

int genl_map_add(struct nptctl_genl *g, const struct npt6_mapping *m)
{
	struct nlmsghdr *nlh;

	nlh = msg_start(g, g->family, NPT6_CMD_MAP_ADD, NPT6_GENL_VERSION, 0);
	put_mapping(nlh, m, true);
	return request(g, nlh, "add mapping");
}

int genl_map_change(struct nptctl_genl *g, const struct npt6_mapping *m)
{
	struct nlmsghdr *nlh;

	nlh = msg_start(g, g->family, NPT6_CMD_MAP_CHANGE, NPT6_GENL_VERSION,
			0);
	put_mapping(nlh, m, true);
	return request(g, nlh, "change mapping");
}

int genl_map_del(struct nptctl_genl *g, const struct npt6_mapping *m)
{
	struct nlmsghdr *nlh;

	nlh = msg_start(g, g->family, NPT6_CMD_MAP_DEL, NPT6_GENL_VERSION, 0);
	put_mapping(nlh, m, false);
	return request(g, nlh, "delete mapping");
}

int genl_map_flush(struct nptctl_genl *g, uint32_t ifindex)
{
	struct nlmsghdr *nlh;

	nlh = msg_start(g, g->family, NPT6_CMD_MAP_FLUSH, NPT6_GENL_VERSION,
			0);
	if (ifindex)
		mnl_attr_put_u32(nlh, NPT6_A_IFINDEX, ifindex);
	return request(g, nlh, "flush mappings");
}

/* Events ---------------------------------------------------------------- */

/*
 * Room for the notifications of a flush of a few thousand mappings; a
 * slower reader than that loses events and is told so.
 */
#define EVENTS_RCVBUF	(4 << 20)

static int event_from_msg(const struct nlmsghdr *nlh, struct npt6_event *ev)
{
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NPT6_A_MAX + 1];
	int err;

	memset(ev, 0, sizeof(*ev));
	ev->cmd = gh->cmd;
	err = map_from_msg(nlh, &ev->map, tb);
	if (err)
		return err;
	if (tb[NPT6_A_OLD_EXT_PREFIX]) {
		nl_attr_get_in6(&ev->old_ext_prefix, tb[NPT6_A_OLD_EXT_PREFIX]);
		ev->has_old_ext = true;
	}
	return 0;
}

/*
 * The controller's notifications: CTRL_CMD_DELFAMILY for our family
 * means that the module is gone, and with it our group membership.
 */
static bool family_removed(const struct nptctl_genl *g,
			   const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *gh = mnl_nlmsg_get_payload(nlh);
	struct family_info fi = { 0 };

	if (gh->cmd != CTRL_CMD_DELFAMILY || family_from_msg(nlh, &fi))
		return false;
	return fi.id == g->family;
}

/*
 * The notifications in one datagram; a negative errno if @cb failed or
 * the family went away.
 */
static int handle_events(struct nptctl_genl *g, int len, genl_event_cb cb,
			 void *data)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)g->nl.rx;
	struct npt6_event ev;
	int err;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		const struct genlmsghdr *gh = mnl_nlmsg_get_payload(nlh);

		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*gh))
			continue;
		if (nlh->nlmsg_type == GENL_ID_CTRL && family_removed(g, nlh)) {
			nptctl_err("npt6 kernel module was unloaded");
			return -ENODEV;
		}
		if (nlh->nlmsg_type != g->family)
			continue;
		/* Commands are only ever appended: skip what is new. */
		if (gh->cmd != NPT6_CMD_MAP_ADD && gh->cmd != NPT6_CMD_MAP_DEL &&
		    gh->cmd != NPT6_CMD_MAP_CHANGE)
			continue;
		err = event_from_msg(nlh, &ev);
		if (err) {
			nptctl_warn("ignoring a malformed event: %s",
				    strerror(-err));
			continue;
		}
		err = cb(&ev, data);
		if (err < 0)
			return err;
	}
	return 0;
}

int genl_monitor(struct nptctl_genl *g, genl_event_cb cb, void *data,
		 const volatile sig_atomic_t *stop, const sigset_t *waitmask)
{
	int fd = mnl_socket_get_fd(g->nl.sock);
	unsigned int group = g->events_group, ctrl_group = GENL_ID_CTRL;
	int size = EVENTS_RCVBUF, err;

	if (!group) {
		nptctl_err("npt6 kernel module has no \"" NPT6_MCGRP_EVENTS "\" multicast group (install matching versions)");
		return -ENOENT;
	}
	/* Beyond net.core.rmem_max if we may, else as far as it allows. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	/*
	 * Unloading the module silently ends our membership; the controller
	 * says so on its "notify" group, whose id is fixed at GENL_ID_CTRL.
	 * Should joining it fail, we carry on, deaf to unloads only.
	 */
	mnl_socket_setsockopt(g->nl.sock, NETLINK_ADD_MEMBERSHIP, &ctrl_group,
			      sizeof(ctrl_group));
	if (mnl_socket_setsockopt(g->nl.sock, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0) {
		err = -errno;
		nptctl_err("Unable to join the npt6 \"" NPT6_MCGRP_EVENTS "\" multicast group: %s",
			   strerror(errno));
		return err;
	}

	while (!*stop) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_nl from;
		socklen_t flen = sizeof(from);
		ssize_t ret;

		/* The stop signals get through only while we wait here. */
		if (ppoll(&pfd, 1, NULL, waitmask) < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			nptctl_err("Unable to wait for events: %s",
				   strerror(errno));
			return err;
		}
		ret = recvfrom(fd, g->nl.rx, NL_RX_SIZE, MSG_DONTWAIT,
			       (struct sockaddr *)&from, &flen);
		if (ret < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ENOBUFS) {
				nptctl_warn("events were lost: the receive buffer overflowed");
				continue;
			}
			err = -errno;
			nptctl_err("Unable to receive events: %s",
				   strerror(errno));
			return err;
		}
		/* Only the kernel speaks for npt6 (or, in tests, its stand-in). */
		if (flen != sizeof(from) || from.nl_pid != g->nl.peer.nl_pid)
			continue;
		err = handle_events(g, (int)ret, cb, data);
		if (err < 0)
			return err;
	}
	return 0;
}
