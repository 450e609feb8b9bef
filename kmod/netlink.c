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

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <net/netlink.h>

#include <uapi/linux/npt6.h>

#include "map.h"
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
};

static struct genl_family npt6_genl_family;

/* The (device, internal prefix) that names a mapping in a request. */
struct npt6_req {
	struct net_device *dev;
	struct in6_addr int_pfx;
	struct in6_addr ext_pfx;
	u8 plen;
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

/* Parse IFINDEX, INT_PREFIX, PREFIX_LEN and, if @want_ext, EXT_PREFIX. */
static int npt6_parse_req(struct genl_info *info, struct npt6_req *req,
			  bool want_ext)
{
	struct net *net = genl_info_net(info);
	int err;

	if (GENL_REQ_ATTR_CHECK(info, NPT6_A_INT_PREFIX) ||
	    GENL_REQ_ATTR_CHECK(info, NPT6_A_PREFIX_LEN) ||
	    (want_ext && GENL_REQ_ATTR_CHECK(info, NPT6_A_EXT_PREFIX)))
		return -EINVAL;
	req->plen = nla_get_u8(info->attrs[NPT6_A_PREFIX_LEN]);
	err = npt6_parse_prefix(info, NPT6_A_INT_PREFIX, req->plen, &req->int_pfx);
	if (err)
		return err;
	if (want_ext) {
		err = npt6_parse_prefix(info, NPT6_A_EXT_PREFIX, req->plen,
					&req->ext_pfx);
		if (err)
			return err;
	} else if (info->attrs[NPT6_A_EXT_PREFIX]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NPT6_A_EXT_PREFIX],
				    "A mapping is named by its internal prefix only");
		return -EINVAL;
	}
	return npt6_parse_dev(net, info, req);
}

static int npt6_put_dir_stats(struct sk_buff *skb, int attr,
			      const u64 ctr[NPT6_CTR_MAX])
{
	static const int ids[NPT6_CTR_MAX] = {
		[NPT6_CTR_PACKETS]	  = NPT6_DSTATS_PACKETS,
		[NPT6_CTR_BYTES]	  = NPT6_DSTATS_BYTES,
		[NPT6_CTR_ICMP_INNER]	  = NPT6_DSTATS_ICMP_INNER,
		[NPT6_CTR_LOCAL]	  = NPT6_DSTATS_LOCAL,
		[NPT6_CTR_COLLISION]	  = NPT6_DSTATS_COLLISION,
		[NPT6_CTR_DROP_UNMAPPABLE] = NPT6_DSTATS_DROP_UNMAPPABLE,
		[NPT6_CTR_DROP_NOMEM]	  = NPT6_DSTATS_DROP_NOMEM,
	};
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < NPT6_CTR_MAX; i++)
		if (nla_put_u64_64bit(skb, ids[i], ctr[i], NPT6_DSTATS_PAD))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int npt6_put_stats(struct sk_buff *skb, const struct npt6_map *map)
{
	u64 ctr[NPT6_DIR_MAX][NPT6_CTR_MAX];
	struct nlattr *nest;

	npt6_map_read_stats(map, ctr);
	nest = nla_nest_start(skb, NPT6_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (npt6_put_dir_stats(skb, NPT6_STATS_SNPT, ctr[NPT6_DIR_SNPT]) ||
	    npt6_put_dir_stats(skb, NPT6_STATS_DNPT, ctr[NPT6_DIR_DNPT])) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int npt6_fill_map(struct sk_buff *skb, const struct npt6_map *map,
			 u32 portid, u32 seq, int flags,
			 struct netlink_callback *cb)
{
	const struct net_device *dev = map->ndev->dev;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &npt6_genl_family, flags,
			  NPT6_CMD_MAP_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, NPT6_A_IFINDEX, dev->ifindex) ||
	    nla_put_string(skb, NPT6_A_IFNAME, dev->name) ||
	    nla_put_in6_addr(skb, NPT6_A_INT_PREFIX, &map->int_pfx) ||
	    nla_put_in6_addr(skb, NPT6_A_EXT_PREFIX, &map->ext_pfx) ||
	    nla_put_u8(skb, NPT6_A_PREFIX_LEN, map->node.plen) ||
	    npt6_put_stats(skb, map)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int npt6_nl_map_add(struct sk_buff *skb, struct genl_info *info)
{
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
		err = npt6_map_add(genl_info_net(info), req.dev, &req.int_pfx,
				   &req.ext_pfx, req.plen, info->extack);
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
		err = npt6_map_del(genl_info_net(info), req.dev, &req.int_pfx,
				   req.plen, info->extack);
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
	map = npt6_map_find(genl_info_net(info), req.dev, &req.int_pfx, req.plen);
	if (!map) {
		NL_SET_ERR_MSG(info->extack, "No mapping for this internal prefix on this device");
		err = -ENOENT;
		goto out;
	}
	err = npt6_fill_map(msg, map, info->snd_portid, info->snd_seq, 0, NULL);
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
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct net *net = sock_net(skb->sk);
	struct npt6_net *nn = npt6_net(net);
	struct npt6_table_node *node;
	long dev_idx = 0, map_idx;
	struct npt6_dev *nd;
	u32 ifindex = 0;
	int err = 0;

	if (info->attrs[NPT6_A_IFINDEX])
		ifindex = nla_get_u32(info->attrs[NPT6_A_IFINDEX]);

	rtnl_lock();
	cb->seq = nn->gen;
	list_for_each_entry(nd, &nn->devs, list) {
		if (dev_idx++ < cb->args[0])
			continue;
		if (ifindex && nd->dev->ifindex != ifindex) {
			cb->args[0] = dev_idx;
			continue;
		}
		map_idx = 0;
		list_for_each_entry(node, &nd->table.nodes, list) {
			if (map_idx++ < cb->args[1])
				continue;
			err = npt6_fill_map(skb,
					    container_of(node, struct npt6_map, node),
					    NETLINK_CB(cb->skb).portid,
					    cb->nlh->nlmsg_seq, NLM_F_MULTI, cb);
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
		.doit = npt6_nl_map_add,
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
};

static struct genl_family npt6_genl_family __ro_after_init = {
	.name = NPT6_GENL_NAME,
	.version = NPT6_GENL_VERSION,
	.maxattr = NPT6_A_MAX,
	.policy = npt6_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = npt6_genl_ops,
	.n_ops = ARRAY_SIZE(npt6_genl_ops),
	NPT6_GENL_RESV_START_OP(NPT6_CMD_MAP_FLUSH + 1)
};

int __init npt6_netlink_init(void)
{
	return genl_register_family(&npt6_genl_family);
}

void npt6_netlink_uninit(void)
{
	genl_unregister_family(&npt6_genl_family);
}
