/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mappings and their owners: the per-namespace list of external devices
 * that carry at least one mapping, and the mappings themselves.
 */
#ifndef _NPT6_MAP_H
#define _NPT6_MAP_H

#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/u64_stats_sync.h>
#include <net/netlink.h>

#include "rfc6296.h"
#include "table.h"

enum npt6_dir {
	NPT6_DIR_SNPT,		/* egress: internal source -> external */
	NPT6_DIR_DNPT,		/* ingress: external destination -> internal */
	NPT6_DIR_MAX
};

/* Mirrors enum npt6_dir_stats_attr in the UAPI, without the padding. */
enum npt6_ctr {
	NPT6_CTR_PACKETS,
	NPT6_CTR_BYTES,
	NPT6_CTR_ICMP_INNER,
	NPT6_CTR_LOCAL,
	NPT6_CTR_COLLISION,
	NPT6_CTR_DROP_UNMAPPABLE,
	NPT6_CTR_DROP_NOMEM,
	NPT6_CTR_MAX
};

struct npt6_stats {
	struct u64_stats_sync syncp;
	u64_stats_t ctr[NPT6_DIR_MAX][NPT6_CTR_MAX];
};

struct npt6_dev;

struct npt6_map {
	struct npt6_table_node node;
	struct npt6_dev *ndev;
	struct in6_addr int_pfx;
	struct in6_addr ext_pfx;
	struct npt6_rewrite rw[NPT6_DIR_MAX];
	struct npt6_stats __percpu *stats;
	unsigned long flags;		/* NPT6_MAP_* bits */
	struct rcu_head rcu;
};

/* We have warned once that SNPT produced one of our own addresses. */
#define NPT6_MAP_COLLISION_LOGGED	0

/*
 * One external device with at least one mapping.  It owns the netfilter
 * hooks on that device; the hooks' priv points back here.
 */
struct npt6_dev {
	struct list_head list;		/* on npt6_net.devs, under rtnl */
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	struct npt6_table table;
	struct nf_hook_ops ops[NPT6_DIR_MAX];
};

struct npt6_net {
	struct list_head devs;		/* struct npt6_dev, under rtnl */
	unsigned int gen;		/* bumped on every change, for dumps */
};

struct npt6_net *npt6_net(struct net *net);

int npt6_map_add(struct net *net, struct net_device *dev,
		 const struct in6_addr *int_pfx, const struct in6_addr *ext_pfx,
		 u8 plen, struct netlink_ext_ack *extack);
int npt6_map_del(struct net *net, struct net_device *dev,
		 const struct in6_addr *int_pfx, u8 plen,
		 struct netlink_ext_ack *extack);
unsigned int npt6_map_flush(struct net *net, struct net_device *dev);
struct npt6_map *npt6_map_find(struct net *net, struct net_device *dev,
			       const struct in6_addr *int_pfx, u8 plen);
void npt6_map_read_stats(const struct npt6_map *map,
			 u64 out[NPT6_DIR_MAX][NPT6_CTR_MAX]);

static inline void npt6_map_count(struct npt6_map *map, enum npt6_dir dir,
				  enum npt6_ctr ctr, u64 n)
{
	struct npt6_stats *s = this_cpu_ptr(map->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->ctr[dir][ctr], n);
	u64_stats_update_end(&s->syncp);
}

int npt6_map_init(void);
void npt6_map_uninit(void);

#endif /* _NPT6_MAP_H */
