/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lookup structure of one external device: which mapping covers an
 * internal address (SNPT) and which covers an external one (DNPT).
 */
#ifndef _NPT6_TABLE_H
#define _NPT6_TABLE_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>

/* The table's view of a mapping; embedded in struct npt6_map. */
struct npt6_table_node {
	struct rhash_head int_node;
	struct rhash_head ext_node;
	struct list_head list;	/* on npt6_table.nodes, for overlap scans */
	__be64 int_key;		/* internal prefix, high 64 bits, host bits clear */
	__be64 ext_key;		/* external prefix, likewise */
	u8 plen;
};

/*
 * Mappings on one device never overlap, so an address matches at most one
 * of them on each side, and the masked prefix alone is a unique key.  We
 * keep one hash table per side and a bitmap of the prefix lengths in use:
 * a lookup costs one hash probe per distinct length (one, in practice),
 * however many mappings there are.
 */
struct npt6_table {
	struct rhashtable by_int;
	struct rhashtable by_ext;
	u64 plens;			/* bit plen-1 set: some node has that length */
	unsigned int plen_refs[64];	/* nodes per length, to maintain @plens */
	struct list_head nodes;
	unsigned int count;
};

int npt6_table_init(struct npt6_table *t);
void npt6_table_destroy(struct npt6_table *t);

/* Config path, serialised by the caller (rtnl). */
int npt6_table_insert(struct npt6_table *t, struct npt6_table_node *n);
void npt6_table_remove(struct npt6_table *t, struct npt6_table_node *n);
struct npt6_table_node *npt6_table_find_int(struct npt6_table *t,
					    __be64 int_key, u8 plen);
int npt6_table_conflict(struct npt6_table *t, __be64 int_key, __be64 ext_key,
			u8 plen, bool *on_ext);
int npt6_table_conflict_int(struct npt6_table *t, __be64 int_key, u8 plen);
int npt6_table_conflict_ext(struct npt6_table *t, __be64 ext_key, u8 plen,
			    const struct npt6_table_node *except);
void npt6_table_replace(struct npt6_table *t, struct npt6_table_node *old,
			struct npt6_table_node *new);

/* Packet path, under rcu_read_lock(). */
struct npt6_table_node *npt6_table_match_int(struct npt6_table *t,
					     const struct in6_addr *addr);
struct npt6_table_node *npt6_table_match_ext(struct npt6_table *t,
					     const struct in6_addr *addr);

#endif /* _NPT6_TABLE_H */
