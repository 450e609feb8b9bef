// SPDX-License-Identifier: GPL-2.0
/*
 * npt6 tunnels are links of kind NPT6_TNL_KIND, so they are made, changed,
 * listed and deleted over rtnetlink like any link, with their settings in
 * IFLA_LINKINFO { IFLA_INFO_KIND, IFLA_INFO_DATA { IFLA_NPT6TNL_* } }.  The
 * contract is the tunnel section of uapi/linux/npt6.h; the request and ack
 * plumbing is nl.c's.
 *
 * Creating a tunnel needs no modprobe: the kernel loads the module through
 * its "rtnl-link-npt6tnl" alias when it meets the kind.
 */

#include <errno.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "err.h"
#include "list.h"
#include "nl.h"
#include "rtnl.h"

/* What the kernel says when it knows no such link kind, module or not. */
#define UNKNOWN_KIND_MSG	"Unknown device type"

struct nptctl_rtnl {
	struct nptctl_nl nl;
};

struct nptctl_rtnl *rtnl_open(void)
{
	struct nptctl_rtnl *r = calloc(1, sizeof(*r));

	if (!r) {
		nptctl_err("Unable to allocate memory: %s", strerror(ENOMEM));
		return NULL;
	}
	if (nl_open(&r->nl, NETLINK_ROUTE) < 0) {
		free(r);
		return NULL;
	}
	return r;
}

void rtnl_close(struct nptctl_rtnl *r)
{
	if (!r)
		return;
	nl_close(&r->nl);
	free(r);
}

/* A link request: the header and an ifinfomsg for link @ifindex (or 0). */
static struct nlmsghdr *link_msg(struct nptctl_rtnl *r, uint16_t type,
				 uint16_t flags, uint32_t ifindex)
{
	struct nlmsghdr *nlh = nl_msg_start(&r->nl, type, flags);
	struct ifinfomsg *ifi;

	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	return nlh;
}

/* Decoding ------------------------------------------------------------- */

static const uint8_t link_policy[IFLA_MAX + 1] = {
	[IFLA_IFNAME]		= NL_IFNAME,
	[IFLA_MTU]		= NL_U32,
	[IFLA_LINKINFO]		= NL_NESTED,
};

static const uint8_t linkinfo_policy[IFLA_INFO_MAX + 1] = {
	[IFLA_INFO_KIND]	= NL_STRING,
	[IFLA_INFO_DATA]	= NL_NESTED,
};

static const uint8_t tnl_policy[IFLA_NPT6TNL_MAX + 1] = {
	[IFLA_NPT6TNL_LINK]		= NL_U32,
	[IFLA_NPT6TNL_TCLASS]		= NL_U32,
	[IFLA_NPT6TNL_FLOWLABEL]	= NL_U32,
	[IFLA_NPT6TNL_REMOTE]		= NL_IN6,
	[IFLA_NPT6TNL_LOCAL]		= NL_IN6,
	[IFLA_NPT6TNL_TOKEN]		= NL_IN6,
	[IFLA_NPT6TNL_ACTIVE_LOCAL]	= NL_IN6,
	[IFLA_NPT6TNL_LOCAL_AUTO]	= NL_FLAG,
	[IFLA_NPT6TNL_HOPLIMIT]		= NL_U8,
	[IFLA_NPT6TNL_ENCAPLIMIT]	= NL_U16,
	[IFLA_NPT6TNL_MSS]		= NL_U16,
	[IFLA_NPT6TNL_FASTPATH]		= NL_U8,
};

/* IFLA_INFO_KIND is NUL-terminated from Linux, but its length says it all. */
static bool kind_is_ours(const struct nlattr *kind)
{
	size_t len = mnl_attr_get_payload_len(kind);
	const char *s = mnl_attr_get_payload(kind);

	if (len && s[len - 1] == '\0')
		len--;
	return len == strlen(NPT6_TNL_KIND) && !memcmp(s, NPT6_TNL_KIND, len);
}

