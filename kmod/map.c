// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime of mappings and of the per-device state that carries them.
 *
 * Locking: every change happens under rtnl, which also serialises us
 * against device unregistration, namespace teardown and the auto-prefix
 * watcher.  The packet path never takes a lock; it reaches a struct
 * npt6_dev through the priv pointer of its own netfilter hook and finds
 * mappings in the RCU-safe table.
 *
 * Rules everything below relies on:
 *   - a mapping the packet path may have seen is never modified; it is
 *     replaced by a new struct (npt6_map_set_ext()) or unlinked, and freed
 *     after a grace period (call_rcu);
 *   - a device's hooks are unregistered when its last mapping goes, then
 *     we wait for every packet already inside a hook (synchronize_net)
 *     before the table and the npt6_dev are freed.
 */

#include <linux/if_arp.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include <uapi/linux/npt6.h>

#include "autoprefix.h"
#include "hairpin.h"
#include "map.h"
#include "msg.h"
#include "net.h"
#include "pdroute.h"
#include "xlat.h"

static struct npt6_dev *npt6_dev_find(struct npt6_net *nn,
				      const struct net_device *dev)
{
	struct npt6_dev *xdev;

	ASSERT_RTNL();
	list_for_each_entry(xdev, &nn->devs, list)
		if (xdev->dev == dev)
			return xdev;
	return NULL;
}

/*
 * Neighbor Discovery, DAD and multicast live in fe80::/10 and ff00::/8;
 * translating them would break the link itself.  It also lets the local
 * address snapshot leave link-local addresses out.
 */
static bool npt6_prefix_link_scope(const struct in6_addr *pfx, u8 plen)
{
	static const __be64 ll = cpu_to_be64(0xfe80ULL << 48);
	static const __be64 mc = cpu_to_be64(0xff00ULL << 48);
	__be64 hi = npt6_addr_hi(pfx);

	return !((hi ^ ll) & npt6_plen_mask(min_t(u8, plen, 10))) ||
	       !((hi ^ mc) & npt6_plen_mask(min_t(u8, plen, 8)));
}

static struct npt6_dev *npt6_dev_create(struct net *net,
					struct net_device *dev)
{
	struct npt6_net *nn = npt6_net(net);
	struct npt6_dev *xdev;
	int err;

	xdev = kzalloc(sizeof(*xdev), GFP_KERNEL);
	if (!xdev)
		return ERR_PTR(-ENOMEM);
	err = npt6_table_init(&xdev->table);
	if (err)
		goto err_free;
	INIT_LIST_HEAD(&xdev->maps);

	xdev->dev = dev;
	xdev->local = &nn->local;
	npt6_local_enable(xdev->local, net);
	xdev->ops[NPT6_DIR_DNPT] = (struct nf_hook_ops) {
		.hook = npt6_xlat_ingress,
		.pf = NFPROTO_NETDEV,
		.hooknum = NF_NETDEV_INGRESS,
		.priority = 0,
		.dev = dev,
		.priv = xdev,
	};
	/* The netdev egress hook, or its fallback on old kernels (compat.h). */
	xdev->ops[NPT6_DIR_SNPT] = (struct nf_hook_ops) {
		NPT6_NF_EGRESS_OPS,
		.dev = dev,
		.priv = xdev,
	};
	/* The hooks go live at once; the table is still empty, so harmless. */
	err = nf_register_net_hooks(net, xdev->ops, NPT6_DIR_MAX);
	if (err)
		goto err_table;

	/* The namespace's first external device: hairpinning starts. */
	if (list_empty(&nn->devs)) {
		err = npt6_hairpin_register(nn);
		if (err)
			goto err_hooks;
	}

	netdev_hold(dev, &xdev->dev_tracker, GFP_KERNEL);
	list_add_tail_rcu(&xdev->list, &nn->devs);
	pr_debug("device %s attached\n", dev->name);
	return xdev;

err_hooks:
	nf_unregister_net_hooks(net, xdev->ops, NPT6_DIR_MAX);
err_table:
	npt6_table_destroy(&xdev->table);
err_free:
	kfree(xdev);
	return ERR_PTR(err);
}

