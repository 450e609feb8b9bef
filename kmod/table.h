/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lookup structure of one external device: which mapping covers an
 * internal address (SNPT) and which covers an external one (DNPT).
 */
#ifndef _NPT6_TABLE_H
#define _NPT6_TABLE_H

#include <linux/bitops.h>
#include <linux/hash.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "rfc6296.h"

enum npt6_side {
	NPT6_SIDE_INT,		/* keyed by internal prefix: SNPT */
	NPT6_SIDE_EXT,		/* keyed by external prefix: DNPT */
	NPT6_SIDE_MAX
};

/* The table's view of a mapping; embedded in struct npt6_map. */
struct npt6_table_node {
	/* the prefix on each side: high 64 bits, host bits clear */
	union {
		struct {
			__be64 int_key;
			__be64 ext_key;
		};
		__be64 key[NPT6_SIDE_MAX];	/* indexed by enum npt6_side */
	};
	struct list_head list;	/* on npt6_table.nodes, for overlap scans */
	u8 plen;
};

/*
 * One side's hash: open addressing with linear probing over an array of
 * node pointers.  Readers only ever load a slot, so RCU needs nothing
 * more: a slot goes from empty to a node, from a node to a tombstone or
 * to the node replacing it, and the array is resized by building a new
 * one and swapping the pointer.  At most half the slots are in use, so a
 * probe ends at an empty slot after one or two steps.
 */
struct npt6_slots {
	struct rcu_head rcu;
	u32 mask;		/* slots - 1; a power of two minus one */
	u32 bits;		/* log2(slots) */
	u64 seed;		/* random per array: no chosen collisions */
	u32 used;		/* nodes and tombstones; writers only */
	struct npt6_table_node __rcu *slot[];
};

#define NPT6_SLOT_TOMB	((struct npt6_table_node *)1UL)

/*
 * Mappings on one device never overlap, so an address matches at most one
 * of them on each side, and the masked prefix alone is a unique key.  We
 * keep one hash per side and a bitmap of the prefix lengths in use: a
 * lookup costs one hash probe per distinct length (one, in practice),
 * however many mappings there are.
 */
struct npt6_table {
	struct npt6_slots __rcu *slots[NPT6_SIDE_MAX];
	u64 plens;			/* bit plen-1 set: some node has that length */
	unsigned int plen_refs[64];	/* nodes per length, to maintain @plens */
	struct list_head nodes;
	unsigned int count;
};

int npt6_table_init(struct npt6_table *t);
void npt6_table_destroy(struct npt6_table *t);

/* Config path, serialised by the caller (rtnl).  May sleep. */
int npt6_table_insert(struct npt6_table *t, struct npt6_table_node *n);
void npt6_table_remove(struct npt6_table *t, struct npt6_table_node *n);
struct npt6_table_node *npt6_table_find_int(struct npt6_table *t,
					    __be64 int_key, u8 plen);
int npt6_table_conflict(struct npt6_table *t, __be64 int_key, __be64 ext_key,
			u8 plen, bool *on_ext);
int npt6_table_conflict_int(struct npt6_table *t, __be64 int_key, u8 plen);
int npt6_table_conflict_ext(struct npt6_table *t, __be64 ext_key, u8 plen,
			    const struct npt6_table_node *except);
int npt6_table_replace(struct npt6_table *t, struct npt6_table_node *old,
		       struct npt6_table_node *new);

/*
 * The slot a key starts probing at.  hash_64() keeps the top bits of a
 * multiplication, which depend on every bit of the key; the low bits do
 * not, and prefixes that differ only in their last 16 bits (the usual
 * way to number /64s) would all start at one slot.
 */
static inline u32 npt6_slot_hash(const struct npt6_slots *s, __be64 key)
{
	return hash_64((__force u64)key ^ s->seed, s->bits);
}

/*
 * The node with exactly this key on @side, if any.  Readers hold
 * rcu_read_lock(); a @writer is serialised against other writers by the
 * caller of the config functions.
 */
static __always_inline struct npt6_table_node *
npt6_slots_find(const struct npt6_slots *s, enum npt6_side side, __be64 key,
		bool writer)
{
	struct npt6_table_node *n;
	u32 i;

	for (i = npt6_slot_hash(s, key);; i = (i + 1) & s->mask) {
		n = writer ? rcu_dereference_protected(s->slot[i], true) :
			     rcu_dereference(s->slot[i]);
		if (!n)
			return NULL;
		if (n != NPT6_SLOT_TOMB && n->key[side] == key)
			return n;
	}
}

/*
 * Packet path, under rcu_read_lock(): the node whose prefix on @side
 * covers @addr.  Longest length first, although with non-overlapping
 * nodes at most one can match.  The final mask check matters: a probe
 * with a short length can hit a longer node whose key ends in zeros.
 */
static __always_inline struct npt6_table_node *
npt6_table_match(const struct npt6_table *t, enum npt6_side side,
		 const struct in6_addr *addr)
{
	const struct npt6_slots *s = rcu_dereference(t->slots[side]);
	u64 plens = READ_ONCE(t->plens);
	__be64 hi = npt6_addr_hi(addr);

	while (plens) {
		unsigned int bit = fls64(plens) - 1;
		struct npt6_table_node *n;

		n = npt6_slots_find(s, side, hi & npt6_plen_mask_nz(bit + 1),
				    false);
		if (n && !((hi ^ n->key[side]) & npt6_plen_mask_nz(n->plen)))
			return n;
		plens &= ~BIT_ULL(bit);
	}
	return NULL;
}

static inline struct npt6_table_node *
npt6_table_match_int(const struct npt6_table *t, const struct in6_addr *addr)
{
	return npt6_table_match(t, NPT6_SIDE_INT, addr);
}

static inline struct npt6_table_node *
npt6_table_match_ext(const struct npt6_table *t, const struct in6_addr *addr)
{
	return npt6_table_match(t, NPT6_SIDE_EXT, addr);
}

#endif /* _NPT6_TABLE_H */