/*
 * The counters we show, from struct rtnl_link_stats64 as this kernel
 * lays it out: older ones send a shorter struct, newer a longer one, and
 * the fields we read have been there since the beginning.
 */
static int get_stats(struct npt6_tnl_stats *st, const struct nlattr *attr)
{
	struct rtnl_link_stats64 s64 = { 0 };
	size_t len = mnl_attr_get_payload_len(attr);

	if (len < offsetof(struct rtnl_link_stats64, tx_carrier_errors) +
		  sizeof(s64.tx_carrier_errors))
		return -EPROTO;
	memcpy(&s64, mnl_attr_get_payload(attr),
	       len < sizeof(s64) ? len : sizeof(s64));
	st->rx_packets = s64.rx_packets;
	st->rx_bytes = s64.rx_bytes;
	st->rx_errors = s64.rx_errors;
	st->rx_dropped = s64.rx_dropped;
	st->tx_packets = s64.tx_packets;
	st->tx_bytes = s64.tx_bytes;
	st->tx_errors = s64.tx_errors;
	st->tx_dropped = s64.tx_dropped;
	st->tx_carrier_errors = s64.tx_carrier_errors;
	return 0;
}

/* Our settings, from IFLA_INFO_DATA; every attribute checked before use. */
static int tunnel_from_data(const struct nlattr *data, struct npt6_tunnel *t)
{
	const struct nlattr *tb[IFLA_NPT6TNL_MAX + 1];
	int id;

	if (nl_parse_nested(data, tnl_policy, IFLA_NPT6TNL_MAX, tb))
		return -EPROTO;
	/* What every tunnel has, and exactly one kind of local address. */
	if (!tb[IFLA_NPT6TNL_LINK] || !tb[IFLA_NPT6TNL_REMOTE] ||
	    !tb[IFLA_NPT6TNL_LOCAL] == !tb[IFLA_NPT6TNL_LOCAL_AUTO])
		return -EPROTO;

	t->has_link = true;
	t->link = mnl_attr_get_u32(tb[IFLA_NPT6TNL_LINK]);
	t->has_remote = true;
	nl_attr_get_in6(&t->remote, tb[IFLA_NPT6TNL_REMOTE]);
	if (tb[IFLA_NPT6TNL_LOCAL]) {
		t->has_local = true;
		nl_attr_get_in6(&t->local, tb[IFLA_NPT6TNL_LOCAL]);
	}
	t->local_auto = !!tb[IFLA_NPT6TNL_LOCAL_AUTO];
	if (tb[IFLA_NPT6TNL_TOKEN]) {
		t->has_token = true;
		nl_attr_get_in6(&t->token, tb[IFLA_NPT6TNL_TOKEN]);
	}
	if (tb[IFLA_NPT6TNL_ACTIVE_LOCAL]) {
		t->has_active_local = true;
		nl_attr_get_in6(&t->active_local, tb[IFLA_NPT6TNL_ACTIVE_LOCAL]);
	}
	for (id = TN_HOPLIMIT; id < TN_COUNT; id++) {
		const struct nlattr *a = tb[tunnel_number(id)->attr];

		/* The policy checked the width, which is the field's. */
		if (a)
			tunnel_set_number(t, id, tunnel_number(id)->size == 1 ?
					  mnl_attr_get_u8(a) :
					  tunnel_number(id)->size == 2 ?
					  mnl_attr_get_u16(a) :
					  mnl_attr_get_u32(a));
	}

	/* The link is in our namespace: tunnels cannot leave theirs. */
	if (!if_indextoname(t->link, t->link_name))
		t->link_name[0] = '\0';	/* the printer falls back to "ifN" */
	return 0;
}

/*
 * An RTM_NEWLINK reply into @t: any link's index and name, and the rest
 * if it is one of ours (t->is_npt6).
 */