static void npt6_dev_destroy(struct net *net, struct npt6_dev *xdev)
{
	WARN_ON(xdev->nmaps || xdev->nproxy);
	list_del_rcu(&xdev->list);
	nf_unregister_net_hooks(net, xdev->ops, NPT6_DIR_MAX);
	if (list_empty(&npt6_net(net)->devs))
		npt6_hairpin_unregister(npt6_net(net));
	/*
	 * Packets already inside our hooks, the hairpin hooks included, may
	 * still use xdev and its table.
	 */
	synchronize_net();
	npt6_table_destroy(&xdev->table);
	pr_debug("device %s detached\n", xdev->dev->name);
	netdev_put(xdev->dev, &xdev->dev_tracker);
	kfree(xdev);
}

static void npt6_map_free_rcu(struct rcu_head *head)
{
	struct npt6_map *map = container_of(head, struct npt6_map, rcu);

	if (!test_bit(NPT6_MAP_STATS_MOVED, &map->flags))
		free_percpu(map->stats);
	kfree(map);
}

/*
 * Where an auto mapping's external prefix comes from, as things are now:
 * the address followed and the prefix it is on-link in, the external
 * prefix they give, or why there is none.
 */
struct npt6_source {
	struct in6_addr ext_pfx;
	struct in6_addr addr;
	struct in6_addr src_pfx;
	u8 src_len;
	u8 why;				/* enum npt6_inactive */
};

/* Give @map the external prefix @ext_pfx, or none if it is NULL. */
static void npt6_map_set_prefix(struct npt6_map *map,
				const struct in6_addr *ext_pfx)
{
	bool keep_iid = map->mode == NPT6_MODE_KEEP_IID;
	u8 plen = map->node.plen;

	map->active = !!ext_pfx;
	if (!ext_pfx) {
		map->ext_pfx = in6addr_any;
		return;
	}
	map->ext_pfx = *ext_pfx;
	map->node.ext_key = npt6_addr_hi(ext_pfx);
	npt6_rewrite_init(&map->rw[NPT6_DIR_SNPT], &map->int_pfx, ext_pfx, plen,
			  keep_iid);
	npt6_rewrite_init(&map->rw[NPT6_DIR_DNPT], ext_pfx, &map->int_pfx, plen,
			  keep_iid);
}

/* Give an auto mapping what @src says: a prefix, or the reason for none. */
static void npt6_map_set_source(struct npt6_map *map,
				const struct npt6_source *src)
{
	bool ok = src->why == NPT6_INACTIVE_NONE;

	npt6_map_set_prefix(map, ok ? &src->ext_pfx : NULL);
	map->ext_addr = ok ? src->addr : in6addr_any;
	map->src_pfx = ok ? src->src_pfx : in6addr_any;
	map->src_len = ok ? src->src_len : 0;
	map->inactive = src->why;
}

/*
 * What @map (on @xdev's device, or on the device it names) should follow
 * now: an address (autoprefix.c), and either its own prefix or the N-th
 * subnet of the mapping's length inside the prefix it is on-link in; or
 * the N-th subnet of the delegated prefix (pdroute.c).  Under rtnl.
 */
static void npt6_map_resolve(struct net *net, const struct npt6_map *map,
			     struct net_device *xdev_dev,
			     struct npt6_source *src)
{
	const struct npt6_auto_cfg *ac = &map->autocfg;
	u8 plen = map->node.plen, alen;
	struct net_device *dev;
	unsigned int bits;
	__be64 hi;

	memset(src, 0, sizeof(*src));
	if (ac->pd) {
		if (!npt6_pd_pick(npt6_net(net), plen, &src->src_pfx,
				  &src->src_len)) {
			src->why = NPT6_INACTIVE_NO_SOURCE;
			return;
		}
	} else {
		dev = ac->ifindex ? __dev_get_by_index(net, ac->ifindex) :
				    xdev_dev;
		if (!dev || !npt6_auto_pick(dev, &ac->token, &src->addr, &alen)) {
			src->why = NPT6_INACTIVE_NO_SOURCE;
			return;
		}
		/* Without a subnet, the address's own prefix, as always. */
		src->src_len = ac->subnet_set ? min(alen, plen) : plen;
		ipv6_addr_prefix(&src->src_pfx, &src->addr, src->src_len);
	}
	bits = plen - src->src_len;
	if (bits < 32 && ac->subnet >> bits) {
		src->why = NPT6_INACTIVE_SUBNET;
		return;
	}
	hi = npt6_addr_hi(&src->src_pfx);
	if (ac->subnet_set)
		hi |= cpu_to_be64((u64)ac->subnet << (64 - plen));
	memcpy(&src->ext_pfx, &hi, sizeof(hi));
}

