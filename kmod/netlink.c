// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "npt6": the configuration interface.  The
 * protocol itself is documented in uapi/linux/npt6.h.
 *
 * Every operation requires CAP_NET_ADMIN over the namespace it acts on
 * (GENL_UNS_ADMIN_PERM), so root in a user namespace manages its own
 * namespaces and nothing else.  Changes and dumps run under rtnl, which
 * is what serialises the mapping table (see map.c).
 */

#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/netlink.h>

#include <uapi/linux/npt6.h>

#include "map.h"
#include "msg.h"
#include "net.h"
#include "netlink.h"

static const struct nla_policy npt6_policy[NPT6_A_MAX + 1] = {
	[NPT6_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[NPT6_A_IFNAME]		= { .type = NLA_REJECT,
				    .reject_message = "Name the device by ifindex" },
	[NPT6_A_INT_PREFIX]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[NPT6_A_EXT_PREFIX]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[NPT6_A_PREFIX_LEN]	= NLA_POLICY_RANGE(NLA_U8, 1, NPT6_MAX_PLEN),
	[NPT6_A_STATS]		= { .type = NLA_REJECT,
				    .reject_message = "Counters are read-only" },
	[NPT6_A_PAD]		= { .type = NLA_REJECT },
	[NPT6_A_NDPROXY]	= NLA_POLICY_MAX(NLA_U8, NPT6_NDPROXY_MAX),
	[NPT6_A_EXT_AUTO]	= { .type = NLA_FLAG },
	[NPT6_A_TOKEN]		= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[NPT6_A_EXT_ADDR]	= { .type = NLA_REJECT,
				    .reject_message = "Reported, not accepted" },
	[NPT6_A_ACTIVE]		= { .type = NLA_REJECT,
				    .reject_message = "Reported, not accepted" },
	[NPT6_A_OLD_EXT_PREFIX]	= { .type = NLA_REJECT },
	[NPT6_A_NDP_STATS]	= { .type = NLA_REJECT,
				    .reject_message = "Counters are read-only" },
	[NPT6_A_AUTO_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[NPT6_A_SUBNET]		= { .type = NLA_U32 },
	[NPT6_A_SOURCE]		= { .type = NLA_REJECT,
				    .reject_message = "Reported, not accepted" },
	[NPT6_A_SOURCE_LEN]	= { .type = NLA_REJECT,
				    .reject_message = "Reported, not accepted" },
	[NPT6_A_INACTIVE]	= { .type = NLA_REJECT,
				    .reject_message = "Reported, not accepted" },
	[NPT6_A_AUTO_PD]	= { .type = NLA_FLAG },
	[NPT6_A_MODE]		= NLA_POLICY_MAX(NLA_U8, NPT6_MODE_MAX),
};

/* Events reveal every mapping: listening needs the same privilege. */
static const struct genl_multicast_group npt6_mcgrps[] = {
	[NPT6_MCGRP_EVENTS_ID] = { .name = NPT6_MCGRP_EVENTS,
				   .flags = GENL_MCAST_CAP_NET_ADMIN },
};

bool npt6_netlink_live;

/* A parsed request: the device, and the mapping it names or describes. */
struct npt6_req {
	struct net_device *dev;
	struct npt6_map_cfg cfg;
};

static int npt6_parse_dev(struct net *net, struct genl_info *info,
			  struct npt6_req *req)
{
	u32 ifindex;

	if (GENL_REQ_ATTR_CHECK(info, NPT6_A_IFINDEX))
		return -EINVAL;
	ifindex = nla_get_u32(info->attrs[NPT6_A_IFINDEX]);
	req->dev = __dev_get_by_index(net, ifindex);
	if (!req->dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NPT6_A_IFINDEX],
				    "No such device in this network namespace");
		return -ENODEV;
	}
	return 0;
}

static int npt6_parse_prefix(struct genl_info *info, int attr, u8 plen,
			     struct in6_addr *pfx)
{
	nla_memcpy(pfx, info->attrs[attr], sizeof(*pfx));
	if (!npt6_prefix_valid(pfx, plen)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
				    "Prefix has host bits set beyond its length");
		return -EINVAL;
	}
	return 0;
}

