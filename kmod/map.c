// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime of mappings and of the per-device state that carries them.
 *
 * Locking: every change happens under rtnl, which also serialises us
 * against device unregistration and namespace teardown.  The packet path
 * never takes a lock; it reaches a struct npt6_dev through the priv pointer
 * of its own netfilter hook and finds mappings in the RCU-safe table.
 *
 * Removal order, which everything below relies on:
 *   - a mapping is unlinked from the table and freed after a grace period
 *     (call_rcu), because a packet may have just found it;
 *   - a device's hooks are unregistered when its last mapping goes, then
 *     we wait for every packet already inside a hook (synchronize_net)
 *     before the table and the npt6_dev are freed.
 */

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "map.h"
#include "xlat.h"

static unsigned int npt6_net_id __read_mostly;

struct npt6_net *npt6_net(struct net *net)
{
	return net_generic(net, npt6_net_id);
}

static struct npt6_dev *npt6_dev_find(struct npt6_net *nn,
				      const struct net_device *dev)
{
	struct npt6_dev *nd;

	ASSERT_RTNL();
	list_for_each_entry(nd, &nn->devs, list)
		if (nd->dev == dev)
			return nd;
	return NULL;
}

static struct npt6_dev *npt6_dev_create(struct net *net,
					struct net_device *dev)
{
	static const unsigned int hooknum[NPT6_DIR_MAX] = {
		[NPT6_DIR_SNPT] = NF_NETDEV_EGRESS,
		[NPT6_DIR_DNPT] = NF_NETDEV_INGRESS,
	};
	static nf_hookfn * const hookfn[NPT6_DIR_MAX] = {
		[NPT6_DIR_SNPT] = npt6_xlat_egress,
		[NPT6_DIR_DNPT] = npt6_xlat_ingress,
	};
	struct npt6_dev *nd;
	int err, dir;

	nd = kzalloc(sizeof(*nd), GFP_KERNEL);
	if (!nd)
		return ERR_PTR(-ENOMEM);
	err = npt6_table_init(&nd->table);
	if (err)
		goto err_free;

	nd->dev = dev;
	for (dir = 0; dir < NPT6_DIR_MAX; dir++) {
		nd->ops[dir] = (struct nf_hook_ops) {
			.hook = hookfn[dir],
			.dev = dev,
			.priv = nd,
			.pf = NFPROTO_NETDEV,
			.hooknum = hooknum[dir],
			.priority = 0,
		};
	}
	/* The hooks go live at once; the table is still empty, so harmless. */
	err = nf_register_net_hooks(net, nd->ops, NPT6_DIR_MAX);
	if (err)
		goto err_table;

	netdev_hold(dev, &nd->dev_tracker, GFP_KERNEL);
	list_add_tail(&nd->list, &npt6_net(net)->devs);
	pr_debug("device %s attached\n", dev->name);
	return nd;

err_table:
	npt6_table_destroy(&nd->table);
err_free:
	kfree(nd);
	return ERR_PTR(err);
}

static void npt6_dev_destroy(struct net *net, struct npt6_dev *nd)
{
	list_del(&nd->list);
	nf_unregister_net_hooks(net, nd->ops, NPT6_DIR_MAX);
	/* Packets already inside our hooks may still use nd and its table. */
	synchronize_net();
	npt6_table_destroy(&nd->table);
	pr_debug("device %s detached\n", nd->dev->name);
	netdev_put(nd->dev, &nd->dev_tracker);
	kfree(nd);
}

static void npt6_map_free_rcu(struct rcu_head *head)
{
	struct npt6_map *map = container_of(head, struct npt6_map, rcu);

	free_percpu(map->stats);
	kfree(map);
}

static void npt6_map_unlink(struct npt6_dev *nd, struct npt6_map *map)
{
	npt6_table_remove(&nd->table, &map->node);
	pr_debug("mapping %pI6c/%u -> %pI6c/%u on %s destroyed\n",
		 &map->int_pfx, map->node.plen, &map->ext_pfx, map->node.plen,
		 nd->dev->name);
	call_rcu(&map->rcu, npt6_map_free_rcu);
}