static int tunnel_from_msg(const struct nlmsghdr *nlh, struct npt6_tunnel *t)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct nlattr *li[IFLA_INFO_MAX + 1];
	const struct ifinfomsg *ifi;
	int err;

	memset(t, 0, sizeof(*t));
	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -EPROTO;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (nl_parse(nlh, sizeof(*ifi), link_policy, IFLA_MAX, tb) ||
	    !tb[IFLA_IFNAME])
		return -EPROTO;
	t->ifindex = (uint32_t)ifi->ifi_index;
	snprintf(t->name, sizeof(t->name), "%s",
		 mnl_attr_get_str(tb[IFLA_IFNAME]));

	if (!tb[IFLA_LINKINFO])
		return 0;	/* no kind at all: lo, or a plain NIC */
	if (nl_parse_nested(tb[IFLA_LINKINFO], linkinfo_policy, IFLA_INFO_MAX,
			    li))
		return -EPROTO;
	if (!li[IFLA_INFO_KIND] || !kind_is_ours(li[IFLA_INFO_KIND]))
		return 0;

	t->is_npt6 = true;
	if (!li[IFLA_INFO_DATA])
		return -EPROTO;
	err = tunnel_from_data(li[IFLA_INFO_DATA], t);
	if (err)
		return err;
	if (tb[IFLA_MTU]) {
		t->has_mtu = true;
		t->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	}
	if (tb[IFLA_STATS64]) {
		err = get_stats(&t->stats, tb[IFLA_STATS64]);
		if (err)
			return err;
		t->has_stats = true;
	}
	return 0;
}

/* Requests ------------------------------------------------------------- */

static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	int err = tunnel_from_msg(nlh, data);

	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

int rtnl_tunnel_lookup(struct nptctl_rtnl *r, const char *name,
		       struct npt6_tunnel *t)
{
	struct nlmsghdr *nlh;
	int err;

	memset(t, 0, sizeof(*t));
	nlh = link_msg(r, RTM_GETLINK, 0, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	err = nl_transact(&r->nl, nlh, get_cb, t);
	if (err == -ENODEV)
		return err;
	if (err < 0) {
		char what[IF_NAMESIZE + 32];

		snprintf(what, sizeof(what), "find device \"%s\"", name);
		return nl_report(&r->nl, err, what);
	}
	if (!t->ifindex) {
		/* Acked, but no link came with it. */
		nptctl_err("Unable to find device \"%s\": %s", name,
			   strerror(EPROTO));
		return -EPROTO;
	}
	return 0;
}

int rtnl_tunnel_get(struct nptctl_rtnl *r, const char *name,
		    struct npt6_tunnel *t)
{
	int err = rtnl_tunnel_lookup(r, name, t);

	if (err == -ENODEV)
		nptctl_err("unknown device \"%s\"", name);
	return err;
}

/*
 * IFLA_LINKINFO with our kind and what @t has, in the order of the UAPI;
 * nothing at all if @t has no tunnel setting (a change of MTU only).
 */
static void put_linkinfo(struct nlmsghdr *nlh, const struct npt6_tunnel *t)
{
	struct nlattr *info, *data;
	bool any = t->has_link || t->has_remote || t->has_local ||
		   t->local_auto || t->has_token;
	uint32_t v;
	int id;

	for (id = TN_HOPLIMIT; id < TN_COUNT && !any; id++)
		any = tunnel_get_number(t, id, &v);
	if (!any)
		return;

	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, NPT6_TNL_KIND);
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	if (t->has_link)
		mnl_attr_put_u32(nlh, IFLA_NPT6TNL_LINK, t->link);
	if (t->has_remote)
		mnl_attr_put(nlh, IFLA_NPT6TNL_REMOTE, sizeof(t->remote),
			     &t->remote);
	if (t->has_local)
		mnl_attr_put(nlh, IFLA_NPT6TNL_LOCAL, sizeof(t->local),
			     &t->local);
	else if (t->local_auto)
		mnl_attr_put(nlh, IFLA_NPT6TNL_LOCAL_AUTO, 0, NULL);
	if (t->has_token)
		mnl_attr_put(nlh, IFLA_NPT6TNL_TOKEN, sizeof(t->token),
			     &t->token);
	for (id = TN_HOPLIMIT; id < TN_COUNT; id++) {
		const struct tunnel_number *n = tunnel_number(id);

		if (!tunnel_get_number(t, id, &v))
			continue;
		if (n->size == 1)
			mnl_attr_put_u8(nlh, n->attr, (uint8_t)v);
		else if (n->size == 2)
			mnl_attr_put_u16(nlh, n->attr, (uint16_t)v);
		else
			mnl_attr_put_u32(nlh, n->attr, v);
	}
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
}