/* Attributes that only describe a new mapping, never name one. */
static const int npt6_add_only_attrs[] = {
	NPT6_A_EXT_PREFIX, NPT6_A_EXT_AUTO, NPT6_A_TOKEN, NPT6_A_NDPROXY,
	NPT6_A_AUTO_IFINDEX, NPT6_A_SUBNET, NPT6_A_AUTO_PD, NPT6_A_MODE,
};

/* Attributes that only mean something with EXT_AUTO. */
static const int npt6_auto_only_attrs[] = {
	NPT6_A_TOKEN, NPT6_A_AUTO_IFINDEX, NPT6_A_SUBNET, NPT6_A_AUTO_PD,
};

/* With EXT_AUTO: which address to follow, and which subnet of it. */
static int npt6_parse_auto(struct genl_info *info, struct npt6_auto_cfg *ac)
{
	struct nlattr **attrs = info->attrs;
	struct nlattr *nla;

	nla = attrs[NPT6_A_TOKEN];
	if (nla) {
		nla_memcpy(&ac->token, nla, sizeof(ac->token));
		if (ac->token.s6_addr32[0] || ac->token.s6_addr32[1]) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "A token is an interface ID: its first 64 bits must be zero");
			return -EINVAL;
		}
	}
	nla = attrs[NPT6_A_AUTO_IFINDEX];
	if (nla) {
		ac->ifindex = nla_get_u32(nla);
		/* Checked now; if it goes later, the mapping goes inactive. */
		if (!__dev_get_by_index(genl_info_net(info), ac->ifindex)) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "No such device in this network namespace");
			return -ENODEV;
		}
	}
	nla = attrs[NPT6_A_SUBNET];
	if (nla) {
		ac->subnet_set = true;
		ac->subnet = nla_get_u32(nla);
	}
	ac->pd = nla_get_flag(attrs[NPT6_A_AUTO_PD]);
	if (ac->pd && (attrs[NPT6_A_TOKEN] || attrs[NPT6_A_AUTO_IFINDEX])) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[NPT6_A_AUTO_PD],
				    "A delegated prefix is followed by its route, not by an address");
		return -EINVAL;
	}
	return 0;
}

/*
 * The external side of an ADD or CHANGE request: a prefix, or auto with
 * what it follows.
 */
static int npt6_parse_ext(struct genl_info *info, struct npt6_map_cfg *cfg)
{
	struct nlattr **attrs = info->attrs;
	unsigned int i;

	cfg->ext_auto = nla_get_flag(attrs[NPT6_A_EXT_AUTO]);
	if (cfg->ext_auto) {
		if (attrs[NPT6_A_EXT_PREFIX]) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[NPT6_A_EXT_PREFIX],
					    "Give an external prefix or auto, not both");
			return -EINVAL;
		}
		if (cfg->plen != 64) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[NPT6_A_PREFIX_LEN],
					    "An auto external prefix is a /64");
			return -EINVAL;
		}
		return npt6_parse_auto(info, &cfg->autocfg);
	}
	for (i = 0; i < ARRAY_SIZE(npt6_auto_only_attrs); i++) {
		struct nlattr *nla = attrs[npt6_auto_only_attrs[i]];

		if (nla) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "Only an auto external prefix takes this");
			return -EINVAL;
		}
	}
	if (GENL_REQ_ATTR_CHECK(info, NPT6_A_EXT_PREFIX))
		return -EINVAL;
	return npt6_parse_prefix(info, NPT6_A_EXT_PREFIX, cfg->plen,
				 &cfg->ext_pfx);
}

/*
 * Parse IFINDEX, INT_PREFIX, PREFIX_LEN and, for ADD and CHANGE (@add),
 * the external side and the NDP proxy mode.
 */
