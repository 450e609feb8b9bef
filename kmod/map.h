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

#include <uapi/linux/npt6.h>

#include "localaddr.h"
#include "rfc6296.h"
#include "table.h"

struct npt6_net;

enum npt6_dir {
	NPT6_DIR_SNPT,		/* egress: internal source -> external */
	NPT6_DIR_DNPT,		/* ingress: external destination -> internal */
	NPT6_DIR_MAX
};

/*
 * Counters are named by their UAPI attributes (enum npt6_dir_stats_attr
 * and enum npt6_ndp_stats_attr) and stored without the attributes that
 * carry none (UNSPEC, PAD): attribute a is slot a - FIRST.  Callers pass
 * constants, so the subtraction costs nothing.
 */
#define NPT6_CTR_FIRST		NPT6_DSTATS_PACKETS
#define NPT6_CTR_MAX		(__NPT6_DSTATS_MAX - NPT6_CTR_FIRST)
#define NPT6_NDP_FIRST		NPT6_NSTATS_NS_SEEN
#define NPT6_NDP_MAX		(__NPT6_NSTATS_MAX - NPT6_NDP_FIRST)

struct npt6_stats {
	struct u64_stats_sync syncp;
	u64_stats_t ctr[NPT6_DIR_MAX][NPT6_CTR_MAX];
	u64_stats_t ndp[NPT6_NDP_MAX];
};

struct npt6_dev;

/* Which address an auto mapping follows, and what it makes of it. */
struct npt6_auto_cfg {
	struct in6_addr token;		/* the address's IID, or :: for any */
	int ifindex;			/* the device it is on; 0: the mapping's */
	bool pd;			/* no address: the delegated prefix */
	bool subnet_set;		/* the N-th subnet, not the address's own */
	u32 subnet;
};

/*
 * A mapping.  Once a mapping has been visible to the packet path, the
 * fields readers use never change: a change of external prefix builds a
 * new struct that replaces this one (npt6_map_set_ext()), and this one is
 * freed after a grace period.  The counters move to the new struct.
 */
struct npt6_map {
	struct npt6_table_node node;	/* in the table while active */
	struct list_head list;		/* on npt6_dev.maps, under rtnl */
	struct npt6_dev *xdev;		/* the external device it is on */
	struct in6_addr int_pfx;
	struct in6_addr ext_pfx;	/* :: while an auto mapping is inactive */
	struct npt6_rewrite rw[NPT6_DIR_MAX];
	struct npt6_stats __percpu *stats;
	unsigned long flags;		/* NPT6_MAP_* bits */
	u8 ndproxy;			/* enum npt6_ndproxy_mode */
	u8 mode;			/* enum npt6_mode, for replies */
	bool active;			/* in the table, translating */
	bool ext_auto;			/* external prefix follows an address */
	/* ext_auto: what to follow */
	struct npt6_auto_cfg autocfg;
	/* ext_auto: what is followed now (struct npt6_source's fields) */
	struct in6_addr ext_addr;	/* the address, or :: */
	struct in6_addr src_pfx;	/* its prefix, @src_len long */
	u8 src_len;
	u8 inactive;			/* enum npt6_inactive */
	/*
	 * The NDP proxy's resolution budget (ndproxy.c), the one field the
	 * packet path writes; a copy made by npt6_map_set_ext() may start
	 * from a slightly stale value, which is harmless.
	 */
	unsigned long resolve_tat;
	struct rcu_head rcu;
};

/* We have warned once that SNPT produced one of our own addresses. */
#define NPT6_MAP_COLLISION_LOGGED	0
/* The counters now belong to the mapping that replaced this one. */
#define NPT6_MAP_STATS_MOVED		1

/* What a request asks for; npt6_map_add() turns it into a mapping. */
struct npt6_map_cfg {
	struct in6_addr int_pfx;
	struct in6_addr ext_pfx;	/* ignored if ext_auto */
	u8 plen;
	u8 ndproxy;
	bool ndproxy_set;		/* asked for, not the default */
	u8 mode;			/* enum npt6_mode */
	bool mode_set;			/* asked for, not the default */
	bool ext_auto;
	struct npt6_auto_cfg autocfg;	/* if ext_auto */
};

/*
 * One external device with at least one mapping.  It owns the netfilter
 * hooks on that device; the hooks' priv points back here.
 */
struct npt6_dev {
	struct list_head list;		/* on npt6_net.devs (net.h) */
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	struct npt6_table table;	/* active mappings, for the packet path */
	struct list_head maps;		/* all mappings, under rtnl */
	unsigned int nmaps;
	unsigned int nproxy;		/* mappings with ndproxy on: allmulti */
	struct npt6_local *local;	/* the namespace's own addresses */
	struct nf_hook_ops ops[NPT6_DIR_MAX];
};

int npt6_map_add(struct net *net, struct net_device *dev,
		 const struct npt6_map_cfg *cfg, struct netlink_ext_ack *extack);
int npt6_map_change(struct net *net, struct net_device *dev,
		    const struct npt6_map_cfg *cfg,
		    struct netlink_ext_ack *extack);
int npt6_map_del(struct net *net, struct net_device *dev,
		 const struct in6_addr *int_pfx, u8 plen,
		 struct netlink_ext_ack *extack);
unsigned int npt6_map_flush(struct net *net, struct net_device *dev);
struct npt6_map *npt6_map_find(struct net *net, struct net_device *dev,
			       const struct in6_addr *int_pfx, u8 plen);
void npt6_map_follow(struct npt6_net *nn);

static inline void npt6_map_count(struct npt6_map *map, enum npt6_dir dir,
				  enum npt6_dir_stats_attr ctr, u64 n)
{
	struct npt6_stats *s = this_cpu_ptr(map->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->ctr[dir][ctr - NPT6_CTR_FIRST], n);
	u64_stats_update_end(&s->syncp);
}

/* Both counters of a translated packet, in one go. */
static inline void npt6_map_count_xlat(struct npt6_map *map, enum npt6_dir dir,
				       u64 packets, u64 bytes)
{
	struct npt6_stats *s = this_cpu_ptr(map->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->ctr[dir][NPT6_DSTATS_PACKETS - NPT6_CTR_FIRST],
		      packets);
	u64_stats_add(&s->ctr[dir][NPT6_DSTATS_BYTES - NPT6_CTR_FIRST], bytes);
	u64_stats_update_end(&s->syncp);
}

static inline void npt6_map_count_ndp(struct npt6_map *map,
				      enum npt6_ndp_stats_attr ctr)
{
	struct npt6_stats *s = this_cpu_ptr(map->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->ndp[ctr - NPT6_NDP_FIRST]);
	u64_stats_update_end(&s->syncp);
}

int npt6_map_init(void);
void npt6_map_uninit(void);

#endif /* _NPT6_MAP_H */