/* Does an inactive mapping of @xdev overlap @pfx/@plen internally? */
static int npt6_inactive_conflict(struct npt6_dev *xdev,
				  const struct in6_addr *pfx, u8 plen)
{
	__be64 key = npt6_addr_hi(pfx);
	struct npt6_map *map;

	list_for_each_entry(map, &xdev->maps, list) {
		u8 len = min(plen, map->node.plen);

		if (map->active)
			continue;
		if ((key ^ map->node.int_key) & npt6_plen_mask(len))
			continue;
		return map->node.plen == plen && map->node.int_key == key ?
		       -EEXIST : -EBUSY;
	}
	return 0;
}

static int npt6_check_conflict(struct npt6_dev *xdev, const struct npt6_map *map,
			       struct netlink_ext_ack *extack)
{
	bool on_ext = false;
	int err;

	err = npt6_inactive_conflict(xdev, &map->int_pfx, map->node.plen);
	if (!err && map->active)
		err = npt6_table_conflict(&xdev->table, map->node.int_key,
					  map->node.ext_key, map->node.plen,
					  &on_ext);
	else if (!err)
		err = npt6_table_conflict_int(&xdev->table, map->node.int_key,
					      map->node.plen);
	if (err == -EEXIST) {
		NL_SET_ERR_MSG(extack, "Internal prefix already mapped on this device");
	} else if (err) {
		if (on_ext && map->active)
			NL_SET_ERR_MSG(extack, "External prefix overlaps another mapping");
		else
			NL_SET_ERR_MSG(extack, "Internal prefix overlaps another mapping");
	}
	return err;
}

static int npt6_proxy_get(struct npt6_dev *xdev)
{
	int err;

	if (xdev->nproxy++)
		return 0;
	/*
	 * NS for a translated address go to its solicited-node group, which
	 * nobody on this device has joined.
	 */
	err = dev_set_allmulti(xdev->dev, 1);
	if (err)
		xdev->nproxy--;
	return err;
}

static void npt6_proxy_put(struct npt6_dev *xdev)
{
	if (!--xdev->nproxy)
		dev_set_allmulti(xdev->dev, -1);
}

/*
 * An auto mapping keeps the watcher running, and an auto pd one the FIB
 * notifier registered (pdroute.c): @on takes those references for @map,
 * !@on drops them.  Under rtnl.
 */
static void npt6_map_hold_sources(struct npt6_net *nn,
				  const struct npt6_map *map, bool on)
{
	if (!map->ext_auto)
		return;
	if (on) {
		npt6_auto_get(nn);
		if (map->autocfg.pd)
			npt6_pd_get(nn);
	} else {
		if (map->autocfg.pd)
			npt6_pd_put(nn);
		npt6_auto_put(nn);
	}
}

/* What add and change refuse whatever the mappings around. */
static int npt6_cfg_check(const struct net_device *dev,
			  const struct npt6_map_cfg *cfg,
			  struct netlink_ext_ack *extack)
{
	if (!npt6_prefix_valid(&cfg->int_pfx, cfg->plen) ||
	    (!cfg->ext_auto && !npt6_prefix_valid(&cfg->ext_pfx, cfg->plen))) {
		NL_SET_ERR_MSG(extack, "Prefix length out of range or host bits set");
		return -EINVAL;
	}
	if (npt6_prefix_link_scope(&cfg->int_pfx, cfg->plen) ||
	    (!cfg->ext_auto && npt6_prefix_link_scope(&cfg->ext_pfx, cfg->plen))) {
		NL_SET_ERR_MSG(extack,
			       "Prefix overlaps link-local or multicast space");
		return -EINVAL;
	}
	if (cfg->ndproxy != NPT6_NDPROXY_OFF && dev->type != ARPHRD_ETHER) {
		NL_SET_ERR_MSG(extack, "The NDP proxy needs an Ethernet device");
		return -EOPNOTSUPP;
	}
	return 0;
}