static int npt6_parse_req(struct genl_info *info, struct npt6_req *req,
			  bool add)
{
	struct net *net = genl_info_net(info);
	struct npt6_map_cfg *cfg = &req->cfg;
	unsigned int i;
	int err;

	memset(req, 0, sizeof(*req));
	if (GENL_REQ_ATTR_CHECK(info, NPT6_A_INT_PREFIX) ||
	    GENL_REQ_ATTR_CHECK(info, NPT6_A_PREFIX_LEN))
		return -EINVAL;
	cfg->plen = nla_get_u8(info->attrs[NPT6_A_PREFIX_LEN]);
	err = npt6_parse_prefix(info, NPT6_A_INT_PREFIX, cfg->plen,
				&cfg->int_pfx);
	if (err)
		return err;
	if (!add) {
		for (i = 0; i < ARRAY_SIZE(npt6_add_only_attrs); i++) {
			struct nlattr *nla = info->attrs[npt6_add_only_attrs[i]];

			if (nla) {
				NL_SET_ERR_MSG_ATTR(info->extack, nla,
						    "A mapping is named by device and internal prefix only");
				return -EINVAL;
			}
		}
		return npt6_parse_dev(net, info, req);
	}

	err = npt6_parse_ext(info, cfg);
	if (err)
		return err;
	err = npt6_parse_dev(net, info, req);
	if (err)
		return err;
	/*
	 * The proxy defaults to auto where there is a link layer to proxy;
	 * CHANGE keeps what the mapping has unless told.
	 */
	cfg->ndproxy_set = !!info->attrs[NPT6_A_NDPROXY];
	if (cfg->ndproxy_set)
		cfg->ndproxy = nla_get_u8(info->attrs[NPT6_A_NDPROXY]);
	else
		cfg->ndproxy = req->dev->type == ARPHRD_ETHER ?
			       NPT6_NDPROXY_DEFAULT_ETHER :
			       NPT6_NDPROXY_DEFAULT_OTHER;
	/* Likewise the mode: rfc6296 for a new mapping, CHANGE keeps it. */
	cfg->mode_set = !!info->attrs[NPT6_A_MODE];
	if (cfg->mode_set)
		cfg->mode = nla_get_u8(info->attrs[NPT6_A_MODE]);
	else
		cfg->mode = NPT6_MODE_RFC6296;
	return 0;
}

/* ADD makes a mapping, CHANGE re-points one: the same request. */
static int npt6_nl_map_set(struct sk_buff *skb, struct genl_info *info)
{
	bool add = info->genlhdr->cmd == NPT6_CMD_MAP_ADD;
	struct net *net = genl_info_net(info);
	struct npt6_req req;
	int err;

	rtnl_lock();
	err = npt6_parse_req(info, &req, true);
	if (!err && (req.dev->flags & IFF_LOOPBACK)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NPT6_A_IFINDEX],
				    "The loopback device cannot be an external device");
		err = -EINVAL;
	}
	if (!err)
		err = add ? npt6_map_add(net, req.dev, &req.cfg, info->extack) :
			    npt6_map_change(net, req.dev, &req.cfg,
					    info->extack);
	rtnl_unlock();
	return err;
}

static int npt6_nl_map_del(struct sk_buff *skb, struct genl_info *info)
{
	struct npt6_req req;
	int err;

	rtnl_lock();
	err = npt6_parse_req(info, &req, false);
	if (!err)
		err = npt6_map_del(genl_info_net(info), req.dev,
				   &req.cfg.int_pfx, req.cfg.plen, info->extack);
	rtnl_unlock();
	return err;
}