int rtnl_tunnel_add(struct nptctl_rtnl *r, const struct npt6_tunnel *t)
{
	struct nlmsghdr *nlh;
	int err;

	nlh = link_msg(r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, t->name);
	if (t->has_mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, t->mtu);
	put_linkinfo(nlh, t);
	err = nl_transact(&r->nl, nlh, NULL, NULL);
	if (err >= 0)
		return 0;

	/*
	 * The kernel tried request_module("rtnl-link-npt6tnl") before it
	 * said this, so the module is absent or not installed.
	 */
	if (err == -EOPNOTSUPP &&
	    (!r->nl.extack[0] || !strcmp(r->nl.extack, UNKNOWN_KIND_MSG))) {
		nptctl_err("npt6 kernel module is not loaded (try: modprobe npt6)");
		return err;
	}
	if (err == -EEXIST && !r->nl.extack[0]) {
		nptctl_err("device \"%s\" already exists", t->name);
		return err;
	}
	return nl_report(&r->nl, err, "add tunnel");
}

/*
 * Send @nlh, a request about the existing link @t; "unknown device" if it
 * is gone, else "Unable to @what".
 */
static int link_request(struct nptctl_rtnl *r, struct nlmsghdr *nlh,
			const struct npt6_tunnel *t, const char *what)
{
	int err = nl_transact(&r->nl, nlh, NULL, NULL);

	if (err == -ENODEV && !r->nl.extack[0]) {
		nptctl_err("unknown device \"%s\"", t->name);
		return err;
	}
	return err < 0 ? nl_report(&r->nl, err, what) : 0;
}

int rtnl_tunnel_change(struct nptctl_rtnl *r, const struct npt6_tunnel *t)
{
	struct nlmsghdr *nlh;

	/* No NLM_F_CREATE: should the link be gone by now, nothing is made. */
	nlh = link_msg(r, RTM_NEWLINK, 0, t->ifindex);
	if (t->has_mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, t->mtu);
	put_linkinfo(nlh, t);
	return link_request(r, nlh, t, "change tunnel");
}

int rtnl_tunnel_del(struct nptctl_rtnl *r, const struct npt6_tunnel *t)
{
	return link_request(r, link_msg(r, RTM_DELLINK, 0, t->ifindex), t,
			    "delete tunnel");
}

static int tunnel_decode(const struct nlmsghdr *nlh, void *item, void *data)
{
	struct npt6_tunnel *t = item;
	int err;

	(void)data;
	err = tunnel_from_msg(nlh, t);
	if (err)
		return err;
	/*
	 * The kernel filters by kind only when it knows the kind, that is
	 * with the module loaded; without, it sends every link.
	 */
	return t->is_npt6;
}

static int tunnel_cmp(const void *a, const void *b)
{
	const struct npt6_tunnel *x = a, *y = b;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	return 0;
}

int rtnl_tunnel_dump(struct nptctl_rtnl *r, struct npt6_tunnel **tuns,
		     size_t *n)
{
	static const struct nl_dump d = {
		.decode = tunnel_decode,
		.cmp = tunnel_cmp,
		.what = "tunnels",
		.changing = "links",
	};
	struct list l = { .size = sizeof(**tuns) };
	struct nlmsghdr *nlh;
	struct nlattr *info;
	int err;

	nlh = link_msg(r, RTM_GETLINK, NLM_F_DUMP, 0);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, NPT6_TNL_KIND);
	mnl_attr_nest_end(nlh, info);
	err = nl_dump(&r->nl, nlh, &d, &l);
	if (err < 0)
		return err;
	*tuns = l.items;
	*n = l.n;
	return 0;
}