/* The external side of @cfg, and its prefix as things are now, on @map. */
static void npt6_map_configure(struct net *net, struct npt6_map *map,
			       struct net_device *dev,
			       const struct npt6_map_cfg *cfg)
{
	struct npt6_source src;

	map->ext_auto = cfg->ext_auto;
	if (!cfg->ext_auto) {
		memset(&map->autocfg, 0, sizeof(map->autocfg));
		memset(&src, 0, sizeof(src));
		src.ext_pfx = cfg->ext_pfx;
		npt6_map_set_source(map, &src);
		return;
	}
	map->autocfg = cfg->autocfg;
	npt6_map_resolve(net, map, dev, &src);
	npt6_map_set_source(map, &src);
}

int npt6_map_add(struct net *net, struct net_device *dev,
		 const struct npt6_map_cfg *cfg, struct netlink_ext_ack *extack)
{
	struct npt6_net *nn = npt6_net(net);
	struct npt6_map *map;
	struct npt6_dev *xdev;
	bool created = false;
	int err;

	ASSERT_RTNL();
	err = npt6_cfg_check(dev, cfg, extack);
	if (err)
		return err;

	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	map->stats = netdev_alloc_pcpu_stats(struct npt6_stats);
	if (!map->stats) {
		err = -ENOMEM;
		goto err_free;
	}
	map->int_pfx = cfg->int_pfx;
	map->node.int_key = npt6_addr_hi(&cfg->int_pfx);
	map->node.plen = cfg->plen;
	map->ndproxy = cfg->ndproxy;
	map->mode = cfg->mode;
	map->resolve_tat = jiffies;
	npt6_map_configure(net, map, dev, cfg);

	xdev = npt6_dev_find(nn, dev);
	if (!xdev) {
		xdev = npt6_dev_create(net, dev);
		if (IS_ERR(xdev)) {
			err = PTR_ERR(xdev);
			NL_SET_ERR_MSG(extack, "Cannot attach netfilter hooks to the device");
			goto err_free;
		}
		created = true;
	}
	map->xdev = xdev;

	err = npt6_check_conflict(xdev, map, extack);
	if (err)
		goto err_dev;
	if (map->ndproxy != NPT6_NDPROXY_OFF) {
		err = npt6_proxy_get(xdev);
		if (err) {
			NL_SET_ERR_MSG(extack, "Cannot set the device to allmulti");
			goto err_dev;
		}
	}
	if (map->active) {
		err = npt6_table_insert(&xdev->table, &map->node);
		if (err) {
			NL_SET_ERR_MSG(extack, "Cannot insert mapping into the lookup table");
			goto err_proxy;
		}
	}
	list_add_tail(&map->list, &xdev->maps);
	xdev->nmaps++;
	npt6_map_hold_sources(nn, map, true);
	npt6_hairpin_update(nn, map->active ? &map->node : NULL);
	nn->gen++;
	pr_debug("mapping %pI6c/%u -> %pI6c/%u on %s created\n",
		 &map->int_pfx, map->node.plen, &map->ext_pfx, map->node.plen,
		 dev->name);
	npt6_msg_notify(net, map, NPT6_CMD_MAP_ADD, NULL);
	return 0;

err_proxy:
	if (map->ndproxy != NPT6_NDPROXY_OFF)
		npt6_proxy_put(xdev);
err_dev:
	if (created)
		npt6_dev_destroy(net, xdev);
err_free:
	free_percpu(map->stats);
	kfree(map);
	return err;
}

/* Unlink @map; it is freed after a grace period, the device maybe now. */
static void npt6_map_remove(struct net *net, struct npt6_map *map)
{
	struct npt6_net *nn = npt6_net(net);
	struct npt6_dev *xdev = map->xdev;

	npt6_msg_notify(net, map, NPT6_CMD_MAP_DEL, NULL);
	if (map->active)
		npt6_table_remove(&xdev->table, &map->node);
	list_del(&map->list);
	xdev->nmaps--;
	if (map->ndproxy != NPT6_NDPROXY_OFF)
		npt6_proxy_put(xdev);
	npt6_map_hold_sources(nn, map, false);
	npt6_hairpin_update(nn, NULL);
	nn->gen++;
	pr_debug("mapping %pI6c/%u -> %pI6c/%u on %s destroyed\n",
		 &map->int_pfx, map->node.plen, &map->ext_pfx, map->node.plen,
		 xdev->dev->name);
	call_rcu(&map->rcu, npt6_map_free_rcu);
	if (!xdev->nmaps)
		npt6_dev_destroy(net, xdev);
}