static int npt6_nl_map_get(struct sk_buff *skb, struct genl_info *info)
{
	struct npt6_map *map;
	struct npt6_req req;
	struct sk_buff *msg;
	int err;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	rtnl_lock();
	err = npt6_parse_req(info, &req, false);
	if (err)
		goto out;
	map = npt6_map_find(genl_info_net(info), req.dev, &req.cfg.int_pfx,
			    req.cfg.plen);
	if (!map) {
		NL_SET_ERR_MSG(info->extack, "No mapping for this internal prefix on this device");
		err = -ENOENT;
		goto out;
	}
	err = npt6_msg_fill_map(msg, map, info->snd_portid, info->snd_seq, 0,
				NPT6_CMD_MAP_GET, NULL);
out:
	rtnl_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Dump cursor: cb->args[0] is the position in the device list and
 * cb->args[1] the position in that device's mapping list.  Both lists can
 * change between two calls; cb->seq and the namespace's generation count
 * then mark the dump inconsistent (NLM_F_DUMP_INTR) so userspace retries.
 */
static int npt6_nl_map_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = genl_info_dump(cb)->attrs;
	struct net *net = sock_net(skb->sk);
	struct npt6_net *nn = npt6_net(net);
	long dev_idx = 0, map_idx;
	struct npt6_map *map;
	struct npt6_dev *xdev;
	u32 ifindex = 0;
	int err = 0;

	if (attrs[NPT6_A_IFINDEX])
		ifindex = nla_get_u32(attrs[NPT6_A_IFINDEX]);

	rtnl_lock();
	cb->seq = nn->gen;
	list_for_each_entry(xdev, &nn->devs, list) {
		if (dev_idx++ < cb->args[0])
			continue;
		if (ifindex && xdev->dev->ifindex != ifindex) {
			cb->args[0] = dev_idx;
			continue;
		}
		map_idx = 0;
		list_for_each_entry(map, &xdev->maps, list) {
			if (map_idx++ < cb->args[1])
				continue;
			err = npt6_msg_fill_map(skb, map,
						NETLINK_CB(cb->skb).portid,
						cb->nlh->nlmsg_seq, NLM_F_MULTI,
						NPT6_CMD_MAP_GET, cb);
			if (err)
				goto out;
			cb->args[1] = map_idx;
		}
		cb->args[0] = dev_idx;
		cb->args[1] = 0;
	}
out:
	rtnl_unlock();
	/* A full skb ends this round; the cursor resumes the next one. */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

static int npt6_nl_map_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct net_device *dev = NULL;
	struct npt6_req req;
	int err = 0;

	rtnl_lock();
	if (info->attrs[NPT6_A_IFINDEX]) {
		err = npt6_parse_dev(net, info, &req);
		dev = req.dev;
	}
	if (!err)
		npt6_map_flush(net, dev);
	rtnl_unlock();
	return err;
}

static const struct genl_ops npt6_genl_ops[] = {
	{
		.cmd = NPT6_CMD_MAP_ADD,
		.doit = npt6_nl_map_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NPT6_CMD_MAP_DEL,
		.doit = npt6_nl_map_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NPT6_CMD_MAP_GET,
		.doit = npt6_nl_map_get,
		.dumpit = npt6_nl_map_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NPT6_CMD_MAP_FLUSH,
		.doit = npt6_nl_map_flush,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NPT6_CMD_MAP_CHANGE,
		.doit = npt6_nl_map_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

struct genl_family npt6_genl_family __ro_after_init = {
	.name = NPT6_GENL_NAME,
	.version = NPT6_GENL_VERSION,
	.maxattr = NPT6_A_MAX,
	.policy = npt6_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = npt6_genl_ops,
	.n_ops = ARRAY_SIZE(npt6_genl_ops),
	.mcgrps = npt6_mcgrps,
	.n_mcgrps = ARRAY_SIZE(npt6_mcgrps),
	/*
	 * No .resv_start_op: it exempts older commands from the checks of
	 * the genl header (reserved must be 0, no nlmsg_flags the core does
	 * not act on), for families whose users relied on sloppiness.  Ours
	 * never had such users, so 6.1 and later check every command.
	 */
};

int __init npt6_netlink_init(void)
{
	int err;

	err = genl_register_family(&npt6_genl_family);
	if (!err)
		WRITE_ONCE(npt6_netlink_live, true);
	return err;
}

void npt6_netlink_uninit(void)
{
	/* rtnl orders this against npt6_msg_notify(), which runs under it. */
	rtnl_lock();
	WRITE_ONCE(npt6_netlink_live, false);
	rtnl_unlock();
	genl_unregister_family(&npt6_genl_family);
}
