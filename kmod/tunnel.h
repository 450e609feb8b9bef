/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ipip6 tunnel device (link kind "npt6tnl"), shared by its two
 * halves: tunnel_link.c configures it (rtnl link ops, endpoints, the
 * local address that follows a prefix) and tunnel.c carries its packets.
 */
#ifndef _NPT6_TUNNEL_H
#define _NPT6_TUNNEL_H

#include <linux/in6.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <net/dst_cache.h>
#include <net/gro_cells.h>
#include <net/ipv6.h>

#include <uapi/linux/npt6.h>

#include "net.h"

/* What names a tunnel's endpoints; changed all together or not at all. */
struct npt6_tnl_id {
	int link;			/* ifindex of the underlying device */
	struct in6_addr remote;
	struct in6_addr local;		/* the fixed one, or :: with local_auto */
	struct in6_addr token;		/* local_auto: IID to follow, or :: */
	bool local_auto;
};

/*
 * Where the endpoints live, swapped whole so readers never see half.  The
 * route to the remote is cached here too, not in the tunnel: a transmit
 * that still holds the old endpoints after a change can then only fill
 * the old cache, which goes with them, never leave the old remote's route
 * in the cache the new endpoints use.
 */
struct npt6_tnl_ends {
	struct in6_addr local;
	struct in6_addr remote;
	struct dst_cache dst_cache;	/* outer routes of unmarked packets */
	struct rcu_head rcu;
};

struct npt6_tnl {
	struct hlist_node hash;		/* npt6_net.tnl_hash (net.h), by remote */
	unsigned int bucket;		/* which one, while hashed */
	struct net_device *dev;
	struct net *net;
	struct npt6_tnl_ends __rcu *ends;	/* NULL: no local address yet */
	struct gro_cells gro_cells;

	/* Configuration, written under rtnl. */
	struct npt6_tnl_id id;
	bool counted_auto;		/* holds npt6_auto_get() */
	/* Settings the packet path reads with READ_ONCE(). */
	u8 hoplimit;
	u32 tclass;
	u32 flowlabel;
	u16 encaplimit;
	u16 mss;
	u8 fastpath;			/* tunnel_fastpath.c */
};

/* RFC 2473 section 4.1.1: Tunnel Encapsulation Limit, padded to 8 bytes. */
#define NPT6_TNL_ELIM_LEN	8

static inline unsigned int npt6_tnl_hash(const struct in6_addr *remote)
{
	return ipv6_addr_hash(remote) & (NPT6_TNL_HASH_SIZE - 1);
}

static inline unsigned int npt6_tnl_hlen(u16 encaplimit)
{
	return sizeof(struct ipv6hdr) +
	       (encaplimit == NPT6_TNL_ENCAPLIMIT_NONE ? 0 : NPT6_TNL_ELIM_LEN);
}

/* tunnel.c: the packet path. */
netdev_tx_t npt6_tnl_xmit(struct sk_buff *skb, struct net_device *dev);
struct npt6_tnl *npt6_tnl_lookup(struct net *net,
				 const struct in6_addr *remote,
				 const struct in6_addr *local);
bool npt6_tnl_decap(struct npt6_tnl *t, struct sk_buff *skb, u8 outer_ds);
int npt6_tnl_rcv_register(void);
void npt6_tnl_rcv_unregister(void);

/* tunnel_fastpath.c: the opt-in short cut past the IPv6 stack. */
bool npt6_tnl_fast_xmit_ok(const struct dst_entry *dst);
void npt6_tnl_fast_xmit(struct sk_buff *skb, struct net_device *dev);
int npt6_tnl_neigh_construct(struct net_device *dev, struct neighbour *n);
int npt6_tnl_fast_check(struct net_device *link,
			struct netlink_ext_ack *extack);
void npt6_tnl_fast_sync(struct net_device *link, const struct npt6_tnl *except);
int npt6_tnl_fast_init(void);
void npt6_tnl_fast_uninit(void);

/* tunnel_link.c: configuration. */
bool npt6_tnl_dev(const struct net_device *dev);
void npt6_tnl_follow(struct net *net);
int npt6_tnl_init(void);
void npt6_tnl_uninit(void);

#endif /* _NPT6_TUNNEL_H */