/*
 * Put @new, a copy of @map with another external side, in @map's place:
 * the packet path may be using @map, so it is freed after a grace period,
 * and @new takes its counters.  On failure nothing has changed and @new is
 * still the caller's.  Under rtnl.
 */
static int npt6_map_swap(struct net *net, struct npt6_map *map,
			 struct npt6_map *new)
{
	struct npt6_dev *xdev = map->xdev;
	int err = 0;

	if (map->active && new->active)
		err = npt6_table_replace(&xdev->table, &map->node, &new->node);
	else if (new->active)
		err = npt6_table_insert(&xdev->table, &new->node);
	else if (map->active)
		npt6_table_remove(&xdev->table, &map->node);
	if (err)
		return err;
	list_replace(&map->list, &new->list);
	set_bit(NPT6_MAP_STATS_MOVED, &map->flags);
	npt6_hairpin_update(npt6_net(net), new->active ? &new->node : NULL);
	npt6_net(net)->gen++;
	call_rcu(&map->rcu, npt6_map_free_rcu);
	return 0;
}

/* A copy of @map to change and swap in, or NULL. */
static struct npt6_map *npt6_map_dup(const struct npt6_map *map)
{
	struct npt6_map *new = kmemdup(map, sizeof(*map), GFP_KERNEL);

	if (new)
		new->flags = 0;
	return new;
}

/*
 * Tell the log and the events group that @new took the place of a mapping
 * that was on @old_ext (active or not, and why not: @old_why).  A mapping
 * that stays inactive for another reason (no address, then a prefix too
 * short for its subnet) is news too.
 */
static void npt6_map_moved(struct net *net, const struct npt6_map *new,
			   const struct in6_addr *old_ext, bool was_active,
			   u8 old_why)
{
	if (ipv6_addr_equal(old_ext, &new->ext_pfx) &&
	    was_active == new->active && old_why == new->inactive)
		return;
	pr_info("%s: %pI6c/%u now maps to %pI6c/%u%s\n", new->xdev->dev->name,
		&new->int_pfx, new->node.plen, &new->ext_pfx, new->node.plen,
		new->active ? "" : " (inactive)");
	npt6_msg_notify(net, new, NPT6_CMD_MAP_CHANGE, old_ext);
}

/*
 * Point an auto mapping at what @src says, or deactivate it.  A prefix
 * that overlaps another mapping's is refused; the mapping stays where it
 * was, and says so.
 */
static int npt6_map_set_ext(struct net *net, struct npt6_map *map,
			    const struct npt6_source *src)
{
	struct npt6_dev *xdev = map->xdev;
	struct in6_addr old_ext = map->ext_pfx;
	bool was_active = map->active;
	u8 old_why = map->inactive;
	struct npt6_map *new;
	int err;

	ASSERT_RTNL();
	new = npt6_map_dup(map);
	if (!new)
		return -ENOMEM;
	npt6_map_set_source(new, src);
	if (new->active) {
		err = npt6_table_conflict_ext(&xdev->table, new->node.ext_key,
					      new->node.plen, &map->node);
		if (err) {
			net_warn_ratelimited("npt6: %s: external prefix %pI6c/%u of %pI6c overlaps another mapping; %pI6c/%u stays %s\n",
					     xdev->dev->name, &new->ext_pfx,
					     new->node.plen, &src->addr,
					     &map->int_pfx, map->node.plen,
					     was_active ? "on its old prefix" : "inactive");
			if (!map->active)
				map->inactive = NPT6_INACTIVE_OVERLAP;
			kfree(new);
			return err;
		}
	}
	err = npt6_map_swap(net, map, new);
	if (err) {
		kfree(new);
		return err;
	}
	npt6_map_moved(net, new, &old_ext, was_active, old_why);
	return 0;
}