int npt6_map_add(struct net *net, struct net_device *dev,
		 const struct in6_addr *int_pfx, const struct in6_addr *ext_pfx,
		 u8 plen, struct netlink_ext_ack *extack)
{
	struct npt6_net *nn = npt6_net(net);
	struct npt6_map *map;
	struct npt6_dev *nd;
	bool created = false;
	bool on_ext;
	int err;

	ASSERT_RTNL();
	if (!npt6_prefix_valid(int_pfx, plen) ||
	    !npt6_prefix_valid(ext_pfx, plen)) {
		NL_SET_ERR_MSG(extack, "Prefix length out of range or host bits set");
		return -EINVAL;
	}

	nd = npt6_dev_find(nn, dev);
	if (nd) {
		err = npt6_table_conflict(&nd->table, npt6_addr_hi(int_pfx),
					  npt6_addr_hi(ext_pfx), plen, &on_ext);
		if (err == -EEXIST) {
			NL_SET_ERR_MSG(extack, "Internal prefix already mapped on this device");
			return err;
		}
		if (err) {
			if (on_ext)
				NL_SET_ERR_MSG(extack, "External prefix overlaps another mapping");
			else
				NL_SET_ERR_MSG(extack, "Internal prefix overlaps another mapping");
			return err;
		}
	}

	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	map->stats = netdev_alloc_pcpu_stats(struct npt6_stats);
	if (!map->stats) {
		err = -ENOMEM;
		goto err_free;
	}
	map->int_pfx = *int_pfx;
	map->ext_pfx = *ext_pfx;
	map->node.int_key = npt6_addr_hi(int_pfx);
	map->node.ext_key = npt6_addr_hi(ext_pfx);
	map->node.plen = plen;
	npt6_rewrite_init(&map->rw[NPT6_DIR_SNPT], int_pfx, ext_pfx, plen);
	npt6_rewrite_init(&map->rw[NPT6_DIR_DNPT], ext_pfx, int_pfx, plen);

	if (!nd) {
		nd = npt6_dev_create(net, dev);
		if (IS_ERR(nd)) {
			err = PTR_ERR(nd);
			NL_SET_ERR_MSG(extack, "Cannot attach netfilter hooks to the device");
			goto err_free;
		}
		created = true;
	}
	map->ndev = nd;

	err = npt6_table_insert(&nd->table, &map->node);
	if (err) {
		NL_SET_ERR_MSG(extack, "Cannot insert mapping into the lookup table");
		goto err_dev;
	}
	nn->gen++;
	pr_debug("mapping %pI6c/%u -> %pI6c/%u on %s created\n",
		 int_pfx, plen, ext_pfx, plen, dev->name);
	return 0;

err_dev:
	if (created)
		npt6_dev_destroy(net, nd);
err_free:
	free_percpu(map->stats);
	kfree(map);
	return err;
}

struct npt6_map *npt6_map_find(struct net *net, struct net_device *dev,
			       const struct in6_addr *int_pfx, u8 plen)
{
	struct npt6_table_node *node;
	struct npt6_dev *nd;

	nd = npt6_dev_find(npt6_net(net), dev);
	if (!nd)
		return NULL;
	node = npt6_table_find_int(&nd->table, npt6_addr_hi(int_pfx), plen);
	if (!node)
		return NULL;
	return container_of(node, struct npt6_map, node);
}

int npt6_map_del(struct net *net, struct net_device *dev,
		 const struct in6_addr *int_pfx, u8 plen,
		 struct netlink_ext_ack *extack)
{
	struct npt6_map *map;
	struct npt6_dev *nd;

	ASSERT_RTNL();
	map = npt6_map_find(net, dev, int_pfx, plen);
	if (!map || !ipv6_addr_equal(&map->int_pfx, int_pfx)) {
		NL_SET_ERR_MSG(extack, "No mapping for this internal prefix on this device");
		return -ENOENT;
	}
	nd = map->ndev;
	npt6_map_unlink(nd, map);
	if (!nd->table.count)
		npt6_dev_destroy(net, nd);
	npt6_net(net)->gen++;
	return 0;
}