/*
 * Re-point the mapping @cfg names to @cfg's external side, and proxy
 * mode if @cfg names one, in one step: the same swap as an auto mapping's
 * move, so its counters stay, no packet goes untranslated, and listeners
 * get one MAP_CHANGE.  For hook scripts and nptctl -b.
 */
int npt6_map_change(struct net *net, struct net_device *dev,
		    const struct npt6_map_cfg *cfg,
		    struct netlink_ext_ack *extack)
{
	struct npt6_net *nn = npt6_net(net);
	bool was_active, proxy_was_on, proxy_on;
	struct npt6_map_cfg c = *cfg;
	struct npt6_map *map, *new;
	struct in6_addr old_ext;
	struct npt6_dev *xdev;
	int err;

	ASSERT_RTNL();
	map = npt6_map_find(net, dev, &cfg->int_pfx, cfg->plen);
	if (!map) {
		NL_SET_ERR_MSG(extack, "No mapping for this internal prefix on this device");
		return -ENOENT;
	}
	if (!c.ndproxy_set)
		c.ndproxy = map->ndproxy;
	if (!c.mode_set)
		c.mode = map->mode;
	err = npt6_cfg_check(dev, &c, extack);
	if (err)
		return err;

	xdev = map->xdev;
	new = npt6_map_dup(map);
	if (!new)
		return -ENOMEM;
	new->ndproxy = c.ndproxy;
	new->mode = c.mode;
	npt6_map_configure(net, new, dev, &c);
	if (new->active) {
		err = npt6_table_conflict_ext(&xdev->table, new->node.ext_key,
					      new->node.plen, &map->node);
		if (err) {
			NL_SET_ERR_MSG(extack, "External prefix overlaps another mapping");
			goto err_free;
		}
	}
	proxy_was_on = map->ndproxy != NPT6_NDPROXY_OFF;
	proxy_on = new->ndproxy != NPT6_NDPROXY_OFF;
	if (proxy_on && !proxy_was_on) {
		err = npt6_proxy_get(xdev);
		if (err) {
			NL_SET_ERR_MSG(extack, "Cannot set the device to allmulti");
			goto err_free;
		}
	}

	/*
	 * The new sources first: the watcher and the FIB notifier stay on
	 * if both mappings need them.  After the swap, @map belongs to RCU:
	 * keep what we need of it.
	 */
	npt6_map_hold_sources(nn, new, true);
	npt6_map_hold_sources(nn, map, false);
	old_ext = map->ext_pfx;
	was_active = map->active;
	err = npt6_map_swap(net, map, new);
	if (err) {
		npt6_map_hold_sources(nn, map, true);
		npt6_map_hold_sources(nn, new, false);
		if (proxy_on && !proxy_was_on)
			npt6_proxy_put(xdev);
		NL_SET_ERR_MSG(extack, "Cannot update the lookup table");
		goto err_free;
	}
	if (proxy_was_on && !proxy_on)
		npt6_proxy_put(xdev);
	pr_info("%s: %pI6c/%u changed: maps to %pI6c/%u%s\n", dev->name,
		&new->int_pfx, new->node.plen, &new->ext_pfx, new->node.plen,
		new->active ? "" : " (inactive)");
	npt6_msg_notify(net, new, NPT6_CMD_MAP_CHANGE,
			was_active ? &old_ext : NULL);
	return 0;

err_free:
	kfree(new);
	return err;
}

struct npt6_map *npt6_map_find(struct net *net, struct net_device *dev,
			       const struct in6_addr *int_pfx, u8 plen)
{
	__be64 key = npt6_addr_hi(int_pfx);
	struct npt6_table_node *node;
	struct npt6_map *map;
	struct npt6_dev *xdev;

	xdev = npt6_dev_find(npt6_net(net), dev);
	if (!xdev)
		return NULL;
	/* Active mappings are a hash probe away; inactive ones are few. */
	node = npt6_table_find_int(&xdev->table, key, plen);
	if (node)
		return container_of(node, struct npt6_map, node);
	list_for_each_entry(map, &xdev->maps, list)
		if (!map->active && map->node.int_key == key &&
		    map->node.plen == plen)
			return map;
	return NULL;
}

int npt6_map_del(struct net *net, struct net_device *dev,
		 const struct in6_addr *int_pfx, u8 plen,
		 struct netlink_ext_ack *extack)
{
	struct npt6_map *map;

	ASSERT_RTNL();
	map = npt6_map_find(net, dev, int_pfx, plen);
	if (!map) {
		NL_SET_ERR_MSG(extack, "No mapping for this internal prefix on this device");
		return -ENOENT;
	}
	npt6_map_remove(net, map);
	return 0;
}

static unsigned int npt6_dev_flush(struct net *net, struct npt6_dev *xdev)
{
	unsigned int n = xdev->nmaps;

	/* The last removal frees xdev itself. */
	while (xdev->nmaps > 1)
		npt6_map_remove(net, list_first_entry(&xdev->maps,
						      struct npt6_map, list));
	npt6_map_remove(net, list_first_entry(&xdev->maps, struct npt6_map,
					      list));
	return n;
}

/* Remove every mapping, or those on @dev if it is not NULL. */
unsigned int npt6_map_flush(struct net *net, struct net_device *dev)
{
	struct npt6_net *nn = npt6_net(net);
	struct npt6_dev *xdev, *tmp;
	unsigned int n = 0;

	ASSERT_RTNL();
	list_for_each_entry_safe(xdev, tmp, &nn->devs, list)
		if (!dev || xdev->dev == dev)
			n += npt6_dev_flush(net, xdev);
	return n;
}

/*
 * Point every auto mapping of the namespace at the address it should
 * follow now (autoprefix.c), or deactivate it.  Called by the watcher in
 * net.c, under rtnl.
 */
void npt6_map_follow(struct npt6_net *nn)
{
	struct npt6_map *map, *tmp;
	struct npt6_source src;
	struct npt6_dev *xdev;

	ASSERT_RTNL();
	list_for_each_entry(xdev, &nn->devs, list) {
		/* npt6_map_set_ext() replaces the entry we stand on. */
		list_for_each_entry_safe(map, tmp, &xdev->maps, list) {
			if (!map->ext_auto)
				continue;
			npt6_map_resolve(nn->net, map, xdev->dev, &src);
			if (src.why == NPT6_INACTIVE_NONE ?
			    map->active &&
			    ipv6_addr_equal(&src.ext_pfx, &map->ext_pfx) &&
			    ipv6_addr_equal(&src.addr, &map->ext_addr) :
			    !map->active && src.why == map->inactive)
				continue;
			npt6_map_set_ext(nn->net, map, &src);
		}
	}
}

/*
 * A device that goes away, or leaves for another namespace, takes its
 * mappings with it: they name it by ifindex, which means nothing elsewhere.
 *
 * A device can also change its type under us: a bond or team takes the
 * type of its first slave, which need not be Ethernet.  Translation does
 * not care, but the NDP proxy speaks Ethernet (allmulti, a 6-byte link
 * address in every NA), so we refuse the change while a proxy is on; the
 * user can re-add the mappings with the proxy off and enslave again.
 */
static int npt6_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct net *net = dev_net(dev);
	struct npt6_dev *xdev;

	if (event != NETDEV_UNREGISTER && event != NETDEV_PRE_TYPE_CHANGE)
		return NOTIFY_DONE;
	xdev = npt6_dev_find(npt6_net(net), dev);
	if (!xdev)
		return NOTIFY_DONE;
	if (event == NETDEV_PRE_TYPE_CHANGE) {
		if (!xdev->nproxy)
			return NOTIFY_DONE;
		pr_warn("%s: refusing to change the device type: an NDP proxy of npt6 answers on it with Ethernet frames; re-add its mappings with ndproxy off first\n",
			dev->name);
		return notifier_from_errno(-EOPNOTSUPP);
	}
	npt6_dev_flush(net, xdev);
	return NOTIFY_DONE;
}

static struct notifier_block npt6_netdev_notifier = {
	.notifier_call = npt6_netdev_event,
};

int __init npt6_map_init(void)
{
	return register_netdevice_notifier(&npt6_netdev_notifier);
}

void npt6_map_uninit(void)
{
	unregister_netdevice_notifier(&npt6_netdev_notifier);
}