static unsigned int npt6_dev_flush(struct net *net, struct npt6_dev *nd)
{
	struct npt6_table_node *node, *tmp;
	unsigned int n = 0;

	list_for_each_entry_safe(node, tmp, &nd->table.nodes, list) {
		npt6_map_unlink(nd, container_of(node, struct npt6_map, node));
		n++;
	}
	npt6_dev_destroy(net, nd);
	return n;
}

/* Remove every mapping, or those on @dev if it is not NULL. */
unsigned int npt6_map_flush(struct net *net, struct net_device *dev)
{
	struct npt6_net *nn = npt6_net(net);
	struct npt6_dev *nd, *tmp;
	unsigned int n = 0;

	ASSERT_RTNL();
	list_for_each_entry_safe(nd, tmp, &nn->devs, list)
		if (!dev || nd->dev == dev)
			n += npt6_dev_flush(net, nd);
	if (n)
		nn->gen++;
	return n;
}

void npt6_map_read_stats(const struct npt6_map *map,
			 u64 out[NPT6_DIR_MAX][NPT6_CTR_MAX])
{
	int cpu, dir, ctr;

	memset(out, 0, sizeof(u64) * NPT6_DIR_MAX * NPT6_CTR_MAX);
	for_each_possible_cpu(cpu) {
		const struct npt6_stats *s = per_cpu_ptr(map->stats, cpu);
		u64 tmp[NPT6_DIR_MAX][NPT6_CTR_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (dir = 0; dir < NPT6_DIR_MAX; dir++)
				for (ctr = 0; ctr < NPT6_CTR_MAX; ctr++)
					tmp[dir][ctr] = u64_stats_read(&s->ctr[dir][ctr]);
		} while (u64_stats_fetch_retry(&s->syncp, start));

		for (dir = 0; dir < NPT6_DIR_MAX; dir++)
			for (ctr = 0; ctr < NPT6_CTR_MAX; ctr++)
				out[dir][ctr] += tmp[dir][ctr];
	}
}

/*
 * A device that goes away, or leaves for another namespace, takes its
 * mappings with it: they name it by ifindex, which means nothing elsewhere.
 */
static int npt6_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct net *net = dev_net(dev);
	struct npt6_dev *nd;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	nd = npt6_dev_find(npt6_net(net), dev);
	if (nd) {
		npt6_dev_flush(net, nd);
		npt6_net(net)->gen++;
	}
	return NOTIFY_DONE;
}

static struct notifier_block npt6_netdev_notifier = {
	.notifier_call = npt6_netdev_event,
};

static int __net_init npt6_net_init(struct net *net)
{
	INIT_LIST_HEAD(&npt6_net(net)->devs);
	return 0;
}

/*
 * Devices leave a dying namespace before pernet subsystems exit, and our
 * notifier has already flushed them; this only catches what remains when
 * the module itself is unloaded.
 */
static void __net_exit npt6_net_exit(struct net *net)
{
	rtnl_lock();
	npt6_map_flush(net, NULL);
	rtnl_unlock();
}

static struct pernet_operations npt6_net_ops = {
	.init = npt6_net_init,
	.exit = npt6_net_exit,
	.id = &npt6_net_id,
	.size = sizeof(struct npt6_net),
};

int npt6_map_init(void)
{
	int err;

	err = register_pernet_subsys(&npt6_net_ops);
	if (err)
		return err;
	err = register_netdevice_notifier(&npt6_netdev_notifier);
	if (err)
		unregister_pernet_subsys(&npt6_net_ops);
	return err;
}

void npt6_map_uninit(void)
{
	unregister_netdevice_notifier(&npt6_netdev_notifier);
	unregister_pernet_subsys(&npt6_net_ops);
	/* Mappings freed by call_rcu() must be gone before our code is. */
	rcu_barrier();
}
